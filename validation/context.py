"""What a check sees: the document, the extracted study facts, settings, and
helpers that turn places in the article into :class:`Evidence`."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Iterable

from trialaudit.schemas.document import Cell, Document, Sentence, Table, TableRow
from trialaudit.schemas.findings import Coverage, Evidence, Finding, Severity
from trialaudit.schemas.provenance import Provenance, Span
from trialaudit.schemas.study import Study

from .settings import Settings


def _norm(s: str | None) -> str:
    """Whitespace, case and markup (LaTeX, HTML, markdown) removed, so text and PDF agree."""
    if not s:
        return ""
    from trialaudit.extractor.normalize import normalize_plain

    t = normalize_plain(s)[0]
    t = re.sub(r"<[^>]+>|\*\*|__", "", t)
    return re.sub(r"\s+", " ", t).strip().lower()


def fingerprint(code: str, evidence: Iterable[Evidence], key: str = "") -> str:
    """Stable id of a finding: the rule plus *what* is involved, never line numbers.

    Built from the code, table/row/column labels and normalised quotes of the
    evidence, so editing an unrelated part of the article (which shifts line
    numbers) leaves it unchanged.
    """
    parts = [code, _norm(key)]
    for e in evidence:
        parts.append("|".join([_norm(e.table), _norm(e.row), _norm(e.column), _norm(e.quote)[:200]]))
    return hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:16]


@dataclass
class CheckContext:
    document: Document
    study: Study
    settings: Settings = field(default_factory=Settings)
    # what the rules examined: ``ctx.coverage.count("percentages")`` for each item compared
    coverage: Coverage = field(default_factory=Coverage)

    # ------------------------------------------------------------------ evidence builders
    def section_title(self, sid: str | None) -> str | None:
        sec = self.document.section_by_id(sid)
        return sec.title if sec else None

    def cell_evidence(self, table: Table, row: TableRow, col: int, role: str | None = None) -> Evidence:
        cell: Cell = row.cells[col]
        return Evidence(quote=cell.raw or cell.text, line=cell.span.line, line_end=cell.span.line_end,
                        char_start=cell.span.char_start, char_end=cell.span.char_end,
                        section=self.section_title(table.section), table=table.label, row=row.label,
                        column=table.column_label(col) or None, page=cell.span.page, bbox=cell.span.bbox, role=role)

    def row_evidence(self, table: Table, row: TableRow, role: str | None = None) -> Evidence:
        quote = self.document.text[row.span.char_start:row.span.char_end]
        quote = re.sub(r"\s*\t\s*|\s*\|\s*", " | ", quote).strip(" |")
        return Evidence(quote=quote, line=row.span.line, line_end=row.span.line_end, char_start=row.span.char_start,
                        char_end=row.span.char_end, section=self.section_title(table.section), table=table.label,
                        row=row.label, page=row.span.page, bbox=row.span.bbox, role=role)

    def sentence_evidence(self, sent: Sentence, start: int | None = None, end: int | None = None,
                          role: str | None = None) -> Evidence:
        """Evidence for a sentence; ``start``/``end`` (in ``sent.text``) narrow the line to the quantity."""
        line = sent.span.line
        cs, ce = sent.span.char_start, sent.span.char_end
        if start is not None and sent.offsets:
            a = sent.offsets[min(max(start, 0), len(sent.offsets) - 1)]
            b = sent.offsets[min(max((end or start + 1) - 1, 0), len(sent.offsets) - 1)] + 1
            cs, ce = a, max(b, a + 1)
            line = self.document.line_of(a)
        return Evidence(quote=sent.quote, line=line, line_end=sent.span.line_end if start is None else None,
                        char_start=cs, char_end=ce, section=self.section_title(sent.section), page=sent.span.page,
                        bbox=sent.span.bbox, role=role)

    def provenance_evidence(self, prov: Provenance, role: str | None = None) -> Evidence:
        sp: Span = prov.span
        return Evidence(quote=prov.quote, line=sp.line, line_end=sp.line_end, char_start=sp.char_start,
                        char_end=sp.char_end, section=prov.section, table=prov.table, row=prov.row,
                        column=prov.column, page=sp.page, bbox=sp.bbox, role=role)

    # ------------------------------------------------------------------ finding builder
    def finding(self, rule_code: str, *, severity: Severity, message: str, evidence: list[Evidence],
                observed: str | None = None, expected: str | None = None, computation: str | None = None,
                key: str = "", **kw) -> Finding:
        from .registry import get_rule

        r = get_rule(rule_code)
        return Finding(code=rule_code, name=r.name if r else rule_code, severity=severity, message=message,
                       observed=observed, expected=expected, computation=computation, evidence=evidence,
                       fingerprint=fingerprint(rule_code, evidence, key + "|" + (observed or "")),
                       family=r.family if r else "general", **kw)
