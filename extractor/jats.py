"""PubMed Central / JATS XML ingestion.

A JATS article (archiving or publishing tag set, ``.xml`` / ``.nxml``) is read
safely with lxml (no DTD loading, no entity expansion, no network, size cap),
rendered into a canonical Markdown text that :mod:`extractor.text` parses best
(``# title``, ``## Abstract`` with labelled parts, ``## Heading`` per section,
pipe tables with a ``Table 1. caption`` line and footnotes after, ``Figure 2.``
captions, a numbered reference list, citations as ``[3]``), and parsed with
:func:`extractor.text.parse_text` so every heuristic of the text path applies.

What the XML knows better than any heuristic then replaces the parser's guess:
tables are built from the XML grid (row and column spans placed exactly,
header rows from ``<thead>``, footnote markers from ``<xref ref-type="table-fn">``),
reference fields come from ``<element-citation>``, section kinds from
``sec-type`` where the title is not telling, and the title, ids, dates and trial
registrations from ``<article-meta>`` (``Document.meta``). ``Document.xml_paths``
maps ranges of the canonical text back to XML elements.
"""
from __future__ import annotations

import html.entities
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from trialaudit.errors import InputError
from trialaudit.schemas.document import (ArticleDate, ArticleMeta, Cell, Document, SourcePath, Table, TableRow)
from trialaudit.schemas.provenance import Span

from .normalize import normalize_inline
from .text import assign_groups, combine_headers, parse_text, strip_cell_markers
from .tracked import Tracked

__all__ = ["read_jats", "parse_jats", "JatsError", "JATS_SUFFIXES", "MAX_XML_BYTES", "render_jats"]

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


# --------------------------------------------------------------------------- small XML helpers

def _ln(el) -> str:
    """Local name of an element ('' for comments / processing instructions)."""
    if not isinstance(el.tag, str):
        return ""
    return etree.QName(el).localname


def _child(el, name: str):
    for c in el:
        if _ln(c) == name:
            return c
    return None


def _children(el, *names: str) -> list:
    return [c for c in el if _ln(c) in names]


def _desc(el, name: str) -> list:
    return [d for d in el.iter() if _ln(d) == name]


def _plain(el) -> str:
    """All text of an element, whitespace collapsed."""
    if el is None:
        return ""
    return _ws(" ".join(el.itertext()))


_RE_WS = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_RE_ZW = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")


def _ws(s: str) -> str:
    return _RE_WS.sub(" ", _RE_ZW.sub("", s)).strip()


_SUP = str.maketrans("0123456789+-−=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿ")
_RE_SUPERSCRIPTABLE = re.compile(r"^[0-9+\-−]+$")
_RE_UNIT_BEFORE = re.compile(r"(?:\bm|cm|mm|km|\bdm|μm|µm|χ|\bR|\bI|\bs)$")
_RE_CITE_LIST = re.compile(r"^\d{1,3}(?:\s*[-–—‑,]\s*\d{1,3})*$")
_MARKER_RE = re.compile(r"^(?:[a-zA-Z]|[*†‡§¶#$^&]+|\d{1,2})$")


# --------------------------------------------------------------------------- rendering

@dataclass
class _Grid:
    """A table's cells placed on a grid: ``cells[r][c]`` is (text, element, origin (r, c)) or None."""

    rows: list[list[tuple[str, object, tuple[int, int]] | None]]
    header: int           # number of header rows
    width: int


@dataclass
class _TablePlan:
    wrap_id: str
    label: str
    number: str | None
    caption: str
    path: str
    caption_range: tuple[int, int] | None = None
    range: tuple[int, int] = (0, 0)
    # per grid row: list of (start, end) text ranges of each column's cell (None for spanned)
    cell_ranges: list[list[tuple[int, int] | None]] = field(default_factory=list)
    grid: _Grid | None = None
    grid_rows_kind: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    footnote_range: tuple[int, int] | None = None


class _Writer:
    """Accumulates the canonical text and the XML path map."""

    def __init__(self, tree):
        self.parts: list[str] = []
        self.pos = 0
        self.paths: list[SourcePath] = []
        self.tree = tree

    def path(self, el) -> str:
        try:
            return self.tree.getpath(el)
        except (ValueError, TypeError):
            return ""

    def write(self, s: str) -> tuple[int, int]:
        s = _finish_citations(s)
        a = self.pos
        self.parts.append(s)
        self.pos += len(s)
        return a, self.pos

    def block(self, text: str, el=None, *, path: str | None = None) -> tuple[int, int] | None:
        text = _finish_citations(text).strip()
        if not text:
            return None
        a, b = self.write(text)
        self.write("\n\n")
        p = path if path is not None else (self.path(el) if el is not None else "")
        if p:
            self.paths.append(SourcePath(char_start=a, char_end=b, path=p))
        return a, b

    def text(self) -> str:
        return "".join(self.parts)


