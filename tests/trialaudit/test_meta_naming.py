"""Arm and outcome naming: defined abbreviations in headers, the words that tell two arms
apart, mnemonic group letters, standard outcome synonyms, caption words, population conditions."""
from __future__ import annotations

import pytest

from trialaudit.extractor.study.meta_labels import initial_label, mnemonic_letters
from trialaudit.meta import _caption_variants, _condition_words, answer
from trialaudit.meta_arms import _arm_score, distinct_alts, expand_abbreviations
from trialaudit.meta_outcome import _relabelled, _row_score
from trialaudit.meta_words import synonym_variants

ABBREV = """# Certolizumab pegol for rheumatoid arthritis: a randomised trial

## Methods

Patients received certolizumab pegol (CZP) 200 mg or 400 mg plus methotrexate (MTX), or placebo (PBO) plus MTX.

## Results

Table 2. Health-related quality of life at week 24.

| Outcome | CZP 200 mg + MTX (n = 393) | CZP 400 mg + MTX (n = 390) | PBO + MTX (n = 199) |
|---|---|---|---|
| Fatigue score, mean (SD) | 5.1 (2.0) | 4.9 (2.1) | 6.3 (2.2) |
"""

CAPTION = """# Iodine in pregnancy: a randomised trial

## Methods

Women were randomised to iodine or placebo.

## Results

Table 2. Developmental outcomes on the Bayley Scales (Bayley-III), mean (SD).

| Outcome | Iodine (n = 27) | Placebo (n = 26) |
|---|---|---|
| Cognitive Standardised Score | 99.4 (12.2) | 101.7 (8.2) |
| Cognitive score <85 | 3 (11.1) | 2 (7.7) |
| Motor Standardised Score | 93.9 (10.8) | 92.4 (9.7) |
"""

SYNONYM = """# Vitamin D supplementation: a randomised trial

## Methods

Patients were randomised to vitamin D or placebo.

## Results

Table 2. Serum levels after 8 weeks.

| Parameter | Vitamin D (n = 40) | Placebo (n = 40) |
|---|---|---|
| 25(OH)D, ng/mL, mean (SD) | 45.9 (15.4) | 21.9 (5.3) |
| VAS, mean (SD) | 3.1 (1.2) | 4.4 (1.5) |
"""

LETTERS = """# Lidocaine or ketamine against withdrawal movement: a randomised trial

## Methods

Patients were allocated to group N (normal saline), group L (lidocaine) or group K (ketamine).

## Results

Withdrawal movement occurred in 26/30, 6/30 and 9/30 patients in group N, group L and group K, respectively.
"""

SUBGROUP = """# Peginterferon for 48 or 24 weeks: a randomised trial

## Methods

Patients were randomised to 48 or 24 weeks of treatment.

## Results

Table 2. Virologic response.

| Response | SD48W, n/N (%) | SD24W, n/N (%) |
|---|---|---|
| SVR | 66/94 (70.2) | 43/93 (46.2) |
"""


def test_header_abbreviations_written_out_as_the_article_defines_them(read_article):
    art = read_article(ABBREV)
    ab = {"CZP": "certolizumab pegol", "MTX": "methotrexate", "PBO": "placebo"}
    assert expand_abbreviations("CZP 200 mg + MTX", ab) == "certolizumab pegol 200 mg + methotrexate"
    assert expand_abbreviations("Cz 200", ab) == "Cz 200"
    assert _arm_score("CZP 200 mg + MTX", ["certolizumab 200 mg"], None, ab) >= 70
    a = answer(art, "fatigue score", "Certolizumab 400 mg", "Control", outcome_type="continuous")
    assert a.status == "answered", a.reason
    assert (a.intervention.mean.value, a.comparator.mean.value) == (4.9, 6.3)


def test_distinguishing_words_of_two_arms():
    assert distinct_alts("1-week quadruple rescue therapy", "2-week quadruple rescue therapy") == (["1 week"], ["2 week"])
    assert distinct_alts("The trabecular metal tibial monoblock component (TM)", "cemented component.") == \
        (["trabecular metal tibial monoblock"], ["cemented"])
    assert distinct_alts("Certolizumab 200 mg", "Certolizumab 400 mg") == ([], [])   # numbers alone name no arm
    assert distinct_alts("drug A", "placebo") == ([], [])                            # nothing shared
    assert distinct_alts("A plus B", "B plus A") == ([], [])


