"""Regression on real articles: randomised arm sizes judged exact stay exact.

``arm_sizes.yaml`` holds, for each development-set article, the randomised arm sizes its text
states (written by opening the article) and whether trialaudit extracts exactly those
(``exact: true``). This test extracts the Study of only those articles and fails when one of
them no longer gives exactly the stated sizes. ``python bench/realworld.py --arms-only`` prints
the whole measure (exact / stated, and the cause of each miss).

Skipped when the development set (``../shared/realworld`` beside the repository) is absent.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from trialaudit.api import document_for
from trialaudit.extractor.study import extract_study

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = ROOT.parent / "shared" / "realworld" / "articles"
ARM_SIZES = Path(__file__).with_name("arm_sizes.yaml")

pytestmark = pytest.mark.skipif(not ARTICLES.is_dir(), reason="development set ../shared/realworld absent")


def _entries() -> list[dict]:
    return yaml.safe_load(ARM_SIZES.read_text(encoding="utf-8")) or []


def test_file_is_well_formed():
    entries = _entries()
    assert len({e["article"] for e in entries}) == len(entries)
    for e in entries:
        assert isinstance(e["randomised"], list) and all(isinstance(n, int) and n > 0 for n in e["randomised"])
        assert not e.get("exact") or e["randomised"], f"{e['article']}: exact needs stated sizes"
        assert e["randomised"] == [] or e.get("quote"), f"{e['article']}: stated sizes need the quote"


def test_exact_articles_stay_exact():
    wrong = []
    for e in _entries():
        if not e.get("exact"):
            continue
        study = extract_study(document_for(ARTICLES / f"{e['article']}.nxml"))
        got = sorted({a.randomised_n for a in study.arms if a.randomised_n and not a.is_total})
        if got != sorted(set(e["randomised"])):
            wrong.append(f"{e['article']}: stated {e['randomised']}, extracted {got}")
    assert not wrong, "randomised arm sizes no longer exact:\n" + "\n".join(wrong)
