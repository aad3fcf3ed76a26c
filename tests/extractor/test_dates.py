"""Study dates (extractor.study.dates)."""
from __future__ import annotations

import datetime as dt

from trialaudit.extractor.study.dates import date_bounds, extract_dates, find_dates, months_between
from trialaudit.extractor.text import parse_text


def _d(text):
    return extract_dates(parse_text(text, doc_id="t", source="t"))


def test_enrolment_cutoff_follow_up_planned_and_history():
    d = _d("Received: 14 December 2024\n\nAccepted: 15 October 2025\n\nAbstract\n\nBetween April 14, 2022, and August "
           "22, 2023, 81 patients were enrolled. After a median follow-up of 19.9 months, the median PFS was 5.5 "
           "months.\n\nIntroduction\n\nOsteosarcoma is rare.\n\nResults\n\nBy the cut-off date of October 8, 2024, median follow-up was 19.9 months (95% "
           "confidence interval [CI]: 19.1, 21.8).\n\nStatistical analysis\n\nFactoring in a 10% dropout rate, the "
           "study aimed to enroll 46 patients in the Apa+IE group, culminating in a total enrollment of 78 patients.\n")
    assert (d.enrolment_start, d.enrolment_end, d.data_cutoff) == ("2022-04-14", "2023-08-22", "2024-10-08")
    assert d.received == "2024-12-14" and d.accepted == "2025-10-15"
    q = d.median_follow_up
    assert q.value.value == 19.9 and q.low.value == 19.1 and q.interval == "ci" and d.median_follow_up_unit == "months"
    assert d.planned_sample_size == 78
    assert d.evidence["data_cutoff"].span.line == 15


def test_month_precision_and_diagnosis_window():
    d = _d("Methods\n\nA total of 95 patients who received treatment between January 2020 and December 2022 were "
           "included. Follow-up time was calculated from the enrollment date to the study cutoff date (December "
           "2024).\n\nResults\n\nIn total, 33 patients were identified, among whom the initial diagnosis was "
           "established between August 2014 and January 2020.\n")
    assert (d.enrolment_start, d.enrolment_end, d.data_cutoff) == ("2020-01", "2022-12", "2024-12")
    kinds = sorted(w.kind for w in d.windows)
    assert kinds == ["diagnosis", "enrolment"]


def test_follow_up_with_bracketed_iqr():
    d = _d("Abstract\n\nWith a median follow-up duration of 28.4 [interquartile range (IQR), 16.1-38.3] months, "
           "21/33 (63.6%) patients had objective responses. Patients were treated from June 3 2017 to July 17 2020.\n")
    q = d.median_follow_up
    assert (q.value.value, q.low.value, q.high.value, q.interval) == (28.4, 16.1, 38.3, "iqr")
    assert d.enrolment_start == "2017-06-03" and d.enrolment_end == "2020-07-17"


def test_date_helpers():
    assert [x[0] for x in find_dates("from 2016 to 2019, on 2022-04-14 and in 04/2021")] == \
        ["2016", "2019", "2022-04-14", "2021-04"]
    lo, hi = date_bounds("2020-02")
    assert lo == dt.date(2020, 2, 1) and hi == dt.date(2020, 2, 29)
    assert round(months_between(dt.date(2022, 4, 14), dt.date(2024, 10, 8)), 1) == 29.8
