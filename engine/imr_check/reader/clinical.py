"""The clinical facts rules use, read from a letter's fact sentences, each with its evidence.

A concept is a set of target phrases for one fact. Each mention is assessed with ConText
(`context.assess`): affirmed, negated (and whether the *record* is what is said to be lacking), or
uncertain (ignored). Mentions in the item's own rationale outrank the case summary, which is what
the reviewer re-read; within a tier the majority decides and a tie leaves the fact undocumented.

Two modes: a *presence* fact is false when negated ("no red flags"); an *assessment* fact (the
opioid "4 A's", UDS, CURES) records that something was assessed, so "denies side effects" documents
it (true) and only a missing-record negation ("no discussion of side effects") makes it false.

A fact whose every deciding mention is a missing-record negation ("there is no documentation of red
flags", "no discussion of side effects") is not documented false but STATED_NOT_DOCUMENTED: the case
lists it under `not_documented`, with those sentences as evidence, and gives it no value.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Iterable, Optional

from ..facts import concerns_region
from ..case import SurgeryDone, latest_surgery
from ..surgeries import surgery_table
from ..vocabulary import NERVE_SUPPLY, drug_class_topics, drug_lexicon, lookup_drug, topic as topic_spec, topics, topics_where
from .context import AFFIRMED, NEGATED, UNCERTAIN, Mention, assess, says_record_lacks
from .lexicon import (ASSESSMENT, COUNT_WORDS, PRESENCE, WORK_STATUSES, Concept, NamedKinds, concept as lexicon_concept,
                      measured_change, number as figure_value, words_pattern)
from .letter import DATE, parse_date
from ..phrases import joined
from .text import Sentence

_PLAN = r"\brequest|\bauthoriz|\bplan\b|\bplanned\b|\brecommend|\bprescrib|\border(?:ed)?\b|\bunder consideration|\bwill\b"


# A request or a plan names what has not happened yet.
_NOT_YET = r"\brequest|\bauthoriz|\bplan\b|\bplanned\b|\brecommend|\bwill\b|\bscheduled|\bpending|\bawaiting"

# Before "medications:", the words of a list that is not of the drugs taken now (stopped, past, asked for).
_NOT_PAST_LIST = (r"(?<!prior )(?<!previous )(?<!past )(?<!former )(?<!requested )(?<!discontinued )(?<!proposed )"
                  r"(?<!new )(?<!recommended )")
# The openings of the record's lists of drugs taken, each followed by its items: "current medications include",
# "medications: " (not a list of those stopped, past or asked for), and the inventory of care ("treatment has
# included"). reader.clinical reads the items (_MEDICATION_LIST, _INVENTORY_OF_DRUGS) and a class named in them
# (class_use_pattern).
_MEDICATION_LIST_HEAD = (_NOT_PAST_LIST + r"\b(?:(?:current|present|active|recently prescribed|prescribed) )?"
                         r"(?:medications?|meds) "
                         r"(?:list )?(?:(?:has|have) )?(?:include[sd]?|including|are|were|consist(?:s|ed)? of|listed as)\b:?")
# "Meds reviewed and unchanged:", "Medications reconciled:": a list reviewed at the visit is still the list taken.
_MEDICATION_COLON_HEAD = (_NOT_PAST_LIST + r"\b(?:medications?|meds)(?: list)?(?: (?:reviewed|reconciled|unchanged)"
                          r"(?:,? and (?:reviewed|reconciled|unchanged))?)?:")
_INVENTORY_HEAD = (r"\b(?:treatments?|therapies) (?:to date |thus far |so far )?(?:has |have )?"
                   r"(?:included|includes?|consist(?:s|ed) of)\b:?")


# A date as records give a start or an event: a full date, a month and year, or a year (`date_span` reads each).
PARTIAL_DATE = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{4}|\d{1,2}/\d{4}|(?:19|20)\d\d"
LOOSE_DATE = DATE + "|" + PARTIAL_DATE

# The surgery already done, by the names letters give it (the vocabulary orders the most specific first), and its date.
_SURGERIES = surgery_table().recognisers("in_record")  # rules/surgeries.yaml, `in_record`
# A full day a little after the operation ("... performed on 10/01/2016"); a month or year only right after it ("a
# CTR in 09/2016", "an ACL reconstruction (2012)", "s/p CTR 2014"), as further on it may date something else.
_SURGERY_DATE_AFTER = re.compile(
    r"^(?:[^.;]{0,60}?\b(?:on|dated|performed on|done on)\s+|\s*\(\s*)(" + DATE + ")|"
    r"^(?:\s*,?\s*(?:(?:performed |done )?(?:on|in)|dated)\s+|\s*\(\s*|\s*,?\s*)(" + PARTIAL_DATE + r")(?![/\d])", re.I)
_SURGERY_DATE_BEFORE = re.compile(r"\b(?:on|dated)\s+(" + DATE + r")\W+(?:\w+\W+){0,8}?$", re.I)
# A month or year told before the operation's name, as its attribute: "a 2013 rotator cuff repair", "her March 2015
# knee arthroscopy", "a 2013 right carpal tunnel release".
_SURGERY_DATE_ATTRIBUTE = re.compile(r"\b(?:a|an|the|his|her|their)\s+(" + PARTIAL_DATE + r")\s+(?:(?:left|right|bilateral)\s+)?$",
                                     re.I)


def _surgery_span(tail: str, before: str, lead: str) -> Optional[tuple[dt.date, dt.date]]:
    """The first and last day of an operation's date: written after its name (`tail`, up to the next operation named),
    as its attribute just before it (`before`), or for the mention's first operation a day leading the sentence
    (`lead`, "On 10/01/2016 she underwent ...")."""
    after = _SURGERY_DATE_AFTER.search(tail)
    if after:
        return date_span(after.group(1) or after.group(2))
    attribute = _SURGERY_DATE_ATTRIBUTE.search(before)
    if attribute:
        return date_span(attribute.group(1))
    leading = _SURGERY_DATE_BEFORE.search(lead) if lead else None
    return date_span(leading.group(1)) if leading else None


def read_surgery_performed(tiered: list[tuple[int, Sentence]], into: Facts) -> None:
    """clinical.surgery_performed and clinical.surgery_date: the surgery the record says was done.

    Read where a sentence affirms a past operation ("status post ...", "underwent ..."): the surgery named
    within the mention, and a date given with it ("... on 10/01/2016", "On 10/01/2016 ... underwent ...").
    The latest dated surgery is kept; undated ones only when they all name the same surgery.
    """
    concept = lexicon_concept("clinical.is_post_surgical")
    found: list[tuple[str, Optional[dt.date], Sentence]] = []
    for _, sentence in sorted(tiered, key=lambda pair: -pair[0]):
        text = sentence.text
        plan_worded = _has_exclude(concept, text)
        for match in concept.pattern.finditer(text):
            if plan_worded and _excluded(concept, text, match) or \
                    assess(text, match.start(), match.end()).status != AFFIRMED:
                continue
            start = max(0, match.start() - 10)
            # Bounded, so a sentence of many mentions is not read in time quadratic in its length.
            reach = text[start:match.end() + _LISTED_REACH]
            if plan_worded:
                # A sentence with a plan word is read clause by clause (_excluded): the surgery is named in the
                # mention's own clause, not the one planned after it ("s/p knee arthroscopy; a TKA is scheduled").
                reach = reach[:_clause_of(text, match)[1] - start]
            named = _operations_listed(reach, match.end() + 80 - start)
            for index, (surgery, begin, end) in enumerate(named):
                # Each operation's day is the one written after it, before the next operation is named.
                tail = reach[end:named[index + 1][1]] if index + 1 < len(named) else reach[end:]
                before = reach[named[index - 1][2] if index else 0:begin]
                found.append((surgery, _surgery_span(tail, before, text[:match.start()] if index == 0 else ""),
                              sentence))
    listed = _surgeries_found(found)
    done = [SurgeryDone.model_validate(entry) for entry, _ in listed]
    latest = latest_surgery(done)
    if latest is not None:
        # The one surgery is the latest of the list (case.Clinical checks they agree); a day only when it is known.
        sentences = listed[done.index(latest)][1]
        into.put("clinical.surgery_performed", latest.surgery, sentences if latest.date is None else sentences[:1])
        if latest.date is not None:
            into.put("clinical.surgery_date", latest.date, sentences[:1])
    _put_surgeries_done(listed, into)


# Between two operations of one list of those done ("a right CTR on 05/12/2016 and a left knee arthroscopy"): the
# first one's day, then a few words joining them, no sentence break.
_LISTED_DATE = re.compile(r"^[^.;]{0,30}?(?:\b(?:on|dated|performed on|done on|in)\s+|\(\s*|(?<![\w/-]))"
                          r"(?:" + LOOSE_DATE + r")(?![/\d])", re.I)
_LISTED_GAP = 40
_LISTED_REACH = 600
_PRIORITY = {name: rank for rank, (name, _) in enumerate(_SURGERIES)}


def _operations_listed(reach: str, first_within: int) -> list[tuple[str, int, int]]:
    """The operations a mention of surgery done names, in the order written: the first ending within `first_within`
    characters of `reach` (the mention's own reach), then each one listed right after the one before it. Where two
    names overlap, the vocabulary's more specific (higher priority) one is the operation. Names of one region joined
    with no day between them are one operation ("a shoulder arthroscopy with rotator cuff repair"), by its most
    specific name, as one named alone; another region's, or one after a day, is another operation."""
    regions = surgery_table().regions()
    hits: list[tuple[str, int, int]] = []
    for name, pattern in _SURGERIES:
        for m in pattern.finditer(reach):
            if not any(m.start() < end and begin < m.end() for _, begin, end in hits):
                hits.append((name, m.start(), m.end()))
    hits.sort(key=lambda hit: hit[1])
    listed: list[tuple[str, int, int]] = []
    for hit in hits:
        if not listed:
            if hit[2] > first_within:
                break
            listed.append(hit)
            continue
        previous = listed[-1]
        gap = reach[previous[2]:hit[1]]
        dated = _LISTED_DATE.match(gap)
        joining = gap[dated.end():] if dated else gap
        if "." in gap or len(joining) > _LISTED_GAP:
            break
        if dated is None and regions.get(hit[0]) is not None and regions.get(hit[0]) == regions.get(previous[0]):
            name = min(previous[0], hit[0], key=_PRIORITY.__getitem__)
            listed[-1] = (name, previous[1], hit[2])
        else:
            listed.append(hit)
    return listed


def _surgeries_found(found: list[tuple[str, Optional[tuple[dt.date, dt.date]], Sentence]]
                     ) -> list[tuple[dict[str, Any], list[Sentence]]]:
    """Every surgery found, as an entry of clinical.surgeries_performed (its region from rules/surgeries.yaml, its day
    or the span of a month or year) with the sentences naming it; dated ones in the order of their first possible
    days, then the undated in the order first named.

    One operation on one date is one surgery however often it is named. An undated mention of an operation the record
    also dates is that operation named again (the summary's "s/p" of the rationale's dated surgery), not another one,
    and so is one by a month or year holding the operation's day ("a CTR in 2016" of "a CTR on 05/12/2016"); the
    same operation on two days (both wrists) is two."""
    by_key: dict[tuple[str, Optional[tuple[dt.date, dt.date]]], list[Sentence]] = {}
    for surgery, span, sentence in found:
        by_key.setdefault((surgery, span), []).append(sentence)
    for surgery, span in [key for key in by_key if key[1] is None or key[1][0] != key[1][1]]:
        days = sorted(d for name, d in by_key if name == surgery and d is not None and d[0] == d[1]
                      and (span is None or span[0] <= d[0] <= span[1]))
        if span is None and not days:
            # An undated mention of an operation dated only by its month or year: that one, the latest.
            days = sorted(d for name, d in by_key if name == surgery and d is not None)
        if days:
            by_key[(surgery, days[-1])].extend(by_key.pop((surgery, span)))
    regions = surgery_table().regions()
    keys = sorted(by_key, key=lambda key: (key[1] is None, key[1][0] if key[1] else dt.date.min))
    return [({"surgery": surgery, **({"body_region": regions[surgery]} if surgery in regions else {}), **_dated(span)},
             list(dict.fromkeys(by_key[(surgery, span)]))) for surgery, span in keys]


def _put_surgeries_done(listed: list[tuple[dict[str, Any], list[Sentence]]], into: Facts) -> None:
    """clinical.surgeries_performed: every surgery found (_surgeries_found), each with the sentences naming it, so a
    region's therapy can follow its own operation (facts.py)."""
    if not listed:
        return
    done = [entry for entry, _ in listed]
    into.put("clinical.surgeries_performed", done,
             list(dict.fromkeys(sentence for _, sentences in listed for sentence in sentences)))
    post_surgical = into.regions.get("clinical.is_post_surgical")
    if into.values.get("clinical.is_post_surgical") is True and post_surgical:
        # Each operation done puts its own region after surgery, also one listed after the mention's first.
        into.regions["clinical.is_post_surgical"] = list(dict.fromkeys(
            [*post_surgical, *(entry["body_region"] for entry in done if "body_region" in entry)]))
    for index, (_, sentences) in enumerate(listed):
        into.evidence[f"clinical.surgeries_performed[{index}]"] = sentences[:MAX_EVIDENCE_SENTENCES]
        if len(sentences) > MAX_EVIDENCE_SENTENCES:
            into.omitted[f"clinical.surgeries_performed[{index}]"] = len(sentences) - MAX_EVIDENCE_SENTENCES


def _dated(span: Optional[tuple[dt.date, dt.date]]) -> dict[str, dt.date]:
    """A surgery's date fields: its day, or the first and last day of the month or year it was in."""
    if span is None:
        return {}
    if span[0] == span[1]:
        return {"date": span[0]}
    return {"earliest_date": span[0], "latest_date": span[1]}


# "S/p" (status post) is the clinician's shorthand for a treatment already given.
_COMPLETED = re.compile(r"to date|complet\w+|attend\w+|\bhas had\b|\bhad\b|receiv\w+|undergone|underwent|finish\w+|"
                        r"prior|previous\w*|already|has been treated|have included|has included|included|tried|trialed|"
                        r"\bs/p\b|\bstatus post\b", re.I)
# A count of sessions or visits, in digits or in the words of lexicon/numbers.yaml.
_COUNT_WORDS = words_pattern(COUNT_WORDS)
_NUMBER = r"(\d{1,3}|" + _COUNT_WORDS + ")"


def _int(text: str) -> int:
    """A count _NUMBER matched, in digits or as a word (lexicon/numbers.yaml, the one table of number words)."""
    value = figure_value(text)
    if value is None:
        raise ValueError(f"not a count: {text!r}")
    return int(value)


class _StatedNotDocumented:
    """The value of a fact the letter states the record does not document (the case's `not_documented`)."""

    def __repr__(self) -> str:
        return "STATED_NOT_DOCUMENTED"


STATED_NOT_DOCUMENTED: Any = _StatedNotDocumented()


@dataclass
class Finding:
    value: Any
    sentence: Sentence
    tier: int
    # A missing-record negation ("no documentation of X"): it counts as false in the vote, and the fact is
    # recorded as stated not documented when every mention behind the winning false says so.
    stated_absent: bool = False
    # The body regions a regional concept's mention is for; empty: every region.
    regions: tuple[str, ...] = ()


# A fact's evidence is the first sentences that decided it, at most this many. Every request of a long letter may be
# decided by the same summary sentences, so evidence without a bound grew with items x summary (quadratic in the
# letter's length, 3 million sentences in a 3.2 MB letter); no dev tuning letter has a fact with more than 8.
MAX_EVIDENCE_SENTENCES = 20


@dataclass
class Facts:
    """Fact path -> chosen value, with the sentences that decided it (the first MAX_EVIDENCE_SENTENCES)."""

    values: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, list[Sentence]] = field(default_factory=dict)
    # Paths in the order they were first put, so a request's own facts are found without walking every fact.
    added: list[str] = field(default_factory=list)
    # How many more sentences decided a fact than its evidence lists (Case.evidence_omitted): none is lost unsaid.
    omitted: dict[str, int] = field(default_factory=dict)
    # A fact stated for some body regions only (Case.regional_facts): its path and the regions.
    regions: dict[str, list[str]] = field(default_factory=dict)

    def put(self, path: str, value: Any, sentences: list[Sentence], regions: list[str] | None = None) -> None:
        if path not in self.values:
            self.added.append(path)
        self.values[path] = value
        self.evidence[path] = sentences[:MAX_EVIDENCE_SENTENCES]
        if len(sentences) > MAX_EVIDENCE_SENTENCES:
            self.omitted[path] = len(sentences) - MAX_EVIDENCE_SENTENCES
        else:
            self.omitted.pop(path, None)
        if regions:
            self.regions[path] = regions
        else:
            self.regions.pop(path, None)

    def put_resolved(self, path: str, findings: list["Finding"]) -> None:
        """The value the findings settle (`resolve`) with its sentences; nothing when they are absent or tied."""
        chosen = resolve(findings)
        if chosen is not None:
            self.put(path, chosen[0], chosen[1])


