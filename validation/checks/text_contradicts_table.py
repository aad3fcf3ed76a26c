"""TA107 text-contradicts-table.

Why one long module: the rule is its matcher (a sentence's values to the table row, column and arm
they describe). The seam for a split is that matcher, which belongs in the Study as a fact.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Iterator

from trialaudit.extractor.quantities import find_quantities
from trialaudit.extractor.study.arms import arm_mentions, resolve_arm, strip_n
from trialaudit.extractor.study.regimens import top_level_clauses
from trialaudit.extractor.textutil import top_level_matches
from trialaudit.schemas.document import Sentence, Table, TableRow
from trialaudit.schemas.provenance import Span
from trialaudit.schemas.findings import Finding
from trialaudit.schemas.quantities import Num
from trialaudit.schemas.study import Arm
from trialaudit.extractor.study.categories import (_REMAINDER, Interval, caption_n, category_runs, data_columns, parse_interval,
                                   percent_column)
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.extractor.rounding import check_percent, printed_values_agree
from trialaudit.validation.tablekit import (arms_are_rows, cell_count, cell_quantity, column_denominator, norm_label,
                                 rate_measure, row_denominator)
from trialaudit.validation.textmatch import (GENERIC, expand_abbreviations, footnote_abbreviations, label_tokens,
                                  same_interval, text_abbreviations, token_in, tokens, window_intervals)

_SECTIONS = ("results", "abstract")
_SUMMARY_WORDS = re.compile(r"\b(?:median|mean|average|range|iqr|sd|standard|deviation|interquartile|minimum|maximum|"
                            r"min|max|years?|months?|days?|weeks?|n|%)\b", re.I)
_APPROX = re.compile(r"(?:approximately|about|around|nearly|almost|over|more\s+than|less\s+than|fewer\s+than|up\s+to|"
                     r"at\s+least|at\s+most|roughly|only|~|≈|<|>|≤|≥)\s*$", re.I)
_PATIENT_AFTER = re.compile(r"^\s*(?:\w+\s+)?(?:patients?|cases?|participants?|subjects?|individuals?)\b", re.I)
_POPULATION = re.compile(r"^\s*(?:%\s*)?(?:\)\s*)?(?:of|among|in)\s+(?:the\s+|all\s+|these\s+)?(?:\w+\s+)?"
                         r"(?:patients?|participants?|cases|subjects)\s+(?:with|who|treated|receiving|having)\b", re.I)
_AGE_IMPLIED = re.compile(r"\byears?\s+(?:old|of\s+age|or\s+(?:older|younger))\b|\b(?:older|younger)\s+than\b", re.I)
_STATED_POP = re.compile(r"\b(?:of|among|in|for|with\s+regard\s+to|regarding|out\s+of)\s+(?:the|all|these|those)\s+"
                         r"(\d{1,5})\s+(?:\w+\s+){0,2}?(?:patients|participants|subjects|cases)\b", re.I)
_COMBINED = re.compile(r"\bor\b(?!\s+(?:older|younger|more|less|fewer|greater|higher|lower|above|below|over|under)\b)|"
                       r"\b(?:either|as\s+well\s+as|and/or|in\s+combination|combined|together)\b|\+", re.I)
_TABLE_REF = re.compile(r"\bTables?\s+((?:[0-9]+|[IVX]+)(?:\s*(?:,|and|&|-|–)\s*(?:[0-9]+|[IVX]+))*)", re.I)
_GRADE = re.compile(r"\bgrades?\s*(?:(?P<ge>≥|>=|3\s+or\s+(?:higher|more|above|greater)|3\s*[-–]\s*[45]|III\s*[-–]\s*IV)|"
                    r"(?P<low>1\s*(?:[-–/]|or|to|and)\s*2|I\s*[-–]\s*II)|(?P<three>3|III)\b(?!\s*[-–])|(?P<any>any))", re.I)


@dataclass
class Fact:
    """One table cell with the category and group it describes."""

    table: Table
    row: TableRow
    col: int
    toks: frozenset[str]
    interval: Interval | None
    heading_toks: frozenset[str]
    caption_toks: frozenset[str]
    arm: Arm | None
    total: bool
    single: bool
    n: int | None
    sub: str
    count: int | None
    pct: Num | None
    run_key: tuple
    is_yes: bool = False
    cat_key: tuple = ()
    caption_only: bool = False


@dataclass
class TextQ:
    sent: Sentence
    start: int
    end: int
    text: str
    count: int | None
    pct: Num | None
    denom: int | None
    facts: list[Fact] = field(default_factory=list)
    denom_from_population: bool = False
    arm: Arm | None = None
    arm_known: bool = False
    window: str = ""
    known_sizes: set[int] = field(default_factory=set)


@rule(code="TA107", name="text-contradicts-table", severity="warning", family="arithmetic",
      preview=(
              "0 of 12 sampled warnings on the development set were true: the sentence is matched to the wrong "
              "row or arm (shared keywords, qualified subsets, drug strengths in arm names)"))
def check(ctx: CheckContext) -> Iterator[Finding]:
    """A count or percentage the text gives for a named category or arm differs from the table's.

    What it checks:
        Numbers in the results and abstract that describe a named category —
        "20 (76.9%) were male", "fatigue (14, 53.8%)", "12 patients (46.2%)
        had an ECOG score of 0 to 1", "20/79 (25.3%) patients showed no
        evidence of disease", "the overall incidence of hematological
        toxicity was 5.45% in the Observation group" — are matched to the
        table row or column of that category: every distinctive word of the
        label must occur in the passage (spelling variants, plurals and
        synonyms normalised, abbreviations expanded from table footnotes and
        the text, numeric bands such as "0 to 1" = ``0–1``, "younger than 18"
        = ``<18``), and the arm is taken from arm mentions next to the
        number (or the Total / single column when no arm is named). Tables
        cited in the sentence or paragraph are preferred; grade columns are
        chosen by "grade 1–2" / "grade ≥3" in the sentence. Counts must be
        equal and percentages agree at the coarser printed precision.

    Why it matters:
        Readers, abstracts and meta-analyses quote the text; when it states
        another number than the table for the same patients, at least one of
        them is wrong and nobody can tell which.

    Example:
        Text: "20/79 (25.3%) patients showed no evidence of disease"; Table
        III: ``NED | 4 (12.1)`` with "NED, no evidence of disease" in its
        footnote (error: 20 vs 4 patients, 25.3% vs 12.1%).

    Known limitations:
        The rule stays silent whenever the match is ambiguous: several rows
        match equally well, the passage combines categories ("1 or 2",
        "lung as well as bone"), the arm cannot be told, the number describes
        a subgroup ("of patients with ..."), or any matching table agrees.
        Numbers written as words and passages in the introduction or
        discussion are not compared.

        Severity: warning at most, never error: the sentence is paired with the table row by its wording. On 120 real trial reports
        this rule's errors were mostly false alarms (see tests/realworld/), so its findings
        ask a reviewer to look rather than assert a contradiction.
    """
    ctx.coverage.count("cross_section", 0)  # its findings are text-vs-table / section-vs-section disagreements
    facts = _facts(ctx)
    if not facts:
        return
    sizes = {f.n for f in facts if f.n} | {a.n for a in ctx.study.arms if a.n}
    if ctx.study.total_n:
        sizes.add(ctx.study.total_n)
    abbr = {**text_abbreviations([s.text for s in ctx.document.sentences[:600]]),
            **footnote_abbreviations([f for t in ctx.document.tables for f in t.footnotes])}
    para_refs = _paragraph_table_refs(ctx)
    table_names = {_table_key(t.label) for t in ctx.document.tables}
    arms = [a for a in ctx.study.arms if not a.is_total]
    for sent in list(ctx.document.sentences) + _prose_after_tables(ctx.document):
        if sent.section_kind not in _SECTIONS:
            continue
        qs = _text_quantities(sent)
        if not qs:
            continue
        refs = {_table_key(x) for x in _table_refs(sent.text)} | para_refs.get(sent.paragraph or "", set())
        refs &= table_names
        cands = [f for f in facts if not refs or _table_key(f.table.label) in refs]
        for q in qs:
            q.known_sizes = sizes
        yield from _judge_sentence(ctx, sent, qs, cands, arms, abbr)


# ---------------------------------------------------------------------------------------------- split sentences
def _prose_after_tables(doc) -> list[Sentence]:
    """Running text that the ingestion attached to a table's notes, joined to the sentence the table interrupted.

    PDF-to-text conversion often places a table in the middle of a sentence: "... months, 20/79 (25.3%)" [table]
    "patients showed no evidence of disease ...". The continuation then ends up among the table's footnotes.
    """
    out: list[Sentence] = []
    for t in doc.tables:
        for note in t.footnotes:
            starts = [0] + [m.end() for m in re.finditer(r"[.;]\s+(?=[a-z])", note)]
            for st in starts:
                if not re.match(r"\s*[a-z]", note[st:]):
                    continue
                end = re.search(r"(?<!\bFigs)(?<!\bFig)(?<!\bal)(?<!\bvs)\.\s+(?=[A-Z])", note[st:])
                prose = note[st:st + end.start() + 1 if end else len(note)].strip()
                if len(prose) < 15 or not re.search(r"\d+\s*/\s*\d+|\d+\s*\(\s*\d+(?:\.\d+)?\s*%", prose):
                    continue
                rx = re.compile(r"\s+".join(re.escape(w) for w in prose.split()[:6]))
                hit = rx.search(doc.text, t.span.char_start)
                if hit is None:
                    continue
                offsets = [min(hit.start() + i, len(doc.text) - 1) for i in range(len(prose))]
                prev = [x for x in doc.sentences if x.span.char_end <= t.span.char_start]
                dangling = max(prev, key=lambda x: x.span.char_end) if prev else None
                base = None
                text = prose
                if st == 0 or note[:st].rstrip().endswith("."):
                    if dangling is not None and dangling.offsets and not re.search(r"[.!?:]\s*$", dangling.text):
                        base = dangling
                        text = dangling.text + " " + prose
                        offsets = dangling.offsets + [dangling.offsets[-1] + 1] + offsets
                quote = (base.quote + " … " if base else "") + \
                    re.sub(r"\s+", " ", doc.text[hit.start():hit.start() + len(prose) + 10]).strip()
                span = base.span if base else Span(line=doc.line_of(hit.start()), char_start=hit.start(),
                                                   char_end=hit.start() + len(prose))
                out.append(Sentence(id=(base.id if base else t.id) + "+note", text=text, quote=quote, span=span,
                                    section=base.section if base else t.section,
                                    section_kind=base.section_kind if base else "results",
                                    paragraph=base.paragraph if base else None, offsets=offsets))
    return out


# ---------------------------------------------------------------------------------------------- table facts
def _table_key(label: str) -> str:
    m = re.search(r"([0-9]+|[IVX]+)\s*$", label.strip())
    return m.group(1).upper() if m else label.lower()


def _table_refs(text: str) -> list[str]:
    out = []
    for m in _TABLE_REF.finditer(text):
        out.extend(re.findall(r"[0-9]+|[IVX]+", m.group(1)))
    return out


def _paragraph_table_refs(ctx: CheckContext) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for s in ctx.document.sentences:
        if s.paragraph:
            out.setdefault(s.paragraph, set()).update(_table_key(x) for x in _table_refs(s.text))
    return out


def _cell_values(text: str, pct_col: bool) -> tuple[int | None, Num | None]:
    q = cell_quantity(text)
    if q is None:
        return None, None
    count = cell_count(text)
    pct = None
    if q.kind in ("count_percent", "fraction"):
        pct = q.percent
    elif q.kind == "percent":
        pct = q.value or q.percent
    elif q.kind in ("number", "count") and pct_col and q.value is not None:
        pct, count = q.value, None
    elif q.kind == "estimate_ci":
        return None, None
    return count, pct


def _facts(ctx: CheckContext) -> list[Fact]:
    doc = ctx.document
    text_abbr = text_abbreviations([s.text for s in doc.sentences[:600]])
    out: list[Fact] = []
    for table in doc.tables:
        abbr = {**text_abbr, **footnote_abbreviations(table.footnotes)}
        cap = frozenset(tokens(re.sub(r"\b(?:comparison|between|the|two|groups?)\b", " ", table.caption, flags=re.I)))
        dcols = data_columns(table)
        if not dcols:
            continue
        single = len({c.split(" / ")[0] for c in (table.column_label(j) for j in dcols)}) == 1
        if arms_are_rows(table, ctx.study):
            for row in table.rows:
                if row.kind == "group":
                    continue
                arm = resolve_arm(row.label, ctx.study.arms)
                den = row_denominator(ctx, table, row)
                row_toks = frozenset() if arm is not None else frozenset(label_tokens(row.label, abbr))
                for j in dcols:
                    if j >= len(row.cells):
                        continue
                    col = table.column_label(j)
                    pct_col = "%" in col or bool(rate_measure(col.split(" / ")[-1]))
                    count, pct = _cell_values(row.cells[j].text, pct_col)
                    if count is None and pct is None:
                        continue
                    toks = frozenset(label_tokens(col.split(" / ")[0], abbr)) | row_toks
                    if re.search(r"no\.?\s+of\s+patients|^n$|patients", col, re.I):
                        continue
                    out.append(Fact(table, row, j, toks, None, frozenset(), cap, arm,
                                    bool(arm and arm.is_total) or row.label.strip().lower() == "total", False,
                                    den.n if den else None, "", count, pct, (table.id, "col", j),
                                    cat_key=(table.id, "col", col.split(" / ")[0],
                                             None if arm is not None else row.index), caption_only=not toks))
            continue
        runs = {r.index: run for run in category_runs(table) for r in run.rows}
        for row in table.rows:
            if row.kind == "group":
                continue
            run = runs.get(row.index)
            heading = (run.variable if run else "") or (row.group or "")
            htoks = frozenset(label_tokens(_SUMMARY_WORDS.sub(" ", heading), abbr)) if heading else frozenset()
            label = row.label
            yes = bool(re.fullmatch(r"\s*yes\s*", label, re.I))
            if re.fullmatch(r"\s*no\.?\s*", label, re.I):
                continue  # "No" rows are not named in running text
            interval = parse_interval(label) if not yes else None
            toks = frozenset() if (yes or interval is not None) else frozenset(label_tokens(label, abbr))
            for j in dcols:
                if j >= len(row.cells):
                    continue
                col = table.column_label(j)
                count, pct = _cell_values(row.cells[j].text, percent_column(table, j))
                if count is None and pct is None:
                    continue
                top = col.split(" / ")[0]
                sub = col.split(" / ")[1] if " / " in col else ""
                arm = resolve_arm(top, ctx.study.arms)
                den = column_denominator(ctx, table, j)
                n = den.n if den else (caption_n(table) if single else None)
                base, _ = strip_n(top)
                total = bool(arm and arm.is_total) or bool(re.match(r"^(?:total|overall|all)\b", base, re.I))
                out.append(Fact(table, row, j, toks, interval, htoks, cap, arm, total, single, n, sub, count, pct,
                                (table.id, tuple(r.index for r in run.rows)) if run else (table.id, row.index),
                                is_yes=yes, cat_key=(table.id, "row", row.index),
                                caption_only=not toks and not yes and interval is None))
    return out


# ---------------------------------------------------------------------------------------------- text numbers
def _text_quantities(sent: Sentence) -> list[TextQ]:
    text = sent.text
    qs = find_quantities(text)
    out: list[TextQ] = []
    i = 0
    while i < len(qs):
        q = qs[i]
        nxt = qs[i + 1] if i + 1 < len(qs) else None
        before = text[max(0, q.start - 25):q.start]
        if q.kind in ("count_percent", "fraction") and q.count is not None and q.count.decimals == 0:
            pct = q.percent
            end = q.end
            if pct is None and nxt is not None and nxt.kind == "percent" and re.fullmatch(r"\s*,\s*", text[q.end:nxt.start]):
                pct, end = nxt.value or nxt.percent, nxt.end
                i += 1
            den = int(q.denominator.value) if q.kind == "fraction" and q.denominator is not None else None
            out.append(TextQ(sent, q.start, end, text[q.start:end], int(q.count.value), pct, den))
        elif q.kind == "count" and q.value is not None and q.value.decimals == 0 and "=" not in q.text:
            if nxt is not None and nxt.kind == "percent" and re.fullmatch(r"\s*,\s*", text[q.end:nxt.start]) and \
                    re.search(r"\(\s*(?:n\s*=\s*)?$", text[max(0, q.start - 6):q.start], re.I):
                pct = nxt.value or nxt.percent
                out.append(TextQ(sent, q.start, nxt.end, text[q.start:nxt.end], int(q.value.value), pct, None))
                i += 1
            elif _PATIENT_AFTER.match(text[q.end:q.end + 25]) and not _APPROX.search(before) and \
                    not re.search(r"[\-–/]\s*$|\b(?:of|among|the|all|these|those|to|for)\s+$", before, re.I):
                out.append(TextQ(sent, q.start, q.end, q.text, int(q.value.value), None, None))
        elif q.kind == "count" and "=" in q.text and nxt is not None and nxt.kind == "percent" and \
                re.fullmatch(r"\s*,\s*", text[q.end:nxt.start]) and q.value is not None:
            pct = nxt.value or nxt.percent
            out.append(TextQ(sent, q.start, nxt.end, text[q.start:nxt.end], int(q.value.value), pct, None))
            i += 1
        elif q.kind == "percent":
            num = q.value or q.percent
            after = text[q.end:q.end + 12]
            if num is not None and not _APPROX.search(before) and not re.search(r"[\-–]\s*$|\d\s*%?\s*to\s*$", before) \
                    and not re.match(r"\s*(?:CI|confidence|[\-–]\s*\d|to\s+\d)", after, re.I) \
                    and not re.search(r"\b\d+\s*-?\s*(?:month|year|week)s?\b", text[max(0, q.start - 60):q.start], re.I):
                out.append(TextQ(sent, q.start, q.end, q.text, None, num, None))
        i += 1
    return out


# ---------------------------------------------------------------------------------------------- judging
def _statements(text: str) -> list[tuple[int, int]]:
    """Contiguous spans of ``text`` ending after each ';' outside parentheses."""
    cuts = [0] + [m.end() for m in top_level_matches(text, ";")] + [len(text)]
    return [(cuts[k], cuts[k + 1]) for k in range(len(cuts) - 1)]


def _span_of(pos: int, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    for a, b in spans:
        if a <= pos < b:
            return a, b
    return None


def _grade_target(text: str) -> str | None:
    m = _GRADE.search(text)
    if not m:
        return None
    if m.group("ge"):
        return "ge3"
    if m.group("low"):
        return "low"
    if m.group("three"):
        return "3"
    return "any"


def _sub_ok(sub: str, target: str | None) -> bool:
    s = sub.lower()
    if not s:
        return True
    if target is None or target == "any":
        return bool(re.search(r"\bany\b|\ball\b|total", s))
    if target == "ge3":
        return bool(re.search(r"≥\s*3|>=\s*3|3\s*[-–]\s*[45]|3\+|iii", s))
    if target == "3":
        return bool(re.search(r"(?<![\d/])3(?![\d/])", s)) and not re.search(r"1\s*/\s*2", s)
    if target == "low":
        return bool(re.search(r"1\s*[-–/]\s*2|i\s*[-–]\s*ii", s))
    return False


def _match_facts(window: str, facts: list[Fact]) -> list[Fact]:
    """Facts whose category is named in ``window`` (the most specific label wins)."""
    wt = tokens(window)
    wivs = None
    hits: list[tuple[float, Fact]] = []
    seen: dict[str, bool] = {}  # token_in of each label token in this window, found once

    def coverage_here(label_toks) -> float:
        if not label_toks:
            return 0.0
        n = 0
        for t in label_toks:
            hit = seen.get(t)
            if hit is None:
                hit = seen[t] = token_in(t, wt)
            n += hit
        return n / len(label_toks)

    for f in facts:
        if f.caption_only:
            if not f.caption_toks or not re.search(r"\b(?:total|overall|any|all)\b", f.row.label + " " +
                                                   f.table.column_label(f.col), re.I):
                continue
            cov = coverage_here(f.caption_toks)
            if cov >= 0.5:
                hits.append((cov, f))
            continue
        if f.interval is not None or f.is_yes:
            spec_h = {t for t in f.heading_toks if t not in GENERIC}
            if not spec_h or (coverage_here(frozenset(spec_h)) < 1.0 and
                              not (spec_h <= {"age", "years", "year", "yrs"} and _AGE_IMPLIED.search(window))):
                continue
            if f.is_yes:
                if re.search(r"\b(?:no|not|never|without)\b", window, re.I):
                    continue
                hits.append((len(spec_h), f))
                continue
            if wivs is None:
                wivs = window_intervals(window)
            if any(same_interval(f.interval, iv) for iv in wivs):
                hits.append((len(spec_h) + 1, f))
            continue
        toks = set(f.toks)
        if not toks:
            continue
        if coverage_here(frozenset(toks)) < 1.0:
            continue
        score = float(len(toks))
        if len(toks) == 1 and f.caption_toks:
            score += coverage_here(f.caption_toks)
        hits.append((score, f))
    if not hits:
        return []
    best = max(s for s, _ in hits)
    chosen = [f for s, f in hits if s == best]
    per_table: dict[str, set] = {}
    for f in chosen:
        per_table.setdefault(f.table.id, set()).add(f.cat_key)
    if any(len(v) > 1 for v in per_table.values()):
        return []  # several categories of one table are named: ambiguous
    return chosen


# a participial or relative sub-clause starts a new statement about other numbers
_SUBCLAUSE = re.compile(r"[,;]\s*(?:including|of\s+(?:whom|which)|among\s+(?:whom|which|them)|with|comprising|"
                        r"consisting\s+of)\b", re.I)


def _arm_for(q: TextQ, text: str, mentions, clause: tuple[int, int], statement: tuple[int, int],
             prev_end: int, next_start: int) -> tuple[Arm | None, bool]:
    """(arm, known): arm named right after the number, else before it, else the statement's only arm."""
    after = [m for m in mentions if q.end <= m[1] < min(next_start, clause[1])
             and re.fullmatch(r"\s*(?:%\s*)?\)?\s*(?:patients?\s+)?(?:(?:of|in|for|among|from)\s+)?(?:(?:the|all)\s+)?"
                              r"(?:patients?\s+(?:of|in)\s+(?:the\s+)?)?", text[q.end:m[1]], re.I)]
    if after:
        return after[0][0], True
    before = [m for m in mentions if prev_end <= m[1] < q.start and not _SUBCLAUSE.search(text, m[2], q.start)]
    if before:
        return before[-1][0], True
    in_stmt = {m[0].id: m[0] for m in mentions if statement[0] <= m[1] < statement[1]}
    if len(in_stmt) == 1:
        return next(iter(in_stmt.values())), True
    if len(in_stmt) > 1:
        return None, False
    if re.search(r"\b(?:vs\.?|versus|compared|comparison|between\s+(?:the\s+)?(?:two\s+)?(?:groups|arms|cohorts)|"
                 r"(?:higher|lower|longer|shorter|better|worse|greater|smaller|more\s+frequent|less\s+frequent)\s+than|"
                 r"whereas|respectively)\b", text[statement[0]:statement[1]], re.I):
        return None, False  # groups are being compared without being named
    return None, True  # no arm named: the whole population


