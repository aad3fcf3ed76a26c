"""Shared statistics for the recomputation checks (TA2xx).

Everything a check needs to recompute a printed test from the numbers next to
it, *at the printed precision*:

* p from a test statistic (χ², t, F, z; two-sided for t and z) and the p-range
  a printed statistic stands for (its rounding interval, like statcheck);
* p-value comparison with the printed operator (``=``, ``<``, ``>``) and
  rounding of the printed p;
* contingency tables 2×k: Pearson χ² with and without Yates' continuity
  correction, likelihood-ratio G², the unpooled (Wald) two-proportion z-test
  (2×2), linear-by-linear association and Fisher's
  exact test (2×2 via :func:`scipy.stats.fisher_exact`, 2×k by full
  enumeration of the tables with the observed margins — Freeman–Halton);
* Student and Welch t from mean ± SD and n, with the range of t that the
  rounded means and SDs allow;
* Altman & Bland p from a ratio and its CI;
* binomial confidence intervals (Clopper–Pearson, Wilson with and without
  continuity correction, Wald, Agresti–Coull, Jeffreys).

Pure functions; no I/O. The rounding of printed values goes through
:mod:`trialaudit.extractor.rounding` (the single rounding engine).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import product
from typing import Sequence

import numpy as np

from trialaudit._lazy import lazy_module

from trialaudit.extractor.rounding import reproducing_rules, rounding_interval, to_fraction, widened_interval

_st = lazy_module("scipy.stats")  # scipy is imported on first use: start-up stays cheap
_special = lazy_module("scipy.special")


def gammaln(x):
    return _special.gammaln(x)


__all__ = [
    "p_from_stat", "p_range_from_stat", "t_p_range", "PrintedP", "p_interval", "p_matches", "p_side", "range_side",
    "p_to_z", "printed_matches",
    "ContingencyResult", "TestValue", "contingency_tests", "contingency_df", "pearson_chi2", "likelihood_ratio_g2",
    "fisher_exact_2xk", "linear_by_linear", "wald_two_proportions", "one_sided_tests",
    "TTestResult", "t_tests", "t_range_from_summary",
    "ratio_p_from_ci", "ratio_z_range", "z_of_level",
    "binomial_cis", "BINOMIAL_METHODS", "method_family", "wald_from_rounded_parts",
]


# ----------------------------------------------------------------------------- distributions

def z_of_level(level: float = 95.0) -> float:
    """Two-sided normal critical value for a CI level in percent (95 -> 1.95996)."""
    return float(_st.norm.ppf(1 - (1 - level / 100.0) / 2))


def p_from_stat(stat: str, value: float, df: float | None = None, df2: float | None = None) -> float | None:
    """p of a test statistic: upper tail for χ² and F, two-sided for t and z.

    Returns None when the statistic needs degrees of freedom that are missing
    or the value is impossible (negative χ² or F).
    """
    try:
        if stat == "z":
            return float(2 * _st.norm.sf(abs(value)))
        if stat == "t":
            if df is None or df <= 0:
                return None
            return float(2 * _st.t.sf(abs(value), df))
        if stat == "chi2":
            if df is None or df <= 0 or value < 0:
                return None
            return float(_st.chi2.sf(value, df))
        if stat == "F":
            if df is None or df2 is None or df <= 0 or df2 <= 0 or value < 0:
                return None
            return float(_st.f.sf(value, df, df2))
    except (ValueError, OverflowError, FloatingPointError):
        return None
    return None


def p_range_from_stat(stat: str, value: float, decimals: int, df: float | None = None,
                      df2: float | None = None) -> tuple[float, float] | None:
    """The p-range a printed statistic stands for: p over [value − h, value + h].

    p decreases as |stat| grows, so the range is (p(|v| + h), p(|v| − h)).
    For χ² and F the lower end of the statistic is clipped at 0.
    """
    lo, hi = rounding_interval(abs(value), decimals)
    lo = max(lo, 0.0)
    p_small = p_from_stat(stat, hi, df, df2)
    p_large = p_from_stat(stat, lo, df, df2)
    if p_small is None or p_large is None:
        return None
    return (min(p_small, p_large), max(p_small, p_large))


def p_to_z(p: float) -> float:
    """|z| of a two-sided p (normal scale), handy to compare p-values on one scale."""
    p = min(max(p, 1e-300), 1.0)
    return float(_st.norm.isf(p / 2))


# ----------------------------------------------------------------------------- printed p-values

@dataclass(frozen=True)
class PrintedP:
    """A printed p-value: its value, decimals and operator (=, <, >, <=, >=)."""

    value: float
    decimals: int
    op: str = "="
    text: str = ""

    @property
    def label(self) -> str:
        t = self.text or f"{self.value}"
        return f"P {self.op} {t}" if self.op != "=" else f"P = {t}"


def p_interval(p: PrintedP) -> tuple[float, float]:
    """Interval of true p-values the printed one admits (truncation allowed).

    ``P = 0.000`` and ``P < .000`` (statistics software's zero) mean p < 0.0005; ``P < 0.05`` means [0, 0.05);
    ``P > 0.05`` means (0.05, 1].
    """
    if p.op in ("<", "<=") and p.value == 0:
        return (0.0, 0.5 * 10 ** (-p.decimals) if p.decimals else 0.5)
    if p.op in ("<", "<="):
        return (0.0, p.value)
    if p.op in (">", ">="):
        return (p.value, 1.0)
    if p.value == 0:
        return (0.0, 0.5 * 10 ** (-p.decimals) if p.decimals else 0.5)
    lo, hi = widened_interval(p.value, p.decimals) if p.decimals else rounding_interval(p.value, 0)
    return (max(lo, 0.0), min(hi, 1.0))


def p_matches(printed: PrintedP, lo: float, hi: float | None = None, slack: float = 0.0) -> bool:
    """Does a recomputed p (or p-range [lo, hi]) agree with the printed p?

    ``slack`` widens the printed interval on both sides (absolute p units).
    A printed ``P = 1`` (or ``1.00``) also accepts p that round to 1.
    """
    hi = lo if hi is None else hi
    a, b = p_interval(printed)
    if printed.op in ("<", "<="):
        return lo < b + slack or (printed.op == "<=" and lo <= b + slack)
    if printed.op in (">", ">="):
        return hi > a - slack or (printed.op == ">=" and hi >= a - slack)
    return not (hi < a - slack or lo > b + slack)


def zero_padded(printed: PrintedP) -> PrintedP | None:
    """The coarser reading of a P printed with a trailing zero ("0.90" as 0.9 padded to two decimals, a habit of
    tables whose other P values have two decimals); None when the last decimal is not a zero."""
    if printed.op != "=" or printed.decimals < 2 or printed.value <= 0:
        return None
    scaled = printed.value * 10 ** (printed.decimals - 1)
    if abs(scaled - round(scaled)) > 1e-9:
        return None
    return PrintedP(printed.value, printed.decimals - 1, printed.op, printed.text)


def p_side(printed: PrintedP, alpha: float) -> str | None:
    """'sig' / 'ns' for what the printed p claims at ``alpha``; None when undecidable."""
    a, b = p_interval(printed)
    if printed.op in ("<", "<="):
        return "sig" if b <= alpha else None
    if printed.op in (">", ">="):
        return "ns" if a >= alpha else None
    if b <= alpha:
        return "sig"
    if a >= alpha:
        return "ns"
    # "P = 0.05" printed with 2 decimals: the rounding interval straddles alpha
    if printed.value < alpha:
        return "sig"
    if printed.value > alpha:
        return "ns"
    return None


def range_side(lo: float, hi: float, alpha: float) -> str | None:
    """'sig' when the whole recomputed range is below alpha, 'ns' when at or above, else None."""
    if hi < alpha:
        return "sig"
    if lo >= alpha:
        return "ns"
    return None


def printed_matches(true_value: float, printed_value: float, decimals: int) -> list[str]:
    """Rounding rules (half-up, half-even, truncation) that print ``true_value`` as the printed value."""
    if not math.isfinite(true_value):
        return []
    return reproducing_rules(to_fraction(float(true_value)), printed_value, decimals)


# ----------------------------------------------------------------------------- contingency tables

def _as_table(counts: Sequence[Sequence[int]]) -> np.ndarray:
    t = np.asarray(counts, dtype=float)
    if t.ndim != 2 or t.shape[0] < 2 or t.shape[1] < 2 or (t < 0).any():
        raise ValueError("need a 2-D table of non-negative counts with at least 2 rows and columns")
    return t


def _drop_empty(t: np.ndarray) -> np.ndarray:
    """Drop all-zero rows and columns (they carry no information and make expected counts zero)."""
    t = t[:, t.sum(axis=0) > 0]
    t = t[t.sum(axis=1) > 0, :]
    return t


def pearson_chi2(counts, correction: bool = False) -> tuple[float, float, int] | None:
    """Pearson χ² (Yates-corrected when ``correction`` and the table is 2×2): (χ², p, df)."""
    t = _drop_empty(_as_table(counts))
    if t.shape[0] < 2 or t.shape[1] < 2:
        return None
    r = t.sum(axis=1, keepdims=True)
    c = t.sum(axis=0, keepdims=True)
    n = t.sum()
    e = r @ c / n
    df = (t.shape[0] - 1) * (t.shape[1] - 1)
    if correction and t.shape == (2, 2):
        d = np.abs(t - e)
        d = np.maximum(d - 0.5, 0.0)  # Yates; never over-correct past zero
        chi2 = float((d ** 2 / e).sum())
    else:
        chi2 = float(((t - e) ** 2 / e).sum())
    return chi2, float(_st.chi2.sf(chi2, df)), df


def likelihood_ratio_g2(counts) -> tuple[float, float, int] | None:
    """Likelihood-ratio χ² (G²): (G², p, df)."""
    t = _drop_empty(_as_table(counts))
    if t.shape[0] < 2 or t.shape[1] < 2:
        return None
    n = t.sum()
    e = t.sum(axis=1, keepdims=True) @ t.sum(axis=0, keepdims=True) / n
    mask = t > 0
    g2 = float(2 * (t[mask] * np.log(t[mask] / e[mask])).sum())
    df = (t.shape[0] - 1) * (t.shape[1] - 1)
    return g2, float(_st.chi2.sf(g2, df)), df


def linear_by_linear(counts) -> tuple[float, float, int] | None:
    """Linear-by-linear association (Mantel–Haenszel trend) M² = (N − 1) r², df = 1,
    with equally spaced scores for rows and columns in the printed order."""
    t = _drop_empty(_as_table(counts))
    if t.shape[1] < 3 and t.shape[0] < 3:
        return None
    n = t.sum()
    u = np.arange(t.shape[0], dtype=float)
    v = np.arange(t.shape[1], dtype=float)
    ru = t.sum(axis=1) @ u / n
    cv = t.sum(axis=0) @ v / n
    cov = ((u[:, None] - ru) * (v[None, :] - cv) * t).sum()
    su = (t.sum(axis=1) * (u - ru) ** 2).sum()
    sv = (t.sum(axis=0) * (v - cv) ** 2).sum()
    if su <= 0 or sv <= 0:
        return None
    r = cov / math.sqrt(su * sv)
    m2 = float((n - 1) * r * r)
    return m2, float(_st.chi2.sf(m2, 1)), 1


def wald_two_proportions(counts) -> tuple[float, float] | None:
    """Unpooled (Wald) z-test of two proportions on a 2×2 table whose rows are the groups:
    z = (p̂₁ − p̂₂) / √(p̂₁q̂₁/n₁ + p̂₂q̂₂/n₂), two-sided normal P; (z, p). None when the standard error is zero
    (both proportions 0 or 1) or the table is not 2×2."""
    t = _as_table(counts)
    if t.shape != (2, 2):
        return None
    n1, n2 = t[0].sum(), t[1].sum()
    if n1 <= 0 or n2 <= 0:
        return None
    p1, p2 = t[0, 0] / n1, t[1, 0] / n2
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    if se <= 0:
        return None
    z = float((p1 - p2) / se)
    return z, float(2 * _st.norm.sf(abs(z)))


_FISHER_MAX_STATES = 3_000_000
#: tables with more patients than this get no exact test (None): a printed exact p for
#: them is implausible, and the hypergeometric support would take minutes to walk
_FISHER_MAX_N = 1_000_000


def _lchoose(n, k):
    return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)


def fisher_exact_2xk(counts, max_states: int = _FISHER_MAX_STATES) -> float | None:
    """Two-sided Fisher (Freeman–Halton) exact p for a 2×k table.

    Sums the hypergeometric probabilities of every table with the observed
    margins that is no more probable than the observed one (relative
    tolerance 1e-7, as :func:`scipy.stats.fisher_exact`). Enumeration is
    exact; returns None when the number of partial tables exceeds
    ``max_states`` (very large tables with many columns), or the table is not 2×k.
    """
    t = _as_table(counts)
    if t.shape[0] != 2:
        if t.shape[1] == 2:
            t = t.T
        else:
            return None
    t = t[:, t.sum(axis=0) > 0]
    if t.shape[1] < 2 or (t.sum(axis=1) == 0).any():
        return 1.0
    t = t.astype(int)
    if int(t.sum()) > _FISHER_MAX_N:
        return None   # no trial analyses a table this large with an exact test (and scipy walks its support)
    if t.shape[1] == 2:
        return float(_st.fisher_exact(t)[1])
    cols = t.sum(axis=0)
    r1 = int(t[0].sum())
    n = int(cols.sum())
    log_obs = float(sum(_lchoose(int(c), int(x)) for c, x in zip(cols, t[0])))
    remaining = np.cumsum(cols[::-1])[::-1]  # remaining[j] = sum of cols[j:]
    sums = np.zeros(1, dtype=np.int64)
    logs = np.zeros(1, dtype=float)
    k = len(cols)
    for j in range(k - 1):
        c = int(cols[j])
        if sums.size * (c + 1) > 4 * max_states:
            return None
        xs = np.arange(c + 1)
        lc = _lchoose(c, xs)
        new_sums = (sums[:, None] + xs[None, :]).ravel()
        new_logs = (logs[:, None] + lc[None, :]).ravel()
        rest = int(remaining[j + 1])
        keep = (new_sums <= r1) & (new_sums + rest >= r1)
        sums, logs = new_sums[keep], new_logs[keep]
        if sums.size > max_states:
            return None
    last = r1 - sums
    ok = (last >= 0) & (last <= cols[-1])
    logs = logs[ok] + _lchoose(int(cols[-1]), last[ok])
    log_total = float(_lchoose(n, r1))
    threshold = log_obs + math.log1p(1e-7)
    sel = logs <= threshold
    if not sel.any():
        return 1.0
    m = logs[sel].max()
    p = math.exp(m - log_total) * float(np.exp(logs[sel] - m).sum())
    return float(min(1.0, p))


@dataclass
class TestValue:
    name: str                   # "Pearson χ²", "Yates-corrected χ²", ...
    key: str                    # "pearson", "yates", "lr", "wald", "trend", "fisher"
    p: float
    stat: float | None = None   # the χ²; None for Fisher and the Wald z-test
    df: int | None = None
    family: str = "chi2"        # "chi2", "z" (Wald) or "fisher"


@dataclass
class ContingencyResult:
    counts: list[list[int]]
    tests: list[TestValue] = field(default_factory=list)

    def get(self, key: str) -> TestValue | None:
        return next((t for t in self.tests if t.key == key), None)


def contingency_tests(counts: Sequence[Sequence[int]]) -> ContingencyResult:
    """Every standard test of a 2×k table: Pearson χ², Yates (2×2), G², unpooled Wald z (2×2), linear-by-linear
    (k ≥ 3), Fisher."""
    try:
        t = _as_table(counts)
    except ValueError:
        return ContingencyResult(counts=[list(map(int, r)) for r in counts] if counts else [])
    res = ContingencyResult(counts=[[int(x) for x in row] for row in t])
    pe = pearson_chi2(t)
    if pe:
        res.tests.append(TestValue("Pearson χ² (no continuity correction)", "pearson", pe[1], pe[0], pe[2]))
    shape = _drop_empty(t).shape
    if shape == (2, 2):
        ya = pearson_chi2(t, correction=True)
        if ya:
            res.tests.append(TestValue("χ² with Yates' continuity correction", "yates", ya[1], ya[0], ya[2]))
    lr = likelihood_ratio_g2(t)
    if lr:
        res.tests.append(TestValue("likelihood-ratio χ²", "lr", lr[1], lr[0], lr[2]))
    if shape == (2, 2):
        wz = wald_two_proportions(_drop_empty(t))
        if wz:
            res.tests.append(TestValue(f"unpooled (Wald) z-test of two proportions (z = {wz[0]:.3f})", "wald", wz[1],
                                       None, None, family="z"))
    if min(shape) >= 2 and max(shape) >= 3:
        ll = linear_by_linear(t)
        if ll:
            res.tests.append(TestValue("linear-by-linear association", "trend", ll[1], ll[0], ll[2]))
    fp = fisher_exact_2xk(t)
    if fp is not None:
        res.tests.append(TestValue("Fisher's exact test", "fisher", fp, None, None, family="fisher"))
    return res


def one_sided_tests(counts: Sequence[Sequence[int]]) -> list[TestValue]:
    """One-sided P values of a 2×2 table: half of the two-sided Pearson and Wald P (the direction the data
    point to), and Fisher's exact test in the direction of the data (the smaller of its two one-sided P). Empty for
    larger tables."""
    try:
        t = _drop_empty(_as_table(counts))
    except ValueError:
        return []
    if t.shape != (2, 2):
        return []
    res = contingency_tests(t)
    out = [TestValue(f"one-sided {x.name}", f"{x.key}-one-sided", x.p / 2, x.stat, x.df, x.family)
           for x in res.tests if x.key in ("pearson", "wald")]
    ti = t.astype(int)
    less = float(_st.fisher_exact(ti, alternative="less")[1])
    greater = float(_st.fisher_exact(ti, alternative="greater")[1])
    out.append(TestValue("one-sided Fisher's exact test", "fisher-one-sided", min(less, greater), None, None,
                         family="fisher"))
    return out


# ----------------------------------------------------------------------------- t-tests

@dataclass
class TTestResult:
    variant: str        # "Student" or "Welch"
    t: float
    df: float
    p: float


def _student(m1, s1, n1, m2, s2, n2) -> tuple[float, float]:
    df = n1 + n2 - 2
    sp2 = ((n1 - 1) * s1 ** 2 + (n2 - 1) * s2 ** 2) / df
    se = math.sqrt(sp2 * (1 / n1 + 1 / n2))
    return se, df


def _welch(m1, s1, n1, m2, s2, n2) -> tuple[float, float]:
    v1, v2 = s1 ** 2 / n1, s2 ** 2 / n2
    se = math.sqrt(v1 + v2)
    denom = (v1 ** 2 / (n1 - 1) if n1 > 1 else 0) + (v2 ** 2 / (n2 - 1) if n2 > 1 else 0)
    df = (v1 + v2) ** 2 / denom if denom > 0 else n1 + n2 - 2
    return se, df


def t_tests(m1: float, s1: float, n1: int, m2: float, s2: float, n2: int) -> list[TTestResult]:
    """Student (pooled) and Welch t for two independent means; t = (m1 − m2)/SE, p two-sided."""
    out = []
    if n1 < 2 or n2 < 2 or s1 < 0 or s2 < 0:
        return out
    for name, f in (("Student", _student), ("Welch", _welch)):
        se, df = f(m1, s1, n1, m2, s2, n2)
        if se <= 0:
            continue
        t = (m1 - m2) / se
        out.append(TTestResult(name, t, df, float(2 * _st.t.sf(abs(t), df))))
    return out


def t_range_from_summary(variant: str, m1: float, dm1: int, s1: float, ds1: int, n1: int,
                         m2: float, dm2: int, s2: float, ds2: int, n2: int,
                         spread: str = "sd") -> tuple[float, float, float, float]:
    """Range of |t| (and of df) that the rounded means and SDs allow: (|t|min, |t|max, dfmin, dfmax).

    Means and SDs printed with ``dm``/``ds`` decimals stand for their rounding
    intervals; |t| = |m1 − m2| / SE is smallest with the closest means and the
    largest SDs, and largest with the farthest means and smallest SDs. With
    ``spread="se"`` the printed spreads are standard errors of the means: each
    bound of the interval becomes an SD as SE·√n.
    """
    h = lambda d: 0.5 * 10 ** (-d)  # noqa: E731
    d = abs(m1 - m2)
    dmin = max(0.0, d - h(dm1) - h(dm2))
    dmax = d + h(dm1) + h(dm2)
    f = _student if variant == "Student" else _welch
    k1, k2 = (math.sqrt(n1), math.sqrt(n2)) if spread == "se" else (1.0, 1.0)
    ses, dfs = [], []
    for a, b in product((max(s1 - h(ds1), 1e-12), s1 + h(ds1)), (max(s2 - h(ds2), 1e-12), s2 + h(ds2))):
        se, df = f(m1, a * k1, n1, m2, b * k2, n2)
        ses.append(se)
        dfs.append(df)
    return dmin / max(ses), dmax / min(ses), min(dfs), max(dfs)


# ----------------------------------------------------------------------------- ratio estimates

def ratio_p_from_ci(est: float, low: float, high: float, level: float = 95.0) -> tuple[float, float, float] | None:
    """Altman & Bland: SE = (ln U − ln L)/(2·z), z = ln(est)/SE, p two-sided. Returns (se, z, p)."""
    if est <= 0 or low <= 0 or high <= 0 or high <= low:
        return None
    zc = z_of_level(level)
    se = (math.log(high) - math.log(low)) / (2 * zc)
    if se <= 0:
        return None
    z = math.log(est) / se
    return se, z, float(2 * _st.norm.sf(abs(z)))


def ratio_z_range(est: float, de: int, low: float, dl: int, high: float, dh: int,
                  level: float = 95.0) -> tuple[float, float, float, float] | None:
    """Range of |z| (and of SE) over the rounding intervals of the estimate and both bounds.

    Returns (|z|min, |z|max, SEmin, SEmax); None when a bound can be ≤ 0.
    """
    e_lo, e_hi = rounding_interval(est, de)
    l_lo, l_hi = rounding_interval(low, dl)
    h_lo, h_hi = rounding_interval(high, dh)
    if min(e_lo, l_lo, h_lo) <= 0 or h_lo <= l_hi:
        return None
    zc = z_of_level(level)
    se_min = (math.log(h_lo) - math.log(l_hi)) / (2 * zc)
    se_max = (math.log(h_hi) - math.log(l_lo)) / (2 * zc)
    if se_min <= 0:  # touching rounding intervals ("3.0-3.1"): the logs agree to the last bit
        return None
    if e_lo <= 1 <= e_hi:
        a_min = 0.0
    else:
        a_min = min(abs(math.log(e_lo)), abs(math.log(e_hi)))
    a_max = max(abs(math.log(e_lo)), abs(math.log(e_hi)))
    return a_min / se_max, a_max / se_min, se_min, se_max


# ----------------------------------------------------------------------------- binomial CIs

BINOMIAL_METHODS = ("Clopper-Pearson", "Wilson", "Wilson (continuity-corrected)", "Wald", "Agresti-Coull", "Jeffreys")


def binomial_cis(k: int, n: int, level: float = 95.0) -> dict[str, tuple[float, float]]:
    """Confidence intervals for k/n (proportions, 0–1) by the usual methods.

    Wald is clipped to [0, 1]; the unclipped Wald bounds are returned under
    ``"Wald (unclipped)"`` when they differ.
    """
    if n <= 0 or k < 0 or k > n:
        return {}
    a = 1 - level / 100.0
    z = z_of_level(level)
    p = k / n
    out: dict[str, tuple[float, float]] = {}
    lo = 0.0 if k == 0 else float(_st.beta.ppf(a / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(_st.beta.ppf(1 - a / 2, k + 1, n - k))
    out["Clopper-Pearson"] = (lo, hi)
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    out["Wilson"] = (max(0.0, centre - half), min(1.0, centre + half))
    # Wilson with continuity correction (Newcombe 1998, method 4)
    zz = z * z
    if k == 0:
        wl = 0.0
    else:
        wl = (2 * n * p + zz - 1 - z * math.sqrt(zz - 2 - 1 / n + 4 * p * (n * (1 - p) + 1))) / (2 * (n + zz))
    if k == n:
        wh = 1.0
    else:
        wh = (2 * n * p + zz + 1 + z * math.sqrt(zz + 2 - 1 / n + 4 * p * (n * (1 - p) - 1))) / (2 * (n + zz))
    out["Wilson (continuity-corrected)"] = (max(0.0, wl), min(1.0, wh))
    se = math.sqrt(p * (1 - p) / n)
    wald = (p - z * se, p + z * se)
    out["Wald"] = (max(0.0, wald[0]), min(1.0, wald[1]))
    if out["Wald"] != wald:
        out["Wald (unclipped)"] = wald
    nt = n + zz
    pt = (k + zz / 2) / nt
    ac = z * math.sqrt(pt * (1 - pt) / nt)
    out["Agresti-Coull"] = (max(0.0, pt - ac), min(1.0, pt + ac))
    jl = 0.0 if k == 0 else float(_st.beta.ppf(a / 2, k + 0.5, n - k + 0.5))
    jh = 1.0 if k == n else float(_st.beta.ppf(1 - a / 2, k + 0.5, n - k + 0.5))
    out["Jeffreys"] = (jl, jh)
    return out


def wald_from_rounded_parts(k: int, n: int, level: float, decimals: int,
                            scale: float = 100.0) -> tuple[float, float] | None:
    """The Wald interval as authors often print it: the estimate and the half-width
    z·√(p(1−p)/n) each rounded (half up) to the bounds' decimals, then added and
    subtracted (220/258 = 85.3%, half-width 4.33 → 4.3: "81.0% to 89.6%", where the exact
    Wald lower bound 80.947 prints as 80.9). Returns the bounds on ``scale`` (already
    rounded), or None when k/n is not a proportion."""
    if n <= 0 or k < 0 or k > n:
        return None
    p = k / n
    q = 10 ** decimals
    half = z_of_level(level) * math.sqrt(p * (1 - p) / n) * scale
    centre = math.floor(p * scale * q + 0.5 + 1e-9) / q
    width = math.floor(half * q + 0.5 + 1e-9) / q
    return round(centre - width, decimals), round(centre + width, decimals)


def method_family(name: str) -> str:
    """'Wald (unclipped)', 'Wald (rounded parts)' -> 'Wald'."""
    return name.split(" (unclipped)")[0].split(" (rounded parts)")[0]




def contingency_df(counts) -> int | None:
    """Degrees of freedom of a contingency table after dropping all-zero rows and columns."""
    try:
        t = _drop_empty(_as_table(counts))
    except ValueError:
        return None
    if t.shape[0] < 2 or t.shape[1] < 2:
        return None
    return (t.shape[0] - 1) * (t.shape[1] - 1)


def t_p_range(value: float, decimals: int, df_lo: float, df_hi: float) -> tuple[float, float] | None:
    """Two-sided p-range of a printed t over its rounding interval and df in [df_lo, df_hi].

    For fixed |t| the p-value falls as df grows, so the extremes sit at the corners.
    """
    a = p_range_from_stat("t", value, decimals, df_lo)
    b = p_range_from_stat("t", value, decimals, df_hi)
    if a is None or b is None:
        return None
    return (min(a[0], b[0]), max(a[1], b[1]))
