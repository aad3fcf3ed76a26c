"""Table facts every table reader shares: label classifiers, typed cells, and a column's or row's n with its evidence.

* labels: :func:`norm_label`, :func:`response_category` (CR/PR/SD/PD/NE), :func:`rate_measure`
  (ORR/DCR/CBR) and which categories a rate is derived from (``DERIVED_FROM``);
* cells: :func:`cell_quantity`, :func:`cell_count`, :func:`cell_percent` (parsed once per article by
  the memo of :func:`trialaudit.extractor.quantities.parse_once`);
* denominators: :func:`column_denominator` (the fact layer's resolver,
  :func:`trialaudit.extractor.study.denominators.resolve`, with the evidence of where the n is
  printed), :func:`row_denominator` when arms are rows, :func:`arms_are_rows`.

The table-test reader (:mod:`.table_tests`) builds its facts from these; the rules reach them
through :mod:`trialaudit.validation.tablekit`, which passes the check context's document and arms.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from trialaudit.extractor.evidence import cell_evidence, header_cell_evidence, provenance_evidence
from trialaudit.extractor.memo import article_cache
from trialaudit.extractor.quantities import parse_cell
from trialaudit.schemas.document import Document, Table, TableRow
from trialaudit.schemas.findings import Evidence
from trialaudit.schemas.quantities import Quantity
from trialaudit.schemas.study import Arm

from . import denominators as _den
from .arms import resolve_arm, strip_n
from .denominators import header_n, percent_only_label

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
    # a trailing count marker (", n", " n (%)", " no."), a word of its own: "Unknown", "Women" keep their "n"
    s = re.sub(r"(?:^|,\s*|\s+)(?:n\s*\(%\)|n,?\s*%|no\.|n)\s*$", "", s.strip(), flags=re.I)
    s = re.sub(r"\b(?:no|n)\.?$", "", s.strip(), flags=re.I)
    return re.sub(r"\s+", " ", s).strip(" :,.*").lower()


def response_category(label: str) -> str | None:
    lab = norm_label(label)
    lab = re.sub(r"\s+(?:no|n)\.?$", "", lab)
    found = RESPONSE_CATEGORIES.get(lab)
    if found is None:
        # a footnote letter glued on when the superscript was lost ("SDa", "Not evaluableb")
        m = re.fullmatch(r"(?:([A-Z]{2,3})|([A-Za-z][a-z ]+[a-z]))[a-e]", re.sub(r"[\s:]+$", "", label or "").strip())
        if m:
            found = RESPONSE_CATEGORIES.get(norm_label(m.group(1) or m.group(2)))
    return found


def percent_only_row(row) -> bool:
    """A row whose bare numbers are percentages: its own label says so, or it sits under a group heading
    that does ("Medications, %" then "Digoxin") without announcing counts itself."""
    if percent_only_label(row.label):
        return True
    own_counts = re.search(r"\bn\b|\bno\.|\bnumber\b", row.label or "", re.I)
    return bool(row.group) and not own_counts and percent_only_label(row.group)


def rate_measure(label: str) -> str | None:
    lab = norm_label(label)
    lab = re.sub(r"\s*(?:%|\(%\)|rate \(%\))$", "", lab).strip()
    if re.search(r"p\s*-?\s*value|\bp\b|χ|chi|statistic", lab):
        return None
    if lab in RATE_MEASURES:
        return RATE_MEASURES[lab]
    m = re.match(r"^(orr|dcr|cbr)\b", lab)
    return m.group(1).upper() if m and not re.search(r"p\s*value|χ|chi", lab) else None


# scanned once per article by the memo of extractor.quantities.parse_once (a global cache
# would keep every article's quantities for the whole batch)
def _parse(text: str) -> tuple[Quantity, ...]:
    return tuple(parse_cell(text))


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
    source: str          # "column header", "row", "arm size", "n/N", "table N row"
    arm: Arm | None = None
    certainty: str = "stated"   # "stated" | "inferred" | "uncertain" (see extractor.study.denominators)
    reasons: tuple[str, ...] = ()
    category_total: int | None = None  # the sum of the cell's category set when below n
    set_complete: bool = False  # the cell's category set adds up to exactly n, every other category's % of n


_COUNT_SUB = re.compile(r"^(?P<head>.*?)(?:\s*/\s*|\s+|^)(?:n|N|No\.?|number)\s*$")
_PERCENT_SUB = re.compile(r"^(?P<head>.*?)(?:\s*/\s*|\s+|^)\(?%\)?\s*$")


def count_percent_columns(table: Table) -> list[tuple[int, int]]:
    """(count column, percent column) pairs of a table that prints n and % in sub-columns of one group
    ("Escitalopram (N=86) / N" then "Escitalopram (N=86) / %"): read together they are one "n (%)" cell."""
    out = []
    cols = table.columns
    for j in range(1, len(cols) - 1):
        a, b = _COUNT_SUB.match(cols[j] or ""), _PERCENT_SUB.match(cols[j + 1] or "")
        if a and b and a.group("head").strip() == b.group("head").strip():
            out.append((j, j + 1))
    return out


def split_count_percent(count_text: str, percent_text: str) -> tuple[int, Num] | None:
    """The count and the percentage of a pair of sub-column cells ("40", "17.2" or "(17.2)"), else None."""
    c = cell_quantity(count_text or "")
    if c is None or c.kind != "count" or c.value is None or c.value.decimals:
        return None
    p = cell_quantity((percent_text or "").strip().strip("()%").strip())
    if p is None or p.kind not in ("number", "count", "percent") or p.value is None or not 0 <= p.value.value <= 100:
        return None
    return int(c.value.value), p.value


def arm_size_evidence(arm: Arm) -> Evidence | None:
    """Where an arm's size is stated (its table header cell when there is one)."""
    if arm.sizes:
        ss = next((s for s in arm.sizes if s.provenance.method == "table-cell"), arm.sizes[0])
        return provenance_evidence(ss.provenance, role="denominator")
    return None


