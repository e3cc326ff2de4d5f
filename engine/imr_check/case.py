"""Case facts: what one IMR case file says, validated strictly.

A clinical fact has three states. `true` and `false` are what the record documents; a fact that is
absent (or `null`) is *not documented*. Rules see the difference, and results name undocumented
facts, because "not documented" is what a pre-screening user most needs to know.

Absence comes in two kinds, kept apart: a fact the case lists under `not_documented` is one the
letter *says* the record does not document ("there is no documentation of functional
improvement"); a fact neither given nor listed is one the letter says nothing about. Rules treat
both as not documented (the guideline's criterion is undocumented either way); results and audits
tell them apart, so a determination states whether it rests on documented facts, on documentation
found absent, or on silence.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import typing
from pathlib import Path
from typing import Any, Literal, Optional

from pydantic import (BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, create_model, field_validator,
                      model_validator)

from ._yaml import load_yaml_file, load_yaml_text, non_string_keys, validation_problems
from .errors import InputError
from .surgeries import surgery_table
from .vocabulary import BodyRegion, topics


Documented = Optional[bool]
PainScore = Optional[float]
# Surgeries already done, as the post-surgical schedule (8 CCR 9792.24.3) tells them apart, and the
# surgeries a request names: both from the surgery vocabulary, rules/surgeries.yaml.
SurgeryPerformed = Literal[surgery_table().performed_names()]  # type: ignore[valid-type]
SurgeryRequested = Literal[surgery_table().requested_names()]  # type: ignore[valid-type]
DiagnosticStudy = Literal[
    "x_ray", "mri", "mr_arthrogram", "ct", "bone_scan", "ultrasound", "trigger_point_impedance_imaging", "emg", "ncs",
    "emg_ncs", "eeg", "vestibular_test"
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_lax_scalars(cls, value: Any, info: ValidationInfo) -> Any:
        """pydantic's lax mode reads `true` as 1 in a number (`age: true` would be age 1), 1 as true in
        a yes/no fact, and an integer as Unix time in a date (`injury_date: 0` would be 1970-01-01)."""
        if value is None:
            return value
        kinds = _field_kinds(cls, info.field_name or "")
        if kinds & {int, float} and isinstance(value, bool):
            raise ValueError(f"expected a number, got {str(value).lower()} (a yes/no value)")
        if kinds == {bool} and not isinstance(value, bool):
            raise ValueError(f"expected true or false (or null: not documented), got {value!r}")
        if kinds == {dt.date} and isinstance(value, (bool, int, float)):
            raise ValueError(f"expected a date written as YYYY-MM-DD, got {value!r}")
        return value


@functools.lru_cache(maxsize=None)
def _field_kinds(model: type[BaseModel], name: str) -> frozenset[Any]:
    field = model.model_fields.get(name)
    if field is None:
        return frozenset()
    return frozenset(set(typing.get_args(field.annotation)) - {type(None)} or {field.annotation})


class Reviewer(Strict):
    specialty: Optional[str] = Field(None, description="The IMR reviewer's certification/specialty")
    licensure_states: list[str] = Field(default_factory=list, description="States of licensure")


class CaseInfo(Strict):
    id: Optional[str] = Field(None, description="Case or file number, e.g. CM16-0213037")
    injury_date: Optional[dt.date] = None
    request_date: Optional[dt.date] = Field(
        None, description="Date of the request for authorization; picks the guideline version"
    )
    ur_decision_date: Optional[dt.date] = Field(
        None, description="Date of the utilization review decision; used when request_date is absent"
    )
    imr_decision_date: Optional[dt.date] = None
    imr_assigned_date: Optional[dt.date] = Field(None, description="Date the IMR was assigned (letter header)")
    application_received_date: Optional[dt.date] = Field(
        None, description="Date the IMR application was received (letter header)"
    )
    priority: Optional[str] = Field(None, description="The IMR's priority, e.g. Standard (letter header)")
    reviewer: Optional[Reviewer] = None
    source: Optional[str] = Field(None, description="Where the facts came from (e.g. a letter's path)")

    @model_validator(mode="after")
    def _dates_in_order(self) -> "CaseInfo":
        # Nothing is requested or decided before the injury, and the IMR decides after the request and
        # after UR. A UR decision before request_date is not refused: the date letters give as the
        # request's is at times the IMR application's, after UR (seen in tuning letters).
        pairs = [("request_date", "injury_date"), ("ur_decision_date", "injury_date"),
                 ("imr_decision_date", "injury_date"), ("imr_decision_date", "request_date"),
                 ("imr_decision_date", "ur_decision_date")]
        for later, earlier in pairs:
            later_date, earlier_date = getattr(self, later), getattr(self, earlier)
            if earlier_date and later_date and later_date < earlier_date:
                raise ValueError(f"{later} ({later_date}) is before {earlier} ({earlier_date})")
        return self


def _with_declared_facts(model: type[Strict], section: str) -> type[Strict]:
    """The model with the yes/no facts rules/facts.yaml declares for it, so a new topic's facts are data.

    A declared fact is an optional boolean like the fields above, with its description; it reads, validates,
    explains and appears in the case schema like them.
    """
    from .declared_facts import declared_facts

    fields = {name: (Documented, Field(None, description=description))
              for name, description in declared_facts(section, set(model.model_fields)).items()}
    if not fields:
        return model
    declared = create_model(model.__name__, __base__=model, __module__=__name__, **fields)  # type: ignore[call-overload]
    declared.__doc__ = model.__doc__
    return declared


class Patient(Strict):
    age: Optional[int] = Field(None, ge=0, le=120, description="Age in years")
    sex: Optional[Literal["female", "male"]] = None
    body_mass_index: Optional[float] = Field(None, ge=10, le=100, description="Body mass index (kg/m2)")
    comorbidities: Optional[
        list[Literal["cardiac", "pulmonary", "renal", "hepatic", "diabetes", "hypertension", "anemia",
                     "bleeding_disorder", "other"]]
    ] = Field(
        None,
        description="Other illnesses the record names that bear on surgical risk: heart disease (coronary disease, "
        "heart failure, arrhythmia), lung disease (COPD, asthma, sleep apnea), kidney disease, liver disease, "
        "diabetes, hypertension, anemia, a bleeding disorder; an empty list is documented as none",
    )
    anticoagulant_use: Documented = Field(
        None, description="Takes an anticoagulant or antiplatelet drug (warfarin, a direct oral anticoagulant, "
        "clopidogrel), which coagulation studies before surgery are for"
    )


class PainScores(Strict):
    """Pain on the 0-10 numeric scale, as the record gives it."""

    current: PainScore = Field(None, ge=0, le=10)
    average: PainScore = Field(None, ge=0, le=10)
    least: PainScore = Field(None, ge=0, le=10)
    worst: PainScore = Field(None, ge=0, le=10)
    with_medication: PainScore = Field(None, ge=0, le=10)
    without_medication: PainScore = Field(None, ge=0, le=10)


class DatedTrauma(Strict):
    """A trauma the record dates ("a fall on 01/18/17"), whatever its age. Whether it is recent enough to be an acute
    injury is the fact layer's to say (facts.py, with the parameter acute_injury_max_weeks of rules/facts.yaml), on
    the day the request is judged, not the reader's."""

    date: dt.date = Field(description="The day of the trauma")
    body_regions: list[BodyRegion] = Field(
        default_factory=list, description="The body regions it injured, as its sentence names them; empty: every region "
        "(a trauma is listed with its own regions, not in regional_facts, since two traumas may be on other days and "
        "regions)")

    @model_validator(mode="before")
    @classmethod
    def _a_mapping(cls, value: Any) -> Any:
        if isinstance(value, (dt.date, str, int, float)):
            raise ValueError("a dated trauma is written {date: YYYY-MM-DD, body_regions: [knee]}; without "
                             "body_regions it is on every region")
        return value


