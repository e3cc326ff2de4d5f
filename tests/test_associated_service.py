"""An associated surgical service follows the surgery it belongs to."""

import pytest

from imr_check import InputError, evaluate_case, load_case_text

CASE = """
case: {{id: assoc, request_date: 2015-03-01}}
requests:
  - id: surgery
    text: A surgery no rule covers yet
    topic: other
  - id: therapy
    text: Acupuncture after surgery
    topic: acupuncture
    associated_with: {parent}
    sessions: 4
    history: {{prior_treatment: false}}
  - id: trial
    text: A certifiable acupuncture trial
    topic: acupuncture
    sessions: 8
    history: {{prior_treatment: false}}
  - id: after-trial
    text: Acupuncture associated with a modified trial
    topic: acupuncture
    associated_with: trial
    sessions: 3
    history: {{prior_treatment: false}}
"""


def test_a_service_associated_with_an_undetermined_surgery_is_undetermined():
    result = evaluate_case(load_case_text(CASE.format(parent="surgery")))
    therapy = result.requests[1]
    assert therapy.determination == "undetermined"
    assert "follows the surgery it belongs to (surgery" in therapy.reason
    assert therapy.predicted_outcome is None


def test_a_service_whose_surgery_is_supported_keeps_its_own_answer():
    result = evaluate_case(load_case_text(CASE.format(parent="surgery")))
    assert result.requests[2].determination == "modify"
    assert result.requests[3].determination == "certify"
    assert result.requests[3].reason.startswith("the surgery it belongs to (trial: A certifiable acupuncture trial) is modified;")


def test_associated_with_must_name_another_request():
    with pytest.raises(InputError, match="associated_with names 'nothing'"):
        load_case_text(CASE.format(parent="nothing"))
    with pytest.raises(InputError, match="associated_with names 'therapy'"):
        load_case_text(CASE.format(parent="therapy"))


def test_a_service_associated_with_a_non_certified_request_is_not_certified():
    case = load_case_text("""
case: {id: assoc2, request_date: 2015-03-01}
requests:
  - {id: main, text: More acupuncture without improvement, topic: acupuncture, sessions: 6,
     history: {prior_treatment: true, functional_improvement: {demonstrated: false}}}
  - {id: extra, text: Acupuncture supplies, topic: acupuncture, associated_with: main, sessions: 2,
     history: {prior_treatment: false}, imr: {outcome: upheld}}
""")
    main, extra = evaluate_case(case).requests
    assert main.determination == "non_certify"
    assert extra.determination == "non_certify"
    assert extra.deciding_rules == main.deciding_rules
    assert extra.predicted_outcome == "upheld" and extra.agrees is True
