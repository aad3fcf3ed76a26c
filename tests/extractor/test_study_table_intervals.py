"""Study.table_intervals: estimates printed with an interval in tables (read by TA208)."""
from __future__ import annotations

from types import SimpleNamespace

from trialaudit.extractor.export import study_rows
from trialaudit.extractor.study import extract_study
from trialaudit.extractor.text import parse_text

_TABLE = ("Table 2 | Outcomes\n\n| Outcome | A (n = 40) | B (n = 40) | HR (95% CI) | P |\n|---|---|---|---|---|\n"
          "| Median PFS, months (95% CI) | 5.5 (5.9–6.4) | 4.1 (3.2–5.0) | 0.71 (0.50–1.01) | 0.06 (0.01, 0.09) |\n"
          "| Response rate, % | 45.0 | 30.0 | | |\n| 95% CI | 38–52 | 22–38 | | |\n"
          "| Weight, n (%) | 12 (9,0) | 10 (8,1) | | |\n")


def _study(results: str):
    return extract_study(parse_text(f"# A trial\n\n## Results\n\n{results}\n", doc_id="t", source="t", fmt="markdown"))


def test_cell_intervals_and_ci_rows_without_ratio_p_or_decimal_comma_cells_and_exported():
    st = _study(_TABLE)
    got = [(x.row, x.column_label, x.value.text, x.low.text, x.high.text, x.kind, x.ci_row) for x in st.table_intervals]
    assert ("Median PFS, months (95% CI)", "A (n = 40)", "5.5", "5.9", "6.4", "ci", False) in got
    assert ("Response rate, %", "A (n = 40)", "45.0", "38", "52", "ci", True) in got
    assert not [g for g in got if g[1] in ("HR (95% CI)", "P") or g[0].startswith("Weight")]
    ci_row = next(x for x in st.table_intervals if x.ci_row)
    assert [e.role for e in ci_row.evidence] == ["estimate", "CI"]
    rows = study_rows(SimpleNamespace(id="t", source="t", status="ok", error=None, study=st))["table_intervals"]
    assert any(r["estimate"] == 5.5 and r["low"] == 5.9 for r in rows)
