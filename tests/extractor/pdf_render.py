"""Render article text to PDF with fpdf2, for testing the PDF reader.

Not a typesetter, but close enough to a journal page to exercise the reader:
one or two columns (text balanced above and below full-width tables), ruled
(full grid) or unruled (three horizontal rules) tables drawn cell by cell,
tables split across pages (header repeated, optional "(continued)" caption),
superscript citation markers as small raised text, a running header and footer
and page numbers on every page. Uses DejaVu Sans when installed (full
unicode), else Helvetica with latin-1 replacements.

    blocks = parse_article(text)          # seed-style text -> blocks
    info = render(blocks, path, Layout(columns=2, ruled=False))

``parse_article`` reads the source the way the text ingester does, so that a
PDF rendered from a corpus file carries the same content as the text path
reads from it: hard-wrapped lines joined with end-of-line hyphenation mended,
a one-line opening title set as the title, table notes taken paragraph by
paragraph after the rows (until body text resumes), "(Continued)" markers
kept with their table, one paragraph per reference-list entry.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF

# --------------------------------------------------------------------------- blocks


@dataclass
class Run:
    text: str
    sup: bool = False


@dataclass
class Heading:
    text: str
    level: int = 1  # 0 = article title (full width, large)


@dataclass
class Para:
    runs: list[Run]

    @property
    def text(self) -> str:
        return "".join(r.text if not r.sup else f"<sup>{r.text}</sup>" for r in self.runs)


@dataclass
class TableBlock:
    caption: str
    header: list[list[str]]
    rows: list[list[str]]
    footnotes: list[str] = field(default_factory=list)

    @property
    def ncols(self) -> int:
        return max(len(r) for r in self.header + self.rows)


@dataclass
class Layout:
    columns: int = 1
    ruled: bool = True
    running_header: str | None = "Journal of Reproducible Oncology 2025;12:101-110"
    running_footer: str | None = "doi:10.5555/jro.2025.0042 | Open access"
    page_numbers: bool = True
    continued_caption: bool = False  # "Table 2 (continued)" on the next page of a split table
    page_w: float = 595.28
    page_h: float = 841.89
    margin: float = 56.0
    gutter: float = 22.0
    body_size: float = 10.0
    leading: float = 1.32
    table_size: float = 8.0
    foot_size: float = 7.0
    # tight typesetting: words drawn one by one, this many em apart, with no space characters
    # (None: spaces are characters, as most generators write them)
    word_gap: float | None = None
    # journal-style tables in a two-column page: a table that fits one column is set in it at body
    # leading, its rows flowing on with the text from column to column and page to page (the
    # header repeated at the top of each new column when ``repeat_header``, else absent); cells
    # wrap onto several lines; notes in body size when ``notes_body_size``
    tables_in_column: bool = False
    repeat_header: bool = True
    notes_body_size: bool = False
    # the caption of a table set in a column is pushed to the foot of the column, and the table
    # starts at the top of the next column (or page)
    caption_at_foot: bool = False
    # every table on pages of its own, set rotated by 90 degrees (landscape, read bottom to top),
    # the running header, footer and page number staying upright
    landscape_tables: bool = False
    # tables without rules between their rows: every other body row set on a shaded band (a filled
    # box across the table, as journals shade alternate rows), the header between two rules
    shaded: bool = False


# --------------------------------------------------------------------------- parsing seed text

_SUP_CHARS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺"
_SUP_MAP = str.maketrans(_SUP_CHARS, "0123456789-+")
_SECTION = re.compile(
    r"^(abstract|background|introduction|methods|materials and methods|patients and methods|results|"
    r"discussion|conclusions?|references|acknowledg(e)?ments|statistical analysis|funding)\s*$", re.I)
_CAPTION = re.compile(r"^\s*(?:#{1,6}\s*)?(\*\*)?Table\s+([0-9]+|[IVXLC]+)\b", re.I)
_FIG_CAPTION = re.compile(r"^\s*(?:#{1,6}\s*)?(?:\*\*)?\s*(Fig(?:ure)?\.?|FIGURE)\s*([0-9]{1,2}[A-Za-z]?)\b")
_FOOT = re.compile(r"^\s*(?!\*\*\s*(?i:table|fig))(?!#+\s)(?:(?:\*\*)?(?i:note|notes|abbreviations?|source|data are)\b|"
                   r"[*†‡§¶#]|[A-Z]{2,}\w*,\s|(?i:\(continued\)\.?\s*$))")
# how the text ingester (extractor/text.py) recognises the first line of a table note
try:
    from trialaudit.extractor.text import _RE_FOOTNOTE_START as _FOOT_TEXT
except ImportError:  # pragma: no cover - the renderer also works without the package
    _FOOT_TEXT = re.compile(
        r"^\s*(?!#{1,6}\s)(?:\*\*)?(?:Note|Notes|Abbreviations?|Source|Data (?:are|were)|[a-h]\s*[A-Z]|"
        r"\^?[a-h]\s|[#*†‡§]|\^[a-h]|<sup>|[A-Z][A-Za-z0-9/+\-]{1,12},? [a-z][a-z]+(?: [a-z]+)*[,;])")
_REFS = re.compile(r"^\s*(references?|bibliography|literature cited)\s*[.:]?\s*$", re.I)
# a new entry of a reference list (as the text ingester splits them)
_REF_ITEM = re.compile(r"^\s*(?:[-*•]\s+|\[\d{1,3}\]|\d{1,3}\.\s)")
_TITLE = re.compile(r"^(?=(?:\S+\s+){5,39}\S+$)[A-Z][^<]*[^.!?<>:;,]$")


def clean_inline(s: str) -> str:
    """Strip markdown/HTML/LaTeX markup, keep superscripts as <sup>…</sup>."""
    s = re.sub(r"</?(b|i|em|strong)>", "", s)
    s = s.replace("\\*", "\x00")  # an escaped star is a literal star, never emphasis
    s = re.sub(r"\*\*(.+?)\*\*", r"\1", s)
    s = re.sub(r"(?<![\w*])\*(\S.*?)\*(?!\w)", r"\1", s)
    s = s.replace("\x00", "*")

    def latex(m):
        t = m.group(1)
        t = re.sub(r"\\text\{([^}]*)\}", r"\1", t)
        t = re.sub(r"\\mathrm\{([^}]*)\}", r"\1", t)
        for a, b in (("\\leq", "≤"), ("\\geq", "≥"), ("\\le", "≤"), ("\\ge", "≥"), ("\\chi", "χ"),
                     ("\\pm", "±"), ("\\times", "×"), ("\\!", ""), ("\\,", " "), ("~", " "), ("\\%", "%")):
            t = t.replace(a, b)
        t = re.sub(r"\^\{([^}]*)\}", r"<sup>\1</sup>", t)
        t = re.sub(r"\^(\w)", r"<sup>\1</sup>", t)
        return t.strip()

    s = re.sub(r"\$([^$]*)\$", latex, s)
    s = re.sub(r"\^\{([^}]*)\}", r"<sup>\1</sup>", s)
    s = re.sub(f"[{_SUP_CHARS}]+", lambda m: f"<sup>{m.group(0).translate(_SUP_MAP)}</sup>", s)
    return re.sub(r"[ \t]+", " ", s).strip()


def runs_of(s: str) -> list[Run]:
    out = []
    pos = 0
    for m in re.finditer(r"<sup>(.*?)</sup>", s):
        if m.start() > pos:
            out.append(Run(s[pos:m.start()]))
        out.append(Run(m.group(1), sup=True))
        pos = m.end()
    if pos < len(s):
        out.append(Run(s[pos:]))
    return out


def _split_row(line: str) -> list[str] | None:
    if line.strip().startswith("|"):
        inner = line.strip().strip("|")
        if re.fullmatch(r"[\s:|\-]+", inner):
            return []  # separator row
        return [clean_inline(c) for c in inner.split("|")]
    if "\t" in line:
        return [clean_inline(c) for c in line.split("\t")]
    return None


try:  # compounds whose hyphen survives a line break, as the text ingester reads them
    from trialaudit.extractor.text import COMPOUND_SUFFIXES as _COMPOUND_SUFFIXES
except ImportError:  # pragma: no cover - the renderer also works without the package
    _COMPOUND_SUFFIXES = {"based", "related", "free", "line", "year", "month", "week", "day", "dose", "term",
                          "risk", "grade", "specific", "associated", "induced", "dependent", "like", "label"}


def join_wrapped_lines(lines: list[str]) -> str:
    """Join the hard-wrapped lines of a source paragraph as the text ingester does: a word
    hyphenated at a line end is mended ("musculo-" + "skeletal"), a compound keeps its hyphen."""
    out = ""
    for raw in lines:
        seg = raw.strip()
        if not seg:
            continue
        if out:
            m = re.search(r"([A-Za-z]{2,})[-\u2011\u2010\u00ad]$", out)
            nxt = re.match(r"[a-z]+", seg)
            if m and nxt:
                out = out[:-1] + ("" if nxt.group(0) not in _COMPOUND_SUFFIXES else "-")
            else:
                out += " "
        out += seg
    return out


def parse_article(text: str) -> list:
    """Seed-style article text -> Heading / Para / TableBlock list."""
    blocks: list = []
    lines = text.splitlines()
    para: list[str] = []
    first_heading = True

    def end_para():
        nonlocal first_heading
        if para:
            t = clean_inline(join_wrapped_lines(para))
            if t and first_heading and not blocks and len(para) == 1 and _TITLE.match(t):
                # a plain-text article opening with its title on one line: set it as the title
                blocks.append(Heading(t, 0))
                first_heading = False
            elif t:
                blocks.append(Para(runs_of(t)))
            para.clear()

    in_refs = False
    i = 0
    while i < len(lines):
        ln = lines[i].rstrip()
        s = ln.strip()
        if not s:
            end_para()
            i += 1
            continue
        m = re.match(r"^(#+)\s*(.*)$", s)
        if m and not (_CAPTION.match(s) and not para):
            end_para()
            blocks.append(Heading(clean_inline(m.group(2)), 0 if first_heading and len(m.group(1)) == 1 else 1))
            first_heading = False
            in_refs = bool(_REFS.match(blocks[-1].text))
            i += 1
            continue
        if _SECTION.match(clean_inline(s)):
            end_para()
            blocks.append(Heading(clean_inline(s)))
            in_refs = bool(_REFS.match(blocks[-1].text))
            i += 1
            continue
        if in_refs and para and _REF_ITEM.match(ln):
            end_para()  # each entry of the reference list on a line of its own, as in the source
        if _CAPTION.match(s) and not para:
            end_para()
            s = re.sub(r"^#+\s*", "", s)
            caption = clean_inline(s).replace(" | ", ". ", 1) if " | " in s[:14] else clean_inline(s)
            i += 1
            while i < len(lines) and lines[i].strip() and _split_row(lines[i]) is None:  # wrapped caption
                caption += " " + clean_inline(lines[i])
                i += 1
            rows: list[list[str]] = []
            while i < len(lines):
                r = _split_row(lines[i])
                if r is None:
                    if not lines[i].strip():
                        # blank line: the table continues if a row follows
                        j = i + 1
                        while j < len(lines) and not lines[j].strip():
                            j += 1
                        if j < len(lines) and _split_row(lines[j]) is not None:
                            i = j
                            continue
                        if not rows:
                            i += 1
                            continue
                    break
                if r:
                    rows.append(r)
                i += 1
            if len(rows) < 2:
                blocks.append(Para(runs_of(caption)))
                continue
            n = max(len(r) for r in rows)
            rows = [r + [""] * (n - len(r)) for r in rows]
            header = [rows[0]]
            if len(rows) > 2 and not rows[1][0] and any(rows[1][1:]) and any(not c for c in rows[0][1:]):
                header.append(rows[1])
            body = rows[len(header):]
            # footnotes: the paragraphs after the table that open like a note (as the text
            # ingester reads them), each kept whole; "(Continued)" markers too
            foot = []
            nparas = 0
            while i < len(lines) and nparas < 5:
                k = i
                while k < len(lines) and not lines[k].strip():
                    k += 1
                if k >= len(lines):
                    break
                t = lines[k]
                if not (_FOOT.match(t) or _FOOT_TEXT.match(t)) or _CAPTION.match(t) or _FIG_CAPTION.match(t) \
                        or _split_row(t) is not None:
                    break
                j = k
                while j < len(lines) and lines[j].strip() and _split_row(lines[j]) is None \
                        and not _CAPTION.match(lines[j]):
                    if j > k and lines[j - 1].rstrip().endswith(".") and re.match(r"\s+[a-z]", lines[j]):
                        break  # body text resumes after the notes (a sentence the table interrupted)
                    j += 1
                for ln in lines[k:j]:  # a line opening in lower case continues the note before it
                    f = clean_inline(ln)
                    if foot and f[:1].islower() and not re.match(r"^[a-h][A-Z]", f):
                        foot[-1] += " " + f
                    elif f:
                        foot.append(f)
                i = j
                nparas += 1
                if j < len(lines) and lines[j].strip():
                    break
            blocks.append(TableBlock(caption, header, body, foot))
            continue
        para.append(s)
        i += 1
    end_para()
    return blocks


# --------------------------------------------------------------------------- fonts

_DEJAVU_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF",
                "/usr/local/share/fonts", "/Library/Fonts"]
_LATIN1 = {"≥": ">=", "≤": "<=", "χ": "chi", "−": "-", "–": "-", "—": "-", "‘": "'", "’": "'", "“": '"',
           "”": '"', "…": "...", "×": "x", "µ": "u", "μ": "u", "≈": "~", "→": "->", "†": "+", "‡": "++",
           "β": "beta", "α": "alpha", "κ": "kappa", "ﬁ": "fi", "ﬂ": "fl", "•": "-", "✉": "@"}


def find_dejavu() -> tuple[str, str] | None:
    for d in _DEJAVU_DIRS:
        reg = Path(d) / "DejaVuSans.ttf"
        bold = Path(d) / "DejaVuSans-Bold.ttf"
        if reg.is_file() and bold.is_file():
            return str(reg), str(bold)
    return None


# --------------------------------------------------------------------------- renderer


class _Renderer:
    def __init__(self, layout: Layout, unicode_font: bool | None = None):
        self.L = layout
        self.pdf = FPDF(unit="pt", format=(layout.page_w, layout.page_h))
        self.pdf.set_auto_page_break(False)
        self._rot = None  # the rotation context of a landscape page, while one is drawn
        self.pdf.set_margins(0, 0, 0)
        fonts = find_dejavu() if unicode_font in (None, True) else None
        if fonts:
            self.pdf.add_font("Body", "", fonts[0])
            self.pdf.add_font("Body", "B", fonts[1])
            self.family = "Body"
            self.unicode = True
        else:
            self.family = "Helvetica"
            self.unicode = False
        self.text_w = layout.page_w - 2 * layout.margin
        self.col_w = (self.text_w - (layout.columns - 1) * layout.gutter) / layout.columns
        self.top = layout.margin
        self.bottom = layout.page_h - layout.margin
        self.y = self.top
        self.pending: list[tuple] = []  # ("line", h, draw(x, y)) | ("space", h)
        self.page_no = 0
        self.table_pages: dict[str, list[int]] = {}
        self.new_page()

    def shade(self, x: float, y: float, w: float, h: float):
        """A shaded band behind a table row (a filled box, no outline)."""
        self.pdf.set_fill_color(222)
        self.pdf.rect(x, y, w, h, style="F")

    # -- text helpers
    def t(self, s: str) -> str:
        if self.unicode:
            return s
        for a, b in _LATIN1.items():
            s = s.replace(a, b)
        return s.encode("latin-1", "replace").decode("latin-1")

    def font(self, size: float, bold: bool = False):
        self.pdf.set_font(self.family, "B" if bold else "", size)

    def width(self, s: str, size: float, bold: bool = False) -> float:
        self.font(size, bold)
        return self.pdf.get_string_width(self.t(s))

    def draw(self, x: float, baseline: float, s: str, size: float, bold: bool = False):
        if not s:
            return
        self.font(size, bold)
        gap = self.L.word_gap
        if gap is None:
            self.pdf.text(x, baseline, self.t(s))
            return
        for w in s.split(" "):  # narrower than spaces, so the line stays within its measured width
            if w:
                self.pdf.text(x, baseline, self.t(w))
                x += self.pdf.get_string_width(self.t(w))
            x += min(gap * size, self.pdf.get_string_width(" "))

    # -- pages
    def new_page(self):
        rot = self._rot
        if rot is not None:  # a landscape page: the header and footer are set upright
            rot.__exit__(None, None, None)
        self.pdf.add_page()
        self.page_no += 1
        L = self.L
        if L.running_header:
            self.draw(L.margin, 30, L.running_header, 8)
        if L.running_footer:
            self.draw(L.margin, L.page_h - 24, L.running_footer, 7)
        if L.page_numbers:
            s = str(self.page_no)
            self.draw(L.page_w - L.margin - self.width(s, 8), L.page_h - 24, s, 8)
        if rot is not None:
            self._rot = self.pdf.rotation(90, L.page_h / 2, L.page_h / 2)
            self._rot.__enter__()
        self.y = self.top

    def enter_landscape(self):
        """Pages of their own, turned: a frame page_h wide and page_w high, rotated by 90 degrees
        about (page_h / 2, page_h / 2), which maps it onto the portrait page."""
        L = self.L
        self.new_page()
        self._saved = (self.text_w, self.top, self.bottom)
        self.text_w = L.page_h - 2 * L.margin
        self.bottom = L.page_w - L.margin
        self.top = self.y = L.margin
        self._rot = self.pdf.rotation(90, L.page_h / 2, L.page_h / 2)
        self._rot.__enter__()

    def leave_landscape(self):
        self._rot.__exit__(None, None, None)
        self._rot = None
        self.text_w, self.top, self.bottom = self._saved
        self.new_page()

    # -- line breaking
    def wrap_runs(self, runs: list[Run], width: float, size: float, bold: bool = False):
        """Break runs into lines; each line is a list of (dx, text, sup)."""
        words: list[list[tuple[str, bool]]] = []
        for r in runs:
            if r.sup:
                if words:
                    words[-1].append((r.text, True))
                else:
                    words.append([(r.text, True)])
                continue
            parts = re.split(r"(\s+)", r.text)
            for k, p in enumerate(parts):
                if not p:
                    continue
                if p.isspace():
                    words.append([])
                    continue
                if words and words[-1] and k == 0 and not r.text[:1].isspace():
                    words[-1].append((p, False))  # glued to the previous run (e.g. after a superscript)
                else:
                    words.append([(p, False)])
        words = [w for w in words if w]
        sup_size = 0.62 * size
        space = self.width(" ", size, bold)
        lines: list[list[tuple[float, str, bool]]] = []
        cur: list[tuple[float, str, bool]] = []
        x = 0.0
        for w in words:
            ww = sum(self.width(p, sup_size if s else size, bold) for p, s in w)
            if cur and x + space + ww > width:
                lines.append(cur)
                cur, x = [], 0.0
            if cur:
                x += space
            for p, s in w:
                cur.append((x, p, s))
                x += self.width(p, sup_size if s else size, bold)
        if cur:
            lines.append(cur)
        return lines

    def line_item(self, parts, size, bold=False):
        h = size * self.L.leading

        def draw(x, y, parts=parts, size=size, bold=bold):
            # consecutive normal words go out as one string with real spaces, as typesetters do
            seg: list = []

            def flush_seg():
                if seg:
                    text = seg[0][1]
                    for (ax, ap), (bx, bp) in zip(seg, seg[1:]):
                        gap = bx - (ax + self.width(ap, size, bold))
                        text += (" " if gap > 0.5 else "") + bp
                    self.draw(x + seg[0][0], y + size, text, size, bold)
                    seg.clear()

            for dx, p, s in parts:
                if s:
                    flush_seg()
                    self.draw(x + dx, y + size - 0.38 * size, p, 0.62 * size, bold)
                else:
                    seg.append((dx, p))
            flush_seg()
        return ("line", h, draw)

    # -- flowing text
    def add_para(self, p: Para):
        lines = self.wrap_runs(p.runs, self.col_w, self.L.body_size)
        if self.pending:
            self.pending.append(("space", 0.7 * self.L.body_size))
        for parts in lines:
            self.pending.append(self.line_item(parts, self.L.body_size))

    def add_heading(self, h: Heading):
        if h.level == 0:
            self.flush(balance=True)
            size = self.L.body_size + 7
            for parts in self.wrap_runs(runs_of(h.text), self.text_w, size, True):
                if self.y + size * 1.3 > self.bottom:
                    self.new_page()
                self.line_item(parts, size, True)[2](self.L.margin, self.y)
                self.y += size * 1.3
            self.y += 10
            return
        size = self.L.body_size + 2
        if self.pending:
            self.pending.append(("space", 1.1 * self.L.body_size))
        for parts in self.wrap_runs(runs_of(h.text), self.col_w, size, True):
            self.pending.append(self.line_item(parts, size, True))
        self.pending.append(("space", 0.3 * self.L.body_size))

    def add_full_width_para(self, p: Para, size: float | None = None):
        """A paragraph across the whole text width (authors line, abstract in 2-col layouts)."""
        self.flush(balance=True)
        size = size or self.L.body_size
        for parts in self.wrap_runs(p.runs, self.text_w, size):
            if self.y + size * self.L.leading > self.bottom:
                self.new_page()
            self.line_item(parts, size)[2](self.L.margin, self.y)
            self.y += size * self.L.leading
        self.y += 0.8 * size

    def flush(self, balance: bool):
        """Lay pending lines into the columns of the current band."""
        ncol = self.L.columns
        while self.pending:
            while self.pending and self.pending[0][0] == "space":
                self.pending.pop(0)
            if not self.pending:
                return
            avail = self.bottom - self.y
            total = sum(it[1] for it in self.pending)
            if avail < 2 * self.L.body_size * self.L.leading:
                self.new_page()
                continue
            special = any(it[0] == "fill" for it in self.pending)
            if ncol == 1 or (balance and not special and total <= ncol * avail - 1):
                if ncol == 1:
                    target = avail
                else:
                    target = total / ncol
                groups: list[list] = [[] for _ in range(ncol)]
                c = 0
                acc = 0.0
                rest = list(self.pending)
                while rest:
                    it = rest[0]
                    if it[0] == "space" and not groups[c]:
                        rest.pop(0)
                        continue
                    if not groups[c] and self._repeat_header(rest):
                        continue
                    if it[0] == "fill":
                        rest.pop(0)
                        continue
                    limit = avail if ncol == 1 else min(avail, target + 0.5 * it[1])
                    if acc + it[1] > limit and groups[c]:
                        if c + 1 < ncol:
                            c += 1
                            acc = 0.0
                            continue
                        break
                    groups[c].append(rest.pop(0))
                    acc += it[1]
                used = self.draw_groups(groups)
                self.pending = rest
                if rest:
                    self.new_page()
                else:
                    self.y += used
                continue
            # fill every column to the bottom, then continue on a new page
            groups = [[] for _ in range(ncol)]
            rest = list(self.pending)
            for c in range(ncol):
                acc = 0.0
                while rest:
                    it = rest[0]
                    if it[0] == "space" and not groups[c]:
                        rest.pop(0)
                        continue
                    if not groups[c] and self._repeat_header(rest):
                        continue
                    if it[0] == "fill":  # the next it[2] items end the column at its foot
                        cap = rest[1:1 + it[2]]
                        hcap = sum(x[1] for x in cap)
                        if acc + hcap > avail:
                            break
                        rest.pop(0)
                        groups[c].append(("space", avail - acc - hcap))
                        groups[c].extend(cap)
                        del rest[:len(cap)]
                        acc = avail
                        break
                    if acc + it[1] > avail:
                        break
                    groups[c].append(rest.pop(0))
                    acc += it[1]
            self.draw_groups(groups)
            self.pending = rest
            self.new_page()

    def _repeat_header(self, rest: list) -> bool:
        """A column that starts with a body row of a table set in columns gets the table's header
        first (when the layout repeats headers); True when the header was put in front."""
        it = rest[0]
        if not self.L.repeat_header or it[0] != "line" or len(it) < 4 or not it[3].get("body"):
            return False
        rest[:0] = list(it[3]["header"])
        return True

    def add_column_table(self, tb: TableBlock) -> bool:
        """Set a table inside one column (see ``Layout.tables_in_column``); False when it does not fit."""
        L = self.L
        W = self.col_w
        size = L.table_size
        pad = 2.5 if L.ruled else 4.0  # without rules a journal leaves about an em between columns
        n = tb.ncols
        header = [r + [""] * (n - len(r)) for r in tb.header]
        rows = [r + [""] * (n - len(r)) for r in tb.rows]
        if len(header) > 1 or n > 4:
            return False  # a two-level header or a wide table goes across the page

        def min_widths(sz):
            mw = [0.0] * n
            for r in header:
                for j, c in enumerate(r):
                    mw[j] = max([mw[j]] + [self.width(wd, sz, True) + 2 * pad for wd in c.split()])
            for r in rows:
                for j, c in enumerate(r):
                    mw[j] = max([mw[j]] + [self.width(wd, sz) + 2 * pad for wd in c.split()])
            return mw

        while size > 6.5 and sum(min_widths(size)) > W:
            size -= 0.5
        if sum(min_widths(size)) > W:
            return False
        lh = size * 1.25
        nat = [20.0] * n
        for r in header + rows:
            for j, c in enumerate(r):
                nat[j] = max(nat[j], self.width(c, size, r in header) + 2 * pad)
        nat[0] = min(nat[0], 0.45 * W)
        mins = [min(m, w) for m, w in zip(min_widths(size), nat)]
        if sum(nat) <= W:
            widths = [w * W / sum(nat) for w in nat]
        else:
            t = max(0.0, (W - sum(mins)) / max(1e-6, sum(nat) - sum(mins)))
            widths = [m + (w - m) * t for m, w in zip(mins, nat)]
            widths = [w * W / sum(widths) for w in widths]
        xs = [0.0]
        for w in widths:
            xs.append(xs[-1] + w)
        label = re.match(r"Table\s+\w+", tb.caption)
        key = label.group(0) if label else tb.caption
        renderer = self

        def row_item(r, bold, top_rule, bottom_rule, meta):
            cells = [renderer.wrap_runs(runs_of(c), xs[j + 1] - xs[j] - 2 * pad, size, bold) or [[]]
                     for j, c in enumerate(r)]
            h = max(len(ls) for ls in cells) * lh + 2 * pad - 1

            def draw(x, y):
                pages = renderer.table_pages.setdefault(key, [])
                if renderer.page_no not in pages:
                    pages.append(renderer.page_no)
                if meta.get("shade"):
                    renderer.shade(x, y, W, h)
                for j, ls in enumerate(cells):
                    if L.ruled:
                        renderer.pdf.set_line_width(0.5)
                        renderer.pdf.rect(x + xs[j], y, xs[j + 1] - xs[j], h)
                    cy = y + pad - 1
                    for parts in ls:
                        renderer.line_item(parts, size, bold)[2](x + xs[j] + pad, cy - size * 0.15)
                        cy += lh
                if not L.ruled:
                    renderer.pdf.set_line_width(0.6)
                    if top_rule:
                        renderer.pdf.line(x, y, x + W, y)
                    if bottom_rule:
                        renderer.pdf.line(x, y + h, x + W, y + h)
            return ("line", h, draw, meta)

        hdr = [row_item(r, True, k == 0, k == len(header) - 1, {}) for k, r in enumerate(header)]
        body = [row_item(r, False, False, k == len(rows) - 1, {"body": True, "header": hdr,
                                                             "shade": L.shaded and k % 2 == 0})
                for k, r in enumerate(rows)]
        cap = [self.line_item(parts, size + 1, True) for parts in self.wrap_runs(runs_of(tb.caption), W, size + 1, True)]
        items: list = []
        if self.pending:
            items.append(("space", 0.9 * L.body_size))
        if L.caption_at_foot:
            items.append(("fill", 0.0, len(cap)))
        items += cap + [("space", 3.0)] + hdr + body + [("space", 3.0)]
        fsize = L.body_size if L.notes_body_size else L.foot_size
        for f in tb.footnotes:
            items += [self.line_item(parts, fsize) for parts in self.wrap_runs(runs_of(f), W, fsize)]
        self.pending += items
        return True

    def draw_groups(self, groups) -> float:
        used = 0.0
        for c, items in enumerate(groups):
            x = self.L.margin + c * (self.col_w + self.L.gutter)
            y = self.y
            for it in items:
                if it[0] == "line":
                    it[2](x, y)
                y += it[1]
            used = max(used, y - self.y)
        return used

    # -- tables
    def add_table(self, tb: TableBlock):
        if self.L.columns > 1 and self.L.tables_in_column and self.add_column_table(tb):
            return
        self.flush(balance=True)
        if self.L.landscape_tables:
            self.enter_landscape()
            self._add_table(tb)
            self.leave_landscape()
        else:
            self._add_table(tb)

    def _add_table(self, tb: TableBlock):
        L = self.L
        self.y += 8
        size = L.table_size
        pad = 4.0
        lh = size * 1.25
        n = tb.ncols
        header = [r + [""] * (n - len(r)) for r in tb.header]
        rows = [r + [""] * (n - len(r)) for r in tb.rows]
        W = self.text_w
        # spans in a two-level header: an empty cell after a filled one in the top row
        spans: list[list[int]] = []
        for hi, r in enumerate(header):
            sp = [1] * n
            if hi == 0 and len(header) > 1:
                j = 1
                while j < n:
                    if r[j]:
                        k = j + 1
                        while k < n and not r[k] and header[1][k]:
                            k += 1
                        sp[j] = k - j
                        for q in range(j + 1, k):
                            sp[q] = 0
                        j = k
                    else:
                        j += 1
            spans.append(sp)
        # a wide table gets a smaller font until its longest words fit their columns
        def min_widths(sz):
            mw = [0.0] * n
            for hi, r in enumerate(header):
                for j, c in enumerate(r):
                    if spans[hi][j] == 1:
                        mw[j] = max([mw[j]] + [self.width(wd, sz, True) + 2 * pad for wd in c.split()])
            for r in rows:
                for j, c in enumerate(r):
                    mw[j] = max([mw[j]] + [self.width(wd, sz) + 2 * pad for wd in c.split()])
            return mw

        while size > 5.5 and sum(min_widths(size)) > W:
            size -= 0.5
        lh = size * 1.25
        nat = [30.0] * n
        for hi, r in enumerate(header):
            for j, c in enumerate(r):
                if spans[hi][j] == 1:
                    nat[j] = max(nat[j], self.width(c, size, True) + 2 * pad)
        for r in rows:
            for j, c in enumerate(r):
                nat[j] = max(nat[j], self.width(c, size) + 2 * pad)
        nat[0] = min(nat[0], 0.42 * W)
        for j in range(1, n):
            nat[j] = min(nat[j], 0.3 * W)
        mins = [min(m, w) for m, w in zip(min_widths(size), nat)]
        if sum(nat) <= W:
            widths = [w * W / sum(nat) for w in nat]
        else:  # shrink the slack of every column, never below its longest word
            t = max(0.0, (W - sum(mins)) / max(1e-6, sum(nat) - sum(mins)))
            widths = [m + (w - m) * t for m, w in zip(mins, nat)]
            widths = [w * W / sum(widths) for w in widths]
        xs = [L.margin]
        for w in widths:
            xs.append(xs[-1] + w)

        def cell_lines(text, w, bold=False):
            return self.wrap_runs(runs_of(text), w - 2 * pad, size, bold) or [[]]

        def row_layout(r, hi=None):
            cells = []
            h = 0.0
            for j, c in enumerate(r):
                span = spans[hi][j] if hi is not None else 1
                if span == 0:
                    cells.append(None)
                    continue
                w = xs[j + span] - xs[j]
                ls = cell_lines(c, w, hi is not None)
                cells.append((j, span, ls))
                h = max(h, len(ls) * lh + 2 * pad - 2)
            return cells, h

        hdr_layout = [row_layout(r, hi) for hi, r in enumerate(header)]
        body_layout = [row_layout(r) for r in rows]
        cap_lines = self.wrap_runs(runs_of(tb.caption), W, size + 1, True)
        cap_h = len(cap_lines) * (size + 1) * 1.3 + 4
        hdr_h = sum(h for _, h in hdr_layout)
        need = cap_h + hdr_h + sum(h for _, h in body_layout[:2])
        if self.y + need > self.bottom:
            self.new_page()
        label = re.match(r"Table\s+\w+", tb.caption)
        key = label.group(0) if label else tb.caption
        pages = self.table_pages.setdefault(key, [])  # a "Table 1 (Continued)" part adds to Table 1
        if self.page_no not in pages:
            pages.append(self.page_no)

        def draw_caption(lines):
            for parts in lines:
                self.line_item(parts, size + 1, True)[2](L.margin, self.y)
                self.y += (size + 1) * 1.3
            self.y += 4

        def draw_row(cells, h, bold, top_rule=False, bottom_rule=False, shade=False):
            y0 = self.y
            if shade:
                self.shade(xs[0], y0, xs[-1] - xs[0], h)
            for cell in cells:
                if cell is None:
                    continue
                j, span, ls = cell
                x0, x1 = xs[j], xs[j + span]
                if L.ruled:
                    self.pdf.set_line_width(0.5)
                    self.pdf.rect(x0, y0, x1 - x0, h)
                cy = y0 + pad - 1
                for parts in ls:
                    dx = 0.0
                    if span > 1 and parts:
                        tw = parts[-1][0] + self.width(parts[-1][1], size, bold)
                        dx = max(0.0, (x1 - x0 - 2 * pad - tw) / 2)
                    self.line_item(parts, size, bold)[2](x0 + pad + dx, cy - size * 0.15)
                    cy += lh
            if not L.ruled:
                self.pdf.set_line_width(0.6)
                if top_rule:
                    self.pdf.line(xs[0], y0, xs[-1], y0)
                if bottom_rule:
                    self.pdf.line(xs[0], y0 + h, xs[-1], y0 + h)
            self.y += h

        def draw_header():
            for k, (cells, h) in enumerate(hdr_layout):
                draw_row(cells, h, True, top_rule=(k == 0), bottom_rule=(k == len(hdr_layout) - 1))

        draw_caption(cap_lines)
        draw_header()
        for k, (cells, h) in enumerate(body_layout):
            if self.y + h > self.bottom:
                if not L.ruled:
                    self.pdf.line(xs[0], self.y, xs[-1], self.y)
                self.new_page()
                if self.page_no not in self.table_pages[key]:
                    self.table_pages[key].append(self.page_no)
                if L.continued_caption and label:
                    draw_caption(self.wrap_runs([Run(f"{label.group(0)} (continued)")], W, size + 1, True))
                draw_header()
            draw_row(cells, h, False, bottom_rule=(k == len(body_layout) - 1), shade=L.shaded and k % 2 == 0)
        self.y += 3
        for f in tb.footnotes:
            for parts in self.wrap_runs(runs_of(f), W, L.foot_size):
                if self.y + L.foot_size * 1.3 > self.bottom:
                    self.new_page()
                self.line_item(parts, L.foot_size)[2](L.margin, self.y)
                self.y += L.foot_size * 1.3
        self.y += 16

    def finish(self, path) -> dict:
        self.flush(balance=True)
        self.pdf.output(str(path))
        return {"pages": self.page_no, "unicode": self.unicode, "table_pages": self.table_pages}


def render(blocks: list, path, layout: Layout | None = None, *, unicode_font: bool | None = None,
           full_width_first: int = 0) -> dict:
    """Render blocks to ``path``; the first ``full_width_first`` paragraphs span both columns."""
    r = _Renderer(layout or Layout(), unicode_font)
    nfull = full_width_first
    for b in blocks:
        if isinstance(b, Heading):
            r.add_heading(b)
        elif isinstance(b, TableBlock):
            r.add_table(b)
        elif isinstance(b, Para):
            if nfull > 0:
                r.add_full_width_para(b)
                nfull -= 1
            else:
                r.add_para(b)
    return r.finish(path)


def render_text(text: str, path, layout: Layout | None = None, **kw) -> dict:
    return render(parse_article(text), path, layout, **kw)


# --------------------------------------------------------------------------- a sample article

SAMPLE_ARTICLE = """\
# Apatinib plus ifosfamide and etoposide in relapsed osteosarcoma: a randomized phase II trial

