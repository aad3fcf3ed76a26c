"""TA202 contingency-test-mismatch."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from trialaudit.schemas.findings import Evidence, Finding
from trialaudit.schemas.quantities import Num
from trialaudit.schemas.study import CountTable
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.extractor.rounding import double_rounded
from trialaudit.validation.stats import (ContingencyResult, one_sided_tests, PrintedP, contingency_df, contingency_tests, p_matches,
                                         p_range_from_stat, p_side, printed_matches,
                                         range_side, zero_padded)

from ._stat_helpers import fmt_p, table_tests

_FAMILY = {"pearson": "chi2", "yates": "chi2", "lr": "chi2", "trend": "chi2", "wald": "z", "fisher": "fisher"}
_NAME = {"chi2": "a χ² test", "fisher": "Fisher's exact test", "z": "a z-test"}
#: a printed P within this share of a standard test's P is not called irreproducible
_NEAR = 0.03


@dataclass
class Comparison:
    where: str
    interps: list[CountTable]
    stat: Num | None
    p: PrintedP | None
    evidence: list[Evidence]
    named: set[str]
    named_where: str | None
    key: str
    named_level: str = "table"          # where the test is named: "table" or "article"
    table: str | None = None            # the table the comparison sits in (None for a sentence)


def _describe(res: ContingencyResult) -> str:
    parts = []
    for t in res.tests:
        if t.stat is not None:
            parts.append(f"{t.name}: χ² = {t.stat:.3f}, P = {fmt_p(t.p)}")
        else:
            parts.append(f"{t.name}: P = {fmt_p(t.p)}")
    return "; ".join(parts)


def _observed_by(r: ContingencyResult, keys: set[str]) -> list[str]:
    """The reproducing tests named in a finding's ``observed`` (part of its fingerprint): the Wald z-test only when
    no χ² or Fisher test reproduces the printed value too, so that adding it kept earlier fingerprints."""
    std = sorted({t.name for t in r.tests if t.key in keys and t.key != "wald"})
    return std or sorted({t.name for t in r.tests if t.key in keys})


def _stat_ok(t, stat: Num | None) -> bool:
    """The printed statistic is the test's, rounded once or twice (1.1846 printed by software as 1.185, then 1.19)."""
    return stat is not None and t.stat is not None and (
        bool(printed_matches(t.stat, stat.value, stat.decimals)) or double_rounded(t.stat, stat.value, stat.decimals))


def _exact_rxc_untried(c: Comparison, results: list) -> bool:
    """A table larger than 2×k whose exact (Fisher–Freeman–Halton) P was not computed, while the article or the
    table names Fisher's test or the table is sparse (an expected count below 5, where authors turn to the exact
    test): the printed P may be that test's, so no test tried proves it wrong."""
    i, r = results[0]
    if any(t.key == "fisher" for t in r.tests):
        return False
    counts = [[int(x) for x in row] for row in i.counts]
    rows = [sum(row) for row in counts]
    cols = [sum(col) for col in zip(*counts)]
    n = sum(rows)
    if n <= 0 or min(len(rows), len(cols)) < 2:
        return False
    sparse = any(rs * cs / n < 5 for rs in rows for cs in cols if rs and cs)
    return "fisher" in c.named or sparse


def _p_off_its_chi2(c: Comparison) -> bool:
    """The printed P is not the tail of the printed χ² at any df the table's readings give (any df from 1 to 12
    when none): TA201, which reads the same table test with the same candidates, reports that pair."""
    dfs = sorted({d for d in (contingency_df(i.counts) for i in c.interps) if d}) or list(range(1, 13))
    for d in dfs:
        r = p_range_from_stat("chi2", c.stat.value, c.stat.decimals, float(d))
        if r is None or p_matches(c.p, *r):
            return False
    return True


