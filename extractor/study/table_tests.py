"""Tests printed in tables, and the numbers each may have been computed from (``Study.table_tests``).

It finds, in tables, the places where an article prints a test next to the numbers it was
computed from:

* statistic and P columns (``χ²``, ``t/χ²``, ``χ² (Fisher)``, ``P value``, ``ORR-P value``) and how
  they pair up;
* the arms (two or more groups) as columns or as rows, with their n;
* *blocks* of rows that one test covers: a variable heading with its category rows ("Sex | | | 1"
  then "Male"/"Female"), a single row with its own P ("Objective response rate, n (%) | 17 (32.1) |
  7 (25.0) | 0.6126"), a statistic on the heading and the P on the first category ("T stage | | |
  0.592 |" then "T1 | 13 | 8 | | 0.746");
* for each block, the candidate 2×k count tables (``TableTest.count_tables``) the test may have
  used: the listed categories, the categories plus the remainder up to n, a single row against the
  rest of the arm, a ``Male/Female`` pair in one cell, a rate column turned into a count with the
  arm's n;
* the tests the table names (caption, headers, notes; :mod:`.named_tests`).

The statistical rules (TA201–TA203, TA210) recompute each test from these facts and flag it only
when *no* reading reproduces it, so the ambiguity of table layouts costs sensitivity, never false
alarms.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from trialaudit.extractor.evidence import cell_evidence, row_evidence
from trialaudit.extractor.quantities import parse_cell
from trialaudit.extractor.rounding import possible_counts
from trialaudit.extractor.textutil import DESCRIPTOR_CELL
from trialaudit.schemas.document import Document, Table, TableRow
from trialaudit.schemas.findings import Evidence
from trialaudit.schemas.quantities import Num, Quantity
from trialaudit.schemas.study import Arm, CountTable, PrintedPValue, PrintedStatistic, TableTest, TestArm

from .arms import TOTAL_WORDS, resolve_arm
from .ratios import cell_text, p_cell
from .stat_labels import is_p_label, stat_kind_of_label
from .named_tests import RANK_TEST, table_notes, table_test_names
from .spread import article_spread, table_spread
from .tablefacts import (Denominator, arms_are_rows, cell_count, cell_percent, cell_quantity, column_denominator,
                         percent_only_label, percent_only_row, rate_measure, response_category, row_denominator)

__all__ = ["extract_table_tests", "model_based", "parse", "printed_p_cell", "stat_cell", "mean_sd_cell"]


def _count_table(counts: list[list[int]], categories: list[str], description: str,
                 evidence: list[Evidence] | None = None, from_percent: bool = False) -> CountTable:
    return CountTable(counts=counts, categories=categories, description=description, evidence=evidence or [],
                      from_percent=from_percent)


def _statistic(value: Num, kind: str, evidence: Evidence, cell: str = "") -> PrintedStatistic:
    """The statistic with its kind from its column (or row) label; a label naming no single test ("Statistics",
    "Chi / T-test") gives way to the cell's own ("Z=1.64", "χ²=0.96")."""
    if kind in ("unknown", "mixed") and cell:
        kind = _cell_stat_kind(cell) or kind
    return PrintedStatistic(value=value, kind=kind, evidence=evidence)


def _cell_stat_kind(text: str) -> str | None:
    """The test a statistic cell names itself: 'χ²=0.03' -> chi2, 't=0.92' -> t, 'Z=1.64' -> z, 'F=2.1' -> F."""
    qs = parse(text)
    if len(qs) == 1 and qs[0].kind == "test_stat" and qs[0].statistic in ("chi2", "t", "F", "z"):
        return qs[0].statistic
    return None


def _p_value(p: tuple[Num, str], evidence: Evidence) -> PrintedPValue:
    return PrintedPValue(value=p[0], operator=p[1], evidence=evidence)


# ----------------------------------------------------------------------------- cells

def parse(text: str, label: str | None = None) -> tuple[Quantity, ...]:
    """A cell's quantities (scanned once per article by the memo of ``extractor.quantities.parse_once``)."""
    return tuple(parse_cell(text or "", label=label))


def printed_p_cell(text: str) -> tuple[Num, str] | None:
    """A P cell's value and operator: '0.046', '<0.001', '1', '0.000', 'P = 0.04'."""
    v, op = p_cell(text)
    return (v, op or "=") if v is not None else None


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



