"""Findings, their evidence, and the results of a check run."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from .base import Model
from .provenance import BBox

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
ArticleStatus = Literal["ok", "error", "skipped", "timeout", "worker died"]


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


class ToolInfo(Model):
    name: str
    version: str


class CheckRun(Model):
    """The result of ``trialaudit check`` over a batch of articles."""

    tool: ToolInfo
    articles: list[ArticleResult] = Field(default_factory=list)


class RuleInfo(Model):
    """Registry entry as listed by ``trialaudit rules``."""

    code: str
    name: str
    severity: Severity
    family: str
    summary: str
    doc: str = ""
