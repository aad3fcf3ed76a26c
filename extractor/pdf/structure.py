"""Structure: running headers/footers, reading-order flow, headings and paragraphs, the text layer.

Why one long module: page layout, column flow and the assembly of the document's blocks share the
page's column grid and running headers; the seam for a split is the column-flow of tables
(``_ColumnFlow``), which could become its own module.
"""
from __future__ import annotations

import bisect
import math
import re
from collections import Counter, defaultdict
from typing import Any

from .words import LineGeom, _cluster_lines, _line_text, _wbox, _Box, _CAP_RE, _FIG_RE, _Frag, _Line, _PAGE_NO_RE, _PARA_END_RE, _SECTION_NAMES, _W, _baseline, _cluster_lines_cols, _split, _union
from .columns import _col_of, _gutters, _regions, _xy_order
from .page import _PageCtx, _Table, _join_wrapped
from .captions import _caption_candidates, _normalise_caption
from .tables import _aligned_band_rows, _build_text_table, _collect_text_table, _column_bounds, _ruled_tables, _text_table
from .settings import current as _settings


def _roman(s: str) -> int | None:
    vals = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
    s = s.lower()
    if not s or any(ch not in vals for ch in s):
        return None
    total = 0
    for a, b in zip(s, s[1:] + " "):
        v = vals[a]
        total += -v if b != " " and vals.get(b, 0) > v else v
    return total


def _remove_running(pages: list[_PageCtx]) -> int:
    """Remove running headers/footers and page numbers.

    Candidates are the fragments of the first and last three lines of a page
    that lie in the top or bottom 12% of it. A fragment is removed when the
    same text (digits ignored) sits at the same height on many pages, or when
    it is a bare number that tracks the page index.
    """
    n = len(pages)
    cands: list[list[tuple]] = []
    for p, pc in enumerate(pages):
        lines = pc.lines()
        items = []
        band = _settings().running_band * pc.height
        for k, L in enumerate(lines):
            if not (k < 3 or k >= len(lines) - 3):
                continue
            top = min(w.top for w in L)
            bottom = max(w.bottom for w in L)
            if not (top < band or bottom > pc.height - band):
                continue
            frs = _split(L, 1.5)
            edge = k == 0 or k == len(lines) - 1
            for f in frs:
                text = " ".join(w.t for w in f.words)
                if _CAP_RE.match(text):
                    continue  # "Table 2 (continued)" atop the pages of a long table is no running head
                key = re.sub(r"\s+", " ", re.sub(r"\d+", "#", text.lower())).strip()
                num = None
                if _PAGE_NO_RE.match(text.strip()):
                    digits = re.findall(r"\d+", text)
                    num = int(digits[0]) if digits else _roman(re.sub(r"(?i)page\s*", "", text).strip())
                items.append((f.top, key, f.words, num, edge and len(frs) == 1))
        cands.append(items)
    index: dict[str, list[tuple[int, float]]] = defaultdict(list)
    offsets: Counter = Counter()
    numbers: dict[int, list[tuple[int, float]]] = defaultdict(list)  # page offset -> (page, top)
    for p, items in enumerate(cands):
        for top, key, _, num, _ in items:
            index[key].append((p, top))
            if num is not None:
                offsets[num - p] += 1
                numbers[num - p].append((p, top))
    need = max(2, math.ceil(_settings().running_min_share * n))
    removed = 0
    for p, items in enumerate(cands):
        for top, key, words, num, alone in items:
            pages_hit = {q for q, t in index[key] if abs(t - top) <= 4}
            hit = n >= 2 and len(pages_hit) >= need
            if not hit and num is not None:
                # a number tracking the page index is a page number when page numbers sit at its
                # height on many pages, or when it stands alone on the first or last line (a table
                # row "3" at the top of page 3 is neither)
                level = {q for q, t in numbers[num - p] if abs(t - top) <= 4}
                hit = len(level) >= need or (alone and (n == 1 or offsets[num - p] >= 2))
            if hit:
                for w in words:
                    w.used = True
                removed += 1
    for pc in pages:
        pc.words = [w for w in pc.words if not w.used]
    return removed


