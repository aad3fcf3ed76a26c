"""I/O: opening the PDF, extracting words and rules per page, error handling, and the public entry points."""
from __future__ import annotations

import logging
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from trialaudit.schemas.document import Document

from .chars import repair_text, rotate_box, rotate_chars, rotation_of, word_tolerance
from .settings import LayoutSettings, PdfIngestError, PdfOptions, using
from .words import LineGeom, _W, _norm
from .page import _PageCtx
from .structure import _layout


def _open_pdf(path: Path, options: PdfOptions):
    try:
        import pdfplumber
    except ImportError as e:  # pragma: no cover
        raise PdfIngestError("PDF support needs pdfplumber (pip install pdfplumber)") from e
    name = path.name
    if not path.exists():
        raise PdfIngestError(f"{path}: file not found")
    if not path.is_file():
        raise PdfIngestError(f"{path}: not a file")
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(1024)
            fh.seek(max(0, size - 2048))
            tail = fh.read()
    except OSError as e:
        raise PdfIngestError(f"{name}: cannot read file: {e.strerror or e}") from e
    if size == 0:
        raise PdfIngestError(f"{name}: file is empty (0 bytes), not a PDF")
    if b"%PDF-" not in head:
        raise PdfIngestError(f"{name}: not a PDF file (no %PDF- header)")
    if b"%%EOF" not in tail:
        raise PdfIngestError(f"{name}: PDF is truncated or damaged (no %%EOF end-of-file marker)")
    try:
        pdf = pdfplumber.open(path, password=options.password)
        npages = len(pdf.pages)
    except Exception as e:  # pdfminer raises many types; wrap them all
        cause = e.args[0] if e.args and isinstance(e.args[0], BaseException) else e
        cname = type(cause).__name__
        if "Password" in cname or "Encrypt" in cname:
            if options.password:
                raise PdfIngestError(f"{name}: incorrect password for encrypted PDF") from e
            raise PdfIngestError(f"{name}: PDF is encrypted; a password is required (--password)") from e
        raise PdfIngestError(f"{name}: cannot parse PDF (damaged or not a PDF): {cname}: {cause}") from e
    return pdf, npages


def pdf_to_text_layer(path, options: PdfOptions = PdfOptions()) -> tuple[str, list[LineGeom], dict]:
    """Rebuild the text layer of a PDF.

    Returns ``(text, geometry, info)``: the text (lines joined with ``\\n``),
    for each line ``(page, (x0, top, x1, bottom))`` or ``None`` for blank
    lines, and an info dict (``pages``, ``columns`` per page, ``tables``,
    ``headings``, ``removed_lines``, ``warnings``).
    """
    try:
        name = Path(path).name
    except TypeError as e:
        raise PdfIngestError(f"not a file path: {path!r}") from e
    with _CaptureLogs() as logs:
        try:
            with using(options.layout):
                text, geoms, info = _pdf_to_text_layer(Path(path), options)
        except PdfIngestError:
            raise
        except RecursionError as e:
            raise PdfIngestError(f"{name}: PDF structure too deeply nested to read") from e
        except MemoryError as e:
            raise PdfIngestError(f"{name}: PDF too large to read in memory") from e
        except Exception as e:
            raise PdfIngestError(f"{name}: cannot read PDF: {type(e).__name__}: {e}") from e
    for msg in logs.messages:
        info["warnings"].append(f"pdf parser: {msg}")
    return text, geoms, info


class _CaptureLogs:
    """Collect pdfminer's warnings (damaged xref, bad fonts...) instead of printing them."""

    def __init__(self, limit: int = 20):
        self.limit = limit
        self.messages: list[str] = []

    def __enter__(self):
        self.logger = logging.getLogger("pdfminer")
        self.saved = (self.logger.propagate, self.logger.level)
        outer = self

        class _H(logging.Handler):
            def emit(self, record):
                try:
                    msg = record.getMessage()
                except Exception:
                    return
                if msg not in outer.messages and len(outer.messages) < outer.limit:
                    outer.messages.append(msg)

        self.handler = _H(level=logging.WARNING)
        self.logger.addHandler(self.handler)
        self.logger.propagate = False
        if self.logger.level == logging.NOTSET or self.logger.level > logging.WARNING:
            self.logger.setLevel(logging.WARNING)
        return self

    def __exit__(self, *exc):
        self.logger.removeHandler(self.handler)
        self.logger.propagate, level = self.saved
        self.logger.setLevel(level)
        return False


