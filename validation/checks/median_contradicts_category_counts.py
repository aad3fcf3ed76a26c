"""TA108 median-contradicts-category-counts."""
from __future__ import annotations

from typing import Iterator

from trialaudit.extractor.study.categories import Interval
from trialaudit.schemas.findings import Finding
from trialaudit.schemas.study import MedianCategories, MedianCategoryColumn
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.validation.tablekit import fmt_num


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
    for mc in ctx.study.median_categories:
        yield from _judge_run(ctx, mc)


def _bounds(iv: Interval) -> tuple[float | None, float | None]:
    """Generous (low, high) limits of the values a category holds: integer bands reach to the next integer."""
    lo = iv.lo
    hi = iv.hi
    if hi is not None and iv.hi_incl and float(hi).is_integer():
        hi = hi + 1
    return lo, hi


def _judge_run(ctx: CheckContext, mc: MedianCategories) -> Iterator[Finding]:
    ivs = [None if b.remainder else Interval(b.low, b.low_inclusive, b.high, b.high_inclusive) for b in mc.bands]
    known = [iv for iv in ivs if iv is not None]
    if len(known) < 2:
        return
    for col in mc.columns:
        med = col.median
        h = 0.5 * 10 ** (-med.decimals)
        if not _plausible_scale(ivs, col.range_low, col.range_high):
            continue
        counts = col.counts
        use_counts = all(c is not None for c in counts)
        if use_counts:
            n = max(col.n or 0, sum(counts))
            shares = [(c, f"{c}") for c in counts]
            half = n / 2
        else:
            pcts = col.percents
            if any(p is None for p in pcts):
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
                    yield _finding(ctx, mc, col, n, used, shares, acc, "below", upper)
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
                    yield _finding(ctx, mc, col, n, used, shares, acc, "above", lower)
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


def _finding(ctx: CheckContext, mc: MedianCategories, col: MedianCategoryColumn, n, used, shares, acc, side: str,
             bound: float) -> Finding:
    med = col.median
    labels = [mc.bands[k].label for k in sorted(used)]
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
    where = f"{mc.table}, column '{col.column}'"
    ev = [col.median_evidence] + [col.band_evidence[k] for k in sorted(used)]
    if col.n_evidence is not None and col.n_evidence.quote not in [e.quote for e in ev]:
        ev.append(col.n_evidence)
    return ctx.finding(
        "TA108", severity="error",
        message=f"{where}: the median '{mc.median_row}' = {med.text} is impossible — {share} lie "
                f"{'below' if side == 'below' else 'above'} {b}.",
        observed=med.text, expected=expected,
        computation=f"{share}; {rule_s} (band limits read generously, the printed median ± "
                    f"{fmt_num(0.5 * 10 ** (-med.decimals), med.decimals + 1)} for rounding), but it is printed as "
                    f"{med.text}.",
        evidence=ev, key=f"{where}|{mc.median_row}|{side}",
        details={"median": med.value, "bound": bound, "side": side, "categories": labels, "n": n})
