"""A disputed item's topic and its parts: quantity, sessions, frequency, duration, drug, body region.

Topics and the phrases that name them are in rules/topics.yaml; of the entries whose phrases a request
contains, the highest priority wins. Drugs are found through the drug lexicon (rules/drugs.yaml), whose
classes name their topic. Anything else is the fallback topic (`other`: undetermined). What else a
topic's request is read for (its `parts`) is declared with the topic; PART_READERS holds the readers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, Callable, Optional

from .lexicon import WORD_NUMBERS, NamedKinds, number, words_pattern
from ..surgeries import surgery_table
from ..vocabulary import (LIMB_JOINTS, drug_class_topics, drug_mentions, drug_names_in, fallback_topic, lookup_drug, topic as topic_spec, topics,
                          topics_where)

@cache
def _recognisers() -> list[tuple[int, str, re.Pattern[str]]]:
    """Every topic's recognition entries (rules/topics.yaml), highest priority first."""
    entries = [(entry.priority, topic_id, re.compile(entry.pattern, re.I))
               for topic_id, spec in topics().items() for entry in spec.recognise]
    return sorted(entries, key=lambda e: -e[0])


# The named kinds a request text is read for (body regions, studies, injection types, equipment, ...) are data:
# reader/lexicon/requests.yaml, each list in the order the code below applies it.
_REGION_RE = NamedKinds("body_regions")
_NERVE_ROOTS = NamedKinds("nerve_roots")

_NUM = r"(\d+(?:\.\d+)?|" + words_pattern(WORD_NUMBERS) + r")"
_RANGE = _NUM + r"(?:\s*(?:-|to|or)\s*" + _NUM + r")?"


def _upper(match: re.Match[str], first: int = 1) -> Optional[float]:
    """The upper end of a range ('2-3 times a week' -> 3): the request as written allows that many."""
    low, high = number(match.group(first)), number(match.group(first + 1))
    return high if high is not None else low


@dataclass
class ParsedDrug:
    name: str
    strength: Optional[str] = None
    quantity: Optional[int] = None
    doses_per_day: Optional[float] = None
    days_supply: Optional[int] = None
    route: Optional[str] = None
    is_compounded: Optional[bool] = None
    ingredients: Optional[list[str]] = None
    dosage_form: Optional[str] = None
    is_extended_release: Optional[bool] = None


@dataclass
class ParsedRequest:
    topic: str
    body_region: Optional[str] = None
    quantity: Optional[int] = None
    sessions: Optional[int] = None
    frequency_per_week: Optional[float] = None
    duration_weeks: Optional[float] = None
    drug: Optional[ParsedDrug] = None
    regions: list[str] = field(default_factory=list)
    study: Optional[str] = None
    modality: Optional[str] = None
    injection_type: Optional[str] = None
    injection_approach: Optional[str] = None
    spinal_levels: Optional[int] = None
    procedure: Optional[str] = None
    stimulator_types: Optional[list[str]] = None
    is_purchase: Optional[bool] = None
    equipment: Optional[str] = None
    associated_service: Optional[str] = None
    preoperative_tests: Optional[list[str]] = None
    consultant_specialty: Optional[str] = None
    is_evaluation: Optional[bool] = None
    home_health_services: Optional[list[str]] = None
    laboratory_tests: Optional[list[str]] = None
    hours_per_week: Optional[float] = None
    is_aquatic: Optional[bool] = None
    is_trial: Optional[bool] = None
    preoperative_tests: Optional[list[str]] = None


_STUDIES = NamedKinds("studies")


_MODALITIES = NamedKinds("modalities")


def passive_modality(text: str, topic: str) -> Optional[str]:
    if "modality" not in topic_spec(topic).parts:
        return None
    found = []
    for modality, pattern in _MODALITIES:
        if pattern.search(text):
            found.append(modality)
            if modality == "laser":  # "infrared laser" names one modality
                break
    return found[0] if len(found) == 1 else None


_INJECTION_TYPES = NamedKinds("injection_types")
_APPROACHES = NamedKinds("epidural_approaches")
_LEVEL = re.compile(r"\b([CTL])(\d{1,2})\s*-\s*([CTLS])?(\d)\b", re.I)
# The surgery a request names, from the surgery vocabulary (rules/surgeries.yaml, `in_request`), in its priority order.
_PROCEDURES = surgery_table().recognisers("in_request")
_STIMULATORS = NamedKinds("stimulators")


_EQUIPMENT = NamedKinds("equipment")


