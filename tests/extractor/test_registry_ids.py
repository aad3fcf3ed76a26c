"""Registry ids and trial acronyms (extractor.study.registry)."""
from __future__ import annotations

from trialaudit.extractor.study.registry import extract_registry, find_acronym, registry_mentions
from trialaudit.extractor.text import parse_text

ARTICLE = """Apatinib plus ifosfamide and etoposide versus ifosfamide and etoposide in advanced osteosarcomas (OAIE/PKUPH-sarcoma 11): a randomized phase II study

Abstract

We conducted a multicenter, randomized, phase II trial (NCT05277480) to compare apatinib plus IE with IE alone.

Introduction

Relapsed osteosarcoma carries a poor prognosis.

Methods

This multicenter, randomized phase II trial (OAIE/PKUPH-sarcoma II) was conducted across four centers. The trial is registered on ClinicalTrials.gov (NCT05277480). It was also registered in the Chinese Clinical Trial Registry (ChiCTR2000034553) and the EudraCT database (EudraCT 2015-001234-56). This trial was retrospectively registered in the Ethics Committee on December 28 2020 (registration no. 2020PHB388-02).

Table 4. Comparison with other trials

Items	This study, n=81	Apatinib (11), n=37
Trial registration number	NCT05277480	NCT02711007
"""


def test_ids_in_order_and_acronym():
    doc = parse_text(ARTICLE, doc_id="t", source="t")
    ids, provs, acronym = extract_registry(doc)
    assert ids == ["NCT05277480", "ChiCTR2000034553", "2015-001234-56", "2020PHB388-02", "NCT02711007"]
    assert len(provs) == 7
    assert acronym == "OAIE/PKUPH-sarcoma 11"
    assert all(p.quote and p.span.line for p in provs)


def test_own_versus_cited_mentions():
    doc = parse_text(ARTICLE, doc_id="t", source="t")
    ms = registry_mentions(doc)
    own = {(m.id, m.section_kind) for m in ms if m.own}
    assert ("NCT05277480", "abstract") in own and ("NCT05277480", "methods") in own
    cited = [m for m in ms if m.in_table]
    assert {m.id for m in cited} == {"NCT05277480", "NCT02711007"} and not any(m.own for m in cited)
    assert next(m for m in ms if m.id == "NCT02711007").provenance.column.startswith("Apatinib (11)")


def test_acronym_from_methods_when_title_has_none():
    doc = parse_text("A study of apatinib\n\nMethods\n\nThis randomized trial (APFAO-2) enrolled 40 patients. "
                     "The trial (NCT01234567) was registered.\n", doc_id="t", source="t")
    acronym, prov = find_acronym(doc)
    assert acronym == "APFAO-2" and prov is not None


def test_regimen_abbreviation_is_not_an_acronym():
    doc = parse_text("Apatinib plus ifosfamide and etoposide (IE) in osteosarcoma\n\nMethods\n\nPatients received IE.\n",
                     doc_id="t", source="t")
    assert find_acronym(doc)[0] is None


def test_fast_patterns_match_like_the_documented_ones():
    """The literal-first compiled patterns find exactly what REGISTRY_PATTERNS find."""
    import re

    from trialaudit.extractor.study.registry import _REG_RX_FAST, REGISTRY_PATTERNS

    texts = ["NCT05277480", "xNCT05277480", "(NCT 05277480).", "ANCT05277480 NCT0527748 NCT052774801",
             "ChiCTR-IOR-2000034553, ChiCTR2000034553", "ISRCTN12345678", "EudraCT 2015-001234-56-01",
             "ACTRN12614000123456", "CTRI/2020/05/025431", "DRKS00012345 UMIN000012345 jRCTs031180001",
             "JapicCTI-123456 KCT0001234 PACTR201905123456789 IRCT20190101042N1 TCTR20190101001 NTR 1234",
             "CONTROL NTR12 éNCT05277480 _NCT05277480 1NCT05277480"]
    for (name, pattern), (fname, fast, lit) in zip(REGISTRY_PATTERNS, _REG_RX_FAST):
        assert name == fname
        for text in texts:
            want = [(m.start(), m.end()) for m in re.finditer(pattern, text)]
            assert [(m.start(), m.end()) for m in fast.finditer(text)] == want, (name, text)
            assert not want or lit is None or lit in text


def test_near_copies_of_the_trial_name_are_study_facts_with_their_places():
    from types import SimpleNamespace

    from trialaudit.extractor.export import study_rows
    from trialaudit.extractor.study import extract_study

    doc = parse_text("Drug A versus drug B (ALPHA-BETA 3): a randomized trial\n\nMethods\n\n"
                     "This randomized trial (ALPHA-BETA II) enrolled 40 patients. In APLHA-BETA 3, 40 patients were "
                     "randomised.\n\nDiscussion\n\nUnlike ALPHA-BETA 2, we found no effect.\n", doc_id="t", source="t")
    st = extract_study(doc)
    assert st.acronym == "ALPHA-BETA 3" and st.acronym_provenance is not None
    got = [(m.kind, m.text, m.edits, m.number) for m in st.trial_name_mentions]
    # the rule reads the first as the same stem with another number, not as a misspelling
    assert got == [("near", "ALPHA-BETA II", 2, None), ("near", "APLHA-BETA 3", 1, None),
                   ("stem", "ALPHA-BETA II", None, "II")]
    rows = study_rows(SimpleNamespace(id="t", source="t", status="ok", error=None, study=st))["trial_name_mentions"]
    assert [r["kind"] for r in rows] == ["near", "near", "stem"] and rows[0]["quote"]


def test_several_trials_from_the_title_or_study_labels_and_own_mentions_are_facts():
    from trialaudit.extractor.study import extract_study
    from trialaudit.extractor.text import parse_text

    def st(text):
        return extract_study(parse_text(text, doc_id="t", source="t", fmt="markdown"))
    a = st("# Drug X in asthma: results from two randomized trials\n\n## Methods\n\nThe trial is registered at "
           "ClinicalTrials.gov (NCT01234567).\n")
    assert a.several_trials == "two randomized trials"
    assert [(m.id, m.own) for m in a.registry_id_mentions] == [("NCT01234567", True)]
    b = st("# Drug X in asthma\n\n## Methods\n\nStudy 1 enrolled adults. Study 2 enrolled children.\n")
    assert b.several_trials == "Study 1 ... Study 2"
    c = st("# Drug X in asthma\n\n## Abstract\n\nFour placebo-controlled studies have shown benefit. We randomised "
           "adults.\n")
    assert c.several_trials is None
