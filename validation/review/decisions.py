"""Decisions: recorded from the command line, imported from the HTML report, and read back per reviewer."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import ValidationError

from trialaudit.schemas.checklist import (DECISIONS, Checklist, ChecklistItem, DecisionRecord)

from .model import ChecklistError, _now
from .store import MAX_CHECKLIST_BYTES, _checklist_files, _decode, _Loader, _locked, _read_current, _refuse_aliases, _save, load_checklist


def _resolve_item(cl: Checklist, item_id: str, path: Path) -> ChecklistItem:
    everything = [*cl.items, *cl.resolved]
    for it in everything:
        if it.id == item_id:
            return it
    low = item_id.lower()
    cands = [it for it in everything if it.id.lower().startswith(low) or
             (it.fingerprint and len(low) >= 6 and it.fingerprint.lower().startswith(low.removeprefix("f-")))]
    if len(cands) == 1:
        return cands[0]
    ids = ", ".join(it.id for it in (cands or cl.items)[:12])
    what = "is ambiguous" if cands else "not found"
    raise ChecklistError(f"{path.name}: item '{item_id}' {what}; items: {ids}", path)


def record_decision(path: Path | str, item_id: str, decision: str, note: str | None = None,
                    reviewer: str | None = None) -> ChecklistItem:
    """Record a reviewer's decision on one item (an earlier decision goes to ``history``)."""
    return record_decisions(path, [(item_id, decision, note)], reviewer)[0]


def _apply(item: ChecklistItem, rec: DecisionRecord) -> None:
    """Make ``rec`` the item's current decision; the current one (if any) goes to ``history``."""
    if item.reviewed or item.note or item.reviewer:
        item.history.append(DecisionRecord(decision=item.decision, note=item.note, reviewer=item.reviewer,
                                           decided_at=item.decided_at))
    item.decision = rec.decision
    if rec.note is not None:
        item.note = rec.note
    item.reviewer = rec.reviewer
    item.decided_at = rec.decided_at or _now()
    item.needs_recheck = False


def record_decisions(path: Path | str, decisions: list[tuple[str, str, str | None]],
                     reviewer: str | None = None) -> list[ChecklistItem]:
    """Record several decisions ``(item, decision, note)`` in one locked, atomic write: all or none.

    Concurrent callers are serialised by a file lock, so no decision is lost.
    """
    path = Path(path)
    if path.is_dir():
        raise ChecklistError(f"{path} is a directory; give the .checklist.yaml file", path)
    for _, decision, _ in decisions:
        if decision not in DECISIONS:
            raise ChecklistError(f"decision '{decision}' is not one of {', '.join(DECISIONS)}", path)
    with _locked(path):
        raw, cl = _read_current(path)
        if cl is None:
            raise ChecklistError(f"{path}: no such checklist", path)
        items = [_resolve_item(cl, item_id, path) for item_id, _, _ in decisions]  # all resolve, or nothing
        ids = [it.id for it in items]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ChecklistError(f"{path.name}: item {', '.join(dup)} given more than once in one call", path)
        now = _now()
        for item, (_, decision, note) in zip(items, decisions):
            _apply(item, DecisionRecord(decision=decision, note=note, reviewer=reviewer, decided_at=now))
        cl.updated_at = now
        cl = Checklist.model_validate(cl.model_dump())
        _save(path, cl, raw)
        every = {it.id: it for it in [*cl.items, *cl.resolved]}
        return [every[i] for i in ids]



# --------------------------------------------------------------------------- decisions made in the HTML report

DECISIONS_FORMAT = "trialaudit-decisions"


