"""Batch extraction as a Python API: articles in, validated studies (and tidy tables) out.

    from trialaudit.extract_api import extract_paths, extract_frames
    arts = extract_paths(["paper.pdf", "folder/"], jobs=4)   # list[ExtractedArticle]
    dfs = extract_frames()                                    # bundled corpus -> {"outcomes": DataFrame, ...}

Nothing here prints. One unreadable article becomes an article with ``status="error"``
and a message; the others go on.
"""
from __future__ import annotations

import json
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any, Callable, Iterable, Literal

from pydantic import Field

from trialaudit.extractor.export import write_atomic
from trialaudit.schemas.base import Model
from trialaudit.schemas.study import Study

from .api import InputSpec, collect_inputs, load

__all__ = ["ArticleExtraction", "ExtractedArticle", "extraction_schema", "extract_one", "extract_paths",
           "extract_frames", "write_article_json", "articles_json"]


class ArticleExtraction(Model):
    """One article of an extraction batch: where it came from, whether it worked, and the study."""

    id: str
    source: str
    status: Literal["ok", "error"] = "ok"
    error: str | None = None
    study: Study | None = Field(default=None, description="All facts extracted from the article (null on error).")


#: the name used by the API and the docs
ExtractedArticle = ArticleExtraction


def extraction_schema() -> dict:
    """The published JSON Schema of one per-article extraction file."""
    schema = ArticleExtraction.model_json_schema()
    schema.setdefault("$schema", "https://json-schema.org/draft/2020-12/schema")
    schema.setdefault("title", "trialaudit article extraction")
    return schema


def extract_one(spec: InputSpec) -> ArticleExtraction:
    """Ingest and extract one input. Never raises: failures become ``status="error"``."""
    from trialaudit.extractor.loader import IngestError
    from trialaudit.extractor.study import extract_study

    try:
        doc = load(spec)
    except IngestError as exc:
        return ArticleExtraction(id=spec.id, source=str(spec.path), status="error", error=str(exc))
    except Exception as exc:  # noqa: BLE001 - one bad article never stops a batch
        return ArticleExtraction(id=spec.id, source=str(spec.path), status="error",
                                 error=f"internal error while reading ({type(exc).__name__}: {exc})")
    try:
        study = extract_study(doc)
    except Exception as exc:  # noqa: BLE001
        return ArticleExtraction(id=spec.id, source=str(spec.path), status="error",
                                 error=f"internal error during extraction ({type(exc).__name__}: {exc})")
    return ArticleExtraction(id=spec.id, source=str(spec.path), status="ok", study=study)


def _worker(spec: InputSpec) -> tuple[ArticleExtraction, float]:
    t0 = time.perf_counter()
    return extract_one(spec), time.perf_counter() - t0


def extract_paths(paths: Iterable[str | Path] | None = None, jobs: int = 1, *,
                  on_result: Callable[[ArticleExtraction], None] | None = None,
                  on_start: Callable[[list[InputSpec]], None] | None = None) -> list[ArticleExtraction]:
    """Extract every article under ``paths`` (files or folders; ``None``: the bundled corpus).

    ``jobs > 1`` uses worker processes. ``on_result`` is called in this process as soon as each
    article is done (in completion order); the returned list is in input order.
    """
    specs, stack = collect_inputs(list(paths) if paths is not None else None)
    results: dict[int, ArticleExtraction] = {}
    with stack:
        if on_start:
            on_start(specs)
        if jobs > 1 and len(specs) > 1:
            ex = ProcessPoolExecutor(max_workers=min(jobs, len(specs)))
            try:
                futures = {ex.submit(_worker, s): i for i, s in enumerate(specs)}
                for fut in as_completed(futures):
                    i = futures[fut]
                    try:
                        res, _ = fut.result()
                    except Exception as exc:  # noqa: BLE001 - a crashed worker is one failed article
                        s = specs[i]
                        res = ArticleExtraction(id=s.id, source=str(s.path), status="error",
                                                error=f"worker failed ({type(exc).__name__}: {exc})")
                    results[i] = res
                    if on_result:
                        on_result(res)
            except BaseException:
                # interrupted: drop what has not started, keep what finished (already reported)
                ex.shutdown(wait=False, cancel_futures=True)
                raise
            ex.shutdown(wait=True)
        else:
            for i, s in enumerate(specs):
                res, _ = _worker(s)
                results[i] = res
                if on_result:
                    on_result(res)
    return [results[i] for i in sorted(results)]


def extract_frames(paths: Iterable[str | Path] | None = None, jobs: int = 1) -> dict[str, Any]:
    """The tidy tables (``study``, ``arms``, ``outcomes`` ...) of a batch as pandas DataFrames."""
    from trialaudit.extractor.export import frames

    return frames(extract_paths(paths, jobs=jobs))


def write_article_json(article: ArticleExtraction, outdir: str | Path) -> Path:
    """Write ``outdir/<id>.json`` atomically (temporary file + ``os.replace``)."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / f"{article.id}.json"
    text = json.dumps(article.model_dump(mode="json"), indent=2, ensure_ascii=False)
    write_atomic(path, lambda p: p.write_text(text + "\n", encoding="utf-8"))
    return path


def articles_json(articles: Iterable[ArticleExtraction]) -> dict:
    """``{"articles": [{"id", "source", "status", "error", "study"}, ...]}``."""
    return {"articles": [a.model_dump(mode="json") for a in articles]}
