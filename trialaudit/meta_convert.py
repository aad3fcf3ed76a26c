"""Standard deviations derived from a standard error or a confidence interval of a mean.

Following the Cochrane Handbook (section 6.5.2): SD = SE * sqrt(n); from a confidence
interval of a mean, SD = sqrt(n) * (upper - lower) / (2 * q), where q is the normal
quantile (1.96 for 95%) when the group has 60 or more participants, and the t quantile
with n - 1 degrees of freedom when it is smaller. A median with its IQR or range is
never converted: it is not a mean.

Each function returns the SD and a note saying how it was derived; callers keep the
note with the value so that a converted SD is never mistaken for a printed one.
"""
from __future__ import annotations

import math

from scipy import stats

SMALL_SAMPLE = 60          # below this many, the t quantile (Cochrane Handbook 6.5.2.2)
DECIMALS = 2


def sd_from_se(se: float, n: float) -> tuple[float, str]:
    sd = se * math.sqrt(n)
    return round(sd, DECIMALS), f"SD = SE x sqrt(n) = {se:g} x sqrt({n:g})"


def ci_quantile(n: float, level: float = 95.0) -> tuple[float, str]:
    p = 1 - (1 - level / 100) / 2
    if n < SMALL_SAMPLE:
        return float(stats.t.ppf(p, n - 1)), f"t({n - 1:g} df)"
    return float(stats.norm.ppf(p)), "normal"


def sd_from_ci(low: float, high: float, n: float, level: float = 95.0) -> tuple[float, str]:
    q, which = ci_quantile(n, level)
    sd = math.sqrt(n) * (high - low) / (2 * q)
    return round(sd, DECIMALS), (f"SD = sqrt(n) x (upper - lower) / (2 x {q:.3f}) = sqrt({n:g}) x "
                                 f"({high:g} - {low:g}) / {2 * q:.3f}, {which} quantile of a {level:g}% CI")