def _judge(ctx: CheckContext, c: Comparison) -> Finding | None:
    ctx.coverage.count("tests")
    results = [(i, contingency_tests(i.counts)) for i in c.interps]
    results = [(i, r) for i, r in results if r.tests]
    if not results:
        return None
    ok = []
    for i, r in results:
        p_keys = {t.key for t in r.tests if c.p is not None and p_matches(c.p, t.p)}
        s_keys = {t.key for t in r.tests if _stat_ok(t, c.stat)}
        if c.p is not None and c.stat is not None:
            # a χ² and its P come from the same test; a Pearson χ² printed beside Fisher's P is also accepted
            both = p_keys & s_keys
            if not both and s_keys and "fisher" in p_keys:
                both = s_keys | {"fisher"}
            if both:
                ok.append((i, r, both))
        elif (c.p is None or p_keys) and (c.stat is None or s_keys):
            ok.append((i, r, p_keys if c.p is not None else s_keys))
    alpha = ctx.settings.alpha
    printed = ", ".join(x for x in [f"χ² = {c.stat.text}" if c.stat is not None else "",
                                    c.p.label if c.p is not None else ""] if x)
    if ok:
        if not c.named:
            return None
        reproducing = set().union(*(keys for _, _, keys in ok))
        fams = {_FAMILY[k] for k in reproducing}
        if fams & c.named:
            return None
        coarse = zero_padded(c.p) if c.p is not None and c.stat is None else None
        if coarse is not None and any(p_matches(coarse, t.p) for _, r in results for t in r.tests
                                      if _FAMILY[t.key] in c.named):
            return None  # "0.5480": 0.548 padded with a zero, which the named test gives
        i, r, keys = ok[0]
        by = sorted({t.name for t in r.tests if t.key in keys})
        named_txt = " or ".join(_NAME[n] for n in sorted(c.named))
        named_tests = [t for t in r.tests if _FAMILY[t.key] in c.named]
        decision = False
        if c.p is not None and named_tests:
            rep = p_side(c.p, alpha)
            sides = {range_side(t.p, t.p, alpha) for t in named_tests}
            decision = rep is not None and len(sides) == 1 and None not in sides and rep not in sides
        comp = (f"Counts {i.counts} ({i.description}). {_describe(r)}. The printed {printed} is reproduced by "
                f"{' and '.join(by)}, not by {named_txt} named in {c.named_where}.")
        severity = "warning" if decision or c.named_level == "table" else "info"
        return ctx.finding(
            "TA202", severity=severity,
            message=f"{c.where}: {printed} comes from {' / '.join(by)}, but {c.named_where} says {named_txt} was used"
                    + (" — and that test gives the other conclusion at α = %g." % alpha if decision else "."),
            observed=f"{printed} ({' / '.join(_observed_by(r, keys))})", expected=f"{named_txt}: " + "; ".join(
                f"{t.name} P = {fmt_p(t.p)}" for t in named_tests[:3]),
            computation=comp, evidence=c.evidence, key=c.key + "|named", changes_conclusion=decision,
            details={"counts": i.counts, "reproduced_by": sorted(keys), "named": sorted(c.named)})
    # nothing reproduces the printed test
    if c.stat is None and _exact_rxc_untried(c, results):
        return None
    if c.p is not None and c.stat is None and c.p.op == "=":
        one = _one_sided(ctx, c, results)   # an exact value only: halving makes most "P < α" claims fit
        if one is not False:
            return one
    all_p = [t.p for _, r in results for t in r.tests]
    decision = False
    if c.p is not None:
        rep = p_side(c.p, alpha)
        rec = range_side(min(all_p), max(all_p), alpha)
        decision = rep is not None and rec is not None and rep != rec
        if not decision and c.stat is None and c.p.op == "=" and \
                any(abs(p - c.p.value) <= _NEAR * c.p.value for p in all_p):
            return None  # a near miss: another implementation of the test (mid-p, exact variants) or a rounding slip
        coarse = zero_padded(c.p) if not decision else None
        if coarse is not None and any(p_matches(coarse, p) for p in all_p):
            return None  # "0.90" may be 0.9 padded with a zero: the coarser reading reproduces it
    i0, r0 = results[0]
    partial = ""
    if c.p is not None and c.stat is not None:
        p_by = sorted({t.name for _, r in results for t in r.tests if p_matches(c.p, t.p)})
        s_by = sorted({t.name for _, r in results for t in r.tests if _stat_ok(t, c.stat)})
        if p_by:
            partial = f" The P matches {', '.join(p_by)}, so the printed χ² is the odd one out."
        elif s_by:
            if c.table is not None and _p_off_its_chi2(c):
                return None  # the counts give the χ²; its P is wrong: TA201 reports that (one problem, one finding)
            partial = f" The χ² matches {', '.join(s_by)}, so the printed P is the odd one out."
    alts = ""
    if len(results) > 1:
        alts = " Other readings of the table tried: " + "; ".join(
            f"{i.description}: " + ", ".join(f"{t.key} P = {fmt_p(t.p)}" for t in r.tests) for i, r in results[1:4]) + "."
    comp = (f"Counts {i0.counts} ({i0.description}). {_describe(r0)}.{alts} None reproduces the printed {printed} "
            f"at its printed precision.{partial}")
    best = r0.get("pearson") or r0.tests[0]
    expected = "; ".join(
        (f"{t.name} χ² = {t.stat:.3f}, P = {fmt_p(t.p)}" if t.stat is not None else f"{t.name} P = {fmt_p(t.p)}")
        for t in r0.tests if t.key in ("pearson", "yates", "wald", "fisher"))
    what = (f"the recomputed P is on the other side of α = {alpha:g} for every standard test" if decision
            else "no standard test reproduces it")
    return ctx.finding(
        "TA202", severity="warning",
        message=f"{c.where}: the counts give {best.name.split(' (')[0]} P = {fmt_p(best.p)}"
                + (f" (χ² = {best.stat:.3f})" if best.stat is not None else "")
                + f", not the printed {printed} — {what}.{partial}",
        observed=printed, expected=expected, computation=comp, evidence=c.evidence, key=c.key,
        changes_conclusion=decision,
        details={"counts": i0.counts, "interpretations": [i.description for i, _ in results],
                 "tests": {t.key: [t.stat, t.p] for t in r0.tests}})


