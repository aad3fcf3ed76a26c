"""Response categories and the rates derived from them (``Study.response_counts``, ``Study.reported_rates``,
``Study.sentence_responses``); TA103 rebuilds ORR = CR + PR and DCR (CBR) = CR + PR + SD from them.

* Category counts per arm: a response table with the categories as rows (one column per arm, the column's n) or
  as columns (one row per arm, the row's n).
* Rates printed for an arm: a rate row or column of a table ("Objective response rate, n (%)", "ORR (%)"), as a
  count and/or percentage, and sentences that give an arm's rates ("the ORR and DCR in the X group were 23.63%
  and 52.73%", "ORR was 23.6% in X versus 10.0% in Y, ..., respectively"). A rate whose label or clause defines
  a durable component ("SD ≥ 6 months") is not read, since it is not built from the plain SD count.
* One sentence about one population that gives the categories and the rate ("Among the 47 patients, 3 (6.4%)
  achieved a complete response and 14 (29.8%) a partial response, for an ORR of 36.2%"); sentences that name
  arms or compare ("versus", "respectively") are left out.
"""
from __future__ import annotations

import re
from typing import Iterator

from trialaudit.extractor.evidence import cell_evidence, sentence_evidence
from trialaudit.extractor.quantities import find_quantities
from trialaudit.schemas.document import Document
from trialaudit.schemas.study import Arm, ReportedRate, ResponseCounts, SentenceResponse, StatedPopulation

from .arms import arm_mentions, resolve_arm
from .population import populations_by_sentence
from .regimens import top_level_clauses
from .tablefacts import (DERIVED_FROM, arms_are_rows, cell_count, cell_percent, cell_quantity, column_denominator,
                         rate_measure, response_category, row_denominator)

__all__ = ["extract_response_rates", "MEASURE_WORDS"]

MEASURE_WORDS = re.compile(r"\b(ORR|DCR|CBR|objective response rate|overall response rate|disease control rate|"
                           r"clinical benefit rate)\b", re.I)
#: a rate defined with a durable component ("SD ≥ 6 months", "SD lasting at least 24 weeks")
_DURABLE = re.compile(r"(?:≥|>=|>|at\s+least|lasting|persist\w*|durable|for)\s*(?:at\s+least\s*)?\d+\s*"
                      r"(?:months?|mo\b|weeks?|wks?)", re.I)
_CAT_TEXT = re.compile(r"\b(complete|partial)\s+(?:response|remission)s?\b|\bstable\s+disease\b|\b(CR|PR|SD)\b",
                       re.I)
#: the sentence populations ("among the 47 evaluable patients") its categories and rate are out of
_PREPOSITIONS = {"of", "among", "in"}
_QUALIFIERS = {"", "evaluable", "treated", "enrolled"}
_NOUNS = {"patients", "participants", "subjects"}


def extract_response_rates(doc: Document, arms: list[Arm], total_n: int | None,
                           populations: list[StatedPopulation]
                           ) -> tuple[list[ResponseCounts], list[ReportedRate], list[SentenceResponse]]:
    """(category counts per arm and table, rates printed for arms, sentences that give both)."""
    counts = list(_collect_counts(doc, arms).values())
    reported = list(_reported_in_tables(doc, arms)) + list(_reported_in_text(doc, arms))
    return counts, reported, list(_in_sentence(doc, arms, total_n, populations))


def _norm_measure(s: str) -> str:
    return rate_measure(s) or s.upper()


def _arm_key(arm: Arm | None, fallback: str) -> str:
    return arm.id if arm is not None else "label:" + fallback.lower().strip()


