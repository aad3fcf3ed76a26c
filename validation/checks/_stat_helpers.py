"""What the statistical recomputation rules (TA2xx) share: the Study's table tests and ratio estimates as
they read them, sentence quantities, P formatting, a column's implied n.

Not a rule (the leading underscore keeps the registry from loading it as one). The facts come from the
Study (``Study.table_tests``, ``Study.named_tests``: :mod:`trialaudit.extractor.study.table_tests`;
``Study.ratio_estimates``: :mod:`trialaudit.extractor.study.ratios`); nothing here reads a table to
find a test.
"""
from __future__ import annotations

from dataclasses import dataclass

from trialaudit.extractor.study.ratios import cell_text  # noqa: F401 - TA2xx rules
from trialaudit.extractor.study.table_tests import parse  # noqa: F401 - TA2xx rules read cells through the memo
from trialaudit.schemas.document import Table
from trialaudit.schemas.findings import Evidence
from trialaudit.schemas.quantities import Num
from trialaudit.schemas.study import CountTable, TableTest, TestArm
from trialaudit.validation.context import CheckContext
from trialaudit.validation.stats import PrintedP


# ----------------------------------------------------------------------------- table tests (Study facts)

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
class TableTestView:
    """A ``Study.table_tests`` fact as the statistical rules read it: its Table, and its P as a PrintedP."""

    fact: TableTest
    table: Table
    stat: StatRef | None
    p: PRef | None

    @property
    def where(self) -> str:
        return self.fact.where

    @property
    def label(self) -> str:
        return self.fact.label

    @property
    def arms(self) -> list[TestArm]:
        return self.fact.arms

    @property
    def interps(self) -> list[CountTable]:
        return self.fact.count_tables

    @property
    def means(self) -> list[tuple[Num, Num]] | None:
        return self.fact.means

    @property
    def mean_evidence(self) -> list[Evidence]:
        return self.fact.mean_evidence

    @property
    def stat_kind(self) -> str | None:
        return self.fact.stat_kind


def table_tests(ctx: CheckContext) -> list[TableTestView]:
    """Every printed test in the tables (``Study.table_tests``), with the numbers it may come from."""
    out = []
    for t in ctx.study.table_tests:
        st = StatRef(t.statistic.value, t.statistic.kind, t.statistic.evidence) if t.statistic is not None else None
        p = None
        if t.p is not None:
            v = t.p.value
            p = PRef(PrintedP(v.value, v.decimals, t.p.operator, v.text), t.p.evidence)
        out.append(TableTestView(t, ctx.document.tables[t.table], st, p))
    return out


def clip(text: str | None, n: int = 160) -> str:
    """``text`` cut to ``n`` characters with an ellipsis (quotes inside a finding's message)."""
    text = text or ""
    return text if len(text) <= n else text[:n - 1] + "…"


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
    p_one_sided: bool = False   # the P is declared one-sided


def ratio_items(ctx: CheckContext) -> list[RatioItem]:
    """Every ratio estimate with a CI (HR/OR/RR) the Study holds, from tables and text, with its P when printed."""
    out = []
    for r in ctx.study.ratio_estimates:
        p = PrintedP(r.p.value, r.p.decimals, r.p_operator or "=", r.p.text) if r.p is not None else None
        out.append(RatioItem(r.ratio_type, r.estimate, r.low, r.high, r.level, p, r.label, r.where,
                             list(r.evidence), r.binary, r.key, r.source, r.p_one_sided))
    return out


def study_total_n(ctx: CheckContext) -> int | None:
    """Largest plausible number of patients analysed: the total arm or the sum of the arms."""
    arms = ctx.study.arms
    tot = max([a.n for a in arms if a.is_total and a.n] or [0])
    s = sum(a.n for a in arms if not a.is_total and a.n)
    n = max(tot, s)
    return n or None
