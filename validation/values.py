"""Comparing printed values the way a reader does: equal at the precision both were printed to.

Shared by the rules that compare one place's value with another's (``Study.reported_values``).
"""
from __future__ import annotations

from trialaudit.schemas.quantities import Num
from trialaudit.schemas.study import ReportedValue as Reported

__all__ = ["num_equal", "interval_equal", "fmt_rv"]


def num_equal(a: Num | None, b: Num | None) -> bool:
    if a is None or b is None:
        return a is b
    tol = 0.5 * 10 ** (-min(a.decimals, b.decimals)) + 1e-9
    if a.decimals == b.decimals:
        tol = 1e-9
    return abs(a.value - b.value) <= tol


def interval_equal(a: Reported, b: Reported) -> bool:
    if a.interval is None or b.interval is None:
        return True
    if a.low_ne != b.low_ne or a.high_ne != b.high_ne:
        return False
    return num_equal(a.low, b.low) and num_equal(a.high, b.high)


def fmt_rv(r: Reported) -> str:
    v = r.value.text if r.value else "NR"
    if r.interval is None:
        return v
    lo = "NE" if r.low_ne else (r.low.text if r.low else "?")
    hi = "NE" if r.high_ne else (r.high.text if r.high else "?")
    lab = {"ci": "95% CI ", "iqr": "IQR ", "range": "range ", "unspecified": ""}.get(r.interval, "")
    return f"{v} ({lab}{lo}–{hi})"