def _pdf_to_text_layer(path: Path, options: PdfOptions):
    t0 = time.perf_counter()
    S = options.layout
    warnings: list[str] = []
    pdf, npages = _open_pdf(path, options)
    try:
        if npages == 0:
            raise PdfIngestError(f"{path.name}: PDF has no pages")
        if npages > options.max_pages:
            raise PdfIngestError(f"{npages} pages exceeds the page limit of {options.max_pages}; raise --max-pages")
        pages: list[_PageCtx] = []
        stats: dict[str, list[int]] = {"rotated": [], "unread": []}
        for k, page in enumerate(pdf.pages, start=1):
            try:
                pc = _read_page(page, k, S, stats)
                pages.append(pc)
            except PdfIngestError:
                raise
            except Exception as e:
                warnings.append(f"page {k} could not be read ({type(e).__name__}: {e}); skipped")
                pages.append(_PageCtx(k, 612.0, 792.0, [], []))
            finally:
                try:
                    page.close()
                except Exception:
                    pass
            if time.perf_counter() - t0 > options.timeout_s:
                raise PdfIngestError(f"time limit of {options.timeout_s:g} s exceeded after page {k}")
    finally:
        try:
            pdf.close()
        except Exception:
            pass
    nwords = sum(len(p.words) for p in pages)
    if nwords == 0:
        if any(w.startswith("page") for w in warnings) and len(warnings) == npages:
            raise PdfIngestError(f"{path.name}: no page could be read; the PDF is damaged")
        raise PdfIngestError("no text layer; OCR is not supported")
    if stats["rotated"]:
        warnings.append("page(s) " + ", ".join(map(str, stats["rotated"])) + " set rotated (landscape); read in their "
                        "own orientation")
    if stats["unread"]:
        warnings.append("text set at an angle not read on page(s) " + ", ".join(map(str, stats["unread"]))
                        + " (vertical margin notes or labels)")
    for pc in pages:
        if not pc.words and not any(w.startswith(f"page {pc.pno} ") for w in warnings):
            warnings.append(f"page {pc.pno} has no text layer (scanned image?); skipped")
    text, geoms, info = _layout(pages, warnings)
    info["elapsed_s"] = round(time.perf_counter() - t0, 3)
    return text, geoms, info


def read_pdf(path, *, doc_id: str | None = None, options: PdfOptions = PdfOptions()) -> "Document":
    """Ingest a PDF into a :class:`~schemas.document.Document` via the text ingester."""
    text, geoms, info = pdf_to_text_layer(path, options)
    p = Path(path)
    try:
        from trialaudit.extractor.text import parse_text
    except ImportError as e:
        raise PdfIngestError("the text ingester (extractor.text.parse_text) is not available") from e
    try:
        doc = parse_text(text, doc_id=doc_id or p.stem, source=str(p), fmt="pdf", line_geometry=geoms)
    except PdfIngestError:
        raise
    except Exception as e:
        raise PdfIngestError(f"{p.name}: text ingestion of the PDF text layer failed: {type(e).__name__}: {e}") from e
    try:
        if getattr(doc, "pages", None) is None:
            doc.pages = info["pages"]
        for w in info["warnings"]:
            if w not in doc.warnings:
                doc.warnings.append(w)
    except Exception:
        pass
    return doc


def _read_page(page, k: int, S: LayoutSettings, stats: dict[str, list[int]]) -> _PageCtx:
    """Words and rules of one page (in the reading frame of its text when the page is set rotated)."""
    from pdfplumber.utils import extract_words

    chars = page.chars
    width, height = float(page.width), float(page.height)
    rot = rotation_of(chars) if S.read_rotated else 0
    if rot:
        use = rotate_chars(chars, rot, width, height)
        unread = len(chars) - len(use)
        stats["rotated"].append(k)
    else:
        use = [c for c in chars if c.get("upright", True)]
        unread = len(chars) - len(use)
    if unread >= 20 and sum(1 for c in chars if not c.get("upright", True) and c["text"].strip()) >= 20 and not rot:
        stats["unread"].append(k)
    tol = S.x_tolerance_ratio if S.x_tolerance_ratio is not None else word_tolerance(use, S)
    raw = extract_words(use, extra_attrs=["size", "fontname"], x_tolerance_ratio=tol)
    ruled = []
    hrules: list[tuple[float, float, float]] = []
    bands: list[tuple[float, float, float, float]] = []  # filled boxes (x0, x1, top, bottom): shaded rows
    if raw and (page.lines or page.rects):
        grids = page.find_tables() if not rot else _rotated_grids(page, rot, width, height)
        for tb in grids:
            ruled.append((tuple(tb.bbox), [list(r.cells) for r in tb.rows]))
        for o in list(page.lines) + list(page.rects):
            x0, top, x1, bottom = rotate_box(float(o["x0"]), float(o["top"]), float(o["x1"]), float(o["bottom"]),
                                             rot, width, height)
            if bottom - top <= S.rule_max_thickness and x1 - x0 >= S.rule_min_length:
                hrules.append((x0, x1, (top + bottom) / 2))
            elif o.get("fill") and S.read_bands and bottom - top <= 0.5 * height and x1 - x0 >= S.band_min_width \
                    and not _white(o.get("non_stroking_color")):
                bands.append((x0, x1, top, bottom))
    words = []
    for d in raw:
        font = str(d.get("fontname", ""))
        t = _norm(d["text"]).strip()
        if S.repair_font_encoding:
            t = repair_text(t, font)
        if not t:
            continue
        words.append(_W(t, float(d["x0"]), float(d["x1"]), float(d["top"]), float(d["bottom"]),
                        float(d.get("size") or (d["bottom"] - d["top"])), font, tol))
    if rot:
        width, height = height, width
    words = _join_digit_groups(_merge_drop_caps(words))
    return _PageCtx(k, width, height, words, ruled, hrules, bands)


