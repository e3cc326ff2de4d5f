"""Rule tests as data: every tests/rules/*.yaml is a list of cases, collected as pytest items.

A case: `name` (a sentence), optional `date` (the request date), `patient`, `clinical`, one
`request` (or `requests`), and `expect`: `determination`, and optionally `rules` (the deciding
rule ids, exactly), `clauses` (cited clause ids that must be among the result's), `criteria`
({rule id: status}), `missing` (fact paths that must be listed as missing), `supported_quantity`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from imr_check import evaluate_case, load_case_text, load_knowledge

RULE_CASES = Path(__file__).parent / "rules"
SHARED = Path(__file__).resolve().parents[2] / "shared"

_EXPECT_KEYS = {"determination", "rules", "clauses", "criteria", "missing", "supported_quantity", "version"}
_CASE_KEYS = {"name", "date", "patient", "clinical", "request", "requests", "expect", "injury_date"}


def pytest_collect_file(parent: pytest.Collector, file_path: Path):
    if file_path.suffix == ".yaml" and file_path.parent == RULE_CASES:
        return RuleCaseFile.from_parent(parent, path=file_path)
    return None


class RuleCaseFile(pytest.File):
    def collect(self):
        cases = yaml.safe_load(self.path.read_text()) or []
        if not isinstance(cases, list):
            raise pytest.UsageError(f"{self.path}: expected a list of rule cases")
        names = set()
        for number, case in enumerate(cases, 1):
            name = case.get("name") or f"case {number}"
            if name in names:
                raise pytest.UsageError(f"{self.path}: two cases named {name!r}")
            names.add(name)
            yield RuleCaseItem.from_parent(self, name=name, spec=case)


def case_from_spec(spec: dict[str, Any]) -> str:
    """The case-file YAML for a rule test case."""
    requests = spec.get("requests") or [spec["request"]]
    info: dict[str, Any] = {"id": spec.get("name", "rule case")[:60]}
    if spec.get("date"):
        info["request_date"] = spec["date"]
    if spec.get("injury_date"):
        info["injury_date"] = spec["injury_date"]
    document = {"case": info, "requests": requests}
    for key in ("patient", "clinical"):
        if key in spec:
            document[key] = spec[key]
    return yaml.safe_dump(document, sort_keys=False)


class RuleCaseItem(pytest.Item):
    def __init__(self, *, spec: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec

    def runtest(self) -> None:
        unknown = set(self.spec) - _CASE_KEYS
        if unknown:
            raise AssertionError(f"unknown keys in rule case: {sorted(unknown)}; allowed: {sorted(_CASE_KEYS)}")
        expect = self.spec.get("expect") or {}
        if set(expect) - _EXPECT_KEYS or "determination" not in expect:
            raise AssertionError(f"expect needs 'determination' and only {sorted(_EXPECT_KEYS)}; got {sorted(expect)}")
        case = load_case_text(case_from_spec(self.spec), str(self.path))
        result = evaluate_case(case, today=dt.date(2026, 1, 1)).requests[0]
        problems = []
        if result.determination != expect["determination"]:
            problems.append(f"determination {result.determination!r} ({result.reason}), expected {expect['determination']!r}")
        if "rules" in expect and sorted(result.deciding_rules) != sorted(expect["rules"]):
            problems.append(f"deciding rules {sorted(result.deciding_rules)}, expected {sorted(expect['rules'])}")
        cited = {c.id for c in result.clauses}
        for clause in expect.get("clauses", []):
            if clause not in cited:
                problems.append(f"clause {clause!r} not cited (cited: {sorted(cited)})")
        statuses = {c.rule_id: c.status for c in result.criteria}
        for rule_id, status in (expect.get("criteria") or {}).items():
            if statuses.get(rule_id) != status:
                problems.append(f"criterion {rule_id}: {statuses.get(rule_id)!r}, expected {status!r}")
        missing = {m.fact for m in result.missing_documentation}
        for fact in expect.get("missing", []):
            if fact not in missing:
                problems.append(f"{fact!r} not listed as missing (missing: {sorted(missing)})")
        if "supported_quantity" in expect and result.supported_quantity != expect["supported_quantity"]:
            problems.append(f"supported quantity {result.supported_quantity}, expected {expect['supported_quantity']}")
        if "version" in expect and expect["version"] not in result.guideline_versions:
            problems.append(f"guideline version {expect['version']!r} not used (used: {result.guideline_versions})")
        if problems:
            raise RuleCaseFailure(problems)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style=None) -> str:
        if isinstance(excinfo.value, RuleCaseFailure):
            return f"{self.path.name}: {self.name}\n  " + "\n  ".join(excinfo.value.problems)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"rule case: {self.name}"


class RuleCaseFailure(AssertionError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def all_rule_cases() -> list[dict[str, Any]]:
    cases = []
    for path in sorted(RULE_CASES.glob("*.yaml")):
        cases.extend(yaml.safe_load(path.read_text()) or [])
    return cases


@pytest.fixture(scope="session")
def knowledge():
    return load_knowledge()
