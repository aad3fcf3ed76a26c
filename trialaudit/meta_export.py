"""Meta-analysis questions answered in batch and written as RevMan-shaped tables.

A question names an article, an outcome, the intervention and the comparator (and,
optionally, the outcome type). :func:`answer_questions` asks
:func:`trialaudit.meta.answer` for each and sorts the answers into three tables:

- ``binary``: study, events_e, total_e, events_c, total_c (RevMan's dichotomous data);
- ``continuous``: study, mean_e, sd_e, n_e, mean_c, sd_c, n_c (RevMan's continuous data);
- ``unanswered``: the questions the article does not answer unambiguously, with why.

The RevMan columns come first; the outcome, the arms and each value's evidence (where it
was read and the verbatim quote, and how an SD was derived when it was converted) follow.
:func:`write_tables` writes them as CSV files, one Excel workbook with a sheet per table,
and the JSON Schema of each table's rows.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Iterable, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

TABLES = ("binary", "continuous", "unanswered")


class Question(BaseModel):
    """One meta-analysis question about one article."""

    model_config = ConfigDict(extra="ignore")

    article: str = Field(description="path of the article (relative paths: to the questions file)")
    outcome: str
    intervention: str
    comparator: str
    outcome_type: Optional[Literal["binary", "continuous"]] = None
    study: Optional[str] = Field(None, description="study label in the tables (default: the article's file stem)")


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BinaryRow(_Row):
    """Events and group sizes per arm (RevMan dichotomous outcome)."""

    study: str
    events_e: float
    total_e: float
    events_c: float
    total_c: float
    outcome: str
    intervention: str
    comparator: str
    location: str = Field(description="table and row, or the sentence, the values were read from")
    evidence_e: str = Field(description="verbatim quote of the intervention arm's value")
    evidence_c: str = Field(description="verbatim quote of the comparator arm's value")
    total_source_e: str = Field(description="where the intervention group size came from")
    total_source_c: str


class ContinuousRow(_Row):
    """Mean, SD and group size per arm (RevMan continuous outcome)."""

    study: str
    mean_e: float
    sd_e: float
    n_e: Optional[float] = None
    mean_c: float
    sd_c: float
    n_c: Optional[float] = None
    outcome: str
    intervention: str
    comparator: str
    location: str
    evidence_e: str
    evidence_c: str
    sd_converted_e: str = Field("", description="how sd_e was derived (empty: printed as an SD)")
    sd_converted_c: str = ""


class UnansweredRow(_Row):
    """A question the article does not answer unambiguously."""

    study: str
    outcome: str
    intervention: str
    comparator: str
    outcome_type: str
    status: Literal["not reported", "ambiguous", "not read"]
    reason: str


ROW_MODELS: dict[str, type[_Row]] = {"binary": BinaryRow, "continuous": ContinuousRow, "unanswered": UnansweredRow}


def read_questions(path: str | Path) -> list[Question]:
    """Questions from a CSV file (a header row with the :class:`Question` fields) or a JSON
    list of objects. Relative article paths are resolved against the file's folder."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json":
        raw = json.loads(text)
        if not isinstance(raw, list):
            raise ValueError(f"{path}: expected a JSON list of questions")
    else:
        raw = list(csv.DictReader(text.splitlines()))
    out = []
    for i, r in enumerate(raw, 1):
        r = {k: (v if v != "" else None) for k, v in r.items()}
        try:
            q = Question.model_validate(r)
        except ValueError as exc:
            raise ValueError(f"{path}: question {i}: {exc}") from exc
        if not Path(q.article).is_absolute():
            q.article = str((path.parent / q.article).resolve())
        out.append(q)
    return out


def _evidence(v) -> str:
    return "" if v is None else v.provenance.quote


