"""The reader on office visits: what the patient reports now, an uncertain diagnosis, and whose re-examination a
visit is. Every sentence and request here is written for the project (not taken from a letter)."""

from __future__ import annotations

from typing import Any

import pytest

from imr_check.evaluate import evaluate_case
from imr_check.reader.classify import classify_topic

from reader_support import read_synthetic
from test_reader_facts import clinical


@pytest.mark.parametrize("sentence, expected", [
    ("On 01/20/2017 the patient complained of constant neck pain radiating to the left arm.", True),
    ("She reports pain of 6/10 in the lower back with prolonged sitting.", True),
    ("Subjective complaints included stiffness of the right knee.", True),
    ("His shoulder pain has not resolved with the injection.", True),
    ("Her low back pain has since resolved after the course of therapy.", False),
    ("At the most recent visit the injured worker had no complaints.", False),
    ("He is now asymptomatic and working full duty.", False),
    ("She does not report any numbness in her fingers.", None),
    ("He was advised to avoid heavy lifting.", None),
])
def test_current_symptoms(sentence: str, expected: Any) -> None:
    assert clinical(sentence, "current_symptoms") is expected


@pytest.mark.parametrize("sentence, expected", [
    ("The assessment lists lumbar pain, rule out a herniated disc.", True),
    ("Diagnoses: left wrist pain, r/o carpal tunnel syndrome.", True),
    ("The examination raises a possible medial meniscus tear of the right knee.", True),
    ("The treating physician gave a differential diagnosis of bursitis or tendinitis.", True),
    ("A cervical radiculopathy was ruled out by the nerve studies.", None),
    ("She is possibly going to return to work next month.", None),
])
def test_diagnosis_uncertain_from_what_is_to_be_ruled_out(sentence: str, expected: Any) -> None:
    assert clinical(sentence, "diagnosis_uncertain") is expected


@pytest.mark.parametrize("text, topic", [
    ("Re-exam with the chiropractor for the neck", "chiropractic"),
    ("Chiropractic re-evaluation, one visit", "chiropractic"),
    ("Physical therapy re-evaluation for the left shoulder", "physical_therapy"),
    ("Re-evaluation by the occupational therapist", "physical_therapy"),
    ("Acupuncture re-exam", "acupuncture"),
    ("Re-evaluation with the treating physician in 4 weeks", "office_visit"),
    ("Follow-up visit", "office_visit"),
    # a follow-up visit with the therapist, named as such, is the therapy's too
    ("Follow-up visit with the physical therapist for the low back", "physical_therapy"),
    ("PT follow-up, one visit", "physical_therapy"),
    ("Follow up with the chiropractor x1", "chiropractic"),
    ("Chiropractic follow-up visit", "chiropractic"),
    ("One follow-up visit with the acupuncturist", "acupuncture"),
    # a therapy mentioned in a physician's follow-up is not whom the visit is with
    ("Follow-up with the orthopedist after physical therapy", "office_visit"),
])
def test_a_therapists_re_examination_is_the_therapys(text: str, topic: str) -> None:
    assert classify_topic(text) == topic


def test_a_follow_up_visit_once_the_symptoms_have_resolved_is_not_certified() -> None:
    case = read_synthetic("The patient's neck pain has completely resolved. She takes no medications.",
                          [("Follow-up visit in 6 weeks", "The patient was seen for a neck strain.")])
    assert case.clinical.current_symptoms is False
    result = evaluate_case(case).requests[0]
    assert result.topic == "office_visit"
    assert result.determination == "non_certify"
    assert "office_visit.nothing_to_follow" in result.deciding_rules


def test_a_follow_up_visit_the_record_is_silent_on_stays_undetermined() -> None:
    case = read_synthetic("The patient was injured lifting a box at work.",
                          [("Follow-up visit in 6 weeks", "The patient was seen for a neck strain.")])
    assert case.clinical.current_symptoms is None
    assert evaluate_case(case).requests[0].determination == "undetermined"


def test_a_possible_lesion_makes_its_own_regions_diagnosis_uncertain_not_another_regions() -> None:
    from imr_check.facts import request_facts

    case = read_synthetic("The physician suspects a possible rotator cuff tear of the right shoulder.",
                          [("MRI of the right shoulder", "The patient has shoulder pain."),
                           ("Orthopedic consultation for the left knee", "The patient has knee pain.")])
    on = case.case.ur_decision_date
    assert request_facts(case, 0, on).get("clinical.diagnosis_uncertain") is True
    assert request_facts(case, 1, on).get("clinical.diagnosis_uncertain") is None