def _first_named(table: list[tuple[str, re.Pattern[str]]], text: str) -> Optional[str]:
    """The name of the first pattern in the table the text matches: tables list the most specific first."""
    return next((name for name, pattern in table if pattern.search(text)), None)


def equipment(text: str) -> str:
    """The kind of equipment a request names; `other` when it names none of the kinds the rules tell apart."""
    return _first_named(_EQUIPMENT, text) or "other"


# A service tied to a surgery, by what it is. Therapy and equipment are read from the request's topic.
_PERI_OPERATIVE = re.compile(r"\bpre-?op(?:erative)?\b|\bpost-?op(?:erative)?\b|assistant surgeon|surgical assistant|"
                             r"co-?surgeon|medical clearance|surgical clearance", re.I)
_ASSOCIATED = [
    ("assistant_surgeon", re.compile(r"assistant surgeon|surgical assistant|co-?surgeon|\bassistant\b", re.I)),
    ("preoperative_clearance", re.compile(r"clearance|pre-?op(?:erative)? (?:medical )?(?:evaluation|consult\w*|visit|"
                                          r"exam\w*|history)|history and physical|\bH&P\b", re.I)),
    ("post_operative_therapy", re.compile(r"physical therapy|occupational therapy|physiotherapy|\bpt\b(?!\s*/\s*(?:ptt|inr))|\bot\b|"
                                          r"hand therapy|rehab\w*|therapy (?:sessions?|visits?)", re.I)),
    ("preoperative_test", re.compile(r"\blabs?\b|laborator|\bekg\b|\becg\b|electrocardiogra|\bcbc\b|chem(?:istry)? "
                                     r"panel|\bbmp\b|\bcmp\b|pt/ptt|\bptt\b|\binr\b|\bua\b|urinalysis|"
                                     r"chest x-?ray|chest radiograph", re.I)),
]
_THERAPY_TOPICS = {"physical_therapy"}
_EQUIPMENT_TOPICS = {"durable_medical_equipment", "tens"}


def names_peri_operative_service(text: str) -> bool:
    """The request names a service that belongs to an operation (pre-op, post-op, an assistant surgeon)."""
    return bool(_PERI_OPERATIVE.search(text))


def associated_service(text: str, topic: str) -> str:
    """What a service tied to a surgery is: clearance, a pre-operative test, an assistant, therapy, equipment, ..."""
    if topic in _THERAPY_TOPICS:
        return "post_operative_therapy"
    if topic in _EQUIPMENT_TOPICS:
        return "post_operative_equipment"
    if topic_spec(topic).drug:
        return "post_operative_medication"
    named = _first_named(_ASSOCIATED, text)
    if named is not None:
        return named
    if lookup_drug(text) is not None:
        return "post_operative_medication"
    return "other"


_SPECIALTIES = NamedKinds("consultant_specialties")


def consultant_specialty(text: str) -> str:
    """Who a referral is to: a surgeon, a pain management specialist, or another specialty."""
    return _first_named(_SPECIALTIES, text) or "other"


# A program requested in hours or days: a full-day session is read as eight hours.
_PROGRAM_HOURS = re.compile(r"(\d+)\s*(?:hours?|hrs?)\b", re.I)
_PROGRAM_DAYS = re.compile(r"(\d+)\s*(?:full[- ])?days?\b(?!\s*(?:a|per|/)\s*week)", re.I)
_EVALUATION = re.compile(r"evaluation|assessment|consult\w*|screening|interview", re.I)


_HOME_SERVICES = NamedKinds("home_health_services")
_HOURS_A_DAY = re.compile(_NUM + r"\s*(?:hours?|hrs?)\s*(?:a|per|/|each)\s*day\b", re.I)
_DAYS_A_WEEK = re.compile(_NUM + r"\s*(?:days?|x|times?|visits?)\s*(?:a|per|/|each)\s*(?:week|wk)\b", re.I)
# "Daily" is every day of the week: "4 hours daily", "daily, 2 hours a day".
_HOURS_DAILY = re.compile(_NUM + r"\s*(?:hours?|hrs?)\s*(?:daily|every day|each day)\b", re.I)
_DAILY = re.compile(r"\bdaily\b|\bevery day\b|\b7 days (?:a|per|/) ?week\b", re.I)
_HOURS_A_VISIT = re.compile(_NUM + r"\s*(?:hours?|hrs?)\s*(?:a|per|/|each)\s*visit\b", re.I)
_HOURS_A_WEEK = re.compile(_NUM + r"\s*(?:hours?|hrs?)\s*(?:a|per|/|each)\s*(?:week|wk)\b", re.I)
_AROUND_THE_CLOCK = re.compile(r"\b24\s*/\s*7\b|around the clock|24[- ]hours?(?: a day)? care", re.I)
_TRIAL = re.compile(r"\btrial\b|temporary", re.I)
_PERMANENT = re.compile(r"permanent|implant(?:ation)?\b(?! trial)", re.I)


