"""TA106 grim-impossible-mean."""
from __future__ import annotations

import re
from typing import Iterator

from trialaudit.extractor.study.arms import strip_n
from trialaudit.schemas.document import Table
from trialaudit.schemas.findings import Evidence, Finding
from trialaudit.schemas.quantities import Num
from trialaudit.extractor.study.categories import data_columns, single_column_denominator
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.extractor.rounding import describe_rules, grim_test
from trialaudit.validation.tablekit import Denominator, arms_are_rows, cell_quantity, column_denominator, row_denominator

# whole-number variables: (pattern, kind, severity)
_COUNT_VAR = re.compile(
    r"\b(?:number|no\.?|count)\s+of\s+(?:\w+\s+){0,2}?(?:cycles|courses|lesions|metastases|metastatic\s+sites|sites|"
    r"lines|tumou?rs|nodules|(?:lymph\s+)?nodes|children|pregnancies|admissions|hospitali[sz]ations|fractions|doses|"
    r"infusions|regimens|surgeries|operations|relapses|recurrences|episodes|teeth|organs|drugs|agents|comorbidities)\b"
    r"|\b(?:cycles|courses)\s+(?:received|administered|delivered|given)\b|\bprior\s+(?:lines|regimens)\b"
    r"|\blines\s+of\s+(?:prior\s+|previous\s+)?(?:systemic\s+)?(?:therapy|therapies|treatment|chemotherapy)\b", re.I)
_AGE_VAR = re.compile(r"\bage\b(?!\s*(?:group|band|categor|<|>|≥|≤|\d))", re.I)
_SCORE_VAR = re.compile(r"\b(?:ECOG|Zubrod|VAS|NRS|numeric\s+rating|Likert|MMSE|GCS|Glasgow|NIHSS|Apgar)\b", re.I)
_KPS_VAR = re.compile(r"\b(?:Karnofsky|KPS|Lansky)\b", re.I)
# variables that are not whole numbers even if they look like the above
_NOT_INTEGER = re.compile(r"\b(?:QLQ|transformed|global\s+health|BMI|body\s+mass|weight|height|BSA|surface|duration|"
                          r"time|interval|months?|weeks?|days?|hours?|dose|concentration|level|ratio|index|size|"
                          r"diameter|volume|burden|mm|cm|kg|mg)\b", re.I)
_MEAN_LABEL = re.compile(r"\b(?:mean|average|avg)\b|±|\bSD\b", re.I)
_MEDIAN_LABEL = re.compile(r"\bmedian\b", re.I)

def _variable_kind(label: str) -> tuple[str, int, str] | None:
    """('age'|'count'|'score', granularity, severity) for a whole-number variable, else None."""
    if _KPS_VAR.search(label):
        return "score", 10, "warning"
    if _COUNT_VAR.search(label):
        return "count", 1, "error"
    if _NOT_INTEGER.search(re.sub(r"\b(?:years?|yrs?|y)\b", "", label)):
        return None
    if _AGE_VAR.search(label):
        return "age", 1, "warning"
    if _SCORE_VAR.search(label):
        return "score", 1, "warning"
    return None


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
        impossible; a variable whose wording does not reveal that it is a
        whole number is skipped.
    """
    for table in ctx.document.tables:
        yield from _table(ctx, table)
    yield from _text(ctx)


def _mean_of(text: str, label: str) -> Num | None:
    q = cell_quantity(text)
    if q is None:
        return None
    if q.kind == "mean_sd" and q.value is not None:
        if q.interval == "unspecified" and not _MEAN_LABEL.search(label):
            return None
        return q.value
    if _MEAN_LABEL.search(label) and not _MEDIAN_LABEL.search(label) and q.kind in ("number", "count") and q.value:
        return q.value
    return None


def _table(ctx: CheckContext, table: Table) -> Iterator[Finding]:
    rows_are_arms = arms_are_rows(table, ctx.study)
    for row in table.rows:
        if row.kind == "group":
            continue
        for j in data_columns(table):
            if j >= len(row.cells) or not row.cells[j].text.strip():
                continue
            col = table.column_label(j)
            label = f"{row.group or ''} {row.label}" if not rows_are_arms else col
            context_label = f"{row.group or ''} {row.label} {col}"
            var = _variable_kind(label)
            if var is None:
                continue
            mean = _mean_of(row.cells[j].text, context_label)
            if mean is None or mean.decimals == 0:
                continue
            _, own_n = strip_n(row.label)
            if own_n is not None and not rows_are_arms:
                den = Denominator(own_n, ctx.cell_evidence(table, row, 0, role="denominator"), "row label")
            elif rows_are_arms:
                den = row_denominator(ctx, table, row)
            else:
                den = column_denominator(ctx, table, j) or single_column_denominator(ctx.document, table, j)
            if den is None or den.n <= 0:
                continue
            where = f"{table.label}, row '{row.label}', column '{col}'"
            f = _judge(ctx, where, label.strip(), var, mean, den, [ctx.cell_evidence(table, row, j, role="reported")])
            if f:
                yield f


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
