"""TA306 regimen-schedule-conflict."""
from __future__ import annotations

from typing import Iterator

from trialaudit.schemas.findings import Finding
from trialaudit.schemas.study import DrugMention, RegimenMention
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule

_FIELDS = ("dose", "route", "days", "cycle_days", "frequency", "cycles")
_MG = {"mg": 1.0, "g": 1000.0, "µg": 0.001}
_DAILY = {"QD", "BID", "TID"}


def _dose_key(dm: DrugMention):
    d = dm.dose
    if d is None or (dm.adjustment and "tiered" in dm.adjustment):
        return None
    base, _, den = d.unit.partition("/")
    factor = _MG.get(base)
    if factor is None:
        return (d.value, d.value_high, d.unit, d.per)
    hi = round(d.value_high * factor, 6) if d.value_high is not None else None
    return (round(d.value * factor, 6), hi, f"mg/{den}" if den else "mg", d.per)


def _fmt_dose(dm: DrugMention) -> str:
    d = dm.dose
    if d is None:
        return "?"
    per = {"day": "/day", "cycle": "/cycle", "week": "/week", "dose": "/dose"}.get(d.per, "")
    return d.text if d.text else f"{d.value:g} {d.unit}{per}"


def _merge(ms: list[DrugMention]) -> dict:
    """Fields of one drug in one passage; a field written with two values there is ambiguous (None)."""
    out: dict = {}
    for f in _FIELDS:
        vals = {}
        for m in ms:
            v = _dose_key(m) if f == "dose" else getattr(m, f)
            if v is not None:
                vals.setdefault(v, m)
        if len(vals) == 1:
            (v, m), = vals.items()
            out[f] = (v, _fmt_dose(m) if f == "dose" else _fmt_field(f, v))
    return out


def _fmt_field(f: str, v) -> str:
    if f == "days":
        return f"day {v}" if "-" not in v and "," not in v else f"days {v}"
    if f == "cycle_days":
        return f"{v}-day cycles" + (f" (Q{v // 7}W)" if v % 7 == 0 else "")
    if f == "cycles":
        return f"{v} cycles"
    return str(v)


def _compatible(f: str, a, b) -> bool:
    if a == b:
        return True
    if f == "dose":
        va, ha, ua, pa = a
        vb, hb, ub, pb = b
        if ua != ub:
            return False
        if pa != pb and "unspecified" not in (pa, pb):
            return True  # per day vs per cycle: not comparable here
        return va == vb and (ha is None or hb is None or ha == hb)
    if f == "frequency":
        # only daily schedules are compared here; weekly ones are compared as cycle lengths
        return not (a in _DAILY and b in _DAILY)
    return False


_PREP = {"dose": "at ", "route": "", "days": "on ", "cycle_days": "in ", "frequency": "", "cycles": "for "}
_ROUTE_WORD = {"oral": "orally", "iv": "intravenously", "sc": "subcutaneously", "im": "intramuscularly",
               "intrathecal": "intrathecally"}
_LABEL = {"dose": "dose", "route": "route", "days": "days of the cycle", "cycle_days": "cycle length",
          "frequency": "dosing frequency", "cycles": "number of cycles"}


@rule(code="TA306", name="regimen-schedule-conflict", severity="error", family="regimen")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """The same drug in the same arm is given with a different dose, days, cycle length or route in two passages.

    What it checks:
        Every passage attributable to exactly one arm is read for the dose
        details of each drug (:mod:`extractor.study.doses`): dose and unit
        (mg, g, mg/m², g/m², mg/kg, AUC; g and mg are converted), days of the
        cycle ("d1–3", "days 1–5", "d₁₋₃"), cycle length ("every 3 weeks",
        "Q3W", "21-day cycles"), route (orally, intravenously), daily frequency
        (QD, BID) and the number of cycles. A passage is attributed to an arm
        when it names that arm alone ("The IE group received …"), when it
        offers alternatives whose drug sets are exactly two arms' drug sets
        ("apatinib (…) plus IE (…) or IE alone (…)"), or when it continues, in
        the same paragraph, a passage that named one arm. For each arm and
        drug, any two passages that state the same detail differently are
        reported.

    Why it matters:
        A schedule described differently in the abstract and the methods
        (days 1–3 vs days 1–5, every 2 vs every 3 weeks, 1.8 vs 2.4 g/m²)
        makes the regimen irreproducible and changes the dose intensity a
        meta-analysis attributes to the arm.

    Example:
        Abstract: "apatinib (500 mg orally once daily) plus IE (ifosfamide
        1.8 g/m²/day and etoposide 100 mg/m²/day, days 1–3 every 3 weeks) or IE
        alone (same doses, days 1–5 every 3 weeks)"; methods: "Participants in
        the Apa+IE group received … ifosfamide (1.8 g/m²/day d₁₋₅) …" — the
        combination arm's ifosfamide is days 1–3 in one place and days 1–5 in
        the other (error). The IE arm's days 1–5 is not compared with the
        combination arm's days 1–3.

    Known limitations:
        In a single-arm study every treatment passage describes the one
        regimen; a drug given at three or more dose/schedule combinations
        (dosing groups, dose finding) is not checked. Passages that describe
        dose reductions, escalations or earlier treatment lines are skipped,
        as are dose tiers by body surface area or weight. A different number
        of cycles is a warning: "up to 10 cycles" and "six cycles" may both be
        right.
    """
    if ctx.study.regimen_arms is None:
        return
    single = len(ctx.study.regimen_arms) < 2
    per_key, raw = _fields_per_arm_drug(ctx.study.dose_passages, single)
    if single:
        _drop_dose_finding(ctx, per_key, raw)
    yield from _conflicts(ctx, per_key)


