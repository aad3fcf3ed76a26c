"""Validation report of a check run: one self-contained HTML page, or Markdown.

The HTML page has everything inline (CSS, JS, SVG charts, the run's data as
JSON) and makes no network request; a Content-Security-Policy forbids any
script but the page's own (by hash), so even a markup slip could not run a
script smuggled in an article. Every string that comes from an article goes
through Jinja2's autoescape; the embedded JSON is escaped for ``<script>``.

The Markdown output is meant to be pasted into a peer review or a query
letter to the authors: numbered findings, their location, the quote as a
blockquote, observed vs expected and the computation, with no raw HTML.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from trialaudit.schemas.document import Document, Table, TableRow
from trialaudit.schemas.findings import SEVERITY_ORDER, ArticleResult, CheckRun, Evidence, Finding
from trialaudit.validation.sanitize import UNSAFE, safe_text

__all__ = ["render_html", "render_markdown", "describe_location", "match_evidence_cells",
           "script_safe_json", "sorted_findings"]

TEMPLATES_DIR = Path(__file__).with_name("templates")
SEVERITIES = ("error", "warning", "info")
EMDASH = "\u2014"


# --------------------------------------------------------------------------- shared helpers

def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings by severity (errors first), keeping the checker's order within a severity."""
    return sorted(findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 9))


def describe_location(ev: Evidence) -> str:
    """``Results, Table 2, row "Observation group", column "CR", line 20, p. 3``."""
    parts: list[str] = []
    if ev.section:
        parts.append(ev.section)
    if ev.table:
        parts.append(ev.table)
    if ev.row:
        parts.append(f'row "{ev.row}"')
    if ev.column:
        parts.append(f'column "{ev.column}"')
    if ev.line is not None:
        if ev.line_end is not None and ev.line_end != ev.line:
            parts.append(f"lines {ev.line}\u2013{ev.line_end}")
        else:
            parts.append(f"line {ev.line}")
    if ev.page is not None:
        parts.append(f"p. {ev.page}")
    return ", ".join(parts)


