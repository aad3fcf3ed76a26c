"""Tests for extractor.quantities: typed quantities from cell and sentence text.

Expected fields are given compactly: a Num-valued field maps to its verbatim
text (``"count": "12"``) or, via a ``(text, value)`` tuple, to both; other
fields map to their plain value. Every parsed quantity is also checked for
span integrity (``text[q.start:q.end] == q.text`` and the same for each Num).
"""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trialaudit.extractor.quantities import find_quantities, parse_cell, parse_number, parse_p_value
from trialaudit.schemas.quantities import Num, Quantity

NUM_FIELDS = ("value", "count", "denominator", "percent", "sd", "low", "high", "p", "stat_value")


def assert_spans(text: str, q: Quantity) -> None:
    """The quantity and each Num inside it slice back to their verbatim text."""
    assert text[q.start:q.end] == q.text, (q.start, q.end, q.text)
    for name in NUM_FIELDS:
        n: Num | None = getattr(q, name)
        if n is not None:
            assert n.start is not None and n.end is not None
            assert q.start <= n.start < n.end <= q.end, (name, n)
            assert text[n.start:n.end] == n.text, (name, n)


def assert_fields(q: Quantity, expected: dict) -> None:
    for key, want in expected.items():
        got = getattr(q, key)
        if key in NUM_FIELDS:
            if want is None:
                assert got is None, (key, got)
                continue
            assert got is not None, key
            if isinstance(want, tuple):
                want_text, want_value = want
                assert got.text == want_text, (key, got.text)
                assert math.isclose(got.value, want_value, rel_tol=1e-12), (key, got.value)
            else:
                assert got.text == want, (key, got.text)
        else:
            assert got == want, (key, got)


def only(qs: list[Quantity]) -> Quantity:
    assert len(qs) == 1, [q.text for q in qs]
    return qs[0]


# --------------------------------------------------------------------------------------
# parse_number
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "s, value, decimals",
    [
        ("1,234.5", 1234.5, 1),
        ("−0.3", -0.3, 1),
        ("12.50", 12.5, 2),
        ("23.63", 23.63, 2),
        ("30", 30.0, 0),
        ("10.00", 10.0, 2),
        (".03", 0.03, 2),
        ("-4", -4.0, 0),
        ("0·37", 0.37, 2),
        ("1,234,567", 1234567.0, 0),
        ("  55 ", 55.0, 0),
        ("1.2e-5", 1.2e-5, 1),
        ("1.2 × 10−5", 1.2e-5, 1),
    ],
)
def test_parse_number(s, value, decimals):
    n = parse_number(s)
    assert n is not None
    assert math.isclose(n.value, value, rel_tol=1e-12)
    assert n.decimals == decimals
    assert s[n.start:n.end] == n.text == s.strip()


@pytest.mark.parametrize("s", ["", "abc", "12 (23.6)", "0.37, 0.98", "12%", "12–51", "1,23", "12.5.3"])
def test_parse_number_rejects(s):
    assert parse_number(s) is None


# --------------------------------------------------------------------------------------
# parse_cell: one quantity per cell
# --------------------------------------------------------------------------------------

