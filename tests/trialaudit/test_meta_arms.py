"""Question arms mapped to table columns named differently: a number only one arm names,
an add-on design, an abbreviation a header shares with a statistic, change columns."""
from __future__ import annotations

from trialaudit.api import document_for
from trialaudit.extractor.study import extract_study
from trialaudit.meta import answer
from trialaudit.meta_arms import _column_groups, _split_time

NUMBERS = """# Peginterferon plus ribavirin for 48 or 24 weeks

## Methods

Patients were randomised in this trial.

## Methods

Patients received peginterferon plus ribavirin for 48 weeks (SD48W, n = 94) or for 24 weeks (SD24W, n = 93).

## Results

Table 2. Virologic response.

| Response | SD48W, n/N (%) | SD24W, n/N (%) | RD (95% CI) |
|---|---|---|---|
| Sustained virologic response | 66/94 (70.2) | 43/93 (46.2) | 24.0 (10.3 to 37.7) |
"""

ADD_ON = """# BTH1677 added to bevacizumab, carboplatin and paclitaxel

## Methods

Patients were randomised in this trial.

## Results

Table 2. Tumour response.

| Response | BTH1677/Bevacizumab/Carboplatin/Paclitaxel (N = 48) | Bevacizumab/Carboplatin/Paclitaxel (N = 23) |
|---|---|---|
| Objective response, n (%) | 25 (52.1) | 7 (30.4) |
"""

FURS = """# Laparoscopic ureterolithotomy versus flexible ureteroscopy

## Methods

Patients were randomised in this trial.

## Results

Table 2. Postoperative data.

| Variable | TPLU Group (Group I) | F-URS Group (Group II) | p value |
|---|---|---|---|
| Mean hospital stay, days | 4.2±1.2 | 2.1±1.1 | 0.001 |
"""

CHANGE = """# Metformin versus placebo

## Methods

Patients were randomised in this trial.

## Results

Table 2. Outcomes after 12 weeks.

| Parameter | Placebo (n = 23) / Mean change [Mean ± SD] | Metformin (n = 21) / Mean change [Mean ± SD] |
|---|---|---|
| Fasting glucose | 2.2 ± 10.0 | 15.2 ± 19.2 |
"""


def _load(tmp_path, text):
    p = tmp_path / "a.md"
    p.write_text(text)
    doc = document_for(p)
    return doc, extract_study(doc)


def test_arms_told_apart_by_a_number(tmp_path):
    a = answer(_load(tmp_path, NUMBERS), "sustained virologic response",
               "peginterferon plus ribavirin for 48 weeks", "peginterferon plus ribavirin for 24 weeks",
               outcome_type="binary")
    assert a.status == "answered", a.reason
    assert (a.intervention.events.value, a.comparator.events.value) == (66, 43)


def test_add_on_design_column_with_the_extra_component(tmp_path):
    a = answer(_load(tmp_path, ADD_ON), "objective response",
               "BTH1677 arm (BTH1677 with bevacizumab, carboplatin and paclitaxel)",
               "Control arm (bevacizumab/carboplatin/paclitaxel)", outcome_type="binary")
    assert a.status == "answered", a.reason
    assert (a.intervention.events.value, a.comparator.events.value) == (25, 7)


def test_add_on_reversed_question_is_not_guessed(tmp_path):
    # the question's intervention is the shared part: the add-on rule does not apply
    a = answer(_load(tmp_path, ADD_ON), "objective response", "bevacizumab/carboplatin/paclitaxel",
               "BTH1677 with bevacizumab/carboplatin/paclitaxel", outcome_type="binary")
    assert not (a.status == "answered" and a.intervention.events.value == 25)


def test_abbreviated_arm_starting_like_a_statistic(tmp_path):
    doc, _ = _load(tmp_path, FURS)
    assert any("F-URS" in k for k in _column_groups(doc.tables[0]))
    a = answer(_load(tmp_path, FURS), "hospital stay", "Transperitoneal laparoscopic ureterolithotomy",
               "Flexible ureteroscopy", outcome_type="continuous")
    assert a.status == "answered", a.reason
    assert (a.intervention.mean.value, a.comparator.mean.value) == (4.2, 2.1)


def test_change_column_does_not_answer_the_value(tmp_path):
    art = _load(tmp_path, CHANGE)
    a = answer(art, "fasting glucose", "metformin", "placebo", outcome_type="continuous")
    assert a.status != "answered"
    b = answer(art, "change in fasting glucose", "metformin", "placebo", outcome_type="continuous")
    assert b.status == "answered", b.reason
    assert b.intervention.mean.value == 15.2


def test_time_header_without_statistic_words():
    assert _split_time("Intervention / 12 m (n=592) mean (95% CI)") == ("Intervention", "12 m")
    assert _split_time("Control / Baseline (n=505) mean (95% CI)") == ("Control", "Baseline")


CYTOKINES = """# Vitamin D supplementation versus placebo

## Methods

Patients were randomised in this trial to the vitamin D group (n = 40) or the placebo group (n = 40).

## Results

Table 2. Serum levels.

| Variable | Placebo (40) / Post: Mean (SD) | Vitamin D (40) / Post: Mean (SD) |
|---|---|---|
| IL-2 | 28.69 (16.29) | 4.49 (2.11) |
| IL-12 | 20.1 (3.0) | 19.0 (2.5) |
| TNF-α | 11.2 (1.5) | 9.8 (1.2) |
"""


def test_row_label_abbreviating_the_outcome(tmp_path):
    art = _load(tmp_path, CYTOKINES)
    a = answer(art, "Interleukin 2", "Vitamin D supplementation", "Control", outcome_type="continuous")
    assert a.status == "answered", a.reason
    assert (a.intervention.mean.value, a.comparator.mean.value) == (4.49, 28.69)
    b = answer(art, "Tumor necrosis factor alpha", "Vitamin D supplementation", "Control", outcome_type="continuous")
    assert b.status == "answered", b.reason
    assert b.intervention.mean.value == 9.8


def test_other_arms_wordings_with_their_defined_abbreviations():
    from trialaudit.meta_arms import other_arm_alts
    from trialaudit.schemas.study import Arm
    arms = [Arm(id="a1", label="Apple Juice", n=30), Arm(id="a2", label="White Grape Juice", n=30),
            Arm(id="a3", label="Water", n=30), Arm(id="t", label="Total", n=90, is_total=True)]
    abbrev = {"AJ": "Apple Juice", "WGJ": "White Grape Juice", "WA": "water"}
    ia, ca = ["white grape juice wgj", "white grape juice", "wgj"], ["colored flavored water wa", "colored flavored water", "wa"]
    # the comparator is the 'Water' arm through the article's abbreviation 'WA'
    assert other_arm_alts("White Grape Juice (WGJ)", "colored and flavored water (WA)", arms, ia, ca, abbrev) \
        == ["aj", "apple juice"]
    # an asked arm that is no study arm: no other groups
    assert other_arm_alts("White Grape Juice (WGJ)", "sugar solution", arms, ia, ["sugar solution"], abbrev) == []
