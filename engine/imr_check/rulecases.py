"""Rule cases: YAML files of small cases with the determination the rules must give.

A file is a list of cases. A case: `name` (a sentence), optional `date` (the request date),
`injury_date`, `patient`, `clinical`, `not_documented` (fact paths the letter states are not
documented, as a case file lists them: `clinical.exercise_program`, `requests[0].sessions`), one
`request` (or `requests`, the first one checked), and
`expect`: `determination`, and optionally `rules` (the deciding rule ids, exactly), `clauses`
(cited clause ids that must be among the result's), `not_cited` (clause ids that must not be among
them), `criteria` ({rule id: status}), `missing`
(fact paths that must be listed as missing), `supported_quantity`, `version` (a guideline
version the result must have used) and `basis` (what the determination rests on).

`imr-check test` and the project's pytest plugin (tests/conftest.py) both run cases with
`run_case`, so a rule author can check rules without a checkout of the project.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import yaml

from ._yaml import line_of, load_yaml_file
from .case import load_case_text
from .errors import InputError, Problem
from .evaluate import KNOWN_GAP_REASON, evaluate_case
from .knowledge import Knowledge

EXPECT_KEYS = ("determination", "rules", "clauses", "not_cited", "criteria", "missing", "supported_quantity", "version",
               "basis", "not_encoded")

CASE_KEYS = ("name", "date", "patient", "clinical", "request", "requests", "expect", "injury_date", "not_documented")
# A case without a date is a pre-screen, judged by the guideline in force on this fixed day, so a
# case's answer does not change with the day it is run.
PRESCREEN_DAY = dt.date(2026, 1, 1)


@dataclass(frozen=True)
class RuleCase:
    name: str
    spec: dict[str, Any]
    file: str
    line: int | None


def load_cases(path: Path) -> list[RuleCase]:
    """The cases of one file; a malformed file or case is an InputError naming file and line."""
    data = load_yaml_file(path)
    if data is None:
        return []
    if not isinstance(data, list):
        raise InputError.single(str(path), "expected a list of rule cases (`- name: ...`)", line=line_of(data, ()))
    problems: list[Problem] = []
    cases: list[RuleCase] = []
    names: set[str] = set()
    for number, spec in enumerate(data, 1):
        line = line_of(data, (number - 1,))
        if not isinstance(spec, dict):
            problems.append(Problem(str(path), line, f"[{number - 1}]", "a rule case is a mapping (name, request, expect)"))
            continue
        name = str(spec.get("name") or f"case {number}")
        if name in names:
            problems.append(Problem(str(path), line, f"[{number - 1}].name", f"two cases named {name!r}"))
        names.add(name)
        unknown = sorted(set(map(str, spec)) - set(CASE_KEYS))
        if unknown:
            problems.append(Problem(str(path), line, f"[{number - 1}]",
                                    f"unknown keys {unknown}; allowed: {', '.join(CASE_KEYS)}"))
        expect = spec.get("expect")
        if not isinstance(expect, dict) or "determination" not in expect or set(map(str, expect)) - set(EXPECT_KEYS):
            problems.append(Problem(str(path), line_of(data, (number - 1, "expect")), f"[{number - 1}].expect",
                                    f"expect needs 'determination' and only {', '.join(EXPECT_KEYS)}"))
        if "request" not in spec and "requests" not in spec:
            problems.append(Problem(str(path), line, f"[{number - 1}]", "a rule case needs `request` (or `requests`)"))
        cases.append(RuleCase(name, spec, str(path), line))
    if problems:
        raise InputError(problems)
    return cases


def case_from_spec(spec: dict[str, Any]) -> str:
    """The case-file YAML for a rule case."""
    requests = spec.get("requests") or [spec["request"]]
    info: dict[str, Any] = {"id": str(spec.get("name", "rule case"))[:60]}
    if spec.get("date"):
        info["request_date"] = spec["date"]
    if spec.get("injury_date"):
        info["injury_date"] = spec["injury_date"]
    document = {"case": info, "requests": requests}
    for key in ("patient", "clinical", "not_documented"):
        if key in spec:
            document[key] = spec[key]
    return yaml.safe_dump(_plain(document), sort_keys=False)


def _plain(value: Any) -> Any:
    """The loader's line-remembering mappings and lists as plain ones, for yaml.safe_dump."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def run_case(case: RuleCase, knowledge: Knowledge | None = None) -> list[str]:
    """What the result gets wrong, in sentences; empty when the case passes."""
    expect = case.spec["expect"]
    loaded = load_case_text(case_from_spec(case.spec), case.file)
    result = evaluate_case(loaded, knowledge, today=PRESCREEN_DAY).requests[0]
    problems = []
    if result.determination != expect["determination"]:
        problems.append(f"determination {result.determination!r} ({result.reason}), expected {expect['determination']!r}")
    if "rules" in expect and sorted(result.deciding_rules) != sorted(expect["rules"]):
        problems.append(f"deciding rules {sorted(result.deciding_rules)}, expected {sorted(expect['rules'])}")
    cited = {c.id for c in result.clauses}
    for clause in expect.get("clauses", []):
        if clause not in cited:
            problems.append(f"clause {clause!r} not cited (cited: {sorted(cited)})")
    for clause in expect.get("not_cited", []):
        if clause in cited:
            problems.append(f"clause {clause!r} cited, expected not (cited: {sorted(cited)})")
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
    if "basis" in expect and result.basis != expect["basis"]:
        problems.append(f"basis {result.basis!r}, expected {expect['basis']!r}")
    if "not_encoded" in expect:
        wanted = expect["not_encoded"] if isinstance(expect["not_encoded"], list) else [expect["not_encoded"]]
        # The reason names the entries, in the order the rule files give them; none expected is no such reason.
        named = result.reason.startswith(KNOWN_GAP_REASON)
        if (named or wanted) and result.reason != KNOWN_GAP_REASON + "; ".join(map(str, wanted)):
            problems.append(f"reason {result.reason!r}: expected it to name the not_encoded entries {wanted}")
    if "version" in expect and expect["version"] not in result.guideline_versions:
        problems.append(f"guideline version {expect['version']!r} not used (used: {result.guideline_versions})")
    return problems


def case_files(paths: list[Path]) -> Iterator[Path]:
    """The YAML files named, and those in the folders named (not recursively)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(path.glob("*.yaml"))
        elif path.is_file():
            yield path
        else:
            raise InputError.single(str(path), "no such file or folder of rule cases")
