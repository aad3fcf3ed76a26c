"""The batch executor: articles flow read -> check -> write, one at a time.

* :func:`~trialaudit.tasks.article_task` is the one per-article function every backend runs: it
  ingests, extracts and checks one article inside one :func:`parse_once` block
  and returns only the :class:`ArticleResult` (nothing of the Document or Study
  leaves it).
* Backends yield results as they complete: in process (``jobs=1``), a process
  pool where a dead worker costs only its article (``jobs>1``), or a Dask
  cluster (``backend="dask"``, see :mod:`trialaudit.backends`).
* :class:`ResultStore` writes one JSON file per article atomically as it
  finishes, and an append-only manifest (content hash, trialaudit version,
  settings) so a re-run skips what is done and redoes what changed; a killed run
  loses at most the articles in flight.
* :func:`load_results` reads a folder of written results back (for reports of
  batches too large to hold in memory).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import TOOL_NAME, __version__
from .tasks import WORKER_DIED, article_task, article_task_json, worker_died

if TYPE_CHECKING:
    from trialaudit.api import InputSpec
    from trialaudit.schemas.findings import ArticleResult, CheckRun
    from trialaudit.validation.settings import Settings

MANIFEST = "manifest.jsonl"
#: A worker process is replaced after this many articles (bounds any slow leak).
MAX_TASKS_PER_CHILD = 200
# ----------------------------------------------------------------------------- local process pool

def _watch_parent(ppid: int) -> None:
    """End this worker when its parent goes away (any OS), and ask Linux to do it too."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != ppid:
                os._exit(0)

    threading.Thread(target=watch, name="trialaudit-parent-watch", daemon=True).start()


def _worker_main(conn, settings: "Settings", ppid: int, max_tasks: int) -> None:
    _watch_parent(ppid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and ends its workers
    done = 0
    while True:
        try:
            item = conn.recv()
        except EOFError:
            return
        if item is None:
            return
        idx, spec = item
        done += 1
        retiring = bool(max_tasks and done >= max_tasks)
        conn.send((idx, article_task_json(spec, settings), retiring))
        if retiring:
            return  # the parent starts a fresh worker


def warm_up() -> None:
    """Load the pipeline (spaCy, the rules, scipy) in this process."""
    import scipy.stats  # noqa: F401 - loaded here so forked workers share it

    from trialaudit.extractor.nlp import get_nlp
    from trialaudit.validation.registry import all_rules

    get_nlp()
    all_rules()


@dataclass
class _Worker:
    proc: object
    conn: object
    current: int | None = None


def run_pool(specs: list["InputSpec"], settings: "Settings", jobs: int, *,
             max_tasks_per_child: int = MAX_TASKS_PER_CHILD) -> Iterator[tuple[int, "ArticleResult"]]:
    """Check ``specs`` on ``jobs`` worker processes; yield ``(index, result)`` as each completes.

    Each worker is handed one article at a time, so when a worker dies
    (``os._exit``, SIGKILL, out of memory) the parent knows exactly which
    article it was checking: that article gets the status ``worker died`` and a
    fresh worker takes the rest. Workers end with their parent.
    """
    import multiprocessing as mp
    from multiprocessing.connection import wait

    from trialaudit.schemas.findings import ArticleResult

    fork = "fork" in mp.get_all_start_methods()
    ctx = mp.get_context("fork" if fork else "spawn")
    if fork:
        warm_up()  # forked workers inherit the loaded pipeline instead of each loading it
    todo = deque(range(len(specs)))
    workers: list[_Worker] = []

    def start() -> _Worker:
        parent, child = ctx.Pipe()
        p = ctx.Process(target=_worker_main, args=(child, settings, os.getpid(), max_tasks_per_child),
                        daemon=True, name="trialaudit-worker")
        p.start()
        child.close()
        w = _Worker(p, parent)
        workers.append(w)
        return w

    def retire(w: _Worker) -> None:
        workers.remove(w)
        try:
            w.conn.close()
        except OSError:
            pass
        w.proc.join(timeout=5)

    try:
        for _ in range(min(jobs, len(specs))):
            start()
        while todo or any(w.current is not None for w in workers):
            for w in list(workers):
                if w.current is None and todo:
                    if not w.proc.is_alive():
                        retire(w)
                        continue
                    w.current = todo.popleft()
                    try:
                        w.conn.send((w.current, specs[w.current]))
                    except (BrokenPipeError, OSError):
                        todo.appendleft(w.current)
                        w.current = None
                        retire(w)
            while todo and len(workers) < min(jobs, len(specs)):
                start()
                w = workers[-1]
                w.current = todo.popleft()
                w.conn.send((w.current, specs[w.current]))
            busy = [w for w in workers if w.current is not None]
            if not busy:
                continue
            ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy])
            for w in busy:
                if w.conn in ready or w.proc.sentinel in ready:
                    got = None
                    try:
                        if w.conn.poll():
                            got = w.conn.recv()
                    except (EOFError, OSError):
                        got = None
                    if got is not None:
                        idx, payload, retiring = got
                        w.current = None
                        if retiring:
                            retire(w)  # after max tasks; a fresh worker takes its place
                        yield idx, ArticleResult.model_validate_json(payload)
                    elif not w.proc.is_alive():
                        w.proc.join(timeout=1)
                        code = w.proc.exitcode
                        idx = w.current
                        w.current = None
                        retire(w)
                        if idx is not None:
                            how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
                            yield idx, worker_died(specs[idx], how)
    finally:
        for w in list(workers):
            try:
                w.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        for w in list(workers):
            w.proc.join(timeout=2)
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join(timeout=2)


