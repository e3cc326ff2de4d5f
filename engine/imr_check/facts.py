"""The fact namespace rules are written against, and how a case becomes facts.

Rules see one request at a time, as dotted paths: `request.*` (the request and its history),
`clinical.*` and `patient.*` (the case), `case.*` (derived from the case's dates). The reviewer's
outcome (`imr`) and the UR decision are deliberately not in the namespace: what the guideline says
is the only input to a prediction.
"""

from __future__ import annotations

import datetime as dt
import typing
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel

from ._data import rules_dir
from ._yaml import load_yaml_file
from .errors import InputError
from .case import Case, Clinical, Patient, Request, SurgeryDone, SurgeryPerformed, latest_surgery
from .declared_facts import fact_parameter
from .surgeries import surgery_table
from .vocabulary import LIMB_JOINTS, lookup_drug

FactKind = Literal["bool", "number", "text", "list"]

# Request fields that are not clinical facts: identity, free text, and the decisions being predicted.
_NOT_FACTS = {"request.id", "request.text", "request.ur", "request.imr", "request.associated_with", "request.parts"}
_NOT_FACT_PREFIXES = tuple(sorted(p + "." for p in _NOT_FACTS))
# Dates rules do not compare themselves: the derived facts count weeks or months from them instead.
_DATE_FIELDS_REPLACED = {"request.history.start_date", "clinical.surgery_date", "clinical.dated_traumas",
                         "clinical.surgeries_performed"}


@dataclass(frozen=True)
class FactSpec:
    path: str
    kind: FactKind
    description: str
    derived: bool = False
    choices: tuple[str, ...] = ()


_DERIVED = [
    FactSpec("request.drug.generic", "text", "Generic drug name, from the drug lexicon", True),
    FactSpec("request.drug.drug_class", "text", "Drug class, from the drug lexicon", True),
    FactSpec("case.weeks_since_injury", "number", "Weeks from the injury to the request", True),
    FactSpec("case.weeks_symptomatic", "number",
             "Weeks the symptoms have lasted at the request: the longer of the weeks since the injury and the symptoms' "
             "stated duration (clinical.symptom_duration_weeks, for the request's region), which the injury date "
             "understates when the symptoms began before it", True),
    FactSpec("case.injury_year", "number", "Calendar year of the injury (statutes apply by injury date)", True),
    FactSpec("case.weeks_since_trauma", "number",
             "Weeks from the latest trauma the record dates on the request's region (clinical.dated_traumas; one naming "
             "no region is on every region) to the request; absent when none is dated on or before the request's day",
             True),
    FactSpec("request.sessions_given_or_authorized", "number",
             "Sessions already completed plus those UR authorized of this request: the part of the course given or "
             "granted before the sessions requested (what a cap's remainder is counted from)", True),
    FactSpec("request.total_sessions", "number",
             "Sessions already completed, plus those UR authorized of this request, plus those requested (the whole "
             "course if this request is granted)", True),
    FactSpec("request.drug.total_weeks_of_use", "number",
             "Weeks of use when the requested supply runs out: weeks already taken plus the days supplied", True),
    FactSpec("request.given_with_supported", "bool",
             "The drug this one is given with (rules/topics.yaml given_with: an NSAID for gastric protection), "
             "requested in the same letter, is supported: true when such a request is certified or modified, false "
             "when every one is not certified; absent when the letter requests none or their answer is unknown",
             True),
    FactSpec("case.months_since_surgery", "number", "Months from the surgery already done to the request", True),
    FactSpec("case.weeks_since_surgery", "number", "Weeks from the surgery already done to the request", True),
    FactSpec("case.is_post_surgical_any_region", "bool",
             "The patient has had a surgery, on whatever body region (clinical.is_post_surgical as the whole case "
             "states it): for a clause that follows the patient's recovery from any operation (post-operative pain, "
             "nausea after anaesthesia), where clinical.is_post_surgical is the request's own region's", True),
    FactSpec("request.postsurgical_procedure", "text",
             "The surgery therapy would follow: the one it is requested with (request.procedure), else the surgery "
             "already done (clinical.surgery_performed) when the request treats no other body region", True,
             tuple(dict.fromkeys(typing.get_args(SurgeryPerformed)
                                 + typing.get_args(typing.get_args(Request.model_fields["procedure"].annotation)[0])))),
    FactSpec("request.in_postsurgical_period", "bool",
             "The request follows a surgery already done, on the region it treats, within that surgery's post-surgical "
             "physical medicine period (8 CCR 9792.24.3); false once the period has ended or when the request treats "
             "another region. With the surgery's period or date not documented, a post-surgical case counts as within it",
             True),
    FactSpec("request.for_planned_surgery", "bool",
             "A drug or equipment requested for after a surgery that is itself requested (request.associated_service "
             "post_operative_medication or post_operative_equipment, tied to it by request.associated_with): written "
             "before the operation, it is judged as post-operative use (MTUS Opioids 2016 section 1.4; ODG's "
             "post-operative equipment); false for a request not tied to a surgery", True),
    FactSpec("request.postsurgical_course", "text",
             "The row of the post-surgical schedule (8 CCR 9792.24.3) for request.postsurgical_procedure, from "
             "rules/surgeries.yaml; absent when the surgery has no row encoded", True,
             tuple(surgery_table().schedule)),
]

