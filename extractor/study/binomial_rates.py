"""Proportions printed with their confidence interval (``Study.binomial_rates``) and the interval methods the
methods text names (``Study.ci_methods``); TA207 recomputes the binomial intervals.

A rate is read with the count and denominator it is made of:

* in a table: a count with a "95% CI" row right below it ("17 (32.1)" over "(19.9, 46.3)"), or a rate cell
  printed with its CI in a row labelled as a rate with a CI ("81.8% (68.7%, 95.0%)"; the count is recovered from
  the percentage and the column's n). The denominator is the column's (header or arm n, the row's own when the
  table restates it; an uncertain one leaves the rate out), else the one n all the column's "k (p%)" cells agree
  on. Kaplan–Meier and other time-to-event rows are skipped by their labels;
* in a sentence: a count or "k/N" directly followed by its CI ("17/53 (95% CI 19.9–46.3)"; a bare count needs
  its percentage to fit exactly one named arm's size), or a response rate with its CI and the population the
  sentence states ("Among the 47 evaluable patients ... an ORR of 36.2% (95% CI 22.7–51.5)"), the whole study
  when it has no arms.
"""
from __future__ import annotations

import math
import re
from typing import Iterator

from trialaudit.extractor.evidence import cell_evidence, sentence_evidence
from trialaudit.extractor.quantities import find_quantities
from trialaudit.extractor.rounding import possible_counts, widened_interval
from trialaudit.schemas.document import Document, Sentence, Table, TableRow
from trialaudit.schemas.findings import Evidence
from trialaudit.schemas.quantities import Num, Quantity
from trialaudit.schemas.study import Arm, BinomialRate, StatedPopulation

from .arms import arm_mentions
from .population import populations_by_sentence
from .ratios import NON_RESULT_SECTIONS, cell_text, ci_cell
from .table_tests import parse
from .tablefacts import cell_count, column_denominator, rate_measure
from .text_intervals import describes_non_proportion

__all__ = ["extract_binomial_rates", "declared_ci_methods", "column_n"]

_METHODS = {
    "Clopper-Pearson": re.compile(r"clopper|exact\s+binomial|binomial\s+exact|exact\s+(?:method|confidence)", re.I),
    "Wilson": re.compile(r"\bwilson|score\s+(?:method|interval)", re.I),
    "Wald": re.compile(r"\bwald\b|normal\s+approximation|asymptotic", re.I),
    "Agresti-Coull": re.compile(r"agresti", re.I),
    "Jeffreys": re.compile(r"jeffreys", re.I),
}
_SURVIVAL = re.compile(r"surviv|\bPFS\b|\bOS\b|\bEFS\b|\bDFS\b|\bRFS\b|kaplan|\bKM\b|[- ]free\b|event", re.I)
_CI_ROW = re.compile(r"^\s*(?:\d{2}(?:\.\d)?\s*%\s*)?(?:CI|C\.I\.|confidence interval)\b", re.I)
#: the level of an interval ("95% CI", "90% confidence interval"): its % says nothing about the estimate
_CI_LEVEL = re.compile(r"\d{2}(?:\.\d+)?\s*%\s*(?=CI\b|C\.I\.|confidence|credible)", re.I)
_RATE_WORD = re.compile(r"\b(?:ORR|DCR|CBR|response|control|benefit)\b[^.;%]{0,25}$", re.I)
#: the sentence populations ("among the 47 evaluable patients") a rate with its CI may be out of
_PREPOSITIONS = {"of", "among", "in"}
_QUALIFIERS = {"", "evaluable", "treated", "enrolled"}
_NOUNS = {"patients", "participants", "subjects"}
#: a column whose "k (p%)" cells admit this many denominators says nothing about its n
_MAX_N_CANDIDATES = 20_000


def declared_ci_methods(doc: Document) -> tuple[list[str], str | None]:
    """The binomial interval methods the article names for its confidence intervals, with the first quote;
    "Wald" in a sentence about hazard or odds ratios or regression is a coefficient's interval and not counted."""
    found: set[str] = set()
    quote = None
    for s in doc.sentences:
        if s.section_kind in NON_RESULT_SECTIONS or s.section_kind == "introduction":
            continue
        if not re.search(r"\bCIs?\b|confidence", s.text, re.I):
            continue
        for name, rx in _METHODS.items():
            if rx.search(s.text):
                if name == "Wald" and re.search(r"\bwald\b", s.text, re.I) and re.search(r"\b(?:HR|hazard|cox|odds|"
                                                                                       r"regression)\b", s.text, re.I):
                    continue  # Wald CIs of regression coefficients, not of proportions
                found.add(name)
                quote = quote or s.text
    return sorted(found), quote


