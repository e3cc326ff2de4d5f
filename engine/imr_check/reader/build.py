"""From a parsed letter to a Case: the requests, the facts and the evidence for each."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from typing import Any

from pydantic import ValidationError

from ..case import Case
from ..errors import InputError
from ..vocabulary import fallback_topic, topic as topic_spec, topics_where
from . import clinical, duration, lexicon, surgical
from .citation import parse_citations
from ..phrases import joined
from ..surgeries import surgery_table
from .classify import (associated_service, body_regions, names_peri_operative_service, parse_request,
                       preoperative_tests, request_parts)
from .clinical import Facts
from .letter import Item, Letter
from .sentences import fact_sentences
from .text import Sentence, sentences

# "Repeat" in a dosing instruction ("may repeat dose in 4 hours") is not a repeated course.
_MORE = re.compile(r"\b(?:additional|continu\w*|more|further|another|extension|extended|repeat(?! (?:the )?dose\b|"
                   r" (?:in|after|every|once|if)\b)|renewal|refill|ongoing|remaining)\b", re.I)
# "First" in a dosing instruction ("after the first dose") is not a first course.
_FIRST = re.compile(r"\b(?:initial|first(?! (?:dose|tablet|pill|capsule|day)s?\b)|trial)\b", re.I)
# The refills a prescription allows ("#60 with 1 refill", "refills: 2") are part of the request, not a course continued.
_DISPENSED_REFILLS = re.compile(r"\b(?:with\s+)?(?:\d+|one|two|three|four|five|no)\s+refills?\b|\brefills?\s*[:x#]?\s*\d+",
                                re.I)


def build_case(letter: Letter) -> Case:
    try:
        return _build_case(letter)
    finally:
        clinical.forget_sentences()
        _ABOUT.clear()


# treatment pattern -> the summary sentences that name it: items of one kind share them (see clinical.Scope).
_ABOUT: dict[Any, list[Sentence]] = {}


def _about(treatment: Any, summary: list[Sentence]) -> list[Sentence]:
    if treatment is None:
        return []
    if treatment not in _ABOUT:
        _ABOUT[treatment] = [s for s in summary if treatment.search(s.text)]
    return _ABOUT[treatment]


def _build_case(letter: Letter) -> Case:
    source = letter.source
    summary_all = sentences(letter.text, letter.summary_span.start, letter.summary_span.end, "summary")
    summary = fact_sentences(summary_all, in_rationale=False)
    rationales = [
        fact_sentences(sentences(letter.text, item.rationale_span.start, item.rationale_span.end,
                                 f"item {item.number} rationale"), in_rationale=True)
        for item in letter.items
    ]
    headers = [Sentence(" ".join(item.header.split()), item.header_span.start, f"item {item.number} header")
               for item in letter.items]
    facts = Facts()

    parsed = [parse_request(item.original_request or item.name) for item in letter.items]
    # Case-wide facts: the reviewer's statements of fact in any rationale outrank the summary. A regional fact a
    # rationale states without naming a region is about that item's region.
    tiered = [(1, s) for s in summary] + [(2, s) for r in rationales for s in r]
    # Every statement of fact, the summary's then the rationales': what the readers of numbers and lists go through.
    everything = summary + [s for r in rationales for s in r]
    item_regions = {f"item {item.number} rationale": parsed[i].body_region for i, item in enumerate(letter.items)
                    if parsed[i].body_region}
    clinical.read_concepts(lexicon.case_concepts(), tiered, "", facts, item_regions)
    clinical.read_pain_and_work(everything, facts)
    clinical.read_patient(summary, facts)
    clinical.read_dates(summary_all, letter.dates, facts)
    diagnoses, diagnosis_evidence = clinical.read_diagnoses(summary)
    clinical.read_pain_condition(diagnoses, diagnosis_evidence, facts)
    clinical.read_medications_need_monitoring(tiered, facts)
    in_use = _in_use_facts()
    for drug_topic, path in in_use:
        clinical.read_class_use(drug_topic, path, tiered, facts)
    _monitored_class_in_use(in_use, facts)
    clinical.read_nsaid_dyspepsia(tiered, facts)
    clinical.read_opioid_misuse_risk(tiered, facts)
    clinical.read_first_line_neuropathic_trial(tiered, facts)
    clinical.read_surgery_performed(tiered, facts)

    surgeries = [i for i, p in enumerate(parsed) if topic_spec(p.topic).operation]
    _region_of_procedure(parsed, surgeries)
    associated = _associated_services(letter, parsed, surgeries, rationales)
    # A surgery requested in this letter is a surgery in view, and a surgery or an injection an invasive procedure
    # planned: for the region it is requested for.
    _requested_for_region("clinical.surgery_considered", surgeries, parsed, headers, facts)
    if surgeries:
        # The surgical facts that are numbers or lists (the yes/no findings are lexicon groups).
        surgical.read_body_mass_index(everything, facts)
        surgical.read_shoulder_abduction(everything, facts)
        surgical.read_comorbidities(everything, facts)
    if any(p.injection_type == "sacroiliac_joint" for p in parsed):
        # ODG's sacroiliac block criteria count the positive provocative tests; nothing else reads them.
        clinical.read_sacroiliac_positive_tests(everything, facts)
    procedures = [i for i, p in enumerate(parsed) if topic_spec(p.topic).invasive_procedure]
    _requested_for_region("clinical.invasive_procedure_planned", procedures, parsed, headers, facts)
    ur_statements = clinical.read_ur_statements(summary_all)
    # A drug of the class requested in this letter is taken or being started (the fact's own definition), unless
    # the record says otherwise.
    for drug_class, path in reversed(in_use):
        asked = [i for i, p in enumerate(parsed) if p.topic == drug_class and p.drug is not None
                 and p.drug.route in (None, "oral")]
        if asked and path not in facts.values:
            facts.put(path, True, [headers[asked[0]]])

    info: dict[str, Any] = {"id": letter.case_number, "source": source}
    for name, day in letter.dates.items():
        info[name] = day
        span = letter.date_spans[name]
        facts.put(f"case.{name}", day, [Sentence(span.of(letter.text).replace("\n", " "), span.start, "header")])
    for name in ("injury_date", "ur_decision_date", "request_date"):
        if f"case.{name}" in facts.values and name not in info:
            info[name] = facts.values[f"case.{name}"]
    _drop_impossible_dates(info, facts)
    if letter.priority:
        info["priority"] = letter.priority
    if letter.specialty or letter.licensure_states:
        info["reviewer"] = {"specialty": letter.specialty, "licensure_states": letter.licensure_states}
    on_date = info.get("request_date") or info.get("ur_decision_date")
    # The symptoms' duration at the request: a "since 2014" is counted to the date the facts are judged on.
    duration.read_symptom_duration(everything, on_date, facts)

    _read_case_facts_for_requests(letter, parsed, rationales, summary, associated, facts)

    requests = []
    for index, item in enumerate(letter.items):
        prefix = f"requests[{index}]."
        spec, request_parsed = topic_spec(parsed[index].topic), parsed[index]
        if not spec.drug and not spec.treatment.sessions_completed and request_parsed.sessions is None and \
                request_parsed.hours_per_week is None:
            # A statement that this service was authorized before is a statement about the record that the
            # blind filter drops with the decisions it resembles: read from all the sentences, and checked
            # there (clinical.read_already_authorized) not to be a conclusion or a utilization reviewer's reason.
            rationale_all = sentences(letter.text, item.rationale_span.start, item.rationale_span.end,
                                      f"item {item.number} rationale")
            clinical.read_already_authorized(request_parsed.topic, request_parsed.study, request_parsed.body_region,
                                             rationale_all, summary_all, facts, prefix)
        request = _request(letter, item, parsed[index], index, headers[index], rationales[index], summary,
                           facts, prefix, on_date, associated.get(index))
        # Read before _request, which copies only the facts it adds itself.
        if prefix + "already_authorized" in facts.values:
            request["already_authorized"] = facts.values[prefix + "already_authorized"]
        requests.append(request)
    _place_ur_statements(ur_statements, parsed, requests, letter, facts)

    regions: list[str] = []
    for request in requests:
        region = request.get("body_region")
        if region and region not in ("multiple", "other") and region not in regions:
            regions.append(region)
    for region in body_regions(" ".join(diagnoses)):
        if region not in regions:
            regions.append(region)
    # A generic limb is the joint the case names in it; two or more regions (or studies) are read as parts.
    for index, request in enumerate(requests):
        named, parts = request_parts(request["text"], parsed[index], regions)
        if parts:
            request["parts"] = parts
        elif len(named) == 1 and request.get("body_region") not in (None, named[0]):
            request["body_region"] = named[0]
            facts.evidence[f"requests[{index}].body_region"] = diagnosis_evidence or facts.evidence.get(
                f"requests[{index}].text", [])
    # A request that names no body part treats the injured region, when the case documents only one.
    if len(regions) == 1:
        for index, request in enumerate(requests):
            if "body_region" not in request and topic_spec(request["topic"]).rules_by_body_region:
                request["body_region"] = regions[0]
                facts.evidence[f"requests[{index}].body_region"] = diagnosis_evidence or facts.evidence.get(
                    f"requests[{index}].text", [])

    document: dict[str, Any] = {
        "case": _without_none(info),
        "patient": {},
        "diagnoses": diagnoses,
        "body_regions": regions,
        "clinical": {},
        "requests": requests,
    }
    if diagnosis_evidence:
        facts.evidence["diagnoses"] = diagnosis_evidence
    for path, value in facts.values.items():
        if path.startswith(("clinical.", "patient.")) and value is not clinical.STATED_NOT_DOCUMENTED:
            _set(document, path, value)
    # "There is no documentation of X": no value, listed apart from the facts the letter says nothing about. A
    # fact another reading gave a value (the request's own words) is documented, so it is not listed.
    stated = [path for path, value in facts.values.items()
              if value is clinical.STATED_NOT_DOCUMENTED and _value_at(document, path) is None]
    if stated:
        document["not_documented"] = stated
    document["regional_facts"] = {path: regions for path, regions in facts.regions.items() if path in facts.values}
    document["evidence"] = {
        path: [{"sentence": s.text, "offset": s.start, "source": f"{source}#{s.section.replace(' ', '-')}"}
               for s in found]
        for path, found in facts.evidence.items()
        if found
    }
    omitted = {path: count for path, count in facts.omitted.items() if path in document["evidence"]}
    if omitted:
        document["evidence_omitted"] = omitted
    return _validated(document, source)


def _requested_for_region(path: str, requested: list[int], parsed: list[Any], headers: list[Sentence],
                          facts: Facts) -> None:
    """The fact true for the regions of the items that request it, besides those the record already gives it.

    An item that names no region (or several) is for every region. A record that states the fact without a region
    ("surgery is planned") in a letter requesting it for a region speaks of what is requested: of its region, and of
    any region the sentences behind it name, not of another item's region.
    """
    if not requested:
        return
    regions = [parsed[i].body_region for i in requested]
    if any(r in (None, "multiple", "other") for r in regions):
        found: list[str] = []
    elif facts.values.get(path) is True and path not in facts.regions:
        named = {r for sentence in facts.evidence.get(path, []) for r in body_regions(sentence.text)
                 if r not in ("multiple", "other")}
        found = sorted(named | set(regions))
    else:
        known = facts.regions.get(path, []) if facts.values.get(path) is True else []
        found = sorted(set(known) | set(regions))
    facts.put(path, True, [headers[requested[0]]], found)


def _read_case_facts_for_requests(letter: Letter, parsed: list[Any], rationales: list[list[Sentence]],
                                  summary: list[Sentence], associated: dict[int, int], facts: Facts) -> None:
    """The case facts read for requests of some topics (the lexicon's case groups with topics, a dated trauma): once for
    the case, in the rationales of every item of those topics and the whole summary.

    Read request by request onto the one case fact, the last item read decided it for every item (a wrist surgery's
    rationale replaced a knee surgery's acute tear). Merging the requests' readings would need a second resolve with
    less to go on (each had dropped its tier and counts, and made a rationale's mention naming no region hold
    everywhere); pooling the findings and resolving once is the case group's rule (clinical.read_concepts): a
    rationale's statement outranks the summary, the majority of the highest tier decides whatever the items' order, and
    a regional finding keeps its regions, one naming none in a rationale being for its item's region.
    """
    sections = {}
    for index, item in enumerate(letter.items):
        region = parsed[index].body_region
        if region is None and index in associated:
            # A service tied to a surgery that names no region of its own is for the region operated on.
            region = parsed[associated[index]].body_region
        if region:
            sections[f"item {item.number} rationale"] = region
    readings = []
    dated_injury_items: set[int] = set()
    for group in lexicon.case_groups_for_requests():
        served = [i for i, p in enumerate(parsed) if group.spec.serves(p.topic)]
        if not served:
            continue
        rationale_sentences = [(2, s) for i in served for s in rationales[i]]
        readings.append((list(group.concepts), [(1, s) for s in summary] + rationale_sentences))
        if any(c.path == "clinical.acute_injury" for c in group.concepts):
            dated_injury_items.update(served)
    clinical.read_concept_lists(readings, facts, sections)
    if dated_injury_items:
        # A dated trauma is an acute injury when it is recent: the fact layer compares its date with the request's
        # (facts.py), which the lexicon's phrases cannot.
        surgical.read_dated_traumas([s for i in sorted(dated_injury_items) for s in rationales[i]] + summary, facts,
                                    sections)


def _monitored_class_in_use(in_use: list[tuple[str, str]], facts: Any) -> None:
    """A drug of a monitored class being taken (its topic's in-use fact: "on chronic opioid treatment", a refill
    of Norco) is medication that needs monitoring, however the record words it (ODG Office visits names opioids).
    A record that states no medication is taken keeps its answer."""
    path = "clinical.medications_need_monitoring"
    for drug_topic, in_use_path in in_use:
        if (topic_spec(drug_topic).monitored_medication and facts.values.get(in_use_path) is True
                and facts.values.get(path) in (None, clinical.STATED_NOT_DOCUMENTED)):
            facts.put(path, True, facts.evidence.get(in_use_path, []))


def _in_use_facts() -> list[tuple[str, str]]:
    """(drug topic, the case fact that a drug of it is taken), in a fixed order so facts are read the same way each run."""
    found = [(t, topic_spec(t).in_use_fact) for t in topics_where("in_use_fact")]
    return sorted(found, key=lambda pair: pair[1] or "")


def _region_of_procedure(parsed: list[Any], surgeries: list[int]) -> None:
    """A surgery's body region is its procedure's when the request names none ("de Quervain release"): the
    procedure says where it operates. A request naming several regions keeps them (it may operate on both)."""
    regions = surgery_table().regions()
    for index in surgeries:
        region = regions.get(parsed[index].procedure or "")
        if region is not None and parsed[index].body_region is None:
            parsed[index].body_region = region
            parsed[index].regions = [region]


def _regions_operated(surgery: Any) -> set[str]:
    """The regions a surgery request operates on: those it names, and its procedure's."""
    named = set(surgery.regions or ([surgery.body_region] if surgery.body_region else []))
    procedure_region = surgery_table().regions().get(surgery.procedure or "")
    return named | ({procedure_region} if procedure_region else set())


# What an item's own words say of its place in an operation: after it (post-operative use), or before it.
_AFTER_SURGERY = re.compile(r"\bpost-?op(?:erative(?:ly)?)?\b|\bpost-?surgical(?:ly)?\b|\b(?:after|following|status post|"
                            r"s/p) (?:the |this |his |her |a )?(?:\w+ ){0,3}(?:surgery|procedure|operation|repair|release|"
                            r"arthroscopy|arthroplasty|replacement|fusion|reconstruction)\b", re.I)
# The reviewer judged the item under the MTUS Postsurgical Treatment Guidelines: therapy that follows an operation.
_CLEARANCE = re.compile(r"\bclearance\b", re.I)
_HOSPITAL_STAY = re.compile(r"\binpatient (?:hospital )?(?:stay|admission|days?)|\bhospital (?:stay|admission|days?)|"
                            r"length of (?:hospital )?stay|admission to (?:the )?hospital", re.I)
_POSTSURGICAL_GUIDELINE = re.compile(r"post-?surgical", re.I)
# Equipment that only an operation calls for (ODG: cold therapy units and CPM are post-operative; a sling
# immobilises after shoulder surgery); a brace or walker serves an operation only when its item says so.
_OPERATIVE_EQUIPMENT = {"cold_therapy_unit", "cold_compression_unit", "continuous_passive_motion", "sling"}


def _associated_services(letter: Letter, parsed: list[Any], surgeries: list[int],
                         rationales: list[list[Sentence]]) -> dict[int, int]:
    """Item index -> the surgery item it belongs to: the nearest surgery named before it (else the first after).

    A service belongs to a surgery when the letter files it as an "Associated surgical service", when the
    service itself is one that only an operation has (pre-operative, post-operative, an assistant surgeon), or
    when, unnamed as such, it serves the surgery by what it is (`_serves_the_surgery`).
    Post-operative therapy is read under the post-surgical topic (rules/surgical_associated_service.yaml).
    """
    found: dict[int, int] = {}
    if not surgeries:
        return found
    for index, item in enumerate(letter.items):
        if index in surgeries:
            continue
        # surgeries is in item order: the last one before this item; with none before, the last of all (as the list
        # of those before, falling back to every surgery, always gave).
        surgery = surgeries[bisect.bisect_left(surgeries, index) - 1] if surgeries[0] < index else surgeries[-1]
        if not (item.is_associated_service or names_peri_operative_service(item.name)
                or _serves_the_surgery(item, parsed[index], parsed[surgery], rationales[index])):
            continue
        found[index] = surgery
        service = associated_service(item.original_request or item.name, parsed[index].topic)
        # Therapy and a test tied to a surgery are the surgery's (its post-operative course, its pre-operative
        # testing), whatever topic their words alone would have: a CBC before a fusion is not NSAID monitoring.
        if service in ("post_operative_therapy", "preoperative_test") and \
                parsed[index].topic != "surgical_associated_service":
            parsed[index] = parse_request(item.original_request or item.name, "surgical_associated_service")
        parsed[index].associated_service = service
        parsed[index].procedure = parsed[surgery].procedure
        if service == "preoperative_test":
            parsed[index].preoperative_tests = preoperative_tests(item.original_request or item.name)
    return found


def _serves_the_surgery(item: Item, parsed: Any, surgery: Any, rationale: list[Sentence]) -> bool:
    """An item that serves the letter's surgery though its name does not say pre-op or post-op.

    By what it is: a pre-operative test or clearance (a chest x-ray, EKG or labs in a surgical letter); an
    assistant surgeon; equipment only an operation calls for (a sling, a cold therapy unit, CPM). By what its own
    words say: therapy, other equipment, a drug or home health care whose request or rationale speaks of use after
    the operation, or therapy the reviewer judged under the Postsurgical guidelines. Never an item on another body region than
    the surgery's (a lumbar MRI in a knee-surgery letter is not peri-operative), nor a study or a drug merely
    disputed beside a surgery.
    """
    text = item.original_request or item.name
    topic = parsed.topic
    # A pre-operative test names the body part it images (a chest x-ray), not the one operated on.
    if topic == "surgical_associated_service" or _CLEARANCE.search(text):
        return True
    # Labs, an EKG or a chest x-ray disputed in a surgical letter are its pre-operative tests (a test outside
    # a surgery is judged as a laboratory test or a study of its own).
    if topic == "laboratory_test" or (topic == "imaging" and parsed.body_region == "chest"
                                      and parsed.study == "x_ray"):
        return True
    region = parsed.body_region
    operated = _regions_operated(surgery)
    if region is not None and operated and region not in operated:
        return False
    if topic == "durable_medical_equipment" and parsed.equipment in _OPERATIVE_EQUIPMENT:
        return True
    said_after = bool(_AFTER_SURGERY.search(text)) or any(_AFTER_SURGERY.search(s.text) for s in rationale)
    if topic in ("physical_therapy", "durable_medical_equipment", "tens"):
        return said_after or bool(_POSTSURGICAL_GUIDELINE.search(item.maximus_guideline or ""))
    if topic_spec(topic).drug:
        return said_after
    # A hospital stay in a surgical letter is the operation's (its days in hospital); another level of care, or
    # home health care, serves it when its words say it is for after the operation.
    if topic == "level_of_care" and _HOSPITAL_STAY.search(text):
        return True
    if topic in ("level_of_care", "skilled_nursing_facility"):
        return said_after
    # Home nursing for the wound after the operation serves it (CPMTG: home health after surgery is judged once the
    # surgery is supported, as care for a patient homebound by it).
    if topic == "home_health":
        return said_after
    return False


def _request(letter: Letter, item: Item, parsed: Any, index: int, header: Sentence, rationale: list[Sentence],
             summary: list[Sentence], facts: Facts, prefix: str, on_date: dt.date | None,
             surgery: int | None) -> dict[str, Any]:
    text = item.original_request or item.name
    request: dict[str, Any] = {"id": f"item{item.number}", "text": text, "topic": parsed.topic}
    for name in ("body_region", "study", "modality", "injection_type", "injection_approach", "spinal_levels",
                 "procedure", "stimulator_types", "is_purchase", "equipment", "associated_service", "quantity",
                 "sessions", "frequency_per_week", "duration_weeks", "consultant_specialty", "is_evaluation",
                 "home_health_services", "hours_per_week", "is_trial", "is_aquatic", "laboratory_tests",
                 "preoperative_tests"):
        value = getattr(parsed, name)
        if value is not None:
            request[name] = value
    if parsed.drug is not None:
        request["drug"] = _without_none(vars(parsed.drug))
    facts.evidence[prefix + "text"] = [header]
    if item.original_request and parsed.sessions is not None:
        _remaining_portion(item, parsed, request)
    if item.original_request and parsed.study is not None:
        # UR authorized part of a combined study ("EMG/NCS", NCS authorized): the rest is under review.
        remaining_study = parse_request(item.name, parsed.topic).study
        if remaining_study is not None:
            request["study"] = remaining_study
    if surgery is not None:
        request["associated_with"] = f"item{letter.items[surgery].number}"

    treatment = clinical.treatment_pattern(parsed.topic, text)
    first_added = len(facts.added)
    # The item's own rationale, with the summary's sentences about the treatment or the whole summary.
    scoped = clinical.Scope(rationale, _about(treatment, summary), ("treatment", treatment))
    whole = clinical.Scope(rationale, summary, "summary")
    if treatment is not None:
        is_drug = topic_spec(parsed.topic).drug
        class_use = clinical.class_use_pattern(parsed.topic) if is_drug else None
        # The summary's sentences about the class taken ("on chronic opioid treatment") are about this drug's history.
        history = scoped if class_use is None else clinical.Scope(
            rationale, scoped.summary + [s for s in summary if class_use.search(s.text) and not treatment.search(s.text)],
            ("treatment", treatment, class_use))
        clinical.read_prior_treatment(treatment, history, facts, prefix, class_use, drug=is_drug)
        clinical.read_sessions_completed(parsed.topic, treatment, scoped, facts, prefix)
        if is_drug:
            clinical.read_drug_history(treatment, history, facts, prefix, on_date, class_use)
        if prefix + "history.sessions_completed" not in facts.values:
            clinical.read_absent_from_treatment_list(parsed.topic, treatment, summary, facts, prefix)
    # The request's own words: "additional" or "continued" treatment has been given before; "initial" has not.
    if _MORE.search(_DISPENSED_REFILLS.sub("", text)) or _MORE.search(_DISPENSED_REFILLS.sub("", item.name)):
        facts.put(prefix + "history.prior_treatment", True, [header])
    elif _FIRST.search(text):
        facts.put(prefix + "history.prior_treatment", False, [header])
    if treatment is not None and topic_spec(parsed.topic).drug:
        # Last, and only when nothing else told: a drug the list of current medications leaves out is a new start.
        clinical.read_absent_from_medication_list(treatment, parsed.topic, summary, facts, prefix)
        clinical.read_unrecorded_medication_history(whole, facts, prefix)
    # The lexicon's groups of the request's own facts for this topic (reader/lexicon/concepts.yaml): in the item's own
    # rationale, and in the summary's sentences about the treatment or the whole summary. The case facts read for
    # requests are read once for the case (_read_case_facts_for_requests).
    for group in lexicon.request_groups(parsed.topic):
        group_scope = scoped if group.spec.sentences == "treatment" else whole
        if group.spec.other_treatments is not None and treatment is not None:
            # A response is the treatment's it follows from (functional improvement: clinical.attributed_scope).
            others = clinical.treatments_pattern(joined(group.spec.other_treatments))
            cut = clinical.cut_pattern(joined(group.spec.cut_words)) if group.spec.cut_words else None
            cut_after = clinical.cut_after_pattern(joined(group.spec.cut_words)) if group.spec.cut_words else None
            group_scope = clinical.attributed_scope(scoped, treatment, others, summary, cut, cut_after)
        clinical.read_concepts_in_scope(list(group.concepts), group_scope, prefix, facts)
    clinical.read_numbers(scoped, facts, prefix, parsed.topic, treatment)
    if topic_spec(parsed.topic).treatment.prior_study and parsed.study and parsed.body_region and \
            prefix + "history.prior_treatment" not in facts.values:
        clinical.read_prior_study(parsed.study, parsed.body_region, whole, facts, prefix)
    # Only this request's facts, in the order they were first read (walking every fact made it quadratic).
    for path in facts.added[first_added:]:
        if path.startswith(prefix) and facts.values[path] is not clinical.STATED_NOT_DOCUMENTED:
            _set(request, path[len(prefix):], facts.values[path])

    if item.original_request:
        ur: dict[str, Any] = {"decision": "modified"}
        authorized = parse_request(item.authorized, parsed.topic) if item.authorized else None
        count = None
        if authorized is not None:
            count = authorized.drug.quantity if authorized.drug else authorized.sessions or authorized.quantity
        if count is not None:
            ur["modified_to"] = count
        if letter.dates.get("ur_decision_date"):
            ur["date"] = letter.dates["ur_decision_date"]
        request["ur"] = ur
    request["imr"] = {
        "outcome": item.outcome,
        "guideline_cited": item.maximus_guideline or None,
        "item": item.header,
        "claims_administrator_guideline": item.claims_administrator_guideline or None,
        "citations": parse_citations(item.maximus_guideline),
        "rationale": letter.rationale(item),
    }
    return request


def _remaining_portion(item: Item, parsed: Any, request: dict[str, Any]) -> None:
    """The sessions under review when UR authorized part of the request: the remaining portion, as the header names it.

    The authorized visits are recorded as the UR decision's modified_to, and the course total counts both
    (imr_check.facts); the original request's frequency and duration describe the whole, so they give way to the
    remaining portion's own, or to none.
    """
    remaining = parse_request(item.name, parsed.topic)
    authorized = parse_request(item.authorized, parsed.topic) if item.authorized else None
    count = remaining.sessions
    if count is None and authorized is not None and authorized.sessions is not None:
        count = parsed.sessions - authorized.sessions if parsed.sessions > authorized.sessions else None
    if count is None:
        return
    request["sessions"] = count
    for name in ("frequency_per_week", "duration_weeks"):
        request.pop(name, None)
        if getattr(remaining, name) is not None:
            request[name] = getattr(remaining, name)


def _place_ur_statements(statements: list[clinical.URStatement], parsed: list[Any], requests: list[dict[str, Any]],
                         letter: Letter, facts: Facts) -> None:
    """Put the summary's 'UR non-certified the request for X' on the one request it names.

    Placed only when safe: the statement names a request whose topic (and study and body region, when both
    sides give them) matches exactly one item without a UR decision from its header, or it names nothing
    and the letter has a single item. A request given two different decisions keeps none.
    """
    placed: dict[int, tuple[dict[str, Any], Sentence]] = {}
    conflicted: set[int] = set()
    # topic -> (study, body region) -> the items of them, in order: a statement is matched against the kinds of
    # item, not every item (a summary of many statements in a letter of many items was quadratic).
    kinds: dict[str, dict[tuple[Any, Any], list[int]]] = {}
    for i, p in enumerate(parsed):
        kinds.setdefault(p.topic, {}).setdefault((p.study, p.body_region), []).append(i)
    for statement in statements:
        if statement.object_text:
            named = parse_request(statement.object_text)
            if named.topic == fallback_topic():
                continue
            # Two matches are enough to know the statement is not safe to place.
            matches = sorted(i for (study, region), indices in kinds.get(named.topic, {}).items()
                             if (not named.study or not study or named.study == study)
                             and (not named.body_region or not region or named.body_region == region)
                             for i in indices[:2])[:2]
        else:
            matches = [0] if len(parsed) == 1 else []
        if len(matches) != 1 or "ur" in requests[matches[0]]:
            continue
        index = matches[0]
        ur: dict[str, Any] = {"decision": statement.decision}
        if statement.modified_to is not None and _is_remaining_portion(named if statement.object_text else None,
                                                                        requests[index], statement.modified_to):
            ur["modified_to"] = statement.modified_to
        if index in placed and placed[index][0] != ur:
            conflicted.add(index)
        placed.setdefault(index, (ur, statement.sentence))
    for index, (ur, sentence) in placed.items():
        if index in conflicted:
            continue
        if letter.dates.get("ur_decision_date"):
            ur["date"] = letter.dates["ur_decision_date"]
        requests[index]["ur"] = ur
        facts.evidence[f"requests[{index}].ur"] = [sentence]


def _is_remaining_portion(named: Any, request: dict[str, Any], authorized: int) -> bool:
    """Whether the item under review is what is left after UR's authorized part, so the two add up to the course.

    A drug's quantity is recorded as it stands. For visits, the item must be the original count (as the summary
    names it) less the authorized visits; an item that is the whole original request already holds them.
    """
    sessions = request.get("sessions")
    if sessions is None or "drug" in request:
        return True
    original = named.sessions if named is not None else None
    return original is not None and original - authorized == sessions


def _drop_impossible_dates(info: dict[str, Any], facts: Facts) -> None:
    injury = info.get("injury_date")
    for name in ("request_date", "ur_decision_date"):
        day = info.get(name)
        if day is not None and injury is not None and day < injury:
            del info[name]
            facts.values.pop(f"case.{name}", None)
            facts.evidence.pop(f"case.{name}", None)


def _set(into: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        into = into.setdefault(part, {})
    into[parts[-1]] = value


def _value_at(document: dict[str, Any], path: str) -> Any:
    """The value at a case path ('clinical.red_flags', 'requests[0].history.prior_treatment') of a document."""
    node: Any = document
    for part in path.split("."):
        name, _, index = part.partition("[")
        node = node.get(name) if isinstance(node, dict) else None
        if index:
            number = int(index.rstrip("]"))
            node = node[number] if isinstance(node, list) and number < len(node) else None
        if node is None:
            return None
    return node


def _without_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _validated(document: dict[str, Any], source: str) -> Case:
    """The case; a value the model rejects is dropped (with its evidence) rather than failing the letter."""
    for _ in range(20):
        try:
            return Case.model_validate(document)
        except ValidationError as error:
            removed = False
            for problem in error.errors():
                location = [p for p in problem["loc"] if not isinstance(p, str) or not p.startswith(("function-", "literal"))]
                if _remove(document, location):
                    removed = True
            if not removed:
                raise InputError.single(source, f"could not be turned into a case: {error}") from None
    raise InputError.single(source, "could not be turned into a case")


def _remove(document: dict[str, Any], location: list[Any]) -> bool:
    if not location or location[0] in ("requests", "evidence") and len(location) < 3:
        return False
    node: Any = document
    for key in location[:-1]:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return False
    key = location[-1]
    try:
        del node[key]
    except (KeyError, IndexError, TypeError):
        return False
    path = ".".join(f"requests[{p}]" if i == 1 and location[0] == "requests" else str(p)
                    for i, p in enumerate(location)).replace("requests.requests", "requests")
    document.get("evidence", {}).pop(path, None)
    document.get("evidence_omitted", {}).pop(path, None)
    return True