def _layout(pages: list[_PageCtx], warnings: list[str]):
    """The text layer of a document: running lines removed, tables read, the rest in reading order
    with headings and paragraph breaks, each table inserted where its paragraph ends.
    Returns (text, geometry per line, info)."""
    removed = _remove_running(pages)
    body_size, body_font = _body_font(pages)
    shaded = any(_aligned_band_rows(pc) for pc in pages if pc.bands)
    for pc in pages:
        pc.shaded_rows = shaded
    tables: list[_Table] = []
    flow: list[_Line] = []
    columns: list[int] = []
    foot_caps: list[tuple[str, tuple[int, Any], str | None]] = []  # captions left at the foot of a page
    for pc in pages:
        if not pc.words:
            columns.append(0)
            continue
        foot_caps = _page_tables(pc, pages, tables, body_size, foot_caps, warnings)
        start = len(flow)
        columns.append(_page_flow(pc, flow, body_size))
        _join_continued(pc, tables, flow, start, warnings)
    # ---- headings and paragraph breaks
    _mark_structure(flow, body_size, body_font)
    out, geo = _assemble(flow, tables, body_size)
    info = {
        "pages": len(pages),
        "columns": columns,
        "tables": len(tables),
        "table_captions": [t.caption for t in tables],
        "headings": sum(1 for L in flow if L.heading),
        "removed_lines": removed,
        "body_font_size": body_size,
        "warnings": warnings,
    }
    return "\n".join(out), geo, info


def _body_font(pages: list[_PageCtx]) -> tuple[float, str]:
    """The body font: the most common (size, font) by characters."""
    c = Counter()
    for pc in pages:
        for w in pc.words:
            c[(round(w.size, 1), w.font)] += len(w.t)
    (body_size, body_font), _ = c.most_common(1)[0] if c else ((10.0, ""), 0)
    return body_size, body_font


def _page_tables(pc: _PageCtx, pages: list[_PageCtx], tables: list[_Table], body_size: float,
                 foot_caps: list, warnings: list[str]) -> list:
    """Read the tables of one page into ``pc.tables`` in reading order: ruled grids, a text table
    going on from the previous page, captioned text tables, tables flowing from column to column.
    Returns the captions left at the foot of this page."""
    pc.lines()
    gut_all = pc.gutters
    caps = _caption_candidates(pc, gut_all)
    _ruled_tables(pc, caps, body_size, warnings)
    t = _text_table_from_previous_page(pc, pages, tables, body_size)
    if t is not None:
        pc.tables.append(t)
    for f, m in caps:
        if any(w.used for w in f.words):
            continue
        t = _text_table(pc, f, m, gut_all, body_size)
        if t is not None:
            pc.tables.append(t)
    foot_caps = _column_flow_tables(pc, caps, gut_all, body_size, foot_caps)
    # reading order of the tables: column by column (a table continued at the top of the next
    # column comes after the part at the foot of the previous one)
    _sort_tables(pc, _gutters([w for w in pc.words if not w.used] + _narrow_table_blocks(pc)) or gut_all)
    return foot_caps


def _sort_tables(pc: _PageCtx, gut: list[tuple[float, float]]) -> None:
    """Reading order of a page's tables: column by column (a table continued at the top of the next
    column comes after the part at the foot of the previous one), in the bands a table across all
    columns cuts the page into (what is above it comes before it, what is below after)."""
    mids = [(g0 + g1) / 2 for g0, g1 in gut]

    def wide(t: _Table) -> bool:
        return _col_of(t.bbox[0] + 1, mids) == 0 and _col_of(t.bbox[2] - 1, mids) == len(gut)

    walls = [t for t in pc.tables if len(gut) >= 1 and wide(t)]

    def band(t: _Table) -> int:
        above = sum(1 for w in walls if w is not t and w.bbox[3] <= t.bbox[1] + 1)
        return 2 * above + (1 if t in walls else 0)

    pc.tables.sort(key=lambda t: (band(t), _col_of(t.bbox[0] + 1, mids), t.bbox[1], t.bbox[0]))


