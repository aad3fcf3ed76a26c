"""Outcomes per arm from tables (both orientations) and from result sentences."""
from __future__ import annotations

import pytest

from trialaudit.extractor.study import extract_study
from trialaudit.extractor.text import parse_text

HEAD = """# A randomised trial of drug A plus B versus B alone

## Abstract

A total of 120 patients were randomized (60 in the A+B group and 60 in the B group).

"""


def study(body: str, head: str = HEAD):
    return extract_study(parse_text(head + body, doc_id="t", source="t", fmt="markdown"))


def facts(st, **filt):
    names = {a.id: a.label for a in st.arms}
    out = []
    for o in st.outcomes:
        if all(getattr(o, k) == v for k, v in filt.items()):
            q = o.quantity
            out.append((names.get(o.arm, o.group), o.measure, o.timepoint,
                        q.count.value if q.count else None,
                        q.percent.value if q.percent else None,
                        q.value.value if q.value else None,
                        q.low.value if q.low else None, q.high.value if q.high else None))
    return out


ARMS_AS_COLUMNS = """## Results

Table 2. Efficacy endpoints

| Outcomes | A+B group (n = 60) | B group (n = 60) | P value |
|---|---|---|---|
| Best overall response, n (%) | | | |
| Complete response | 3 (5.0) | 0 | |
| Partial response | 21 (35.0) | 14 (23.3) | |
| Not evaluable | 2 (3.3) | 1 (1.7) | |
| Objective response rate, n (%) | 24 (40.0) | 14 (23.3) | 0.08 |
| 95% CI | (27.6, 53.5) | (13.4, 36.0) | |
| Progression-free survival, months, median (95% CI) | 8.1 (6.0, 9.9) | 5.2 (4.1, NE) | 0.003 |
| 6 months, % (95% CI) | 66.0 (52.1, 76.8) | 41.5 (28.7, 53.8) | |
| Overall survival | | | |
| KM, median, IQR | 20.1 (12.0, 30.2) | 15.3 (9.9, 22.0) | |

The objective response rate was compared using the chi-squared test; time-to-event outcomes with the log-rank test.
"""


def test_table_arms_as_columns():
    st = study(ARMS_AS_COLUMNS)
    got = facts(st)
    assert ("A+B group", "CR", None, 3, 5.0, None, None, None) in got
    assert ("B group", "CR", None, 0, None, 0, None, None) in got or ("B group", "CR", None, 0, None, None, None, None) in got
    assert ("A+B group", "NE", None, 2, 3.3, None, None, None) in got
    # the "95% CI" row completes the rate above it
    assert ("A+B group", "ORR", None, 24, 40.0, None, 27.6, 53.5) in got
    # median with a not-estimable bound, landmark rate under its time-to-event row
    pfs_b = [x for x in got if x[0] == "B group" and x[1] == "PFS" and x[2] is None][0]
    assert pfs_b[5] == 5.2 and pfs_b[6] == 4.1 and pfs_b[7] is None
    assert ("A+B group", "PFS", "6 months", None, 66.0, 66.0, 52.1, 76.8) in got
    # a group heading names the measure of "KM, median, IQR"
    os_rows = [o for o in st.outcomes if o.measure == "OS"]
    assert {o.quantity.interval for o in os_rows} == {"iqr"} and all(o.kind == "median" for o in os_rows)
    # P column: per-row test named by the table note, and the p on the outcome
    tests = {(t.p.value, t.test, t.compares) for t in st.tests if t.p is not None and t.provenance.table == "Table 2"}
    assert (0.08, "chi-square", "ORR") in tests and (0.003, "log-rank", "PFS") in tests
    orr = next(o for o in st.outcomes if o.measure == "ORR" and o.provenance.table == "Table 2")
    assert orr.quantity.p.value == 0.08
    assert orr.provenance.method == "table-cell" and orr.provenance.row.startswith("Objective")


ARMS_AS_ROWS = """## Results

Table 3. Comparison of treatment response between the two groups

| Group | CR | PR | SD | PD | ORR | χ² | P value |
|---|---|---|---|---|---|---|---|
| A+B group | 3 | 21 | 20 | 14 | 40.0 | 4.12 | 0.042 |
| B group | 0 | 14 | 24 | 20 | 23.3 | | |

Table 4. Responses by prior therapy

| | No. of patients | PR No. | ORR (%) |
|---|---|---|---|
| Prior drug C | 16 | 1 | 6.3 |
| Prior drug D | 10 | 0 | 0 |
"""


def test_table_arms_as_rows_and_other_groups():
    st = study(ARMS_AS_ROWS)
    got = facts(st)
    assert ("A+B group", "PR", None, 21, None, 21, None, None) in got
    assert ("B group", "PD", None, 20, None, 20, None, None) in got
    # a bare number in an ORR column is a percentage
    assert ("B group", "ORR", None, None, 23.3, 23.3, None, None) in got
    # rows that are not arms keep their printed label as the group
    assert ("Prior drug C", "ORR", None, None, 6.3, 6.3, None, None) in got
    assert ("Prior drug D", "PR", None, 0, None, 0, None, None) in got
    t = next(t for t in st.tests if t.provenance.table == "Table 3")
    assert t.statistic == "chi2" and t.stat_value.value == 4.12 and t.p.value == 0.042 and t.test == "chi-square"


