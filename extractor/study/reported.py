"""Reported values: the same result (median PFS, ORR, HR, p, median follow-up …) wherever it is printed.

:func:`extract_reported_values` reads sentences (abstract, results, conclusion, and the
methods for follow-up) and table cells into :class:`Reported` records keyed by
measure, statistic and arm, so rules can compare the abstract with the body and
the text with the tables.

Sentences: each quantity takes the measure named last before it in the
sentence ("the median PFS was 5.5 months", "ORR and CBR were 11.5% and 61.5%,
respectively" pairs measures and values in order; "The 4- and 6-month EFS
rates were …" gives landmark rates). Its arm is the arm named right after it
("5.5 months … in the Apa+IE group"), the arms named before a run of values in
the same order ("the combination cohort … compared to the monotherapy cohort
(8.6 … vs 4.0 …)"), the nearest arm named before it, or — in a two-arm study —
the other arm when its partner value in the same comparison is attributed. A
single value with no arm is the whole cohort. Sentences about other studies
(citations, "previous", "reported", "et al") and planning statements are not
read. A value's ``period`` is the analysis its sentence names last before it
(or first after it): "original" for the original/parent/initial trial or the
primary analysis ("The original trial enrolled … (median follow-up of 4.3
years)"), "extended" for an extended/long-term/updated follow-up or analysis,
None otherwise (the report's own).

Tables: a row label names the measure ("Progression-free survival, median (95%
CI)", "KM, median (95% CI)" under an "ITT event-free survival" group row,
"4 months, % (95% CI)" after a survival row, "Objective response rate, n (%)"
followed by a "95% CI" row); columns give the arm (``resolve_arm``; a "Total"
column or the only data column is the whole cohort; "P value" columns give
p-values). Arms may also be rows with measures as columns.
"""
from __future__ import annotations

import re

from trialaudit.extractor.evidence import cell_evidence, section_title, sentence_evidence
from trialaudit.extractor.memo import per_article
from trialaudit.extractor.quantities import find_quantities, parse_cell
from trialaudit.extractor.study._util import Prefilter, fold_case, with_first_chars
from trialaudit.extractor.study.arms import TOTAL_WORDS, arm_mentions, resolve_arm, strip_n
from trialaudit.extractor.study.sections import cited_sentences, effective_kinds, real_arms
from trialaudit.extractor.textutil import mknum
from trialaudit.schemas.document import Document, Sentence, Table
from trialaudit.schemas.quantities import Num, Quantity
from trialaudit.schemas.study import Arm, ReportedValue

MEASURE_PATTERNS: list[tuple[str, str]] = [
    ("follow-up", r"median\s+(?:duration\s+of\s+|length\s+of\s+)?follow[\s\-‑]*up(?:\s+(?:time|duration|period))?"),
    ("PFS", r"progression[\s\-‑]*free[\s\-‑]*survival|\bPFS\b"),
    ("OS", r"overall[\s\-]+survival|\bOS\b"),
    ("EFS", r"event[\s\-‑]*free[\s\-‑]*survival|\bEFS\b"),
    ("DFS", r"disease[\s\-‑]*free[\s\-‑]*survival|\bDFS\b"),
    ("RFS", r"(?:relapse|recurrence)[\s\-‑]*free[\s\-‑]*survival|\bRFS\b"),
    ("TTP", r"time[\s\-]+to[\s\-]+(?:disease[\s\-]+)?progress(?:ion)?|\bTTP\b"),
    ("TTR", r"time[\s\-]+to[\s\-]+(?:objective[\s\-]+)?response|\bTTR\b"),
    ("DoR", r"duration[\s\-]+of[\s\-]+(?:objective[\s\-]+|overall[\s\-]+)?response|\bDoR\b|\bDOR\b"),
    ("ORR", r"(?:objective|overall)[\s\-]+response[\s\-]+rates?|\bORR\b"),
    ("DCR", r"disease[\s\-]+control[\s\-]+rates?|\bDCR\b"),
    ("CBR", r"clinical[\s\-]+benefit[\s\-]+rates?|\bCBR\b"),
]
_MEASURE_RX = re.compile("|".join(f"(?P<m{i}>{p})" for i, (_, p) in enumerate(MEASURE_PATTERNS)), re.I)
#: the same regex, tried only where a measure's name can begin, and only on texts with a word it needs
_MEASURE_SCAN = with_first_chars(_MEASURE_RX)
_MEASURE_PF = Prefilter(_MEASURE_RX)
_TIME = {"follow-up", "PFS", "OS", "EFS", "DFS", "RFS", "TTP", "TTR", "DoR"}
_RATE = {"ORR", "DCR", "CBR"}
_LANDMARK_LIST = re.compile(
    r"(?P<list>(?:\d{1,2}(?:[\s\-‑]*(?:month|mo|year))?[\s\-‑]*(?:,|and|&)\s*)+\d{1,2})[\s\-‑]*(?P<unit>month|mo|year)s?"
    r"[\s\-‑]+(?:\w+\s+)?$", re.I)
