"""TA208 interval-order."""
from __future__ import annotations

import re
from typing import Iterator

from trialaudit.schemas.findings import Evidence, Finding
from trialaudit.schemas.quantities import Num
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.extractor.rounding import rounding_interval

from trialaudit.schemas.study import TableInterval

_KIND_WORDS = {"ci": "confidence interval", "iqr": "interquartile range", "range": "range",
               "unspecified": "interval"}


def _scale_mismatch(v: Num, lo: Num, hi: Num) -> bool:
    """A percentage with bounds printed as proportions (or the reverse); never an interval with a negative bound, which
    no proportion has ("4.6 (−16.3 to 7.1)": 0.046 lies inside, but nothing is on another scale)."""
    if min(v.value, lo.value, hi.value) < 0:
        return False
    for f in (100.0, 0.01):
        if lo.value <= v.value / f <= hi.value:
            return True
    return False




def _sign_dropped(ctx: CheckContext, v: Num, lo: Num, hi: Num, where: str, evidence: list[Evidence],
                  key: str) -> Finding | None:
    """'4.6 (95% CI −16.3 to 7.1)': the estimate lies inside its interval, but the interval is centred on −4.6, not on
    4.6 — the estimate lost its minus sign (a difference's confidence interval is the estimate ± a margin). Only when
    the negated estimate is the centre within rounding and the printed one is not; ratios (positive bounds) and
    asymmetric intervals that are centred on neither are left alone."""
    if v.value == 0 or lo.value >= hi.value or re.search(r"\bmedians?\b", where, re.I):
        return None  # a difference of medians may have an asymmetric interval (Hodges–Lehmann, bootstrap)
    h = lambda n: 0.5 * 10 ** (-n.decimals)  # noqa: E731
    tol = h(lo) / 2 + h(hi) / 2 + h(v) + 1e-9
    mid = (lo.value + hi.value) / 2
    if tol > 0.2 * (hi.value - lo.value) / 2:
        return None  # bounds printed too coarsely ("(–2.3, 2)") to place the centre
    if abs(mid + v.value) > tol or abs(mid - v.value) <= max(tol, 0.1 * (hi.value - lo.value) / 2):
        return None
    printed = f"{v.text} ({lo.text}, {hi.text})"
    return ctx.finding(
        "TA208", severity="warning",
        message=f"{where}: {printed} — the confidence interval is centred on {-v.value:g}, not on the estimate "
                f"{v.text}: the estimate's minus sign appears to be missing (or added).",
        observed=printed, expected=f"an estimate of {-v.value:g}, the centre of its interval",
        computation=f"centre of the interval ({lo.text} + {hi.text}) / 2 = {mid:g}; the negated estimate {-v.value:g} "
                    f"is the centre within the rounding of the printed values (±{tol:.3g}), the printed estimate is "
                    f"{abs(mid - v.value):g} away from it.",
        evidence=evidence, key=key + "|sign", details={"sign_dropped": True, "centre": mid})


def _difference(v: Num, lo: Num, hi: Num) -> bool:
    """'6.50 (19.83-13.33)': the bracket holds the two values whose difference is printed first."""
    tol = 10 ** (-max(v.decimals, lo.decimals, hi.decimals)) * 1.5
    return abs(abs(lo.value - hi.value) - abs(v.value)) <= tol


def _judge(ctx: CheckContext, v: Num, lo: Num, hi: Num, kind: str, where: str, evidence: list[Evidence],
           key: str, labelled: bool = True, direction: bool = False) -> Finding | None:
    """Error when the interval's kind is printed; an unlabelled bracket ("a (b-c)") is a warning at most.
    ``direction``: the wording or the labels state a direction, so the value may be printed as a magnitude."""
    a, b = min(lo.value, hi.value), max(lo.value, hi.value)
    if direction and (v.value > 0 and b < 0 and a <= -v.value <= b or v.value < 0 and a > 0 and a <= -v.value <= b):
        # "a loss of 0.89 kg (95% CI −1.53, −0.25)", "declined by 0.7% (95% CI −0.4 to −1.0)": the sign is in the
        # wording, and the signed bounds may be listed by the size of the change (smallest decline first)
        return None
    if kind in ("range", "unspecified") and lo.value > hi.value and ctx.study.range_order_declarations:
        lo, hi = hi, lo  # "Median Range (Maximum- Minimum)": the article prints ranges largest first
    f = _judge_core(ctx, v, lo, hi, kind, where, evidence, key)
    if f is None and kind == "ci" and labelled:
        f = _sign_dropped(ctx, v, lo, hi, where, evidence, key)
    if f is not None and not labelled:
        if _difference(v, lo, hi):
            return None
        f = f.model_copy(update={"severity": "warning"})
    return f


