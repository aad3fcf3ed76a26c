"""The diagnosis the inclusion criteria require (``Study.required_diagnosis``), and the vocabulary of diagnoses
and their families that reads it (osteosarcoma ⊂ bone sarcoma ⊂ sarcoma; rhabdomyosarcoma ⊂ soft tissue sarcoma
⊂ sarcoma; lung cancers, lymphoma ...).

The criterion is the first methods or abstract sentence (repaired section kinds) that states inclusion
("inclusion criteria", "included if", "eligible", "required", "diagnosis of", "histologically confirmed") and
names a diagnosis of the vocabulary before its first exclusion clause ("exclu...", "history of other", "other
malignancies"); sentences with the strong wordings (criteria, eligible, required) come first, then methods before
abstract. The most specific diagnoses it names define the population. TA309 compares them with the diagnoses
the study's tables report.
"""
from __future__ import annotations

import re

from trialaudit.extractor.evidence import cell_evidence, sentence_evidence
from trialaudit.schemas.document import Document
from trialaudit.schemas.study import DiagnosisCount, DiagnosisRow, RequiredDiagnosis

from .tablefacts import cell_count

__all__ = ["DIAGNOSES", "diagnoses_in", "family_of", "extract_required_diagnosis", "extract_diagnosis_rows"]

# diagnosis -> the families it belongs to (most specific first)
DIAGNOSES: list[tuple[str, str, tuple[str, ...]]] = [
    ("osteosarcoma", r"osteo[\s\-]?sarcomas?|osteogenic\s+sarcomas?", ("osteosarcoma", "bone sarcoma", "sarcoma")),
    ("Ewing sarcoma", r"ewing'?s?(?:\s+sarcomas?|\s+family\s+tumou?rs?)?", ("Ewing sarcoma", "bone sarcoma", "sarcoma")),
    ("chondrosarcoma", r"chondrosarcomas?", ("chondrosarcoma", "bone sarcoma", "sarcoma")),
    ("soft tissue sarcoma", r"soft[\s\-]+tissue\s+sarcomas?|\bSTS\b", ("soft tissue sarcoma", "sarcoma")),
    ("rhabdomyosarcoma", r"rhabdomyosarcomas?", ("rhabdomyosarcoma", "soft tissue sarcoma", "sarcoma")),
    ("leiomyosarcoma", r"leiomyosarcomas?", ("leiomyosarcoma", "soft tissue sarcoma", "sarcoma")),
    ("liposarcoma", r"liposarcomas?", ("liposarcoma", "soft tissue sarcoma", "sarcoma")),
    ("synovial sarcoma", r"synovial\s+sarcomas?", ("synovial sarcoma", "soft tissue sarcoma", "sarcoma")),
    ("angiosarcoma", r"angiosarcomas?", ("angiosarcoma", "soft tissue sarcoma", "sarcoma")),
    ("undifferentiated pleomorphic sarcoma", r"undifferentiated\s+pleomorphic\s+sarcomas?|\bUPS\b",
     ("undifferentiated pleomorphic sarcoma", "soft tissue sarcoma", "sarcoma")),
    ("giant cell tumour of bone", r"giant[\s\-]+cell\s+tumou?rs?", ("giant cell tumour of bone", "bone tumour")),
    ("bone sarcoma", r"bone\s+sarcomas?", ("bone sarcoma", "sarcoma")),
    ("sarcoma", r"(?<![\w\-])sarcomas?\b", ("sarcoma",)),
    ("lymphoma", r"lymphomas?", ("lymphoma",)),
    ("melanoma", r"melanomas?", ("melanoma",)),
    ("non-small cell lung cancer", r"non[\s\-]+small[\s\-]+cell\s+lung\s+(?:cancer|carcinoma)s?|\bNSCLC\b",
     ("non-small cell lung cancer", "lung cancer")),
    ("small cell lung cancer", r"(?<!non-)(?<!non\s)small[\s\-]+cell\s+lung\s+(?:cancer|carcinoma)s?|\bSCLC\b",
     ("small cell lung cancer", "lung cancer")),
    ("breast cancer", r"breast\s+(?:cancer|carcinoma)s?", ("breast cancer",)),
    ("hepatocellular carcinoma", r"hepatocellular\s+carcinomas?|\bHCC\b", ("hepatocellular carcinoma",)),
    ("gastric cancer", r"gastric\s+(?:cancer|carcinoma|adenocarcinoma)s?", ("gastric cancer",)),
    ("colorectal cancer", r"colorectal\s+(?:cancer|carcinoma)s?", ("colorectal cancer",)),
]
_DX_RX = [(name, re.compile(p, re.I), fam) for name, p, fam in DIAGNOSES]
_INCLUSION = re.compile(r"\b(?:inclusion\s+criteria|included\s+if|eligib\w*|were\s+required|required\s+to\s+have|"
                        r"diagnosis\s+of|(?:histolog|patholog|cytolog)\w*\s+(?:and\s+\w+\s+)?(?:confirmed|proven|diagnos)|"
                        r"confirmed\s+(?:by\s+\w+\s+)?(?:diagnosis|histolog|patholog))", re.I)
