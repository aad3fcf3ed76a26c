"""Reading XML safely: no DTD loading, no entity expansion, no network, size and table caps."""
from __future__ import annotations

import re

from lxml import etree

from trialaudit.errors import InputError
from .xmltools import _child



JATS_SUFFIXES = {".xml", ".nxml"}
MAX_XML_BYTES = 30_000_000


MAX_TABLE_CELLS = 200_000


class JatsError(InputError):
    """The file is not a readable JATS article; the message is meant for the user."""


class _TableTooLarge(Exception):
    pass


# --------------------------------------------------------------------------- safe parsing

class _NoFetch(etree.Resolver):
    """Defence in depth: any external DTD or entity libxml2 asks for resolves to nothing."""

    def resolve(self, url, pubid, context):
        return self.resolve_string("", context)


def _parser() -> etree.XMLParser:
    # note: collect_ids=False makes libxml2 try to load the external DTD; keep the default
    p = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                        huge_tree=False, recover=False, remove_comments=True, remove_pis=True)
    p.resolvers.add(_NoFetch())
    return p


_RE_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)
_RE_DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.I)


def parse_xml_bytes(data: bytes, name: str = "file") -> etree._Element:
    """Parse article bytes into the ``<article>`` element; JatsError on anything else."""
    if not data.strip():
        raise JatsError(f"{name}: the file is empty")
    if len(data) > MAX_XML_BYTES:
        raise JatsError(f"{name}: {len(data)} bytes is larger than the {MAX_XML_BYTES}-byte limit for XML articles")
    if b"\x00" in data[:8192] and not data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise JatsError(f"{name}: binary data, not an XML article (NUL bytes found)")
    head = data[:65536]
    if _RE_ENTITY_DECL.search(head) or _RE_DOCTYPE_SUBSET.search(head):
        raise JatsError(f"{name}: the XML declares its own entities or DTD subset, which is not read (unsafe input)")
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise JatsError(f"{name}: malformed XML ({msg})") from exc
    except ValueError as exc:  # e.g. unicode strings with an encoding declaration
        raise JatsError(f"{name}: unreadable XML ({exc})") from exc
    if root is None:
        raise JatsError(f"{name}: no XML document found")
    local = etree.QName(root).localname if isinstance(root.tag, str) else ""
    if local == "pmc-articleset":
        arts = [el for el in root if isinstance(el.tag, str) and etree.QName(el).localname == "article"]
        if not arts:
            raise JatsError(f"{name}: a PMC article set without an <article>")
        root = arts[0]
        local = "article"
    if local != "article":
        raise JatsError(f"{name}: not a JATS article (the root element is <{local or '?'}>, expected <article>)")
    if _child(root, "front") is None and _child(root, "body") is None:
        raise JatsError(f"{name}: not a JATS article (<article> has neither <front> nor <body>)")
    return root
