"""Meta-analysis answers read from sentences, group labels, and SD conversions."""
from __future__ import annotations

import math

import pytest

from trialaudit.meta import answer
from trialaudit.meta_convert import sd_from_ci, sd_from_se

ARTICLE = """# Lidocaine versus morphine for renal colic: a randomised trial

## Methods

Patients were randomly assigned to two groups. In group I (n = 120) intravenous lidocaine was
administered and in group II (n = 120) intravenous morphine was administered.

## Results

Table 2. Pain scores.

| Outcome | Group I | Group II | P |
|---|---|---|---|
| Pain score at 5 minutes, mean ± SD | 3.18 ± 2.27 | 4.45 ± 2.16 | 0.01 |

Nausea occurred in 12 of 120 patients in the lidocaine group and in 30 of 120 patients in the morphine group (p = 0.003).

The mean length of stay was 5.2 ± 1.1 days in the lidocaine group and 6.0 ± 1.4 days in the morphine group.

Vomiting occurred in 10 and 20 patients, in the morphine group and the lidocaine group.

The incidence of rash was similar, 4 of 120 in the lidocaine group and 5 of 120 in the morphine group, as was the severity of any itching (adjusted effect 1.02, 95% CI 0.69 to 1.53).

Headache was reported by 5/120, 9/120 and 7/118 patients in group III, group I and group II, respectively.
"""


@pytest.fixture(scope="module")
def article(read_article):
    return read_article(ARTICLE)


def test_group_label_columns_match_the_arms_the_text_defines(article):
    a = answer(article, "pain score at 5 minutes", "intravenous lidocaine", "intravenous morphine",
               outcome_type="continuous")
    assert a.status == "answered"
    assert (a.intervention.mean.value, a.comparator.mean.value) == (3.18, 4.45)


def test_binary_from_a_sentence(article):
    a = answer(article, "nausea", "lidocaine", "morphine", outcome_type="binary")
    assert a.status == "answered", a.reason
    assert (a.intervention.events.value, a.intervention.group_size.value) == (12, 120)
    assert (a.comparator.events.value, a.comparator.group_size.value) == (30, 120)
    assert a.intervention.events.provenance.method == "sentence-pattern"
    assert "12 of 120" in a.intervention.events.provenance.quote


def test_continuous_from_a_sentence(article):
    a = answer(article, "length of stay", "lidocaine", "morphine", outcome_type="continuous")
    assert a.status == "answered", a.reason
    assert (a.intervention.mean.value, a.intervention.sd.value) == (5.2, 1.1)
    assert (a.comparator.mean.value, a.comparator.sd.value) == (6.0, 1.4)
    assert a.intervention.sd.converted is None


def test_respectively_pairs_values_with_groups_in_order(article):
    a = answer(article, "headache", "intravenous lidocaine", "intravenous morphine", outcome_type="binary")
    assert a.status == "answered", a.reason
    assert (a.intervention.events.value, a.comparator.events.value) == (9, 7)
    assert a.comparator.group_size.value == 118


def test_an_unclear_layout_gives_no_answer(article):
    # values before both arms, no 'respectively': which is which is not said
    a = answer(article, "vomiting", "lidocaine", "morphine", outcome_type="binary")
    assert a.status != "answered"


def test_values_belong_to_the_outcome_named_before_them(article):
    a = answer(article, "rash", "lidocaine", "morphine", outcome_type="binary")
    assert a.status == "answered" and (a.intervention.events.value, a.comparator.events.value) == (4, 5)
    a = answer(article, "severity of any itching", "lidocaine", "morphine", outcome_type="binary")
    assert a.status != "answered"


def test_sd_from_se_and_ci():
    sd, note = sd_from_se(2.43, 40)
    assert sd == round(2.43 * math.sqrt(40), 2) and "SE" in note
    # large group: normal quantile
    sd, note = sd_from_ci(55.42, 66.71, 110)
    assert sd == pytest.approx(math.sqrt(110) * (66.71 - 55.42) / 3.92, abs=0.01) and "normal" in note
    # small group: t quantile with n - 1 df (t(0.975, 19) = 2.093)
    sd, note = sd_from_ci(4.0, 6.0, 20)
    assert sd == pytest.approx(math.sqrt(20) * 2.0 / (2 * 2.093), abs=0.01) and "t(19 df)" in note


THREE_ARMS = """# Apple juice, white grape juice or water for infants with diarrhoea: a randomised trial

## Methods

Infants were randomly assigned to apple juice (AJ), white grape juice (WGJ) or water (WA).

## Results

Table 1. Intake.

| Outcome | Apple Juice (n = 30) | White Grape Juice (n = 30) | Water (n = 30) |
|---|---|---|---|
| Energy intake, mean ± SD | 95 ± 10 | 98 ± 11 | 81 ± 9 |

The stool output was larger in the infants fed juice than in those given WA (p = 0.001); the mean ± SD stool output in g/kg/h was 3.94 ± 2.35, 3.59 ± 2.35, and 2.19 ± 1.63 in AJ, WGJ and WA respectively.
"""


def test_respectively_list_after_the_values_with_the_other_group_and_short_abbreviations(read_article):
    art = read_article(THREE_ARMS)
    a = answer(art, "The stool output", "White Grape Juice (WGJ)", "colored and flavored water (WA)",
               outcome_type="continuous")
    assert a.status == "answered", a.reason
    assert (a.intervention.mean.value, a.comparator.mean.value) == (3.59, 2.19)
    assert (a.intervention.sd.value, a.comparator.sd.value) == (2.35, 1.63)


