"""A surgery dated by its year or its month and year alone: kept as the span of days it can be, and its post-surgical
period decided only when the whole span is on one side of the period's end. Sentences and cases written here."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from pydantic import ValidationError

from imr_check import load_case_text
from imr_check.case import SurgeryDone
from imr_check.facts import request_facts
from imr_check.reader.clinical import date_span

from reader_support import read_synthetic

UR_DAY = dt.date(2016, 10, 20)
REVIEWED = "The medical records were reviewed."
WRIST_PT = ("Physical therapy 6 sessions right wrist", REVIEWED)
KNEE_PT = ("Physical therapy 12 sessions left knee", REVIEWED)
LUMBAR_PT = ("Physical therapy 8 sessions lumbar spine", REVIEWED)
SHOULDER_PT = ("Physical therapy 8 sessions right shoulder", REVIEWED)


@pytest.mark.parametrize("text, span", [
    ("2013", (dt.date(2013, 1, 1), dt.date(2013, 12, 31))),
    ("08/2015", (dt.date(2015, 8, 1), dt.date(2015, 8, 31))),
    ("February 2016", (dt.date(2016, 2, 1), dt.date(2016, 2, 29))),
    ("Dec. 2014", (dt.date(2014, 12, 1), dt.date(2014, 12, 31))),
    ("11/03/2015", (dt.date(2015, 11, 3), dt.date(2015, 11, 3))),
    ("Someday 2015", None),
])
def test_a_date_reads_as_the_first_and_last_day_it_can_be(text, span):
    assert date_span(text) == span


@pytest.mark.parametrize("summary, surgery, span", [
    ("She is status post right carpal tunnel release 2013.", "carpal_tunnel_release",
     (dt.date(2013, 1, 1), dt.date(2013, 12, 31))),
    ("He is s/p an L4-5 fusion in 08/2015 with residual back pain.", "lumbar_fusion",
     (dt.date(2015, 8, 1), dt.date(2015, 8, 31))),
    ("She is status post left ACL reconstruction (2011) and now has knee stiffness.", "acl_reconstruction",
     (dt.date(2011, 1, 1), dt.date(2011, 12, 31))),
    ("He underwent a left knee meniscectomy in February 2014.", "knee_meniscectomy",
     (dt.date(2014, 2, 1), dt.date(2014, 2, 28))),
    ("The worker is status post a 2012 right rotator cuff repair.", "rotator_cuff_repair",
     (dt.date(2012, 1, 1), dt.date(2012, 12, 31))),
])
def test_a_surgery_dated_by_its_year_or_month_keeps_the_span(summary, surgery, span):
    case = read_synthetic(summary, [WRIST_PT])
    (done,) = case.clinical.surgeries_performed
    assert (done.surgery, done.date, done.span()) == (surgery, None, span)
    # The one surgery of the case is it, with no day, since its day is not known.
    assert (case.clinical.surgery_performed, case.clinical.surgery_date) == (surgery, None)


@pytest.mark.parametrize("summary, items, within", [
    # Years before the request: past the period whatever its day was.
    ("She is status post right carpal tunnel release 2013.", [WRIST_PT], [False]),
    ("The worker is status post a 2012 right rotator cuff repair.", [SHOULDER_PT], [False]),
    ("He underwent a left knee meniscectomy in February 2014.", [KNEE_PT], [False]),
    # Two months before the request, the whole month within the six months.
    ("He is s/p an L4-5 fusion in 08/2016 with residual back pain.", [LUMBAR_PT], [True]),
    # The release is within its three months on the last day of 07/2016, past them on the first: not known, so
    # counted within, as an undated surgery is.
    ("She is status post a right carpal tunnel release in 07/2016.", [WRIST_PT], [True]),
    # Each region follows its own operation and span.
    ("He is s/p right carpal tunnel release (2012) and left knee meniscectomy in 09/2016.", [WRIST_PT, KNEE_PT],
     [False, True]),
])
def test_the_period_is_decided_when_the_whole_span_is_on_one_side(summary, items, within):
    case = read_synthetic(summary, items)
    assert [request_facts(case, index, UR_DAY)["request.in_postsurgical_period"]
            for index in range(len(items))] == within


def test_a_year_holding_the_operation_s_day_is_that_operation_named_again():
    case = read_synthetic("She underwent a right carpal tunnel release on 05/12/2016. She is s/p carpal tunnel "
                          "release in 2016 with residual numbness.", [WRIST_PT])
    assert [(s.surgery, s.date) for s in case.clinical.surgeries_performed] == [
        ("carpal_tunnel_release", dt.date(2016, 5, 12))]


def test_a_day_of_a_year_is_not_put_before_an_operation_dated_by_that_year_alone():
    # The fusion "in 2016" may have been before the release's day: the dated release is the latest known.
    case = read_synthetic("He is s/p lumbar fusion in 2016. He also had a right carpal tunnel release on "
                          "03/04/2016.", [WRIST_PT, LUMBAR_PT])
    assert (case.clinical.surgery_performed, case.clinical.surgery_date) == ("carpal_tunnel_release",
                                                                            dt.date(2016, 3, 4))


@pytest.mark.parametrize("summary, expected", [
    ("Past surgical history: right carpal tunnel release in 2013, left knee meniscectomy (2010).",
     [("knee_meniscectomy", dt.date(2010, 1, 1)), ("carpal_tunnel_release", dt.date(2013, 1, 1))]),
    ("PSH: lumbar fusion 2009, right carpal tunnel release 2014.",
     [("lumbar_fusion", dt.date(2009, 1, 1)), ("carpal_tunnel_release", dt.date(2014, 1, 1))]),
    ("Surgical history: left total knee arthroplasty in May 2012.",
     [("knee_arthroplasty", dt.date(2012, 5, 1))]),
    ("Past surgical history is significant for an appendectomy and a left ACL reconstruction in 2008.",
     [("acl_reconstruction", dt.date(2008, 1, 1))]),
])
def test_a_surgical_history_list_reads_each_operation_with_its_own_date(summary, expected):
    case = read_synthetic(summary, [WRIST_PT, KNEE_PT])
    assert [(s.surgery, s.earliest_date) for s in case.clinical.surgeries_performed] == expected


def test_also_had_names_a_further_surgery_done_and_a_consult_is_not_one():
    case = read_synthetic("She is status post right carpal tunnel release on 06/01/2016. She also had a left "
                          "knee meniscectomy.", [WRIST_PT, KNEE_PT])
    assert {s.surgery for s in case.clinical.surgeries_performed} == {"carpal_tunnel_release", "knee_meniscectomy"}
    consult = read_synthetic("She also had a knee surgery consultation last year.", [KNEE_PT])
    assert consult.clinical.surgeries_performed is None


def test_a_case_gives_a_partial_date_as_both_ends_and_never_with_a_day():
    base = {"surgery": "carpal_tunnel_release"}
    assert SurgeryDone(**base, earliest_date=dt.date(2014, 1, 1), latest_date=dt.date(2014, 12, 31)).span() == (
        dt.date(2014, 1, 1), dt.date(2014, 12, 31))
    for wrong in ({"earliest_date": dt.date(2014, 1, 1)},
                  {"earliest_date": dt.date(2014, 12, 31), "latest_date": dt.date(2014, 1, 1)},
                  {"date": dt.date(2014, 3, 3), "earliest_date": dt.date(2014, 1, 1),
                   "latest_date": dt.date(2014, 12, 31)}):
        with pytest.raises(ValidationError):
            SurgeryDone(**base, **wrong)


def test_a_written_case_with_a_partial_date_follows_its_span():
    case = load_case_text(yaml.safe_dump({
        "case": {"id": "CM99-0000140", "request_date": "2016-03-01", "injury_date": "2014-05-04"},
        "clinical": {"is_post_surgical": True, "surgeries_performed": [
            {"surgery": "rotator_cuff_repair", "earliest_date": "2015-01-01", "latest_date": "2015-12-31"}]},
        "requests": [{"id": "r1", "text": "Physical therapy 8 sessions", "topic": "physical_therapy", "sessions": 8,
                      "body_region": "shoulder"}],
    }))
    assert case.clinical.surgery_performed == "rotator_cuff_repair" and case.clinical.surgery_date is None
    assert request_facts(case, 0, dt.date(2016, 3, 1))["request.in_postsurgical_period"] is True
    assert request_facts(case, 0, dt.date(2016, 8, 1))["request.in_postsurgical_period"] is False
