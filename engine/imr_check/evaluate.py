"""From case facts to a determination per request.

durable-rules answers the questions (is this rule in force, is each condition true or false);
this module combines the answers the way a reviewer reads the guideline:

1. A rule applies when it is in force, its `when` holds and its `unless` exception does not.
   An undocumented `when` leaves the rule *not documented*: we cannot tell if it applies.
2. An applicable rule is *met* when its `require` holds, *not met* when it fails, and *not
   documented* when the facts it needs are absent.
3. Any rule not met (or not documented, when the burden is on the request) that does not support
   the request makes it `non_certify`. Otherwise, rules that cap the quantity make it `modify` to
   the smallest cap. Otherwise, if some rule was met, `certify`. If no rule applied, or a rule
   that marks a judgement the facts cannot settle is not documented, `undetermined`.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any

from ._durable import Firing, RuleEngine, RuleTooComplex
from .case import Case
from .conditions import disagreements, open_facts_of, truth_of
from .errors import RuleLoadError
from .facts import ParameterDerivation, case_date, fact_specs, is_stated_absent, label_of, request_facts_and_derivations
from .knowledge import Knowledge, KnownGap, LoadedRule, load_knowledge
from .model import SupportsUpTo
from .results import (
    CaseResult,
    CitedClause,
    CriterionResult,
    MissingFact,
    RequestResult,
    BASES,
    Basis,
    basis_of,
    predicted_outcome,
)
from .vocabulary import topics

# The reason of a request none of whose topic's rules applies, when a rule file's not_encoded entry names it (`when`).
KNOWN_GAP_REASON = "the guidelines give no criterion for this request: "
_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.]+)\}")
_BLOCKING = ("not_met", "not_documented")


@cache
def engine_for(knowledge: Knowledge) -> RuleEngine:
    """One compiled ruleset per knowledge base: durable-rules keeps every ruleset's memory."""
    try:
        return RuleEngine(knowledge.rules)
    except RuleTooComplex as error:
        raise RuleLoadError.single("rules", str(error)) from None


def evaluate_case(case: Case, knowledge: Knowledge | None = None, today: dt.date | None = None) -> CaseResult:
    knowledge = knowledge or load_knowledge()
    day = case_date(case)
    basis = "request_date" if case.case.request_date else "ur_decision_date"
    if day is None:
        # A pre-screen of a request not yet made: the guideline in force today applies.
        day, basis = today or dt.date.today(), "today"
    # A request with parts is judged part by part: each part is the request with its own region and study.
    judged, owners = _with_parts_as_requests(case)
    read = [request_facts_and_derivations(judged, i, day) for i in range(len(judged.requests))]
    facts, derivations = [f for f, _ in read], [d for _, d in read]
    stated = [judged.stated_not_documented(i) for i in range(len(judged.requests))]
    engine, request_topics = engine_for(knowledge), [r.topic for r in judged.requests]
    firings = engine.evaluate(facts, request_topics, day, stated)
    each = [_request_result(judged, i, facts[i], derivations[i], firings[i], knowledge, day)
            for i in range(len(judged.requests))]
    # A drug given with another is judged again, in one more pass, once the other's answer is known.
    again = _with_companion_answers(judged, facts, each)
    if again:
        refired = engine.evaluate([facts[i] for i in again], [request_topics[i] for i in again], day,
                                  [stated[i] for i in again])
        for i, fired in zip(again, refired):
            each[i] = _request_result(judged, i, facts[i], derivations[i], fired, knowledge, day)
    results = []
    for index, request in enumerate(case.requests):
        own = [each[i] for i, owner in enumerate(owners) if owner == index]
        results.append(_combined(case, index, own) if request.parts else own[0])
    results = _follow_associated_surgery(case, results)
    return CaseResult(
        case_id=case.case.id,
        source=case.case.source,
        evaluated_on=day,
        date_basis=basis,
        is_prescreen=not case.has_outcomes,
        requests=results,
    )


