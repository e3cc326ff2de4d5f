"""Result objects: what the engine concluded for each request, and why."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

Determination = Literal["certify", "modify", "non_certify", "undetermined"]
CriterionStatus = Literal["met", "not_met", "not_documented", "not_applicable"]
Outcome = Literal["upheld", "overturned"]


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


def predicted_outcome(determination: Determination) -> Optional[Outcome]:
    """How a determination maps to the IMR outcome of a disputed (denied or modified) request.

    IMR decides the request *as written*: it is overturned only if all of it is medically
    necessary. So `certify` predicts overturned; `non_certify` predicts upheld; and `modify`
    (only part of the request is supported) also predicts upheld, because the request as written
    is not. `undetermined` predicts nothing.
    """
    return {"certify": "overturned", "modify": "upheld", "non_certify": "upheld"}.get(determination)
