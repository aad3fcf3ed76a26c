"""TA201 p-vs-test-statistic."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from trialaudit.schemas.findings import Evidence, Finding
from trialaudit.schemas.quantities import Num
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.validation.stats import (PrintedP, contingency_df, p_interval, p_matches, p_range_from_stat, p_side, range_side,
                              t_p_range, t_range_from_summary)

from ._stat_helpers import clip, fmt_range, table_tests

_SYMBOL = {"chi2": "χ²", "t": "t", "F": "F", "z": "z"}
_ANY_DF = tuple(range(1, 13))


@dataclass
class DfCandidate:
    df: float | None = None
    df_hi: float | None = None     # t: a df range [df, df_hi]
    df2: float | None = None
    note: str = ""


def _p_range(kind: str, v: Num, c: DfCandidate) -> tuple[float, float] | None:
    if kind == "t":
        if c.df is None:
            return None
        return t_p_range(v.value, v.decimals, c.df, c.df_hi or c.df)
    if kind == "z":
        return p_range_from_stat("z", v.value, v.decimals)
    return p_range_from_stat(kind, v.value, v.decimals, c.df, c.df2)


def _df_text(kind: str, cands: list[DfCandidate]) -> str:
    if kind == "z":
        return "the normal distribution"
    if kind == "F":
        c = cands[0]
        return f"df = ({c.df:g}, {c.df2:g})"
    parts = []
    for c in cands:
        if c.df_hi is not None and c.df_hi >= 1e5:
            parts.append(f"any df ≥ {c.df:g}" + (f" ({c.note})" if c.note else ""))
        elif c.df_hi is not None and c.df_hi != c.df:
            parts.append(f"df {c.df:.1f}–{c.df_hi:.1f}" + (f" ({c.note})" if c.note else ""))
        else:
            parts.append(f"df = {c.df:g}" + (f" ({c.note})" if c.note else ""))
    if len(parts) > 4:
        return f"any df from {cands[0].df:g} to {cands[-1].df:g}"
    return " or ".join(parts)


def _judge(ctx: CheckContext, kind: str, v: Num, p: PrintedP, cands: list[DfCandidate], df_stated: bool,
           evidence: list[Evidence], where: str, key: str) -> Finding | None:
    ctx.coverage.count("tests")
    sym = _SYMBOL[kind]
    if kind in ("chi2", "F") and v.value < 0:
        return ctx.finding(
            "TA201", severity="warning",
            message=f"{where}: {sym} = {v.text} is negative, which a {sym} statistic can never be.",
            observed=f"{sym} = {v.text}", expected=f"{sym} ≥ 0",
            computation=f"{sym} statistics are sums of squares and cannot be negative.",
            evidence=evidence, key=key)
    ranges = []
    for c in cands:
        r = _p_range(kind, v, c)
        if r is not None:
            ranges.append((c, r))
    if not ranges:
        return None
    if any(p_matches(p, lo, hi) for _, (lo, hi) in ranges):
        return None
    lo = min(r[0] for _, r in ranges)
    hi = max(r[1] for _, r in ranges)
    one_sided = kind in ("t", "z") and any(p_matches(p, a / 2, b / 2) for _, (a, b) in ranges)
    alpha = ctx.settings.alpha
    rep_side = p_side(p, alpha)
    rec_side = range_side(lo, hi, alpha)
    decision = rep_side is not None and rec_side is not None and rep_side != rec_side
    h = 0.5 * 10 ** (-v.decimals)
    tail = "upper tail" if kind in ("chi2", "F") else "two-sided"
    if len(ranges) <= 4:
        per = "; ".join(f"with {_df_text(kind, [c])}: p = {fmt_range(*r)}" for c, r in ranges)
    else:
        per = f"with {_df_text(kind, [c for c, _ in ranges])}: p = {fmt_range(lo, hi)}"
    comp = (f"{sym} = {v.text} stands for {max(abs(v.value) - h, 0):g}–{abs(v.value) + h:g}; {tail} p {per}. "
            f"The printed {p.label} (which stands for {_p_text(p)}) matches "
            + ("none of them" if len(ranges) > 1 else "no value in that range")
            + (" (a one-sided p would match)" if one_sided else "") + ".")
    if not df_stated and kind in ("chi2", "t"):
        comp += " Degrees of freedom were not printed; they were derived as stated."
    severity = "warning"
    exact = ctx.study.named_tests.exact_tests
    if exact:
        # an exact / permutation / Monte Carlo P is not the asymptotic tail of the statistic printed beside it
        severity = "info"
        comp += (f" The methods name an exact or resampling test ({', '.join(exact)}: "
                 f"'{clip(ctx.study.named_tests.exact_tests_quote)}'), whose P need not equal the asymptotic tail.")
    what = "a decision error: the recomputed p is on the other side of α = %g" % alpha if decision else \
        "an inconsistency"
    shown = fmt_range(lo, hi) if len(ranges) == 1 else " or ".join(fmt_range(*r) for _, r in ranges[:4])
    msg = (f"{where}: {sym} = {v.text} gives p = {shown}"
           + (f" ({_df_text(kind, [c for c, _ in ranges])})" if kind != "z" else "")
           + f", but the article prints {p.label} — {what}."
           + (" A one-sided test would explain it." if one_sided else "")
           + (" The methods name an exact or resampling test, which may explain it." if exact else ""))
    return ctx.finding(
        "TA201", severity=severity, message=msg, observed=f"{sym} = {v.text}, {p.label}",
        expected=f"P = {shown}", computation=comp, evidence=evidence, key=key,
        changes_conclusion=decision,
        details={"statistic": kind, "value": v.value, "p_printed": p.value, "p_operator": p.op,
                 "p_recomputed": [lo, hi], "df": [c.df for c, _ in ranges], "one_sided_match": one_sided})


@rule(code="TA201", name="p-vs-test-statistic", severity="warning", family="statistics")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """A printed p-value does not follow from its own test statistic and degrees of freedom.

    What it checks:
        Every χ², t, F and z statistic printed together with a p-value — in
        running text ("χ2 = 8.23, P = 0.32, df = 8", "t(38) = 2.10, p =
        .042"), inside table cells, as statistic and P columns of a
        comparison table (``t/χ² | P value``), and as a row of statistics
        with a row of P values right below it (groups as rows, ``t-test |
        57.671`` over ``P-value | >0.05``; df not printed, so any df is
        tried and only a P no df gives is flagged). The p-value is recomputed
        (upper tail for χ² and F, two-sided for t and z) over the rounding
        interval of the printed statistic, like statcheck, and compared with
        the printed p and its operator (=, <, >). Degrees of freedom come
        from the text, else from the shape of the count table the test sits
        on ((rows − 1) × (columns − 1)), else from the arm sizes for t
        (Student n1 + n2 − 2 up to Welch); when none is known, any df from 1
        to 12 is tried for χ².

    Why it matters:
        The statistic and its p are computed together by software; when they
        disagree, one was mistyped or edited. When the recomputed p falls on
        the other side of α the reported conclusion flips (a decision error).

    Example:
        "Calibration ... (χ2 = 8.23, P = 0.32, df = 8)": P(χ²₈ ≥ 8.23) = 0.41,
        not 0.32 (warning). ``χ² 4.333 | P 0.038`` with df = 1 is consistent;
        ``χ² 1.49 | P 0.038`` would be a decision error (error).

    Known limitations:
        One-sided tests are recognised only as an explanation in the message.
        When the methods name an exact or resampling test other than
        Fisher's (an exact linear-by-linear or trend test, a permutation
        test, Monte Carlo P values), the printed P need not be the
        asymptotic tail of the statistic: findings are then info.
        F needs both degrees of freedom printed. Exact, permutation or
        corrected tests whose p does not come from the printed statistic's
        distribution are flagged when the methods do not name them; the
        message shows the computation so a reviewer can judge.

        Severity: warning at most, never error: which number is the test statistic and its degrees of freedom is inferred from the wording. On 120 real trial reports
        this rule's errors were mostly false alarms (tests/realworld/judgements.yaml), so its
        findings ask a reviewer to look rather than assert a contradiction.
    """
    yield from _table_column_tests(ctx)
    yield from _table_cell_tests(ctx)
    yield from _text_tests(ctx)


def _table_column_tests(ctx: CheckContext) -> Iterator[Finding]:
    """Tables with statistic and P columns."""
    for tt in table_tests(ctx):
        if tt.stat is None or tt.p is None:
            continue
        kind = tt.stat_kind
        if kind not in ("chi2", "t", "z", "F"):
            continue
        cands = _table_df_candidates(tt, kind)
        if cands is None:
            continue
        v = tt.stat.num
        f = _judge(ctx, kind, v, tt.p.p, cands, False, [tt.stat.evidence, tt.p.evidence], tt.where,
                   key=f"{tt.where}|{v.text}|{tt.p.p.text}")
        if f:
            yield f


def _table_df_candidates(tt, kind: str) -> list[DfCandidate] | None:
    """The degrees of freedom a table test may have: from its contingency tables (χ²), from the two arm sizes
    (t, Welch to Student); None when they cannot be told (or for F)."""
    if kind == "chi2":
        dfs = sorted({d for d in (contingency_df(i.counts) for i in tt.interps) if d})
        cands = [DfCandidate(float(d), note=f"{_shape_note(tt, d)}") for d in dfs]
        if not cands:
            cands = [DfCandidate(float(d)) for d in _ANY_DF]
        return cands
    if kind == "t":
        ns = [a.n for a in tt.arms]
        if len(ns) != 2 or any(n is None or n < 2 for n in ns):
            return None
        lo_df = hi_df = float(ns[0] + ns[1] - 2)
        if tt.means:
            (m1, s1), (m2, s2) = tt.means
            _, _, wlo, whi = t_range_from_summary("Welch", m1.value, m1.decimals, s1.value, s1.decimals, ns[0],
                                                  m2.value, m2.decimals, s2.value, s2.decimals, ns[1])
            lo_df = min(lo_df, wlo)
        else:
            lo_df = float(min(ns) - 1)
        return [DfCandidate(lo_df, hi_df, note="Welch to Student")]
    if kind == "z":
        return [DfCandidate()]
    return None


def _table_cell_tests(ctx: CheckContext) -> Iterator[Finding]:
    """Table cells that print a whole test ("χ² =8.23, P =0.32 (degrees of freedom =8)", ``Study.cell_statistics``)."""
    for cs in ctx.study.cell_statistics:
        f = _printed_test(ctx, cs.statistic, cs.value, cs.p, cs.p_operator, cs.df, cs.df2, cs.df_words,
                          [cs.evidence] + ([cs.p_evidence] if cs.p_evidence else []), cs.where)
        if f:
            yield f


def _text_tests(ctx: CheckContext) -> Iterator[Finding]:
    """Tests in the running text, with the P printed in them or right after them (``Study.text_statistics``)."""
    for ts in ctx.study.text_statistics:
        f = _printed_test(ctx, ts.statistic, ts.value, ts.p, ts.p_operator, ts.df, ts.df2, ts.df_words,
                          [ts.evidence], f"'{ts.text}'")
        if f:
            yield f


def _p_text(p: PrintedP) -> str:
    a, b = p_interval(p)
    if p.op in ("<", "<="):
        return f"p < {b:g}"
    if p.op in (">", ">="):
        return f"p > {a:g}"
    return f"{a:g}–{b:g}"


def _shape_note(tt, d: int) -> str:
    for i in tt.interps:
        if contingency_df(i.counts) == d:
            return f"{len(i.counts)}×{len(i.counts[0])} table"
    return ""


def _printed_test(ctx: CheckContext, kind: str, value: Num, p_num: Num, p_op: str | None, df: float | None,
                  df2: float | None, df_words: float | None, evidence: list[Evidence], where: str) -> Finding | None:
    p = PrintedP(p_num.value, p_num.decimals, p_op or "=", p_num.text)
    own_df = df
    df = df if df is not None else df_words
    stated = df is not None
    if kind == "chi2":
        cands = [DfCandidate(df)] if df else [DfCandidate(float(d)) for d in _ANY_DF]
    elif kind == "t":
        cands = [DfCandidate(df)] if df else [DfCandidate(1.0, 1e6, note="df not printed")]
    elif kind == "F":
        if own_df is None or df2 is None:
            return None
        cands = [DfCandidate(own_df, df2=df2)]
    else:
        cands = [DfCandidate()]
    f = _judge(ctx, kind, value, p, cands, stated, evidence, where, key=f"{where}|{value.text}|{p.text}")
    if f is not None and kind == "chi2" and p.op in ("=", ">", ">=") and \
            p.value > f.details["p_recomputed"][1] and _fisher_named(ctx):
        return None  # the article names Fisher's exact test: a printed P above the χ²'s may be Fisher's, beside the χ²
    return f


def _fisher_named(ctx: CheckContext) -> bool:
    """The article names Fisher's exact test (methods text, or a table's caption, headers or notes)."""
    return "fisher" in ctx.study.named_tests.categorical or "fisher" in ctx.study.named_tests.in_tables