SENTENCES = """## Results

The median PFS was 8.1 months (95% CI: 6.0, 9.9) with drug A plus B compared with 5.2 months (95% CI: 4.1, 6.3) in the B group.
The ORR was 40.0% in the A+B group and 23.3% in the B group.
The 4-month and 6-month PFS rates were 80.1% (95% CI: 70.2, 88.0) and 66.0% (95% CI: 52.1, 76.8) in the A+B group, versus 60.2% (95% CI: 47.0, 71.0) and 41.5% (95% CI: 28.7, 53.8) in the B group, respectively.
The median OS in the A+B group was 20.1 months, significantly longer than 15.3 months in the B group (P<0.01).
The calculated DCR was 80.0% in the A+B group versus 60.0% in the B group, and the CBR was 70.0% versus 50.0%, respectively.
In the A+B group, 3 patients achieved CR, 21 achieved PR, and 14 had PD.
A phase II trial reported a median PFS of 4.0 months with drug B [12].
The patient reached CR at 4 months.
"""


def test_sentence_patterns():
    st = study(SENTENCES)
    text_facts = [(o, f) for o, f in zip(st.outcomes, facts(st)) if o.provenance.method == "sentence-pattern"]
    got = [f for _, f in text_facts]
    # arm named after the value, or the other arm of a two-arm comparison
    assert ("A+B group", "PFS", None, None, None, 8.1, 6.0, 9.9) in got
    assert ("B group", "PFS", None, None, None, 5.2, 4.1, 6.3) in got
    assert ("B group", "ORR", None, None, 23.3, 23.3, None, None) in got
    # timepoints listed before the measure, values per arm
    assert ("A+B group", "PFS", "4 months", None, 80.1, 80.1, 70.2, 88.0) in got
    assert ("B group", "PFS", "6 months", None, 41.5, 41.5, 28.7, 53.8) in got
    # arm before the first value, after the second
    assert ("A+B group", "OS", None, None, None, 20.1, None, None) in got
    assert ("B group", "OS", None, None, None, 15.3, None, None) in got
    os_ = [o for o, f in text_facts if o.measure == "OS"]
    assert all(o.quantity.p is not None and o.quantity.p_operator == "<" for o in os_)
    # "respectively" across clauses uses the arms of the previous clause
    assert ("B group", "CBR", None, None, 50.0, 50.0, None, None) in got
    # counts with the measure after them
    assert ("A+B group", "PR", None, 21, None, 21, None, None) in got
    assert ("A+B group", "PD", None, 14, None, 14, None, None) in got
    # cited results of other studies and times are not outcomes
    assert not any(f[5] == 4.0 for f in got)
    assert all(o.provenance.span.line >= 1 and o.provenance.quote for o, _ in text_facts)


def test_single_arm_and_total_cues():
    head = """# Drug X in sarcoma: a retrospective study

## Abstract

We reviewed 33 patients treated with drug X (n=33). With a median follow-up of 20.1 months, 21/33 (63.6%) patients had objective responses, and the median event-free survival was 11.4 (IQR, 6.7-18.4) months.

"""
    st = study("## Results\n\nThe 4- and 6-month EFS rates were 90.9% (95% CI, 74.4-97.0%) and 78.5% (95% CI, 60.0-89.1%), "
               "respectively, with a median EFS of 11.4 (IQR, 7.5-17.1) months.\n", head=head)
    got = facts(st)
    assert ("Drug X", "ORR", None, 21, 63.6, None, None, None) in got or \
        any(f[1] == "ORR" and f[3] == 21 and f[4] == 63.6 for f in got)
    assert any(f[1] == "EFS" and f[2] is None and f[5] == 11.4 and f[6] == 6.7 for f in got)
    assert any(f[1] == "EFS" and f[2] == "4 months" and f[4] == 90.9 for f in got)
    assert any(f[1] == "EFS" and f[2] == "6 months" and f[4] == 78.5 for f in got)
    # the follow-up time is not an outcome
    assert not any(f[5] == 20.1 for f in got)


@pytest.mark.parametrize("sentence", [
    "No significant differences were observed in ORR (0 vs 25%) between the two groups.",
])
def test_unnamed_arms_are_skipped(sentence):
    st = study("## Results\n\n" + sentence + "\n")
    assert not [o for o in st.outcomes if o.measure == "ORR"]


GROUPS_COMPARED = """## Results

Table 4. Responses by prior therapy

| | No. of patients | PR No. | ORR (%) |
|---|---|---|---|
| Prior drug C | 16 | 1 | 6.3 |
| Prior drug D | 10 | 0 | 0 |

The median PFS on prior therapy was 5 months (95% CI: 1.3–8.7), with patients receiving prior drug C showing a median PFS comparable to those treated with prior drug D (5.0 [95% CI: 1.1–8.9] vs 4.0 [95% CI: 0.0–11.4] months, p = 0.271).
"""


def test_sentence_comparison_of_table_groups():
    got = facts(study(GROUPS_COMPARED))
    # each value of "patients receiving X ... those treated with Y (a vs b)" goes to its (non-arm) group
    assert ("Prior drug C", "PFS", None, None, None, 5.0, 1.1, 8.9) in got
    assert ("Prior drug D", "PFS", None, None, None, 4.0, 0.0, 11.4) in got
    # never to the study's arms
    assert not any(f[0] in ("A+B group", "B group") and f[1] == "PFS" for f in got)


@pytest.mark.parametrize("sentence", [
    # groups not reported by any table: no attribution
    "Patients receiving drug E had a median PFS comparable to those treated with drug F (5.0 [95% CI: 1.1–8.9] vs "
    "4.0 [95% CI: 0.0–11.4] months).",
    # only one of two groups named
    "Patients receiving prior drug C had a median PFS comparable to the others (5.0 [95% CI: 1.1–8.9] vs "
    "4.0 [95% CI: 0.0–11.4] months).",
])
def test_sentence_comparison_needs_known_groups(sentence):
    body = GROUPS_COMPARED.split("The median PFS on")[0] + sentence + "\n"
    got = facts(study(body))
    assert not any(f[1] == "PFS" and f[0] in ("Prior drug C", "Prior drug D", "drug E", "drug F") for f in got)
