"""TA210 significance-claim-unsupported."""
from __future__ import annotations

import re
from typing import Iterator

from trialaudit.extractor.textutil import split_top_level
from trialaudit.schemas.findings import Finding
from trialaudit.schemas.quantities import Quantity
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.extractor.rounding import rounding_interval
from trialaudit.validation.stats import PrintedP, contingency_tests, p_range_from_stat, p_side, printed_matches, range_side

from ._stat_helpers import fmt_range, sentence_quantities, table_tests

_TABLE_CITE = re.compile(r"\bTables?\s+(\d+|[IVXL]+)\b", re.I)

_SECTIONS = ("abstract", "results", "discussion", "conclusion", "other", "figure", "table")
_CLAUSE_SPLIT = re.compile(r";|,\s*(?:whereas|while|but|although)\s+|\s+(?:whereas|while)\s+|,\s*and\s+(?=(?:the|a|an|no)\s)|"
                           r"(?<=\))\s+but\s+")
_NEG = re.compile(
    r"\b(?:no|not|non|without|neither|nor|never|lack(?:ed)?\s+of|absence\s+of|fail(?:ed|s)?\s+to|did\s+not|does\s+not|"
    r"do\s+not|was\s+not|were\s+not|is\s+not|are\s+not|n't)\b(?:(?!\band\b|\bbut\b|\bwhereas\b)[^.;,]){0,40}?"
    r"\b(?:statistical(?:ly)?\s+)?significan|"
    r"\bnon-?significant(?:ly)?\b|\binsignificant(?:ly)?\b|\bnot\s+(?:statistically\s+)?significant|"
    r"\b(?:no|nor|not|without|little)\b[^.;]{0,20}\bevidence\b[^.;]{0,160}?\bsignifican",
    re.I)
_NEG_SOFT = re.compile(r"\b(?:did|do|does)\s+not\s+differ|\bno\s+(?:statistical\s+)?difference|\bcomparable\b|"
                       r"\bsimilar\b|\bwell[- ]balanced\b|\bbalanced\b", re.I)
_POS = re.compile(r"\b(?:statistically\s+)?significant(?:ly)?\b|\breached\s+(?:statistical\s+)?significance", re.I)
_HEDGE = re.compile(r"marginal(?:ly)?|borderline|trend(?:ed|ing)?\s+(?:toward|to)|approach(?:ed|ing)?\s+"
                    r"(?:statistical\s+)?significance|tend(?:ed|ency)|near(?:ly)?[- ]significant|not\s+so\s+significant",
                    re.I)


#: a footnote legend starts here: a marker, then a P threshold ("* p < 0.05, intragroup ...", "a P<0.05 versus
#: Group A"); a legend defines what a marker means in a table, it is no evidence for the text around it
_LEGEND = re.compile(r"(?:^|(?<=[\s.;,]))(?:[a-z]|[*†‡§¶#]{1,3})\s*(?=[Pp]\s*(?:[<≤]|-?\s*values?\b))")
#: a sentence that opens with a subordinate clause ("Although X differed (P = .005), Y was not different"):
#: the two clauses make two claims about two comparisons
_SUBORDINATE = re.compile(r"^\s*(?:although|though|even\s+though|while|whereas)\b", re.I)


def _clauses(text: str) -> list[tuple[int, int]]:
    """The clauses a claim and its evidence must share: split at ';', 'whereas', 'while', 'but' (top level),
    after a sentence-opening subordinate clause, and before every footnote legend."""
    spans = split_top_level(text, _CLAUSE_SPLIT)
    if spans and _SUBORDINATE.match(text[spans[0][0]:spans[0][1]]):
        a, b = spans[0]
        parts = split_top_level(text[a:b], ",")
        if len(parts) > 1:
            cut = a + parts[0][1]
            spans = [(a, cut), (cut + 1, b)] + spans[1:]
    out: list[tuple[int, int]] = []
    for a, b in spans:
        cuts = [a] + [a + m.start() for m in _LEGEND.finditer(text[a:b]) if m.start() > 0] + [b]
        out += [(x, y) for x, y in zip(cuts, cuts[1:]) if text[x:y].strip()]
    return out


_EXCEPT = re.compile(r"\bexcept\b|\bapart from\b|\bother than\b|\bwith the exception\b|\bexcluding\b|\bsave for\b",
                     re.I)