Lu Xie¹, Jie Xu¹, Xin Sun² and Wei Guo¹

Abstract

Relapsed osteosarcoma carries a poor prognosis. We randomized 81 patients 2:1 to apatinib plus ifosfamide and etoposide (IE) or IE alone. The median progression-free survival was 5.5 months with apatinib plus IE versus 3.4 months with IE alone (hazard ratio 0.60; 95% CI 0.37 to 0.98). PARA-ABSTRACT-END.

Introduction

PARA-INTRO-1 The prognosis for patients with inoperable metastatic osteosarcoma that is resistant to first-line chemotherapy remains poor. Multi-targeted tyrosine kinase inhibitors can induce objective responses and prolong progression-free survival¹²; however, their efficacy is often compromised by large tumour volumes and poor performance status. The median progression-free survival reported with these agents was 5.5¹² months in one influential series, and the ﬁrst ofﬁcial guideline still lists them as an option.

PARA-INTRO-2 Ifosfamide and etoposide induce DNA damage and have been used in paediatric sarcoma for decades, with a response rate of 48% in one phase II study³. Combining a kinase inhibitor with chemotherapy might control lesions in different organs at the same time, a hypothesis that we tested in this randomized trial with an open-label design and a two-to-one allocation ratio.

Methods

PARA-METHODS-1 Eligible patients were aged 12 to 60 years, had histologically confirmed high-grade osteosarcoma that had progressed after at least one line of chemotherapy, had an ECOG performance status of 0 or 1, and had measurable disease according to RECIST version 1.1. Patients were randomized 2:1 to receive apatinib 500 mg orally once daily plus IE or IE alone, stratified by the site of metastasis.

