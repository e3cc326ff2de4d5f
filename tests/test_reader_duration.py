"""Reading how long the symptoms have lasted (clinical.symptom_duration_weeks), which the timing criteria of ACOEM 2004
and the CPMTG count through case.weeks_symptomatic. Sentences written for the tests."""

from __future__ import annotations

import datetime as dt

import pytest

from imr_check import facts as fact_layer

from reader_support import read_synthetic

_EMG = ("EMG of the bilateral upper extremities", "The patient reports neck and arm pain.")


def _duration(summary: str, items: list[tuple[str, str]] | None = None):
    case = read_synthetic(summary, items or [_EMG])
    return case.clinical.symptom_duration_weeks, case.regional_facts.get("clinical.symptom_duration_weeks")


@pytest.mark.parametrize("summary, weeks, regions", [
    ("She reports numbness in both hands for two years.", 104.0, ["forearm_wrist_hand"]),
    ("He has a 6-month history of neck pain.", 26.0, ["cervical_spine"]),
    ("Symptoms began about three years ago and have not changed.", 156.0, None),
    ("The patient has had tingling in the fingers for the past 8 weeks.", 8.0, ["forearm_wrist_hand"]),
    # "Since 2014" is at least since the end of 2014; the letter's UR date (02/10/2017) is the day it is counted to.
    ("The patient reports low back pain since 2014.", 110.3, ["lumbar_spine"]),
    # The longest duration stated decides, for the region it is stated for.
    ("Her shoulder pain began 3 years ago. She also reports wrist pain for 2 months.", 156.0, ["shoulder"]),
])
def test_a_symptom_duration_is_read_with_its_region(summary: str, weeks: float, regions) -> None:
    assert _duration(summary) == (weeks, regions)


@pytest.mark.parametrize("summary", [
    # A treatment's duration, a drug taken and the relief something gave are not the symptoms' duration.
    "She completed physical therapy for 6 weeks.",
    "Tramadol gives pain relief for 3 hours.",
    "He has been taking Norco for 2 years.",
    "He has been taking Norco for neck pain for 2 years.",
    "Neck pain was treated with chiropractic care for 8 weeks without benefit.",
    "He has been off work for 2 years because of the injury.",
    "Acupuncture gave her 50% relief for 2 months.",
    # A negated symptom lasts nothing.
    "She denies numbness for the past two years.",
])
def test_what_is_not_a_symptom_duration_reads_as_nothing(summary: str) -> None:
    assert _duration(summary) == (None, None)


def test_a_symptom_history_older_than_the_injury_times_the_request() -> None:
    case = read_synthetic("She reports numbness and tingling in both hands for two years.", [_EMG],
                          injured="01/20/2017")
    seen = fact_layer.request_facts(case, 0, dt.date(2017, 2, 10))
    assert seen["case.weeks_since_injury"] == 3.0
    assert seen["case.weeks_symptomatic"] == 104.0


def test_a_symptom_history_of_another_region_does_not_time_the_request() -> None:
    case = read_synthetic("He reports low back pain for two years.", [_EMG], injured="01/20/2017")
    seen = fact_layer.request_facts(case, 0, dt.date(2017, 2, 10))
    assert "clinical.symptom_duration_weeks" not in seen
    assert seen["case.weeks_symptomatic"] == seen["case.weeks_since_injury"] == 3.0
