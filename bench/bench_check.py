"""Benchmark: ingestion, extraction and checks over the bundled corpus.

Prints per-stage time per article (median of N repeats), throughput and peak
memory. Targets (documented, not asserted in tests): a whole check of one
article under 2 s, peak memory under 500 MB for the four-article corpus.

    python bench/bench_check.py [--repeat 3] [PATH ...]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from trialaudit.extractor.loader import read_document  # noqa: E402
from trialaudit.extractor.study import extract_study  # noqa: E402
from trialaudit.api import collect_inputs  # noqa: E402
from trialaudit.validation.runner import run_checks  # noqa: E402

TARGET_S_PER_ARTICLE = 2.0
TARGET_PEAK_MB = 500


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    specs, stack = collect_inputs(args.paths or None)
    with stack:
        w = read_document(specs[0].path)  # warm-up: spaCy pipeline, regexes, rule and scipy imports
        run_checks(w, extract_study(w))
        rows = []
        for spec in specs:
            t_in, t_ex, t_ck = [], [], []
            nf = 0
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                doc = read_document(spec.path, doc_id=spec.id)
                t1 = time.perf_counter()
                study = extract_study(doc)
                t2 = time.perf_counter()
                findings, _ = run_checks(doc, study)
                t3 = time.perf_counter()
                t_in.append(t1 - t0)
                t_ex.append(t2 - t1)
                t_ck.append(t3 - t2)
                nf = len(findings)
            rows.append((spec.id, statistics.median(t_in), statistics.median(t_ex), statistics.median(t_ck), nf,
                         len(doc.text)))
        tracemalloc.start()  # memory measured in a separate pass: tracing slows everything down
        for spec in specs:
            doc = read_document(spec.path, doc_id=spec.id)
            run_checks(doc, extract_study(doc))
        _, peak = tracemalloc.get_traced_memory()
    print(f"{'article':40} {'ingest s':>9} {'extract s':>9} {'checks s':>9} {'total s':>8} {'findings':>8} {'kchar':>6}")
    for r in rows:
        print(f"{r[0]:40} {r[1]:9.3f} {r[2]:9.3f} {r[3]:9.3f} {r[1] + r[2] + r[3]:8.3f} {r[4]:8d} {r[5] / 1000:6.1f}")
    tot = sum(r[1] + r[2] + r[3] for r in rows)
    chars = sum(r[5] for r in rows)
    worst = max(r[1] + r[2] + r[3] for r in rows)
    print(f"total {tot:.3f} s for {len(rows)} articles; {chars / tot / 1000:.0f} kchar/s; "
          f"worst article {worst:.3f} s (target < {TARGET_S_PER_ARTICLE} s); "
          f"peak traced memory {peak / 1e6:.1f} MB (target < {TARGET_PEAK_MB} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
