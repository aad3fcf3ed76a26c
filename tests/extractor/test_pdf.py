"""PDF ingestion: text-layer reconstruction, tables, bad input, a real journal PDF."""
from __future__ import annotations

import os
import re
import sys
import zlib
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pdf_render import (SAMPLE_ARTICLE, SAMPLE_ORDER, Heading, Layout, Para, TableBlock, long_table,  # noqa: E402
                        parse_article, render, runs_of)

from trialaudit.extractor.pdf import PdfIngestError, PdfOptions, pdf_to_text_layer  # noqa: E402

REAL_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "pdfs"
REAL_PDF = REAL_DIR / "bmj-2015-ussher-physical-activity-smoking-cessation-rct.pdf"
RUNNING_HEADER = "Journal of Reproducible Oncology 2025;12:101-110"


# --------------------------------------------------------------------------- helpers

def flat(text: str) -> str:
    """The layer as one string, lines joined by spaces (prose wraps are not repaired here)."""
    return re.sub(r"\s+", " ", text.replace("\t", " | "))


def table_blocks(text: str) -> dict[str, list[list[str]]]:
    """Caption label ('Table 2') -> tab-split rows that follow the caption line."""
    lines = text.split("\n")
    out: dict[str, list[list[str]]] = {}
    for i, ln in enumerate(lines):
        m = re.match(r"^Table (\d+|[IVXLC]+)[.|: ]", ln)
        if m and "\t" not in ln:
            rows = []
            j = i + 1
            while j < len(lines) and "\t" in lines[j]:
                rows.append(lines[j].split("\t"))
                j += 1
            out[f"Table {m.group(1)}"] = rows
    return out


def assert_in_order(text: str, markers: list[str]) -> None:
    pos = [text.find(m) for m in markers]
    missing = [m for m, p in zip(markers, pos) if p < 0]
    assert not missing, f"missing from text layer: {missing}"
    assert pos == sorted(pos), f"out of order: {sorted(zip(pos, markers))}"


def assert_geometry(text: str, geoms, info) -> None:
    lines = text.split("\n")
    assert len(geoms) == len(lines)
    for ln, g in zip(lines, geoms):
        if not ln:
            assert g is None
            continue
        assert g is not None, ln
        page, (x0, top, x1, bottom) = g
        assert 1 <= page <= info["pages"]
        assert x0 <= x1 and top <= bottom


@pytest.fixture(scope="module")
def sample_blocks():
    return parse_article(SAMPLE_ARTICLE)


def _layer(tmp_path_factory, name, blocks, layout, **kw):
    path = tmp_path_factory.mktemp("pdf") / f"{name}.pdf"
    rinfo = render(blocks, path, layout, **kw)
    text, geoms, info = pdf_to_text_layer(path)
    return path, rinfo, text, geoms, info


LAYOUTS = {
    "one-ruled": (Layout(columns=1, ruled=True), 0),
    "one-unruled": (Layout(columns=1, ruled=False), 0),
    "two-ruled": (Layout(columns=2, ruled=True), 2),
    "two-unruled": (Layout(columns=2, ruled=False), 2),
}


@pytest.fixture(scope="module", params=sorted(LAYOUTS))
def rendered(request, tmp_path_factory, sample_blocks):
    layout, full = LAYOUTS[request.param]
    return (request.param,) + _layer(tmp_path_factory, request.param, sample_blocks, layout,
                                     full_width_first=full)


# --------------------------------------------------------------------------- rendered layouts

def test_render_helper_parses_seed_forms():
    text = ("Table 2 | Efficacy\n\n| A | B |\n|---|---|\n| x | 1 |\n| y | 2 |\n\n"
            "**Table 3.** Safety\n\nEvent\tArm\nRash\t3\nFever\t4\n\nNote: none.\n\n"
            "Table III. Roman\n\nItem\t Value\nZ\t 9\nW\t 8\n")
    blocks = [b for b in parse_article(text) if isinstance(b, TableBlock)]
    assert [b.caption.split(".")[0] for b in blocks] == ["Table 2", "Table 3", "Table III"]
    assert blocks[0].header == [["A", "B"]] and blocks[0].rows == [["x", "1"], ["y", "2"]]
    assert blocks[1].footnotes == ["Note: none."]
    assert [r.sup for r in runs_of("5.5<sup>12</sup> months")] == [False, True, False]


def test_layout_paragraphs_in_reading_order(rendered):
    name, path, rinfo, text, geoms, info = rendered
    assert info["pages"] == rinfo["pages"] >= 2
    expected_cols = 2 if name.startswith("two") else 1
    assert max(info["columns"]) == expected_cols
    assert_in_order(text, SAMPLE_ORDER)
    # each paragraph starts its own block
    lines = text.split("\n")
    for m in SAMPLE_ORDER[1:]:
        i = next(k for k, ln in enumerate(lines) if ln.startswith(m))
        assert lines[i - 1] == "", m
    # wrapped lines are kept as lines (prose is not re-flowed)
    assert any(ln.startswith("PARA-INTRO-1") and not ln.endswith("option.") for ln in lines)
    assert_geometry(text, geoms, info)


def test_layout_headings_on_their_own_lines(rendered):
    name, path, rinfo, text, geoms, info = rendered
    lines = text.split("\n")
    for h in ["Abstract", "Introduction", "Methods", "Statistical analysis", "Results", "Discussion", "References"]:
        assert h in lines, h
        i = lines.index(h)
        assert lines[i - 1] == "" and lines[i + 1] == "", h
    title = "Apatinib plus ifosfamide and etoposide in relapsed osteosarcoma: a randomized phase II trial"
    assert lines[0] == title
    assert_in_order(text, ["Abstract", "Introduction", "Methods", "Results", "Discussion", "References"])


