"""Adverse events by term, grade and arm; both table layouts."""
from __future__ import annotations

import pytest

from trialaudit.extractor.study import extract_study
from trialaudit.extractor.study.adverse import normalise_grade
from trialaudit.extractor.text import parse_text

HEAD = """# A trial of drug A plus B versus B

## Abstract

A total of 100 patients were enrolled (53 in the A+B group and 47 in the B group).

## Results

"""

TERMS_AS_ROWS = HEAD + """Table 3. Treatment related adverse events

| Events, n (%) | A+B group (n = 53) | | B group (n = 47) | |
|---|---|---|---|---|
| | Any grade | Grade ≥ 3 | Any grade | Grade ≥ 3 |
| Any TRAE | 52 (98.1) | 37 (69.8) | 40 (85.1) | 18 (38.3) |
| Hypertension | 8 (15.1) | 0 | 4 (8.5) | 1 (2.1) |
"""

ARMS_AS_ROWS = HEAD + """Table 4. Comparison of hematological toxicity between the two groups

| Group | Leukopenia | Anemia | Total incidence | χ² (Fisher) | P value |
|---|---|---|---|---|---|
| A+B group | 0 (0.00) | 2 (3.77) | 2 (3.77) | 4.333 | 0.038 |
| B group | 1 (2.13) | 3 (6.38) | 4 (8.51) | | |
"""


@pytest.mark.parametrize("label,grade", [("Any grade", "any"), ("Grade ≥ 3", ">=3"), ("Grade1/2", "1-2"),
                                         ("Grade3", "3"), ("Grade 3-4", "3-4"), ("Grade 3 or higher", ">=3"),
                                         ("All grades", "any")])
def test_normalise_grade(label, grade):
    assert normalise_grade(label) == grade


def _ae(st):
    names = {a.id: a.label for a in st.arms}
    return {(names.get(a.arm, a.group), a.term, a.grade): (a.count, a.percent.value if a.percent else None)
            for a in st.adverse_events}


def test_terms_as_rows_two_level_header():
    st = extract_study(parse_text(TERMS_AS_ROWS, doc_id="t", source="t", fmt="markdown"))
    got = _ae(st)
    assert got[("A+B group", "Any TRAE", "any")] == (52, 98.1)
    assert got[("A+B group", "Hypertension", ">=3")] == (0, None)
    assert got[("B group", "Hypertension", ">=3")] == (1, 2.1)
    assert len(got) == 8
    ae = st.adverse_events[0]
    assert ae.provenance.table == "Table 3" and ae.provenance.column and ae.provenance.row == "Any TRAE"


def test_arms_as_rows_terms_as_columns():
    st = extract_study(parse_text(ARMS_AS_ROWS, doc_id="t", source="t", fmt="markdown"))
    got = _ae(st)
    assert got[("A+B group", "Leukopenia", "any")] == (0, 0.0)
    assert got[("B group", "Total incidence", "any")] == (4, 8.51)
    assert len(got) == 6     # the χ² and P columns are not events
    t = next(t for t in st.tests if t.provenance.table == "Table 4")
    assert (t.statistic, t.stat_value.value, t.p.value, t.test) == ("chi2", 4.333, 0.038, "fisher")