def _collect_counts(doc: Document, arms: list[Arm]) -> dict[str, ResponseCounts]:
    """Category counts per arm from response tables, both orientations."""
    out: dict[str, ResponseCounts] = {}
    for table in doc.tables:
        if arms_are_rows(table, arms):
            cat_cols = {j: response_category(c.split(" / ")[-1]) for j, c in enumerate(table.columns) if j > 0}
            cat_cols = {j: c for j, c in cat_cols.items() if c}
            if len(cat_cols) < 2:
                continue
            for row in table.rows:
                den = row_denominator(doc, arms, table, row)
                if den is None:
                    continue
                key = table.label + "::" + _arm_key(den.arm or resolve_arm(row.label, arms), row.label)
                ac = out.setdefault(key, ResponseCounts(key=key, n=den.n, n_source=den.source,
                                                        n_evidence=den.evidence))
                for j, cat in cat_cols.items():
                    c = cell_count(row.cells[j].text) if j < len(row.cells) else None
                    if c is not None and cat not in ac.counts:
                        ac.counts[cat] = c
                        ac.evidence[cat] = cell_evidence(doc, table, row, j, role=cat)
        else:
            rows = [(r, response_category(r.label)) for r in table.rows if r.kind != "group"]
            rows = [(r, c) for r, c in rows if c]
            if len(rows) < 2:
                continue
            for j in range(1, len(table.columns)):
                den = column_denominator(doc, arms, table, j)
                if den is None:
                    continue
                key = table.label + "::" + _arm_key(den.arm, table.columns[j].split(" / ")[0])
                ac = out.setdefault(key, ResponseCounts(key=key, n=den.n, n_source=den.source,
                                                        n_evidence=den.evidence))
                for r, cat in rows:
                    c = cell_count(r.cells[j].text) if j < len(r.cells) else None
                    if c is not None and cat not in ac.counts:
                        ac.counts[cat] = c
                        ac.evidence[cat] = cell_evidence(doc, table, r, j, role=cat)
    # text: "one patient achieved CR, 12 achieved PR, 14 achieved SD" is left to the extraction layer
    return out


def _reported_in_tables(doc: Document, arms: list[Arm]) -> Iterator[ReportedRate]:
    for table in doc.tables:
        if arms_are_rows(table, arms):
            rate_cols = {j: rate_measure(c.split(" / ")[-1]) for j, c in enumerate(table.columns) if j > 0}
            rate_cols = {j: m for j, m in rate_cols.items() if m}
            for row in table.rows:
                den = row_denominator(doc, arms, table, row)
                arm = (den.arm if den else None) or resolve_arm(row.label, arms)
                key = table.label + "::" + _arm_key(arm, row.label)
                for j, m in rate_cols.items():
                    if j >= len(row.cells) or not row.cells[j].text or _DURABLE.search(table.columns[j]):
                        continue
                    label = table.columns[j]
                    pct_col = "%" in label or cell_quantity(row.cells[j].text) is not None
                    q = cell_quantity(row.cells[j].text)
                    count = cell_count(row.cells[j].text) if q is not None and q.kind in ("count_percent", "fraction") else None
                    pct = cell_percent(row.cells[j].text, bare_is_percent=pct_col)
                    yield ReportedRate(key=key, measure=m, count=count, percent=pct,
                                       evidence=cell_evidence(doc, table, row, j, role="reported"),
                                       where=f"{table.label}, row '{row.label}', column '{label}'")
        else:
            for row in table.rows:
                m = rate_measure(row.label)
                if not m or _DURABLE.search(row.label):
                    continue  # "Clinical benefit rate (CR + PR + SD ≥ 6 months)": not the plain SD row
                for j in range(1, len(table.columns)):
                    if j >= len(row.cells) or not row.cells[j].text:
                        continue
                    den = column_denominator(doc, arms, table, j)
                    key = table.label + "::" + _arm_key(den.arm if den else None, table.columns[j].split(" / ")[0])
                    q = cell_quantity(row.cells[j].text)
                    if q is None:
                        continue
                    count = cell_count(row.cells[j].text) if q.kind in ("count_percent", "fraction") else None
                    pct = cell_percent(row.cells[j].text, bare_is_percent="%" in row.label)
                    if count is None and pct is None:
                        continue
                    yield ReportedRate(key=key, measure=m, count=count, percent=pct,
                                       evidence=cell_evidence(doc, table, row, j, role="reported"),
                                       where=f"{table.label}, row '{row.label}', column '{table.columns[j]}'")


