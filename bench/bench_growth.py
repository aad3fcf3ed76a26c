"""Benchmark: how the time of a whole check grows with the size of an article.

Builds 1x/2x/4x/8x inputs by repeating realistic article text (a bundled corpus
article's body, sections renamed per copy so every copy stays an ordinary
results section), times reading + extraction + checks of each in one run, and
fits the growth exponent b of ``time = a * size^b`` (least squares on log-log).
Target: b <= 1.2 (linear growth; quadratic would be 2).

With ``--hostile`` it also times the huge inputs of issue 15 built from the same
article: 20,000 numbers with thousands separators in one paragraph, and the
article's prose as one 1 MB line (target: each under 10 s CPU), and the single line at
250 kB, 500 kB and 1 MB (its growth exponent, target <= 1.2). Times are CPU seconds of
this process; extraction and checks share one article memo, as in ``trialaudit check``.

    python bench/bench_growth.py [--article FILE] [--factors 1 2 4 8] [--repeat 1] [--hostile]
"""
from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from trialaudit.extractor.loader import read_document  # noqa: E402
from trialaudit.extractor.memo import parse_once  # noqa: E402
from trialaudit.extractor.study import extract_study  # noqa: E402
from trialaudit.validation.runner import run_checks  # noqa: E402
from trialaudit.validation.settings import Settings  # noqa: E402

TARGET_EXPONENT = 1.2
TARGET_HOSTILE_S = 10.0
#: CPU time of this process: other work on a shared machine does not count
clock = time.process_time


def default_article() -> Path:
    import trialaudit.corpus as corpus
    arts = sorted(corpus.articles(), key=lambda a: a.id)
    with corpus.paths() as ps:
        by_name = {p.name: p.read_text(encoding="utf-8") for p in ps}
    name = Path(arts[0].file).name
    out = Path(tempfile.mkdtemp()) / name
    out.write_text(by_name[name], encoding="utf-8")
    return out


def build(text: str, k: int) -> str:
    """``text`` then k-1 copies of its body (title kept once)."""
    lines = text.splitlines()
    head, body = lines[:1], lines[1:]
    out = list(head)
    for i in range(k):
        out.extend(body)
        out.append("")
    return "\n".join(out) + "\n"


#: sizes of the single-line input: its time must grow linearly (exponent <= TARGET_EXPONENT)
LINE_SIZES = (250_000, 500_000, 1_000_000)


def one_line(text: str, size: int = 1_000_000) -> str:
    """The article's prose (no tables) repeated as one line of ``size`` characters."""
    prose = " ".join(ln.strip() for ln in text.splitlines()[1:] if ln.strip() and not ln.lstrip().startswith("|"))
    line = ((prose + " ") * (size // max(len(prose), 1) + 1))[:size]
    return f"# One line\n\n{line}\n"


def hostile_inputs(text: str) -> dict[str, str]:
    """Issue 15's huge inputs, built from ``text``: many thousands-separated numbers, one 1 MB line."""
    nums = " ".join(f"{(i * 7919) % 999_000 + 1000:,}" for i in range(20_000))
    return {"20,000 thousands-separated numbers": f"# Numbers\n\n## Results\n\nValues were {nums}.\n",
            "one 1 MB line": one_line(text)}


def fit_exponent(sizes: list[float], times: list[float]) -> float:
    xs = [math.log(s) for s in sizes]
    ys = [math.log(max(t, 1e-6)) for t in times]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def time_one(path: Path, settings: Settings) -> tuple[float, float, float, int]:
    t0 = clock()
    doc = read_document(path, limits=settings.read_limits())
    t1 = clock()
    with parse_once():  # as a check runs it (api.check_one): extraction and rules share one article memo
        study = extract_study(doc)
        t2 = clock()
        findings, _ = run_checks(doc, study, settings)
        t3 = clock()
    return t1 - t0, t2 - t1, t3 - t2, len(findings)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--article", type=Path)
    ap.add_argument("--factors", type=int, nargs="+", default=[1, 2, 4, 8])
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--hostile", action="store_true", help="also time the huge inputs of issue 15")
    args = ap.parse_args()
    if len(set(args.factors)) < 2:
        ap.error("--factors needs at least two different sizes to fit a growth exponent")
    src = args.article or default_article()
    text = src.read_text(encoding="utf-8")
    settings = Settings(article_time_budget_s=3600, max_article_chars=50_000_000)
    tmp = Path(tempfile.mkdtemp())
    warm = tmp / f"warm{src.suffix}"
    warm.write_text(text, encoding="utf-8")
    time_one(warm, settings)   # warm-up: spaCy, regexes, rule imports
    sizes, totals, stages = [], [], []
    for k in args.factors:
        p = tmp / f"x{k}{src.suffix}"
        p.write_text(build(text, k), encoding="utf-8")
        best = None
        for _ in range(args.repeat):
            r = time_one(p, settings)
            best = r if best is None or sum(r[:3]) < sum(best[:3]) else best
        sizes.append(p.stat().st_size)
        totals.append(sum(best[:3]))
        stages.append(best)
        print(f"{k}x  {sizes[-1]:>9} bytes  read {best[0]:6.2f}s  extract {best[1]:6.2f}s  "
              f"checks {best[2]:6.2f}s  total {totals[-1]:6.2f}s  findings {best[3]}")
    b = fit_exponent(sizes, totals)
    parts = ", ".join(f"{name} {fit_exponent(sizes, [s[i] for s in stages]):.2f}"
                      for i, name in enumerate(("read", "extract", "checks")))
    print(f"growth exponent {b:.2f} (target <= {TARGET_EXPONENT}); by stage: {parts}")
    ok = b <= TARGET_EXPONENT
    if args.hostile:
        for name, body in hostile_inputs(text).items():
            p = tmp / f"hostile{src.suffix}"
            p.write_text(body, encoding="utf-8")
            r = time_one(p, settings)
            print(f"{name}: {len(body):>9} chars  read {r[0]:6.2f}s  extract {r[1]:6.2f}s  checks {r[2]:6.2f}s  "
                  f"total {sum(r[:3]):6.2f}s (target < {TARGET_HOSTILE_S:g} s)  findings {r[3]}")
            ok = ok and sum(r[:3]) < TARGET_HOSTILE_S
        line_sizes, line_times = [], []
        for size in LINE_SIZES:
            p = tmp / f"line{size}{src.suffix}"
            body = one_line(text, size)
            p.write_text(body, encoding="utf-8")
            r = time_one(p, settings)
            line_sizes.append(len(body))
            line_times.append(sum(r[:3]))
            print(f"one line of {size:>9,} chars: read {r[0]:6.2f}s  extract {r[1]:6.2f}s  checks {r[2]:6.2f}s  "
                  f"total {line_times[-1]:6.2f}s")
        b_line = fit_exponent(line_sizes, line_times)
        print(f"one line: growth exponent {b_line:.2f} (target <= {TARGET_EXPONENT}); "
              f"x{line_times[-1] / line_times[0]:.2f} time for x{line_sizes[-1] / line_sizes[0]:.1f} size")
        ok = ok and b_line <= TARGET_EXPONENT
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
