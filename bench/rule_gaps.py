"""Where the rules give no answer: synthetic requests of every kind each topic speaks of, evaluated.

    python bench/rule_gaps.py                    # every topic: cases, decided, undetermined by reason
    python bench/rule_gaps.py --topic opioid --samples 3
    python bench/rule_gaps.py --gaps-only        # only topics with a "no rule applies" answer

`imr-check rules --coverage` counts clauses without rules and topics of a corpus of letters that no rule
decides; this bench asks the question on cases we write ourselves, so a gap shows whether or not a letter
has happened to request it. For each topic of rules/topics.yaml it writes requests of each kind the topic's
request is read for, and fills the facts the topic's rules read with values on both sides of each threshold:

- kinds: for a drug topic, each drug of the classes rules/drugs.yaml files under it; for every topic, the
  request fields its `parts` readers fill and the request fields with named values its rules test (an
  injection's type, equipment, a laboratory test, an imaging study), and the body regions for a topic whose
  rules go by region; a drug (or any topic whose rules read it) also as a start, a continuation and a course
  the record does not state. Combinations beyond MAX_KINDS are sampled, every value of every axis kept.
- facts: each fact the topic's rules read, documented (true or false; a number just below, at and above
  each figure a rule compares it with; a named value) or not (silent, or stated not documented). The
  derived facts are set through what they derive from: weeks since the injury through the injury date, a
  course's total through the sessions completed and requested, weeks of use through the weeks taken and the
  days supplied, the post-surgical period through the surgery and its date. Two request dates, one each side
  of the 2016 Chronic Pain update (2016-07-29).

Each topic's undetermined answers are counted by reason:
  no rule applies   none of the topic's rules applies to the request (a kind or a situation with no rule)
  judgement         a rule marked `if_not_documented: undetermined` lacks its facts (the reviewer's judgement)
  not_encoded       the topic's rule file has no rules: the guidelines give no criterion, its not_encoded says why
  no rules          the topic has no rule file at all (the fallback `other`)
  no version        no version of the topic's rules is in force on the date
The kinds whose every variant ends "no rule applies" are the gaps no fact can close: no rule speaks of that
kind. Two facts are not set, since another request decides them: `request.given_with_supported` (a PPI's NSAID
in the same letter) and `request.for_planned_surgery` (a drug tied to a requested surgery).

Deterministic (a fixed seed, every topic drawn from its own generator); about 20 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import sys
import time
import typing
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Literal

import annotated_types
from pydantic import BaseModel, ValidationError

from imr_check import evaluate_case, load_knowledge
from imr_check.case import Case, Clinical, Patient, Request
from imr_check.knowledge import Knowledge, LoadedRule, iter_conditions
from imr_check.model import ParamRef
from imr_check.surgeries import surgery_table
from imr_check.vocabulary import BODY_REGIONS, drug_class_topics, drug_lexicon, topics

SEED = 20160729
MAX_KINDS = 60
VARIANTS = 8
MIN_CASES = 64  # a topic with few kinds gets more variants of each, so each fact is drawn on both sides
# One request date each side of the 2016 Chronic Pain update; both within the MTUS versions the rules encode.
DATES = (dt.date(2015, 6, 1), dt.date(2017, 3, 1))
MAX_DRUGS = 14

# What each `parts` reader of rules/topics.yaml fills on the request (reader/classify.py PART_READERS); the study
# readers are named by the topic's parts but read in the classifier itself.
PART_FIELDS: dict[str, tuple[str, ...]] = {
    "injection": ("injection_type",),
    "procedure": ("procedure",),
    "equipment": ("equipment",),
    "consultant_specialty": ("consultant_specialty",),
    "program_evaluation": ("is_evaluation",),
    "psychological_evaluation": ("is_evaluation",),
    "home_health_services": ("home_health_services",),
    "trial_or_permanent": ("is_trial",),
    "aquatic": ("is_aquatic",),
    "associated_service": ("associated_service",),
    "stimulator_and_purchase": ("stimulator_types",),
    "laboratory_tests": ("laboratory_tests",),
    "modality": ("modality",),
    "imaging_study": ("study",),
    "electrodiagnostic_study": ("study",),
}
# The studies the classifier gives each study reader (reader/classify.py diagnostic_study).
STUDIES_OF_PART = {
    "imaging_study": ("x_ray", "mri", "mr_arthrogram", "ct", "bone_scan", "ultrasound"),
    "electrodiagnostic_study": ("emg", "ncs", "emg_ncs"),
}
# Facts another request of the letter decides; a single synthetic request cannot set them.
NOT_SET = {"request.given_with_supported", "request.for_planned_surgery"}
# The regions of the guidelines' body-part chapters; another region (head, chest, abdomen, several, other) is a kind
# of a topic only where its rules name it.
MUSCULOSKELETAL = {"cervical_spine", "thoracic_spine", "lumbar_spine", "sacroiliac", "shoulder", "elbow",
                   "forearm_wrist_hand", "hip_pelvis", "knee", "ankle_foot", "upper_extremity", "lower_extremity"}
COURSES = {"start": False, "continuation": True, "course not stated": None}

REASONS = ("no rule applies", "judgement", "not_encoded", "no rules", "no version", "other")


def reason_kind(reason: str) -> str:
    """The kind of an undetermined answer, from the reason evaluate._decide gives."""
    if reason.startswith("none of the"):
        return "no rule applies"
    if reason.startswith("needs a judgement"):
        return "judgement"
    if reason.startswith("the guidelines give no criterion"):
        return "not_encoded"
    if reason.startswith("no rule covers"):
        return "no rules"
    if reason.startswith("no version of"):
        return "no version"
    return "other"


# --- the case model's fields, by fact path ----------------------------------------------------------------

def _unwrap(annotation: Any) -> Any:
    members = [a for a in typing.get_args(annotation) if a is not type(None)]
    return members[0] if typing.get_origin(annotation) in (typing.Union, getattr(__import__("types"), "UnionType"))\
        and len(members) == 1 else annotation


_ROOTS: dict[str, type[BaseModel]] = {"request": Request, "clinical": Clinical, "patient": Patient}


@dataclass(frozen=True)
class FieldInfo:
    annotation: Any
    low: float | None = None
    high: float | None = None
    low_exclusive: bool = False


def field_info(path: str) -> FieldInfo | None:
    """The case model's field at a fact path (request.history.sessions_completed), or None for a derived fact."""
    root, *names = path.split(".")
    model: Any = _ROOTS.get(root)
    if model is None or not names:
        return None
    for index, name in enumerate(names):
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or name not in model.model_fields:
            return None
        found = model.model_fields[name]
        annotation = _unwrap(found.annotation)
        if index == len(names) - 1:
            info = FieldInfo(annotation)
            for item in found.metadata:
                if isinstance(item, annotated_types.Ge):
                    info = FieldInfo(annotation, item.ge, info.high, False)
                elif isinstance(item, annotated_types.Gt):
                    info = FieldInfo(annotation, item.gt, info.high, True)
                elif isinstance(item, annotated_types.Le):
                    info = FieldInfo(annotation, info.low, item.le, info.low_exclusive)
            return info
        model = annotation
    return None


