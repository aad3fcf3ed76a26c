"""The meta-analyst's question, answered from the article's tables.

``answer(source, outcome, intervention, comparator)`` returns, for a binary
outcome, events and group size per arm, or for a continuous outcome mean, SD
and n per arm, each value with the cell it was read from; or a clear status
("not reported", "ambiguous") when the article does not say it unambiguously.

Matching is deliberately conservative: the outcome text is matched to table
row labels (with the row's group heading) with rapidfuzz, the intervention and
comparator texts to column headers (and to the extracted arms' labels, aliases
and drugs); a tie between different cells is "ambiguous", never a guess.

The pipeline is split in steps: question arms -> study arms -> columns in
:mod:`trialaudit.meta_arms`, outcome -> row in :mod:`trialaudit.meta_outcome` (both on the
normalised words of :mod:`trialaudit.meta_words`), cells -> numbers and the sentence answers
(:mod:`trialaudit.meta_text`) here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from trialaudit.extractor.quantities import parse_cell, parse_number
from trialaudit.extractor.study._util import sentence_prov
from trialaudit.extractor.study.arms import resolve_arm, strip_n
from trialaudit.extractor.study.meta_abbrev import COMMON as COMMON_ABBREVIATIONS, abbreviations
from trialaudit.meta_convert import sd_from_ci, sd_from_se
from trialaudit.extractor.study.meta_labels import group_label_definitions, initial_label, labels_in, mnemonic_letters
from trialaudit.schemas.document import Document, Table, TableRow
from trialaudit.schemas.provenance import Provenance
from trialaudit.schemas.quantities import Quantity
from trialaudit.schemas.study import Study
from trialaudit.validation.textmatch import footnote_abbreviations
from trialaudit.meta_arms import (  # thresholds stay importable from here
    ARM_MARGIN, ARM_RIVAL, ARM_THRESHOLD, DOSE_PENALTY, JUDGED, LABEL_COVERAGE, LABEL_MARGIN, Col,
    _BASELINE_ROW, _CONTROL, _TIME_PART, _arm_columns, _phrase_judge, distinct_alts, other_arm_alts, _query_alts, _study_arm,
    _time_in_outcome)
from trialaudit.meta_outcome import (
    HEADING_PENALTY, LOOSE_PENALTY, ROW_THRESHOLD, ROW_TIE, _loose_variants, _row_match, _row_score,
    _table_reports_change, _tail_variants, sub_labelled_rows, _unchanged_variants, _variants)
from trialaudit.meta_words import _content, _norm, _ostem, synonym_variants

__all__ = ["answer", "Answer", "ArmAnswer", "Value", "OutcomeType", "Status", "Col", "events_from_percent",
           "ROW_THRESHOLD", "ROW_TIE", "HEADING_PENALTY", "LOOSE_PENALTY", "BASELINE_PENALTY", "SUBGROUP_PENALTY",
           "ARM_THRESHOLD", "ARM_MARGIN", "ARM_RIVAL", "DOSE_PENALTY", "JUDGED", "LABEL_COVERAGE", "LABEL_MARGIN"]

OutcomeType = Literal["binary", "continuous"]
Status = Literal["answered", "not reported", "ambiguous"]


_BASELINE_TABLE = re.compile(r"\b((?<!from )(?<!since )(?<!over )baseline(?!\s+(?:to|and|through|until|vs\.?|versus)\b)|demographics?|on admission|at entry|at randomi[sz]ation|"
                             r"characteristics of (the )?(study )?(patients|participants|subjects|population))\b",
                             re.I)


BASELINE_PENALTY = 6.0


SUBGROUP_PENALTY = 6.0


_SUBGROUP_TABLE = re.compile(r"\bsub-?groups?\b|\bstratified\b", re.I)


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
        arm = _header_label_arm(t.column_label(j), study)
        if arm is not None and arm.n is not None and (q is None or _percent_fits(q, arm.n)):
            prov = arm.sizes[0].provenance if arm.sizes else (arm.definition or _header_prov(t, j))
            return Value(float(arm.n), str(arm.n), prov, "arm size (group label in the header)")
    return None


def _header_label_arm(header: str, study: Study):
    """'TPLU Group (Group I)': the study arm the header's parenthesised group label names,
    when that is the only arm a parenthesis of the header names."""
    found = {id(a): a for inner in re.findall(r"\(([^()]{1,40})\)", header)
             if labels_in(inner) and (a := resolve_arm(inner, study.arms)) is not None}
    return next(iter(found.values())) if len(found) == 1 else None


def _percent_fits(q: Quantity, n: float) -> bool:
    """A cell's count and percentage agree with the group size ('5 (22.7%)' of 22); a cell
    without a percentage has nothing to disagree."""
    if q.count is None or q.percent is None or n <= 0:
        return q.percent is None
    return abs(100 * q.count.value / n - q.percent.value) <= 0.5 * 10 ** -q.percent.decimals + 0.05


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
    di, dc = distinct_alts(intervention, comparator)
    letters = mnemonic_letters(doc)
    li, lc = initial_label(intervention, letters), initial_label(comparator, letters)
    if li and lc and li != lc and not labels_in(intervention) and not labels_in(comparator):
        di, dc = di + [li], dc + [lc]   # 'group L' for lidocaine, 'group N' for normal saline
    int_alts += [a for a in di if a not in int_alts]
    cmp_alts += [a for a in dc if a not in cmp_alts]
    ic, cc = bool(_CONTROL.search(intervention)), bool(_CONTROL.search(comparator))
    roles: tuple[bool | None, bool | None] = (ic, cc) if ic != cc else (None, None)  # names only when unclear
    empty = Answer(outcome, otype, "not reported", ArmAnswer(intervention), ArmAnswer(comparator))

    abbrev = abbreviations(doc)
    outcome_abbrev = {**COMMON_ABBREVIATIONS, **abbrev}
    outcome_variants = _variants(outcome, outcome_abbrev)
    outcome_variants += [v for o in list(outcome_variants) for v in synonym_variants(o) if v not in outcome_variants]
    loose = _loose_variants(outcome_variants)
    judge = _phrase_judge(intervention, comparator, int_alts, cmp_alts, abbrev)
    found: list[tuple[float, Table, TableRow, ArmAnswer, ArmAnswer]] = []
    saw_row = saw_cols = False
    asks_baseline = bool(_BASELINE_ROW.search(outcome))
    condition = _condition_words(outcome)
    asks_change = any(_CHANGE.search(o) for o in outcome_variants)
    for t in doc.tables:
        baseline_table = bool(_BASELINE_TABLE.search(t.caption or ""))
        if not asks_baseline and baseline_table:
            continue  # a baseline table does not report outcomes
        cols = _arm_columns(t, int_alts, cmp_alts, roles, outcome, judge, abbrev)
        if cols is None:
            continue
        ji, jc = cols
        saw_cols = True
        t_abbrev = {**outcome_abbrev, **footnote_abbreviations(t.footnotes)}
        subgroup_table = bool(_SUBGROUP_TABLE.search(t.caption or "")) and not _SUBGROUP_TABLE.search(outcome)
        t_loose = loose + (_unchanged_variants(outcome_variants + loose)
                           if asks_change and _table_reports_change(t) else [])
        t_loose = t_loose + _caption_variants(outcome_variants, t.caption or "")
        sub_rows = sub_labelled_rows(t)
        for k, row in enumerate(t.rows):
            if row.kind != "body":
                continue
            named = sub_rows.get(k, row)   # matched by its full label, read from the row itself
            s = _row_match(outcome_variants + _tail_variants(outcome, t, named), named, t_abbrev, t_loose)
            baseline_row = bool(row.group and _BASELINE_ROW.search(row.label))
            if asks_baseline and not (baseline_table or baseline_row):
                continue  # asked at baseline: only a baseline table or row answers
            if not asks_baseline and baseline_row:
                s -= BASELINE_PENALTY  # the before-treatment row of an outcome measured twice
            if subgroup_table:
                s -= SUBGROUP_PENALTY  # the whole population's table answers before a subgroup's
            if s < ROW_THRESHOLD:
                continue
            if condition and not condition & set(_content(f"{t.caption or ''} {row.group or ''} {named.label}")):
                continue   # 'SVR when the patients had BMI > 30': the whole population's row does not answer
            saw_row = True
            if not asks_change and any(_CHANGE.search(t.column_label(c[0])) for c in (ji, jc)):
                continue  # a change column does not give the outcome's value
            ai = _read(study, t, row, ji, otype, intervention)
            ac = _read(study, t, row, jc, otype, comparator)
            if ai is None or ac is None:
                continue
            found.append((s, t, named, ai, ac))
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


def _caption_variants(outcome_variants: list[str], caption: str) -> list[str]:
    """The outcome without the words the table's caption already says ('The mean cognitive
    score on the Bayley-III' in a table captioned '... (Bayley-III)' -> 'cognitive')."""
    cap = set(_content(caption))
    if not cap:
        return []
    out = []
    for o in outcome_variants:
        words = _norm(o).split()
        keep = [w for w in words if _ostem(w) not in cap]
        rest = " ".join(keep)
        if len(keep) < len(words) and _content(rest) and len(_content(rest)) < len(_content(o)):
            out.append(rest)
    return list(dict.fromkeys(out))


