"""Fractions of patients printed in running text (``Study.patient_fractions``).

"12/30 patients responded", "of the patients, 12/45 (27%) relapsed": a whole-number ``k/N`` with ``k <= N``
that counts patients (the word for patients follows within a few words, or comes in the 60 characters
before it, or nothing follows). Fractions of another unit ("3/12 cycles", "2/5 lesions", "4/20 days") are
left out. Read from sentences outside the introduction, discussion, references, declarations and
acknowledgements (section kinds after the repairs of :func:`section_repairs`) that cite no reference,
and from running text the ingestion attached to a table's notes. TA303 compares their denominators with
the study's population.
"""
from __future__ import annotations

import re

from trialaudit.extractor.evidence import section_title, sentence_evidence
from trialaudit.extractor.quantities import find_quantities
from trialaudit.schemas.document import Document
from trialaudit.schemas.findings import Evidence
from trialaudit.schemas.quantities import Quantity
from trialaudit.schemas.study import PatientFraction

from .population import PATIENTS
from .sections import cited_sentences

__all__ = ["extract_patient_fractions"]

_SKIP = ("introduction", "discussion", "references", "declarations", "acknowledgements")
_OTHER_UNITS = re.compile(r"^\s*(?:\(\s*\d+(?:\.\d+)?\s*%?\s*\)\s*)?(?:of\s+(?:the\s+)?)?(?:[\w\-]+\s+){0,1}?"
                          r"(?:lesions?|cycles?|courses?|sites?|samples?|events?|AEs|adverse|tumou?rs?|metastas[ie]s|"
                          r"nodules?|doses?|visits?|scans?|days?|months?|weeks?|years?|specimens?|biopsies|cells?|"
                          r"targets?|organs?|teeth|eyes|limbs|procedures?|operations?|infusions?|episodes?)\b", re.I)
_PATIENTS_AFTER = re.compile(r"\s*(?:\(\s*\d+(?:\.\d+)?\s*%?\s*\)\s*)?(?:[\w\-]+\s+){0,2}?" + PATIENTS, re.I)
_PATIENTS = re.compile(PATIENTS, re.I)


def _of_patients(text: str, q: Quantity) -> bool:
    if q.kind != "fraction" or q.denominator is None or q.count is None or q.denominator.decimals or \
            q.count.value > q.denominator.value:
        return False
    after = text[q.end:q.end + 60]
    if _OTHER_UNITS.match(after):
        return False
    return bool(_PATIENTS_AFTER.match(after) or _PATIENTS.search(text[max(0, q.start - 60):q.start])
                or not after.strip())


def extract_patient_fractions(doc: Document, section_kinds: dict[str, str]) -> list[PatientFraction]:
    """Every fraction of patients in running text, in reading order (sentences, then table notes)."""
    out: list[PatientFraction] = []
    cited = cited_sentences(doc)
    for s in doc.sentences:
        if section_kinds.get(s.id, s.section_kind) in _SKIP or s.id in cited:
            continue
        for q in find_quantities(s.text):
            if _of_patients(s.text, q):
                out.append(PatientFraction(text=q.text, count=q.count, denominator=int(q.denominator.value),
                                           place="sentence",
                                           evidence=sentence_evidence(doc, s, q.start, q.end, role="fraction")))
    for t in doc.tables:
        for note in t.footnotes:
            for q in find_quantities(note):
                if not _of_patients(note, q):
                    continue
                rx = re.compile(r"\s+".join(re.escape(w) for w in q.text.split()))
                m = rx.search(doc.text, t.span.char_start)
                ev = Evidence(quote=note[max(0, q.start - 60):q.end + 80].strip(),
                              line=doc.line_of(m.start()) if m else t.span.line,
                              char_start=m.start() if m else None, char_end=m.end() if m else None,
                              section=section_title(doc, t.section), role="fraction (text after a table)")
                out.append(PatientFraction(text=q.text, count=q.count, denominator=int(q.denominator.value),
                                           place="table note", evidence=ev))
    return out
