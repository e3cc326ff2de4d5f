"""The reader on devices and services: stimulator units, home health, spinal cord stimulators, knee injections,
post-operative and back equipment. Every sentence and request here was written for these tests."""

from __future__ import annotations

from typing import Any

import pytest

from imr_check.reader.classify import parse_request

from reader_support import read_synthetic


def _clinical(summary: str, name: str) -> Any:
    case = read_synthetic(summary, [("Home health care", "The patient has low back pain.")], case_number="CM99-0000003",
                          worker="58 year old female")
    return getattr(case.clinical, name)


@pytest.mark.parametrize("text, topic", [
    ("H-wave unit, 30 day home trial", "tens"),
    ("NMES unit for the quadriceps", "tens"),
    ("Neuromuscular electrical stimulator unit purchase", "tens"),
    ("Home health aide 4 hours a day, 5 days a week", "home_health"),
    # home health care after an operation is home health (tied to the surgery by the reader), not "post-op" alone
    ("Post-operative home health nursing for dressing changes", "home_health"),
    ("Post-op in-home nursing visits x 6", "home_health"),
    ("In-home care assistance for 6 weeks", "home_health"),
    ("Homemaker services, 10 hours a week", "home_health"),
    ("Spinal cord stimulator trial", "spinal_cord_stimulator"),
    ("Dorsal column stimulator implantation", "spinal_cord_stimulator"),
    ("Hyaluronic acid injection to the left knee", "injection"),
    ("Orthovisc injections x3, right knee", "injection"),
    ("CPM machine rental x 21 days", "durable_medical_equipment"),
    ("LSO back brace", "durable_medical_equipment"),
    ("Polar care unit for 7 days", "durable_medical_equipment"),
    # a home exercise program is not home health care; clinic electrical stimulation stays a modality
    ("Home exercise kit", "durable_medical_equipment"),
    ("Electrical stimulation 2 times a week for 3 weeks", "passive_modality"),
])
def test_topics(text: str, topic: str) -> None:
    assert parse_request(text).topic == topic


@pytest.mark.parametrize("text, field, expected", [
    ("H-wave unit, 30 day home trial", "stimulator_types", ["h_wave"]),
    ("H-wave unit, 30 day home trial", "duration_weeks", 4.3),
    ("NMES unit for the quadriceps", "stimulator_types", ["neuromuscular"]),
    ("Home health aide 4 hours a day, 5 days a week", "hours_per_week", 20),
    ("Home health aide 4 hours a day, 5 days a week", "home_health_services", ["personal_care"]),
    ("Home health nurse for dressing changes, 3 hours per week", "home_health_services", ["medical"]),
    ("Home health nurse for dressing changes, 3 hours per week", "hours_per_week", 3),
    ("Homemaker services for cleaning and laundry", "home_health_services", ["homemaker"]),
    ("Home health care 24/7", "hours_per_week", 168),
    # hours a day without the days a week give no weekly total
    ("Home health care 6 hours a day", "hours_per_week", None),
    ("Home health care", "home_health_services", None),
    # "times" and "visits" a week count the days; "daily" is seven of them; a visit's hours by visits a week
    ("Home aide 10 hours a day, 4 times a week for 3 weeks", "hours_per_week", 40),
    ("Home health nurse 3 hours daily for wound care", "hours_per_week", 21),
    ("Daily home health aide, 5 hours a day", "hours_per_week", 35),
    ("Home nursing 2 hours a visit, 3 visits a week", "hours_per_week", 6),
    ("Daily RN visits for wound care", "hours_per_week", None),
    ("Spinal cord stimulator trial", "is_trial", True),
    ("Permanent spinal cord stimulator implant", "is_trial", False),
    ("Spinal cord stimulator", "is_trial", None),
    ("Synvisc-One injection, right knee", "injection_type", "hyaluronic_acid"),
    ("Viscosupplementation of the left knee, series of 3", "injection_type", "hyaluronic_acid"),
    ("Cortisone injection to the right knee", "injection_type", "corticosteroid_joint_or_soft_tissue"),
    # the sites and drugs the guidelines name for a corticosteroid injection, and hyaluronic acid written in two words
    ("Visco supplementation, right knee", "injection_type", "hyaluronic_acid"),
    ("Subacromial injection", "injection_type", "corticosteroid_joint_or_soft_tissue"),
    ("Subacromial injection", "body_region", "shoulder"),
    ("Left trochanteric injection under ultrasound", "injection_type", "corticosteroid_joint_or_soft_tissue"),
    ("Left trochanteric injection under ultrasound", "body_region", "hip_pelvis"),
    ("Celestone 6 mg injection", "injection_type", "corticosteroid_joint_or_soft_tissue"),
    ("Methylprednisolone injection to the wrist", "injection_type", "corticosteroid_joint_or_soft_tissue"),
    # a joint injected with no drug named could be a corticosteroid or hyaluronic acid: not read
    ("Intra-articular injection of the left knee", "injection_type", None),
    ("CPM machine rental x 21 days", "equipment", "continuous_passive_motion"),
    ("CPM machine rental x 21 days", "duration_weeks", 3),
    ("Cold therapy unit, 7-day rental", "duration_weeks", 1),
    ("Lumbar support brace", "equipment", "lumbar_support"),
    ("LSO brace", "equipment", "lumbar_support"),
    ("Knee brace", "equipment", "brace"),
])
def test_request_parts(text: str, field: str, expected: Any) -> None:
    assert getattr(parse_request(text), field) == expected


