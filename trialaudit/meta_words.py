"""Words of the meta-analyst's question and of the article, normalised for matching.

Shared by the outcome matching (:mod:`trialaudit.meta_outcome`) and the arm matching
(:mod:`trialaudit.meta_arms`): lower-casing with Greek letters as words, a few synonyms,
stems (snowballstemmer: 'operative' and 'operation' agree), and the test whether an
abbreviation spells a run of words ('TPLU', 'IL-2').
"""
from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer


_GREEK = {"α": " alpha ", "β": " beta ", "γ": " gamma ", "δ": " delta ", "κ": " kappa "}


def _norm(s: str) -> str:
    s = s.lower().replace("±", " ")
    s = re.sub(r"[µμ](?=[a-z])", "mc", s)           # '30 µg' -> '30 mcg' (not dropped to '30 g')
    for g, name in _GREEK.items():
        s = s.replace(g, name)
    s = re.sub(r"(\d)([a-z])", r"\1 \2", s)          # '3h' -> '3 h'
    s = re.sub(r"\bno\.", " ", s)
    s = re.sub(r"\b(mean|sd|s\.d\.|n|se|median|iqr)\b|%", " ", s)
    s = re.sub(r"[^a-z0-9+ ]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def _is_abbreviation(abbr: str, words: list[str]) -> bool:
    """'TPLU' for 'transperitoneal laparoscopic ureterolithotomy': the letters in order,
    starting each word with its initial (inner letters of a word may be used too)."""
    abbr = abbr.lower()
    if not (2 <= len(abbr) <= 6) or not words or len(words) > len(abbr):
        return False

    def match(i: int, w: int) -> bool:   # abbr[i:] against words[w:], word w starts at abbr[i]
        if w == len(words):
            return i == len(abbr)
        if i >= len(abbr) or abbr[i] != words[w][0]:
            return False
        word = words[w]
        # letters of this word used after its initial: any in-order subsequence
        k = i + 1
        pos = 1
        options = [k]
        while k < len(abbr):
            found = word.find(abbr[k], pos)
            if found < 0:
                break
            pos = found + 1
            k += 1
            options.append(k)
        return any(match(o, w + 1) for o in options)
    return match(0, 0)


_OUTCOME_FILLER = {
    "the", "a", "an", "of", "in", "on", "at", "to", "for", "with", "and", "by", "during", "after", "from",
    "incidence", "incidences", "rate", "rates", "proportion", "proportions", "number", "numbers", "occurrence",
    "level", "levels", "mean", "average", "percentage", "percent", "frequency", "differences", "difference",
    "patients", "participants", "subjects", "people", "who", "had", "were", "was", "total", "overall",
    "scores", "score", "value", "values", "amount", "changes", "change", "any", "n",
}


_SYNONYM = {"therapy": "treatment", "mortality": "death", "died": "death", "dead": "death",
            "effects": "events", "effect": "events", "reactions": "events", "hospitalisation": "hospitalization"}


def _stem(t: str) -> str:
    t = _SYNONYM.get(t, t)
    if len(t) > 5 and t.endswith("ies") and t not in ("series", "species"):
        t = t[:-3] + "y"     # 'activities' -> 'activity' (not 'activitie', which stems apart)
    elif len(t) > 4 and t.endswith("s") and not t.endswith(("ss", "us", "is")):
        t = t[:-1]
    return _SYNONYM.get(t, t)


_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=20000)
def _ostem(t: str) -> str:
    """An outcome word's stem: 'operative'/'operation', 'activities'/'activity' agree."""
    t = _stem(t)
    return t if t.isdigit() or len(t) <= 3 else _STEMMER.stemWord(t)


def _content(s: str) -> list[str]:
    return [_ostem(t) for t in _norm(s).split() if t not in _OUTCOME_FILLER]


def _acronym(words: list[str]) -> str:
    return "".join(w[0] for w in words if w and w[0].isalpha())


#: Clinically standard names of the same outcome measure: a question asked in one wording
#: finds the row or sentence printed in another ('pain' -> the 'VAS' row, 'vitamin D' ->
#: '25(OH)D'). Each group lists interchangeable names; only measures with one usual meaning.
OUTCOME_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("pain score", "pain scores", "pain intensity", "pain severity", "severity of pain", "intensity of pain",
     "pain relief", "pain", "VAS", "visual analogue scale", "visual analog scale", "NRS", "numeric rating scale"),
    ("vitamin D", "25(OH)D", "25-hydroxyvitamin D", "25-OH-D", "25OHD", "serum 25(OH)D"),
    ("clinical attachment level", "attachment level", "CAL"),
    ("probing pocket depth", "probing depth", "pocket depth", "PPD"),
    ("flexibility", "sit and reach"),
    ("one-repetition maximum", "one repetition maximum", "1-rep max", "1-repetition maximum", "1RM"),
    ("length of hospital stay", "length of stay", "hospital stay", "LOS"),
    ("operative time", "operation time", "duration of surgery", "surgical time", "operating time"),
    ("HbA1c", "glycated haemoglobin", "glycated hemoglobin", "glycosylated hemoglobin", "glycosylated haemoglobin",
     "A1C"),
    ("blood loss", "estimated blood loss", "EBL"),
    ("glycemia", "blood glucose", "glycemic level", "blood sugar"),
)


def _phrase_re(phrase: str) -> re.Pattern:
    parts = [re.escape(p) for p in re.split(r"[\s-]+", phrase.strip())]
    return re.compile(r"(?<![\w(-])" + r"[\s-]+".join(parts) + r"(?![\w-])", re.I)


_SYNONYM_RES = [[(p, _phrase_re(p)) for p in sorted(g, key=len, reverse=True)] for g in OUTCOME_SYNONYMS]


def synonym_variants(text: str) -> list[str]:
    """``text`` with its outcome measure written in each standard synonym (the longest name
    found of a group is replaced)."""
    out = []
    for group in _SYNONYM_RES:
        for phrase, rx in group:
            if rx.search(text):
                out.extend(rx.sub(other, text, count=1) for other, _ in group if other != phrase)
                break
    return list(dict.fromkeys(o for o in out if o != text))
