"""Shared table and text reading for the statistical recomputation rules (TA2xx).

Not a rule (the leading underscore keeps the registry from loading it as
one). It finds, in tables and sentences, the places where an article prints a
test next to the numbers it was computed from:

* statistic and P columns (``χ²``, ``t/χ²``, ``χ² (Fisher)``, ``P value``,
  ``ORR-P value``) and how they pair up;
* the arms (two or more groups) as columns or as rows, with their n;
* *blocks* of rows that one test covers: a variable heading with its
  category rows ("Sex | | | 1" then "Male"/"Female"), a single row with its
  own P ("Objective response rate, n (%) | 17 (32.1) | 7 (25.0) | 0.6126"),
  a statistic on the heading and the P on the first category ("T stage |
  | | 0.592 |" then "T1 | 13 | 8 | | 0.746");
* for each block, the candidate 2×k count tables (*interpretations*) the test
  may have used: the listed categories, the categories plus the remainder up
  to n, a single row against the rest of the arm, a ``Male/Female`` pair in
  one cell, a rate column turned into a count with the arm's n.

A rule flags a test only when *no* interpretation reproduces it, so the
ambiguity of table layouts costs sensitivity, never false alarms.

Why one long module: the table-test reader (blocks of category rows and the count tables a test
may use) has not yet moved into the Study like the ratio estimates did
(``extractor/study/ratios.py``); that move is the split.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from trialaudit.extractor.quantities import find_quantities, parse_cell
from trialaudit.extractor.study.arms import TOTAL_WORDS, resolve_arm
from trialaudit.extractor.study.ratios import NON_RESULT_SECTIONS, cell_text, p_after, p_cell  # noqa: F401 - p_after: TA2xx rules
from trialaudit.extractor.study.stat_labels import is_p_label, stat_kind_of_label
from trialaudit.schemas.document import Document, Sentence, Table, TableRow
from trialaudit.schemas.findings import Evidence
from trialaudit.schemas.quantities import Num, Quantity
from trialaudit.validation.context import CheckContext
from trialaudit.validation.rounding import possible_counts, widened_interval
from trialaudit.validation.stats import PrintedP
from trialaudit.validation.tablekit import (Denominator, arms_are_rows, cell_count, cell_percent, column_denominator,
                                 norm_label, rate_measure, response_category, row_denominator)

#: a column n inferred from n (%) cells is tried over at most this many candidates per cell
_MAX_N_CANDIDATES = 20_000

# ----------------------------------------------------------------------------- labels

# (the label classifiers live in trialaudit.extractor.study.stat_labels)


# ----------------------------------------------------------------------------- cells

# scanned once per article by the memo of extractor.quantities.parse_once (a global cache
# would keep every article's quantities for the whole batch)
def _parse(text: str, label: str | None) -> tuple[Quantity, ...]:
    return tuple(parse_cell(text, label=label))


def parse(text: str, label: str | None = None) -> tuple[Quantity, ...]:
    return _parse(text or "", label)


def printed_p_cell(text: str) -> PrintedP | None:
    """A P cell: '0.046', '<0.001', '1', '0.000', 'P = 0.04'."""
    v, op = p_cell(text)
    return PrintedP(v.value, v.decimals, op or "=", v.text) if v is not None else None


def stat_cell(text: str) -> Num | None:
    """A statistic cell: a bare number ('7.982', '0.000', '-1.23') or 'χ²=4.1'."""
    qs = parse(text)
    if len(qs) != 1:
        return None
    q = qs[0]
    if q.kind == "test_stat" and q.stat_value is not None:
        return q.stat_value
    if q.kind in ("count", "number") and q.value is not None:
        return q.value
    return None


def mean_sd_cell(text: str, label: str = "") -> tuple[Num, Num] | None:
    """(mean, SD) of a ``38.6 ± 4.9`` cell; ``38.6 (4.9)`` too when the row label says ``mean (SD)``."""
    qs = parse(text)
    if len(qs) == 1 and qs[0].kind == "mean_sd" and qs[0].interval == "sd" and qs[0].value and qs[0].sd:
        return qs[0].value, qs[0].sd
    if label and _MEAN_SD_LABEL.search(label):
        m = _PAREN_PAIR.match(text)
        if m:
            nums = []
            for g in (1, 2):
                t = m.group(g).replace("−", "-")
                nums.append(Num(value=float(t), text=m.group(g), decimals=len(t.split(".")[1]) if "." in t else 0,
                                start=m.start(g), end=m.end(g)))
            return nums[0], nums[1]
    return None


_MEAN_SD_LABEL = re.compile(r"\bmean\s*\(\s*(?:SD|s\.d\.|standard deviation)\s*\)", re.I)
_PAREN_PAIR = re.compile(r"^\s*([−-]?\d+(?:\.\d+)?)\s*\(\s*(\d+(?:\.\d+)?)\s*\)\s*$")



# ----------------------------------------------------------------------------- named tests

_NAMED = {
    "chi2": re.compile(r"\bchi[\s-]*squared?\b|χ\s*2|χ²|\bx2[\s-]*test|\bpearson'?s? (?:chi|χ)", re.I),
    "fisher": re.compile(r"\bfisher'?s?\b", re.I),
    "student": re.compile(r"\bstudent'?s?\s*t\b|\b(?:independent|two)[\s-]*samples?\s*t[\s-]*tests?\b|\bt[\s-]*tests?\b|"
                          r"\bunpaired\s*t\b", re.I),
    "welch": re.compile(r"\bwelch", re.I),
    "mann-whitney": re.compile(r"mann[\s–-]*whitney|wilcoxon rank[\s-]*sum|\bu[\s-]*test", re.I),
}
_CATEGORICAL_CONTEXT = re.compile(r"categor|proportion|frequenc|rates?\b|counts?\b|n \(%\)|percentage|ORR|DCR|"
                                  r"response|incidence|dichotom", re.I)
_CONTINUOUS_CONTEXT = re.compile(r"continuous|mean|normally distributed|\bSD\b|standard deviation|measurement", re.I)


def tests_named_in(text: str) -> set[str]:
    return {k for k, rx in _NAMED.items() if rx.search(text or "")}


def table_notes(doc: Document, table: Table, reach: int = 400, max_sentences: int = 4) -> list[Sentence]:
    """Sentences printed right under a table (its notes), when the converter left them as prose."""
    end = table.span.char_end
    nxt = min([t.span.char_start for t in doc.tables if t.span.char_start > end] + [len(doc.text)])
    out = []
    for s in doc.sentences:
        if end <= s.span.char_start <= min(end + reach, nxt) and len(out) < max_sentences:
            out.append(s)
    return out


def table_test_names(ctx: CheckContext, table: Table) -> tuple[set[str], str]:
    """Tests the table itself names (caption, headers, footnotes, notes under it); with where."""
    labels = {norm_label(r.label) for r in table.rows if r.label and len(norm_label(r.label)) >= 3}
    notes = []
    for s in table_notes(ctx.document, table):
        low = s.text.lower()
        if re.search(r"(?:χ|chi)[\s-]*(?:2|²|square[d]?)\s*(?:\(\d+\))?\s*=", s.text, re.I):
            continue  # a reported statistic, not a note on methods
        if any(lab in low for lab in labels) or re.search(r"\b(?:this|the above) table\b|\bin the table\b", low):
            notes.append(s.text)
    parts = [table.caption, *table.footnotes, *notes]
    for c in table.columns:
        if stat_kind_of_label(c):
            # a "χ²" statistic column names no test for rows where it is empty (Fisher rows);
            # "χ² (Fisher)" names both
            if re.search(r"fisher", c, re.I):
                parts.append(c)
        else:
            parts.append(c)
    named = set()
    for p in parts:
        named |= tests_named_in(p)
    return named, f"{table.label} (caption, headers or notes)"


def article_test_names(ctx: CheckContext, kind: str) -> tuple[set[str], str | None]:
    """Tests the methods/statistics text names for categorical ('categorical') or continuous data."""
    named: set[str] = set()
    quote = None
    ctx_rx = _CATEGORICAL_CONTEXT if kind == "categorical" else _CONTINUOUS_CONTEXT
    for s in ctx.document.sentences:
        if s.section_kind not in ("statistics", "methods"):
            continue
        # split at ';' so "continuous ... t-test; categorical ... chi-square test" are kept apart
        for clause in re.split(r";|\.\s", s.text):
            found = tests_named_in(clause)
            if not found or not ctx_rx.search(clause):
                continue
            if kind == "categorical":
                found &= {"chi2", "fisher"}
            else:
                found &= {"student", "welch", "mann-whitney"}
            if found:
                named |= found
                quote = quote or s.text
    return named, quote


# ----------------------------------------------------------------------------- arms

@dataclass
class ArmSlot:
    index: int                   # column index (arms as columns) or row index (arms as rows)
    label: str
    n: int | None
    den: Denominator | None


def arm_columns(ctx: CheckContext, table: Table) -> list[ArmSlot]:
    """Columns holding one arm each (not Total, not statistic or P columns)."""
    out: list[ArmSlot] = []
    seen: set[str] = set()
    for j, c in enumerate(table.columns):
        if j == 0 or is_p_label(c) or stat_kind_of_label(c):
            continue
        top = c.split(" / ")[0].strip()
        if TOTAL_WORDS.match(top):
            continue
        if " / " in c:
            return []  # several columns per arm (grades): not a simple two-group layout
        den = column_denominator(ctx, table, j)
        arm = resolve_arm(c, ctx.study.arms)
        if den is None and arm is None:
            continue
        if arm is not None and arm.is_total:
            continue
        key = arm.id if arm is not None else top.lower()
        if key in seen:
            return []
        seen.add(key)
        out.append(ArmSlot(j, top, den.n if den else None, den))
    return out


def arm_rows(ctx: CheckContext, table: Table) -> list[ArmSlot]:
    if not arms_are_rows(table, ctx.study):
        return []
    out = []
    seen = set()
    for r in table.rows:
        if r.kind == "group":
            continue
        arm = resolve_arm(r.label, ctx.study.arms)
        if arm is None or arm.is_total or TOTAL_WORDS.match(r.label.strip()):
            continue
        if arm.id in seen:
            return []
        seen.add(arm.id)
        den = row_denominator(ctx, table, r)
        out.append(ArmSlot(r.index, r.label, den.n if den else None, den))
    return out


# ----------------------------------------------------------------------------- table tests

@dataclass
class Interp:
    """One candidate count table (arms × categories) a test may have been computed on."""

    counts: list[list[int]]
    categories: list[str]
    description: str
    evidence: list[Evidence] = field(default_factory=list)
    from_percent: bool = False


@dataclass
class StatRef:
    num: Num
    kind: str                    # chi2, t, F, z, unknown, mixed
    evidence: Evidence


@dataclass
class PRef:
    p: PrintedP
    evidence: Evidence


@dataclass
class TableTest:
    """A printed test in a table: its statistic and/or P and the numbers it was computed from."""

    table: Table
    where: str
    rows: list[TableRow]
    arms: list[ArmSlot]
    stat: StatRef | None
    p: PRef | None
    interps: list[Interp] = field(default_factory=list)
    means: list[tuple[Num, Num]] | None = None       # per arm (mean, SD) for t rows
    mean_evidence: list[Evidence] = field(default_factory=list)
    orientation: str = "columns"                     # arms as "columns" or "rows"
    label: str = ""

    @property
    def stat_kind(self) -> str | None:
        if self.stat is None:
            return None
        k = self.stat.kind
        if k in ("mixed", "unknown"):
            if self.means:
                return "t"
            if self.interps:
                return "chi2"
            return None
        return k


def _slash_pair(text: str) -> tuple[int, int] | None:
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


_SUMMARY_LABEL = re.compile(r"\b(?:median|mean|average|range|sd|iqr|min(?:imum)?|max(?:imum)?)\b", re.I)


def _is_summary(label: str) -> bool:
    """'Median', 'Mean ± SD', 'Range' rows hold values, not counts ('SD' as stable disease is a category)."""
    if response_category(label) or re.search(r"n\s*\(%\)|\bno\.|number of patients", label, re.I):
        return False
    return bool(_SUMMARY_LABEL.search(label))


def _counts_of_row(row: TableRow, arms: list[ArmSlot]) -> list[int] | None:
    if _is_summary(row.label or ""):
        return None  # "Median | 17 | 21" holds values, not counts
    out = []
    for a in arms:
        c = cell_count(cell_text(row, a.index))
        if c is None:
            return None
        out.append(c)
    return out


_VARIABLE_LABEL = re.compile(r"[,;]\s*(?:n|no\.?|N)\s*\(%\)\s*$")


def _block_complete(rows: list[TableRow], arms: list[ArmSlot]) -> bool:
    """True when the count rows already add up exactly to every arm's n (at least two categories)."""
    if len(rows) < 2 or any(a.n is None for a in arms):
        return False
    counts = [_counts_of_row(r, arms) for r in rows]
    if any(c is None for c in counts):
        return False
    return all(sum(c[i] for c in counts) == a.n for i, a in enumerate(arms))  # type: ignore[index]