CELL_CASES = [
    # n (%)
    ("12 (23.6)", "count_percent", {"count": ("12", 12), "percent": ("23.6", 23.6)}),
    ("12 (23.6%)", "count_percent", {"count": "12", "percent": "23.6"}),
    ("12(85.7)", "count_percent", {"count": "12", "percent": "85.7"}),
    ("0 (0.00)", "count_percent", {"count": "0", "percent": "0.00"}),
    ("5 (12.50)#", "count_percent", {"count": "5", "percent": "12.50", "text": "5 (12.50)"}),
    ("12 (23.6)*", "count_percent", {"count": "12", "percent": "23.6", "text": "12 (23.6)"}),
    ("12 (23.6)a", "count_percent", {"count": "12", "percent": "23.6", "text": "12 (23.6)"}),
    ("12 (23.6)†", "count_percent", {"count": "12", "percent": "23.6"}),
    ("8   (24.2)", "count_percent", {"count": "8", "percent": "24.2"}),
    ("1,234 (56.7)", "count_percent", {"count": ("1,234", 1234), "percent": "56.7"}),
    ("23.6% (12)", "count_percent", {"count": "12", "percent": "23.6"}),
    # n/N (%)
    ("16/33 (48.5%)", "fraction", {"count": "16", "denominator": "33", "percent": "48.5"}),
    ("20/79 (25.3%)", "fraction", {"count": "20", "denominator": "79", "percent": "25.3"}),
    ("16/33", "fraction", {"count": "16", "denominator": "33", "percent": None}),
    ("31/24", "fraction", {"count": "31", "denominator": "24"}),
    ("31 / 24", "fraction", {"count": "31", "denominator": "24"}),
    ("48.5% (16/33)", "fraction", {"count": "16", "denominator": "33", "percent": "48.5"}),
    # bare counts / percentages / n=
    ("55", "count", {"value": ("55", 55), "count": "55"}),
    ("1,234", "count", {"value": ("1,234", 1234)}),
    ("23.63%", "percent", {"percent": ("23.63", 23.63), "value": "23.63"}),
    ("52.73 %", "percent", {"percent": "52.73"}),
    ("n=55", "count", {"value": ("55", 55)}),
    ("(n = 53)", "count", {"value": "53", "text": "(n = 53)"}),
    ("N=41", "count", {"value": "41"}),
    ("12.5", "number", {"value": ("12.5", 12.5)}),
    ("−0.3", "number", {"value": ("−0.3", -0.3)}),
    # mean ± SD
    ("30±6.44", "mean_sd", {"value": "30", "sd": "6.44", "interval": "sd"}),
    ("19.1±8.5", "mean_sd", {"value": "19.1", "sd": "8.5"}),
    ("47.1 ± 3.2", "mean_sd", {"value": "47.1", "sd": "3.2"}),
    ("47.1 +/- 3.2", "mean_sd", {"value": "47.1", "sd": "3.2"}),
    # a (b, c) without a label
    ("15.5 (12–46)", "estimate_ci", {"value": "15.5", "low": "12", "high": "46", "interval": "unspecified"}),
    ("16.0 (3.0, 48.0)", "estimate_ci", {"value": "16.0", "low": "3.0", "high": "48.0", "interval": "unspecified"}),
    ("12.1 (5.4, 18.8)", "estimate_ci", {"value": "12.1", "low": "5.4", "high": "18.8", "interval": "unspecified"}),
    ("65.8 (50.3, 77.5)", "estimate_ci", {"value": "65.8", "low": "50.3", "high": "77.5"}),
    ("81.8% (68.7%, 95.0%)", "estimate_ci", {"value": "81.8", "low": "68.7", "high": "95.0"}),
    ("2.1 [1.1, 3.9]", "estimate_ci", {"value": "2.1", "low": "1.1", "high": "3.9"}),
    ("0·60 (0·37–0·98)", "estimate_ci", {"value": ("0·60", 0.6), "low": ("0·37", 0.37), "high": "0·98"}),
    ("−0.3 (−0.5, −0.1)", "estimate_ci", {"value": ("−0.3", -0.3), "low": ("−0.5", -0.5), "high": ("−0.1", -0.1)}),
    # labels inside the parentheses
    ("15.5 (range 12–46)", "median_range", {"value": "15.5", "low": "12", "high": "46", "interval": "range"}),
    ("12.1 (IQR 5.4–18.8)", "median_iqr", {"value": "12.1", "low": "5.4", "high": "18.8", "interval": "iqr"}),
    ("5.5 (95% CI 3.9–6.4)", "estimate_ci", {"value": "5.5", "low": "3.9", "high": "6.4", "interval": "ci", "ci_level": 95.0}),
    ("5.5 (95% CI: 3.9–6.4)", "estimate_ci", {"low": "3.9", "high": "6.4", "ci_level": 95.0}),
    ("5.5 (95% CI, 3.9–6.4)", "estimate_ci", {"low": "3.9", "high": "6.4", "ci_level": 95.0}),
    ("5.5 (95% confidence interval [CI]: 3.9, 6.4)", "estimate_ci", {"low": "3.9", "high": "6.4", "ci_level": 95.0}),
    ("5.5 (90% CI 3.9 to 6.4)", "estimate_ci", {"low": "3.9", "high": "6.4", "ci_level": 90.0}),
    # not estimable bounds
    ("1.5 (1.3, NE)", "estimate_ci", {"value": "1.5", "low": "1.3", "high": None, "not_estimable": True}),
    ("1.5 (1.3–not reached)", "estimate_ci", {"low": "1.3", "high": None, "not_estimable": True}),
    ("NR (12.1, NE)", "estimate_ci", {"value": None, "low": "12.1", "high": None, "not_estimable": True}),
    ("NE", "not_reached", {"not_estimable": True}),
    ("NR", "not_reached", {"not_estimable": True}),
    ("not reached", "not_reached", {"not_estimable": True}),
    ("Not estimable", "not_reached", {"not_estimable": True}),
    # ranges
    ("12–51", "range", {"low": "12", "high": "51", "interval": "range"}),
    ("12-51", "range", {"low": "12", "high": "51"}),
    ("4.3–25.6", "range", {"low": "4.3", "high": "25.6"}),
    ("4.3—25.6", "range", {"low": "4.3", "high": "25.6"}),
    ("−3.1–−0.2", "range", {"low": ("−3.1", -3.1), "high": ("−0.2", -0.2)}),
    ("10%–20%", "range", {"low": "10", "high": "20"}),
    # ratios, p-values, statistics in a cell
    ("HR=0.632", "ratio", {"ratio_type": "HR", "value": "0.632"}),
    ("0.60 (0.37–0.98)", "estimate_ci", {"value": "0.60"}),
    ("P=.03", "p_value", {"p": (".03", 0.03), "p_operator": "="}),
    ("<0.001", "p_value", {"p": "0.001", "p_operator": "<"}),
    ("χ2=8.23", "test_stat", {"statistic": "chi2", "stat_value": "8.23"}),
]


