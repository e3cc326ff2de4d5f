"""Yes/no facts declared as data (rules/facts.yaml), beyond the fields the case model writes in Python, and the
figures the fact layer derives facts with.

A new topic's findings ("prior return-to-work attempts failed") are declared here with the description
a reviewer reads; the case model, the fact layer, the rule loader and the reader's lexicon use them like
any other fact. Only booleans: a fact with a unit or a choice of values still belongs in imr_check/case.py.

The file's `parameters` are a rule file's parameters in shape (a value or dated values, the clauses that set it);
the fact layer reads them (facts.FACT_PARAMETERS), and the rule loader checks their clauses.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field

from ._data import rules_dir
from ._yaml import line_of
from .errors import Problem, RuleLoadError
from .model import Parameter
from .phrases import load_model


class _Fact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str = Field(min_length=1)
    label: Optional[str] = Field(None, min_length=1, description="The fact in a few words, as results name a "
                                 "missing fact (else rules/fact_labels.yaml must give one)")


class FactsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    parameters: dict[str, Parameter] = Field(
        default_factory=dict, description="The figures the fact layer derives facts with (facts.FACT_PARAMETERS)")
    clinical: dict[str, _Fact] = Field(default_factory=dict, description="Case-wide findings: clinical.<name>")
    request: dict[str, _Fact] = Field(default_factory=dict, description="Findings about one request: request.<name>")


def facts_file_path() -> Path:
    return rules_dir() / "facts.yaml"


@cache
def _file() -> tuple[FactsFile, Any]:
    path = facts_file_path()
    if not path.exists():
        return FactsFile(), {}
    return load_model(path, FactsFile)


def facts_file() -> tuple[FactsFile, Any]:
    """rules/facts.yaml validated, and its data with lines (for the rule loader's problems)."""
    return _file()


def fact_parameter(name: str, day: dt.date) -> Optional[Parameter]:
    """A parameter of the fact layer as it stood on a day; None when the file has none of that name, or no value yet."""
    parameter = _file()[0].parameters.get(name)
    return parameter.on(day) if parameter is not None else None


def declared_facts(section: str, existing: set[str]) -> dict[str, str]:
    """The facts declared for `section` (clinical or request): name -> description."""
    parsed, data = _file()
    facts = getattr(parsed, section)
    problems = []
    for name in facts:
        if not name.isidentifier() or not name.islower():
            problems.append(Problem(str(facts_file_path()), line_of(data, (section, name)), f"{section}.{name}",
                                    "a fact name is lower-case words joined by '_'"))
        elif name in existing:
            problems.append(Problem(str(facts_file_path()), line_of(data, (section, name)), f"{section}.{name}",
                                    f"{section}.{name} is already a field of the case model (imr_check/case.py)"))
    if problems:
        raise RuleLoadError(problems)
    return {name: fact.description for name, fact in facts.items()}


def declared_labels() -> dict[str, str]:
    """Fact path -> label, for the declared facts that carry one."""
    parsed, _ = _file()
    return {f"{section}.{name}": fact.label for section in ("clinical", "request")
            for name, fact in getattr(parsed, section).items() if fact.label}