def test_other_group_and_two_letter_abbreviation_hold_their_places():
    from trialaudit.meta_text import _mentions, _pair_respectively, _values
    text = ("longer in those given WA (p = 0.006), the mean ± SD was 49.4 ± 32.6, 47.5 ± 38.9 and "
            "26.5 ± 27.4 in AJ, WGJ and WA respectively.")
    ia, ca = ["white grape juice", "wgj"], ["colored flavored water", "wa"]
    # without the other group and the short abbreviation: WGJ alone, no pairing
    assert [m.arm for m in _mentions(text, ia, ca)] == ["i"]
    ments = _mentions(text, ia, ca, other_alts=["apple juice", "aj"], short={"wa": "WA", "aj": "AJ"})
    assert [(m.arm, text[m.start:m.end]) for m in ments] == [("c", "WA"), ("o", "AJ"), ("i", "WGJ"), ("c", "WA")]
    got = _pair_respectively(_values(text, "continuous"), ments, text)
    assert got is not None and (got[0].value.value, got[1].value.value) == (47.5, 26.5)
    # a two-letter abbreviation matches only as printed
    assert [m.arm for m in _mentions("wa was given", ia, ca, short={"wa": "WA"})] == []


def test_an_other_group_overlapping_an_asked_arm_is_not_another_group():
    from trialaudit.meta_text import _mentions
    text = "in the placebo and the YIC groups"
    ments = _mentions(text, ["yic"], ["placebo"], other_alts=["yic groups"])
    assert [m.arm for m in ments] == ["c", "i"]


def test_micro_gram_doses_keep_their_unit():
    from trialaudit.meta_text import _mentions
    from trialaudit.meta_words import _norm
    assert _norm("30 µg YIC") == _norm("30 μg YIC") == "30 mcg yic"
    text = "3.6% (3/83) and 5.0% (4/80) in the 30 µg YIC and 60 µg YIC groups, respectively"
    ments = _mentions(text, [_norm("30 µg YIC")], ["placebo"], other_alts=[_norm("60 µg YIC")])
    assert [(m.arm, text[m.start:m.end]) for m in ments] == [("i", "30 µg YIC"), ("o", "60 µg YIC")]


def test_values_after_both_arms_follow_the_order_the_arms_were_named():
    from trialaudit.meta_text import _mentions, _pair_in_mention_order, _persons_counts, _values
    text = ("Significantly fewer patients in the phone calls group discontinued treatment compared to those "
            "in the no phone calls group (4 vs. 30; p<0.0094).")
    ia, ca = ["phone calls"], ["no phone calls"]
    ments = _mentions(text, ia, ca)
    counts = _persons_counts(text, "binary")
    assert [c.value.value for c in counts] == [4, 30]
    got = _pair_in_mention_order(counts, ments, text)
    assert got is not None and (got[0].value.value, got[1].value.value) == (4, 30)
    # the question's arms the other way round: the values follow the arms, not the question
    got = _pair_in_mention_order(counts, _mentions(text, ca, ia), text)
    assert (got[0].value.value, got[1].value.value) == (30, 4)
    # means compared the same way
    text = "The score was lower in the doxycycline group than in the placebo group (2.18 ± 1.94 vs 3.26 ± 3.58)."
    got = _pair_in_mention_order(_values(text, "continuous"), _mentions(text, ["doxycycline"], ["placebo"]), text)
    assert (got[0].value.value, got[1].value.value) == (2.18, 3.26)


def test_no_pairing_in_mention_order_without_a_plain_comparison():
    from trialaudit.meta_text import _mentions, _pair_in_mention_order, _persons_counts, _values
    # counts that do not count persons
    assert _persons_counts("Pain was reported in the A group and the B group (74 vs. 53).", "binary") == []
    # something other than 'vs' between the values
    text = "Scores in the doxycycline group and the placebo group were 2.18 ± 1.94 at week 4, 3.26 ± 3.58 at week 8."
    assert _pair_in_mention_order(_values(text, "continuous"), _mentions(text, ["doxycycline"], ["placebo"]),
                                  text) is None
    # three values
    text = "Lower in the doxycycline group than in the placebo group (total: 2.18 ± 1.94 vs 3.26 ± 3.58; active: 0.48 ± 0.48 vs 0.95 ± 1.01)."
    assert _pair_in_mention_order(_values(text, "continuous"), _mentions(text, ["doxycycline"], ["placebo"]),
                                  text) is None


def test_respectively_list_with_several_other_groups():
    from trialaudit.meta_text import _mentions, _pair_respectively, _values
    text = ("The incidence of withdrawal response was 87% (26/30), 20% (6/30), 30% (9/30), and 0% in group N, "
            "group L, group K, and group R, respectively (Table 2).")
    ments = _mentions(text, ["lidocaine", "group:l"], ["normal saline", "group:n"])
    assert [m.arm for m in ments] == ["c", "i", "o", "o"]
    got = _pair_respectively(_values(text, "binary"), ments, text)
    assert got is not None and (got[0].count.value, got[1].count.value) == (6, 26)
    # an asked arm named twice in the list is no list of distinct groups
    text2 = text.replace("group K, and group R", "group L, and group R")
    assert _pair_respectively(_values(text2, "binary"), _mentions(text2, ["group:l"], ["group:n"]), text2) is None
