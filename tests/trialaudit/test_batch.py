"""The batch executor: streaming, resume, dead workers, the Dask backend."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import trialaudit.batch as batch
import trialaudit.tasks as tasks
from trialaudit.api import InputSpec
from trialaudit.batch import (MANIFEST, WORKER_DIED, load_results, read_manifest, results_of, run_batch,
                              run_pool)
from trialaudit.cli import app
from trialaudit.validation.settings import Settings

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "articles"


def _articles(tmp_path: Path, n: int = 2) -> Path:
    """``n`` articles under different names (the corpus, cycled), smallest first."""
    src = sorted(CORPUS.glob("*.*"), key=lambda p: p.stat().st_size)
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(n):
        p = src[i % len(src)]
        shutil.copy(p, folder / f"a{i:02d}-{p.name}")
    return folder


def _comparable(res) -> tuple:
    d = res.model_dump(mode="json", exclude={"elapsed_s", "source"})
    return d["id"], json.dumps(d, sort_keys=True)


def _serial(folder: Path) -> dict:
    out = {}
    run_batch([folder], Settings(), on_result=lambda _s, r: out.setdefault(r.id, _comparable(r)[1]))
    return out


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("batch")
    folder = _articles(tmp, 2)
    return folder, _serial(folder)


def test_jsonl_streams_one_article_per_line(two, tmp_path):
    folder, expected = two
    out = tmp_path / "out.jsonl"
    r = CliRunner().invoke(app, ["check", str(folder), "-f", "jsonl", "-o", str(out)])
    assert r.exit_code in (0, 1), r.output
    lines = out.read_text().splitlines()
    assert len(lines) == 2
    got = {json.loads(ln)["id"] for ln in lines}
    assert got == set(expected)


def test_output_dir_manifest_and_resume(two, tmp_path, monkeypatch):
    folder, expected = two
    work = tmp_path / "in"
    shutil.copytree(folder, work)
    out = tmp_path / "results"
    s1 = run_batch([work], Settings(), output_dir=out)
    assert (s1.checked, s1.skipped) == (2, 0)
    man = read_manifest(out)
    assert set(man) == set(expected)
    assert all(e["hash"] and e["version"] for e in man.values())
    assert {r.id: _comparable(r)[1] for r in load_results(out).articles} == expected
    # a re-run skips everything
    s2 = run_batch([work], Settings(), output_dir=out)
    assert (s2.checked, s2.skipped) == (0, 2)
    assert (s2.findings, s2.exit_code) == (s1.findings, s1.exit_code)  # stored findings still count
    # a changed article is redone, the other skipped
    changed = sorted(work.iterdir())[0]
    changed.write_text(changed.read_text() + "\n", encoding="utf-8")
    s3 = run_batch([work], Settings(), output_dir=out)
    assert (s3.checked, s3.skipped) == (1, 1)
    # other settings or another trialaudit version redo everything
    s4 = run_batch([work], Settings(ignore=["TA101"]), output_dir=out)
    assert s4.checked == 2
    monkeypatch.setattr(batch, "__version__", "999.0")
    s5 = run_batch([work], Settings(ignore=["TA101"]), output_dir=out)
    assert s5.checked == 2
    s6 = run_batch([work], Settings(ignore=["TA101"]), output_dir=out, resume=False)
    assert s6.checked == 2


def test_a_torn_manifest_line_is_ignored(tmp_path):
    (tmp_path / MANIFEST).write_text('{"id": "a", "file": "a.json"}\n{"id": "b", "fi', encoding="utf-8")
    assert list(read_manifest(tmp_path)) == ["a"]


def test_killed_run_resumes_where_it_stopped(tmp_path):
    folder = _articles(tmp_path, 4)
    out = tmp_path / "results"
    cmd = [sys.executable, "-m", "trialaudit.cli", "check", str(folder), "--output-dir", str(out), "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 240
    while time.time() < deadline and len(read_manifest(out)) < 1:
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done = read_manifest(out)
    assert 1 <= len(done) < 4
    for e in done.values():  # every written result is whole
        json.loads((out / e["file"]).read_text())
    s = run_batch([folder], Settings(), output_dir=out)
    assert s.skipped == len(done) and s.checked == 4 - len(done)
    assert len(load_results(out).articles) == 4


@pytest.mark.parametrize("how", ["exit", "kill"])
def test_dead_worker_costs_only_its_article(two, tmp_path, monkeypatch, how):
    folder, expected = two
    work = _articles(tmp_path, 3)
    victim = sorted(p.stem for p in work.iterdir())[1]
    monkeypatch.setenv(tasks.FAULT_ENV, f"{how}:{victim}")
    got = {}
    s = run_batch([work], Settings(jobs=2), on_result=lambda _s, r: got.setdefault(r.id, r))
    assert got[victim].status == WORKER_DIED
    assert [r.status for k, r in got.items() if k != victim] == ["ok", "ok"]
    assert s.checked == 3 and s.exit_code == 2


def test_pool_matches_serial_and_replaces_retired_workers(two):
    folder, expected = two
    specs = [InputSpec(p, p.stem) for p in sorted(folder.iterdir())]
    got = {r.id: _comparable(r)[1] for _, r in run_pool(specs, Settings(), 2, max_tasks_per_child=1)}
    assert got == expected


def test_workers_end_with_their_parent(tmp_path):
    folder = _articles(tmp_path, 2)
    code = ("import sys, time; from pathlib import Path; from trialaudit.api import InputSpec; "
            "from trialaudit.batch import run_pool; from trialaudit.validation.settings import Settings; "
            "specs=[InputSpec(p, p.stem) for p in sorted(Path(sys.argv[1]).iterdir())]*20; "
            "[None for _ in run_pool(specs, Settings(), 2)]")
    parent = subprocess.Popen([sys.executable, "-c", code, str(folder)])
    children: set[int] = set()
    deadline = time.time() + 60
    while time.time() < deadline and len(children) < 2:
        time.sleep(0.2)
        children = set()
        for task in Path(f"/proc/{parent.pid}/task").glob("*"):
            try:
                children |= {int(x) for x in (task / "children").read_text().split()}
            except OSError:
                pass
    if not children:
        parent.kill()
        pytest.skip("cannot list child processes here")
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.time() + 10
    alive = children
    while time.time() < deadline and alive:
        time.sleep(0.2)
        alive = {c for c in alive if Path(f"/proc/{c}").exists() and "Z" not in _state(c)}
    assert not alive


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return "Z"


def test_dask_local_cluster_matches_jobs_1(two):
    pytest.importorskip("dask.distributed")
    from trialaudit.backends import run_dask

    folder, expected = two
    specs = [InputSpec(p, p.stem) for p in sorted(folder.iterdir())]
    got = {r.id: _comparable(r)[1] for _, r in run_dask(specs, Settings(), jobs=2, processes=False)}
    assert got == expected


def test_unknown_scheduler_is_a_clear_error(tmp_path):
    pytest.importorskip("dask.distributed")
    folder = _articles(tmp_path, 1)
    r = CliRunner().invoke(app, ["check", str(folder), "--backend", "dask", "--scheduler", "tcp://127.0.0.1:9"])
    assert r.exit_code == 2
    assert "scheduler" in (r.output + (r.stderr if r.stderr_bytes is not None else ""))


def test_results_of_empty_is_empty():
    assert list(results_of([], Settings())) == []


def test_streamed_batch_filters_folders_and_skipped_is_not_a_failure(tmp_path):
    folder = _articles(tmp_path, 1)
    (folder / "README.md").write_text("# Results of the trial\nPatients and methods are in the files.\n")
    (folder / "notes.txt").write_text("shopping list: milk, eggs, bread\n")
    (folder / "drafts").mkdir()
    shutil.copy(next(folder.glob("a00-*")), folder / "drafts" / "old.txt")
    out = tmp_path / "out.jsonl"
    r = CliRunner().invoke(app, ["check", str(folder), "--exclude", "drafts/*", "-f", "jsonl", "-o", str(out)])
    arts = {a["id"]: a for a in map(json.loads, out.read_text().splitlines())}
    assert {a["status"] for a in arts.values()} == {"ok", "skipped"}
    assert len(arts) == 2 and "notes" in arts and arts["notes"]["status"] == "skipped"
    assert all(a["coverage"] for a in arts.values() if a["status"] == "ok")
    assert r.exit_code in (0, 1), r.output  # a skipped file is reported, not an input error
    summary = run_batch([folder], Settings(exclude=["drafts/*"]))
    assert (summary.total, summary.failed) == (2, 0)


def test_baseline_works_with_streamed_output_and_resume(tmp_path):
    """--baseline hides dismissed findings from jsonl, from --output-dir text and from the exit code,
    also for articles resumed from the output folder; the stored per-article files keep them."""
    from trialaudit.validation.review import find_checklist, load_checklist, record_decisions

    folder = _articles(tmp_path, 1)
    art = next(folder.iterdir())
    review = tmp_path / "review"
    assert CliRunner().invoke(app, ["checklist", str(art), "-o", str(review)]).exit_code == 0
    path = find_checklist(review, art.stem)
    items = [it for it in load_checklist(path).items if it.kind == "finding"]
    assert items
    record_decisions(path, [(it.id, "dismissed", "checked by hand") for it in items], reviewer="Ann")
    dismissed = {it.fingerprint for it in items}

    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["check", str(folder), "-f", "jsonl", "--output-dir", str(out),
                                 "--baseline", str(review)])
    assert r.exit_code == 0, r.output  # every finding dismissed: nothing left to fail on
    lines = [json.loads(x) for x in r.stdout.splitlines() if x.startswith("{")]
    assert lines and not any(f["fingerprint"] in dismissed for x in lines for f in x["findings"])
    assert "dismissed finding(s) hidden" in r.stderr
    stored = json.loads(next(out.glob("*.json")).read_text())
    assert {f["fingerprint"] for f in stored["findings"]} >= dismissed  # the files keep everything

    # resumed from the folder: the same view
    r2 = CliRunner().invoke(app, ["check", str(folder), "--output-dir", str(out), "--baseline", str(review)])
    assert r2.exit_code == 0, r2.output
    flat = " ".join(r2.stdout.split())  # the console may wrap the summary line
    assert "1 already done" in flat and "0 error(s), 0 warning(s), 0 info" in flat
    # without the baseline the stored errors count again
    r3 = CliRunner().invoke(app, ["check", str(folder), "--output-dir", str(out)])
    assert r3.exit_code == (1 if any(f["severity"] == "error" for f in stored["findings"]) else 0)


def test_report_is_built_from_written_results(tmp_path):
    """A large batch's report reads the per-article results the run wrote, not the articles."""
    import subprocess
    import sys

    out = tmp_path / "out"
    arts = Path(__file__).resolve().parents[2] / "corpus" / "articles"
    one = tmp_path / "in"
    one.mkdir()
    (one / "a.md").write_text((arts / "liu-2025-thalidomide-ifosfamide.md").read_text(encoding="utf-8"),
                              encoding="utf-8")
    run = lambda *a: subprocess.run([sys.executable, "-m", "trialaudit.cli", *a], capture_output=True,  # noqa: E731
                                    text=True, timeout=600)
    run("check", str(one), "--output-dir", str(out), "-q")
    r = run("report", "--results", str(out), "-o", str(tmp_path / "r.html"))
    assert r.returncode == 0, r.stderr
    assert "Arm regimen" in (tmp_path / "r.html").read_text(encoding="utf-8") or "TA301" in \
        (tmp_path / "r.html").read_text(encoding="utf-8")
    bad = run("report", "--results", str(tmp_path), "-o", str(tmp_path / "x.html"))
    assert bad.returncode == 2 and "manifest" in (bad.stderr + bad.stdout)
