"""The ``trialaudit`` command line: a thin layer over :mod:`trialaudit.api`."""
from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, List, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable
from rich.text import Text

from . import __version__
from ._lazy import lazy_module

if TYPE_CHECKING:
    from trialaudit.schemas.findings import CheckRun
    from trialaudit.validation.settings import Settings

# The pipeline (spaCy, scipy, pdfplumber) loads only when a command needs it:
# --help, --version, rules and schema stay fast.
api = lazy_module("trialaudit.api")

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Audit clinical-trial articles for internal contradictions: extract their numbers and "
                       "flag what does not add up, with evidence.")
console = Console(highlight=False, soft_wrap=False)
err_console = Console(stderr=True, highlight=False)

SEV_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


class OutFormat(str, Enum):
    text = "text"
    json = "json"
    jsonl = "jsonl"


class Backend(str, Enum):
    local = "local"
    dask = "dask"


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    sarif = "sarif"


CHECK_EXAMPLES = """Examples:

\b
  trialaudit check                                 # the bundled corpus
  trialaudit check articles/ --exclude 'drafts/*'  # a folder; README, LICENSE ... are skipped
  trialaudit check paper.pdf --select TA101,TA102 --ignore TA401
  trialaudit check articles/ -f sarif -o trialaudit.sarif   # for CI / code review
  trialaudit check articles/ --baseline checklists/          # hide what reviewers dismissed

Exit status: 0 no error finding; 1 error findings; 2 usage or input error."""


def _fail(msg: str, code: int = 2) -> None:
    from trialaudit.errors import fail

    fail(msg, code)


def _settings(config: Optional[Path], **overrides) -> Settings:
    from trialaudit.validation.settings import SettingsError, load_settings

    try:
        return load_settings(config, overrides)
    except SettingsError as exc:
        _fail(str(exc))
        raise  # unreachable


def version_callback(value: bool):
    if value:
        console.print(f"trialaudit {__version__}")
        raise typer.Exit(0)


@app.callback()
def main_callback(version: bool = typer.Option(False, "--version", "-V", callback=version_callback, is_eager=True,
                                               help="Show the version and exit.")):
    """trialaudit command line."""


