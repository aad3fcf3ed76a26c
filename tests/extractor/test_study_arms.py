"""Arms, stated sample sizes, totals and design on small synthetic articles."""
from __future__ import annotations

from trialaudit.extractor.study import extract_study
from trialaudit.extractor.study.arms import extract_arms, labels_match, resolve_arm, strip_n
from trialaudit.extractor.study.design import extract_design
from trialaudit.extractor.study.sample_sizes import extract_sample_sizes, infer_total, kind_of
from trialaudit.extractor.text import parse_text

TWO_ARM = """# A randomised phase III trial of drug A plus B versus B alone

## Abstract

We conducted a multicentre, randomised phase III trial. Between 2019 and 2021, 130 patients were screened, of whom 120 were enrolled (60 in the A+B group and 60 in the B group).

## Methods

The study aimed to enrol 55 patients in the A+B group and 55 patients in the B group to detect a hazard ratio of 0.6 with 80% power.

## Results

Of these, 58 were randomized to the A+B group and 58 to the B group.

Table 1. Baseline characteristics

| Variable | A+B group (n = 60) | B group (n = 60) |
|---|---|---|
| Male | 30 (50.0) | 28 (46.7) |
"""


def doc(text: str):
    return parse_text(text, doc_id="t", source="t", fmt="markdown")


def test_strip_n_and_labels_match():
    assert strip_n("Apa+IE group (n = 53)") == ("Apa+IE group", 53)
    assert labels_match("apatinib plus IE group", "Apa+IE group")
    assert not labels_match("A+B group", "B group")   # "A" is a drug letter here, not an article


def test_two_arms_with_sizes_and_kinds():
    d = doc(TWO_ARM)
    arms, _ = extract_arms(d)
    labels = {a.label: a for a in arms}
    assert set(labels) == {"A+B group", "B group"}
    ab = labels["A+B group"]
    assert ab.n == 60
    kinds = {s.kind for s in ab.sizes}
    assert {"stated", "enrolled"} <= kinds
    # the planned 55 (power calculation) is not a size of the arm
    assert all(s.value != 55 for a in arms for s in a.sizes)
    assert resolve_arm("A+B group (n = 60)", arms) is ab


def test_sample_sizes_kinds_and_total():
    d = doc(TWO_ARM)
    sizes = extract_sample_sizes(d)
    pairs = {(s.value, s.kind) for s in sizes}
    assert (130, "stated") in pairs          # screened
    assert (120, "enrolled") in pairs
    assert (58, "randomised") in pairs
    assert all(s.value != 55 for s in sizes)  # planned, not stated
    arms, _ = extract_arms(d)
    assert infer_total(arms, sizes) == 120    # = 60 + 60, stated as enrolled
    for s in sizes:
        assert s.provenance.quote and s.provenance.span.line >= 1


def test_one_arm_found_of_a_randomised_comparison_is_no_total():
    from trialaudit.schemas.study import Arm
    one = [Arm(id="arm1", label="Control group", n=27)]
    assert infer_total(one, []) == 27                      # a single-arm study: its arm is the study
    assert infer_total(one, [], comparative=True) is None  # unseen sample: the other arm was not found


def test_counts_of_patients_measured_or_tested_are_not_group_sizes():
    # unseen sample: the arms were n = 5 each; "1 patient in the control group" was one of those tested
    text = ("# A pilot trial\n\n## Results\n\nFour patients were tested and found negative, 1 patient in the control "
            "group and 3 patients in the bootcamp group. IGF-1 was collected for 3 patients in the bootcamp group. "
            "The control group had a mean age of 48 years.\n")
    arms, _ = extract_arms(parse_text(text, doc_id="t", source="t", fmt="markdown"))
    assert not any(a.n in (1, 3) for a in arms)
    from trialaudit.extractor.study.arms import _is_group_size, _GROUP_SIZE
    sent = "IGF-1 was collected for 3 patients in the bootcamp group"
    assert not _is_group_size(sent, _GROUP_SIZE.search(sent), "n")
    sent = "30 patients in the bootcamp group were randomised"
    assert _is_group_size(sent, _GROUP_SIZE.search(sent), "n")


