"""Assembling the Document: parse the rendering, then let the XML replace the guesses (tables, kinds, references)."""
from __future__ import annotations

import re
from pathlib import Path


from trialaudit.schemas.document import (Cell, Document, Table, TableRow)
from trialaudit.schemas.provenance import Span

from ..normalize import normalize_inline
from ..text import assign_groups, combine_headers, parse_text, strip_cell_markers
from ..tracked import Tracked
from .render import _Renderer
from .safe import JatsError, MAX_XML_BYTES, parse_xml_bytes
from .xmltools import _Grid, _TablePlan


# --------------------------------------------------------------------------- document assembly

def render_jats(root) -> tuple[str, _Renderer]:
    r = _Renderer(root)
    text = r.render()
    return text, r


def parse_jats(data: bytes, *, doc_id: str, source: str, name: str = "file") -> Document:
    root = parse_xml_bytes(data, name)
    text, r = render_jats(root)
    if not re.search(r"[A-Za-z]{3,}", text):
        raise JatsError(f"{name}: the JATS article has no readable text")
    doc = parse_text(text, doc_id=doc_id, source=source, fmt="jats")
    doc.meta = r.meta
    doc.xml_paths = r.w.paths
    if r.title:
        doc.title = r.title
    _apply_section_kinds(doc, r)
    _replace_tables(doc, r)
    _apply_reference_fields(doc, r)
    for w in r.warnings:
        if w not in doc.warnings:
            doc.warnings.append(w)
    return doc


def read_jats(path: str | Path, *, doc_id: str | None = None) -> Document:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_XML_BYTES:
            raise JatsError(f"{p.name}: {size} bytes is larger than the {MAX_XML_BYTES}-byte limit for XML articles")
        data = p.read_bytes()
    except OSError as exc:
        raise JatsError(f"{p.name}: cannot read ({exc.strerror or exc})") from exc
    return parse_jats(data, doc_id=doc_id or p.stem, source=str(p), name=p.name)


def _apply_section_kinds(doc: Document, r: _Renderer) -> None:
    """sec-type (and back-matter placement) decides a section's kind where its title does not."""
    from ..text import section_kind_of

    intended = dict(r.section_kinds)
    changed: dict[str, str] = {}
    for sec in doc.sections:
        # the heading's own offset: sections start at their heading line
        k = intended.get(sec.span.char_start)
        if k is None or k == sec.kind or section_kind_of(sec.title):
            continue
        if sec.kind in ("front", "abstract", "keywords", "references") and k != "declarations":
            continue
        if k == "other" and sec.kind != "abstract":
            continue
        sec.kind = k  # type: ignore[assignment]
        changed[sec.id] = k
    if not changed:
        return
    for p in doc.paragraphs:
        if p.section in changed and p.section_kind != "figure":
            p.section_kind = changed[p.section]  # type: ignore[assignment]
    for s in doc.sentences:
        if s.section in changed and s.section_kind != "figure":
            s.section_kind = changed[s.section]  # type: ignore[assignment]


def _span(doc: Document, a: int, b: int) -> Span:
    b = max(a, b)
    l0 = doc.line_of(a)
    l1 = doc.line_of(max(a, b - 1))
    return Span(line=l0, line_end=l1 if l1 != l0 else None, char_start=a, char_end=b)


def _replace_tables(doc: Document, r: _Renderer) -> None:
    """Tables built from the XML grid replace the parser's reading of their pipe rendering."""
    if not r.tables:
        return
    built: list[Table] = []
    ranges: list[tuple[int, int]] = []
    for k, plan in enumerate(r.tables, start=1):
        t = _build_table(doc, plan, k)
        if t is not None:
            built.append(t)
            ranges.append(plan.range)

    def inside(a: int, b: int) -> bool:
        return any(x <= a and b <= y + 1 for x, y in ranges)

    keep = [t for t in doc.tables if not any(not (t.span.char_end <= x or t.span.char_start > y) for x, y in ranges)]
    # section of each table: the section its caption sits in
    for t in built:
        before = [s for s in doc.sections if s.span.char_start <= t.span.char_start]
        sec = max(before, key=lambda s: s.span.char_start) if before else None
        t.section = sec.id if sec else None
    doc.tables = sorted(keep + built, key=lambda t: t.span.char_start)
    # the caption, rows and notes of a table are not prose
    drop_pars = {p.id for p in doc.paragraphs if inside(p.span.char_start, p.span.char_end)}
    if drop_pars:
        drop_sents = {s.id for s in doc.sentences if s.paragraph in drop_pars}
        doc.paragraphs = [p for p in doc.paragraphs if p.id not in drop_pars]
        doc.sentences = [s for s in doc.sentences if s.id not in drop_sents]
        doc.citations = [c for c in doc.citations if c.sentence not in drop_sents]


