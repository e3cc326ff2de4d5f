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


Scalar = Union[bool, int, float, str]
Value = Union[ParamRef, Scalar]
ListValue = Union[ParamRef, list[Scalar]]

COMPARISONS = ("is", "eq", "ne", "lt", "lte", "gt", "gte", "in", "contains_any", "documented")


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


class Parameter(Strict):
    """A named threshold, with the clauses that set it."""

    value: Union[int, float, list[str]]
    unit: Optional[str] = None
    cites: list[str] = Field(min_length=1)
    note: Optional[str] = None


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


class Rule(Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
    title: str
    when: Optional[Condition] = Field(None, description="When the rule applies; absent means always")
    unless: Optional[Condition] = Field(None, description="An exception: the rule does not apply when true")
    require: Condition = Field(description="What the guideline requires; met, not met or not documented")
    otherwise: Otherwise = Field(default_factory=DoesNotSupport, description="The conclusion when not met")
    if_not_documented: Literal["not_met", "undetermined"] = Field(
        "not_met",
        description="not_met: the burden is on the request, missing documentation counts against it; "
        "undetermined: a judgement the facts cannot settle",
    )
    cites: list[str] = Field(min_length=1)
    explain: str = Field(description="Why, with {param} and {fact.path} placeholders")
    effective: Optional[Effective] = None


class NotEncoded(Strict):
    what: str
    why: str


class RuleFile(Strict):
    topic: Union[str, list[str]]
    guideline_version: str = Field(description="The guideline version these rules implement")
    effective: Effective
    parameters: dict[str, Parameter] = Field(default_factory=dict)
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
