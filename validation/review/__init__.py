"""Audit checklists (the review package): what a reviewer decided about each finding and standard check.

One YAML file per article, ``<dir>/<article_id>.checklist.yaml``, is the
source of truth; a Markdown and a CSV view are regenerated beside it on every
write. Items have stable ids: ``F-<fingerprint prefix>`` for a finding,
``S-<name>`` for the standard checks every trial review goes through.

Nothing a reviewer wrote is lost: re-running keeps the decision of every
finding that still exists (matched by fingerprint), adds new findings as
unreviewed and moves vanished ones to ``resolved`` with the date they
vanished; a changed decision keeps the earlier one in ``history``; writes
are atomic with a ``.bak`` of the previous YAML; a YAML that fails validation
is never overwritten.

Rooms: :mod:`.model` (items, build, merge; no I/O), :mod:`.store` (YAML, files,
locks, atomic writes), :mod:`.decisions` (recording and importing decisions),
:mod:`.views` (Markdown and CSV).
"""
from __future__ import annotations

from .decisions import (DECISIONS_FORMAT, dismissed_fingerprints, import_decisions, read_decisions_file,
                        record_decision, record_decisions)
from .model import (CODE_TO_ITEM, FAMILY_TO_ITEM, STANDARD_ITEMS, STUDY_FACTS, SUFFIX, ChecklistError, build_checklist,
                    finding_item_id, item_for_finding, merge_checklists, reviewer_votes, stamp_hand_edits,
                    study_summary)
from .store import (END_MARKER, MAX_CHECKLIST_BYTES, atomic_write, checklist_path, dump_checklist,
                    export_decisions_csv, find_checklist, load_checklist, parse_checklist, status, write_checklist)
from .views import CSV_COLUMNS, render_checklist_markdown

__all__ = [
    "ChecklistError", "STANDARD_ITEMS", "FAMILY_TO_ITEM", "CODE_TO_ITEM", "STUDY_FACTS", "SUFFIX", "END_MARKER",
    "MAX_CHECKLIST_BYTES", "CSV_COLUMNS", "DECISIONS_FORMAT",
    "build_checklist", "merge_checklists", "stamp_hand_edits", "study_summary", "item_for_finding",
    "finding_item_id", "reviewer_votes",
    "write_checklist", "load_checklist", "parse_checklist", "dump_checklist", "atomic_write", "checklist_path",
    "find_checklist", "status", "export_decisions_csv",
    "record_decision", "record_decisions", "read_decisions_file", "import_decisions", "dismissed_fingerprints",
    "render_checklist_markdown",
]
