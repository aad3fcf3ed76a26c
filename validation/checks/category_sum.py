"""TA102 category-sum."""
from __future__ import annotations

import re
from typing import Iterator

from trialaudit.extractor.study.category_counts import EXCLUSIVE_PAIRS as _EXCLUSIVE_SETS
from trialaudit.extractor.study.denominators import other_unit
from trialaudit.schemas.findings import Finding
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.validation.tablekit import norm_label, response_category


def _category_key(label: str) -> str:
    lab = norm_label(label)
    lab = re.sub(r"\s+", " ", lab)
    return lab


def _looks_exhaustive(labels: list[str]) -> bool:
    keys = [_category_key(x) for x in labels]
    if len(keys) < 2:
        return False
    if all(response_category(x) for x in labels):
        return True
    if any(set(keys) == s or set(keys) >= s and len(keys) == len(s) for s in _EXCLUSIVE_SETS):
        return True
    # ordinal codes: 0, 1, 2, ≥3 ; T1..T4 ; N0..N2 ; stage I..IV ; <18 / ≥18 ; 1 / ≥2
    if all(re.fullmatch(r"(?:[<>≤≥]=?\s*)?\d+(?:\s*[-–]\s*\d+)?(?:\+)?", k) for k in keys) and any(re.match(r"[<>≤≥]", k) for k in keys):
        return True
    if all(re.fullmatch(r"[tnm][0-4xo][a-c]?", k) for k in keys) and len({k[0] for k in keys}) == 1:
        return True
    if any(re.fullmatch(r"others?|other sites|other/unknown|unknown|missing|not (?:reported|available)", k) for k in keys):
        return True
    return False


@rule(code="TA102", name="category-sum", severity="error", family="arithmetic")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """Mutually exclusive categories of one variable do not add up to the group size.

    What it checks:
        For each arm, the counts of the categories of one variable — best
        overall response (CR/PR/SD/PD/NE), sex, yes/no, stage, ECOG score,
        age bands — must sum to the arm's n when the table lists them all
        (recognised from the vocabulary, an "Other/Unknown" row, or printed
        percentages that sum to 100). Both orientations: categories as rows
        under a group heading with arms as columns, and categories as columns
        with arms as rows. ``Male/Female`` written as ``31/24`` in one cell is
        summed too (unless a "%" in the row, group or column label says the
        pair is two percentages: ``Gender (%) Male/female | 83/17``). A Total column must equal the sum of the arm columns.

    Why it matters:
        Categories that do not add up to the group size mean patients were
        lost, double counted or mistyped, and every rate computed from the
        table inherits the error.

    Example:
        ``Observation group | CR 1 | PR 12 | SD 14 | PD 26`` with the arm's
        n = 55: 1 + 12 + 14 + 26 = 53, two patients unaccounted for (error).

    Known limitations:
        Groups that are not recognisably exhaustive (e.g. comorbidities,
        which may overlap) are skipped; a table that silently omits a
        "not evaluable" row will be flagged, which is usually right but may
        be a reporting choice the reviewer should confirm. A characteristic
        whose categories fall short of n while every printed percentage is
        count/(their sum) is reported as info naming that denominator (the
        patients without data are simply not shown). Rows that add up to
        more than n are silent unless the categories are certainly exclusive
        (a named pair such as Male/Female, best-response categories, or percentages that add up to 100):
        several answers, drugs or sites per patient are common.
        A header n stated for the start ("N = 282 (at baseline)") is not the
        n of a later time-point column under it ("Post intervention",
        "Week 24"): fewer patients are measured later, so that column is
        not checked against it.
    """
    yield from _rows_as_categories(ctx)
    yield from _columns_as_categories(ctx)
    yield from _slash_pairs(ctx)
    yield from _total_column(ctx)