def read_decisions_file(path: Path | str) -> list[dict[str, Any]]:
    """Read a decisions file exported by the HTML report (JSON, or the same structure in YAML)."""
    import json

    path = Path(path)
    try:
        if path.stat().st_size > MAX_CHECKLIST_BYTES:
            raise ChecklistError(f"{path.name}: too large for a decisions file", path)
        text = _decode(path.read_bytes(), path)
    except FileNotFoundError:
        raise ChecklistError(f"{path}: no such file", path) from None
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            loader = _Loader(text)
            try:
                root = loader.get_single_node()
                _refuse_aliases(root, path.name, path)
                data = loader.construct_document(root) if root is not None else None
            finally:
                loader.dispose()
    except (ValueError, yaml.YAMLError) as e:
        raise ChecklistError(f"{path.name}: not a decisions file ({e})", path) from None
    if not isinstance(data, dict) or data.get("format") != DECISIONS_FORMAT or not isinstance(data.get("decisions"), list):
        raise ChecklistError(f"{path.name}: not a decisions file (expected format: {DECISIONS_FORMAT} and a "
                             "'decisions' list, as exported by the HTML report)", path)
    out = []
    for i, d in enumerate(data["decisions"]):
        if not isinstance(d, dict) or not d.get("article_id") or not d.get("fingerprint"):
            raise ChecklistError(f"{path.name}: decision {i + 1} lacks article_id or fingerprint", path)
        recs = []
        for h in [*(d.get("history") or []), d]:
            try:
                recs.append(DecisionRecord(decision=h.get("decision"), note=h.get("note") or None,
                                           reviewer=h.get("reviewer") or None, decided_at=h.get("decided_at")))
            except ValidationError as e:
                raise ChecklistError(f"{path.name}: decision {i + 1} ({d.get('fingerprint')}): "
                                     f"{e.errors()[0]['msg']}", path) from None
        out.append({"article_id": str(d["article_id"]), "fingerprint": str(d["fingerprint"]), "records": recs})
    return out


def _key(r: DecisionRecord) -> tuple:
    return (r.decision, r.note or "", r.reviewer or "", r.decided_at.isoformat() if r.decided_at else "")


def import_decisions(path: Path | str, entries: list[dict[str, Any]]) -> tuple[int, list[str]]:
    """Apply decisions from the report to one checklist, keeping every decision, reviewer and time.

    Each entry's records (its history, then its current decision) are merged
    with what the item already holds; the latest by time becomes current,
    the rest stay in ``history`` in time order. Re-importing the same file
    changes nothing. Returns (records added, fingerprints with no item).
    """
    path = Path(path)
    with _locked(path):
        raw, cl = _read_current(path)
        if cl is None:
            raise ChecklistError(f"{path}: no such checklist", path)
        by_fp = {it.fingerprint: it for it in [*cl.items, *cl.resolved] if it.fingerprint}
        added = 0
        missing: list[str] = []
        for e in entries:
            item = by_fp.get(e["fingerprint"])
            if item is None:
                missing.append(e["fingerprint"])
                continue
            have = list(item.history)
            if item.reviewed or item.note or item.reviewer:
                have.append(DecisionRecord(decision=item.decision, note=item.note, reviewer=item.reviewer,
                                           decided_at=item.decided_at))
            known = {_key(r) for r in have}
            new = [r for r in e["records"] if _key(r) not in known]
            if not new:
                continue
            added += len(new)
            allrecs = sorted(have + new, key=lambda r: (r.decided_at is not None, r.decided_at or datetime.min.replace(tzinfo=timezone.utc)))
            last = allrecs[-1]
            item.history = allrecs[:-1]
            item.decision, item.note, item.reviewer, item.decided_at = last.decision, last.note, last.reviewer, last.decided_at
            item.needs_recheck = False
        if added:
            cl.updated_at = _now()
            cl = Checklist.model_validate(cl.model_dump())
            _save(path, cl, raw)
        return added, missing



def dismissed_fingerprints(dir_or_dirs: Path | str | Iterable[Path | str]) -> dict[str, set[str]]:
    """Per article id, the fingerprints of findings whose current decision is ``dismissed``."""
    out: dict[str, set[str]] = {}
    for p in _checklist_files(dir_or_dirs):
        cl = load_checklist(p)
        fps = {it.fingerprint for it in [*cl.items, *cl.resolved] if it.fingerprint and it.decision == "dismissed"}
        out.setdefault(cl.article_id, set()).update(fps)
    return out


