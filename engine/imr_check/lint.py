"""`imr-check rules --lint`: what loads but is probably a mistake.

- a parameter no rule reads (in its conditions, its cap or its explanation), nor a not_encoded `when`, nor
  the fact layer;
- a fact path no rule reads and that nothing else uses (see facts.READ_OUTSIDE_RULES);
- a rule title whose figures are not the rule's own numbers: "at most 18 visits" over a parameter
  of 16. A range ("4 to 6 visits") needs one of its ends among them (rules read a range at one end);
  a figure with a unit of time may match a number in another unit (7 days, 1 week).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .facts import READ_OUTSIDE_RULES, fact_labels, fact_specs
from .knowledge import Knowledge, LoadedRule, _PLACEHOLDER, iter_conditions
from .model import ParamRef, SupportsUpTo

# A figure or a range of them ("4 to 6 weeks"): numbers not part of a word or a name (COX-2, the
# 4 A's), with the unit word after them.
_FIGURE = re.compile(r"(?<![\w.-])(?:(\d+(?:\.\d+)?)\s+to\s+)?(\d+(?:\.\d+)?)(?![\w.-]|\s+[A-Z]'s)"
                     r"(?:%|\s+(day|week|month|year)s?\b)?")
_DAYS = {"day": 1.0, "week": 7.0, "month": 30.44, "year": 365.25}


@dataclass(frozen=True)
class Finding:
    file: str
    line: int | None
    kind: str
    message: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        return f"{place}: {self.kind}: {self.message}"


def lint(knowledge: Knowledge) -> list[Finding]:
    return [*_unused_parameters(knowledge), *_unread_facts(knowledge), *_labels(), *_title_figures(knowledge)]


def _labels() -> list[Finding]:
    labels, specs = fact_labels(), fact_specs()
    file = "rules/fact_labels.yaml"
    return ([Finding(file, None, "unlabelled fact", f"{path!r} has no label (here, or as the `label` of a fact "
                     "declared in rules/facts.yaml)") for path in specs if path not in labels]
            + [Finding(file, None, "unknown fact", f"a label for {path!r}, which is not a fact path") for path in labels
               if path not in specs])


def _unused_parameters(knowledge: Knowledge) -> list[Finding]:
    by_file: dict[str, list[LoadedRule]] = {}
    for rule in knowledge.rules:
        by_file.setdefault(rule.file, []).append(rule)
    findings = []
    for file, rules in by_file.items():
        defined = dict.fromkeys(name for rule in rules for name in rule.parameters)
        used = {name for rule in rules for name in rule.parameters_used}
        used |= {name for gaps in knowledge.known_gaps.values() for gap in gaps if gap.file == file
                 for name in gap.parameters_used}
        for name in defined:
            # A table's list of keys is made for `{table_keys: ...}`, not written by the author: a table
            # whose rules need no list of its rows leaves it unread.
            if name not in used and not name.endswith("__keys"):
                findings.append(Finding(file, None, "unused parameter", f"no rule reads parameter {name!r}"))
    return findings


def facts_read(rule: LoadedRule) -> set[str]:
    read = {path for paths in rule.facts_by_part.values() for path in paths}
    if isinstance(rule.rule.otherwise, SupportsUpTo) and rule.rule.otherwise.less:
        read.add(rule.rule.otherwise.less)
    read.update(p for p in _PLACEHOLDER.findall(rule.rule.explain) if "." in p)
    return read


def _unread_facts(knowledge: Knowledge) -> list[Finding]:
    read = set().union(*(facts_read(rule) for rule in knowledge.rules))
    return [Finding("facts", None, "unread fact", f"no rule reads {path!r} and nothing else uses it "
                    "(facts.READ_OUTSIDE_RULES names the facts kept for another use)")
            for path in fact_specs() if path not in read and path not in READ_OUTSIDE_RULES]


def _numbers(rule: LoadedRule) -> list[tuple[float, str | None]]:
    """The rule's own numbers, each with its unit of time if it has one."""
    numbers: list[tuple[float, str | None]] = []
    for parameter in rule.parameters_used.values():
        if isinstance(parameter.value, (int, float)) and not isinstance(parameter.value, bool):
            unit = next((u for u in _DAYS if parameter.unit and parameter.unit.startswith(u)), None)
            numbers.append((float(parameter.value), unit))
    for part in ("when", "unless", "require"):
        for compare, _ in iter_conditions(getattr(rule.rule, part)):
            operand = compare.operand
            if isinstance(operand, (int, float)) and not isinstance(operand, bool) and not isinstance(operand, ParamRef):
                numbers.append((float(operand), _unit_of_fact(compare.fact)))
    return numbers


def _unit_of_fact(path: str) -> str | None:
    return next((u for u in _DAYS if f"{u}s" in path or path.endswith(u)), None)


def _matches(figure: float, unit: str | None, number: float, number_unit: str | None) -> bool:
    if figure == number:
        return True
    if unit and number_unit and number:
        in_days, number_in_days = figure * _DAYS[unit], number * _DAYS[number_unit]
        return abs(in_days - number_in_days) <= 0.05 * number_in_days
    return False


def _title_figures(knowledge: Knowledge) -> list[Finding]:
    findings = []
    for rule in knowledge.rules:
        numbers = _numbers(rule)
        for match in _FIGURE.finditer(rule.rule.title):
            ends = [float(end) for end in match.group(1, 2) if end is not None]
            unit = match.group(3)
            if not any(_matches(figure, unit, number, number_unit)
                       for figure in ends for number, number_unit in numbers):
                own = ", ".join(f"{n:g}{' ' + u + 's' if u else ''}" for n, u in numbers) or "none"
                findings.append(Finding(rule.file, rule.line, "title figure",
                                        f"{rule.id} ({rule.guideline_version}): the title says {match.group(0).strip()!r}, "
                                        f"but the rule's numbers are {own}"))
    return list(dict.fromkeys(findings))
