"""The response criteria an article cites and its own definitions of partial response and progressive disease
(``Study.criteria_citations``, ``Study.response_definitions``; TA403 compares their thresholds).

The criteria (RECIST, WHO, Cheson, RANO, mRECIST, ...) with their names' patterns, their PR and PD thresholds and
sources are in ``extractor/data/response_criteria.yaml``. A citation is the first sentence (references and
declarations aside) that names a criterion; it is "modified" when "modified", "adapted" or "adjusted" stand
within 40 characters of the name. A definition is "PR"/"PD" (or "partial response"/"progressive disease")
followed by a defining word (":", "defined as", "was", "means" ...) and, before the next response category, a
percentage with a direction ("≥30% decrease", "an increase of at least 20%"); histological or biochemical
responses (necrosis, viable tumour cells, markers, PSA, SUV) are not tumour-size thresholds.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from trialaudit.extractor.evidence import sentence_evidence
from trialaudit.schemas.document import Document
from trialaudit.schemas.study import CriteriaCitation, ResponseDefinition

from ._util import Prefilter, fold_case

__all__ = ["Criterion", "criteria", "extract_criteria_citations", "extract_response_definitions"]

_CAT = {
    "PR": re.compile(r"\b(?:partial\s+(?:response|remission)|PR)\b(?:\s*\((?:PR)\))?", re.I),
    "PD": re.compile(r"\b(?:progressive\s+disease|disease\s+progression|PD)\b(?!-)(?:\s*\((?:PD)\))?", re.I),
}
_ANY_CAT = re.compile(r"\b(?:complete\s+(?:response|remission)|partial\s+(?:response|remission)|stable\s+disease|"
                      r"progressive\s+disease|CR|PR|SD|PD)\b(?!-)", re.I)
_PCT = re.compile(r"(?P<cmp>≥|>=|>|at\s+least|more\s+than|over|greater\s+than|exceeding|of\s+at\s+least|by\s+at\s+least|"
                  r"by\s+more\s+than|by|of)?\s*(?P<v>\d{1,3}(?:\.\d+)?)\s*%")
_DOWN = re.compile(r"\b(?:decreas\w*|reduc\w*|shrink\w*|declin\w*|regress\w*|diminish\w*|diminution|smaller|drop)\b", re.I)
_UP = re.compile(r"\b(?:increas\w*|enlarg\w*|grow\w*|larger|rise|rising|progress\w*)\b", re.I)
_DEF_LEAD = re.compile(r"^\s*(?:\([A-Z]{2}\))?\s*(?::|=|–|-|,|was\s+defined\s+as|were\s+defined\s+as|defined\s+as|as|"
                       r"is|was|means|referred\s+to|refers\s+to|indicat\w+|required|requires|i\.e\.)", re.I)
_NOT_THRESHOLD = re.compile(r"^\s*(?:of\s+(?:the\s+)?(?:patients|participants|cases|subjects)|CI\b|confidence)", re.I)
_NOT_SIZE = re.compile(r"necros|viable\s+tumou?r\s+cells|marker|CA-?\s?125|PSA|M-?protein|SUV", re.I)
_MODIFIED = re.compile(r"\bmodif\w*|adapted|adjusted\b", re.I)


@dataclass
class Criterion:
    name: str
    pattern: re.Pattern
    pr: list[float]
    pd: list[float]
    measure: str
    source: str


@lru_cache(maxsize=1)
def criteria() -> list[Criterion]:
    """The response criteria of ``extractor/data/response_criteria.yaml``."""
    raw = resources.files("trialaudit.extractor").joinpath("data", "response_criteria.yaml").read_text(encoding="utf-8")
    out = []
    for c in yaml.safe_load(raw)["criteria"]:
        out.append(Criterion(c["name"], re.compile(c["pattern"], re.I if c["name"] != "RECIST" else 0),
                             [float(x) for x in c["pr"]], [float(x) for x in c["pd"]], c.get("measure", ""),
                             c["source"]))
    return out


@lru_cache(maxsize=1)
def _prefilters() -> list[tuple[Criterion, Prefilter]]:
    """Each criterion with the words its pattern needs: most sentences skip the regexes."""
    return [(c, Prefilter(c.pattern)) for c in criteria()]


def extract_criteria_citations(doc: Document) -> list[CriteriaCitation]:
    """The first place each criterion is named, in the order of the criteria file."""
    cited: dict[str, CriteriaCitation] = {}
    for s in doc.sentences:
        if s.section_kind in ("references", "declarations"):
            continue
        low = fold_case(s.text)
        for c, pf in _prefilters():
            if c.name in cited or not pf.possible(s.text, low):
                continue
            m = c.pattern.search(s.text)
            if m:
                cited[c.name] = CriteriaCitation(
                    name=c.name, modified=bool(_MODIFIED.search(s.text[max(0, m.start() - 40):m.end() + 40])),
                    evidence=sentence_evidence(doc, s, m.start(), m.end(), role="criteria cited"))
    return list(cited.values())


def extract_response_definitions(doc: Document) -> list[ResponseDefinition]:
    """PR/PD definitions by a percentage change, outside the introduction and discussion."""
    out = []
    for s in doc.sentences:
        if s.section_kind in ("references", "declarations", "introduction", "discussion"):
            continue
        for cat, threshold, start, end in _definitions(s.text):
            out.append(ResponseDefinition(category=cat, threshold=threshold, text=s.text[start:end].strip(),
                                          sentence=s.id,
                                          evidence=sentence_evidence(doc, s, start, end, role="definition")))
    return out


def _definitions(text: str) -> list[tuple[str, float, int, int]]:
    """(category, threshold %, start, end) for PR/PD definitions with a percentage threshold."""
    out: list[tuple[str, float, int, int]] = []
    if "%" not in text:  # every threshold is a percentage
        return out
    cats = sorted(((m.start(), m.end()) for m in _ANY_CAT.finditer(text)))
    for cat, rx in _CAT.items():
        for m in rx.finditer(text):
            nxt = min([a for a, _ in cats if a >= m.end()] + [len(text)])
            seg = text[m.end():min(nxt, m.end() + 160)]
            if not _DEF_LEAD.match(seg):
                continue
            for p in _PCT.finditer(seg):
                if p.start() > 110 or _NOT_THRESHOLD.match(seg[p.end():]):
                    continue
                around = seg[max(0, p.start() - 60):p.end() + 60]
                if _NOT_SIZE.search(around):
                    continue  # histological or biochemical response, not tumour size
                direction = _DOWN.search(around) if cat == "PR" else _UP.search(around)
                if not direction:
                    continue
                out.append((cat, float(p.group("v")), m.start(), m.end() + p.end()))
                break
    return out