def column_denominator(doc: Document, arms: list[Arm], table: Table, col: int,
                       row: TableRow | None = None) -> Denominator | None:
    """The n of a column for one row (the fact layer's resolver), or, without a row, the header/arm n.

    With ``row`` the answer comes from :func:`trialaudit.extractor.study.denominators.resolve`:
    the table's N row, the header, a row note, or the arm size, with its certainty; an
    ``uncertain`` denominator is returned as None so that checks stay silent.
    """
    if row is None:
        return _column_denominator(doc, arms, table, col)
    r = _resolved(doc, arms, table, row, col)
    if r is None or r.n is None or r.certainty == "uncertain":
        return None
    if r.n_row is not None:
        ev = cell_evidence(doc, table, table.rows[r.n_row], col, role="denominator")
    elif r.header is not None:
        ev = cell_evidence(doc, table, table.header_rows[r.header[0]], col, role="denominator")
    elif r.source.startswith("arm size") and r.arm is not None:
        ev = arm_size_evidence(r.arm) or header_cell_evidence(doc, table, col)
    else:
        ev = header_cell_evidence(doc, table, col)
    return Denominator(r.n, ev, r.source, r.arm, r.certainty, r.reasons)


def _resolved(doc: Document, arms: list[Arm], table: Table, row: TableRow, col: int):
    """:func:`~trialaudit.extractor.study.denominators.resolve` for a cell, found once per article
    (several rules ask for the same cells; the result is only read)."""
    memo = article_cache()
    if memo is None:
        return _den.resolve(doc, table, row, col, arms)
    key = ("tablekit.resolve", id(doc), id(table), id(row), col, id(arms))
    hit = memo.get(key)
    # the memo holds the objects themselves, so their ids cannot be reused while it lives
    if hit is None or hit[0] is not doc or hit[1] is not table or hit[2] is not row or hit[3] is not arms:
        hit = memo[key] = (doc, table, row, arms, _den.resolve(doc, table, row, col, arms))
    return hit[4]


def _column_denominator(doc: Document, arms: list[Arm], table: Table, col: int) -> Denominator | None:
    n = header_n(table, col)
    if n is not None:
        return Denominator(n, header_cell_evidence(doc, table, col), "column header",
                           resolve_arm(table.column_label(col), arms))
    arm = resolve_arm(table.column_label(col), arms)
    if arm is not None and arm.n:
        ev = arm_size_evidence(arm)
        if ev:
            return Denominator(arm.n, ev, "arm size", arm, _den.arm_size_certainty(arm))
    return None


def row_denominator(doc: Document, arms: list[Arm], table: Table, row: TableRow) -> Denominator | None:
    """When arms are rows: the row's own 'No. of patients' cell, or the arm's size."""
    for j, col in enumerate(table.columns):
        if j == 0:
            continue
        lab = norm_label(col)
        if re.fullmatch(r"(?:no\.? of patients|number of patients|patients|n|total n|no\. of cases|cases?)", lab) or \
                re.fullmatch(r"\s*(?:n|N|no\.)\s*", col.split(" / ")[-1]):  # a bare "n" column (norm_label empties it)
            c = cell_count(row.cells[j].text) if j < len(row.cells) else None
            if c:
                return Denominator(c, cell_evidence(doc, table, row, j, role="denominator"), "row")
    _, n = strip_n(row.label)
    arm = resolve_arm(row.label, arms)
    if n is not None and n > 0:
        return Denominator(n, cell_evidence(doc, table, row, 0, role="denominator"), "row label", arm)
    if arm is not None and arm.n:
        ev = arm_size_evidence(arm)
        if ev:
            return Denominator(arm.n, ev, "arm size", arm, _den.arm_size_certainty(arm))
    return None


def arms_are_rows(table: Table, arms: list[Arm]) -> bool:
    """True when the table's rows are the arms (two resolve to arms, or one in a table of at most three rows)."""
    resolved = sum(1 for r in table.rows if resolve_arm(r.label, arms) is not None)
    return resolved >= 2 or (resolved >= 1 and len(table.rows) <= 3)
