"""Audit checklists: what a reviewer decided about each finding and standard check.

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
"""
from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import re
import shutil
import tempfile
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml
from pydantic import ValidationError

from trialaudit.errors import InputError
from trialaudit.extractor.export import output_mode

from trialaudit.schemas.checklist import (DECISIONS, Checklist, ChecklistEvidence, ChecklistItem, ChecklistStatus,
                               ChecklistUpdate, DecisionRecord)
from trialaudit.schemas.findings import SEVERITY_ORDER, ArticleResult, Finding

from .report import describe_location, md_escape

try:  # advisory locking between trialaudit processes (POSIX)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "ChecklistError", "STANDARD_ITEMS", "FAMILY_TO_ITEM", "build_checklist", "write_checklist",
    "load_checklist", "record_decision", "status", "export_decisions_csv", "checklist_path",
    "finding_item_id", "find_checklist", "study_summary",
]

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

def build_checklist(result: ArticleResult, study_summary: dict | None = None) -> Checklist:
    """A fresh checklist for ``result``: every item unreviewed."""
    from trialaudit import TOOL_NAME, __version__

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
                     tool=f"{TOOL_NAME} {__version__}", created_at=now, updated_at=now,
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


# --------------------------------------------------------------------------- YAML

_HEADER = """\
# trialaudit audit checklist. This YAML file is the source of truth: the .md and
# .csv files beside it are regenerated from it on every write.
# For each item set `decision` to one of: confirmed, dismissed, query-authors, unreviewed
# and fill in `note` and `reviewer` (or use: trialaudit checklist ... --decide ITEM DECISION).
# The file is validated when read; unknown fields are rejected.
"""

_ALWAYS = {"decision", "note", "reviewer", "decided_at"}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: same marks, much faster


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False):  # noqa: D401
        return super().increase_indent(flow, False)


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str_representer)


def _prune(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k in _ALWAYS or v not in (None, [], {}, False)}


def dump_checklist(cl: Checklist) -> str:
    data = cl.model_dump(mode="json")
    data["items"] = [_prune(i) for i in data["items"]]
    data["resolved"] = [_prune(i) for i in data["resolved"]]
    for lst in (data["items"], data["resolved"]):
        for i in lst:
            if "evidence" in i:
                i["evidence"] = [{k: v for k, v in e.items() if v is not None} for e in i["evidence"]]
            if "history" in i:
                i["history"] = [{k: v for k, v in h.items() if v is not None} for h in i["history"]]
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000,
                     default_flow_style=False)
    return _HEADER + body + END_MARKER + "\n"


#: the last line trialaudit writes; a file without it was cut off (only blank lines and comments may follow)
END_MARKER = "# end of checklist"
#: checklists are small; anything larger is refused before YAML parsing
MAX_CHECKLIST_BYTES = 10_000_000


def _check_complete(text: str, name: str, path: Path | str) -> None:
    lines = text.splitlines()
    for i in range(len(lines) - 1, -1, -1):
        ln = lines[i].strip()
        if ln == END_MARKER:
            return
        if ln and not ln.startswith("#"):
            break
    raise ChecklistError(f"{name}: incomplete checklist: the last line '{END_MARKER}' is missing, so the file was "
                         "cut off (or written by something else); restore it from the .bak beside it "
                         f"or add the line '{END_MARKER}' after checking that no item is missing", Path(path))


def _refuse_aliases(root: yaml.Node | None, name: str, path: Path | str) -> None:
    """YAML anchors/aliases are never written by trialaudit; an aliased node (e.g. a 'billion laughs' bomb,
    which expands exponentially when validated) is refused. Shared nodes are found without expanding them."""
    seen: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            line = node.start_mark.line + 1 if node.start_mark else None
            raise ChecklistError(f"{name} line {line}: YAML aliases (*name) are not allowed in a checklist",
                                 Path(path), line)
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.extend((k, v))


# text fields: a scalar YAML would read as a bool, number or date ("no", "1.0") is kept as written
_TEXT_FIELDS = {
    "article_id", "source", "title", "tool", "id", "note", "reviewer", "tool_assessment", "fingerprint", "code",
    "family", "message", "observed", "expected", "computation", "guidance", "quote", "where", "finding",
    "decision",
}


