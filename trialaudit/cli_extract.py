"""``trialaudit extract`` and ``trialaudit schema``: batch extraction into validated JSON and tidy tables.

    trialaudit extract -o out/                       # the bundled corpus
    trialaudit extract papers/ -o out/ --jobs 4 --table-format parquet
    trialaudit extract paper.md --format json         # print {"articles": [...]}
    trialaudit schema                                 # the JSON Schema of out/<id>.json

Files mode writes ``OUTDIR/<id>.json`` (the wrapper ``{"id", "source", "status", "error",
"study"}``) atomically as each article finishes, then the tidy tables (``study``, ``arms``,
``regimens``, ``outcomes``, ``adverse_events``, ``baseline``, ``tests``, ``references`` ...).
Exit code 2 when an article could not be extracted (the others are still written), else 0.
"""
from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

__all__ = ["register"]

EXIT_FAILED = 2


class ExtractFormat(str, Enum):
    files = "files"
    json = "json"


class TableFormat(str, Enum):
    csv = "csv"
    parquet = "parquet"
    xlsx = "xlsx"


def _fail(message: str) -> None:
    from trialaudit.errors import fail

    fail(message, EXIT_FAILED)


def extract_command(
    paths: Optional[List[Path]] = typer.Argument(None, help="Article files or folders (.txt, .md, .pdf, .xml/.nxml JATS). "
                                                        "Default: the bundled corpus."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Output folder: <id>.json per article "
                                                                      "and the tidy tables."),
    format: Optional[ExtractFormat] = typer.Option(None, "--format", "-f",
                                                   help="files (needs -o) or json (print to stdout). "
                                                        "Default: files with -o, else json."),
    table_format: TableFormat = typer.Option(TableFormat.csv, "--table-format", help="csv, parquet or xlsx."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Worker processes."),
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress",
                                            help="Progress bar on stderr (default: when stderr is a terminal "
                                                 "or for more than one file)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No summary line."),
):
    """Extract articles into validated study JSON and tidy tables. Exit 2 if an article failed."""
    from rich.console import Console

    from trialaudit.extractor.export import TableFormatError, check_format, frames, write_tables

    from .extract_api import articles_json, extract_paths, write_article_json

    fmt = format or (ExtractFormat.files if output else ExtractFormat.json)
    if fmt == ExtractFormat.files and output is None:
        _fail("--format files needs an output folder: -o OUTDIR")
    if output is not None:
        try:
            check_format(table_format.value)
        except TableFormatError as exc:
            _fail(str(exc))
        if output.exists() and not output.is_dir():
            _fail(f"{output}: exists and is not a folder")
        try:
            output.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            _fail(f"{output}: cannot create the output folder ({exc.strerror or exc})")

    err = Console(stderr=True, highlight=False)
    done: list = []
    bar = None
    task = None

    def on_start(specs) -> None:
        nonlocal bar, task
        show = progress if progress is not None else (sys.stderr.isatty() or len(specs) > 1)
        if show and specs:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            bar = Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                           TextColumn("{task.fields[last]}"), console=err, transient=False)
            bar.start()
            task = bar.add_task("extract", total=len(specs), last="")

    def on_result(art) -> None:
        done.append(art)
        if output is not None:
            write_article_json(art, output)
        if bar is not None:
            bar.update(task, advance=1, last=f"{art.id} [{art.status}]")

    interrupted = False
    try:
        arts = extract_paths([str(p) for p in paths] if paths else None, jobs=jobs, on_result=on_result,
                             on_start=on_start)
    except KeyboardInterrupt:
        interrupted = True
        arts = list(done)
    finally:
        if bar is not None:
            bar.stop()
        if output is not None and done:
            order = {a.id: i for i, a in enumerate(done)}
            try:
                write_tables(frames(sorted(done, key=lambda a: order[a.id])), output, table_format.value)
            except TableFormatError as exc:  # pragma: no cover - checked before the batch
                err.print(f"trialaudit: {exc}")
    if interrupted:
        err.print(f"interrupted: {len(done)} article(s) finished and written")
        raise typer.Exit(130)

    if fmt == ExtractFormat.json:
        sys.stdout.write(json.dumps(articles_json(arts), indent=2, ensure_ascii=False) + "\n")
    failed = [a for a in arts if a.status != "ok"]
    for a in failed:
        err.print(f"{a.id}: [{a.status}] {a.error}", markup=False, highlight=False)
    if not quiet:
        where = f"; wrote {output}/<id>.json and tables ({table_format.value})" if output else ""
        err.print(f"{len(arts)} article(s): {len(arts) - len(failed)} ok, {len(failed)} failed{where}",
                  markup=False, highlight=False)
    raise typer.Exit(EXIT_FAILED if failed else 0)


def schema_command(
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the schema to this file."),
):
    """Print the JSON Schema of the per-article extraction files (<id>.json)."""
    from .extract_api import extraction_schema

    text = json.dumps(extraction_schema(), indent=2, ensure_ascii=False)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")


def register(app: typer.Typer) -> None:
    app.command("extract")(extract_command)
    app.command("schema")(schema_command)