def test_layout_running_headers_and_page_numbers_removed(rendered):
    name, path, rinfo, text, geoms, info = rendered
    assert RUNNING_HEADER not in text
    assert "doi:10.5555/jro.2025.0042" not in text
    assert not any(re.fullmatch(r"\d{1,2}", ln.strip()) for ln in text.split("\n"))
    assert info["removed_lines"] >= 2 * info["pages"]


def test_layout_superscripts_not_glued(rendered):
    name, path, rinfo, text, geoms, info = rendered
    assert "5.5<sup>12</sup> months" in text
    assert "5.512" not in text
    assert "survival<sup>12</sup>;" in text
    assert "study<sup>3</sup>." in text
    assert "Xie<sup>1</sup>, Jie Xu<sup>1</sup>" in text
    # ligatures expanded
    assert "first official guideline" in flat(text)
    assert "\ufb01" not in text


def test_layout_tables(rendered, sample_blocks):
    name, path, rinfo, text, geoms, info = rendered
    src = {b.caption.split(".")[0]: b for b in sample_blocks if isinstance(b, TableBlock)}
    got = table_blocks(text)
    assert set(got) == set(src) == {"Table 1", "Table 2", "Table 3"}
    assert info["tables"] == 3
    for label, tb in src.items():
        rows = got[label]
        assert len(rows) == len(tb.header) + len(tb.rows), label
        assert {len(r) for r in rows} == {tb.ncols}, label
        assert [c.strip() for c in rows[0]] == tb.header[0], label
        assert [c.strip() for c in rows[-1]] == tb.rows[-1], label
    # a multi-line cell is joined into one cell
    t1 = got["Table 1"]
    assert ["Time since initial diagnosis, months, median (interquartile range)", "12.1 (5.4, 18.8)",
            "15.1 (8.6, 22.7)"] in t1
    # a two-level header stays two header rows, aligned with the columns
    t3 = got["Table 3"]
    assert t3[0] == ["Events, n (%)", "Apa+IE group (n = 53)", "", "IE group (n = 28)", ""]
    assert t3[1] == ["", "Any grade", "Grade ≥3", "Any grade", "Grade ≥3"]
    # empty cells stay empty; the table ends with a blank line after its footnote
    t2 = got["Table 2"]
    assert ["Complete response", "1 (1.9)", "0", ""] in t2
    lines = text.split("\n")
    last = next(i for i, ln in enumerate(lines) if ln.startswith("Overall survival, median"))
    assert lines[last + 1] == "CI, confidence interval; NE, not estimable."
    assert lines[last + 2] == ""
    # table lines carry the page they were printed on
    cap = next(i for i, ln in enumerate(lines) if ln.startswith("Table 3."))
    assert geoms[cap][0] in rinfo["table_pages"]["Table 3"]


def test_split_table_joined(tmp_path_factory):
    blocks = [Heading("A long table", 0), Para(runs_of("Results paragraph before the long table. " * 20)),
              long_table(60), Para(runs_of("PARA-AFTER The text after the table."))]
    for ruled in (True, False):
        for cont in (False, True):
            _, rinfo, text, geoms, info = _layer(tmp_path_factory, f"split-{ruled}-{cont}", blocks,
                                                 Layout(columns=1, ruled=ruled, continued_caption=cont))
            assert len(rinfo["table_pages"]["Table 4"]) >= 2, "the table must run over a page break"
            got = table_blocks(text)
            assert list(got) == ["Table 4"], (ruled, cont)
            rows = got["Table 4"]
            assert rows[0] == ["Subgroup", "Arm A (n = 120)", "Arm B (n = 118)", "P value"]
            assert len(rows) == 61, (ruled, cont, len(rows))  # repeated header dropped
            assert rows[1][0] == "Patient subgroup 01" and rows[-1][0] == "Patient subgroup 60"
            assert info["tables"] == 1
            pages = {geoms[i][0] for i, ln in enumerate(text.split("\n")) if ln.startswith("Patient subgroup")}
            assert len(pages) >= 2
            assert "PARA-AFTER" in text and "(continued)" not in text


def test_roman_caption_and_group_rows(tmp_path_factory):
    text = ("# Roman numerals\n\nResults\n\nPARA-BEFORE Efficacy is summarised below for all thirty-three patients "
            "who were treated in the two centres during the study period.\n\n"
            "Table III. Efficacy of combination treatment\n\nEfficacy variable\tValue\n"
            "Complete response, n (%)\t0 (0.0)\nPartial response, n (%)\t21 (63.6)\n"
            "ITT event-free survival\t\nKM, median (95% CI)\t11.4 (7.5, 17.1)\n4 months, n% (95% CI)\t90.9 (74.4, 97.0)\n\n"
            "Abbreviations: KM, Kaplan Meier.\n\nPARA-AFTER The combination was active in this population.\n")
    for ruled in (True, False):
        _, rinfo, layer, geoms, info = _layer(tmp_path_factory, f"roman-{ruled}", parse_article(text),
                                              Layout(columns=1, ruled=ruled, running_header=None))
        got = table_blocks(layer)
        assert list(got) == ["Table III"], layer
        rows = got["Table III"]
        assert rows[0] == ["Efficacy variable", "Value"]
        assert ["ITT event-free survival", ""] in rows  # a group row keeps its (empty) value cell
        assert rows[-1] == ["4 months, n% (95% CI)", "90.9 (74.4, 97.0)"]
        lines = layer.split("\n")
        assert "Table III. Efficacy of combination treatment" in lines
        assert "Abbreviations: KM, Kaplan Meier." in lines
        assert_in_order(layer, ["PARA-BEFORE", "Table III.", "PARA-AFTER"])