def _text_table_from_previous_page(pc: _PageCtx, pages: list[_PageCtx], tables: list[_Table],
                                   body_size: float) -> _Table | None:
    """The rows at the top of a page of a table without rules that ran to the bottom of the
    previous page (same columns; in its own x range or, from a right-hand column, the first)."""
    prev = tables[-1] if tables else None
    if not (prev is not None and prev.kind == "text" and prev.page == pc.pno - 1 and not prev.footnotes
            and prev.bbox[3] > 0.7 * pages[pc.pno - 2].height
            and not any(t.bbox[1] < 0.3 * pc.height for t in pc.tables)):
        return None
    X0, X1 = prev.bbox[0] - 2, prev.bbox[2] + 2
    spans = [(X0, X1)]
    left = min(w.x0 for w in pc.words) - 2
    if X0 - left > 0.25 * (X1 - X0):  # a table in a right-hand column goes on in the first column
        spans.insert(0, (left, left + X1 - X0))
    for X0, X1 in spans:
        top_ws = [w for w in pc.words if not w.used and X0 <= w.cx <= X1]
        if not top_ws:
            continue
        start = min(w.top for w in top_ws)
        res = _collect_text_table(pc, None, X0, X1, body_size, start)
        if res is not None:
            t = _build_text_table(pc, None, None, res[0], X0, X1, body_size, expect_ncols=prev.ncols,
                                  like=prev)
            if t is not None:
                return t
    return None


def _page_flow(pc: _PageCtx, flow: list[_Line], body_size: float) -> int:
    """Append the page's text outside its tables to the flow, with each table as a placeholder box
    that separates text bands and marks where the table sits in reading order. Returns the number
    of columns of the page (0 for an empty page)."""
    rest = [w for w in pc.words if not w.used]
    if not (rest or pc.tables):
        return 0
    regions = _regions(rest) if rest else [(-math.inf, math.inf, [])]
    if len(regions) == 1:
        gut = pc.gutters if len(rest) == len(pc.words) else _gutters(rest)
        _flow_region(pc, rest, pc.tables, gut, pc.pno, flow, body_size,
                     pc.lines() if gut == pc.gutters else None)
        return len(gut) + 1
    for r, (y0, y1, gut) in enumerate(regions):
        ws = [w for w in rest if y0 <= w.cy < y1]
        ts = [t for t in pc.tables if y0 <= (t.bbox[1] + t.bbox[3]) / 2 < y1]
        if ws or ts:
            _flow_region(pc, ws, ts, gut, (pc.pno, r), flow, body_size, None)
    return max(len(g) for _, _, g in regions) + 1


def _join_continued(pc: _PageCtx, tables: list[_Table], flow: list[_Line], start: int,
                    warnings: list[str]) -> None:
    """Append the page's tables to ``tables``, joining each continuation to the table it goes on
    (an untitled table is a continuation when it matches the previous table's columns and starts
    its page or column; repeated header rows are dropped)."""
    for t in pc.tables:
        prev = tables[-1] if tables else None
        if t.continued is None:  # uncaptioned ruled table
            near_top = not any(flow[i].bottom <= t.bbox[1] and flow[i].x0 < t.bbox[2] and flow[i].x1 > t.bbox[0]
                               for i in range(start, len(flow)))
            next_col = prev is not None and prev.page == pc.pno and prev.bbox[2] <= t.bbox[0] + 2
            if prev is not None and prev.ncols == t.ncols and (prev.page == pc.pno - 1 or next_col) and near_top:
                t.continued = True
            else:
                t.continued = False
                if t.caption is None:
                    warnings.append(f"page {pc.pno}: table without a caption")
        if t.continued and t.number is not None:  # "Table 2 (continued)": join the table with that number
            prev = next((q for q in reversed(tables) if q.number and q.number.lower() == t.number.lower()), None)
        if t.continued and prev is not None and (t.number is None or prev.number is None
                                                 or t.number.lower() == prev.number.lower()):
            rows = t.rows
            hdr = [r.cells for r in prev.rows[:3]]
            while rows and rows[0].cells in hdr:
                rows = rows[1:]
            prev.rows.extend(rows)
            prev.footnotes.extend(t.footnotes)
            prev.parts += 1
            continue
        tables.append(t)


