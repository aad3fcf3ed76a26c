"""TA304 primary-endpoint-conflict."""
from __future__ import annotations

from typing import Iterator

from trialaudit.schemas.findings import Finding
from trialaudit.schemas.study import Endpoint
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule


def _base(name: str) -> str:
    return name.split("@", 1)[0]


def declarations(endpoints: list[Endpoint], role: str) -> list[tuple[tuple[int, int], list[Endpoint]]]:
    """Endpoints of one role grouped by declaring sentence (keyed by the sentence's first line and char)."""
    places: dict[tuple[int, int], list[Endpoint]] = {}
    for e in endpoints:
        if e.role != role:
            continue
        key = (e.provenance.span.line, hash(e.provenance.quote))
        places.setdefault(key, []).append(e)
    return sorted(places.items())


@rule(code="TA304", name="primary-endpoint-conflict", severity="error", family="endpoints")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """Two places name different primary endpoints for the same study.

    What it checks:
        Every declaration of a primary endpoint — "The primary endpoint was
        PFS", "Primary outcome measures: Progression-Free Survival", "OS was
        the primary endpoint of the study", "The primary outcome, PFS, was …"
        — in the abstract, methods, results and the study's own discussion
        sentences. Endpoint names are normalised (progression-free survival =
        PFS, overall survival = OS, objective response rate = ORR …). Two
        declarations that share no primary endpoint are an error; two that
        overlap but list different sets (PFS in one place, PFS and OS in
        another) are a warning.

    Why it matters:
        The primary endpoint fixes the sample size, the hypothesis test and
        the claim a trial can make. A paper that names PFS as primary in one
        place and OS in another cannot be assessed for selective reporting,
        and a systematic reviewer cannot tell which result answers the
        trial's question.

    Example:
        Methods: "Primary outcome measures: Progression-Free Survival (PFS):
        defined as …" and two paragraphs later "OS was the primary endpoint
        of the study." — PFS vs OS (error).

    Known limitations:
        Endpoints are recognised from a fixed vocabulary (PFS, OS, EFS, DFS,
        RFS, TTP, TTR, DoR, ORR, DCR, CBR, pCR, safety, QoL); other primary
        endpoints ("tumour shrinkage", "local control") are not read. A
        landmark rate (6-month PFS rate) and the time-to-event endpoint (PFS)
        are treated as the same endpoint here. Sentences in introductions
        and sentences with citations are ignored, so other trials' endpoints
        are not compared.
    """
    ctx.coverage.count("cross_section", 0)  # its findings are text-vs-table / section-vs-section disagreements
    endpoints = ctx.study.endpoints
    places = declarations(endpoints, "primary")
    if len(places) < 2:
        return
    reported: set[frozenset] = set()
    for i in range(len(places)):
        for j in range(i + 1, len(places)):
            ea, eb = places[i][1], places[j][1]
            sa = {_base(e.name) for e in ea}
            sb = {_base(e.name) for e in eb}
            if sa == sb:
                continue
            key = frozenset([frozenset(sa), frozenset(sb)])
            if key in reported:
                continue
            reported.add(key)
            disjoint = not (sa & sb)
            pa, pb = ea[0].provenance, eb[0].provenance
            la, lb = " and ".join(sorted(sa)), " and ".join(sorted(sb))
            if disjoint:
                msg = (f"The primary endpoint is {la} in one place ({pa.section or 'text'}, line {pa.span.line}) "
                       f"but {lb} in another ({pb.section or 'text'}, line {pb.span.line}).")
            else:
                msg = (f"The primary endpoints differ between places: {la} ({pa.section or 'text'}, line "
                       f"{pa.span.line}) vs {lb} ({pb.section or 'text'}, line {pb.span.line}).")
            yield ctx.finding(
                "TA304", severity="error" if disjoint else "warning", message=msg,
                observed=f"{lb}", expected=f"{la} (as declared at line {pa.span.line})",
                computation=(f"primary endpoints declared at line {pa.span.line}: {sorted(sa)} (\"{ea[0].surface}\"); "
                             f"at line {pb.span.line}: {sorted(sb)} (\"{eb[0].surface}\"); "
                             + ("no endpoint in common." if disjoint else
                                f"only in one place: {sorted(sa ^ sb)}.")),
                evidence=[ctx.provenance_evidence(pa, role=f"primary endpoint: {la}"),
                          ctx.provenance_evidence(pb, role=f"primary endpoint: {lb}")],
                key=f"{sorted(sa)}|{sorted(sb)}",
                details={"first": sorted(sa), "second": sorted(sb)})
