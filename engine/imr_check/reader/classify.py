"""A disputed item's topic and its parts: quantity, sessions, frequency, duration, drug, body region.

Topics follow rules/topics.yaml; the first pattern that matches wins, so the order below goes from
the most specific service to the most general. Drugs are found through the drug lexicon
(rules/drugs.yaml), whose classes name their topic. Anything else is `other` (undetermined).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from ..vocabulary import drug_class_topics, drug_topics, lookup_drug, topics

_SURGICAL_CONSULT = (r"(?:surg\w*|orthop\w*|spine|neurosurg\w*)\W+(?:\w+\W+){0,2}?(?:consult\w*|referral|evaluation)|"
                     r"(?:consult\w*|referral|evaluation|refer)\W+(?:\w+\W+){0,3}?(?:surgeon|orthop\w*|neurosurg\w*)")
_TOPIC_PATTERNS: list[tuple[str, str]] = [
    ("surgical_associated_service",
     r"\bpre-?op(?:erative)?\b|\bpost-?op(?:erative)?\b|assistant surgeon|surgical assistant|medical clearance|"
     r"\blabs?\b|\bekg\b|\becg\b|\bcbc\b|chem(?:istry)? panel|\bpt/ptt\b|\bua\b|urinalysis|chest x-?ray"),
    ("home_health", r"home health|home ?care\b|home[- ]?maker|housekeep|home (?:health )?aides?\b|in-?home (?:care|support|"
                    r"assistance|services|health|nurs\w*)|caregiver|attendant care|personal care (?:services|assistan\w+|"
                    r"attendant)|home nurs\w*|\bhha\b|\bihss\b|chore services|"
                    # Nursing visits are home health services (CPMTG: skilled nursing is medical treatment at home);
                    # a nursing facility is a level of care, not a visit.
                    r"\brn\b(?! facility)|registered nurse|(?:skilled )?nursing visits?|nurse visits?"),
    ("acupuncture", r"acupuncture|electro-?acupuncture"),
    ("shockwave_therapy", r"shock ?wave|\beswt\b"),
    ("spinal_cord_stimulator", r"spinal cord stim\w*|dorsal column stim\w*|\bscs\b"),
    ("tens", r"\btens\b|interferential|\bif unit\b|\bh-?wave\b|\bnmes\b|neuromuscular (?:electrical )?stim\w*|"
             r"muscle stimulator|\bems unit|(?:e-?stim|stimulation|stimulator) unit"),
    ("electrodiagnostic", r"\bemg\b|\bncv\b|\bncs\b|nerve conduction|electromyogra|electrodiagnostic"),
    ("imaging", r"\bmri\b|magnetic resonance|\bx-?rays?\b|radiograph|\bct\b|ct scan|computed tomograph|bone scan|"
                r"\bmra\b|arthrogram|myelogra|(?<!impedance )imaging|sonogra|diagnostic ultrasound"),
    ("sleep_study", r"polysomno|sleep (?:study|studies|test\w*|lab\w*|evaluation)|\bpsg\b|multiple sleep latency|\bmslt\b"),
    # Botulinum toxin is given only by injection; an intramuscular drug ("Toradol 60 mg IM") is an injection.
    ("injection", r"injection|epidural|\besi\b|\bblock\b|platelet|\bprp\b|neurolytic|viscosupplement|cortisone|"
                  r"synvisc|rhizotomy|ablation|hyaluron|orthovisc|supartz|euflexxa|hyalgan|monovisc|"
                  r"botox|botulinum|dysport|myobloc|xeomin|intramuscular|\bim\b|\binj\b"),
    ("office_visit", r"re-?exam|follow[- ]?up(?: visit)?|office visit|re-?evaluation|evaluation and management"),
    ("gym_membership", r"\bgym\b|health club|fitness (?:center|club)"),
    ("massage", r"massage|myofascial release"),
    ("chiropractic", r"chiropract|\bchiro\w*|manipulation|manual therapy|\bcmt\b|spinal adjust"),
    ("work_conditioning", r"work hardening|work conditioning"),
    ("functional_restoration", r"functional restoration|multidisciplinary|interdisciplinary|\bhelp program|pain program|"
                               r"\bfrp\b|pain rehabilitation program"),
    # Biofeedback is read as a passive modality: the CPMTG treats it beside the other modalities, as an adjunct
    # to cognitive behavioral therapy (request.modality: biofeedback).
    ("passive_modality", r"biofeedback"),
    ("psychological_treatment", r"psycholog|psychotherap|\bcbt\b|cognitive behavio|counsel|\bpsych\b"),
    # A referral to a surgeon is a consultation, not the operation.
    ("consultation", _SURGICAL_CONSULT),
    ("surgery", r"arthroscop|repair|decompression|fusion|laminectomy|discectomy|neuroplasty|arthroplasty|"
                r"replacement|surgery|acromioplasty|tenodesis|arthrodesis|reconstruction|osteotomy|\w+ectomy\b|"
                r"carpal tunnel release|trigger finger release|adhesiolysis"),
    ("passive_modality", r"infrared|\bheat\b|\bice\b|cold pack|hot pack|ultrasound|electrical (?:muscle )?stimulation|"
                         r"e-?stim|\bems\b|traction|spinolator|diathermy|paraffin|laser|\blllt\b|iontophoresis|"
                         r"hyperstimulation|neurostimulation therapy"),
    # Trigger point impedance imaging: after the neurostimulation therapy it guides, which may name it.
    ("imaging", r"impedance imaging|\btpii\b"),
    ("physical_therapy", r"physical therapy|physiotherapy|\bpt\b|\bot\b|pt/ot|occupational therapy|hand therapy|"
                         r"therapeutic exercise|aquatic|aqua ?therapy|pool therapy|hydrotherapy|rehabilitation"),
    ("urine_drug_test", r"urine|\buds\b|drug screen|drug test"),
    ("consultation", r"consult|referral|refer to|evaluation with|specialist"),
    ("topical_analgesic", r"\bcream\b|\bgel\b|\bpatch(?:es)?\b|ointment|lotion|topical|salonpas|lidoderm|"
                          r"\bcompound"),
    ("durable_medical_equipment",
     r"brace|sling|scooter|wheelchair|walker|\bcane\b|crutch|\bbed\b|mattress|cushion|pillow|gloves?\b|wipes|"
     r"cryotherapy|cold therapy|polar ?care|vascutherm|orthotic|splint|wraps?\b|\bpads?\b|\bunit\b|commode|supplies|kit\b|"
     r"continuous passive motion|\bcpm\b|lumbar support|\blso\b|corset"),
]
_COMPILED = [(topic, re.compile(pattern, re.I)) for topic, pattern in _TOPIC_PATTERNS]

_REGIONS: list[tuple[str, str]] = [
    ("cervical_spine", r"cervical|\bneck\b|\bc\d-c?\d\b"),
    ("thoracic_spine", r"thoracic|upper back|mid[- ]back|\bt\d{1,2}-t?\d{1,2}\b"),
    ("lumbar_spine", r"lumbar|low(?:er)? back|lumbosacral|\bl\d-[ls]?\d\b"),
    ("sacroiliac", r"sacroiliac|\bsi joint"),
    ("shoulder", r"shoulder|rotator cuff|labral|labrum|acromio|\bslap\b"),
    ("elbow", r"elbow"),
    ("forearm_wrist_hand", r"wrist|\bhands?\b|fingers?\b|thumb|forearm|carpal"),
    ("hip_pelvis", r"\bhips?\b|pelvi"),
    ("knee", r"\bknees?\b"),
    ("ankle_foot", r"ankle|\bfoot\b|\bfeet\b|\btoes?\b|heel|plantar"),
    ("upper_extremity", r"upper extremit|\barms?\b"),
    ("lower_extremity", r"lower extremit|\blegs?\b"),
    ("head", r"\bhead\b|\bbrain\b|skull"),
    ("chest", r"\bchest\b"),
]
_REGION_RE = [(region, re.compile(pattern, re.I)) for region, pattern in _REGIONS]

_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "eighteen": 18,
    "twenty": 20, "twenty-four": 24, "once": 1, "twice": 2, "thrice": 3, "single": 1,
}
_NUM = r"(\d+(?:\.\d+)?|" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + r")"
_RANGE = _NUM + r"(?:\s*(?:-|to|or)\s*" + _NUM + r")?"


def number(text: Optional[str]) -> Optional[float]:
    if text is None:
        return None
    text = text.lower()
    if text in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[text])
    try:
        return float(text)
    except ValueError:
        return None


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
    consultant_specialty: Optional[str] = None
    is_evaluation: Optional[bool] = None
    home_health_services: Optional[list[str]] = None
    hours_per_week: Optional[float] = None
    is_aquatic: Optional[bool] = None
    is_trial: Optional[bool] = None


_STUDIES = [
    ("trigger_point_impedance_imaging", re.compile(r"impedance imaging|\btpii\b", re.I)),
    ("mri", re.compile(r"\bmri\b|magnetic resonance", re.I)),
    ("ct", re.compile(r"\bct\b|computed tomograph", re.I)),
    ("bone_scan", re.compile(r"bone scan", re.I)),
    ("x_ray", re.compile(r"x-?rays?\b|radiograph", re.I)),
    ("ultrasound", re.compile(r"ultrasound|sonogra", re.I)),
]


# The passive modality a request names, in the groups the guidelines treat one by one. Laser comes before
# infrared heat ("infrared laser" is a laser); a request naming two modalities is left without one.
_MODALITIES = [
    ("laser", re.compile(r"laser|\blllt\b", re.I)),
    ("ultrasound", re.compile(r"ultrasound|ultra-sound", re.I)),
    ("electrical_stimulation", re.compile(r"electrical (?:muscle |nerve )?stimulation|e-?stim\b|\bems\b|"
                                          r"electro-?stimulation", re.I)),
    ("traction", re.compile(r"traction|spinolator", re.I)),
    ("biofeedback", re.compile(r"biofeedback", re.I)),
    ("heat_cold", re.compile(r"\bheat\b|\bice\b|\bcold (?:packs?|therapy)|\bhot (?:packs?|/cold)|hot/cold|"
                             r"infrared|cryotherapy|heating pads?", re.I)),
]


def passive_modality(text: str, topic: str) -> Optional[str]:
    if topic != "passive_modality":
        return None
    found = []
    for modality, pattern in _MODALITIES:
        if pattern.search(text):
            found.append(modality)
            if modality == "laser":  # "infrared laser" names one modality
                break
    return found[0] if len(found) == 1 else None


# Injections, first match wins: the most specific name first.
_INJECTION_TYPES = [
    # A neurolytic agent on a facet joint's nerves is a neurotomy; otherwise it is injected in the epidural space
    # (epidural neurolysis), which is percutaneous adhesiolysis.
    ("facet_neurotomy", re.compile(r"(?:facet|medial branch|paravertebral).{0,40}neurolytic|neurolytic.{0,40}(?:facet|"
                                   r"medial branch|paravertebral)", re.I)),
    ("epidural_adhesiolysis", re.compile(r"adhesiolysis|racz|neuroplasty|lysis of adhesions|neurolytic|neurolysis", re.I)),
    ("facet_neurotomy", re.compile(r"radiofrequency|neurotomy|rhizotomy|ablation", re.I)),
    ("medial_branch_block", re.compile(r"medial branch", re.I)),
    ("facet_joint", re.compile(r"\bfacet", re.I)),
    ("epidural_steroid", re.compile(r"epidural|\besi\b|transforaminal|interlaminar|caudal", re.I)),
    # Botulinum toxin first: "Botox trigger point injections" are judged as botulinum toxin.
    ("botulinum_toxin", re.compile(r"botox|botulinum|dysport|myobloc|xeomin", re.I)),
    ("trigger_point", re.compile(r"trigger point|\btpi\b", re.I)),
    ("platelet_rich_plasma", re.compile(r"platelet|\bprp\b", re.I)),
    ("hyaluronic_acid", re.compile(r"hyaluron\w*|viscosupplement\w*|synvisc|orthovisc|supartz|euflexxa|hyalgan|"
                                   r"monovisc|gel-?one|durolane|gelsyn|genvisc|hymovis|trivisc", re.I)),
    ("ketorolac", re.compile(r"ketorolac|toradol", re.I)),
    ("vitamin_b12", re.compile(r"\bb-?12\b|cyanocobalamin|methylcobalamin|vitamin b\b", re.I)),
    ("corticosteroid_joint_or_soft_tissue", re.compile(r"cortisone|corticosteroid|steroid|kenalog|depo-?medrol|"
                                                       r"dexamethasone|triamcinolone|betamethasone", re.I)),
]
_APPROACHES = [("transforaminal", re.compile(r"transforaminal|\btfesi\b", re.I)),
               ("interlaminar", re.compile(r"interlaminar|translaminar|\bilesi\b", re.I)),
               ("caudal", re.compile(r"\bcaudal\b", re.I))]
_LEVEL = re.compile(r"\b([CTL])(\d{1,2})\s*-\s*([CTLS])?(\d)\b", re.I)
_PROCEDURES = [
    ("carpal_tunnel_release", re.compile(r"carpal tunnel release", re.I)),
    ("slap_repair", re.compile(r"\bslap\b|superior labral", re.I)),
    ("rotator_cuff_repair", re.compile(r"rotator cuff repair", re.I)),
    ("subacromial_decompression", re.compile(r"subacromial decompression|acromioplasty", re.I)),
    ("lumbar_fusion", re.compile(r"(?:lumbar|\bl\d).{0,40}fusion|fusion.{0,40}(?:lumbar|\bl\d)", re.I)),
    ("lumbar_decompression", re.compile(r"(?:lumbar|\bl\d).{0,40}(?:laminectomy|laminotomy|discectomy|microdiscectomy|"
                                        r"decompression|foraminotomy)|(?:laminectomy|laminotomy|discectomy|"
                                        r"microdiscectomy|foraminotomy).{0,40}(?:lumbar|\bl\d)", re.I)),
    ("knee_meniscectomy", re.compile(r"menisc\w*ectomy|meniscus (?:repair|debridement)", re.I)),
    ("epidural_adhesiolysis", re.compile(r"adhesiolysis|lysis of adhesions", re.I)),
]
_STIMULATORS = [("tens", re.compile(r"\btens\b|transcutaneous electrical nerve", re.I)),
                ("interferential", re.compile(r"interferential|\bif unit|\bifc\b", re.I)),
                ("neuromuscular", re.compile(r"\bnmes\b|\bems\b|neuromuscular|electrical muscle stim", re.I)),
                ("h_wave", re.compile(r"h-?wave", re.I))]


# Equipment, first match wins: a unit combining cold and compression before a cold unit, a knee walker (a
# crutch's stand-in) before a scooter.
_EQUIPMENT = [
    ("cold_compression_unit", re.compile(r"vascutherm|game ?ready|cold (?:and |/|& )?compression|compression (?:and |/|"
                                         r"& )?cold|cryo-?compression|thermo-?compression", re.I)),
    ("cold_therapy_unit", re.compile(r"cryotherapy|cryo-?cuff|cold therapy|cold (?:unit|machine)|ice (?:unit|machine)|"
                                     r"polar ?care|continuous[- ]flow", re.I)),
    ("hospital_bed", re.compile(r"hospital bed", re.I)),
    ("continuous_passive_motion", re.compile(r"continuous passive motion|\bcpm\b", re.I)),
    ("lumbar_support", re.compile(r"(?:lumbar|lumbo-?sacral|lumbar-sacral|back) (?:supports?|brace|corset|orthosis|belt)|"
                                  r"\blso\b", re.I)),
    ("sling", re.compile(r"sling\b", re.I)),
    ("brace", re.compile(r"brace|splint|orthosis|immobiliz", re.I)),
    ("walking_aid", re.compile(r"\bcanes?\b|walker|crutch|knee scooter", re.I)),
    ("mobility_scooter", re.compile(r"scooter|power (?:wheel)?chair|wheelchair", re.I)),
    ("disposable_supply", re.compile(r"gloves?\b|wipes\b|\bpads?\b|dressings?\b|bandages?\b|diapers?\b|"
                                     r"\bgauze\b|electrodes?\b", re.I)),
]


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
    ("post_operative_therapy", re.compile(r"physical therapy|occupational therapy|physiotherapy|\bpt\b(?!\s*/\s*ptt)|\bot\b|"
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
    if topic in drug_topics():
        return "post_operative_medication"
    named = _first_named(_ASSOCIATED, text)
    if named is not None:
        return named
    if lookup_drug(text) is not None:
        return "post_operative_medication"
    return "other"


_SPECIALTIES = [
    ("surgical", re.compile(r"surg\w*|orthop\w*|neurosurg\w*", re.I)),
    ("pain_management", re.compile(r"pain (?:management|medicine|specialist|physician|clinic)|anesthesiolog\w*|"
                                   r"physiatr\w*", re.I)),
]


def consultant_specialty(text: str) -> str:
    """Who a referral is to: a surgeon, a pain management specialist, or another specialty."""
    return _first_named(_SPECIALTIES, text) or "other"


# A program requested in hours or days: a full-day session is read as eight hours.
_PROGRAM_HOURS = re.compile(r"(\d+)\s*(?:hours?|hrs?)\b", re.I)
_PROGRAM_DAYS = re.compile(r"(\d+)\s*(?:full[- ])?days?\b(?!\s*(?:a|per|/)\s*week)", re.I)
_EVALUATION = re.compile(r"evaluation|assessment|consult\w*|screening|interview", re.I)


# What home health services are to give (CPMTG: medical treatment, not homemaker services or personal care alone).
_HOME_SERVICES = [
    ("medical", re.compile(r"nurs\w*|\brn\b|\blvn\b|\blpn\b|skilled|wound|dressing changes?|infusion|\biv\b|"
                           r"physical therapy|occupational therapy|\bpt\b|\bot\b|medication (?:management|administration)|"
                           r"catheter|injections?", re.I)),
    ("homemaker", re.compile(r"home[- ]?maker|housekeep\w*|cleaning|laundry|shopping|meal|cooking|errands?|chores?",
                             re.I)),
    ("personal_care", re.compile(r"personal care|\baides?\b|attendant|caregiver|bathing|dressing(?! changes?)|grooming|"
                                 r"toileting|hygiene|custodial|activities of daily living|\badls?\b", re.I)),
]
_HOURS_A_DAY = re.compile(_NUM + r"\s*(?:hours?|hrs?)\s*(?:a|per|/|each)\s*day\b", re.I)
_DAYS_A_WEEK = re.compile(_NUM + r"\s*(?:days?|x)\s*(?:a|per|/|each)\s*(?:week|wk)\b", re.I)
_HOURS_A_WEEK = re.compile(_NUM + r"\s*(?:hours?|hrs?)\s*(?:a|per|/|each)\s*(?:week|wk)\b", re.I)
_AROUND_THE_CLOCK = re.compile(r"\b24\s*/\s*7\b|around the clock|24[- ]hours?(?: a day)? care", re.I)
_TRIAL = re.compile(r"\btrial\b|temporary", re.I)
_PERMANENT = re.compile(r"permanent|implant(?:ation)?\b(?! trial)", re.I)


_PSYCH_EVALUATION = re.compile(r"evaluat\w*|\beval\b|assessment|consult\w*|testing|\btests?\b", re.I)
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


def hours_per_week(text: str) -> Optional[float]:
    """Hours a week as the request gives them: 'N hours a week', or 'N hours a day' by 'M days a week'."""
    weekly = _HOURS_A_WEEK.search(text)
    if weekly:
        return number(weekly.group(1))
    if _AROUND_THE_CLOCK.search(text):
        return 168.0
    daily, days = _HOURS_A_DAY.search(text), _DAYS_A_WEEK.search(text)
    if daily and days and number(daily.group(1)) and number(days.group(1)):
        return number(daily.group(1)) * number(days.group(1))
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
    if topic == "electrodiagnostic":
        emg = re.search(r"\bemg\b|electromyogra", text, re.I)
        ncs = re.search(r"\bnc[vs]\b|nerve conduction", text, re.I)
        return "emg_ncs" if emg and ncs else "emg" if emg else "ncs" if ncs else None
    if topic == "imaging":
        for study, pattern in _STUDIES:
            if pattern.search(text):
                return study
    return None


def classify_topic(text: str) -> str:
    lowered = text.lower()
    for topic, pattern in _COMPILED:
        if pattern.search(lowered):
            if topic in ("topical_analgesic", "surgical_associated_service", "durable_medical_equipment"):
                drug_topic = _drug_topic(text)
                # A transdermal opioid (Butrans, fentanyl patch) is taken for its systemic effect: an opioid.
                if topic == "topical_analgesic" and drug_topic == "opioid":
                    return drug_topic
                if topic == "topical_analgesic" or drug_topic is None:
                    return topic if topic in topics() else "other"
                return drug_topic
            return topic
    drug_topic = _drug_topic(text)
    if drug_topic:
        return drug_topic
    return "other"


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
    return topic if topic in topics() else None


def body_regions(text: str) -> list[str]:
    found = []
    for region, pattern in _REGION_RE:
        if pattern.search(text) and region not in found:
            found.append(region)
    # "upper extremity" is implied by a named part of it; keep the most specific.
    if "upper_extremity" in found and any(r in found for r in ("shoulder", "elbow", "forearm_wrist_hand")):
        found.remove("upper_extremity")
    if "lower_extremity" in found and any(r in found for r in ("hip_pelvis", "knee", "ankle_foot")):
        found.remove("lower_extremity")
    return found


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
_TOPICAL = re.compile(r"\bcream\b|\bgel\b|\bpatch(?:es)?\b|ointment|lotion|topical|\bpads?\b|salonpas|lidoderm", re.I)
_INGREDIENT = re.compile(r"([A-Za-z][A-Za-z \-]+?)\s+\d+(?:\.\d+)?\s*%")



def parse_request(text: str, topic: Optional[str] = None) -> ParsedRequest:
    topic = topic or classify_topic(text)
    parsed = ParsedRequest(topic=topic)
    parsed.regions = body_regions(text)
    if len(parsed.regions) == 1:
        parsed.body_region = parsed.regions[0]
    elif len(parsed.regions) > 1:
        parsed.body_region = "multiple"
    parsed.study = diagnostic_study(text, topic)
    parsed.modality = passive_modality(text, topic)
    if topic == "injection":
        parsed.injection_type = injection_type(text)
        if parsed.injection_type == "epidural_steroid":
            approaches = [name for name, pattern in _APPROACHES if pattern.search(text)]
            parsed.injection_approach = approaches[0] if len(approaches) == 1 else None
        if parsed.injection_type in ("epidural_steroid", "facet_joint", "medial_branch_block", "facet_neurotomy"):
            parsed.spinal_levels = spinal_levels(text)
    if topic == "surgery":
        parsed.procedure = procedure(text)
    if topic == "durable_medical_equipment":
        parsed.equipment = equipment(text)
    if topic == "consultation":
        parsed.consultant_specialty = consultant_specialty(text)
    if topic in ("functional_restoration", "work_conditioning"):
        parsed.is_evaluation = bool(_EVALUATION.search(text))
    if topic == "psychological_treatment":
        parsed.is_evaluation = psychological_evaluation(text)
    if topic == "home_health":
        parsed.home_health_services = home_health_services(text)
        parsed.hours_per_week = hours_per_week(text)
    if topic == "spinal_cord_stimulator" and _TRIAL.search(text):
        parsed.is_trial = not _PERMANENT.search(text)
    elif topic == "spinal_cord_stimulator" and _PERMANENT.search(text):
        parsed.is_trial = False
    if topic == "physical_therapy" and re.search(r"aquatic|aqua ?therapy|pool therapy|hydrotherapy", text, re.I):
        parsed.is_aquatic = True
    if topic == "surgical_associated_service":
        parsed.associated_service = associated_service(text, topic)
    if topic in ("tens", "durable_medical_equipment"):
        kinds = [name for name, pattern in _STIMULATORS if pattern.search(text)]
        parsed.stimulator_types = kinds or None
        if re.search(r"\bpurchase\b|\bbuy\b", text, re.I):
            parsed.is_purchase = True
        elif re.search(r"\brental\b|\brent\b|\btrial\b|\bloan\b", text, re.I):
            parsed.is_purchase = False
    if topic in drug_topics() or (lookup_drug(text) and topic == "other"):
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
    if parsed.sessions is None and topic == "functional_restoration":
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


# The dosage form as the request writes it (a brand that is one form, e.g. Lidoderm, is read as that form).
_FORMS = [
    ("patch", re.compile(r"\bpatch(?:es)?\b|\blidoderm\b|\bsalonpas\b|\btransdermal\b|\bpads?\b", re.I)),
    ("cream", re.compile(r"\bcream\b", re.I)),
    ("gel", re.compile(r"\bgel\b", re.I)),
    ("ointment", re.compile(r"\bointment\b", re.I)),
    ("lotion", re.compile(r"\blotion\b", re.I)),
    ("spray", re.compile(r"\bspray\b", re.I)),
    ("liquid", re.compile(r"\bliquid\b|\bsolution\b|\bsuspension\b|\belixir\b|\bsyrup\b|\boral (?:solution|liquid)", re.I)),
    ("capsule", re.compile(r"\bcap(?:sule)?s?\b", re.I)),
    ("tablet", re.compile(r"\btab(?:let)?s?\b", re.I)),
]


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
    if _TOPICAL.search(text) or topic == "topical_analgesic":
        drug.route = "topical" if not re.search(r"\bpatch", text, re.I) else "transdermal"
    elif re.search(r"oral|by mouth|orally|\bpo\b|tab(?:let)?s?\b|cap(?:sule)?s?\b", text, re.I) or topic != "other":
        drug.route = "oral"
    ingredients = [" ".join(m.group(1).split()) for m in _INGREDIENT.finditer(text)]
    ingredients = [i for i in ingredients if not re.fullmatch(r"(?i)cream|gel|base|in", i)]
    if len(ingredients) >= 2 or re.search(r"compound", text, re.I):
        drug.is_compounded = True
        drug.ingredients = ingredients or None
        drug.name = ", ".join(ingredients) if ingredients else drug.name
        if len(ingredients) >= 2:
            drug.strength = None  # each ingredient has its own; the first one's is not the product's
    return drug
