"""A cap on a whole course counts what is already given or authorized (`supports_up_to` with `less`)."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from imr_check import evaluate_case, load_case_text
from imr_check.facts import request_facts
from imr_check.knowledge import load_knowledge_from

# The one-clause test guideline the knowledge tests load rules against, and their rule file's head.
from test_knowledge import GUIDELINE, RULES_HEAD

RULES = RULES_HEAD + """\
rules:
  - id: acupuncture.test_trial
    title: A trial is at most 6 visits
    require: {fact: request.total_sessions, lte: {param: max_sessions}}
    otherwise: {supports_up_to: max_sessions, less: request.sessions_given_or_authorized}
    cites: [test.clause]
    explain: "{max_sessions} at most; {request.total_sessions} in all"
"""


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory):
    folder = tmp_path_factory.mktemp("remainder")
    (folder / "g.yaml").write_text(textwrap.dedent(GUIDELINE))
    (folder / "r.yaml").write_text(textwrap.dedent(RULES))
    return load_knowledge_from([folder / "g.yaml"], [folder / "r.yaml"])


def _case(sessions: int, history: str, ur: str = ""):
    return load_case_text(textwrap.dedent(f"""\
        case: {{request_date: 2015-01-20}}
        requests:
          - text: Acupuncture
            topic: acupuncture
            sessions: {sessions}
            history: {history}
        """) + (f"    ur: {ur}\n" if ur else ""))


def test_the_counted_fact_adds_completed_and_authorized_visits():
    case = _case(4, "{sessions_completed: 3}", "{decision: modified, modified_to: 2}")
    facts = request_facts(case, 0, dt.date(2015, 1, 20))
    assert facts["request.sessions_given_or_authorized"] == 5
    assert facts["request.total_sessions"] == 9


def test_a_first_course_with_nothing_authorized_counts_zero_and_an_unknown_history_counts_nothing():
    facts = request_facts(_case(4, "{prior_treatment: false}"), 0, dt.date(2015, 1, 20))
    assert facts["request.sessions_given_or_authorized"] == 0
    facts = request_facts(_case(4, "{prior_treatment: true}"), 0, dt.date(2015, 1, 20))
    assert "request.sessions_given_or_authorized" not in facts and "request.total_sessions" not in facts


@pytest.mark.parametrize(
    ("sessions", "history", "ur", "determination", "supported"),
    [
        (8, "{prior_treatment: false}", "", "modify", 6),  # nothing before: the bare cap
        (6, "{prior_treatment: false}", "{decision: modified, modified_to: 2}", "modify", 4),
        (4, "{prior_treatment: false}", "{decision: modified, modified_to: 2}", "certify", None),
        (1, "{prior_treatment: false}", "{decision: modified, modified_to: 6}", "non_certify", None),
        (3, "{sessions_completed: 7}", "", "non_certify", None),  # more than the cap already used
    ],
)
def test_the_supported_quantity_is_the_cap_less_what_was_given_or_authorized(
        knowledge, sessions, history, ur, determination, supported):
    result = evaluate_case(_case(sessions, history, ur), knowledge).requests[0]
    assert (result.determination, result.supported_quantity) == (determination, supported)
    if determination != "certify":
        assert result.deciding_rules == ["acupuncture.test_trial"]


def test_the_conclusion_says_what_was_counted(knowledge):
    result = evaluate_case(_case(6, "{prior_treatment: false}", "{decision: modified, modified_to: 2}"),
                           knowledge).requests[0]
    assert result.criteria[0].conclusion == (
        "supports up to 4: 6 (max_sessions) less 2 (request.sessions_given_or_authorized)")
    result = evaluate_case(_case(1, "{prior_treatment: false}", "{decision: modified, modified_to: 6}"),
                           knowledge).requests[0]
    assert result.criteria[0].conclusion.startswith("does not support: 6 (request.sessions_given_or_authorized)")
