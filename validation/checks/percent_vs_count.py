"""TA101 percent-vs-count."""
from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Iterator

from trialaudit.extractor.study.denominators import cell_kind, header_n, other_unit
from trialaudit.extractor.study.tablefacts import count_percent_columns, split_count_percent
from trialaudit.schemas.findings import Finding
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.extractor.rounding import check_percent, describe_rules, double_rounded, round_half_up
from trialaudit.validation.tablekit import Denominator, arms_are_rows, cell_quantity, column_denominator, row_denominator

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
        printed as 66.6 is truncation, not rounding (info); a percentage one
        unit off in a category set whose printed percentages total exactly
        100% while the correctly rounded ones do not was adjusted to make the
        total (info).

    Known limitations:
        The denominator comes from the fact layer's resolver
        (``extractor/study/denominators.py``): the cell's own n/N, the row's n, a
        table note, the table's N row or the column header are *stated* (error);
        an arm size from the text is *inferred* (warning); a restricting note, a
        Missing/Unknown row or counts of another unit (eyes, embryos, visits ...)
        make it *uncertain* and the cell is skipped. Cells typed as mean (SD), as
        a row of percentages or as a pair of percentages are not read as n (%).
        A percentage that one denominator a little smaller than n reproduces is
        reported as information (undisclosed item-level missing data), a
        percentage that stands for a count more than 3 (and 15%) away from the printed one as a warning (another
        base is likelier than a slip), and a percentage of a parent row ("of
        whom ...", tied by the row label) is not flagged. When most cells of a
        column agree with one other n, the column gets one finding naming the
        header (headers swapped or misprinted: error; fewer participants with
        data: info) instead of one per cell. Sentences are checked only when
        the denominator is stated in the same sentence or as ``n/N``.
    """
    settings = ctx.settings
    for table in ctx.document.tables:
        yield from _table_findings(ctx, table, settings)
    yield from _row_percent_findings(ctx)
    yield from _sentence_findings(ctx)


def _rounding_text(count: int, n: int, decimals: int, printed_text: str, v) -> str:
    """How count/n was computed and which rounding rule (if any) reproduces the printed percentage."""
    return (f"{count}/{n} × 100 = {v.exact:.4f}%; printed with {decimals} decimal(s) it is {v.expected}% "
            f"(half-up); the printed {printed_text}%: {describe_rules(v.rules)}.")


def _row_percent_findings(ctx: CheckContext) -> Iterator[Finding]:
    """In a table of row percentages, the one cell of a row that is not its count over the row's total
    (``Study.row_percent_misfits``): a warning, the row total being inferred from the table's layout."""
    for m in ctx.study.row_percent_misfits:
        ctx.coverage.count("percentages")
        v = check_percent(m.count, m.row_total, m.percent.value, m.percent.decimals)
        if v.consistent:
            continue
        where = f"{m.table}, row '{m.row}', column '{m.column}'"
        yield ctx.finding(
            "TA101", severity="warning",
            message=(f"{where}: {m.percent.text}% does not match {m.count}/{m.row_total} = {v.expected}%. The table "
                     f"prints row percentages (each row's percentages are of the row's total, and this row's other "
                     f"cells are of {m.row_total})."),
            observed=f"{m.count} ({m.percent.text}%)", expected=f"{m.count}/{m.row_total} = {v.expected}%",
            computation=(_rounding_text(m.count, m.row_total, m.percent.decimals, m.percent.text, v)
                         + f" Row total {m.row_total}: the sum of the row's counts; most rows of the table and this "
                         f"row's other cells are percentages of their row's total."),
            evidence=[m.evidence, m.row_evidence], key=where + "|row-percent",
            details={"count": m.count, "denominator": m.row_total, "printed": m.percent.value})


def _table_findings(ctx: CheckContext, table, settings) -> Iterator[Finding]:
    """Per-cell findings, merged per column when one other denominator explains the column."""
    checked: dict[int, int] = {}
    failing: dict[int, list] = {}
    rows_are_arms = arms_are_rows(table, ctx.study)
    integer_pairs_not_percent = _integer_pairs_not_percent(table)
    pairs = dict(count_percent_columns(table))
    for row in table.rows:
        if row.kind == "group":
            continue
        row_den = row_denominator(ctx, table, row) if rows_are_arms else None
        for j, cell in enumerate(row.cells):
            if j == 0 or not cell.text:
                continue
            read = _pair_reading(ctx, table, row, j, pairs) if j in pairs else \
                _cell_reading(ctx, table, row, j, integer_pairs_not_percent)
            if read is None:
                continue
            count, pct, evidence, fraction_n = read
            den: Denominator | None = None
            if fraction_n is not None:
                if other_unit(row.label, row.group, table.column_label(j)):
                    continue
                den = Denominator(fraction_n, ctx.cell_evidence(table, row, j, role="denominator"), "n/N")
            else:
                if not rows_are_arms:
                    den = column_denominator(ctx, table, j, row)
                elif row_den is not None and row_den.source == "row":
                    den = row_den  # the row's own "n" cell ("Trial group | 124 | 30 (24.2)") is its denominator
                else:
                    den = column_denominator(ctx, table, j, row) or row_den
            if den is None or den.n < settings.percent_min_denominator:
                continue
            if den.source != "n/N" and _nested(table, row, j, count, pct.value, pct.decimals):
                continue  # a percentage of the row above ("of whom ...")
            if den.source != "n/N":
                den.category_total = _category_total(table, row, j, den.n) or \
                    _run_total(ctx, table, row, j, den.n)
                den.set_complete = _complete_set(table, row, j, den.n)
            ctx.coverage.count("percentages")
            f = _judge(ctx, count, den, pct.value, pct.decimals, pct.text, evidence,
                       where=f"{table.label}, row '{row.label}', column '{table.column_label(j)}'")
            if f is not None and f.severity != "info" and f.rounding is None:
                f = _forced_total(ctx, table, row, j, count, den.n, pct, pairs, integer_pairs_not_percent, f)
            if f is not None and f.severity != "info" and den.source != "n/N":
                f = _complement(ctx, table, row, j, count, den, pct, f)
            if den.source == "n/N":
                if f:
                    yield f
                continue
            checked[j] = checked.get(j, 0) + 1
            if f is not None and f.rounding != "truncation":
                failing.setdefault(j, []).append((row, count, pct, den, f))
            elif f is not None:
                yield f
    for j, cells in failing.items():
        merged = _column_finding(ctx, table, j, cells, checked[j])
        if merged is not None:
            yield merged
        else:
            yield from _block_findings(ctx, table, j, cells)


def _forced_total(ctx: CheckContext, table, row, j: int, count: int, n: int, pct, pairs: dict[int, int],
                  integer_pairs_not_percent: bool, f: Finding) -> Finding:
    """A percentage one unit (in its last printed decimal) off count/n, in a category set whose printed
    percentages add up to exactly 100 while the correctly rounded ones do not ("11 % (4/35)", "37 % (13/35)",
    "52 % (18/35)": 11.4, 37.1 and 51.4 round to 99): the authors adjusted one category so the set totals 100%
    (largest-remainder rounding), a convention (info), not a contradiction."""
    unit = Fraction(1, 10 ** pct.decimals)
    exact = Fraction(100 * count, n)
    if abs(Fraction(repr(pct.value)) - round_half_up(exact, pct.decimals)) != unit:
        return f
    # the set need not be recognisably exclusive by its labels ("No return / Below level / Normal level"): printed
    # percentages of one denominator that add up to exactly 100 are the parts of a whole
    run = next((cs for cs in _category_sets(ctx, table) if row.index in cs.rows and not cs.row_percentages), None)
    if run is None or len(run.rows) < 2:
        return f
    by_index = {r.index: r for r in table.rows}
    printed_sum = Fraction(0)
    rounded_sum = Fraction(0)
    for i in run.rows:
        r = by_index.get(i)
        if r is None or j >= len(r.cells) or not r.cells[j].text:
            return f
        read = _pair_reading(ctx, table, r, j, pairs) if j in pairs else \
            _cell_reading(ctx, table, r, j, integer_pairs_not_percent)
        if read is None or read[1].decimals != pct.decimals:
            return f
        k, p, _, own_n = read
        if (own_n or n) != n:
            return f   # the categories are of different denominators: no whole to total
        printed_sum += Fraction(repr(p.value))
        rounded_sum += round_half_up(Fraction(100 * k, own_n or n), pct.decimals)
    if printed_sum != 100 or rounded_sum == 100:
        return f
    where = f"{table.label}, row '{row.label}', column '{table.column_label(j)}'"
    return f.model_copy(update={
        "severity": "info", "rounding": "adjusted to total 100%", "changes_conclusion": False,
        "message": (f"{where}: {pct.text}% is {count}/{n} = {float(exact):.4f}% moved by one unit so that the "
                    f"category percentages total exactly 100% (correctly rounded they total {float(rounded_sum):g}%)."),
        "computation": (f.computation or "") + (
            f" The printed percentages of the {len(run.rows)} categories ({', '.join(run.labels)}) add up to 100; "
            f"rounded half-up they add up to {float(rounded_sum):g}: one was adjusted to make the total 100%."),
        "details": {**(f.details or {}), "printed_sum": 100, "rounded_sum": float(rounded_sum)}})


def _block_findings(ctx: CheckContext, table, j: int, cells: list) -> Iterator[Finding]:
    """The cells' own findings, except that the categories of one variable (a category run of the fact layer)
    whose percentages are all exactly of one smaller base ("Married 41 (78.8)", "Single 3 (5.8)" ... all of 52
    under n = 53) are one info finding: item-level missing data of one variable is one observation, not one per
    category."""
    run_of = {i: (k, cs.variable) for k, cs in enumerate(_category_sets(ctx, table)) for i in cs.rows}
    blocks: dict = {}
    for cell in cells:
        row, f = cell[0], cell[4]
        m = f.details.get("reproducing_denominator") if f.severity == "info" else None
        if m is not None and row.index in run_of:
            blocks.setdefault((*run_of[row.index], m), []).append(cell)
    merged = {id(c) for b in blocks.values() if len(b) >= 2 for c in b}
    for cell in cells:
        if id(cell) not in merged:
            yield cell[4]
    for (_, group, m), b in blocks.items():
        if len(b) < 2:
            continue
        n = b[0][3].n
        col = table.column_label(j)
        where = f"{table.label}, column '{col}'" + (f", '{group}'" if group else "")
        listed = "; ".join(f"'{r.label}' {c} ({p.text}%)" for r, c, p, _, _ in b)
        ev = [e for *_, f in b for e in f.evidence if e.role == "reported"] + \
            ([b[0][3].evidence] if b[0][3].evidence is not None else [])
        yield ctx.finding(
            "TA101", severity="info",
            message=(f"{where}: the percentages of {len(b)} rows ({', '.join(r.label or f'row {r.index}' for r, *_ in b[:6])}"
                     f"{' ...' if len(b) > 6 else ''}) are not of n = {n} but exactly of {m} — {n - m} "
                     f"participant(s) appear to have no data for them (item-level missing data not stated where the "
                     f"percentages are printed)."),
            observed=f"{len(b)} percentages of {m}", expected=f"percentages of n = {n}",
            computation=(f"each count/{n} rounds to another value than printed; each count/{m} reproduces the "
                         f"printed percentage: {listed}. n from the {b[0][3].source}."),
            evidence=ev, key=f"{table.label}|{col}|{group}|base {m}",
            details={"column_n": n, "reproducing_denominator": m, "categories": [r.label for r, *_ in b]})


def _category_sets(ctx: CheckContext, table) -> list:
    """The table's runs of category rows as the fact layer found them (``Study.category_sets``; a set is this
    table's when its label and its rows' labels match, so two tables with one label are not mixed up)."""
    rows = {r.index: r.label for r in table.rows}
    return [cs for cs in ctx.study.category_sets if cs.table == (table.label or "")
            and all(rows.get(i) == lab for i, lab in zip(cs.rows, cs.labels))]


def _complement(ctx: CheckContext, table, row, j: int, count: int, den: Denominator, pct, f: Finding) -> Finding:
    """A two-category variable whose one percentage was printed as 100 minus the other ("8 (33.4)" beside
    "16 (66.6)" of 24: 8/24 = 33.3%, but 33.4 + 66.6 = 100): a convention, said as info; else ``f``."""
    sets = [cs for cs in _category_sets(ctx, table) if row.index in cs.rows]
    if len(sets) != 1 or len(sets[0].rows) != 2:
        return f
    by_index = {r.index: r for r in table.rows}
    other = by_index.get(next(i for i in sets[0].rows if i != row.index))
    if other is None:
        return f
    q = cell_quantity(other.cells[j].text) if j < len(other.cells) else None
    if q is None or q.percent is None or q.count is None or q.percent.decimals != pct.decimals:
        return f
    unit = 10 ** (-pct.decimals)
    exact = 100 * count / den.n
    if abs(pct.value + q.percent.value - 100) > 1e-9 or abs(pct.value - exact) > unit + 1e-9 or \
            int(q.count.value) + count != den.n:
        return f
    return f.model_copy(update={
        "severity": "info", "rounding": "complement", "changes_conclusion": False,
        "message": (f"{f.message.split(':')[0]}: {pct.text}% is not {count}/{den.n} = {exact:.2f}% rounded but 100 − "
                    f"{q.percent.text}% (the other category's printed percentage), so that the two add up to 100%."),
        "computation": (f.computation or "") + f" {pct.text} + {q.percent.text} = 100: printed as the complement of "
                                               f"'{other.label}'."})


def _cell_reading(ctx: CheckContext, table, row, j: int, integer_pairs_not_percent: bool):
    """(count, percent, evidence, n of a k/N cell or None) of an "n (%)" or "k/N (%)" cell, else None."""
    q = cell_quantity(row.cells[j].text)
    if q is None or q.percent is None or q.count is None or q.count.decimals:
        return None
    if integer_pairs_not_percent and q.kind == "count_percent" and not q.percent.decimals and "%" not in q.text:
        return None  # this table's "k (j)" pairs are events (patients) or the like, not n (%)
    if cell_kind(table, row, j, q) not in ("count_percent", "fraction"):
        return None  # mean (SD), a row of percentages, a pair of percentages: not n (%)
    n = int(q.denominator.value) if q.kind == "fraction" and q.denominator is not None else None
    return int(q.count.value), q.percent, [ctx.cell_evidence(table, row, j, role="reported")], n


def _pair_reading(ctx: CheckContext, table, row, j: int, pairs: dict[int, int]):
    """(count, percent, evidence, None) of a count sub-column cell and the percent cell beside it."""
    k = pairs[j]
    if k >= len(row.cells):
        return None
    got = split_count_percent(row.cells[j].text, row.cells[k].text)
    if got is None:
        return None
    return got[0], got[1], [ctx.cell_evidence(table, row, j, role="count"),
                            ctx.cell_evidence(table, row, k, role="reported")], None


def _column_finding(ctx: CheckContext, table, j: int, cells: list, checked: int) -> Finding | None:
    """One finding for a column whose percentages all use one other denominator (a wrong or swapped header).

    When at least three cells of a column, and at least half of the cells checked
    there, disagree with the column's n, and one other denominator m reproduces at
    least 80% of them, that is one problem: the header's n is not what the column's
    percentages were computed from. m being another column's n (headers swapped) is
    an error, and so is m larger than n (percentages of more participants than the
    group has); m smaller than n (percentages of those with data) is information.
    """
    if len(cells) < 3 or len(cells) * 2 < checked:
        return None
    n = cells[0][3].n
    if any(c[3].n != n for c in cells):
        return None
    votes: dict[int, int] = {}
    for _, count, pct, _, _ in cells:
        half = 0.5 * 10 ** (-pct.decimals)
        lo_p, hi_p = pct.value - half, pct.value + half
        if lo_p <= 0:
            continue
        lo_m = max(count, int(count * 100 / hi_p))
        hi_m = min(int(count * 100 / lo_p) + 1, 10 * n)
        if hi_m - lo_m > _MAX_CANDIDATES:
            continue
        for m in range(lo_m, hi_m + 1):
            if m != n and check_percent(count, m, pct.value, pct.decimals).consistent:
                votes[m] = votes.get(m, 0) + 1
    if not votes:
        return None
    m, hits = max(votes.items(), key=lambda kv: (kv[1], -abs(kv[0] - n)))
    if hits < max(3, 0.8 * len(cells)):
        return None
    others = {header_n(table, k): k for k in range(1, len(table.columns)) if k != j and header_n(table, k)}
    col = table.column_label(j)
    head_ev = cells[0][3].evidence
    cell_ev = [ev for *_, f in cells for ev in f.evidence if ev.role == "reported"]
    listed = "; ".join(f"'{r.label}' {c} ({p.text}%)" for r, c, p, _, _ in cells[:12]) + (" ..." if len(cells) > 12 else "")
    if m in others:
        severity, what = "error", (f"its percentages are computed with n = {m}, the n of column "
                                   f"'{table.column_label(others[m])}' — the headers look swapped or misprinted")
    elif m < n:
        severity, what = "info", (f"its percentages are exactly those of n = {m} — {n - m} fewer than the header "
                                  f"states (percentages of the participants with data, not stated)")
    else:
        severity, what = "error", (f"its percentages are exactly those of n = {m}, {m - n} more participants than "
                                   f"the header states for this group")
    return ctx.finding(
        "TA101", severity=severity,
        message=(f"{table.label}, column '{col}': {len(cells)} of {checked} percentages disagree with n = {n}; "
                 f"{what} ({hits} reproduced)."),
        observed=f"n = {n} in the header", expected=f"n = {m}",
        computation=(f"{len(cells)} of {checked} n (%) cells of the column do not round to count/{n}; count/{m} "
                     f"reproduces {hits} of them at the printed precision: {listed}."),
        evidence=[head_ev] + cell_ev, key=f"{table.label}|{col}|column",
        details={"column_n": n, "reproducing_n": m, "cells": len(cells), "reproduced": hits, "checked": checked})


def _sentence_findings(ctx: CheckContext) -> Iterator[Finding]:
    """Counts with percentages in sentences, out of their printed or stated denominator (``Study.text_percentages``)."""
    for tp in ctx.study.text_percentages:
        ev = tp.evidence
        den = Denominator(tp.n, ev.model_copy(update={"role": "denominator"}), tp.source)
        ctx.coverage.count("percentages")
        where = f"'{tp.where}'"
        f = _judge(ctx, tp.count, den, tp.percent.value, tp.percent.decimals, tp.percent.text, [ev], where=where)
        if f and tp.source == "sentence" and any(
                m != tp.n and tp.count < m and _judge(
                    ctx, tp.count, Denominator(m, den.evidence, tp.source), tp.percent.value,
                    tp.percent.decimals, tp.percent.text, [ev], where=where) is None
                for m in tp.other_ns):
            continue  # consistent with another denominator the same sentence states
        if f:
            yield f


def _judge(ctx: CheckContext, count: int, den: Denominator, printed: float, decimals: int, printed_text: str,
           evidence, where: str) -> Finding | None:
    n = den.n
    if n <= 0 or count > n or printed > 100:
        return None  # counts above n and percentages above 100 belong to other rules
    if n < 100 and 0 < count and printed <= count and decimals == 0:
        return None  # out of fewer than 100, k patients are more than k%: "3 (2)" is events (patients), not n (%)
    v = check_percent(count, n, printed, decimals)
    computation = _rounding_text(count, n, decimals, printed_text, v) + f" Denominator from the {den.source}."
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
    if double_rounded(Fraction(100 * count, n), printed, decimals):
        return ctx.finding(
            "TA101", severity="info",
            message=(f"{where}: {printed_text}% is {count}/{n} = {v.exact:.4f}% rounded twice (first to "
                     f"{decimals + 1} decimals), not once (expected {v.expected}%)."),
            observed=f"{printed_text}%", expected=f"{v.expected}%", computation=computation, evidence=evidence,
            rounding="double rounding", changes_conclusion=False, key=where,
            details={"count": count, "denominator": n, "printed": printed, "exact": v.exact})
    smaller = None
    if den.source != "n/N" and not den.set_complete:
        total = den.category_total
        if total is not None and check_percent(count, total, printed, decimals).consistent:
            smaller = total  # the percentages of those who answered: the category set adds up to it
        else:
            smaller = _smaller_denominator(count, n, printed, decimals)
    if smaller is not None:
        return ctx.finding(
            "TA101", severity="info",
            message=(f"{where}: {printed_text}% is not {count}/{n} but is exactly {count}/{smaller} — the percentage "
                     f"appears to use {smaller} participants with data (item-level missing data not stated where the "
                     f"percentage is printed)."),
            observed=f"{count} ({printed_text}%)", expected=f"{count}/{n} = {v.expected}%", computation=computation +
            f" {count}/{smaller} reproduces the printed value.", evidence=evidence, key=where,
            details={"count": count, "denominator": n, "reproducing_denominator": smaller, "printed": printed,
                     "denominator_source": den.source})
    severity = "error" if den.certainty == "stated" else "warning"
    extra = ""
    implied = printed * n / 100  # the count the printed percentage stands for
    far = abs(implied - count) > max(3.0, 0.15 * count)
    if far and den.source != "n/N" and severity == "error":
        # a percentage far from count/n is more often of another base (live births, those
        # assessed, a parent row) than a slip: ask, do not assert
        severity = "warning"
        extra = " The gap is large: the percentage may be of another population than the column's n."
    if den.set_complete:
        extra += (f" The categories of this variable add up to exactly {n}, and the other categories' percentages "
                  f"are of {n}: no smaller base explains this one.")
    if severity == "warning" and den.source != "n/N" and not den.set_complete:
        fits = _subset_denominators(count, n, printed, decimals)
        if fits:
            # an unsure denominator, and a smaller base reproduces the percentage: most often those with data
            # (item-level missing data) or another subset; a reviewer gains nothing from a warning here
            shown = str(fits[0]) if len(fits) == 1 else f"{fits[0]}–{fits[-1]}"
            return ctx.finding(
                "TA101", severity="info",
                message=(f"{where}: {printed_text}% is not {count}/{n} but fits {count} out of {shown} — the "
                         f"percentage appears to be of a smaller base (participants with data or a subset) "
                         f"not stated where the percentage is printed."),
                observed=f"{count} ({printed_text}%)", expected=f"{count}/{n} = {v.expected}%",
                computation=computation + f" {count}/m reproduces the printed value for m = {shown} (< {n}).",
                evidence=evidence, key=where,
                details={"count": count, "denominator": n, "reproducing_denominators": [fits[0], fits[-1]],
                         "printed": printed, "denominator_source": den.source})
    if v.impossible:
        extra += f" No whole number of patients out of {n} gives {printed_text}%."
    elif v.possible_counts:
        extra += f" {printed_text}% of {n} corresponds to {' or '.join(map(str, v.possible_counts))} patient(s)."
    if severity != "error":
        extra += f" (The denominator {n} is the {den.source}, not stated in this table: a warning.)"
    return ctx.finding(
        "TA101", severity=severity,
        message=f"{where}: {printed_text}% does not match {count}/{n} = {v.expected}%.{extra}",
        observed=f"{count} ({printed_text}%)", expected=f"{count} ({v.expected}%)", computation=computation,
        evidence=evidence, rounding=None, key=where,
        details={"count": count, "denominator": n, "printed": printed, "exact": v.exact, "impossible": v.impossible,
                 "possible_counts": v.possible_counts, "denominator_source": den.source})


#: the most candidate denominators tried for one percentage (a percentage near 0 of a huge count
#: admits thousands; those say nothing about a column's n)
_MAX_CANDIDATES = 2000


def _integer_pairs_not_percent(table) -> bool:
    """Most "k (j)" cells of the table with whole numbers cannot be a count and its percentage
    (j <= k although no column has 100 or more): the brackets hold something else."""
    impossible = total = 0
    for j in range(1, len(table.columns)):
        n = header_n(table, j)
        if n is None or n >= 100:
            continue
        for row in table.rows:
            q = cell_quantity(row.cells[j].text) if j < len(row.cells) else None
            if q is None or q.kind != "count_percent" or q.percent is None or q.count is None \
                    or q.percent.decimals or "%" in q.text or q.count.value == 0:
                continue
            total += 1
            impossible += q.percent.value <= q.count.value
    return total >= 3 and impossible * 2 >= total


def _category_total(table, row, j: int, n: int) -> int | None:
    """The sum of a category set's counts in column j when it is below n (the set's rows share a group
    or a label cell spanning them): percentages of those who answered, e.g. 2/15 and 13/15 under n = 21."""
    from trialaudit.extractor.study.denominators import set_rows

    rows = set_rows(table, row)
    if len(rows) < 2:
        return None
    total = 0
    for r in rows:
        q = cell_quantity(r.cells[j].text) if j < len(r.cells) else None
        if q is None or q.count is None or q.count.decimals:
            return None
        total += int(q.count.value)
    return total if 0 < total < n else None


def _run_total(ctx: CheckContext, table, row, j: int, n: int) -> int | None:
    """The sum of the counts of the exclusive category run the row belongs to (``Study.category_sets``: "Female" and
    "Male" with no heading) when it is below n: 5 (23.8) and 16 (76.2) are of 21, the column's Total row."""
    run = next((cs for cs in _category_sets(ctx, table) if row.index in cs.rows and cs.exclusive
                and not cs.row_percentages), None)
    if run is None or len(run.rows) < 2:
        return None
    by_index = {r.index: r for r in table.rows}
    total = 0
    for i in run.rows:
        r = by_index.get(i)
        q = cell_quantity(r.cells[j].text) if r is not None and j < len(r.cells) else None
        if q is None or q.count is None or q.count.decimals:
            return None
        total += int(q.count.value)
    return total if 0 < total < n else None


def _complete_set(table, row, j: int, n: int) -> bool:
    """The row's category set in column j adds up to exactly n and every other category's percentage is of n: the
    set is one partition of n, so this row's percentage is of n too (no item-level missing data)."""
    from trialaudit.extractor.study.denominators import set_rows

    rows = set_rows(table, row)
    if len(rows) < 3:
        return False
    total = 0
    others_fit = True
    for r in rows:
        cp = _count_and_percent(table, r, j)
        if cp is None:
            return False
        total += cp[0]
        if r is not row and not check_percent(cp[0], n, cp[1].value, cp[1].decimals).consistent:
            others_fit = False
    return total == n and others_fit


def _count_and_percent(table, row, j: int):
    """(count, percent Num) of an "n (%)" cell or of a count / percent sub-column pair, else None."""
    pairs = dict(count_percent_columns(table))
    if j in pairs:
        return split_count_percent(row.cells[j].text if j < len(row.cells) else "",
                                   row.cells[pairs[j]].text if pairs[j] < len(row.cells) else "")
    q = cell_quantity(row.cells[j].text) if j < len(row.cells) else None
    if q is None or q.count is None or q.percent is None or q.count.decimals:
        return None
    return int(q.count.value), q.percent


def _smaller_denominator(count: int, n: int, printed: float, decimals: int) -> int | None:
    """The one denominator a little below n (at most 20% or 2 fewer) that reproduces the percentage.

    Item-level missing data: a table headed n = 505 whose "Sex" row is of the 498
    with data. Reported as information, naming that denominator, never as an error.
    Only the few denominators whose count/m falls in the printed value's rounding
    interval are tried (computed, not searched), so any n costs the same.
    """
    window = _base_window(count, n, printed, decimals, lowest=n - max(2, int(n * 0.2)))
    if window is None:
        return None
    m_lo, m_hi = window
    hits = [m for m in range(m_hi, m_lo - 1, -1) if check_percent(count, m, printed, decimals).consistent]
    if not hits:
        # the same base printed with double rounding (1/26 = 3.846 -> 3.85 -> 3.9)
        hits = [m for m in range(m_hi, m_lo - 1, -1) if double_rounded(Fraction(100 * count, m), printed, decimals)]
    return hits[0] if hits else None


def _base_window(count: int, n: int, printed: float, decimals: int, lowest: int) -> tuple[int, int] | None:
    """The bases m (lowest <= m < n, m >= count) whose count/m can fall in the printed value's rounding interval
    (computed, never searched over 1..n); None when there are none to try or too many to say anything."""
    if printed <= 0 or count <= 0:
        return None
    half = 0.5 * 10 ** (-decimals)
    m_lo = max(count, 1, lowest, math.floor(count * 100 / (printed + 2 * half)))
    m_hi = min(n - 1, math.ceil(count * 100 / max(printed - half, 1e-9)))
    return None if m_hi - m_lo > _MAX_CANDIDATES else (m_lo, m_hi)


def _subset_denominators(count: int, n: int, printed: float, decimals: int) -> list[int]:
    """Every base m (count <= m < n) whose count/m prints as the percentage, in increasing order (computed
    from the printed value's rounding interval, never searched over 1..n)."""
    window = _base_window(count, n, printed, decimals, lowest=1)
    if window is None:
        return []
    m_lo, m_hi = window
    return [m for m in range(m_lo, m_hi + 1) if check_percent(count, m, printed, decimals).consistent]


_SUBSET_LABEL = re.compile(r"^\s*(?:[-–—•·]|of (?:whom|which|these|those)|among|including|in whom|with|"
                           r"thereof|\.\.\.)", re.I)


def _stems(label: str) -> set[str]:
    return {w[:6].lower() for w in re.findall(r"[A-Za-z]{5,}", label or "")}


def _nested(table, row, j: int, count: int, printed: float, decimals: int) -> bool:
    """The percentage is of a parent row's count in the same column (a nested row).

    A parent is one of the few rows above whose count reproduces the percentage and
    that the row's label ties to: it reads as a subset ("of whom ...", "- ...") or
    shares a word stem with the parent ("Readmitted" / "... after readmission").
    """
    idx = table.rows.index(row)
    mine = _stems(row.label)
    for r in table.rows[max(0, idx - 8):idx][::-1]:
        if j >= len(r.cells):
            continue
        q = cell_quantity(r.cells[j].text)
        if q is None:
            continue
        parent = q.count if q.count is not None else (q.value if q.kind in ("count", "number") else None)
        if parent is None or parent.decimals or parent.value <= count:
            continue
        tied = bool(_SUBSET_LABEL.match(row.label or "")) or bool(mine & _stems(r.label)) or \
            (row.group is not None and row.group == r.label)
        if tied and check_percent(count, int(parent.value), printed, decimals).consistent:
            return True
    return False
