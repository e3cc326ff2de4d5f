"""The compiled durable-rules conditions answer exactly as three-valued (Kleene) logic would.

A reference evaluator written here in plain Python is the oracle; hypothesis draws conditions and
facts, and durable-rules must agree on every one: true, false, or neither (not documented).
"""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imr_check import _durable as durable_module
from imr_check._durable import Firing, RuleEngine, RuleTooComplex, compile_rules
from imr_check.errors import EngineError
from imr_check.knowledge import LoadedRule
from imr_check.model import AllOf, AnyOf, Compare, Effective, Not, Rule

NUMBER_FACTS = ["request.sessions", "request.frequency_per_week", "clinical.pain.current"]
BOOL_FACTS = ["clinical.acute_flare_up", "clinical.red_flags", "request.history.prior_treatment"]
TEXT_FACTS = ["request.drug.generic"]
LIST_FACTS = ["request.drug.ingredients"]
WORDS = ["baclofen", "gabapentin", "lidocaine", "menthol"]
DAY = dt.date(2015, 6, 1)


def reference(condition, facts):
    """Kleene logic: True, False, or None when the facts it needs are absent."""
    if isinstance(condition, AllOf):
        values = [reference(c, facts) for c in condition.all]
        return False if False in values else (None if None in values else True)
    if isinstance(condition, AnyOf):
        values = [reference(c, facts) for c in condition.any]
        return True if True in values else (None if None in values else False)
    if isinstance(condition, Not):
        value = reference(condition.not_, facts)
        return None if value is None else not value
    op, operand = condition.operator, condition.operand
    if op == "documented":
        return (condition.fact in facts) == operand
    if condition.fact not in facts:
        return None
    value = facts[condition.fact]
    return {
        "is": lambda: value == operand,
        "eq": lambda: value == operand,
        "ne": lambda: value != operand,
        "lt": lambda: value < operand,
        "lte": lambda: value <= operand,
        "gt": lambda: value > operand,
        "gte": lambda: value >= operand,
        "in": lambda: value in operand,
        "contains_any": lambda: any(v in operand for v in value),
    }[op]()


numbers = st.integers(min_value=0, max_value=12)
comparisons = st.one_of(
    st.builds(lambda f, v: Compare(fact=f, **{"is": v}), st.sampled_from(BOOL_FACTS), st.booleans()),
    st.builds(lambda f, op, v: Compare(fact=f, **{op: v}), st.sampled_from(NUMBER_FACTS),
              st.sampled_from(["eq", "ne", "lt", "lte", "gt", "gte"]), numbers),
    st.builds(lambda f, v: Compare(fact=f, **{"in": v}), st.sampled_from(NUMBER_FACTS),
              st.lists(numbers, min_size=1, max_size=3)),
    st.builds(lambda f, v: Compare(fact=f, **{"in": v}), st.sampled_from(TEXT_FACTS),
              st.lists(st.sampled_from(WORDS), min_size=1, max_size=3)),
    st.builds(lambda f, v: Compare(fact=f, contains_any=v), st.sampled_from(LIST_FACTS),
              st.lists(st.sampled_from(WORDS), min_size=1, max_size=3)),
    st.builds(lambda f, v: Compare(fact=f, documented=v),
              st.sampled_from(NUMBER_FACTS + BOOL_FACTS + LIST_FACTS), st.booleans()),
)
conditions = st.recursive(
    comparisons,
    lambda inner: st.one_of(
        st.builds(lambda cs: AllOf(all=cs), st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda cs: AnyOf(any=cs), st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda c: Not(**{"not": c}), inner),
    ),
    max_leaves=6,
)
fact_sets = st.fixed_dictionaries(
    {},
    optional={
        **{f: numbers for f in NUMBER_FACTS},
        **{f: st.booleans() for f in BOOL_FACTS},
        **{f: st.sampled_from(WORDS) for f in TEXT_FACTS},
        **{f: st.lists(st.sampled_from(WORDS + ["capsaicin"]), max_size=3) for f in LIST_FACTS},
    },
)


def _loaded(rule_id: str, require, topic: str = "acupuncture") -> LoadedRule:
    rule = Rule(id=rule_id, title="t", require=require, cites=["x.y"], explain="-")
    return LoadedRule(rule, (topic,), "test", Effective(**{"from": dt.date(2009, 1, 1)}), {}, "test", None)


def _answer(engine: RuleEngine, rule_id: str, facts: dict) -> bool | None:
    fired = engine.evaluate([facts], ["acupuncture"], DAY)[0]
    values = {f.value for f in fired if f.rule_id == rule_id and f.part == "require"}
    assert len(values) <= 1, "a condition was proved both true and false"
    return values.pop() if values else None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(conditions, min_size=1, max_size=4), st.lists(fact_sets, min_size=1, max_size=5))
