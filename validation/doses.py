"""Doses stated in running text, attributed to the drug they belong to, and usual ranges.

``find_doses(text)`` returns every dose such as "ifosfamide 1.8 g/m²/day",
"500 mg of apatinib orally once daily", "Cisplatin 60 mg/m² ... on Day 1",
"carboplatin AUC 5" with the drug it belongs to (the nearest drug named
before it with no other drug in between, or "<dose> of <drug>"), its unit
normalised to mg, mg/m2, mg/kg or AUC, and whether it is a daily /
per-administration dose or a total per course.

``dose_ranges()`` reads ``validation/data/dose_ranges.csv``: generous usual
ranges per drug, unit and basis, each with a public source.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from extractor.study.drugs import DrugHit, find_drugs, is_supportive

_DASH = r"[\-–—‑‒−]"
_NUMBER = r"\d+(?:[.,·]\d+)?"
_MASS = r"(?P<mass>g|mg|µg|μg|mcg|ug)"
_AREA = r"(?:m\s*(?:²|2|\^\s*2|\{\s*2\s*\})|m\s*\^?\{?\s*\\?text\{?\s*2|m(?![A-Za-z0-9]))"  # "g/m" = a lost superscript
_DOSE_RE = re.compile(
    rf"(?<![\w.])(?P<v1>{_NUMBER})(?:\s*(?:{_DASH}|to)\s*(?P<v2>{_NUMBER}))?\s*{_MASS}"
    rf"(?:\s*/\s*(?P<basis>{_AREA}|kg))?"
    rf"(?:\s*/\s*(?P<per>d(?:ay)?|dose|cycle|course|week|wk)\b)?"
    rf"(?![\w/])(?!\s*/\s*(?:d[lL]|L|mL|ml|h|hr|min)\b)", re.I)
_AUC_RE = re.compile(rf"\bAUC\s*(?:\(?\s*(?:of|=|:)\s*)?(?P<v1>{_NUMBER})(?:\s*(?:{_DASH}|to)\s*(?P<v2>{_NUMBER}))?(?!\s*[%.\d])")
_DAILY = re.compile(r"^\s*(?:,\s*)?(?:[\w()]+\s+){0,3}?(?:per\s+day|/\s*d(?:ay)?\b|a\s+day|daily|once\s+a\s+day|q\.?d\.?\b|QD\b|"
                    r"once\s+daily|continuously)", re.I)
_TWICE = re.compile(r"^\s*(?:,\s*)?(?:\w+\s+){0,3}?(?:twice\s+(?:daily|a\s+day)|b\.?i\.?d\.?\b|BID\b|every\s+12\s*h)", re.I)
_CYCLE = re.compile(r"^\s*(?:,\s*)?(?:\w+\s+){0,4}?(?:per\s+(?:cycle|course)|/\s*(?:cycle|course)|total\s+dose|"
                    r"in\s+(?:\w+\s+)?divided\s+doses|divided\s+over|over\s+\d+\s*days|cumulative)", re.I)
_DAYS = re.compile(r"^\s*(?:,\s*)?(?:\w+\s+){0,6}?(?:d\s*\d|days?\s*\d|on\s+days?\b|d[₀-₉]|q\s*\d\s*w|every\s+\w+\s+(?:weeks?|days?)|"
                   r"weekly|every\s+week|once\s+every|q\d+w|administered\s+(?:intravenously|orally)|intravenously|iv\b|"
                   r"orally|po\b)", re.I)
_CUMULATIVE = re.compile(r"\b(?:cumulative|lifetime|accumulated|maximum\s+total|total\s+cumulative)\b", re.I)
_HIGH_DOSE = re.compile(r"high[\s\-]dose|\bHD[\s\-]?(?:MTX|IFO|chemotherapy)|stem[\s\-]cell|transplant|autologous|"
                        r"myeloablative|conditioning|marrow\s+rescue", re.I)


@dataclass
class Dose:
    drug: str
    surface: str               # how the drug was written
    text: str                  # the dose as printed
    value: float               # in the normalised unit (mg, mg/m2, mg/kg, auc)
    value_high: float | None
    unit: str                  # mg, mg/m2, mg/kg, auc
    per: str                   # day, cycle, cumulative, unspecified
    start: int                 # offsets of the dose in the text
    end: int
    drug_start: int
    daily_multiplier: int = 1  # 2 for "twice daily"

    @property
    def printed(self) -> str:
        return self.text


def _num(s: str) -> float:
    return float(s.replace(",", ".").replace("·", "."))


def _per_of(after: str, dose_per: str | None) -> tuple[str, int]:
    if dose_per:
        p = dose_per.lower()
        if p.startswith("d"):
            return "day", 1
        if p in ("cycle", "course"):
            return "cycle", 1
        if p in ("dose",):
            return "day", 1
    if _TWICE.match(after):
        return "day", 2
    if _CYCLE.match(after):
        return "cycle", 1
    if _DAILY.match(after):
        return "day", 1
    if _DAYS.match(after):
        return "day", 1
    return "unspecified", 1


def _attribute(hits: list[DrugHit], start: int, end: int, text: str) -> DrugHit | None:
    """The drug a dose belongs to: '<dose> of <drug>', else the nearest drug before it."""
    after = text[end:end + 40]
    m = re.match(r"\s*(?:(?:of|of\s+oral|of\s+intravenous|iv|orally)\s+)?", after, re.I)
    if m:
        cand = [h for h in hits if end + m.end() - 1 <= h.start <= end + m.end() + 2]
        gens = {h.generic for h in cand}
        if len(gens) == 1:
            return cand[0]
    before = [h for h in hits if h.end <= start and start - h.end <= 250]
    if not before:
        return None
    last_start = max(h.start for h in before)
    nearest = [h for h in before if h.start == last_start]
    if len({h.generic for h in nearest}) != 1:
        return None  # a regimen acronym ("IE") names two drugs: ambiguous
    # another dose between the drug and this dose belongs to that drug already ("ifosfamide 1.8 g/m2 ... 100 mg/m2")
    return nearest[0]


def find_doses(text: str) -> list[Dose]:
    hits = find_drugs(text)  # supportive drugs stay: "mesna 1.8 g/m2" must not go to ifosfamide
    out: list[Dose] = []
    if not hits:
        return out
    for m in _DOSE_RE.finditer(text):
        mass = m.group("mass").lower().replace("μ", "µ")
        basis = m.group("basis")
        if basis and basis.lower() != "kg":
            unit = "mg/m2"
        elif basis:
            unit = "mg/kg"
        else:
            unit = "mg"
        factor = {"g": 1000.0, "mg": 1.0, "µg": 0.001, "mcg": 0.001, "ug": 0.001}[mass]
        v1 = _num(m.group("v1")) * factor
        v2 = _num(m.group("v2")) * factor if m.group("v2") else None
        h = _attribute(hits, m.start(), m.end(), text)
        if h is None or is_supportive(h.generic):
            continue
        per, mult = _per_of(text[m.end():m.end() + 60], m.group("per"))
        if _CUMULATIVE.search(text[max(0, m.start() - 50):m.start()] + " " + text[m.end():m.end() + 25]):
            per = "cumulative"
        out.append(Dose(h.generic, h.surface, m.group(0).strip(), v1, v2, unit, per, m.start(), m.end(), h.start, mult))
    for m in _AUC_RE.finditer(text):
        h = _attribute(hits, m.start(), m.end(), text)
        if h is None or is_supportive(h.generic):
            continue
        v1 = _num(m.group("v1"))
        v2 = _num(m.group("v2")) if m.group("v2") else None
        out.append(Dose(h.generic, h.surface, m.group(0).strip(), v1, v2, "auc", "day", m.start(), m.end(), h.start))
    out.sort(key=lambda d: d.start)
    return out


def high_dose_context(text: str) -> bool:
    return bool(_HIGH_DOSE.search(text))


@dataclass(frozen=True)
class DoseRange:
    drug: str
    unit: str
    per: str
    low: float
    high: float
    source: str
    note: str


@lru_cache(maxsize=1)
def dose_ranges() -> dict[tuple[str, str], dict[str, DoseRange]]:
    """{(drug, unit): {per: DoseRange}} from validation/data/dose_ranges.csv."""
    raw = resources.files("validation").joinpath("data", "dose_ranges.csv").read_text(encoding="utf-8")
    out: dict[tuple[str, str], dict[str, DoseRange]] = {}
    for row in csv.DictReader(raw.splitlines()):
        r = DoseRange(row["drug"].strip(), row["unit"].strip(), row["per"].strip(), float(row["low"]),
                      float(row["high"]), row["source"].strip(), (row.get("note") or "").strip())
        out.setdefault((r.drug.lower(), r.unit), {})[r.per] = r
    return out


def range_for(drug: str, unit: str, per: str) -> tuple[float, float, list[DoseRange]] | None:
    """(low, high, rows) of the usual range; an unspecified basis takes the union of daily and per-course ranges."""
    rows = dose_ranges().get((drug.lower(), unit))
    if not rows:
        return None
    if per in rows:
        r = rows[per]
        return r.low, r.high, [r]
    if per == "cumulative":
        return None  # lifetime totals are not per-administration doses
    if per == "cycle" and "day" in rows:
        return None  # a course total cannot be judged against a daily range
    sel = list(rows.values())
    return min(r.low for r in sel), max(r.high for r in sel), sel


def fmt_dose(value: float, unit: str) -> str:
    if unit == "auc":
        return f"AUC {value:g}"
    shown = unit.replace("m2", "m²")
    if unit == "mg/m2" and value >= 1000:
        return f"{value / 1000:g} g/m²"
    return f"{value:g} {shown}"
