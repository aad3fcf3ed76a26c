"""Endpoint declarations (extractor.study.endpoints)."""
from __future__ import annotations

from trialaudit.extractor.study.endpoints import endpoint_name, extract_endpoints
from trialaudit.extractor.text import parse_text


def _eps(text):
    return [(e.name, e.role) for e in extract_endpoints(parse_text(text, doc_id="t", source="t"))]


def test_primary_and_secondary_lists():
    eps = _eps("Abstract\n\nThe primary endpoint was progression-free survival (PFS). Secondary endpoints included "
               "objective response rate (ORR), clinical benefit rate (CBR), and safety.\n")
    assert eps == [("PFS", "primary"), ("ORR", "secondary"), ("CBR", "secondary"), ("safety", "secondary")]


def test_primary_outcome_measures_heading_and_subject_form():
    eps = _eps("Methods\n\nPrimary outcome measures: Progression-Free Survival (PFS): defined as the time from "
               "disease progression to new pulmonary lesions.\n\nOverall survival (OS): Defined as the time to death. "
               "OS was the primary endpoint of the study.\n")
    assert ("PFS", "primary") in eps and ("OS", "primary") in eps


def test_names_inside_definitions_are_not_endpoints_and_landmarks():
    text = ("Methods\n\nIn this study, the primary endpoint was PFS, as assessed by the investigators. PFS was defined "
            "as the time from randomization to disease progression or death. Secondary endpoints included 4-month PFS "
            "rate; 6-month PFS rate; OS, measured from randomization to death; ORR, defined as the proportion of "
            "patients achieving a CR or PR; DoR, calculated from the first CR or PR to progressive disease; and "
            "safety assessments throughout the study duration. The exploratory endpoints included QoL, assessed "
            "using the EORTC QLQ-C30 questionnaire, and EFS.\n")
    doc = parse_text(text, doc_id="t", source="t")
    eps = extract_endpoints(doc)
    pairs = [(e.name, e.role) for e in eps]
    assert pairs == [("PFS", "primary"), ("PFS@4mo", "secondary"), ("PFS@6mo", "secondary"), ("OS", "secondary"),
                     ("ORR", "secondary"), ("DoR", "secondary"), ("safety", "secondary"), ("QoL", "exploratory"),
                     ("EFS", "exploratory")]
    pfs = eps[0]
    assert pfs.definition and pfs.definition.startswith("the time from randomization")
    assert pfs.provenance.span.line == 3 and "primary endpoint" in pfs.provenance.quote


def test_results_apposition_and_other_trials_ignored():
    eps = _eps("Introduction\n\nIn the OLIE trial, the primary endpoint was overall survival (1).\n\n"
               "Results\n\nThe primary outcome, PFS, was 5.5 months (95% CI, 3.9–6.4).\n\n"
               "Discussion\n\nThe primary endpoint of the ITCC-050 study was ORR (12). In this trial, the primary "
               "endpoint of PFS reached statistical significance.\n")
    assert eps == [("PFS", "primary"), ("PFS", "primary")]


def test_endpoint_name():
    assert endpoint_name("the objective response rate (ORR)")[0] == "ORR"
    assert endpoint_name("6-month progression-free survival rate")[0] == "PFS@6mo"
    assert endpoint_name("PFS rate at 12 months")[0] == "PFS@12mo"
    assert endpoint_name("defined as the time") is None


def test_objective_and_appositive_forms():
    eps = _eps("Methods\n\nThe primary objective was to evaluate investigator-assessed PFS. Overall survival, the "
               "key secondary endpoint, was measured from randomization. Event-free survival (EFS) was chosen as an "
               "exploratory endpoint.\n")
    assert eps == [("PFS", "primary"), ("OS", "secondary"), ("EFS", "exploratory")]