#: "−03" for −0.3: a whole number with a leading zero is a misprinted decimal
_LEADING_ZERO = re.compile(r"[−\-–]?0\d+")


def _judge_core(ctx: CheckContext, v: Num, lo: Num, hi: Num, kind: str, where: str, evidence: list[Evidence],
                key: str) -> Finding | None:
    lo_lo, lo_hi = rounding_interval(lo.value, lo.decimals)
    hi_lo, hi_hi = rounding_interval(hi.value, hi.decimals)
    v_lo, v_hi = rounding_interval(v.value, v.decimals)
    what = _KIND_WORDS.get(kind, "interval")
    if kind == "iqr":
        names = ("Q1", "median", "Q3")
    elif kind == "range":
        names = ("minimum", "median", "maximum")
    else:
        names = ("lower bound", "estimate", "upper bound")
    printed = f"{v.text} ({lo.text}, {hi.text})"
    if lo_lo > hi_hi:
        inside = hi_lo <= v_hi and v_lo <= lo_hi   # the estimate lies between the two bounds, in either order
        misprint = next((b.text for b in (lo, hi) if _LEADING_ZERO.fullmatch(b.text.strip())), None)
        if misprint is not None:
            severity, how = "error", f"and the bound {misprint} is misprinted (a leading zero, no decimal point)"
        elif not inside:
            severity, how = "error", (f"and {names[1]} {v.text} lies outside it in either order")
        elif lo.value < 0 and hi.value < 0:
            # "−0.87 (95% CI −0.42 to −1.32)": negative bounds listed by size, smallest change first
            severity, how = "info", "but the estimate lies between them: negative bounds listed by their size"
        else:
            severity, how = "warning", "but the estimate lies between them: the bounds are printed high–low"
        return ctx.finding(
            "TA208", severity=severity,
            message=f"{where}: the {what} of {printed} is reversed: {names[0]} {lo.text} > {names[2]} {hi.text}, "
                    f"{how}.",
            observed=printed, expected=f"{names[0]} ≤ {names[2]}", computation=f"{lo.text} > {hi.text}.",
            evidence=evidence, key=key + "|reversed")
    below = v_hi < lo_lo
    above = v_lo > hi_hi
    if not (below or above):
        return None
    if _scale_mismatch(v, lo, hi):
        return None
    rel = f"{names[1]} {v.text} {'<' if below else '>'} {names[0] if below else names[2]} " \
          f"{lo.text if below else hi.text}"
    flipped = v.value != 0 and lo_lo <= -v.value <= hi_hi   # −v lies inside: the estimate's sign is the odd one
    return ctx.finding(
        "TA208", severity="error",
        message=f"{where}: {printed} — the {names[1]} lies outside its own {what} ({rel}).",
        observed=printed, expected=f"{names[0]} ≤ {names[1]} ≤ {names[2]}",
        computation=f"{rel}, even allowing for the rounding of the printed values; an estimate always lies within "
                    f"its {what}.",
        evidence=evidence, key=key + "|outside", details={"sign_flipped": flipped})