class SurgeryDone(Strict):
    """A surgery the record says was done: the operation, its body region and its day when the record dates it.

    A case lists every one (clinical.surgeries_performed), since two operations may be on other regions and days:
    therapy for a region follows that region's surgery, not the latest of all (facts.py)."""

    surgery: SurgeryPerformed = Field(description="The operation, as rules/surgeries.yaml names it")
    body_region: Optional[BodyRegion] = Field(
        None, description="Where it was done: the surgery's region in rules/surgeries.yaml (filled from it when not "
        "given, and must agree with it); for one the table gives no region (other), the region a case names")
    date: Optional[dt.date] = Field(None, description="The day of the surgery; absent when the record does not date it")
    earliest_date: Optional[dt.date] = Field(
        None, description="For a surgery the record dates by its month or year alone (\"in 09/2016\", \"2014\"), "
        "the first day it can have been; latest_date the last. Without date: the day itself is not known")
    latest_date: Optional[dt.date] = None

    @model_validator(mode="after")
    def _one_span(self) -> "SurgeryDone":
        if (self.earliest_date is None) != (self.latest_date is None):
            raise ValueError("a partial surgery date gives both earliest_date and latest_date")
        if self.earliest_date is not None and self.latest_date is not None:
            if self.date is not None:
                raise ValueError("a surgery has its day (date) or the span it can be in (earliest_date, latest_date)")
            if self.earliest_date > self.latest_date:
                raise ValueError("a surgery's earliest_date is not after its latest_date")
        return self

    def span(self) -> Optional[tuple[dt.date, dt.date]]:
        """The first and last day the surgery can have been; None when the record does not date it."""
        if self.date is not None:
            return self.date, self.date
        if self.earliest_date is not None and self.latest_date is not None:
            return self.earliest_date, self.latest_date
        return None

    @model_validator(mode="before")
    @classmethod
    def _region_of_the_table(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        known = surgery_table().regions().get(value.get("surgery"))
        given = value.get("body_region")
        if known is None:
            return value
        if given is None:
            return {**value, "body_region": known}
        if given != known:
            raise ValueError(f"a {value['surgery']} is on the {known} (rules/surgeries.yaml), not the {given}")
        return value


def latest_surgery(done: list[SurgeryDone]) -> Optional[SurgeryDone]:
    """The latest of the surgeries done: the last dated, one dated by its month or year alone by the first day it
    can be (so "in 2016" is not put after a day of 2016); undated ones only when they all name the same operation
    (two undated operations cannot be put in order)."""
    dated = [(span, s) for s in done if (span := s.span()) is not None]
    if dated:
        return max(dated, key=lambda pair: pair[0][0])[1]
    return done[0] if done and len({s.surgery for s in done}) == 1 else None


class Clinical(Strict):
    """Case-wide clinical findings the guidelines ask about."""

    pain: PainScores = Field(default_factory=PainScores)
    acute_flare_up: Documented = Field(None, description="An acute exacerbation of the chronic condition")
    new_injury: Documented = Field(None, description="A new injury or re-injury")
    severe_acute_injury: Documented = Field(
        None, description="A severe acute injury: fracture, crush injury, major trauma, large burn or other significant tissue damage"
    )
    red_flags: Documented = Field(None, description="Red-flag findings (fracture, tumor, infection, cauda equina, ...)")
    neurological_deficit: Documented = Field(
        None, description="Unequivocal objective neurological findings of specific nerve compromise"
    )
    failed_conservative_care: Documented = Field(None, description="Conservative care tried and failed")
    surgery_considered: Documented = Field(None, description="Surgery is being considered or planned")
    invasive_procedure_planned: Documented = Field(
        None, description="An invasive procedure (surgery or an injection) is planned for the region, needing its anatomy clarified"
    )
    nerve_entrapment_suspected: Documented = Field(
        None, description="A peripheral nerve entrapment or neuropathy (e.g. carpal tunnel syndrome) is suspected on the findings"
    )
    exercise_program: Documented = Field(
        None, description="A concurrent exercise or home exercise program (massage and acupuncture adjunct)"
    )
    medication_not_tolerated: Documented = Field(
        None, description="Pain medication is reduced or not tolerated (acupuncture indication)"
    )
    neuropathic_pain: Documented = None
    osteoarthritis: Documented = None
    first_line_neuropathic_trial: Documented = Field(
        None, description="A trial of first-line therapy (antidepressant or anti-epilepsy drug) for neuropathic pain"
    )
    gi_risk_factors: Documented = Field(None, description="Gastrointestinal risk factors for NSAID use")
    persistent_symptoms: Documented = Field(
        None, description="Symptoms or findings persist despite treatment (office visit need)"
    )
    medications_need_monitoring: Documented = Field(
        None, description="Takes medication that needs clinical monitoring, e.g. opioids (office visit need)"
    )
    work_status: Optional[Literal["full_duty", "modified_duty", "off_work", "retired", "unknown"]] = None
    radiculopathy_on_exam: Documented = Field(
        None, description="Radiculopathy on physical exam (dermatomal sensory loss, weakness, reflex change, positive SLR)"
    )
    radiculopathy_corroborated: Documented = Field(
        None, description="Imaging or electrodiagnostic studies corroborate the radiculopathy"
    )
    significant_change_in_symptoms: Documented = Field(
        None, description="A significant change in symptoms or findings since the last evaluation or study"
    )
    is_post_surgical: Documented = Field(
        None, description="The request follows a surgery (post-operative care), on the regions regional_facts names")
    surgery_performed: Optional[SurgeryPerformed] = Field(
        None,
        description="The surgery already done (the most recent the record names): " + surgery_table().labels("performed"),
    )
    surgery_date: Optional[dt.date] = Field(None, description="The date of the surgery already done")
    surgeries_performed: Optional[list[SurgeryDone]] = Field(
        None, description="Every surgery the record says was done, each with its region and day (when dated). "
        "clinical.surgery_performed and clinical.surgery_date are the latest of them (filled from the list when not "
        "given); therapy for a region follows the latest surgery on that region (request.postsurgical_procedure, "
        "request.in_postsurgical_period)")

    @model_validator(mode="before")
    @classmethod
    def _latest_from_the_list(cls, value: Any) -> Any:
        """A case that lists the surgeries done and names no single one has the latest of them as the one."""
        if not isinstance(value, dict) or not value.get("surgeries_performed") or "surgery_performed" in value:
            return value
        try:
            done = [s if isinstance(s, SurgeryDone) else SurgeryDone.model_validate(s)
                    for s in value["surgeries_performed"]]
        except (ValidationError, TypeError):
            return value  # the field's own validation reports it, with its location
        latest = latest_surgery(done)
        if latest is None:
            return value
        return {**value, "surgery_performed": latest.surgery,
                **({"surgery_date": latest.date} if latest.date is not None and "surgery_date" not in value else {})}

    @model_validator(mode="after")
    def _the_one_is_the_latest(self) -> "Clinical":
        if not self.surgeries_performed or self.surgery_performed is None:
            return self
        latest = latest_surgery(self.surgeries_performed)
        if latest is None:
            if self.surgery_performed not in {s.surgery for s in self.surgeries_performed}:
                raise ValueError(f"surgery_performed ({self.surgery_performed}) is one of surgeries_performed")
        elif (self.surgery_performed, self.surgery_date) != (latest.surgery, latest.date):
            raise ValueError(f"surgery_performed and surgery_date are the latest of surgeries_performed "
                             f"({latest.surgery}, {latest.date or 'undated'}), or are left out")
        return self
    surgery_extensive: Documented = Field(
        None, description="The surgery already done was an extensive procedure, with a recovery that may need "
        "post-operative opioids for up to three months (false: a less extensive one, two to three weeks); a clinical "
        "judgement the record must state, never inferred from the surgery's name"
    )
    pain_condition: Optional[
        Literal["myalgia_myositis", "neuralgia_neuritis_radiculitis", "crps", "arthritis", "other"]
    ] = Field(
        None,
        description="The condition physical medicine treats, in the CPMTG's visit-count groups: myalgia/myositis "
        "(strains, sprains, myofascial pain), neuralgia/neuritis/radiculitis, CRPS, arthritis, or other (e.g. a fracture)",
    )
    cognitive_behavioral_therapy: Documented = Field(
        None, description="Cognitive behavioral therapy is under way or was given (biofeedback is an adjunct to it)"
    )
    muscle_spasm: Documented = Field(None, description="Muscle spasm on examination (muscle relaxant indication)")
    prior_imaging: Documented = Field(
        None, description="Imaging (MRI, CT, x-ray) of the injured region was already done"
    )
    trigger_points_on_exam: Documented = Field(
        None, description="Circumscribed trigger points with a twitch response and referred pain on palpation"
    )
    nsaid_use: Documented = Field(
        None, description="Takes an oral NSAID (what a proton pump inhibitor or H2 blocker is given with)"
    )
    nsaid_dyspepsia: Documented = Field(
        None, description="Dyspepsia or other gastrointestinal symptoms attributed to NSAID use"
    )
    opioid_use: Documented = Field(
        None, description="Takes opioid medication or is starting it (urine drug testing is for these patients)"
    )
    opioid_misuse_risk: Optional[Literal["low", "moderate", "high"]] = Field(
        None, description="Risk of opioid misuse or addiction as assessed by the treating physician (sets how often to test urine)"
    )
    calcifying_tendinitis: Documented = Field(
        None, description="Calcifying (calcific) tendinitis of the shoulder: calcium deposits in the rotator cuff"
    )
    chronic_tendinopathy: Documented = Field(
        None, description="Chronic tendinopathy (tendinosis) of the treated region, e.g. patellar tendinosis"
    )
    failed_corticosteroid_injection: Documented = Field(
        None, description="A corticosteroid injection of the treated joint or region was given without adequate response"
    )
    insomnia: Documented = Field(None, description="Insomnia documented by history or examination (sleep aid indication)")
    depression: Documented = Field(None, description="Depression diagnosed (an antidepressant indication besides pain)")
    cervical_dystonia: Documented = Field(
        None, description="Cervical dystonia (spasmodic torticollis) is diagnosed (a botulinum toxin indication)"
    )
    vitamin_b12_deficiency: Documented = Field(
        None, description="A vitamin B12 deficiency is documented (a low B12 level, pernicious anemia, malabsorption)"
    )
    vitamin_d_deficiency: Documented = Field(
        None, description="A vitamin D deficiency is documented (a low vitamin D level)"
    )
    migraine: Documented = Field(None, description="Migraine headaches are diagnosed (a triptan indication)")
    sleep_disorder_signs: Documented = Field(
        None, description="Signs of a sleep disorder other than insomnia: excessive daytime somnolence, cataplexy, "
        "morning headache, sudden intellectual deterioration or personality change, or suspected sleep apnea, "
        "narcolepsy or periodic limb movement disorder (a polysomnography indication)"
    )
    insomnia_months: Optional[float] = Field(None, ge=0, le=600, description="How long the insomnia has lasted, in months")
    insomnia_failed_behavioral_treatment: Documented = Field(
        None, description="The insomnia did not respond to behavioral intervention (sleep hygiene, CBT for insomnia)"
    )
    insomnia_failed_medication: Documented = Field(
        None, description="The insomnia did not respond to sedative or sleep-promoting medication"
    )
    insomnia_psychiatric_cause_excluded: Documented = Field(
        None, description="A psychiatric cause of the insomnia has been excluded"
    )
    surgical_lesion_on_imaging: Documented = Field(
        None,
        description="Imaging (or, for nerve lesions, electrodiagnostic study) shows a lesion that surgery is known to "
        "help, consistent with the exam findings (e.g. a rotator cuff tear, a disc herniation compressing the "
        "symptomatic root); the official report counts, not only the requesting surgeon's reading",
    )
    activity_limitation: Documented = Field(
        None, description="The symptoms limit activities of daily living or work (not mild symptoms without limitation)"
    )
    home_exercise_failed: Documented = Field(
        None, description="A home exercise program, assessed and revised along the way, was tried and has not been effective"
    )
    diagnosis_uncertain: Documented = Field(
        None, description="The diagnosis is uncertain or complex (unclear cause, a differential still open)"
    )
    psychosocial_factors: Documented = Field(
        None, description="Psychosocial factors bear on the condition (anxiety, stress, fear-avoidance, depression)"
    )
    baseline_functional_testing: Documented = Field(
        None, description="A thorough evaluation with baseline functional testing (e.g. a functional capacity "
        "evaluation) was done, against which later gains can be measured (functional restoration entry)",
    )
    motivated_to_change: Documented = Field(
        None, description="The patient shows motivation to change and to take part (functional restoration entry)"
    )
    failed_tens_trial: Documented = Field(
        None, description="A trial of TENS was given and did not help enough (H-wave follows a failed TENS trial)"
    )
    chronic_soft_tissue_inflammation: Documented = Field(
        None, description="Chronic inflammation of a soft tissue: tendinitis, bursitis, tenosynovitis, epicondylitis "
        "(an H-wave indication)"
    )
    homebound: Documented = Field(
        None, description="The patient is homebound: leaving home takes a considerable and taxing effort, or is "
        "medically contraindicated (home health services are for such patients)"
    )
    hospital_stay_days: Optional[float] = Field(
        None, ge=0, le=365, description="Days of the hospital stay for major trauma or major surgery before the "
        "skilled nursing facility care requested (ODG: at least 3)"
    )
    days_since_hospital_discharge: Optional[float] = Field(
        None, ge=0, description="Days from that hospital discharge to the skilled nursing facility admission "
        "requested (ODG: within 30)"
    )
    failed_back_surgery_syndrome: Documented = Field(
        None, description="Failed back surgery syndrome (post-laminectomy syndrome): persistent pain after at least "
        "one back operation (a spinal cord stimulator indication)"
    )
    therapy_plateau: Documented = Field(
        None, description="An adequate course of physical or occupational therapy helped and then levelled off "
        "(a plateau), with no further gain expected from more of it (work conditioning entry)"
    )
    return_to_work_goal: Documented = Field(
        None, description="A defined return-to-work goal agreed by the employer and the worker: a specific job to go "
        "back to, or on-the-job training (work conditioning entry)"
    )
    reduced_weight_bearing_desirable: Documented = Field(
        None, description="Taking weight off the body or a limb is desirable for exercise: extreme (morbid) obesity, "
        "or weight bearing restricted or not tolerated (an aquatic therapy indication)"
    )
    acute_injury: Documented = Field(
        None, description="The lesion to be operated on is a recent traumatic injury (a fracture, a dislocation, an "
        "acute tear), so the guideline's acute criteria apply rather than those for chronic or degenerative "
        "conditions; not the original injury of a chronic claim. Also true for a request when a trauma of "
        "clinical.dated_traumas on its region is at most acute_injury_max_weeks (rules/facts.yaml) before it"
    )
    dated_traumas: Optional[list[DatedTrauma]] = Field(
        None, description="The traumas the record dates (a fall, a twisting injury, a blow, with its day), however long "
        "ago: the fact layer reads them as case.weeks_since_trauma and, within the acute phase, as an acute injury"
    )
    full_thickness_tear: Documented = Field(
        None, description="Imaging shows a full-thickness rotator cuff tear (false: a partial-thickness tear or "
        "tendinopathy)"
    )
    joint_instability: Documented = Field(
        None, description="Instability of the joint to be operated on: recurrent dislocation or subluxation of the "
        "shoulder, or a knee giving way from ligament incompetence, with the exam signs (apprehension, Lachman, "
        "pivot shift)"
    )
    mechanical_symptoms: Documented = Field(
        None, description="Knee symptoms beyond pain that point to a meniscal tear: locking, catching, popping, giving "
        "way, recurrent effusion"
    )
    adhesive_capsulitis: Documented = Field(
        None, description="Adhesive capsulitis (frozen shoulder) is diagnosed"
    )
    sacroiliac_positive_tests: Optional[int] = Field(
        None, ge=0, le=20, description="How many of the sacroiliac joint provocative tests ODG lists (FABER/Patrick's, "
        "Gaenslen's, thigh thrust, compression, distraction, ...) are positive on examination; 0 when the record "
        "reports them all negative"
    )
    symptom_duration_weeks: Optional[float] = Field(
        None, ge=0, le=5200, description="How long the symptoms have lasted at the request, in weeks, as the record "
        "states it (\"numbness for two years\", \"a 6-month history of neck pain\", \"pain since 2014\"): the longest "
        "stated; not a treatment's duration nor the relief it gave. Regional when its sentence names a body region"
    )
    shoulder_abduction_degrees: Optional[float] = Field(
        None, ge=0, le=180, description="Shoulder abduction on examination, in degrees"
    )
    acromioclavicular_joint_pathology: Documented = Field(
        None, description="The acromioclavicular joint is the pain source: tenderness over it or relief from an "
        "anesthetic injection into it, with post-traumatic or severe degenerative changes or a separation on imaging"
    )
    electrodiagnostic_confirmation: Documented = Field(
        None, description="Electrodiagnostic studies (nerve conduction studies) confirm the nerve entrapment to be "
        "released (e.g. carpal tunnel syndrome)"
    )
    spinal_instability: Documented = Field(
        None, description="Spinal instability or spondylolisthesis with motion at the segment to be fused, on "
        "flexion-extension imaging (a fusion indication)"
    )
    symptomatic_hernia: Documented = Field(
        None, description="A hernia that causes symptoms (pain, discomfort, limitation), not one found only on "
        "examination"
    )
    psychological_clearance: Documented = Field(
        None, description="A psychological evaluation before the procedure (e.g. a spinal cord stimulator trial) was "
        "done and found the patient a suitable candidate"
    )


Clinical = _with_declared_facts(Clinical, "clinical")  # type: ignore[misc]


class FunctionalImprovement(Strict):
    """8 CCR 9792.20(f): ADLs improved or work restrictions reduced, AND less dependence on treatment."""

    demonstrated: Documented = Field(
        None, description="Functional improvement as the MTUS defines it: stated, or a measured gain in a named function "
        "or activity, or a return to work the treatment made possible; derived from the parts when absent"
    )
    adl_improved: Documented = Field(None, description="Clinically significant improvement in activities of daily living")
    work_restrictions_reduced: Documented = None
    dependence_reduced: Documented = Field(None, description="Reduced dependence on continued medical treatment")


class TreatmentHistory(Strict):
    """What has already been done of the requested treatment."""

    prior_treatment: Documented = Field(None, description="The patient has had this treatment before")
    sessions_completed: Optional[int] = Field(None, ge=0, le=1000, description="Sessions or visits already completed")
    start_date: Optional[dt.date] = Field(None, description="When the treatment (e.g. a drug) was started")
    weeks_on_treatment: Optional[float] = Field(None, ge=0, le=2000, description="How long it has been taken, in weeks")
    functional_improvement: FunctionalImprovement = Field(default_factory=FunctionalImprovement)
    pain_relief_percent: Optional[float] = Field(
        None, ge=0, le=100, description="Pain relief from the earlier treatment (e.g. a prior injection), percent"
    )
    relief_weeks: Optional[float] = Field(None, ge=0, le=520, description="How long the earlier relief lasted, in weeks")
    weeks_since_last: Optional[float] = Field(
        None, ge=0, le=2000, description="Weeks since this treatment or test was last given (e.g. the last injection or drug test)"
    )


class OpioidMonitoring(Strict):
    """The '4 A's' and the rest of ongoing opioid management (CPMTG 2009 pp. 76-80, 94)."""

    analgesia: Documented = None
    activities_of_daily_living: Documented = None
    adverse_effects: Documented = Field(None, description="Side effects assessed and documented")
    aberrant_behavior: Documented = Field(None, description="Aberrant drug-taking behaviour assessed and documented")
    pain_assessment: Documented = Field(
        None, description="Current/least/average pain, pain after dose, time to relief, duration of relief"
    )
    urine_drug_screen: Documented = None
    cures_report: Documented = None
    opioid_agreement: Documented = None
    non_opioid_analgesics_failed: Documented = Field(
        None, description="Non-opioid analgesics were tried and failed or were not tolerated before opioids"
    )
    misuse_risk_screening: Documented = Field(
        None, description="The patient was screened for risk of opioid misuse/addiction or adverse events"
    )
    morphine_equivalent_dose_mg: Optional[float] = Field(None, ge=0, le=5000, description="Daily oral morphine equivalents")


class Drug(Strict):
    name: str = Field(description="As written, e.g. 'Flexeril' or 'Percocet 10/325mg'")
    strength: Optional[str] = Field(None, description="As written, e.g. '10/325mg'")
    quantity: Optional[int] = Field(None, ge=0, le=10000, description="Units dispensed (#60)")
    doses_per_day: Optional[float] = Field(None, ge=0.01, le=24, description="Doses a day (1/7 for weekly)")
    days_supply: Optional[int] = Field(
        None, ge=0, le=3650, description="Days the supply lasts (derived from quantity and doses_per_day when absent)"
    )
    route: Optional[Literal["oral", "topical", "transdermal", "injection", "other"]] = None
    dosage_form: Optional[
        Literal["tablet", "capsule", "liquid", "cream", "gel", "ointment", "lotion", "patch", "spray", "other"]
    ] = Field(None, description="As dispensed; tells a lidocaine patch from a lidocaine cream")
    is_compounded: Documented = Field(None, description="A compounded topical product")
    is_extended_release: Documented = Field(
        None, description="An extended-release (long-acting) product, by its name (ER, OxyContin); false when immediate release")
    ingredients: Optional[list[str]] = Field(None, description="Active ingredients of a compound, generic names")


class URDecision(Strict):
    decision: Literal["non_certified", "modified", "certified"]
    modified_to: Optional[int] = Field(
        None, ge=0, description="The quantity UR approved when it modified; the request's sessions are then the "
        "remaining portion, and the course total counts both"
    )
    date: Optional[dt.date] = None


class GuidelineCitation(Strict):
    """One guideline a decision was based on, as an IMR letter cites it."""

    source: str = Field(description="e.g. 'MTUS Chronic Pain Medical Treatment 2016', 'ODG'")
    is_mtus: bool
    topic: Optional[str] = Field(None, description="The chapter or topic, e.g. 'Muscle relaxants'")
    sections: list[str] = Field(default_factory=list, description="Section(s) as cited")
    pages: Optional[str] = Field(None, description="Page(s) as cited, e.g. '76-78, 88-89'")


class IMROutcome(Strict):
    """The reviewer's decision: compared with the prediction, never an input to it.

    The letter's own words (the item as named, the guidelines cited, the rationale) are outputs of
    the letter kept for audit, never facts the rules see.
    """

    outcome: Literal["upheld", "overturned"]
    guideline_cited: Optional[str] = None
    item: Optional[str] = Field(None, description="The disputed item as the letter names it")
    claims_administrator_guideline: Optional[str] = None
    citations: list[GuidelineCitation] = Field(default_factory=list, description="The reviewer's citations, parsed")
    rationale: Optional[str] = Field(None, description="The reviewer's decision rationale, as written")


class RequestPart(Strict):
    """One part of a request that names two or more regions or studies ("MRI of the lumbar spine and left wrist").

    Each part is judged as the request with this part's region and study in place of the request's, by the
    same topic's rules; the request as written is supported only if every part is."""

    text: Optional[str] = Field(None, description="The part in words, e.g. 'MRI of the left wrist'")
    body_region: Optional[BodyRegion] = Field(None, description="This part's region; absent: the request's")
    study: Optional[DiagnosticStudy] = Field(None, description="This part's study; absent: the request's")


class Request(Strict):
    id: Optional[str] = None
    text: str = Field(min_length=1, description="The request as written")
    topic: str = Field(description="The guideline topic (see `imr-check rules`)")
    body_region: Optional[BodyRegion] = None
    study: Optional[DiagnosticStudy] = Field(
        None, description="The diagnostic study requested: an imaging modality, or EMG, NCS or both"
    )
    modality: Optional[
        Literal["heat_cold", "ultrasound", "electrical_stimulation", "laser", "traction", "biofeedback", "kinesio_tape"]
    ] = Field(
        None,
        description="The passive modality requested: heat or cold (incl. infrared heat lamps, paraffin, fluidotherapy, "
        "whirlpool, contrast baths), therapeutic "
        "ultrasound, electrical stimulation in the clinic (EMS, e-stim), low-level or infrared laser, traction, "
        "biofeedback, or kinesiology taping (Kinesio tape); absent for any other (the rules then cannot decide it)",
    )
    injection_type: Optional[
        Literal[
            "epidural_steroid", "trigger_point", "platelet_rich_plasma", "facet_joint", "medial_branch_block",
            "facet_neurotomy", "epidural_adhesiolysis", "corticosteroid_joint_or_soft_tissue", "hyaluronic_acid",
            "botulinum_toxin", "ketorolac", "vitamin_b12", "sympathetic_block", "sacroiliac_joint", "prolotherapy",
            "occipital_nerve_block", "joint_aspiration",
        ]
    ] = Field(
        None,
        description="The injection requested: epidural steroid, trigger point, platelet-rich plasma, intra-articular "
        "facet joint, medial branch block, facet (radiofrequency) neurotomy, percutaneous epidural adhesiolysis "
        "(neuroplasty, incl. its neurolytic injection), or a corticosteroid and/or local anesthetic injection of a "
        "joint, bursa or soft tissue, a hyaluronic acid (viscosupplement) injection, a botulinum toxin (Botox) injection, an intramuscular ketorolac "
        "(Toradol) injection, a vitamin B12 injection, a sympathetic block (stellate ganglion, thoracic or lumbar "
        "sympathetic), a sacroiliac joint injection, prolotherapy (sclerosant injections), or an occipital nerve "
        "block, or the aspiration of a joint or bursa; absent for any other (the rules then cannot decide it)",
    )
    spinal_levels: Optional[int] = Field(
        None, ge=1, le=10, description="Spinal levels to be injected (nerve root levels, or facet joint levels)"
    )
    injection_approach: Optional[Literal["transforaminal", "interlaminar", "caudal"]] = Field(
        None, description="The route of an epidural steroid injection"
    )
    quantity: Optional[int] = Field(None, ge=0, le=10000)
    sessions: Optional[int] = Field(None, ge=0, le=1000, description="Visits or sessions requested")
    frequency_per_week: Optional[float] = Field(None, gt=0, le=21)
    duration_weeks: Optional[float] = Field(None, gt=0, le=520)
    drug: Optional[Drug] = None
    history: TreatmentHistory = Field(default_factory=TreatmentHistory)
    opioid_monitoring: OpioidMonitoring = Field(default_factory=OpioidMonitoring)
    associated_service: Optional[
        Literal[
            "preoperative_clearance", "preoperative_test", "assistant_surgeon", "post_operative_therapy",
            "post_operative_equipment", "post_operative_medication", "other",
        ]
    ] = Field(
        None,
        description="For a service tied to a surgery: pre-operative medical clearance, a pre-operative test (EKG, "
        "labs, chest x-ray), an assistant surgeon, post-operative physical or occupational therapy, post-operative "
        "equipment, post-operative medication, or other",
    )
    procedure: Optional[SurgeryRequested] = Field(
        None,
        description="The surgery requested, or for an associated service the surgery it belongs to: "
        + surgery_table().labels("requested"),
    )
    preoperative_tests: Optional[
        list[Literal["chest_x_ray", "cbc", "metabolic_panel", "coagulation_studies", "urinalysis", "ekg", "other"]]
    ] = Field(
        None,
        description="For a pre-operative test: which tests are requested (chest x-ray; complete blood count; a basic "
        "or comprehensive metabolic panel, electrolytes, creatinine or glucose; coagulation studies, PT/INR, PTT; "
        "urinalysis; EKG); a panel lists each",
    )
    laboratory_tests: Optional[
        list[Literal["cbc", "metabolic_panel", "liver_function", "renal_function", "coagulation_studies",
                     "urinalysis", "ekg", "testosterone", "genetic", "other"]]
    ] = Field(
        None,
        description="For a laboratory test outside a surgery: which tests are requested (complete blood count; "
        "a chemistry or metabolic panel; liver function; renal function; coagulation studies; urinalysis; EKG; "
        "a testosterone level; a genetic test, of opioid risk, drug metabolism or cytokines; other tests); a panel "
        "lists each",
    )
    equipment: Optional[
        Literal[
            "cold_therapy_unit", "cold_compression_unit", "hospital_bed", "hearing_aid", "brace", "sling", "mobility_scooter",
            "walking_aid", "disposable_supply", "continuous_passive_motion", "lumbar_support", "cervical_pillow",
            "toilet_equipment", "bathing_seat", "bone_growth_stimulator", "compression_garment", "foot_orthotic",
            "exercise_equipment", "home_modification", "general_use_item", "pain_pump", "other",
        ]
    ] = Field(
        None,
        description="The equipment requested: a cold (continuous-flow cryotherapy) unit, a unit combining cold and "
        "compression (e.g. Vascutherm, Game Ready), a hospital bed, a brace or splint, a sling, a scooter, a cane, "
        "walker or crutches, a disposable supply (gloves, wipes, pads, dressings), a continuous passive motion (CPM) "
        "machine, a lumbar support (a back brace, corset or lumbosacral orthosis), a cervical (neck support) pillow, "
        "toilet equipment (a commode, raised toilet seat or toilet rails), a bathing seat (shower chair, tub bench), "
        "a bone growth stimulator, a compression garment or pneumatic compression device, a foot orthotic (shoe "
        "insert, heel cup, orthopedic shoes), exercise equipment, a modification of the home (grab bars, ramp, stair "
        "lift), an item of general use that serves people who are not ill as well (a hot tub, sauna or home pool, "
        "an ergonomic chair, desk or keyboard), a pain pump infusing local anesthetic at an operative site, or other",
    )
    stimulator_types: Optional[list[Literal["tens", "interferential", "neuromuscular", "h_wave", "galvanic", "microcurrent",
                                            "percutaneous_electrical_nerve", "percutaneous_neuromodulation", "sympathetic",
                                            "scrambler", "other"]]] = Field(
        None,
        description="The kinds of stimulation a stimulator unit gives: TENS, interferential current, neuromuscular "
        "electrical stimulation (NMES, EMS), H-wave, galvanic, microcurrent (MENS), percutaneous electrical nerve "
        "stimulation (PENS), percutaneous neuromodulation (PNT), sympathetic therapy, Scrambler (Calmare) therapy; "
        "a combination unit lists each",
    )
    is_aquatic: Documented = Field(
        None, description="The therapy is exercise in water (aquatic or pool therapy), not land-based"
    )
    is_purchase: Documented = Field(
        None, description="The equipment is to be bought, rather than rented or tried"
    )
    is_trial: Documented = Field(
        None, description="The request is a trial of the treatment (e.g. a temporary spinal cord stimulator trial), "
        "not its permanent or full form"
    )
    home_health_services: Optional[list[Literal["medical", "homemaker", "personal_care"]]] = Field(
        None, description="What home health services are to give: medical treatment (skilled nursing, wound care, "
        "therapy, medication given by a nurse), homemaker services (shopping, cleaning, laundry, meals), personal care "
        "(bathing, dressing, toileting, by an aide or attendant); a request for several lists each"
    )
    hours_per_week: Optional[float] = Field(None, gt=0, le=168, description="Hours a week of a service given in hours (home health)")
    equipment_medical_need: Documented = Field(
        None, description="The record states the medical need the equipment meets: what it treats or the function it "
        "makes possible (e.g. no weight bearing on a leg for a knee scooter; for a hospital bed, positioning or "
        "attachments an ordinary bed cannot give, a bed-bound patient at risk of pressure sores, severe heart or lung "
        "disease), not convenience or access to a room"
    )
    exercise_equipment_needed: Documented = Field(
        None, description="The exercise prescribed needs equipment the patient does not have at home (gym membership)"
    )
    medically_supervised: Documented = Field(
        None, description="The exercise is monitored and administered by medical professionals, not self-directed"
    )
    consultant_specialty: Optional[Literal["surgical", "pain_management", "medication_management", "other"]] = Field(
        None, description="For a referral or consultation: a surgeon (orthopedic, spine, neurosurgical, hand), a pain "
        "management specialist, a consultation to manage the medications, or another specialty",
    )
    is_evaluation: Documented = Field(
        None, description="The request is an evaluation, not the treatment itself: for a program, the assessment for "
        "admission; for psychological care, a psychological evaluation rather than psychotherapy"
    )
    treatment_plan_with_goals: Documented = Field(
        None, description="A treatment plan with specific short- and long-term goals for the requested treatment is submitted"
    )
    associated_with: Optional[str] = Field(
        None, description="The id of the request (a surgery) this associated service belongs to"
    )
    parts: list[RequestPart] = Field(
        default_factory=list,
        description="For a request naming two or more regions or studies: each part, judged on its own by the "
        "topic's rules; the request is certified only if every part is, and modified when only some are",
    )
    ur: Optional[URDecision] = None
    imr: Optional[IMROutcome] = None

    @field_validator("parts")
    @classmethod
    def _two_parts_or_none(cls, value: list[RequestPart]) -> list[RequestPart]:
        if len(value) == 1:
            raise ValueError("a request with parts has two or more; one part is the request itself (give its "
                             "body_region and study on the request instead)")
        for index, part in enumerate(value):
            if part.body_region is None and part.study is None:
                raise ValueError(f"part {index + 1} gives neither a body_region nor a study: a part differs from "
                                 f"the request by at least one of them")
        return value

    @field_validator("topic")
    @classmethod
    def _known_topic(cls, value: str) -> str:
        known = topics()
        if value not in known:
            from .vocabulary import suggest

            raise ValueError(f"unknown topic {value!r}{suggest(value, tuple(known))} Known topics: {', '.join(sorted(known))}")
        return value


Request = _with_declared_facts(Request, "request")  # type: ignore[misc]


class Evidence(Strict):
    """Where a fact was read: the sentence and its character offset in the source text."""

    sentence: str
    offset: Optional[int] = Field(None, ge=0)
    source: Optional[str] = None


class Case(Strict):
    case: CaseInfo = Field(default_factory=CaseInfo)
    patient: Patient = Field(default_factory=Patient)
    diagnoses: list[str] = Field(default_factory=list)
    body_regions: list[BodyRegion] = Field(default_factory=list)
    clinical: Clinical = Field(default_factory=Clinical)
    regional_facts: dict[str, list[BodyRegion]] = Field(
        default_factory=dict,
        description="A clinical fact the record states for some body regions only (a knee surgery in view, a locked "
                    "knee, no surgery for the knee): its path and those regions. A request for another region does not "
                    "see the fact (not documented there); a fact not listed holds for every region",
    )
    requests: list[Request] = Field(min_length=1)
    not_documented: list[str] = Field(
        default_factory=list,
        description="Facts the letter states the record does not document ('there is no documentation of ...'), by "
        "path as in `evidence` (e.g. 'requests[0].history.functional_improvement.demonstrated', 'clinical.red_flags'). "
        "Such a fact has no value; a fact neither given nor listed here is one the letter says nothing about. Rules "
        "treat both as not documented; results tell them apart",
    )
    evidence: dict[str, list[Evidence]] = Field(
        default_factory=dict, description="Evidence per fact path, e.g. 'requests[0].history.sessions_completed'"
    )
    evidence_omitted: dict[str, int] = Field(
        default_factory=dict,
        description="Per fact path, how many further sentences also decided the fact but are not listed in "
        "`evidence` (the letter reader lists the first ones only); absent when every one is listed",
    )

    @model_validator(mode="after")
    def _unique_request_ids(self) -> "Case":
        ids = [r.id for r in self.requests if r.id]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"request ids must be unique: {', '.join(duplicates)}")
        known = {self.request_id(i) for i in range(len(self.requests))}
        for index, request in enumerate(self.requests):
            if request.associated_with is not None and request.associated_with not in known - {self.request_id(index)}:
                raise ValueError(
                    f"requests[{index}].associated_with names {request.associated_with!r}, which is not another "
                    f"request of this case (ids: {', '.join(sorted(known))})"
                )
        not_clinical = [path for path in self.regional_facts
                        if not path.startswith("clinical.") or not _is_case_path(self, path)]
        if not_clinical:
            raise ValueError(f"regional_facts is keyed by a clinical fact's path (e.g. 'clinical.red_flags'); unknown: "
                             f"{', '.join(not_clinical)}")
        unknown = [path for path in {**self.evidence, **self.evidence_omitted} if not _is_case_path(self, path)]
        if unknown:
            raise ValueError(
                f"evidence is keyed by the path of a field of this case (e.g. 'clinical.red_flags', "
                f"'requests[0].history.sessions_completed'); unknown: {', '.join(unknown)}"
            )
        negative = [path for path, count in self.evidence_omitted.items() if count < 1]
        if negative:
            raise ValueError(f"evidence_omitted counts the sentences left out, at least 1; got: {', '.join(negative)}")
        unknown = [path for path in self.not_documented if not _is_fact_path(self, path)]
        if unknown:
            raise ValueError(
                f"not_documented lists facts by the path of a field of this case (e.g. 'clinical.red_flags', "
                f"'requests[0].history.functional_improvement.demonstrated'); unknown: {', '.join(unknown)}"
            )
        both = [path for path in self.not_documented if _value_at(self, path) is not None]
        if both:
            raise ValueError(
                f"a fact listed under not_documented has no value (the letter says the record does not document it); "
                f"remove the value or the listing of: {', '.join(both)}"
            )
        repeated = sorted({path for path in self.not_documented if self.not_documented.count(path) > 1})
        if repeated:
            raise ValueError(f"not_documented lists a fact once; repeated: {', '.join(repeated)}")
        return self

    def stated_not_documented(self, index: int) -> frozenset[str]:
        """The fact paths (as rules name them: request.*, clinical.*, patient.*) the letter states are not
        documented, for request `index`."""
        # "No documentation of failed care for the neck" says nothing of the low back: a clinical fact stated not
        # documented for other regions than the request's is silent for it, as a value is (facts._scope_to_region).
        from .facts import concerns_region

        own = f"requests[{index}]."
        region = self.requests[index].body_region
        paths = set()
        for path in self.not_documented:
            if path.startswith(own):
                paths.add("request." + path[len(own):])
            elif path.startswith(("clinical.", "patient.")) and concerns_region(self.regional_facts.get(path), region):
                paths.add(path)
        return frozenset(paths)

    def value_at(self, path: str) -> Any:
        """The value of the fact at a case path ('clinical.red_flags', 'requests[0].sessions'); None when absent."""
        return _value_at(self, path)

    @property
    def has_outcomes(self) -> bool:
        return any(r.imr is not None for r in self.requests)

    def request_id(self, index: int) -> str:
        return self.requests[index].id or f"r{index + 1}"


