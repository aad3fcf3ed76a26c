"""Test statistics printed with their P in sentences (``Study.text_statistics``).

"χ² = 8.23, df = 2, P = 0.016", "t(38) = 2.1, P = 0.04", "F(2, 57) = 3.4; P = .04", "z = 1.96 (P = 0.05)": a
χ², t, F or z with its value, the P printed in it or right after it (nothing but punctuation and words
between), and the degrees of freedom when the statistic or the words after it print them. Sentences of the
references, declarations, acknowledgements, front matter and keywords are not read. TA201 recomputes each P.

An eta squared printed after the statistic in the same sentence, before any other statistic ("F(1, 58) = 4.21,
p = .045, ηp² = .07", "partial eta squared = 0.07", "η² = 0.58", "ηG² = .03") is kept with it, with its kind:
"partial", "generalized" or "unspecified". TA212 recomputes it from the statistic and its degrees of freedom.
"""
from __future__ import annotations

import re

from trialaudit.extractor.evidence import cell_evidence, sentence_evidence
from trialaudit.extractor.quantities import find_quantities
from trialaudit.schemas.document import Document
from trialaudit.schemas.quantities import Num
from trialaudit.schemas.study import CellStatistic, TextStatistic

from .ratios import NON_RESULT_SECTIONS, p_after
from .table_tests import parse, printed_p_cell, stat_cell

__all__ = ["extract_text_statistics", "extract_cell_statistics", "extract_row_statistics", "df_near"]

_KINDS = ("chi2", "t", "F", "z")
#: an eta squared and its kind: "ηp² = .07", "η²p = .07", "ηₚ² = .07", "partial η² = 0.11", "partial eta squared =
#: 0.11", "η2 = 0.58", "ηG² = .03"
_ETA = re.compile(r"(?P<partial>\bpartial\s+)?(?:η|\beta)[\s-]*(?P<sub1>p|ₚ|partial|G|g)?\s*(?:²|2|\^2|[\s-]*squared)"
                  r"\s*(?P<sub2>p|ₚ|partial|G|g)?(?![A-Za-z\d])\s*(?P<op>=|<|≤)\s*(?P<v>0?\.\d+|[01](?:\.\d+)?)(?![\d]|\.\d)",
                  re.I)
_DF_RX = re.compile(r"(?i)\b(?:df|d\.f\.|degrees\s+of\s+freedom)\s*[=:]?\s*(\d+(?:\.\d+)?)")


def df_near(text: str) -> float | None:
    """Degrees of freedom printed in words ("df = 2", "d.f. 3", "degrees of freedom 8"), else None."""
    m = _DF_RX.search(text or "")
    return float(m.group(1)) if m else None


def _eta_after(text: str, start: int, stop: int) -> tuple[Num, str, str, str, int] | None:
    """The eta squared printed in ``text[start:stop]``: (value, operator, kind, as printed, where it ends)."""
    m = _ETA.search(text, start, stop)
    if not m:
        return None
    subs = {(m.group("sub1") or "").lower(), (m.group("sub2") or "").lower()}
    kind = "partial" if m.group("partial") or subs & {"p", "ₚ", "partial"} else \
        "generalized" if "g" in subs else "unspecified"
    v = m.group("v")
    num = Num(value=float(v), text=v, decimals=len(v.split(".")[1]) if "." in v else 0,
              start=m.start("v"), end=m.end("v"))
    return num, {"≤": "<="}.get(m.group("op"), m.group("op")), kind, m.group(0).strip(), m.end()


def extract_text_statistics(doc: Document) -> list[TextStatistic]:
    """Every χ², t, F or z with its P in a sentence, in reading order."""
    out: list[TextStatistic] = []
    for sent in doc.sentences:
        if sent.section_kind in NON_RESULT_SECTIONS:
            continue
        qs = find_quantities(sent.text)
        for i, q in enumerate(qs):
            if q.kind != "test_stat" or q.statistic not in _KINDS or q.stat_value is None:
                continue
            p, op, end = q.p, q.p_operator, q.end
            if p is None:
                pq = p_after(qs, i, sent.text)
                if pq is None:
                    continue
                p, op, end = pq.p, pq.p_operator, pq.end
            nxt = next((x.start for x in qs[i + 1:] if x.kind == "test_stat" and x.start >= end), len(sent.text))
            eta = _eta_after(sent.text, end, min(nxt, end + 80))
            out.append(TextStatistic(statistic=q.statistic, value=q.stat_value, df=q.df, df2=q.df2,
                                     df_words=df_near(sent.text[q.start:q.end + 60]), p=p,
                                     p_operator=op or "=", text=sent.text[q.start:end], sentence=sent.id,
                                     eta_squared=eta[0] if eta else None, eta_operator=eta[1] if eta else None,
                                     eta_kind=eta[2] if eta else None, eta_text=eta[3] if eta else None,
                                     eta_evidence=sentence_evidence(doc, sent, q.start, eta[4], role="test and effect size")
                                     if eta else None,
                                     evidence=sentence_evidence(doc, sent, q.start, end, role="test")))
    return out


