"""TA302 sample-size-inconsistent."""
from __future__ import annotations

from typing import Iterator

from trialaudit.schemas.findings import Finding
from trialaudit.schemas.study import PopulationSizes, SizeStatement
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule

_PLACE = {"abstract": "the abstract", "methods": "the methods", "results": "the results", "table": "a table header",
          "table-caption": "a table caption", "figure-caption": "a figure caption", "title": "the title",
          "conclusion": "the conclusion"}


def _places(sts: list[SizeStatement]) -> str:
    seen: list[str] = []
    for st in sts:
        p = _PLACE.get(st.place, st.place)
        where = f"{p} (line {st.evidence.line})" if st.evidence.line else p
        if where not in seen:
            seen.append(where)
    return ", ".join(seen[:4]) + (" …" if len(seen) > 4 else "")


@rule(code="TA302", name="sample-size-inconsistent", severity="warning", family="sample-size",
      preview=(
              "1 of 20 sampled warnings on the development set was true: completers, per-protocol and "
              "follow-up sets, subsets named in footnotes and numbers that are not study sizes are compared "
              "with the randomised total"))
def check(ctx: CheckContext) -> Iterator[Finding]:
    """The study's total or an arm's size differs between places, or the arm sizes do not add up to the total.

    What it checks:
        Statements of the study's size — "A total of 95 patients were
        included", "81 patients were enrolled", "clinical data from 95
        patients", "Of the 26 patients", "of whom 81 were enrolled", "(n=33)",
        a "Total (n=26)" column, table and figure captions ("Kaplan-Meier
        plot … of 31 patients") — and of each arm's size (column headers
        "Apa+IE group (n = 53)", "(Observation group; n=55)", "53 in apatinib
        plus IE group") are collected from the title, abstract, methods,
        results, tables and captions. Planned sizes (sample-size
        calculations), screening counts ("89 assessed for eligibility") and
        subsets ("6 patients had grade 3 AEs") are left out. The value most
        places agree on is the reference; every statement with another value
        is reported, and when the arms of one table both have sizes, their
        sum is compared with the stated total.

    Why it matters:
        The number of patients is the denominator of every percentage and the
        basis of every test; a total or arm size that changes between
        sections means some results were computed on a different population
        than the one described, or a number was mistyped.

    Example:
        Abstract: "apatinib 500 mg daily and the IE regimen (n=33)"; figure
        captions: "Kaplan-Meier plot for overall survival of 31 patients"
        (warning: a caption may describe a subset). Methods: "the Observation
        group (n=55) and the Control group (n=40)" with "A total of 96
        patients were included" — 55 + 40 = 95 ≠ 96 (error).

    Known limitations:
        A subset described without a subset word ("31 patients were
        analysed" for an evaluable population) is compared with the total;
        captions are therefore reported as warnings. Arms named without an
        arm noun are not tracked; sizes written in words ("seven patients")
        are not read.

        Severity: warning at most, never error: the populations behind two sample-size statements are inferred from their wording. On 120 real trial reports
        this rule's errors were mostly false alarms (see tests/realworld/), so its findings
        ask a reviewer to look rather than assert a contradiction.
    """
    sz = ctx.study.population_sizes
    arms = {a.id: a for a in ctx.study.arms}
    ctx.coverage.count("cross_section", sum(1 for st in sz.statements if st.scope == "total" or st.scope in sz.arms))
    if sz.total is not None:
        yield from _total_conflicts(ctx, sz)
    for arm_id, n in sz.arms.items():
        yield from _arm_conflicts(ctx, sz, arm_id, n, arms)
    found = _arm_sum_mismatch(ctx, sz, arms)
    if found is not None:
        yield found


def _agreeing_and_odd(statements: list[SizeStatement], scope: str, n: int
                      ) -> tuple[list[SizeStatement], dict[int, list[SizeStatement]]]:
    """(the statements of ``scope`` giving ``n``, the others by the value they give)."""
    ref = [st for st in statements if st.scope == scope and st.value == n]
    odd: dict[int, list[SizeStatement]] = {}
    for st in statements:
        if st.scope == scope and st.value != n:
            odd.setdefault(st.value, []).append(st)
    return ref, odd


