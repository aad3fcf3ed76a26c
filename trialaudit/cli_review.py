"""``trialaudit report`` and ``trialaudit checklist``: review outputs of a check run.

``register(app)`` adds both commands to the main typer app. The check runner
is imported lazily (``trialaudit.api.run_check``) so these commands cost
nothing at start-up. Every error is one line on stderr and exit code 2.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn, Optional

import typer
from typer.core import TyperCommand

from trialaudit.errors import TrialAuditError, fail_internal

__all__ = ["register", "report_command", "checklist_command"]

EXIT_ERROR = 2


def _fail(message: str) -> NoReturn:
    from trialaudit.errors import fail

    fail(message, EXIT_ERROR)


def _run_check(paths: list[str] | None) -> Any:
    """Check the articles (lazily importing the runner); the outcome keeps each Document and Study."""
    from trialaudit.api import check_batch

    return check_batch(paths or None)


def _severity_summary(run: Any) -> str:
    counts = {s: 0 for s in ("error", "warning", "info")}
    for a in run.articles:
        for f in a.findings:
            counts[f.severity] = counts.get(f.severity, 0) + 1
    total = sum(counts.values())
    parts = ", ".join(f"{n} {s}{'s' if n != 1 and s != 'info' else ''}" for s, n in counts.items())
    return f"{len(run.articles)} article(s), {total} finding(s) ({parts})"


def report_command(
    paths: Optional[list[str]] = typer.Argument(
        None, help="Articles (files or directories); none: the bundled corpus.", show_default=False),
    output: Optional[Path] = typer.Option(
        None, "-o", "--output", help="Where to write the report ('-' for stdout). Default report.html / report.md."),
    fmt: Optional[str] = typer.Option(
        None, "--format", "-f", help="html or md (default: from the -o suffix, else html)."),
    results: Optional[Path] = typer.Option(
        None, "--results", help="Build the report from the results a 'check --output-dir DIR' run wrote "
                                "(large batches: no article is read or checked again; tables are not redrawn)."),
) -> None:
    """Write a validation report of a check run: one self-contained HTML page, or Markdown."""
    try:
        if fmt is None:
            fmt = "md" if output is not None and output.suffix.lower() in (".md", ".markdown") else "html"
        fmt = fmt.lower()
        if fmt == "markdown":
            fmt = "md"
        if fmt not in ("html", "md"):
            _fail(f"--format must be html or md, not {fmt!r}")
        if output is None:
            output = Path("report.html" if fmt == "html" else "report.md")
        if str(output) != "-" and output.is_dir():
            _fail(f"{output} is a directory; give a file name")
        if results is not None:
            from trialaudit.batch import load_results, read_manifest

            if paths:
                _fail("give either articles or --results DIR, not both")
            if not results.is_dir() or not read_manifest(results):
                _fail(f"{results}: not an output folder of 'trialaudit check --output-dir' (no manifest)")
            run, docs = load_results(results), {}
        else:
            out = _run_check(list(paths) if paths else None)
            run, docs = out.run, out.documents

        from trialaudit.validation.review import atomic_write
        from trialaudit.validation.report import render_html, render_markdown

        text = render_html(run, docs) if fmt == "html" else render_markdown(run, docs)
        if str(output) == "-":
            sys.stdout.write(text)
            return
        if not output.parent.exists():
            _fail(f"{output.parent}: no such directory")
        atomic_write(output, text.encode("utf-8"))
        typer.echo(f"wrote {output}: {_severity_summary(run)}")
    except typer.Exit:
        raise
    except (TrialAuditError, OSError) as e:  # the user's input or files: one line, exit 2
        _fail(f"{type(e).__name__}: {e}" if not str(e) else str(e))
    except Exception as e:  # noqa: BLE001 - a bug: one line, exit 3, traceback on request
        fail_internal(e)


def _pick_article(run: Any, article: str) -> Any:
    arts = list(run.articles)
    if len(arts) == 1:
        return arts[0]
    for a in arts:
        if article in (a.id, a.source) or Path(a.source).name == Path(article).name:
            return a
    if not arts:
        _fail(f"no article found for {article!r}")
    _fail(f"{article!r} matched {len(arts)} articles; give one article")


def _print_status(rows: list[Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Checklist progress")
    table.add_column("article", overflow="fold", min_width=12)
    for col in ("reviewed", "confirmed", "dismissed", "query", "unreviewed", "resolved", "re-check", "reviewers",
                "agreement"):
        table.add_column(col, justify="right", no_wrap=col != "reviewers")
    for r in rows:
        if r.error:
            table.add_row(r.article_id, "invalid", *[""] * 8)
            continue
        agreement = f"{r.agreed}/{r.double_reviewed}" if r.double_reviewed else "-"
        table.add_row(r.article_id, f"{r.reviewed}/{r.items}", str(r.confirmed), str(r.dismissed),
                      str(r.query_authors), str(r.unreviewed), str(r.resolved), str(r.needs_recheck),
                      ", ".join(r.reviewers) or "-", agreement)
    console = Console()
    if not console.is_terminal:
        console = Console(width=200)  # piped: wide enough that no column folds
    console.print(table)
    for r in rows:
        if r.needs_consensus:
            console.print(f"{r.article_id}: needs consensus (reviewers disagree): {', '.join(r.needs_consensus)}",
                          highlight=False, soft_wrap=True)


def checklist_command(
    article: Optional[str] = typer.Argument(
        None, help="Article: a file path or a bundled corpus id.", show_default=False),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Checklist directory."),
    decide: Optional[tuple[str, str]] = typer.Option(
        None, "--decide", metavar="ITEM DECISION",
        help="Record a decision (confirmed, dismissed, query-authors, unreviewed) on an item id. Repeatable: "
             "all are written together or none."),
    note: Optional[list[str]] = typer.Option(
        None, "--note", help="Note for the decision; with several --decide give one --note per --decide, in order."),
    import_file: Optional[Path] = typer.Option(
        None, "--import", metavar="DECISIONS",
        help="Import the decisions file exported from the HTML report (.json or .yaml); every decision, "
             "reviewer and time is kept."),
    reviewer: Optional[str] = typer.Option(
        None, "--reviewer", envvar="TRIALAUDIT_REVIEWER", help="Reviewer name (env TRIALAUDIT_REVIEWER)."),
    status_dirs: Optional[list[Path]] = typer.Option(
        None, "--status", help="Show review progress of the checklists in DIR (repeatable)."),
    export: Optional[Path] = typer.Option(
        None, "--export", help="With --status (or -o DIR): write all decisions to one CSV."),
) -> None:
    """Create or update an article's audit checklist, record decisions, or show progress.

    \b
    Examples:
      trialaudit checklist paper.md -o review/
      trialaudit checklist paper.md -o review/ --reviewer ana \\
          --decide F-1a2b dismissed --note "ITT denominator" --decide F-9c8d confirmed --note "checked"
      trialaudit checklist paper.md -o review/ --import decisions.json
      trialaudit checklist --status review/
    """
    try:
        from trialaudit.validation.review import ChecklistError

        try:
            if status_dirs or (export is not None and article is None):
                _show_status(status_dirs, output, export)
                return
            decides, notes = _decisions_to_record(article, output, decide, note, import_file)
            if import_file is not None:
                _import_checklist_decisions(article, output, import_file)
            elif decides:
                _record_checklist_decisions(article, output, decides, notes, reviewer)
            else:
                _update_checklist(article, output)
        except ChecklistError as e:
            _fail(str(e))
    except typer.Exit:
        raise
    except (TrialAuditError, OSError) as e:  # the user's input or files: one line, exit 2
        _fail(f"{type(e).__name__}: {e}" if not str(e) else str(e))
    except Exception as e:  # noqa: BLE001 - a bug: one line, exit 3, traceback on request
        fail_internal(e)


def _show_status(status_dirs: Optional[list[Path]], output: Optional[Path], export: Optional[Path]) -> None:
    """--status: the review progress of the checklists in the directories, optionally all decisions to one CSV."""
    from trialaudit.validation.review import export_decisions_csv, status

    dirs = list(status_dirs or ([output] if output else []))
    if not dirs:
        _fail("--export needs --status DIR or -o DIR")
    rows = status(dirs)
    _print_status(rows)
    if export is not None:
        n = export_decisions_csv(dirs, export)
        typer.echo(f"wrote {export}: {n} item(s)")
    bad = [r for r in rows if r.error]
    for r in bad:
        typer.echo(f"error: {r.error}", err=True)
    if bad:
        raise typer.Exit(EXIT_ERROR)


def _decisions_to_record(article: Optional[str], output: Optional[Path], decide: Optional[tuple[str, str]],
                         note: Optional[list[str]], import_file: Optional[Path]) -> tuple[list, list[str]]:
    """(the --decide pairs, their --note texts) once the options are known to fit together; a clear error if not."""
    if article is None:
        _fail("give an ARTICLE (path or corpus id), or --status DIR")
    if output is None:
        _fail("give the checklist directory with -o DIR")
    notes = list(note or [])
    decides = list(decide or [])
    if notes and not decides:
        _fail("--note needs --decide ITEM DECISION")
    if notes and len(notes) != len(decides):
        _fail(f"{len(decides)} --decide but {len(notes)} --note: give one --note per --decide "
              "(in the same order) or none; nothing was recorded")
    if import_file is not None and decides:
        _fail("--import and --decide cannot be combined; nothing was recorded")
    if output.exists() and not output.is_dir():
        _fail(f"{output} is not a directory")
    return decides, notes


def _checklist_path(article: str, output: Path) -> Path:
    """The article's checklist in ``output``, written first when there is none."""
    from trialaudit.validation.review import find_checklist, write_checklist

    path = find_checklist(output, article)
    if path is None:
        path = Path(_write(article, output, write_checklist).path)
    return path


