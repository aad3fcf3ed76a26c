"""Study.eligibility and Study.stated_age_ranges: the criteria's ECOG and age limits, the results' age ranges (TA310)."""
from __future__ import annotations

from types import SimpleNamespace

from trialaudit.extractor.export import study_rows
from trialaudit.extractor.study import extract_study
from trialaudit.extractor.text import parse_text


def _study(methods: str, results: str = "Results follow."):
    return extract_study(parse_text(f"# A trial\n\n## Methods\n\n{methods}\n\n## Results\n\n{results}\n",
                                    doc_id="t", source="t", fmt="markdown"))


def test_ecog_and_age_limits_of_the_inclusion_criteria():
    st = _study("Eligible patients were aged 18-75 years and needed to have an ECOG PS of 0-1.")
    got = {x.variable: (x.low, x.high) for x in st.eligibility}
    assert got == {"age": (18.0, 75.0), "ecog": (0.0, 1.0)}
    assert all(x.evidence.role == "eligibility criterion" for x in st.eligibility)


def test_minimum_age_and_exclusions_are_not_read_as_inclusion():
    st = _study("Patients aged 18 years or older were included. Patients older than 80 years were excluded.")
    assert [(x.variable, x.low, x.high) for x in st.eligibility] == [("age", 18.0, None)]
    st = _study("Patients were excluded if they were enrolled in another trial aged 18-75 years.")
    assert st.eligibility == []


def test_age_ranges_printed_in_the_results_and_exported():
    st = _study("Inclusion criteria: age 18 to 65 years.", "The patients' age range of 17 to 66 years was wide.")
    assert [(r.low, r.high) for r in st.stated_age_ranges] == [("17", "66")]
    rows = study_rows(SimpleNamespace(id="t", source="t", status="ok", error=None, study=st))
    assert rows["stated_age_ranges"][0]["low"] == 17.0
    assert rows["eligibility"][0]["variable"] == "age" and rows["eligibility"][0]["high"] == 65.0


def test_required_diagnosis_is_the_most_specific_one_the_criteria_name():
    st = _study("Inclusion criteria: a pathological diagnosis of high-grade osteosarcoma, a bone sarcoma. "
                "Patients with a history of other malignancies such as lymphoma were excluded.")
    rd = st.required_diagnosis
    assert rd is not None and rd.diagnoses == ["osteosarcoma"] and "bone sarcoma" in rd.mentioned
    assert rd.evidence.role == "inclusion criterion"
    rows = study_rows(SimpleNamespace(id="t", source="t", status="ok", error=None, study=st))["required_diagnosis"]
    assert rows[0]["diagnoses"] == "osteosarcoma"
    assert _study("Patients were randomised.").required_diagnosis is None


def test_patients_a_measurement_was_taken_from_are_no_arm_size():
    st = _study("Patients were randomised to an intervention group or a control group.",
                "During the study, urine tests were taken from 36 patients in the intervention group and from 32 "
                "patients in the control group. Data of 47 patients in each group were studied.")
    assert all(a.n not in (36, 32) for a in st.arms)
    assert 47 != st.population_sizes.total
    assert not [s for s in st.population_sizes.statements if s.value in (36, 32)]


def test_a_criterion_the_text_says_was_abandoned_is_not_read():
    st = _study("We originally planned to include only adults older than 70 years, but we had to change this "
                "criterion in the inclusion stage and amend the protocol as some residents were younger than 70 years.")
    assert st.eligibility == []
    st = _study("The age limit of the inclusion criteria was relaxed after the first year. "
                "Eligible patients were aged 18-75 years.")
    assert [(x.low, x.high) for x in st.eligibility] == [(18.0, 75.0)]
    # two statements, a minimum above a maximum, are no range
    st = _study("Inclusion required age over 70 years; residents under 65 years were also enrolled.")
    assert st.eligibility == []


def test_diagnosis_rows_with_their_counts_in_the_study_columns_are_facts_and_exported():
    st = _study("Patients were randomised to the A group (n = 55) or the B group (n = 40).",
                "Table 1 | Baseline characteristics\n\n| Variables | A group (n = 55) | B group (n = 40) |\n|---|---|---|\n"
                "| Pathological type | | |\n| Osteosarcoma | 37 (67.3) | 28 (70.0) |\n"
                "| Soft tissue sarcoma | 18 (32.7) | 12 (30.0) |\n| Ewing sarcoma vs other | 1 | 2 |\n")
    got = [(d.row, d.diagnosis, [c.count for c in d.counts]) for d in st.diagnosis_rows]
    assert ("Soft tissue sarcoma", "soft tissue sarcoma", [18, 12]) in got
    assert not [g for g in got if "vs" in g[0]]
    soft = next(d for d in st.diagnosis_rows if d.row == "Soft tissue sarcoma")
    assert "sarcoma" in soft.family and soft.group and "Pathological" in soft.group
    rows = study_rows(SimpleNamespace(id="t", source="t", status="ok", error=None, study=st))["diagnosis_rows"]
    assert any(r["row"] == "Soft tissue sarcoma" and r["count"] == 18 for r in rows)
