"""Dose details of drug mentions (extractor.study.doses)."""
from __future__ import annotations

import pytest

from trialaudit.extractor.study.doses import normalise_days, parse_drug_mentions, parse_schedule


def _by_drug(text):
    out = {}
    for m in parse_drug_mentions(text):
        out.setdefault(m.drug, m)
    return out


def test_abstract_regimen_with_shared_schedule():
    ms = _by_drug("Patients were randomized 2:1 to receive apatinib (500 mg orally once daily) plus IE "
                  "(ifosfamide 1.8 g/m²/day and etoposide 100 mg/m²/day, days 1–3 every 3 weeks).")
    apa, ifo, eto = ms["apatinib"], ms["ifosfamide"], ms["etoposide"]
    assert (apa.dose.value, apa.dose.unit, apa.route, apa.frequency) == (500, "mg", "oral", "QD")
    assert apa.days is None and apa.cycle_days is None          # a daily oral drug does not inherit the IE schedule
    assert (ifo.dose.value, ifo.dose.unit, ifo.dose.per) == (1.8, "g/m²", "day")
    assert (ifo.days, ifo.cycle_days, ifo.frequency) == ("1-3", 21, "Q3W")   # shared from etoposide's text
    assert (eto.dose.value, eto.dose.unit, eto.days, eto.cycle_days) == (100, "mg/m²", "1-3", 21)


def test_unicode_subscript_days_and_q3w():
    ms = _by_drug("Participants received 500 mg of apatinib orally once daily, combined with ifosfamide "
                  "(1.8 g/m²/day d₁₋₃) and etoposide (100 mg/m²/day d₁₋₃), administered every three weeks (Q3W).")
    assert ms["apatinib"].dose.value == 500                       # dose written before the name
    assert ms["ifosfamide"].days == "1-3" and ms["ifosfamide"].cycle_days == 21
    assert ms["etoposide"].days == "1-3" and ms["etoposide"].frequency == "Q3W"


def test_regimen_acronym_alone_carries_schedule():
    ms = parse_drug_mentions("IE alone (same doses, days 1–5 every 3 weeks)")
    assert {m.drug for m in ms} == {"ifosfamide", "etoposide"}
    assert all(m.days == "1-5" and m.cycle_days == 21 and m.dose is None for m in ms)


def test_route_days_and_cycles():
    ms = _by_drug("Cisplatin 60 mg/m² was administered intravenously on Day 1, and Doxorubicin 37.5 mg/m² was "
                  "administered intravenously on Days 1 and 2.")
    assert ms["cisplatin"].route == "iv" and ms["cisplatin"].days == "1"
    assert ms["doxorubicin"].dose.value == 37.5 and ms["doxorubicin"].days == "1-2"
    s = parse_schedule("Patients received six cycles of treatment, with each cycle lasting 3 weeks.")
    assert s.cycles == 6 and s.cycle_days == 21


def test_bsa_tiers_and_weight_adjustment():
    ms = _by_drug("ETOP: for patients with a body surface area (BSA) >1.5 m², 1.2 g/m² was administered "
                  "intravenously every 3 weeks; for patients with a BSA ≤1.5 m², the dose was 1 g/m².")
    e = ms["etoposide"]
    assert e.dose.value == 1.2 and "BSA" in e.adjustment and "tiered" in e.adjustment
    s = parse_schedule("individuals weighing less than 60 kg were administered 8 mg once daily")
    assert s.adjustment == "by weight" and s.frequency == "QD" and s.dose.value == 8


@pytest.mark.parametrize("text,days", [("d1-5", "1-5"), ("d₁₋₃", "1-3"), ("days 1–3", "1-3"),
                                       ("days 1 to 5", "1-5"), ("Days 1 and 2", "1-2"), ("d1,8", "1,8"),
                                       ("on day 1", "1")])
def test_normalise_days(text, days):
    assert normalise_days(text) == days


@pytest.mark.parametrize("text,freq,cycle", [("every 3 weeks", "Q3W", 21), ("Q2w", "Q2W", 14), ("q3w", "Q3W", 21),
                                             ("every two weeks", "Q2W", 14), ("every 21 days", "Q3W", 21),
                                             ("21-day cycles", "Q3W", 21), ("twice daily", "BID", None),
                                             ("once daily (QD)", "QD", None), ("weekly", "QW", 7)])
def test_frequencies(text, freq, cycle):
    s = parse_schedule(text)
    assert s.frequency == freq and s.cycle_days == cycle


