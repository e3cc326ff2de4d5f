"""The reader's lexicons, as data: the concepts (lexicon/concepts.yaml), the ConText triggers
(lexicon/context.yaml), the number words (lexicon/numbers.yaml) and the work statuses (lexicon/work_status.yaml),
validated on load with the line of any problem.

The Python of the reader is the machinery that applies them (sentences, scope, ConText, evidence); what
it looks for, and which facts and topics it serves, is written in the YAML for a clinician to review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Iterable, Literal, Optional, Union

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
    # A mention this matches inside (one naming an operation) is silenced by an exclude in its own clause only, and
    # there by one from the mention on: "s/p lumbar fusion 2021; a TKA is scheduled" tells the fusion done, "the TKA
    # scheduled for June" does not tell the TKA done.
    excludes_from_mention_when: Optional[re.Pattern[str]] = None
    # Such a mention is silenced by an exclude before it in its clause too, unless it matches this at its start:
    # placing the operation before the care ("the request is for PT after the ankle ORIF", "status post ..."), the
    # plan word is the care's; naming the operation alone ("authorized: a knee arthroscopy on 3/2/2017"), it is the
    # operation's.
    excludes_before_spared_when: Optional[re.Pattern[str]] = None
    # A regional mention whose clause names no body region is on the region of the operation it names (rules/
    # surgeries.yaml `region`: a TKA is the knee's, a CTR the wrist's) before the rest of its sentence is looked in.
    operation_regions: bool = False


# A measured concept's phrases are compiled into one alternation, where a group name may appear once: each phrase's
# `before` and `after` (and their optional units, `before_unit` and `after_unit`) are renamed with its index
# (`before_0`, `after_unit_0`, ...), which `measured_change` reads.
_MEASURE_GROUP = re.compile(r"\(\?P<(before|after)(_unit)?>")
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


def figure(text: Optional[str]) -> Optional[float]:
    """A measure's figure: a number (`number`) or a work status's rank (`work_status_rank`)."""
    value = number(text)
    if value is not None or text is None:
        return value
    rank = work_status_rank(text)
    return None if rank is None else float(rank)


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


# --- the number words and the work statuses (lexicon/numbers.yaml, lexicon/work_status.yaml) ----------------------
# Each is one table that every reader of its words derives from. Their paths are fixed here, not read from
# LEXICON_DIR later: the readers build their patterns from them when they are imported.
NUMBERS_FILE = LEXICON_DIR / "numbers.yaml"
WORK_STATUS_FILE = LEXICON_DIR / "work_status.yaml"


def _number_words(words: dict[str, int]) -> dict[str, int]:
    for word in words:
        if not re.fullmatch(r"[a-z]+(?:-[a-z]+)*", word):
            raise ValueError(f"{word!r} is not a number word: lower-case letters, parts joined by a hyphen")
    return words


class NumbersFile(_Strict):
    counts: dict[str, int] = Field(min_length=1)
    times: dict[str, int] = Field(default_factory=dict)

    _words = field_validator("counts", "times")(lambda cls, v: _number_words(v))

    @model_validator(mode="after")
    def _each_word_once(self) -> "NumbersFile":
        both = sorted(set(self.counts) & set(self.times))
        if both:
            raise ValueError(f"a word is a count or a number of times, not both: {', '.join(both)}")
        return self


def _with_compounds(words: dict[str, int]) -> dict[str, int]:
    """The words with each ten's compounds as English writes them ("twenty" and "four" make "twenty-four")."""
    tens = {word: value for word, value in words.items() if value in range(20, 100, 10)}
    units = {word: value for word, value in words.items() if value in range(1, 10)}
    return {**words, **{f"{ten}-{unit}": ten_value + unit_value
                        for ten, ten_value in tens.items() for unit, unit_value in units.items()}}


def _with_spaced_spellings(words: dict[str, int]) -> dict[str, int]:
    """The words as the table writes them and each hyphenated one also with a space ("forty five")."""
    return {**words, **{word.replace("-", " "): value for word, value in words.items() if "-" in word}}