def script_safe_json(obj: Any) -> str:
    """JSON that can sit inside ``<script>`` without ending it or opening markup."""
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=str)
    # control/bidi characters stay in the data but only as JSON escapes, never raw in the page
    s = UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", s)
    return (s.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


# --------------------------------------------------------------------------- table matching

_MARKER_CHARS = " .:;,*\u2020\u2021\u00a7\u00b6#"
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
_SPLIT = re.compile(r"\s*(?:/|>|\||:|\u2013|\u2014| - )\s*")


def _norm(s: str | None) -> str:
    if not s:
        return ""
    s = unicodedata.normalize("NFKC", s).casefold()
    s = re.sub(r"\s+", " ", s).strip()
    return s.strip(_MARKER_CHARS)


def _strip_paren(s: str) -> str:
    return re.sub(r"\s*[\(\[][^()\[\]]*[\)\]]\s*$", "", s).strip()


def _roman(s: str) -> int | None:
    if not s or any(ch not in _ROMAN for ch in s):
        return None
    total = 0
    for i, ch in enumerate(s):
        v = _ROMAN[ch]
        total += -v if i + 1 < len(s) and _ROMAN[s[i + 1]] > v else v
    return total


def _table_key(s: str | None) -> str:
    n = _norm(s)
    m = re.match(r"(supplementary |supplemental |online )?(?:table|tab\.?)\s*(s?)([0-9]+[a-z]?|[ivxlcdm]+)\b", n)
    if not m:
        return n
    num = m.group(3)
    r = _roman(num)
    return f"table {'s' if (m.group(1) or m.group(2)) else ''}{r if r is not None else num}"


def _table_matches(table: Table, name: str) -> bool:
    key = _table_key(name)
    if not key:
        return False
    keys = {_table_key(table.label), _norm(table.id)}
    if table.number:
        keys.add(_table_key(f"Table {table.number}"))
    return key in keys


def _label_candidates(label: str) -> set[str]:
    n = _norm(label)
    out = {n, _strip_paren(n)}
    parts = [p for p in _SPLIT.split(n) if p]
    if len(parts) > 1:
        out.add(parts[-1])
        out.add(_strip_paren(parts[-1]))
    return {o for o in out if o}


def _match_labels(wanted: str, labels: list[tuple[int, str, str | None]]) -> list[int]:
    """Indices whose label matches ``wanted``: exact, then loosened step by step."""
    w = _norm(wanted)
    if not w:
        return []
    exact = [i for i, lab, grp in labels if _norm(lab) == w
             or (grp and _norm(f"{grp} {lab}") == w)]
    if exact:
        return exact
    wc = _label_candidates(wanted)
    loose = [i for i, lab, grp in labels if lab and (_label_candidates(lab) & wc)]
    if loose:
        return loose
    # unique whole-word containment, either way round
    pat_w = re.compile(rf"(?<!\w){re.escape(w)}(?!\w)")
    cont = [i for i, lab, _ in labels if lab and len(w) >= 2 and
            (pat_w.search(_norm(lab)) or (len(_norm(lab)) >= 3 and re.search(
                rf"(?<!\w){re.escape(_norm(lab))}(?!\w)", w)))]
    return cont if len(cont) == 1 else []


def _row_lines(row: TableRow) -> tuple[int, int]:
    return row.span.line, row.span.line_end or row.span.line


def _cell_columns(row: TableRow) -> list[tuple[int, int]]:
    """(first column, last column) of every cell in ``row``."""
    out, col = [], 0
    for c in row.cells:
        span = max(1, c.colspan)
        out.append((col, col + span - 1))
        col += span
    return out


def match_evidence_cells(table: Table, ev: Evidence) -> list[tuple[str, int, int]]:
    """Cells of ``table`` that ``ev`` points at, as ``(part, row_index, cell_index)``.

    ``part`` is ``"head"`` or ``"body"``; indices are list positions in
    ``table.header_rows`` / ``table.rows``. Matching is tolerant: table
    labels compare by number ("TABLE II" is "Table 2"), row and column labels
    after normalising case, width and whitespace, footnote markers and
    trailing parentheses; then by character span, then by line number
    within the table.
    """
    if ev.table and not _table_matches(table, ev.table):
        return []
    all_rows = [("head", i, r) for i, r in enumerate(table.header_rows)] + \
               [("body", i, r) for i, r in enumerate(table.rows)]

    def row_of(part: str, ri: int) -> TableRow:
        return (table.header_rows if part == "head" else table.rows)[ri]

    col_idx = _match_labels(ev.column, [(j, lab, None) for j, lab in enumerate(table.columns)]) if ev.column else []
    q = _norm(ev.quote)

    def narrow(hits: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
        """Of several cells, those in the evidence's column, then those whose text is the quote."""
        if len(hits) > 1 and col_idx:
            by_col = [(p, r, c) for p, r, c in hits
                      if any(a <= j <= b for j in col_idx for a, b in [_cell_columns(row_of(p, r))[c]])]
            hits = by_col or hits
        if len(hits) > 1 and q:
            by_text = [(p, r, c) for p, r, c in hits if _norm(row_of(p, r).cells[c].text) == q]
            hits = by_text or hits
        return hits

    # 1. character span overlap: the most precise
    if ev.char_start is not None and ev.char_end is not None and \
            table.span.char_start <= ev.char_start < max(table.span.char_end, ev.char_start + 1):
        hits = [(part, ri, ci) for part, ri, row in all_rows for ci, c in enumerate(row.cells)
                if c.span.char_start < ev.char_end and ev.char_start < c.span.char_end]
        if hits:
            return narrow(hits)

    def cells_for(part: str, ri: int, row: TableRow) -> list[tuple[str, int, int]]:
        spans = _cell_columns(row)
        if ev.column:
            hit = [(part, ri, ci) for ci, (a, b) in enumerate(spans) if any(a <= j <= b for j in col_idx)]
            if hit:
                return hit
        if q:
            exact = [(part, ri, ci) for ci, c in enumerate(row.cells) if _norm(c.text) == q or _norm(c.raw) == q]
            if exact:
                return exact
        return [(part, ri, ci) for ci in range(len(row.cells))]

    # 2. row and column labels
    if ev.row:
        for part, rows_of_part in (("body", table.rows), ("head", table.header_rows)):
            rows = _match_labels(ev.row, [(i, r.label, r.group) for i, r in enumerate(rows_of_part)])
            if len(rows) > 1 and ev.line is not None:
                narrowed = [i for i in rows
                            if _row_lines(rows_of_part[i])[0] <= ev.line <= _row_lines(rows_of_part[i])[1]]
                rows = narrowed or rows
            if rows:
                return [hit for i in rows for hit in cells_for(part, i, rows_of_part[i])]

    # 3. line number within the table's span
    if ev.line is not None:
        t0, t1 = table.span.line, table.span.line_end or table.span.line
        last = ev.line_end or ev.line
        if t0 <= last and ev.line <= t1:
            hits = []
            for part, ri, row in all_rows:
                r0, r1 = _row_lines(row)
                if r0 <= last and ev.line <= r1:
                    hits.extend(cells_for(part, ri, row))
            return hits
    return []


# --------------------------------------------------------------------------- view model

@dataclass
class CellView:
    text: str
    colspan: int = 1
    anchor: str | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)  # {anchor, number, severity}
    severity: str | None = None  # worst severity among findings


@dataclass
class TableView:
    anchor: str
    label: str
    caption: str
    head: list[list[CellView]]
    body: list[tuple[str, list[CellView]]]  # (row kind, cells)
    footnotes: list[str]
    involved: bool = False


@dataclass
class EvidenceView:
    quote: str
    location: str
    role: str | None
    cells: list[dict[str, str]] = field(default_factory=list)  # {anchor, label}
    # the quote split around the flagged number (mark is empty when it cannot be placed)
    pre: str = ""
    mark: str = ""
    post: str = ""


@dataclass
class FindingView:
    anchor: str
    number: int
    f: Finding
    evidence: list[EvidenceView]
    details: list[tuple[str, str]]


@dataclass
class ArticleView:
    anchor: str
    r: ArticleResult
    counts: dict[str, int]
    families: list[tuple[str, int]]
    findings: list[FindingView]
    tables: list[TableView]
    bars: list[dict[str, Any]]
    coverage: list[dict[str, Any]] = field(default_factory=list)  # {kind, label, checked, inconsistent}


def split_quote(ev: Evidence, doc: Document | None) -> tuple[str, str, str]:
    """(before, flagged, after): the flagged number inside the quote, from the evidence's character span.

    The span points into the document text; the quote is the verbatim sentence,
    row or cell around it. When the span cannot be placed unambiguously inside
    the quote, nothing is marked.
    """
    q = ev.quote or ""
    if doc is None or ev.char_start is None or ev.char_end is None or not q:
        return q, "", ""
    text = doc.text or ""
    cs, ce = ev.char_start, ev.char_end
    if not (0 <= cs < ce <= len(text)):
        return q, "", ""
    target = text[cs:ce]
    if not target.strip() or len(target) >= len(q):
        return q, "", ""
    # the quote's own place in the document: the occurrence that contains the span
    lo = max(0, ce - len(q))
    qs = text.find(q, lo, cs + len(q))
    if qs != -1 and qs <= cs and ce <= qs + len(q):
        a, b = cs - qs, ce - qs
    else:
        hits = [m.start() for m in re.finditer(re.escape(target.strip()), q)]
        if len(hits) != 1:
            return q, "", ""
        a, b = hits[0], hits[0] + len(target.strip())
    return q[:a], q[a:b], q[b:]


def _details_text(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, (list, tuple)):
        return ", ".join(_details_text(x) for x in v) if v else "none"
    if isinstance(v, dict):
        return "; ".join(f"{k.replace('_', ' ')}: {_details_text(x)}" for k, x in v.items()) if v else "none"
    if isinstance(v, bool):
        return "yes" if v else "no"
    return "none" if v is None else str(v)


def readable_details(details: dict[str, Any]) -> list[tuple[str, str]]:
    """A finding's machine details as (label, text) pairs a reviewer can read."""
    return [(k.replace("_", " ").capitalize(), _details_text(v)) for k, v in details.items()]


def coverage_rows(cov: Any) -> list[dict[str, Any]]:
    from trialaudit.schemas.findings import COVERAGE_KINDS

    if cov is None:
        return []
    rows = []
    for kind, label in COVERAGE_KINDS.items():
        c = cov.checked.get(kind)
        rows.append({"kind": kind, "label": label, "checked": c.checked if c else 0,
                     "inconsistent": c.inconsistent if c else 0})
    return rows


def _table_view(table: Table, anchor: str) -> TableView:
    def cells(row: TableRow) -> list[CellView]:
        return [CellView(text=c.text or c.raw, colspan=max(1, c.colspan)) for c in row.cells]

    head = [cells(r) for r in table.header_rows]
    if not head and table.columns:
        head = [[CellView(text=c) for c in table.columns]]
    body = [(r.kind, cells(r)) for r in table.rows]
    return TableView(anchor=anchor, label=table.label, caption=table.caption, head=head, body=body,
                     footnotes=list(table.footnotes))


def _bars(counts: dict[str, int]) -> list[dict[str, Any]]:
    top = max([1, *counts.values()])
    return [{"severity": s, "count": counts[s], "width": round(120 * counts[s] / top) if counts[s] else 0,
             "y": i * 14} for i, s in enumerate(SEVERITIES)]


def _article_view(ai: int, r: ArticleResult, doc: Document | None) -> ArticleView:
    anchor = f"art-{ai}"
    counts = {s: 0 for s in SEVERITIES}
    fams: dict[str, int] = {}
    for f in r.findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
        fams[f.family] = fams.get(f.family, 0) + 1

    tables: list[TableView] = []
    if doc is not None:
        tables = [_table_view(t, f"{anchor}-t{ti}") for ti, t in enumerate(doc.tables)]

    fviews: list[FindingView] = []
    for n, f in enumerate(sorted_findings(r.findings), start=1):
        fanchor = f"{anchor}-f{n}"
        evs: list[EvidenceView] = []
        for ev in f.evidence:
            pre, mark, post = split_quote(ev, doc)
            ev_view = EvidenceView(quote=ev.quote, location=describe_location(ev), role=ev.role,
                                   pre=pre, mark=mark, post=post)
            if doc is not None:
                for ti, t in enumerate(doc.tables):
                    tv = tables[ti]
                    for part, ri, ci in match_evidence_cells(t, ev):
                        cell = tv.head[ri][ci] if part == "head" else tv.body[ri][1][ci]
                        cell.anchor = cell.anchor or f"{tv.anchor}-{part[0]}{ri}-c{ci}"
                        if not any(x["anchor"] == fanchor for x in cell.findings):
                            cell.findings.append({"anchor": fanchor, "number": n, "severity": f.severity})
                        if cell.severity is None or SEVERITY_ORDER[f.severity] < SEVERITY_ORDER[cell.severity]:
                            cell.severity = f.severity
                        tv.involved = True
                        row_label = (t.header_rows[ri] if part == "head" else t.rows[ri]).label
                        col = t.column_label(_cell_columns((t.header_rows if part == "head" else t.rows)[ri])[ci][0])
                        label = f"{t.label}: {row_label or 'row ' + str(ri + 1)}" + (f" / {col}" if col and ci else "")
                        if not any(c["anchor"] == cell.anchor for c in ev_view.cells):
                            ev_view.cells.append({"anchor": cell.anchor, "label": label})
            evs.append(ev_view)
        details = readable_details(f.details) if f.details else []
        fviews.append(FindingView(anchor=fanchor, number=n, f=f, evidence=evs, details=details))

    return ArticleView(anchor=anchor, r=r, counts=counts, families=sorted(fams.items(), key=lambda kv: (-kv[1], kv[0])),
                       findings=fviews, tables=tables, bars=_bars(counts), coverage=coverage_rows(r.coverage))


# --------------------------------------------------------------------------- HTML

@lru_cache(maxsize=1)
def _env() -> Environment:
    # every printed value passes safe_text first: control and bidi characters of an article are shown,
    # never obeyed (a quote cannot display reordered), then autoescape escapes the HTML
    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      finalize=lambda v: safe_text(v) if isinstance(v, str) and not isinstance(v, Markup) else v)
    return env


