"""Plain-text and markdown ingestion into a :class:`~schemas.document.Document`.

Stages (each can be dumped with ``trialaudit dump``):

1. ``lines``: the source split into lines; running headers found and removed.
2. ``blocks``: lines grouped into headings, paragraphs, tables (with caption,
   header rows, body rows and footnotes) and figure captions.
3. ``sections``: headings open sections; section kinds (abstract, methods,
   results, ...) are recognised from the usual names.
4. ``sentences``: paragraphs joined across hard wraps and page breaks,
   normalised (LaTeX, HTML, hyphenation, citation markers) and split with a
   rule-based spaCy pipeline (``spacy.blank("en")`` + sentencizer).

Every element keeps line numbers, character offsets into ``Document.text`` and
the verbatim quote.

Why one long module: every stage (lines, blocks, tables, paragraphs, sentences) writes through
one offset map back to the source text, and the stages share its private helpers. The seam for a
split is the table reader (``_read_table``, ``_make_table``, ``_build_tables``).
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from trialaudit.schemas.document import (Cell, Citation, Document, Heading, Paragraph, Reference, Section, Sentence, Table,
                              TableRow)
from trialaudit.schemas.provenance import Span

from .normalize import Marker, normalize_inline
from .nlp import sentence_spans
from .tracked import Tracked
from .textutil import DESCRIPTOR_CELL

LineGeometry = Sequence["tuple[int, tuple[float, float, float, float]] | None"]

# --------------------------------------------------------------------------- patterns

SECTION_KINDS: list[tuple[str, str]] = [
    (r"abstract|summary", "abstract"),
    (r"key ?words?", "keywords"),
    (r"introduction|background", "introduction"),
    (r"statistic(?:al|s)(?: analys[ie]s| methods| processing| considerations)?|statistical analysis", "statistics"),
    (r"(?:patients?|materials?|subjects?)(?:,)? (?:and|&) methods?|methods?|study design|methodology|"
     r"design|treatment plan|patients|subjects|study population|participants|procedures|outcomes?|"
     r"end ?points?|eligibility|ethics.*|trial design", "methods"),
    (r"results?|findings", "results"),
    (r"discussion|comment", "discussion"),
    (r"conclusions?|summary and conclusions?", "conclusion"),
    (r"references?|bibliography|literature cited", "references"),
    (r"acknowledge?ments?", "acknowledgements"),
    (r"funding|disclosures?.*|conflicts? of interest.*|competing interests?|data availability.*|"
     r"author(?:s'|'s)? contributions?|declarations?|ethics approval.*|consent.*|supplementary.*|data sharing.*|"
     r"patient consent.*|ethics statement|ethical approval.*|informed consent.*|trial registration|"
     r"additional information|reporting summary|peer review.*|publisher's note", "declarations"),
]
_SECTION_RES = [(re.compile(rf"^(?:\d+(?:\.\d+)*\.?\s+)?(?:{p})\s*[.:]?$", re.I), k) for p, k in SECTION_KINDS]

_STRUCTURED_ABSTRACT = re.compile(
    r"^(?:objectives?|aims?|purpose|background|context|design|setting|participants|patients|interventions?|"
    r"main outcome measures?|outcomes?|measurements?|methods?|patients and methods|materials and methods|"
    r"results?|findings|conclusions?|interpretation|trial registration|funding|importance)\s*[.:]?$", re.I)
_RESULTS_SUBHEADING = re.compile(
    r"^(?:\d+(?:\.\d+)*\.?\s+)?(?:patients|subjects|participants|study population|outcomes?|end ?points?)\s*[.:]?$", re.I)
#: methods-like subheadings that, after a Results heading, name a results subsection
_RESULTS_SUBHEADING = re.compile(r"^(?:\d+(?:\.\d+)*\.?\s+)?(?:patients|subjects|participants|study population|"
                                 r"outcomes?|end ?points?)\s*[.:]?$", re.I)
_RE_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_RE_CAPTION = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:\*\*|__)?\s*(Table|TABLE)(?:\s+|-)([0-9]{1,2}[A-H]?|[IVXL]{1,6})\b\s*(?:\*\*|__)?\s*"
    r"(\(continued\)\.?|\(cont(?:\.|inued)?\)\.?)?\s*(?:\*\*|__)?\s*[.:|]?\s*(?:\*\*|__)?\s*(.*)$")
_RE_FIG_CAPTION = re.compile(r"^\s*(?:#{1,6}\s*)?(?:\*\*)?\s*(Fig(?:ure)?\.?|FIGURE)\s*([0-9]{1,2}[A-Za-z]?)\b")
_RE_CONTINUED = re.compile(r"^\s*\(?continued\)?\.?\s*$", re.I)
_RE_PIPE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_RE_FOOTNOTE_START = re.compile(
    r"^\s*(?!#{1,6}\s)(?:\*\*)?(?:Note|Notes|Abbreviations?|Source|Data (?:are|were)|[a-h]\s*[A-Z]|\^?[a-h]\s|[#*†‡§]|"
    r"\^[a-h]|<sup>|[A-Z][A-Za-z0-9/+\-]{1,12},? [a-z][a-z]+(?: [a-z]+)*[,;])")
_RE_SENT_END = re.compile(r"[.?!:;]['\")\]]*\s*$")
_RE_NUMERIC_CELL = re.compile(r"^[\s<>≤≥=+\-−–.,%()\[\]\d±/:;NRE#*†‡a-d]*\d[\s\d<>≤≥=+\-−–.,%()\[\]±/:;NRE#*†‡a-d]*$")
_HEADING_STOP = re.compile(r"[.;,]$|^\W|^\d+[.)]?\s|https?://|@")

COMPOUND_SUFFIXES = {
    "based", "related", "free", "line", "year", "month", "week", "day", "dose", "term", "risk", "grade",
    "specific", "associated", "induced", "dependent", "like", "month", "label", "arm", "center", "centre",
    "up", "analysis", "adjusted", "targeted", "treated", "naive", "naïve", "level", "time", "type",
}


# --------------------------------------------------------------------------- data classes

@dataclass
class Line:
    idx: int          # 0-based
    start: int        # offset in text
    text: str
    removed: bool = False

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass
class Block:
    kind: str                      # heading, paragraph, table, figure, removed
    lines: list[int]               # 0-based indexes
    level: int = 1
    heading_text: str = ""
    table: "RawTable | None" = None


@dataclass
class RawTable:
    number: str | None
    caption_lines: list[int]
    caption: str
    row_lines: list[int] = field(default_factory=list)
    rows: list[list[tuple[str, int, int]]] = field(default_factory=list)   # cells: (raw, start, end)
    footnote_lines: list[int] = field(default_factory=list)
    fmt: str = "tsv"
    continued: bool = False


# --------------------------------------------------------------------------- entry point

def parse_text(text: str, *, doc_id: str, source: str, fmt: str = "text",
               line_geometry: LineGeometry | None = None) -> Document:
    """Parse an article's text into a :class:`Document`."""
    return TextParser(text, doc_id=doc_id, source=source, fmt=fmt, line_geometry=line_geometry).parse()


