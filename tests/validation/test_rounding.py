from fractions import Fraction

import pytest

from trialaudit.validation.rounding import (check_percent, possible_counts, reproducing_rules, round_half_even, round_half_up,
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
