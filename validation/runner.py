"""Run the registered checks over one document, isolating failures."""
from __future__ import annotations

import traceback

from trialaudit.schemas.document import Document
from trialaudit.schemas.findings import SEVERITY_ORDER, Coverage, Evidence, Finding
from trialaudit.schemas.study import Study

from .context import CheckContext, fingerprint
from .registry import all_rules
from .settings import Settings

INTERNAL_CODE = "TA900"


def read_counts(document: Document, study: Study) -> dict[str, int]:
    """How much was read from the article: the base of "nothing understood"."""
    from trialaudit.extractor.quantities import find_quantities

    numbers = sum(1 for t in document.tables for row in t.rows for c in row.cells[1:] if any(ch.isdigit() for ch in c.text))
    numbers += sum(len(find_quantities(s.text)) for s in document.sentences if s.section_kind != "references"
                   and any(ch.isdigit() for ch in s.text))
    return {"tables": len(document.tables), "sentences": len(document.sentences), "numbers": numbers,
            "arms": len(study.arms), "outcomes": len(study.outcomes), "effects": len(study.effects),
            "tests": len(study.tests)}


def run_checks(document: Document, study: Study, settings: Settings | None = None,
               coverage: Coverage | None = None) -> tuple[list[Finding], int]:
    """Run every selected rule; a crashing rule becomes an internal finding.

    Returns the findings (sorted by severity, then position) and the number of
    rules run. When ``coverage`` is given it is filled with what was read and
    what each rule examined (rules report items through ``ctx.coverage.count``);
    the findings of a rule count as inconsistencies of the first kind it examined.
    """
    settings = settings or Settings()
    coverage = coverage if coverage is not None else Coverage()
    coverage.read.update(read_counts(document, study))
    ctx = CheckContext(document=document, study=study, settings=settings)
    findings: list[Finding] = []
    ran = 0
    rule_kind: dict[str, str] = {}
    for r in all_rules():
        if r.code == INTERNAL_CODE or not settings.wants(r.code, r.name):
            continue
        ran += 1
        ctx.coverage = Coverage()
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
        finally:
            for kind, c in ctx.coverage.checked.items():
                coverage.count(kind, c.checked)
                rule_kind.setdefault(r.code, kind)
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
    for f in unique:
        if f.code in rule_kind and f.severity != "info":
            coverage.flag(rule_kind[f.code])
    for c in coverage.checked.values():
        c.checked = max(c.checked, c.inconsistent)  # a flagged item was examined, even if uncounted
    return unique, ran
