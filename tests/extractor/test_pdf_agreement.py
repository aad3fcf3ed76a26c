"""The PDF path agrees with the text path on the bundled corpus (issue 5).

Every corpus article is rendered to PDF by the test suite itself
(``pdf_render.py``: one and two columns, ruled and unruled tables, tables
split across pages with and without a "(continued)" caption, superscript
citation markers, running header, footer and page numbers) from the very text
the text path reads - the corpus file. Both documents go through
``extract_study`` and ``run_checks`` and must give the same study facts and
the same findings. The comparison itself lives in ``bench/pdf_agreement.py``
(also a script printing the same table); run ``pytest -s`` to see the table.

Agreement per article x layout: the arms (label, n) are the same set; the
tables have the same labels, row and column counts, and cell texts (share of
text-path cells found with the same text); the findings are the same by
(code, fingerprint) with markup-blind quotes - recall and precision of the PDF
findings against the text findings - and, more loosely, by (code, message)
with line numbers blanked.

The renderings (corpus x layouts) run once per session in two worker processes (PDF reading,
extraction and checks take 5-10 s per rendering); the rendered PDFs stay in a
session temporary directory.
"""
from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

pytest.importorskip("fpdf")
pytest.importorskip("pdfplumber")


def _load_bench():
    name = "pdf_agreement_bench"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "pdf_agreement.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


A = _load_bench()
LAYOUTS = list(A.LAYOUTS)
HARD = list(A.HARD_LAYOUTS)

# Minimums per article and layout, by number of columns. Today the PDF path reaches 100% on
# arms, tables, cells and findings (recall and precision) for every article and layout (see the
# printed table). The looser (code, message) measure is lower in two columns (83% for one
# article): the text ingester takes a subheading for a heading only when the first line of the
# next paragraph has 8+ words, which a narrow column does not give, so a sentence moves to the
# parent section and the section name quoted in the message changes.
MINIMUMS = {
    1: {"cells": 99.0, "recall": 95.0, "precision": 95.0, "msg_recall": 95.0},
    2: {"cells": 98.0, "recall": 90.0, "precision": 90.0, "msg_recall": 75.0},
}


@pytest.fixture(scope="session")
def agreement(tmp_path_factory):
    """Every corpus article x layout, rendered, read back and compared - once per session."""
    pytest.importorskip("trialaudit.extractor.text")
    paths = A.corpus_paths()
    assert paths, "the bundled corpus is empty"
    out = tmp_path_factory.mktemp("pdf_agreement")
    jobs = max(1, min(2, os.cpu_count() or 1))
    t0 = time.perf_counter()
    rows = A.run_all(paths, LAYOUTS + HARD, out, jobs=jobs)
    elapsed = time.perf_counter() - t0
    print(f"\n\nPDF path vs text path, {len(paths)} corpus articles x {len(LAYOUTS + HARD)} layouts "
          f"({elapsed:.0f} s, {jobs} worker(s)); rendered PDFs in {out}\n")
    print(A.format_table(rows))
    print()
    return {(a.article, a.layout): a for a in rows}


def _explain(a, limit: int = 12) -> str:
    more = f"\n      ... {len(a.problems) - limit} more" if len(a.problems) > limit else ""
    return f"{a.article} / {a.layout}:\n      " + "\n      ".join(a.problems[:limit]) + more


def test_every_article_and_layout_compared(agreement):
    ids = {Path(p).stem for p in A.corpus_paths()}
    assert set(agreement) == {(i, lay) for i in ids for lay in LAYOUTS + HARD}
    for a in agreement.values():
        assert a.pages >= 2, f"{a.article}/{a.layout}: the rendering should run over several pages"
        assert a.cells_total > 0 and a.f_text > 0, f"{a.article}: nothing to compare"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_pdf_path_agrees_with_text_path(agreement, layout):
    cols = A.LAYOUTS[layout][0].columns
    mins = MINIMUMS[cols]
    bad = []
    for (article, lay), a in sorted(agreement.items()):
        if lay != layout:
            continue
        why = []
        if not a.arms_equal:
            why.append("arms differ")
        if not a.tables_equal:
            why.append("tables differ (labels, row or column counts)")
        if a.cell_pct < mins["cells"]:
            why.append(f"cells {a.cell_pct:.1f}% < {mins['cells']}%")
        if a.recall < mins["recall"]:
            why.append(f"finding recall {a.recall:.1f}% < {mins['recall']}%")
        if a.precision < mins["precision"]:
            why.append(f"finding precision {a.precision:.1f}% < {mins['precision']}%")
        if a.msg_recall < mins["msg_recall"]:
            why.append(f"(code, message) recall {a.msg_recall:.1f}% < {mins['msg_recall']}%")
        if why:
            bad.append(f"[{'; '.join(why)}] " + _explain(a))
    assert not bad, "PDF path disagrees with the text path:\n" + "\n".join(bad)


