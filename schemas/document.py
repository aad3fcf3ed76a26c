"""The ingested article: sections, paragraphs, sentences, tables, references.

Every element carries a :class:`~schemas.provenance.Span` into
``Document.text`` plus the verbatim quote, so anything derived from it can be
traced back to a line (text) or page and box (PDF).
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Model
from .provenance import Span

SectionKind = Literal[
    "front", "title", "abstract", "keywords", "introduction", "methods", "statistics",
    "results", "discussion", "conclusion", "references", "acknowledgements",
    "declarations", "figure", "table", "other",
]


class Heading(Model):
    text: str
    level: int = 1
    span: Span


class Section(Model):
    """A run of the article under one heading."""

    id: str
    title: str
    kind: SectionKind = "other"
    level: int = 1
    span: Span
    parent: str | None = None


class Sentence(Model):
    """A sentence after joining wrapped lines and normalising markup.

    ``text`` is normalised (LaTeX/HTML removed, hyphenation repaired);
    ``quote`` is the verbatim source it came from. ``offsets[i]`` is the
    offset in ``Document.text`` of ``text[i]`` (not serialised).
    """

    id: str
    text: str
    quote: str
    span: Span
    section: str | None = None
    section_kind: SectionKind = "other"
    paragraph: str | None = None
    offsets: list[int] = Field(default_factory=list, exclude=True, repr=False)


class Paragraph(Model):
    id: str
    text: str
    span: Span
    section: str | None = None
    section_kind: SectionKind = "other"
    sentence_ids: list[str] = Field(default_factory=list)


class Cell(Model):
    """One table cell: normalised text, verbatim source, footnote markers."""

    text: str
    raw: str
    span: Span
    markers: list[str] = Field(default_factory=list)
    colspan: int = 1


class TableRow(Model):
    index: int
    cells: list[Cell]
    span: Span
    kind: Literal["header", "body", "group"] = "body"
    group: str | None = None  # the group heading this row sits under ("Sex, n (%)")

    @property
    def label(self) -> str:
        return self.cells[0].text if self.cells else ""


class Table(Model):
    """A table with its caption, header rows, body rows and footnotes."""

    id: str
    label: str                 # "Table 2"
    number: str | None = None  # "2", "III"
    caption: str = ""
    caption_span: Span | None = None
    header_rows: list[TableRow] = Field(default_factory=list)
    rows: list[TableRow] = Field(default_factory=list)
    columns: list[str] = Field(default_factory=list)  # combined header label per column
    footnotes: list[str] = Field(default_factory=list)
    span: Span
    section: str | None = None
    source_format: Literal["pipe", "tsv", "spaces", "pdf-ruled", "pdf-text", "jats"] = "tsv"
    continued: bool = False  # joined from a "(Continued)" part

    def column_label(self, j: int) -> str:
        return self.columns[j] if 0 <= j < len(self.columns) else ""


class Reference(Model):
    number: int | None = None
    text: str
    span: Span
    authors: list[str] = Field(default_factory=list)
    title: str | None = None
    journal: str | None = None
    year: int | None = None


class Citation(Model):
    """An in-text citation: the sentence and the reference numbers it cites."""

    sentence: str
    numbers: list[int]
    span: Span
    quote: str


class ArticleDate(Model):
    """One date of the article's history as the XML gives it (ISO, at the precision printed)."""

    kind: str          # "received", "accepted", "revised", "epub", "ppub", "collection", "pub"
    date: str          # "2006-07-18", "2006-09" or "2006"


class ArticleMeta(Model):
    """Structured front matter read from a JATS article (``<article-meta>``)."""

    pmid: str | None = None
    pmcid: str | None = None
    doi: str | None = None
    journal: str | None = None
    article_type: str | None = None
    dates: list[ArticleDate] = Field(default_factory=list)
    registrations: list[str] = Field(default_factory=list)   # trial registration ids ("NCT00352508")
    keywords: list[str] = Field(default_factory=list)

    def date(self, *kinds: str) -> str | None:
        """The first date of the given kinds, in the order asked."""
        for k in kinds:
            for d in self.dates:
                if d.kind == k:
                    return d.date
        return None


class SourcePath(Model):
    """A range of ``Document.text`` and the XML element it was rendered from."""

    char_start: int
    char_end: int
    path: str                    # "/article/body/sec[3]/p[2]"
    table: str | None = None     # table-wrap id (or label) for table cells
    row: int | None = None       # 0-based grid row of a table cell
    col: int | None = None       # 0-based grid column of a table cell


class Document(Model):
    """An ingested article."""

    id: str
    source: str
    format: Literal["text", "markdown", "pdf", "jats"] = "text"
    title: str | None = None
    text: str = Field(repr=False)
    line_starts: list[int] = Field(default_factory=list, exclude=True, repr=False)
    headings: list[Heading] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    paragraphs: list[Paragraph] = Field(default_factory=list)
    sentences: list[Sentence] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    removed_lines: list[int] = Field(default_factory=list)  # running headers etc.
    warnings: list[str] = Field(default_factory=list)
    pages: int | None = None
    meta: ArticleMeta | None = None             # JATS front matter (ids, dates, registrations)
    xml_paths: list[SourcePath] = Field(default_factory=list)  # JATS: text ranges -> XML elements

    def xml_path_at(self, offset: int) -> SourcePath | None:
        """The innermost XML element a character of ``text`` was rendered from (JATS input only)."""
        best: SourcePath | None = None
        for sp in self.xml_paths:
            if sp.char_start <= offset < max(sp.char_end, sp.char_start + 1):
                if best is None or (sp.char_end - sp.char_start) < (best.char_end - best.char_start):
                    best = sp
        return best

    def section_by_id(self, sid: str | None) -> Section | None:
        for s in self.sections:
            if s.id == sid:
                return s
        return None

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset in ``text``."""
        import bisect

        starts = self.line_starts or _line_starts(self.text)
        return max(1, bisect.bisect_right(starts, offset))

    def sentences_in(self, *kinds: str) -> list[Sentence]:
        return [s for s in self.sentences if s.section_kind in kinds]


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts
