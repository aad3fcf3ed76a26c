"""Study.survival_landmarks: landmark survival rates paired with the Kaplan–Meier median of the same curve (TA209)."""
from __future__ import annotations

from types import SimpleNamespace

from trialaudit.extractor.export import study_rows
from trialaudit.extractor.study import extract_study
from trialaudit.extractor.text import parse_text


def _study(results: str, discussion: str = "We discuss."):
    return extract_study(parse_text(f"# A trial\n\n## Methods\n\nPatients were randomised.\n\n## Results\n\n{results}\n\n"
                                    f"## Discussion\n\n{discussion}\n", doc_id="t", source="t", fmt="markdown"))


TABLE = """Table 2. Efficacy

| Outcome | Arm A (n = 40) | Arm B (n = 41) |
|---|---|---|
| Progression-free survival, median (95% CI), months | 11.7 (9.0-14.1) | 8.2 (6.1-10.0) |
| 6 months, % (95% CI) | 78.5 (64.2-87.6) | 66.0 (50.1-78.0) |
| 12 months, % (95% CI) | 47.1 (31.0-61.6) | 30.2 (17.1-44.4) |
"""


def test_table_landmarks_are_paired_with_the_median_of_their_column():
    st = _study(TABLE)
    got = [(x.source, x.time, x.rate, x.median.value.text, x.median.unit) for x in st.survival_landmarks]
    assert got == [("table", "6", "78.5%", "11.7", "months"), ("table", "6", "66.0%", "8.2", "months"),
                   ("table", "12", "47.1%", "11.7", "months"), ("table", "12", "30.2%", "8.2", "months")]
    x = st.survival_landmarks[0]
    assert x.months == 6 and x.low <= 78.45 and x.high >= 78.55
    assert x.evidence.role == "landmark rate" and x.median.evidence.role == "median"
    rows = study_rows(SimpleNamespace(id="t", source="t", status="ok", error=None, study=st))["survival_landmarks"]
    assert rows[0]["landmark"] == "6 months" and rows[0]["median"] == 11.7 and rows[0]["median_unit"] == "months"


def test_one_clause_and_per_arm_lists_in_text():
    st = _study("The median PFS was 9.1 months and the 12-month PFS rate was 38%.\n\n"
                "Median OS was 14.2 months with the new drug and 11.1 months with placebo. "
                "The 12-month OS rates were 58.4% and 46.1%, respectively.")
    got = [(x.source, x.endpoint, x.time, x.rate, x.median.value.text) for x in st.survival_landmarks]
    assert ("text", "PFS", "12", "38%", "9.1") in got
    assert [g for g in got if g[0] == "paired"] == [("paired", "OS", "12", "58.4%", "14.2"),
                                                    ("paired", "OS", "12", "46.1%", "11.1")]


def test_other_studies_and_cumulative_incidence_are_not_read():
    st = _study("Results follow.", discussion="In an earlier trial the median PFS was 9.1 months and the 12-month "
                                              "PFS rate was 38%.")
    assert st.survival_landmarks == []
    st = _study(TABLE.replace("6 months, % (95% CI)", "Cumulative incidence at 6 months, %"))
    assert [x.time for x in st.survival_landmarks] == ["12", "12"]
