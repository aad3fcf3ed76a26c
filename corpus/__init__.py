"""The bundled corpus: four published osteosarcoma studies with a manifest.

Shipped as package data, so ``trialaudit check`` with no path works from any
directory after ``pip install``.
"""
from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterator


@dataclass(frozen=True)
class CorpusArticle:
    id: str
    file: str
    title: str | None
    journal: str | None
    year: int | None
    doi: str | None
    licence: str
    sha256: str
    first_author: str | None = None
    design: str | None = None

    def read_bytes(self) -> bytes:
        return resources.files(__name__).joinpath(self.file).read_bytes()

    def verify(self) -> bool:
        return hashlib.sha256(self.read_bytes()).hexdigest() == self.sha256


def manifest() -> dict:
    return json.loads(resources.files(__name__).joinpath("manifest.json").read_text(encoding="utf-8"))


def articles() -> list[CorpusArticle]:
    fields = CorpusArticle.__dataclass_fields__
    return [CorpusArticle(**{k: v for k, v in a.items() if k in fields}) for a in manifest()["articles"]]


def get(article_id: str) -> CorpusArticle | None:
    for a in articles():
        if a.id == article_id or Path(a.file).name == article_id or Path(a.file).stem == article_id:
            return a
    return None


@contextmanager
def paths() -> Iterator[list[Path]]:
    """Real filesystem paths of the bundled articles (extracted if zipped)."""
    with resources.as_file(resources.files(__name__).joinpath("articles")) as d:
        yield [Path(d) / Path(a.file).name for a in articles()]


def gold_dir():
    return resources.files(__name__).joinpath("gold")
