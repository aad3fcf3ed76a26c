"""validation.report: HTML and Markdown reports of a check run."""
from __future__ import annotations

import base64
import hashlib
import html

from markupsafe import escape as _escape
import json
import re
import sys
import types
from html.parser import HTMLParser

import pytest
import typer
from typer.testing import CliRunner

try:
    from tests.validation import review_fixtures as fx
except ImportError:  # pragma: no cover
    import review_fixtures as fx  # type: ignore[no-redef]

from trialaudit.schemas.document import Table
from trialaudit.schemas.findings import CheckRun, Evidence
from trialaudit.validation.report import match_evidence_cells, md_escape, render_html, render_markdown, script_safe_json


def esc(s: str) -> str:
    return str(_escape(s))


class Collect(HTMLParser):
    """Every start tag with its attributes, script bodies, and element ids."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: dict[str, dict[str, str | None]] = {}
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None
        self._buf: list[str] = []
        self.text_by_id: dict[str, list[str]] = {}
        self._stack: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            assert a["id"] not in self.ids, f"duplicate id {a['id']}"
            self.ids[a["id"]] = {**a, "_tag": tag}
        if tag == "script":
            self._in_script, self._buf = a, []
        if tag not in ("meta", "input", "br", "img", "rect", "link"):
            self._stack.append(a.get("id"))

    def handle_endtag(self, tag):
        if tag == "script" and self._in_script is not None:
            self.scripts.append((self._in_script, "".join(self._buf)))
            self._in_script = None
        if tag not in ("meta", "input", "br", "img", "rect", "link") and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if self._in_script is not None:
            self._buf.append(data)
        for i in self._stack:
            if i:
                self.text_by_id.setdefault(i, []).append(data)

    def text(self, element_id: str) -> str:
        return "".join(self.text_by_id.get(element_id, []))


@pytest.fixture(scope="module")
def run() -> CheckRun:
    return fx.build_run()


@pytest.fixture(scope="module")
def page(run) -> str:
    return render_html(run, fx.build_documents())


@pytest.fixture(scope="module")
def parsed(page) -> Collect:
    p = Collect()
    p.feed(page)
    p.close()
    return p


# --------------------------------------------------------------------------- HTML content

def test_every_finding_is_in_the_page(run, page, parsed):
    findings = [t for t in parsed.tags if "finding" in (t[1].get("class") or "").split()]
    assert len(findings) == sum(len(a.findings) for a in run.articles) == 8
    for ai, art in enumerate(run.articles):
        for f in art.findings:
            assert esc(f.message) in page
            assert esc(f.name) in page
            assert f'data-code="{esc(f.code)}"' in page
            for ev in f.evidence:
                assert esc(ev.quote) in page
            if f.computation:
                assert esc(f.computation) in page
            if f.observed:
                assert esc(f.observed) in page
    for _, attrs in findings:
        assert attrs["data-severity"] in ("error", "warning", "info")
        assert attrs["id"].startswith("art-")
    # the failed and clean articles are shown as such
    assert "PDF has no text layer" in page and "No internal inconsistencies were found." in page


def test_filter_controls_and_index(parsed, page):
    for s in ("error", "warning", "info"):
        box = parsed.ids[f"filter-severity-{s}"]
        assert box["type"] == "checkbox" and "checked" in box
    assert parsed.ids["filter-code"]["_tag"] == "select"
    assert parsed.ids["search"]["_tag"] == "input"
    options = [a.get("value") for t, a in parsed.tags if t == "option"]
    assert "" in options and "arithmetic.percent-vs-count" in options and "registry.id-mismatch" in options
    # index: counts per severity, family chips and an inline SVG chart per article
    assert len([1 for t, a in parsed.tags if t == "svg" and "bars" in (a.get("class") or "")]) == 4
    assert 'aria-label="2 errors, 4 warnings, 1 info"' in page
    assert "sample-size <b>1</b>" in page and "arithmetic <b>2</b>" in page


def test_self_contained_no_network(parsed, page):
    for tag, a in parsed.tags:
        assert tag not in ("link", "iframe", "object", "embed", "img")
        for attr in ("src", "href", "action"):
            v = a.get(attr)
            assert v is None or v.startswith("#"), (tag, attr, v)
    assert "@import" not in page and "url(" not in page
    assert "http://" not in page.split("<script type=\"application/json\"")[0].replace("http://www.w3.org", "")


# --------------------------------------------------------------------------- escaping

def test_malicious_article_cannot_inject_markup(parsed, page):
    assert "<script>alert" not in page
    assert "<img" not in page
    # no event-handler attribute anywhere, no javascript: URL
    for tag, attrs in parsed.tags:
        for k, v in attrs.items():
            assert not k.startswith("on"), (tag, k, v)
            assert not (v or "").strip().lower().startswith("javascript:")
    # exactly our two scripts: embedded data and the inline filter script
    assert [(a.get("type"), a.get("src")) for a, _ in parsed.scripts] == [("application/json", None), (None, None)]
    # the payloads are visible as text
    assert fx.XSS_SCRIPT in parsed.text("art-1") and fx.XSS_ATTR in parsed.text("art-1")
    # table cells and labels from the article are escaped too
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


def test_embedded_json_is_script_safe_and_lossless(run, parsed):
    data_attrs, body = parsed.scripts[0]
    assert data_attrs["id"] == "report-data"
    assert "<" not in body and ">" not in body and "&" not in body
    assert json.loads(body) == json.loads(run.model_dump_json())


def test_script_safe_json():
    s = script_safe_json({"a": "</script><!-- \u2028 & >"})
    assert "</" not in s and "<!--" not in s and "&" not in s and "\u2028" not in s
    assert json.loads(s) == {"a": "</script><!-- \u2028 & >"}


def test_csp_allows_only_the_report_script(parsed):
    csp = next(a["content"] for t, a in parsed.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    body = parsed.scripts[1][1]
    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp


# --------------------------------------------------------------------------- highlighted cells, links both ways

def _cell_text(page: str, cell_id: str) -> str:
    """A cell's own text, without its backlink badges."""
    m = re.search(rf'id="{re.escape(cell_id)}"[^>]*>([^<]*)', page)
    assert m, cell_id
    return html.unescape(m.group(1))