def _judge_sentence(ctx: CheckContext, sent: Sentence, qs: list[TextQ], facts: list[Fact],
                    arms: list[Arm], abbr: dict[str, str]) -> Iterator[Finding]:
    text = sent.text
    clauses = top_level_clauses(text)
    statements = _statements(text)
    mentions = arm_mentions(text, arms)
    grade = _grade_target(text)
    bounds = sorted((q.start, q.end) for q in qs)
    for q in qs:
        clause = _span_of(q.start, clauses) or (0, len(text))
        statement = _span_of(q.start, statements) or (0, len(text))
        prev_end = max([e for s, e in bounds if e <= q.start] + [clause[0]])
        next_start = min([s for s, e in bounds if s >= q.end] + [clause[1]])
        before = text[prev_end:q.start]
        after = text[q.end:next_start]
        cut = _SUBCLAUSE.search(after)
        if cut:
            after = after[:cut.start()]  # "... in Arm B, including complete responses in ..." names the next number
        prev_q_end = max([e for s, e in bounds if e <= q.start] + [statement[0]])
        q.arm, q.arm_known = _arm_for(q, text, mentions, clause, statement, prev_q_end, next_start)
        pop = [m for m in _STATED_POP.finditer(text, statement[0], statement[1]) if m.end() <= q.start]
        if pop and q.denom is None:
            q.denom = int(pop[-1].group(1))
            q.denom_from_population = True
            qualifier = text[pop[-1].end():q.start].split(",")[0]
            if re.search(r"\b(?:with|having|harbou?ring|whose|presenting|who\s+(?:had|have|were|was|developed))\b",
                         qualifier, re.I) and not re.search(
                    r"\b(?:received|receiving|underwent|undergoing|treated|group|arm|cohort|therapy|treatment|"
                    r"regimen|monotherapy|combination)\b", qualifier, re.I):
                q.window = "population"
                q.facts = []
                continue
        if _POPULATION.match(after):
            q.facts = []
            q.window = "population"
            continue
        parenthesised = bool(re.search(r"\(\s*(?:n\s*=\s*)?$", text[max(0, q.start - 6):q.start], re.I))
        order = [before, after] if (parenthesised or q.count is None) else [after, before]
        for w in order:
            m = _match_facts(expand_abbreviations(_strip_arms(w, mentions, text), abbr), facts)
            if m:
                q.facts, q.window = m, w
                break
    # a number without its own category shares the category of its neighbour in the same clause ("a% in A and b% in B")
    for q in qs:
        if q.facts or q.window == "population":
            continue
        clause = _span_of(q.start, clauses)
        peers = [p for p in qs if p is not q and p.facts and _span_of(p.start, clauses) == clause]
        if len(peers) == 1 and peers[0].arm is not None and q.arm is not None and peers[0].arm.id != q.arm.id:
            q.facts, q.window = peers[0].facts, peers[0].window
    for q in qs:
        if not q.facts or not q.arm_known:
            continue
        ca, cb = _span_of(q.start, clauses) or (0, len(text))
        if re.search(r"\brespectively\b", text[ca:cb], re.I):
            in_clause = [p for p in qs if ca <= p.start < cb]
            if len({p.arm.id for p in in_clause if p.arm}) < len(in_clause):
                continue
        n_window = len(_COMBINED.findall(_strip_arms(q.window, mentions, text)))
        n_label = max(len(_COMBINED.findall(f.row.label + " " + f.table.column_label(f.col).split(" / ")[0]))
                      for f in q.facts)
        if n_window > n_label:
            continue
        f = _compare(ctx, q, grade)
        if f:
            yield f


