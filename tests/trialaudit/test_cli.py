"""The command line: check, rules, dump, corpus; exit codes; JSON shape; bad input."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from trialaudit.cli import app

runner = CliRunner()
LIU = "liu-2025-thalidomide-ifosfamide"


@pytest.fixture(scope="module")
def corpus_json():
    res = runner.invoke(app, ["check", "--format", "json"])
    assert res.exit_code == 1, res.output
    return json.loads(res.stdout)


def test_json_shape(corpus_json):
    assert corpus_json["tool"]["name"] == "trialaudit" and corpus_json["tool"]["version"]
    assert len(corpus_json["articles"]) == 4
    for art in corpus_json["articles"]:
        assert set(art) >= {"id", "source", "status", "error", "findings"}
        for f in art["findings"]:
            assert set(f) >= {"code", "name", "severity", "message", "observed", "expected", "evidence", "fingerprint"}
            for e in f["evidence"]:
                assert set(e) >= {"quote", "line", "section", "table", "row", "column", "page"}


def _liu(corpus_json):
    return next(a for a in corpus_json["articles"] if a["id"] == LIU)


def test_acceptance_findings_on_thalidomide_article(corpus_json):
    """The foundation issue's 'done when' findings, each with evidence lines."""
    fs = _liu(corpus_json)["findings"]
    cat = [f for f in fs if f["code"] == "TA102" and "1 + 12 + 14 + 26 = 53" in f["message"]]
    assert cat and "n = 55" in cat[0]["message"] and all(e["line"] for e in cat[0]["evidence"])
    dcr = [f for f in fs if f["code"] == "TA103" and "DCR 52.73%" in f["message"] and f["expected"] == "49.09%"]
    assert dcr and dcr[0]["severity"] == "error"
    orr = [f for f in fs if f["code"] == "TA103" and "23.63" in f["message"] and f["severity"] == "info"]
    assert orr and orr[0]["rounding"] == "truncation" and orr[0]["expected"] == "23.64%"
    reg = [f for f in fs if f["code"] == "TA301"]
    said = {frozenset(f["observed"].split(" + ")) for f in reg}
    assert frozenset({"cisplatin", "doxorubicin"}) in said
    assert frozenset({"methotrexate", "cisplatin"}) in said
    for f in reg:
        assert {e["line"] for e in f["evidence"]} and all(e["quote"] for e in f["evidence"])


def test_fingerprints_stable_across_runs(corpus_json):
    res = runner.invoke(app, ["check", "--format", "json"])
    again = json.loads(res.stdout)
    fp1 = sorted(f["fingerprint"] for a in corpus_json["articles"] for f in a["findings"])
    fp2 = sorted(f["fingerprint"] for a in again["articles"] for f in a["findings"])
    assert fp1 == fp2


def test_fingerprints_survive_unrelated_edit(tmp_path, corpus_json):
    import trialaudit.corpus as corpus
    art = corpus.get(LIU)
    text = art.read_bytes().decode("utf-8")
    edited = text.replace("#### Introduction\n", "#### Introduction\n\nAn unrelated new paragraph was added here by an editor.\n\n", 1)
    p = tmp_path / (LIU + ".md")
    p.write_text(edited, encoding="utf-8")
    res = runner.invoke(app, ["check", str(p), "--format", "json"])
    fps = {f["fingerprint"] for f in json.loads(res.stdout)["articles"][0]["findings"]}
    before = {f["fingerprint"] for f in _liu(corpus_json)["findings"]}
    assert before <= fps


def test_text_output_and_exit_codes(tmp_path):
    res = runner.invoke(app, ["check"])
    assert res.exit_code == 1
    assert "TA102" in res.stdout and "L188" in res.stdout
    clean = tmp_path / "clean.txt"
    clean.write_text("Results\n\nAll 12 patients were treated and 6 (50.0%) of 12 patients responded.\n")
    assert runner.invoke(app, ["check", str(clean)]).exit_code == 0


