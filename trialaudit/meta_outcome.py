"""The question's outcome matched to a table row: the outcome -> row step of
:func:`trialaudit.meta.answer`.

A row scores by rapidfuzz token-set/token-sort agreement of its content words (units,
measures and fillers removed, words stemmed) with the outcome's, or by an abbreviation
(defined in the article, in the table's footnotes, or a common clinical one). Looser
readings of the outcome (without its time point, 'baseline' or change words) score a
little below an exact one, so a row naming the asked time point still wins.
"""
from __future__ import annotations

import re

from rapidfuzz import fuzz

from trialaudit.schemas.document import Table, TableRow
from trialaudit.meta_words import _acronym, _content, _is_abbreviation, _ostem

ROW_THRESHOLD = 76.0      # outcome text vs row label (token_set / partial); bench: first wrong at 70-71, lowest right 78


ROW_TIE = 3.0             # rows scoring within this of the best are rivals


HEADING_PENALTY = 4.0     # a row matching the outcome only with its group heading's words


LOOSE_PENALTY = 5.0       # the outcome read without its time point, units or change words


_TIME_ROW = re.compile(r"^\s*(baseline|pre|post|after|before|end|final|follow|week|month|day|year|visit|t\d|"
                       r"\d+\s*(weeks?|months?|days?|years?|h|hours?)\b|at\b)", re.I)


_QUALIFIER = {"serious", "severe", "major", "minor", "mild", "moderate", "grade", "early", "late",
              "fatal", "nonfatal", "non", "recurrent", "new", "persistent", "complete", "partial",
              "right", "left", "not", "without", "upper", "lower", "bilateral", "unilateral", "severity"}


_MEASURE_KIND = {"z", "sds", "percentile", "centile", "log"}


_QUALIFIER_STEMS = {_ostem(w) for w in _QUALIFIER}


_MEASURE_KIND_STEMS = {_ostem(w) for w in _MEASURE_KIND}


_UNIT_WORDS = {
    "s", "sec", "secs", "second", "seconds", "min", "mins", "minute", "minutes", "h", "hr", "hrs", "hour", "hours",
    "d", "day", "days", "wk", "wks", "week", "weeks", "mo", "mos", "month", "months", "y", "yr", "yrs", "year", "years",
    "m", "cm", "mm", "km", "kg", "g", "mg", "µg", "μg", "ug", "ng", "pg", "ml", "l", "dl", "mmol", "µmol", "μmol",
    "umol", "nmol", "pmol", "mol", "iu", "u", "mu", "miu", "mmhg", "bpm", "beats", "degree", "degrees", "nm",
    "kcal", "cal", "unit", "units", "points", "point", "pts", "cells", "copies", "times", "per", "x", "l", "ms",
    "in", "of", "or", "and", "the", "mm²", "cm²", "m²", "mm³", "°", "%", "±", "μl", "µl", "ul", "mcg", "reps",
}


_MEASURE_WORDS = {"mean", "sd", "se", "sem", "median", "iqr", "n", "no", "number", "range", "standard", "deviation",
                  "error", "percent", "percentage", "ci", "count", "value", "values", "score", "scores",
                  "proportion", "frequency", "rate", "interquartile", "min", "max"}


_BRACKET = re.compile(r"\s*[\(\[]([^()\[\]]{0,30})[\)\]]")


