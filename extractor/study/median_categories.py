"""Median rows followed by threshold categories of the same variable (``Study.median_categories``).

"Age, years, median (range) | 15.5 (12–46) | 22.5 (12–52)" then "<18 | 29 (54.7) | 15 (53.6)", "≥18 | ...": the
median row (a summary row whose label or group says median), the category run right after it (at most three
summary rows between; a heading row must share a word with the median's variable), each category read as a band
(:func:`trialaudit.extractor.study.categories.parse_interval`; "Unknown", "Other" as remainders; a run with a
label that is neither is skipped), and per data column the median printed, its range or IQR bounds, the column's
n and each band's count and percentage. Tables with arms as rows are skipped. TA108 judges whether more than half
of the patients lie beyond a threshold the median does not.
"""
from __future__ import annotations

import re

from trialaudit.extractor.evidence import cell_evidence
from trialaudit.schemas.document import Document, Table, TableRow
from trialaudit.schemas.quantities import Num
from trialaudit.schemas.study import Arm, CategoryBand, MedianCategories, MedianCategoryColumn

from .categories import _REMAINDER, CategoryRun, category_runs, data_columns, parse_interval, percent_column, row_kind
from .tablefacts import arms_are_rows, cell_count, cell_quantity, column_denominator, norm_label

__all__ = ["extract_median_categories"]

_MEDIAN = re.compile(r"\bmedian\b", re.I)
_STOP = {"median", "range", "iqr", "mean", "years", "year", "n", "no", "of", "the", "at", "and", "min", "max",
         "minimum", "maximum", "interquartile", "sd", "group", "groups", "category", "categories", "patients"}


def _words(s: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{2,}", (s or "").lower()) if w not in _STOP}


def _is_median_row(table: Table, row: TableRow, dcols: list[int]) -> bool:
    if _MEDIAN.search(row.label) or (row.group and _MEDIAN.search(row.group) and not re.search(r"n\s*\(%\)", row.group)):
        return row_kind(table, row, dcols) == "summary"
    return False


def _variable_words(table: Table, i: int, row: TableRow) -> set[str]:
    words = _words(row.label)
    if row.group:
        words |= _words(row.group)
    if row.label.strip().lower().startswith("median") and i > 0:
        # "Age (years)" heading then "Median": the heading names the variable
        words |= _words(table.rows[i - 1].label)
    return words


def _following_run(table: Table, i: int, row: TableRow, runs: list[CategoryRun], dcols: list[int]) -> CategoryRun | None:
    """The category run of the same variable right after the median row (summary rows may sit between)."""
    j = i + 1
    while j < len(table.rows) and row_kind(table, table.rows[j], dcols) == "summary" and j - i <= 3:
        if _MEDIAN.search(table.rows[j].label):
            return None
        j += 1
    if j >= len(table.rows):
        return None
    nxt = table.rows[j]
    var = _variable_words(table, i, row)
    for run in runs:
        if not run.rows:
            continue
        if run.rows[0].index == nxt.index and run.heading_row is None:
            return run
        if run.heading_row is not None and run.heading_row.index == nxt.index and var & _words(run.heading or ""):
            return run
    return None


def _bands(run: CategoryRun) -> list[CategoryBand] | None:
    out = []
    for r in run.rows:
        if _REMAINDER.match(norm_label(r.label)):
            out.append(CategoryBand(label=r.label, remainder=True))
            continue
        iv = parse_interval(r.label)
        if iv is None:
            return None
        out.append(CategoryBand(label=r.label, low=iv.lo, low_inclusive=iv.lo_incl, high=iv.hi,
                                high_inclusive=iv.hi_incl))
    return out


def _percent(table: Table, row: TableRow, j: int) -> Num | None:
    pq = cell_quantity(row.cells[j].text) if j < len(row.cells) else None
    p = pq.percent if pq is not None and pq.percent is not None else None
    if p is None and pq is not None and pq.kind in ("number", "count", "percent") and \
            (pq.kind == "percent" or percent_column(table, j)):
        p = pq.value or pq.percent
    return p


def _columns(doc: Document, arms: list[Arm], table: Table, mrow: TableRow, run: CategoryRun,
             dcols: list[int]) -> list[MedianCategoryColumn]:
    out = []
    for j in dcols:
        if j >= len(mrow.cells):
            continue
        q = cell_quantity(mrow.cells[j].text)
        if q is None or q.value is None:
            continue
        den = column_denominator(doc, arms, table, j)
        out.append(MedianCategoryColumn(
            column=table.column_label(j), median=q.value,
            range_low=q.low.value if q.low is not None else None,
            range_high=q.high.value if q.high is not None else None,
            n=den.n if den else None, n_evidence=den.evidence if den else None,
            counts=[cell_count(r.cells[j].text) if j < len(r.cells) else None for r in run.rows],
            percents=[_percent(table, r, j) for r in run.rows],
            median_evidence=cell_evidence(doc, table, mrow, j, role="median"),
            band_evidence=[cell_evidence(doc, table, r, j, role="category") for r in run.rows]))
    return out


def extract_median_categories(doc: Document, arms: list[Arm]) -> list[MedianCategories]:
    """Every median row followed by threshold categories of its variable, table by table."""
    out: list[MedianCategories] = []
    for table in doc.tables:
        if arms_are_rows(table, arms):
            continue
        runs = category_runs(table)
        dcols = data_columns(table)
        for i, row in enumerate(table.rows):
            if row.kind == "group" or not _is_median_row(table, row, dcols):
                continue
            run = _following_run(table, i, row, runs, dcols)
            if run is None:
                continue
            bands = _bands(run)
            if bands is None:
                continue
            out.append(MedianCategories(table=table.label, median_row=row.label, bands=bands,
                                        columns=_columns(doc, arms, table, row, run, dcols)))
    return out