_LANDMARK_ONE = re.compile(r"(?P<n>\d{1,2})[\s\-‑]*(?P<unit>month|mo|year)s?[\s\-‑]+(?:\w+\s+)?$", re.I)
_LANDMARK_AT = re.compile(r"^\s*rates?\s+at\s+(?P<n>\d{1,2})\s*(?P<unit>months?|years?)", re.I)
_OTHER_STUDY = re.compile(r"\b(?:previous(?:ly)?|prior\s+(?:stud|trial)|historical|reported\s+(?:by|in)|et\s+al|"
                          r"literature|other\s+(?:stud|trial)|in\s+the\s+[A-Z][A-Za-z\-]*\d|assum\w*|anticipat\w*|"
                          r"expected|hypothes\w*|would|planned)\b")
_READ = {"abstract", "results", "conclusion", "methods", "other", "front"}
_STUDY_NOUN = r"(?:trials?|stud(?:y|ies)|analys[ie]s|reports?|publications?|cohorts?|phases?)"
#: the original trial or an earlier analysis of the same cohort, which this report extends
_PERIOD_ORIGINAL = re.compile(rf"\b(?:original|parent|initial|core|preceding|earlier)\s+(?:[\w\-‑]+\s+){{0,3}}?"
                              rf"{_STUDY_NOUN}\b|\bprimary\s+(?:analys[ie]s|reports?|publications?)\b", re.I)
#: an extended, long-term or updated follow-up or analysis of the cohort
_PERIOD_EXTENDED = re.compile(rf"\b(?:extended|extension|long[\s\-‑]*term|updated?|post[\s\-‑]*trial)\s+"
                              rf"(?:[\w\-‑]+\s+){{0,2}}?(?:follow[\s\-‑]*up|{_STUDY_NOUN}|observation)\b|"
                              rf"\bextension\s+{_STUDY_NOUN}\b", re.I)


def value_period(text: str, at: int) -> str | None:
    """The analysis a value at ``at`` in ``text`` belongs to (see the module docstring): the period named
    last before it in the sentence, else the one named first after it, else None."""
    marks = sorted([(m.start(), "original") for m in _PERIOD_ORIGINAL.finditer(text)] +
                   [(m.start(), "extended") for m in _PERIOD_EXTENDED.finditer(text)])
    if not marks:
        return None
    before = [p for x, p in marks if x < at]
    return before[-1] if before else marks[0][1]


Reported = ReportedValue  # the Study's model; the rules' name for it


# ------------------------------------------------------------------------------------------- sentences

def _interval_label(s: str) -> str | None:
    s = s.lower()
    if re.search(r"\biqr\b|interquartile|quartile|q1\s*,\s*q3", s):
        return "iqr"
    if re.search(r"\bci\b|confidence", s):
        return "ci"
    if re.search(r"\brange\b|min(?:imum)?\s*[,\-–]\s*max", s):
        return "range"
    return None


def _quantities(text: str) -> list[Quantity]:
    """find_quantities plus 'value [IQR, lo-hi]' joined into one interval quantity."""
    qs = find_quantities(text)
    out: list[Quantity] = []
    i = 0
    while i < len(qs):
        q = qs[i]
        if q.kind in ("number", "count") and q.value is not None:
            br = re.match(r"\s*(?:months?|years?|weeks?|days?|%)?\s*[\[(]\s*(?P<lab>[^\d\[\]]{0,45}?)\s*[:,]?\s*"
                          r"(?P<lo>\d+(?:\.\d+)?)\s*(?:[\-–—‑,;]|to)\s*(?P<hi>\d+(?:\.\d+)?)\s*[\])]", text[q.end:])
            if br and _interval_label(br.group("lab") or ""):
                lab = _interval_label(br.group("lab"))
                lo_s, hi_s = q.end + br.start("lo"), q.end + br.start("hi")
                lo, hi = br.group("lo"), br.group("hi")
                nq = Quantity(kind="estimate_ci", text=text[q.start:q.end + br.end()], start=q.start,
                              end=q.end + br.end(), value=q.value,
                              low=mknum(float(lo), lo, start=lo_s), high=mknum(float(hi), hi, start=hi_s),
                              interval=lab)
                out.append(nq)
                while i + 1 < len(qs) and qs[i + 1].start < nq.end:
                    i += 1
                i += 1
                continue
        out.append(q)
        i += 1
    return out


