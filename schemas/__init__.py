"""Pydantic models only: no I/O lives here."""
from .document import Cell, Citation, Document, Heading, Paragraph, Reference, Section, Sentence, Table, TableRow
from .findings import ArticleResult, CheckRun, Evidence, Finding, RuleInfo, Severity, ToolInfo
from .provenance import Provenance, Span
from .quantities import Num, Quantity
from .study import (AdverseEvent, Arm, BaselineRow, Design, Dose, DrugMention, EffectEstimate, Endpoint,
                    Outcome, RegimenMention, SampleSize, StatTest, Study)

__all__ = [n for n in dir() if not n.startswith("_")]
from .checklist import Checklist, ChecklistItem, ChecklistStatus, ChecklistUpdate, DecisionRecord  # noqa: E402

__all__ = [n for n in dir() if not n.startswith("_")]
