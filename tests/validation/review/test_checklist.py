"""validation.review: per-article audit checklists with reviewer decisions."""
from __future__ import annotations

import csv
import os
import sys
import types
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

try:
    from tests.validation import review_fixtures as fx
except ImportError:  # pragma: no cover
    import review_fixtures as fx  # type: ignore[no-redef]

from trialaudit.schemas.checklist import Checklist
from trialaudit.schemas.findings import ArticleResult, ToolInfo
from trialaudit.validation import review as ck
from trialaudit.validation.review import (FAMILY_TO_ITEM, STANDARD_ITEMS, ChecklistError, build_checklist, checklist_path,
                                  export_decisions_csv, load_checklist, record_decision, status, write_checklist)

FAMILIES = ["arithmetic", "statistics", "consistency", "regimen", "sample-size", "endpoints", "registry",
            "significance", "references", "plausibility", "internal"]


def fid(f) -> str:
    return f"F-{f.fingerprint[:10]}"


def by_code(code: str):
    return next(f for f in fx.nsclc_findings() if f.code == code)


@pytest.fixture()
def written(tmp_path) -> Path:
    upd = write_checklist(tmp_path, fx.nsclc_result(), {"n_randomised": 120, "registry_ids": ["NCT04123456"]})
    return Path(upd.path)


# --------------------------------------------------------------------------- build

def test_build_items_ids_and_assessments():
    cl = build_checklist(fx.nsclc_result())
    ids = [it.id for it in cl.items]
    std = [i for i in ids if i.startswith("S-")]
    assert std == [s for s in STANDARD_ITEMS if s != "S-other"]  # the catch-all only when needed
    assert sorted(i for i in ids if i.startswith("F-")) == sorted(fid(f) for f in fx.nsclc_findings())
    assert all(it.decision == "unreviewed" for it in cl.items)
    item = {it.id: it for it in cl.items}
    assert item["S-primary-endpoint"].tool_assessment == "no finding"
    tables = item["S-tables-add-up"]
    assert tables.tool_assessment == ("3 findings from category-sum, percent-vs-count, ae-total "
                                      "(1 error, 1 warning, 1 info)")
    assert set(tables.related) == {fid(by_code(c)) for c in
                                   ("arithmetic.category-sum", "arithmetic.percent-vs-count", "plausibility.ae-total")}
    assert any(ev.quote == "26 (45.3)" and 'column "pr"' in ev.where for ev in tables.evidence)
    assert item["S-statistics"].tool_assessment == "1 finding from chi-square (1 warning)"
    assert item["S-registry"].related == [fid(by_code("registry.id-mismatch"))]
    f = item[fid(by_code("arithmetic.percent-vs-count"))]
    assert (f.kind, f.code, f.severity, f.observed, f.expected) == (
        "finding", "arithmetic.percent-vs-count", "warning", "45.3%", "43.3%")
    assert f.evidence[0].where == 'Results, Table 2, row "observation  group", column "pr", line 20'


def test_every_family_maps_to_a_standard_item():
    for fam in FAMILIES:
        assert FAMILY_TO_ITEM[fam] in STANDARD_ITEMS
    f = fx.make_finding("internal.primary-endpoint-switch", "Primary endpoint differs", "error", "m", "consistency",
                        [fx.Evidence(quote="q")])
    g = fx.make_finding("consistency.odd", "Something else", "info", "m", "internal", [fx.Evidence(quote="q")])
    cl = build_checklist(ArticleResult(id="a", source="a.txt", findings=[f, g]))
    item = {it.id: it for it in cl.items}
    assert item["S-primary-endpoint"].related == [fid(f)]
    assert item["S-other"].related == [fid(g)]


def test_study_summary_facts():
    cl = build_checklist(fx.nsclc_result(), {"n_randomised": 120, "registry_ids": ["NCT04123456"], "x": 1})
    item = {it.id: it for it in cl.items}
    assert item["S-sample-size"].facts == {"n_randomised": 120}
    assert item["S-registry"].facts == {"registry_ids": ["NCT04123456"]}
    assert cl.study == {"n_randomised": 120, "registry_ids": ["NCT04123456"], "x": 1}
    assert item["S-primary-endpoint"].tool_assessment == "no finding; no primary endpoint was identified"
    clean = build_checklist(fx.clean_result(), {"registry_ids": []})
    assert {it.id: it for it in clean.items}["S-registry"].tool_assessment == \
        "no finding; no registry id was found in the article"
    assert {it.id: it for it in build_checklist(fx.clean_result()).items}["S-registry"].tool_assessment == "no finding"