_PSYCH_EVALUATION = re.compile(r"evaluat\w*|\beval\b|assessment|consult\w*|testing|\btests?\b|\bmmpi\w*|\bbhi\b|battery|"
                               r"psychometric", re.I)
_PSYCH_TREATMENT = re.compile(r"therap\w*|treatment|sessions?|visits?|\bcbt\b|counsel\w*|biofeedback", re.I)


def psychological_evaluation(text: str) -> Optional[bool]:
    """A psychological evaluation (True) or treatment (False); a request naming both, or neither, is not read."""
    evaluation, treatment = bool(_PSYCH_EVALUATION.search(text)), bool(_PSYCH_TREATMENT.search(text))
    if evaluation != treatment:
        return evaluation
    return None


def home_health_services(text: str) -> Optional[list[str]]:
    """The kinds of home service a request names (medical, homemaker, personal care); none named, none read."""
    found = [name for name, pattern in _HOME_SERVICES if pattern.search(text)]
    return found or None


_LABORATORY_TESTS = NamedKinds("laboratory_tests")


def laboratory_tests(text: str) -> Optional[list[str]]:
    """The tests a laboratory request names, each once, in the lexicon's order; "labs" alone names none."""
    found = [name for name, pattern in _LABORATORY_TESTS if pattern.search(text)]
    return found or None


# The tests of a pre-operative request, in the kinds the pre-operative rules tell apart (surgical_perioperative.yaml):
# the chemistry and kidney tests are the metabolic panel. A test with no pre-operative criterion (a liver panel, a
# thyroid test) leaves the tests unread: the request as written could not be judged whole, and judging its other
# tests alone could certify what the guideline does not speak to.
_PREOPERATIVE_KIND = {"cbc": "cbc", "metabolic_panel": "metabolic_panel", "renal_function": "metabolic_panel",
                      "coagulation_studies": "coagulation_studies", "urinalysis": "urinalysis", "ekg": "ekg"}
_CHEST_X_RAY = re.compile(r"chest (?:x-?rays?|radiograph\w*|film)|\bcxr\b", re.I)


def preoperative_tests(text: str) -> Optional[list[str]]:
    """The pre-operative tests a request names, each once; "pre-op labs" alone names none."""
    found = ["chest_x_ray"] if _CHEST_X_RAY.search(text) else []
    for kind in laboratory_tests(text) or []:
        named = _PREOPERATIVE_KIND.get(kind)
        if named is None:
            return None
        if named not in found:
            found.append(named)
    return found or None


def hours_per_week(text: str) -> Optional[float]:
    """Hours a week as the request gives them: 'N hours a week', 'N hours a day' (or a visit) by 'M days (times,
    visits) a week', or by seven when the request says daily. A day's hours alone give no weekly total."""
    weekly = _HOURS_A_WEEK.search(text)
    if weekly:
        return number(weekly.group(1))
    if _AROUND_THE_CLOCK.search(text):
        return 168.0
    daily_hours = _HOURS_DAILY.search(text)
    if daily_hours and number(daily_hours.group(1)):
        return number(daily_hours.group(1)) * 7
    daily = _HOURS_A_DAY.search(text) or _HOURS_A_VISIT.search(text)
    days = _DAYS_A_WEEK.search(text)
    if daily and days and number(daily.group(1)) and number(days.group(1)):
        return number(daily.group(1)) * number(days.group(1))
    if daily and _DAILY.search(text) and number(daily.group(1)):
        return number(daily.group(1)) * 7
    return None


def injection_type(text: str) -> Optional[str]:
    return _first_named(_INJECTION_TYPES, text)


def spinal_levels(text: str) -> Optional[int]:
    """Levels named as 'L4-L5, L5-S1' (two levels) or a range 'L3-S1' (three); none named, none read."""
    levels = set()
    for match in _LEVEL.finditer(text):
        region, first, last = match.group(1).upper(), int(match.group(2)), int(match.group(4))
        other = (match.group(3) or region).upper()
        if other == region and last > first:
            span = last - first
        elif region == "L" and other == "S":
            span = 6 - first  # L5-S1 is one level
        else:
            continue
        if 1 <= span <= 4:
            levels.update((region, first + i) for i in range(span))
    return len(levels) or None


