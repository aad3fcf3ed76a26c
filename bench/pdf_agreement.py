"""PDF path vs text path: do both give the same study facts and findings?

Every corpus article is rendered to PDF (``tests/extractor/pdf_render.py``)
from the *same* text the text path reads (the corpus file), in several
layouts: one and two columns, ruled and unruled tables, tables split across
pages (with and without a "(continued)" caption), superscript citation
markers, a running header and footer with page numbers. The PDF is read back
with :func:`extractor.pdf.read_pdf` and both documents go through
``extract_study`` and ``run_checks``.

Agreement per article and layout:

* arms: the sets of (label, n) of the extracted arms are equal;
* tables: the same table labels; per table the same number of rows and
  columns; cell agreement = cells with the same text / cells of the text path
  (rows aligned with difflib, so one extra or missing row costs one row);
* findings: the PDF findings against the text findings by (code,
  fingerprint) -> recall (text findings found) and precision (PDF findings
  that are also text findings). The fingerprint is rebuilt markup-blind
  (:func:`norm_fingerprint`: table, row, column and quote of each evidence
  with LaTeX, HTML, markdown and citation markers removed), because the text
  path quotes its source verbatim (``<b>Total (n=26)</b>``) and a PDF cannot
  carry that markup; the checks' own fingerprints are reported as "fp R%".
  Looser: (code, message) with line numbers blanked ("msg R%/P%").

    PYTHONPATH=. python bench/pdf_agreement.py [--layouts one-ruled,two-unruled] [--articles id,...]
        [--jobs 2] [--details] [--keep DIR]

``--details`` lists every disagreement (cells, findings, messages).
"""
from __future__ import annotations