PARA-METHODS-2 The primary endpoint was progression-free survival assessed by the investigators. Secondary endpoints were overall survival, objective response rate, disease control rate and safety. Assuming a median progression-free survival of 3 months with IE and 6 months with apatinib plus IE, 78 patients provided 80% power at a one-sided alpha of 0.10, and 81 were enrolled to allow for dropout.

Statistical analysis

PARA-STATS-1 Time-to-event outcomes were estimated with the Kaplan-Meier method and compared with a stratified log-rank test; hazard ratios were estimated with a Cox model. Proportions were compared with the chi-squared test or Fisher's exact test, and all tests were two-sided at the 5% level unless stated otherwise.

Results

PARA-RESULTS-1 Between April 2022 and August 2023, 89 patients were screened and 81 were randomized: 53 to apatinib plus IE and 28 to IE alone. Baseline characteristics were balanced between the groups (Table 1). The median age was 15.5 years in the combination group and 22.5 years in the control group.

Table 1 | Baseline characteristics of patients

| Variables | Apa+IE group (n = 53) | IE group (n = 28) |
|---|---|---|
| Age, years, median (range) | 15.5 (12–46) | 22.5 (12–52) |
| Male sex, n (%) | 34 (64.2) | 21 (75.0) |
| Female sex, n (%) | 19 (35.8) | 7 (25.0) |
| ECOG performance status 0, n (%) | 16 (30.2) | 9 (32.1) |
| Lung-only metastasis, n (%) | 35 (66.0) | 20 (71.4) |
| Time since initial diagnosis, months, median (interquartile range) | 12.1 (5.4, 18.8) | 15.1 (8.6, 22.7) |

