"""Means of whole-number variables printed in tables, with the n they average (``Study.table_means``; TA106).

A variable takes whole values when its label says so: an age in years, a number of cycles, courses, lesions,
metastatic sites, lines of therapy ..., a single-item score (ECOG, VAS, NRS, MMSE, GCS, Apgar ...), or Karnofsky /
Lansky (steps of 10). Labels that name a measurement (BMI, weight, duration, dose, a QLQ or transformed score ...)
are not. A cell holds a mean when it is "mean ± SD" (an unlabelled bracket only under a "mean" label) or a bare
number in a "mean" row or column. Its n is the row label's own "(n = 25)", the row's n when the arms are rows,
else the column's n (header, arm size, or the caption of a one-column table). When a row of the same column counts
units lost before the measurement (deaths, stillbirths, losses to follow-up, missing data), ``fewer_ns`` lists the
column's n less them: the mean may average only the rest.
"""
from __future__ import annotations

import re

from trialaudit.extractor.evidence import cell_evidence
from trialaudit.schemas.document import Document, Table
from trialaudit.schemas.quantities import Num
from trialaudit.schemas.study import Arm, TableMean

from .arms import strip_n
from .categories import data_columns, single_column_denominator
from .tablefacts import arms_are_rows, cell_quantity, column_denominator, row_denominator

__all__ = ["extract_table_means", "whole_number_kind"]

_COUNT_VAR = re.compile(
    r"\b(?:number|no\.?|count)\s+of\s+(?:\w+\s+){0,2}?(?:cycles|courses|lesions|metastases|metastatic\s+sites|sites|"
    r"lines|tumou?rs|nodules|(?:lymph\s+)?nodes|children|pregnancies|admissions|hospitali[sz]ations|fractions|doses|"
    r"infusions|regimens|surgeries|operations|relapses|recurrences|episodes|teeth|organs|drugs|agents|comorbidities)\b"
    r"|\b(?:cycles|courses)\s+(?:received|administered|delivered|given)\b|\bprior\s+(?:lines|regimens)\b"
    r"|\blines\s+of\s+(?:prior\s+|previous\s+)?(?:systemic\s+)?(?:therapy|therapies|treatment|chemotherapy)\b", re.I)
_AGE_VAR = re.compile(r"\bage\b(?!\s*(?:group|band|categor|<|>|≥|≤|\d))", re.I)
_SCORE_VAR = re.compile(r"\b(?:ECOG|Zubrod|VAS|NRS|numeric\s+rating|Likert|MMSE|GCS|Glasgow|NIHSS|Apgar)\b", re.I)
_KPS_VAR = re.compile(r"\b(?:Karnofsky|KPS|Lansky)\b", re.I)
# variables that are not whole numbers even if they look like the above
_NOT_INTEGER = re.compile(r"\b(?:QLQ|transformed|global\s+health|BMI|body\s+mass|weight|height|BSA|surface|duration|"
                          r"time|interval|months?|weeks?|days?|hours?|dose|concentration|level|ratio|index|size|"
                          r"diameter|volume|burden|mm|cm|kg|mg)\b", re.I)
_MEAN_LABEL = re.compile(r"\b(?:mean|average|avg)\b|±|\bSD\b", re.I)
_MEDIAN_LABEL = re.compile(r"\bmedian\b", re.I)


def whole_number_kind(label: str) -> str | None:
    """"age", "count", "score" or "kps" for a variable that takes whole values, else None."""
    if _KPS_VAR.search(label):
        return "kps"
    if _COUNT_VAR.search(label):
        return "count"
    if _NOT_INTEGER.search(re.sub(r"\b(?:years?|yrs?|y)\b", "", label)):
        return None
    if _AGE_VAR.search(label):
        return "age"
    if _SCORE_VAR.search(label):
        return "score"
    return None


def _mean_of(text: str, label: str) -> Num | None:
    q = cell_quantity(text)
    if q is None:
        return None
    if q.kind == "mean_sd" and q.value is not None:
        if q.interval == "unspecified" and not _MEAN_LABEL.search(label):
            return None
        return q.value
    if _MEAN_LABEL.search(label) and not _MEDIAN_LABEL.search(label) and q.kind in ("number", "count") and q.value:
        return q.value
    return None


#: a row counting units of the column that a later measurement cannot include: deaths, losses, missing data
_LOSS_ROW = re.compile(r"\b(?:deaths?|died|dead|mortality|still[\s\-]?births?|still[\s\-]?born|(?:fetal|foetal|"
                       r"neonatal|intra[\s\-]?uterine)\s+(?:death|loss|demise)|lost\s+to\s+follow|withdr[ae]w\w*|"
                       r"drop[\s\-]?outs?|dropped\s+out|missing|excluded|not\s+(?:evaluable|assessed|available)|"
                       r"discontinu\w+)\b", re.I)


def _column_less_losses(table: Table, j: int, n: int) -> list[int]:
    """The column's n less the units a row of the same column reports lost ("Intrauterine death | 2 (8%)",
    "Lost to follow-up | 3"): a mean of a later measurement (an Apgar score of live births) may average only
    the rest. Each loss alone and all of them together, smallest last."""
    losses = []
    for row in table.rows:
        if j >= len(row.cells) or not _LOSS_ROW.search(f"{row.group or ''} {row.label}"):
            continue
        q = cell_quantity(row.cells[j].text)
        k = None if q is None else q.count if q.kind == "count_percent" else q.value if q.kind == "count" else None
        if k is not None and float(k.value).is_integer() and 0 < k.value < n:
            losses.append(int(k.value))
    out = [n - k for k in losses]
    if len(losses) > 1 and sum(losses) < n:
        out.append(n - sum(losses))
    return sorted(set(out), reverse=True)


def extract_table_means(doc: Document, arms: list[Arm]) -> list[TableMean]:
    """Every table mean of a whole-number variable with a known n, in reading order."""
    out: list[TableMean] = []
    for table in doc.tables:
        out.extend(_table(doc, arms, table))
    return out


def _table(doc: Document, arms: list[Arm], table: Table) -> list[TableMean]:
    out = []
    rows_are_arms = arms_are_rows(table, arms)
    for row in table.rows:
        if row.kind == "group":
            continue
        for j in data_columns(table):
            if j >= len(row.cells) or not row.cells[j].text.strip():
                continue
            col = table.column_label(j)
            label = f"{row.group or ''} {row.label}" if not rows_are_arms else col
            kind = whole_number_kind(label)
            if kind is None:
                continue
            mean = _mean_of(row.cells[j].text, f"{row.group or ''} {row.label} {col}")
            if mean is None or mean.decimals == 0:
                continue
            _, own_n = strip_n(row.label)
            if own_n is not None and not rows_are_arms:
                n, src, n_ev = own_n, "row label", cell_evidence(doc, table, row, 0, role="denominator")
            else:
                den = row_denominator(doc, arms, table, row) if rows_are_arms else \
                    (column_denominator(doc, arms, table, j) or single_column_denominator(doc, table, j))
                if den is None:
                    continue
                n, src, n_ev = den.n, den.source, den.evidence
            if n <= 0:
                continue
            fewer = [] if src == "row label" or rows_are_arms else _column_less_losses(table, j, n)
            out.append(TableMean(table=table.label, row=row.label, column=col, variable=label.strip(), kind=kind,
                                 mean=mean, n=n, n_source=src, n_evidence=n_ev, fewer_ns=fewer,
                                 evidence=cell_evidence(doc, table, row, j, role="reported"),
                                 where=f"{table.label}, row '{row.label}', column '{col}'"))
    return out
