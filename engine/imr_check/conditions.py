"""A rule condition read in three values over one request's facts, to say which missing facts could still decide it.

durable-rules decides every condition (`_durable.py`); this module only explains. `truth_of` reads a condition as
the engine does: true, false, or None when the facts documented do not settle it (Kleene's logic; a comparison on an
absent fact is None, while `documented` and `stated_not_documented` are answered by the absence itself).

`open_facts_of(condition, facts, want)` names the absent facts whose documentation could bring the condition to
`want`: nothing under an `all` that a documented fact already fails (for want true) or an `any` that one already
holds, so a missing-documentation list never asks for a fact of a branch that cannot apply (a lesion on imaging for
a consultation that only a medication specialist's branch could certify). An absent fact tested `documented: true`
is open (documenting it makes the test true); one tested `documented: false` already gives true, and documenting it
can only fail the test, so it is named only where a `not` makes failing it the way to `want`.

Each fact is taken to be free of the others (a fact tested in two branches may be counted open in both, where one
value could not serve both); rules rarely test one fact twice in a part, and the list then only errs on the side of
naming a fact.

Where `truth_of` and the engine's answer for a part differ, the caller falls back to every needed fact of the
part (`knowledge.needed_facts_of`) and records the difference (`disagreements`): it is never silent, and the tests
hold it at zero over every rule case and dev letter.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from .model import AllOf, AnyOf, Compare, Not, Parameter, ParamRef

Truth = Optional[bool]

# (rule version key, part, the engine's answer, this module's) for every part the two read differently, since the
# process started: the tests assert it stays empty; evaluate.py appends to it where it falls back.
disagreements: list[tuple[str, str, Truth, Truth]] = []


def _resolved(operand: Any, parameters: dict[str, Parameter]) -> Any:
    return parameters[operand.param].value if isinstance(operand, ParamRef) else operand


def _plain(value: Any) -> Any:
    # The engine compares dates as ordinals (_durable._engine_value); so does this reading.
    return value.toordinal() if isinstance(value, dt.date) else value


def _same(value: Any, operand: Any) -> bool:
    # A bool is not the number 1 to the engine (JSON true and 1 differ), though it is to Python.
    if isinstance(value, bool) or isinstance(operand, bool):
        return isinstance(value, bool) and isinstance(operand, bool) and value == operand
    return value == operand


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _compare(condition: Compare, facts: dict[str, Any], stated: frozenset[str],
             parameters: dict[str, Parameter]) -> Truth:
    operator, operand = condition.operator, _resolved(condition.operand, parameters)
    if operator == "documented":
        return (condition.fact in facts) == operand
    if operator == "stated_not_documented":
        return (condition.fact in stated) == operand
    if condition.fact not in facts:
        return None
    value = _plain(facts[condition.fact])
    if operator == "is":
        return _same(value, operand) if isinstance(value, bool) else None
    if operator == "eq":
        return _same(value, operand)
    if operator == "ne":
        return not _same(value, operand)
    if operator in ("lt", "lte", "gt", "gte"):
        if not (_number(value) and _number(operand)):
            return None
        return {"lt": value < operand, "lte": value <= operand, "gt": value > operand, "gte": value >= operand}[operator]
    if operator == "in":
        return any(_same(value, v) for v in operand)
    if operator == "contains_any":
        if not isinstance(value, list):
            return None
        return any(_same(element, v) for element in value for v in operand)
    raise ValueError(f"operator {operator!r} has no three-valued reading")  # the loader rejects it first


def truth_of(condition: Any, facts: dict[str, Any], stated: frozenset[str] = frozenset(),
             parameters: dict[str, Parameter] | None = None) -> Truth:
    """True, False, or None when the facts documented do not settle the condition: the engine's reading."""
    parameters = parameters or {}
    if isinstance(condition, AllOf):
        values = [truth_of(c, facts, stated, parameters) for c in condition.all]
        return False if False in values else (None if None in values else True)
    if isinstance(condition, AnyOf):
        values = [truth_of(c, facts, stated, parameters) for c in condition.any]
        return True if True in values else (None if None in values else False)
    if isinstance(condition, Not):
        value = truth_of(condition.not_, facts, stated, parameters)
        return None if value is None else not value
    assert isinstance(condition, Compare)
    return _compare(condition, facts, stated, parameters)


def can_become(condition: Any, want: bool, facts: dict[str, Any], stated: frozenset[str] = frozenset(),
               parameters: dict[str, Parameter] | None = None) -> bool:
    """Whether documenting absent facts (each as any value, or leaving it absent) could give the condition `want`;
    documented facts keep their values, and so does what the letter states is not documented."""
    parameters = parameters or {}
    if isinstance(condition, AllOf):
        children = [can_become(c, want, facts, stated, parameters) for c in condition.all]
        return all(children) if want else any(children)
    if isinstance(condition, AnyOf):
        children = [can_become(c, want, facts, stated, parameters) for c in condition.any]
        return any(children) if want else all(children)
    if isinstance(condition, Not):
        return can_become(condition.not_, not want, facts, stated, parameters)
    assert isinstance(condition, Compare)
    if condition.operator != "stated_not_documented" and condition.fact not in facts:
        return True  # absent: documented (with a value that passes or fails the test) or left absent
    return _compare(condition, facts, stated, parameters) is want


def open_facts_of(condition: Any, facts: dict[str, Any], want: bool = True, stated: frozenset[str] = frozenset(),
                  parameters: dict[str, Parameter] | None = None) -> list[str]:
    """The absent facts whose documentation could bring the condition to `want`, in the order the condition names
    them; none when it already has that value or no documentation could give it."""
    parameters = parameters or {}
    seen: dict[str, None] = {}

    def walk(node: Any, goal: bool) -> None:
        if truth_of(node, facts, stated, parameters) is goal or not can_become(node, goal, facts, stated, parameters):
            return
        if isinstance(node, (AllOf, AnyOf)):
            for child in node.all if isinstance(node, AllOf) else node.any:
                walk(child, goal)
        elif isinstance(node, Not):
            walk(node.not_, not goal)
        elif node.fact not in facts:
            seen.setdefault(node.fact, None)

    walk(condition, want)
    return list(seen)
