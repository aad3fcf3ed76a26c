"""Study.text_statistics: test statistics printed with their P in sentences (read by TA201)."""
from __future__ import annotations

from types import SimpleNamespace

from trialaudit.extractor.export import study_rows
from trialaudit.extractor.study import extract_study
from trialaudit.extractor.text import parse_text


def _study(results: str):
    return extract_study(parse_text(f"# A trial\n\n## Results\n\n{results}\n", doc_id="t", source="t",
                                    fmt="markdown"))


def test_statistics_with_their_p_and_df():
    st = _study("Sex did not differ (χ² = 0.29, df = 1, P = 0.59). Scores differed (t(38) = 2.1, P = 0.04).")
    got = [(x.statistic, x.value.text, x.df, x.df_words, x.p.text) for x in st.text_statistics]
    assert ("chi2", "0.29", 1.0, 1.0, "0.59") in got   # "df = 1" inside the statistic's bracket
    assert ("t", "2.1", 38.0, None, "0.04") in got
    assert all(x.evidence.role == "test" for x in st.text_statistics)


def test_a_statistic_without_a_p_is_left_out_and_rows_are_exported():
    st = _study("The F statistic was F = 3.4 for the model. Age differed (t = 2.5, P = 0.02).")
    assert [x.statistic for x in st.text_statistics] == ["t"]
    rows = study_rows(SimpleNamespace(id="t", source="t", status="ok", error=None, study=st))["text_statistics"]
    assert rows[0]["stat_value"] == 2.5 and rows[0]["p"] == 0.02


def test_eta_squared_after_the_statistic_with_its_kind_and_exported():
    st = _study("Time mattered (F(1, 58) = 4.21, p = .045, ηp² = .07). Dose mattered, F(2, 116) = 3.1, p = .049, "
                "η² = .02. Sex did not, t(38) = 0.4, p = .69, partial eta squared = 0.004; age did, t(38) = 2.3, "
                "p = .03, ηG² = .01.")
    got = [(x.statistic, x.eta_kind, x.eta_text) for x in st.text_statistics]
    assert got == [("F", "partial", "ηp² = .07"), ("F", "unspecified", "η² = .02"),
                   ("t", "partial", "partial eta squared = 0.004"), ("t", "generalized", "ηG² = .01")]
    assert st.text_statistics[0].text == "F(1, 58) = 4.21, p = .045"     # the test's own text is unchanged
    assert st.text_statistics[0].eta_evidence.role == "test and effect size"
    rows = study_rows(SimpleNamespace(id="t", source="t", status="ok", error=None, study=st))["text_statistics"]
    assert rows[0]["eta_squared"] == 0.07 and rows[0]["eta_kind"] == "partial"


def test_degrees_of_freedom_in_square_brackets_are_not_citations():
    st = _study("Time mattered (F [1,9] = 9.60, p = 0.013, η² = 0.52).")
    assert [(x.df, x.df2, x.eta_text) for x in st.text_statistics] == [(1.0, 9.0, "η² = 0.52")]


def test_tests_printed_whole_in_a_table_cell_and_exported():
    st = _study("Table 2 | Tests\n\n| Variable | A (n = 20) | B (n = 20) | Test |\n|---|---|---|---|\n"
                "| Pain | 12 | 5 | χ² = 4.9, P = 0.03 (degrees of freedom = 1) |\n| Age | 40 | 41 | 0.52 |\n")
    got = [(x.statistic, x.value.text, x.df_words, x.p.text, x.where) for x in st.cell_statistics]
    assert got == [("chi2", "4.9", 1.0, "0.03", "Table 2, row 'Pain'")]
    assert st.cell_statistics[0].evidence.role == "test"
    rows = study_rows(SimpleNamespace(id="t", source="t", status="ok", error=None, study=st))["cell_statistics"]
    assert rows[0]["stat_value"] == 4.9 and rows[0]["p"] == 0.03


def test_statistic_row_with_a_p_row_gives_each_columns_test():
    """Groups as rows, a "t-test" row and a "P-value" row below: one test per column, both cells as evidence;
    a bare "T" row (a stage, a time) and a statistic row without a P row are not read."""
    from trialaudit.extractor.study import extract_study
    from trialaudit.extractor.text import parse_text
    md = ("# A trial\n\n## Methods\n\nPatients were randomised.\n\n## Results\n\nTable 1. Amplitude (mean ± SD)\n\n"
          "| Side | Before | After |\n|---|---|---|\n| Unaffected | 3.59±0.15 | 3.60±0.15 |\n"
          "| Affected | 1.78±0.13 | 1.66±0.14 |\n| t-test | 57.671 | 59.799 |\n| P-value | >0.05 | 0.003 |\n\n"
          "Table 2. Stages\n\n| Stage | A | B |\n|---|---|---|\n| T | 2.5 | 3.1 |\n| P | 0.04 | 0.2 |\n"
          "| χ² | 3.2 | 1.1 |\n| Total | 10 | 12 |\n")
    st = extract_study(parse_text(md, doc_id="t", source="t", fmt="markdown"))
    rows = [c for c in st.cell_statistics if c.p_evidence is not None]
    assert [(c.statistic, c.value.text, c.p_operator, c.p.text, c.where) for c in rows] == [
        ("t", "57.671", ">", "0.05", "Table 1, column 'Before'"), ("t", "59.799", "=", "0.003", "Table 1, column 'After'")]
    assert rows[0].evidence.quote == "57.671" and rows[0].p_evidence.quote == ">0.05"
    assert rows[0].p_evidence.row == "P-value"