@app.command(epilog=CHECK_EXAMPLES)
def check(
    paths: Optional[List[Path]] = typer.Argument(None, help="Article files or folders (.txt, .md, .pdf, .xml/.nxml JATS). "
                                                        "Default: the bundled corpus."),
    format: CheckFormat = typer.Option(CheckFormat.text, "--format", "-f",
                                       help="Output format: text, json, jsonl (one article per line, "
                                            "streamed) or sarif (SARIF 2.1.0)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the output to this file."),
    select: Optional[List[str]] = typer.Option(None, "--select", metavar="CODES", help="Only these rule codes or names "
                                               "(comma-separated and/or repeated; unknown ones are an error)."),
    ignore: Optional[List[str]] = typer.Option(None, "--ignore", metavar="CODES", help="Skip these rule codes or names "
                                               "(comma-separated and/or repeated)."),
    preview: bool = typer.Option(False, "--preview", help="Also run the preview rules (off by default: their "
                                 "measured precision is low; 'trialaudit rules' lists them). Selecting one by code "
                                 "with --select runs it too."),
    exclude: Optional[List[str]] = typer.Option(None, "--exclude", metavar="GLOB", help="Skip files in folders matching this glob "
                                                "(repeatable). README*, LICENSE*, CHANGELOG* ... are always skipped."),
    min_severity: Optional[str] = typer.Option(None, "--min-severity", help="error, warning or info."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", help="Worker processes."),
    max_pages: Optional[int] = typer.Option(None, "--max-pages", help="PDF page limit."),
    config: Optional[Path] = typer.Option(None, "--config", help="Settings file (TOML)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Text output: only the summary lines."),
    output_dir: Optional[Path] = typer.Option(None, "--output-dir", help="Write <id>.json per article as each "
                                              "finishes, with a manifest for resuming."),
    resume: bool = typer.Option(True, "--resume/--no-resume", help="With --output-dir: skip articles already "
                                "checked (same content, version and settings)."),
    backend: Backend = typer.Option(Backend.local, "--backend", help="local (processes) or dask (a cluster)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address (tcp://host:8786); "
                                            "default: a local cluster with --jobs workers."),
    baseline: Optional[Path] = typer.Option(None, "--baseline", metavar="CHECKLIST_DIR",
                                            help="Hide findings a reviewer dismissed in the checklists in this "
                                                 "folder, so a re-run shows only what is new or undecided."),
    verbose: bool = typer.Option(False, "--verbose", "-v",
                                 help="Also report skipped files, timings and what was read from each article."),
):
    """Check articles and report findings with evidence. Exit 0: no error; 1: errors found; 2: input problem."""
    settings = _settings(config, select=select or None, ignore=ignore or None, min_severity=min_severity,
                         jobs=jobs, max_pages=max_pages, exclude=exclude or None, preview=preview or None)
    if verbose and paths:
        from .inputs import scan_folder

        for p in paths:
            if p.is_dir():
                for x in scan_folder(p, settings.exclude)[1]:
                    err_console.print(Text(f"skipped (not an article by name or --exclude): {x}", style="dim"))
    dismissed = _baseline(baseline) if baseline is not None else None
    from trialaudit.backends import BackendUnavailable
    from trialaudit.batch import stream_check

    try:
        run, code, hidden = stream_check([str(p) for p in paths] if paths else None, settings, fmt=format.value,
                                         output=output, output_dir=output_dir, resume=resume, backend=backend.value,
                                         scheduler=scheduler, echo=lambda line: console.print(Text(line)),
                                         baseline=dismissed)
    except BackendUnavailable as exc:
        _fail(str(exc))
        raise  # unreachable
    if dismissed is not None:
        err_console.print(Text(f"baseline {baseline}: {hidden} dismissed finding(s) hidden", style="dim"))
    if run is None:  # streamed (jsonl, or text with --output-dir)
        raise typer.Exit(code)
    if format == CheckFormat.sarif:
        from .sarif import to_sarif

        out = json.dumps(to_sarif(run, Path.cwd()), indent=2, ensure_ascii=False)
        if output:
            _write(output, out)
        else:
            sys.stdout.write(out + "\n")
    elif format == CheckFormat.json:
        out = json.dumps(run.model_dump(mode="json"), indent=2, ensure_ascii=False)
        if output:
            _write(output, out)
        else:
            sys.stdout.write(out + "\n")
    else:
        if output:
            with output.open("w", encoding="utf-8") as fh:
                render_text(run, Console(file=fh, width=120, highlight=False, no_color=True), quiet=quiet,
                            verbose=verbose)
        else:
            render_text(run, console, quiet=quiet, verbose=verbose)
    raise typer.Exit(api.exit_code(run))


def _baseline(folder: Path) -> dict[str, set[str]]:
    from trialaudit.validation.review import ChecklistError, dismissed_fingerprints

    if not folder.is_dir():
        _fail(f"--baseline {folder}: not a folder of checklists")
    try:
        return dismissed_fingerprints(folder)
    except ChecklistError as exc:
        _fail(f"--baseline: {exc}")
        raise  # unreachable


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text + "\n", encoding="utf-8")
    tmp.replace(path)


