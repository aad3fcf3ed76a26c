"""TA207 binomial-ci-mismatch."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterator

from trialaudit.extractor.study.arms import arm_mentions
from trialaudit.schemas.findings import Evidence, Finding
from trialaudit.schemas.quantities import Num
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.extractor.rounding import possible_counts
from trialaudit.validation.stats import binomial_cis, method_family, printed_matches
from trialaudit.validation.tablekit import cell_count, column_denominator, rate_measure

from trialaudit.extractor.study.ratios import ci_cell
from trialaudit.extractor.study.text_intervals import describes_non_proportion

from ._stat_helpers import SKIP_SECTIONS, cell_text, column_n, parse, sentence_quantities

_METHODS = {
    "Clopper-Pearson": re.compile(r"clopper|exact\s+binomial|binomial\s+exact|exact\s+(?:method|confidence)", re.I),
    "Wilson": re.compile(r"\bwilson|score\s+(?:method|interval)", re.I),
    "Wald": re.compile(r"\bwald\b|normal\s+approximation|asymptotic", re.I),
    "Agresti-Coull": re.compile(r"agresti", re.I),
    "Jeffreys": re.compile(r"jeffreys", re.I),
}
_SURVIVAL = re.compile(r"surviv|\bPFS\b|\bOS\b|\bEFS\b|\bDFS\b|\bRFS\b|kaplan|\bKM\b|[- ]free\b|event", re.I)
_CI_ROW = re.compile(r"^\s*(?:\d{2}(?:\.\d)?\s*%\s*)?(?:CI|C\.I\.|confidence interval)\b", re.I)

#: the sentence populations ("among the 47 evaluable patients") a rate with its CI may be out of
_POPULATION = dict(prepositions=("of", "among", "in"), qualifiers=("", "evaluable", "treated", "enrolled"),
                   nouns=("patients", "participants", "subjects"))
#: the level of an interval ("95% CI", "90% confidence interval"): its % says nothing about the estimate
_CI_LEVEL = re.compile(r"\d{2}(?:\.\d+)?\s*%\s*(?=CI\b|C\.I\.|confidence|credible)", re.I)
_RATE_WORD = re.compile(r"\b(?:ORR|DCR|CBR|response|control|benefit)\b[^.;%]{0,25}$", re.I)


@dataclass
class Rate:
    k: int
    n: int
    low: Num
    high: Num
    level: float
    scale: float            # 100 when the bounds are percentages, 1 for proportions
    where: str
    evidence: list[Evidence]
    n_source: str
    key: str
    other_ks: tuple[int, ...] = ()  # other counts the printed percentage allows out of n


def _stated_methods(ctx: CheckContext) -> tuple[set[str], str | None]:
    found: set[str] = set()
    quote = None
    for s in ctx.document.sentences:
        if s.section_kind in SKIP_SECTIONS or s.section_kind == "introduction":
            continue
        if not re.search(r"\bCIs?\b|confidence", s.text, re.I):
            continue
        for name, rx in _METHODS.items():
            if rx.search(s.text):
                if name == "Wald" and re.search(r"\bwald\b", s.text, re.I) and re.search(r"\b(?:HR|hazard|cox|odds|"
                                                                                       r"regression)\b", s.text, re.I):
                    continue  # Wald CIs of regression coefficients, not of proportions
                found.add(name)
                quote = quote or s.text
    return found, quote


def _scale(pct: float | None, low: Num, high: Num) -> float:
    if pct is not None and pct > 1 and high.value <= 1:
        return 1.0
    return 100.0


def _rates(ctx: CheckContext) -> Iterator[Rate]:
    yield from _table_rates(ctx)
    arms = [a for a in ctx.study.arms if a.n]
    for sent in ctx.document.sentences:
        if sent.section_kind in SKIP_SECTIONS or sent.section_kind in ("introduction", "discussion"):
            continue
        qs = sentence_quantities(sent)
        used: set[int] = set()
        yield from _count_ci_pairs(ctx, sent, qs, arms, used)
        yield from _population_rates(ctx, sent, qs, arms, used)


def _table_rates(ctx: CheckContext) -> Iterator[Rate]:
    """Rates with a CI in table cells, or a count above a "95% CI" row."""
    for table in ctx.document.tables:
        rows = table.rows
        for ri, row in enumerate(rows):
            if row.kind == "group":
                continue
            nxt = rows[ri + 1] if ri + 1 < len(rows) else None
            ci_row = nxt if nxt is not None and _CI_ROW.match(nxt.label or "") else None
            for j in range(1, len(table.columns)):
                rate = _table_cell_rate(ctx, table, row, ci_row, j)
                if rate is not None:
                    yield rate


def _table_cell_rate(ctx: CheckContext, table, row, ci_row, j: int) -> Rate | None:
    label = row.label or ""
    txt = cell_text(row, j)
    if not txt:
        return None
    qs = parse(txt, label)
    read = _cell_rate_and_ci(ctx, table, row, ci_row, j, txt, qs)
    if read is None:
        return None
    k, pct, low, high, level, ev = read
    if _SURVIVAL.search(label):
        return None
    if column_denominator(ctx, table, j) is not None:
        # the header gives an n: the row's own denominator decides ("No. of patients 716" above a rate row, a
        # note, missing data); an uncertain one leaves the rate unchecked
        den = column_denominator(ctx, table, j, row)
        if den is None:
            return None
        n, n_ev, n_src = den.n, den.evidence, den.source
    else:
        nn = column_n(ctx, table, j)
        if nn is None:
            return None
        n, n_ev, n_src = nn
    others: list[int] = []
    if k is None:
        ks = possible_counts(n, pct, _decimals(qs[0].value)) if pct is not None else []
        if not 1 <= len(ks) <= 3:
            return None
        k, others = ks[0], ks[1:]  # flagged only when no count the percentage allows reproduces the CI
    if k > n or low.value > high.value:
        return None
    if n_ev is not None:
        ev.append(n_ev)
    return Rate(k, n, low, high, level, _scale(pct, low, high),
                f"{table.label}, row '{label}', column '{table.columns[j]}'", ev, n_src,
                key=f"{table.label}|{label}|{table.columns[j]}|{txt}", other_ks=tuple(others))


def _cell_rate_and_ci(ctx: CheckContext, table, row, ci_row, j: int, txt: str, qs: list) -> tuple | None:
    """(count or None, percent, low, high, CI level, evidence) of a cell: a count with the CI in the row below,
    or a rate printed with its CI."""
    label = row.label or ""
    if ci_row is not None:
        ci = ci_cell(cell_text(ci_row, j))
        c = cell_count(txt)
        if ci is None or c is None:
            return None
        q = qs[0] if len(qs) == 1 else None
        pct = q.percent.value if q is not None and q.percent is not None else None
        low, high = ci
        m = re.match(r"\s*(\d{2}(?:\.\d)?)\s*%", ci_row.label)
        level = float(m.group(1)) if m else 95.0
        ev = [ctx.cell_evidence(table, row, j, role="rate"), ctx.cell_evidence(table, ci_row, j, role="CI")]
        return c, pct, low, high, level, ev
    if len(qs) == 1 and qs[0].low is not None and qs[0].high is not None and qs[0].value is not None \
            and qs[0].interval in ("ci", "unspecified") and re.search(r"\bCI\b|confidence", label, re.I):
        if _SURVIVAL.search(label) or not (rate_measure(label) or re.search(r"\brate\b|n\s*\(%\)", label, re.I)):
            return None
        q = qs[0]
        return None, q.value.value, q.low, q.high, q.ci_level or 95.0, [ctx.cell_evidence(table, row, j,
                                                                                            role="rate with CI")]
    return None


def _count_ci_pairs(ctx: CheckContext, sent, qs: list, arms: list, used: set[int]) -> Iterator[Rate]:
    """A count or n/N directly followed by a CI in a sentence; the CIs read are added to ``used``."""
    for i, q in enumerate(qs[:-1]):
        nq = qs[i + 1]
        if nq.low is None or nq.high is None or nq.interval != "ci" or nq.kind not in ("estimate_ci",):
            continue
        gap = sent.text[q.end:nq.start]
        if len(gap) > 12 or re.search(r"\d", gap):
            continue
        ctx_text = sent.text[max(0, q.start - 80):q.start]
        if _SURVIVAL.search(ctx_text) and not re.search(r"respon|control|benefit|ORR|DCR|CBR", ctx_text, re.I):
            continue
        kn = _count_and_n(sent, q, nq, arms)
        if kn is None:
            continue
        k, n, src = kn
        if n <= 0 or k > n:
            continue
        pct_v = nq.value.value if nq.value is not None else (q.percent.value if q.percent is not None else None)
        used.add(nq.start)
        yield Rate(k, n, nq.low, nq.high, nq.ci_level or 95.0, _scale(pct_v, nq.low, nq.high),
                   f"'{sent.text[q.start:nq.end]}'", [ctx.sentence_evidence(sent, q.start, nq.end, role="rate")],
                   src, key=f"text|{sent.text[q.start:nq.end]}")


def _count_and_n(sent, q, nq, arms: list) -> tuple[int, int, str] | None:
    """(k, n, where n comes from): a printed n/N, or a count whose percentage fits exactly one arm size."""
    if q.kind == "fraction" and q.count is not None and q.denominator is not None:
        return int(q.count.value), int(q.denominator.value), "the printed n/N"
    if q.kind == "count" and q.count is not None and nq.value is not None:
        pct = nq.value
        ns = {a.n for a, _, _ in arm_mentions(sent.text, [a for a in arms if not a.is_total])} or \
            ({a.n for a in arms} if len(arms) == 1 else set())
        fits = {n for n in ns if int(q.count.value) in possible_counts(n, pct.value, pct.decimals)}
        if len(fits) != 1:
            return None
        return int(q.count.value), fits.pop(), "the arm size"
    return None


def _population_rates(ctx: CheckContext, sent, qs: list, arms: list, used: set[int]) -> Iterator[Rate]:
    """A response rate with its CI and the population stated in the same sentence (or the whole study when it has
    no arms): "Among the 47 patients, ... for an ORR of 36.2% (95% CI 22.7–51.5)"."""
    pops = ctx.stated_populations(sent, **_POPULATION)
    n = pops[0].n if pops else (ctx.study.total_n if not arms else None)
    if not n:
        return
    for q in qs:
        if q.kind != "estimate_ci" or q.interval != "ci" or q.value is None or q.low is None or q.high is None or \
                q.start in used:
            continue
        if "%" not in _CI_LEVEL.sub(" ", sent.text[q.start:q.end]) or not (0 <= q.value.value <= 100):
            continue  # a percentage printed as the estimate or its bounds, not only as the CI's level
        lead = sent.text[max(0, q.start - 40):q.start]
        if not _RATE_WORD.search(lead) or _SURVIVAL.search(lead):
            continue
        if describes_non_proportion(sent.text, q.start, q.end):
            continue  # a mean, a score, a difference or a change in points: not a proportion of patients
        ks = possible_counts(n, q.value.value, q.value.decimals)
        if len(ks) != 1:
            continue
        yield Rate(ks[0], n, q.low, q.high, q.ci_level or 95.0, _scale(q.value.value, q.low, q.high),
                   f"'{sent.text[q.start:q.end]}'", [ctx.sentence_evidence(sent, q.start, q.end, role="rate")],
                   "the population stated in the sentence" if pops else "the study population",
                   key=f"text|{sent.text[q.start:q.end]}")


def _decimals(num: Num | None) -> int:
    return num.decimals if num is not None else 0


def _reproducing(cis: dict, r: Rate) -> list[str]:
    """The binomial methods whose interval prints as the rate's bounds on its scale."""
    return [name for name, (lo, hi) in cis.items()
            if printed_matches(lo * r.scale, r.low.value, r.low.decimals)
            and printed_matches(hi * r.scale, r.high.value, r.high.decimals)]