def test_subgroup_counts_are_not_sample_sizes():
    d = doc("# T\n\n## Results\n\nA total of 40 patients were enrolled. Among them, 14 patients (35.0%) had received "
            "immunotherapy, and recorded deaths occurred in a total of 6 patients, representing 15.0%. "
            "Disease progression (n=20, 50.0%) was the main reason.\n")
    values = {s.value for s in extract_sample_sizes(d)}
    assert values == {40}
    assert kind_of("were randomly assigned") == "randomised"


def test_single_arm_total_and_comparison_cohort_columns():
    text = """# A retrospective study of drug X

## Abstract

The present study retrospectively reviewed patients treated with drug X (n=30) in two centres.

## Results

Table 2. Efficacy compared with earlier cohorts

| Items | Drug X, n=30 | Drug Y (11), n=25 | Drug Z, n=41 |
|---|---|---|---|
| Partial response, n (%) | 9 (30.0) | 5 (20.0) | 8 (19.5) |
"""
    d = doc(text)
    arms, _ = extract_arms(d)
    assert [a.label for a in arms] == ["Drug X"]   # Y is cited, Z is never described as this study's
    st = extract_study(d)
    assert st.total_n == 30
    assert st.design.randomised is False and st.design.timing == "retrospective" and st.design.centres == "multi"
    # comparator columns still give results, under their printed group label
    groups = {(o.group, o.quantity.count.value) for o in st.outcomes if o.measure == "PR" and o.group}
    assert ("Drug Y", 5) in groups and ("Drug Z", 8) in groups


def test_design_from_title_and_abstract_not_future_work():
    d = doc(TWO_ARM + "\n## Discussion\n\nFuture single-centre, retrospective studies should confirm this.\n")
    des = extract_design(d)
    assert des.randomised is True and des.phase == "III" and des.timing == "prospective" and des.centres == "multi"
    assert des.evidence and all(e.quote for e in des.evidence)
    d2 = doc("# Drug C in sarcoma\n\n## Abstract\n\nThis single-center, retrospective analysis reviewed 20 patients. "
             "Larger prospective randomized phase III trials are warranted.\n")
    des2 = extract_design(d2)
    assert des2.randomised is False and des2.timing == "retrospective" and des2.centres == "single"
    assert des2.phase is None


def test_letter_arms_and_spelled_out_sizes():
    text = """# Drug R versus placebo: a randomised phase 2 trial

## Abstract

Forty-two patients were randomised: 22 to arm A and 20 to arm B. Seven patients in arm A received surgery.

## Results

Table 2. Best overall response

| Response | Arm A (n=22) | Arm B (n=20) |
|---|---|---|
| Partial response | 2 (9.1%) | 0 |

Table 3. Adverse events

| Adverse event | Arm A (n=22) / Grade 1–2 | Arm B (n=20) / Grade 1–2 |
|---|---|---|
| Fatigue | 10 (45%) | 5 (25%) |
"""
    st = extract_study(doc(text))
    assert [(a.label, a.n) for a in st.arms] == [("Arm A", 22), ("Arm B", 20)]
    sizes = {(s.value, s.kind) for s in st.sample_sizes}
    assert {(42, "randomised"), (22, "randomised"), (20, "randomised")} <= sizes
    assert all(s.value != 7 for s in st.sample_sizes)     # a subgroup, not a size
    assert st.total_n == 42


