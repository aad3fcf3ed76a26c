"""TA310 baseline-outside-eligibility."""
from __future__ import annotations

import re
from typing import Iterator

from trialaudit.extractor.study.eligibility import ECOG
from trialaudit.schemas.findings import Evidence, Finding
from trialaudit.schemas.study import EligibilityLimit as Limit
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.validation.tablekit import cell_count

_ECOG = ECOG


#: a statistic named in the row label: "ECOG 2, n (%)", "Age <18 years, No. (%)"
_STAT_SUFFIX = re.compile(r"\s*,?\s*(?:(?:n|no\.?|number)\s*)?\(\s*%\s*\)\s*$|\s*,\s*(?:n|no\.?|number)\s*$", re.I)


def _category(label: str) -> set[int] | None:
    lab = _STAT_SUFFIX.sub("", label).strip().replace(" ", "")
    m = re.fullmatch(r"(?:ECOG|PS|ECOGPS)?(\d)", lab, re.I)
    if m:
        return {int(m.group(1))}
    m = re.fullmatch(r"(?:ECOG|PS)?(\d)(?:[\-–—‑]|to|or|and|/|,)(\d)", lab, re.I)
    if m:
        return set(range(int(m.group(1)), int(m.group(2)) + 1))
    m = re.fullmatch(r"(?:≥|>=)(\d)", lab)
    if m:
        return set(range(int(m.group(1)), 6))
    m = re.fullmatch(r">(\d)", lab)
    if m:
        return set(range(int(m.group(1)) + 1, 6))
    m = re.fullmatch(r"(?:≤|<=)(\d)", lab)
    if m:
        return set(range(0, int(m.group(1)) + 1))
    return None


def _age_category(label: str) -> tuple[float, float] | None:
    lab = _STAT_SUFFIX.sub("", label).strip().lower().replace("years", "").replace("year", "").replace("y", "").strip()
    m = re.fullmatch(r"(?:<|under|below)\s*(\d{1,3})", lab)
    if m:
        return 0, float(m.group(1)) - 0.001
    m = re.fullmatch(r"(?:≤|<=)\s*(\d{1,3})", lab)
    if m:
        return 0, float(m.group(1))
    m = re.fullmatch(r"(?:≥|>=)\s*(\d{1,3})", lab)
    if m:
        return float(m.group(1)), 200
    m = re.fullmatch(r">\s*(\d{1,3})", lab)
    if m:
        return float(m.group(1)) + 0.001, 200
    m = re.fullmatch(r"(\d{1,3})\s*[\-–—‑]\s*(\d{1,3})", lab)
    if m:
        return float(m.group(1)), float(m.group(2)) + 0.999
    return None


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
    ecog_rows: dict[str, tuple] = {}
    for t, cols in zip(ctx.document.tables, ctx.study.population_sizes.study_columns):
        if not cols:
            continue
        if re.search(r"score|nomogram|point|assign", t.caption or "", re.I):
            continue
        yield from _scan_table(ctx, t, cols, ecog, age, ecog_rows)
    for t, rows in ecog_rows.values():
        yield _ecog_finding(ctx, t, rows, ecog)
    if age is not None:
        yield from _text_age_ranges(ctx, age)


def _scan_table(ctx: CheckContext, t, cols, ecog: Limit | None, age: Limit | None,
                ecog_rows: dict[str, tuple]) -> Iterator[Finding]:
    """Age findings of one baseline table; its ECOG rows outside the limit are collected in ``ecog_rows``."""
    age_ctx = False
    for row in t.rows:
        label = row.label or ""
        if row.kind == "group":
            age_ctx = bool(re.search(r"\bage\b", label, re.I))
            continue
        if ecog is not None and _is_ecog_row(row, label):
            hit = _ecog_row_outside(row, label, cols, ecog)
            if hit:
                ecog_rows.setdefault(t.id, (t, []))[1].append(hit)
            continue
        if age is None:
            continue
        # age categories ("<18") right after an age row or under an age group
        if re.search(r"\bage\b", label, re.I):
            age_ctx = True
            # an age range in the cells: "15.5 (12–46)"
            if re.search(r"range|min|max", label, re.I):
                yield from _age_range_cells(ctx, t, row, cols, age)
            continue
        if age_ctx:
            rng = _age_category(label)
            if rng is None:
                age_ctx = bool(re.fullmatch(r"\s*[<>≤≥]?\s*\d.*", label))
                continue
            found = _age_category_finding(ctx, t, row, label, rng, cols, age)
            if found is not None:
                yield found
        else:
            age_ctx = False