def _white(color) -> bool:
    """True for a white fill (gray 1, RGB 1/1/1, CMYK 0/0/0/0): paper, not shading."""
    if color is None:
        return False
    if isinstance(color, (int, float)):
        return color >= 0.99
    try:
        vals = [float(v) for v in color]
    except (TypeError, ValueError):
        return False
    if len(vals) == 4:
        return all(v <= 0.01 for v in vals)
    return bool(vals) and all(v >= 0.99 for v in vals)


def _rotated_grids(page, rot: int, width: float, height: float) -> list:
    """The ruled grids of a page set rotated, found in the reading frame of its text: the page's
    edges turned like its characters, then pdfplumber's own grid finder (as ``find_tables`` with
    its default settings does on an upright page)."""
    from pdfplumber.table import (Table, TableSettings, cells_to_tables, edges_to_intersections,
                                  intersections_to_cells, merge_edges)

    ts = TableSettings.resolve(None)
    edges = []
    for e in page.edges:
        x0, top, x1, bottom = rotate_box(float(e["x0"]), float(e["top"]), float(e["x1"]), float(e["bottom"]),
                                         rot, width, height)
        orient = "h" if e["orientation"] == "v" else "v"
        if (x1 - x0 if orient == "h" else bottom - top) < ts.edge_min_length_prefilter:
            continue
        edges.append({"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0,
                      "height": bottom - top, "orientation": orient, "object_type": e.get("object_type", "line")})
    if not edges:
        return []
    edges = merge_edges(edges, snap_x_tolerance=ts.snap_x_tolerance, snap_y_tolerance=ts.snap_y_tolerance,
                        join_x_tolerance=ts.join_x_tolerance, join_y_tolerance=ts.join_y_tolerance)
    edges = [e for e in edges if (e["width"] if e["orientation"] == "h" else e["height"]) >= ts.edge_min_length]
    inter = edges_to_intersections(edges, ts.intersection_x_tolerance, ts.intersection_y_tolerance)
    return [Table(None, group) for group in cells_to_tables(intersections_to_cells(inter))]


def _merge_drop_caps(words: list[_W]) -> list[_W]:
    """A drop cap (a large initial letter spanning several lines) joins the word beside its top."""
    if len(words) < 20:
        return words
    sizes = sorted(w.size for w in words)
    body = sizes[len(sizes) // 2]
    drop: set[int] = set()
    for cap in words:
        if not (len(cap.t) == 1 and cap.t.isalpha() and cap.t.isupper() and cap.size >= 1.8 * body):
            continue
        cands = [w for w in words if w is not cap and w.size < 0.7 * cap.size
                 and cap.x1 - 1 <= w.x0 <= cap.x1 + 1.5 * w.size
                 and cap.top - 0.8 * w.size <= w.top <= cap.top + 0.9 * w.size]
        if not cands:
            continue
        nxt = min(cands, key=lambda w: (w.top, w.x0))
        if not nxt.t[:1].isalpha() or not nxt.t[:1].islower():
            continue
        nxt.t = cap.t + nxt.t
        nxt.x0 = cap.x0
        drop.add(id(cap))
    return [w for w in words if id(w) not in drop] if drop else words


_GROUP_HEAD_RE = re.compile(r"(?:^|[^\d.,])\d{1,3}$")
_GROUP_TAIL_RE = re.compile(r"^\d{3}(?![\d,]|\.\d)")


def _join_digit_groups(words: list[_W]) -> list[_W]:
    """Thousands set with a (thin) space, "13 028", become one number, "13028": the space is a
    digit-group separator when a group of one to three digits is followed, closer than a third of
    an em, by a group of exactly three digits."""
    out: list[_W] = []
    for w in words:
        a = out[-1] if out else None
        if (a is not None and _GROUP_TAIL_RE.match(w.t) and _GROUP_HEAD_RE.search(a.t)
                and abs(a.top - w.top) < 0.2 * w.size and abs(a.size - w.size) < 0.1
                and 0 < w.x0 - a.x1 < 0.35 * w.size):
            a.t += w.t
            a.x1 = w.x1
            a.bottom = max(a.bottom, w.bottom)
            continue
        out.append(w)
    return out
