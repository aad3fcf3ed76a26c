"""Landmark survival rates paired with the Kaplan–Meier median of the same curve (``Study.survival_landmarks``).

A landmark rate ("12 months, % (95% CI)" in a table; "the 12-month OS rate was 58%") and the median of the
same Kaplan–Meier curve are read together in three layouts:

- **table**: landmark rows ("6 months", "2-year survival rate, %") under a median row of a time-to-event
  variable ("Progression-free survival, median (95% CI), months") in the same block, paired by column; a
  median row that prints "(Q1, Q3)" of a KM curve gives the quartiles too; the median's unit comes from its
  label or, when the table uses one unit of time only, the table;
- **text**: one median and one or more landmark rates of the same endpoint in one clause of a results
  sentence ("median PFS 9.1 months and a 12-month PFS rate of 38%");
- **paired**: per-arm lists in one paragraph ("Median OS was 14.2 months ... in A and 11.1 months ... in B.
  The 12-month OS rates were 58.4% and 46.1%, respectively"), paired in their printed order.

Cumulative incidence, event, mortality and failure rates run the other way and are left out. Introduction
and discussion sentences (other studies' results) are not read. TA209 reads these pairs.
"""
from __future__ import annotations

import re

from trialaudit.extractor.evidence import cell_evidence, sentence_evidence
from trialaudit.extractor.rounding import widened_interval
from trialaudit.extractor.textutil import mknum
from trialaudit.schemas.document import Document, Sentence, Table
from trialaudit.schemas.quantities import Num
from trialaudit.schemas.study import KaplanMeierMedian, LandmarkRate

from .ratios import NON_RESULT_SECTIONS, cell_text
from .regimens import top_level_clauses
from .table_tests import parse

__all__ = ["extract_survival_landmarks", "months"]

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
#: rows that may sit between a median row and its landmark rows without ending the block
_BLOCK_CONTINUES = re.compile(r"event|censor|loss|at risk|number|no\.", re.I)
#: the sections whose survival figures are not this study's results
_SKIP = set(NON_RESULT_SECTIONS) | {"introduction", "discussion"}


def months(value: float, unit: str) -> float:
    """``value`` in ``unit`` (months, years, weeks, days; any abbreviation) as months."""
    return value * _TO_MONTHS.get(unit.lower()[0], 1.0)


def _endpoint(text: str) -> str | None:
    for name, pat in _ENDPOINTS:
        if re.search(pat, text, re.I):
            return name
    return None


def _unit_name(u: str) -> str:
    return {"m": "months", "y": "years", "w": "weeks", "d": "days"}[u[0].lower()]


def extract_survival_landmarks(doc: Document) -> list[LandmarkRate]:
    out: list[LandmarkRate] = []
    for table in doc.tables:
        out.extend(_table(doc, table))
    sents = [s for s in doc.sentences if s.section_kind not in _SKIP]
    out.extend(_text(doc, sents))
    out.extend(_paired(doc, sents))
    return out


# ------------------------------------------------------------------------------------------------ tables

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


def _medians_of_row(doc: Document, table: Table, row, label: str, unit: str) -> dict[int, KaplanMeierMedian]:
    """The KM median (and quartiles) printed in each column of a median row."""
    quart = bool(_QUARTILES.search(label)) and bool(_KM.search(label) or _TTE.search(row.group or ""))
    current: dict[int, KaplanMeierMedian] = {}
    for j in range(1, len(row.cells)):
        qs = parse(cell_text(row, j), label)
        if len(qs) != 1 or qs[0].value is None:
            continue
        q = qs[0]
        q1 = q.low if quart and q.low is not None and q.high is not None else None
        q3 = q.high if q1 is not None else None
        current[j] = KaplanMeierMedian(value=q.value, q1=q1, q3=q3, unit=_unit_name(unit), label=label,
                                       evidence=cell_evidence(doc, table, row, j, role="median"))
    return current


def _table(doc: Document, table: Table) -> list[LandmarkRate]:
    out: list[LandmarkRate] = []
    default_unit = _table_unit(table)
    current: dict[int, KaplanMeierMedian] = {}
    for row in table.rows:
        label = row.label or ""
        if row.kind == "group" or all(not c.text.strip() for c in row.cells[1:]):
            current = {}
            continue
        lm = _LANDMARK_ROW.match(label)
        if lm is None and not _MEDIAN.search(label) and re.search(r"\brate\b|%|surviv", label, re.I):
            lm = _LANDMARK_ANY.search(label)
        if _MEDIAN.search(label) and (_TTE.search(label) or _TTE.search(row.group or "")) and not lm:
            um = _UNIT.search(label)
            unit = um.group(1) if um else default_unit
            current = _medians_of_row(doc, table, row, label, unit) if unit is not None else {}
            continue
        if lm and current:
            if _NOT_SURVIVAL.search(label) or _NOT_SURVIVAL.search(row.group or ""):
                continue  # cumulative incidence and event rates run the other way
            for j, med in current.items():
                rate = _rate_of(cell_text(row, j))
                if rate is None:
                    continue
                r_lo, r_hi, printed = rate
                out.append(LandmarkRate(
                    source="table", endpoint=label.split(",")[0], time=lm.group(1), time_unit=lm.group(2),
                    months=months(float(lm.group(1)), lm.group(2)), rate=printed, low=r_lo, high=r_hi, median=med,
                    where=f"{table.label}, column '{table.column_label(j)}'",
                    evidence=cell_evidence(doc, table, row, j, role="landmark rate"),
                    key=f"{table.label}|{table.column_label(j)}|{label}"))
            continue
        if not _BLOCK_CONTINUES.search(label):
            current = {}
    return out


