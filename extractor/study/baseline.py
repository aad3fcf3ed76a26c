"""Baseline characteristics: variable, category, per-arm quantity, and the comparison's test.

Rows are read with a little state:

* a row with no value in any group column is a heading (the variable of the rows below);
  a lower-case label right after a variable row continues that variable's label;
* a row whose label describes its own statistic ("Age, years, median (range)", ", n (%)",
  "Number of ...") is a variable of its own; short category-like labels ("<18", "≥2") right
  after such a row are its categories;
* a row of bare intervals labelled "(95% CI)" completes the quantity above it;
* "Sex (Male/Female) | 31/24" is split into the two categories.

Statistic and P columns (``t/χ²``, ``P value``) give one :class:`StatTest` per variable block
(the statistic may sit on the heading row and the p on the first category row), and a
comparison row (``group="comparison"``) in the baseline list.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from trialaudit.schemas.document import Document, Table, TableRow
from trialaudit.schemas.quantities import Num, Quantity
from trialaudit.schemas.study import Arm, BaselineRow, StatTest

from trialaudit.extractor.quantities import parse_cell

from ._util import (MEASURE_KIND, bare_interval, cell_is_text, cell_prov, cell_text, col_role, measure_of, normalise_for_parse, parse_number_cell, parse_p_cell, single_arm_of, stat_kind)
from .groups import GroupRef, group_label, resolve_group
from .outcomes import table_kinds
from .stat_tests import test_names_in

_DESCRIPTOR = re.compile(r",\s*n\s*\(%\)|\bn\s*\(%\)|\bmedian\b|\bmean\b|\baverage\b|\brange\b|\bIQR\b|±|\bSD\b|"
                         r"\(years?\b|\byears?\s*(?:old)?\)|,\s*(?:years|months|mm|cm|kg|days)\b|^(?:number|no\.)\s+of\b", re.I)
_CATEGORY_LIKE = re.compile(r"^\s*(?:[<>≤≥]|\d|(?:yes|no|male|female|none|other|others|unknown)\b)", re.I)
_SPLIT_LABEL = re.compile(r"^(?P<var>[^()]+?)\s*\(\s*(?P<a>[A-Za-z][\w -]*?)\s*/\s*(?P<b>[A-Za-z][\w -]*?)\s*\)\s*$")


@dataclass
class _Block:
    variable: str
    rows: list[TableRow] = field(default_factory=list)
    #: rows carrying a statistic or p: (row, (value, stat column label, column) | None, ((p, op), column) | None)
    entries: list[tuple] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)


def _outcome_heading(label: str) -> bool:
    m = measure_of(label)
    return m is not None and MEASURE_KIND.get(m) in ("tte", "rate")


def baseline_from_table(doc: Document, t: Table, arms: list[Arm], *, mixed: bool = False
                        ) -> tuple[list[BaselineRow], list[StatTest]]:
    roles = [col_role(c) for c in t.columns]
    groups = _group_columns(t, roles, arms)
    stat_cols = [j for j, r in enumerate(roles) if r == "stat"]
    p_cols = [j for j, r in enumerate(roles) if r == "p"]
    reader = _TableReader(doc, t, groups, mixed)
    for row in t.rows:
        reader.read(row, _parsed_cells(row, stat_cols, parse_number_cell), _parsed_cells(row, p_cols, parse_p_cell))
    reader.flush()
    return reader.out, reader.tests


def _group_columns(t: Table, roles: list[str], arms: list[Arm]) -> dict[int, GroupRef]:
    """The data columns and the arm or group each one reports."""
    single = single_arm_of(arms)
    groups: dict[int, GroupRef] = {}
    for j in range(1, len(t.columns)):
        if roles[j] != "data":
            continue
        g = resolve_group(t.columns[j], arms, single)
        if g is None and t.columns[j].strip():
            g = GroupRef(group_label(t.columns[j]), None)
        if g is not None:
            groups[j] = g
    return groups


def _parsed_cells(row: TableRow, cols: list[int], parse) -> list[tuple[int, object]]:
    """(column, parsed value) of the cells of ``cols`` in ``row`` that ``parse`` reads."""
    parsed = [(j, parse(cell_text(row, j))) for j in cols]
    return [(j, v) for j, v in parsed if v is not None]


class _TableReader:
    """Reads one baseline table row by row (the state the module docstring describes)."""

    def __init__(self, doc: Document, t: Table, groups: dict[int, GroupRef], mixed: bool) -> None:
        self.doc, self.t, self.groups, self.mixed = doc, t, groups, mixed
        self.out: list[BaselineRow] = []
        self.tests: list[StatTest] = []
        self.heading: str | None = None
        self.standalone: str | None = None       # the last row that was a variable of its own
        self.in_outcome = False
        self.block: _Block | None = None
        self.last_rows: list[BaselineRow] = []

    def flush(self) -> None:
        """Close the current variable block, emitting its tests."""
        if self.block is not None and self.block.entries:
            _emit_tests(self.doc, self.t, self.block, self.tests, self.out)
        self.block = None

    def open_block(self, var: str) -> None:
        self.flush()
        self.block = _Block(variable=var)

    def read(self, row: TableRow, stat_here: list, p_here: list) -> None:
        label = row.label.strip()
        if not any(cell_text(row, j) for j in self.groups):
            self._heading_row(row, label, stat_here, p_here)
            return
        if self.mixed and (self.in_outcome or measure_of(label)):
            return
        if _is_interval_row(row, self.groups) and self.last_rows:
            self._interval_row(row, label)
            return
        if all(cell_is_text(row.cells[j]) for j in self.groups if j < len(row.cells) and row.cells[j].text):
            return  # "Retrospective study", "NCT04690231": not a quantity
        variable, category = self._variable_of(label)
        self.block.rows.append(row)
        _add_stats(self.block, row, stat_here, p_here, self.t)
        self.last_rows = []
        self._value_cells(row, label, variable, category)

    def _heading_row(self, row: TableRow, label: str, stat_here: list, p_here: list) -> None:
        """A row without values: a wrapped label, or a heading opening a variable block."""
        if label and label[:1].islower() and self.last_rows:
            # a wrapped label: "Osteosarcoma subtypes, canonical" + "types, N (%)"
            for br in self.last_rows:
                if br.category:
                    br.variable, br.category = f"{br.category} {label}", None
                else:
                    br.variable = f"{br.variable} {label}"
            self.standalone = self.last_rows[0].variable
            self.heading = None
            return
        if self.mixed:
            self.in_outcome = _outcome_heading(label)
        self.heading = label or self.heading
        self.standalone = None
        self.open_block(self.heading or "")
        _add_stats(self.block, row, stat_here, p_here, self.t)

    def _interval_row(self, row: TableRow, label: str) -> None:
        """A row of bare intervals ("(95% CI)") completes the quantities of the row above."""
        for br in self.last_rows:
            j = next((j for j, g in self.groups.items() if (g.arm.id if g.arm else None) == br.arm and
                      (None if g.arm else g.label) == br.group), None)
            iv = bare_interval(cell_text(row, j)) if j is not None else None
            if iv:
                br.quantity = br.quantity.model_copy(update={"low": iv[0], "high": iv[1], "interval": "ci",
                                                             "not_estimable": iv[2] or br.quantity.not_estimable})
            br.variable = f"{br.variable} {label}".strip()

    def _variable_of(self, label: str) -> tuple[str, str | None]:
        """(variable, category) of a value row, opening a new block when the variable changes."""
        own_variable = _own_variable(label)
        if own_variable or (self.heading is None and not (self.standalone and _CATEGORY_LIKE.match(label))):
            variable, category = label, None
            self.heading = None
            self.standalone = label
            self.open_block(label)
        elif self.heading is None and self.standalone and _CATEGORY_LIKE.match(label):
            variable, category = self.standalone, label
        else:
            variable, category = self.heading or label, label
            if self.block is None or self.block.variable != variable:
                self.open_block(variable)
        if self.block is None:
            self.open_block(variable)
        return variable, category

    def _value_cells(self, row: TableRow, label: str, variable: str, category: str | None) -> None:
        """One BaselineRow per group cell holding a quantity ("31/24" under "Sex (Male/Female)" gives two)."""
        split = _SPLIT_LABEL.match(label)
        for j, g in self.groups.items():
            txt = cell_text(row, j)
            if not txt or cell_is_text(row.cells[j]):
                continue
            prov = cell_prov(self.doc, self.t, row, j)
            if split and re.fullmatch(r"\s*\d+\s*/\s*\d+\s*", txt):
                rows = _split_counts(split, txt, g, prov)
                self.block.kinds.add("count")
            else:
                q = _quantity(txt, f"{variable} {category or ''}")
                if q is None:
                    continue
                self.block.kinds.add(q.kind)
                rows = [BaselineRow(variable=variable, category=category, arm=g.arm.id if g.arm else None,
                                    group=None if g.arm else g.label, quantity=q, provenance=prov)]
            self.out.extend(rows)
            self.last_rows.extend(rows)


def _split_counts(split: re.Match, txt: str, g: GroupRef, prov) -> list[BaselineRow]:
    """One count row per category: "Sex (Male/Female) | 31/24"."""
    a, b = [int(x) for x in re.findall(r"\d+", txt)]
    positions = [m.span() for m in re.finditer(r"\d+", txt)]
    rows = []
    for (cat, v), (a0, b0) in zip(((split.group("a"), a), (split.group("b"), b)), positions):
        n = Num(value=float(v), text=str(v), decimals=0, start=a0, end=b0)
        q = Quantity(kind="count", text=str(v), start=a0, end=b0, value=n, count=n)
        rows.append(BaselineRow(variable=split.group("var").strip(), category=cat.strip(),
                                arm=g.arm.id if g.arm else None,
                                group=None if g.arm else g.label, quantity=q, provenance=prov))
    return rows


def _own_variable(label: str) -> bool:
    """'Age, years, median (range)' names a variable; 'Median' alone is a category."""
    if not _DESCRIPTOR.search(label):
        return False
    rest = _DESCRIPTOR.sub(" ", label)
    rest = re.sub(r"\([^)]*\)|[^A-Za-z ]", " ", rest)
    rest = re.sub(r"(?i)\b(?:n|no|median|mean|average|range|iqr|sd|years?|months?|old|mm|cm|kg|days|min|max|"
                  r"minimum|maximum|standard|deviation|ci)\b", " ", rest)
    return bool(re.search(r"[A-Za-z]{3,}", rest))


def _quantity(text: str, label: str) -> Quantity | None:
    qs = [q for q in parse_cell(normalise_for_parse(text), label=label) if q.kind not in ("p_value", "test_stat")]
    if not qs:
        return None
    q = qs[0]
    if q.kind == "mean_sd" and q.interval == "unspecified" and re.search(r"n\s*\(%\)|%", label):
        return q.model_copy(update={"kind": "count_percent", "count": q.value, "percent": q.sd, "value": None,
                                    "sd": None, "interval": None})
    return q


def _is_interval_row(row: TableRow, groups: dict[int, GroupRef]) -> bool:
    vals = [cell_text(row, j) for j in groups if cell_text(row, j)]
    return bool(vals) and all(bare_interval(v) and v.strip().startswith(("(", "[")) for v in vals)


def _add_stats(block: _Block, row: TableRow, stat_here, p_here, t: Table) -> None:
    if not stat_here and not p_here:
        return
    st = (stat_here[0][1], t.columns[stat_here[0][0]], stat_here[0][0]) if stat_here else None
    pv = (p_here[0][1], p_here[0][0]) if p_here else None
    block.entries.append((row, st, pv))


def _emit_tests(doc: Document, t: Table, block: _Block, tests: list[StatTest], out: list[BaselineRow]) -> None:
    """One test per variable when the statistic and p are spread over its rows (statistic on the
    heading, p on the first category); one per row when several rows carry their own."""
    entries = block.entries
    stats = [e for e in entries if e[1] is not None]
    ps = [e for e in entries if e[2] is not None]
    if len(stats) <= 1 and len(ps) <= 1:
        groups = [(block.variable, stats[0][1] if stats else None, ps[0][2] if ps else None,
                   ps[0][0] if ps else stats[0][0])]
    else:
        groups = []
        for row, st, pv in entries:
            name = block.variable if row.label.strip() == block.variable else f"{block.variable}: {row.label}"
            groups.append((name, st, pv, row))
    for name, st, pv, row in groups:
        stat_label = st[1] if st else ""
        statistic = stat_kind(stat_label) if st else None
        named = test_names_in(stat_label)
        if st and "/" in stat_label:
            # "t/χ²": a t test for means, chi-square for counts
            statistic = "t" if block.kinds & {"mean_sd"} else "chi2"
            named = []
        test = named[0] if named else ({"t": "t-test", "chi2": "chi-square"}.get(statistic or "") if statistic else None)
        j = pv[1] if pv else st[2]  # type: ignore[index]
        prov = cell_prov(doc, t, row, j)
        p = pv[0] if pv else None
        tests.append(StatTest(test=test, statistic=statistic, stat_value=st[0] if st else None,
                              p=p[0] if p else None, p_operator=p[1] if p else None, compares=name, provenance=prov))
        text = prov.quote
        out.append(BaselineRow(variable=name, category=None, arm=None, group="comparison",
                               quantity=Quantity(kind="test_stat" if st else "p_value", text=text, start=0, end=len(text),
                                                 statistic=statistic, stat_value=st[0] if st else None,
                                                 p=p[0] if p else None, p_operator=p[1] if p else None),
                               provenance=prov))


def extract_baseline(doc: Document, arms: list[Arm]) -> tuple[list[BaselineRow], list[StatTest]]:
    out: list[BaselineRow] = []
    tests: list[StatTest] = []
    for t in doc.tables:
        kinds = table_kinds(t)
        if "baseline" not in kinds:
            continue
        b, ts = baseline_from_table(doc, t, arms, mixed="outcomes" in kinds)
        out.extend(b)
        tests.extend(ts)
    return out, tests


__all__ = ["extract_baseline", "baseline_from_table"]
