"""Words and visual lines: normalisation, word/fragment geometry, line clustering, superscripts, line text."""
from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from typing import Any
from .settings import current as _settings


BBox = tuple[float, float, float, float]


LineGeom = tuple[int, BBox] | None


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


class _W:
    """One word as pdfplumber sees it (split at font or size changes)."""

    __slots__ = ("t", "x0", "x1", "top", "bottom", "size", "font", "bold", "used", "tol")

    def __init__(self, t, x0, x1, top, bottom, size, font, tol: float = 0.2):
        self.t = t
        self.x0 = x0
        self.x1 = x1
        self.top = top
        self.bottom = bottom
        self.size = size
        self.font = font
        self.bold = bool(_BOLD_RE.search(font))
        self.used = False
        self.tol = tol  # the page's word tolerance (ratio of the font size)

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
    S = _settings()
    small_lim = S.small_word_ratio * ref_size
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
            if ov >= S.line_overlap and ov > best_ov:
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
    S = _settings()
    return w.size <= S.sup_size_ratio * ref and w.bottom < base - S.sup_raise_ratio * ref


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

    space = _settings().space_ratio
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
            if w.x0 - last.x1 > min(space, w.tol) * ref:
                parts.append(" ")
        elif prev is not None and w.x0 - prev.x1 > min(space, w.tol) * max(w.size, prev.size):
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
