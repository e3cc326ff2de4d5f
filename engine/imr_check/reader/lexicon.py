"""The reader's lexicons, as data: the concepts (lexicon/concepts.yaml) and the ConText triggers
(lexicon/context.yaml), validated on load with the line of any problem.

The Python of the reader is the machinery that applies them (sentences, scope, ConText, evidence); what
it looks for, and which facts and topics it serves, is written in the YAML for a clinician to review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..errors import Problem, RuleLoadError
from .._yaml import line_of
from ..phrases import Phrase, check_phrases, joined, load_model, phrase_pattern
from ..vocabulary import BodyRegion, drug_class_names, topics

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"
PRESENCE, ASSESSMENT = "presence", "assessment"


@dataclass(frozen=True)
class Concept:
    path: str  # relative to the case ("clinical.red_flags") or to a request ("history.prior_treatment")
    pattern: re.Pattern[str]
    mode: str = PRESENCE
    value_if_present: bool = True
    sentence_needs: Optional[re.Pattern[str]] = None
    sentence_excludes: Optional[re.Pattern[str]] = None
    # A fact that is itself a suspicion ("carpal tunnel syndrome is suspected") reads an uncertain mention
    # ("rule out carpal tunnel syndrome") as present.
    uncertain_is_present: bool = False
    # One finding of several that make the fact: its negation says nothing of the others ("no fracture" is not
    # "no red flags"), so a negated mention is not read.
    negation_is_silent: bool = False
    # The fact holds for the body regions its sentences name (a knee surgery is no shoulder surgery): the regions
    # are kept with the fact (Case.regional_facts). `regions` are those a finding names by itself when its
    # sentence names none (saddle anaesthesia: the spine).
    regional: bool = False
    regions: tuple[str, ...] = ()
    # A finding of a nerve (a deficit, a radicular sign, an entrapment): its regions are widened to the limb and the
    # spinal region whose roots supply it (vocabulary.NERVE_SUPPLY), and a root level it names (C6, L5-S1) names its
    # spinal region.
    nerve_supply: bool = False
    # Care or symptoms of a whole limb, named without a joint ("radiating leg pain persists despite PT"), are also
    # the spinal region's whose roots supply the limb (vocabulary.NERVE_SUPPLY): a limb's radiating symptoms are its
    # roots'. A joint named (a knee) keeps the fact to the joint.
    limb_includes_spine: bool = False
    # A measured change ("ODI from 48 to 30", "sitting tolerance 45 min, was 15"): each phrase captures the
    # measure's earlier and later figures (groups `before` and `after`), and `better` says which way is a gain
    # (`lower` for a disability score, `higher` for a tolerance or a strength). A gain gives the concept's value, a
    # loss its opposite, no change nothing (`measured_change`).
    better: Optional[str] = None


# A measured concept's phrases are compiled into one alternation, where a group name may appear once: each phrase's
# `before` and `after` (and their optional units, `before_unit` and `after_unit`) are renamed with its index
# (`before_0`, `after_unit_0`, ...), which `measured_change` reads.
_MEASURE_GROUP = re.compile(r"\(\?P<(before|after)(_unit)?>")
# Figures written as words, for every reader that counts ("two hours instead of thirty minutes", "twice a week",
# "twelve sessions"; classify.py's request quantities too).
WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "eighteen": 18,
    "twenty": 20, "twenty-four": 24, "thirty": 30, "forty": 40, "forty-five": 45, "forty five": 45, "sixty": 60,
    "ninety": 90, "once": 1, "twice": 2, "thrice": 3, "single": 1,
}
# Units of time in minutes: a tolerance given in hours now and in minutes before is compared in one unit.
_MINUTES = {"min": 1, "mins": 1, "minute": 1, "minutes": 1, "hr": 60, "hrs": 60, "hour": 60, "hours": 60}
# A unit's one spelling, singular ("blocks" and "block", "pounds" and "lbs" are one unit).
_UNIT_SPELLING = {"pound": "lb", "feet": "ft", "foot": "ft", "mins": "min", "minute": "min", "hrs": "hr", "hour": "hr"}


def _unit(word: str) -> str:
    word = word.lower()
    word = _UNIT_SPELLING.get(word, word)
    if len(word) > 2 and word.endswith("s"):
        word = word[:-1]
    return _UNIT_SPELLING.get(word, word)


def number(text: Optional[str]) -> Optional[float]:
    """A figure written in digits or as a word (WORD_NUMBERS); None for anything else."""
    if text is None:
        return None
    word = text.lower()
    if word in WORD_NUMBERS:
        return float(WORD_NUMBERS[word])
    try:
        return float(text)
    except ValueError:
        return None


# Work statuses in the order of fewer restrictions, for a status moved from one to another ("from TTD to modified
# duty", "from light to regular duty"): 9792.20(f)'s reduction in work restrictions, measured by the work status. Off
# work is looked for first, then full duty, so "full-time" is not read as a part-time status.
WORK_STATUS_RANKS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"\bTTD\b|\boff (?:of )?work\b|\bnot working\b|temporar\w* total(?:ly)? disab|total(?:ly)? "
                r"(?:temporar\w* )?disab", re.I), 0),
    (re.compile(r"\b(?:full|regular|usual|unrestricted|normal|customary)\b", re.I), 2),
    (re.compile(r"\b(?:modified|light|restricted|limited|sedentary|transitional|part[- ]time)\b", re.I), 1),
)


def figure(text: Optional[str]) -> Optional[float]:
    """A measure's figure: a number (`number`) or a work status's rank (WORK_STATUS_RANKS)."""
    value = number(text)
    if value is not None or text is None:
        return value
    return next((float(rank) for pattern, rank in WORK_STATUS_RANKS if pattern.search(text)), None)


def measured_change(concept: Concept, match: re.Match[str]) -> int:
    """+1 when the match measures a gain (its figures moved the `better` way), -1 a loss, 0 no change or no figures."""
    figures: dict[str, Optional[float]] = {}
    units: dict[str, str] = {}
    for name, value in match.groupdict().items():
        side, _, rest = name.partition("_")
        if value is None or side not in ("before", "after"):
            continue
        if rest.startswith("unit_"):
            units[side] = _unit(value)
        else:
            figures[side] = figure(value)
    if set(figures) != {"before", "after"} or None in figures.values():
        return 0
    if len(units) == 2 and units["before"] != units["after"]:
        if units["before"] not in _MINUTES or units["after"] not in _MINUTES:
            return 0  # units that cannot be compared say nothing
        figures = {side: figure * _MINUTES[units[side]] for side, figure in figures.items()}  # type: ignore[operator]
    if figures["before"] == figures["after"]:
        return 0
    rose = figures["after"] > figures["before"]  # type: ignore[operator]
    return 1 if rose == (concept.better == "higher") else -1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _optional_phrases(value: Optional[list[Phrase]]) -> Optional[list[Phrase]]:
    return None if value is None else check_phrases(value)


class Example(_Strict):
    """A sentence and what the concept makes of it (true, false, not_documented: the sentence says the record does
    not document it, or null: not read), checked by the test suite."""

    text: str = Field(min_length=1)
    value: Optional[Union[bool, Literal["not_documented"]]]


class ConceptSpec(_Strict):
    fact: str = Field(pattern=r"^[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*$")
    phrases: list[Phrase]
    mode: Literal["presence", "assessment"] = PRESENCE
    value: Union[bool, str] = True
    needs: Optional[list[Phrase]] = None
    excludes: Optional[list[Phrase]] = None
    uncertain_is_present: bool = False
    negation_is_silent: bool = False
    regional: bool = False
    regions: list[BodyRegion] = Field(default_factory=list)
    nerve_supply: bool = False
    limb_includes_spine: bool = False
    better: Optional[Literal["lower", "higher"]] = None
    # Sentences a reviewer can check the phrases against; tests/test_lexicon.py reads each one.
    examples: list[Example] = Field(default_factory=list)

    _phrases = field_validator("phrases")(lambda cls, v: check_phrases(v))
    _needs = field_validator("needs", "excludes")(lambda cls, v: _optional_phrases(v))

    @model_validator(mode="after")
    def _measured_phrases(self) -> "ConceptSpec":
        if self.better is None:
            return self
        if self.mode != PRESENCE or not isinstance(self.value, bool):
            raise ValueError("a measured concept (better: lower|higher) is a presence fact with a yes/no value")
        for phrase in self.phrases:
            groups = [side for side, unit in _MEASURE_GROUP.findall(phrase_pattern(phrase)) if not unit]
            if sorted(groups) != ["after", "before"]:
                raise ValueError(f"each phrase of a measured concept captures (?P<before>...) and (?P<after>...) once: "
                                 f"{phrase_pattern(phrase)!r}")
        return self

    def concept(self, terms: Optional[dict[str, str]] = None) -> Concept:
        def compiled(phrases: Optional[list[Phrase]]) -> Optional[re.Pattern[str]]:
            return re.compile(with_drug_names(with_terms(joined(phrases), terms or {})), re.I) if phrases else None

        phrases: list[Phrase] = self.phrases
        if self.better is not None:
            phrases = [_MEASURE_GROUP.sub(lambda m, i=i: f"(?P<{m.group(1)}{m.group(2) or ''}_{i}>", phrase_pattern(p))
                       for i, p in enumerate(self.phrases)]
        return Concept(self.fact, compiled(phrases), self.mode, self.value,  # type: ignore[arg-type]
                       compiled(self.needs), compiled(self.excludes), self.uncertain_is_present,
                       self.negation_is_silent,
                       self.regional or bool(self.regions) or self.nerve_supply or self.limb_includes_spine,
                       tuple(self.regions), self.nerve_supply, limb_includes_spine=self.limb_includes_spine,
                       better=self.better)


# "{drugs:CLASS}" in a phrase stands for every name of the class in rules/drugs.yaml (brand and generic), so a concept
# that needs an NSAID or an opioid named reads the drug lexicon instead of a copy of part of it.
_DRUG_CLASS_PLACEHOLDER = re.compile(r"\{drugs:(\w+)\}")


def with_drug_names(pattern: str) -> str:
    def names(match: re.Match[str]) -> str:
        found = drug_class_names(match.group(1))
        if not found:
            raise RuleLoadError.single(str(LEXICON_DIR / "concepts.yaml"), f"{{drugs:{match.group(1)}}} names no drug class "
                                       "with drugs in rules/drugs.yaml")
        return "(?:" + "|".join(re.escape(name) for name in found) + ")"

    return _DRUG_CLASS_PLACEHOLDER.sub(names, pattern)


# "{term:NAME}" in a phrase stands for the file's `terms.NAME`: one alternation that many phrases name (the home
# exercise program's words), kept once so that a word added there reaches every phrase.
_TERM_PLACEHOLDER = re.compile(r"\{term:(\w+)\}")


def with_terms(pattern: str, terms: dict[str, str]) -> str:
    def term(match: re.Match[str]) -> str:
        if match.group(1) not in terms:
            raise RuleLoadError.single(str(LEXICON_DIR / "concepts.yaml"), f"{{term:{match.group(1)}}} names no entry of "
                                       f"terms (known: {', '.join(sorted(terms)) or 'none'})")
        return "(?:" + terms[match.group(1)] + ")"

    return _TERM_PLACEHOLDER.sub(term, pattern)


class ConceptGroup(_Strict):
    description: str = Field(min_length=1)
    scope: Literal["case", "request"]
    sentences: Literal["case", "treatment", "summary"]
    topics: Optional[list[str]] = None
    # A response read from the treatment it follows (sentences: treatment): the other treatments a clause may name
    # (the drug lexicon's names are added). A clause naming only others is theirs; a summary line naming no treatment
    # at all is read for what it says the record lacks.
    other_treatments: Optional[list[Phrase]] = None
    # Words after which a treatment named is what was cut or stopped, not what the response follows ("takes half the
    # meloxicam she used to").
    cut_words: Optional[list[Phrase]] = None
    concepts: list[ConceptSpec] = Field(min_length=1)

    _other_treatments = field_validator("other_treatments", "cut_words")(lambda cls, v: _optional_phrases(v))

    @model_validator(mode="after")
    def _case_sentences(self) -> "ConceptGroup":
        if self.other_treatments is not None and self.sentences != "treatment":
            raise ValueError("other_treatments is for a group read in the sentences about the treatment")
        if self.cut_words is not None and self.other_treatments is None:
            raise ValueError("cut_words are read with other_treatments")
        if self.sentences == "case" and self.topics is not None:
            raise ValueError("a group read in the case's sentences (sentences: case) is read once for the case, "
                             "not for request topics")
        if self.sentences != "case" and self.scope == "case" and self.topics is None:
            raise ValueError("a case fact read for requests names the topics it is read for")
        if self.sentences == "treatment" and self.scope == "case":
            raise ValueError("a case fact read for requests is read once, in their rationales and the whole summary "
                             "(sentences: summary): the summary's sentences about a treatment are one request's")
        if self.scope != "case" and any(c.regional or c.regions or c.nerve_supply or c.limb_includes_spine
                                        for c in self.concepts):
            raise ValueError("a regional concept (regional, regions, nerve_supply, limb_includes_spine) is a case "
                             "fact: a request has its own region")
        return self

    def serves(self, topic: str) -> bool:
        return self.sentences != "case" and (self.topics is None or topic in self.topics)


class ConceptsFile(_Strict):
    # Named alternations the phrases share ({term:NAME}); each must compile on its own.
    terms: dict[str, str] = Field(default_factory=dict)
    groups: dict[str, ConceptGroup]

    @field_validator("terms")
    @classmethod
    def _terms_compile(cls, terms: dict[str, str]) -> dict[str, str]:
        for name, pattern in terms.items():
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"terms.{name} is not a regular expression: {error}") from None
        return terms


@dataclass(frozen=True)
class Group:
    name: str
    spec: ConceptGroup
    concepts: tuple[Concept, ...]


# Read and checked once: concept_groups and each term() read it, and checking every phrase of the file took about a
# second on each read.
@cache
def _concepts_file() -> tuple[ConceptsFile, Any]:
    return load_model(LEXICON_DIR / "concepts.yaml", ConceptsFile)


@cache
def concept_groups() -> dict[str, Group]:
    path = LEXICON_DIR / "concepts.yaml"
    parsed, data = _concepts_file()
    known = topics()
    problems = []
    for name, group in parsed.groups.items():
        for topic in group.topics or []:
            if topic not in known:
                problems.append(Problem(str(path), line_of(data, ("groups", name, "topics")), f"groups.{name}.topics",
                                        f"unknown topic {topic!r} (see rules/topics.yaml)"))
    if problems:
        raise RuleLoadError(problems)
    return {name: Group(name, group, tuple(c.concept(parsed.terms) for c in group.concepts))
            for name, group in parsed.groups.items()}


@cache
def term(name: str) -> re.Pattern[str]:
    """A named alternation of concepts.yaml (`terms`), compiled, for a reader that matches it with what a phrase cannot
    express (a date compared with the request's)."""
    terms = _concepts_file()[0].terms
    return re.compile(with_drug_names(with_terms("{term:" + name + "}", terms)), re.I)


def case_concepts() -> list[Concept]:
    """The concepts read once for the case, in every sentence of the summary and the rationales."""
    return [c for g in concept_groups().values() if g.spec.sentences == "case" for c in g.concepts]


def concept(path: str) -> Concept:
    """The first concept for a fact path (for readers that reuse a concept's phrases, e.g. the surgery performed)."""
    return next(c for g in concept_groups().values() for c in g.concepts if c.path == path)


def request_groups(topic: str) -> list[Group]:
    """The groups of a request's own facts (scope: request) read for a request of this topic, in the lexicon's order."""
    return [g for g in concept_groups().values() if g.spec.scope == "request" and g.spec.serves(topic)]


def case_groups_for_requests() -> list[Group]:
    """The groups of case facts read for requests of their topics (scope: case, sentences: summary), in the lexicon's
    order: read once for the case, in the rationales of those requests and the summary."""
    return [g for g in concept_groups().values() if g.spec.scope == "case" and g.spec.sentences != "case"]


class NamedKind(_Strict):
    kind: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    phrases: list[Phrase]

    _phrases = field_validator("phrases")(lambda cls, v: check_phrases(v))


class RequestsFile(_Strict):
    lists: dict[str, list[NamedKind]]


# The lists the request readers apply (reader/classify.py); each must be in lexicon/requests.yaml.
REQUEST_LISTS = ("body_regions", "nerve_roots", "studies", "modalities", "injection_types", "epidural_approaches", "stimulators",
                 "equipment", "consultant_specialties", "home_health_services", "dosage_forms", "laboratory_tests",
                 "comorbidities", "drug_release", "sacroiliac_provocative_tests")


@cache
def _request_lists() -> dict[str, tuple[tuple[str, re.Pattern[str]], ...]]:
    path = LEXICON_DIR / "requests.yaml"
    parsed, data = load_model(path, RequestsFile)
    missing = [name for name in REQUEST_LISTS if name not in parsed.lists]
    unknown = [name for name in parsed.lists if name not in REQUEST_LISTS]
    if missing or unknown:
        raise RuleLoadError([Problem(str(path), line_of(data, ("lists",)), "lists",
                                     f"the lists are {', '.join(REQUEST_LISTS)}"
                                     + (f"; missing: {', '.join(missing)}" if missing else "")
                                     + (f"; unknown: {', '.join(unknown)}" if unknown else ""))])
    return {name: tuple((k.kind, re.compile(joined(k.phrases), re.I)) for k in kinds)
            for name, kinds in parsed.lists.items()}


class NamedKinds:
    """A list of lexicon/requests.yaml as (kind, pattern) pairs, in its order; read when first used."""

    def __init__(self, name: str) -> None:
        if name not in REQUEST_LISTS:
            raise KeyError(name)
        self.name = name

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(_request_lists()[self.name])