# The documented facts a derived fact is computed from: a derived fact is missing because they are, so it is
# absent the way they are (stated not documented, or silent).
DERIVED_FROM = {
    "request.sessions_given_or_authorized": ("request.history.sessions_completed",),
    "request.total_sessions": ("request.history.sessions_completed", "request.sessions"),
    "request.drug.total_weeks_of_use": ("request.history.weeks_on_treatment", "request.drug.days_supply"),
    "case.is_post_surgical_any_region": ("clinical.is_post_surgical",),
    "request.history.functional_improvement.demonstrated": (
        "request.history.functional_improvement.adl_improved",
        "request.history.functional_improvement.work_restrictions_reduced",
        "request.history.functional_improvement.dependence_reduced"),
}


# The figures the fact layer derives a fact with (rules/facts.yaml `parameters`), and the fact each derives. The
# rule loader checks the file holds exactly these, citing known clauses, whenever a rule reads such a fact.
FACT_PARAMETERS = {
    # A trauma dated within the acute phase before the request is an acute injury, however the record words it.
    "acute_injury_max_weeks": "clinical.acute_injury",
}

# Where a fact is read from when the case has no evidence of its own for it: a derived fact's sources.
EVIDENCE_FROM = {
    "case.is_post_surgical_any_region": "clinical.is_post_surgical",
    "clinical.acute_injury": "clinical.dated_traumas",
    "case.weeks_since_trauma": "clinical.dated_traumas",
}


def is_stated_absent(path: str, facts: dict[str, Any], stated: frozenset[str]) -> bool:
    """Whether a missing fact is one the letter states is not documented: listed itself, or a derived fact whose
    missing sources all are."""
    if path in stated:
        return True
    sources = [source for source in DERIVED_FROM.get(path, ()) if source not in facts]
    return bool(sources) and all(source in stated for source in sources)

# The services tied to a requested surgery that are used after it (therapy has the post-surgical schedule instead).
_FOR_AFTER_THE_OPERATION = {"post_operative_medication", "post_operative_equipment"}

# Therapy for several regions, or one not named among the body regions, may follow the surgery but does not
# follow it alone: the surgery's course is not the therapy's.
_SEVERAL_REGIONS = {"multiple", "other"}
_WIDER_REGIONS = LIMB_JOINTS


def _kind_of(annotation: Any) -> tuple[FactKind | None, tuple[str, ...]]:
    args = [a for a in typing.get_args(annotation) if a is not type(None)] or [annotation]
    base = args[0]
    if base is bool:
        return "bool", ()
    if base in (int, float):
        return "number", ()
    if base is str:
        return "text", ()
    if typing.get_origin(base) is Literal:
        return "text", tuple(str(a) for a in typing.get_args(base))
    if typing.get_origin(base) is list:
        return "list", ()
    return None, ()


def _walk(model: type[BaseModel], prefix: str) -> list[FactSpec]:
    specs = []
    for name, field in model.model_fields.items():
        path = f"{prefix}.{name}"
        if path in _NOT_FACTS or path in _DATE_FIELDS_REPLACED:
            continue
        annotation = field.annotation
        inner = [a for a in typing.get_args(annotation) if a is not type(None)] or [annotation]
        if isinstance(inner[0], type) and issubclass(inner[0], BaseModel):
            specs.extend(_walk(inner[0], path))
            continue
        kind, choices = _kind_of(annotation)
        if kind is None:
            continue
        specs.append(FactSpec(path, kind, field.description or "", False, choices))
    return specs


