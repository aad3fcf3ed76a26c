"""The shared rounding engine for every numeric check and for counts rebuilt from percentages.

It lives in the extractor because facts need it too (a count rebuilt from a printed percentage and its
n, a column's n implied by its ``k (p%)`` cells); the rules import it from here.

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
import re
from dataclasses import dataclass, field
from functools import lru_cache
from fractions import Fraction

from trialaudit.extractor.memo import per_article

RULES = ("half-up", "half-even", "truncation")


def to_fraction(x: "float | int | Fraction | str") -> Fraction:
    if isinstance(x, Fraction):
        return x
    if isinstance(x, float):
        return Fraction(repr(x))
    if isinstance(x, str):
        # printed numbers: a typographic minus, possibly spaced from its digits ('− 25.9')
        x = _MINUS.sub("-", x.strip()).replace(" ", "").replace("\u2009", "").replace("\u00a0", "")
    return Fraction(x)


_MINUS = re.compile("[\u2212\u2013\u2012\u2010\u2011\ufe63\uff0d]")


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


@per_article
def reproducing_rules(true_value: "Fraction | float", printed_value: float, decimals: int) -> list[str]:
    """Which rounding rules turn ``true_value`` into the printed value."""
    target = round_half_up(Fraction(repr(float(printed_value))), decimals)
    return [name for name, f in ROUNDERS.items() if f(true_value, decimals) == target]


def double_rounded(true_value: "Fraction | float", printed_value: float, decimals: int) -> bool:
    """The printed value is the true value rounded twice, first to one more decimal (10.448 -> 10.45 -> 10.5).

    A convention (or an intermediate rounding), off by one unit of the last printed digit:
    information, never an error.
    """
    target = round_half_up(Fraction(repr(float(printed_value))), decimals)
    once = round_half_up(to_fraction(true_value), decimals + 1)
    return round_half_up(once, decimals) == target and round_half_up(to_fraction(true_value), decimals) != target


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
    """Compare a printed percentage with count/denominator at the printed precision.

    A denominator of zero or less has no percentage: the verdict is "consistent"
    with no rule (callers treat it as nothing to report). Candidate counts are
    listed only when there are few of them (see :data:`MAX_LISTED_COUNTS`).
    """
    if denominator <= 0:
        return PercentVerdict(consistent=True, rules=[], expected="", exact=float("nan"))
    exact = Fraction(100 * count, denominator)
    rules = reproducing_rules(exact, printed, decimals)
    expected = fmt(exact, decimals)
    possible = possible_counts(denominator, printed, decimals)
    return PercentVerdict(consistent=bool(rules), rules=rules, expected=expected, exact=float(exact),
                          impossible=not possible,
                          possible_counts=list(possible) if len(possible) <= MAX_LISTED_COUNTS else [])


MAX_LISTED_COUNTS = 10
_SCAN_LIMIT = 64


def possible_counts(denominator: int, printed: float, decimals: int) -> "list[int] | range":
    """Integer counts k (0..n) whose k/n*100 prints as ``printed`` under some rule (see :func:`_possible_counts`)."""
    out = _possible_counts(int(denominator), float(printed), int(decimals))
    return out if isinstance(out, range) else list(out)


@lru_cache(maxsize=65_536)
def _possible_counts(denominator: int, printed: float, decimals: int) -> "tuple[int, ...] | range":
    """Integer counts k (0..n) whose k/n*100 prints as ``printed`` under some rule.

    Computed arithmetically, never by walking the denominator's range: the true
    values that print as ``printed`` (half-up, half-even or truncation) form the
    interval [v - h, v + 2h), so the counts form one run of integers; only the
    few counts at its two ends are tested one by one. A short run is returned
    as a list, a long one (huge denominators) as a ``range``.
    """
    if denominator <= 0 or not math.isfinite(printed) or decimals < 0 or decimals > 12:
        return ()
    target = to_fraction(repr(float(printed)))
    h = Fraction(1, 2) / Fraction(10) ** decimals
    lo, hi = target - h, target + 2 * h
    k_lo = max(0, math.floor(lo * denominator / 100) - 1)
    k_hi = min(denominator, math.ceil(hi * denominator / 100) + 1)
    if k_hi < k_lo:
        return ()

    def ok(k: int) -> bool:
        return bool(reproducing_rules(Fraction(100 * k, denominator), printed, decimals))

    if k_hi - k_lo <= 2 * _SCAN_LIMIT:
        return tuple(k for k in range(k_lo, k_hi + 1) if ok(k))
    # the run is contiguous: trim the ends, where the rounding boundaries fall
    first = next((k for k in range(k_lo, k_lo + _SCAN_LIMIT) if ok(k)), None)
    last = next((k for k in range(k_hi, k_hi - _SCAN_LIMIT, -1) if ok(k)), None)
    if first is None or last is None or last < first:
        return ()
    return range(first, last + 1) if last - first >= MAX_LISTED_COUNTS else tuple(range(first, last + 1))


def describe_rules(rules: list[str]) -> str:
    if not rules:
        return "no rounding rule (half-up, half-even, truncation) reproduces it"
    return "reproduced by " + " and ".join(rules) + (" rounding" if rules != ["truncation"] else "")


# ---------------------------------------------------------------------------- sums of printed values
@dataclass
class SumVerdict:
    """Does a set of printed values sum to a target (e.g. 100%) within their rounding?"""

    total: Fraction                      # sum of the printed values
    target: Fraction
    half_units: Fraction                 # Σ 0.5·10^-d over the printed values (rounding slack)
    consistent: bool                     # within target ± Σ half-units (half-up / half-even)
    truncation_only: bool                # only truncation explains it (target - 2Σh <= total < target - Σh)

    @property
    def low(self) -> Fraction:
        return self.target - self.half_units

    @property
    def high(self) -> Fraction:
        return self.target + self.half_units

    @property
    def excess(self) -> Fraction:
        """How far the total lies outside the rounding interval (0 when inside)."""
        if self.total > self.high:
            return self.total - self.high
        if self.total < self.low:
            return self.low - self.total
        return Fraction(0)


def sum_within_rounding(printed: "list[tuple[float | str, int]]", target: "float | int" = 100,
                        exact: "list[bool] | None" = None) -> SumVerdict:
    """Compare the sum of printed values (value, decimals) with ``target``.

    Each printed value stands for a true value within ±0.5·10^-d (half-up or
    half-even rounding), so the true values can sum to ``target`` only if the
    printed sum lies within ``target ± Σ 0.5·10^-d``. Values flagged in
    ``exact`` (e.g. a printed 0 for a zero count) contribute no slack. With
    truncation a printed value understates the true one by less than 10^-d,
    so sums down to ``target - Σ 10^-d`` are explained by truncation alone.
    """
    exact = exact or [False] * len(printed)
    total = sum((to_fraction(str(v)) if not isinstance(v, Fraction) else v for v, _ in printed), Fraction(0))
    h = sum((Fraction(1, 2) / Fraction(10) ** d for (v, d), ex in zip(printed, exact) if not ex), Fraction(0))
    t = to_fraction(target)
    consistent = t - h <= total <= t + h
    trunc = not consistent and t - 2 * h <= total < t - h
    return SumVerdict(total=total, target=t, half_units=h, consistent=consistent, truncation_only=trunc)


# ---------------------------------------------------------------------------- GRIM
@dataclass
class GrimVerdict:
    """GRIM test: can a mean of ``n`` integer values print as the reported mean?"""

    consistent: bool
    informative: bool                    # False when n >= 10^d / granularity: every mean is then possible
    rules: list[str]                     # rounding rules under which some integer total reproduces the mean
    nearest_totals: list[int]            # integer sums closest to mean × n
    nearest_means: list[str]             # those sums / n, printed at the reported precision (half-up)
    product: Fraction                    # printed mean × n


def grim_test(mean: "float | str", decimals: int, n: int, granularity: int = 1) -> GrimVerdict:
    """Granularity-related inconsistency of means (Brown & Heathers, 2017).

    The mean of ``n`` values that are multiples of ``granularity`` (1 for whole
    numbers: ages in years, counts, integer scores) is ``T·granularity / n``
    for an integer ``T``. The printed mean is consistent when some such value
    rounds to it under half-up, half-even or truncation at ``decimals``. The
    test is informative only while ``n·10^-d < granularity`` (n < 10^d for
    whole numbers): with more values every printed mean is reachable.
    """
    m = to_fraction(str(mean))
    step = Fraction(granularity, n)
    informative = n > 0 and Fraction(n, granularity) < Fraction(10) ** decimals
    product = m * n
    if n <= 0:
        return GrimVerdict(True, False, [], [], [], product)
    lo, hi = widened_interval(float(m), decimals)
    k_lo = math.floor(to_fraction(lo) / step) - 1
    k_hi = math.ceil(to_fraction(hi) / step) + 1
    rules: set[str] = set()
    for k in range(k_lo, k_hi + 1):
        rules.update(reproducing_rules(k * step, float(m), decimals))
    centre = m / step
    near = sorted({math.floor(centre), math.ceil(centre)})
    totals = [k * granularity for k in near]
    means = [fmt(k * step, decimals) for k in near]
    ordered = [r for r in RULES if r in rules]
    return GrimVerdict(consistent=bool(ordered) or not informative, informative=informative, rules=ordered,
                       nearest_totals=totals, nearest_means=means, product=product)


# ---------------------------------------------------------------------------- agreement of two printed values
def printed_values_agree(a: float, a_decimals: int, b: float, b_decimals: int) -> list[str]:
    """Rules under which two printings of one quantity agree.

    The more precise value, rounded to the coarser precision, must give the
    coarser one (half-up, half-even or truncation), e.g. 48.48 and 48.5, or
    23.08 and 23.1. Returns the reproducing rules (empty: they disagree).
    """
    if a_decimals >= b_decimals:
        fine, fine_d, coarse, coarse_d = a, a_decimals, b, b_decimals
    else:
        fine, fine_d, coarse, coarse_d = b, b_decimals, a, a_decimals
    if fine_d == coarse_d:
        return list(RULES) if round_half_up(to_fraction(repr(float(fine))), fine_d) == \
            round_half_up(to_fraction(repr(float(coarse))), coarse_d) else []
    return reproducing_rules(to_fraction(repr(float(fine))), coarse, coarse_d)
