from fractions import Fraction

import pytest

from trialaudit.extractor.rounding import (check_percent, possible_counts, reproducing_rules, round_half_even, round_half_up,
                                 rounding_interval, truncate)


def test_rules_on_ties():
    assert round_half_up(Fraction(125, 1000), 2) == Fraction(13, 100)
    assert round_half_even(Fraction(125, 1000), 2) == Fraction(12, 100)
    assert truncate(Fraction(129, 1000), 2) == Fraction(12, 100)
    assert round_half_up(0.285, 2) == Fraction(29, 100)  # exact decimal, not binary float 0.28499


@pytest.mark.parametrize("count,n,printed,d,rules", [
    (13, 55, 23.64, 2, ["half-up", "half-even"]),
    (13, 55, 23.63, 2, ["truncation"]),
    (1, 8, 12.5, 1, ["half-up", "half-even", "truncation"]),
    (1, 16, 6.2, 1, ["half-even", "truncation"]),
    (1, 16, 6.3, 1, ["half-up"]),
    (27, 55, 52.73, 2, []),
])
def test_reproducing_rules(count, n, printed, d, rules):
    assert reproducing_rules(Fraction(100 * count, n), printed, d) == rules


def test_check_percent_impossible_and_candidates():
    v = check_percent(9, 41, 20.9, 1)
    assert not v.consistent and v.impossible and v.possible_counts == []
    v = check_percent(27, 55, 52.73, 2)
    assert v.possible_counts == [29] and v.expected == "49.09"
    assert possible_counts(12, 25.0, 1) == [3]


def test_interval():
    lo, hi = rounding_interval(0.04, 2)
    assert lo == pytest.approx(0.035) and hi == pytest.approx(0.045)


def test_possible_counts_of_a_huge_denominator_are_computed_not_walked():
    import time

    t0 = time.monotonic()
    ks = possible_counts(999_999_999_999, 29.973, 3)
    assert time.monotonic() - t0 < 1
    assert len(ks) > 1000 and 299_730_000_000 in ks and 5 not in ks
    v = check_percent(5, 999_999_999_999, 29.973, 3)
    assert not v.consistent and not v.impossible and v.possible_counts == []   # too many to list


def test_possible_counts_agree_with_brute_force_on_small_denominators():
    for n in (1, 7, 33, 120, 997):
        for printed, d in ((12.5, 1), (33.3, 1), (0.0, 0), (100.0, 0), (4.57, 2), (12.0, 0)):
            brute = [k for k in range(n + 1) if reproducing_rules(Fraction(100 * k, n), printed, d)]
            assert list(possible_counts(n, printed, d)) == brute
    n = 20_011   # a run longer than the scanned ends: returned as a range
    brute = [k for k in range(2_000, 2_800) if reproducing_rules(Fraction(100 * k, n), 12.0, 0)]
    assert isinstance(possible_counts(n, 12.0, 0), range) and list(possible_counts(n, 12.0, 0)) == brute


def test_zero_denominator_has_no_percentage():
    v = check_percent(3, 0, 12.0, 0)
    assert v.consistent and not v.rules and possible_counts(0, 12.0, 0) == []


def test_to_fraction_reads_typographic_and_spaced_minus():
    from fractions import Fraction
    from trialaudit.extractor.rounding import to_fraction
    assert to_fraction("− 25.9") == Fraction("-25.9")
    assert to_fraction("\u221225.9") == Fraction("-25.9")
    assert to_fraction("-0.5") == Fraction(-1, 2)
