"""Matching category words in running text against table labels.

Used by checks that compare what the text says about a named category
("20 (76.9%) were male", "fatigue (14, 53.8%)", "12 patients had an ECOG
score of 0 to 1") with the table row or column of that category. Words are
normalised (British/American spelling, plurals, a few clinical synonyms,
abbreviations defined in table footnotes or in the text), so that a label
matches a passage when every one of its distinctive words occurs there.
"""
from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from trialaudit.extractor.study.categories import Interval
from .tablekit import RATE_MEASURES, rate_measure, response_category

GENERIC = {
    "n", "no", "number", "of", "the", "a", "an", "and", "or", "with", "without", "in", "on", "at", "to", "for", "by",
    "from", "as", "was", "were", "is", "are", "had", "has", "have", "patient", "participant", "case", "subject",
    "total", "overall", "any", "all", "incidence", "rate", "proportion", "percentage", "percent", "group", "arm",
    "cohort", "comparison", "between", "two", "both", "history", "event", "status", "value", "variable",
    "characteristic", "data", "type", "level", "yes", "count", "frequency", "among", "who", "that", "which", "this",
    "these", "those", "their", "its", "it", "be", "been", "being", "after", "before", "during", "than", "more",
    "less", "other", "others", "only_", "treatment", "evaluation", "result", "outcome", "study", "including",
    "included", "table", "versus", "vs", "per", "i", "ii", "iii", "iv",
}
_SYNONYMS = {
    "pulmonary": "lung", "male": "male", "men": "male", "man": "male", "boy": "male", "female": "female",
    "women": "female", "woman": "female", "girl": "female", "prior": "previous", "younger": "age", "older": "age",
    "aged": "age", "old": "age", "tumour": "tumor", "leucopenia": "leukopenia", "died": "death", "dead": "death",
    "die": "death", "deceased": "death", "chemotherapeutic": "chemotherapy", "resected": "resection",
    "haematological": "hematological", "hematologic": "hematological", "haematologic": "hematological",
    "gastro": "gastrointestinal", "gi": "gastrointestinal", "kidney": "renal", "liver": "hepatic",
    "surgeries": "surgery", "surgical": "surgery", "operation": "surgery", "progressed": "progression",
    "received": "receive", "receiving": "receive", "underwent": "undergo", "undergone": "undergo",
}
_WORDNUM = {"zero": 0, "none": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "once": 1, "twice": 2}
_RESP_PHRASES = [
    (re.compile(r"\bcomplete\s+(?:response|remission)s?\b|\bCRs?\b"), "resp_cr"),
    (re.compile(r"\bpartial\s+(?:response|remission)s?\b|\bPRs?\b"), "resp_pr"),
    (re.compile(r"\bstable\s+disease\b|\bSD\b"), "resp_sd"),
    (re.compile(r"\bprogressive\s+disease\b|\bPD\b(?!-)"), "resp_pd"),
    (re.compile(r"\bnot\s+evaluable\b|\bNE\b"), "resp_ne"),
]


def _normalise_spelling(w: str) -> str:
    w = re.sub(r"(?<=[a-z])ae(?=[a-z])", "e", w)          # haematuria, anaemia, leukaemia
    w = re.sub(r"^oe(?=[a-z])", "e", w)                   # oedema, oesophageal
    w = w.replace("rrhoea", "rrhea")
    return w


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    w = _normalise_spelling(word.lower())
    if w in _SYNONYMS:
        return _SYNONYMS[w]
    if w.startswith("metasta"):
        return "metastasis"
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 4 and re.search(r"(?:ss|x|ch|sh)es$", w):
        w = w[:-2]
    elif len(w) > 3 and w.endswith("s") and not re.search(r"(?:ss|us|is)$", w):
        w = w[:-1]
    return _SYNONYMS.get(w, w)


