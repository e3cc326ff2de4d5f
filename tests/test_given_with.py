"""A drug given with another (rules/topics.yaml `given_with`: gastric protection with an NSAID) is judged again once
the NSAID requested in the same letter has its answer. Case files written for these tests."""

from __future__ import annotations

import pytest

from imr_check import evaluate_case, load_case_text

from test_request_parts import TWO_REGION_MRI

_CASE = """\
case: {{id: given-with, injury_date: 2014-05-04, request_date: 2015-03-02}}
patient: {{age: 70}}
clinical: {{red_flags: false, neurological_deficit: true, radiculopathy_on_exam: true, surgery_considered: true,
           failed_conservative_care: true, invasive_procedure_planned: false}}
requests:
{before}  - id: nsaid
    text: Naproxen 500mg x60
    topic: nsaid
    drug: {{name: Naprosyn, quantity: 60}}
    history: {{prior_treatment: true, functional_improvement: {{demonstrated: {improved}}}}}
  - id: ppi
    text: Omeprazole 20mg x30
    topic: gastrointestinal_protection
    drug: {{name: Omeprazole, quantity: 30}}
"""
# A request in parts before the two drugs: its parts are judged as requests of their own, so the drugs' places
# among the requests judged differ from their places in the case.
_PARTS = TWO_REGION_MRI


@pytest.mark.parametrize("before", ["", _PARTS], ids=["alone", "after a request in parts"])
@pytest.mark.parametrize("improved, nsaid, protection_refused", [
    ("false", "non_certify", True),
    ("true", "certify", False),
])
def test_gastric_protection_follows_the_nsaid_requested_with_it(before: str, improved: str, nsaid: str,
                                                                protection_refused: bool) -> None:
    result = evaluate_case(load_case_text(_CASE.format(before=before, improved=improved), "<test>"))
    by_id = {r.request_id: r for r in result.requests}
    assert by_id["nsaid"].determination == nsaid
    ppi = by_id["ppi"]
    # judged again on its own facts, not those of the request at its place among the requests judged
    assert ppi.requested_quantity == 30
    criterion = {c.rule_id: c.status for c in ppi.criteria}["gastrointestinal_protection.nsaid_itself_supported"]
    assert criterion == ("not_met" if protection_refused else "met")
    if protection_refused:
        assert ppi.determination == "non_certify"
        assert "gastrointestinal_protection.nsaid_itself_supported" in ppi.deciding_rules
    else:
        assert "gastrointestinal_protection.nsaid_itself_supported" not in ppi.deciding_rules
