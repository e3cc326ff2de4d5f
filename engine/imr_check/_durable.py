"""The one module that talks to durable-rules. Nothing else imports `durable`.

Each rule of rules/ becomes several durable-rules rules, one per question the evaluator asks:
is each of its conditions (`when`, `unless`, `require`) *true* or *false*. Whether the rule is in
force for the request's topic on the case's date is answered here in Python from the rule's
topics and dates (a third of all matches were that answer, each one costly in durable-rules). A condition neither true nor false is *not documented*: the facts
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
import json
import threading
from dataclasses import dataclass
from typing import Any, Iterable

import durable_rules_engine
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


def stated_key(path: str) -> str:
    """The engine property that marks a fact the letter states is not documented (it has no value of its own)."""
    return engine_key(path) + "___stated_not_documented"


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
    if operator == "stated_not_documented":
        stated = stated_key(condition.fact)
        listed, unlisted = {"$ex": {stated: 1}}, {"$nex": {stated: 1}}
        return (listed, unlisted) if value else (unlisted, listed)
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


# durable-rules walks its alpha network depth first with a fixed stack of 64 entries
# (MAX_STACK_SIZE in events.c): a node pushes every child the fact matches. A fact that leaves more
# than 64 entries pending at once fails with error 303 and corrupts the heap ("free(): invalid
# pointer"). A chain of tests holds one entry at a time; entries pile up only where a node has
# several matching children: the shared scope node (one child per compiled rule) and each
# disjunction. So rules are grouped into shards whose pending entries can never exceed
# _SHARD_BUDGET, and a request's facts are asserted once per shard of its topic.
_STACK_SIZE = 64
_SHARD_BUDGET = _STACK_SIZE - 8  # room for the root's shard and catch-all nodes and the scope chain
_SHARD = "shard"


class RuleTooComplex(ValueError):
    """A rule whose compiled conditions alone could overflow durable-rules' match stack."""


def _extra_pending(expression: dict) -> int:
    """The most stack entries an expression can leave pending beyond its own chain.

    A disjunction pushes every matching branch at once (but of equalities on one property, only
    one can match); a conjunction keeps what its earlier parts left pending.
    """
    if len(expression) == 1:
        operator, operands = next(iter(expression.items()))
        if operator == "$and":
            return sum(_extra_pending(o) for o in operands)
        if operator == "$or":
            keys = [next(iter(o)) for o in operands]
            if all(len(o) == 1 and not key.startswith("$") for o, key in zip(operands, keys)) and len(set(keys)) == 1:
                return 0
            return len(operands) - 1 + max(_extra_pending(o) for o in operands)
    return 0  # a comparison, an existence test, an array test ($iany/$iall: one node)


def _window(rule: LoadedRule) -> list[dict]:
    window = [{"$gte": {"day": rule.effective.from_.toordinal()}}]
    if rule.effective.to is not None:
        window.append({"$lt": {"day": rule.effective.to.toordinal()}})
    return window


def _name(rule_id: str, part: str, value: bool) -> str:
    return f"{rule_id}|{part}|{'T' if value else 'F'}"


def _compiled_parts(rule: LoadedRule) -> list[tuple[str, dict]]:
    """(name, expression) for each of the rule's conditions, true and false forms (in force is answered apart)."""
    parts: list[tuple[str, dict]] = []
    for part in PARTS:
        condition = getattr(rule.rule, part)
        if condition is None:
            continue
        holds, fails = compile_condition(condition, rule.parameters)
        for value, expression in ((True, holds), (False, fails)):
            if expression is not None:
                parts.append((_name(rule.key, part, value), expression))
    return parts


def _cost(parts: list[tuple[str, dict]]) -> int:
    """Stack entries the rule's compiled parts can hold pending at once: one per part and its disjunctions."""
    return sum(1 + (_extra_pending(expression) if expression else 0) for _, expression in parts)