def test_study_summary_from_study():
    from trialaudit.schemas.study import Study

    s = Study(id="x", registry_ids=["NCT01234567"], total_n=120)
    assert ck.study_summary(s) == {"sample_size": 120, "registry_ids": ["NCT01234567"]}


def test_fingerprint_prefix_collision_gets_longer_id():
    a = fx.make_finding("x.a", "A", "error", "a", "arithmetic", [], fingerprint="abcdef0123" + "1" * 30)
    b = fx.make_finding("x.b", "B", "error", "b", "arithmetic", [], fingerprint="abcdef0123" + "2" * 30)
    dup = a.model_copy()
    cl = build_checklist(ArticleResult(id="a", source="a", findings=[a, b, dup]))
    assert [it.id for it in cl.items if it.kind == "finding"] == ["F-abcdef0123", "F-abcdef0123222222"]


# --------------------------------------------------------------------------- write / load

def test_write_creates_yaml_markdown_and_csv(tmp_path, written):
    assert written == checklist_path(tmp_path, "nsclc-camrelizumab")
    assert written.name == "nsclc-camrelizumab.checklist.yaml"
    md = written.with_name("nsclc-camrelizumab.checklist.md").read_text()
    rows = list(csv.DictReader(written.with_name("nsclc-camrelizumab.checklist.csv").open(encoding="utf-8-sig")))
    cl = load_checklist(written)
    assert isinstance(cl, Checklist) and cl.article_id == "nsclc-camrelizumab"
    assert len(rows) == len(cl.items) == 8 + 7
    assert "## Standard checks" in md and "## Findings" in md and "### [ ] S-registry" in md
    assert "26 (45.3)" in md
    text = written.read_text()
    assert text.startswith("# trialaudit audit checklist")
    data = yaml.safe_load(text)
    assert all("decision" in it and "id" in it for it in data["items"])
    # round trip: what is on disk is what was built
    assert load_checklist(written).model_dump() == cl.model_dump()


def test_load_errors_name_file_and_line(written):
    lines = written.read_text().splitlines(keepends=True)
    target = fid(by_code("regimen.dose-mismatch"))
    start = next(i for i, ln in enumerate(lines) if ln.strip() == f"- id: {target}")
    n = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("decision:"))
    lines[n] = lines[n].replace("unreviewed", "confirmd")
    written.write_text("".join(lines))
    with pytest.raises(ChecklistError) as e:
        load_checklist(written)
    assert str(e.value).startswith(
        f"nsclc-camrelizumab.checklist.yaml line {n + 1}: decision 'confirmd' is not one of "
        "confirmed, dismissed, query-authors, unreviewed")
    assert target in str(e.value) and e.value.line == n + 1


def _insert(ls: list[str], i: int, text: str) -> int:
    ls.insert(i, text)
    return i


def _set(ls: list[str], i: int, text: str) -> int:
    ls[i] = text
    return i


@pytest.mark.parametrize("edit,expected", [
    (lambda ls, n: _insert(ls, n + 1, "    notes: typo in the key\n"), "unknown field 'notes'"),
    (lambda ls, n: _insert(ls, n + 1, "    decision: confirmed\n"), "duplicate key 'decision'"),
    (lambda ls, n: _set(ls, n, "    decision: [confirmed\n"), "invalid YAML"),
    (lambda ls, n: _set(ls, n + 3, "    decided_at: yesterday-ish\n"), "decided_at: Input should be a valid datetime"),
    (lambda ls, n: _set(ls, n - 3, "  - idx: S-primary-endpoint\n"), "unknown field 'idx'"),
])
def test_hand_edit_errors(written, edit, expected):
    lines = written.read_text().splitlines(keepends=True)
    n = next(i for i, ln in enumerate(lines) if ln.strip().startswith("decision:"))
    assert lines[n + 3].strip() == "decided_at: null" and lines[n - 3].strip().startswith("- id:")
    bad = edit(lines, n)
    written.write_text("".join(lines))
    with pytest.raises(ChecklistError) as e:
        load_checklist(written)
    msg = str(e.value)
    assert msg.startswith("nsclc-camrelizumab.checklist.yaml line ") and expected in msg, msg
    if expected == "invalid YAML":  # YAML notices the unclosed "[" on the next line, and says where it began
        assert e.value.line == bad + 2 and f"started on line {bad + 1}" in msg
    else:
        assert e.value.line == bad + 1


