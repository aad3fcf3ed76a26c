"""TA305 endpoint-role-conflict."""
from __future__ import annotations

from typing import Iterator

from trialaudit.schemas.findings import Finding
from trialaudit.schemas.study import Endpoint
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule


def _a(role: str) -> str:
    return ("an " if role[0] in "aeiou" else "a ") + role


@rule(code="TA305", name="endpoint-role-conflict", severity="warning", family="endpoints")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """An endpoint declared secondary (or exploratory) in one place is declared primary or exploratory elsewhere.

    What it checks:
        Endpoint declarations ("Secondary endpoints included ORR, CBR and
        safety", "The exploratory endpoints included QoL and EFS", "The
        primary endpoint was PFS") are collected from the abstract, methods,
        results and the study's own discussion sentences, with names
        normalised. An endpoint that is primary in one place and secondary or
        exploratory in another is a warning; one that is secondary in one
        place and exploratory in another is reported for information.
        Omissions (the abstract lists fewer secondary endpoints than the
        methods) are not reported.

    Why it matters:
        Promoting a secondary endpoint to primary (or demoting the primary)
        between sections is a classic sign of outcome switching; readers and
        reviewers weigh a result differently depending on whether it was the
        trial's primary question.

    Example:
        Abstract: "The primary endpoint was PFS. Secondary endpoints included
        ORR, OS and safety."; methods: "The primary endpoints were PFS and
        OS." — OS is secondary in the abstract and primary in the methods
        (warning).

    Known limitations:
        A landmark rate (6-month PFS rate) is a different endpoint from the
        time-to-event endpoint (PFS), so "PFS primary, 6-month PFS rate
        secondary" is not reported. Endpoints outside the fixed vocabulary
        are not read.
    """
    endpoints: list[Endpoint] = ctx.study.endpoints
    by_name: dict[str, dict[str, list[Endpoint]]] = {}
    for e in endpoints:
        if e.role == "unspecified":
            continue
        by_name.setdefault(e.name, {}).setdefault(e.role, []).append(e)
    order = {"primary": 0, "secondary": 1, "exploratory": 2}
    for name, roles in by_name.items():
        if len(roles) < 2:
            continue
        rs = sorted(roles, key=order.get)
        for i in range(len(rs)):
            for j in range(i + 1, len(rs)):
                ra, rb = rs[i], rs[j]
                ea, eb = roles[ra][0], roles[rb][0]
                # a sentence that gives both roles ("primary ... PFS; secondary ... PFS rate") is not a conflict
                if ea.provenance.span.line == eb.provenance.span.line and ea.provenance.quote == eb.provenance.quote:
                    continue
                sev = "warning" if "primary" in (ra, rb) else "info"
                pa, pb = ea.provenance, eb.provenance
                yield ctx.finding(
                    "TA305", severity=sev,
                    message=(f"{name} is declared {_a(ra)} endpoint in one place ({pa.section or 'text'}, line "
                             f"{pa.span.line}) and {_a(rb)} endpoint in another ({pb.section or 'text'}, line "
                             f"{pb.span.line})."),
                    observed=f"{name}: {ra} and {rb}", expected=f"{name} with one role throughout",
                    computation=(f"'{ea.surface}' is listed under the {ra} endpoints at line {pa.span.line} and "
                                 f"'{eb.surface}' under the {rb} endpoints at line {pb.span.line}; both normalise "
                                 f"to {name}."),
                    evidence=[ctx.provenance_evidence(pa, role=f"{name} as {ra} endpoint"),
                              ctx.provenance_evidence(pb, role=f"{name} as {rb} endpoint")],
                    key=f"{name}|{ra}|{rb}", details={"endpoint": name, "roles": [ra, rb]})
