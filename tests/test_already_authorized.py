"""A request duplicating a service already authorized: the fact the reader reads, and the rule of every topic.
Every sentence here was written for these tests."""

from __future__ import annotations

import pytest

from imr_check import evaluate_case, load_case_text
from imr_check.knowledge import load_knowledge

from test_reader_facts import read

_MRI = "MRI of the lumbar spine"


@pytest.mark.parametrize("summary, rationale, expected", [
    # explicit statements about this service
    ("Low back pain.", "An MRI of the lumbar spine was previously authorized on 01/05/2017.", True),
    ("Low back pain.", "The requested study has already been approved.", True),
    ("A lumbar MRI was previously certified and has not been performed yet.", "Low back pain.", True),
    # negated: documented false
    ("Low back pain.", "The MRI of the lumbar spine has not been previously authorized.", False),
    # another service, another region, another study
    ("Low back pain.", "Physical therapy was previously authorized.", None),
    ("Low back pain.", "An MRI of the cervical spine was previously authorized.", None),
    ("Low back pain.", "X-rays of the lumbar spine were previously approved.", None),
    # an earlier study that was done, and a partial authorization of this request
    ("Low back pain.", "A lumbar MRI was previously authorized and showed a disc protrusion at L4-5.", None),
    ("Low back pain.", "The remaining portion of the MRI request was previously authorized.", None),
    # a conclusion, and the utilization reviewer's reason for a denial, are not statements of the record
    ("Low back pain.", "As the lumbar MRI was already authorized, the request is not medically necessary.", None),
    ("Utilization review denied the MRI because a lumbar MRI was previously authorized.", "Low back pain.", None),
    # another item's authorization
    ("Naproxen was previously approved.", "Low back pain.", None),
    # no statement
    ("Low back pain.", "The patient has radiating pain in the left leg.", None),
])
def test_already_authorized_is_read_from_statements_about_this_service(summary: str, rationale: str,
                                                                       expected: bool | None) -> None:
    case = read(summary, [(_MRI, rationale)])
    assert case.requests[0].already_authorized is expected


def test_a_course_of_visits_is_not_read_as_a_duplicate() -> None:
    case = read("Low back pain.", [("Physical therapy 2 times a week for 3 weeks",
                                    "Physical therapy was previously authorized.")])
    assert case.requests[0].already_authorized is None


def test_a_drug_is_not_read_as_a_duplicate() -> None:
    case = read("Low back pain.", [("Naproxen 550mg #60", "Naproxen was previously approved.")])
    assert case.requests[0].already_authorized is None


_CASE = """
case: {{id: dup, request_date: 2016-11-14}}
requests:
  - {{id: r1, text: Interpreter for the visit, topic: interpreter{extra}}}
"""


def test_the_rule_of_every_topic_leaves_other_answers_and_reasons_alone() -> None:
    result = evaluate_case(load_case_text(_CASE.format(extra="")))
    request = result.requests[0]
    assert request.determination == "undetermined"
    assert request.reason.startswith("the guidelines give no criterion for")
    assert all(c.rule_id != "already_authorized.not_a_duplicate" for c in request.criteria)


def test_the_rule_of_every_topic_decides_a_documented_duplicate_in_any_topic() -> None:
    result = evaluate_case(load_case_text(_CASE.format(extra=", already_authorized: true")))
    request = result.requests[0]
    assert (request.determination, request.deciding_rules) == ("non_certify", ["already_authorized.not_a_duplicate"])


def test_a_rule_of_every_topic_serves_every_topic_but_covers_none() -> None:
    knowledge = load_knowledge()
    rule = knowledge.rule("already_authorized.not_a_duplicate")
    assert rule is not None and rule.every_topic
    assert "interpreter" in rule.topics and "imaging" in rule.topics
    assert "interpreter" not in knowledge.covered_topics
