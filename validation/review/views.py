"""What a checklist looks like to a person: the Markdown view and the CSV rows."""
from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any


from trialaudit.schemas.checklist import (DECISIONS, Checklist, ChecklistItem)

from ..report import md_escape


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

