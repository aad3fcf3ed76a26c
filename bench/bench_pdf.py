"""Benchmark: our PDF text layer against bare pdfplumber on the same pages.

Ours:      extractor.pdf.pdf_to_text_layer(path)      (words, rules, tables, layout, text layer)
Baseline:  pdfplumber: page.extract_text() + page.extract_tables() for every page

Inputs: the shared real journal PDF (if present) and a corpus article
rendered to a two-column PDF with fpdf2 (tests/extractor/pdf_render.py).
Each is run ``--repeat`` times, alternating which side goes first; the
median per side is reported with the ratio ours/baseline (target <= 1.3).

    PYTHONPATH=. python bench/bench_pdf.py [--repeat 5] [extra.pdf ...]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "extractor"))

import pdfplumber  # noqa: E402

from trialaudit.extractor.pdf import pdf_to_text_layer  # noqa: E402

SHARED = ROOT.parent / "shared"
REAL_PDF = SHARED / "pdfs" / "bmj-2015-ussher-physical-activity-smoking-cessation-rct.pdf"


def baseline(path: Path) -> int:
    n = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            text = page.extract_text() or ""
            tables = page.extract_tables()
            n += len(text) + len(tables)
    return n


def ours(path: Path) -> int:
    text, geoms, info = pdf_to_text_layer(path)
    return len(text)


def rendered_article(tmp: Path) -> Path:
    from pdf_render import SAMPLE_ARTICLE, Layout, render_text

    seeds = sorted((SHARED / "seeds").glob("*.txt")) if (SHARED / "seeds").is_dir() else []
    text = seeds[0].read_text(encoding="utf-8") if seeds else SAMPLE_ARTICLE
    out = tmp / ("rendered-" + (seeds[0].stem if seeds else "sample") + ".pdf")
    render_text(text, out, Layout(columns=2, ruled=True))
    return out


def timed(fn, path: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) - CPU time is robust to other load on the machine."""
    t, c = time.perf_counter(), time.process_time()
    fn(path)
    return time.perf_counter() - t, time.process_time() - c


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("pdfs", nargs="*", type=Path)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as d:
        paths = list(args.pdfs)
        if REAL_PDF.is_file():
            paths.append(REAL_PDF)
        else:
            print(f"(shared real PDF not found at {REAL_PDF}; skipped)")
        paths.append(rendered_article(Path(d)))
        # warm up imports and caches once
        for p in paths:
            ours(p)
            baseline(p)
        tot = {"wall": [0.0, 0.0], "cpu": [0.0, 0.0]}
        print(f"{'file':48s} {'pages':>5s} {'ours wall':>10s} {'base wall':>10s} {'ours cpu':>9s} "
              f"{'base cpu':>9s} {'ratio(cpu)':>10s}")
        for p in paths:
            with pdfplumber.open(p) as pdf:
                npages = len(pdf.pages)
            to, tb = [], []
            for r in range(args.repeat):
                if r % 2 == 0:
                    to.append(timed(ours, p))
                    tb.append(timed(baseline, p))
                else:
                    tb.append(timed(baseline, p))
                    to.append(timed(ours, p))
            med = {}
            for k, idx in (("wall", 0), ("cpu", 1)):
                mo = statistics.median(t[idx] for t in to)
                mb = statistics.median(t[idx] for t in tb)
                med[k] = (mo, mb)
                tot[k][0] += mo
                tot[k][1] += mb
            print(f"{p.name[:48]:48s} {npages:5d} {med['wall'][0]:10.3f} {med['wall'][1]:10.3f} "
                  f"{med['cpu'][0]:9.3f} {med['cpu'][1]:9.3f} {med['cpu'][0] / med['cpu'][1]:10.2f}")
        print(f"{'TOTAL':48s} {'':5s} {tot['wall'][0]:10.3f} {tot['wall'][1]:10.3f} {tot['cpu'][0]:9.3f} "
              f"{tot['cpu'][1]:9.3f} {tot['cpu'][0] / tot['cpu'][1]:10.2f}")
        rw = tot["wall"][0] / tot["wall"][1]
        rc = tot["cpu"][0] / tot["cpu"][1]
        print(f"ratio ours/baseline: wall {rw:.2f}, cpu {rc:.2f} (target <= 1.30): "
              f"{'OK' if rc <= 1.3 else 'SLOWER THAN TARGET'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
