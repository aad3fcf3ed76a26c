"""What a check sees: the document, the extracted study facts, settings, and
helpers that turn places in the article into :class:`Evidence`."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Iterable

from trialaudit.extractor import evidence as _ev
from trialaudit.extractor.study.population import populations_by_sentence
from trialaudit.schemas.document import Document, Sentence, Table, TableRow
from trialaudit.schemas.findings import Coverage, Evidence, Finding, Severity
from trialaudit.schemas.provenance import Provenance
from trialaudit.schemas.study import StatedPopulation, Study

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
    _populations: dict[str, list[StatedPopulation]] | None = field(default=None, init=False, repr=False)
    _sentences: dict[str, Sentence] | None = field(default=None, init=False, repr=False)

    # ------------------------------------------------------------------ evidence builders
    # (the extractor's own, :mod:`trialaudit.extractor.evidence`, so facts and findings quote alike)
    def section_title(self, sid: str | None) -> str | None:
        return _ev.section_title(self.document, sid)

    def cell_evidence(self, table: Table, row: TableRow, col: int, role: str | None = None) -> Evidence:
        return _ev.cell_evidence(self.document, table, row, col, role)

    def row_evidence(self, table: Table, row: TableRow, role: str | None = None) -> Evidence:
        return _ev.row_evidence(self.document, table, row, role)

    def sentence_evidence(self, sent: Sentence, start: int | None = None, end: int | None = None,
                          role: str | None = None) -> Evidence:
        """Evidence for a sentence; ``start``/``end`` (in ``sent.text``) narrow the line to the quantity."""
        return _ev.sentence_evidence(self.document, sent, start, end, role)

    def provenance_evidence(self, prov: Provenance, role: str | None = None) -> Evidence:
        return _ev.provenance_evidence(prov, role)

    def sentence(self, sid: str) -> Sentence:
        """The document's sentence whose id a Study fact names (``fact.sentence``)."""
        if self._sentences is None:
            self._sentences = {s.id: s for s in self.document.sentences}
        return self._sentences[sid]

    def section_kind(self, sent: Sentence) -> str:
        """The sentence's section kind after the extractor's repairs (``Study.section_repairs``)."""
        return self.study.section_repairs.get(sent.id, sent.section_kind)

    def section_kinds(self) -> dict[str, str]:
        """Sentence id -> repaired section kind, for every sentence."""
        rep = self.study.section_repairs
        return {s.id: rep.get(s.id, s.section_kind) for s in self.document.sentences}

    def stated_populations(self, sent: Sentence, *, prepositions: Iterable[str], qualifiers: Iterable[str],
                           nouns: Iterable[str], determiners: Iterable[str] = ("", "the", "all", "these")
                           ) -> list[StatedPopulation]:
        """The "of the N patients" phrases of ``sent`` (``Study.stated_populations``) a rule trusts: those whose
        preposition, determiner, qualifier ("" for none) and noun are among the given ones, in reading order; planned
        sizes (a power calculation's) never."""
        by_sentence = self._populations
        if by_sentence is None:
            by_sentence = self._populations = {}
            for p in self.study.stated_populations:
                by_sentence.setdefault(p.sentence, []).append(p)
        return populations_by_sentence(by_sentence.get(sent.id, ()), prepositions=prepositions,
                                       qualifiers=qualifiers, nouns=nouns, determiners=determiners).get(sent.id, [])

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
