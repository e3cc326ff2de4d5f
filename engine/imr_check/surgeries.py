"""The surgery vocabulary (rules/surgeries.yaml): procedures, their region and post-surgical schedule row.

One table feeds the case model (the procedure names), the fact layer (regions, periods, schedule
rows), the letter reader (the phrases a procedure is recognised by) and the rules (a rule written
`for_each: postsurgical_schedule` is expanded once per row, see `expand_table_rules`). The file is
validated like a case file: unknown keys, regions or rows are errors naming the line.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ._data import rules_dir
from ._yaml import LineDict, LineList, line_of, load_yaml_file, validation_problems
from .errors import Problem, RuleLoadError
from .vocabulary import BodyRegion

FILE = "surgeries.yaml"
# What a rule file names after `for_each:`; the only table so far.
POSTSURGICAL_SCHEDULE = "postsurgical_schedule"
_ROW_PLACEHOLDER = re.compile(r"\{row\.([a-z_]+)\}")
# Among the parameters an expanded rule gets, the index of the table rule it came from (not a parameter).
ORIGIN = "__table_rule_index__"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScheduleRow(_Strict):
    """A row of 8 CCR 9792.24.3: the courses of therapy after a group of surgeries."""

    label: str = Field(description="The surgeries of the row as rule titles name them")
    rule_key: Optional[str] = Field(
        None, pattern=r"^[a-z0-9_]+$",
        description="The part of the rule ids for this row (default: the row's own key)")
    clause: str = Field(description="The guideline clause that gives the row's figures")
    general_course_visits: int = Field(gt=0)
    initial_course_visits: int = Field(gt=0, description="Half the general course, in whole visits")
    initial_course_note: Optional[str] = None
    period_months: Optional[float] = Field(None, gt=0, description="The post-surgical physical medicine period")

    @model_validator(mode="after")
    def _initial_is_half(self) -> "ScheduleRow":
        if self.initial_course_visits != self.general_course_visits // 2:
            raise ValueError(f"the initial course is half the general course of {self.general_course_visits} "
                             f"visits in whole visits, {self.general_course_visits // 2}; got {self.initial_course_visits}")
        return self


class Recognition(_Strict):
    priority: int = Field(ge=1, description="Procedures are tried in this order, 1 first: the more specific first")
    phrases: list[str] = Field(min_length=1, description="Regular expressions, case-insensitive, any one matching")

    @model_validator(mode="after")
    def _compiles(self) -> "Recognition":
        for phrase in self.phrases:
            try:
                re.compile(phrase)
            except re.error as error:
                raise ValueError(f"phrase {phrase!r} is not a regular expression: {error}") from None
        return self

    def pattern(self) -> re.Pattern[str]:
        return re.compile("|".join(self.phrases), re.I)


class Procedure(_Strict):
    label: str
    region: Optional[BodyRegion] = Field(None, description="Where the surgery is; therapy for another region does not follow it")
    schedule: Optional[str] = Field(None, description="Its row of the post-surgical schedule, if one is encoded")
    period_encoded: bool = Field(True, description="false: the row's period is not certain for this procedure")
    performed: bool = Field(True, description="Can be the surgery already done (clinical.surgery_performed)")
    requested: bool = Field(True, description="Can be the surgery requested (request.procedure)")
    in_request: Optional[Recognition] = Field(None, description="How a request's text names it")
    in_record: Optional[Recognition] = Field(None, description="How the record names it as done")


class SurgeryTable(_Strict):
    schedule: dict[str, ScheduleRow] = Field(min_length=1)
    procedures: dict[str, Procedure] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> "SurgeryTable":
        if "other" in self.procedures:
            raise ValueError("'other' is always a procedure name; it takes no row")
        for name, procedure in self.procedures.items():
            if procedure.schedule is not None and procedure.schedule not in self.schedule:
                raise ValueError(f"procedure {name!r}: unknown schedule row {procedure.schedule!r}; "
                                 f"rows: {', '.join(self.schedule)}")
        for reader in ("in_request", "in_record"):
            seen: dict[int, str] = {}
            for name, procedure in self.procedures.items():
                recognition = getattr(procedure, reader)
                if recognition is None:
                    continue
                if recognition.priority in seen:
                    raise ValueError(f"procedures {seen[recognition.priority]!r} and {name!r} share {reader} "
                                     f"priority {recognition.priority}: the order must be explicit")
                seen[recognition.priority] = name
        for key, row in self.schedule.items():
            if not any(p.schedule == key for p in self.procedures.values()):
                raise ValueError(f"schedule row {key!r} has no procedure")
        return self

    # --- what the rest of the code derives from the table ---

    def performed_names(self) -> tuple[str, ...]:
        return (*(n for n, p in self.procedures.items() if p.performed), "other")

    def requested_names(self) -> tuple[str, ...]:
        return (*(n for n, p in self.procedures.items() if p.requested), "other")

    def labels(self, which: str) -> str:
        """The `performed` or `requested` procedures in words, for the case model's field descriptions."""
        return ", ".join(p.label for p in self.procedures.values() if getattr(p, which)) + ", or other"

    def regions(self) -> dict[str, str]:
        return {n: p.region for n, p in self.procedures.items() if p.region is not None}

    def periods(self) -> dict[str, float]:
        """Surgery -> its post-surgical physical medicine period in months; absent when not encoded."""
        periods = {}
        for name, procedure in self.procedures.items():
            row = self.schedule.get(procedure.schedule) if procedure.schedule else None
            if row is not None and row.period_months is not None and procedure.period_encoded:
                periods[name] = row.period_months
        return periods

    def schedule_row_of(self, procedure: str) -> str | None:
        entry = self.procedures.get(procedure)
        return entry.schedule if entry else None

    def recognisers(self, reader: str) -> list[tuple[str, re.Pattern[str]]]:
        """(procedure, pattern) for `in_request` or `in_record`, in priority order."""
        found = [(getattr(p, reader).priority, n, getattr(p, reader).pattern())
                 for n, p in self.procedures.items() if getattr(p, reader) is not None]
        return [(name, pattern) for _, name, pattern in sorted(found)]