def test_hand_edit_that_is_valid(written):
    text = written.read_text()
    text = text.replace("decision: unreviewed\n    note: null\n    reviewer: null",
                        "decision: query-authors\n    note: no\n    reviewer: 2024", 1)
    written.write_text(text)
    cl = load_checklist(written)
    first = cl.items[0]
    # YAML would read "no" as false and 2024 as a number: text fields keep what was written
    assert (first.decision, first.note, first.reviewer) == ("query-authors", "no", "2024")


def test_missing_or_not_a_checklist(tmp_path):
    with pytest.raises(ChecklistError, match="no such checklist"):
        load_checklist(tmp_path / "nope.checklist.yaml")
    p = tmp_path / "x.checklist.yaml"
    p.write_text("- just\n- a list\n")
    with pytest.raises(ChecklistError, match="line 1: expected a mapping"):
        load_checklist(p)


# --------------------------------------------------------------------------- decisions

def test_record_decision(written):
    iid = fid(by_code("arithmetic.category-sum"))
    item = record_decision(written, iid, "confirmed", note="12+26+15+9 = 62, not 60", reviewer="A. Reviewer")
    assert (item.decision, item.note, item.reviewer) == ("confirmed", "12+26+15+9 = 62, not 60", "A. Reviewer")
    assert item.decided_at and (datetime.now(timezone.utc) - item.decided_at).total_seconds() < 60
    again = load_checklist(written).item(iid)
    assert again == item
    # a changed decision keeps the earlier one in history; a unique id prefix works
    item = record_decision(written, iid[:8], "query-authors", reviewer="B")
    assert item.decision == "query-authors" and item.note == "12+26+15+9 = 62, not 60" and item.reviewer == "B"
    assert [(h.decision, h.reviewer) for h in item.history] == [("confirmed", "A. Reviewer")]
    assert written.with_name(written.name + ".bak").exists()
    md = written.with_name("nsclc-camrelizumab.checklist.md").read_text()
    assert f"### [?] {iid}" in md and "query-authors by B" in md


def test_record_decision_rejects_bad_input(written):
    before = written.read_bytes()
    with pytest.raises(ChecklistError, match="decision 'confirmd' is not one of confirmed, dismissed"):
        record_decision(written, "S-registry", "confirmd")
    with pytest.raises(ChecklistError, match="item 'F-nope' not found"):
        record_decision(written, "F-nope", "confirmed")
    with pytest.raises(ChecklistError, match="is ambiguous"):
        record_decision(written, "F-", "confirmed")
    assert written.read_bytes() == before


# --------------------------------------------------------------------------- re-runs

