"""Drug-name normalisation: synonyms, abbreviations, regimen acronyms, misspellings.

The synonym table (``extractor/data/drugs.csv``) maps brand names, codes and
the abbreviations common in clinical articles (IFO, ETOP, VP16, DDP, ADM,
MTX ...) to generic names; ``regimens.csv`` expands regimen acronyms (IE, MAP).
Short all-capital abbreviations match case-sensitively; longer names match
case-insensitively, and rapidfuzz catches misspellings of generic names
("ifosphamid", "cisplatine").
"""
from __future__ import annotations

import bisect
import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rapidfuzz import fuzz, process

from trialaudit.extractor.memo import per_article


@dataclass(frozen=True)
class DrugHit:
    generic: str
    surface: str
    start: int
    end: int
    via: str  # "name", "synonym", "regimen:IE", "fuzzy", "prefix"


@dataclass(frozen=True)
class DrugInfo:
    generic: str
    drug_class: str
    supportive: bool


def _data(name: str) -> str:
    return resources.files("trialaudit.extractor").joinpath("data", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def drug_table() -> tuple[dict[str, DrugInfo], dict[str, str], dict[str, tuple[str, ...]]]:
    info: dict[str, DrugInfo] = {}
    synonyms: dict[str, str] = {}
    for row in csv.DictReader(_data("drugs.csv").splitlines()):
        g = row["generic"].strip()
        info[g.lower()] = DrugInfo(g, row["class"].strip(), row["supportive"].strip() == "yes")
        synonyms[g] = g
        for s in row["synonyms"].split("|"):
            if s.strip():
                synonyms[s.strip()] = g
    regimens = {}
    for row in csv.DictReader(_data("regimens.csv").splitlines()):
        regimens[row["abbreviation"].strip()] = tuple(d.strip() for d in row["drugs"].split("|"))
    return info, synonyms, regimens


def drug_info(generic: str) -> DrugInfo | None:
    return drug_table()[0].get(generic.lower())


def is_supportive(generic: str) -> bool:
    i = drug_info(generic)
    return bool(i and i.supportive)


def _trie_pattern(words: list[str]) -> str:
    """One alternation of ``words`` as a prefix tree: at each position the regex engine follows
    one branch instead of trying every word. Longer continuations are tried first, so a match is
    the longest word that fits, as with an alternation sorted longest first."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in node.items() if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:  # a word ends here: longer words first, then this one
            return f"(?:{body})?"
        return body

    return emit(trie)


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    _, synonyms, regimens = drug_table()
    exact, folded = [], []
    fold_map: dict[str, str] = {}
    for s in sorted(synonyms, key=len, reverse=True):
        if len(s) <= 5 and s.isupper() or re.fullmatch(r"[A-Z0-9\-/ ]+", s):
            exact.append(s)
        else:
            folded.append(s.lower())
            fold_map[s.lower()] = synonyms[s]
    # synonyms before regimen acronyms, as in the list this replaces ("IE" the synonym before a longer regimen)
    exact_alt = "|".join(f"(?:{_trie_pattern(ws)})" for ws in (exact, sorted(regimens, key=len, reverse=True)) if ws)
    b = r"(?<![A-Za-z0-9])({})(?![A-Za-z0-9])"
    return re.compile(b.format(exact_alt)), re.compile(b.format(_trie_pattern(folded)), re.I), fold_map


@lru_cache(maxsize=1)
def _folded_lower() -> re.Pattern[str]:
    """The folded pattern without IGNORECASE, for lowered ASCII text (its synonyms are lower case)."""
    return re.compile(_patterns()[1].pattern)


_WORD = re.compile(r"[A-Za-z][A-Za-z\-]{4,}")


@lru_cache(maxsize=1)
def _fuzzy_generics() -> list[str]:
    _, synonyms, _ = drug_table()
    return [g for g in {*synonyms.values()} if len(g) >= 7 and " " not in g]


@lru_cache(maxsize=16384)  # words, not articles: bounded by the vocabulary
def _closest_generic(word: str) -> tuple[str, float, int] | None:
    return process.extractOne(word, _fuzzy_generics(), scorer=fuzz.ratio, score_cutoff=87)


def find_drugs(text: str, *, fuzzy: bool = True, extra_prefixes: dict[str, str] | None = None) -> list[DrugHit]:
    """All drug mentions in ``text``; regimen acronyms expand to their drugs."""
    return _find_drugs(text, fuzzy, tuple(extra_prefixes.items()) if extra_prefixes else ())


@per_article  # the prefixes as a tuple, so calls with prefixes are memoised too
def _find_drugs(text: str, fuzzy: bool, extra_prefixes: tuple[tuple[str, str], ...]) -> list[DrugHit]:
    exact_re, fold_re, fold_map = _patterns()
    _, synonyms, regimens = drug_table()
    hits: list[DrugHit] = []
    # the spans taken so far, sorted and disjoint: their ends are sorted too, so one bisection
    # tells whether [a, b) overlaps any (linear in the hits, not quadratic)
    starts: list[int] = []
    ends: list[int] = []

    def free(a: int, b: int) -> bool:
        i = bisect.bisect_left(starts, b)
        return i == 0 or ends[i - 1] <= a

    def take(span: tuple[int, int]) -> None:
        i = bisect.bisect_left(starts, span[0])
        starts.insert(i, span[0])
        ends.insert(i, span[1])

    # ASCII text: the case-sensitive twin of the folded pattern on the lowered text finds the same
    # spans (same length, letters stay letters) at a third of the cost
    folded = _folded_lower().finditer(text.lower()) if text.isascii() else fold_re.finditer(text)
    for m in folded:
        surface = text[m.start(1):m.end(1)]
        g = fold_map.get(surface.lower())
        if g and free(m.start(), m.end()):
            hits.append(DrugHit(g, surface, m.start(), m.end(), "name" if g.lower() == surface.lower() else "synonym"))
            take(m.span())
    for m in exact_re.finditer(text):
        s = m.group(1)
        if not free(m.start(), m.end()):
            continue
        if s in regimens:
            for g in regimens[s]:
                hits.append(DrugHit(g, s, m.start(), m.end(), f"regimen:{s}"))
        elif s in synonyms:
            hits.append(DrugHit(synonyms[s], s, m.start(), m.end(), "synonym"))
        take(m.span())
    if extra_prefixes:
        for pre, g in extra_prefixes:
            for m in re.finditer(rf"(?<![A-Za-z]){re.escape(pre)}(?![A-Za-z])", text):
                if free(m.start(), m.end()):
                    hits.append(DrugHit(g, m.group(0), m.start(), m.end(), "prefix"))
                    take(m.span())
    if fuzzy:
        for m in _WORD.finditer(text):
            w = m.group(0)
            if len(w) < 7 or not free(m.start(), m.end()) or w.lower() in _COMMON_WORDS:
                continue
            best = _closest_generic(w.lower())
            if best and abs(len(best[0]) - len(w)) <= 2:
                hits.append(DrugHit(best[0], w, m.start(), m.end(), "fuzzy"))
                take(m.span())
    hits.sort(key=lambda h: h.start)
    return hits


_COMMON_WORDS = {"patients", "platinum", "cytotoxic", "treatment", "combination", "metastatic", "regimens",
                 "etoposide-", "ifosfamide-", "carboplatin", "cisplatin", "epidemic", "imaging", "imatinibs"}


def drug_set(text: str, *, include_supportive: bool = False, extra_prefixes: dict[str, str] | None = None) -> list[str]:
    out: list[str] = []
    for h in find_drugs(text, extra_prefixes=extra_prefixes):
        if (include_supportive or not is_supportive(h.generic)) and h.generic not in out:
            out.append(h.generic)
    return out
