"""Run the registered checks over one document, isolating failures and bounding time."""
from __future__ import annotations

import math
import time
import traceback

from trialaudit.extractor.memo import parse_once
from trialaudit.extractor.quantities import decimal_comma_article, uses_decimal_comma
from trialaudit.extractor.budget import BudgetExceeded, time_limit
from trialaudit.schemas.document import Document
from trialaudit.schemas.findings import SEVERITY_ORDER, Coverage, Evidence, Finding
from trialaudit.schemas.study import Study

from .context import CheckContext, fingerprint
from .registry import all_rules
from .settings import Settings

INTERNAL_CODE = "TA900"
BUDGET_CODE = "TA901"
_INTERNAL = {INTERNAL_CODE, BUDGET_CODE}


def _crash_finding(code: str, name: str, exc: BaseException, kept: int) -> Finding:
    tb = traceback.extract_tb(exc.__traceback__)
    where = f"{tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno}" if tb else "?"
    ev = [Evidence(quote=f"{type(exc).__name__}: {exc}"[:300], role="internal")]
    missing = ("its findings are missing" if not kept else
               f"its findings after the first {kept} are missing")
    return Finding(
        code=INTERNAL_CODE, name="check-crashed", severity="warning", family="internal",
        message=f"rule {code} {name} crashed on this article ({type(exc).__name__} at {where}); "
                f"{missing}. Please report this.",
        evidence=ev, fingerprint=fingerprint(INTERNAL_CODE, ev, code),
        details={"rule": code, "exception": repr(exc)[:500], "findings_kept": kept})


def _budget_finding(code: str | None, name: str, budget: float, skipped: list[str]) -> Finding:
    where = f"timed out in rule {code} {name}" if code else "time budget used up"
    rest = f"; not run: {', '.join(skipped)}" if skipped else ""
    text = f"{where} after {budget:g} s (article_time_budget_s){rest}"
    ev = [Evidence(quote=text[:300], role="internal")]
    return Finding(
        code=BUDGET_CODE, name="article-budget-exceeded", severity="warning", family="internal",
        message=f"{text}. The findings of those rules are missing for this article.",
        evidence=ev, fingerprint=fingerprint(BUDGET_CODE, ev, code or ""),
        details={"rule": code, "budget_s": budget, "skipped": skipped})


def read_counts(document: Document, study: Study) -> dict[str, int]:
    """How much was read from the article: the base of "nothing understood"."""
    from trialaudit.extractor.quantities import find_quantities

    numbers = sum(1 for t in document.tables for row in t.rows for c in row.cells[1:] if any(map(str.isdigit, c.text)))
    numbers += sum(len(find_quantities(s.text)) for s in document.sentences if s.section_kind != "references"
                   and any(map(str.isdigit, s.text)))
    return {"tables": len(document.tables), "sentences": len(document.sentences), "numbers": numbers,
            "arms": len(study.arms), "outcomes": len(study.outcomes), "effects": len(study.effects),
            "tests": len(study.tests)}


def merge_repeats(findings: list[Finding]) -> list[Finding]:
    """One problem, one finding: the same contradiction printed in several places (abstract, text,
    table) — same rule, severity, observed, expected and computation — becomes one finding whose
    evidence lists every place. The first finding (in rule order: tables before sentences) keeps
    its fingerprint, so decisions recorded on it survive."""
    groups: dict[tuple, Finding] = {}
    out: list[Finding] = []
    for f in findings:
        if not f.computation or f.code in _INTERNAL:
            out.append(f)
            continue
        key = (f.code, f.severity, f.observed, f.expected, f.computation)
        first = groups.get(key)
        if first is None:
            groups[key] = f
            out.append(f)
            continue
        have = {(e.quote, e.line, e.char_start) for e in first.evidence}
        extra = [e for e in f.evidence if (e.quote, e.line, e.char_start) not in have]
        merged = list((first.details or {}).get("merged_fingerprints", [])) + [f.fingerprint]
        first.details = {**(first.details or {}), "merged_fingerprints": merged}
        if extra:
            first.evidence.extend(extra)
            places = int((first.details or {}).get("places", 1)) + 1
            first.details = {**first.details, "places": places}
    for f in out:
        k = int((f.details or {}).get("places", 1))
        if k > 1 and "printed in" not in f.message:
            f.message += f" The same value is printed in {k} places; every place is in the evidence."
    return out


#: (general rule, specific rule): a finding of the general rule whose evidence is all in a finding of the specific
#: rule on the same printed values is the same problem. TA201 checks a printed t against its P; TA203 checks the same
#: t and P against the means and SDs beside them and says which number is the odd one out.
_SUBSUMED_BY = {("TA201", "TA203")}