_NUMBERS: NumbersFile = load_model(NUMBERS_FILE, NumbersFile)[0]
# The words a count is written in ("twelve sessions", "for six weeks", "from one block to six"), and every number
# word with the words of times ("twice a week", "a single injection"), each with its value.
COUNT_WORDS: dict[str, int] = _with_spaced_spellings(_with_compounds(_NUMBERS.counts))
WORD_NUMBERS: dict[str, int] = {**COUNT_WORDS, **_with_spaced_spellings(_NUMBERS.times)}


def words_pattern(words: Iterable[str]) -> str:
    """The words as one alternation, the longest first: "sixteen" is not read as "six" where what follows the number
    in a pattern may start inside a word."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


class WorkStatusSpec(_Strict):
    # None for a status that is no degree of work restriction (retired); the key must be given.
    rank: Optional[int] = Field(ge=0)
    qualifiers: list[Phrase] = Field(default_factory=list)
    spellings: list[Phrase] = Field(default_factory=list)

    _phrases = field_validator("qualifiers", "spellings")(lambda cls, v: check_phrases(v) if v else v)

    @model_validator(mode="after")
    def _named(self) -> "WorkStatusSpec":
        if not self.qualifiers and not self.spellings:
            raise ValueError("a work status has spellings, qualifiers or both")
        return self


class WorkStatusFile(_Strict):
    work_words: list[str] = Field(min_length=1)
    move_words: list[str] = Field(default_factory=list)
    statuses: dict[str, WorkStatusSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _ranks_differ(self) -> "WorkStatusFile":
        ranks = [spec.rank for spec in self.statuses.values() if spec.rank is not None]
        if len(ranks) != len(set(ranks)):
            raise ValueError("two work statuses have one rank; each ranked status has its own")
        return self


_WORK_STATUSES: WorkStatusFile = load_model(WORK_STATUS_FILE, WorkStatusFile)[0]


def _status_names(spec: WorkStatusSpec, nouns: list[str], noun_optional: bool) -> str:
    """A status's spellings, and its qualifiers before a word of work ("light duty", "usual and customary work")."""
    names = [joined(spec.spellings)] if spec.spellings else []
    if spec.qualifiers:
        noun = "(?:" + "|".join(nouns) + ")"
        names.append("(?:" + joined(spec.qualifiers) + ")(?:[- ]time)?(?: and customary)?"
                     + (f"(?: {noun})?" if noun_optional else f" {noun}"))
    return "|".join(names)


# Each status as a sentence names it (a qualifier only before a word of work): the case's work status is the last a
# sentence affirms as current (clinical.work_status_now).
WORK_STATUSES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(r"\b(?:" + _status_names(spec, _WORK_STATUSES.work_words, False) + r")\b", re.I))
    for name, spec in _WORK_STATUSES.statuses.items())
# Each ranked status as a status moved from one to another names it (a qualifier alone, or before a word of work or
# of a move), with its rank.
_RANKED_STATUSES: tuple[tuple[int, str], ...] = tuple(
    (spec.rank, _status_names(spec, _WORK_STATUSES.work_words + _WORK_STATUSES.move_words, True))
    for spec in _WORK_STATUSES.statuses.values() if spec.rank is not None)
_RANKED_STATUS_PATTERNS = tuple((rank, re.compile(names, re.I)) for rank, names in _RANKED_STATUSES)
# concepts.yaml's {term:work_status}: every ranked status.
WORK_STATUS_TERM = "|".join(names for _, names in _RANKED_STATUSES)


