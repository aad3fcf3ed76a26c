"""Study.regimen_arms, Study.dose_passages and Study.dose_finding_wording: what TA306 compares."""
from __future__ import annotations

from types import SimpleNamespace

from trialaudit.extractor.export import study_rows
from trialaudit.extractor.study import extract_study
from trialaudit.extractor.text import parse_text

_TWO_ARMS = (
    "# A trial\n\n## Abstract\n\nPatients were randomised to the AI group (n = 40) or the I group (n = 40). The AI "
    "group received doxorubicin 60 mg/m² on day 1 and ifosfamide 2 g/m² on days 1-3 every 3 weeks.\n\n"
    "## Methods\n\nThe AI group received doxorubicin 60 mg/m² on day 1 and ifosfamide 2 g/m² on days 1-5 every "
    "3 weeks. The I group received ifosfamide 2 g/m² on days 1-5 every 3 weeks.\n\n"
    "## Discussion\n\nIn other trials the AI group received doxorubicin 75 mg/m².\n")


def test_the_arms_and_their_dose_passages_outside_the_discussion_are_facts_and_exported():
    st = extract_study(parse_text(_TWO_ARMS, doc_id="t", source="t", fmt="markdown"))
    assert st.regimen_arms is not None and len(st.regimen_arms) == 2
    assert st.dose_passages and all("other trials" not in p.provenance.quote for p in st.dose_passages)
    days = {m.days for p in st.dose_passages for m in p.mentions if m.drug == "ifosfamide"}
    assert {"1-3", "1-5"} <= days
    assert st.dose_finding_wording is False
    rows = study_rows(SimpleNamespace(id="t", source="t", status="ok", error=None, study=st))["dose_passages"]
    assert any(r["drug"] == "doxorubicin" and r["dose"] for r in rows)


def test_an_unclear_design_has_no_regimen_arms_and_dose_finding_wording_is_read():
    st = extract_study(parse_text("# A trial\n\n## Methods\n\nPatients were randomised to two groups. This phase I "
                                  "dose-escalation study gave ifosfamide 2 g/m² on days 1-3.\n",
                                  doc_id="t", source="t", fmt="markdown"))
    assert st.regimen_arms is None and st.dose_passages == []
    assert st.dose_finding_wording is True
