"""TA103 derived-rate."""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterator

from trialaudit.extractor.quantities import find_quantities
from trialaudit.extractor.study.arms import arm_mentions, resolve_arm
from trialaudit.extractor.study.regimens import top_level_clauses
from trialaudit.schemas.findings import Evidence, Finding
from trialaudit.schemas.quantities import Num
from trialaudit.schemas.study import Arm
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.extractor.rounding import check_percent, describe_rules, fmt
from trialaudit.validation.tablekit import (DERIVED_FROM, Denominator, arm_size_evidence, arms_are_rows, cell_count,
                                 cell_percent, cell_quantity, column_denominator, rate_measure,
                                 response_category, row_denominator)

_MEASURE_RE = re.compile(r"\b(ORR|DCR|CBR|objective response rate|overall response rate|disease control rate|"
                         r"clinical benefit rate)\b", re.I)


@dataclass
class ArmCounts:
    """Response counts of one arm, with where each came from."""

    arm_key: str
    n: Denominator
    counts: dict[str, int]
    evidence: dict[str, Evidence]


@dataclass
class Reported:
    measure: str
    count: int | None
    percent: Num | None
    evidence: Evidence
    where: str


@rule(code="TA103", name="derived-rate", severity="error", family="arithmetic")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """A response rate disagrees with the response categories it is derived from.

    What it checks:
        ORR = CR + PR and DCR (or CBR) = CR + PR + SD, as counts and as
        percentages of the arm's n, wherever either side is printed: rate
        rows or columns in tables (``Objective response rate, n (%)``,
        ``ORR (%)``) and sentences such as "the ORR and DCR in the
        Observation group were 23.63% and 52.73%", or one sentence giving
        both ("3 (6.4%) achieved a complete response and 14 (29.8%) a partial
        response, for an ORR of 36.2%"). Percentages are compared
        at the printed precision with half-up, half-even and truncation.

    Why it matters:
        Rates are what abstracts, conclusions and meta-analyses quote; when
        they cannot be rebuilt from the category counts, either the counts or
        the headline result is wrong.

    Example:
        CR 1, PR 12, SD 14 in an arm of n = 55: DCR = 27/55 = 49.09%, but the
        article reports 52.73% (error); ORR = 13/55 = 23.636% printed as
        23.63% is truncation (info).

    Known limitations:
        Needs the category counts and the arm size; rates over a subset
        (evaluable patients) differ legitimately when the article uses
        another denominator. A rate whose label or sentence defines a durable
        component ("CBR (CR + PR + SD ≥ 6 months)") is not rebuilt from the
        plain SD row; CBR defined elsewhere with a duration condition may
        still be compared with CR+PR+SD, as a warning.
    """
    ctx.coverage.count("percentages", 0)
    yield from _in_sentence(ctx)
    arms = _collect_counts(ctx)
    if not arms:
        return
    reported = list(_reported_in_tables(ctx)) + list(_reported_in_text(ctx))
    done: set[tuple] = set()
    for key, rep in reported:
        ac = _counts_for(arms, key)
        if ac is None:
            continue
        comps = DERIVED_FROM[rep.measure]
        if not all(c in ac.counts for c in comps):
            continue
        k = sum(ac.counts[c] for c in comps)
        n = ac.n.n
        parts = " + ".join(f"{c} {ac.counts[c]}" for c in comps)
        ev = [rep.evidence] + [ac.evidence[c] for c in comps] + [ac.n.evidence]
        sig = (key, rep.measure, rep.count, rep.percent.text if rep.percent else None, rep.evidence.line)
        if sig in done:
            continue
        done.add(sig)
        ctx.coverage.count("percentages")  # a derived rate recomputed from its category counts
        soft = rep.measure == "CBR"
        if rep.count is not None and rep.count != k:
            yield ctx.finding(
                "TA103", severity="warning" if soft else "error",
                message=f"{rep.where}: {rep.measure} count {rep.count} ≠ {parts} = {k}.",
                observed=str(rep.count), expected=str(k),
                computation=f"{rep.measure} = {' + '.join(comps)} = {parts} = {k}.", evidence=ev,
                key=f"{key}|{rep.measure}|count")
            continue
        if rep.percent is None:
            continue
        v = check_percent(k, n, rep.percent.value, rep.percent.decimals)
        comp = (f"{rep.measure} = ({parts})/{n} = {k}/{n} = {v.exact:.4f}%; at {rep.percent.decimals} decimal(s) "
                f"{fmt(Fraction(100 * k, n), rep.percent.decimals)}% (half-up); printed {rep.percent.text}%: "
                f"{describe_rules(v.rules)}. n = {n} from the {ac.n.source}.")
        if v.consistent and not v.truncation_only:
            continue
        if v.truncation_only:
            yield ctx.finding(
                "TA103", severity="info",
                message=f"{rep.where}: {rep.measure} {rep.percent.text}% is {k}/{n} = {v.exact:.4f}% truncated, "
                        f"not rounded (expected {v.expected}%).",
                observed=f"{rep.percent.text}%", expected=f"{v.expected}%", computation=comp, evidence=ev,
                rounding="truncation", changes_conclusion=False, key=f"{key}|{rep.measure}|{rep.percent.text}")
            continue
        alt = ""
        if v.possible_counts:
            alt = f" {rep.percent.text}% of {n} would be {' or '.join(map(str, v.possible_counts))} patient(s)."
        yield ctx.finding(
            "TA103", severity="warning" if soft else "error",
            message=f"{rep.where}: {rep.measure} {rep.percent.text}% ≠ ({parts})/{n} = {v.expected}%.{alt}",
            observed=f"{rep.percent.text}%", expected=f"{v.expected}%", computation=comp, evidence=ev,
            key=f"{key}|{rep.measure}|{rep.percent.text}",
            details={"measure": rep.measure, "components": {c: ac.counts[c] for c in comps}, "n": n,
                     "exact": v.exact})