def compile_rules(rules: Iterable[LoadedRule]) -> tuple[dict[str, dict], dict[str, list[str]]]:
    """The durable-rules dict form for a set of loaded rules (one ruleset), and each topic's shards.

    A rule that serves several topics is compiled once per topic, so that no compiled rule starts
    with a disjunction over topics.
    """
    compiled: dict[str, dict] = {}
    shards: dict[str, list[str]] = {}
    loads: dict[str, tuple[int, set]] = {}
    for rule in rules:
        parts = _compiled_parts(rule)
        window = _window(rule)
        cost = _cost(parts) + 1
        if cost > _SHARD_BUDGET:
            raise RuleTooComplex(
                f"rule {rule.id} ({rule.file}:{rule.line}) could leave {cost} matches pending at once in "
                f"durable-rules, whose match stack holds {_STACK_SIZE}: split its conditions into several rules"
            )
        for topic in rule.topics:
            topic_shards = shards.setdefault(topic, [f"{topic}#0"])
            shard = topic_shards[-1]
            load, windows = loads.get(shard, (0, set()))
            window_key = (rule.effective.from_, rule.effective.to)
            added = cost - (1 if window_key in windows else 0)
            if load + added > _SHARD_BUDGET:
                shard = f"{topic}#{len(topic_shards)}"
                topic_shards.append(shard)
                load, windows, added = 0, set(), cost
            loads[shard] = (load + added, windows | {window_key})
            scope = [{_SHARD: shard}, *window]
            for name, expression in parts:
                compiled[f"{shard}~{name}"] = _rule(_and(scope + ([expression] if expression else [])))
    compiled["seen"] = _rule({"$ex": {_INDEX: 1}})
    return compiled, shards


def _rule(expression: dict | None) -> dict:
    return {"all": [{"m": expression}]}


def _properties(expression: Any) -> set[str]:
    """The fact properties a compiled expression tests (every key that is not an operator)."""
    found: set[str] = set()
    if isinstance(expression, dict):
        for key, value in expression.items():
            if not key.startswith("$"):
                found.add(key)
            found |= _properties(value)
    elif isinstance(expression, list):
        for value in expression:
            found |= _properties(value)
    return found


def shard_properties(compiled: dict[str, dict]) -> dict[str, frozenset[str]]:
    """Each shard's tested properties, with the ones every message carries (the scope and the case's index).

    A property no rule of a shard tests cannot change what matches there, so a message sent to a shard
    carries only these: durable-rules walks every property of a fact at each node it visits and stores
    and returns the whole fact with every match, so the case's other facts were pure cost (a request's
    facts hold about 50 properties, a shard's rules test about 14).
    """
    per_shard: dict[str, set[str]] = {}
    for name, rule in compiled.items():
        if "~" in name:
            per_shard.setdefault(name.split("~", 1)[0], set()).update(_properties(rule))
    always = {"sid", _INDEX, "day", _SHARD}
    return {shard: frozenset(found | always) for shard, found in per_shard.items()}


class _Host(durable_engine.Host):
    """Holds the compiled rulesets. Their matches are read by RuleEngine.evaluate directly from
    the engine's C interface, so no Python action ever runs (nor can fail and be swallowed)."""

    def _run(self) -> None:
        # durable-rules' Host starts two background threads that poll every ruleset for pending
        # actions and timers. We use neither, and left running the poller could take a case's
        # pending match on its own thread, or touch a session just deleted ("error code 307",
        # ERR_NODE_DELETED). So the host starts no threads.
        return

    def get_action(self, action_name: str):
        def never_run(c: Any) -> None:
            raise EngineError(f"durable-rules ran the action of {action_name}, which imr-check reads itself")

        return never_run


_HOST: _Host | None = None
# durable-rules keeps one host per process and its C calls hold the GIL: evaluations are serial.
_LOCK = threading.RLock()
_RULESET_NAMES = itertools.count()


def _host() -> _Host:
    global _HOST
    if _HOST is None:
        _HOST = _Host()
    return _HOST