def _own_denominators(row: TableRow, arms: list[ArmSlot]) -> list[int | None]:
    """The N of 'k/N' cells (a row's own denominators), else the arm's n."""
    out = []
    for a in arms:
        qs = parse(cell_text(row, a.index))
        if len(qs) == 1 and qs[0].kind == "fraction" and qs[0].denominator is not None and qs[0].denominator.value > 0:
            out.append(int(qs[0].denominator.value))
        else:
            out.append(a.n)
    return out


def _row_interps(ctx: CheckContext, table: Table, rows: list[TableRow], arms: list[ArmSlot]) -> list[Interp]:
    """Candidate count tables for a block of category rows (arms as columns)."""
    out: list[Interp] = []
    ns = [a.n for a in arms]
    # a "Male/Female | 31/24 | 23/17" row
    if len(rows) == 1:
        pairs = [_slash_pair(cell_text(rows[0], a.index)) for a in arms]
        if all(pairs):
            lab = rows[0].label
            named_pair = re.search(r"\b[A-Za-z]+\s*/\s*[A-Za-z]+\b", lab)
            ev = [ctx.cell_evidence(table, rows[0], a.index, role="counts") for a in arms]
            if named_pair or all(n is not None and p[0] + p[1] == n for p, n in zip(pairs, ns)):
                out.append(Interp([[p[0], p[1]] for p in pairs], lab.split("/") if "/" in lab else ["a", "b"],
                                  f"'{lab}' as two categories ({', '.join(f'{p[0]}/{p[1]}' for p in pairs)})", ev))
            elif all(n is not None and p[1] == n and p[0] <= n for p, n in zip(pairs, ns)):
                out.append(Interp([[p[0], p[1] - p[0]] for p in pairs], ["yes", "no"],
                                  f"'{lab}' as n/N in each arm", ev))
            return out
    counts = [_counts_of_row(r, arms) for r in rows]
    if any(c is None for c in counts) or not counts:
        return out
    per_arm = [[counts[i][a] for i in range(len(rows))] for a in range(len(arms))]
    labels = [r.label for r in rows]
    ev = [ctx.cell_evidence(table, r, a.index, role="count") for r in rows for a in arms][:12]
    den_ev = [a.den.evidence for a in arms if a.den is not None]
    if len(rows) >= 2:
        sums = [sum(x) for x in per_arm]
        if all(n is None or s <= n for s, n in zip(sums, ns)):
            out.append(Interp(per_arm, labels, f"{len(arms)}×{len(rows)} table of {', '.join(labels)}", ev))
            if all(n is not None for n in ns) and any(s < n for s, n in zip(sums, ns)):
                rest = [n - s for s, n in zip(sums, ns)]
                out.append(Interp([x + [r] for x, r in zip(per_arm, rest)], labels + ["(remainder of n)"],
                                  f"{len(arms)}×{len(rows) + 1} table of {', '.join(labels)} and the rest of each arm "
                                  f"({'/'.join(map(str, rest))})", ev + den_ev))
    own = _own_denominators(rows[0], arms)
    if own != ns and len(rows) == 1:
        ns = own
    first_ok = all(n is not None and per_arm[a][0] <= n for a, n in enumerate(ns))
    multi_valid = any(i.description.startswith(f"{len(arms)}×{len(rows)} ") for i in out)
    exhaustive = multi_valid and all(sum(per_arm[a]) == ns[a] for a in range(len(arms)) if ns[a] is not None)
    if first_ok and (len(rows) == 1 or not exhaustive):
        k = [per_arm[a][0] for a in range(len(arms))]
        ev1 = [ctx.cell_evidence(table, rows[0], a.index, role="count") for a in arms] + den_ev
        out.append(Interp([[k[a], ns[a] - k[a]] for a in range(len(arms))], [labels[0], "not " + labels[0]],
                          f"'{labels[0]}' against the rest of each arm ({', '.join(f'{k[a]}/{ns[a]}' for a in range(len(arms)))})",
                          ev1))
        implied = [_implied_n(k[a], cell_percent(cell_text(rows[0], arms[a].index)), ns[a]) for a in range(len(arms))]
        if all(m is not None for m in implied) and implied != ns:
            out.append(Interp([[k[a], implied[a] - k[a]] for a in range(len(arms))], [labels[0], "not " + labels[0]],
                              f"'{labels[0]}' against the n its printed percentages imply (missing data: "
                              f"{', '.join(f'{k[a]}/{implied[a]}' for a in range(len(arms)))})", ev1))
    return out


