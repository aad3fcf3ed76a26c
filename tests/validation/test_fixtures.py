"""One generic test runs every rule's YAML fixture cases (failing and passing)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from trialaudit.extractor.study import extract_study
from trialaudit.extractor.text import parse_text
from trialaudit.validation.registry import all_rules
from trialaudit.validation.runner import run_checks
from trialaudit.validation.settings import Settings

FIXTURES = Path(__file__).resolve().parents[2] / "validation" / "fixtures"


def _cases():
    for path in sorted(FIXTURES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            yield pytest.param(data["rule"], case, id=f"{data['rule']}-{case['id']}")


@pytest.mark.parametrize("code,case", list(_cases()))
def test_fixture_case(code, case):
    doc = parse_text(case["article"], doc_id=case["id"], source=f"fixture:{case['id']}")
    study = extract_study(doc)
    # a case may set options ("settings: {preview: true}" for a finding reported only in preview)
    findings, _ = run_checks(doc, study, Settings(select=[code], **case.get("settings", {})))
    crashed = [f for f in findings if f.code == "TA900"]
    assert not crashed, crashed[0].message
    mine = [f for f in findings if f.code == code]
    if case["expect"] == "pass":
        assert not mine, "unexpected findings:\n" + "\n".join(f.message for f in mine)
        return
    assert mine, f"{code} found nothing in case {case['id']}"
    if "severity" in case:
        assert any(f.severity == case["severity"] for f in mine), [f"{f.severity}: {f.message}" for f in mine]
    if "max_severity" in case:   # only conventions or observations: "no error, no warning" in a failing case
        rank = {"info": 0, "warning": 1, "error": 2}
        assert all(rank[f.severity] <= rank[case["max_severity"]] for f in mine), \
            [f"{f.severity}: {f.message}" for f in mine]
    if "count" in case:
        assert len(mine) == case["count"], [f.message for f in mine]
    if "contains" in case:
        assert any(case["contains"] in (f.message + " " + (f.computation or "")) for f in mine), [f.message for f in mine]
    for f in mine:
        assert f.evidence, "every finding carries evidence"
        assert all(e.quote and (e.line or e.page) for e in f.evidence), f.evidence
        assert f.fingerprint


def test_every_rule_has_fixture_with_failing_and_passing_cases():
    have = {}
    for path in FIXTURES.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert path.stem == data["rule"], f"{path.name} must be named after its rule code"
        have[data["rule"]] = {c["expect"] for c in data["cases"]}
    for r in all_rules():
        if r.family == "internal":
            continue
        assert r.code in have, f"rule {r.code} {r.name} has no fixture file"
        assert have[r.code] >= {"fail", "pass"}, f"{r.code} needs failing and passing cases"
