"""Effect estimates (HR/OR/RR) from regression tables and sentences."""
from __future__ import annotations

from trialaudit.extractor.study import extract_study
from trialaudit.extractor.text import parse_text

TEXT = """# A randomised trial of drug A plus B versus B alone

## Abstract

A total of 120 patients were randomized (60 in the A+B group and 60 in the B group). The median PFS was 8.1 months in the A+B group and 5.2 months in the B group (hazard ratio, 0.60; 95% CI: 0.37, 0.98; P = 0.0402).

## Methods

Assuming a median PFS of 5 months, detecting a HR of 0.45 with 80% power required 53 events.

## Results

Multivariate analysis identified tumour size (HR=1.256, P=0.038) and LDH level (HR=1.356, P=0.015) as prognostic factors for OS.

Table 4. Multivariate Cox regression analysis of overall survival

| Variables | HR | 95% CI | P value |
|---|---|---|---|
| Treatment (A+B vs. B) | 0.632 | 0.456-0.879 | 0.006 |
| Age | 1.018 | 0.985-1.052 | 0.317 |

Table 5. Logistic regression for response

| Variable | OR (95% CI) | P |
|---|---|---|
| Female sex | 2.10 (1.05–4.20) | 0.036 |
"""


def test_effects_from_table_and_text():
    st = extract_study(parse_text(TEXT, doc_id="t", source="t", fmt="markdown"))
    eff = {(e.ratio_type, e.estimate.value): e for e in st.effects}
    t = eff[("HR", 0.632)]
    assert (t.low.value, t.high.value, t.p.value) == (0.456, 0.879, 0.006)
    assert t.comparison.startswith("Treatment") and t.endpoint == "OS"
    assert t.provenance.table == "Table 4" and t.provenance.method == "table-cell"
    o = eff[("OR", 2.1)]
    assert (o.low.value, o.high.value, o.p.value) == (1.05, 4.2, 0.036)
    s = eff[("HR", 0.6)]
    assert (s.low.value, s.high.value, s.p.value) == (0.37, 0.98, 0.0402)
    assert s.endpoint == "PFS" and s.comparison == "A+B group vs B group"
    v = eff[("HR", 1.256)]
    assert v.p.value == 0.038 and v.comparison == "tumour size"
    # a power-calculation HR is not a result
    assert ("HR", 0.45) not in eff
    # the p values of the table become tests named after the model
    cox = [x for x in st.tests if x.provenance.table == "Table 4"]
    assert {x.p.value for x in cox} == {0.006, 0.317} and {x.test for x in cox} == {"cox"}


def test_a_ratio_estimates_p_declared_one_sided():
    from trialaudit.extractor.study import extract_study
    from trialaudit.extractor.text import parse_text
    doc = parse_text("# T\n\n## Results\n\nRemission was likelier (OR 2.07; 80% CI 1.11, 3.88; exact one-sided P = 0.068). "
                     "Death was not (HR 0.90; 95% CI 0.70 to 1.16; P = 0.41).\n", doc_id="t", source="t", fmt="markdown")
    got = [(r.estimate.text, r.p.text if r.p else None, r.p_one_sided) for r in extract_study(doc).ratio_estimates]
    assert ("2.07", "0.068", True) in got and ("0.90", "0.41", False) in got
