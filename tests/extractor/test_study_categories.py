"""extractor/study/categories.py: runs of category rows, their verdicts, and Study.category_sets."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from trialaudit.extractor.export import study_rows
from trialaudit.extractor.study import extract_study
from trialaudit.extractor.study.categories import classify, parse_interval
from trialaudit.extractor.text import parse_text


@pytest.mark.parametrize("label,lo,hi", [
    ("<18", None, 18.0), ("≥18", 18.0, None), ("12–17 years", 12.0, 17.0), ("3+", 3.0, None), ("2", 2.0, 2.0),
    ("Age ≥ 65", 65.0, None), ("under 18", None, 18.0),
])
def test_parse_interval(label, lo, hi):
    iv = parse_interval(label)
    assert iv is not None and (iv.lo, iv.hi) == (lo, hi)


def test_classify_exclusive_and_complete():
    assert classify(["Male", "Female"]).complete
    assert classify(["Yes", "No"]).exclusive
    assert classify(["0", "1", "≥2"]).complete
    assert not classify(["Lung", "Bone", "Other sites"], "Sites of metastasis").exclusive
    assert not classify(["0", "1", "Osteosarcoma subtypes, canonical"], "ECOG").exclusive
    assert classify(["CR", "PR", "SD", "PD"]).complete
    # an ethnicity row among race rows overlaps them; race rows that carry the ethnicity are a combined scheme
    assert not classify(["White", "Black", "Hispanic/Latino", "Other"], "Race").exclusive
    assert classify(["White, non-Hispanic", "Black, non-Hispanic", "Hispanic", "Other"], "Race/ethnicity").exclusive
    assert classify(["Hispanic", "Non-Hispanic"], "Ethnicity").exclusive


TABLE = """# T

## Results

Table 1. Baseline

| Characteristic | A (n = 20) | B (n = 20) |
|---|---|---|
| Sex, n (%) | | |
| Male | 10 (50) | 12 (60) |
| Female | 10 (50) | 8 (40) |
| Sites of metastasis | | |
| Lung | 15 | 14 |
| Bone | 9 | 8 |
"""


def test_category_sets_are_study_facts_and_exported():
    st = extract_study(parse_text(TABLE, doc_id="t", source="t", fmt="markdown"))
    got = {c.variable: (c.labels, c.exclusive, c.complete) for c in st.category_sets}
    assert got["Sex"] == (["Male", "Female"], True, True)
    assert got["Sites of metastasis"][1] is False     # several sites per patient: not exclusive
    rows = study_rows(SimpleNamespace(id="t", source="t", status="ok", error=None, study=st))["category_sets"]
    assert {r["variable"] for r in rows} == set(got) and all(r["table"] == "Table 1" for r in rows)