# ----------------------------------------------------------------------------- arms

@dataclass
class ArmSlot:
    index: int                   # column index (arms as columns) or row index (arms as rows)
    label: str
    n: int | None
    den: Denominator | None





def arm_columns(doc: Document, study_arms: list[Arm], table: Table) -> list[ArmSlot]:
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
            if not DESCRIPTOR_CELL.match(c.split(" / ")[-1]) or c.count(" / ") > 1:
                return []  # several columns per arm (grades): not a simple two-group layout
            c = top  # "Premarin group (n=28) / Mean±SD": the lower level only says what the cells hold
        den = column_denominator(doc, study_arms, table, j)
        arm = resolve_arm(c, study_arms)
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


def arm_rows(doc: Document, study_arms: list[Arm], table: Table) -> list[ArmSlot]:
    if not arms_are_rows(table, study_arms):
        return []
    out = []
    seen = set()
    for r in table.rows:
        if r.kind == "group":
            continue
        arm = resolve_arm(r.label, study_arms)
        if arm is None or arm.is_total or TOTAL_WORDS.match(r.label.strip()):
            continue
        if arm.id in seen:
            return []
        seen.add(arm.id)
        den = row_denominator(doc, study_arms, table, r)
        out.append(ArmSlot(r.index, r.label, den.n if den else None, den))
    return out


# ----------------------------------------------------------------------------- table tests

@dataclass
class _Found:
    """A test found in a table while reading it (becomes a :class:`TableTest`)."""

    table: Table
    where: str
    rows: list[TableRow]
    arms: list[ArmSlot]
    stat: PrintedStatistic | None
    p: PrintedPValue | None
    interps: list[CountTable] = field(default_factory=list)
    means: list[tuple[Num, Num]] | None = None
    mean_evidence: list[Evidence] = field(default_factory=list)
    orientation: str = "columns"
    label: str = ""


def _slash_pair(text: str) -> tuple[int, int] | None:
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


_SUMMARY_LABEL = re.compile(r"\b(?:median|mean|average|range|sd|iqr|min(?:imum)?|max(?:imum)?)\b", re.I)


def _is_summary(label: str) -> bool:
    """'Median', 'Mean ± SD', 'Range' rows hold values, not counts ('SD' as stable disease is a category)."""
    if response_category(label) or re.search(r"n\s*\(%\)|\bno\.|number of patients", label, re.I):
        return False
    return bool(_SUMMARY_LABEL.search(label))


#: a dash standing for an empty category ("II | - | 1 (0.6%)")
_DASH = re.compile(r"\s*[-–—−]\s*")


def _counts_of_row(row: TableRow, arms: list[ArmSlot], dash_zero: bool = False) -> list[int] | None:
    """The row's count in each arm; with ``dash_zero`` a '-' cell beside counts of the same row reads as 0 (a
    category of a heading's list that no patient of that arm has)."""
    if _is_summary(row.label or ""):
        return None  # "Median | 17 | 21" holds values, not counts
    pct_row = percent_only_row(row)
    texts = [cell_text(row, a.index) for a in arms]
    dashes = [bool(_DASH.fullmatch(t or "")) for t in texts] if dash_zero else [False] * len(arms)
    if all(dashes):
        return None
    out = []
    for a, text, dash in zip(arms, texts, dashes):
        if dash:
            out.append(0)
            continue
        c = cell_count(text)
        if c is None:
            return None
        q = cell_quantity(text)
        if (pct_row or percent_only_label(a.label)) and q is not None and q.kind == "count":
            return None  # "Male, % | 41 | 58": percentages, not counts
        out.append(c)
    return out


_VARIABLE_LABEL = re.compile(r"[,;]\s*(?:n|no\.?|N)\s*\(%\)\s*$")


def _block_complete(rows: list[TableRow], arms: list[ArmSlot], dash_zero: bool = False) -> bool:
    """True when the count rows already add up exactly to every arm's n (at least two categories)."""
    if len(rows) < 2 or any(a.n is None for a in arms):
        return False
    counts = [_counts_of_row(r, arms, dash_zero) for r in rows]
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