def test_compiled_conditions_agree_with_three_valued_logic(condition_list, fact_list):
    engine = RuleEngine([_loaded(f"t.c{i}", c) for i, c in enumerate(condition_list)])
    for facts in fact_list:
        for i, condition in enumerate(condition_list):
            assert _answer(engine, f"t.c{i}", facts) == reference(condition, facts), (condition, facts)


def test_rules_out_of_force_or_topic_do_not_fire():
    engine = RuleEngine([_loaded("t.any", Compare(fact="request.sessions", documented=True), topic="massage")])
    assert engine.evaluate([{"request.sessions": 3}], ["acupuncture"], DAY) == [set()]
    assert engine.evaluate([{"request.sessions": 3}], ["massage"], dt.date(2008, 1, 1)) == [set()]
    fired = engine.evaluate([{"request.sessions": 3}], ["massage"], DAY)[0]
    assert {(f.part, f.value) for f in fired} == {("in_force", True), ("require", True)}


def test_more_cases_than_the_session_limit_leak_no_session():
    # durable-rules allows 1024 live sessions per ruleset; each case's session must be deleted.
    engine = RuleEngine([_loaded("t.s", Compare(fact="request.sessions", lte=6))])
    for _ in range(1100):
        engine.evaluate([{"request.sessions": 3}, {"request.sessions": 9}], ["acupuncture"] * 2, DAY)


def test_the_rule_dicts_given_to_durable_rules_are_not_mutated():
    engine = RuleEngine([_loaded("t.m", Compare(fact="request.sessions", lte=6))])
    before = copy.deepcopy(engine.definition)
    engine.evaluate([{"request.sessions": 3}], ["acupuncture"], DAY)
    assert engine.definition == before
    assert all("all" in rule for rule in before.values())


def test_an_engine_failure_is_raised_and_the_session_is_still_deleted(monkeypatch):
    import durable_rules_engine

    engine = RuleEngine([_loaded("t.e", Compare(fact="request.sessions", lte=6))])

    def broken(handle, state):
        raise durable_rules_engine.error("Could not complete and start action, error code: 999")

    monkeypatch.setattr(durable_rules_engine, "complete_and_start_action", broken)
    with pytest.raises(EngineError, match="error code: 999"):
        engine.evaluate([{"request.sessions": 3}], ["acupuncture"], DAY)
    monkeypatch.undo()
    # The failed case's session was deleted: the engine stays usable, past the session limit too.
    for _ in range(1100):
        fired = engine.evaluate([{"request.sessions": 3}], ["acupuncture"], DAY)[0]
    assert Firing("t.e", "require", True) in fired


def test_compile_rules_gives_each_condition_a_true_and_a_false_rule():
    compiled, shards = compile_rules([_loaded("t.n", Compare(fact="request.sessions", lte=6))])
    assert shards == {"acupuncture": ["acupuncture#0"]}
    # Whether the rule is in force is answered outside durable-rules, from its topics and dates.
    assert {"acupuncture#0~t.n|require|T", "acupuncture#0~t.n|require|F", "seen"} == set(compiled)


def test_a_rule_is_in_force_for_its_topics_from_its_first_day_until_the_day_it_ends():
    rule = Rule(id="t.w", title="t", require=Compare(fact="request.sessions", lte=6), cites=["x.y"], explain="-")
    window = Effective(**{"from": dt.date(2015, 6, 1), "to": dt.date(2016, 6, 1)})
    engine = RuleEngine([LoadedRule(rule, ("acupuncture",), "test", window, {}, "test", None)])
    for day, in_force in ((dt.date(2015, 5, 31), False), (dt.date(2015, 6, 1), True), (dt.date(2016, 5, 31), True),
                          (dt.date(2016, 6, 1), False)):
        fired = engine.evaluate([{"request.sessions": 3}, {"request.sessions": 3}], ["acupuncture", "chiropractic"], day)
        assert (Firing("t.w", "in_force", True) in fired[0]) is in_force, day
        assert (Firing("t.w", "require", True) in fired[0]) is in_force, day
        assert not fired[1], day  # a topic the rule does not serve


