"""The shared rounding engine for every numeric check.

A value printed with ``d`` decimals stands for an interval of true values. A
computed value is *consistent* with the printed one when a common rounding
rule reproduces the printed text exactly: half-up (the usual school rule),
half-even (banker's rounding, R and NumPy's default) or truncation (cutting
digits, a convention error that checks report as info).

Exact rational arithmetic (``fractions.Fraction``) avoids floating-point
artefacts such as 0.285 being stored as 0.28499999.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

RULES = ("half-up", "half-even", "truncation")


def to_fraction(x: "float | int | Fraction | str") -> Fraction:
    if isinstance(x, Fraction):
        return x
    if isinstance(x, float):
        return Fraction(repr(x))
    return Fraction(x)


def round_half_up(x: "Fraction | float", d: int) -> Fraction:
    x = to_fraction(x)
    q = Fraction(10) ** d
    sign = -1 if x < 0 else 1
    return sign * Fraction(math.floor(abs(x) * q + Fraction(1, 2))) / q


def round_half_even(x: "Fraction | float", d: int) -> Fraction:
    return Fraction(round(to_fraction(x), d))


def truncate(x: "Fraction | float", d: int) -> Fraction:
    x = to_fraction(x)
    q = Fraction(10) ** d
    sign = -1 if x < 0 else 1
    return sign * Fraction(math.floor(abs(x) * q)) / q


ROUNDERS = {"half-up": round_half_up, "half-even": round_half_even, "truncation": truncate}


def fmt(x: "Fraction | float", d: int) -> str:
    return f"{float(round_half_up(x, d)):.{d}f}"


def reproducing_rules(true_value: "Fraction | float", printed_value: float, decimals: int) -> list[str]:
    """Which rounding rules turn ``true_value`` into the printed value."""
    target = round_half_up(Fraction(repr(float(printed_value))), decimals)
    return [name for name, f in ROUNDERS.items() if f(true_value, decimals) == target]


def rounding_interval(printed_value: float, decimals: int) -> tuple[float, float]:
    """Interval of true values that round (half-up/half-even) to the printed value."""
    h = 0.5 * 10 ** (-decimals)
    return (printed_value - h, printed_value + h)


def widened_interval(printed_value: float, decimals: int) -> tuple[float, float]:
    """Rounding interval also admitting truncation ([v - h, v + 10^-d))."""
    h = 0.5 * 10 ** (-decimals)
    return (printed_value - h, printed_value + 2 * h)


@dataclass
class PercentVerdict:
    consistent: bool
    rules: list[str]                     # rules that reproduce the printed percent
    expected: str                        # the percent as it should be printed (half-up)
    exact: float                         # exact percent
    impossible: bool = False             # no integer count out of n gives the printed value
    possible_counts: list[int] = field(default_factory=list)

    @property
    def truncation_only(self) -> bool:
        return self.rules == ["truncation"]


def check_percent(count: int, denominator: int, printed: float, decimals: int) -> PercentVerdict:
    """Compare a printed percentage with count/denominator at the printed precision."""
    exact = Fraction(100 * count, denominator)
    rules = reproducing_rules(exact, printed, decimals)
    expected = fmt(exact, decimals)
    possible = possible_counts(denominator, printed, decimals)
    return PercentVerdict(consistent=bool(rules), rules=rules, expected=expected, exact=float(exact),
                          impossible=not possible, possible_counts=possible)


def possible_counts(denominator: int, printed: float, decimals: int) -> list[int]:
    """Integer counts k (0..n) whose k/n*100 prints as ``printed`` under some rule."""
    if denominator <= 0:
        return []
    lo, hi = widened_interval(printed, decimals)
    k_lo = max(0, math.floor(lo * denominator / 100) - 1)
    k_hi = min(denominator, math.ceil(hi * denominator / 100) + 1)
    out = []
    for k in range(k_lo, k_hi + 1):
        if reproducing_rules(Fraction(100 * k, denominator), printed, decimals):
            out.append(k)
    return out


def describe_rules(rules: list[str]) -> str:
    if not rules:
        return "no rounding rule (half-up, half-even, truncation) reproduces it"
    return "reproduced by " + " and ".join(rules) + (" rounding" if rules != ["truncation"] else "")