@pytest.mark.parametrize("name, sentence, expected", [
    ("failed_tens_trial", "A TENS unit was tried for a month without lasting relief.", True),
    ("failed_tens_trial", "She failed a prior trial of TENS.", True),
    ("failed_tens_trial", "A TENS trial is planned before anything else.", None),
    ("chronic_soft_tissue_inflammation", "Diagnoses include lateral epicondylitis and shoulder bursitis.", True),
    ("chronic_soft_tissue_inflammation", "There was no evidence of tendinitis on the ultrasound.", False),
    ("homebound", "The patient is homebound since the fall.", True),
    ("homebound", "She is not homebound and drives to her appointments.", False),
    ("homebound", "She lives alone in an apartment.", None),
    # homebound from the findings that make it, both ways; being unable to drive is not homebound
    ("homebound", "Since the ankle fixation he is non-weight bearing on the left leg.", True),
    ("homebound", "She has been confined to a wheelchair since the fall.", True),
    ("homebound", "He walks without an assistive device.", False),
    ("homebound", "She drove herself to the office today.", False),
    ("homebound", "He cannot drive because of the pain medication.", None),
    # the two parts of the 2016 definition, read from what the record says of leaving home, for the patient only
    ("leaving_home_restricted", "He cannot get out of the house without the help of his brother.", True),
    ("leaving_home_restricted", "Since the fall she requires crutches to leave her apartment.", True),
    ("leaving_home_restricted", "His doctor told him not to leave the house until the graft heals.", True),
    ("leaving_home_restricted", "She does not require assistance to leave the home.", False),
    ("leaving_home_restricted", "His father relies on a walker to leave the house.", None),
    ("leaving_home_restricted", "She uses a cane for long walks.", None),
    ("leaving_home_major_effort", "For her, leaving the house is a considerable and taxing effort.", True),
    ("leaving_home_major_effort", "He goes out of the house only for medical appointments.", True),
    ("leaving_home_major_effort", "Leaving the house is not a major effort for him.", False),
    ("leaving_home_major_effort", "Getting to the gym is a major effort after work.", None),
    # a finding that makes both parts at once is homebound itself; help to leave home alone is not
    ("homebound", "He has been bedridden since the spinal cord injury.", True),
    ("homebound", "She needs her son's help to leave the house.", None),
    # a documented low testosterone level (replacement's criterion), not a symptom of one nor a suspicion
    ("low_testosterone", "A serum testosterone drawn in January was below the normal range.", True),
    ("low_testosterone", "The endocrinologist diagnosed secondary hypogonadism.", True),
    ("low_testosterone", "His total testosterone was normal on the last panel.", False),
    ("low_testosterone", "He complains of reduced libido and fatigue.", None),
    ("low_testosterone", "The plan is to check a testosterone level to rule out hypogonadism.", None),
    ("failed_back_surgery_syndrome", "Diagnoses include failed back surgery syndrome after an L5-S1 fusion.", True),
    ("failed_back_surgery_syndrome", "He has post-laminectomy syndrome of the lumbar spine.", True),
    ("psychological_clearance", "A psychological evaluation cleared her for the spinal cord stimulator trial.", True),
    ("psychological_clearance", "There was no psychological clearance for the stimulator trial.", False),
    ("psychological_clearance", "A psychological evaluation for the stimulator trial was requested.", None),
])
def test_case_facts(name: str, sentence: str, expected: Any) -> None:
    assert _clinical(sentence, name) is expected


def test_an_h_wave_request_reads_its_own_history_not_the_tens_trial() -> None:
    from imr_check.reader.clinical import treatment_pattern

    pattern = treatment_pattern("tens", "H-wave unit, 30 day home trial")
    assert pattern.search("She used an H-wave unit last year.") and not pattern.search("A TENS unit did not help.")
    # a combination unit that gives TENS keeps the TENS history
    assert treatment_pattern("tens", "TENS/IF unit").search("A TENS unit did not help.")
    assert treatment_pattern("spinal_cord_stimulator", "Permanent spinal cord stimulator").search(
        "The SCS trial gave 60% relief.")
