"""Study.table_tests and Study.named_tests: the printed tests the statistical rules (TA201-TA203, TA210) recompute."""
from __future__ import annotations

from trialaudit.extractor.study import extract_study
from trialaudit.extractor.study import named_tests
from trialaudit.extractor.study import table_tests as readers
from trialaudit.extractor.text import parse_text

TEXT = """# A randomised trial of drug A versus drug B

## Methods

Categorical variables were compared with the chi-square test; continuous variables (mean, SD) with Student's t test.

## Results

Table 1. Baseline characteristics (Fisher's exact test where expected counts were below 5)

| Characteristic | Drug A (n = 50) | Drug B (n = 50) | χ² | P value |
|---|---|---|---|---|
| Sex | | | 0.040 | 0.841 |
| Male | 30 (60.0) | 29 (58.0) | | |
| Female | 20 (40.0) | 21 (42.0) | | |
| Age, years, mean ± SD | 61.2 ± 8.1 | 59.8 ± 9.0 | | 0.414 |
"""


def _study():
    return extract_study(parse_text(TEXT, doc_id="t", source="t", fmt="markdown"))


def test_a_heading_block_is_one_test_with_its_count_tables():
    tests = _study().table_tests
    sex = next(t for t in tests if t.label == "Sex")
    assert sex.statistic is not None and sex.statistic.value.value == 0.040 and sex.stat_kind == "chi2"
    assert sex.p is not None and sex.p.value.value == 0.841 and sex.p.operator == "="
    assert [a.n for a in sex.arms] == [50, 50] and all(a.n_evidence is not None for a in sex.arms)
    assert sex.count_tables[0].counts == [[30, 20], [29, 21]]
    assert sex.rows == [1, 2] and sex.table_label == "Table 1" and sex.orientation == "columns"
    assert sex.named_tests == ["fisher"]   # the caption names Fisher; a bare χ² column names no test


def test_a_means_row_is_a_t_test_reading():
    age = next(t for t in _study().table_tests if t.label.startswith("Age"))
    assert age.means is not None and [(m.value, s.value) for m, s in age.means] == [(61.2, 8.1), (59.8, 9.0)]
    assert len(age.mean_evidence) == 2 and not age.count_tables


def test_tests_named_in_the_methods_by_kind_of_data():
    named = _study().named_tests
    assert named.categorical == ["chi2"] and named.continuous == ["student"]
    assert named.categorical_quote and "chi-square" in named.categorical_quote


def test_cell_readers():
    assert readers.printed_p_cell("<0.001")[1] == "<" and readers.printed_p_cell("0.046")[0].value == 0.046
    assert readers.printed_p_cell("n.s.") is None
    assert readers.stat_cell("7.982").value == 7.982
    m, s = readers.mean_sd_cell("38.6 (4.9)", "Age, mean (SD)")
    assert (m.value, s.value) == (38.6, 4.9)
    assert named_tests.tests_named_in("Mann-Whitney U test and Fisher's exact test") == {"mann-whitney", "fisher"}


def test_table_tests_are_a_tidy_table():
    from types import SimpleNamespace

    from trialaudit.extractor.export import study_rows

    rows = study_rows(SimpleNamespace(id="t", source="t", status="ok", error=None, study=_study()))["table_tests"]
    sex = next(r for r in rows if r["label"] == "Sex")
    assert sex["statistic_kind"] == "chi2" and sex["p"] == 0.841 and sex["arm_n"] == "50; 50"
    assert sex["first_count_table"] and sex["quote"] == "0.841"


def test_statistic_column_label_with_inline_markup():
    from trialaudit.extractor.study.stat_labels import stat_kind_of_label
    assert stat_kind_of_label("X<sup>2</sup>/t") == "mixed"
    assert stat_kind_of_label("χ^2^") == "chi2"
    assert stat_kind_of_label("T stage") is None


