"""The regex prefilters of extractor.study._util: they may only skip texts a pattern cannot match."""
from __future__ import annotations

import re

import pytest

from trialaudit.extractor.study._util import (MEASURES, Prefilter, find_measures, first_chars, fold_case,
                                              with_first_chars)
from trialaudit.extractor.study.reported import MEASURE_PATTERNS, _measure_mentions
from trialaudit.extractor.study.stat_tests import TEST_NAMES
from trialaudit.extractor.study.stat_tests import test_names_in as names_in

TEXTS = [
    "The median progression-free survival (PFS) was 5.5 months; OS was 12 months.",
    "PROGRESSION-FREE SURVIVAL and Overall Survival were compared with the log-rank test.",
    "Objective response rate (ORR) 23%, disease control rate 61%, complete response in 2, PR in 5, SD 8, PD 3.",
    "Two patients were not evaluable (NE); one non-evaluable, one unevaluable.",
    "Time to progression and time-to-response; duration of response (DoR) was 6 mo.",
    "Fisher's exact test, χ2 test, Χ² test, chi-squared, Student's t test, Mann–Whitney U, Wilcoxon rank-sum.",
    "Kruskal–Wallis, Friedman's test, McNemar, Cox regression, ANOVA, analysis of variance, Hosmer–Lemeshow.",
    "ſurvival İndependent-samples t test, dıſease control rate, \u212aruskal Wallis",
    "Response was assessed by RECIST 1.1 and the WHO criteria; mRECIST and irRC; RANO; Lugano; Cheson.",
    "no measure here at all, only 12 patients (34%).",
]


def _all_matches(rx: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in rx.finditer(text)]


PATTERNS = ([re.compile(long_, re.I) for _, _, long_, _ in MEASURES] + [re.compile(s) for _, _, _, s in MEASURES] +
            [rx for _, rx in TEST_NAMES] +
            [re.compile("|".join(f"(?P<m{i}>{p})" for i, (_, p) in enumerate(MEASURE_PATTERNS)), re.I)])


@pytest.mark.parametrize("rx", PATTERNS, ids=lambda rx: rx.pattern[:30])
def test_prefilter_never_skips_a_match(rx):
    pf = Prefilter(rx)
    for text in TEXTS:
        if _all_matches(rx, text):
            assert pf.possible(text, fold_case(text)), (rx.pattern, text)


def test_prefilter_words_and_rejections():
    pf = Prefilter(re.compile(r"progression[- ]free[- ]survival", re.I))
    assert pf.groups == (("progression",), ("free",), ("survival",))
    assert not pf.possible("overall survival", fold_case("overall survival"))
    branch = Prefilter(re.compile(r"\bcox\b|hosmer[- ]lemeshow", re.I))
    assert branch.groups == ((("cox", "lemeshow")),)
    cased = Prefilter(re.compile(r"\bPFS\b"))
    assert not cased.possible("pfs", "pfs") and cased.possible("PFS", "pfs")
    assert Prefilter(re.compile(r"\d+%")).groups == ()  # no words: always possible


def test_fold_case_covers_the_ascii_lookalikes_of_ignorecase():
    for odd, plain in (("ſurvival", "survival"), ("dıſease", "disease"), ("İndependent", "independent"),
                       ("\u212aruskal", "kruskal")):
        assert re.fullmatch(plain, odd, re.I)
        assert plain in fold_case(odd)


def test_first_chars_lookahead_keeps_the_matches():
    rx = re.compile("|".join(f"(?P<m{i}>{p})" for i, (_, p) in enumerate(MEASURE_PATTERNS)), re.I)
    assert first_chars(rx) is not None
    fast = with_first_chars(rx)
    for text in TEXTS:
        assert [(m.span(), m.lastgroup) for m in fast.finditer(text)] == [(m.span(), m.lastgroup) for m in rx.finditer(text)]
    assert first_chars(re.compile(r"[ab]x")) is None
    assert first_chars(re.compile(r"\bfoo|Bar", re.I)) == "BFbf"


def test_finders_agree_with_plain_regex_scans():
    for text in TEXTS:
        want = []
        taken: list[tuple[int, int]] = []
        for code, _, long_, short in MEASURES:
            for rx in (re.compile(long_, re.I), re.compile(short)):
                for m in rx.finditer(text):
                    if m.end() > m.start() and all(m.end() <= a or m.start() >= b for a, b in taken):
                        want.append((m.start(), code))
                        taken.append(m.span())
        assert [(h.start, h.code) for h in find_measures(text)] == sorted(want)
        found: list[tuple[int, str]] = []
        for n, rx in TEST_NAMES:  # the scan without prefilters
            m = rx.search(text)
            if m and not (n == "wilcoxon" and any(x == "mann-whitney" for _, x in found)):
                found.append((m.start(), n))
        names = [n for _, n in sorted(found)]
        if "fisher" in names and "chi-square" in names and re.search(r"χ\s*[2²]\s*\(\s*fisher\s*\)", text, re.I):
            names.remove("chi-square")
        assert names_in(text) == names
        rx = re.compile("|".join(f"(?P<m{i}>{p})" for i, (_, p) in enumerate(MEASURE_PATTERNS)), re.I)
        assert [(a, b) for _, a, b in _measure_mentions(text)] == _all_matches(rx, text)