def _measure_mentions(text: str) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    if not _MEASURE_PF.possible(text, fold_case(text)):
        return out
    for m in _MEASURE_SCAN.finditer(text):
        for i, (name, _) in enumerate(MEASURE_PATTERNS):
            if m.group(f"m{i}"):
                out.append((name, m.start(), m.end()))
                break
    return out


def _landmarks_before(text: str, start: int) -> list[int]:
    before = text[max(0, start - 40):start]
    m = _LANDMARK_LIST.search(before)
    if m:
        nums = [int(x) for x in re.findall(r"\d{1,2}", m.group("list"))]
        mult = 12 if m.group("unit").lower().startswith("y") else 1
        return [n * mult for n in nums]
    m = _LANDMARK_ONE.search(before)
    if m:
        return [int(m.group("n")) * (12 if m.group("unit").lower().startswith("y") else 1)]
    return []


def is_percent(q: Quantity) -> bool:
    return q.kind in ("percent", "count_percent") or (q.kind == "fraction" and q.percent is not None) or \
        q.text.strip().endswith("%") or bool(re.search(r"%\s*[\(\[]", q.text))


def _stat_of(measure: str, q: Quantity, landmark: int | None, after: str = "") -> str | None:
    if q.kind == "p_value":
        return "p" if (q.p_operator in (None, "=")) else None
    if q.kind == "ratio":
        return "hr" if (q.ratio_type in (None, "HR")) else None
    is_pct = is_percent(q)
    if measure in _RATE:
        return "rate" if (is_pct or q.kind in ("number", "estimate_ci")) else None
    if measure in _TIME:
        if is_pct:
            return f"landmark@{landmark}" if landmark else None
        if q.kind in ("number", "estimate_ci", "median_iqr", "median_range", "not_reached", "count"):
            if q.kind == "count" and "." not in q.text and not re.search(r"months?|years?|weeks?", q.text) and \
                    not re.match(r"\s*(?:months?|mos?\b|years?|weeks?)", after, re.I):
                return None
            return "median"
    return None


def _rv_from_q(measure: str, stat: str, q: Quantity) -> tuple[Num | None, Num | None, Num | None, str | None, bool,
                                                                 bool]:
    value = q.value
    if q.kind == "count_percent" or (q.kind == "fraction" and q.percent is not None):
        value = q.percent
    if q.kind == "percent":
        value = q.value or q.percent
    if stat == "p":
        value = q.p
    interval = None
    if q.low is not None or q.high is not None or (q.not_estimable and q.kind != "not_reached"):
        interval = q.interval or "unspecified"
        if interval == "sd":
            interval = None
    low_ne = interval is not None and q.low is None
    high_ne = interval is not None and q.high is None
    return value, q.low, q.high, interval, low_ne, high_ne


_AFTER_ARM = re.compile(r"^\s*(?:months?|mo|years?|weeks?|%)?\s*(?:[\(\[][^()\[\]]*(?:[\(\[][^()\[\]]*[\)\]][^()\[\]]*)*"
                        r"[\)\]])?\s*,?\s*(?:(?:was\s+)?(?:observed\s+)?(?:in|with|for|among|of|from)\s+(?:the\s+)?"
                        r"(?:patients\s+(?:in|with|receiving|treated\s+with)\s+(?:the\s+)?)?)$", re.I)


_TOTAL_MARK = re.compile(r"\b(?:all\s+(?:the\s+)?patients|overall|whole|entire|in\s+total|all\s+\d+\s+patients|"
                         r"the\s+cohort|both\s+groups\s+combined)\b", re.I)


_SUBGROUP = re.compile(r"\bsubgroups?\b|\b(?:patients|those|participants|cases)\s+(?:with|who|whose|aged|older|younger|"
                       r"having|without)\b|\bamong\s+(?:those|patients|the)\b|\bin\s+the\s+[\w\-]+\s+(?:subset|population)|"
                       r"per[\s\-]protocol|sensitivity\s+analys", re.I)