# ------------------------------------------------------------------------------------------------ one clause

_MEDIAN_TEXT = re.compile(rf"\bmedian\s+(?:[\w-]+\s+){{0,2}}?(?P<ep>{_EP_ALT})\b[^.;%]{{0,50}}?"
                          rf"(?P<v>\d+(?:\.\d+)?)\s*(?P<u>months?|years?|weeks?)\b", re.I)
_LANDMARK_TEXT = re.compile(
    rf"(?<![\d.])(?P<t>\d+(?:\.\d+)?)[\s-]*(?P<tu>months?|years?|weeks?)\s+(?P<ep>{_EP_ALT})(?:\s+rates?)?"
    rf"(?:\s+(?:was|of|were|reached))?\s*:?\s*(?P<r>\d+(?:\.\d+)?)\s*%"
    rf"|(?P<ep2>{_EP_ALT})(?:\s+rates?)?\s+at\s+(?P<t2>\d+(?:\.\d+)?)\s*(?P<tu2>months?|years?|weeks?)"
    rf"(?:\s+(?:was|of|were|reached))?\s*:?\s*(?P<r2>\d+(?:\.\d+)?)\s*%", re.I)
_COMPARES = re.compile(r"respectively|\bvs\.?\b|versus|compared", re.I)


def _grouper(m: re.Match):
    """Read a group of either alternative of the landmark pattern ('t' or 't2')."""
    def g(k: str) -> str:
        return m.group(k) or m.group(k + "2")
    return g


def _rate(doc: Document, sent: Sentence, a: int, b: int, rv: str, t: str, tu: str, ep: str,
          med: KaplanMeierMedian, source: str, where: str, key: str) -> LandmarkRate:
    d = len(rv.split(".")[1]) if "." in rv else 0
    r_lo, r_hi = widened_interval(float(rv), d)
    return LandmarkRate(source=source, endpoint=ep, time=t, time_unit=tu, months=months(float(t), tu),
                        rate=f"{rv}%", low=r_lo, high=r_hi, median=med, where=where,
                        evidence=sentence_evidence(doc, sent, a, b, role="landmark rate"), key=key)


def _text(doc: Document, sents: list[Sentence]) -> list[LandmarkRate]:
    out: list[LandmarkRate] = []
    for sent in sents:
        text = sent.text
        if not _MEDIAN.search(text) or "%" not in text:
            continue
        for a, b in top_level_clauses(text):
            clause = text[a:b]
            meds = list(_MEDIAN_TEXT.finditer(clause))
            lms = list(_LANDMARK_TEXT.finditer(clause))
            if len(meds) != 1 or not lms or _COMPARES.search(clause):
                continue
            m = meds[0]
            ep = _endpoint(m.group("ep"))
            med = KaplanMeierMedian(value=mknum(float(m.group("v")), m.group("v")), unit=_unit_name(m.group("u")),
                                    label=f"median {ep}",
                                    evidence=sentence_evidence(doc, sent, a + m.start(), a + m.end(), role="median"))
            for lm in lms:
                g = _grouper(lm)
                if _endpoint(g("ep")) != ep:
                    continue
                out.append(_rate(doc, sent, a + lm.start(), a + lm.end(), g("r"), g("t"), g("tu"), ep, med, "text",
                                 clause.strip(), f"text|{clause[:120]}|{lm.group(0)}"))
    return out


# ------------------------------------------------------------------------------------------------ per-arm lists
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
    stops = _top_level(text, start, end, _STOP)
    return stops[0].start() if stops else end


def _paired(doc: Document, sents: list[Sentence]) -> list[LandmarkRate]:
    out: list[LandmarkRate] = []
    by_par: dict[str | None, list[Sentence]] = {}
    for sent in sents:
        by_par.setdefault(sent.paragraph or sent.section, []).append(sent)
    for par in by_par.values():
        medians: dict[str | None, tuple] = {}   # endpoint -> (sentence, [(Num, unit, start, end)])
        for sent in par:
            out.extend(_paired_rates(doc, sent, medians))
            text = sent.text
            mheads = list(_MEDIAN_HEAD.finditer(text))
            for mh in mheads:
                end = _segment_end(text, mh.end(), mheads)
                vals = _top_level(text, mh.end(), end, _VALUE_UNIT)
                if len(vals) >= 2:
                    medians[_endpoint(mh.group("ep"))] = (sent, [(mknum(float(m.group(1)), m.group(1)), m.group(2),
                                                                   m.start(), m.end()) for m in vals])
    return out


def _paired_rates(doc: Document, sent: Sentence, medians: dict) -> list[LandmarkRate]:
    """Landmark-rate lists of ``sent`` whose endpoint has a list of medians earlier in the paragraph."""
    out: list[LandmarkRate] = []
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
        for (v, unit, ma, mb), r in zip(meds, rates):
            med = KaplanMeierMedian(value=v, unit=_unit_name(unit), label=f"median {ep}",
                                    evidence=sentence_evidence(doc, msent, ma, mb, role="median"))
            out.append(_rate(doc, sent, r.start(), r.end(), r.group(1), lh.group("t"), lh.group("tu"), ep, med,
                             "paired", "", f"paired|{sent.text[:80]}|{lh.group(0)}|{r.start()}"))
    return out