def test_finding_links_to_cell_and_cell_links_back(parsed, page):
    links = re.findall(r'<a class="cell-link" href="#([^"]+)">', page)
    assert links, "no finding links to a table cell"
    for cell_id in links:
        cell = parsed.ids[cell_id]
        assert "hl" in cell["class"].split()
        for fid in cell["data-findings"].split():
            assert fid in parsed.ids and "finding" in parsed.ids[fid]["class"].split()
            assert f'href="#{fid}"' in page  # the backlink
    backlinks = re.findall(r'<a class="backlink sev-\w+" href="#([^"]+)"', page)
    assert set(backlinks) == {f for c in links for f in parsed.ids[c]["data-findings"].split()}


def _cells_of(parsed: Collect, finding_id: str, page: str) -> list[str]:
    m = re.search(rf'<li class="finding[^"]*" id="{finding_id}".*?</li>\s*(?=<li class="finding|</ol>)', page, re.S)
    assert m, finding_id
    return [_cell_text(page, c) for c in re.findall(r'class="cell-link" href="#([^"]+)"', m.group(0))]


def test_tolerant_matching_in_the_page(parsed, page):
    # sorted: #1 category-sum, #2 dose, #3 percent-vs-count, #4 chi-square, ..., #7 AE total
    assert _cells_of(parsed, "art-0-f1", page) == ["60"]
    assert _cells_of(parsed, "art-0-f3", page) == ["26 (45.3)"]  # row "observation  group", column "pr"
    assert _cells_of(parsed, "art-0-f4", page) == ["5.710", "38 (63.3)", "25 (41.7)"]  # "TABLE 2", row "χ2"
    # no table label: matched by line 30, the Total row of Table 3
    assert _cells_of(parsed, "art-0-f7", page) == ["Total", "41 (68.3)", "36 (60.0)"]
    assert _cells_of(parsed, "art-0-f2", page) == []       # text evidence, no table


def _t2() -> Table:
    return fx.nsclc_document().tables[0]


@pytest.mark.parametrize("ev,expected", [
    (Evidence(quote="26 (45.3)", table="Table 2", row="Observation group", column="PR"), [("body", 0, 3)]),
    (Evidence(quote="x", table="TABLE II", row="  observation   GROUP ", column="pr"), [("body", 0, 3)]),
    (Evidence(quote="x", table="Table 2.", row="Control group (n = 60)", column="ORR, n (%)"), [("body", 1, 6)]),
    (Evidence(quote="x", table="table 2", row="Observation group / CR"), None),
    (Evidence(quote="14 (23.3)", line=21), [("body", 1, 5)]),
    (Evidence(quote="whole row", line=21), [("body", 1, i) for i in range(7)]),
    (Evidence(quote="x", table="Table 3", row="Observation group", column="CR"), []),
    (Evidence(quote="x", line=5), []),
])
def test_match_evidence_cells(ev, expected):
    got = match_evidence_cells(_t2(), ev)
    if expected is None:  # "group / CR" falls back to the row's last part: CR column not given -> row
        assert got and all(r == 0 for _, r, _ in got)
    else:
        assert got == expected