_COMPARISON = re.compile(r"\bvs\.?\b|\bversus\b|\bcompared\s+(?:with|to)\b|\bbetween\s+(?:the\s+)?(?:two\s+)?"
                         r"(?:groups|arms|cohorts)\b|\bthan\b", re.I)


def _arm_context(prev: list[Sentence], arms: list[Arm]) -> bool:
    """Do the preceding sentences of the paragraph talk about one arm?"""
    real = real_arms(arms)
    sizes = {a.n for a in real if a.n}
    for p in prev:
        if arm_mentions(p.text, real):
            return True
        for m in re.finditer(r"\b(?:the|these|of)\s+(\d{1,4})\s+(?:\w+\s+){0,2}?patients\b", p.text, re.I):
            if int(m.group(1)) in sizes:
                return True
    return False


_Item = tuple  # (quantity, measure, stat, start of the measure's mention)


def _sentence_values(doc: Document, s: Sentence, kind: str, arms: list[Arm],
                     prev: list[Sentence] | None = None) -> list[Reported]:
    """The reported values of one sentence: each value's measure, then its arm, then the records."""
    text = s.text
    real = real_arms(arms)
    measures = _measure_mentions(text)
    if not measures:
        return []
    qs = _quantities(text)
    ments = arm_mentions(text, real) if real else []
    items = _measured_values(text, measures, qs)
    if not items:
        return []
    by_measure: dict[tuple[str, str], list[int]] = {}
    for n, (q, measure, stat, _) in enumerate(items):
        if stat not in ("hr", "p"):
            by_measure.setdefault((measure, stat), []).append(n)
    assigned, used_mentions = _arms_after_values(text, items, ments)
    _arms_before_runs(text, items, ments, by_measure, assigned, used_mentions)
    _nearest_arms_before(items, ments, assigned, used_mentions)
    if len(real) == 2:
        _two_arm_partners(real, by_measure, assigned)
    return _records(doc, s, kind, arms, prev, real, text, measures, ments, items, by_measure, assigned)


def _measured_values(text: str, measures: list[tuple[str, int, int]], qs: list[Quantity]) -> list[_Item]:
    """Each quantity with the measure named last before it (and its landmark); runs of measures joined
    by 'and' pair with runs of values in order ("ORR and CBR were 11.5% and 61.5%")."""
    items: list[_Item] = []    # (q, measure, stat, start of the measure's mention)
    for qi, q in enumerate(qs):
        before = [m for m in measures if m[2] <= q.start]
        if not before:
            continue
        last = before[-1]
        # the measure list ending at `last`
        lst = [last]
        for m in reversed(before[:-1]):
            gap = text[m[2]:lst[0][1]]
            if re.fullmatch(r"\s*(?:\([^)\d]*\))?\s*(?:,|and|&|,\s*and)?\s*", gap):
                lst.insert(0, m)
            else:
                break
        lm = _landmarks_before(text, last[1])
        if _LANDMARK_AT.match(text[last[2]:]):
            mm = _LANDMARK_AT.match(text[last[2]:])
            lm = [int(mm.group("n")) * (12 if mm.group("unit").lower().startswith("y") else 1)]
        run = [x for x in qs if x.start >= last[2] and
               not any(m[1] < x.start and m[1] > last[2] for m in measures)]
        measure = last[0]
        landmark = None
        if len(lst) > 1:
            vals = [x for x in run if x.kind not in ("p_value", "ratio", "test_stat", "count")]
            if len(vals) != len(lst):
                continue
            if q in vals:
                measure = lst[vals.index(q)][0]
            else:
                continue
        if len(lm) == 1:
            landmark = lm[0]
        elif len(lm) > 1:
            pcts = [x for x in run if is_percent(x)]
            if "respectively" in text and len(pcts) == len(lm) and q in pcts:
                landmark = lm[pcts.index(q)]
            else:
                continue
        stat = _stat_of(measure, q, landmark, text[q.end:q.end + 12])
        if stat == "median" and _second_estimate_of_ratio(text, run, q):
            stat = "hr"
        if stat is None:
            continue
        items.append((q, measure, stat, last[1]))
        if (q.kind == "ratio" or stat == "hr") and q.p is not None and q.p_operator in (None, "="):
            items.append((q, measure, "p", last[1]))
    return items


#: between a hazard ratio and a second estimate of it: "HR was 0.94 (95% CI ...), and 0.95 (95% CI ...) after ..."
_SECOND_ESTIMATE_GAP = re.compile(r"\s*[,;]?\s*(?:and|or|but|while|whereas|vs\.?|versus)?\s*(?:(?:it\s+)?was\s+)?", re.I)


