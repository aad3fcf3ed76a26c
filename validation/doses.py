"""Usual dose ranges: the judgement the dose checks make of ``Study.stated_doses``.

The doses themselves (the drug each belongs to, the unit normalised to mg,
mg/m2, mg/kg or AUC, daily or per course, a high-dose context) are Study facts
read by :func:`trialaudit.extractor.study.doses.extract_stated_doses`.

``dose_ranges()`` reads ``validation/data/dose_ranges.csv``: generous usual
ranges per drug, unit and basis, each with a public source.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["DoseRange", "dose_ranges", "range_for", "fmt_dose"]


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
    raw = resources.files("trialaudit.validation").joinpath("data", "dose_ranges.csv").read_text(encoding="utf-8")
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
