"""Shared vocabularies: request topics and the drug lexicon (data in rules/), body regions."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from ._data import rules_dir
from ._yaml import load_yaml_file
from .errors import RuleLoadError

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


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    description: str


@dataclass(frozen=True)
class DrugEntry:
    generic: str
    drug_class: str
    names: tuple[str, ...]
    ingredients: tuple[str, ...] = ()  # a branded combination product: its active ingredients, generic names


@cache
def topics() -> dict[str, Topic]:
    path = rules_dir() / "topics.yaml"
    data = load_yaml_file(path)
    if not isinstance(data, dict) or not isinstance(data.get("topics"), dict):
        raise RuleLoadError.single(str(path), "expected a mapping 'topics: {id: {title, description}}'")
    result = {}
    for topic_id, entry in data["topics"].items():
        if not isinstance(entry, dict) or "title" not in entry:
            raise RuleLoadError.single(
                str(path), f"topic {topic_id!r} needs a title", data["topics"].key_lines.get(topic_id)
            )
        result[topic_id] = Topic(topic_id, entry["title"], entry.get("description", ""))
    return result


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
def _drug_pattern() -> re.Pattern[str]:
    names = sorted(drug_lexicon(), key=len, reverse=True)
    return re.compile(r"(?<![a-z])(" + "|".join(re.escape(n) for n in names) + r")(?![a-z])")


def lookup_drug(name: str) -> DrugEntry | None:
    """Find a drug by any of its names; the first name found wins ('Norco 10/325mg' -> hydrocodone), except
    that a drug whose class has no topic of its own yields to one that has ('APAP/codeine' -> codeine)."""
    lexicon, class_topics = drug_lexicon(), drug_class_topics()
    found = [lexicon[match.group(1)] for match in _drug_pattern().finditer(name.lower())]
    with_topic = [entry for entry in found if class_topics.get(entry.drug_class)]
    return (with_topic or found or [None])[0]


@cache
def drug_topics() -> frozenset[str]:
    """The request topics a drug class names: a request under one of them is a drug, read as a prescription."""
    return frozenset(topic for topic in drug_class_topics().values() if topic)


def suggest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""
