"""TA210 significance-claim-unsupported."""
from __future__ import annotations

from typing import Iterator

from trialaudit.schemas.findings import Finding
from trialaudit.schemas.quantities import Quantity
from trialaudit.schemas.study import SignificanceClaim
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.extractor.rounding import rounding_interval
from trialaudit.validation.stats import PrintedP, contingency_tests, p_range_from_stat, p_side, printed_matches, range_side

from ._stat_helpers import fmt_range, table_tests


def _evidence_of(q: Quantity, alpha: float) -> tuple[str | None, str] | None:
    """(side, description) a quantity gives: its P, a χ²/t/z recomputed P, or a ratio CI against 1."""
    if q.p is not None:
        p = PrintedP(q.p.value, q.p.decimals, q.p_operator or "=", q.p.text)
        return p_side(p, alpha), p.label
    if q.kind == "test_stat" and q.stat_value is not None and q.statistic in ("chi2", "t", "z", "F"):
        r = p_range_from_stat(q.statistic, q.stat_value.value, q.stat_value.decimals, q.df, q.df2)
        if r is None:
            return None
        return range_side(r[0], r[1], alpha), f"{q.text} (recomputed P = {fmt_range(*r)})"
    if q.kind == "ratio" and q.low is not None and q.high is not None and abs((q.ci_level or 95) - 100 * (1 - alpha)) < 1e-6:
        l_lo, l_hi = rounding_interval(q.low.value, q.low.decimals)
        h_lo, h_hi = rounding_interval(q.high.value, q.high.decimals)
        if l_lo > 1 or h_hi < 1:
            return "sig", f"{q.text} (CI excludes 1)"
        if l_hi < 1 < h_lo:
            return "ns", f"{q.text} (CI includes 1)"
    return None


@rule(code="TA210", name="significance-claim-unsupported", severity="error", family="significance")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """A sentence calls a difference significant (or not) while its own P or CI says the opposite.

    What it checks:
        Clauses that claim significance ("significantly longer", "a
        statistically significant improvement", "reached significance") or
        its absence ("no significant difference", "did not reach statistical
        significance", "did not differ", "comparable") are compared with the
        evidence printed in the same clause: the P-value(s) with their
        operator, a χ²/t/z statistic without P (its p recomputed), or a ratio's
        CI at level 1 − α (excluding or including 1). When the sentence cites
        a table ("(P<0.05; Table 4)") and the clause's two percentages are the
        rates of a two-arm comparison in that table, the P recomputed from the
        table's counts (χ², Yates, G², Fisher) is used too. It flags a
        positive claim when every P is ≥ α and a negative claim when every P
        is < α (α from the settings). Hedged wording ("marginally",
        "trend towards", "borderline") is left alone, and nothing is said
        when the clause prints no evidence.

    Why it matters:
        Abstracts and conclusions repeat the words, not the numbers; a claim
        that contradicts its own P misleads every reader who skims.

    Example:
        "PFS was significantly longer with the combination (HR 0.80, 95% CI
        0.62–1.03; P = 0.08)" (error). "The two groups did not differ (P =
        0.01)" (warning: soft wording, only with ``--preview``).

    Known limitations:
        Evidence in another sentence, or in a table the sentence does not
        cite, is not linked (the claim is skipped). Clauses are split at ';', 'whereas', 'while' and
        'but', after a sentence-opening "Although/While ... ," clause, and before footnote legends
        ("* P < 0.05 versus ...", which define markers); a clause mixing several comparisons with P
        on both sides of α is skipped, and so is a clause that makes a second claim of the other
        sign after a negative one ("X was not significantly different, Y was significantly reduced
        (P < 0.01)") or limits its negative claim in time ("not significant until week 8 (P = 0.017)"). Definitions ("P < 0.05 was considered significant") are
        not read as claims. The claims and their clauses come from the Study
        (``Study.significance_claims``, :mod:`trialaudit.extractor.study.claims`).

        Soft wording ("similar", "comparable", "did not differ") is reported only with
        ``--preview``: on 120 real trial reports 0 of 7 such warnings were true — "similar"
        often means "also significant", and the P in the clause often belongs to another
        comparison.
    """
    ctx.coverage.count("tests", 0)  # claims are counted below; linked-table findings count as examined
    alpha = ctx.settings.alpha
    # the article's own significance levels ("P < 0.01 was considered significant"): a claim is contradicted only when
    # it is at every level the article or the settings use
    others = [a for a in ctx.study.named_tests.alpha_levels if a != alpha]
    for claim in ctx.study.significance_claims:
        f = _clause_finding(ctx, claim, alpha)
        if f is not None and others:
            if any(_clause_finding(ctx, claim, a, count=False) is None for a in others):
                continue  # consistent at the article's declared level
        if f is not None:
            yield f


