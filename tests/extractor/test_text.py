"""Text ingestion: sections, sentences, tables, normalisation, provenance."""
from __future__ import annotations

import pytest

from trialaudit.extractor.loader import IngestError, decode_bytes, read_document
from trialaudit.extractor.text import parse_text

ARTICLE = """# Original Article

# A randomized trial of drug A plus drug B in advanced osteosarcoma patients

Abstract: Objective: To compare A+B with B. Methods: 40 patients received A + B (Study group), and 38 received B (Control group). Results: The ORR was 25.0% versus 10.5%.

Keywords: osteosarcoma, drug A

#### Introduction

Osteosarcoma is rare [1]. Earlier studies^{2–4} showed benefit of anti-angio-
genic drugs in osteosar\u2011
coma.

# Running header of the journal

Materials and methods

Patients received drug A 500 mg orally once daily. Survival was compared ($\\chi^2$ =4.10, $P = 0.0402$).

# Running header of the journal

Results

The median PFS was 5.5 months. The rate of grade 3 events was lower in the Study

**Table 1.** Baseline characteristics

Information\tStudy group (n=40)\tControl group (n=38)\t<i>P</i> value
Sex\t\t\t
Male\t20 (50.0)\t19 (50.0)\t0.9
Female\t20 (50.0)\t19 (50.0)\t
Response\t12 (30.0)#\t4 (10.5)\t

Note: #: P<0.05 compared with the Control group.

group than in the Control group (P<0.05).

Table 2 | Adverse events

| Events, n (%) | Study group (n = 40) | | Control group (n = 38) | |
|---|---|---|---|---|
| | Any grade | Grade ≥ 3 | Any grade | Grade ≥ 3 |
| Anemia | 10 (25.0) | 2 (5.0) | 8 (21.1) | 1 (2.6) |

Discussion

Drug A works, e.g. in Fig. 2 and vs. controls. It is safe.

# Running header of the journal

References

- [1] Smith J, Doe A. Osteosarcoma treatment review. J Clin Oncol 2020; 38: 1-10.
- [2] Roe B. A second paper on sarcoma. Lancet 2019; 1: 2-3.
"""


@pytest.fixture(scope="module")
def doc():
    return parse_text(ARTICLE, doc_id="t", source="t")


def test_title_and_sections(doc):
    assert doc.title.startswith("A randomized trial")
    kinds = [s.kind for s in doc.sections]
    for k in ("abstract", "keywords", "introduction", "methods", "results", "discussion", "references"):
        assert k in kinds, kinds


def test_running_headers_removed(doc):
    assert len(doc.removed_lines) == 3
    assert all("Running header" not in s.text for s in doc.sentences)


def test_hyphenation_and_wrapping_repaired(doc):
    intro = [s.text for s in doc.sentences if s.section_kind == "introduction"]
    joined = " ".join(intro)
    assert "anti-angiogenic" in joined  # a real hyphen at a line end is a hyphenation only when rejoining
    assert "osteosarcoma." in joined     # U+2011 non-breaking hyphen at line end repaired


def test_citations_stripped_and_recorded(doc):
    s = next(s for s in doc.sentences if s.text.startswith("Earlier studies"))
    assert "2–4" not in s.text and "^" not in s.text
    nums = sorted(n for c in doc.citations for n in c.numbers)
    assert nums == [1, 2, 3, 4]


def test_latex_normalised(doc):
    s = next(s for s in doc.sentences if "Survival was compared" in s.text)
    assert "χ²" in s.text and "P = 0.0402" in s.text and "$" not in s.text


def test_paragraph_joined_across_table(doc):
    s = next(s for s in doc.sentences if s.text.startswith("The rate of grade 3 events"))
    assert s.text.endswith("(P<0.05).")
    assert s.span.line < s.span.line_end


def test_abbreviations_do_not_split(doc):
    s = [s.text for s in doc.sentences if s.section_kind == "discussion"]
    assert s[0] == "Drug A works, e.g. in Fig. 2 and vs. controls."


def test_tsv_table(doc):
    t = doc.tables[0]
    assert t.label == "Table 1" and t.caption == "Baseline characteristics"
    assert t.columns == ["Information", "Study group (n=40)", "Control group (n=38)", "P value"]
    male = next(r for r in t.rows if r.label == "Male")
    assert male.group == "Sex"
    resp = next(r for r in t.rows if r.label == "Response")
    assert resp.cells[1].text == "12 (30.0)" and resp.cells[1].markers == ["#"]
    assert t.footnotes and t.footnotes[0].startswith("Note")


def test_pipe_table_two_level_header(doc):
    t = doc.tables[1]
    assert t.columns[1] == "Study group (n = 40) / Any grade"
    assert t.columns[4] == "Control group (n = 38) / Grade ≥ 3"
    assert [c.text for c in t.rows[0].cells] == ["Anemia", "10 (25.0)", "2 (5.0)", "8 (21.1)", "1 (2.6)"]


def test_provenance_of_cells_and_sentences(doc):
    lines = ARTICLE.split("\n")
    t = doc.tables[0]
    cell = next(r for r in t.rows if r.label == "Male").cells[1]
    assert lines[cell.span.line - 1].split("\t")[1] == "20 (50.0)"
    assert doc.text[cell.span.char_start:cell.span.char_end] == "20 (50.0)"
    for s in doc.sentences:
        assert s.quote, s
        assert len(s.offsets) == len(s.text)
        first_word = s.text.split()[0].strip("*#")
        assert first_word[:3] in doc.text[s.span.char_start:s.span.char_end]


def test_references(doc):
    assert [r.number for r in doc.references] == [1, 2]
    r = doc.references[0]
    assert r.authors[:2] == ["Smith J", "Doe A"]
    assert r.title == "Osteosarcoma treatment review"
    assert r.year == 2020


