"""TA108 median-contradicts-category-counts."""
from __future__ import annotations

import re
from typing import Iterator

from trialaudit.schemas.document import Table, TableRow
from trialaudit.schemas.findings import Finding
from trialaudit.extractor.study.categories import (_REMAINDER, CategoryRun, Interval, category_runs, data_columns, parse_interval,
                                   percent_column, row_kind)
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.validation.tablekit import arms_are_rows, cell_count, cell_quantity, column_denominator, fmt_num, norm_label

_MEDIAN = re.compile(r"\bmedian\b", re.I)
_STOP = {"median", "range", "iqr", "mean", "years", "year", "n", "no", "of", "the", "at", "and", "min", "max",
         "minimum", "maximum", "interquartile", "sd", "group", "groups", "category", "categories", "patients"}


def _words(s: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{2,}", (s or "").lower()) if w not in _STOP}


@rule(code="TA108", name="median-contradicts-category-counts", severity="error", family="arithmetic")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """A median is impossible given how many patients the table puts below or above a threshold.

    What it checks:
        A median row (``Age, years, median (range) | 15.5 (12–46) | 22.5
        (12–52)``) followed by threshold categories of the same variable
        (``<18 | 29 (54.7) | 15 (53.6)``, ``≥18 ...``, or bands such as
        ``12–17``, ``18–39``, ``≥40``). If more than half of the group lies
        below a threshold, the median must lie below it too (at or above it:
        the median must be at least that value). Band limits are read
        generously (``12–17`` may mean up to 18 for ages not rounded to whole
        years) and the printed median is given its rounding slack, so only
        contradictions beyond any reading are flagged. Counts are used when
        printed, otherwise percentages (more than 50% beyond their rounding).

    Why it matters:
        The median and the category counts summarise the same patients; when
        they contradict each other one of them was mistyped or computed on
        other data, and a reader cannot tell, for example, whether the group
        is mostly children or mostly adults.

    Example:
        ``IE group (n = 28)``: median age 22.5, but ``<18 | 15 (53.6)`` —
        15 of 28 patients (more than 14) are younger than 18, so the median
        must be below 18 (error).

    Known limitations:
        Only medians printed in a table row next to the categories of the
        same variable are checked (a median stated only in the text is not);
        categories must be numeric thresholds or bands; a variable reported on
        fewer patients than the column's n (missing values) is judged with the
        column's n, which keeps the rule conservative.
    """
    for table in ctx.document.tables:
        if arms_are_rows(table, ctx.study):
            continue
        runs = category_runs(table)
        dcols = data_columns(table)
        for i, row in enumerate(table.rows):
            if row.kind == "group" or not _is_median_row(table, row, dcols):
                continue
            run = _following_run(table, i, row, runs, dcols)
            if run is None:
                continue
            yield from _judge_run(ctx, table, row, run, dcols)


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
        prev = table.rows[i - 1]
        words |= _words(prev.label)
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


def _bounds(iv: Interval) -> tuple[float | None, float | None]:
    """Generous (low, high) limits of the values a category holds: integer bands reach to the next integer."""
    lo = iv.lo
    hi = iv.hi
    if hi is not None and iv.hi_incl and float(hi).is_integer():
        hi = hi + 1
    return lo, hi


def _judge_run(ctx: CheckContext, table: Table, mrow: TableRow, run: CategoryRun, dcols: list[int]) -> Iterator[Finding]:
    ivs = []
    for r in run.rows:
        if _REMAINDER.match(norm_label(r.label)):
            ivs.append(None)
            continue
        iv = parse_interval(r.label)
        if iv is None:
            return
        ivs.append(iv)
    known = [(r, iv) for r, iv in zip(run.rows, ivs) if iv is not None]
    if len(known) < 2:
        return
    for j in dcols:
        if j >= len(mrow.cells):
            continue
        q = cell_quantity(mrow.cells[j].text)
        if q is None or q.value is None:
            continue
        med = q.value
        h = 0.5 * 10 ** (-med.decimals)
        lo_r = q.low.value if q.low is not None else None
        hi_r = q.high.value if q.high is not None else None
        if not _plausible_scale(ivs, lo_r, hi_r):
            continue
        den = column_denominator(ctx, table, j)
        counts = [cell_count(r.cells[j].text) if j < len(r.cells) else None for r in run.rows]
        use_counts = all(c is not None for c in counts)
        if use_counts:
            n = max(den.n if den else 0, sum(counts))
            shares = [(c, f"{c}") for c in counts]
            half = n / 2
        else:
            pcts = []
            for r in run.rows:
                pq = cell_quantity(r.cells[j].text) if j < len(r.cells) else None
                p = pq.percent if pq is not None and pq.percent is not None else None
                if p is None and pq is not None and pq.kind in ("number", "count", "percent") and \
                        (pq.kind == "percent" or percent_column(table, j)):
                    p = pq.value or pq.percent
                if p is None:
                    break
                pcts.append(p)
            if len(pcts) != len(run.rows):
                continue
            shares = [(p.value - 0.5 * 10 ** (-p.decimals), f"{p.text}%") for p in pcts]
            n, half = None, 50.0
        order = sorted([k for k, iv in enumerate(ivs) if iv is not None],
                       key=lambda k: (_bounds(ivs[k])[0] if _bounds(ivs[k])[0] is not None else float("-inf")))
        # from below: the lowest categories holding more than half bound the median from above
        acc, used = 0.0, []
        for k in order:
            acc += shares[k][0]
            used.append(k)
            upper = _bounds(ivs[k])[1]
            if upper is None:
                break
            if acc > half:
                if med.value - h > upper:
                    yield _finding(ctx, table, mrow, run, j, med, n, used, shares, acc, "below", upper)
                break
        acc, used = 0.0, []
        for k in reversed(order):
            acc += shares[k][0]
            used.append(k)
            lower = _bounds(ivs[k])[0]
            if lower is None:
                break
            if acc > half:
                if med.value + h < lower:
                    yield _finding(ctx, table, mrow, run, j, med, n, used, shares, acc, "above", lower)
                break


def _plausible_scale(ivs, lo_r, hi_r) -> bool:
    """The categories must describe the median's variable: their thresholds lie inside the printed range,
    or (without a range) at least one category is a comparator or band rather than a bare value."""
    bounds = [b for iv in ivs if iv is not None for b in (iv.lo, iv.hi) if b is not None]
    if not bounds:
        return False
    if lo_r is not None and hi_r is not None and lo_r <= hi_r:
        return all(lo_r <= b <= hi_r + 1 for b in bounds)
    return any(iv is not None and (iv.lo is None or iv.hi is None or iv.lo != iv.hi) for iv in ivs)


def _finding(ctx: CheckContext, table: Table, mrow: TableRow, run: CategoryRun, j: int, med, n, used, shares, acc,
             side: str, bound: float) -> Finding:
    labels = [run.rows[k].label for k in sorted(used)]
    col = table.column_label(j)
    parts = " + ".join(shares[k][1] for k in sorted(used))
    cats = " and ".join(f"'{x}'" for x in labels)
    b = fmt_num(bound, 2)
    if n is not None:
        total = f"{parts} = {fmt_num(acc, 0)}" if len(used) > 1 else parts
        share = f"{total} of n = {n} patients (more than {fmt_num(n / 2, 1)})"
    else:
        share = f"{parts} (at least {fmt_num(acc, 2)}% after rounding, more than 50%)"
    if side == "below":
        expected = f"at most {b}"
        rule_s = f"more than half of the patients are in {cats}, i.e. at most {b}, so the median is at most {b}"
    else:
        expected = f"at least {b}"
        rule_s = f"more than half of the patients are in {cats}, i.e. at least {b}, so the median is at least {b}"
    where = f"{table.label}, column '{col}'"
    ev = [ctx.cell_evidence(table, mrow, j, role="median")] + \
         [ctx.cell_evidence(table, run.rows[k], j, role="category") for k in sorted(used)]
    den = column_denominator(ctx, table, j)
    if den is not None and den.evidence.quote not in [e.quote for e in ev]:
        ev.append(den.evidence)
    return ctx.finding(
        "TA108", severity="error",
        message=f"{where}: the median '{mrow.label}' = {med.text} is impossible — {share} lie "
                f"{'below' if side == 'below' else 'above'} {b}.",
        observed=med.text, expected=expected,
        computation=f"{share}; {rule_s} (band limits read generously, the printed median ± "
                    f"{fmt_num(0.5 * 10 ** (-med.decimals), med.decimals + 1)} for rounding), but it is printed as "
                    f"{med.text}.",
        evidence=ev, key=f"{where}|{mrow.label}|{side}",
        details={"median": med.value, "bound": bound, "side": side, "categories": labels, "n": n})
