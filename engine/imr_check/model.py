"""The shapes of guideline clauses and rules, as they are written in guidelines/ and rules/."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Effective(Strict):
    """A date window: `from` inclusive, `to` exclusive (the day the next version took effect)."""

    from_: dt.date = Field(alias="from")
    to: Optional[dt.date] = None

    @model_validator(mode="after")
    def _ordered(self) -> "Effective":
        if self.to is not None and self.to <= self.from_:
            raise ValueError("'to' must be after 'from'")
        return self

    def contains(self, day: dt.date) -> bool:
        return self.from_ <= day and (self.to is None or day < self.to)

    def label(self) -> str:
        return f"{self.from_} to {self.to}" if self.to else f"from {self.from_}"


# --- guidelines/ ---------------------------------------------------------------------------


class Source(Strict):
    id: str
    title: str
    authority: str = Field(description="Where it has force, e.g. '8 CCR 9792.24.1' or 'not part of the MTUS'")
    is_mtus: bool = True
    effective: Effective


class Clause(Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
    title: str
    citation: str = Field(description="Section, subsection and pages as the guideline numbers them")
    effective: Optional[Effective] = None
    summary: str = Field(description="What the clause says, in the project's own words")
    confirmed_from: Optional[str] = Field(None, description="Where the figure or wording was confirmed")


class GuidelineFile(Strict):
    source: Source
    clauses: list[Clause] = Field(min_length=1)


# --- rules/: the condition vocabulary ---------------------------------------------------------


class ParamRef(Strict):
    param: str


class RowRef(Strict):
    """In a rule written once per row of a table: the row's key (the fact's value) or its value."""

    row: Literal["key", "value"]


class TableKeysRef(Strict):
    """The keys of a table's rows in force: the conditions that have a row of their own."""

    table_keys: str


Scalar = Union[bool, int, float, str]
Value = Union[ParamRef, RowRef, Scalar]
ListValue = Union[ParamRef, TableKeysRef, list[Scalar]]

COMPARISONS = ("is", "eq", "ne", "lt", "lte", "gt", "gte", "in", "contains_any", "documented", "stated_not_documented")


class Compare(Strict):
    """`fact: PATH` with exactly one operator."""

    fact: str
    is_: Optional[bool] = Field(None, alias="is")
    eq: Optional[Value] = None
    ne: Optional[Value] = None
    lt: Optional[Value] = None
    lte: Optional[Value] = None
    gt: Optional[Value] = None
    gte: Optional[Value] = None
    in_: Optional[ListValue] = Field(None, alias="in")
    contains_any: Optional[ListValue] = None
    documented: Optional[bool] = None
    # true: the letter states the record does not document the fact (the case's `not_documented`); false: it does
    # not say so (the fact is documented, or the letter is silent on it). Never itself undocumented.
    stated_not_documented: Optional[bool] = None

    @model_validator(mode="after")
    def _one_operator(self) -> "Compare":
        given = [op for op in COMPARISONS if getattr(self, _attr(op)) is not None]
        if len(given) != 1:
            raise ValueError(
                f"a comparison needs exactly one operator besides 'fact' (got {given or 'none'}); "
                f"allowed: {', '.join(COMPARISONS)}"
            )
        return self

    @property
    def operator(self) -> str:
        return next(op for op in COMPARISONS if getattr(self, _attr(op)) is not None)

    @property
    def operand(self) -> Any:
        return getattr(self, _attr(self.operator))


def _attr(op: str) -> str:
    return f"{op}_" if op in ("is", "in") else op


class AllOf(Strict):
    all: list["Condition"] = Field(min_length=1)


class AnyOf(Strict):
    any: list["Condition"] = Field(min_length=1)


class Not(Strict):
    not_: "Condition" = Field(alias="not")


