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

import bisect
import logging
import math
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from trialaudit.schemas.document import Document

BBox = tuple[float, float, float, float]
LineGeom = tuple[int, BBox] | None

__all__ = ["PdfIngestError", "PdfOptions", "pdf_to_text_layer", "read_pdf"]


class PdfIngestError(Exception):
    """The PDF cannot be ingested; the message says why, in plain words."""


@dataclass
class PdfOptions:
    max_pages: int = 500
    timeout_s: float = 120.0
    password: str | None = None


# --------------------------------------------------------------------------- text normalisation

_TRANS = str.maketrans({
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
    "\ufb05": "st", "\ufb06": "st",
    "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ",
    "\u202f": " ", "\t": " ", "\r": " ", "\n": " ", "\x0b": " ", "\x0c": " ", "\x1c": " ",
    "\x1d": " ", "\x1e": " ", "\x85": " ", "\u2028": " ", "\u2029": " ",
    "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "", "\x00": "",
    "\u00ad": "-", "\u2010": "-", "\u2011": "-",
})

_BOLD_RE = re.compile(r"bold|black|heavy|semibold|demi|medium|head", re.I)
_CAP_RE = re.compile(
    r"^[*_\s]*(table|tab\.)\s*(\d{1,3}[a-z]?|[ivxlc]{1,7})(?![\w])[*_]*\s*(.*)$", re.I)
_FIG_RE = re.compile(r"^[*_\s]*(fig\.?|figure|supplementary\s+(table|figure))\s*\d", re.I)
_CONT_RE = re.compile(r"\bcont(?:inued|inuation|\.|[’']d)", re.I)
_NUMERIC_CELL_RE = re.compile(r"^[\s(\[<>≤≥~±–−\-+]*\d")
_N_EQ_RE = re.compile(r"^[\s(\[]*[nN]\s*[=:]")
_FOOT_START_RE = re.compile(
    r"^(?:<sup>|[*†‡§¶#‖\u2020\u2021]|[a-z]\s|[a-z]<sup>|note|notes|abbreviations?|source|data are|"
    r"values are|results are|[A-Z][A-Za-z0-9\-]{0,12}\s*[,=:]\s)", re.I)
_TERMINAL_RE = re.compile(r"[.!?:][\"'”’)\]]*$")
_PARA_END_RE = re.compile(r"[.!?][\"'”’)\]]*$")
_PAGE_NO_RE = re.compile(r"^(?:page\s*)?[\divxlc]{1,5}(?:\s*(?:of|/)\s*\d{1,5})?$", re.I)
_SECTION_NAMES = {
    "abstract", "summary", "background", "introduction", "methods", "method", "materials and methods",
    "material and methods", "patients and methods", "methods and materials", "subjects and methods",
    "results", "discussion", "conclusion", "conclusions", "references", "acknowledgements",
    "acknowledgments", "acknowledgement", "funding", "conflict of interest", "conflicts of interest",
    "declarations", "statistical analysis", "statistical analyses", "limitations", "keywords",
    "results and discussion", "discussion and conclusions", "data availability", "author contributions",
    "competing interests", "ethics statement", "supplementary material", "appendix",
}
_SUPER_DIGITS = str.maketrans("0123456789-−+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁻⁺")


def _norm(s: str) -> str:
    return s.translate(_TRANS)


# --------------------------------------------------------------------------- small geometry objects

class _W:
    """One word as pdfplumber sees it (split at font or size changes)."""

    __slots__ = ("t", "x0", "x1", "top", "bottom", "size", "font", "bold", "used")

    def __init__(self, t, x0, x1, top, bottom, size, font):
        self.t = t
        self.x0 = x0
        self.x1 = x1
        self.top = top
        self.bottom = bottom
        self.size = size
        self.font = font
        self.bold = bool(_BOLD_RE.search(font))
        self.used = False

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


class _Frag:
    """Words on one visual line that belong together (a line in a column, a table cell...)."""

    __slots__ = ("words", "yl", "x0", "x1", "top", "bottom", "size", "c0", "c1")

    def __init__(self, words: list[_W], yl: int = 0):
        self.words = words
        self.yl = yl
        self.x0 = min(w.x0 for w in words)
        self.x1 = max(w.x1 for w in words)
        self.top = min(w.top for w in words)
        self.bottom = max(w.bottom for w in words)
        self.size = max(w.size for w in words)
        self.c0 = self.c1 = 0

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


class _Box(_Frag):
    """Placeholder for a table in the reading-order computation."""

    __slots__ = ("table",)

    def __init__(self, table, yl: float, size: float):
        self.table = table
        self.words = []
        self.yl = yl
        self.x0, self.top, self.x1, self.bottom = table.bbox
        self.size = size
        self.c0 = self.c1 = 0


def _union(boxes) -> BBox:
    boxes = list(boxes)
    return (round(min(b[0] for b in boxes), 2), round(min(b[1] for b in boxes), 2),
            round(max(b[2] for b in boxes), 2), round(max(b[3] for b in boxes), 2))


def _wbox(words) -> BBox:
    return _union((w.x0, w.top, w.x1, w.bottom) for w in words)


# --------------------------------------------------------------------------- line building

