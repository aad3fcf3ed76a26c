"""Small XML helpers, the table grid, and the text helpers the renderer shares."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree




# --------------------------------------------------------------------------- small XML helpers

def _ln(el) -> str:
    """Local name of an element ('' for comments / processing instructions)."""
    if not isinstance(el.tag, str):
        return ""
    return etree.QName(el).localname


def _child(el, name: str):
    for c in el:
        if _ln(c) == name:
            return c
    return None


def _children(el, *names: str) -> list:
    return [c for c in el if _ln(c) in names]


def _desc(el, name: str) -> list:
    return [d for d in el.iter() if _ln(d) == name]


def _plain(el) -> str:
    """All text of an element, whitespace collapsed."""
    if el is None:
        return ""
    return _ws(" ".join(el.itertext()))


_RE_WS = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_RE_ZW = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")


def _ws(s: str) -> str:
    return _RE_WS.sub(" ", _RE_ZW.sub("", s)).strip()


_SUP = str.maketrans("0123456789+-−=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿ")
_RE_SUPERSCRIPTABLE = re.compile(r"^[0-9+\-−]+$")
_RE_UNIT_BEFORE = re.compile(r"(?:\bm|cm|mm|km|\bdm|μm|µm|χ|\bR|\bI|\bs)$")
_RE_CITE_LIST = re.compile(r"^\d{1,3}(?:\s*[-–—‑,]\s*\d{1,3})*$")
_MARKER_RE = re.compile(r"^(?:[a-zA-Z]|[*†‡§¶#$^&]+|\d{1,2})$")



@dataclass
class _Grid:
    """A table's cells placed on a grid: ``cells[r][c]`` is (text, element, origin (r, c)) or None."""

    rows: list[list[tuple[str, object, tuple[int, int]] | None]]
    header: int           # number of header rows
    width: int


@dataclass
class _TablePlan:
    wrap_id: str
    label: str
    number: str | None
    caption: str
    path: str
    caption_range: tuple[int, int] | None = None
    range: tuple[int, int] = (0, 0)
    # per grid row: list of (start, end) text ranges of each column's cell (None for spanned)
    cell_ranges: list[list[tuple[int, int] | None]] = field(default_factory=list)
    grid: _Grid | None = None
    grid_rows_kind: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    footnote_range: tuple[int, int] | None = None



# --------------------------------------------------------------------------- helpers

_SEC_TYPE_KIND = {
    "intro": "introduction", "introduction": "introduction", "background": "introduction",
    "methods": "methods", "materials|methods": "methods", "materials": "methods", "subjects": "methods",
    "patients": "methods", "design": "methods", "procedure": "methods", "procedures": "methods",
    "statistical-analysis": "statistics", "results": "results", "findings": "results",
    "discussion": "discussion", "conclusions": "conclusion", "conclusion": "conclusion",
    "results|discussion": "results", "supplementary-material": "declarations", "display-objects": "other",
    "ethics-statement": "declarations", "data-availability": "declarations", "funding-information": "declarations",
    "COI-statement": "declarations", "author-contributions": "declarations", "abbreviations": "declarations",
}


_TITLE_KINDS = [
    (re.compile(r"^(?:\d+(?:\.\d+)*\.?\s+)?results?\b", re.I), "results"),
    (re.compile(r"^(?:\d+(?:\.\d+)*\.?\s+)?discussions?\b", re.I), "discussion"),
    (re.compile(r"^(?:\d+(?:\.\d+)*\.?\s+)?conclusions?\b", re.I), "conclusion"),
    (re.compile(r"^(?:\d+(?:\.\d+)*\.?\s+)?[A-Za-z ,&]{0,40}\b(?:methods?|methodology)\s*$", re.I), "methods"),
]


def _title_kind(title: str) -> str | None:
    """Kinds for combined titles the text parser leaves open ("Results and discussion")."""
    for rx, kind in _TITLE_KINDS:
        if rx.match(title):
            return kind
    return None


def _sec_type_key(s: str) -> str:
    s = s.strip()
    if s in _SEC_TYPE_KIND:
        return s
    return s.lower().replace(" ", "")


_CIT_OPEN, _CIT_CLOSE = "\ue000", "\ue001"
_RE_PAREN_XREFS = re.compile(r"\((\s*\ue000[^\ue000\ue001()]*\ue001(?:\s*[,;–\-]\s*\ue000[^\ue000\ue001()]*\ue001)*\s*)\)")