#: the wordings that state a claim unambiguously; a clause that only matches the looser
#: patterns above ("no phone calls ... significantly lower", "significant health outcomes",
#: "None of ... changed significantly") is skipped rather than guessed
_NEG_STRICT = re.compile(
    r"\b(?:no|not|nor|without)\s+(?:a\s+)?(?:statistically\s+)?significant(?:ly)?\b|\bnon-?significant(?:ly)?\b|"
    r"\binsignificant(?:ly)?\b|\b(?:did|do|does|was|were|is|are)\s+not\s+(?:\w+\s+)?(?:statistically\s+)?"
    r"significant(?:ly)?\b|\bfail(?:ed|s)?\s+to\s+reach\s+(?:statistical\s+)?significance", re.I)
_POS_STRICT = re.compile(
    r"\b(?:statistically\s+)?significantly\b|\b(?:statistically\s+)?significant\s+(?:\w+\s+){0,2}?"
    r"(?:differences?|effects?|associations?|improvements?|reductions?|increases?|decreases?|changes?|"
    r"correlations?|benefits?|interactions?|declines?|gains?)\b|\breached\s+(?:statistical\s+)?significance|"
    r"\b(?:was|were|is|are|be|been|remained)\s+(?:statistically\s+)?significant\b", re.I)
_NONE_OF = re.compile(r"\b(?:none|neither)\b", re.I)


#: a negative claim limited in time ("not significant until week 8", "... before 12 months"): it turns positive later
_UNTIL = re.compile(r"\b(?:until|till|up\s+to)\b", re.I)  # not "before": "no difference before treatment (P = ...)"


