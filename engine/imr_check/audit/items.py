"""One file -> its audit: an item row per disputed request, or the reason the file could not be read.

This runs in the worker processes. Everything it returns is plain data (dicts, lists, strings) so
it crosses the process boundary cheaply; the knowledge and the compiled rules are loaded once per
process, in `init_worker`.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

from ..case import Case, load_case
from ..errors import EngineError, IncompleteLetter, InputError
from ..evaluate import engine_for, evaluate_case
from ..facts import EVIDENCE_FROM, FOLLOW_THE_SURGERY, request_facts, surgery_evidence_key
from ..knowledge import load_knowledge
from ..results import RequestResult
from ..vocabulary import drug_lexicon, fallback_topic, topics
from .inputs import CASE_SUFFIXES

# Columns of an item row, in the order the CSV and Parquet files give them.
COLUMNS = (
    "case_id", "source", "request_id", "item", "topic", "determination", "predicted_outcome",
    "actual_outcome", "agrees", "clauses", "deciding_rules", "basis", "reason", "missing_documentation",
    "reviewer_specialty", "guideline_cited", "guidelines", "ur_decision", "requested_quantity", "supported_quantity",
    "imr_decision_date",
)
LIST_COLUMNS = ("clauses", "deciding_rules", "missing_documentation", "guidelines")
# What kind of request an item is, within its topic: two requests alike in kind ask for the same thing
# (the same drug, study, injection, equipment, procedure, on the same body part).
KIND_FACTS = (
    "request.drug.generic", "request.drug.route", "request.drug.dosage_form", "request.study",
    "request.injection_type", "request.injection_approach", "request.modality", "request.equipment",
    "request.procedure", "request.associated_service", "request.stimulator_types", "request.home_health_services",
    "request.laboratory_tests",
    "request.is_trial", "request.is_purchase", "request.is_aquatic", "request.body_region",
)
NOT_DOCUMENTED = "not documented"


def load_project_data() -> None:
    """The rules, the guidelines and the vocabularies, loaded and checked: raises if they are broken.

    Run in the parent before any file is read, so broken project data stops the run with one
    message instead of failing every letter.
    """
    load_knowledge()
    topics()
    drug_lexicon()


def init_worker() -> None:
    """Per worker process: Ctrl-C is the parent's to handle; compile the rules once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        engine_for(load_knowledge())
    except Exception:  # noqa: BLE001 - an initializer that raises makes the pool respawn forever;
        pass  # the first file then reports the failure instead


def read(path: str) -> Case:
    if path.lower().endswith(CASE_SUFFIXES):
        return load_case(path)
    try:
        from ..reader import read_letter
    except ImportError as error:
        raise InputError.single(path, f"letters (.pdf, .txt) need the letter reader, which is unavailable: {error}")
    return read_letter(Path(path))


def read_all(path: str) -> list[Case]:
    """Every case a file holds: a case file's one, or each letter of a letter file (merged PDFs hold several)."""
    if path.lower().endswith(CASE_SUFFIXES):
        return [read(path)]
    try:
        from ..reader import read_letters
    except ImportError as error:
        raise InputError.single(path, f"letters (.pdf, .txt) need the letter reader, which is unavailable: {error}")
    return read_letters(Path(path))


def problem_text(error: InputError, path: str) -> str:
    """An InputError's problems without the file's name, which the error row gives."""
    parts = []
    for problem in error.problems:
        if problem.path != path:
            parts.append(str(problem))
            continue
        place = f"line {problem.line}" if problem.line else ""
        if problem.location:
            place = f"{place} at {problem.location}" if place else problem.location
        parts.append(f"{place}: {problem.message}" if place else problem.message)
    return "; ".join(parts) or "could not be read"


