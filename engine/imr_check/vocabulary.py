"""Shared vocabularies: request topics and the drug lexicon (data in rules/), body regions.

A topic declares in rules/topics.yaml how the reader recognises it and what the reader does for it
(the attributes below); reader code asks for the topics with an attribute, never for a topic by name.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ._data import rules_dir
from ._yaml import line_of, load_yaml_file
from .errors import Problem, RuleLoadError
from .phrases import Phrase, check_phrases, joined, load_model

BodyRegion = Literal[
    "head",
    "cervical_spine",
    "thoracic_spine",
    "lumbar_spine",
    "sacroiliac",
    "shoulder",
    "elbow",
    "forearm_wrist_hand",
    "hip_pelvis",
    "knee",
    "ankle_foot",
    "upper_extremity",
    "lower_extremity",
    "chest",
    "abdomen",
    "multiple",
    "other",
]
BODY_REGIONS: tuple[str, ...] = BodyRegion.__args__  # type: ignore[attr-defined]
# The joints of each limb: a generic limb ("left lower extremity") stands for one of them.
LIMB_JOINTS: dict[str, frozenset[str]] = {"upper_extremity": frozenset({"shoulder", "elbow", "forearm_wrist_hand"}),
                                          "lower_extremity": frozenset({"hip_pelvis", "knee", "ankle_foot"})}
# A limb and the spinal region whose nerve roots supply it: numbness of the thumb may come from the C6 root or the median
# nerve, so a finding of a nerve anywhere in one of these is a finding for each of them (a clinician looks for its
# source in the neck or along the arm), and for none of the other (a numb foot is no finding for an arm study).
NERVE_SUPPLY: tuple[frozenset[str], ...] = (
    frozenset({"cervical_spine", "upper_extremity", "shoulder", "elbow", "forearm_wrist_hand"}),
    frozenset({"lumbar_spine", "sacroiliac", "lower_extremity", "hip_pelvis", "knee", "ankle_foot"}),
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Recognition(_Strict):
    """Phrases that name the topic; among the entries that match a request, the highest priority wins."""

    priority: int = Field(description="Unique across all topics: decides between overlapping topics")
    phrases: list[Phrase]
    # The drug topics a request matched by this entry yields to, in place of the topic's own `yields_to_drug`
    # (an empty list: none). A patch may be a drug taken for its systemic effect (Butrans); a cream never is.
    yields_to_drug: Union[Literal["any"], list[str], None] = None

    _phrases = field_validator("phrases")(lambda cls, v: check_phrases(v))

    @property
    def pattern(self) -> str:
        return joined(self.phrases)


NUMBER_READERS = ("morphine_equivalent_dose", "pain_relief")
PART_NAMES = (
    "electrodiagnostic_study", "imaging_study", "modality", "injection", "procedure", "equipment",
    "stimulator_and_purchase", "consultant_specialty", "program_evaluation", "program_days",
    "psychological_evaluation", "home_health_services", "trial_or_permanent", "aquatic", "associated_service",
    "laboratory_tests",
)


class Treatment(_Strict):
    """How the record names this topic's treatment when it recounts the history, and what is read about it."""

    words: list[Phrase] = Field(default_factory=list)
    # A request naming one of these (and not `words`) has that one's history instead.
    variants: list[list[Phrase]] = Field(default_factory=list)
    sessions_completed: bool = False
    listed_in_inventory: bool = False
    numbers: list[Literal["morphine_equivalent_dose", "pain_relief"]] = Field(default_factory=list)
    prior_study: bool = False

    @field_validator("words")
    @classmethod
    def _words(cls, value: list[Phrase]) -> list[Phrase]:
        return check_phrases(value) if value else value

    @field_validator("variants")
    @classmethod
    def _variants(cls, value: list[list[Phrase]]) -> list[list[Phrase]]:
        return [check_phrases(v) for v in value]


class Topic(_Strict):
    id: str = ""
    title: str = Field(min_length=1)
    description: str = ""
    recognise: list[Recognition] = Field(default_factory=list)
    yields_to_drug: Union[Literal["any"], list[str], None] = None
    # The topics a request matched by this topic's phrases goes to when its text is also one of theirs by their own
    # phrases: equipment for after an operation is judged as that equipment (ODG's DME entries), not as the operation.
    yields_to: list[str] = Field(default_factory=list)
    drug: bool = False
    fallback: bool = False
    parts: list[Literal[PART_NAMES]] = Field(default_factory=list)  # type: ignore[valid-type]
    rules_by_body_region: bool = False
    operation: bool = False
    invasive_procedure: bool = False
    in_use_fact: Optional[str] = Field(None, pattern=r"^clinical\.[a-z_]+$")
    # Words that name the whole class ("NSAIDs", "narcotics"), beside its drugs' names: for in_use_fact, and for a
    # drug request the class taken before (reader.clinical.class_use_pattern).
    in_use_words: list[Phrase] = Field(default_factory=list)
    topical: bool = False
    # A request naming two or more body regions, or (imaging) two or more studies, is read as parts, each judged
    # on its own (case.Request.parts).
    parts_by_region: bool = False
    # A generic limb in the request is the one joint of that limb the case names, if it names exactly one.
    limb_to_joint: bool = False
    monitored_medication: bool = False
    first_line_neuropathic: bool = False
    # The drug topic this one is given with (gastric protection with an NSAID): the other item of that topic in
    # the same letter decides request.given_with_supported.
    given_with: Optional[str] = None
    treatment: Treatment = Field(default_factory=Treatment)

    @field_validator("in_use_words")
    @classmethod
    def _in_use_words(cls, value: list[Phrase]) -> list[Phrase]:
        return check_phrases(value) if value else value

    @property
    def treatment_words(self) -> Optional[str]:
        return joined(self.treatment.words) if self.treatment.words else None


