"""What the tuning-fold fact audit (bench/fact_precision.md, "Tuning audit") found the reader getting wrong, by cause.

Each sentence is written for the test; none is taken from a letter.
"""

from __future__ import annotations

from typing import Any

import pytest

from reader_support import NOT_DOCUMENTED, fact, read_synthetic

_KNEE_MRI = ("MRI of the left knee", "The patient has left knee pain.")
_LUMBAR_MRI = ("MRI of the lumbar spine", "The patient has low back pain.")


def _clinical(name: str, summary: str, rationale: str = "The patient has low back pain.",
              request: str = "MRI of the lumbar spine") -> Any:
    return fact(read_synthetic(summary, [(request, rationale)]), f"clinical.{name}")


@pytest.mark.parametrize("rationale, expected", [
    # the record's silence said with "has not been": a stated absence, not a finding that there is none
    ("Evidence of a progressive neurological deficit has not been documented.", NOT_DOCUMENTED),
    ("A neurological deficit was not documented.", NOT_DOCUMENTED),
    # a finding said absent stays false
    ("On his examination there was no neurological deficit.", False),
])
def test_has_not_been_documented_is_a_stated_absence(rationale: str, expected: Any) -> None:
    assert _clinical("neurological_deficit", "She has low back pain.", rationale) == expected


@pytest.mark.parametrize("summary, on_exam, suspected", [
    # the patient's report of pain down a limb suggests a radiculopathy; the examiner has not found one
    ("She complains of low back pain that radiates down the left leg to the heel.", None, True),
    # a sign the examiner elicited is the finding
    ("On examination the straight leg raise was positive on the left.", True, None),
])
def test_a_radiating_complaint_is_a_suspicion_not_an_examination_finding(summary: str, on_exam: Any,
                                                                          suspected: Any) -> None:
    case = read_synthetic(summary, [_LUMBAR_MRI])
    assert fact(case, "clinical.radiculopathy_on_exam") == on_exam
    assert fact(case, "clinical.radiculopathy_suspected") == suspected


@pytest.mark.parametrize("name, summary, expected", [
    # an examiner's finding is not a complaint
    ("current_symptoms", "Guarding was noted along with muscle spasm.", None),
    # an aggravating factor is not a change in the symptoms
    ("significant_change_in_symptoms", "He stated that the left knee pain increased with walking.", None),
    ("significant_change_in_symptoms", "Her knee pain is gradually getting worse.", True),
    # an activity not tolerated is not a medication not tolerated
    ("medication_not_tolerated", "She was not tolerating standing at work.", None),
    # the guideline's title is not the patient's chronic pain
    ("persistent_symptoms", "The treating physician quoted the Chronic Pain Medical Treatment Guidelines.", None),
])
def test_a_sentence_is_read_for_the_fact_it_states(name: str, summary: str, expected: Any) -> None:
    case = read_synthetic(summary, [_KNEE_MRI])
    assert fact(case, f"clinical.{name}") == expected


def test_what_a_guideline_is_said_to_recommend_is_not_the_patient_s_care() -> None:
    # the guideline as a passive's agent: the home exercise named is the guideline's, not this patient's program
    rationale = "He has had more visits than those espoused in the MTUS for home exercise instruction."
    assert _clinical("exercise_program", "He has left knee pain.", rationale, "Physical therapy for the left knee") is None
    # the same care said of the patient is read
    rationale = "He has had more visits and now does a home exercise program."
    assert _clinical("exercise_program", "He has left knee pain.", rationale, "Physical therapy for the left knee") is True


def test_the_benefits_of_a_prior_course_missing_are_not_the_course_missing() -> None:
    # "benefits" as well as "benefit": what the record lacks is the course's result, not the course
    rationale = "The records are not clear what benefits she had from prior physical therapy visits."
    case = read_synthetic("She has low back pain.", [("Physical therapy 2 times a week for 4 weeks", rationale)])
    assert case.requests[0].history.prior_treatment is not False