def test_match_by_char_span():
    doc = fx.nsclc_document()
    t = doc.tables[0]
    start = doc.text.index("9 (15.0)")
    got = match_evidence_cells(t, Evidence(quote="9 (15.0)", char_start=start, char_end=start + 8, table="Table 2",
                                           row="wrong label", column="also wrong"))
    assert got == [("body", 0, 5)]


def test_without_documents_no_tables(run):
    out = render_html(run)
    assert '<table class="article-table"' not in out and out.count('class="finding ') == 8


def test_empty_run():
    out = render_html(CheckRun(tool=fx.TOOL, articles=[]))
    assert "0 articles" in out and "0 of 0 findings shown" in out


# --------------------------------------------------------------------------- Markdown

def test_markdown_shape(run):
    md = render_markdown(run, fx.build_documents())
    lines = md.splitlines()
    assert lines[0].startswith("# ")
    assert sum(1 for ln in lines if ln.startswith("## ")) == 4
    nsclc = md.split("\n## ")[1]
    numbered = re.findall(r"^### (\d+)\. ", nsclc, re.M)
    assert numbered == [str(i) for i in range(1, 8)]
    assert "### 1. Response categories do not add up to the group size (error, `arithmetic.category-sum`)" in md
    assert '*Location:* Results, Table 2, row "Observation group", column "n", line 20 (reported total)' in md
    assert "> Observation group | 60 | 12 (20.0) | 26 (45.3) | 15 (25.0) | 9 (15.0) | 38 (63.3)" in md
    assert "- *Reported:* 45.3%" in md and "- *Expected:* 43.3%" in md
    assert "- *How it was computed:* 26 / 60 × 100 = 43.33%" in md
    assert "**Not checked** (error): PDF has no text layer (scanned?)" in md
    assert "No internal inconsistencies were found." in md


def test_markdown_has_no_raw_html_or_live_markup(run):
    md = render_markdown(run)
    assert not re.search(r"(?<!\\)<", md), "unescaped '<' in markdown"
    assert "\\<script\\>alert(1)\\</script\\>" in md
    assert "\\[x\\](javascript:alert(1))" in md and "\\*bold\\*" in md and "\\_it\\_" in md
    # the multi-line computation is one line; nothing opens a heading or table mid-document
    xss = md.split("## Trial of")[1].split("## A well-reported")[0]
    for ln in xss.splitlines():
        assert not ln.startswith("#") or ln.startswith("### 1.") or ln.startswith("## ")
        assert not ln.startswith("|")


def test_md_escape():
    assert md_escape("a*b_c [d](e) <f> `g` ~h~") == "a\\*b\\_c \\[d\\](e) \\<f\\> \\`g\\` \\~h\\~"
    assert md_escape("# x", line_start=True) == "\\# x" and md_escape("1. x", line_start=True) == "1\\. x"
    assert md_escape("0.1.0") == "0.1.0"
    assert md_escape("a | b") == "a | b" and md_escape("a | b\n--|--") == "a \\| b\n\\--\\|--"
    assert md_escape("&lt;") == "\\&lt;"


def test_markdown_quotes_are_blockquotes():
    r = fx.nsclc_result()
    r.findings[0].evidence[0].quote = "line one\n# line two\n\n| a | b |\n|---|---|"
    md = render_markdown(CheckRun(tool=fx.TOOL, articles=[r]))
    block = md.split("*Location:* Results, Table 2")[1].split("- *Reported:*")[0].strip().splitlines()[2:]
    assert block == ["> line one", "> \\# line two", ">", "> \\| a \\| b \\|", "> \\|---\\|---\\|"]


# --------------------------------------------------------------------------- CLI

@pytest.fixture()
def cli(monkeypatch):
    calls: list = []
    mod = types.ModuleType("trialaudit.api")

    def run_check(paths, settings=None):
        calls.append(paths)
        if paths and "missing.txt" in paths:
            raise FileNotFoundError("missing.txt: no such file")
        return fx.build_run(), fx.build_documents()

    def check_batch(paths, settings=None):
        run, docs = mod.run_check(paths, settings)
        return types.SimpleNamespace(run=run, documents=docs, studies={})

    mod.run_check = run_check  # type: ignore[attr-defined]
    mod.check_batch = check_batch  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "trialaudit.api", mod)
    import trialaudit

    monkeypatch.setattr(trialaudit, "api", mod, raising=False)
    from trialaudit.cli_review import register

    app = typer.Typer()
    register(app)
    runner = CliRunner()
    return (lambda *args: runner.invoke(app, list(args))), calls