def _rows_as_categories(ctx: CheckContext) -> Iterator[Finding]:
    """Runs of category rows, column by column (``Study.category_rows_columns``)."""
    for cc in ctx.study.category_rows_columns:
        n = cc.n.n
        if any(o is not None and o != n for o in cc.own_denominators):
            continue  # "39/394 | 33/394 | 131/381": separate proportions, each with its own denominator
        labels, counts, pcts = cc.labels, cc.counts, cc.percents
        exhaustive = _looks_exhaustive(labels)
        if not exhaustive and all(p is not None for p in pcts):
            tol = sum(0.5 * 10 ** (-p.decimals) for p in pcts) + 1e-9
            exhaustive = abs(sum(p.value for p in pcts) - 100.0) <= tol
        total = sum(counts)
        if not exhaustive:
            continue
        ctx.coverage.count("category_sets")
        if total == n:
            continue
        if total < n and not _response_set(labels) and cc.missing_note:
            continue  # "Values may not add up to 100% because of missing data": a shortfall is announced
        if total < n and total in cc.other_counts:
            continue  # e.g. responses to a previous therapy among the patients who had it
        group = cc.group or ""
        parts = " + ".join(str(c) for c in counts)
        where = f"{cc.table}, column '{cc.column}'" + (f", '{group}'" if group else "")
        severity = _severity(total, cc.n, labels, cc.group)
        base = total if _percents_of(counts, pcts, total) else n if _percents_of(counts, pcts, n) else None
        if total < n and severity != "error" and base is not None:
            # every printed percentage is count/total: the percentages are of the patients with data and the
            # missing ones are not shown; or count/n: the table was computed on the whole group and lists no
            # row for the rest (a category not shown, or missing data). Conventions, said as info
            if base == total:
                what = f"every percentage is of {total} (the {n - total} patient(s) without data are not shown)"
                how = f"count/{total}, not count/{n} (n from the {cc.n.source})"
            else:
                what = (f"every percentage is of {n}, so the {n - total} other patient(s) are in a "
                        f"category or a missing-data row the table does not show")
                how = (f"count/{n} (n from the {cc.n.source}), so the counts are as computed and "
                       f"{n - total} patient(s) are not listed")
            yield ctx.finding(
                "TA102", severity="info",
                message=f"{where}: {', '.join(labels)} add up to {total}, not n = {n}; {what}.",
                observed=f"{parts} = {total}", expected=f"{n}",
                computation=f"sum of the category counts {parts} = {total}; each printed percentage equals {how}.",
                evidence=cc.evidence + [cc.n.evidence], key=where + "|" + "|".join(labels),
                details={"categories": labels, "counts": counts, "n": n, "percent_base": base})
            continue
        if total > n and not (_exclusive_pair(labels) or _percents_complete(pcts) or _response_set(labels)):
            # rows that may overlap (several answers, drugs or sites per patient; a "Total" row among its
            # parts): more than n is not a contradiction. 0 of 6 such warnings on the development set were
            # true, so nothing is said
            continue
        reason = ("more patients than the group has" if total > n
                  else f"{n - total} patient(s) unaccounted for; the categories are listed in full")
        yield ctx.finding(
            "TA102", severity=severity,
            message=f"{where}: {', '.join(labels)} add up to {total}, not n = {n} ({reason}).",
            observed=f"{parts} = {total}", expected=f"{n}",
            computation=f"sum of the category counts {parts} = {total}; group size n = {n} from the {cc.n.source}.",
            evidence=cc.evidence + [cc.n.evidence], key=where + "|" + "|".join(labels),
            details={"categories": labels, "counts": counts, "n": n})


def _severity(total: int, den, labels: list[str], group: str | None) -> str:
    """Error only for a contradiction read with certainty.

    Too many patients against a stated n is an error unless the group label carries
    a footnote marker (notes such as "more than one answer possible") or the unit
    is not participants. Too few is an error only for a response-category set
    (CR/PR/SD/PD ..., where every evaluated patient has one best response); for
    other characteristics the shortfall is usually unstated missing data: a
    warning. An inferred n (an arm size from the text) makes it a warning.
    """
    if getattr(den, "certainty", "stated") != "stated":
        return "warning"
    marked = bool(re.search(r"[*†‡§¶#]\s*$|\^\w\s*$", group or ""))
    if total > den.n:
        return "warning" if marked or other_unit(group, *labels) else "error"
    return "error" if _response_set(labels) else "warning"


def _percents_of(counts: list[int], pcts: list, base: int) -> bool:
    """Every category prints a percentage, and each is count/base at its printed precision (half-up or truncated)."""
    if base <= 0 or not pcts or any(p is None for p in pcts) or len(pcts) != len(counts):
        return False
    for c, p in zip(counts, pcts):
        exact = 100 * c / base
        if abs(exact - p.value) > 0.5 * 10 ** (-p.decimals) + 1e-9:
            return False
    return True