def _second_estimate_of_ratio(text: str, run: list[Quantity], q: Quantity) -> bool:
    """An unlabelled estimate with its CI written right after a hazard ratio is a second estimate of that
    ratio (another model), not a median: "The unadjusted OS HR was 0.94 (95% CI 0.58 to 1.54), and 0.95
    (95% CI 0.58 to 1.55) after allowing for stratification factors"."""
    if q.kind != "estimate_ci" or q.interval != "ci":
        return False
    before = [x for x in run if x.end <= q.start]
    if not before or before[-1].kind != "ratio" or before[-1].ratio_type not in (None, "HR"):
        return False
    return bool(_SECOND_ESTIMATE_GAP.fullmatch(text, before[-1].end, q.start))


_ADJUSTED_BEFORE = re.compile(r"\b(?P<un>unadjusted|crude|univariate|univariable)\b|\b(?:adjusted|multivariate|"
                              r"multivariable|stratified)\b", re.I)
_ADJUSTED_AFTER = re.compile(r"^[^.;]{0,25}?\b(?:after\s+(?:adjust\w*|allowing|controlling|accounting|"
                             r"stratif\w*)|adjusted\s+for|when\s+adjust\w*)", re.I)


def value_adjustment(text: str, start: int, end: int, clause_start: int, clause_end: int) -> bool | None:
    """Whether the estimate at ``start:end`` is adjusted (True), unadjusted (False) or not said (None), from
    its own clause (``clause_start`` to ``clause_end``: between the values before and after it): a label
    before it ("the unadjusted HR was", "adjusted HR") or a phrase after it ("... after allowing for
    stratification factors", "adjusted for age")."""
    after = _ADJUSTED_AFTER.match(text[end:clause_end])
    if after:
        return True
    labels = list(_ADJUSTED_BEFORE.finditer(text, clause_start, start))
    if labels:
        return labels[-1].group("un") is None
    return None


def _arms_after_values(text: str, items: list[_Item], ments: list) -> tuple[dict[int, str | None], set[int]]:
    """The arm named right after a value ("5.5 months in the Apa+IE group"); hr and p compare arms."""
    assigned: dict[int, str | None] = {}
    used_mentions: set[int] = set()
    for n, (q, measure, stat, _) in enumerate(items):
        if stat in ("hr", "p"):
            assigned[n] = None
            continue
        for mi, (arm, a, b) in enumerate(ments):
            if a >= q.end and _AFTER_ARM.match(text[q.end:a]):
                if not any(x[0].start > q.end and x[0].start < a for x in items):
                    assigned[n] = arm.id
                    used_mentions.add(mi)
                break
    return assigned, used_mentions


def _arms_before_runs(text: str, items: list[_Item], ments: list, by_measure: dict, assigned: dict,
                      used_mentions: set[int]) -> None:
    """Arms named before a run of values of one measure, in the same order (or 'respectively')."""
    for (measure, stat), ns in by_measure.items():
        free = [n for n in ns if n not in assigned]
        if len(free) >= 2:
            first = items[free[0]][0]
            prev_end = max([x[0].end for x in items if x[0].end <= first.start] + [0])
            cand = [(mi, m) for mi, m in enumerate(ments) if mi not in used_mentions and m[2] <= first.start]
            cand = [c for c in cand if c[1][1] >= prev_end] or cand
            ids = [m[0].id for _, m in cand]
            if len(ids) == len(free) and len(set(ids)) == len(ids):
                for n, (mi, m) in zip(free, cand):
                    assigned[n] = m[0].id
                    used_mentions.add(mi)
            elif "respectively" in text:
                order = []
                for m in ments:
                    if m[0].id not in order:
                        order.append(m[0].id)
                if len(order) == len(free):
                    for n, aid in zip(free, order):
                        assigned[n] = aid


def _nearest_arms_before(items: list[_Item], ments: list, assigned: dict, used_mentions: set[int]) -> None:
    """The nearest unused arm mention before a value, with no other value of that measure in between."""
    for n, (q, measure, stat, _) in enumerate(items):
        if n in assigned:
            continue
        best = None
        for mi, (arm, a, b) in enumerate(ments):
            if mi in used_mentions or b > q.start:
                continue
            between = [x for x in items if x[1] == measure and a < x[0].start < q.start and x[0] is not q]
            if not between:
                best = arm.id
        if best is not None:
            assigned[n] = best