def _static(name: str) -> str:
    text = (TEMPLATES_DIR / name).read_text(encoding="utf-8")
    if re.search(r"</(script|style)", text, re.I):
        raise ValueError(f"{name} must not contain a closing script/style tag")
    return text


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def render_html(run: CheckRun, documents: dict[str, Document] | None = None) -> str:
    """The whole batch as one self-contained HTML page."""
    documents = documents or {}
    articles = [_article_view(i, r, documents.get(r.id)) for i, r in enumerate(run.articles)]
    totals = {s: sum(a.counts[s] for a in articles) for s in SEVERITIES}
    codes: dict[str, str] = {}
    for r in run.articles:
        for f in r.findings:
            codes.setdefault(f.code, f.name)
    script = _static("report.js")
    style = _static("report.css")
    # identifies this batch in the browser's storage: decisions survive reloads of the same report
    report_key = hashlib.sha1("\n".join(f"{r.id}:{f.fingerprint}" for r in run.articles for f in r.findings)
                              .encode("utf-8")).hexdigest()[:16]
    # Markup() only wraps our own static files and JSON escaped for <script>; no article text.
    return _env().get_template("report.html.j2").render(
        run=run, articles=articles, totals=totals, total_findings=sum(totals.values()),
        codes=sorted(codes.items()), severities=SEVERITIES, report_key=report_key,
        total_coverage=coverage_rows(run.total_coverage()) if any(r.coverage for r in run.articles) else [],
        script=Markup(script), style=Markup(style),
        csp=f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src {_csp_hash(script)}; "
            "base-uri 'none'; form-action 'none'",
        data_json=Markup(script_safe_json(run.model_dump(mode="json"))),
    )


