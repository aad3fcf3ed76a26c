"""TA311 registry-id-conflict."""
from __future__ import annotations

from typing import Iterator

from trialaudit.schemas.study import RegistryIdMention as RegistryMention
from trialaudit.schemas.findings import Finding
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule


def _near(a: str, b: str) -> bool:
    """Same length and one or two differing characters, or one adjacent transposition."""
    if a == b or len(a) != len(b):
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]:
        return True
    return len(diff) <= 2


def _where(m: RegistryMention) -> str:
    p = m.provenance
    if p.table:
        return f"{p.table}, column '{p.column}'" if p.column else p.table
    return f"{p.section or m.section_kind}, line {p.span.line}"


@rule(code="TA311", name="registry-id-conflict", severity="error", family="registry")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """The trial's registration number is given differently in different places.

    What it checks:
        Registry ids (ClinicalTrials.gov NCT numbers, ChiCTR, ISRCTN, EudraCT,
        ANZCTR, CTRI, DRKS, UMIN, jRCT and others) are found in sentences,
        table cells and the reference list. A mention is the study's own
        registration when the passage says so ("The trial is registered on
        ClinicalTrials.gov (NCT05277480)", "phase II trial (NCT05277480)" in
        the abstract); mentions in the reference list, in sentences with
        citations and in comparison tables are cited ids. Two different own
        ids of the same registry are an error. A cited or unqualified id that
        differs from the own id by one or two characters (a typo or a
        transposition: NCT04690231 vs NCT04690213) is a warning.

    Why it matters:
        The registration number is how reviewers find the protocol, the
        pre-specified endpoints and the registered results; a wrong number
        sends them to another trial and hides outcome switching.

    Example:
        Abstract: "a randomized phase II trial (NCT05277480)"; methods: "The
        trial is registered on ClinicalTrials.gov (NCT05277408)" — two
        different NCT numbers for the same trial (error).

    Known limitations:
        A study legitimately registered twice in the same registry (rare)
        is flagged. An article that reports several trials (the title says
        "two randomized trials", or the abstract or methods label "Study 1"
        and "Study 2", ``Study.several_trials``) may give each its own id:
        different ids are then silent, and near copies a warning. Ids of other trials are never compared with each other,
        so a comparison table listing other studies' registrations is silent
        unless one of them is a near copy of this study's id. Local ethics or
        hospital registration numbers ("registration no. 2020PHB388-02") are
        only compared for near copies.
    """
    ms = ctx.study.registry_id_mentions
    own = [m for m in ms if m.own]
    by_reg: dict[str, dict[str, list[RegistryMention]]] = {}
    for m in own:
        by_reg.setdefault(m.registry, {}).setdefault(m.id, []).append(m)
    for reg, ids in by_reg.items():
        if reg == "other" or len(ids) < 2:
            continue
        items = sorted(ids.items(), key=lambda kv: kv[1][0].provenance.span.char_start)
        first_id, first_ms = items[0]
        for other_id, other_ms in items[1:]:
            a, b = first_ms[0], other_ms[0]
            near = _near(first_id, other_id)
            if ctx.study.several_trials and not near:
                continue   # "Study 1 ... (NCT00549120)", "Study 2 ... (NCT00687700)": one registration per trial
            yield ctx.finding(
                "TA311", severity="warning" if ctx.study.several_trials else "error",
                message=(f"The trial's {reg} registration is {first_id} in one place ({_where(a)}) but {other_id} in "
                         f"another ({_where(b)})" + (" — a one- or two-character difference, probably a typo." if near
                                                      else ".")),
                observed=other_id, expected=first_id,
                computation=(f"both passages present the id as this study's registration; {first_id} ≠ {other_id}"
                             + (f" ({sum(x != y for x, y in zip(first_id, other_id))} character(s) differ)."
                                if len(first_id) == len(other_id) else ".")),
                evidence=[ctx.provenance_evidence(a.provenance, role=f"registration {first_id}"),
                          ctx.provenance_evidence(b.provenance, role=f"registration {other_id}")],
                key=f"{first_id}|{other_id}", details={"registry": reg, "ids": [first_id, other_id]})
    own_ids = {(m.registry, m.id): m for m in own}
    reported: set[tuple[str, str]] = set()
    for m in ms:
        if m.own:
            continue
        for (reg, oid), om in own_ids.items():
            if reg != m.registry or (oid, m.id) in reported or not _near(oid, m.id):
                continue
            if (m.registry, m.id) in own_ids:
                continue
            reported.add((oid, m.id))
            yield ctx.finding(
                "TA311", severity="warning",
                message=(f"{m.id} ({_where(m)}) differs by one or two characters from the trial's own registration "
                         f"{oid} ({_where(om)}); it is probably a mistyped copy."),
                observed=m.id, expected=oid,
                computation=(f"{m.id} and {oid} have the same length and differ at "
                             f"{sum(x != y for x, y in zip(m.id, oid))} position(s); unrelated registrations "
                             f"rarely differ by so little."),
                evidence=[ctx.provenance_evidence(m.provenance, role=f"id {m.id}"),
                          ctx.provenance_evidence(om.provenance, role=f"own registration {oid}")],
                key=f"near|{oid}|{m.id}", details={"registry": reg, "own": oid, "mention": m.id})
