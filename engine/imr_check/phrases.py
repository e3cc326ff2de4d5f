"""Phrase lists in the YAML vocabularies (topics, reader lexicons): one phrase a line, joined into one pattern.

A phrase is a regular expression fragment, matched case-insensitively; `{literal: text}` is the text
as written, between word boundaries. A list of phrases matches when any of them does, which is the
alternation a reviewer would otherwise have to read in one long line of code.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Union

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ._yaml import load_yaml_file, validation_problems
from .errors import RuleLoadError


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Literal_(Strict):
    literal: str

    @field_validator("literal")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a literal phrase cannot be blank")
        return value


Phrase = Union[str, Literal_]


def phrase_pattern(phrase: Phrase) -> str:
    if isinstance(phrase, Literal_):
        return r"\b" + re.escape(phrase.literal) + r"\b"
    return phrase


def joined(phrases: list[Phrase]) -> str:
    """The phrases as one alternation, in their order (the first phrase that matches at a place wins)."""
    return "|".join(phrase_pattern(p) for p in phrases)


def check_phrases(phrases: list[Phrase]) -> list[Phrase]:
    """A validator body: every phrase compiles on its own, so an error names the phrase, not the joined pattern."""
    if not phrases:
        raise ValueError("give at least one phrase")
    for phrase in phrases:
        pattern = phrase_pattern(phrase)
        if not pattern.strip():
            raise ValueError("a phrase cannot be blank")
        try:
            re.compile(pattern)
        except re.error as error:
            raise ValueError(f"phrase {pattern!r} is not a valid regular expression: {error}") from None
    return phrases


def load_model(path: Path, model: type[BaseModel]) -> tuple[Any, Any]:
    """The file validated by `model`, and its raw data (with lines); a problem is a RuleLoadError naming the line."""
    data = load_yaml_file(path)
    try:
        return model.model_validate(data), data
    except ValidationError as error:
        raise RuleLoadError(validation_problems(error, data, str(path), model)) from None