def _implied_n(k: int, pct: Num | None, n: int | None) -> int | None:
    """The one n (at most the column's n) that makes k/n print as ``pct``: the percentage's own denominator when
    data are missing ('32 (91.4)' in an arm of 37 is 32/35). None when no n, or several, fit."""
    if pct is None or n is None or k <= 0 or pct.value <= 0:
        return None
    tol = 0.5 * 10 ** (-pct.decimals) + 1e-9
    lo = max(k, 1, math.floor(100 * k / (pct.value + tol)))   # computed, never searched: n may be huge
    hi = min(n, math.ceil(100 * k / (pct.value - tol)) if pct.value > tol else n)
    if hi - lo > 50:
        return None  # a coarse percentage fits too many n
    fits = [m for m in range(lo, hi + 1) if abs(100 * k / m - pct.value) <= tol]
    if n in fits:
        return n
    return fits[0] if len(fits) == 1 else None


def _block_tests(ctx: CheckContext, table: Table, arms: list[ArmSlot], stat_cols: list[int],
                 p_cols: list[int]) -> list[TableTest]:
    """Arms as columns: group rows into blocks, each with at most one statistic and one P."""
    if len(stat_cols) > 1 or len(p_cols) > 1:
        return []
    sc = stat_cols[0] if stat_cols else None
    pc = p_cols[0] if p_cols else None
    blocks: list[dict] = []
    cur: dict | None = None

    def close():
        nonlocal cur
        if cur is not None:
            blocks.append(cur)
        cur = None

    for r in table.rows:
        has_stat = sc is not None and bool(cell_text(r, sc).strip()) and stat_cell(cell_text(r, sc)) is not None
        has_p = pc is not None and bool(cell_text(r, pc).strip()) and printed_p_cell(cell_text(r, pc)) is not None
        arm_txt = [cell_text(r, a.index).strip() for a in arms]
        heading = r.kind == "group" or all(not t for t in arm_txt)
        if heading:
            close()
            cur = {"heading": r, "rows": [], "stat": r if has_stat else None, "p": r if has_p else None}
            continue
        is_countish = _counts_of_row(r, arms) is not None or all(_slash_pair(t) for t in arm_txt) or \
            all(mean_sd_cell(t) for t in arm_txt)
        if has_stat or has_p:
            joinable = cur is not None and not cur["rows"] and cur.get("heading") is not None and \
                not (has_stat and cur["stat"] is not None) and not (has_p and cur["p"] is not None)
            if not joinable:
                close()
                cur = {"heading": None, "rows": [], "stat": None, "p": None}
            if has_stat:
                cur["stat"] = r
            if has_p:
                cur["p"] = r
            cur["rows"].append(r)
            if not is_countish:
                close()
            continue
        if not is_countish:
            close()
            continue
        if cur is None:
            cur = {"heading": None, "rows": [], "stat": None, "p": None}
        # mean ± SD rows never continue a block of counts
        if cur["rows"] and (all(mean_sd_cell(t) for t in arm_txt) or
                            all(mean_sd_cell(cell_text(x, arms[0].index)) for x in cur["rows"][:1])):
            close()
            continue
        # a block whose categories already add up to every arm's n is complete: a further count row
        # ("Prior nephrectomy, n (%)") is another variable, not a category of this one
        if cur["rows"] and (cur["stat"] is not None or cur["p"] is not None) and \
                (_VARIABLE_LABEL.search(r.label or "") or _block_complete(cur["rows"], arms)):
            close()
            cur = {"heading": None, "rows": [], "stat": None, "p": None}
        cur["rows"].append(r)
    close()

    out = []
    for b in blocks:
        if b["stat"] is None and b["p"] is None:
            continue
        rows: list[TableRow] = b["rows"]
        if not rows:
            continue
        head = b["heading"]
        label = head.label if head is not None and len(rows) > 1 else rows[0].label
        where = f"{table.label}, '{label}'"
        stat = None
        if b["stat"] is not None:
            num = stat_cell(cell_text(b["stat"], sc))
            if num is not None:
                stat = StatRef(num, stat_kind_of_label(table.columns[sc]) or "unknown",
                               ctx.cell_evidence(table, b["stat"], sc, role="statistic"))
        p = None
        if b["p"] is not None:
            pp = printed_p_cell(cell_text(b["p"], pc))
            if pp is not None:
                p = PRef(pp, ctx.cell_evidence(table, b["p"], pc, role="p-value"))
        tt = TableTest(table, where, rows, arms, stat, p, orientation="columns", label=label)
        ms = [mean_sd_cell(cell_text(rows[0], a.index), rows[0].label or "") for a in arms]
        if len(rows) == 1 and all(ms):
            tt.means = ms  # type: ignore[assignment]
            tt.mean_evidence = [ctx.cell_evidence(table, rows[0], a.index, role="mean ± SD") for a in arms]
        else:
            tt.interps = _row_interps(ctx, table, rows, arms)
        out.append(tt)
    return out