def _finish_citations(s: str) -> str:
    """Numbered citations printed in parentheses, "(<xref>3</xref>, <xref>4</xref>)", become "[3, 4]" (the
    text path then reads brackets as citations and leaves parentheses such as "F(1, 36)" alone)."""
    if _CIT_OPEN not in s:
        return s
    s = _RE_PAREN_XREFS.sub(lambda m: "[" + m.group(1).strip() + "]", s)
    return s.replace(_CIT_OPEN, "").replace(_CIT_CLOSE, "")


def _sentence(s: str) -> str:
    """End a caption-like line with a full stop so it is never read as a heading."""
    s = s.strip()
    return s if not s or s.endswith((".", "?", "!", ":", ";")) else s + "."


def _in(el, name: str) -> bool:
    p = el.getparent()
    while p is not None:
        if _ln(p) == name:
            return True
        p = p.getparent()
    return False


def _all_bold(cell) -> bool:
    """A cell whose visible text is all inside <bold>."""
    total = _plain(cell)
    bold = " ".join(_plain(b) for b in _desc(cell, "bold"))
    return bool(total) and _ws(bold) == total


def _collapse_label_columns(g: _Grid) -> _Grid:
    """Indented row labels printed in k empty-padded columns under one spanning header cell
    ("Characteristic" over 3 columns; "Gender" in column 2, "Male" in column 3) become one label column."""
    if not g.header or not g.rows or g.width < 3:
        return g
    first = g.rows[0][0]
    if first is None or first[2] != (0, 0):
        return g
    k = 0
    while k < g.width and g.rows[0][k] is first:
        k += 1
    if k < 2 or k >= g.width:
        return g
    for r, row in enumerate(g.rows):
        entries = {id(x): x for x in row[:k] if x is not None and x[2][1] < k}
        if len([x for x in entries.values() if x[0]]) > 1:
            return g
        if any(x[2][1] < k and any(row[c] is not x for c in range(x[2][1], k)) and
               sum(1 for c in range(k) if row[c] is x) > 1 for x in entries.values() if x[0]):
            return g   # a label spanning part of the label columns next to another cell: keep the grid
    new_entries: dict[int, tuple] = {}

    def moved(x):
        if x is None:
            return None
        if id(x) not in new_entries:
            r0, c0 = x[2]
            new_entries[id(x)] = (x[0], x[1], (r0, 0 if c0 < k else c0 - k + 1))
        return new_entries[id(x)]

    rows = []
    for row in g.rows:
        label = next((x for x in row[:k] if x is not None and x[0]), None) or \
            next((x for x in row[:k] if x is not None), None)
        rows.append([moved(label)] + [moved(x) for x in row[k:]])
    return _Grid(rows=rows, header=g.header, width=g.width - k + 1)


def _stack(grids: list[_Grid]) -> _Grid:
    if len(grids) == 1:
        return grids[0]
    width = max((g.width for g in grids), default=0)
    rows: list = []
    header = grids[0].header if grids else 0
    for g in grids:
        off = len(rows)
        for row in g.rows:
            rows.append([(x[0], x[1], (x[2][0] + off, x[2][1])) if x is not None else None for x in row] +
                        [None] * (width - len(row)))
    return _Grid(rows=rows, header=header, width=width)


_MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December"]


def _jats_date(d) -> str | None:
    iso = d.get("iso-8601-date")
    y = _plain(_child(d, "year"))
    mo = _plain(_child(d, "month"))
    da = _plain(_child(d, "day"))
    if not re.fullmatch(r"\d{4}", y or ""):
        if iso and re.match(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$", iso):
            return iso
        return None
    if mo and not mo.isdigit():
        mo = str(next((i + 1 for i, m in enumerate(_MONTH_NAMES) if m.lower().startswith(mo.lower()[:3])), "")) or ""
    if mo and mo.isdigit() and 1 <= int(mo) <= 12:
        if da and da.isdigit() and 1 <= int(da) <= 31:
            return f"{y}-{int(mo):02d}-{int(da):02d}"
        return f"{y}-{int(mo):02d}"
    return y


def _human_date(iso: str) -> str:
    parts = iso.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {_MONTH_NAMES[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{_MONTH_NAMES[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


def _registry_ids(text: str) -> list[str]:
    from ..study.registry import REGISTRY_PATTERNS, normalise_id
    out = []
    for name, pat in REGISTRY_PATTERNS:
        if name == "EU CTR" and not re.search(r"EudraCT|EU\s*CT", text, re.I):
            continue
        for m in re.finditer(pat, text):
            rid = normalise_id(name, m.group(0))
            if rid not in out:
                out.append(rid)
    return out
