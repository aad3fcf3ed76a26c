"""Study.baseline_limit_rows: ECOG and age rows of this study's baseline columns (TA310)."""
from __future__ import annotations

from types import SimpleNamespace

from trialaudit.extractor.export import study_rows
from trialaudit.extractor.study import extract_study
from trialaudit.extractor.study.baseline_limits import age_category, ecog_categories
from trialaudit.extractor.text import parse_text

TEXT = """# A trial

## Methods

Patients were randomised to Drug A (n = 53) or Drug B (n = 28).

## Results

Table 1. Baseline characteristics

| Characteristic | Drug A (n = 53) | Drug B (n = 28) |
|---|---|---|
| Age, median (range) | 15.5 (12–46) | 16 (13–40) |
| Age group |  |  |
| <18 | 30 (56.6) | 15 (53.6) |
| ≥18 | 23 (43.4) | 13 (46.4) |
| ECOG PS |  |  |
| 0–1 | 46 (86.8) | 26 (92.9) |
| 2 | 3 (5.7) | 0 |
| 3 | 4 (7.5) | 2 (7.1) |
"""


def test_labels():
    assert ecog_categories("0–1") == {0, 1} and ecog_categories("≥2, n (%)") == {2, 3, 4, 5}
    assert age_category("<18 years") == (0, 17.999) and age_category("65-74") == (65.0, 74.999)


def test_rows_with_patients_in_the_study_columns():
    st = extract_study(parse_text(TEXT, doc_id="t", source="t", fmt="markdown"))
    by = {(r.kind, r.row.strip()): r for r in st.baseline_limit_rows}
    assert [c.count for c in by[("ecog", "2")].cells] == [3]          # "0" in Drug B: no patient
    assert [c.count for c in by[("ecog", "3")].cells] == [4, 2] and by[("ecog", "3")].categories == [3]
    assert by[("age category", "<18")].high == 17.999
    ranges = [(r.low_text, r.high_text) for r in st.baseline_limit_rows if r.kind == "age range"]
    assert ranges == [("12", "46"), ("13", "40")]
    rows = study_rows(SimpleNamespace(id="t", source="t", status="ok", error=None, study=st))["baseline_limit_rows"]
    assert {r["kind"] for r in rows} == {"ecog", "age category", "age range"}
