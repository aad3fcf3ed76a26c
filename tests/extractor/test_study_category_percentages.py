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


def test_the_one_misprinted_cell_of_a_row_in_a_table_of_row_percentages_and_exported():
    from types import SimpleNamespace

    from trialaudit.extractor.export import study_rows
    table = ("Table 2 | Cycles\n\n| Characteristic | A (n=50) | B (n=50) | C (n=40) |\n|---|---|---|---|\n"
             "| <20 days | 5 (31.3) | 7 (43.8) | 4 (25.0) |\n| <25 days | 9 (49.2) | 7 (33.3) | 5 (23.8) |\n"
             "| <30 days | 14 (35.0) | 16 (40.0) | 10 (25.0) |\n| >30 days | 12 (48.0) | 8 (32.0) | 5 (20.0) |\n")
    st = extract_study(parse_text(f"# A trial\n\n## Results\n\n{table}\n", doc_id="t", source="t", fmt="markdown"))
    assert [(m.row, m.column, m.count, m.row_total, m.percent.text) for m in st.row_percent_misfits] == [
        ("<25 days", "A (n=50)", 9, 21, "49.2")]
    rows = study_rows(SimpleNamespace(id="t", source="t", status="ok", error=None, study=st))["row_percent_misfits"]
    assert rows[0]["row_total"] == 21
    # a table whose rows are not row percentages has none
    plain = table.replace("| <20 days | 5 (31.3) | 7 (43.8) | 4 (25.0) |", "| <20 days | 5 (10.0) | 7 (14.0) | 4 (10.0) |")
    plain = plain.replace("| <30 days | 14 (35.0) | 16 (40.0) | 10 (25.0) |", "| <30 days | 14 (28.0) | 16 (32.0) | 10 (25.0) |")
    st2 = extract_study(parse_text(f"# A trial\n\n## Results\n\n{plain}\n", doc_id="t", source="t", fmt="markdown"))
    assert st2.row_percent_misfits == []
