"""How long the symptoms have lasted at the request (`clinical.symptom_duration_weeks`).

ACOEM 2004 times its special studies by the symptoms' duration ("symptoms lasting more than three or four weeks"),
and the injury date understates it when the record says the symptoms began long before the claim's injury ("numbness
in the hands for two years", "a 6-month history of neck pain", "pain since 2014"). Only a symptom's own duration
counts: a course of treatment ("physical therapy for 6 weeks"), a drug taken ("taking Norco for 2 years") or the
relief something gave ("relief for 3 hours") says nothing of how long the symptoms have lasted.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Optional

from .classify import body_regions
from .clinical import LOOSE_DATE, MAX_EVIDENCE_SENTENCES, _SPECIFIC, Facts, _loose_date
from .context import NEGATED, assess
from .lexicon import COUNT_WORDS, words_pattern
from .letter import parse_date
from .text import Sentence

PATH = "clinical.symptom_duration_weeks"

_WEEKS_PER = {"day": 1 / 7, "week": 1.0, "month": 52 / 12, "year": 52.0}
# The reader's number words, and the indefinite ones a history is told in ("a year", "several months": the least
# that can be meant is not known, 3 is taken).
_INDEFINITE_COUNTS = {"a": 1, "an": 1, "several": 3, "many": 3}
_COUNT_WORDS = {**COUNT_WORDS, **_INDEFINITE_COUNTS}
_COUNT = r"(\d{1,3}(?:\.\d)?|" + words_pattern(COUNT_WORDS) + "|" + "|".join(_INDEFINITE_COUNTS) + r")"
_UNIT = r"(days?|weeks?|months?|years?)"

# What a patient has, not what is done for it: the symptoms the timing clauses speak of.
_SYMPTOM = (r"(?:pain|numbness|tingling|paresth\w+|symptoms?|complaints?|weakness|stiffness|swelling|aching|ache|"
            r"radiculopathy|radicular|burning|cramping|spasms?|discomfort|sciatica|instability|locking|popping|"
            r"clicking)")
# A treatment, drug or effect named between a symptom and its "for N weeks" takes the duration: "pain treated with
# physical therapy for 6 weeks", "pain relief for 3 hours", "pain managed with Norco for 2 years".
_NOT_THE_SYMPTOM = re.compile(
    r"\b(?:relie\w+|improv\w+|better|reduc\w+|decreas\w+|benefit\w*|respon\w+|treat\w*|therap\w+|sessions?|visits?|"
    r"medications?|medicines?|drugs?|taking|takes|took|using|uses|used|on\b|prescri\w+|managed|injections?|"
    r"surgery|surgical|brace|splint\w*|acupuncture|chiropractic|manipulation|exercises?|program|work(?:ing|ed)?|"
    r"duty|off|returned|disabled|sleep\w*|mg\b|tablets?|with|after|following|from)\b", re.I)
_TREATED_FOR = re.compile(r"\bfor\s+(?:[\w-]+\s+){0,3}$", re.I)
# The clause a duration belongs to ends at these.
_CLAUSE_END = re.compile(r"[;:.]|,\s*(?:and|but|which|who|she|he|they)\b|\b(?:but|although|while|whereas)\b", re.I)

# "a 6-month history of neck pain", "a two year history of numbness".
_HISTORY = re.compile(r"\b(?:a|an)\s+(?:(?:more than|over|approximately|about|at least)\s+)?" + _COUNT +
                      r"[- ](day|week|month|year)[- ](?:plus\s+)?history of\b", re.I)
# "numbness in the hands for two years", "pain for the past 6 months", "has had pain x 3 years".
_FOR = re.compile(r"\b(?:for|over|x)\s+(?:the\s+(?:past|last|prior)\s+|(?:more than|over|approximately|about|at least|"
                  r"nearly|almost)\s+)?" + _COUNT + r"\s+" + _UNIT + r"\b", re.I)
# "symptoms began two years ago", "pain started 6 months ago".
_AGO = re.compile(r"\b(?:began|begun|started|start|onset|developed|noted|noticed|first)\b[^.;]{0,30}?\b" + _COUNT +
                  r"\s+" + _UNIT + r"\s+(?:ago|prior)\b", re.I)
# "pain since 2014", "numbness since March 2015".
_SINCE = re.compile(r"\bsince\s+(" + LOOSE_DATE + r")\b", re.I)
_SYMPTOM_RE = re.compile(r"\b" + _SYMPTOM + r"\b", re.I)


def read_symptom_duration(sentences: list[Sentence], on_date: Optional[dt.date], into: Facts) -> None:
    """The longest symptom duration the statements of fact give, for the body regions its sentences name.

    `sentences` are the summary's and the rationales' statements of fact (conclusions and guideline quotes already
    dropped); `on_date` dates a "since DATE". A duration whose sentence names no region is for every region.
    """
    found: list[tuple[float, Sentence, tuple[str, ...]]] = []
    for sentence in sentences:
        for weeks, clause in _durations(sentence.text, on_date):
            found.append((weeks, sentence, tuple(r for r in body_regions(clause) if r not in _SPECIFIC)
                          or tuple(r for r in body_regions(sentence.text) if r not in _SPECIFIC)))
    if not found:
        return
    longest = max(weeks for weeks, _, _ in found)
    deciding = [(sentence, regions) for weeks, sentence, regions in found if weeks == longest]
    every_region = any(not regions for _, regions in deciding)
    regions = [] if every_region else list(dict.fromkeys(r for _, found_regions in deciding for r in found_regions))
    evidence = list(dict.fromkeys(sentence for sentence, _ in deciding))[:MAX_EVIDENCE_SENTENCES]
    into.put(PATH, round(longest, 1), evidence, regions)


def _durations(text: str, on_date: Optional[dt.date]) -> list[tuple[float, str]]:
    """(weeks, the clause it is said in) for each symptom duration the sentence states and does not negate."""
    out = []
    for match in _HISTORY.finditer(text):
        after = _clause_after(text, match.end())
        if _SYMPTOM_RE.search(after) and not _negated(text, match):
            out.append((_weeks(match.group(1), match.group(2)), text[match.start():match.end()] + after))
    for pattern in (_FOR, _AGO):
        for match in pattern.finditer(text):
            before = _clause_before(text, match.start())
            if _names_the_symptom(before) and not _negated(text, match):
                out.append((_weeks(match.group(1), match.group(2)), before))
    if on_date is not None:
        for match in _SINCE.finditer(text):
            before = _clause_before(text, match.start())
            since = _latest_day(match.group(1))
            if since is not None and since < on_date and _names_the_symptom(before) and not _negated(text, match):
                out.append((round((on_date - since).days / 7, 1), before))
    return out


def _names_the_symptom(before: str) -> bool:
    """Whether the clause before a duration ends on a symptom the duration is said of: the last symptom word, with no
    treatment, drug or effect after it."""
    symptoms = list(_SYMPTOM_RE.finditer(before))
    if not symptoms or _NOT_THE_SYMPTOM.search(before, symptoms[-1].end()) is not None:
        return False
    # "Taking Norco for neck pain for 2 years": the symptom is what a treatment is for, and the duration the treatment's.
    return _TREATED_FOR.search(before, 0, symptoms[-1].start()) is None


def _clause_before(text: str, at: int) -> str:
    start = max((m.end() for m in _CLAUSE_END.finditer(text, 0, at)), default=0)
    return text[start:at]


def _clause_after(text: str, at: int) -> str:
    stop = next((m.start() for m in _CLAUSE_END.finditer(text, at)), len(text))
    return text[at:stop]


def _latest_day(text: str) -> Optional[dt.date]:
    """The last day a "since" date can mean: "since 2014" is at least since the end of 2014 (the timing criteria are
    minimums, so the shorter reading is the one the record states for certain)."""
    day = _loose_date(text)
    if day is None or parse_date(text) is not None:
        return day
    if re.fullmatch(r"\s*(?:19|20)\d\d\s*", text):
        return dt.date(day.year, 12, 31)
    following = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _negated(text: str, match: re.Match[str]) -> bool:
    return assess(text, match.start(), match.end()).status == NEGATED


def _weeks(count: str, unit: str) -> float:
    number = _COUNT_WORDS.get(count.lower())
    value = float(number if number is not None else count)
    return value * _WEEKS_PER[unit.lower().rstrip("s")]
