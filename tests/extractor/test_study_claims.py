"""Study.significance_claims: clauses claiming a difference is (or is not) significant, with their evidence (TA210)."""
from __future__ import annotations

from types import SimpleNamespace

from trialaudit.extractor.export import study_rows
from trialaudit.extractor.study import extract_study
from trialaudit.extractor.study.claims import claim_kind, clauses
from trialaudit.extractor.text import parse_text


def _study(results: str):
    return extract_study(parse_text(f"# A trial\n\n## Results\n\n{results}\n", doc_id="t", source="t",
                                    fmt="markdown"))


def test_claims_with_the_quantities_of_their_own_clause():
    st = _study("PFS was significantly longer with the combination (HR 0.80, 95% CI 0.62-1.03; P = 0.08). "
                "There was no significant difference in response (45% vs 40%, P = 0.30; Table 2).")
    got = [(c.claim, c.wording) for c in st.significance_claims]
    assert ("sig", "significantly") in got and ("ns", "no significan") in got
    ns = next(c for c in st.significance_claims if c.claim == "ns")
    assert ns.cited_tables == ["2"] and ns.negation == "no significant"
    assert [q.p.text for q in ns.quantities if q.p is not None] == ["0.30"]
    assert all(c.evidence.role == "claim" for c in st.significance_claims)


def test_clauses_split_at_but_after_a_bracket_and_at_a_subordinate_opening():
    text = ("X was significantly decreased in A (P < 0.001) but the decrease in B was not significant")
    parts = [text[a:b] for a, b in clauses(text)]
    assert len(parts) == 2 and parts[1].startswith("the decrease in B")
    text = "Although X differed (P = .005), Y was not different"
    assert len(clauses(text)) == 2


def test_hedged_time_limited_and_mixed_clauses_are_not_claims():
    assert claim_kind("a trend towards significance (P = 0.07)") is None
    assert claim_kind("no significant difference until 8 weeks after treatment (P = 0.017)") is None
    assert claim_kind("X was not significantly different, Y were significantly reduced (P < 0.01)") is None
    assert claim_kind("None of the scores changed significantly") is None
    assert claim_kind("the groups were comparable (P = 0.4)") == "ns-soft"


def test_definitions_are_not_read_and_rows_are_exported():
    st = _study("A P < 0.05 was considered significant. Pain was significantly reduced (P = 0.01).")
    assert [c.claim for c in st.significance_claims] == ["sig"]
    rows = study_rows(SimpleNamespace(id="t", source="t", status="ok", error=None, study=st))["significance_claims"]
    assert rows[0]["claim"] == "sig" and rows[0]["p_values"] and rows[0]["wording"] == "significantly"


def test_contractions_negate_and_a_bare_any_significant_is_not_read():
    assert claim_kind("the scores didn't show any significant changes (P = 0.41)") == "ns"
    assert claim_kind("the difference wasn’t significant (P = 0.2)") == "ns"
    assert claim_kind("There were any significant difference in labour (P = 0.310)") is None
    assert claim_kind("the score was significantly higher (P = 0.01)") == "sig"