def test_cli_report_html_and_md(cli, tmp_path):
    invoke, calls = cli
    out = tmp_path / "report.html"
    res = invoke("report", "a.txt", "b.txt", "-o", str(out))
    assert res.exit_code == 0, res.output
    assert calls[-1] == ["a.txt", "b.txt"]
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert "4 article(s), 8 finding(s)" in res.output
    res = invoke("report", "-o", str(tmp_path / "r.md"))
    assert res.exit_code == 0 and calls[-1] is None  # no paths: the bundled corpus
    assert (tmp_path / "r.md").read_text().startswith("# Internal-consistency review")
    res = invoke("report", "--format", "md", "-o", str(tmp_path / "x.txt"))
    assert res.exit_code == 0 and (tmp_path / "x.txt").read_text().startswith("# ")


@pytest.mark.parametrize("args,message", [
    (["report", "missing.txt", "-o", "{tmp}/r.html"], "missing.txt: no such file"),
    (["report", "--format", "pdf", "-o", "{tmp}/r.pdf"], "--format must be html or md"),
    (["report", "-o", "{tmp}/nodir/r.html"], "no such directory"),
])
def test_cli_report_errors(cli, tmp_path, args, message):
    invoke, _ = cli
    res = invoke(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert res.exit_code == 2
    assert message in res.output and "Traceback" not in res.output
    assert len([ln for ln in res.output.splitlines() if ln.startswith("error:")]) == 1


# --------------------------------------------------------------------------- flagged numbers, coverage, details

@pytest.fixture(scope="module")
def liu_report():
    from trialaudit import api

    import trialaudit.corpus as corpus
    with corpus.paths() as files:
        path = next(p for p in files if p.stem.startswith("liu-2025"))
        run, docs = api.run_check([str(path)])
    return run, docs, render_html(run, docs)


def test_flagged_number_is_marked_inside_its_quote(liu_report):
    import html as html_mod

    run, docs, page = liu_report
    marks = re.findall(r'<blockquote class="quote">(.*?)</blockquote>', page, re.S)
    marked = [m for m in marks if '<mark class="flagged">' in m]
    assert marked, "no quote has its flagged number marked"
    inners = [re.search(r'<mark class="flagged">(.*?)</mark>', m).group(1) for m in marked]
    assert all(inner.strip() and len(inner) < len(m) for inner, m in zip(inners, marked))
    # most marks are the flagged numbers (some rules flag a phrase, e.g. an endpoint name)
    assert sum(bool(re.search(r"\d", html_mod.unescape(i))) for i in inners) >= len(inners) / 2


def test_split_quote_places_the_span():
    from trialaudit.schemas.document import Document
    from trialaudit.validation.report import split_quote

    text = "Intro line.\nThe ORR was 23.6% (13/55) and the DCR 52.7% in the group.\n"
    doc = Document(id="x", source="x.txt", format="text", text=text)
    quote = "The ORR was 23.6% (13/55) and the DCR 52.7% in the group."
    cs = text.index("52.7%")
    ev = Evidence(quote=quote, char_start=cs, char_end=cs + 5)
    assert split_quote(ev, doc) == ("The ORR was 23.6% (13/55) and the DCR ", "52.7%", " in the group.")
    assert split_quote(Evidence(quote=quote), doc) == (quote, "", "")
    assert split_quote(Evidence(quote="52.7%", char_start=cs, char_end=cs + 5), doc)[1] == ""


def test_coverage_in_html_and_markdown(liu_report):
    run, docs, page = liu_report
    assert 'id="total-coverage"' in page and 'class="article-coverage"' in page
    n = run.articles[0].coverage.checked["percentages"].checked
    assert f"<b>{n}</b> percentages recomputed" in page
    md = render_markdown(run, docs)
    assert f"Checked: {n} percentages recomputed" in md


def test_nothing_understood_is_a_warning_not_a_clean_result():
    from trialaudit.schemas.findings import ArticleResult, CheckRun, Coverage, ToolInfo

    r = ArticleResult(id="v", source="v.txt", status="not_understood", error="nothing understood: ...",
                      coverage=Coverage(read={"tables": 0, "numbers": 0, "arms": 0}))
    page = render_html(CheckRun(tool=ToolInfo(name="trialaudit", version="0"), articles=[r]), {})
    assert "Nothing understood." in page and "No internal inconsistencies were found" not in page
