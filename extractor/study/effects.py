"""Effect estimates (HR / OR / RR) with CI, p, the comparison or variable, and the endpoint.

* Tables: a ratio column ("HR", "OR (95% CI)") with its CI and P columns, one estimate per
  row ("Multivariate Cox regression" tables); several ratio columns (univariate /
  multivariate) are read separately.
* Sentences of the abstract and results: every ratio the quantity parser finds
  ("hazard ratio, 0.60; 95% CI: 0.37, 0.98; P = 0.0402", "HR=1.256, P=0.038"), with the
  endpoint named before it and the arms (or the variable) it compares.
"""
from __future__ import annotations

import re

from trialaudit.schemas.document import Document, Table
from trialaudit.schemas.study import Arm, EffectEstimate, StatTest

from trialaudit.extractor.quantities import find_quantities, parse_cell

from .arms import arm_mentions
from ._util import (MEASURE_KIND, abstract_tail_sections, comparison_from_text, result_kinds, bare_interval, cell_prov, cell_text, cited_sentence_ids,
                    col_role, effective_kind, find_measures, normalise_for_parse, parse_number_cell, parse_p_cell,
                    sentence_prov)
from .outcomes import table_kinds
from .stat_tests import table_test, test_names_in

_PLANNING = re.compile(r"\b(?:assum\w+|power|detect(?:ing)?|sample\s+size|required|anticipat\w+|expected)\b", re.I)


def _ratio_type(label: str, caption: str) -> str:
    low = f"{label} {caption}".lower()
    if re.search(r"\bo\.?r\b|odds", label.lower()) or ("odds" in low and "hazard" not in low):
        return "OR"
    if re.search(r"\brr\b|risk ratio|relative risk|rate ratio", label.lower()):
        return "RR"
    if re.search(r"logistic", low) and not re.search(r"hazard|\bhr\b|cox", low):
        return "OR"
    return "HR"


def _endpoint(text: str) -> str | None:
    hits = [h.code for h in find_measures(text) if MEASURE_KIND.get(h.code) == "tte"]
    if hits:
        return hits[-1]
    if re.search(r"\bdeath|mortality|overall\s+survival", text, re.I):
        return "OS"
    return None


def effects_from_table(doc: Document, t: Table) -> tuple[list[EffectEstimate], list[StatTest]]:
    roles = [col_role(c) for c in t.columns]
    ratio_cols = [j for j, r in enumerate(roles) if r == "ratio" and j > 0]
    if not ratio_cols:
        # "HR (95% CI)" cells under a data column of an effects table
        ratio_cols = [j for j in range(1, len(t.columns)) if roles[j] == "data" and
                      any(re.match(r"^\s*\d+(?:\.\d+)?\s*[\(\[]", cell_text(r, j)) for r in t.rows)]
    out: list[EffectEstimate] = []
    tests: list[StatTest] = []
    endpoint = _endpoint(t.caption)
    for k, rj in enumerate(ratio_cols):
        nxt = ratio_cols[k + 1] if k + 1 < len(ratio_cols) else len(t.columns)
        ci_j = next((j for j in range(rj + 1, nxt) if roles[j] == "ci"), None)
        p_j = next((j for j in range(rj + 1, nxt) if roles[j] == "p"), None)
        rtype = _ratio_type(t.columns[rj], t.caption)
        scope = t.columns[rj].split(" / ")[0] if len(ratio_cols) > 1 and " / " in t.columns[rj] else ""
        heading = None
        for row in t.rows:
            txt = cell_text(row, rj)
            if not txt:
                if row.label and not any(cell_text(row, j) for j in range(1, len(t.columns))):
                    heading = row.label
                continue
            low = high = None
            ne = False
            est = parse_number_cell(txt)
            if est is None:
                q = next((q for q in parse_cell(normalise_for_parse(txt), label=t.columns[rj])
                          if q.kind in ("estimate_ci", "ratio")), None)
                if q is None or q.value is None:
                    if re.fullmatch(r"(?i)\s*(?:1(?:\.0+)?|ref\.?|reference)\s*", txt):
                        continue
                    continue
                est, low, high, ne = q.value, q.low, q.high, q.not_estimable
            if ci_j is not None:
                iv = bare_interval(cell_text(row, ci_j))
                if iv:
                    low, high, ne = iv[0], iv[1], iv[2] or ne
            p = parse_p_cell(cell_text(row, p_j)) if p_j is not None else None
            comparison = row.label if not heading or row.label.lower().startswith(heading.lower()) else f"{heading}: {row.label}"
            if scope:
                comparison = f"{comparison} ({scope})"
            out.append(EffectEstimate(ratio_type=rtype, estimate=est, low=low, high=high,
                                      ci_level=95.0 if (low is not None or high is not None) else None,
                                      p=p[0] if p else None, p_operator=p[1] if p else None, comparison=comparison,
                                      endpoint=endpoint, provenance=cell_prov(doc, t, row, rj)))
            if p is not None:
                name = test_names_in(t.caption) or (["cox"] if rtype == "HR" else [])
                tests.append(table_test(doc, t, row, p_j, p=p, test=name[0] if name else None, compares=comparison))
    return out, tests




def effects_from_sentences(doc: Document, arms: list[Arm]) -> list[EffectEstimate]:
    out: list[EffectEstimate] = []
    tail = abstract_tail_sections(doc)
    cited = cited_sentence_ids(doc)
    wanted = result_kinds(doc) + ("conclusion",)
    for s in doc.sentences:
        kind = effective_kind(doc, s, tail)
        if kind not in wanted:
            continue
        if s.id in cited or _PLANNING.search(s.text):
            continue
        text = normalise_for_parse(s.text)
        qs = find_quantities(text)
        if not any(q.kind == "ratio" for q in qs):
            continue
        mentioned: list[str] = []
        for a, _, _ in arm_mentions(text, arms):
            if not a.is_total and a.label not in mentioned:
                mentioned.append(a.label)
        real = [a for a in arms if not a.is_total]
        if len(mentioned) == 1 and len(real) == 2:
            # a two-arm trial: a ratio next to one arm compares it with the other
            mentioned.append(next(a.label for a in real if a.label != mentioned[0]))
        for i, q in enumerate(qs):
            if q.kind != "ratio" or q.value is None:
                continue
            p, op = q.p, q.p_operator
            if p is None and i + 1 < len(qs) and qs[i + 1].kind == "p_value" and \
                    re.fullmatch(r"[\s,;]*(?:(?:nominal|two-sided|log-rank)\s+)*", text[q.end:qs[i + 1].start], re.I):
                p, op = qs[i + 1].p, qs[i + 1].p_operator
            endpoint = _endpoint(text[:q.start]) or _endpoint(text)
            out.append(EffectEstimate(ratio_type=q.ratio_type or "HR", estimate=q.value, low=q.low, high=q.high,
                                      ci_level=(q.ci_level or 95.0) if (q.low is not None or q.high is not None) else None,
                                      p=p, p_operator=op, comparison=comparison_from_text(text, q.start, mentioned),
                                      endpoint=endpoint, provenance=sentence_prov(doc, s, q.start, q.end)))
    return out


def extract_effects(doc: Document, arms: list[Arm]) -> tuple[list[EffectEstimate], list[StatTest]]:
    out: list[EffectEstimate] = []
    tests: list[StatTest] = []
    for t in doc.tables:
        if "effects" in table_kinds(t):
            e, ts = effects_from_table(doc, t)
            out.extend(e)
            tests.extend(ts)
    out.extend(effects_from_sentences(doc, arms))
    return out, tests


__all__ = ["extract_effects", "effects_from_table", "effects_from_sentences"]