@dataclass(frozen=True)
class Scope:
    """The sentences one request's facts are read from: its own rationale (tier 2) and summary sentences (tier 1).

    `key` names what picked the summary sentences (the request's treatment pattern, or the whole summary). The own
    rationale outranks the summary, so the summary decides only when the rationale says nothing of the fact; what
    the summary alone gives is then the same for every request reading it with the same key, and is read once per
    letter (`_by_tier`): a letter with many items was read in time quadratic in its length.
    """

    own: list[Sentence]
    summary: list[Sentence]
    key: Hashable
    # Summary sentences naming no treatment, read last and only for what they say the record lacks (tier 0): "no
    # objective functional improvement is documented" lacks it for every treatment (`attributed_scope`).
    bare: list[Sentence] = field(default_factory=list)


# (reader, its arguments, the scope's key) -> what the summary sentences alone give; emptied after each letter.
_SUMMARY_CHOICES: dict[tuple, Any] = {}


def _by_tier(reader: Hashable, scope: Scope, findings_in: Callable[[int, Sentence], Iterable[Finding]],
             choose: Callable[[list[Finding]], Any]) -> Any:
    """`choose` over the findings of the highest tier that has any: the own rationale's, else the summary's (cached)."""
    own = [finding for sentence in scope.own for finding in findings_in(2, sentence)]
    if own:
        return choose(own)
    key = (reader, scope.key)
    if key not in _SUMMARY_CHOICES:
        _SUMMARY_CHOICES[key] = choose([finding for sentence in scope.summary for finding in findings_in(1, sentence)])
    return _SUMMARY_CHOICES[key]


# "No documentation of severe osteoarthritis", "no diabetic painful neuropathy": a guideline's narrower condition,
# negated, says nothing of the condition itself (mild arthritis, a radicular neuropathy).
_NARROWED = re.compile(r"\b(?:severe|advanced|end[- ]stage|diabetic|post-?herpetic)\s+(?:(?:symptomatic|painful|"
                       r"peripheral)\s+)?$", re.I)


# Every request reads the same summary sentences for its facts: each concept is matched against each
# sentence once, not once per request (a letter with many items was read in time quadratic in its length).
# Unbounded, and emptied by build_case after each letter (a bounded cache thrashed on long letters).
@lru_cache(maxsize=None)
def _mentions(concept: Concept, sentence: Sentence) -> tuple[tuple[bool, bool], ...]:
    return tuple(_find_mentions(concept, sentence))


def forget_sentences() -> None:
    """Empty the per-sentence caches once a letter is read, so an audit's memory does not grow with it."""
    from .classify import _body_regions

    _mentions.cache_clear()
    _SENTENCE_MENTIONS.clear()
    _CONCEPT_LISTS.clear()
    _SUMMARY_CHOICES.clear()
    _FIRST_TREATMENT_LIST.clear()
    _AUTHORIZED_SENTENCES.clear()
    _ATTRIBUTED.clear()
    _BARE.clear()
    _body_regions.cache_clear()


# The clause a documentation negation governs opens with "that", "whether", "if", "what" or "which" shortly before
# the mention ("no documentation of what care was tried and failed").
_CLAUSE_LACKED = re.compile(r"\b(?:that|whether|if|what|which)\b[^.;]{0,40}$", re.I)


def _find_mentions(concept: Concept, sentence: Sentence) -> list[tuple[bool, bool]]:
    """(value, whether it is a missing-record negation) per mention of the concept in the sentence."""
    text = sentence.text
    if concept.sentence_needs and not concept.sentence_needs.search(text):
        return []
    excluding = _has_exclude(concept, text)
    if excluding and concept.excludes_from_mention_when is None:
        return []
    values = []
    for match in concept.pattern.finditer(text):
        if excluding and _excluded(concept, text, match):
            continue
        if concept.better is not None:
            values.extend(_measured_mention(concept, match, text))
            continue
        mention = assess(text, match.start(), match.end())
        if mention.status == AFFIRMED:
            values.append((concept.value_if_present if concept.mode == PRESENCE else True, False))
        elif mention.status == UNCERTAIN and concept.uncertain_is_present:
            values.append((concept.value_if_present, False))
        # A concept deaf to negation still hears the record said to lack the whole clause it reads ("no documentation
        # that PT failed", "the notes do not indicate that care was tried and failed"): not the finding's negation but
        # the letter's stated absence. A negation of a noun phrase before it, or one after it, stays silent.
        elif mention.status == NEGATED and (not concept.negation_is_silent or (
                says_record_lacks(mention, text) and _CLAUSE_LACKED.search(text, 0, match.start()))):
            if concept.mode == ASSESSMENT:
                values.append((not mention.documentation_negated or mention.observed, says_record_lacks(mention, text)))
            elif not _NARROWED.search(text[:match.start()]):
                values.append((not concept.value_if_present, says_record_lacks(mention, text)))
    return values


# Where the clause of a mention naming an operation ends, for the plan words that silence it: "s/p lumbar fusion
# 2021; a right TKA is scheduled", "status post right CTR, and the left is pending" tell the first operation done.
_PLAN_CLAUSE_BREAK = re.compile(r"[;,]|\b(?:and|but|while|whereas|although|though)\b", re.I)


def _clause_of(text: str, match: re.Match[str]) -> tuple[int, int]:
    """Where the clause of a mention starts (after the last break before it) and ends (at the first break after it)."""
    start = max((m.end() for m in _PLAN_CLAUSE_BREAK.finditer(text, 0, match.start())), default=0)
    return start, next((m.start() for m in _PLAN_CLAUSE_BREAK.finditer(text, match.end())), len(text))


def _has_exclude(concept: Concept, text: str) -> bool:
    """Whether the sentence holds one of the concept's excludes (searched once a sentence, not once a mention)."""
    return concept.sentence_excludes is not None and concept.sentence_excludes.search(text) is not None


def _excluded(concept: Concept, text: str, match: re.Match[str]) -> bool:
    """Whether an exclude of the sentence (one _has_exclude found) silences the mention: any, or, for a mention naming
    what the concept spares (an operation, `excludes_from_mention_when`), one in the mention's own clause from the
    mention on, or before it unless the mention places the operation before the care (`excludes_before_spared_when`)."""
    excludes = concept.sentence_excludes
    if excludes is None:
        return False
    spared = concept.excludes_from_mention_when
    if spared is None or not spared.search(match.group()):
        return True
    start, stop = _clause_of(text, match)
    if excludes.search(text[:stop], match.start()):
        return True
    before = concept.excludes_before_spared_when
    return bool(excludes.search(text[:match.start()], start)) and not (before and before.match(match.group()))


def _measured_mention(concept: Concept, match: re.Match[str], text: str) -> list[tuple[bool, bool]]:
    """A measured change read as stated: a gain is the concept's value, a loss its opposite. A measurement negated or
    hedged ("if the ODI falls from 40 to 20") says neither."""
    change = measured_change(concept, match)
    if not change or assess(text, match.start(), match.end()).status != AFFIRMED:
        return []
    return [(concept.value_if_present if change > 0 else not concept.value_if_present, False)]


def _top_tier(findings: list[Finding]) -> tuple[list[Finding], dict[Any, int]]:
    """The findings of the highest tier, and how many of them give each value (in the order first given)."""
    top = max(f.tier for f in findings)
    tier = [f for f in findings if f.tier == top]
    counts: dict[Any, int] = {}
    for finding in tier:
        counts[finding.value] = counts.get(finding.value, 0) + 1
    return tier, counts


def resolve(findings: list[Finding]) -> tuple[Any, list[Sentence]] | None:
    """The highest tier's majority value and its sentences; None when absent or tied (a regional fact tied between
    findings of disjoint regions is settled per region: _resolved_with_regions)."""
    if not findings:
        return None
    tier, counts = _top_tier(findings)
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    value = ranked[0][0]
    # A dict keeps the order and makes each membership test constant time (a list made resolve quadratic).
    sentences = {finding.sentence: None for finding in tier if finding.value == value}
    if value is False and all(finding.stated_absent for finding in tier if finding.value is False):
        # Only "no documentation of X", never "no X": the letter says the record is silent, not that X is absent.
        return STATED_NOT_DOCUMENTED, list(sentences)
    return value, list(sentences)


# (number of a list of concepts, sentence) -> the (index, path, values) the list's concepts find in it: every
# request reads the summary, and most of its sentences mention none of a list's concepts, so one look-up per
# sentence skips them. A list is numbered by the concepts it holds (callers build lists afresh: an id() of the
# list could be reused); both are emptied after each letter, while the lexicon keeps the concepts alive.
_SENTENCE_MENTIONS: dict[tuple[int, Sentence], tuple[tuple[int, str, tuple[tuple[bool, bool], ...]], ...]] = {}
_CONCEPT_LISTS: dict[tuple[int, ...], int] = {}


def _list_mentions(concepts: list[Concept], number: int,
                   sentence: Sentence) -> tuple[tuple[int, str, tuple[tuple[bool, bool], ...]], ...]:
    key = (number, sentence)
    found = _SENTENCE_MENTIONS.get(key)
    if found is None:
        found = tuple((index, concept.path, values) for index, concept in enumerate(concepts)
                      if (values := _mentions(concept, sentence)))
        _SENTENCE_MENTIONS[key] = found
    return found


def read_concepts(concepts: list[Concept], tiered: list[tuple[int, Sentence]], prefix: str, into: Facts,
                  section_regions: dict[str, str] | None = None) -> None:
    """Each concept's fact, by the majority of its mentions in the highest tier.

    A regional concept keeps the body regions the mentions of the chosen value are for: those the mention's clause
    or sentence names, else the regions the finding names by itself (the concept's `regions`), else the region of
    the item whose rationale the sentence is in (`section_regions`: a rationale's sentence is about its own item).
    A mention with no region makes the fact hold for every region; a tie between mentions of disjoint regions keeps
    the affirmed value for its regions (_resolved_with_regions).
    """
    number = _concept_list_number(concepts)
    regional = {c.path for c in concepts if c.regional}
    for path, findings in _findings_by_path(concepts, number, tiered, section_regions)[0].items():
        chosen = _resolved_with_regions(findings, path in regional)
        if chosen is not None:
            into.put(prefix + path, *chosen)


def read_concept_lists(readings: list[tuple[list[Concept], list[tuple[int, Sentence]]]], into: Facts,
                       section_regions: dict[str, str] | None = None) -> None:
    """read_concepts over several lists of concepts, each in its own sentences, with a fact's findings pooled: a fact
    two lists read (two groups' phrases for it, each for its own items) is resolved once over both, and a sentence
    both found counts once for each value it gives."""
    by_path: dict[str, list[Finding]] = {}
    regional: set[str] = set()
    for concepts, tiered in readings:
        regional |= {c.path for c in concepts if c.regional}
        for path, findings in _findings_by_path(concepts, _concept_list_number(concepts), tiered,
                                                section_regions)[0].items():
            pooled = by_path.setdefault(path, [])
            earlier = {(f.sentence, f.value) for f in pooled}
            pooled.extend(f for f in findings if (f.sentence, f.value) not in earlier)
    for path, findings in by_path.items():
        chosen = _resolved_with_regions(findings, path in regional)
        if chosen is not None:
            into.put(path, *chosen)


def _chosen_regions(findings: list[Finding], chosen: Any) -> list[str]:
    """The regions a regional fact's chosen value holds for: those its mentions in the highest tier name, or none
    (every region) when one of them names none."""
    # "Not a candidate for knee surgery" says no more of the shoulder than a knee surgery planned does.
    top = max(f.tier for f in findings)
    value = False if chosen is STATED_NOT_DOCUMENTED else chosen
    stated = [f.regions for f in findings if f.tier == top and f.value == value]
    return sorted({r for found in stated for r in found}) if all(stated) else []


def read_concepts_in_scope(concepts: list[Concept], scope: Scope, prefix: str, into: Facts) -> None:
    """read_concepts on a request's scope: per fact, the own rationale's findings decide, else the summary's.

    A regional concept keeps the regions its chosen mentions name, as in read_concepts; a mention naming none holds
    for every region. (A request's own facts have no regions, lexicon.ConceptGroup; a case fact read for requests is
    read once over all of them, read_concept_lists.)
    """
    number = _concept_list_number(concepts)
    regional = {c.path for c in concepts if c.regional}
    own, own_found = _findings_by_path(concepts, number, [(2, s) for s in scope.own])
    key = ("concepts", number, scope.key)
    if key not in _SUMMARY_CHOICES:
        by_path, found = _findings_by_path(concepts, number, [(1, s) for s in scope.summary])
        _SUMMARY_CHOICES[key] = {path: _resolved_with_regions(findings, path in regional)
                                 for path, findings in by_path.items()}, found
    summary, summary_found = _SUMMARY_CHOICES[key]
    bare: dict[str, Any] = {}
    bare_found: set[int] = set()
    if scope.bare:
        bare_key = ("concepts bare", number)
        if bare_key not in _SUMMARY_CHOICES:
            by_path, found = _findings_by_path(concepts, number, [(0, s) for s in scope.bare])
            stated = {path: [f for f in findings if f.stated_absent] for path, findings in by_path.items()}
            _SUMMARY_CHOICES[bare_key] = ({path: _resolved_with_regions(findings, path in regional)
                                           for path, findings in stated.items() if findings}, found)
        bare, bare_found = _SUMMARY_CHOICES[bare_key]
    # Facts are put in the order of the first concept found in any part, as when all were read together.
    for path in dict.fromkeys(c.path for i, c in enumerate(concepts)
                              if i in own_found or i in summary_found or i in bare_found):
        chosen = (_resolved_with_regions(own[path], path in regional) if path in own else
                  summary.get(path) if path in summary else bare.get(path))
        if chosen is not None:
            into.put(prefix + path, *chosen)


