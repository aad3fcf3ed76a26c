"""SARIF 2.1.0 output of a check run, for CI and code-review integrations.

One run; the tool's rules come from the registry; each finding is a result
whose locations are the article file and the line region of each piece of
evidence. Articles that could not be checked become tool execution
notifications, so a CI sees them.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from trialaudit.schemas.findings import CheckRun, Evidence, Finding

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
# article statuses that mean the tool failed on it (skipped and not_understood are only notes)
_FAILED = ("error", "timeout", "worker died")


def _uri(source: str, base: Path | None) -> str:
    p = Path(source)
    if base is not None:
        try:
            return p.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            pass
    return p.resolve().as_uri() if p.is_absolute() or p.exists() else p.as_posix()


def _location(uri: str, ev: Evidence, base_id: str | None) -> dict[str, Any]:
    phys: dict[str, Any] = {"artifactLocation": {"uri": uri}}
    if base_id:
        phys["artifactLocation"]["uriBaseId"] = base_id
    region: dict[str, Any] = {}
    if ev.line:
        region["startLine"] = ev.line
        if ev.line_end and ev.line_end >= ev.line:
            region["endLine"] = ev.line_end
    if ev.char_start is not None and ev.char_end is not None and ev.char_end > ev.char_start:
        region["charOffset"] = ev.char_start
        region["charLength"] = ev.char_end - ev.char_start
    if ev.quote:
        region["snippet"] = {"text": ev.quote}
    if region:
        phys["region"] = region
    loc: dict[str, Any] = {"physicalLocation": phys}
    where = " ".join(x for x in (ev.section, ev.table, f"row '{ev.row}'" if ev.row else None,
                                 f"column '{ev.column}'" if ev.column else None, ev.role and f"({ev.role})") if x)
    if where:
        loc["message"] = {"text": where}
    return loc


def _result(f: Finding, uri: str, rule_index: dict[str, int], base_id: str | None) -> dict[str, Any]:
    text = f.message
    if f.observed is not None or f.expected is not None:
        text += f" Observed: {f.observed}; expected: {f.expected}."
    res: dict[str, Any] = {
        "ruleId": f.code,
        "level": _LEVEL[f.severity],
        "message": {"text": text},
        "locations": [_location(uri, e, base_id) for e in f.evidence if e.line or e.char_start is not None][:1]
        or [{"physicalLocation": {"artifactLocation": {"uri": uri, **({"uriBaseId": base_id} if base_id else {})}}}],
        "partialFingerprints": {"trialaudit/v1": f.fingerprint},
        "properties": {"name": f.name, "family": f.family},
    }
    if f.code in rule_index:
        res["ruleIndex"] = rule_index[f.code]
    related = [_location(uri, e, base_id) for e in f.evidence[1:]]
    if related:
        for i, r in enumerate(related):
            r["id"] = i + 1
        res["relatedLocations"] = related
    if f.computation:
        res["properties"]["computation"] = f.computation
    return res


def to_sarif(run: CheckRun, base: Path | None = None) -> dict[str, Any]:
    """The run as a SARIF 2.1.0 log. With ``base``, file URIs are relative to it (``%SRCROOT%``)."""
    from trialaudit.validation.registry import all_rules

    rules = [r for r in all_rules()]
    rule_index = {r.code: i for i, r in enumerate(rules)}
    driver = {
        "name": run.tool.name,
        "version": run.tool.version,
        "informationUri": "https://pypi.org/project/trialaudit/",
        "rules": [{
            "id": r.code, "name": r.name,
            "shortDescription": {"text": r.summary},
            "fullDescription": {"text": r.doc},
            "defaultConfiguration": {"level": _LEVEL[r.severity]},
            "properties": {"family": r.family},
        } for r in rules],
    }
    base_id = "SRCROOT" if base is not None else None
    results: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    for art in run.articles:
        uri = _uri(art.source, base)
        for f in art.findings:
            results.append(_result(f, uri, rule_index, base_id))
        if art.status != "ok":
            notes.append({"level": "error" if art.status in _FAILED else "warning",
                          "message": {"text": f"{art.id}: {art.status}: {art.error or ''}".strip()},
                          "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}}}]})
    sarif_run: dict[str, Any] = {
        "tool": {"driver": driver},
        "results": results,
        "invocations": [{"executionSuccessful": not any(a.status in _FAILED for a in run.articles),
                         "toolExecutionNotifications": notes}],
    }
    if base is not None:
        sarif_run["originalUriBaseIds"] = {"SRCROOT": {"uri": base.resolve().as_uri() + "/"}}
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [sarif_run]}
