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

from trialaudit.extractor.loader import SUPPORTED_SUFFIXES, TEXT_SUFFIXES

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