def _mode_size(words: list[_W]) -> float:
    c = Counter()
    for w in words:
        c[round(w.size, 1)] += len(w.t)
    return c.most_common(1)[0][0] if c else 10.0


def _cluster_lines(words: list[_W], ref_size: float | None = None) -> list[list[_W]]:
    """Group words into visual lines, each sorted left to right.

    Normal-size words are grouped by vertical overlap; small words
    (superscripts, markers) are then attached to the line holding the word
    they touch, so a raised citation number never drifts into the line of the
    neighbouring column.
    """
    if not words:
        return []
    if ref_size is None:
        ref_size = _mode_size(words)
    small_lim = 0.72 * ref_size
    normal = [w for w in words if w.size >= small_lim]
    small = [w for w in words if w.size < small_lim]
    if not normal:
        normal, small = small, []
    lines: list[list] = []  # [ref_top, ref_bottom, words]
    for w in sorted(normal, key=lambda w: (w.top, w.x0)):
        h = max(w.bottom - w.top, 0.1)
        best = None
        best_ov = 0.0
        for L in lines[-8:]:
            ov = (min(L[1], w.bottom) - max(L[0], w.top)) / max(min(h, L[1] - L[0]), 0.1)
            if ov >= 0.5 and ov > best_ov:
                best, best_ov = L, ov
        if best is not None:
            best[2].append(w)
            if h > best[1] - best[0]:
                best[0], best[1] = w.top, w.bottom
        else:
            lines.append([w.top, w.bottom, [w]])
    orphans = []
    if small:
        lines.sort(key=lambda L: L[0])
        tops = [L[0] for L in lines]
        for w in small:
            h = max(w.bottom - w.top, 0.1)
            k = bisect.bisect_right(tops, w.bottom)
            best = None
            best_gap = None
            for L in lines[max(0, k - 6):k]:
                if L[1] < w.top - 0.3 * h:
                    continue
                for v in L[2]:
                    gap = max(w.x0 - v.x1, v.x0 - w.x1)
                    if -1.0 <= gap <= 0.8 * v.size and (best_gap is None or gap < best_gap):
                        best, best_gap = L, gap
            if best is not None:
                best[2].append(w)
            else:
                orphans.append(w)
    out = [sorted(L[2], key=lambda w: w.x0) for L in lines]
    if orphans:
        out += _cluster_lines(orphans, _mode_size(orphans)) if len(orphans) < len(words) else \
            [sorted(orphans, key=lambda w: w.x0)]
    out.sort(key=lambda ws: _baseline(ws))
    return out


def _cluster_lines_cols(words: list[_W], gutters: list[tuple[float, float]]) -> list[list[_W]]:
    """Visual lines clustered column by column, then re-joined across a gutter only
    when the baselines agree, so a line never picks up words of a neighbouring
    column set on a different baseline grid."""
    if not gutters or not words:
        return _cluster_lines(words)
    ref = _mode_size(words)
    mids = [(g0 + g1) / 2 for g0, g1 in gutters]
    cols: dict[int, list[_W]] = defaultdict(list)
    for w in words:
        cols[bisect.bisect_left(mids, w.cx)].append(w)
    items = []
    for c, ws in cols.items():
        for L in _cluster_lines(ws, ref):
            items.append((_baseline(L), c, L))
    items.sort(key=lambda it: it[0])
    out: list[list[_W]] = []
    group: list = []
    for it in items:
        if group and abs(it[0] - group[0][0]) <= 0.25 * max(w.size for w in it[2]) \
                and it[1] not in {g[1] for g in group}:
            group.append(it)
            continue
        if group:
            out.append(sorted((w for g in group for w in g[2]), key=lambda w: w.x0))
        group = [it]
    if group:
        out.append(sorted((w for g in group for w in g[2]), key=lambda w: w.x0))
    return out


