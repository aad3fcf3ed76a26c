"""The meta-analyst's question answered from a small synthetic article."""
from __future__ import annotations

import pytest

from trialaudit.meta import answer



@pytest.fixture(scope="module")
def article(read_article, aspirin_trial):
    return read_article(aspirin_trial)


def test_binary_counts_with_group_sizes(article):
    a = answer(article, "headache resolution", "aspirin", "placebo", outcome_type="binary")
    assert a.status == "answered"
    assert (a.intervention.events.value, a.intervention.group_size.value) == (24, 40)
    assert (a.comparator.events.value, a.comparator.group_size.value) == (11, 38)
    assert a.intervention.events.provenance.quote.startswith("24")
    assert a.intervention.events.provenance.table == "Table 2"
    assert "40" in a.intervention.group_size.provenance.quote


def test_continuous_mean_sd_and_n(article):
    a = answer(article, "pain score", "Aspirin", "Placebo", outcome_type="continuous")
    assert a.status == "answered"
    assert (a.intervention.mean.value, a.intervention.sd.value) == (3.2, 1.1)
    assert (a.comparator.mean.value, a.comparator.sd.value) == (4.5, 1.3)
    assert a.comparator.group_size.value == 38
    assert a.comparator.mean.provenance.quote == "4.5 (1.3)"


def test_absent_outcome_is_not_reported(article):
    a = answer(article, "all-cause mortality", "aspirin", "placebo", outcome_type="binary")
    assert a.status == "not reported"
    assert a.intervention.events is None and a.comparator.events is None
    assert a.reason


def test_unknown_arm_is_not_reported(article):
    a = answer(article, "pain score", "ibuprofen", "paracetamol", outcome_type="continuous")
    assert a.status == "not reported"


def test_wrong_type_is_not_guessed(article):
    # a mean (SD) row asked as a binary outcome holds no counts
    a = answer(article, "pain score", "aspirin", "placebo", outcome_type="binary")
    assert a.status != "answered"


def test_path_source_and_dict(tmp_path, aspirin_trial):
    p = tmp_path / "t.md"
    p.write_text(aspirin_trial)
    d = answer(p, "Headache resolved", "aspirin", "placebo", outcome_type="binary").as_dict()
    assert d["intervention_events"] == 24 and d["comparator_group_size"] == 38


def test_qualified_outcome_not_answered_by_broader_row(article):
    # 'severe headache resolved' is not the 'Headache resolved' row
    a = answer(article, "severe headache resolved", "aspirin", "placebo", outcome_type="binary")
    assert a.status == "not reported"


def test_control_column_found_by_role(article):
    # the comparator is described, not named: the placebo column is the control
    a = answer(article, "pain score", "aspirin 500 mg", "usual care control", outcome_type="continuous")
    assert a.status == "answered"
    assert a.comparator.mean.value == 4.5


HEADER_LABELS = """# Laparoscopic ureterolithotomy versus flexible ureteroscopy: a randomised trial

## Methods

Patients were randomised into two groups. Group I (n = 22) underwent transperitoneal laparoscopic
ureterolithotomy and Group II (n = 20) underwent flexible ureteroscopy.

## Results

Table 2. Postoperative data.

| | TPLU Group (Group I) | F-URS Group (Group II) | p value |
|---|---|---|---|
| Complications | 5 (22.7%) | 7 (35%) | 0.59 |
| Fever | 5 (25%) | 7 (35%) | 0.59 |
"""


def test_group_size_from_the_group_label_in_a_header(read_article):
    art = read_article(HEADER_LABELS)
    a = answer(art, "Complication", "Transperitoneal laparoscopic ureterolithotomy", "Flexible ureteroscopy",
               outcome_type="binary")
    assert a.status == "answered", a.reason
    assert (a.intervention.events.value, a.intervention.group_size.value) == (5, 22)
    assert (a.comparator.events.value, a.comparator.group_size.value) == (7, 20)
    assert a.intervention.group_size.source == "arm size (group label in the header)"
    # a percentage that does not fit the labelled group's size (5 of 22 is not 25%): no size
    a = answer(art, "Fever", "Transperitoneal laparoscopic ureterolithotomy", "Flexible ureteroscopy",
               outcome_type="binary")
    assert a.status == "not reported"


def test_outcome_words_of_the_title_may_be_left_unsaid():
    from trialaudit.meta import _relevant
    title = "Effects of lidocaine, ketamine, and remifentanil on withdrawal response of rocuronium"
    sentence = "The incidence of withdrawal response was 87% (26/30) and 20% (6/30) in group N and group L."
    assert not _relevant(["withdrawal response of rocuronium"])(sentence)
    assert _relevant(["withdrawal response of rocuronium"], title)(sentence)
    # at least two of the outcome's words must be said
    assert not _relevant(["withdrawal response of rocuronium"], title)("The response was 87% (26/30).")
    # a missing word that the title does not hold still counts
    assert not _relevant(["withdrawal response of vecuronium"], title)(sentence)
