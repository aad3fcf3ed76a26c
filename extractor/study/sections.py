"""Which section each sentence really belongs to, and which sentences speak about other studies.

Ingestion sometimes slips: an abstract broken by a page or column break has its
tail in an unheaded "Introduction" that starts mid-sentence, and a heading read
as an ordinary sentence ("Discussion" inside a figure block) leaves the
following sentences with the previous section's kind. :func:`section_repairs`
finds those sentences and the kind they really have; the Study keeps them
(``Study.section_repairs``) so every rule reads the same repaired kinds.
"""
from __future__ import annotations

import re

from trialaudit.extractor.memo import article_cache
from trialaudit.schemas.document import Document, Sentence
from trialaudit.schemas.study import Arm

_HEADING_WORDS = {
    "discussion": "discussion", "conclusion": "conclusion", "conclusions": "conclusion",
    "references": "references", "acknowledgements": "acknowledgements", "acknowledgments": "acknowledgements",
    "results": "results", "methods": "methods", "materials and methods": "methods", "patients and methods": "methods",
    "introduction": "introduction", "background": "introduction",
}


def _effective(doc: Document) -> dict[str, str]:
    kinds = {s.id: s.section_kind for s in doc.sentences}
    headed = {h.span.char_start for h in doc.headings}
    by_section: dict[str | None, list[Sentence]] = {}
    for s in doc.sentences:
        by_section.setdefault(s.section, []).append(s)
    # 1. an abstract continued in an unheaded "Introduction" that starts mid-sentence
    has_abstract = any(sec.kind == "abstract" for sec in doc.sections)
    for sec in doc.sections:
        if sec.kind != "introduction" or not has_abstract:
            continue
        if any(abs(h - sec.span.char_start) <= 2 for h in headed):
            continue
        sents = sorted(by_section.get(sec.id, []), key=lambda s: s.span.char_start)
        if not sents or not re.match(r"[a-z]", sents[0].text):
            continue
        para = sents[0].paragraph
        for s in sents:
            if s.paragraph != para:
                break
            kinds[s.id] = "abstract"
    # 2. a heading read as a sentence ("Discussion" inside a figure block): later sentences of sections that
    #    began before it take the heading's kind
    inline = sorted((s.span.char_start, _HEADING_WORDS[s.text.strip().rstrip(".:").lower()]) for s in doc.sentences
                    if s.text.strip().rstrip(".:").lower() in _HEADING_WORDS and len(s.text) < 40)
    if inline:
        starts = {sec.id: sec.span.char_start for sec in doc.sections}
        for s in doc.sentences:
            if kinds[s.id] in ("abstract", "figure", "table", "references") or s.section not in starts:
                continue
            sec_start = starts[s.section]
            over = [k for pos, k in inline if sec_start < pos < s.span.char_start]
            if over:
                kinds[s.id] = over[-1]
    return kinds


def effective_kinds(doc: Document) -> dict[str, str]:
    """Sentence id -> section kind, with the repairs described in the module docstring."""
    memo = article_cache()  # one article's rules share it; nothing outlives the article
    key = ("effective_kinds", id(doc))
    hit = memo.get(key) if memo is not None else None
    if hit is not None and hit[0] is doc:
        return hit[1]
    kinds = _effective(doc)
    if memo is not None:
        memo[key] = (doc, kinds)
    return kinds


def cited_sentences(doc: Document) -> set[str]:
    return {c.sentence for c in doc.citations}


def section_repairs(doc: Document) -> dict[str, str]:
    """Sentence id -> repaired section kind, for the sentences whose kind the repairs change."""
    kinds = effective_kinds(doc)
    return {s.id: kinds[s.id] for s in doc.sentences if kinds[s.id] != s.section_kind}


def real_arms(arms: list[Arm]) -> list[Arm]:
    """The study's arms proper: not a Total column, and named."""
    return [a for a in arms if not a.is_total and a.label]