def _import_checklist_decisions(article: str, output: Path, import_file: Path) -> None:
    """--import: the decisions exported from the HTML report for this article, into its checklist."""
    from trialaudit.validation.review import import_decisions, load_checklist, read_decisions_file

    entries = read_decisions_file(import_file)
    path = _checklist_path(article, output)
    aid = load_checklist(path).article_id
    mine = [e for e in entries if e["article_id"] == aid]
    added, missing = import_decisions(path, mine)
    others = len(entries) - len(mine)
    typer.echo(f"imported {added} decision record(s) from {len(mine)} finding(s) into {path}"
               + (f"; {others} decision(s) for other articles ignored" if others else ""))
    if missing:
        typer.echo(f"warning: {len(missing)} decision(s) name findings not in the checklist: "
                   f"{', '.join(missing[:8])}", err=True)
        raise typer.Exit(EXIT_ERROR)


def _record_checklist_decisions(article: str, output: Path, decides: list, notes: list[str],
                                reviewer: Optional[str]) -> None:
    """--decide ITEM DECISION [--note]: all decisions recorded together."""
    from trialaudit.validation.review import record_decisions

    path = _checklist_path(article, output)
    items = record_decisions(path, [(i, d, notes[k] if notes else None) for k, (i, d) in enumerate(decides)],
                             reviewer=reviewer)
    for item in items:
        who = f" by {item.reviewer}" if item.reviewer else ""
        typer.echo(f"{item.id}: {item.decision}{who} ({path})")