def test_rerun_keeps_decisions_adds_new_and_resolves_vanished(tmp_path, written):
    pct = fid(by_code("arithmetic.percent-vs-count"))
    reg = fid(by_code("registry.id-mismatch"))
    record_decision(written, pct, "dismissed", note="rounding in the source", reviewer="Ann")
    record_decision(written, reg, "query-authors", note="which id is right?", reviewer="Ann")
    record_decision(written, "S-registry", "confirmed", reviewer="Ann")
    record_decision(written, "S-sample-size", "confirmed", reviewer="Ann")
    before = written.read_bytes()

    upd = write_checklist(tmp_path, fx.nsclc_result(findings=fx.rerun_findings()))
    new = next(f for f in fx.rerun_findings() if f.code == "references.irrelevant")
    assert upd.created is False
    assert upd.added == [fid(new)] and upd.resolved == [reg] and upd.reopened == []
    assert set(upd.kept) == {fid(f) for f in fx.nsclc_findings() if f.code != "registry.id-mismatch"}
    assert upd.rechecks == ["S-registry"]  # its assessment changed after it was confirmed
    assert Path(upd.backup_path).read_bytes() == before

    cl = load_checklist(written)
    assert cl.item(pct).decision == "dismissed" and cl.item(pct).note == "rounding in the source"
    assert cl.item(fid(new)).decision == "unreviewed"
    assert cl.item(reg) is None
    gone = next(it for it in cl.resolved if it.id == reg)
    assert gone.resolved_on == date.today() or gone.resolved_on is not None
    assert (gone.decision, gone.note, gone.reviewer) == ("query-authors", "which id is right?", "Ann")
    s_reg = cl.item("S-registry")
    assert s_reg.decision == "confirmed" and s_reg.needs_recheck and s_reg.tool_assessment == "no finding"
    assert cl.item("S-sample-size").decision == "confirmed" and not cl.item("S-sample-size").needs_recheck
    assert cl.item("S-references").related == [fid(new)]

    # the finding comes back: reopened with its decision
    upd = write_checklist(tmp_path, fx.nsclc_result())
    assert upd.reopened == [reg] and upd.resolved == [fid(new)]
    cl = load_checklist(written)
    assert cl.item(reg).decision == "query-authors" and cl.item(reg).resolved_on is None
    assert [it.id for it in cl.resolved] == [fid(new)]


def test_rerun_of_unchanged_article_changes_no_decision(tmp_path, written):
    record_decision(written, "S-regimen", "confirmed", reviewer="Ann")
    first = load_checklist(written)
    upd = write_checklist(tmp_path, fx.nsclc_result())
    assert upd.added == [] and upd.resolved == [] and len(upd.kept) == 7 and upd.rechecks == []
    again = load_checklist(written)
    assert [(i.id, i.decision, i.decided_at) for i in again.items] == \
        [(i.id, i.decision, i.decided_at) for i in first.items]


def test_rerun_refuses_to_overwrite_invalid_yaml(tmp_path, written):
    text = written.read_text().replace("decision: unreviewed", "decision: confirmd", 1)
    written.write_text(text)
    with pytest.raises(ChecklistError, match="decision 'confirmd'"):
        write_checklist(tmp_path, fx.nsclc_result(findings=fx.rerun_findings()))
    assert written.read_text() == text


def test_rerun_of_unchecked_article_leaves_checklist(tmp_path, written):
    before = written.read_bytes()
    failed = fx.nsclc_result().model_copy(update={"status": "error", "error": "could not read", "findings": []})
    with pytest.raises(ChecklistError, match="was not checked"):
        write_checklist(tmp_path, failed)
    assert written.read_bytes() == before


# --------------------------------------------------------------------------- atomic writes

def _leftovers(d: Path) -> list[str]:
    return [p.name for p in d.iterdir() if p.name.endswith(".tmp")]


def test_crash_in_replace_leaves_original_intact(tmp_path, written, monkeypatch):
    record_decision(written, "S-regimen", "confirmed", reviewer="Ann")
    before = written.read_bytes()
    real_replace = os.replace

    def crash(src, dst):
        if str(dst).endswith(".checklist.yaml"):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(ChecklistError, match="No space left on device"):
        record_decision(written, "S-registry", "dismissed", reviewer="Bob")
    with pytest.raises(ChecklistError):
        write_checklist(tmp_path, fx.nsclc_result(findings=fx.rerun_findings()))
    monkeypatch.setattr(os, "replace", real_replace)
    assert written.read_bytes() == before
    assert load_checklist(written).item("S-regimen").decision == "confirmed"
    assert _leftovers(tmp_path) == []


def test_crash_while_writing_temp_file(tmp_path, written, monkeypatch):
    before = written.read_bytes()

    def boom(fd):
        raise OSError(5, "I/O error")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(ChecklistError, match="I/O error"):
        record_decision(written, "S-registry", "dismissed")
    monkeypatch.undo()
    assert written.read_bytes() == before and _leftovers(tmp_path) == []


