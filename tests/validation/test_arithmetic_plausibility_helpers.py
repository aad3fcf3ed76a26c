"""Unit tests of the helpers behind TA104–TA108, TA401–TA403 and TA501."""
from __future__ import annotations

import pytest

from trialaudit.schemas.document import Reference
from trialaudit.schemas.provenance import Span
from trialaudit.validation.checks.off_topic_citation import reference_title
from trialaudit.validation.doses import range_for
from trialaudit.extractor.rounding import grim_test, printed_values_agree, sum_within_rounding
from trialaudit.validation.textmatch import footnote_abbreviations, label_tokens, text_abbreviations, tokens, window_intervals


# ----------------------------------------------------------------------------------------- rounding
@pytest.mark.parametrize("mean,d,n,ok", [
    ("45.37", 2, 25, False),   # 1134.25 / 25: no whole total
    ("45.36", 2, 25, True),    # 1134 / 25
    ("18.35", 2, 26, True),    # 477 / 26 = 18.346
    ("18.37", 2, 26, False),
    ("19.1", 1, 33, True),     # n >= 10^d: uninformative, always consistent
])
def test_grim(mean, d, n, ok):
    assert grim_test(mean, d, n).consistent is ok


def test_grim_informative_only_below_10_to_the_d():
    assert not grim_test("19.1", 1, 33).informative
    assert grim_test("5.46", 2, 12).informative


def test_grim_granularity_ten():
    # Karnofsky scores in steps of 10: the mean of 7 scores is a multiple of 10/7
    assert grim_test("81.43", 2, 7, granularity=10).consistent       # 570/7
    assert not grim_test("81.50", 2, 7, granularity=10).consistent


def test_sum_within_rounding():
    assert sum_within_rounding([(33.3, 1), (33.3, 1), (33.3, 1)]).consistent          # 99.9 within ±0.15
    v = sum_within_rounding([(26.1, 1), (60.9, 1), (10.9, 1), (0.0, 1)], exact=[False, False, False, True])
    assert not v.consistent and float(v.total) == pytest.approx(97.9)
    t = sum_within_rounding([(41.6, 1), (41.6, 1), (16.6, 1)])                        # 99.8: truncation only
    assert not t.consistent and t.truncation_only


def test_printed_values_agree():
    assert printed_values_agree(48.48, 2, 48.5, 1)
    assert printed_values_agree(10.0, 2, 10, 0)
    assert not printed_values_agree(25.3, 1, 12.1, 1)


# ----------------------------------------------------------------------------------------- text matching
def test_tokens_normalise_spelling_and_synonyms():
    assert "hematuria" in tokens("Haematuria")
    assert "lung" in tokens("pulmonary metastases")
    assert "metastasis" in tokens("metastatic")
    assert "resp_pr" in tokens("3 patients achieved PR")


def test_abbreviations():
    foot = footnote_abbreviations(["AWD, alive with disease; DOD, died of disease; NED, no evidence of disease."])
    assert foot["NED"] == "no evidence of disease"
    assert label_tokens("NED", foot) == {"evidence", "disease"}
    txt = text_abbreviations(["The objective response rate (ORR) was high."])
    assert txt["ORR"] == "objective response rate"


def test_window_intervals():
    ivs = window_intervals("had an ECOG performance status score of 0 to 1")
    assert any((iv.lo, iv.hi) == (0.0, 1.0) for iv in ivs)
    assert any(iv.hi == 18.0 and iv.lo is None for iv in window_intervals("participants younger than 18"))
    assert any(iv.lo == 2.0 and iv.hi is None for iv in window_intervals("two or more surgeries"))


# ----------------------------------------------------------------------------------------- doses
def test_cumulative_doses_are_not_judged():
    from trialaudit.extractor.study.doses import find_doses
    ds = find_doses("the cumulative dose of doxorubicin reached 450 mg/m2")
    assert ds and ds[0].per == "cumulative" and range_for(ds[0].drug, ds[0].unit, ds[0].per) is None


def test_every_dose_range_row_has_a_source():
    from trialaudit.validation.doses import dose_ranges
    for rows in dose_ranges().values():
        for r in rows.values():
            assert r.source and r.low < r.high


# ----------------------------------------------------------------------------------------- references
def test_reference_title_parsed_from_text_when_missing():
    ref = Reference(number=10, text="10. Gentet, J. C. et al. Ifosfamide and etoposide in childhood osteosarcoma. "
                                    "A phase II study of the French Society of Paediatric Oncology. *Eur. J. Cancer* "
                                    "**33**, 232–237 (1997).", span=Span(line=1, char_start=0, char_end=10), title="C")
    assert reference_title(ref).startswith("Ifosfamide and etoposide in childhood osteosarcoma")