def _counts_for(arms: dict[str, ArmCounts], key: str) -> ArmCounts | None:
    """Counts from the same table; for a rate in another table or the text, the one table
    that gives this arm's categories (or several that agree)."""
    if key in arms:
        return arms[key]
    arm_part = key.split("::", 1)[-1]
    cands = [ac for k, ac in arms.items() if k.split("::", 1)[-1] == arm_part and arm_part.startswith("arm")]
    if not cands:
        return None
    if all(c.counts == cands[0].counts and c.n.n == cands[0].n.n for c in cands):
        return cands[0]
    return None


def _arm_key(arm: Arm | None, fallback: str) -> str:
    return arm.id if arm is not None else "label:" + fallback.lower().strip()


def _collect_counts(ctx: CheckContext) -> dict[str, ArmCounts]:
    """Category counts per arm from response tables, both orientations."""
    out: dict[str, ArmCounts] = {}
    for table in ctx.document.tables:
        if arms_are_rows(table, ctx.study):
            cat_cols = {j: response_category(c.split(" / ")[-1]) for j, c in enumerate(table.columns) if j > 0}
            cat_cols = {j: c for j, c in cat_cols.items() if c}
            if len(cat_cols) < 2:
                continue
            for row in table.rows:
                den = row_denominator(ctx, table, row)
                if den is None:
                    continue
                key = table.label + "::" + _arm_key(den.arm or resolve_arm(row.label, ctx.study.arms), row.label)
                ac = out.setdefault(key, ArmCounts(key, den, {}, {}))
                for j, cat in cat_cols.items():
                    c = cell_count(row.cells[j].text) if j < len(row.cells) else None
                    if c is not None and cat not in ac.counts:
                        ac.counts[cat] = c
                        ac.evidence[cat] = ctx.cell_evidence(table, row, j, role=cat)
        else:
            rows = [(r, response_category(r.label)) for r in table.rows if r.kind != "group"]
            rows = [(r, c) for r, c in rows if c]
            if len(rows) < 2:
                continue
            for j in range(1, len(table.columns)):
                den = column_denominator(ctx, table, j)
                if den is None:
                    continue
                key = table.label + "::" + _arm_key(den.arm, table.columns[j].split(" / ")[0])
                ac = out.setdefault(key, ArmCounts(key, den, {}, {}))
                for r, cat in rows:
                    c = cell_count(r.cells[j].text) if j < len(r.cells) else None
                    if c is not None and cat not in ac.counts:
                        ac.counts[cat] = c
                        ac.evidence[cat] = ctx.cell_evidence(table, r, j, role=cat)
    # text: "one patient achieved CR, 12 achieved PR, 14 achieved SD" is left to the extraction layer
    return out


#: a rate defined with a durable component ("SD ≥ 6 months", "SD lasting at least 24 weeks")
_DURABLE = re.compile(r"(?:≥|>=|>|at\s+least|lasting|persist\w*|durable|for)\s*(?:at\s+least\s*)?\d+\s*"
                      r"(?:months?|mo\b|weeks?|wks?)", re.I)


