"""Study.table_means: table means of whole-number variables with the n they average (TA106)."""
from __future__ import annotations

from types import SimpleNamespace

from trialaudit.extractor.export import study_rows
from trialaudit.extractor.study import extract_study
from trialaudit.extractor.study.table_means import whole_number_kind
from trialaudit.extractor.text import parse_text

TEXT = """# A trial

## Results

Table 1. Baseline characteristics

| Characteristic | Arm A (n = 25) | Arm B (n = 24) |
|---|---|---|
| Age, years, mean ± SD | 45.37 ± 10.2 | 47.1 ± 9.8 |
| Number of prior lines of therapy, mean | 1.52 | 1.46 |
| Body mass index, mean ± SD | 24.31 ± 3.2 | 25.02 ± 3.9 |
| Karnofsky score (n = 20), mean | 82.5 | 85.0 |
"""


def test_kinds_of_whole_number_variables():
    assert whole_number_kind("Age, years") == "age"
    assert whole_number_kind("Number of prior lines of therapy") == "count"
    assert whole_number_kind("ECOG performance status") == "score"
    assert whole_number_kind("Karnofsky score") == "kps"
    assert whole_number_kind("Body mass index") is None and whole_number_kind("Time since diagnosis, years") is None


def test_means_with_their_n_and_the_tidy_table():
    st = extract_study(parse_text(TEXT, doc_id="t", source="t", fmt="markdown"))
    got = {(m.row.split(",")[0], m.kind, m.mean.text, m.n, m.n_source) for m in st.table_means}
    assert ("Age", "age", "45.37", 25, "column header") in got and ("Age", "age", "47.1", 24, "column header") in got
    assert ("Number of prior lines of therapy", "count", "1.52", 25, "column header") in got
    assert ("Karnofsky score (n = 20)", "kps", "82.5", 20, "row label") in got
    assert not any(m.row.startswith("Body") for m in st.table_means)
    rows = study_rows(SimpleNamespace(id="t", source="t", status="ok", error=None, study=st))["table_means"]
    assert len(rows) == len(st.table_means) and all(r["line"] for r in rows)


def test_a_column_that_reports_deaths_gives_the_n_of_the_rest():
    text = ("# T\n\n## Results\n\nTable 2. Outcomes\n\n| Outcome | Group A (n = 30) | Group B (n = 30) |\n|---|---|---|\n"
            "| Intrauterine death | 0 | 3 (10%) |\n| Lost to follow-up | 1 | 2 |\n| Apgar score | 8.60 ± 0.56 | 8.15 ± 2.43 |\n")
    st = extract_study(parse_text(text, doc_id="t", source="t", fmt="markdown"))
    got = {m.column: (m.n, m.fewer_ns) for m in st.table_means}
    assert got == {"Group A (n = 30)": (30, [29]), "Group B (n = 30)": (30, [28, 27, 25])}
    rows = study_rows(SimpleNamespace(id="t", source="t", status="ok", error=None, study=st))["table_means"]
    assert {r["fewer_ns"] for r in rows} == {"29", "28, 27, 25"}