def _row_interps(doc: Document, table: Table, rows: list[TableRow], arms: list[ArmSlot],
                 own_row: int | None = None) -> list[CountTable]:
    """Candidate count tables for a block of category rows (arms as columns).

    ``own_row``: the block's P is printed on that row (not the first) of categories that add up to each arm's n:
    it may test the whole block or that row against the rest of each arm — both are candidates."""
    out: list[CountTable] = []
    ns = [a.n for a in arms]
    # a "Male/Female | 31/24 | 23/17" row
    if len(rows) == 1:
        pairs = [_slash_pair(cell_text(rows[0], a.index)) for a in arms]
        if all(pairs):
            lab = rows[0].label
            named_pair = re.search(r"\b[A-Za-z]+\s*/\s*[A-Za-z]+\b", lab)
            ev = [cell_evidence(doc, table, rows[0], a.index, role="counts") for a in arms]
            if named_pair or all(n is not None and p[0] + p[1] == n for p, n in zip(pairs, ns)):
                out.append(_count_table([[p[0], p[1]] for p in pairs], lab.split("/") if "/" in lab else ["a", "b"],
                                  f"'{lab}' as two categories ({', '.join(f'{p[0]}/{p[1]}' for p in pairs)})", ev))
            elif all(n is not None and p[1] == n and p[0] <= n for p, n in zip(pairs, ns)):
                out.append(_count_table([[p[0], p[1] - p[0]] for p in pairs], ["yes", "no"],
                                  f"'{lab}' as n/N in each arm", ev))
            return out
    counts = [_counts_of_row(r, arms, dash_zero=len(rows) >= 2) for r in rows]
    if any(c is None for c in counts) or not counts:
        return out
    per_arm = [[counts[i][a] for i in range(len(rows))] for a in range(len(arms))]
    labels = [r.label for r in rows]
    ev = [cell_evidence(doc, table, r, a.index, role="count") for r in rows for a in arms][:12]
    den_ev = [a.den.evidence for a in arms if a.den is not None]
    if len(rows) >= 2:
        out.extend(_category_tables(per_arm, labels, ns, ev, den_ev))
    own = _own_denominators(rows[0], arms)
    if own != ns and len(rows) == 1:
        ns = own
    x = own_row if own_row is not None and 0 < own_row < len(rows) else 0
    first_ok = all(n is not None and per_arm[a][x] <= n for a, n in enumerate(ns))
    multi_valid = any(i.description.startswith(f"{len(arms)}×{len(rows)} ") for i in out)
    exhaustive = multi_valid and all(sum(per_arm[a]) == ns[a] for a in range(len(arms)) if ns[a] is not None)
    if first_ok and (len(rows) == 1 or not exhaustive or x > 0):
        k = [per_arm[a][x] for a in range(len(arms))]
        ev1 = [cell_evidence(doc, table, rows[x], a.index, role="count") for a in arms] + den_ev
        pcts = [cell_percent(cell_text(rows[x], arms[a].index)) for a in range(len(arms))]
        implied = [_implied_n(k[a], pcts[a], ns[a]) for a in range(len(arms))]
        if any(p is not None and m is None and not _percent_fits(k[a], p, ns[a])
               for a, (p, m) in enumerate(zip(pcts, implied))):
            return out  # "1659 (14)" of 12,944 is 12.8%: the percentages are of an unknown smaller n
        out.append(_count_table([[k[a], ns[a] - k[a]] for a in range(len(arms))], [labels[x], "not " + labels[x]],
                          f"'{labels[x]}' against the rest of each arm ({', '.join(f'{k[a]}/{ns[a]}' for a in range(len(arms)))})",
                          ev1))
        if all(m is not None for m in implied) and implied != ns:
            out.append(_count_table([[k[a], implied[a] - k[a]] for a in range(len(arms))], [labels[x], "not " + labels[x]],
                              f"'{labels[x]}' against the n its printed percentages imply (missing data: "
                              f"{', '.join(f'{k[a]}/{implied[a]}' for a in range(len(arms)))})", ev1))
    return out


#: a category row of patients without data: "Missing", "Unknown", "Not reported", "N/A"
_MISSING_LABEL = re.compile(r"\s*(?:missing|unknown|not\s+(?:known|reported|available|assessed|stated|recorded)|n/?a|"
                            r"no\s+data|data\s+(?:missing|not\s+available))\b", re.I)


