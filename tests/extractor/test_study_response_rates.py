"""Study.response_counts, Study.reported_rates and Study.sentence_responses: what TA103 rebuilds rates from."""
from __future__ import annotations

from types import SimpleNamespace

from trialaudit.extractor.export import study_rows
from trialaudit.extractor.study import extract_study
from trialaudit.extractor.text import parse_text

TEXT = """# A randomised trial of drug A versus drug B

## Methods

Patients were randomised to Drug A (n = 55) or Drug B (n = 50).

## Results

Table 3. Tumour response

| Response | Drug A (n = 55) | Drug B (n = 50) |
|---|---|---|
| CR | 1 (1.8) | 0 (0.0) |
| PR | 12 (21.8) | 8 (16.0) |
| SD | 14 (25.5) | 15 (30.0) |
| PD | 28 (50.9) | 27 (54.0) |
| ORR | 13 (23.6) | 8 (16.0) |
| DCR (SD ≥ 6 months) | 20 (36.4) | 18 (36.0) |

The ORR and DCR in the Drug A group were 23.63% and 52.73%.
"""

SINGLE = """# A single-arm trial

## Results

Among the 47 evaluable patients, 3 (6.4%) achieved a complete response and 14 (29.8%) a partial response, for an ORR of 38.3%.
"""


def _study(text):
    return extract_study(parse_text(text, doc_id="t", source="t", fmt="markdown"))


def test_categories_per_arm_and_the_rates_printed_for_arms():
    st = _study(TEXT)
    by_n = {rc.n: rc for rc in st.response_counts}
    assert by_n[55].counts == {"CR": 1, "PR": 12, "SD": 14, "PD": 28} and by_n[55].n_source == "column header"
    assert set(by_n[55].evidence) == {"CR", "PR", "SD", "PD"}
    rates = {(r.measure, r.count, r.percent.text if r.percent else None) for r in st.reported_rates}
    assert ("ORR", 13, "23.6") in rates and ("ORR", 8, "16.0") in rates
    assert not any(r.measure == "DCR" and r.where.startswith("Table") for r in st.reported_rates)  # durable SD
    assert ("DCR", None, "52.73") in rates                                      # the sentence's DCR of Drug A


def test_a_sentence_with_its_categories_and_rate_and_the_tidy_table():
    st = _study(SINGLE)
    (sr,) = st.sentence_responses
    assert sr.measure == "ORR" and sr.counts == {"CR": 3, "PR": 14} and sr.n == 47 and sr.percent.text == "38.3"
    rows = study_rows(SimpleNamespace(id="t", source="t", status="ok", error=None, study=_study(TEXT)))
    kinds = {r["kind"] for r in rows["response_rates"]}
    assert kinds == {"category", "rate"} and all(r["line"] for r in rows["response_rates"])