def audit_file(path: str) -> dict[str, Any]:
    """{'path', 'rows', 'details', 'letter'} for a file that was read, {'path', 'error'} for one that was not.

    `details` are the disagreements, as the report lists them; `letter` is every item in full (the
    reviewer's side beside the rules', the facts each rule read) with the evidence offsets, for the
    letter's page and the consistency groups. Never raises: one bad file must not stop a batch of thousands.
    """
    incomplete = None
    try:
        try:
            cases = read_all(path)
        except IncompleteLetter as error:
            # Cut off after some complete items: audit those, and report the rest as an error.
            incomplete, cases = error, [error.case]
        results = [evaluate_case(case, load_knowledge()) for case in cases]
    except InputError as error:
        return {"path": path, "error": problem_text(error, path)}
    except EngineError as error:
        return {"path": path, "error": f"the rule engine failed on it: {error}"}
    except Exception as error:  # noqa: BLE001 - a bug met on one letter is reported, the run goes on
        return {"path": path, "error": f"could not be audited ({type(error).__name__}: {error})"}
    rows, details, letters = [], [], []
    for number, (case, result) in enumerate(zip(cases, results), 1):
        # Each letter of a file keeps its own case number; one without gets the file's name and its place.
        case_id = case.case.id or (os.path.basename(path) + (f"#letter{number}" if len(cases) > 1 else ""))
        first_row = len(rows)
        items = []
        for index, request_result in enumerate(result.requests):
            row = _row(case, index, request_result, case_id, path)
            rows.append(row)
            detail = _detail(case, index, request_result, row)
            if row["agrees"] is False:
                details.append(detail)
            items.append(_item(case, index, request_result, row, detail, result.evaluated_on))
        letters.append({
            "case_id": case_id,
            "source": path,
            "is_letter": not path.lower().endswith(CASE_SUFFIXES),
            "reviewer_specialty": case.case.reviewer.specialty if case.case.reviewer else None,
            "imr_decision_date": rows[first_row]["imr_decision_date"] if len(rows) > first_row else None,
            "evidence": {key: [{"sentence": e.sentence, "offset": e.offset} for e in found]
                         for key, found in sorted(case.evidence.items())},
            "items": items,
        })
    # "letter" is the file's first (its only one, nearly always); "letters" every one a merged file holds.
    audited = {"path": path, "rows": rows, "details": details, "letter": letters[0], "letters": letters}
    if incomplete is not None:
        audited["error"] = problem_text(incomplete, path)
    return audited


def _row(case: Case, index: int, result: RequestResult, case_id: str, path: str) -> dict[str, Any]:
    request = case.requests[index]
    reviewer = case.case.reviewer
    return {
        "case_id": case_id,
        "source": path,
        "request_id": result.request_id,
        "item": request.text,
        # The fallback topic (a service no topic covers) is "no topic recognised" in the audit.
        "topic": None if request.topic == fallback_topic() else request.topic,
        "determination": result.determination,
        "predicted_outcome": result.predicted_outcome,
        "actual_outcome": result.actual_outcome,
        "agrees": result.agrees,
        "clauses": [c.id for c in result.clauses],
        "deciding_rules": list(result.deciding_rules),
        "basis": result.basis,
        "reason": result.reason,
        "missing_documentation": [m.fact for m in result.missing_documentation],
        "reviewer_specialty": reviewer.specialty if reviewer else None,
        "guideline_cited": request.imr.guideline_cited if request.imr else None,
        # The sources the reviewer cited, when the reader parsed the citation (e.g. "MTUS ...", "ODG").
        "guidelines": list(dict.fromkeys(c.source for c in request.imr.citations)) if request.imr else [],
        "ur_decision": result.ur_decision,
        "requested_quantity": result.requested_quantity,
        "supported_quantity": result.supported_quantity,
        "imr_decision_date": case.case.imr_decision_date.isoformat() if case.case.imr_decision_date else None,
    }


def evidence_key(case: Case, index: int, path: str) -> str | None:
    """The case's evidence key of a fact path; request facts are keyed by the request's position. A fact with no
    evidence of its own that the fact layer derives from another (an acute injury from a dated trauma) is shown with
    its source's; a post-surgical fact with the sentences of the surgery it follows."""
    keys = [path]
    if path.startswith("request."):
        keys.insert(0, f"requests[{index}]." + path[len("request."):])
    if path in EVIDENCE_FROM:
        keys.append(EVIDENCE_FROM[path])
    # The request's own region's surgery, which may not be the case's latest (clinical.surgery_performed).
    surgery = surgery_evidence_key(case, index) if path in FOLLOW_THE_SURGERY else None
    if surgery is not None:
        keys.append(surgery)
    return next((key for key in keys if key in case.evidence), None)


