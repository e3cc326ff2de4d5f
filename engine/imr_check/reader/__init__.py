"""The letter reader: IMR determination letters (PDF or text) to case files the engine evaluates.

`read_letter(path)` and `read_letter_text(text, source)` return a `Case`: the letter's structure
(case number, dates, reviewer, every disputed item with its outcome, guidelines and rationale), each
request classified to a topic and parsed, and the clinical facts the rules use, each with the
sentence it was read from. Facts are read blind to the decision: never from the outcome labels, nor
from sentences that state a conclusion, quote the guideline, or give the utilization reviewer's
reasons (see `sentences.py`). Anything that is not an IMR letter raises `InputError` naming the file;
a letter cut off after some complete items raises `IncompleteLetter` (an InputError) carrying the
case of those items.
"""

from __future__ import annotations

from pathlib import Path

from ..case import Case
from ..errors import IncompleteLetter, InputError
from .build import build_case
from .letter import EXPECTED, Letter, parse_letter, split_letters
from .pdf import letter_text

__all__ = ["EXPECTED", "Letter", "letter_text", "parse_letter", "read_letter", "read_letter_text", "read_letters",
           "read_letters_text", "split_letters"]


def read_letter(path: Path | str) -> Case:
    """The case a letter file (PDF or text) describes; InputError naming the file if it is not an IMR letter,
    or if it holds more than one letter (read_letters reads each)."""
    path = Path(path)
    text = letter_text(path)
    if len(split_letters(text)) > 1:
        cases = read_letters_text(text, str(path))
        numbers = ", ".join(case.case.id or "(no case number)" for case in cases)
        raise InputError.single(str(path), f"holds {len(cases)} letters ({numbers}); a case file is one letter's: "
                                           "split the file, or audit it (each letter is a case)")
    return read_letter_text(text, str(path))


def read_letters(path: Path | str) -> list[Case]:
    """Each letter a file holds, as its own case: a merged PDF of two letters is two cases."""
    path = Path(path)
    return read_letters_text(letter_text(path), str(path))


def read_letters_text(text: str, source: str = "<letter>") -> list[Case]:
    parts = split_letters(text)
    if len(parts) == 1:
        return [read_letter_text(text, source)]
    return [read_letter_text(part, f"{source}#letter{number}") for number, part in enumerate(parts, 1)]


def read_letter_text(text: str, source: str = "<letter>") -> Case:
    if not isinstance(text, str) or not text.strip():
        raise InputError.single(source, "is empty; expected an IMR determination letter")
    letter = parse_letter(text, source)
    case = build_case(letter)
    if letter.cut_off:
        error = IncompleteLetter.single(source, letter.cut_off)
        error.case = case
        raise error
    return case
