"""Importable functions behind the command line; they return data, never print."""
from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Callable, Iterable, NamedTuple

from trialaudit.extractor.loader import IngestError, article_id_for, read_document
from trialaudit.extractor.memo import parse_once
from trialaudit.extractor.study import ExtractionTimeout, extract_study
from trialaudit.schemas.document import Document
from trialaudit.schemas.findings import ArticleResult, CheckRun, Coverage, ToolInfo
from trialaudit.schemas.study import Study
from trialaudit.validation.runner import run_checks
from trialaudit.validation.settings import Settings

from . import TOOL_NAME, __version__
from .inputs import not_an_article, scan_folder


NOT_UNDERSTOOD = ("nothing understood: no tables, no numeric quantities and no arms were read, so no check "
                  "could examine anything (this is not a clean result)")


class InputSpec:
    """One input file with the id it will be reported under."""

    def __init__(self, path: Path, article_id: str, error: str | None = None, skipped: bool = False):
        self.path = path
        self.id = article_id
        self.error = error
        self.skipped = skipped  # not recognised as an article: reported, not checked

    def __repr__(self) -> str:
        return f"InputSpec({self.path!s}, {self.id!r})"


def tool_info() -> ToolInfo:
    return ToolInfo(name=TOOL_NAME, version=__version__)


def _corpus_id(path: Path) -> str | None:
    """The bundled corpus id of a file with a corpus article's name, else None."""
    import trialaudit.corpus as corpus

    for a in corpus.articles():
        if Path(a.file).name == path.name:
            return a.id
    return None


def collect_inputs(paths: Iterable[str | Path] | None, exclude: Iterable[str] = ()) -> tuple[list[InputSpec], ExitStack]:
    """Expand files and folders (recursively: .txt, .md, .pdf, .xml/.nxml JATS). ``None``: the bundled corpus.

    Returns the inputs and an ExitStack that keeps extracted package data alive.
    Paths that do not exist become inputs with an error, so the batch goes on.
    """
    stack = ExitStack()
    files: list[tuple[Path, str | None]] = []
    if paths is None or not list(paths):
        import trialaudit.corpus as corpus
        for p in stack.enter_context(corpus.paths()):
            files.append((p, None))
    else:
        for raw in paths:
            p = Path(raw)
            if p.is_dir():
                found, _skipped = scan_folder(p, exclude)
                if not found:
                    files.append((p, f"{p}: folder contains no .txt, .md, .pdf or .xml/.nxml articles"))
                files.extend((x, None) for x in found)
            elif p.exists():
                files.append((p, None))
            else:
                files.append((p, f"{p}: no such file or folder"))
    specs: list[InputSpec] = []
    used: dict[str, int] = {}
    for p, err in files:
        base = _corpus_id(p) or article_id_for(p)
        k = used.get(base, 0)
        used[base] = k + 1
        why = None if err else not_an_article(p)
        specs.append(InputSpec(p, base if k == 0 else f"{base}-{k + 1}", err or why, skipped=why is not None))
    return specs, stack


def load(spec: InputSpec, settings: Settings | None = None) -> Document:
    settings = settings or Settings()
    if spec.error:
        raise IngestError(spec.error)
    opts = None
    if spec.path.suffix.lower() == ".pdf":
        try:
            from trialaudit.extractor.pdf import PdfOptions

            from trialaudit.extractor.pdf import LayoutSettings

            opts = PdfOptions(max_pages=settings.max_pages, timeout_s=settings.timeout_s,
                              layout=LayoutSettings.from_mapping(settings.pdf_layout))
        except ImportError:
            opts = None
    try:
        size = spec.path.stat().st_size
    except OSError as exc:
        raise IngestError(f"{spec.path}: cannot read ({exc})") from exc
    if size > settings.max_file_bytes:
        raise IngestError(f"{spec.path.name}: {size} bytes exceeds max_file_bytes={settings.max_file_bytes}")
    return read_document(spec.path, doc_id=spec.id, pdf_options=opts, limits=settings.read_limits())


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


def document_for(path: str | Path, settings: Settings | None = None) -> Document:
    specs, stack = collect_inputs([path])
    with stack:
        return load(specs[0], settings)


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