def _condition_kind(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return {AllOf: "all", AnyOf: "any", Not: "not", Compare: "fact"}.get(type(value))
    if isinstance(value, dict):
        for key in ("all", "any", "not", "fact"):
            if key in value:
                return key
    return None


Condition = Annotated[
    Union[
        Annotated[AllOf, Tag("all")],
        Annotated[AnyOf, Tag("any")],
        Annotated[Not, Tag("not")],
        Annotated[Compare, Tag("fact")],
    ],
    Discriminator(
        _condition_kind,
        custom_error_type="condition",
        custom_error_message="a condition is one of {all: [...]}, {any: [...]}, {not: ...} or {fact: PATH, <operator>: VALUE}",
    ),
]
_COMPARE_KEYS = {"fact", *COMPARISONS}


def clean_condition_loc(loc: tuple) -> tuple:
    """Drop the discriminator tags pydantic adds to error locations inside conditions."""
    cleaned: list = []
    i = 0
    while i < len(loc):
        part = loc[i]
        following = loc[i + 1] if i + 1 < len(loc) else None
        if part in ("all", "any", "not") and following == part:
            i += 1  # the tag; the field of the same name follows
            continue
        if part == "fact" and following in _COMPARE_KEYS:
            i += 1
            continue
        cleaned.append(part)
        i += 1
    return tuple(cleaned)


AllOf.model_rebuild()
AnyOf.model_rebuild()
Not.model_rebuild()


# --- rules/: rules and rule files -------------------------------------------------------------


# --- dated values -----------------------------------------------------------------------------
# What changes with the guideline version (a threshold, the clauses a rule cites, a title naming a
# figure) is written once with the date each value took effect, the way OpenFisca parameters hold
# `values: {2009-07-18: 18, 2016-07-29: 16}`. A value holds from its date until the next one; its
# dates must be versions of the file (keys of its dated guideline_version).

Clauses = Annotated[list[str], Field(min_length=1)]
ParameterValue = Union[int, float, list[str]]
DatedText = Union[str, dict[dt.date, str]]
DatedClauses = Union[Clauses, dict[dt.date, Clauses]]


def value_on(value: Any, day: dt.date) -> Any:
    """A dated value's value on a day (None before its first date); a plain value is always itself."""
    if not isinstance(value, dict):
        return value
    found = None
    for since in sorted(value):
        if since <= day:
            found = value[since]
    return found


def dates_of(value: Any) -> list[dt.date]:
    return sorted(value) if isinstance(value, dict) else []


class Parameter(Strict):
    """A named threshold, with the clauses that set it: `value` for one value, `values` for dated ones."""

    # `{table_keys: TABLE}`: the keys of a table's rows, in whichever rule file it is (resolved on loading)
    value: Optional[Union[ParameterValue, TableKeysRef]] = None
    values: Optional[dict[dt.date, ParameterValue]] = Field(None, min_length=1)
    unit: Optional[str] = None
    cites: DatedClauses
    note: Optional[DatedText] = None

    @model_validator(mode="after")
    def _one_value(self) -> "Parameter":
        if (self.value is None) == (self.values is None):
            raise ValueError("a parameter has either 'value' (one value) or 'values' (dated values: {DATE: VALUE})")
        return self

    def on(self, day: dt.date) -> Optional["Parameter"]:
        """The parameter as it stood on a day: plain values, or None when it had no value yet."""
        value = self.value if self.values is None else value_on(self.values, day)
        cites = value_on(self.cites, day)
        if value is None or cites is None:
            return None
        return Parameter.model_construct(value=value, values=None, unit=self.unit, cites=cites,
                                         note=value_on(self.note, day))


class SupportsUpTo(Strict):
    """The rule supports part of the request: the parameter, less what a counted fact says is already used.

    A cap on a whole course (a trial of 6) is reached by the visits given or authorized before this
    request as well as by those requested, so `less: request.sessions_given_or_authorized` makes the
    supported quantity the remainder; a remainder of zero or less supports nothing.
    """

    supports_up_to: str = Field(description="The parameter naming the supported quantity")
    less: Optional[str] = Field(
        None, description="A number fact counted against the parameter (e.g. request.sessions_given_or_authorized)"
    )


class DoesNotSupport(Strict):
    does_not_support: Literal[True] = True


Otherwise = Union[SupportsUpTo, DoesNotSupport]


class TableRow(Strict):
    label: str = Field(description="The row's name in words, for titles: 'CRPS'")
    value: Optional[Union[int, float]] = None
    values: Optional[dict[dt.date, Union[int, float]]] = Field(None, min_length=1)
    cites: DatedClauses
    note: Optional[DatedText] = None

    @model_validator(mode="after")
    def _one_value(self) -> "TableRow":
        if (self.value is None) == (self.values is None):
            raise ValueError("a row has either 'value' (one value) or 'values' (dated values: {DATE: VALUE})")
        return self


class Table(Strict):
    """A schedule by condition: one row per value of a fact, each with its (dated) figure and clauses.

    A rule with `for_each_row: TABLE` is written once and stands for one rule per row: `{row}` in its
    id is the row's key, `{row.label}` and `{row.value}` in its title and explanation the row's label
    and figure, `{row: key}` and `{row: value}` in its conditions the same, and `row.cites` in its
    cites the row's clauses. `{table_keys: TABLE}` is the list of keys with a row in force."""

    key: str = Field(description="The fact whose value picks the row")
    unit: Optional[str] = None
    rows: dict[str, TableRow] = Field(min_length=1)


class Rule(Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_{}]+)+$")
    for_each_row: Optional[str] = Field(None, description="A table: the rule stands for one rule per row")
    title: DatedText
    when: Optional[Condition] = Field(None, description="When the rule applies; absent means always")
    unless: Optional[Condition] = Field(None, description="An exception: the rule does not apply when true")
    require: Condition = Field(description="What the guideline requires; met, not met or not documented")
    otherwise: Otherwise = Field(default_factory=DoesNotSupport, description="The conclusion when not met")
    if_not_documented: Literal["not_met", "undetermined"] = Field(
        "not_met",
        description="not_met: the burden is on the request, missing documentation counts against it; "
        "undetermined: a judgement the facts cannot settle",
    )
    cites: DatedClauses
    explain: DatedText = Field(description="Why, with {param} and {fact.path} placeholders")
    effective: Optional[Effective] = Field(
        None, description="When this logic is in force, if narrower than the file: a rule whose logic "
        "changed between versions is written once per logic, with the same id and disjoint dates")

    def on(self, day: dt.date) -> "Rule":
        """The rule as it read on a day: its dated title, clauses and explanation resolved."""
        return self.model_copy(update={name: value_on(getattr(self, name), day) for name in ("title", "cites", "explain")})