class _Renderer:
    """Render a JATS ``<article>`` into canonical Markdown."""

    def __init__(self, root):
        self.root = root
        self.tree = root.getroottree()
        self.w = _Writer(self.tree)
        self.warnings: list[str] = []
        self.tables: list[_TablePlan] = []
        self.section_kinds: list[tuple[int, str]] = []     # heading offset -> intended kind
        self.ref_fields: dict[int, dict] = {}
        self.ref_numbers: dict[str, int] = {}              # ref id -> number
        self.n_refs = 0
        self.floats: dict[str, object] = {}
        self.emitted: set[str] = set()
        self.meta = ArticleMeta()
        self.title: str | None = None
        self.in_table = 0

    def _key(self, el) -> str:
        return self.w.path(el)

    # ------------------------------------------------------------------ inline text
    def inline(self, el, *, top: bool = True) -> str:
        """Text a reader sees for an element's content (children and their tails)."""
        out: list[str] = []
        if el.text:
            out.append(el.text)
        for c in el:
            out.append(self.inline_el(c, "".join(out)))
            if c.tail:
                out.append(c.tail)
        s = "".join(out)
        return _ws(s) if top else s

    def inline_el(self, c, before: str) -> str:
        name = _ln(c)
        if not name:
            if c.tag is etree.Entity:  # a named entity the (unloaded) DTD would define: &nbsp; &ndash; ...
                return html.entities.html5.get(c.name + ";", "")
            return ""
        if name in ("sup",):
            return self.sup(c, before)
        if name in ("math",):
            return self.math(c)
        if name in ("inline-formula", "disp-formula"):
            return self.formula(c)
        if name == "tex-math":
            return self.tex(c)
        if name == "alternatives":
            return self.alternatives(c, before)
        if name in ("break", "hr"):
            return " "
        if name in ("inline-graphic", "graphic", "media", "object-id", "alt-text", "long-desc"):
            return ""
        if name == "xref":
            return self.xref(c, before)
        if name in ("fn",):
            t = self.inline(c, top=False)
            return f" ({_ws(t)})" if _ws(t) else ""
        if name in ("table-wrap", "fig", "table-wrap-group", "fig-group", "list", "disp-quote", "boxed-text",
                    "supplementary-material", "def-list", "p", "sec", "title", "caption"):
            return " " + self.inline(c, top=False) + " "
        return self.inline(c, top=False)

    def xref(self, c, before: str) -> str:
        t = _ws(self.inline(c, top=False))
        kind = c.get("ref-type", "")
        if kind in ("table-fn", "fn") and self.in_table:
            return f"<sup>{t}</sup>" if t and not t.startswith("<sup>") else t
        if kind == "bibr" and _RE_CITE_LIST.match(t) and not re.search(r"[\[(,–\-]\s*$", before) \
                and re.search(r"[A-Za-z)\].,;:%]\s*$", before):
            return f" [{t}]"  # a bare numbered citation (rendered as superscript by the journal)
        if kind == "bibr" and _RE_CITE_LIST.match(t) and not self.in_table:
            return f"{_CIT_OPEN}{t}{_CIT_CLOSE}"  # "(3)" or "(3, 4)" around it becomes "[3]" (see _finish_citations)
        return t

    def sup(self, c, before: str) -> str:
        has_bibr = any(x.get("ref-type") == "bibr" for x in _desc(c, "xref"))
        has_fn = any(x.get("ref-type") in ("table-fn", "fn") for x in _desc(c, "xref"))
        t = _ws(self._sup_text(c))
        if not t:
            return ""
        if has_bibr and not self.in_table:
            t = t.strip("[]() ")
            return f" [{t}]" if _RE_CITE_LIST.match(t) else f" ({t})"
        if has_fn or (self.in_table and _MARKER_RE.match(t) and not re.search(r"10\s*$", before)):
            if re.fullmatch(r"[+\-−]", t):
                return t
            if t in ("2", "3") and _RE_UNIT_BEFORE.search(before.rstrip()):
                return t.translate(_SUP)
            return f"<sup>{t}</sup>"
        if re.fullmatch(r"[+\-−]", t):
            return t
        if re.search(r"(?:^|[^\d.])10\s*$", before) and _RE_SUPERSCRIPTABLE.match(t.replace(" ", "")):
            return t.replace(" ", "").translate(_SUP)          # 10⁹, 10⁻⁵
        if t in ("2", "3") and _RE_UNIT_BEFORE.search(before.rstrip()):
            return t.translate(_SUP)                             # m², cm³, χ²
        if re.fullmatch(r"st|nd|rd|th", t) and re.search(r"\d$", before):
            return t                                             # 1st, 2nd
        if _RE_CITE_LIST.match(t) and not self.in_table and self.n_refs and re.search(r"[A-Za-z)\].,;:%]\s*$", before):
            nums = [int(x) for x in re.findall(r"\d+", t)]
            if nums and max(nums) <= self.n_refs:
                return f" [{t}]"                                 # a citation after a word
        if _RE_SUPERSCRIPTABLE.match(t.replace(" ", "")):
            return t.replace(" ", "").translate(_SUP)
        return f"<sup>{t}</sup>"

    def _sup_text(self, c) -> str:
        out = [c.text or ""]
        for x in c:
            name = _ln(x)
            if name == "xref":
                out.append(_ws(self.inline(x, top=False)))
            elif name:
                out.append(self.inline_el(x, "".join(out)))
            out.append(x.tail or "")
        return "".join(out)

    def alternatives(self, c, before: str) -> str:
        kids = [x for x in c if _ln(x)]
        for pref in ("math", "inline-formula", "tex-math", "textual-form"):
            for x in kids:
                if _ln(x) == pref:
                    return self.inline_el(x, before)
        for x in kids:
            if _ln(x) not in ("graphic", "inline-graphic", "media"):
                return self.inline_el(x, before)
        return ""

    def formula(self, c) -> str:
        kids = [x for x in c if _ln(x) not in ("label",)]
        for x in kids:
            n = _ln(x)
            if n == "math":
                return self.math(x)
            if n == "alternatives":
                return self.alternatives(x, "")
            if n == "tex-math":
                return self.tex(x)
        return self.inline(c, top=False)

    def tex(self, c) -> str:
        s = "".join(c.itertext())
        m = re.search(r"\\begin\{document\}(.*?)\\end\{document\}", s, re.S)
        if m:
            s = m.group(1)
        s = s.strip().strip("$").strip()
        s = re.sub(r"\\(?:begin|end)\{[a-z*]+\}", "", s)
        return f" ${_ws(s)}$ " if s else ""

    def math(self, el) -> str:
        return _ws(self._mml(el))

    def _mml(self, el) -> str:
        n = _ln(el)
        kids = [x for x in el if _ln(x)]
        if n in ("mi", "mn", "mo", "mtext", "ms"):
            t = "".join(el.itertext())
            if n == "mo" and t.strip() in ("-",):
                return "−"
            return t
        if n == "mspace":
            return " "
        if n in ("annotation", "annotation-xml"):
            return ""
        if n == "semantics":
            return self._mml(kids[0]) if kids else ""
        if n == "msup" and len(kids) >= 2:
            base, exp = self._mml(kids[0]), _ws(self._mml(kids[1]))
            if _RE_SUPERSCRIPTABLE.match(exp.replace(" ", "")):
                return base + exp.replace(" ", "").translate(_SUP)
            return f"{base}^{exp}" if len(exp) == 1 else f"{base}^({exp})"
        if n == "msub" and len(kids) >= 2:
            return self._mml(kids[0]) + self._mml(kids[1])
        if n == "msubsup" and len(kids) >= 3:
            exp = _ws(self._mml(kids[2]))
            sup = exp.translate(_SUP) if _RE_SUPERSCRIPTABLE.match(exp) else f"^{exp}"
            return self._mml(kids[0]) + self._mml(kids[1]) + sup
        if n == "mfrac" and len(kids) >= 2:
            a, b = _ws(self._mml(kids[0])), _ws(self._mml(kids[1]))
            a = f"({a})" if re.search(r"\s|[+\-−]", a) and len(a) > 1 else a
            b = f"({b})" if re.search(r"\s|[+\-−]", b) and len(b) > 1 else b
            return f"{a}/{b}"
        if n == "msqrt":
            return "√(" + "".join(self._mml(k) for k in kids) + ")"
        if n == "mroot" and len(kids) >= 2:
            return f"{self._mml(kids[1])}√({self._mml(kids[0])})"
        if n in ("mover", "munder", "munderover") and kids:
            base = self._mml(kids[0])
            acc = _ws(self._mml(kids[1])) if len(kids) > 1 else ""
            if n == "mover" and acc in ("¯", "‾", "_", "−", "-", "\u0304"):
                return base + "\u0304"
            if n == "mover" and acc in ("^", "ˆ"):
                return base + "\u0302"
            if n == "munder":
                return base + acc if acc not in ("_", "‾") else base
            return base
        if n == "mfenced":
            open_, close = el.get("open", "("), el.get("close", ")")
            seps = el.get("separators", ",")
            return open_ + (seps[:1] or ",").join(self._mml(k) for k in kids) + close
        if n in ("mtable",):
            return " ".join(self._mml(k) for k in kids)
        text = el.text or ""
        return text + "".join(self._mml(k) + (k.tail or "") for k in kids)

    # ------------------------------------------------------------------ front matter
    def front(self) -> None:
        front = _child(self.root, "front")
        meta = _child(front, "article-meta") if front is not None else None
        jmeta = _child(front, "journal-meta") if front is not None else None
        self.meta.article_type = self.root.get("article-type")
        if jmeta is not None:
            jt = _desc(jmeta, "journal-title")
            self.meta.journal = _plain(jt[0]) if jt else None
        if meta is None:
            self.warnings.append("JATS: no <article-meta> (no title, ids or dates)")
            return
        for aid in _children(meta, "article-id"):
            t = _plain(aid)
            typ = aid.get("pub-id-type", "")
            if typ == "pmid" and not self.meta.pmid:
                self.meta.pmid = t
            elif typ in ("pmc", "pmcid") and not self.meta.pmcid:
                self.meta.pmcid = t if t.upper().startswith("PMC") else f"PMC{t}"
            elif typ == "doi" and not self.meta.doi:
                self.meta.doi = t
        tg = _child(meta, "title-group")
        at = _child(tg, "article-title") if tg is not None else None
        if at is not None:
            self.title = self.inline(at)
            st = _child(tg, "subtitle")
            if st is not None and self.inline(st):
                self.title = f"{self.title}: {self.inline(st)}"
        if self.title:
            self.w.block("# " + self.title, at)
        # ids
        ids = [f"{k}: {v}" for k, v in (("PMID", self.meta.pmid), ("PMCID", self.meta.pmcid), ("DOI", self.meta.doi)) if v]
        if ids:
            self.w.block("; ".join(ids) + ".", meta)
        # dates
        dates: list[ArticleDate] = []
        hist = _child(meta, "history")
        if hist is not None:
            for d in _children(hist, "date"):
                iso = _jats_date(d)
                if iso:
                    dates.append(ArticleDate(kind=d.get("date-type", "other"), date=iso))
        for d in _children(meta, "pub-date"):
            iso = _jats_date(d)
            kind = d.get("pub-type") or d.get("date-type") or "pub"
            kind = {"epub-ppub": "ppub", "epreprint": "preprint"}.get(kind, kind)
            if iso:
                dates.append(ArticleDate(kind=kind, date=iso))
        self.meta.dates = dates
        line = []
        for label, kinds in (("Received", ("received",)), ("Revised", ("rev-recd", "revised")),
                             ("Accepted", ("accepted",)), ("Published", ("epub", "ppub", "pub", "collection"))):
            iso = self.meta.date(*kinds)
            if iso:
                line.append(f"{label}: {_human_date(iso)}")
        if line:
            self.w.block("; ".join(line) + ".", hist if hist is not None else meta)
        # trial registrations in the structured front matter
        regs: list[tuple[str, object]] = []
        for cm in _desc(meta, "custom-meta"):
            name = _plain(_child(cm, "meta-name")).lower()
            if "regist" in name or "trial" in name:
                val = _child(cm, "meta-value")
                for rid in _registry_ids(_plain(val)):
                    regs.append((rid, cm))
        for ext in _desc(meta, "ext-link"):
            if _in(ext, "abstract"):
                continue
            for rid in _registry_ids(" ".join([_plain(ext), ext.get("{http://www.w3.org/1999/xlink}href", "")])):
                regs.append((rid, ext))
        for fs in _desc(meta, "funding-statement"):
            for rid in _registry_ids(_plain(fs)):
                regs.append((rid, fs))
        for rn in _desc(front, "notes"):
            for rid in _registry_ids(_plain(rn)):
                regs.append((rid, rn))
        seen: list[str] = []
        for rid, el in regs:
            if rid not in seen:
                seen.append(rid)
        self.meta.registrations = list(seen)
        if seen:
            self.w.block("Trial registration: " + ", ".join(seen) + ".", regs[0][1])
        # abstracts
        main = [a for a in _children(meta, "abstract") if not a.get("abstract-type")]
        others = [a for a in _children(meta, "abstract") if a.get("abstract-type")]
        if not main and others:
            main, others = others[:1], others[1:]
        for a in main[:1]:
            self.abstract(a, "Abstract")
        for a in others:
            typ = a.get("abstract-type", "")
            if typ in ("teaser", "toc", "graphical", "short"):
                continue
            t = _child(a, "title")
            title = self.inline(t) if t is not None else typ.replace("-", " ").capitalize() or "Summary"
            if title.lower() in ("abstract", "summary"):
                title = f"{title} ({typ})"
            self.abstract(a, title, main=False)
        # keywords
        kws: list[str] = []
        for g in _children(meta, "kwd-group"):
            if g.get("kwd-group-type") in ("abbreviations",):
                continue
            kws.extend(self.inline(k) for k in _children(g, "kwd") if self.inline(k))
        self.meta.keywords = kws
        if kws:
            g = _children(meta, "kwd-group")[0]
            self._heading(2, "Keywords", g, kind="keywords")
            self.w.block(", ".join(kws), g)

    def abstract(self, a, title: str, *, main: bool = True) -> None:
        self._heading(2, title, a, kind="abstract" if main else "other")
        secs = _children(a, "sec")
        for c in a:
            n = _ln(c)
            if n == "sec":
                self._abstract_part(c)
            elif n == "p":
                self.paragraph(c)
            elif n in ("list", "disp-quote", "boxed-text"):
                self.block_el(c, 3)
        if not secs and not _children(a, "p"):
            self.w.block(self.inline(a), a)

    def _abstract_part(self, sec, prefix: str = "") -> None:
        t = _child(sec, "title")
        label = self.inline(t).rstrip(":.").strip() if t is not None else ""
        if prefix:
            label = f"{prefix} – {label}" if label else prefix
        first = True
        for c in sec:
            n = _ln(c)
            if n == "p":
                if first and label:
                    self._paragraph_with_prefix(c, f"{label}: ")
                else:
                    self.paragraph(c)
                first = False
            elif n == "sec":
                self._abstract_part(c, label)
                first = False
            elif n in ("list", "disp-quote", "boxed-text", "table-wrap", "fig"):
                if first and label:
                    self.w.block(f"{label}:", t)
                self.block_el(c, 3)
                first = False
        if first and label:
            self.w.block(f"{label}.", sec)

    # ------------------------------------------------------------------ body
    def _heading(self, level: int, text: str, el, kind: str | None = None) -> None:
        text = _ws(text)
        if not text:
            return
        r = self.w.block("#" * max(1, min(level, 6)) + " " + text, el)
        if r and kind:
            self.section_kinds.append((r[0], kind))

    def body(self) -> None:
        body = _child(self.root, "body")
        if body is None:
            self.warnings.append("JATS: the article has no <body> (abstract only)")
            return
        from .text import section_kind_of

        top: str | None = None   # like the text parser: an unnamed top-level section continues the previous kind
        for c in body:
            if _ln(c) != "sec":
                self.block_el(c, 2)
                continue
            t = _child(c, "title")
            title = self.inline(t) if t is not None else ""
            own = _SEC_TYPE_KIND.get(_sec_type_key(c.get("sec-type", ""))) or _title_kind(title) or \
                (section_kind_of(title) if title else None)
            if own and own not in ("statistics",):
                top = own
            self.section(c, 2, None if own else top)

    def section(self, sec, level: int, kind_hint: str | None = None) -> None:
        t = _child(sec, "title")
        lab = _child(sec, "label")
        title = self.inline(t) if t is not None else ""
        if lab is not None and title and self.inline(lab):
            lt = self.inline(lab).rstrip(".")
            if not title.startswith(lt):
                title = f"{lt} {title}"
        kind = _SEC_TYPE_KIND.get(_sec_type_key(sec.get("sec-type", ""))) or _title_kind(title) or kind_hint
        if title:
            self._heading(level, title, t, kind=kind)
        for c in sec:
            n = _ln(c)
            if n in ("title", "label", "sec-meta"):
                continue
            if n == "sec":
                self.section(c, level + 1 if title else level, kind)
            else:
                self.block_el(c, level + 1)

    def block_el(self, c, level: int) -> None:
        n = _ln(c)
        if not n:
            return
        if n == "sec":
            self.section(c, level)
        elif n == "p":
            self.paragraph(c)
        elif n in ("table-wrap",):
            self.table_wrap(c)
        elif n == "table-wrap-group":
            for x in c:
                if _ln(x) == "table-wrap":
                    self.table_wrap(x)
                elif _ln(x) == "caption":
                    self.w.block(self._caption_text(x), x)
        elif n == "fig":
            self.figure(c)
        elif n == "fig-group":
            cap = _child(c, "caption")
            if cap is not None:
                self.w.block(self._caption_text(cap), cap)
            for x in _children(c, "fig"):
                self.figure(x)
        elif n == "list":
            self.list_(c)
        elif n == "def-list":
            self.def_list(c)
        elif n in ("disp-quote", "boxed-text", "statement", "speech", "verse-group"):
            lab = _child(c, "label")
            cap = _child(c, "caption")
            t = _child(c, "title")
            head = " ".join(x for x in (self.inline(lab) if lab is not None else "",
                                        self.inline(t) if t is not None else "",
                                        self._caption_text(cap) if cap is not None else "") if x)
            if head:
                self.w.block(head if head.endswith((".", ":", "?")) else head + ".", c)
            for x in c:
                if _ln(x) not in ("label", "title", "caption"):
                    self.block_el(x, level)
        elif n == "supplementary-material":
            lab = _child(c, "label")
            cap = _child(c, "caption")
            parts = [self.inline(lab) if lab is not None else "", self._caption_text(cap) if cap is not None else ""]
            text = " ".join(x for x in parts if x)
            if text:
                self.w.block(_sentence(("Supplementary material: " if not re.match(r"(?i)supp|additional|appendix|data|s\d", text)
                              else "") + text), c)
        elif n == "disp-formula":
            self.w.block(self.formula(c), c)
        elif n in ("title",):
            self.w.block(self.inline(c), c)
        elif n in ("graphic", "media", "alternatives", "label", "object-id", "inline-graphic", "ack", "ref-list",
                   "fn-group", "notes", "glossary", "app-group", "app", "caption", "sec-meta"):
            if n in ("ack", "notes", "glossary", "app-group", "app", "fn-group"):
                self.back_el(c, level)
        else:
            txt = self.inline(c)
            if txt:
                self.w.block(txt, c)

    def paragraph(self, p) -> None:
        self._paragraph_with_prefix(p, "")

    def _paragraph_with_prefix(self, p, prefix: str) -> None:
        """A paragraph; block children (tables, figures, lists) split it into several blocks."""
        buf = [prefix, p.text or ""]
        xref_ids: list[str] = []

        def flush():
            t = _ws("".join(buf))
            if t:
                self.w.block(t, p)
            buf.clear()

        for c in p:
            n = _ln(c)
            if n in ("table-wrap", "fig", "list", "disp-quote", "boxed-text", "table-wrap-group", "fig-group",
                     "def-list", "supplementary-material", "disp-formula-group"):
                flush()
                self.block_el(c, 3)
            else:
                if n == "xref" and c.get("ref-type") in ("table", "fig"):
                    xref_ids.extend((c.get("rid") or "").split())
                for x in c.iter():
                    if _ln(x) == "xref" and x is not c and x.get("ref-type") in ("table", "fig"):
                        xref_ids.extend((x.get("rid") or "").split())
                buf.append(self.inline_el(c, "".join(buf)))
            if c.tail:
                buf.append(c.tail)
        flush()
        # floating tables / figures first cited here follow the paragraph
        for rid in xref_ids:
            el = self.floats.get(rid)
            if el is not None and self._key(el) not in self.emitted:
                self.block_el(el, 3)

    def list_(self, lst) -> None:
        lines = []
        typ = lst.get("list-type", "")
        for i, it in enumerate(_children(lst, "list-item"), start=1):
            lab = _child(it, "label")
            bullet = self.inline(lab) if lab is not None else (f"{i}." if typ in ("order", "arabic") else "-")
            parts = []
            for x in it:
                if _ln(x) == "label":
                    continue
                if _ln(x) == "list":
                    parts.append(" ".join(self.inline(y) for y in _children(x, "list-item")))
                else:
                    parts.append(self.inline(x) if _ln(x) in ("p", "title") else self.inline_el(x, ""))
            if not list(it):
                parts.append(self.inline(it))
            t = _ws(" ".join(parts))
            if t:
                lines.append(f"{bullet} {t}" if not re.match(r"^[-•]", t) else t)
        t = _child(lst, "title")
        if t is not None:
            self.w.block(self.inline(t), t)
        if lines:
            self.w.block("\n".join(lines), lst)

    def def_list(self, dl) -> None:
        t = _child(dl, "title")
        if t is not None:
            self.w.block(self.inline(t), t)
        lines = []
        for it in _children(dl, "def-item"):
            term = _child(it, "term")
            d = _child(it, "def")
            a = self.inline(term) if term is not None else ""
            b = self.inline(d) if d is not None else ""
            if a or b:
                lines.append(f"{a}: {b}" if a and b else a or b)
        if lines:
            self.w.block("\n".join(lines), dl)

    def _caption_text(self, cap) -> str:
        parts = []
        for x in cap:
            if _ln(x) in ("title", "p"):
                t = self.inline(x)
                if t:
                    parts.append(t if t.endswith((".", "?", "!", ":")) else t + ".")
        if not parts:
            t = self.inline(cap)
            if t:
                parts.append(t)
        return " ".join(parts)

    def figure(self, fig) -> None:
        self.emitted.add(self._key(fig))
        lab = _child(fig, "label")
        cap = _child(fig, "caption")
        label = self.inline(lab).rstrip(".:") if lab is not None else "Figure"
        text = self._caption_text(cap) if cap is not None else ""
        if not re.match(r"(?i)fig", label):
            label = f"Figure {label}" if re.match(r"^[0-9]", label) else label
        self.w.block(_sentence(f"{label}. {text}".strip()), fig)

    # ------------------------------------------------------------------ tables
    def table_wrap(self, tw) -> None:
        if self._key(tw) in self.emitted:
            return
        self.emitted.add(self._key(tw))
        lab = _child(tw, "label")
        cap = _child(tw, "caption")
        label = self.inline(lab).rstrip(".:") if lab is not None else ""
        wrap_id = tw.get("id") or label or f"table-wrap-{len(self.tables) + 1}"
        caption = self._caption_text(cap) if cap is not None else ""
        m = re.match(r"(?i)^\s*table\s+([0-9]{1,2}|[IVXL]{1,6})\s*$", label)
        number = m.group(1) if m else None
        if not label:
            label_text = ""
        elif re.match(r"(?i)table", label):
            label_text = label
        else:
            label_text = f"Table {label}" if re.match(r"^[0-9]{1,2}$", label) else label
            mm = re.match(r"^([0-9]{1,2})$", label)
            number = mm.group(1) if mm else number
        tables = [x for x in tw.iter() if _ln(x) == "table"]
        # prefer the table inside <alternatives> over a graphic; several tables in one wrap are stacked
        if not tables:
            shown = label_text or "An unlabelled table"
            cap_line = f"{label_text}. {caption}".strip(". ") if label_text else caption
            if cap_line:
                self.w.block(_sentence(cap_line if label_text else f"Table. {cap_line}"), tw)
            self.warnings.append(f"JATS: {shown} ({wrap_id}) is only an image; its cells cannot be read")
            self._table_foot(tw, None)
            return
        plan = _TablePlan(wrap_id=wrap_id, label=label_text or "", number=number, caption=caption,
                          path=self.w.path(tw))
        head = f"{label_text}. {caption}".strip() if label_text else (f"Table. {caption}" if caption else "")
        if label_text and not caption:
            head = f"{label_text}."
        if head:
            plan.caption_range = self.w.block(head, cap if cap is not None else tw)
        self.in_table += 1
        try:
            grids = [self._grid(t) for t in tables]
        except _TableTooLarge as exc:
            self.warnings.append(f"JATS: {label_text or wrap_id} is too large to read ({exc}); skipped")
            return
        finally:
            self.in_table -= 1
        grid = _stack(grids)
        if not grid.rows:
            self.warnings.append(f"JATS: {label_text or wrap_id} has no rows")
            self._table_foot(tw, None)
            return
        plan.grid = grid
        start = self.w.pos
        lines_start = start
        for r, row in enumerate(grid.rows):
            ranges: list[tuple[int, int] | None] = []
            self.w.write("|")
            for c, cell in enumerate(row):
                self.w.write(" ")
                if cell is not None and cell[2] == (r, c):
                    txt = cell[0].replace("|", "¦")
                    a, b = self.w.write(txt)
                    if txt:
                        self.w.paths.append(SourcePath(char_start=a, char_end=b, path=self.w.path(cell[1]),
                                                       table=wrap_id, row=r, col=c))
                    ranges.append((a, b))
                else:
                    ranges.append(None)
                self.w.write(" |")
            self.w.write("\n")
            plan.cell_ranges.append(ranges)
            if r == max(0, grid.header - 1):
                self.w.write("|" + " --- |" * grid.width + "\n")
        end = self.w.pos - 1
        self.w.write("\n")
        self.w.paths.append(SourcePath(char_start=lines_start, char_end=end, path=plan.path, table=wrap_id))
        plan.range = (plan.caption_range[0] if plan.caption_range else lines_start, end)
        self._table_foot(tw, plan)
        self.tables.append(plan)

    def _table_foot(self, tw, plan: _TablePlan | None) -> None:
        foot = _child(tw, "table-wrap-foot")
        notes: list[tuple[str, object]] = []
        if foot is not None:
            self.in_table += 1
            try:
                for x in foot:
                    n = _ln(x)
                    if n == "fn-group":
                        for fn in _children(x, "fn"):
                            notes.append((self._fn_text(fn), fn))
                    elif n == "fn":
                        notes.append((self._fn_text(x), x))
                    elif n in ("p", "title"):
                        notes.append((self.inline(x), x))
                    elif n == "attrib":
                        notes.append((self.inline(x), x))
                    elif n:
                        notes.append((self.inline(x), x))
            finally:
                self.in_table -= 1
        for x in tw:
            if _ln(x) == "attrib":
                notes.append((self.inline(x), x))
        a0 = None
        for text, el in notes:
            if not text:
                continue
            r = self.w.block(text, el)
            if r and a0 is None:
                a0 = r[0]
            if r and plan is not None:
                plan.footnotes.append(text)
                plan.footnote_range = (a0, r[1])
        if plan is not None and plan.footnote_range:
            plan.range = (plan.range[0], plan.footnote_range[1])

    def _fn_text(self, fn) -> str:
        lab = _child(fn, "label")
        label = self.inline(lab) if lab is not None else ""
        body = " ".join(self.inline(x) for x in fn if _ln(x) not in ("label",) and _ln(x))
        if not [x for x in fn if _ln(x) and _ln(x) != "label"]:
            body = self.inline(fn)
        body = _ws(body)
        label = re.sub(r"^<sup>(.*)</sup>$", r"\1", label)
        if label and not body.startswith(label):
            return f"{label} {body}"
        return body

    def _grid(self, table) -> _Grid:
        """Cells placed on a grid with their spans; header rows from thead or th/bold leading rows."""
        head_rows, body_rows = [], []
        for part in table:
            n = _ln(part)
            if n == "thead":
                head_rows.extend(_children(part, "tr"))
            elif n in ("tbody", "tfoot"):
                body_rows.extend(_children(part, "tr"))
            elif n == "tr":
                body_rows.append(part)
        trs = head_rows + body_rows
        grid: list[list[tuple[str, object, tuple[int, int]] | None]] = []
        occupied: dict[tuple[int, int], tuple[str, object, tuple[int, int]]] = {}
        width = 0
        for r, tr in enumerate(trs):
            c = 0
            for cell in _children(tr, "td", "th"):
                while (r, c) in occupied:
                    c += 1
                try:
                    cs = max(1, min(int(cell.get("colspan") or 1), 200))
                    rs = max(1, min(int(cell.get("rowspan") or 1), 2000))
                except ValueError:
                    cs, rs = 1, 1
                rs = min(rs, len(trs) - r) if not (r < len(head_rows) and r + rs > len(head_rows)) else \
                    min(rs, len(head_rows) - r)
                entry = (self.inline(cell), cell, (r, c))
                if len(occupied) + rs * cs > MAX_TABLE_CELLS:
                    raise _TableTooLarge(f"more than {MAX_TABLE_CELLS} cells")
                for dr in range(rs):
                    for dc in range(cs):
                        occupied[(r + dr, c + dc)] = entry
                c += cs
                width = max(width, c)
        if len(trs) * width > MAX_TABLE_CELLS:
            raise _TableTooLarge(f"{len(trs)} rows × {width} columns")
        for r in range(len(trs)):
            grid.append([occupied.get((r, c)) for c in range(width)])
        header = len(head_rows)
        if header == 0:
            for r, tr in enumerate(trs[:3]):
                cells = _children(tr, "td", "th")
                nonempty = [x for x in cells if _plain(x)]
                if nonempty and all(_ln(x) == "th" or _all_bold(x) for x in nonempty) and r < len(trs) - 1:
                    header += 1
                else:
                    break
        # drop rows that are entirely empty
        keep = [r for r in range(len(grid)) if any(x is not None and x[0] for x in grid[r])]
        if len(keep) != len(grid):
            header = sum(1 for r in keep if r < header)
            grid = [[(x[0], x[1], (keep.index(x[2][0]), x[2][1])) if x is not None and x[2][0] in keep else None
                     for x in grid[r]] for r in keep]
        return _collapse_label_columns(_Grid(rows=grid, header=header, width=width))

    # ------------------------------------------------------------------ back matter
    def back(self) -> None:
        back = _child(self.root, "back")
        if back is not None:
            for c in back:
                if _ln(c) != "ref-list":
                    self.back_el(c, 2)
        # funding statements from the front matter
        meta = _desc(self.root, "article-meta")
        if meta:
            fg = _desc(meta[0], "funding-group")
            if fg:
                st = _desc(fg[0], "funding-statement")
                text = " ".join(self.inline(x) for x in st) if st else \
                    "; ".join(self.inline(x) for x in _desc(fg[0], "award-group"))
                if _ws(text):
                    self._heading(2, "Funding", fg[0], kind="declarations")
                    self.w.block(text, fg[0])
        floats = _child(self.root, "floats-group")
        rest = [el for el in self.floats.values() if self._key(el) not in self.emitted]
        if rest:
            for el in rest:
                self.block_el(el, 3)
        if floats is not None:
            for c in floats:
                if self._key(c) not in self.emitted and _ln(c) not in ("table-wrap", "fig"):
                    self.block_el(c, 3)
        if back is not None:
            for rl in _children(back, "ref-list"):
                self.ref_list(rl)

    def _body_blocks(self, c, level: int) -> None:
        """The children of a back-matter element (its title and label already written) as blocks."""
        for x in c:
            if _ln(x) not in ("title", "label"):
                self.block_el(x, level)

    def back_el(self, c, level: int) -> None:
        n = _ln(c)
        t = _child(c, "title")
        title = self.inline(t) if t is not None else ""
        if n == "ack":
            self._heading(level, title or "Acknowledgements", t if t is not None else c, kind="acknowledgements")
            self._body_blocks(c, level + 1)
        elif n == "fn-group":
            self._heading(level, title or "Notes", t if t is not None else c, kind="declarations")
            for fn in _children(c, "fn"):
                self.w.block(self._fn_text(fn), fn)
        elif n in ("app-group",):
            if title:
                self._heading(level, title, t, kind="declarations")
            for x in c:
                if _ln(x) not in ("title", "label"):
                    self.back_el(x, level + (1 if title else 0))
        elif n == "app":
            lab = _child(c, "label")
            head = " ".join(x for x in (self.inline(lab) if lab is not None else "", title) if x) or "Appendix"
            self._heading(level, head, t if t is not None else c, kind="declarations")
            self._body_blocks(c, level + 1)
        elif n == "glossary":
            self._heading(level, title or "Abbreviations", t if t is not None else c, kind="declarations")
            self._body_blocks(c, level + 1)
        elif n == "notes":
            self._heading(level, title or "Notes", t if t is not None else c, kind="declarations")
            for x in c:
                if _ln(x) not in ("title", "label"):
                    if _ln(x) == "notes":
                        self.back_el(x, level + 1)
                    else:
                        self.block_el(x, level + 1)
        elif n == "sec":
            self.section(c, level, "declarations")
        elif n in ("ref-list",):
            self.ref_list(c)
        else:
            self.block_el(c, level)

    def collect_refs(self) -> None:
        """Number the references (labels where numeric, else their order) before the body is rendered."""
        k = 0
        for rl in _desc(self.root, "ref-list"):
            for ref in _desc(rl, "ref"):
                k += 1
                lab = _child(ref, "label")
                m = re.match(r"^\[?(\d{1,3})[.\]]?$", _plain(lab)) if lab is not None else None
                num = int(m.group(1)) if m else k
                if ref.get("id"):
                    self.ref_numbers[ref.get("id")] = num
                self.n_refs = max(self.n_refs, num)

    def ref_list(self, rl) -> None:
        t = _child(rl, "title")
        self._heading(2, self.inline(t) if t is not None and self.inline(t) else "References",
                      t if t is not None else rl, kind="references")
        for ref in _children(rl, "ref"):
            num = self.ref_numbers.get(ref.get("id") or "", None)
            cit = next((x for x in ref if _ln(x) in ("element-citation", "mixed-citation", "citation",
                                                    "nlm-citation")), None)
            if cit is None:
                text = self.inline(ref)
                fields: dict = {}
            else:
                text, fields = self._citation(cit)
            if num is None:
                num = len(self.ref_fields) + 1
            self.ref_fields[num] = fields
            text = re.sub(r"^\[?\d{1,3}[.\]]\s*", "", text)
            if text:
                self.w.block(f"{num}. {text}", ref)
        for x in _children(rl, "ref-list"):
            self.ref_list(x)

    def _citation(self, cit) -> tuple[str, dict]:
        authors = []
        for pg in _desc(cit, "person-group"):
            if pg.get("person-group-type", "author") != "author":
                continue
            for nm in pg:
                n = _ln(nm)
                if n in ("name", "string-name"):
                    sn = _plain(_child(nm, "surname"))
                    gn = _plain(_child(nm, "given-names"))
                    authors.append(f"{sn} {gn}".strip() if sn else _plain(nm))
                elif n == "collab":
                    authors.append(_plain(nm))
                elif n == "etal":
                    authors.append("et al")
        if not authors:
            for nm in _children(cit, "name", "string-name", "collab"):
                sn = _plain(_child(nm, "surname"))
                gn = _plain(_child(nm, "given-names"))
                authors.append(f"{sn} {gn}".strip() if sn else _plain(nm))
        title_el = _child(cit, "article-title")
        if title_el is None:
            title_el = _child(cit, "chapter-title")
        title = self.inline(title_el) if title_el is not None else None
        source = _plain(_child(cit, "source")) or None
        year_t = _plain(_child(cit, "year"))
        ym = re.search(r"(1[89]\d\d|20\d\d)", year_t)
        year = int(ym.group(1)) if ym else None
        fields = {"authors": [a for a in authors if a != "et al"], "title": title, "journal": source, "year": year}
        if _ln(cit) == "mixed-citation" or (cit.text and cit.text.strip()) or any((x.tail or "").strip().strip(",.;:") for x in cit):
            return self.inline(cit), fields
        parts = []
        if authors:
            a = ", ".join(x for x in authors if x != "et al")
            parts.append(a + (", et al." if "et al" in authors else "."))
        if title:
            parts.append(title if title.endswith((".", "?", "!")) else title + ".")
        src = source or ""
        vol = _plain(_child(cit, "volume"))
        iss = _plain(_child(cit, "issue"))
        fp, lp = _plain(_child(cit, "fpage")), _plain(_child(cit, "lpage"))
        tail = f"{src}." if src else ""
        if year_t:
            tail += f" {year_t}"
        if vol:
            tail += f";{vol}"
            if iss:
                tail += f"({iss})"
        if fp:
            tail += f":{fp}" + (f"–{lp}" if lp else "")
        if tail.strip():
            parts.append(tail.strip() + ".")
        return _ws(" ".join(parts)), fields

    # ------------------------------------------------------------------ driver
    def render(self) -> str:
        self.collect_refs()
        for fg in _desc(self.root, "floats-group"):
            for x in fg:
                if _ln(x) in ("table-wrap", "fig", "table-wrap-group", "fig-group", "boxed-text") and x.get("id"):
                    self.floats[x.get("id")] = x
        self.front()
        self.body()
        self.back()
        return self.w.text()