def _node_child(node: yaml.Node, key: Any) -> tuple[yaml.Node | None, yaml.Node | None]:
    """(key node, value node) of ``key`` in ``node``."""
    if isinstance(node, yaml.MappingNode) and isinstance(key, str):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return k, v
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        return None, node.value[key]
    return None, None


def _node_line(root: yaml.Node | None, loc: Iterable[Any], key_line: bool = False) -> int | None:
    """1-based line of the deepest node of ``loc`` that exists."""
    if root is None:
        return None
    node: yaml.Node = root
    line = node.start_mark.line + 1
    for part in loc:
        k, v = _node_child(node, part)
        if v is None:
            break
        node = v
        line = ((k if key_line and k is not None else v).start_mark.line + 1)
    return line


def _duplicate_key(node: yaml.Node | None) -> tuple[str, int] | None:
    """The first key written twice in one mapping (YAML would silently keep the last)."""
    stack = [node] if node is not None else []
    while stack:
        n = stack.pop()
        if isinstance(n, yaml.MappingNode):
            seen: set[str] = set()
            for k, v in n.value:
                if isinstance(k, yaml.ScalarNode):
                    if k.value in seen:
                        return k.value, k.start_mark.line + 1
                    seen.add(k.value)
                stack.append(v)
        elif isinstance(n, yaml.SequenceNode):
            stack.extend(n.value)
    return None


def _restore_text(data: Any, node: yaml.Node | None) -> Any:
    """Put back the written text of text fields that YAML resolved to non-strings."""
    if isinstance(data, dict) and isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if not isinstance(k, yaml.ScalarNode) or k.value not in data:
                continue
            val = data[k.value]
            if k.value in _TEXT_FIELDS and isinstance(v, yaml.ScalarNode) and val is not None \
                    and not isinstance(val, str):
                data[k.value] = v.value
            elif k.value not in ("study", "facts"):
                _restore_text(val, v)
    elif isinstance(data, list) and isinstance(node, yaml.SequenceNode):
        for d, n in zip(data, node.value):
            _restore_text(d, n)
    return data


def _describe_error(err: dict[str, Any], data: Any) -> tuple[str, tuple[Any, ...], bool]:
    """(message, location, point at the key rather than the value)."""
    loc = tuple(err.get("loc", ()))
    field = next((p for p in reversed(loc) if isinstance(p, str)), "")
    typ = err.get("type", "")
    value = err.get("input")
    where = ""
    if len(loc) >= 2 and loc[0] in ("items", "resolved") and isinstance(loc[1], int):
        try:
            iid = data[loc[0]][loc[1]].get("id")
        except (KeyError, IndexError, TypeError, AttributeError):
            iid = None
        if iid:
            where = f" (item {iid})"
    if typ == "literal_error" and field == "decision":
        return f"decision '{value}' is not one of {', '.join(DECISIONS)}{where}", loc, False
    if typ == "literal_error":
        return f"{field} '{value}' is not allowed: {err.get('msg')}{where}", loc, False
    if typ == "extra_forbidden":
        return f"unknown field '{field}'{where}", loc, True
    if typ == "missing":
        return f"missing required field '{field}'{where}", loc[:-1], False
    return f"{field or 'value'}: {err.get('msg')}{where}", loc, False


_ERROR_PRIORITY = {"extra_forbidden": 0, "literal_error": 1, "missing": 5}