def test_superscript_two_after_x_is_chi_squared_not_a_marker():
    from trialaudit.extractor.normalize import normalize_inline
    from trialaudit.extractor.tracked import Tracked
    assert normalize_inline(Tracked.from_source("X<sup>2</sup>/t", 0), in_table=True).tracked.text == "X²/t"
    assert normalize_inline(Tracked.from_source("BOX<sup>2</sup>", 0), in_table=True).tracked.text == "BOX"


def test_a_group_named_with_p_and_a_number_is_not_a_p_column():
    from trialaudit.extractor.study.stat_labels import is_p_label
    # unseen sample: "Group P1.5 (n = 47)" (propofol 1.5) and "Group (P) (n = 30)" (placebo) are groups
    assert not is_p_label("Group P1.5 (n = 47)") and not is_p_label("Group (P) (n = 30)") and not is_p_label("P1")
    assert is_p_label("P value") and is_p_label("P*") and is_p_label("Intergroup P") and is_p_label("Sig.")


def test_a_lower_header_level_naming_the_statistic_keeps_the_arm_columns():
    from trialaudit.extractor.study import extract_study
    from trialaudit.extractor.text import parse_text
    text = ("# T\n\n## Results\n\nTable 1 Baseline\n\n| Variables | Drug group (n=28) | Placebo group (n=28) | P value |\n"
            "|  | Mean±SD | Mean±SD |  |\n|---|---|---|---|\n| Age (year) | 56.4±5.47 | 51.92±4.31 | 0.44 |\n")
    st = extract_study(parse_text(text, doc_id="t", source="t", fmt="markdown"))
    [tt] = [t for t in st.table_tests if "Age" in t.where]
    assert tt.means and [a.n for a in tt.arms] == [28, 28]


BLOCKS = """# A randomised trial of drug A versus drug B

## Methods

Continuous outcomes were analysed with a two-way ANOVA with treatment and centre as fixed effects.

## Results

Table 1. Baseline characteristics

| Characteristic | Drug A (N = 24) | Drug B (N = 22) | P |
|---|---|---|---|
| Employment | | | |
| Employed, no. (%) | 5 (20.8) | 9 (40.9) | 0.334 |
| Retired, no. (%) | 12 (50.0) | 8 (36.4) | |
| Unemployed, no. (%) | 7 (29.2) | 5 (22.7) | |
| Grade | | | |
| 1 | - | 2 (9.1) | |
| 2 | 10 (41.7) | 9 (40.9) | |
| 3 | 14 (58.3) | 11 (50.0) | 0.41 |
"""


def _blocks():
    return extract_study(parse_text(BLOCKS, doc_id="b", source="b", fmt="markdown"))


def test_suffixed_categories_under_one_heading_are_one_block():
    st = _blocks()
    emp = next(t for t in st.table_tests if t.label == "Employment")
    assert len(emp.rows) == 3 and emp.count_tables[0].counts == [[5, 12, 7], [9, 8, 5]]


def test_a_bottom_p_of_complete_categories_reads_the_block_and_its_row():
    grade = next(t for t in _blocks().table_tests if t.label == "Grade")
    counts = [c.counts for c in grade.count_tables]
    assert [[0, 10, 14], [2, 9, 11]] in counts          # '-' beside counts is 0
    assert [[14, 10], [11, 11]] in counts                # the P's own row against the rest


def test_adjusted_models_named_for_continuous_data():
    named = _blocks().named_tests
    assert named.continuous_models == ["multi-way-anova"] and named.continuous == []
    assert named_tests.continuous_models_named(parse_text(
        "# T\n\n## Methods\n\nOdds ratios came from a logistic regression adjusted for age.\n", doc_id="x", source="x",
        fmt="markdown"))[0] == []


def _md(text: str):
    return parse_text("# T\n\n" + text, doc_id="x", source="x", fmt="markdown")


