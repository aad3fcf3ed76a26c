"""Study.range_order_declarations: places that say ranges are printed maximum first (read by TA208)."""
from __future__ import annotations

from trialaudit.extractor.study import extract_study
from trialaudit.extractor.study.conventions import MAX_MIN
from trialaudit.extractor.text import parse_text


def test_max_min_wordings():
    for s in ("Median Range (Maximum- Minimum)", "median (max–min)", "values are median (Max/Min)", "max. to min."):
        assert MAX_MIN.search(s), s
    for s in ("minimum–maximum", "maximal tolerated dose", "Max dose, mg/min"):
        assert not MAX_MIN.search(s), s


def test_a_table_note_declares_the_order():
    text = ("# T\n\n## Results\n\nTable 1 | Data\n\n| Variable | A | B |\n|---|---|---|\n"
            "| Drainage time (days)^b^ | 6 (42–1) | 4 (15–2) |\n\n^b^ Median Range (Maximum- Minimum)\n")
    st = extract_study(parse_text(text, doc_id="t", source="t", fmt="markdown"))
    [ev] = st.range_order_declarations
    assert ev.table == "Table 1" and "Maximum- Minimum" in ev.quote


def test_no_declaration():
    st = extract_study(parse_text("# T\n\n## Results\n\nThe range was 1–42 days.\n", doc_id="t", source="t",
                                  fmt="markdown"))
    assert st.range_order_declarations == []
