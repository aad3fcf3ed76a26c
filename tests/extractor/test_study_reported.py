"""Study.reported_values and Study.section_repairs: the facts the cross-place rules (TA307, TA308) read."""
from __future__ import annotations

import pytest

from trialaudit.extractor.export import study_rows
from trialaudit.extractor.study import extract_study
from trialaudit.extractor.study.sections import section_repairs
from trialaudit.extractor.text import parse_text

TEXT = """# A randomised trial of drug A plus B versus B alone

## Abstract

A total of 120 patients were randomized (60 in the A+B group and 60 in the B group). The median PFS was 8.1 months (95% CI 6.0-10.2) in the A+B group and 5.2 months in the B group. The ORR was 40.0%.

## Results

The median PFS was 8.1 months (95% CI 6.0-10.2) in the A+B group and 5.2 months (95% CI 4.1-6.3) in the B group.

Table 2. Efficacy

| Outcome | A+B (n = 60) | B (n = 60) |
|---|---|---|
| Progression-free survival, median (95% CI) | 8.1 (6.0-10.2) | 5.2 (4.1-6.3) |
"""


def _study():
    return extract_study(parse_text(TEXT, doc_id="t", source="t", fmt="markdown"))


def test_reported_values_are_study_facts_with_place_and_evidence():
    st = _study()
    pfs = [r for r in st.reported_values if r.measure == "PFS" and r.stat == "median"]
    places = {r.place for r in pfs}
    assert {"abstract", "text", "table"} <= places
    for r in pfs:
        assert r.evidence is not None and r.evidence.quote
        assert r.value is not None and r.value.value in (8.1, 5.2)
    table_ab = [r for r in pfs if r.place == "table" and r.value.value == 8.1]
    assert table_ab and table_ab[0].interval == "ci" and (table_ab[0].low.value, table_ab[0].high.value) == (6.0, 10.2)
    assert table_ab[0].arm is not None and table_ab[0].key == ("PFS", "median", table_ab[0].arm)


def test_reported_values_are_exported_as_a_tidy_table():
    st = _study()

    class Art:  # the shape extract() returns
        id, source, status, error, study = "t", "t", "ok", None, st

    rows = study_rows(Art())["reported_values"]
    assert rows and all(r["article"] == "t" and r["quote"] for r in rows)
    assert any(r["measure"] == "PFS" and r["place"] == "table" and r["value"] == 8.1 for r in rows)


def test_section_repairs_give_a_heading_read_as_a_sentence_its_followers():
    # a "Discussion" heading swallowed by a figure block: the results paragraph after it is discussion
    text = ("# T\n\n## Results\n\nThe ORR was 40%. Figure 2 shows the curves.\n\n"
            "Figure 2. Kaplan-Meier curves. Discussion. Our trial is the first of its kind.\n\n"
            "The ORR was 40% here.\n")
    doc = parse_text(text, doc_id="t", source="t", fmt="markdown")
    rep = section_repairs(doc)
    last = doc.sentences[-1]
    assert last.section_kind == "results" and rep == {last.id: "discussion"}
    assert extract_study(doc).section_repairs == rep


@pytest.mark.parametrize("label,measure", [
    ("Median follow-up, months", "follow-up"),
    ("Follow-up (months)", "follow-up"),
    ("1-month follow-up", None),
    ("4 months follow-up", None),
    ("At follow-up", None),
    ("Follow-up visit", None),
])
def test_a_follow_up_time_point_is_not_the_length_of_follow_up(label, measure):
    from trialaudit.extractor.study.reported import _label_measure
    assert _label_measure(label) == measure


def test_a_second_estimate_of_a_hazard_ratio_and_its_adjustment():
    text = ("# T\n\n## Results\n\nThe unadjusted OS HR was 0.94 (95% CI = 0.58 to 1.54; P = .81), and 0.95 "
            "(95% CI = 0.58 to 1.55; P = .83) after allowing for stratification factors.\n")
    st = extract_study(parse_text(text, doc_id="t", source="t", fmt="markdown"))
    got = sorted((r.stat, r.value.text, r.adjusted) for r in st.reported_values if r.measure == "OS")
    # the second estimate is the hazard ratio of another model, not a median
    assert got == [("hr", "0.94", False), ("hr", "0.95", True), ("p", ".81", False), ("p", ".83", True)]
    rows = study_rows(type("Art", (), {"id": "t", "source": "t", "status": "ok", "error": None,
                                       "study": st})())["reported_values"]
    assert {r["adjusted"] for r in rows} == {True, False}