def _one_sided(ctx: CheckContext, c: Comparison, results) -> Finding | None | bool:
    """A printed P that a one-sided test of a 2×2 reading reproduces: silent when the article says its tests are
    one-sided (``Study.named_tests.one_sided``), else information (a one-sided P not declared); False when none."""
    for i, _ in results:
        for t in one_sided_tests(i.counts):
            if not p_matches(c.p, t.p):
                continue
            named = ctx.study.named_tests
            if named.one_sided:
                return None
            return ctx.finding(
                "TA202", severity="info",
                message=f"{c.where}: the printed {c.p.label} is a one-sided P ({t.name}, P = {fmt_p(t.p)}); the "
                        f"article does not say its tests are one-sided.",
                observed=c.p.label, expected="two-sided P, or one-sided declared",
                computation=f"Counts {i.counts} ({i.description}). No two-sided standard test reproduces the printed "
                            f"{c.p.label}; the {t.name} gives P = {fmt_p(t.p)}.",
                evidence=c.evidence, key=c.key + "|one-sided", details={"counts": i.counts, "test": t.key})
    return False


@rule(code="TA202", name="contingency-test-mismatch", severity="warning", family="statistics")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """A χ² or Fisher test printed next to counts cannot be reproduced from those counts, or is not the test named.

    What it checks:
        Comparisons of two (or more) arms on counts with a printed χ² and/or
        P: response tables (CR/PR/SD/PD per arm with χ² and P columns),
        adverse-event tables with a total-incidence column and ``χ² (Fisher)``,
        baseline tables (a variable heading with category rows and a P),
        ``n (%)`` rows per arm with a P in the same row, rate columns given
        as percentages of a known n, and sentences with two ``k/N`` and a P.
        The counts are tested with Pearson χ² (with and without Yates'
        continuity correction), the likelihood-ratio χ², the unpooled (Wald)
        z-test of two proportions (2×2), linear-by-linear association and
        Fisher's exact test (2×2 and 2×k, Freeman–Halton).
        It flags when no test, on any reasonable reading of the table,
        reproduces the printed statistic and P at their printed precision,
        and when the test that does reproduce them is not the one the table
        notes or the statistical methods name (e.g. "compared using the
        chi-squared test" but only Fisher's exact P matches): a warning when
        the table's own caption or notes name it, info when only the general
        statistical methods do, an error when the named test would give the
        other conclusion. A table row whose printed χ² the counts do give,
        but whose P is not that χ²'s tail, is left to TA201 (the statistic
        and its P disagree; the counts add nothing): one problem, one finding.

    Why it matters:
        A test that cannot be rebuilt from its own counts means the counts,
        the statistic or the P is wrong — or the analysis was not what was
        described. When every test gives a P on the other side of α, the
        article's significance claim does not follow from its data.

    Example:
        ``Total incidence | 3 (5.45) | 5 (12.50) | χ² (Fisher) 4.333 | P
        0.038``: 3/55 vs 5/40 gives Pearson χ² = 1.49 (P = 0.22) and Fisher
        P = 0.27 (error: not significant). ``ORR 17/53 vs 7/28, P = 0.6126``
        is Fisher's exact P while the notes say chi-squared (warning).

    Known limitations:
        Only counts the table or sentence prints (or a percentage that maps
        to a single count of a known n) are used; tests on other
        denominators, stratified tests (Cochran–Mantel–Haenszel) and exact
        tests larger than the enumeration limit are not recomputed. Fisher's
        exact test is implemented for two arms only; a larger table (three
        arms) with only a P is not judged when Fisher's test is named or an
        expected count is below 5, since its Fisher–Freeman–Halton P may be
        the one printed. Bare numbers in rows or
        columns labelled as percentages ("Male, %", a "Medications, %"
        heading) are not read as counts. A P with a trailing zero ("0.90")
        that a test reproduces at one decimal fewer (0.9) is accepted,
        because tables pad one-decimal P values; a real 0.90 that should be
        0.94 is missed.

        Severity: warning at most, never error: the 2×2 counts, their denominators and the test used are inferred (subgroups, other units and unnamed tests are common). On 120 real trial reports
        this rule's errors were mostly false alarms (tests/realworld/judgements.yaml), so its
        findings ask a reviewer to look rather than assert a contradiction.
    """
    named_in_text = ctx.study.named_tests
    art_named = set(named_in_text.categorical)
    found: list[Finding] = []
    seen_tables: dict[tuple, tuple[Finding, tuple, list[int]]] = {}
    for tt in table_tests(ctx):
        if not tt.interps or (tt.p is None and tt.stat is None) or tt.fact.model_based:
            continue  # a table of model estimates (adjusted, regression, GEE ...) prints the model's P
        stat = tt.stat.num if tt.stat is not None and tt.stat_kind == "chi2" else None
        if stat is None and tt.p is None:
            continue
        named, where_named = set(tt.fact.named_tests), tt.fact.named_where
        named &= {"chi2", "fisher"}
        level = "table"
        if not named and art_named:
            named, where_named, level = set(art_named), "the statistical methods", "article"
        elif named and art_named - named:
            # the table's note says χ², the methods also name Fisher's test for categorical data (for small expected
            # counts): either is a disclosed test of these counts
            named |= art_named
            where_named = f"{where_named} and the statistical methods"
        ev: list[Evidence] = []
        if tt.stat is not None and stat is not None:
            ev.append(tt.stat.evidence)
        if tt.p is not None:
            ev.append(tt.p.evidence)
        seen = {(e.line, e.column, e.row) for e in ev}
        for e in tt.interps[0].evidence:
            if (e.line, e.column, e.row) not in seen:
                ev.append(e)
                seen.add((e.line, e.column, e.row))
        c = Comparison(tt.where, tt.interps, stat, tt.p.p if tt.p else None, ev, named, where_named,
                       key=f"{tt.where}|{tt.label}", named_level=level, table=tt.table.label)
        f = _judge(ctx, c)
        if f:
            sig = _same_table_signature(c, f)
            prev = seen_tables.get(sig[0]) if sig else None
            if prev is not None and prev[1] != sig[1] and tt.fact.rows and prev[2] and \
                    min(tt.fact.rows) == max(prev[2]) + 1:
                _merge_into(prev[0], f, c.where)   # the complementary (next) row of a two-level variable
                continue
            if sig:
                seen_tables[sig[0]] = (f, sig[1], list(tt.fact.rows))
            found.append(f)
    yield from found
    for c in _text_comparisons(ctx, art_named):
        f = _judge(ctx, c)
        if f:
            yield f


