"""Run the registered checks over one document, isolating failures."""
from __future__ import annotations

import traceback

from trialaudit.extractor.memo import parse_once
from trialaudit.schemas.document import Document
from trialaudit.schemas.findings import SEVERITY_ORDER, Evidence, Finding
from trialaudit.schemas.study import Study

from .context import CheckContext, fingerprint
from .registry import all_rules
from .settings import Settings

INTERNAL_CODE = "TA900"


def run_checks(document: Document, study: Study, settings: Settings | None = None) -> tuple[list[Finding], int]:
    """Run every selected rule; a crashing rule becomes an internal finding.

    Returns the findings (sorted by severity, then position) and the number of
    rules run.
    """
    with parse_once():  # every rule reads the same sentences' quantities: scan each once
        return _run_checks(document, study, settings or Settings())


def _run_checks(document: Document, study: Study, settings: Settings) -> tuple[list[Finding], int]:
    ctx = CheckContext(document=document, study=study, settings=settings)
    findings: list[Finding] = []
    ran = 0
    for r in all_rules():
        if r.code == INTERNAL_CODE or not settings.wants(r.code, r.name):
            continue
        ran += 1
        try:
            out = list(r.func(ctx) or [])
        except Exception as exc:  # noqa: BLE001 - isolate any crash in a check
            tb = traceback.extract_tb(exc.__traceback__)
            where = f"{tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno}" if tb else "?"
            ev = [Evidence(quote=f"{type(exc).__name__}: {exc}"[:300], role="internal")]
            findings.append(Finding(
                code=INTERNAL_CODE, name="check-crashed", severity="warning", family="internal",
                message=f"rule {r.code} {r.name} crashed on this article ({type(exc).__name__} at {where}); "
                        f"its findings are missing. Please report this.",
                evidence=ev, fingerprint=fingerprint(INTERNAL_CODE, ev, r.code),
                details={"rule": r.code, "exception": repr(exc)[:500]}))
            continue
        for f in out:
            if isinstance(f, Finding):
                findings.append(f)
    seen: set[str] = set()
    unique: list[Finding] = []
    for f in findings:
        if f.fingerprint in seen:
            continue
        seen.add(f.fingerprint)
        unique.append(f)
    floor = SEVERITY_ORDER[settings.min_severity]
    unique = [f for f in unique if SEVERITY_ORDER[f.severity] <= floor]
    unique.sort(key=lambda f: (SEVERITY_ORDER[f.severity], (f.evidence[0].line or 0) if f.evidence else 0, f.code))
    return unique, ran