def test_refuses_when_file_changed_underneath(tmp_path, written, monkeypatch):
    real = ck.store._read_current

    def read_then_someone_saves(path):
        out = real(path)
        path.write_text(path.read_text() + "# edited in an editor meanwhile\n")
        return out

    monkeypatch.setattr(ck.decisions, "_read_current", read_then_someone_saves)
    with pytest.raises(ChecklistError, match="changed on disk"):
        record_decision(written, "S-registry", "dismissed")
    assert written.read_text().endswith("# edited in an editor meanwhile\n")


# --------------------------------------------------------------------------- status and export

def test_status_and_export(tmp_path, written):
    other = tmp_path / "team-b"
    write_checklist(other, fx.xss_result())
    record_decision(written, fid(by_code("arithmetic.category-sum")), "confirmed", reviewer="Ann")
    record_decision(written, fid(by_code("regimen.dose-mismatch")), "query-authors", reviewer="Ann",
                    note="=HYPERLINK(\"http://x\")")
    record_decision(written, "S-references", "dismissed", reviewer="Ann")

    rows = status([tmp_path, other])
    st = {r.article_id: r for r in rows}
    a = st["nsclc-camrelizumab"]
    assert (a.items, a.reviewed, a.confirmed, a.dismissed, a.query_authors, a.unreviewed) == (15, 3, 1, 1, 1, 12)
    assert st["xss-article"].items == 8 + 1 and st["xss-article"].reviewed == 0
    assert all(r.error is None for r in rows)

    out = tmp_path / "decisions.csv"
    n = export_decisions_csv([tmp_path, other], out)
    data = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert n == len(data) == 15 + 9
    assert list(data[0]) == ck.CSV_COLUMNS
    dose = next(r for r in data if r["code"] == "regimen.dose-mismatch")
    assert dose["decision"] == "query-authors" and dose["reviewer"] == "Ann"
    assert dose["note"].startswith("'=HYPERLINK")  # not a live spreadsheet formula
    assert {r["article_id"] for r in data} == {"nsclc-camrelizumab", "xss-article"}

    # an invalid checklist shows up in status, and stops the export
    bad = other / "xss-article.checklist.yaml"
    bad.write_text(bad.read_text().replace("decision: unreviewed", "decision: maybe", 1))
    st = {r.article_id: r for r in status([tmp_path, other])}
    assert "decision 'maybe'" in st["xss-article"].error
    with pytest.raises(ChecklistError, match="decision 'maybe'"):
        export_decisions_csv([tmp_path, other], out)
    with pytest.raises(ChecklistError, match="no such file or directory"):
        status(tmp_path / "missing")


def test_article_id_with_unsafe_characters(tmp_path):
    r = fx.xss_result().model_copy(update={"id": "../evil/<id>"})
    upd = write_checklist(tmp_path, r)
    p = Path(upd.path)
    assert p.parent == tmp_path and "/" not in p.name and "<" not in p.name
    assert load_checklist(p).article_id == "../evil/<id>"


# --------------------------------------------------------------------------- CLI

@pytest.fixture()
def article(tmp_path) -> Path:
    """A file standing for the NSCLC article; the fake runner recognises it by its stem."""
    p = tmp_path / "articles" / "nsclc-camrelizumab.txt"
    p.parent.mkdir()
    p.write_text("\n".join(fx.NSCLC_LINES))
    return p


@pytest.fixture()
def cli(monkeypatch):
    mod = types.ModuleType("trialaudit.api")

    def run_check(paths, settings=None):
        run = fx.build_run()
        want = {Path(p).stem for p in paths or []}
        arts = [a for a in run.articles if not want or a.id in want]
        return run.model_copy(update={"articles": arts}), fx.build_documents()

    def check_batch(paths, settings=None):
        run, docs = mod.run_check(paths, settings)
        return types.SimpleNamespace(run=run, documents=docs, studies={})

    mod.run_check = run_check  # type: ignore[attr-defined]
    mod.check_batch = check_batch  # type: ignore[attr-defined]
    mod.tool_info = lambda: ToolInfo(name="trialaudit", version="test")  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "trialaudit.api", mod)
    import trialaudit

    monkeypatch.setattr(trialaudit, "api", mod, raising=False)
    from trialaudit.cli_review import register

    app = typer.Typer()
    register(app)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, [str(a) for a in args])


