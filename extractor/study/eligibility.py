"""Limits the eligibility criteria set on ECOG performance status and age, and the age ranges the results print
(``Study.eligibility``, ``Study.stated_age_ranges``).

Criteria are read from methods and abstract sentences that state inclusion ("inclusion", "eligible",
"included", "enrolled", "required", "criteria", "had to have", "must have"), up to the first word of exclusion
("exclu..."; a sentence that opens with it is not read): the first ECOG range ("ECOG PS of 0–1", "ECOG ≤ 2",
"ECOG < 3", "performance status of 1") and the first age range ("aged 12–65 years", "18 to 75 years of age") or
minimum/maximum age ("aged 18 years or older", "≥ 18 years", "older than 17 years", "younger than 80 years").
Age ranges are read from results and abstract sentences ("age range of 12 to 51 years", "ages ranged from 18
to 77"), with the word "age" at most 60 characters before. Section kinds are the repaired ones
(``Study.section_repairs``). TA310 compares both with the baseline tables and the text.

A sentence that says a criterion was originally planned, changed, relaxed or the protocol amended ("We originally
planned to include only adults older than 70 years, but we had to change this criterion") states no criterion
in force, and a minimum above the maximum is no range.

Known limitations: criteria written as exclusions ("patients older than 75 were excluded") are not read; the
criterion that replaced an abandoned one is read only where a later sentence states it.
"""
from __future__ import annotations

import re

from trialaudit.extractor.evidence import section_title, sentence_evidence
from trialaudit.schemas.document import Document
from trialaudit.schemas.study import EligibilityLimit, StatedAgeRange

__all__ = ["extract_eligibility", "extract_stated_age_ranges", "ECOG"]

_CRIT = re.compile(r"\b(?:inclusion|eligib\w*|included|enrol+\w*|required|needed|criteria|had\s+to\s+have|must\s+have)\b",
                   re.I)
_EXCL = re.compile(r"\bexclu\w*", re.I)
#: a criterion the text says was planned but given up or changed ("We originally planned to include only adults
#: older than 70 years, but we had to change this criterion ... and amend the protocol"): not the criterion applied
_ABANDONED = re.compile(r"\b(?:originally|initially|first)\s+(?:planned|intended|meant)\b"
                        r"|\b(?:change[ds]?|changing|amend(?:ed|ing)?|modif(?:y|ied|ying)|relax(?:ed|ing)?|drop(?:ped)?|"
                        r"abandon(?:ed)?|remov(?:e|ed|ing)|widen(?:ed)?|extend(?:ed)?)\s+(?:this|that|the|these|those)\s+"
                        r"(?:\w+\s+)?(?:criteri(?:on|a)|age\s+limit|inclusion)"
                        r"|\bprotocol\s+(?:was\s+)?amend|\bamend(?:ed|ing)?\s+the\s+protocol", re.I)
#: the name of the ECOG performance status, as criteria and table labels print it
ECOG = re.compile(r"\b(?:ECOG|Eastern\s+Cooperative\s+Oncology\s+Group)(?:\s*\(ECOG\))?(?:\s+(?:PS|performance\s+status|"
                  r"performance\s+score|score))*\b", re.I)
_DASH = r"(?:[\-–—‑]|to|or|and)"
_ECOG_LIMIT = re.compile(
    r"\s*(?:status\s+|score\s+)?(?:of|was|:|=|score\s+of|\()?\s*(?:PS\s*)?"
    rf"(?:(?P<a>[0-4])\s*(?:,\s*[0-4]\s*)*{_DASH}\s*(?P<b>[0-4])(?!\d|\.\d)"
    r"|(?P<le>≤|<=|=<|less\s+than\s+or\s+equal\s+to|of\s+no\s+more\s+than|not\s+more\s+than|at\s+most)\s*(?P<c>[0-4])"
    r"|(?P<lt><|less\s+than|below)\s*(?P<d>[0-5])"
    r"|(?P<e>[0-4])(?![\d.\-–]))", re.I)
_AGE_RANGE = re.compile(r"\b(?:aged|ages?|age\s+range\s+of|between)\s+(?P<a>\d{1,2})\s*(?:[\-–—‑]|to|and)\s*(?P<b>\d{1,3})\s*"
                        r"(?:years?|yrs?)"
                        # "patients were 18-80 years old", "18 to 75 years of age"
                        r"|(?<![\d.,:/])(?P<a2>\d{1,2})\s*(?:[\-–—‑]|to)\s*(?P<b2>\d{1,3})\s*(?:years?|yrs?)[\s\-]+"
                        r"(?:old|of\s+age)\b", re.I)