def _strip_arms(window: str, mentions, text: str) -> str:
    for arm, a, b in mentions:
        seg = text[a:b]
        if seg and seg in window:
            window = window.replace(seg, " ")
    return window


def _column_ok(f: Fact, q: TextQ, all_facts: list[Fact]) -> bool:
    if q.arm is not None:
        return f.arm is not None and f.arm.id == q.arm.id
    # no arm named: the Total column, a single column, or the column whose n matches the stated denominator
    if q.denom is not None:
        if f.n is not None and f.n == q.denom:
            return True
        if q.denom in q.known_sizes or q.denom_from_population:
            return False  # the text speaks of another group (or a subgroup) of that size
        if f.n is not None and q.denom < f.n:
            return False  # a smaller denominator: probably a subgroup
        if not (f.total or f.single):
            return False
    if f.total or f.single:
        return True
    same_table = [g for g in all_facts if g.table is f.table]
    return not any(g.total for g in same_table) and len({g.arm.id for g in same_table if g.arm}) <= 1 and \
        len({g.col for g in same_table if g.row is f.row}) == 1


def _agrees(q: TextQ, f: Fact) -> bool | None:
    """True/False when comparable, None when text and table give different kinds of numbers."""
    verdicts = []
    if q.count is not None and f.count is not None:
        verdicts.append(q.count == f.count)
    if q.pct is not None:
        if f.pct is not None:
            verdicts.append(bool(printed_values_agree(q.pct.value, q.pct.decimals, f.pct.value, f.pct.decimals)))
        elif f.count is not None and f.n:
            verdicts.append(check_percent(f.count, f.n, q.pct.value, q.pct.decimals).consistent)
    if not verdicts:
        return None
    return all(verdicts)