def _assemble(flow: list[_Line], tables: list[_Table], body_size: float) -> tuple[list[str], list[LineGeom]]:
    """The text lines and their geometry: headings set apart (a wrapped title joined), paragraph
    breaks as blank lines, each table inserted at the end of the paragraph it interrupts."""
    out: list[str] = []
    geo: list[LineGeom] = []

    def emit(s: str, g: LineGeom):
        out.append(s)
        geo.append(g)

    def blank():
        if out and out[-1] != "":
            emit("", None)

    inserts: dict[int, list[_Table]] = defaultdict(list)
    for t in tables:
        j = t.anchor
        while j < len(flow) and not (flow[j].brk or flow[j].heading):
            j += 1
        inserts[j].append(t)
    i = 0
    while i <= len(flow):
        for t in inserts.get(i, []):
            blank()
            for s, g in t.lines():
                emit(s, g)
            blank()
        if i == len(flow):
            break
        L = flow[i]
        if L.heading:
            parts = _heading_lines(flow, i, body_size, inserts)
            i += len(parts) - 1
            blank()
            emit(_heading_text(_join_wrapped([p.text for p in parts])), (L.page, _union(p.bbox for p in parts)))
            blank()
        else:
            if L.brk:
                blank()
            emit(L.text, (L.page, L.bbox))
        i += 1
    while out and out[-1] == "":
        out.pop()
        geo.pop()
    return out, geo


def _heading_lines(flow: list[_Line], i: int, body_size: float, inserts) -> list[_Line]:
    """Consecutive big heading lines from ``flow[i]`` (a wrapped title): they become one line."""
    L = flow[i]
    parts = [L]
    while (i + 1 < len(flow) and flow[i + 1].heading and flow[i + 1].page == L.page
           and flow[i + 1].leaf == L.leaf and flow[i + 1].size >= 1.15 * body_size
           and abs(flow[i + 1].size - L.size) < 0.3 and flow[i + 1].font == L.font
           and flow[i + 1].top - parts[-1].bottom < 0.8 * L.size and not inserts.get(i + 1)):
        i += 1
        parts.append(flow[i])
    return parts


def _flow_region(pc: _PageCtx, rest: list[_W], tables: list[_Table], gut: list[tuple[float, float]],
                 page_key: Any, flow: list[_Line], body_size: float, ylines: list[list[_W]] | None) -> None:
    """Append the lines of one region of a page (one column grid) to the flow in reading order, with
    each table as a placeholder box so that it separates text bands and marks where it sits."""
    mids = [(g0 + g1) / 2 for g0, g1 in gut]
    frags: list[_Frag] = []
    if ylines is None:
        ylines = _cluster_lines_cols(rest, gut)
    for i, L in enumerate(ylines):
        for f in _split(L, _settings().flow_split_ratio, gut, i):
            f.c0 = _col_of(f.x0 + 1, mids)
            f.c1 = max(f.c0, _col_of(f.x1 - 1, mids))
            frags.append(f)
    bases = [_baseline(L) for L in ylines]
    for t in tables:
        b = _Box(t, bisect.bisect_left(bases, t.bbox[1]) - 0.5, body_size)
        b.c0 = _col_of(b.x0 + 1, mids)
        b.c1 = max(b.c0, _col_of(b.x1 - 1, mids))
        frags.append(b)
    ordered = _xy_order(frags, len(gut) + 1, page_key)
    cur: list[_W] = []
    cur_leaf = None
    cur_yl = None
    cur_x1 = 0.0
    cur_c1 = 0
    cur_after = False  # a table box comes right before the current line
    box_seen = False

    def push():
        flow.append(_Line(cur, pc.pno, cur_leaf))
        flow[-1].after_box = cur_after

    for f, leaf in ordered:
        if isinstance(f, _Box):
            if cur:
                push()
                cur = []
            f.table.anchor = len(flow)
            box_seen = True
            continue
        if cur and leaf == cur_leaf and f.yl == cur_yl and f.x0 - cur_x1 < 3 * f.size and f.c0 <= cur_c1:
            cur.extend(f.words)
            cur_x1 = f.x1
            cur_c1 = max(cur_c1, f.c1)
            continue
        if cur:
            push()
        cur, cur_leaf, cur_yl, cur_x1, cur_c1 = list(f.words), leaf, f.yl, f.x1, f.c1
        cur_after, box_seen = box_seen, False
    if cur:
        push()