class TextParser:
    def __init__(self, text: str, *, doc_id: str, source: str, fmt: str = "text",
                 line_geometry: LineGeometry | None = None):
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
        self.text = text
        self.doc_id = doc_id
        self.source = source
        self.fmt = fmt if fmt in ("text", "markdown", "pdf", "jats") else "text"
        self.geom = line_geometry
        self.lines: list[Line] = []
        pos = 0
        for i, ln in enumerate(text.split("\n")):
            self.lines.append(Line(i, pos, ln))
            pos += len(ln) + 1
        self.line_starts = [ln.start for ln in self.lines]
        self.blocks: list[Block] = []
        self.warnings: list[str] = []

    # ------------------------------------------------------------------ spans
    def line_of(self, offset: int) -> int:
        return max(1, bisect.bisect_right(self.line_starts, offset))

    def span(self, start: int, end: int) -> Span:
        end = max(end, start)
        l0 = self.line_of(start)
        l1 = self.line_of(max(start, end - 1))
        page = bbox = None
        if self.geom:
            boxes = [self.geom[i - 1] for i in range(l0, l1 + 1) if 0 <= i - 1 < len(self.geom) and self.geom[i - 1]]
            if boxes:
                page = boxes[0][0]
                same = [b for p, b in boxes if p == page]
                bbox = (min(b[0] for b in same), min(b[1] for b in same), max(b[2] for b in same), max(b[3] for b in same))
        return Span(line=l0, line_end=l1 if l1 != l0 else None, char_start=start, char_end=end, page=page, bbox=bbox)

    def lines_span(self, idxs: Iterable[int]) -> Span:
        idxs = sorted(idxs)
        a = self.lines[idxs[0]]
        b = self.lines[idxs[-1]]
        start = a.start + (len(a.text) - len(a.text.lstrip()))
        end = b.start + len(b.text.rstrip())
        return self.span(start, max(end, start))

    # ------------------------------------------------------------------ stage 1: running headers
    def find_running_headers(self) -> None:
        if self.fmt == "jats":
            return  # rendered from XML: no page furniture, and repeated headings are real
        counts = Counter()
        for ln in self.lines:
            s = ln.text.strip()
            if s:
                counts[s] += 1
        for ln in self.lines:
            s = ln.text.strip()
            if counts.get(s, 0) < 2 or "\t" in s or s.startswith("|"):
                continue
            body = re.sub(r"^#+\s*", "", s).strip("* ")
            if section_kind_of(body) or _RE_CAPTION.match(s) or _RE_FIG_CAPTION.match(s):
                continue
            words = body.split()
            if not (2 <= len(words) <= 16) or body.endswith((".", ":", ";", ",")):
                continue
            if _RE_NUMERIC_CELL.match(body):
                continue
            prev_blank = ln.idx == 0 or self.lines[ln.idx - 1].blank
            next_blank = ln.idx + 1 >= len(self.lines) or self.lines[ln.idx + 1].blank
            if prev_blank and next_blank:
                ln.removed = True
        # page-number-only lines in PDF text layers and "Page x of y"
        for ln in self.lines:
            s = ln.text.strip()
            if re.fullmatch(r"(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?", s, re.I) and self.fmt == "pdf":
                ln.removed = True

    # ------------------------------------------------------------------ stage 2: blocks
    def segment(self) -> None:
        i = 0
        n = len(self.lines)
        blocks: list[Block] = []
        while i < n:
            ln = self.lines[i]
            if ln.removed:
                blocks.append(Block("removed", [i]))
                i += 1
                continue
            if ln.blank:
                i += 1
                continue
            s = ln.text
            cap = _RE_CAPTION.match(s)
            if cap and self._table_follows(i) and self._jats_caption(i, table=True):
                tbl, i = self._read_table(i, cap)
                blocks.append(Block("table", tbl.caption_lines + tbl.row_lines + tbl.footnote_lines, table=tbl))
                continue
            if is_table_row(s) and i + 1 < n and is_table_row(self.lines[i + 1].text):
                tbl, i = self._read_table(i, None)
                blocks.append(Block("table", tbl.caption_lines + tbl.row_lines + tbl.footnote_lines, table=tbl))
                continue
            md = _RE_MD_HEADING.match(s)
            if md:
                blocks.append(Block("heading", [i], level=len(md.group(1)), heading_text=md.group(2).strip()))
                i += 1
                continue
            if _RE_FIG_CAPTION.match(s) and self._jats_caption(i, table=False):
                j = i
                while j + 1 < n and not self.lines[j + 1].blank and not self.lines[j + 1].removed \
                        and not self._is_section_line(j + 1):
                    j += 1
                blocks.append(Block("figure", list(range(i, j + 1))))
                i = j + 1
                continue
            if self._is_plain_heading(i):
                blocks.append(Block("heading", [i], level=2, heading_text=s.strip().strip("*").strip()))
                i += 1
                continue
            if self._is_section_line(i):
                blocks.append(Block("heading", [i], level=2, heading_text=s.strip().strip("*").strip()))
                i += 1
                continue
            j = i
            while (j + 1 < n and not self.lines[j + 1].blank and not self.lines[j + 1].removed
                   and not self._is_section_line(j + 1)
                   and not _RE_CAPTION.match(self.lines[j + 1].text) and not _RE_MD_HEADING.match(self.lines[j + 1].text)
                   and not (is_table_row(self.lines[j + 1].text) and j + 2 < n and is_table_row(self.lines[j + 2].text))):
                j += 1
            blocks.append(Block("paragraph", list(range(i, j + 1))))
            i = j + 1
        self.blocks = blocks

    def _jats_caption(self, i: int, *, table: bool) -> bool:
        """JATS renderings write captions as "Table 2. ..." / "Figure 1. ..." (a table's rows right after it);
        prose that starts with "Table 2 shows ..." is not a caption there."""
        if self.fmt != "jats":
            return True
        s = self.lines[i].text.strip()
        if not re.match(r"^(?:Table|TABLE)\s+\S+\.(?:\s|$)" if table else
                        r"^(?:Fig(?:ure)?\.?|FIGURE)\s*\d+[A-Za-z]?\.(?:\s|$)", s):
            return False
        if table:
            k = i + 1
            while k < len(self.lines) and self.lines[k].blank:
                k += 1
            return k < len(self.lines) and is_table_row(self.lines[k].text)
        return True

    def _is_section_line(self, i: int) -> bool:
        """A line that is exactly a main section name followed by a blank line ("Discussion")."""
        t = self.lines[i].text.strip().strip("*").strip()
        if not t or len(t) > 40 or not t[0].isupper() or t.endswith("."):
            return False
        nxt_blank = i + 1 >= len(self.lines) or self.lines[i + 1].blank
        return nxt_blank and section_kind_of(t) in ("introduction", "methods", "results", "discussion", "conclusion",
                                                    "references", "acknowledgements")

    def _is_plain_heading(self, i: int) -> bool:
        s = self.lines[i].text.strip().strip("*").strip()
        if not s or len(s) > 90:
            return False
        prev_blank = i == 0 or self.lines[i - 1].blank or self.lines[i - 1].removed
        next_blank = i + 1 >= len(self.lines) or self.lines[i + 1].blank
        if not (prev_blank and next_blank):
            return False
        if section_kind_of(s):
            return True
        words = s.split()
        if len(words) > 12 or _HEADING_STOP.search(s) or not s[0].isupper() or s.count(",") >= 2:
            return False
        if re.search(r"\d{2,}|[=<>±%]", s):
            return False
        # followed by a paragraph that reads like prose
        k = i + 1
        while k < len(self.lines) and (self.lines[k].blank or self.lines[k].removed):
            k += 1
        if k >= len(self.lines):
            return False
        nxt = self.lines[k].text.strip()
        if (_RE_MD_HEADING.match(nxt) or self._is_section_line(k)) and ":" not in s and len(words) <= 8:
            return True  # a heading directly followed by a subheading
        if _RE_CAPTION.match(nxt) or is_table_row(nxt):
            return False
        # count the words of the whole next paragraph (narrow columns wrap after a few words)
        words = 0
        while k < len(self.lines) and not self.lines[k].blank and words < 8:
            words += len(self.lines[k].text.split())
            k += 1
        return words >= 8

    def _table_follows(self, i: int) -> bool:
        """A caption counts as a table caption when table rows follow within a few lines."""
        k = i + 1
        seen = 0
        while k < len(self.lines) and seen < 4:
            t = self.lines[k].text
            if is_table_row(t):
                return True
            if t.strip():
                seen += 1
            k += 1
        return False

    def _read_table(self, i: int, cap: "re.Match[str] | None") -> tuple[RawTable, int]:
        n = len(self.lines)
        caption_lines: list[int] = []
        caption = ""
        number = None
        continued = False
        if cap:
            number = cap.group(2)
            continued = bool(cap.group(3))
            caption_lines = [i]
            caption = cap.group(4).strip().strip("*").strip()
            i += 1
            # caption continuation lines (wrapped) before the first row
            while i < n and not self.lines[i].blank and not is_table_row(self.lines[i].text):
                caption_lines.append(i)
                caption += " " + self.lines[i].text.strip()
                i += 1
        fmt = "tsv"
        rows: list[list[tuple[str, int, int]]] = []
        row_lines: list[int] = []
        while i < n:
            ln = self.lines[i]
            if ln.removed:
                i += 1
                continue
            if ln.blank:
                k = i + 1
                while k < n and (self.lines[k].blank or self.lines[k].removed):
                    k += 1
                if k < n and is_table_row(self.lines[k].text) and not _RE_CAPTION.match(self.lines[k].text):
                    if rows and k + 1 < n and _RE_PIPE_SEP.match(self.lines[k + 1].text):
                        break  # a header row with its own separator line: the next table begins
                    i = k
                    continue
                break
            if not is_table_row(ln.text):
                nxt = i + 1
                if (rows and nxt < n and is_table_row(self.lines[nxt].text) and len(ln.text.split()) <= 8
                        and not _RE_SENT_END.search(ln.text) and not _RE_CAPTION.match(ln.text)):
                    # a group heading printed without separators inside the table
                    rows.append([(ln.text, ln.start, ln.end)])
                    row_lines.append(i)
                    i += 1
                    continue
                if rows:
                    break
                i += 1
                continue
            if _RE_PIPE_SEP.match(ln.text):
                fmt = "pipe"
                i += 1
                continue
            if ln.text.lstrip().startswith("|"):
                fmt = "pipe"
            rows.append(split_row(ln.text, ln.start))
            row_lines.append(i)
            i += 1
        # footnotes: following short paragraphs that look like table notes
        foot: list[int] = []
        k = i
        paras = 0
        if self.fmt == "pdf":
            # the PDF text layer puts a table's notes right after its last row, before a blank line
            while k < n and not self.lines[k].blank and not self.lines[k].removed and not is_table_row(self.lines[k].text) \
                    and not _RE_CAPTION.match(self.lines[k].text) and not _RE_MD_HEADING.match(self.lines[k].text):
                foot.append(k)
                k += 1
        while k < n and paras < 5:
            while k < n and (self.lines[k].blank or self.lines[k].removed):
                k += 1
            if k >= n:
                break
            t = self.lines[k].text
            if _RE_CONTINUED.match(t):
                foot.append(k)
                k += 1
                continue
            if not _RE_FOOTNOTE_START.match(t) or _RE_CAPTION.match(t) or _RE_FIG_CAPTION.match(t) or is_table_row(t):
                break
            j = k
            while j < n and not self.lines[j].blank and not self.lines[j].removed:
                if j > k and self.lines[j - 1].text.rstrip().endswith(".") and re.match(r"\s+[a-z]", self.lines[j].text):
                    break  # body text resumes after the notes (a sentence the table interrupted)
                foot.append(j)
                j += 1
            if j < n and not self.lines[j].blank and not self.lines[j].removed:
                k = j
                break
            k = j
            paras += 1
        if foot:
            i = max(i, foot[-1] + 1)
        tbl = RawTable(number=number, caption_lines=caption_lines, caption=caption, row_lines=row_lines, rows=rows,
                       footnote_lines=foot, fmt=fmt, continued=continued)
        return tbl, i

    # ------------------------------------------------------------------ stage 3+: document
    def parse(self) -> Document:
        self.find_running_headers()
        self.segment()
        doc = Document(id=self.doc_id, source=self.source, format=self.fmt, text=self.text,
                       line_starts=self.line_starts)
        doc.removed_lines = [ln.idx + 1 for ln in self.lines if ln.removed]
        self._build_sections(doc)
        self._build_tables(doc)
        self._build_references(doc)
        self._build_paragraphs(doc)
        doc.title = self._find_title(doc)
        doc.warnings.extend(self.warnings)
        return doc

    # sections -----------------------------------------------------------
    def _build_sections(self, doc: Document) -> None:
        """Assign every block to a section; recognise the abstract."""
        sections: list[Section] = []
        self.block_section: list[tuple[str | None, str]] = []
        current: Section | None = None
        top_kind = "front"
        seen_body_heading = False
        counter = 0

        def open_section(title: str, kind: str, level: int, span: Span) -> Section:
            nonlocal counter
            counter += 1
            sec = Section(id=f"s{counter}", title=title, kind=kind, level=level, span=span)
            sections.append(sec)
            return sec

        front = open_section("Front matter", "front", 0, self.span(0, 0))
        current = front
        for b in self.blocks:
            if b.kind == "heading":
                title = clean_heading(b.heading_text)
                kind = section_kind_of(title)
                span = self.lines_span(b.lines)
                doc.headings.append(Heading(text=title, level=b.level, span=span))
                if kind is None:
                    if not seen_body_heading and current.kind in ("front", "title"):
                        kind = "front"
                    else:
                        kind = top_kind if top_kind not in ("front", "abstract", "keywords") else "other"
                        if kind in ("references",):
                            kind = "other"
                elif kind == "methods" and top_kind == "results" and _RESULTS_SUBHEADING.match(title):
                    kind = "results"  # "Patients" / "Participants" under Results: the results' own subsection
                elif kind == "methods" and top_kind == "results" and _RESULTS_SUBHEADING.match(title):
                    kind = "results"  # "Patients", "Outcomes" under Results: a results subsection
                elif top_kind == "abstract" and not seen_body_heading and _STRUCTURED_ABSTRACT.match(title) \
                        and self._short_section_follows(b) and self._abstract_heading_bare(b):
                    kind = "abstract"  # "Objective", "Design", "Results" ... inside a structured abstract
                else:
                    if kind not in ("statistics",):
                        top_kind = kind
                    if kind not in ("abstract", "keywords"):
                        seen_body_heading = True
                current = open_section(title, kind, b.level, span)
            self.block_section.append((current.id, current.kind))
        # abstract recognition when there is no Abstract heading
        if not any(s.kind == "abstract" for s in sections):
            self._find_abstract(sections, open_section)
        # close spans
        for idx, sec in enumerate(sections):
            blocks = [b for b, (sid, _) in zip(self.blocks, self.block_section) if sid == sec.id]
            lines = [l for b in blocks for l in b.lines]
            if lines:
                sec.span = self.lines_span(lines)
        doc.sections = [s for s in sections if s.id != "s1" or any(sid == "s1" for sid, _ in self.block_section)]

    def _abstract_heading_bare(self, heading: Block) -> bool:
        """True when the "Abstract" heading before ``heading`` has no text of its own (subheadings follow it)."""
        i = self.blocks.index(heading) - 1
        while i >= 0:
            b = self.blocks[i]
            if b.kind == "heading":
                if section_kind_of(clean_heading(b.heading_text)) == "abstract":
                    return True
                i -= 1
                continue
            if b.kind == "paragraph":
                # text directly under a subheading is fine; text directly under "Abstract" is not
                j = i
                while j >= 0 and self.blocks[j].kind not in ("heading",):
                    j -= 1
                if j >= 0 and section_kind_of(clean_heading(self.blocks[j].heading_text)) == "abstract":
                    return False
                i = j
                continue
            i -= 1
        return False

    def _short_section_follows(self, heading: Block) -> bool:
        """True when the text under a heading is short (a structured-abstract part)."""
        i = self.blocks.index(heading) + 1
        words = 0
        while i < len(self.blocks) and self.blocks[i].kind != "heading":
            if self.blocks[i].kind == "paragraph":
                words += sum(len(self.lines[l].text.split()) for l in self.blocks[i].lines)
            i += 1
        return words <= 160

    def _find_abstract(self, sections: list[Section], open_section) -> None:
        """Inline-labelled or unlabelled abstracts before the body."""
        n_blocks = len(self.blocks)
        first_body = next((i for i, (sid, kind) in enumerate(self.block_section)
                           if kind not in ("front", "abstract", "keywords", "other")), n_blocks)
        label_re = re.compile(r"^\s*(?:\*\*)?\s*(Abstract|Summary)\b\s*[.:]?", re.I)
        struct_re = re.compile(r"^\s*(?:\*\*)?\s*(Purpose|Objectives?|Background|Aims?|Introduction|Methods|"
                               r"Patients and Methods|Materials and Methods|Results|Findings|Conclusions?|Interpretation)"
                               r"\s*:?\s*(?:\*\*)?\s*:", re.I)
        kw_re = re.compile(r"^\s*(?:\*\*)?\s*Key ?words?\s*:?", re.I)
        abstract_blocks: list[int] = []
        kw_blocks: list[int] = []
        for i in range(first_body):
            b = self.blocks[i]
            if b.kind != "paragraph":
                continue
            first = self.lines[b.lines[0]].text
            if kw_re.match(first):
                kw_blocks.append(i)
            elif label_re.match(first) or struct_re.match(first):
                abstract_blocks.append(i)
        if not abstract_blocks:
            # the first long paragraph before the body
            for i in range(first_body):
                b = self.blocks[i]
                if b.kind == "paragraph":
                    words = sum(len(self.lines[l].text.split()) for l in b.lines)
                    if words >= 100:
                        abstract_blocks.append(i)
                        break
        if abstract_blocks:
            a0 = abstract_blocks[0]
            lines = [l for i in abstract_blocks for l in self.blocks[i].lines]
            sec = open_section("Abstract", "abstract", 1, self.lines_span(lines))
            for i in abstract_blocks:
                self.block_section[i] = (sec.id, "abstract")
            # paragraphs between labelled parts of a structured abstract
            for i in range(a0, abstract_blocks[-1]):
                if self.blocks[i].kind == "paragraph":
                    self.block_section[i] = (sec.id, "abstract")
        if kw_blocks:
            lines = [l for i in kw_blocks for l in self.blocks[i].lines]
            sec = open_section("Keywords", "keywords", 1, self.lines_span(lines))
            for i in kw_blocks:
                self.block_section[i] = (sec.id, "keywords")
        labelled = bool(abstract_blocks) and (label_re.match(self.lines[self.blocks[abstract_blocks[0]].lines[0]].text)
                                              or struct_re.match(self.lines[self.blocks[abstract_blocks[0]].lines[0]].text))
        if labelled and first_body < n_blocks:
            # a labelled abstract runs until the first body heading (it may be split by page breaks)
            last = max(abstract_blocks + kw_blocks)
            sec_id = self.block_section[abstract_blocks[0]][0]
            for i in range(abstract_blocks[-1] + 1, first_body):
                if self.blocks[i].kind == "paragraph" and i not in kw_blocks and i > last - 10_000 \
                        and self.block_section[i][1] in ("front", "other"):
                    self.block_section[i] = (sec_id, "abstract")
            return
        # text between the abstract and the first heading in an unheaded article is the introduction
        if abstract_blocks:
            last = max(abstract_blocks + kw_blocks)
            intro = [i for i in range(last + 1, first_body) if self.blocks[i].kind == "paragraph"
                     and self.block_section[i][1] in ("front", "other")]
            if intro:
                lines = [l for i in intro for l in self.blocks[i].lines]
                sec = open_section("Introduction", "introduction", 1, self.lines_span(lines))
                for i in intro:
                    self.block_section[i] = (sec.id, "introduction")

    # tables -------------------------------------------------------------
    def _build_tables(self, doc: Document) -> None:
        tables: list[Table] = []
        unnamed = 0
        for bi, b in enumerate(self.blocks):
            if b.kind != "table" or b.table is None:
                continue
            raw = b.table
            sid = self.block_section[bi][0]
            if raw.number is None:
                unnamed += 1
                label = f"Unlabelled table {unnamed}"
            else:
                label = f"Table {raw.number}"
            table = self._make_table(raw, label, sid)
            if table is None:
                continue
            prev = next((t for t in reversed(tables) if t.label == label), None) if raw.number else None
            if prev is not None and (raw.continued or True) and prev.number == table.number:
                # a continuation: drop a repeated header, append rows
                hdr_texts = [[c.text for c in r.cells] for r in prev.header_rows]
                for r in table.header_rows:
                    if [c.text for c in r.cells] not in hdr_texts:
                        table.rows.insert(0, r.model_copy(update={"kind": "body"}))
                base = len(prev.rows)
                for k, r in enumerate(table.rows):
                    prev.rows.append(r.model_copy(update={"index": base + k + len(prev.header_rows)}))
                prev.footnotes.extend(table.footnotes)
                prev.continued = True
                prev.span = self.span(prev.span.char_start, max(prev.span.char_end, table.span.char_end))
                assign_groups(prev)
                continue
            tables.append(table)
        doc.tables = tables

    def _make_table(self, raw: RawTable, label: str, sid: str | None) -> Table | None:
        rows = [r for r in raw.rows if any(c[0].strip() for c in r)]
        if not rows:
            return None
        width = max(len(r) for r in rows)
        cells_rows: list[list[Cell]] = []
        for r in rows:
            cells = []
            for raw_text, s, e in r:
                tr = Tracked.from_source(raw_text, s)
                norm = normalize_inline(tr, in_table=True)
                text, markers = strip_cell_markers(norm.tracked.text)
                markers = [m.text.strip("<>/sup^{}") for m in norm.markers] + markers
                lead = len(raw_text) - len(raw_text.lstrip())
                trail = len(raw_text.rstrip())
                cs, ce = (s + lead, s + trail) if trail > lead else (s, s)
                cells.append(Cell(text=text, raw=raw_text.strip(), span=self.span(cs, ce), markers=markers))
            while len(cells) < width:
                last_end = cells[-1].span.char_end if cells else 0
                cells.append(Cell(text="", raw="", span=self.span(last_end, last_end)))
            cells_rows.append(cells)
        # header rows
        n_header = 1
        first_empty = sum(1 for c in cells_rows[0][1:] if not c.text)
        k = 1
        while k < len(cells_rows) and k < 4:
            row = cells_rows[k]
            nonempty = [c.text for c in row if c.text]
            if (not row[0].text and len(nonempty) >= 2
                    and all(re.search(r"[A-Za-z]", t) and not re.fullmatch(r"N[ARE]|NS", t) for t in nonempty)):
                n_header += 1
                k += 1
                continue
            break
        header = cells_rows[:n_header]
        body = cells_rows[n_header:]
        # two header lines where the first has no gaps are one wrapped header
        if n_header >= 2 and first_empty == 0:
            merged = [Cell(text=(a.text + " " + b.text).strip(), raw=(a.raw + " " + b.raw).strip(),
                           span=self.span(a.span.char_start, max(a.span.char_end, b.span.char_end)), markers=a.markers + b.markers)
                      for a, b in zip(header[0], header[1])]
            header = [merged] + header[2:]
        columns = combine_headers(header, width)
        span_lines = raw.caption_lines + raw.row_lines + raw.footnote_lines
        header_rows = [TableRow(index=i, cells=r, span=self._row_span(r), kind="header") for i, r in enumerate(header)]
        body_rows: list[TableRow] = []
        for i, r in enumerate(body):
            body_rows.append(TableRow(index=len(header) + i, cells=r, span=self._row_span(r), kind="body"))
        # wrapped body rows: label continues and no values
        merged_rows: list[TableRow] = []
        for r in body_rows:
            vals = [c.text for c in r.cells[1:] if c.text]
            if merged_rows and r.cells[0].text and r.cells[0].text[:1].islower() and not vals \
                    and not any(c.text for c in merged_rows[-1].cells[1:]):
                prev = merged_rows[-1]
                c0 = prev.cells[0]
                prev.cells[0] = Cell(text=c0.text + " " + r.cells[0].text, raw=c0.raw + " " + r.cells[0].raw,
                                     span=self.span(c0.span.char_start, r.cells[0].span.char_end), markers=c0.markers)
                continue
            if merged_rows and not r.cells[0].text and vals and all(not _is_numeric_text(v) for v in vals) \
                    and any(c.text for c in merged_rows[-1].cells[1:]) \
                    and not all(DESCRIPTOR_CELL.match(v) for v in vals):   # "| | n (%) | n (%) |": a sub-header

                prev = merged_rows[-1]
                for j, c in enumerate(r.cells[1:], start=1):
                    if c.text and j < len(prev.cells):
                        p = prev.cells[j]
                        prev.cells[j] = Cell(text=(p.text + " " + c.text).strip(), raw=(p.raw + " " + c.raw).strip(),
                                             span=self.span(p.span.char_start, c.span.char_end), markers=p.markers)
                continue
            merged_rows.append(r)
        for i, r in enumerate(merged_rows):
            r.index = len(header_rows) + i
            if not any(c.text for c in r.cells[1:]):
                r.kind = "group"
        foot = [normalize_inline(Tracked.from_source(self.lines[l].text, self.lines[l].start)).tracked.text
                for l in raw.footnote_lines if not _RE_CONTINUED.match(self.lines[l].text)]
        foot = _join_footnotes(foot)
        caption_span = self.lines_span(raw.caption_lines) if raw.caption_lines else None
        caption_text = normalize_inline(Tracked.from_source(raw.caption, 0)).tracked.text if raw.caption else ""
        t = Table(id=f"t{label.split()[-1]}" if raw.number else f"tu{label.split()[-1]}", label=label, number=raw.number,
                  caption=caption_text, caption_span=caption_span, header_rows=header_rows, rows=merged_rows,
                  columns=columns, footnotes=foot, span=self.lines_span(span_lines), section=sid,
                  source_format=("pdf-text" if self.fmt == "pdf" else raw.fmt), continued=raw.continued)
        assign_groups(t)
        return t

    def _row_span(self, cells: list[Cell]) -> Span:
        s = min(c.span.char_start for c in cells)
        e = max(c.span.char_end for c in cells)
        return self.span(s, e)

    # references ---------------------------------------------------------
    def _build_references(self, doc: Document) -> None:
        ref_re = re.compile(r"^\s*(?:[-*•]\s*)?(?:\[(\d{1,3})\]|(\d{1,3})\.(?=\s)|(\d{1,3})\s(?=[A-Z]))?\s*(.*)$")
        refs: list[Reference] = []
        for bi, b in enumerate(self.blocks):
            if self.block_section[bi][1] != "references" or b.kind != "paragraph":
                continue
            cur: list[int] = []
            entries: list[list[int]] = []
            for l in b.lines:
                t = self.lines[l].text
                starts_new = bool(re.match(r"^\s*(?:[-*•]\s+|\[\d{1,3}\]|\d{1,3}\.\s)", t))
                if starts_new and cur:
                    entries.append(cur)
                    cur = []
                cur.append(l)
            if cur:
                entries.append(cur)
            for e in entries:
                raw = " ".join(self.lines[l].text.strip() for l in e)
                m = ref_re.match(raw)
                num = next((int(g) for g in (m.group(1), m.group(2), m.group(3)) if g), None) if m else None
                body = m.group(4) if m else raw
                body = normalize_inline(Tracked.from_source(body, 0)).tracked.text
                if len(body) < 15:
                    # a fragment continuing the previous entry (e.g. split by a page break)
                    if refs:
                        refs[-1].text += " " + body
                    continue
                if refs and not m.group(1) and not m.group(2) and body[:1].islower():
                    refs[-1].text += " " + body
                    continue
                refs.append(_parse_reference(num, body, self.lines_span(e)))
        # number unnumbered entries sequentially
        expected = 1
        for r in refs:
            if r.number is None:
                r.number = expected
            expected = r.number + 1
        for r in refs:
            _fill_reference_fields(r)
        doc.references = refs

    # paragraphs and sentences -------------------------------------------
    def _build_paragraphs(self, doc: Document) -> None:
        max_ref = max((r.number or 0 for r in doc.references), default=0) or None
        if max_ref is None and len(re.findall(r"[A-Za-z]\s?[\[(]\d{1,3}(?:\s*[-–‑,]\s*\d{1,3})*[\])]", self.text)) >= 5:
            max_ref = 150  # numbered citations without a reference list (truncated article)
        prose = [(bi, b) for bi, b in enumerate(self.blocks) if b.kind in ("paragraph", "figure")
                 and self.block_section[bi][1] != "references"]
        # merge paragraphs broken by page breaks, tables or figures
        merged: list[tuple[int, list[int], str]] = []  # (block index of first, lines, kind)
        for bi, b in prose:
            last_par = next((k for k in range(len(merged) - 1, -1, -1) if merged[k][2] == "paragraph"), None)
            if b.kind == "paragraph" and last_par is not None:
                pbi, plines, pkind = merged[last_par]
                last = self.lines[plines[-1]].text.rstrip()
                first = self.lines[b.lines[0]].text.lstrip()
                between = self.blocks[pbi + 1:bi]
                blocked = any(x.kind == "heading" for x in between) or \
                    (between and any(x.kind == "paragraph" for x in between))
                if (pkind == "paragraph" and not blocked and first[:1].islower()
                        and not _RE_SENT_END.search(last) and self.block_section[pbi][1] == self.block_section[bi][1]):
                    merged[last_par] = (pbi, plines + b.lines, pkind)
                    continue
            merged.append((bi, list(b.lines), b.kind))
        trackeds: list[Tracked] = []
        metas = []
        for pi, (bi, lines, kind) in enumerate(merged):
            tr = self._join_lines(lines)
            norm = normalize_inline(tr, max_ref=max_ref, paren_citations=self.fmt != "jats")
            sid, skind = self.block_section[bi]
            if kind == "figure":
                skind = "figure"
            trackeds.append(norm.tracked)
            metas.append((pi, lines, sid, skind, norm.markers))
        spans_per_par = sentence_spans([t.text for t in trackeds])
        s_counter = 0
        for (pi, lines, sid, skind, markers), tr, sent_spans in zip(metas, trackeds, spans_per_par):
            if not tr.text:
                continue
            # the paragraph's citations by offset: each sentence takes its own by bisection (not all of
            # them per sentence, which is quadratic in a long paragraph), in the markers' order
            cites = sorted(((m.offset, k, m) for k, m in enumerate(markers) if m.kind == "citation" and m.numbers),
                           key=lambda c: (c[0], c[1]))
            cite_at = [c[0] for c in cites]
            a, b_ = tr.source_range(0, len(tr.text))
            pid = f"p{pi + 1}"
            par = Paragraph(id=pid, text=tr.text, span=self.span(a, b_), section=sid, section_kind=skind)
            for (ss, se) in sent_spans:
                sub = tr.slice(ss, se)
                if not sub.text.strip():
                    continue
                s_counter += 1
                src_a, src_b = tr.source_range(ss, se)
                sid_ = f"x{s_counter}"
                quote = _quote(self.text, sub.offsets)
                # markers that fall inside this sentence (or right after its last char)
                nxt = tr.offsets[se] if se < len(tr.offsets) else src_b + 10_000
                sent = Sentence(id=sid_, text=sub.text, quote=quote, span=self.span(src_a, src_b), section=sid,
                                section_kind=skind, paragraph=pid, offsets=sub.offsets)
                doc.sentences.append(sent)
                par.sentence_ids.append(sid_)
                here = cites[bisect.bisect_left(cite_at, src_a):bisect.bisect_left(cite_at, nxt)]
                for _, _, m in sorted(here, key=lambda c: c[1]):
                    doc.citations.append(Citation(sentence=sid_, numbers=m.numbers,
                                                  span=self.span(m.offset, m.offset + len(m.text)), quote=m.text))
            doc.paragraphs.append(par)

    def _join_lines(self, lines: list[int]) -> Tracked:
        """Join hard-wrapped lines; repair end-of-line hyphenation."""
        out = Tracked()
        for k, l in enumerate(lines):
            ln = self.lines[l]
            raw = ln.text
            lead = len(raw) - len(raw.lstrip())
            seg = Tracked.from_source(raw.strip(), ln.start + lead)
            if not seg.text:
                continue
            if out.text:
                prev = out.text
                m = re.search(r"([A-Za-z]{2,})[-\u2011\u2010\u00ad]$", prev[-8:])  # the tail: linear in lines
                nxt_word = re.match(r"[a-z]+", seg.text)
                if m and nxt_word and nxt_word.group(0) not in COMPOUND_SUFFIXES:
                    out = out.slice(0, len(prev) - 1)          # drop the hyphen, no space
                elif m and nxt_word:
                    out = out.slice(0, len(prev) - 1)
                    out.append_const("-", ln.start)            # real compound: keep a plain hyphen
                else:
                    out.append_const(" ", ln.start)
            out.append(seg)
        return out

    def _find_title(self, doc: Document) -> str | None:
        for h in doc.headings:
            t = h.text.strip()
            if len(t.split()) >= 5 and not section_kind_of(t):
                return t
        front_ids = {s.id for s in doc.sections if s.kind == "front"}
        front_lines = [l for b, (sid, _) in zip(self.blocks, self.block_section) if sid in front_ids for l in b.lines]
        for li in front_lines[:15]:
            t = self.lines[li].text.strip()
            if len(t.split()) >= 6 and not re.search(r"received|accepted|published|check for updates|doi|@", t, re.I) \
                    and not t.lower().startswith("abstract"):
                return re.sub(r"^#+\s*", "", t)
        return None


