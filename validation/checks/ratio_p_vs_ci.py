"""TA205 ratio-p-vs-ci."""
from __future__ import annotations

import math
from typing import Iterator

from trialaudit._lazy import lazy_module
from trialaudit.schemas.findings import Finding
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.extractor.rounding import rounding_interval
from trialaudit.validation.stats import p_interval, p_side, p_to_z, ratio_z_range

from ._stat_helpers import fmt_range, ratio_items

st = lazy_module("scipy.stats")  # imported on first use

#: Altman & Bland is an approximation (and the P may come from a log-rank or
#: likelihood-ratio test while the CI is Wald): allowed relative and absolute
#: differences on the z scale beyond the rounding of the printed numbers
_REL_TOL = 0.05
_ABS_TOL = 0.02
#: a log-ratio SE above this (about 8 or fewer events per arm) makes the approximation unreliable: Fisher's or
#: another exact P printed beside a Wald CI differs from it by more than the allowance
_SPARSE_SE = 0.5


@rule(code="TA205", name="ratio-p-vs-ci", severity="error", family="statistics")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """The P printed with a hazard, odds or risk ratio contradicts its confidence interval.

    What it checks:
        For every HR/OR/RR printed with a CI and a P (text or table): a 95%
        CI that excludes 1 must come with P < 0.05 and one that includes 1
        with P ≥ 0.05 (for the configured α and a CI at level 1 − α); a
        contradiction is an error. Otherwise the P is recomputed from the CI
        by Altman & Bland's method (SE = (ln U − ln L)/(2 × 1.96), z =
        ln(estimate)/SE) over the rounding intervals of the printed numbers,
        and compared on the z scale with a 5% allowance for the
        approximation (warning when outside).

    Why it matters:
        The CI and the P are two views of the same test; when they disagree
        about significance one of them is wrong, and the article's conclusion
        depends on which. A P far from the CI's points to a mistyped number.

    Example:
        ``HR 0.60 (95% CI 0.37–0.98), P = 0.0402``: z = 2.06, P = 0.040,
        consistent. ``HR 0.64 (95% CI 0.40–1.02), P = 0.03`` claims
        significance while the CI includes 1 (error).

    Known limitations:
        A P the sentence declares one-sided ("exact one-sided P = 0.068") is
        not compared with the two-sided P the interval implies. A log-rank P
        next to a Cox CI can legitimately differ a little; near
        the boundary (a bound within 2% of 1 and P between 0.04 and 0.06)
        contradictions are reported as warnings. The approximation is
        not used for P < 0.0001, nor when the CI is so wide (SE of the log
        ratio above 0.5, about 8 or fewer events per arm) that an exact test's
        P may legitimately differ from it, nor for risk and odds ratios when the methods or tables name
        Fisher's exact test (``Study.named_tests``): the P printed beside a Wald CI is then often Fisher's.
    """
    ctx.coverage.count("ratios", 0)  # its findings are about ratios/intervals (counted by TA204)
    alpha = ctx.settings.alpha
    named = ctx.study.named_tests
    exact_counts = "fisher" in named.categorical or "fisher" in named.in_tables
    for it in ratio_items(ctx):
        if it.p is None or it.p_one_sided:
            continue  # a one-sided P ("exact one-sided P = 0.068") is half what a two-sided interval implies
        e, l, h, p = it.est, it.low, it.high, it.p
        printed = f"{it.ratio_type} {e.text} ({it.level:g}% CI {l.text}–{h.text}), {p.label}"
        l_lo, l_hi = rounding_interval(l.value, l.decimals)
        h_lo, h_hi = rounding_interval(h.value, h.decimals)
        if l_lo >= h_hi or l.value <= 0:
            continue
        side = p_side(p, alpha)
        if abs(it.level - 100 * (1 - alpha)) < 1e-6 and side is not None:
            excludes = l_lo > 1 or h_hi < 1
            includes = l_hi < 1 < h_lo
            contradiction = (excludes and side == "ns") or (includes and side == "sig")
            if contradiction:
                a, b = p_interval(p)
                near = min(abs(l.value - 1), abs(h.value - 1)) <= 0.02 and 0.04 <= (a + b) / 2 <= 0.06
                ci_says = "excludes 1 (significant)" if excludes else "includes 1 (not significant)"
                p_says = "significant" if side == "sig" else "not significant"
                yield ctx.finding(
                    "TA205", severity="warning" if near else "error",
                    message=f"{it.where}: the {it.level:g}% CI {l.text}–{h.text} {ci_says}, but {p.label} says "
                            f"{p_says} at α = {alpha:g}."
                            + (" Borderline: a P from a different test (e.g. log-rank) may explain it." if near else ""),
                    observed=printed, expected=("P < %g" % alpha) if excludes else ("P ≥ %g" % alpha),
                    computation=(f"A {it.level:g}% CI excludes the null value 1 exactly when the two-sided P is below "
                                 f"{alpha:g}. Bounds {l.text} and {h.text} (rounding intervals {l_lo:g}–{l_hi:g}, "
                                 f"{h_lo:g}–{h_hi:g}) {'exclude' if excludes else 'include'} 1."),
                    evidence=it.evidence, key=it.key + "|significance", changes_conclusion=True,
                    details={"ci": [l.value, h.value], "p": p.value, "p_operator": p.op})
                continue
        rng = ratio_z_range(e.value, e.decimals, l.value, l.decimals, h.value, h.decimals, it.level)
        if rng is None:
            continue
        zmin, zmax, se_min, se_max = rng
        a, b = p_interval(p)
        if b < 1e-4 or se_min > _SPARSE_SE:
            continue  # tiny P; or few events, where an exact P and a Wald CI legitimately part
        if exact_counts and it.ratio_type in ("RR", "OR"):
            continue  # the methods name Fisher's exact test for counts: its P need not match a Wald CI's
        z_lo_ok = zmin * (1 - _REL_TOL) - _ABS_TOL
        z_hi_ok = zmax * (1 + _REL_TOL) + _ABS_TOL
        if p.op in ("<", "<="):
            ok = z_hi_ok >= p_to_z(b)
        elif p.op in (">", ">="):
            ok = z_lo_ok <= p_to_z(a)
        else:
            zr_lo, zr_hi = p_to_z(b), p_to_z(a) if a > 0 else math.inf
            ok = not (zr_hi < z_lo_ok or zr_lo > z_hi_ok)
        if ok:
            continue
        p_lo, p_hi = float(2 * st.norm.sf(zmax)), float(2 * st.norm.sf(zmin))
        z_rep = p_to_z(p.value) if p.value > 0 else math.inf
        yield ctx.finding(
            "TA205", severity="warning",
            message=f"{it.where}: the CI {l.text}–{h.text} implies P ≈ {fmt_range(p_lo, p_hi)}, not the printed "
                    f"{p.label}.",
            observed=printed, expected=f"P ≈ {fmt_range(p_lo, p_hi)}",
            computation=(f"Altman & Bland: SE = (ln {h.text} − ln {l.text})/(2 × "
                         f"{st.norm.isf((1 - it.level / 100) / 2):.3f}) = {se_min:.4f}–{se_max:.4f} over the rounding "
                         f"of the bounds; z = ln({e.text})/SE = {zmin:.3f}–{zmax:.3f}; two-sided P = "
                         f"{fmt_range(p_lo, p_hi)}. The printed {p.label} corresponds to z = {z_rep:.3f}, outside "
                         f"{z_lo_ok:.3f}–{z_hi_ok:.3f} (the range widened by {_REL_TOL:.0%} for the approximation)."),
            evidence=it.evidence, key=it.key + "|altman-bland",
            details={"z_range": [zmin, zmax], "p_recomputed": [p_lo, p_hi], "p_printed": p.value})