class RuleEngine:
    """Evaluates request facts against one compiled ruleset, one session per case."""

    def __init__(self, rules: list[LoadedRule]) -> None:
        self.definition, self.shards = compile_rules(rules)
        # topic -> (rule key, first day, day after the last or None), as ordinals: the in-force answer.
        self._windows: dict[str, list[tuple[str, int, int | None]]] = {}
        for rule in rules:
            to = rule.effective.to.toordinal() if rule.effective.to is not None else None
            for topic in rule.topics:
                self._windows.setdefault(topic, []).append((rule.key, rule.effective.from_.toordinal(), to))
        self._tested = shard_properties(self.definition)
        self._sessions = itertools.count()
        with _LOCK:
            self.ruleset = _register(self.definition)
            self._handle = _host().get_ruleset(self.ruleset)._handle

    def evaluate(self, facts_per_request: list[dict[str, Any]], topics: list[str], day: dt.date,
                 stated_per_request: list[frozenset[str]] | None = None) -> list[set[Firing]]:
        """The firings for each request of one case; `stated_per_request`, the fact paths each request's letter
        states are not documented (only `stated_not_documented` conditions read them)."""
        results: list[set[Firing]] = [set() for _ in facts_per_request]
        if not facts_per_request:
            return results
        with _LOCK:
            sid = f"case-{next(self._sessions)}"
            messages = []
            for index, (facts, topic) in enumerate(zip(facts_per_request, topics)):
                message = {engine_key(path): value for path, value in facts.items()}
                if stated_per_request is not None:
                    message.update({stated_key(path): True for path in stated_per_request[index]})
                for shard in self.shards.get(topic, [f"{topic}#none"]):
                    tested = self._tested.get(shard, ())
                    messages.append({**{key: _engine_value(value) for key, value in message.items() if key in tested},
                                     "sid": sid, _INDEX: index, "day": day.toordinal(), _SHARD: shard})
            try:
                fired = self._matches(sid, messages)
            except durable_rules_engine.error as error:
                raise EngineError(f"durable-rules failed on case session {sid}: {error}") from None
            finally:
                durable_rules_engine.delete_state(self._handle, sid)
        for index, name in fired:
            if name == "seen":
                continue
            rule_id, part, value = name.split("~", 1)[1].split("|")
            results[index].add(Firing(rule_id, part, value == "T"))
        ordinal = day.toordinal()
        for index, topic in enumerate(topics):
            results[index].update(Firing(key, "in_force", True) for key, start, end in self._windows.get(topic, ())
                                  if start <= ordinal and (end is None or ordinal < end))
        return results

    def _matches(self, sid: str, messages: list[dict[str, Any]]) -> list[tuple[int, str]]:
        """Assert the facts and read every match, as (request index, compiled rule name).

        This is what durable-rules' Python host does before running an action (start an action,
        read its match, complete it, start the next), without building a closure, serialising the
        session state and calling back into Python for each match: four times faster here.
        """
        code, state_handle = durable_rules_engine.assert_facts(self._handle, json.dumps(messages, ensure_ascii=False))
        if code not in (0, 3):  # 1: no rule matched (the catch-all always does), 2: already seen
            raise EngineError(f"durable-rules did not take the facts of session {sid} (result {code})")
        fired = []
        started = durable_rules_engine.start_action_for_state(self._handle, state_handle)
        match = started[1] if started else None
        while match is not None:
            for name, matched in json.loads(match).items():
                fired.append((int(matched["m"][_INDEX]) if "m" in matched else int(matched[_INDEX]), name))
            match = durable_rules_engine.complete_and_start_action(self._handle, state_handle)
        return fired


# durable-rules has refused, once, rules it accepted when the same JSON was registered again in the same process
# (error 102, "unexpected type", in a property test of tests/test_durable.py that hypothesis could not reproduce on
# replay): its C parser is not always deterministic. Registration is therefore tried twice, each time under a fresh
# name (a ruleset name can be registered once per host), before the rules are reported refused.
REGISTRATION_ATTEMPTS = 2


def _register(definition: dict[str, dict]) -> str:
    """Register the compiled rules with the host under a fresh ruleset name, and return the name."""
    for _ in range(REGISTRATION_ATTEMPTS):
        ruleset = f"imr_check_{next(_RULESET_NAMES)}"
        # durable-rules deletes the `run` keys of the dicts it is given: a fresh deep copy each time.
        named = {name: {**rule, "run": name} for name, rule in copy.deepcopy(definition).items()}
        try:
            _host().set_rulesets({ruleset: named})
            return ruleset
        except durable_rules_engine.error as error:
            refusal = error
    raise RuleTooComplex(f"durable-rules refused the rules ({refusal}): {_refused_rules(named)}")


def _refused_rules(named: dict[str, dict]) -> str:
    """Which compiled rules durable-rules refuses on their own (e.g. more than 32 expressions)."""
    refused = []
    for name, rule in named.items():
        try:
            durable_rules_engine.create_ruleset(f"probe_{next(_RULESET_NAMES)}", json.dumps({"probe": {"all": rule["all"]}}))
        except durable_rules_engine.error as error:
            refused.append(f"{name.split('~', 1)[-1].split('|')[0]} ({error})")
    return "; ".join(dict.fromkeys(refused)) or "no single rule is refused on its own"


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