def rows_for(q: Question, ans) -> tuple[str, _Row]:
    """The table and row for one answered (or not) question."""
    study = q.study or Path(q.article).stem
    base = dict(study=study, outcome=q.outcome, intervention=q.intervention, comparator=q.comparator)
    if ans is None or not ans.reported:
        return "unanswered", UnansweredRow(**base, outcome_type=q.outcome_type or (ans.outcome_type if ans else ""),
                                           status="not read" if ans is None else ans.status,
                                           reason="" if ans is None else ans.reason)
    i, c = ans.intervention, ans.comparator
    location = f"{ans.table}: {ans.row}" if ans.table else f"sentence: {ans.row}"
    if ans.outcome_type == "binary":
        return "binary", BinaryRow(**base, events_e=i.events.value, total_e=i.group_size.value,
                                   events_c=c.events.value, total_c=c.group_size.value, location=location,
                                   evidence_e=_evidence(i.events), evidence_c=_evidence(c.events),
                                   total_source_e=i.group_size.source, total_source_c=c.group_size.source)
    return "continuous", ContinuousRow(
        **base, mean_e=i.mean.value, sd_e=i.sd.value, n_e=i.group_size.value if i.group_size else None,
        mean_c=c.mean.value, sd_c=c.sd.value, n_c=c.group_size.value if c.group_size else None,
        location=location, evidence_e=_evidence(i.mean), evidence_c=_evidence(c.mean),
        sd_converted_e=i.sd.converted or "", sd_converted_c=c.sd.converted or "")


def answer_questions(questions: Iterable[Question]) -> dict[str, list[_Row]]:
    """Answer every question (each article read once) and sort the rows into tables."""
    from trialaudit.inputs import document_for
    from trialaudit.extractor.loader import IngestError
    from trialaudit.extractor.study import extract_study
    from trialaudit.meta import answer

    tables: dict[str, list[_Row]] = {t: [] for t in TABLES}
    cache: dict[str, tuple | None] = {}
    for q in questions:
        if q.article not in cache:
            try:
                doc = document_for(q.article)
                cache[q.article] = (doc, extract_study(doc))
            except (OSError, ValueError, IngestError):
                cache[q.article] = None
        src = cache[q.article]
        ans = None if src is None else answer(src, q.outcome, q.intervention, q.comparator,
                                              outcome_type=q.outcome_type)
        table, row = rows_for(q, ans)
        if ans is None:
            row.reason = "the article could not be read"
        tables[table].append(row)
    return tables


def table_schema(name: str) -> dict:
    return ROW_MODELS[name].model_json_schema()


def _columns(name: str) -> list[str]:
    return list(ROW_MODELS[name].model_fields)


def write_tables(tables: dict[str, list[_Row]], out_dir: str | Path, *, xlsx: bool = True) -> list[Path]:
    """``binary.csv``, ``continuous.csv``, ``unanswered.csv``, ``meta-analysis.xlsx`` (a sheet
    per table) and ``<table>.schema.json`` in ``out_dir``; returns the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in TABLES:
        cols = _columns(name)
        p = out / f"{name}.csv"
        with p.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=cols)
            w.writeheader()
            for r in tables.get(name, []):
                w.writerow({k: ("" if v is None else v) for k, v in r.model_dump().items()})
        written.append(p)
        s = out / f"{name}.schema.json"
        s.write_text(json.dumps(table_schema(name), indent=2) + "\n", encoding="utf-8")
        written.append(s)
    if xlsx:
        try:
            from openpyxl import Workbook
        except ModuleNotFoundError as exc:
            raise ValueError("the Excel workbook needs openpyxl: pip install 'trialaudit[tables]' "
                             "(or write CSV only)") from exc

        wb = Workbook()
        wb.remove(wb.active)
        for name in TABLES:
            ws = wb.create_sheet(name)
            cols = _columns(name)
            ws.append(cols)
            for r in tables.get(name, []):
                d = r.model_dump()
                ws.append([d[c] for c in cols])
        p = out / "meta-analysis.xlsx"
        wb.save(p)
        written.append(p)
    return written