def extract_cell_statistics(doc: Document) -> list[CellStatistic]:
    """Every χ², t, F or z printed with its P inside one table cell (not the label column), in table order."""
    out: list[CellStatistic] = []
    for table in doc.tables:
        for row in table.rows:
            for j, cell in enumerate(row.cells):
                if j == 0 or not re.search(r"[=:]", cell.text):
                    continue
                for q in parse(cell.text):
                    if q.kind != "test_stat" or q.statistic not in _KINDS or q.stat_value is None or q.p is None:
                        continue
                    out.append(CellStatistic(
                        statistic=q.statistic, value=q.stat_value, df=q.df, df2=q.df2,
                        df_words=df_near(cell.text[q.start:q.end + 60]), p=q.p, p_operator=q.p_operator or "=",
                        text=cell.text, table=table.label, row=row.label, where=f"{table.label}, row '{row.label}'",
                        evidence=cell_evidence(doc, table, row, j, role="test")))
    return out


#: a row whose label names a test statistic ("t-test", "t value", "χ²", "Chi-square", "F", "Z value"), and a row
#: of P values ("P", "P-value", "Sig."): the layout that prints the groups as rows and each column's test below them
_STAT_ROW = re.compile(
    r"^\s*(?:(?P<t>t(?:[- ]?(?:test|values?|statistics?))?|T[- ]?(?:test|values?)|student['’]?s\s+t(?:[- ]test)?)|"
    r"(?P<chi2>χ\s*[2²]|x\s*[2²]|chi[- ]?squared?(?:\s+(?:test|values?))?|chi2)|"
    r"(?P<F>F(?:[- ]?(?:test|values?))?)|(?P<z>[zZ](?:[- ]?(?:test|values?|scores?))?))\s*$", re.I)
_P_ROW = re.compile(r"^\s*(?:P(?:[- ]?values?)?|sig(?:\.|nificance)?)\s*$", re.I)


def extract_row_statistics(doc: Document) -> list[CellStatistic]:
    """Tests printed as two rows of a table, a row of statistics ("t-test | 57.671 | 59.799") next to a row of P
    values right below it ("P-value | >0.05 | >0.05"): each column's statistic with the P below it. The degrees of
    freedom are not printed in this layout."""
    out: list[CellStatistic] = []
    for table in doc.tables:
        rows = table.rows
        for i, row in enumerate(rows):
            m = _STAT_ROW.match(row.label or "")
            if m is None:
                continue
            kind = next(k for k in ("t", "chi2", "F", "z") if m.group(k))
            if kind == "t" and (row.label or "").strip() == "T":
                continue  # a bare capital T names a stage or a time more often than a statistic
            if i + 1 >= len(rows) or not _P_ROW.match(rows[i + 1].label or ""):
                continue  # the P row right below: a P row above may belong to the row above it
            prow = rows[i + 1]
            for j in range(1, min(len(row.cells), len(prow.cells))):
                v = stat_cell(row.cells[j].text)
                pp = printed_p_cell(prow.cells[j].text)
                if v is None or pp is None:
                    continue
                col = table.column_label(j) or f"column {j + 1}"
                out.append(CellStatistic(
                    statistic=kind, value=v, p=pp[0], p_operator=pp[1],
                    text=f"{row.label} {row.cells[j].text}; {prow.label} {prow.cells[j].text}", table=table.label,
                    row=row.label, where=f"{table.label}, column '{col}'",
                    evidence=cell_evidence(doc, table, row, j, role="test"),
                    p_evidence=cell_evidence(doc, table, prow, j, role="p")))
    return out