def _with_parts_as_requests(case: Case) -> tuple[Case, list[int]]:
    """The case with each request that has parts replaced by one request per part, and for each request of it
    the index of the case's request it stands for."""
    if not any(r.parts for r in case.requests):
        return case, list(range(len(case.requests)))
    judged, owners = [], []
    for index, request in enumerate(case.requests):
        if not request.parts:
            judged.append(request)
            owners.append(index)
            continue
        for number, part in enumerate(request.parts, start=1):
            named = ", ".join(v.replace("_", " ") for v in (part.study, part.body_region) if v)
            update: dict[str, Any] = {"id": f"{case.request_id(index)}.{number}",
                                      "text": part.text or f"{request.text} [{named}]", "parts": []}
            if part.body_region is not None:
                update["body_region"] = part.body_region
            if part.study is not None:
                update["study"] = part.study
            judged.append(request.model_copy(update=update))
            owners.append(index)
    # What the letter states is not documented for a request holds for each of its parts: the paths name
    # requests by position, so each part gets its owner's request paths under its own position.
    not_documented = [path for path in case.not_documented if not path.startswith("requests[")]
    for position, owner in enumerate(owners):
        own = f"requests[{owner}]."
        not_documented += [f"requests[{position}]." + path[len(own):]
                           for path in case.not_documented if path.startswith(own)]
    return case.model_copy(update={"requests": judged, "not_documented": not_documented}), owners


_SUPPORTS = ("certify",)
_REFUSES = ("modify", "non_certify")


def _combined(case: Case, index: int, parts: list[RequestResult]) -> RequestResult:
    """The request as written from its parts' answers: supported only if every part is. Some parts supported and
    others not is `modify` (part of the request); none supported and one refused is `non_certify`; otherwise a
    part whose answer is unknown leaves the request `undetermined`."""
    determinations = [p.determination for p in parts]
    if all(d in _SUPPORTS for d in determinations):
        determination, deciding = "certify", parts
    elif any(d in _REFUSES for d in determinations):
        supported = any(d in _SUPPORTS or d == "modify" for d in determinations)
        determination = "modify" if supported else "non_certify"
        deciding = [p for p in parts if p.determination in _REFUSES]
    else:
        determination, deciding = "undetermined", [p for p in parts if p.determination == "undetermined"]
    reason = "; ".join(f"{p.text}: {p.determination.replace('_', '-')} ({p.reason})" for p in parts)
    missing: dict[str, MissingFact] = {}
    if determination != "certify":
        for part in deciding:
            for item in part.missing_documentation:
                missing.setdefault(item.fact, item)
    clauses = {c.id: c for part in deciding for c in part.clauses}
    return RequestResult(
        **_request_and_outcomes(case, index, determination),
        reason=f"part by part: {reason}",
        requested_quantity=parts[0].requested_quantity,
        supported_quantity=None,
        deciding_rules=list(dict.fromkeys(r for part in deciding for r in part.deciding_rules)),
        clauses=list(clauses.values()),
        # Each criterion once per part, its explanation naming the part it was judged for.
        criteria=[c.model_copy(update={"explanation": f"[{part.text}] {c.explanation}"})
                  for part in parts for c in part.criteria],
        missing_documentation=list(missing.values()),
        guideline_versions=sorted({v for part in parts for v in part.guideline_versions}),
        not_encoded=list(dict.fromkeys(n for part in deciding for n in part.not_encoded)),
        parts=parts,
        basis=_least_firm([p.basis for p in deciding]),
    )


def _request_and_outcomes(case: Case, index: int, determination: str) -> dict[str, Any]:
    """The fields every result of a request has besides its reasoning: which request it is, the determination, and
    the outcome that predicts beside the decisions read from the letter (never an input to the determination)."""
    request = case.requests[index]
    predicted = predicted_outcome(determination)
    actual = request.imr.outcome if request.imr else None
    return {"request_id": case.request_id(index), "text": request.text, "topic": request.topic,
            "determination": determination, "ur_decision": request.ur.decision if request.ur else None,
            "predicted_outcome": predicted, "actual_outcome": actual,
            "agrees": (predicted == actual) if predicted and actual else None}


def _least_firm(bases: list[Basis | None]) -> Basis | None:
    """The request as written rests on the least firm ground of the parts that decided it."""
    known = [b for b in bases if b is not None]
    return max(known, key=BASES.index) if known else None


def _status(rule: LoadedRule, fired: set[Firing]) -> tuple[str, list[str]]:
    """The criterion's status and the parts whose facts were undocumented."""

    def answer(part: str) -> bool | None:
        if getattr(rule.rule, part) is None:
            return None
        if Firing(rule.key, part, True) in fired:
            return True
        if Firing(rule.key, part, False) in fired:
            return False
        return None

    when = answer("when") if rule.rule.when is not None else True
    if when is False:
        return "not_applicable", []
    unless = answer("unless")
    if unless is True:
        return "not_applicable", []
    undocumented = ["unless"] if rule.rule.unless is not None and unless is None else []
    if when is None:
        return "not_documented", ["when", *undocumented]
    require = answer("require")
    if require is True:
        return "met", []
    if require is False:
        return "not_met", undocumented
    return "not_documented", ["require", *undocumented]


