"""Extraction vs. the hand-verified gold files (corpus/gold): per-field precision and recall.

The numbers are printed (run with -s to see them); the thresholds below are the levels the
extractor reaches on the four bundled articles, so a regression fails the test.
"""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

import trialaudit.corpus as corpus
ROOT = Path(__file__).resolve().parents[2]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_gold", ROOT / "bench" / "bench_gold.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[spec.name] = mod      # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


bench = _bench()

#: field -> (minimum precision, minimum recall) over the four articles
THRESHOLDS = {
    "design.value": (1.0, 1.0),
    "total_n.value": (1.0, 1.0),
    "arms._": (1.0, 1.0),
    "arms.n": (1.0, 1.0),
    "sample_sizes.value": (1.0, 1.0),
    "outcomes._": (0.98, 0.95),
    "outcomes.n": (1.0, 0.98),
    "outcomes.pct": (0.98, 0.98),
    "outcomes.value": (0.98, 0.90),
    "outcomes.lo": (0.98, 0.90),
    "outcomes.hi": (0.98, 0.90),
    "effects._": (1.0, 1.0),
    "effects.lo": (1.0, 1.0),
    "effects.hi": (1.0, 1.0),
    "effects.p": (1.0, 1.0),
    "effects.endpoint": (1.0, 1.0),
    "adverse_events._": (1.0, 1.0),
    "adverse_events.n": (1.0, 1.0),
    "adverse_events.pct": (1.0, 1.0),
    "baseline._": (1.0, 1.0),
    "baseline.n": (1.0, 1.0),
    "baseline.pct": (1.0, 1.0),
    "baseline.value": (1.0, 1.0),
    "baseline.lo": (1.0, 1.0),
    "baseline.hi": (1.0, 1.0),
    "tests._": (0.98, 0.98),
    "tests.stat": (1.0, 1.0),
    "tests.test": (0.95, 0.95),
    "test_names._": (0.9, 0.9),
}


@pytest.fixture(scope="module")
def results():
    return bench.run()


def test_every_corpus_article_has_gold():
    ids = {a.id for a in corpus.articles()}
    assert set(bench.gold_ids()) == ids
    for aid in ids:
        g = json.loads(corpus.gold_dir().joinpath(f"{aid}.json").read_text(encoding="utf-8"))
        assert g["id"] == aid and g["format"] == "trialaudit-gold/1"
        # every gold cell parses with the gold grammar
        for blk in g.get("adverse_events", []) + g.get("baseline", []):
            for row in blk["rows"]:
                for cell in row[1:]:
                    if isinstance(cell, str) and any(ch.isdigit() for ch in cell) and not cell.startswith(("<", ">")):
                        bench.parse_gold_cell(cell)


def test_gold_cell_grammar():
    assert bench.parse_gold_cell("52 (98.1)") == {"n": 52, "pct": 98.1}
    assert bench.parse_gold_cell("30±6.44") == {"value": 30.0, "sd": 6.44}
    assert bench.parse_gold_cell("15.5 [12, 46] range") == {"value": 15.5, "lo": 12.0, "hi": 46.0, "ci": "range"}
    assert bench.parse_gold_cell("[12, 51] range") == {"lo": 12.0, "hi": 51.0, "ci": "range"}
    assert bench.parse_gold_cell("21/33 (63.6)") == {"n": 21, "d": 33, "pct": 63.6}
    assert bench.parse_gold_cell("-") is None


def test_gold_precision_recall(results):
    totals, per_article, _ = results
    print("\n" + bench.report(totals, per_article))
    failures = []
    for name, (pmin, rmin) in THRESHOLDS.items():
        s = totals.get(name)
        assert s is not None and s.n_gold > 0, f"no gold facts for {name}"
        if (s.precision or 0) < pmin or (s.recall or 0) < rmin:
            failures.append(f"{name}: P={s.precision} R={s.recall} (min {pmin}/{rmin})")
    assert not failures, "; ".join(failures)


@pytest.mark.parametrize("aid", [a.id for a in corpus.articles()])
def test_each_article_pooled(results, aid):
    _, per_article, _ = results
    pooled = bench.Score()
    for k, s in per_article[aid].items():
        if k in bench.FIELDS_SHOWN:
            pooled += s
    assert pooled.precision >= 0.98 and pooled.recall >= 0.97, (aid, pooled.precision, pooled.recall)
