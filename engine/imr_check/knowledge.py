"""Loading guidelines/ and rules/, and checking that every reference in them resolves.

A broken reference is a load error naming the file and line: an unknown clause id, parameter or
fact path, an operator that does not fit the fact's kind, a placeholder the explanation cannot fill.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Callable, Iterator

from pydantic import ValidationError

from ._data import guidelines_dir, rules_dir
from ._files import read_regular
from ._yaml import YAML_LIMIT, dotted, line_of, load_yaml_file, validation_problems
from .errors import InputError, Problem, RuleLoadError
from .declared_facts import facts_file, facts_file_path
from .facts import FACT_PARAMETERS, FactSpec, fact_specs
from .surgeries import FILE as SURGERY_FILE, ORIGIN, expand_table_rules, schedule_clause_problems
from .model import (
    EVERY_TOPIC,
    clean_condition_loc,
    dates_of,
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
    RowRef,
    TableKeysRef,
    _attr,
    value_on,
    RuleFile,
    Source,
    SupportsUpTo,
)
from .vocabulary import suggest, topics

# Which operators make sense for which kind of fact.
_OPERATORS_BY_KIND = {
    "bool": {"is", "documented", "stated_not_documented"},
    "number": {"eq", "ne", "lt", "lte", "gt", "gte", "in", "documented", "stated_not_documented"},
    "text": {"eq", "ne", "in", "documented", "stated_not_documented"},
    "list": {"contains_any", "documented", "stated_not_documented"},
}
_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.]+)\}")
# Files in rules/ that are vocabularies, not rule files.
_VOCABULARY_FILES = {"topics.yaml", "drugs.yaml", "facts.yaml", "fact_labels.yaml", SURGERY_FILE}


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
    version_key: str | None = None  # the rule id and the version's first day: unique across versions
    # From a file of every topic (model.EVERY_TOPIC): a criterion of a request only where it applies.
    every_topic: bool = False

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def key(self) -> str:
        """Names this version of the rule in the compiled engine (one id can hold several versions)."""
        return self.version_key or self.rule.id

    @cached_property
    def parameters_used(self) -> dict[str, Parameter]:
        """The parameters this version of the rule reads, as they stood in it."""
        return {name: self.parameters[name] for name in parameters_used(self.rule) if name in self.parameters}

    @cached_property
    def clauses(self) -> list[str]:
        """The clauses the rule cites, itself and through the parameters it reads."""
        cited = list(self.rule.cites) + [c for p in self.parameters_used.values() for c in p.cites]
        return list(dict.fromkeys(cited))

    @cached_property
    def facts_by_part(self) -> dict[str, list[str]]:
        """The fact paths each of `when`, `unless` and `require` tests (computed once per rule)."""
        return {part: facts_of(getattr(self.rule, part)) for part in ("when", "unless", "require")
                if getattr(self.rule, part) is not None}

    @cached_property
    def needed_facts_by_part(self) -> dict[str, list[str]]:
        """The fact paths whose absence can leave a part unproven: missing documentation. A fact tested only for
        being undocumented (`documented: false`, "unless an entrapment is suspected") is satisfied by its absence, so
        it is never named missing."""
        return {part: needed_facts_of(getattr(self.rule, part)) for part in ("when", "unless", "require")
                if getattr(self.rule, part) is not None}


@dataclass(frozen=True)
class KnownGap:
    """A `not_encoded` entry with `when`: the requests it is about, which no rule judges, and why."""

    what: str
    why: str
    when: Any
    effective: Effective  # one guideline version's window of the rule file: the entry is read once per version
    parameters: dict[str, Parameter] = field(default_factory=dict, hash=False)  # the file's, on the window's first day
    file: str = ""

    @property
    def parameters_used(self) -> list[str]:
        return list(dict.fromkeys(compare.operand.param for compare, _ in iter_conditions(self.when)
                                  if isinstance(compare.operand, ParamRef)))


@dataclass(eq=False)  # identity-hashed: the compiled engine is cached per Knowledge
class Knowledge:
    clauses: dict[str, LoadedClause] = field(default_factory=dict)
    rules: list[LoadedRule] = field(default_factory=list)
    not_encoded: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    known_gaps: dict[str, list[KnownGap]] = field(default_factory=dict)

    def rules_for(self, topic: str) -> list[LoadedRule]:
        return self._rules_by_topic.get(topic, [])

    @cached_property
    def _rules_by_topic(self) -> dict[str, list[LoadedRule]]:
        by_topic: dict[str, list[LoadedRule]] = {}
        for rule in self.rules:
            for topic in rule.topics:
                by_topic.setdefault(topic, []).append(rule)
        return by_topic

    def rule(self, rule_id: str, day: "dt.date | None" = None) -> LoadedRule | None:
        """The version of a rule in force on a day (without a day, the latest)."""
        versions = self.versions_of(rule_id)
        if day is not None:
            return next((r for r in versions if r.effective.contains(day)), None)
        return versions[-1] if versions else None

    def versions_of(self, rule_id: str) -> list[LoadedRule]:
        return self._rules_by_id.get(rule_id, [])

    @cached_property
    def _rules_by_id(self) -> dict[str, list[LoadedRule]]:
        by_id: dict[str, list[LoadedRule]] = {}
        for rule in sorted(self.rules, key=lambda r: r.effective.from_):
            by_id.setdefault(rule.id, []).append(rule)
        return by_id

    @property
    def covered_topics(self) -> set[str]:
        return {t for r in self.rules if not r.every_topic for t in r.topics}


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


def needed_facts_of(condition: Any) -> list[str]:
    """The fact paths whose absence can leave a condition unproven. An alternative that holds when its fact is absent
    ("no entrapment documented, or none suspected": `any: [{documented: false}, {is: false}]`) needs nothing of
    that fact, and neither does a bare `documented: false`."""
    seen: dict[str, None] = {}

    def walk(node: Any, satisfied_by_absence: frozenset[str]) -> None:
        if isinstance(node, AnyOf):
            absent_ok = satisfied_by_absence | {c.fact for c in node.any
                                                if isinstance(c, Compare) and c.documented is False}
            for child in node.any:
                walk(child, absent_ok)
        elif isinstance(node, AllOf):
            for child in node.all:
                walk(child, satisfied_by_absence)
        elif isinstance(node, Not):
            walk(node.not_, satisfied_by_absence)
        elif isinstance(node, Compare) and node.documented is not False and node.fact not in satisfied_by_absence:
            seen.setdefault(node.fact, None)

    walk(condition, frozenset())
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
        if operator in ("is", "documented", "stated_not_documented"):
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


def parameters_used(rule: Rule) -> list[str]:
    """The parameters a rule reads: in its conditions, its cap and its explanation."""
    used: dict[str, None] = {}
    for part in ("when", "unless", "require"):
        for compare, _ in iter_conditions(getattr(rule, part)):
            if isinstance(compare.operand, ParamRef):
                used.setdefault(compare.operand.param, None)
    if isinstance(rule.otherwise, SupportsUpTo):
        used.setdefault(rule.otherwise.supports_up_to, None)
    explains = rule.explain.values() if isinstance(rule.explain, dict) else [rule.explain]
    for text in explains:
        for placeholder in _PLACEHOLDER.findall(text):
            if "." not in placeholder:
                used.setdefault(placeholder, None)
    return list(used)


def _check_dates(value: Any, where: tuple, version_starts: list, data: Any, path: Path,
                 problems: list[Problem]) -> None:
    """A dated value changes only when the guideline version does."""
    for day in dates_of(value):
        if day not in version_starts:
            allowed = ", ".join(map(str, version_starts))
            problems.append(Problem(str(path), line_of(data, where + (str(day),)), _dotted(where + (str(day),)),
                                    f"{day} is not the start of a version of this file; a dated value "
                                    f"changes with the guideline version (allowed: {allowed})"))


def _overlap(a: Effective, b: Effective) -> Effective | None:
    start = max(a.from_, b.from_)
    ends = [d for d in (a.to, b.to) if d is not None]
    end = min(ends) if ends else None
    if end is not None and end <= start:
        return None
    return Effective(**{"from": start, "to": end})


def _within(inner: Effective, outer: Effective) -> bool:
    return outer.from_ <= inner.from_ and (outer.to is None or (inner.to is not None and inner.to <= outer.to))


def _check_clause_dates(loaded: LoadedRule, knowledge: Knowledge, data: Any, path: Path, where: tuple,
                        problems: list[Problem]) -> None:
    """A rule in force outside the dates of a clause it cites (itself or through a parameter) is an error."""
    cited = list(loaded.rule.cites)
    for name in parameters_used(loaded.rule):
        if name in loaded.parameters:
            cited += loaded.parameters[name].cites
    for clause_id in dict.fromkeys(cited):
        clause = knowledge.clauses.get(clause_id)
        if clause is not None and not _within(loaded.effective, clause.effective):
            problems.append(Problem(str(path), line_of(data, where + ("cites",)), _dotted(where + ("cites",)),
                                    f"rule {loaded.id!r} is in force {loaded.effective.label()} but cites "
                                    f"{clause_id!r}, in force {clause.effective.label()} ({clause.file})"))


def _row_parameter(table: str, row: str) -> str:
    return f"{table}__{row}"


def _table_parameters(parsed: RuleFile) -> dict[str, Parameter]:
    """A table's rows as parameters (`TABLE__ROW`), and `TABLE__keys`: the rows in force on each date."""
    out: dict[str, Parameter] = {}
    starts = [window.from_ for _, window in parsed.versions()]
    for name, table in parsed.tables.items():
        keys: dict = {}
        cites: dict = {}
        for row_name, row in table.rows.items():
            out[_row_parameter(name, row_name)] = Parameter.model_construct(
                value=row.value, values=row.values, unit=table.unit, cites=row.cites, note=row.note)
            for day in starts:
                if (row.value is not None or value_on(row.values, day) is not None) and value_on(row.cites, day):
                    keys.setdefault(day, []).append(row_name)
                    cites.setdefault(day, []).extend(value_on(row.cites, day))
        if keys:
            out[_row_parameter(name, "keys")] = Parameter.model_construct(
                value=None, values=keys, unit=None, cites=cites, note=None)
    return out


