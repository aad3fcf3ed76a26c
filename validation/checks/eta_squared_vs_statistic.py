"""TA212 eta-squared-vs-statistic."""
from __future__ import annotations

from typing import Iterator

from trialaudit.extractor.rounding import rounding_interval
from trialaudit.schemas.findings import Finding
from trialaudit.schemas.study import TextStatistic
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule


def _partial_range(ts: TextStatistic) -> tuple[float, float, str] | None:
    """The partial eta squared the statistic and its degrees of freedom allow (over the statistic's rounding
    interval), and the formula used; None when the degrees of freedom are missing or Welch-like (fractional)."""
    lo, hi = rounding_interval(abs(ts.value.value), ts.value.decimals)
    lo = max(lo, 0.0)
    if ts.statistic == "F":
        d1, d2 = ts.df, ts.df2
        if d1 is None or d2 is None or d1 <= 0 or d2 <= 0 or (d1 == int(d1) and d2 != int(d2)):
            return None
        return lo * d1 / (lo * d1 + d2), hi * d1 / (hi * d1 + d2), f"F·df1/(F·df1 + df2) with df = ({d1:g}, {d2:g})"
    if ts.statistic == "t":
        d = ts.df if ts.df is not None else ts.df_words
        if d is None or d <= 0 or d != int(d):
            return None
        return lo * lo / (lo * lo + d), hi * hi / (hi * hi + d), f"t²/(t² + df) with df = {d:g}"
    return None


@rule(code="TA212", name="eta-squared-vs-statistic", severity="error", family="statistics")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """An eta squared printed with an F or t test cannot follow from that statistic and its degrees of freedom.

    What it checks:
        An F with both degrees of freedom ("F(1, 58) = 4.21") or a t with
        its df, printed in a sentence with an eta squared after it ("p =
        .045, ηp² = .07", ``Study.text_statistics``). The partial eta squared
        is F·df1/(F·df1 + df2) (t²/(t² + df) for a t), computed over the
        statistic's rounding interval. A value declared partial ("ηp²",
        "partial η²") must round to it; a classical or generalized eta
        squared, or one not declared ("η²"), can be smaller (its denominator
        holds other effects too) but never larger, so only a larger value is
        flagged.

    Why it matters:
        The effect size is what a reader and a meta-analyst take away; when
        it does not follow from the test beside it, either the statistic,
        its degrees of freedom or the effect size is misprinted (often a
        degree of freedom copied from another test).

    Example:
        "F [1,9] = 9.60, p < 0.001, η² = 0.58": F·df1/(F·df1 + df2) =
        9.60/18.60 = 0.516, and no eta squared can exceed the partial one
        (9.60/(9.60 + 7) = 0.58 suggests the df was 7).

    Known limitations:
        Only sentences are read, not tables. Degrees of freedom printed
        apart from the statistic are not used for F. Welch-type tests
        (fractional df) are skipped, and an η² below its partial value is
        never flagged unless declared partial; ω², Cohen's f and d are not
        checked.
    """
    for ts in ctx.study.text_statistics:
        eta = ts.eta_squared
        if eta is None or ts.eta_kind is None:
            continue
        r = _partial_range(ts)
        if r is None:
            continue
        p_lo, p_hi, how = r
        e_lo, e_hi = rounding_interval(eta.value, eta.decimals)
        op = ts.eta_operator or "="
        partial = ts.eta_kind == "partial"
        if op == "=":
            too_large = e_lo > p_hi + 1e-12
            too_small = partial and e_hi < p_lo - 1e-12
        elif op in ("<", "<=") and partial:
            too_large, too_small = False, eta.value <= p_lo - 1e-12
        else:
            continue
        if not (too_large or too_small):
            continue
        rng = f"{p_lo:.3f}" if f"{p_lo:.3f}" == f"{p_hi:.3f}" else f"{p_lo:.3f}–{p_hi:.3f}"
        name = {"partial": "partial η²", "generalized": "generalized η²"}.get(ts.eta_kind, "η²")
        why = ("no eta squared (classical, partial or generalized) can exceed the partial value" if too_large
               else "a partial eta squared must equal that value")
        yield ctx.finding(
            "TA212", severity="error",
            message=(f"'{ts.text}, {ts.eta_text}': the {ts.statistic} and its degrees of freedom give a partial η² "
                     f"of {rng}, but the article prints {name} {op} {eta.text}."),
            observed=f"{name} {op} {eta.text}", expected=f"partial η² {rng}" + (
                "" if partial else " or less"),
            computation=(f"partial η² = {how}, over the statistic's rounding interval; printed {name} {op} "
                         f"{eta.text} (interval {e_lo:g}–{e_hi:g}): {why}."),
            evidence=[ts.eta_evidence or ts.evidence], key=f"{ts.text}|{ts.eta_text}")