class NotEncoded(Strict):
    what: str
    why: str
    when: Optional[Condition] = Field(
        None, description="The requests this is about, in the rule vocabulary (reading the file's parameters): a request of the "
        "topic that none of the rules applies to and that meets it is undetermined for this reason, which its result "
        "names; without it the entry is a note on the topic as a whole")


# A rule file whose topic is this applies to the requests of every topic (a duplicate of an authorized service):
# its rules join a request's criteria only where they apply, so a topic's own answer is unchanged elsewhere.
EVERY_TOPIC = "every"


class RuleFile(Strict):
    topic: Union[str, list[str]] = Field(
        description=f"The topic (or topics) the rules serve; {EVERY_TOPIC!r}: every topic, where the rules apply")
    guideline_version: DatedText = Field(
        description="The guideline version these rules implement; dated ({DATE: NAME}) when the file "
        "holds several versions, each in force from its date to the next (the last to `effective.to`)")
    effective: Effective
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    tables: dict[str, Table] = Field(default_factory=dict)
    rules: list[Rule] = Field(
        default_factory=list,
        description="May be empty only for a topic the guidelines give no criterion for, which not_encoded says",
    )
    not_encoded: list[NotEncoded] = Field(default_factory=list)

    @model_validator(mode="after")
    def _rules_or_reason(self) -> "RuleFile":
        # A topic with no criterion stays undetermined, but the file must say why (not_encoded).
        if not self.rules and not self.not_encoded:
            raise ValueError("a rule file needs at least one rule, or not_encoded saying why the guidelines give none")
        return self

    @property
    def topics(self) -> list[str]:
        return [self.topic] if isinstance(self.topic, str) else list(self.topic)

    def versions(self) -> list[tuple[str, Effective]]:
        """(guideline version, window) for each version the file holds, oldest first."""
        if not isinstance(self.guideline_version, dict):
            return [(self.guideline_version, self.effective)]
        starts = sorted(self.guideline_version)
        ends = [*starts[1:], self.effective.to]
        return [(self.guideline_version[start], Effective(**{"from": start, "to": end}))
                for start, end in zip(starts, ends)]
