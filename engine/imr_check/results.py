"""Result objects: what the engine concluded for each request, and why."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

Determination = Literal["certify", "modify", "non_certify", "undetermined"]
CriterionStatus = Literal["met", "not_met", "not_documented", "not_applicable"]
Outcome = Literal["upheld", "overturned"]
# How a fact is missing: the letter states the record does not document it (the case's `not_documented`),
# or the letter says nothing about it.
Absence = Literal["stated_not_documented", "silent"]
# What a determination rests on: every deciding criterion resolved on documented facts; or, besides them, on
# facts the letter states are not documented; or on some fact the letter says nothing about.
Basis = Literal["documented", "stated_not_documented", "silence"]
BASES: tuple[Basis, ...] = ("documented", "stated_not_documented", "silence")


class Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class CitedClause(Result):
    id: str
    title: str
    citation: str
    source: str
    is_mtus: bool


class MissingFact(Result):
    fact: str
    label: str = Field(description="What the fact is, in words (rules/fact_labels.yaml)")
    description: str
    absence: Absence = Field(
        "silent", description="stated_not_documented: the letter says the record does not document it; silent: "
        "the letter says nothing about it"
    )


class CriterionResult(Result):
    rule_id: str
    title: str
    status: CriterionStatus
    conclusion: str
    facts_used: dict[str, Any]
    missing: list[MissingFact]
    cites: list[str]
    explanation: str
    guideline_version: str


class RequestResult(Result):
    request_id: str
    text: str
    topic: str
    determination: Determination
    reason: str
    requested_quantity: Optional[float]
    supported_quantity: Optional[float]
    deciding_rules: list[str]
    basis: Optional[Basis] = Field(
        None, description="What the determination rests on: documented (every deciding criterion resolved on facts "
        "documented true or false), stated_not_documented (also on facts the letter states are not documented), "
        "silence (on some fact the letter says nothing about); none when no criterion decided it"
    )
    clauses: list[CitedClause]
    criteria: list[CriterionResult]
    missing_documentation: list[MissingFact]
    guideline_versions: list[str]
    not_encoded: list[str] = []
    ur_decision: Optional[str]
    predicted_outcome: Optional[Outcome]
    actual_outcome: Optional[Outcome]
    agrees: Optional[bool]
    # A request with parts (case.Request.parts): each part's own result; the fields above combine them.
    parts: list["RequestResult"] = []


class CaseResult(Result):
    case_id: Optional[str]
    source: Optional[str]
    evaluated_on: dt.date
    date_basis: Literal["request_date", "ur_decision_date", "today"]
    is_prescreen: bool
    requests: list[RequestResult]

    @property
    def agreement(self) -> tuple[int, int]:
        compared = [r for r in self.requests if r.agrees is not None]
        return sum(1 for r in compared if r.agrees), len(compared)


def basis_of(deciding_rules: list[str], criteria: list[CriterionResult]) -> Optional[Basis]:
    """The basis of a determination from its deciding criteria's missing facts (the firmest ground comes first
    in BASES; the determination rests on its least firm criterion)."""
    if not deciding_rules:
        return None
    deciding = [c for c in criteria if c.rule_id in deciding_rules]
    absences = {m.absence for c in deciding for m in c.missing}
    # A criterion not documented names its missing facts; one without any (none expected) is not firm ground.
    if "silent" in absences or any(c.status == "not_documented" and not c.missing for c in deciding):
        return "silence"
    return "stated_not_documented" if absences else "documented"


def predicted_outcome(determination: Determination) -> Optional[Outcome]:
    """How a determination maps to the IMR outcome of a disputed (denied or modified) request.

    IMR decides the request *as written*: it is overturned only if all of it is medically
    necessary. So `certify` predicts overturned; `non_certify` predicts upheld; and `modify`
    (only part of the request is supported) also predicts upheld, because the request as written
    is not. `undetermined` predicts nothing.
    """
    return {"certify": "overturned", "modify": "upheld", "non_certify": "upheld"}.get(determination)
