"""TA104 count-exceeds-denominator."""
from __future__ import annotations

import re
from typing import Iterator

from trialaudit.extractor.quantities import find_quantities
from trialaudit.schemas.document import Table, TableRow
from trialaudit.schemas.findings import Finding
from trialaudit.extractor.study.categories import category_runs, data_columns, single_column_denominator
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.validation.tablekit import (Denominator, arms_are_rows, cell_quantity, column_denominator, rate_measure,
                                 response_category, row_denominator)

# rows/columns that count events, lesions or treatment units, not patients: their counts may exceed n
_NOT_PATIENTS = re.compile(
    r"\b(?:events?|episodes?|cycles?|courses?|lesions?|metastas[ie]s|nodules?|sites?|doses?|infusions?|admissions?|"
    r"visits?|samples?|specimens?|procedures?|operations?|tumou?rs|fractions?|days?|weeks?|months?|years?|"
    r"times|number\s+of|no\.\s+of\s+(?!patients|cases|participants|subjects)|total\s+(?:aes?|teaes?|traes?)|"
    r"aes\b|score|median|mean|range|hours?|mg|ml|mm|cm)\b", re.I)
# percentages that may legitimately exceed 100 (changes, ratios, dose intensity)
_PCT_MAY_EXCEED = re.compile(
    r"\b(?:change|increase|increased|rise|growth|relative|intensity|ratio|fold|of\s+baseline|of\s+normal|uln|"
    r"of\s+planned|compliance|dose|variation|difference|improvement|reduction|decrease|shrinkage|cv)\b|%\s*Δ|Δ",
    re.I)
_PATIENT_NOUN = r"(?:patients?|participants?|subjects?|cases|children|adults|women|men|individuals|respondents)"
_K_OF_N = re.compile(
    rf"(?<![\d.,/])(?P<k>\d{{1,5}})\s*(?:\(\s*\d+(?:\.\d+)?\s*%?\s*\)\s*)?(?:{_PATIENT_NOUN}\s+)?(?:out\s+)?of\s+"
    rf"(?:the\s+|all\s+|these\s+|our\s+)?(?P<n>\d{{1,5}})\s+(?:\w+\s+)?{_PATIENT_NOUN}", re.I)
_PCT_OF_PATIENTS = re.compile(rf"%\s+of\s+(?:the\s+|all\s+)?(?:\w+\s+)?{_PATIENT_NOUN}", re.I)


@rule(code="TA104", name="count-exceeds-denominator", severity="warning", family="arithmetic",
      preview=(
              "0 of 12 sampled warnings on the development set were true: mean (SD), m/f ratios, ethics "
              "reference numbers and percentages under a '%' parent row are read as k/N"))
def check(ctx: CheckContext) -> Iterator[Finding]:
    """A count of patients exceeds its group size, or a share of patients exceeds 100%.

    What it checks:
        Counts of patients in tables — ``n (%)`` cells, ``k/N`` cells, and bare
        counts of recognised categories (sex, response, ECOG, stage ...) —
        against the group size: the column header (``Arm B (n = 28)``), the
        arm's size when arms are rows, or the cell's own ``k/N``. In the text,
        ``k/N`` fractions and "k of N patients". It also flags percentages
        above 100 that stand for a share of patients: the percent of an
        ``n (%)`` cell or sentence, a percent in a response-rate row or column
        (ORR, DCR), and "x% of patients".

    Why it matters:
        A subset cannot be larger than the set it is taken from: 42 of 41
        patients, or 104.3% of them, is impossible and shows a wrong
        denominator, a typo in the count, or a column copied from another
        table — and every percentage computed from it is wrong too.

    Example:
        ``Osteosarcoma subtypes, canonical | 42 (97.67)`` in a column headed
        ``N=41``: 42 > 41 (error). ``Male | 60 (109.1)`` under ``n = 55``:
        both the count and the percentage are impossible (error).

    Known limitations:
        Rows counting events, lesions, cycles or doses (which may exceed the
        number of patients) are skipped by their wording; a column whose
        header n is the randomised population while the rows count another
        population (e.g. all screened patients) would be flagged. Percentages
        of change (tumour shrinkage, dose intensity) are never judged.

        Severity: warning at most, never error: the denominator is read from a header, an arm size or a row the table does not tie to the count. On 120 real trial reports
        this rule's errors were mostly false alarms (see tests/realworld/), so its findings
        ask a reviewer to look rather than assert a contradiction.
    """
    for table in ctx.document.tables:
        yield from _table(ctx, table)
    yield from _text(ctx)


