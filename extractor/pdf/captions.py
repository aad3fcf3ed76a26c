"""Table captions and table notes (footnotes)."""
from __future__ import annotations

import re

from .words import BBox, _CAP_RE, _FIG_RE, _FOOT_START_RE, _Frag, _TERMINAL_RE, _cluster_lines, _line_text, _split, _union, _wbox
from .page import _PageCtx, _join_wrapped
from .settings import current as _settings


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


def _caption_candidates(pc: _PageCtx, gut: list[tuple[float, float]]) -> list[tuple[_Frag, re.Match]]:
    out = []
    lines = pc.lines()
    k = _settings().caption_split_ratio
    recent: list[list[_Frag]] = []  # fragments of the last few lines (columns interleave)
    for i, L in enumerate(lines):
        frs = _split(L, k, gut, i)
        for f in frs:
            head = " ".join(w.t for w in f.words[:4])
            m = _CAP_RE.match(head)
            if m and not head.lower().startswith("tables"):
                rest = m.group(3).lstrip("*_ ")
                if rest[:1] in (",", ";") or (rest[:1].islower() and not rest.lower().startswith("cont")):
                    continue  # "Table IV, and EFS was ..." / "Table 2 shows ...": prose citing a table
                if _inside_paragraph(f, [g for frs_ in recent for g in frs_]):
                    continue  # "... are shown in / Table 3. Only 9% of ...": a wrapped sentence citing a table
                out.append((f, m))
        recent = (recent + [frs])[-4:]
    return out


def _inside_paragraph(f: _Frag, above: list[_Frag]) -> bool:
    """True when the line above, in the same font and column, runs on into ``f`` (no sentence end,
    usual line pitch): ``f`` continues a paragraph and its "Table 3." is a citation, not a caption."""
    fw = f.words[0]
    for g in above:
        if g.x1 < f.x0 or g.x0 > f.x1 or not g.words:
            continue
        gw = g.words[-1]
        if abs(gw.size - fw.size) > 0.3 or gw.font != fw.font or not -0.5 <= f.top - g.bottom <= 0.6 * fw.size:
            continue
        if abs(g.x0 - f.x0) > 2 * fw.size:
            continue
        text = " ".join(w.t for w in g.words)
        if not _TERMINAL_RE.search(text):
            return True
    return False


def _footnotes_below(pc: _PageCtx, box: BBox, body_size: float) -> list[tuple[str, int, BBox]]:
    x0, _, x1, bottom = box
    reach = _settings().footnote_reach
    cand = [w for w in pc.words if not w.used and w.top >= bottom - 1 and w.cx >= x0 - 2 and w.cx <= x1 + 2]
    if not cand or min(w.top for w in cand) > bottom + reach:
        return []
    vlines = []
    prev_b = bottom
    ids = {id(w) for w in cand}
    others = [w for w in pc.words if not w.used and id(w) not in ids and w.top >= bottom - 1]
    gaps: list[float] = []
    for L in _cluster_lines(cand):
        # whole lines: a line that starts under the table takes the words it runs on with
        grown = True
        while grown:
            grown = False
            lx0, lx1 = min(w.x0 for w in L), max(w.x1 for w in L)
            ltop = min(w.top for w in L)
            lsz = max(w.size for w in L)
            for w in others:
                if id(w) not in ids and abs(w.top - ltop) < 0.5 * lsz and (
                        0 <= w.x0 - lx1 < 1.5 * lsz or 0 <= lx0 - w.x1 < 1.5 * lsz):
                    L = sorted(L + [w], key=lambda v: v.x0)
                    ids.add(id(w))
                    grown = True
        sz = max(w.size for w in L)
        top = min(w.top for w in L)
        if top - prev_b > 1.2 * sz:
            break
        if gaps and top - prev_b > min(gaps) + 0.5 * sz:
            break  # a paragraph gap: body text resumes under the notes
        if vlines:
            gaps.append(top - prev_b)
        txt = _line_text(L)
        if _CAP_RE.match(txt) or _FIG_RE.match(txt):
            break  # the next table's or figure's caption
        # a note marker set small before the first word ("ᵃGroups defined ...")
        marker = len(L) > 1 and len(L[0].t) <= 2 and L[0].size <= 0.8 * L[1].size and L[0].x1 >= L[1].x0 - 1
        if not vlines:
            # ... or a marker letter glued to the capitalised first word ("aGroups defined ...")
            glued = bool(re.match(r"^[a-z][A-Z][a-z]", txt))
            if not (sz < body_size - 0.4 or _FOOT_START_RE.match(txt) or marker or glued):
                break
        elif sz > body_size - 0.4 and not _FOOT_START_RE.match(txt) and abs(sz - vlines[-1][2]) > 0.3:
            break
        vlines.append((txt, _wbox(L), sz, L))
        prev_b = max(w.bottom for w in L)
    for *_, L in vlines:
        for w in L:
            w.used = True
    return _split_footnotes([(t, b) for t, b, _, _ in vlines], pc.pno)