@cache
def surgery_table() -> SurgeryTable:
    return load_surgery_table(rules_dir() / FILE)


def load_surgery_table(path: Any) -> SurgeryTable:
    data = load_yaml_file(path)
    try:
        return SurgeryTable.model_validate(data)
    except ValidationError as error:
        raise RuleLoadError(validation_problems(error, data, str(path), SurgeryTable)) from None


def schedule_clause_problems(clause_titles: dict[str, str]) -> list[Problem]:
    """The schedule rows whose clause is unknown, or whose clause's title states other figures.

    The figures are the table's; a clause's title says them in words for the reader of a result, so
    the two must agree (a changed row with a stale clause title would cite the wrong course).
    """
    path = rules_dir() / FILE
    data = load_yaml_file(path)
    problems = []
    for key, row in surgery_table().schedule.items():
        line = line_of(data, ("schedule", key, "clause"))
        title = clause_titles.get(row.clause)
        if title is None:
            problems.append(Problem(str(path), line, f"schedule.{key}.clause", f"unknown clause id {row.clause!r}"))
            continue
        stated = [f"{row.general_course_visits} visits"] + ([f"{row.period_months:g} months"] if row.period_months else [])
        missing = [figure for figure in stated if not re.search(rf"(?<![\d.]){re.escape(figure)}\b", title)]
        if missing:
            problems.append(Problem(str(path), line, f"schedule.{key}",
                                    f"the row gives {' and '.join(stated)}, but the title of {row.clause} "
                                    f"({title!r}) does not state {' or '.join(missing)}"))
    return problems


# --- rules written once for every row of a table -------------------------------------------------