def _category_tables(per_arm: list[list[int]], labels: list[str], ns: list[int | None], evidence: list[Evidence],
                     den_evidence: list[Evidence]) -> list[CountTable]:
    """The arms × categories table of the listed categories and, when they leave part of an arm out, the same
    table with each arm's remainder as one more category; nothing when a category sum exceeds its arm's n."""
    sums = [sum(x) for x in per_arm]
    if any(n is not None and s > n for s, n in zip(sums, ns)):
        return []
    shape = f"{len(per_arm)}×{len(labels)}"
    out = [_count_table(per_arm, labels, f"{shape} table of {', '.join(labels)}", evidence)]
    keep = [i for i, lab in enumerate(labels) if not _MISSING_LABEL.match(lab or "")]
    if 2 <= len(keep) < len(labels):
        # a "Missing" / "Unknown" row: tests are often computed on the patients with data
        kept = [labels[i] for i in keep]
        out.append(_count_table([[x[i] for i in keep] for x in per_arm], kept,
                                f"{len(per_arm)}×{len(kept)} table of {', '.join(kept)} (without the "
                                f"{', '.join(labels[i] for i in range(len(labels)) if i not in keep)} row)", evidence))
    if all(n is not None for n in ns) and any(s < n for s, n in zip(sums, ns)):
        rest = [n - s for s, n in zip(sums, ns)]
        out.append(_count_table([x + [r] for x, r in zip(per_arm, rest)], labels + ["(remainder of n)"],
                                f"{len(per_arm)}×{len(labels) + 1} table of {', '.join(labels)} and the rest of each "
                                f"arm ({'/'.join(map(str, rest))})", evidence + den_evidence))
    return out


def _percent_fits(k: int, pct: Num, n: int | None) -> bool:
    """k/n prints as the percentage (half-up, half-even or truncated), or there is no n to say otherwise."""
    if n is None or n <= 0:
        return True
    return bool(possible_counts(n, pct.value, pct.decimals)) and k in possible_counts(n, pct.value, pct.decimals)


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


def _block_tests(doc: Document, table: Table, arms: list[ArmSlot], stat_cols: list[int],
                 p_cols: list[int]) -> list[_Found]:
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
        # under a heading, a '-' beside counts is an empty category ("II | - | 1 (0.6%)")
        is_countish = _counts_of_row(r, arms, dash_zero=bool(r.group)) is not None or \
            all(_slash_pair(t) for t in arm_txt) or all(mean_sd_cell(t) for t in arm_txt)
        if (has_stat or has_p) and is_countish and cur is not None and cur.get("heading") is not None and \
                cur["rows"] and cur["p"] is None and cur["stat"] is None and \
                not _block_complete(cur["rows"], arms, dash_zero=True) and \
                _block_complete(cur["rows"] + [r], arms, dash_zero=True):
            # a P on the last of a heading's categories that add up to every arm's n ("II | - | 1", "III | 25 |
            # 80", "IV | 33 | 82 | 0.592"): bottom-aligned, it tests the whole block or that row — both are read
            cur["rows"].append(r)
            cur["stat"] = r if has_stat else None
            cur["p"] = r if has_p else None
            cur["own_row"] = len(cur["rows"]) - 1
            close()
            continue
        if has_stat or has_p:
            joinable = cur is not None and not cur["rows"] and cur.get("heading") is not None and \
                not (has_stat and cur["stat"] is not None) and not (has_p and cur["p"] is not None)
            # a P on a later row of a heading's categories, none above it ("Malay | 23 | 18 |", "Chinese | 1 | 6 |
            # 0.10", "Indian | 1 | 1 |"): a P centred on its block, or one row's own P — which, cannot be told
            centred = cur is not None and cur.get("heading") is not None and bool(cur["rows"]) and \
                cur["p"] is None and cur["stat"] is None and not _VARIABLE_LABEL.search(r.label or "") and \
                not _block_complete(cur["rows"], arms)
            if not joinable:
                close()
                cur = {"heading": None, "rows": [], "stat": None, "p": None, "ambiguous": centred}
            if has_stat:
                cur["stat"] = r
            if has_p:
                cur["p"] = r
            cur["rows"].append(r)
            if not is_countish:
                close()
            continue
        if not is_countish:
            if cur is not None and cur.get("heading") is not None and (cur["p"] is not None or
                                                                     cur["stat"] is not None) and \
                    any(cell_count(t) is not None for t in arm_txt):
                # a category that lost a count ("20 to <30 | (54.5) | 28 (57.1)"): the heading's test is of all its
                # categories, and the ones read are not all of them
                cur["partial"] = True
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
                ((_VARIABLE_LABEL.search(r.label or "") and not _same_heading(cur, r)) or
                 _block_complete(cur["rows"], arms, dash_zero=True)):
            close()
            cur = {"heading": None, "rows": [], "stat": None, "p": None}
        cur["rows"].append(r)
    close()

    return [tt for b in blocks if (tt := _block_found(doc, table, arms, b, sc, pc)) is not None]


