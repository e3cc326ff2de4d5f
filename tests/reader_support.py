"""Shared fixtures for the reader tests: the letters in ../shared, extracted once per session."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEV = SHARED / "corpus" / "dev"
SEEDS = SHARED / "seeds"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


# A fact the letter states the record does not document: no value, listed in the case's `not_documented`.
NOT_DOCUMENTED = "not_documented"


def fact(case, path: str):
    """The value at a case path, or NOT_DOCUMENTED when the letter states the record does not document it."""
    return NOT_DOCUMENTED if path in case.not_documented else case.value_at(path)


def require_shared() -> None:
    if not DEV.is_dir() or not SEEDS.is_dir():
        pytest.skip(f"the shared letters are not at {SHARED} (CI has them): reader tests on real letters skipped")


def letter_paths() -> list[Path]:
    return sorted(DEV.glob("*.pdf")) + sorted(SEEDS.glob("*.txt"))


@cache
def texts() -> dict[Path, str]:
    from imr_check.reader import letter_text

    return {path: letter_text(path) for path in letter_paths()}


@cache
def cases() -> dict:
    from imr_check.reader import read_letter_text

    return {path: read_letter_text(text, str(path)) for path, text in texts().items()}


# --- letters written for the tests: one builder, so a change of layout is made once -----------------

SEEN = "The patient was seen on 02/01/2017."


def front_matter(case_number: str, *, injured: str = "05/04/2015", reviewer: tuple[str, str] | None = None) -> str:
    """A letter's header up to its summary heading: the short layout, or with `reviewer` (licensure, specialty) the
    full one, with the received date and the reviewer's credentials, and the summary's own heading line."""
    dates = f"Date Assigned: 03/01/2017 Date of Injury: {injured}\nDecision Date: 03/20/2017 UR Denial Date: 02/10/2017\n"
    if reviewer is None:
        return f"Case Number: {case_number}\n{dates}Priority: Standard\nCLINICAL CASE SUMMARY\n"
    licensure, specialty = reviewer
    return (f"Case Number: {case_number}\n{dates}Priority: Standard Application\nReceived:\n02/20/2017\n"
            "HOW THE IMR FINAL DETERMINATION WAS MADE\nA reviewer with no tie to the parties reviewed the file.\n"
            f"The Expert Reviewer has the following credentials:\nState(s) of Licensure: {licensure}\n"
            f"Certification(s)/Specialty: {specialty}\nCLINICAL CASE SUMMARY\n"
            "Summary of the records, prepared by the reviewer:\n")


def letter_item(header: str, rationale: str, *, guideline: str = "Decision based on MTUS.", closing: str = SEEN) -> str:
    """One disputed item, upheld: its header, the two guideline lines and the rationale followed by `closing`."""
    said = " ".join(part for part in (rationale.strip(), closing) if part)
    return (f"{header}: Upheld\nClaims Administrator guideline: Decision based on MTUS.\n"
            f"MAXIMUS guideline: {guideline}\nDecision rationale: {said}\n")


def synthetic_letter(summary: str, items: list[tuple[str, str]], *, case_number: str = "CM99-0000002",
                     worker: str = "50 year old male", injured: str = "05/04/2015", front: str | None = None,
                     guideline: str = "Decision based on MTUS.", closing: str = SEEN) -> str:
    """A letter written for the tests: a header, the summary (after the worker's age and injury, unless `front`
    is given: then `front` stands for both) and the (header, rationale) items."""
    if front is None:
        front = (front_matter(case_number, injured=injured) + f"The injured worker is a {worker} who sustained an "
                 f"industrial injury on {injured.replace('/', '-')}.\n")
    return "\n".join([front, summary.strip(), "\nIMR ISSUES, DECISIONS AND RATIONALES\n",
                      *(letter_item(header, rationale, guideline=guideline, closing=closing)
                        for header, rationale in items)])


def read_synthetic(summary: str, items: list[tuple[str, str]], **layout):
    """The case read from `synthetic_letter(summary, items, **layout)`."""
    from imr_check.reader import read_letter_text

    return read_letter_text(synthetic_letter(summary, items, **layout), "<test>")


_FLIP = {"upheld": "overturned", "overturned": "upheld", "Upheld": "Overturned", "Overturned": "Upheld",
         "UPHELD": "OVERTURNED", "OVERTURNED": "UPHELD"}
# A conclusion: a copula, an optional "not", an optional adverb, and a verdict word.
_CONCLUSION = re.compile(
    r"\b(is|are|was|were|be|been|IS|ARE)\s+(?:(not|NOT)\s+)?((?:\w+ly\s+)?(?:medically\s+|MEDICALLY\s+)?(?:necessary|"
    r"supported|recommended|indicated|warranted|certified|established|appropriate|NECESSARY))\b")


def _toggle(match: re.Match[str]) -> str:
    copula, negation, verdict = match.groups()
    return f"{copula} {verdict}" if negation else f"{copula} {'NOT' if copula.isupper() else 'not'} {verdict}"


def swap_decision(text: str) -> str:
    """The letter with every outcome and conclusion reversed: a reader blind to the decision reads the same facts."""
    text = re.sub(r"\b(?:upheld|overturned)\b", lambda m: _FLIP[m.group()], text, flags=re.I)
    text = re.sub(r"\bnon-certif", "certif", text)
    return _CONCLUSION.sub(_toggle, text)


def facts_only(case) -> dict:
    """Everything the rules can see: the case without the reviewer's outcomes and without evidence text."""
    data = case.model_dump(mode="json", exclude={"evidence"})
    for request in data["requests"]:
        request.pop("imr", None)
        # The utilization reviewer's decision is not a fact rules see (imr_check.facts leaves request.ur out), and
        # swap_decision rewrites UR's own "non-certified" too; test_ur_decisions_ignore_the_imr_outcome covers it.
        request.pop("ur", None)
    data["evidence_paths"] = sorted(path for path in case.evidence if not path.endswith(".ur"))
    return data