def _for_row(condition: Any, table: str, row: str) -> Any:
    """A condition of a rule written per row, with `{row: ...}` and `{table_keys: ...}` filled in."""
    if condition is None:
        return None
    if isinstance(condition, AllOf):
        return condition.model_copy(update={"all": [_for_row(c, table, row) for c in condition.all]})
    if isinstance(condition, AnyOf):
        return condition.model_copy(update={"any": [_for_row(c, table, row) for c in condition.any]})
    if isinstance(condition, Not):
        return condition.model_copy(update={"not_": _for_row(condition.not_, table, row)})
    operand = condition.operand
    if isinstance(operand, RowRef):
        filled = row if operand.row == "key" else ParamRef(param=_row_parameter(table, row))
        return condition.model_copy(update={_attr(condition.operator): filled})
    return _table_keys(condition)


def _table_keys(condition: Any) -> Any:
    if isinstance(condition, AllOf):
        return condition.model_copy(update={"all": [_table_keys(c) for c in condition.all]})
    if isinstance(condition, AnyOf):
        return condition.model_copy(update={"any": [_table_keys(c) for c in condition.any]})
    if isinstance(condition, Not):
        return condition.model_copy(update={"not_": _table_keys(condition.not_)})
    if isinstance(condition, Compare) and isinstance(condition.operand, TableKeysRef):
        keys = ParamRef(param=_row_parameter(condition.operand.table_keys, "keys"))
        return condition.model_copy(update={_attr(condition.operator): keys})
    return condition