def _scale(pct: float | None, low: Num, high: Num) -> float:
    if pct is not None and pct > 1 and high.value <= 1:
        return 1.0
    return 100.0


def extract_binomial_rates(doc: Document, arms: list[Arm], total_n: int | None,
                           populations: list[StatedPopulation]) -> list[BinomialRate]:
    """Every proportion printed with its CI, count and denominator: tables first, then sentences."""
    out = list(_table_rates(doc, arms))
    sized = [a for a in arms if a.n]
    by_sentence = populations_by_sentence(populations, prepositions=_PREPOSITIONS, qualifiers=_QUALIFIERS,
                                          nouns=_NOUNS)
    for sent in doc.sentences:
        if sent.section_kind in NON_RESULT_SECTIONS or sent.section_kind in ("introduction", "discussion"):
            continue
        qs = find_quantities(sent.text)
        used: set[int] = set()
        out.extend(_count_ci_pairs(doc, sent, qs, sized, used))
        out.extend(_population_rates(doc, sent, qs, sized, used, by_sentence.get(sent.id, []), total_n))
    return out


def _table_rates(doc: Document, arms: list[Arm]) -> Iterator[BinomialRate]:
    """Rates with a CI in table cells, or a count above a "95% CI" row."""
    for table in doc.tables:
        rows = table.rows
        for ri, row in enumerate(rows):
            if row.kind == "group":
                continue
            nxt = rows[ri + 1] if ri + 1 < len(rows) else None
            ci_row = nxt if nxt is not None and _CI_ROW.match(nxt.label or "") else None
            for j in range(1, len(table.columns)):
                rate = _table_cell_rate(doc, arms, table, row, ci_row, j)
                if rate is not None:
                    yield rate


def _table_cell_rate(doc: Document, arms: list[Arm], table: Table, row: TableRow, ci_row: TableRow | None,
                     j: int) -> BinomialRate | None:
    label = row.label or ""
    txt = cell_text(row, j)
    if not txt:
        return None
    qs = parse(txt, label)
    read = _cell_rate_and_ci(doc, table, row, ci_row, j, txt, qs)
    if read is None:
        return None
    k, pct, low, high, level, ev = read
    if _SURVIVAL.search(label):
        return None
    if column_denominator(doc, arms, table, j) is not None:
        # the header gives an n: the row's own denominator decides ("No. of patients 716" above a rate row, a
        # note, missing data); an uncertain one leaves the rate unchecked
        den = column_denominator(doc, arms, table, j, row)
        if den is None:
            return None
        n, n_ev, n_src = den.n, den.evidence, den.source
    else:
        nn = column_n(doc, arms, table, j)
        if nn is None:
            return None
        n, n_ev, n_src = nn
    others: list[int] = []
    if k is None:
        ks = possible_counts(n, pct, qs[0].value.decimals if qs[0].value is not None else 0) if pct is not None else []
        if not 1 <= len(ks) <= 3:
            return None
        k, others = ks[0], ks[1:]  # flagged only when no count the percentage allows reproduces the CI
    if k > n or low.value > high.value:
        return None
    if n_ev is not None:
        ev.append(n_ev)
    return BinomialRate(k=k, n=n, low=low, high=high, level=level, scale=_scale(pct, low, high),
                        where=f"{table.label}, row '{label}', column '{table.columns[j]}'", evidence=ev,
                        n_source=n_src, key=f"{table.label}|{label}|{table.columns[j]}|{txt}", other_ks=others)


def _cell_rate_and_ci(doc: Document, table: Table, row: TableRow, ci_row: TableRow | None, j: int, txt: str,
                      qs) -> tuple | None:
    """(count or None, percent, low, high, CI level, evidence) of a cell: a count with the CI in the row below,
    or a rate printed with its CI."""
    label = row.label or ""
    if ci_row is not None:
        ci = ci_cell(cell_text(ci_row, j))
        c = cell_count(txt)
        if ci is None or c is None:
            return None
        q = qs[0] if len(qs) == 1 else None
        pct = q.percent.value if q is not None and q.percent is not None else None
        low, high = ci
        m = re.match(r"\s*(\d{2}(?:\.\d)?)\s*%", ci_row.label)
        level = float(m.group(1)) if m else 95.0
        ev = [cell_evidence(doc, table, row, j, role="rate"), cell_evidence(doc, table, ci_row, j, role="CI")]
        return c, pct, low, high, level, ev
    if len(qs) == 1 and qs[0].low is not None and qs[0].high is not None and qs[0].value is not None \
            and qs[0].interval in ("ci", "unspecified") and re.search(r"\bCI\b|confidence", label, re.I):
        if _SURVIVAL.search(label) or not (rate_measure(label) or re.search(r"\brate\b|n\s*\(%\)", label, re.I)):
            return None
        q = qs[0]
        return None, q.value.value, q.low, q.high, q.ci_level or 95.0, [cell_evidence(doc, table, row, j,
                                                                                    role="rate with CI")]
    return None