def choices_of(annotation: Any) -> tuple[str, ...]:
    """The named values of a Literal field, or of a list of them."""
    if typing.get_origin(annotation) is list:
        annotation = typing.get_args(annotation)[0]
    return tuple(typing.get_args(annotation)) if typing.get_origin(annotation) is Literal else ()


def is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) is list


# --- what a topic's rules read -----------------------------------------------------------------------------

def topic_rules(knowledge: Knowledge, topic: str) -> list[LoadedRule]:
    """The topic's own rules (every version); a rule of every topic joins only where it applies, so it is left out."""
    return [r for r in knowledge.rules_for(topic) if not r.every_topic]


def read_facts(rules: list[LoadedRule]) -> dict[str, list[float]]:
    """Each fact path the rules test, with the figures they compare it with (numbers, from a value or parameter)."""
    figures: dict[str, list[float]] = {}
    for rule in rules:
        for part in ("when", "unless", "require"):
            condition = getattr(rule.rule, part)
            if condition is None:
                continue
            for compare, _ in iter_conditions(condition):
                found = figures.setdefault(compare.fact, [])
                for op in ("eq", "ne", "lt", "lte", "gt", "gte"):
                    value = getattr(compare, op)
                    if isinstance(value, ParamRef) and value.param in rule.parameters:
                        value = rule.parameters[value.param].value
                    if isinstance(value, (int, float)) and not isinstance(value, bool):
                        found.append(float(value))
    return figures