def run_serial(specs: list["InputSpec"], settings: "Settings") -> Iterator[tuple[int, "ArticleResult"]]:
    for i, spec in enumerate(specs):
        yield i, article_task(spec, settings)


# ----------------------------------------------------------------------------- output folder, manifest, resume

def content_hash(path: Path) -> str | None:
    """sha256 of the article's bytes (None when unreadable: such articles are always redone)."""
    h = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def settings_hash(settings: "Settings") -> str:
    """The settings that change results (not ``jobs``)."""
    data = settings.model_dump(mode="json", exclude={"jobs"})
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def result_filename(article_id: str) -> str:
    """A file name for one article's result (ids are file stems; anything odd is replaced)."""
    name = _SAFE.sub("_", article_id).strip("._") or "article"
    return f"{name}.json"


def _write_atomic(path: Path, text: str) -> None:
    from trialaudit.extractor.export import write_atomic

    def w(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())

    write_atomic(path, w)


class ResultStore:
    """An output folder: ``<id>.json`` per article and ``manifest.jsonl``.

    The manifest is append-only: one line per finished article, written after its
    result file was atomically in place, with the article's content hash, the
    trialaudit version and a hash of the settings. A run killed at any moment
    leaves complete result files and at worst a torn last manifest line (ignored),
    so it loses at most the articles that were in flight.
    """

    def __init__(self, folder: str | Path, settings: "Settings"):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.settings_key = settings_hash(settings)
        self.entries: dict[str, dict] = read_manifest(self.folder)
        self._fh = (self.folder / MANIFEST).open("a", encoding="utf-8")

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> "ResultStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def key(self, spec: "InputSpec") -> dict:
        return {"hash": content_hash(spec.path) if not spec.error else None, "version": __version__,
                "settings": self.settings_key}

    def is_done(self, spec: "InputSpec", key: dict) -> bool:
        """Finished before with the same content, trialaudit version and settings (and still on disk)."""
        e = self.entries.get(spec.id)
        if not e or key["hash"] is None or e.get("status") not in ("ok", "not_understood") or "findings" not in e:
            return False
        if (e.get("hash"), e.get("version"), e.get("settings")) != (key["hash"], key["version"], key["settings"]):
            return False
        return (self.folder / e["file"]).is_file()

    def load(self, article_id: str) -> "ArticleResult":
        """The stored result of an article finished before."""
        from trialaudit.schemas.findings import ArticleResult

        path = self.folder / self.entries[article_id]["file"]
        return ArticleResult.model_validate_json(path.read_text(encoding="utf-8"))

    def write(self, res: "ArticleResult", key: dict) -> Path:
        path = self.folder / result_filename(res.id)
        _write_atomic(path, res.model_dump_json(indent=2) + "\n")
        counts = {"error": 0, "warning": 0, "info": 0}
        for f in res.findings:
            counts[f.severity] += 1
        entry = {"id": res.id, "file": path.name, "source": res.source, "status": res.status, "findings": counts,
                 **key, "tool": TOOL_NAME, "written": time.time()}
        self._fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self.entries[res.id] = entry
        return path


def read_manifest(folder: str | Path) -> dict[str, dict]:
    """The latest manifest entry per article id (a torn last line from a killed run is skipped)."""
    p = Path(folder) / MANIFEST
    out: dict[str, dict] = {}
    if not p.is_file():
        return out
    with p.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            try:
                e = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(e, dict) and "id" in e and "file" in e:
                out[e["id"]] = e
    return out


