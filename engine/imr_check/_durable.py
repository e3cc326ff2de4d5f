"""The one module that talks to durable-rules. Nothing else imports `durable`.

Each rule of rules/ becomes several durable-rules rules, one per question the evaluator asks:
is the rule in force for this topic on this date, and is each of its conditions (`when`, `unless`,
`require`) *true* or *false*. A condition neither true nor false is *not documented*: the facts
it needs are absent. So a condition compiles twice, once to the expression that proves it true
and once to the expression that proves it false (De Morgan, with a missing fact matching neither).

durable-rules pitfalls handled here (see ../shared/reference/durable-rules.md):
- one Host per process, rulesets registered once (it keeps their memory and forbids re-use), and
  no background dispatch threads (they would race the synchronous evaluation);
- it mutates the ruleset dicts it is given: we hand it deep copies;
- at most 1024 live sessions per ruleset: every case gets its own session, deleted in `finally`;
- exceptions raised in actions are swallowed into the session state: the action never raises, it
  records what it saw, and the state is checked after every case;
- a fact matching no rule raises: a catch-all rule sees every fact.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import threading
from dataclasses import dataclass
from typing import Any, Iterable

from durable import engine as durable_engine

from .errors import EngineError
from .facts import engine_key
from .knowledge import LoadedRule
from .model import AllOf, AnyOf, Compare, Not, ParamRef, Parameter

# Lists get a sentinel element: durable-rules' "every element" test ($iall) does not hold
# vacuously for an empty list, and "documented, and contains none of" must hold for [].
_LIST_SENTINEL = "\u2205"
_INDEX = "request_index"
_NEGATED = {"lt": "$gte", "lte": "$gt", "gt": "$lte", "gte": "$lt", "eq": "$neq", "ne": None}
_DIRECT = {"lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte", "ne": "$neq"}

PARTS = ("when", "unless", "require")


@dataclass(frozen=True)
class Firing:
    """A durable-rules rule that fired: which rule, which question, which answer."""

    rule_id: str
    part: str  # "in_force" or one of PARTS
    value: bool


def _resolve(operand: Any, parameters: dict[str, Parameter]) -> Any:
    return parameters[operand.param].value if isinstance(operand, ParamRef) else operand


def _equal(key: str, value: Any) -> dict:
    return {key: value}


def compile_condition(condition: Any, parameters: dict[str, Parameter]) -> tuple[dict, dict | None]:
    """(expression true when the condition holds, expression true when it fails)."""
    if isinstance(condition, AllOf):
        parts = [compile_condition(c, parameters) for c in condition.all]
        return _and([t for t, _ in parts]), _or([f for _, f in parts])
    if isinstance(condition, AnyOf):
        parts = [compile_condition(c, parameters) for c in condition.any]
        return _or([t for t, _ in parts]), _and([f for _, f in parts])
    if isinstance(condition, Not):
        holds, fails = compile_condition(condition.not_, parameters)
        return fails, holds
    assert isinstance(condition, Compare)
    key = engine_key(condition.fact)
    operator = condition.operator
    value = _resolve(condition.operand, parameters)
    if operator == "documented":
        present, absent = {"$ex": {key: 1}}, {"$nex": {key: 1}}
        return (present, absent) if value else (absent, present)
    if operator == "is":
        return _equal(key, value), _equal(key, not value)
    if operator == "eq":
        return _equal(key, value), {"$neq": {key: value}}
    if operator == "ne":
        return {"$neq": {key: value}}, _equal(key, value)
    if operator in ("lt", "lte", "gt", "gte"):
        return {_DIRECT[operator]: {key: value}}, {_NEGATED[operator]: {key: value}}
    if operator == "in":
        return _or([_equal(key, v) for v in value]), _and([{"$neq": {key: v}} for v in value])
    if operator == "contains_any":
        holds = {"$iany": {key: _or([{"$i": v} for v in value])}}
        fails = {"$iall": {key: _and([{"$neq": {"$i": v}} for v in value])}}
        return holds, fails
    raise ValueError(f"operator {operator!r} has no compilation")  # the loader rejects it first


def _and(parts: list[dict | None]) -> dict | None:
    if any(p is None for p in parts):
        return None
    return parts[0] if len(parts) == 1 else {"$and": parts}


def _or(parts: list[dict | None]) -> dict | None:
    present = [p for p in parts if p is not None]
    if not present:
        return None
    return present[0] if len(present) == 1 else {"$or": present}


def _scope(rule: LoadedRule) -> list[dict]:
    """The expressions every compiled rule shares: its topics and its dates in force."""
    scope = [_or([{"topic": t} for t in rule.topics])]
    scope.append({"$gte": {"day": rule.effective.from_.toordinal()}})
    if rule.effective.to is not None:
        scope.append({"$lt": {"day": rule.effective.to.toordinal()}})
    return scope


def _name(rule_id: str, part: str, value: bool) -> str:
    return f"{rule_id}|{part}|{'T' if value else 'F'}"


def compile_rules(rules: Iterable[LoadedRule]) -> dict[str, dict]:
    """The durable-rules dict form for a set of loaded rules: one ruleset."""
    compiled: dict[str, dict] = {}
    for rule in rules:
        scope = _scope(rule)
        compiled[_name(rule.id, "in_force", True)] = _rule(_and(scope))
        for part in PARTS:
            condition = getattr(rule.rule, part)
            if condition is None:
                continue
            holds, fails = compile_condition(condition, rule.parameters)
            for value, expression in ((True, holds), (False, fails)):
                if expression is not None:
                    compiled[_name(rule.id, part, value)] = _rule(_and(scope + [expression]))
    compiled["seen"] = _rule({"$ex": {_INDEX: 1}})
    return compiled


def _rule(expression: dict | None) -> dict:
    return {"all": [{"m": expression}]}


class _Host(durable_engine.Host):
    """Each compiled rule's action is named after the rule; it records that the rule fired."""

    def _run(self) -> None:
        # durable-rules' Host starts two background threads that poll every ruleset for pending
        # actions and timers. We use neither: every action runs synchronously inside
        # assert_facts. Left running, the poller can take a case's pending action on its own
        # thread (recording a firing after evaluate() has read them) or touch a session just
        # deleted ("error code 307", ERR_NODE_DELETED). So the host starts no threads.
        return

    def get_action(self, action_name: str):
        ruleset, rule_name = action_name.split("/", 1)

        def record(c: Any) -> None:
            # Never raise from an action: durable-rules would swallow the error into the state.
            try:
                _ENGINES[ruleset].firings.append((int(c.m[_INDEX]), rule_name))
            except Exception as error:  # noqa: BLE001 - re-raised by RuleEngine.evaluate
                _ENGINES[ruleset].errors.append(f"{rule_name}: {error!r}")

        return record


