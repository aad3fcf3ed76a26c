"""Audit checklists: one per article, the reviewer's decisions on each item.

Pydantic models only; reading and writing live in :mod:`validation.review`.
The YAML file ``<article_id>.checklist.yaml`` is the source of truth and is
validated against :class:`Checklist` whenever it is loaded.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field, model_validator

from .base import Model
from .findings import Severity

Decision = Literal["confirmed", "dismissed", "query-authors", "unreviewed"]
DECISIONS: tuple[str, ...] = ("confirmed", "dismissed", "query-authors", "unreviewed")
ItemKind = Literal["finding", "standard"]

CHECKLIST_SCHEMA_VERSION = 1


class ChecklistEvidence(Model):
    """A quoted place in the article backing an item."""

    quote: str
    where: str = ""                 # "Results, Table 2, row 'Observation group', column 'CR', line 42"
    line: int | None = None
    page: int | None = None
    finding: str | None = None      # id of the finding item this evidence comes from (standard items)


class DecisionRecord(Model):
    """An earlier decision on an item, kept when it is changed."""

    decision: Decision
    note: str | None = None
    reviewer: str | None = None
    decided_at: datetime | None = None


class ChecklistItem(Model):
    """One thing the reviewer decides on: a tool finding or a standard check."""

    id: str
    kind: ItemKind
    title: str
    decision: Decision = "unreviewed"
    note: str | None = None
    reviewer: str | None = None
    decided_at: datetime | None = None
    # what the tool determined
    tool_assessment: str | None = None
    needs_recheck: bool = False     # the tool's assessment changed after a decision was made
    # finding items
    fingerprint: str | None = None
    code: str | None = None
    severity: Severity | None = None
    family: str | None = None
    message: str | None = None
    observed: str | None = None
    expected: str | None = None
    computation: str | None = None
    first_seen: date | None = None
    resolved_on: date | None = None  # set when the finding vanished from a later run
    # standard items
    guidance: str | None = None
    families: list[str] = Field(default_factory=list)
    related: list[str] = Field(default_factory=list)  # ids of finding items mapped here
    facts: dict[str, Any] = Field(default_factory=dict)  # from the study summary
    evidence: list[ChecklistEvidence] = Field(default_factory=list)
    history: list[DecisionRecord] = Field(default_factory=list)  # earlier decisions, oldest first

    @property
    def reviewed(self) -> bool:
        return self.decision != "unreviewed"


class Checklist(Model):
    """The audit checklist of one article."""

    schema_version: int = CHECKLIST_SCHEMA_VERSION
    article_id: str
    source: str = ""
    title: str | None = None
    tool: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    study: dict[str, Any] | None = None
    items: list[ChecklistItem] = Field(default_factory=list)
    resolved: list[ChecklistItem] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> "Checklist":
        seen: set[str] = set()
        for item in [*self.items, *self.resolved]:
            if item.id in seen:
                raise ValueError(f"duplicate item id {item.id!r}")
            seen.add(item.id)
        return self

    def item(self, item_id: str) -> ChecklistItem | None:
        for it in self.items:
            if it.id == item_id:
                return it
        return None


class ChecklistUpdate(Model):
    """What :func:`validation.review.write_checklist` did."""

    path: str
    markdown_path: str
    csv_path: str
    backup_path: str | None = None
    created: bool = False
    kept: list[str] = Field(default_factory=list)      # finding items still present (decisions kept)
    added: list[str] = Field(default_factory=list)     # new findings, unreviewed
    resolved: list[str] = Field(default_factory=list)  # findings that vanished, moved to resolved
    reopened: list[str] = Field(default_factory=list)  # resolved findings that came back
    rechecks: list[str] = Field(default_factory=list)  # decided standard items whose assessment changed


class ChecklistStatus(Model):
    """Progress of one checklist."""

    article_id: str
    path: str
    items: int = 0
    reviewed: int = 0
    confirmed: int = 0
    dismissed: int = 0
    query_authors: int = 0
    unreviewed: int = 0
    resolved: int = 0
    needs_recheck: int = 0
    reviewers: list[str] = Field(default_factory=list)        # everyone who decided an item
    double_reviewed: int = 0                                  # items decided by two or more reviewers
    agreed: int = 0                                           # ... whose reviewers' latest decisions agree
    needs_consensus: list[str] = Field(default_factory=list)  # item ids where reviewers disagree
    error: str | None = None