def _percent_count(text: str, n: int | None, bare_is_percent: bool) -> tuple[int, bool] | None:
    """(count, from_percent) of a cell: its count, or the unique count its percentage allows out of n."""
    c = cell_count(text)
    if c is not None and not bare_is_percent:
        return c, False
    qs = parse(text)
    if len(qs) != 1 or n is None:
        return (c, False) if c is not None else None
    q = qs[0]
    if q.kind in ("count_percent", "fraction") and q.count is not None and q.count.decimals == 0:
        return int(q.count.value), False
    v = q.percent or (q.value if q.kind in ("percent", "number", "count") else None)
    if v is None:
        return None
    ks = possible_counts(n, v.value, v.decimals)
    if len(ks) == 1:
        return ks[0], True
    return None


def _arm_row_tests(ctx: CheckContext, table: Table, arms: list[ArmSlot], stat_cols: list[int],
                   p_cols: list[int]) -> list[TableTest]:
    """Arms as rows: categories or rates as columns, the statistic and P in the first arm row."""
    rows = [r for r in table.rows if r.index in {a.index for a in arms}]
    if len(rows) != len(arms) or len(arms) < 2:
        return []
    data_cols = [j for j in range(1, len(table.columns)) if j not in stat_cols and j not in p_cols]
    ns = [a.n for a in arms]

    def first_value(j, getter):
        for r in rows:
            v = getter(cell_text(r, j))
            if v is not None:
                return r, v
        return None, None

    def col_interp(j) -> Interp | None:
        lab = table.columns[j]
        bare = bool(rate_measure(lab)) or "%" in lab
        vals = [_percent_count(cell_text(r, j), n, bare) for r, n in zip(rows, ns)]
        if any(v is None for v in vals) or any(n is None for n in ns):
            return None
        ks = [v[0] for v in vals]
        if any(k > n for k, n in zip(ks, ns)):
            return None
        ev = [ctx.cell_evidence(table, r, j, role="count") for r in rows] + [a.den.evidence for a in arms if a.den]
        return Interp([[k, n - k] for k, n in zip(ks, ns)], [lab, "not " + lab],
                      f"'{lab}' against the rest of each arm ({', '.join(f'{k}/{n}' for k, n in zip(ks, ns))})",
                      ev, from_percent=any(v[1] for v in vals))

    pairs: list[tuple[int | None, int | None, list[int]]] = []
    rate_cols = [j for j in data_cols if rate_measure(table.columns[j])]
    if len(stat_cols) <= 1 and len(p_cols) <= 1:
        pairs.append((stat_cols[0] if stat_cols else None, p_cols[0] if p_cols else None, data_cols))
    elif len(rate_cols) >= 2 and len(rate_cols) == max(len(stat_cols), len(p_cols)) and \
            len(stat_cols) in (0, len(rate_cols)) and len(p_cols) in (0, len(rate_cols)):
        for i, j in enumerate(rate_cols):
            pairs.append((stat_cols[i] if stat_cols else None, p_cols[i] if p_cols else None, [j]))
    else:
        return []

    out = []
    for sc, pc, cols in pairs:
        stat = p = None
        if sc is not None:
            r, num = first_value(sc, stat_cell)
            if num is not None:
                stat = StatRef(num, stat_kind_of_label(table.columns[sc]) or "unknown",
                               ctx.cell_evidence(table, r, sc, role="statistic"))
        if pc is not None:
            r, pp = first_value(pc, printed_p_cell)
            if pp is not None:
                p = PRef(pp, ctx.cell_evidence(table, r, pc, role="p-value"))
        if stat is None and p is None:
            continue
        interps: list[Interp] = []
        cat_cols = [j for j in cols if response_category(table.columns[j].split(" / ")[-1])]
        count_cols = [j for j in cols if all(cell_count(cell_text(r, j)) is not None for r in rows)
                      and not _is_summary(table.columns[j])]
        totals = [j for j in count_cols if re.search(r"\b(?:total|overall|any)\b", table.columns[j], re.I)]
        row_ev = [ctx.row_evidence(table, r, role="counts") for r in rows]
        den_ev = [a.den.evidence for a in arms if a.den is not None]
        groups = [cat_cols] if len(cat_cols) >= 2 else []
        others = [c for c in count_cols if c not in totals]
        if len(others) >= 2 and others != cat_cols:
            groups.append(others)
        for group in groups:
            if not group or any(j not in count_cols for j in group):
                continue
            per_arm = [[cell_count(cell_text(r, j)) for j in group] for r in rows]
            labels = [table.columns[j] for j in group]
            sums = [sum(x) for x in per_arm]
            if any(n is not None and s > n for s, n in zip(sums, ns)):
                continue
            interps.append(Interp(per_arm, labels, f"{len(rows)}×{len(group)} table of {', '.join(labels)}", row_ev))
            if all(n is not None for n in ns) and any(s < n for s, n in zip(sums, ns)):
                rest = [n - s for s, n in zip(sums, ns)]
                interps.append(Interp([x + [q] for x, q in zip(per_arm, rest)], labels + ["(remainder of n)"],
                                      f"{len(rows)}×{len(group) + 1} table of {', '.join(labels)} and the rest of each "
                                      f"arm ({'/'.join(map(str, rest))})", row_ev + den_ev))
        singles = totals or ([] if len(cat_cols) >= 2 else [c for c in cols if c not in totals])
        single_interps = [ci for ci in (col_interp(j) for j in singles) if ci is not None]
        # the most plausible reading first: a total column, else the response categories, else the rest
        interps = (single_interps + interps) if totals else (interps + single_interps)
        where = f"{table.label}" + (f", '{table.columns[cols[0]]}'" if len(cols) == 1 else "")
        tt = TableTest(table, where, rows, arms, stat, p, interps=interps, orientation="rows",
                       label=table.columns[cols[0]] if len(cols) == 1 else table.label)
        out.append(tt)
    return out