@rule(code="TA207", name="binomial-ci-mismatch", severity="warning", family="statistics")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """A confidence interval printed for a proportion is reproduced by no standard binomial method, or not by the stated one.

    What it checks:
        Rates with a count and a known denominator and a printed CI: table
        rows such as ``Objective response rate, n (%) | 17 (32.1)`` followed
        by a ``95% CI | (19.9, 46.3)`` row, cells such as ``81.8% (68.7%,
        95.0%)`` in a rate row (the count recovered from the percentage and
        the column's n), and sentences such as "17/53 (95% CI 19.9–46.3)".
        The CI is recomputed by Clopper–Pearson (exact), Wilson (with and
        without continuity correction), Wald, Agresti–Coull and Jeffreys at
        the printed precision; the finding names the methods that reproduce
        it. It flags when none does, and when the statistical methods name a
        method (e.g. "estimated using the Clopper-Pearson method") that does
        not reproduce it while another does.

    Why it matters:
        A CI that no method gives from the printed count and n points to a
        wrong count, a wrong denominator or a copied interval; a method other
        than the one stated breaks reproducibility and, for Wald intervals
        near 0 or 100%, overstates precision.

    Example:
        ORR 17/53 printed with 95% CI (19.9, 46.3): Clopper–Pearson gives
        19.92–46.32, consistent with a statement that Clopper–Pearson was
        used. ``27/33 = 81.8% (68.7%, 95.0%)`` is the Wald interval; if the
        methods say Clopper–Pearson (64.5–93.0) it is flagged.

    Known limitations:
        Kaplan–Meier landmark rates and other non-binomial percentages are
        skipped by their labels; a rate computed on another denominator
        (evaluable patients) is flagged with the denominator used, so the
        reviewer can judge.
    """
    stated, stated_quote = _stated_methods(ctx)
    for r in _rates(ctx):
        ctx.coverage.count("ratios")
        cis = binomial_cis(r.k, r.n, r.level)
        if not cis:
            continue
        ok = _reproducing(cis, r)
        for k in r.other_ks:
            if not ok and _reproducing(binomial_cis(k, r.n, r.level), r):
                r = replace(r, k=k)
                cis = binomial_cis(k, r.n, r.level)
                ok = _reproducing(cis, r)
        if not ok and r.scale == 100 and r.high.value <= 1:
            # "2 of 18 (0.11, 95% CI 0.03–0.33)": bounds up to 1 may be proportions even without a point estimate
            as_proportion = replace(r, scale=1.0)
            if _reproducing(cis, as_proportion):
                r, ok = as_proportion, _reproducing(cis, as_proportion)
        fams = sorted({method_family(x) for x in ok})
        unit = "%" if r.scale == 100 else ""
        printed = f"{r.k}/{r.n}, {r.level:g}% CI {r.low.text}–{r.high.text}{unit}"

        def show(name):
            lo, hi = cis[name]
            d = max(r.low.decimals, r.high.decimals)
            return f"{name} {lo * r.scale:.{d + 1}f}–{hi * r.scale:.{d + 1}f}"

        comp = (f"{r.k}/{r.n} = {100 * r.k / r.n:.2f}% (n from {r.n_source}). " + "; ".join(show(x) for x in cis)
                + ". " + (f"Reproduced by {', '.join(ok)}." if ok else "No method reproduces the printed bounds "
                                                                  "at their printed precision."))
        if not ok:
            yield ctx.finding(
                "TA207", severity="warning",
                message=f"{r.where}: no standard binomial method gives the printed CI {r.low.text}–{r.high.text} for "
                        f"{r.k}/{r.n} (Clopper–Pearson: {show('Clopper-Pearson').split(' ', 1)[1]})."
                        + (" A percentage cannot have a bound above 100% or below 0%." if r.scale == 100 and
                           (r.high.value > 100 or r.low.value < 0) else ""),
                observed=printed, expected=show(sorted(stated)[0] if stated and sorted(stated)[0] in cis
                                                else "Clopper-Pearson"),
                computation=comp, evidence=r.evidence, key=r.key,
                details={"k": r.k, "n": r.n, "cis": {k: list(v) for k, v in cis.items()}})
            continue
        if stated and not (set(fams) & stated):
            s = sorted(stated)[0]
            yield ctx.finding(
                "TA207", severity="warning",
                message=f"{r.where}: the CI {r.low.text}–{r.high.text} for {r.k}/{r.n} is the {' / '.join(fams)} "
                        f"interval, but the methods state {' / '.join(sorted(stated))}"
                        + (f" ({show(s).split(' ', 1)[1]})." if s in cis else "."),
                observed=f"{printed} ({' / '.join(fams)})", expected=show(s) if s in cis else " / ".join(stated),
                computation=comp + (f" Stated: “{stated_quote[:200]}”" if stated_quote else ""),
                evidence=r.evidence, key=r.key + "|stated",
                details={"k": r.k, "n": r.n, "reproduced_by": ok, "stated": sorted(stated)})
