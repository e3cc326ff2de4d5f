"""Neurological findings read as a clinician reads them: for the limb and the spinal region whose nerves they concern.

A numb thumb may come from the C6 root or the median nerve, so it is a finding for a neck MRI and an arm study, but not
for a leg study; a positive straight leg raise is a finding for the low back and the leg, not for the arm (issue 12).
Every sentence here is written for the project.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from imr_check.case import Case
from imr_check.facts import request_facts

from test_reader_facts import read

_ON = dt.date(2017, 2, 1)
_NECK = ("MRI of the cervical spine", "The patient has neck pain.")
_LOW_BACK = ("MRI of the lumbar spine", "The patient has low back pain.")
_ARMS = ("NCS of the bilateral upper extremities", "The patient has arm pain.")
_LEGS = ("NCS of the bilateral lower extremities", "The patient has leg pain.")


def seen(case: Case, index: int, name: str) -> Any:
    """The fact as the rules see it for one request (None: not documented for that request)."""
    return request_facts(case, index, _ON).get(f"clinical.{name}")


@pytest.mark.parametrize("sentence, name", [
    ("Examination showed a positive straight leg raise on the left and tenderness of the cervical spine.",
     "radiculopathy_on_exam"),
    ("She has 4/5 strength of the left ankle dorsiflexors.", "neurological_deficit"),
    ("There is decreased sensation in the left L5 dermatome.", "neurological_deficit"),
])
def test_a_leg_finding_is_for_the_low_back_and_the_legs_not_the_arms(sentence: str, name: str) -> None:
    case = read(sentence, [_LOW_BACK, _LEGS, _NECK, _ARMS])
    assert [seen(case, i, name) for i in range(4)] == [True, True, None, None]


@pytest.mark.parametrize("sentence, name", [
    ("She has decreased sensation in the right thumb and index finger.", "neurological_deficit"),
    ("There is decreased sensation over the right C6 dermatome.", "neurological_deficit"),
    ("Phalen's test is positive at the right wrist.", "nerve_entrapment_suspected"),
])
def test_an_arm_finding_is_for_the_neck_and_the_arms_not_the_legs(sentence: str, name: str) -> None:
    case = read(sentence, [_LOW_BACK, _LEGS, _NECK, _ARMS])
    assert [seen(case, i, name) for i in range(4)] == [None, None, True, True]


def test_a_finding_named_without_a_region_holds_for_every_region() -> None:
    case = read("A neurological deficit was noted.", [_LOW_BACK, _ARMS])
    assert seen(case, 0, "neurological_deficit") is True and seen(case, 1, "neurological_deficit") is True


def test_a_rationale_s_finding_without_a_region_is_for_its_item_s_nerves() -> None:
    case = read("The patient has pain.", [("MRI of the lumbar spine", "There are no neurological deficits."), _ARMS])
    assert seen(case, 0, "neurological_deficit") is False
    assert seen(case, 1, "neurological_deficit") is None
