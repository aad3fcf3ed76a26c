"""Typed quantities parsed from cell or sentence text.

A :class:`Num` keeps the number as printed (``text``) and its precision
(``decimals``), because numeric checks reason about the rounding interval the
printed value stands for.
"""
from __future__ import annotations

from typing import Literal

from .base import Model

QuantityKind = Literal[
    "count",          # 12
    "percent",        # 23.6%
    "count_percent",  # 12 (23.6)  /  12 (23.6%)
    "fraction",       # 16/33  or 16/33 (48.5%)
    "mean_sd",        # 30 ± 6.44
    "median_range",   # 15.5 (12–46)  / median (range)
    "median_iqr",     # 12.1 (5.4, 18.8) when labelled IQR
    "estimate_ci",    # 5.5 (95% CI 3.9–6.4)
    "ratio",          # HR 0.60 (95% CI 0.37–0.98; P=0.04)
    "p_value",        # P = 0.04, p<0.05
    "test_stat",      # χ2 = 7.982 / t(38)=2.1
    "not_reached",    # NE / NR / not reached
    "range",          # 12–51
    "number",         # a bare decimal that is not a count
]


class Num(Model):
    """A number as printed: value, verbatim text and number of decimals."""

    value: float
    text: str
    decimals: int = 0
    start: int | None = None  # offsets within the parsed string
    end: int | None = None


class Quantity(Model):
    """One typed quantity with the numbers that make it up.

    Only the fields that apply to ``kind`` are set. ``start``/``end`` are
    character offsets in the string the parser was given.
    """

    kind: QuantityKind
    text: str
    start: int
    end: int
    value: Num | None = None          # estimate, mean, median, bare number, count
    count: Num | None = None
    denominator: Num | None = None
    percent: Num | None = None
    sd: Num | None = None
    low: Num | None = None            # CI / range / IQR lower bound
    high: Num | None = None
    interval: Literal["ci", "range", "iqr", "sd", "unspecified"] | None = None
    ci_level: float | None = None     # 95.0
    ratio_type: Literal["HR", "OR", "RR"] | None = None
    p: Num | None = None
    p_operator: Literal["=", "<", ">", "<=", ">="] | None = None
    statistic: Literal["chi2", "t", "F", "z", "U", "H"] | None = None
    df: float | None = None
    df2: float | None = None
    stat_value: Num | None = None
    not_estimable: bool = False       # a bound or value printed as NE/NR
