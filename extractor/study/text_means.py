"""Means printed in sentences with the number of values they average (``Study.text_means``).

Two wordings are read, for the GRIM test of whole-number variables (TA106 decides which variables are whole
numbers; this module only reads what the sentence says):

* "the mean age of the 25 patients was 45.37 years", "mean number of cycles in 40 patients was 3.45": the
  variable, the n and the mean in one phrase (``source="same sentence"``);
* "the mean age was 60.27 years", "(range 38–75; mean 60.27 years)": one mean age in a sentence that names no
  arm, no other group size and no second mean; its n is the study's whole population
  (``source="study population"``, ``n = Study.total_n``).

Sentences of the references, front matter, declarations and introduction are not read.
"""
from __future__ import annotations

import re

from trialaudit.extractor.evidence import sentence_evidence
from trialaudit.schemas.document import Document
from trialaudit.schemas.quantities import Num
from trialaudit.schemas.study import Arm, TextMean

from .arms import arm_mentions

__all__ = ["extract_text_means"]

_SKIP_SECTIONS = ("references", "front", "declarations", "introduction")

_TEXT_MEAN = re.compile(
    r"\b(?:mean|average)\s+(?P<var>age|number\s+of\s+(?:\w+\s+){0,2}?\w+)\s+(?:of|in|among|for)\s+(?:the\s+|all\s+|these\s+)?"
    r"(?P<n>\d{1,4})\s+(?:patients|participants|subjects|children|cases)\s+(?:was|were|is|of)\s+"
    r"(?P<mean>\d+\.\d+)", re.I)

_TEXT_MEAN_AGE = re.compile(r"\bmean(?:\s+age)?(?:\s+(?:was|of|at\s+\w+))?\s*[:=]?\s*(?P<mean>\d+\.\d+)\s*(?:years|yrs?)\b"
                            r"|\bmean\s+age\s+\(?years\)?\s*[:=,]?\s*(?P<mean2>\d+\.\d+)", re.I)
_OTHER_GROUP = re.compile(r"\b(?:of|in|among)\s+(?:the\s+)?\d+\s+(?:patients|participants|subjects|cases)|\bn\s*=\s*\d+|"
                          r"\b(?:vs\.?|versus|respectively|group|arm|cohort|men|women|male|female)\b", re.I)
_AGE_WORD = re.compile(r"\bage[ds]?\b", re.I)


def _num(txt: str) -> Num:
    return Num(value=float(txt), text=txt, decimals=len(txt.split(".")[1]))


def extract_text_means(doc: Document, arms: list[Arm], total_n: int | None) -> list[TextMean]:
    """Every mean a sentence prints with the n it averages (see the module docstring)."""
    out: list[TextMean] = []
    for sent in doc.sentences:
        if sent.section_kind in _SKIP_SECTIONS:
            continue
        own = list(_TEXT_MEAN.finditer(sent.text))
        for m in own:
            out.append(TextMean(variable=m.group("var"), mean=_num(m.group("mean")), n=int(m.group("n")),
                                source="same sentence", sentence=sent.id, where=m.group(0),
                                evidence=sentence_evidence(doc, sent, m.start(), m.end(), role="reported")))
        if own:
            continue
        ms = list(_TEXT_MEAN_AGE.finditer(sent.text))
        if len(ms) != 1 or not _AGE_WORD.search(sent.text) or arm_mentions(sent.text, arms) or \
                _OTHER_GROUP.search(sent.text):
            continue
        m = ms[0]
        out.append(TextMean(variable="age", mean=_num(m.group("mean") or m.group("mean2")), n=total_n or None,
                            source="study population", sentence=sent.id, where=m.group(0),
                            evidence=sentence_evidence(doc, sent, m.start(), m.end(), role="reported")))
    return out
