"""Statistical tests: names, statistics, df and p from tables, sentences and methods."""
from __future__ import annotations

from trialaudit.extractor.study import extract_study
from trialaudit.extractor.study.stat_tests import test_names_in as names_in
from trialaudit.extractor.text import parse_text

TEXT = """# A trial of drug A plus B versus B

## Abstract

A total of 95 patients were included (55 in the A+B group and 40 in the B group). The median PFS was longer in the A+B group (P<0.01).

## Methods

Continuous variables were compared using Student's t-test or the Mann–Whitney U test, categorical variables using the chi-square test or Fisher's exact test, and survival with the log-rank test. A P value < 0.05 was considered statistically significant.

## Results

Calibration analysis showed good agreement ( χ² =8.23, P=0.32, df=8).

Table 9. Internal validation metrics

| Validation metric | Value/Result |
|---|---|
| Calibration curve (Hosmer-Lemeshow Test) | χ² =8.23, P =0.32 (degrees of freedom =8) |
"""


def test_names():
    assert names_in("compared with the log-rank test and Cox regression") == ["log-rank", "cox"]
    assert names_in("χ² (Fisher)") == ["fisher"]
    assert names_in("Mann-Whitney U-test") == ["mann-whitney"]
    assert names_in("χ² = 4.1") == []     # a statistic, not a named test


def test_tests_from_text_table_and_methods():
    st = extract_study(parse_text(TEXT, doc_id="t", source="t", fmt="markdown"))
    valued = [t for t in st.tests if t.p is not None or t.stat_value is not None]
    sent = [t for t in valued if t.provenance.method == "sentence-pattern"]
    assert any(t.p.value == 0.01 and t.p_operator == "<" and t.compares == "PFS" for t in sent)
    cal = [t for t in sent if t.stat_value is not None]
    assert cal and (cal[0].statistic, cal[0].stat_value.value, cal[0].df, cal[0].p.value) == ("chi2", 8.23, 8.0, 0.32)
    cell = [t for t in valued if t.provenance.table == "Table 9"]
    assert cell and cell[0].test == "hosmer-lemeshow" and cell[0].df == 8.0
    # the significance threshold is not a test
    assert not any(t.p is not None and t.p.value == 0.05 for t in st.tests)
    names = {t.test for t in st.tests if t.test}
    assert {"t-test", "mann-whitney", "chi-square", "fisher", "log-rank", "hosmer-lemeshow"} <= names
