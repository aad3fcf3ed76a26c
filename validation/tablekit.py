"""Shared table reading for checks: denominators, arms, categories, parsed cells."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from trialaudit.extractor.quantities import parse_cell
from trialaudit.extractor.study.arms import resolve_arm, strip_n
from trialaudit.schemas.document import Table, TableRow
from trialaudit.schemas.findings import Evidence
from trialaudit.schemas.quantities import Quantity
from trialaudit.schemas.study import Arm, Study

from .context import CheckContext

RESPONSE_CATEGORIES = {
    "cr": "CR", "complete response": "CR", "complete remission": "CR",
    "pr": "PR", "partial response": "PR", "partial remission": "PR",
    "sd": "SD", "stable disease": "SD",
    "pd": "PD", "progressive disease": "PD", "progression": "PD",
    "ne": "NE", "not evaluable": "NE", "not evaluated": "NE", "na": "NE", "not assessable": "NE", "unknown": "NE",
    "non-cr/non-pd": "SD",
}
RATE_MEASURES = {
    "orr": "ORR", "objective response rate": "ORR", "overall response rate": "ORR", "objective response": "ORR",
    "response rate": "ORR", "rr": "ORR",
    "dcr": "DCR", "disease control rate": "DCR", "disease control": "DCR",
    "cbr": "CBR", "clinical benefit rate": "CBR", "clinical benefit": "CBR",
}
DERIVED_FROM = {"ORR": ("CR", "PR"), "DCR": ("CR", "PR", "SD"), "CBR": ("CR", "PR", "SD")}


def norm_label(s: str) -> str:
    s = re.sub(r"\(.*?\)", "", s or "")
    s = re.sub(r",?\s*(?:n\s*\(%\)|n,?\s*%|no\.|n)\s*$", "", s.strip(), flags=re.I)
    s = re.sub(r"\b(?:no|n)\.?$", "", s.strip(), flags=re.I)
    return re.sub(r"\s+", " ", s).strip(" :,.*").lower()


def response_category(label: str) -> str | None:
    lab = norm_label(label)
    lab = re.sub(r"\s+(?:no|n)\.?$", "", lab)
    return RESPONSE_CATEGORIES.get(lab)


def rate_measure(label: str) -> str | None:
    lab = norm_label(label)
    lab = re.sub(r"\s*(?:%|\(%\)|rate \(%\))$", "", lab).strip()
    if re.search(r"p\s*-?\s*value|\bp\b|χ|chi|statistic", lab):
        return None
    if lab in RATE_MEASURES:
        return RATE_MEASURES[lab]
    m = re.match(r"^(orr|dcr|cbr)\b", lab)
    return m.group(1).upper() if m and not re.search(r"p\s*value|χ|chi", lab) else None


@lru_cache(maxsize=65536)
def _parse(text: str) -> tuple[Quantity, ...]:
    try:
        return tuple(parse_cell(text))
    except Exception:  # noqa: BLE001 - a parser failure means "no quantity"
        return ()


def cell_quantity(text: str) -> Quantity | None:
    qs = _parse(text)
    return qs[0] if len(qs) == 1 else None


def cell_count(text: str) -> int | None:
    """The integer count a cell states ("12 (23.6)", "12", "12/55"), else None."""
    q = cell_quantity(text)
    if q is None:
        return None
    if q.kind in ("count_percent", "fraction") and q.count is not None and q.count.decimals == 0:
        return int(q.count.value)
    if q.kind == "count" and q.value is not None and q.value.decimals == 0 and "=" not in q.text:
        return int(q.value.value)
    return None


def cell_percent(text: str, *, bare_is_percent: bool = False):
    """The percent Num a cell states, if any."""
    q = cell_quantity(text)
    if q is None:
        return None
    if q.percent is not None:
        return q.percent
    if q.kind == "percent":
        return q.value or q.percent
    if bare_is_percent and q.kind in ("number", "count") and q.value is not None:
        return q.value
    return None


@dataclass
class Denominator:
    n: int
    evidence: Evidence
    source: str          # "column header", "row", "arm size", "n/N"
    arm: Arm | None = None


def header_n(table: Table, col: int) -> int | None:
    label = table.column_label(col)
    for part in label.split(" / "):
        _, n = strip_n(part)
        if n is not None and n > 0:   # "n = 0" is no group size to divide by
            return n
    return None


def header_cell_evidence(ctx: CheckContext, table: Table, col: int) -> Evidence:
    for hr in table.header_rows:
        if col < len(hr.cells) and re.search(r"[nN]\s*[=:]", hr.cells[col].text):
            return ctx.cell_evidence(table, hr, col, role="denominator")
    if table.header_rows and col < len(table.header_rows[0].cells):
        return ctx.cell_evidence(table, table.header_rows[0], col, role="denominator")
    return Evidence(quote=table.column_label(col), table=table.label, column=table.column_label(col), role="denominator")


def arm_size_evidence(ctx: CheckContext, arm: Arm) -> Evidence | None:
    if arm.sizes:
        ss = next((s for s in arm.sizes if s.provenance.method == "table-cell"), arm.sizes[0])
        return ctx.provenance_evidence(ss.provenance, role="denominator")
    return None


_MARKER_TAIL = re.compile(r"([*†‡§¶#]+|\^[a-z]|\^\{?[a-z]\}?)\s*(?:,?\s*(?:n|no\.?)\s*\(%\))?\s*$")
_NOTE_SUBSET = re.compile(r"\b(?:exclud\w*|not (?:recorded|available|known|reported|assessed)|missing|unknown for|"
                          r"only (?:for|in|among)|among (?:those|patients|women|men|participants)|of those|"
                          r"denominator|available for|data (?:from|for) \d+)", re.I)
_WORDNUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}


def row_note(table: Table, label: str, markers: list[str] | None = None) -> str | None:
    """The table note attached to a row label by its footnote marker ("Smoked before††" -> "††Excludes ...").

    With several markers ("¶¶***") the first note that restricts the denominator wins.
    """
    marks = list(markers or [])
    m = _MARKER_TAIL.search(label or "")
    if m:
        tail = m.group(1).strip("^{}")
        marks.append(tail)
        marks.extend(x.group(0) for x in re.finditer(r"([*†‡§¶#])\1*", tail))  # "¶¶***" -> "¶¶", "***"
    found = []
    for mk in sorted(set(marks), key=len, reverse=True):
        if not mk:
            continue
        for note in table.footnotes:
            n = note.lstrip()
            if n.startswith(mk) and not (n[len(mk):len(mk) + 1] and n[len(mk)] in "*†‡§¶#"):
                found.append(n[len(mk):].strip())
    restricting = [f for f in found if _NOTE_SUBSET.search(f)]
    return (restricting or found or [None])[0]


def note_adjusted_n(ctx: CheckContext, table: Table, label: str, col: int, n: int,
                    markers: list[str] | None = None) -> int | None:
    """Apply a row's footnote to a column's n: "Not recorded for one participant in control group" -> n - 1.

    Returns the adjusted n, or None when the note says the row uses another
    denominator that cannot be worked out per column ("Excludes 297 with no
    previous pregnancies"): the check must then stay silent.
    """
    note = row_note(table, label, markers)
    if not note or not _NOTE_SUBSET.search(note):
        return n
    col_arm = resolve_arm(table.column_label(col), ctx.study.arms)
    parts = re.findall(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:participants?|patients?|women|men|"
                       r"subjects?|cases?)?\s*in\s+(?:the\s+)?([\w+\-/ ]{2,40}?(?:group|arm|cohort))", note, re.I)
    if not parts or col_arm is None:
        return None
    delta = 0
    for num, lab in parts:
        arm = resolve_arm(lab, ctx.study.arms)
        if arm is None:
            return None
        if arm.id == col_arm.id:
            delta += int(num) if num.isdigit() else _WORDNUM[num.lower()]
    return n - delta


def column_denominator(ctx: CheckContext, table: Table, col: int, row: TableRow | None = None) -> Denominator | None:
    """The n of a column (header ``n = 53`` or the arm's size); with ``row``, adjusted by the row's footnote."""
    den = _column_denominator(ctx, table, col)
    if den is None or row is None:
        return den
    labels = [(row.label, row.cells[0].markers if row.cells else [])]
    if row.group:
        labels.append((row.group, []))
    n = den.n
    for lab, marks in labels:
        n2 = note_adjusted_n(ctx, table, lab, col, n, marks)
        if n2 is None:
            return None
        n = n2
    if n == den.n:
        return den
    return Denominator(n, den.evidence, den.source + " minus the patients the row's table note excludes", den.arm)


def _column_denominator(ctx: CheckContext, table: Table, col: int) -> Denominator | None:
    n = header_n(table, col)
    if n is not None:
        return Denominator(n, header_cell_evidence(ctx, table, col), "column header",
                           resolve_arm(table.column_label(col), ctx.study.arms))
    arm = resolve_arm(table.column_label(col), ctx.study.arms)
    if arm is not None and arm.n:
        ev = arm_size_evidence(ctx, arm)
        if ev:
            return Denominator(arm.n, ev, "arm size", arm)
    return None


def row_denominator(ctx: CheckContext, table: Table, row: TableRow) -> Denominator | None:
    """When arms are rows: the row's own 'No. of patients' cell, or the arm's size."""
    for j, col in enumerate(table.columns):
        if j == 0:
            continue
        lab = norm_label(col)
        if re.fullmatch(r"(?:no\.? of patients|number of patients|patients|n|total n|no\. of cases|cases)", lab):
            c = cell_count(row.cells[j].text) if j < len(row.cells) else None
            if c:
                return Denominator(c, ctx.cell_evidence(table, row, j, role="denominator"), "row")
    _, n = strip_n(row.label)
    arm = resolve_arm(row.label, ctx.study.arms)
    if n is not None and n > 0:
        return Denominator(n, ctx.cell_evidence(table, row, 0, role="denominator"), "row label", arm)
    if arm is not None and arm.n:
        ev = arm_size_evidence(ctx, arm)
        if ev:
            return Denominator(arm.n, ev, "arm size", arm)
    return None


def arms_are_rows(table: Table, study: Study) -> bool:
    resolved = sum(1 for r in table.rows if resolve_arm(r.label, study.arms) is not None)
    return resolved >= 2 or (resolved >= 1 and len(table.rows) <= 3)


def fmt_num(x: float, d: int = 2) -> str:
    s = f"{x:.{d}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s