def named_values(rules: list[LoadedRule], path: str) -> list[str]:
    """The named values the rules compare a text or list fact with (eq, ne, in, contains_any)."""
    named: dict[str, None] = {}
    for rule in rules:
        for part in ("when", "unless", "require"):
            condition = getattr(rule.rule, part)
            for compare, _ in iter_conditions(condition) if condition is not None else ():
                if compare.fact != path:
                    continue
                for op in ("eq", "ne", "in_", "contains_any"):
                    value = getattr(compare, op)
                    if isinstance(value, ParamRef) and value.param in rule.parameters:
                        value = rule.parameters[value.param].value
                    for item in value if isinstance(value, list) else [value]:
                        if isinstance(item, str):
                            named.setdefault(item, None)
    return list(named)


# --- kinds and variants ---------------------------------------------------------------------------------------

@dataclass
class Axis:
    name: str
    values: list[Any]
    apply: Callable[[dict, Any], None]

    def label(self, value: Any) -> str:
        shown = value if not isinstance(value, list) else "+".join(value)
        return f"{self.name}={shown}"


@dataclass
class Variable:
    """One fact drawn per variant: its values (None: not documented) and how it is written into the case."""
    path: str
    values: list[Any]
    apply: Callable[[dict, Any], None]
    stated_path: str | None = None  # the case's not_documented path, when the fact can be stated absent


def _set(document: dict, path: str, value: Any) -> None:
    """Write a fact at its path (request.history.sessions_completed -> requests[0].history.sessions_completed)."""
    root, *names = path.split(".")
    holder = document["requests"][0] if root == "request" else document.setdefault(root, {})
    for name in names[:-1]:
        holder = holder.setdefault(name, {})
    holder[names[-1]] = value


def _value(document: dict, case_path: str) -> Any:
    holder: Any = document["requests"][0] if case_path.startswith("requests[0].") else document
    names = case_path[len("requests[0]."):].split(".") if case_path.startswith("requests[0].") else case_path.split(".")
    for name in names:
        holder = holder.get(name) if isinstance(holder, dict) else None
    return holder


def _case_path(path: str) -> str:
    return "requests[0]." + path[len("request."):] if path.startswith("request.") else path


def _around(figures: list[float], info: FieldInfo | None, extra: tuple[float, ...] = ()) -> list[float]:
    """Values just below, at and above each figure, within the field's range; a few plain ones without figures."""
    values = set(extra)
    for figure in figures:
        values |= {figure - 1, figure, figure + 1}
    if not values:
        values = {0.0, 2.0, 6.0, 12.0, 30.0}
    whole = info is not None and info.annotation is int
    kept = []
    for value in sorted(values):
        value = float(round(value)) if whole else value
        if info is not None and info.low is not None and (value < info.low or (info.low_exclusive and value <= info.low)):
            continue
        if info is not None and info.high is not None and value > info.high:
            continue
        kept.append(int(value) if whole else value)
    return sorted(set(kept)) or [1]


def _days_before(document: dict, key: str, weeks: float | None, field_path: tuple[str, str]) -> None:
    if weeks is None:
        return
    day = document["case"]["request_date"] - dt.timedelta(days=round(weeks * 7))
    section, name = field_path
    document.setdefault(section, {})[name] = day


@dataclass
class TopicPlan:
    topic: str
    axes: list[Axis] = field(default_factory=list)
    variables: list[Variable] = field(default_factory=list)
    unread_kinds: list[str] = field(default_factory=list)


