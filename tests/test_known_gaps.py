"""A rule file's not_encoded entry with `when` names the requests no rule judges, and its result says so.

The reason matters to a pre-screener: "no rule applies" leaves them guessing whether the request is outside the
guidelines or the project's; a named entry says which, and why.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from imr_check.case import load_case_text
from imr_check.evaluate import KNOWN_GAP_REASON, evaluate_case
from imr_check.knowledge import load_knowledge, load_knowledge_from
from imr_check.rulecases import load_cases, run_case
from test_knowledge import DATED, DATED_GUIDELINE, GUIDELINE, RULES, _load, _problems

ROOT = Path(__file__).resolve().parents[1]
WHEN = "\nnot_encoded:\n  - what: Acupuncture of the ear\n    why: No criterion.\n    when: {fact: request.sessions, gt: 20}\n"


def _named_entries() -> set[str]:
    named: set[str] = set()
    for path in sorted((ROOT / "tests" / "rules").glob("*.yaml")):
        for case in load_cases(path):
            wanted = case.spec["expect"].get("not_encoded", [])
            named.update([wanted] if isinstance(wanted, str) else wanted)
    return named


def test_every_entry_with_when_is_named_by_a_rule_case():
    # An entry no case reaches could have a `when` that never holds (a misspelt value) without anyone noticing.
    knowledge = load_knowledge()
    entries = {gap.what for gaps in knowledge.known_gaps.values() for gap in gaps}
    assert entries, "no not_encoded entry has a `when`"
    assert sorted(entries - _named_entries()) == []


def test_a_request_the_entry_names_gets_its_reason_and_one_outside_it_does_not(tmp_path):
    knowledge = _load(tmp_path, RULES.replace("require: {fact: request.sessions, lte: {param: max_sessions}}",
                                              "when: {fact: request.sessions, lte: 10}\n"
                                              "    require: {fact: request.sessions, lte: {param: max_sessions}}")
                      + WHEN)

    def result(sessions: int):
        case = load_case_text(yaml.safe_dump({"case": {"id": "t", "ur_decision_date": "2015-01-05"}, "requests": [
            {"text": f"Acupuncture x{sessions}", "topic": "acupuncture", "sessions": sessions}]}), "t.yaml")
        return evaluate_case(case, knowledge).requests[0]

    named = result(25)
    assert named.determination == "undetermined"
    assert named.reason == KNOWN_GAP_REASON + "Acupuncture of the ear"
    assert "Acupuncture of the ear: No criterion." in named.not_encoded
    outside = result(15)  # no rule applies, and the entry's `when` does not hold
    assert outside.determination == "undetermined" and not outside.reason.startswith(KNOWN_GAP_REASON)
    assert "Acupuncture of the ear: No criterion." in outside.not_encoded  # still a note on the topic
    decided = result(8)  # the rule applies: an entry never speaks for a decided request
    assert decided.determination == "non_certify" and not decided.reason.startswith(KNOWN_GAP_REASON)


def test_an_entry_outside_the_files_dates_is_not_named(tmp_path):
    knowledge = _load(tmp_path, RULES.replace("require: {fact: request.sessions",
                                              "when: {fact: request.sessions, lte: 10}\n"
                                              "    require: {fact: request.sessions") + WHEN)
    case = load_case_text(yaml.safe_dump({"case": {"id": "t", "ur_decision_date": "2008-06-02"}, "requests": [
        {"text": "Acupuncture x25", "topic": "acupuncture", "sessions": 25}]}), "t.yaml")
    assert not evaluate_case(case, knowledge).requests[0].reason.startswith(KNOWN_GAP_REASON)


def test_an_unknown_fact_in_when_is_an_error_naming_the_file_and_line(tmp_path):
    problems = _problems(tmp_path, RULES + WHEN.replace("request.sessions", "request.sesions"))
    assert any("r.yaml:16" in p and "unknown fact 'request.sesions'" in p for p in problems), problems


def test_an_unknown_parameter_in_when_is_an_error_naming_it(tmp_path):
    problems = _problems(tmp_path, RULES + WHEN.replace("gt: 20", "gt: {param: max_sesions}"))
    assert any("r.yaml:16" in p and "unknown parameter 'max_sesions'" in p for p in problems), problems


def test_a_parameter_in_when_is_the_files_value_in_each_guideline_version(tmp_path):
    # The entry names the requests past the file's own figure, so a new figure moves the entry with the rules.
    rules = DATED.replace("    require: {fact: request.sessions, lte: {param: max_sessions}}",
                          "    when: {fact: request.sessions, lte: 2}\n"
                          "    require: {fact: request.sessions, lte: {param: max_sessions}}")
    rules += WHEN.replace("gt: 20", "gt: {param: max_sessions}")
    knowledge = _load(tmp_path, rules, DATED_GUIDELINE)

    def named(day: str, sessions: int) -> bool:
        case = load_case_text(yaml.safe_dump({"case": {"id": "t", "ur_decision_date": day}, "requests": [
            {"text": f"Acupuncture x{sessions}", "topic": "acupuncture", "sessions": sessions}]}), "t.yaml")
        return evaluate_case(case, knowledge).requests[0].reason.startswith(KNOWN_GAP_REASON)

    # 6 sessions at most under the 2009 version, 4 under the 2016 one
    assert (named("2015-06-01", 6), named("2015-06-01", 7)) == (False, True)
    assert (named("2017-06-01", 4), named("2017-06-01", 5)) == (False, True)


@pytest.mark.parametrize("expect, fails", [
    ("Acupuncture of the ear", False),
    ("Acupuncture of the nose", True),
    ([], True),
])
def test_a_rule_case_not_encoded_expectation_can_fail(tmp_path, expect, fails):
    (tmp_path / "g.yaml").write_text(textwrap.dedent(GUIDELINE))
    (tmp_path / "r.yaml").write_text(textwrap.dedent(RULES.replace(
        "require: {fact: request.sessions", "when: {fact: request.sessions, lte: 10}\n    require: {fact: request.sessions"))
        + WHEN)
    knowledge = load_knowledge_from([tmp_path / "g.yaml"], [tmp_path / "r.yaml"])
    (tmp_path / "cases.yaml").write_text(yaml.safe_dump([{
        "name": "ear", "date": "2015-01-05", "request": {"text": "Acupuncture x25", "topic": "acupuncture", "sessions": 25},
        "expect": {"determination": "undetermined", "not_encoded": expect}}]))
    [case] = load_cases(tmp_path / "cases.yaml")
    assert bool(run_case(case, knowledge)) is fails