Data are n (%) unless stated otherwise.

PARA-RESULTS-2 After a median follow-up of 19.9 months, the median progression-free survival was 5.5 months (95% CI 3.9 to 6.4) with apatinib plus IE and 3.4 months (95% CI 1.4 to 4.6) with IE (hazard ratio 0.60; P = 0.0402). The objective response rate was 32.1% and 25.0%, respectively (Table 2).

Table 2. Efficacy endpoints

Outcomes\tApa+IE group (n = 53)\tIE group (n = 28)\tP value
Complete response\t1 (1.9)\t0\t
Partial response\t16 (30.2)\t7 (25.0)\t
Stable disease\t31 (58.5)\t10 (35.7)\t
Progressive disease\t3 (5.7)\t10 (35.7)\t
Objective response rate, n (%)\t17 (32.1)\t7 (25.0)\t0.6126
Disease control rate, n (%)\t48 (90.6)\t17 (60.7)\t0.0026
Progression-free survival, median (95% CI)\t5.5 (3.9, 6.4)\t3.4 (1.4, 4.6)\t0.0402
Overall survival, median (95% CI)\t18.1 (13.7, 25.2)\t22.9 (19.3, NE)\t0.2493

CI, confidence interval; NE, not estimable.

PARA-RESULTS-3 Treatment-related adverse events of any grade occurred in 98.1% of patients in the combination group and 89.3% in the control group; grade 3 or higher events occurred in 69.8% and 64.3%, respectively (Table 3). No treatment-related deaths occurred in either group during the study.