def test_continued_table_joined():
    text = ("Results\n\n**Table 1** Baseline\n\n\tTotal (n=10)\tA (n=5)\tB (n=5)\nMale\t5 (50.0)\t2 (40.0)\t3 (60.0)\n\n"
            "(Continued)\n\n**Table 1** (Continued).\n\n\tTotal (n=10)\tA (n=5)\tB (n=5)\nFemale\t5 (50.0)\t3 (60.0)\t2 (40.0)\n")
    d = parse_text(text, doc_id="c", source="c")
    assert len(d.tables) == 1
    assert [r.label for r in d.tables[0].rows] == ["Male", "Female"]
    assert d.tables[0].continued


def test_roman_caption_and_wrapped_header():
    text = ("Table IV. Comparison of cohorts in\npatients with osteosarcoma.\n\nItems\t Arm A, \t Arm B\n\t n=33\t n=37\n"
            "Age, years\t 19.1±8.5\t 21.7±11.5\n")
    d = parse_text(text, doc_id="r", source="r")
    t = d.tables[0]
    assert t.label == "Table IV"
    assert t.caption.endswith("patients with osteosarcoma.")
    assert t.columns == ["Items", "Arm A, n=33", "Arm B n=37"] or t.columns[1] == "Arm A, n=33"


@pytest.mark.parametrize("data,msg", [
    (b"", "empty"), (b"   \n\n", "empty"), (b"\x00\x01\x02binary\x00" * 20, "binary"),
    (b"%PDF-1.4 something", "PDF"), (b"12345 67890\n", "no readable text"),
])
def test_bad_bytes(data, msg):
    with pytest.raises(IngestError, match=msg):
        decode_bytes(data, "x.txt")


def test_wrong_encoding_is_decoded_with_warning(tmp_path):
    p = tmp_path / "latin.txt"
    p.write_bytes("Results\n\nThe caf\xe9 study enrolled 12 patients in total and all were treated.\n".encode("cp1252"))
    d = read_document(p)
    assert any("Windows-1252" in w for w in d.warnings)
    assert "café" in d.sentences[0].text


def test_utf16_and_crlf(tmp_path):
    p = tmp_path / "u16.txt"
    p.write_bytes("Results\r\n\r\nAll 12 patients were treated with drug A in this study.\r\n".encode("utf-16"))
    d = read_document(p)
    assert d.sentences[0].text.startswith("All 12 patients")


def test_missing_and_directory(tmp_path):
    with pytest.raises(IngestError, match="no such file"):
        read_document(tmp_path / "nope.txt")
    with pytest.raises(IngestError, match="directory"):
        read_document(tmp_path)


def test_two_pipe_tables_separated_by_one_blank_line_stay_two_tables():
    """A blank line, then a header row with its own separator line, starts a new table (an unseen
    article's outcome tables were read as one, the second header as a data row)."""
    text = ("# Trial\n\n## Results\n\nTable 2. Outcomes\n\n| Outcome | A (n=40) | B (n=40) |\n|---|---|---|\n"
            "| Death | 4 (10.0) | 6 (15.0) |\n\n| Secondary outcome | A (n=38) | B (n=39) |\n|---|---|---|\n"
            "| Stroke | 2 (5.3) | 3 (7.7) |\n")
    doc = parse_text(text, doc_id="t", source="t", fmt="markdown")
    assert [[c.text for c in r.cells] for r in doc.tables[0].rows] == [["Death", "4 (10.0)", "6 (15.0)"]]
    assert len(doc.tables) == 2 and doc.tables[1].column_label(1) == "A (n=38)"


def test_a_pipe_table_interrupted_by_a_blank_line_continues():
    text = ("# Trial\n\n## Results\n\nTable 2. Outcomes\n\n| Outcome | A (n=40) | B (n=40) |\n|---|---|---|\n"
            "| Death | 4 (10.0) | 6 (15.0) |\n\n| Stroke | 2 (5.0) | 3 (7.5) |\n")
    doc = parse_text(text, doc_id="t", source="t", fmt="markdown")
    assert len(doc.tables) == 1 and len(doc.tables[0].rows) == 2


def test_hyphenated_caption_and_a_sub_header_row_of_descriptors():
    text = ("# A trial\n\n## Results\n\nTable-II. Outcomes (n=50).\n\n"
            "| Outcome | Group-A (n=25) | Group-B (n=25) | P |\n|  | Mean±SD | Mean±SD |  |\n| --- | --- | --- | --- |\n"
            "| Weight (kg) | 3.14±0.32 | 3.44±0.46 | 0.01 |\n|  | n (%) | n (%) |  |\n| Alive | 25(100%) | 23(92%) |  |\n")
    t = parse_text(text, doc_id="t", source="t", fmt="markdown").tables[0]
    assert t.label == "Table II"
    # the "n (%)" row stays a row of its own (a sub-header), not the wrapped end of the weight row
    assert [r.cells[1].text for r in t.rows] == ["3.14±0.32", "n (%)", "25(100%)"]


def test_brackets_and_superscripts_before_an_equals_sign_are_not_citations():
    from trialaudit.extractor.normalize import normalize_plain
    assert normalize_plain("F [1,9] = 9.60 and t(38) = 2.1 and ηp² = .04")[1] == []
    assert normalize_plain("F [1,9] = 9.60 and t(38) = 2.1 and ηp² = .04")[0] == "F [1,9] = 9.60 and t(38) = 2.1 and ηp² = .04"
    text, markers = normalize_plain("as shown before [1,9]. Smith et al.³ agreed")
    assert [m.numbers for m in markers] == [[3]]     # no max_ref here: bracketed lists are kept, superscripts cut
