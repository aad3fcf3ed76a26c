"""From a Document to a validated :class:`~schemas.study.Study`."""
from __future__ import annotations

from schemas.document import Document
from schemas.study import Study

from .arms import extract_arms
from .regimens import extract_regimen_mentions


def extract_study(doc: Document) -> Study:
    """Extract every study fact the checks and exporters need."""
    arms, total_n = extract_arms(doc)
    study = Study(id=doc.id, title=doc.title, arms=arms, total_n=total_n)
    study.regimens = extract_regimen_mentions(doc, arms)
    return study


__all__ = ["extract_study"]
