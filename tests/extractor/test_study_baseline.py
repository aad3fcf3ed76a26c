"""Baseline characteristics: variables, categories, per-arm quantities and their tests."""
from __future__ import annotations

from trialaudit.extractor.study import extract_study
from trialaudit.extractor.text import parse_text

TEXT = """# A trial of drug A plus B versus B

## Abstract

A total of 95 patients were included (55 in the A+B group and 40 in the B group).

## Results

Table 1. Baseline characteristics of patients

| Variables | A+B group (n = 55) | B group (n = 40) | t/χ² | P value |
|---|---|---|---|---|
| Age, years, median (range) | 15.5 (12–46) | 22.5 (12–52) | | |
| <18 | 29 (52.7) | 15 (37.5) | | |
| Age (years old) | 30±6.44 | 28±8.03 | 0.772 | 0.441 |
| Sex (Male/Female) | 31/24 | 23/17 | 0.000 | 0.912 |
| ECOG PS, n (%) | | | | |
| 0 | 14 (25.5) | 10 (25.0) | | |
| 1 | 41 (74.5) | 30 (75.0) | | |
| T stage | | | 0.592 | |
| T1 | 13 | 8 | | 0.746 |
| T2 | 42 | 32 | | |
| Comorbidities | | | | |
| Heart disease | 5 | 4 | 0.013 | 0.923 |
| Hepatic dysfunction | 4 | 3 | 0.000 | 0.905 |
| Time since diagnosis, months, median (IQR) | 12.1 (5.4, 18.8) | 15.1 (8.6, 22.7) | | |
"""


def rows(st):
    names = {a.id: a.label for a in st.arms}
    return {(b.variable, b.category, names.get(b.arm, b.group)): b.quantity for b in st.baseline}


def test_baseline_variables_categories_quantities():
    st = extract_study(parse_text(TEXT, doc_id="t", source="t", fmt="markdown"))
    r = rows(st)
    q = r[("Age, years, median (range)", None, "A+B group")]
    assert q.kind == "median_range" and (q.value.value, q.low.value, q.high.value) == (15.5, 12, 46)
    # a category-like row right after a variable of its own belongs to it
    assert r[("Age, years, median (range)", "<18", "B group")].count.value == 15
    assert r[("Age (years old)", None, "A+B group")].kind == "mean_sd"
    # "Sex (Male/Female) | 31/24" -> two categories
    assert r[("Sex", "Male", "A+B group")].count.value == 31
    assert r[("Sex", "Female", "B group")].count.value == 17
    assert r[("ECOG PS, n (%)", "1", "A+B group")].percent.value == 74.5
    assert r[("T stage", "T2", "B group")].count.value == 32
    assert r[("Time since diagnosis, months, median (IQR)", None, "B group")].interval == "iqr"
    for b in st.baseline:
        assert b.provenance.method == "table-cell" and b.provenance.table == "Table 1"


def test_baseline_tests_per_variable_block():
    st = extract_study(parse_text(TEXT, doc_id="t", source="t", fmt="markdown"))
    tests = {t.compares: t for t in st.tests if t.provenance.table == "Table 1"}
    age = tests["Age (years old)"]
    assert (age.test, age.statistic, age.stat_value.value, age.p.value) == ("t-test", "t", 0.772, 0.441)
    sex = tests["Sex (Male/Female)"]
    assert (sex.test, sex.statistic, sex.p.value) == ("chi-square", "chi2", 0.912)
    # statistic on the heading row, p on the first category: one test
    tstage = tests["T stage"]
    assert (tstage.stat_value.value, tstage.p.value) == (0.592, 0.746)
    # categories with their own test each
    assert tests["Comorbidities: Heart disease"].p.value == 0.923
    assert tests["Comorbidities: Hepatic dysfunction"].p.value == 0.905
    comparisons = [b for b in st.baseline if b.group == "comparison"]
    assert {b.variable for b in comparisons} >= {"T stage", "Age (years old)"}
