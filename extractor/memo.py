"""Per-article memo: pure text functions run once per distinct input within one article.

The extractor and every rule ask for the quantities, dates, drugs and arm-label
tokens of the same sentences and cells. Those functions are pure, so inside one
:func:`parse_once` block (one article: extraction and checks) each distinct
input is computed once and the result shared. Nothing outlives the block, so a
batch keeps nothing of an article after its result is written. Outside a block
the functions simply run.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_MEMO: ContextVar[dict[Any, Any] | None] = ContextVar("trialaudit_article_memo", default=None)


@contextmanager
def parse_once() -> Iterator[None]:
    """Share the results of :func:`per_article` functions until the block ends (re-entrant)."""
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def article_cache() -> dict[Any, Any] | None:
    """The current article's memo (None outside :func:`parse_once`), for caches keyed by a document.

    Store ``(document, value)`` under a key naming the cache and ``id(document)``
    and check the document's identity on reading.
    """
    return _MEMO.get()


def per_article(fn: F) -> F:
    """Memoise ``fn`` (hashable arguments) inside :func:`parse_once`.

    A list result is stored once and handed out as a new list each time, so a
    caller may reorder or extend it; the items themselves are shared and must be
    treated as read-only (callers copy pydantic items with ``model_copy``).
    Unhashable arguments bypass the memo.
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        memo = _MEMO.get()
        if memo is None:
            return fn(*args, **kwargs)
        key = (fn, args, tuple(sorted(kwargs.items())) if kwargs else ())
        try:
            hit = memo.get(key, _MISSING)
        except TypeError:  # an unhashable argument
            return fn(*args, **kwargs)
        if hit is _MISSING:
            hit = memo[key] = fn(*args, **kwargs)
        return list(hit) if isinstance(hit, list) else hit

    return wrapper  # type: ignore[return-value]


def per_document(fn: F) -> F:
    """Memoise ``fn(document, *hashable)`` inside :func:`parse_once`, keyed by the document's identity.

    For the whole-article extractors that the extraction and several rules call
    on the same document (endpoints, dates, registry mentions). As with
    :func:`per_article`, a list or dict result is handed out as a shallow copy
    and its items are shared, read-only.
    """

    @functools.wraps(fn)
    def wrapper(document: Any, *args: Any, **kwargs: Any) -> Any:
        memo = _MEMO.get()
        if memo is None:
            return fn(document, *args, **kwargs)
        key = (fn, id(document), args, tuple(sorted(kwargs.items())) if kwargs else ())
        try:
            hit = memo.get(key, _MISSING)
        except TypeError:  # an unhashable argument
            return fn(document, *args, **kwargs)
        if hit is _MISSING or hit[0] is not document:  # the identity check guards a reused id()
            hit = memo[key] = (document, fn(document, *args, **kwargs))
        return _shallow_copy(hit[1])

    return wrapper  # type: ignore[return-value]


def _shallow_copy(value: Any) -> Any:
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value


_MISSING = object()