def plan(knowledge: Knowledge, topic: str) -> TopicPlan:
    spec = topics()[topic]
    rules = topic_rules(knowledge, topic)
    figures = read_facts(rules)
    made = TopicPlan(topic)
    kind_fields: dict[str, None] = {}

    if spec.drug:
        classes = {c for c, t in drug_class_topics().items() if t == topic}
        generics = sorted({e.generic for e in drug_lexicon().values() if e.drug_class in classes})
        if len(generics) > MAX_DRUGS:
            generics = sorted(random.Random(zlib.crc32(topic.encode())).sample(generics, MAX_DRUGS))
        if generics:
            made.axes.append(Axis("drug", generics, lambda d, v: d["requests"][0].__setitem__("drug", {"name": v})))
    if spec.drug or "request.history.prior_treatment" in figures:
        made.axes.append(Axis("course", list(COURSES),
                              lambda d, v: COURSES[v] is not None and _set(d, "request.history.prior_treatment",
                                                                           COURSES[v])))
        kind_fields["request.history.prior_treatment"] = None
    # A kind is what the reader tells apart in this topic's requests and the rules test; a field the reader fills
    # that no rule reads is listed apart (the rules make no difference between its kinds).
    made.unread_kinds = []
    for part in spec.parts:
        for name in PART_FIELDS.get(part, ()):
            path = f"request.{name}"
            if path in figures:
                kind_fields[path] = None
            elif path not in made.unread_kinds:
                made.unread_kinds.append(path)
    procedure_sets_region = "request.procedure" in kind_fields
    if (spec.rules_by_body_region or "request.body_region" in figures) and not procedure_sets_region:
        kind_fields["request.body_region"] = None
    for path in kind_fields:
        if path == "request.history.prior_treatment":
            continue
        info = field_info(path)
        if info is None:
            continue
        name = path[len("request."):]
        if info.annotation is bool:
            values: list[Any] = [True, False]
        elif path == "request.study":
            # The studies the rules name (an EEG for the head-injury chapter), else those the topic's reader gives.
            studies = [s for p in spec.parts for s in STUDIES_OF_PART.get(p, ())]
            values = named_values(rules, path) or studies or list(choices_of(info.annotation))
        elif path == "request.body_region":
            values = [r for r in BODY_REGIONS if r in MUSCULOSKELETAL or r in named_values(rules, path)]
        else:
            values = list(choices_of(info.annotation))
        if is_list(info.annotation):
            # One named value, and two together (a panel of tests, a combination unit).
            values = [[v] for v in values] + [list(pair) for pair in itertools.combinations(values, 2)]
        if path == "request.procedure":
            # A surgery is on its own region (rules/surgeries.yaml); a request names both.
            regions = surgery_table().regions()
            made.axes.append(Axis(name, values, lambda d, v: (_set(d, "request.procedure", v), v in regions
                                                              and _set(d, "request.body_region", regions[v]))))
            continue
        made.axes.append(Axis(name, values, lambda d, v, p=path: _set(d, p, v)))

    seen: set[str] = set()
    for path, found in figures.items():
        if path in kind_fields or path in NOT_SET or (path == "request.body_region" and procedure_sets_region):
            continue
        variable = _variable(path, found, figures, rules, spec.drug)
        if variable is not None and variable.path not in seen:
            seen.add(variable.path)
            made.variables.append(variable)
    return made


def _variable(path: str, found: list[float], figures: dict[str, list[float]], rules: list[LoadedRule],
              is_drug: bool) -> Variable | None:
    """How a variant draws one fact the rules read: a field of the case, or the fields a derived fact comes from."""
    if path in ("case.weeks_since_injury", "case.weeks_symptomatic", "case.injury_year"):
        weeks = _around(figures.get("case.weeks_since_injury", []) + figures.get("case.weeks_symptomatic", []),
                        None, (2.0, 104.0))
        return Variable("case.weeks_since_injury", [w for w in weeks if w >= 0],
                        lambda d, v: _days_before(d, "injury", v, ("case", "injury_date")))
    if path in ("case.months_since_surgery", "case.weeks_since_surgery"):
        weeks = _around(figures.get("case.weeks_since_surgery", [])
                        + [m * 30.4375 / 7 for m in figures.get("case.months_since_surgery", [])], None, (3.0, 52.0))
        return Variable("case.weeks_since_surgery", [w for w in weeks if w >= 0],
                        lambda d, v: _days_before(d, "surgery", v, ("clinical", "surgery_date")))
    if path in ("request.postsurgical_procedure", "request.postsurgical_course", "request.in_postsurgical_period"):
        surgeries = choices_of(field_info("clinical.surgery_performed").annotation)
        return Variable("clinical.surgery_performed", list(surgeries),
                        lambda d, v: (_set(d, "clinical.surgery_performed", v), _set(d, "clinical.is_post_surgical", True)))
    if path in ("request.total_sessions", "request.sessions_given_or_authorized"):
        totals = figures.get("request.total_sessions", []) + figures.get("request.sessions_given_or_authorized", [])
        completed = _around([t / 2 for t in totals], field_info("request.history.sessions_completed"), (0.0,))
        return Variable("request.history.sessions_completed", completed,
                        lambda d, v: _set(d, "request.history.sessions_completed", v),
                        "requests[0].history.sessions_completed")
    if path == "request.drug.total_weeks_of_use":
        weeks = _around(figures.get(path, []), None, (0.0, 4.0))
        return Variable("request.history.weeks_on_treatment", weeks,
                        lambda d, v: _set(d, "request.history.weeks_on_treatment", v),
                        "requests[0].history.weeks_on_treatment")
    if path in ("request.drug.generic", "request.drug.drug_class", "request.drug.ingredients"):
        return None  # the drug axis
    info = field_info(path)
    if info is None:
        return None
    if path.startswith("request.drug.") and not is_drug:
        return None
    values: list[Any]
    if info.annotation is bool:
        values = [True, False]
    elif info.annotation in (int, float):
        extra = figures.get("request.total_sessions", []) if path == "request.sessions" else ()
        values = _around(found + list(extra), info)
    elif choices_of(info.annotation):
        values = list(choices_of(info.annotation))
        if path.startswith("request."):
            # Not a kind the reader tells apart for this topic: the values its rules name, or none.
            values = named_values(rules, path) or values
        if is_list(info.annotation):
            values = [[v] for v in (named_values(rules, path) or values)] + [[]]
    else:
        return None
    return Variable(path, values, lambda d, v, p=path: _set(d, p, v), _case_path(path))


