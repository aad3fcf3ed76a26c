"""Study.text_tests: two-group tests printed in sentences (read by TA202 and TA203)."""
from __future__ import annotations

from types import SimpleNamespace

from trialaudit.extractor.study import extract_study
from trialaudit.extractor.text import parse_text

TEXT = """# A randomised trial of metformin versus placebo

## Methods

Patients were randomised to the metformin group (n = 40) or the placebo group (n = 38). Group sizes of 17/53 were planned (P = 0.5).

## Results

The response rate was 32.1% (17/53) with metformin versus 25.0% (7/28) with placebo (P = 0.61).

Weight fell by 4.1 ± 2.0 kg in the metformin group and 2.9 ± 2.2 kg in the placebo group (t = 2.52, P = 0.014).

Of the responders, 12/17 were women and 5/17 were men.
"""


def _study():
    return extract_study(parse_text(TEXT, doc_id="t", source="t", fmt="markdown"))


def test_two_proportions_and_a_p_are_one_2x2_test():
    props = [t for t in _study().text_tests if t.kind == "proportions"]
    assert len(props) == 1  # the methods sentence and the one-group split are not tests
    t = props[0]
    assert t.count_tables[0].counts == [[17, 36], [7, 21]]
    assert t.p is not None and t.p.value.value == 0.61 and t.p.operator == "="
    assert "17/53" in t.quote and t.quote.endswith("0.61")


def test_two_means_with_t_and_p_name_their_arms_and_sizes():
    means = [t for t in _study().text_tests if t.kind == "means"]
    assert len(means) == 1
    t = means[0]
    assert [(m.value, s.value) for m, s in t.means] == [(4.1, 2.0), (2.9, 2.2)]
    assert t.ns == [40, 38] and len(t.arm_ids) == 2
    assert t.statistic is not None and t.statistic.kind == "t" and t.statistic.value.value == 2.52
    assert t.p is not None and t.p.value.value == 0.014


def test_text_tests_are_a_tidy_table():
    from trialaudit.extractor.export import study_rows

    rows = study_rows(SimpleNamespace(id="t", source="t", status="ok", error=None, study=_study()))["text_tests"]
    assert {r["kind"] for r in rows} == {"proportions", "means"}
    m = next(r for r in rows if r["kind"] == "means")
    assert m["arm_n"] == "40; 38" and m["statistic_kind"] == "t" and m["p"] == 0.014
    assert m["means"] == "4.1 ± 2.0; 2.9 ± 2.2" and m["quote"]
