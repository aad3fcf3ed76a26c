"""Importable functions behind the command line; they return data, never print."""
from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable, Iterable, NamedTuple

from trialaudit.extractor.loader import IngestError
from trialaudit.extractor.memo import parse_once
from trialaudit.extractor.study import ExtractionTimeout, extract_study
from trialaudit.schemas.document import Document
from trialaudit.schemas.findings import ArticleResult, CheckRun, Coverage, ToolInfo
from trialaudit.schemas.study import Study
from trialaudit.validation.runner import run_checks
from trialaudit.validation.settings import Settings

from . import TOOL_NAME, __version__
from .inputs import InputSpec, collect_inputs, document_for, load  # noqa: F401 - part of the API


NOT_UNDERSTOOD = ("nothing understood: no tables, no numeric quantities and no arms were read, so no check "
                  "could examine anything (this is not a clean result)")


def tool_info() -> ToolInfo:
    return ToolInfo(name=TOOL_NAME, version=__version__)


def _traceback(exc: BaseException) -> str:
    import traceback

    return "".join(traceback.format_exception(exc))[-8000:]


def check_one(spec: InputSpec, settings: Settings | None = None) -> tuple[ArticleResult, Document | None, Study | None]:
    """Ingest, extract and check one article. Never raises: failures become a status."""
    settings = settings or Settings()
    t0 = time.perf_counter()
    try:
        doc = load(spec, settings)
    except IngestError as exc:
        return (ArticleResult(id=spec.id, source=str(spec.path), status="skipped" if spec.skipped else "error",
                              error=str(exc)), None, None)
    except Exception as exc:  # noqa: BLE001 - one bad article never stops a batch; the bug keeps its traceback
        return (ArticleResult(id=spec.id, source=str(spec.path), status="error",
                              error=f"internal error while reading ({type(exc).__name__}: {exc})",
                              traceback=_traceback(exc)), None, None)
    with parse_once():  # extraction and every rule share each sentence's and cell's quantities
        try:
            study = extract_study(doc)
        except ExtractionTimeout as exc:
            return (ArticleResult(id=spec.id, source=str(spec.path), status="timeout", title=doc.title,
                                  format=doc.format, error=str(exc)), doc, None)
        except Exception as exc:  # noqa: BLE001 - as above
            return (ArticleResult(id=spec.id, source=str(spec.path), status="error", title=doc.title,
                                  format=doc.format, traceback=_traceback(exc),
                                  error=f"internal error during extraction ({type(exc).__name__}: {exc})"), doc, None)
        coverage = Coverage()
        findings, ran = run_checks(doc, study, settings, coverage=coverage)
    understood = coverage.understood
    res = ArticleResult(id=spec.id, source=str(spec.path), status="ok" if understood else "not_understood",
                        error=None if understood else NOT_UNDERSTOOD, title=doc.title, format=doc.format,
                        findings=findings, checks_run=ran, elapsed_s=round(time.perf_counter() - t0, 3),
                        coverage=coverage, warnings=list(doc.warnings))
    return res, doc, study


def _worker(args):
    spec, settings = args
    return check_one(spec, settings)


class CheckOutcome(NamedTuple):
    """Everything a check of a batch produced: the run, and each article's Document and Study by id."""
    run: CheckRun
    documents: dict[str, Document]
    studies: dict[str, Study]


def check_batch(paths: Iterable[str | Path] | None = None, settings: Settings | None = None, *,
                progress: Callable[[InputSpec, ArticleResult], None] | None = None) -> CheckOutcome:
    """Check a batch of articles, keeping each article's Document and Study (so nothing is extracted twice)."""
    settings = settings or Settings()
    specs, stack = collect_inputs(list(paths) if paths is not None else None, settings.exclude)
    out = CheckOutcome(CheckRun(tool=tool_info()), {}, {})

    def keep(spec: InputSpec, res: ArticleResult, doc: Document | None, study: Study | None) -> None:
        out.run.articles.append(res)
        if doc is not None:
            out.documents[res.id] = doc
        if study is not None:
            out.studies[res.id] = study
        if progress:
            progress(spec, res)

    with stack:
        if settings.jobs > 1 and len(specs) > 1:
            with ProcessPoolExecutor(max_workers=settings.jobs) as ex:
                for spec, (res, doc, study) in zip(specs, ex.map(_worker, [(s, settings) for s in specs])):
                    keep(spec, res, doc, study)
        else:
            for spec in specs:
                keep(spec, *check_one(spec, settings))
    return out


def run_check(paths: Iterable[str | Path] | None = None, settings: Settings | None = None, *,
              progress: Callable[[InputSpec, ArticleResult], None] | None = None
              ) -> tuple[CheckRun, dict[str, Document]]:
    """Check a batch of articles. Returns the run and the ingested documents by id."""
    out = check_batch(paths, settings, progress=progress)
    return out.run, out.documents


def check_paths(paths: Iterable[str | Path] | None = None, settings: Settings | None = None) -> CheckRun:
    """Like :func:`run_check` but returns only the :class:`CheckRun`."""
    return run_check(paths, settings)[0]


def exit_code(run: CheckRun) -> int:
    """Linter-style: 2 input error, 1 an error-severity finding, 0 otherwise.

    Files skipped as not articles and articles with nothing understood are
    reported with their own status but are not input errors.
    """
    if any(a.status in ("error", "timeout", "worker died") for a in run.articles):
        return 2
    if any(f.severity == "error" for a in run.articles for f in a.findings):
        return 1
    return 0


def meta_analysis_tables(questions_path: str | Path, out_dir: str | Path | None = None, *, xlsx: bool = True):
    """Answer the meta-analysis questions of a CSV/JSON file (see :mod:`trialaudit.meta_export`)
    and return the tables ``{"binary": [...], "continuous": [...], "unanswered": [...]}`` of
    rows; with ``out_dir``, also write them as RevMan-shaped CSVs, an Excel workbook and the
    tables' JSON Schemas."""
    from trialaudit.meta_export import answer_questions, read_questions, write_tables

    tables = answer_questions(read_questions(questions_path))
    if out_dir is not None:
        write_tables(tables, out_dir, xlsx=xlsx)
    return tables
