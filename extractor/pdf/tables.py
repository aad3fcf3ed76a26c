"""Tables: ruled tables (pdfplumber grids) and tables without a grid (text tables).

Why one long module: ruled and unruled tables share the row and column clustering and the
caption/notes attachment; the seam for a split is the unruled (text) table builder.
"""
from __future__ import annotations

import bisect
import math
import re

from .words import BBox, _CAP_RE, _CONT_RE, _FIG_RE, _FOOT_START_RE, _Frag, _NUMERIC_CELL_RE, _N_EQ_RE, _W, _baseline, _cluster_lines, _line_text, _split, _union, _wbox
from .columns import _col_of, _gutters
from .page import _PageCtx, _Row, _Table, _cell_text, _join_wrapped, _words_in
from .captions import _footnotes_below, _normalise_caption, _split_footnotes
from .settings import current as _settings


#: a stub line starting with one of these continues the label above (it cannot open a row label)
_CONT_START = "([≥≤<>=±~+−–/&"


def _ruled_tables(pc: _PageCtx, caps, body_size: float, warnings: list[str]) -> None:
    """The tables drawn with rules on a page (pdfplumber's grids), appended to ``pc.tables``."""
    for bbox, rows in pc.ruled:
        if not rows:
            continue
        t = _ruled_table(pc, bbox, rows, caps, body_size)
        if t is not None:
            pc.tables.append(t)


def _ruled_table(pc: _PageCtx, bbox: BBox, rows, caps, body_size: float) -> _Table | None:
    """One ruled grid read as a table, or None (a figure, a text box, or a grid the caption's text
    table reads better)."""
    words = _words_in(pc.words, bbox)
    ncols = max(len(r) for r in rows)
    grid, gboxes, spanning, filled, total = _ruled_grid(words, rows, bbox, ncols)
    if total == 0:
        return None
    caption, cap_geom, number, body_start, cap_words = _ruled_caption(pc, caps, grid, bbox)
    # trailing spanning rows = footnotes
    end = len(grid)
    while end > body_start + 1 and spanning[end - 1]:
        end -= 1
    foot_vlines: list[tuple[str, BBox]] = []
    for texts in grid[end:]:
        ws = [w for t in texts if t for w in t]
        for L in _cluster_lines(ws):
            foot_vlines.append((_line_text(L), _wbox(L)))
    body = grid[body_start:end]
    bboxes = gboxes[body_start:end]
    if caption is None:
        empty_ratio = 1 - filled / max(total, 1)
        if len(body) < 2 or empty_ratio > 0.5 or ncols < 2:
            # a figure, logo or text box drawn with lines: drop chart labels, keep boxed text
            if empty_ratio > 0.5 and ncols >= 2 and not _rows_continue_below(pc, bbox, body_size):
                for w in words:
                    w.used = True
            return None
    out_rows = []
    for texts, rb in zip(body, bboxes):
        cells = ["" if t is None else _cell_text(t) for t in texts]
        if not any(cells):
            continue
        out_rows.append(_Row(cells, pc.pno, rb))
    if not out_rows:
        return None
    if caption is not None and _grid_unreliable(body, ncols):
        # shading, not rules, drew this grid: its cells cut across the columns; the caption's
        # text table reads the box instead
        for w in cap_words:
            w.used = False
        return None
    if len(out_rows) <= 3 and _rows_continue_below(pc, bbox, body_size):
        # the ruled box covers only the (shaded) header of a longer table: a hint, not the
        # table; the caption's text table reads the whole of it
        for w in cap_words:
            w.used = False
        return None
    for w in words + cap_words:
        w.used = True
    footnotes = _split_footnotes(foot_vlines, pc.pno)
    # footnotes printed just below the ruled box
    footnotes += _footnotes_below(pc, (bbox[0], bbox[1], bbox[2], bbox[3]), body_size)
    t = _Table(pc.pno, bbox, _normalise_caption(caption) if caption else None, cap_geom, number,
               out_rows, footnotes, ncols, "ruled")
    if caption and _CONT_RE.search(caption[:40] if caption else ""):
        t.continued = True
    if caption is None:
        t.continued = None  # decided later: continuation of the previous table or an untitled table
    return t


def _ruled_grid(words: list[_W], rows, bbox: BBox, ncols: int):
    """The words of each cell of a ruled grid (None for a cell another cell spans), with each
    row's box, whether the row is one spanning cell, and the counts of filled and real cells."""
    grid: list[list] = []
    gboxes: list[BBox] = []
    spanning: list[bool] = []
    filled = total = 0
    # words by vertical position, so each cell only scans the words of its band
    wsorted = sorted(((w.cy, w.cx, w) for w in words), key=lambda t: t[0])
    ys = [t[0] for t in wsorted]
    for r in rows:
        texts = []
        boxes = []
        for cb in r:
            if cb is None:
                texts.append(None)
                continue
            lo = bisect.bisect_left(ys, cb[1] - 0.5)
            hi = bisect.bisect_right(ys, cb[3] + 0.5)
            ws = [w for _, cx, w in wsorted[lo:hi] if cb[0] - 0.5 <= cx <= cb[2] + 0.5]
            texts.append(ws)
            boxes.append(cb)
        real = [t for t in texts if t is not None]
        spanning.append(len(real) == 1 and ncols > 1)
        total += len(real)
        filled += sum(1 for t in real if t)
        grid.append(texts)
        gboxes.append(_union(boxes) if boxes else bbox)
    return grid, gboxes, spanning, filled, total