def _resolved_with_regions(findings: list[Finding], regional: bool) -> tuple[Any, list[Sentence], list[str]] | None:
    """`resolve`, with the regions a regional fact's value holds for (_chosen_regions).

    A regional fact tied between findings that name disjoint regions ("the knee gives way", "nothing alarming about
    the shoulder") is no conflict: each side speaks of its own region. The case holds one value per fact and the
    regions it holds for, so the affirmed value is kept with its regions, and a request for the other region sees the
    fact not documented (facts._scope_to_region) rather than a value from another region. The affirmed side is the
    one kept because rules need a documented finding: for such a criterion a denial and silence both leave it unmet
    (only the basis differs), whereas a lost affirmation would change it. A tie within one region (or between a region
    and one within it), or with a finding naming no region (it speaks of every region), stays a tie.
    """
    chosen = resolve(findings)
    if chosen is None and regional:
        chosen = _affirmed_of_disjoint_tie(findings)
    if chosen is None:
        return None
    return chosen[0], chosen[1], _chosen_regions(findings, chosen[0]) if regional else []


def _affirmed_of_disjoint_tie(findings: list[Finding]) -> tuple[Any, list[Sentence]] | None:
    """The affirmed value and its sentences when the highest tier ties it with other values whose findings all name
    regions disjoint from its own; None otherwise."""
    if not findings:
        return None
    tier, counts = _top_tier(findings)
    most = max(counts.values())
    tied = [value for value, count in counts.items() if count == most]
    if len(tied) < 2 or not any(value is True for value in tied):
        return None
    named: list[set[str]] = []
    for value in tied:
        regions = [f.regions for f in tier if f.value == value]
        if not all(regions):
            return None
        named.append({r for found in regions for r in found})
    if any(concerns_region(list(one), region) for i, one in enumerate(named) for other in named[i + 1:]
           for region in other):
        return None
    return True, list(dict.fromkeys(f.sentence for f in tier if f.value is True))


# Where one clause of a sentence ends and the next begins, for the treatment each is about.
_CLAUSE_BREAK = re.compile(r";|,\s*(?:and|but|while|whereas|although|though)\b|\b(?:but|whereas)\b", re.I)
# (treatment, others, sentence) -> its clauses about the treatment; (others, id of the summary) -> its sentences naming
# no treatment. Emptied after each letter.
_ATTRIBUTED: dict[tuple, tuple[Sentence, ...]] = {}
_BARE: dict[tuple, list[Sentence]] = {}


@lru_cache(maxsize=None)
def treatments_pattern(alternatives: str) -> re.Pattern[str]:
    """The treatments a response may follow from: the alternatives given (one regex), and every drug of the lexicon
    by name."""
    return re.compile(r"(?:" + _lexicon_names().pattern + r")|\b(?:" + alternatives + r")\b", re.I)


@lru_cache(maxsize=None)
def cut_pattern(alternatives: str) -> re.Pattern[str]:
    """A cut word and up to four words after it, ending where a treatment's name begins."""
    return re.compile(r"\b(?:" + alternatives + r")\W+(?:[\w#/-]+\W+){0,4}$", re.I)


@lru_cache(maxsize=None)
def cut_after_pattern(alternatives: str) -> re.Pattern[str]:
    """Right after a drug's name, its use or dose and a cut word, or a passive cut ("her Norco use dropped", "tramadol
    was tapered"): the drug is what was cut. An active verb is the drug's own effect ("Norco reduced her pain")."""
    return re.compile(r"\s+(?:(?:use|usage|intake|dose|dosage|doses|consumption)\s+(?:(?:was|were|is|are|has|have|had)"
                      r"\s+(?:been\s+)?)?|(?:was|were|has been|have been|had been|is being|are being)\s+)(?:"
                      + alternatives + r")\b", re.I)


def attributed_scope(scope: Scope, treatment: re.Pattern[str], others: re.Pattern[str],
                     summary: list[Sentence], cut: Optional[re.Pattern[str]] = None,
                     cut_after: Optional[re.Pattern[str]] = None) -> Scope:
    """The scope of a response to the treatment (functional improvement): each sentence's clauses about it.

    A gain follows the treatment its clause names: "after acupuncture she walks further; she also takes Norco" is the
    acupuncture's, not Norco's. A clause naming no treatment follows the one named nearest before it (else after it),
    and a sentence naming none is the item's own (a rationale's) or, in the summary, read for its stated absence only.
    A drug named after a cut word (`cut`: "stopped naproxen", "half the meloxicam") or before its use and one
    (`cut_after`: "her Norco use dropped") is what was cut, not a source.
    """
    own = [part for sentence in scope.own for part in _attributed(sentence, treatment, others, cut, cut_after)]
    about = [part for sentence in scope.summary for part in _attributed(sentence, treatment, others, cut, cut_after)]
    bare_key = (others, id(summary))
    if bare_key not in _BARE:
        _BARE[bare_key] = [s for s in summary if not others.search(s.text)]
    return Scope(own, about, ("attributed", scope.key), _BARE[bare_key])


def _attributed(sentence: Sentence, treatment: re.Pattern[str], others: re.Pattern[str],
                cut: Optional[re.Pattern[str]] = None,
                cut_after: Optional[re.Pattern[str]] = None) -> tuple[Sentence, ...]:
    key = (treatment, others, cut, cut_after, sentence)
    if key in _ATTRIBUTED:
        return _ATTRIBUTED[key]
    text = sentence.text
    own_spans = [m.span() for m in treatment.finditer(text)]
    other_spans = [m.span() for m in others.finditer(text)
                   if not any(m.start() < end and start < m.end() for start, end in own_spans)
                   and not (cut is not None and cut.search(text, max(0, m.start() - 60), m.start()))
                   and not (cut_after is not None and cut_after.match(text, m.end()))]
    if not other_spans:
        kept: tuple[Sentence, ...] = (sentence,)
    elif not own_spans:
        kept = ()
    else:
        bounds = [0, *(m.end() for m in _CLAUSE_BREAK.finditer(text)), len(text)]
        clauses = list(zip(bounds, bounds[1:]))

        def about(start: int, end: int) -> str | None:
            if any(start <= s < end for s, _ in own_spans):
                return "own"
            return "other" if any(start <= s < end for s, _ in other_spans) else None

        labels = [about(*clause) for clause in clauses]
        for index, label in enumerate(labels):
            if label is None:
                before = next((labels[i] for i in range(index - 1, -1, -1) if labels[i]), None)
                labels[index] = before or next((labels[i] for i in range(index + 1, len(labels)) if labels[i]), None)
        if all(label == "own" for label in labels):
            kept = (sentence,)
        else:
            parts: list[tuple[int, int]] = []
            for (start, end), label in zip(clauses, labels):
                if label == "own":
                    if parts and parts[-1][1] == start:
                        parts[-1] = (parts[-1][0], end)
                    else:
                        parts.append((start, end))
            # Each part as it stands in the letter, without the spaces around it (evidence is placed by its offset).
            kept = tuple(Sentence(text[start:end].strip(), sentence.start + start + len(text[start:end]) -
                                  len(text[start:end].lstrip()), sentence.section) for start, end in parts)
    _ATTRIBUTED[key] = kept
    return kept


def _concept_list_number(concepts: list[Concept]) -> int:
    return _CONCEPT_LISTS.setdefault(tuple(map(id, concepts)), len(_CONCEPT_LISTS))


def _findings_by_path(concepts: list[Concept], number: int, tiered: list[tuple[int, Sentence]],
                      section_regions: dict[str, str] | None = None) -> tuple[dict[str, list[Finding]], set[int]]:
    """Findings by fact path, and the indices of the concepts that found any (a regional one's with their regions)."""
    # Concept by concept, then sentence by sentence, as before the per-sentence look-up: the findings' order
    # decides which sentences are evidence.
    per_concept: list[list[Finding]] = [[] for _ in concepts]
    for tier, sentence in tiered:
        for index, _, values in _list_mentions(concepts, number, sentence):
            concept = concepts[index]
            regions = mention_regions(concept, sentence, section_regions) if concept.regional else ()
            per_concept[index].extend(Finding(value, sentence, tier, stated, regions) for value, stated in values)
    by_path: dict[str, list[Finding]] = {}
    for concept, findings in zip(concepts, per_concept):
        if findings:
            by_path.setdefault(concept.path, []).extend(findings)
    return by_path, {index for index, findings in enumerate(per_concept) if findings}


_SPECIFIC = ("multiple", "other")


# What separates the clauses of a list of findings or diagnoses ("a labral tear of the shoulder; a fracture of the
# thumb", "1) PT for the shoulder 2) a lumbar ESI"): a finding's region is first looked for in its own clause.
_CLAUSE = re.compile(r"[;,]|\band (?:a|an|the)\b|(?<![\w/-])\(?\d{1,2}\)(?=\s)", re.I)


# The whole limbs, and the spinal region whose roots supply each (vocabulary.NERVE_SUPPLY).
_LIMB_SPINE = {limb: spine for supplied in NERVE_SUPPLY for limb in supplied if limb.endswith("_extremity")
               for spine in supplied if spine.endswith("_spine")}


def mention_regions(concept: Concept, sentence: Sentence, section_regions: dict[str, str] | None = None,
                    pattern: re.Pattern[str] | None = None) -> tuple[str, ...]:
    """The body regions a regional concept's mention in the sentence is for; empty: every region. `pattern` is the
    mention's own when a reader other than the concept's phrases found it (surgical.read_dated_traumas's dated trauma):
    its clause is the one looked in first."""
    regions = _named_regions(concept, sentence, section_regions, pattern or concept.pattern)
    if concept.limb_includes_spine and regions and all(r in _LIMB_SPINE for r in regions):
        return tuple(dict.fromkeys([*regions, *(_LIMB_SPINE[r] for r in regions)]))
    if not concept.nerve_supply:
        return regions
    return tuple(dict.fromkeys([*regions, *sorted(r for supplied in NERVE_SUPPLY if supplied & set(regions)
                                                  for r in supplied)]))


_NERVE_ROOTS = NamedKinds("nerve_roots")
# An examination lists its findings joined by "and" and "with" ("a positive straight leg raise and tenderness of the
# cervical spine"): a nerve finding's region is first looked for in its own part of the list.
_NERVE_CLAUSE = re.compile(_CLAUSE.pattern + r"|\b(?:and|with|but|as well as)\b", re.I)


def _named_regions(concept: Concept, sentence: Sentence, section_regions: dict[str, str] | None,
                   pattern: re.Pattern[str]) -> tuple[str, ...]:
    from .classify import body_regions

    def named_in(part: str) -> list[str]:
        found = [r for r in body_regions(part) if r not in _SPECIFIC]
        if concept.nerve_supply:
            found += [kind for kind, pattern in _NERVE_ROOTS if pattern.search(part)]
        return found

    text = sentence.text
    clause = _NERVE_CLAUSE if concept.nerve_supply else _CLAUSE
    clauses = []
    operated: list[str] = []
    for match in pattern.finditer(text):
        # An operation the mention itself names is on its own region, whatever else its clause names ("a left knee
        # arthroscopy on 12/01/2016 and chronic low back pain").
        if concept.operation_regions and (region := _operation_region(match.group())):
            operated.append(region)
            continue
        # A mention that runs over a break ("Plan: right shoulder PT and an L4-5 ESI") is the finding it ends in: its
        # clause starts at the last break before its end, not before its start.
        start = max((m.end() for m in clause.finditer(text, 0, match.end()) if m.end() < match.end()), default=0)
        stop = next((m.start() for m in clause.finditer(text, match.end())), len(text))
        clauses.append(text[start:stop])
    named = tuple(dict.fromkeys([*operated, *(r for clause in clauses for r in named_in(clause))]))
    if not named and concept.operation_regions:
        named = tuple(dict.fromkeys(r for clause in clauses if (r := _operation_region(clause))))
    if not named and concept.nerve_supply and concept.regions:
        # A sign of one group of roots names its region itself (Spurling's: the neck), before the rest of the sentence.
        return concept.regions
    if not named:
        named = tuple(dict.fromkeys(named_in(text)))
    if named:
        return named
    if concept.regions:
        return concept.regions
    own = (section_regions or {}).get(sentence.section)
    return (own,) if own and own not in _SPECIFIC else ()


def _operation_region(text: str) -> Optional[str]:
    """The body region of the first operation the text names (rules/surgeries.yaml, most specific first)."""
    regions = surgery_table().regions()
    return next((regions[name] for name, pattern in _SURGERIES if name in regions and pattern.search(text)), None)


# --- numbers and named values ------------------------------------------------------------------

_AGE_SEX = re.compile(r"\b(\d{1,3})[- ]year[- ]old(?: (female|male|woman|man|gentleman|lady))?", re.I)
_SEX = re.compile(r"\b(?:is an? |this )(?:\d+[- ]year[- ]old )?(female|male|woman|man)\b", re.I)
_DIAGNOSES = re.compile(r"\bdiagnos(?:es|is|ed)\b(?: (?:include|included|including|of|were|was|are|is|as|with|for))+:?"
                        r"\s*(.+?)(?:\.\s|\.$|$)", re.I)
_INJURY = re.compile(r"(?:injur(?:y|ed)|date of injury|\bDOI\b)(?: (?:on|of|is|was|occurred on|dated))?:?\s*(" + DATE + ")",
                     re.I)
_UR_DATE = re.compile(DATE, re.I)
_RFA = re.compile(r"(?:request for authori[sz]ation|\bRFA\b)[^.]{0,40}?(?:dated|signed|submitted|received|is|was|of)"
                  r"(?: on)?:?\s*(" + DATE + ")", re.I)
_PAIN_WITH = re.compile(r"(\d+(?:\.\d+)?)(?:\s*-\s*(\d+(?:\.\d+)?))?\s*/\s*10 (with|without)(?: the)?(?: use of)? "
                        r"(?:medications?|meds|opioids?)", re.I)
_PAIN_BOTH = re.compile(r"(\d+(?:\.\d+)?)(?:\s*-\s*(\d+(?:\.\d+)?))?\s*/\s*10 without and (\d+(?:\.\d+)?)"
                        r"(?:\s*-\s*(\d+(?:\.\d+)?))?\s*/\s*10 with (?:the )?(?:medications?|meds|opioids?)", re.I)
