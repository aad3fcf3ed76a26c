"""Columns and reading order: column gutters and the XY-cut reading order of a page."""
from __future__ import annotations

import bisect
import math
from collections import Counter
from typing import Any

from .words import _Box, _Frag, _W
from .settings import current as _settings


def _gutters(words: list[_W], min_col: float | None = None) -> list[tuple[float, float]]:
    """Vertical white strips with (almost) no words across the page height."""
    S = _settings()
    if len(words) < S.gutter_min_words:
        return []
    lo = int(min(w.x0 for w in words))
    hi = int(math.ceil(max(w.x1 for w in words)))
    n = hi - lo + 2
    diff = [0.0] * (n + 1)
    for w in words:
        h = w.bottom - w.top
        diff[max(0, int(w.x0) - lo)] += h
        diff[min(n, int(math.ceil(w.x1)) - lo)] -= h
    cov = []
    acc = 0.0
    for d in diff[:n]:
        acc += d
        cov.append(acc)
    mx = max(cov)
    if mx <= 0:
        return []
    total = sum(cov)
    # a gutter bin is nearly empty compared with the text on *both* sides of it,
    # so a short column next to a full one still counts as a column
    pmax = []
    m = 0.0
    for c in cov:
        m = max(m, c)
        pmax.append(m)
    smax = [0.0] * n
    m = 0.0
    for k in range(n - 1, -1, -1):
        m = max(m, cov[k])
        smax[k] = m
    low = [cov[k] <= S.gutter_coverage * min(pmax[k], smax[k]) or cov[k] <= 0.02 * mx for k in range(n)]
    runs = []
    i = 0
    while i < n:
        if low[i]:
            j = i
            while j < n and low[j]:
                j += 1
            runs.append((i, j))
            i = j
        else:
            i += 1
    out = []
    prefix = [0.0]
    for c in cov:
        prefix.append(prefix[-1] + c)
    for i, j in runs:
        if i > 0 and j < n - 1:
            # a hanging indent beside the gutter (numbered references whose first lines stick out
            # to the left of the column): lines that start at one x inside the strip are text of
            # the next column, and the gutter ends where they start
            starts = Counter(round(w.x0) for w in words if lo + i <= w.x0 < lo + j)
            aligned = [x for x, c in starts.items() if c >= 3 and x - lo - i >= S.gutter_min_width]
            if aligned:
                j = min(aligned) - lo
        if i == 0 or j >= n - 1 or j - i < S.gutter_min_width:
            continue
        left, right = prefix[i], total - prefix[j]
        if left < 0.05 * total or right < 0.05 * total:
            continue
        out.append((lo + i, lo + j))
    # each column between gutters must be a real column (>= 40pt wide): drop the
    # narrower of the two gutters around a sliver (e.g. a hanging indent)
    while out:
        edges = [lo] + [x for g in out for x in g] + [hi]
        widths = [edges[2 * k + 1] - edges[2 * k] for k in range(len(out) + 1)]
        k = min(range(len(widths)), key=lambda q: widths[q])
        if widths[k] >= (S.column_min_width if min_col is None else min_col):
            break
        cands = [q for q in (k - 1, k) if 0 <= q < len(out)]
        drop = min(cands, key=lambda q: out[q][1] - out[q][0])
        out.pop(drop)
    return out


def _col_of(x: float, mids: list[float]) -> int:
    return bisect.bisect_left(mids, x)


def _frag_style(f: _Frag) -> tuple:
    if isinstance(f, _Box):
        return ("table", id(f))
    c = Counter()
    for w in f.words:
        c[(round(w.size, 1), w.font)] += len(w.t)
    return c.most_common(1)[0][0]


