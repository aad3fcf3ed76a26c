"""The checklist model's logic: standard items, the checklist built from a result, and merging a re-run into it.

No I/O here: :mod:`.store` reads and writes the files, :mod:`.views` renders them.
"""
from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any


from trialaudit.errors import InputError
from trialaudit.schemas.checklist import (Checklist, ChecklistEvidence, ChecklistItem, ChecklistUpdate, DecisionRecord)
from trialaudit.schemas.findings import SEVERITY_ORDER, ArticleResult, Finding, ToolInfo

from ..report import describe_location


SUFFIX = ".checklist.yaml"


class ChecklistError(InputError, ValueError):
    """A checklist cannot be read, validated or safely written."""

    def __init__(self, message: str, path: Path | None = None, line: int | None = None):
        super().__init__(message)
        self.path = path
        self.line = line


# --------------------------------------------------------------------------- standard items

#: id -> (title, what the reviewer should look at)
STANDARD_ITEMS: dict[str, tuple[str, str]] = {
    "S-primary-endpoint": ("Primary endpoint consistent across sections",
                           "Same primary endpoint in registration, abstract, methods and results."),
    "S-sample-size": ("Sample size and arm sizes consistent",
                      "Enrolled, randomised and analysed numbers agree across abstract, text, tables and flow."),
    "S-regimen": ("Regimen consistent",
                  "Drugs, doses, schedules and durations agree between methods, tables and discussion."),
    "S-registry": ("Registry id present and consistent",
                   "A trial registration id is reported, identical wherever it appears, and resolvable."),
    "S-tables-add-up": ("Response and adverse-event tables add up",
                        "Categories sum to group sizes; percentages match counts; totals match rows."),
    "S-statistics": ("Statistical tests reproducible",
                     "Test statistics and P values can be recomputed from the reported data."),
    "S-significance": ("Significance claims supported",
                       "Every 'significant' claim is backed by a reported test and matches its P value."),
    "S-references": ("References relevant",
                     "Cited references exist and support the statements they are cited for."),
    "S-other": ("Other internal consistency and plausibility",
                "Remaining contradictions and implausible values flagged by the tool."),
}

#: finding family -> standard item it informs
FAMILY_TO_ITEM: dict[str, str] = {
    "endpoints": "S-primary-endpoint",
    "sample-size": "S-sample-size",
    "regimen": "S-regimen",
    "registry": "S-registry",
    "arithmetic": "S-tables-add-up",
    "statistics": "S-statistics",
    "significance": "S-significance",
    "references": "S-references",
    "consistency": "S-other",
    "plausibility": "S-other",
    "internal": "S-other",
    "general": "S-other",
}

#: exact finding code -> standard item, overriding the family
CODE_TO_ITEM: dict[str, str] = {}

# for the catch-all families, words in the code or name that point at a specific item
_HINTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"endpoint|outcome", re.I), "S-primary-endpoint"),
    (re.compile(r"sample|arm-size|enrol|randomi[sz]|participants|\bn\b", re.I), "S-sample-size"),
    (re.compile(r"regimen|dose|dosing|schedule", re.I), "S-regimen"),
    (re.compile(r"regist|nct|chictr|isrctn", re.I), "S-registry"),
    (re.compile(r"signific", re.I), "S-significance"),
    (re.compile(r"p-?value|statistic|chi|t-test|odds|hazard|confidence", re.I), "S-statistics"),
    (re.compile(r"adverse|ae-|response|sum|total|percent", re.I), "S-tables-add-up"),
    (re.compile(r"referen|citation", re.I), "S-references"),
]

#: study-summary keys shown as facts on each standard item
STUDY_FACTS: dict[str, tuple[str, ...]] = {
    "S-primary-endpoint": ("primary_endpoint", "primary_endpoints", "endpoints"),
    "S-sample-size": ("sample_size", "n_enrolled", "n_randomised", "n_randomized", "n_analysed", "n_analyzed",
                      "arms"),
    "S-regimen": ("regimen", "regimens", "interventions", "doses"),
    "S-registry": ("registry", "registry_id", "registry_ids", "registration"),
    "S-tables-add-up": ("response_tables", "adverse_event_tables"),
    "S-statistics": ("tests", "statistical_tests"),
    "S-significance": ("significance_claims",),
    "S-references": ("references", "n_references"),
}


