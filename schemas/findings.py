"""Findings, their evidence, and the results of a check run."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from .base import Model
from .provenance import BBox

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
# not_understood: read without error, but nothing checkable was found (no tables, numbers or arms);
# it must never look like "ok, no findings".
ArticleStatus = Literal["ok", "not_understood", "error", "skipped", "timeout", "worker died"]

# What the checks examine, in the order they are shown.
COVERAGE_KINDS: dict[str, str] = {
    "percentages": "percentages recomputed from count and denominator",
    "category_sets": "category sets summed against their group size",
    "tests": "tests and p-values recomputed",
    "ratios": "ratios and confidence intervals checked",
    "cross_section": "values compared across sections",
}


class Evidence(Model):
    """A place in the article that supports a finding, with its verbatim quote."""

    quote: str
    line: int | None = None
    line_end: int | None = None
    char_start: int | None = None
    char_end: int | None = None
    section: str | None = None
    table: str | None = None
    row: str | None = None
    column: str | None = None
    page: int | None = None
    bbox: BBox | None = None
    role: str | None = None  # what this place contributes, e.g. "reported", "count", "denominator"
    xml_path: str | None = None  # JATS input: the XML element the quote was rendered from


class Finding(Model):
    """One flagged problem: what, where, observed vs expected, and how computed."""

    code: str
    name: str
    severity: Severity
    message: str
    observed: str | None = None
    expected: str | None = None
    computation: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    fingerprint: str = ""
    family: str = "general"
    changes_conclusion: bool | None = None  # a numeric slip that flips a decision
    rounding: str | None = None            # which rounding rule reproduces the value
    details: dict[str, Any] = Field(default_factory=dict)


class CoverageCount(Model):
    checked: int = 0       # items a rule examined
    inconsistent: int = 0  # findings those rules reported about them


class Coverage(Model):
    """What was read from an article and what the checks examined in it."""

    read: dict[str, int] = Field(default_factory=dict)              # tables, sentences, arms, outcomes, tests ...
    checked: dict[str, CoverageCount] = Field(default_factory=dict)  # kind (COVERAGE_KINDS) -> counts

    def count(self, kind: str, n: int = 1) -> None:
        """Record that ``n`` items of ``kind`` were examined (rules call this through their context)."""
        self.checked.setdefault(kind, CoverageCount()).checked += n

    def flag(self, kind: str, n: int = 1) -> None:
        self.checked.setdefault(kind, CoverageCount()).inconsistent += n

    @property
    def understood(self) -> bool:
        """False when nothing checkable was read: no tables, no numeric quantities and no arms."""
        return any(self.read.get(k, 0) for k in ("tables", "numbers", "arms"))

    def add(self, other: "Coverage") -> None:
        for k, v in other.read.items():
            self.read[k] = self.read.get(k, 0) + v
        for k, c in other.checked.items():
            mine = self.checked.setdefault(k, CoverageCount())
            mine.checked += c.checked
            mine.inconsistent += c.inconsistent


class ArticleResult(Model):
    id: str
    source: str
    status: ArticleStatus = "ok"
    error: str | None = None
    title: str | None = None
    format: str | None = None
    findings: list[Finding] = Field(default_factory=list)
    checks_run: int = 0
    elapsed_s: float | None = None
    coverage: Coverage | None = None
    warnings: list[str] = Field(default_factory=list)  # what the reader could not do (decoding, unread pages ...)
    traceback: str | None = None  # an internal error's traceback (a bug in trialaudit), shown by ``check -v``


class ToolInfo(Model):
    name: str
    version: str


class CheckRun(Model):
    """The result of ``trialaudit check`` over a batch of articles."""

    tool: ToolInfo
    articles: list[ArticleResult] = Field(default_factory=list)

    def total_coverage(self) -> Coverage:
        total = Coverage()
        for a in self.articles:
            if a.coverage is not None:
                total.add(a.coverage)
        return total


class RuleInfo(Model):
    """Registry entry as listed by ``trialaudit rules``."""

    code: str
    name: str
    severity: Severity
    family: str
    summary: str
    doc: str = ""
    preview: str | None = None  # off by default, and why (its measured precision); None: runs by default
