"""Counts of categories that must add up (``Study.total_column_rows``, ``Study.slash_pairs``).

* A table with one Total column beside two or more arm columns (the study's arms by name; when the headers
  print n's, the Total's is the sum of the arms'): each count row's Total cell and arm cells. Rows of means,
  medians, ranges, scores or durations, and rows whose label says they print percentages, are left out.
* A table whose response categories are columns (CR | PR | SD | PD, three or more): each row's counts with the
  row's n (its "No. of patients" cell or its arm's size).
* A row labelled with a named pair of exclusive categories ("Sex (Male/Female)", "Yes/No", "Sex (M/F)") whose
  cells print "31/24": the two counts with the column's n.

* Runs of category rows (under one group heading, split where a new variable starts; or a run of response rows
  that no group run contains): per column, the categories' counts and printed percentages with the n the rows
  share.

TA102 adds them up.
"""
from __future__ import annotations

import re

from trialaudit.extractor.evidence import cell_evidence, row_evidence
from trialaudit.schemas.document import Document, Table, TableRow
from trialaudit.schemas.study import (Arm, CategoryColumnsRow, CategoryRowsColumn, ColumnN, SlashPair,
                                     TotalColumnRow)

from .arms import TOTAL_WORDS, resolve_arm
from .categories import STAT_COL
from .denominators import cell_kind, descriptor_above, header_n, percent_only_label, slash_pair_percent
from .tablefacts import (Denominator, arms_are_rows, cell_count, cell_percent, cell_quantity, column_denominator,
                         response_category, row_denominator)

__all__ = ["extract_total_column_rows", "extract_slash_pairs", "extract_category_columns_rows",
           "extract_category_rows_columns", "column_n", "EXCLUSIVE_PAIRS"]

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


#: a caption or note announcing that categories may fall short of n
_MISSING_NOTE = re.compile(r"missing\s+(?:data|values|information)|(?:may|might|do(?:es)?)\s+not\s+(?:add|sum|total)|"
                           r"not\s+(?:all|every)\s+(?:patients|participants)\s+(?:had|with|answered)|"
                           r"data\s+(?:were|was)\s+(?:not\s+available|unavailable|missing)", re.I)


def _groups(table: Table) -> list[list[TableRow]]:
    """Runs of category rows: under one group heading, split where a new variable starts."""
    out: list[list[TableRow]] = []
    cur: list[TableRow] = []
    stat_cols = [j for j, c in enumerate(table.columns) if STAT_COL.search(c.strip())]
    for r in table.rows:
        if r.kind == "group":
            if cur:
                out.append(cur)
            cur = []
            continue
        if cur and r.group is None:
            out.append(cur)
            cur = []
        # a second row carrying its own test statistic starts a new variable
        if cur and stat_cols and any(j < len(r.cells) and r.cells[j].text for j in stat_cols) and \
                any(j < len(x.cells) and x.cells[j].text for x in cur for j in stat_cols):
            out.append(cur)
            cur = []
        if r.group is None:
            out.append([r])
            continue
        cur.append(r)
    if cur:
        out.append(cur)
    return out


def _runs(table: Table) -> list[list[TableRow]]:
    """The group runs, then the runs of response rows that no group run contains ("CR | PR | SD | PD" without a
    heading; one inside a longer group run is part of it, and alone would look complete)."""
    runs = _groups(table)
    resp_run: list[TableRow] = []
    extra_runs = []
    for r in table.rows:
        if r.kind != "group" and response_category(r.label):
            resp_run.append(r)
        elif resp_run:
            extra_runs.append(resp_run)
            resp_run = []
    if resp_run:
        extra_runs.append(resp_run)
    extra_runs = [x for x in extra_runs if not any({r.index for r in x} < {r.index for r in g} for g in runs)]
    out, seen = [], set()
    for rows in runs + extra_runs:
        key = tuple(r.index for r in rows)
        if key in seen or len(rows) < 2:
            continue
        seen.add(key)
        out.append(rows)
    return out


def _percent_heading(table: Table, rows: list[TableRow]) -> bool:
    """Every filled cell of the set is typed as a percentage ("Gender (%)" over bare numbers): the set holds
    percentages, not counts."""
    kinds = [cell_kind(table, r, j, q) for r in rows for j in range(1, len(r.cells))
             if (q := cell_quantity(r.cells[j].text)) is not None]
    return bool(kinds) and all(k == "percent" for k in kinds)


def _own_denominator(text: str) -> int | None:
    """The N of a "k/N" cell: the row's own denominator."""
    q = cell_quantity(text)
    if q is None or q.kind != "fraction" or q.denominator is None:
        return None
    return int(q.denominator.value)


def extract_category_rows_columns(doc: Document, arms: list[Arm]) -> list[CategoryRowsColumn]:
    """Every column of every run of category rows whose counts and n can be read (tables with arms as rows are
    read by :func:`extract_category_columns_rows`)."""
    out: list[CategoryRowsColumn] = []
    for table in doc.tables:
        if arms_are_rows(table, arms):
            continue
        note = bool(_MISSING_NOTE.search(" ".join([table.caption or "", *table.footnotes])))
        for rows in _runs(table):
            if _percent_heading(table, rows):
                continue  # "Gender (%) | Male 34 | Female 66": the cells are percentages, not counts
            idx = {r.index for r in rows}
            for j in range(1, len(table.columns)):
                if descriptor_above(table, rows[0], j) == "continuous":
                    continue  # under a sub-header row "| Outcome | Mean | s.d. |": time points, not categories
                dens = [column_denominator(doc, arms, table, j, r) for r in rows]
                den = dens[0]
                if den is None or any(d is None or d.n != den.n for d in dens):
                    continue  # a table note gives some of these rows another denominator
                counts = [cell_count(r.cells[j].text) if j < len(r.cells) else None for r in rows]
                if any(c is None for c in counts):
                    continue
                others = [c for r in table.rows if r.index not in idx and r.kind != "group" and j < len(r.cells)
                          and (c := cell_count(r.cells[j].text)) is not None]
                out.append(CategoryRowsColumn(
                    table=table.label, column=table.column_label(j), group=rows[0].group, labels=[r.label for r in rows],
                    counts=counts, percents=[cell_percent(r.cells[j].text) for r in rows],
                    own_denominators=[_own_denominator(r.cells[j].text) for r in rows], n=column_n(den),
                    missing_note=note, other_counts=others,
                    evidence=[cell_evidence(doc, table, r, j, role="category") for r in rows]))
    return out