def test_helvetica_fallback_renders_and_reads(tmp_path):
    path = tmp_path / "latin1.pdf"
    blocks = parse_article(SAMPLE_ARTICLE)
    rinfo = render(blocks, path, Layout(columns=2), unicode_font=False, full_width_first=2)
    assert rinfo["unicode"] is False
    text, geoms, info = pdf_to_text_layer(path)
    assert_in_order(text, SAMPLE_ORDER)
    assert "Grade >=3" in text
    assert "5.5<sup>12</sup>" in text


def test_corpus_seed_renders(tmp_path):
    corpus_dir = Path(__file__).resolve().parents[2] / "corpus" / "articles"
    files = sorted(corpus_dir.glob("*.txt"))
    assert files, "the bundled corpus ships .txt articles"
    f = files[0]
    blocks = parse_article(f.read_text(encoding="utf-8"))
    ntab = sum(isinstance(b, TableBlock) for b in blocks)
    path = tmp_path / "seed.pdf"
    render(blocks, path, Layout(columns=2))
    text, geoms, info = pdf_to_text_layer(path)
    assert info["tables"] == ntab
    assert_geometry(text, geoms, info)
    for b in blocks:
        if isinstance(b, TableBlock):
            label = b.caption.split(".")[0]
            assert len(table_blocks(text)[label]) == len(b.header) + len(b.rows)


# --------------------------------------------------------------------------- bad input

def _minimal_pdf(page_count: int = 0) -> bytes:
    """A hand-written PDF with an empty page tree (or empty pages)."""
    kids = " ".join(f"{3 + i} 0 R" for i in range(page_count))
    objs = ["<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {page_count} >>"]
    objs += ["<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"] * page_count
    out = b"%PDF-1.4\n"
    offsets = []
    for i, o in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{o}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def _text_pdf(path: Path, pages: int = 1, encrypt: bool = False):
    from fpdf import FPDF
    pdf = FPDF(unit="pt")
    pdf.set_font("Helvetica", size=11)
    for k in range(pages):
        pdf.add_page()
        pdf.text(72, 72, f"Page {k + 1} of a small test document with some text.")
    if encrypt:
        pdf.set_encryption(owner_password="owner-secret", user_password="user-secret")
    pdf.output(str(path))
    return path


@pytest.mark.parametrize("name,content,message", [
    ("empty.pdf", b"", "file is empty"),
    ("random.pdf", os.urandom(4096), "not a PDF file"),
    ("text.pdf", b"This is a plain text file, not a PDF.\n" * 20, "not a PDF file"),
    ("garbage-with-header.pdf", b"%PDF-1.7\n" + os.urandom(3000) + b"\n%%EOF\n", "cannot parse PDF"),
    ("zero-pages.pdf", _minimal_pdf(0), "PDF has no pages"),
    ("blank-pages.pdf", _minimal_pdf(2), "no text layer; OCR is not supported"),
])
def test_bad_files(tmp_path, name, content, message):
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(PdfIngestError, match=re.escape(message)):
        pdf_to_text_layer(p)


def test_missing_file(tmp_path):
    with pytest.raises(PdfIngestError, match="file not found"):
        pdf_to_text_layer(tmp_path / "nope.pdf")


