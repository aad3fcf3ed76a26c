"""Ratio estimates (HR, OR, RR) with their confidence interval and P, from tables and sentences.

``Study.ratio_estimates`` holds every estimate printed with a CI: its type, the interval's level,
the P printed beside it (value and operator), whether it compares two groups (a treatment or a
yes/no variable) rather than a per-unit effect, and the evidence (cells or the sentence). The
ratio rules (TA204-TA206) read them; nothing re-parses the article.
"""
from __future__ import annotations

import re

from trialaudit.extractor.evidence import cell_evidence, sentence_evidence
from trialaudit.extractor.quantities import CI_LABEL, find_quantities, parse_cell
from trialaudit.schemas.document import Document, Table, TableRow
from trialaudit.schemas.quantities import Num, Quantity
from trialaudit.schemas.study import Arm, RatioEstimate

from .arms import arm_mentions, resolve_arm
from .stat_labels import is_p_label

#: sections whose numbers are not this study's results
NON_RESULT_SECTIONS = ("references", "declarations", "acknowledgements", "front", "keywords")

RATIO_HEAD = re.compile(r"(?<![A-Za-z])(?:a?HR|a?OR|a?RR|IRR|hazard ratios?|odds ratios?|risk ratios?|relative risks?|"
                         r"rate ratios?)(?![A-Za-z])", re.I)
_BINARY_LABEL = re.compile(r"\bvs\.?(?![a-z])|\bversus\b|\byes\b|\bno\b|\bref(?:erence)?\b|\bcompared\b|\bpresence\b|"
                           r"\bpresent\b|\babsent\b|\bmale\b|\bfemale\b", re.I)
_CONTINUOUS_LABEL = re.compile(r"\bper\b|\beach\b|\bincrease|\bincrement|\bcontinuous|\bunit\b|\bscore\b|\bnumber of\b|"
                               r"\bage\b|\bcount\b|\blevel\b|\bdose\b|\bduration\b|\bsize\b|\bBMI\b|\(years?\)", re.I)


def _ratio_type(s: str) -> str:
    s2 = (s or "").lower()
    if re.search(r"hazard|\ba?hr\b", s2):
        return "HR"
    if re.search(r"odds|\ba?or\b", s2):
        return "OR"
    return "RR"


def ci_cell(text: str) -> tuple[Num, Num] | None:
    """'0.456-0.879', '(19.9, 46.3)', '0.37 to 0.98', '95% CI: 0.37, 0.98'."""
    qs = parse_cell(text or "", label="95% CI")
    if len(qs) == 1 and qs[0].low is not None and qs[0].high is not None and qs[0].value is None:
        return qs[0].low, qs[0].high
    nums = [q.value for q in qs if q.kind in ("number", "count") and q.value is not None]
    if len(qs) == 2 and len(nums) == 2:
        return nums[0], nums[1]
    return None


def _is_binary(label: str, arms_all: list[Arm], text_mode: bool = False) -> bool:
    """The estimate compares two groups (arms named, 'vs', yes/no, a treatment) rather than a per-unit effect."""
    if text_mode:
        arms = [a for a in arms_all if not a.is_total]
        ids = {a.id for a, _, _ in arm_mentions(label, arms)}
        if len(ids) >= 2:
            return True
        return bool(re.search(r"\bvs\.?(?![a-z])|\bversus\b|\bcompared (?:with|to)\b", label, re.I)) and \
            not _CONTINUOUS_LABEL.search(label)
    if resolve_arm(label, arms_all) is not None:
        return True
    if _BINARY_LABEL.search(label):
        return True
    return bool(re.search(r"\b(?:treatment|regimen|group|arm)\b", label, re.I)) and not _CONTINUOUS_LABEL.search(label)


def extract_ratio_estimates(doc: Document, arms: list[Arm]) -> list[RatioEstimate]:
    """Every ratio estimate with a CI (HR/OR/RR), from tables and text, with its P when printed."""
    out: list[RatioEstimate] = []
    for table in doc.tables:
        out.extend(_table_ratios(doc, table, arms))
    for sent in doc.sentences:
        if sent.section_kind in NON_RESULT_SECTIONS:
            continue
        qs = find_quantities(sent.text)
        for i, q in enumerate(qs):
            if q.kind != "ratio" or q.value is None or q.low is None or q.high is None or q.not_estimable:
                continue
            pct_after = any(n.end is not None and sent.text[n.end:n.end + 2].lstrip().startswith("%")
                            for n in (q.value, q.low, q.high))
            if pct_after or (q.ratio_type == "RR" and q.value.value >= 10):
                continue  # "RR 32.1% (19.9–46.3)" is a response rate, not a risk ratio
            end = q.end
            p, op = (q.p, q.p_operator or "=") if q.p is not None else (None, None)
            if q.p is None:
                pq = p_after(qs, i, sent.text, reach=40)
                if pq is not None and pq.p is not None:
                    p, op = pq.p, pq.p_operator or "="
                    end = pq.end
            quote = sent.text[q.start:end]
            out.append(RatioEstimate(
                ratio_type=q.ratio_type or _ratio_type(q.text), estimate=q.value, low=q.low, high=q.high,
                level=q.ci_level or 95.0, p=p, p_operator=op, p_one_sided=p is not None and bool(_ONE_SIDED.search(quote)),
                label=sent.text, where=f"'{quote}'",
                evidence=[sentence_evidence(doc, sent, q.start, end, role="ratio")],
                binary=_is_binary(sent.text, arms, text_mode=True), key=f"text|{quote}", source="text"))
    return out