# --------------------------------------------------------------------------- helpers

_SEC_TYPE_KIND = {
    "intro": "introduction", "introduction": "introduction", "background": "introduction",
    "methods": "methods", "materials|methods": "methods", "materials": "methods", "subjects": "methods",
    "patients": "methods", "design": "methods", "procedure": "methods", "procedures": "methods",
    "statistical-analysis": "statistics", "results": "results", "findings": "results",
    "discussion": "discussion", "conclusions": "conclusion", "conclusion": "conclusion",
    "results|discussion": "results", "supplementary-material": "declarations", "display-objects": "other",
    "ethics-statement": "declarations", "data-availability": "declarations", "funding-information": "declarations",
    "COI-statement": "declarations", "author-contributions": "declarations", "abbreviations": "declarations",
}


_TITLE_KINDS = [
    (re.compile(r"^(?:\d+(?:\.\d+)*\.?\s+)?results?\b", re.I), "results"),
    (re.compile(r"^(?:\d+(?:\.\d+)*\.?\s+)?discussions?\b", re.I), "discussion"),
    (re.compile(r"^(?:\d+(?:\.\d+)*\.?\s+)?conclusions?\b", re.I), "conclusion"),
    (re.compile(r"^(?:\d+(?:\.\d+)*\.?\s+)?[A-Za-z ,&]{0,40}\b(?:methods?|methodology)\s*$", re.I), "methods"),
]