def procedure(text: str) -> str:
    return _first_named(_PROCEDURES, text) or "other"


def diagnostic_study(text: str, topic: str) -> Optional[str]:
    parts = topic_spec(topic).parts
    if "electrodiagnostic_study" in parts:
        emg = re.search(r"\bemg\b|electromyogra", text, re.I)
        ncs = re.search(r"\bnc[vs]\b|nerve conduction", text, re.I)
        return "emg_ncs" if emg and ncs else "emg" if emg else "ncs" if ncs else None
    if "imaging_study" in parts:
        for study, pattern in _STUDIES:
            if pattern.search(text):
                return study
    return None


def joint_of_limb(region: str, case_regions: list[str]) -> str:
    """A generic limb is the one joint of it the case names; with none, or two, it stays the limb."""
    joints = [r for r in case_regions if r in LIMB_JOINTS.get(region, ())]
    return joints[0] if len(joints) == 1 else region


def request_parts(text: str, parsed: "ParsedRequest", case_regions: list[str]) -> tuple[list[str], list[dict[str, str]]]:
    """The regions the request names (a generic limb resolved to its joint where the topic says so) and, for a
    topic read in parts, one part per region or per study when it names two or more of one and one of the other.
    Two regions and two studies ("MRI and x-rays of the neck and knee") do not say which study is of which
    region: no parts are read."""
    spec = topic_spec(parsed.topic)
    regions = list(dict.fromkeys(joint_of_limb(r, case_regions) if spec.limb_to_joint else r for r in parsed.regions))
    if not spec.parts_by_region:
        return regions, []
    studies = _studies_each_requested(text) if "imaging_study" in spec.parts else []
    if len(regions) >= 2 and len(studies) <= 1:
        return regions, [{"body_region": region} for region in regions]
    if len(studies) >= 2 and len(regions) <= 1:
        return regions, [{"study": study} for study in studies]
    return regions, []


_BOTH = re.compile(r"\band\b|&|,|\bplus\b|\bwith\b|\+", re.I)


def _studies_each_requested(text: str) -> list[str]:
    """The imaging studies a request asks for each of ("MRI and x-rays"); studies written as alternatives
    ("MRI/CT": either one) are one study, the first named."""
    found = sorted((match.start(), match.end(), study) for study, pattern in _STUDIES
                   for match in [pattern.search(text)] if match)
    studies = [found[0][2]] if found else []
    for (_, end, _), (start, _, study) in zip(found, found[1:]):
        if not _BOTH.search(text[end:start]):
            return studies[:1]
        if study not in studies:
            studies.append(study)
    return studies


def classify_topic(text: str) -> str:
    lowered = text.lower()
    for _, topic, pattern in _recognisers():
        if pattern.search(lowered):
            yields = topics()[topic].yields_to_drug
            if yields is not None:
                drug_topic = _drug_topic(text)
                if drug_topic is not None and (yields == "any" or drug_topic in yields):
                    return drug_topic
            return _yielded_topic(lowered, topic, topics()[topic].yields_to) or topic
    drug_topic = _drug_topic(text)
    if drug_topic:
        return drug_topic
    return fallback_topic()


def _yielded_topic(lowered: str, matched: str, yields_to: list[str]) -> Optional[str]:
    """The topic the request would have without the topic it matched, when that one is of `yields_to`; else None.

    "Post-op cold therapy unit" is the cold unit's; "post-op stay in the surgical unit" is no equipment, since a
    level of care outranks the equipment words there, as it does without "post-op"."""
    if not yields_to:
        return None
    rest = next((topic for _, topic, pattern in _recognisers() if topic != matched and pattern.search(lowered)), None)
    return rest if rest in yields_to else None


@cache
def _skin_topic() -> Optional[tuple[str, tuple[tuple[re.Pattern[str], Any], ...]]]:
    """The topic of products applied to the skin (`topical: true`) and its recognition entries, highest first,
    each with the drug topics it yields to."""
    found = [(topic_id, spec) for topic_id, spec in topics().items() if spec.topical]
    if not found:
        return None
    topic_id, spec = found[0]
    entries = sorted(spec.recognise, key=lambda e: -e.priority)
    return topic_id, tuple((re.compile(e.pattern, re.I),
                            e.yields_to_drug if e.yields_to_drug is not None else spec.yields_to_drug) for e in entries)


