"""The normalised words outcomes and arms are matched on."""
from __future__ import annotations

from trialaudit.meta_words import _content, _norm, _ostem, _stem


def test_plural_in_ies_stems_with_its_singular():
    for plural, singular in (("activities", "activity"), ("injuries", "injury"), ("deliveries", "delivery"),
                             ("allergies", "allergy"), ("therapies", "therapy")):
        assert _ostem(plural) == _ostem(singular), plural
    assert _content("Return to normal activities") == _content("return to normal activity")
    assert _stem("series") == "serie" and _stem("species") == "specie"   # no -ies plurals


def test_micro_sign_is_kept_as_mc():
    assert _norm("30 µg YIC") == "30 mcg yic"       # micro sign
    assert _norm("30 μg YIC") == "30 mcg yic"       # Greek mu
    assert _norm("30 mg YIC") == "30 mg yic"
