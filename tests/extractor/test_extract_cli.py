"""`trialaudit extract` / `trialaudit schema` and the Python API, with typer's CliRunner."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trialaudit.cli import app
from trialaudit.extract_api import ArticleExtraction, extract_frames, extract_paths, extraction_schema

runner = CliRunner()

ARTICLE = """# A randomised trial of drug A plus B versus B alone

## Abstract

A total of 120 patients were randomized (60 in the A+B group and 60 in the B group). The ORR was 40.0% in the A+B group and 25.0% in the B group.

## Results

Table 2. Efficacy

| Outcome | A+B group (n = 60) | B group (n = 60) | P value |
|---|---|---|---|
| Partial response | 21 (35.0) | 14 (23.3) | |
| Objective response rate, n (%) | 24 (40.0) | 15 (25.0) | 0.08 |
"""


@pytest.fixture()
def batch(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.md").write_text(ARTICLE, encoding="utf-8")
    (d / "empty.txt").write_text("", encoding="utf-8")
    (d / "binary.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    return d


def test_extract_json_one_file(tmp_path: Path):
    f = tmp_path / "a.md"
    f.write_text(ARTICLE, encoding="utf-8")
    res = runner.invoke(app, ["extract", str(f), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    art = data["articles"][0]
    assert art["id"] == "a" and art["status"] == "ok" and art["source"].endswith("a.md")
    arms = {a["label"]: a for a in art["study"]["arms"]}
    assert arms["A+B group"]["n"] == 60 and "aliases" in arms["B group"]
    assert any(o["measure"] == "ORR" for o in art["study"]["outcomes"])


def test_extract_files_tables_and_bad_files(batch: Path, tmp_path: Path):
    out = tmp_path / "out"
    res = runner.invoke(app, ["extract", str(batch), "-o", str(out), "--no-progress"])
    assert res.exit_code == 2, res.output          # two unreadable files
    good = json.loads((out / "good.json").read_text(encoding="utf-8"))
    assert good["status"] == "ok" and good["study"]["arms"]
    ArticleExtraction.model_validate(good)          # validates against the published model/schema
    empty = json.loads((out / "empty.json").read_text(encoding="utf-8"))
    assert empty["status"] == "error" and "empty" in empty["error"] and empty["study"] is None
    binary = json.loads((out / "binary.json").read_text(encoding="utf-8"))
    assert binary["status"] == "error" and "binary" in binary["error"]
    for name in ("study", "arms", "regimens", "outcomes", "adverse_events", "baseline", "tests", "references"):
        assert (out / f"{name}.csv").is_file(), name
    import pandas as pd

    outcomes = pd.read_csv(out / "outcomes.csv")
    row = outcomes[(outcomes.measure == "ORR") & (outcomes.table == "Table 2") & (outcomes.arm == "A+B group")].iloc[0]
    assert row["count"] == 24 and row["percent"] == 40.0 and row["p"] == 0.08 and row["line"] > 0
    study = pd.read_csv(out / "study.csv")
    assert set(study.status) == {"ok", "error"} and len(study) == 3
    assert not list(out.glob("*.tmp")) and not list(out.glob(".*.tmp"))


@pytest.mark.parametrize("fmt,ext", [("parquet", "parquet"), ("xlsx", "xlsx")])
def test_extract_table_formats(tmp_path: Path, fmt: str, ext: str):
    f = tmp_path / "a.md"
    f.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    res = runner.invoke(app, ["extract", str(f), "-o", str(out), "--table-format", fmt, "-q"])
    assert res.exit_code == 0, res.output
    assert (out / f"outcomes.{ext}").is_file() and (out / "a.json").is_file()


def test_missing_table_library_gives_a_clear_message(tmp_path: Path, monkeypatch):
    import builtins

    real = builtins.__import__

    def fake(name, *a, **k):
        if name == "pyarrow":
            raise ImportError("No module named 'pyarrow'")
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", fake)
    f = tmp_path / "a.md"
    f.write_text(ARTICLE, encoding="utf-8")
    res = runner.invoke(app, ["extract", str(f), "-o", str(tmp_path / "o"), "--table-format", "parquet"])
    assert res.exit_code == 2
    assert "pyarrow" in res.output


def test_files_format_needs_output(tmp_path: Path):
    f = tmp_path / "a.md"
    f.write_text(ARTICLE, encoding="utf-8")
    res = runner.invoke(app, ["extract", str(f), "--format", "files"])
    assert res.exit_code == 2 and "-o" in res.output


def test_schema_command():
    res = runner.invoke(app, ["schema"])
    assert res.exit_code == 0
    schema = json.loads(res.stdout)
    assert set(schema["properties"]) == {"id", "source", "status", "error", "study"}
    assert "Study" in schema["$defs"] and schema == extraction_schema()


def test_python_api_jobs_and_frames(batch: Path):
    seen = []
    arts = extract_paths([batch], jobs=2, on_result=lambda a: seen.append(a.id))
    assert [a.id for a in arts] == sorted(seen, key=[a.id for a in arts].index)
    assert {a.id: a.status for a in arts} == {"binary": "error", "empty": "error", "good": "ok"}
    dfs = extract_frames([batch / "good.md"])
    assert {"study", "arms", "regimens", "outcomes", "adverse_events", "baseline", "tests", "references"} <= set(dfs)
    assert (dfs["outcomes"]["measure"] == "PR").any()
    assert str(dfs["outcomes"]["percent"].dtype) == "Float64"


def _validate(instance, schema, root, path="$"):
    """A small JSON Schema validator for the subset pydantic emits (no third-party dependency)."""
    if "$ref" in schema:
        name = schema["$ref"].split("/")[-1]
        return _validate(instance, root["$defs"][name], root, path)
    if "anyOf" in schema:
        errors = []
        for sub in schema["anyOf"]:
            try:
                _validate(instance, sub, root, path)
                return
            except AssertionError as exc:
                errors.append(str(exc))
        raise AssertionError(f"{path}: matches no anyOf branch: {errors}")
    if "enum" in schema:
        assert instance in schema["enum"], f"{path}: {instance!r} not in {schema['enum']}"
    if "const" in schema:
        assert instance == schema["const"], path
    t = schema.get("type")
    types = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "null": type(None),
             "array": list, "object": dict}
    if t is not None:
        ok = isinstance(instance, types[t]) and not (t in ("integer", "number") and isinstance(instance, bool))
        assert ok, f"{path}: expected {t}, got {type(instance).__name__}"
    if t == "object":
        props = schema.get("properties", {})
        for k in schema.get("required", []):
            assert k in instance, f"{path}: missing {k}"
        if schema.get("additionalProperties") is False:
            extra = set(instance) - set(props)
            assert not extra, f"{path}: unexpected {extra}"
        for k, v in instance.items():
            if k in props:
                _validate(v, props[k], root, f"{path}.{k}")
    if t == "array":
        if "prefixItems" in schema:
            for i, (v, s) in enumerate(zip(instance, schema["prefixItems"])):
                _validate(v, s, root, f"{path}[{i}]")
        if "items" in schema:
            for i, v in enumerate(instance):
                _validate(v, schema["items"], root, f"{path}[{i}]")


def test_outputs_validate_against_the_published_schema(batch: Path, tmp_path: Path):
    out = tmp_path / "out"
    runner.invoke(app, ["extract", str(batch), "-o", str(out), "--no-progress"])
    schema = extraction_schema()
    for f in out.glob("*.json"):
        _validate(json.loads(f.read_text(encoding="utf-8")), schema, schema)
    bad = {"id": "x", "source": "x", "status": "maybe", "error": None, "study": None}
    with pytest.raises(AssertionError):
        _validate(bad, schema, schema)


def test_bundled_corpus_extracts_and_validates(tmp_path: Path):
    out = tmp_path / "out"
    res = runner.invoke(app, ["extract", "-o", str(out), "--jobs", "2"])
    assert res.exit_code == 0, res.output
    schema = extraction_schema()
    files = sorted(out.glob("*.json"))
    assert len(files) == 4
    for f in files:
        data = json.loads(f.read_text(encoding="utf-8"))
        _validate(data, schema, schema)
        assert data["status"] == "ok" and data["study"]["outcomes"]


def test_interrupted_batch_keeps_finished_articles(tmp_path: Path, monkeypatch):
    import trialaudit.extract_api as api_mod

    d = tmp_path / "in"
    d.mkdir()
    for name in ("a", "b", "c"):
        (d / f"{name}.md").write_text(ARTICLE, encoding="utf-8")
    real = api_mod.extract_one

    def flaky(spec):
        if spec.id == "b":
            raise KeyboardInterrupt
        return real(spec)

    monkeypatch.setattr(api_mod, "extract_one", flaky)
    out = tmp_path / "out"
    res = runner.invoke(app, ["extract", str(d), "-o", str(out), "--no-progress"])
    assert res.exit_code == 130
    assert (out / "a.json").is_file() and not (out / "b.json").exists() and not (out / "c.json").exists()
    assert (out / "outcomes.csv").is_file()        # the tables of what finished


def test_every_tidy_table_has_distinct_column_names():
    from trialaudit.extractor.export import COLUMNS, TABLE_NAMES
    for name in TABLE_NAMES:
        cols = COLUMNS[name]
        assert len(cols) == len(set(cols)), (name, [c for c in cols if cols.count(c) > 1])
