"""Benchmark the batch executor, side by side in one run.

* whole check (ingestion + extraction + rules) vs ingestion alone, same articles (target <= 3x);
* peak RSS of a streamed batch of ``--many`` articles vs ``--few`` (target <= 1.2x), each in
  a fresh process (articles: the corpus, cycled under different names, or PATHs);
* ``--jobs 2`` speed-up over ``--jobs 1`` (target >= 1.8x on 2 free cores);
* Dask LocalCluster with 2 workers vs ``--jobs 1`` (target >= 1.6x; cluster start-up shown apart);
* ``trialaudit --version`` wall time (target <= 0.3 s).

    python bench/bench_batch.py [--few 10] [--many 1000] [--speed 8] [--skip-dask] [PATH ...]

Ratios, not absolute times, are the point: the machine may be shared.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RSS_PROBE = r"""
import json, resource, sys, time
from trialaudit.batch import run_batch
from trialaudit.validation.settings import Settings
t = time.perf_counter()
s = run_batch([sys.argv[1]], Settings(jobs=int(sys.argv[3])), output_dir=sys.argv[2], resume=False,
              backend=sys.argv[4])
print(json.dumps({"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "child_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "s": time.perf_counter() - t, "checked": s.checked, "failed": s.failed}))
"""


def source_articles(paths: list[str]) -> list[Path]:
    if paths:
        out: list[Path] = []
        for p in map(Path, paths):
            out += sorted(x for x in p.rglob("*") if x.is_file()) if p.is_dir() else [p]
        return out
    return sorted((ROOT / "corpus" / "articles").glob("*.*"))


def make_folder(base: Path, src: list[Path], n: int) -> Path:
    """``n`` articles: the sources cycled under different names (hard links when possible)."""
    d = base / f"n{n}"
    d.mkdir()
    for i in range(n):
        p = src[i % len(src)]
        dst = d / f"a{i:05d}-{p.name}"
        try:
            dst.hardlink_to(p)
        except OSError:
            shutil.copy(p, dst)
    return d


def probe(folder: Path, out: Path, jobs: int = 1, backend: str = "local") -> dict:
    r = subprocess.run([sys.executable, "-c", RSS_PROBE, str(folder), str(out), str(jobs), backend],
                       capture_output=True, text=True, check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def stage_ratio(src: list[Path]) -> tuple[float, float]:
    from trialaudit.extractor.loader import read_document
    from trialaudit.batch import article_task
    from trialaudit.api import InputSpec
    from trialaudit.validation.settings import Settings

    specs = [InputSpec(p, p.stem) for p in src]
    article_task(specs[0], Settings())  # warm-up
    ing, whole = [], []
    for _ in range(3):
        t = time.perf_counter()
        for s in specs:
            read_document(s.path, doc_id=s.id)
        ing.append(time.perf_counter() - t)
        t = time.perf_counter()
        for s in specs:
            article_task(s, Settings())
        whole.append(time.perf_counter() - t)
    return statistics.median(ing), statistics.median(whole)


def version_time() -> float:
    exe = shutil.which("trialaudit")
    cmd = [exe, "--version"] if exe else [sys.executable, "-c", "from trialaudit._entry import main; main()",
                                          "--version"]
    ts = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        ts.append(time.perf_counter() - t)
    return statistics.median(ts)


def dask_speed(folder: Path, base: Path) -> tuple[float, float]:
    """(seconds for the articles on a running 2-worker LocalCluster, cluster start-up seconds)."""
    from dask.distributed import Client, LocalCluster

    from trialaudit.api import InputSpec
    from trialaudit.backends import run_dask
    from trialaudit.validation.settings import Settings

    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=40)
    client = Client(cluster)
    specs = [InputSpec(p, p.stem) for p in sorted(folder.iterdir())]
    list(run_dask(specs[:2], Settings(), scheduler=cluster.scheduler_address))  # warm both workers
    up = time.perf_counter() - t0
    t = time.perf_counter()
    list(run_dask(specs, Settings(), scheduler=cluster.scheduler_address))
    s = time.perf_counter() - t
    client.close()
    cluster.close()
    return s, up


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--few", type=int, default=10)
    ap.add_argument("--many", type=int, default=1000)
    ap.add_argument("--speed", type=int, default=8, help="articles for the speed-up measurements")
    ap.add_argument("--skip-dask", action="store_true")
    args = ap.parse_args()
    src = source_articles(args.paths)
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        ing, whole = stage_ratio(src)
        rows.append(("whole check / ingestion", f"{whole / ing:.2f}x", "<= 3x"))
        rows.append(("  ingestion, whole check (s)", f"{ing:.2f}, {whole:.2f} for {len(src)} articles", ""))

        few = probe(make_folder(base, src, args.few), base / "out-few")
        many = probe(make_folder(base, src, args.many), base / "out-many")
        rows.append((f"peak RSS {args.many} / {args.few} articles",
                     f"{many['rss_mb'] / few['rss_mb']:.2f}x ({many['rss_mb']:.0f} / {few['rss_mb']:.0f} MB)",
                     "<= 1.2x"))
        rows.append((f"  streamed throughput, {args.many} articles", f"{many['s'] / args.many:.2f} s/article", ""))

        sp = make_folder(base, src, args.speed)
        j1 = probe(sp, base / "out-j1", 1)
        j2 = probe(sp, base / "out-j2", 2)
        rows.append(("--jobs 2 speed-up", f"{j1['s'] / j2['s']:.2f}x ({j1['s']:.1f} s vs {j2['s']:.1f} s, "
                     f"{args.speed} articles)", ">= 1.8x"))
        if not args.skip_dask:
            try:
                ds, up = dask_speed(sp, base)
                rows.append(("Dask 2 workers speed-up", f"{j1['s'] / ds:.2f}x ({ds:.1f} s; cluster start-up "
                             f"{up:.1f} s apart)", ">= 1.6x"))
            except ImportError:
                rows.append(("Dask 2 workers speed-up", "dask not installed", ">= 1.6x"))
        rows.append(("trialaudit --version", f"{version_time():.3f} s", "<= 0.3 s"))
    w = max(len(r[0]) for r in rows)
    for name, val, target in rows:
        print(f"{name:<{w}}  {val:<48} {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
