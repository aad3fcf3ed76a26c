"""Results per arm: response counts, rates, time-to-event medians and landmark rates.

Tables in either orientation:

* measures as rows, arms as columns (``Partial response | 16 (30.2) | 7 (25.0)``), with a
  "95% CI" row completing the rate above it, landmark rows ("6 months, % (95% CI)") under
  the time-to-event row they belong to, and group headings ("ITT event-free survival");
* arms (or other groups) as rows, measures as columns (``Observation group | 1 | 12 | 14 | 26``).

Sentences of the abstract and results ("the median PFS was 5.5 months (95% CI: 3.9, 6.4) with
apatinib plus IE compared with 3.4 months ... with IE"): every value is given a measure (the
last one named before it, or the one right after a count: "8 patients maintained SD") and an
arm (the arm named right after the value, else right before it, else by order for
"respectively"/"vs" lists, else the other arm of a two-arm comparison, else the whole cohort).
P columns and stat columns become :class:`StatTest` rows.

Why one long module: table and sentence outcomes share the measure and group vocabulary. The seam
for a split is ``_sentence_outcomes`` and its helpers (outcomes read from sentences).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from trialaudit.schemas.document import Document, Sentence, Table
from trialaudit.schemas.quantities import Quantity
from trialaudit.schemas.study import Arm, Outcome, StatTest

from trialaudit.extractor.quantities import find_quantities, parse_cell

from .arms import arm_mentions
from .regimens import top_level_clauses
from ._util import (MEASURE_KIND, abstract_tail_sections, result_kinds, bare_interval, cell_prov, cell_text, cited_sentence_ids, col_role, effective_kind, find_measures, measure_of, normalise_for_parse, parse_number_cell, parse_p_cell, sentence_prov, single_arm_of, stat_kind, table_notes, timepoint_of)
from .groups import GroupRef, group_label, resolve_group
from .stat_tests import footnote_test_name, table_test, test_names_in

# --------------------------------------------------------------------------- table kinds

_ADVERSE = re.compile(r"adverse|toxicit|\bTRAEs?\b|\bTEAEs?\b|\bAEs?\b|side[- ]effects?|safety|reactions?\b|complications?",
                      re.I)
_EFFECTS = re.compile(r"\bcox\b|regression|hazard\s+ratio|odds\s+ratio|multivariat|univariat|multivariable|"
                      r"prognostic\s+factor|risk\s+factor", re.I)
_BASELINE = re.compile(r"baseline|characteristic|demographic", re.I)
_OUTCOME = re.compile(r"efficacy|response|outcome|survival|end\s?points?|results?\b|benefit", re.I)


def table_kinds(t: Table) -> set[str]:
    """What a table reports: {'adverse'}, {'effects'}, {'baseline'}, {'outcomes'} or both of the last two."""
    cap = f"{t.caption} {t.columns[0] if t.columns else ''}"
    if _ADVERSE.search(t.caption):
        return {"adverse"}
    roles = [col_role(c) for c in t.columns[1:]]
    if _EFFECTS.search(t.caption) or "ratio" in roles:
        return {"effects"}
    kinds: set[str] = set()
    if _BASELINE.search(cap):
        kinds.add("baseline")
    measure_rows = sum(1 for r in t.rows if measure_of(r.label))
    measure_cols = sum(1 for c in t.columns[1:] if measure_of(c))
    if _OUTCOME.search(t.caption) and not (kinds and not re.search(r"efficacy|response|survival", t.caption, re.I)):
        kinds.add("outcomes")
    elif not kinds and (measure_rows >= 2 or measure_cols >= 2):
        kinds.add("outcomes")
    return kinds


# --------------------------------------------------------------------------- quantities


def _is_rate(measure: str) -> bool:
    return MEASURE_KIND.get(measure) == "rate"


def _is_tte(measure: str) -> bool:
    return MEASURE_KIND.get(measure) == "tte"


def outcome_kind(measure: str, timepoint: str | None) -> str:
    k = MEASURE_KIND.get(measure)
    if k == "tte":
        return "landmark" if timepoint else "median"
    if k == "rate":
        return "rate"
    return "count"


def _first_value(qs: list[Quantity]) -> Quantity | None:
    for q in qs:
        if q.kind not in ("p_value", "test_stat", "ratio"):
            return q
    return None


def coerce(q: Quantity, measure: str, timepoint: str | None, *, counts_context: bool, label: str = "") -> Quantity | None:
    """Make a parsed quantity fit the measure (a bare 23.63 in an ORR column is a percent ...)."""
    kind = outcome_kind(measure, timepoint)
    if kind == "count":
        if q.kind in ("count_percent", "fraction", "count", "percent"):
            return q
        if q.kind == "mean_sd" and q.interval == "unspecified" and q.value is not None and q.sd is not None:
            # "0.0 (0.0)" under an n (%) label: a count printed with a decimal
            return q.model_copy(update={"kind": "count_percent", "count": q.value, "percent": q.sd, "value": None,
                                        "sd": None, "interval": None})
        if q.kind == "number" and q.value is not None and float(q.value.value).is_integer():
            return q.model_copy(update={"kind": "count", "count": q.value})
        return None
    if kind == "rate":
        if q.kind in ("count_percent", "fraction", "percent"):
            return q
        if q.kind == "estimate_ci" and q.value is not None:
            return q.model_copy(update={"percent": q.value})
        if q.kind == "mean_sd" and q.interval == "unspecified" and q.value is not None and q.sd is not None:
            return q.model_copy(update={"kind": "count_percent", "count": q.value, "percent": q.sd, "value": None,
                                        "sd": None, "interval": None})
        if q.kind in ("count", "number") and q.value is not None:
            if counts_context and q.kind == "count" and "%" not in label:
                return q
            return q.model_copy(update={"kind": "percent", "percent": q.value, "count": None})
        return None
    if kind == "landmark":
        if q.kind == "percent":
            return q
        if q.kind in ("estimate_ci", "number", "count") and q.value is not None:
            return q.model_copy(update={"percent": q.value})
        if q.kind == "count_percent" and q.percent is not None:
            return q
        return None
    # median
    if q.kind in ("estimate_ci", "median_iqr", "median_range", "number", "count", "not_reached"):
        if q.kind == "count":
            return q.model_copy(update={"kind": "number", "count": None})
        return q
    return None


def _unit(measure: str, timepoint: str | None, text: str = "") -> str | None:
    kind = outcome_kind(measure, timepoint)
    if kind in ("rate", "landmark"):
        return "%"
    if kind == "count":
        return "patients"
    m = re.search(r"\b(months?|weeks?|years?|days?)\b", text, re.I)
    return (m.group(1).lower().rstrip("s") + "s") if m else "months"


# --------------------------------------------------------------------------- tables


def _row_measure(label: str, heading: str | None, current_tte: str | None) -> tuple[str | None, str | None]:
    m = measure_of(label)
    tp = timepoint_of(label)
    if m is None:
        hm = measure_of(heading or "")
        if tp and (hm and _is_tte(hm) or current_tte):
            m = hm if hm and _is_tte(hm) else current_tte
        elif hm and _is_tte(hm) and re.search(r"median|\bKM\b|kaplan|mean", label, re.I):
            m = hm
        elif hm and not tp and MEASURE_KIND.get(hm) in ("rate",) and re.search(r"n\s*\(%\)|%", label):
            m = None
    if m is not None and tp and not _is_tte(m) and not _is_rate(m):
        tp = None
    return m, tp


def _label_for_parse(label: str) -> str:
    """A row label as context for the cell parser, without measure codes that read as keywords ('SD')."""
    return re.sub(r"\bSD\b|\bstable\s+disease\b", "", label, flags=re.I)


def _counts_context(cells: list[str]) -> bool:
    return any(re.search(r"\d\s*\(\s*\d+(?:\.\d+)?\s*%?\s*\)", c) for c in cells)


def _is_ci_row(label: str) -> bool:
    return bool(re.fullmatch(r"\s*[(\[]?\s*(?:\d{2}(?:\.\d)?\s*%\s*)?(?:CI|C\.I\.|confidence\s+intervals?)\s*[)\]]?\s*[:,]?\s*",
                             label, re.I))


def outcomes_from_table(doc: Document, t: Table, arms: list[Arm]) -> tuple[list[Outcome], list[StatTest]]:
    single = single_arm_of(arms)
    roles = [col_role(c) for c in t.columns]
    col_measures = [j for j in range(1, len(t.columns)) if roles[j] == "data" and measure_of(t.columns[j])]
    col_groups = {j: resolve_group(t.columns[j], arms, single) for j in range(1, len(t.columns)) if roles[j] == "data"}
    col_groups = {j: g for j, g in col_groups.items() if g is not None}
    if len(col_measures) >= 2 and len(col_measures) > len(col_groups):
        return _measures_as_columns(doc, t, arms, roles)
    return _measures_as_rows(doc, t, arms, roles, col_groups)


def _outcome(measure: str, tp: str | None, q: Quantity, g: GroupRef, prov, unit: str | None) -> Outcome:
    return Outcome(measure=measure, arm=g.arm.id if g.arm else None, group=None if g.arm else g.label,
                   kind=outcome_kind(measure, tp), quantity=q, unit=unit, timepoint=tp, provenance=prov)


def _measures_as_rows(doc: Document, t: Table, arms: list[Arm], roles: list[str],
                      col_groups: dict[int, GroupRef]) -> tuple[list[Outcome], list[StatTest]]:
    outs: list[Outcome] = []
    tests: list[StatTest] = []
    p_cols = [j for j, r in enumerate(roles) if r == "p" and j > 0]
    notes = table_notes(doc, t) if p_cols else []
    current_tte: str | None = None
    last: dict[int, Outcome] = {}
    for row in t.rows:
        label = row.label
        if row.kind == "group" or all(not cell_text(row, j) for j in col_groups):
            hm = measure_of(label)
            if hm and _is_tte(hm):
                current_tte = hm
            continue
        if _is_ci_row(label):
            for j, g in col_groups.items():
                iv = bare_interval(cell_text(row, j))
                o = last.get(j)
                if iv and o is not None:
                    lo, hi, ne = iv
                    o.quantity = o.quantity.model_copy(update={"low": lo, "high": hi, "interval": "ci",
                                                               "ci_level": _ci_level(label), "not_estimable":
                                                               o.quantity.not_estimable or ne})
            continue
        m, tp = _row_measure(label, row.group, current_tte)
        if m is None:
            last = {}
            continue
        if _is_tte(m) and not tp:
            current_tte = m
        cells = [cell_text(row, j) for j in col_groups]
        ctx = _counts_context(cells)
        row_outs: list[Outcome] = []
        for j, g in col_groups.items():
            txt = cell_text(row, j)
            if not txt or re.match(r"^\s*[<>≤≥]", txt):
                continue
            qs = parse_cell(normalise_for_parse(txt), label=f"{_label_for_parse(label)} {t.columns[j]}")
            q = _first_value(qs)
            q = coerce(q, m, tp, counts_context=ctx, label=label) if q else None
            if q is None:
                continue
            o = _outcome(m, tp, q, g, cell_prov(doc, t, row, j), _unit(m, tp, label + " " + (row.group or "")))
            row_outs.append(o)
            last[j] = o
        for j in p_cols:
            p = parse_p_cell(cell_text(row, j))
            if p is None:
                continue
            for o in row_outs:
                o.quantity = o.quantity.model_copy(update={"p": p[0], "p_operator": p[1]})
            compares = m + (f" at {tp}" if tp else "")
            tests.append(table_test(doc, t, row, j, p=p, test=footnote_test_name(t, m, label, notes), compares=compares))
        outs.extend(row_outs)
    return outs, tests


def _ci_level(label: str) -> float | None:
    m = re.search(r"(\d{2}(?:\.\d)?)\s*%", label)
    return float(m.group(1)) if m else 95.0


def _row_group(label: str, arms: list[Arm], single: Arm | None) -> GroupRef | None:
    if not label.strip():
        return None
    g = resolve_group(label, arms, single)
    if g is not None:
        return g
    return GroupRef(group_label(label), None)


def pair_stat_p(roles: list[str]) -> list[tuple[int | None, int]]:
    """Pair statistic columns with P columns (adjacent first); unpaired P columns stand alone."""
    stats = [j for j, r in enumerate(roles) if r == "stat"]
    ps = [j for j, r in enumerate(roles) if r == "p"]
    pairs: list[tuple[int | None, int]] = []
    used: set[int] = set()
    for s in stats:
        cands = sorted((abs(p - s), -p, p) for p in ps if p not in used)
        if cands:
            p = cands[0][2]
            used.add(p)
            pairs.append((s, p))
    for p in ps:
        if p not in used:
            pairs.append((None, p))
    return pairs


def _stat_name(label: str, caption: str) -> str | None:
    names = test_names_in(label) or test_names_in(caption)
    if names:
        return names[0]
    k = stat_kind(label)
    return {"chi2": "chi-square", "t": "t-test"}.get(k or "")


def _measures_as_columns(doc: Document, t: Table, arms: list[Arm], roles: list[str]) -> tuple[list[Outcome], list[StatTest]]:
    single = single_arm_of(arms)
    outs: list[Outcome] = []
    tests: list[StatTest] = []
    mcols = [j for j in range(1, len(t.columns)) if roles[j] == "data" and measure_of(t.columns[j])]
    colvals = {j: [cell_text(r, j) for r in t.rows] for j in mcols}
    for row in t.rows:
        g = _row_group(row.label, arms, single)
        if g is None or row.kind == "group":
            continue
        for j in mcols:
            lab = t.columns[j]
            m = measure_of(lab)
            tp = timepoint_of(lab) if m and (_is_tte(m) or _is_rate(m)) else None
            txt = cell_text(row, j)
            if not txt or re.match(r"^\s*[<>≤≥]", txt):
                continue
            q = _first_value(parse_cell(normalise_for_parse(txt), label=lab))
            q = coerce(q, m, tp, counts_context=_counts_context(colvals[j]) or bool(re.search(r"\bno\.?\b|\bn\b", lab, re.I)),
                       label=lab) if q else None
            if q is None:
                continue
            outs.append(_outcome(m, tp, q, g, cell_prov(doc, t, row, j), _unit(m, tp, lab)))
    measures_named = [measure_of(t.columns[j]) for j in mcols]
    for s, pj in pair_stat_p(roles):
        for row in t.rows:
            p = parse_p_cell(cell_text(row, pj))
            sv = parse_number_cell(cell_text(row, s)) if s is not None else None
            if p is None and sv is None:
                continue
            plab = t.columns[pj]
            pm = measure_of(plab)
            compares = pm or "/".join(x for x in measures_named if x)
            slab = t.columns[s] if s is not None else ""
            tests.append(table_test(doc, t, row, pj, p=p, stat=sv, statistic=stat_kind(slab) if s is not None else None,
                                    test=_stat_name(slab, t.caption) if s is not None else
                                    footnote_test_name(t, pm, notes=table_notes(doc, t)),
                                    compares=compares))
            break
    return outs, tests


# --------------------------------------------------------------------------- sentences

_TIME_AFTER = re.compile(r"^\s*-?\s*(?:months?|mos?\b|weeks?|years?|days?)\b", re.I)
_TIME_UNIT_IN = re.compile(r"\b(?:months?|weeks?|years?|days?)\b", re.I)
_COUNT_VERB = re.compile(r"^\s*(?:\(\s*\d+(?:\.\d+)?\s*%\s*\)\s*)?(?:of\s+(?:the\s+)?\d+\s+)?(?:patients?|participants?|cases|subjects)?"
                         r"\s*(?:\(\s*\d+(?:\.\d+)?\s*%\s*\)\s*)?(?:who\s+)?(?:had|achieved|showed|maintained|experienced|demonstrated|"
                         r"exhibited|attained|reached|obtained|presented|were|with)\s+(?:a\s+|an\s+)?(?:confirmed\s+|best\s+)?$", re.I)
_TOTAL_CUE = re.compile(r"\b(?:all|overall|entire|whole)\s+(?:patients|cohort|population)\b|\bin\s+all\s+patients\b|"
                        r"\b(?:of|among|in|for)\s+(?:all\s+)?the\s+(?P<n>\d+)\s+(?:patients|participants|subjects)\b", re.I)
_N_CUE = re.compile(r"\b(?:of|among|in|for|with\s+regard\s+to)\s+(?:all\s+)?the\s+(?P<n>\d+)\s+(?:patients|participants|subjects)\b",
                    re.I)
_TP_LIST = re.compile(r"(?P<list>(?:\d{1,3}\s*(?:-\s*(?:months?|years?|weeks?))?\s*(?:-|–)?\s*(?:,|and|or)\s*)+\d{1,3})\s*-?\s*"
                      r"(?P<unit>months?|years?|weeks?|mo)\b", re.I)
_VS = re.compile(r"\b(?:vs\.?|versus|compared\s+(?:with|to)|than)\b", re.I)


@dataclass
class _Val:
    q: Quantity
    start: int
    end: int
    measure: str | None = None
    timepoint: str | None = None
    arm: Arm | None = None
    group: str | None = None
    after_measure: bool = False


@dataclass
class _Ctx:
    """Arm context carried from one sentence to the next within a paragraph."""

    paragraph: str | None = None
    arm: Arm | None = None
    total: bool = False


def _timepoint_lists(text: str) -> list[tuple[int, int, list[str]]]:
    out = []
    for m in _TP_LIST.finditer(text):
        nums = re.findall(r"\d{1,3}", m.group("list"))
        unit = m.group("unit").lower()
        unit = "months" if unit.startswith("mo") else unit.rstrip("s") + "s"
        out.append((m.start(), m.end(), [f"{n} {unit if n != '1' else unit.rstrip('s')}" for n in nums]))
    return out


_REF_SPAN = re.compile(r"\b(?:Supplementary\s+|Suppl\.?\s+)?(?:Tables?|Figs?\.?|Figures?)\s*[A-Z]?\d+[A-Za-z]?"
                       r"(?:\s*(?:,|and|&|–|-)\s*[A-Z]?\d+[A-Za-z]?)*|\b(?:19|20)\d\d\b|\bversion\s+\d+(?:\.\d+)*|"
                       r"\bv\d+(?:\.\d+)+|\bRECIST\s*\d(?:\.\d)?|\bCTCAE\s*v?\d(?:\.\d)?", re.I)


def _candidate_values(text: str) -> list[_Val]:
    vals = []
    masked = [(m.start(), m.end()) for m in _REF_SPAN.finditer(text)]
    for q in find_quantities(text):
        if q.kind in ("p_value", "test_stat", "ratio", "mean_sd", "range"):
            continue
        if any(a <= q.start < b for a, b in masked):
            continue  # "Table 3", "Fig. 2", a year, "version 5.0"
        if q.kind in ("count", "number") and _TIME_AFTER.match(text[q.end:q.end + 12]) and \
                re.match(r"^\s*-", text[q.end:q.end + 3]):
            continue  # "4-month": a timepoint
        vals.append(_Val(q, q.start, q.end))
    return vals


def _pct_value(q: Quantity, text: str) -> bool:
    """Is the point estimate printed as a percentage ('65.8% (95% CI ...)')?"""
    if q.value is None or q.value.end is None:
        return False
    return text[q.value.end:q.value.end + 3].lstrip().startswith("%")


def _fits(v: _Val, measure: str, timepoint: str | None, text: str) -> Quantity | None:
    q = v.q
    after = text[v.end:v.end + 14]
    kind = outcome_kind(measure, timepoint)
    if kind == "count":
        if _TIME_AFTER.match(after) or q.kind in ("estimate_ci", "median_iqr", "median_range", "not_reached"):
            return None
        if q.kind in ("count", "number") and (q.value is None or not float(q.value.value).is_integer()):
            return None
        if q.kind == "percent":
            return None
        return coerce(q, measure, timepoint, counts_context=True)
    if kind in ("rate", "landmark"):
        if _TIME_AFTER.match(after):
            return None
        if q.kind == "estimate_ci" and not _pct_value(q, text):
            return None
        if q.kind in ("count", "number"):
            return None  # a bare number is not a rate unless a sibling says % (handled by the caller)
        return coerce(q, measure, timepoint, counts_context=True)
    # median
    if q.kind == "not_reached":
        return q
    if q.kind in ("estimate_ci", "median_iqr", "median_range"):
        if _pct_value(q, text):
            return None
        return coerce(q, measure, timepoint, counts_context=False)
    if q.kind in ("number", "count"):
        tail = text[v.end:v.end + 40]
        if _TIME_AFTER.match(tail) or re.match(r"^\s*(?:\[[^\]]*\]|\([^)]*\))?\s*(?:vs\.?|versus)?[^.;]{0,25}?(?:months?|weeks?|years?)\b", tail):
            return coerce(q, measure, timepoint, counts_context=False)
    return None


def _arm_of_total(arms: list[Arm]) -> Arm | None:
    return next((a for a in arms if a.is_total), None)


def outcomes_from_sentences(doc: Document, arms: list[Arm], total_n: int | None = None,
                            groups: list[str] | None = None) -> list[Outcome]:
    """Outcomes stated in sentences; ``groups`` are labels of non-arm groups that tables report
    (rows "Prior drug C", "Prior drug D"), which a comparison may name ("patients receiving C ...
    those treated with D (5.0 vs 4.0 months)")."""
    outs: list[Outcome] = []
    tail = abstract_tail_sections(doc)
    cited = cited_sentence_ids(doc)
    wanted = result_kinds(doc)
    real = [a for a in arms if not a.is_total]
    single = real[0] if len(real) == 1 else None
    ctx = _Ctx()
    for s in doc.sentences:
        kind = effective_kind(doc, s, tail)
        if kind not in wanted:
            continue
        if s.paragraph != ctx.paragraph:
            ctx = _Ctx(paragraph=s.paragraph)
        if s.id in cited:
            ctx.arm, ctx.total = None, False
            continue
        new = _sentence_outcomes(doc, s, arms, real, single, total_n, ctx, groups or [])
        outs.extend(new)
    return outs


def _sentence_outcomes(doc: Document, s: Sentence, arms: list[Arm], real: list[Arm], single: Arm | None,
                       total_n: int | None, ctx: _Ctx, groups: list[str] | None = None) -> list[Outcome]:
    text = normalise_for_parse(s.text)
    measures = find_measures(text)
    mentions = _sentence_arm_mentions(text, arms, real)
    total_cue = _names_total(text, real, total_n)
    if mentions:
        ctx.arm = mentions[-1][0] if len({id(a) for a, _, _ in mentions}) == 1 else None
        ctx.total = False
    elif total_cue:
        ctx.arm, ctx.total = None, True
    if not measures:
        return []
    vals = _candidate_values(text)
    if not vals:
        return []
    _assign_measures(vals, measures, text)
    vals = [v for v in vals if v.measure and _plausible(v, text)]
    if not vals:
        return []
    runs = _value_runs(vals, text, mentions, measures)
    clauses = top_level_clauses(text)
    out: list[Outcome] = []
    single_default = None if mentions else _default_target(arms, real, single, total_cue, ctx)
    for run in runs:
        comparison = len(run) >= 2 and any(_COMP.search(text[x.end:y.start]) for x, y in zip(run, run[1:]))
        if comparison:
            targets = _comparison_targets(text, run, vals, mentions, clauses, groups or [], single_default)
        else:
            targets = _run_targets(text, run, mentions, arms, real, single_default)
        if not targets:
            continue
        per_value = _value_meanings(text, run, targets, comparison, measures)
        if per_value is None:
            continue
        out.extend(_run_outcomes(doc, s, text, run, per_value))
    _complement(out, real)
    out = [o for o in out if o.group != "?"]
    _attach_p(out, text, doc, s)
    return out


def _sentence_arm_mentions(text: str, arms: list[Arm], real: list[Arm]) -> list[tuple[Arm, int, int]]:
    """The arms a sentence names, in order, also by their size ("Of the 14 patients who ...")."""
    mentions = [(a, x, y) for a, x, y in arm_mentions(text, arms) if not a.is_total]
    # "Of the 14 patients who ...": an arm (or the total) named by its size
    for m in _N_CUE.finditer(text):
        n = int(m.group("n"))
        same = [a for a in real if a.n == n]
        if len(same) == 1 and not any(x <= m.start() < y for _, x, y in mentions):
            mentions.append((same[0], m.start(), m.end()))
    mentions.sort(key=lambda x: x[1])
    return mentions


def _names_total(text: str, real: list[Arm], total_n: int | None) -> bool:
    """Does the sentence speak of all patients ("in all patients", "of the 40 patients" with the total's size)?"""
    total_cue = False
    for m in _TOTAL_CUE.finditer(text):
        n = m.group("n")
        if n is None or (total_n is not None and int(n) == total_n) or (n and not any(a.n == int(n) for a in real)):
            total_cue = True
    return total_cue


def _assign_measures(vals: list[_Val], measures, text: str) -> None:
    """The measure (and timepoint) each value stands for: the measure named right after a count or rate
    ("12 patients achieved a PR"), else the last one named before it."""
    tplists = _timepoint_lists(text)
    for v in vals:
        before = [h for h in measures if h.end <= v.start]
        after = [h for h in measures if h.start >= v.end]
        if after and MEASURE_KIND.get(after[0].code) == "count" and _COUNT_VERB.match(text[v.end:after[0].start]):
            v.measure = after[0].code
            v.after_measure = True
        elif after and MEASURE_KIND.get(after[0].code) == "rate" and \
                re.match(r"^\s*(?:of\s+)?(?:patients?\s+)?(?:had|achieved|showed|with)\s+(?:an?\s+)?$", text[v.end:after[0].start], re.I) \
                and v.q.kind in ("fraction", "count_percent"):
            v.measure = after[0].code
            v.after_measure = True
        elif before:
            h = before[-1]
            v.measure = h.code
            for a, b, tps in tplists:
                if b <= h.start + 2 and h.start - b < 12:
                    v.timepoint = tps  # type: ignore[assignment]  # resolved per run below
            if v.timepoint is None and _is_tte(h.code):
                tp = timepoint_of(text[max(0, h.start - 14):h.start])
                if tp and re.search(r"rates?|%|survival\s+rates?", text[h.end:h.end + 20] + text[v.start:v.end], re.I):
                    v.timepoint = tp


def _plausible(v: _Val, text: str) -> bool:
    """Can the value be its measure's statistic (a count, a rate, a median)?"""
    tp = v.timepoint[0] if isinstance(v.timepoint, list) else v.timepoint
    if _fits(v, v.measure, tp, text) is not None:
        return True
    # a bare number in a list of rates ("ORR and CBR were 0 and 57.1%")
    return outcome_kind(v.measure, tp) in ("rate", "landmark") and v.q.kind in ("count", "number") and \
        not _TIME_AFTER.match(text[v.end:v.end + 14])


def _value_runs(vals: list[_Val], text: str, mentions, measures) -> list[list[_Val]]:
    """Runs: consecutive values of one measure with no arm mention or new measure mention between them."""
    runs: list[list[_Val]] = []
    for v in vals:
        if runs:
            prev = runs[-1][-1]
            gap = text[prev.end:v.start]
            broken = any(prev.end <= x < v.start for _, x, _ in mentions) or \
                any(prev.end <= h.start < v.start for h in measures) or v.after_measure or prev.after_measure or \
                re.search(r"[;]|\.\s", gap)
            if not broken and prev.measure == v.measure:
                runs[-1].append(v)
                continue
        runs.append([v])
    return runs


def _arm_after(text: str, mentions, v: _Val) -> Arm | None:
    """The arm named right after the value ("12.1 months in the X group")."""
    for a, x, _ in mentions:
        if v.end <= x <= v.end + 45 and _CONNECT_AFTER.fullmatch(text[v.end:x]):
            return a
    return None


def _arm_before(text: str, mentions, v: _Val) -> Arm | None:
    """The last arm named before the value, unless a comparison word or ';' comes between."""
    prior = [(a, y) for a, x, y in mentions if y <= v.start]
    if not prior:
        return None
    a, y = prior[-1]
    gap = text[y:v.start]
    if _COMP.search(gap) or ";" in gap:
        return None
    return a


def _default_target(arms: list[Arm], real: list[Arm], single: Arm | None, total_cue: bool,
                    ctx: _Ctx) -> tuple[Arm | None, str | None] | None:
    """Whom the values of a sentence naming no arm belong to: the single arm, all patients, the arm the
    paragraph is about."""
    if single is not None:
        return (single, None)
    if total_cue or ctx.total:
        return (_arm_of_total(arms), "Total")
    if ctx.arm is not None:
        return (ctx.arm, None)
    if not real:
        return (None, "Overall")
    return None


def _comparison_targets(text: str, run: list[_Val], vals: list[_Val], mentions, clauses, groups: list[str],
                        single_default) -> list[tuple[Arm | None, str | None]]:
    """The arms (or groups) of the values of a comparison ("8.1 vs 5.3 months"); empty when unnamed."""
    first, lastv = run[0], run[-1]
    ids = [None] * len(run)
    ids[0] = _arm_before(text, mentions, first)
    ids[-1] = _arm_after(text, mentions, lastv)
    if any(i is None for i in ids):
        in_clause: list[Arm] = []
        before_all: list[Arm] = []
        clause_start = next((a for a, b in clauses if a <= first.start < b), 0)
        for a, x, y in mentions:
            if y <= first.start:
                if a not in before_all:
                    before_all.append(a)
                if x >= clause_start and a not in in_clause:
                    in_clause.append(a)
        order = in_clause if len(in_clause) == len(run) else (before_all if len(before_all) == len(run) and
                                                               not in_clause else [])
        if order:
            ids = list(order)
    named = _groups_compared(text, groups or [], mentions, run, vals) if all(i is None for i in ids) else []
    if named:
        return [(None, g) for g in named]
    if all(i is None for i in ids) and single_default is not None:
        return []  # "ORR (0 vs 25%) between the two groups": arms unnamed
    return [(i, None if i else "?") for i in ids]


def _run_targets(text: str, run: list[_Val], mentions, arms: list[Arm], real: list[Arm],
                 single_default) -> list[tuple[Arm | None, str | None]]:
    """The arm (or group) of the values of a run that is not a comparison; empty when unknown."""
    first, lastv = run[0], run[-1]
    a = _arm_after(text, mentions, lastv) or _arm_before(text, mentions, first)
    if a is not None:
        return [(a, None)] * len(run)
    if single_default is not None:
        return [single_default] * len(run)
    if not mentions and len(run) == 1 and _arm_of_total(arms) is not None:
        return [(_arm_of_total(arms), "Total")]
    if not mentions and len(run) == 1 and len(real) >= 2 and not _GROUPS_WORD.search(text):
        return [(None, "Overall")]
    if mentions and len(run) == 1 and len(real) == 2:
        return [(None, "?")]
    return []


def _value_meanings(text: str, run: list[_Val], targets, comparison: bool, measures
                    ) -> list[tuple[str, str | None, Arm | None, str | None]] | None:
    """(measure, timepoint, arm, group) of each value of a run: the same measure for several arms, timepoints
    listed ("4- and 6-month PFS rates"), or measures listed ("ORR and CBR were 0 and 57.1%"); None when the
    run cannot be read."""
    first = run[0]
    listed = _listed_measures(text, measures, first.start)
    tps = first.timepoint if isinstance(first.timepoint, list) else None
    per_value: list[tuple[str, str | None, Arm | None, str | None]] = []
    if comparison:
        for v, (a, gl) in zip(run, targets):
            per_value.append((v.measure, _tp(v), a, gl))
    elif tps and len(tps) == len(run):
        for v, tp in zip(run, tps):
            per_value.append((v.measure, tp, targets[0][0], targets[0][1]))
    elif listed and len(listed) == len(run) and len(run) > 1:
        for v, ms in zip(run, listed):
            per_value.append((ms, _tp(v), targets[0][0], targets[0][1]))
    elif len(run) == 1:
        per_value.append((run[0].measure, _tp(run[0]) or (tps[0] if tps and len(tps) == 1 else None),
                          targets[0][0], targets[0][1]))
    else:
        return None
    return per_value


def _run_outcomes(doc: Document, s: Sentence, text: str, run: list[_Val], per_value) -> list[Outcome]:
    """One outcome per value that fits its meaning (a bare number among percentages is a percentage)."""
    out: list[Outcome] = []
    siblings_pct = any(v.q.kind in ("percent", "count_percent") or "%" in v.q.text for v in run)
    for v, (meas, tp, a, gl) in zip(run, per_value):
        q = _fits(v, meas, tp, text)
        if q is None and siblings_pct and v.q.kind in ("count", "number") and outcome_kind(meas, tp) in ("rate", "landmark"):
            q = v.q.model_copy(update={"kind": "percent", "percent": v.q.value, "count": None})
        if q is None or (a is None and gl is None):
            continue
        out.append(Outcome(measure=meas, arm=a.id if a else None, group=None if a else gl,
                           kind=outcome_kind(meas, tp), quantity=q, unit=_unit(meas, tp, text[v.start:v.end + 12]),
                           timepoint=tp, provenance=sentence_prov(doc, s, v.start, v.end)))
    return out


#: "patients receiving X", "those treated with Y": a group of patients named by what they received
_GROUP_CUE = (r"\b(?:patients?|those|participants?|subjects|cases)\s+(?:who\s+(?:had\s+)?(?:received|were\s+treated\s+with|"
              r"were\s+given|took)|receiving|treated\s+with|given|taking|on)\s+(?:(?:the\s+)?(?:prior|previous|initial)\s+)?")


def _group_mentions(text: str, groups: list[str]) -> list[tuple[str, int, int]]:
    """Non-overlapping 'patients receiving <group label>' mentions of known (non-arm) groups."""
    spans: list[tuple[str, int, int]] = []
    for g in sorted({g for g in groups if len(g) >= 3}, key=len, reverse=True):
        pat = _GROUP_CUE + r"(" + re.escape(g).replace(r"\ ", r"\s+") + r")(?![\w\-])"
        for m in re.finditer(pat, text, re.I):
            if all(m.end() <= x or m.start() >= y for _, x, y in spans):
                spans.append((g, m.start(), m.end()))
    return sorted(spans, key=lambda x: x[1])


def _groups_compared(text: str, groups: list[str], mentions, run: list[_Val], vals: list[_Val]) -> list[str]:
    """The non-arm groups a comparison run compares, in order: as many distinct groups named
    (by a 'patients receiving X' cue) after the previous value and before the run's first value
    as there are values, with no arm named in between."""
    if not groups:
        return []
    first = run[0]
    start = max((v.end for v in vals if v.end <= first.start), default=0)
    named = [g for g, x, y in _group_mentions(text, groups) if x >= start and y <= first.start]
    if len(named) != len(run) or len({g.lower() for g in named}) != len(named):
        return []
    if any(start <= x < first.start for _, x, _ in mentions):
        return []
    return named


_COMP = re.compile(r"\b(?:vs\.?|versus|compared\s+(?:with|to)|than|while|whereas)\b", re.I)
_CONNECT_AFTER = re.compile(r"[\s,]*(?:months?|weeks?|years?|days?)?[\s,]*(?:\([^()]*\)|\[[^\]]*\])?[\s,]*"
                            r"(?:respectively\s*,?\s*)?(?:(?:in|for|with|of|among|within|from)\s+)?(?:the\s+)?"
                            r"(?:patients\s+(?:in|of|receiving|treated\s+with)\s+(?:the\s+)?)?", re.I)
_GROUPS_WORD = re.compile(r"\bgroups?\b|\barms?\b|\bcohorts?\b|\bboth\b", re.I)


def _tp(v: _Val) -> str | None:
    return v.timepoint if isinstance(v.timepoint, str) else None


def _listed_measures(text: str, measures, start: int) -> list[str]:
    """Measures listed just before a value list: 'The ORR and CBR were ...'."""
    before = [h for h in measures if h.end <= start]
    if len(before) < 2:
        return []
    lst = [before[-1]]
    for h in reversed(before[:-1]):
        gap = text[h.end:lst[0].start]
        if re.fullmatch(r"\s*(?:\([^()]*\))?\s*(?:,|and|,\s*and|&)\s*(?:the\s+)?", gap, re.I):
            lst.insert(0, h)
        else:
            break
    return [h.code for h in lst] if len(lst) >= 2 else []


def _complement(outs: list[Outcome], real: list[Arm]) -> None:
    """Two-arm comparison: a value with no arm beside one with an arm belongs to the other arm."""
    if len(real) != 2:
        return
    by_measure: dict[tuple[str, str | None], list[Outcome]] = {}
    for o in outs:
        by_measure.setdefault((o.measure, o.timepoint), []).append(o)
    for group in by_measure.values():
        if len(group) != 2:
            continue
        a, b = group
        for x, y in ((a, b), (b, a)):
            if x.arm is None and x.group in ("?", "Overall") and y.arm is not None:
                other = next(r for r in real if r.id != y.arm)
                x.arm, x.group = other.id, None


def _attach_p(outs: list[Outcome], text: str, doc: Document, s: Sentence) -> None:
    arms = {o.arm for o in outs if o.arm}
    if len(arms) < 2:
        return
    qs = find_quantities(text)
    last_end = max((o.provenance.span.char_end for o in outs), default=0)
    for q in qs:
        if q.kind != "p_value":
            continue
        # the p must follow the values and not belong to a ratio ("HR 0.60 ...; P = 0.04")
        prev = [x for x in qs if x.end <= q.start]
        if prev and prev[-1].kind == "ratio":
            continue
        src = s.offsets[q.start] if s.offsets and q.start < len(s.offsets) else 0
        if src < last_end:
            continue
        for o in outs:
            if o.quantity.p is None:
                o.quantity = o.quantity.model_copy(update={"p": q.p, "p_operator": q.p_operator})
        break


# --------------------------------------------------------------------------- entry point


def extract_outcomes(doc: Document, arms: list[Arm], total_n: int | None = None) -> tuple[list[Outcome], list[StatTest]]:
    outs: list[Outcome] = []
    tests: list[StatTest] = []
    for t in doc.tables:
        if "outcomes" not in table_kinds(t):
            continue
        o, ts = outcomes_from_table(doc, t, arms)
        outs.extend(o)
        tests.extend(ts)
    groups = [o.group for o in outs if o.group and o.arm is None and o.group not in ("Total", "Overall", "?")]
    outs.extend(outcomes_from_sentences(doc, arms, total_n, list(dict.fromkeys(groups))))
    return outs, tests


__all__ = ["extract_outcomes", "outcomes_from_table", "outcomes_from_sentences", "table_kinds", "coerce",
           "outcome_kind", "pair_stat_p"]