def iter_results(folder: str | Path) -> Iterator["ArticleResult"]:
    """The written results of an output folder, one at a time, in manifest order (for large reports)."""
    from trialaudit.schemas.findings import ArticleResult

    folder = Path(folder)
    for e in read_manifest(folder).values():
        p = folder / e["file"]
        if p.is_file():
            yield ArticleResult.model_validate_json(p.read_text(encoding="utf-8"))


def load_results(folder: str | Path) -> "CheckRun":
    """A :class:`CheckRun` rebuilt from an output folder (what ``check -f json`` would have printed)."""
    from trialaudit.schemas.findings import CheckRun, ToolInfo

    return CheckRun(tool=ToolInfo(name=TOOL_NAME, version=__version__), articles=list(iter_results(folder)))


# ----------------------------------------------------------------------------- the batch

# Statuses that make a batch exit 2; "skipped" (not an article) and "not_understood" are reported
# with their own status but are not input errors.
FAILED_STATUSES = frozenset({"error", "timeout", WORKER_DIED})

@dataclass
class BatchSummary:
    """Counts of a batch (results themselves were streamed to the sinks)."""

    total: int = 0
    checked: int = 0
    skipped: int = 0                      # already done in the output folder (resume)
    failed: int = 0                       # unreadable: error, timeout or worker died
    with_errors: int = 0                  # articles with an error-severity finding
    findings: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0, "info": 0})
    order: list[str] = field(default_factory=list)   # article ids in input order

    @property
    def exit_code(self) -> int:
        """Linter-style: 2 input error (incl. a dead worker), 1 an error-severity finding, 0 otherwise."""
        if self.failed:
            return 2
        return 1 if self.with_errors else 0

    def add_stored(self, entry: dict) -> None:
        """Count an article done in an earlier run from its manifest entry (its findings still count)."""
        counts = entry.get("findings") or {}
        if counts.get("error"):
            self.with_errors += 1
        for sev, n in counts.items():
            self.findings[sev] = self.findings.get(sev, 0) + int(n)

    def add(self, res: "ArticleResult") -> None:
        if res.status in FAILED_STATUSES:
            self.failed += 1
        if any(f.severity == "error" for f in res.findings):
            self.with_errors += 1
        for f in res.findings:
            self.findings[f.severity] = self.findings.get(f.severity, 0) + 1


def results_of(specs: list["InputSpec"], settings: "Settings", *, jobs: int = 1, backend: str = "local",
               scheduler: str | None = None) -> Iterator[tuple[int, "ArticleResult"]]:
    """``(index, result)`` for every spec, as they complete, on the chosen backend."""
    if not specs:
        return iter(())
    if backend == "dask":
        from .backends import run_dask

        return run_dask(specs, settings, jobs=jobs, scheduler=scheduler)
    if backend != "local":
        raise ValueError(f"unknown backend {backend!r} (local or dask)")
    if jobs > 1 and len(specs) > 1:
        return run_pool(specs, settings, jobs)
    return run_serial(specs, settings)


def run_batch(paths: Iterable[str | Path] | None, settings: "Settings | None" = None, *,
              output_dir: str | Path | None = None, resume: bool = True, backend: str = "local",
              scheduler: str | None = None,
              on_result: Callable[["InputSpec", "ArticleResult"], None] | None = None,
              on_skip: Callable[["InputSpec", dict], None] | None = None,
              view: Callable[["ArticleResult"], "ArticleResult"] | None = None) -> BatchSummary:
    """Check a batch, streaming each result to ``output_dir`` and ``on_result`` as it completes.

    Nothing of an article is kept after its result is written; with
    ``output_dir`` and ``resume`` articles finished before (same content,
    version and settings) are skipped. ``view`` (e.g. a baseline hiding
    dismissed findings) changes what ``on_result`` receives and what is
    counted, never what is stored. Returns the counts.
    """
    from trialaudit.api import collect_inputs
    from trialaudit.validation.settings import Settings

    settings = settings or Settings()
    specs, stack = collect_inputs(list(paths) if paths is not None else None, settings.exclude)
    summary = BatchSummary(total=len(specs), order=[s.id for s in specs])
    with stack:
        store = ResultStore(output_dir, settings) if output_dir is not None else None
        try:
            keys: dict[int, dict] = {}
            todo: list = []
            for i, spec in enumerate(specs):
                if store is not None:
                    key = store.key(spec)
                    if resume and store.is_done(spec, key):
                        summary.skipped += 1
                        if view is None:
                            summary.add_stored(store.entries[spec.id])
                        else:  # the stored counts include what the view hides: count the view
                            summary.add(view(store.load(spec.id)))
                        if on_skip:
                            on_skip(spec, store.entries[spec.id])
                        continue
                    keys[len(todo)] = key
                todo.append(spec)
            for j, res in results_of(todo, settings, jobs=settings.jobs, backend=backend, scheduler=scheduler):
                if store is not None:
                    store.write(res, keys[j])
                shown = view(res) if view is not None else res
                summary.checked += 1
                summary.add(shown)
                if on_result:
                    on_result(todo[j], shown)
        finally:
            if store is not None:
                store.close()
    return summary


