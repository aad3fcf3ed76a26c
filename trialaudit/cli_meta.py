"""``trialaudit meta``: answer meta-analysis questions in batch and write RevMan-shaped tables.

    trialaudit meta questions.csv -o out/       # binary.csv, continuous.csv, unanswered.csv,
                                                # meta-analysis.xlsx and <table>.schema.json
    trialaudit meta --schema binary             # print one table's JSON Schema

``questions.csv`` (or ``.json``, a list of objects) has the columns ``article`` (path,
relative to the questions file), ``outcome``, ``intervention``, ``comparator`` and,
optionally, ``outcome_type`` (binary / continuous) and ``study`` (the label in the tables).
Exit 2 on a usage or input error, else 0.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

__all__ = ["register"]


def _fail(message: str) -> None:
    from trialaudit.errors import fail

    fail(message, 2)


def meta_command(
    questions: Optional[Path] = typer.Argument(None, help="CSV or JSON file of questions."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Output folder for the tables."),
    xlsx: bool = typer.Option(True, "--xlsx/--no-xlsx", help="Also write meta-analysis.xlsx (a sheet per table)."),
    schema: Optional[str] = typer.Option(None, "--schema", help="Print the JSON Schema of one table "
                                                                "(binary, continuous, unanswered) and exit."),
):
    """Answer meta-analysis questions (events and group sizes, or means, SDs and n) with evidence."""
    from trialaudit.meta_export import TABLES, answer_questions, read_questions, table_schema, write_tables

    if schema is not None:
        if schema not in TABLES:
            _fail(f"--schema: one of {', '.join(TABLES)}")
        typer.echo(json.dumps(table_schema(schema), indent=2))
        return
    if questions is None or output is None:
        _fail("give a questions file and an output folder: trialaudit meta QUESTIONS -o OUTDIR")
    try:
        qs = read_questions(questions)
    except (OSError, ValueError) as exc:
        _fail(f"{questions}: {exc}")
    if output.exists() and not output.is_dir():
        _fail(f"{output}: exists and is not a folder")
    tables = answer_questions(qs)
    try:
        write_tables(tables, output, xlsx=xlsx)
    except ValueError as exc:
        _fail(f"{exc} (--no-xlsx)")
    except OSError as exc:
        _fail(f"{output}: cannot write the tables ({exc.strerror or exc})")
    counts = ", ".join(f"{len(tables[t])} {t}" for t in TABLES)
    typer.echo(f"{len(qs)} questions: {counts} -> {output}")


def register(app: typer.Typer) -> None:
    app.command("meta")(meta_command)
