"""What the reader saw on one page (``trialaudit dump --stage layout --page N``).

Words (text, box, size, font), visual lines, columns (gutters), ruled-box and caption
candidates, the tables the reader built and the text blocks it emitted, with the layout
settings in force: everything needed to see why a page was read the way it was, and which
:class:`~trialaudit.extractor.pdf.settings.LayoutSettings` field to tune.
"""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from .captions import _caption_candidates
from .reader import _open_pdf, _read_page
from .settings import PdfIngestError, PdfOptions, using
from .structure import _layout
from .words import _line_text, _wbox


def _box(b) -> list[float]:
    return [round(float(v), 1) for v in b]


def layout_dump(path: str | Path, page: int = 1, options: PdfOptions | None = None) -> dict[str, Any]:
    """The layout analysis of page ``page`` (1-based) of a PDF, as plain data."""
    options = options or PdfOptions()
    path = Path(path)
    pdf, npages = _open_pdf(path, options)
    try:
        if not 1 <= page <= npages:
            raise PdfIngestError(f"{path.name}: no page {page} (the PDF has {npages})")
        stats: dict[str, list[int]] = {"rotated": [], "unread": []}
        with using(options.layout):
            pc = _read_page(pdf.pages[page - 1], page, options.layout, stats)
            words = [{"text": w.t, "bbox": _box((w.x0, w.top, w.x1, w.bottom)), "size": round(w.size, 2),
                      "font": w.font} for w in pc.words]
            tol = pc.words[0].tol if pc.words else None
            lines = [{"text": _line_text(L), "bbox": _box(_wbox(L))} for L in pc.lines()]
            gutters = [_box(g) for g in pc.gutters]
            caps = [{"text": " ".join(w.t for w in f.words)[:120], "bbox": _box((f.x0, f.top, f.x1, f.bottom))}
                    for f, _ in _caption_candidates(pc, pc.gutters)]
            ruled = [{"bbox": _box(b), "rows": len(rows), "cols": max((len(r) for r in rows), default=0)}
                     for b, rows in pc.ruled]
            warnings: list[str] = []
            text, geoms, info = _layout([pc], warnings) if pc.words else ("", [], {})
        tables = [{"caption": t.caption, "kind": t.kind, "bbox": _box(t.bbox), "cols": t.ncols,
                   "rows": len(t.rows), "first_rows": [r.cells for r in t.rows[:3]],
                   "footnotes": [f[0] for f in t.footnotes]} for t in pc.tables]
        blocks: list[dict[str, Any]] = []
        cur: list[tuple[str, Any]] = []
        for s, g in list(zip(text.split("\n"), geoms)) + [("", None)]:
            if s == "" and cur:
                blocks.append({"bbox": _box(_union_boxes([b for _, (_, b) in cur if b])),
                               "lines": len(cur), "text": " ".join(t for t, _ in cur)[:300]})
                cur = []
            elif s:
                cur.append((s, g))
        return {
            "file": path.name, "page": page, "pages": npages,
            "rotated": bool(stats["rotated"]), "angled_text_not_read": bool(stats["unread"]),
            "word_tolerance_ratio": round(tol, 3) if tol is not None else None,
            "settings": asdict(options.layout),
            "columns": len(gutters) + 1 if words else 0, "gutters": gutters,
            "ruled_boxes": ruled, "caption_candidates": caps, "tables": tables,
            "blocks": blocks, "lines": lines, "words": words, "warnings": warnings,
        }
    finally:
        pdf.close()


def _union_boxes(boxes) -> tuple[float, float, float, float]:
    boxes = list(boxes) or [(0.0, 0.0, 0.0, 0.0)]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