def test_study_without_named_arms():
    text = """# Drug C in sarcoma: a single-arm phase 2 trial

## Abstract

Forty patients were enrolled and 38 were evaluable for response. The objective response rate was 12.5% (95% CI 4.2–26.8).

## Results

Table 2. Efficacy

| Response | n (%) |
|---|---|
| Partial response | 5 (12.5) |
"""
    st = extract_study(doc(text))
    assert st.total_n == 40 and (38, "evaluable") in {(s.value, s.kind) for s in st.sample_sizes}
    got = {(o.group, o.measure, o.provenance.method) for o in st.outcomes}
    assert ("Overall", "PR", "table-cell") in got and ("Overall", "ORR", "sentence-pattern") in got


QUALIFIED = """# Drug X alone or with drug Y in sarcoma: a retrospective study

## Abstract

We reviewed 30 patients who received lenvatinib monotherapy or lenvatinib plus camrelizumab. Of these, 18 patients received lenvatinib as a monotherapy and 12 received lenvatinib and camrelizumab.

## Results

The safety of the lenvatinib and camrelizumab combination group was comparable to that of the anlotinib monotherapy group reported elsewhere.

Table 1. Baseline characteristics

| Variable | Monotherapy Group (n=18) | Combination Group (n=12) |
|---|---|---|
| Male | 10 (55.6) | 7 (58.3) |
"""


def test_drug_qualified_alias():
    arms, _ = extract_arms(doc(QUALIFIED))
    by = {a.label: a for a in arms}
    mono, combo = by["Monotherapy Group"], by["Combination Group"]
    # "<drugs of the arm> <label words>" names the arm
    assert resolve_arm("lenvatinib monotherapy", arms) is mono
    assert resolve_arm("lenvatinib and camrelizumab combination", arms) is combo
    # a drug the arm was not given does not make an alias
    assert not any("anlotinib" in x.lower() for a in arms for x in a.aliases)
    assert resolve_arm("anlotinib monotherapy", arms) is None


def test_drug_qualified_alias_needs_drug_run():
    # a non-drug word before the label words ("this monotherapy") is no alias
    text = QUALIFIED.replace("lenvatinib monotherapy or", "this monotherapy or")
    arms, _ = extract_arms(doc(text))
    mono = next(a for a in arms if a.label == "Monotherapy Group")
    assert not any(x.lower().endswith("monotherapy") and x.lower() != "lenvatinib as a monotherapy" for x in mono.aliases)


# --- real-article shapes: two-level headers, allocation statements, sizes that are not arms ---

TITLE_ONLY = "# Drug Q versus placebo: a randomised trial\n\n## Results\n\n"

def _jats_doc(body: str):
    from trialaudit.extractor.jats import parse_jats
    front = ("<front><article-meta><title-group><article-title>Drug Q versus placebo: a randomised trial"
             "</article-title></title-group></article-meta></front>")
    xml = (f'<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="research-article">{front}'
           f'<body><sec sec-type="results"><title>Results</title>{body}</sec></body></article>')
    return parse_jats(xml.encode(), doc_id="j", source="j.nxml")


def _table(label: str, head: str, rows: str = "<tr><td>Age</td><td>50</td><td>51</td><td>50</td></tr>") -> str:
    return (f'<table-wrap id="{label}"><label>{label}</label><caption><title>Characteristics</title></caption>'
            f"<table><thead>{head}</thead><tbody>{rows}</tbody></table></table-wrap>")


def _sizes(arms):
    return {a.label: a.n for a in arms if not a.is_total}


def test_two_level_header_size_on_its_own_row():
    head = ("<tr><th>Characteristic</th><th>Placebo</th><th>Drug Q 10 mg</th><th>Total</th></tr>"
            "<tr><th/><th>(N = 120)</th><th>(N = 118)</th><th>(N = 238)</th></tr>")
    arms, total = extract_arms(_jats_doc(_table("Table 1", head)))
    assert _sizes(arms) == {"Placebo": 120, "Drug Q 10 mg": 118}
    assert total == 238   # the Total column is never an arm


