"""Read article files (text, markdown, PDF, JATS XML) into Documents with clear errors."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from trialaudit.schemas.document import Document

from .text import parse_text

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
PDF_SUFFIXES = {".pdf"}
XML_SUFFIXES = {".xml", ".nxml"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES | XML_SUFFIXES
MAX_TEXT_BYTES = 20_000_000


class IngestError(Exception):
    """An article could not be read; the message is meant for the user."""


def article_id_for(path: Path) -> str:
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", path.stem).strip("-")
    return stem or "article"


def decode_bytes(data: bytes, name: str = "file") -> tuple[str, list[str]]:
    """Decode article bytes; refuse binary data with a clear message."""
    warnings: list[str] = []
    if not data.strip():
        raise IngestError(f"{name}: the file is empty")
    if data.startswith(b"%PDF"):
        raise IngestError(f"{name}: this is a PDF; give it a .pdf extension")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16"), warnings
    sample = data[:8192]
    if b"\x00" in sample:
        raise IngestError(f"{name}: binary data, not a text article (NUL bytes found)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("cp1252")
            warnings.append(f"not valid UTF-8 (byte {exc.start}); decoded as Windows-1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
            warnings.append(f"not valid UTF-8 (byte {exc.start}); decoded as Latin-1")
    ctrl = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if ctrl > max(16, len(text[:8192]) // 50):
        raise IngestError(f"{name}: binary data, not a text article ({ctrl} control characters)")
    if not re.search(r"[A-Za-z]{3,}", text):
        raise IngestError(f"{name}: no readable text found")
    return text, warnings


def read_document(path: str | Path, *, doc_id: str | None = None, pdf_options=None) -> Document:
    """Read one article into a Document; raises IngestError with a clear message."""
    p = Path(path)
    if not p.exists():
        raise IngestError(f"{p}: no such file")
    if p.is_dir():
        raise IngestError(f"{p}: is a directory")
    suffix = p.suffix.lower()
    doc_id = doc_id or article_id_for(p)
    if suffix in PDF_SUFFIXES:
        try:
            from .pdf import PdfIngestError, read_pdf
        except ImportError as exc:  # pragma: no cover
            raise IngestError(f"{p}: PDF support is unavailable ({exc})") from exc
        try:
            kwargs = {"doc_id": doc_id}
            if pdf_options is not None:
                kwargs["options"] = pdf_options
            return read_pdf(p, **kwargs)
        except PdfIngestError as exc:
            raise IngestError(f"{p.name}: {exc}") from exc
    if suffix in XML_SUFFIXES:
        from .jats import JatsError, read_jats
        try:
            return read_jats(p, doc_id=doc_id)
        except JatsError as exc:
            raise IngestError(str(exc)) from exc
    try:
        size = p.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise IngestError(f"{p.name}: {size} bytes is larger than the {MAX_TEXT_BYTES}-byte limit for text articles")
        data = p.read_bytes()
    except OSError as exc:
        raise IngestError(f"{p}: cannot read ({exc.strerror or exc})") from exc
    text, warnings = decode_bytes(data, p.name)
    fmt = "markdown" if suffix in (".md", ".markdown") or re.search(r"^#{1,6} ", text, re.M) else "text"
    doc = parse_text(text, doc_id=doc_id, source=str(p), fmt=fmt)
    doc.warnings[:0] = warnings
    return doc


def sha256_of(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
