"""TA204 ratio-ci-inconsistent."""
from __future__ import annotations

import math
from typing import Iterator

from trialaudit.schemas.findings import Finding
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.extractor.rounding import rounding_interval

from ._stat_helpers import ratio_items

#: asymmetry allowed beyond rounding, as a share of the CI half-width on the log scale
#: (profile-likelihood and exact intervals are not exactly symmetric)
_SLACK = 0.10


@rule(code="TA204", name="ratio-ci-inconsistent", severity="error", family="statistics")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """A hazard, odds or risk ratio lies outside its confidence interval or far from the interval's geometric centre.

    What it checks:
        Every HR/OR/RR printed with a CI, in text ("hazard ratio, 0.60; 95%
        CI: 0.37, 0.98") and tables (``HR | 95% CI`` columns or ``0.60
        (0.37–0.98)`` cells). Ratio CIs are symmetric on the log scale, so
        the estimate must lie inside the interval (error otherwise, also for
        a reversed interval) and at its geometric midpoint √(L·U), within
        the rounding of the printed numbers plus a small allowance for
        asymmetric (profile-likelihood, exact) intervals (warning).

    Why it matters:
        An estimate outside or off-centre of its interval means one of the
        three numbers was mistyped or belongs to another analysis; readers
        and meta-analysts take the CI to compute standard errors.

    Example:
        ``HR 0.60 (95% CI 0.37–0.98)``: √(0.37 × 0.98) = 0.602, consistent.
        ``HR 0.80 (95% CI 0.37–0.98)``: the centre is 0.60, and 0.80 is
        0.58 half-widths away on the log scale (warning).

    Known limitations:
        Intervals from methods that are strongly asymmetric on the log scale
        (small-sample exact intervals) can be flagged; the message gives the
        centre so a reviewer can judge. When the article declares its
        intervals bootstrap (percentile, BCa) intervals
        (``Study.named_tests.bootstrap_intervals``) the centre is not
        checked, only that the estimate lies inside its interval.
    """
    for it in ratio_items(ctx):
        ctx.coverage.count("ratios")
        e, l, h = it.est, it.low, it.high
        e_lo, e_hi = rounding_interval(e.value, e.decimals)
        l_lo, l_hi = rounding_interval(l.value, l.decimals)
        h_lo, h_hi = rounding_interval(h.value, h.decimals)
        printed = f"{it.ratio_type} {e.text} ({it.level:g}% CI {l.text}–{h.text})"
        if l_lo > h_hi:
            yield ctx.finding(
                "TA204", severity="error", message=f"{it.where}: the interval of {printed} is reversed "
                                                   f"(lower bound above upper bound).",
                observed=printed, expected="lower bound ≤ upper bound",
                computation=f"{l.text} > {h.text}.", evidence=it.evidence, key=it.key + "|reversed")
            continue
        if e_hi < l_lo or e_lo > h_hi:
            yield ctx.finding(
                "TA204", severity="error",
                message=f"{it.where}: the estimate {e.text} lies outside its own confidence interval "
                        f"{l.text}–{h.text}.",
                observed=printed, expected=f"{l.text} ≤ {it.ratio_type} ≤ {h.text}",
                computation=f"{e.text} {'<' if e_hi < l_lo else '>'} {l.text if e_hi < l_lo else h.text} even "
                            f"allowing for rounding of the printed values.",
                evidence=it.evidence, key=it.key + "|outside")
            continue
        if min(e_lo, l_lo, h_lo) <= 0 or ctx.study.named_tests.bootstrap_intervals:
            continue  # bootstrap (percentile, BCa) intervals need not be centred on the estimate on any scale
        mid_lo = (math.log(l_lo) + math.log(h_lo)) / 2
        mid_hi = (math.log(l_hi) + math.log(h_hi)) / 2
        le_lo, le_hi = math.log(e_lo), math.log(e_hi)
        gap = max(0.0, mid_lo - le_hi, le_lo - mid_hi)
        w = (math.log(h.value) - math.log(l.value)) / 2
        if w <= 0 or gap <= max(_SLACK * w, 0.01):
            continue
        centre = math.sqrt(l.value * h.value)
        share = (abs(math.log(e.value) - math.log(centre))) / w
        yield ctx.finding(
            "TA204", severity="warning",
            message=f"{it.where}: {printed} is not centred: the interval's geometric midpoint is {centre:.3g}, "
                    f"{share:.2f} half-widths away from the estimate on the log scale.",
            observed=printed, expected=f"{it.ratio_type} ≈ √({l.text} × {h.text}) = {centre:.3g}",
            computation=(f"ln {e.text} = {math.log(e.value):.4f}; midpoint (ln {l.text} + ln {h.text})/2 = "
                         f"{math.log(centre):.4f}, between {mid_lo:.4f} and {mid_hi:.4f} given the rounding of the "
                         f"bounds; ln-scale half-width {w:.4f}. The distance beyond rounding ({gap:.4f}) exceeds "
                         f"{_SLACK:.0%} of the half-width allowed for asymmetric interval methods."),
            evidence=it.evidence, key=it.key + "|centre",
            details={"estimate": e.value, "low": l.value, "high": h.value, "centre": centre, "share": share})
