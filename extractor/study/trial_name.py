"""Where the article writes something close to the trial's name (``Study.trial_name_mentions``).

The trial's name is ``Study.acronym`` (the title's parenthesis, or "trial (NAME)" in the abstract or methods,
see :func:`trialaudit.extractor.study.registry.find_acronym`). Outside the introduction, the discussion, the
references and sentences that cite a reference (other trials' names live there), two kinds of near copy are read:

- ``"near"``: a run of as many words as the name, starting with a capital, whose letters (spaces, dashes of any
  kind, underscores and slashes removed, lower case) differ from the name's but by at most two edits (adjacent
  transpositions count once), with a rapidfuzz similarity of at least 85% and a length within one character
  ("OAEI/PKUPH-sarcoma 11" for "OAIE/PKUPH-sarcoma 11");
- ``"stem"``: when the name ends in a number or a Roman numeral, its stem followed by another number
  ("sarcoma II" = 2 for "sarcoma 11").

Each mention keeps its place. TA312 decides which of them are variants of the name.
"""
from __future__ import annotations

import re

from rapidfuzz import fuzz

from trialaudit.extractor.evidence import sentence_evidence
from trialaudit.schemas.document import Document, Sentence
from trialaudit.schemas.study import TrialNameMention

from .registry import DASHES, fold_dashes

__all__ = ["extract_trial_name_mentions", "name_letters", "split_suffix", "suffix_value"]

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_SUFFIX = re.compile(rf"^(?P<stem>.*?[A-Za-z][^\s]*?)(?P<sep>[\s{DASHES}]*)(?P<suf>\d+|[IVXL]+)$")
#: near copies: at most this many edits, this similarity (rapidfuzz ratio) and this length difference
MAX_EDITS, MIN_SIMILARITY, MAX_LENGTH_DIFF = 2, 85, 1


def name_letters(s: str) -> str:
    """The name without spaces, dashes of any kind, underscores and slashes, lower case."""
    return re.sub(rf"[\s{DASHES}_/]+", "", s).lower()


def split_suffix(name: str) -> tuple[str, str] | None:
    """(stem, number) of a name that ends in a number or a Roman numeral."""
    m = _SUFFIX.match(name.strip())
    return (m.group("stem"), m.group("suf")) if m else None


def suffix_value(tok: str) -> int | str:
    """A number's value: digits, or a Roman numeral ("II" = 2); anything else in lower case."""
    if tok.isdigit():
        return int(tok)
    if re.fullmatch(r"[IVXL]+", tok):
        total, prev = 0, 0
        for ch in reversed(tok):
            v = _ROMAN[ch]
            total = total - v if v < prev else total + v
            prev = max(prev, v)
        return total
    return tok.lower()


def _stem_pattern(stem: str) -> str:
    """A pattern for ``stem`` in which any run of spaces matches any and any dash matches any dash."""
    out = []
    for part in re.split(rf"(\s+|[{DASHES}])", fold_dashes(stem)):
        if not part:
            continue
        out.append(r"\s+" if part.isspace() else f"[{DASHES}]" if part == "-" else re.escape(part))
    return "".join(out)


def edits(a: str, b: str) -> int:
    """Levenshtein distance with adjacent transpositions counted once."""
    prev2, prev = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                v = min(v, prev2[j - 2] + 1)
            cur.append(v)
        prev2, prev = prev, cur
    return prev[-1]


def extract_trial_name_mentions(doc: Document, acronym: str | None) -> list[TrialNameMention]:
    if not acronym:
        return []
    cited = {c.sentence for c in doc.citations}
    sents = [s for s in doc.sentences
             if s.section_kind not in ("introduction", "discussion", "references") and s.id not in cited]
    out = [m for s in sents for m in _near(doc, s, acronym)]
    parts = split_suffix(acronym)
    if parts is not None:
        out += [m for s in sents for m in _stem(doc, s, *parts)]
    return out


def _near(doc: Document, s: Sentence, acronym: str) -> list[TrialNameMention]:
    out = []
    n_tok = len(acronym.split())
    want = name_letters(acronym)
    toks = list(re.finditer(r"\S+", s.text))
    for i, t in enumerate(toks):
        if not re.match(r"[\(\[\"']?[A-Z]", t.group(0)):
            continue
        a, b = t.start(), toks[min(i + n_tok, len(toks)) - 1].end()
        window = s.text[a:b].strip("()[],.;:'\"")
        got = name_letters(window)
        if not got or got == want or len(got) < 4 or abs(len(got) - len(want)) > MAX_LENGTH_DIFF:
            continue
        sim = fuzz.ratio(got, want)
        if sim < MIN_SIMILARITY:
            continue
        d = edits(got, want)
        if d > MAX_EDITS:
            continue
        start = s.text.find(window, a)
        out.append(TrialNameMention(kind="near", text=window, edits=d, similarity=sim, sentence=s.id,
                                    evidence=sentence_evidence(doc, s, start, start + len(window),
                                                               role=f"written '{window}'")))
    return out


def _stem(doc: Document, s: Sentence, stem: str, suffix: str) -> list[TrialNameMention]:
    out = []
    want = suffix_value(suffix)
    rx = re.compile(_stem_pattern(stem) + rf"(?P<sep>[\s{DASHES}]*)(?P<suf>[A-Za-z0-9]+)\b", re.I)
    for mm in rx.finditer(s.text):
        tok = mm.group("suf")
        if suffix_value(tok) == want or not (tok.isdigit() or re.fullmatch(r"[IVXL]+", tok)):
            continue
        variant = s.text[mm.start():mm.end()]
        out.append(TrialNameMention(kind="stem", text=variant, number=tok, sentence=s.id,
                                    evidence=sentence_evidence(doc, s, mm.start(), mm.end(),
                                                               role=f"written '{variant}'")))
    return out
