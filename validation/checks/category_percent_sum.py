"""TA105 category-percent-sum."""
from __future__ import annotations

from typing import Iterator

from trialaudit.extractor.rounding import sum_within_rounding
from trialaudit.schemas.findings import Evidence, Finding
from trialaudit.schemas.study import PrintedPercent
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.validation.tablekit import fmt_num


@rule(code="TA105", name="category-percent-sum", severity="warning", family="arithmetic")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """The printed percentages of one variable's exclusive categories do not sum to 100% within rounding.

    What it checks:
        For each variable whose categories are recognisably mutually
        exclusive — sex, yes/no, best overall response, ECOG or other numeric
        bands (``<18``/``≥18``, ``1``/``2``/``≥3``), stages, a category and
        "Others", or categories of a variable such as "Primary tumour site" —
        the printed percentages of each arm are added up. Each printed value
        stands for a true value within half a unit of its last digit, so the
        sum must lie within 100 ± Σ half-units (e.g. ±0.15 for three
        one-decimal percentages). A sum above that is impossible for exclusive
        categories; a sum below it is flagged when the list is also complete
        (both sexes, an open-ended top band, an "Other/Unknown" row, all of
        CR/PR/SD/PD). A shortfall that only truncation explains is reported as
        info.

    Why it matters:
        Percentages of exclusive categories that do not add up mean a
        category was mistyped, a patient counted twice or left out, or the
        percentages were computed over different denominators (cells that
        print "k/N" with different N are rates within each category and are
        not summed); tables
        without group sizes can be checked only this way.

    Example:
        ``Best overall response | CR 0 (0.0) | PR 13 (26.1) | SD 28 (60.9) |
        PD 5 (10.9)``: 0.0 + 26.1 + 60.9 + 10.9 = 97.9%, outside 100 ± 0.15
        (error) — when the column has no stated n.

    Known limitations:
        Columns where every category has a count and the group size is known
        are left to percent-vs-count (TA101) and category-sum (TA102), which
        then pinpoint the wrong cell. Categories that may overlap (sites of
        metastasis, comorbidities, previous treatments) are never summed;
        variables with missing data reported without a "Missing" row are
        skipped unless the sum exceeds 100%. A block whose percentages add up
        to 100 across each row (and not down the columns) prints row
        percentages — each row's split into the columns — and is not summed
        down a column.

        Severity: warning at most, never error: which rows form one complete set of categories is inferred from the layout. On 120 real trial reports
        this rule's errors were mostly false alarms (tests/realworld/judgements.yaml), so its
        findings ask a reviewer to look rather than assert a contradiction.
    """
    for cp in ctx.study.category_percentages:
        if not cp.exclusive:
            continue
        if cp.orientation == "rows":
            if cp.own_denominators:
                continue  # "90.4% (331/366)", "61.9% (26/42)": each category's own rate, not its share of the column
            if cp.n_known:
                continue  # counts and n known: percent-vs-count and category-sum pinpoint the cell
            where = f"{cp.table}, column '{cp.column}'" + (f", '{cp.variable}'" if cp.variable else "")
            key = f"{cp.table}|{cp.column}|{'|'.join(cp.labels)}"
        else:
            if cp.n_known:
                continue
            where = f"{cp.table}, row '{cp.column}'"
            key = f"{cp.table}|{cp.column}"
        f = _judge(ctx, where, cp.labels, cp.percents, cp.evidence, cp.complete, cp.reason, key=key)
        if f:
            yield f


def _judge(ctx: CheckContext, where: str, labels: list[str], vals: list[PrintedPercent], evidence: list[Evidence], complete: bool,
           reason: str, key: str) -> Finding | None:
    printed = [(v.value, v.decimals) for v in vals]
    exact = [v.exact_zero for v in vals]
    verdict = sum_within_rounding(printed, 100, exact)
    ctx.coverage.count("category_sets")
    if verdict.consistent:
        return None
    total = float(verdict.total)
    parts = " + ".join(v.text for v in vals)
    slack = float(verdict.half_units)
    d = max(v.decimals for v in vals)
    tot_s = f"{total:.{d}f}"
    comp = (f"{parts} = {tot_s}%; each percentage printed with d decimals stands for a value within ±0.5·10^-d, "
            f"so exclusive categories must sum to 100 ± {fmt_num(slack, d + 2)} (Σ half-units); the categories are "
            f"{reason}.")
    if total > float(verdict.high):
        return ctx.finding(
            "TA105", severity="warning",
            message=f"{where}: the percentages of mutually exclusive categories ({', '.join(labels)}) add up to "
                    f"{tot_s}%, more than 100%.",
            observed=f"{tot_s}%", expected=f"100% (±{fmt_num(slack, d + 2)})", computation=comp, evidence=evidence,
            key=key, details={"categories": labels, "sum": total, "tolerance": slack})
    if not complete:
        return None
    if verdict.truncation_only:
        return ctx.finding(
            "TA105", severity="info",
            message=f"{where}: the percentages of {', '.join(labels)} add up to {tot_s}%; only truncation of the "
                    f"percentages (not rounding) explains the shortfall.",
            observed=f"{tot_s}%", expected="100%", computation=comp + " Truncated percentages can fall short by up "
                                                                      "to Σ 10^-d.",
            evidence=evidence, key=key, rounding="truncation", changes_conclusion=False)
    return ctx.finding(
        "TA105", severity="warning",
        message=f"{where}: the percentages of {', '.join(labels)} add up to {tot_s}%, not 100% — the categories "
                f"cover every patient, so {100 - total:.{d}f} percentage points are unaccounted for.",
        observed=f"{tot_s}%", expected=f"100% (±{fmt_num(slack, d + 2)})", computation=comp, evidence=evidence, key=key,
        details={"categories": labels, "sum": total, "tolerance": slack})