def _two_arm_partners(real: list[Arm], by_measure: dict, assigned: dict) -> None:
    """In a two-arm study, the partner of an attributed value in the same comparison is the other arm."""
    for (measure, stat), ns in by_measure.items():
        if len(ns) == 2:
            a, b = ns
            if (a in assigned) != (b in assigned):
                have, miss = (a, b) if a in assigned else (b, a)
                other = [x.id for x in real if x.id != assigned[have]]
                if assigned[have] is not None and other:
                    assigned[miss] = other[0]


def _records(doc: Document, s: Sentence, kind: str, arms: list[Arm], prev: list[Sentence] | None, real: list[Arm],
             text: str, measures: list, ments: list, items: list[_Item], by_measure: dict,
             assigned: dict) -> list[Reported]:
    """ReportedValue records of the values whose arm is known, or that are the whole cohort's."""
    out = []
    context_arm = len(real) >= 2 and not ments and not _TOTAL_MARK.search(text) and _arm_context(prev or [], arms)
    for n, (q, measure, stat, mstart) in enumerate(items):
        same = by_measure.get((measure, stat), [])
        if n not in assigned:
            if len(same) > 1 and len(real) >= 2:
                continue  # several values, arms unknown
            if context_arm:
                continue  # the paragraph is about one arm; this sentence does not say which
            if _SUBGROUP.search(text):
                continue  # a subgroup, not the whole cohort
            nxt = min([m[1] for m in measures if m[1] > q.end] + [q.end + 60])
            if len(real) >= 2 and _COMPARISON.search(text[mstart:nxt]):
                continue  # one value of a between-arm comparison whose partner was not read
            arm = None
        else:
            arm = assigned[n]
        value, low, high, interval, lne, hne = _rv_from_q(measure, stat, q)
        if stat == "p":
            interval, low, high, lne, hne = None, None, None, False, False
            qs_ = q.p
            span = (qs_.start, qs_.end) if qs_ and qs_.start is not None else (q.start, q.end)
        else:
            span = (q.start, q.end)
        if value is None and not (q.kind == "not_reached"):
            continue
        place = "abstract" if kind == "abstract" else "text"
        title = section_title(doc, s.section) or kind
        if kind != s.section_kind:
            title = kind.capitalize()
        out.append(Reported(measure=measure, stat=stat, arm=arm, value=value, low=low, high=high, interval=interval,
                            low_ne=lne, high_ne=hne, place=place, section_kind=kind,
                            where=f"{title}, line {s.span.line}",
                            evidence=sentence_evidence(doc, s, span[0], span[1], role=f"{measure} {stat}"),
                            source_id=s.id, text=q.text, period=value_period(text, q.start),
                            adjusted=_adjustment_of(text, items, n) if stat in ("hr", "p") else None))
    return out


def _adjustment_of(text: str, items: list[_Item], n: int) -> bool | None:
    """The adjustment of item ``n``'s estimate, read in its clause: from the end of the previous estimate
    (or the sentence start) to the start of the next one."""
    q = items[n][0]
    starts = sorted({x[0].start for x in items})
    ends = sorted({x[0].end for x in items})
    clause_start = max([e for e in ends if e <= q.start] + [0])
    clause_end = min([b for b in starts if b >= q.end] + [len(text)])
    return value_adjustment(text, q.start, q.end, clause_start, clause_end)


# ------------------------------------------------------------------------------------------- tables

_LABEL_MEASURES = [(name, Prefilter(re.compile(p, re.I))) for name, p in MEASURE_PATTERNS[1:]]
_LABEL_FOLLOW_UP = re.compile(r"follow[\s\-‑]*up", re.I)
#: a time point, not the length of follow-up: "1-month follow-up", "at follow-up", "follow-up visit"
_FOLLOW_UP_TIME_POINT = re.compile(r"\d+[\s\-‑]*(?:months?|mo|weeks?|wks?|years?|yrs?|days?)[\s\-‑]*follow|"
                                   r"\b(?:at|after|until|before|end\s+of)\s+(?:the\s+)?follow|follow[\s\-‑]*up\s+(?:visit|"
                                   r"assessment|questionnaire|measurement)", re.I)


@per_article  # each row label is asked about several times
def _label_measure(label: str) -> str | None:
    low = fold_case(label)
    for name, pf in _LABEL_MEASURES:
        if pf.possible(label, low) and pf.rx.search(label):
            return name
    if _LABEL_FOLLOW_UP.search(label) and not _FOLLOW_UP_TIME_POINT.search(label):
        return "follow-up"
    return None