def _fields_per_arm_drug(passages: list[RegimenMention], single: bool) -> tuple[dict, dict]:
    """(passages with their dose fields per (arm, drug), the raw dose/day/cycle combinations per (arm, drug))."""
    raw: dict[tuple[str, str], set] = {}
    per_key: dict[tuple[str, str], list[tuple[RegimenMention, dict]]] = {}
    for p in passages:
        if not p.arm and not single:
            continue
        by_drug: dict[str, list[DrugMention]] = {}
        for m in p.mentions:
            by_drug.setdefault(m.drug, []).append(m)
            raw.setdefault((p.arm or "", m.drug), set()).add(
                (_dose_key(m), m.days, m.cycle_days) if (m.dose or m.days or m.cycle_days) else None)
        for drug, ms in by_drug.items():
            fields = _merge(ms)
            if fields:
                per_key.setdefault((p.arm or "", drug), []).append((p, fields))
    return per_key, raw


def _drop_dose_finding(ctx: CheckContext, per_key: dict, raw: dict) -> None:
    """A single cohort given several dose levels or schedules (dose finding, dosing groups) is not checked."""
    for key in list(per_key):
        combos = raw.get(key, set()) - {None}
        if len(combos) >= 3 or ctx.study.dose_finding_wording:
            del per_key[key]


def _conflicts(ctx: CheckContext, per_key: dict) -> Iterator[Finding]:
    """Each pair of passages of one arm and drug stating one detail differently, once per pair of values."""
    arms = {a.id: a for a in ctx.study.arms}
    reported: set[tuple] = set()
    for (arm_id, drug), items in per_key.items():
        arm = arms.get(arm_id)
        label = arm.label if arm else (arm_id or "the study regimen")
        for i in range(len(items)):
            for j in range(i + 1, len(items)):
                pa, fa = items[i]
                pb, fb = items[j]
                if pa.provenance.span.char_start == pb.provenance.span.char_start:
                    continue
                for f in _FIELDS:
                    if f not in fa or f not in fb:
                        continue
                    (va, ta), (vb, tb) = fa[f], fb[f]
                    if _compatible(f, va, vb):
                        continue
                    if f == "frequency" and ("cycle_days" in fa and "cycle_days" in fb):
                        continue
                    if f == "route":
                        ta, tb = _ROUTE_WORD.get(ta, ta), _ROUTE_WORD.get(tb, tb)
                    key = (arm_id, drug, f, frozenset((str(va), str(vb))))
                    if key in reported:
                        continue
                    reported.add(key)
                    yield _conflict_finding(ctx, label, drug, f, (pa, ta), (pb, tb))


def _conflict_finding(ctx: CheckContext, label: str, drug: str, f: str, a: tuple[RegimenMention, str],
                      b: tuple[RegimenMention, str]) -> Finding:
    (pa, ta), (pb, tb) = a, b
    sev = "warning" if f == "cycles" else "error"
    where_a = pa.provenance.section or "text"
    where_b = pb.provenance.section or "text"
    return ctx.finding(
        "TA306", severity=sev,
        message=(f"{label[:1].upper()}{label[1:]}: {drug} is given {_PREP[f]}{ta} in one passage "
                 f"({where_a}, line {pa.provenance.span.line}) but {_PREP[f]}{tb} in another "
                 f"({where_b}, line {pb.provenance.span.line}) — different {_LABEL[f]}."),
        observed=f"{ta} vs {tb}", expected=f"one {_LABEL[f]} for {drug} in {label}",
        computation=(f"both passages are attributed to {label} and name {drug}; the {_LABEL[f]} read "
                     f"from the first is {ta}, from the second {tb}"
                     + (" (doses compared in mg after unit conversion)" if f == "dose" else "") + "."),
        evidence=[ctx.provenance_evidence(pa.provenance, role=f"{label}: {drug} {ta}"),
                  ctx.provenance_evidence(pb.provenance, role=f"{label}: {drug} {tb}")],
        key=f"{label}|{drug}|{f}",
        details={"arm": label, "drug": drug, "field": f, "values": [ta, tb]})