def test_two_level_header_time_point_above_group():
    head = ('<tr><th rowspan="2"/><th colspan="2">Baseline</th><th colspan="2">After 8 weeks</th></tr>'
            "<tr><th>Control (n=41)</th><th>Exercise (n=43)</th><th>Control (n=41)</th><th>Exercise (n=43)</th></tr>")
    rows = "<tr><td>Weight</td><td>80</td><td>81</td><td>79</td><td>77</td></tr>"
    arms, _ = extract_arms(_jats_doc(_table("Table 1", head, rows)))
    assert _sizes(arms) == {"Control": 41, "Exercise": 43}


def test_the_same_groups_repeated_under_each_upper_level_are_the_arms():
    # unseen sample: "immediately after extubation" is no time word the pattern knows, but the same groups with
    # the same sizes under each upper level make the upper levels time points, not groups
    head = ('<tr><th rowspan="2"/><th colspan="2">after closure of the craniotomy</th>'
            '<th colspan="2">immediately after extubation</th></tr>'
            "<tr><th>Treatment arm (n = 22)</th><th>Control arm (n = 22)</th>"
            "<th>Treatment arm (n = 22)</th><th>Control arm (n = 22)</th></tr>")
    rows = "<tr><td>Glucose</td><td>6.1</td><td>6.3</td><td>6.0</td><td>6.2</td></tr>"
    arms, _ = extract_arms(_jats_doc(_table("Table 2", head, rows)))
    assert _sizes(arms) == {"Treatment arm": 22, "Control arm": 22}


def test_a_statistic_descriptor_does_not_hide_the_arm():
    arms, _ = extract_arms(_jats_doc(_table("Table 1", "<tr><th/><th>Treatment arm (n = 22)</th>"
                                                        "<th>Control arm (n = 22)</th></tr>")))
    assert resolve_arm("Treatment arm, n (%)", arms).label == "Treatment arm"
    assert resolve_arm("Control arm (%)", arms).label == "Control arm"


def test_two_level_header_group_qualified_by_upper_level():
    head = ('<tr><th rowspan="2"/><th colspan="2">Active task</th><th colspan="2">Sham task</th></tr>'
            "<tr><th>Pictures (n = 16)</th><th>Sounds (n = 17)</th><th>Pictures (n = 14)</th><th>Sounds (n = 15)</th></tr>")
    rows = "<tr><td>Age</td><td>30</td><td>31</td><td>32</td><td>33</td></tr>"
    arms, _ = extract_arms(_jats_doc(_table("Table 1", head, rows)))
    assert sorted(_sizes(arms).values()) == [14, 15, 16, 17]


def test_lower_level_labels_with_widely_different_sizes_are_a_split_not_arms():
    def head(a, b):
        return ("<tr><th>Scenario</th><th>North</th><th>South</th><th>Overall</th></tr>"
                f"<tr><th/><th>(n = {a})</th><th>(n = {b})</th><th>(n = {a + b})</th></tr>")
    body = _table("Table 1", head(12, 40)) + _table("Table 2", head(150, 300))
    arms, _ = extract_arms(_jats_doc(body))
    assert _sizes(arms) == {}


def test_allocation_statements_give_arms():
    d = doc(TITLE_ONLY + "Participants were randomized to receive drug Q (n = 78) or placebo (n = 79).\n")
    assert _sizes(extract_arms(d)[0]) == {"drug Q": 78, "placebo": 79}
    d = doc(TITLE_ONLY + "In total, 300 adults were randomized to the short regimen and 310 adults to the long regimen.\n")
    assert _sizes(extract_arms(d)[0]) == {"short regimen": 300, "long regimen": 310}
    d = doc(TITLE_ONLY + "A total of 200 patients were randomized: 100 to drug Q and 100 to placebo.\n")
    assert _sizes(extract_arms(d)[0]) == {"drug Q": 100, "placebo": 100}
    d = doc(TITLE_ONLY + "Patients were randomized into two groups; the warming group consisted of 21 patients (52%) "
            "and the no warming group consisted of 19 patients (48%).\n")
    assert _sizes(extract_arms(d)[0]) == {"warming group": 21, "no warming group": 19}
    d = doc(TITLE_ONLY + "We randomized 90 women (drug Q group: 44 [48.9%], placebo group: 46 [51.1%]).\n")
    assert _sizes(extract_arms(d)[0]) == {"drug Q group": 44, "placebo group": 46}