def test_cli_checklist_flow(cli, tmp_path, article):
    d = tmp_path / "checklists"
    res = cli("checklist", article, "-o", d)
    assert res.exit_code == 0, res.output
    assert "created" in res.output and "7 new" in res.output
    iid = fid(by_code("arithmetic.category-sum"))
    res = cli("checklist", article, "-o", d, "--decide", iid, "confirmed", "--note", "sum 62", "--reviewer", "Ann")
    assert res.exit_code == 0, res.output
    assert f"{iid}: confirmed by Ann" in res.output
    # the article can also be named by its id once the checklist exists
    res = cli("checklist", "nsclc-camrelizumab", "-o", d, "--decide", "S-regimen", "dismissed")
    assert res.exit_code == 0, res.output
    res = cli("checklist", "--status", d, "--export", tmp_path / "all.csv")
    assert res.exit_code == 0, res.output
    assert "nsclc-camrelizumab" in res.output and "2/15" in res.output
    assert (tmp_path / "all.csv").exists()
    res = cli("checklist", article, "-o", d)
    assert res.exit_code == 0 and "updated" in res.output and "7 kept" in res.output
    cl = load_checklist(d / "nsclc-camrelizumab.checklist.yaml")
    item = cl.item(iid)
    assert (item.decision, item.note, item.reviewer) == ("confirmed", "sum 62", "Ann")
    assert cl.item("S-regimen").decision == "dismissed"


def test_cli_checklist_bundled_corpus_id(cli, tmp_path, monkeypatch):
    corpus = pytest.importorskip("trialaudit.corpus")
    if not corpus.articles():
        pytest.skip("no bundled corpus")
    seen = []

    def fake_run_check(paths, settings=None):
        seen.append(paths)
        r = fx.nsclc_result(article_id=corpus.articles()[0].id)
        return fx.build_run().model_copy(update={"articles": [r]}), {}

    monkeypatch.setattr(sys.modules["trialaudit.api"], "run_check", fake_run_check)
    res = cli("checklist", corpus.articles()[0].id, "-o", tmp_path / "c")
    assert res.exit_code == 0, res.output
    assert Path(seen[0][0]).exists() and Path(seen[0][0]).name == Path(corpus.articles()[0].file).name


@pytest.mark.parametrize("args,message", [
    (["checklist"], "give an ARTICLE"),
    (["checklist", "{a}"], "-o DIR"),
    (["checklist", "{a}", "-o", "{d}", "--decide", "S-registry", "confirmd"],
     "decision 'confirmd' is not one of confirmed, dismissed, query-authors, unreviewed"),
    (["checklist", "{a}", "-o", "{d}", "--decide", "F-zzz", "confirmed"], "item 'F-zzz' not found"),
    (["checklist", "{a}", "-o", "{d}", "--note", "x"], "--note needs --decide"),
    (["checklist", "--status", "{d}/missing"], "no such file or directory"),
    (["checklist", "no-such-article", "-o", "{d}"], "no-such-article: no such file, and not a bundled corpus id"),
])
def test_cli_checklist_errors(cli, tmp_path, article, args, message):
    d = tmp_path / "c"
    assert cli("checklist", article, "-o", d).exit_code == 0
    res = cli(*[a.replace("{d}", str(d)).replace("{a}", str(article)) for a in args])
    assert res.exit_code == 2, res.output
    assert message in res.output and "Traceback" not in res.output


def test_cli_status_reports_invalid_file(cli, tmp_path, article):
    d = tmp_path / "c"
    cli("checklist", article, "-o", d)
    p = d / "nsclc-camrelizumab.checklist.yaml"
    p.write_text(p.read_text().replace("decision: unreviewed", "decision: confirmd", 1))
    res = cli("checklist", "--status", d)
    assert res.exit_code == 2 and "decision 'confirmd'" in res.output
    res = cli("checklist", article, "-o", d)  # refuses to overwrite
    assert res.exit_code == 2 and "line" in res.output
    assert "decision: confirmd" in p.read_text()


# --------------------------------------------------------------------------- several decisions, races, hostile files