def _patientish(table: Table, row: TableRow, col_label: str) -> bool:
    text = " ".join([row.label, row.group or "", col_label])
    return not _NOT_PATIENTS.search(text)


def _table(ctx: CheckContext, table: Table) -> Iterator[Finding]:
    rows_are_arms = arms_are_rows(table, ctx.study)
    dcols = set(data_columns(table))
    category_rows = {r.index for run in category_runs(table) for r in run.rows} if not rows_are_arms else set()
    for row in table.rows:
        if row.kind == "group":
            continue
        row_den = row_denominator(ctx, table, row) if rows_are_arms else None
        for j, cell in enumerate(row.cells):
            if j == 0 or j not in dcols or not cell.text.strip():
                continue
            col = table.column_label(j)
            q = cell_quantity(cell.text)
            if q is None:
                continue
            where = f"{table.label}, row '{row.label}', column '{col}'"
            ev = ctx.cell_evidence(table, row, j, role="reported")
            # percentages above 100 ("31 (156.4)" parses as mean (SD) because no percent can exceed 100)
            pct = q.percent if q.kind in ("count_percent", "fraction") else None
            if q.kind == "mean_sd" and q.interval == "unspecified" and q.value is not None and q.sd is not None \
                    and q.value.decimals == 0 and _npct_context(table, row, j):
                pct = q.sd
                q = q.model_copy(update={"kind": "count_percent", "count": q.value, "percent": q.sd})
            if q.kind == "percent" or (q.kind == "number" and "%" in col and rate_measure(col.split(" / ")[-1])):
                if rate_measure(row.label) or rate_measure(col.split(" / ")[-1]) or \
                        re.search(r"\bn\s*\(%\)|\brate\b|incidence|proportion", row.label + " " + (row.group or ""), re.I):
                    pct = q.percent or q.value
            if pct is not None and pct.value > 100 and not _PCT_MAY_EXCEED.search(row.label + " " + col):
                yield ctx.finding(
                    "TA104", severity="warning",
                    message=f"{where}: {pct.text}% of patients is more than 100%.",
                    observed=f"{pct.text}%", expected="at most 100%",
                    computation=f"a share of patients lies between 0% and 100%; {pct.text}% exceeds it by "
                                f"{pct.value - 100:.{pct.decimals}f} percentage points.",
                    evidence=[ev], key=where + "|pct")
                continue
            # counts above the denominator
            if q.kind == "fraction" and q.count is not None and q.denominator is not None:
                k, n = int(q.count.value), int(q.denominator.value)
                cden = column_denominator(ctx, table, j)
                pair = q.percent is None and (re.search(r"[A-Za-z]\s*/\s*[A-Za-z]", row.label) or
                                              (cden is not None and k + n == cden.n))
                if k > n and q.count.decimals == 0 and q.denominator.decimals == 0 and not pair:
                    yield _count_finding(ctx, where, k, Denominator(n, ev.model_copy(update={"role": "denominator"}),
                                                                    "cell's own k/N"), [ev])
                    continue
            count = None
            if q.kind == "count_percent" and q.count is not None and q.count.decimals == 0:
                count = int(q.count.value)
            elif q.kind == "count" and q.value is not None and q.value.decimals == 0 and "=" not in q.text:
                is_cat = row.index in category_rows or response_category(row.label) or \
                    (rows_are_arms and response_category(col.split(" / ")[-1]))
                if is_cat and not _NOT_PATIENTS.search(table.caption + " " + " ".join(table.footnotes)):
                    count = int(q.value.value)
            if count is None or not _patientish(table, row, col):
                continue
            den = column_denominator(ctx, table, j, row) if not rows_are_arms else (row_den or column_denominator(ctx, table, j, row))
            if den is None and not rows_are_arms:
                den = single_column_denominator(ctx.document, table, j)
            if den is None or count <= den.n:
                continue
            yield _count_finding(ctx, where, count, den, [ev])