def _column_flow_tables(pc: _PageCtx, caps, gut: list[tuple[float, float]], body_size: float,
                        carried: list) -> list:
    """Tables set inside one column that flow on into the next column or page.

    - A caption left at the foot of a column (no table under it) is the caption of the untitled
      table at the top of the next column, or of the next page when it ends the page.
    - A table without rules that runs to the foot of its column goes on at the top of the next
      column when the lines there are table rows (the part is marked continued and joined later).

    ``carried`` holds the captions left at the foot of the previous page; the captions left at
    the foot of this page are returned.
    """
    # the column grid of the text around the tables (the tables' own gaps are no gutters); a table
    # inside one column counts as one solid block, so a column the table fills is still a column
    gut = _gutters([w for w in pc.words if not w.used] + _narrow_table_blocks(pc)) or gut
    if not gut and not carried:
        return []
    cf = _ColumnFlow(pc, gut, body_size)
    for text, geom, number in carried:
        first = min(range(len(cf.cols)), key=lambda c: cf.cols[c][0])
        t = cf.table_at_top(first)
        if t is not None:
            _titled(t, text, geom, number)
    left = cf.foot_captions(caps)
    cf.mark_flowing_tables()
    cf.release_unclaimed()
    return left


def _narrow_table_blocks(pc: _PageCtx) -> list[_W]:
    """Each table narrower than 60% of the text width, as one word-like block."""
    if not pc.words:
        return []
    x0 = min(w.x0 for w in pc.words)
    x1 = max(w.x1 for w in pc.words)
    return [_W("", t.bbox[0], t.bbox[2], t.bbox[1], t.bbox[3], 0.0, "") for t in pc.tables
            if t.bbox[2] - t.bbox[0] < 0.6 * (x1 - x0)]


def _titled(t: _Table, text: str, geom, number) -> None:
    t.caption, t.cap_geom, t.number, t.continued = text, geom, number, False


class _ColumnFlow:
    """The columns of one page and the untitled tables read at their tops (kept only when claimed
    by a caption at the foot of the previous column or as a continuation)."""

    def __init__(self, pc: _PageCtx, gut: list[tuple[float, float]], body_size: float):
        self.pc = pc
        self.body_size = body_size
        self.cols = _column_bounds(pc, gut)
        self.mids = [(g0 + g1) / 2 for g0, g1 in gut]
        self.built: list[_Table] = []  # rows without rules read at the top of a column

    def column_top(self, c: int) -> float | None:
        x0, x1 = self.cols[c]
        ws = [w for w in self.pc.words if not w.used and x0 - 1 <= w.cx <= x1 + 1]
        return min((w.top for w in ws), default=None)

    def at_top(self, t: _Table) -> bool:
        return not any(not w.used and t.bbox[0] - 1 <= w.cx <= t.bbox[2] + 1 and w.bottom <= t.bbox[1] + 1
                       for w in self.pc.words)

    def above_columns(self, t: _Table, top: float) -> bool:
        """True for a table across several columns that ends above ``top`` (the columns start under it)."""
        return t.bbox[3] <= top + 1 and _col_of(t.bbox[0] + 1, self.mids) != _col_of(t.bbox[2] - 1, self.mids)

    def table_at_top(self, c: int, like: _Table | None = None) -> _Table | None:
        """The untitled table that starts column ``c``: a ruled one, else rows without rules (in the
        columns of ``like``, the part before, when their own gaps do not show them all)."""
        pc = self.pc
        for t in sorted(pc.tables, key=lambda t: t.bbox[1]):
            if t.caption is None and _col_of(t.bbox[0] + 1, self.mids) == c and self.at_top(t):
                return t
        top = self.column_top(c)
        if top is None:
            return None
        x0, x1 = self.cols[c]
        if like is not None:  # the part goes on as wide as the part before (its own gaps are no gutters)
            x1 = max(x1, x0 + like.bbox[2] - like.bbox[0] + 4)
        if any(t.bbox[1] <= top and t.bbox[0] < x1 and t.bbox[2] > x0 and not self.above_columns(t, top)
               for t in pc.tables):
            return None
        res = _collect_text_table(pc, None, x0, x1, self.body_size, top)
        if res is None:
            return None
        t = _build_text_table(pc, None, None, res[0], x0, x1, self.body_size, like=like)
        if t is not None:
            t.continued = False  # until claimed as a continuation
            pc.tables.append(t)
            self.built.append(t)
        return t

    def foot_caption_block(self, f: _Frag, c: int) -> list[_W] | None:
        """A caption and its wrapped lines (same size, set close under each other) when nothing else
        follows it in its column, else None."""
        x0, x1 = self.cols[c]
        below = sorted((w for w in self.pc.words if not w.used and x0 - 1 <= w.cx <= x1 + 1 and w.top >= f.top - 1),
                       key=lambda w: w.top)
        block = [w for w in below if w.top <= f.bottom + 1]
        bottom = max(w.bottom for w in block)
        rest = []
        for w in below:
            if w in block:
                continue
            if not rest and w.top - bottom <= 0.6 * w.size and abs(w.size - f.size) < 0.3:
                block.append(w)
                bottom = max(bottom, w.bottom)
            else:
                rest.append(w)
        return None if rest else block

    def foot_captions(self, caps) -> list:
        """Captions at the foot of a column title the table at the top of the next column; those
        at the foot of the last column are returned (for the next page)."""
        left: list = []
        for f, m in caps:
            if any(w.used for w in f.words):
                continue
            c = _col_of(f.x0 + 1, self.mids)
            block = self.foot_caption_block(f, c)
            if block is None:
                continue  # something under the caption in its column: not at the foot
            text = _normalise_caption(_join_wrapped([_line_text(L) for L in _cluster_lines(block)]))
            geom = (self.pc.pno, _wbox(block))
            t = self.table_at_top(c + 1) if c + 1 < len(self.cols) else None
            for w in block:
                w.used = True
            if t is not None:
                _titled(t, text, geom, m.group(2))
            else:
                left.append((text, geom, m.group(2)))
        return left

    def mark_flowing_tables(self) -> None:
        """A table without rules that fills the foot of its column goes on at the top of the next."""
        pc, mids, cols = self.pc, self.mids, self.cols
        for t in sorted(pc.tables, key=lambda t: (_col_of(t.bbox[0] + 1, mids), t.bbox[1])):
            if t.kind != "text" or t.footnotes:
                continue
            c0, c1 = _col_of(t.bbox[0] + 1, mids), _col_of(t.bbox[2] - 1, mids)
            if c0 != c1 or c1 + 1 >= len(cols):
                continue
            x0, x1 = cols[c0]
            if any(not w.used and x0 - 1 <= w.cx <= x1 + 1 and w.top >= t.bbox[3] - 1 for w in pc.words):
                continue
            nxt = self.table_at_top(c1 + 1)
            if nxt is not None and nxt in self.built and nxt.caption is None and nxt.ncols != t.ncols:
                self.release(nxt)  # read again in the columns of the part before
                nxt = self.table_at_top(c1 + 1, like=t)
            if nxt is not None and nxt.caption is None and nxt.kind == "text" and nxt.ncols == t.ncols:
                nxt.continued = True

    def release(self, t: _Table) -> None:
        """Rows read at a column top give their words back to the page."""
        x0, y0, x1, y1 = t.bbox
        for w in self.pc.words:
            if w.used and x0 - 0.5 <= w.cx <= x1 + 0.5 and y0 - 0.5 <= w.cy <= y1 + 0.5:
                w.used = False
        self.pc.tables.remove(t)
        self.built.remove(t)

    def release_unclaimed(self) -> None:
        """Unclaimed rows read at a column top give their words back to the page."""
        for t in list(self.built):
            if t.caption is None and not t.continued:
                self.release(t)


