"""TA307 reported-value-mismatch."""
from __future__ import annotations

from typing import Iterator

from trialaudit.schemas.findings import Finding
from trialaudit.schemas.study import ReportedValue as Reported
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.validation.values import fmt_rv, interval_equal, num_equal

_STAT = {"median": "median", "rate": "rate", "hr": "hazard ratio", "p": "p-value"}
_PLACE = {"abstract": "the abstract", "text": "the text", "table": "a table"}


def _label(measure: str, stat: str, arm: str | None, arms: dict) -> str:
    if stat.startswith("landmark@"):
        what = f"{stat.split('@')[1]}-month {measure} rate"
    elif stat.startswith("rate@"):
        what = f"{measure} at {stat.split('@')[1]} months"
    elif measure == "follow-up":
        what = "median follow-up"
    else:
        what = f"{measure} {_STAT.get(stat, stat)}" if stat != "rate" else measure
    if arm is None:
        return what if stat in ("hr", "p") else f"{what} (all patients)"
    return f"{what} in {arms[arm].label if arm in arms else arm}"


def _same_value(a: Reported, b: Reported) -> bool:
    if a.value is None or b.value is None:
        return a.value is None and b.value is None
    return num_equal(a.value, b.value)


@rule(code="TA307", name="reported-value-mismatch", severity="warning", family="consistency")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """The same result (median, rate, HR, p-value, median follow-up or its interval) differs between abstract, text and tables.

    What it checks:
        Results are read from sentences and tables with their measure (PFS,
        OS, EFS, DFS, RFS, TTP, TTR, DoR, ORR, DCR, CBR, median follow-up),
        statistic (median, rate, landmark rate, hazard ratio, p-value) and arm
        (see the reported-values reader). Each value in the abstract is
        compared with the values for the same measure, statistic and arm in
        the results, methods (follow-up only) and tables; each value in the
        results text is compared with the tables; tables are compared with
        each other; and methods and results follow-up statements are
        compared with each other. A value no
        counterpart agrees with, or an interval (95% CI, IQR, range) whose
        bounds differ from a counterpart with the same point value, is
        reported. Values agree when they are equal at the coarser printed
        precision (10 and 10.0). Values of different analyses of the cohort
        are different quantities and are not compared: the original (parent,
        initial) trial or its primary analysis, an extended, long-term or
        updated follow-up, and the report's own unqualified statements.

    Why it matters:
        Readers and meta-analysts take the abstract's numbers first; a median
        or confidence interval that the results or tables contradict is either
        a typo or a sign that the abstract reports another analysis.

    Example:
        Abstract: "the combination cohort exhibited a significantly longer
        PFS compared to the monotherapy cohort (8.6 [95% CI: 5.0–12.1] vs
        4.0 months …)"; results: "8.6 (95% CI: 5.0–12.2) versus 4.0 …" —
        the upper bound differs (error). Abstract: "median follow-up duration
        of 28.4 [IQR 16.1–38.3] months"; results: "median follow-up of 19.8
        [IQR 10.1–29.4] months" (error).

    Known limitations:
        Values whose arm cannot be determined are not compared (several
        values of the same measure with no arm named, a sentence that
        continues a paragraph about one arm without naming it, subgroup
        statements such as "in patients with lung-only metastases"). Sentences about other
        studies (citations, "previous", "reported by") are skipped; a result
        of a prior line of therapy described without such words may be taken
        as the study's own, which can only hide, not create, a mismatch when
        the study's value is also printed. Landmark rates written as
        "4- and 6-month rates … respectively" are read only when the values
        line up with the time points.

        Severity: warning at most, never error: the two values are paired by their wording; the same population, time point and analysis cannot be established with certainty. On 120 real trial reports
        this rule's errors were mostly false alarms (see tests/realworld/), so its findings
        ask a reviewer to look rather than assert a contradiction.
    """
    arms = {a.id: a for a in ctx.study.arms}
    groups: dict[tuple, list[Reported]] = {}
    for r in ctx.study.reported_values:
        groups.setdefault((r.key, r.period), []).append(r)
    seen: set = set()
    for (key, _period), items in groups.items():  # other periods (original trial, extended follow-up) apart
        measure, stat, arm = key
        for a, cands, origin in _comparison_pairs(key, items):
            # an adjusted and an unadjusted estimate of one result are different quantities
            cands = [c for c in cands if a.adjusted is None or c.adjusted is None or c.adjusted == a.adjusted]
            if not cands:
                continue
            ctx.coverage.count("cross_section", len(cands))
            label = _label(measure, stat, arm, arms)
            equal = [c for c in cands if _same_value(a, c)]
            if not equal:
                found = _value_mismatch(ctx, key, label, a, cands, origin, seen)
            elif a.interval is not None:
                found = _interval_mismatch(ctx, key, label, a, equal, origin, seen)
            else:
                found = None
            if found is not None:
                yield found


