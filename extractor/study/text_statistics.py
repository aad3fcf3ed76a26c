"""Test statistics printed with their P in sentences (``Study.text_statistics``).

"χ² = 8.23, df = 2, P = 0.016", "t(38) = 2.1, P = 0.04", "F(2, 57) = 3.4; P = .04", "z = 1.96 (P = 0.05)": a
χ², t, F or z with its value, the P printed in it or right after it (nothing but punctuation and words
between), and the degrees of freedom when the statistic or the words after it print them. Sentences of the
references, declarations, acknowledgements, front matter and keywords are not read. TA201 recomputes each P.
"""
from __future__ import annotations

import re

from trialaudit.extractor.evidence import sentence_evidence
from trialaudit.extractor.quantities import find_quantities
from trialaudit.schemas.document import Document
from trialaudit.schemas.study import TextStatistic

from .ratios import NON_RESULT_SECTIONS, p_after

__all__ = ["extract_text_statistics", "df_near"]

_KINDS = ("chi2", "t", "F", "z")
_DF_RX = re.compile(r"(?i)\b(?:df|d\.f\.|degrees\s+of\s+freedom)\s*[=:]?\s*(\d+(?:\.\d+)?)")


def df_near(text: str) -> float | None:
    """Degrees of freedom printed in words ("df = 2", "d.f. 3", "degrees of freedom 8"), else None."""
    m = _DF_RX.search(text or "")
    return float(m.group(1)) if m else None


def extract_text_statistics(doc: Document) -> list[TextStatistic]:
    """Every χ², t, F or z with its P in a sentence, in reading order."""
    out: list[TextStatistic] = []
    for sent in doc.sentences:
        if sent.section_kind in NON_RESULT_SECTIONS:
            continue
        qs = find_quantities(sent.text)
        for i, q in enumerate(qs):
            if q.kind != "test_stat" or q.statistic not in _KINDS or q.stat_value is None:
                continue
            p, op, end = q.p, q.p_operator, q.end
            if p is None:
                pq = p_after(qs, i, sent.text)
                if pq is None:
                    continue
                p, op, end = pq.p, pq.p_operator, pq.end
            out.append(TextStatistic(statistic=q.statistic, value=q.stat_value, df=q.df, df2=q.df2,
                                     df_words=df_near(sent.text[q.start:q.end + 60]), p=p,
                                     p_operator=op or "=", text=sent.text[q.start:end], sentence=sent.id,
                                     evidence=sentence_evidence(doc, sent, q.start, end, role="test")))
    return out