def test_exact_tests_other_than_fishers_are_named():
    doc = _md("## Statistical analysis\n\nGrades were compared with the exact linear-by-linear association test.\n")
    assert named_tests.exact_tests_named(doc)[0] == ["exact"]
    assert extract_study(doc).named_tests.exact_tests == ["exact"]
    doc = _md("## Statistical analysis\n\nRates were compared with a permutation test.\n")
    assert named_tests.exact_tests_named(doc)[0] == ["permutation"]
    doc = _md("## Statistical analysis\n\nProportions were compared with Fisher's exact test and exact 95% "
              "confidence intervals were computed.\n")
    assert named_tests.exact_tests_named(doc)[0] == []


def test_bootstrap_intervals_declared():
    doc = _md("## Statistical analysis\n\nWe report percentile bootstrap confidence intervals with 1000 "
              "replications.\n")
    assert extract_study(doc).named_tests.bootstrap_intervals
    doc = _md("## Statistical analysis\n\n95% CIs were obtained by bootstrapping the patients.\n")
    assert named_tests.bootstrap_intervals_declared(doc)[0]
    doc = _md("## Statistical analysis\n\nThe bootstrap SE of the indirect effect is given.\n")
    assert not named_tests.bootstrap_intervals_declared(doc)[0]


def test_groups_as_rows_with_the_tests_as_rows_below_one_test_per_column():
    text = ("# A trial\n\n## Results\n\nTable 2. Outcomes\n\n"
            "| Group | Case | Score | Abnormal (cases (%)) |\n| --- | --- | --- | --- |\n"
            "| Control group | 24 | 35.8±2.5 | 9 (37.5) |\n| Treatment group | 24 | 37.2±2.3 | 3 (12.5) |\n"
            "| t/χ² |  | 2.018 | 4.000 |\n| P |  | 0.049 | 0.046 |\n")
    tests = extract_study(parse_text(text, doc_id="t", source="t", fmt="markdown")).table_tests
    score = next(t for t in tests if t.label == "Score")
    assert score.orientation == "rows" and [a.n for a in score.arms] == [24, 24]
    assert [(m.value, s.value) for m, s in score.means] == [(35.8, 2.5), (37.2, 2.3)]
    assert score.statistic.value.value == 2.018 and score.stat_kind == "t" and score.p.value.value == 0.049
    abnormal = next(t for t in tests if t.label.startswith("Abnormal"))
    assert abnormal.count_tables[0].counts == [[9, 15], [3, 21]] and abnormal.stat_kind == "chi2"


def test_rank_tests_and_adjusted_comparisons_are_facts():
    text = ("# A trial\n\n## Methods\n\nSkewed variables were compared with the Mann-Whitney U test.\n\n## Results\n\n"
            "Table 2. Outcomes adjusted for age and sex\n\n| Outcome | Drug A (n = 30) | Drug B (n = 30) | P |\n"
            "|---|---|---|---|\n| Score | 12.1 ± 3.0 | 10.2 ± 3.1 | 0.02 |\n")
    st = extract_study(parse_text(text, doc_id="t", source="t", fmt="markdown"))
    assert st.named_tests.rank_tests and "Mann-Whitney" in st.named_tests.rank_tests_quote
    score = next(t for t in st.table_tests if t.label == "Score")
    assert score.adjusted and not score.rank_test_named
    assert not _study().named_tests.rank_tests


def test_declared_significance_levels():
    text = ("# A trial\n\n## Methods\n\nData were analysed with the t-test (significance level P<0.01).\n\n"
            "## Results\n\nNo result.\n")
    st = extract_study(parse_text(text, doc_id="t", source="t", fmt="markdown"))
    assert st.named_tests.alpha_levels == [0.01] and "P<0.01" in st.named_tests.alpha_quote
    assert _study().named_tests.alpha_levels == []


def test_a_header_cell_naming_both_chi_and_t_is_a_mixed_statistic_column():
    from trialaudit.extractor.study.stat_labels import stat_kind_of_label
    assert stat_kind_of_label("Chi / T-test") == "mixed"
    assert stat_kind_of_label("t / χ²") == "mixed"
    assert stat_kind_of_label("Test statistic / t") == "t"     # an upper level naming no test keeps the lower one's
    assert stat_kind_of_label("Week 12 / χ²") == "chi2"