# An oral combination writes its strengths in mg ("hydrocodone/ibuprofen 7.5/200 mg"); a compound of two or more
# drugs written without them, their names joined by a slash ("flurbiprofen/cyclobenzaprine"), is a topical compound.
_ORAL_SIGN = re.compile(r"\d\s*(?:mg|mcg|ml)\b|\b(?:oral(?:ly)?|by mouth|po|tabs?|tablets?|caps?|capsules?|suspension|"
                        r"syrup|inject\w*|intramuscular|iv)\b", re.I)
_JOINED_DRUGS = re.compile(r"\s*(?:/|,|\+|\band\b|\bwith\b)\s*", re.I)
_SLASH = re.compile(r"\s*[/+]\s*")


def names_compound(text: str) -> bool:
    """Two drugs of different classes, each with a topic, joined by a slash as a compound writes them, with no
    strength in mg nor a word of a product taken by mouth or injected."""
    if _ORAL_SIGN.search(text):
        return False
    # A compound is written by its drugs' generic names; brands joined ("Norco/Soma") are two products by mouth.
    mentions = [(start, end, entry) for start, end, entry in drug_mentions(text)
                if text[start:end].lower() == entry.generic]
    # Of two classes: glucosamine/chondroitin is one supplement, taken by mouth.
    return any(_SLASH.fullmatch(text[end:start]) and first.drug_class != second.drug_class
               for (_, end, first), (start, _, second) in zip(mentions, mentions[1:]))


def _by_form(text: str, drug_topic: Optional[str]) -> Optional[str]:
    """The topical topic when the product's form is one applied to the skin, whatever drug it names first; the
    drug's own topic when the form says nothing, or when the entry that names the form yields to it (a single
    transdermal opioid)."""
    skin = _skin_topic()
    if skin is None or drug_topic is None:
        return drug_topic
    topic_id, entries = skin
    if drug_topic == topic_id:
        return topic_id
    if names_compound(text):
        return topic_id
    for pattern, yields in entries:
        if pattern.search(text):
            return drug_topic if yields and (yields == "any" or drug_topic in yields) else topic_id
    return drug_topic


# A drug with a laboratory word beside it is a test of its level ("vitamin D level", "serum vitamin D"), not a
# prescription of it; a laboratory word elsewhere ("for pain level reduction") is not.
_LAB_BEFORE = r"(?:serum|labs?|laboratory|level of)\W+(?:\w+\W+){0,2}?"
_LAB_AFTER = r"\W+(?:[\w-]+\W+){0,2}?(?:levels?|assay|panel|test(?:s|ing)?)\b"


def _names_a_level_test(text: str, names: tuple[str, ...]) -> bool:
    name = "(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + ")"
    return bool(re.search(rf"\b{_LAB_BEFORE}{name}(?![a-z])|(?<![a-z]){name}{_LAB_AFTER}", text, re.I))


def _drug_topic(text: str) -> Optional[str]:
    entry = lookup_drug(text)
    if entry is None or _names_a_level_test(text, entry.names):
        return None
    topic = drug_class_topics().get(entry.drug_class)
    return _by_form(text, topic if topic in topics() else None)


def body_regions(text: str) -> list[str]:
    return list(_body_regions(text))


# Each request's facts read the same summary sentences: their regions are found once (see clinical._mentions;
# emptied after each letter by build_case).
@lru_cache(maxsize=None)
def _body_regions(text: str) -> tuple[str, ...]:
    found = []
    for region, pattern in _REGION_RE:
        if pattern.search(text) and region not in found:
            found.append(region)
    # "upper extremity" is implied by a named part of it; keep the most specific.
    if "upper_extremity" in found and any(r in found for r in ("shoulder", "elbow", "forearm_wrist_hand")):
        found.remove("upper_extremity")
    if "lower_extremity" in found and any(r in found for r in ("hip_pelvis", "knee", "ankle_foot")):
        found.remove("lower_extremity")
    return tuple(found)


