"""Study dates: enrolment window, data cut-off, median follow-up, planned sample size.

``extract_dates(doc)`` returns a :class:`~trialaudit.schemas.study.StudyDates` (``Study.dates``):
the enrolment window, data cut-off and median follow-up chosen (methods first, then results,
statistics, abstract), the planned sample size, the article's history (received / accepted /
published), where each was read (``evidence``), and every date range (``windows``), cut-off
(``cutoffs``) and follow-up (``follow_ups``) printed.

Date ranges are classified by the words around them: enrolment ("enrolled",
"included", "recruited", "randomized", "received", "treated", "reviewed" …),
diagnosis ("diagnosed", "initial diagnosis was established between …"),
historical/other ("our retrospective data … delivered from 2016 to 2019",
literature searches). Dates are ISO strings at the precision printed: day
("2022-04-14"), month ("2020-01") or year ("2016").
"""
from __future__ import annotations

import calendar
import datetime as dt
import re

from trialaudit.extractor.memo import per_article
from trialaudit.extractor.quantities import find_quantities
from trialaudit.extractor.textutil import mknum
from trialaudit.schemas.document import Document
from trialaudit.schemas.provenance import Provenance, Span
from trialaudit.schemas.quantities import Quantity
from trialaudit.schemas.study import CutoffDate, DateWindow, FollowUpMention, StudyDates

from ._util import Prefilter, clause_prov, fold_case

__all__ = ["extract_dates", "parse_date", "date_bounds", "months_between", "find_dates"]

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_MON = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|" \
       r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_DATE = re.compile(
    rf"(?P<mdy>(?P<m1>{_MON})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>{_YEAR}))"
    rf"|(?P<dmy>(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MON}),?\s+(?P<y2>{_YEAR}))"
    rf"|(?P<my>(?P<m3>{_MON}),?\s+(?P<y3>{_YEAR}))"
    rf"|(?P<iso>(?P<y4>{_YEAR})[\-/.](?P<m4>0?[1-9]|1[0-2])(?:[\-/.](?P<d4>0?[1-9]|[12]\d|3[01]))?)(?![\d])"
    rf"|(?P<mmyyyy>(?<![\d/])(?P<m5>0?[1-9]|1[0-2])/(?P<y5>{_YEAR}))(?![\d/])"
    rf"|(?P<y>(?<![\d\-/.])(?P<y6>{_YEAR})(?![\d\-/]))", re.I)
_HAS_YEAR = re.compile(_YEAR)
_RANGE = re.compile(
    r"(?:between\s+(?P<a1>@D\d+@)\s*,?\s+and\s+(?P<b1>@D\d+@))"
    r"|(?:from\s+(?P<a2>@D\d+@)\s*,?\s*(?:to|until|through|till|and)\s+(?P<b2>@D\d+@))"
    r"|(?:(?P<a3>@D\d+@)\s*(?:[\-–—‑]|to|through|until)\s*(?P<b3>@D\d+@))", re.I)

_ENROL = re.compile(
    r"\b(?:enrol+\w*|recruit\w*|includ\w*|inclusion|randomi[sz]\w*|register\w*|accru\w*|screen\w*|"
    r"assessed\s+for\s+eligibility|treated|received|receiving|underwent|admitted|reviewed|identified|"
    r"collected|conducted|analy[sz]ed|medical\s+records|hospitali[sz]ed|consecutive|eligible|retrospectively|"
    r"prospectively|participat\w*|allocated|assigned)\b", re.I)
_DIAG = re.compile(r"\bdiagnos\w*\b", re.I)
_OTHER = re.compile(r"\b(?:historical|previous(?:ly)?|prior|published|literature|search\w*|databases?|"
                    r"our\s+retrospective\s+data|delivered|reported|et\s+al)\b", re.I)
_CUTOFF = re.compile(r"\b(?:(?:data\s+|database\s+|study\s+)?cut[\s\-‑]?off|data\s+lock|database\s+lock|"
                     r"last\s+follow[\s\-‑]?up|follow[\s\-‑]?up\s+(?:ended|ending|was\s+completed|continued\s+until|"
                     r"until|through|to)|followed\s+(?:up\s+)?until|closing\s+date)\b", re.I)