def work_status_rank(text: str) -> Optional[int]:
    """The rank of a status {term:work_status} matched (0 off work, 1 restricted, 2 full duty), for a status moved
    from one to another: 9792.20(f)'s reduction in work restrictions, measured by the work status."""
    return next((rank for rank, pattern in _RANKED_STATUS_PATTERNS if pattern.fullmatch(text.strip())), None)


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
    excludes_from_mention_when: Optional[list[Phrase]] = None
    excludes_before_spared_when: Optional[list[Phrase]] = None
    operation_regions: bool = False
    # Sentences a reviewer can check the phrases against; tests/test_lexicon.py reads each one.
    examples: list[Example] = Field(default_factory=list)

    _phrases = field_validator("phrases")(lambda cls, v: check_phrases(v))
    _needs = field_validator("needs", "excludes", "excludes_from_mention_when",
                             "excludes_before_spared_when")(lambda cls, v: _optional_phrases(v))

    @model_validator(mode="after")
    def _spared_mentions(self) -> "ConceptSpec":
        if self.excludes_before_spared_when is not None and self.excludes_from_mention_when is None:
            raise ValueError("excludes_before_spared_when narrows excludes_from_mention_when, which is missing")
        if (self.excludes_from_mention_when is not None) and not self.excludes:
            raise ValueError("excludes_from_mention_when spares mentions from `excludes`, which is missing")
        return self

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
                       self.regional or bool(self.regions) or self.nerve_supply or self.limb_includes_spine
                       or self.operation_regions,
                       tuple(self.regions), self.nerve_supply, limb_includes_spine=self.limb_includes_spine,
                       better=self.better,
                       excludes_from_mention_when=compiled(self.excludes_from_mention_when),
                       excludes_before_spared_when=compiled(self.excludes_before_spared_when),
                       operation_regions=self.operation_regions)


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
                                        or c.operation_regions for c in self.concepts):
            raise ValueError("a regional concept (regional, regions, nerve_supply, limb_includes_spine, "
                             "operation_regions) is a case fact: a request has its own region")
        return self

    def serves(self, topic: str) -> bool:
        return self.sentences != "case" and (self.topics is None or topic in self.topics)


class ConceptsFile(_Strict):
    # Named alternations the phrases share ({term:NAME}); each must compile on its own. A term is one pattern, or a
    # list of them (a vocabulary read one entry a line, such as the daily activities), kept as their alternation.
    terms: dict[str, str] = Field(default_factory=dict)
    groups: dict[str, ConceptGroup]

    @field_validator("terms", mode="before")
    @classmethod
    def _terms_compile(cls, terms: Any) -> Any:
        if not isinstance(terms, dict):
            return terms
        as_patterns = {}
        for name, pattern in terms.items():
            entries = pattern if isinstance(pattern, list) else [pattern]
            for entry in entries:
                if not isinstance(entry, str):
                    raise ValueError(f"terms.{name} is a regular expression or a list of them (got {entry!r})")
                try:
                    re.compile(entry)
                except re.error as error:
                    raise ValueError(f"terms.{name} is not a regular expression: {error}: {entry!r}") from None
            as_patterns[name] = "|".join(entries)
        return as_patterns


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


# Terms built from the shared tables, not written in concepts.yaml: a count as a word ("six weeks ago"), a measure's
# figure in digits or as a word ("from one block to six blocks"), and a ranked work status ("from TTD to modified duty").
BUILT_TERMS = {"count_word": words_pattern(COUNT_WORDS), "figure": r"\d+(?:\.\d+)?|" + words_pattern(COUNT_WORDS),
               "work_status": WORK_STATUS_TERM}


def _terms() -> dict[str, str]:
    """concepts.yaml's terms and the built ones (BUILT_TERMS); the file may not give a built one itself."""
    parsed, data = _concepts_file()
    clashes = [name for name in BUILT_TERMS if name in parsed.terms]
    if clashes:
        path = str(LEXICON_DIR / "concepts.yaml")
        raise RuleLoadError([Problem(path, line_of(data, ("terms", name)), f"terms.{name}",
                                     f"{{term:{name}}} is built from {NUMBERS_FILE.name} and {WORK_STATUS_FILE.name}; "
                                     "change the table there") for name in clashes])
    # A term of the file may name a built one ({term:count_word}); built terms name none.
    return {**{name: with_terms(pattern, BUILT_TERMS) if "{term:" in pattern else pattern
               for name, pattern in parsed.terms.items()}, **BUILT_TERMS}


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
    terms = _terms()
    return {name: Group(name, group, tuple(c.concept(terms) for c in group.concepts))
            for name, group in parsed.groups.items()}


@cache
def term(name: str) -> re.Pattern[str]:
    """A named alternation of concepts.yaml (`terms`), compiled, for a reader that matches it with what a phrase cannot
    express (a date compared with the request's)."""
    return re.compile(with_drug_names(with_terms("{term:" + name + "}", _terms())), re.I)


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