@cache
def fact_specs() -> dict[str, FactSpec]:
    specs = _walk(Request, "request") + _walk(Clinical, "clinical") + _walk(Patient, "patient") + _DERIVED
    return {spec.path: spec for spec in specs}


def engine_key(path: str) -> str:
    """Fact paths as flat property names: the engine matches flat facts fastest."""
    return path.replace(".", "__")


def _flatten(model: BaseModel, prefix: str, into: dict[str, Any]) -> None:
    for name in type(model).model_fields:
        path = f"{prefix}.{name}"
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            _flatten(value, path, into)
        elif value is not None:
            into[path] = value


def _kleene_and(*values: bool | None) -> bool | None:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _kleene_or(*values: bool | None) -> bool | None:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def case_date(case: Case) -> dt.date | None:
    """The date that picks the guideline version: the request's, else the UR decision's."""
    return case.case.request_date or case.case.ur_decision_date


@dataclass(frozen=True)
class ParameterDerivation:
    """A fact value the fact layer set by comparing a measure of the case with a parameter of rules/facts.yaml: a
    result that read the value cites the parameter's clauses and shows the comparison."""

    parameter: str
    measure: str
    comparison: str

    def sentence(self, fact: str, facts: dict[str, Any], on_date: dt.date) -> str:
        """The comparison as the result explains it, with the measure and the figure of the day."""
        figure = fact_parameter(self.parameter, on_date)
        unit = f" {figure.unit}" if figure is not None and figure.unit else ""
        limit = _figure(figure.value) if figure is not None else "not documented"
        return (f"{label_of(fact)}: {_figure(facts[self.measure])}{unit} ({self.measure}), "
                f"{self.comparison} {limit} ({self.parameter})")

    def clauses(self, on_date: dt.date) -> list[str]:
        figure = fact_parameter(self.parameter, on_date)
        return list(figure.cites) if figure is not None else []