# --------------------------------------------------------------------------- helpers

def section_kind_of(title: str) -> str | None:
    t = re.sub(r"[*_#]", "", title).strip()
    for rx, kind in _SECTION_RES:
        if rx.match(t):
            return kind
    return None


def clean_heading(s: str) -> str:
    s = re.sub(r"<[^>]+>", "", s)
    s = re.sub(r"[*_]{1,2}", "", s)
    return s.strip().rstrip(":").strip()


def is_table_row(s: str) -> bool:
    if not s.strip():
        return False
    t = s.strip()
    if t.startswith("|") and t.count("|") >= 2:
        return True
    if "\t" in s:
        parts = [p for p in s.split("\t")]
        return len(parts) >= 2
    return False


def split_row(s: str, start: int) -> list[tuple[str, int, int]]:
    """Split a pipe or tab row into (raw cell, start offset, end offset)."""
    cells: list[tuple[str, int, int]] = []
    t = s
    if t.lstrip().startswith("|"):
        lead = len(t) - len(t.lstrip())
        inner_start = lead + 1
        inner = t[inner_start:]
        if inner.rstrip().endswith("|"):
            inner = inner.rstrip()[:-1]
        pos = inner_start
        for part in inner.split("|"):
            cells.append((part, start + pos, start + pos + len(part)))
            pos += len(part) + 1
        return cells
    pos = 0
    for part in t.split("\t"):
        cells.append((part, start + pos, start + pos + len(part)))
        pos += len(part) + 1
    # a leading indent without a tab is part of the first cell; trailing empty cell from a trailing tab
    if len(cells) > 1 and not cells[-1][0].strip() and t.endswith("\t"):
        cells = cells[:-1]
    return cells


