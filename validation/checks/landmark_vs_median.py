"""TA209 landmark-vs-median."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from trialaudit.extractor.study.regimens import top_level_clauses
from trialaudit.extractor.textutil import mknum
from trialaudit.schemas.document import Table
from trialaudit.schemas.findings import Evidence, Finding
from trialaudit.schemas.quantities import Num
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.extractor.rounding import rounding_interval, widened_interval

from ._stat_helpers import SKIP_SECTIONS, cell_text, parse

_TTE = re.compile(r"surviv|\bPFS\b|\bOS\b|\bEFS\b|\bDFS\b|\bRFS\b|\bTTP\b|\bDoR\b|\bDOR\b|[- ]free\b|\bKM\b|kaplan|"
                  r"time to|duration of", re.I)
_MEDIAN = re.compile(r"\bmedian\b", re.I)
_QUARTILES = re.compile(r"\bQ1\b|\bQ3\b|quartile|\bIQR\b|inter-?quartile", re.I)
_KM = re.compile(r"\bKM\b|kaplan", re.I)
_LANDMARK_ROW = re.compile(r"^\s*(\d+(?:\.\d+)?)[\s-]*(months?|mos?\b|years?|yrs?\b|weeks?|wks?\b|days?)\b", re.I)
_LANDMARK_ANY = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)[\s-]*(months?|years?|weeks?)\b", re.I)
_UNIT = re.compile(r"\b(months?|mos?\.?|years?|yrs?|weeks?|wks?|days?)\b", re.I)
_TO_MONTHS = {"m": 1.0, "y": 12.0, "w": 12.0 / 52.1775, "d": 12.0 / 365.25}
_ENDPOINTS = [
    ("PFS", r"progression[- ]free survival|\bPFS\b"), ("OS", r"overall survival|\bOS\b"),
    ("EFS", r"event[- ]free survival|\bEFS\b"), ("DFS", r"disease[- ]free survival|\bDFS\b"),
    ("RFS", r"(?:relapse|recurrence)[- ]free survival|\bRFS\b"), ("TTP", r"time to progression|\bTTP\b"),
]
_EP_ALT = "|".join(p for _, p in _ENDPOINTS)
_NOT_SURVIVAL = re.compile(r"incidence|cumulative|mortality|death rate|event rate|progression rate|relapse rate|"
                           r"recurrence rate|failure", re.I)


def _months(value: float, unit: str) -> float:
    return value * _TO_MONTHS.get(unit.lower()[0], 1.0)


def _endpoint(text: str) -> str | None:
    for name, pat in _ENDPOINTS:
        if re.search(pat, text, re.I):
            return name
    return None


@dataclass
class MedianRef:
    value: Num
    q1: Num | None
    q3: Num | None
    unit: str
    evidence: Evidence
    label: str


def _table_unit(table: Table) -> str | None:
    units = set()
    for text in [table.caption, *table.columns, *[r.label for r in table.rows if not _LANDMARK_ROW.match(r.label or "")]]:
        for m in _UNIT.finditer(text or ""):
            units.add(m.group(1).lower()[0])
    return units.pop() if len(units) == 1 else None


def _rate_of(text: str) -> tuple[float, float, str] | None:
    """(low, high, printed) of a landmark rate cell: '36.7 (22.5, 50.9)', '78.5%', '<10%'."""
    m = re.fullmatch(r"\s*([<>≤≥])\s*(\d+(?:\.\d+)?)\s*%?\s*", text or "")
    if m:
        v = float(m.group(2))
        return (0.0, v, text.strip()) if m.group(1) in "<≤" else (v, 100.0, text.strip())
    qs = parse(text)
    if len(qs) != 1:
        return None
    q = qs[0]
    v = q.value if q.kind in ("estimate_ci", "percent", "number") else None
    if q.kind == "percent":
        v = q.percent or q.value
    if v is None or not (0 <= v.value <= 100):
        return None
    lo, hi = widened_interval(v.value, v.decimals)
    return lo, hi, v.text + "%"


def _violations(t_m: float, med: MedianRef, r_lo: float, r_hi: float) -> list[tuple[str, str, str, str]]:
    """(rule, required, explanation) for each quantile the landmark contradicts."""
    out = []
    qs = [(0.5, "median", med.value)]
    if med.q1 is not None and med.q3 is not None:
        qs += [(0.75, "first quartile (Q1)", med.q1), (0.25, "third quartile (Q3)", med.q3)]
    for s, name, num in qs:
        lo, hi = rounding_interval(num.value, num.decimals)
        lo_m, hi_m = _months(lo, med.unit), _months(hi, med.unit)
        pct = 100 * s
        if t_m < lo_m and r_hi < pct:
            out.append((name, f"≥ {pct:g}%", f"the landmark is before the {name} ({num.text} {med.unit}), and "
                                            f"until then the Kaplan–Meier curve stays at or above {pct:g}%"))
        elif t_m >= hi_m and r_lo > pct:
            out.append((name, f"≤ {pct:g}%", f"the landmark is at or after the {name} ({num.text} {med.unit}), "
                                            f"from which on the Kaplan–Meier curve is at {pct:g}% or below"))
        elif s == 0.5 and t_m < lo_m and r_lo >= pct + 5 and (lo_m - t_m) <= max(0.5, 0.05 * lo_m):
            # possible only if the curve falls steeply in the short gap before the median
            drop = 100 * (1 - pct / r_lo)
            out.append((name, f"close to {pct:g}%",
                        f"the landmark is only {lo_m - t_m:.2f} months before the {name} ({num.text} {med.unit}), so "
                        f"the curve would have to fall from ≥ {r_lo:.1f}% to {pct:g}% within that gap — at least "
                        f"{drop:.0f}% of the patients still at risk having an event in {lo_m - t_m:.2f} months", "warning"))
    return [x if len(x) == 4 else (*x, "error") for x in out]


def _unit_name(u: str) -> str:
    return {"m": "months", "y": "years", "w": "weeks", "d": "days"}[u[0].lower()]


@rule(code="TA209", name="landmark-vs-median", severity="error", family="statistics")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """A landmark survival rate is impossible given the Kaplan–Meier median (or quartiles) of the same curve.

    What it checks:
        The Kaplan–Meier median is the first time the curve reaches 50%, so
        a landmark rate at a time before the median must be ≥ 50% and one at
        or after the median ≤ 50%; likewise 75% for the first quartile and
        25% for the third when a KM median is printed with its quartiles
        (Q1, Q3). Landmark rows under a median row in a table ("Progression-
        free survival, median (95% CI)" followed by "6 months, % (95% CI)")
        and a median with a landmark of the same endpoint in one clause of
        text are compared, allowing for the rounding of every printed value.
        Per-arm lists in one paragraph ("Median OS was 14.2 months ... in A and
        11.1 months ... in B. The 12-month OS rates were 58.4% and 46.1%")
        are paired in their printed order.

    Why it matters:
        Both numbers are read from the same curve; when they cannot coexist,
        either the median, the landmark rate or the time point is wrong, and
        survival claims built on them are unreliable.

    Example:
        Median OS 18.1 months with 57.9% alive at 18 months is possible only
        if ≥ 14% of the patients at risk have an event in the 0.1 months
        before the median (warning: implausible). ``KM median 11.7 (Q1 7.6, Q3 15.7)`` with "12 months,
        56.8%" is impossible: at 12 ≥ 11.7 months the curve is ≤ 50% (error).

    Known limitations:
        Times in different units are converted to months; a table whose
        median unit cannot be determined is skipped. Medians and landmarks
        of different arms or populations in one sentence are not paired.
    """
    ctx.coverage.count("tests", 0)  # its findings are about reported test results
    for table in ctx.document.tables:
        yield from _table(ctx, table)
    yield from _text(ctx)
    yield from _paired(ctx)


def _table(ctx: CheckContext, table: Table) -> Iterator[Finding]:
    default_unit = _table_unit(table)
    current: dict[int, MedianRef] = {}
    for row in table.rows:
        label = row.label or ""
        cells_empty = all(not c.text.strip() for c in row.cells[1:])
        if row.kind == "group" or cells_empty:
            current = {}
            continue
        lm = _LANDMARK_ROW.match(label)
        if lm is None and not _MEDIAN.search(label) and re.search(r"\brate\b|%|surviv", label, re.I):
            lm = _LANDMARK_ANY.search(label)
        if _MEDIAN.search(label) and (_TTE.search(label) or _TTE.search(row.group or "")) and not lm:
            current = {}
            um = _UNIT.search(label)
            unit = um.group(1) if um else default_unit
            if unit is None:
                continue
            quart = bool(_QUARTILES.search(label)) and bool(_KM.search(label) or _TTE.search(row.group or ""))
            for j in range(1, len(row.cells)):
                qs = parse(cell_text(row, j), label)
                if len(qs) != 1 or qs[0].value is None:
                    continue
                q = qs[0]
                q1 = q.low if quart and q.low is not None and q.high is not None else None
                q3 = q.high if q1 is not None else None
                current[j] = MedianRef(q.value, q1, q3, _unit_name(unit), ctx.cell_evidence(table, row, j, role="median"),
                                       label)
            continue
        if lm and current:
            if _NOT_SURVIVAL.search(label) or _NOT_SURVIVAL.search(row.group or ""):
                continue  # cumulative incidence and event rates run the other way
            t_m = _months(float(lm.group(1)), lm.group(2))
            for j, med in current.items():
                rate = _rate_of(cell_text(row, j))
                if rate is None:
                    continue
                r_lo, r_hi, printed = rate
                for name, required, why, sev in _violations(t_m, med, r_lo, r_hi):
                    where = f"{table.label}, column '{table.column_label(j)}'"
                    yield ctx.finding(
                        "TA209", severity=sev,
                        message=f"{where}: '{label.split(',')[0]}' {printed} is {'impossible' if sev == 'error' else 'implausible'} with a KM {name} of "
                                f"{_num_of(med, name)} {med.unit}: {why}.",
                        observed=f"{label.split(',')[0]}: {printed}; KM {name}: {_num_of(med, name)} {med.unit}",
                        expected=f"rate {required}",
                        computation=f"KM quantiles are the first times the curve reaches 50% (median), 75% (Q1) and "
                                    f"25% (Q3). Landmark {lm.group(1)} {lm.group(2)} = {t_m:.2f} months; {why}; "
                                    f"the printed rate {printed} (allowing for rounding) is not {required}.",
                        evidence=[ctx.cell_evidence(table, row, j, role="landmark rate"), med.evidence],
                        key=f"{table.label}|{table.column_label(j)}|{label}|{name}")
            continue
        if not re.search(r"event|censor|loss|at risk|number|no\.", label, re.I):
            current = {}


def _num_of(med: MedianRef, name: str) -> str:
    if name.startswith("median"):
        return med.value.text
    if "Q1" in name and med.q1 is not None:
        return med.q1.text
    if med.q3 is not None:
        return med.q3.text
    return med.value.text


_MEDIAN_TEXT = re.compile(rf"\bmedian\s+(?:[\w-]+\s+){{0,2}}?(?P<ep>{_EP_ALT})\b[^.;%]{{0,50}}?"
                          rf"(?P<v>\d+(?:\.\d+)?)\s*(?P<u>months?|years?|weeks?)\b", re.I)
_LANDMARK_TEXT = re.compile(
    rf"(?<![\d.])(?P<t>\d+(?:\.\d+)?)[\s-]*(?P<tu>months?|years?|weeks?)\s+(?P<ep>{_EP_ALT})(?:\s+rates?)?"
    rf"(?:\s+(?:was|of|were|reached))?\s*:?\s*(?P<r>\d+(?:\.\d+)?)\s*%"
    rf"|(?P<ep2>{_EP_ALT})(?:\s+rates?)?\s+at\s+(?P<t2>\d+(?:\.\d+)?)\s*(?P<tu2>months?|years?|weeks?)"
    rf"(?:\s+(?:was|of|were|reached))?\s*:?\s*(?P<r2>\d+(?:\.\d+)?)\s*%", re.I)


def _grouper(m: re.Match):
    """Read a group of either alternative of the landmark pattern ('t' or 't2')."""
    def g(k: str) -> str:
        return m.group(k) or m.group(k + "2")
    return g


def _text(ctx: CheckContext) -> Iterator[Finding]:
    for sent in ctx.document.sentences:
        if sent.section_kind in SKIP_SECTIONS or sent.section_kind in ("introduction", "discussion"):
            continue
        text = sent.text
        if not _MEDIAN.search(text) or "%" not in text:
            continue
        for a, b in top_level_clauses(text):
            clause = text[a:b]
            meds = list(_MEDIAN_TEXT.finditer(clause))
            lms = list(_LANDMARK_TEXT.finditer(clause))
            if len(meds) != 1 or not lms or re.search(r"respectively|\bvs\.?\b|versus|compared", clause, re.I):
                continue
            m = meds[0]
            ep = _endpoint(m.group("ep"))
            v = mknum(float(m.group("v")), m.group("v"))
            med = MedianRef(v, None, None, _unit_name(m.group("u")),
                            ctx.sentence_evidence(sent, a + m.start(), a + m.end(), role="median"), f"median {ep}")
            for lm in lms:
                g = _grouper(lm)
                if _endpoint(g("ep")) != ep:
                    continue
                rv = g("r")
                d = len(rv.split(".")[1]) if "." in rv else 0
                r_lo, r_hi = widened_interval(float(rv), d)
                t_m = _months(float(g("t")), g("tu"))
                for name, required, why, sev in _violations(t_m, med, r_lo, r_hi):
                    yield ctx.finding(
                        "TA209", severity=sev,
                        message=f"'{clause.strip()[:160]}': a {g('t')}-{g('tu')} {ep} rate of {rv}% is "
                                f"{'impossible' if sev == 'error' else 'implausible'} with a median {ep} of {v.text} {med.unit}: {why}.",
                        observed=f"{g('t')} {g('tu')}: {rv}%; median {v.text} {med.unit}",
                        expected=f"rate {required}",
                        computation=f"The KM median is the first time the curve reaches 50%; landmark "
                                    f"{t_m:.2f} months; {why}.",
                        evidence=[ctx.sentence_evidence(sent, a + lm.start(), a + lm.end(), role="landmark rate"),
                                  med.evidence],
                        key=f"text|{clause[:120]}|{lm.group(0)}")


# ------------------------------------------------------------------ arm-paired statements across sentences
# "Median OS was 14.2 months (95% CI ...) in Arm A and 11.1 months (...) in Arm B. The 12-month OS rates were
# 58.4% and 46.1%, respectively."  The medians and the rates are listed in the same arm order.
_MEDIAN_HEAD = re.compile(rf"\bmedian\s+(?:[\w-]+\s+){{0,2}}?(?P<ep>{_EP_ALT})\b", re.I)
_LANDMARK_HEAD = re.compile(rf"(?<![\d.])(?P<t>\d+(?:\.\d+)?)[\s-]*(?P<tu>months?|years?|weeks?)\s+(?P<ep>{_EP_ALT})"
                            rf"(?:\s+rates?)?\b", re.I)
_VALUE_UNIT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(months?|years?|weeks?)\b", re.I)
_PCT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*%")
_STOP = re.compile(rf";|\bmedian\b|{_EP_ALT}|\b(?:hazard|HR)\b", re.I)


def _top_level(text: str, a: int, b: int, rx: re.Pattern) -> list[re.Match]:
    """Matches of ``rx`` in text[a:b] outside brackets."""
    depth, level = 0, []
    for ch in text[a:b]:
        level.append(depth)
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
    return [m for m in rx.finditer(text, a, b) if level[m.start() - a] == 0]


def _segment_end(text: str, start: int, heads: list[re.Match]) -> int:
    """End of the statement begun at ``start``: the next top-level stop word or the next head."""
    nxt = [h.start() for h in heads if h.start() >= start]
    end = min(nxt + [len(text)])
    stops = [m for m in _top_level(text, start, end, _STOP)]
    return stops[0].start() if stops else end


def _paired(ctx: CheckContext) -> Iterator[Finding]:
    by_par: dict[str | None, list] = {}
    for sent in ctx.document.sentences:
        if sent.section_kind in SKIP_SECTIONS or sent.section_kind in ("introduction", "discussion"):
            continue
        by_par.setdefault(sent.paragraph or sent.section, []).append(sent)
    for sents in by_par.values():
        medians: dict[str, tuple] = {}   # endpoint -> (sentence, [(Num, unit, start, end)])
        for sent in sents:
            text = sent.text
            lheads = list(_LANDMARK_HEAD.finditer(text))
            for lh in lheads:
                ep = _endpoint(lh.group("ep"))
                prior = medians.get(ep)
                if prior is None:
                    continue
                end = _segment_end(text, lh.end(), lheads)
                rates = _top_level(text, lh.end(), end, _PCT)
                msent, meds = prior
                if len(rates) != len(meds) or len(rates) < 2:
                    continue
                t_m = _months(float(lh.group("t")), lh.group("tu"))
                for (v, unit, ma, mb), r in zip(meds, rates):
                    rv = r.group(1)
                    d = len(rv.split(".")[1]) if "." in rv else 0
                    r_lo, r_hi = widened_interval(float(rv), d)
                    med = MedianRef(v, None, None, _unit_name(unit), ctx.sentence_evidence(msent, ma, mb, role="median"),
                                    f"median {ep}")
                    for name, required, why, sev in _violations(t_m, med, r_lo, r_hi):
                        yield ctx.finding(
                            "TA209", severity=sev,
                            message=f"A {lh.group('t')}-{lh.group('tu')} {ep} rate of {rv}% is "
                                    f"{'impossible' if sev == 'error' else 'implausible'} with the median {ep} of "
                                    f"{v.text} {med.unit} listed in the same position: {why}.",
                            observed=f"{lh.group('t')} {lh.group('tu')}: {rv}%; median {v.text} {med.unit}",
                            expected=f"rate {required}",
                            computation=f"Medians and landmark rates are listed in the same (arm) order; the KM "
                                        f"median is the first time the curve reaches 50%; landmark {t_m:.2f} months; "
                                        f"{why}.",
                            evidence=[ctx.sentence_evidence(sent, r.start(), r.end(), role="landmark rate"),
                                      med.evidence],
                            key=f"paired|{sent.text[:80]}|{lh.group(0)}|{r.start()}")
            mheads = list(_MEDIAN_HEAD.finditer(text))
            for mh in mheads:
                end = _segment_end(text, mh.end(), mheads)
                vals = _top_level(text, mh.end(), end, _VALUE_UNIT)
                if len(vals) >= 2:
                    medians[_endpoint(mh.group("ep"))] = (sent, [(mknum(float(m.group(1)), m.group(1)), m.group(2),
                                                                   m.start(), m.end()) for m in vals])