def table_tests(ctx: CheckContext) -> list[TableTest]:
    """Every printed test (statistic and/or P) in the tables, with the numbers it may come from."""
    cache = getattr(ctx, "_ta2_table_tests", None)
    if cache is not None:
        return cache
    out: list[TableTest] = []
    for table in ctx.document.tables:
        stat_cols = [j for j, c in enumerate(table.columns) if j > 0 and stat_kind_of_label(c)]
        p_cols = [j for j, c in enumerate(table.columns) if j > 0 and is_p_label(c)]
        if not stat_cols and not p_cols:
            continue
        ar = arm_rows(ctx, table)
        if len(ar) >= 2:
            out.extend(_arm_row_tests(ctx, table, ar, stat_cols, p_cols))
            continue
        ac = arm_columns(ctx, table)
        if len(ac) >= 2:
            out.extend(_block_tests(ctx, table, ac, stat_cols, p_cols))
    setattr(ctx, "_ta2_table_tests", out)
    return out


# ----------------------------------------------------------------------------- sentences

SKIP_SECTIONS = NON_RESULT_SECTIONS  # the sections whose numbers are not this study's results
_DF_RX = re.compile(r"(?i)\b(?:df|d\.f\.|degrees\s+of\s+freedom)\s*[=:]?\s*(\d+(?:\.\d+)?)")