@pytest.mark.parametrize("text, kind, expected", CELL_CASES, ids=[c[0] for c in CELL_CASES])
def test_parse_cell(text, kind, expected):
    q = only(parse_cell(text))
    assert q.kind == kind
    assert_fields(q, expected)
    assert_spans(text, q)


LABEL_CASES = [
    ("12.1 (5.4, 18.8)", "Age, median (IQR)", "median_iqr", {"interval": "iqr"}),
    ("15.5 (12–46)", "Median (range)", "median_range", {"interval": "range"}),
    ("16.0 (3.0, 48.0)", "Median (min, max)", "median_range", {"interval": "range"}),
    ("12.1 (10.2, 14.0)", "Median OS (95% CI), months", "estimate_ci", {"interval": "ci", "ci_level": 95.0}),
    ("30 (6.4)", "Age, mean (SD)", "mean_sd", {"value": "30", "sd": "6.4", "interval": "sd"}),
    ("12 (23.6)", "Female, n (%)", "count_percent", {"count": "12", "percent": "23.6"}),
    ("0.04", "P value", "p_value", {"p": "0.04", "p_operator": "="}),
    ("0.04", "Age", "number", {"value": "0.04"}),
]


@pytest.mark.parametrize("text, label, kind, expected", LABEL_CASES, ids=[f"{c[1]}:{c[0]}" for c in LABEL_CASES])
def test_parse_cell_with_label(text, label, kind, expected):
    q = only(parse_cell(text, label=label))
    assert q.kind == kind
    assert_fields(q, expected)
    assert_spans(text, q)


def test_parse_cell_several_quantities():
    text = "12 (23.6) / 15 (30.0)"
    qs = parse_cell(text)
    assert [q.kind for q in qs] == ["count_percent", "count_percent"]
    assert [q.count.text for q in qs] == ["12", "15"]
    for q in qs:
        assert_spans(text, q)


def test_decimal_first_number_in_parentheses_is_not_a_count():
    q = only(parse_cell("45.2 (12.1)"))
    assert q.kind == "mean_sd" and q.interval == "unspecified"


def test_thousands_vs_two_numbers():
    assert only(parse_cell("1,234")).value.value == 1234
    q = only(parse_cell("0.5 (0.37, 0.98)"))
    assert (q.low.value, q.high.value) == (0.37, 0.98)
    q = only(parse_cell("5 (12,46)"))
    assert (q.low.value, q.high.value) == (12, 46)


# --------------------------------------------------------------------------------------
# find_quantities: running text
# --------------------------------------------------------------------------------------

