"""Read article files (text, markdown, PDF, JATS XML) into Documents with clear errors."""
from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from trialaudit.errors import InputError
from trialaudit.schemas.document import Document

from .text import parse_text

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
PDF_SUFFIXES = {".pdf"}
XML_SUFFIXES = {".xml", ".nxml"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES | XML_SUFFIXES
MAX_TEXT_BYTES = 20_000_000


class IngestError(InputError):
    """An article could not be read; the message is meant for the user."""


@dataclass(frozen=True)
class ReadLimits:
    """Size limits applied while reading one article (see ``validation.settings.Settings``).

    ``max_bytes``: text files larger than this are refused before reading, and
    at most ``max_bytes + 1`` bytes are ever read (a file that grows while read
    is refused too). ``max_chars``: an article whose decoded text is longer is
    refused ("too large"). ``max_table_rows``: an article with a table (a run of
    pipe or tab separated lines, or a parsed table) longer than this is refused.
    """

    max_bytes: int = MAX_TEXT_BYTES
    max_chars: int = 2_000_000
    max_table_rows: int = 5_000


DEFAULT_LIMITS = ReadLimits()

_ID_HASH_CHARS = 8


def article_id_for(path: Path) -> str:
    """A readable, stable id for an article file.

    The file stem is NFKC-normalised and every run of characters other than
    Unicode letters, digits, ``_``, ``.`` and ``-`` becomes ``-`` (so
    ``試験.md`` stays ``試験``). When nothing readable is left (a stem of only
    symbols or spaces) the id is ``article-`` plus the first 8 hex digits of the
    SHA-256 of the file name, so different names never share an id. Ids of
    different files in one batch are made unique by the caller (``-2``, ``-3``).
    """
    stem = unicodedata.normalize("NFKC", path.stem)
    stem = re.sub(r"[^\w.-]+", "-", stem).strip("-.")
    if stem and re.search(r"[^\W_]", stem):
        return stem[:120]
    digest = hashlib.sha256(path.name.encode("utf-8", "surrogateescape")).hexdigest()[:_ID_HASH_CHARS]
    return f"article-{digest}"


# Characters of a legacy single-byte code page (Windows-1252 / Latin-1) that are
# common in articles: accented letters, typographic quotes and dashes, ±, µ, °, ·.
_LEGACY_HINT = re.compile(rb"[\x80-\xff]")


def _looks_single_byte(data: bytes) -> bool:
    """True when the bytes look like a legacy single-byte text: many high bytes, and none of
    them start a well-formed UTF-8 sequence (a file that is mostly UTF-8 is not "legacy")."""
    high = len(_LEGACY_HINT.findall(data[:200_000]))
    if high == 0:
        return False
    valid_multibyte = len(re.findall(rb"[\xc2-\xf4][\x80-\xbf]+", data[:200_000]))
    return valid_multibyte == 0


def decode_bytes(data: bytes, name: str = "file") -> tuple[str, list[str]]:
    """Decode article bytes; refuse binary data with a clear message.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are read as such. A file
    that is not valid UTF-8 is decoded as UTF-8 with each bad byte replaced by
    U+FFFD and a warning naming the first bad byte's offset and the number of
    replacements; it is never silently re-decoded. Only when no byte of the
    file forms a UTF-8 sequence (a clear legacy single-byte file) is it decoded
    as Windows-1252, and the warning says so.
    """
    warnings: list[str] = []
    if not data.strip():
        raise IngestError(f"{name}: the file is empty")
    if data.startswith(b"%PDF"):
        raise IngestError(f"{name}: this is a PDF; give it a .pdf extension")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16", errors="replace")
        if "\ufffd" in text:
            warnings.append(f"invalid UTF-16: {text.count(chr(0xFFFD))} character(s) replaced by U+FFFD")
        return text, warnings
    sample = data[:8192]
    if b"\x00" in sample:
        raise IngestError(f"{name}: binary data, not a text article (NUL bytes found)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if _looks_single_byte(data):
            text = data.decode("cp1252", errors="replace")
            warnings.append(f"not valid UTF-8 (first bad byte at offset {exc.start}) and no UTF-8 sequence "
                            f"anywhere: read as a legacy single-byte file (Windows-1252); check accented "
                            f"letters and symbols such as ± and µ")
        else:
            text = data.decode("utf-8-sig", errors="replace")
            bad = text.count("\ufffd") - data.decode("utf-8-sig", errors="ignore").count("\ufffd")
            warnings.append(f"not valid UTF-8: {bad} invalid byte sequence(s) (first at byte {exc.start}) "
                            f"replaced by U+FFFD; numbers next to them may be misread")
    ctrl = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if ctrl > max(16, len(text[:8192]) // 50):
        raise IngestError(f"{name}: binary data, not a text article ({ctrl} control characters)")
    if not re.search(r"[A-Za-z]{3,}", text):
        raise IngestError(f"{name}: no readable text found")
    return text, warnings


def _read_capped(p: Path, limit: int) -> bytes:
    """Read a regular file, at most ``limit + 1`` bytes; refuse FIFOs, devices, sockets.

    ``stat`` follows symbolic links, so a link to ``/dev/zero`` or to a FIFO is
    refused as what it points to. The file is opened non-blocking so that a FIFO
    swapped in after the check cannot block the open.
    """
    try:
        st = p.stat()
    except OSError as exc:
        raise IngestError(f"{p}: cannot read ({exc.strerror or exc})") from exc
    if not stat.S_ISREG(st.st_mode):
        kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(st.st_mode) else
                "a character device" if stat.S_ISCHR(st.st_mode) else
                "a block device" if stat.S_ISBLK(st.st_mode) else
                "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file")
        raise IngestError(f"{p.name}: is {kind}, not a regular file; refused")
    if st.st_size > limit:
        raise IngestError(f"{p.name}: too large: {st.st_size} bytes, limit {limit}")
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise IngestError(f"{p}: cannot read ({exc.strerror or exc})") from exc
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise IngestError(f"{p.name}: not a regular file; refused")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise IngestError(f"{p}: cannot read ({exc.strerror or exc})") from exc
    finally:
        os.close(fd)
    if len(data) > limit:
        raise IngestError(f"{p.name}: too large: more than {limit} bytes, limit {limit}")
    return data


def longest_table_run(text: str) -> int:
    """Length of the longest run of consecutive lines holding a ``|`` or a tab (a table's rows)."""
    best = run = 0
    for line in text.splitlines():
        if "|" in line or "\t" in line:
            run += 1
            if run > best:
                best = run
        else:
            run = 0
    return best


def check_text_limits(text: str, name: str, limits: ReadLimits) -> None:
    """Refuse text too large to audit within the per-article budget (raises IngestError)."""
    if len(text) > limits.max_chars:
        raise IngestError(f"{name}: too large: {len(text)} characters, limit {limits.max_chars} (max_article_chars)")
    rows = longest_table_run(text)
    if rows > limits.max_table_rows:
        raise IngestError(f"{name}: too large: a table of {rows} rows, limit {limits.max_table_rows} (max_table_rows)")


def check_document_limits(doc: Document, name: str, limits: ReadLimits) -> None:
    """The same limits on an ingested document (PDF pages can hold long tables)."""
    if len(doc.text) > limits.max_chars:
        raise IngestError(f"{name}: too large: {len(doc.text)} characters, limit {limits.max_chars} "
                          f"(max_article_chars)")
    for t in doc.tables:
        if len(t.rows) > limits.max_table_rows:
            raise IngestError(f"{name}: too large: table {t.label or t.id} has {len(t.rows)} rows, "
                              f"limit {limits.max_table_rows} (max_table_rows)")


def read_document(path: str | Path, *, doc_id: str | None = None, pdf_options=None,
                  limits: ReadLimits | None = None) -> Document:
    """Read one article into a Document; raises IngestError with a clear message.

    ``limits`` (default :data:`DEFAULT_LIMITS`) bounds the bytes read, the
    characters and the table rows of one article, so a huge or endless input
    ends with a "too large" status instead of exhausting time or memory.
    """
    limits = limits or DEFAULT_LIMITS
    p = Path(path)
    if not p.exists():
        raise IngestError(f"{p}: no such file")
    if p.is_dir():
        raise IngestError(f"{p}: is a directory")
    suffix = p.suffix.lower()
    doc_id = doc_id or article_id_for(p)
    if suffix in PDF_SUFFIXES:
        try:
            st = p.stat()
        except OSError as exc:
            raise IngestError(f"{p}: cannot read ({exc.strerror or exc})") from exc
        if not stat.S_ISREG(st.st_mode):
            raise IngestError(f"{p.name}: not a regular file; refused")
        try:
            from .pdf import PdfIngestError, read_pdf
        except ImportError as exc:  # pragma: no cover
            raise IngestError(f"{p}: PDF support is unavailable ({exc})") from exc
        try:
            kwargs = {"doc_id": doc_id}
            if pdf_options is not None:
                kwargs["options"] = pdf_options
            doc = read_pdf(p, **kwargs)
        except PdfIngestError as exc:
            raise IngestError(f"{p.name}: {exc}") from exc
        check_document_limits(doc, p.name, limits)
        return doc
    if suffix in XML_SUFFIXES:
        from .jats import JatsError, read_jats
        try:
            if not stat.S_ISREG(p.stat().st_mode):
                raise IngestError(f"{p.name}: not a regular file; refused")
            doc = read_jats(p, doc_id=doc_id)
        except JatsError as exc:
            raise IngestError(str(exc)) from exc
        check_document_limits(doc, p.name, limits)
        return doc
    data = _read_capped(p, min(limits.max_bytes, MAX_TEXT_BYTES))
    text, warnings = decode_bytes(data, p.name)
    del data
    check_text_limits(text, p.name, limits)
    fmt = "markdown" if suffix in (".md", ".markdown") or re.search(r"^#{1,6} ", text, re.M) else "text"
    doc = parse_text(text, doc_id=doc_id, source=str(p), fmt=fmt)
    doc.warnings[:0] = warnings
    check_document_limits(doc, p.name, limits)
    return doc


def sha256_of(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
