"""Evidence for a place in a Document: a table cell, a table row, a sentence (or a piece of one), a provenance.

The extractor builds facts that carry their evidence (``Study.reported_values``); the rules build the
evidence of their findings with the same functions (through ``CheckContext``), so a quote, a line and a
character span mean the same thing everywhere.
"""
from __future__ import annotations

import re

from trialaudit.schemas.document import Cell, Document, Sentence, Table, TableRow
from trialaudit.schemas.findings import Evidence
from trialaudit.schemas.provenance import Provenance, Span

__all__ = ["section_title", "cell_evidence", "row_evidence", "sentence_evidence", "provenance_evidence",
           "header_cell_evidence"]


def section_title(doc: Document, sid: str | None) -> str | None:
    sec = doc.section_by_id(sid)
    return sec.title if sec else None


def cell_evidence(doc: Document, table: Table, row: TableRow, col: int, role: str | None = None) -> Evidence:
    cell: Cell = row.cells[col]
    return Evidence(quote=cell.raw or cell.text, line=cell.span.line, line_end=cell.span.line_end,
                    char_start=cell.span.char_start, char_end=cell.span.char_end,
                    section=section_title(doc, table.section), table=table.label, row=row.label,
                    column=table.column_label(col) or None, page=cell.span.page, bbox=cell.span.bbox, role=role)


def row_evidence(doc: Document, table: Table, row: TableRow, role: str | None = None) -> Evidence:
    quote = doc.text[row.span.char_start:row.span.char_end]
    quote = re.sub(r"\s*\t\s*|\s*\|\s*", " | ", quote).strip(" |")
    return Evidence(quote=quote, line=row.span.line, line_end=row.span.line_end, char_start=row.span.char_start,
                    char_end=row.span.char_end, section=section_title(doc, table.section), table=table.label,
                    row=row.label, page=row.span.page, bbox=row.span.bbox, role=role)


def sentence_evidence(doc: Document, sent: Sentence, start: int | None = None, end: int | None = None,
                      role: str | None = None) -> Evidence:
    """Evidence for a sentence; ``start``/``end`` (in ``sent.text``) narrow the line to the quantity."""
    line = sent.span.line
    cs, ce = sent.span.char_start, sent.span.char_end
    if start is not None and sent.offsets:
        a = sent.offsets[min(max(start, 0), len(sent.offsets) - 1)]
        b = sent.offsets[min(max((end or start + 1) - 1, 0), len(sent.offsets) - 1)] + 1
        cs, ce = a, max(b, a + 1)
        line = doc.line_of(a)
    return Evidence(quote=sent.quote, line=line, line_end=sent.span.line_end if start is None else None,
                    char_start=cs, char_end=ce, section=section_title(doc, sent.section), page=sent.span.page,
                    bbox=sent.span.bbox, role=role)


def provenance_evidence(prov: Provenance, role: str | None = None) -> Evidence:
    sp: Span = prov.span
    return Evidence(quote=prov.quote, line=sp.line, line_end=sp.line_end, char_start=sp.char_start,
                    char_end=sp.char_end, section=prov.section, table=prov.table, row=prov.row,
                    column=prov.column, page=sp.page, bbox=sp.bbox, role=role)


def header_cell_evidence(doc: Document, table: Table, col: int, role: str | None = "denominator") -> Evidence:
    """Evidence for a column's header: the header cell that states its n, else the first header row's cell."""
    for hr in table.header_rows:
        if col < len(hr.cells) and re.search(r"[nN]\s*[=:]", hr.cells[col].text):
            return cell_evidence(doc, table, hr, col, role=role)
    if table.header_rows and col < len(table.header_rows[0].cells):
        return cell_evidence(doc, table, table.header_rows[0], col, role=role)
    return Evidence(quote=table.column_label(col), table=table.label, column=table.column_label(col), role=role)