def _claim(clause: str) -> str | None:
    if _HEDGE.search(clause) or re.search(r"\btrend\b", clause, re.I):
        return None
    if _NEG.search(clause):
        neg = _NEG_STRICT.search(clause)
        if neg is None:
            return None
        if _UNTIL.search(clause, neg.end()):
            # "no significant difference ... until 8 weeks after treatment (P = 0.017)": not significant before a
            # time point, significant from it on; the P printed is the later one's
            return None
        if any(m.start() >= neg.end() for m in _POS_STRICT.finditer(clause)):
            # "X was not significantly different, Y and Z were significantly reduced (P < 0.01)": a second claim,
            # of the other sign, on another comparison in the same clause; its evidence is not the first's
            return None
        return "ns"
    if _POS.search(clause):
        if _NONE_OF.search(clause):
            return None  # "None of the scores changed significantly": a negation _NEG does not see
        return "sig" if _POS_STRICT.search(clause) else None
    if _NEG_SOFT.search(clause):
        return "ns-soft"
    return None


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
        ignored by section.

        Soft wording ("similar", "comparable", "did not differ") is reported only with
        ``--preview``: on 120 real trial reports 0 of 7 such warnings were true — "similar"
        often means "also significant", and the P in the clause often belongs to another
        comparison.
    """
    ctx.coverage.count("tests", 0)  # claims are counted below; linked-table findings count as examined
    alpha = ctx.settings.alpha
    for sent in ctx.document.sentences:
        if sent.section_kind not in _SECTIONS:
            continue
        text = sent.text
        if not re.search(r"significan|differ|comparable|similar|balanced", text, re.I):
            continue
        if re.search(r"\bconsidered\b|\bdefined\b|\bthreshold\b|\bset at\b|\blevel of significance\b", text, re.I):
            continue
        qs = sentence_quantities(sent)
        for a, b in _clauses(text):
            f = _clause_finding(ctx, sent, qs, a, b, alpha)
            if f is not None:
                yield f


def _clause_finding(ctx: CheckContext, sent, qs: list[Quantity], a: int, b: int, alpha: float) -> Finding | None:
    """The finding for the clause ``sent.text[a:b]`` when its claim contradicts its own evidence (or a cited table)."""
    text = sent.text
    clause = text[a:b]
    claim = _claim(clause)
    if claim is None or _EXCEPT.search(clause):
        return None
    inside = [q for q in qs if a <= q.start < b]
    evid = [e for e in (_evidence_of(q, alpha) for q in inside) if e is not None]
    if evid:
        ctx.coverage.count("tests")  # a significance claim compared with its own P or CI
    if claim != "ns-soft":
        linked = _cited_table_evidence(ctx, text, inside, alpha)
        if linked is not None and linked[0] is not None and linked[0] != ("sig" if claim == "sig" else "ns"):
            return _linked_finding(ctx, sent, clause, a, claim, linked, alpha)
    if not evid or any(side is None for side, _ in evid):
        return None
    if claim == "ns":
        neg = _NEG_STRICT.search(clause)
        ev_q = [q for q in inside if _evidence_of(q, alpha) is not None]
        if neg and ev_q and all(a + neg.start() > q.end for q in ev_q) and \
                re.match(r"without\b", clause[neg.start():], re.I):
            return None  # "... higher X (P = 0.02) ... without significant changes in Y": Y has no P here
    sides = {side for side, _ in evid}
    if len(sides) != 1:
        return None
    side = sides.pop()
    if side == ("sig" if claim == "sig" else "ns"):
        return None
    soft = claim == "ns-soft"
    if soft and not ctx.settings.preview:
        return None  # soft wording: see "Known limitations" (a preview-only finding)
    return _claim_finding(ctx, sent, clause, a, claim, side, evid, inside, alpha)


def _claim_finding(ctx: CheckContext, sent, clause: str, a: int, claim: str, side: str, evid: list,
                   inside: list[Quantity], alpha: float) -> Finding:
    what = "significant" if claim == "sig" else "not significant"
    shown = "; ".join(d for _, d in evid)
    with_evidence = [q for q in inside if _evidence_of(q, alpha) is not None]
    first, last = with_evidence[0], with_evidence[-1]
    claim_m = (_POS if claim == "sig" else (_NEG if claim == "ns" else _NEG_SOFT)).search(clause)
    start = a + (claim_m.start() if claim_m else 0)
    return ctx.finding(
        "TA210", severity="warning" if claim == "ns-soft" else "error",
        message=f"'{clause.strip()[:200]}': the clause says the difference is {what}, but its own evidence "
                f"({shown}) is {'below' if side == 'sig' else 'at or above'} α = {alpha:g}.",
        observed=f"claim: {what}; evidence: {shown}",
        expected=("P < %g" % alpha) if claim == "sig" else ("P ≥ %g" % alpha),
        computation=(f"Claim wording “{claim_m.group(0) if claim_m else ''}”; evidence in the same clause: "
                     f"{shown}. At α = {alpha:g} (settings) the evidence says "
                     f"{'significant' if side == 'sig' else 'not significant'}."),
        evidence=[ctx.sentence_evidence(sent, min(start, first.start), max(last.end, start + 1), role="claim")],
        key=f"{clause.strip()[:160]}", changes_conclusion=True,
        details={"claim": claim, "evidence": shown, "alpha": alpha})


def _pcts(qs: list[Quantity]) -> list:
    out = []
    for q in qs:
        if q.kind == "percent" and (q.percent or q.value) is not None:
            out.append(q.percent or q.value)
        elif q.kind in ("count_percent", "fraction") and q.percent is not None:
            out.append(q.percent)
    return out


def _cited_table_evidence(ctx: CheckContext, text: str, inside: list[Quantity], alpha: float):
    """(side, description, evidence) from the 2×2 comparison of a table the sentence cites, when the clause's two
    percentages are that comparison's rates."""
    cited = {m.group(1).upper() for m in _TABLE_CITE.finditer(text)}
    if not cited:
        return None
    pcts = _pcts(inside)
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


def _linked_finding(ctx: CheckContext, sent, clause: str, a: int, claim: str, linked, alpha: float) -> Finding:
    side, desc, ev, (lo, hi) = linked
    what = "significant" if claim == "sig" else "not significant"
    m = (_POS if claim == "sig" else _NEG).search(clause)
    start = a + (m.start() if m else 0)
    end = a + (m.end() if m else len(clause))
    return ctx.finding(
        "TA210", severity="error",
        message=f"'{clause.strip()[:200]}': the clause says the difference is {what}, but the counts of the table it "
                f"cites give P = {fmt_range(lo, hi)} (every standard test {'below' if side == 'sig' else 'at or above'} "
                f"α = {alpha:g}).",
        observed=f"claim: {what}", expected=f"P = {fmt_range(lo, hi)}",
        computation=f"The clause's two percentages are the rates of {desc}. At α = {alpha:g} (settings) the "
                    f"recomputed evidence says {'significant' if side == 'sig' else 'not significant'}.",
        evidence=[ctx.sentence_evidence(sent, start, end, role="claim")] + ev,
        key=f"{clause.strip()[:160]}|table", changes_conclusion=True,
        details={"claim": claim, "recomputed_p": [lo, hi], "alpha": alpha})
