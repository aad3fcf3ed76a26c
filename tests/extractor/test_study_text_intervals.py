"""Study.text_intervals: estimates printed with an interval in results sentences (read by TA208)."""
from __future__ import annotations

from trialaudit.extractor.study import extract_study
from trialaudit.extractor.text import parse_text


def _study(results: str):
    text = (f"# A trial\n\n## Results\n\n{results}\n\n## References\n\n"
            "1. Smith A. The median was 9.0 months (IQR 4.0–12.0). J Trials. 2001;1:1–9.\n")
    return extract_study(parse_text(text, doc_id="t", source="t", fmt="markdown"))


def test_results_intervals_with_their_kind():
    st = _study("The median PFS was 12.1 months (IQR 5.4–18.8). The mean difference was 2.3 (95% CI 0.6 to 4.0).")
    got = [(t.value.text, t.low.text, t.high.text, t.kind, t.labelled) for t in st.text_intervals]
    assert ("12.1", "5.4", "18.8", "iqr", True) in got and ("2.3", "0.6", "4.0", "ci", True) in got
    assert all(t.value.text != "9.0" for t in st.text_intervals)   # the references are not this study's results


def test_bounds_kept_as_printed_and_sd_brackets_left_out():
    st = _study("Scores rose by 6.50 (19.83-13.33). The change was −1.65 (SD = 2.5; 95% CI −2.1 to −1.2).")
    got = {t.value.text: (t.low.text, t.high.text, t.labelled) for t in st.text_intervals}
    assert got.get("6.50") == ("19.83", "13.33", False)
    assert "−1.65" not in got and "-1.65" not in got


def test_a_rate_per_unit_is_the_estimate_of_the_interval_after_its_unit():
    from trialaudit.extractor.study import extract_study
    from trialaudit.extractor.text import parse_text
    t = ("The incidence was 20.9 per 100 years [95% CI, 10.8 to 36.4] and 38.4 per 100 person-years (95% CI 9.6 to "
         "31.2); 95/115 (82.6%; 95% CI, 75.0 to 88.5) responded.")
    st = extract_study(parse_text(f"# T\n\n## Results\n\n{t}\n", doc_id="t", source="t", fmt="markdown"))
    got = [(x.value.text, x.low.text, x.high.text) for x in st.text_intervals]
    assert ("20.9", "10.8", "36.4") in got and ("38.4", "9.6", "31.2") in got
    assert not [g for g in got if g[0] in ("100", "95")]