Table 3 | Treatment related adverse events in at least 10% of patients in either group

| Events, n (%) | Apa+IE group (n = 53) | | IE group (n = 28) | |
|---|---|---|---|---|
| | Any grade | Grade ≥3 | Any grade | Grade ≥3 |
| Any TRAE | 52 (98.1) | 37 (69.8) | 25 (89.3) | 18 (64.3) |
| Platelet count decreased | 39 (73.6) | 21 (39.6) | 15 (53.6) | 8 (28.6) |
| White blood cell decreased | 37 (69.8) | 27 (50.9) | 19 (67.9) | 17 (60.7) |
| Anemia | 35 (66.0) | 17 (32.1) | 21 (75.0) | 15 (53.6) |
| Hypothyroidism | 32 (60.4) | 3 (5.7) | 4 (14.3) | 0 |

Discussion

PARA-DISCUSSION-1 In this randomized phase II trial, adding apatinib to IE improved progression-free survival compared with IE alone, with an acceptable safety profile. The observed benefit is consistent with earlier single-arm series of kinase inhibitors in relapsed osteosarcoma⁴,⁵ but the overall survival did not differ between the groups.

PARA-DISCUSSION-2 The study has limitations: the sample was small, the design was open label, and local therapy was not allowed during the study period, which may have shortened progression-free survival in both groups. These findings are exploratory and need confirmation in a larger phase III trial.