def _figure(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def request_facts(case: Case, index: int, on_date: dt.date) -> dict[str, Any]:
    """Every documented fact for one request, by dotted path, with the derived facts filled in."""
    return request_facts_and_derivations(case, index, on_date)[0]


def request_facts_and_derivations(case: Case, index: int, on_date: dt.date
                                  ) -> tuple[dict[str, Any], dict[str, ParameterDerivation]]:
    """The request's facts, and the fact paths whose value a parameter of rules/facts.yaml set (a value the
    phrases gave, which the comparison only agrees with, is the phrases' and is not among them)."""
    request = case.requests[index]
    facts: dict[str, Any] = {}
    _flatten(request, "request", facts)
    _flatten(case.clinical, "clinical", facts)
    _flatten(case.patient, "patient", facts)
    for path in list(facts):
        if path in _DATE_FIELDS_REPLACED or path in _NOT_FACTS or path.startswith(_NOT_FACT_PREFIXES):
            del facts[path]
    _scope_to_region(case, request, facts)
    derivations: dict[str, ParameterDerivation] = {}
    _derive(case, request, on_date, facts, derivations)
    return facts, derivations


def _scope_to_region(case: Case, request: Request, facts: dict[str, Any]) -> None:
    """A fact the record states for other body regions than the request's is not documented for this request.

    "Surgery is planned for the knee" says nothing of the shoulder: a shoulder MRI does not see a surgery in view.
    It is not false either (nothing was said of the shoulder). A request whose region is not named, or that
    treats several, sees the fact as the case states it.
    """
    for path, regions in case.regional_facts.items():
        if path in facts and not concerns_region(regions, request.body_region):
            del facts[path]


def concerns_region(regions: list[str] | None, region: str | None) -> bool:
    """Whether a fact stated for `regions` (None: every region) concerns a request for `region` (None or several:
    every region is the request's)."""
    if regions is None or region is None or region in _SEVERAL_REGIONS:
        return True
    return any(_same_region(found, region) for found in regions)


def _same_region(found: str, region: str) -> bool:
    """Whether a finding on `found` concerns a request for `region`: the same, or one within the other."""
    return found == region or found in _WIDER_REGIONS.get(region, ()) or region in _WIDER_REGIONS.get(found, ())


def _derive(case: Case, request: Request, on_date: dt.date, facts: dict[str, Any],
            derivations: dict[str, ParameterDerivation]) -> None:
    if "request.sessions" not in facts and request.frequency_per_week and request.duration_weeks:
        total = request.frequency_per_week * request.duration_weeks
        if total == int(total):
            facts["request.sessions"] = int(total)
    # Visits UR authorized of this same request (the item is then the remaining portion) are part of the
    # course the guideline caps: a fact of the record, not the reviewer's conclusion.
    authorized = request.ur.modified_to if request.ur and request.ur.decision == "modified" else None
    completed = request.history.sessions_completed
    if completed is None and request.history.prior_treatment is False:
        completed = 0
    if completed is not None:
        facts["request.sessions_given_or_authorized"] = completed + (authorized or 0)
        if "request.sessions" in facts:
            facts["request.total_sessions"] = facts["request.sessions_given_or_authorized"] + facts["request.sessions"]
    drug = request.drug
    if drug is not None:
        entry = lookup_drug(drug.name)
        if entry is not None:
            facts["request.drug.drug_class"] = entry.drug_class
            if entry.ingredients:
                # A branded combination (e.g. a salicylate and menthol patch) is judged by its ingredients.
                facts["request.drug.ingredients"] = list(entry.ingredients)
            else:
                facts["request.drug.generic"] = entry.generic
        if drug.days_supply is None and drug.quantity is not None and drug.doses_per_day:
            facts["request.drug.days_supply"] = int(drug.quantity / drug.doses_per_day)
        if drug.ingredients is not None:
            facts["request.drug.ingredients"] = _normalised_ingredients(drug.ingredients)
    history = request.history
    if history.weeks_on_treatment is None and history.start_date is not None and on_date >= history.start_date:
        facts["request.history.weeks_on_treatment"] = round((on_date - history.start_date).days / 7, 1)
    if history.prior_treatment is None:
        if history.sessions_completed is not None:
            facts["request.history.prior_treatment"] = history.sessions_completed > 0
        elif facts.get("request.history.weeks_on_treatment", 0) > 0:
            facts["request.history.prior_treatment"] = True
    if "request.drug.days_supply" in facts:
        taken = facts.get("request.history.weeks_on_treatment")
        if taken is None and facts.get("request.history.prior_treatment") is False:
            taken = 0
        if taken is not None:
            facts["request.drug.total_weeks_of_use"] = round(taken + facts["request.drug.days_supply"] / 7, 1)
    improvement = history.functional_improvement
    if improvement.demonstrated is None:
        derived = _kleene_and(
            _kleene_or(improvement.adl_improved, improvement.work_restrictions_reduced),
            improvement.dependence_reduced,
        )
        if derived is not None:
            facts["request.history.functional_improvement.demonstrated"] = derived
    if case.case.injury_date and on_date >= case.case.injury_date:
        facts["case.weeks_since_injury"] = round((on_date - case.case.injury_date).days / 7, 1)
    # The timing clauses that count the symptoms' duration read this; a symptom history older than the claim's injury
    # ("numbness for two years") is longer than the injury date says. Scoped to the request's region above.
    lasted = [facts[path] for path in ("case.weeks_since_injury", "clinical.symptom_duration_weeks") if path in facts]
    if lasted:
        facts["case.weeks_symptomatic"] = max(lasted)
    if case.case.injury_date:
        facts["case.injury_year"] = case.case.injury_date.year
    _derive_acute_injury(case, request, on_date, facts, derivations)
    _derive_surgery(case, request, on_date, facts)


_ACUTE_FROM_TRAUMA = ParameterDerivation("acute_injury_max_weeks", "case.weeks_since_trauma", "at most")


def _derive_acute_injury(case: Case, request: Request, on_date: dt.date, facts: dict[str, Any],
                         derivations: dict[str, ParameterDerivation]) -> None:
    """case.weeks_since_trauma, and clinical.acute_injury true when that trauma is within the acute phase.

    The phrases' acute injury ("an acute tear") stands as the reader gave it, scoped to the request's region above;
    a dated trauma adds to it and never takes it away: one past the acute phase (the original injury of a chronic
    claim) says nothing of whether the lesion is acute, so it leaves the fact as it was, documented or not."""
    days = [(on_date - trauma.date).days for trauma in case.clinical.dated_traumas or ()
            if trauma.date <= on_date and concerns_region(trauma.body_regions or None, request.body_region)]
    if not days:
        return
    facts["case.weeks_since_trauma"] = round(min(days) / 7, 1)
    acute_phase = fact_parameter("acute_injury_max_weeks", on_date)
    if acute_phase is not None and facts["case.weeks_since_trauma"] <= acute_phase.value:
        if facts.get("clinical.acute_injury") is not True:
            derivations["clinical.acute_injury"] = _ACUTE_FROM_TRAUMA
        facts["clinical.acute_injury"] = True


# Facts no rule reads that are still used, and what for (`imr-check rules --lint` reports any other
# fact path no rule reads).
READ_OUTSIDE_RULES = {
    "request.postsurgical_procedure": "the fact layer derives request.postsurgical_course (the schedule row) from it",
    "request.topic": "selects the rules that judge the request; every report shows it",
    "clinical.surgery_performed": "derives request.postsurgical_procedure and request.in_postsurgical_period",
    "case.weeks_since_trauma": "derives clinical.acute_injury (within acute_injury_max_weeks, rules/facts.yaml)",
    "request.drug.strength": "as written on the request; the drug lexicon reads it with the drug's name",
    "request.drug.drug_class": "derived from the drug lexicon; shown with the drug, kept for drug-class rules",
    # read from letters and shown, with their evidence, in the extracted case (imr-check extract);
    # no criterion reads them yet
    "request.drug.is_compounded": "shown in the extracted case",
    "clinical.pain.average": "shown in the extracted case",
    "clinical.pain.least": "shown in the extracted case",
    "clinical.pain.worst": "shown in the extracted case",
    "clinical.pain.with_medication": "shown in the extracted case",
    "clinical.pain.without_medication": "shown in the extracted case",
    "patient.sex": "shown in the extracted case",
}


@cache
def fact_labels() -> dict[str, str]:
    """Fact path -> its human label (what results call a missing fact): rules/fact_labels.yaml, and the
    `label` of a fact declared in rules/facts.yaml."""
    from .declared_facts import declared_labels

    return {**declared_labels(), **_label_file()}


@cache
def _label_file() -> dict[str, str]:
    path = rules_dir() / "fact_labels.yaml"
    data = load_yaml_file(path) or {}
    if not isinstance(data, dict) or not all(isinstance(v, str) and v.strip() for v in data.values()):
        raise InputError.single(str(path), "expected a mapping of fact path to label (text)")
    return {str(k): v for k, v in data.items()}


def label_of(path: str) -> str:
    """A fact's human label; the path itself for a fact without one (which the rule lint reports)."""
    return fact_labels().get(path, path)


@cache
def postsurgical_periods() -> dict[str, float]:
    """Surgery -> its post-surgical physical medicine period in months (8 CCR 9792.24.3).

    From the schedule rows of rules/surgeries.yaml; a surgery without one has no encoded period.
    """
    return surgery_table().periods()


@cache
def _surgery_regions() -> dict[str, str]:
    """Which body region a surgery already done is on: therapy for another region does not follow it."""
    return surgery_table().regions()


def _on_region(surgery: str, region: str | None, surgery_region: str | None = None) -> bool:
    """Whether therapy for `region` (None: not named) can follow the surgery (on `surgery_region` when the table
    gives the surgery none)."""
    where = _surgery_regions().get(surgery, surgery_region)
    if region is None or region in _SEVERAL_REGIONS or where is None:
        return True
    return where == region or where in _WIDER_REGIONS.get(region, ())


def surgeries_done(clinical: Clinical) -> list[SurgeryDone]:
    """The surgeries done: the case's list, else the one surgery a case names without it."""
    if clinical.surgeries_performed is not None:
        return list(clinical.surgeries_performed)
    if clinical.surgery_performed is not None:
        return [SurgeryDone(surgery=clinical.surgery_performed, date=clinical.surgery_date)]
    return []


def surgery_followed(clinical: Clinical, region: str | None) -> SurgeryDone | None:
    """The surgery therapy for `region` follows: the latest done on that region, so an operation on another region,
    older or newer, neither ends nor starts its post-surgical period. A request naming no region (or several)
    follows the latest of all (clinical.surgery_performed); so does one for a region no listed surgery is on, and
    that surgery, being another region's, does not put it after surgery (_on_region). None: no surgery named, or
    several undated ones on the region, which cannot be put in order."""
    done = surgeries_done(clinical)
    own = [s for s in done if _on_region(s.surgery, region, s.body_region)]
    if region is not None and region not in _SEVERAL_REGIONS and own:
        return latest_surgery(own)
    if clinical.surgery_performed is None:
        return None
    return next((s for s in done if (s.surgery, s.date) == (clinical.surgery_performed, clinical.surgery_date)),
                SurgeryDone(surgery=clinical.surgery_performed, date=clinical.surgery_date))


# The derived facts that follow one surgery done: shown with that surgery's sentences (surgery_evidence_key).
FOLLOW_THE_SURGERY = ("request.postsurgical_procedure", "request.postsurgical_course", "request.in_postsurgical_period")


def surgery_evidence_key(case: Case, index: int) -> str | None:
    """The evidence key of the surgery request `index` follows: its entry of clinical.surgeries_performed, or
    clinical.surgery_performed in a case naming one surgery without the list; None when it follows none."""
    followed = surgery_followed(case.clinical, case.requests[index].body_region)
    if followed is None:
        return None
    if case.clinical.surgeries_performed is None:
        return "clinical.surgery_performed"
    return next((f"clinical.surgeries_performed[{i}]" for i, s in enumerate(case.clinical.surgeries_performed)
                 if s == followed), None)


def _months_between(start: dt.date | None, on_date: dt.date) -> float | None:
    return round((on_date - start).days / 30.4375, 1) if start is not None and on_date >= start else None


def _past_the_period(surgery: SurgeryDone, period: float, on_date: dt.date) -> bool:
    """Whether the request comes after the surgery's post-surgical period of `period` months. A surgery dated by its
    month or year alone is past it only when its last possible day is ("a 2014 repair" on a 2016 request); one whose
    span straddles the period's end ("in 09/2016" against a 6-week period in 10/2016) is not known to be, and counts
    within it as an undated one does."""
    span = surgery.span()
    if span is None:
        return False
    months = _months_between(span[1], on_date)
    return months is not None and months > period


def _derive_surgery(case: Case, request: Request, on_date: dt.date, facts: dict[str, Any]) -> None:
    clinical = case.clinical
    # The weeks since surgery stay the latest operation's of all: the only rules reading them (MTUS Opioids 2016
    # section 1.4, rules/opioid_2016.yaml) follow the recovery from an operation on whatever region.
    months = _months_between(clinical.surgery_date, on_date)
    if months is not None and clinical.surgery_date is not None:
        facts["case.months_since_surgery"] = months
        facts["case.weeks_since_surgery"] = round((on_date - clinical.surgery_date).days / 7, 1)
    followed = surgery_followed(clinical, request.body_region)
    done = followed.surgery if followed is not None else None
    done_region = followed.body_region if followed is not None else None
    if request.procedure is not None and request.procedure != "other":
        facts["request.postsurgical_procedure"] = request.procedure
    elif done is not None and done != "other" and request.body_region not in _SEVERAL_REGIONS \
            and _on_region(done, request.body_region, done_region):
        facts["request.postsurgical_procedure"] = done
    course = surgery_table().schedule_row_of(facts.get("request.postsurgical_procedure", ""))
    if course is not None:
        facts["request.postsurgical_course"] = course
    # Known from the case itself (a request is tied to a surgery or not), so never missing.
    facts["request.for_planned_surgery"] = (request.associated_service in _FOR_AFTER_THE_OPERATION
                                            and request.associated_with is not None)
    if clinical.is_post_surgical is not None:
        facts["case.is_post_surgical_any_region"] = clinical.is_post_surgical
    # As the request's region sees it (_scope_to_region): a surgery stated for other regions only is not its own.
    after_surgery = facts.get("clinical.is_post_surgical")
    if after_surgery is None and clinical.is_post_surgical is True:
        facts["request.in_postsurgical_period"] = False
        return
    if after_surgery is None and done is not None:
        after_surgery = True
    if after_surgery is None:
        return
    within = after_surgery
    if after_surgery and done is not None:
        period = postsurgical_periods().get(done)
        within = _on_region(done, request.body_region, done_region) and not (
            period is not None and followed is not None and _past_the_period(followed, period, on_date))
    facts["request.in_postsurgical_period"] = within


def _normalised_ingredients(ingredients: list[str]) -> list[str]:
    names = []
    for text in ingredients:
        entry = lookup_drug(text)
        names.append(entry.generic if entry else text.lower().split()[0])
    return names
