"""Abbreviations the article defines: 'interferon gamma-induced protein 10 (IP-10)',
'Shoulder Pain and Disability Index (SPADI)'.

:func:`abbreviations` returns ``{abbreviation: long form}`` for definitions whose
letters spell the initials of the words before the parenthesis, so that an outcome
asked in full words finds the table row printed as the abbreviation and back.
"""
from __future__ import annotations

import re

from trialaudit.schemas.document import Document

_DEF = re.compile(r"((?:[A-Za-z][\w'’-]*[\s-]+){1,10}?[A-Za-z0-9][\w'’-]*)\s*\(\s*([A-Za-z][A-Za-z0-9αβγκ-]{1,11})\s*[,;)]")
_SKIP_WORDS = {"of", "and", "the", "in", "for", "to", "with", "on", "a", "an", "by", "at"}


def _initials(words: list[str]) -> list[str]:
    return [w for w in words if w.lower() not in _SKIP_WORDS]


def _fits(abbr: str, words: list[str]) -> int:
    """How many trailing words of ``words`` the abbreviation's letters spell (0: none).

    Each word contributes its initial, optionally followed by more of its letters in order;
    digits in the abbreviation match a number word ('IP-10' ~ 'protein 10')."""
    letters = [c for c in abbr.lower() if c.isalnum()]
    if len(letters) < 2 or sum(c.isupper() for c in abbr) < 2 and not any(c.isdigit() for c in abbr):
        return 0
    fits = []
    for k in range(1, len(words) + 1):
        tail = words[-k:]
        content = _initials(tail)
        if not content or tail[0].lower() in _SKIP_WORDS:
            continue
        if _spell(letters, [w.lower() for w in content]):
            fits.append((abs(len(content) - sum(c.isalpha() for c in letters)), -k))
    # one word per letter is the usual way; else the longest tail that spells it
    return -min(fits)[1] if fits else 0


def _spell(letters: list[str], words: list[str]) -> bool:
    def go(i: int, w: int) -> bool:
        if w == len(words):
            return i == len(letters)
        if i >= len(letters):
            return False
        word = re.sub(r"[^a-z0-9αβγκ]", "", words[w])
        if not word:
            return go(i, w + 1)
        if word.isdigit():
            n = len(word)
            return "".join(letters[i:i + n]) == word and go(i + n, w + 1)
        if letters[i] != word[0]:
            return False
        # the word may give further letters, in order
        options = [i + 1]
        pos, k = 1, i + 1
        while k < len(letters):
            found = word.find(letters[k], pos)
            if found < 0:
                break
            pos, k = found + 1, k + 1
            options.append(k)
        return any(go(o, w + 1) for o in reversed(options))
    return go(0, 0)


def abbreviations(doc: Document) -> dict[str, str]:
    out: dict[str, str] = {}
    for s in doc.sentences:
        if "(" not in s.text:
            continue
        for m in _DEF.finditer(s.text):
            abbr = m.group(2)
            words = re.split(r"[\s-]+", m.group(1).strip())
            k = _fits(abbr, words)
            if k:
                out.setdefault(abbr, " ".join(words[-k:]))
    return out


#: Common clinical abbreviations, used when the article does not define its own: a question
#: asked in words ('body mass index') finds a row printed as 'BMI', and back. Only
#: abbreviations with one usual clinical meaning (not 'HR': heart rate or hazard ratio).
COMMON: dict[str, str] = {
    "BMI": "body mass index", "BP": "blood pressure", "SBP": "systolic blood pressure",
    "DBP": "diastolic blood pressure", "MAP": "mean arterial pressure", "VAS": "visual analogue scale",
    "NRS": "numeric rating scale", "QoL": "quality of life", "HRQoL": "health-related quality of life",
    "AE": "adverse event", "AEs": "adverse events", "SAE": "serious adverse event",
    "SAEs": "serious adverse events", "TEAE": "treatment-emergent adverse event",
    "LOS": "length of stay", "ER": "emergency room", "ED": "emergency department",
    "ICU": "intensive care unit", "NICU": "neonatal intensive care unit", "MI": "myocardial infarction",
    "HbA1c": "glycated haemoglobin", "FPG": "fasting plasma glucose", "FBG": "fasting blood glucose",
    "LDL": "low-density lipoprotein", "HDL": "high-density lipoprotein", "CRP": "C-reactive protein",
    "PONV": "postoperative nausea and vomiting", "ROM": "range of motion", "OS": "overall survival",
    "PFS": "progression-free survival", "DFS": "disease-free survival", "ORR": "objective response rate",
    "UTI": "urinary tract infection", "DVT": "deep vein thrombosis", "eGFR": "estimated glomerular filtration rate",
    "RDS": "respiratory distress syndrome", "SVR": "sustained virologic response",
    "EVR": "early virologic response", "RVR": "rapid virologic response", "WBC": "white blood cell count",
}