def merge_subsumed(findings: list[Finding]) -> list[Finding]:
    """One problem, one finding across rules: a TA201 finding (printed t vs its P) whose evidence cells all appear in
    a TA203 finding about the same printed t and P (recomputed from the means) joins that finding: its fingerprint is
    listed as merged and the more severe of the two severities is kept."""
    drop: set[int] = set()
    for general, specific in _SUBSUMED_BY:
        for i, f in enumerate(findings):
            if f.code != general or i in drop:
                continue
            cells = {(e.line, e.char_start, e.quote) for e in f.evidence}
            for g in findings:
                if g.code != specific or g.observed != f.observed or not cells:
                    continue
                if cells <= {(e.line, e.char_start, e.quote) for e in g.evidence}:
                    merged = list((g.details or {}).get("merged_fingerprints", [])) + [f.fingerprint]
                    g.details = {**(g.details or {}), "merged_fingerprints": merged}
                    if SEVERITY_ORDER[f.severity] < SEVERITY_ORDER[g.severity]:
                        g.severity = f.severity
                        g.changes_conclusion = g.changes_conclusion or f.changes_conclusion
                    drop.add(i)
                    break
    return [f for i, f in enumerate(findings) if i not in drop]


def run_checks(document: Document, study: Study, settings: Settings | None = None,
               coverage: Coverage | None = None) -> tuple[list[Finding], int]:
    """Run every selected rule; a crashing rule becomes an internal finding.

    A rule that crashes part-way keeps the findings it yielded before the
    crash (TA900 says how many). The rules on one article share
    ``settings.article_time_budget_s``: the rule running when it runs out is
    stopped, the rest are skipped, and a TA901 finding names them.

    Returns the findings (sorted by severity, then position) and the number of
    rules run. When ``coverage`` is given it is filled with what was read and
    what each rule examined (rules report items through ``ctx.coverage.count``);
    the findings of a rule count as inconsistencies of the first kind it examined.
    """
    # every rule reads the same sentences' quantities: scan each once; "12,5" is a decimal only in an
    # article that prints decimal commas
    with parse_once(), decimal_comma_article(uses_decimal_comma(document.text)):
        return _run_checks(document, study, settings or Settings(),
                           coverage if coverage is not None else Coverage())


def _run_checks(document: Document, study: Study, settings: Settings,
                coverage: Coverage) -> tuple[list[Finding], int]:
    coverage.read.update(read_counts(document, study))
    ctx = CheckContext(document=document, study=study, settings=settings)
    findings: list[Finding] = []
    ran = 0
    rule_kind: dict[str, str] = {}
    budget = settings.article_time_budget_s
    deadline = time.monotonic() + budget if math.isfinite(budget) else math.inf
    rules = [r for r in all_rules() if r.code not in _INTERNAL and settings.wants(r.code, r.name, r.preview is not None)]
    for i, r in enumerate(rules):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            findings.append(_budget_finding(None, "", budget, [x.code for x in rules[i:]]))
            break
        ran += 1
        out: list[Finding] = []
        ctx.coverage = Coverage()
        try:
            with time_limit(remaining):
                for f in r.func(ctx) or []:
                    out.append(f)
        except BudgetExceeded:
            findings.extend(f for f in out if isinstance(f, Finding))
            findings.append(_budget_finding(r.code, r.name, budget, [x.code for x in rules[i + 1:]]))
            break
        except Exception as exc:  # noqa: BLE001 - isolate any crash in a check
            findings.extend(f for f in out if isinstance(f, Finding))
            findings.append(_crash_finding(r.code, r.name, exc, len(out)))
            continue
        finally:  # a crashed or stopped rule still counts what it examined
            for kind, c in ctx.coverage.checked.items():
                coverage.count(kind, c.checked)
                rule_kind.setdefault(r.code, kind)
        findings.extend(f for f in out if isinstance(f, Finding))
    seen: set[str] = set()
    unique: list[Finding] = []
    for f in findings:
        if f.fingerprint in seen:
            continue
        seen.add(f.fingerprint)
        unique.append(f)
    unique = merge_subsumed(merge_repeats(unique))
    floor = SEVERITY_ORDER[settings.min_severity]
    unique = [f for f in unique if SEVERITY_ORDER[f.severity] <= floor]
    if document.xml_paths:
        for f in unique:
            for ev in f.evidence:
                if ev.char_start is not None and ev.xml_path is None:
                    sp = document.xml_path_at(ev.char_start)
                    ev.xml_path = sp.path if sp else None
    unique.sort(key=lambda f: (SEVERITY_ORDER[f.severity], (f.evidence[0].line or 0) if f.evidence else 0, f.code))
    for f in unique:
        if f.code in rule_kind and f.severity != "info":
            coverage.flag(rule_kind[f.code])
    for c in coverage.checked.values():
        c.checked = max(c.checked, c.inconsistent)  # a flagged item was examined, even if uncounted
    return unique, ran