def _block_found(doc: Document, table: Table, arms: list[ArmSlot], b: dict, sc: int | None,
                 pc: int | None) -> _Found | None:
    """One block of :func:`_block_tests` as a test: its statistic and P, and the counts or means it compares."""
    if b["stat"] is None and b["p"] is None:
        return None
    if b.get("ambiguous"):
        # a statistic and its P centred on a heading's categories, or one row's own: which rows they test cannot
        # be told, so no counts are read for them, but the statistic and its P are still one test
        if b["stat"] is None or b["p"] is None:
            return None
        b = {**b, "rows": [b["stat"]], "heading": None, "counts_unknown": True}
    rows: list[TableRow] = b["rows"]
    if not rows:
        return None
    head = b["heading"]
    label = head.label if head is not None and len(rows) > 1 else rows[0].label
    if not label and head is not None and len(rows) > 1:
        label = table.columns[0] if table.columns and table.columns[0] else ""  # unlabelled heading: the stub's name
    where = f"{table.label}, '{label}'"
    stat = None
    if b["stat"] is not None:
        num = stat_cell(cell_text(b["stat"], sc))
        if num is not None:
            stat = _statistic(num, stat_kind_of_label(table.columns[sc]) or "unknown",
                              cell_evidence(doc, table, b["stat"], sc, role="statistic"), cell_text(b["stat"], sc))
    p = None
    if b["p"] is not None:
        pp = printed_p_cell(cell_text(b["p"], pc))
        if pp is not None:
            p = _p_value(pp, cell_evidence(doc, table, b["p"], pc, role="p-value"))
    tt = _Found(table, where, rows, arms, stat, p, orientation="columns", label=label)
    ms = [mean_sd_cell(cell_text(rows[0], a.index), rows[0].label or "") for a in arms]
    if len(rows) == 1 and all(ms):
        tt.means = ms  # type: ignore[assignment]
        tt.mean_evidence = [cell_evidence(doc, table, rows[0], a.index, role="mean ± SD") for a in arms]
    elif not b.get("counts_unknown") and not b.get("partial") and not _percent_heading(head, rows, arms):
        tt.interps = _row_interps(doc, table, rows, arms, own_row=b.get("own_row"))
    return tt


def _percent_heading(head: TableRow | None, rows: list[TableRow], arms: list[ArmSlot]) -> bool:
    """The block's heading says its categories are percentages ("NYHA class, % | | | 0.66" over "II | 47 | 53"):
    its rows' bare numbers are no counts (a heading row carrying the P is a body row, so the rows below do not
    have it as their group)."""
    if head is None or not percent_only_label(head.label):
        return False
    return any((q := cell_quantity(cell_text(r, a.index))) is not None and q.kind == "count" for r in rows for a in arms)


def _same_heading(block: dict, row: TableRow) -> bool:
    """The row is one more category of the block's heading ("Marital status" then "Single, no. (%)", "Married,
    no. (%)"): it sits under that heading (a group row, or a body row with empty arm cells right above the block)
    and the categories above it carry the same "…, no. (%)" suffix, so the suffix does not make it a new variable."""
    head = block.get("heading")
    if head is None or not block["rows"]:
        return False
    if head.kind == "group":
        if not row.group or " ".join(row.group.split()).lower() != " ".join((head.label or "").split()).lower():
            return False
    # else a body row with empty arm cells heads the rows below it ("Sensitization to aero-allergens | | | 0.24"
    # over "Negative, n (%)", "Positive, n (%)", "Missing, n (%)"), though the table groups them under another heading
    return all(_VARIABLE_LABEL.search(x.label or "") for x in block["rows"])


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