def test_a_column_headed_statistics_alone_is_a_statistic_column():
    from trialaudit.extractor.study.stat_labels import stat_kind_of_label
    assert stat_kind_of_label("statistics") == "unknown" and stat_kind_of_label("Test statistics") == "unknown"
    assert stat_kind_of_label("Descriptive statistics") is None


def test_a_statistic_cell_names_its_own_test_under_a_generic_column():
    from trialaudit.extractor.study.table_tests import _statistic
    from trialaudit.schemas.findings import Evidence
    from trialaudit.schemas.quantities import Num
    ev = Evidence(quote="Z=1.64")
    num = Num(value=1.64, text="1.64", decimals=2)
    assert _statistic(num, "unknown", ev, "Z=1.64").kind == "z"
    assert _statistic(num, "mixed", ev, "χ²=1.64").kind == "chi2"
    assert _statistic(num, "t", ev, "χ²=1.64").kind == "t"          # a column naming one test keeps it
    assert _statistic(num, "unknown", ev, "1.64").kind == "unknown"


def test_a_statistic_centred_on_a_headings_categories_is_a_test_without_counts():
    from trialaudit.extractor.study import extract_study
    from trialaudit.extractor.text import parse_text
    doc = parse_text("# T\n\n## Results\n\nTable 1 | Characteristics\n\n| Characteristic | A (n=103) | B (n=98) | statistics | p |\n"
                     "|---|---|---|---|---|\n| Marital status, n (%) | | | | |\n| married | 55 (53.4%) | 50 (51.0%) | | |\n"
                     "| single | 41 (39.8%) | 43 (43.9%) | χ²=0.96 | 0.591 |\n| other | 7 (6.8%) | 5 (5.1%) | | |\n",
                     doc_id="t", source="t", fmt="markdown")
    tt = [t for t in extract_study(doc).table_tests if t.statistic is not None]
    assert [(t.statistic.kind, t.statistic.value.text, t.p.value.text, t.count_tables) for t in tt] == [
        ("chi2", "0.96", "0.591", [])]


def test_a_missing_row_gives_a_reading_without_it():
    from trialaudit.extractor.study import extract_study
    from trialaudit.extractor.text import parse_text
    doc = parse_text("# T\n\n## Results\n\nTable 1 | Baseline\n\n| Characteristic | A (n = 35) | B (n = 35) | P |\n"
                     "|---|---|---|---|\n| Sensitisation, n (%) | | | 0.038 |\n| Negative | 20 (57.1) | 12 (34.3) | |\n"
                     "| Positive | 10 (28.6) | 18 (51.4) | |\n| Missing | 5 (14.3) | 5 (14.3) | |\n",
                     doc_id="t", source="t", fmt="markdown")
    (tt,) = [t for t in extract_study(doc).table_tests if t.p is not None]
    tables = [c.counts for c in tt.count_tables]
    assert [[20, 10, 5], [12, 18, 5]] in tables and [[20, 10], [12, 18]] in tables


def test_suffixed_categories_join_a_body_heading_row_that_carries_the_p():
    from trialaudit.extractor.study import extract_study
    from trialaudit.extractor.text import parse_text
    doc = parse_text("# T\n\n## Results\n\nTable 1 | Baseline\n\n| Characteristic | A (n = 35) | B (n = 35) | P |\n"
                     "|---|---|---|---|\n| Allergy | | | |\n| Sensitisation | | | 0.038 |\n| Negative, n (%) | 20 (57.1) | 12 (34.3) | |\n"
                     "| Positive, n (%) | 10 (28.6) | 18 (51.4) | |\n| Missing, n (%) | 5 (14.3) | 5 (14.3) | |\n",
                     doc_id="t", source="t", fmt="markdown")
    (tt,) = [t for t in extract_study(doc).table_tests if t.p is not None]
    assert len(tt.rows) == 3 and [[20, 10], [12, 18]] in [c.counts for c in tt.count_tables]