def _clause_finding(ctx: CheckContext, claim: SignificanceClaim, alpha: float, count: bool = True) -> Finding | None:
    """The finding for a claim (``Study.significance_claims``) that contradicts its own evidence or a cited table."""
    inside = claim.quantities
    evid = [e for e in (_evidence_of(q, alpha) for q in inside) if e is not None]
    if evid and count:
        ctx.coverage.count("tests")  # a significance claim compared with its own P or CI
    if claim.claim != "ns-soft":
        linked = _cited_table_evidence(ctx, claim, alpha)
        if linked is not None and linked[0] is not None and linked[0] != ("sig" if claim.claim == "sig" else "ns"):
            return _linked_finding(ctx, claim, linked, alpha)
    if not evid or any(side is None for side, _ in evid):
        return None
    if claim.claim == "ns" and claim.negation_start is not None:
        ev_q = [q for q in inside if _evidence_of(q, alpha) is not None]
        if ev_q and all(claim.negation_start > q.end for q in ev_q) and \
                claim.negation.lower().startswith("without"):
            return None  # "... higher X (P = 0.02) ... without significant changes in Y": Y has no P here
    sides = {side for side, _ in evid}
    if len(sides) != 1:
        return None
    side = sides.pop()
    if side == ("sig" if claim.claim == "sig" else "ns"):
        return None
    if claim.claim == "ns-soft" and not ctx.settings.preview:
        return None  # soft wording: see "Known limitations" (a preview-only finding)
    return _claim_finding(ctx, claim, side, evid, alpha)


def _claim_finding(ctx: CheckContext, claim: SignificanceClaim, side: str, evid: list, alpha: float) -> Finding:
    what = "significant" if claim.claim == "sig" else "not significant"
    shown = "; ".join(d for _, d in evid)
    with_evidence = [q for q in claim.quantities if _evidence_of(q, alpha) is not None]
    first, last = with_evidence[0], with_evidence[-1]
    start = claim.wording_start if claim.wording else claim.start
    return ctx.finding(
        "TA210", severity="warning" if claim.claim == "ns-soft" else "error",
        message=f"'{claim.clause.strip()[:200]}': the clause says the difference is {what}, but its own evidence "
                f"({shown}) is {'below' if side == 'sig' else 'at or above'} α = {alpha:g}.",
        observed=f"claim: {what}; evidence: {shown}",
        expected=("P < %g" % alpha) if claim.claim == "sig" else ("P ≥ %g" % alpha),
        computation=(f"Claim wording “{claim.wording}”; evidence in the same clause: "
                     f"{shown}. At α = {alpha:g} (settings) the evidence says "
                     f"{'significant' if side == 'sig' else 'not significant'}."),
        evidence=[ctx.sentence_evidence(ctx.sentence(claim.sentence), min(start, first.start),
                                        max(last.end, start + 1), role="claim")],
        key=f"{claim.clause.strip()[:160]}", changes_conclusion=True,
        details={"claim": claim.claim, "evidence": shown, "alpha": alpha})


def _pcts(qs: list[Quantity]) -> list:
    out = []
    for q in qs:
        if q.kind == "percent" and (q.percent or q.value) is not None:
            out.append(q.percent or q.value)
        elif q.kind in ("count_percent", "fraction") and q.percent is not None:
            out.append(q.percent)
    return out


def _cited_table_evidence(ctx: CheckContext, claim: SignificanceClaim, alpha: float):
    """(side, description, evidence) from the 2×2 comparison of a table the sentence cites, when the clause's two
    percentages are that comparison's rates."""
    cited = set(claim.cited_tables)
    if not cited:
        return None
    pcts = _pcts(claim.quantities)
    if len(pcts) != 2:
        return None
    for tt in table_tests(ctx):
        num = (tt.table.number or tt.table.label.split()[-1]).upper()
        if num not in cited or not tt.interps:
            continue
        i = tt.interps[0]
        if len(i.counts) != 2 or len(i.counts[0]) != 2 or min(sum(r) for r in i.counts) <= 0:
            continue
        rates = [100 * r[0] / sum(r) for r in i.counts]
        same = all(printed_matches(r, p.value, p.decimals) for r, p in zip(rates, pcts)) or \
            all(printed_matches(r, p.value, p.decimals) for r, p in zip(rates[::-1], pcts))
        if not same:
            continue
        res = contingency_tests(i.counts)
        ps = [t.p for t in res.tests]
        if not ps:
            continue
        side = range_side(min(ps), max(ps), alpha)
        desc = (f"{tt.table.label}: {i.description} — " + ", ".join(f"{t.name} P = {t.p:.4f}" for t in res.tests))
        ev = [e for e in [tt.p.evidence if tt.p else None] if e is not None] + i.evidence[:4]
        return side, desc, ev, (min(ps), max(ps))
    return None


def _linked_finding(ctx: CheckContext, claim: SignificanceClaim, linked, alpha: float) -> Finding:
    side, desc, ev, (lo, hi) = linked
    what = "significant" if claim.claim == "sig" else "not significant"
    start, end = (claim.wording_start, claim.wording_end) if claim.wording else (claim.start, claim.end)
    return ctx.finding(
        "TA210", severity="error",
        message=f"'{claim.clause.strip()[:200]}': the clause says the difference is {what}, but the counts of the "
                f"table it cites give P = {fmt_range(lo, hi)} (every standard test "
                f"{'below' if side == 'sig' else 'at or above'} α = {alpha:g}).",
        observed=f"claim: {what}", expected=f"P = {fmt_range(lo, hi)}",
        computation=f"The clause's two percentages are the rates of {desc}. At α = {alpha:g} (settings) the "
                    f"recomputed evidence says {'significant' if side == 'sig' else 'not significant'}.",
        evidence=[ctx.sentence_evidence(ctx.sentence(claim.sentence), start, end, role="claim")] + ev,
        key=f"{claim.clause.strip()[:160]}|table", changes_conclusion=True,
        details={"claim": claim.claim, "recomputed_p": [lo, hi], "alpha": alpha})
