"""Benchmark: the generated-article properties on many examples (default 10,000).

Runs the strategy and the property check of
``tests/validation/test_generated_articles.py`` without stopping at the first
failure: every example is checked, failures are collected and the distinct
ones printed (first article of each), with the time per article.

    python bench/bench_generated.py [--examples 10000] [--seed 0] [--max-minutes M]

About 0.1-0.3 s per article on one core: 10,000 examples take 20-50 minutes.
``--max-minutes`` stops after that much time (on a busy machine) and prints the
exact number of examples checked. The same suite runs under pytest with
``--hypothesis-profile=thorough`` (10,000 examples, see tests/conftest.py) or
``TRIALAUDIT_GENERATED_EXAMPLES=N``; CI runs the default 200.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402


class _TimeUp(BaseException):
    """Raised inside the test to end the run at --max-minutes (not an Exception: hypothesis lets it through)."""


def _suite():
    path = ROOT / "tests" / "validation" / "test_generated_articles.py"
    spec = importlib.util.spec_from_file_location("generated_articles", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--examples", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-minutes", type=float, default=None, help="stop after this long; report how many ran")
    ap.add_argument("--save-failures", type=Path, default=None,
                    help="write the first article of each distinct problem to this folder (to reproduce it)")
    args = ap.parse_args()
    suite = _suite()
    failures: Counter[str] = Counter()
    first: dict[str, str] = {}
    times: list[float] = []

    @seed(args.seed)
    @settings(max_examples=args.examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(suite.article())
    def run(text: str) -> None:
        if stop_at is not None and time.perf_counter() > stop_at:
            raise _TimeUp
        t0 = time.perf_counter()
        try:
            problems = suite.check_article(text)
        except Exception as exc:  # noqa: BLE001 - the benchmark counts escaping exceptions
            problems = [f"exception {type(exc).__name__}: {exc}"]
        times.append(time.perf_counter() - t0)
        for p in problems:
            key = p.split(":")[0] + ":" + p.split(":")[1][:60] if ":" in p else p[:60]
            failures[key] += 1
            first.setdefault(key, text)
        if len(times) % 500 == 0:
            print(f"... {len(times)} articles, {sum(failures.values())} problems", flush=True)

    t0 = time.perf_counter()
    stop_at = t0 + args.max_minutes * 60 if args.max_minutes else None
    try:
        run()
    except _TimeUp:
        print(f"stopped after {args.max_minutes:g} minutes: {len(times)} of {args.examples} examples checked")
    wall = time.perf_counter() - t0
    times.sort()
    print(f"{len(times)} generated articles in {wall:.0f} s; per article median {times[len(times) // 2]:.3f} s, "
          f"max {times[-1]:.2f} s")
    if not failures:
        print("all properties held: no exception, no TA900/TA901, quotes verbatim at their spans, within budget")
        return 0
    print(f"{sum(failures.values())} problems, {len(failures)} distinct:")
    if args.save_failures:
        args.save_failures.mkdir(parents=True, exist_ok=True)
    for i, (key, n) in enumerate(failures.most_common()):
        print(f"  {n:5d}  {key}")
        print("        first article:", first[key][:400].replace("\n", "\\n"))
        if args.save_failures:
            (args.save_failures / f"problem-{i + 1}.md").write_text(first[key], encoding="utf-8")
    return 1


if __name__ == "__main__":
    sys.exit(main())