TEXT_CASES = [
    ("HR, 0.60; 95% CI: 0.37, 0.98; P = 0.0402", "ratio",
     {"ratio_type": "HR", "value": "0.60", "low": "0.37", "high": "0.98", "ci_level": 95.0, "interval": "ci",
      "p": "0.0402", "p_operator": "="}),
    ("hazard ratio 0.60 (95% CI 0.37–0.98), P=0.04", "ratio",
     {"ratio_type": "HR", "value": "0.60", "low": "0.37", "high": "0.98", "ci_level": 95.0, "p": "0.04"}),
    ("OR 2.1 [1.1, 3.9]", "ratio", {"ratio_type": "OR", "value": "2.1", "low": "1.1", "high": "3.9"}),
    ("odds ratio [OR] 2.1 (1.1-3.9)", "ratio", {"ratio_type": "OR", "low": "1.1", "high": "3.9"}),
    ("relative risk 1.2 (0.9 to 1.6)", "ratio", {"ratio_type": "RR", "low": "0.9", "high": "1.6"}),
    ("aHR 0.71 [0.55–0.92]", "ratio", {"ratio_type": "HR", "value": "0.71"}),
    ("HR (95% CI) 0.60 (0.37–0.98)", "ratio", {"value": "0.60", "ci_level": 95.0, "low": "0.37"}),
    ("(HR 0.60, 95% CI 0.37–0.98, P = 0.04)", "ratio", {"value": "0.60", "high": "0.98", "p": "0.04"}),
    ("the hazard ratio for disease progression or death was 0.60 (95% CI, 0.37 to 0.98; P=0.04)", "ratio",
     {"value": "0.60", "low": "0.37", "high": "0.98", "p": "0.04", "ci_level": 95.0}),
    ("HR 1.5 (1.3, NE)", "ratio", {"value": "1.5", "low": "1.3", "high": None, "not_estimable": True}),
    ("median PFS was 5.5 months (95% CI, 3.9 to 6.4)", "estimate_ci",
     {"value": "5.5", "low": "3.9", "high": "6.4", "ci_level": 95.0, "interval": "ci"}),
    ("5.5 months, 95% CI 3.9–6.4", "estimate_ci", {"value": "5.5", "low": "3.9", "high": "6.4"}),
    ("ORR was 45.2% (95% CI, 33.1–57.8)", "estimate_ci", {"value": "45.2", "low": "33.1", "ci_level": 95.0}),
    ("(95% CI: 3.9–6.4)", "estimate_ci", {"value": None, "low": "3.9", "high": "6.4", "ci_level": 95.0}),
    ("median (range) age was 45 (18-80) years", "median_range", {"value": "45", "low": "18", "high": "80"}),
    ("median (IQR) 12.1 (5.4, 18.8)", "median_iqr", {"value": "12.1", "interval": "iqr"}),
    ("P = 0.04", "p_value", {"p": "0.04", "p_operator": "="}),
    ("p<0.05", "p_value", {"p": "0.05", "p_operator": "<"}),
    ("P>0.05", "p_value", {"p": "0.05", "p_operator": ">"}),
    ("P ≤ 0.001", "p_value", {"p": "0.001", "p_operator": "<="}),
    ("P ≥ 0.2", "p_value", {"p": "0.2", "p_operator": ">="}),
    ("P=.03", "p_value", {"p": (".03", 0.03)}),
    ("$P = 0.0402$", "p_value", {"p": "0.0402", "text": "P = 0.0402"}),
    ("*P*<0.05", "p_value", {"p": "0.05", "p_operator": "<"}),
    ("<i>P</i> =0.32", "p_value", {"p": "0.32", "p_operator": "="}),
    ("$p \\leq 0.05$", "p_value", {"p": "0.05", "p_operator": "<="}),
    ("P-value: 0.04", "p_value", {"p": "0.04", "p_operator": "="}),
    ("P for interaction = 0.03", "p_value", {"p": "0.03"}),
    ("P < 1.2 × 10−5", "p_value", {"p": ("1.2 × 10−5", 1.2e-5), "p_operator": "<"}),
    ("χ2=8.23", "test_stat", {"statistic": "chi2", "stat_value": ("8.23", 8.23)}),
    ("χ² = 7.982", "test_stat", {"statistic": "chi2", "stat_value": "7.982"}),
    ("chi2 = 4.1", "test_stat", {"statistic": "chi2", "stat_value": "4.1"}),
    ("chi-square = 4.1", "test_stat", {"statistic": "chi2", "stat_value": "4.1"}),
    ("$\\chi^2 = 4.1$", "test_stat", {"statistic": "chi2", "stat_value": "4.1"}),
    ("t = 0.772", "test_stat", {"statistic": "t", "stat_value": "0.772", "df": None}),
    ("t(38) = 2.1", "test_stat", {"statistic": "t", "df": 38.0, "stat_value": "2.1"}),
    ("t = −2.1", "test_stat", {"statistic": "t", "stat_value": ("−2.1", -2.1)}),
    ("F(2, 90) = 3.4", "test_stat", {"statistic": "F", "df": 2.0, "df2": 90.0, "stat_value": "3.4"}),
    ("z = 1.96", "test_stat", {"statistic": "z", "stat_value": "1.96"}),
    ("U = 345, P = 0.02", "test_stat", {"statistic": "U", "stat_value": "345", "p": "0.02"}),
    ("χ2(1) = 4.1", "test_stat", {"statistic": "chi2", "df": 1.0, "stat_value": "4.1"}),
    ("χ2(1, N = 90) = 4.1, p = .04", "test_stat", {"df": 1.0, "df2": None, "p": ".04"}),
    ("(χ2=8.23, P=0.32, df=8)", "test_stat", {"statistic": "chi2", "stat_value": "8.23", "p": "0.32", "df": 8.0}),
    ("(χ2=8.23, P=0.32, degrees of freedom =8)", "test_stat", {"df": 8.0, "p": "0.32"}),
    ("16 of 33 patients (48.5%)", "fraction", {"count": "16", "denominator": "33", "percent": "48.5"}),
    ("in 12 patients (23.6%)", "count_percent", {"count": "12", "percent": "23.6"}),
    ("a total of 55 patients", "count", {"value": "55"}),
    ("not reached", "not_reached", {}),
]


