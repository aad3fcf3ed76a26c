"""Study.total_column_rows and Study.slash_pairs: counts that must add up (read by TA102)."""
from __future__ import annotations

from trialaudit.extractor.study import extract_study
from trialaudit.extractor.text import parse_text

_ARTICLE = ("# A trial\n\n## Methods\n\nPatients were randomised to the A group (n = 30) or the B group (n = 30).\n\n"
            "## Results\n\nTable 1 | Baseline\n\n| Variable | A group (n = 30) | B group (n = 30) | Total (n = 60) |\n"
            "|---|---|---|---|\n| Sex (Male/Female) | 16/14 | 15/15 | 31/29 |\n| Smokers, n (%) | 10 (33.3) | 8 (26.7) | 19 (31.7) |\n"
            "| Age, mean (SD) | 50 (10) | 51 (9) | 50 (10) |\n")


def test_total_column_rows_and_slash_pairs_with_their_n():
    st = extract_study(parse_text(_ARTICLE, doc_id="t", source="t", fmt="markdown"))
    rows = [(r.row, r.total, r.parts) for r in st.total_column_rows]
    assert ("Smokers, n (%)", 19, [10, 8]) in rows and not [r for r in rows if r[0].startswith("Age")]
    pairs = {(p.column, tuple(p.counts), p.n.n) for p in st.slash_pairs}
    assert ("A group (n = 30)", (16, 14), 30) in pairs
    assert all(p.labels == ["Male", "Female"] and not p.percentages for p in st.slash_pairs)


def test_rows_of_a_table_whose_response_categories_are_columns():
    art = ("# A trial\n\n## Methods\n\nPatients were randomised to the A group (n = 55) or the B group (n = 40).\n\n"
           "## Results\n\nTable 2 | Best response\n\n| Group | CR | PR | SD | PD |\n|---|---|---|---|---|\n"
           "| A group | 1 | 12 | 14 | 26 |\n| B group | 0 | 4 | 10 | 26 |\n")
    st = extract_study(parse_text(art, doc_id="t", source="t", fmt="markdown"))
    got = [(r.row, r.counts, r.n.n) for r in st.category_columns_rows]
    assert ("B group", [0, 4, 10, 26], 40) in got
    assert st.category_columns_rows[0].labels == ["CR", "PR", "SD", "PD"]


def test_runs_of_category_rows_per_column_with_counts_percentages_and_n():
    art = ("# A trial\n\n## Methods\n\nPatients were randomised to the A group (n = 30) or the B group (n = 30).\n\n"
           "## Results\n\nTable 1 | Baseline\n\n| Variable | A group (n = 30) | B group (n = 30) |\n|---|---|---|\n"
           "| Smokers, n (%) | 10 (33.3) | 8 (26.7) |\n"
           "| Sex, n (%) | | |\n| Male | 16 (53.3) | 15 (50.0) |\n| Female | 13 (43.3) | 15 (50.0) |\n")
    st = extract_study(parse_text(art, doc_id="t", source="t", fmt="markdown"))
    a = next(c for c in st.category_rows_columns if c.column == "A group (n = 30)" and c.labels == ["Male", "Female"])
    assert a.counts == [16, 13] and a.n.n == 30 and [p.text for p in a.percents] == ["53.3", "43.3"]
    assert a.group and a.group.startswith("Sex") and a.own_denominators == [None, None] and 10 in a.other_counts