_FREQUENCY = [
    re.compile(_RANGE + r"\s*(?:times|x|visits?|sessions?)?\s*(?:a|per|/|each)\s*(?:week|wk)\b", re.I),
    re.compile(_RANGE + r"\s*(?:times\s+)?weekly\b", re.I),
    re.compile(_RANGE + r"\s*x\s*/?\s*(?:a\s+)?(?:week|wk)s?\b", re.I),
    re.compile(r"\b(once|twice|thrice)()\s+(?:a|per)\s+week", re.I),
]
_DURATION = re.compile(r"(?:for|times|x)\s*" + _RANGE + r"\s*(?:weeks?|wks?)\b", re.I)
_DURATION_MONTHS = re.compile(r"(?:for|times|x)\s*" + _RANGE + r"\s*months?\b", re.I)
_DURATION_DAYS = [re.compile(r"(?:for|times|x)\s*" + _RANGE + r"\s*days?\b(?!\s*(?:a|per|/)\s*week)", re.I),
                  re.compile(r"\b" + _RANGE + r"[- ]days?\s+(?:home\s+)?(?:rental|trial|loan|use)\b", re.I)]
_SESSIONS = [
    re.compile(r"\(\s*" + _NUM + r"\s*\)\s*(?:sessions?|visits?|treatments?)", re.I),
    re.compile(r"#?\s*\b" + _RANGE + r"\s+(?:\w+\s+){0,3}?(?:sessions?|visits?|treatments?)\b"
               r"(?!\s*(?:per|a|/|each)\s*(?:week|wk))", re.I),
    re.compile(r"(?:sessions?|visits?|treatments?)\s*,?\s*(?:#|x|times)?\s*" + _RANGE + r"\b(?!\s*(?:times|x|weeks?|/))", re.I),
    re.compile(r"\btimes\s+" + _NUM + r"\s*$", re.I),
    re.compile(r"\b(?:x|#)\s*" + _NUM + r"\s*(?:sessions?|visits?)?\s*$", re.I),
]
_A_BY_B = re.compile(r"\b(\d+)\s*x\s*(\d+)\b(?!\s*(?:mg|ml|%))", re.I)
_STRENGTH = re.compile(r"(?<![#\d.])(\d+(?:\.\d+)?(?:\s*/\s*\d+(?:\.\d+)?)?\s*(?:mg/ml|mg|mcg|g|ml|%)(?:\s*/\s*(?:ml|hr|hour))?)",
                       re.I)
_QUANTITY = re.compile(r"#\s*(\d+)")
_DAYS_SUPPLY = re.compile(r"day supply:?\s*(\d+)|(?<!#)\b(\d+)[- ]days?[- ]supply", re.I)
_DOSES = [
    (re.compile(r"\b(?:one|1)?\s*(?:tab(?:let)?s?\s+)?(?:by mouth\s+|orally\s+|po\s+)?(once|twice|two|three|four|\d)\s+"
                r"times?\s+(?:a|per)\s+day", re.I), None),
    (re.compile(r"\b(?:once|one time) (?:a|per) day|\bdaily\b|\bqd\b|\bqhs\b|at bedtime", re.I), 1.0),
    (re.compile(r"\btwice (?:a|per) day|\bbid\b", re.I), 2.0),
    (re.compile(r"\btid\b", re.I), 3.0),
    (re.compile(r"\bqid\b", re.I), 4.0),
]
_EVERY_HOURS = re.compile(r"every\s+" + _RANGE + r"\s*(?:hours?|hrs?)", re.I)
_TOPICAL = re.compile(r"\bcreams?\b|\bgels?\b|\bpatch(?:es)?\b|\bointments?\b|\blotions?\b|\btopical|\bpads?\b|\bsalonpas\b|"
                      r"\blidoderm\b", re.I)
# What a compound's first ingredient may carry before its name: its container, the word "compound".
_PACKAGE = re.compile(r"^(?:(?:retrospective|prospective)\s+)?(?:(?:one|an?|\d+)\s+)?(?:(?:containers?|tubes?|jars?|bottles?)"
                      r"\s+of\s+)?(?:compound(?:ed)?\s+)?", re.I)
_INGREDIENT = re.compile(r"([A-Za-z][A-Za-z \-]+?)\s+\d+(?:\.\d+)?\s*%")