def kinds(made: TopicPlan, rng: random.Random) -> list[tuple[Any, ...]]:
    """Combinations of the kind axes: all of them up to MAX_KINDS, else a sample keeping every value of every axis."""
    if not made.axes:
        return [()]
    every = list(itertools.product(*(axis.values for axis in made.axes)))
    if len(every) <= MAX_KINDS:
        return every
    longest = max(len(axis.values) for axis in made.axes)
    covering = [tuple(axis.values[(i * (k + 1)) % len(axis.values)] for k, axis in enumerate(made.axes))
                for i in range(longest)]
    chosen = list(dict.fromkeys(map(_key, covering)))
    rest = [combo for combo in every if _key(combo) not in set(chosen)]
    by_key = {_key(c): c for c in every}
    for combo in rng.sample(rest, max(0, min(len(rest), MAX_KINDS - len(chosen)))):
        chosen.append(_key(combo))
    return [by_key[k] for k in chosen]


def _key(combo: tuple[Any, ...]) -> tuple:
    return tuple(tuple(v) if isinstance(v, list) else v for v in combo)


def variant(made: TopicPlan, combo: tuple[Any, ...], number: int, rng: random.Random) -> tuple[dict, dict[str, Any]]:
    """A case document for one kind, with each fact drawn; and the facts drawn, for the samples."""
    day = DATES[number % len(DATES)]
    document: dict[str, Any] = {"case": {"request_date": day}, "requests": [{"id": "r1", "text": made.topic,
                                                                              "topic": made.topic}]}
    for axis, value in zip(made.axes, combo):
        axis.apply(document, value)
    drawn: dict[str, Any] = {}
    not_documented = []
    for variable in made.variables:
        if rng.random() < 0.3:
            if variable.stated_path and rng.random() < 0.5:
                not_documented.append(variable.stated_path)
                drawn[variable.path] = "stated not documented"
            continue
        value = rng.choice(variable.values)
        variable.apply(document, value)
        drawn[variable.path] = value
    # A fact stated absent that a kind or another fact's source has set stays set: the case lists only absent facts.
    not_documented = [p for p in dict.fromkeys(not_documented) if _value(document, p) is None]
    if not_documented:
        document["not_documented"] = not_documented
    return document, drawn


# --- the run ---------------------------------------------------------------------------------------------------

@dataclass
class TopicResult:
    topic: str
    cases: int = 0
    decided: int = 0
    invalid: int = 0
    by_reason: Counter = field(default_factory=Counter)
    # kind label -> (variants ending "no rule applies", variants)
    no_rule_by_kind: dict[str, list[int]] = field(default_factory=dict)
    judgements: Counter = field(default_factory=Counter)
    samples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    invalid_samples: list[str] = field(default_factory=list)
    unread_kinds: list[str] = field(default_factory=list)