_RE_CELL_MARKERS = re.compile(r"(?<=[\d)%])\s*([#*†‡§]+|[a-d](?![a-z]))$")


def strip_cell_markers(text: str) -> tuple[str, list[str]]:
    """Remove trailing footnote markers from numeric cells: '12.50)#' -> markers ['#']."""
    markers: list[str] = []
    m = _RE_CELL_MARKERS.search(text)
    if m:
        markers.append(m.group(1))
        text = text[:m.start()].rstrip()
    return text, markers


def _is_numeric_text(t: str) -> bool:
    t = re.sub(r"\b[nN]\s*=\s*\d+", "", t)
    return bool(re.search(r"\d", t)) and not re.search(r"[A-Za-z]{3,}", t) and not re.fullmatch(r"\(?[nN]\s*=\s*\d+\)?", t.strip())


def combine_headers(header: list[list[Cell]], width: int) -> list[str]:
    """Combine header rows into one label per column ("Arm (n = 53) / Any grade")."""
    if not header:
        return [""] * width
    levels: list[list[str]] = []
    for r, row in enumerate(header):
        texts = [c.text for c in row] + [""] * (width - len(row))
        if r < len(header) - 1:
            # spanning labels: forward-fill across empty cells (not the corner)
            filled = []
            last = ""
            for j, t in enumerate(texts):
                if t:
                    last = t
                    filled.append(t)
                else:
                    filled.append(last if j > 0 and last and j > 0 else "")
            texts = filled
        levels.append(texts)
    cols = []
    for j in range(width):
        parts = [lv[j] for lv in levels if lv[j]]
        dedup: list[str] = []
        for p in parts:
            if p not in dedup:
                dedup.append(p)
        cols.append(" / ".join(dedup))
    return cols


