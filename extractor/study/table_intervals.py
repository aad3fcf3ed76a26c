"""Estimates printed with an interval in tables (``Study.table_intervals``).

A cell holding one estimate and its interval ("Median PFS | 5.5 (5.9–6.4)", "12.1 (18.8, 5.4)", "45% (38–52)"), or a
rate or mean whose interval is printed in the next row labelled "95% CI". The interval's kind is read from the
quantity, the row, its group, the column or the caption (:func:`interval_kind_printed`). Left out: ratio columns
(HR/OR/RR, the ratio facts), P columns ("P overall (P 1, P 2)": 0.042 (0.017, 0.038)), brackets that hold an SD
before the interval ("−1.65 (SD = 2.5; 95% CI ...)") and unlabelled brackets under a percentage heading or with a
decimal comma ("12 (9,0)", "557 (62,0)"). TA208 judges each.
"""
from __future__ import annotations

import re

from trialaudit.extractor.evidence import cell_evidence
from trialaudit.schemas.document import Document
from trialaudit.schemas.study import TableInterval

from .ratios import RATIO_HEAD, cell_text, ci_cell
from .stat_labels import is_p_label
from .table_tests import parse
from .text_intervals import SD_INSIDE, interval_kind_printed, is_interval_quantity, states_direction

__all__ = ["extract_table_intervals"]

#: a row that prints the interval of the row above: "95% CI", "CI", "confidence interval"
_CI_ROW = re.compile(r"^\s*(?:\d{2}(?:\.\d)?\s*%\s*)?(?:CI|C\.I\.|confidence interval)\b", re.I)
_PERCENT_HEAD = re.compile(r"(?<![\d.])%")  # "n (%)", "%" — not "95% CI"
_DECIMAL_COMMA = re.compile(r"^\s*\d+\s*\(\s*\d{1,3},\d{1,2}\s*\)\s*$")  # "557 (62,0)": no space after the comma


def extract_table_intervals(doc: Document) -> list[TableInterval]:
    """Every estimate with an interval in the tables, table by table, row by row."""
    out: list[TableInterval] = []
    for ti, table in enumerate(doc.tables):
        rows = table.rows
        ratio_cols = {j for j, c in enumerate(table.columns) if RATIO_HEAD.search(c)}
        p_cols = {j for j, c in enumerate(table.columns) if j and is_p_label(c)}
        for ri, row in enumerate(rows):
            if row.kind == "group":
                continue
            nxt = rows[ri + 1] if ri + 1 < len(rows) else None
            for j in range(1, len(row.cells)):
                txt = cell_text(row, j)
                if not txt or j in ratio_cols or j in p_cols:
                    continue
                col = table.column_label(j)
                qs = parse(txt, f"{row.label} {col}")
                where = f"{table.label}, row '{row.label}', column '{col}'"
                direction = states_direction(row.label, row.group, col, table.caption)
                base = dict(table=ti, table_label=table.label, row=row.label, column=j, column_label=col, where=where,
                            direction_stated=direction)
                if len(qs) == 1 and is_interval_quantity(qs[0]):
                    q = qs[0]
                    if SD_INSIDE.search(q.text):
                        continue
                    labelled = interval_kind_printed(q.interval or "", row.label, row.group or "", col, table.caption)
                    if not labelled and (_PERCENT_HEAD.search(f"{col} {row.label} {row.group or ''}")
                                         or _DECIMAL_COMMA.search(q.text)):
                        continue
                    out.append(TableInterval(
                        **base, value=q.value, low=q.low, high=q.high, kind=q.interval or "unspecified",
                        labelled=labelled,
                        evidence=[cell_evidence(doc, table, row, j, role="estimate and interval")]))
                    continue
                if nxt is not None and _CI_ROW.match(nxt.label or "") and len(qs) == 1:
                    q = qs[0]
                    est = q.percent if q.kind == "count_percent" and q.percent is not None else \
                        (q.value if q.kind in ("number", "percent") else None)
                    ci = ci_cell(cell_text(nxt, j))
                    if est is None or ci is None:
                        continue
                    out.append(TableInterval(
                        **base, value=est, low=ci[0], high=ci[1], kind="ci", ci_row=True,
                        evidence=[cell_evidence(doc, table, row, j, role="estimate"),
                                  cell_evidence(doc, table, nxt, j, role="CI")]))
    return out