def test_many_rules_matching_one_fact_do_not_overflow_the_match_stack():
    # durable-rules pushes every matching alpha node on a 64-entry stack; 200 rules that all match
    # one fact would overflow it (error 303, then heap corruption) without sharding.
    rules = [_loaded(f"t.r{i}", Compare(fact="request.sessions", lt=1000 + i)) for i in range(200)]
    engine = RuleEngine(rules)
    assert len(engine.shards["acupuncture"]) > 1
    fired = engine.evaluate([{"request.sessions": 3}, {}], ["acupuncture"] * 2, DAY)
    assert {f.rule_id for f in fired[0] if f.part == "require" and f.value} == {r.id for r in rules}
    assert {f.rule_id for f in fired[1] if f.part == "in_force"} == {r.id for r in rules}
    assert not any(f.part == "require" for f in fired[1])


def test_a_rule_serving_two_topics_answers_for_each():
    rule = Rule(id="t.both", title="t", require=Compare(fact="request.sessions", lte=6), cites=["x.y"], explain="-")
    loaded = LoadedRule(rule, ("acupuncture", "massage"), "test", Effective(**{"from": dt.date(2009, 1, 1)}), {},
                        "test", None)
    engine = RuleEngine([loaded] * 1 + [_loaded(f"t.m{i}", Compare(fact="request.sessions", documented=True),
                                                 topic="massage") for i in range(12)])
    fired = engine.evaluate([{"request.sessions": 3}, {"request.sessions": 9}], ["acupuncture", "massage"], DAY)
    assert Firing("t.both", "require", True) in fired[0]
    assert Firing("t.both", "require", False) in fired[1]


def _wide(width: int, offset: int = 0):
    """An `any` whose branches are all true at once for a fact with sessions 3 and red flags."""
    return AnyOf(any=[AllOf(all=[Compare(fact="request.sessions", lt=100 + offset + i),
                                 Compare(fact="clinical.red_flags", **{"is": True})]) for i in range(width)])


def test_wide_disjunctions_in_many_rules_do_not_overflow_the_match_stack():
    # Each rule alone is within the engine's limits; together, unsharded, they would leave more
    # than 64 matches pending on one fact.
    rules = [_loaded(f"t.w{i}", _wide(10, i)) for i in range(12)]
    engine = RuleEngine(rules)
    fired = engine.evaluate([{"request.sessions": 3, "clinical.red_flags": True}], ["acupuncture"], DAY)[0]
    assert {f.rule_id for f in fired if f.part == "require" and f.value} == {r.id for r in rules}


def test_a_rule_too_complex_for_the_match_stack_is_refused():
    with pytest.raises(RuleTooComplex, match="split its conditions"):
        RuleEngine([_loaded("t.big", _wide(70))])


def test_a_rule_durable_rules_refuses_is_named():
    # durable-rules keeps at most 32 expressions per rule (MAX_SEQUENCE_EXPRESSIONS).
    with pytest.raises(RuleTooComplex, match=r"refused the rules .*: t\.long \("):
        RuleEngine([_loaded("t.fine", Compare(fact="request.sessions", lt=3)), _loaded("t.long", _wide(15))])


class _FlakyHost:
    """A host whose registration fails the first `failures` times, as durable-rules once did (error 102)."""

    def __init__(self, host, failures: int) -> None:
        self.host, self.failures, self.names = host, failures, []

    def set_rulesets(self, rulesets):
        self.names.extend(rulesets)
        if self.failures:
            self.failures -= 1
            raise durable_module.durable_rules_engine.error("Could not create ruleset, error code: 102")
        return self.host.set_rulesets(rulesets)

    def get_ruleset(self, name):
        return self.host.get_ruleset(name)


def test_a_registration_that_fails_once_is_tried_again_under_a_fresh_name(monkeypatch):
    flaky = _FlakyHost(durable_module._host(), failures=1)
    monkeypatch.setattr(durable_module, "_host", lambda: flaky)
    engine = RuleEngine([_loaded("t.retry", Compare(fact="request.sessions", lte=6))])
    assert len(flaky.names) == 2 and flaky.names[0] != flaky.names[1] and engine.ruleset == flaky.names[1]
    assert Firing("t.retry", "require", True) in engine.evaluate([{"request.sessions": 3}], ["acupuncture"], DAY)[0]


def test_a_registration_that_keeps_failing_is_reported_refused(monkeypatch):
    flaky = _FlakyHost(durable_module._host(), failures=durable_module.REGISTRATION_ATTEMPTS)
    monkeypatch.setattr(durable_module, "_host", lambda: flaky)
    with pytest.raises(RuleTooComplex, match="error code: 102"):
        RuleEngine([_loaded("t.refused", Compare(fact="request.sessions", lte=6))])
    assert len(flaky.names) == durable_module.REGISTRATION_ATTEMPTS
