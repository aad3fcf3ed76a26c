"""Table reading for checks: the extractor's table facts (:mod:`trialaudit.extractor.study.tablefacts`)
asked through the check context (its document and arms)."""
from __future__ import annotations

from trialaudit.extractor import evidence as _ev
from trialaudit.extractor.study import denominators as _den
from trialaudit.extractor.study import tablefacts as _tf
from trialaudit.extractor.study.tablefacts import (DERIVED_FROM, RATE_MEASURES, RESPONSE_CATEGORIES,
                                                   Denominator, cell_count, cell_percent, cell_quantity, norm_label,
                                                   rate_measure, response_category)
from trialaudit.schemas.document import Table, TableRow
from trialaudit.schemas.findings import Evidence
from trialaudit.schemas.study import Arm, Study

from .context import CheckContext

__all__ = ["DERIVED_FROM", "RATE_MEASURES", "RESPONSE_CATEGORIES", "Denominator", "arm_size_evidence", "arms_are_rows",
           "cell_count", "cell_percent", "cell_quantity", "column_denominator", "fmt_num", "header_cell_evidence",
           "norm_label", "note_adjusted_n", "rate_measure", "response_category", "row_denominator", "row_note"]


def header_cell_evidence(ctx: CheckContext, table: Table, col: int) -> Evidence:
    return _ev.header_cell_evidence(ctx.document, table, col)


def arm_size_evidence(ctx: CheckContext, arm: Arm) -> Evidence | None:
    return _tf.arm_size_evidence(arm)


def row_note(table: Table, label: str, markers: list[str] | None = None) -> str | None:
    return _den.row_note(table, label, markers)


def note_adjusted_n(ctx: CheckContext, table: Table, label: str, col: int, n: int,
                    markers: list[str] | None = None) -> int | None:
    return _den.note_adjusted_n(table, ctx.study.arms, label, col, n, markers)


def column_denominator(ctx: CheckContext, table: Table, col: int, row: TableRow | None = None) -> Denominator | None:
    """The n of a column for one row, or without a row the header/arm n (see ``tablefacts.column_denominator``);
    an ``uncertain`` denominator is None, so that checks stay silent."""
    return _tf.column_denominator(ctx.document, ctx.study.arms, table, col, row)


def row_denominator(ctx: CheckContext, table: Table, row: TableRow) -> Denominator | None:
    """When arms are rows: the row's own 'No. of patients' cell, or the arm's size."""
    return _tf.row_denominator(ctx.document, ctx.study.arms, table, row)


def arms_are_rows(table: Table, study: Study) -> bool:
    return _tf.arms_are_rows(table, study.arms)


def fmt_num(x: float, d: int = 2) -> str:
    s = f"{x:.{d}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s
