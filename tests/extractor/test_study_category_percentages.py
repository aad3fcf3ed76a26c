"""Study.category_percentages: the percentages printed for each set of categories, per column (read by TA105)."""
from __future__ import annotations

from trialaudit.extractor.study import extract_study
from trialaudit.extractor.text import parse_text

_TABLE = ("Table 1 | Baseline characteristics\n\n| Characteristic | A (n = 40) | B, % |\n|---|---|---|\n"
          "| Sex | | |\n| Male | 22 (55.0) | 48.5 |\n| Female | 18 (45.0) | 51.5 |\n")


def test_each_columns_percentages_with_counts_bare_percentages_and_the_sets_verdict():
    st = extract_study(parse_text(f"# A trial\n\n## Results\n\n{_TABLE}\n", doc_id="t", source="t", fmt="markdown"))
    got = {cp.column: cp for cp in st.category_percentages}
    a, b = got["A (n = 40)"], got["B, %"]
    assert [(p.text, p.with_count) for p in a.percents] == [("55.0", True), ("45.0", True)]
    assert [(p.text, p.with_count) for p in b.percents] == [("48.5", False), ("51.5", False)]
    assert a.labels == ["Male", "Female"] and a.exclusive and a.complete and a.n_known and not b.n_known
    assert a.orientation == "rows" and len(a.evidence) == 2 and a.evidence[0].role == "category"
