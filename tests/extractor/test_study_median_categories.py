"""Study.median_categories: median rows followed by threshold categories of the same variable (read by TA108)."""
from __future__ import annotations

from trialaudit.extractor.study import extract_study
from trialaudit.extractor.text import parse_text

_TABLE = ("Table 1 | Baseline characteristics of patients\n\n| Variables | A group (n = 53) | B group (n = 28) |\n"
          "|---|---|---|\n| Age, years, median (range) | 15.5 (12–46) | 22.5 (12–52) |\n| <18 | 29 (54.7) | 15 (53.6) |\n"
          "| ≥18 | 24 (45.3) | 13 (46.4) |\n")


def test_the_median_its_bands_and_per_column_counts_and_n():
    st = extract_study(parse_text(f"# A trial\n\n## Results\n\n{_TABLE}\n", doc_id="t", source="t", fmt="markdown"))
    (mc,) = st.median_categories
    assert mc.median_row.startswith("Age") and [b.label for b in mc.bands] == ["<18", "≥18"]
    assert mc.bands[0].high == 18 and mc.bands[0].high_inclusive is False
    col = mc.columns[1]
    assert col.median.text == "22.5" and (col.range_low, col.range_high) == (12, 52)
    assert col.counts == [15, 13] and col.n == 28
    assert col.median_evidence.role == "median" and len(col.band_evidence) == 2
