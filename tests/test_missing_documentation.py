"""Missing documentation names only what could change the answer: a fact a condition accepts as absent
("no entrapment documented, or none suspected") is not missing when it is absent."""

from __future__ import annotations

import yaml

from imr_check import evaluate_case, load_case_text
from imr_check.knowledge import needed_facts_of
from imr_check.model import AllOf, AnyOf, Compare


def _missing(clinical: dict) -> set[str]:
    case = {"case": {"id": "CM99-0000001", "request_date": "2016-11-01", "injury_date": "2016-06-01"},
            "clinical": clinical,
            "requests": [{"id": "r1", "text": "MRI of the cervical spine", "topic": "imaging",
                          "body_region": "cervical_spine", "study": "mri"}]}
    result = evaluate_case(load_case_text(yaml.safe_dump(case))).requests[0]
    return {m.fact for m in result.missing_documentation}


def test_a_fact_an_alternative_accepts_as_absent_is_not_needed() -> None:
    condition = AllOf(all=[
        Compare(fact="clinical.neurological_deficit", is_=True),
        AnyOf(any=[Compare(fact="clinical.nerve_entrapment_suspected", documented=False),
                   Compare(fact="clinical.nerve_entrapment_suspected", is_=False)]),
    ])
    assert needed_facts_of(condition) == ["clinical.neurological_deficit"]


def test_a_neck_mri_with_nothing_documented_does_not_ask_for_an_entrapment() -> None:
    missing = _missing({})
    assert "clinical.neurological_deficit" in missing
    assert "clinical.nerve_entrapment_suspected" not in missing