# --------------------------------------------------------------------------- Markdown

_MD_INLINE = re.compile(r"([\\`*_\[\]<>~])")
_MD_LINE_START = re.compile(r"^(\s*)([#+\-=>]|\d+[.)])", re.M)


def md_escape(text: str | None, line_start: bool = False) -> str:
    """Escape what Markdown would read as markup: emphasis, links, HTML, code, strikethrough.

    ``|`` is escaped only in multi-line text (a table needs a delimiter row
    below its header); ``line_start`` also escapes what would open a heading,
    list or blockquote at the start of a line.
    """
    if not text:
        return ""
    s = _MD_INLINE.sub(r"\\\1", safe_text(text))
    s = re.sub(r"&(?=#?\w+;)", r"\\&", s)
    if "\n" in s:
        s = s.replace("|", "\\|")
    if line_start or "\n" in s:
        s = _MD_LINE_START.sub(_escape_line_start, s)
    return s


def _escape_line_start(m: re.Match[str]) -> str:
    lead, tok = m.group(1), m.group(2)
    if tok[0].isdigit():  # "1." would start a numbered list
        return lead + tok[:-1] + "\\" + tok[-1]
    return lead + "\\" + tok


def _md_quote(text: str) -> str:
    lines = [md_escape(ln, line_start=True) for ln in text.splitlines()] or [""]
    if len(lines) > 1:  # several lines could form a table
        lines = [ln.replace("|", "\\|") for ln in lines]
    return "\n".join(f"> {ln}" if ln.strip() else ">" for ln in lines)


