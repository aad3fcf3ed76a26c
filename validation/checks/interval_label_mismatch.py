"""TA308 interval-label-mismatch."""
from __future__ import annotations

from typing import Iterator

from trialaudit.schemas.findings import Finding
from trialaudit.schemas.study import ReportedValue as Reported
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.validation.values import num_equal

_NAME = {"ci": "95% confidence interval", "iqr": "interquartile range", "range": "range"}
_A = {"ci": "a", "iqr": "an", "range": "a"}


def _same_numbers(a: Reported, b: Reported) -> bool:
    return (a.value is not None and b.value is not None and num_equal(a.value, b.value) and a.value.decimals ==
            b.value.decimals and a.low is not None and b.low is not None and a.high is not None and b.high is not None
            and num_equal(a.low, b.low) and num_equal(a.high, b.high))


@rule(code="TA308", name="interval-label-mismatch", severity="warning", family="consistency")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """The same value and bounds are labelled a 95% CI in one place and an IQR (or range) in another.

    What it checks:
        Every reported value with an interval (from sentences and tables,
        see TA307) whose interval is labelled — "95% CI", "IQR", "Q1, Q3",
        "interquartile range", "range", "minimum, maximum" — is compared with
        the others of the same measure. The same point value and the same two
        bounds labelled as different kinds of interval are reported.

    Why it matters:
        A confidence interval describes the precision of the median; an
        interquartile range describes the spread of patients' times. They are
        not interchangeable: a meta-analysis that pools the "CI" would use a
        spread as a precision and get the weights wrong.

    Example:
        Results: "median EFS of 11.4 (IQR, 7.5–17.1) months"; Table III: "KM,
        median (95% CI) | 11.4 (7.5, 17.1)" — the same numbers labelled IQR
        and 95% CI (warning).

    Known limitations:
        Intervals whose label is missing ("11.4 (7.5, 17.1)" with no label in
        the row, column or sentence) are not compared. Only the measures the
        reported-values reader knows (survival endpoints, response rates,
        follow-up) are read.
    """
    rvs = [r for r in ctx.study.reported_values if r.interval in _NAME]
    groups: list[list[Reported]] = []
    for r in rvs:
        for g in groups:
            if g[0].measure == r.measure and _same_numbers(g[0], r):
                g.append(r)
                break
        else:
            groups.append([r])
    for g in groups:
        labels: dict[str, Reported] = {}
        for r in g:
            labels.setdefault(r.interval, r)
        if len(labels) < 2:
            continue
        a = g[0]
        parts = [f"{_A[k]} {_NAME[k]} in {r.where}" for k, r in labels.items()]
        yield ctx.finding(
            "TA308", severity="warning",
            message=(f"{a.measure}: {a.value.text} ({a.low.text}–{a.high.text}) is labelled "
                     + "; ".join(parts[:-1]) + f" but {parts[-1]}."),
            observed=" vs ".join(_NAME[k] for k in labels), expected="one kind of interval for these numbers",
            computation=(f"same value {a.value.text} and bounds {a.low.text}–{a.high.text} in {len(g)} places; the "
                         f"labels differ ({', '.join(labels)})."),
            evidence=[r.evidence for r in labels.values()],
            key=f"{a.measure}|{a.value.text}|{a.low.text}|{a.high.text}|{'|'.join(sorted(labels))}",
            details={"measure": a.measure, "labels": sorted(labels)})