def _title_kind(title: str) -> str | None:
    """Kinds for combined titles the text parser leaves open ("Results and discussion")."""
    for rx, kind in _TITLE_KINDS:
        if rx.match(title):
            return kind
    return None


def _sec_type_key(s: str) -> str:
    s = s.strip()
    if s in _SEC_TYPE_KIND:
        return s
    return s.lower().replace(" ", "")


_CIT_OPEN, _CIT_CLOSE = "\ue000", "\ue001"
_RE_PAREN_XREFS = re.compile(r"\((\s*\ue000[^\ue000\ue001()]*\ue001(?:\s*[,;–\-]\s*\ue000[^\ue000\ue001()]*\ue001)*\s*)\)")


def _finish_citations(s: str) -> str:
    """Numbered citations printed in parentheses, "(<xref>3</xref>, <xref>4</xref>)", become "[3, 4]" (the
    text path then reads brackets as citations and leaves parentheses such as "F(1, 36)" alone)."""
    if _CIT_OPEN not in s:
        return s
    s = _RE_PAREN_XREFS.sub(lambda m: "[" + m.group(1).strip() + "]", s)
    return s.replace(_CIT_OPEN, "").replace(_CIT_CLOSE, "")


def _sentence(s: str) -> str:
    """End a caption-like line with a full stop so it is never read as a heading."""
    s = s.strip()
    return s if not s or s.endswith((".", "?", "!", ":", ";")) else s + "."