def _parts_read(rule: LoadedRule, status: str, fired: set[Firing]) -> tuple[str, ...]:
    """The parts of a rule whose facts its status rests on: a `when` found false sets the rest aside unread."""
    if status == "not_applicable" and Firing(rule.key, "when", False) in fired:
        return ("when",)
    return ("when", "unless", "require")


def _render(template: str, rule: LoadedRule, facts: dict[str, Any]) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name in rule.parameters:
            found = rule.parameters[name].value
            return ", ".join(map(str, found)) if isinstance(found, list) else _number(found)
        if name in facts:
            found = facts[name]
            if isinstance(found, bool):
                return "yes" if found else "no"
            return ", ".join(map(str, found)) if isinstance(found, list) else _number(found)
        return "not documented"

    return _PLACEHOLDER.sub(value, template)


def _number(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _conclusion(rule: LoadedRule, facts: dict[str, Any]) -> str:
    if isinstance(rule.rule.otherwise, SupportsUpTo):
        name = rule.rule.otherwise.supports_up_to
        limit = _number(rule.parameters[name].value)
        counted = rule.rule.otherwise.less
        cap = _cap(rule, facts)
        if counted is None or counted not in facts:
            return f"supports up to {limit} ({name})"
        used = _number(facts[counted])
        if cap is None:
            return f"does not support: {used} ({counted}) already reach {limit} ({name})"
        return f"supports up to {_number(cap)}: {limit} ({name}) less {used} ({counted})"
    return "does not support"


def _cap(rule: LoadedRule, facts: dict[str, Any]) -> float | None:
    """The quantity a rule not met still supports, or None when it supports none of the request.

    With `less`, what the counted fact says is already given or authorized comes off the cap; if it
    leaves nothing, the rule does not support the request at all. An undocumented counted fact
    leaves the bare cap (the rule's own condition then names the missing fact)."""
    otherwise = rule.rule.otherwise
    if not isinstance(otherwise, SupportsUpTo):
        return None
    cap = float(rule.parameters[otherwise.supports_up_to].value)
    if otherwise.less is not None and otherwise.less in facts:
        cap -= float(facts[otherwise.less])
    return cap if cap > 0 else None


def _cited(clause_ids: list[str], knowledge: Knowledge) -> list[CitedClause]:
    cited = []
    for clause_id in dict.fromkeys(clause_ids):
        loaded = knowledge.clauses[clause_id]
        cited.append(CitedClause(
            id=clause_id,
            title=loaded.clause.title,
            citation=loaded.clause.citation,
            source=loaded.source.title,
            is_mtus=loaded.source.is_mtus,
        ))
    return cited


def _rule_clauses(rule: LoadedRule) -> list[str]:
    ids = list(rule.rule.cites)
    if isinstance(rule.rule.otherwise, SupportsUpTo):
        ids += rule.parameters[rule.rule.otherwise.supports_up_to].cites
    return list(dict.fromkeys(ids))


def _requested_quantity(facts: dict[str, Any]) -> float | None:
    for path in ("request.sessions", "request.quantity", "request.drug.quantity"):
        if path in facts:
            return float(facts[path])
    return None


def _missing_of_part(rule: LoadedRule, part: str, facts: dict[str, Any], stated: frozenset[str]) -> list[str]:
    """The facts of a part the engine left undocumented whose documentation could still decide the criterion
    (conditions.open_facts_of): what would make `require` hold, or `unless` set the rule aside; for `when`, what would
    settle whether the rule applies, either way."""
    condition = getattr(rule.rule, part)
    read = truth_of(condition, facts, stated, rule.parameters)
    if read is not None:
        # The engine found the part neither true nor false: a reading that settles it is a fault of the reading, so
        # every needed fact is named, as before the reading existed, and the difference is recorded.
        disagreements.append((rule.key, part, None, read))
        return rule.needed_facts_by_part[part]
    wants = (True, False) if part == "when" else (True,)
    return list(dict.fromkeys(path for want in wants
                              for path in open_facts_of(condition, facts, want, stated, rule.parameters)))


def _request_result(case: Case, index: int, facts: dict[str, Any], derivations: dict[str, ParameterDerivation],
                    fired: set[Firing], knowledge: Knowledge, day: dt.date) -> RequestResult:
    request = case.requests[index]
    specs = fact_specs()
    served = knowledge.rules_for(request.topic)
    # A rule of every topic (rules/already_authorized.yaml) counts only where it applies: elsewhere the
    # topic's own rules, and the reasons they give when none is in force, stand as they were.
    every_applying = [r for r in served if r.every_topic and Firing(r.key, "in_force", True) in fired
                      and _status(r, fired)[0] != "not_applicable"]
    topic_rules = [r for r in served if not r.every_topic] + every_applying
    in_force = [r for r in topic_rules if Firing(r.key, "in_force", True) in fired]
    criteria: list[CriterionResult] = []
    statuses: dict[str, str] = {}
    missing: dict[str, MissingFact] = {}
    # Absent from the facts either way; told apart only in what the result says about the absence.
    stated = case.stated_not_documented(index)
    for rule in in_force:
        status, undocumented_parts = _status(rule, fired)
        statuses[rule.id] = status
        rule_missing = []
        for part in undocumented_parts:
            for path in _missing_of_part(rule, part, facts, stated):
                if path not in facts:
                    rule_missing.append(MissingFact(
                        fact=path, label=label_of(path), description=specs[path].description or path,
                        absence="stated_not_documented" if is_stated_absent(path, facts, stated) else "silent"))
        if status in _BLOCKING:
            for item in rule_missing:
                missing.setdefault(item.fact, item)
        used = {p: facts[p] for paths in rule.facts_by_part.values() for p in paths if p in facts}
        # A value the fact layer set from a parameter of rules/facts.yaml rests on that parameter's clauses too: the
        # criterion that read it cites them and says how the value was reached.
        derived = {path: derivations[path] for part in _parts_read(rule, status, fired)
                   for path in rule.facts_by_part.get(part, ()) if path in derivations and path in facts}
        explanation = _render(rule.rule.explain, rule, facts)
        if derived:
            explanation += " (" + "; ".join(d.sentence(path, facts, day) for path, d in derived.items()) + ")"
        criteria.append(CriterionResult(
            rule_id=rule.id,
            title=rule.rule.title,
            status=status,
            conclusion=_conclusion(rule, facts) if status in _BLOCKING else ("supports" if status == "met" else "-"),
            facts_used=used,
            missing=rule_missing,
            cites=list(dict.fromkeys(_rule_clauses(rule) + [c for d in derived.values() for c in d.clauses(day)])),
            explanation=explanation,
            guideline_version=rule.guideline_version,
        ))

    determination, reason, deciding, supported = _decide(request.topic, topic_rules, in_force, statuses, day, facts)
    if not topic_rules and knowledge.not_encoded.get(request.topic):
        # A rule file with no rules: the guidelines give no criterion, and its not_encoded says why.
        reason = f"the guidelines give no criterion for {topics()[request.topic].title}"
    gaps = _known_gaps(knowledge, request.topic, day, facts, stated) \
        if determination == "undetermined" and not deciding and in_force else []
    if gaps:
        # None of the rules applies, and the rule files say which kind of request this is and why no rule judges it.
        reason = KNOWN_GAP_REASON + "; ".join(gap.what for gap in gaps)
    requested = _requested_quantity(facts)
    # One version of each rule is in force on a day, so a rule id names one criterion.
    cites_by_rule = {criterion.rule_id: criterion.cites for criterion in criteria}
    clause_ids = [c for rule_id in deciding for c in cites_by_rule[rule_id]]
    return RequestResult(
        **_request_and_outcomes(case, index, determination),
        reason=reason,
        requested_quantity=requested,
        supported_quantity=supported,
        deciding_rules=deciding,
        basis=basis_of(deciding, criteria),
        clauses=_cited(clause_ids, knowledge),
        criteria=criteria,
        missing_documentation=list(missing.values()) if determination != "certify" else [],
        guideline_versions=sorted({r.guideline_version for r in in_force}),
        # What the rule files deliberately leave out explains an undetermined answer.
        not_encoded=list(dict.fromkeys([f"{gap.what}: {gap.why}" for gap in gaps] + [
            f"{what}: {why}" for what, why in knowledge.not_encoded.get(request.topic, [])]))
        if determination == "undetermined" else [],
    )


def _known_gaps(knowledge: Knowledge, topic: str, day: dt.date, facts: dict[str, Any],
                stated: frozenset[str]) -> list[KnownGap]:
    """The topic's `not_encoded` entries in force on the day whose `when` the request's facts make true."""
    return [gap for gap in knowledge.known_gaps.get(topic, [])
            if gap.effective.contains(day) and truth_of(gap.when, facts, stated, gap.parameters) is True]


def _decide(topic: str, topic_rules: list[LoadedRule], in_force: list[LoadedRule], statuses: dict[str, str],
            day: dt.date, facts: dict[str, Any]) -> tuple[str, str, list[str], float | None]:
    title = topics()[topic].title
    if not topic_rules:
        return "undetermined", f"no rule covers {title} yet", [], None
    if not in_force:
        windows = "; ".join(sorted({f"{r.guideline_version} ({r.effective.label()})" for r in topic_rules}))
        return "undetermined", f"no version of the {title} rules was in force on {day} (known: {windows})", [], None
    judgement = [r for r in in_force if statuses[r.id] == "not_documented" and r.rule.if_not_documented == "undetermined"]
    counted = [r for r in in_force if r not in judgement]
    blocking = [r for r in counted if statuses[r.id] in _BLOCKING and _cap(r, facts) is None]
    if blocking:
        undocumented = [r for r in blocking if statuses[r.id] == "not_documented"]
        reason = "; ".join(r.rule.title for r in blocking)
        if undocumented and len(undocumented) == len(blocking):
            reason = f"not documented: {reason}"
        return "non_certify", reason, [r.id for r in blocking], None
    if judgement:
        return "undetermined", "needs a judgement the facts do not settle: " + "; ".join(
            r.rule.title for r in judgement), [r.id for r in judgement], None
    capping = [r for r in counted if statuses[r.id] in _BLOCKING and _cap(r, facts) is not None]
    if capping:
        cap = min(_cap(r, facts) for r in capping)
        tightest = [r for r in capping if _cap(r, facts) == cap]
        return "modify", "; ".join(r.rule.title for r in tightest), [r.id for r in tightest], cap
    met = [r for r in counted if statuses[r.id] == "met"]
    if met:
        return "certify", "; ".join(r.rule.title for r in met), [r.id for r in met], None
    return "undetermined", f"none of the {title} rules applies to this request", [], None


_PAST = {"certify": "certified", "modify": "modified"}


def _with_companion_answers(case: Case, facts: list[dict[str, Any]], results: list[RequestResult]) -> list[int]:
    """Set request.given_with_supported for each drug given with another (a PPI with an NSAID, rules/topics.yaml
    `given_with`) whose companion requested in the same letter has an answer: true when one such request is
    supported (certified or modified), false when every one is not certified; absent when the letter requests
    none or their answer is unknown. The requests whose facts changed, to be judged again."""
    changed = []
    for index, request in enumerate(case.requests):
        spec = topics().get(request.topic) if request.topic else None
        if spec is None or spec.given_with is None:
            continue
        companions = [results[j].determination for j, other in enumerate(case.requests)
                      if j != index and other.topic == spec.given_with]
        if not companions:
            continue
        if any(d in ("certify", "modify") for d in companions):
            supported = True
        elif all(d == "non_certify" for d in companions):
            supported = False
        else:
            continue
        facts[index] = {**facts[index], "request.given_with_supported": supported}
        changed.append(index)
    return changed


def _follow_associated_surgery(case: Case, results: list[RequestResult]) -> list[RequestResult]:
    """An associated surgical service follows the surgery it belongs to: if the surgery is not
    supported, neither is the service; if the surgery's own answer is unknown, so is the service's."""
    by_id = {result.request_id: i for i, result in enumerate(results)}
    followed = list(results)
    for index, request in enumerate(case.requests):
        parent_id = request.associated_with
        if parent_id is None:
            continue
        parent = results[by_id[parent_id]]
        own = results[index]
        if parent.determination not in ("non_certify", "undetermined"):
            # the report shows the chain either way: the surgery this item followed, and its answer
            followed[index] = own.model_copy(update={
                "reason": f"the surgery it belongs to ({parent_id}: {parent.text}) is "
                          f"{_PAST.get(parent.determination, parent.determination)}; on its own criteria: {own.reason}",
            })
            continue
        determination = parent.determination
        predicted = predicted_outcome(determination)
        # The surgery's deciding criteria are shown with the item they decide, so the trace of a
        # followed item names the criteria its deciding rules are (not only rule ids from elsewhere).
        own_rules = {criterion.rule_id for criterion in own.criteria}
        inherited = [criterion for criterion in parent.criteria
                     if criterion.rule_id in parent.deciding_rules and criterion.rule_id not in own_rules]
        followed[index] = own.model_copy(update={
            "determination": determination,
            "criteria": [*own.criteria, *inherited],
            "reason": f"follows the surgery it belongs to ({parent_id}: {parent.text}), which is "
                      f"{determination.replace('_', '-')}: {parent.reason}",
            "deciding_rules": parent.deciding_rules,
            "basis": parent.basis,
            "clauses": parent.clauses,
            "missing_documentation": parent.missing_documentation,
            "supported_quantity": None,
            "predicted_outcome": predicted,
            "agrees": (predicted == own.actual_outcome) if predicted and own.actual_outcome else None,
        })
    return followed