def test_bad_inputs_get_status_and_batch_continues(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.md").write_bytes(bytes(range(256)) * 10)
    (tmp_path / "fake.pdf").write_bytes(b"this is not a pdf at all")
    good = tmp_path / "good.txt"
    good.write_text("Results\n\nAll 12 patients were treated with drug A in this study of osteosarcoma.\n")
    res = runner.invoke(app, ["check", str(tmp_path), str(tmp_path / "missing.txt"), "--format", "json"])
    assert res.exit_code == 2
    arts = {a["id"]: a for a in json.loads(res.stdout)["articles"]}
    assert arts["good"]["status"] == "ok"
    assert arts["empty"]["status"] == "error" and "empty" in arts["empty"]["error"]
    assert arts["binary"]["status"] == "error" and "binary" in arts["binary"]["error"]
    assert arts["fake"]["status"] == "error"
    assert arts["missing"]["status"] == "error" and "no such file" in arts["missing"]["error"]
    assert "Traceback" not in res.output


def test_rules_lists_registry():
    res = runner.invoke(app, ["rules", "--format", "json"])
    rules = json.loads(res.stdout)
    codes = {r["code"] for r in rules}
    assert {"TA101", "TA102", "TA103", "TA301"} <= codes
    res = runner.invoke(app, ["rules", "TA102"])
    assert "Known limitations:" in res.stdout
    assert runner.invoke(app, ["rules", "TA000"]).exit_code == 2


def test_select_ignore_and_unknown_option(tmp_path):
    res = runner.invoke(app, ["check", "--select", "TA301", "--format", "json"])
    codes = {f["code"] for a in json.loads(res.stdout)["articles"] for f in a["findings"]}
    assert codes <= {"TA301"}
    cfg = tmp_path / "trialaudit.toml"
    cfg.write_text("[trialaudit]\nselectt = ['TA101']\n")
    res = runner.invoke(app, ["check", "--config", str(cfg)])
    assert res.exit_code == 2 and "unknown option 'selectt'" in res.output


def test_dump_stages():
    for stage in ("lines", "blocks", "sections", "tables", "study", "findings"):
        res = runner.invoke(app, ["dump", LIU, "--stage", stage])
        assert res.exit_code == 0, res.output
        json.loads(res.stdout)


def test_corpus_listing():
    res = runner.invoke(app, ["corpus", "--format", "json"])
    assert len(json.loads(res.stdout)["articles"]) == 4


# --------------------------------------------------------------------------- fail loudly, coverage
ARTICLE_TEXT = ("Methods\n\nPatients were randomised in this trial.\n\nResults\n\n"
                "All 12 patients were treated and 6 (50.0%) of 12 patients responded.\n")


def test_select_accepts_commas_and_repeats():
    res = runner.invoke(app, ["check", "--select", "TA101,TA102", "--select", "arm-regimen-mismatch", "--format", "json"])
    codes = {f["code"] for a in json.loads(res.stdout)["articles"] for f in a["findings"]}
    assert codes and codes <= {"TA101", "TA102", "TA301"}


@pytest.mark.parametrize("args", [["--select", "TA101,TA1O2"], ["--ignore", "no-such-rule"], ["--select", "TA999"]])
def test_unknown_rule_is_a_usage_error(args):
    res = runner.invoke(app, ["check", *args])
    assert res.exit_code == 2
    bad = args[1].split(",")[-1]
    assert bad in res.output and "unknown rule" in res.output


def test_unknown_rule_in_config_is_a_usage_error(tmp_path):
    cfg = tmp_path / "trialaudit.toml"
    cfg.write_text("[trialaudit]\nignore = ['TA101', 'TA77']\n")
    res = runner.invoke(app, ["check", "--config", str(cfg)])
    assert res.exit_code == 2 and "'TA77'" in res.output


def test_folder_skips_project_files_and_reports_unrecognised(tmp_path):
    (tmp_path / "README.md").write_text("# Results of our trial folder\nPatients and methods are in the files.\n")
    (tmp_path / "LICENSE.txt").write_text("MIT License. Permission is hereby granted to patients...\n")
    (tmp_path / "CHANGELOG.md").write_text("## 1.0\n- study results\n")
    (tmp_path / "notes.txt").write_text("shopping list: milk, eggs, bread\n")
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "old.txt").write_text(ARTICLE_TEXT)
    (tmp_path / "article.txt").write_text(ARTICLE_TEXT)
    res = runner.invoke(app, ["check", str(tmp_path), "--exclude", "drafts/*", "--format", "json"])
    arts = {a["id"]: a for a in json.loads(res.stdout)["articles"]}
    assert set(arts) == {"article", "notes"}
    assert arts["notes"]["status"] == "skipped" and "not recognised as an article" in arts["notes"]["error"]
    assert arts["article"]["status"] == "ok"
    assert res.exit_code == 0


