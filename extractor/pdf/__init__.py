"""PDF ingestion: rebuild a plain-text layer from a PDF, then reuse the text ingester.

The PDF path produces the *same* :class:`~schemas.document.Document` as the
text path. :func:`pdf_to_text_layer` turns the PDF into plain-text lines in
reading order plus, for every line, its page and bounding box:

* paragraphs are separated by blank lines; headings sit on their own line with
  a blank line before and after;
* tables are emitted as a caption line (``Table 2. Efficacy endpoints``),
  one tab-separated line per row (header rows first, a two-level header as two
  lines), footnote lines, then a blank line;
* superscripts (citation numbers, footnote markers) become ``<sup>…</sup>`` so
  ``5.5¹²`` never turns into ``5.512``; running headers, footers and page
  numbers are removed; ligatures are expanded; wrapped lines stay wrapped (the
  text ingester joins them and repairs hyphenation).

:func:`read_pdf` hands that layer to :func:`extractor.text.parse_text`, which
copies the page/bbox of each line onto the spans of everything it extracts.

Everything that can go wrong with the input (not a PDF, damaged, truncated,
encrypted, no text layer, too many pages, too slow) raises
:class:`PdfIngestError` with a message meant for the user.
"""
from __future__ import annotations

from .reader import pdf_to_text_layer, read_pdf
from .settings import LayoutSettings, PdfIngestError, PdfOptions

__all__ = ["LayoutSettings", "PdfIngestError", "PdfOptions", "pdf_to_text_layer", "read_pdf"]
