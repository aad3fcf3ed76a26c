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
    single = single_arm_of(arms)
    roles = [col_role(c) for c in t.columns]
    groups: dict[int, GroupRef] = {}
    for j in range(1, len(t.columns)):
        if roles[j] != "data":
            continue
        g = resolve_group(t.columns[j], arms, single)
        if g is None and t.columns[j].strip():
            g = GroupRef(group_label(t.columns[j]), None)
        if g is not None:
            groups[j] = g
    stat_cols = [j for j, r in enumerate(roles) if r == "stat"]
    p_cols = [j for j, r in enumerate(roles) if r == "p"]
    out: list[BaselineRow] = []
    tests: list[StatTest] = []
    heading: str | None = None
    standalone: str | None = None       # the last row that was a variable of its own
    in_outcome = False
    block: _Block | None = None
    last_rows: list[BaselineRow] = []

    def flush() -> None:
        nonlocal block
        if block is not None and block.entries:
            _emit_tests(doc, t, block, tests, out)
        block = None

    def new_block(var: str) -> _Block:
        flush()
        return _Block(variable=var)

    for row in t.rows:
        label = row.label.strip()
        has_values = any(cell_text(row, j) for j in groups)
        stat_here = [(j, parse_number_cell(cell_text(row, j))) for j in stat_cols]
        stat_here = [(j, v) for j, v in stat_here if v is not None]
        p_here = [(j, parse_p_cell(cell_text(row, j))) for j in p_cols]
        p_here = [(j, v) for j, v in p_here if v is not None]
        if not has_values:
            if label and label[:1].islower() and last_rows:
                # a wrapped label: "Osteosarcoma subtypes, canonical" + "types, N (%)"
                for br in last_rows:
                    if br.category:
                        br.variable, br.category = f"{br.category} {label}", None
                    else:
                        br.variable = f"{br.variable} {label}"
                standalone = last_rows[0].variable
                heading = None
                continue
            if mixed:
                in_outcome = _outcome_heading(label)
            heading = label or heading
            standalone = None
            block = new_block(heading or "")
            _add_stats(block, row, stat_here, p_here, t)
            continue
        if mixed and (in_outcome or measure_of(label)):
            continue
        if _is_interval_row(row, groups) and last_rows:
            for br in last_rows:
                j = next((j for j, g in groups.items() if (g.arm.id if g.arm else None) == br.arm and
                          (None if g.arm else g.label) == br.group), None)
                iv = bare_interval(cell_text(row, j)) if j is not None else None
                if iv:
                    br.quantity = br.quantity.model_copy(update={"low": iv[0], "high": iv[1], "interval": "ci",
                                                                 "not_estimable": iv[2] or br.quantity.not_estimable})
                br.variable = f"{br.variable} {label}".strip()
            continue
        if all(cell_is_text(row.cells[j]) for j in groups if j < len(row.cells) and row.cells[j].text):
            continue  # "Retrospective study", "NCT04690231": not a quantity
        own_variable = _own_variable(label)
        if own_variable or (heading is None and not (standalone and _CATEGORY_LIKE.match(label))):
            variable, category = label, None
            heading = None
            standalone = label
            block = new_block(label)
        elif heading is None and standalone and _CATEGORY_LIKE.match(label):
            variable, category = standalone, label
        else:
            variable, category = heading or label, label
            if block is None or block.variable != variable:
                block = new_block(variable)
        if block is None:
            block = new_block(variable)
        block.rows.append(row)
        _add_stats(block, row, stat_here, p_here, t)
        last_rows = []
        split = _SPLIT_LABEL.match(label)
        for j, g in groups.items():
            txt = cell_text(row, j)
            if not txt or cell_is_text(row.cells[j]):
                continue
            prov = cell_prov(doc, t, row, j)
            if split and re.fullmatch(r"\s*\d+\s*/\s*\d+\s*", txt):
                a, b = [int(x) for x in re.findall(r"\d+", txt)]
                positions = [m.span() for m in re.finditer(r"\d+", txt)]
                for (cat, v), (a0, b0) in zip(((split.group("a"), a), (split.group("b"), b)), positions):
                    n = Num(value=float(v), text=str(v), decimals=0, start=a0, end=b0)
                    q = Quantity(kind="count", text=str(v), start=a0, end=b0, value=n, count=n)
                    br = BaselineRow(variable=split.group("var").strip(), category=cat.strip(), arm=g.arm.id if g.arm else None,
                                     group=None if g.arm else g.label, quantity=q, provenance=prov)
                    out.append(br)
                    last_rows.append(br)
                block.kinds.add("count")
                continue
            q = _quantity(txt, f"{variable} {category or ''}")
            if q is None:
                continue
            block.kinds.add(q.kind)
            br = BaselineRow(variable=variable, category=category, arm=g.arm.id if g.arm else None,
                             group=None if g.arm else g.label, quantity=q, provenance=prov)
            out.append(br)
            last_rows.append(br)
    flush()
    return out, tests


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