@pytest.mark.parametrize("text, kind, expected", TEXT_CASES, ids=[c[0] for c in TEXT_CASES])
def test_find_quantities(text, kind, expected):
    q = only(find_quantities(text))
    assert q.kind == kind
    assert_fields(q, expected)
    assert_spans(text, q)


SENTENCE_CASES = [
    # (text, [(kind, quoted text), ...])
    ("Of 55 patients (n = 53 evaluable), 12 (23.6%) responded; P = 0.04.",
     [("count", "55"), ("count", "n = 53"), ("count_percent", "12 (23.6%)"), ("p_value", "P = 0.04")]),
    ("Patients were aged 18–65 years and received 1.8 g/m²/day for 5 days.",
     [("range", "18–65"), ("number", "1.8"), ("count", "5")]),
    ("Grade 3/4 events occurred in 12/33 (36%) patients.",
     [("fraction", "12/33 (36%)")]),
    ("The 95% CI excluded 1.", [("count", "1")]),
    ("HR (95% CI)", []),
    ("Enrolment ran from 12/05/2020 onwards in a phase 2/3 trial.", []),
    ("COVID-19 and IL-6 were not assessed; HbA1c was 7.5%.", [("percent", "7.5%")]),
    ("The 6-month PFS rate was 65.8% (95% CI 50.3–77.5).",
     [("count", "6"), ("estimate_ci", "65.8% (95% CI 50.3–77.5)")]),
    ("(df=8, χ2=8.23, P=0.32)", [("test_stat", "χ2=8.23, P=0.32")]),
    ("mean age 47.1 ± 3.2 vs 45.0 ± 4.1 years (P = 0.21)",
     [("mean_sd", "47.1 ± 3.2"), ("mean_sd", "45.0 ± 4.1"), ("p_value", "P = 0.21")]),
    ("Heart rate (HR 72 bpm) was stable.", [("count", "72")]),
    ("nominal P = 0.042", [("p_value", "P = 0.042")]),
    ("HR 0.6 (0.4-0.9), P = 1.5", [("ratio", "HR 0.6 (0.4-0.9)"), ("number", "1.5")]),
]


@pytest.mark.parametrize("text, expected", SENTENCE_CASES, ids=[c[0][:40] for c in SENTENCE_CASES])
def test_find_quantities_sentences(text, expected):
    qs = find_quantities(text)
    assert [(q.kind, q.text) for q in qs] == expected
    for q in qs:
        assert_spans(text, q)


