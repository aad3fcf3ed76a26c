"""TA402 identical-dose-for-different-drugs."""
from __future__ import annotations

from typing import Iterator

from trialaudit.schemas.findings import Finding
from trialaudit.schemas.study import StatedDose
from trialaudit.validation.context import CheckContext
from trialaudit.validation.doses import fmt_dose, range_for
from trialaudit.validation.registry import rule

_SECTIONS = ("methods", "abstract", "other")
_WINDOW = 6  # sentences: one regimen description


def _plausible(d: StatedDose) -> bool | None:
    rng = range_for(d.drug, d.unit, d.per)
    if rng is None:
        return None
    low, high, _ = rng
    return low <= d.value * d.daily_multiplier <= high


@rule(code="TA402", name="identical-dose-for-different-drugs", severity="warning", family="plausibility")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """Two different drugs of one regimen are given word-for-word the same dose scheme (a copy-paste signal).

    What it checks:
        In the methods, the doses stated for each drug within one regimen
        description (a few consecutive sentences) are compared between drugs.
        Two different (non-supportive) drugs whose dose schemes are
        identical — the same sequence of at least two doses with the same
        units and basis (e.g. 1.2 g/m² for BSA > 1.5 m² and 1 g/m² for BSA
        ≤ 1.5 m²) — or that share a single identical dose that is usual for
        one drug but outside the usual range of the other are flagged.

    Why it matters:
        Different drugs are almost never dosed identically; a duplicated
        dose block is the typical trace of a paragraph copied for the second
        drug and not edited, so at least one drug's real dose is unknown.

    Example:
        "ETOP: for patients with a BSA >1.5 m², 1.2 g/m² ... every 3 weeks;
        BSA ≤1.5 m², 1 g/m²" and "IFO: for patients with a BSA >1.5 m², 1.2
        g/m² ... every 3 weeks; BSA ≤1.5 m², 1 g/m²" (warning).

    Known limitations:
        Regimens in which two drugs legitimately share one dose (e.g. 5-FU
        and cyclophosphamide 500 mg/m² in FEC) are only flagged when that
        dose is implausible for one of them; ifosfamide and its mesna
        protection (supportive) are never compared; doses not attributed to a
        named drug are ignored. A single shared dose in a high-dose or
        transplant regimen ("HDCT", "stem-cell rescue") is not flagged.
    """
    doses = [d for d in ctx.study.stated_doses if d.section_kind in _SECTIONS]
    seen: set[tuple] = set()
    starts = sorted({d.sentence_index - k for d in doses for k in range(_WINDOW)})
    for i in starts:
        # one regimen description: the dose sentences among _WINDOW sentences of the reading order
        schemes: dict[str, list[StatedDose]] = {}
        for d in doses:
            if i <= d.sentence_index < i + _WINDOW:
                schemes.setdefault(d.drug, []).append(d)
        drugs = sorted(schemes)
        for a_i, a in enumerate(drugs):
            for b in drugs[a_i + 1:]:
                sa = [(d.value, d.unit, d.per) for d in schemes[a]]
                sb = [(d.value, d.unit, d.per) for d in schemes[b]]
                reason = None
                if len(sa) >= 2 and sa == sb and len(set(sa)) >= 2:
                    reason = f"the same sequence of {len(sa)} doses"
                elif len(sa) == 1 and sa == sb and not any(d.high_dose for d in schemes[a] + schemes[b]):
                    # (in a high-dose or transplant regimen a dose above the usual range is the intent)
                    pa, pb = _plausible(schemes[a][0]), _plausible(schemes[b][0])
                    if {pa, pb} == {True, False}:
                        odd = a if pb else b
                        reason = f"the same single dose, usual for one drug but outside the usual range of {odd}"
                if reason is None:
                    continue
                key = (a, b, tuple(sa))
                if key in seen:
                    continue
                seen.add(key)
                shown = ", ".join(fmt_dose(v, u) for v, u, _ in sa)
                ev = []
                for drug in (a, b):
                    for d in schemes[drug]:
                        e = d.evidence.model_copy(update={"role": drug})
                        if all(e.quote != x.quote or e.role != x.role for x in ev):
                            ev.append(e)
                yield ctx.finding(
                    "TA402", severity="warning",
                    message=f"{a} and {b} are given identical doses ({shown}) in the same regimen description — "
                            f"{reason}; likely a dose copied from one drug to the other.",
                    observed=f"{a}: {shown}; {b}: {shown}", expected="drug-specific doses",
                    computation=f"doses stated for {a}: {[d.text for d in schemes[a]]}; for {b}: "
                                f"{[d.text for d in schemes[b]]}; {reason}.",
                    evidence=ev, key=f"{a}|{b}|{shown}",
                    details={"drugs": [a, b], "doses": shown})
