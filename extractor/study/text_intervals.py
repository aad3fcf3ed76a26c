"""Estimates printed with an interval in sentences (``Study.text_intervals``).

"median 12.1 months (IQR 5.4–18.8)", "a difference of 2.3 (95% CI 0.6 to 4.0)", "6.50 (19.83-13.33)": every
quantity of a sentence (outside the references, declarations, acknowledgements, front matter and keywords)
that carries a value and two bounds (ratios with their CI are ``Study.ratio_estimates``), with the interval's kind and
whether that kind is printed. A bracket whose first number is an SD ("−1.65 (SD = 2.5; 95% CI ...)") is left
out: its value is not the estimate. So is an interval printed after the second value of a pair that has none of
its own ("reduced from 4.7% to 0.7% (95% CI 3.37 to 4.64)", "12% vs 8% (95% CI ...)"): it is usually the
interval of the change or the difference, not of the second value. TA208 reads them (estimate outside its interval, reversed bounds).
"""
from __future__ import annotations

import re

from trialaudit.extractor.evidence import sentence_evidence
from trialaudit.extractor.quantities import find_quantities
from trialaudit.extractor.textutil import mknum
from trialaudit.schemas.document import Document
from trialaudit.schemas.quantities import Quantity
from trialaudit.schemas.study import TextInterval

from .ratios import NON_RESULT_SECTIONS

__all__ = ["extract_text_intervals", "states_direction", "interval_kind_printed", "SD_INSIDE", "is_interval_quantity",
           "describes_non_proportion"]

#: an SD (or SE) printed inside or right before the bracket: the number before the interval is not the estimate
SD_INSIDE = re.compile(r"\bS\.?D\.?\b|\bSE\b|s\.d\.|±", re.I)
#: the second value of a pair ("from 4.7% to", "12% vs", "3.1 and") right before the quantity
_PAIR_BEFORE = re.compile(r"\d\s*%?\s*(?:[A-Za-z]+\s+){0,2}?(?:to|vs\.?|versus|and|compared\s+(?:with|to))\s*$", re.I)
#: words that state the direction of a change or comparison ("a loss of 0.89 kg", "declined by 0.7%", "reduction"):
#: the number after them may be printed as a magnitude while its interval keeps the sign ("−1.53, −0.25");
#: "difference" and "change" state no direction
_DIRECTION = re.compile(r"\b(?:los[st]|losing|declin\w*|decreas\w*|reduc\w*|lower\w*|fell|fall\w*|drop\w*|less|fewer|"
                        r"shorter|smaller|improv\w*|gain\w*|increas\w*|rise|rose|risen|higher|greater|longer|more|"
                        r"benefit\w*|worse|better|deteriorat\w*)\b", re.I)


#: where the words that may give a value its direction stop: a new clause of its own
_CLAUSE_START = re.compile(r";|\b(?:although|though|whereas|while|but)\b", re.I)


def _clause_before(text: str, start: int) -> str:
    """The text of the sentence before ``start``, from the last clause boundary on ("HbA1c declined by 0.7% (...)
    in one group, compared with 0.4% (...)": the second value still declines; "..., although when adjusted the
    difference was 2.9 kg": 'loss' before 'although' gives it no direction)."""
    before = text[:start]
    cuts = [m.end() for m in _CLAUSE_START.finditer(before)]
    return before[cuts[-1]:] if cuts else before


def states_direction(*texts: str | None) -> bool:
    """One of the texts (the words before a value, its row or column label) states a direction of change."""
    return any(_DIRECTION.search(t or "") for t in texts)


_KIND_WORDS = re.compile(r"\bCI\b|confidence|\bIQR\b|interquartile|\brange\b", re.I)


#: words describing an estimate as a mean, a score, a difference or a change: it is never a proportion
_NON_PROPORTION_WORDS = re.compile(r"\b(?:means?|average|scores?|differences?|changes?|points?)\b", re.I)
#: a unit right after the estimate and its interval that no proportion has ("1.06 (95% CI 0.23–1.89) points")
_NON_PROPORTION_UNIT = re.compile(r"^\s*(?:points?|units?|kg|g|mg|ml|mL|cm|mm|mmHg|days?|weeks?|months?|years?|hours?|"
                                  r"minutes?|beats?|bpm)\b", re.I)


def describes_non_proportion(text: str, start: int, end: int, reach: int = 120) -> bool:
    """The estimate at ``text[start:end]`` (with its interval) is described as a mean, a score, a difference, a
    change or in points or units in its own clause: it is not a proportion of patients. Brackets in the lead ("(mean
    age 62)") describe something else and are left out."""
    if _NON_PROPORTION_UNIT.match(text[end:end + 20]):
        return True
    lead = text[max(0, start - reach):start]
    lead = re.split(r"[;:]|\.\s", lead)[-1]
    lead = re.sub(r"\([^()]*\)", " ", lead)
    return bool(_NON_PROPORTION_WORDS.search(lead))


def interval_kind_printed(kind: str, *labels: str | None) -> bool:
    """The interval's kind is printed (95% CI, IQR, range) in the quantity or in one of ``labels``."""
    return kind in ("ci", "iqr", "range") or any(_KIND_WORDS.search(lab or "") for lab in labels)


def is_interval_quantity(q: Quantity) -> bool:
    return q.kind in ("estimate_ci", "median_iqr", "median_range") and q.value is not None and \
        q.low is not None and q.high is not None


#: a rate printed per a unit right before its interval: "20.9 per 100 years [", "38.4 per 100 person-years ("
#: (not "95/115 (": a count over its denominator)
_RATE_BEFORE = re.compile(r"(?<![\d.])(?P<v>\d+(?:\.\d+)?)\s+per\s+(?:[\d,]+\s*)?(?:[A-Za-z][\w-]*\s*){0,3}"
                          r"[\[(]?\s*$", re.I)


def extract_text_intervals(doc: Document) -> list[TextInterval]:
    """Every estimate with an interval in a sentence outside the non-result sections, in reading order."""
    out: list[TextInterval] = []
    for sent in doc.sentences:
        if sent.section_kind in NON_RESULT_SECTIONS:
            continue
        for q in find_quantities(sent.text):
            rate = None
            if q.kind == "estimate_ci" and q.low is not None and q.high is not None:
                w0 = max(0, q.start - 60)
                rate = _RATE_BEFORE.search(sent.text[w0:q.start])
            if rate is not None:
                # "20.9 per 100 person-years [95% CI, 10.8 to 36.4]": the estimate is the number before "per", not
                # the unit's 100 the parser may take for it
                start = w0 + rate.start("v")
                value = mknum(float(rate.group("v")), rate.group("v"))
            elif not is_interval_quantity(q) or SD_INSIDE.search(q.text) or \
                    SD_INSIDE.search(sent.text[max(0, q.start - 12):q.start]) or \
                    _PAIR_BEFORE.search(sent.text[max(0, q.start - 40):q.start]):
                continue
            else:
                value, start = q.value, q.start
            kind = q.interval or "unspecified"
            text = sent.text[start:q.end]
            out.append(TextInterval(text=text, value=value, low=q.low, high=q.high, kind=kind,
                                    labelled=interval_kind_printed(kind, text), sentence=sent.id,
                                    direction_stated=states_direction(_clause_before(sent.text, start)),
                                    evidence=sentence_evidence(doc, sent, start, q.end,
                                                               role="estimate and interval")))
    return out
