"""Options of the PDF reader and the typed layout settings (the tolerances of the layout analysis).

:class:`LayoutSettings` plays the part of pdfplumber's ``table_settings``: every
tolerance the reader uses to build words, lines, columns, tables and notes, in
one frozen, documented object. Distances are in PDF points unless the field says
"ratio" (then they are multiples of the font size of the text concerned).
A user can tune a journal's quirks from the config file (``pdf_layout:`` in the
validation settings) or pass ``PdfOptions(layout=LayoutSettings(...))``.

The settings in force during one conversion are held in a context variable
(:func:`current`), so the many small layout helpers need not pass them along.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, fields, replace
from typing import Any, Iterator

from trialaudit.errors import InputError


class PdfIngestError(InputError):
    """The PDF cannot be ingested; the message says why, in plain words."""


@dataclass(frozen=True)
class LayoutSettings:
    """Tolerances of the PDF layout analysis (see the module docstring)."""

    # ---- words
    x_tolerance_ratio: float | None = None
    """Characters closer than this ratio of the font size belong to one word (pdfplumber's
    ``x_tolerance_ratio``). ``None``: chosen per page from the gaps between characters."""
    min_x_tolerance_ratio: float = 0.08
    """Lower bound of the per-page word tolerance (ratio of the font size)."""
    max_x_tolerance_ratio: float = 0.25
    """Upper bound of the per-page word tolerance (ratio of the font size)."""
    space_ratio: float = 0.12
    """Within a line, a gap wider than this ratio of the font size is written as a space."""
    repair_font_encoding: bool = True
    """Repair unambiguous font-encoding damage ("n ¼ 56" for "n = 56", "(cid:N)" of symbol fonts)."""
    read_rotated: bool = True
    """Read text set rotated by 90° (landscape tables) in its own orientation; otherwise warn."""
    # ---- lines
    line_overlap: float = 0.5
    """Two words are on one visual line when they overlap vertically by this share of the smaller height."""
    small_word_ratio: float = 0.72
    """Words smaller than this ratio of the body size (superscripts, markers) attach to the line they touch."""
    sup_size_ratio: float = 0.86
    """A superscript is at most this ratio of the line's font size ..."""
    sup_raise_ratio: float = 0.12
    """... and its bottom is raised above the baseline by at least this ratio of it."""
    # ---- fragments (pieces of a line separated by wide gaps)
    flow_split_ratio: float = 1.5
    """In running text a gap of this many font sizes separates two fragments (columns, table cells)."""
    caption_split_ratio: float = 1.2
    """Gap (font sizes) that ends a caption fragment when looking for table captions."""
    table_split_ratio: float = 0.75
    """Gap (font sizes) that separates two cells in a table without a grid."""
    # ---- columns
    gutter_min_words: int = 40
    """Pages with fewer words are read as one column."""
    gutter_coverage: float = 0.25
    """A gutter is a vertical strip whose ink is below this share of the text on both sides of it."""
    gutter_min_width: float = 4.0
    """Narrowest gutter (points)."""
    column_min_width: float = 40.0
    """Narrowest column (points); a narrower sliver (a hanging indent) is not a column."""
    region_gap_ratio: float = 0.8
    """A blank strip across the whole page at least this high (ratio of the body size) may separate
    two bands with different column grids (two columns of text above three of references)."""
    # ---- tables
    caption_max_distance: float = 45.0
    """A caption is at most this far (points) above a ruled table."""
    footnote_reach: float = 200.0
    """How far (points) below a table its notes are looked for."""
    rule_max_thickness: float = 2.0
    """A line or rectangle at most this thick is a horizontal rule ..."""
    rule_min_length: float = 20.0
    """... when it is at least this long (points)."""
    text_table_min_rows: int = 2
    """A table without a grid needs at least this many lines with two or more cells."""
    read_bands: bool = True
    """Read shaded (filled) row bands of a table without rules as its row grid: a row ends where a
    band starts or ends across the table, so the wrapped lines of a cell stay in their row."""
    band_min_width: float = 8.0
    """A filled box at least this wide and thicker than a rule is a piece of a shaded band."""
    band_min_coverage: float = 0.6
    """A band edge separates rows when the pieces ending or starting there cover this share of the
    table's width (and no piece runs across it)."""
    # ---- running headers and footers
    running_band: float = 0.12
    """Running headers/footers are looked for in this top/bottom share of the page height."""
    running_min_share: float = 0.3
    """A running header/footer repeats on at least this share of the pages."""

    @classmethod
    def from_mapping(cls, data: dict[str, Any] | None) -> "LayoutSettings":
        """Build from a plain mapping (the config file); unknown keys raise ``ValueError``."""
        data = dict(data or {})
        known = {f.name for f in fields(cls)}
        bad = sorted(set(data) - known)
        if bad:
            raise ValueError(f"unknown PDF layout setting(s): {', '.join(bad)}")
        return replace(cls(), **data)


@dataclass
class PdfOptions:
    max_pages: int = 500
    timeout_s: float = 120.0
    password: str | None = None
    layout: LayoutSettings = field(default_factory=LayoutSettings)


_CURRENT: ContextVar[LayoutSettings] = ContextVar("trialaudit_pdf_layout", default=LayoutSettings())


def current() -> LayoutSettings:
    """The layout settings of the conversion in progress."""
    return _CURRENT.get()


@contextmanager
def using(settings: LayoutSettings) -> Iterator[LayoutSettings]:
    token = _CURRENT.set(settings)
    try:
        yield settings
    finally:
        _CURRENT.reset(token)