def _ruled_caption(pc: _PageCtx, caps, grid, bbox: BBox):
    """The caption of a ruled grid: inside the box (its first spanning row) or just above it.
    Returns (caption, its geometry, table number, first body row, caption words above the box)."""
    for i, texts in enumerate(grid[:2]):
        real = [t for t in texts if t]
        if len(real) == 1:
            txt = _cell_text(real[0])
            m = _CAP_RE.match(txt)
            if m:
                return txt, (pc.pno, _wbox(real[0])), m.group(2), i + 1, []
    best = None
    for f, m in caps:
        if any(w.used for w in f.words):
            continue
        if f.bottom <= bbox[1] + 2 and bbox[1] - f.bottom <= _settings().caption_max_distance and f.x0 < bbox[2] and f.x1 > bbox[0]:
            if best is None or f.bottom > best[0].bottom:
                best = (f, m)
    if best is None:
        return None, None, None, 0, []
    f, m = best
    # caption plus its wrapped lines down to the table
    cap_words = [w for w in pc.words if not w.used and w.top >= f.top - 1 and w.bottom <= bbox[1] + 2
                 and w.x0 >= min(f.x0, bbox[0]) - 2 and w.x1 <= max(bbox[2], f.x1) + 2]
    caption = _join_wrapped([_line_text(L) for L in _cluster_lines(cap_words)])
    return caption, (pc.pno, _wbox(cap_words)), m.group(2), 0, cap_words


def _column_bounds(pc: _PageCtx, gut) -> list[tuple[float, float]]:
    xs0 = min((w.x0 for w in pc.words), default=0)
    xs1 = max((w.x1 for w in pc.words), default=pc.width)
    edges = [xs0] + [x for g in gut for x in g] + [xs1]
    return [(edges[2 * i], edges[2 * i + 1]) for i in range(len(gut) + 1)]


def _is_prose(frs: list[_Frag], body_size: float, width: float) -> bool:
    if len(frs) != 1:
        return False
    f = frs[0]
    return (len(f.words) >= 6 and f.size >= body_size - 0.35 and (f.x1 - f.x0) >= 0.55 * width)


def _text_table(pc: _PageCtx, cap: _Frag, m: re.Match, gut, body_size: float) -> _Table | None:
    cols = _column_bounds(pc, gut)
    mids = [(g0 + g1) / 2 for g0, g1 in gut]
    c0, c1 = _col_of(cap.x0 + 1, mids), _col_of(cap.x1 - 1, mids)
    res = None
    for _ in range(len(cols) + 1):
        X0, X1 = cols[c0][0], cols[c1][1]
        res = _collect_text_table(pc, cap, X0, X1, body_size)
        if res is not None:
            y0, y1 = res[1], res[2]
        else:
            y0, y1 = cap.top, _contiguous_bottom(pc, cap, X0, X1, body_size)
            if y1 <= cap.bottom + 0.5:  # nothing under the caption in its column (a header with an
                # empty stub cell): the lines under it across the page
                y1 = _contiguous_bottom(pc, cap, cols[0][0], cols[-1][1], body_size)
        grew = False
        for nc in (c1 + 1, c0 - 1):
            if 0 <= nc < len(cols):
                nx0, nx1 = cols[nc]
                ws = [w for w in pc.words if not w.used and nx0 - 1 <= w.cx <= nx1 + 1 and y0 <= w.cy <= y1]
                if not ws:
                    continue
                nlines = _cluster_lines(ws)
                if any(_CAP_RE.match(" ".join(w.t for w in L[:4])) for L in nlines):
                    continue  # another table's caption: side-by-side tables stay two
                if res is not None and _same_columns([L for L, _ in res[0][1:]], nlines):
                    continue  # the same table's rows flowing on in the next column
                if (not any(_is_prose(_split(L, 1.0), body_size, nx1 - nx0) for L in nlines)
                        and _cells_like(nlines)) or (res is not None and _rows_aligned([L for L, _ in res[0][1:]], nlines)):
                    c0, c1 = min(c0, nc), max(c1, nc)
                    grew = True
                    break
        if not grew:
            break
    if res is None:
        return None
    lx0, lx1 = _local_bounds(pc, cap, X0, X1, res[1], res[2])
    if (lx0, lx1) != (X0, X1):
        local = _collect_text_table(pc, cap, lx0, lx1, body_size)
        if local is not None:
            res, X0, X1 = local, lx0, lx1
    lines, side = _side_caption(cap, res[0])
    t = _build_text_table(pc, cap, m, lines, X0, X1, body_size)
    if t is not None and side:
        # a caption set beside the table: its wrapped lines are caption, not header cells
        for w in side:
            w.used = True
        t.caption = _normalise_caption(_join_wrapped([t.caption or ""] + [_line_text(L) for L in _cluster_lines(side)]))
        if t.cap_geom is not None:
            t.cap_geom = (t.cap_geom[0], _union([t.cap_geom[1], _wbox(side)]))
    return t


def _column_gaps(lines: list[list[_W]]) -> list[tuple[float, float]] | None:
    """The column gaps of some lines, measured from where the lines start."""
    k = _settings().table_split_ratio
    multi = [frs for frs in (_split(L, k) for L in lines) if len(frs) >= 2]
    if len(multi) < 2:
        return None
    x0 = int(min(f.x0 for frs in multi for f in frs))  # the gaps are found on whole points from here
    x1 = max(f.x1 for frs in multi for f in frs)
    seps = _separators(multi, x0, x1)
    return [(a - x0, b - x0) for a, b in seps] if seps else None


def _same_columns(a: list[list[_W]], b: list[list[_W]]) -> bool:
    """True when two blocks of lines are set in the same columns (each gap of one block ends or
    starts within 4 pt of a gap of the other, measured from where its lines start): one table's
    rows in two columns of the page."""
    ga, gb = _column_gaps(a), _column_gaps(b)
    if not ga or not gb:
        return False
    short, long_ = (ga, gb) if len(ga) <= len(gb) else (gb, ga)
    return len(long_) - len(short) <= 1 and all(
        any(abs(x0 - y0) <= 4 or abs(x1 - y1) <= 4 for y0, y1 in long_) for x0, x1 in short)


