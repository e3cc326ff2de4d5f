"""The three-valued reading of rule conditions (conditions.py) that missing-documentation lists are made from.

Three kinds of test: examples of what a list names and leaves out; properties over random condition trees, checked
against brute force over every way of documenting the absent facts; and faithfulness, the reading against what
durable-rules fired on every rule case and every letter in ../shared.
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from imr_check.conditions import can_become, disagreements, open_facts_of, truth_of
from imr_check.evaluate import engine_for, evaluate_case
from imr_check.facts import case_date, request_facts
from imr_check.knowledge import load_knowledge
from imr_check.model import AllOf, AnyOf, Compare, Not
from imr_check.case import load_case_text
from imr_check.rulecases import PRESCREEN_DAY, case_files, case_from_spec, load_cases

from reader_support import cases as letter_cases, require_shared

ROOT = Path(__file__).resolve().parents[1]


def _is(fact: str, value: object = True) -> Compare:
    return Compare.model_validate({"fact": fact, "is": value})


def _documented(fact: str, value: bool = True) -> Compare:
    return Compare.model_validate({"fact": fact, "documented": value})


# --- what a list names ------------------------------------------------------------------------------------------


def test_a_branch_a_documented_fact_fails_names_nothing() -> None:
    # A consultation certified by a surgeon for a lesion, or a medication specialist for monitored drugs.
    require = AnyOf(any=[AllOf(all=[_is("consultant.surgeon"), _is("clinical.lesion")]),
                         AllOf(all=[_is("consultant.medication"), _is("clinical.monitored_drugs")])])
    facts = {"consultant.surgeon": False, "consultant.medication": True}
    assert truth_of(require, facts) is None
    assert open_facts_of(require, facts) == ["clinical.monitored_drugs"]
    # Nothing documented: both branches are open.
    assert open_facts_of(require, {}) == ["consultant.surgeon", "clinical.lesion", "consultant.medication",
                                          "clinical.monitored_drugs"]


def test_an_alternative_already_met_needs_nothing_and_a_failed_all_needs_nothing() -> None:
    met = AnyOf(any=[_is("a"), _is("b")])
    assert open_facts_of(met, {"a": True}) == []
    failed = AllOf(all=[_is("a"), _is("b")])
    assert truth_of(failed, {"a": False}) is False
    assert open_facts_of(failed, {"a": False}) == []
    # A documented value the test cannot pass leaves nothing to document either.
    scored = Compare.model_validate({"fact": "pain", "gte": 5})
    assert open_facts_of(scored, {"pain": 2}) == [] and open_facts_of(scored, {}) == ["pain"]


def test_documented_true_of_an_absent_fact_is_open_and_documented_false_is_not() -> None:
    either = AnyOf(any=[_is("adls"), _documented("adl_improved"), _documented("activity_limitation")])
    assert truth_of(either, {}) is None
    assert open_facts_of(either, {}) == ["adls", "adl_improved", "activity_limitation"]
    # "No entrapment documented, or none suspected" already holds when the fact is absent.
    unsuspected = AnyOf(any=[_documented("entrapment", False), _is("entrapment", False)])
    assert truth_of(unsuspected, {}) is True and open_facts_of(unsuspected, {}) == []
    # Under a `not`, failing `documented: false` is the way to true: the fact is named.
    assert open_facts_of(Not.model_validate({"not": {"fact": "x", "documented": False}}), {}) == ["x"]


def test_what_the_letter_states_is_not_documented_stays_so() -> None:
    stated = Compare.model_validate({"fact": "a", "stated_not_documented": True})
    assert truth_of(stated, {}, frozenset()) is False
    assert can_become(stated, True, {}, frozenset()) is False
    assert open_facts_of(AllOf(all=[stated, _is("b")]), {}) == []


def test_a_bool_is_not_the_number_one() -> None:
    assert truth_of(Compare.model_validate({"fact": "n", "eq": 1}), {"n": True}) is False
    assert truth_of(_is("n"), {"n": 1}) is None


# --- properties, against brute force ----------------------------------------------------------------------------

# Each leaf tests a fact of its own, so that a tree's facts are independent, as open_facts_of assumes.
_VALUES = {"is": [True, False], "gte": [0, 5, 10], "in": ["x", "y"], "documented": [True]}


def _leaf(kind: str, operand_index: int, counter: itertools.count) -> Compare:
    fact = f"f{next(counter)}"
    operand = {"is": [True, False], "gte": [5, 7], "in": [["x"], ["y"]],
               "documented": [True, False]}[kind][operand_index]
    return Compare.model_validate({"fact": fact, kind: operand})


def _trees() -> st.SearchStrategy:
    leaves = st.tuples(st.sampled_from(sorted(_VALUES)), st.integers(0, 1))
    return st.recursive(leaves, lambda children: st.one_of(
        st.tuples(st.just("all"), st.lists(children, min_size=1, max_size=3)),
        st.tuples(st.just("any"), st.lists(children, min_size=1, max_size=3)),
        st.tuples(st.just("not"), children)), max_leaves=5)


def _build(shape, counter: itertools.count):
    if shape[0] in ("all", "any"):
        children = [_build(child, counter) for child in shape[1]]
        return AllOf(all=children) if shape[0] == "all" else AnyOf(any=children)
    if shape[0] == "not":
        return Not.model_validate({"not": _build(shape[1], counter)})
    return _leaf(shape[0], shape[1], counter)


def _leaves(condition) -> list[Compare]:
    if isinstance(condition, (AllOf, AnyOf)):
        return [leaf for child in (condition.all if isinstance(condition, AllOf) else condition.any)
                for leaf in _leaves(child)]
    if isinstance(condition, Not):
        return _leaves(condition.not_)
    return [condition]


_ABSENT = object()


def _fillings(condition, facts: dict, only: set[str] | None = None):
    """Every way of documenting the absent facts (or a subset `only` of them), each with any value or none."""
    absent = [leaf for leaf in _leaves(condition) if leaf.fact not in facts and (only is None or leaf.fact in only)]
    choices = [[_ABSENT, *_VALUES[leaf.operator if leaf.operator != "documented" else "documented"]]
               for leaf in absent]
    for values in itertools.product(*choices):
        yield {**facts, **{leaf.fact: value for leaf, value in zip(absent, values) if value is not _ABSENT}}


@st.composite
def _case(draw):
    condition = _build(draw(_trees()), itertools.count())
    facts = {}
    for leaf in _leaves(condition):
        if draw(st.booleans()):
            kind = leaf.operator
            facts[leaf.fact] = draw(st.sampled_from(_VALUES[kind]))
    return condition, facts


@settings(max_examples=300, deadline=None)
@given(_case(), st.booleans())
def test_open_facts_are_absent_facts_that_can_bring_the_condition_to_the_goal(drawn, want) -> None:
    """(1) A settled reading holds however the absent facts are documented. (2) The goal is reachable by documenting
    some facts exactly when the list is non-empty, unless the condition already has it, and then documenting the
    listed facts alone reaches it. (3) Every fact listed is absent."""
    condition, facts = drawn
    now = truth_of(condition, facts)
    fillings = list(_fillings(condition, facts))
    if now is not None and not any(leaf.operator == "documented" for leaf in _leaves(condition)):
        assert all(truth_of(condition, filled) is now for filled in fillings)
    listed = open_facts_of(condition, facts, want)
    assert all(fact not in facts for fact in listed)
    reachable = any(truth_of(condition, filled) is want for filled in fillings)
    assert can_become(condition, want, facts) is reachable
    if now is want or not reachable:
        assert listed == []
    else:
        assert listed
        assert any(truth_of(condition, filled) is want for filled in _fillings(condition, facts, set(listed)))


# --- faithful to the engine ---------------------------------------------------------------------------------------


def _check_against_engine(case, knowledge, engine, day: dt.date) -> list[str]:
    day = case_date(case) or day
    problems = []
    facts = [request_facts(case, i, day) for i in range(len(case.requests))]
    stated = [case.stated_not_documented(i) for i in range(len(case.requests))]
    fired = engine.evaluate(facts, [r.topic for r in case.requests], day, stated)
    for index, request in enumerate(case.requests):
        for rule in knowledge.rules_for(request.topic):
            if not any(f.rule_id == rule.key and f.part == "in_force" for f in fired[index]):
                continue  # the engine answers a rule's parts on the days it is in force only
            for part in ("when", "unless", "require"):
                condition = getattr(rule.rule, part)
                if condition is None:
                    continue
                answers = [value for value in (True, False) if any(
                    f.rule_id == rule.key and f.part == part and f.value is value for f in fired[index])]
                engine_answer = answers[0] if len(answers) == 1 else None
                read = truth_of(condition, facts[index], stated[index], rule.parameters)
                if read is not engine_answer:
                    problems.append(f"{case.case.id} request {index} {rule.key} {part}: engine {engine_answer}, "
                                    f"reading {read}")
    return problems


def test_the_reading_agrees_with_the_engine_on_every_rule_case() -> None:
    knowledge = load_knowledge()
    engine = engine_for(knowledge)
    problems, checked = [], 0
    for path in case_files([ROOT / "tests" / "rules"]):
        for rule_case in load_cases(path):
            case = load_case_text(case_from_spec(rule_case.spec), rule_case.file)
            problems += _check_against_engine(case, knowledge, engine, PRESCREEN_DAY)
            checked += 1
    assert checked > 1000
    assert problems == []


def test_the_reading_agrees_with_the_engine_on_every_letter_and_nothing_fell_back() -> None:
    require_shared()
    knowledge = load_knowledge()
    engine = engine_for(knowledge)
    problems = []
    before = len(disagreements)
    for case in letter_cases().values():
        problems += _check_against_engine(case, knowledge, engine, dt.date.today())
        evaluate_case(case, knowledge)
    assert problems == []
    assert disagreements[before:] == []
