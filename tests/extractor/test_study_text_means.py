"""Study.text_means: means printed in sentences with the n they average (read by TA106)."""
from __future__ import annotations

from types import SimpleNamespace

from trialaudit.extractor.export import study_rows
from trialaudit.extractor.study import extract_study
from trialaudit.extractor.text import parse_text


def _study(body: str):
    text = "# A randomised trial\n\n## Results\n\n" + body + "\n"
    return extract_study(parse_text(text, doc_id="t", source="t", fmt="markdown"))


def test_mean_with_its_own_n():
    st = _study("The mean number of cycles in 40 patients was 3.45, and the mean age of the 26 patients was 18.37 years.")
    got = [(m.variable, m.mean.text, m.n, m.source) for m in st.text_means]
    assert got == [("number of cycles", "3.45", 40, "same sentence"), ("age", "18.37", 26, "same sentence")]
    ev = st.text_means[0].evidence
    assert ev.role == "reported" and "3.45" in ev.quote


def test_single_mean_age_takes_the_study_population():
    st = _study("A total of 120 patients were randomised. Their mean age was 60.27 years (range 38–75).")
    [m] = st.text_means
    assert (m.variable, m.mean.text, m.source) == ("age", "60.27", "study population")
    assert m.n == st.total_n


def test_a_sentence_naming_another_group_is_not_the_population():
    st = _study("A total of 120 patients were randomised. The mean age was 60.27 years in men versus 58.1 years in women.")
    assert st.text_means == []


def test_exported_as_a_tidy_table():
    st = _study("The mean age of the 26 patients was 18.37 years.")
    rows = study_rows(SimpleNamespace(id="t", source="t", status="ok", error=None, study=st))["text_means"]
    assert rows and rows[0]["mean"] == 18.37 and rows[0]["n"] == 26 and rows[0]["variable"] == "age"