def render_text(run: CheckRun, con: Console, quiet: bool = False, verbose: bool = False) -> None:
    """Human-readable output grouped by article."""
    if not con.is_terminal:
        con.soft_wrap = True  # piped or written to a file: one line per item, never hard-wrapped
    totals = {"error": 0, "warning": 0, "info": 0}
    for art in run.articles:
        counts = {"error": 0, "warning": 0, "info": 0}
        for f in art.findings:
            counts[f.severity] += 1
            totals[f.severity] += 1
        head = Text()
        head.append(art.id, style="bold")
        if art.status == "not_understood":
            head.append("  [nothing understood] ", style="bold yellow")
            head.append(S(art.error or ""))
            con.print(head)
            continue
        if art.status != "ok":
            head.append(f"  [{art.status}] ", style="bold red")
            head.append(S(art.error or ""))
            con.print(head)
            if verbose and art.traceback:
                con.print(Text(S(art.traceback), style="dim"))
            continue
        head.append(f"  {counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info")
        con.print(head)
        if art.title and not quiet:
            con.print(Text(f"  {S(art.title)}", style="dim"))
        for w in art.warnings:
            con.print(Text(f"  reader warning: {S(w)}", style="yellow"))
        if art.coverage is not None and not quiet:
            con.print(Text(f"  checked: {coverage_line(art.coverage)}", style="dim"))
            if verbose:
                read = ", ".join(f"{v} {k}" for k, v in art.coverage.read.items())
                con.print(Text(f"  read: {read}; {art.checks_run} rules run in {art.elapsed_s or 0:.2f} s "
                               f"({art.source})", style="dim"))
        if quiet:
            continue
        for f in art.findings:
            line = Text("  ")
            line.append(f"{f.code} ", style="bold")
            line.append(f"{f.severity:<7} ", style=SEV_STYLE[f.severity])
            line.append(f"[{f.name}] ", style="dim")
            line.append(S(f.message))
            con.print(line)
            if f.observed is not None or f.expected is not None:
                con.print(Text(f"      observed: {S(f.observed)}   expected: {S(f.expected)}"))
            if f.computation:
                con.print(Text(f"      how: {S(f.computation)}", style="dim"))
            for e in f.evidence:
                loc = []
                if e.page:
                    loc.append(f"p.{e.page}")
                if e.line:
                    loc.append(f"L{e.line}")
                if e.table:
                    loc.append(e.table)
                elif e.section:
                    loc.append(e.section)
                if e.row:
                    loc.append(f"row '{e.row}'")
                if e.column:
                    loc.append(f"col '{e.column}'")
                q = e.quote if len(e.quote) <= 160 else e.quote[:157] + "..."
                t = Text("      ")
                t.append(S(" ".join(loc)) or "-", style="blue")
                if e.role:
                    t.append(f" ({e.role})", style="dim")
                t.append(f": \u201c{S(q)}\u201d")
                con.print(t)
        con.print()
    bad = sum(1 for a in run.articles if a.status in ("error", "timeout"))
    skipped = sum(1 for a in run.articles if a.status == "skipped")
    empty = sum(1 for a in run.articles if a.status == "not_understood")
    extra = (f", {skipped} not recognised as articles" if skipped else "") + \
            (f", {empty} with nothing understood" if empty else "")
    con.print(Text(f"{len(run.articles)} article(s), {bad} unreadable{extra}; {totals['error']} error(s), "
                   f"{totals['warning']} warning(s), {totals['info']} info", style="bold"))
    total = run.total_coverage()
    if total.checked:
        con.print(Text(f"checked in total: {coverage_line(total)}", style="bold"))


def coverage_line(cov) -> str:
    """'104 percentages (2 inconsistent), 11 category sets, ...' in the fixed kind order."""
    from trialaudit.schemas.findings import COVERAGE_KINDS

    names = {"percentages": "percentages", "category_sets": "category sets", "tests": "tests",
             "ratios": "ratios/CIs", "cross_section": "cross-section pairs"}
    parts = []
    for kind in COVERAGE_KINDS:
        c = cov.checked.get(kind)
        n = c.checked if c else 0
        bad = c.inconsistent if c else 0
        parts.append(f"{n} {names[kind]}" + (f" ({bad} inconsistent)" if bad else ""))
    return ", ".join(parts)


def S(text: str | None) -> str:
    """Article text made safe for the terminal: control, escape and bidi characters shown, not obeyed."""
    from trialaudit.validation.sanitize import safe_text

    return safe_text(text or "") if text else ""


