"""TA303 denominator-exceeds-total."""
from __future__ import annotations

import re
from typing import Iterator

from trialaudit.extractor.quantities import find_quantities
from trialaudit.schemas.findings import Evidence, Finding
from trialaudit.extractor.study.population import PATIENTS
from trialaudit.extractor.study.sections import cited_sentences
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule

_OTHER_UNITS = re.compile(r"^\s*(?:\(\s*\d+(?:\.\d+)?\s*%?\s*\)\s*)?(?:of\s+(?:the\s+)?)?(?:[\w\-]+\s+){0,1}?"
                          r"(?:lesions?|cycles?|courses?|sites?|samples?|events?|AEs|adverse|tumou?rs?|metastas[ie]s|"
                          r"nodules?|doses?|visits?|scans?|days?|months?|weeks?|years?|specimens?|biopsies|cells?|"
                          r"targets?|organs?|teeth|eyes|limbs|procedures?|operations?|infusions?|episodes?)\b", re.I)


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
    doc = ctx.document
    kinds = ctx.section_kinds()
    cited = cited_sentences(doc)
    hits: dict[int, list[Evidence]] = {}
    texts: dict[int, list[str]] = {}

    def consider(text: str, q, make_ev) -> None:
        if q.kind != "fraction" or q.denominator is None or q.count is None:
            return
        den = int(q.denominator.value)
        if den <= total or den in known or q.count.value > den or q.denominator.decimals:
            return
        after = text[q.end:q.end + 60]
        if _OTHER_UNITS.match(after):
            return
        if re.match(r"\s*(?:\(\s*\d+(?:\.\d+)?\s*%?\s*\)\s*)?(?:[\w\-]+\s+){0,2}?" + PATIENTS, after, re.I) is None \
                and re.search(PATIENTS, text[max(0, q.start - 60):q.start], re.I) is None and after.strip():
            return
        hits.setdefault(den, []).append(make_ev(q))
        texts.setdefault(den, []).append(q.text)

    for s in doc.sentences:
        kind = kinds.get(s.id, s.section_kind)
        if kind in ("introduction", "discussion", "references", "declarations", "acknowledgements") or s.id in cited:
            continue
        for q in find_quantities(s.text):
            consider(s.text, q, lambda q, s=s: ctx.sentence_evidence(s, q.start, q.end, role="fraction"))
    # running text the ingestion attached to table notes
    for t in doc.tables:
        for note in t.footnotes:
            for q in find_quantities(note):
                def ev(q, t=t, note=note):
                    rx = re.compile(r"\s+".join(re.escape(w) for w in q.text.split()))
                    m = rx.search(doc.text, t.span.char_start)
                    line = doc.line_of(m.start()) if m else t.span.line
                    start = max(0, q.start - 60)
                    return Evidence(quote=note[start:q.end + 80].strip(), line=line,
                                    char_start=m.start() if m else None, char_end=m.end() if m else None,
                                    section=ctx.section_title(t.section), role="fraction (text after a table)")
                consider(note, q, ev)
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