def _md_oneline(text: str | None, line_start: bool = False) -> str:
    return md_escape(re.sub(r"\s*\n\s*", " ", text or "").strip(), line_start=line_start)


def _count_label(n: int, severity: str) -> str:
    return f"{n} {severity}" + ("s" if n != 1 and severity != "info" else "")


def render_markdown(run: CheckRun, documents: dict[str, Document] | None = None) -> str:
    """The batch as Markdown for a peer review or an author query letter."""
    out: list[str] = [f"# Internal-consistency review ({_md_oneline(run.tool.name)} {_md_oneline(run.tool.version)})", ""]
    n_find = sum(len(r.findings) for r in run.articles)
    out += [f"{len(run.articles)} article(s), {n_find} finding(s).", ""]
    for r in run.articles:
        title = r.title or r.id
        heading = _md_oneline(title).replace("#", "\\#")
        out += [f"## {heading}", ""]
        out.append(f"Article `{r.id.replace('`', '')}` \u2014 source: {_md_oneline(r.source)}")
        out.append("")
        for w in r.warnings:
            out += [f"**Reader warning**: {_md_oneline(w)}", ""]
        if r.status == "not_understood":
            out += [f"**Nothing understood**: {_md_oneline(r.error)}", ""]
        elif r.status != "ok":
            out += [f"**Not checked** ({r.status}): {_md_oneline(r.error)}", ""]
            continue
        if r.coverage is not None:
            rows = coverage_rows(r.coverage)
            out += ["Checked: " + "; ".join(f"{c['checked']} {c['label']}" + (f" ({c['inconsistent']} inconsistent)"
                                                                               if c["inconsistent"] else "")
                                            for c in rows), ""]
        counts = {s: sum(1 for f in r.findings if f.severity == s) for s in SEVERITIES}
        if not r.findings:
            out += ["No internal inconsistencies were found.", ""]
            continue
        out += [", ".join(_count_label(counts[s], s) for s in SEVERITIES), ""]
        for n, f in enumerate(sorted_findings(r.findings), start=1):
            out.append(f"### {n}. {_md_oneline(f.name)} ({f.severity}, `{f.code.replace('`', '')}`)")
            out.append("")
            out.append(_md_oneline(f.message, line_start=True))
            out.append("")
            for ev in f.evidence:
                loc = describe_location(ev)
                role = f" ({_md_oneline(ev.role)})" if ev.role else ""
                out.append(f"*Location:* {_md_oneline(loc) or 'unspecified'}{role}")
                out.append("")
                out.append(_md_quote(ev.quote))
                out.append("")
            if f.observed is not None or f.expected is not None:
                out.append(f"- *Reported:* {_md_oneline(f.observed) or EMDASH}")
                out.append(f"- *Expected:* {_md_oneline(f.expected) or EMDASH}")
            if f.computation:
                out.append(f"- *How it was computed:* {_md_oneline(f.computation)}")
            if f.rounding:
                out.append(f"- *Rounding:* {_md_oneline(f.rounding)}")
            if f.changes_conclusion is not None:
                out.append(f"- *Changes the conclusion:* {'yes' if f.changes_conclusion else 'no'}")
            if out[-1] != "":
                out.append("")
    return "\n".join(out).rstrip() + "\n"
