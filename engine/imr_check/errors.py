"""Errors meant for people: each problem names its file, line and field."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    location: str
    message: str

    def __str__(self) -> str:
        place = f"{self.path}:{self.line}" if self.line else self.path
        where = f" at {self.location}" if self.location else ""
        return f"{place}{where}: {self.message}"


@dataclass
class InputError(Exception):
    """Invalid input (a case file, a rule file, a letter). The CLI turns it into exit code 2."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''}:"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])

    @classmethod
    def single(cls, path: str, message: str, line: int | None = None, location: str = "") -> "InputError":
        return cls([Problem(str(path), line, location, message)])


@dataclass
class IncompleteLetter(InputError):
    """A letter cut off after some complete items: `case` holds those, the problems say what was lost.

    Callers that only know InputError refuse the letter as before; `extract` and audits use the
    complete items and report the error for the rest.
    """

    case: object = None


class RuleLoadError(InputError):
    """A rule or guideline file is invalid: the project's own data is broken."""


class EngineError(RuntimeError):
    """The rule engine failed while evaluating (an action raised, a session leaked)."""
