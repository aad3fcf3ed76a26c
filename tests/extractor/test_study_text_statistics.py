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