def _reported_in_tables(ctx: CheckContext) -> Iterator[tuple[str, Reported]]:
    for table in ctx.document.tables:
        if arms_are_rows(table, ctx.study):
            rate_cols = {j: rate_measure(c.split(" / ")[-1]) for j, c in enumerate(table.columns) if j > 0}
            rate_cols = {j: m for j, m in rate_cols.items() if m}
            for row in table.rows:
                den = row_denominator(ctx, table, row)
                arm = (den.arm if den else None) or resolve_arm(row.label, ctx.study.arms)
                key = table.label + "::" + _arm_key(arm, row.label)
                for j, m in rate_cols.items():
                    if j >= len(row.cells) or not row.cells[j].text or _DURABLE.search(table.columns[j]):
                        continue
                    label = table.columns[j]
                    pct_col = "%" in label or cell_quantity(row.cells[j].text) is not None
                    q = cell_quantity(row.cells[j].text)
                    count = cell_count(row.cells[j].text) if q is not None and q.kind in ("count_percent", "fraction") else None
                    pct = cell_percent(row.cells[j].text, bare_is_percent=pct_col)
                    yield key, Reported(m, count, pct, ctx.cell_evidence(table, row, j, role="reported"),
                                        f"{table.label}, row '{row.label}', column '{label}'")
        else:
            for row in table.rows:
                m = rate_measure(row.label)
                if not m or _DURABLE.search(row.label):
                    continue  # "Clinical benefit rate (CR + PR + SD ≥ 6 months)": not the plain SD row
                for j in range(1, len(table.columns)):
                    if j >= len(row.cells) or not row.cells[j].text:
                        continue
                    den = column_denominator(ctx, table, j)
                    key = table.label + "::" + _arm_key(den.arm if den else None, table.columns[j].split(" / ")[0])
                    q = cell_quantity(row.cells[j].text)
                    if q is None:
                        continue
                    count = cell_count(row.cells[j].text) if q.kind in ("count_percent", "fraction") else None
                    pct = cell_percent(row.cells[j].text, bare_is_percent="%" in row.label)
                    if count is None and pct is None:
                        continue
                    yield key, Reported(m, count, pct, ctx.cell_evidence(table, row, j, role="reported"),
                                        f"{table.label}, row '{row.label}', column '{table.columns[j]}'")


def _norm_measure(s: str) -> str:
    return rate_measure(s) or s.upper()


def _reported_in_text(ctx: CheckContext) -> Iterator[tuple[str, Reported]]:
    """'The ORR and DCR in the X group were 23.63% and 52.73%' and
    'ORR was 23.63% in X versus 10.00% in Y, and the DCR was 52.73% versus 30%, respectively'."""
    arms = ctx.study.arms
    for sent in ctx.document.sentences:
        if sent.section_kind in ("references", "introduction", "methods", "statistics"):
            continue
        text = sent.text
        if not _MEASURE_RE.search(text):
            continue
        mentions = arm_mentions(text, arms)
        prev_arms: list[Arm] = []
        for a, b in top_level_clauses(text):
            clause = text[a:b]
            measures = [_norm_measure(m.group(1)) for m in _MEASURE_RE.finditer(clause)]
            measures = [m for m in measures if m in DERIVED_FROM] if not _DURABLE.search(clause) else []
            pcts = [q for q in find_quantities(clause) if q.kind == "percent" and (q.value or q.percent)]
            clause_arms = [m[0] for m in mentions if a <= m[1] < b]
            if not measures or not pcts:
                if clause_arms:
                    prev_arms = clause_arms
                continue
            pairs: list[tuple[Arm, str, object]] = []
            if len(measures) == 1 and len(clause_arms) == len(pcts) and clause_arms:
                pairs = [(arm, measures[0], q) for arm, q in zip(clause_arms, pcts)]
            elif len(measures) == 1 and not clause_arms and prev_arms and len(prev_arms) == len(pcts) and \
                    re.search(r"respectively|versus|vs", clause):
                pairs = [(arm, measures[0], q) for arm, q in zip(prev_arms, pcts)]
            elif len({a_.id for a_ in clause_arms}) == 1 and len(measures) == len(pcts):
                pairs = [(clause_arms[0], m, q) for m, q in zip(measures, pcts)]
            elif len(measures) == len(pcts) and clause_arms:
                # "The ORR and DCR in the X group were 23.6% and 52.7%, higher than in the Y group"
                first_pct = a + pcts[0].start
                before = {m[0].id: m[0] for m in mentions if a <= m[1] < first_pct}
                if len(before) == 1:
                    arm0 = next(iter(before.values()))
                    pairs = [(arm0, m, q) for m, q in zip(measures, pcts)]
            if clause_arms:
                prev_arms = clause_arms
            for arm, m, q in pairs:
                num = q.value or q.percent
                yield "text::" + arm.id, Reported(m, None, num, ctx.sentence_evidence(sent, a + q.start, a + q.end, role="reported"),
                                       f"{m} of the {arm.label} in the text")