def parse_checklist(text: str, path: Path | str = "checklist.yaml") -> Checklist:
    """Validate YAML text as a checklist; errors name the file and line."""
    name = Path(path).name
    if len(text) > MAX_CHECKLIST_BYTES:
        raise ChecklistError(f"{name}: {len(text)} characters is too large for a checklist "
                             f"(limit {MAX_CHECKLIST_BYTES}); not read", Path(path))
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        ctx = ""
        if e.context and e.context_mark is not None and e.context_mark.line + 1 != line:
            ctx = f" ({e.context} started on line {e.context_mark.line + 1})"
        raise ChecklistError(f"{name} line {line}: invalid YAML: {e.problem or e.context}{ctx}",
                             Path(path), line) from None
    except yaml.YAMLError as e:
        raise ChecklistError(f"{name}: invalid YAML: {e}", Path(path)) from None
    _refuse_aliases(root, name, path)
    dup = _duplicate_key(root)
    if dup is not None:
        key, line = dup
        raise ChecklistError(f"{name} line {line}: duplicate key '{key}'", Path(path), line)
    if not isinstance(data, dict):
        line = _node_line(root, ()) or 1
        raise ChecklistError(f"{name} line {line}: expected a mapping with article_id and items", Path(path), line)
    _restore_text(data, root)
    # duplicate ids, with the line of the second one
    seen: dict[str, str] = {}
    for part in ("items", "resolved"):
        for i, it in enumerate(data.get(part) or []):
            iid = it.get("id") if isinstance(it, dict) else None
            if isinstance(iid, str):
                if iid in seen:
                    line = _node_line(root, (part, i, "id"))
                    raise ChecklistError(f"{name} line {line}: duplicate item id '{iid}'", Path(path), line)
                seen[iid] = part
    try:
        cl = Checklist.model_validate(data)
    except ValidationError as e:
        described = []
        for err in e.errors():
            msg, loc, key_line = _describe_error(err, data)
            line = _node_line(root, loc, key_line=key_line)
            described.append((line or 0, _ERROR_PRIORITY.get(err.get("type", ""), 9), msg))
        line, _, msg = min(described)  # the first problem in the file; a misspelt key before what it lacks
        more = f" (and {e.error_count() - 1} more problem{'s' if e.error_count() > 2 else ''})" \
            if e.error_count() > 1 else ""
        raise ChecklistError(f"{name} line {line}: {msg}{more}", Path(path), line) from None
    _check_complete(text, name, path)
    return cl


