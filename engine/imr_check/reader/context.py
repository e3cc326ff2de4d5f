"""Negation and uncertainty of a mention in its sentence: the ConText algorithm, as rules.

ConText (Harkema et al., 2009; the algorithm medspaCy implements) decides whether a target phrase
is negated, uncertain or hypothetical from trigger phrases around it: a trigger governs the words
after it (forward) or before it (backward) up to a terminator ("but", "however", ";") or the end
of the sentence. The triggers here are ConText's core lexicon plus the phrasing IMR reviewers use
for absent documentation ("there is no documentation of", "a lack of", "was not provided").
`bench/negation.py` compares this with medspaCy's ConText on a hand-labelled sample.

Reviewers state two kinds of absence that rules must tell apart: "no side effects" documents an
assessment (side effects were asked about, and there are none), while "no documentation of side
effects" says the assessment is missing. `Mention.documentation_negated` marks the second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

AFFIRMED, NEGATED, UNCERTAIN = "affirmed", "negated", "uncertain"

# Triggers that say the *record* lacks something (documentation negations).
_DOC_NEGATION = (
    r"(?:there (?:is|was|are|were) )?(?:no|little|not any|not a|without|insufficient|inadequate) (?:clear |specific |objective |"
    r"adequate |sufficient |any |further |recent |current |formal |significant )*(?:documentation|documented evidence|"
    r"evidence|indication|mention|discussion|report|record|notation|description|review|objective evidence|clinical evidence|"
    r"information|quantification|details?|assessment|clear rationale|rationale)(?: (?:of|that|to|regarding|"
    r"about|for|as to|in the records?|noted|provided|submitted|documented))*"
    r"|(?:a |the )?(?:lack|absence|paucity) of (?:\w+ ){0,3}?(?:documentation|documented evidence|evidence|"
    r"indication|mention|discussion|information)(?: (?:of|that|to|regarding|about|for|as to))*"
    r"|(?:did|does|do) not (?:document|provide|indicate|mention|discuss|describe|demonstrate|show|report|note|address"
    r"|establish|include|identify|reflect|support|reveal|contain)"
    r"|(?:fail(?:ed|s)?|failure) to (?:document|provide|indicate|mention|discuss|describe|demonstrate|show|report|note"
    r"|address|establish|identify)"
    r"|not (?:been )?(?:documented|provided|indicated|mentioned|discussed|described|demonstrated|established"
    r"|identified|reported|noted|addressed|submitted) (?:that|of|regarding)?"
    r"|(?:it is )?(?:unclear|not clear|unknown|not known) (?:if|whether|that)"
)
_FORWARD_NEGATION = (
    r"\bno\b|\bnot\b|\bnor\b|\bneither\b|\bwithout\b|\bdenie[sd]\b|\bdeny(?:ing)?\b|\bnegative for\b|\babsence of\b"
    r"|\black(?:ed|s|ing)? of\b|\black(?:ed|s|ing)?\b|\bfree of\b|\bruled out\b|\bnone\b|\bnever\b|\bresolved\b"
    r"|\bunable to (?:identify|find)\b|\bfails? to\b|\bfailed to\b|\bhas not\b|\bhave not\b|\bhad not\b"
    r"|\bdid not\b|\bdoes not\b|\bwas not\b|\bwere not\b|\bis not\b|\bare not\b|\bcannot\b|\bcan't\b"
    r"|\bundermin(?:e|es|ed|ing)\b|\bargu(?:e|es|ed|ing) against\b"
)
_BACKWARD_NEGATION = (
    r"\b(?:was|were|is|are|has been|have been|had been)? ?(?:not|never) (?:\w+ )?(?:documented|noted|provided|"
    r"indicated|evident|present|seen|found|reported|described|demonstrated|identified|established|included|mentioned|"
    r"discussed|addressed|appreciated|elicited|observed|submitted|available)\b"
    r"|\b(?:was|were|is|are) (?:negative|absent|unremarkable|normal|intact|denied|lacking|missing|ruled out)\b"
    r"|\b(?:was|were|is|are|remains?) (?:un)?(?:known|documented)\b(?<=unknown)"
    r"|\bnot (?:documented|noted|provided|evident|reported)\b"
)
_DOC_BACKWARD = (
    r"\b(?:was|were|is|are|has been|have been|had been)? ?not (?:clearly |specifically |objectively )?(?:documented|"
    r"provided|indicated|mentioned|discussed|described|demonstrated|established|reported|noted|addressed|submitted|"
    r"quantified|specified|available)\b|\b(?:was|were|is|are) (?:unknown|unclear|not known|not clear)\b"
)
_UNCERTAIN = (
    r"\bpossibl[ey]\b|\bprobabl[ey]\b|\bmay\b|\bmight\b|\bcould\b|\bquestionable\b|\bsuspect(?:ed)?\b"
    r"|\brul(?:e|ing) out\b|\bto rule out\b|\br/o\b|\bconcern for\b|\bif\b|\bwhether\b|\bshould\b|\bwould\b|\bunless\b"
    r"|\bin the event\b|\bin order to\b|\bto (?:assess|evaluate|determine|check)\b|\bpending\b"
    r"|\bpotential(?:ly)?\b|\blikelihood\b"
    # A goal is not a result: "goals aimed at a decreased need for opioids", "with the goal of functional gains".
    r"|\baimed at\b|\bintended to\b|\bin (?:the )?hopes? of\b|\bgoals? (?:of|is to|was to|would be)\b"
    # A risk is not the condition: "a habit that raises his risk of developing chronic pain".
    r"|\b(?:risks?|likelihood|chances?) (?:of|for) (?:developing|becoming|progressing to)\b"
    # The thing a reason is given for is weighed, not found: "explained why a home program is not enough".
    r"|\bwhy\b|{alternative}"
)
# An alternative the reviewer weighs is not a treatment given, even after a negation: "no rationale for supervised
# therapy over a home exercise program", "office visits rather than a home program".
_ALTERNATIVE = (r"\brather than\b|\binstead of\b|\bin lieu of\b|\bas opposed to\b"
                r"|\b(?:rationale|reason|justification|need|preference) for\b[^.;]{0,80}?\bover\b")
_UNCERTAIN = _UNCERTAIN.replace("{alternative}", _ALTERNATIVE)
# A negation inside a hypothetical ("why the patient would need more therapy and not be moved to a home program",
# "if there is no improvement", "why a home program is not sufficient") says what might be, not what is.
_HYPOTHETICAL = re.compile(r"\b(?:would|should|if|unless|why)\b", re.I)
_PSEUDO = r"\bnot only\b|\bnot necessarily\b|\bno further\b|\bno longer\b|\bnot certain if\b|\bwhether or not\b"
_TERMINATOR_WORDS = (
    r"but|however|although|though|except|apart from|aside from|yet|whereas|which|while|despite|who|"
    r"and (?:she|he|the patient|the injured worker|there)|{as_well_as}because|as (?:she|he|the patient|the injured "
    r"worker) (?:had|has|was|is)")
# "No weakness, negative straight leg raise, and intact sensation": an examination's list names each finding with its
# own polarity, so a finding word after a comma starts a new clause.
_TERMINATORS = re.compile(r"\b(?:" + _TERMINATOR_WORDS.format(as_well_as="as well as|") + r")\b|;|:|\.\s"
                          r"|,\s*(?:and\s+)?(?=(?:negative|positive|intact|normal|symmetric|decreased|diminished|reduced"
                          r"|absent)\b)", re.I)
# "A lack of documentation of less pain as well as better function": the record lacks every item of the list, so
# "as well as" does not end a documentation negation.
_DOC_TERMINATORS = re.compile(r"\b(?:" + _TERMINATOR_WORDS.format(as_well_as="") + r")\b|;|:|\.\s", re.I)

_DOC_NEG_RE = re.compile(r"(?:" + _DOC_NEGATION + r")$", re.I)
_DOC_NEG_ANY = re.compile(_DOC_NEGATION, re.I)
_FWD_RE = re.compile(_FORWARD_NEGATION, re.I)
_BWD_RE = re.compile(_BACKWARD_NEGATION, re.I)
_DOC_BWD_RE = re.compile(_DOC_BACKWARD, re.I)
_UNC_RE = re.compile(_UNCERTAIN, re.I)
_ALTERNATIVE_RE = re.compile(_ALTERNATIVE, re.I)
_PSEUDO_RE = re.compile(_PSEUDO, re.I)
_WORD = re.compile(r"\w+")

FORWARD_WORDS = 14  # how far a forward trigger reaches, in words, before a terminator stops it
BACKWARD_WORDS = 8
# "There is a lack of documentation of X, including A, B and an objective improvement in C": a
# reviewer's list of what the record lacks runs long, and every item in it is lacking.
DOC_FORWARD_WORDS = 30


@dataclass(frozen=True)
class Mention:
    status: str  # affirmed | negated | uncertain
    documentation_negated: bool  # the negation says the record lacks it ("no documentation of ...")
    trigger: str = ""


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _window_before(sentence: str, start: int, terminators: re.Pattern[str] = _TERMINATORS) -> str:
    """The clause before the target: back to the last terminator."""
    before = sentence[:start]
    last = None
    for last in terminators.finditer(before):
        pass
    return before[last.end():] if last else before


def _window_after(sentence: str, end: int) -> str:
    after = sentence[end:]
    stop = _TERMINATORS.search(after)
    return after[: stop.start()] if stop else after


def assess(sentence: str, start: int, end: int) -> Mention:
    """Whether the target sentence[start:end] is affirmed, negated or uncertain."""
    before = _window_before(sentence, start)
    before_clean = _PSEUDO_RE.sub(lambda m: "_" * len(m.group()), before)
    after = _window_after(sentence, end)
    negation = None
    for match in _FWD_RE.finditer(before_clean):
        if _words(before_clean[match.end():]) <= FORWARD_WORDS:
            negation = match
    doc_before = _PSEUDO_RE.sub(lambda m: "_" * len(m.group()), _window_before(sentence, start, _DOC_TERMINATORS))
    doc = None
    for match in _DOC_NEG_ANY.finditer(doc_before):
        if _words(doc_before[match.end():]) <= DOC_FORWARD_WORDS:
            doc = match
    backward = _BWD_RE.search(after)
    if backward and _words(after[: backward.start()]) > BACKWARD_WORDS:
        backward = None
    doc_backward = _DOC_BWD_RE.search(after)
    if doc_backward and _words(after[: doc_backward.start()]) > BACKWARD_WORDS:
        doc_backward = None
    if doc is not None and _ALTERNATIVE_RE.search(doc_before[doc.start():]):
        return Mention(UNCERTAIN, False, doc.group())  # "no rationale for therapy over a home program"
    if doc is not None or doc_backward is not None:
        trigger = (doc or doc_backward).group()
        # "unclear if" is uncertainty about the record, which is absence of documentation too.
        return Mention(NEGATED, True, trigger)
    if negation is not None and (_HYPOTHETICAL.search(before_clean[:negation.start()])
                                 or _ALTERNATIVE_RE.search(before_clean[negation.start():])):
        return Mention(UNCERTAIN, False, negation.group())
    if negation is not None or backward is not None:
        return Mention(NEGATED, False, (negation or backward).group())
    uncertain = None
    for match in _UNC_RE.finditer(before):
        if _words(before[match.end():]) <= FORWARD_WORDS:
            uncertain = match
    if uncertain is not None:
        return Mention(UNCERTAIN, False, uncertain.group())
    return Mention(AFFIRMED, False)