class TopicsFile(_Strict):
    topics: dict[str, Topic]

    @model_validator(mode="after")
    def _consistent(self) -> "TopicsFile":
        fallbacks = [t for t, topic in self.topics.items() if topic.fallback]
        if len(fallbacks) != 1:
            raise ValueError(f"exactly one topic is the fallback (fallback: true); found {len(fallbacks)}")
        for topic_id, topic in self.topics.items():
            if topic.given_with is not None and topic.given_with not in self.topics:
                raise ValueError(f"topic {topic_id}: given_with names {topic.given_with!r}, which is not a topic "
                                 f"(known: {', '.join(sorted(self.topics))})")
            for other in topic.yields_to:
                if other not in self.topics or other == topic_id:
                    raise ValueError(f"topic {topic_id}: yields_to names {other!r}, which is not another topic "
                                     f"(known: {', '.join(sorted(self.topics))})")
        return self


def _topic_problems(parsed: TopicsFile, data: dict, path: str) -> list[Problem]:
    problems = []
    seen: dict[int, str] = {}
    for topic_id, topic in parsed.topics.items():
        for i, entry in enumerate(topic.recognise):
            where = ("topics", topic_id, "recognise", i, "priority")
            if entry.priority in seen:
                problems.append(Problem(path, line_of(data, where), f"topics.{topic_id}.recognise[{i}].priority",
                                        f"priority {entry.priority} is also given to {seen[entry.priority]}; "
                                        f"priorities decide overlaps, so each must be unique"))
            seen[entry.priority] = f"{topic_id}.recognise[{i}]"
        places = [(("topics", topic_id, "yields_to_drug"), f"topics.{topic_id}.yields_to_drug", topic.yields_to_drug)]
        places += [(("topics", topic_id, "recognise", i, "yields_to_drug"),
                    f"topics.{topic_id}.recognise[{i}].yields_to_drug", entry.yields_to_drug)
                   for i, entry in enumerate(topic.recognise)]
        for where, location, yields in places:
            for other in yields if isinstance(yields, list) else []:
                if other not in parsed.topics or not parsed.topics[other].drug:
                    problems.append(Problem(path, line_of(data, where), location,
                                            f"{other!r} is not a drug topic (drug: true){suggest(other, tuple(parsed.topics))}"))
    return problems


@dataclass(frozen=True)
class DrugEntry:
    generic: str
    drug_class: str
    names: tuple[str, ...]
    ingredients: tuple[str, ...] = ()  # a branded combination product: its active ingredients, generic names


@cache
def topics() -> dict[str, Topic]:
    path = rules_dir() / "topics.yaml"
    parsed, data = load_model(path, TopicsFile)
    # A topic a drug class names (rules/drugs.yaml `classes`) is a drug topic.
    named = {topic_id for topic_id in drug_class_topics().values() if topic_id}
    parsed = parsed.model_copy(update={"topics": {
        topic_id: topic.model_copy(update={"id": topic_id, "drug": topic.drug or topic_id in named})
        for topic_id, topic in parsed.topics.items()}})
    problems = _topic_problems(parsed, data, str(path))
    if problems:
        raise RuleLoadError(problems)
    return dict(parsed.topics)


def topics_where(attribute: str) -> frozenset[str]:
    """The topics whose attribute (a flag of rules/topics.yaml, or `treatment.<flag>`) is set."""
    def value(topic: Topic) -> object:
        holder: object = topic
        for part in attribute.split("."):
            holder = getattr(holder, part)
        return holder

    return frozenset(t for t, topic in topics().items() if value(topic))


def fallback_topic() -> str:
    """The topic of a request nothing recognises (`other`: evaluated as undetermined)."""
    return next(iter(topics_where("fallback")))


def topic(topic_id: str) -> Topic:
    """The topic, or the fallback's attributes for an id no topic has."""
    known = topics()
    return known.get(topic_id) or known[fallback_topic()]