def test_outcome_words_the_caption_says(read_article):
    assert _caption_variants(["The mean cognitive score on the Bayley-III"], "Outcomes on the Bayley-III") == \
        ["the cognitive score on the"]
    a = answer(read_article(CAPTION), "The mean cognitive score on the Bayley-III", "iodine (150 μg/d)", "placebo",
               outcome_type="continuous")
    assert a.status == "answered", a.reason
    assert (a.intervention.mean.value, a.comparator.mean.value) == (99.4, 101.7)


def test_standard_outcome_synonyms(read_article):
    assert "25(OH)D levels" in synonym_variants("Vitamin D levels")
    assert "VAS" in synonym_variants("pain intensity")
    assert synonym_variants("painful joints") == []
    art = read_article(SYNONYM)
    a = answer(art, "Vitamin D levels", "Vitamin D supplementation", "placebo", outcome_type="continuous")
    assert a.status == "answered", a.reason
    assert (a.intervention.mean.value, a.comparator.mean.value) == (45.9, 21.9)
    b = answer(art, "pain intensity", "Vitamin D supplementation", "placebo", outcome_type="continuous")
    assert b.status == "answered", b.reason
    assert b.intervention.mean.value == 3.1


def test_relabelled_row_is_matched_by_its_long_form(read_article):
    doc = read_article(SUBGROUP)[0]
    row = _relabelled(doc.tables[0].rows[-1], "EVR")
    assert row.label == "EVR"
    assert _row_score("early virologic response", row) < 76   # 'early' is a qualifier the bare row lacks
    assert _row_score("early virologic response", _relabelled(row, "early virologic response")) >= 76


def test_population_condition_must_be_named_by_the_row(read_article):
    assert _condition_words("The SVR rates when the patients had BMI >30 kg/m2") >= {"bmi"}
    assert _condition_words("SVR") == set()
    a = answer(read_article(SUBGROUP), "The SVR rates when the patients had BMI >30 kg/m2",
               "peginterferon plus ribavirin for 48 weeks", "peginterferon plus ribavirin for 24 weeks",
               outcome_type="binary")
    assert a.status != "answered"


def test_mnemonic_group_letters(read_article):
    doc = read_article(LETTERS)[0]
    letters = mnemonic_letters(doc)
    assert letters == {"N", "L", "K"}
    assert initial_label("lidocaine 1.5 mg/kg", letters) == "group:l"
    assert initial_label("remifentanil", letters) is None
    a = answer(read_article(LETTERS), "withdrawal movement", "lidocaine", "normal saline", outcome_type="binary")
    assert a.status == "answered", a.reason
    assert (a.intervention.events.value, a.comparator.events.value) == (6, 26)


def test_letters_in_alphabetical_run_are_no_initials(read_article):
    doc = read_article(LETTERS.replace("group N", "group A").replace("group L", "group B")
                       .replace("group K", "group C"))[0]
    assert mnemonic_letters(doc) == set()


def test_group_label_defined_after_a_colon(read_article):
    from trialaudit.extractor.study.meta_labels import group_label_definitions
    doc = read_article("""# Clonidine added to ropivacaine: a randomised trial

## Methods

Group I: 30 ml 0.75% ropivacaine + 1 ml normal saline.
Group II: 30 ml 0.75% ropivacaine + 1 mcg/kg clonidine diluted with normal saline.
""")[0]
    defs = {d.key: d.text for d in group_label_definitions(doc)}
    assert "clonidine" in defs["group:ii"] and "clonidine" not in defs["group:i"]


def test_arm_headers_that_lost_their_span():
    from trialaudit.meta_arms import _respanned_labels
    assert _respanned_labels(["Drug / Mean", "Placebo / SD", "Mean", "SD", "p Value"]) == \
        ["Drug / Mean", "Drug / SD", "Placebo / Mean", "Placebo / SD", "p Value"]
    assert _respanned_labels(["A / Mean", "A / SD", "B / Mean", "B / SD"]) == ["A / Mean", "A / SD", "B / Mean", "B / SD"]
    assert _respanned_labels(["Drug / Mean", "Placebo / Mean", "Mean", "SD"]) == \
        ["Drug / Mean", "Placebo / Mean", "Mean", "SD"]   # not the pattern: left as it is