def _evidence(case: Case, index: int, path: str) -> list[str]:
    """The sentences a fact was read from."""
    key = evidence_key(case, index, path)
    return [e.sentence for e in case.evidence[key]] if key else []


def _plain(value: Any) -> Any:
    """A fact value as JSON gives it back: dates as ISO text, tuples as lists."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _item(case: Case, index: int, result: RequestResult, row: dict[str, Any], detail: dict[str, Any],
          evaluated_on: Any) -> dict[str, Any]:
    """One item in full: the reviewer's side, the rules' side, and what makes it alike another."""
    request = case.requests[index]
    imr = request.imr
    facts = request_facts(case, index, evaluated_on)
    kind = {path[len("request."):]: _plain(facts[path]) for path in KIND_FACTS if facts.get(path) is not None}
    # The deciding facts: every fact the topic's rules in force read for this item (the facts that
    # decided whether each rule applies as well as whether it is met), documented or not.
    deciding: dict[str, Any] = {}
    for criterion in result.criteria:
        for path, value in criterion.facts_used.items():
            deciding[path] = _plain(value)
        for missing in criterion.missing:
            deciding.setdefault(missing.fact, NOT_DOCUMENTED)
    evidence = {path: evidence_key(case, index, path) for path in deciding}
    return {
        "index": index,
        "request_id": result.request_id,
        **{key: row[key] for key in ("item", "topic", "determination", "predicted_outcome", "actual_outcome",
                                     "agrees", "basis", "reason", "guideline_cited", "missing_documentation")},
        "reviewer": {"outcome": imr.outcome if imr else None, "item": imr.item if imr else None,
                     "guideline_cited": imr.guideline_cited if imr else None,
                     "rationale": imr.rationale if imr else None},
        "criteria": [dict(c, evidence_keys={f["path"]: evidence.get(f["path"]) for f in c["facts"]})
                     for c in detail["criteria"]],
        "clauses": detail["clauses"],
        "not_encoded": list(result.not_encoded),
        "guideline_versions": list(result.guideline_versions),
        # A request in parts (case.Request.parts): each part's own answer, rules and clauses.
        "parts": [{"request_id": part.request_id, "text": part.text, "determination": part.determination,
                   "reason": part.reason, "deciding_rules": list(part.deciding_rules),
                   "clauses": [c.id for c in part.clauses]} for part in result.parts],
        "kind": kind,
        "deciding_facts": dict(sorted(deciding.items())),
    }


def _detail(case: Case, index: int, result: RequestResult, row: dict[str, Any]) -> dict[str, Any]:
    """What the report shows of a disagreement: the facts, where they were read, the clauses."""
    criteria = []
    for criterion in result.criteria:
        if criterion.status == "not_applicable":
            continue
        criteria.append({
            "rule_id": criterion.rule_id,
            "title": criterion.title,
            "status": criterion.status,
            "explanation": criterion.explanation,
            "is_deciding": criterion.rule_id in result.deciding_rules,
            "facts": [{"path": path, "value": value, "evidence": _evidence(case, index, path)}
                      for path, value in criterion.facts_used.items()],
            "missing": [m.fact for m in criterion.missing],
            "stated_not_documented": [m.fact for m in criterion.missing if m.absence == "stated_not_documented"],
        })
    return {
        "index": index,
        **{key: row[key] for key in ("case_id", "source", "item", "topic", "determination", "predicted_outcome",
                                     "actual_outcome", "basis", "reason", "reviewer_specialty", "guideline_cited")},
        "clauses": [{"id": c.id, "title": c.title, "citation": c.citation, "source": c.source}
                    for c in result.clauses],
        "criteria": criteria,
        "missing_documentation": [{"fact": m.fact, "label": m.label, "description": m.description, "absence": m.absence}
                                  for m in result.missing_documentation],
    }