def _bare_percents(label: str, rows: list[TableRow], j: int) -> bool:
    """A "Response, %" column of bare numbers: percentages, not counts."""
    if not percent_only_label(label):
        return False
    qs = [cell_quantity(cell_text(r, j)) for r in rows]
    return any(q is not None and q.kind == "count" for q in qs)


def _arm_row_tests(doc: Document, table: Table, arms: list[ArmSlot], stat_cols: list[int],
                   p_cols: list[int]) -> list[_Found]:
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

    def col_interp(j) -> CountTable | None:
        lab = table.columns[j]
        bare = bool(rate_measure(lab)) or "%" in lab
        vals = [_percent_count(cell_text(r, j), n, bare) for r, n in zip(rows, ns)]
        if any(v is None for v in vals) or any(n is None for n in ns):
            return None
        ks = [v[0] for v in vals]
        if any(k > n for k, n in zip(ks, ns)):
            return None
        ev = [cell_evidence(doc, table, r, j, role="count") for r in rows] + [a.den.evidence for a in arms if a.den]
        return _count_table([[k, n - k] for k, n in zip(ks, ns)], [lab, "not " + lab],
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
                stat = _statistic(num, stat_kind_of_label(table.columns[sc]) or "unknown",
                               cell_evidence(doc, table, r, sc, role="statistic"), cell_text(r, sc))
        if pc is not None:
            r, pp = first_value(pc, printed_p_cell)
            if pp is not None:
                p = _p_value(pp, cell_evidence(doc, table, r, pc, role="p-value"))
        if stat is None and p is None:
            continue
        interps: list[CountTable] = []
        cat_cols = [j for j in cols if response_category(table.columns[j].split(" / ")[-1])]
        count_cols = [j for j in cols if all(cell_count(cell_text(r, j)) is not None for r in rows)
                      and not _is_summary(table.columns[j]) and not _bare_percents(table.columns[j], rows, j)]
        totals = [j for j in count_cols if re.search(r"\b(?:total|overall|any)\b", table.columns[j], re.I)]
        row_ev = [row_evidence(doc, table, r, role="counts") for r in rows]
        den_ev = [a.den.evidence for a in arms if a.den is not None]
        groups = [cat_cols] if len(cat_cols) >= 2 else []
        others = [c for c in count_cols if c not in totals]
        if len(others) >= 2 and others != cat_cols:
            groups.append(others)
        for group in groups:
            if not group or any(j not in count_cols for j in group):
                continue
            per_arm = [[cell_count(cell_text(r, j)) for j in group] for r in rows]
            interps.extend(_category_tables(per_arm, [table.columns[j] for j in group], ns, row_ev, den_ev))
        singles = totals or ([] if len(cat_cols) >= 2 else [c for c in cols if c not in totals])
        single_interps = [ci for ci in (col_interp(j) for j in singles) if ci is not None]
        # the most plausible reading first: a total column, else the response categories, else the rest
        interps = (single_interps + interps) if totals else (interps + single_interps)
        where = f"{table.label}" + (f", '{table.columns[cols[0]]}'" if len(cols) == 1 else "")
        tt = _Found(table, where, rows, arms, stat, p, interps=interps, orientation="rows",
                       label=table.columns[cols[0]] if len(cols) == 1 else table.label)
        out.append(tt)
    return out


#: a row label naming a group, when the group's name is not one of the study's arms ("Treatment group")
_GROUP_WORD = re.compile(r"\b(?:group|arm|cohort)s?\b", re.I)


def _test_row_tests(doc: Document, table: Table, study_arms: list[Arm]) -> list[_Found]:
    """Arms as rows with the tests as rows below them, one per column::

        Group           | Case | NBNA      | Score
        Control group   | 24   | 35.8±2.5  | 68.9±14.5
        Treatment group | 24   | 37.2±2.3  | 85.6±12.3
        t/χ²            |      | 5.214     | 5.629
        P               |      | 0.017     | 0.008

    The two data rows right above a statistic row and/or a P row are the arms when each names an arm of the study
    or a group ("... group") and its size is known (the row's own n column, its label's n, or the arm's size);
    each column with a statistic or P below is one test of its means (mean ± SD) or counts."""
    out: list[_Found] = []
    cand: list[TableRow] = []
    i = 0
    rows = table.rows
    while i < len(rows):
        r = rows[i]
        lab = (r.label or "").strip()
        stat_row = p_row = None
        if lab and stat_kind_of_label(lab) and not is_p_label(lab):
            stat_row = r
            if i + 1 < len(rows) and is_p_label((rows[i + 1].label or "").strip()):
                p_row = rows[i + 1]
                i += 1
        elif lab and is_p_label(lab):
            p_row = r
        if stat_row is None and p_row is None:
            if r.kind == "group" or not any(c.text.strip() for c in r.cells[1:]):
                cand = []
            else:
                cand.append(r)
            i += 1
            continue
        i += 1
        block, cand = cand[-2:], []
        if len(block) != 2:
            continue
        slots = []
        for br in block:
            arm = resolve_arm(br.label, study_arms)
            if arm is None and not _GROUP_WORD.search(br.label or ""):
                break
            if arm is not None and (arm.is_total or TOTAL_WORDS.match((br.label or "").strip())):
                break
            den = row_denominator(doc, study_arms, table, br)
            if den is None or not den.n:
                break
            slots.append(ArmSlot(br.index, br.label, den.n, den))
        if len(slots) != 2:
            continue
        n_cols = {j for j in range(1, len(table.columns))
                  if all(cell_count(cell_text(br, j)) == sl.n for br, sl in zip(block, slots))}
        for j in range(1, len(table.columns)):
            if j in n_cols:
                continue
            stat = p = None
            if stat_row is not None and (num := stat_cell(cell_text(stat_row, j))) is not None:
                stat = _statistic(num, stat_kind_of_label(stat_row.label) or "unknown",
                                  cell_evidence(doc, table, stat_row, j, role="statistic"), cell_text(stat_row, j))
            if p_row is not None and (pp := printed_p_cell(cell_text(p_row, j))) is not None:
                p = _p_value(pp, cell_evidence(doc, table, p_row, j, role="p-value"))
            if stat is None and p is None:
                continue
            col = table.columns[j]
            tt = _Found(table, f"{table.label}, '{col}'", block, slots, stat, p, orientation="rows", label=col)
            ms = [mean_sd_cell(cell_text(br, j), col) for br in block]
            if all(ms):
                tt.means = ms  # type: ignore[assignment]
                tt.mean_evidence = [cell_evidence(doc, table, br, j, role="mean ± SD") for br in block]
            else:
                vals = [_percent_count(cell_text(br, j), sl.n, False) for br, sl in zip(block, slots)]
                if any(v is None for v in vals) or any(v[0] > sl.n for v, sl in zip(vals, slots)):
                    continue
                ks = [v[0] for v in vals]
                ev = [cell_evidence(doc, table, br, j, role="count") for br in block] + \
                     [sl.den.evidence for sl in slots if sl.den]
                tt.interps = [_count_table([[k, sl.n - k] for k, sl in zip(ks, slots)], [col, "not " + col],
                                           f"'{col}' against the rest of each group "
                                           f"({', '.join(f'{k}/{sl.n}' for k, sl in zip(ks, slots))})",
                                           ev, from_percent=any(v[1] for v in vals))]
            out.append(tt)
    return out


def extract_table_tests(doc: Document, arms: list[Arm]) -> list[TableTest]:
    """Every printed test (statistic and/or P) in the tables, with the numbers it may come from."""
    out: list[TableTest] = []
    article: tuple[list[str], str | None] | None = None   # what the methods call the "±" of their means
    for index, table in enumerate(doc.tables):
        stat_cols = [j for j, c in enumerate(table.columns) if j > 0 and stat_kind_of_label(c)]
        p_cols = [j for j, c in enumerate(table.columns) if j > 0 and is_p_label(c)]
        found: list[_Found] = []
        if not stat_cols and not p_cols:
            found = _test_row_tests(doc, table, arms)   # the tests as rows below the arms, one per column
            if not found:
                continue
        ar = arm_rows(doc, arms, table) if not found else []
        if found:
            pass
        elif len(ar) >= 2:
            found = _arm_row_tests(doc, table, ar, stat_cols, p_cols)
        else:
            ac = arm_columns(doc, arms, table)
            if len(ac) >= 2:
                found = _block_tests(doc, table, ac, stat_cols, p_cols)
        if found:
            named, where = table_test_names(doc, table)
            model = model_based(table) or _same_counts_other_p(found)
            if article is None:
                article = article_spread(doc)
            spread = table_spread(table, *article, notes=[x.text for x in table_notes(doc, table)])
            out.extend(_fact(index, f, named, where, model, spread) for f in found)
    return out


def _same_counts_other_p(found: list[_Found]) -> bool:
    """Two rows of one table with the same counts but different printed P, or identical arms ('7 (3.4) | 7 (3.4)')
    with a P just below 1 ('0.9958'): the P values do not come from a test of the counts alone (a model, a stratified
    or clustered analysis), whatever the table says."""
    seen: dict[tuple, float] = {}
    for f in found:
        if f.p is None or f.p.operator != "=" or not f.interps:
            continue
        key = tuple(map(tuple, f.interps[0].counts))
        p, d = f.p.value.value, f.p.value.decimals or 0
        if len(set(key)) == 1 and len(key) >= 2 and 0.9 <= p and p + 0.5 * 10 ** -d < 1:
            # identical arms give χ² = 0 and P = 1 for every test of counts: a P just below 1 (0.9958) is a
            # model's; a P far from 1 is rather a misprint, and TA202 says so
            return True
        if key in seen and abs(seen[key] - f.p.value.value) > 10 ** -(f.p.value.decimals or 0):
            return True
        seen.setdefault(key, f.p.value.value)
    return False


#: words saying a table's P values come from a model, not from a test of its counts
_MODEL_WORDS = re.compile(r"\badjust\w*|\bregression\b|\bmodel(?:s|led|ed)?\b|\bGEE\b|\bgeneralized\s+estimating|"
                          r"\bANCOVA\b|\bmultivariable\b|\bmultivariate\b|\bmixed[- ]effects?\b|\blogistic\b|"
                          r"\bPoisson\b|\bnegative\s+binomial\b|\bcluster\w*\b|\bstratified\b|\bweighted\b|"
                          r"\bCochran|\bMantel", re.I)
_EFFECT_COLUMN = re.compile(r"(?<![A-Za-z])(?:a?OR|a?RR|a?HR|IRR|odds\s+ratio|risk\s+ratio|relative\s+risk|hazard\s+ratio|"
                            r"rate\s+ratio|risk\s+difference|mean\s+difference|difference)(?![A-Za-z])|\b95\s*%|\bCI\b", re.I)


def model_based(table: Table) -> bool:
    """The table prints effect estimates beside its counts (an OR/RR/HR or a difference, or a CI column) or its
    caption, headers or notes say the analysis was adjusted, a regression, GEE, a mixed or stratified model."""
    if any(_EFFECT_COLUMN.search(c or "") for c in table.columns[1:]):
        return True
    return any(_MODEL_WORDS.search(t or "") for t in [table.caption, *table.footnotes, *table.columns])


#: a table that says its comparisons are adjusted ("Adjusted effect ± SE", "adjusted for age, gender and baseline")
_ADJUSTED = re.compile(r"\badjust(?:ed|ing|ment)\b|\bANCOVA\b|\bcovariates?\b", re.I)


def _fact(index: int, f: _Found, named: set[str], named_where: str, model: bool,
          spread: tuple[str, str | None]) -> TableTest:
    pos = {id(r): i for i, r in enumerate(f.table.rows)}
    return TableTest(table=index, table_label=f.table.label, where=f.where, label=f.label,
                     orientation=f.orientation, rows=[pos[id(r)] for r in f.rows],
                     arms=[TestArm(index=a.index, label=a.label, n=a.n, n_source=a.den.source if a.den else "",
                                   n_evidence=a.den.evidence if a.den else None) for a in f.arms],
                     statistic=f.stat, p=f.p, count_tables=f.interps, means=f.means,
                     mean_evidence=f.mean_evidence, named_tests=sorted(named), named_where=named_where,
                     model_based=model, spread=spread[0], spread_quote=spread[1],
                     rank_test_named=bool(RANK_TEST.search(" ".join([f.table.caption or "", *f.table.footnotes]))),
                     adjusted=bool(_ADJUSTED.search(" ".join([f.table.caption or "", *f.table.footnotes,
                                                              *f.table.columns]))))