def load_checklist(path: Path | str) -> Checklist:
    """Read and validate a checklist YAML; raises :class:`ChecklistError`."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_CHECKLIST_BYTES:
            raise ChecklistError(f"{path.name}: {path.stat().st_size} bytes is too large for a checklist "
                                 f"(limit {MAX_CHECKLIST_BYTES}); not read", path)
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ChecklistError(f"{path}: no such checklist", path) from None
    except OSError as e:
        raise ChecklistError(f"{path}: cannot read: {e.strerror}", path) from None
    return parse_checklist(_decode(raw, path), path)


def _decode(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ChecklistError(f"{path.name}: not UTF-8 text (byte {e.start})", path) from None


# --------------------------------------------------------------------------- files

def _safe_name(article_id: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", article_id).strip("._-")
    if safe != article_id or not safe:
        safe = f"{safe or 'article'}-{hashlib.sha1(article_id.encode()).hexdigest()[:8]}"
    return safe


def checklist_path(checklist_dir: Path | str, article_id: str) -> Path:
    return Path(checklist_dir) / f"{_safe_name(article_id)}{SUFFIX}"


def _views(path: Path) -> tuple[Path, Path]:
    base = path.name[: -len(".yaml")] if path.name.endswith(".yaml") else path.name
    return path.with_name(base + ".md"), path.with_name(base + ".csv")


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    if fcntl is None:
        yield
        return
    lock = path.with_name(f".{path.name}.lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _fsync_dir(d: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(d, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write(path: Path, data: bytes, backup: bool = False) -> Path | None:
    """Write ``data`` to ``path`` via a temp file in the same directory, fsync and ``os.replace``.

    With ``backup``, the previous file is first copied (also atomically) to
    ``<path>.bak``; returns that path. On any failure the temp file is removed
    and ``path`` is untouched.
    """
    path = Path(path)
    mode = output_mode(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    bak_path: Path | None = None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        if backup and path.exists():
            bak_path = path.with_name(path.name + ".bak")
            fd2, tmp2 = tempfile.mkstemp(dir=path.parent, prefix=f".{bak_path.name}.", suffix=".tmp")
            try:
                with os.fdopen(fd2, "wb") as out, open(path, "rb") as src:
                    shutil.copyfileobj(src, out)
                    out.flush()
                    os.fsync(out.fileno())
                os.chmod(tmp2, mode)
                os.replace(tmp2, bak_path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp2)
                raise
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)
    return bak_path


def _read_current(path: Path) -> tuple[bytes | None, Checklist | None]:
    try:
        if path.stat().st_size > MAX_CHECKLIST_BYTES:
            raise ChecklistError(f"{path.name}: too large for a checklist (limit {MAX_CHECKLIST_BYTES} bytes)", path)
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, None
    cl = parse_checklist(_decode(raw, path), path)  # raises: a bad file is never overwritten
    return raw, cl


def _save(path: Path, cl: Checklist, expected: bytes | None) -> Path | None:
    """Write the YAML (with backup) and its views, refusing if the file changed since it was read."""
    try:
        now_raw: bytes | None = path.read_bytes()
    except FileNotFoundError:
        now_raw = None
    if now_raw != expected:
        raise ChecklistError(f"{path.name} changed on disk while it was being updated; nothing was written, "
                             "run the command again", path)
    text = dump_checklist(cl)
    parse_checklist(text, path)  # never write what we could not read back
    try:
        bak = atomic_write(path, text.encode("utf-8"), backup=expected is not None)
        md_path, csv_path = _views(path)
        atomic_write(md_path, render_checklist_markdown(cl, path.name).encode("utf-8"))
        atomic_write(csv_path, _csv_bytes(_rows(cl)))
    except OSError as e:
        raise ChecklistError(f"{path}: cannot write: {e.strerror or e}", path) from None
    return bak


def write_checklist(checklist_dir: Path | str, result: ArticleResult,
                    study_summary: dict | None = None) -> ChecklistUpdate:
    """Create or update ``<dir>/<article_id>.checklist.yaml`` (and its .md/.csv views).

    An existing checklist is merged: decisions are kept for findings that still
    exist, new findings come in unreviewed, vanished ones move to ``resolved``.
    Raises :class:`ChecklistError` if the existing YAML is invalid (it is left
    as it is) or if the article could not be checked (its findings would
    otherwise all look resolved).
    """
    d = Path(checklist_dir)
    try:
        d.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ChecklistError(f"{d}: cannot create directory: {e.strerror or e}", d) from None
    path = checklist_path(d, result.id)
    md_path, csv_path = _views(path)
    with _locked(path):
        raw, old = _read_current(path)
        fresh = build_checklist(result, study_summary)
        if old is not None and old.article_id != result.id:
            raise ChecklistError(f"{path.name} belongs to article {old.article_id!r}, not {result.id!r}", path)
        if old is not None and result.status not in ("ok", "not_understood"):
            raise ChecklistError(
                f"article {result.id} was not checked ({result.status}"
                f"{': ' + result.error if result.error else ''}); {path.name} left unchanged", path)
        if old is not None:
            bak = path.with_name(path.name + ".bak")
            try:
                previous = load_checklist(bak) if bak.exists() else None
            except ChecklistError:
                previous = None  # an unreadable backup only means hand edits are not detected by comparison
            stamp_hand_edits(old, previous)
        if old is None:
            merged = fresh
            upd = ChecklistUpdate(path="", markdown_path="", csv_path="", created=True,
                                  added=[it.id for it in fresh.items if it.kind == "finding"])
        else:
            merged, upd = merge_checklists(old, fresh)
        bak = _save(path, merged, raw)
    return upd.model_copy(update={"path": str(path), "markdown_path": str(md_path), "csv_path": str(csv_path),
                                  "backup_path": str(bak) if bak else None})


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


def dismissed_fingerprints(dir_or_dirs: Path | str | Iterable[Path | str]) -> dict[str, set[str]]:
    """Per article id, the fingerprints of findings whose current decision is ``dismissed``."""
    out: dict[str, set[str]] = {}
    for p in _checklist_files(dir_or_dirs):
        cl = load_checklist(p)
        fps = {it.fingerprint for it in [*cl.items, *cl.resolved] if it.fingerprint and it.decision == "dismissed"}
        out.setdefault(cl.article_id, set()).update(fps)
    return out


# --------------------------------------------------------------------------- status and exports

def _checklist_files(dir_or_dirs: Path | str | Iterable[Path | str]) -> list[Path]:
    if isinstance(dir_or_dirs, (str, os.PathLike)):
        dir_or_dirs = [dir_or_dirs]
    out: list[Path] = []
    for d in dir_or_dirs:
        p = Path(d)
        if p.is_file():
            out.append(p)
        elif p.is_dir():
            out.extend(sorted(p.glob(f"*{SUFFIX}")))
        else:
            raise ChecklistError(f"{p}: no such file or directory", p)
    return out


def find_checklist(checklist_dir: Path | str, article: str) -> Path | None:
    """The checklist in ``checklist_dir`` for an article id, source path or file stem."""
    d = Path(checklist_dir)
    direct = checklist_path(d, article)
    if direct.exists():
        return direct
    stem = Path(article).name
    for suffix in (".txt", ".md", ".pdf", ".markdown", ".text", ".nxml", ".xml"):
        stem = stem.removesuffix(suffix)
    cand = checklist_path(d, stem)
    if cand.exists():
        return cand
    if d.is_dir():
        for p in sorted(d.glob(f"*{SUFFIX}")):
            with contextlib.suppress(ChecklistError):
                cl = load_checklist(p)
                if cl.article_id in (article, stem) or (cl.source and (
                        cl.source == article or Path(cl.source).resolve() == Path(article).resolve())):
                    return p
    return None


def status(dir_or_dirs: Path | str | Iterable[Path | str]) -> list[ChecklistStatus]:
    """Review progress per checklist; an invalid file is reported with its error."""
    out: list[ChecklistStatus] = []
    for p in _checklist_files(dir_or_dirs):
        try:
            cl = load_checklist(p)
        except ChecklistError as e:
            out.append(ChecklistStatus(article_id=p.name.removesuffix(SUFFIX), path=str(p), error=str(e)))
            continue
        c = {d: sum(1 for it in cl.items if it.decision == d) for d in DECISIONS}
        votes = {it.id: reviewer_votes(it) for it in cl.items}
        reviewers = sorted({r for v in votes.values() for r in v})
        multi = {i: v for i, v in votes.items() if len(v) >= 2}
        out.append(ChecklistStatus(
            reviewers=reviewers, double_reviewed=len(multi),
            agreed=sum(1 for v in multi.values() if len(set(v.values())) == 1),
            needs_consensus=[i for i, v in multi.items() if len(set(v.values())) > 1],
            article_id=cl.article_id, path=str(p), items=len(cl.items), reviewed=len(cl.items) - c["unreviewed"],
            confirmed=c["confirmed"], dismissed=c["dismissed"], query_authors=c["query-authors"],
            unreviewed=c["unreviewed"], resolved=len(cl.resolved),
            needs_recheck=sum(1 for it in cl.items if it.needs_recheck)))
    return out


CSV_COLUMNS = ["article_id", "item_id", "kind", "state", "title", "code", "severity", "family", "decision",
               "reviewer", "decided_at", "note", "tool_assessment", "needs_recheck", "first_seen", "resolved_on",
               "location", "quote", "fingerprint"]
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else ""
    if isinstance(v, datetime):
        return v.isoformat()
    s = str(v)
    return "'" + s if s.startswith(_FORMULA) else s  # keep spreadsheets from running article text as a formula


def _rows(cl: Checklist) -> list[list[str]]:
    rows = []
    for state, items in (("open", cl.items), ("resolved", cl.resolved)):
        for it in items:
            ev = it.evidence[0] if it.evidence else None
            rows.append([_cell(x) for x in (
                cl.article_id, it.id, it.kind, state, it.title, it.code, it.severity, it.family, it.decision,
                it.reviewer, it.decided_at, it.note, it.tool_assessment, it.needs_recheck, it.first_seen,
                it.resolved_on, ev.where if ev else None, ev.quote if ev else None, it.fingerprint)])
    return rows


def _csv_bytes(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")  # BOM: spreadsheets then read UTF-8 correctly


def export_decisions_csv(dirs: Path | str | Iterable[Path | str], out_csv: Path | str) -> int:
    """All items of all checklists under ``dirs`` as one CSV; returns the number of rows.

    Raises :class:`ChecklistError` if any checklist is invalid (its decisions
    would otherwise be missing from the export without notice).
    """
    rows: list[list[str]] = []
    for p in _checklist_files(dirs):
        rows.extend(_rows(load_checklist(p)))
    out = Path(out_csv)
    try:
        atomic_write(out, _csv_bytes(rows))
    except OSError as e:
        raise ChecklistError(f"{out}: cannot write: {e.strerror or e}", out) from None
    return len(rows)


# --------------------------------------------------------------------------- Markdown view

_BOX = {"unreviewed": "[ ]", "confirmed": "[x]", "dismissed": "[x]", "query-authors": "[?]"}


def render_checklist_markdown(cl: Checklist, yaml_name: str = "") -> str:
    def line(text: str | None, start: bool = False) -> str:
        return md_escape(" ".join((text or "").split()), line_start=start)

    c = {d: sum(1 for it in cl.items if it.decision == d) for d in DECISIONS}
    out = [f"# Audit checklist: {line(cl.title or cl.article_id).replace('#', chr(92) + '#')}", "",
           f"Article `{cl.article_id.replace('`', '')}`, source {line(cl.source)}; {line(cl.tool)}; "
           f"updated {cl.updated_at.isoformat() if cl.updated_at else 'n/a'}.", "",
           f"*Generated from {line(yaml_name) or 'the checklist YAML'}: edit the YAML, not this file.*", "",
           f"**Progress:** {len(cl.items) - c['unreviewed']} of {len(cl.items)} reviewed "
           f"({c['confirmed']} confirmed, {c['dismissed']} dismissed, {c['query-authors']} query authors, "
           f"{c['unreviewed']} unreviewed); {len(cl.resolved)} resolved.", ""]

    def render(it: ChecklistItem, resolved: bool = False) -> None:
        head = f"### {_BOX[it.decision]} {it.id}: {line(it.title)}"
        if it.kind == "finding":
            head += f" ({it.severity}, `{(it.code or '').replace('`', '')}`)"
        out.extend([head, ""])
        out.append(f"- **Decision:** {it.decision}" + (f" by {line(it.reviewer)}" if it.reviewer else "")
                   + (f" on {it.decided_at.date().isoformat()}" if it.decided_at else ""))
        if it.needs_recheck:
            out.append("- **Re-check:** the tool's assessment changed after this decision")
        if it.note:
            out.append(f"- **Note:** {line(it.note)}")
        if it.kind == "standard":
            out.append(f"- **Tool:** {line(it.tool_assessment)}")
            if it.guidance:
                out.append(f"- **Check:** {line(it.guidance)}")
            for k, v in it.facts.items():
                out.append(f"- **{line(k)}:** {line(str(v))}")
            if it.related:
                out.append(f"- **Findings:** {', '.join(it.related)}")
        else:
            out.append(f"- **Finding:** {line(it.message)}")
            if it.observed is not None or it.expected is not None:
                out.append(f"- **Reported / expected:** {line(it.observed) or '-'} / {line(it.expected) or '-'}")
            if it.computation:
                out.append(f"- **How computed:** {line(it.computation)}")
            if resolved and it.resolved_on:
                out.append(f"- **No longer reported since:** {it.resolved_on.isoformat()}")
        if it.kind == "finding":
            for ev in it.evidence:
                out.append(f"- *{line(ev.where) or 'location unspecified'}:*")
                out.append("")
                out.append("  > " + line(ev.quote, start=True))
                out.append("")
        if out[-1] != "":
            out.append("")

    std = [it for it in cl.items if it.kind == "standard"]
    fnd = [it for it in cl.items if it.kind == "finding"]
    out += ["## Standard checks", ""]
    for it in std:
        render(it)
    out += ["## Findings", ""]
    if not fnd:
        out += ["No findings.", ""]
    for it in fnd:
        render(it)
    if cl.resolved:
        out += ["## Resolved (no longer reported; decisions kept)", ""]
        for it in cl.resolved:
            render(it, resolved=True)
    return "\n".join(out).rstrip() + "\n"
