"""JATS XML ingestion: rendering, tables from the XML grid, metadata, provenance, hostile input, CLI."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trialaudit.cli import app
from trialaudit.extractor.jats import JatsError, parse_jats
from trialaudit.extractor.loader import IngestError, read_document
from trialaudit.extractor.study.dates import extract_dates
from trialaudit.extractor.study.registry import extract_registry

REPO = Path(__file__).resolve().parents[2]
REALWORLD = REPO.parent / "shared" / "realworld" / "articles"
DOCTYPE = ('<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.0 '
           '20120330//EN" "JATS-archivearticle1.dtd">')
NS = 'xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:mml="http://www.w3.org/1998/Math/MathML"'

FRONT = """<front><journal-meta><journal-title-group><journal-title>Journal of Trials</journal-title>
</journal-title-group></journal-meta><article-meta>
<article-id pub-id-type="pmid">11111111</article-id><article-id pub-id-type="pmc">2222222</article-id>
<article-id pub-id-type="doi">10.1000/xyz.123</article-id>
<title-group><article-title>Drug A versus placebo in adults with chronic widget syndrome: a randomised trial</article-title></title-group>
<pub-date pub-type="epub"><day>5</day><month>3</month><year>2019</year></pub-date>
<pub-date pub-type="collection"><year>2019</year></pub-date>
<history><date date-type="received"><day>14</day><month>12</month><year>2018</year></date>
<date date-type="accepted"><day>20</day><month>2</month><year>2019</year></date></history>
<abstract><sec><title>Background:</title><p>Widget syndrome is common.</p></sec>
<sec><title>Methods</title><p>We randomised 120 adults to drug A or placebo.</p></sec>
<sec><title>Results</title><p>The response rate was 40% versus 20% (<italic>P</italic> = 0.02).</p></sec>
<sec><title>Conclusions</title><p>Drug A works.</p></sec></abstract>
<abstract abstract-type="teaser"><p>A teaser that should not be read.</p></abstract>
<kwd-group><kwd>widgets</kwd><kwd>drug A</kwd></kwd-group>
<custom-meta-group><custom-meta><meta-name>trial-registry</meta-name><meta-value>
<named-content content-type="trial-number">ISRCTN12345678</named-content></meta-value></custom-meta></custom-meta-group>
</article-meta></front>"""

TABLE = """<table-wrap id="T1" position="float"><label>Table 1</label>
<caption><title>Baseline characteristics</title></caption>
<table><thead>
<tr><th rowspan="2">Characteristic</th><th colspan="2">Drug A (n = 60)</th><th colspan="2">Placebo (n = 60)</th></tr>
<tr><th>n</th><th>%</th><th>n</th><th>%</th></tr></thead>
<tbody>
<tr><td>Female<xref ref-type="table-fn" rid="tfn1"><sup>a</sup></xref></td><td>30</td><td>50.0</td><td>27</td><td>45.0</td></tr>
<tr><td>Age | years</td><td colspan="2">54 (10)</td><td colspan="2">55 (11)</td></tr>
<tr><td rowspan="2">Smoking</td><td>12</td><td>20.0</td><td>9</td><td>15.0</td></tr>
<tr><td>3</td><td>5.0</td><td>4</td><td>6.7</td></tr>
</tbody></table>
<table-wrap-foot><fn id="tfn1"><label>a</label><p>Self-reported.</p></fn>
<p>Data are n (%) or mean (SD).</p></table-wrap-foot></table-wrap>"""


def jats(body: str = "", front: str = FRONT, back: str = "") -> bytes:
    return (f'{DOCTYPE}<article {NS} article-type="research-article">{front}<body>{body}</body>'
            f'<back>{back}</back></article>').encode()


BODY = f"""<sec sec-type="intro"><title>Introduction</title>
<p>Widget syndrome affects many adults <xref ref-type="bibr" rid="B1">1</xref>.
Earlier trials were small [<xref ref-type="bibr" rid="B2">2</xref>&#x02013;<xref ref-type="bibr" rid="B3">3</xref>].</p></sec>
<sec sec-type="methods"><title>Methods</title>
<sec><title>Patients</title><p>Adults aged &#x02265;18 years were eligible. The trial was registered at ClinicalTrials.gov (NCT01234567).</p>
<list list-type="bullet"><list-item><p>first criterion</p></list-item><list-item><p>second criterion</p></list-item></list></sec>
<sec sec-type="statistical-analysis"><title>How we analysed the data</title>
<p>We used the <inline-formula><mml:math><mml:msup><mml:mi>&#x003c7;</mml:mi><mml:mn>2</mml:mn></mml:msup></mml:math></inline-formula> test
and counted 4.5 &#x000d7; 10<sup>9</sup>/L platelets<sup>2</sup>.</p></sec></sec>
<sec sec-type="results"><title>Results</title><p>Baseline characteristics are in <xref ref-type="table" rid="T1">Table 1</xref>.</p>
{TABLE}
<fig id="F1"><label>Figure 1</label><caption><title>Trial profile</title><p>CONSORT diagram.</p></caption>
<graphic xlink:href="f1"/></fig></sec>"""

BACK = """<ack><p>We thank the patients.</p></ack>
<ref-list><title>References</title>
<ref id="B1"><label>1</label><element-citation publication-type="journal"><person-group person-group-type="author">
<name><surname>Smith</surname><given-names>J</given-names></name><name><surname>Jones</surname><given-names>K</given-names></name>
</person-group><article-title>Widgets in adults</article-title><source>Lancet</source><year>2001</year><volume>3</volume>
<fpage>1</fpage><lpage>9</lpage></element-citation></ref>
<ref id="B2"><label>2</label><mixed-citation>Brown A. A small trial. BMJ. 2005;1:2-3.</mixed-citation></ref>
<ref id="B3"><label>3</label><mixed-citation>Green B. Another small trial. JAMA. 2007;4:5-6.</mixed-citation></ref>
</ref-list>"""


@pytest.fixture(scope="module")
def doc():
    return parse_jats(jats(BODY, back=BACK), doc_id="art", source="art.nxml")


def test_front_matter_title_ids_dates_keywords(doc):
    assert doc.format == "jats"
    assert doc.title.startswith("Drug A versus placebo")
    m = doc.meta
    assert (m.pmid, m.pmcid, m.doi) == ("11111111", "PMC2222222", "10.1000/xyz.123")
    assert m.date("received") == "2018-12-14" and m.date("accepted") == "2019-02-20"
    assert m.date("epub") == "2019-03-05" and m.date("collection") == "2019"
    assert m.keywords == ["widgets", "drug A"]
    assert m.journal == "Journal of Trials"
    dates = extract_dates(doc)  # the rendered history line is what the text path reads
    assert (dates.received, dates.accepted, dates.published) == ("2018-12-14", "2019-02-20", "2019-03-05")


def test_registration_numbers_from_custom_meta_and_text(doc):
    assert doc.meta.registrations == ["ISRCTN12345678"]
    ids, _, _ = extract_registry(doc)
    assert "ISRCTN12345678" in ids and "NCT01234567" in ids


def test_labelled_abstract_and_teaser_skipped(doc):
    abstract = " ".join(s.text for s in doc.sentences_in("abstract"))
    assert "Background: Widget syndrome is common." in abstract
    assert "Results: The response rate was 40% versus 20% (P = 0.02)." in abstract
    assert "teaser" not in doc.text
    assert any(s.kind == "keywords" for s in doc.sections)


def test_sections_headings_and_sec_type(doc):
    kinds = {s.title: s.kind for s in doc.sections}
    assert kinds["Introduction"] == "introduction"
    assert kinds["Methods"] == "methods" and kinds["Results"] == "results"
    assert kinds["How we analysed the data"] == "statistics"   # from sec-type, the title says nothing
    levels = {h.text: h.level for h in doc.headings}
    assert levels["Methods"] == 2 and levels["Patients"] == 3
    assert "- first criterion\n- second criterion" in doc.text
    assert any(s.kind == "acknowledgements" for s in doc.sections)


def test_citations_and_references(doc):
    cited = [c.numbers for c in doc.citations]
    assert [1] in cited and [2, 3] in cited
    assert [r.number for r in doc.references] == [1, 2, 3]
    r1 = doc.references[0]
    assert r1.authors == ["Smith J", "Jones K"] and r1.title == "Widgets in adults"
    assert r1.journal == "Lancet" and r1.year == 2001
    assert "1. Smith J, Jones K. Widgets in adults. Lancet. 2001;3:1–9." in doc.text


def test_math_and_inline_formatting(doc):
    text = " ".join(s.text for s in doc.sentences)
    assert "χ² test" in text
    assert "4.5 × 10⁹/L" in text
    assert "≥18 years" in text
    assert "platelets" in text and "platelets²" not in text  # a bare superscript number after a word: citation-like
    assert "\u00a0" not in doc.text


def test_table_grid_spans_headers_footnotes(doc):
    assert len(doc.tables) == 1
    t = doc.tables[0]
    assert (t.label, t.number, t.source_format) == ("Table 1", "1", "jats")
    assert t.caption == "Baseline characteristics."
    assert len(t.header_rows) == 2 and len(t.rows) == 4
    assert t.columns == ["Characteristic", "Drug A (n = 60) / n", "Drug A (n = 60) / %", "Placebo (n = 60) / n",
                         "Placebo (n = 60) / %"]
    female = t.rows[0]
    assert [c.text for c in female.cells] == ["Female", "30", "50.0", "27", "45.0"]
    assert female.cells[0].markers == ["a"]
    age = t.rows[1]
    assert [c.text for c in age.cells] == ["Age ¦ years", "54 (10)", "", "55 (11)", ""]  # pipe cannot split cells
    smoke2 = t.rows[3]
    assert [c.text for c in smoke2.cells] == ["", "3", "5.0", "4", "6.7"]  # rowspan placed in its first row only
    assert t.footnotes == ["a Self-reported.", "Data are n (%) or mean (SD)."]
    # every cell's span is its verbatim text in the canonical rendering
    for row in t.header_rows + t.rows:
        for c in row.cells:
            assert doc.text[c.span.char_start:c.span.char_end] == c.raw
    # the table is not prose
    assert not any("Self-reported" in s.text for s in doc.sentences)
    assert t.section == next(s.id for s in doc.sections if s.title == "Results")


def test_figure_caption_paragraph(doc):
    figs = [p for p in doc.paragraphs if p.section_kind == "figure"]
    assert any(p.text.startswith("Figure 1. Trial profile. CONSORT diagram.") for p in figs)


def test_xml_paths_map_text_back_to_elements(doc):
    i = doc.text.index("Adults aged")
    sp = doc.xml_path_at(i)
    assert sp is not None and sp.path == "/article/body/sec[2]/sec[1]/p"
    j = doc.text.index("| 54 (10) |") + 2
    cell = doc.xml_path_at(j)
    assert cell.table == "T1" and (cell.row, cell.col) == (3, 1) and cell.path.endswith("/td[2]")
    res = CliRunner().invoke(app, ["dump", "--stage", "xml", str(_write(doc_bytes=jats(BODY, back=BACK)))])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert any(d["path"] == "/article/body/sec[2]/sec[1]/p" for d in data)


def _write(doc_bytes: bytes, name: str = "a.nxml") -> Path:
    import tempfile
    d = Path(tempfile.mkdtemp())
    p = d / name
    p.write_bytes(doc_bytes)
    return p


def test_image_only_table_warns_and_alternatives_prefer_the_table():
    body = """<sec><title>Results</title><p>Text of the results section, long enough to be prose here.</p>
<table-wrap id="T9"><label>Table 2</label><caption><p>Outcomes</p></caption><graphic xlink:href="t2"/></table-wrap>
<table-wrap id="T3"><label>Table 3</label><caption><p>Harms</p></caption><alternatives><graphic xlink:href="t3"/>
<table><tr><th>Event</th><th>A</th></tr><tr><td>Nausea</td><td>4</td></tr></table></alternatives></table-wrap></sec>"""
    d = parse_jats(jats(body), doc_id="x", source="x.xml")
    assert any("Table 2" in w and "image" in w for w in d.warnings)
    assert [t.label for t in d.tables] == ["Table 3"]
    t = d.tables[0]
    assert [c.text for c in t.header_rows[0].cells] == ["Event", "A"]   # th row without thead is the header
    assert [c.text for c in t.rows[0].cells] == ["Nausea", "4"]


def test_bold_leading_row_is_header_and_several_tables_stack():
    body = """<sec><title>Results</title><table-wrap id="T1"><label>Table 1</label><caption><p>Two parts</p></caption>
<table><tbody><tr><td><bold>Item</bold></td><td><bold>Value</bold></td></tr><tr><td>x</td><td>1</td></tr></tbody></table>
<table><tbody><tr><td>y</td><td>2</td></tr></tbody></table></table-wrap></sec>"""
    d = parse_jats(jats(body), doc_id="x", source="x.xml")
    t = d.tables[0]
    assert t.columns == ["Item", "Value"]
    assert [r.label for r in t.rows] == ["x", "y"]


def test_prose_naming_a_table_or_figure_stays_prose():
    body = """<sec><title>Results</title><p>Table 1 shows the outcomes of all randomised patients in both groups.</p>
<table-wrap id="T1"><label>Table 1</label><caption><p>Outcomes</p></caption><table><thead><tr><th>Outcome</th>
<th>A</th></tr></thead><tbody><tr><td>Cure</td><td>4</td></tr></tbody></table></table-wrap>
<p>Figure 2 shows the survival curves of both groups over the whole follow-up.</p></sec>"""
    d = parse_jats(jats(body), doc_id="x", source="x.xml")
    res = {s.text: s.section_kind for s in d.sentences}
    assert res["Table 1 shows the outcomes of all randomised patients in both groups."] == "results"
    assert res["Figure 2 shows the survival curves of both groups over the whole follow-up."] == "results"
    assert [t.label for t in d.tables] == ["Table 1"] and d.tables[0].rows[0].label == "Cure"


def test_indented_label_columns_under_one_spanning_header_collapse():
    body = """<sec><title>Results</title><table-wrap id="T1"><label>Table 1</label><caption><p>Baseline</p></caption>
<table><thead><tr><th colspan="2">Characteristic</th><th>A (n=10)</th><th>B (n=12)</th></tr></thead><tbody>
<tr><td>Sex, n (%)</td><td/><td/><td/></tr>
<tr><td/><td>Male</td><td>4 (40)</td><td>6 (50)</td></tr>
<tr><td/><td>Female</td><td>6 (60)</td><td>6 (50)</td></tr></tbody></table></table-wrap></sec>"""
    d = parse_jats(jats(body), doc_id="x", source="x.xml")
    t = d.tables[0]
    assert t.columns == ["Characteristic", "A (n=10)", "B (n=12)"]
    assert [(r.kind, r.label, r.group) for r in t.rows] == [("group", "Sex, n (%)", None), ("body", "Male", "Sex, n (%)"),
                                                             ("body", "Female", "Sex, n (%)")]
    assert [c.text for c in t.rows[1].cells] == ["Male", "4 (40)", "6 (50)"]


def test_superscript_citation_and_bold_abstract_labels():
    front = FRONT.replace("""<abstract><sec><title>Background:</title><p>Widget syndrome is common.</p></sec>""",
                          """<abstract><p><bold>Background:</bold> Widget syndrome is common.</p>""")
    front = front.replace("<sec><title>Methods</title><p>We randomised", "<sec><title>Methods</title><p>We randomised")
    body = """<sec><title>Introduction</title><p>Widgets are common.<sup><xref ref-type="bibr" rid="B1">1</xref>,<xref
ref-type="bibr" rid="B2">2</xref></sup> Nothing else.</p></sec>"""
    d = parse_jats(jats(body, front=front, back=BACK), doc_id="x", source="x.xml")
    assert "Background: Widget syndrome is common." in " ".join(s.text for s in d.sentences_in("abstract"))
    assert [1, 2] in [c.numbers for c in d.citations]
    assert any("Widgets are common." == s.text for s in d.sentences)


def test_tex_math_and_named_entities():
    body = """<sec><title>Methods</title><p>Groups differed
(<inline-formula><tex-math>\\documentclass{minimal}\\begin{document}$\\chi^2 = 4.1$\\end{document}</tex-math></inline-formula>,
<italic>P</italic>&#x000a0;=&#x02009;0.04) with <sc>ace</sc> in <styled-content>all</styled-content>.</p></sec>"""
    d = parse_jats(jats(body), doc_id="x", source="x.xml")
    text = " ".join(s.text for s in d.sentences)
    assert "χ² = 4.1" in text and "P = 0.04" in text and "ace in all" in text


@pytest.mark.parametrize("data,needle", [
    (b"", "empty"),
    (bytes(range(256)) * 8, "binary"),
    (b"<article><body><p>unclosed</article>", "malformed XML"),
    (jats("<p>one</p>") + b"<article><body/></article>", "malformed XML"),
    (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
     b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]><article><body><p>&lol3;</p></body></article>', "entities"),
    (b'<!DOCTYPE article [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><article><body><p>&xxe;</p></body></article>',
     "entities"),
    (b"<html><body><p>Hello there</p></body></html>", "not a JATS article"),
    (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><text>hi</text></svg>', "not a JATS article"),
    (b"just text, no markup at all", "malformed XML"),
])
def test_hostile_and_malformed_input_is_a_clear_error(data, needle):
    with pytest.raises(JatsError) as ei:
        parse_jats(data, doc_id="x", source="x.xml", name="bad.xml")
    msg = str(ei.value)
    assert needle in msg and "\n" not in msg and msg.startswith("bad.xml: ")


def test_external_dtd_is_never_fetched(tmp_path):
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY secret "LEAKED">')
    for sysid in (dtd.as_uri(), "http://127.0.0.1:9/evil.dtd"):
        data = (f'<!DOCTYPE article SYSTEM "{sysid}"><article><body><sec><title>Results</title>'
                f'<p>Value &secret; here and more words.</p></sec></body></article>').encode()
        d = parse_jats(data, doc_id="x", source="x.xml")
        assert "LEAKED" not in d.text and "Value here and more words." in d.text


def test_loader_maps_errors_to_ingest_error(tmp_path):
    p = tmp_path / "broken.nxml"
    p.write_bytes(b"<article><body>")
    with pytest.raises(IngestError, match="broken.nxml: malformed XML"):
        read_document(p)


def test_cli_check_nxml_file_and_folder_recursion(tmp_path):
    sub = tmp_path / "deep" / "er"
    sub.mkdir(parents=True)
    (sub / "trial.nxml").write_bytes(jats(BODY, back=BACK))
    (tmp_path / "other.xml").write_bytes(jats(BODY, back=BACK))
    (tmp_path / "bad.xml").write_bytes(b"<html><body>nope</body></html>")
    runner = CliRunner()
    res = runner.invoke(app, ["check", str(sub / "trial.nxml"), "-f", "json"])
    assert res.exit_code in (0, 1), res.output
    arts = json.loads(res.stdout)["articles"]
    assert [a["status"] for a in arts] == ["ok"]
    evidence = [e for f in arts[0]["findings"] for e in f["evidence"] if e.get("char_start") is not None]
    assert all(e["xml_path"].startswith("/article/") for e in evidence)
    res = runner.invoke(app, ["check", str(tmp_path), "-f", "json"])
    arts = {a["id"]: a for a in json.loads(res.stdout)["articles"]}
    assert arts["trial"]["status"] == "ok" and arts["other"]["status"] == "ok"
    assert arts["bad"]["status"] == "error" and "not a JATS article" in arts["bad"]["error"]
    assert "Traceback" not in res.output


@pytest.mark.skipif(not REALWORLD.is_dir(), reason="the shared real-world JATS articles are not beside the repo")
def test_realworld_sample_reads_cleanly():
    files = sorted(REALWORLD.glob("*.nxml"))
    sample = random.Random(7).sample(files, min(10, len(files)))
    for f in sample:
        d = read_document(f)
        assert d.format == "jats" and d.title, f.name
        assert d.sections, f.name
        if b"<abstract" in f.read_bytes():
            assert d.sentences_in("abstract"), f.name
        assert d.references, f.name
        assert not [w for w in d.warnings if "only an image" not in w and "no <body>" not in w], (f.name, d.warnings)
        n_wraps = f.read_bytes().count(b"<table-wrap ") + f.read_bytes().count(b"<table-wrap>")
        images = sum("only an image" in w for w in d.warnings)
        assert len(d.tables) + images <= n_wraps
        if n_wraps and not images:
            assert d.tables, f.name
        for t in d.tables:
            assert t.rows or t.header_rows
            for row in t.header_rows + t.rows:
                for c in row.cells:
                    assert d.text[c.span.char_start:c.span.char_end] == c.raw


def test_oversized_span_table_is_skipped_with_a_warning():
    rows = "".join("<tr>" + '<td colspan="200" rowspan="2000">x</td>' * 20 + "</tr>" for _ in range(100))
    body = (f'<sec><title>Results</title><p>Some results text here.</p><table-wrap id="T1"><label>Table 1</label>'
            f"<table>{rows}</table></table-wrap></sec>")
    d = parse_jats(jats(body), doc_id="x", source="x.xml")
    assert not d.tables and any("Table 1 is too large" in w for w in d.warnings)


def test_parenthesised_citations_become_brackets_and_statistics_keep_their_parentheses():
    body = """<sec><title>Results</title><p>Adiponectin is protective (<xref ref-type="bibr" rid="B1">1</xref>,
<xref ref-type="bibr" rid="B2">2</xref>). Balance did not change, <italic>F</italic>(1, 36) = 0.16, p = 0.704.</p></sec>"""
    d = parse_jats(jats(body, back=BACK), doc_id="x", source="x.xml")
    assert "Adiponectin is protective [1, 2]." in d.text
    assert [1, 2] in [c.numbers for c in d.citations]
    assert any("F(1, 36) = 0.16, p = 0.704" in s.text for s in d.sentences)


def test_cells_stacking_lines_with_breaks_are_one_row_per_line():
    body = """<sec><title>Results</title><table-wrap id="T1"><label>Table 1</label><caption><p>Baseline</p></caption>
<table><thead><tr><th>Characteristic</th><th>Drug (n = 13)</th><th>Control (n = 10)</th></tr></thead><tbody>
<tr><td>Sex<break/>Male<break/>Female</td><td><break/>7 (53.8)<break/>6 (46.2)</td><td><break/>6 (60)<break/>4 (40)</td></tr>
<tr><td>Notes<break/>see text</td><td>a<break/>b<break/>c</td><td>1</td></tr></tbody></table></table-wrap></sec>"""
    d = parse_jats(jats(body), doc_id="x", source="x.xml")
    t = d.tables[0]
    assert [(r.label, [c.text for c in r.cells[1:]]) for r in t.rows[:3]] == [
        ("Sex", ["", ""]), ("Male", ["7 (53.8)", "6 (60)"]), ("Female", ["6 (46.2)", "4 (40)"])]
    assert t.rows[1].group == "Sex"
    # line counts that disagree: the row stays one row, its lines joined as before
    assert t.rows[3].label == "Notes see text" and t.rows[3].cells[1].text == "a b c"
    lines = d.text.splitlines()
    assert any(ln.startswith("| Male | 7 (53.8) |") for ln in lines)
