"""The tuning half of bench/guideline_text: quoted guideline and criteria text gives its request no patient fact.

The held-out half is never tested here (bench/guideline_text.py counts it), so that it keeps measuring wording no fix
has seen.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import guideline_text  # noqa: E402

TUNING = [s for s in guideline_text.load_set() if s.half == "tuning"]


def test_the_set_has_both_halves():
    halves = [s.half for s in guideline_text.load_set()]
    assert halves.count("tuning") >= 10 and halves.count("held_out") >= 10


@pytest.mark.parametrize("sentence", TUNING, ids=[s.text[:60] for s in TUNING])
def test_guideline_text_gives_no_patient_fact(sentence):
    assert guideline_text.facts_given(sentence) == {}


@pytest.mark.parametrize("text, item, fact", [
    ("The patient has completed 12 sessions of physical therapy without relief.", "MRI lumbar spine",
     "clinical.failed_conservative_care"),
    ("There is no documentation of functional improvement from the prior acupuncture.", "Acupuncture x6 cervical spine",
     "request.history.functional_improvement.demonstrated"),
])
def test_the_bench_sees_a_patient_fact_in_the_same_place(text, item, fact):
    # Without this the set could pass by reading nothing at all.
    assert fact in guideline_text.facts_given(guideline_text.GuidelineSentence(text, item))
