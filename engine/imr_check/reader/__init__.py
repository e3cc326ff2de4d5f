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
from .text import normalise

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
    """Each letter the text holds, as its own case; every evidence offset points into the whole text, normalised.

    The letters are split from the normalised text (normalising a letter again leaves it as it is), so each one's
    offsets, counted in its own text, are moved by where it starts: a later letter's highlights fall on its own
    sentences, not on the first letter's.
    """
    if len(split_letters(text)) == 1:
        return [read_letter_text(text, source)]
    whole = normalise(text)
    cases, start = [], 0
    for number, part in enumerate(split_letters(whole), 1):
        try:
            cases.append(_moved(read_letter_text(part, f"{source}#letter{number}"), start))
        except IncompleteLetter as error:
            if error.case is not None:
                error.case = _moved(error.case, start)
            raise
        start += len(part)  # the parts are consecutive slices of the whole
    return cases


def _moved(case: Case, start: int) -> Case:
    """The case with its evidence offsets moved by `start` characters."""
    if not start:
        return case
    evidence = {path: [e.model_copy(update={"offset": e.offset + start}) if e.offset is not None else e for e in found]
                for path, found in case.evidence.items()}
    return case.model_copy(update={"evidence": evidence})


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