def test_truncated_pdf(tmp_path):
    good = _text_pdf(tmp_path / "good.pdf")
    data = good.read_bytes()
    for cut in (len(data) // 3, len(data) // 2, len(data) - 40):
        p = tmp_path / f"trunc{cut}.pdf"
        p.write_bytes(data[:cut])
        with pytest.raises(PdfIngestError, match="truncated"):
            pdf_to_text_layer(p)
    # damaged stream data inside an otherwise complete file
    bad = re.sub(rb"stream\r?\n.*?endstream", b"stream\n" + zlib.compress(b"x")[:3] + b"\nendstream", data,
                 flags=re.S)
    p = tmp_path / "damaged.pdf"
    p.write_bytes(bad)
    with pytest.raises(PdfIngestError):
        pdf_to_text_layer(p)


def test_encrypted_pdf(tmp_path):
    p = _text_pdf(tmp_path / "enc.pdf", encrypt=True)
    with pytest.raises(PdfIngestError, match="encrypted; a password is required"):
        pdf_to_text_layer(p)
    with pytest.raises(PdfIngestError, match="incorrect password"):
        pdf_to_text_layer(p, PdfOptions(password="wrong"))
    text, geoms, info = pdf_to_text_layer(p, PdfOptions(password="user-secret"))
    assert "small test document" in text


def test_image_only_pdf(tmp_path):
    from fpdf import FPDF
    from PIL import Image
    img = tmp_path / "scan.png"
    Image.new("RGB", (200, 260), (235, 235, 235)).save(img)
    pdf = FPDF(unit="pt")
    pdf.add_page()
    pdf.image(str(img), x=50, y=50, w=400)
    pdf.rect(40, 40, 420, 560)
    out = tmp_path / "scan.pdf"
    pdf.output(str(out))
    with pytest.raises(PdfIngestError, match=r"^no text layer; OCR is not supported$"):
        pdf_to_text_layer(out)


def test_page_limit(tmp_path):
    p = _text_pdf(tmp_path / "five.pdf", pages=5)
    with pytest.raises(PdfIngestError, match=re.escape("5 pages exceeds the page limit of 3; raise --max-pages")):
        pdf_to_text_layer(p, PdfOptions(max_pages=3))
    text, _, info = pdf_to_text_layer(p, PdfOptions(max_pages=5))
    assert info["pages"] == 5


def test_time_limit(tmp_path):
    p = _text_pdf(tmp_path / "three.pdf", pages=3)
    with pytest.raises(PdfIngestError, match=r"time limit of 1e-09 s exceeded after page 1"):
        pdf_to_text_layer(p, PdfOptions(timeout_s=1e-9))


def test_no_other_exception_escapes(tmp_path):
    """Fuzz: flipped bytes inside a valid PDF give PdfIngestError or a result, never another exception."""
    import random
    good = _text_pdf(tmp_path / "good.pdf", pages=2).read_bytes()
    rnd = random.Random(7)
    for k in range(25):
        data = bytearray(good)
        for _ in range(rnd.randint(1, 40)):
            pos = rnd.randrange(len(data) - 10)
            data[pos] = rnd.randrange(256)
        p = tmp_path / f"fuzz{k}.pdf"
        p.write_bytes(bytes(data))
        try:
            pdf_to_text_layer(p)
        except PdfIngestError:
            pass


def test_read_pdf_wraps_errors(tmp_path):
    from trialaudit.extractor.pdf import read_pdf
    p = tmp_path / "x.pdf"
    p.write_bytes(b"hello")
    with pytest.raises(PdfIngestError, match="not a PDF"):
        read_pdf(p)


# --------------------------------------------------------------------------- the real journal PDF

@pytest.fixture(scope="module")
def real_layer():
    if not REAL_PDF.is_file():
        pytest.skip(f"real PDF not available at {REAL_PDF}")
    return pdf_to_text_layer(REAL_PDF)


def test_real_pdf_sections_in_order(real_layer):
    text, geoms, info = real_layer
    assert info["pages"] == 10
    assert info["columns"][1:] == [2] * 9  # body pages are two-column (page 1 also has a sidebar)
    lines = text.split("\n")
    heads = [ln for i, ln in enumerate(lines) if 0 < i < len(lines) - 1 and lines[i - 1] == "" == lines[i + 1]]
    order = ["ABSTRACT", "Introduction", "Methods", "Statistical analysis", "Results", "Discussion", "Conclusions"]
    pos = -1
    for h in order:  # each section heading found after the previous one
        assert h in heads[pos + 1:], h
        pos = heads.index(h, pos + 1)
    assert lines[0] == "Physical activity for smoking cessation in pregnancy: randomised controlled trial"
    # running header/footer and page numbers gone
    assert "RESEARCH" not in lines and "the bmj | BMJ" not in text
    # sentences run on across the column break in reading order
    assert_in_order(text, ["Maternal smoking in pregnancy is the main preventable",
                           "Physical activity programmes may add to the effec",
                           "Between April 2009 and November 2012, we recruited",
                           "We anticipated a cessation rate of 15% in the control",
                           "Figure 1 shows the numbers of participants who were",
                           "Supplementing behavioural support with a physical"])
    # citation superscripts are marked, not glued
    assert "interpret.<sup>12</sup>" in text
    assert_geometry(text, geoms, info)


def test_real_pdf_tables(real_layer):
    text, geoms, info = real_layer
    assert info["tables"] == 6
    got = table_blocks(text)
    assert set(got) == {f"Table {k}" for k in range(1, 7)}
    header = got["Table 1"][0]
    assert header == ["Characteristics", "Physical activity group (n=391)", "Control group (n=393)"]
    assert any(re.search(r"n\s*=\s*391", c) for c in header) and any(re.search(r"n\s*=\s*393", c) for c in header)
    assert ["Mean (SD) age (years)", "27.2 (6.1)", "27.8 (6.5)"] in got["Table 1"]
    assert {len(r) for r in got["Table 1"]} == {3}
    assert {len(r) for r in got["Table 2"]} == {5}
    assert got["Table 2"][2][:3] == ["Baseline", "391, 210 (125-350)", "393, 225 (130-360)"]
    # a two-level header: "EPDS score" over two arm columns
    t4 = got["Table 4"]
    assert t4[0][0] == "visit time" and t4[1][1:3] == ["Control group", "Physical activity group"]
    # footnotes follow the rows
    lines = text.split("\n")
    i = next(k for k, ln in enumerate(lines) if ln.startswith("Consumes >3 alcoholic drinks"))
    assert lines[i + 2].startswith("*Data exclude 41 women")
    # table lines sit on their pages
    cap = {ln.split(" |")[0]: geoms[k][0] for k, ln in enumerate(lines) if re.match(r"^Table \d \|", ln)}
    assert cap == {"Table 1": 5, "Table 2": 6, "Table 3": 7, "Table 4": 7, "Table 5": 8, "Table 6": 8}


# --------------------------------------------------------------------------- through the text ingester

@pytest.fixture(scope="module")
def parse_text_available():
    pytest.importorskip("trialaudit.extractor.text")
    from trialaudit.extractor import text as text_mod
    if not hasattr(text_mod, "parse_text"):
        pytest.skip("extractor.text.parse_text not available yet")
    return text_mod.parse_text


def test_read_pdf_document_has_pages(tmp_path, parse_text_available, sample_blocks):
    from trialaudit.extractor.pdf import read_pdf
    path = tmp_path / "doc.pdf"
    rinfo = render(sample_blocks, path, Layout(columns=2), full_width_first=2)
    doc = read_pdf(path, doc_id="sample")
    assert doc.format == "pdf" and doc.id == "sample" and doc.pages == rinfo["pages"]
    assert len(doc.tables) == 3
    for t in doc.tables:
        assert t.span.page is not None
        for row in t.header_rows + t.rows:
            for cell in row.cells:
                assert cell.span.page in rinfo["table_pages"][t.label]
                assert cell.span.bbox is not None
    t3 = next(t for t in doc.tables if t.number == "3")
    assert len(t3.header_rows) == 2
    assert any("Grade" in c for c in t3.columns)
    assert doc.sentences and all(s.span.page is not None and s.span.bbox for s in doc.sentences)
    s = next(s for s in doc.sentences if "PARA-DISCUSSION-3" in s.text)
    assert s.span.page == rinfo["pages"] or s.span.page >= 2
    kinds = {s.section_kind for s in doc.sentences}
    assert {"introduction", "methods", "results", "discussion"} <= kinds
    assert not any("5.512" in s.text for s in doc.sentences)


def test_read_pdf_real(parse_text_available):
    if not REAL_PDF.is_file():
        pytest.skip(f"real PDF not available at {REAL_PDF}")
    from trialaudit.extractor.pdf import read_pdf
    doc = read_pdf(REAL_PDF)
    assert doc.pages == 10 and doc.format == "pdf"
    assert len(doc.tables) == 6
    t1 = next(t for t in doc.tables if t.number == "1")
    assert any("391" in c for c in t1.columns) and any("393" in c for c in t1.columns)
    assert all(c.span.page == 5 for r in t1.rows for c in r.cells)
    assert all(s.span.page for s in doc.sentences)
    assert any(sec.kind == "abstract" for sec in doc.sections)
    kinds = [s.section_kind for s in doc.sentences]
    for k in ("introduction", "methods", "results", "discussion"):
        assert k in kinds


# --------------------------------------------------------------------------- layout settings, word spacing,
# rotation, font encoding, digit groups, layout dump

def _prose_lines(n: int = 30) -> list[str]:
    words = ("the study population included women with migraine and other vascular risk factors "
             "followed for cardiovascular events over many years of observation").split()
    return [" ".join(words[(k * 3 + j) % len(words)] for j in range(9)) for k in range(n)]


def _spaced_pdf(path: Path, char_spacing: float, word_gap: float) -> Path:
    """A page whose words are set with explicit gaps (no space characters), as typesetters do."""
    from fpdf import FPDF
    pdf = FPDF(unit="pt")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    y = 72.0
    for line in _prose_lines():
        x = 72.0
        for w in line.split():
            for ch in w:
                pdf.text(x, y, ch)
                x += pdf.get_string_width(ch) + char_spacing
            x += word_gap - char_spacing
        y += 13
    pdf.output(str(path))
    return path


@pytest.mark.parametrize("char_spacing,word_gap", [(0.0, 1.4), (0.9, 4.0)], ids=["tight", "loose"])
def test_word_spacing_from_the_page(tmp_path, char_spacing, word_gap):
    """Tight setting (word gap 0.14 em) gives no glued words; loose letter-spacing no split words."""
    text, _, _ = pdf_to_text_layer(_spaced_pdf(tmp_path / "s.pdf", char_spacing, word_gap))
    assert "the study population included women" in flat(text)
    assert not re.search(r"[a-z]{20,}", text)
    assert "popul ation" not in text and "c ardiovascular" not in text


def test_layout_settings_typed_and_fixed_tolerance(tmp_path):
    from trialaudit.extractor.pdf import LayoutSettings

    with pytest.raises(ValueError, match="unknown PDF layout setting"):
        LayoutSettings.from_mapping({"x_tolerence": 0.1})
    s = LayoutSettings.from_mapping({"x_tolerance_ratio": 0.3})
    assert s.x_tolerance_ratio == 0.3
    # a fixed tolerance wider than the word gap glues words: the setting is honoured
    p = _spaced_pdf(tmp_path / "s.pdf", 0.0, 1.4)
    text, _, _ = pdf_to_text_layer(p, PdfOptions(layout=s))
    assert "thestudy" in text.replace(" ", "") and "the study population" not in text


def test_font_encoding_repair():
    from trialaudit.extractor.pdf.chars import repair_text

    assert repair_text("¼", "ABCDEF+AdvP4C4E74") == "="
    assert repair_text("(cid:2)", "ABCDEF+AdvP4C4E74") == "≥"
    assert repair_text("þ", "ABCDEF+AdvP4C4E74") == "+"
    assert repair_text("¼", "ABCDEF+Times-Roman") == "¼"  # only in the symbol fonts
    assert repair_text("(cid:129)", "ABCDEF+AdvPSSym") == "•"
    assert repair_text("1", "ABCDEF+AdvP4C4E74") == "∞" and repair_text("1", "ABCDEF+Times-Roman") == "1"


def test_thin_space_thousands_are_one_number(tmp_path):
    from fpdf import FPDF
    pdf = FPDF(unit="pt")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.text(72, 72, "In total 5196/")
    x = 72 + pdf.get_string_width("In total 5196/ ")
    pdf.text(72, 85, "13")
    pdf.text(72 + pdf.get_string_width("13") + 1.7, 85, "028 patients, and 12 apples.")
    for k in range(3):
        pdf.text(72, 110 + 13 * k, "Some more text on the page to read as a paragraph.")
    p = tmp_path / "t.pdf"
    pdf.output(str(p))
    text, _, _ = pdf_to_text_layer(p)
    assert "13028 patients" in text and "12 apples" in text and x > 0


def test_rotated_page_is_read_in_its_orientation(tmp_path):
    from fpdf import FPDF
    pdf = FPDF(unit="pt")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    rows = [("Characteristic", "Arm A (n=40)", "Arm B (n=41)")] + [
        (f"Factor {k}", f"{10 + k} ({20 + k}%)", f"{30 + k} ({40 + k}%)") for k in range(12)]
    with pdf.rotation(90, 300, 400):
        pdf.text(150, 250, "Table 1. Baseline characteristics of the patients")
        for i, (a, b, c) in enumerate(rows):
            y = 270 + 14 * i
            pdf.text(150, y, a)
            pdf.text(300, y, b)
            pdf.text(420, y, c)
    p = tmp_path / "rot.pdf"
    pdf.output(str(p))
    text, _, info = pdf_to_text_layer(p)
    assert any("set rotated" in w and "1" in w for w in info["warnings"])
    assert "Table 1. Baseline characteristics of the patients" in text
    assert "Factor 3\t13 (23%)\t33 (43%)" in text


def test_layout_dump_of_one_page(tmp_path):
    from trialaudit.extractor.pdf import PdfIngestError as E
    from trialaudit.extractor.pdf.debug import layout_dump

    p = _spaced_pdf(tmp_path / "s.pdf", 0.0, 1.4)
    d = layout_dump(p, 1)
    assert d["page"] == 1 and d["pages"] == 1 and d["words"] and d["lines"] and d["blocks"]
    assert 0.05 < d["word_tolerance_ratio"] < 0.14
    assert d["settings"]["table_split_ratio"] == 0.75
    with pytest.raises(E, match="no page 3"):
        layout_dump(p, 3)


def test_page_bands_with_their_own_column_grid():
    """Two columns above three (body text above references): each band keeps its own gutters,
    so lines of different columns are never read across the gutter of the other band."""
    from trialaudit.extractor.pdf.columns import _regions
    from trialaudit.extractor.pdf.words import _W

    words = []
    y = 50.0
    for _ in range(20):  # two columns, 160 words
        for x0 in (50, 103, 156, 209, 320, 373, 426, 479):
            words.append(_W("word", x0, x0 + 50, y, y + 9, 9.0, "F"))
        y += 11
    y += 20  # a blank strip across the page
    for _ in range(20):  # three columns, 180 words
        for x0 in (50, 98, 146, 230, 278, 326, 410, 458, 506):
            words.append(_W("ref", x0, x0 + 45, y, y + 8, 8.0, "F"))
        y += 10
    regions = _regions(words)
    assert len(regions) == 2
    (t0, b0, g0), (t1, b1, g1) = regions
    assert len(g0) == 1 and g0[0][0] < 290 < g0[0][1]
    assert len(g1) == 2
    assert b0 == t1 and 50 + 20 * 11 < b0 < 50 + 20 * 11 + 20
    # one grid down the whole page: one region
    assert len(_regions([w for w in words if w.top < 280])) == 1


def test_wrapped_cells_of_a_table_flowing_through_columns(tmp_path_factory):
    """A table without rules set inside one column of a two-column page: stub labels wrap onto
    further lines ("(95%" / "CI)"), values wrap inside their cell, and the rows flow on into the
    next column beside the text before the table, without a repeated header. Each wrapped cell is
    one cell again, no number is split, and the two parts are one table."""
    rows = [(f"Endpoint {k:02d} time, months, median (95% CI)", f"{k}.{k % 10} ({k - 1}.1, {k + 2}.4)",
             f"{k + 1}.2 ({k}.0, {k + 3}.9)") for k in range(1, 25)]
    text = ("# Wrapped cells\n\nResults\n\n" + "PARA-BEFORE " + "The outcomes are summarised in Table 2. " * 20
            + "\n\nTable 2. Efficacy endpoints\n\nEndpoint\tArm A (n = 53)\tArm B (n = 28)\n"
            + "".join("\t".join(r) + "\n" for r in rows)
            + "\nCI confidence interval.\n\nPARA-AFTER " + "The difference was consistent. " * 40 + "\n")
    layout = Layout(columns=2, ruled=False, tables_in_column=True, repeat_header=False, notes_body_size=True)
    _, rinfo, layer, _, info = _layer(tmp_path_factory, "wrapped-cells", parse_article(text), layout)
    got = table_blocks(layer)
    assert list(got) == ["Table 2"], layer
    assert got["Table 2"][0] == ["Endpoint", "Arm A (n = 53)", "Arm B (n = 28)"]
    body = got["Table 2"][1:]
    assert [tuple(r) for r in body] == rows, "\n".join(map(str, body))


def test_landscape_table_pages_read_in_their_orientation(tmp_path_factory):
    """A long table set rotated on pages of its own (landscape), running over two page breaks with
    a "(continued)" caption at the same height on each page (a caption, not a running head): read
    in its own orientation, one table, with a warning naming the pages."""
    blocks = [Heading("A landscape table", 0), Para(runs_of("PARA-BEFORE The results paragraph. " * 10)),
              long_table(60), Para(runs_of("PARA-AFTER The text after the table."))]
    _, rinfo, text, _, info = _layer(tmp_path_factory, "landscape", blocks,
                                     Layout(columns=1, ruled=False, landscape_tables=True, continued_caption=True))
    assert len(rinfo["table_pages"]["Table 4"]) >= 2
    assert any("set rotated" in w for w in info["warnings"]), info["warnings"]
    rows = table_blocks(text)["Table 4"]
    assert rows[0] == ["Subgroup", "Arm A (n = 120)", "Arm B (n = 118)", "P value"]
    assert len(rows) == 61 and rows[-1][0] == "Patient subgroup 60"
    assert_in_order(text, ["PARA-BEFORE", "Table 4.", "Patient subgroup 60", "PARA-AFTER"])


def _two_level_table() -> TableBlock:
    """A table with a two-level header: each arm's cell spans its two grade columns."""
    rows = [[f"Adverse event {k:02d}", f"{k + 20} ({k + 20.5:.1f})", f"{k} ({k + 0.5:.1f})",
             f"{k + 10} ({k + 10.5:.1f})", f"{k + 1} ({k + 1.5:.1f})"] for k in range(1, 9)]
    return TableBlock("Table 3. Treatment related adverse events",
                      [["Events, n (%)", "Arm A (n = 53)", "", "Arm B (n = 28)", ""],
                       ["", "Any grade", "Grade ≥3", "Any grade", "Grade ≥3"]], rows)


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
def test_landscape_table_with_a_two_level_header(tmp_path_factory, ruled):
    """A table set rotated (landscape) with a spanning header over sub-columns: a ruled one is read
    as a grid in the reading frame of its text (rules turned with the characters), an unruled one
    from its gaps; in both the spanning cell stands over the first of its sub-columns, and the
    sub-column header is a row of its own."""
    tb = _two_level_table()
    blocks = [Heading("A landscape table", 0), Para(runs_of("PARA-BEFORE The results paragraph. " * 10)),
              tb, Para(runs_of("PARA-AFTER The text after the table."))]
    layout = Layout(columns=1, ruled=ruled, landscape_tables=True)
    _, _, text, _, info = _layer(tmp_path_factory, f"landscape-two-level-{ruled}", blocks, layout)
    assert any("set rotated" in w for w in info["warnings"]), info["warnings"]
    rows = table_blocks(text)["Table 3"]
    assert rows[0] == ["Events, n (%)", "Arm A (n = 53)", "", "Arm B (n = 28)", ""], rows[:2]
    assert rows[1] == ["", "Any grade", "Grade ≥3", "Any grade", "Grade ≥3"], rows[:2]
    assert [tuple(r) for r in rows[2:]] == [tuple(r) for r in tb.rows]


def test_rotated_grid_finder_turns_the_rules(tmp_path):
    """The grid of a page set rotated is found from its rules turned into the reading frame."""
    import pdfplumber
    from fpdf import FPDF

    from trialaudit.extractor.pdf.reader import _rotated_grids

    pdf = FPDF(unit="pt", format=(400, 600))
    pdf.add_page()
    with pdf.rotation(90, 300, 300):  # a 3 x 2 grid of 100 x 20 cells in the turned frame
        for r in range(3):
            for c in range(2):
                pdf.rect(100 + 100 * c, 100 + 20 * r, 100, 20)
    path = tmp_path / "rot.pdf"
    pdf.output(str(path))
    with pdfplumber.open(path) as doc:
        page = doc.pages[0]
        grids = _rotated_grids(page, 90, float(page.width), float(page.height))
    assert len(grids) == 1
    rows = grids[0].rows
    assert len(rows) == 3 and all(len(r.cells) == 2 for r in rows)
    x0, top, x1, bottom = grids[0].bbox
    assert abs((x1 - x0) - 200) < 1 and abs((bottom - top) - 60) < 1


def _shaded_table_pdf(path: Path, rows: list[tuple[tuple[str, ...], ...]], shade: bool) -> Path:
    """A table without rules between its rows, every line at the same pitch (a row's wrapped lines
    as far apart as two rows), every other row on a shaded band when ``shade``."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format=(595, 842))
    pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    pdf.text(60, 80, "Table 2. Studies compared")
    xs = [60, 170, 330]
    y = 100
    for x, h in zip(xs, ("Author", "Samples", "Observer")):
        pdf.text(x, y, h)
    pdf.set_line_width(0.6)
    pdf.line(56, y + 4, 540, y + 4)
    y += 16
    for k, lines in enumerate(rows):
        if shade and k % 2 == 0:
            pdf.set_fill_color(222)
            pdf.rect(56, y - 10, 484, 12 * len(lines) + 1, style="F")
        for cells in lines:
            for x, c in zip(xs, cells):
                if c:
                    pdf.text(x, y, c)
            y += 12
        y += 1
    pdf.line(56, y - 8, 540, y - 8)
    pdf.text(60, y + 20, "Abbreviations: FFPE, formalin fixed.")
    pdf.output(str(path))
    return path


SHADED_ROWS = [
    (("Hirsch", "39 FFPE NSCLC", "Three pathologists"), ("", "Tumor samples", "Trained on 28-8")),
    (("Scheel", "Training set: 15", "Nine pathologists"), ("", "Resected FFPE", ""), ("", "NSCLC samples", "")),
    (("Rimm", "90 archival", "Thirteen pathologists"), ("", "Surgically resected", "Observed twice")),
    (("Adam", "41 NSCLC surgical", "Seven thoracic"), ("", "Specimens", "Pathologists")),
]


def test_shaded_bands_are_the_row_grid(tmp_path):
    """Rows told apart only by shaded bands (every other row filled, no rules, the wrapped lines of
    a cell as far apart as two rows): each band, and each unshaded stretch between two bands, is
    one row, its wrapped lines joined in their cells."""
    text, _, _ = pdf_to_text_layer(_shaded_table_pdf(tmp_path / "shaded.pdf", SHADED_ROWS, True))
    rows = table_blocks(text)["Table 2"]
    assert rows == [["Author", "Samples", "Observer"],
                    ["Hirsch", "39 FFPE NSCLC Tumor samples", "Three pathologists Trained on 28-8"],
                    ["Scheel", "Training set: 15 Resected FFPE NSCLC samples", "Nine pathologists"],
                    ["Rimm", "90 archival Surgically resected", "Thirteen pathologists Observed twice"],
                    ["Adam", "41 NSCLC surgical Specimens", "Seven thoracic Pathologists"]], rows


def test_shaded_bands_can_be_switched_off(tmp_path):
    """With ``read_bands`` off (or without bands) the same lines are read from their pitch and
    cells: the capitalised continuation lines become rows of their own."""
    from trialaudit.extractor.pdf import LayoutSettings

    path = _shaded_table_pdf(tmp_path / "shaded.pdf", SHADED_ROWS, True)
    text, _, _ = pdf_to_text_layer(path, PdfOptions(layout=LayoutSettings(read_bands=False)))
    assert len(table_blocks(text)["Table 2"]) > 5
    text, _, _ = pdf_to_text_layer(_shaded_table_pdf(tmp_path / "plain.pdf", SHADED_ROWS, False))
    assert len(table_blocks(text)["Table 2"]) > 5


def test_band_pieces_and_white_fills():
    """Band pieces per cell are joined across the table; a piece spanning a sub-row boundary (a
    stub cell over two value lines) keeps that boundary from splitting the row; white fills are
    paper, not shading."""
    from trialaudit.extractor.pdf.page import _PageCtx
    from trialaudit.extractor.pdf.reader import _white
    from trialaudit.extractor.pdf.tables import _Bands
    from trialaudit.extractor.pdf.words import _W

    assert _white(1.0) and _white((1, 1, 1)) and _white((0, 0, 0, 0)) and not _white((0, 0, 0, 0.1))
    assert not _white(0.9) and not _white(None)
    words = [[_W(t, x, x + 30, top, top + 8, 8.0, "F", 0.2) for t, x in (("a", 60), ("b", 200), ("c", 400))]
             for top in (100, 112, 124, 136, 148)]
    bands = [(56, 150, 98, 122), (150, 300, 98, 110), (150, 300, 110, 122), (300, 440, 98, 110),
             (300, 440, 110, 122), (56, 440, 134, 146)]
    pc = _PageCtx(1, 595, 842, [w for L in words for w in L], [], [], bands)
    b = _Bands.of(pc, words)
    assert b is not None and b.alternate
    assert [round(y) for y in b.edges] == [98, 122, 134, 146]
    assert b.same_band(104, 116) and not b.between(104, 116) and b.between(116, 128)


def test_landscape_table_with_a_wide_text_column(tmp_path_factory):
    """A narrow table of three columns on a landscape page, its last column of long texts standing
    apart like a column of the page: the column is taken into the table (its lines in the table's
    type size, on the baselines of its rows), not left behind as paragraphs."""
    rows = [["External validation C-index", "0.79 (95% CI: 0.72-0.85)",
             "Indicates good discriminative ability across cohorts"],
            ["Calibration error (Calibration slope)", "0.92 (ideal value =1, 95% CI: 0.81-1.03)",
             "Demonstrates minimal deviation between predicted and actual risks"],
            ["Clinical net benefit", "Net benefit >0 across threshold probability range of 0.15-0.85",
             "Supports the model's clinical utility in real-world applications"]]
    tb = TableBlock("Table 11. External validation metrics", [["Metric", "Value/Conclusion", "Interpretation"]], rows,
                    ["Note: 95% CI: 95% Confidence Interval."])
    blocks = [Heading("A landscape table", 0), Para(runs_of("PARA-BEFORE The results paragraph. " * 10)),
              tb, Para(runs_of("PARA-AFTER The text after the table."))]
    _, _, text, _, _ = _layer(tmp_path_factory, "landscape-wide-text", blocks,
                              Layout(columns=1, ruled=False, landscape_tables=True))
    got = table_blocks(text)["Table 11"]
    assert got == [["Metric", "Value/Conclusion", "Interpretation"]] + rows, got


def test_row_pitch_of_a_part_with_few_wrapped_rows():
    """A part of a table cut by a column or page break, two rows wrapping onto nine lines: most
    lines sit at the line pitch, one gap is the row pitch; the wider pitch is the rows', so the
    lines set closer continue their row."""
    from trialaudit.extractor.pdf.tables import _row_pitch_limit
    from trialaudit.extractor.pdf.words import _W

    tops = [100, 110, 120, 130, 140, 157, 167, 177, 187, 197]
    grid = [{"words": [_W("x", 60, 70, t, t + 8, 8.0, "F", 0.2)]} for t in tops]
    gaps, lim, known = _row_pitch_limit(grid, 0)
    assert known and 10 < lim < 17
    # rows at one pitch only: nothing is tight
    grid = [{"words": [_W("x", 60, 70, t, t + 8, 8.0, "F", 0.2)]} for t in range(100, 200, 17)]
    assert not _row_pitch_limit(grid, 0)[2]
