"""The one per-article function every batch backend runs (local processes, Dask), and its failure result.

A leaf module: :mod:`trialaudit.batch` and :mod:`trialaudit.backends` both import it, never each other's
internals.
"""
from __future__ import annotations

import os
import signal
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from trialaudit.api import InputSpec
    from trialaudit.schemas.findings import ArticleResult
    from trialaudit.validation.settings import Settings

WORKER_DIED = "worker died"
#: Fault injection for tests: ``exit:<article id>`` makes the worker that checks
#: that article call ``os._exit``; ``kill:<id>`` makes it SIGKILL itself.
FAULT_ENV = "TRIALAUDIT_FAULT_INJECT"


# ----------------------------------------------------------------------------- the per-article function

def _inject_fault(article_id: str) -> None:
    spec = os.environ.get(FAULT_ENV)
    if not spec or ":" not in spec:
        return
    how, _, target = spec.partition(":")
    if target != article_id:
        return
    if how == "exit":
        os._exit(70)
    if how == "kill":
        os.kill(os.getpid(), signal.SIGKILL)


def article_task(spec: "InputSpec", settings: "Settings") -> "ArticleResult":
    """Ingest, extract and check one article; return only its result. Never raises on bad input."""
    from trialaudit.api import check_one
    from trialaudit.extractor.memo import parse_once

    _inject_fault(spec.id)
    with parse_once():
        res, _doc, _study = check_one(spec, settings)
    return res


def article_task_json(spec: "InputSpec", settings: "Settings") -> str:
    """:func:`article_task` with its result as JSON (cheap and version-proof to ship between processes)."""
    return article_task(spec, settings).model_dump_json()


def worker_died(spec: "InputSpec", detail: str) -> "ArticleResult":
    from trialaudit.schemas.findings import ArticleResult

    return ArticleResult(id=spec.id, source=str(spec.path), status=WORKER_DIED,
                         error=f"the worker process checking this article died ({detail}); the batch went on")
