"""P values printed outside 0–1 (``Study.impossible_p_values``): "P = 3.84" in a sentence, "5.700" in a P column.

A probability cannot exceed 1, so such a value is a misprint (often a test statistic typed into the P's place).
Only values that are certainly printed as P values are kept:

* in a sentence: "P", "p" or "P value" followed by =, <, >, ≤ or ≥ and a number with a decimal point above 1,
  not written as a power of ten ("P = 1.5 × 10⁻⁴", "P < 10⁻³"), not a percentage ("P < 5%") and not followed by
  a unit or other word that makes the "P" a variable ("P = 4.5 mg/dL" for phosphorus, "group P = 1.5 mg/kg");
* in a table: a body cell of a column headed as a P column (not the label column, not a column sharing its
  header with a neighbour, as a header spanning a statistic and its P does), holding one decimal number above 1,
  when every other filled cell of the column reads as a P value or a dash / "NS" and at least two are P values
  between 0 and 1. A column that also holds text (a repeated header, a second table's labels) is left alone.

Reference lists are not read.
"""
from __future__ import annotations

import re

from trialaudit.extractor.evidence import cell_evidence, section_title, sentence_evidence
from trialaudit.schemas.document import Document
from trialaudit.schemas.study import ImpossiblePValue

from ._util import parse_number_cell, parse_p_cell
from .stat_labels import is_p_label

__all__ = ["extract_impossible_p_values"]

_OPS = {"=": "=", "<": "<", ">": ">", "≤": "<=", "≥": ">=", "<=": "<=", ">=": ">="}
_TEXT_P = re.compile(r"(?<![\w.])[Pp](?:[\s\-–]*values?)?\s*(?P<op><=|>=|=|<|>|≤|≥)\s*(?P<v>\d+\.\d+)"
                     r"(?![.,]?\d)")
# what may follow a P value's number in running prose: closing punctuation, the end, or a function word
_AFTER_OK = re.compile(r"\s*(?:$|[),;:\]}.]|\s(?:and|or|for|in|vs\.?|versus|respectively|between|when|compared|at|"
                       r"after|with|but|which|was|were|on|of)\b)", re.I)
# powers of ten and percentages: "1.5 × 10⁻⁴", "2.1e-5", "1.2·10-3", "5%"
_POWER = re.compile(r"\s*(?:[×x·*]\s*10|[eE][\-−+]?\d|[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]|%|-\d)")
_FILLER = re.compile(r"^(?:[-–—−]+|n\.?s\.?|NS|NA|N/A|n/a|NE|—|\.\.\.|…)?[*a-d†‡#§¶]*$", re.I)


def _text_values(doc: Document, repairs: dict[str, str]) -> list[ImpossiblePValue]:
    out = []
    for s in doc.sentences:
        kind = repairs.get(s.id, s.section_kind)
        if kind == "references":
            continue
        for m in _TEXT_P.finditer(s.text):
            v = float(m.group("v"))
            if v <= 1:
                continue
            rest = s.text[m.end():]
            if _POWER.match(rest) or not _AFTER_OK.match(rest):
                continue
            out.append(ImpossiblePValue(
                text=m.group("v"), value=v, operator=_OPS[m.group("op")], context="text", printed=m.group(0),
                where=f"{section_title(doc, s.section) or kind}, line {s.span.line}",
                evidence=sentence_evidence(doc, s, m.start(), m.end(), role="P value")))
    return out


def _table_values(doc: Document) -> list[ImpossiblePValue]:
    out = []
    for t in doc.tables:
        cols = t.columns
        for j, lab in enumerate(cols):
            if j == 0 or not is_p_label(lab):
                continue
            if (j > 0 and cols[j - 1] == lab) or (j + 1 < len(cols) and cols[j + 1] == lab):
                continue
            cells = [(r, r.cells[j].text.strip()) for r in t.rows
                     if r.kind != "header" and j < len(r.cells) and r.cells[j].text.strip()]
            valid, bad, other = 0, [], False
            for r, txt in cells:
                num = parse_number_cell(txt)
                if num is not None and num.value > 1 and num.decimals > 0:
                    bad.append((r, num.text))
                    continue
                if parse_p_cell(txt) is not None:    # a P between 0 and 1, with or without its operator
                    valid += 1
                elif not _FILLER.match(txt):
                    other = True
                    break
            if other or valid < 2 or not bad:
                continue
            for r, v in bad:
                out.append(ImpossiblePValue(
                    text=v, value=float(v), operator="=", context="table", printed=r.cells[j].text.strip(),
                    where=f"{t.label}, row '{r.label.strip()}', column '{lab.strip()}'", table=t.label,
                    row=r.label.strip(), column=lab.strip(), valid_in_column=valid,
                    evidence=cell_evidence(doc, t, r, j, role="P value")))
    return out


def extract_impossible_p_values(doc: Document, repairs: dict[str, str]) -> list[ImpossiblePValue]:
    """P values printed above 1 in sentences and in table P columns, in reading order (sentences first)."""
    return _text_values(doc, repairs) + _table_values(doc)
