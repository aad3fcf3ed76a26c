"""Which files in a folder are articles: project files are skipped, odd files reported.

A folder of articles often also holds a README, a LICENSE, a CHANGELOG or
notes. Those are never read as articles. A file with an article suffix whose
text has none of the vocabulary of a research article is reported as
"not recognised" (status ``skipped``) instead of being checked and coming out
"clean".
"""
from __future__ import annotations

import fnmatch
import re
from pathlib import Path
from typing import Iterable

from contextlib import ExitStack

from trialaudit.extractor.loader import SUPPORTED_SUFFIXES, TEXT_SUFFIXES, IngestError, article_id_for, read_document
from trialaudit.schemas.document import Document
from trialaudit.validation.settings import Settings

# Project / packaging files that are never articles (matched on the stem, any case).
NON_ARTICLE_STEMS = (
    "readme", "license", "licence", "copying", "changelog", "changes", "history", "news", "notice",
    "citation", "authors", "contributors", "contributing", "code_of_conduct", "security", "todo",
    "manifest", "install", "maintainers", "funding", "support", "codeowners", "patents",
)
_NON_ARTICLE_RE = re.compile(r"^(?:%s)(?:[._-].*)?$" % "|".join(NON_ARTICLE_STEMS), re.I)

# Words of a research article; a text needs several different ones to be read as one.
_ARTICLE_WORDS = re.compile(
    r"\b(patients?|participants?|subjects?|randomi[sz]ed|randomi[sz]ation|trial|cohort|study|results?|methods?"
    r"|abstract|treat(?:ed|ment)|outcomes?|efficacy|safety|placebo|baseline|endpoint|enrolled|dose|"
    r"hazard|odds|confidence|median|mean|statistical(?:ly)?|significant)\b", re.I)
MIN_ARTICLE_WORDS = 2
# the first lines of trialaudit's own text or Markdown report, so a report written into the folder being checked
# is not read back as an article
_OWN_REPORT = re.compile(r"\A(?:[^\n]*\n){0,3}?\S[^\n]*\s\d+ error\(s\), \d+ warning\(s\), \d+ info\b|"
                         r"\A\s*#[^\n]*\(trialaudit \d", re.M)
_SNIFF_BYTES = 256_000


def is_project_file(path: Path) -> bool:
    """README*, LICENSE*, CHANGELOG*, NOTICE*, CITATION* and similar."""
    return bool(_NON_ARTICLE_RE.match(path.name))


def excluded(path: Path, root: Path, patterns: Iterable[str]) -> bool:
    """True when ``path`` (relative to ``root``) or its name matches one of the glob ``patterns``."""
    rel = path.relative_to(root).as_posix() if root in path.parents else path.name
    return any(fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(path.name, pat) for pat in patterns)


def not_an_article(path: Path) -> str | None:
    """Why a text file does not look like an article, or None when it does (or cannot be told here).

    Only decodable, non-empty text files are judged; empty, binary and PDF files
    are left to the reader, which gives them their own precise error.
    """
    if path.suffix.lower() not in TEXT_SUFFIXES:
        return None
    try:
        with path.open("rb") as fh:
            raw = fh.read(_SNIFF_BYTES)
    except OSError:
        return None
    if not raw.strip() or b"\x00" in raw:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if _OWN_REPORT.search(text[:4000]):
        return (f"{path.name}: a trialaudit report (its own output written into the input folder), not an "
                f"article; not checked")
    words = {m.group(1).lower().rstrip("s") for m in _ARTICLE_WORDS.finditer(text)}
    if len(words) >= MIN_ARTICLE_WORDS:
        return None
    return (f"{path.name}: not recognised as an article (no study vocabulary such as patients, methods, "
            f"results, trial); not checked")


def scan_folder(folder: Path, exclude: Iterable[str] = ()) -> tuple[list[Path], list[Path]]:
    """Article candidates in ``folder`` (recursive, sorted) and the files skipped by name or ``exclude``."""
    exclude = list(exclude)
    found: list[Path] = []
    skipped: list[Path] = []
    for x in sorted(folder.rglob("*")):
        if not x.is_file() or x.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        if any(part.startswith(".") for part in x.relative_to(folder).parts):
            continue
        if is_project_file(x) or excluded(x, folder, exclude):
            skipped.append(x)
            continue
        found.append(x)
    return found, skipped


# ----------------------------------------------------------------------------- inputs of a run

class InputSpec:
    """One input file with the id it will be reported under."""

    def __init__(self, path: Path, article_id: str, error: str | None = None, skipped: bool = False):
        self.path = path
        self.id = article_id
        self.error = error
        self.skipped = skipped  # not recognised as an article: reported, not checked

    def __repr__(self) -> str:
        return f"InputSpec({self.path!s}, {self.id!r})"


def _corpus_id(path: Path) -> str | None:
    """The bundled corpus id of a file with a corpus article's name, else None."""
    import trialaudit.corpus as corpus

    for a in corpus.articles():
        if Path(a.file).name == path.name:
            return a.id
    return None


def collect_inputs(paths: Iterable[str | Path] | None, exclude: Iterable[str] = ()) -> tuple[list[InputSpec], ExitStack]:
    """Expand files and folders (recursively: .txt, .md, .pdf, .xml/.nxml JATS). ``None``: the bundled corpus.

    Returns the inputs and an ExitStack that keeps extracted package data alive.
    Paths that do not exist become inputs with an error, so the batch goes on.
    """
    stack = ExitStack()
    files: list[tuple[Path, str | None]] = []
    if paths is None or not list(paths):
        import trialaudit.corpus as corpus
        for p in stack.enter_context(corpus.paths()):
            files.append((p, None))
    else:
        for raw in paths:
            p = Path(raw)
            if p.is_dir():
                found, _skipped = scan_folder(p, exclude)
                if not found:
                    files.append((p, f"{p}: folder contains no .txt, .md, .pdf or .xml/.nxml articles"))
                files.extend((x, None) for x in found)
            elif p.exists():
                files.append((p, None))
            else:
                files.append((p, f"{p}: no such file or folder"))
    specs: list[InputSpec] = []
    used: dict[str, int] = {}
    for p, err in files:
        base = _corpus_id(p) or article_id_for(p)
        k = used.get(base, 0)
        used[base] = k + 1
        why = None if err else not_an_article(p)
        specs.append(InputSpec(p, base if k == 0 else f"{base}-{k + 1}", err or why, skipped=why is not None))
    return specs, stack


def load(spec: InputSpec, settings: Settings | None = None) -> Document:
    settings = settings or Settings()
    if spec.error:
        raise IngestError(spec.error)
    opts = None
    if spec.path.suffix.lower() == ".pdf":
        from trialaudit.extractor.pdf import LayoutSettings, PdfOptions

        opts = PdfOptions(max_pages=settings.max_pages, timeout_s=settings.timeout_s,
                          layout=LayoutSettings.from_mapping(settings.pdf_layout))
    try:
        size = spec.path.stat().st_size
    except OSError as exc:
        raise IngestError(f"{spec.path}: cannot read ({exc})") from exc
    if size > settings.max_file_bytes:
        raise IngestError(f"{spec.path.name}: {size} bytes exceeds max_file_bytes={settings.max_file_bytes}")
    return read_document(spec.path, doc_id=spec.id, pdf_options=opts, limits=settings.read_limits())


def document_for(path: str | Path, settings: Settings | None = None) -> Document:
    specs, stack = collect_inputs([path])
    with stack:
        return load(specs[0], settings)
