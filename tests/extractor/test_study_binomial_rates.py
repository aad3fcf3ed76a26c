"""Study.binomial_rates and Study.ci_methods: proportions printed with their CI, count and n (TA207)."""
from __future__ import annotations

from types import SimpleNamespace

from trialaudit.extractor.export import study_rows
from trialaudit.extractor.study import extract_study
from trialaudit.extractor.text import parse_text

TEXT = """# A single-arm trial of drug A

## Methods

Fifty-three patients were enrolled. Confidence intervals of response rates were estimated using the Clopper-Pearson method.

## Results

Table 2. Response

| Response | Drug A (n = 53) |
|---|---|
| Objective response rate, n (%) | 17 (32.1) |
| 95% CI | (19.9, 46.3) |
| Progression-free survival rate, % (95% CI) | 40.0 (27.0, 53.0) |

Among the 47 evaluable patients, the ORR was 36.2% (95% CI 22.7–51.5). Disease control was seen in 30/53 (95% CI 42.3–70.1).
"""


def _study():
    return extract_study(parse_text(TEXT, doc_id="t", source="t", fmt="markdown"))


def test_rates_with_their_ci_count_and_denominator():
    st = _study()
    got = {(r.k, r.n, r.low.text, r.high.text, r.n_source) for r in st.binomial_rates}
    assert (17, 53, "19.9", "46.3", "column header") in got           # a count over a "95% CI" row
    assert (30, 53, "42.3", "70.1", "the printed n/N") in got         # "30/53 (95% CI ...)"
    assert (17, 47, "22.7", "51.5", "the population stated in the sentence") in got
    assert not any("survival" in r.where for r in st.binomial_rates)  # Kaplan-Meier rates are not binomial
    assert all(r.evidence and r.scale == 100 for r in st.binomial_rates)


def test_the_methods_name_the_interval_method_and_the_rates_are_exported():
    st = _study()
    assert st.ci_methods == ["Clopper-Pearson"] and "Clopper-Pearson" in (st.ci_methods_quote or "")
    rows = study_rows(SimpleNamespace(id="t", source="t", status="ok", error=None, study=st))["binomial_rates"]
    assert {(r["count"], r["n"]) for r in rows} >= {(17, 53), (30, 53)}
    assert all(r["ci_methods"] == "Clopper-Pearson" and r["line"] for r in rows)