def _rule_paths(r) -> tuple[str, str]:
    """Where a rule lives: its module's file and its YAML fixture (installed paths)."""
    import importlib
    from importlib import resources

    mod = importlib.import_module(r.module) if isinstance(r.module, str) else r.module
    fixture = resources.files("trialaudit.validation").joinpath("fixtures", f"{r.code}.yaml")
    return str(getattr(mod, "__file__", r.module)), str(fixture)


@app.command()
def rules(
    code: Optional[str] = typer.Argument(None, help="Show the full documentation of one rule."),
    format: OutFormat = typer.Option(OutFormat.text, "--format", "-f"),
    markdown: bool = typer.Option(False, "--markdown", help="Print the list as a Markdown table (for docs)."),
):
    """List every check with code, name, severity and summary."""
    from trialaudit.validation.registry import all_rules, get_rule

    if code:
        r = get_rule(code)
        if r is None:
            _fail(f"no rule {code!r}; run 'trialaudit rules' for the list")
        if format == OutFormat.json:
            mod, fixture = _rule_paths(r)
            info = {**r.info().model_dump(), "module_path": mod, "fixture_path": fixture}
            sys.stdout.write(json.dumps(info, indent=2, ensure_ascii=False) + "\n")
        else:
            console.print(Text(f"{r.code} {r.name} ({r.severity}, {r.family}"
                               f"{', preview: off by default' if r.preview else ''})", style="bold"))
            if r.preview:
                console.print(Text(f"Preview rule, run only with --preview or --select {r.code}: {r.preview}.",
                                   style="yellow"))
            console.print(Text(r.doc))
            mod, fixture = _rule_paths(r)
            console.print(Text(f"module:  {mod}\nfixture: {fixture}"))
        return
    rs = all_rules()
    if markdown:
        lines = ["| code | name | severity | family | what it flags |", "|---|---|---|---|---|"]
        lines += [f"| {r.code} | `{r.name}` | {r.severity}{' (preview)' if r.preview else ''} | {r.family} | "
                  f"{r.summary.replace('|', '/')} |" for r in rs]
        sys.stdout.write("\n".join(lines) + "\n")
        return
    if format == OutFormat.json:
        sys.stdout.write(json.dumps([r.info().model_dump(exclude={"doc"}) for r in rs], indent=2) + "\n")
        return
    t = RichTable(show_lines=False)
    for c in ("code", "name", "severity", "family", "summary"):
        t.add_column(c)
    for r in rs:
        t.add_row(r.code, r.name, r.severity + (" (preview)" if r.preview else ""), r.family, escape(r.summary))
    console.print(t)
    if any(r.preview for r in rs):
        console.print(Text("(preview) rules are off by default: their measured precision on real articles is low; "
                           "run them with --preview or --select CODE ('trialaudit rules CODE' says why).", style="dim"))


class Stage(str, Enum):
    lines = "lines"
    blocks = "blocks"
    document = "document"
    sections = "sections"
    sentences = "sentences"
    tables = "tables"
    study = "study"
    findings = "findings"
    xml = "xml"
    layout = "layout"


