"""Rule tests as data: every tests/rules/*.yaml is a list of cases, collected as pytest items.

The case format and the runner are imr_check.rulecases, the same code `imr-check test` runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from imr_check import InputError, load_knowledge
from imr_check.rulecases import RuleCase, load_cases, run_case

RULE_CASES = Path(__file__).parent / "rules"
SHARED = Path(__file__).resolve().parents[2] / "shared"


def pytest_collect_file(parent: pytest.Collector, file_path: Path):
    if file_path.suffix == ".yaml" and file_path.parent == RULE_CASES:
        return RuleCaseFile.from_parent(parent, path=file_path)
    return None


class RuleCaseFile(pytest.File):
    def collect(self):
        try:
            cases = load_cases(self.path)
        except InputError as error:
            raise pytest.UsageError(str(error)) from None
        for case in cases:
            yield RuleCaseItem.from_parent(self, name=case.name, case=case)


class RuleCaseItem(pytest.Item):
    def __init__(self, *, case: RuleCase, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        problems = run_case(self.case)
        if problems:
            raise RuleCaseFailure(problems)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style=None) -> str:
        if isinstance(excinfo.value, RuleCaseFailure):
            return f"{self.path.name}: {self.name}\n  " + "\n  ".join(excinfo.value.problems)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, self.case.line or 0, f"rule case: {self.name}"


class RuleCaseFailure(AssertionError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def all_rule_cases() -> list[dict[str, Any]]:
    return [case.spec for path in sorted(RULE_CASES.glob("*.yaml")) for case in load_cases(path)]


@pytest.fixture(scope="session")
def knowledge():
    return load_knowledge()
