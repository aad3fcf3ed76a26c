"""Benchmark: JATS XML ingestion over a folder of PMC articles (default: ../shared/realworld/articles).

One run reports, as ratios against what the XML itself holds:
- tables read / ``<table-wrap>`` elements (and how many wraps are only an image);
- articles with an abstract, a Results section, a reference list, citations;
- ingestion time per article (median and max) against a bare lxml parse of the same files.

    python bench/bench_jats.py [FOLDER] [--limit N]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from trialaudit.extractor.loader import IngestError, read_document  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "realworld" / "articles"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", nargs="?", default=str(DEFAULT))
    ap.add_argument("--limit", type=int, default=0)
    a = ap.parse_args()
    files = sorted(Path(a.folder).rglob("*.nxml")) + sorted(Path(a.folder).rglob("*.xml"))
    if a.limit:
        files = files[:a.limit]
    if not files:
        print(f"no .nxml/.xml files under {a.folder}")
        return 1
    wraps = images = tables = errors = 0
    has = {"abstract": 0, "results": 0, "references": 0, "citations": 0}
    ours: list[float] = []
    bare: list[float] = []
    for f in files:
        data = f.read_bytes()
        t0 = time.perf_counter()
        root = etree.fromstring(data, etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False))
        bare.append(time.perf_counter() - t0)
        wraps += sum(1 for _ in root.iter("table-wrap"))
        t0 = time.perf_counter()
        try:
            d = read_document(f)
        except IngestError as exc:
            errors += 1
            print(f"ERROR {exc}")
            continue
        ours.append(time.perf_counter() - t0)
        tables += len(d.tables)
        images += sum("only an image" in w for w in d.warnings)
        kinds = {s.kind for s in d.sections}
        has["abstract"] += "abstract" in kinds
        has["results"] += "results" in kinds
        has["references"] += bool(d.references)
        has["citations"] += bool(d.citations)
    n = len(files)
    print(f"articles: {n}, ingest errors: {errors}")
    print(f"tables read: {tables} / {wraps} <table-wrap> ({tables / max(1, wraps):.1%}); image-only wraps: {images}; "
          f"read or image: {(tables + images) / max(1, wraps):.1%}")
    for k, v in has.items():
        print(f"with {k}: {v}/{n} ({v / n:.0%})")
    print(f"ingest time per article: median {statistics.median(ours):.3f}s, max {max(ours):.3f}s; "
          f"bare lxml parse median {statistics.median(bare):.4f}s (ratio {statistics.median(ours) / max(1e-9, statistics.median(bare)):.0f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
