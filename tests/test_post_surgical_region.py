"""A surgery is its region's (issue 12): another region's operation does not put a request after surgery, and an
operation only planned does not either, though a surgery done is named beside it. Letters and cases written here."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from imr_check import evaluate_case, load_case_text
from imr_check.facts import request_facts

from reader_support import read_synthetic

UR_DAY = dt.date(2017, 2, 10)
REVIEWED = "The medical records were reviewed."
LUMBAR_TENS = ("TENS unit lumbar spine 30 day rental", REVIEWED)
KNEE_PT = ("Physical therapy 6 sessions left knee", REVIEWED)
LUMBAR_PT = ("Physical therapy 8 sessions lumbar spine", REVIEWED)
RIGHT_KNEE_PT = ("Physical therapy 12 sessions right knee", REVIEWED)
SHOULDER_PT = ("Physical therapy 12 sessions right shoulder", REVIEWED)


def seen(summary: str, items: list[tuple[str, str]]) -> list[dict]:
    case = read_synthetic(summary, items)
    return [request_facts(case, index, UR_DAY) for index in range(len(items))]


def test_a_knee_arthroscopy_puts_knee_therapy_after_surgery_and_not_a_lumbar_tens_unit():
    summary = "She had a left knee arthroscopy on 12/01/2016 and has chronic low back pain."
    case = read_synthetic(summary, [LUMBAR_TENS, KNEE_PT])
    assert case.clinical.is_post_surgical is True
    assert case.regional_facts["clinical.is_post_surgical"] == ["knee"]
    tens, knee = (request_facts(case, index, UR_DAY) for index in range(2))
    assert "clinical.is_post_surgical" not in tens
    assert tens["request.in_postsurgical_period"] is False
    assert knee["clinical.is_post_surgical"] is True
    assert knee["request.in_postsurgical_period"] is True
    # The opioid and anti-emetic clauses follow the patient's recovery from any operation.
    assert tens["case.is_post_surgical_any_region"] is True


def test_a_plan_word_silences_its_own_clause_and_the_surgery_done_beside_it_is_read():
    summary = "Status post L4-5 fusion on 06/02/2016; a right total knee arthroplasty is scheduled."
    case = read_synthetic(summary, [LUMBAR_PT, RIGHT_KNEE_PT])
    assert case.regional_facts["clinical.is_post_surgical"] == ["lumbar_spine"]
    # The surgery done is the fusion, not the arthroplasty planned in the next clause.
    assert case.clinical.surgery_performed == "lumbar_fusion"
    lumbar, knee = (request_facts(case, index, UR_DAY) for index in range(2))
    assert lumbar["clinical.is_post_surgical"] is True
    assert "clinical.is_post_surgical" not in knee


@pytest.mark.parametrize("summary", [
    "A right rotator cuff repair has been authorized and is scheduled for next month.",
    "The surgeon has authorized a right rotator cuff repair on 04/03/2017.",
    "A right rotator cuff repair is to be performed on 04/03/2017.",
    "The request is for post-operative physical therapy after the planned right rotator cuff repair.",
    "Post-operative physical therapy is requested; the right rotator cuff repair is pending.",
])
def test_an_operation_only_planned_is_no_surgery_the_request_follows(summary):
    case = read_synthetic(summary, [SHOULDER_PT])
    assert case.clinical.is_post_surgical is None
    assert case.clinical.surgery_performed is None


def test_a_surgery_done_on_the_region_of_one_planned_puts_that_region_after_surgery():
    summary = "He is status post right knee arthroscopy on 05/05/2015; a right TKA is now planned."
    case = read_synthetic(summary, [RIGHT_KNEE_PT])
    assert case.clinical.surgery_performed == "knee_arthroscopy"
    assert request_facts(case, 0, UR_DAY)["clinical.is_post_surgical"] is True


@pytest.mark.parametrize("summary, region", [
    # No region word: the operation's own region (rules/surgeries.yaml).
    ("s/p CTR 09/2016, with scar tenderness.", "forearm_wrist_hand"),
    ("Status post ACL reconstruction, now in a hinged brace.", "knee"),
    ("He underwent an ACDF in 2015.", "cervical_spine"),
])
def test_an_operation_naming_no_region_is_on_its_own_region(summary, region):
    assert read_synthetic(summary, [LUMBAR_TENS]).regional_facts["clinical.is_post_surgical"] == [region]


def test_a_request_naming_no_region_sees_the_case_s_surgery():
    tens, cold = seen("She had a left knee arthroscopy on 12/01/2016.",
                      [LUMBAR_TENS, ("Cold therapy unit rental", REVIEWED)])
    assert "clinical.is_post_surgical" not in tens
    assert cold["clinical.is_post_surgical"] is True


def _tens_and_antiemetic_after_a_knee_operation() -> dict:
    knee_surgery = {"is_post_surgical": True, "surgery_performed": "knee_arthroscopy", "surgery_date": "2016-12-01"}
    return {
        "case": {"id": "CM99-0000121", "request_date": "2017-02-01", "injury_date": "2015-05-04"},
        "clinical": {**knee_surgery, "opioid_use": True},
        "regional_facts": {"clinical.is_post_surgical": ["knee"]},
        "requests": [
            {"id": "r1", "text": "TENS unit lumbar spine 30 day rental", "topic": "tens",
             "body_region": "lumbar_spine", "duration_weeks": 4},
            {"id": "r2", "text": "Ondansetron 8 mg #10 for low back pain", "topic": "antiemetic",
             "body_region": "lumbar_spine", "drug": {"name": "ondansetron"}},
        ],
    }


def test_a_lumbar_tens_unit_after_a_knee_operation_is_judged_by_the_chronic_pain_criteria():
    tens = evaluate_case(load_case_text(yaml.safe_dump(_tens_and_antiemetic_after_a_knee_operation()))).requests[0]
    status = {criterion.rule_id: criterion.status for criterion in tens.criteria}
    assert status["tens.post_operative_first_30_days"] == "not_applicable"
    assert status["tens.adjunct_to_functional_restoration"] != "not_applicable"
    assert status["tens.other_modalities_failed"] != "not_applicable"
    # The same unit for the knee operated on is judged by the post-operative clause alone.
    case = _tens_and_antiemetic_after_a_knee_operation()
    case["requests"][0].update(text="TENS unit left knee 30 day rental", body_region="knee")
    status = {c.rule_id: c.status for c in evaluate_case(load_case_text(yaml.safe_dump(case))).requests[0].criteria}
    assert status["tens.post_operative_first_30_days"] == "met"
    assert status["tens.other_modalities_failed"] == "not_applicable"


def test_an_anti_emetic_after_any_operation_is_left_to_judgement_whatever_region_its_request_names():
    case = _tens_and_antiemetic_after_a_knee_operation()
    antiemetic = evaluate_case(load_case_text(yaml.safe_dump(case))).requests[1]
    assert antiemetic.determination == "undetermined"
    case["clinical"].update(is_post_surgical=False)
    del case["clinical"]["surgery_performed"], case["clinical"]["surgery_date"], case["regional_facts"]
    assert evaluate_case(load_case_text(yaml.safe_dump(case))).requests[1].determination == "non_certify"