#: a header that also names differences or coefficients ("Odds Ratio or Mean Difference", "OR/MD", "RR or β")
_DIFFERENCE_HEAD = re.compile(r"\bdifferences?\b|(?<![A-Za-z])MD(?![A-Za-z])|\bcoefficients?\b|β|\bbeta\b", re.I)


def _ratio_like(est: Num, low: Num, high: Num) -> bool:
    """A ratio's interval in a mixed column: all three positive and not symmetric on the plain scale (a difference's
    interval is estimate ± a margin: ".29 (.11–.47)")."""
    if min(est.value, low.value, high.value) <= 0:
        return False
    tol = sum(0.5 * 10 ** (-x.decimals) for x in (est, low, high)) + 1e-9
    return abs((est.value - low.value) - (high.value - est.value)) > tol


def _table_ratios(doc: Document, table: Table, arms: list[Arm]) -> list[RatioEstimate]:
    out: list[RatioEstimate] = []
    cols = table.columns
    ratio_cols = [j for j, c in enumerate(cols) if j > 0 and RATIO_HEAD.search(c.split(" / ")[-1] or c)
                  and not re.search(r"%|\brate\b|respon|\bn\b", re.sub(r"\d{2}(?:\.\d+)?\s*%\s*(?:CI|conf)", "", c),
                                    re.I)]
    if not ratio_cols:
        return out
    for idx, rc in enumerate(ratio_cols):
        stop = ratio_cols[idx + 1] if idx + 1 < len(ratio_cols) else len(cols)
        ci_c = next((j for j in range(rc + 1, stop) if CI_LABEL.search(cols[j]) and not RATIO_HEAD.search(cols[j])), None)
        p_c = next((j for j in range(rc + 1, stop) if is_p_label(cols[j])), None)
        level = 95.0
        m = re.search(r"(\d{2}(?:\.\d+)?)\s*%", cols[ci_c] if ci_c is not None else cols[rc])
        if m:
            level = float(m.group(1))
        group = cols[rc].split(" / ")[0] if " / " in cols[rc] else ""
        mixed = bool(_DIFFERENCE_HEAD.search(cols[rc]))   # "Odds Ratio or Mean Difference": some rows are differences
        for row in table.rows:
            if row.kind == "group":
                continue
            txt = cell_text(row, rc)
            est = low = high = None
            qs = parse_cell(txt, label=cols[rc])
            if len(qs) == 1 and qs[0].value is not None and qs[0].low is not None and qs[0].high is not None:
                est, low, high = qs[0].value, qs[0].low, qs[0].high
            elif len(qs) == 1 and qs[0].kind in ("number", "count") and ci_c is not None:
                ci = ci_cell(cell_text(row, ci_c))
                if ci:
                    est, (low, high) = qs[0].value, ci
            if est is None or low is None or high is None:
                continue
            if mixed and not _ratio_like(est, low, high):
                continue  # a difference in a column of ratios and differences: no ratio's interval shape
            p = op = None
            ev = [cell_evidence(doc, table, row, rc, role="estimate")]
            if ci_c is not None and low is not None and cell_text(row, ci_c):
                ev.append(cell_evidence(doc, table, row, ci_c, role="CI"))
            if p_c is not None:
                p, op = p_cell(cell_text(row, p_c))
                if p is not None:
                    ev.append(cell_evidence(doc, table, row, p_c, role="p-value"))
            label = row.label or ""
            where = f"{table.label}, row '{label}'" + (f" ({group})" if group else "")
            out.append(RatioEstimate(ratio_type=_ratio_type(cols[rc]), estimate=est, low=low, high=high, level=level,
                                     p=p, p_operator=op, label=label, where=where, evidence=ev,
                                     binary=_is_binary(label, arms), key=f"{table.label}|{label}|{group}",
                                     source="table"))
    return out


def cell_text(row: TableRow, j: int) -> str:
    return row.cells[j].text if 0 <= j < len(row.cells) else ""


def p_cell(text: str) -> tuple[Num | None, str | None]:
    """A P cell's value and operator: '0.046', '<0.001', '1', '0.000', 'P = 0.04'."""
    qs = parse_cell(text or "", label="P value")
    if len(qs) != 1:
        return None, None
    q = qs[0]
    if q.kind == "p_value" and q.p is not None:
        return q.p, q.p_operator or "="
    v = q.value or q.count
    if q.kind in ("count", "number") and v is not None and 0 <= v.value <= 1:
        return v, "="
    return None, None


#: a P declared one-sided: "one-sided P = 0.068", "one-tailed p"
_ONE_SIDED = re.compile(r"\bone[\s-]*(?:sided|tailed)\b", re.I)


def p_after(qs: list[Quantity], i: int, text: str, reach: int = 60) -> Quantity | None:
    """The p-value quantity right after quantity ``i`` (nothing but punctuation/words between)."""
    if i + 1 < len(qs) and qs[i + 1].kind == "p_value":
        gap = text[qs[i].end:qs[i + 1].start]
        if len(gap) <= reach and not re.search(r"\d", gap):
            return qs[i + 1]
    return None
