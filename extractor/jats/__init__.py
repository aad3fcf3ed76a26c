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

from .document import parse_jats, read_jats, render_jats
from .safe import JATS_SUFFIXES, MAX_TABLE_CELLS, MAX_XML_BYTES, JatsError, parse_xml_bytes

__all__ = ["read_jats", "parse_jats", "JatsError", "JATS_SUFFIXES", "MAX_XML_BYTES", "MAX_TABLE_CELLS", "render_jats",
           "parse_xml_bytes"]