_PAIN_RATED = re.compile(r"pain\b[^.]{0,40}?\b(?:rated|reported|scored|level|is|was|of|at)\b[^.\d]{0,12}(\d+(?:\.\d+)?)"
                         r"(?:\s*-\s*(\d+(?:\.\d+)?))?\s*(?:/\s*10|out of 10|on a (?:0-)?10)", re.I)
_MED = re.compile(r"(\d+(?:\.\d+)?)\s*(?:mg\s*)?(?:MED|MME|morphine (?:milligram )?equivalents?)", re.I)
# "50% pain relief", "50-60% improvement", "relief of 50 percent", "improved by 50%": a range is read at its lower end.
_RELIEF = re.compile(r"(\d{1,3})\s*(?:-\s*\d{1,3}\s*)?(?:%|percent)\s*(?:pain )?(?:relief|improvement|reduction|"
                     r"decrease|better)|(?:relief|improvement|reduction|decrease|improved|reduced|decreased) (?:in pain )?"
                     r"(?:of|by) (?:about |approximately |over |greater than )?(\d{1,3})\s*(?:-\s*\d{1,3}\s*)?"
                     r"(?:%|percent)", re.I)
_RELIEF_FOR = re.compile(r"(?:for|lasting|lasted|over|x)\s+(?:about |approximately |at least |over )?" + _NUMBER +
                         r"\s*(?:-\s*\d{1,3}\s*)?(days?|weeks?|months?)", re.I)
_SINCE = re.compile(r"\b(?:since|as early as|as of|starting|started(?: on| in)?|began(?: on| in)?|initiated(?: on| in)?)"
                    r"\s+(?:at least\s+)?(" + LOOSE_DATE + r")\b", re.I)
_FOR_DURATION = re.compile(r"\b(?:(?:for|over|x)\s+(?:at least |more than |over |approximately |about |the (?:past|last) )?|"
                           r"(?<=, )(?:at least|more than|over|approximately|about) )"
                           r"(\d{1,3}|" + _COUNT_WORDS + r"|several)\s+"
                           r"(weeks?|months?|years?)\b", re.I)
# "Treatment has included Norco since ...": the inventory of care names the drug taken.
_ON_DRUG = re.compile(r"\b(?:taking|using|been on|on this|prescribed|used|utiliz\w+|maintained on|continu\w+|"
                      r"(?:treatments?|therapy) (?:to date )?(?:has |have )?includ\w+)\b", re.I)
_MONTH_YEAR = re.compile(r"([A-Za-z]+)\.? (\d{4})|(\d{1,2})/(\d{4})|((?:19|20)\d\d)")


def read_patient(summary: list[Sentence], into: Facts) -> None:
    for sentence in summary:
        match = _AGE_SEX.search(sentence.text)
        if match and "patient.age" not in into.values and 0 < int(match.group(1)) <= 120:
            into.put("patient.age", int(match.group(1)), [sentence])
            if match.group(2) and "patient.sex" not in into.values:
                into.put("patient.sex", "female" if match.group(2).lower() in ("female", "woman", "lady") else "male",
                         [sentence])
        sex = _SEX.search(sentence.text)
        if sex and "patient.sex" not in into.values:
            into.put("patient.sex", "female" if sex.group(1).lower() in ("female", "woman") else "male", [sentence])


def read_diagnoses(summary: list[Sentence]) -> tuple[list[str], list[Sentence]]:
    for sentence in summary:
        match = _DIAGNOSES.search(sentence.text)
        if match:
            parts = re.split(r",|;|\band\b", match.group(1))
            names = [" ".join(p.split()).strip(" .:") for p in parts]
            names = [n for n in names if 2 < len(n) <= 120]
            if names:
                return names[:12], [sentence]
    return [], []


def read_dates(summary: list[Sentence], known: dict[str, dt.date], into: Facts) -> None:
    """Dates the header did not give (the older letters have none): injury, UR decision, request."""
    if "injury_date" not in known:
        _first_date(summary, _INJURY, "case.injury_date", into)
    if "ur_decision_date" not in known:
        for sentence in summary:
            if re.search(r"utilization review|\bUR\b|(?:non-?certified|denied|modified) (?:on|dated) \d",
                         sentence.text, re.I) and re.search(
                    r"denied|modified|non-?certif|determination|review(?:ed)?|certified", sentence.text, re.I):
                days = [parse_date(m.group()) for m in _UR_DATE.finditer(sentence.text)]
                days = [d for d in days if d]
                if days:
                    into.put("case.ur_decision_date", max(days), [sentence])
                    break
    _first_date(summary, _RFA, "case.request_date", into)


def _first_date(summary: list[Sentence], pattern: re.Pattern[str], path: str, into: Facts) -> None:
    """The date the pattern's first group gives in the first sentence where it parses."""
    for sentence in summary:
        match = pattern.search(sentence.text)
        day = parse_date(match.group(1)) if match else None
        if day:
            into.put(path, day, [sentence])
            return


def read_pain_and_work(sentences: list[Sentence], into: Facts) -> None:
    for sentence in sentences:
        for match in _PAIN_WITH.finditer(sentence.text):
            low, high = float(match.group(1)), float(match.group(2) or match.group(1))
            if not (0 <= low <= 10 and 0 <= high <= 10):
                continue
            # A range is read conservatively: without medication its lower end, with medication its upper end,
            # so the relief is never overstated.
            if match.group(3).lower() == "without":
                into.put("clinical.pain.without_medication", low, [sentence])
            else:
                into.put("clinical.pain.with_medication", high, [sentence])
        both = _PAIN_BOTH.search(sentence.text)
        if both:
            without, with_ = float(both.group(1)), float(both.group(4) or both.group(3))
            if 0 <= without <= 10 and 0 <= with_ <= 10:
                into.put("clinical.pain.without_medication", without, [sentence])
                into.put("clinical.pain.with_medication", with_, [sentence])
        rated = _PAIN_RATED.search(sentence.text)
        if rated and not rated.group(2) and "/10 with" not in sentence.text:
            value = float(rated.group(1))
            if 0 <= value <= 10:
                into.put("clinical.pain.current", value, [sentence])
        status = work_status_now(sentence.text)
        if status is not None:
            into.put("clinical.work_status", status, [sentence])


# A work status is read in its own clause: "remains TTD, and a return to work is not documented" negates the return,
# not the TTD, and "was off work for a month but returned to her usual job" names two statuses, one a clause each.
_STATUS_CLAUSE = re.compile(r";|,\s*(?:and|but|so|while|whereas|although|though)\b|\b(?:but|whereas|yet)\b", re.I)
# A status planned, hoped for or conditional is not the status now ("goal: return to full duty", "if the employer cannot
# accommodate, he will be taken off work", "consider light duty"): the trigger stands before the status in its clause.
# "Will remain off work" is the status now, kept.
_STATUS_NOT_YET_BEFORE = re.compile(
    r"\b(?:if|unless|once(?! (?:again|more|a|per|daily|weekly|monthly)\b)|would|goals?|plan(?:s|ned)? (?:to|for)|consider\w*|anticipat\w*|expect\w*|hop(?:e|es|ed|ing)"
    r"|aim\w*|intend\w*)\b|\bwill\b(?! (?:remain|continue|stay|be kept)\b)", re.I)
# ... or a condition after it ("released to full duty if the exam is normal").
_STATUS_CONDITION_AFTER = re.compile(r"\b(?:if|unless|once(?! (?:again|more|a|per|daily|weekly|monthly)\b)|provided)\b",
                                     re.I)
# A status held before and not now: "previously on modified duty". Not "had been": a summary reports the record in the
# past perfect ("it was noted that he had been released to full duty").
_STATUS_BEFORE = re.compile(r"\b(?:previously|formerly|in the past|history of)\b", re.I)
# An earlier status that the clause's own status follows: "back to full duty after six weeks off work".
_STATUS_EARLIER = re.compile(r"\b(?:after|following)\b(?:\W+\w+){0,5}?\W*$", re.I)
# What the job demands is not the worker's status: "his job as a mechanic requires full duty lifting".
_JOB_DEMANDS = re.compile(r"\b(?:job|position|occupation)\b(?: (?:as|at) (?:an? |the )?[\w-]+)?(?: \w+)? "
                          r"(?:requires?|required|requiring|involves?|involved|demands?|entails?)\b"
                          r"|\bjob (?:demands|duties|description|requirements)\b", re.I)


def work_status_now(text: str) -> Optional[str]:
    """The work status a sentence gives the worker now: the last status affirmed as current in its clause.

    A record tells a worker's course in the order it happened ("off work after surgery, then back to light duty",
    "moved from TTD to modified duty"), so the last status it affirms is the status now; a planned, conditional or
    past status, and a job's demands, give none.
    """
    mentions = sorted({(m.start(), -m.end(), status) for status, pattern in WORK_STATUSES
                       for m in pattern.finditer(text)})
    bounds = [0, *(m.end() for m in _STATUS_CLAUSE.finditer(text)), len(text)]
    current = None
    for start, negative_end, status in mentions:
        end = -negative_end
        clause_start = max(b for b in bounds if b <= start)
        clause_end = min(b for b in bounds if b >= end)
        clause = text[clause_start:clause_end]
        before, after = text[clause_start:start], text[end:clause_end]
        if (_STATUS_NOT_YET_BEFORE.search(before) or _STATUS_CONDITION_AFTER.search(after)
                or _STATUS_BEFORE.search(before) or _STATUS_EARLIER.search(before) or _JOB_DEMANDS.search(clause)):
            continue
        if assess(clause, start - clause_start, end - clause_start).status == AFFIRMED:
            current = status
    return current


def treatment_pattern(topic: str, request_text: str) -> Optional[re.Pattern[str]]:
    """A pattern for the request's own treatment, as the summary would name it (rules/topics.yaml `treatment`)."""
    spec = topic_spec(topic)
    words = spec.treatment_words
    # A variant of the treatment (another stimulator unit than TENS) has its own history, when the request names
    # it and not the topic's own words.
    for variant in spec.treatment.variants:
        named = joined(variant)
        if re.search(named, request_text, re.I) and not (words and re.search(words, request_text, re.I)):
            return re.compile(named, re.I)
    # A therapy is named by its kind even when the request mentions a drug ("acupuncture with a
    # capsaicin patch" is acupuncture).
    if words:
        return re.compile(words, re.I)
    entry = lookup_drug(request_text)
    if entry is not None:
        names = {n for n, e in drug_lexicon().items() if e.generic == entry.generic}
        return _names_pattern(names)
    return None


def read_sessions_completed(topic: str, treatment: re.Pattern[str], scope: Scope, into: Facts, prefix: str) -> None:
    if not topic_spec(topic).treatment.sessions_completed:
        return
    best = _by_tier(("sessions_completed", treatment), scope, lambda tier, sentence: _sessions_completed(
        treatment, tier, sentence), _most_sessions)
    if best is not None:
        into.put(prefix + "history.sessions_completed", best.value, [best.sentence])


def _most_sessions(findings: list[Finding]) -> Optional[Finding]:
    return max(findings, key=lambda f: f.value) if findings else None


def _sessions_completed(treatment: re.Pattern[str], tier: int, sentence: Sentence) -> list[Finding]:
    unit = r"(?:sessions?|visits?|treatments?)"
    findings: list[Finding] = []
    text = sentence.text
    if not treatment.search(text):
        return findings
    if re.search(_PLAN, text, re.I) and not _COMPLETED.search(text):
        return findings
    for name in treatment.finditer(text):
        window_start = max(0, name.start() - 70)
        before = text[window_start:name.start()]
        after = text[name.end():name.end() + 40]
        number = None
        m = re.search(_NUMBER + r"\s+(?:prior |previous |completed |authorized |initial |additional )?(?:" + unit +
                      r"\s+of\s+(?:prior |previous )?)?(?:\w+\s+){0,2}$", before, re.I)
        if m and (re.search(unit, before[m.start():], re.I) or re.search(r"^\s*" + unit, after, re.I)):
            number = _int(m.group(1))
        if number is None:
            m = re.search(r"^\s*(?:x|times|for)\s*" + _NUMBER + r"\s*" + unit + "?", after, re.I)
            if m:
                number = _int(m.group(1))
        if number is None:
            continue
        clause = text[max(0, name.start() - 90):name.end() + 40]
        if re.search(r"additional|more|further|another|requested|request for", clause, re.I) and not \
                _COMPLETED.search(clause):
            continue
        if 0 < number <= 200 and _COMPLETED.search(text):
            findings.append(Finding(number, sentence, tier))
    return findings


_PRIOR_POSITIVE = re.compile(r"(?:was|were|had been) prescribed\b[^.;]{0,60}?\b(?:on|in) \d|to date|has had|had (?:\w+ ){0,3}(?:sessions?|visits?|treatments?)|received|undergone|"
                             r"underwent|completed|attended|tried|trialed|\bs/p\b|\bstatus post\b|\b(?:has|have|had|never) used\b|"
                             r"prior|previous\w*|history of|has been "
                             r"(?:taking|using|on|treated with)|continu\w+ (?:to take|taking|with|on)|currently "
                             r"(?:taking|using|on)|includ\w+|benefit\w* from|since|"
                             # a response it gave, in the past tense ("acupuncture was helpful"; "would be" is hoped)
                             r"\b(?:was|were) (?:\w+ )?(?:helpful|beneficial|effective)\b|\bhelped\b|"
                             r"\b(?:provided|gave) (?:[\w%]+ ){0,3}(?:relief|benefit|improvement)\b|"
                             # delivered, in the perfect passive ("no chiropractic care has been rendered")
                             r"\b(?:has|have|had) been (?:rendered|provided|given|performed|administered)\b", re.I)
# A treatment refilled, renewed or taken on an ongoing basis is continued: counted only when affirmed ("no
# documentation to support its ongoing use" says nothing of whether it was used).
_CONTINUED_USE = re.compile(r"\b(?:re)?fill(?:s|ed)? (?:of|for)\b|\brenew(?:al|ed)? of\b|\bongoing (?:use|treatment|therapy)\b|"
                            r"\b(?:continued|chronic) (?:use|treatment|therapy) (?:of|with)\b|\bmaintained on\b|"
                            r"\b(?:is|was|remains) on\b|\b(?:depend(?:s|ed|ing|ent)|rel(?:ies|ied|ying)) on\b", re.I)


# A drug the prescriber keeps the patient on ("continue duloxetine", "will continue with her gabapentin", "continuing
# the same dose of naproxen", "refilled tramadol"): one cannot continue or refill a drug not yet taken, so even a
# plan to do it tells a course under way. The verb stands just before the drug it is about, not before another item
# of a list.
_KEPT_ON = re.compile(r"\b(?:continu(?:e|es|ed|ing)|refill(?:s|ed|ing)?|renew(?:s|ed|ing)?)\s+"
                      r"(?:(?:with|on|taking|using)\s+)?(?:(?:the|his|her|their|current|same|present)\s+)*"
                      r"(?:(?:use|dose|dosage|prescription|regimen)\s+of\s+)?$", re.I)


