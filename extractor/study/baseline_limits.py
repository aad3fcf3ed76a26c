"""Baseline-table rows an eligibility limit can contradict (``Study.baseline_limit_rows``; TA310 compares them with
``Study.eligibility``).

Only this study's columns of a table are read (``PopulationSizes.study_columns``), and no table whose caption
speaks of scores, nomograms or points. An ECOG row is a row under an ECOG / performance-status heading, or one whose
label names ECOG and a number; its label gives the categories it covers ("2", "0–1", "≥2"). Age categories ("<18",
"65–74") are read right after an age row or under an age heading; an age row whose label names a range, a minimum
or a maximum gives each cell's range ("15.5 (12–46)"). ECOG and age category rows are kept only when some study
column counts patients in them.
"""
from __future__ import annotations

import re

from trialaudit.extractor.evidence import cell_evidence
from trialaudit.schemas.document import Document, Table, TableRow
from trialaudit.schemas.study import BaselineCell, BaselineLimitRow

from .eligibility import ECOG
from .tablefacts import cell_count

__all__ = ["extract_baseline_limit_rows"]

#: a statistic named in the row label: "ECOG 2, n (%)", "Age <18 years, No. (%)"
_STAT_SUFFIX = re.compile(r"\s*,?\s*(?:(?:n|no\.?|number)\s*)?\(\s*%\s*\)\s*$|\s*,\s*(?:n|no\.?|number)\s*$", re.I)
_SCORE_TABLE = re.compile(r"score|nomogram|point|assign", re.I)
_AGE = re.compile(r"\bage\b", re.I)
_RANGE_CELL = re.compile(r"[\(\[]\s*(\d{1,3}(?:\.\d)?)\s*(?:[\-–—‑,]|to)\s*(\d{1,3}(?:\.\d)?)\s*[\)\]]")


def ecog_categories(label: str) -> set[int] | None:
    """The ECOG categories a row label covers ("2", "ECOG 0-1", "≥2", "PS 1/2"), else None."""
    lab = _STAT_SUFFIX.sub("", label).strip().replace(" ", "")
    m = re.fullmatch(r"(?:ECOG|PS|ECOGPS)?(\d)", lab, re.I)
    if m:
        return {int(m.group(1))}
    m = re.fullmatch(r"(?:ECOG|PS)?(\d)(?:[\-–—‑]|to|or|and|/|,)(\d)", lab, re.I)
    if m:
        return set(range(int(m.group(1)), int(m.group(2)) + 1))
    m = re.fullmatch(r"(?:≥|>=)(\d)", lab)
    if m:
        return set(range(int(m.group(1)), 6))
    m = re.fullmatch(r">(\d)", lab)
    if m:
        return set(range(int(m.group(1)) + 1, 6))
    m = re.fullmatch(r"(?:≤|<=)(\d)", lab)
    if m:
        return set(range(0, int(m.group(1)) + 1))
    return None


def age_category(label: str) -> tuple[float, float] | None:
    """The ages (years) an age category label covers ("<18", "≥65", "18-64"), else None."""
    lab = _STAT_SUFFIX.sub("", label).strip().lower().replace("years", "").replace("year", "").replace("y", "").strip()
    m = re.fullmatch(r"(?:<|under|below)\s*(\d{1,3})", lab)
    if m:
        return 0, float(m.group(1)) - 0.001
    m = re.fullmatch(r"(?:≤|<=)\s*(\d{1,3})", lab)
    if m:
        return 0, float(m.group(1))
    m = re.fullmatch(r"(?:≥|>=)\s*(\d{1,3})", lab)
    if m:
        return float(m.group(1)), 200
    m = re.fullmatch(r">\s*(\d{1,3})", lab)
    if m:
        return float(m.group(1)) + 0.001, 200
    m = re.fullmatch(r"(\d{1,3})\s*[\-–—‑]\s*(\d{1,3})", lab)
    if m:
        return float(m.group(1)), float(m.group(2)) + 0.999
    return None


def extract_baseline_limit_rows(doc: Document, study_columns: list[dict[int, str | None]]) -> list[BaselineLimitRow]:
    """ECOG rows, age categories and age ranges of this study's columns, table by table."""
    out: list[BaselineLimitRow] = []
    for t, cols in zip(doc.tables, study_columns):
        if not cols or _SCORE_TABLE.search(t.caption or ""):
            continue
        out.extend(_scan_table(doc, t, list(cols)))
    return out


def _is_ecog_row(row: TableRow, label: str) -> bool:
    group = row.group or ""
    return bool(ECOG.search(group) or re.search(r"\bperformance\s+status\b|\bPS\b", group)) or \
        bool(ECOG.search(label) and re.search(r"\d", label))


def _positive_cells(doc: Document, t: Table, row: TableRow, cols: list[int], role: str) -> list[BaselineCell]:
    """The study columns of ``row`` holding a non-zero count."""
    out = []
    for j in cols:
        if j >= len(row.cells):
            continue
        c = cell_count(row.cells[j].text)
        if c:
            out.append(BaselineCell(col=j, column=t.column_label(j), count=c,
                                    evidence=cell_evidence(doc, t, row, j, role=role)))
    return out


def _scan_table(doc: Document, t: Table, cols: list[int]) -> list[BaselineLimitRow]:
    out: list[BaselineLimitRow] = []
    notes = " ".join(t.footnotes)
    notes_ecog = bool(re.search(r"ECOG|performance\s+status", notes, re.I))
    age_ctx = False
    for row in t.rows:
        label = row.label or ""
        if row.kind == "group":
            age_ctx = bool(_AGE.search(label))
            continue
        if _is_ecog_row(row, label):
            cat = ecog_categories(re.sub(ECOG, "", label))
            if cat:
                lab = label.strip()
                cells = _positive_cells(doc, t, row, cols, f"ECOG {lab}")
                if cells:
                    out.append(BaselineLimitRow(
                        kind="ecog", table=t.label, table_id=t.id, row=lab, categories=sorted(cat), cells=cells,
                        notes_name_ecog=notes_ecog,
                        notes_name_category=any(re.search(rf"\b{c}\b", notes) for c in cat)))
            continue
        # age categories ("<18") right after an age row or under an age group
        if _AGE.search(label):
            age_ctx = True
            # an age range in the cells: "15.5 (12–46)"
            if re.search(r"range|min|max", label, re.I):
                for j in cols:
                    if j >= len(row.cells):
                        continue
                    m = _RANGE_CELL.search(row.cells[j].text)
                    if m:
                        out.append(BaselineLimitRow(
                            kind="age range", table=t.label, table_id=t.id, row=label.strip(), low_text=m.group(1),
                            high_text=m.group(2), cells=[BaselineCell(
                                col=j, column=t.column_label(j),
                                evidence=cell_evidence(doc, t, row, j, role="age range"))]))
            continue
        if age_ctx:
            rng = age_category(label)
            if rng is None:
                age_ctx = bool(re.fullmatch(r"\s*[<>≤≥]?\s*\d.*", label))
                continue
            cells = _positive_cells(doc, t, row, cols, f"age {label.strip()}")
            if cells:
                out.append(BaselineLimitRow(kind="age category", table=t.label, table_id=t.id, row=label,
                                            low=rng[0], high=rng[1], cells=cells))
        else:
            age_ctx = False
    return out
