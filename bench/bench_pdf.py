"""Benchmark: our PDF text layer against bare pdfplumber on the same pages.

Ours:      extractor.pdf.read_pdf(path)  (words, rules, tables, layout, text layer, and the text
           parser that turns the layer into a Document: the whole PDF path)
Layer:     extractor.pdf.pdf_to_text_layer(path)  (the PDF reader alone)
Baseline:  bare pdfplumber: page.extract_words() + page.extract_tables() for every page

Inputs: the shared real journal PDFs (all of ``../shared/pdfs`` if present) and a corpus
article rendered to a two-column PDF with fpdf2 (tests/extractor/pdf_render.py).
Each is run ``--repeat`` times, alternating which side goes first; the median
CPU time per side is reported with the ratio ours/baseline (target <= 1.5).

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

from trialaudit.extractor.pdf import pdf_to_text_layer, read_pdf  # noqa: E402

SHARED = ROOT.parent / "shared"
REAL_DIR = SHARED / "pdfs"
TARGET = 1.5


def baseline(path: Path) -> int:
    n = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            words = page.extract_words()
            tables = page.extract_tables()
            n += len(words) + len(tables)
    return n


def layer(path: Path) -> int:
    text, geoms, info = pdf_to_text_layer(path)
    return len(text)


def ours(path: Path) -> int:
    doc = read_pdf(path)
    return len(doc.text)


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
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("pdfs", nargs="*", type=Path)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as d:
        paths = list(args.pdfs)
        if REAL_DIR.is_dir():
            paths += sorted(REAL_DIR.glob("*.pdf"))
        else:
            print(f"(shared real PDFs not found at {REAL_DIR}; skipped)")
        paths.append(rendered_article(Path(d)))
        sides = {"whole": ours, "layer": layer, "base": baseline}
        for p in paths[:1]:  # warm up imports and caches once
            for fn in sides.values():
                fn(p)
        tot = {k: 0.0 for k in sides}
        print(f"{'file':44s} {'pages':>5s} {'whole cpu':>9s} {'layer cpu':>9s} {'base cpu':>9s} "
              f"{'whole/base':>10s} {'layer/base':>10s}")
        for p in paths:
            with pdfplumber.open(p) as pdf:
                npages = len(pdf.pages)
            times: dict[str, list[float]] = {k: [] for k in sides}
            for r in range(args.repeat):
                order = list(sides) if r % 2 == 0 else list(reversed(sides))
                for k in order:
                    times[k].append(timed(sides[k], p)[1])
            med = {k: statistics.median(v) for k, v in times.items()}
            for k in sides:
                tot[k] += med[k]
            print(f"{p.name[:44]:44s} {npages:5d} {med['whole']:9.3f} {med['layer']:9.3f} {med['base']:9.3f} "
                  f"{med['whole'] / med['base']:10.2f} {med['layer'] / med['base']:10.2f}")
        rw, rl = tot["whole"] / tot["base"], tot["layer"] / tot["base"]
        print(f"{'TOTAL':44s} {'':5s} {tot['whole']:9.3f} {tot['layer']:9.3f} {tot['base']:9.3f} {rw:10.2f} {rl:10.2f}")
        print(f"ratio (CPU) whole PDF path / bare pdfplumber: {rw:.2f}; reader alone: {rl:.2f} "
              f"(target <= {TARGET}): {'OK' if rw <= TARGET else 'SLOWER THAN TARGET'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