# A treatment the record shows starting now: a first prescription, no earlier reports of it.
_PRIOR_NEGATIVE = re.compile(r"starting (?:the use of|on)|first[- ](?:prescribed|prescription|documentation|time)|newly "
                             r"prescribed|new prescription|initial prescription|(?<!no )\bnew (?:medications?|meds?|drugs?)\b|"
                             r"(?:do|does|did) not show (?:a|any) "
                             r"(?:prescription|history|reports?)|not (?:been )?previously (?:prescribed|tried|used)|"
                             r"no (?:prior|previous|history of) (?:\w+ ){0,2}(?:use|trial|treatment|sessions?|therapy)|"
                             # a count of none ("zero PT visits to date"), not of those left ("0 visits remaining")
                             r"\b(?:zero|0) (?:\w+ ){0,2}(?:sessions?|visits?|treatments?)\b(?! (?:remain|left))|"
                             # the requested course is the first ("a request for an initial course of", "the first
                             # set of visits is requested"); a first refill continues a drug
                             r"\brequest\w*\b(?:(?!\b(?:and|but)\b)[^.;]){0,25}\b(?:initial|first)\b(?! refill)|"
                             r"\b(?:initial|first)\b(?! refill)[^.;]{0,40}\b(?:is|are|being) requested\b",
                             re.I)
# The treatment named, then said not given ("physical therapy has not been tried", "acupuncture was never started").
_NOT_GIVEN_AFTER = re.compile(r"^(?:[\w-]+ ){0,3}?(?:has|have|had|was|were) (?:not|never) (?:yet )?(?:been )?"
                              r"(?:tried|trialed|attempted|provided|given|rendered|done|performed|received|started|"
                              r"initiated|completed|prescribed)\b", re.I)
# A treatment the record starts now: a trial of it, its start or initiation. Counted only when affirmed ("it is
# unclear whether X was started", "no documentation that X was started" say neither).
_STARTED_NOW = re.compile(r"\b(?:a|an) (?:[\w-]+ ){0,2}trial (?:of|with)\b|\b(?:to|will) (?:start|begin|initiate|try)\b|"
                          r"\b(?:was|were|is|be|been) (?:started|initiated|begun)\b(?! (?:on|in|since) \w*\d)|"
                          r"\bnew(?:ly)? start|\b(?:recommend\w*|suggest\w*|plan\w*) (?:starting|initiating|beginning|trying)\b|"
                          # A note's own order or act, opening its fragment ("Start naproxen", "Rx: started on Norco
                          # today"), unless the fragment dates the start in the past ("started on Norco in 2014").
                          r"(?:^|[:;]\s*)(?:start|begin|initiate|started|initiated|began)\b"
                          r"(?![^.;]*(?:\b(?:in|on|since) (?:" + LOOSE_DATE + r")|\bago\b))",
                          re.I)


# The record cannot tell whether it was given ("unclear whether", "not known if"): unlike "no documentation of prior
# acupuncture", which reads as a course not given, this says neither.
_UNKNOWN_WHETHER = re.compile(r"\b(?:unclear|uncertain|unknown|not (?:known|clear|certain)) (?:whether|if)\b", re.I)
# "No documentation of the response to prior acupuncture": the response is missing, not the treatment.
_RESPONSE_TO = re.compile(r"\b(?:responses?|results?|benefits?|efficacy|improvements?|outcomes?|effects?|gains?|relief)\b"
                          r"[^.;]{0,40}\b(?:to|from|of|with|after)\b[^.;]{0,40}$", re.I)


# "Failed physical therapy before the injections now requested": the treatment named is the request, not its history.
_THE_REQUEST = re.compile(r"\b(?:requested|proposed|requests? for|requested for|order(?:ed)?(?: for)?)\W+(?:(?:an?|the)\W+)?"
                          r"(?:\w+\W+){0,2}$", re.I)


# "The plan included continuation of physical therapy": a plan to continue is a treatment under way; in "continuation
# of medications, injections and a TENS trial" the other items of the list are new.
_CONTINUED = re.compile(r"\bcontinu\w*[^,;]*$", re.I)


# A drug's class taken as treatment ("has been on chronic opioid treatment", "taking NSAIDs", "is taking Norco" or
# "current medications include Norco" for a tramadol request): for a drug request of a topic whose class words are
# given (rules/topics.yaml in_use_words: opioids, NSAIDs, muscle relaxants, sleep aids, whose criteria are for the
# class taken, not one product), the class's words or any of its drugs tell continued use of the class. Not
# "non-opioid".
@lru_cache(maxsize=None)
def class_use_pattern(topic: str) -> Optional[re.Pattern[str]]:
    words = topic_spec(topic).in_use_words
    if not words:
        return None
    classes = _classes_of(frozenset({topic}))
    names = sorted((re.escape(n) for n, e in drug_lexicon().items() if e.drug_class in classes), key=len, reverse=True)
    cls = r"(?<![a-z])(?<!non-)(?<!non )(?:" + "|".join([joined(words)] + names) + r")(?![a-z])"
    return re.compile(r"\b(?:(?:has been|have been|is|was|remains|currently|been) (?:on|taking|using|treated with)|"
                      r"chronic|long[- ]term|ongoing|continued|maintained on) (?:\w+ ){0,2}" + cls +
                      r"(?: (?:treatment|therapy|use|medications?|regimen))?|"
                      # a list of current medications, or the inventory of care, naming a drug of the class
                      + "|".join(head + r"[^.;]*?" + cls for head in (_MEDICATION_LIST_HEAD, _MEDICATION_COLON_HEAD,
                                                                     _INVENTORY_HEAD)), re.I)


# A sentence that only plans or requests (no statement of what was taken).
_PLAN_ONLY = re.compile(r"\b(?:request(?:ed|s)? for|recommend\w*|will\b|planned|proposed)", re.I)


# A drug's dose changed to a new one ("gabapentin increased to 600 mg", "Norco reduced from 4 to 3 tabs daily",
# "weaned down to 10 mg a day"): the dose is of a drug being taken. A dose to be changed is read where plans are.
_DOSE_CHANGED = re.compile(r"(?:increased|decreased|reduced|raised|lowered|adjusted|titrated|tapered|weaned)"
                           r"(?: (?:down|up|back))?(?: from \d[\w./ ]{0,20}?)? to \d+", re.I)


# A drug taken now, or the relief it gives ("takes Norco", "reports using gabapentin", "relief with Norco", "Norco
# is helpful"): a reviewer reads it as the drug continued. Drugs only: a therapy's helpfulness may be hoped for.
_DRUG_TAKEN = re.compile(r"\b(?:takes|uses|(?:is|are|was|were)(?: still| currently)? (?:taking|using)|report(?:s|ed|ing)? (?:taking|using)|"
                         r"relief (?:with|from)|helpful|helps|helped|provid\w+ (?:[\w%]+ ){0,3}relief|"
                         r"(?:improve\w*|better) (?:with|on)|tolerat(?:es|ed|ing)|"
                         # the pain it lowers ("Norco brings her pain from 8/10 to 4/10"), its last refill ("Norco was
                         # last refilled on ...")
                         r"(?:brings?|brought|reduc(?:es|ed)|lower(?:s|ed)|decreas(?:es|ed)) "
                         r"(?:(?:her|his|their|the) )?pain|"
                         r"(?:is|are|was|were|been)(?: last| recently)? (?:refilled|renewed)|"
                         + _DOSE_CHANGED.pattern + r")\b", re.I)
# A benefit hoped for is not one had ("Norco would be helpful").
_HOPED_FOR = re.compile(r"\b(?:would|could|may|might|should|hope\w*|expect\w*|intend\w*)\b", re.I)


def _clause_around(text: str, name: re.Match[str]) -> str:
    """The words near a mention, up to a clause break: the use words of another drug of the sentence are not its."""
    before = re.split(r"[;:]|, (?:and|but) |\band\b|\bbut\b", text[max(0, name.start() - 50):name.start()])[-1]
    after = re.split(r"[;:,]|\band\b|\bbut\b", text[name.end():name.end() + 50])[0]
    return before + name.group(0) + after


def read_prior_treatment(treatment: re.Pattern[str], scope: Scope, into: Facts, prefix: str,
                         class_use: Optional[re.Pattern[str]] = None, drug: bool = False) -> None:
    chosen = _by_tier(("prior_treatment", treatment, class_use, drug), scope, lambda tier, sentence: _prior_treatment(
        treatment, tier, sentence, class_use, drug), resolve)
    if chosen is not None:
        into.put(prefix + "history.prior_treatment", chosen[0], chosen[1])


def _prior_treatment(treatment: re.Pattern[str], tier: int, sentence: Sentence,
                     class_use: Optional[re.Pattern[str]] = None, drug: bool = False) -> list[Finding]:
    text = sentence.text
    named = treatment.search(text)
    # Bound to the drug's own mention, so it outranks a start word elsewhere in the sentence ("continue duloxetine
    # and start a trial of gabapentin" continues duloxetine).
    kept_on = next((name for name in treatment.finditer(text) if _KEPT_ON.search(text[:name.start()])), None) \
        if drug else None
    if kept_on is not None and assess(text, kept_on.start(), kept_on.end()).status == AFFIRMED:
        return [Finding(True, sentence, tier)]
    if named and (_PRIOR_NEGATIVE.search(text) or any(
            _NOT_GIVEN_AFTER.search(text[name.end():].lstrip()) for name in treatment.finditer(text))):
        return [Finding(False, sentence, tier)]
    if named and _STARTED_NOW.search(text):
        return [Finding(False, sentence, tier)] if assess(text, named.start(), named.end()).status == AFFIRMED else []
    # The words of continued use stand just before the treatment they are about ("a refill of Norco", "is on
    # gabapentin"), not before another item of a list ("continued use of medication, chiropractic care").
    continued = next((name for name in treatment.finditer(text) if re.search(
        r"(?:" + _CONTINUED_USE.pattern + r")(?:(?!\band\b)[^,;.]){0,30}$", text[:name.start()], re.I)), None)
    if continued is not None and _PLAN_ONLY.search(text) is None and \
            assess(text, continued.start(), continued.end()).status == AFFIRMED:
        return [Finding(True, sentence, tier)]
    if drug and named and _PLAN_ONLY.search(text) is None:
        listed = _MEDICATION_LIST.search(text)
        on_list = listed is not None and treatment.search(text, listed.start("items") if listed.group("items") else
                                                          listed.start("after_colon"), listed.end())
        taken = None if _HOPED_FOR.search(text) else next(
            (name for name in treatment.finditer(text) if _DRUG_TAKEN.search(_clause_around(text, name)) and
             not _THE_REQUEST.search(text[:name.start()])), None)
        for mention in (on_list, taken):
            if mention and assess(text, mention.start(), mention.end()).status == AFFIRMED:
                return [Finding(True, sentence, tier)]
    if class_use is not None:
        used = class_use.search(text)
        if used and _PLAN_ONLY.search(text) is None and assess(text, used.start(), used.end()).status == AFFIRMED:
            return [Finding(True, sentence, tier)]
    for name in treatment.finditer(text):
        if not _PRIOR_POSITIVE.search(text) or _THE_REQUEST.search(text[:name.start()]):
            continue
        if re.search(_PLAN, text, re.I) and not re.search(r"to date|previous|prior|has had|history of|completed|"
                                                           r"prescribed medications? (?:have |has )?includ\w+|"
                                                           r"since|currently|has been (?:taking|using|on)|"
                                                           r"(?:was|were|had been) prescribed\b[^.;]{0,60}?\b(?:on|in) "
                                                           r"\d", text, re.I) and not _CONTINUED.search(
                                                               text[:name.start()]):
            continue
        mention = assess(text, name.start(), name.end())
        if mention.status == AFFIRMED:
            return [Finding(True, sentence, tier)]
        if mention.status == NEGATED and _UNKNOWN_WHETHER.search(text[:name.start()]):
            return []  # "it is unclear whether she has had therapy": neither had nor not had
        if mention.status == NEGATED and not _RESPONSE_TO.search(text[:name.start()]):
            # "No documentation of prior acupuncture" stays false, not stated-not-documented: a course the record
            # does not show has not been given, as the summary's inventory of care is read, and that is how a
            # first trial is told from a continuation (recording it as stated not documented lost a seed's
            # overturned first trial, every other prediction unchanged).
            return [Finding(False, sentence, tier)]
        return []
    return []


# "Treatment to date has included A, B and C": the summary's inventory of the care given so far.
_TREATMENT_LIST = re.compile(
    r"\b(?:treatments?|therapies|care) (?:to date |thus far |so far )?(?:has |have )?(?:included|includes?|"
    r"consisted of|consists of)\b:?(?P<items>[^.]+)", re.I)
# Words in such a list that could stand for any therapy, so the list cannot rule one out.
_UNSPECIFIC_CARE = re.compile(
    r"\bconservative\b|\bmodalities\b|\brehab\w*|\bother\b|\betc\b|(?:^|,|;|:|\band)\s*(?:\w+ )?therap(?:y|ies)\b",
    re.I)


def read_absent_from_treatment_list(topic: str, treatment: re.Pattern[str], summary: list[Sentence], into: Facts,
                                    prefix: str) -> None:
    """A therapy the summary's treatment inventory leaves out has not been given before.

    Reviewers read "treatment to date has included medications and chiropractic care" as the whole
    record of care; a request for physical therapy after it is a first course. Only when the list
    names its items specifically: "therapy" or "conservative care" could include the requested one.
    """
    # Therapies a treatment list names one by one (rules/topics.yaml treatment.listed_in_inventory); drugs hide
    # behind "medications", visits are not listed.
    if not topic_spec(topic).treatment.listed_in_inventory or prefix + "history.prior_treatment" in into.values:
        return
    found = _first_treatment_list(summary)
    if found is None:
        return
    items, sentence = found
    if treatment.search(items) or _UNSPECIFIC_CARE.search(items):
        return
    into.put(prefix + "history.prior_treatment", False, [sentence])


# "Current medications include A, B and C": the record's list of the drugs taken now.
_MEDICATION_LIST = re.compile(_MEDICATION_LIST_HEAD + r"(?P<items>[^.;]+)|" + _MEDICATION_COLON_HEAD +
                              r"(?P<after_colon>[^.;]+)", re.I)
# The inventory of care is a list of the drugs taken when it names them one by one ("treatment has included Norco
# and baclofen"); read after a list of medications in the same sentence, which is the more specific.
_INVENTORY_OF_DRUGS = re.compile(_INVENTORY_HEAD + r"(?P<items>[^.;]+)", re.I)
# Words in such a list that leave it open (it may hold the requested drug under another name).
_OPEN_LIST = re.compile(r"\b(?:other|etc|and so on|among others|unspecified|unknown|not (?:provided|documented|"
                        r"listed|specified)|such as|e\.g|various|several|including but)\b|\bmedications?\b|"
                        # a kind of product rather than a drug ("topical creams", "compounds") may be the one requested
                        r"\b(?:creams?|gels?|patch(?:es)?|ointments?|compound\w*|topicals?|analgesics?|supplements?)\b", re.I)


