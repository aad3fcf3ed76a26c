"""Counts of categories that must add up (``Study.total_column_rows``, ``Study.slash_pairs``).

* A table with one Total column beside two or more arm columns (the study's arms by name; when the headers
  print n's, the Total's is the sum of the arms'): each count row's Total cell and arm cells. Rows of means,
  medians, ranges, scores or durations, and rows whose label says they print percentages, are left out.
* A table whose response categories are columns (CR | PR | SD | PD, three or more): each row's counts with the
  row's n (its "No. of patients" cell or its arm's size).
* A row labelled with a named pair of exclusive categories ("Sex (Male/Female)", "Yes/No", "Sex (M/F)") whose
  cells print "31/24": the two counts with the column's n.

TA102 adds them up (its categories-as-rows part still reads the tables).
"""
from __future__ import annotations

import re

from trialaudit.extractor.evidence import cell_evidence, row_evidence
from trialaudit.schemas.document import Document, Table
from trialaudit.schemas.study import Arm, CategoryColumnsRow, ColumnN, SlashPair, TotalColumnRow

from .arms import TOTAL_WORDS, resolve_arm
from .denominators import header_n, percent_only_label, slash_pair_percent
from .tablefacts import Denominator, cell_count, cell_quantity, column_denominator, response_category, row_denominator

__all__ = ["extract_total_column_rows", "extract_slash_pairs", "extract_category_columns_rows", "column_n",
           "EXCLUSIVE_PAIRS"]

#: category vocabularies whose members are mutually exclusive and, listed together, exhaustive
EXCLUSIVE_PAIRS = [
    {"male", "female"}, {"men", "women"}, {"yes", "no"}, {"high", "low"}, {"present", "absent"},
    {"positive", "negative"}, {"left", "right"}, {"boys", "girls"},
]
_NOT_COUNT_ROW = re.compile(r"\b(?:median|mean|average|range|sd|iqr|min|max|score|years?|months?|days?)\b", re.I)
_PAIR_LABEL = re.compile(r"\(?\b([A-Za-z]+)\s*/\s*([A-Za-z]+)\b\)?")


def column_n(den: Denominator) -> ColumnN:
    return ColumnN(n=den.n, source=den.source, certainty=den.certainty, evidence=den.evidence)


def extract_total_column_rows(doc: Document, arms: list[Arm]) -> list[TotalColumnRow]:
    out: list[TotalColumnRow] = []
    for table in doc.tables:
        out.extend(_total_column(doc, arms, table))
    return out


def _total_column(doc: Document, arms: list[Arm], table: Table) -> list[TotalColumnRow]:
    tot = [j for j, c in enumerate(table.columns) if j > 0 and TOTAL_WORDS.match(c.split(" / ")[0].strip())]
    if len(tot) != 1 or " / " in table.columns[tot[0]]:
        return []
    t = tot[0]
    arm_cols = [j for j, c in enumerate(table.columns)
                if j > 0 and j != t and resolve_arm(c, arms) is not None and " / " not in c]
    if len(arm_cols) < 2:
        return []
    own = resolve_arm(table.columns[t], arms)
    if own is not None and not own.is_total:
        return []  # "Combined training (n = 45)": a study arm whose name starts with a total word
    tn, ns = header_n(table, t), [header_n(table, j) for j in arm_cols]
    if tn is not None and all(ns) and sum(ns) != tn:
        return []  # its n is not the sum of the arms' n: not a Total column
    out = []
    for row in table.rows:
        if row.kind == "group" or t >= len(row.cells) or _NOT_COUNT_ROW.search(row.label) \
                or _NOT_COUNT_ROW.search(row.group or ""):
            continue
        kinds = {getattr(cell_quantity(row.cells[j].text), "kind", None) for j in [t] + arm_cols if j < len(row.cells)}
        if not kinds & {"count_percent", "fraction"} and \
                not re.search(r"\bn\s*\(%\)|\bno\.|number", row.label + " " + (row.group or ""), re.I):
            continue
        if percent_only_label(row.label) or percent_only_label(row.group):
            continue  # "Race, Caucasian (%) | 100 | 100 | 100": percentages, which a Total column does not sum
        total = cell_count(row.cells[t].text)
        parts = [cell_count(row.cells[j].text) if j < len(row.cells) else None for j in arm_cols]
        if total is None or any(p is None for p in parts):
            continue
        out.append(TotalColumnRow(
            table=table.label, row=row.label, total_column=table.columns[t],
            arm_columns=[table.columns[j] for j in arm_cols], total=total, parts=parts,
            evidence=[cell_evidence(doc, table, row, t, role="total")]
            + [cell_evidence(doc, table, row, j, role="arm") for j in arm_cols]))
    return out


def extract_slash_pairs(doc: Document, arms: list[Arm]) -> list[SlashPair]:
    """'Sex (Male/Female) | 31/24': the pair's counts in each column with a known n."""
    out: list[SlashPair] = []
    for table in doc.tables:
        for row in table.rows:
            m = _PAIR_LABEL.search(row.label)
            if not m:
                continue
            pair = {m.group(1).lower(), m.group(2).lower()}
            if pair not in EXCLUSIVE_PAIRS and not (pair == {"m", "f"} and re.search(r"\b(?:sex|gender)\b", row.label, re.I)):
                continue  # "Sex (M/F)": the letters stand for male and female
            for j in range(1, len(row.cells)):
                cm = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", row.cells[j].text)
                den = column_denominator(doc, arms, table, j)
                if not cm or den is None:
                    continue
                out.append(SlashPair(
                    table=table.label, row=row.label, column=table.column_label(j),
                    labels=[m.group(1), m.group(2)], counts=[int(cm.group(1)), int(cm.group(2))], n=column_n(den),
                    percentages=slash_pair_percent(table, row, j),
                    evidence=cell_evidence(doc, table, row, j, role="categories")))
    return out


def extract_category_columns_rows(doc: Document, arms: list[Arm]) -> list[CategoryColumnsRow]:
    """Rows of tables whose response categories are columns, with their counts and n."""
    out: list[CategoryColumnsRow] = []
    for table in doc.tables:
        cat_cols = [j for j, c in enumerate(table.columns) if j > 0 and response_category(c.split(" / ")[-1])]
        if len(cat_cols) < 3:
            continue
        labels = [table.columns[j] for j in cat_cols]
        for row in table.rows:
            if row.kind == "group":
                continue
            den = row_denominator(doc, arms, table, row)
            if den is None:
                continue
            counts = [cell_count(row.cells[j].text) if j < len(row.cells) else None for j in cat_cols]
            if any(c is None for c in counts):
                continue
            out.append(CategoryColumnsRow(table=table.label, row=row.label, labels=labels, counts=counts,
                                          n=column_n(den), evidence=row_evidence(doc, table, row, role="categories")))
    return out
