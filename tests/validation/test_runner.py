"""The runner isolates a crashing check and reports it as an internal finding."""
from trialaudit.extractor.study import extract_study
from trialaudit.extractor.text import parse_text
from trialaudit.validation import registry
from trialaudit.validation.runner import run_checks
from trialaudit.validation.settings import Settings


def test_crashing_rule_becomes_internal_finding(monkeypatch):
    rules = registry.load_rules()
    bad = rules["TA101"]

    def boom(ctx):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setitem(registry._RULES, "TA101", registry.Rule(bad.code, bad.name, bad.severity, bad.family, boom, bad.module))
    doc = parse_text("Results\n\nAll 12 patients were treated with drug A in this study.\n", doc_id="x", source="x")
    findings, ran = run_checks(doc, extract_study(doc), Settings())
    crash = [f for f in findings if f.code == "TA900"]
    assert crash and "TA101" in crash[0].message and crash[0].severity == "warning"
    assert ran >= 4
