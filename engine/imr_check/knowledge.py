"""Loading guidelines/ and rules/, and checking that every reference in them resolves.

A broken reference is a load error naming the file and line: an unknown clause id, parameter or
fact path, an operator that does not fit the fact's kind, a placeholder the explanation cannot fill.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Iterator

from pydantic import ValidationError

from ._data import guidelines_dir, rules_dir
from ._yaml import dotted, line_of, load_yaml_file, validation_problems
from .errors import InputError, Problem, RuleLoadError
from .facts import FactSpec, fact_specs
from .model import (
    clean_condition_loc,
    AllOf,
    AnyOf,
    Clause,
    Compare,
    Effective,
    GuidelineFile,
    Not,
    Parameter,
    ParamRef,
    Rule,
    RuleFile,
    Source,
    SupportsUpTo,
)
from .vocabulary import suggest, topics

# Which operators make sense for which kind of fact.
_OPERATORS_BY_KIND = {
    "bool": {"is", "documented"},
    "number": {"eq", "ne", "lt", "lte", "gt", "gte", "in", "documented"},
    "text": {"eq", "ne", "in", "documented"},
    "list": {"contains_any", "documented"},
}
_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.]+)\}")
# Files in rules/ that are vocabularies, not rule files.
_VOCABULARY_FILES = {"topics.yaml", "drugs.yaml", "facts.yaml"}


@dataclass(frozen=True)
class LoadedClause:
    clause: Clause
    source: Source
    file: str
    line: int | None

    @property
    def effective(self) -> Effective:
        return self.clause.effective or self.source.effective


@dataclass(frozen=True)
class LoadedRule:
    rule: Rule
    topics: tuple[str, ...]
    guideline_version: str
    effective: Effective
    parameters: dict[str, Parameter]
    file: str
    line: int | None

    @property
    def id(self) -> str:
        return self.rule.id

    @cached_property
    def facts_by_part(self) -> dict[str, list[str]]:
        """The fact paths each of `when`, `unless` and `require` tests (computed once per rule)."""
        return {part: facts_of(getattr(self.rule, part)) for part in ("when", "unless", "require")
                if getattr(self.rule, part) is not None}


@dataclass(eq=False)  # identity-hashed: the compiled engine is cached per Knowledge
class Knowledge:
    clauses: dict[str, LoadedClause] = field(default_factory=dict)
    rules: list[LoadedRule] = field(default_factory=list)
    not_encoded: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def rules_for(self, topic: str) -> list[LoadedRule]:
        return self._rules_by_topic.get(topic, [])

    @cached_property
    def _rules_by_topic(self) -> dict[str, list[LoadedRule]]:
        by_topic: dict[str, list[LoadedRule]] = {}
        for rule in self.rules:
            for topic in rule.topics:
                by_topic.setdefault(topic, []).append(rule)
        return by_topic

    def rule(self, rule_id: str) -> LoadedRule | None:
        return self._rules_by_id.get(rule_id)

    @cached_property
    def _rules_by_id(self) -> dict[str, LoadedRule]:
        return {rule.id: rule for rule in self.rules}

    @property
    def covered_topics(self) -> set[str]:
        return {t for r in self.rules for t in r.topics}


def iter_conditions(condition: Any, loc: tuple = ()) -> Iterator[tuple[Compare, tuple]]:
    """Every comparison in a condition tree, with its location relative to the tree."""
    if isinstance(condition, AllOf):
        for i, child in enumerate(condition.all):
            yield from iter_conditions(child, loc + ("all", i))
    elif isinstance(condition, AnyOf):
        for i, child in enumerate(condition.any):
            yield from iter_conditions(child, loc + ("any", i))
    elif isinstance(condition, Not):
        yield from iter_conditions(condition.not_, loc + ("not",))
    elif isinstance(condition, Compare):
        yield condition, loc


def facts_of(condition: Any) -> list[str]:
    seen: dict[str, None] = {}
    for compare, _ in iter_conditions(condition):
        seen.setdefault(compare.fact, None)
    return list(seen)


def _load_guideline_file(path: Path, knowledge: Knowledge, problems: list[Problem]) -> None:
    data = load_yaml_file(path)
    try:
        parsed = GuidelineFile.model_validate(data)
    except ValidationError as error:
        problems.extend(validation_problems(error, data, str(path), GuidelineFile))
        return
    for i, clause in enumerate(parsed.clauses):
        line = line_of(data, ("clauses", i))
        if clause.id in knowledge.clauses:
            other = knowledge.clauses[clause.id]
            problems.append(Problem(str(path), line, f"clauses[{i}].id",
                                    f"clause id {clause.id!r} already defined in {other.file}:{other.line}"))
            continue
        knowledge.clauses[clause.id] = LoadedClause(clause, parsed.source, str(path), line)


def _check_cites(cites: list[str], knowledge: Knowledge, where: tuple, data: Any, path: Path,
                 problems: list[Problem]) -> None:
    for j, clause_id in enumerate(cites):
        if clause_id not in knowledge.clauses:
            problems.append(Problem(
                str(path), line_of(data, where + (j,)), _dotted(where + (j,)),
                f"unknown clause id {clause_id!r}{suggest(clause_id, tuple(knowledge.clauses))}",
            ))


def _dotted(loc: tuple) -> str:
    return dotted(loc)


def _check_compare(compare: Compare, loc: tuple, params: dict[str, Parameter], specs: dict[str, FactSpec],
                   data: Any, path: Path, problems: list[Problem]) -> None:
    line = line_of(data, loc)
    spec = specs.get(compare.fact)
    if spec is None:
        problems.append(Problem(str(path), line, _dotted(loc + ("fact",)),
                                f"unknown fact {compare.fact!r}{suggest(compare.fact, tuple(specs))} "
                                "(`imr-check facts` lists them)"))
        return
    operator = compare.operator
    if operator not in _OPERATORS_BY_KIND[spec.kind]:
        allowed = ", ".join(sorted(_OPERATORS_BY_KIND[spec.kind]))
        problems.append(Problem(str(path), line, _dotted(loc),
                                f"operator {operator!r} does not fit {spec.kind} fact {compare.fact!r}; allowed: {allowed}"))
        return
    operand = compare.operand
    if isinstance(operand, ParamRef):
        if operand.param not in params:
            problems.append(Problem(str(path), line, _dotted(loc + (operator,)),
                                    f"unknown parameter {operand.param!r}{suggest(operand.param, tuple(params))}"))
            return
        operand = params[operand.param].value
    values = operand if isinstance(operand, list) else [operand]
    if operator in ("in", "contains_any") and not isinstance(operand, list):
        problems.append(Problem(str(path), line, _dotted(loc + (operator,)), f"{operator!r} needs a list"))
    for value in values:
        if operator in ("is", "documented"):
            continue
        if spec.kind == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))):
            problems.append(Problem(str(path), line, _dotted(loc + (operator,)),
                                    f"{compare.fact!r} is a number; got {value!r}"))
        if spec.kind in ("text", "list") and not isinstance(value, str):
            problems.append(Problem(str(path), line, _dotted(loc + (operator,)),
                                    f"{compare.fact!r} holds text; got {value!r}"))
        if spec.choices and value not in spec.choices:
            problems.append(Problem(str(path), line, _dotted(loc + (operator,)),
                                    f"{value!r} is not a value of {compare.fact!r}{suggest(str(value), spec.choices)} "
                                    f"Allowed: {', '.join(spec.choices)}"))


def _load_rule_file(path: Path, knowledge: Knowledge, problems: list[Problem], seen_ids: dict[str, str]) -> None:
    data = load_yaml_file(path)
    try:
        parsed = RuleFile.model_validate(data)
    except ValidationError as error:
        problems.extend(validation_problems(error, data, str(path), RuleFile, loc_filter=clean_condition_loc))
        return
    specs = fact_specs()
    known_topics = topics()
    for topic in parsed.topics:
        if topic not in known_topics:
            problems.append(Problem(str(path), line_of(data, ("topic",)), "topic",
                                    f"unknown topic {topic!r}{suggest(topic, tuple(known_topics))} (see rules/topics.yaml)"))
    for name, parameter in parsed.parameters.items():
        _check_cites(parameter.cites, knowledge, ("parameters", name, "cites"), data, path, problems)
    for i, rule in enumerate(parsed.rules):
        where = ("rules", i)
        line = line_of(data, where)
        if rule.id in seen_ids:
            problems.append(Problem(str(path), line, _dotted(where + ("id",)),
                                    f"rule id {rule.id!r} already used in {seen_ids[rule.id]}"))
        seen_ids[rule.id] = f"{path}:{line}"
        _check_cites(rule.cites, knowledge, where + ("cites",), data, path, problems)
        for part in ("when", "unless", "require"):
            condition = getattr(rule, part)
            for compare, loc in iter_conditions(condition):
                _check_compare(compare, where + (part,) + loc, parsed.parameters, specs, data, path, problems)
        if isinstance(rule.otherwise, SupportsUpTo):
            name = rule.otherwise.supports_up_to
            parameter = parsed.parameters.get(name)
            if parameter is None or not isinstance(parameter.value, (int, float)):
                problems.append(Problem(str(path), line_of(data, where + ("otherwise",)), _dotted(where + ("otherwise",)),
                                        f"supports_up_to needs a numeric parameter; {name!r} is "
                                        f"{'unknown' + suggest(name, tuple(parsed.parameters)) if parameter is None else 'not a number'}"))
            counted = rule.otherwise.less
            if counted is not None and (counted not in specs or specs[counted].kind != "number"):
                problems.append(Problem(str(path), line_of(data, where + ("otherwise",)), _dotted(where + ("otherwise", "less")),
                                        f"less needs a number fact; {counted!r} is "
                                        f"{'unknown' + suggest(counted, tuple(specs)) if counted not in specs else 'not a number'}"))
        for placeholder in _PLACEHOLDER.findall(rule.explain):
            if placeholder not in parsed.parameters and placeholder not in specs:
                problems.append(Problem(str(path), line_of(data, where + ("explain",)), _dotted(where + ("explain",)),
                                        f"explain uses {{{placeholder}}}, which is neither a parameter nor a fact"
                                        f"{suggest(placeholder, tuple(parsed.parameters) + tuple(specs))}"))
        effective = rule.effective or parsed.effective
        knowledge.rules.append(LoadedRule(rule, tuple(parsed.topics), parsed.guideline_version, effective,
                                          dict(parsed.parameters), str(path), line))
    for topic in parsed.topics:
        knowledge.not_encoded.setdefault(topic, []).extend((n.what, n.why) for n in parsed.not_encoded)


def load_knowledge_from(guideline_paths: list[Path], rule_paths: list[Path]) -> Knowledge:
    knowledge = Knowledge()
    problems: list[Problem] = []
    try:
        for path in guideline_paths:
            _load_guideline_file(path, knowledge, problems)
        seen_ids: dict[str, str] = {}
        for path in rule_paths:
            _load_rule_file(path, knowledge, problems, seen_ids)
    except InputError as error:
        problems.extend(error.problems)
    if problems:
        raise RuleLoadError(problems)
    return knowledge


def rule_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if p.name not in _VOCABULARY_FILES)


@cache
def load_knowledge() -> Knowledge:
    """The bundled guidelines and rules (loaded once per process)."""
    return load_knowledge_from(sorted(guidelines_dir().glob("*.yaml")), rule_files(rules_dir()))
