"""Shared test articles for the meta-analysis tests: one small trial, and a reader for any text."""
from __future__ import annotations

from pathlib import Path

import pytest

#: a two-arm trial with one binary and one continuous outcome in a table (and a sentence after it)
ASPIRIN_TRIAL = """# Aspirin versus placebo for headache: a randomised trial

## Methods

Patients were randomly assigned to aspirin (n = 40) or placebo (n = 38).

## Results

Table 2. Outcomes at 4 weeks.

| Outcome | Aspirin (n = 40) | Placebo (n = 38) | P |
|---|---|---|---|
| Headache resolved, n (%) | 24 (60.0) | 11 (28.9) | 0.01 |
| Pain score, mean (SD) | 3.2 (1.1) | 4.5 (1.3) | 0.02 |

Headache resolved more often with aspirin.
"""


@pytest.fixture(scope="session")
def aspirin_trial() -> str:
    return ASPIRIN_TRIAL


@pytest.fixture(scope="session")
def read_article(tmp_path_factory):
    """``read_article(text)`` -> (Document, Study) of that text written as a Markdown file."""
    from trialaudit.extractor.study import extract_study
    from trialaudit.inputs import document_for

    def read(text: str) -> tuple:
        p: Path = tmp_path_factory.mktemp("article") / "trial.md"
        p.write_text(text, encoding="utf-8")
        doc = document_for(p)
        return doc, extract_study(doc)

    return read
