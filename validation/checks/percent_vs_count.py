"""TA101 percent-vs-count."""
from __future__ import annotations

import re
from typing import Iterator

from trialaudit.extractor.quantities import find_quantities
from trialaudit.schemas.findings import Finding
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.validation.rounding import check_percent, describe_rules
from trialaudit.validation.tablekit import Denominator, arms_are_rows, cell_quantity, column_denominator, row_denominator

_STATED_DENOM = re.compile(
    r"(?:\bof|\bamong)\s+(?:the|all|these)?\s*(\d{1,5})\s+(?:eligible\s+|evaluable\s+|enrolled\s+|included\s+)?"
    r"(?:patients|participants|subjects|cases)", re.I)
_K_OF_N = re.compile(r"\b\d{1,5}\s+of\s+(?:the\s+)?(\d{1,5})\b(?!\s*(?:months|weeks|days|years|mg|%))", re.I)


@rule(code="TA101", name="percent-vs-count", severity="error", family="arithmetic")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """A reported percentage disagrees with its count and denominator at the printed precision.

    What it checks:
        Every ``n (%)`` and ``n/N (%)`` in tables and text. The percentage is
        recomputed from the count and the denominator — the row's own ``n/N``,
        the table's column header (``Arm (n = 53)``), the arm's size when arms
        are rows, or a denominator stated in the same sentence ("of 26
        patients") — and compared with the printed value under half-up,
        half-even and truncation rounding at the printed number of decimals.
        It also flags the impossible percentage: no integer count out of n
        prints as the reported value.

    Why it matters:
        A percentage that cannot come from its count is the most common
        arithmetic slip in clinical reports; it signals a wrong denominator,
        a transcription error, or numbers edited without recomputation, and
        meta-analysts extract whichever number they see first.

    Example:
        ``Hypertension | ... | 3 (33.3)`` under ``Combination Group (n=12)``:
        3/12 = 25.0%, not 33.3% (error). ``8 (66.6)`` with n = 12: 66.67%
        printed as 66.6 is truncation, not rounding (info).

    Known limitations:
        Columns whose n differs from the analysed population (e.g. percentages
        of evaluable patients under an ITT header) produce false alarms; the
        finding names the denominator used so a reviewer can judge. Sentences
        are checked only when the denominator is stated in the same sentence
        or as ``n/N``.
    """
    settings = ctx.settings
    for table in ctx.document.tables:
        rows_are_arms = arms_are_rows(table, ctx.study)
        for row in table.rows:
            if row.kind == "group":
                continue
            row_den = row_denominator(ctx, table, row) if rows_are_arms else None
            for j, cell in enumerate(row.cells):
                if j == 0 or not cell.text:
                    continue
                q = cell_quantity(cell.text)
                if q is None or q.percent is None or q.count is None or q.count.decimals:
                    continue
                den: Denominator | None = None
                if q.kind == "fraction" and q.denominator is not None:
                    den = Denominator(int(q.denominator.value), ctx.cell_evidence(table, row, j, role="denominator"), "n/N")
                else:
                    den = column_denominator(ctx, table, j, row) if not rows_are_arms else (column_denominator(ctx, table, j) or row_den)
                if den is None or den.n < settings.percent_min_denominator:
                    continue
                ctx.coverage.count("percentages")
                f = _judge(ctx, int(q.count.value), den, q.percent.value, q.percent.decimals, q.percent.text,
                           [ctx.cell_evidence(table, row, j, role="reported")],
                           where=f"{table.label}, row '{row.label}', column '{table.column_label(j)}'")
                if f:
                    yield f
    for sent in ctx.document.sentences:
        if sent.section_kind in ("references",):
            continue
        stated = _STATED_DENOM.search(sent.text)
        # other denominators the sentence states ("46 of 88 patients ... and 31 of 86"): with several,
        # a bare "n (%)" may belong to any of them ("... in 7 (8.0%) and 3 (3.5%) patients")
        others = sorted({int(m.group(1)) for m in _STATED_DENOM.finditer(sent.text)} |
                        {int(m.group(1)) for m in _K_OF_N.finditer(sent.text)})
        for q in find_quantities(sent.text):
            if q.percent is None or q.count is None or q.count.decimals:
                continue
            if q.kind == "fraction" and q.denominator is not None:
                n = int(q.denominator.value)
                source = "n/N"
            elif stated and q.kind == "count_percent" and not (q.start <= stated.start(1) < q.end):
                n = int(stated.group(1))
                source = "sentence"
                if int(q.count.value) >= n:
                    continue
            else:
                continue
            ev = ctx.sentence_evidence(sent, q.start, q.end, role="reported")
            den = Denominator(n, ev.model_copy(update={"role": "denominator"}), source)
            ctx.coverage.count("percentages")
            f = _judge(ctx, int(q.count.value), den, q.percent.value, q.percent.decimals, q.percent.text, [ev],
                       where=f"'{q.text}'")
            if f and source == "sentence" and any(
                    m != n and int(q.count.value) < m and _judge(
                        ctx, int(q.count.value), Denominator(m, den.evidence, source), q.percent.value,
                        q.percent.decimals, q.percent.text, [ev], where=f"'{q.text}'") is None
                    for m in others):
                continue  # consistent with another denominator the same sentence states
            if f:
                yield f


def _judge(ctx: CheckContext, count: int, den: Denominator, printed: float, decimals: int, printed_text: str,
           evidence, where: str) -> Finding | None:
    n = den.n
    if n <= 0 or count > n or printed > 100:
        return None  # counts above n and percentages above 100 belong to other rules
    v = check_percent(count, n, printed, decimals)
    computation = (f"{count}/{n} × 100 = {v.exact:.4f}%; printed with {decimals} decimal(s) it is {v.expected}% "
                   f"(half-up); the printed {printed_text}%: {describe_rules(v.rules)}. Denominator from the {den.source}.")
    evidence = list(evidence) + ([den.evidence] if den.evidence and den.evidence.quote not in [e.quote for e in evidence] else [])
    if v.consistent and not v.truncation_only:
        return None
    if v.truncation_only:
        return ctx.finding(
            "TA101", severity="info",
            message=f"{where}: {printed_text}% is {count}/{n} = {v.exact:.4f}% truncated, not rounded (expected {v.expected}%).",
            observed=f"{printed_text}%", expected=f"{v.expected}%", computation=computation, evidence=evidence,
            rounding="truncation", changes_conclusion=False, key=where,
            details={"count": count, "denominator": n, "printed": printed, "exact": v.exact, "rules": v.rules})
    extra = ""
    if v.impossible:
        extra = f" No whole number of patients out of {n} gives {printed_text}%."
    elif v.possible_counts:
        extra = f" {printed_text}% of {n} corresponds to {' or '.join(map(str, v.possible_counts))} patient(s)."
    return ctx.finding(
        "TA101", severity="error",
        message=f"{where}: {printed_text}% does not match {count}/{n} = {v.expected}%.{extra}",
        observed=f"{count} ({printed_text}%)", expected=f"{count} ({v.expected}%)", computation=computation,
        evidence=evidence, rounding=None, key=where,
        details={"count": count, "denominator": n, "printed": printed, "exact": v.exact, "impossible": v.impossible,
                 "possible_counts": v.possible_counts, "denominator_source": den.source})
