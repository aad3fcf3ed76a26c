"""TA314 follow-up-exceeds-window."""
from __future__ import annotations

import re
from typing import Iterator

from trialaudit.extractor.study.dates import date_bounds, months_between
from trialaudit.schemas.findings import Finding
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule

_PER_MONTH = {"months": 1.0, "years": 12.0, "weeks": 12 / 52.18, "days": 12 / 365.25}


@rule(code="TA314", name="follow-up-exceeds-window", severity="error", family="consistency")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """The median (or maximum) follow-up is longer than the time between the first enrolment and the data cut-off.

    What it checks:
        Every median follow-up statement ("After a median follow-up of 19.9
        months", "median follow-up duration of 28.4 [IQR 16.1–38.3] months",
        "15 months (range, 4.3–25.6)") is compared with the longest possible
        follow-up: from the earliest day of the enrolment window to the
        latest day of the data cut-off (or, when no cut-off is printed, to
        the date the article was received or published). The median, the
        upper quartile and the maximum of a range cannot exceed it; the upper
        bound of a confidence interval is not a follow-up time and is not
        used.

    Why it matters:
        No patient can be followed for longer than the study has existed; a
        follow-up longer than the window means the follow-up, the window or
        the cut-off is misreported, and the maturity of survival estimates
        is overstated.

    Example:
        "Between April 14, 2022, and August 22, 2023, 81 patients were
        enrolled … By the cut-off date of October 8, 2024, median follow-up
        was 31.9 months" — at most 29.8 months separate April 14, 2022 and
        October 8, 2024 (error).

    Known limitations:
        Needs an enrolment window and a cut-off (or article dates). Follow-up
        statements that mention diagnosis, surgery or first-line treatment
        (which may start before enrolment) are skipped; other follow-up
        counted from before enrolment would be flagged, with the computation
        shown so a reviewer can judge. A 0.5-month allowance absorbs rounding.
    """
    d = ctx.study.dates
    if not d.enrolment_start or not d.follow_ups:
        return
    start_lo, _ = date_bounds(d.enrolment_start)
    end_key = "data_cutoff" if d.data_cutoff else next((k for k in ("received", "accepted", "published")
                                                           if d.value(k)), None)
    if end_key is None:
        return
    _, end_hi = date_bounds(d.value(end_key))
    window = months_between(start_lo, end_hi)
    what_end = "the data cut-off" if end_key == "data_cutoff" else f"the date the article was {end_key}"
    groups: dict[tuple[str, str], list] = {}
    for fu in d.follow_ups:
        if re.search(r"diagnos|surgery|resection|first[\s\-]line|initial\s+treatment", fu.provenance.quote, re.I):
            continue
        q = fu.quantity
        per = _PER_MONTH.get(fu.unit or "months", 1.0)
        cands = [("median", q.value)]
        if q.interval in ("iqr", "range") and q.high is not None:
            cands.append(("upper quartile" if q.interval == "iqr" else "maximum", q.high))
        for label, num in cands:
            if num is None:
                continue
            months = num.value * per
            if months <= window + 0.5:
                continue
            groups.setdefault((label, num.text), []).append((fu, num, months))
    for (label, _), items in groups.items():
        fu, num, months = items[0]
        unit = fu.unit or "months"
        yield ctx.finding(
            "TA314", severity="error",
            message=(f"The {label} follow-up of {num.text} {unit} is longer than the {window:.1f} months between "
                     f"the start of enrolment ({d.enrolment_start}) and {what_end} ({d.value(end_key)})."),
            observed=f"{label} follow-up {num.text} {unit}", expected=f"at most {window:.1f} months",
            computation=(f"from {start_lo} (earliest day of {d.enrolment_start}) to {end_hi} (latest day of "
                         f"{d.value(end_key)}) is {(end_hi - start_lo).days} days = {window:.1f} months; the {label} "
                         f"follow-up is {months:.1f} months."),
            evidence=[*(ctx.provenance_evidence(x[0].provenance, role="follow-up") for x in items[:3]),
                      ctx.provenance_evidence(d.evidence["enrolment_start"], role="enrolment start"),
                      *([ctx.provenance_evidence(d.evidence[end_key], role=end_key.replace("_", " "))]
                        if d.evidence.get(end_key) else [])],
            key=f"{label}|{num.text}|{d.enrolment_start}|{d.value(end_key)}",
            details={"window_months": round(window, 2), "follow_up_months": round(months, 2)})