def test_own_report_in_the_input_folder_is_not_read_as_an_article(tmp_path):
    (tmp_path / "article.txt").write_text(ARTICLE_TEXT)
    first = runner.invoke(app, ["check", str(tmp_path)]).stdout
    (tmp_path / "run.txt").write_text(first)          # "trialaudit check folder > folder/run.txt"
    (tmp_path / "review.md").write_text("# Internal-consistency review (trialaudit 0.1.0)\n\nPatients, results ...\n")
    res = runner.invoke(app, ["check", str(tmp_path), "--format", "json"])
    arts = {a["id"]: a for a in json.loads(res.stdout)["articles"]}
    assert arts["run"]["status"] == "skipped" and "trialaudit report" in arts["run"]["error"]
    assert arts["review"]["status"] == "skipped" and arts["article"]["status"] == "ok"


def test_nothing_understood_is_its_own_status(tmp_path):
    p = tmp_path / "vague.txt"
    p.write_text("Results\n\nThe patients in this study were treated and followed up.\n")
    res = runner.invoke(app, ["check", str(p), "--format", "json"])
    art = json.loads(res.stdout)["articles"][0]
    assert art["status"] == "not_understood" and "nothing understood" in art["error"]
    text = runner.invoke(app, ["check", str(p)]).stdout
    assert "nothing understood" in text and "1 with nothing understood" in text


def test_coverage_per_article_and_total(corpus_json):
    for art in corpus_json["articles"]:
        cov = art["coverage"]
        assert cov["read"]["tables"] > 0 and cov["read"]["numbers"] > 0
        assert cov["checked"]["percentages"]["checked"] > 0
        for c in cov["checked"].values():
            assert 0 <= c["inconsistent"] <= c["checked"]
    liu = _liu(corpus_json)["coverage"]["checked"]
    assert liu["category_sets"]["inconsistent"] >= 1  # the 1 + 12 + 14 + 26 = 53 finding
    res = runner.invoke(app, ["check"])
    assert "checked: " in res.stdout and "checked in total: " in res.stdout and "percentages" in res.stdout


def test_piped_text_is_not_hard_wrapped(tmp_path):
    res = runner.invoke(app, ["check", "--select", "TA102"])
    long_lines = [ln for ln in res.stdout.splitlines() if len(ln) > 100]
    assert long_lines, "expected unwrapped long lines when output is not a terminal"


# --------------------------------------------------------------------------- batch comfort
def test_version_alias():
    for flag in ("-V", "--version"):
        res = runner.invoke(app, [flag])
        assert res.exit_code == 0 and res.stdout.startswith("trialaudit ")


def test_check_help_has_examples():
    res = runner.invoke(app, ["check", "--help"])
    assert "Examples:" in res.stdout and "--exclude" in res.stdout and "sarif" in res.stdout