def _number_text(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _expand_rows(parsed: RuleFile, path: Path, data: Any, problems: list[Problem]) -> list[tuple[int, Rule]]:
    """The file's rules with each rule written per table row made one rule per row: (index written, rule)."""
    expanded: list[tuple[int, Rule]] = []
    for i, rule in enumerate(parsed.rules):
        where = ("rules", i)
        templated = "{row}" in rule.id
        if rule.for_each_row is None:
            if templated or "{" in rule.id:
                problems.append(Problem(str(path), line_of(data, where + ("id",)), _dotted(where + ("id",)),
                                        "only a rule with for_each_row may have {row} in its id"))
            expanded.append((i, rule.model_copy(update={"when": _table_keys(rule.when), "unless": _table_keys(rule.unless),
                                                        "require": _table_keys(rule.require)})))
            continue
        table = parsed.tables.get(rule.for_each_row)
        if table is None or not templated:
            problems.append(Problem(str(path), line_of(data, where + ("for_each_row",)), _dotted(where + ("for_each_row",)),
                                    f"unknown table {rule.for_each_row!r}{suggest(rule.for_each_row, tuple(parsed.tables))}"
                                    if table is None else "a rule written per row has {row} in its id"))
            continue
        for compare, loc in (pair for part in ("when", "unless", "require") for pair in iter_conditions(getattr(rule, part))):
            if isinstance(compare.operand, RowRef) and compare.operand.row == "key" and compare.fact != table.key:
                problems.append(Problem(str(path), line_of(data, where), _dotted(where),
                                        f"{{row: key}} is a value of {table.key!r}, the key of {rule.for_each_row!r}; "
                                        f"it is compared here with {compare.fact!r}"))
        for row_name, row in table.rows.items():
            parameter = _row_parameter(rule.for_each_row, row_name)
            dates = sorted(row.values) if row.values else []

            def text(template: Any, figure: bool) -> Any:
                """`{row.label}`, and `{row.value}` as the figure (a title) or as the parameter (an explanation)."""
                def fill(value_text: str, on: str) -> str:
                    return on.replace("{row.label}", row.label).replace("{row.value}", value_text)
                if not figure:
                    return ({d: fill("{" + parameter + "}", t) for d, t in template.items()} if isinstance(template, dict)
                            else fill("{" + parameter + "}", template))
                if not dates or "{row.value}" not in str(template):
                    return ({d: fill(_number_text(row.value), t) for d, t in template.items()}
                            if isinstance(template, dict) else fill(_number_text(row.value) if row.value is not None else "", template))
                return {d: fill(_number_text(row.values[d]), value_on(template, d)) for d in dates}

            cites = [c for c in (rule.cites if isinstance(rule.cites, list) else []) if c != "row.cites"]
            row_cites = row.cites
            if isinstance(row_cites, dict):
                merged_cites: Any = {d: [*cites_on, *cites] for d, cites_on in row_cites.items()}
            else:
                merged_cites = [*row_cites, *cites]
            effective = rule.effective
            if dates and dates[0] > (rule.effective or parsed.effective).from_:
                base = rule.effective or parsed.effective
                effective = Effective(**{"from": dates[0], "to": base.to})
            expanded.append((i, rule.model_copy(update={
                "id": rule.id.replace("{row}", row_name),
                "for_each_row": None,
                "title": text(rule.title, figure=True),
                "explain": text(rule.explain, figure=False),
                "cites": merged_cites,
                "when": _for_row(rule.when, rule.for_each_row, row_name),
                "unless": _for_row(rule.unless, rule.for_each_row, row_name),
                "require": _for_row(rule.require, rule.for_each_row, row_name),
                "effective": effective,
            })))
    return expanded


def _table_rows_by_name(rule_paths: list[Path]) -> dict[str, list[tuple[Path, list[str], bool]]]:
    """Every rule file's tables by name: (file, row keys, whether a row has dated values). A parameter
    `{table_keys: TABLE}` lists a table of another file this way; a file's own errors are reported when it loads."""
    found: dict[str, list[tuple[Path, list[str], bool]]] = {}
    for path in rule_paths:
        try:
            # parsing is most of the cost of loading: only the files that have tables are parsed twice
            data = load_yaml_file(path) if b"tables:" in read_regular(path, YAML_LIMIT, "expected a YAML file") else None
        except InputError:
            continue
        tables = data.get("tables") if isinstance(data, dict) else None
        for name, table in (tables.items() if isinstance(tables, dict) else ()):
            rows = table.get("rows") if isinstance(table, dict) else None
            if isinstance(rows, dict):
                dated = any(isinstance(row, dict) and "values" in row for row in rows.values())
                found.setdefault(name, []).append((path, list(rows), dated))
    return found


def _resolve_table_keys(parsed: RuleFile, tables: Callable[[], dict[str, list[tuple[Path, list[str], bool]]]],
                        path: Path, data: Any, problems: list[Problem]) -> RuleFile:
    """A parameter whose value is `{table_keys: TABLE}` becomes the keys of that table's rows: a list one file keeps
    and another reads (the regions ODG counts a sprain for, which the CPMTG course steps aside for)."""
    resolved: dict[str, Parameter] = {}
    for name, parameter in parsed.parameters.items():
        if not isinstance(parameter.value, TableKeysRef):
            continue
        wanted = parameter.value.table_keys
        holders = tables().get(wanted, [])
        problem = (f"unknown table {wanted!r}{suggest(wanted, tuple(tables()))}" if not holders else
                   f"table {wanted!r} is in several files ({', '.join(h[0].name for h in holders)})" if len(holders) > 1
                   else f"table {wanted!r} has rows with dated values; a parameter lists only a table of undated rows"
                   if holders[0][2] else None)
        if problem:
            where = ("parameters", name, "value")
            problems.append(Problem(str(path), line_of(data, where), _dotted(where), problem))
        resolved[name] = parameter.model_copy(update={"value": [] if problem else holders[0][1]})
    return parsed.model_copy(update={"parameters": {**parsed.parameters, **resolved}}) if resolved else parsed


def _load_rule_file(path: Path, knowledge: Knowledge, problems: list[Problem],
                    seen_ids: dict[str, list[tuple[Effective, str]]],
                    tables: Callable[[], dict[str, list[tuple[Path, list[str], bool]]]]) -> bool:
    """Load one rule file into `knowledge`; whether it has rules written for every row of the surgery schedule."""
    # Two kinds of table: the surgery schedule (rules/surgeries.yaml, `for_each:`) is expanded here,
    # before validation; a file's own tables (`tables:` / `for_each_row:`) in _expand_rows.
    data, table_parameters, table_problems = expand_table_rules(load_yaml_file(path), str(path))
    problems.extend(table_problems)
    first_problem = len(problems)
    try:
        parsed = RuleFile.model_validate(data)
    except ValidationError as error:
        problems.extend(validation_problems(error, data, str(path), RuleFile, loc_filter=clean_condition_loc,
                                            dated_values=True))
        _locate_in_table_rules(problems, first_problem, table_parameters)
        return False
    specs = fact_specs()
    known_topics = topics()
    for topic in ([] if parsed.topics == [EVERY_TOPIC] else parsed.topics):
        if topic not in known_topics:
            problems.append(Problem(str(path), line_of(data, ("topic",)), "topic",
                                    f"unknown topic {topic!r}{suggest(topic, tuple(known_topics))} (see rules/topics.yaml)"))
    parsed = _resolve_table_keys(parsed, tables, path, data, problems)
    if parsed.tables:
        parsed = parsed.model_copy(update={"parameters": {**parsed.parameters, **_table_parameters(parsed)}})
    rules = _expand_rows(parsed, path, data, problems)
    versions = parsed.versions()
    version_starts = [window.from_ for _, window in versions]
    if version_starts[0] != parsed.effective.from_:
        problems.append(Problem(str(path), line_of(data, ("guideline_version",)), "guideline_version",
                                f"the first version starts {version_starts[0]}, but the file is in force from "
                                f"{parsed.effective.from_}"))
    if any(window.to is not None and window.to <= window.from_ for _, window in versions):
        problems.append(Problem(str(path), line_of(data, ("guideline_version",)), "guideline_version",
                                f"every version must start before the file's end ({parsed.effective.to})"))
        return False
    for name, parameter in parsed.parameters.items():
        where = ("parameters", name)
        for field_name in ("values", "cites", "note"):
            _check_dates(getattr(parameter, field_name), where + (field_name,), version_starts, data, path, problems)
        for cites, loc in _dated_items(parameter.cites, where + ("cites",)):
            _check_cites(cites, knowledge, loc, data, path, problems)
    for i, rule in rules:
        where = ("rules", i)
        line = line_of(data, where)
        for field_name in ("title", "cites", "explain"):
            _check_dates(getattr(rule, field_name), where + (field_name,), version_starts, data, path, problems)
        for cites, loc in _dated_items(rule.cites, where + ("cites",)):
            _check_cites(cites, knowledge, loc, data, path, problems)
        in_force = rule.effective or parsed.effective
        if not _within(in_force, parsed.effective):
            problems.append(Problem(str(path), line_of(data, where + ("effective",)), _dotted(where + ("effective",)),
                                    f"the rule is in force {in_force.label()}, outside the file ({parsed.effective.label()})"))
        for earlier, place in seen_ids.get(rule.id, []):
            if _overlap(earlier, in_force) is not None:
                problems.append(Problem(str(path), line, _dotted(where + ("id",)),
                                        f"rule id {rule.id!r} already used in {place}, in force {earlier.label()}; "
                                        "one id may be written again only for other dates (a change of logic)"))
        seen_ids.setdefault(rule.id, []).append((in_force, f"{path}:{line}"))
        # A rule written for every row of the surgery schedule gets the row's figures as parameters of its own.
        row_parameters = {name: Parameter.model_validate(p)
                          for name, p in table_parameters.get(i, {}).items() if name != ORIGIN}
        for parameter in row_parameters.values():
            _check_cites(parameter.cites, knowledge, where, data, path, problems)
        for guideline_version, window in versions:
            effective = _overlap(window, in_force)
            if effective is None:
                continue
            loaded = _resolved_rule(rule, parsed, guideline_version, effective, path, line, where, data, problems,
                                    row_parameters)
            if loaded is None:
                continue
            _check_rule(loaded, specs, data, path, where, problems)
            _check_clause_dates(loaded, knowledge, data, path, where, problems)
            knowledge.rules.append(loaded)
    for topic in parsed.topics:
        knowledge.not_encoded.setdefault(topic, []).extend((n.what, n.why) for n in parsed.not_encoded)
    for i, entry in enumerate(parsed.not_encoded):
        if entry.when is None:
            continue
        where = ("not_encoded", i, "when")
        # An entry reads the file's parameters: the requests it names are often the complement of a rule's window
        # (within the acute phase the rules judge past), and one figure keeps the two from drifting apart.
        for guideline_version, window in versions:
            parameters = {name: on_day for name, parameter in parsed.parameters.items()
                          if (on_day := parameter.on(window.from_)) is not None}
            for compare, loc in iter_conditions(entry.when):
                _check_compare(compare, where + loc, parameters, specs, data, path, problems)
            gap = KnownGap(entry.what, entry.why, entry.when, window, parameters, str(path))
            for topic in parsed.topics:
                knowledge.known_gaps.setdefault(topic, []).append(gap)
    _locate_in_table_rules(problems, first_problem, table_parameters)
    return bool(table_parameters)


def _locate_in_table_rules(problems: list[Problem], first: int, table_parameters: dict[int, dict]) -> None:
    """A problem in an expanded rule is the table rule's, at the place it is written in the file."""
    for k in range(first, len(problems)):
        problem = problems[k]
        for i, added in table_parameters.items():
            prefix = f"rules[{i}]"
            if problem.location == prefix or problem.location.startswith((prefix + ".", prefix + "[")):
                problems[k] = Problem(problem.path, problem.line,
                                      f"rules[{added[ORIGIN]}].rule" + problem.location[len(prefix):], problem.message)
                break


def _dated_items(value: Any, where: tuple) -> Iterator[tuple[Any, tuple]]:
    if isinstance(value, dict):
        for day, item in value.items():
            yield item, where + (str(day),)
    else:
        yield value, where


def _resolved_rule(rule: Rule, parsed: RuleFile, guideline_version: str, effective: Effective, path: Path,
                   line: int | None, where: tuple, data: Any, problems: list[Problem],
                   row_parameters: dict[str, Parameter] | None = None) -> LoadedRule | None:
    """The rule as one version of the guideline reads: dated values resolved on the version's first day."""
    day = effective.from_
    resolved = rule.on(day)
    for field_name in ("title", "cites", "explain"):
        if getattr(resolved, field_name) is None:
            problems.append(Problem(str(path), line_of(data, where + (field_name,)), _dotted(where + (field_name,)),
                                    f"the rule is in force from {day} but its {field_name} has no value "
                                    f"before {dates_of(getattr(rule, field_name))[0]}"))
            return None
    parameters = {}
    for name, parameter in {**parsed.parameters, **(row_parameters or {})}.items():
        on_day = parameter.on(day)
        if on_day is not None:
            parameters[name] = on_day
    every = parsed.topics == [EVERY_TOPIC]
    served = tuple(sorted(topics())) if every else tuple(parsed.topics)
    return LoadedRule(resolved, served, guideline_version, effective, parameters, str(path), line,
                      version_key=f"{rule.id}@{day.isoformat()}", every_topic=every)


def _check_rule(loaded: LoadedRule, specs: dict[str, FactSpec], data: Any, path: Path, where: tuple,
                problems: list[Problem]) -> None:
    rule, parameters = loaded.rule, loaded.parameters
    for part in ("when", "unless", "require"):
        condition = getattr(rule, part)
        for compare, loc in iter_conditions(condition):
            _check_compare(compare, where + (part,) + loc, parameters, specs, data, path, problems)
    if isinstance(rule.otherwise, SupportsUpTo):
        name = rule.otherwise.supports_up_to
        parameter = parameters.get(name)
        if parameter is None or not isinstance(parameter.value, (int, float)):
            problems.append(Problem(str(path), line_of(data, where + ("otherwise",)), _dotted(where + ("otherwise",)),
                                    f"supports_up_to needs a numeric parameter; {name!r} is "
                                    f"{'unknown' + suggest(name, tuple(parameters)) if parameter is None else 'not a number'}"))
        counted = rule.otherwise.less
        if counted is not None and (counted not in specs or specs[counted].kind != "number"):
            problems.append(Problem(str(path), line_of(data, where + ("otherwise",)), _dotted(where + ("otherwise", "less")),
                                    f"less needs a number fact; {counted!r} is "
                                    f"{'unknown' + suggest(counted, tuple(specs)) if counted not in specs else 'not a number'}"))
    for placeholder in _PLACEHOLDER.findall(rule.explain):
        if placeholder not in parameters and placeholder not in specs:
            problems.append(Problem(str(path), line_of(data, where + ("explain",)), _dotted(where + ("explain",)),
                                    f"explain uses {{{placeholder}}}, which is neither a parameter nor a fact"
                                    f"{suggest(placeholder, tuple(parameters) + tuple(specs))}"))


def load_knowledge_from(guideline_paths: list[Path], rule_paths: list[Path]) -> Knowledge:
    knowledge = Knowledge()
    problems: list[Problem] = []
    try:
        for path in guideline_paths:
            _load_guideline_file(path, knowledge, problems)
        seen_ids: dict[str, list[tuple[Effective, str]]] = {}
        uses_schedule = False
        # read only when a parameter lists a table's keys
        tables = cache(lambda: _table_rows_by_name(rule_paths))
        for path in rule_paths:
            uses_schedule |= _load_rule_file(path, knowledge, problems, seen_ids, tables)
        if uses_schedule:
            problems.extend(schedule_clause_problems({i: c.clause.title for i, c in knowledge.clauses.items()}))
        read = {path for rule in knowledge.rules for paths in rule.facts_by_part.values() for path in paths}
        if read & set(FACT_PARAMETERS.values()):
            _check_fact_parameters(knowledge, problems)
    except InputError as error:
        problems.extend(error.problems)
    if problems:
        # a problem in a rule written once for several versions, or for every row of a table, is found
        # once per version or row
        raise RuleLoadError(list(dict.fromkeys(problems)))
    return knowledge


def _check_fact_parameters(knowledge: Knowledge, problems: list[Problem]) -> None:
    """The figures the fact layer derives facts with (rules/facts.yaml `parameters`), once some rule reads a fact they
    derive: exactly those facts.FACT_PARAMETERS names, numbers, citing known clauses."""
    parsed, data = facts_file()
    path = facts_file_path()
    for name, parameter in parsed.parameters.items():
        where = ("parameters", name)
        if name not in FACT_PARAMETERS:
            problems.append(Problem(str(path), line_of(data, where), _dotted(where),
                                    f"the fact layer reads no parameter {name!r}{suggest(name, tuple(FACT_PARAMETERS))} "
                                    f"(it reads: {', '.join(sorted(FACT_PARAMETERS))}; a rule's figure belongs in "
                                    "its rule file)"))
        values = [parameter.value] if parameter.values is None else list(parameter.values.values())
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            problems.append(Problem(str(path), line_of(data, where), _dotted(where),
                                    "the fact layer compares this parameter with a number: give one, `value: NUMBER` "
                                    "or `values: {DATE: NUMBER}`"))
        for cites, loc in _dated_items(parameter.cites, where + ("cites",)):
            _check_cites(cites, knowledge, loc, data, path, problems)
    for name, fact in FACT_PARAMETERS.items():
        if name not in parsed.parameters:
            problems.append(Problem(str(path), line_of(data, ("parameters",)), "parameters",
                                    f"no parameter {name!r}: the fact layer derives {fact} with it, and rules read "
                                    f"{fact} (write it as `{name}: {{value: NUMBER, cites: [CLAUSE]}}`)"))


def rule_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if p.name not in _VOCABULARY_FILES)


@cache
def load_knowledge() -> Knowledge:
    """The bundled guidelines and rules (loaded once per process)."""
    return load_knowledge_from(sorted(guidelines_dir().glob("*.yaml")), rule_files(rules_dir()))
