"""Where a piece of information came from in the source article."""
from __future__ import annotations

from typing import Literal

from .base import Model

BBox = tuple[float, float, float, float]


class Span(Model):
    """A location in the source: lines and characters for text, page and box for PDF.

    ``char_start``/``char_end`` are offsets into ``Document.text`` (the verbatim
    source text, or the text layer reconstructed from a PDF). Lines are 1-based
    and inclusive.
    """

    line: int
    line_end: int | None = None
    char_start: int
    char_end: int
    page: int | None = None
    bbox: BBox | None = None


class Provenance(Model):
    """Full provenance of an extracted value."""

    span: Span
    quote: str
    section: str | None = None
    table: str | None = None
    row: str | None = None
    column: str | None = None
    method: Literal["table-cell", "sentence-pattern", "heading", "caption", "reference-list", "derived"] = "sentence-pattern"
