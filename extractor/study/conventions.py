"""Conventions an article declares for how it prints numbers (``Study.range_order_declarations``).

Some articles print ranges from the largest value to the smallest and say so once, in a table note or a
sentence: "Median Range (Maximum- Minimum)", "values are median (max–min)". A reversed range printed
under such a declaration is the article's convention, not a contradiction; TA208 reads the declarations
and then compares the median with the range in either order.
"""
from __future__ import annotations

import re

from trialaudit.extractor.evidence import section_title, sentence_evidence
from trialaudit.schemas.document import Document
from trialaudit.schemas.findings import Evidence

__all__ = ["range_order_declarations", "MAX_MIN"]

#: "maximum–minimum", "max-min", "(Max/Min)", "Maximum- Minimum"
MAX_MIN = re.compile(r"\bmax(?:imum|\.)?\s*(?:[-–—/,]|to)\s*min(?:imum|\.)?(?![a-z])", re.I)


def range_order_declarations(doc: Document) -> list[Evidence]:
    """Every place (table caption, note, column or row label, sentence) that says ranges are printed maximum first."""
    out: list[Evidence] = []
    for t in doc.tables:
        span = t.caption_span or t.span
        texts = [t.caption or ""] + list(t.footnotes) + [t.column_label(j) for j in range(len(t.columns))] + \
            [r.label or "" for r in t.rows]
        for text in texts:
            m = MAX_MIN.search(text or "")
            if m:
                out.append(Evidence(quote=text.strip()[:300], line=span.line, line_end=span.line_end,
                                    char_start=span.char_start, char_end=span.char_end,
                                    section=section_title(doc, t.section), table=t.label, page=span.page,
                                    bbox=span.bbox, role="range order"))
                break
    for s in doc.sentences:
        m = MAX_MIN.search(s.text)
        if m:
            out.append(sentence_evidence(doc, s, m.start(), m.end(), role="range order"))
    return out
