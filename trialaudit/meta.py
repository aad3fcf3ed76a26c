"""The meta-analyst's question, answered from the article's tables.

``answer(source, outcome, intervention, comparator)`` returns, for a binary
outcome, events and group size per arm, or for a continuous outcome mean, SD
and n per arm, each value with the cell it was read from; or a clear status
("not reported", "ambiguous") when the article does not say it unambiguously.

Matching is deliberately conservative: the outcome text is matched to table
row labels (with the row's group heading) with rapidfuzz, the intervention and
comparator texts to column headers (and to the extracted arms' labels, aliases
and drugs); a tie between different cells is "ambiguous", never a guess.

Why one long module: one answering pipeline (question arms -> study arms -> columns, outcome -> row,
cells -> numbers), each step a small function; the seam for a split is the arm matching.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import snowballstemmer
from rapidfuzz import fuzz

from trialaudit.extractor.quantities import parse_cell, parse_number
from trialaudit.extractor.study._util import sentence_prov
from trialaudit.extractor.study.arms import resolve_arm, strip_n
from trialaudit.extractor.study.meta_abbrev import COMMON as COMMON_ABBREVIATIONS, abbreviations
from trialaudit.meta_convert import sd_from_ci, sd_from_se
from trialaudit.extractor.study.meta_labels import LabelDefinition, group_label_definitions, labels_in
from trialaudit.schemas.document import Document, Table, TableRow
from trialaudit.schemas.provenance import Provenance
from trialaudit.schemas.quantities import Quantity
from trialaudit.schemas.study import Arm, Study
from trialaudit.validation.textmatch import footnote_abbreviations

OutcomeType = Literal["binary", "continuous"]
Status = Literal["answered", "not reported", "ambiguous"]

ROW_THRESHOLD = 76.0      # outcome text vs row label (token_set / partial); bench: first wrong at 70-71, lowest right 78
ARM_THRESHOLD = 70.0      # intervention/comparator text vs column header
ARM_MARGIN = 5.0
DOSE_PENALTY = 25.0       # a header's number that the question does not name
JUDGED = 90.0             # a header made only of one arm's words
ARM_RIVAL = 10.0     # a third column within this of the best makes the arm unclear          # a column must fit its arm better than the other arm by this much
ROW_TIE = 3.0             # rows scoring within this of the best are rivals
HEADING_PENALTY = 4.0     # a row matching the outcome only with its group heading's words
LOOSE_PENALTY = 5.0       # the outcome read without its time point, units or change words

_NON_ARM_COL = re.compile(
    r"^\s*(p|p[- ]?values?|[tfz][- ](test|values?|statistics?)|chi[- ]?squared?|total|all|overall|difference|diff|effect|or|rr|hr|rd|arr|rrr|nnt|risk difference|risk ratio|odds ratio|hazard ratio|95%|ci|change|"
    r"characteristics?|variables?|outcomes?|parameters?|es|effect size|cohen'?s?|t|f|z|u|χ2|chi|statistics?|"
    r"test|df|sig|significance|mean difference|md|smd)(?![\w-])", re.I)


_OVERALL = re.compile(r"^\s*(overall|total|all( patients| participants| subjects)?|whole (sample|population)|combined)\s*$", re.I)
_BASELINE_ROW = re.compile(r"\b(baseline|pre[- ]?(treatment|intervention|test|op(erative)?)?|before|"
                           r"admission|at entry|initial|week 0|day 0|screening)\b", re.I)
_BASELINE_TABLE = re.compile(r"\b((?<!from )(?<!since )(?<!over )baseline(?!\s+(?:to|and|through|until|vs\.?|versus)\b)|demographics?|on admission|at entry|at randomi[sz]ation|"
                             r"characteristics of (the )?(study )?(patients|participants|subjects|population))\b",
                             re.I)
BASELINE_PENALTY = 6.0
SUBGROUP_PENALTY = 6.0
_SUBGROUP_TABLE = re.compile(r"\bsub-?groups?\b|\bstratified\b", re.I)
_TIME_ROW = re.compile(r"^\s*(baseline|pre|post|after|before|end|final|follow|week|month|day|year|visit|t\d|"
                       r"\d+\s*(weeks?|months?|days?|years?|h|hours?)\b|at\b)", re.I)


_PERCENT_ONLY = re.compile(r"(^|[\s,(])(%|percent(age)?)\s*\)?\s*$|,\s*%|\(%\)", re.I)   # 'Hypertension, %'
_PERCENT_LABEL = re.compile(r"%|percent|proportion|\brate\b|mean|median", re.I)


@dataclass
class Value:
    """One number of the answer with where it was read."""

    value: float
    text: str
    provenance: Provenance
    source: str = "table cell"  # "table cell", "cell n/N", "column header", "resolved denominator", "arm size"
    converted: str | None = None   # how an SD was derived from an SE or a CI (None: printed as an SD)


@dataclass
class ArmAnswer:
    arm_text: str
    column: str | None = None
    events: Value | None = None
    group_size: Value | None = None
    mean: Value | None = None
    sd: Value | None = None


@dataclass
class Answer:
    outcome: str
    outcome_type: OutcomeType
    status: Status
    intervention: ArmAnswer
    comparator: ArmAnswer
    reason: str = ""
    table: str | None = None
    row: str | None = None
    candidates: list[str] = field(default_factory=list)

    @property
    def reported(self) -> bool:
        return self.status == "answered"

    def as_dict(self) -> dict:
        def v(x: Value | None):
            return None if x is None else x.value
        out = {"status": self.status, "reason": self.reason, "table": self.table, "row": self.row}
        for name, a in (("intervention", self.intervention), ("comparator", self.comparator)):
            out[f"{name}_events"] = v(a.events)
            out[f"{name}_group_size"] = v(a.group_size)
            out[f"{name}_mean"] = v(a.mean)
            out[f"{name}_sd"] = v(a.sd)
        return out


# ---------------------------------------------------------------- text helpers

_GREEK = {"α": " alpha ", "β": " beta ", "γ": " gamma ", "δ": " delta ", "κ": " kappa "}


def _norm(s: str) -> str:
    s = s.lower().replace("±", " ")
    for g, name in _GREEK.items():
        s = s.replace(g, name)
    s = re.sub(r"(\d)([a-z])", r"\1 \2", s)          # '3h' -> '3 h'
    s = re.sub(r"\bno\.", " ", s)
    s = re.sub(r"\b(mean|sd|s\.d\.|n|se|median|iqr)\b|%", " ", s)
    s = re.sub(r"[^a-z0-9+ ]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


_ARM_STOP = {"the", "group", "groups", "arm", "cohort", "of", "patients", "participants", "subjects",
             "with", "in", "treated", "who", "received", "receiving", "a", "an", "and", "or", "were", "was"}


def _arm_norm(s: str) -> str:
    toks = [t for t in _norm(s).split() if t not in _ARM_STOP]
    return " ".join(toks)


def _alternatives(text: str) -> list[str]:
    """'White Grape Juice (WGJ)' -> full text, text without the parenthetical, 'WGJ',
    and the leading clause ('intervention group, i.e. ...' -> 'intervention group')."""
    alts = [text]
    inner = re.findall(r"\(([^()]{1,60})\)", text)
    outer = re.sub(r"\([^()]*\)", " ", text).strip()
    if outer and outer != text:
        alts.append(outer)
    alts.extend(i for i in inner if i.strip())
    lead = re.split(r",|;|:|\s[-–]\s|\bi\.e\.|\bwhich\b|\bwho\b", outer or text)[0].strip()
    if lead and lead != outer:
        alts.append(lead)
    return list(dict.fromkeys(a for a in (_arm_norm(x) for x in alts) if a))


_CONTROL = re.compile(r"^\s*(no|without)\s+\w|\b(control|controls|placebo|pbo|sham|usual|standard|routine|conventional|"
                      r"no (intervention|treatment|therapy)|non[- ]?intervention|untreated|tau|"
                      r"wait[- ]?list|waiting list|vehicle|dummy)\b", re.I)
_GENERIC_ACTIVE = re.compile(r"^\s*(intervention|treatment|experimental|study|active|trial)\s*$", re.I)


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


def _exact_len(col: str, query_alts: list[str]) -> int:
    """Length of the longest wording of ``col`` equal to one of the query's: 'ACVC-HA group'
    is a more specific match of 'ACVC-HA ... (ACVC) ...' than 'ACVC group'."""
    raw = strip_n(col)[0]
    alts = set(_alternatives(raw)) or {_arm_norm(raw)}
    alts |= set(labels_in(raw))
    return max((len(a) for a in alts if a in query_alts), default=0)


def _arm_score(col: str, query_alts: list[str], query_is_control: bool | None = None) -> float:
    raw = strip_n(col)[0]
    col_alts = _alternatives(raw) or [_arm_norm(raw)]
    base = col_alts[0] if col_alts else ""
    if not base and not labels_in(raw):
        return 0.0
    best = 0.0
    if any(k in query_alts for k in labels_in(raw)):
        best = 100.0
    for b in col_alts:
        for q in query_alts:
            if b == q:
                best = 100.0
                break
            sc = 0.6 * fuzz.token_set_ratio(b, q) + 0.4 * fuzz.token_sort_ratio(b, q)
            best = max(best, min(sc, 95.0))
    # an abbreviation in the header for the arm's words ('F-URS' for 'flexible ureteroscopy')
    if best < 90:
        for tok in re.findall(r"\b[A-Z][A-Za-z]*(?:-[A-Z]+)*\b", raw):
            letters = tok.replace("-", "")
            if sum(ch.isupper() for ch in letters) < 2:
                continue
            if any(_is_abbreviation(letters, q.split()) for q in query_alts):
                best = max(best, 90.0)
    if query_is_control is None:
        return best
    col_control = bool(_CONTROL.search(raw))
    if col_control and not query_is_control:
        return min(best, 60.0)   # a control column never answers for an active arm
    if col_control and query_is_control:
        best = max(best, 88.0)
    elif not col_control and not query_is_control and _GENERIC_ACTIVE.match(base):
        best = max(best, 85.0)   # 'Intervention' column for a named active arm
    return best


_OUTCOME_FILLER = {
    "the", "a", "an", "of", "in", "on", "at", "to", "for", "with", "and", "by", "during", "after", "from",
    "incidence", "incidences", "rate", "rates", "proportion", "proportions", "number", "numbers", "occurrence",
    "level", "levels", "mean", "average", "percentage", "percent", "frequency", "differences", "difference",
    "patients", "participants", "subjects", "people", "who", "had", "were", "was", "total", "overall",
    "scores", "score", "value", "values", "amount", "changes", "change", "any", "n",
}


_SYNONYM = {"therapy": "treatment", "mortality": "death", "died": "death", "dead": "death",
            "effects": "events", "effect": "events", "reactions": "events", "hospitalisation": "hospitalization"}


_QUALIFIER = {"serious", "severe", "major", "minor", "mild", "moderate", "grade", "early", "late",
              "fatal", "nonfatal", "non", "recurrent", "new", "persistent", "complete", "partial",
              "right", "left", "not", "without", "upper", "lower", "bilateral", "unilateral", "severity"}


_MEASURE_KIND = {"z", "sds", "percentile", "centile", "log"}


def _stem(t: str) -> str:
    t = _SYNONYM.get(t, t)
    if len(t) > 4 and t.endswith("s") and not t.endswith(("ss", "us", "is")):
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


_QUALIFIER_STEMS = {_ostem(w) for w in _QUALIFIER}
_MEASURE_KIND_STEMS = {_ostem(w) for w in _MEASURE_KIND}


def _acronym(words: list[str]) -> str:
    return "".join(w[0] for w in words if w and w[0].isalpha())


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


def _row_match(outcome_variants: list[str], row: TableRow, abbrev: dict[str, str],
               loose: list[str] | None = None) -> float:
    best = max(_row_score(o, row) for o in outcome_variants)
    if loose and not _ROW_TIME.search(f"{row.group or ''} {_clean_label(row.label)}"):
        # a looser reading scores below an exact one: a row naming the question's time point wins
        best = max(best, max(_row_score(o, row) for o in loose) - LOOSE_PENALTY)
    if best >= 100 or not abbrev:
        return best
    for lab in _variants(row.label, abbrev)[1:]:
        alt = row.model_copy(update={"label": lab})
        best = max(best, max(_row_score(o, alt) for o in outcome_variants))
    return best


# ---------------------------------------------------------------- arms

LABEL_COVERAGE = 0.75     # share of the query's words a group's definition must contain
LABEL_MARGIN = 0.3        # ... more than any other group's definition


def _words(s: str) -> set[str]:
    return {_stem(t) for t in _arm_norm(s).split() if len(t) > 1 or t.isdigit()}


def _label_keys(text: str, defs: list[LabelDefinition]) -> list[str]:
    """The group label ('group:i') whose definition in the text describes ``text``."""
    keys = labels_in(text)
    if keys or not defs:
        return keys
    q = _words(text)
    if not q:
        return []
    best: dict[str, float] = {}
    for d in defs:
        cov = len(q & _words(d.text)) / len(q)
        best[d.key] = max(best.get(d.key, 0.0), cov)
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    if ranked and ranked[0][1] >= LABEL_COVERAGE and \
            (len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= LABEL_MARGIN):
        return [ranked[0][0]]
    return []


def _study_arm(text: str, arms: list[Arm], alts: list[str] | None = None, sizes_only: bool = False) -> Arm | None:
    """The study arm the question's arm text names: by label or alias, by a clear best
    wording match, or by role (a control named 'usual care', 'placebo', ... when the
    study's control-like arms are one arm of one size). None when unclear."""
    if not arms:
        return None
    arm = resolve_arm(text, arms)
    if arm is not None:
        return arm
    alts = alts if alts is not None else _alternatives(text)
    scored = []
    for a in arms:
        if a.is_total:
            continue
        names = [a.label, *a.aliases, *a.drugs]
        scored.append((max(_arm_score(n, alts) for n in names), a))
    scored.sort(key=lambda x: -x[0])
    if scored and scored[0][0] >= 85 and (len(scored) == 1 or scored[0][0] - scored[1][0] >= ARM_MARGIN):
        return scored[0][1]
    if sizes_only and scored and scored[0][0] >= 85:
        near = [a for sc, a in scored if sc >= 85]
        if len({a.n for a in near}) == 1 and near[0].n is not None:
            return near[0]   # several arms fit the words, all of one size: the size is known
    if _CONTROL.search(text):
        controls = [a for a in arms if not a.is_total and any(_CONTROL.search(n) for n in [a.label, *a.aliases])]
        if controls and len({a.n for a in controls}) == 1 and controls[0].n is not None:
            return controls[0]
    return None


def _query_alts(text: str, arms: list[Arm], defs: list[LabelDefinition] | None = None) -> list[str]:
    """The query's own wordings plus those of the study arm it names (when one does) and
    the group label the text defines for it."""
    alts = _alternatives(text)
    alts.extend(_label_keys(text, defs or []))
    arm = _study_arm(text, arms, alts)
    if arm is not None:
        alts.extend(_arm_norm(n) for n in [arm.label, *arm.aliases] if _arm_norm(n))
    return list(dict.fromkeys(alts))


_MEAN_SUB = re.compile(r"^\s*(mean|χ|x̄|x|average|m)\s*$", re.I)
_N_SUB = re.compile(r"^\s*(n|no\.?|number|count)\s*$", re.I)
_PCT_SUB = re.compile(r"^\s*\(?\s*%\s*\)?\s*$", re.I)
_SD_SUB = re.compile(r"^\s*(sd|s\.d\.|±\s*sd|standard deviation)\s*$", re.I)

Col = tuple[int, "int | None"]   # (value column, separate SD column or None)


def _strata_rests(t: Table, ncols: int) -> set[str]:
    """The second header level under strata that are not the overall one ('Placebo' of
    'Children / Placebo (n = 42)')."""
    out = set()
    for j in range(1, ncols):
        parts = t.column_label(j).split(" / ")
        if len(parts) > 1 and not _OVERALL.match(parts[0]) and not _NON_ARM_COL.match(parts[0]):
            out.add(strip_n(parts[1])[0])
    return out


def _column_groups(t: Table) -> dict[str, Col]:
    """Arm-like columns of ``t`` by label; a 'mean' and an 'SD' sub-column under one
    header become one column pair."""
    ncols = max((len(r.cells) for r in t.rows), default=0)
    by_top: dict[str, list[tuple[int, str]]] = {}
    strata = _strata_rests(t, ncols)
    for j in range(1, ncols):
        lab = t.column_label(j)
        if not lab:
            continue
        top, _, sub = lab.rpartition(" / ") if " / " in lab else (lab, "", "")
        parts = lab.split(" / ")
        if len(parts) > 1 and _OVERALL.match(parts[0]) and strip_n(parts[1])[0] in strata:
            parts = parts[1:]   # 'Overall / Placebo' beside 'Children / Placebo': the whole population's arm
        if _NON_ARM_COL.match(sub or top) or any(_NON_ARM_COL.match(part) for part in parts):
            continue   # a p-value, a difference between groups, ... at any header level
        paired = sub and any(rx.match(sub) for rx in (_MEAN_SUB, _SD_SUB, _N_SUB, _PCT_SUB))
        by_top.setdefault(top if paired else lab, []).append((j, sub))
    out: dict[str, Col] = {}
    for key, cols in by_top.items():
        if len(cols) == 1:
            out[key] = (cols[0][0], None)
        else:
            means = [j for j, sub in cols if _MEAN_SUB.match(sub)]
            sds = [j for j, sub in cols if _SD_SUB.match(sub)]
            if len(cols) == 2 and len(means) == 1 and len(sds) == 1:
                out[key] = (means[0], sds[0])
                continue
            counts = [j for j, sub in cols if _N_SUB.match(sub)]
            pcts = [j for j, sub in cols if _PCT_SUB.match(sub)]
            if len(cols) == 2 and len(counts) == 1 and len(pcts) == 1:
                out[key] = (counts[0], None)   # 'N' and '%' under one arm: the count column
                continue
            # the same header over a spanning empty column: keep the one that holds values
            filled = [j for j, _ in cols if any(j < len(r.cells) and r.cells[j].text.strip()
                                                 for r in t.rows if r.kind == "body")]
            if len(filled) == 1 and all(sub == cols[0][1] for _, sub in cols):
                out[key] = (filled[0], None)
    return out


_TIME_PART = re.compile(
    r"^\s*(baseline|pre\b|pre[- ]?(treatment|intervention|test)|post\b|post[- ]?(treatment|intervention|test)|"
    r"week|wk\b|month|day\b|year|visit|t\d\b|follow|mid[- ]?point|end\b|end of|final|endpoint|"
    r"\d+(\.\d+)?\s*(m|mo|months?|weeks?|wks?|days?|d|years?|y|h|hours?)\b)", re.I)


def _split_time(label: str) -> tuple[str, str]:
    """'Week 12 / CZP 200 mg (n = 393)' -> ('CZP 200 mg (n = 393)', 'Week 12')."""
    parts = label.split(" / ")
    if len(parts) < 2:
        return label, ""
    times = [p for p in parts if _TIME_PART.match(p)]
    arms = [p for p in parts if not _TIME_PART.match(p)]
    if len(times) != 1 or not arms:
        return label, ""
    # 'Week 12 (n=592) mean (95% CI)' -> 'Week 12': what the cells hold is no part of the time
    raw = re.sub(r"\s*\b(mean|median|sd|se)\b.*$|\s*\(?\s*95\s*%.*$", "", times[0], flags=re.I)
    return " / ".join(arms), strip_n(raw)[0].strip() or strip_n(times[0])[0]


def _time_in_outcome(tm: str, outcome: str) -> bool:
    nums = re.findall(r"\d+", tm)
    if not nums:
        return False
    return all(re.search(rf"\b{n}\s*-?\s*(m\b|mo\b|months?|weeks?|wks?|days?|years?|h\b|hours?)", outcome, re.I)
               or re.search(rf"\b(week|month|day|year|visit)s?\s*{n}\b", outcome, re.I) for n in nums)


def _stratum_columns(groups: dict[str, Col], outcome: str, arm_alts: list[str]) -> dict[str, Col]:
    """Arms printed under strata ('Children / Placebo', ..., 'Overall / Placebo'; 'Cervical
    spine / Open MR', 'Lumbar spine / Open MR'): the stratum the outcome names, else the
    overall one; the arms' columns under it, their labels without the stratum."""
    split = [k.split(" / ", 1) for k in groups]
    if len(split) < 4 or any(len(p) < 2 for p in split):
        return groups
    tops = list(dict.fromkeys(p[0] for p in split))
    if len(tops) < 2 or any(_TIME_PART.match(tp) for tp in tops):
        return groups
    if any(_arm_score(tp, arm_alts) >= ARM_THRESHOLD for tp in tops):
        return groups   # the top level names the arms (times or measures below them)
    rests = [{strip_n(p[1])[0] for p in split if p[0] == tp} for tp in tops]
    if any(r != rests[0] for r in rests[1:]):
        return groups   # not the same arms under each stratum
    ow = set(_content(outcome))
    named = [tp for tp in tops if (cw := set(_content(tp))) and cw <= ow]
    pick = named if len(named) == 1 else [tp for tp in tops if _OVERALL.match(tp)]
    if len(pick) != 1:
        return groups
    return {k.split(" / ", 1)[1]: col for k, col in groups.items() if k.split(" / ", 1)[0] == pick[0]}


def _arm_columns(t: Table, int_alts: list[str], cmp_alts: list[str],
                 roles: tuple[bool | None, bool | None] = (None, None),
                 outcome: str = "", judge=None) -> tuple[Col, Col] | None:
    """The column of the intervention and of the comparator in ``t`` (None when unclear).

    ``roles`` says whether the intervention / the comparator text names a control. When
    the arms are printed at several time points, the time the outcome names is taken,
    else the last one after baseline."""
    groups = _stratum_columns(_column_groups(t), outcome, int_alts + cmp_alts)
    by_time: dict[str, dict[str, Col]] = {}
    for key, col in groups.items():
        arm, tm = _split_time(key)
        if arm in by_time.setdefault(tm, {}):
            return None
        by_time[tm][arm] = col
    timed = [tm for tm in by_time if tm and len(by_time[tm]) >= 2]
    if "" in by_time and len(timed) >= 2:
        by_time.pop("")   # a 'Subgroup' or '% change' column beside arms at time points is no arm
    if len(by_time) > 1 and "" not in by_time:
        times = list(by_time)  # in column order
        named = [tm for tm in times if _time_in_outcome(tm, outcome)]
        asks_baseline = bool(_BASELINE_ROW.search(outcome))
        if len(named) == 1:
            tm = named[0]
        else:
            later = [tm for tm in times if bool(_BASELINE_ROW.search(tm)) == asks_baseline]
            if not later:
                return None
            tm = later[-1] if not asks_baseline else later[0]
        return _pick_columns(by_time[tm], int_alts, cmp_alts, roles, judge)
    return _pick_columns(groups, int_alts, cmp_alts, roles, judge)


def _numbers(text: str) -> set[str]:
    return {n.lstrip("0") or "0" for n in re.findall(r"\d+(?:\.\d+)?", text.replace(" 0 ", " 0.").replace(",", "."))}


def _distinguishing_numbers(groups: dict[str, Col], int_alts: list[str],
                            cmp_alts: list[str]) -> tuple[str, str] | None:
    """Two arms told apart only by a number ('... for 48 weeks' / '... for 24 weeks'; columns
    'SD48W' and 'SD24W'): each column holds exactly one of the numbers only one side names."""
    qi = set().union(*(_numbers(a) for a in int_alts)) if int_alts else set()
    qc = set().union(*(_numbers(a) for a in cmp_alts)) if cmp_alts else set()
    only_i, only_c = qi - qc, qc - qi
    if not only_i or not only_c:
        return None
    side = {}
    for k in groups:
        kn = {n.lstrip("0") or "0" for n in re.findall(r"\d+(?:\.\d+)?", strip_n(k)[0])}
        hi, hc = kn & only_i, kn & only_c
        if bool(hi) == bool(hc):
            return None
        if kn - only_i - only_c:
            return None   # another number (a time point, a dose) the question does not explain
        side[k] = "i" if hi else "c"
    a, b = list(groups)
    if side[a] == side[b]:
        return None
    return (a, b) if side[a] == "i" else (b, a)


_ADD_ON_FILLER = {"alone", "only", "group", "arm", "groups", "plus", "with", "and", "the"}


def _nested_pair(groups: dict[str, Col], judge=None) -> tuple[str, str] | None:
    """An add-on design: 'BTH1677/Bevacizumab/Carboplatin/Paclitaxel' beside 'Bevacizumab/
    Carboplatin/Paclitaxel', 'MPC + HA' beside 'HA alone'. The column with the extra
    component is the intervention when the extra words belong to the intervention's
    description only (and the shared ones do not)."""
    a, b = list(groups)
    wa = _words(strip_n(a)[0]) - _ADD_ON_FILLER
    wb = _words(strip_n(b)[0]) - _ADD_ON_FILLER
    if not wa or not wb or wa == wb:
        return None
    if wb < wa:
        big, small, extra = a, b, wa - wb
    elif wa < wb:
        big, small, extra = b, a, wb - wa
    else:
        return None
    if _CONTROL.search(big):
        return None
    if judge is not None and judge(" ".join(sorted(extra))) == "i" and judge(" ".join(sorted(
            _words(strip_n(small)[0]) - _ADD_ON_FILLER))) != "i":
        return big, small
    return None


def _pick_columns(groups: dict[str, Col], int_alts: list[str], cmp_alts: list[str],
                  roles: tuple[bool | None, bool | None], judge=None) -> tuple[Col, Col] | None:
    si = {k: _arm_score(k, int_alts, roles[0]) for k in groups}
    sc = {k: _arm_score(k, cmp_alts, roles[1]) for k in groups}
    # a dose in the header must be the dose the question names ('CZP 400 mg' is not 'certolizumab 200 mg')
    for score, alts in ((si, int_alts), (sc, cmp_alts)):
        qn = set().union(*(_numbers(a) for a in alts)) if alts else set()
        if not qn:
            continue
        for k in groups:
            kn = _numbers(strip_n(k)[0])
            if kn and not kn <= qn:
                score[k] -= DOSE_PENALTY
    if judge is not None:
        # a header whose words all belong to one arm's description ('Left anodal' for
        # 'left DLPFC anodal tDCS', 'EP group' for 'externship program (EP)')
        int_is_control = any(_CONTROL.search(a) for a in int_alts)
        for k in groups:
            side = judge(strip_n(k)[0])
            if side == "i" and _CONTROL.search(k) and not int_is_control:
                continue   # a control column never answers for an active arm
            if side == "i":
                si[k] = max(si[k], JUDGED)
            elif side == "c":
                sc[k] = max(sc[k], JUDGED)
    ci = [k for k in si if si[k] >= ARM_THRESHOLD and si[k] - sc[k] >= ARM_MARGIN]
    cc = [k for k in sc if sc[k] >= ARM_THRESHOLD and sc[k] - si[k] >= ARM_MARGIN]
    if len(groups) == 2:
        # two arm columns, one clearly named: the other is the other arm (a control
        # called 'placebo', 'usual care', ...) unless it fits the named arm too
        a, b = list(groups)
        if ci and not cc:
            other = b if ci[0] == a else a
            if si[other] < ARM_THRESHOLD and len(ci) == 1:
                cc = [other]
        elif cc and not ci:
            other = b if cc[0] == a else a
            if sc[other] < ARM_THRESHOLD and len(cc) == 1:
                ci = [other]
    if (not ci or not cc) and len(groups) == 2:
        pair = _distinguishing_numbers(groups, int_alts, cmp_alts) or _nested_pair(groups, judge)
        if pair is not None:
            return groups[pair[0]], groups[pair[1]]
    if not ci or not cc:
        return None
    bi = max(ci, key=lambda k: (si[k], _exact_len(k, int_alts)))
    bc = max(cc, key=lambda k: (sc[k], _exact_len(k, cmp_alts)))
    # two columns fitting equally well (e.g. the arm at two time points) -> unclear
    if bi == bc:
        return None
    # another arm column fitting almost as well ('ACVC' beside 'ACVC-HA', the arm at two
    # time points) -> unclear which one is meant
    def rival(score: dict, best: str, alts: list[str]) -> bool:
        return any(score[k] >= score[best] - ARM_RIVAL and (score[best] < 100 or score[k] >= 100)
                   and not (score[k] >= 100 and _exact_len(k, alts) < _exact_len(best, alts))
                   for k in groups if k not in (bi, bc))
    if rival(si, bi, int_alts) or rival(sc, bc, cmp_alts):
        return None
    return groups[bi], groups[bc]


# ---------------------------------------------------------------- cells

def _cell_prov(t: Table, row: TableRow, j: int) -> Provenance:
    c = row.cells[j]
    return Provenance(span=c.span, quote=c.raw or c.text, table=t.label, row=row.label,
                      column=t.column_label(j), method="table-cell")


def _header_prov(t: Table, j: int) -> Provenance:
    for hr in reversed(t.header_rows):
        if j < len(hr.cells) and hr.cells[j].text:
            c = hr.cells[j]
            return Provenance(span=c.span, quote=c.raw or c.text, table=t.label, column=t.column_label(j),
                              method="table-cell")
    return Provenance(span=t.span, quote=t.column_label(j), table=t.label, column=t.column_label(j),
                      method="table-cell")


def _quantity(text: str, label: str, kinds: set[str]) -> Quantity | None:
    qs = [q for q in parse_cell(text, label=label) if q.kind in kinds]
    return qs[0] if len(qs) == 1 else None


def _group_size(study: Study | None, t: Table, row: TableRow, j: int,
                q: Quantity | None, arm_text: str) -> Value | None:
    if q is not None and q.denominator is not None:
        return Value(q.denominator.value, q.denominator.text, _cell_prov(t, row, j), "cell n/N")
    if study is not None:
        for d in study.denominators:
            if d.table == t.label and d.col == j and d.row < len(t.rows) and t.rows[d.row] is row \
                    and d.n is not None and d.certainty == "stated":
                prov = d.provenance or _cell_prov(t, row, j)
                return Value(float(d.n), str(d.n), prov, f"resolved denominator ({d.source})")
    _, n = strip_n(t.column_label(j))
    if n is not None:
        return Value(float(n), str(n), _header_prov(t, j), "column header")
    if study is not None:
        arm = resolve_arm(t.column_label(j), study.arms) or _study_arm(arm_text, study.arms, sizes_only=True)
        if arm is not None and arm.n is not None:
            prov = arm.sizes[0].provenance if arm.sizes else (arm.definition or _header_prov(t, j))
            return Value(float(arm.n), str(arm.n), prov, "arm size")
    return None


def _read(study: Study | None, t: Table, row: TableRow, col: Col, otype: OutcomeType,
          arm_text: str) -> ArmAnswer | None:
    j, jsd = col
    if j >= len(row.cells) or (jsd is not None and jsd >= len(row.cells)):
        return None
    cell = row.cells[j]
    cell = cell.model_copy(update={"text": _PLUS_MINUS_PAREN.sub("(", cell.text)})
    label = " ".join(x for x in (row.group or "", row.label, t.column_label(j)) if x)
    a = ArmAnswer(arm_text=arm_text, column=t.column_label(j))
    if otype == "binary":
        q = _quantity(cell.text, label, {"count_percent", "fraction", "count", "percent"})
        if q is None:
            return None
        if q.kind == "percent" or (q.kind == "count" and q.value is not None
                                   and _PERCENT_ONLY.search(f"{row.group or ''} {row.label} {t.column_label(j)}")):
            # a percentage alone: the count is rebuilt from the group size when only one fits
            n = _group_size(study, t, row, j, None, arm_text)
            if n is None or q.value is None:
                return None
            a.events = _derived_events(q.value, n, _cell_prov(t, row, j))
            if a.events is None:
                return None
            a.group_size = n
            return a
        if q.kind == "count":
            if q.value is None:
                return None
            if _PERCENT_LABEL.search(f"{label} {t.caption}") or q.value.decimals:
                return None  # a bare number under a '%' label is a percentage, not a count
            a.events = Value(q.value.value, q.value.text, _cell_prov(t, row, j))
        elif q.count is not None:
            a.events = Value(q.count.value, q.count.text, _cell_prov(t, row, j))
        else:
            return None
        a.group_size = _group_size(study, t, row, j, q, arm_text)
        if a.group_size is None:
            return None
    elif jsd is not None:
        m, sd = parse_number(cell.text.strip()), parse_number(row.cells[jsd].text.strip())
        if m is None or sd is None:
            return None
        a.mean = Value(m.value, m.text, _cell_prov(t, row, j))
        a.sd = Value(sd.value, sd.text, _cell_prov(t, row, jsd))
        a.group_size = _group_size(study, t, row, j, None, arm_text)
    else:
        q = _quantity(cell.text, label, {"mean_sd", "estimate_ci"})
        if q is None or q.value is None:
            return None
        if _NOT_MEAN.search(f"{label} {t.caption or ''}"):
            return None  # a median, a difference or a ratio is not the arm's mean
        a.mean = Value(q.value.value, q.value.text, _cell_prov(t, row, j))
        a.group_size = _group_size(study, t, row, j, None, arm_text)
        if q.kind == "estimate_ci":
            if q.low is None or q.high is None or a.group_size is None or not re.search(r"\bmean", label, re.I):
                return None
            a.sd = _sd_from_ci(q, a.group_size, _cell_prov(t, row, j))
        elif q.sd is None:
            return None
        elif _SE_LABEL.search(label):
            if a.group_size is None:
                return None
            a.sd = _sd_from_se(q.sd, a.group_size, _cell_prov(t, row, j))
        elif _OTHER_SPREAD.search(label):
            return None  # not an SD
        else:
            a.sd = Value(q.sd.value, q.sd.text, _cell_prov(t, row, j))
    return a


_PLUS_MINUS_PAREN = re.compile(r"\(\s*±\s*")   # '101.9 (±35.1)' is '101.9 (35.1)'
_SE_LABEL = re.compile(r"\b(se|sem|s\.e\.(m\.)?|standard errors?)\b", re.I)
_OTHER_SPREAD = re.compile(r"\b(ci|iqr|range|interquartile|confidence)\b", re.I)
_NOT_MEAN = re.compile(r"\b(median|iqr|interquartile|difference|ratio|odds|hazard|relative risk)\b", re.I)


def events_from_percent(percent: float, decimals: int, n: float) -> int | None:
    """The one whole count of ``n`` that prints as ``percent`` at ``decimals`` places, or None
    when none or several do (with 300 patients, '12%' fits 35, 36 and 37)."""
    if n <= 0 or n != int(n) or not 0 <= percent <= 100:
        return None
    half = 0.5 * 10 ** -decimals + 1e-9
    fits = [k for k in range(int(n) + 1) if abs(100 * k / n - percent) <= half]
    return fits[0] if len(fits) == 1 else None


def _derived_events(pct, n: Value, prov: Provenance) -> Value | None:
    k = events_from_percent(pct.value, pct.decimals, n.value)
    if k is None:
        return None
    return Value(float(k), str(k), prov, "derived from % and group size",
                 converted=f"events = the only count of {n.value:g} giving {pct.text}%")


def _sd_from_se(se, n: Value, prov: Provenance) -> Value:
    sd, note = sd_from_se(se.value, n.value)
    return Value(sd, f"{sd:g}", prov, "converted from SE", converted=note)


def _sd_from_ci(q: Quantity, n: Value, prov: Provenance) -> Value:
    sd, note = sd_from_ci(q.low.value, q.high.value, n.value, q.ci_level or 95.0)
    return Value(sd, f"{sd:g}", prov, "converted from 95% CI" if (q.ci_level or 95.0) == 95.0
                 else f"converted from {q.ci_level:g}% CI", converted=note)


# ---------------------------------------------------------------- API

def _load(source) -> tuple[Document, Study | None]:
    if isinstance(source, tuple):
        return source[0], source[1]
    if isinstance(source, Document):
        from trialaudit.extractor.study import extract_study
        return source, extract_study(source)
    if isinstance(source, (str, Path)):
        from trialaudit.inputs import document_for
        from trialaudit.extractor.study import extract_study
        doc = document_for(source)
        return doc, extract_study(doc)
    raise TypeError(f"answer() takes a path, a Document or a (Document, Study) pair, not {type(source).__name__}")


def _guess_type(outcome: str) -> OutcomeType:
    if re.search(r"\b(score|level|mean|duration|time|length|days|concentration|change|weight|"
                 r"pressure|volume|rate of change|index)\b", outcome, re.I):
        return "continuous"
    return "binary"


def answer(source, outcome: str, intervention: str, comparator: str,
           outcome_type: OutcomeType | None = None) -> Answer:
    """Answer one meta-analysis question from ``source``.

    ``source`` is a path, a :class:`Document`, or a ``(Document, Study)`` pair
    (pass the pair to reuse an extraction across questions).
    """
    doc, study = _load(source)
    otype: OutcomeType = outcome_type or _guess_type(outcome)
    arms = study.arms if study is not None else []
    defs = group_label_definitions(doc)
    int_alts = _query_alts(intervention, arms, defs)
    cmp_alts = _query_alts(comparator, arms, defs)
    ic, cc = bool(_CONTROL.search(intervention)), bool(_CONTROL.search(comparator))
    roles: tuple[bool | None, bool | None] = (ic, cc) if ic != cc else (None, None)  # names only when unclear
    empty = Answer(outcome, otype, "not reported", ArmAnswer(intervention), ArmAnswer(comparator))

    abbrev = abbreviations(doc)
    outcome_abbrev = {**COMMON_ABBREVIATIONS, **abbrev}
    outcome_variants = _variants(outcome, outcome_abbrev)
    loose = _loose_variants(outcome_variants)
    judge = _phrase_judge(intervention, comparator, int_alts, cmp_alts, abbrev)
    found: list[tuple[float, Table, TableRow, ArmAnswer, ArmAnswer]] = []
    saw_row = saw_cols = False
    asks_baseline = bool(_BASELINE_ROW.search(outcome))
    asks_change = any(_CHANGE.search(o) for o in outcome_variants)
    for t in doc.tables:
        baseline_table = bool(_BASELINE_TABLE.search(t.caption or ""))
        if not asks_baseline and baseline_table:
            continue  # a baseline table does not report outcomes
        cols = _arm_columns(t, int_alts, cmp_alts, roles, outcome, judge)
        if cols is None:
            continue
        ji, jc = cols
        saw_cols = True
        t_abbrev = {**outcome_abbrev, **footnote_abbreviations(t.footnotes)}
        subgroup_table = bool(_SUBGROUP_TABLE.search(t.caption or "")) and not _SUBGROUP_TABLE.search(outcome)
        t_loose = loose + (_unchanged_variants(outcome_variants + loose)
                           if asks_change and _table_reports_change(t) else [])
        for row in t.rows:
            if row.kind != "body":
                continue
            s = _row_match(outcome_variants + _tail_variants(outcome, t, row), row, t_abbrev, t_loose)
            baseline_row = bool(row.group and _BASELINE_ROW.search(row.label))
            if asks_baseline and not (baseline_table or baseline_row):
                continue  # asked at baseline: only a baseline table or row answers
            if not asks_baseline and baseline_row:
                s -= BASELINE_PENALTY  # the before-treatment row of an outcome measured twice
            if subgroup_table:
                s -= SUBGROUP_PENALTY  # the whole population's table answers before a subgroup's
            if s < ROW_THRESHOLD:
                continue
            saw_row = True
            if not asks_change and any(_CHANGE.search(t.column_label(c[0])) for c in (ji, jc)):
                continue  # a change column does not give the outcome's value
            ai = _read(study, t, row, ji, otype, intervention)
            ac = _read(study, t, row, jc, otype, comparator)
            if ai is None or ac is None:
                continue
            found.append((s, t, row, ai, ac))
    if not found:
        text_ans = _from_text(doc, study, outcome_variants, otype, intervention, comparator, int_alts, cmp_alts,
                              abbrev)
        if text_ans is not None:
            return text_ans
        empty.reason = ("an outcome row matched but its cells do not hold " +
                        ("counts with a group size" if otype == "binary" else "mean (SD)")) if saw_row \
            else ("no table row matches the outcome under columns of both arms" if saw_cols
                  else "no table has columns for both arms")
        empty.reason += "; no sentence gives values for both arms"
        return empty
    found.sort(key=lambda x: -x[0])
    best = found[0]
    rivals = [f for f in found[1:] if f[0] >= best[0] - ROW_TIE and _key(f, otype) != _key(best, otype)]
    if rivals:
        amb = Answer(outcome, otype, "ambiguous", ArmAnswer(intervention), ArmAnswer(comparator),
                     reason="several rows match the outcome with different values",
                     candidates=[f"{f[1].label}: {f[2].label}" for f in [best, *rivals]])
        return amb
    s, t, row, ai, ac = best
    other = _other_time_table(doc, t, outcome)
    if other is not None:
        return Answer(outcome, otype, "ambiguous", ArmAnswer(intervention), ArmAnswer(comparator),
                      reason="the outcome is reported at several time points and the question names none",
                      candidates=[f"{t.label}: {row.label}", other])
    return Answer(outcome, otype, "answered", ai, ac, reason=f"row match {s:.0f}",
                  table=t.label, row=row.label)


def _time_labels(t: Table) -> set[str]:
    ncols = max((len(r.cells) for r in t.rows), default=0)
    out = set()
    for j in range(1, ncols):
        for part in re.split(r" / |;", t.column_label(j)):
            part = re.sub(r"^\s*(mean\s*(±|\(?sd\)?)\s*(sd)?\s*of\s*)", "", part.strip(), flags=re.I)
            if _TIME_PART.match(part) and not _BASELINE_ROW.match(part):
                out.add(strip_n(part)[0].lower())
    return out


def _other_time_table(doc: Document, chosen: Table, outcome: str) -> str | None:
    """Another outcome table with a row for this outcome whose columns name other time
    points than the answer's: the question, naming no time, does not say which is meant."""
    if re.search(r"\d", outcome) or _BASELINE_ROW.search(outcome):
        return None
    own = _time_labels(chosen)
    for t in doc.tables:
        if t is chosen or _BASELINE_TABLE.search(t.caption or ""):
            continue
        times = _time_labels(t) - own
        if not times:
            continue
        for row in t.rows:
            if row.kind == "body" and _row_score(outcome, row) >= ROW_THRESHOLD:
                return f"{t.label}: {row.label} ({', '.join(sorted(times))[:60]})"
    return None


_CHANGE = re.compile(r"\b(change|changes|changed|delta|difference from baseline|reduction of|increase of|"
                     r"decrease of|improvement of)\b", re.I)


_TIME_EXPR = re.compile(r"\b(?:(?:day|week|month|year|visit)s?\s*\d+\b|(?:at|after|by|on|until|through|from|within)\s+"
                        r"(?:the\s+)?\d+\s*(?:days?|weeks?|months?|years?|hours?|h)\b|baseline)", re.I)


def _relevant(outcome_variants: list[str]):
    """A sentence is about the outcome when it holds (nearly) all the outcome's words."""
    wanted = [set(_content(o)) for o in outcome_variants]
    wanted = [w for w in wanted if w]

    asks_change = any(_CHANGE.search(o) for o in outcome_variants)

    def rel(text: str) -> bool:
        if not asks_change and _CHANGE.search(text):
            return False   # a change from baseline is not the outcome's value
        for m in _TIME_EXPR.finditer(text):
            if not any(_time_in_outcome(m.group(0), o) or m.group(0).lower() in o.lower() for o in outcome_variants):
                return False   # a value at a time point the question does not name
        have = set(_content(text))
        return any(len(w & have) >= max(1, 0.75 * len(w)) for w in wanted)
    return rel


def _sentence_value(doc: Document, s, q: Quantity, attr: str, source: str = "sentence") -> Value:
    num = getattr(q, attr)
    return Value(num.value, num.text, sentence_prov(doc, s, q.start, q.end), source)


def _arm_n(study: Study | None, text: str) -> Value | None:
    if study is None:
        return None
    arm = _study_arm(text, study.arms, sizes_only=True)
    if arm is None or arm.n is None:
        return None
    prov = arm.sizes[0].provenance if arm.sizes else arm.definition
    if prov is None:
        return None
    return Value(float(arm.n), str(arm.n), prov, "arm size")


_SUBGROUP = re.compile(r"\b(males?|females?|men|women|boys|girls|aged|subgroups?|stratum|strata|"
                       r"patients with|those with|participants with)\b", re.I)


def _text_arm(doc: Document, study: Study | None, s, q: Quantity, otype: OutcomeType, arm_text: str,
              outcome: str = "") -> ArmAnswer | None:
    a = ArmAnswer(arm_text=arm_text)
    if otype == "binary":
        if q.kind == "fraction" and q.count is not None and q.denominator is not None:
            a.events = _sentence_value(doc, s, q, "count")
            a.group_size = _sentence_value(doc, s, q, "denominator")
            return a
        if q.kind == "percent":
            n = _arm_n(study, arm_text)
            if n is None or q.percent is None or _SUBGROUP.search(outcome):
                return None
            a.events = _derived_events(q.percent, n, sentence_prov(doc, s, q.start, q.end))
            if a.events is None:
                return None
            a.group_size = n
            return a
        num = q.count if q.kind == "count_percent" else q.value
        if num is None or num.decimals:
            return None
        n = _arm_n(study, arm_text)
        if n is None or n.value < num.value:
            return None
        if q.kind == "count_percent":
            if q.percent is None or abs(100 * num.value / n.value - q.percent.value) > 0.6 + 0.5 * 10 ** -q.percent.decimals:
                return None   # the percentage is of another denominator
            a.events = _sentence_value(doc, s, q, "count")
        else:
            a.events = _sentence_value(doc, s, q, "value")
        a.group_size = n
        return a
    if q.value is None:
        return None
    a.mean = _sentence_value(doc, s, q, "value")
    a.group_size = _arm_n(study, arm_text)
    # an SD derived with the arm's size is only right when the outcome is about the whole arm
    whole_arm = a.group_size is not None and not _SUBGROUP.search(outcome)
    if q.kind == "estimate_ci":
        if q.low is None or q.high is None or not whole_arm:
            return None
        a.sd = _sd_from_ci(q, a.group_size, sentence_prov(doc, s, q.start, q.end))
        return a
    if q.sd is None:
        return None
    if _SE_LABEL.search(s.text[q.start:q.end + 12]):
        if not whole_arm:
            return None
        a.sd = _sd_from_se(q.sd, a.group_size, sentence_prov(doc, s, q.start, q.end))
        return a
    a.sd = _sentence_value(doc, s, q, "sd")
    return a


_GENERIC_WORDS = {"intervention", "treatment", "experimental", "study", "active", "trial", "treated"}


def _vocab(text: str, alts: list[str], abbrev: dict[str, str]) -> set[str]:
    """The words that may name an arm: its own, its alternatives', and defined abbreviations
    of them (both ways)."""
    words = set(_words(text))
    for a in alts:
        if not a.startswith("group:"):
            words |= set(a.split())
    low = " ".join(sorted(words))
    for abbr, long_ in abbrev.items():
        if abbr.lower() in words:
            words |= _words(long_)
        lw = _words(long_)
        if lw and lw <= words:
            words.add(abbr.lower())
    return {w for w in words if not w.isdigit() and len(w) > 1} if low else set()


def _phrase_judge(intervention: str, comparator: str, int_alts, cmp_alts, abbrev):
    vi, vc = _vocab(intervention, int_alts, abbrev), _vocab(comparator, cmp_alts, abbrev)
    ic, cc = bool(_CONTROL.search(intervention)), bool(_CONTROL.search(comparator))

    # an add-on design ('ropivacaine + clonidine' against 'ropivacaine + saline'): the comparator
    # is the other arm's base, so 'the control group' is the comparator
    base = vc - {"saline", "placebo", "plus", "with", "alone", "only"}
    add_on = not ic and not cc and bool(base) and base < vi

    def judge(phrase: str) -> str | None:
        w = _words(phrase)
        if not w:
            return None
        if w <= {"control", "placebo"} and (cc or add_on) and not ic:
            return "c"
        if w <= _GENERIC_WORDS and not ic and cc:
            return "i"
        in_i, in_c = w <= vi, w <= vc
        if in_i and not in_c:
            if _CONTROL.search(phrase) and not ic:
                return None   # a control group never answers for an active arm
            return "i"
        if in_c and not in_i:
            return "c"
        return None
    return judge


def _from_text(doc: Document, study: Study | None, outcome_variants: list[str], otype: OutcomeType,
               intervention: str, comparator: str, int_alts: list[str], cmp_alts: list[str],
               abbrev: dict[str, str] | None = None) -> Answer | None:
    from trialaudit.meta_text import text_pairs
    outcome = outcome_variants[0]
    got = []
    judge = _phrase_judge(intervention, comparator, int_alts, cmp_alts, abbrev or {})
    for p in text_pairs(doc, _relevant(outcome_variants), otype, int_alts, cmp_alts, judge):
        ai = _text_arm(doc, study, p.sentence, p.intervention, otype, intervention, outcome)
        ac = _text_arm(doc, study, p.sentence, p.comparator, otype, comparator, outcome)
        if ai is None or ac is None:
            continue
        got.append((p, ai, ac))
    if not got:
        return None
    keys = {_key((0, None, None, ai, ac), otype) for _, ai, ac in got}
    if len(keys) > 1:
        return Answer(outcome, otype, "ambiguous", ArmAnswer(intervention), ArmAnswer(comparator),
                      reason="sentences give different values for the outcome",
                      candidates=[p.sentence.text[:120] for p, _, _ in got])
    p, ai, ac = got[0]
    return Answer(outcome, otype, "answered", ai, ac, reason=f"sentence ({p.how})",
                  row=p.sentence.text[:120])


def _key(f, otype: OutcomeType) -> tuple:
    ai, ac = f[3], f[4]

    def v(x: Value | None):
        return None if x is None else x.value
    if otype == "binary":
        return (v(ai.events), v(ai.group_size), v(ac.events), v(ac.group_size))
    return (v(ai.mean), v(ai.sd), v(ac.mean), v(ac.sd))