def _label_landmark(label: str) -> int | None:
    m = re.search(r"(\d{1,2})[\s\-‑]*(month|mo|year)s?\b", label, re.I)
    if m:
        return int(m.group(1)) * (12 if m.group(2).lower().startswith("y") else 1)
    return None


def _column_scopes(t: Table, arms: list[Arm], real: list[Arm], total_n: int | None) -> dict[int, tuple[str, str | None]]:
    """What each data column holds: j -> ("arm"|"total"|"p", arm id)."""
    cols: dict[int, tuple[str, str | None]] = {}
    data_cols = [j for j in range(1, len(t.columns))]
    for j in data_cols:
        lab = t.column_label(j)
        if re.search(r"\bp\s*[\-‑]?\s*values?\b|^\s*p\s*$", lab, re.I):
            cols[j] = ("p", None)
            continue
        top = lab.split(" / ")[0]
        if re.search(r"\(\s*\d+(?:\s*[,\-–‑]\s*\d+)*\s*\)", top):
            continue  # a cited cohort
        base, n = strip_n(top)
        if TOTAL_WORDS.match(base or ""):
            cols[j] = ("total", None)
            continue
        arm = resolve_arm(lab, arms)
        if arm is not None and not arm.is_total:
            cols[j] = ("total", None) if (total_n and arm.n == total_n and len(real) < 2) or \
                (total_n and n == total_n) else ("arm", arm.id)
        elif arm is not None and arm.is_total:
            cols[j] = ("total", None)
    value_cols = [j for j in data_cols if not re.search(r"\bp\s*[\-‑]?\s*values?\b|χ|chi|statistic|^\s*[tF]\s*$",
                                                        t.column_label(j), re.I)]
    if len(value_cols) == 1 and value_cols[0] not in cols:
        cols[value_cols[0]] = ("total", None)
    return cols


def _ci_row_bounds(row, last_rvs: dict[int, Reported]) -> None:
    """A "95% CI" row: its two numbers become the bounds of the previous row's values."""
    for j, cell in enumerate(row.cells):
        if j in last_rvs:
            nums = re.findall(r"(?<![\w.])(\d+(?:\.\d+)?|NE|NR)(?![\w.])", cell.text)
            if len(nums) == 2:
                rv = last_rvs[j]
                rv.interval = "ci"
                rv.low = None if nums[0] in ("NE", "NR") else mknum(float(nums[0]), nums[0])
                rv.high = None if nums[1] in ("NE", "NR") else mknum(float(nums[1]), nums[1])
                rv.low_ne, rv.high_ne = rv.low is None, rv.high is None


def _cell_scope(t: Table, j: int, cols: dict, arm_rows: bool, row_arm: Arm | None, measure: str | None,
                landmark: int | None) -> tuple[tuple[str, str | None], str, int | None] | None:
    """(scope, measure, landmark) of cell j: from the column when the rows are arms, else from the row; None to skip."""
    if arm_rows:
        col_measure = _label_measure(t.column_label(j))
        if col_measure is None or re.search(r"χ|chi|statistic", t.column_label(j), re.I):
            return None
        scope = ("arm", row_arm.id) if row_arm is not None else ("total", None)
        if cols.get(j, ("",))[0] == "p":
            scope = ("p", None)
        return scope, col_measure, _label_landmark(t.column_label(j))
    if measure is None or j not in cols:
        return None
    return cols[j], measure, landmark


def _table_stat(measure: str, landmark: int | None, lab_text: str, q: Quantity) -> str | None:
    """The statistic a table value of ``measure`` is (rate, median, landmark), None when it is none of them."""
    if measure in _RATE:
        return "rate" if not landmark else f"rate@{landmark}"
    if measure in _TIME:
        is_pct = "%" in lab_text or q.kind in ("percent", "count_percent")
        if landmark and (is_pct or re.search(r"\brate\b", lab_text, re.I)):
            return f"landmark@{landmark}"
        elif landmark:
            return f"landmark@{landmark}"
        elif re.search(r"\bmedian\b|\bKM\b|months", lab_text, re.I) or q.kind in ("estimate_ci", "median_iqr",
                                                                                      "median_range",
                                                                                      "not_reached"):
            return "median"
    return None