def parse_request(text: str, topic: Optional[str] = None) -> ParsedRequest:
    topic = topic or classify_topic(text)
    parsed = ParsedRequest(topic=topic)
    # A request naming no region but a nerve root ("selective nerve root block right L5") is of that root's spine.
    parsed.regions = body_regions(text) or list(dict.fromkeys(r for r, pattern in _NERVE_ROOTS if pattern.search(text)))
    if len(parsed.regions) == 1:
        parsed.body_region = parsed.regions[0]
    elif len(parsed.regions) > 1:
        parsed.body_region = "multiple"
    parsed.study = diagnostic_study(text, topic)
    parsed.modality = passive_modality(text, topic)
    spec = topic_spec(topic)
    for part in spec.parts:
        reader = PART_READERS.get(part)
        if reader is not None:
            reader(text, topic, parsed)
    if spec.drug or (lookup_drug(text) and spec.fallback):
        parsed.drug = parse_drug(text, topic)
        return parsed
    quantity = _QUANTITY.search(text)
    if quantity and not re.search(r"#\s*\d+\s*(?:sessions?|visits?)", text, re.I):
        parsed.quantity = int(quantity.group(1))
    for pattern in _FREQUENCY:
        match = pattern.search(text)
        if match:
            parsed.frequency_per_week = _upper(match)
            break
    duration = _DURATION.search(text)
    if duration:
        parsed.duration_weeks = _upper(duration)
    else:
        months = _DURATION_MONTHS.search(text)
        days = next((m for m in (pattern.search(text) for pattern in _DURATION_DAYS) if m), None)
        if months and _upper(months):
            parsed.duration_weeks = round(_upper(months) * 52 / 12, 1)
        elif days and _upper(days):
            # A rental or trial in days ("7-day rental", "x 21 days"), in weeks.
            parsed.duration_weeks = round(_upper(days) / 7, 1)
    if parsed.frequency_per_week is None and parsed.duration_weeks is None:
        by = _A_BY_B.search(text)
        if by:
            # "Acupuncture 1 x 3": a prescription's times-a-week by weeks.
            parsed.frequency_per_week, parsed.duration_weeks = float(by.group(1)), float(by.group(2))
    for pattern in _SESSIONS:
        match = pattern.search(text)
        if match:
            count = _upper(match) if match.re.groups >= 2 else number(match.group(1))
            if count is not None and count == int(count) and 0 < count <= 100:
                parsed.sessions = int(count)
                break
    if parsed.sessions is None and "program_days" in spec.parts:
        hours, days = _PROGRAM_HOURS.search(text), _PROGRAM_DAYS.search(text)
        if hours and int(hours.group(1)) % 8 == 0:
            parsed.sessions = int(hours.group(1)) // 8
        elif days:
            parsed.sessions = int(days.group(1))
    if parsed.sessions is None and parsed.frequency_per_week and parsed.duration_weeks:
        total = parsed.frequency_per_week * parsed.duration_weeks
        if total == int(total):
            parsed.sessions = int(total)
    for name in ("frequency_per_week", "duration_weeks"):
        value = getattr(parsed, name)
        if value is not None and not (0 < value <= (21 if name == "frequency_per_week" else 520)):
            setattr(parsed, name, None)
    return parsed


def _read_injection(text: str, topic: str, parsed: ParsedRequest) -> None:
    parsed.injection_type = injection_type(text)
    if parsed.injection_type == "epidural_steroid":
        approaches = [name for name, pattern in _APPROACHES if pattern.search(text)]
        parsed.injection_approach = approaches[0] if len(approaches) == 1 else None
    if parsed.injection_type in ("epidural_steroid", "facet_joint", "medial_branch_block", "facet_neurotomy"):
        parsed.spinal_levels = spinal_levels(text)


def _read_trial(text: str, topic: str, parsed: ParsedRequest) -> None:
    if _TRIAL.search(text):
        parsed.is_trial = not _PERMANENT.search(text)
    elif _PERMANENT.search(text):
        parsed.is_trial = False


def _read_aquatic(text: str, topic: str, parsed: ParsedRequest) -> None:
    if re.search(r"aquatic|aqua ?therapy|pool therapy|hydrotherapy|water (?:therapy|exercises?|aerobics)", text, re.I):
        parsed.is_aquatic = True


def _read_home_health(text: str, topic: str, parsed: ParsedRequest) -> None:
    parsed.home_health_services = home_health_services(text)
    parsed.hours_per_week = hours_per_week(text)


def _read_stimulator_and_purchase(text: str, topic: str, parsed: ParsedRequest) -> None:
    kinds = [name for name, pattern in _STIMULATORS if pattern.search(text)]
    parsed.stimulator_types = kinds or None
    if re.search(r"\bpurchase\b|\bbuy\b", text, re.I):
        parsed.is_purchase = True
    elif re.search(r"\brental\b|\brent\b|\btrial\b|\bloan\b", text, re.I):
        parsed.is_purchase = False


