"""TA310 baseline-outside-eligibility."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from trialaudit.schemas.document import Sentence
from trialaudit.schemas.findings import Evidence, Finding
from trialaudit.validation.context import CheckContext
from trialaudit.validation.registry import rule
from trialaudit.validation.tablekit import cell_count

_CRIT = re.compile(r"\b(?:inclusion|eligib\w*|included|enrol+\w*|required|needed|criteria|had\s+to\s+have|must\s+have)\b",
                   re.I)
_EXCL = re.compile(r"\bexclu\w*", re.I)
_ECOG = re.compile(r"\b(?:ECOG|Eastern\s+Cooperative\s+Oncology\s+Group)(?:\s*\(ECOG\))?(?:\s+(?:PS|performance\s+status|"
                   r"performance\s+score|score))*\b", re.I)
_DASH = r"(?:[\-–—‑]|to|or|and)"


@dataclass
class Limit:
    low: float | None
    high: float | None
    sentence: Sentence
    text: str


def _ecog_limit(text: str) -> tuple[int | None, int | None] | None:
    m = re.match(r"\s*(?:status\s+|score\s+)?(?:of|was|:|=|score\s+of|\()?\s*(?:PS\s*)?"
                 rf"(?:(?P<a>[0-4])\s*(?:,\s*[0-4]\s*)*{_DASH}\s*(?P<b>[0-4])(?!\d|\.\d)"
                 r"|(?P<le>≤|<=|=<|less\s+than\s+or\s+equal\s+to|of\s+no\s+more\s+than|not\s+more\s+than|at\s+most)\s*(?P<c>[0-4])"
                 r"|(?P<lt><|less\s+than|below)\s*(?P<d>[0-5])"
                 r"|(?P<e>[0-4])(?![\d.\-–]))", text, re.I)
    if not m:
        return None
    if m.group("a") is not None:
        return int(m.group("a")), int(m.group("b"))
    if m.group("c") is not None:
        return 0, int(m.group("c"))
    if m.group("d") is not None:
        return 0, int(m.group("d")) - 1
    if m.group("e") is not None and re.search(r"\bof\b|:", text[:m.start("e")]):
        return int(m.group("e")), int(m.group("e"))
    return None


_AGE_RANGE = re.compile(r"\b(?:aged|ages?|age\s+range\s+of|between)\s+(?P<a>\d{1,2})\s*(?:[\-–—‑]|to|and)\s*(?P<b>\d{1,3})\s*"
                        r"(?:years?|yrs?)"
                        # "patients were 18-80 years old", "18 to 75 years of age"
                        r"|(?<![\d.,:/])(?P<a2>\d{1,2})\s*(?:[\-–—‑]|to)\s*(?P<b2>\d{1,3})\s*(?:years?|yrs?)[\s\-]+"
                        r"(?:old|of\s+age)\b", re.I)
_AGE_MIN = re.compile(r"\b(?:aged\s+(?P<a>\d{1,2})\s+(?:years?\s+)?(?:or|and)\s+(?:older|above|over)"
                      r"|(?P<b>\d{1,2})\s+years?\s+(?:of\s+age\s+)?(?:or|and)\s+(?:older|above|over)"
                      r"|(?:aged|age[d]?|age\s+of)\s*(?:≥|>=|=>)\s*(?P<c>\d{1,2})"
                      r"|(?:at\s+least|≥)\s*(?P<d>\d{1,2})\s+years?(?:\s+(?:of\s+age|old))?"
                      r"|(?:older\s+than|over|above)\s+(?P<e>\d{1,2})\s+years)", re.I)
_AGE_MAX = re.compile(r"\b(?:aged\s*(?:≤|<=)\s*(?P<a>\d{1,3})|(?:younger\s+than|under|below)\s+(?P<b>\d{1,3})\s+years"
                      r"|(?P<c>\d{1,3})\s+years\s+(?:of\s+age\s+)?or\s+(?:younger|less|below))", re.I)


def eligibility(ctx: CheckContext) -> tuple[Limit | None, Limit | None]:
    """(ECOG limit, age limit) stated by the inclusion criteria, if any."""
    kinds = ctx.section_kinds()
    ecog = age = None
    for s in ctx.document.sentences:
        kind = kinds.get(s.id, s.section_kind)
        if kind not in ("methods", "abstract"):
            continue
        text = s.text
        if not _CRIT.search(text):
            continue
        ex = _EXCL.search(text)
        seg = text[:ex.start()] if ex and ex.start() > 0 else (text if not ex else "")
        if not seg:
            continue
        if ecog is None:
            for m in _ECOG.finditer(seg):
                lim = _ecog_limit(seg[m.end():m.end() + 40])
                if lim:
                    ecog = Limit(lim[0], lim[1], s, seg[m.start():m.end() + 30].strip())
                    break
        if age is None:
            m = _AGE_RANGE.search(seg)
            lo_hi = (m.group("a") or m.group("a2"), m.group("b") or m.group("b2")) if m else None
            if lo_hi and int(lo_hi[0]) < int(lo_hi[1]):
                age = Limit(float(lo_hi[0]), float(lo_hi[1]), s, m.group(0))
            else:
                lo = _AGE_MIN.search(seg)
                hi = _AGE_MAX.search(seg)
                if lo or hi:
                    a = next((lo.group(g) for g in "abcde" if lo and lo.group(g)), None)
                    if lo and lo.group("e"):
                        a = str(int(lo.group("e")) + 1)
                    b = next((hi.group(g) for g in "abc" if hi and hi.group(g)), None)
                    age = Limit(float(a) if a else None, float(b) if b else None, s,
                                (lo.group(0) if lo else "") + (" " + hi.group(0) if hi else ""))
    return ecog, age


#: a statistic named in the row label: "ECOG 2, n (%)", "Age <18 years, No. (%)"
_STAT_SUFFIX = re.compile(r"\s*,?\s*(?:(?:n|no\.?|number)\s*)?\(\s*%\s*\)\s*$|\s*,\s*(?:n|no\.?|number)\s*$", re.I)


def _category(label: str) -> set[int] | None:
    lab = _STAT_SUFFIX.sub("", label).strip().replace(" ", "")
    m = re.fullmatch(r"(?:ECOG|PS|ECOGPS)?(\d)", lab, re.I)
    if m:
        return {int(m.group(1))}
    m = re.fullmatch(r"(?:ECOG|PS)?(\d)(?:[\-–—‑]|to|or|and|/|,)(\d)", lab, re.I)
    if m:
        return set(range(int(m.group(1)), int(m.group(2)) + 1))
    m = re.fullmatch(r"(?:≥|>=)(\d)", lab)
    if m:
        return set(range(int(m.group(1)), 6))
    m = re.fullmatch(r">(\d)", lab)
    if m:
        return set(range(int(m.group(1)) + 1, 6))
    m = re.fullmatch(r"(?:≤|<=)(\d)", lab)
    if m:
        return set(range(0, int(m.group(1)) + 1))
    return None


def _age_category(label: str) -> tuple[float, float] | None:
    lab = _STAT_SUFFIX.sub("", label).strip().lower().replace("years", "").replace("year", "").replace("y", "").strip()
    m = re.fullmatch(r"(?:<|under|below)\s*(\d{1,3})", lab)
    if m:
        return 0, float(m.group(1)) - 0.001
    m = re.fullmatch(r"(?:≤|<=)\s*(\d{1,3})", lab)
    if m:
        return 0, float(m.group(1))
    m = re.fullmatch(r"(?:≥|>=)\s*(\d{1,3})", lab)
    if m:
        return float(m.group(1)), 200
    m = re.fullmatch(r">\s*(\d{1,3})", lab)
    if m:
        return float(m.group(1)) + 0.001, 200
    m = re.fullmatch(r"(\d{1,3})\s*[\-–—‑]\s*(\d{1,3})", lab)
    if m:
        return float(m.group(1)), float(m.group(2)) + 0.999
    return None


def _fmt(lo, hi, unit="") -> str:
    if lo is None:
        return f"≤ {hi:g}{unit}"
    if hi is None:
        return f"≥ {lo:g}{unit}"
    return f"{lo:g}–{hi:g}{unit}"


@rule(code="TA310", name="baseline-outside-eligibility", severity="error", family="consistency")
def check(ctx: CheckContext) -> Iterator[Finding]:
    """Baseline data include patients the eligibility criteria exclude (ECOG above the limit, ages outside the range).

    What it checks:
        The ECOG performance-status range ("Eligible patients needed to have
        an ECOG PS of 0–1", "ECOG performance status ≤2") and the age range
        ("aged 12–65 years", "patients aged 18 years or older") stated by
        the inclusion criteria are compared with the baseline tables (this
        study's columns only) and the results text: ECOG categories wholly
        outside the range with at least one patient, age categories ("<18")
        wholly outside the age range with at least one patient, and age
        ranges or minimum/maximum ages ("15.5 (12–46)", "age range of 12 to
        51 years") reaching outside it.

    Why it matters:
        Patients who do not meet the eligibility criteria mean either that
        the criteria were not applied (protocol deviations that should be
        reported) or that the criteria or the table are misreported; the
        population a reader would apply the results to is not the one
        studied.

    Example:
        Methods: "Eligible patients needed to have an ECOG PS of 0–1"; Table 1:
        "ECOG PS — 2: 3 (5.7) | 0; 3: 4 (7.5) | 2 (7.1)" — nine patients with
        ECOG 2–3. A footnote attached to the table that explains an
        exception lowers the finding to a warning.

    Known limitations:
        Criteria written as exclusions ("patients older than 75 were
        excluded") are not read. Ages given only as mean ± SD cannot be
        checked. Categories straddling the limit ("≥2" when ECOG ≤2 is
        allowed) are not reported.
    """
    ecog, age = eligibility(ctx)
    if ecog is None and age is None:
        return
    ecog_rows: dict[str, tuple] = {}
    for t, cols in zip(ctx.document.tables, ctx.study.population_sizes.study_columns):
        if not cols:
            continue
        if re.search(r"score|nomogram|point|assign", t.caption or "", re.I):
            continue
        yield from _scan_table(ctx, t, cols, ecog, age, ecog_rows)
    for t, rows in ecog_rows.values():
        yield _ecog_finding(ctx, t, rows, ecog)
    if age is not None:
        yield from _text_age_ranges(ctx, age)


def _scan_table(ctx: CheckContext, t, cols, ecog: Limit | None, age: Limit | None,
                ecog_rows: dict[str, tuple]) -> Iterator[Finding]:
    """Age findings of one baseline table; its ECOG rows outside the limit are collected in ``ecog_rows``."""
    age_ctx = False
    for row in t.rows:
        label = row.label or ""
        if row.kind == "group":
            age_ctx = bool(re.search(r"\bage\b", label, re.I))
            continue
        if ecog is not None and _is_ecog_row(row, label):
            hit = _ecog_row_outside(row, label, cols, ecog)
            if hit:
                ecog_rows.setdefault(t.id, (t, []))[1].append(hit)
            continue
        if age is None:
            continue
        # age categories ("<18") right after an age row or under an age group
        if re.search(r"\bage\b", label, re.I):
            age_ctx = True
            # an age range in the cells: "15.5 (12–46)"
            if re.search(r"range|min|max", label, re.I):
                yield from _age_range_cells(ctx, t, row, cols, age)
            continue
        if age_ctx:
            rng = _age_category(label)
            if rng is None:
                age_ctx = bool(re.fullmatch(r"\s*[<>≤≥]?\s*\d.*", label))
                continue
            found = _age_category_finding(ctx, t, row, label, rng, cols, age)
            if found is not None:
                yield found
        else:
            age_ctx = False


def _is_ecog_row(row, label: str) -> bool:
    group = row.group or ""
    return bool(_ECOG.search(group) or re.search(r"\bperformance\s+status\b|\bPS\b", group)) or \
        bool(_ECOG.search(label) and re.search(r"\d", label))


def _positive_counts(row, cols) -> dict[int, float]:
    """The study columns of ``row`` holding a non-zero count."""
    counts = {j: cell_count(row.cells[j].text) for j in cols if j < len(row.cells)}
    return {j: c for j, c in counts.items() if c}


def _ecog_row_outside(row, label: str, cols, ecog: Limit) -> tuple | None:
    """(row, label, categories, positive counts) of an ECOG row wholly outside the limit with patients in it."""
    cat = _category(re.sub(_ECOG, "", label))
    allowed = set(range(int(ecog.low or 0), int(ecog.high if ecog.high is not None else 5) + 1))
    if cat and not (cat & allowed):
        pos = _positive_counts(row, cols)
        if pos:
            return row, label.strip(), cat, pos
    return None


def _age_range_cells(ctx: CheckContext, t, row, cols, age: Limit) -> Iterator[Finding]:
    """Age ranges printed in the cells of an age row ("15.5 (12–46)") reaching outside the eligible ages."""
    for j in cols:
        if j >= len(row.cells):
            continue
        m = re.search(r"[\(\[]\s*(\d{1,3}(?:\.\d)?)\s*(?:[\-–—‑,]|to)\s*(\d{1,3}(?:\.\d)?)\s*[\)\]]",
                      row.cells[j].text)
        if not m:
            continue
        bad = _range_outside(age, m)
        if bad:
            yield _age_finding(ctx, age, [ctx.cell_evidence(t, row, j, role="age range")],
                               f"{t.label}, column '{t.column_label(j)}'", "; ".join(bad),
                               f"age|{t.label}|{j}")


def _age_category_finding(ctx: CheckContext, t, row, label: str, rng: tuple[float, float], cols,
                          age: Limit) -> Finding | None:
    """An age category row ("<18") wholly outside the eligible ages with patients in it."""
    lo, hi = rng
    outside = (age.low is not None and hi < age.low) or (age.high is not None and lo > age.high + 0.999)
    if not outside:
        return None
    pos = _positive_counts(row, cols)
    if not pos:
        return None
    return _age_finding(ctx, age, [ctx.cell_evidence(t, row, j, role=f"age {label.strip()}")
                                   for j in list(pos)[:3]],
                        f"{t.label}, row '{label.strip()}'",
                        f"{sum(pos.values())} patient(s) aged {label.strip()}", f"agecat|{t.label}|{label}")


def _ecog_finding(ctx: CheckContext, t, rows: list[tuple], ecog: Limit) -> Finding:
    """One finding per table for its ECOG rows outside the limit (a warning when a table note explains them)."""
    notes = " ".join(t.footnotes)
    explained = bool(re.search(r"ECOG|performance\s+status", notes, re.I) and
                     any(re.search(rf"\b{c}\b", notes) for _, _, cat, _ in rows for c in cat))
    sev = "warning" if explained else "error"
    n = sum(sum(pos.values()) for _, _, _, pos in rows)
    cats = ", ".join(lab for _, lab, _, _ in rows)
    ev = [ctx.cell_evidence(t, row, j, role=f"ECOG {lab}") for row, lab, _, pos in rows for j in pos][:4]
    ev.append(ctx.sentence_evidence(ecog.sentence, role="eligibility criterion"))
    detail = "; ".join(f"ECOG {lab}: " + ", ".join(f"{t.column_label(j)} = {c}" for j, c in pos.items())
                       for _, lab, _, pos in rows)
    return ctx.finding(
        "TA310", severity=sev,
        message=(f"{t.label}: {n} patient(s) with ECOG {cats}, but the eligibility criteria require ECOG "
                 f"{_fmt(ecog.low, ecog.high)}" + (" (a table note mentions an exception)." if explained else ".")),
        observed=f"ECOG {cats}: {n} patient(s)", expected=f"ECOG {_fmt(ecog.low, ecog.high)}",
        computation=(f"categories outside the allowed {_fmt(ecog.low, ecog.high)} with patients in this study's "
                     f"columns — {detail}."),
        evidence=ev, key=f"ecog|{t.label}|{cats}")


def _text_age_ranges(ctx: CheckContext, age: Limit) -> Iterator[Finding]:
    """Age ranges in the results text ("age range of 12 to 51 years") reaching outside the eligible ages."""
    kinds = ctx.section_kinds()
    for s in ctx.document.sentences:
        kind = kinds.get(s.id, s.section_kind)
        if kind not in ("results", "abstract") or s is age.sentence:
            continue
        for m in re.finditer(r"\b(?:age\s+range\s+of|aged|ages?\s+(?:ranged|ranging)\s+from|range[,:]?)\s*"
                             r"(\d{1,3})\s*(?:[\-–—‑]|to)\s*(\d{1,3})\s*(?:years)?", s.text, re.I):
            if not re.search(r"\bage", s.text[max(0, m.start() - 60):m.end()], re.I):
                continue
            bad = _range_outside(age, m)
            if bad:
                yield _age_finding(ctx, age, [ctx.sentence_evidence(s, m.start(), m.end(), role="age range")],
                                   f"{ctx.section_title(s.section) or kind}, line {s.span.line}", "; ".join(bad),
                                   f"agetext|{m.group(0)}")


def _range_outside(age: Limit, m: re.Match) -> list[str]:
    """The ends of a printed age range (groups 1 and 2 of ``m``) outside the eligible ages."""
    lo, hi = float(m.group(1)), float(m.group(2))
    bad = []
    if age.low is not None and lo < age.low:
        bad.append(f"youngest {m.group(1)} < {age.low:g}")
    if age.high is not None and hi > age.high + 0.999:
        bad.append(f"oldest {m.group(2)} > {age.high:g}")
    return bad


def _age_finding(ctx: CheckContext, age: Limit, ev: list[Evidence], where: str, what: str, key: str) -> Finding:
    ev = ev + [ctx.sentence_evidence(age.sentence, role="eligibility criterion")]
    return ctx.finding(
        "TA310", severity="error",
        message=f"{where}: {what}, but the eligibility criteria require ages {_fmt(age.low, age.high, ' years')}.",
        observed=what, expected=f"ages {_fmt(age.low, age.high, ' years')}",
        computation=f"eligibility: '{age.text.strip()}'; reported: {what}.", evidence=ev, key=key)