def _npct_context(table: Table, row: TableRow, j: int) -> bool:
    """The cell sits where counts with percentages are reported."""
    ctx_text = " ".join([row.label, row.group or "", table.column_label(j), table.caption, " ".join(table.footnotes)])
    if re.search(r"n\s*\(\s*%\s*\)|no\.\s*\(\s*%\s*\)|number\s*\(\s*%\s*\)", ctx_text, re.I):
        return True
    others = [cell_quantity(r.cells[j].text) for r in table.rows if r is not row and j < len(r.cells) and r.cells[j].text]
    kinds = [o.kind for o in others if o is not None]
    return bool(kinds) and sum(k == "count_percent" for k in kinds) >= max(2, len(kinds) // 2)


def _count_finding(ctx: CheckContext, where: str, k: int, den: Denominator, evidence) -> Finding:
    ev = list(evidence)
    if den.evidence is not None and den.evidence.quote not in [e.quote for e in ev]:
        ev.append(den.evidence)
    return ctx.finding(
        "TA104", severity="warning",
        message=f"{where}: {k} patients out of a group of {den.n} — the count exceeds the group size.",
        observed=str(k), expected=f"at most {den.n}",
        computation=f"a count of patients cannot exceed its group: {k} > n = {den.n} (n from the {den.source}); "
                    f"{k}/{den.n} would be {100 * k / den.n:.1f}%.",
        evidence=ev, key=where + "|count", details={"count": k, "denominator": den.n, "denominator_source": den.source})


def _text(ctx: CheckContext) -> Iterator[Finding]:
    for sent in ctx.document.sentences:
        if sent.section_kind in ("references", "front", "declarations", "acknowledgements"):
            continue
        text = sent.text
        seen: set[tuple[int, int]] = set()
        for q in find_quantities(text):
            if q.kind == "fraction" and q.count is not None and q.denominator is not None and \
                    q.count.decimals == 0 and q.denominator.decimals == 0:
                k, n = int(q.count.value), int(q.denominator.value)
                after = text[q.end:q.end + 40]
                before = text[max(0, q.start - 30):q.start]
                if k > n and not re.search(r"\b(?:mm|cm|mmhg|ratio|score|per|dose|day|week|cycle)\b", after + before, re.I) \
                        and not re.search(r"\d\s*/\s*$", before):
                    ev = ctx.sentence_evidence(sent, q.start, q.end, role="reported")
                    seen.add((k, n))
                    yield _count_finding(ctx, f"'{q.text}'", k, Denominator(n, ev.model_copy(update={"role": "denominator"}),
                                                                            "fraction"), [ev])
                    continue
            if q.percent is not None and q.kind in ("count_percent", "fraction") and q.percent.value > 100:
                ev = ctx.sentence_evidence(sent, q.start, q.end, role="reported")
                yield ctx.finding(
                    "TA104", severity="warning",
                    message=f"'{q.text}': {q.percent.text}% of patients is more than 100%.",
                    observed=f"{q.percent.text}%", expected="at most 100%",
                    computation=f"the percentage of a count of patients lies between 0% and 100%; {q.percent.text}% "
                                f"exceeds it.", evidence=[ev], key=f"text|{q.text}")
                continue
            if q.kind == "percent" and (q.value or q.percent) is not None:
                num = q.value or q.percent
                if num.value > 100 and _PCT_OF_PATIENTS.match(text[q.end - 1:q.end + 40]) and \
                        not _PCT_MAY_EXCEED.search(text[max(0, q.start - 40):q.start]):
                    ev = ctx.sentence_evidence(sent, q.start, q.end, role="reported")
                    yield ctx.finding(
                        "TA104", severity="warning",
                        message=f"'{text[q.start:q.end + 12].strip()}…': {num.text}% of patients is more than 100%.",
                        observed=f"{num.text}%", expected="at most 100%",
                        computation=f"a share of patients lies between 0% and 100%; {num.text}% exceeds it.",
                        evidence=[ev], key=f"text|{q.text}")
        for m in _K_OF_N.finditer(text):
            k, n = int(m.group("k")), int(m.group("n"))
            if k > n > 0 and (k, n) not in seen:   # "1 of 0" is no group: nothing to compare
                ev = ctx.sentence_evidence(sent, m.start(), m.end(), role="reported")
                yield _count_finding(ctx, f"'{m.group(0)}'", k,
                                     Denominator(n, ev.model_copy(update={"role": "denominator"}), "sentence"), [ev])
