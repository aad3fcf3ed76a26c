"""The per-article memo: one computation per document and input inside parse_once, none outside."""
from __future__ import annotations

from trialaudit.extractor.memo import parse_once, per_document


class _Doc:  # unhashable like a pydantic Document
    __hash__ = None  # type: ignore[assignment]


def test_per_document_computes_once_per_document_and_copies_lists():
    calls = []

    @per_document
    def f(doc, k=1):
        calls.append(doc)
        return [k]

    a, b = _Doc(), _Doc()
    with parse_once():
        x = f(a)
        x.append(99)            # a caller may extend its copy
        assert f(a) == [1]      # ... without changing what others read
        assert f(b) == [1]
        assert f(a, k=2) == [2]
    assert calls == [a, b, a]
    f(a)                        # outside a block: no memo
    assert len(calls) == 4