def _heading_text(s: str) -> str:
    """Repair small-caps artefacts ("ObjeCtive", "WhAT IS AlReAdy") and lower-case starts."""
    words = s.split()
    weird = [w for w in words if re.search(r"[a-z][A-Z]", w) and not re.search(r"[\d\-+/]", w)
             and not re.fullmatch(r"(Mc|Mac|Mc)[A-Z]\w+", w)]
    if weird:
        out = []
        for w in words:
            if re.search(r"\d", w) or (w.isupper() and len(w) <= 4 and w not in ("IS", "ON", "OF", "THE", "AND",
                                                                               "TO", "IN", "FOR", "A", "AN")):
                out.append(w)
            else:
                out.append(w.lower())
        s = " ".join(out)
    if s[:1].islower():
        s = s[:1].upper() + s[1:]
    return s


def _mark_structure(flow: list[_Line], body_size: float, body_font: str) -> None:
    if not flow:
        return
    # left/right edge of each leaf (a column run on a page)
    by_leaf: dict[Any, list[_Line]] = defaultdict(list)
    for L in flow:
        by_leaf[L.leaf].append(L)
    for ls in by_leaf.values():
        xs = Counter(round(L.x0) for L in ls)
        left = min(x for x, n in xs.items() if n == max(xs.values())) if len(ls) > 2 else min(L.x0 for L in ls)
        left = min(left, min(L.x0 for L in ls) + 0.0) if len(ls) <= 2 else left
        right = max(L.x1 for L in ls)
        for L in ls:
            L.lleft, L.lright = left, right
    # typical line pitch relative to size
    ratios = []
    for a, b in zip(flow, flow[1:]):
        if a.leaf == b.leaf and abs(a.size - b.size) < 0.3:
            d = b.base - a.base
            if 0.8 * a.size < d < 2.5 * a.size:
                ratios.append(d / a.size)
    ratios.sort()
    pitch = ratios[len(ratios) // 2] if ratios else 1.25

    def is_heading(i: int) -> bool:
        L = flow[i]
        t = L.text
        plain = re.sub(r"<sup>.*?</sup>", "", t).strip()
        nw = len(plain.split())
        if not plain or nw > 20 or len(plain) > 160 or _CAP_RE.match(plain) or _FIG_RE.match(plain):
            return False
        if plain.endswith((",", ";")) or not re.search(r"[A-Za-z]", plain):
            return False
        low = re.sub(r"^(\d+(\.\d+)*|[IVX]+)[.)]?\s+", "", plain).strip(" .:").lower()
        prev = flow[i - 1] if i > 0 else None
        nxt = flow[i + 1] if i + 1 < len(flow) else None
        gap_before = prev is None or prev.leaf != L.leaf or (L.base - prev.base) > (pitch + 0.3) * L.size \
            or prev.size != L.size or prev.font != L.font
        if plain.count(",") >= 3 or t.count("<sup>") >= 2:
            return False  # an author line
        if L.size >= 1.15 * body_size and nw <= 20:
            return True
        if nw > 12:
            return False
        standalone_next = nxt is None or nxt.font != L.font or nxt.size != L.size or nxt.leaf != L.leaf \
            or (nxt.base - L.base) > (pitch + 0.3) * L.size
        if low in _SECTION_NAMES and (L.bold or L.font != body_font or L.size > body_size + 0.2 or gap_before) \
                and standalone_next:
            return True
        if L.bold and L.font != body_font and standalone_next and nw <= 10 and gap_before \
                and not (plain.endswith(".") and nw > 6):
            return True
        return False

    for i, L in enumerate(flow):
        L.heading = is_heading(i)
    for i, L in enumerate(flow):
        if i == 0:
            L.brk = True
            continue
        A = flow[i - 1]
        if L.heading or A.heading:
            L.brk = True
            continue
        sz = L.size
        text = L.text
        a_text = re.sub(r"<sup>.*?</sup>$", "", A.text)
        # first-line indent; not the continuation of a hanging-indent list item ("12 Smith J, ...")
        indent = (L.x0 - L.lleft > 0.8 * sz and A.x0 - A.lleft < 0.5 * sz and bool(_PARA_END_RE.search(a_text))
                  and not re.match(r"^(\[?\d{1,3}[.)\]]?|[•●▪–-])\s", A.text))
        # the previous line ended a sentence and the next line's first word would have fitted on it
        first_w = (L.words[0].x1 - L.words[0].x0) + 0.3 * sz
        short_prev = bool(_PARA_END_RE.search(a_text)) and \
            A.x1 < A.lright - max(first_w, 2.0 * sz)
        style_change = abs(A.size - L.size) > 0.5 or (A.font != L.font and (A.bold != L.bold))
        bullet = bool(re.match(r"^([•●▪◦·\-–]\s|\(?\d{1,2}\)\s|\(?[a-z]\)\s)", text))
        if A.leaf == L.leaf and A.page == L.page:
            big_gap = (L.base - A.base) > (pitch + 0.35) * sz
            L.brk = bool(big_gap or indent or short_prev or style_change or bullet)
        else:
            ended = bool(_PARA_END_RE.search(a_text))
            first_indented = L.x0 - L.lleft > 0.8 * sz and ended and not re.match(r"^(\[?\d{1,3}[.)\]]?)\s", A.text)
            # across a column, page or table the vertical gap says nothing; a previous line that stops
            # short although the next (capitalised) word would have fitted ended its paragraph, with or
            # without a full stop (a paragraph cut off by the converter, a list item, a label)
            short_open = (not ended and text[:1].isupper() and not a_text.endswith((",", ";", "-", "–", "(", "/"))
                          and A.x1 < A.lright - max(first_w + 1.5 * sz, 4.0 * sz))
            L.brk = bool(first_indented or short_prev or short_open or style_change or bullet
                         or (L.after_box and ended))
