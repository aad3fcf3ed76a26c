"""Label classifiers of extractor.study.tablefacts."""
from __future__ import annotations

import pytest

from trialaudit.extractor.study.tablefacts import percent_only_label, percent_only_row
from trialaudit.schemas.document import Cell, TableRow
from trialaudit.schemas.provenance import Span


@pytest.mark.parametrize("label", ["Male, %", "Diabetes (%)", "%", "NYHA class, %", "Age ≥65 y, %", "(%)",
                                   "Response rate, %"])
def test_percent_only_labels(label):
    assert percent_only_label(label)


@pytest.mark.parametrize("label", ["Male, n (%)", "No. (%)", "n/N (%)", "Reduction ≥50%", "Sex N (%)", "n, %",
                                   "Patients, n, %", "Male", ""])
def test_labels_announcing_counts_or_thresholds(label):
    assert not percent_only_label(label)


def _row(label: str, group: str | None) -> TableRow:
    span = Span(line=1, char_start=0, char_end=len(label))
    return TableRow(index=1, cells=[Cell(text=label, raw=label, span=span)], span=span, group=group)


def test_rows_inherit_a_percent_heading_unless_they_announce_counts():
    assert percent_only_row(_row("Digoxin", "Medications, %"))
    assert not percent_only_row(_row("Digoxin, n (%)", "Medications, %"))
    assert not percent_only_row(_row("Digoxin", "Medications, n (%)"))
    assert percent_only_row(_row("Male, %", None))