@app.command()
def dump(
    path: Path = typer.Argument(..., help="One article (or a bundled corpus id)."),
    stage: Stage = typer.Option(Stage.document, "--stage", "-s", help="Which intermediate result to dump."),
    output: Optional[Path] = typer.Option(None, "--output", "-o"),
    page: int = typer.Option(1, "--page", help="Page for --stage layout (PDF only)."),
    config: Optional[Path] = typer.Option(None, "--config", help="Config file (PDF layout settings)."),
):
    """Dump one extraction stage as JSON, to debug ingestion and extraction."""
    from trialaudit.extractor.loader import IngestError
    from trialaudit.extractor.study import extract_study

    path = _resolve_article(path)
    if stage == Stage.layout:  # what the PDF reader saw on one page
        from trialaudit.extractor.pdf import LayoutSettings, PdfIngestError, PdfOptions
        from trialaudit.extractor.pdf.debug import layout_dump
        from trialaudit.validation.settings import SettingsError, load_settings

        if path.suffix.lower() != ".pdf":
            _fail(f"{path.name}: --stage layout needs a PDF")
        try:
            st = load_settings(config)
            data = layout_dump(path, page, PdfOptions(layout=LayoutSettings.from_mapping(st.pdf_layout)))
        except (PdfIngestError, SettingsError) as exc:
            _fail(str(exc))
        out = json.dumps(data, indent=2, ensure_ascii=False)
        if output:
            _write(output, out)
        else:
            sys.stdout.write(out + "\n")
        return
    try:
        doc = api.document_for(path)
    except IngestError as exc:
        _fail(str(exc))
    if stage in (Stage.lines, Stage.blocks):
        from trialaudit.extractor.text import TextParser

        p = TextParser(doc.text, doc_id=doc.id, source=doc.source, fmt=doc.format)
        p.find_running_headers()
        if stage == Stage.lines:
            data = [{"line": ln.idx + 1, "removed": ln.removed, "text": ln.text} for ln in p.lines]
        else:
            p.segment()
            data = [{"kind": b.kind, "lines": [b.lines[0] + 1, b.lines[-1] + 1],
                     "first": p.lines[b.lines[0]].text[:100],
                     "table": ({"number": b.table.number, "caption": b.table.caption, "rows": len(b.table.rows),
                                "format": b.table.fmt} if b.table else None)} for b in p.blocks]
    elif stage == Stage.document:
        data = doc.model_dump(mode="json", exclude={"text"})
    elif stage == Stage.sections:
        data = [s.model_dump(mode="json") for s in doc.sections]
    elif stage == Stage.sentences:
        data = [s.model_dump(mode="json") for s in doc.sentences]
    elif stage == Stage.tables:
        data = [t.model_dump(mode="json") for t in doc.tables]
    elif stage == Stage.study:
        data = extract_study(doc).model_dump(mode="json")
    elif stage == Stage.xml:
        if doc.format != "jats":
            _fail(f"{path}: --stage xml needs a JATS (.xml/.nxml) article")
        data = [{**sp.model_dump(mode="json", exclude_none=True), "line": doc.line_of(sp.char_start),
                 "text": doc.text[sp.char_start:sp.char_end][:120]} for sp in doc.xml_paths]
    else:
        from trialaudit.validation.runner import run_checks

        data = [f.model_dump(mode="json") for f in run_checks(doc, extract_study(doc))[0]]
    out = json.dumps(data, indent=2, ensure_ascii=False)
    if output:
        _write(output, out)
    else:
        sys.stdout.write(out + "\n")


def _resolve_article(path: Path) -> Path:
    if path.exists():
        return path
    import trialaudit.corpus as corpus
    a = corpus.get(str(path))
    if a is None:
        _fail(f"{path}: no such file, and not a bundled corpus id ({', '.join(x.id for x in corpus.articles())})")
    from importlib import resources

    return Path(str(resources.files("trialaudit.corpus").joinpath(a.file)))


@app.command("corpus")
def corpus_cmd(format: OutFormat = typer.Option(OutFormat.text, "--format", "-f")):
    """List the bundled corpus (the default input of 'check')."""
    import trialaudit.corpus as corpus
    arts = corpus.articles()
    if format == OutFormat.json:
        sys.stdout.write(json.dumps(corpus.manifest(), indent=2, ensure_ascii=False) + "\n")
        return
    t = RichTable()
    for c in ("id", "year", "title", "licence", "sha256 ok"):
        t.add_column(c)
    for a in arts:
        t.add_row(a.id, str(a.year or "-"), escape(a.title or "(not in text)"), escape(a.licence), str(a.verify()))
    console.print(t)


def _register_optional() -> None:
    import importlib

    for mod in ("trialaudit.cli_extract", "trialaudit.cli_review", "trialaudit.cli_meta"):
        try:
            m = importlib.import_module(mod)
        except ModuleNotFoundError as exc:
            if exc.name == mod:
                continue
            raise
        m.register(app)


_register_optional()


def main() -> None:  # console-script entry point
    try:
        app()
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