import argparse
import difflib
import hashlib
import os
import re
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for _p in (ROOT, ROOT / "tests" / "extractor"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from pdf_render import Layout, parse_article, render  # noqa: E402

#: name -> (layout, number of full-width paragraphs at the top)
LAYOUTS: dict[str, tuple[Layout, int]] = {
    "one-ruled": (Layout(columns=1, ruled=True), 0),
    "one-unruled": (Layout(columns=1, ruled=False, continued_caption=True), 0),
    "two-ruled": (Layout(columns=2, ruled=True, continued_caption=True), 2),
    "two-unruled": (Layout(columns=2, ruled=False), 2),
    # tight typesetting: word gaps of 0.14 em drawn as gaps, no space characters
    "two-tight": (Layout(columns=2, ruled=True, word_gap=0.14), 2),
}

# Journal-style layouts (issue 11): tables set inside one column of a two-column page, their cells
# wrapping onto several lines, their rows flowing on from column to column and page to page (the
# header repeated or absent at the top of the next column), notes in body size, and the caption
# pushed to the foot of a column with the table at the top of the next.
HARD_LAYOUTS: dict[str, tuple[Layout, int]] = {
    "col-ruled": (Layout(columns=2, ruled=True, tables_in_column=True), 2),
    "col-unruled": (Layout(columns=2, ruled=False, tables_in_column=True, repeat_header=False,
                           notes_body_size=True), 2),
    "col-foot-cap": (Layout(columns=2, ruled=True, tables_in_column=True, caption_at_foot=True,
                            repeat_header=False), 2),
    # every table on pages of its own, set rotated (landscape), in one and two columns of text
    "landscape": (Layout(columns=1, ruled=False, landscape_tables=True, continued_caption=True), 0),
    "landscape-two": (Layout(columns=2, ruled=True, landscape_tables=True), 2),
    # no rules between rows: every other row on a shaded band, tables in one column with wrapped cells
    "col-shaded": (Layout(columns=2, ruled=False, shaded=True, tables_in_column=True, repeat_header=False), 2),
}
ALL_LAYOUTS = {**LAYOUTS, **HARD_LAYOUTS}


# --------------------------------------------------------------------------- facts of one path

@dataclass
class Facts:
    """What is compared between the two paths (picklable, so workers can return it)."""

    arms: set[tuple[str, int | None]]
    tables: dict[str, list[list[str]]]          # label -> rows (header rows first) of cell texts
    findings: dict[tuple[str, str], str]        # (code, fingerprint) -> message
    nfindings: dict[tuple[str, str], list[str]]  # (code, markup-blind fingerprint) -> messages
    messages: Counter                           # (code, message with line numbers blanked) -> count
    pages: int = 0
    split_tables: list[str] = field(default_factory=list)  # tables the renderer ran over a page break
    leaks: int = 0              # running header / footer lines left in the document text
    seconds: float = 0.0


_LINE_RE = re.compile(r"\b(lines?|L)\s*\d+(?:\s*[-–]\s*\d+)?\b")


def norm_message(msg: str) -> str:
    """A finding message with line numbers blanked ("line 204" -> "line #")."""
    return _LINE_RE.sub(lambda m: m.group(1) + " #", msg)


def norm_text(s: str | None) -> str:
    """Markup-blind text: LaTeX, HTML tags, markdown emphasis and citation markers removed, no whitespace.

    The text path quotes the source verbatim (``<b>Total (n=26)</b>``,
    ``$P = 0.0402$``, ``survival^{1-5}``); the PDF path quotes what was printed.
    """
    if not s:
        return ""
    from trialaudit.extractor.normalize import normalize_plain

    t, _ = normalize_plain(s)
    t = re.sub(r"</?\w+[^>]*>", "", t).replace("**", "")
    return re.sub(r"\s+", "", t).lower()


def norm_fingerprint(f) -> str:
    """Like ``validation.context.fingerprint`` (code; table, row, column, quote of each evidence),
    with every part compared markup-blind (:func:`norm_text`). The rule's private key is not on
    the finding, so two findings of one rule on the same evidence share it: they are counted
    as a multiset."""
    parts = [f.code] + ["|".join(norm_text(x) for x in (e.table, e.row, e.column, (e.quote or "")[:300]))
                        for e in f.evidence]
    return hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def _group(pairs) -> dict:
    out: dict = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out


def facts_of(doc) -> Facts:
    from trialaudit.extractor.study import extract_study
    from trialaudit.validation.runner import run_checks

    study = extract_study(doc)
    findings, _ = run_checks(doc, study)
    tables: dict[str, list[list[str]]] = {}
    for t in doc.tables:
        label = t.label
        k = 2
        while label in tables:  # two tables with one label: keep both
            label = f"{t.label} #{k}"
            k += 1
        tables[label] = [[c.text for c in r.cells] for r in t.header_rows + t.rows]
    return Facts(
        arms={(a.label, a.n) for a in study.arms},
        tables=tables,
        findings={(f.code, f.fingerprint): f.message for f in findings},
        nfindings=_group(((f.code, norm_fingerprint(f)), f.message) for f in findings),
        messages=Counter((f.code, norm_message(f.message)) for f in findings),
        pages=doc.pages or 0,
    )


def text_facts(path: Path) -> Facts:
    from trialaudit.extractor.loader import read_document

    t0 = time.perf_counter()
    fx = facts_of(read_document(path))
    fx.seconds = time.perf_counter() - t0
    return fx


def pdf_facts(path: Path, layout_name: str, out_dir: Path, doc_id: str | None = None) -> Facts:
    """Render ``path`` (the corpus file itself) with a layout, read the PDF back, extract."""
    from trialaudit.extractor.pdf import read_pdf

    t0 = time.perf_counter()
    layout, full = ALL_LAYOUTS[layout_name]
    pdf = out_dir / f"{path.stem}--{layout_name}.pdf"
    rinfo = render(parse_article(path.read_text(encoding="utf-8")), pdf, layout, full_width_first=full)
    doc = read_pdf(pdf, doc_id=doc_id or path.stem)
    fx = facts_of(doc)
    fx.split_tables = sorted(k for k, v in rinfo["table_pages"].items() if len(v) > 1)
    fx.leaks = sum(doc.text.count(s) for s in (layout.running_header, layout.running_footer) if s)
    fx.seconds = time.perf_counter() - t0
    return fx


# --------------------------------------------------------------------------- comparison

@dataclass
class Agreement:
    article: str
    layout: str
    arms_equal: bool
    tables_equal: bool          # same labels, and per table the same row and column counts
    cells_equal: int
    cells_total: int
    f_text: int                 # findings of the text path
    f_pdf: int                  # findings of the PDF path
    f_common: int               # same (code, markup-blind fingerprint)
    raw_common: int             # same (code, fingerprint) as computed by the checks
    m_common: int               # same (code, message) (line numbers blanked)
    m_text: int
    m_pdf: int
    pages: int = 0
    split_tables: list[str] = field(default_factory=list)
    leaks: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def cell_pct(self) -> float:
        return 100.0 * self.cells_equal / self.cells_total if self.cells_total else 100.0

    @property
    def recall(self) -> float:
        return 100.0 * self.f_common / self.f_text if self.f_text else 100.0

    @property
    def precision(self) -> float:
        return 100.0 * self.f_common / self.f_pdf if self.f_pdf else 100.0

    @property
    def raw_recall(self) -> float:
        return 100.0 * self.raw_common / self.f_text if self.f_text else 100.0

    @property
    def msg_recall(self) -> float:
        return 100.0 * self.m_common / self.m_text if self.m_text else 100.0

    @property
    def msg_precision(self) -> float:
        return 100.0 * self.m_common / self.m_pdf if self.m_pdf else 100.0


def _cells_agreement(a: list[list[str]], b: list[list[str]], label: str, problems: list[str]) -> tuple[int, int]:
    """Equal cells of text rows ``a`` found in PDF rows ``b`` (rows aligned with difflib)."""
    total = sum(len(r) for r in a)
    equal = 0
    sm = difflib.SequenceMatcher(a=[tuple(r) for r in a], b=[tuple(r) for r in b], autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            equal += sum(len(r) for r in a[i1:i2])
            continue
        pairs = list(zip(range(i1, i2), range(j1, j2))) if op == "replace" else []
        for i, j in pairs:
            ra, rb = a[i], b[j]
            same = sum(1 for k, c in enumerate(ra) if k < len(rb) and rb[k] == c)
            equal += same
            diffs = [(k, c, rb[k] if k < len(rb) else None) for k, c in enumerate(ra) if k >= len(rb) or rb[k] != c]
            if len(rb) != len(ra):
                diffs.append(("ncols", len(ra), len(rb)))
            for d in diffs[:3]:
                problems.append(f"{label} row {i}: cell {d[0]}: text {d[1]!r} != pdf {d[2]!r}")
        if op in ("delete", "replace"):
            for i in range(i1 + len(pairs), i2):
                problems.append(f"{label} row {i} missing in pdf: {a[i]!r}")
        if op in ("insert", "replace"):
            for j in range(j1 + len(pairs), j2):
                problems.append(f"{label} extra pdf row {j}: {b[j]!r}")
    return equal, total


def compare(article: str, layout: str, text: Facts, pdf: Facts) -> Agreement:
    problems: list[str] = []
    arms_equal = text.arms == pdf.arms
    if not arms_equal:
        problems.append(f"arms: text {sorted(text.arms, key=str)} != pdf {sorted(pdf.arms, key=str)}")
    tables_equal = list(text.tables) == list(pdf.tables)
    if not tables_equal:
        problems.append(f"tables: text {list(text.tables)} != pdf {list(pdf.tables)}")
    ce = ct = 0
    for label, rows in text.tables.items():
        prow = pdf.tables.get(label)
        if prow is None:
            ct += sum(len(r) for r in rows)
            continue
        shape_t = (len(rows), max((len(r) for r in rows), default=0))
        shape_p = (len(prow), max((len(r) for r in prow), default=0))
        if shape_t != shape_p:
            tables_equal = False
            problems.append(f"{label}: text {shape_t[0]} rows x {shape_t[1]} cols != pdf {shape_p[0]} x {shape_p[1]}")
        e, t = _cells_agreement(rows, prow, label, problems)
        ce += e
        ct += t
    common = 0
    for k in sorted(set(text.nfindings) | set(pdf.nfindings)):
        tm = sorted(text.nfindings.get(k, []), key=norm_message)
        pm = sorted(pdf.nfindings.get(k, []), key=norm_message)
        common += min(len(tm), len(pm))
        for m in tm[len(pm):]:
            problems.append(f"finding missing in pdf: {k[0]} {m[:160]}")
        for m in pm[len(tm):]:
            problems.append(f"extra pdf finding: {k[0]} {m[:160]}")
        for a, b in zip(tm, pm):
            if norm_message(a) != norm_message(b):
                problems.append(f"same finding, other message: {k[0]}\n      text: {a[:200]}\n      pdf:  {b[:200]}")
    return Agreement(article, layout, arms_equal, tables_equal, ce, ct, sum(map(len, text.nfindings.values())),
                     sum(map(len, pdf.nfindings.values())), common, len(set(text.findings) & set(pdf.findings)),
                     sum((text.messages & pdf.messages).values()), sum(text.messages.values()),
                     sum(pdf.messages.values()), pdf.pages, pdf.split_tables, pdf.leaks, pdf.seconds,
                     problems)


# --------------------------------------------------------------------------- running everything

def _job(args):
    kind, path, layout, out_dir = args
    if kind == "text":
        return kind, path, layout, text_facts(Path(path))
    return kind, path, layout, pdf_facts(Path(path), layout, Path(out_dir))


def run_all(paths: list[Path], layouts: list[str], out_dir: Path, jobs: int = 1) -> list[Agreement]:
    """Text facts and PDF facts of every article x layout, in ``jobs`` worker processes."""
    todo = [("pdf", str(p), lay, str(out_dir)) for p in paths for lay in layouts]
    todo += [("text", str(p), None, str(out_dir)) for p in paths]
    if jobs > 1:
        import multiprocessing as mp

        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as ex:
            results = list(ex.map(_job, todo))
    else:
        results = [_job(t) for t in todo]
    text = {p: fx for kind, p, _, fx in results if kind == "text"}
    out = []
    for kind, p, lay, fx in results:
        if kind == "pdf":
            out.append(compare(Path(p).stem, lay, text[p], fx))
    order = {lay: k for k, lay in enumerate(layouts)}
    out.sort(key=lambda a: (a.article, order[a.layout]))
    return out


def format_table(rows: list[Agreement]) -> str:
    """The agreement table: one line per article x layout, then totals per layout.

    find R/P: recall and precision of the PDF findings against the text findings by (code,
    markup-blind fingerprint); fp R: recall by the checks' own fingerprints; msg R/P: by
    (code, message with line numbers blanked).
    """
    head = (f"{'article':34s} {'layout':11s} {'pg':>3s} {'arms':>5s} {'tables':>6s} {'cells%':>7s} "
            f"{'find R%':>7s} {'find P%':>7s} {'fp R%':>6s} {'msg R%':>6s} {'msg P%':>6s} {'n txt/pdf':>9s}  split")
    lines = [head, "-" * len(head)]
    for a in rows:
        lines.append(f"{a.article[:34]:34s} {a.layout:11s} {a.pages:3d} {'yes' if a.arms_equal else 'NO':>5s} "
                     f"{'yes' if a.tables_equal else 'NO':>6s} {a.cell_pct:7.1f} {a.recall:7.1f} {a.precision:7.1f} "
                     f"{a.raw_recall:6.1f} {a.msg_recall:6.1f} {a.msg_precision:6.1f} {a.f_text:4d}/{a.f_pdf:<4d}  "
                     f"{','.join(a.split_tables) or '-'}")
    by_layout: dict[str, list[Agreement]] = {}
    for a in rows:
        by_layout.setdefault(a.layout, []).append(a)
    lines.append("-" * len(head))
    for lay, rs in by_layout.items():
        def tot(attr):
            return sum(getattr(a, attr) for a in rs)

        def pct(a, b):
            return 100.0 * tot(a) / max(tot(b), 1)

        lines.append(f"{'ALL':34s} {lay:11s} {'':3s} {sum(a.arms_equal for a in rs):2d}/{len(rs):<2d} "
                     f"{sum(a.tables_equal for a in rs):3d}/{len(rs):<2d} {pct('cells_equal', 'cells_total'):7.1f} "
                     f"{pct('f_common', 'f_text'):7.1f} {pct('f_common', 'f_pdf'):7.1f} "
                     f"{pct('raw_common', 'f_text'):6.1f} {pct('m_common', 'm_text'):6.1f} "
                     f"{pct('m_common', 'm_pdf'):6.1f} {tot('f_text'):4d}/{tot('f_pdf'):<4d}")
    return "\n".join(lines)


def corpus_paths() -> list[Path]:
    import trialaudit.corpus as corpus
    with corpus.paths() as ps:
        return [Path(p) for p in ps]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--layouts", default=",".join(ALL_LAYOUTS),
                    help="comma-separated, from: " + ", ".join(ALL_LAYOUTS))
    ap.add_argument("--articles", default="", help="comma-separated article ids (default: the whole corpus)")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--details", action="store_true", help="list every disagreement")
    ap.add_argument("--keep", type=Path, help="keep the rendered PDFs in this directory")
    args = ap.parse_args(argv)
    layouts = [x for x in args.layouts.split(",") if x]
    bad = [x for x in layouts if x not in ALL_LAYOUTS]
    if bad:
        ap.error(f"unknown layout(s): {', '.join(bad)}")
    paths = corpus_paths()
    if args.articles:
        want = set(args.articles.split(","))
        paths = [p for p in paths if p.stem in want]
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as d:
        out_dir = args.keep or Path(d)
        out_dir.mkdir(parents=True, exist_ok=True)
        rows = run_all(paths, layouts, out_dir, args.jobs)
    print(format_table(rows))
    if args.details:
        for a in rows:
            if a.problems:
                print(f"\n== {a.article} / {a.layout}")
                for p in a.problems:
                    print("   " + p)
    print(f"\n{len(rows)} article x layout pairs in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
