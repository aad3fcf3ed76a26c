"""TA303 denominator-exceeds-total."""
from __future__ import annotations

from typing import Iterator

from trialaudit.schemas.findings import Evidence, Finding
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule


@rule(code="TA303", name="denominator-exceeds-total", severity="warning", family="sample-size",
      preview=("0 of 9 judged warnings on the development set were true: the 'total' was a subset (the "
               "patients readmitted, those answering one question) or the larger number a recruitment pool"))
def check(ctx: CheckContext) -> Iterator[Finding]:
    """A fraction of patients has a denominator larger than the study's whole population.

    What it checks:
        Every "n/N" in the abstract, methods, results and text that the
        ingestion attached to table notes ("20/79 (25.3%) patients showed no
        evidence of disease") is compared with the study's total (the size
        most places agree on, see TA302). A denominator larger than the total
        that is not the size of any other group named in the article (a
        comparison cohort in a table header, an arm) is reported; fractions
        of lesions, cycles, courses, samples or events are not.

    Why it matters:
        A study of 33 patients cannot report outcomes "of 79 patients": the
        numbers come from another dataset (a pooled analysis, an earlier
        draft, another cohort) and every percentage built on them is wrong
        for this study.

    Example:
        Abstract and Table I: 33 patients; results: "20/79 (25.3%) patients
        showed no evidence of disease, 27/79 (34.2%) were alive with disease
        and 32/79 (40.5%) died of disease" — 79 > 33 (error).

    Known limitations:
        Needs a stated total. Fractions in the introduction and discussion
        (other studies) and in sentences with citations are not read.
        Fractions in table cells are left to the arithmetic rules.

        Severity: warning at most, never error: the study total is inferred from the article's wording. On 120 real trial reports
        this rule's errors were mostly false alarms (see tests/realworld/), so its findings
        ask a reviewer to look rather than assert a contradiction.
    """
    sz = ctx.study.population_sizes
    if not sz.total:
        return
    total = sz.total
    known = set(sz.known_sizes)
    hits: dict[int, list[Evidence]] = {}
    texts: dict[int, list[str]] = {}
    for pf in ctx.study.patient_fractions:
        den = pf.denominator
        if den <= total or den in known:
            continue
        hits.setdefault(den, []).append(pf.evidence)
        texts.setdefault(den, []).append(pf.text)
    ref = [st for st in sz.statements if st.scope == "total" and st.value == total]
    for den, evs in sorted(hits.items()):
        ev = evs[:4] + ([ref[0].evidence.model_copy(update={"role": "study total"})] if ref else [])
        yield ctx.finding(
            "TA303", severity="warning",
            message=(f"{', '.join(dict.fromkeys(texts[den]))}: the denominator {den} is larger than the study's "
                     f"{total} patients."),
            observed=f"denominator {den}", expected=f"at most {total}",
            computation=(f"{den} > {total} (the study's total, stated in {len(ref)} place(s)); {den} is not the size "
                         f"of any other group named in the article ({', '.join(map(str, sorted(known))) or 'none'})."),
            evidence=ev, key=f"den|{den}|{total}", details={"denominator": den, "total": total})
