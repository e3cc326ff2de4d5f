"""Negation and uncertainty of a mention in its sentence: the ConText algorithm, as rules.

ConText (Harkema et al., 2009; the algorithm medspaCy implements) decides whether a target phrase
is negated, uncertain or hypothetical from trigger phrases around it: a trigger governs the words
after it (forward) or before it (backward) up to a terminator ("but", "however", ";") or the end
of the sentence. The triggers (lexicon/context.yaml, validated on load) are ConText's core lexicon
plus the phrasing IMR reviewers use for absent documentation ("there is no documentation of", "a
lack of", "was not provided"); this module is the algorithm that applies them.
`bench/negation.py` compares this with medspaCy's ConText on a hand-labelled sample.

Reviewers state two kinds of absence that rules must tell apart: "no side effects" documents an
assessment (side effects were asked about, and there are none), while "no documentation of side
effects" says the assessment is missing. `Mention.documentation_negated` marks the second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..phrases import Phrase, check_phrases, joined, load_model

AFFIRMED, NEGATED, UNCERTAIN = "affirmed", "negated", "uncertain"

_WORD = re.compile(r"\w+")
_CATEGORIES = ("negation", "documentation_negation", "uncertainty", "alternative", "hypothetical", "pseudo")
# The trigger sets the algorithm applies; each is given once in lexicon/context.yaml.
_NEEDED = {("documentation_negation", "forward"), ("documentation_negation", "backward"), ("negation", "forward"),
           ("negation", "backward"), ("uncertainty", "forward"), ("alternative", "forward"), ("hypothetical", "forward"),
           ("pseudo", "forward")}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TriggerSet(_Strict):
    category: Literal["negation", "documentation_negation", "uncertainty", "alternative", "hypothetical", "pseudo"]
    direction: Literal["forward", "backward"]
    phrases: list[Phrase]

    _phrases = field_validator("phrases")(lambda cls, v: check_phrases(v))


class Terminators(_Strict):
    words: list[Phrase]
    words_except_documentation: list[Phrase] = Field(default_factory=list)
    marks: list[Phrase]
    finding_words: list[Phrase] = Field(default_factory=list)
    new_clause_subjects: list[Phrase] = Field(default_factory=list)
    new_clause_verbs: list[Phrase] = Field(default_factory=list)

    _phrases = field_validator("words", "marks", "finding_words", "new_clause_subjects", "new_clause_verbs")(
        lambda cls, v: check_phrases(v))


class Reach(_Strict):
    forward_words: int = Field(gt=0)
    backward_words: int = Field(gt=0)
    documentation_forward_words: int = Field(gt=0)


class FindingNotRecord(_Strict):
    """Documentation-negation triggers that, in a sentence about an examination or a study, report a finding."""

    triggers: list[Phrase]
    looked_at: list[Phrase]
    observed_by: list[Phrase] = Field(default_factory=list)

    _phrases = field_validator("triggers", "looked_at")(lambda cls, v: check_phrases(v))
    _observed = field_validator("observed_by")(lambda cls, v: check_phrases(v) if v else v)


class ContextFile(_Strict):
    reach: Reach
    triggers: list[TriggerSet]
    terminators: Terminators
    finding_not_record: FindingNotRecord
    # "No X is documented", "no X were recorded": a plain negation before the target and one of these after it.
    record_verbs_after_negation: list[Phrase] = Field(default_factory=list)
    # "Not documented: X, Y": a label that opens the sentence, before a colon, negates the record of the list after it.
    documentation_labels: list[Phrase] = Field(default_factory=list)

    _record_verbs = field_validator("record_verbs_after_negation", "documentation_labels")(
        lambda cls, v: check_phrases(v) if v else v)

    @model_validator(mode="after")
    def _each_set_once(self) -> "ContextFile":
        given = [(t.category, t.direction) for t in self.triggers]
        twice = sorted({g for g in given if given.count(g) > 1})
        missing = sorted(_NEEDED - set(given))
        unused = sorted(set(given) - _NEEDED)
        if twice or missing or unused:
            problems = [f"given twice: {', '.join('/'.join(g) for g in twice)}" if twice else "",
                        f"missing: {', '.join('/'.join(g) for g in missing)}" if missing else "",
                        f"not used by the algorithm: {', '.join('/'.join(g) for g in unused)}" if unused else ""]
            raise ValueError("each trigger set (category/direction) is given once; " + "; ".join(p for p in problems if p))
        return self


@dataclass(frozen=True)
class _Lexicon:
    doc_negation: re.Pattern[str]
    forward: re.Pattern[str]
    backward: re.Pattern[str]
    doc_backward: re.Pattern[str]
    uncertain: re.Pattern[str]
    alternative: re.Pattern[str]
    hypothetical: re.Pattern[str]
    pseudo: re.Pattern[str]
    terminators: re.Pattern[str]
    doc_terminators: re.Pattern[str]
    forward_words: int
    backward_words: int
    doc_forward_words: int
    finding_trigger: re.Pattern[str]
    looked_at: re.Pattern[str]
    observed_by: re.Pattern[str] | None
    record_after: re.Pattern[str] | None
    documentation_label: re.Pattern[str] | None


@cache
def _lexicon() -> _Lexicon:
    parsed, _ = load_model(Path(__file__).resolve().parent / "lexicon" / "context.yaml", ContextFile)
    sets = {(t.category, t.direction): joined(t.phrases) for t in parsed.triggers}
    ends = parsed.terminators

    def compiled(pattern: str) -> re.Pattern[str]:
        return re.compile(pattern, re.I)

    def terminators(words: list[Phrase], findings: list[Phrase], clauses: bool) -> re.Pattern[str]:
        pattern = r"\b(?:" + joined(words) + r")\b|" + joined(ends.marks)
        if findings:
            pattern += r"|,\s*(?:and\s+)?(?=(?:" + joined(findings) + r")\b)"
        if clauses and ends.new_clause_subjects and ends.new_clause_verbs:
            # "No relief, and symptoms continue": "and" before a subject and its verb starts a clause of its own.
            pattern += (r"|\band(?=\s+(?:(?:the|his|her|their)\s+)?(?:\w+\s+)?(?:" + joined(ends.new_clause_subjects)
                        + r")\s+(?:\w+\s+)?(?:" + joined(ends.new_clause_verbs) + r")\b)")
        return compiled(pattern)

    return _Lexicon(
        doc_negation=compiled(sets["documentation_negation", "forward"]),
        forward=compiled(sets["negation", "forward"]),
        backward=compiled(sets["negation", "backward"]),
        doc_backward=compiled(sets["documentation_negation", "backward"]),
        # An alternative weighed is uncertain too: "office visits rather than a home program".
        uncertain=compiled(sets["uncertainty", "forward"] + "|" + sets["alternative", "forward"]),
        alternative=compiled(sets["alternative", "forward"]),
        hypothetical=compiled(sets["hypothetical", "forward"]),
        pseudo=compiled(sets["pseudo", "forward"]),
        terminators=terminators(ends.words + ends.words_except_documentation, ends.finding_words, True),
        # "No documentation that pain decreased and function improved": the record lacks both clauses.
        doc_terminators=terminators(ends.words, [], False),
        forward_words=parsed.reach.forward_words,
        backward_words=parsed.reach.backward_words,
        doc_forward_words=parsed.reach.documentation_forward_words,
        finding_trigger=compiled(r"\b(?:" + joined(parsed.finding_not_record.triggers) + r")\b"),
        looked_at=compiled(r"\b(?:" + joined(parsed.finding_not_record.looked_at) + r")\b"),
        observed_by=compiled(r"\b(?:" + joined(parsed.finding_not_record.observed_by) + r")\s+$")
        if parsed.finding_not_record.observed_by else None,
        record_after=compiled(r"\b(?:" + joined(parsed.record_verbs_after_negation) + r")\b")
        if parsed.record_verbs_after_negation else None,
        documentation_label=compiled(r"^\W*(?:" + joined(parsed.documentation_labels) + r")\s*:")
        if parsed.documentation_labels else None,
    )


@dataclass(frozen=True)
class Mention:
    status: str  # affirmed | negated | uncertain
    documentation_negated: bool  # the negation says the record lacks it ("no documentation of ...")
    trigger: str = ""
    # A documentation negation that is what the provider observed ("the physician notes no evidence of X"): a finding.
    observed: bool = False


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _window_before(sentence: str, start: int, terminators: re.Pattern[str]) -> str:
    """The clause before the target: back to the last terminator.

    Terminators are found in the whole sentence, so one that looks ahead ("and" before a clause's subject and
    verb, a comma before "positive") sees the target it ends before.
    """
    before = sentence[:start]
    last = None
    for match in terminators.finditer(sentence):
        if match.end() > start:
            break
        last = match
    return before[last.end():] if last else before


def _window_after(sentence: str, end: int, terminators: re.Pattern[str]) -> str:
    after = sentence[end:]
    stop = terminators.search(after)
    return after[: stop.start()] if stop else after


def _observed_by_provider(before_trigger: str, trigger: str) -> bool:
    """Whether a finding trigger ("no evidence of") follows what the provider observed ("the physician notes")."""
    lx = _lexicon()
    return bool(lx.observed_by is not None and lx.finding_trigger.search(trigger) and lx.observed_by.search(before_trigger))


# A documentation negation's own words naming the record ("no evidence in the records of", "not documented").
_RECORD_NAMED = re.compile(r"\b(?:records?|documentation|documented|submitted)\b", re.I)


def says_record_lacks(mention: Mention, sentence: str) -> bool:
    """Whether a negation says the record does not document what it negates, rather than that it is absent.

    A documentation negation does, except one of context.yaml's `finding_not_record` triggers in a sentence
    about an examination or a study: "the MRI revealed no evidence of a tear" is a finding.
    """
    if not mention.documentation_negated or mention.observed:
        return False
    lx = _lexicon()
    if _RECORD_NAMED.search(mention.trigger):
        # "No evidence in the records of ... on examination": the trigger itself says where it is missing.
        return True
    return not (lx.finding_trigger.search(mention.trigger) and lx.looked_at.search(sentence))


def names_record_lack(sentence: str) -> bool:
    """Whether a sentence says the record lacks something, by any of context.yaml's documentation negations.

    "No evidence of a tear" in a sentence about a study is the study's finding, not the record's lack (as in
    says_record_lacks); "no deficit was documented" is the record's, by a plain negation before a record verb.
    """
    lx = _lexicon()
    if lx.documentation_label is not None and lx.documentation_label.match(sentence) or lx.doc_backward.search(sentence):
        return True
    for trigger in lx.doc_negation.finditer(sentence):
        if _RECORD_NAMED.search(trigger.group()) or not (lx.finding_trigger.search(trigger.group())
                                                         and lx.looked_at.search(sentence)):
            return True
    record_verb = lx.record_after.search(sentence) if lx.record_after is not None else None
    return bool(record_verb and lx.forward.search(sentence, 0, record_verb.start()))


def assess(sentence: str, start: int, end: int) -> Mention:
    """Whether the target sentence[start:end] is affirmed, negated or uncertain."""
    lx = _lexicon()
    label = lx.documentation_label.match(sentence) if lx.documentation_label is not None else None
    if label is not None and label.end() <= start:
        return Mention(NEGATED, True, label.group())
    before = _window_before(sentence, start, lx.terminators)
    before_clean = lx.pseudo.sub(lambda m: "_" * len(m.group()), before)
    after = _window_after(sentence, end, lx.terminators)
    negation = None
    for match in lx.forward.finditer(before_clean):
        if _words(before_clean[match.end():]) <= lx.forward_words:
            negation = match
    doc_before = lx.pseudo.sub(lambda m: "_" * len(m.group()), _window_before(sentence, start, lx.doc_terminators))
    doc = None
    for match in lx.doc_negation.finditer(doc_before):
        if _words(doc_before[match.end():]) <= lx.doc_forward_words:
            doc = match
    backward = lx.backward.search(after)
    if backward and _words(after[: backward.start()]) > lx.backward_words:
        backward = None
    doc_backward = lx.doc_backward.search(after)
    if doc_backward and _words(after[: doc_backward.start()]) > lx.backward_words:
        doc_backward = None
    if doc is not None and lx.alternative.search(doc_before[doc.start():]):
        return Mention(UNCERTAIN, False, doc.group())  # "no rationale for therapy over a home program"
    if doc is not None or doc_backward is not None:
        trigger = (doc or doc_backward).group()
        # "unclear if" is uncertainty about the record, which is absence of documentation too.
        observed = doc is not None and _observed_by_provider(sentence[:start - len(doc_before) + doc.start()], trigger)
        return Mention(NEGATED, True, trigger, observed)
    if negation is not None and (lx.hypothetical.search(before_clean[:negation.start()])
                                 or lx.alternative.search(before_clean[negation.start():])):
        return Mention(UNCERTAIN, False, negation.group())
    if negation is not None and lx.record_after is not None:
        # "No objective gain is documented": what the plain negation denies is the record's, as in "no documentation of".
        said = lx.record_after.search(after)
        if said and _words(after[: said.start()]) <= lx.backward_words:
            return Mention(NEGATED, True, negation.group() + " ... " + said.group())
    if negation is not None or backward is not None:
        return Mention(NEGATED, False, (negation or backward).group())
    uncertain = None
    for match in lx.uncertain.finditer(before):
        if _words(before[match.end():]) <= lx.forward_words:
            uncertain = match
    if uncertain is not None:
        return Mention(UNCERTAIN, False, uncertain.group())
    return Mention(AFFIRMED, False)