_CONDITION = re.compile(r"\b(?:when|if|whose|among|in (?:the )?(?:patients|participants|subjects|those|women|men|"
                        r"children|people) (?:with|who|aged))\b(.*)$", re.I)


def _condition_words(outcome: str) -> set[str]:
    """The content words of a condition on the population ('... when the patients had BMI > 30')."""
    m = _CONDITION.search(outcome)
    return set(_content(m.group(1))) if m else set()


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


def _relevant(outcome_variants: list[str], context: str = ""):
    """A sentence is about the outcome when it holds (nearly) all the outcome's words, or at
    least two of them and the others are words of the study's ``context`` (its title: 'withdrawal
    response of rocuronium' in a trial of drugs on the withdrawal response of rocuronium is
    'the incidence of withdrawal response')."""
    wanted = [set(_content(o)) for o in outcome_variants]
    wanted = [w for w in wanted if w]
    known = set(_content(context))

    asks_change = any(_CHANGE.search(o) for o in outcome_variants)

    def rel(text: str) -> bool:
        if not asks_change and _CHANGE.search(text):
            return False   # a change from baseline is not the outcome's value
        for m in _TIME_EXPR.finditer(text):
            if not any(_time_in_outcome(m.group(0), o) or m.group(0).lower() in o.lower() for o in outcome_variants):
                return False   # a value at a time point the question does not name
        have = set(_content(text))
        return any(len(w & have) >= max(1, 0.75 * len(w)) or (len(w & have) >= 2 and w - have <= known)
                   for w in wanted)
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


def _from_text(doc: Document, study: Study | None, outcome_variants: list[str], otype: OutcomeType,
               intervention: str, comparator: str, int_alts: list[str], cmp_alts: list[str],
               abbrev: dict[str, str] | None = None) -> Answer | None:
    from trialaudit.meta_text import text_pairs
    outcome = outcome_variants[0]
    got = []
    judge = _phrase_judge(intervention, comparator, int_alts, cmp_alts, abbrev or {})
    others = other_arm_alts(intervention, comparator, study.arms, int_alts, cmp_alts, abbrev) \
        if study is not None else []
    short = {k.lower(): k for k in (abbrev or {}) if len(k) == 2 and k.isalpha() and k.isupper()}
    for p in text_pairs(doc, _relevant(outcome_variants, doc.title or ""), otype, int_alts, cmp_alts, judge, others, short):
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