_EXCLUSION = re.compile(r"\bexclu\w*|\bhistory\s+of\s+other|other\s+(?:types\s+of\s+)?malignan", re.I)


def diagnoses_in(text: str) -> list[tuple[str, tuple[str, ...], int, int]]:
    """(name, families, start, end) of every diagnosis of the vocabulary in ``text``, in reading order (the most
    specific wording wins where two overlap)."""
    out = []
    taken: list[tuple[int, int]] = []
    for name, rx, fam in _DX_RX:
        for m in rx.finditer(text):
            if any(not (m.end() <= a or m.start() >= b) for a, b in taken):
                continue
            taken.append(m.span())
            out.append((name, fam, m.start(), m.end()))
    return sorted(out, key=lambda x: x[2])


def family_of(name: str) -> tuple[str, ...]:
    """The families of a diagnosis of the vocabulary, most specific first (the name alone when unknown)."""
    for n, _, fam in DIAGNOSES:
        if n == name:
            return fam
    return (name,)


def extract_required_diagnosis(doc: Document, repairs: dict[str, str]) -> RequiredDiagnosis | None:
    """The diagnoses the inclusion criteria require, or None when no criterion names one."""
    cands = []
    for s in doc.sentences:
        kind = repairs.get(s.id, s.section_kind)
        if kind not in ("methods", "abstract"):
            continue
        m = _INCLUSION.search(s.text)
        if not m:
            continue
        strong = bool(re.search(r"inclusion\s+criteria|included\s+if|eligib|required", s.text, re.I))
        cands.append(((0 if strong else 1, 0 if kind == "methods" else 1), s, m))
    for _, s, m in sorted(cands, key=lambda x: x[0]):
        # the inclusion part only: stop at an exclusion clause
        text = s.text
        ex = _EXCLUSION.search(text, m.start())
        seg = text[:ex.start()] if ex else text
        dx = diagnoses_in(seg)
        if not dx:
            continue
        # the most specific diagnoses define the population
        specific = [d for d in dx if not any(d[0] in o[1][1:] for o in dx if o is not d)]
        return RequiredDiagnosis(diagnoses=sorted({d[0] for d in specific}), mentioned=sorted({d[0] for d in dx}),
                                 sentence=s.id, evidence=sentence_evidence(doc, s, role="inclusion criterion"))
    return None


#: a heading over the rows of diagnoses: "Pathological type", "Histology", "Diagnosis", "Tumour type" ...
_DX_GROUP = re.compile(r"patholog|histolog|diagnos|tumou?r\s+type|subtype|histotype|disease\s+type|type\s+of\s+tumou?r|"
                       r"cancer\s+type|pathological\s+type", re.I)


def extract_diagnosis_rows(doc: Document, study_columns: list[list[int]]) -> list[DiagnosisRow]:
    """Rows naming one diagnosis, with their counts in this study's columns (``study_columns``: per table, the
    columns of this study's own patients; a table without them is skipped)."""
    out: list[DiagnosisRow] = []
    for t, cols in zip(doc.tables, study_columns):
        if not cols:
            continue
        for row in t.rows:
            if row.kind == "group":
                continue
            label = row.label
            if re.search(r"\bvs\.?\b|versus|\bcompared\b", label, re.I):
                continue
            dx = diagnoses_in(label)
            if len(dx) != 1:
                continue
            if not (row.group and _DX_GROUP.search(row.group)) and not re.fullmatch(r"[\w\s\-']+", label.strip()):
                continue
            name, fam, _, _ = dx[0]
            counts = [DiagnosisCount(column=t.column_label(j), count=cell_count(row.cells[j].text),
                                     evidence=cell_evidence(doc, t, row, j, role=f"patients with {name}"))
                      for j in cols if j < len(row.cells)]
            out.append(DiagnosisRow(table=t.label, row=label, group=row.group, diagnosis=name, family=list(fam),
                                    counts=counts))
    return out
