"""What the rules cover: clauses with and without rules, rules with and without test cases, and
the topics of a corpus of letters that no rule decides yet."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable


from .knowledge import Knowledge
from .model import SupportsUpTo


@dataclass
class TopicCount:
    topic: str
    items: int = 0
    decided: int = 0
    has_rules: bool = False


@dataclass
class Coverage:
    rules_by_clause: dict[str, list[str]]
    cases_by_rule: dict[str, int] | None
    corpus_topics: list[TopicCount] | None = None
    corpus_errors: list[str] = field(default_factory=list)

    @property
    def clauses_without_rules(self) -> list[str]:
        return sorted(c for c, rules in self.rules_by_clause.items() if not rules)

    @property
    def rules_without_cases(self) -> list[str]:
        return sorted(r for r, n in (self.cases_by_rule or {}).items() if n == 0)

    def as_dict(self) -> dict:
        return {
            "clauses": {"total": len(self.rules_by_clause), "with_rules": len(self.rules_by_clause) - len(
                self.clauses_without_rules), "without_rules": self.clauses_without_rules},
            "rules": None if self.cases_by_rule is None else {
                "total": len(self.cases_by_rule), "cases": self.cases_by_rule, "without_cases": self.rules_without_cases},
            "corpus_topics": None if self.corpus_topics is None else [t.__dict__ for t in self.corpus_topics],
            "corpus_errors": self.corpus_errors,
        }


def rules_by_clause(knowledge: Knowledge) -> dict[str, list[str]]:
    cited: dict[str, list[str]] = {clause_id: [] for clause_id in knowledge.clauses}
    for rule in knowledge.rules:
        clause_ids = list(rule.rule.cites)
        if isinstance(rule.rule.otherwise, SupportsUpTo):
            clause_ids += rule.parameters[rule.rule.otherwise.supports_up_to].cites
        for clause_id in dict.fromkeys(clause_ids):
            if rule.id not in cited[clause_id]:  # a rule written once for two versions is one rule
                cited[clause_id].append(rule.id)
    return cited


def cases_by_rule(knowledge: Knowledge, tests_dir: Path) -> dict[str, int]:
    """How many data cases in tests_dir name each rule (as a deciding rule or a criterion)."""
    counts = {rule.id: 0 for rule in knowledge.rules}
    for path in sorted(tests_dir.glob("*.yaml")):
        for rule_id in _named_rules(path):
                if rule_id in counts:
                    counts[rule_id] += 1
    return counts


def _shape(value: object) -> str:
    return "a mapping" if isinstance(value, dict) else f"a {type(value).__name__}"


def _named_rules(path: Path) -> set[str]:
    """The rule ids a test file's cases expect, or an InputError naming the file and line of what is
    not shaped as a test file: a list of cases, each `expect:` with `rules:` (a list) and `criteria:` (a mapping)."""
    from ._yaml import load_yaml_file
    from .errors import InputError

    data = load_yaml_file(path)
    if data is None:
        return set()

    def problem(node: object, what: str) -> InputError:
        return InputError.single(str(path), f"{what}; expected a rule test file: a list of cases, each with "
                                            "expect: {rules: [rule ids], criteria: {rule id: status}}",
                                 getattr(node, "line", None) or None)

    if not isinstance(data, list):
        raise problem(data, f"is {_shape(data)}, not a list of cases")
    named: set[str] = set()
    for index, case in enumerate(data):
        line = data.item_lines[index] if hasattr(data, "item_lines") else None
        if not isinstance(case, dict):
            raise InputError.single(str(path), f"case {index + 1} is {_shape(case)}, not a mapping", line)
        expect = case.get("expect") or {}
        rules = expect.get("rules", []) if isinstance(expect, dict) else None
        criteria = (expect.get("criteria") or {}) if isinstance(expect, dict) else None
        if not isinstance(rules, list) or not isinstance(criteria, dict):
            raise InputError.single(str(path), f"case {index + 1}: expect needs rules as a list and criteria as a "
                                               "mapping", getattr(expect, "line", None) or line)
        named |= {str(rule_id) for rule_id in rules if isinstance(rule_id, (str, int, float, bool))}
        named |= {str(rule_id) for rule_id in criteria}
    return named


def corpus_topics(knowledge: Knowledge, paths: Iterable[Path]) -> tuple[list[TopicCount], list[str]]:
    """Read every letter or case file and count its items per topic, decided or not."""
    from .audit.inputs import expand  # the audit's discovery: files, folders, globs
    from .audit.items import read_all  # each letter (.pdf/.txt) through the reader, a case file directly
    from .errors import InputError
    from .evaluate import evaluate_case

    counts: dict[str, TopicCount] = {}
    errors = []
    for found in expand(paths):
        if found.problem is not None:
            errors.append(f"{found.path}: {found.problem}")
            continue
        try:
            cases = read_all(found.path)
        except InputError as error:
            errors.append(str(error))
            continue
        for request in (r for case in cases for r in evaluate_case(case, knowledge).requests):
            count = counts.setdefault(request.topic, TopicCount(request.topic))
            count.items += 1
            count.decided += request.determination != "undetermined"
    covered = knowledge.covered_topics
    for count in counts.values():
        count.has_rules = count.topic in covered
    ranked = sorted(counts.values(), key=lambda c: (-(c.items - c.decided), -c.items, c.topic))
    return ranked, errors


def measure(knowledge: Knowledge, tests_dir: Path | None, corpus: list[Path] | None) -> Coverage:
    coverage = Coverage(
        rules_by_clause=rules_by_clause(knowledge),
        cases_by_rule=cases_by_rule(knowledge, tests_dir) if tests_dir is not None else None,
    )
    if corpus:
        coverage.corpus_topics, coverage.corpus_errors = corpus_topics(knowledge, corpus)
    return coverage
