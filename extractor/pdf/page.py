"""Per-page state and the table model (rows, tables, cell text)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .words import BBox, LineGeom, _W, _cluster_lines, _cluster_lines_cols, _line_text
from .columns import _gutters


@dataclass
class _Row:
    cells: list[str]
    page: int
    bbox: BBox


@dataclass
class _Table:
    page: int
    bbox: BBox
    caption: str | None
    cap_geom: tuple[int, BBox] | None
    number: str | None
    rows: list[_Row]
    footnotes: list[tuple[str, int, BBox]]
    ncols: int
    kind: str
    continued: bool = False
    anchor: int = 0
    parts: int = 1
    seps: list[tuple[float, float]] = field(default_factory=list)  # a text table's column gaps
    left: float = 0.0  # where a text table's rows start (its stub's left edge)

    def lines(self) -> list[tuple[str, LineGeom]]:
        out: list[tuple[str, LineGeom]] = []
        if self.caption:
            out.append((self.caption, self.cap_geom))
        for r in self.rows:
            cells = [c.replace("\t", " ").strip() for c in r.cells]
            cells += [""] * (self.ncols - len(cells))
            out.append(("\t".join(cells), (r.page, r.bbox)))
        for t, p, b in self.footnotes:
            out.append((t, (p, b)))
        return out


def _join_wrapped(parts: list[str]) -> str:
    s = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if not s:
            s = p
        elif s.endswith("-") and re.search(r"[a-z]{2}-$", s) and p[:1].islower():
            s = s[:-1] + p
        elif s.endswith(("-", "/")) and not s.endswith(" -"):
            s += p
        else:
            s += " " + p
    return s


def _cell_text(words: list[_W]) -> str:
    if not words:
        return ""
    tops = [w.top for w in words]
    if max(tops) - min(tops) < 0.4 * min(w.bottom - w.top for w in words):  # one line
        return _line_text(sorted(words, key=lambda w: w.x0))
    return _join_wrapped([_line_text(L) for L in _cluster_lines(words)])


class _PageCtx:
    """Everything known about one page while it is being laid out."""

    def __init__(self, pno: int, width: float, height: float, words: list[_W], ruled: list,
                 hrules: list[tuple[float, float, float]] | None = None,
                 bands: list[tuple[float, float, float, float]] | None = None):
        self.pno = pno
        self.width = width
        self.height = height
        self.words = words
        self.ruled = ruled
        self.hrules = hrules or []  # horizontal rules (x0, x1, y): the rules of tables without a grid
        self.bands = bands or []  # shaded boxes (x0, x1, top, bottom): the row bands of tables without rules
        self.shaded_rows = False  # the document's tables shade their rows in turn (set for all pages)
        self.tables: list[_Table] = []
        self._lines: list[list[_W]] | None = None
        self.gutters: list[tuple[float, float]] = []

    def lines(self) -> list[list[_W]]:
        """Visual lines of the words not yet claimed (clustered once per page, then filtered)."""
        if self._lines is None:
            self.gutters = _gutters(self.words)
            self._lines = _cluster_lines_cols(self.words, self.gutters)
        out = []
        for L in self._lines:
            if any(w.used for w in L):
                L = [w for w in L if not w.used]
            if L:
                out.append(L)
        self._lines = out
        return out


def _words_in(words: list[_W], box: BBox, pad: float = 0.5) -> list[_W]:
    x0, t, x1, b = box
    return [w for w in words if not w.used and x0 - pad <= w.cx <= x1 + pad and t - pad <= w.cy <= b + pad]