def test_auc_dose_and_cycles_shared():
    ms = _by_drug("Patients received carboplatin AUC 5 on day 1 and paclitaxel 175 mg/m2 iv every 21 days for six cycles.")
    assert ms["carboplatin"].dose.unit == "AUC" and ms["carboplatin"].dose.value == 5
    assert ms["carboplatin"].cycle_days == 21 and ms["paclitaxel"].cycles == 6


def test_not_doses():
    s = parse_schedule("Absolute neutrophil count <500/mm3 for ≥3 days; tumour evaluations every two cycles")
    assert s.dose is None and s.cycles is None and s.days is None


def test_a_bracketed_dose_after_an_unknown_drug_is_not_the_previous_drugs():
    from trialaudit.extractor.study.doses import find_doses
    text = ("neoadjuvant DE (docetaxel: 75 mg/m², d1, epirubicin: 75 mg/m², d1), or neoadjuvant DE combined with "
            "rh-endostatin (7.5 mg/m², d1-d14)")
    got = {(d.drug, d.value) for d in find_doses(text)}
    assert ("epirubicin", 75.0) in got and ("epirubicin", 7.5) not in got
    assert ("epirubicin", 75.0) in {(d.drug, d.value) for d in find_doses("epirubicin hydrochloride (75 mg/m², d1)")}


@pytest.mark.parametrize("text, expected", [
    # a drug written right before a dose owns it, not the drug after the "+"
    ("consisting of A-drugs (cyclophosphamide 600 mg/m² + epirubicin 90 mg/m² + fluorouracil 600 mg/m²)",
     [("cyclophosphamide", "600 mg/m²"), ("epirubicin", "90 mg/m²"), ("fluorouracil", "600 mg/m²")]),
    ("patients took 500 mg of apatinib orally once daily", [("apatinib", "500 mg")]),
    ("400 mg imatinib daily", [("imatinib", "400 mg")]),
    ("cisplatin: 75 mg/m2 and docetaxel at 60 mg/m2", [("cisplatin", "75 mg/m2"), ("docetaxel", "60 mg/m2")]),
])
def test_stated_dose_binds_to_the_drug_written_next_to_it(text, expected):
    from trialaudit.extractor.study.doses import find_doses
    assert [(d.drug, d.text) for d in find_doses(text)] == expected


def test_stated_doses_are_study_facts_with_evidence_and_a_tidy_table():
    from types import SimpleNamespace

    from trialaudit.extractor.export import study_rows
    from trialaudit.extractor.study import extract_study
    from trialaudit.extractor.text import parse_text
    text = ("# T\n\n## Methods\n\nPatients received cisplatin 75 mg/m² on day 1 and capecitabine 1000 mg/m² twice "
            "daily on days 1-14 every 3 weeks. High-dose carboplatin 500 mg/m² was followed by autologous stem-cell "
            "rescue.\n\n## References\n\n1. Smith J. Cisplatin 100 mg/m² in older patients. J Clin Oncol. 2001.\n")
    st = extract_study(parse_text(text, doc_id="t", source="t", fmt="markdown"))
    got = [(d.drug, d.text, d.unit, d.per, d.daily_multiplier, d.high_dose) for d in st.stated_doses]
    assert got == [("cisplatin", "75 mg/m²", "mg/m2", "day", 1, False),
                   ("capecitabine", "1000 mg/m²", "mg/m2", "day", 2, False),
                   ("carboplatin", "500 mg/m²", "mg/m2", "unspecified", 1, True)]
    assert all(d.evidence.role == "dose" and d.drug in d.evidence.quote.lower() for d in st.stated_doses)
    rows = study_rows(SimpleNamespace(id="t", source="t", status="ok", error=None, study=st))["stated_doses"]
    assert [r["dose"] for r in rows] == ["75 mg/m²", "1000 mg/m²", "500 mg/m²"] and all(r["line"] for r in rows)


def test_find_doses_attribution_and_basis():
    from trialaudit.extractor.study.doses import find_doses
    ds = find_doses("Participants received 500 mg of apatinib orally once daily, combined with ifosfamide "
                    "(1.8 g/m²/day d1-3) and etoposide (100 mg/m²/day d1-3), every three weeks.")
    got = [(d.drug, d.value, d.unit, d.per) for d in ds]
    assert ("apatinib", 500.0, "mg", "day") in got
    assert ("ifosfamide", 1800.0, "mg/m2", "day") in got
    assert ("etoposide", 100.0, "mg/m2", "day") in got


def test_supportive_drug_takes_its_own_dose():
    from trialaudit.extractor.study.doses import find_doses
    ds = find_doses("ifosfamide 3 g/m2/d d1-5 with mesna 3 g/m2/d")
    assert [(d.drug, d.value) for d in ds] == [("ifosfamide", 3000.0)]
