"""Study.population_sizes: every statement of the study's and arms' sizes, the agreed sizes, the study's columns."""
from __future__ import annotations

import json

from trialaudit.extractor.study import extract_study
from trialaudit.extractor.text import parse_text

TEXT = """# A randomised trial of drug A versus drug B

## Abstract

A total of 96 patients were randomized to drug A (n = 55) or drug B (n = 41).

## Methods

We planned to enrol 120 patients. The sample size was calculated for a power of 80%.

## Results

Of the 96 patients, 12 had grade 3 toxicity. Of the 20 patients with lung metastases, 8 responded.
In total, 134 patients were screened and 96 patients were randomized.

Table 1. Baseline characteristics of 96 patients

| Characteristic | Drug A (n = 55) | Drug B (n = 41) | Total (n = 96) | Cited cohort (11) | P value |
|---|---|---|---|---|---|
| Male | 30 (54.5) | 22 (53.7) | 52 (54.2) | 6 | 0.93 |
"""


def _sizes():
    return extract_study(parse_text(TEXT, doc_id="t", source="t", fmt="markdown")).population_sizes


def test_total_and_arm_sizes_are_agreed_from_every_place():
    sz = _sizes()
    assert sz.total == 96 and sz.total_source == "statements"
    assert sorted(sz.arms.values()) == [41, 55]
    places = {st.place for st in sz.statements if st.scope == "total" and st.value == 96}
    assert {"abstract", "table", "table-caption"} <= places
    for st in sz.statements:
        assert st.evidence.quote and st.evidence.role == "stated size"


def test_planned_screened_and_subset_sizes_are_not_statements():
    values = {st.value for st in _sizes().statements}
    assert 120 not in values        # planned
    assert 134 not in values        # screened
    assert 20 not in values         # "Of the 20 patients with lung metastases": a subgroup
    assert 12 not in values


def test_known_sizes_and_table_arm_sets():
    sz = _sizes()
    assert {20, 41, 55, 96, 134} <= set(sz.known_sizes)
    assert sz.table_arm_sets and sorted(n for _, n in sz.table_arm_sets[0].sizes) == [41, 55]


def test_study_columns_leave_out_cited_cohorts_and_p_columns():
    sz = _sizes()
    (cols,) = sz.study_columns
    assert set(cols) == {1, 2, 3}
    assert cols[3] is None                       # Total: the whole cohort
    assert cols[1] is not None and cols[2] is not None and cols[1] != cols[2]


def test_population_sizes_are_exported_with_the_study():
    st = extract_study(parse_text(TEXT, doc_id="t", source="t", fmt="markdown"))
    data = json.loads(st.model_dump_json())
    assert data["population_sizes"]["total"] == 96
    assert type(st).model_validate_json(st.model_dump_json()).population_sizes == st.population_sizes


def test_size_statements_are_a_tidy_table():
    from types import SimpleNamespace

    from trialaudit.extractor.export import study_rows

    st = extract_study(parse_text(TEXT, doc_id="t", source="t", fmt="markdown"))
    rows = study_rows(SimpleNamespace(id="t", source="t", status="ok", error=None, study=st))["size_statements"]
    assert rows and all(r["quote"] and r["line"] for r in rows)
    assert any(r["scope"] == "total" and r["value"] == 96 and r["agreed"] for r in rows)
