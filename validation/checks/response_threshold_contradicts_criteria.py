"""TA403 response-threshold-contradicts-criteria."""
from __future__ import annotations

from typing import Iterator

from trialaudit.extractor.study.response_criteria import Criterion, criteria
from trialaudit.schemas.findings import Finding
from trialaudit.schemas.study import CriteriaCitation
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule


@rule(code="TA403", name="response-threshold-contradicts-criteria", severity="error", family="plausibility")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """A response definition uses a threshold that contradicts the response criteria the article cites.

    What it checks:
        The article's own definitions of partial response and progressive
        disease ("Partial response (PR): reduction in target lesion size by
        more than 50%"; "PD was defined as a ≥20% increase ...") are compared
        with the thresholds of the criteria the article says it used:
        RECIST 1.0/1.1, mRECIST and iRECIST (PR ≥30% decrease, PD ≥20%
        increase), WHO criteria, irRC, RANO and EASL (PR ≥50%, PD ≥25%),
        Lugano (PR ≥50%), Choi (PR ≥10% size or ≥15% density), PERCIST and
        EORTC PET. The criteria and their sources are in
        ``extractor/data/response_criteria.yaml``. A threshold that matches
        none of the cited criteria is flagged with both passages; "more
        than" versus "at least" is not judged, only the percentage.

    Why it matters:
        Response rates are only comparable across trials when the criteria
        are those stated: a PR defined as >50% shrinkage under "RECIST"
        classifies many RECIST partial responses as stable disease, so the
        ORR and DCR cannot be interpreted, and it suggests the methods text
        was assembled from another source.

    Example:
        "Clinical efficacy was evaluated according to the RECIST guidelines"
        and "Partial response (PR): reduction in target lesion size by more
        than 50%": RECIST defines PR as a ≥30% decrease in the sum of
        diameters; 50% is the WHO threshold (error).

    Known limitations:
        Only PR and PD percentage thresholds are checked (not durations,
        the 5-mm rule, or confirmation rules); an article that cites no
        criteria, or cites several with different thresholds, is judged
        against all of them and flagged only when the threshold fits none;
        a definition described as "modified" gives a warning.
    """
    by_name = {c.name: c for c in criteria()}
    cited: dict[str, tuple[Criterion, CriteriaCitation]] = {
        cc.name: (by_name[cc.name], cc) for cc in ctx.study.criteria_citations if cc.name in by_name}
    if not cited:
        return
    for d in ctx.study.response_definitions:
        cat, threshold = d.category, d.threshold
        allowed = [c for c, _ in cited.values() if threshold in (c.pr if cat == "PR" else c.pd)]
        if allowed:
            continue
        names = ", ".join(cited)
        expect = "; ".join(f"{c.name}: {'PR ≥' if cat == 'PR' else 'PD ≥'}"
                           f"{'/'.join(f'{v:g}' for v in (c.pr if cat == 'PR' else c.pd))}% "
                           f"{'decrease' if cat == 'PR' else 'increase'} ({c.measure})" for c, _ in cited.values())
        other = [c.name for c in criteria() if threshold in (c.pr if cat == "PR" else c.pd) and c.name not in cited]
        modified = any(cc.modified for _, cc in cited.values())
        ev = [d.evidence]
        for _, cc in cited.values():
            if all(cc.evidence.quote != x.quote for x in ev):
                ev.append(cc.evidence)
        word = "decrease" if cat == "PR" else "increase"
        label = "partial response" if cat == "PR" else "progressive disease"
        yield ctx.finding(
            "TA403", severity="warning" if modified else "error",
            message=f"The article defines {label} by a {threshold:g}% {word}, but it cites {names}, whose "
                    f"threshold is {_cited_thresholds(cited, cat)}"
                    f"{f' ({threshold:g}% is the threshold of ' + _names(other) + ')' if other else ''}.",
            observed=f"{cat}: {threshold:g}% {word}", expected=expect,
            computation=f"definition '{d.text}' vs the cited criteria — {expect}. Sources: "
                        + " | ".join(c.source for c, _ in cited.values()),
            evidence=ev, key=f"{cat}|{threshold:g}|{names}",
            details={"category": cat, "threshold": threshold, "cited": list(cited), "also_matches": other})


def _names(names: list[str]) -> str:
    names = names[:3]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _cited_thresholds(cited, cat: str) -> str:
    vals = sorted({v for c, _ in cited.values() for v in (c.pr if cat == "PR" else c.pd)})
    return " or ".join(f"≥{v:g}%" for v in vals)