# with a study summary, what an empty fact means for the item
_MISSING_FACT: dict[str, tuple[str, str]] = {
    "S-registry": ("registry_ids", "no registry id was found in the article"),
    "S-primary-endpoint": ("primary_endpoints", "no primary endpoint was identified"),
}


def study_summary(study: Any) -> dict[str, Any]:
    """The facts of a :class:`schemas.study.Study` worth showing on the standard items."""
    out: dict[str, Any] = {}
    primary = [e.name for e in getattr(study, "endpoints", []) if e.role == "primary"]
    if primary:
        out["primary_endpoints"] = list(dict.fromkeys(primary))
    if getattr(study, "total_n", None) is not None:
        out["sample_size"] = study.total_n
    arms = {a.label: a.n for a in getattr(study, "arms", []) if not a.is_total}
    if arms:
        out["arms"] = arms
    if getattr(study, "registry_ids", None) is not None:
        out["registry_ids"] = list(study.registry_ids)
    regimens = {}
    for r in getattr(study, "regimens", []):
        if r.role == "definition" and r.drugs:
            regimens.setdefault(r.arm or "unassigned", sorted(set(r.drugs)))
    if regimens:
        out["regimens"] = regimens
    if getattr(study, "tests", None):
        out["statistical_tests"] = len(study.tests)
    if getattr(study, "references", None):
        out["n_references"] = len(study.references)
    return out


def item_for_finding(f: Finding) -> str:
    """The standard item a finding informs."""
    if f.code in CODE_TO_ITEM:
        return CODE_TO_ITEM[f.code]
    target = FAMILY_TO_ITEM.get(f.family, "S-other")
    if target == "S-other":
        for pat, item in _HINTS:
            if pat.search(f.code) or pat.search(f.name):
                return item
    return target


def _fingerprint(f: Finding) -> str:
    if f.fingerprint:
        return f.fingerprint
    basis = "|".join([f.code, f.message, *(e.quote for e in f.evidence)])
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()


def finding_item_id(fingerprint: str, taken: set[str] | None = None) -> str:
    """``F-`` and the first 10 characters of the fingerprint, longer if that id is taken."""
    clean = re.sub(r"[^A-Za-z0-9]", "", fingerprint) or hashlib.sha1(fingerprint.encode()).hexdigest()
    taken = taken or set()
    for n in (10, 16, len(clean)):
        cand = f"F-{clean[:n]}"
        if cand not in taken:
            return cand
    k = 2
    while f"F-{clean}-{k}" in taken:
        k += 1
    return f"F-{clean}-{k}"


def _short_code(code: str) -> str:
    return code.rsplit(".", 1)[-1]


def _evidence(f: Finding, item_id: str | None = None) -> list[ChecklistEvidence]:
    return [ChecklistEvidence(quote=e.quote, where=describe_location(e), line=e.line, page=e.page, finding=item_id)
            for e in f.evidence]


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


# --------------------------------------------------------------------------- build

