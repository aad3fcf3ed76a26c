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


def test_count_and_percent_sub_columns_pair_up():
    from trialaudit.extractor.study.tablefacts import count_percent_columns, split_count_percent
    from trialaudit.extractor.text import parse_text
    doc = parse_text("Results\n\nTable 3. Rates\n\n| Outcome | A (N=69) N | A (N=69) % | B (N=86) / n | B (N=86) / (%) |"
                     " Total n/N (%) |\n|---|---|---|---|---|---|\n| Response | 15 | 21.7 | 15 | (17.4) | 30/155 (19.4) |\n",
                     doc_id="t", source="test")
    t = doc.tables[0]
    assert count_percent_columns(t) == [(1, 2), (3, 4)]
    row = t.rows[0]
    assert split_count_percent(row.cells[1].text, row.cells[2].text)[0] == 15
    assert split_count_percent(row.cells[3].text, row.cells[4].text)[1].value == 17.4
    assert split_count_percent("15.5", "21.7") is None


def test_row_percentages_are_the_rows_own_split():
    from trialaudit.extractor.study.denominators import row_percentages
    from trialaudit.schemas.document import Cell, TableRow
    from trialaudit.schemas.provenance import Span

    def row(*texts):
        sp = Span(line=1, char_start=0, char_end=0)
        return TableRow(index=1, span=sp, cells=[Cell(text=t, raw=t, span=sp) for t in texts])
    assert row_percentages(row("Diabetes", "16 (51.6)", "15 (48.4)", "0.77"))
    assert row_percentages(row("Hypertension", "25 (54)", "21 (46)"))
    assert not row_percentages(row("Male", "16 (64)", "13 (52)"))          # column percentages of 25
    assert not row_percentages(row("None", "0 (0)", "0 (0)"))


@pytest.mark.parametrize("label,expected", [("Sex (%) Male/female", True), ("Male/female, %", True),
                                            ("Male/female, n (%)", False), ("Response ≥ 50 %", False),
                                            ("Sex (M/F)", False)])
def test_percent_unit_anywhere_in_a_label(label, expected):
    from trialaudit.extractor.study.denominators import percent_unit_label
    assert percent_unit_label(label) is expected


def test_a_start_n_does_not_apply_to_a_later_time_point_column():
    from trialaudit.extractor.study.denominators import header_n_for_other_time_point
    from trialaudit.extractor.text import parse_text
    doc = parse_text("Results\n\nTable 2. Exercise\n\n| Days | A / N = 50 (at baseline) / Baseline | "
                     "A / N = 50 (at baseline) / 6 months | B (n = 48) / 6 months |\n|---|---|---|---|\n"
                     "| <1 | 20 | 15 | 14 |\n| ≥1 | 30 | 25 | 30 |\n", doc_id="t", source="test")
    t = doc.tables[0]
    assert header_n_for_other_time_point(t, 1) is None
    assert header_n_for_other_time_point(t, 2)
    assert header_n_for_other_time_point(t, 3) is None


def test_norm_label_strips_a_count_marker_word_not_a_final_n():
    from trialaudit.extractor.study.tablefacts import norm_label
    assert [norm_label(x) for x in ("Unknown", "Women", "Men", "Asian")] == ["unknown", "women", "men", "asian"]
    assert [norm_label(x) for x in ("Male, n (%)", "Sex, n", "Age n", "Deaths, no.")] == ["male", "sex", "age", "deaths"]


def test_a_category_set_ends_at_a_row_naming_its_own_variable_and_statistic():
    from trialaudit.extractor.study.denominators import set_rows
    from trialaudit.extractor.text import parse_text
    doc = parse_text("# T\n\n## Results\n\nTable 1 | Characteristics\n\n| Characteristic | A (n=10) | B (n=10) |\n"
                     "|---|---|---|\n| Marital status, n (%) | | |\n| married | 6 (60.0) | 5 (50.0) |\n"
                     "| single | 4 (40.0) | 5 (50.0) |\n| Age of onset, mean (sd) | 22 (5.4) | 23 (6.1) |\n",
                     doc_id="t", source="t", fmt="markdown")
    t = doc.tables[0]
    single = next(r for r in t.rows if r.label == "single")
    assert [r.label for r in set_rows(t, single)] == ["married", "single"]
