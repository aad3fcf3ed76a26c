"""TA401 dose-outside-usual-range."""
from __future__ import annotations

from typing import Iterator

from trialaudit.schemas.findings import Finding
from trialaudit.validation.context import CheckContext
from trialaudit.schemas.study import StatedDose
from trialaudit.validation.doses import fmt_dose, range_for
from trialaudit.validation.registry import rule


@rule(code="TA401", name="dose-outside-usual-range", severity="warning", family="plausibility")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """A drug dose lies far outside the range in clinical use for that drug and unit.

    What it checks:
        Doses written next to a drug name — "ifosfamide 1.8 g/m²/day",
        "apatinib 500 mg orally once daily", "Cisplatin 60 mg/m² on Day 1",
        "500 mg of apatinib", "carboplatin AUC 5" — are converted to mg,
        mg/m², mg/kg or AUC and compared with a reference table
        (``validation/data/dose_ranges.csv``) that gives, for each drug, unit
        and basis (per day or single administration, or total per course), a
        generous usual range with its public source (the drug's label or a
        standard regimen). The basis is read from the text ("/day", "once
        daily", "twice daily", "d1–5", "every 3 weeks" for a single
        administration, "per cycle", "in divided doses"); when it is not
        stated the dose must fit either basis. Doses in a high-dose or
        transplant context are not judged against the upper limit. The doses
        are ``Study.stated_doses`` (outside references, declarations and
        acknowledgements).

    Why it matters:
        A dose far outside clinical use — usually a unit slip (g for mg), a
        misplaced decimal, or a dose copied from another drug — means the
        regimen cannot be reproduced as written and may be dangerous if it
        is; it also casts doubt on what the patients actually received.

    Example:
        "ETOP: for patients with a BSA >1.5 m², 1.2 g/m², was administered
        intravenously every 3 weeks": 1200 mg/m² in one administration,
        while etoposide is given at 35–100 mg/m² per day (label; usual
        range here 20–250 mg/m²) (warning).

    Known limitations:
        Only drugs and units listed in the reference table are judged; the
        ranges are deliberately wide, so a two-fold error inside them is not
        caught; a dose named far from its drug, or after a regimen acronym
        that stands for several drugs ("IE 1.8 g/m²"), is not attributed and
        stays unchecked.
    """
    by_sentence: dict[str, list[StatedDose]] = {}
    for d in ctx.study.stated_doses:
        by_sentence.setdefault(d.sentence_id, []).append(d)
    for sid, doses in by_sentence.items():
        by_drug: dict[str, list] = {}
        for d in doses:
            rng = range_for(d.drug, d.unit, d.per)
            if rng is None:
                continue
            low, high, rows = rng
            value = d.value * d.daily_multiplier
            top = (d.value_high or d.value) * d.daily_multiplier
            below = top < low
            above = value > high and not d.high_dose
            if below or above:
                by_drug.setdefault(d.drug, []).append((d, low, high, rows, value, "above" if above else "below"))
        for drug, items in by_drug.items():
            d0, low, high, rows, value, side = items[0]
            texts = " and ".join(f"'{d.text}'" for d, *_ in items)
            basis = {"day": "per day or single administration", "cycle": "per course",
                     "unspecified": "per day or per course (basis not stated)"}[d0.per]
            factor = value / high if side == "above" else low / max(value, 1e-9)
            sources = "; ".join(sorted({r.source for r in rows}))
            comp = (f"{drug} {texts} = {fmt_dose(value, d0.unit)} {basis}"
                    f"{' (twice daily: daily total)' if d0.daily_multiplier > 1 else ''}; usual range "
                    f"{fmt_dose(low, d0.unit)} to {fmt_dose(high, d0.unit)} ({sources}); the dose is "
                    f"{factor:.1f}× {'above the upper' if side == 'above' else 'below the lower'} limit.")
            ev = [ctx.sentence_evidence(ctx.sentence(sid), min(d.drug_start for d, *_ in items),
                                        max(d.end for d, *_ in items), role="dose")]
            shown = " and ".join(fmt_dose(d.value, d.unit) for d, *_ in items)
            yield ctx.finding(
                "TA401", severity="warning",
                message=f"{drug.capitalize()} {shown} (written '{d0.surface} … {items[0][0].text}') is {factor:.1f}× "
                        f"{'above the upper' if side == 'above' else 'below the lower'} limit of the usual range for "
                        f"this drug ({fmt_dose(low, d0.unit)}–{fmt_dose(high, d0.unit)} {basis}).",
                observed=shown, expected=f"{fmt_dose(low, d0.unit)}–{fmt_dose(high, d0.unit)} {basis}",
                computation=comp, evidence=ev, key=f"{drug}|{texts}",
                details={"drug": drug, "doses": [d.text for d, *_ in items], "unit": d0.unit, "basis": d0.per,
                         "low": low, "high": high, "sources": sorted({r.source for r in rows})})
