"""The reader on referrals, functional restoration programs, neurolytic injections and impedance imaging.

Every sentence and request here is written for the project (not taken from a letter): one per phrasing,
present, negated and absent, so a pattern that stops matching, or matches too much, fails.
"""

from __future__ import annotations

from typing import Any

import pytest

from imr_check.reader.classify import parse_request

from reader_support import NOT_DOCUMENTED
from test_reader_facts import clinical


@pytest.mark.parametrize("text, topic, field, expected", [
    ("Referral to a pain management specialist", "consultation", "consultant_specialty", "pain_management"),
    ("Orthopedic consult for the left knee", "consultation", "consultant_specialty", "surgical"),
    ("Orthopedic surgery consultation for the lumbar spine", "consultation", "consultant_specialty", "surgical"),
    ("Consultation with a hand surgeon", "consultation", "consultant_specialty", "surgical"),
    ("Rheumatology consultation", "consultation", "consultant_specialty", "other"),
    # a referral to evaluate for an operation is to a surgeon, and one about the drugs taken is medication management
    ("Referral to a knee replacement specialist", "consultation", "consultant_specialty", "surgical"),
    ("Consultation to evaluate for a total shoulder arthroplasty", "consultation", "consultant_specialty", "surgical"),
    ("Consultation for medication management", "consultation", "consultant_specialty", "medication_management"),
    ("Psychiatric medication management consultation", "consultation", "consultant_specialty", "other"),
    ("Right shoulder arthroscopic surgery", "surgery", "consultant_specialty", None),
    ("FRP x 160 hours", "functional_restoration", "sessions", 20),
    ("HELP program for 10 days", "functional_restoration", "sessions", 10),
    ("Chronic pain rehabilitation program, 6 weeks", "functional_restoration", "sessions", None),
    ("Functional restoration program 5 days a week for 2 weeks", "functional_restoration", "duration_weeks", 2),
    ("Functional restoration program 5 days a week for 2 weeks", "functional_restoration", "is_evaluation", False),
    ("Multidisciplinary evaluation for a functional restoration program", "functional_restoration", "is_evaluation", True),
    ("Trigger point impedance imaging of the neck", "imaging", "study", "trigger_point_impedance_imaging"),
    ("Hyperstimulation analgesia after TPII", "passive_modality", "study", None),
    ("Injection of neurolytic substance, lumbar epidural", "injection", "injection_type", "epidural_adhesiolysis"),
    ("Neurolytic destruction of the L4-L5 facet joint nerves", "injection", "injection_type", "facet_neurotomy"),
])
def test_request_parts(text: str, topic: str, field: str, expected: Any) -> None:
    parsed = parse_request(text)
    assert parsed.topic == topic
    assert getattr(parsed, field) == expected


@pytest.mark.parametrize("name, sentence, expected", [
    ("diagnosis_uncertain", "The etiology of her wrist pain remains unclear.", True),
    ("diagnosis_uncertain", "The differential diagnosis includes a labral tear.", True),
    ("diagnosis_uncertain", "He has a lumbar strain.", None),
    ("psychosocial_factors", "She reports anxiety and fear-avoidance of lifting.", True),
    ("psychosocial_factors", "He denies anxiety.", False),
    ("baseline_functional_testing", "A functional capacity evaluation on 01/05/2017 measured her lifting tolerance.", True),
    ("baseline_functional_testing", "There was no baseline functional testing.", False),
    ("baseline_functional_testing", "The physician requested a functional capacity evaluation.", None),
    ("motivated_to_change", "He is highly motivated to return to work.", True),
    ("motivated_to_change", "She is willing to participate in the program.", True),
    ("motivated_to_change", "The record notes poor motivation.", False),
    ("motivated_to_change", "There is no documentation of motivation to change.", NOT_DOCUMENTED),
])
def test_referral_and_program_facts(name: str, sentence: str, expected: Any) -> None:
    assert clinical(sentence, name) is expected


@pytest.mark.parametrize("summary, header, expected", [
    ("The diagnoses include a cervical strain. She has neck pain.", "Extracorporeal shockwave therapy", "cervical_spine"),
    ("The diagnoses include a cervical strain and a lumbar strain.", "Extracorporeal shockwave therapy", None),
    ("The diagnoses include a cervical strain. She has neck pain.", "Extracorporeal shockwave therapy to the knee", "knee"),
])
def test_a_request_naming_no_region_treats_the_only_injured_region(summary: str, header: str, expected: str | None) -> None:
    from test_reader_facts import read

    case = read(summary, [(header, "The patient reports pain.")])
    assert case.requests[0].body_region == expected