def _baseline(words: list[_W]) -> float:
    ref = max(w.size for w in words)
    bs = sorted(w.bottom for w in words if w.size >= 0.9 * ref)
    return bs[len(bs) // 2]


def _split(words: list[_W], k: float, gutters: list[tuple[float, float]] = (), yl: int = 0) -> list[_Frag]:
    """Split a visual line into fragments at gaps >= k*font size or at a column gutter."""
    frags: list[list[_W]] = [[words[0]]]
    for a, b in zip(words, words[1:]):
        gap = b.x0 - a.x1
        cut = gap >= k * max(a.size, b.size)
        if not cut and gutters and gap > 0:
            for g0, g1 in gutters:
                if a.x1 - 1 <= (g0 + g1) / 2 <= b.x0 + 1 and gap >= 0.5 * (g1 - g0):
                    cut = True
                    break
        if cut:
            frags.append([b])
        else:
            frags[-1].append(b)
    return [_Frag(f, yl) for f in frags]


def _is_sup(w: _W, ref: float, base: float) -> bool:
    return w.size <= 0.86 * ref and w.bottom < base - 0.12 * ref


def _sup_flags(words: list[_W], ref: float, base: float) -> list[bool]:
    """Superscript = small, raised, and touching a normal word on its left or right."""
    cand = [_is_sup(w, ref, base) for w in words]
    flags = list(cand)
    for i, w in enumerate(words):
        if not cand[i]:
            continue
        ok = False
        for j in (i - 1, i + 1):
            k = j
            while 0 <= k < len(words) and cand[k] and k != i:  # skip over a run of superscripts
                k += -1 if j < i else 1
            if 0 <= k < len(words) and not cand[k]:
                v = words[k]
                gap = w.x0 - v.x1 if k < i else v.x0 - w.x1
                if gap <= 0.8 * ref:
                    ok = True
        flags[i] = ok
    return flags


def _line_text(words: list[_W]) -> str:
    """Text of one visual line, superscripts as <sup>…</sup>."""
    if not words:
        return ""
    ref = max(w.size for w in words)
    base = _baseline(words)
    parts: list[str] = []
    prev: _W | None = None
    sup_buf: list[_W] = []

    def flush_sup():
        if not sup_buf:
            return
        s = sup_buf[0].t
        for a, b in zip(sup_buf, sup_buf[1:]):
            s += (" " if b.x0 - a.x1 > 0.15 * b.size else "") + b.t
        tail = "".join(parts)[-12:]
        if re.fullmatch(r"[23]", s) and re.search(r"(?:\bc?m|mm|km|µm|μm|/m|χ)$", tail):
            parts.append(s.translate(_SUPER_DIGITS))
        elif re.fullmatch(r"[−\-+]?\d{1,2}", s) and re.search(r"(?:×|x|\b)10$", tail):
            parts.append(s.translate(_SUPER_DIGITS))
        else:
            parts.append(f"<sup>{s}</sup>")
        sup_buf.clear()

    flags = _sup_flags(words, ref, base)
    for w, is_sup in zip(words, flags):
        if is_sup:
            if not sup_buf and prev is not None and w.x0 - prev.x1 > 0.5 * ref:
                parts.append(" ")
            sup_buf.append(w)
            prev = w
            continue
        if sup_buf:
            last = sup_buf[-1]
            flush_sup()
            if w.x0 - last.x1 > 0.12 * ref:
                parts.append(" ")
        elif prev is not None and w.x0 - prev.x1 > 0.12 * max(w.size, prev.size):
            parts.append(" ")
        parts.append(w.t)
        prev = w
    flush_sup()
    return "".join(parts).strip()


class _Line:
    """A line of running text in the reading-order flow."""

    __slots__ = ("words", "page", "text", "x0", "x1", "top", "bottom", "base", "size", "font", "bold",
                 "leaf", "brk", "heading", "lleft", "lright", "after_box")

    def __init__(self, words: list[_W], page: int, leaf: Any):
        words = sorted(words, key=lambda w: w.x0)
        self.words = words
        self.page = page
        self.leaf = leaf
        self.text = _line_text(words)
        self.x0 = min(w.x0 for w in words)
        self.x1 = max(w.x1 for w in words)
        self.top = min(w.top for w in words)
        self.bottom = max(w.bottom for w in words)
        self.base = _baseline(words)
        ref = max(w.size for w in words)
        main = [w for w, f in zip(words, _sup_flags(words, ref, self.base)) if not f] or words
        c = Counter()
        for w in main:
            c[(round(w.size, 1), w.font)] += len(w.t)
        (self.size, self.font), _ = c.most_common(1)[0]
        self.bold = all(w.bold for w in main)
        self.brk = False
        self.heading = False
        self.after_box = False
        self.lleft = self.x0
        self.lright = self.x1

    @property
    def bbox(self) -> BBox:
        return _union([(self.x0, self.top, self.x1, self.bottom)])


# --------------------------------------------------------------------------- columns

def _gutters(words: list[_W]) -> list[tuple[float, float]]:
    """Vertical white strips with (almost) no words across the page height."""
    if len(words) < 40:
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
    low = [cov[k] <= 0.25 * min(pmax[k], smax[k]) or cov[k] <= 0.02 * mx for k in range(n)]
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
        if i == 0 or j >= n - 1 or j - i < 4:
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
        if widths[k] >= 40:
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


# --------------------------------------------------------------------------- tables

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


def _normalise_caption(text: str) -> str:
    text = re.sub(r"\*\*|__", "", text).strip()
    m = _CAP_RE.match(text)
    if m and m.group(1).lower() == "table" and m.group(1) != "Table":
        text = text[:m.start(1)] + "Table" + text[m.end(1):]
    return text


def _split_footnotes(vlines: list[tuple[str, BBox]], page: int) -> list[tuple[str, int, BBox]]:
    """Join wrapped footnote lines; a new footnote starts at a marker or after a full stop."""
    out: list[list] = []
    for text, box in vlines:
        if not text:
            continue
        new = not out or bool(re.match(r"^(<sup>|[*†‡§¶#‖]|[a-z](<sup>|\s)|Note|Abbreviation|Source)", text)) \
            or (bool(_TERMINAL_RE.search(out[-1][0])) and text[:1].isupper())
        if new:
            out.append([text, box])
        else:
            out[-1][0] = _join_wrapped([out[-1][0], text])
            out[-1][1] = _union([out[-1][1], box])
    return [(t, page, b) for t, b in out]


class _PageCtx:
    """Everything known about one page while it is being laid out."""

    def __init__(self, pno: int, width: float, height: float, words: list[_W], ruled: list,
                 hrules: list[tuple[float, float, float]] | None = None):
        self.pno = pno
        self.width = width
        self.height = height
        self.words = words
        self.ruled = ruled
        self.hrules = hrules or []  # horizontal rules (x0, x1, y): the rules of tables without a grid
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


def _caption_candidates(pc: _PageCtx, gut: list[tuple[float, float]]) -> list[tuple[_Frag, re.Match]]:
    out = []
    for i, L in enumerate(pc.lines()):
        for f in _split(L, 1.2, gut, i):
            head = " ".join(w.t for w in f.words[:4])
            m = _CAP_RE.match(head)
            if m and not head.lower().startswith("tables"):
                rest = m.group(3).lstrip("*_ ")
                if rest[:1] in (",", ";") or (rest[:1].islower() and not rest.lower().startswith("cont")):
                    continue  # "Table IV, and EFS was ..." / "Table 2 shows ...": prose citing a table
                out.append((f, m))
    return out


def _ruled_tables(pc: _PageCtx, caps, body_size: float, warnings: list[str]) -> None:
    for tb in pc.ruled:
        bbox, rows = tb
        words = _words_in(pc.words, bbox)
        if not rows:
            continue
        ncols = max(len(r) for r in rows)
        grid: list[list[str]] = []
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
        if total == 0:
            continue
        # caption: inside the ruled box (first spanning row) or just above it
        caption = None
        cap_geom = None
        number = None
        body_start = 0
        for i, texts in enumerate(grid[:2]):
            real = [t for t in texts if t]
            if len(real) == 1:
                txt = _cell_text(real[0])
                m = _CAP_RE.match(txt)
                if m:
                    caption, cap_geom, number = txt, (pc.pno, _wbox(real[0])), m.group(2)
                    body_start = i + 1
                    break
        cap_words: list[_W] = []
        if caption is None:
            best = None
            for f, m in caps:
                if any(w.used for w in f.words):
                    continue
                if f.bottom <= bbox[1] + 2 and bbox[1] - f.bottom <= 45 and f.x0 < bbox[2] and f.x1 > bbox[0]:
                    if best is None or f.bottom > best[0].bottom:
                        best = (f, m)
            if best is not None:
                f, m = best
                # caption plus its wrapped lines down to the table
                cap_words = [w for w in pc.words if not w.used and w.top >= f.top - 1 and w.bottom <= bbox[1] + 2
                             and w.x0 >= min(f.x0, bbox[0]) - 2 and w.x1 <= max(bbox[2], f.x1) + 2]
                caption = _join_wrapped([_line_text(L) for L in _cluster_lines(cap_words)])
                cap_geom = (pc.pno, _wbox(cap_words))
                number = m.group(2)
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
                if empty_ratio > 0.5 and ncols >= 2:
                    for w in words:
                        w.used = True
                continue
        out_rows = []
        for texts, rb in zip(body, bboxes):
            cells = ["" if t is None else _cell_text(t) for t in texts]
            if not any(cells):
                continue
            out_rows.append(_Row(cells, pc.pno, rb))
        if not out_rows:
            continue
        for w in words + cap_words:
            w.used = True
        footnotes = _split_footnotes(foot_vlines, pc.pno)
        # footnotes printed just below the ruled box
        footnotes += _footnotes_below(pc, (bbox[0], bbox[1], bbox[2], bbox[3]), body_size)
        t = _Table(pc.pno, bbox, _normalise_caption(caption) if caption else None, cap_geom, number,
                   out_rows, footnotes, ncols, "ruled")
        if caption and _CONT_RE.search(caption[:40] if caption else ""):
            t.continued = True
        pc.tables.append(t)
        if caption is None:
            t.continued = None  # decided later: continuation of the previous table or an untitled table


def _footnotes_below(pc: _PageCtx, box: BBox, body_size: float) -> list[tuple[str, int, BBox]]:
    x0, _, x1, bottom = box
    cand = [w for w in pc.words if not w.used and w.top >= bottom - 1 and w.cx >= x0 - 2 and w.cx <= x1 + 2
            and w.top <= bottom + 200]
    if not cand:
        return []
    vlines = []
    prev_b = bottom
    for L in _cluster_lines(cand):
        sz = max(w.size for w in L)
        top = min(w.top for w in L)
        if top - prev_b > 1.2 * sz:
            break
        txt = _line_text(L)
        if not vlines:
            if not (sz < body_size - 0.4 or _FOOT_START_RE.match(txt)):
                break
        elif sz > body_size - 0.4 and not _FOOT_START_RE.match(txt) and abs(sz - vlines[-1][2]) > 0.3:
            break
        vlines.append((txt, _wbox(L), sz, L))
        prev_b = max(w.bottom for w in L)
    for *_, L in vlines:
        for w in L:
            w.used = True
    return _split_footnotes([(t, b) for t, b, _, _ in vlines], pc.pno)


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
        grew = False
        for nc in (c1 + 1, c0 - 1):
            if 0 <= nc < len(cols):
                nx0, nx1 = cols[nc]
                ws = [w for w in pc.words if not w.used and nx0 - 1 <= w.cx <= nx1 + 1 and y0 <= w.cy <= y1]
                if not ws:
                    continue
                if not any(_is_prose(_split(L, 1.0), body_size, nx1 - nx0) for L in _cluster_lines(ws)):
                    c0, c1 = min(c0, nc), max(c1, nc)
                    grew = True
                    break
        if not grew:
            break
    if res is None:
        return None
    return _build_text_table(pc, cap, m, res[0], X0, X1, body_size)


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
    if cap is not None:
        cand = [w for w in pc.words if not w.used and X0 - 1 <= w.cx <= X1 + 1 and w.cy > cap.top - 0.5]
        lines = _cluster_lines(cand)
        lines = [L for L in lines if _baseline(L) >= _baseline(cap.words) - 0.5]
    else:
        cand = [w for w in pc.words if not w.used and X0 - 1 <= w.cx <= X1 + 1 and w.top >= start_top - 0.5]
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
        frs = _split(L, 0.75)
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
        if n_multi and sz >= body_size + 0.5:
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
    if n_multi < 2:
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


def _build_text_table(pc: _PageCtx, cap: _Frag | None, m: re.Match | None, lines, X0, X1,
                      body_size, expect_ncols: int | None = None) -> _Table | None:
    if cap is None:
        lines = [(None, [])] + list(lines)  # no caption line
    cap_lines = [lines[0][0]] if cap is not None else []
    i = 1
    first_multi = next((k for k, (_, frs) in enumerate(lines) if k > 0 and len(frs) >= 2), None)
    if first_multi is None:
        return None
    # caption continuation lines (wrapped caption) before the first tabular line
    while i < first_multi:
        L, frs = lines[i]
        cap_lines.append(L)
        i += 1
    last_multi = max(k for k, (_, frs) in enumerate(lines) if len(frs) >= 2)
    body = lines[first_multi:last_multi + 1]
    tail = lines[last_multi + 1:]
    # a lowercase single line right after the last row is a wrapped label, not a footnote -
    # unless a rule closes the table above it or it is set smaller than the rows (a note "aGroups ...")
    # and so is a line set closer to the last row than rows are to each other; a line above the
    # rule that closes the table (booktabs style) is a row
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
        break
    # column separators from multi-fragment lines
    lo = int(X0) - 2
    n = int(math.ceil(X1)) + 3 - lo

    def separators(lines_frs: list[list[_Frag]]) -> list[tuple[float, float]] | None:
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

    multi = [frs for _, frs in body if len(frs) >= 2]
    # with a rule under the header, a header cell spanning several columns (a two-level header)
    # must not hide the gaps between the columns under it, however few body rows there are
    n_hdr = _rule_header_lines(pc, [L for L, _ in body])
    seps = None
    if n_hdr is not None:
        body_multi = [frs for _, frs in body[n_hdr:] if len(frs) >= 2]
        if len(body_multi) >= 2:
            gaps = separators(body_multi) or []
            keep = [[f for f in frs if not any(f.x0 < (g0 + g1) / 2 < f.x1 for g0, g1 in gaps)]
                    for _, frs in body[:n_hdr]]
            seps = separators(body_multi + [frs for frs in keep if frs])
    if seps is None:
        seps = separators(multi)
    if seps is None:
        return None
    ncols = len(seps) + 1
    if ncols < 2 or (expect_ncols is not None and ncols != expect_ncols):
        return None
    starts = [s0 for s0, _ in seps]

    def col(f: _Frag) -> int:
        return bisect.bisect_right(starts, f.x0 + 0.5)

    def spans(f: _Frag) -> bool:
        return any(f.x0 <= s0 + 0.5 and f.x1 >= s1 - 0.5 for s0, s1 in seps)

    # lines -> cell word lists
    grid: list[dict] = []
    for L, frs in body:
        cells: list[list[_W]] = [[] for _ in range(ncols)]
        sp = False
        for f in frs:
            cells[col(f)].extend(f.words)
            sp = sp or (len(frs) >= 2 and spans(f))
        grid.append({"cells": cells, "span": sp, "words": L, "frs": list(frs)})

    def txt(ws):
        return _line_text(sorted(ws, key=lambda w: w.x0)) if ws else ""

    def is_data(g) -> bool:
        for ws in g["cells"][1:]:
            t = txt(ws)
            if t and _NUMERIC_CELL_RE.match(t) and not _N_EQ_RE.match(t):
                return True
        return False

    # header zone: lines before the first data line (at most 4) - or, when a rule runs across the
    # table below the first line (booktabs style), the lines above that rule
    first_data = next((k for k, g in enumerate(grid) if is_data(g)), 1)
    first_data = max(1, min(first_data, 4))
    if n_hdr is not None:
        first_data = n_hdr
    # line spacing: when some lines of the body sit closer than the usual row pitch, the table
    # sets the wrapped lines of a cell tighter than its rows, and the pitch decides what is a new row
    bases = [_baseline(g["words"]) for g in grid]
    gaps = [0.0] + [bases[k] - bases[k - 1] for k in range(1, len(grid))]
    body_gaps = sorted(gaps[first_data + 1:])
    lim = None
    if len(body_gaps) >= 2:
        lim = 0.8 * body_gaps[min(len(body_gaps) - 1, int(0.75 * len(body_gaps)))]
    pitch_known = lim is not None and any(gp <= lim for gp in body_gaps)
    rows: list[dict] = []
    for k, g in enumerate(grid):
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
        nonempty = [c for c in range(ncols) if g["cells"][c]]
        texts = [txt(ws) for ws in g["cells"]]
        prev = rows[-1] if rows and not rows[-1].get("header") else None
        # a tight line continues the row above unless it opens a new labelled row (a capitalised
        # label): rows set at two pitches may also be groups of rows set apart by extra space
        label_cont = not g["cells"][0] or texts[0][:1].islower() or texts[0][:1] in "([" \
            or bool(prev and prev["cells"][0] and txt(prev["cells"][0][-1]).endswith((",", "-", "(", "/", "and", "or")))
        if pitch_known:
            if prev is not None and tight and label_cont:
                for c in nonempty:
                    prev["cells"][c].append(g["cells"][c])
                prev["words"] += g["words"]
                continue
        elif prev is not None and nonempty == [0] and (texts[0][:1].islower() or texts[0][:1] in "(["):
            prev["cells"][0].append(g["cells"][0])
            prev["words"] += g["words"]
            continue
        elif prev is not None and nonempty and 0 not in nonempty and all(
                texts[c][:1].islower() or txt(prev["cells"][c][-1]).endswith((",", "-", "(", "/"))
                for c in nonempty if prev["cells"][c] and prev["cells"][c][-1]):
            if all(prev["cells"][c] and prev["cells"][c][-1] for c in nonempty):
                for c in nonempty:
                    prev["cells"][c].append(g["cells"][c])
                prev["words"] += g["words"]
                continue
        rows.append({"cells": [[c] for c in g["cells"]], "span": g["span"], "words": list(g["words"]),
                     "header": False})
    # an upper header row with cells spanning several columns: each cell covers the columns
    # nearest to it and its text goes to the first of them (as a text table writes it)
    bounds = [X0] + [x for sp in seps for x in sp] + [X1]
    centres = [(bounds[2 * j] + bounds[2 * j + 1]) / 2 for j in range(ncols)]
    for r in rows:
        if r["header"] and r["span"] and r is not rows[_last_header_index(rows)]:
            cells = _spanning_header_cells(r["frs"], centres, col, ncols)
            if cells is not None:
                r["cells"] = cells
    # a label-only line followed by a line with values but no label: one row
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
    out_rows = []
    for r in merged:
        cells = [_join_wrapped([txt(ws) for ws in parts]) for parts in r["cells"]]
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


# --------------------------------------------------------------------------- running headers

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
        band = 0.12 * pc.height
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
                key = re.sub(r"\s+", " ", re.sub(r"\d+", "#", text.lower())).strip()
                num = None
                if _PAGE_NO_RE.match(text.strip()):
                    digits = re.findall(r"\d+", text)
                    num = int(digits[0]) if digits else _roman(re.sub(r"(?i)page\s*", "", text).strip())
                items.append((f.top, key, f.words, num, edge and len(frs) == 1))
        cands.append(items)
    index: dict[str, list[tuple[int, float]]] = defaultdict(list)
    offsets: Counter = Counter()
    for p, items in enumerate(cands):
        for top, key, _, num, _ in items:
            index[key].append((p, top))
            if num is not None:
                offsets[num - p] += 1
    need = max(2, math.ceil(0.3 * n))
    removed = 0
    for p, items in enumerate(cands):
        for top, key, words, num, alone in items:
            pages_hit = {q for q, t in index[key] if abs(t - top) <= 4}
            hit = n >= 2 and len(pages_hit) >= need
            if not hit and num is not None:
                hit = offsets[num - p] >= need or (alone and (n == 1 or offsets[num - p] >= 2))
            if hit:
                for w in words:
                    w.used = True
                removed += 1
    for pc in pages:
        pc.words = [w for w in pc.words if not w.used]
    return removed


# --------------------------------------------------------------------------- main entry

def _open_pdf(path: Path, options: PdfOptions):
    try:
        import pdfplumber
    except ImportError as e:  # pragma: no cover
        raise PdfIngestError("PDF support needs pdfplumber (pip install pdfplumber)") from e
    name = path.name
    if not path.exists():
        raise PdfIngestError(f"{path}: file not found")
    if not path.is_file():
        raise PdfIngestError(f"{path}: not a file")
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(1024)
            fh.seek(max(0, size - 2048))
            tail = fh.read()
    except OSError as e:
        raise PdfIngestError(f"{name}: cannot read file: {e.strerror or e}") from e
    if size == 0:
        raise PdfIngestError(f"{name}: file is empty (0 bytes), not a PDF")
    if b"%PDF-" not in head:
        raise PdfIngestError(f"{name}: not a PDF file (no %PDF- header)")
    if b"%%EOF" not in tail:
        raise PdfIngestError(f"{name}: PDF is truncated or damaged (no %%EOF end-of-file marker)")
    try:
        pdf = pdfplumber.open(path, password=options.password)
        npages = len(pdf.pages)
    except Exception as e:  # pdfminer raises many types; wrap them all
        cause = e.args[0] if e.args and isinstance(e.args[0], BaseException) else e
        cname = type(cause).__name__
        if "Password" in cname or "Encrypt" in cname:
            if options.password:
                raise PdfIngestError(f"{name}: incorrect password for encrypted PDF") from e
            raise PdfIngestError(f"{name}: PDF is encrypted; a password is required (--password)") from e
        raise PdfIngestError(f"{name}: cannot parse PDF (damaged or not a PDF): {cname}: {cause}") from e
    return pdf, npages


def pdf_to_text_layer(path, options: PdfOptions = PdfOptions()) -> tuple[str, list[LineGeom], dict]:
    """Rebuild the text layer of a PDF.

    Returns ``(text, geometry, info)``: the text (lines joined with ``\\n``),
    for each line ``(page, (x0, top, x1, bottom))`` or ``None`` for blank
    lines, and an info dict (``pages``, ``columns`` per page, ``tables``,
    ``headings``, ``removed_lines``, ``warnings``).
    """
    try:
        name = Path(path).name
    except TypeError as e:
        raise PdfIngestError(f"not a file path: {path!r}") from e
    with _CaptureLogs() as logs:
        try:
            text, geoms, info = _pdf_to_text_layer(Path(path), options)
        except PdfIngestError:
            raise
        except RecursionError as e:
            raise PdfIngestError(f"{name}: PDF structure too deeply nested to read") from e
        except MemoryError as e:
            raise PdfIngestError(f"{name}: PDF too large to read in memory") from e
        except Exception as e:
            raise PdfIngestError(f"{name}: cannot read PDF: {type(e).__name__}: {e}") from e
    for msg in logs.messages:
        info["warnings"].append(f"pdf parser: {msg}")
    return text, geoms, info


class _CaptureLogs:
    """Collect pdfminer's warnings (damaged xref, bad fonts...) instead of printing them."""

    def __init__(self, limit: int = 20):
        self.limit = limit
        self.messages: list[str] = []

    def __enter__(self):
        self.logger = logging.getLogger("pdfminer")
        self.saved = (self.logger.propagate, self.logger.level)
        outer = self

        class _H(logging.Handler):
            def emit(self, record):
                try:
                    msg = record.getMessage()
                except Exception:
                    return
                if msg not in outer.messages and len(outer.messages) < outer.limit:
                    outer.messages.append(msg)

        self.handler = _H(level=logging.WARNING)
        self.logger.addHandler(self.handler)
        self.logger.propagate = False
        if self.logger.level == logging.NOTSET or self.logger.level > logging.WARNING:
            self.logger.setLevel(logging.WARNING)
        return self

    def __exit__(self, *exc):
        self.logger.removeHandler(self.handler)
        self.logger.propagate, level = self.saved
        self.logger.setLevel(level)
        return False


def _pdf_to_text_layer(path: Path, options: PdfOptions):
    t0 = time.perf_counter()
    warnings: list[str] = []
    pdf, npages = _open_pdf(path, options)
    try:
        if npages == 0:
            raise PdfIngestError(f"{path.name}: PDF has no pages")
        if npages > options.max_pages:
            raise PdfIngestError(f"{npages} pages exceeds the page limit of {options.max_pages}; raise --max-pages")
        pages: list[_PageCtx] = []
        for k, page in enumerate(pdf.pages, start=1):
            try:
                raw = page.extract_words(extra_attrs=["size", "fontname"], x_tolerance_ratio=0.2)
                ruled = []
                hrules: list[tuple[float, float, float]] = []
                if raw and (page.lines or page.rects):
                    for tb in page.find_tables():
                        ruled.append((tuple(tb.bbox), [list(r.cells) for r in tb.rows]))
                    for o in list(page.lines) + list(page.rects):
                        x0, x1, top, bottom = float(o["x0"]), float(o["x1"]), float(o["top"]), float(o["bottom"])
                        if bottom - top <= 2.0 and x1 - x0 >= 20:
                            hrules.append((x0, x1, (top + bottom) / 2))
                words = []
                for d in raw:
                    if not d.get("upright", True):
                        continue
                    t = _norm(d["text"]).strip()
                    if not t:
                        continue
                    words.append(_W(t, float(d["x0"]), float(d["x1"]), float(d["top"]), float(d["bottom"]),
                                    float(d.get("size") or (d["bottom"] - d["top"])), str(d.get("fontname", ""))))
                pages.append(_PageCtx(k, float(page.width), float(page.height), words, ruled, hrules))
            except PdfIngestError:
                raise
            except Exception as e:
                warnings.append(f"page {k} could not be read ({type(e).__name__}: {e}); skipped")
                pages.append(_PageCtx(k, 612.0, 792.0, [], []))
            finally:
                try:
                    page.close()
                except Exception:
                    pass
            if time.perf_counter() - t0 > options.timeout_s:
                raise PdfIngestError(f"time limit of {options.timeout_s:g} s exceeded after page {k}")
    finally:
        try:
            pdf.close()
        except Exception:
            pass
    nwords = sum(len(p.words) for p in pages)
    if nwords == 0:
        if any(w.startswith("page") for w in warnings) and len(warnings) == npages:
            raise PdfIngestError(f"{path.name}: no page could be read; the PDF is damaged")
        raise PdfIngestError("no text layer; OCR is not supported")
    for pc in pages:
        if not pc.words and not any(w.startswith(f"page {pc.pno} ") for w in warnings):
            warnings.append(f"page {pc.pno} has no text layer (scanned image?); skipped")
    text, geoms, info = _layout(pages, warnings)
    info["elapsed_s"] = round(time.perf_counter() - t0, 3)
    return text, geoms, info


def _layout(pages: list[_PageCtx], warnings: list[str]):
    removed = _remove_running(pages)
    # body font: the most common (size, font) by characters
    c = Counter()
    for pc in pages:
        for w in pc.words:
            c[(round(w.size, 1), w.font)] += len(w.t)
    (body_size, body_font), _ = c.most_common(1)[0] if c else ((10.0, ""), 0)

    tables: list[_Table] = []
    flow: list[_Line] = []
    columns: list[int] = []
    for pc in pages:
        if not pc.words:
            columns.append(0)
            continue
        pc.lines()
        gut_all = pc.gutters
        caps = _caption_candidates(pc, gut_all)
        _ruled_tables(pc, caps, body_size, warnings)
        # a table without rules continued from the bottom of the previous page
        prev = tables[-1] if tables else None
        if (prev is not None and prev.kind == "text" and prev.page == pc.pno - 1 and not prev.footnotes
                and prev.bbox[3] > 0.7 * pages[pc.pno - 2].height
                and not any(t.bbox[1] < 0.3 * pc.height for t in pc.tables)):
            X0, X1 = prev.bbox[0] - 2, prev.bbox[2] + 2
            top_ws = [w for w in pc.words if not w.used and X0 <= w.cx <= X1]
            if top_ws:
                start = min(w.top for w in top_ws)
                res = _collect_text_table(pc, None, X0, X1, body_size, start)
                if res is not None:
                    t = _build_text_table(pc, None, None, res[0], X0, X1, body_size, expect_ncols=prev.ncols)
                    if t is not None:
                        pc.tables.append(t)
        for f, m in caps:
            if any(w.used for w in f.words):
                continue
            t = _text_table(pc, f, m, gut_all, body_size)
            if t is not None:
                pc.tables.append(t)
        pc.tables.sort(key=lambda t: (t.bbox[1], t.bbox[0]))
        # the flow: what is left, with each table as a placeholder box so that it
        # separates text bands and marks where the table sits in reading order
        rest = [w for w in pc.words if not w.used]
        start = len(flow)
        if rest or pc.tables:
            gut = pc.gutters if len(rest) == len(pc.words) else _gutters(rest)
            columns.append(len(gut) + 1)
            mids = [(g0 + g1) / 2 for g0, g1 in gut]
            frags: list[_Frag] = []
            ylines = pc.lines() if gut == pc.gutters else _cluster_lines_cols(rest, gut)
            for i, L in enumerate(ylines):
                for f in _split(L, 1.5, gut, i):
                    f.c0 = _col_of(f.x0 + 1, mids)
                    f.c1 = max(f.c0, _col_of(f.x1 - 1, mids))
                    frags.append(f)
            bases = [_baseline(L) for L in ylines]
            for t in pc.tables:
                b = _Box(t, bisect.bisect_left(bases, t.bbox[1]) - 0.5, body_size)
                b.c0 = _col_of(b.x0 + 1, mids)
                b.c1 = max(b.c0, _col_of(b.x1 - 1, mids))
                frags.append(b)
            ordered = _xy_order(frags, len(gut) + 1, pc.pno)
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
        else:
            columns.append(0)
        # join tables continued from the previous page
        for t in pc.tables:
            prev = tables[-1] if tables else None
            if t.continued is None:  # uncaptioned ruled table
                near_top = not any(flow[i].bottom <= t.bbox[1] and flow[i].x0 < t.bbox[2] and flow[i].x1 > t.bbox[0]
                                   for i in range(start, len(flow)))
                if prev is not None and prev.ncols == t.ncols and prev.page == pc.pno - 1 and near_top:
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
    # ---- headings and paragraph breaks
    _mark_structure(flow, body_size, body_font)
    # ---- assemble
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
            # consecutive big heading lines (a wrapped title) become one line
            parts = [L]
            while (i + 1 < len(flow) and flow[i + 1].heading and flow[i + 1].page == L.page
                   and flow[i + 1].leaf == L.leaf and flow[i + 1].size >= 1.15 * body_size
                   and abs(flow[i + 1].size - L.size) < 0.3 and flow[i + 1].font == L.font
                   and flow[i + 1].top - parts[-1].bottom < 0.8 * L.size and not inserts.get(i + 1)):
                i += 1
                parts.append(flow[i])
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


# --------------------------------------------------------------------------- Document

def read_pdf(path, *, doc_id: str | None = None, options: PdfOptions = PdfOptions()) -> "Document":
    """Ingest a PDF into a :class:`~schemas.document.Document` via the text ingester."""
    text, geoms, info = pdf_to_text_layer(path, options)
    p = Path(path)
    try:
        from trialaudit.extractor.text import parse_text
    except ImportError as e:
        raise PdfIngestError("the text ingester (extractor.text.parse_text) is not available") from e
    try:
        doc = parse_text(text, doc_id=doc_id or p.stem, source=str(p), fmt="pdf", line_geometry=geoms)
    except PdfIngestError:
        raise
    except Exception as e:
        raise PdfIngestError(f"{p.name}: text ingestion of the PDF text layer failed: {type(e).__name__}: {e}") from e
    try:
        if getattr(doc, "pages", None) is None:
            doc.pages = info["pages"]
        for w in info["warnings"]:
            if w not in doc.warnings:
                doc.warnings.append(w)
    except Exception:
        pass
    return doc