def _comparison_pairs(key: tuple, items: list[Reported]) -> list[tuple[Reported, list[Reported], str]]:
    """(statement, the statements it is compared with, where it is) for the statements of one result."""
    measure, stat, _ = key
    pairs: list[tuple[Reported, list[Reported], str]] = []
    for a in items:
        if a.place == "abstract":
            cands = [c for c in items if c.place in ("text", "table") and c.source_id != a.source_id]
            if stat == "p":
                cands = [c for c in cands if c.place == "text" or c.place == "table"]
            pairs.append((a, cands, "abstract"))
        elif a.place == "text" and a.section_kind in ("results", "conclusion"):
            cands = [c for c in items if c.place == "table"]
            if stat != "p":
                pairs.append((a, cands, "text"))
        elif a.place == "table":
            tab = a.source_id.split(":")[0]
            cands = [c for c in items if c.place == "table" and c.source_id.split(":")[0] > tab]
            if stat != "p":
                pairs.append((a, cands, "table"))
        elif a.place == "text" and a.section_kind == "methods" and measure == "follow-up":
            cands = [c for c in items if c.place == "text" and c.section_kind == "results"]
            pairs.append((a, cands, "methods"))
    return pairs


def _value_mismatch(ctx: CheckContext, key: tuple, label: str, a: Reported, cands: list[Reported], origin: str,
                    seen: set) -> Finding | None:
    """No counterpart prints the statement's value (once per set of values)."""
    measure, stat, arm = key
    k = (key, "value", a.value.text if a.value else "NR",
         frozenset(c.value.text if c.value else "NR" for c in cands))
    if k in seen:
        return None
    seen.add(k)
    others = list(dict.fromkeys(fmt_rv(c) for c in cands))
    return ctx.finding(
        "TA307", severity="warning",
        message=(f"{label}: {fmt_rv(a)} in {_PLACE.get(a.place, a.place)} ({a.where}) but "
                 f"{' / '.join(others)} in {', '.join(dict.fromkeys(c.where for c in cands[:3]))}."),
        observed=fmt_rv(a), expected=" or ".join(others),
        computation=(f"{len(cands)} other statement(s) of the {label} were found; none prints "
                     f"{a.value.text if a.value else 'NR'} (values compared at the coarser printed "
                     "precision)."),
        evidence=[a.evidence] + [c.evidence for c in cands[:3]],
        key=f"{measure}|{stat}|{arm}|value|{a.value.text if a.value else 'NR'}",
        details={"measure": measure, "statistic": stat, "arm": arm, "origin": origin})


def _interval_mismatch(ctx: CheckContext, key: tuple, label: str, a: Reported, equal: list[Reported], origin: str,
                       seen: set) -> Finding | None:
    """The counterparts with the same value all print another interval (once per set of intervals)."""
    measure, stat, arm = key
    with_iv = [c for c in equal if c.interval is not None]
    if not with_iv or any(interval_equal(a, c) for c in with_iv):
        return None
    k = (key, "interval", fmt_rv(a), frozenset(fmt_rv(c) for c in with_iv))
    if k in seen or (key, "interval", frozenset([fmt_rv(a), *[fmt_rv(c) for c in with_iv]])) in seen:
        return None
    seen.add(k)
    seen.add((key, "interval", frozenset([fmt_rv(a), *[fmt_rv(c) for c in with_iv]])))
    others = list(dict.fromkeys(fmt_rv(c) for c in with_iv))
    return ctx.finding(
        "TA307", severity="warning",
        message=(f"{label}: {fmt_rv(a)} in {_PLACE.get(a.place, a.place)} ({a.where}) but "
                 f"{' / '.join(others)} in {', '.join(dict.fromkeys(c.where for c in with_iv[:3]))}: "
                 "same value, different interval."),
        observed=fmt_rv(a), expected=" or ".join(others),
        computation=(f"the point value {a.value.text if a.value else 'NR'} agrees but the interval bounds "
                     "differ from every counterpart."),
        evidence=[a.evidence] + [c.evidence for c in with_iv[:3]],
        key=f"{measure}|{stat}|{arm}|interval|{fmt_rv(a)}",
        details={"measure": measure, "statistic": stat, "arm": arm, "origin": origin})