def _norm_cell(raw: str, start: int) -> tuple[str, list[str]]:
    norm = normalize_inline(Tracked.from_source(raw, start), in_table=True)
    text, markers = strip_cell_markers(norm.tracked.text)
    return text, [m.text.strip("<>/sup^{}") for m in norm.markers] + markers


def _build_table(doc: Document, plan: _TablePlan, k: int) -> Table | None:
    g = plan.grid
    if g is None or not g.rows:
        return None
    rows: list[TableRow] = []
    for ri, row in enumerate(g.rows):
        cells: list[Cell] = []
        last_end = None
        for ci in range(g.width):
            rng = plan.cell_ranges[ri][ci] if ci < len(plan.cell_ranges[ri]) else None
            if rng is not None:
                a, b = rng
                raw = doc.text[a:b]
                text, markers = _norm_cell(raw, a)
                colspan = 1
                cells.append(Cell(text=text, raw=raw, span=_span(doc, a, b), markers=markers, colspan=colspan))
                last_end = b
            else:
                at = last_end if last_end is not None else _row_start(plan, ri)
                cells.append(Cell(text="", raw="", span=_span(doc, at, at)))
        a = min(c.span.char_start for c in cells)
        b = max(c.span.char_end for c in cells)
        rows.append(TableRow(index=ri, cells=cells, span=_span(doc, a, b), kind="header" if ri < g.header else "body"))
    header_rows = rows[:g.header]
    body = rows[g.header:]
    for r_ in body:
        if r_.cells and r_.cells[0].text and not any(c.text for c in r_.cells[1:]) and g.width > 1:
            r_.kind = "group"
    columns = _columns(g, header_rows) if header_rows else [""] * g.width
    if header_rows and not any(columns):
        columns = combine_headers([r_.cells for r_ in header_rows], g.width)
    foot = []
    for f in plan.footnotes:
        for part in _split_footnote(f):
            t = normalize_inline(Tracked.from_source(part, 0), in_table=True).tracked.text
            if t:
                foot.append(t)
    label = plan.label or f"Unlabelled table {k}"
    cap_text = normalize_inline(Tracked.from_source(plan.caption, 0)).tracked.text if plan.caption else ""
    number = plan.number
    tid = f"t{number}" if number else "tx" + re.sub(r"[^A-Za-z0-9]+", "-", plan.wrap_id).strip("-")
    t = Table(id=tid, label=label, number=number, caption=cap_text,
              caption_span=_span(doc, *plan.caption_range) if plan.caption_range else None,
              header_rows=header_rows, rows=body, columns=columns, footnotes=foot,
              span=_span(doc, plan.range[0], plan.range[1]), source_format="jats")
    assign_groups(t)
    return t


_RE_SUP_LABEL = re.compile(r"<sup>\s*([^<\s]{1,4})\s*</sup>\s*")


def _split_footnote(f: str) -> list[str]:
    """'<sup>a</sup>Chi-square; <sup>b</sup>t test' -> ['a Chi-square;', 'b t test'] (labels kept as text)."""
    cuts = [0]
    for m in _RE_SUP_LABEL.finditer(f):
        before = f[:m.start()].rstrip()
        if m.start() > 0 and before and before[-1] in ".;,":
            cuts.append(m.start())
    parts = [f[a:b].strip() for a, b in zip(cuts, cuts[1:] + [len(f)])]
    out = []
    for p in parts:
        p = _RE_SUP_LABEL.sub(lambda m: m.group(1) + " ", p, count=1) if p.startswith("<sup>") else p
        if p:
            out.append(p)
    return out


def _row_start(plan: _TablePlan, ri: int) -> int:
    for rng in plan.cell_ranges[ri]:
        if rng is not None:
            return rng[0]
    return plan.range[0]


def _columns(g: _Grid, header_rows: list[TableRow]) -> list[str]:
    """One label per column: the texts of all header cells covering it, top to bottom."""
    cols = []
    for c in range(g.width):
        parts: list[str] = []
        for r in range(g.header):
            entry = g.rows[r][c] if c < len(g.rows[r]) else None
            if entry is None:
                continue
            orow, ocol = entry[2]
            if orow >= len(header_rows) or ocol >= len(header_rows[orow].cells):
                continue
            t = header_rows[orow].cells[ocol].text
            if t and t not in parts:
                parts.append(t)
        cols.append(" / ".join(parts))
    return cols


def _apply_reference_fields(doc: Document, r: _Renderer) -> None:
    for ref in doc.references:
        f = r.ref_fields.get(ref.number or -1)
        if not f:
            continue
        if f.get("authors"):
            ref.authors = f["authors"][:40]
        if f.get("title"):
            ref.title = f["title"]
        if f.get("journal"):
            ref.journal = f["journal"]
        if f.get("year"):
            ref.year = f["year"]
