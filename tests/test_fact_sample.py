"""bench/fact_sample.py: which facts the hand audit draws from, on letters written for the tests."""

from __future__ import annotations

import sys
from pathlib import Path

from reader_support import read_synthetic

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from fact_sample import STATED_NOT_DOCUMENTED, letter_candidates  # noqa: E402

OPIOID_ITEM = ("Tramadol 50mg #60", "The patient has knee pain.")


def test_a_stated_absence_is_a_filled_fact_to_judge_not_an_empty_one():
    # "No documentation of X" is something the reader read: the audit judges it for precision (was the absence
    # stated?) and does not count it among the facts left empty.
    case = read_synthetic("There was no discussion of the analgesic effect of the tramadol.", [OPIOID_ITEM])
    path = "requests[0].opioid_monitoring.analgesia"
    assert path in case.not_documented
    for focus in ("heavy", "rationale-request"):
        filled, missing = letter_candidates("CM99-0000002", case, focus)
        assert [(letter, value) for letter, one, value, _ in filled if one == path] == \
            [("CM99-0000002", STATED_NOT_DOCUMENTED)]
        assert not any(path in one for _, one in missing)


def test_a_fact_the_letter_is_silent_on_is_left_empty():
    case = read_synthetic("The patient has knee pain.", [OPIOID_ITEM])
    path = "requests[0].opioid_monitoring.analgesia"
    assert path not in case.not_documented and case.value_at(path) is None
    filled, missing = letter_candidates("CM99-0000002", case)
    assert not any(one == path for _, one, _, _ in filled)
    assert ("CM99-0000002", f"{path} (opioid)") in missing
