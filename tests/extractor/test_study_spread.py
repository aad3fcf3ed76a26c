"""TableTest.spread, TextTest.spread and NamedTests.mean_spread: whether a "±" is an SD or a standard error (TA203)."""
from __future__ import annotations

from trialaudit.extractor.study import extract_study
from trialaudit.extractor.study.spread import declared_spreads, sentence_spread
from trialaudit.extractor.text import parse_text

TABLE = """| Variable | Intervention (n = 20) | Placebo (n = 20) | P |
|---|---|---|---|
| Age (year)* | 56.90 ± 1.81 | 53.60 ± 1.60 | 0.182 |
"""


def _study(methods: str, note: str = ""):
    text = (f"# A trial\n\n## Methods\n\n{methods}\n\n## Results\n\nTable 1. Characteristics\n\n{TABLE}\n{note}\n")
    return extract_study(parse_text(text, doc_id="t", source="t", fmt="markdown"))


def test_declarations_of_the_spread():
    assert declared_spreads("*Data are based on mean ± standard error;") == {"se"}
    assert declared_spreads("Values are mean (SEM) unless stated") == {"se"}
    assert declared_spreads("Data are expressed as mean and standard deviation") == {"sd"}
    assert declared_spreads("Mean ± SD or median (IQR)") == {"sd"}
    assert declared_spreads("The standard error was estimated by bootstrap") == set()


def test_a_table_note_declares_a_standard_error():
    tt = _study("Groups were compared with the t-test.", "* Data are based on mean ± standard error.").table_tests
    age = next(t for t in tt if t.label.startswith("Age"))
    assert age.spread == "se" and "standard error" in (age.spread_quote or "")


def test_the_methods_declare_a_standard_error_unless_the_table_says_sd():
    st = _study("Means ± standard error of means were reported for the characteristics.")
    assert st.named_tests.mean_spread == ["se"]
    assert next(t for t in st.table_tests if t.label.startswith("Age")).spread == "se"
    st = _study("Means ± standard error of means were reported.", "Values are mean ± SD.")
    assert next(t for t in st.table_tests if t.label.startswith("Age")).spread == "sd"


def test_both_declared_is_unclear_and_figures_do_not_count():
    st = _study("Data are mean ± SD. Outcomes are given as mean ± SEM.")
    assert next(t for t in st.table_tests if t.label.startswith("Age")).spread == "unclear"
    st = _study("Data are mean ± SD. Error bars in the figures show the mean ± SEM.")
    assert st.named_tests.mean_spread == ["sd"]
    assert next(t for t in st.table_tests if t.label.startswith("Age")).spread == "sd"


def test_a_sentence_says_what_its_plus_minus_is():
    assert sentence_spread("weight fell by 2.1 ± 0.4 kg (mean ± SE)", ["sd"]) == "se"
    assert sentence_spread("weight fell by 2.1 ± 0.4 kg", ["se"]) == "se"
    assert sentence_spread("weight fell by 2.1 ± 0.4 kg", ["sd", "se"]) == "unclear"
    assert sentence_spread("weight fell by 2.1 ± 0.4 kg", []) == "sd"