def test_ci_level_is_never_a_percent():
    for text in ["HR 0.6 (95% CI 0.4–0.9)", "95% CI: 0.4–0.9", "95%CI 0.4, 0.9", "the 95% confidence interval"]:
        assert not any(q.kind == "percent" or (q.value is not None and q.value.value == 95)
                       for q in find_quantities(text)), text


def test_test_stat_df_from_parenthetical_before():
    q = next(q for q in find_quantities("(df = 8, χ2 = 8.23, P = 0.32)") if q.kind == "test_stat")
    assert q.df == 8.0 and q.p.value == 0.32


def test_p_greater_than_one_is_not_a_p_value():
    assert [q.kind for q in find_quantities("P = 1.5")] == ["number"]


# --------------------------------------------------------------------------------------
# parse_p_value
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, p, op, quoted",
    [
        ("P = 0.04", 0.04, "=", "P = 0.04"),
        ("p<0.05", 0.05, "<", "p<0.05"),
        ("P>0.05", 0.05, ">", "P>0.05"),
        ("P=.03", 0.03, "=", "P=.03"),
        ("P < 0.001", 0.001, "<", "P < 0.001"),
        ("nominal P = 0.042", 0.042, "=", "P = 0.042"),
        ("P ≤ 0.001", 0.001, "<=", "P ≤ 0.001"),
        ("$P = 0.0402$", 0.0402, "=", "P = 0.0402"),
        ("*P*<0.05", 0.05, "<", "*P*<0.05"),
        ("<i>P</i> =0.32", 0.32, "=", "<i>P</i> =0.32"),
        ("HR 0.60 (95% CI 0.37–0.98; P=0.04)", 0.04, "=", "P=0.04"),
        ("P &lt; 0.01", 0.01, "<", "P &lt; 0.01"),
        ("P = 1.5 and P = 0.2", 0.2, "=", "P = 0.2"),
    ],
)
def test_parse_p_value(text, p, op, quoted):
    q = parse_p_value(text)
    assert q is not None and q.kind == "p_value"
    assert math.isclose(q.p.value, p) and q.p_operator == op and q.text == quoted
    assert_spans(text, q)


@pytest.mark.parametrize("text", ["", "no p here", "HR 0.6", "up = 0.3", "P = NS"])
def test_parse_p_value_none(text):
    assert parse_p_value(text) is None


# --------------------------------------------------------------------------------------
# property-style checks
# --------------------------------------------------------------------------------------

ALL_TEXTS = ([c[0] for c in CELL_CASES] + [c[0] for c in TEXT_CASES] + [c[0] for c in SENTENCE_CASES])


@pytest.mark.parametrize("text", ALL_TEXTS)
def test_spans_ordered_non_overlapping(text):
    for parse in (find_quantities, parse_cell):
        qs = parse(text)
        end = 0
        for q in qs:
            assert q.start >= end and q.end > q.start
            assert_spans(text, q)
            end = q.end


_ALPHABET = st.sampled_from(list("0123456789.,%()[]/-–−±=<>;: PpHRCINEOtFzχ²na") + ["95% CI ", "HR ", "P = ", " (", "NE"])