def tokens(text: str, *, keep_generic: bool = False) -> set[str]:
    """Normalised content words of ``text`` (plus response-category tokens such as ``resp_pr``)."""
    out: set[str] = set()
    for rx, tok in _RESP_PHRASES:
        if rx.search(text):
            out.add(tok)
    low = (text or "").replace("+", " and ")
    for m in re.finditer(r"[A-Za-z][A-Za-z0-9]*", low):
        w = stem(m.group(0))
        if len(w) < 2 and not w.isdigit():
            continue
        if not keep_generic and w in GENERIC:
            continue
        out.add(w)
    for phrase, measure in RATE_MEASURES.items():
        if len(phrase) > 3 and re.search(rf"\b{re.escape(phrase)}\b", text or "", re.I):
            out.add("rate_" + measure.lower())
    for m in re.finditer(r"\b(ORR|DCR|CBR)\b", text or ""):
        out.add("rate_" + m.group(1).lower())
    return out


def label_tokens(label: str, expansions: dict[str, str] | None = None) -> set[str]:
    """Distinctive words of a table label; abbreviations are replaced by their expansion."""
    rc = response_category(label)
    if rc:
        return {"resp_" + rc.lower()}
    rm = rate_measure(label)
    if rm:
        return {"rate_" + rm.lower()}
    lab = re.sub(r",?\s*(?:n|no\.)\s*\(\s*%\s*\)\s*$|\(\s*%\s*\)|,\s*%$", "", label).strip()
    expansions = expansions or {}
    words = []
    for w in re.findall(r"[A-Za-z][A-Za-z0-9\-]*", lab):
        if w in expansions and w.isupper():
            words.append(expansions[w])
        else:
            words.append(w)
    return {t for t in tokens(" ".join(words)) if not t.startswith("resp_")} | \
        ({t for t in tokens(" ".join(words)) if t.startswith("resp_")} if len(words) > 2 else set())


def token_in(tok: str, window: set[str]) -> bool:
    if tok in window:
        return True
    if len(tok) >= 5 and tok[-1] in "abcdef" and stem(tok[:-1]) in window:
        return True  # a footnote letter glued to the label ("lesionsa", "chemotherapyd")
    if len(tok) >= 6:
        for w in window:
            if len(w) >= 6 and abs(len(w) - len(tok)) <= 2 and fuzz.ratio(tok, w) >= 88:
                return True
    return False


def coverage(label_toks: set[str], window: set[str]) -> float:
    if not label_toks:
        return 0.0
    return sum(token_in(t, window) for t in label_toks) / len(label_toks)


_ABBR_FOOT = re.compile(r"(?:^|[;.]\s*|\s)([A-Z][A-Za-z0-9\-/]{1,9}),\s+([a-z][a-z0-9 \-/']{2,60}?)(?=\s*(?:[;.]|$|\([^)]*\)\s*[;.]))")


def footnote_abbreviations(footnotes: list[str]) -> dict[str, str]:
    text = " ".join(footnotes)
    return {m.group(1): m.group(2).strip() for m in _ABBR_FOOT.finditer(text)}


_ABBR_TEXT = re.compile(r"((?:[A-Za-z][\w\-]*\s+){1,8})\(([A-Z][A-Za-z0-9\-]{1,8}s?)\)")
#: what every match of _ABBR_TEXT ends with: a cheap test that skips most sentences
_ABBR_PAREN = re.compile(r"\([A-Z][A-Za-z0-9\-]{1,8}s?\)")


def text_abbreviations(sentences: list[str]) -> dict[str, str]:
    """'objective response rate (ORR)' -> {'ORR': 'objective response rate'} when the initials agree."""
    out: dict[str, str] = {}
    for s in sentences:
        if not _ABBR_PAREN.search(s):
            continue
        for m in _ABBR_TEXT.finditer(s):
            abbr = m.group(2).rstrip("s") if m.group(2).endswith("s") and m.group(2)[:-1].isupper() else m.group(2)
            letters = [c.lower() for c in abbr if c.isalpha()]
            words = m.group(1).split()
            # take trailing words whose initials spell the abbreviation (small words may be skipped)
            picked: list[str] = []
            k = len(letters) - 1
            for w in reversed(words):
                if k < 0:
                    break
                parts = re.split(r"-", w)
                if w[0].lower() == letters[k]:
                    picked.insert(0, w)
                    k -= 1
                    continue
                if len(parts) > 1 and all(p and p[0].lower() == letters[k - i] for i, p in enumerate(reversed(parts)) if k - i >= 0):
                    picked.insert(0, w)
                    k -= len(parts)
                    continue
                if w.lower() in ("of", "and", "the", "in", "to", "with", "for"):
                    picked.insert(0, w)
                    continue
                break
            if k < 0 and picked and abbr not in out:
                out[abbr] = " ".join(picked)
    return out


