"""Reading injection requests the guidelines judge by kind and joint: sacroiliac joint blocks (with the provocative
tests ODG counts), sympathetic blocks, selective nerve root blocks, bursa injections, and the diagnoses the ACOEM 2004
wrist, hand, ankle and foot chapters and ODG's hip chapter allow an injection for. Sentences written for the tests."""

from __future__ import annotations

from typing import Any

import pytest

from imr_check.reader.classify import parse_request

from reader_support import fact, read_synthetic


@pytest.mark.parametrize("text, injection_type, body_region", [
    ("Left SI joint injection under fluoroscopy", "sacroiliac_joint", "sacroiliac"),
    ("Bilateral sacroiliac joint blocks", "sacroiliac_joint", "sacroiliac"),
    # An ablation of the joint's nerves is not a block of the joint.
    ("Right sacroiliac joint radiofrequency ablation", "facet_neurotomy", "sacroiliac"),
    ("Right stellate ganglion block", "sympathetic_block", None),
    ("Left lumbar sympathetic block", "sympathetic_block", "lumbar_spine"),
    ("Right L5 selective nerve root block", "epidural_steroid", None),
    ("Right greater trochanteric bursa injection", "corticosteroid_joint_or_soft_tissue", None),
    ("Steroid injection to the left hip", "corticosteroid_joint_or_soft_tissue", "hip_pelvis"),
    ("Lumbar facet injection L4-L5", "facet_joint", "lumbar_spine"),
    # The injections the wrist, hand, ankle and foot chapters name are corticosteroid injections by their site.
    ("Right trigger finger injection", "corticosteroid_joint_or_soft_tissue", "forearm_wrist_hand"),
    ("Left de Quervain injection", "corticosteroid_joint_or_soft_tissue", "forearm_wrist_hand"),
    ("Right carpal tunnel injection", "corticosteroid_joint_or_soft_tissue", "forearm_wrist_hand"),
    ("Left plantar fascia injection", "corticosteroid_joint_or_soft_tissue", "ankle_foot"),
    ("Prolotherapy injections to the low back", "prolotherapy", "lumbar_spine"),
    ("Prolotherapy x3", "prolotherapy", None),
    ("Bilateral greater occipital nerve blocks", "occipital_nerve_block", None),
])
def test_injection_kinds(text: str, injection_type: str, body_region: str | None) -> None:
    parsed = parse_request(text)
    assert (parsed.topic, parsed.injection_type) == ("injection", injection_type)
    if body_region is not None:
        assert parsed.body_region == body_region


def test_a_selective_nerve_root_block_is_a_transforaminal_injection_of_its_levels() -> None:
    parsed = parse_request("Right L4-L5, L5-S1 selective nerve root block")
    assert (parsed.injection_approach, parsed.spinal_levels) == ("transforaminal", 2)


def _sacroiliac_tests(summary: str, header: str = "Left SI joint injection") -> Any:
    case = read_synthetic(summary, [(header, "The patient reports low back and buttock pain.")])
    return fact(case, "clinical.sacroiliac_positive_tests")


@pytest.mark.parametrize("summary, expected", [
    ("On examination the FABER, Gaenslen's and thigh thrust tests were positive on the left.", 3),
    ("The FABER test was positive on the left, the Gaenslen test negative and the compression test negative.", 1),
    # The same test named twice counts once.
    ("Patrick's test was positive. A repeat Patrick test was again positive at the next visit.", 1),
    ("Sacroiliac provocation tests, including FABER and Gaenslen, were negative bilaterally.", 0),
    ("There was tenderness over the left sacroiliac joint.", None),
])
def test_sacroiliac_provocative_tests_are_counted(summary: str, expected: int | None) -> None:
    assert _sacroiliac_tests(summary) == expected


def test_the_tests_are_counted_only_for_a_sacroiliac_block() -> None:
    summary = "On examination the FABER, Gaenslen's and thigh thrust tests were positive on the left."
    assert _sacroiliac_tests(summary, header="Lumbar epidural steroid injection") is None


@pytest.mark.parametrize("name, summary, header, expected", [
    ("stenosing_tenosynovitis", "He was diagnosed with a right trigger thumb.", "Right thumb cortisone injection", True),
    ("stenosing_tenosynovitis", "She is status post a trigger finger release in 2014.", "Right wrist steroid injection",
     None),
    ("plantar_fasciitis", "The assessment was bilateral plantar fasciitis.", "Left heel steroid injection", True),
    ("morton_neuroma", "An ultrasound showed an intermetatarsal neuroma.", "Foot steroid injection", True),
    ("trochanteric_bursitis", "The diagnosis is right greater trochanteric bursitis.", "Right hip bursa injection", True),
    ("trochanteric_bursitis", "The hip examination found no sign of trochanteric bursitis.", "Right hip steroid injection",
     False),
])
def test_injection_diagnoses_are_read_for_an_injection(name: str, summary: str, header: str, expected: Any) -> None:
    case = read_synthetic(summary, [(header, "The patient reports pain despite therapy.")])
    assert fact(case, f"clinical.{name}") == expected


@pytest.mark.parametrize("text", ["Right trigger finger release", "Left carpal tunnel release", "De Quervain release"])
def test_a_release_of_the_same_sites_stays_an_operation(text: str) -> None:
    assert parse_request(text).topic == "surgery"