def read_absent_from_medication_list(treatment: re.Pattern[str], topic: str, summary: list[Sentence], into: Facts,
                                     prefix: str) -> None:
    """A drug the summary's list of current medications leaves out is a new start.

    Reviewers read "current medications include Norco and Soma" as what the patient takes: a request for
    gabapentin after it starts gabapentin. Only a list that names drugs of the lexicon and is not left
    open, and only when nothing else in the letter says whether the drug was taken before.
    """
    if prefix + "history.prior_treatment" in into.values:
        return
    words = topic_spec(topic).in_use_words
    class_words = _names_pattern((), joined(words)) if words else None
    # Another drug of the same class on the list ("Mobic" for a diclofenac request) makes the request a switch or an
    # addition within a class the patient already takes, not a first course of it.
    same_class = [class_pattern(c) for c in sorted(_classes_of(frozenset({topic})))]
    for sentence in summary:
        # "The patient is not taking any medications": whatever drug is requested starts now.
        if _NO_MEDICATION.search(sentence.text) and not re.search(_NOT_YET, sentence.text, re.I):
            into.put(prefix + "history.prior_treatment", False, [sentence])
            return
        items = _closed_medication_list(sentence)
        if items is None or treatment.search(items) or (class_words is not None and class_words.search(items)) or \
                any(pattern.search(items) for pattern in same_class):
            continue
        into.put(prefix + "history.prior_treatment", False, [sentence])
        return


# The record of the drugs taken, named as a whole: "the current medication regimen", "a medication list", "the
# medication history", "a list of current medications", "which medications she takes".
_MEDICATION_RECORD = (r"(?:(?:the |a |an |any |her |his |their |the patient's )?(?:current |complete |full |prior |past "
                      r"|previous )?(?:medication|drug|pharmacy|prescription) (?:regimen|list|history|profile|record|"
                      r"reconciliation)s?|(?:a |the |any )?(?:complete |full |current )?list of (?:the )?(?:current |her "
                      r"|his |prescribed )?medications|(?:what|which|the) medications (?:(?:she|he|the patient) "
                      r")?(?:takes|took|uses|(?:is|was|were|are|has been|had been) (?:taking|using|on|prescribed))|(?:the |her |his )?(?:current|prior|previous|"
                      r"past) medications(?! (?:of|for|such|like|including|include)\b))")
_NOT_RECORDED_VERB = (r"(?:provided|submitted|documented|listed|included|specified|available|noted|given|identified|"
                      r"described|recorded|reported|known|enclosed|attached)")
# The letter says the record does not name the drugs taken: "the current medication regimen was not provided", "no
# medication list was submitted", "the records do not list the medications she takes", "did not note what medications
# were prescribed". A missing record, not a finding of none (issue 12, "Two kinds of absence"): a drug's earlier use,
# and the medications to monitor, are stated not documented.
_MEDICATIONS_UNRECORDED = re.compile(
    r"\b" + _MEDICATION_RECORD + r" (?:(?:was|were|is|are|has|have|had) (?:not|never)(?: been)?|not(?: been)?) "
    r"(?:(?:\w+ly|yet|also|made) )?" + _NOT_RECORDED_VERB + r"\b"
    r"|\b" + _MEDICATION_RECORD + r" (?:(?:was|were|is|are|remains?|remained) )?(?:unknown|unavailable|undocumented|"
    r"unspecified|not known)\b"
    r"|\bno " + _MEDICATION_RECORD + r" (?:(?:was|were|is|are|has been|have been) )?(?:\w+ )?" + _NOT_RECORDED_VERB + r"\b"
    r"|\bthere (?:is|was|are|were) no " + _MEDICATION_RECORD + r"\b"
    r"|\b(?:no|lack of|without|absence of|not any) (?:documentation|record|mention|indication|listing|report) "
    r"(?:of|regarding|as to) " + _MEDICATION_RECORD + r"(?![\w'])"
    r"|\b(?:do|does|did) not (?:include|document|list|specify|provide|contain|mention|identify|indicate|name|state|"
    r"describe|detail) " + _MEDICATION_RECORD + r"(?![\w'])"
    r"|\b(?:(?:current )?medications?|medication (?:list|regimen)) (?:were|was|are|is|have|has) not (?:been )?"
    r"(?:specified|documented|listed|provided|noted|identified|included)\b"
    r"|\b(?:did|does|do) not (?:note|specify|document|list|identify|indicate|mention|include) (?:what|which|any) "
    r"(?:\w+ ){0,2}?medications?(?:(?: (?:the|this) (?:patient|claimant|injured worker)| he| she)? (?:(?:is|was|were|are"
    r"|had been|has been) )?(?:prescribed|taking|taken|using|used|on)\b|\s*[.;,]|$)",
    re.I)


def read_unrecorded_medication_history(scope: Scope, into: Facts, prefix: str) -> None:
    """The letter states the drug history is not in the record: the request's earlier use is stated not documented.

    Read last, only when nothing else told whether the drug was taken before (a drug named as taken, a closed list of
    current medications without it, a summary saying none is taken), from the item's own rationale, else the summary.
    """
    if prefix + "history.prior_treatment" in into.values:
        return
    findings = [Finding(False, sentence, tier, stated_absent=True)
                for tier, sentences in ((2, scope.own), (1, scope.summary)) for sentence in sentences
                if _MEDICATIONS_UNRECORDED.search(sentence.text)]
    into.put_resolved(prefix + "history.prior_treatment", findings)


def _names_pattern(names: Iterable[str], *alternatives: str) -> re.Pattern[str]:
    """The names, longest first (so a longer name is not read as a shorter one it begins with), then the regex
    alternatives, any of them as a whole word."""
    words = [re.escape(n) for n in sorted(names, key=len, reverse=True)] + list(alternatives)
    return re.compile(r"(?<![a-z])(?:" + "|".join(words) + r")(?![a-z])", re.I)


@lru_cache(maxsize=1)
def _lexicon_names() -> re.Pattern[str]:
    return _names_pattern(drug_lexicon())


# id() of the summary list -> its first treatment inventory (the items, the sentence), or None; emptied after each
# letter, while build_case keeps the list alive.
_FIRST_TREATMENT_LIST: dict[int, Optional[tuple[str, Sentence]]] = {}


def _first_treatment_list(summary: list[Sentence]) -> Optional[tuple[str, Sentence]]:
    if id(summary) not in _FIRST_TREATMENT_LIST:
        _FIRST_TREATMENT_LIST[id(summary)] = next(
            ((listed.group("items"), sentence) for sentence in summary
             if (listed := _TREATMENT_LIST.search(sentence.text)) is not None), None)
    return _FIRST_TREATMENT_LIST[id(summary)]


def read_drug_history(treatment: re.Pattern[str], scope: Scope, into: Facts, prefix: str,
                      on_date: Optional[dt.date], class_use: Optional[re.Pattern[str]] = None) -> None:
    """The start date, else the weeks on the drug, of the first sentence (own rationale first) that gives either."""
    first = _by_tier(("drug_history", treatment, on_date, class_use), scope,
                     lambda tier, sentence: _drug_history(treatment, on_date, tier, sentence, class_use), _first)
    if first is not None:
        path, value = first.value
        into.put(prefix + path, value, [first.sentence])


def _first(findings: list[Finding]) -> Optional[Finding]:
    return findings[0] if findings else None


def _drug_history(treatment: re.Pattern[str], on_date: Optional[dt.date], tier: int,
                  sentence: Sentence, class_use: Optional[re.Pattern[str]] = None) -> list[Finding]:
    text = sentence.text
    by_class = class_use is not None and class_use.search(text) is not None
    if not (treatment.search(text) and _ON_DRUG.search(text)) and not by_class:
        return []
    since = _SINCE.search(text)
    if since and _names_the_drug_dated(treatment, text, since.start(), class_use):
        day = _loose_date(since.group(1))
        if day and (on_date is None or day <= on_date):
            return [Finding(("history.start_date", day), sentence, tier)]
    duration = _FOR_DURATION.search(text)
    if duration and not re.search(r"supply|refill", text, re.I):
        count = 3 if duration.group(1).lower() == "several" else _int(duration.group(1))
        unit = duration.group(2).lower()
        weeks = count * (1 if unit.startswith("week") else 52 / 12 if unit.startswith("month") else 52)
        return [Finding(("history.weeks_on_treatment", round(weeks, 1)), sentence, tier)]
    return []


def _names_the_drug_dated(treatment: re.Pattern[str], text: str, at: int,
                          class_use: Optional[re.Pattern[str]] = None) -> bool:
    """Whether the drug a "since DATE" dates is this one, or its class taken: the drug named last before it, else
    first after it ("taking acetaminophen and ketoprofen since 2016 and given ibuprofen" dates ketoprofen)."""
    before = list(_lexicon_names().finditer(text, 0, at))
    nearest = before[-1] if before else _lexicon_names().search(text, at)
    if nearest is None or treatment.fullmatch(nearest.group(0)) is not None:
        return True
    return class_use is not None and any(used.start() <= nearest.start() and nearest.end() <= used.end()
                                         for used in class_use.finditer(text))


def _loose_date(text: str) -> Optional[dt.date]:
    """The first day a date of LOOSE_DATE can be: a start told by its month or year began no later."""
    span = date_span(text)
    return span[0] if span else None