_HOST: _Host | None = None
# durable-rules keeps one host per process and its C calls hold the GIL: evaluations are serial.
_LOCK = threading.RLock()
_ENGINES: dict[str, "RuleEngine"] = {}
_RULESET_NAMES = itertools.count()


def _host() -> _Host:
    global _HOST
    if _HOST is None:
        _HOST = _Host()
    return _HOST


class RuleEngine:
    """Evaluates request facts against one compiled ruleset, one session per case."""

    def __init__(self, rules: list[LoadedRule]) -> None:
        self.definition = compile_rules(rules)
        self.firings: list[tuple[int, str]] = []
        self.errors: list[str] = []
        self._sessions = itertools.count()
        with _LOCK:
            # A ruleset name can be registered once per host: each engine takes a fresh one.
            self.ruleset = f"imr_check_{next(_RULESET_NAMES)}"
            named = {
                name: {**rule, "run": f"{self.ruleset}/{name}"} for name, rule in copy.deepcopy(self.definition).items()
            }
            _ENGINES[self.ruleset] = self
            _host().set_rulesets({self.ruleset: named})

    def evaluate(self, facts_per_request: list[dict[str, Any]], topics: list[str], day: dt.date) -> list[set[Firing]]:
        """The firings for each request of one case."""
        results: list[set[Firing]] = [set() for _ in facts_per_request]
        if not facts_per_request:
            return results
        with _LOCK:
            sid = f"case-{next(self._sessions)}"
            messages = []
            for index, (facts, topic) in enumerate(zip(facts_per_request, topics)):
                message = {engine_key(path): _engine_value(value) for path, value in facts.items()}
                message.update({"sid": sid, _INDEX: index, "topic": topic, "day": day.toordinal()})
                messages.append(message)
            self.firings, self.errors = [], []
            try:
                _host().assert_facts(self.ruleset, messages)
                state = _host().get_state(self.ruleset, sid)
                if self.errors or (state and state.get("exception")):
                    raise EngineError(f"a rule action failed: {self.errors or state['exception']}")
                fired = self.firings
            finally:
                self.firings = []
                _host().delete_state(self.ruleset, sid)
        for index, name in fired:
            if name == "seen":
                continue
            rule_id, part, value = name.split("|")
            results[index].add(Firing(rule_id, part, value == "T"))
        return results


def _engine_value(value: Any) -> Any:
    if isinstance(value, list):
        return [*value, _LIST_SENTINEL]
    if isinstance(value, dt.date):
        return value.toordinal()
    if isinstance(value, float) and "e" in repr(value):
        return _plain_float(value)
    return value


# durable-rules' C parser segfaults on a number in exponent notation, and Python writes floats
# below 1e-4 or from 1e16 up that way (1e-05). Such values are moved to the nearest float written
# plainly, keeping their sign: no threshold a rule compares with lies in between.
_SMALLEST_PLAIN, _LARGEST_PLAIN = 1e-4, 1e15


def _plain_float(value: float) -> float:
    if value == 0:
        return 0.0
    magnitude = min(max(abs(value), _SMALLEST_PLAIN), _LARGEST_PLAIN)
    return magnitude if value > 0 else -magnitude