def _response_set(labels: list[str]) -> bool:
    """Best-response categories (CR/PR/SD/PD/NE): every evaluated patient has exactly one."""
    return sum(1 for lab in labels if response_category(lab)) >= max(2, len(labels) - 1)


def _exclusive_pair(labels: list[str]) -> bool:
    """Male/Female, Yes/No ...: categories that cannot overlap by their names alone."""
    keys = {_category_key(x) for x in labels}
    return any(keys == s for s in _EXCLUSIVE_SETS)


def _percents_complete(pcts: list) -> bool:
    """The printed percentages of a set add up to 100 (within rounding): the categories are exclusive."""
    if not pcts or any(p is None for p in pcts):
        return False
    tol = sum(0.5 * 10 ** (-p.decimals) for p in pcts)
    return abs(sum(p.value for p in pcts) - 100.0) < tol  # at the very edge, overlap is as likely




def _columns_as_categories(ctx: CheckContext) -> Iterator[Finding]:
    """Response categories as columns, arms as rows (``Study.category_columns_rows``)."""
    for cr in ctx.study.category_columns_rows:
        total = sum(cr.counts)
        ctx.coverage.count("category_sets")
        if total == cr.n.n:
            continue
        parts = " + ".join(str(c) for c in cr.counts)
        where = f"{cr.table}, row '{cr.row}'"
        yield ctx.finding(
            "TA102", severity=_severity(total, cr.n, cr.labels, None),
            message=f"{where}: {'/'.join(cr.labels)} = {parts} = {total}, but the group has n = {cr.n.n}"
                    f" ({abs(cr.n.n - total)} patient(s) {'unaccounted for' if total < cr.n.n else 'too many'}).",
            observed=f"{parts} = {total}", expected=f"{cr.n.n}",
            computation=f"{' + '.join(f'{lab} {c}' for lab, c in zip(cr.labels, cr.counts))} = {total}; n = {cr.n.n} "
                        f"from the {cr.n.source}.",
            evidence=[cr.evidence, cr.n.evidence], key=where, details={"categories": cr.labels, "counts": cr.counts,
                                                                      "n": cr.n.n})


def _slash_pairs(ctx: CheckContext) -> Iterator[Finding]:
    """'Sex (Male/Female) | 31/24' must add up to the column n (``Study.slash_pairs``)."""
    for sp in ctx.study.slash_pairs:
        if sp.percentages:
            continue  # "Gender (%) Male/female | 83/17": two percentages, not counts of the column's n
        a, b = sp.counts
        ctx.coverage.count("category_sets")
        if a + b == sp.n.n:
            continue
        where = f"{sp.table}, row '{sp.row}', column '{sp.column}'"
        yield ctx.finding(
            "TA102", severity=_severity(a + b, sp.n, sp.labels, None),
            message=f"{where}: {sp.labels[0]}/{sp.labels[1]} = {a}/{b} adds up to {a + b}, not n = {sp.n.n}.",
            observed=f"{a} + {b} = {a + b}", expected=str(sp.n.n),
            computation=f"{a} + {b} = {a + b}; n = {sp.n.n} from the {sp.n.source}.",
            evidence=[sp.evidence, sp.n.evidence], key=where)


def _total_column(ctx: CheckContext) -> Iterator[Finding]:
    """A Total column must equal the sum of the arm columns (``Study.total_column_rows``)."""
    for tr in ctx.study.total_column_rows:
        ctx.coverage.count("category_sets")
        if sum(tr.parts) == tr.total:
            continue
        where = f"{tr.table}, row '{tr.row}'"
        expr = " + ".join(map(str, tr.parts))
        yield ctx.finding(
            "TA102", severity="error",
            message=f"{where}: the Total column says {tr.total} but the arms add up to {expr} = {sum(tr.parts)}.",
            observed=str(tr.total), expected=f"{expr} = {sum(tr.parts)}",
            computation=f"sum over arm columns {', '.join(repr(c) for c in tr.arm_columns)}: {expr} = {sum(tr.parts)}.",
            evidence=tr.evidence, key=where + "|total")