def _xy_order(frags: list[_Frag], ncols: int, page: int) -> list[tuple[_Frag, Any]]:
    """Reading order: vertical cuts at free gutters, horizontal cuts at spanning blocks.

    A block spanning some but not all columns, with text above it in those
    columns (a boxed panel on a three-column page), is read after the region.
    """
    out: list[tuple[_Frag, Any]] = []
    counter = [0]

    def leaf_id():
        counter[0] += 1
        return (page, counter[0])

    def key(f):
        return (f.yl, f.x0)

    def blocks(items: list[_Frag]) -> list[list[_Frag]]:
        """Spanning fragments grouped with what sits directly below them in the same style."""
        order = sorted(items, key=lambda f: (f.top, f.x0))
        taken: set[int] = set()
        res = []
        for i, f in enumerate(order):
            if f.c1 == f.c0 or id(f) in taken:
                continue
            blk = [f]
            taken.add(id(f))
            styles = {_frag_style(f)}
            bx0, bx1, bottom = f.x0, f.x1, f.bottom
            for g in order[i + 1:]:
                if g.top > bottom + 1.6 * g.size:
                    break
                if id(g) in taken:
                    continue
                st = _frag_style(g)
                # a non-spanning line joins the block only as its direct continuation
                # (second line of a title, short last line of a boxed panel)
                cont = (st in styles and g.x0 >= bx0 - 2 and g.x1 <= bx1 + 2 and g.top <= bottom + 0.6 * g.size
                        and not any(h is not g and h.yl == g.yl and h.c1 >= f.c0 and h.c0 <= f.c1 for h in items))
                if g.c1 > g.c0 or cont:
                    if g.c1 > g.c0:
                        styles.add(st)
                    blk.append(g)
                    taken.add(id(g))
                    bx0, bx1, bottom = min(bx0, g.x0), max(bx1, g.x1), max(bottom, g.bottom)
            res.append(blk)
        return res

    def emit(items):
        lid = leaf_id()
        out.extend((f, lid) for f in sorted(items, key=key))

    def rec(items: list[_Frag], a: int, b: int, depth: int):
        if not items:
            return
        if a == b or depth > 200:
            emit(items)
            return
        blks = blocks(items)
        floats = []
        for blk in blks:
            bc0 = min(f.c0 for f in blk)
            bc1 = max(f.c1 for f in blk)
            if bc0 > a or bc1 < b:
                btop = min(f.top for f in blk)
                ids = set(map(id, blk))
                if any(id(f) not in ids and f.bottom <= btop + 1 and f.c1 >= bc0 and f.c0 <= bc1 for f in items):
                    floats.append(blk)
        if floats:
            fl = {id(f) for blk in floats for f in blk}
            rec([f for f in items if id(f) not in fl], a, b, depth + 1)
            for blk in floats:
                emit(blk)
            return
        top_all = min(f.top for f in items)
        first = min(blks, key=lambda blk: min(f.top for f in blk)) if blks else None
        at_top = first is not None and min(f.top for f in first) <= top_all + 0.5 * first[0].size
        if not at_top:
            for k in range(a, b):
                if not any(f.c0 <= k < f.c1 for f in items):
                    rec([f for f in items if f.c1 <= k], a, k, depth + 1)
                    rec([f for f in items if f.c0 > k], k + 1, b, depth + 1)
                    return
        block = first
        bset = set(map(id, block))
        btop = min(f.top for f in block)
        bottom = max(f.bottom for f in block)
        rest = [f for f in items if id(f) not in bset]
        up = [f for f in rest if f.cy < btop]
        band = [f for f in rest if btop <= f.cy <= bottom]
        down = [f for f in rest if f.cy > bottom]
        rec(up, a, b, depth + 1)
        # the block first, then what stands beside it
        emit(block)
        if band:
            rec(band, a, b, depth + 1)
        rec(down, a, b, depth + 1)

    rec(frags, 0, ncols - 1, 0)
    return out


Region = tuple[float, float, list[tuple[float, float]]]


def _same_gutters(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> bool:
    """Two gutter sets describe one column grid: as many gutters, each pair overlapping (a few points' slack)."""
    return len(a) == len(b) and all(x0 - 6 <= y1 and y0 - 6 <= x1 for (x0, x1), (y0, y1) in zip(a, b))


def _regions(words: list[_W]) -> list[Region]:
    """Horizontal bands of a page with their own column grid, top to bottom: ``(top, bottom, gutters)``.

    A page may change its grid part-way down (two columns of text above three columns of
    references, a side bar beside an abstract above two columns of body text). The page is cut
    at blank strips that run across its whole width; a band too small to show a grid of its own
    joins its neighbour, and neighbouring bands with the same grid join. A page with one grid is
    one region with the gutters of the whole page.
    """
    S = _settings()
    whole = [(-math.inf, math.inf, _gutters(words))]
    if len(words) < 2 * S.gutter_min_words:
        return whole
    sizes = sorted(w.size for w in words)
    body = sizes[len(sizes) // 2]
    order = sorted(words, key=lambda w: w.top)
    bands: list[list[_W]] = [[order[0]]]
    bottom = order[0].bottom
    for w in order[1:]:
        if w.top - bottom >= S.region_gap_ratio * body:
            bands.append([w])
        else:
            bands[-1].append(w)
        bottom = max(bottom, w.bottom)
    if len(bands) == 1:
        return whole
    # grow each band until it is big enough to show its grid
    grown: list[list[_W]] = []
    for b in bands:
        if grown and len(grown[-1]) < S.gutter_min_words:
            grown[-1].extend(b)
        else:
            grown.append(list(b))
    if len(grown) > 1 and len(grown[-1]) < S.gutter_min_words:
        last = grown.pop()
        grown[-1].extend(last)
    if len(grown) == 1:
        return whole
    found = [(b, _gutters(b)) for b in grown]
    merged: list[tuple[list[_W], list[tuple[float, float]]]] = []
    for b, g in found:
        if merged:
            pb, pg = merged[-1]
            if not g or not pg or _same_gutters(pg, g):
                pb = pb + b
                merged[-1] = (pb, _gutters(pb) if (g or pg) else [])
                continue
        merged.append((b, g))
    if len(merged) == 1:
        return whole
    # regions meet half-way across the blank strip between them, so that whatever sits in it (a
    # table already taken off the page) falls in exactly one
    cuts = [(max(w.bottom for w in a) + min(w.top for w in b)) / 2 for (a, _), (b, _) in zip(merged, merged[1:])]
    edges = [-math.inf] + cuts + [math.inf]
    return [(edges[k], edges[k + 1], g) for k, (_, g) in enumerate(merged)]
