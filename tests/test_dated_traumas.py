"""A trauma the record dates (clinical.dated_traumas) and the acute injury the fact layer derives from it: the line
is the parameter acute_injury_max_weeks of rules/facts.yaml, read on the request's day, and checked on loading."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from imr_check import declared_facts, knowledge as knowledge_module
from imr_check._data import guidelines_dir, rules_dir
from imr_check.audit.items import evidence_key
from imr_check.case import load_case_text
from imr_check.declared_facts import FactsFile
from imr_check.errors import RuleLoadError
from imr_check.evaluate import evaluate_case
from imr_check.facts import request_facts, request_facts_and_derivations
from imr_check.knowledge import load_knowledge_from
from imr_check.phrases import load_model
from imr_check.rulecases import load_cases, run_case

_ON = dt.date(2017, 2, 10)


def _case(clinical: str, regions: tuple[str, ...] = ("forearm_wrist_hand",), extra: str = ""):
    requests = "".join(f"  - {{text: Surgery {i}, topic: surgery, body_region: {region}}}\n"
                       for i, region in enumerate(regions))
    return load_case_text(f"clinical:\n{clinical}{extra}requests:\n{requests}")


def _seen(case, index: int = 0, on: dt.date = _ON) -> tuple[object, object]:
    facts = request_facts(case, index, on)
    return facts.get("clinical.acute_injury"), facts.get("case.weeks_since_trauma")


@pytest.mark.parametrize("days_before, expected", [
    (0, (True, 0.0)),
    (77, (True, 11.0)),
    # 12 weeks (84 days) is the acute phase's last day; a day more is past it, and says nothing of the lesion.
    (84, (True, 12.0)),
    (85, (None, 12.1)),
    (91, (None, 13.0)),
    (98, (None, 14.0)),
    # A trauma dated after the request is no injury before it.
    (-1, (None, None)),
])
def test_a_trauma_is_an_acute_injury_up_to_12_weeks_before_the_request(days_before, expected):
    day = _ON - dt.timedelta(days=days_before)
    assert _seen(_case(f"  dated_traumas: [{{date: {day}}}]\n")) == expected


def test_the_latest_trauma_on_the_request_s_region_counts_and_one_naming_none_is_on_every_region():
    case = _case("  dated_traumas:\n    - {date: 2011-03-14}\n    - {date: 2017-01-30, body_regions: [knee]}\n",
                 regions=("knee", "forearm_wrist_hand"))
    assert _seen(case, 0) == (True, 1.6)
    assert _seen(case, 1) == (None, 308.6)


def test_a_dated_trauma_adds_to_the_acute_injury_the_phrases_gave_and_never_takes_it_away():
    recent, old = "  dated_traumas: [{date: 2017-01-30}]\n", "  dated_traumas: [{date: 2011-03-14}]\n"
    assert _seen(_case("  acute_injury: true\n" + old))[0] is True
    assert _seen(_case("  acute_injury: false\n" + old))[0] is False
    assert _seen(_case("  acute_injury: false\n" + recent))[0] is True
    # The phrases' knee finding and a shoulder trauma: each holds for its own region, neither for the wrist.
    case = _case("  acute_injury: true\n  dated_traumas: [{date: 2017-01-30, body_regions: [shoulder]}]\n",
                 regions=("knee", "shoulder", "forearm_wrist_hand"),
                 extra="regional_facts:\n  clinical.acute_injury: [knee]\n")
    assert [_seen(case, i)[0] for i in range(3)] == [True, True, None]


def _facts_file(tmp_path: Path, parameters: str) -> Path:
    path = tmp_path / "facts.yaml"
    path.write_text(f"parameters:\n{parameters}")
    return path


def test_the_line_is_the_parameter_in_rules_facts_yaml_and_a_dated_value_holds_from_its_day(tmp_path, monkeypatch):
    path = _facts_file(tmp_path, "  acute_injury_max_weeks:\n    values: {2000-01-01: 13, 2017-01-01: 12}\n"
                                 "    cites: [mtus.chronic_pain_definition]\n")
    monkeypatch.setattr(declared_facts, "_file", lambda: load_model(path, FactsFile))
    before, after = dt.date(2016, 12, 30), _ON
    assert _seen(_case(f"  dated_traumas: [{{date: {before - dt.timedelta(days=91)}}}]\n"), on=before)[0] is True
    assert _seen(_case(f"  dated_traumas: [{{date: {after - dt.timedelta(days=91)}}}]\n"), on=after)[0] is None
    assert _seen(_case(f"  dated_traumas: [{{date: {after - dt.timedelta(days=84)}}}]\n"), on=after)[0] is True


def _load_with_facts_file(tmp_path: Path, monkeypatch, parameters: str, rule_file: str) -> None:
    path = _facts_file(tmp_path, parameters)
    monkeypatch.setattr(knowledge_module, "facts_file", lambda: load_model(path, FactsFile))
    monkeypatch.setattr(knowledge_module, "facts_file_path", lambda: path)
    load_knowledge_from(sorted(guidelines_dir().glob("*.yaml")), [rules_dir() / rule_file])


def test_the_fact_layer_s_parameters_are_checked_once_rules_read_the_fact_they_derive(tmp_path, monkeypatch):
    wrong = ("  acute_injury_weeks:\n    value: 13\n    cites: [mtus.chronic_pain_defintion]\n"
             "  acute_phase_text:\n    value: [three months]\n    cites: [mtus.chronic_pain_definition]\n")
    with pytest.raises(RuleLoadError) as caught:
        _load_with_facts_file(tmp_path, monkeypatch, wrong, "surgery.yaml")
    messages = [str(p) for p in caught.value.problems]
    assert any("facts.yaml:4 at parameters.acute_injury_weeks.cites[0]: unknown clause id" in m
               and "did you mean 'mtus.chronic_pain_definition'" in m for m in messages), messages
    assert any("reads no parameter 'acute_injury_weeks'; did you mean 'acute_injury_max_weeks'" in m for m in messages)
    assert any("parameters.acute_phase_text: the fact layer compares this parameter with a number" in m for m in messages)
    assert any("no parameter 'acute_injury_max_weeks': the fact layer derives clinical.acute_injury" in m
               for m in messages)
    # Rules that read no acute injury do not need the figure.
    _load_with_facts_file(tmp_path, monkeypatch, wrong, "acupuncture.yaml")


def test_an_acute_injury_from_a_dated_trauma_is_shown_with_the_trauma_s_sentence():
    evidence = "evidence:\n  clinical.dated_traumas: [{sentence: She fell on the ice and broke her wrist.}]\n"
    case = _case("  dated_traumas: [{date: 2017-01-30}]\n", extra=evidence)
    assert evidence_key(case, 0, "clinical.acute_injury") == "clinical.dated_traumas"
    phrased = _case("  acute_injury: true\n  dated_traumas: [{date: 2017-01-30}]\n",
                    extra=evidence + "  clinical.acute_injury: [{sentence: The wrist fracture is acute.}]\n")
    assert evidence_key(phrased, 0, "clinical.acute_injury") == "clinical.acute_injury"


_DEFINITION = "mtus.chronic_pain_definition"
_RECENT = "  dated_traumas: [{date: 2017-01-30}]\n"


def _fixation(clinical: str, procedure: str = "wrist_fracture_fixation"):
    return load_case_text(
        f"case: {{request_date: '{_ON}', injury_date: '2013-04-15'}}\n"
        f"clinical:\n  surgical_lesion_on_imaging: true\n  failed_conservative_care: true\n{clinical}"
        f"requests:\n  - {{text: Wrist surgery, topic: surgery, body_region: forearm_wrist_hand, procedure: {procedure}}}\n")


def test_only_an_acute_injury_the_trauma_s_date_made_is_a_derivation_of_the_parameter():
    def derived(clinical: str) -> list[str]:
        return sorted(request_facts_and_derivations(_case(clinical), 0, _ON)[1])

    assert derived(_RECENT) == ["clinical.acute_injury"]
    assert derived("  acute_injury: false\n" + _RECENT) == ["clinical.acute_injury"]
    # The phrases already gave the value, or the trauma is past the acute phase: the parameter set nothing.
    assert derived("  acute_injury: true\n" + _RECENT) == []
    assert derived("  dated_traumas: [{date: 2011-03-14}]\n") == []


def test_a_deciding_rule_that_read_the_derived_acute_injury_cites_the_clause_of_its_12_weeks():
    result = evaluate_case(_fixation(_RECENT)).requests[0]
    assert result.determination == "certify"
    assert _DEFINITION in [c.id for c in result.clauses]
    fixation = next(c for c in result.criteria if c.rule_id == "surgery.fracture_fixation_for_a_fracture")
    assert _DEFINITION in fixation.cites
    assert ("an acute injury: 1.6 weeks from a dated trauma to the request (case.weeks_since_trauma), "
            "at most 12 (acute_injury_max_weeks)") in fixation.explanation


def test_the_clause_is_not_cited_when_the_phrases_gave_the_acute_injury_or_no_deciding_rule_read_it():
    phrased = evaluate_case(_fixation("  acute_injury: true\n" + _RECENT)).requests[0]
    assert phrased.determination == "certify"
    assert _DEFINITION not in [c.id for c in phrased.clauses]
    assert not any(_DEFINITION in c.cites or "acute_injury_max_weeks" in c.explanation for c in phrased.criteria)
    # A carpal tunnel release is decided by its nerve studies; the hand's conservative-care criterion, set aside by
    # the derived acute injury, cites the clause itself, but it decides nothing.
    release = evaluate_case(_fixation("  electrodiagnostic_confirmation: false\n" + _RECENT,
                                      "carpal_tunnel_release")).requests[0]
    assert release.deciding_rules == ["surgery.hand.carpal_tunnel_electrodiagnostic_confirmation"]
    assert _DEFINITION not in [c.id for c in release.clauses]
    criteria = {c.rule_id: c for c in release.criteria}
    assert criteria["surgery.hand.failed_conservative_care"].status == "not_applicable"
    assert _DEFINITION in criteria["surgery.hand.failed_conservative_care"].cites
    # A shoulder criterion, set aside because the request is not for the shoulder, never read the acute injury.
    assert _DEFINITION not in criteria["surgery.shoulder.long_limitation_or_failed_exercise"].cites


def test_a_rule_case_can_require_a_clause_not_to_be_cited(tmp_path):
    spec = {"name": "fixation after a recent fall", "date": str(_ON), "injury_date": "2013-04-15",
            "clinical": {"surgical_lesion_on_imaging": True, "dated_traumas": [{"date": "2017-01-30"}]},
            "request": {"text": "Wrist fixation", "topic": "surgery", "body_region": "forearm_wrist_hand",
                        "procedure": "wrist_fracture_fixation"}}
    (tmp_path / "cases.yaml").write_text(yaml.safe_dump([
        {**spec, "expect": {"determination": "certify", "not_cited": [_DEFINITION]}},
        {**spec, "name": "the same, citing", "expect": {"determination": "certify", "clauses": [_DEFINITION]}}]))
    refused, cited = load_cases(tmp_path / "cases.yaml")
    [problem] = run_case(refused)
    assert problem.startswith(f"clause {_DEFINITION!r} cited, expected not (cited: [")
    assert run_case(cited) == []
