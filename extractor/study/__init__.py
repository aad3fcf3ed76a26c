"""From a Document to a validated :class:`~schemas.study.Study`.

Every extractor below is general (no article-specific rules) and every value it returns
carries a :class:`~schemas.provenance.Provenance`.
"""
from __future__ import annotations

from trialaudit.extractor.memo import parse_once
from trialaudit.extractor.quantities import decimal_comma_article, uses_decimal_comma
from trialaudit.extractor.budget import BudgetExceeded, time_limit
from trialaudit.schemas.document import Document
from trialaudit.schemas.study import SampleSize, Study

from .adverse import extract_adverse_events
from .arms import extract_arms
from .baseline import extract_baseline
from .denominators import extract_denominators
from .design import extract_design
from .effects import extract_effects
from .outcomes import extract_outcomes
from .population import extract_population_sizes, extract_stated_populations
from .references import extract_citations, extract_references
from .ratios import extract_ratio_estimates
from .regimens import dose_finding_wording, extract_regimen_mentions, regimen_arms, trial_dose_passages
from .reported import extract_reported_values
from .sample_sizes import extract_sample_sizes, infer_total
from .sections import section_repairs
from .named_tests import extract_named_tests
from .table_tests import extract_table_tests
from .text_tests import extract_text_tests
from .text_means import extract_text_means
from .patient_fractions import extract_patient_fractions
from .categories import category_set_facts
from .conventions import range_order_declarations
from .table_intervals import extract_table_intervals
from .text_intervals import extract_text_intervals
from .survival import extract_survival_landmarks
from .binomial_rates import declared_ci_methods, extract_binomial_rates
from .response_rates import extract_response_rates
from .text_percentages import extract_text_percentages
from .table_means import extract_table_means
from .doses import extract_stated_doses
from .p_range import extract_impossible_p_values
from .response_criteria import extract_criteria_citations, extract_response_definitions
from .baseline_limits import extract_baseline_limit_rows
from .text_statistics import extract_cell_statistics, extract_row_statistics, extract_text_statistics
from .claims import extract_significance_claims
from .eligibility import extract_eligibility, extract_stated_age_ranges
from .median_categories import extract_median_categories
from .category_percentages import extract_category_percentages, extract_row_percent_misfits
from .category_counts import (extract_category_columns_rows, extract_category_rows_columns, extract_slash_pairs,
                              extract_total_column_rows)
from .diagnoses import extract_diagnosis_rows, extract_required_diagnosis
from .stat_tests import merge_tests, tests_from_cells, tests_from_sentences, tests_named_in_methods

from .dates import extract_dates
from .endpoints import extract_endpoints
from .registry import extract_registry, find_acronym, registry_id_mentions, several_trials
from .trial_name import extract_trial_name_mentions


def _dedupe_sizes(sizes: list[SampleSize]) -> list[SampleSize]:
    seen: set[tuple] = set()
    out: list[SampleSize] = []
    for x in sizes:
        key = (x.value, x.kind, x.provenance.span.char_start, x.provenance.span.char_end)
        if key not in seen:
            seen.add(key)
            out.append(x)
    return out


#: default time for extracting one article's facts (seconds); see :func:`extract_study`
EXTRACT_TIME_BUDGET_S = 120.0


class ExtractionTimeout(Exception):
    """Extraction of one article ran out of its time budget; the message is meant for the user."""


def extract_study(doc: Document, *, time_budget_s: float = EXTRACT_TIME_BUDGET_S) -> Study:
    """Extract every study fact the checks and exporters need.

    Raises :class:`ExtractionTimeout` ("timed out during extraction after N s")
    when it takes longer than ``time_budget_s`` (interrupted by a timer in the
    main thread; elsewhere the budget is not enforced).
    """
    try:
        with time_limit(time_budget_s):
            # the extractors read the same sentences and cells: scan each once
            with parse_once(), decimal_comma_article(uses_decimal_comma(doc.text)):
                return _extract_study(doc)
    except BudgetExceeded:
        raise ExtractionTimeout(f"timed out during extraction after {time_budget_s:g} s "
                                f"({len(doc.text)} characters)") from None