def test_cli_several_decides_each_with_its_own_note(cli, tmp_path, article):
    d = tmp_path / "c"
    assert cli("checklist", article, "-o", d).exit_code == 0
    a, b = fid(by_code("arithmetic.category-sum")), "S-regimen"
    res = cli("checklist", article, "-o", d, "--reviewer", "Ann", "--decide", a, "confirmed", "--note", "sum 62",
              "--decide", b, "dismissed", "--note", "same regimen")
    assert res.exit_code == 0, res.output
    cl = load_checklist(d / "nsclc-camrelizumab.checklist.yaml")
    assert (cl.item(a).decision, cl.item(a).note, cl.item(a).reviewer) == ("confirmed", "sum 62", "Ann")
    assert (cl.item(b).decision, cl.item(b).note) == ("dismissed", "same regimen")


def test_cli_several_decides_with_one_note_are_refused(cli, tmp_path, article):
    d = tmp_path / "c"
    cli("checklist", article, "-o", d)
    before = (d / "nsclc-camrelizumab.checklist.yaml").read_bytes()
    res = cli("checklist", article, "-o", d, "--decide", "S-regimen", "dismissed", "--decide", "S-registry",
              "confirmed", "--note", "only one")
    assert res.exit_code == 2 and "one --note per --decide" in res.output
    res = cli("checklist", article, "-o", d, "--decide", "S-regimen", "dismissed", "--decide", "F-zzz", "confirmed")
    assert res.exit_code == 2 and "F-zzz" in res.output
    assert (d / "nsclc-camrelizumab.checklist.yaml").read_bytes() == before  # all or nothing


def test_history_and_two_reviewer_agreement(written):
    a, b = fid(by_code("arithmetic.category-sum")), "S-regimen"
    record_decision(written, a, "confirmed", note="wrong sum", reviewer="Ann")
    record_decision(written, a, "confirmed", note="agree", reviewer="Bob")
    record_decision(written, b, "dismissed", reviewer="Ann")
    record_decision(written, b, "confirmed", reviewer="Bob")
    cl = load_checklist(written)
    hist = cl.item(a).history
    assert [(h.reviewer, h.decision, h.note) for h in hist] == [("Ann", "confirmed", "wrong sum")]
    assert hist[0].decided_at is not None
    st = status(written.parent)[0]
    assert st.reviewers == ["Ann", "Bob"] and st.double_reviewed == 2 and st.agreed == 1
    assert st.needs_consensus == [b]


_RACER = """
import sys
from trialaudit.validation.review import record_decision
path, reviewer, *items = sys.argv[1:]
for i, item in enumerate(items * 3):
    record_decision(path, item, "confirmed" if i % 2 else "query-authors", note=f"{reviewer} {i}", reviewer=reviewer)
"""


def test_racing_deciders_lose_no_decision(written):
    import subprocess

    cl = load_checklist(written)
    ids = [it.id for it in cl.items]
    half = len(ids) // 2
    procs = [subprocess.Popen([sys.executable, "-c", _RACER, str(written), who, *part])
             for who, part in (("Ann", ids[:half]), ("Bob", ids[half:]))]
    for p in procs:
        assert p.wait(timeout=120) == 0
    cl = load_checklist(written)
    for it in cl.items:
        who = "Ann" if it.id in ids[:half] else "Bob"
        assert it.reviewer == who and it.decision != "unreviewed", it.id
        assert len(it.history) == 2  # three decisions each: two in the history, none lost


def test_alias_bomb_is_refused(tmp_path):
    bomb = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        bomb.append(f"{cur}: &{cur} [{', '.join('*' + prev for _ in range(9))}]")
    p = tmp_path / "x.checklist.yaml"
    p.write_text("\n".join(bomb) + "\narticle_id: x\nitems: *i\n")
    with pytest.raises(ChecklistError, match="aliases"):
        load_checklist(p)


def test_oversized_checklist_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(ck.store, "MAX_CHECKLIST_BYTES", 1000)
    p = tmp_path / "x.checklist.yaml"
    p.write_text("article_id: x\n" + "# padding\n" * 200)
    with pytest.raises(ChecklistError, match="too large"):
        load_checklist(p)


def test_truncated_checklist_is_refused(written):
    text = written.read_text()
    lines = text.splitlines(keepends=True)
    # cut at an item boundary: still valid YAML and a valid checklist, but incomplete
    cut = max(i for i, ln in enumerate(lines) if ln.lstrip().startswith("- id: "))
    written.write_text("".join(lines[:cut]))
    with pytest.raises(ChecklistError, match="incomplete checklist"):
        load_checklist(written)
    with pytest.raises(ChecklistError, match="incomplete"):
        record_decision(written, "S-regimen", "confirmed")