_NUM = r"(\d+(?:\.\d+)?|zero|one|two|three|four|five|six|seven|eight|nine|ten)"


def _num(s: str) -> float:
    s = s.lower()
    return float(_WORDNUM[s]) if s in _WORDNUM else float(s)


_UNIT_WORD = r"(?:years?|yrs?|months?|weeks?|days?|cm|mm|cycles?|lines?|sites?|lesions?)"
_INTERVAL_PATTERNS = [
    (re.compile(rf"\b{_NUM}\s*(?:to|[-–—‑]|or)\s*{_NUM}\b", re.I), "range"),
    (re.compile(rf"(?:\b(?:younger\s+than|under|less\s+than|below|fewer\s+than)\s+|<\s*){_NUM}", re.I), "<"),
    (re.compile(rf"(?:≤\s*|<=\s*|\bat\s+most\s+){_NUM}|\b{_NUM}\s+(?:{_UNIT_WORD}\s+)?(?:or|and)\s+"
                rf"(?:younger|less|fewer|below|under|lower)\b", re.I), "≤"),
    (re.compile(rf"(?:\b(?:older\s+than|over|more\s+than|above|greater\s+than)\s+|>\s*){_NUM}", re.I), ">"),
    (re.compile(rf"(?:≥\s*|>=\s*|\bat\s+least\s+){_NUM}|\b{_NUM}\s+(?:{_UNIT_WORD}\s+)?(?:or|and)\s+(?:more|older|above|over|greater|higher)\b"
                rf"|\b{_NUM}\s*\+", re.I), "≥"),
    (re.compile(rf"(?<![\w.]){_NUM}(?![\w.%])", re.I), "point"),
]


def window_intervals(text: str) -> list[Interval]:
    """Numeric categories named in a passage: 'younger than 18', '0 to 1', 'two or more', '2'."""
    taken: list[tuple[int, int]] = []
    out: list[Interval] = []
    for rx, kind in _INTERVAL_PATTERNS:
        for m in rx.finditer(text):
            if any(not (m.end() <= a or m.start() >= b) for a, b in taken):
                continue
            nums = [g for g in m.groups() if g]
            if not nums:
                continue
            taken.append(m.span())
            if kind == "range":
                a, b = _num(nums[0]), _num(nums[1])
                out.append(Interval(a, True, b, True))
            elif kind == "<":
                out.append(Interval(None, False, _num(nums[0]), False))
            elif kind == "≤":
                out.append(Interval(None, False, _num(nums[0]), True))
            elif kind == ">":
                out.append(Interval(_num(nums[0]), False, None, False))
            elif kind == "≥":
                out.append(Interval(_num(nums[0]), True, None, False))
            else:
                v = _num(nums[0])
                out.append(Interval(v, True, v, True))
    return out


def same_interval(a: Interval, b: Interval) -> bool:
    return (a.lo, a.hi) == (b.lo, b.hi) and (a.lo is None or a.lo_incl == b.lo_incl) and \
        (a.hi is None or a.hi_incl == b.hi_incl)


_ABBR_WORD = re.compile(r"\b([A-Z][A-Za-z0-9\-]{1,9}?)(s?)\b")


def expand_abbreviations(text: str, abbr: dict[str, str]) -> str:
    """Append the expansion of every defined abbreviation in ``text`` ("gastrointestinal AR" -> "... adverse reaction")."""
    extra = []
    for m in _ABBR_WORD.finditer(text or ""):
        word = m.group(1) + m.group(2)
        exp = abbr.get(word) or abbr.get(m.group(1))
        if exp and word.upper()[:2] == word[:2]:
            extra.append(exp)
    return text if not extra else text + " " + " ".join(extra)