def _in(el, name: str) -> bool:
    p = el.getparent()
    while p is not None:
        if _ln(p) == name:
            return True
        p = p.getparent()
    return False


def _all_bold(cell) -> bool:
    """A cell whose visible text is all inside <bold>."""
    total = _plain(cell)
    bold = " ".join(_plain(b) for b in _desc(cell, "bold"))
    return bool(total) and _ws(bold) == total


def _collapse_label_columns(g: _Grid) -> _Grid:
    """Indented row labels printed in k empty-padded columns under one spanning header cell
    ("Characteristic" over 3 columns; "Gender" in column 2, "Male" in column 3) become one label column."""
    if not g.header or not g.rows or g.width < 3:
        return g
    first = g.rows[0][0]
    if first is None or first[2] != (0, 0):
        return g
    k = 0
    while k < g.width and g.rows[0][k] is first:
        k += 1
    if k < 2 or k >= g.width:
        return g
    for r, row in enumerate(g.rows):
        entries = {id(x): x for x in row[:k] if x is not None and x[2][1] < k}
        if len([x for x in entries.values() if x[0]]) > 1:
            return g
        if any(x[2][1] < k and any(row[c] is not x for c in range(x[2][1], k)) and
               sum(1 for c in range(k) if row[c] is x) > 1 for x in entries.values() if x[0]):
            return g   # a label spanning part of the label columns next to another cell: keep the grid
    new_entries: dict[int, tuple] = {}

    def moved(x):
        if x is None:
            return None
        if id(x) not in new_entries:
            r0, c0 = x[2]
            new_entries[id(x)] = (x[0], x[1], (r0, 0 if c0 < k else c0 - k + 1))
        return new_entries[id(x)]

    rows = []
    for row in g.rows:
        label = next((x for x in row[:k] if x is not None and x[0]), None) or \
            next((x for x in row[:k] if x is not None), None)
        rows.append([moved(label)] + [moved(x) for x in row[k:]])
    return _Grid(rows=rows, header=g.header, width=g.width - k + 1)