def _substitute(node: Any, row: dict[str, Any]) -> Any:
    """A deep copy of a rule template with `{row.column}` replaced by the row's values (keeping lines)."""
    if isinstance(node, str):
        whole = _ROW_PLACEHOLDER.fullmatch(node)
        if whole:  # a value standing alone keeps its type (a number stays a number)
            return row[whole.group(1)]
        return _ROW_PLACEHOLDER.sub(lambda m: str(row[m.group(1)]), node)
    if isinstance(node, LineDict):
        out = LineDict({key: _substitute(value, row) for key, value in node.items()})
        out.line, out.key_lines = node.line, dict(node.key_lines)
        return out
    if isinstance(node, LineList):
        items = LineList(_substitute(value, row) for value in node)
        items.line, items.item_lines = node.line, list(node.item_lines)
        return items
    if isinstance(node, dict):
        return {key: _substitute(value, row) for key, value in node.items()}
    if isinstance(node, list):
        return [_substitute(value, row) for value in node]
    return copy.copy(node)


def _schedule_rows(table: SurgeryTable) -> list[tuple[dict[str, Any], dict[str, dict]]]:
    """Each schedule row as template values, and the parameters its rules get (with their clauses)."""
    rows = []
    for key, row in table.schedule.items():
        values = {"key": row.rule_key or key, "name": key, "label": row.label, "clause": row.clause,
                  "initial_course_visits": row.initial_course_visits, "general_course_visits": row.general_course_visits}
        initial = {"value": row.initial_course_visits, "unit": "visits",
                   "cites": ["postsurgical.initial_course_half", row.clause]}
        if row.initial_course_note:
            initial["note"] = row.initial_course_note
        parameters = {
            "initial_course_visits": initial,
            "general_course_visits": {"value": row.general_course_visits, "unit": "visits", "cites": [row.clause]},
        }
        rows.append((values, parameters))
    return rows


def expand_table_rules(data: Any, source: str, table: SurgeryTable | None = None
                       ) -> tuple[Any, dict[int, dict[str, dict]], list[Problem]]:
    """A rule file with each `{for_each: TABLE, rule: {...}}` entry replaced by one rule per row.

    Returns the expanded data, the parameters each expanded rule adds to the file's own (by its index
    among the expanded rules; ORIGIN holds the index of the table rule in the file), and problems (an unknown table, a missing `rule`, an unknown column).
    A table rule keeps one id per row, so the audit's breakdowns by rule and the clauses an item cites
    are those of the row; its figures and clause come from the table, written nowhere else.
    """
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        return data, {}, []
    if not any(isinstance(entry, dict) and "for_each" in entry for entry in data["rules"]):
        return data, {}, []
    problems: list[Problem] = []
    expanded = LineList()
    expanded.line = getattr(data["rules"], "line", 0)
    expanded.item_lines = []
    added: dict[int, dict[str, dict]] = {}
    item_lines = getattr(data["rules"], "item_lines", [])
    for i, entry in enumerate(data["rules"]):
        line = item_lines[i] if i < len(item_lines) else None
        if not (isinstance(entry, dict) and "for_each" in entry):
            expanded.append(entry)
            expanded.item_lines.append(line)
            continue
        where = ("rules", i)
        extra = sorted(set(entry) - {"for_each", "rule"})
        if entry["for_each"] != POSTSURGICAL_SCHEDULE or not isinstance(entry.get("rule"), dict) or extra:
            problems.append(Problem(source, line_of(data, where), f"rules[{i}]",
                                    f"a table rule is {{for_each: {POSTSURGICAL_SCHEDULE}, rule: {{...}}}} "
                                    f"(the tables: {POSTSURGICAL_SCHEDULE}, from rules/{FILE})"))
            continue
        template = entry["rule"]
        for values, parameters in _schedule_rows(table or surgery_table()):
            unknown = sorted(set(_ROW_PLACEHOLDER.findall(repr(template))) - set(values))
            if unknown:
                problems.append(Problem(source, line_of(data, where + ("rule",)), f"rules[{i}].rule",
                                        f"unknown column {{row.{unknown[0]}}}; columns: {', '.join(sorted(values))}"))
                break
            added[len(expanded)] = {**parameters, ORIGIN: i}
            expanded.append(_substitute(template, values))
            expanded.item_lines.append(line_of(data, where + ("rule",)))
    out = LineDict(data)
    out.line, out.key_lines = getattr(data, "line", 0), dict(getattr(data, "key_lines", {}))
    out["rules"] = expanded
    return out, added, problems