def _merge_sign_flips(ctx: CheckContext, found: list[tuple[TableInterval, Finding]]) -> list[Finding]:
    """One problem, one finding: two or more estimates of one column whose sign is opposite to their intervals
    (the column mixes two sign conventions) become one finding naming every row; other findings stay as they are."""
    by_col: dict[int, list[Finding]] = {}
    for ti, f in found:
        if (f.details or {}).get("sign_flipped"):
            by_col.setdefault(ti.column, []).append(f)
    merged = {j: fs for j, fs in by_col.items() if len(fs) >= 2}
    out = [f for ti, f in found if ti.column not in merged or not (f.details or {}).get("sign_flipped")]
    first = found[0][0] if found else None
    for j, fs in merged.items():
        col = next(ti.column_label for ti, _ in found if ti.column == j)
        table_label = first.table_label if first else ""
        listed = "; ".join(f.observed or "" for f in fs)
        out.append(ctx.finding(
            "TA208", severity="error",
            message=f"{table_label}, column '{col}': {len(fs)} estimates lie outside their own intervals with the "
                    f"opposite sign ({listed}) — the estimates and their intervals follow two sign conventions.",
            observed=listed, expected="each estimate inside its interval, one sign convention",
            computation=(f"In each row the estimate lies outside its interval even allowing for the rounding of the printed "
                         f"values, while the estimate with its sign changed lies inside: {listed}. An estimate always "
                         f"lies within its own interval."),
            evidence=[e for f in fs for e in f.evidence], key=f"{table_label}|{col}|sign-flipped",
            details={"rows": len(fs), "sign_flipped": True}))
    return out




@rule(code="TA208", name="interval-order", severity="error", family="statistics")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """An estimate lies outside its own interval, or an interval's bounds are reversed.

    What it checks:
        Every estimate printed with an interval, in tables and text: medians
        with 95% CIs, IQRs (Q1 ≤ median ≤ Q3) and ranges (min ≤ median ≤
        max), rates and means with CIs — including a rate row followed by a
        ``95% CI`` row. The lower bound must not exceed the upper one and the
        estimate must lie between them, after allowing for the rounding of
        each printed number. Ratios (HR/OR/RR) are left to TA204.

    Why it matters:
        An estimate outside its interval is impossible; it means a bound or
        the estimate was mistyped, or the interval belongs to another row.

    Example:
        ``Median PFS 5.5 (95% CI 5.9, 6.4) months``: 5.5 < 5.9 (error).
        ``Time since diagnosis, median (IQR) 12.1 (18.8, 5.4)``: reversed, the median between the
        bounds (warning: printed high–low); ``−0.87 (95% CI −0.42 to −1.32)``: negative bounds listed by
        size (info); ``−0.2 (−0.5, −3)``: reversed and outside in either order (error).

    Known limitations:
        An error needs the interval's kind printed (95% CI, IQR, range in the
        quantity, its row, column or caption); an unlabelled bracket
        ("6.50 (19.83-13.33)") is a warning at most, and none when the first
        number is the difference of the two in brackets. A bracket holding an
        SD before the CI is skipped. Bounds printed on another scale than the
        estimate (proportions vs percentages) are skipped. Intervals printed as "not reached" are
        not checked. When the article declares that ranges are printed maximum first ("Median Range
        (Maximum- Minimum)", ``Study.range_order_declarations``), a range or unlabelled bracket is read in
        either order, so only a median outside it is flagged.
    """
    ctx.coverage.count("ratios", 0)  # its findings are about ratios/intervals (counted by TA204)
    by_table: dict[int, list[tuple[TableInterval, Finding]]] = {}
    for ti in ctx.study.table_intervals:
        found = by_table.setdefault(ti.table, [])
        key = f"{ti.table_label}|{ti.row}|{ti.column_label}" + ("|ci-row" if ti.ci_row else "")
        f = _judge(ctx, ti.value, ti.low, ti.high, ti.kind, ti.where, ti.evidence, key=key,
                   labelled=ti.labelled, direction=ti.direction_stated)
        if f:
            found.append((ti, f))
    for found in by_table.values():
        yield from _merge_sign_flips(ctx, found)
    for ti in ctx.study.text_intervals:
        f = _judge(ctx, ti.value, ti.low, ti.high, ti.kind, f"'{ti.text}'", [ti.evidence],
                   key=f"text|{ti.text}", labelled=ti.labelled, direction=ti.direction_stated)
        if f:
            yield f