def test_group_defined_with_size_first_in_parenthesis():
    d = doc(TITLE_ONLY + "Group A (n = 25, active device group) received the device. "
            "Group B (n = 24, sham group) received a sham device.\n")
    assert _sizes(extract_arms(d)[0]) == {"Group A": 25, "Group B": 24}


def test_a_single_total_or_one_group_is_not_an_allocation():
    d = doc(TITLE_ONLY + "Forty patients were randomized to receive drug Q with or without placebo (n = 40).\n")
    assert _sizes(extract_arms(d)[0]) == {}
    d = doc(TITLE_ONLY + "Then 60 patients were randomized to drug Q or placebo.\n")
    assert _sizes(extract_arms(d)[0]) == {}


def test_events_days_and_subsets_are_not_group_sizes():
    d = doc(TITLE_ONLY + "Two reactions occurred after the first dose (2 in placebo group, 1 in drug Q group).\n"
            "Pain was lower on day 3 in the drug Q group.\n"
            "As for the 10 patients in the drug Q group who relapsed, all recovered.\n"
            "At one year, 45 patients in the drug Q group compared with 58 patients in the placebo group had died.\n"
            "Levels of IL11 in the placebo group were stable.\n")
    assert _sizes(extract_arms(d)[0]) == {}


def test_subgroup_totals_and_overall_level():
    head = ('<tr><th rowspan="2"/><th colspan="2">Younger</th><th colspan="2">Overall</th></tr>'
            "<tr><th>Placebo (n = 20)</th><th>Total (n = 41)</th><th>Placebo (n = 50)</th><th>Drug Q (n = 52)</th></tr>")
    rows = "<tr><td>Age</td><td>30</td><td>31</td><td>32</td><td>33</td></tr>"
    arms, total = extract_arms(_jats_doc(_table("Table 1", head, rows)))
    assert total is None            # a subgroup's Total column is not the study total
    assert {a.label: a.n for a in arms if not a.is_total}["Drug Q"] == 52
    assert all(not a.is_total for a in arms)


def test_each_group_names_no_arm():
    d = doc(TITLE_ONLY + "Patients were randomized with 52 patients in each group.\n")
    assert _sizes(extract_arms(d)[0]) == {}


def test_header_statistic_descriptors_and_markers_are_not_part_of_the_arm_name():
    from trialaudit.extractor.study.arms import strip_n

    assert strip_n("Control* (N = 37) % (SD)") == ("Control", 37)
    assert strip_n("Intervention<sup>*</sup> (N = 40) % (SD)") == ("Intervention", 40)
    assert strip_n("Placebo (n = 40), n (%)") == ("Placebo", 40)
    assert strip_n("Exercise (n=43)") == ("Exercise", 43)
    assert strip_n("Drug 1.5% (N=70)") == ("Drug 1.5%", 70)
    assert strip_n("Placebo (n = 7,726)") == ("Placebo", 7726)
    assert strip_n("Control (n=10 218)") == ("Control", 10218)


def _randomised(text: str) -> list[int]:
    return sorted(a.randomised_n for a in extract_study(doc(text)).arms if a.randomised_n and not a.is_total)


def test_randomised_sizes_from_allocation_statements():
    text = "# A trial\n\n## Results\n\nA total of 4,548 individuals were offered participation, and 497 were randomised " \
           "(251 intervention and 246 control).\n\nThey were evenly randomized to one of the two treatments (NBT = 43; CBT = 41).\n"
    assert _randomised(text.split("\n\nThey")[0] + "\n") == [246, 251]
    assert _randomised("# A trial\n\n## Methods\n\nParticipants were evenly randomized to one of the two treatments "
                       "(NBT = 43; CBT = 41).\n") == [41, 43]
    # "(P = 0.03)" is a statistic, not an arm
    assert _randomised("# A trial\n\n## Results\n\nPatients were randomized to ketamine (n = 40) or placebo (n = 38) (P = 0.03).\n") == [38, 40]


