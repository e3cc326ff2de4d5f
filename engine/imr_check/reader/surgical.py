"""The surgical facts that are numbers or lists: body mass index, shoulder abduction, other illnesses
(patient.comorbidities), and the pre-operative tests a request names. The yes/no surgical findings are
lexicon data (lexicon/concepts.yaml, group surgical_findings); these need a value read out of the sentence.

Read only in a letter that disputes a surgery: they serve the per-procedure criteria (rules/surgery*.yaml)
and the pre-operative rules (rules/surgical_perioperative.yaml), and nothing else reads them.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Optional

from . import clinical, lexicon
from .clinical import Facts
from .context import AFFIRMED, assess
from .letter import DATE, parse_date
from .lexicon import NamedKinds
from .text import Sentence

_BMI = re.compile(r"\b(?:BMI|body mass index)\b\s*(?:of|is|was|=|:|at|measured at|calculated at)?\s*(?:about |approximately )?"
                  r"(\d{2}(?:\.\d+)?)(?!\d|\.\d)", re.I)
# "abduction of 80 degrees", "abduction to 80°", "80 degrees of abduction", "abduction 80": the shoulder's.
_ABDUCTION = re.compile(r"\babduction\b(?:\s*(?:of|to|is|was|at|:|=|limited|measured|measuring|only|about|approximately)\b:?)*"
                        r"\s*(\d{1,3})\s*(?:°|degrees?|deg\b)?|\b(\d{1,3})\s*(?:°|degrees?)\s*(?:of )?"
                        r"(?:active |passive )?abduction\b", re.I)
_NOT_SHOULDER = re.compile(r"\bhip\b|\bthigh\b|\bfinger|\bthumb|\btoe\b", re.I)
_SHOULDER = re.compile(r"shoulder|glenohumeral|\barm\b", re.I)
# "No significant past medical history", "otherwise healthy": documented as no other illness.
_NO_ILLNESS = re.compile(r"\b(?:no (?:significant |other |pertinent )?(?:past )?medical (?:history|problems|conditions)|"
                         r"otherwise (?:healthy|in good health)|no (?:known )?(?:comorbidities|medical comorbidities)|"
                         r"(?:past )?medical history (?:is|was) (?:noncontributory|unremarkable|negative))\b", re.I)
_COMORBIDITIES = NamedKinds("comorbidities")


def read_body_mass_index(sentences: list[Sentence], into: Facts) -> None:
    for sentence in sentences:
        match = _BMI.search(sentence.text)
        if match and 10 <= float(match.group(1)) <= 100:
            into.put("patient.body_mass_index", float(match.group(1)), [sentence])
            return


def read_shoulder_abduction(sentences: list[Sentence], into: Facts) -> None:
    """The smallest abduction measured at a shoulder: the limited side is the one operated on."""
    found: list[tuple[float, Sentence]] = []
    for sentence in sentences:
        if _NOT_SHOULDER.search(sentence.text) and not _SHOULDER.search(sentence.text):
            continue
        for match in _ABDUCTION.finditer(sentence.text):
            degrees = float(match.group(1) or match.group(2))
            if 0 <= degrees <= 180:
                found.append((degrees, sentence))
    if found:
        degrees, sentence = min(found, key=lambda pair: pair[0])
        into.put("clinical.shoulder_abduction_degrees", degrees, [sentence])


def read_comorbidities(sentences: list[Sentence], into: Facts) -> None:
    """The other illnesses named as the patient's (affirmed, not negated or suspected); none when the record
    says the history is otherwise clear and names none."""
    named: dict[str, Sentence] = {}
    said_none: Optional[Sentence] = None
    for sentence in sentences:
        for kind, pattern in _COMORBIDITIES:
            for match in pattern.finditer(sentence.text):
                if assess(sentence.text, match.start(), match.end()).status == AFFIRMED:
                    named.setdefault(kind, sentence)
                    break
        if said_none is None and _NO_ILLNESS.search(sentence.text):
            said_none = sentence
    if named:
        kinds = [kind for kind, _ in _COMORBIDITIES if kind in named]
        into.put("patient.comorbidities", kinds, list(dict.fromkeys(named[k] for k in kinds)))
    elif said_none is not None:
        into.put("patient.comorbidities", [], [said_none])


@cache
def _dated_trauma() -> re.Pattern[str]:
    """A trauma and its date in one clause, either order (the date in group 1 or 2); built once, not per letter."""
    trauma = lexicon.term("trauma").pattern
    return re.compile(rf"(?:{trauma})[^.;]{{0,60}}?\b({DATE})|\b({DATE})[^.;]{{0,40}}?(?:{trauma})", re.I)


def read_dated_traumas(sentences: list[Sentence], into: Facts, section_regions: Optional[dict[str, str]] = None) -> None:
    """clinical.dated_traumas: each trauma the record dates ("s/p fall 01/18/17", "twisting injury of the knee on
    1/22/17"), however long ago: the trauma and its date in one clause, affirmed, and not a healed or old lesion (the
    acute_injury concept's excludes). Whether one is recent enough to be an acute injury is not read here: the fact
    layer measures it against the request's day (facts.py, acute_injury_max_weeks in rules/facts.yaml), where the
    figure and its clause can be seen.

    A trauma is for the regions its clause or sentence names (a wrist fracture is no injury of the knee), one naming
    none in an item's rationale for its item's region (`section_regions`, as clinical.read_concepts), and any other
    for every region (no regions listed). A day dated in several sentences is one trauma, for every region one of
    them is for (every region when one names none)."""
    concept = lexicon.concept("clinical.acute_injury")
    dated = _dated_trauma()
    found: list[Sentence] = []
    regions_by_day: dict[dt.date, list[tuple[str, ...]]] = {}
    for sentence in sentences:
        if concept.sentence_excludes is not None and concept.sentence_excludes.search(sentence.text):
            continue
        for match in dated.finditer(sentence.text):
            day = parse_date(match.group(1) or match.group(2))
            if day is None or assess(sentence.text, match.start(), match.end()).status != AFFIRMED:
                continue
            regions_by_day.setdefault(day, []).append(
                clinical.mention_regions(concept, sentence, section_regions, pattern=dated))
            found.append(sentence)
    if not found:
        return
    traumas = [{"date": day, "body_regions": sorted({r for named in regions for r in named}) if all(regions) else []}
               for day, regions in sorted(regions_by_day.items())]
    into.put("clinical.dated_traumas", traumas, list(dict.fromkeys(found)))