# ------------------------------------------------------------------ one sentence with its own categories
_CAT_TEXT = re.compile(r"\b(complete|partial)\s+(?:response|remission)s?\b|\bstable\s+disease\b|\b(CR|PR|SD)\b",
                       re.I)
#: the sentence populations ("among the 47 evaluable patients") its categories and rate are out of
_POPULATION = dict(prepositions=("of", "among", "in"), qualifiers=("", "evaluable", "treated", "enrolled"),
                   nouns=("patients", "participants", "subjects"))


def _category_of(m: re.Match) -> str:
    s = m.group(0).lower()
    return "CR" if s.startswith(("complete", "cr")) else "PR" if s.startswith(("partial", "pr")) else "SD"


def _in_sentence(ctx: CheckContext) -> Iterator[Finding]:
    """'Among the 47 patients, 3 (6.4%) achieved a complete response and 14 (29.8%) a partial response, for an ORR
    of 36.2%': categories and the rate in one sentence about one population."""
    for sent in ctx.document.sentences:
        if sent.section_kind in ("references", "introduction", "methods", "statistics", "discussion"):
            continue
        text = sent.text
        if not _MEASURE_RE.search(text) or not _CAT_TEXT.search(text):
            continue
        if arm_mentions(text, ctx.study.arms) or re.search(r"respectively|versus|\bvs\b|compared", text, re.I):
            continue
        qs = [q for q in find_quantities(text) if q.kind in ("count_percent", "fraction", "percent", "count",
                                                             "estimate_ci")]
        counts: dict[str, tuple[int, object]] = {}
        ambiguous = False
        for i, q in enumerate(qs):
            if q.kind not in ("count_percent", "fraction") or q.count is None or q.count.decimals:
                continue
            nxt = qs[i + 1].start if i + 1 < len(qs) else len(text)
            seg = text[q.end:nxt]
            cm = _CAT_TEXT.search(seg)
            if cm is None or cm.start() > 40 or _MEASURE_RE.search(seg[:cm.start()]):
                continue
            cat = _category_of(cm)
            if cat in counts:
                ambiguous = True
            counts[cat] = (int(q.count.value), q)
        if ambiguous or len(counts) < 2:
            continue
        pops = ctx.stated_populations(sent, **_POPULATION)
        n = pops[0].n if pops else (ctx.study.total_n if not any(a.n for a in ctx.study.arms if not a.is_total)
                                           else None)
        for mm in _MEASURE_RE.finditer(text):
            measure = _norm_measure(mm.group(1))
            comps = DERIVED_FROM.get(measure)
            if not comps or not all(c in counts for c in comps):
                continue
            rate = next((q for q in qs if q.start >= mm.end() and q.start - mm.end() <= 25), None)
            if rate is None:
                continue
            k = sum(counts[c][0] for c in comps)
            parts = " + ".join(f"{c} {counts[c][0]}" for c in comps)
            ev = [ctx.sentence_evidence(sent, mm.start(), rate.end, role="reported")] + \
                [ctx.sentence_evidence(sent, counts[c][1].start, counts[c][1].end, role=c) for c in comps]
            rc = rate.count if rate.kind in ("count_percent", "fraction") else None
            if rc is not None and not rc.decimals and int(rc.value) != k:
                yield ctx.finding(
                    "TA103", severity="error", message=f"'{text[mm.start():rate.end]}': {measure} count {int(rc.value)} ≠ {parts} = {k}.",
                    observed=str(int(rc.value)), expected=str(k),
                    computation=f"{measure} = {' + '.join(comps)} = {parts} = {k} (all in the same sentence).",
                    evidence=ev, key=f"sent|{sent.id}|{measure}|count")
                continue
            pct = rate.percent if rate.kind in ("count_percent", "fraction") else (rate.percent or rate.value)
            if pct is None or not n:
                continue
            v = check_percent(k, n, pct.value, pct.decimals)
            if v.consistent:
                continue
            yield ctx.finding(
                "TA103", severity="error", message=f"'{text[mm.start():rate.end]}': {measure} {pct.text}% ≠ ({parts})/{n} = {v.expected}%.",
                observed=f"{pct.text}%", expected=f"{v.expected}%",
                computation=f"{measure} = ({parts})/{n} = {k}/{n} = {v.exact:.4f}%; printed {pct.text}%: "
                            f"{describe_rules(v.rules)}. n = {n} from "
                            f"{'the sentence' if pops else 'the study population'}.",
                evidence=ev, key=f"sent|{sent.id}|{measure}|{pct.text}",
                details={"measure": measure, "components": {c: counts[c][0] for c in comps}, "n": n, "exact": v.exact})