_AGE_MIN = re.compile(r"\b(?:aged\s+(?P<a>\d{1,2})\s+(?:years?\s+)?(?:or|and)\s+(?:older|above|over)"
                      r"|(?P<b>\d{1,2})\s+years?\s+(?:of\s+age\s+)?(?:or|and)\s+(?:older|above|over)"
                      r"|(?:aged|age[d]?|age\s+of)\s*(?:≥|>=|=>)\s*(?P<c>\d{1,2})"
                      r"|(?:at\s+least|≥)\s*(?P<d>\d{1,2})\s+years?(?:\s+(?:of\s+age|old))?"
                      r"|(?:older\s+than|over|above)\s+(?P<e>\d{1,2})\s+years)", re.I)
_AGE_MAX = re.compile(r"\b(?:aged\s*(?:≤|<=)\s*(?P<a>\d{1,3})|(?:younger\s+than|under|below)\s+(?P<b>\d{1,3})\s+years"
                      r"|(?P<c>\d{1,3})\s+years\s+(?:of\s+age\s+)?or\s+(?:younger|less|below))", re.I)
_STATED_RANGE = re.compile(r"\b(?:age\s+range\s+of|aged|ages?\s+(?:ranged|ranging)\s+from|range[,:]?)\s*"
                           r"(\d{1,3})\s*(?:[\-–—‑]|to)\s*(\d{1,3})\s*(?:years)?", re.I)


def _ecog_limit(text: str) -> tuple[int | None, int | None] | None:
    m = _ECOG_LIMIT.match(text)
    if not m:
        return None
    if m.group("a") is not None:
        return int(m.group("a")), int(m.group("b"))
    if m.group("c") is not None:
        return 0, int(m.group("c"))
    if m.group("d") is not None:
        return 0, int(m.group("d")) - 1
    if m.group("e") is not None and re.search(r"\bof\b|:", text[:m.start("e")]):
        return int(m.group("e")), int(m.group("e"))
    return None


def _age_limit(seg: str) -> tuple[float | None, float | None, str] | None:
    m = _AGE_RANGE.search(seg)
    lo_hi = (m.group("a") or m.group("a2"), m.group("b") or m.group("b2")) if m else None
    if lo_hi and int(lo_hi[0]) < int(lo_hi[1]):
        return float(lo_hi[0]), float(lo_hi[1]), m.group(0)
    lo = _AGE_MIN.search(seg)
    hi = _AGE_MAX.search(seg)
    if not (lo or hi):
        return None
    a = next((lo.group(g) for g in "abcde" if lo and lo.group(g)), None)
    if lo and lo.group("e"):
        a = str(int(lo.group("e")) + 1)
    b = next((hi.group(g) for g in "abc" if hi and hi.group(g)), None)
    if a and b and float(a) > float(b):
        return None  # "older than 70 ... younger than 70": two statements, not one range
    return float(a) if a else None, float(b) if b else None, (lo.group(0) if lo else "") + (" " + hi.group(0) if hi else "")


def extract_eligibility(doc: Document, repairs: dict[str, str]) -> list[EligibilityLimit]:
    """The first ECOG limit and the first age limit the inclusion criteria state (at most one of each)."""
    ecog = age = None
    for s in doc.sentences:
        if repairs.get(s.id, s.section_kind) not in ("methods", "abstract"):
            continue
        text = s.text
        if not _CRIT.search(text) or _ABANDONED.search(text):
            continue
        ex = _EXCL.search(text)
        seg = text[:ex.start()] if ex and ex.start() > 0 else (text if not ex else "")
        if not seg:
            continue
        if ecog is None:
            for m in ECOG.finditer(seg):
                lim = _ecog_limit(seg[m.end():m.end() + 40])
                if lim:
                    ecog = EligibilityLimit(variable="ecog", low=lim[0], high=lim[1], sentence=s.id,
                                            text=seg[m.start():m.end() + 30].strip(),
                                            evidence=sentence_evidence(doc, s, role="eligibility criterion"))
                    break
        if age is None:
            lim = _age_limit(seg)
            if lim is not None:
                age = EligibilityLimit(variable="age", low=lim[0], high=lim[1], text=lim[2], sentence=s.id,
                                       evidence=sentence_evidence(doc, s, role="eligibility criterion"))
    return [x for x in (ecog, age) if x is not None]


def extract_stated_age_ranges(doc: Document, repairs: dict[str, str]) -> list[StatedAgeRange]:
    """Age ranges printed in results and abstract sentences, in reading order."""
    out: list[StatedAgeRange] = []
    for s in doc.sentences:
        kind = repairs.get(s.id, s.section_kind)
        if kind not in ("results", "abstract"):
            continue
        for m in _STATED_RANGE.finditer(s.text):
            if not re.search(r"\bage", s.text[max(0, m.start() - 60):m.end()], re.I):
                continue
            out.append(StatedAgeRange(
                low=m.group(1), high=m.group(2), text=m.group(0), sentence=s.id,
                where=f"{section_title(doc, s.section) or kind}, line {s.span.line}",
                evidence=sentence_evidence(doc, s, m.start(), m.end(), role="age range")))
    return out