def _is_ecog_row(row, label: str) -> bool:
    group = row.group or ""
    return bool(_ECOG.search(group) or re.search(r"\bperformance\s+status\b|\bPS\b", group)) or \
        bool(_ECOG.search(label) and re.search(r"\d", label))


def _positive_counts(row, cols) -> dict[int, float]:
    """The study columns of ``row`` holding a non-zero count."""
    counts = {j: cell_count(row.cells[j].text) for j in cols if j < len(row.cells)}
    return {j: c for j, c in counts.items() if c}


def _ecog_row_outside(row, label: str, cols, ecog: Limit) -> tuple | None:
    """(row, label, categories, positive counts) of an ECOG row wholly outside the limit with patients in it."""
    cat = _category(re.sub(_ECOG, "", label))
    allowed = set(range(int(ecog.low or 0), int(ecog.high if ecog.high is not None else 5) + 1))
    if cat and not (cat & allowed):
        pos = _positive_counts(row, cols)
        if pos:
            return row, label.strip(), cat, pos
    return None


def _age_range_cells(ctx: CheckContext, t, row, cols, age: Limit) -> Iterator[Finding]:
    """Age ranges printed in the cells of an age row ("15.5 (12–46)") reaching outside the eligible ages."""
    for j in cols:
        if j >= len(row.cells):
            continue
        m = re.search(r"[\(\[]\s*(\d{1,3}(?:\.\d)?)\s*(?:[\-–—‑,]|to)\s*(\d{1,3}(?:\.\d)?)\s*[\)\]]",
                      row.cells[j].text)
        if not m:
            continue
        bad = _range_outside(age, m.group(1), m.group(2))
        if bad:
            yield _age_finding(ctx, age, [ctx.cell_evidence(t, row, j, role="age range")],
                               f"{t.label}, column '{t.column_label(j)}'", "; ".join(bad),
                               f"age|{t.label}|{j}")


def _age_category_finding(ctx: CheckContext, t, row, label: str, rng: tuple[float, float], cols,
                          age: Limit) -> Finding | None:
    """An age category row ("<18") wholly outside the eligible ages with patients in it."""
    lo, hi = rng
    outside = (age.low is not None and hi < age.low) or (age.high is not None and lo > age.high + 0.999)
    if not outside:
        return None
    pos = _positive_counts(row, cols)
    if not pos:
        return None
    return _age_finding(ctx, age, [ctx.cell_evidence(t, row, j, role=f"age {label.strip()}")
                                   for j in list(pos)[:3]],
                        f"{t.label}, row '{label.strip()}'",
                        f"{sum(pos.values())} patient(s) aged {label.strip()}", f"agecat|{t.label}|{label}")


def _ecog_finding(ctx: CheckContext, t, rows: list[tuple], ecog: Limit) -> Finding:
    """One finding per table for its ECOG rows outside the limit (a warning when a table note explains them)."""
    notes = " ".join(t.footnotes)
    explained = bool(re.search(r"ECOG|performance\s+status", notes, re.I) and
                     any(re.search(rf"\b{c}\b", notes) for _, _, cat, _ in rows for c in cat))
    sev = "warning" if explained else "error"
    n = sum(sum(pos.values()) for _, _, _, pos in rows)
    cats = ", ".join(lab for _, lab, _, _ in rows)
    ev = [ctx.cell_evidence(t, row, j, role=f"ECOG {lab}") for row, lab, _, pos in rows for j in pos][:4]
    ev.append(ecog.evidence)
    detail = "; ".join(f"ECOG {lab}: " + ", ".join(f"{t.column_label(j)} = {c}" for j, c in pos.items())
                       for _, lab, _, pos in rows)
    return ctx.finding(
        "TA310", severity=sev,
        message=(f"{t.label}: {n} patient(s) with ECOG {cats}, but the eligibility criteria require ECOG "
                 f"{_fmt(ecog.low, ecog.high)}" + (" (a table note mentions an exception)." if explained else ".")),
        observed=f"ECOG {cats}: {n} patient(s)", expected=f"ECOG {_fmt(ecog.low, ecog.high)}",
        computation=(f"categories outside the allowed {_fmt(ecog.low, ecog.high)} with patients in this study's "
                     f"columns — {detail}."),
        evidence=ev, key=f"ecog|{t.label}|{cats}")


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