def column_n(doc: Document, arms: list[Arm], table: Table, j: int) -> tuple[int, Evidence | None, str] | None:
    """The denominator of a column: its header/arm n, else the one n all its ``k (p%)`` cells agree on."""
    den = column_denominator(doc, arms, table, j)
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


def _count_ci_pairs(doc: Document, sent: Sentence, qs: list[Quantity], arms: list[Arm],
                    used: set[int]) -> Iterator[BinomialRate]:
    """A count or n/N directly followed by a CI in a sentence; the CIs read are added to ``used``."""
    for i, q in enumerate(qs[:-1]):
        nq = qs[i + 1]
        if nq.low is None or nq.high is None or nq.interval != "ci" or nq.kind not in ("estimate_ci",):
            continue
        gap = sent.text[q.end:nq.start]
        if len(gap) > 12 or re.search(r"\d", gap):
            continue
        ctx_text = sent.text[max(0, q.start - 80):q.start]
        if _SURVIVAL.search(ctx_text) and not re.search(r"respon|control|benefit|ORR|DCR|CBR", ctx_text, re.I):
            continue
        kn = _count_and_n(sent, q, nq, arms)
        if kn is None:
            continue
        k, n, src = kn
        if n <= 0 or k > n:
            continue
        pct_v = nq.value.value if nq.value is not None else (q.percent.value if q.percent is not None else None)
        used.add(nq.start)
        yield BinomialRate(k=k, n=n, low=nq.low, high=nq.high, level=nq.ci_level or 95.0,
                           scale=_scale(pct_v, nq.low, nq.high), where=f"'{sent.text[q.start:nq.end]}'",
                           evidence=[sentence_evidence(doc, sent, q.start, nq.end, role="rate")],
                           n_source=src, key=f"text|{sent.text[q.start:nq.end]}")


def _count_and_n(sent: Sentence, q: Quantity, nq: Quantity, arms: list[Arm]) -> tuple[int, int, str] | None:
    """(k, n, where n comes from): a printed n/N, or a count whose percentage fits exactly one arm size."""
    if q.kind == "fraction" and q.count is not None and q.denominator is not None:
        return int(q.count.value), int(q.denominator.value), "the printed n/N"
    if q.kind == "count" and q.count is not None and nq.value is not None:
        pct = nq.value
        ns = {a.n for a, _, _ in arm_mentions(sent.text, [a for a in arms if not a.is_total])} or \
            ({a.n for a in arms} if len(arms) == 1 else set())
        fits = {n for n in ns if int(q.count.value) in possible_counts(n, pct.value, pct.decimals)}
        if len(fits) != 1:
            return None
        return int(q.count.value), fits.pop(), "the arm size"
    return None


def _population_rates(doc: Document, sent: Sentence, qs: list[Quantity], arms: list[Arm], used: set[int],
                      pops: list[StatedPopulation], total_n: int | None) -> Iterator[BinomialRate]:
    """A response rate with its CI and the population stated in the same sentence (or the whole study when it has
    no arms): "Among the 47 patients, ... for an ORR of 36.2% (95% CI 22.7–51.5)"."""
    n = pops[0].n if pops else (total_n if not arms else None)
    if not n:
        return
    for q in qs:
        if q.kind != "estimate_ci" or q.interval != "ci" or q.value is None or q.low is None or q.high is None or \
                q.start in used:
            continue
        if "%" not in _CI_LEVEL.sub(" ", sent.text[q.start:q.end]) or not (0 <= q.value.value <= 100):
            continue  # a percentage printed as the estimate or its bounds, not only as the CI's level
        lead = sent.text[max(0, q.start - 40):q.start]
        if not _RATE_WORD.search(lead) or _SURVIVAL.search(lead):
            continue
        if describes_non_proportion(sent.text, q.start, q.end):
            continue  # a mean, a score, a difference or a change in points: not a proportion of patients
        ks = possible_counts(n, q.value.value, q.value.decimals)
        if len(ks) != 1:
            continue
        yield BinomialRate(k=ks[0], n=n, low=q.low, high=q.high, level=q.ci_level or 95.0,
                           scale=_scale(q.value.value, q.low, q.high), where=f"'{sent.text[q.start:q.end]}'",
                           evidence=[sentence_evidence(doc, sent, q.start, q.end, role="rate")],
                           n_source="the population stated in the sentence" if pops else "the study population",
                           key=f"text|{sent.text[q.start:q.end]}")
