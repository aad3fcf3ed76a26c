"""Study.impossible_p_values: P values printed above 1 in sentences and table P columns (TA211)."""
from __future__ import annotations

from types import SimpleNamespace

from trialaudit.extractor.export import study_rows
from trialaudit.extractor.study import extract_study
from trialaudit.extractor.text import parse_text


def _study(results: str, references: str = ""):
    refs = f"\n\n## References\n\n{references}\n" if references else ""
    return extract_study(parse_text(f"# A trial\n\n## Methods\n\nPatients were randomised.\n\n## Results\n\n{results}\n{refs}",
                                    doc_id="t", source="t", fmt="markdown"))


def test_p_above_one_in_sentences_with_its_operator_and_evidence():
    st = _study("Pain fell more with A (P = 3.84). For the rest, p-value ≥ 1.27, and P < 0.05 for B.")
    got = [(x.context, x.text, x.operator) for x in st.impossible_p_values]
    assert got == [("text", "3.84", "="), ("text", "1.27", ">=")]
    assert "(P = 3.84)" in st.impossible_p_values[0].evidence.quote
    assert st.impossible_p_values[0].printed == "P = 3.84"


def test_powers_of_ten_percentages_units_integers_and_references_are_not_read():
    st = _study("Survival was longer (P = 1.5 × 10⁻⁴; P = 2.1e-5). Significant at P < 5%. Serum P = 4.5 mg/dL. "
                "Group P = 1.5 mg/kg propofol. P = 12 patients.", references="1. Smith J. P = 2.5 in mice.")
    assert st.impossible_p_values == []


def test_table_p_column_value_above_one_among_p_values_and_exported():
    st = _study("Table 2 | Outcomes\n\n| Outcome | A (n = 40) | B (n = 40) | P value |\n|---|---|---|---|\n"
                "| Pain | 3.1 ± 1.2 | 4.0 ± 1.5 | <0.001 |\n| Walk | 312 ± 55 | 298 ± 61 | 0.281 |\n"
                "| Falls | 2 (5.0) | 4 (10.0) | 3.840 |\n| Sleep | 6.1 ± 1.0 | 6.0 ± 1.1 | NS |\n")
    ip = st.impossible_p_values
    assert [(x.context, x.text, x.row, x.column, x.valid_in_column) for x in ip] == [
        ("table", "3.840", "Falls", "P value", 2)]
    rows = study_rows(SimpleNamespace(id="t", source="t", status="ok", error=None, study=st))["impossible_p_values"]
    assert rows[0]["value"] == 3.84 and rows[0]["valid_in_column"] == 2 and rows[0]["table"] == "Table 2"


def test_table_columns_that_are_not_certainly_p_columns_are_left_alone():
    # too few P values beside it; text in the column; a header spanning a statistic and its P
    one = _study("Table 2 | X\n\n| Outcome | A | B | P |\n|---|---|---|---|\n| a | 1 | 2 | 0.04 |\n| b | 1 | 2 | 2.10 |\n")
    assert one.impossible_p_values == []
    text = _study("Table 2 | X\n\n| Outcome | A | B | P |\n|---|---|---|---|\n| a | 1 | 2 | 0.04 |\n| b | 1 | 2 | 0.51 |\n"
                  "| c | 1 | 2 | 0.30 |\n| Outcome | A | B | Change (%) |\n| d | 1 | 2 | 4.0 |\n")
    assert text.impossible_p_values == []
