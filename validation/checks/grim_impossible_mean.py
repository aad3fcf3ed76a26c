"""TA106 grim-impossible-mean."""
from __future__ import annotations

from typing import Iterator

from trialaudit.schemas.findings import Evidence, Finding
from trialaudit.schemas.quantities import Num
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.extractor.rounding import describe_rules, grim_test
from trialaudit.extractor.study.table_means import whole_number_kind
from trialaudit.validation.tablekit import Denominator

#: a whole-number variable's kind -> (kind shown, granularity, severity): counts are counted, ages and scores may be
#: recorded otherwise (ages from birth dates), so their findings are warnings
_KINDS = {"count": ("count", 1, "error"), "age": ("age", 1, "warning"), "score": ("score", 1, "warning"),
          "kps": ("score", 10, "warning")}


def _variable_kind(label: str) -> tuple[str, int, str] | None:
    """('age'|'count'|'score', granularity, severity) for a whole-number variable, else None."""
    kind = whole_number_kind(label)
    return _KINDS[kind] if kind else None


@rule(code="TA106", name="grim-impossible-mean", severity="error", family="arithmetic")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """A mean of whole-number data cannot arise from n values at the printed precision (GRIM test).

    What it checks:
        Means of variables that can only take whole values — ages in years,
        numbers of cycles, lesions, metastatic sites or lines of therapy,
        single-item scores such as ECOG or a VAS (Karnofsky in steps of 10)
        — printed as ``mean ± SD`` or in a "mean" row of a table, or as "the
        mean age of the 25 patients was 45.37 years" in the text. The mean
        of n whole numbers is a multiple of 1/n, so mean × n must be (within
        the printed rounding) a whole number: some integer total T must give
        T/n that rounds to the printed mean under half-up, half-even or
        truncation. The test is informative only when n < 10^d (d printed
        decimals); otherwise every mean is possible and the rule stays silent.

    Why it matters:
        An impossible mean (the GRIM test of Brown & Heathers) shows that the
        mean, the group size or the variable's description is wrong — a
        transcription error, a mean over a different subgroup than stated, or
        fabricated summary statistics.

    Example:
        ``Age (years) | 45.37 ± 10.2`` under ``Arm A (n = 25)``: 45.37 × 25 =
        1134.25; the nearest possible means are 1134/25 = 45.36 and 1135/25 =
        45.40, neither prints as 45.37 (warning for ages, error for counts).

    Known limitations:
        Ages computed from birth dates are not whole numbers; those findings
        are warnings and name the assumption. Missing values for the variable
        (n smaller than the column's n) make a consistent mean look
        impossible; when a row of the same column counts deaths, losses to
        follow-up or missing data, a mean possible for the n less them is not
        flagged; a variable whose wording does not reveal that it is a
        whole number is skipped.
    """
    for tm in ctx.study.table_means:
        if any(grim_test(tm.mean.text, tm.mean.decimals, m, _KINDS[tm.kind][1]).consistent for m in tm.fewer_ns):
            continue  # possible for the column's n less the deaths or losses a row of the column reports
        den = Denominator(tm.n, tm.n_evidence, tm.n_source)
        f = _judge(ctx, tm.where, tm.variable, _KINDS[tm.kind], tm.mean, den, [tm.evidence])
        if f:
            yield f
    yield from _text(ctx)


def _judge(ctx: CheckContext, where: str, variable: str, var, mean: Num, den: Denominator,
           evidence: list[Evidence]) -> Finding | None:
    kind, gran, severity = var
    v = grim_test(mean.text, mean.decimals, den.n, gran)
    if not v.informative or v.consistent:
        return None
    unit = {"age": "whole years", "count": "whole numbers", "score": "whole points" if gran == 1 else f"steps of {gran}"}[kind]
    near = " and ".join(f"{t}/{den.n} = {m}" for t, m in zip(v.nearest_totals, v.nearest_means))
    comp = (f"{mean.text} × {den.n} = {float(v.product):.4g}, not a whole number{' of ' + str(gran) + 's' if gran > 1 else ''}; "
            f"the means of {den.n} values in {unit} closest to it are {near}; the printed {mean.text}: "
            f"{describe_rules(v.rules)}. GRIM is informative because n = {den.n} < 10^{mean.decimals}"
            f"{' / ' + str(gran) if gran > 1 else ''}. n from the {den.source}.")
    ev = list(evidence)
    if den.evidence is not None and den.evidence.quote not in [e.quote for e in ev]:
        ev.append(den.evidence)
    assumption = " (assuming ages were recorded in whole years)" if kind == "age" else ""
    return ctx.finding(
        "TA106", severity=severity,
        message=f"{where}: a mean of {mean.text} is impossible for {den.n} values in {unit}{assumption} — "
                f"the possible means nearest to it are {' and '.join(v.nearest_means)}.",
        observed=mean.text, expected=" or ".join(v.nearest_means), computation=comp, evidence=ev,
        key=f"{where}|{mean.text}",
        details={"mean": mean.value, "decimals": mean.decimals, "n": den.n, "granularity": gran, "variable": variable,
                 "nearest_totals": v.nearest_totals})


def _text(ctx: CheckContext) -> Iterator[Finding]:
    """Means printed in sentences with their n (``Study.text_means``)."""
    for tm in ctx.study.text_means:
        if not tm.n:
            continue
        var = _variable_kind(tm.variable) if tm.source == "same sentence" else ("age", 1, "warning")
        if var is None:
            continue
        src = "same sentence" if tm.source == "same sentence" else "study population"
        den = Denominator(tm.n, tm.evidence.model_copy(update={"role": "denominator"}), src)
        f = _judge(ctx, f"'{tm.where}'", tm.variable, var, tm.mean, den, [tm.evidence])
        if f:
            yield f