_PATH_PART = re.compile(r"^([a-z_][a-z0-9_]*)(?:\[(\d+)\])?$")


def _is_case_path(case: "Case", path: str) -> bool:
    """Whether `path` (dotted, with [i] for list items) names a field of this case."""
    model: Any = Case
    value: Any = case
    for part in path.split("."):
        match = _PATH_PART.match(part)
        if match is None or not (isinstance(model, type) and issubclass(model, BaseModel)):
            return False
        name, index = match.group(1), match.group(2)
        if name not in model.model_fields:
            return False
        annotation = model.model_fields[name].annotation
        value = getattr(value, name, None)
        if index is not None:
            if not isinstance(value, list) or int(index) >= len(value):
                return False
            value = value[int(index)]
            annotation = typing.get_args(annotation)[0]
        # Optional[Model] -> Model, so the fields of an absent block can still be named.
        members = [a for a in typing.get_args(annotation) if a is not type(None)] or [annotation]
        model = members[0]
    return True


def _is_fact_path(case: "Case", path: str) -> bool:
    """Whether `path` names a fact a letter can state is not documented: a field of the patient, the clinical
    findings or a request, not a block of them."""
    if not path.startswith(("clinical.", "patient.", "requests[")) or not _is_case_path(case, path):
        return False
    return not isinstance(_value_at(case, path), BaseModel)


def _value_at(case: "Case", path: str) -> Any:
    value: Any = case
    for part in path.split("."):
        match = _PATH_PART.match(part)
        if match is None or value is None:
            return None
        value = getattr(value, match.group(1), None)
        if match.group(2) is not None:
            value = value[int(match.group(2))] if isinstance(value, list) and int(match.group(2)) < len(value) else None
    return value


def _validate(data: Any, source: str) -> Case:
    if data is None:
        raise InputError.single(source, "is empty: expected a case with at least 'requests:'")
    if not isinstance(data, dict):
        raise InputError.single(
            source, f"expected a mapping with keys such as case, clinical, requests; got {type(data).__name__}",
            getattr(data, "line", None),
        )
    keys = non_string_keys(data, source)
    if keys:
        raise InputError(keys)
    try:
        return Case.model_validate(data)
    except ValidationError as error:
        raise InputError(validation_problems(error, data, source, Case)) from None


def load_case(path: Path | str) -> Case:
    path = Path(path)
    return _validate(load_yaml_file(path), str(path))


def load_case_text(text: str, source: str = "<case>") -> Case:
    return _validate(load_yaml_text(text, source), source)

