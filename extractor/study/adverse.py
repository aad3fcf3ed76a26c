"""Adverse events by term, grade column and arm, from safety/toxicity tables.

Two layouts:

* terms as rows; columns per arm and grade, often with two header rows
  ("Apa+IE group (n = 53) / Any grade", "Total(n=26) / Grade3");
* arms as rows; terms as columns ("Observation group | Leukopenia | Anemia | Total incidence").

Statistic and P columns become :class:`StatTest` rows.
"""
from __future__ import annotations

import re

from trialaudit.schemas.document import Document, Table
from trialaudit.schemas.study import AdverseEvent, Arm, StatTest

from trialaudit.extractor.quantities import parse_cell

from .arms import resolve_arm
from ._util import (cell_prov, cell_text, col_role, parse_number_cell, parse_p_cell, single_arm_of, stat_kind)
from .groups import GroupRef, resolve_group
from .outcomes import pair_stat_p, table_kinds
from .stat_tests import table_test, test_names_in

_GRADE = re.compile(r"(?i)\bgrades?(?![a-z])|\bG\s*\d|≥\s*\d|>=\s*\d|\bany\b|\ball\b")


def normalise_grade(label: str) -> str | None:
    """'Any grade' -> 'any'; 'Grade ≥ 3' / 'Grade 3 or higher' -> '>=3'; 'Grade1/2' -> '1-2'; 'Grade3' -> '3'."""
    low = label.lower().replace("–", "-").replace("−", "-")
    if re.search(r"\b(?:any|all)\b(?:\s+grades?)?|total", low) and not re.search(r"\d", low):
        return "any"
    m = re.search(r"(?:≥|>=|>\s*)\s*(\d)", low) or re.search(r"(\d)\s*(?:or\s+(?:higher|more|above|greater)|\+)", low)
    if m:
        return f">={m.group(1)}" if "≥" in low or ">=" in low or "higher" in low or "more" in low or "above" in low \
            or "greater" in low or "+" in low else f">{m.group(1)}"
    m = re.search(r"(?:grades?|\bg)\s*(\d)\s*(?:[-/]|to|and)\s*(\d)", low) or re.search(r"^\s*(\d)\s*(?:[-/]|to|and)\s*(\d)\s*$", low)
    if m:
        return f"{m.group(1)}-{m.group(2)}"
    m = re.search(r"(?:grades?|\bg)\s*(\d)\b", low) or re.search(r"^\s*(\d)\s*$", low)
    if m:
        return m.group(1)
    return None


def _split_column(label: str, arms: list[Arm], single: Arm | None) -> tuple[GroupRef | None, str]:
    """A column label -> (group, grade)."""
    parts = [p.strip() for p in label.split(" / ") if p.strip()]
    group: GroupRef | None = None
    grade = None
    for p in parts:
        g = normalise_grade(p) if _GRADE.search(p) or re.fullmatch(r"\d\s*[-/]?\s*\d?", p) else None
        if g is not None and grade is None and resolve_arm(p, arms) is None:
            grade = g
            continue
        if group is None:
            group = resolve_group(p, arms, None)
    if group is None and single is not None:
        group = GroupRef(single.label, single)
    return group, grade or "any"


def _count_pct(text: str) -> tuple[int | None, object | None] | None:
    qs = [q for q in parse_cell(text) if q.kind in ("count_percent", "count", "percent", "fraction", "number")]
    if not qs:
        return None
    q = qs[0]
    if q.kind == "percent":
        return None, q.percent
    if q.kind == "number":
        return None, None
    return (int(q.count.value) if q.count is not None else None), q.percent


def _subject(caption: str) -> str | None:
    s = re.sub(r"(?i)^(?:comparison|summary|incidence)\s+of\s+", "", caption.strip())
    s = re.sub(r"(?i)\s+(?:between|among|in)\s+(?:the\s+)?(?:two|three|both|all)?\s*(?:groups?|arms?|patients?).*$", "", s)
    return s.strip(" .") or None


def adverse_from_table(doc: Document, t: Table, arms: list[Arm]) -> tuple[list[AdverseEvent], list[StatTest]]:
    single = single_arm_of(arms)
    roles = [col_role(c) for c in t.columns]
    row_groups = sum(1 for r in t.rows if resolve_arm(r.label, arms) is not None)
    out: list[AdverseEvent] = []
    tests: list[StatTest] = []
    if row_groups >= 1 and row_groups >= len(t.rows) / 2:
        # arms as rows, terms as columns
        for row in t.rows:
            arm = resolve_arm(row.label, arms)
            g = GroupRef(arm.label, arm) if arm else GroupRef(row.label, None)
            for j in range(1, len(t.columns)):
                if roles[j] != "data":
                    continue
                txt = cell_text(row, j)
                cp = _count_pct(txt) if txt else None
                if cp is None:
                    continue
                term = t.columns[j]
                grade = normalise_grade(term) if _GRADE.search(term) else None
                out.append(AdverseEvent(term=term, arm=g.arm.id if g.arm else None, group=None if g.arm else g.label,
                                        grade=grade or "any", count=cp[0], percent=cp[1],
                                        provenance=cell_prov(doc, t, row, j)))
        subject = _subject(t.caption)
        for s, pj in pair_stat_p(roles):
            for row in t.rows:
                p = parse_p_cell(cell_text(row, pj))
                sv = parse_number_cell(cell_text(row, s)) if s is not None else None
                if p is None and sv is None:
                    continue
                slab = t.columns[s] if s is not None else ""
                names = test_names_in(slab) or test_names_in(t.caption) or ([{"chi2": "chi-square", "t": "t-test"}
                                                                              .get(stat_kind(slab) or "", "")] if slab else [])
                tests.append(table_test(doc, t, row, pj, p=p, stat=sv, statistic=stat_kind(slab) if s is not None else None,
                                        test=(names[0] or None) if names else None, compares=subject))
                break
        return out, tests
    # terms as rows
    cols = {}
    for j in range(1, len(t.columns)):
        if roles[j] != "data":
            continue
        g, grade = _split_column(t.columns[j], arms, single)
        if g is None:
            tot = next((a for a in arms if a.is_total), None)
            g = GroupRef(tot.label, tot) if tot else GroupRef("All patients", None)
        cols[j] = (g, grade)
    p_cols = [j for j, r in enumerate(roles) if r == "p" and j > 0]
    for row in t.rows:
        if row.kind == "group" or not any(cell_text(row, j) for j in cols):
            continue
        term = row.label
        for j, (g, grade) in cols.items():
            txt = cell_text(row, j)
            cp = _count_pct(txt) if txt else None
            if cp is None:
                continue
            out.append(AdverseEvent(term=term, arm=g.arm.id if g.arm else None, group=None if g.arm else g.label,
                                    grade=grade, count=cp[0], percent=cp[1], provenance=cell_prov(doc, t, row, j)))
        for j in p_cols:
            p = parse_p_cell(cell_text(row, j))
            if p is not None:
                names = test_names_in(t.caption + " " + " ".join(t.footnotes))
                tests.append(table_test(doc, t, row, j, p=p, test=names[0] if names else None, compares=term))
    return out, tests


def extract_adverse_events(doc: Document, arms: list[Arm]) -> tuple[list[AdverseEvent], list[StatTest]]:
    out: list[AdverseEvent] = []
    tests: list[StatTest] = []
    for t in doc.tables:
        if "adverse" in table_kinds(t):
            a, ts = adverse_from_table(doc, t, arms)
            out.extend(a)
            tests.extend(ts)
    return out, tests


__all__ = ["extract_adverse_events", "adverse_from_table", "normalise_grade"]
