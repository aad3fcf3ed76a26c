"""TA310 baseline-outside-eligibility."""
from __future__ import annotations

from typing import Iterator

from trialaudit.schemas.findings import Evidence, Finding
from trialaudit.schemas.study import BaselineLimitRow
from trialaudit.schemas.study import EligibilityLimit as Limit
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule


def _fmt(lo, hi, unit="") -> str:
    if lo is None:
        return f"≤ {hi:g}{unit}"
    if hi is None:
        return f"≥ {lo:g}{unit}"
    return f"{lo:g}–{hi:g}{unit}"


@rule(code="TA310", name="baseline-outside-eligibility", severity="error", family="consistency")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """Baseline data include patients the eligibility criteria exclude (ECOG above the limit, ages outside the range).

    What it checks:
        The ECOG performance-status range ("Eligible patients needed to have
        an ECOG PS of 0–1", "ECOG performance status ≤2") and the age range
        ("aged 12–65 years", "patients aged 18 years or older") stated by
        the inclusion criteria are compared with the baseline tables (this
        study's columns only) and the results text: ECOG categories wholly
        outside the range with at least one patient, age categories ("<18")
        wholly outside the age range with at least one patient, and age
        ranges or minimum/maximum ages ("15.5 (12–46)", "age range of 12 to
        51 years") reaching outside it.

    Why it matters:
        Patients who do not meet the eligibility criteria mean either that
        the criteria were not applied (protocol deviations that should be
        reported) or that the criteria or the table are misreported; the
        population a reader would apply the results to is not the one
        studied.

    Example:
        Methods: "Eligible patients needed to have an ECOG PS of 0–1"; Table 1:
        "ECOG PS — 2: 3 (5.7) | 0; 3: 4 (7.5) | 2 (7.1)" — nine patients with
        ECOG 2–3. A footnote attached to the table that explains an
        exception lowers the finding to a warning.

    Known limitations:
        Criteria written as exclusions ("patients older than 75 were
        excluded") are not read. Ages given only as mean ± SD cannot be
        checked. Categories straddling the limit ("≥2" when ECOG ≤2 is
        allowed) are not reported. The limits and the text's age ranges come from the Study
        (``Study.eligibility``, ``Study.stated_age_ranges``: :mod:`trialaudit.extractor.study.eligibility`).
    """
    limits = {x.variable: x for x in ctx.study.eligibility}
    ecog, age = limits.get("ecog"), limits.get("age")
    if ecog is None and age is None:
        return
    ecog_rows: dict[str, list[BaselineLimitRow]] = {}
    for r in ctx.study.baseline_limit_rows:
        if r.kind == "ecog":
            if ecog is not None:
                allowed = set(range(int(ecog.low or 0), int(ecog.high if ecog.high is not None else 5) + 1))
                if not set(r.categories) & allowed:
                    ecog_rows.setdefault(r.table_id, []).append(r)
        elif age is not None and r.kind == "age range":
            bad = _range_outside(age, r.low_text, r.high_text)
            if bad:
                c = r.cells[0]
                yield _age_finding(ctx, age, [c.evidence], f"{r.table}, column '{c.column}'", "; ".join(bad),
                                   f"age|{r.table}|{c.col}")
        elif age is not None and r.kind == "age category":
            outside = (age.low is not None and r.high < age.low) or \
                (age.high is not None and r.low > age.high + 0.999)
            if outside:
                lab = r.row.strip()
                yield _age_finding(ctx, age, [c.evidence for c in r.cells[:3]], f"{r.table}, row '{lab}'",
                                   f"{sum(c.count or 0 for c in r.cells)} patient(s) aged {lab}",
                                   f"agecat|{r.table}|{r.row}")
    for rows in ecog_rows.values():
        yield _ecog_finding(ctx, rows, ecog)
    if age is not None:
        yield from _text_age_ranges(ctx, age)


def _ecog_finding(ctx: CheckContext, rows: list[BaselineLimitRow], ecog: Limit) -> Finding:
    """One finding per table for its ECOG rows outside the limit (a warning when a table note explains them)."""
    explained = any(r.notes_name_ecog and r.notes_name_category for r in rows)
    sev = "warning" if explained else "error"
    n = sum(c.count or 0 for r in rows for c in r.cells)
    cats = ", ".join(r.row for r in rows)
    ev = [c.evidence for r in rows for c in r.cells][:4]
    ev.append(ecog.evidence)
    detail = "; ".join(f"ECOG {r.row}: " + ", ".join(f"{c.column} = {c.count}" for c in r.cells) for r in rows)
    table = rows[0].table
    return ctx.finding(
        "TA310", severity=sev,
        message=(f"{table}: {n} patient(s) with ECOG {cats}, but the eligibility criteria require ECOG "
                 f"{_fmt(ecog.low, ecog.high)}" + (" (a table note mentions an exception)." if explained else ".")),
        observed=f"ECOG {cats}: {n} patient(s)", expected=f"ECOG {_fmt(ecog.low, ecog.high)}",
        computation=(f"categories outside the allowed {_fmt(ecog.low, ecog.high)} with patients in this study's "
                     f"columns — {detail}."),
        evidence=ev, key=f"ecog|{table}|{cats}")


def _text_age_ranges(ctx: CheckContext, age: Limit) -> Iterator[Finding]:
    """Age ranges in the results text ("age range of 12 to 51 years", ``Study.stated_age_ranges``) reaching outside
    the eligible ages."""
    for r in ctx.study.stated_age_ranges:
        if r.sentence == age.sentence:
            continue
        bad = _range_outside(age, r.low, r.high)
        if bad:
            yield _age_finding(ctx, age, [r.evidence], r.where, "; ".join(bad), f"agetext|{r.text}")


def _range_outside(age: Limit, low: str, high: str) -> list[str]:
    """The ends of a printed age range (youngest ``low``, oldest ``high``, as printed) outside the eligible ages."""
    lo, hi = float(low), float(high)
    bad = []
    if age.low is not None and lo < age.low:
        bad.append(f"youngest {low} < {age.low:g}")
    if age.high is not None and hi > age.high + 0.999:
        bad.append(f"oldest {high} > {age.high:g}")
    return bad


def _age_finding(ctx: CheckContext, age: Limit, ev: list[Evidence], where: str, what: str, key: str) -> Finding:
    ev = ev + [age.evidence]
    return ctx.finding(
        "TA310", severity="error",
        message=f"{where}: {what}, but the eligibility criteria require ages {_fmt(age.low, age.high, ' years')}.",
        observed=what, expected=f"ages {_fmt(age.low, age.high, ' years')}",
        computation=f"eligibility: '{age.text.strip()}'; reported: {what}.", evidence=ev, key=key)
