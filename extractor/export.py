"""Tidy tables over a batch of extracted studies: one row per fact, one table per kind.

``tables(articles)`` returns ``{name: [row dict, ...]}`` for ``study``, ``arms``,
``sample_sizes``, ``regimens``, ``endpoints``, ``outcomes``, ``effects``,
``adverse_events``, ``baseline``, ``tests``, ``references`` and ``citations``; every fact row
carries the article id and its location (section, table, row, column, line, characters,
page, verbatim quote, method). ``frames()`` gives the same as pandas DataFrames and
``write_tables()`` writes them as CSV, Parquet or Excel.

An *article* is anything with ``id``, ``source``, ``status``, ``error`` and ``study``
attributes (see :class:`trialaudit.extract_api.ExtractedArticle`).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Iterable

from trialaudit.schemas.findings import Evidence
from trialaudit.schemas.provenance import Provenance
from trialaudit.schemas.quantities import Num, Quantity
from trialaudit.schemas.study import Arm, Study

TABLE_NAMES = ["study", "arms", "sample_sizes", "regimens", "dose_passages", "endpoints", "outcomes", "effects", "adverse_events",
               "baseline", "tests", "references", "citations", "reported_values", "size_statements", "table_tests",
               "text_tests", "text_means", "patient_fractions",
               "category_sets", "text_intervals", "table_intervals", "text_statistics", "cell_statistics", "significance_claims", "eligibility",
               "stated_age_ranges", "required_diagnosis", "diagnosis_rows", "survival_landmarks", "trial_name_mentions",
               "binomial_rates", "response_rates", "text_percentages", "table_means", "response_definitions",
               "baseline_limit_rows", "stated_doses", "impossible_p_values", "row_percent_misfits"]

LOCATION_COLUMNS = ["section", "table", "row", "column", "line", "line_end", "char_start", "char_end", "page",
                    "quote", "method"]

#: columns of each table (fixed, so empty batches still have a header and dtypes stay stable)
COLUMNS: dict[str, list[str]] = {
    "study": ["article", "source", "status", "error", "title", "randomised", "phase", "timing", "centres",
              "registry_ids", "acronym", "enrolment_start", "enrolment_end", "data_cutoff", "median_follow_up",
              "planned_sample_size", "total_n", "n_arms", "n_outcomes", "n_effects", "n_adverse_events",
              "n_baseline", "n_tests", "n_references"],
    "arms": ["article", "arm_id", "label", "aliases", "n", "is_total", "drugs", "sizes"] + LOCATION_COLUMNS,
    "sample_sizes": ["article", "value", "kind"] + LOCATION_COLUMNS,
    "regimens": ["article", "arm_id", "arm", "drugs", "surfaces", "role"] + LOCATION_COLUMNS,
    "dose_passages": ["article", "arm_id", "arm", "drug", "written", "dose", "route", "days", "frequency",
                      "cycle_days", "cycles"] + LOCATION_COLUMNS,
    "endpoints": ["article", "name", "role", "definition", "surface"] + LOCATION_COLUMNS,
    "outcomes": ["article", "arm_id", "arm", "group", "measure", "kind", "timepoint", "value_text", "value", "count",
                 "denominator", "percent", "low", "high", "interval", "ci_level", "not_estimable", "p_operator", "p",
                 "unit"] + LOCATION_COLUMNS,
    "effects": ["article", "ratio_type", "estimate", "low", "high", "ci_level", "p_operator", "p", "comparison",
                "endpoint"] + LOCATION_COLUMNS,
    "adverse_events": ["article", "arm_id", "arm", "group", "term", "grade", "count", "percent"] + LOCATION_COLUMNS,
    "baseline": ["article", "variable", "category", "arm_id", "arm", "group", "kind", "value_text", "value", "count",
                 "percent", "sd", "low", "high", "interval", "statistic", "stat_value", "p_operator", "p"]
                + LOCATION_COLUMNS,
    "tests": ["article", "test", "statistic", "stat_value", "df", "p_operator", "p", "compares"] + LOCATION_COLUMNS,
    "references": ["article", "number", "authors", "title", "journal", "year"] + LOCATION_COLUMNS,
    "citations": ["article", "sentence", "numbers"] + LOCATION_COLUMNS,
    "reported_values": ["article", "measure", "stat", "arm_id", "arm", "value_text", "value", "low", "high",
                        "interval", "low_ne", "high_ne", "period", "adjusted", "place", "where"] + LOCATION_COLUMNS,
    "size_statements": ["article", "value", "scope", "arm", "place", "strength", "agreed"] + LOCATION_COLUMNS,
    "table_tests": ["article", "where", "label", "orientation", "arms", "arm_n", "statistic_kind", "stat_value",
                    "p_operator", "p", "count_tables", "first_count_table", "means", "named_tests"] + LOCATION_COLUMNS,
    "text_tests": ["article", "kind", "where", "arms", "arm_n", "statistic_kind", "stat_value", "p_operator", "p",
                   "counts", "means"] + LOCATION_COLUMNS,
    "text_means": ["article", "variable", "mean", "n", "source", "where"] + LOCATION_COLUMNS,
    "patient_fractions": ["article", "fraction", "count", "denominator", "place"] + LOCATION_COLUMNS,
    "category_sets": ["article", "table", "variable", "categories", "rows", "responses", "row_percentages",
                      "exclusive", "complete", "reason"],
    "text_intervals": ["article", "text", "estimate", "low", "high", "interval", "labelled",
                       "direction_stated"] + LOCATION_COLUMNS,
    "table_intervals": ["article", "where", "estimate", "low", "high", "interval", "labelled", "direction_stated",
                        "ci_row"] + LOCATION_COLUMNS,
    "text_statistics": ["article", "statistic", "stat_value", "df", "df2", "df_words", "p_operator", "p",
                        "eta_kind", "eta_operator", "eta_squared", "text"] + LOCATION_COLUMNS,
    "cell_statistics": ["article", "where", "statistic", "stat_value", "df", "df2", "df_words", "p_operator", "p",
                        "text"] + LOCATION_COLUMNS,
    "significance_claims": ["article", "claim", "wording", "clause", "p_values", "cited_tables"] + LOCATION_COLUMNS,
    "eligibility": ["article", "variable", "low", "high", "text"] + LOCATION_COLUMNS,
    "stated_age_ranges": ["article", "low", "high", "text"] + LOCATION_COLUMNS,
    "required_diagnosis": ["article", "diagnoses", "mentioned"] + LOCATION_COLUMNS,
    "survival_landmarks": ["article", "source", "endpoint", "landmark", "months", "rate", "low", "high", "median",
                           "q1", "q3", "median_unit", "median_quote", "where"] + LOCATION_COLUMNS,
    "trial_name_mentions": ["article", "acronym", "kind", "text", "edits", "similarity", "number"] + LOCATION_COLUMNS,
    "binomial_rates": ["article", "where", "count", "n", "low", "high", "ci_level", "scale", "n_source",
                       "ci_methods"] + LOCATION_COLUMNS,
    "response_rates": ["article", "kind", "group", "measure", "count", "n", "percent", "n_source"] + LOCATION_COLUMNS,
    "text_percentages": ["article", "text", "count", "n", "percent", "n_source", "other_ns"] + LOCATION_COLUMNS,
    "table_means": ["article", "variable", "kind", "mean", "n", "n_source", "fewer_ns"] + LOCATION_COLUMNS,
    "response_definitions": ["article", "kind", "name", "threshold", "modified", "text"] + LOCATION_COLUMNS,
    "baseline_limit_rows": ["article", "kind", "label", "categories", "low", "high", "count"] + LOCATION_COLUMNS,
    "diagnosis_rows": ["article", "group", "diagnosis", "family", "count"] + LOCATION_COLUMNS,
    "stated_doses": ["article", "drug", "written", "dose", "value", "value_high", "unit", "per", "daily_multiplier",
                     "high_dose"] + LOCATION_COLUMNS,
    "row_percent_misfits": ["article", "count", "row_total", "percent"] + LOCATION_COLUMNS,
    "impossible_p_values": ["article", "context", "printed", "value", "operator", "where",
                            "valid_in_column"] + LOCATION_COLUMNS,
}

_NUMERIC = {"eta_squared", "df2", "df_words", "mean", "value", "count", "denominator", "percent", "low", "high", "ci_level", "p", "estimate", "sd",
            "stat_value", "df", "months", "median", "q1", "q3", "similarity", "threshold"}
_INTEGER = {"cycle_days", "cycles", "n", "total_n", "planned_sample_size", "line", "line_end", "char_start", "char_end", "page", "number",
            "year", "edits", "n_arms", "n_outcomes", "n_effects", "n_adverse_events", "n_baseline", "n_tests", "n_references"}
_INTEGER_IN = {("row_percent_misfits", "count"), ("row_percent_misfits", "row_total"), ("diagnosis_rows", "count"), ("impossible_p_values", "valid_in_column"), ("patient_fractions", "denominator"), ("binomial_rates", "count"), ("response_rates", "count"), ("text_percentages", "count"), ("baseline_limit_rows", "count"), ("binomial_rates", "scale"), ("sample_sizes", "value"), ("adverse_events", "count"),
               ("size_statements", "value"), ("table_tests", "count_tables")}


def _v(n: Num | None) -> float | None:
    return None if n is None else n.value


def location(p: Provenance | None) -> dict:
    if p is None:
        return {k: None for k in LOCATION_COLUMNS}
    return {"section": p.section, "table": p.table, "row": p.row, "column": p.column, "line": p.span.line,
            "line_end": p.span.line_end or p.span.line, "char_start": p.span.char_start, "char_end": p.span.char_end,
            "page": p.span.page, "quote": p.quote, "method": p.method}


def evidence_location(e: Evidence | None) -> dict:
    """The location columns for a fact whose place is an :class:`Evidence` (``Study.reported_values``)."""
    if e is None:
        return {k: None for k in LOCATION_COLUMNS}
    return {"section": e.section, "table": e.table, "row": e.row, "column": e.column, "line": e.line,
            "line_end": e.line_end or e.line, "char_start": e.char_start, "char_end": e.char_end, "page": e.page,
            "quote": e.quote, "method": e.role}


def _arm_label(arms: dict[str, Arm], arm_id: str | None) -> str | None:
    a = arms.get(arm_id or "")
    return a.label if a else None


def _q(q: Quantity) -> dict:
    return {"kind": q.kind, "value_text": q.text, "value": _v(q.value), "count": _v(q.count),
            "denominator": _v(q.denominator), "percent": _v(q.percent), "sd": _v(q.sd), "low": _v(q.low),
            "high": _v(q.high), "interval": q.interval, "ci_level": q.ci_level, "not_estimable": q.not_estimable,
            "statistic": q.statistic, "stat_value": _v(q.stat_value), "p_operator": q.p_operator, "p": _v(q.p)}


def study_rows(article: Any) -> dict[str, list[dict]]:
    """All tidy rows of one extracted article."""
    aid = article.id
    st: Study | None = article.study
    out: dict[str, list[dict]] = {k: [] for k in TABLE_NAMES}
    base = {"article": aid, "source": article.source, "status": article.status, "error": article.error}
    if st is None:
        out["study"].append(base)
        return out
    d = st.design
    out["study"].append({**base, "title": st.title, "randomised": d.randomised, "phase": d.phase, "timing": d.timing,
                         "centres": d.centres, "registry_ids": "; ".join(st.registry_ids), "acronym": st.acronym,
                         "enrolment_start": st.enrolment_start, "enrolment_end": st.enrolment_end,
                         "data_cutoff": st.data_cutoff,
                         "median_follow_up": st.median_follow_up.text if st.median_follow_up else None,
                         "planned_sample_size": st.planned_sample_size, "total_n": st.total_n,
                         "n_arms": len([a for a in st.arms if not a.is_total]), "n_outcomes": len(st.outcomes),
                         "n_effects": len(st.effects), "n_adverse_events": len(st.adverse_events),
                         "n_baseline": len(st.baseline), "n_tests": len(st.tests), "n_references": len(st.references)})
    arms = {a.id: a for a in st.arms}
    _design_rows(st, aid, arms, out)
    _result_rows(st, aid, arms, out)
    _reference_rows(st, aid, arms, out)
    _test_rows(st, aid, arms, out)
    _sentence_fact_rows(st, aid, arms, out)
    _rate_and_table_fact_rows(st, aid, arms, out)
    return out


def _design_rows(st: Study, aid: str, arms: dict, out: dict[str, list[dict]]) -> None:
    """Arms, sample sizes, regimens and endpoints."""
    for a in st.arms:
        sizes = "; ".join(f"{s.value} {s.kind}" for s in a.sizes)
        out["arms"].append({"article": aid, "arm_id": a.id, "label": a.label, "aliases": "; ".join(a.aliases), "n": a.n,
                            "is_total": a.is_total, "drugs": "; ".join(a.drugs), "sizes": sizes,
                            **location(a.definition or (a.sizes[0].provenance if a.sizes else None))})
    for s in st.sample_sizes:
        out["sample_sizes"].append({"article": aid, "value": s.value, "kind": s.kind, **location(s.provenance)})
    for r in st.regimens:
        out["regimens"].append({"article": aid, "arm_id": r.arm, "arm": _arm_label(arms, r.arm), "drugs": "; ".join(r.drugs),
                                "surfaces": "; ".join(m.surface for m in r.mentions), "role": r.role,
                                **location(r.provenance)})
    for r in st.dose_passages:   # one row per drug of each passage TA306 compares
        for m in r.mentions:
            out["dose_passages"].append({
                "article": aid, "arm_id": r.arm, "arm": _arm_label(arms, r.arm), "drug": m.drug, "written": m.surface,
                "dose": m.dose.text if m.dose else None, "route": m.route, "days": m.days, "frequency": m.frequency,
                "cycle_days": m.cycle_days, "cycles": m.cycles, **location(r.provenance)})
    for e in st.endpoints:
        out["endpoints"].append({"article": aid, "name": e.name, "role": e.role, "definition": e.definition,
                                 "surface": e.surface, **location(e.provenance)})


def _result_rows(st: Study, aid: str, arms: dict, out: dict[str, list[dict]]) -> None:
    """Outcomes, effects, adverse events, baseline rows and tests."""
    for o in st.outcomes:
        q = _q(o.quantity)
        out["outcomes"].append({"article": aid, "arm_id": o.arm, "arm": _arm_label(arms, o.arm), "group": o.group,
                                "measure": o.measure, "kind": o.kind, "timepoint": o.timepoint,
                                **{k: q[k] for k in ("value_text", "value", "count", "denominator", "percent", "low",
                                                     "high", "interval", "ci_level", "not_estimable", "p_operator", "p")},
                                "unit": o.unit, **location(o.provenance)})
    for e in st.effects:
        out["effects"].append({"article": aid, "ratio_type": e.ratio_type, "estimate": _v(e.estimate), "low": _v(e.low),
                               "high": _v(e.high), "ci_level": e.ci_level, "p_operator": e.p_operator, "p": _v(e.p),
                               "comparison": e.comparison, "endpoint": e.endpoint, **location(e.provenance)})
    for ae in st.adverse_events:
        out["adverse_events"].append({"article": aid, "arm_id": ae.arm, "arm": _arm_label(arms, ae.arm), "group": ae.group,
                                      "term": ae.term, "grade": ae.grade, "count": ae.count, "percent": _v(ae.percent),
                                      **location(ae.provenance)})
    for b in st.baseline:
        q = _q(b.quantity)
        out["baseline"].append({"article": aid, "variable": b.variable, "category": b.category, "arm_id": b.arm,
                                "arm": _arm_label(arms, b.arm), "group": b.group,
                                **{k: q[k] for k in ("kind", "value_text", "value", "count", "percent", "sd", "low", "high",
                                                     "interval", "statistic", "stat_value", "p_operator", "p")},
                                **location(b.provenance)})
    for t in st.tests:
        out["tests"].append({"article": aid, "test": t.test, "statistic": t.statistic, "stat_value": _v(t.stat_value),
                             "df": t.df, "p_operator": t.p_operator, "p": _v(t.p), "compares": t.compares,
                             **location(t.provenance)})


def _reference_rows(st: Study, aid: str, arms: dict, out: dict[str, list[dict]]) -> None:
    """References, citations, reported values and size statements."""
    for r in st.references:
        out["references"].append({"article": aid, "number": r.number, "authors": "; ".join(r.authors), "title": r.title,
                                   "journal": r.journal, "year": r.year, **location(r.provenance)})
    for c in st.citations:
        out["citations"].append({"article": aid, "sentence": c.sentence, "numbers": ", ".join(map(str, c.numbers)),
                                 **location(c.provenance)})
    for rv in st.reported_values:
        out["reported_values"].append({"article": aid, "measure": rv.measure, "stat": rv.stat, "arm_id": rv.arm,
                                       "arm": _arm_label(arms, rv.arm), "value_text": rv.value.text if rv.value else None,
                                       "value": _v(rv.value), "low": _v(rv.low), "high": _v(rv.high),
                                       "interval": rv.interval, "low_ne": rv.low_ne, "high_ne": rv.high_ne,
                                       "period": rv.period, "adjusted": rv.adjusted, "place": rv.place, "where": rv.where, **evidence_location(rv.evidence)})
    sz = st.population_sizes
    for ss in sz.statements:
        agreed = sz.total if ss.scope == "total" else sz.arms.get(ss.scope)
        out["size_statements"].append({"article": aid, "value": ss.value, "scope": ss.scope,
                                       "arm": _arm_label(arms, ss.scope) if ss.scope in arms else None,
                                       "place": ss.place, "strength": ss.strength, "agreed": agreed == ss.value,
                                       **evidence_location(ss.evidence)})


def _test_rows(st: Study, aid: str, arms: dict, out: dict[str, list[dict]]) -> None:
    """Tests printed in tables and sentences, and means printed in sentences."""
    for tt in st.table_tests:
        first = tt.count_tables[0] if tt.count_tables else None
        out["table_tests"].append({
            "article": aid, "where": tt.where, "label": tt.label, "orientation": tt.orientation,
            "arms": "; ".join(a.label for a in tt.arms), "arm_n": "; ".join(str(a.n) for a in tt.arms),
            "statistic_kind": tt.stat_kind, "stat_value": _v(tt.statistic.value) if tt.statistic else None,
            "p_operator": tt.p.operator if tt.p else None, "p": _v(tt.p.value) if tt.p else None,
            "count_tables": len(tt.count_tables), "first_count_table": first.description if first else None,
            "means": "; ".join(f"{m.text} ± {sd.text}" for m, sd in tt.means) if tt.means else None,
            "named_tests": "; ".join(tt.named_tests),
            **evidence_location(tt.p.evidence if tt.p else tt.statistic.evidence if tt.statistic else None)})
    for xt in st.text_tests:
        out["text_tests"].append({
            "article": aid, "kind": xt.kind, "where": xt.where,
            "arms": "; ".join(_arm_label(arms, i) or i for i in xt.arm_ids) or None,
            "arm_n": "; ".join(str(n) for n in xt.ns) or None,
            "statistic_kind": xt.statistic.kind if xt.statistic else None,
            "stat_value": _v(xt.statistic.value) if xt.statistic else None,
            "p_operator": xt.p.operator if xt.p else None, "p": _v(xt.p.value) if xt.p else None,
            "counts": xt.count_tables[0].description if xt.count_tables else None,
            "means": "; ".join(f"{m.text} ± {sd.text}" for m, sd in xt.means) if xt.means else None,
            **evidence_location(xt.evidence[0] if xt.evidence else None)})
    for tm in st.text_means:
        out["text_means"].append({
            "article": aid, "variable": tm.variable, "mean": _v(tm.mean), "n": tm.n, "source": tm.source,
            "where": tm.where, **evidence_location(tm.evidence)})


def _sentence_fact_rows(st: Study, aid: str, arms: dict, out: dict[str, list[dict]]) -> None:
    """Fractions, category sets, intervals, statistics, claims and eligibility facts."""
    for pf in st.patient_fractions:
        out["patient_fractions"].append({
            "article": aid, "fraction": pf.text, "count": _v(pf.count), "denominator": pf.denominator,
            "place": pf.place, **evidence_location(pf.evidence)})
    for cs in st.category_sets:
        out["category_sets"].append({
            "article": aid, "table": cs.table, "variable": cs.variable, "categories": "; ".join(cs.labels),
            "rows": "; ".join(map(str, cs.rows)), "responses": cs.responses,
            "row_percentages": cs.row_percentages, "exclusive": cs.exclusive,
            "complete": cs.complete, "reason": cs.reason})
    for ti in st.text_intervals:
        out["text_intervals"].append({
            "article": aid, "text": ti.text, "estimate": _v(ti.value), "low": _v(ti.low), "high": _v(ti.high),
            "interval": ti.kind, "labelled": ti.labelled, "direction_stated": ti.direction_stated,
            **evidence_location(ti.evidence)})
    for tb in st.table_intervals:
        out["table_intervals"].append({
            "article": aid, "where": tb.where, "estimate": _v(tb.value), "low": _v(tb.low), "high": _v(tb.high),
            "interval": tb.kind, "labelled": tb.labelled, "direction_stated": tb.direction_stated, "ci_row": tb.ci_row,
            **evidence_location(tb.evidence[0])})
    for ts in st.text_statistics:
        out["text_statistics"].append({
            "article": aid, "statistic": ts.statistic, "stat_value": _v(ts.value), "df": ts.df, "df2": ts.df2,
            "df_words": ts.df_words, "p_operator": ts.p_operator, "p": _v(ts.p), "eta_kind": ts.eta_kind,
            "eta_operator": ts.eta_operator, "eta_squared": _v(ts.eta_squared), "text": ts.text,
            **evidence_location(ts.evidence)})
    for cs in st.cell_statistics:
        out["cell_statistics"].append({
            "article": aid, "where": cs.where, "statistic": cs.statistic, "stat_value": _v(cs.value), "df": cs.df,
            "df2": cs.df2, "df_words": cs.df_words, "p_operator": cs.p_operator, "p": _v(cs.p), "text": cs.text,
            **evidence_location(cs.evidence)})
    for sc in st.significance_claims:
        out["significance_claims"].append({
            "article": aid, "claim": sc.claim, "wording": sc.wording, "clause": sc.clause.strip(),
            "p_values": "; ".join(q.text for q in sc.quantities if q.p is not None),
            "cited_tables": "; ".join(sc.cited_tables), **evidence_location(sc.evidence)})
    for el in st.eligibility:
        out["eligibility"].append({"article": aid, "variable": el.variable, "low": el.low, "high": el.high,
                                   "text": el.text, **evidence_location(el.evidence)})
    for ar in st.stated_age_ranges:
        out["stated_age_ranges"].append({"article": aid, "low": float(ar.low), "high": float(ar.high),
                                         "text": ar.text, **evidence_location(ar.evidence)})
    for lr in st.survival_landmarks:
        m = lr.median
        out["survival_landmarks"].append({
            "article": aid, "source": lr.source, "endpoint": lr.endpoint, "landmark": f"{lr.time} {lr.time_unit}",
            "months": lr.months, "rate": lr.rate, "low": lr.low, "high": lr.high, "median": _v(m.value),
            "q1": _v(m.q1), "q3": _v(m.q3), "median_unit": m.unit, "median_quote": m.evidence.quote,
            "where": lr.where, **evidence_location(lr.evidence)})
    for tn in st.trial_name_mentions:
        out["trial_name_mentions"].append({
            "article": aid, "acronym": st.acronym, "kind": tn.kind, "text": tn.text, "edits": tn.edits,
            "similarity": tn.similarity, "number": tn.number, **evidence_location(tn.evidence)})


def _rate_and_table_fact_rows(st: Study, aid: str, arms: dict, out: dict[str, list[dict]]) -> None:
    """Rates, percentages, means, response definitions, doses and the table facts of the eligibility rules."""
    for br in st.binomial_rates:
        out["binomial_rates"].append({
            "article": aid, "where": br.where, "count": br.k, "n": br.n, "low": br.low.value, "high": br.high.value,
            "ci_level": br.level, "scale": br.scale, "n_source": br.n_source, "ci_methods": "; ".join(st.ci_methods),
            **evidence_location(br.evidence[0] if br.evidence else None)})
    for rc in st.response_counts:   # one row per category count of an arm's column or row
        for cat, k in rc.counts.items():
            out["response_rates"].append({
                "article": aid, "kind": "category", "group": rc.key, "measure": cat, "count": k, "n": rc.n,
                "percent": None, "n_source": rc.n_source, **evidence_location(rc.evidence.get(cat))})
    for rr in st.reported_rates:
        out["response_rates"].append({
            "article": aid, "kind": "rate", "group": rr.key, "measure": rr.measure, "count": rr.count, "n": None,
            "percent": _v(rr.percent), "n_source": "", **evidence_location(rr.evidence)})
    for sr in st.sentence_responses:
        out["response_rates"].append({
            "article": aid, "kind": "sentence", "group": sr.key, "measure": sr.measure,
            "count": int(sr.count.value) if sr.count is not None else None, "n": sr.n, "percent": _v(sr.percent),
            "n_source": sr.n_source, **evidence_location(sr.evidence[0] if sr.evidence else None)})
    for tp in st.text_percentages:
        out["text_percentages"].append({
            "article": aid, "text": tp.where, "count": tp.count, "n": tp.n, "percent": tp.percent.value,
            "n_source": tp.source, "other_ns": "; ".join(map(str, tp.other_ns)), **evidence_location(tp.evidence)})
    for tm in st.table_means:
        out["table_means"].append({
            "article": aid, "variable": tm.variable, "kind": tm.kind, "mean": tm.mean.value, "n": tm.n,
            "n_source": tm.n_source, "fewer_ns": ", ".join(map(str, tm.fewer_ns)), **evidence_location(tm.evidence)})
    for cc in st.criteria_citations:
        out["response_definitions"].append({
            "article": aid, "kind": "criteria cited", "name": cc.name, "threshold": None, "modified": cc.modified,
            "text": cc.evidence.quote, **evidence_location(cc.evidence)})
    for rd_ in st.response_definitions:
        out["response_definitions"].append({
            "article": aid, "kind": "definition", "name": rd_.category, "threshold": rd_.threshold, "modified": None,
            "text": rd_.text, **evidence_location(rd_.evidence)})
    for bl in st.baseline_limit_rows:   # one row per study column of the baseline row
        for c in bl.cells:
            out["baseline_limit_rows"].append({
                "article": aid, "kind": bl.kind, "label": bl.row.strip(), "categories": "; ".join(map(str, bl.categories)),
                "low": bl.low if bl.low_text is None else float(bl.low_text),
                "high": bl.high if bl.high_text is None else float(bl.high_text),
                "count": c.count, **evidence_location(c.evidence)})
    for sd in st.stated_doses:
        out["stated_doses"].append({
            "article": aid, "drug": sd.drug, "written": sd.surface, "dose": sd.text, "value": sd.value,
            "value_high": sd.value_high, "unit": sd.unit, "per": sd.per, "daily_multiplier": sd.daily_multiplier,
            "high_dose": sd.high_dose, **evidence_location(sd.evidence)})
    for rp in st.row_percent_misfits:
        out["row_percent_misfits"].append({"article": aid, "count": rp.count, "row_total": rp.row_total,
                                           "percent": rp.percent.value, **evidence_location(rp.evidence)})
    for ip in st.impossible_p_values:
        out["impossible_p_values"].append({
            "article": aid, "context": ip.context, "printed": ip.printed, "value": ip.value, "operator": ip.operator,
            "where": ip.where, "valid_in_column": ip.valid_in_column, **evidence_location(ip.evidence)})
    for dr in st.diagnosis_rows:   # one row per study column of the diagnosis row
        for c in dr.counts:
            out["diagnosis_rows"].append({
                "article": aid, "group": dr.group, "diagnosis": dr.diagnosis, "family": " ⊂ ".join(dr.family),
                "count": c.count, **evidence_location(c.evidence)})
    if st.required_diagnosis is not None:
        rd = st.required_diagnosis
        out["required_diagnosis"].append({"article": aid, "diagnoses": "; ".join(rd.diagnoses),
                                          "mentioned": "; ".join(rd.mentioned), **evidence_location(rd.evidence)})


def tables(articles: Iterable[Any]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {k: [] for k in TABLE_NAMES}
    for a in articles:
        for k, rows in study_rows(a).items():
            out[k].extend(rows)
    return out


def frames(articles: Iterable[Any]) -> dict[str, Any]:
    """The tidy tables as pandas DataFrames with fixed columns."""
    import pandas as pd

    out = {}
    for name, rows in tables(articles).items():
        cols = COLUMNS[name]
        df = pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols)
        for c in cols:
            if c in _INTEGER or (name, c) in _INTEGER_IN:
                df[c] = pd.to_numeric(df[c], errors="coerce").round().astype("Int64")
            elif c in _NUMERIC:
                df[c] = pd.to_numeric(df[c], errors="coerce").astype("Float64")
            elif c in ("is_total", "not_estimable", "randomised", "low_ne", "high_ne"):
                df[c] = df[c].astype("boolean")
            else:
                df[c] = df[c].astype("string")
        out[name] = df
    return out


class TableFormatError(RuntimeError):
    """A table format cannot be written (unknown, or its library is missing)."""


FORMATS = {"csv": ".csv", "parquet": ".parquet", "xlsx": ".xlsx"}


def check_format(fmt: str) -> None:
    """Raise :class:`TableFormatError` with a clear message if ``fmt`` cannot be written here."""
    if fmt not in FORMATS:
        raise TableFormatError(f"unknown table format {fmt!r}; use one of: {', '.join(FORMATS)}")
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError as exc:
            raise TableFormatError("--table-format parquet needs pyarrow: pip install 'trialaudit[tables]' "
                                   f"(or pip install pyarrow) ({exc})") from exc
    if fmt == "xlsx":
        try:
            import openpyxl  # noqa: F401
        except ImportError as exc:
            raise TableFormatError("--table-format xlsx needs openpyxl: pip install 'trialaudit[tables]' "
                                   f"(or pip install openpyxl) ({exc})") from exc


def output_mode(path: Path) -> int:
    """The mode a written file should get: that of the file it replaces, else what the user's umask allows."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(path: Path, write) -> None:
    """Call ``write(tmp)`` on a temporary file next to ``path``, then move it over ``path``
    (``os.replace``); on any failure the temporary file is removed and ``path`` is untouched."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
    os.close(fd)
    try:
        write(Path(tmp))
        # mkstemp creates 0600; the result gets the mode of the file it replaces, else the user's umask
        os.chmod(tmp, output_mode(path))
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_tables(dfs: dict[str, Any], outdir: str | Path, fmt: str = "csv") -> list[Path]:
    """Write every table to ``outdir/<name>.<ext>`` (atomically); returns the paths written."""
    check_format(fmt)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in dfs.items():
        path = outdir / f"{name}{FORMATS[fmt]}"
        if fmt == "csv":
            write_atomic(path, lambda p, df=df: df.to_csv(p, index=False))
        elif fmt == "parquet":
            write_atomic(path, lambda p, df=df: df.to_parquet(p, index=False))
        else:
            def _xlsx(p: Path, df=df, name=name) -> None:
                clean = df.copy()
                for c in clean.columns:  # Excel cells cannot hold control characters
                    if str(clean[c].dtype) == "string":
                        clean[c] = clean[c].str.replace(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", " ", regex=True)
                with __import__("pandas").ExcelWriter(p, engine="openpyxl") as xw:
                    clean.to_excel(xw, sheet_name=name[:31], index=False)
            write_atomic(path, _xlsx)
        written.append(path)
    return written


__all__ = ["TABLE_NAMES", "COLUMNS", "study_rows", "tables", "frames", "write_tables", "check_format",
           "TableFormatError", "FORMATS", "location", "write_atomic"]