_FOLLOW = re.compile(r"\bmedian\s+(?:duration\s+of\s+|length\s+of\s+)?follow[\s\-‑]*up(?:\s+(?:time|duration|period))?"
                     r"(?:\s+(?:for|of)\s+(?:all|the|surviving)\s+(?:\w+\s+){0,2}?patients)?"
                     r"(?:\s+(?:was|of|were|is|lasted|reached))?\s*:?\s*", re.I)
_HISTORY = re.compile(r"\b(?P<key>Received|Revised|Accepted|Published(?:\s+online)?|Epub(?:\s+ahead\s+of\s+print)?|"
                      r"First\s+published)\s*(?:on\s*)?[:\-]?\s*", re.I)
_PLANNED = re.compile(
    r"\b(?:total\s+(?:required\s+)?(?:enrol+ment|sample\s+size)\s+(?:of|was|is)\s+(?:\w+\s+)?(?P<n1>\d{1,5})"
    r"|sample\s+size\s+(?:of|was|is|was\s+set\s+at|was\s+calculated\s+(?:to\s+be|as))\s+(?P<n2>\d{1,5})"
    r"|(?:planned|aimed|intended|target(?:ed)?)\s+(?:to\s+)?(?:enrol+|recruit|include|accrue)\w*\s+(?:a\s+total\s+of\s+)?(?P<n3>\d{1,5})\s+(?:patients|participants|subjects)(?!\s+(?:in|into|to|for)\s+(?:the|each|every)\b)"
    r"|(?:a\s+total\s+of\s+)?(?P<n4>\d{1,5})\s+(?:patients|participants|subjects)\s+(?:were|would\s+be|are)\s+(?:required|needed|planned)"
    r"|target(?:ed)?\s+(?:sample\s+size|enrol+ment|accrual)\s+(?:of|was)\s+(?P<n5>\d{1,5}))", re.I)


def parse_date(m: re.Match) -> str | None:
    """ISO string at the printed precision from a :data:`_DATE` match."""
    g = m.groupdict()
    try:
        if g["mdy"]:
            y, mo, d = int(g["y1"]), _MONTHS[g["m1"].lower().rstrip(".")], int(g["d1"])
        elif g["dmy"]:
            y, mo, d = int(g["y2"]), _MONTHS[g["m2"].lower().rstrip(".")], int(g["d2"])
        elif g["my"]:
            return f"{int(g['y3']):04d}-{_MONTHS[g['m3'].lower().rstrip('.')]:02d}"
        elif g["iso"]:
            y, mo = int(g["y4"]), int(g["m4"])
            if not g["d4"]:
                return f"{y:04d}-{mo:02d}"
            d = int(g["d4"])
        elif g["mmyyyy"]:
            return f"{int(g['y5']):04d}-{int(g['m5']):02d}"
        else:
            return f"{int(g['y6']):04d}"
        dt.date(y, mo, d)
        return f"{y:04d}-{mo:02d}-{d:02d}"
    except (ValueError, KeyError):
        return None


@per_article
def find_dates(text: str) -> list[tuple[str, int, int]]:
    """(iso, start, end) of every date in ``text``."""
    out = []
    if not _HAS_YEAR.search(text):  # every form of date has a year: most sentences have none
        return out
    for m in _DATE.finditer(text):
        iso = parse_date(m)
        if iso:
            out.append((iso, m.start(), m.end()))
    return out