def _unit_or_measure(s: str) -> bool:
    """'(mg/dL)', '(n = 628)', 'mean (SD)', 'kg m⁻²', 'n (%)': what the cells hold, no outcome words."""
    toks = re.findall(r"[^\W\d_]+|%|°|±", re.sub(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]", " ", s.lower()))
    return bool(toks) and all(t in _UNIT_WORDS or t in _MEASURE_WORDS for t in toks)


def _clean_label(label: str) -> str:
    """A row label without its unit and measure: 'Mean operation time, min' -> 'Mean operation
    time'; 'Dipyrone, mg: mean (standard deviation) [n]' -> 'Dipyrone'; 'HCMJ (m)' -> 'HCMJ'."""
    out = _BRACKET.sub(lambda m: " " if _unit_or_measure(m.group(1)) else m.group(0), label)
    parts = re.split(r"\s*[,;:]\s+|\s*[,;:]$", out.strip())
    parts = [p for p in parts if p.strip()]
    while len(parts) > 1 and _unit_or_measure(parts[-1]):
        parts.pop()
    return " ".join(parts).strip()


def _row_score(outcome: str, row: TableRow) -> float:
    o_words = _content(outcome)
    o = " ".join(o_words)
    lab_words = _content(_clean_label(row.label))
    group_words = _content(_clean_label(row.group or ""))
    if not lab_words and group_words:
        # a measure sub-row ('mean (SD)', 'n (%)') under the outcome's heading row
        lab_words, group_words = group_words, []
        row = row.model_copy(update={"label": row.group, "group": None})
    if not o or not lab_words:
        return 0.0
    row_words = set(lab_words) | set(group_words)
    if any(w in _QUALIFIER_STEMS and w not in row_words for w in o_words):
        return 0.0  # 'serious adverse events' is not answered by an 'Adverse events' row
    if any(w in _MEASURE_KIND_STEMS and w not in o_words for w in lab_words):
        return 0.0  # 'BMI z-score' (another scale of the measure) does not answer 'BMI'
    cands = [" ".join(lab_words)]
    if row.group:
        cands.append(" ".join(group_words + lab_words))
        if _TIME_ROW.match(row.label):
            cands.append(" ".join(group_words))  # 'Pain' > 'Post-treatment (mean ± SD)'
    best = 0.0
    for k, c in enumerate(cands):
        s = 0.5 * fuzz.token_set_ratio(o, c) + 0.5 * fuzz.token_sort_ratio(o, c)
        short, long_ = sorted((c, o), key=len)
        # one inside the other counts only when it carries at least half of the longer's words
        if len(short) >= 4 and 2 * len(short.split()) >= len(long_.split()):
            s = max(s, 0.9 * fuzz.partial_ratio(short, long_))
        if k and not _TIME_ROW.match(row.label):
            # matched through its heading only: 'Headache' under 'Side effects' is a weaker
            # answer to 'side effects' than the row 'Women reporting side effects'
            s -= HEADING_PENALTY
        best = max(best, s)
    # an acronym of the outcome printed as the row label ('respiratory distress syndrome' -> 'RDS')
    acr = _acronym(o_words)
    if len(acr) >= 2 and acr in lab_words and len(lab_words) <= 3:
        best = max(best, 85.0)
    # the row label abbreviates the outcome's words: 'IL-2' for 'interleukin 2', 'TNF-α' for
    # 'tumor necrosis factor alpha' (the letters spell the words, the rest is the same)
    if 2 <= len(lab_words) + 1 <= 4 and lab_words[0].isalpha() and 2 <= len(lab_words[0]) <= 6:
        rest = lab_words[1:]
        head = o_words[:len(o_words) - len(rest)] if rest else o_words
        if head and (not rest or o_words[-len(rest):] == rest) and head != lab_words[:1] \
                and _is_abbreviation(lab_words[0], head):
            best = max(best, 88.0)
    # the outcome's own acronym in parentheses: 'myocardial infarction (MI)'
    for inner in re.findall(r"\(([A-Za-z0-9-]{2,10})\)", outcome):
        if inner.lower() in lab_words and len(lab_words) <= 3:
            best = max(best, 85.0)
    return best


def _variants(text: str, abbrev: dict[str, str]) -> list[str]:
    """``text`` with each defined abbreviation written out, and each long form abbreviated."""
    out = [text]
    for abbr, long_ in abbrev.items():
        if re.search(rf"(?<![\w-]){re.escape(abbr)}(?![\w-])", text):
            out.append(re.sub(rf"(?<![\w-]){re.escape(abbr)}(?![\w-])", long_, text))
        elif len(long_) > 5:
            # 'end-of-treatment virologic response' is the long form 'end of treatment ...'
            pat = r"[\s-]+".join(map(re.escape, re.split(r"[\s-]+", long_.strip())))
            if re.search(rf"(?<!\w){pat}(?![\w-])", text, re.I):
                out.append(re.sub(rf"(?<!\w){pat}(?![\w-])", abbr, text, flags=re.I))
    return list(dict.fromkeys(out))


def _tail_variants(outcome: str, t: Table, row: TableRow) -> list[str]:
    """'Adverse events - headache': the specific item after ' - ', when the table (caption or
    the row's group) is about the general part before it."""
    head, sep, tail = outcome.rpartition(" - ")
    if not sep or len(tail.strip()) < 3:
        return []
    hw = set(_content(head))
    ctx = set(_content(f"{t.caption or ''} {row.group or ''}"))
    if hw and 2 * len(hw & ctx) >= len(hw):
        return [tail.strip()]
    return []


_OUTCOME_TIME = re.compile(
    r"\s*\b(?:(?:at|after|by|during|within|over|until|through|in|from|on)\s+)?(?:the\s+)?(?:"
    r"end\s+of\s+(?:the\s+)?(?:treatment|study|trial|intervention|follow[- ]?up|therapy)|"
    r"(?:\d+(?:\.\d+)?\s*-?\s*(?:min(?:ute)?s?|h(?:ou)?rs?|h|days?|weeks?|wks?|months?|mos?|years?|yrs?)"
    r"|(?:day|week|month|year|visit)\s*\d+)(?:\s+(?:post[- ]?\w+|after\s+\w+|of\s+follow[- ]?up|follow[- ]?up))?)\b",
    re.I)


_BASELINE_WORD = re.compile(r"\b(at\s+)?baseline\b", re.I)


_ROW_TIME = re.compile(r"\d|\b(baseline|pre|post|before|after|end|final|follow[- ]?up|week|month|day|year)\b", re.I)


_CHANGE_WORD = re.compile(r"\b(reductions?|improvements?|gains?|increases?|decreases?|declines?|changes?)\b"
                          r"(\s+(in|of|from baseline))?", re.I)


_CHANGE_TABLE = re.compile(r"\b(chang\w*|reduc\w*|improv\w*|decreas\w*|increas\w*|gains?|delta)\b|Δ", re.I)


def _loose_variants(outcome_variants: list[str]) -> list[str]:
    """The outcome without its time point and units ('Weight at 12 months (kg)' -> 'Weight'):
    matched only against rows that name no time point themselves (the columns or the
    question's other words choose the time)."""
    out = []
    for o in outcome_variants:
        lo = _OUTCOME_TIME.sub(" ", o)
        lo = _BASELINE_WORD.sub(" ", lo)   # 'Baseline height': the baseline table is chosen already
        lo = _BRACKET.sub(lambda m: " " if _unit_or_measure(m.group(1)) else m.group(0), lo)
        lo = re.sub(r"\s+", " ", lo).strip(" ,;:-")
        if lo and lo != o and _content(lo):
            out.append(lo)
    return list(dict.fromkeys(out))


def _unchanged_variants(outcome_variants: list[str]) -> list[str]:
    """'Reduction of PPD' -> 'PPD': for a table that itself reports changes (its caption or
    columns say so), the change words are no part of the row's name."""
    out = []
    for o in outcome_variants:
        lo = re.sub(r"\s+", " ", _CHANGE_WORD.sub(" ", o)).strip(" ,;:-")
        if lo and lo != o and _content(lo):
            out.append(lo)
    return out


def _table_reports_change(t: Table) -> bool:
    ncols = max((len(r.cells) for r in t.rows), default=0)
    heads = " ".join(t.column_label(j) for j in range(1, ncols))
    return bool(_CHANGE_TABLE.search(f"{t.caption or ''} {heads}"))


def _relabelled(row: TableRow, label: str) -> TableRow:
    """``row`` with another label (its first cell's text; ``label`` is no field of its own)."""
    if not row.cells:
        return row
    first = row.cells[0].model_copy(update={"text": label})
    return row.model_copy(update={"cells": [first, *row.cells[1:]]})


_SUB_LABEL_TEXT = re.compile(r"[^\W\d_]{3,}")


def sub_labelled_rows(t: Table) -> dict[int, TableRow]:
    """Rows of a table whose second column, headed by nothing, holds text that continues the
    row label ('Hydronephrosis | left kidney | 52 (43.3 %)', then '| right kidney | 57 ...'
    under it): index -> a copy of the row labelled 'Hydronephrosis left kidney' (a row whose
    own label is empty carries the label above it). Empty when the table has no such column."""
    body = [(i, r) for i, r in enumerate(t.rows) if r.kind == "body" and len(r.cells) > 2]
    if t.column_label(1).strip() or len(body) < 2:
        return {}
    subs = [r.cells[1].text.strip() for _, r in body]
    filled = [x for x in subs if x]
    if len(filled) < 2 or not all(_SUB_LABEL_TEXT.search(x) and not re.search(r"\d", x) for x in filled):
        return {}
    out: dict[int, TableRow] = {}
    carried = ""
    for (i, r), sub in zip(body, subs):
        own = r.label.strip()
        if own:
            carried = own
        if sub and carried:
            out[i] = _relabelled(r, f"{carried} {sub}")
    return out


def _row_match(outcome_variants: list[str], row: TableRow, abbrev: dict[str, str],
               loose: list[str] | None = None) -> float:
    best = max(_row_score(o, row) for o in outcome_variants)
    if loose and not _ROW_TIME.search(f"{row.group or ''} {_clean_label(row.label)}"):
        # a looser reading scores below an exact one: a row naming the question's time point wins
        best = max(best, max(_row_score(o, row) for o in loose) - LOOSE_PENALTY)
    if best >= 100 or not abbrev:
        return best
    for lab in _variants(row.label, abbrev)[1:]:
        alt = _relabelled(row, lab)
        best = max(best, max(_row_score(o, alt) for o in outcome_variants))
    return best