def test_randomised_sizes_from_equal_allocation():
    assert _randomised("# A trial\n\n## Methods\n\nSixty patients were randomly divided into two groups of 30 patients "
                       "each.\n") == [30, 30]
    # completers are not the randomised set
    assert _randomised("# A trial\n\n## Results\n\nOf those randomized, 15 patients in each group completed the "
                       "study.\n") == []


def test_randomised_sizes_from_the_table_of_the_randomised_population():
    base = "# A trial\n\n## Results\n\n{sent}\n\nTable 1. Baseline\n\n| Variable | T0 / A group (n = 19) | T0 / B group (n = 24) " \
           "| T1 / A group (n = 19) | T1 / B group (n = 23) |\n|---|---|---|---|---|\n| Age | 20 | 21 | 22 | 23 |\n"
    # the first time point of each arm, not the follow-up
    assert _randomised(base.format(sent="Students were randomly assigned to two groups.")) == [19, 24]
    # a table of fewer patients than were randomised is not the randomised population
    assert _randomised(base.format(sent="A total of 50 patients were randomized into two groups.")) == []


def test_codes_and_analysed_breakdowns_are_not_arms():
    text = "# A trial\n\n## Methods\n\nWe allocated villages at random. Tj is the intervention indicator (1 for " \
           "intervention, 0 for control).\n\nA total of 42 clusters were randomised and 40 (12 in control, 14 per " \
           "intervention arm) were included in the analysis.\n"
    study = extract_study(doc(text))
    assert not [a for a in study.arms if a.n in (0, 1, 12)]


def test_memoised_arm_lookups_answer_with_the_callers_arms():
    """Inside one article memo, arm mentions and resolved arms are found once per text and arm names,
    and always handed back as the caller's own Arm objects (copies and changed sizes included)."""
    from trialaudit.extractor.memo import parse_once
    from trialaudit.extractor.study.arms import arm_mentions
    from trialaudit.schemas.study import Arm

    a = Arm(id="a", label="Apatinib group", n=30)
    b = Arm(id="b", label="Placebo group", n=28)
    text = "In the Apatinib group, 12 responded; in the Placebo group, 5 responded."
    with parse_once():
        first = arm_mentions(text, [a, b])
        a2, b2 = a.model_copy(), b.model_copy()
        again = arm_mentions(text, [a2, b2])
        assert [(m[1], m[2]) for m in first] == [(m[1], m[2]) for m in again]
        assert first[0][0] is a and again[0][0] is a2 and again[1][0] is b2
        assert resolve_arm("Apatinib group", [a, b]) is a
        assert resolve_arm("Apatinib group", [a2, b2]) is a2
        assert resolve_arm("Group X (n = 28)", [a, b]) is b     # by size when no name matches
        b.n = 31                                                 # sizes change during extraction
        assert resolve_arm("Group X (n = 28)", [a, b]) is None
        assert resolve_arm("Apatinib group", [a, a]) is a        # one arm listed twice is still one arm


def test_an_allocation_clause_before_a_group_is_not_its_name():
    text = ("# A trial\n\n## Methods\n\nThey were randomly placed into treatment (n = 24) and control (n = 24) groups. "
            "Children were randomly divided into the music group (n = 30) and the quiet group (n = 31).\n")
    arms, _ = extract_arms(parse_text(text, doc_id="t", source="t", fmt="markdown"))
    labels = {a.label.lower() for a in arms}
    assert {"treatment", "control"} <= labels
    assert not any("randomly" in lab or "placed" in lab or "divided" in lab for lab in labels)