@pytest.mark.parametrize("columns", [1, 2])
def test_corpus_totals(agreement, columns):
    """Pooled over the corpus the agreement is (near) complete in both column layouts."""
    rows = [a for a in agreement.values() if a.layout in A.LAYOUTS and A.LAYOUTS[a.layout][0].columns == columns]
    cells = 100.0 * sum(a.cells_equal for a in rows) / sum(a.cells_total for a in rows)
    recall = 100.0 * sum(a.f_common for a in rows) / sum(a.f_text for a in rows)
    precision = 100.0 * sum(a.f_common for a in rows) / max(1, sum(a.f_pdf for a in rows))
    assert cells >= 99.5 and recall >= 97.0 and precision >= 97.0, (cells, recall, precision)


def test_layout_features_exercised(agreement):
    """The renderings have what issue 5 asks for: split tables (with and without a "(continued)"
    caption, ruled and unruled), running headers and page numbers that never reach the text."""
    for layout in LAYOUTS:
        lay = A.LAYOUTS[layout][0]
        rows = [a for a in agreement.values() if a.layout == layout]
        assert any(a.split_tables for a in rows), f"{layout}: no table runs over a page break"
        assert lay.running_header and lay.page_numbers
        leaks = {a.article: a.leaks for a in rows if a.leaks}
        assert not leaks, f"{layout}: running header/footer left in the text: {leaks}"
    kinds = {(A.LAYOUTS[a.layout][0].ruled, A.LAYOUTS[a.layout][0].continued_caption)
             for a in agreement.values() if a.split_tables and a.layout in A.LAYOUTS}
    assert {r for r, _ in kinds} == {True, False}, "split tables must be rendered ruled and unruled"
    assert {c for _, c in kinds} == {True, False}, "split tables with and without a continued caption"


def test_corpus_renders_superscript_markers():
    """Citation and footnote markers go into the PDFs as small raised text (not as digits)."""
    from pdf_render import Para, parse_article

    sups = 0
    for p in A.corpus_paths():
        blocks = parse_article(p.read_text(encoding="utf-8"))
        sups += sum(1 for b in blocks if isinstance(b, Para) for r in b.runs if r.sup)
    assert sups >= 50, sups


# Journal-style layouts (tables inside one column, flowing from column to column and page to page,
# wrapped cells, notes in body size, caption at a column's foot). Pooled over the corpus; the
# measured values (bench/pdf_agreement.py) are in the comments, the floors guard against regressions.
# Left to do: a narrow table whose wrapped cells are set at the row pitch with nothing in the
# text to tell a continuation line from a row (one table of the corpus), notes that flow on into
# the next column.
HARD_MINIMUMS = {
    "col-ruled": {"cells": 99.5, "recall": 97.0, "precision": 97.0},      # 100 / 100 / 100
    "col-unruled": {"cells": 99.5, "recall": 93.0, "precision": 93.0},    # 99.9 / 96.0 / 96.0
    "col-foot-cap": {"cells": 99.5, "recall": 93.0, "precision": 93.0},   # 100 / 96.1 / 96.1
    # every table on pages of its own set rotated (landscape): read in their own orientation (a
    # ruled one as a grid in the reading frame of its text), a two-level header with its spanning
    # cells over their sub-columns, a last column of long texts standing apart like a column of
    # the page taken in. Left to do: a stub label the text path reads as two rows ("... canonical"
    # / "types, N (%)") is one wrapped cell in the PDF (one article).
    "landscape": {"cells": 99.0, "recall": 97.0, "precision": 97.0},      # 99.6 / 100 / 100
    "landscape-two": {"cells": 99.5, "recall": 97.0, "precision": 97.0},  # 100 / 100 / 100
    # no rules between rows, every other row on a shaded band: the bands are the row grid
    "col-shaded": {"cells": 99.5, "recall": 97.0, "precision": 97.0},     # 100 / 100 / 100
}


@pytest.mark.parametrize("layout", HARD)
def test_journal_style_layouts(agreement, layout):
    rows = [a for a in agreement.values() if a.layout == layout]
    cells = 100.0 * sum(a.cells_equal for a in rows) / sum(a.cells_total for a in rows)
    recall = 100.0 * sum(a.f_common for a in rows) / sum(a.f_text for a in rows)
    precision = 100.0 * sum(a.f_common for a in rows) / max(1, sum(a.f_pdf for a in rows))
    mins = HARD_MINIMUMS[layout]
    assert sum(a.arms_equal for a in rows) >= mins.get("arms", len(rows)), \
        [a.problems[:3] for a in rows if not a.arms_equal]
    assert cells >= mins["cells"] and recall >= mins["recall"] and precision >= mins["precision"], \
        (layout, round(cells, 1), round(recall, 1), round(precision, 1), [_explain(a, 6) for a in rows if a.problems])