def assign_groups(t: Table) -> None:
    """Give each body row the label of the group row above it (the text and JATS readers share it)."""
    group = None
    for r in t.rows:
        if r.kind == "group":
            group = r.label
            r.group = None
        else:
            r.group = group


def _join_footnotes(foot: list[str]) -> list[str]:
    out: list[str] = []
    for f in foot:
        if out and f[:1].islower() and not re.match(r"^[a-h][A-Z]", f):
            out[-1] += " " + f
        else:
            out.append(f)
    return out


def _quote(text: str, offsets: list[int]) -> str:
    """Verbatim source fragments covering ``offsets``, line breaks shown as spaces."""
    if not offsets:
        return ""
    a = min(offsets)
    b = max(offsets) + 1
    raw = text[a:b]
    if len(raw) <= 3 * max(1, len(offsets)) + 200:
        return re.sub(r"\s*\n\s*", " ", raw).strip()
    # non-contiguous (paragraph joined across a table): keep contiguous runs only
    runs = []
    s = prev = offsets[0]
    for o in offsets[1:]:
        if o - prev > 3:
            runs.append(text[s:prev + 1])
            s = o
        prev = o
    runs.append(text[s:prev + 1])
    return " ".join(re.sub(r"\s*\n\s*", " ", r).strip() for r in runs)