def _same_table_signature(c: Comparison, f: Finding) -> tuple[tuple, tuple] | None:
    """The rows of a two-level variable ('Ischemic' / 'Hemorrhagic'), each tested against the rest of its arm,
    are one 2×2 table with its columns swapped: with the same printed P they are one problem. The signature is the
    table, the 2×2 table up to the order of its columns and what was printed; with the counts as they are."""
    counts = (f.details or {}).get("counts")
    if c.table is None or not counts or len(counts) != 2 or any(len(r) != 2 for r in counts):
        return None
    as_is = tuple(tuple(r) for r in counts)
    swapped = tuple(tuple(r[::-1]) for r in counts)
    return (c.table, min(as_is, swapped), f.severity, f.observed), as_is


def _merge_into(first: Finding, f: Finding, where: str) -> None:
    """One problem, one finding: the complementary row's evidence joins the first row's finding, which keeps its
    fingerprint (the other's is listed as merged)."""
    have = {(e.quote, e.line, e.char_start, e.row) for e in first.evidence}
    first.evidence.extend(e for e in f.evidence if (e.quote, e.line, e.char_start, e.row) not in have)
    merged = list((first.details or {}).get("merged_fingerprints", [])) + [f.fingerprint]
    first.details = {**(first.details or {}), "merged_fingerprints": merged}
    first.message += (f" {where} is the complementary row of the same two-level variable: the same 2×2 table "
                      f"with the same printed value.")


def _text_comparisons(ctx: CheckContext, art_named: set[str]) -> Iterator[Comparison]:
    """'ORR was 32.1% (17/53) vs 25.0% (7/28), P = 0.61' (``Study.text_tests`` of kind proportions)."""
    for tt in ctx.study.text_tests:
        if tt.kind != "proportions" or not tt.count_tables:
            continue
        p = None
        if tt.p is not None:
            v = tt.p.value
            p = PrintedP(v.value, v.decimals, tt.p.operator, v.text)
        stat = tt.statistic.value if tt.statistic is not None else None
        yield Comparison(tt.where, list(tt.count_tables), stat, p, list(tt.evidence), set(art_named),
                         "the statistical methods" if art_named else None, key=f"text|{tt.quote}",
                         named_level="article")