def _compare(ctx: CheckContext, q: TextQ, grade: str | None) -> Finding | None:
    cands = [f for f in q.facts if _column_ok(f, q, q.facts)]
    with_sub = [f for f in cands if f.sub]
    if with_sub:
        chosen = [f for f in cands if _sub_ok(f.sub, grade)]
        if not chosen:
            chosen = cands if grade is None else []
        cands = chosen
    judged = [(f, _agrees(q, f)) for f in cands]
    judged = [(f, v) for f, v in judged if v is not None]
    if not judged or any(v for _, v in judged):
        return None
    # one category only: several rows of one table, or tables that disagree among themselves, are ambiguous
    per_table: dict[str, set] = {}
    for f, _ in judged:
        per_table.setdefault(f.table.id, set()).add(f.cat_key)
    if any(len(rows) > 1 for rows in per_table.values()):
        return None
    values = {(f.count, f.pct.text if f.pct else None) for f, _ in judged}
    if len({v[0] for v in values}) > 1:
        return None
    f = judged[0][0]
    # the text's count is the sum of several categories of that variable: a combined statement
    if q.count is not None and _is_subset_sum(q, f, ctx):
        return None
    table_val = (f"{f.count}" if f.count is not None else "") + (f" ({f.pct.text}%)" if f.pct is not None else "")
    table_val = table_val.strip()
    col = f.table.column_label(f.col)
    cat = col.split(" / ")[0] if f.cat_key[1:2] == ("col",) and f.arm is not None else f.row.label
    cat = re.sub(r",?\s*(?:n|no\.)\s*\(\s*%\s*\)\s*$|\s*\(\s*%\s*\)\s*$", "", cat, flags=re.I).strip() or cat
    arm_s = f" for the {q.arm.label}" if q.arm is not None else ""
    diffs = []
    if q.count is not None and f.count is not None and q.count != f.count:
        diffs.append(f"{q.count} vs {f.count} patients")
    if q.pct is not None:
        if f.pct is not None and not printed_values_agree(q.pct.value, q.pct.decimals, f.pct.value, f.pct.decimals):
            diffs.append(f"{q.pct.text}% vs {f.pct.text}%")
        elif f.pct is None and f.count is not None and f.n:
            v = check_percent(f.count, f.n, q.pct.value, q.pct.decimals)
            diffs.append(f"{q.pct.text}% vs {f.count}/{f.n} = {v.expected}%")
    if q.denom is not None and f.n is not None and q.denom != f.n:
        diffs.append(f"denominator {q.denom} vs n = {f.n}")
    where = f"{f.table.label}, row '{cat}', column '{col}'"
    ev = [ctx.sentence_evidence(q.sent, q.start, q.end, role="text"), ctx.cell_evidence(f.table, f.row, f.col, role="table")]
    comp = (f"the passage '{q.window.strip()[:120]}' names the category of {where}{arm_s}; the text gives "
            f"{q.text}, the table {table_val}: {'; '.join(diffs)}. Percentages are compared at the coarser printed "
            f"precision (half-up, half-even or truncation).")
    return ctx.finding(
        "TA107", severity="warning",
        message=f"The text says '{q.text}'{arm_s} for '{cat}', but {f.table.label} gives "
                f"{table_val} ({', '.join(diffs)}).",
        observed=q.text, expected=table_val, computation=comp, evidence=ev,
        key=f"{f.table.label}|{f.row.label}|{col}|{q.text}",
        details={"table": f.table.label, "row": f.row.label, "column": col, "text_count": q.count,
                 "text_percent": q.pct.value if q.pct else None, "table_count": f.count,
                 "table_percent": f.pct.value if f.pct else None})


def _is_subset_sum(q: TextQ, f: Fact, ctx: CheckContext) -> bool:
    if not isinstance(f.run_key[1], tuple):
        return False
    rows = [r for r in f.table.rows if r.index in f.run_key[1]]
    vals = [cell_count(r.cells[f.col].text) if f.col < len(r.cells) else None for r in rows]
    vals = [v for v in vals if v is not None]
    if len(vals) < 2 or len(vals) > 12:
        return False
    for size in range(2, len(vals) + 1):
        for combo in itertools.combinations(vals, size):
            if sum(combo) == q.count:
                return bool(_COMBINED.search(q.window)) or bool(_REMAINDER.match(norm_label(f.row.label)))
    return False
