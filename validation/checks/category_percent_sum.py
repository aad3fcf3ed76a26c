"""TA105 category-percent-sum."""
from __future__ import annotations

import re
from typing import Iterator

from trialaudit.schemas.document import Table
from trialaudit.schemas.findings import Evidence, Finding
from trialaudit.extractor.study.categories import CategoryRun, category_runs, classify, data_columns
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.extractor.rounding import sum_within_rounding
from trialaudit.validation.tablekit import (arms_are_rows, cell_count, cell_quantity, column_denominator, fmt_num,
                                 response_category, row_denominator)

_PCT_ONLY = re.compile(r"(?<!n)(?<!n )(?<!no\.)(?<!no\. )\(\s*%\s*\)|,\s*%|%\s*$|\bpercent(?:age)?\b", re.I)


@rule(code="TA105", name="category-percent-sum", severity="warning", family="arithmetic")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """The printed percentages of one variable's exclusive categories do not sum to 100% within rounding.

    What it checks:
        For each variable whose categories are recognisably mutually
        exclusive — sex, yes/no, best overall response, ECOG or other numeric
        bands (``<18``/``≥18``, ``1``/``2``/``≥3``), stages, a category and
        "Others", or categories of a variable such as "Primary tumour site" —
        the printed percentages of each arm are added up. Each printed value
        stands for a true value within half a unit of its last digit, so the
        sum must lie within 100 ± Σ half-units (e.g. ±0.15 for three
        one-decimal percentages). A sum above that is impossible for exclusive
        categories; a sum below it is flagged when the list is also complete
        (both sexes, an open-ended top band, an "Other/Unknown" row, all of
        CR/PR/SD/PD). A shortfall that only truncation explains is reported as
        info.

    Why it matters:
        Percentages of exclusive categories that do not add up mean a
        category was mistyped, a patient counted twice or left out, or the
        percentages were computed over different denominators (cells that
        print "k/N" with different N are rates within each category and are
        not summed); tables
        without group sizes can be checked only this way.

    Example:
        ``Best overall response | CR 0 (0.0) | PR 13 (26.1) | SD 28 (60.9) |
        PD 5 (10.9)``: 0.0 + 26.1 + 60.9 + 10.9 = 97.9%, outside 100 ± 0.15
        (error) — when the column has no stated n.

    Known limitations:
        Columns where every category has a count and the group size is known
        are left to percent-vs-count (TA101) and category-sum (TA102), which
        then pinpoint the wrong cell. Categories that may overlap (sites of
        metastasis, comorbidities, previous treatments) are never summed;
        variables with missing data reported without a "Missing" row are
        skipped unless the sum exceeds 100%. A block whose percentages add up
        to 100 across each row (and not down the columns) prints row
        percentages — each row's split into the columns — and is not summed
        down a column.

        Severity: warning at most, never error: which rows form one complete set of categories is inferred from the layout. On 120 real trial reports
        this rule's errors were mostly false alarms (tests/realworld/judgements.yaml), so its
        findings ask a reviewer to look rather than assert a contradiction.
    """
    for table in ctx.document.tables:
        if arms_are_rows(table, ctx.study):
            yield from _arms_as_rows(ctx, table)
        else:
            for run in category_runs(table):
                yield from _run(ctx, table, run)


def _pct_of(text: str, bare_is_percent: bool):
    """(value, decimals, exact, has_count, text) of a cell, or None when it holds no percentage."""
    t = (text or "").strip()
    if not t:
        return None
    q = cell_quantity(t)
    if q is None:
        return None
    if q.kind in ("count_percent", "fraction") and q.percent is not None:
        exact = q.percent.value == 0 and q.count is not None and q.count.value == 0
        return q.percent.value, q.percent.decimals, exact, True, q.percent.text
    if q.kind == "percent":
        num = q.value or q.percent
        return (num.value, num.decimals, False, False, num.text) if num else None
    c = cell_count(t)
    if c == 0:
        return 0.0, 0, True, True, "0"
    if bare_is_percent and q.kind in ("number", "count") and q.value is not None:
        return q.value.value, q.value.decimals, q.value.value == 0, False, q.value.text
    return None


