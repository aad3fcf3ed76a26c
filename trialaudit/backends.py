"""Distributed backends for :mod:`trialaudit.batch`.

``run_dask`` runs the same per-article function (:func:`trialaudit.tasks.article_task_json`)
on a Dask cluster: an existing scheduler (``tcp://host:8786``) or, with no address, a
``dask.distributed.LocalCluster`` with ``jobs`` single-threaded worker processes. Tasks are
submitted in a bounded window so the client holds only a few articles' futures at a time,
and results come back in completion order. A task whose worker died more often than the
scheduler allows (``distributed.scheduler.allowed-failures``) becomes a ``worker died``
result; the batch goes on. Dask is optional: ``pip install trialaudit[dask]``.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trialaudit.api import InputSpec
    from trialaudit.schemas.findings import ArticleResult
    from trialaudit.validation.settings import Settings

#: Submitted-but-unfinished tasks per worker thread.
WINDOW_PER_WORKER = 4


class BackendUnavailable(RuntimeError):
    """The requested backend is not installed or cannot be reached."""


def _client(scheduler: str | None, jobs: int, processes: bool = True):
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise BackendUnavailable("the dask backend needs dask.distributed: pip install 'trialaudit[dask]'") from exc
    if scheduler:
        try:
            return Client(scheduler, timeout="30s"), None
        except (OSError, TimeoutError) as exc:
            raise BackendUnavailable(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from exc
    cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=processes,
                           dashboard_address=None, silence_logs=40)
    return Client(cluster), cluster


def run_dask(specs: list["InputSpec"], settings: "Settings", *, jobs: int = 1, scheduler: str | None = None,
             processes: bool = True) -> Iterator[tuple[int, "ArticleResult"]]:
    """Yield ``(index, result)`` for every spec, as the cluster completes them."""
    from dask.distributed import as_completed

    from trialaudit.schemas.findings import ArticleResult

    from .tasks import article_task_json, worker_died

    client, cluster = _client(scheduler, jobs, processes)
    try:
        nthreads = sum(client.nthreads().values()) or 1
        window = max(2, WINDOW_PER_WORKER * nthreads)
        it = iter(enumerate(specs))
        index: dict[str, int] = {}

        def submit_one():
            try:
                i, spec = next(it)
            except StopIteration:
                return None
            fut = client.submit(article_task_json, spec, settings, pure=False, key=f"trialaudit-{i}-{spec.id}")
            index[fut.key] = i
            return fut

        first = [f for f in (submit_one() for _ in range(window)) if f is not None]
        pending = as_completed(first)
        for fut in pending:
            i = index.pop(fut.key)
            if fut.status == "finished":
                res = ArticleResult.model_validate_json(fut.result())
            else:
                exc = fut.exception()
                name = type(exc).__name__
                if name != "KilledWorker":
                    raise exc
                res = worker_died(specs[i], f"Dask: {exc}")
            fut.release()
            nxt = submit_one()
            if nxt is not None:
                pending.add(nxt)
            yield i, res
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
