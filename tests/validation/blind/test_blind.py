"""Blind robustness articles for the arithmetic and statistics rules (TA101–TA108, TA201–TA210).

Each ``article_*`` is internally consistent (every number recomputed: percentages from counts,
p-values from their statistics, CIs, ...); ``planted.py`` lists the errors planted into the
``*_planted`` copies. The consistent versions must draw no finding from these rules, and every
planted error must be caught by its rule with evidence on the planted line.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from trialaudit.extractor.study import extract_study
from trialaudit.extractor.text import parse_text
from trialaudit.validation.runner import run_checks
from trialaudit.validation.settings import Settings

from .planted import PLANTED, planted_name

HERE = Path(__file__).resolve().parent
ARTICLES = sorted({p[0] for p in PLANTED})


def _rules_of_interest(code: str) -> bool:
    return code.startswith(("TA1", "TA2")) and code != "TA900"


def _findings(name: str, text: str | None = None):
    text = text if text is not None else (HERE / name).read_text(encoding="utf-8")
    doc = parse_text(text, doc_id=name, source=str(HERE / name))
    findings, _ = run_checks(doc, extract_study(doc), Settings(preview=True))  # every rule, preview ones too
    crashed = [f for f in findings if f.code == "TA900"]
    assert not crashed, crashed[0].message
    return findings


def test_planted_files_are_current():
    texts = {planted_name(a): t for a, t in build_texts().items()}
    for name, text in texts.items():
        assert (HERE / name).read_text(encoding="utf-8") == text, f"regenerate {name}: python planted.py"


def build_texts() -> dict[str, str]:
    texts: dict[str, str] = {}
    for art, _code, old, new, _m in PLANTED:
        t = texts.get(art) or (HERE / art).read_text(encoding="utf-8")
        assert t.count(old) == 1, (art, old)
        texts[art] = t.replace(old, new)
    return texts


@pytest.mark.parametrize("article", ARTICLES)
def test_consistent_article_is_clean(article):
    mine = [f for f in _findings(article) if _rules_of_interest(f.code)]
    assert not mine, "\n".join(f"{f.code}: {f.message}" for f in mine)


@pytest.mark.parametrize("article,code,old,new,marker", PLANTED,
                         ids=[f"{p[0].split('.')[0]}-{p[1]}" for p in PLANTED])
def test_planted_error_is_caught(article, code, old, new, marker):
    name = planted_name(article)
    text = build_texts()[article]
    line = next(i + 1 for i, l in enumerate(text.splitlines()) if new.splitlines()[0] in l)
    assert marker in text.splitlines()[line - 1]
    hits = [f for f in _findings(name, text) if f.code == code]
    assert hits, f"{code} missed the planted error on line {line}: {new!r}"
    assert any(e.line is not None and (e.line == line or (e.line_end and e.line <= line <= e.line_end))
               for f in hits for e in f.evidence), [f.message for f in hits]