@settings(max_examples=max(300, settings.default.max_examples), deadline=None, database=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_fuzz_spans_slice_back(text):
    for parse in (find_quantities, parse_cell):
        end = 0
        for q in parse(text):
            assert q.start >= end
            assert_spans(text, q)
            end = q.end


@settings(max_examples=max(200, settings.default.max_examples), deadline=None, database=None)
@given(st.integers(0, 10**6), st.integers(0, 3))
def test_number_roundtrip(n, decimals):
    text = f"{n / 10**decimals:,.{decimals}f}"
    num = parse_number(text)
    assert num is not None and num.decimals == decimals and num.text == text
    assert math.isclose(num.value, n / 10**decimals, rel_tol=1e-12)


@settings(max_examples=max(200, settings.default.max_examples), deadline=None, database=None)
@given(st.integers(0, 500), st.integers(1, 500), st.integers(0, 2))
def test_fraction_roundtrip(k, n, decimals):
    pct = f"{100 * k / n:.{decimals}f}"
    text = f"{k}/{n} ({pct}%)"
    q = only(parse_cell(text))
    assert q.kind == "fraction"
    assert (q.count.value, q.denominator.value, q.percent.text) == (k, n, pct)
    assert_spans(text, q)


# ----------------------------------------------------------------------------- decimal commas

from trialaudit.extractor.quantities import decimal_comma_article, uses_decimal_comma  # noqa: E402


def _kinds(text, **kw):
    return [(q.kind, q.text) for q in (parse_cell(text, **kw) if kw else find_quantities(text))]


def test_leading_zero_comma_is_a_decimal_everywhere():
    q = find_quantities("the difference was significant (p = 0,04).")
    assert [x.kind for x in q] == ["p_value"] and q[0].p.value == pytest.approx(0.04)
    assert q[0].p.text == "0,04" and q[0].text == "p = 0,04"   # quoted as printed
    n = parse_number("0,05")
    assert n.value == pytest.approx(0.05) and n.decimals == 2 and n.text == "0,05"


def test_short_comma_decimal_in_an_article_that_uses_decimal_commas():
    with decimal_comma_article(True):
        (q,) = find_quantities("12,5 %")
        assert q.kind == "percent" and q.percent.value == pytest.approx(12.5) and q.text == "12,5 %"
        (m,) = parse_cell("3,4 (1,2)", label="Alter, Mittelwert (SD)")
        assert m.kind == "mean_sd" and m.value.value == pytest.approx(3.4) and m.sd.value == pytest.approx(1.2)
        assert (m.value.text, m.sd.text, m.value.decimals) == ("3,4", "1,2", 1)
        assert parse_number("12,5").value == pytest.approx(12.5)


def test_thousands_are_never_read_as_decimals():
    for dc in (False, True):
        with decimal_comma_article(dc):
            (q,) = find_quantities("1,234 patients")
            assert q.count.value == 1234
            assert parse_number("1,234").value == 1234


def test_ambiguous_comma_stays_ambiguous_outside_decimal_comma_articles():
    # "12,5 %" in an article that prints decimal points: neither 12 nor 5 %, so no check reads it
    assert _kinds("12,5 %") == []
    # lists and citations are untouched
    assert _kinds("grades 1,2,3") == [("count", "1"), ("count", "2"), ("count", "3")]
    with decimal_comma_article(True):
        assert _kinds("[1,2]") == [("count", "1"), ("count", "2")]
        assert _kinds("1,2,3") == [("count", "1"), ("count", "2"), ("count", "3")]


def test_an_article_uses_decimal_commas_only_consistently():
    european = "Das Alter betrug 45,3 Jahre (SD 12,1); 12,5 % hatten Fieber, p = 0,04."
    assert uses_decimal_comma(european)
    assert not uses_decimal_comma("Age was 45.3 years (SD 12.1); 12.5% had fever, p = 0,04 and 0.03.")
    assert not uses_decimal_comma("1,234 patients in 12 centres [1,2]")
    assert not uses_decimal_comma("45,3 and 12,5 but 1.2, 3.4 and 5.6 and 7.8 elsewhere")


def test_a_number_after_a_caret_is_an_exponent_not_a_value():
    qs = find_quantities("BMI (−0.28 kg m^−2 (−0.50, −0.06), P=0.01)")
    assert not any(q.kind == "estimate_ci" and q.value is not None and q.value.value == -2 for q in qs)
    assert [q.text for q in qs if q.kind == "p_value"] == ["P=0.01"]


def test_k_of_the_n_with_a_percentage_is_a_fraction():
    from trialaudit.extractor.quantities import find_quantities
    q = find_quantities("23 of the 48 patients (47.9%) responded")
    assert [(x.kind, x.count.value, x.denominator.value, x.percent.value) for x in q] == [("fraction", 23, 48, 47.9)]
    # without a percentage the determiner stays out: "3 of the 12 months" is no fraction
    assert [x.kind for x in find_quantities("in 3 of the 12 months")] == ["count", "count"]


def test_slash_pair_of_percentages_is_no_fraction():
    # "57/58 %": the percentages of two subgroups, not 57 of 58
    assert not [q for q in find_quantities("(78 % vs. 57/58\u00a0%, NS)") if q.kind == "fraction"]
    assert [q.kind for q in find_quantities("17/53 (32%)")] == ["fraction"]