def _total_conflicts(ctx: CheckContext, sz: PopulationSizes) -> Iterator[Finding]:
    """Statements of the study's size that differ from the reference total."""
    ref, odd = _agreeing_and_odd(sz.statements, "total", sz.total)
    if not ref:
        return
    for value, sts in sorted(odd.items()):
        yield ctx.finding(
            "TA302", severity="warning",
            message=(f"The study's size is given as {value} in {_places(sts)} but {sz.total} in "
                     f"{_places(ref)}."),
            observed=str(value), expected=str(sz.total),
            computation=(f"{len(ref)} statement(s) give {sz.total} patients, {len(sts)} give {value}"
                         "; captions may describe a subset, hence a warning."),
            evidence=[st.evidence for st in sts[:3]] + [ref[0].evidence.model_copy(update={"role": "reference size"})],
            key=f"total|{value}|{sz.total}", details={"stated": value, "reference": sz.total})


def _arm_conflicts(ctx: CheckContext, sz: PopulationSizes, arm_id: str, n: int, arms: dict) -> Iterator[Finding]:
    """Statements of one arm's size that differ from its reference size."""
    arm = arms.get(arm_id)
    label = arm.label if arm else arm_id
    ref, odd = _agreeing_and_odd(sz.statements, arm_id, n)
    for value, sts in sorted(odd.items()):
        # different tables often describe different analysis populations
        tables_only = all(st.place == "table" for st in sts) and all(st.place == "table" for st in ref)
        yield ctx.finding(
            "TA302", severity="warning",
            message=f"{label} has {value} patients in {_places(sts)} but {n} in {_places(ref)}.",
            observed=str(value), expected=str(n),
            computation=f"{len(ref)} statement(s) give {label} {n} patients, {len(sts)} give {value}"
                        + ("; only table headers disagree, which may reflect different analysis populations "
                           "(check the captions and notes), hence a warning" if tables_only else "") + ".",
            evidence=[st.evidence for st in sts[:3]] + [ref[0].evidence.model_copy(update={"role": "reference size"})],
            key=f"arm|{label}|{value}|{n}", details={"arm": label, "stated": value, "reference": n})


def _arm_sum_mismatch(ctx: CheckContext, sz: PopulationSizes, arms: dict) -> Finding | None:
    """The arm sizes of the first table with arm sizes do not add up to the strongly stated total."""
    total_sts = [st for st in sz.statements if st.scope == "total" and st.value == sz.total and st.strength == "strong"]
    if sz.total is None or not total_sts or not sz.table_arm_sets:
        return None
    arm_ns = sz.table_arm_sets[0].sizes
    ids = [a for a, _ in arm_ns]
    sizes = [sz.arms.get(a, n) for a, n in arm_ns]
    if any(v == sz.total for v in sizes):
        return None  # one column is the whole study: a comparison table, not a breakdown
    s = sum(sizes)
    if s == sz.total:
        return None
    labels = [arms[a].label if a in arms else a for a in ids]
    ev = []
    for a in ids:
        st = next((st for st in sz.statements if st.scope == a and st.place == "table"), None)
        if st:
            ev.append(st.evidence)
    ev.append(total_sts[0].evidence.model_copy(update={"role": "stated total"}))
    return ctx.finding(
        "TA302", severity="warning",
        message=(f"The arms ({', '.join(f'{l} {v}' for l, v in zip(labels, sizes))}) add up to {s}, "
                 f"but the study's total is {sz.total}."),
        observed=f"{' + '.join(map(str, sizes))} = {s}", expected=str(sz.total),
        computation=f"{' + '.join(map(str, sizes))} = {s} ≠ {sz.total} (stated in {_places(total_sts)}).",
        evidence=ev, key=f"sum|{s}|{sz.total}", details={"arms": dict(zip(labels, sizes)), "total": sz.total})