def build_checklist(result: ArticleResult, study_summary: dict | None = None, *,
                    tool: ToolInfo | None = None) -> Checklist:
    """A fresh checklist for ``result``: every item unreviewed.

    ``tool`` names the program that wrote it (the CLI passes its name and
    version); without it the checklist records no tool.
    """

    today = _now().date()
    finding_items: list[ChecklistItem] = []
    by_item: dict[str, list[tuple[Finding, ChecklistItem]]] = {}
    taken: set[str] = set(STANDARD_ITEMS)
    seen_fp: set[str] = set()
    ordered = sorted(result.findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 9))
    for f in ordered:
        fp = _fingerprint(f)
        if fp in seen_fp:  # the same finding twice: one item
            continue
        seen_fp.add(fp)
        iid = finding_item_id(fp, taken)
        taken.add(iid)
        it = ChecklistItem(id=iid, kind="finding", title=f.name, fingerprint=fp, code=f.code, severity=f.severity,
                           family=f.family, message=f.message, observed=f.observed, expected=f.expected,
                           computation=f.computation, first_seen=today, evidence=_evidence(f))
        finding_items.append(it)
        by_item.setdefault(item_for_finding(f), []).append((f, it))

    standard: list[ChecklistItem] = []
    for sid, (title, guidance) in STANDARD_ITEMS.items():
        related = by_item.get(sid, [])
        if sid == "S-other" and not related:
            continue  # the catch-all appears only when something falls into it
        if result.status not in ("ok", "not_understood"):
            assessment = f"not checked: article {result.status}" + (f" ({result.error})" if result.error else "")
        elif not related:
            assessment = "no finding"
            if study_summary is not None and sid in _MISSING_FACT:
                key, note = _MISSING_FACT[sid]
                if not study_summary.get(key):
                    assessment += f"; {note}"
        else:
            codes = list(dict.fromkeys(_short_code(f.code) for f, _ in related))
            sev = {s: sum(1 for f, _ in related if f.severity == s) for s in ("error", "warning", "info")}
            sev_txt = ", ".join(f"{n} {s}{'s' if n != 1 and s != 'info' else ''}" for s, n in sev.items() if n)
            assessment = (f"{len(related)} finding{'s' if len(related) != 1 else ''} from "
                          f"{', '.join(codes)} ({sev_txt})")
        facts = {k: study_summary[k] for k in STUDY_FACTS.get(sid, ()) if study_summary and k in study_summary}
        evidence = [ev for f, it in related for ev in _evidence(f, it.id)]
        standard.append(ChecklistItem(
            id=sid, kind="standard", title=title, guidance=guidance, tool_assessment=assessment,
            families=sorted({fam for fam, target in FAMILY_TO_ITEM.items() if target == sid}),
            related=[it.id for _, it in related], facts=facts, evidence=evidence))

    now = _now()
    return Checklist(article_id=result.id, source=result.source, title=result.title,
                     tool=f"{tool.name} {tool.version}" if tool else "", created_at=now, updated_at=now,
                     study=study_summary, items=[*standard, *finding_items])


# --------------------------------------------------------------------------- merge

def _copy_decision(dst: ChecklistItem, src: ChecklistItem) -> None:
    dst.decision = src.decision
    dst.note = src.note
    dst.reviewer = src.reviewer
    dst.decided_at = src.decided_at
    dst.history = list(src.history)


def _has_reviewer_content(it: ChecklistItem) -> bool:
    return it.reviewed or bool(it.note) or bool(it.reviewer) or bool(it.history)


def stamp_hand_edits(current: Checklist, previous: Checklist | None, now: datetime | None = None) -> list[str]:
    """Give decisions edited by hand in the YAML their time (and keep what they replaced in ``history``).

    ``previous`` is what trialaudit last wrote (the ``.bak`` beside the file).
    An item whose decision, note or reviewer differs from it while its
    ``decided_at`` was left as it was, or a decision without any time, was
    edited by hand: it is stamped ``now``. Returns the ids stamped.
    """
    now = now or _now()
    before = {it.id: it for it in [*(previous.items if previous else []), *(previous.resolved if previous else [])]}
    stamped = []
    for it in [*current.items, *current.resolved]:
        old = before.get(it.id)
        if it.decided_at is None and (it.reviewed or it.note):
            it.decided_at = now
            stamped.append(it.id)
            continue
        if old is None or (it.decision, it.note, it.reviewer) == (old.decision, old.note, old.reviewer):
            continue
        if it.decided_at == old.decided_at:
            if old.reviewed or old.note or old.reviewer:
                it.history.append(DecisionRecord(decision=old.decision, note=old.note, reviewer=old.reviewer,
                                                 decided_at=old.decided_at))
            it.decided_at = now
            stamped.append(it.id)
    return stamped


