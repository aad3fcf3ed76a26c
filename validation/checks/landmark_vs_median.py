"""TA209 landmark-vs-median."""
from __future__ import annotations

from typing import Iterator

from trialaudit.extractor.rounding import rounding_interval
from trialaudit.extractor.study.survival import months
from trialaudit.schemas.findings import Finding
from trialaudit.schemas.study import KaplanMeierMedian, LandmarkRate
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule


def _violations(t_m: float, med: KaplanMeierMedian, r_lo: float, r_hi: float) -> list[tuple[str, str, str, str]]:
    """(quantile, required, explanation, severity) for each quantile the landmark contradicts."""
    out = []
    qs = [(0.5, "median", med.value)]
    if med.q1 is not None and med.q3 is not None:
        qs += [(0.75, "first quartile (Q1)", med.q1), (0.25, "third quartile (Q3)", med.q3)]
    for s, name, num in qs:
        lo, hi = rounding_interval(num.value, num.decimals)
        lo_m, hi_m = months(lo, med.unit), months(hi, med.unit)
        pct = 100 * s
        if t_m < lo_m and r_hi < pct:
            out.append((name, f"≥ {pct:g}%", f"the landmark is before the {name} ({num.text} {med.unit}), and "
                                            f"until then the Kaplan–Meier curve stays at or above {pct:g}%"))
        elif t_m >= hi_m and r_lo > pct:
            out.append((name, f"≤ {pct:g}%", f"the landmark is at or after the {name} ({num.text} {med.unit}), "
                                            f"from which on the Kaplan–Meier curve is at {pct:g}% or below"))
        elif s == 0.5 and t_m < lo_m and r_lo >= pct + 5 and (lo_m - t_m) <= max(0.5, 0.05 * lo_m):
            # possible only if the curve falls steeply in the short gap before the median
            drop = 100 * (1 - pct / r_lo)
            out.append((name, f"close to {pct:g}%",
                        f"the landmark is only {lo_m - t_m:.2f} months before the {name} ({num.text} {med.unit}), so "
                        f"the curve would have to fall from ≥ {r_lo:.1f}% to {pct:g}% within that gap — at least "
                        f"{drop:.0f}% of the patients still at risk having an event in {lo_m - t_m:.2f} months", "warning"))
    return [x if len(x) == 4 else (*x, "error") for x in out]


def _num_of(med: KaplanMeierMedian, name: str) -> str:
    if name.startswith("median"):
        return med.value.text
    if "Q1" in name and med.q1 is not None:
        return med.q1.text
    if med.q3 is not None:
        return med.q3.text
    return med.value.text


@rule(code="TA209", name="landmark-vs-median", severity="error", family="statistics")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """A landmark survival rate is impossible given the Kaplan–Meier median (or quartiles) of the same curve.

    What it checks:
        The Kaplan–Meier median is the first time the curve reaches 50%, so
        a landmark rate at a time before the median must be ≥ 50% and one at
        or after the median ≤ 50%; likewise 75% for the first quartile and
        25% for the third when a KM median is printed with its quartiles
        (Q1, Q3). Landmark rows under a median row in a table ("Progression-
        free survival, median (95% CI)" followed by "6 months, % (95% CI)")
        and a median with a landmark of the same endpoint in one clause of
        text are compared, allowing for the rounding of every printed value.
        Per-arm lists in one paragraph ("Median OS was 14.2 months ... in A and
        11.1 months ... in B. The 12-month OS rates were 58.4% and 46.1%")
        are paired in their printed order.

    Why it matters:
        Both numbers are read from the same curve; when they cannot coexist,
        either the median, the landmark rate or the time point is wrong, and
        survival claims built on them are unreliable.

    Example:
        Median OS 18.1 months with 57.9% alive at 18 months is possible only
        if ≥ 14% of the patients at risk have an event in the 0.1 months
        before the median (warning: implausible). ``KM median 11.7 (Q1 7.6, Q3 15.7)`` with "12 months,
        56.8%" is impossible: at 12 ≥ 11.7 months the curve is ≤ 50% (error).

    Known limitations:
        Times in different units are converted to months; a table whose
        median unit cannot be determined is skipped. Medians and landmarks
        of different arms or populations in one sentence are not paired.
    """
    ctx.coverage.count("tests", 0)  # its findings are about reported test results
    for lr in ctx.study.survival_landmarks:
        for name, required, why, sev in _violations(lr.months, lr.median, lr.low, lr.high):
            yield _finding(ctx, lr, name, required, why, sev)


def _finding(ctx: CheckContext, lr: LandmarkRate, name: str, required: str, why: str, sev: str) -> Finding:
    med = lr.median
    verdict = "impossible" if sev == "error" else "implausible"
    t, tu, ep = lr.time, lr.time_unit, lr.endpoint
    if lr.source == "table":
        return ctx.finding(
            "TA209", severity=sev,
            message=f"{lr.where}: '{ep}' {lr.rate} is {verdict} with a KM {name} of {_num_of(med, name)} {med.unit}: "
                    f"{why}.",
            observed=f"{ep}: {lr.rate}; KM {name}: {_num_of(med, name)} {med.unit}",
            expected=f"rate {required}",
            computation=f"KM quantiles are the first times the curve reaches 50% (median), 75% (Q1) and "
                        f"25% (Q3). Landmark {t} {tu} = {lr.months:.2f} months; {why}; "
                        f"the printed rate {lr.rate} (allowing for rounding) is not {required}.",
            evidence=[lr.evidence, med.evidence], key=f"{lr.key}|{name}")
    if lr.source == "text":
        return ctx.finding(
            "TA209", severity=sev,
            message=f"'{lr.where[:160]}': a {t}-{tu} {ep} rate of {lr.rate} is {verdict} with a median {ep} of "
                    f"{med.value.text} {med.unit}: {why}.",
            observed=f"{t} {tu}: {lr.rate}; median {med.value.text} {med.unit}",
            expected=f"rate {required}",
            computation=f"The KM median is the first time the curve reaches 50%; landmark {lr.months:.2f} months; {why}.",
            evidence=[lr.evidence, med.evidence], key=lr.key)
    return ctx.finding(
        "TA209", severity=sev,
        message=f"A {t}-{tu} {ep} rate of {lr.rate} is {verdict} with the median {ep} of {med.value.text} {med.unit} "
                f"listed in the same position: {why}.",
        observed=f"{t} {tu}: {lr.rate}; median {med.value.text} {med.unit}",
        expected=f"rate {required}",
        computation=f"Medians and landmark rates are listed in the same (arm) order; the KM median is the first time "
                    f"the curve reaches 50%; landmark {lr.months:.2f} months; {why}.",
        evidence=[lr.evidence, med.evidence], key=lr.key)
