"""TA207 binomial-ci-mismatch."""
from __future__ import annotations

from typing import Iterator

from trialaudit.schemas.findings import Finding
from trialaudit.schemas.study import BinomialRate
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.validation.stats import binomial_cis, method_family, printed_matches, wald_from_rounded_parts


def _reproducing(cis: dict, r: BinomialRate) -> list[str]:
    """The binomial methods whose interval prints as the rate's bounds on its scale."""
    return [name for name, (lo, hi) in cis.items()
            if printed_matches(lo * r.scale, r.low.value, r.low.decimals)
            and printed_matches(hi * r.scale, r.high.value, r.high.decimals)]


@rule(code="TA207", name="binomial-ci-mismatch", severity="warning", family="statistics")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """A confidence interval printed for a proportion is reproduced by no standard binomial method, or not by the stated one.

    What it checks:
        Rates with a count and a known denominator and a printed CI: table
        rows such as ``Objective response rate, n (%) | 17 (32.1)`` followed
        by a ``95% CI | (19.9, 46.3)`` row, cells such as ``81.8% (68.7%,
        95.0%)`` in a rate row (the count recovered from the percentage and
        the column's n), and sentences such as "17/53 (95% CI 19.9–46.3)".
        The CI is recomputed by Clopper–Pearson (exact), Wilson (with and
        without continuity correction), Wald, Agresti–Coull and Jeffreys at
        the printed precision; the finding names the methods that reproduce
        it. A Wald interval printed as the rounded estimate ± the rounded
        half-width (85.3% ± 4.3 → "81.0% to 89.6%") counts as Wald. It flags when none does, and when the statistical methods name a
        method (e.g. "estimated using the Clopper-Pearson method") that does
        not reproduce it while another does.

    Why it matters:
        A CI that no method gives from the printed count and n points to a
        wrong count, a wrong denominator or a copied interval; a method other
        than the one stated breaks reproducibility and, for Wald intervals
        near 0 or 100%, overstates precision.

    Example:
        ORR 17/53 printed with 95% CI (19.9, 46.3): Clopper–Pearson gives
        19.92–46.32, consistent with a statement that Clopper–Pearson was
        used. ``27/33 = 81.8% (68.7%, 95.0%)`` is the Wald interval; if the
        methods say Clopper–Pearson (64.5–93.0) it is flagged.

    Known limitations:
        Kaplan–Meier landmark rates and other non-binomial percentages are
        skipped by their labels; a rate computed on another denominator
        (evaluable patients) is flagged with the denominator used, so the
        reviewer can judge.
    """
    stated, stated_quote = set(ctx.study.ci_methods), ctx.study.ci_methods_quote
    for r in ctx.study.binomial_rates:
        ctx.coverage.count("ratios")
        cis = binomial_cis(r.k, r.n, r.level)
        if not cis:
            continue
        ok = _reproducing(cis, r)
        for k in r.other_ks:
            if not ok and _reproducing(binomial_cis(k, r.n, r.level), r):
                r = r.model_copy(update={"k": k})
                cis = binomial_cis(k, r.n, r.level)
                ok = _reproducing(cis, r)
        if not ok and r.scale == 100 and r.high.value <= 1:
            # "2 of 18 (0.11, 95% CI 0.03–0.33)": bounds up to 1 may be proportions even without a point estimate
            as_proportion = r.model_copy(update={"scale": 1.0})
            if _reproducing(cis, as_proportion):
                r, ok = as_proportion, _reproducing(cis, as_proportion)
        if not ok and r.low.decimals == r.high.decimals:
            parts = wald_from_rounded_parts(r.k, r.n, r.level, r.low.decimals, r.scale)
            if parts and abs(parts[0] - r.low.value) < 1e-9 and abs(parts[1] - r.high.value) < 1e-9:
                ok = ["Wald (rounded parts)"]
                cis = {**cis, "Wald (rounded parts)": (parts[0] / r.scale, parts[1] / r.scale)}
        fams = sorted({method_family(x) for x in ok})
        unit = "%" if r.scale == 100 else ""
        printed = f"{r.k}/{r.n}, {r.level:g}% CI {r.low.text}–{r.high.text}{unit}"

        def show(name):
            lo, hi = cis[name]
            d = max(r.low.decimals, r.high.decimals)
            return f"{name} {lo * r.scale:.{d + 1}f}–{hi * r.scale:.{d + 1}f}"

        comp = (f"{r.k}/{r.n} = {100 * r.k / r.n:.2f}% (n from {r.n_source}). " + "; ".join(show(x) for x in cis)
                + ". " + (f"Reproduced by {', '.join(ok)}." if ok else "No method reproduces the printed bounds "
                                                                  "at their printed precision."))
        if not ok:
            yield ctx.finding(
                "TA207", severity="warning",
                message=f"{r.where}: no standard binomial method gives the printed CI {r.low.text}–{r.high.text} for "
                        f"{r.k}/{r.n} (Clopper–Pearson: {show('Clopper-Pearson').split(' ', 1)[1]})."
                        + (" A percentage cannot have a bound above 100% or below 0%." if r.scale == 100 and
                           (r.high.value > 100 or r.low.value < 0) else ""),
                observed=printed, expected=show(sorted(stated)[0] if stated and sorted(stated)[0] in cis
                                                else "Clopper-Pearson"),
                computation=comp, evidence=r.evidence, key=r.key,
                details={"k": r.k, "n": r.n, "cis": {k: list(v) for k, v in cis.items()}})
            continue
        if stated and not (set(fams) & stated):
            s = sorted(stated)[0]
            yield ctx.finding(
                "TA207", severity="warning",
                message=f"{r.where}: the CI {r.low.text}–{r.high.text} for {r.k}/{r.n} is the {' / '.join(fams)} "
                        f"interval, but the methods state {' / '.join(sorted(stated))}"
                        + (f" ({show(s).split(' ', 1)[1]})." if s in cis else "."),
                observed=f"{printed} ({' / '.join(fams)})", expected=show(s) if s in cis else " / ".join(stated),
                computation=comp + (f" Stated: “{stated_quote[:200]}”" if stated_quote else ""),
                evidence=r.evidence, key=r.key + "|stated",
                details={"k": r.k, "n": r.n, "reproduced_by": ok, "stated": sorted(stated)})