_RE_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")


def _parse_reference(num: int | None, body: str, span: Span) -> Reference:
    return Reference(number=num, text=body, span=span)


def _fill_reference_fields(r: Reference) -> None:
    body = r.text
    # authors: up to the first ". " after an initials group, or first period
    m = re.match(r"^(.+?(?:\bet al|[A-Z]{1,3}|\b[A-Z][a-z]+ [A-Z]{1,3}))\.\s*(.*)$", body)
    rest = body
    if m and len(m.group(1)) < 400:
        authors = m.group(1)
        rest = m.group(2)
        r.authors = [a.strip() for a in re.split(r",\s*|\s+and\s+", authors) if a.strip()][:40]
    # title: up to the next period followed by a journal-ish token
    m2 = re.match(r"^(.+?[.?!])\s+(?:\*)?([A-Z][^.;]*?)(?:\*)?\.?\s+(?:\*\*)?((?:19|20)\d\d)", rest)
    if m2:
        r.title = m2.group(1).rstrip(".").strip()
        r.journal = m2.group(2).strip().strip("*").strip()
    else:
        m3 = re.match(r"^(.+?[.?!])\s", rest)
        r.title = (m3.group(1) if m3 else rest).rstrip(".").strip() or None
    ys = _RE_YEAR.findall(body)
    if ys:
        r.year = int(ys[0])