def _decisions_file(tmp_path, entries, suffix=".json"):
    import json

    data = {"format": "trialaudit-decisions", "version": 1, "decisions": entries}
    p = tmp_path / f"decisions{suffix}"
    p.write_text(json.dumps(data) if suffix == ".json" else yaml.safe_dump(data))
    return p


def test_import_keeps_every_decision_reviewer_and_time(cli, tmp_path, article):
    d = tmp_path / "c"
    cli("checklist", article, "-o", d)
    f = by_code("arithmetic.category-sum")
    g = by_code("registry.id-mismatch")
    entries = [
        {"article_id": "nsclc-camrelizumab", "fingerprint": f.fingerprint, "code": f.code,
         "decision": "dismissed", "note": "ITT denominator", "reviewer": "Ann", "decided_at": "2026-01-02T10:00:00Z",
         "history": [{"decision": "query-authors", "note": "ask", "reviewer": "Ann",
                      "decided_at": "2026-01-01T09:00:00Z"}]},
        {"article_id": "nsclc-camrelizumab", "fingerprint": g.fingerprint, "decision": "confirmed",
         "note": None, "reviewer": "Bob", "decided_at": "2026-01-03T11:00:00+00:00"},
        {"article_id": "another-article", "fingerprint": "abc", "decision": "confirmed"},
    ]
    for suffix in (".json", ".yaml"):
        res = cli("checklist", article, "-o", d, "--import", _decisions_file(tmp_path, entries, suffix))
        assert res.exit_code == 0, res.output
    cl = load_checklist(d / "nsclc-camrelizumab.checklist.yaml")
    it = cl.item(fid(f))
    assert (it.decision, it.note, it.reviewer) == ("dismissed", "ITT denominator", "Ann")
    assert it.decided_at == datetime(2026, 1, 2, 10, tzinfo=timezone.utc)
    assert [(h.decision, h.note, h.reviewer) for h in it.history] == [("query-authors", "ask", "Ann")]
    assert (cl.item(fid(g)).decision, cl.item(fid(g)).reviewer) == ("confirmed", "Bob")
    # the second import (same decisions as YAML) added nothing
    assert len(it.history) == 1


def test_import_refuses_other_files(cli, tmp_path, article):
    d = tmp_path / "c"
    cli("checklist", article, "-o", d)
    p = tmp_path / "x.json"
    p.write_text('{"decisions": []}')
    res = cli("checklist", article, "-o", d, "--import", p)
    assert res.exit_code == 2 and "not a decisions file" in res.output


def test_hand_edits_get_their_time_on_the_next_run(tmp_path, written):
    record_decision(written, "S-regimen", "confirmed", note="same everywhere", reviewer="Ann")
    record_decision(written, "S-registry", "confirmed", reviewer="Ann")  # the .bak now holds S-regimen as decided
    text = written.read_text()
    cl = load_checklist(written)
    reg = cl.item("S-regimen")
    # hand edit: S-regimen dismissed (its time left as it was); S-sample-size decided without a time
    block_start = text.index("- id: S-regimen")
    block_end = text.index("- id: ", block_start + 5)
    block = text[block_start:block_end].replace("decision: confirmed", "decision: dismissed")
    text = text[:block_start] + block + text[block_end:]
    ss = text.index("- id: S-sample-size")
    text = text[:ss] + text[ss:].replace("decision: unreviewed", "decision: query-authors", 1)
    written.write_text(text)
    write_checklist(tmp_path, fx.nsclc_result(), {"n_randomised": 120, "registry_ids": ["NCT04123456"]})
    cl = load_checklist(written)
    it = cl.item("S-regimen")
    assert it.decision == "dismissed" and it.decided_at >= reg.decided_at  # times have whole seconds
    assert [(h.decision, h.reviewer) for h in it.history][-1] == ("confirmed", "Ann")
    assert cl.item("S-sample-size").decided_at is not None
    assert cl.item("S-registry").history == []  # untouched items are not stamped