def _update_checklist(article: str, output: Path) -> None:
    """Create the checklist or bring it up to date with a fresh check of the article."""
    from trialaudit.validation.review import write_checklist

    upd = _write(article, output, write_checklist)
    typer.echo(f"{'created' if upd.created else 'updated'} {upd.path}: {len(upd.kept)} kept, "
               f"{len(upd.added)} new, {len(upd.resolved)} resolved, {len(upd.reopened)} reopened"
               + (f"; re-check {', '.join(upd.rechecks)}" if upd.rechecks else ""))


def _check_article(article: str) -> Any:
    """Check one article given as a path or a bundled corpus id."""
    if Path(article).exists():
        return _run_check([article])
    import trialaudit.corpus as corpus

    entry = corpus.get(article)
    if entry is None:
        _fail(f"{article}: no such file, and not a bundled corpus id")
    with corpus.paths() as files:
        match = [p for p in files if p.name == Path(entry.file).name]
        if not match:
            _fail(f"{article}: the bundled corpus file {entry.file} is missing")
        return _run_check([str(match[0])])


def _write(article: str, output: Path, write_checklist: Any) -> Any:
    from trialaudit.api import tool_info
    from trialaudit.validation.review import study_summary

    out = _check_article(article)
    result = _pick_article(out.run, article)
    if result.status not in ("ok", "not_understood"):
        typer.echo(f"warning: {result.id} was not checked ({result.status}"
                   f"{': ' + result.error if result.error else ''})", err=True)
    study = out.studies.get(result.id)
    return write_checklist(output, result, study_summary(study) if study is not None else None, tool=tool_info())


class _RepeatableDecideCommand(TyperCommand):
    """``--decide ITEM DECISION`` may be repeated: typer has no list-of-pairs type, click does (nargs=2, multiple)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for p in self.params:
            if p.name == "decide":
                p.multiple = True
                p.default = None
                # click has parsed pairs of strings; typer's coercion expects one pair, so take them as they are
                p.process_value = lambda ctx, value: [tuple(map(str, pair)) for pair in value] if value else None  # type: ignore[method-assign]


def register(app: typer.Typer) -> None:
    """Add ``report`` and ``checklist`` to the main ``trialaudit`` app."""
    app.command("report")(report_command)
    app.command("checklist", cls=_RepeatableDecideCommand)(checklist_command)
