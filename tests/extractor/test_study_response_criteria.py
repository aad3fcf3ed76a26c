"""Study.criteria_citations and Study.response_definitions: what TA403 compares."""
from __future__ import annotations

from types import SimpleNamespace

from trialaudit.extractor.export import study_rows
from trialaudit.extractor.study import extract_study
from trialaudit.extractor.text import parse_text

TEXT = """# A trial

## Methods

Tumour response was assessed according to modified RECIST version 1.1. Partial response (PR) was defined as a decrease of at least 50% in the sum of the longest diameters, and progressive disease (PD) as an increase of at least 20%.

## Results

A partial response was seen in 12 patients (30%).
"""


def test_the_cited_criteria_and_the_articles_own_thresholds():
    st = extract_study(parse_text(TEXT, doc_id="t", source="t", fmt="markdown"))
    (cc,) = [c for c in st.criteria_citations if c.name == "RECIST"]
    assert cc.modified and cc.evidence.role == "criteria cited"
    got = {(d.category, d.threshold) for d in st.response_definitions}
    assert got == {("PR", 50.0), ("PD", 20.0)}       # "30%" of patients in the results is no definition
    rows = study_rows(SimpleNamespace(id="t", source="t", status="ok", error=None, study=st))["response_definitions"]
    assert {r["kind"] for r in rows} == {"criteria cited", "definition"}
