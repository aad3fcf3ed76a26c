"""Study.text_percentages: counts with percentages in sentences and their denominators (TA101)."""
from __future__ import annotations

from types import SimpleNamespace

from trialaudit.extractor.export import study_rows
from trialaudit.extractor.study import extract_study
from trialaudit.extractor.text import parse_text


def _study(results: str):
    return extract_study(parse_text(f"# A trial\n\n## Results\n\n{results}\n", doc_id="t", source="t",
                                    fmt="markdown"))


def test_printed_and_stated_denominators_with_the_others_of_the_sentence():
    st = _study("Of the 40 evaluable patients, 12 (30.0%) responded and 9/40 (22.5%) had stable disease. "
                "Nausea occurred in 19 patients (59.4%) and did not occur in 13 patients (40.6%).")
    got = {(t.count, t.n, t.source) for t in st.text_percentages}
    assert (12, 40, "sentence") in got and (9, 40, "n/N") in got
    assert not any(t.count in (19, 13) for t in st.text_percentages)   # no denominator stated: not read
    first = next(t for t in st.text_percentages if t.count == 12)
    assert first.other_ns == [40] and first.evidence.role == "reported" and first.percent.text == "30.0"
    rows = study_rows(SimpleNamespace(id="t", source="t", status="ok", error=None, study=st))["text_percentages"]
    assert {(r["count"], r["n"]) for r in rows} == {(12, 40), (9, 40)}


def test_a_split_population_is_another_denominator():
    st = _study("Among 60 patients, 19 patients (59.4%) were men and 13 patients (40.6%) were women.")
    t = next(t for t in st.text_percentages if t.count == 19)
    assert t.n == 60 and 32 in t.other_ns     # 19 + 13: the percentages add up to 100%