def date_bounds(iso: str) -> tuple[dt.date, dt.date]:
    """Earliest and latest day an ISO date at any precision can stand for."""
    parts = [int(x) for x in iso.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        last = calendar.monthrange(parts[0], parts[1])[1]
        return dt.date(parts[0], parts[1], 1), dt.date(parts[0], parts[1], last)
    d = dt.date(*parts)
    return d, d


def months_between(a: dt.date, b: dt.date) -> float:
    return (b - a).days / (365.25 / 12)


def _classify(text: str, a: int, b: int) -> str:
    before = text[max(0, a - 90):a]
    after = text[b:b + 60]
    if _OTHER.search(before[-60:]) or re.search(r"\b(?:published|reported)\b", after[:30], re.I):
        return "other"
    if _DIAG.search(before[-60:]) or re.match(r"\s*(?:were|was)?\s*diagnos", after, re.I):
        return "diagnosis"
    if re.search(r"\b(?:born|birth)\b", before[-40:], re.I):
        return "other"
    if _ENROL.search(text):
        return "enrolment"
    return "other"


_FOLLOW_PF = Prefilter(_FOLLOW)  # "median" and "follow": most sentences skip the regex


def _follow_up(text: str) -> list[tuple[Quantity, str | None, int, int]]:
    out: list[tuple[Quantity, str | None, int, int]] = []
    if not _FOLLOW_PF.possible(text, fold_case(text)):
        return out
    for m in _FOLLOW.finditer(text):
        rest = text[m.end():m.end() + 120]
        qs = [q for q in find_quantities(rest) if q.start < 8]
        if not qs:
            continue
        q = qs[0]
        if q.value is None or q.kind in ("p_value", "fraction", "count_percent", "percent"):
            continue
        # "28.4 [interquartile range (IQR), 16.1-38.3] months": join the bracketed interval
        if q.kind in ("number", "count") and q.value is not None:
            br = re.match(r"\s*(?:months?|years?|weeks?)?\s*[\[(]\s*(?P<lab>[^\d\[\]]{0,45}?)\s*[:,]?\s*"
                          r"(?P<lo>\d+(?:\.\d+)?)\s*(?:[\-–—‑,;]|to)\s*(?P<hi>\d+(?:\.\d+)?)\s*[\])]", rest[q.end:])
            if br:
                lab = br.group("lab").lower()
                interval = ("iqr" if re.search(r"iqr|interquartile|quartile", lab) else
                            "ci" if re.search(r"ci|confidence", lab) else
                            "range" if re.search(r"range|min", lab) else "unspecified")
                lo, hi = br.group("lo"), br.group("hi")
                base = q.end
                lo_s = base + br.start("lo")
                hi_s = base + br.start("hi")
                q = Quantity(kind="median_iqr" if interval == "iqr" else "median_range" if interval == "range"
                             else "estimate_ci", text=rest[q.start:base + br.end()], start=q.start,
                             end=base + br.end(), value=q.value,
                             low=mknum(float(lo), lo, start=lo_s), high=mknum(float(hi), hi, start=hi_s),
                             interval=interval, ci_level=95.0 if interval == "ci" else None)
        tail = rest[q.start:q.end + 40]
        unit_m = re.search(r"\b(months?|mos?|years?|yrs?|weeks?|days?)\b", tail, re.I)
        unit = None
        if unit_m:
            u = unit_m.group(1).lower()
            unit = "months" if u.startswith("mo") else "years" if u.startswith("y") else \
                "weeks" if u.startswith("w") else "days"
        shifted = q.model_copy(update={"start": q.start + m.end(), "end": q.end + m.end()})
        out.append((shifted, unit, m.start(), m.end() + q.end))
    return out


def extract_dates(doc: Document) -> StudyDates:
    """Enrolment window, data cut-off, median follow-up, planned sample size and article history dates."""
    res: dict = {"enrolment_start": None, "enrolment_end": None, "data_cutoff": None, "median_follow_up": None,
                 "median_follow_up_unit": None, "planned_sample_size": None, "received": None, "accepted": None,
                 "published": None, "evidence": {}, "windows": [], "cutoffs": [], "follow_ups": []}
    # article history ("Received: 14 December 2024", "Accepted August 25, 2025")
    head = doc.text[:6000]
    for m in _HISTORY.finditer(head):
        dm = _DATE.match(head, m.end())
        if not dm:
            continue
        iso = parse_date(dm)
        key = m.group("key").lower()
        key = "received" if key.startswith("rec") else "accepted" if key.startswith("acc") else \
            "revised" if key.startswith("rev") else "published"
        if iso and key in res and res[key] is None and "-" in iso:
            res[key] = iso
            line = doc.line_of(m.start())
            res["evidence"][key] = Provenance(span=Span(line=line, char_start=m.start(), char_end=dm.end()),
                                              quote=head[m.start():dm.end()], method="sentence-pattern")
    planned: list[tuple[int, int, Provenance]] = []
    for s in doc.sentences:
        if s.section_kind in ("references", "declarations", "acknowledgements"):
            continue
        text = s.text
        dates = find_dates(text)
        if dates:
            masked = text
            for k, (_, a, b) in reversed(list(enumerate(dates))):
                masked = masked[:a] + f"@D{k}@".ljust(b - a) + masked[b:]
            used: set[int] = set()
            for rm in _RANGE.finditer(masked):
                ga = next(g for g in ("a1", "a2", "a3") if rm.group(g))
                gb = ga.replace("a", "b")
                ia = int(re.search(r"\d+", rm.group(ga)).group(0))
                ib = int(re.search(r"\d+", rm.group(gb)).group(0))
                da, db = dates[ia], dates[ib]
                # "2016 to 2019" bare years are only read with a from/between
                if ga == "a3" and "-" not in da[0] and "-" not in db[0]:
                    continue
                used |= {ia, ib}
                kind = _classify(text, rm.start(), rm.end())
                res["windows"].append({"kind": kind, "start": da[0], "end": db[0], "section_kind": s.section_kind,
                                       "provenance": clause_prov(doc, s, da[1], db[2])})
            for k, (iso, a, b) in enumerate(dates):
                if k in used or "-" not in iso:
                    continue
                ctx = text[max(0, a - 70):a] + " " + text[b:b + 25]
                if _CUTOFF.search(ctx):
                    res["cutoffs"].append({"date": iso, "section_kind": s.section_kind, "provenance": clause_prov(doc, s, a, b)})
        for q, unit, a, b in _follow_up(text):
            res["follow_ups"].append({"quantity": q, "unit": unit, "section_kind": s.section_kind,
                                      "provenance": clause_prov(doc, s, a, b)})
        if s.section_kind in ("methods", "statistics", "abstract", "other"):
            for pm in _PLANNED.finditer(text):
                n = next((pm.group(g) for g in ("n1", "n2", "n3", "n4", "n5") if pm.group(g)), None)
                if n:
                    planned.append((0 if pm.group("n1") else 1, int(n), clause_prov(doc, s, pm.start(), pm.end())))
    if planned:
        _, n, prov = sorted(planned, key=lambda x: x[0])[0]
        res["planned_sample_size"] = n
        res["evidence"]["planned_sample_size"] = prov
    order = {"methods": 0, "results": 1, "statistics": 2, "abstract": 3}
    enrol = [w for w in res["windows"] if w["kind"] == "enrolment"]
    if enrol:
        w = sorted(enrol, key=lambda w: order.get(w["section_kind"], 4))[0]
        res["enrolment_start"], res["enrolment_end"] = w["start"], w["end"]
        res["evidence"]["enrolment_start"] = res["evidence"]["enrolment_end"] = w["provenance"]
    if res["cutoffs"]:
        c = sorted(res["cutoffs"], key=lambda c: order.get(c["section_kind"], 4))[0]
        res["data_cutoff"] = c["date"]
        res["evidence"]["data_cutoff"] = c["provenance"]
    if res["follow_ups"]:
        f = sorted(res["follow_ups"], key=lambda f: order.get(f["section_kind"], 4))[0]
        res["median_follow_up"], res["median_follow_up_unit"] = f["quantity"], f["unit"]
        res["evidence"]["median_follow_up"] = f["provenance"]
    return StudyDates(**{k: v for k, v in res.items() if k not in ("windows", "cutoffs", "follow_ups")},
                      windows=[DateWindow(**w) for w in res["windows"]],
                      cutoffs=[CutoffDate(**c) for c in res["cutoffs"]],
                      follow_ups=[FollowUpMention(**f) for f in res["follow_ups"]])