@cache
def drug_lexicon() -> dict[str, DrugEntry]:
    """Every known drug name (brand or generic, lower case) to its generic name and class."""
    path = rules_dir() / "drugs.yaml"
    data = load_yaml_file(path)
    classes = topics()
    by_name: dict[str, DrugEntry] = {}
    for generic, entry in data["drugs"].items():
        line = data["drugs"].key_lines.get(generic)
        drug_class = entry.get("class")
        if drug_class not in data["classes"]:
            raise RuleLoadError.single(str(path), f"drug {generic!r}: unknown class {drug_class!r}", line)
        names = (generic, *entry.get("names", ()))
        ingredients = tuple(entry.get("ingredients", ()))
        for ingredient in ingredients:
            if ingredient not in data["drugs"]:
                raise RuleLoadError.single(
                    str(path), f"product {generic!r}: ingredient {ingredient!r} is not a drug of the lexicon", line
                )
        record = DrugEntry(generic, drug_class, tuple(names), ingredients)
        for name in names:
            key = name.lower()
            if key in by_name and by_name[key] != record:
                raise RuleLoadError.single(str(path), f"name {name!r} given to two drugs", line)
            by_name[key] = record
    for class_id, topic_id in data["classes"].items():
        if topic_id is not None and topic_id not in classes:
            raise RuleLoadError.single(
                str(path), f"class {class_id!r} maps to unknown topic {topic_id!r}",
                data["classes"].key_lines.get(class_id),
            )
    return by_name


@cache
def drug_class_topics() -> dict[str, str | None]:
    return dict(load_yaml_file(rules_dir() / "drugs.yaml")["classes"])


@cache
def drug_class_names(drug_class: str) -> tuple[str, ...]:
    """Every name (brand or generic, lower case) of a class's drugs, longest first so a pattern prefers the whole name."""
    return tuple(sorted((name for name, entry in drug_lexicon().items() if entry.drug_class == drug_class),
                        key=len, reverse=True))


@cache
def _drug_pattern() -> re.Pattern[str]:
    names = sorted(drug_lexicon(), key=len, reverse=True)
    return re.compile(r"(?<![a-z])(" + "|".join(re.escape(n) for n in names) + r")(?![a-z])")


def lookup_drug(name: str) -> DrugEntry | None:
    """Find a drug by any of its names; the first name found wins ('Norco 10/325mg' -> hydrocodone), except
    that a drug whose class has no topic of its own yields to one that has ('APAP/codeine' -> codeine)."""
    lexicon, class_topics = drug_lexicon(), drug_class_topics()
    found = [lexicon[match.group(1)] for match in _drug_pattern().finditer(name.lower())]
    with_topic = [entry for entry in found if class_topics.get(entry.drug_class)]
    return (with_topic or found or [_misspelt_drug(name)])[0]


# The word a request opens with, past "Retrospective request for": where a prescription names its drug.
_LEADING_WORD = re.compile(r"^\W*(?:(?:retrospective|prospective)\s+(?:request\s+for\s+)?)?(?:(?:an?|one|\d+)\s+)?([a-z][a-z-]+)")
# How close a misspelt word must be to a drug's name: one letter dropped or changed in a name of six letters or more.
MISSPELLING_CUTOFF = 0.85
MISSPELLING_MIN_LETTERS = 6


def _misspelt_drug(text: str) -> DrugEntry | None:
    """The drug a request names misspelt ('Hydrocodne', 'Cyclobenzeprine'): its opening word, when it is within a
    letter or two of a one-word name of the lexicon with the same first letter. Only the opening word, where a
    prescription names its drug, so that no other word of a request is taken for a drug."""
    match = _LEADING_WORD.match(text.lower())
    if match is None or len(match.group(1)) < MISSPELLING_MIN_LETTERS:
        return None
    word = match.group(1)
    close = difflib.get_close_matches(word, _one_word_names(word[0]), n=1, cutoff=MISSPELLING_CUTOFF)
    return drug_lexicon()[close[0]] if close else None


@cache
def _one_word_names(initial: str) -> tuple[str, ...]:
    """The lexicon's one-word names a misspelling may be of, by first letter: made once, not per request."""
    return tuple(name for name in drug_lexicon()
                 if name[0] == initial and " " not in name and len(name) >= MISSPELLING_MIN_LETTERS)


def drug_mentions(text: str) -> list[tuple[int, int, DrugEntry]]:
    """Where the text names a drug of the lexicon whose class has a topic: (start, end, entry), in order."""
    lexicon, class_topics = drug_lexicon(), drug_class_topics()
    found = [(m.start(), m.end(), lexicon[m.group(1)]) for m in _drug_pattern().finditer(text.lower())]
    return [(start, end, entry) for start, end, entry in found if class_topics.get(entry.drug_class)]


def drug_names_in(text: str) -> list[DrugEntry]:
    """Every drug of the lexicon the text names whose class has a topic, in the order named, once each."""
    return list({entry.generic: entry for _, _, entry in drug_mentions(text)}.values())


@cache
def drug_topics() -> frozenset[str]:
    """The request topics a drug class names: a request under one of them is a drug, read as a prescription."""
    return frozenset(topic for topic in drug_class_topics().values() if topic)


def suggest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""
