"""TA313 dates-out-of-order."""
from __future__ import annotations

from typing import Iterator

from trialaudit.extractor.study.dates import date_bounds
from trialaudit.schemas.findings import Finding
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule

_LABEL = {"received": "the article was received", "accepted": "the article was accepted",
          "published": "the article was published"}


@rule(code="TA313", name="dates-out-of-order", severity="error", family="consistency")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """Study dates are in an impossible order (enrolment ends before it starts, data cut-off before enrolment ends).

    What it checks:
        Date ranges ("Between April 14, 2022, and August 22, 2023, 81
        patients were enrolled", "from January 2020 to December 2022"), the
        data cut-off ("By the cut-off date of October 8, 2024", "study cutoff
        date (December 2024)") and the article history ("Received: 14
        December 2024") are read with their printed precision (day, month or
        year). It reports: a range whose end precedes its start; an
        enrolment window that ends after the data cut-off; a data cut-off or
        an enrolment start after the article was received, accepted or
        published. Dates printed at month or year precision are compared
        generously (January 2020 may be any day of that month).

    Why it matters:
        Dates in the wrong order mean at least one is wrong, and the
        follow-up, the event counts and the maturity of the analysis all
        depend on them.

    Example:
        "Between April 14, 2022, and August 22, 2023, 81 patients were
        enrolled … By the cut-off date of October 8, 2021, …" — the cut-off
        precedes the end of enrolment (error).

    Known limitations:
        Only ranges introduced by between/from or written "date–date" are
        read, and only cut-offs named as such (cut-off, data lock, last
        follow-up). Article history dates are read from the first lines of
        the file only.
    """
    d = ctx.study.dates
    seen: set[str] = set()

    def emit(msg, observed, expected, comp, ev, key):
        if key in seen:
            return None
        seen.add(key)
        return ctx.finding("TA313", severity="error", message=msg, observed=observed, expected=expected,
                           computation=comp, evidence=ev, key=key)

    for w in d.windows:
        a_lo, _ = date_bounds(w.start)
        _, b_hi = date_bounds(w.end)
        if a_lo > b_hi:
            f = emit(f"The {w.kind} period runs from {w.start} to {w.end}: it ends before it starts.",
                     f"{w.start} to {w.end}", "a start date on or before the end date",
                     f"earliest day of {w.start} ({a_lo}) is after the latest day of {w.end} ({b_hi}).",
                     [ctx.provenance_evidence(w.provenance, role="date range")], f"range|{w.start}|{w.end}")
            if f:
                yield f
    enrol = [w for w in d.windows if w.kind == "enrolment"]
    for c in d.cutoffs:
        _, c_hi = date_bounds(c.date)
        for w in enrol:
            e_lo, _ = date_bounds(w.end)
            if e_lo > c_hi:
                f = emit(f"Enrolment ran until {w.end}, after the data cut-off of {c.date}.",
                         f"enrolment end {w.end}, cut-off {c.date}", "a cut-off on or after the end of enrolment",
                         f"earliest day of the enrolment end ({e_lo}) is after the latest day of the cut-off ({c_hi}).",
                         [ctx.provenance_evidence(w.provenance, role="enrolment period"),
                          ctx.provenance_evidence(c.provenance, role="data cut-off")],
                         f"cutoff|{w.end}|{c.date}")
                if f:
                    yield f
    for hist in ("received", "accepted", "published"):
        h = d.value(hist)
        if not h:
            continue
        h_lo, h_hi = date_bounds(h)
        hev = d.evidence.get(hist)
        items = [("data cut-off", c.date, c.provenance) for c in d.cutoffs]
        items += [("enrolment start", w.start, w.provenance) for w in enrol]
        for what, iso, prov in items:
            lo, _ = date_bounds(iso)
            if lo > h_hi:
                ev = [ctx.provenance_evidence(prov, role=what)]
                if hev is not None:
                    ev.append(ctx.provenance_evidence(hev, role=hist))
                f = emit(f"The {what} ({iso}) is after {_LABEL[hist]} ({h}).", f"{what} {iso}",
                         f"on or before {h}", f"earliest day of {iso} ({lo}) is after {h_hi}.", ev,
                         f"hist|{what}|{iso}|{hist}")
                if f:
                    yield f
