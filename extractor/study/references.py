"""The reference list and in-text citations of a Document, as study facts with provenance."""
from __future__ import annotations

import re

from trialaudit.schemas.document import Document
from trialaudit.schemas.provenance import Provenance
from trialaudit.schemas.study import CitationLink, ReferenceEntry

from ._util import section_title


def extract_references(doc: Document) -> list[ReferenceEntry]:
    out: list[ReferenceEntry] = []
    sec = next((s.title for s in doc.sections if s.kind == "references"), None)
    for r in doc.references:
        out.append(ReferenceEntry(number=r.number, authors=list(r.authors), title=r.title, journal=r.journal,
                                  year=r.year, provenance=Provenance(span=r.span, quote=r.text, section=sec,
                                                                    method="reference-list")))
    return out


_RANGE = re.compile(r"(\d{1,3})\s*[-–‑—]\s*(\d{1,3})")


def expand_numbers(numbers: list[int], quote: str = "") -> list[int]:
    """Reference numbers with ranges expanded: '1–5' -> 1, 2, 3, 4, 5 (when the quote shows a range)."""
    out: list[int] = []
    for n in numbers:
        if n not in out:
            out.append(n)
    for m in _RANGE.finditer(quote or ""):
        a, b = int(m.group(1)), int(m.group(2))
        if a < b <= a + 50:
            for n in range(a, b + 1):
                if n not in out:
                    out.append(n)
    return sorted(out)


def extract_citations(doc: Document) -> list[CitationLink]:
    sents = {s.id: s for s in doc.sentences}
    out: list[CitationLink] = []
    for c in doc.citations:
        s = sents.get(c.sentence)
        out.append(CitationLink(sentence=c.sentence, numbers=expand_numbers(list(c.numbers), c.quote),
                                provenance=Provenance(span=c.span, quote=s.quote if s else c.quote,
                                                      section=section_title(doc, s.section) if s else None,
                                                      method="sentence-pattern")))
    return out