def _setting(name: str, read: Callable[[str, str], Any]) -> Callable[[str, str, ParsedRequest], None]:
    return lambda text, topic, parsed: setattr(parsed, name, read(text, topic))


# The readers a topic's `parts` (rules/topics.yaml) name, in the order a topic lists them. The study and the
# passive modality are read for every topic (they check the topic's parts themselves); program_days is read
# with the sessions.
PART_READERS: dict[str, Callable[[str, str, ParsedRequest], None]] = {
    "injection": _read_injection,
    "procedure": _setting("procedure", lambda text, topic: procedure(text)),
    "equipment": _setting("equipment", lambda text, topic: equipment(text)),
    "consultant_specialty": _setting("consultant_specialty", lambda text, topic: consultant_specialty(text)),
    "program_evaluation": _setting("is_evaluation", lambda text, topic: bool(_EVALUATION.search(text))),
    "psychological_evaluation": _setting("is_evaluation", lambda text, topic: psychological_evaluation(text)),
    "home_health_services": _read_home_health,
    "trial_or_permanent": _read_trial,
    "aquatic": _read_aquatic,
    "associated_service": _setting("associated_service", associated_service),
    "stimulator_and_purchase": _read_stimulator_and_purchase,
    "laboratory_tests": _setting("laboratory_tests", lambda text, topic: laboratory_tests(text)),
}


_FORMS = NamedKinds("dosage_forms")
_RELEASE = NamedKinds("drug_release")


def dosage_form(text: str) -> Optional[str]:
    """The one dosage form the request names; none when it names none, or two."""
    found = [form for form, pattern in _FORMS if pattern.search(text)]
    return found[0] if len(found) == 1 else None


def parse_drug(text: str, topic: str) -> ParsedDrug:
    bare = re.sub(r"(?i)^\d+\s+(?:prescriptions?\s+of\s+)?", "", text.strip())
    name = re.split(r"(?i)\s+\d|\s*#|,|\(|\s+(?:apply|take|one by mouth|by mouth|orally)\b", bare, maxsplit=1)[0].strip()
    text = bare
    drug = ParsedDrug(name=text.strip() if len(name) < 3 else name)
    entry = lookup_drug(text)
    if entry is not None and len(name) < 3:
        drug.name = entry.generic
    strength = _STRENGTH.search(text)
    if strength:
        drug.strength = strength.group(1).replace(" ", "")
    quantity = _QUANTITY.search(text)
    if quantity:
        drug.quantity = int(quantity.group(1))
    supply = _DAYS_SUPPLY.search(text)
    if supply:
        drug.days_supply = int(supply.group(1) or supply.group(2))
    for pattern, fixed in _DOSES:
        match = pattern.search(text)
        if match:
            drug.doses_per_day = fixed if fixed is not None else number(match.group(1))
            break
    if drug.doses_per_day is None:
        every = _EVERY_HOURS.search(text)
        if every:
            low = number(every.group(1))
            if low:
                drug.doses_per_day = round(24 / low, 1)
    drug.dosage_form = dosage_form(text)
    # A product's name says how it releases its drug: without a mark of extended release it is immediate release.
    drug.is_extended_release = any(pattern.search(text) for _, pattern in _RELEASE)
    spec = topic_spec(topic)
    if _TOPICAL.search(text) or spec.topical:
        drug.route = "topical" if not re.search(r"\bpatch", text, re.I) else "transdermal"
    elif re.search(r"oral|by mouth|orally|\bpo\b|tab(?:let)?s?\b|cap(?:sule)?s?\b", text, re.I) or not spec.fallback:
        drug.route = "oral"
    ingredients = [_PACKAGE.sub("", " ".join(m.group(1).split())) for m in _INGREDIENT.finditer(text)]
    ingredients = [i for i in ingredients if not re.fullmatch(r"(?i)cream|gel|base|in", i)]
    if len(ingredients) < 2 and spec.topical:
        # A compound written without strengths ("flurbiprofen/cyclobenzaprine cream") lists its drugs by name.
        named = [entry.generic for entry in drug_names_in(text) if not entry.ingredients]
        if len(named) >= 2 and _JOINED_DRUGS.search(text):
            ingredients = named
    if len(ingredients) >= 2 or re.search(r"compound", text, re.I):
        drug.is_compounded = True
        drug.ingredients = ingredients or None
        drug.name = ", ".join(ingredients) if ingredients else drug.name
        if len(ingredients) >= 2:
            drug.strength = None  # each ingredient has its own; the first one's is not the product's
    return drug
