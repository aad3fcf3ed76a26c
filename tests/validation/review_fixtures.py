"""Sample data builders for the report and checklist tests.

The check runner is written elsewhere; these build realistic ``CheckRun`` and
``Document`` objects by hand: a small RCT article with a response table whose
rows do not add up, an article whose title, quotes and table labels carry
markup-injection payloads, a clean article and one that failed to load.
"""
from __future__ import annotations

import hashlib

from trialaudit.schemas.document import Cell, Document, Section, Table, TableRow
from trialaudit.schemas.findings import ArticleResult, CheckRun, Evidence, Finding, ToolInfo
from trialaudit.schemas.provenance import Span

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_ATTR = '"><img src=x onerror=alert(1)>'

TOOL = ToolInfo(name="trialaudit", version="0.1.0")


# --------------------------------------------------------------------------- documents

class _Text:
    """Accumulates article lines and knows the offsets of each line."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.text = "\n".join(lines) + "\n"
        self.starts: list[int] = []
        pos = 0
        for ln in lines:
            self.starts.append(pos)
            pos += len(ln) + 1

    def line_no(self, needle: str) -> int:
        """1-based number of the first line containing ``needle``."""
        for i, ln in enumerate(self.lines):
            if needle in ln:
                return i + 1
        raise KeyError(needle)

    def span(self, line: int, line_end: int | None = None) -> Span:
        last = line_end or line
        return Span(line=line, line_end=line_end, char_start=self.starts[line - 1],
                    char_end=self.starts[last - 1] + len(self.lines[last - 1]))

    def quote_span(self, line: int, quote: str) -> tuple[int, int]:
        i = self.lines[line - 1].index(quote)
        return self.starts[line - 1] + i, self.starts[line - 1] + i + len(quote)

    def pipe_row(self, line: int, index: int, kind: str = "body") -> TableRow:
        raw = self.lines[line - 1]
        cells: list[Cell] = []
        pos = 0
        for part in raw.split("|"):
            start = pos + (len(part) - len(part.lstrip()))
            txt = part.strip()
            cs = self.starts[line - 1] + start
            cells.append(Cell(text=txt, raw=txt, span=Span(line=line, char_start=cs, char_end=cs + len(txt))))
            pos += len(part) + 1
        return TableRow(index=index, cells=cells, span=self.span(line), kind=kind)  # type: ignore[arg-type]

    def table(self, tid: str, label: str, caption_line: int, header_line: int, body_lines: list[int],
              section: str | None = None, footnotes: list[str] | None = None) -> Table:
        header = self.pipe_row(header_line, 0, "header")
        rows = [self.pipe_row(ln, i + 1) for i, ln in enumerate(body_lines)]
        cap = self.lines[caption_line - 1]
        caption = cap[len(label):].strip() if cap.startswith(label) else cap
        return Table(id=tid, label=label, number=label.split()[-1], caption=caption,
                     caption_span=self.span(caption_line), header_rows=[header], rows=rows,
                     columns=[c.text for c in header.cells], footnotes=footnotes or [],
                     span=self.span(caption_line, body_lines[-1]), section=section, source_format="pipe")


NSCLC_LINES = [
    "Efficacy and safety of camrelizumab plus chemotherapy in advanced non-small cell lung cancer: "
    "a randomised controlled trial",
    "",
    "Abstract",
    "Objective: To evaluate camrelizumab plus pemetrexed-carboplatin in advanced NSCLC.",
    "Methods: 124 patients were randomised to an observation group and a control group.",
    "Results: The objective response rate (ORR) was 63.3% in the observation group and 41.7% in the "
    "control group (P < 0.05).",
    "Trial registration: ChiCTR2000031234.",
    "",
    "Methods",
    "A total of 120 patients were randomised (observation group, n = 60; control group, n = 60).",
    "The trial was registered at ClinicalTrials.gov (NCT04123456).",
    "The observation group received camrelizumab 200 mg every 3 weeks plus pemetrexed 500 mg/m2 and "
    "carboplatin AUC 5.",
    "The control group received pemetrexed 500 mg/m2 and carboplatin AUC 5 every 3 weeks.",
    "The primary endpoint was the objective response rate; secondary endpoints were progression-free "
    "survival and safety.",
    "Categorical data were compared with the chi-square test; P < 0.05 was considered significant.",
    "",
    "Results",
    "Table 2 Short-term efficacy in the two groups [n (%)]",
    "Group | n | CR | PR | SD | PD | ORR",
    "Observation group | 60 | 12 (20.0) | 26 (45.3) | 15 (25.0) | 9 (15.0) | 38 (63.3)",
    "Control group | 60 | 8 (13.3) | 17 (28.3) | 21 (35.0) | 14 (23.3) | 25 (41.7)",
    "χ2 |  |  |  |  |  | 5.710",
    "P |  |  |  |  |  | 0.017",
    "",
    "Table 3 Adverse events in the two groups [n (%)]",
    "Adverse event | Observation group | Control group",
    "Leukopenia | 18 (30.0) | 16 (26.7)",
    "Nausea and vomiting | 22 (36.7) | 20 (33.3)",
    "Reactive capillary hyperplasia | 25 (41.7) | 0 (0.0)",
    "Total | 41 (68.3) | 36 (60.0)",
    "",
    "Discussion",
    "Camrelizumab 3 mg/kg every 2 weeks improved the response rate without more toxicity.",
    "",
    "References",
    "1. Zhou C, et al. Camrelizumab plus carboplatin and pemetrexed in non-squamous NSCLC. "
    "Lancet Respir Med. 2021;9:305-314.",
]


def nsclc_document(article_id: str = "nsclc-camrelizumab") -> Document:
    t = _Text(NSCLC_LINES)
    res = 17  # the "Results" heading
    t2 = t.table("t2", "Table 2", 18, 19, [20, 21, 22, 23], section="results")
    t3 = t.table("t3", "Table 3", 25, 26, [27, 28, 29, 30], section="results")
    sections = [
        Section(id="abstract", title="Abstract", kind="abstract", span=t.span(3, 7)),
        Section(id="methods", title="Methods", kind="methods", span=t.span(9, 15)),
        Section(id="results", title="Results", kind="results", span=t.span(res, 30)),
        Section(id="discussion", title="Discussion", kind="discussion", span=t.span(32, 33)),
        Section(id="references", title="References", kind="references", span=t.span(35, 36)),
    ]
    return Document(id=article_id, source=f"corpus/articles/{article_id}.txt", format="text",
                    title=NSCLC_LINES[0], text=t.text, line_starts=t.starts, sections=sections,
                    tables=[t2, t3])


XSS_LINES = [
    f"Trial of {XSS_SCRIPT} in {XSS_ATTR} patients",
    "",
    "Results",
    f"The response rate was 45% {XSS_SCRIPT} (18/40) {XSS_ATTR} in arm A.",
    "",
    "Table 1 Baseline [n (%)] <b>bold</b>",
    f"Characteristic | Arm A | {XSS_ATTR}",
    f"{XSS_SCRIPT} | 20 (50.0) | 21 (52.5)",
    "Female | 21 (50.0) | 19 (47.5)",
]


def xss_document(article_id: str = "xss-article") -> Document:
    t = _Text(XSS_LINES)
    t1 = t.table("t1", "Table 1", 6, 7, [8, 9], section="results",
                 footnotes=[f"Footnote {XSS_SCRIPT}"])
    return Document(id=article_id, source=f"uploads/{article_id}.txt", format="text", title=XSS_LINES[0],
                    text=t.text, line_starts=t.starts, tables=[t1],
                    sections=[Section(id="results", title="Results", kind="results", span=t.span(3, 9))])


# --------------------------------------------------------------------------- findings

def fingerprint(code: str, *parts: str) -> str:
    return hashlib.sha1("|".join([code, *parts]).encode()).hexdigest()


def make_finding(code: str, name: str, severity: str, message: str, family: str,
                 evidence: list[Evidence], **kw) -> Finding:
    fp = kw.pop("fingerprint", None) or fingerprint(code, *(e.quote for e in evidence))
    return Finding(code=code, name=name, severity=severity, message=message, family=family,  # type: ignore[arg-type]
                   evidence=evidence, fingerprint=fp, **kw)


def nsclc_findings() -> list[Finding]:
    doc_t = _Text(NSCLC_LINES)
    cs, ce = doc_t.quote_span(20, "26 (45.3)")
    return [
        make_finding(
            "arithmetic.category-sum", "Response categories do not add up to the group size", "error",
            "CR + PR + SD + PD = 62 in the observation group of Table 2, but the group has n = 60.",
            "arithmetic",
            [Evidence(quote="Observation group | 60 | 12 (20.0) | 26 (45.3) | 15 (25.0) | 9 (15.0) | 38 (63.3)",
                      line=20, section="Results", table="Table 2", row="Observation group", column="n",
                      role="reported total")],
            observed="62", expected="60",
            computation="Added the counts of the four response categories (12 + 26 + 15 + 9 = 62) and "
                        "compared them with the group size in the n column (60).",
            changes_conclusion=False),
        make_finding(
            "arithmetic.percent-vs-count", "Percentage does not match its count", "warning",
            "26 of 60 is 43.3%, not the 45.3% reported for PR in the observation group.",
            "arithmetic",
            [Evidence(quote="26 (45.3)", line=20, char_start=cs, char_end=ce, section="Results",
                      table="Table 2", row="observation  group", column="pr", role="count")],
            observed="45.3%", expected="43.3%",
            computation="26 / 60 × 100 = 43.33%, which rounds to 43.3% at one decimal; no rounding rule "
                        "gives 45.3%.",
            rounding="half-up to 1 decimal"),
        make_finding(
            "statistics.chi-square", "Chi-square statistic not reproducible", "warning",
            "The χ2 for ORR (38/60 vs 25/60) recomputes to 5.647 without continuity correction "
            "(4.812 with it), not the 5.710 reported.",
            "statistics",
            [Evidence(quote="χ2 |  |  |  |  |  | 5.710", line=22, section="Results", table="TABLE 2",
                      row="χ2", column="ORR", role="reported statistic"),
             Evidence(quote="38 (63.3)", line=20, section="Results", table="Table 2",
                      row="Observation group", column="ORR", role="count"),
             Evidence(quote="25 (41.7)", line=21, section="Results", table="Table 2",
                      row="Control group", column="ORR", role="count")],
            observed="χ2 = 5.710", expected="χ2 = 5.647 (P = 0.017)",
            computation="Pearson chi-square on the 2×2 table [[38, 22], [25, 35]]; the reported P = 0.017 "
                        "matches the recomputed value, so the conclusion stands.",
            changes_conclusion=False),
        make_finding(
            "sample-size.enrolled-mismatch", "Sample size differs between sections", "warning",
            "The abstract reports 124 randomised patients; Methods reports 120 (60 + 60).",
            "sample-size",
            [Evidence(quote="124 patients were randomised", line=5, section="Abstract", role="reported"),
             Evidence(quote="A total of 120 patients were randomised", line=10, section="Methods",
                      role="reported")],
            observed="124", expected="120"),
        make_finding(
            "registry.id-mismatch", "Trial registration ids differ", "warning",
            "The abstract gives ChiCTR2000031234 but Methods gives NCT04123456.",
            "registry",
            [Evidence(quote="Trial registration: ChiCTR2000031234.", line=7, section="Abstract"),
             Evidence(quote="registered at ClinicalTrials.gov (NCT04123456)", line=11, section="Methods")]),
        make_finding(
            "regimen.dose-mismatch", "Camrelizumab dose differs between sections", "error",
            "Methods give camrelizumab 200 mg every 3 weeks; Discussion gives 3 mg/kg every 2 weeks.",
            "regimen",
            [Evidence(quote="camrelizumab 200 mg every 3 weeks", line=12, section="Methods"),
             Evidence(quote="Camrelizumab 3 mg/kg every 2 weeks", line=33, section="Discussion")],
            observed="3 mg/kg q2w", expected="200 mg q3w"),
        make_finding(
            "plausibility.ae-total", "Adverse-event total below the largest single event", "info",
            "Total 41 (68.3) is consistent with the largest row (25) but cannot be verified from the rows.",
            "plausibility",
            [Evidence(quote="Total | 41 (68.3) | 36 (60.0)", line=30, section="Results")],
            details={"max_row": 25}),
    ]


def xss_findings() -> list[Finding]:
    return [
        make_finding(
            "arithmetic.percent-vs-count", f"Percent mismatch {XSS_SCRIPT}", "error",
            f"18/40 is 45.0% {XSS_SCRIPT} but *bold* _it_ [x](javascript:alert(1)) {XSS_ATTR}",
            "arithmetic",
            [Evidence(quote=f"45% {XSS_SCRIPT} (18/40) {XSS_ATTR}", line=4, section=f"Results {XSS_ATTR}",
                      table="Table 1", row=XSS_SCRIPT, column=XSS_ATTR)],
            observed=f"{XSS_SCRIPT}", expected=f"{XSS_ATTR}",
            computation=f"# heading\n> quote\n| a | b |\n<img src=x onerror=alert(1)> {XSS_SCRIPT}"),
    ]


def nsclc_result(article_id: str = "nsclc-camrelizumab", findings: list[Finding] | None = None) -> ArticleResult:
    return ArticleResult(id=article_id, source=f"corpus/articles/{article_id}.txt", status="ok",
                         title=NSCLC_LINES[0], format="text",
                         findings=nsclc_findings() if findings is None else findings,
                         checks_run=42, elapsed_s=0.31)


def xss_result(article_id: str = "xss-article") -> ArticleResult:
    return ArticleResult(id=article_id, source=f"uploads/{article_id}.txt", status="ok", title=XSS_LINES[0],
                         format="text", findings=xss_findings(), checks_run=42, elapsed_s=0.05)


def clean_result() -> ArticleResult:
    return ArticleResult(id="clean-trial", source="corpus/articles/clean-trial.txt", status="ok",
                         title="A well-reported trial", format="text", findings=[], checks_run=42)


def failed_result() -> ArticleResult:
    return ArticleResult(id="broken-pdf", source="uploads/broken.pdf", status="error", format="pdf",
                         error="PDF has no text layer (scanned?)")


def build_run() -> CheckRun:
    return CheckRun(tool=TOOL, articles=[nsclc_result(), xss_result(), clean_result(), failed_result()])


def build_documents() -> dict[str, Document]:
    return {"nsclc-camrelizumab": nsclc_document(), "xss-article": xss_document()}


def rerun_findings() -> list[Finding]:
    """The NSCLC findings after the article was corrected and the tool improved.

    The registry mismatch vanished (authors fixed it), a new references finding
    appeared, everything else is unchanged (same fingerprints).
    """
    kept = [f for f in nsclc_findings() if f.code != "registry.id-mismatch"]
    new = make_finding(
        "references.irrelevant", "Reference does not concern the trial topic", "info",
        "Reference 1 is cited for the safety claim but reports efficacy only.", "references",
        [Evidence(quote="1. Zhou C, et al.", line=36, section="References")])
    return [*kept, new]