def _reported_in_text(doc: Document, arms: list[Arm]) -> Iterator[ReportedRate]:
    """'The ORR and DCR in the X group were 23.63% and 52.73%' and
    'ORR was 23.63% in X versus 10.00% in Y, and the DCR was 52.73% versus 30%, respectively'."""
    for sent in doc.sentences:
        if sent.section_kind in ("references", "introduction", "methods", "statistics"):
            continue
        text = sent.text
        if not MEASURE_WORDS.search(text):
            continue
        mentions = arm_mentions(text, arms)
        prev_arms: list[Arm] = []
        for a, b in top_level_clauses(text):
            clause = text[a:b]
            measures = [_norm_measure(m.group(1)) for m in MEASURE_WORDS.finditer(clause)]
            measures = [m for m in measures if m in DERIVED_FROM] if not _DURABLE.search(clause) else []
            pcts = [q for q in find_quantities(clause) if q.kind == "percent" and (q.value or q.percent)]
            clause_arms = [m[0] for m in mentions if a <= m[1] < b]
            if not measures or not pcts:
                if clause_arms:
                    prev_arms = clause_arms
                continue
            pairs: list[tuple[Arm, str, object]] = []
            if len(measures) == 1 and len(clause_arms) == len(pcts) and clause_arms:
                pairs = [(arm, measures[0], q) for arm, q in zip(clause_arms, pcts)]
            elif len(measures) == 1 and not clause_arms and prev_arms and len(prev_arms) == len(pcts) and \
                    re.search(r"respectively|versus|vs", clause):
                pairs = [(arm, measures[0], q) for arm, q in zip(prev_arms, pcts)]
            elif len({a_.id for a_ in clause_arms}) == 1 and len(measures) == len(pcts):
                pairs = [(clause_arms[0], m, q) for m, q in zip(measures, pcts)]
            elif len(measures) == len(pcts) and clause_arms:
                # "The ORR and DCR in the X group were 23.6% and 52.7%, higher than in the Y group"
                first_pct = a + pcts[0].start
                before = {m[0].id: m[0] for m in mentions if a <= m[1] < first_pct}
                if len(before) == 1:
                    arm0 = next(iter(before.values()))
                    pairs = [(arm0, m, q) for m, q in zip(measures, pcts)]
            if clause_arms:
                prev_arms = clause_arms
            for arm, m, q in pairs:
                num = q.value or q.percent
                yield ReportedRate(key="text::" + arm.id, measure=m, count=None, percent=num,
                                   evidence=sentence_evidence(doc, sent, a + q.start, a + q.end, role="reported"),
                                   where=f"{m} of the {arm.label} in the text")


def _category_of(m: re.Match) -> str:
    s = m.group(0).lower()
    return "CR" if s.startswith(("complete", "cr")) else "PR" if s.startswith(("partial", "pr")) else "SD"


def _in_sentence(doc: Document, arms: list[Arm], total_n: int | None,
                 populations: list[StatedPopulation]) -> Iterator[SentenceResponse]:
    """'Among the 47 patients, 3 (6.4%) achieved a complete response and 14 (29.8%) a partial response, for an ORR
    of 36.2%': categories and the rate in one sentence about one population."""
    by_sentence = populations_by_sentence(populations, prepositions=_PREPOSITIONS, qualifiers=_QUALIFIERS,
                                          nouns=_NOUNS)
    for sent in doc.sentences:
        if sent.section_kind in ("references", "introduction", "methods", "statistics", "discussion"):
            continue
        text = sent.text
        if not MEASURE_WORDS.search(text) or not _CAT_TEXT.search(text):
            continue
        if arm_mentions(text, arms) or re.search(r"respectively|versus|\bvs\b|compared", text, re.I):
            continue
        qs = [q for q in find_quantities(text) if q.kind in ("count_percent", "fraction", "percent", "count",
                                                             "estimate_ci")]
        counts: dict[str, tuple[int, object]] = {}
        ambiguous = False
        for i, q in enumerate(qs):
            if q.kind not in ("count_percent", "fraction") or q.count is None or q.count.decimals:
                continue
            nxt = qs[i + 1].start if i + 1 < len(qs) else len(text)
            seg = text[q.end:nxt]
            cm = _CAT_TEXT.search(seg)
            if cm is None or cm.start() > 40 or MEASURE_WORDS.search(seg[:cm.start()]):
                continue
            cat = _category_of(cm)
            if cat in counts:
                ambiguous = True
            counts[cat] = (int(q.count.value), q)
        if ambiguous or len(counts) < 2:
            continue
        pops = by_sentence.get(sent.id, [])
        n = pops[0].n if pops else (total_n if not any(a.n for a in arms if not a.is_total) else None)
        for mm in MEASURE_WORDS.finditer(text):
            measure = _norm_measure(mm.group(1))
            comps = DERIVED_FROM.get(measure)
            if not comps or not all(c in counts for c in comps):
                continue
            rate = next((q for q in qs if q.start >= mm.end() and q.start - mm.end() <= 25), None)
            if rate is None:
                continue
            ev = [sentence_evidence(doc, sent, mm.start(), rate.end, role="reported")] + \
                [sentence_evidence(doc, sent, counts[c][1].start, counts[c][1].end, role=c) for c in comps]
            rc = rate.count if rate.kind in ("count_percent", "fraction") else None
            pct = rate.percent if rate.kind in ("count_percent", "fraction") else (rate.percent or rate.value)
            yield SentenceResponse(sentence=sent.id, measure=measure, text=text[mm.start():rate.end],
                                   counts={c: counts[c][0] for c in comps}, count=rc, percent=pct, n=n or None,
                                   n_source="the sentence" if pops else "the study population", evidence=ev,
                                   key=f"sent|{sent.id}|{measure}")
