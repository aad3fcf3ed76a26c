"""Benchmark: ingestion, extraction and each rule over the bundled corpus (or PATHs).

Prints per-stage CPU time per article (median of N repeats; CPU time of this
process, so other work on a shared machine does not count), the ratio of the
whole check to ingestion alone side by side in the same run, the slowest rules,
and peak traced memory. No parse is shared between repeats (the process-wide
scan cache is cleared before each), as between the articles of a batch. With
``--profile`` it also prints the top functions by cumulative time (cProfile).
Targets (documented, not asserted in tests): rules + extraction + ingestion at
most 3x ingestion alone; a whole check of one article under 2 s.

    python bench/bench_check.py [--repeat 3] [--profile] [PATH ...]
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from trialaudit.api import collect_inputs  # noqa: E402
from trialaudit.extractor.loader import read_document  # noqa: E402
from trialaudit.extractor.quantities import decimal_comma_article, parse_once, uses_decimal_comma  # noqa: E402
from trialaudit.extractor.study import extract_study  # noqa: E402
from trialaudit.validation.context import CheckContext  # noqa: E402
from trialaudit.validation.registry import all_rules  # noqa: E402
from trialaudit.validation.runner import INTERNAL_CODE, run_checks  # noqa: E402
from trialaudit.validation.settings import Settings  # noqa: E402

TARGET_RATIO = 3.0
TARGET_S_PER_ARTICLE = 2.0
clock = time.process_time


def timed_check(spec, per_rule: dict[str, float]) -> tuple[float, float, float, int]:
    """One article, stage by stage, as the batch runs it (one parse_once scope)."""
    t0 = clock()  # quantities are memoised per article only (inside parse_once): nothing carries over
    doc = read_document(spec.path, doc_id=spec.id)
    t1 = clock()
    with parse_once(), decimal_comma_article(uses_decimal_comma(doc.text)):  # as run_checks does
        study = extract_study(doc)
        t2 = clock()
        settings = Settings(preview=PREVIEW)
        ctx = CheckContext(document=doc, study=study, settings=settings)
        for r in all_rules():
            if r.code == INTERNAL_CODE or not settings.wants(r.code, r.name, r.preview is not None):
                continue
            a = clock()
            try:
                list(r.func(ctx) or [])
            except Exception:  # noqa: BLE001 - the runner turns crashes into TA900; here only time counts
                pass
            per_rule[f"{r.code} {r.name}"] += clock() - a
        t3 = clock()
    return t1 - t0, t2 - t1, t3 - t2, len(doc.text)


#: time the preview rules too (``--preview``); by default the rules a default ``check`` runs
PREVIEW = False


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", action="store_true", help="also print the top functions (cProfile)")
    ap.add_argument("--top", type=int, default=10, help="slowest rules to list")
    ap.add_argument("--preview", action="store_true", help="also time the preview rules (off by default in check)")
    args = ap.parse_args()
    global PREVIEW
    PREVIEW = args.preview
    specs, stack = collect_inputs(args.paths or None)
    with stack:
        import scipy.stats  # noqa: F401 - warm-up: rules import it lazily
        w = read_document(specs[0].path)  # warm-up: spaCy pipeline, regexes, rule imports
        run_checks(w, extract_study(w))
        rows = []
        per_rule: dict[str, float] = defaultdict(float)
        for spec in specs:
            t_in, t_ex, t_ck = [], [], []
            for _ in range(args.repeat):
                a, b, c, n = timed_check(spec, per_rule)
                t_in.append(a)
                t_ex.append(b)
                t_ck.append(c)
            rows.append((spec.id, statistics.median(t_in), statistics.median(t_ex), statistics.median(t_ck), n))
        if args.profile:
            pr = cProfile.Profile()
            pr.enable()
            for spec in specs:
                timed_check(spec, defaultdict(float))
            pr.disable()
        tracemalloc.start()  # memory measured in a separate pass: tracing slows everything down
        for spec in specs:
            doc = read_document(spec.path, doc_id=spec.id)
            run_checks(doc, extract_study(doc))
        _, peak = tracemalloc.get_traced_memory()
    print("CPU seconds per article (median of repeats)")
    print(f"{'article':40} {'ingest s':>9} {'extract s':>9} {'rules s':>9} {'total s':>8} {'kchar':>6}")
    for r in rows:
        print(f"{r[0]:40} {r[1]:9.3f} {r[2]:9.3f} {r[3]:9.3f} {r[1] + r[2] + r[3]:8.3f} {r[4] / 1000:6.1f}")
    ing = sum(r[1] for r in rows)
    ext = sum(r[2] for r in rows)
    rul = sum(r[3] for r in rows)
    tot = ing + ext + rul
    worst = max(r[1] + r[2] + r[3] for r in rows)
    print(f"stages over {len(rows)} articles: ingestion {ing:.3f} s, extraction {ext:.3f} s, rules {rul:.3f} s")
    print(f"whole check / ingestion alone = {tot / ing:.2f}x (target <= {TARGET_RATIO}x); "
          f"worst article {worst:.3f} s (target < {TARGET_S_PER_ARTICLE} s); "
          f"peak traced memory {peak / 1e6:.1f} MB")
    print(f"slowest rules (total over {len(rows)} articles x {args.repeat} repeats):")
    for name, t in sorted(per_rule.items(), key=lambda kv: -kv[1])[:args.top]:
        print(f"  {t / args.repeat:8.3f} s  {name}")
    if args.profile:
        pstats.Stats(pr).sort_stats("cumulative").print_stats(30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
