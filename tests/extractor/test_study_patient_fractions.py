"""Study.patient_fractions: fractions of patients in running text (read by TA303)."""
from __future__ import annotations

from trialaudit.extractor.study import extract_study
from trialaudit.extractor.text import parse_text


def _study(results: str, intro: str = "Earlier trials reported 30/400 patients responding.") -> object:
    text = f"# A randomised trial\n\n## Introduction\n\n{intro}\n\n## Results\n\n{results}\n"
    return extract_study(parse_text(text, doc_id="t", source="t", fmt="markdown"))


def test_fractions_of_patients_in_results_only():
    st = _study("A response was seen in 12/30 patients. Of the patients treated, 9/45 relapsed.")
    assert [(f.text, f.denominator, f.place) for f in st.patient_fractions] == [
        ("12/30", 30, "sentence"), ("9/45", 45, "sentence")]
    assert st.patient_fractions[0].evidence.role == "fraction"


def test_fractions_of_other_units_are_left_out():
    st = _study("Toxicity occurred in 3/12 cycles and 2/5 lesions shrank.")
    assert st.patient_fractions == []
