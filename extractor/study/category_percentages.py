"""The percentages printed for each set of category rows (``Study.category_percentages``).

For each run of category rows (:func:`trialaudit.extractor.study.categories.category_runs`; row percentages, which
split each row across the columns, are left out) and each data column, the percentage of every category: the
percentage beside a count, a percentage cell, a zero count, or a bare number in a column or under a heading that
says its numbers are percentages ("%", "Rate (%)" but not "n (%)"). A column where a category has none, or where
all are zero, is left out. With arms as rows, the response categories printed as columns are read along each
arm's row. The categories' verdict (exclusive, complete) comes from
:func:`trialaudit.extractor.study.categories.classify`. TA105 adds them up.
"""
from __future__ import annotations

import re

from trialaudit.extractor.evidence import cell_evidence, row_evidence
from trialaudit.schemas.document import Document, Table
from trialaudit.schemas.study import Arm, CategoryPercentages, PrintedPercent, RowPercentMisfit

from .categories import CategoryRun, category_runs, classify, data_columns
from .denominators import row_percent_misfit, row_percent_table
from .tablefacts import arms_are_rows, cell_count, cell_quantity, column_denominator, response_category, row_denominator

__all__ = ["extract_category_percentages", "extract_row_percent_misfits"]

#: a label saying bare numbers are percentages ("Sex (%)", "Rate, %", "percentage"), not "n (%)"
_PCT_ONLY = re.compile(r"(?<!n)(?<!n )(?<!no\.)(?<!no\. )\(\s*%\s*\)|,\s*%|%\s*$|\bpercent(?:age)?\b", re.I)


def _pct_of(text: str, bare_is_percent: bool) -> PrintedPercent | None:
    """A cell's percentage, or None when it holds none."""
    t = (text or "").strip()
    if not t:
        return None
    q = cell_quantity(t)
    if q is None:
        return None
    if q.kind in ("count_percent", "fraction") and q.percent is not None:
        exact = q.percent.value == 0 and q.count is not None and q.count.value == 0
        return PrintedPercent(value=q.percent.value, decimals=q.percent.decimals, text=q.percent.text,
                              exact_zero=exact, with_count=True)
    if q.kind == "percent":
        num = q.value or q.percent
        return PrintedPercent(value=num.value, decimals=num.decimals, text=num.text) if num else None
    c = cell_count(t)
    if c == 0:
        return PrintedPercent(value=0.0, decimals=0, text="0", exact_zero=True, with_count=True)
    if bare_is_percent and q.kind in ("number", "count") and q.value is not None:
        return PrintedPercent(value=q.value.value, decimals=q.value.decimals, text=q.value.text,
                              exact_zero=q.value.value == 0)
    return None


def _own_denominators(texts: list[str]) -> bool:
    """The cells print their percentages as k/N of different N: rates within each category."""
    dens = set()
    for t in texts:
        q = cell_quantity((t or "").strip())
        if q is not None and q.kind == "fraction" and q.denominator is not None:
            dens.add(q.denominator.value)
    return len(dens) >= 2


def _bare_pct(table: Table, j: int, run: CategoryRun | None) -> bool:
    texts = [table.column_label(j)] + ([run.heading or ""] if run else [])
    return any(_PCT_ONLY.search(t) and not re.search(r"\bn\s*\(?\s*%|\bno\.\s*\(?\s*%", t, re.I) for t in texts if t)


def _rows_as_categories(doc: Document, arms: list[Arm], table: Table) -> list[CategoryPercentages]:
    out = []
    for run in category_runs(table):
        if len(run.rows) < 2 or run.row_percentages:
            continue
        cs = classify(run.labels, run.heading)
        for j in data_columns(table):
            bare = _bare_pct(table, j, run)
            texts = [r.cells[j].text if j < len(r.cells) else "" for r in run.rows]
            vals = [_pct_of(t, bare) for t in texts]
            if any(v is None for v in vals) or not any(v.value for v in vals):
                continue
            out.append(CategoryPercentages(
                table=table.label, orientation="rows", column=table.column_label(j), variable=run.variable,
                labels=run.labels, percents=vals, exclusive=cs.exclusive, complete=cs.complete, reason=cs.reason,
                own_denominators=_own_denominators(texts),
                n_known=all(v.with_count for v in vals) and column_denominator(doc, arms, table, j) is not None,
                evidence=[cell_evidence(doc, table, r, j, role="category") for r in run.rows]))
    return out


def _columns_as_categories(doc: Document, arms: list[Arm], table: Table) -> list[CategoryPercentages]:
    cat_cols = [j for j in data_columns(table) if response_category(table.column_label(j).split(" / ")[-1])]
    if len(cat_cols) < 2:
        return []
    labels = [table.column_label(j) for j in cat_cols]
    cs = classify(labels)
    out = []
    for row in table.rows:
        if row.kind == "group":
            continue
        vals = [_pct_of(row.cells[j].text if j < len(row.cells) else "", "%" in table.column_label(j)) for j in cat_cols]
        if any(v is None for v in vals) or not any(v.value for v in vals):
            continue
        out.append(CategoryPercentages(
            table=table.label, orientation="columns", column=row.label, labels=labels, percents=vals,
            exclusive=cs.exclusive, complete=cs.complete, reason=cs.reason,
            n_known=all(v.with_count for v in vals) and row_denominator(doc, arms, table, row) is not None,
            evidence=[cell_evidence(doc, table, row, j, role="category") for j in cat_cols]))
    return out


def extract_category_percentages(doc: Document, arms: list[Arm]) -> list[CategoryPercentages]:
    """Every set of category percentages, table by table."""
    out: list[CategoryPercentages] = []
    for table in doc.tables:
        if arms_are_rows(table, arms):
            out.extend(_columns_as_categories(doc, arms, table))
        else:
            out.extend(_rows_as_categories(doc, arms, table))
    return out


def extract_row_percent_misfits(doc: Document) -> list[RowPercentMisfit]:
    """In tables of row percentages, each row whose "n (%)" cells are its own split but for one cell."""
    out: list[RowPercentMisfit] = []
    for table in doc.tables:
        if not row_percent_table(table):
            continue
        for row in table.rows:
            i = row_percent_misfit(row)
            if i is None:
                continue
            cells = [(j, q) for j in range(1, len(row.cells))
                     if (q := cell_quantity(row.cells[j].text)) is not None and q.kind == "count_percent"
                     and q.count is not None and q.percent is not None]
            j, q = cells[i]
            out.append(RowPercentMisfit(
                table=table.label, row=row.label, column=table.column_label(j), count=int(q.count.value),
                row_total=int(sum(c.count.value for _, c in cells)), percent=q.percent,
                evidence=cell_evidence(doc, table, row, j, role="reported"),
                row_evidence=row_evidence(doc, table, row, role="row total")))
    return out