def df_near(text: str) -> float | None:
    m = _DF_RX.search(text or "")
    return float(m.group(1)) if m else None


def sentence_quantities(sent: Sentence) -> list[Quantity]:
    return find_quantities(sent.text)




def fmt_p(p: float) -> str:
    if p < 0.0001:
        return f"{p:.2e}"
    if p < 0.001:
        return f"{p:.5f}"
    return f"{p:.4f}"


def fmt_range(lo: float, hi: float) -> str:
    a, b = fmt_p(lo), fmt_p(hi)
    return a if a == b else f"{a}–{b}"


# ----------------------------------------------------------------------------- ratio estimates

@dataclass
class RatioItem:
    """A ratio estimate as the ratio rules use it: ``Study.ratio_estimates`` with the P as a PrintedP."""

    ratio_type: str             # HR, OR, RR
    est: Num
    low: Num
    high: Num
    level: float
    p: PrintedP | None
    label: str                  # row label or the sentence
    where: str
    evidence: list[Evidence]
    binary: bool                # compares two groups (not a per-unit effect)
    key: str
    source: str                 # "table" or "text"


def ratio_items(ctx: CheckContext) -> list[RatioItem]:
    """Every ratio estimate with a CI (HR/OR/RR) the Study holds, from tables and text, with its P when printed."""
    out = []
    for r in ctx.study.ratio_estimates:
        p = PrintedP(r.p.value, r.p.decimals, r.p_operator or "=", r.p.text) if r.p is not None else None
        out.append(RatioItem(r.ratio_type, r.estimate, r.low, r.high, r.level, p, r.label, r.where,
                             list(r.evidence), r.binary, r.key, r.source))
    return out