def merge_checklists(old: Checklist, fresh: Checklist, today: date | None = None) -> tuple[Checklist, ChecklistUpdate]:
    """``fresh`` with every decision of ``old`` carried over (see module doc)."""
    today = today or _now().date()
    upd = ChecklistUpdate(path="", markdown_path="", csv_path="")
    old_open = {it.fingerprint: it for it in old.items if it.kind == "finding" and it.fingerprint}
    old_resolved = {it.fingerprint: it for it in old.resolved if it.kind == "finding" and it.fingerprint}
    fresh_fps = {it.fingerprint for it in fresh.items if it.kind == "finding"}

    # ids already owned by findings we keep, reopen or resolve stay theirs
    taken = {it.id for it in old.items} | {it.id for it in old.resolved} | set(STANDARD_ITEMS)
    items: list[ChecklistItem] = []
    reopened_fps: set[str] = set()
    id_map: dict[str, str] = {}
    for it in fresh.items:
        if it.kind == "standard":
            prev = old.item(it.id)
            if prev is not None:
                _copy_decision(it, prev)
                changed = (prev.tool_assessment or "") != (it.tool_assessment or "")
                it.needs_recheck = prev.needs_recheck or (prev.reviewed and changed)
                if it.needs_recheck and not prev.needs_recheck:
                    upd.rechecks.append(it.id)
            items.append(it)
            continue
        fp = it.fingerprint or ""
        prev = old_open.get(fp)
        if prev is None and fp in old_resolved:
            prev = old_resolved[fp]
            reopened_fps.add(fp)
            upd.reopened.append(prev.id)
        if prev is not None:
            id_map[it.id] = prev.id
            it.id = prev.id
            it.first_seen = prev.first_seen or it.first_seen
            it.resolved_on = None
            _copy_decision(it, prev)
            if fp not in reopened_fps:
                upd.kept.append(it.id)
        else:
            new_id = finding_item_id(fp, taken)
            id_map[it.id] = new_id
            it.id = new_id
            upd.added.append(new_id)
        taken.add(it.id)
        items.append(it)

    # standard items refer to finding ids: follow the renames
    for it in items:
        if it.kind == "standard":
            it.related = [id_map.get(r, r) for r in it.related]
            for ev in it.evidence:
                if ev.finding:
                    ev.finding = id_map.get(ev.finding, ev.finding)

    resolved = [it for it in old.resolved if it.fingerprint not in reopened_fps]
    fresh_ids = {it.id for it in items}
    for it in old.items:
        if it.kind == "finding" and it.fingerprint not in fresh_fps:
            it.resolved_on = today
            resolved.append(it)
            upd.resolved.append(it.id)
        elif it.kind == "standard" and it.id not in fresh_ids and _has_reviewer_content(it):
            it.resolved_on = today  # a standard item this version no longer has
            resolved.append(it)
            upd.resolved.append(it.id)

    merged = fresh.model_copy(update={
        "items": items, "resolved": resolved, "created_at": old.created_at or fresh.created_at,
        "study": fresh.study if fresh.study is not None else old.study})
    return Checklist.model_validate(merged.model_dump()), upd

def reviewer_votes(item: ChecklistItem) -> dict[str, str]:
    """Each reviewer's latest decision on an item (unnamed decisions count as reviewer '?')."""
    recs = [*item.history]
    if item.reviewed or item.reviewer:
        recs.append(DecisionRecord(decision=item.decision, note=item.note, reviewer=item.reviewer,
                                   decided_at=item.decided_at))
    votes: dict[str, str] = {}
    for r in recs:  # oldest first: later ones overwrite
        if r.decision == "unreviewed":
            votes.pop(r.reviewer or "?", None)
        else:
            votes[r.reviewer or "?"] = r.decision
    return votes