def _stack(grids: list[_Grid]) -> _Grid:
    if len(grids) == 1:
        return grids[0]
    width = max((g.width for g in grids), default=0)
    rows: list = []
    header = grids[0].header if grids else 0
    for g in grids:
        off = len(rows)
        for row in g.rows:
            rows.append([(x[0], x[1], (x[2][0] + off, x[2][1])) if x is not None else None for x in row] +
                        [None] * (width - len(row)))
    return _Grid(rows=rows, header=header, width=width)


_MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December"]


def _jats_date(d) -> str | None:
    iso = d.get("iso-8601-date")
    y = _plain(_child(d, "year"))
    mo = _plain(_child(d, "month"))
    da = _plain(_child(d, "day"))
    if not re.fullmatch(r"\d{4}", y or ""):
        if iso and re.match(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$", iso):
            return iso
        return None
    if mo and not mo.isdigit():
        mo = str(next((i + 1 for i, m in enumerate(_MONTH_NAMES) if m.lower().startswith(mo.lower()[:3])), "")) or ""
    if mo and mo.isdigit() and 1 <= int(mo) <= 12:
        if da and da.isdigit() and 1 <= int(da) <= 31:
            return f"{y}-{int(mo):02d}-{int(da):02d}"
        return f"{y}-{int(mo):02d}"
    return y


def _human_date(iso: str) -> str:
    parts = iso.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {_MONTH_NAMES[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{_MONTH_NAMES[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


def _registry_ids(text: str) -> list[str]:
    from .study.registry import REGISTRY_PATTERNS, normalise_id
    out = []
    for name, pat in REGISTRY_PATTERNS:
        if name == "EU CTR" and not re.search(r"EudraCT|EU\s*CT", text, re.I):
            continue
        for m in re.finditer(pat, text):
            rid = normalise_id(name, m.group(0))
            if rid not in out:
                out.append(rid)
    return out


# --------------------------------------------------------------------------- document assembly

def render_jats(root) -> tuple[str, _Renderer]:
    r = _Renderer(root)
    text = r.render()
    return text, r


def parse_jats(data: bytes, *, doc_id: str, source: str, name: str = "file") -> Document:
    root = parse_xml_bytes(data, name)
    text, r = render_jats(root)
    if not re.search(r"[A-Za-z]{3,}", text):
        raise JatsError(f"{name}: the JATS article has no readable text")
    doc = parse_text(text, doc_id=doc_id, source=source, fmt="jats")
    doc.meta = r.meta
    doc.xml_paths = r.w.paths
    if r.title:
        doc.title = r.title
    _apply_section_kinds(doc, r)
    _replace_tables(doc, r)
    _apply_reference_fields(doc, r)
    for w in r.warnings:
        if w not in doc.warnings:
            doc.warnings.append(w)
    return doc


def read_jats(path: str | Path, *, doc_id: str | None = None) -> Document:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_XML_BYTES:
            raise JatsError(f"{p.name}: {size} bytes is larger than the {MAX_XML_BYTES}-byte limit for XML articles")
        data = p.read_bytes()
    except OSError as exc:
        raise JatsError(f"{p.name}: cannot read ({exc.strerror or exc})") from exc
    return parse_jats(data, doc_id=doc_id or p.stem, source=str(p), name=p.name)


def _apply_section_kinds(doc: Document, r: _Renderer) -> None:
    """sec-type (and back-matter placement) decides a section's kind where its title does not."""
    from .text import section_kind_of

    intended = dict(r.section_kinds)
    changed: dict[str, str] = {}
    for sec in doc.sections:
        # the heading's own offset: sections start at their heading line
        k = intended.get(sec.span.char_start)
        if k is None or k == sec.kind or section_kind_of(sec.title):
            continue
        if sec.kind in ("front", "abstract", "keywords", "references") and k != "declarations":
            continue
        if k == "other" and sec.kind != "abstract":
            continue
        sec.kind = k  # type: ignore[assignment]
        changed[sec.id] = k
    if not changed:
        return
    for p in doc.paragraphs:
        if p.section in changed and p.section_kind != "figure":
            p.section_kind = changed[p.section]  # type: ignore[assignment]
    for s in doc.sentences:
        if s.section in changed and s.section_kind != "figure":
            s.section_kind = changed[s.section]  # type: ignore[assignment]


def _span(doc: Document, a: int, b: int) -> Span:
    b = max(a, b)
    l0 = doc.line_of(a)
    l1 = doc.line_of(max(a, b - 1))
    return Span(line=l0, line_end=l1 if l1 != l0 else None, char_start=a, char_end=b)


def _replace_tables(doc: Document, r: _Renderer) -> None:
    """Tables built from the XML grid replace the parser's reading of their pipe rendering."""
    if not r.tables:
        return
    built: list[Table] = []
    ranges: list[tuple[int, int]] = []
    for k, plan in enumerate(r.tables, start=1):
        t = _build_table(doc, plan, k)
        if t is not None:
            built.append(t)
            ranges.append(plan.range)

    def inside(a: int, b: int) -> bool:
        return any(x <= a and b <= y + 1 for x, y in ranges)

    keep = [t for t in doc.tables if not any(not (t.span.char_end <= x or t.span.char_start > y) for x, y in ranges)]
    # section of each table: the section its caption sits in
    for t in built:
        before = [s for s in doc.sections if s.span.char_start <= t.span.char_start]
        sec = max(before, key=lambda s: s.span.char_start) if before else None
        t.section = sec.id if sec else None
    doc.tables = sorted(keep + built, key=lambda t: t.span.char_start)
    # the caption, rows and notes of a table are not prose
    drop_pars = {p.id for p in doc.paragraphs if inside(p.span.char_start, p.span.char_end)}
    if drop_pars:
        drop_sents = {s.id for s in doc.sentences if s.paragraph in drop_pars}
        doc.paragraphs = [p for p in doc.paragraphs if p.id not in drop_pars]
        doc.sentences = [s for s in doc.sentences if s.id not in drop_sents]
        doc.citations = [c for c in doc.citations if c.sentence not in drop_sents]


def _norm_cell(raw: str, start: int) -> tuple[str, list[str]]:
    norm = normalize_inline(Tracked.from_source(raw, start), in_table=True)
    text, markers = strip_cell_markers(norm.tracked.text)
    return text, [m.text.strip("<>/sup^{}") for m in norm.markers] + markers


def _build_table(doc: Document, plan: _TablePlan, k: int) -> Table | None:
    g = plan.grid
    if g is None or not g.rows:
        return None
    rows: list[TableRow] = []
    for ri, row in enumerate(g.rows):
        cells: list[Cell] = []
        last_end = None
        for ci in range(g.width):
            rng = plan.cell_ranges[ri][ci] if ci < len(plan.cell_ranges[ri]) else None
            if rng is not None:
                a, b = rng
                raw = doc.text[a:b]
                text, markers = _norm_cell(raw, a)
                colspan = 1
                cells.append(Cell(text=text, raw=raw, span=_span(doc, a, b), markers=markers, colspan=colspan))
                last_end = b
            else:
                at = last_end if last_end is not None else _row_start(plan, ri)
                cells.append(Cell(text="", raw="", span=_span(doc, at, at)))
        a = min(c.span.char_start for c in cells)
        b = max(c.span.char_end for c in cells)
        rows.append(TableRow(index=ri, cells=cells, span=_span(doc, a, b), kind="header" if ri < g.header else "body"))
    header_rows = rows[:g.header]
    body = rows[g.header:]
    for r_ in body:
        if r_.cells and r_.cells[0].text and not any(c.text for c in r_.cells[1:]) and g.width > 1:
            r_.kind = "group"
    columns = _columns(g, header_rows) if header_rows else [""] * g.width
    if header_rows and not any(columns):
        columns = combine_headers([r_.cells for r_ in header_rows], g.width)
    foot = []
    for f in plan.footnotes:
        for part in _split_footnote(f):
            t = normalize_inline(Tracked.from_source(part, 0), in_table=True).tracked.text
            if t:
                foot.append(t)
    label = plan.label or f"Unlabelled table {k}"
    cap_text = normalize_inline(Tracked.from_source(plan.caption, 0)).tracked.text if plan.caption else ""
    number = plan.number
    tid = f"t{number}" if number else "tx" + re.sub(r"[^A-Za-z0-9]+", "-", plan.wrap_id).strip("-")
    t = Table(id=tid, label=label, number=number, caption=cap_text,
              caption_span=_span(doc, *plan.caption_range) if plan.caption_range else None,
              header_rows=header_rows, rows=body, columns=columns, footnotes=foot,
              span=_span(doc, plan.range[0], plan.range[1]), source_format="jats")
    assign_groups(t)
    return t


_RE_SUP_LABEL = re.compile(r"<sup>\s*([^<\s]{1,4})\s*</sup>\s*")


def _split_footnote(f: str) -> list[str]:
    """'<sup>a</sup>Chi-square; <sup>b</sup>t test' -> ['a Chi-square;', 'b t test'] (labels kept as text)."""
    cuts = [0]
    for m in _RE_SUP_LABEL.finditer(f):
        before = f[:m.start()].rstrip()
        if m.start() > 0 and before and before[-1] in ".;,":
            cuts.append(m.start())
    parts = [f[a:b].strip() for a, b in zip(cuts, cuts[1:] + [len(f)])]
    out = []
    for p in parts:
        p = _RE_SUP_LABEL.sub(lambda m: m.group(1) + " ", p, count=1) if p.startswith("<sup>") else p
        if p:
            out.append(p)
    return out


def _row_start(plan: _TablePlan, ri: int) -> int:
    for rng in plan.cell_ranges[ri]:
        if rng is not None:
            return rng[0]
    return plan.range[0]


def _columns(g: _Grid, header_rows: list[TableRow]) -> list[str]:
    """One label per column: the texts of all header cells covering it, top to bottom."""
    cols = []
    for c in range(g.width):
        parts: list[str] = []
        for r in range(g.header):
            entry = g.rows[r][c] if c < len(g.rows[r]) else None
            if entry is None:
                continue
            orow, ocol = entry[2]
            if orow >= len(header_rows) or ocol >= len(header_rows[orow].cells):
                continue
            t = header_rows[orow].cells[ocol].text
            if t and t not in parts:
                parts.append(t)
        cols.append(" / ".join(parts))
    return cols


def _apply_reference_fields(doc: Document, r: _Renderer) -> None:
    for ref in doc.references:
        f = r.ref_fields.get(ref.number or -1)
        if not f:
            continue
        if f.get("authors"):
            ref.authors = f["authors"][:40]
        if f.get("title"):
            ref.title = f["title"]
        if f.get("journal"):
            ref.journal = f["journal"]
        if f.get("year"):
            ref.year = f["year"]