def _extract_study(doc: Document) -> Study:
    arms, total_n = extract_arms(doc)
    sizes = extract_sample_sizes(doc)
    header_sizes = [s for a in arms for s in a.sizes if s.provenance.method == "table-cell"]
    study = Study(id=doc.id, title=doc.title, arms=arms)
    study.sample_sizes = _dedupe_sizes(sizes + header_sizes)
    study.design = extract_design(doc)
    study.total_n = total_n if total_n is not None else infer_total(arms, sizes, comparative=study.design.randomised)
    study.regimens = extract_regimen_mentions(doc, arms)

    study.outcomes, outcome_tests = extract_outcomes(doc, arms, study.total_n)
    study.effects, effect_tests = extract_effects(doc, arms)
    study.adverse_events, ae_tests = extract_adverse_events(doc, arms)
    study.baseline, baseline_tests = extract_baseline(doc, arms)
    table_tests = outcome_tests + effect_tests + ae_tests + baseline_tests
    cell_tests = [x for t in doc.tables for x in tests_from_cells(doc, t)
                  if not any(y.provenance.table == t.label and y.provenance.span == x.provenance.span
                             for y in table_tests)]
    study.tests = merge_tests([baseline_tests, outcome_tests, ae_tests, effect_tests, cell_tests,
                               tests_from_sentences(doc), tests_named_in_methods(doc)])
    study.denominators = extract_denominators(doc, arms)
    study.references = extract_references(doc)
    study.citations = extract_citations(doc)
    study.section_repairs = section_repairs(doc)
    study.reported_values = extract_reported_values(doc, arms, study.total_n)
    study.ratio_estimates = extract_ratio_estimates(doc, arms)

    study.endpoints = extract_endpoints(doc)
    ids, mentions, acronym = extract_registry(doc)
    study.registry_ids, study.registry_mentions, study.acronym = list(ids), list(mentions), acronym
    study.registry_id_mentions = registry_id_mentions(doc)
    study.several_trials = several_trials(doc)
    study.acronym_provenance = find_acronym(doc)[1] if acronym else None
    study.trial_name_mentions = extract_trial_name_mentions(doc, acronym)
    d = study.dates = extract_dates(doc)
    study.enrolment_start, study.enrolment_end, study.data_cutoff = d.enrolment_start, d.enrolment_end, d.data_cutoff
    study.median_follow_up, study.planned_sample_size = d.median_follow_up, d.planned_sample_size
    # last: reads the arms as the other extractors leave them
    study.population_sizes = extract_population_sizes(doc, arms, study.total_n)
    study.stated_populations = extract_stated_populations(doc)
    study.table_tests = extract_table_tests(doc, arms)
    study.text_tests = extract_text_tests(doc, arms)
    study.text_means = extract_text_means(doc, arms, study.total_n)
    study.patient_fractions = extract_patient_fractions(doc, study.section_repairs)
    study.category_sets = category_set_facts(doc)
    study.range_order_declarations = range_order_declarations(doc)
    study.text_intervals = extract_text_intervals(doc)
    study.table_intervals = extract_table_intervals(doc)
    study.text_statistics = extract_text_statistics(doc)
    study.cell_statistics = extract_cell_statistics(doc) + extract_row_statistics(doc)
    study.significance_claims = extract_significance_claims(doc)
    study.eligibility = extract_eligibility(doc, study.section_repairs)
    study.stated_age_ranges = extract_stated_age_ranges(doc, study.section_repairs)
    study.required_diagnosis = extract_required_diagnosis(doc, study.section_repairs)
    study.named_tests = extract_named_tests(doc)
    study.survival_landmarks = extract_survival_landmarks(doc)
    study.binomial_rates = extract_binomial_rates(doc, study.arms, study.total_n, study.stated_populations)
    study.ci_methods, study.ci_methods_quote = declared_ci_methods(doc)
    study.response_counts, study.reported_rates, study.sentence_responses = extract_response_rates(
        doc, study.arms, study.total_n, study.stated_populations)
    study.text_percentages = extract_text_percentages(doc, study.stated_populations)
    study.table_means = extract_table_means(doc, study.arms)
    study.stated_doses = extract_stated_doses(doc)
    study.impossible_p_values = extract_impossible_p_values(doc, study.section_repairs)
    study.criteria_citations = extract_criteria_citations(doc)
    study.response_definitions = extract_response_definitions(doc)
    study.baseline_limit_rows = extract_baseline_limit_rows(doc, study.population_sizes.study_columns)
    study.diagnosis_rows = extract_diagnosis_rows(doc, study.population_sizes.study_columns)
    study.median_categories = extract_median_categories(doc, study.arms)
    study.category_percentages = extract_category_percentages(doc, study.arms)
    study.row_percent_misfits = extract_row_percent_misfits(doc)
    study.total_column_rows = extract_total_column_rows(doc, study.arms)
    study.slash_pairs = extract_slash_pairs(doc, study.arms)
    study.category_rows_columns = extract_category_rows_columns(doc, study.arms)
    study.category_columns_rows = extract_category_columns_rows(doc, study.arms)
    reg_arms = regimen_arms(doc, study.arms, study.population_sizes)
    study.regimen_arms = None if reg_arms is None else [a.id for a in reg_arms]
    study.dose_passages = [] if reg_arms is None else trial_dose_passages(doc, reg_arms, study.section_repairs)
    study.dose_finding_wording = dose_finding_wording(doc)
    return study


__all__ = ["extract_study"]