def run_topic(knowledge: Knowledge, topic: str, samples: int) -> TopicResult:
    rng = random.Random(SEED ^ zlib.crc32(topic.encode()))
    made = plan(knowledge, topic)
    result = TopicResult(topic)
    chosen = kinds(made, rng)
    result.unread_kinds = made.unread_kinds
    for combo in chosen:
        label = ", ".join(axis.label(v) for axis, v in zip(made.axes, combo)) or "(the topic's one kind)"
        tally = result.no_rule_by_kind.setdefault(label, [0, 0])
        for number in range(max(VARIANTS, -(-MIN_CASES // len(chosen)))):
            document, drawn = variant(made, combo, number, rng)
            try:
                case = Case.model_validate(document)
            except ValidationError as error:
                result.invalid += 1
                if len(result.invalid_samples) < 3:
                    result.invalid_samples.append(f"{label}: {error.errors()[0]['loc']} {error.errors()[0]['msg']}")
                continue
            answer = evaluate_case(case, knowledge).requests[0]
            result.cases += 1
            tally[1] += 1
            if answer.determination != "undetermined":
                result.decided += 1
                continue
            kind = reason_kind(answer.reason)
            result.by_reason[kind] += 1
            if kind == "no rule applies":
                tally[0] += 1
            if kind == "judgement":
                for rule_id in answer.deciding_rules:
                    result.judgements[rule_id] += 1
            if len(result.samples[kind]) < samples:
                facts = ", ".join(f"{p}={v}" for p, v in drawn.items())
                result.samples[kind].append(f"{document['case']['request_date']} {label}; {facts or 'no facts'}"
                                            f" -> {answer.reason}")
    return result


def report(results: list[TopicResult], gaps_only: bool, kinds_shown: int) -> None:
    header = f"{'topic':32} {'cases':>6} {'decided':>8} " + " ".join(f"{r:>15}" for r in REASONS[:-1])
    print(header)
    total = Counter()
    for result in results:
        total["cases"] += result.cases
        total["decided"] += result.decided
        total.update(result.by_reason)
        if gaps_only and not result.by_reason["no rule applies"]:
            continue
        share = f"{result.decided} {100 * result.decided / result.cases:3.0f}%" if result.cases else "-"
        print(f"{result.topic:32} {result.cases:6} {share:>8} "
              + " ".join(f"{result.by_reason[r]:15}" for r in REASONS[:-1]))
    share = 100 * total["decided"] / total["cases"] if total["cases"] else 0
    print(f"{'all':32} {total['cases']:6} {total['decided']:>4} {share:2.0f}% "
          + " ".join(f"{total[r]:15}" for r in REASONS[:-1]))
    if total["other"]:
        print(f"other reasons: {total['other']}")
    no_rule_kinds = sum(1 for r in results for n, of in r.no_rule_by_kind.values() if n and n == of)
    print(f"kinds no variant of which any rule applies to: {no_rule_kinds}")

    for result in results:
        if gaps_only and not result.by_reason["no rule applies"]:
            continue
        undetermined = sum(result.by_reason.values())
        if not undetermined and not result.invalid:
            continue
        print(f"\n== {result.topic}: {result.cases} cases, {undetermined} undetermined")
        if result.invalid:
            print(f"   {result.invalid} variants the case model refused (a bench fault): {result.invalid_samples}")
        gaps = sorted(((n, of, label) for label, (n, of) in result.no_rule_by_kind.items() if n),
                      key=lambda g: (-g[0] / g[1], -g[0], g[2]))
        if gaps:
            whole = sum(1 for n, of, _ in gaps if n == of)
            print(f"   no rule applies, by kind ({whole} kinds with no rule for any variant):")
            for n, of, label in gaps[:kinds_shown]:
                print(f"     {n}/{of}  {label}")
            if len(gaps) > kinds_shown:
                print(f"     ... {len(gaps) - kinds_shown} more kinds")
        if result.unread_kinds:
            print(f"   the reader fills, no rule reads: {', '.join(result.unread_kinds)}")
        if result.judgements:
            print("   judgements: " + ", ".join(f"{rule} {n}" for rule, n in result.judgements.most_common(6)))
        for kind in REASONS:
            for sample in result.samples.get(kind, []):
                print(f"   [{kind}] {sample}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--topic", action="append", help="only this topic (repeatable)")
    parser.add_argument("--samples", type=int, default=1, help="sample cases shown per topic and reason (default 1)")
    parser.add_argument("--kinds", type=int, default=8, help="kinds shown per topic for 'no rule applies' (default 8)")
    parser.add_argument("--gaps-only", action="store_true", help="only topics where no rule applies to some case")
    args = parser.parse_args(argv)
    known = topics()
    chosen = args.topic or sorted(known)
    unknown = [t for t in chosen if t not in known]
    if unknown:
        print(f"unknown topic {', '.join(unknown)}; known: {', '.join(sorted(known))}", file=sys.stderr)
        return 2
    knowledge = load_knowledge()
    started = time.perf_counter()
    results = [run_topic(knowledge, topic, args.samples) for topic in chosen]
    report(results, args.gaps_only, args.kinds)
    print(f"\n{sum(r.cases for r in results)} cases in {time.perf_counter() - started:.1f} s "
          f"(seed {SEED}, {VARIANTS} variants a kind or more, at least {MIN_CASES} cases and at most {MAX_KINDS} "
          f"kinds a topic)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