def date_span(text: str) -> Optional[tuple[dt.date, dt.date]]:
    """The first and last day a date of LOOSE_DATE can be: one day for a full date, the month's days for a month and
    year ("March 2015", "09/2016"), the year's for a year alone ("2014")."""
    exact = parse_date(text)
    if exact:
        return exact, exact
    match = _MONTH_YEAR.fullmatch(text.strip())
    if not match:
        return None
    from .letter import _MONTHS

    try:
        if match.group(5):
            year = int(match.group(5))
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if match.group(1):
            name = match.group(1).lower()
            month = _MONTHS.get(name) or _MONTHS.get(name[:3])
            year = int(match.group(2))
        else:
            month, year = int(match.group(3)), int(match.group(4))
        if not month:
            return None
        first = dt.date(year, month, 1)
        return first, (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    except ValueError:
        return None


def read_numbers(scope: Scope, into: Facts, prefix: str, topic: str, treatment: Optional[re.Pattern[str]]) -> None:
    """The morphine equivalent dose and the relief the treatment gave: each from the first sentence (own rationale
    first) that gives it, unless already read."""
    numbers = topic_spec(topic).treatment.numbers
    chosen = []
    if "morphine_equivalent_dose" in numbers and prefix + "opioid_monitoring.morphine_equivalent_dose_mg" not in \
            into.values:
        chosen.append(_by_tier("morphine_equivalent_dose", scope, _morphine_equivalent_dose, _first))
    if "pain_relief" in numbers and treatment is not None and prefix + "history.pain_relief_percent" not in \
            into.values:
        chosen.append(_by_tier(("pain_relief", treatment), scope,
                               lambda tier, sentence: _pain_relief(treatment, tier, sentence), _first))
    # Put in the order the sentences come, as when both were read in one pass.
    for finding in sorted((f for f in chosen if f is not None), key=lambda f: (-f.tier, f.sentence.start)):
        for path, value in finding.value:
            into.put(prefix + path, value, [finding.sentence])


def _morphine_equivalent_dose(tier: int, sentence: Sentence) -> list[Finding]:
    med = _MED.search(sentence.text)
    if med and 0 <= float(med.group(1)) <= 5000:
        return [Finding((("opioid_monitoring.morphine_equivalent_dose_mg", float(med.group(1))),), sentence, tier)]
    return []


def _pain_relief(treatment: re.Pattern[str], tier: int, sentence: Sentence) -> list[Finding]:
    text = sentence.text
    if not treatment.search(text):
        return []
    relief = _RELIEF.search(text)
    if relief is None or re.search(_PLAN, text, re.I) and not _COMPLETED.search(text):
        return []
    percent = int(relief.group(1) or relief.group(2))
    if not (0 <= percent <= 100 and assess(text, *relief.span()).status == AFFIRMED):
        return []
    found: list[tuple[str, float]] = [("history.pain_relief_percent", float(percent))]
    lasting = _RELIEF_FOR.search(text, relief.start())
    if lasting:
        count, unit = _int(lasting.group(1)), lasting.group(2).lower()
        weeks = count / 7 if unit.startswith("day") else count * 52 / 12 if unit.startswith("month") else count
        found.append(("history.relief_weeks", round(weeks, 1)))
    return [Finding(tuple(found), sentence, tier)]


Reader = Callable[..., None]


# --- the condition physical medicine treats, from the diagnoses ---------------------------------

# The CPMTG's visit-count groups. A diagnosis may name several; CRPS has its own, longer course and
# decides when present; otherwise the diagnoses must agree on one group, or the fact stays undocumented.
_CONDITION_GROUPS: list[tuple[str, re.Pattern[str]]] = [
    ("crps", re.compile(r"\bCRPS\b|complex regional pain|reflex sympathetic dystrophy|\bRSD\b|causalgia", re.I)),
    ("neuralgia_neuritis_radiculitis", re.compile(r"radicul\w+|neuralgia|neuritis|sciatica|nerve root|radiating", re.I)),
    ("arthritis", re.compile(r"arthritis|arthrosis|osteoarthr\w+|degenerative joint|\bDJD\b|arthropathy", re.I)),
    ("myalgia_myositis", re.compile(r"strain|sprain|myalgia|myositis|myofascial|muscle spasm|fibromyalgia|"
                                    r"musculoligamentous", re.I)),
    ("other", re.compile(r"fracture|dislocation|tear\b|rupture|amputation|laceration|open wound", re.I)),
]


def read_pain_condition(diagnoses: list[str], evidence: list[Sentence], into: Facts) -> None:
    groups = []
    for diagnosis in diagnoses:
        for group, pattern in _CONDITION_GROUPS:
            if pattern.search(diagnosis):
                groups.append(group)
                break
    if not groups or not evidence:
        return
    if "crps" in groups:
        into.put("clinical.pain_condition", "crps", evidence)
        return
    if len(set(groups)) == 1:
        into.put("clinical.pain_condition", groups[0], evidence)


# --- medication the record shows needs monitoring ------------------------------------------------

_TAKING = re.compile(r"\b(?:taking|takes|using|uses|(?:ongoing|continued|chronic|long[- ]term) use of|(?:is|was|remains|been) on|prescribed|maintained on|dependent on|medications? (?:include|included|"
                     r"consist\w*|are|were|list)|medication regimen|current medications?|continu\w+|refill\w*|"
                     r"utiliz\w+|treated with)\b", re.I)
# The record says no drug is taken ("takes no medications", "was not utilizing medications"), none excepted.
_NO_MEDICATION = re.compile(r"\b(?:(?:not (?:currently )?taking any|takes no|no (?:current )?) (?:\w+ )?medications?|"
                            r"not (?:be |been )?(?:currently )?(?:taking|using|utili[sz]ing) (?:any )?medications?)\b"
                            r"(?! (?:other than|except|besides|aside from|but)\b)", re.I)


def _classes_of(topic_ids: frozenset[str]) -> set[str]:
    """The drug classes (rules/drugs.yaml) whose topic is one of these."""
    return {drug_class for drug_class, topic_id in drug_class_topics().items() if topic_id in topic_ids}


# A list of the drugs taken now by its label ("Medications: ...", "current meds: ...", "med list reviewed: ..."), not one
# of drugs stopped, past or asked for: a drug it names is taken, as "is taking" says.
_MEDICATIONS_LISTED = re.compile(_MEDICATION_COLON_HEAD + r"|" + _NOT_PAST_LIST +
                                 r"\b(?:current |present |active )?(?:meds\b|med(?:ication)? list\b)", re.I)


# How a prescriber's management of a drug is written, beside the patient's taking it: the prescriber prescribes it, a
# regimen holds it, its use is chronic or ongoing ("chronic hydrocodone use").
_PRESCRIBED = re.compile(r"\bprescrib(?:es|ing)\b|\b(?:drug |medication |analgesic )?regimen (?:includes?|included|"
                         r"consists? of|contains?)\b|\b(?:chronic|long[- ]term|ongoing|daily|continued) (?:[\w/-]+ ){0,2}?"
                         r"use\b", re.I)
# A drug's use being followed, in the sentence that names it (ODG Office visits: medicines that need close monitoring):
# a laboratory check of its effects or its level (an INR on warfarin, blood counts and renal or liver function on an
# NSAID or an anticonvulsant, a serum level), drug testing and the prescription record (a urine drug screen, CURES),
# its dose titrated, escalated, adjusted or tapered, or its effects watched or reassessed. A drug stopped, and a plan
# for one not yet taken, are left out where the sentence is read.
_DRUG_MONITORED = re.compile(
    r"\b(?:PT/)?INRs?\b|\bprothrombin time\b|\bCBCs?\b|\bcomplete blood counts?\b|\bLFTs?\b|\b(?:CMP|BMP|BUN)\b|"
    r"\bcreatinine\b|\b(?:renal|kidney|liver|hepatic|metabolic|chemistry) (?:panels?|functions?|function tests?|profiles?)\b|"
    r"\b(?:serum|blood|drug|trough|plasma) (?:levels?|concentrations?)\b|\blevels? (?:checked|drawn|monitored|ordered)\b|"
    r"\burine drug (?:screens?|tests?|testing)\b|\b(?:UDS|UDT)s?\b|\b(?:urine )?tox(?:icology)? screens?\b|\bCURES\b|"
    r"\bPDMP\b|\bprescription (?:drug )?monitoring\b|\bpill counts?\b|"
    r"\btitrat\w*|\bescalat\w*|\b(?:dose|dosage|dosing) (?:\w+ ){0,3}?(?:adjust\w*|chang\w*|increas\w*|decreas\w*|reduc\w*)|"
    r"\b(?:increased|decreased|reduced|raised|lowered|adjusted) (?:\w+ ){0,3}?(?:from \d|to \d|(?:the )?(?:dose|dosage))|"
    r"\btaper(?:ing|ed)?\b(?! off)|\bwean(?:ing|ed)?\b(?! off)|"
    r"\bmonitor(?:ed|ing)?\b|\b(?:reassess\w*|re-?evaluat\w*|watch\w*)\b[^.;]{0,30}?\b(?:side effects?|adverse effects?|"
    r"response|efficacy|withdrawal|tolerance)\b", re.I)
# Each alternative of _DRUG_MONITORED holds one of these (lower case): a sentence holding none is not searched, since
# most sentences hold none and the alternation is tried at every word.
_DRUG_MONITORED_WORDS = ("inr", "prothrombin", "cbc", "blood count", "lft", "cmp", "bmp", "bun", "creatinine", "panel",
                         "function", "profile", "level", "concentration", "drug", "uds", "udt", "tox", "cures", "pdmp",
                         "monitor", "pill count", "titrat", "escalat", "dos", "increased", "decreased", "reduced",
                         "raised", "lowered", "adjusted", "taper", "wean", "reassess", "evaluat", "watch")


def _drug_followed(text: str) -> Optional[re.Match[str]]:
    lowered = text.lower()
    return _DRUG_MONITORED.search(text) if any(word in lowered for word in _DRUG_MONITORED_WORDS) else None


@lru_cache(maxsize=1)
def _monitored_drugs() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(the drugs that need monitoring by their class, every drug named): the classes' drugs and class words (rules/topics
    `monitored_medication`: opioids, benzodiazepines) and the anticoagulants (the names patient.anticoagulant_use
    reads, one vocabulary); every drug of the lexicon and the anticoagulants, for a drug whose monitoring the record
    states."""
    lexicon = drug_lexicon()
    monitored = _classes_of(topics_where("monitored_medication"))
    names = sorted((n for n, e in lexicon.items() if e.drug_class in monitored), key=len, reverse=True)
    words = [joined(topic_spec(t).in_use_words) for t in sorted(topics_where("monitored_medication"))
             if topic_spec(t).in_use_words]
    anticoagulants = lexicon_concept("patient.anticoagulant_use").pattern.pattern
    return (_names_pattern(names, *words, anticoagulants),
            re.compile(_lexicon_names().pattern + "|" + anticoagulants, re.I))


def read_medications_need_monitoring(tiered: list[tuple[int, Sentence]], into: Facts) -> None:
    """Whether the patient takes medication that needs clinical monitoring: a drug of a class that does (opioids,
    benzodiazepines, anticoagulants) taken or prescribed, or any drug whose monitoring the sentence naming it states
    (labs, levels, drug testing, titration)."""
    monitored, any_drug = _monitored_drugs()
    findings: list[Finding] = []
    for tier, sentence in tiered:
        text = sentence.text
        if _NO_MEDICATION.search(text):
            findings.append(Finding(False, sentence, tier))
            continue
        if _MEDICATIONS_UNRECORDED.search(text):
            findings.append(Finding(False, sentence, tier, stated_absent=True))
            continue
        taken = _TAKING.search(text) or _MEDICATIONS_LISTED.search(text) or _PRESCRIBED.search(text)
        followed = _drug_followed(text)
        if not (taken or followed):
            continue
        if re.search(_NOT_YET, text, re.I) and not re.search(r"current|taking|using", text, re.I):
            continue
        if re.search(r"discontinu|stopp|weaned off|tapered off", text, re.I):
            continue
        candidates = ([monitored] if taken else []) + ([any_drug] if followed else [])
        if any(assess(text, match.start(), match.end()).status == AFFIRMED
               for pattern in candidates for match in pattern.finditer(text)):
            findings.append(Finding(True, sentence, tier))
    # A monitored drug named as taken outweighs a letter's saying the regimen was not given (another item's rationale).
    if any(finding.value is True for finding in findings):
        findings = [finding for finding in findings if not finding.stated_absent]
    into.put_resolved("clinical.medications_need_monitoring", findings)


# --- drug classes the patient takes: NSAIDs (gastric protection), opioids (drug testing) ---------

_GI_SYMPTOM = re.compile(r"dyspepsia|heartburn|gastritis|reflux|\bGERD\b|(?:gastrointestinal|\bGI\b|stomach|gastric) "
                         r"(?:upset|irritation|distress|complaints?|symptoms?|side effects?|discomfort|pain|issues?|"
                         r"problems?)|upset stomach|epigastric (?:pain|discomfort)", re.I)
_CAUSED_BY = re.compile(r"\b(?:from|with|due to|secondary to|caused by|induced|related to|associated with|"
                        r"attributed to|while (?:taking|on)|after (?:taking|starting)|"
                        r"(?:worsen|aggravat|exacerbat)\w* by)\b", re.I)
# "GI upset on naproxen": a bare "on" ties a symptom to a drug only when the drug follows it closely.
_ON_DRUG_WINDOW = re.compile(r"^[^.;]{0,25}?\bon\b\s*$", re.I)


def class_pattern(drug_class: str) -> re.Pattern[str]:
    names = [n for n, e in drug_lexicon().items() if e.drug_class == drug_class]
    class_words = topics()[drug_class].in_use_words if drug_class in topics() else []
    return _names_pattern(names, *([joined(class_words)] if class_words else []))


# A drug written as a prescription line, its strength then how often it is taken ("oxycodone IR 5 mg q4-6h prn",
# "Butrans 5 mcg/hr patch changed every 7 days", "Norco 10/325 1 po tid"; a strength in mg or mcg, or a combination's
# "10/325", not a date): the drug is taken, or started.
_DOSE_AND_SIG = re.compile(r"(?:\b\d+(?:\.\d+)?\s*(?:mg|mcg(?:/h(?:ou)?r)?|mg/hr|ml)\b|\b\d+(?:\.\d+)?/\d{3}\b)[^.;]{0,30}?"
                           r"\b(?:q\s?\d+(?:-\d+)?\s?h(?:rs?|ours?)?|q(?:am|pm|hs|d|day|week)|bid|tid|qid|qhs|hs|prn|po|daily|"
                           r"nightly|at bedtime|once|twice|(?:one|two|three|four|\d) times|every)\b", re.I)
# A drug begun now is a drug in use ("start tramadol ER", "was started on Norco"), and a course of the class kept up
# ("on chronic opioid therapy", "long-term use of hydrocodone").
_STARTED_OR_KEPT_UP = re.compile(r"\b(?:start(?:s|ed|ing)?|initiat(?:e|es|ed|ing)|began|begun)\b|\b(?:chronic|long[- ]term|"
                                 r"ongoing|maintenance|daily|continued) (?:[\w/-]+ ){0,2}?(?:therapy|treatment|regimen|use)\b", re.I)


@lru_cache(maxsize=None)
def _taken_through_skin(drug_class: str) -> bool:
    """A patch of this class is taken for its systemic effect (a transdermal opioid): a topical topic yields it."""
    return any(spec.topical and isinstance(spec.yields_to_drug, list) and drug_class in spec.yields_to_drug
               for spec in topics().values())


def read_class_use(drug_class: str, path: str, tiered: list[tuple[int, Sentence]], into: Facts) -> None:
    """Whether the patient takes a drug of the class: a medication list, 'taking X', a prescription line or a
    drug started, negated or not."""
    pattern = class_pattern(drug_class)
    applied_to_skin = (r"\b(?:topical|cream|gel|ointment|lotion|compound\w*)\b" if _taken_through_skin(drug_class)
                       else r"\b(?:topical|cream|gel|patch|ointment|lotion|compound\w*)\b")
    findings: list[Finding] = []
    for tier, sentence in tiered:
        text = sentence.text
        if not pattern.search(text):
            continue
        if _NO_MEDICATION.search(text):
            findings.append(Finding(False, sentence, tier))
            continue
        # The words of a drug taken, none of them the prescriber's act: "prior to prescribing an opioid" says what a
        # prescriber should do before the request, and its negation is not of the drug.
        taken = (_TAKING.search(text) or _MEDICATIONS_LISTED.search(text) or _DOSE_AND_SIG.search(text)
                 or _STARTED_OR_KEPT_UP.search(text) or _DOSE_CHANGED.search(text))
        if not taken or re.search(_NOT_YET, text, re.I) and not re.search(r"current|taking|using", text, re.I):
            continue
        if re.search(applied_to_skin, text, re.I):
            continue  # a topical product is not the oral drug a PPI is given with
        for match in pattern.finditer(text):
            mention = assess(text, match.start(), match.end())
            if mention.status == UNCERTAIN:
                continue
            stopped = re.search(r"discontinu|stopp|weaned off|tapered off|no longer", text, re.I)
            findings.append(Finding(mention.status == AFFIRMED and not stopped, sentence, tier))
            break
    if not findings:
        # A list of current medications that names its drugs and holds none of the class: the class is not taken.
        for tier, sentence in tiered:
            items = _closed_medication_list(sentence)
            if items is not None and not pattern.search(items):
                findings.append(Finding(False, sentence, tier))
                break
    into.put_resolved(path, findings)


def _closed_medication_list(sentence: Sentence) -> Optional[str]:
    """The items of a list of current medications that names drugs of the lexicon and is not left open."""
    listed = _MEDICATION_LIST.search(sentence.text) or _INVENTORY_OF_DRUGS.search(sentence.text)
    if listed is None:
        return None
    items = listed.group("items") or listed.groupdict().get("after_colon") or ""
    if not _lexicon_names().search(items) or _OPEN_LIST.search(items) or \
            assess(sentence.text, listed.start(), listed.end()).status != AFFIRMED:
        return None
    return items


# A provocative test's result: the polarity word nearest the test's name in its sentence ("positive FABER, Gaenslen's
# and thigh thrust tests"; "FABER positive, Gaenslen negative").
_TEST_POLARITY = re.compile(r"\b(positive|negative|reproduc\w*|provok\w*|elicit\w*|unremarkable|normal)\b|(\(\+\)|\+)|(\(-\))",
                            re.I)
_SACROILIAC_TESTS = NamedKinds("sacroiliac_provocative_tests")


def read_sacroiliac_positive_tests(sentences: Iterable[Sentence], into: Facts) -> None:
    """How many kinds of sacroiliac provocative test the examination found positive (ODG asks for three); 0 when the
    record gives their results and none is positive. A test named without a result is not counted either way."""
    positive: dict[str, Sentence] = {}
    results: list[Sentence] = []
    for sentence in sentences:
        polarities = [(m.start(), m.end(), not (m.group(3) or (m.group(1) or "").lower()
                                                  in ("negative", "unremarkable", "normal")))
                      for m in _TEST_POLARITY.finditer(sentence.text)]
        if not polarities:
            continue
        for kind, pattern in _SACROILIAC_TESTS:
            for match in pattern.finditer(sentence.text):
                start, end, is_positive = min(polarities, key=lambda p: min(abs(p[0] - match.end()),
                                                                             abs(match.start() - p[1])))
                if sentence not in results:
                    results.append(sentence)
                if is_positive and assess(sentence.text, match.start(), match.end()).status != NEGATED:
                    positive.setdefault(kind, sentence)
    if results:
        evidence = list(dict.fromkeys(positive.values())) or results
        into.put("clinical.sacroiliac_positive_tests", len(positive), evidence[:MAX_EVIDENCE_SENTENCES])


def read_nsaid_dyspepsia(tiered: list[tuple[int, Sentence]], into: Facts) -> None:
    """Gastrointestinal symptoms the record ties to an NSAID ('dyspepsia with naproxen', 'NSAID-induced gastritis')."""
    nsaid = class_pattern("nsaid")
    findings: list[Finding] = []
    for tier, sentence in tiered:
        text = sentence.text
        symptom = _GI_SYMPTOM.search(text)
        if symptom is None or not nsaid.search(text):
            continue
        if not _CAUSED_BY.search(text) and not any(_ON_DRUG_WINDOW.match(text[symptom.end():drug.start()])
                                                   for drug in nsaid.finditer(text, symptom.end())):
            continue
        mention = assess(text, symptom.start(), symptom.end())
        if mention.status != UNCERTAIN:
            findings.append(Finding(mention.status == AFFIRMED, sentence, tier))
    into.put_resolved("clinical.nsaid_dyspepsia", findings)


# The treating physician's assessment of the risk of opioid misuse: "low risk for aberrant behavior", "ORT score of
# 8 (high risk)".
_RISK_LEVEL = re.compile(r"\b(low|moderate|medium|intermediate|high)(?:[- ]to[- ](?:moderate|high))?[- ]risk\b|"
                         r"\brisk (?:level |category )?(?:is |was |of |as )?(low|moderate|medium|intermediate|high)\b",
                         re.I)
_RISK_OF_WHAT = re.compile(r"misuse|abuse|addiction|aberran\w*|diversion|opioid risk|\bORT\b|\bSOAPP|\bCOMM\b|"
                           r"\bDIRE\b|dependen\w*", re.I)


def read_opioid_misuse_risk(tiered: list[tuple[int, Sentence]], into: Facts) -> None:
    findings: list[Finding] = []
    for tier, sentence in tiered:
        text = sentence.text
        if not _RISK_OF_WHAT.search(text):
            continue
        for match in _RISK_LEVEL.finditer(text):
            if assess(text, match.start(), match.end()).status != AFFIRMED:
                continue
            level = (match.group(1) or match.group(2)).lower()
            level = {"medium": "moderate", "intermediate": "moderate"}.get(level, level)
            if re.search(r"to[- ](?:moderate|high)", match.group(), re.I):
                level = "high" if "high" in match.group().lower() else "moderate"  # a range is read at its upper end
            findings.append(Finding(level, sentence, tier))
            break
    into.put_resolved("clinical.opioid_misuse_risk", findings)


# A trial of first-line therapy for neuropathic pain: an antidepressant or an anti-epilepsy drug taken or tried.
_TRIED = re.compile(r"\b(?:tried|trialed|trial of|failed|taking|takes|took|using|used|been on|was on|prescribed|"
                    r"treated with|history of|includ\w+|consist\w*|current medications?|medications? (?:are|were|list)|"
                    r"continu\w+|utiliz\w+|did not (?:help|tolerate))\b", re.I)
_FIRST_LINE_WORDS = r"first[- ]line (?:therapy|treatment|medications?|agents?|drugs?)|anti-?depressants?|" \
                    r"anti-?convulsants?|anti-?epilep\w+ (?:drugs?|medications?)|\bAEDs?\b"


def read_first_line_neuropathic_trial(tiered: list[tuple[int, Sentence]], into: Facts) -> None:
    first_line = _classes_of(topics_where("first_line_neuropathic"))
    pattern = _names_pattern((n for n, e in drug_lexicon().items() if e.drug_class in first_line), _FIRST_LINE_WORDS)
    findings: list[Finding] = []
    for tier, sentence in tiered:
        text = sentence.text
        if not pattern.search(text) or not _TRIED.search(text):
            continue
        if re.search(r"\d\s*%|\b(?:topical|cream|gel|ointment|compound\w*)\b", text, re.I):
            continue  # a compounded topical with gabapentin is not an oral trial
        if re.search(_NOT_YET, text, re.I) and not re.search(r"tried|trialed|failed|taking|prior|previous", text, re.I):
            continue
        for match in pattern.finditer(text):
            mention = assess(text, match.start(), match.end())
            if mention.status != UNCERTAIN:
                findings.append(Finding(mention.status == AFFIRMED, sentence, tier))
                break
    into.put_resolved("clinical.first_line_neuropathic_trial", findings)


# --- an earlier study of the same kind and region ------------------------------------------------

# The imaging studies whose earlier one is read, named as a request names them (lexicon/requests.yaml `studies`), so
# the two cannot drift apart; the electrodiagnostic studies are not in that list and are named here.
_IMAGING_STUDIES = ("mri", "ct", "x_ray", "bone_scan", "ultrasound")
_ELECTRODIAGNOSTIC_WORDS = {
    "emg": r"\bEMG\b|electromyogra|electrodiagnostic",
    "ncs": r"\bNC[SV]\b|nerve conduction|electrodiagnostic",
    "emg_ncs": r"\bEMG\b|electromyogra|\bNC[SV]\b|nerve conduction|electrodiagnostic",
}
# Words that place a study in the past: its date, its findings, or "prior".
_DONE = re.compile(r"\b(?:showed|shows|revealed|reveals|demonstrated|demonstrates|noted|documented|dated|on \d|from \d|"
                   r"of \d{1,2}[/-]|performed|obtained|done|completed|prior|previous(?:ly)?|earlier|in (?:19|20)\d\d|"
                   r"findings|results?|impression|was (?:normal|unremarkable|negative|positive)|were (?:normal|"
                   r"unremarkable|negative|positive)|has had|had (?:an?|the) |underwent|undergone)\b", re.I)


# A negated study is a study not done only where the sentence says so: "has not had", "no prior", "never performed".
_NOT_HAD = re.compile(r"\b(?:had|has|have|undergone|underwent|performed|obtained|done|completed|taken|prior|previous\w*|"
                      r"recent)\b", re.I)


# "There are no previous diagnostic reports in the records", "no prior imaging studies": no study of the kind at all,
# whatever region (a sentence naming another region is about that region).
_NO_STUDIES = re.compile(r"\bno (?:previous|prior|earlier) (?:(?P<imaging>imaging|radiolog\w*|radiographic)|"
                         r"(?P<electro>electrodiagnostic)|diagnostic)(?: (?:studies|study|reports?|tests?|testing|imaging))?"
                         r"\b(?! (?:of|for) (?:the )?(?:request|requested))", re.I)


_REQUEST_DATED = re.compile(r"\b(?:authori[sz]ation|RFA|request)\s+(?:was\s+)?(?:dated|signed|received|submitted)"
                            r"(?:\s+on)?\b", re.I)


@lru_cache(maxsize=None)
def _study_pattern(study: str) -> Optional[re.Pattern[str]]:
    """The names of a study whose earlier one is read; None for a study no earlier one is read for."""
    if study in _IMAGING_STUDIES:
        return next(pattern for kind, pattern in NamedKinds("studies") if kind == study)
    words = _ELECTRODIAGNOSTIC_WORDS.get(study)
    return re.compile(words, re.I) if words else None


def read_prior_study(study: str, region: str, scope: Scope, into: Facts, prefix: str) -> None:
    """history.prior_treatment for a study: the same study of the same body region was done before."""
    pattern = _study_pattern(study)
    if pattern is None or region in ("multiple", "other"):
        return
    chosen = _by_tier(("prior_study", study, region), scope,
                      lambda tier, sentence: _prior_study(study, region, pattern, tier, sentence), resolve)
    if chosen is not None:
        into.put(prefix + "history.prior_treatment", chosen[0], chosen[1])


def _prior_study(study: str, region: str, pattern: re.Pattern[str], tier: int, sentence: Sentence) -> list[Finding]:
    from .classify import body_regions

    electrodiagnostic = study in ("emg", "ncs", "emg_ncs")
    text = sentence.text
    regions = body_regions(text)
    none_done = _NO_STUDIES.search(text)
    if none_done and (not regions or region in regions) and not (
            none_done.group("imaging") and electrodiagnostic or none_done.group("electro") and not electrodiagnostic):
        return [Finding(False, sentence, tier)]
    if region not in regions:
        return []
    for match in pattern.finditer(text):
        if _THE_REQUEST.search(text[:match.start()]) or re.match(r"\W*(?:\w+\W+){0,5}?(?:in question|at issue|"
                                                                 r"(?:was|were|is|being|been)(?: \w+ly)? (?:requested|ordered))\b",
                                                                 text[match.end():], re.I):
            continue  # the study under review ("requests for an MRI", "the MRI in question"), not an earlier one
        mention = assess(text, match.start(), match.end())
        if mention.status == NEGATED and re.search(r"normal|unremarkable|negative|intact", mention.trigger, re.I):
            mention = Mention(AFFIRMED, False)  # "the MRI was normal": a study done, with normal findings
        if mention.status == NEGATED:
            # "has not had an MRI of the lumbar spine", "no prior imaging"; not "no rationale for an MRI"
            return [Finding(False, sentence, tier)] if _NOT_HAD.search(text) else []
        # "The Request for Authorization dated 12-23-16": the date is the request's, not a study's.
        dated = _REQUEST_DATED.sub("", text)
        if mention.status != AFFIRMED or not _DONE.search(dated):
            continue
        if re.search(_NOT_YET, text, re.I) and not re.search(r"\bprior\b|\bprevious|\bearlier\b|\bdated\b|"
                                                              r"\bshowed\b|\brevealed\b", dated, re.I):
            continue
        return [Finding(True, sentence, tier)]
    return []


# --- the utilization reviewer's decision, as the summary states it -------------------------------

_UR_SUBJECT = re.compile(r"utilization review|\bUR\b|prior (?:review|determination)|previous (?:review|determination)"
                         r"|claims administrator|peer review", re.I)
_UR_VERB = re.compile(r"\b(non-?certif\w*|denied|den(?:y|ies)|modified|partially (?:approved|certified|authorized)|"
                      r"(?:approved|certified|authorized))\b", re.I)
_MODIFIED_TO = re.compile(r"modified\b[^.;]{0,80}?\bto (?:allow |authorize |approve |certify )?(?:an? )?" + _NUMBER +
                          r"\s*(?:sessions?|visits?|treatments?|tablets?|capsules?|units?|\b)|(?:approved|certified|"
                          r"authorized) (?:only )?" + _NUMBER + r"\s*(?:sessions?|visits?|treatments?)", re.I)


@dataclass
class URStatement:
    decision: str  # non_certified | modified | certified
    modified_to: Optional[int]
    object_text: str  # what the sentence says was decided ("" when it names nothing)
    sentence: Sentence


def read_ur_statements(summary_all: list[Sentence]) -> list[URStatement]:
    """'Utilization Review non-certified the request for X': one statement per decision verb that UR is the subject of."""
    found = []
    for sentence in summary_all:
        text = sentence.text
        if not _UR_SUBJECT.search(text) and not re.search(r"\bthe request (?:for .{3,120}? )?(?:was|were) "
                                                           r"(?:non-?certified|denied|modified)", text, re.I):
            continue
        verbs = list(_UR_VERB.finditer(text))
        kinds = set()
        for verb in verbs:
            word = verb.group(1).lower()
            kinds.add("non_certified" if word.startswith(("non", "den")) else "modified" if word.startswith(
                ("modif", "partial")) else "certified")
        if len(kinds) != 1 or re.search(r"\bIMR\b|independent medical review|appeal", text, re.I):
            continue  # several decisions in one sentence, or about a different review: not safe to place
        decision = kinds.pop()
        modified_to = None
        if decision == "modified":
            to = _MODIFIED_TO.search(text)
            if to:
                modified_to = _int(to.group(1) or to.group(2))
        obj = re.search(r"\brequests? (?:for|of) (.+?)(?:,? (?:was|were|due|because|as|based|citing|stating|noting|"
                        r"which|to \d|to allow|to authorize)\b|\.?$)", text, re.I)
        found.append(URStatement(decision, modified_to, obj.group(1) if obj else "", sentence))
    return found


# --- a request for a service already authorized (a duplicate) ------------------------------------------
# request.already_authorized: the record says this very service was authorized before ("was previously
# certified", "has already been approved"). Read only for a one-time service: a drug or a course of visits
# counts what was authorized in its own rules (a refill, the visits of a trial). The sentence must name the
# same service (its topic, and its study and region where both name one) or, in the item's own rationale,
# "the requested ..." / "this request". A partial authorization of this request (the "remaining portion"),
# or an earlier service that was done (its results, the relief it gave), is not a duplicate. A negated
# statement ("has not been previously authorized") is a documented false.
_AUTHORIZED_BEFORE = re.compile(
    r"\b(?:previously|already|earlier|formerly)\s+(?:been\s+)?(?:certified|authori[sz]ed|approved)\b|"
    r"\b(?:certified|authori[sz]ed|approved)\s+(?:previously|already|earlier|before)\b", re.I)
_PARTIAL_OR_COURSE = re.compile(r"remaining|portion|original request|modif\w*|partial\w*|in part\b|"
                                r"\d+\s*(?:sessions?|visits?|treatments?|hours?|days?|weeks?)\b|#\s*\d", re.I)
_GIVEN = re.compile(r"(?<!not )(?<!not yet )(?<!not been )(?<!yet to be )\b(?:performed|done|completed|underwent|"
                    r"undergone|received|showed|revealed|demonstrated|results?|findings|relief|benefit\w*|improve\w*)\b",
                    re.I)
_THIS_REQUEST = re.compile(r"\b(?:the|this) (?:requested|same)\b|\bthis (?:request|service|item|study)\b", re.I)


# A sentence that also states a decision on this request (a denial and its reason, a conclusion on necessity or
# the guidelines) is one side's reasoning, not a statement of the record: not read.
_DECISION_WORDS = re.compile(r"\bden(?:y|ied|ies|ial)\b|non-?certif\w*|\bupheld\b|\boverturn\w*|medically|"
                             r"necess\w*|\bsupported\b|warranted|recommend\w*|guidelines?|\bMTUS\b|\bODG\b|"
                             r"\bACOEM\b|criteria|\btherefore\b|\bas such\b", re.I)


# (id of the summary's sentence list, its first sentence) -> its sentences stating an earlier authorization: every
# request reads the whole summary, so it is searched once per letter (emptied after each letter, with the other caches).
_AUTHORIZED_SENTENCES: dict[tuple[int, Optional[Sentence]], list[tuple[Sentence, Any]]] = {}


def _authorized_before(found: list[Sentence], tier: int, per_letter: bool) -> list[tuple[int, Sentence, Any]]:
    key = (id(found), found[0] if found else None)
    if not per_letter or key not in _AUTHORIZED_SENTENCES:
        kept = []
        for sentence in found:
            text = sentence.text
            match = _AUTHORIZED_BEFORE.search(text)
            if match is None or _PARTIAL_OR_COURSE.search(text) or _GIVEN.search(text) or \
                    _DECISION_WORDS.search(text):
                continue
            kept.append((sentence, match))
        if not per_letter:
            return [(tier, sentence, match) for sentence, match in kept]
        _AUTHORIZED_SENTENCES[key] = kept
    return [(tier, sentence, match) for sentence, match in _AUTHORIZED_SENTENCES[key]]


def read_already_authorized(topic: str, study: Optional[str], region: Optional[str], own: list[Sentence],
                            summary: list[Sentence], into: Facts, prefix: str) -> None:
    """request.already_authorized, from the item's own rationale and the summary, all their sentences."""
    from .classify import body_regions, classify_topic, diagnostic_study

    findings: list[Finding] = []
    for tier, sentence, match in _authorized_before(own, 2, False) + _authorized_before(summary, 1, True):
        text = sentence.text
        if not (tier == 2 and _THIS_REQUEST.search(text)):
            if classify_topic(text) != topic:
                continue
            regions = body_regions(text)
            if region not in (None, "multiple", "other") and regions and region not in regions:
                continue
            named_study = diagnostic_study(text, topic)
            if study is not None and named_study is not None and named_study != study:
                continue
        mention = assess(text, match.start(), match.end())
        if mention.status == UNCERTAIN:
            continue
        findings.append(Finding(mention.status != NEGATED, sentence, tier))
    into.put_resolved(prefix + "already_authorized", findings)
