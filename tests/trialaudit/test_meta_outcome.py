"""Outcome naming: the question's outcome found under another wording of the same row."""
from __future__ import annotations

import pytest

from trialaudit.meta import answer, events_from_percent
from trialaudit.meta_outcome import _clean_label, _loose_variants

ARTICLE = """# Drug A versus placebo after surgery: a randomised trial

## Methods

Patients were randomly assigned to drug A (n = 50) or placebo (n = 50).

## Results

Table 1. Baseline characteristics.

| Variable | Drug A (n = 50) | Placebo (n = 50) | P |
|---|---|---|---|
| Height (cm) | 171.2 (8.1) | 169.9 (7.7) | 0.4 |
| Hypertension, % | 44 | 38 | 0.5 |

Table 2. Outcomes.

| Outcome | Drug A (n = 50) | Placebo (n = 50) | P |
|---|---|---|---|
| Mean operation time, min | 62.5 (10.2) | 70.1 (12.4) | 0.01 |
| Duration of stay (days) | | | |
| mean (SD) | 4.1 (1.2) | 5.3 (1.9) | 0.02 |
| Side effects | | | |
| Patients reporting side effects | 12 (24.0) | 8 (16.0) | 0.3 |
| Headache | 5 (10.0) | 3 (6.0) | 0.7 |

Table 3. Outcomes in the subgroup of older patients.

| Variable | Drug A (n = 20) | Placebo (n = 20) | P |
|---|---|---|---|
| Hypertension, % | 50 | 40 | 0.5 |
"""


@pytest.fixture(scope="module")
def article(read_article):
    return read_article(ARTICLE)


def test_units_and_measures_are_no_part_of_a_row_name():
    assert _clean_label("Mean operation time, min") == "Mean operation time"
    assert _clean_label("Dipyrone, mg: mean (standard deviation) [n]") == "Dipyrone"
    assert _clean_label("BMI (kg m⁻²)") == "BMI"
    assert _clean_label("Myocardial infarction (MI)") == "Myocardial infarction (MI)"


def test_time_point_and_units_stripped_from_the_question():
    assert _loose_variants(["Weight at 12 months (kg)"]) == ["Weight"]
    assert _loose_variants(["LDL at the end of treatment"]) == ["LDL"]
    assert _loose_variants(["Pain"]) == []


def test_inflection_and_unit_do_not_hide_the_row(article):
    a = answer(article, "Operative time", "drug A", "placebo", outcome_type="continuous")
    assert a.status == "answered" and a.row == "Mean operation time, min"
    assert a.intervention.mean.value == 62.5


def test_measure_sub_row_under_the_outcome_heading(article):
    a = answer(article, "duration of stay", "drug A", "placebo", outcome_type="continuous")
    assert a.status == "answered"
    assert (a.intervention.mean.value, a.comparator.sd.value) == (4.1, 1.9)


def test_own_label_beats_rows_matching_only_through_heading(article):
    a = answer(article, "side effects", "drug A", "placebo", outcome_type="binary")
    assert a.status == "answered"
    assert (a.intervention.events.value, a.comparator.events.value) == (12, 8)


def test_baseline_word_and_whole_population_table(article):
    a = answer(article, "Baseline height", "drug A", "placebo", outcome_type="continuous")
    assert a.status == "answered" and a.intervention.mean.value == 171.2
    # a bare percentage rebuilt into a count from the arm size; the subgroup table is not taken
    b = answer(article, "Baseline hypertension", "drug A", "placebo", outcome_type="binary")
    assert b.status == "answered"
    assert (b.intervention.events.value, b.intervention.group_size.value) == (22, 50)
    assert b.intervention.events.source == "derived from % and group size"
    assert b.intervention.events.converted


def test_events_from_percent_only_when_one_count_fits():
    assert events_from_percent(44, 0, 50) == 22
    assert events_from_percent(12, 0, 300) is None     # 35, 36 and 37 all print as 12%
    assert events_from_percent(12.3, 1, 300) == 37
    assert events_from_percent(150, 0, 50) is None


STRATA = """# Drug B versus placebo in children and adolescents: a randomised trial

## Methods

Children and adolescents were randomly assigned to drug B or placebo.

## Results

Table 2. Response at week 8.

| Outcome | Children / Drug B (n = 40) | Children / Placebo (n = 42) | Adolescents / Drug B (n = 60) | Adolescents / Placebo (n = 58) | Overall / Drug B (n = 100) | Overall / Placebo (n = 100) |
|---|---|---|---|---|---|---|
| Response, n (%) | 20 (50.0) | 15 (35.7) | 33 (55.0) | 25 (43.1) | 53 (53.0) | 40 (40.0) |
"""


def test_overall_stratum_answers_when_the_question_names_none(read_article):
    a = answer(read_article(STRATA), "response", "drug B", "placebo", outcome_type="binary")
    assert a.status == "answered"
    assert (a.intervention.events.value, a.intervention.group_size.value) == (53, 100)
    assert (a.comparator.events.value, a.comparator.group_size.value) == (40, 100)


SUB_LABELS = """# Lidocaine versus morphine for renal colic: a randomised trial

## Methods

Patients were randomly assigned to intravenous lidocaine (n = 120) or intravenous morphine (n = 120).

## Results

Table 1. Demographic characteristics of both groups.

| | | Lidocaine (n = 120) | Morphine (n = 120) | P |
|---|---|---|---|---|
| Age, years | | 35.2 ± 12.4 | 37.7 ± 11.1 | 0.10 |
| Hydronephrosis | left kidney | 52 (43.3 %) | 52 (43.3 %) | 0.68 |
| | right kidney | 57 (47.5 %) | 53 (44.2 %) | |
| Stone side | right kidney | 60 (50 %) | 57 (47.5 %) | 0.70 |
| | left kidney | 60 (50 %) | 63 (52.5 %) | |
"""


def test_second_label_column_continues_the_row_label(read_article):
    from trialaudit.meta_outcome import sub_labelled_rows
    doc, study = read_article(SUB_LABELS)
    t = doc.tables[0]
    assert [r.label for r in sub_labelled_rows(t).values()] == [
        "Hydronephrosis left kidney", "Hydronephrosis right kidney", "Stone side right kidney",
        "Stone side left kidney"]
    a = answer((doc, study), "Baseline characteristics - hydronephrosis in right kidney", "Intravenous lidocaine",
               "Intravenous morphine", outcome_type="binary")
    assert a.status == "answered", a.reason
    assert (a.intervention.events.value, a.comparator.events.value) == (57, 53)
    assert (a.intervention.group_size.value, a.comparator.group_size.value) == (120, 120)
    assert a.row == "Hydronephrosis right kidney"
    a = answer((doc, study), "Baseline characteristics - left kidney stone", "Intravenous lidocaine",
               "Intravenous morphine", outcome_type="binary")
    assert (a.intervention.events.value, a.comparator.events.value) == (60, 63)


def test_a_headed_or_numeric_second_column_is_no_label_column(read_article):
    from trialaudit.meta_outcome import sub_labelled_rows
    doc, _ = read_article(SUB_LABELS.replace("| | | Lidocaine", "| | Site | Lidocaine"))
    assert sub_labelled_rows(doc.tables[0]) == {}
    doc, _ = read_article(SUB_LABELS.replace("left kidney |", "12 |").replace("right kidney |", "14 |"))
    assert sub_labelled_rows(doc.tables[0]) == {}