def stream_check(paths: Iterable[str | Path] | None, settings: "Settings", *, fmt: str = "text",
                 output: Path | None = None, output_dir: Path | None = None, resume: bool = True,
                 backend: str = "local", scheduler: str | None = None,
                 echo: Callable[[str], None] | None = None,
                 baseline: dict[str, set[str]] | None = None) -> tuple["CheckRun | None", int, int]:
    """What ``trialaudit check`` runs. Returns ``(run or None, exit code, findings hidden by the baseline)``.

    ``baseline`` (article id -> fingerprints a reviewer dismissed) hides those findings from every
    output and from the exit code; the per-article files of ``output_dir`` keep them.

    ``jsonl``: one article per line, written as it completes (to ``output`` or
    stdout); text with ``output_dir``: one summary line per article as it
    completes. Both keep nothing of finished articles and return ``(None, exit
    code)``. Otherwise (``json``/``text``) the results (findings only) are
    gathered and returned in input order as a :class:`CheckRun` for rendering.
    """
    from trialaudit.schemas.findings import ArticleResult, CheckRun, ToolInfo

    echo = echo or (lambda line: sys.stdout.write(line + "\n"))
    hidden = [0]

    def view(res: ArticleResult) -> ArticleResult:
        fps = baseline.get(res.id) if baseline else None
        if not fps:
            return res
        keep = [f for f in res.findings if f.fingerprint not in fps]
        hidden[0] += len(res.findings) - len(keep)
        return res.model_copy(update={"findings": keep})

    v = view if baseline is not None else None

    def stored(entry: dict) -> ArticleResult:
        res = ArticleResult.model_validate_json((Path(output_dir) / entry["file"]).read_text(encoding="utf-8"))
        return view(res) if v is not None else res

    if fmt == "jsonl":
        fh = output.open("w", encoding="utf-8") if output else sys.stdout
        try:
            def line(_spec, res: ArticleResult) -> None:
                fh.write(res.model_dump_json() + "\n")
                fh.flush()

            def skipped(_spec, entry: dict) -> None:
                fh.write(stored(entry).model_dump_json() + "\n")

            summary = run_batch(paths, settings, output_dir=output_dir, resume=resume, backend=backend,
                                scheduler=scheduler, on_result=line, on_skip=skipped, view=v)
        finally:
            if output:
                fh.close()
        return None, summary.exit_code, hidden[0]
    if fmt == "text" and output_dir is not None:
        def progress(_spec, res: ArticleResult) -> None:
            if res.status != "ok":
                echo(f"{res.id}  [{res.status}] {res.error or ''}")
                return
            n = {"error": 0, "warning": 0, "info": 0}
            for f in res.findings:
                n[f.severity] += 1
            echo(f"{res.id}  {n['error']} error(s), {n['warning']} warning(s), {n['info']} info")

        summary = run_batch(paths, settings, output_dir=output_dir, resume=resume, backend=backend,
                            scheduler=scheduler, on_result=progress, view=v)
        f = summary.findings
        echo(f"{summary.total} article(s): {summary.checked} checked, {summary.skipped} already done, "
             f"{summary.failed} unreadable; {f['error']} error(s), {f['warning']} warning(s), {f['info']} info; "
             f"results in {output_dir}")
        return None, summary.exit_code, hidden[0]
    got: dict[str, ArticleResult] = {}

    def keep(_spec, res: ArticleResult) -> None:
        got[res.id] = res

    def keep_skipped(_spec, entry: dict) -> None:
        got[entry["id"]] = stored(entry)

    summary = run_batch(paths, settings, output_dir=output_dir, resume=resume, backend=backend, scheduler=scheduler,
                        on_result=keep, on_skip=keep_skipped, view=v)
    run = CheckRun(tool=ToolInfo(name=TOOL_NAME, version=__version__),
                   articles=[got[i] for i in summary.order if i in got])
    return run, summary.exit_code, hidden[0]