def test_sarif_output(tmp_path):
    out = tmp_path / "out.sarif"
    res = runner.invoke(app, ["check", "--select", "TA102,TA103", "-f", "sarif", "-o", str(out)])
    assert res.exit_code == 1, res.output
    log = json.loads(out.read_text())
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert {"TA101", "TA102", "TA301"} <= set(rule_ids)
    assert run["results"]
    for r in run["results"]:
        assert r["ruleId"] in {"TA102", "TA103"} and r["level"] in ("error", "warning", "note")
        assert rule_ids[r["ruleIndex"]] == r["ruleId"]
        loc = r["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"].endswith((".md", ".txt"))
        assert loc["region"]["startLine"] >= 1 and loc["region"]["snippet"]["text"]
        assert r["partialFingerprints"]["trialaudit/v1"]


def test_written_files_respect_umask(tmp_path):
    import os
    import stat

    old = os.umask(0o022)
    try:
        import trialaudit.corpus as corpus
        src = tmp_path / "liu.md"
        src.write_bytes(corpus.get(LIU).read_bytes())
        res = runner.invoke(app, ["extract", str(src), "-o", str(tmp_path / "x"), "-f", "files"])
        assert res.exit_code == 0, res.output
        files = [p for p in (tmp_path / "x").rglob("*") if p.is_file()]
        assert files
        for p in files:
            assert stat.S_IMODE(p.stat().st_mode) == 0o644, p
    finally:
        os.umask(old)


def test_baseline_hides_dismissed_findings(tmp_path, corpus_json):
    from trialaudit.validation.review import find_checklist, load_checklist, record_decision

    d = tmp_path / "review"
    res = runner.invoke(app, ["checklist", LIU, "-o", str(d)])
    assert res.exit_code == 0, res.output
    path = find_checklist(d, LIU)
    first = next(it for it in load_checklist(path).items if it.kind == "finding")
    record_decision(path, first.id, "dismissed", note="not a problem", reviewer="Ann")
    res = runner.invoke(app, ["check", LIU_FILE(), "--baseline", str(d), "--format", "json"])
    fps = {f["fingerprint"] for f in json.loads(res.stdout)["articles"][0]["findings"]}
    assert first.fingerprint not in fps
    assert len(fps) == len(_liu(corpus_json)["findings"]) - 1
    assert runner.invoke(app, ["check", LIU_FILE(), "--baseline", str(tmp_path / "nope")]).exit_code == 2


def LIU_FILE() -> str:
    from importlib import resources

    import trialaudit.corpus as corpus
    return str(resources.files("trialaudit.corpus").joinpath(corpus.get(LIU).file))


def test_rules_code_shows_module_and_fixture_paths():
    import json as _json
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "trialaudit.cli", "rules", "TA101", "-f", "json"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    info = _json.loads(out.stdout)
    assert info["module_path"].endswith("percent_vs_count.py")
    assert info["fixture_path"].endswith("TA101.yaml")


def test_reader_warnings_reach_text_json_html_and_markdown(tmp_path):
    import json as _json
    import subprocess
    import sys

    art = tmp_path / "legacy.md"
    art.write_bytes(b"# Trial\n\n## Results\n\nOf 20 patients, 5 (25%) responded \xb1 2 and 3/12 (33.3%) had fever.\n")
    run = lambda *a: subprocess.run([sys.executable, "-m", "trialaudit.cli", *a], capture_output=True,  # noqa: E731
                                    text=True, timeout=300)
    assert "reader warning" in run("check", str(art)).stdout
    data = _json.loads(run("check", str(art), "-f", "json").stdout)
    assert any("UTF-8" in w for w in data["articles"][0]["warnings"])
    run("report", str(art), "-o", str(tmp_path / "r.html"))
    assert "Reader warning" in (tmp_path / "r.html").read_text(encoding="utf-8")
    run("report", str(art), "-f", "md", "-o", str(tmp_path / "r.md"))
    assert "Reader warning" in (tmp_path / "r.md").read_text(encoding="utf-8")
