"""TA301 arm-regimen-mismatch."""
from __future__ import annotations

from typing import Iterator

from trialaudit.schemas.findings import Finding
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule


@rule(code="TA301", name="arm-regimen-mismatch", severity="error", family="regimen")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """A passage says an arm received drugs other than those that define the arm.

    What it checks:
        The drugs that define each arm are learnt from where the arm is
        defined — its label ("Apa+IE group"), the abstract, group definitions
        such as "Observation group (thalidomide + IFO-based chemotherapy;
        n=55)" or "55 patients received thalidomide + IFO (Observation
        group)". Every other clause that names exactly one arm together with
        treatment words and drug names ("The Control group was treated with
        cisplatin and doxorubicin") is compared with that definition. Drug
        names are normalised through a synonym table (IFO = ifosfamide,
        ETOP/VP16 = etoposide, DDP = cisplatin, ADM = doxorubicin, MTX =
        methotrexate, IE = ifosfamide + etoposide ...) with rapidfuzz for
        misspellings; supportive drugs (mesna, leucovorin, G-CSF) are ignored.
        Only what follows "randomised/assigned/allocated to" defines an arm
        named after it: drugs written before it ("patients receiving four
        cycles of AC were randomised to weekly or 3-weekly docetaxel") were
        given to everyone before randomisation.

    Why it matters:
        A trial whose arms are described with different drugs in different
        sections cannot be classified, pooled or reproduced: the reader does
        not know what the patients actually received.

    Example:
        Definition: "the Control group (ETOP + IFO-based chemotherapy;
        n=40)"; later: "The Control group was treated with Cisplatin and
        Doxorubicin" — cisplatin and doxorubicin are not part of ETOP + IFO
        (error, because the two descriptions share no drug).

    Known limitations:
        A clause naming two arms is skipped (drugs cannot be attributed);
        background chemotherapy legitimately added to every arm is flagged as
        a warning when it overlaps the definition; arms never named with an
        arm noun (group/arm/cohort) are not tracked.
    """
    ctx.coverage.count("cross_section", 0)  # its findings are text-vs-table / section-vs-section disagreements
    arms = {a.id: a for a in ctx.study.arms}
    for m in ctx.study.regimens:
        arm = arms.get(m.arm or "")
        if arm is None or not arm.drugs or not m.drugs:
            continue
        if arm.definition is not None and m.provenance.span.char_start == arm.definition.span.char_start:
            continue
        defined = set(arm.drugs)
        said = set(m.drugs)
        extra = [d for d in m.drugs if d not in defined]
        if not extra:
            continue
        disjoint = not (defined & said)
        other_arms = [a.label for a in ctx.study.arms if a.id != arm.id and set(extra) <= set(a.drugs)]
        severity = "error" if disjoint else "warning"
        def_quote = arm.definition.quote if arm.definition else arm.label
        ev = [ctx.provenance_evidence(m.provenance, role="conflicting passage")]
        if arm.definition is not None:
            ev.append(ctx.provenance_evidence(arm.definition, role="arm definition"))
        msg = (f"{arm.label}: defined as {' + '.join(arm.drugs)}, but this passage says it received "
               f"{' + '.join(m.drugs)}" + (" (no drug in common)" if disjoint else f" (adds {', '.join(extra)})") + ".")
        if other_arms:
            msg += f" Those drugs define {', '.join(other_arms)}."
        yield ctx.finding(
            "TA301", severity=severity, message=msg,
            observed=" + ".join(m.drugs), expected=" + ".join(arm.drugs),
            computation=(f"definition drugs {sorted(defined)} (from: \"{def_quote[:120]}\"); passage drugs {sorted(said)}; "
                         f"not in the definition: {sorted(extra)}."),
            evidence=ev, key=f"{arm.label}|{'+'.join(sorted(said))}",
            details={"arm": arm.label, "defined": sorted(defined), "stated": sorted(said), "extra": extra})