def _side_caption(cap: _Frag, lines):
    """Lines of a table whose caption is set beside it (in a margin column to its left): the
    caption's wrapped lines share the first table lines' heights. Returns the lines without those
    words and the words taken."""
    body = [frs for k, (_, frs) in enumerate(lines) if k > 0 and len(frs) >= 2]
    if len(body) < 2:
        return lines, []
    starts = sorted(min(f.x0 for f in frs) for frs in body)
    left = starts[len(starts) // 2]  # where most rows start (the caption's lines may share a row's height)
    if cap.x1 >= left - 4:
        return lines, []
    side: list[_W] = []
    out = [lines[0]]
    bottom = cap.bottom
    for L, frs in lines[1:]:
        take = [w for w in L if w.x1 <= left - 2 and abs(w.size - cap.size) < 0.3 and w.top - bottom < 1.2 * w.size]
        if not take:
            bottom = -1e9  # the caption block has ended
            out.append((L, frs))
            continue
        side += take
        bottom = max(w.bottom for w in take)
        rest = [w for w in L if w not in take]
        if rest:
            out.append((rest, _split(rest, _settings().table_split_ratio)))
    return out, side


def _local_bounds(pc: _PageCtx, cap: _Frag, X0: float, X1: float, y0: float, y1: float) -> tuple[float, float]:
    """Horizontal extent of a table from the gutters of its own band: a table across a page without
    a gutter may still have notes or text set beside it, which the table must not take in."""
    ws = [w for w in pc.words if not w.used and X0 - 1 <= w.cx <= X1 + 1 and cap.bottom < w.cy <= y1]
    gut = _gutters(ws, min_col=8.0)
    if not gut:
        return X0, X1
    lo = min(w.x0 for w in ws)
    hi = max(w.x1 for w in ws)
    edges = [lo] + [x for g in gut for x in g] + [hi]
    cols = [(edges[2 * i], edges[2 * i + 1]) for i in range(len(gut) + 1)]
    mids = [(g0 + g1) / 2 for g0, g1 in gut]
    c0, c1 = _col_of(cap.x0 + 1, mids), _col_of(cap.x1 - 1, mids)
    changed = True
    while changed:
        changed = False
        for nc in (c1 + 1, c0 - 1):
            if 0 <= nc < len(cols):
                nx0, nx1 = cols[nc]
                lines = _cluster_lines([w for w in ws if nx0 - 1 <= w.cx <= nx1 + 1])
                inner = _cluster_lines([w for w in ws if cols[c0][0] - 1 <= w.cx <= cols[c1][1] + 1])
                if lines and (_cells_like(lines) or _rows_aligned(inner, lines)):
                    c0, c1 = min(c0, nc), max(c1, nc)
                    changed = True
                    break
    if c0 == 0 and c1 == len(cols) - 1:
        return X0, X1
    return cols[c0][0] - 1, cols[c1][1] + 1


def _contiguous_bottom(pc: _PageCtx, cap: _Frag, X0: float, X1: float, body_size: float | None = None) -> float:
    """Bottom of the run of lines directly below a caption (no gap over three lines, no prose)."""
    cand = [w for w in pc.words if not w.used and X0 - 1 <= w.cx <= X1 + 1 and w.top >= cap.bottom - 1]
    bottom = cap.bottom
    for k, L in enumerate(_cluster_lines(cand)):
        top = min(w.top for w in L)
        if top - bottom > 3.0 * max(w.size for w in L):
            break
        if body_size is not None and k > 0 and _is_prose(_split(L, 1.0), body_size, X1 - X0):
            break  # the text under the table
        bottom = max(bottom, max(w.bottom for w in L))
    return bottom


def _collect_text_table(pc: _PageCtx, cap: _Frag | None, X0: float, X1: float, body_size: float,
                        start_top: float = 0.0):
    """Lines of a table without rules: the caption line, then rows while they look tabular.

    Without a caption (a table continued from the previous page) the rows start
    at ``start_top``.
    """
    def inside(w: _W) -> bool:  # a cell may run a little into the gutter
        return X0 - 1 <= w.cx <= X1 + 1 or (X0 <= w.x0 < X1 - 1 and w.x1 <= X1 + 2 * w.size)

    if cap is not None:
        cand = [w for w in pc.words if not w.used and inside(w) and w.cy > cap.top - 0.5]
        lines = _cluster_lines(cand)
        lines = [L for L in lines if _baseline(L) >= _baseline(cap.words) - 0.5]
    else:
        cand = [w for w in pc.words if not w.used and inside(w) and w.top >= start_top - 0.5]
        lines = _cluster_lines(cand)
    if not lines:
        return None
    out = []
    prev_b = cap.bottom if cap is not None else min(w.top for w in lines[0])
    width = X1 - X0
    n_multi = 0
    for idx, L in enumerate(lines):
        sz = sorted(w.size for w in L)[len(L) // 2]
        top = min(w.top for w in L)
        frs = _split(L, _settings().table_split_ratio)
        gap = top - prev_b
        if cap is None and (_is_prose(frs, body_size, width) or any(
                len(f.words) >= 6 and f.size >= body_size - 0.35 for f in frs)):
            break
        if idx == 0 and cap is not None:
            out.append((L, frs))  # the caption line
            prev_b = max(w.bottom for w in L)
            continue
        limit = 3.0 * sz if n_multi == 0 else 1.7 * min(sz, body_size)
        if gap > limit:
            break
        if n_multi and sz >= body_size + 0.5 and len(frs) == 1 and max(w.size for w in out[-1][0]) < sz - 0.3:
            break  # a heading under the table
        head = " ".join(w.t for w in L[:3])
        if _CAP_RE.match(head) or _FIG_RE.match(head):
            break
        if n_multi and _is_prose(frs, body_size, width):
            break
        out.append((L, frs))
        if len(frs) >= 2:
            n_multi += 1
        prev_b = max(w.bottom for w in L)
    if n_multi < _settings().text_table_min_rows:
        return None
    y0 = min(w.top for w in out[0][0])
    y1 = max(w.bottom for L, _ in out for w in L)
    return out, y0, y1


def _rule_header_lines(pc: _PageCtx, lines: list[list[_W]]) -> int | None:
    """Number of header lines of a table without a grid, from the rule under its header.

    The rule must run across (most of) the table, below its first line and above
    its last line; the header is every line above it (at most six lines).
    """
    if not pc.hrules or len(lines) < 2:
        return None
    tx0 = min(w.x0 for L in lines for w in L)
    tx1 = max(w.x1 for L in lines for w in L)
    tops = [min(w.top for w in L) for L in lines]
    bottoms = [max(w.bottom for w in L) for L in lines]
    for x0, x1, y in sorted(pc.hrules, key=lambda r: r[2]):
        if min(x1, tx1) - max(x0, tx0) < 0.6 * (tx1 - tx0):
            continue
        if not (bottoms[0] - 0.5 <= y <= tops[-1] + 0.5):
            continue
        n = sum(1 for b in bottoms if b <= y + 0.5)
        if 1 <= n <= 6 and n < len(lines) and all(t >= y - 0.5 for t in tops[n:]):
            return n
        return None
    return None


def _rule_below(pc: _PageCtx, y: float, x0: float, x1: float, reach: float = 60.0) -> float | None:
    """Height of the first horizontal rule across most of [x0, x1] within ``reach`` below ``y``."""
    ys = [ry for a, b, ry in pc.hrules if y - 0.5 <= ry <= y + reach and min(b, x1) - max(a, x0) >= 0.6 * (x1 - x0)]
    return min(ys) if ys else None


def _rule_between(pc: _PageCtx, y0: float, y1: float, x0: float, x1: float) -> bool:
    """True when a horizontal rule across most of [x0, x1] lies between heights y0 and y1."""
    return any(y0 - 0.5 <= y <= y1 + 0.5 and min(b, x1) - max(a, x0) >= 0.6 * (x1 - x0)
               for a, b, y in pc.hrules)


def _cover(spans: list[tuple[float, float]], lo: float, hi: float) -> float:
    """Length of [lo, hi] covered by the union of some x ranges (pieces closer than 3 pt joined)."""
    total, cur0, cur1 = 0.0, None, None
    for a, b in sorted((max(a, lo), min(b, hi)) for a, b in spans):
        if cur1 is None or a > cur1 + 3:
            if cur1 is not None:
                total += max(0.0, cur1 - cur0)
            cur0, cur1 = a, b
        else:
            cur1 = max(cur1, b)
    return total + (max(0.0, cur1 - cur0) if cur1 is not None else 0.0)


def _aligned_band_rows(pc: _PageCtx) -> bool:
    """True when two shaded bands of a page share their left and right edges: a table whose rows
    are shaded in turn (the journal's style, which its other tables and table parts follow)."""
    rows: dict[tuple[int, int], list] = {}
    for b in pc.bands:
        rows.setdefault((round(b[2]), round(b[3])), []).append(b)
    ext = sorted((min(b[0] for b in ps), max(b[1] for b in ps), k) for k, ps in rows.items())
    return any(abs(a[0] - b[0]) <= 2 and abs(a[1] - b[1]) <= 2 and a[1] - a[0] >= 3 * _settings().band_min_width
               for a, b in zip(ext, ext[1:]))


class _Bands:
    """The shaded bands across the body lines of a table without rules: the row boundaries they
    draw (``edges``: where band pieces start or end across most of the table's width and no piece
    runs across, as a cell spanning sub-rows does), their vertical extents, and whether the table
    is shaded in turn (``alternate``: two or more bands here, or one in a document whose tables
    shade their rows in turn - a part of a table cut by a column or page break), so that every
    unshaded stretch between bands holds one row too."""

    def __init__(self, edges: list[float], extents: list[tuple[float, float]], alternate: bool):
        self.edges = edges
        self.extents = extents
        self.alternate = alternate

    @classmethod
    def of(cls, pc: _PageCtx, lines: list[list[_W]]) -> "_Bands | None":
        S = _settings()
        if not S.read_bands or not pc.bands or not lines:
            return None
        ws = [w for L in lines for w in L]
        tx0, tx1 = min(w.x0 for w in ws), max(w.x1 for w in ws)
        top, bottom = min(w.top for w in ws), max(w.bottom for w in ws)
        need = S.band_min_coverage * (tx1 - tx0)
        pieces = [b for b in pc.bands if b[1] > tx0 and b[0] < tx1 and b[3] > top + 0.5 and b[2] < bottom - 0.5]
        rows: dict[tuple[int, int], list] = {}
        for b in pieces:
            rows.setdefault((round(b[2]), round(b[3])), []).append(b)
        nbands = sum(1 for ps in rows.values() if _cover([(b[0], b[1]) for b in ps], tx0, tx1) >= need)
        if not nbands:
            return None
        edges: list[float] = []
        for y in sorted({y for b in pieces for y in (b[2], b[3])}):
            if edges and y - edges[-1] <= 1.0:
                continue
            at = [(b[0], b[1]) for b in pieces if abs(b[2] - y) <= 1.0 or abs(b[3] - y) <= 1.0]
            if not any(b[2] < y - 1.0 and b[3] > y + 1.0 for b in pieces) and _cover(at, tx0, tx1) >= need:
                edges.append(y)
        # the shaded stretches: pieces that touch joined, then cut at the row boundaries
        extents: list[list[float]] = []
        for t, b in sorted((b[2], b[3]) for b in pieces):
            if extents and t <= extents[-1][1] + 1.0:
                extents[-1][1] = max(extents[-1][1], b)
            else:
                extents.append([t, b])
        cut: list[tuple[float, float]] = []
        for t, b in extents:
            for y in edges:
                if t + 1.0 < y < b - 1.0:
                    cut.append((t, y))
                    t = y
            cut.append((t, b))
        return cls(edges, cut, nbands >= 2 or pc.shaded_rows)

    def between(self, y0: float, y1: float) -> bool:
        """A row boundary lies between heights y0 < y1."""
        return any(y0 < y < y1 for y in self.edges)

    def same_band(self, y0: float, y1: float) -> bool:
        """Both heights lie inside one band."""
        return any(a <= y0 and y1 <= b for a, b in self.extents)


def _last_header_index(rows: list[dict]) -> int:
    """Index of the last header row."""
    k = 0
    for i, r in enumerate(rows):
        if r["header"]:
            k = i
    return k


def _spanning_header_cells(frs: list[_Frag], centres: list[float], col, ncols: int):
    """Cells of a header row whose cells span columns: fragments that overlap horizontally form a
    cell; the stub cell stays in column 0; every other column goes to the nearest cell, whose text
    is written in the first of its columns. Returns per column the word lists (one per line)."""
    groups: list[list] = []
    for f in sorted(frs, key=lambda f: f.x0):
        hit = [g for g in groups if f.x0 < g[1] and f.x1 > g[0]]
        if hit:
            g = hit[0]
            for h in hit[1:]:
                g[2] += h[2]
                g[0], g[1] = min(g[0], h[0]), max(g[1], h[1])
                groups.remove(h)
            g[0], g[1] = min(g[0], f.x0), max(g[1], f.x1)
            g[2].append(f)
        else:
            groups.append([f.x0, f.x1, [f]])
    out: list[list[list[_W]]] = [[] for _ in range(ncols)]
    stub = [g for g in groups if col(min(g[2], key=lambda f: f.x0)) == 0]
    rest = [g for g in groups if g not in stub]
    if not rest:
        return None
    owner: dict[int, list] = {}
    for j in range(1, ncols):
        g = min(rest, key=lambda g: abs((g[0] + g[1]) / 2 - centres[j]))
        owner.setdefault(id(g), []).append(j)
    for g in stub + rest:
        js = [0] if g in stub else owner.get(id(g))
        if not js:
            return None
        lines = sorted(g[2], key=lambda f: (f.top, f.x0))
        out[min(js)] += [f.words for f in lines]
    return out


class _Seps:
    """Column separators of a text table (x ranges of the gaps between its columns)."""

    def __init__(self, seps: list[tuple[float, float]]):
        self.seps = seps
        self.starts = [s0 for s0, _ in seps]
        self.ncols = len(seps) + 1

    def col(self, f: _Frag) -> int:
        """The column a fragment starts in."""
        return bisect.bisect_right(self.starts, f.x0 + 0.5)

    def spans(self, f: _Frag) -> bool:
        """True when a fragment covers a whole gap (a cell spanning columns)."""
        return any(f.x0 <= s0 + 0.5 and f.x1 >= s1 - 0.5 for s0, s1 in self.seps)


def _ws_text(ws) -> str:
    return _line_text(sorted(ws, key=lambda w: w.x0)) if ws else ""


def _is_data_line(g: dict) -> bool:
    """A line with a number (not "n = ...") in a cell after the stub."""
    for ws in g["cells"][1:]:
        t = _ws_text(ws)
        if t and _NUMERIC_CELL_RE.match(t) and not _N_EQ_RE.match(t):
            return True
    return False


def _build_text_table(pc: _PageCtx, cap: _Frag | None, m: re.Match | None, lines, X0, X1,
                      body_size, expect_ncols: int | None = None, like: _Table | None = None) -> _Table | None:
    """A table without a grid from its collected lines (the caption line first, when there is one):
    caption, header and body rows, notes. ``like``: the part of the same table before a column or
    page break, whose columns these rows follow when their own gaps do not show them all (a column
    with a value in one row only)."""
    if cap is None:
        lines = [(None, [])] + list(lines)  # no caption line
    first_multi = next((k for k, (_, frs) in enumerate(lines) if k > 0 and len(frs) >= 2), None)
    if first_multi is None:
        return None
    # the caption line and its continuation lines (wrapped caption) before the first tabular line
    cap_lines = ([lines[0][0]] if cap is not None else []) + [L for L, _ in lines[1:first_multi]]
    last_multi = max(k for k, (_, frs) in enumerate(lines) if len(frs) >= 2)
    body, tail = _take_wrapped_tail(pc, lines[first_multi:last_multi + 1], lines[last_multi + 1:], X0, X1)
    n_hdr, seps = _text_table_separators(pc, body, X0, X1)
    if like is not None and like.seps and (seps is None or len(seps) + 1 != like.ncols):
        dx = min(w.x0 for L, _ in body for w in L) - like.left
        shifted = [(s0 + dx, s1 + dx) for s0, s1 in like.seps]
        # the rows' own gaps must be some of the part's gaps (else another table follows)
        if seps is not None and not all(any(a - 1 <= (s0 + s1) / 2 <= b + 1 for s0, s1 in shifted) for a, b in seps):
            return None
        seps = shifted
    if seps is None:
        return None
    cs = _Seps(seps)
    if cs.ncols < 2 or (expect_ncols is not None and cs.ncols != expect_ncols):
        return None
    grid = _line_grid(body, cs)
    # header zone: lines before the first data line (at most 4) - or, when a rule runs across the
    # table below the first line (booktabs style), the lines above that rule
    first_data = next((k for k, g in enumerate(grid) if _is_data_line(g)), 1)
    # a part without caption (a table going on in the next column or page) may start with a row
    first_data = max(1 if cap is not None else 0, min(first_data, 4))
    if n_hdr is not None:
        first_data = n_hdr
    _mark_parent_header_lines(grid, first_data, cs)
    rows = _lines_to_rows(grid, first_data, cs.ncols, _Bands.of(pc, [g["words"] for g in grid[first_data:]]))
    _spread_spanning_headers(rows, cs, X0, X1)
    rows = _merge_label_only_rows(rows, cs.ncols)
    t = _text_table_of(pc, cap_lines, rows, body, tail, m, cs.ncols, body_size)
    t.seps = cs.seps
    t.left = min(w.x0 for L, _ in body for w in L)
    return t


def _take_wrapped_tail(pc: _PageCtx, body, tail, X0: float, X1: float):
    """Move the lines after the last multi-cell line that still belong to the table into its body.

    A lowercase single line right after the last row is a wrapped label, not a footnote - unless a
    rule closes the table above it or it is set smaller than the rows (a note "aGroups ...") - and
    so is a line set closer to the last row than rows are to each other; a line above the rule
    that closes the table (booktabs style) is a row; a label-only group row that ends a column or
    page is a row. Returns (body, tail)."""
    row_size = sorted(w.size for L, _ in body for w in L)[sum(len(L) for L, _ in body) // 2]
    bl = [_baseline(L) for L, _ in body]
    bgaps = sorted(b - a for a, b in zip(bl, bl[1:]))
    tight_lim = 0.8 * bgaps[min(len(bgaps) - 1, int(0.75 * len(bgaps)))] if len(bgaps) >= 2 else None
    close = _rule_below(pc, max(w.bottom for w in body[-1][0]), X0, X1)
    while tail:
        L0, frs0 = tail[0]
        t0 = _line_text(L0)
        same_size = max(w.size for w in L0) >= row_size - 0.4
        if close is not None and max(w.bottom for w in L0) <= close + 0.5 and same_size:
            body.append(tail.pop(0))
            continue
        if close is not None or not same_size \
                or _rule_between(pc, max(w.bottom for w in body[-1][0]), min(w.top for w in L0), X0, X1):
            break
        tight = tight_lim is not None and _baseline(L0) - _baseline(body[-1][0]) <= tight_lim
        if len(frs0) == 1 and (tight or (t0[:1].islower() and not _FOOT_START_RE.match(t0))):
            body.append(tail.pop(0))
            continue
        if _group_row_at_break(pc, body, tail, X0, X1, bgaps):
            body.extend(tail)
            tail = []
        break
    return body, tail


def _separators(lines_frs: list[list[_Frag]], X0: float, X1: float) -> list[tuple[float, float]] | None:
    """Column gaps of lines of fragments: x ranges (2 pt or wider) covered by at most 15% of the
    lines, inside the covered extent."""
    lo = int(X0) - 2
    n = int(math.ceil(X1)) + 3 - lo
    diff = [0] * (n + 1)
    for frs in lines_frs:
        for f in frs:
            diff[max(0, int(f.x0) - lo)] += 1
            diff[min(n, int(math.ceil(f.x1)) - lo)] -= 1
    cov = []
    acc = 0
    for d in diff[:n]:
        acc += d
        cov.append(acc)
    limit = 0.15 * len(lines_frs)
    covered = [k for k, c in enumerate(cov) if c > limit]
    if not covered:
        return None
    out: list[tuple[float, float]] = []
    k = covered[0]
    while k <= covered[-1]:
        if cov[k] <= limit:
            j = k
            while j <= covered[-1] and cov[j] <= limit:
                j += 1
            if j - k >= 2:
                out.append((lo + k, lo + j))
            k = j
        else:
            k += 1
    return out


def _text_table_separators(pc: _PageCtx, body, X0: float, X1: float):
    """(number of header lines from a rule under the header or None, column separators or None)."""
    multi = [frs for _, frs in body if len(frs) >= 2]
    # with a rule under the header, a header cell spanning several columns (a two-level header)
    # must not hide the gaps between the columns under it, however few body rows there are
    n_hdr = _rule_header_lines(pc, [L for L, _ in body])
    seps = None
    if n_hdr is not None:
        body_multi = [frs for _, frs in body[n_hdr:] if len(frs) >= 2]
        if len(body_multi) >= 2:
            gaps = _separators(body_multi, X0, X1) or []
            keep = [[f for f in frs if not any(f.x0 < (g0 + g1) / 2 < f.x1 for g0, g1 in gaps)]
                    for _, frs in body[:n_hdr]]
            seps = _separators(body_multi + [frs for frs in keep if frs], X0, X1)
    if seps is None:
        seps = _separators(multi, X0, X1)
    return n_hdr, seps


def _line_grid(body, cs: _Seps) -> list[dict]:
    """Each line's words per column, whether a fragment of it spans columns, its words and fragments."""
    grid: list[dict] = []
    for L, frs in body:
        cells: list[list[_W]] = [[] for _ in range(cs.ncols)]
        sp = False
        for f in frs:
            cells[cs.col(f)].extend(f.words)
            sp = sp or (len(frs) >= 2 and cs.spans(f))
        grid.append({"cells": cells, "span": sp, "words": L, "frs": list(frs)})
    return grid


def _mark_parent_header_lines(grid: list[dict], first_data: int, cs: _Seps) -> None:
    """An upper header line over a line with at least twice as many cells, none of its cells set
    flush (left edges or centres) with a cell under it, is the parent line of a two-level header:
    each of its cells spans sub-columns. In a wide table (a landscape page) whose columns leave
    far more room than their texts take, a parent cell centred over its sub-columns covers no
    whole gap between the texts under it, so only this tells it spans."""
    for k in range(min(first_data, len(grid)) - 1):
        g, below = grid[k], grid[k + 1]
        if g["span"]:
            continue
        top = [f for f in g["frs"] if cs.col(f) > 0]
        under = [f for f in below["frs"] if cs.col(f) > 0]
        if not top or len(under) < max(2, 2 * len(top)):
            continue
        if any(abs(f.x0 - u.x0) <= 2 or abs((f.x0 + f.x1) / 2 - (u.x0 + u.x1) / 2) <= 2 for f in top for u in under):
            continue
        g["span"] = True


def _row_pitch_limit(grid: list[dict], first_data: int):
    """Line spacing: when some lines of the body sit closer than the usual row pitch, the table sets
    the wrapped lines of a cell tighter than its rows, and the pitch decides what is a new row.
    Returns (gaps between consecutive baselines, the tight limit or None, whether the pitch is known)."""
    bases = [_baseline(g["words"]) for g in grid]
    gaps = [0.0] + [bases[k] - bases[k - 1] for k in range(1, len(grid))]
    body_gaps = sorted(gaps[first_data + 1:])
    lim = None
    if len(body_gaps) >= 2:
        lim = 0.8 * body_gaps[min(len(body_gaps) - 1, int(0.75 * len(body_gaps)))]
    pitch_known = lim is not None and any(gp <= lim for gp in body_gaps)
    if not pitch_known and len(body_gaps) >= 3 and body_gaps[0] > 0 and body_gaps[-1] >= 1.4 * body_gaps[0] \
            and body_gaps[-1] - body_gaps[0] >= 3.0:
        # most lines at one pitch, a few further apart: a part of a table cut by a column or page
        # break whose few rows wrap onto many lines; the wider pitch is the rows'
        lim = (body_gaps[0] + body_gaps[-1]) / 2
        pitch_known = True
    return gaps, lim, pitch_known


def _lines_to_rows(grid: list[dict], first_data: int, ncols: int, bands: _Bands | None = None) -> list[dict]:
    """Group the lines into rows: header lines into header rows, continuation lines into their row.
    Each row holds per column the word lists of its lines. With shaded ``bands`` a body line opens
    a row when a band boundary lies between it and the line above, and continues the row when both
    lie in one band (or in one unshaded stretch of a table shaded in turn); elsewhere the line
    pitch and the cells decide."""
    gaps, lim, pitch_known = _row_pitch_limit(grid, first_data)
    rows: list[dict] = []
    mids = [(min(w.top for w in g["words"]) + max(w.bottom for w in g["words"])) / 2 for g in grid]
    for k, g in enumerate(grid):
        if bands is not None and k > first_data and rows and not rows[-1].get("header"):
            join = None
            if bands.between(mids[k - 1], mids[k]):
                join = False
            elif bands.alternate or bands.same_band(mids[k - 1], mids[k]):
                join = True
            if join is not None:
                if join:
                    for c in range(ncols):
                        rows[-1]["cells"][c].append(g["cells"][c])
                    rows[-1]["words"] += g["words"]
                else:
                    rows.append({"cells": [[c] for c in g["cells"]], "span": g["span"], "words": list(g["words"]),
                                 "header": False})
                continue
        tight = lim is not None and k > 0 and gaps[k] <= lim
        if k < first_data:
            if rows and (tight or (not pitch_known and not rows[-1]["span"] and not g["span"])):
                for c in range(ncols):
                    rows[-1]["cells"][c].append(g["cells"][c])
                rows[-1]["words"] += g["words"]
                rows[-1]["frs"] += g["frs"]
                rows[-1]["span"] = rows[-1]["span"] or g["span"]
                continue
            rows.append({"cells": [[c] for c in g["cells"]], "span": g["span"], "words": list(g["words"]),
                         "header": True, "frs": list(g["frs"])})
            continue
        prev = rows[-1] if rows and not rows[-1].get("header") else None
        cont = _continuation_columns(g, prev, tight, pitch_known, ncols)
        if cont is not None:
            for c in cont:
                prev["cells"][c].append(g["cells"][c])
            prev["words"] += g["words"]
            continue
        rows.append({"cells": [[c] for c in g["cells"]], "span": g["span"], "words": list(g["words"]),
                     "header": False})
    return rows


def _continuation_columns(g: dict, prev: dict | None, tight: bool, pitch_known: bool,
                          ncols: int) -> list[int] | None:
    """The columns whose cells a body line continues in the row above (None: the line opens a row).

    With a known row pitch, a tight line continues the row above unless it opens a new labelled row
    (a capitalised label): rows set at two pitches may also be groups of rows set apart by extra
    space. Without one, a lowercase stub-only line continues the label, and value-only lines
    continue cells that are lowercase or end open ("," "-" "(" "/")."""
    if prev is None:
        return None
    nonempty = [c for c in range(ncols) if g["cells"][c]]
    texts = [_ws_text(ws) for ws in g["cells"]]
    label_cont = not g["cells"][0] or texts[0][:1].islower() or texts[0][:1] in _CONT_START \
        or bool(prev["cells"][0] and _ws_text(prev["cells"][0][-1]).endswith((",", "-", "(", "/", "and", "or")))
    if nonempty and _closes_open_cells(prev, texts, nonempty):
        return nonempty
    if pitch_known:
        return nonempty if tight and label_cont else None
    if nonempty == [0] and (texts[0][:1].islower() or texts[0][:1] in _CONT_START):
        return [0]
    if nonempty and 0 not in nonempty and all(
            texts[c][:1].islower() or _ws_text(prev["cells"][c][-1]).endswith((",", "-", "(", "/"))
            for c in nonempty if prev["cells"][c] and prev["cells"][c][-1]):
        if all(prev["cells"][c] and prev["cells"][c][-1] for c in nonempty):
            return nonempty
    return None


def _unbalanced(s: str) -> int:
    """Brackets opened and not closed in ``s`` (negative: closed and not opened here)."""
    return s.count("(") + s.count("[") - s.count(")") - s.count("]")


def _closes_open_cells(prev: dict, texts: list[str], nonempty: list[int]) -> bool:
    """True when a line finishes cells the row above left open: some cell of the row above opened a
    bracket this line's cell closes ("6 months (95%" / "CI)", "65.8 (50.3," / "77.5)"), and every
    other cell of the line continues too (lowercase, or opening with a bracket or an operator). A
    wrapped cell's lines are joined whatever the line pitch says."""
    closing = False
    for c in nonempty:
        t = texts[c]
        parts = prev["cells"][c]
        above = " ".join(_ws_text(ws) for ws in parts if ws)
        if above and _unbalanced(above) > 0 and _unbalanced(t) < 0:
            closing = True
        elif not (above and (t[:1].islower() or t[:1] in _CONT_START)):
            return False
    return closing


def _spread_spanning_headers(rows: list[dict], cs: _Seps, X0: float, X1: float) -> None:
    """An upper header row with cells spanning several columns: each cell covers the columns nearest
    to it and its text goes to the first of them (as a text table writes it)."""
    bounds = [X0] + [x for sp in cs.seps for x in sp] + [X1]
    centres = [(bounds[2 * j] + bounds[2 * j + 1]) / 2 for j in range(cs.ncols)]
    for r in rows:
        if r["header"] and r["span"] and r is not rows[_last_header_index(rows)]:
            cells = _spanning_header_cells(r["frs"], centres, cs.col, cs.ncols)
            if cells is not None:
                r["cells"] = cells


def _merge_label_only_rows(rows: list[dict], ncols: int) -> list[dict]:
    """A label-only line followed closely by a line with values but no label: one row."""
    merged: list[dict] = []
    for r in rows:
        if merged and not r["header"] and not merged[-1]["header"]:
            p = merged[-1]
            p_ne = [c for c in range(ncols) if any(p["cells"][c])]
            r_ne = [c for c in range(ncols) if any(r["cells"][c])]
            if p_ne == [0] and r_ne and 0 not in r_ne and min(w.top for w in r["words"]) - \
                    max(w.bottom for w in p["words"]) < 0.5 * p["words"][0].size:
                for c in r_ne:
                    p["cells"][c] = r["cells"][c]
                p["words"] += r["words"]
                continue
        merged.append(r)
    return merged


def _text_table_of(pc: _PageCtx, cap_lines, rows: list[dict], body, tail, m: re.Match | None,
                   ncols: int, body_size: float) -> _Table:
    """The table of grouped rows: cell texts joined, notes split, its words marked used."""
    out_rows = []
    for r in rows:
        cells = [_join_wrapped([_ws_text(ws) for ws in parts]) for parts in r["cells"]]
        if any(cells):
            out_rows.append(_Row(cells, pc.pno, _wbox(r["words"])))
    foot_vlines = [(_line_text(L), _wbox(L)) for L, _ in tail]
    caption = _join_wrapped([_line_text(L) for L in cap_lines]) if cap_lines else None
    for L in cap_lines:
        for w in L:
            w.used = True
    for L, _ in body + tail:
        for w in L:
            w.used = True
    allw = [w for L in cap_lines for w in L] + [w for L, _ in body + tail for w in L]
    t = _Table(pc.pno, _wbox(allw), _normalise_caption(caption) if caption else None,
               (pc.pno, _wbox([w for L in cap_lines for w in L])) if cap_lines else None,
               m.group(2) if m else None, out_rows, _split_footnotes(foot_vlines, pc.pno), ncols, "text")
    t.continued = bool(_CONT_RE.search(caption[:40])) if caption else True
    # footnotes printed just below
    t.footnotes += _footnotes_below(pc, t.bbox, body_size)
    return t


def _group_row_at_break(pc: _PageCtx, body, tail, X0: float, X1: float, bgaps: list[float]) -> bool:
    """True when the lines after the last row are a label-only group row that ends its column or
    page (the table goes on in the next column or page): label lines in the stub at the rows'
    size and pitch, not a note, with nothing under them in the table's width."""
    if not tail or len(tail) > 3 or not bgaps:
        return False
    stub_x0 = min(min(w.x0 for w in L) for L, _ in body)
    first = _line_text(tail[0][0])
    if _FOOT_START_RE.match(first) or _CAP_RE.match(first) or _FIG_RE.match(first):
        return False
    for L, frs in tail:
        if len(frs) != 1 or abs(min(w.x0 for w in L) - stub_x0) > 12:
            return False
    if _baseline(tail[0][0]) - _baseline(body[-1][0]) > 1.3 * max(bgaps):
        return False
    bottom = max(w.bottom for L, _ in tail for w in L)
    ids = {id(w) for L, _ in tail for w in L}
    return not any(not w.used and id(w) not in ids and X0 - 1 <= w.cx <= X1 + 1 and w.top >= bottom - 0.5
                   for w in pc.words)


def _rows_continue_below(pc: _PageCtx, box: BBox, body_size: float) -> bool:
    """True when lines with two or more cells follow directly below a ruled box, inside its width."""
    x0, _, x1, bottom = box
    cand = [w for w in pc.words if not w.used and x0 - 2 <= w.cx <= x1 + 2 and bottom - 1 <= w.top <= bottom + 120]
    if not cand:
        return False
    multi = 0
    prev_b = bottom
    for L in _cluster_lines(cand)[:6]:
        sz = max(w.size for w in L)
        if min(w.top for w in L) - prev_b > 1.5 * sz:
            break
        frs = _split(L, _settings().table_split_ratio)
        if _is_prose(frs, body_size, x1 - x0):
            break
        if len(frs) >= 2:
            multi += 1
        prev_b = max(w.bottom for w in L)
    return multi >= 2


def _rows_aligned(table: list[list[_W]], lines: list[list[_W]]) -> bool:
    """True when the lines of a neighbouring column are more cells of a table's rows: set in the
    table's type size, and most of them on the baselines of its lines (a wide table on a landscape
    page whose last column of long wrapped texts stands apart like a column of the page)."""
    if len(table) < 2 or len(lines) < 2:
        return False
    size = sorted(w.size for L in table for w in L)[sum(len(L) for L in table) // 2]
    if any(abs(max(w.size for w in L) - size) > 0.3 for L in lines):
        return False
    bases = [_baseline(L) for L in table]
    on = sum(1 for L in lines if any(abs(_baseline(L) - b) <= 1.0 for b in bases))
    return on >= 0.6 * len(lines)


def _cells_like(lines: list[list[_W]]) -> bool:
    """Lines that read like table cells (several fragments, numbers, short labels), not a column of
    notes or text set beside the table: a table grows into a neighbouring column only over cells."""
    if not lines:
        return False
    ok = 0
    for L in lines:
        frs = _split(L, _settings().table_split_ratio)
        text = " ".join(w.t for w in L)
        if len(frs) >= 2 or _NUMERIC_CELL_RE.match(text) or len(L) <= 3:
            ok += 1
    return ok >= 0.5 * len(lines)


def _grid_unreliable(body: list[list], ncols: int) -> bool:
    """A ruled grid whose cells do not follow the table's columns: a third of its columns empty in
    every row, or a row held in one cell although its words stand in three or more cells."""
    if ncols < 3 or not body:
        return False
    empty = sum(1 for j in range(ncols) if all(j >= len(r) or not r[j] for r in body))
    if empty >= ncols / 3:
        return True
    k = _settings().table_split_ratio
    for r in body:
        real = [t for t in r if t is not None]
        if len(real) == 1 and real[0]:
            if any(len(_split(L, k)) >= 3 for L in _cluster_lines(real[0])):
                return True
    return False