def _judge(ctx: CheckContext, where: str, labels: list[str], vals, evidence: list[Evidence], complete: bool,
           reason: str, key: str) -> Finding | None:
    printed = [(v[0], v[1]) for v in vals]
    exact = [v[2] for v in vals]
    verdict = sum_within_rounding(printed, 100, exact)
    ctx.coverage.count("category_sets")
    if verdict.consistent:
        return None
    total = float(verdict.total)
    parts = " + ".join(v[4] for v in vals)
    slack = float(verdict.half_units)
    d = max(v[1] for v in vals)
    tot_s = f"{total:.{d}f}"
    comp = (f"{parts} = {tot_s}%; each percentage printed with d decimals stands for a value within ±0.5·10^-d, "
            f"so exclusive categories must sum to 100 ± {fmt_num(slack, d + 2)} (Σ half-units); the categories are "
            f"{reason}.")
    if total > float(verdict.high):
        return ctx.finding(
            "TA105", severity="warning",
            message=f"{where}: the percentages of mutually exclusive categories ({', '.join(labels)}) add up to "
                    f"{tot_s}%, more than 100%.",
            observed=f"{tot_s}%", expected=f"100% (±{fmt_num(slack, d + 2)})", computation=comp, evidence=evidence,
            key=key, details={"categories": labels, "sum": total, "tolerance": slack})
    if not complete:
        return None
    if verdict.truncation_only:
        return ctx.finding(
            "TA105", severity="info",
            message=f"{where}: the percentages of {', '.join(labels)} add up to {tot_s}%; only truncation of the "
                    f"percentages (not rounding) explains the shortfall.",
            observed=f"{tot_s}%", expected="100%", computation=comp + " Truncated percentages can fall short by up "
                                                                      "to Σ 10^-d.",
            evidence=evidence, key=key, rounding="truncation", changes_conclusion=False)
    return ctx.finding(
        "TA105", severity="warning",
        message=f"{where}: the percentages of {', '.join(labels)} add up to {tot_s}%, not 100% — the categories "
                f"cover every patient, so {100 - total:.{d}f} percentage points are unaccounted for.",
        observed=f"{tot_s}%", expected=f"100% (±{fmt_num(slack, d + 2)})", computation=comp, evidence=evidence, key=key,
        details={"categories": labels, "sum": total, "tolerance": slack})


def _own_denominators(texts: list[str]) -> bool:
    """The cells print their percentages as k/N of different N: rates within each category, which need not add up."""
    dens = set()
    for t in texts:
        q = cell_quantity((t or "").strip())
        if q is not None and q.kind == "fraction" and q.denominator is not None:
            dens.add(q.denominator.value)
    return len(dens) >= 2


def _bare_pct(table: Table, j: int, run: CategoryRun | None) -> bool:
    texts = [table.column_label(j)] + ([run.heading or ""] if run else [])
    return any(_PCT_ONLY.search(t) and not re.search(r"\bn\s*\(?\s*%|\bno\.\s*\(?\s*%", t, re.I) for t in texts if t)


def _run(ctx: CheckContext, table: Table, run: CategoryRun) -> Iterator[Finding]:
    if len(run.rows) < 2 or run.row_percentages:
        return  # row percentages (each row split across the columns, adding up to 100 across): not summed down
    cs = classify(run.labels, run.heading)
    if not cs.exclusive:
        return
    for j in data_columns(table):
        bare = _bare_pct(table, j, run)
        vals = [_pct_of(r.cells[j].text if j < len(r.cells) else "", bare) for r in run.rows]
        if any(v is None for v in vals) or not any(v[0] for v in vals):
            continue
        if _own_denominators([r.cells[j].text if j < len(r.cells) else "" for r in run.rows]):
            continue  # "90.4% (331/366)", "61.9% (26/42)": each category's own rate, not its share of the column
        if all(v[3] for v in vals) and column_denominator(ctx, table, j) is not None:
            continue  # counts and n known: percent-vs-count and category-sum pinpoint the cell
        where = f"{table.label}, column '{table.column_label(j)}'" + (f", '{run.variable}'" if run.variable else "")
        ev = [ctx.cell_evidence(table, r, j, role="category") for r in run.rows]
        f = _judge(ctx, where, run.labels, vals, ev, cs.complete, cs.reason,
                   key=f"{table.label}|{table.column_label(j)}|{'|'.join(run.labels)}")
        if f:
            yield f


def _arms_as_rows(ctx: CheckContext, table: Table) -> Iterator[Finding]:
    cat_cols = [j for j in data_columns(table) if response_category(table.column_label(j).split(" / ")[-1])]
    if len(cat_cols) < 2:
        return
    labels = [table.column_label(j) for j in cat_cols]
    cs = classify(labels)
    if not cs.exclusive:
        return
    for row in table.rows:
        if row.kind == "group":
            continue
        vals = [_pct_of(row.cells[j].text if j < len(row.cells) else "", "%" in table.column_label(j)) for j in cat_cols]
        if any(v is None for v in vals) or not any(v[0] for v in vals):
            continue
        if all(v[3] for v in vals) and row_denominator(ctx, table, row) is not None:
            continue
        where = f"{table.label}, row '{row.label}'"
        ev = [ctx.cell_evidence(table, row, j, role="category") for j in cat_cols]
        f = _judge(ctx, where, labels, vals, ev, cs.complete, cs.reason, key=f"{table.label}|{row.label}")
        if f:
            yield f

