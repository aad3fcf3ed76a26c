"""Counts with percentages in sentences and the denominators they are out of (``Study.text_percentages``; TA101).

"12/40 (30%)" is out of its printed N. A bare "12 (30%)" is out of the population the sentence states ("of the 40
evaluable patients", "among 120 participants"; a planned sample size never), unless the stated number is inside
the quantity itself or the count is not below it. Every other denominator the sentence states or implies is kept
with it (``other_ns``): more "k of N" phrases, "(n = 335)" group sizes, and the total of counts whose percentages
add up to 100% ("19 patients (59.4%) ... 13 patients (40.6%)"), since "... in 7 (8.0%) and 3 (3.5%) patients" may
be out of any of them.
"""
from __future__ import annotations

import re

from trialaudit.extractor.evidence import sentence_evidence
from trialaudit.extractor.quantities import find_quantities
from trialaudit.extractor.rounding import sum_within_rounding
from trialaudit.schemas.document import Document
from trialaudit.schemas.quantities import Quantity
from trialaudit.schemas.study import StatedPopulation, TextPercentage

from .population import populations_by_sentence

__all__ = ["extract_text_percentages"]

#: the sentence populations ("of the 47 evaluable patients") a bare "n (%)" may be out of
_PREPOSITIONS = {"of", "among"}
_QUALIFIERS = {"", "eligible", "evaluable", "enrolled", "included"}
_NOUNS = {"patients", "participants", "subjects", "cases"}
#: a group size stated in brackets: "placebo (n = 335) or memantine (n = 342), with 272 (81.2%) and 273 (79.8%)"
_N_EQUALS = re.compile(r"[(\[,;]\s*[nN]\s*=\s*(\d{1,6})(?![\d.,]\d)")
_K_OF_N = re.compile(r"\b\d{1,5}\s+of\s+(?:the\s+)?(\d{1,5})\b(?!\s*(?:months|weeks|days|years|mg|%))", re.I)


def extract_text_percentages(doc: Document, populations: list[StatedPopulation]) -> list[TextPercentage]:
    """Every "k (p%)" of a sentence whose denominator is printed ("k/N (p%)") or stated by the sentence."""
    by_sentence = populations_by_sentence(populations, prepositions=_PREPOSITIONS, qualifiers=_QUALIFIERS,
                                          nouns=_NOUNS)
    out: list[TextPercentage] = []
    for sent in doc.sentences:
        if sent.section_kind in ("references",):
            continue
        pops = by_sentence.get(sent.id, [])
        stated = pops[0] if pops else None
        qs = find_quantities(sent.text)
        others: list[int] | None = None
        for q in qs:
            if q.percent is None or q.count is None or q.count.decimals:
                continue
            if q.kind == "fraction" and q.denominator is not None:
                n, source = int(q.denominator.value), "n/N"
            elif stated and q.kind == "count_percent" and not (q.start <= stated.n_start < q.end):
                n, source = stated.n, "sentence"
                if int(q.count.value) >= n:
                    continue
            else:
                continue
            if others is None:
                others = sorted({p.n for p in pops} | {int(m.group(1)) for m in _K_OF_N.finditer(sent.text)}
                                | {int(m.group(1)) for m in _N_EQUALS.finditer(sent.text)} | _partition_total(qs))
            out.append(TextPercentage(sentence=sent.id, where=q.text, count=int(q.count.value), percent=q.percent,
                                      n=n, source=source, other_ns=others,
                                      evidence=sentence_evidence(doc, sent, q.start, q.end, role="reported")))
    return out


def _partition_total(qs: list[Quantity]) -> set[int]:
    """The total of a sentence that splits a population ("19 patients (59.4%) ... 13 patients (40.6%)"): the sum of
    its counts, when their percentages add up to 100% within rounding."""
    pairs = [q for q in qs if q.kind == "count_percent" and q.count is not None and q.percent is not None
             and not q.count.decimals]
    if len(pairs) < 2:
        return set()
    if not sum_within_rounding([(q.percent.value, q.percent.decimals) for q in pairs], 100).consistent:
        return set()
    return {int(sum(q.count.value for q in pairs))}