def _cell_value(doc: Document, t: Table, row, j: int, scope: tuple[str, str | None], m_here: str,
                lm_here: int | None) -> Reported | None:
    """The reported value (or p-value) in cell j of ``row``, if it holds exactly one quantity of a known statistic."""
    label = row.label
    cell = row.cells[j]
    qs = parse_cell(cell.text, label=label)
    if len(qs) != 1:
        return None
    q = qs[0]
    if scope[0] == "p":
        if q.kind != "p_value" and q.kind not in ("number",):
            return None
        if q.kind == "p_value" and q.p_operator not in (None, "="):
            return None
        value = q.p if q.kind == "p_value" else q.value
        if value is None:
            return None
        return Reported(measure=m_here, stat="p", arm=None, value=value, place="table", section_kind="table",
                        where=f"{t.label}, row '{label}'", evidence=cell_evidence(doc, t, row, j, role=f"{m_here} p"),
                        source_id=f"{t.id}:{row.index}", text=cell.text)
    lab_text = f"{label} {row.group or ''} {t.column_label(j)}"
    stat = _table_stat(m_here, lm_here, lab_text, q)
    if stat is None:
        return None
    if q.kind in ("ratio", "p_value", "test_stat", "fraction", "range", "mean_sd"):
        return None
    value, low, high, interval, lne, hne = _rv_from_q(m_here, stat, q)
    if value is None and q.kind != "not_reached":
        return None
    if interval is not None:
        interval = _interval_label(lab_text) or interval
    return Reported(measure=m_here, stat=stat, arm=scope[1], value=value, low=low, high=high, interval=interval,
                    low_ne=lne, high_ne=hne, place="table", section_kind="table",
                    where=f"{t.label}, row '{label}', column '{t.column_label(j)}'",
                    evidence=cell_evidence(doc, t, row, j, role=f"{m_here} {stat}"),
                    source_id=f"{t.id}:{row.index}", text=cell.text)


def _table_values(doc: Document, t: Table, arms: list[Arm], total_n: int | None) -> list[Reported]:
    real = real_arms(arms)
    out: list[Reported] = []
    cols = _column_scopes(t, arms, real, total_n)
    last_measure: str | None = None
    last_rvs: dict[int, Reported] = {}
    rows_are_arms = sum(1 for r in t.rows if resolve_arm(r.label, real) is not None) >= 2
    for row in t.rows:
        if row.kind == "group":
            m = _label_measure(row.label)
            if m:
                last_measure = m
            continue
        label = row.label
        measure = _label_measure(label) or (_label_measure(row.group or "") if row.group else None)
        landmark = _label_landmark(label)
        if measure is None and (landmark or re.fullmatch(r"\s*95\s*%\s*CI\s*", label, re.I) or
                                re.match(r"\s*(?:KM|median)\b", label, re.I)):
            measure = last_measure
        if re.fullmatch(r"\s*95\s*%\s*CI\s*", label, re.I):
            _ci_row_bounds(row, last_rvs)
            continue
        if _label_measure(label):
            last_measure = _label_measure(label)
        row_arm = resolve_arm(label, real) if rows_are_arms else None
        arm_row = bool(rows_are_arms and (row_arm is not None or TOTAL_WORDS.match(label or "")))
        last_rvs = {}
        for j, cell in enumerate(row.cells):
            if j == 0 or not cell.text.strip():
                continue
            where = _cell_scope(t, j, cols, arm_row, row_arm, measure, landmark)
            if where is None:
                continue
            rv = _cell_value(doc, t, row, j, *where)
            if rv is None:
                continue
            out.append(rv)
            if where[0][0] != "p":
                last_rvs[j] = rv
    return out


# ------------------------------------------------------------------------------------------- entry point

def extract_reported_values(doc: Document, arms: list[Arm], total_n: int | None = None) -> list[ReportedValue]:
    """Every recognised reported value in the article's own text and tables (``Study.reported_values``).

    ``total_n`` is the study's size: a table column whose n equals it describes the whole cohort.
    """
    kinds = effective_kinds(doc)
    cited = cited_sentences(doc)
    out: list[Reported] = []
    para: dict[str | None, list[Sentence]] = {}
    for s in doc.sentences:
        prev = para.setdefault(s.paragraph, [])[-2:]
        para[s.paragraph].append(s)
        kind = kinds.get(s.id, s.section_kind)
        if kind not in _READ or s.id in cited or _OTHER_STUDY.search(s.text):
            continue
        rvs = _sentence_values(doc, s, kind, arms, prev)
        if kind in ("methods", "other", "front"):
            rvs = [r for r in rvs if r.measure == "follow-up"]
        out.extend(rvs)
    for t in doc.tables:
        out.extend(_table_values(doc, t, arms, total_n))
    return out
