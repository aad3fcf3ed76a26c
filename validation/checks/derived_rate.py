"""TA103 derived-rate."""
from __future__ import annotations

from fractions import Fraction
from typing import Iterator

from trialaudit.extractor.rounding import check_percent, describe_rules, fmt
from trialaudit.schemas.findings import Finding
from trialaudit.schemas.study import ResponseCounts
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.validation.tablekit import DERIVED_FROM


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
    arms = {ac.key: ac for ac in ctx.study.response_counts}
    if not arms:
        return
    done: set[tuple] = set()
    for rep in ctx.study.reported_rates:
        key = rep.key
        ac = _counts_for(arms, key)
        if ac is None:
            continue
        comps = DERIVED_FROM[rep.measure]
        if not all(c in ac.counts for c in comps):
            continue
        k = sum(ac.counts[c] for c in comps)
        n = ac.n
        parts = " + ".join(f"{c} {ac.counts[c]}" for c in comps)
        ev = [rep.evidence] + [ac.evidence[c] for c in comps] + ([ac.n_evidence] if ac.n_evidence else [])
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
                f"{describe_rules(v.rules)}. n = {n} from the {ac.n_source}.")
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


def _counts_for(arms: dict[str, ResponseCounts], key: str) -> ResponseCounts | None:
    """Counts from the same table; for a rate in another table or the text, the one table
    that gives this arm's categories (or several that agree)."""
    if key in arms:
        return arms[key]
    arm_part = key.split("::", 1)[-1]
    cands = [ac for k, ac in arms.items() if k.split("::", 1)[-1] == arm_part and arm_part.startswith("arm")]
    if not cands:
        return None
    if all(c.counts == cands[0].counts and c.n == cands[0].n for c in cands):
        return cands[0]
    return None


def _in_sentence(ctx: CheckContext) -> Iterator[Finding]:
    """'Among the 47 patients, 3 (6.4%) achieved a complete response and 14 (29.8%) a partial response, for an ORR
    of 36.2%': categories and the rate in one sentence about one population (``Study.sentence_responses``)."""
    for sr in ctx.study.sentence_responses:
        comps = DERIVED_FROM[sr.measure]
        k = sum(sr.counts[c] for c in comps)
        parts = " + ".join(f"{c} {sr.counts[c]}" for c in comps)
        measure, rc, pct, n = sr.measure, sr.count, sr.percent, sr.n
        if rc is not None and not rc.decimals and int(rc.value) != k:
            yield ctx.finding(
                "TA103", severity="error", message=f"'{sr.text}': {measure} count {int(rc.value)} ≠ {parts} = {k}.",
                observed=str(int(rc.value)), expected=str(k),
                computation=f"{measure} = {' + '.join(comps)} = {parts} = {k} (all in the same sentence).",
                evidence=list(sr.evidence), key=f"{sr.key}|count")
            continue
        if pct is None or not n:
            continue
        v = check_percent(k, n, pct.value, pct.decimals)
        if v.consistent:
            continue
        yield ctx.finding(
            "TA103", severity="error", message=f"'{sr.text}': {measure} {pct.text}% ≠ ({parts})/{n} = {v.expected}%.",
            observed=f"{pct.text}%", expected=f"{v.expected}%",
            computation=f"{measure} = ({parts})/{n} = {k}/{n} = {v.exact:.4f}%; printed {pct.text}%: "
                        f"{describe_rules(v.rules)}. n = {n} from {sr.n_source}.",
            evidence=list(sr.evidence), key=f"{sr.key}|{pct.text}",
            details={"measure": measure, "components": dict(sr.counts), "n": n, "exact": v.exact})