def study_total_n(ctx: CheckContext) -> int | None:
    """Largest plausible number of patients analysed: the total arm or the sum of the arms."""
    arms = ctx.study.arms
    tot = max([a.n for a in arms if a.is_total and a.n] or [0])
    s = sum(a.n for a in arms if not a.is_total and a.n)
    n = max(tot, s)
    return n or None


def column_n(ctx: CheckContext, table: Table, j: int) -> tuple[int, Evidence | None, str] | None:
    """The denominator of a column: its header/arm n, else the one n all its ``k (p%)`` cells agree on."""
    den = column_denominator(ctx, table, j)
    if den is not None:
        return den.n, den.evidence, den.source
    cands: set[int] | None = None
    used = 0
    for r in table.rows:
        qs = parse(cell_text(r, j))
        if len(qs) != 1 or qs[0].kind != "count_percent" or qs[0].count is None or qs[0].percent is None:
            continue
        k, pct = int(qs[0].count.value), qs[0].percent
        if k <= 0 or pct.value <= 0 or pct.value >= 100 or qs[0].count.decimals:
            continue
        approx = 100 * k / pct.value
        ns = set()
        # only n whose k/n can print as pct: bounded by the widened rounding interval (never the
        # whole 0.8-1.25 x approx range of a huge count); too many candidates say nothing
        w_lo, w_hi = widened_interval(pct.value, pct.decimals)
        n_lo = max(k, int(approx * 0.8), math.floor(100 * k / w_hi) - 1)
        n_hi = int(approx * 1.25) + 2 if w_lo <= 0 else min(int(approx * 1.25) + 2, math.ceil(100 * k / w_lo) + 2)
        if n_hi - n_lo > _MAX_N_CANDIDATES:
            continue
        for n in range(n_lo, n_hi):
            if n > 0 and k in possible_counts(n, pct.value, pct.decimals):
                ns.add(n)
        cands = ns if cands is None else cands & ns
        used += 1
    if cands is not None and len(cands) == 1 and used >= 2:
        return next(iter(cands)), None, f"the other n (%) cells of the column ({used} agree)"
    return None