PARA-DISCUSSION-3 In summary, apatinib plus IE is an active regimen for relapsed or refractory osteosarcoma and deserves further evaluation in prospective trials with biomarker analyses.

References

1. Grignani G, et al. Sorafenib and everolimus for patients with unresectable high-grade osteosarcoma. Lancet Oncol 2015;16:98-107.
2. Xie L, et al. Apatinib for advanced osteosarcoma after failure of standard multimodal therapy. Oncologist 2019;24:e542-e550.
3. Gaspar N, et al. Lenvatinib with etoposide plus ifosfamide in patients with refractory or relapsed osteosarcoma. Lancet Oncol 2021;22:1312-1321.
"""

#: the paragraphs of SAMPLE_ARTICLE in reading order (their first token)
SAMPLE_ORDER = ["PARA-ABSTRACT-END", "PARA-INTRO-1", "PARA-INTRO-2", "PARA-METHODS-1", "PARA-METHODS-2",
                "PARA-STATS-1", "PARA-RESULTS-1", "PARA-RESULTS-2", "PARA-RESULTS-3", "PARA-DISCUSSION-1",
                "PARA-DISCUSSION-2", "PARA-DISCUSSION-3"]


def long_table(nrows: int = 60) -> TableBlock:
    """A table long enough to run over a page break."""
    rows = [[f"Patient subgroup {i:02d}", f"{i} ({i * 1.5:.1f})", f"{i + 3} ({i * 1.1:.1f})", f"0.{i:03d}"]
            for i in range(1, nrows + 1)]
    return TableBlock("Table 4. Outcomes by subgroup", [["Subgroup", "Arm A (n = 120)", "Arm B (n = 118)", "P value"]],
                      rows, ["Subgroups were prespecified."])
