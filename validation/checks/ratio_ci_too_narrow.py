"""TA206 ratio-ci-too-narrow."""
from __future__ import annotations

import math
from typing import Iterator

from trialaudit.schemas.findings import Finding
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.extractor.rounding import rounding_interval
from trialaudit.validation.stats import z_of_level

from trialaudit.validation.tablekit import arm_size_evidence

from ._stat_helpers import ratio_items, study_total_n


@rule(code="TA206", name="ratio-ci-too-narrow", severity="warning", family="statistics",
      preview=("0 of 5 judged warnings on the development set were true: the bound assumes a two-group "
               "comparison, but within-patient time contrasts and per-unit odds ratios of continuous "
               "covariates are not told apart reliably"))
def check(ctx: CheckContext) -> Iterator[Finding]:
    """A hazard or odds ratio's CI is narrower than the number of patients in the study allows.

    What it checks:
        For a hazard ratio comparing two groups (arms, or a yes/no covariate
        such as "T stage (High vs. Low)") the Cox model's information is at
        most D/4 for D events, so SE(ln HR) ≥ 2/√D; events cannot exceed the
        patients analysed, so SE ≥ 2/√N. For an odds ratio of a binary
        factor SE(ln OR) ≥ 4/√N. The SE is taken from the printed CI, SE =
        (ln U − ln L)/(2 × 1.96), at its widest given the rounding of the
        bounds, and N is the study's total size (arms summed). The bound
        holds in multivariable models too (adjustment never shrinks a
        coefficient's model-based variance below 1/information).

    Why it matters:
        An interval narrower than the data can support overstates the
        precision of the headline result, typically because numbers were
        copied from another analysis, the CI was computed wrongly, or the
        study is smaller than the estimate implies.

    Example:
        95 patients, ``Treatment regimen | HR 0.632 | 0.456–0.879``: SE =
        0.167, but even if all 95 patients had an event SE ≥ 2/√95 = 0.205
        (error).

    Known limitations:
        Uses N as an upper bound on events, so it only catches intervals that
        are too narrow even then; per-unit effects of continuous covariates
        (age per year), risk ratios and robust (sandwich) variances are not
        checked. HRs from pooled or external cohorts larger than the article's
        arms can be flagged; the message states the N used.

        Severity: warning at most, never error: whether the ratio compares the two arms (not a per-unit or within-patient contrast) is inferred. On 120 real trial reports
        this rule's errors were mostly false alarms (tests/realworld/judgements.yaml), so its
        findings ask a reviewer to look rather than assert a contradiction.
    """
    ctx.coverage.count("ratios", 0)  # its findings are about ratios/intervals (counted by TA204)
    n = study_total_n(ctx)
    if not n or n < 4:
        return
    n_evidence = []
    for arm in ctx.study.arms:
        ev = arm_size_evidence(ctx, arm) if arm.n else None
        if ev is not None and len(n_evidence) < 3:
            n_evidence.append(ev)
    for it in ratio_items(ctx):
        if it.ratio_type not in ("HR", "OR") or not it.binary:
            continue
        l, h = it.low, it.high
        l_lo, _ = rounding_interval(l.value, l.decimals)
        _, h_hi = rounding_interval(h.value, h.decimals)
        if l_lo <= 0 or h_hi <= l_lo:
            continue
        zc = z_of_level(it.level)
        se_max = (math.log(h_hi) - math.log(l_lo)) / (2 * zc)
        se = (math.log(h.value) - math.log(l.value)) / (2 * zc)
        k = 2.0 if it.ratio_type == "HR" else 4.0
        bound = k / math.sqrt(n)
        ratio = se_max / bound
        if ratio >= 1:
            continue
        what = "events" if it.ratio_type == "HR" else "patients"
        formula = f"2/√{n}" if it.ratio_type == "HR" else f"4/√{n}"
        d_needed = math.ceil((k / se_max) ** 2) if se_max > 0 else None
        yield ctx.finding(
            "TA206", severity="warning",
            message=(f"{it.where}: the {it.level:g}% CI {l.text}–{h.text} implies SE(ln {it.ratio_type}) = {se:.3f}, "
                     f"but with at most {n} {what} it cannot be below {formula} = {bound:.3f}"
                     + (f" (it would need ≥ {d_needed} {what})" if d_needed else "") + "."),
            observed=f"SE = {se:.3f} (at most {se_max:.3f} given rounding)", expected=f"SE ≥ {bound:.3f}",
            computation=(f"SE = (ln {h.text} − ln {l.text})/(2 × {zc:.3f}) = {se:.4f} (≤ {se_max:.4f} with the bounds' "
                         f"rounding). For a two-group {it.ratio_type} the information is at most "
                         + ("D/4 for D events, so SE ≥ 2/√D" if it.ratio_type == "HR" else
                            "N/16, so SE ≥ 4/√N")
                         + f"; with N = {n} patients (the study's arms summed) the minimum is {bound:.4f}."),
            evidence=it.evidence + n_evidence, key=it.key + "|narrow",
            details={"se": se, "se_max": se_max, "bound": bound, "n": n, "needed": d_needed})
