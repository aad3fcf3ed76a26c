"""TA315 study-period-mismatch."""
from __future__ import annotations

from typing import Iterator

from trialaudit.extractor.study.dates import date_bounds
from trialaudit.schemas.findings import Finding
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule


def _compatible(a: str, b: str) -> bool:
    a_lo, a_hi = date_bounds(a)
    b_lo, b_hi = date_bounds(b)
    return a_lo <= b_hi and b_lo <= a_hi


@rule(code="TA315", name="study-period-mismatch", severity="warning", family="consistency",
      preview=("0 of 9 judged warnings on the development set were true: periods within the study "
               "(before/after phases), consent and randomisation dates, interim and final data locks, and "
               "historical records were read as two versions of one period"))
def check(ctx: CheckContext) -> Iterator[Finding]:
    """The enrolment period or the data cut-off is given with different dates in different places.

    What it checks:
        Every date range classified as an enrolment period ("Between April
        14, 2022, and August 22, 2023, 81 patients were enrolled", "patients
        who received … from January 2020 to June 2024") is compared with the
        others, and every data cut-off with the others. Dates printed at
        different precision agree when they overlap ("June 2017" and "June 3,
        2017"). Diagnosis periods ("initial diagnosis was established between
        August 2014 and January 2020") and historical cohorts are not
        enrolment periods and are not compared.

    Why it matters:
        The enrolment period defines who was studied; a different period in
        the abstract and the methods leaves readers unsure which patients
        are reported, and changes the follow-up available.

    Example:
        Abstract: "(n=33) between June 3 2017 and July 17 2020"; methods:
        "From June 3 2018 to July 17 2020, patients who received apatinib +
        IE were included" — the start differs by a year (warning).

    Known limitations:
        A study that reports several legitimate periods (a screening period
        and a treatment period) may be flagged; the evidence shows both.
    """
    d = ctx.study.dates
    enrol = [w for w in d.windows if w.kind == "enrolment"]
    seen: set = set()
    for i in range(len(enrol)):
        for j in range(i + 1, len(enrol)):
            a, b = enrol[i], enrol[j]
            bad = [k for k in ("start", "end") if not _compatible(getattr(a, k), getattr(b, k))]
            if not bad:
                continue
            key = frozenset([(a.start, a.end), (b.start, b.end)])
            if key in seen:
                continue
            seen.add(key)
            pa, pb = a.provenance, b.provenance
            yield ctx.finding(
                "TA315", severity="warning",
                message=(f"The enrolment period is {a.start} to {a.end} in one place ({pa.section or 'text'}, "
                         f"line {pa.span.line}) but {b.start} to {b.end} in another ({pb.section or 'text'}, "
                         f"line {pb.span.line})."),
                observed=f"{b.start} to {b.end}", expected=f"{a.start} to {a.end}",
                computation=f"the {' and '.join(bad)} date(s) do not overlap at their printed precision.",
                evidence=[ctx.provenance_evidence(pa, role="enrolment period"),
                          ctx.provenance_evidence(pb, role="enrolment period")],
                key=f"{a.start}|{a.end}|{b.start}|{b.end}")
    cuts = d.cutoffs
    for i in range(len(cuts)):
        for j in range(i + 1, len(cuts)):
            a, b = cuts[i], cuts[j]
            if _compatible(a.date, b.date):
                continue
            key = frozenset([a.date, b.date])
            if key in seen:
                continue
            seen.add(key)
            yield ctx.finding(
                "TA315", severity="warning",
                message=f"The data cut-off is {a.date} in one place but {b.date} in another.",
                observed=b.date, expected=a.date,
                computation="the two cut-off dates do not overlap at their printed precision.",
                evidence=[ctx.provenance_evidence(a.provenance, role="data cut-off"),
                          ctx.provenance_evidence(b.provenance, role="data cut-off")],
                key=f"cutoff|{a.date}|{b.date}")
