"""Which sentences of a letter may feed facts: blind to the decision.

A letter states the reviewer's conclusion ("the request is not medically necessary", "Upheld"),
quotes the guideline ("MTUS recommends 3 to 6 treatments"), and repeats the utilization
reviewer's reasons. None of these are facts about the patient: conclusions would leak the outcome
into the prediction, guideline text is about patients in general, and UR's reasons are one side of
the dispute. They are dropped before any fact is read. What remains is the clinical case summary
and the rationale's statements of fact.

A sentence that gives the utilization review as its source of the record ("Per the UR report, she has had 12 PT
visits") is the record as UR summarised it, and the clinical statement after that attribution is read as the
summary's. UR's decision and its reasons are not: a sentence naming UR that decides (certified, modified, not
supported), says the record lacks something, or speaks of a guideline stays dropped whole. UR is always the side
that denied, so its "not documented" is its reason, not this record's silence or statement.

The conclusion patterns are polarity-blind (they match "is" and "is not", "supported" and "not
supported" alike), so swapping a conclusion's polarity cannot change which sentences are read.
"""

from __future__ import annotations

import re

from .context import names_record_lack
from .text import Sentence

FACT, CONCLUSION, GUIDELINE, UTILIZATION_REVIEW, BOILERPLATE, OTHER_PERSON = (
    "fact", "conclusion", "guideline", "ur", "boilerplate", "other_person")

# A clinician or a clinical service, as the record names who recommended or asked for care ("recommended by the
# orthopedic surgeon", "by pain management"): what one of them recommended is the record's, not a reviewer's verdict.
_CLINICIAN = (r"(?:Dr\.?\s|the (?:\w+ ){0,2}?(?:physician|surgeon|doctor|provider|orthopa?edist|neurosurgeon|specialist|"
              r"consultant|physiatrist|podiatrist|chiropractor|therapist|clinician|treater|team)s?\b|(?:his|her|their|an?) "
              r"(?:\w+ ){0,2}?(?:physician|surgeon|doctor|provider|orthopa?edist|neurosurgeon|specialist|consultant)s?\b|"
              r"(?:pain management|orthopa?edics|ortho|neurosurgery|neurology|spine surgery|hand surgery|physiatry|"
              r"pain medicine)\b)")
_CONCLUSION = re.compile(
    r"medically (?:necessary|indicated|appropriate|reasonable|warranted|supported)|medical necessity"
    r"|\b(?:upheld|overturned|overturn|uphold)\b|\bnon-?certif\w*|\bcertif(?:y|ied|ication)\b"
    r"|\b(?:is|are|be|been|was|were)\s+(?:not\s+|neither\s+|also\s+not\s+)?(?:\w+ly\s+|also\s+|still\s+)?"
    r"(?:not\s+)?(?:supported|"
    r"warranted|appropriate|indicated|necessary|justified|reasonable|approved|authorized|recommended(?!\s+by\s+" + _CLINICIAN + ")|"
    r"substantiated|established|medically)\b"
    r"|(?:supports?|support for|warrants?|justif(?:y|ies)|substantiates?)\s+(?:the|this|a|an|ongoing|continued|"
    r"further|additional)\b(?! (?:diagnos[ie]s|clinical (?:diagnos[ie]s|impression))\b)"
    r"|\b(?:exceeds?|exceeding|within|outside(?: of)?|in excess of|consistent with|in accordance with|in keeping with"
    r"|meets?|satisfy|satisfies|fulfills?)\s+(?:the\s+|these\s+|guideline\s+)?(?:\w+\s+){0,2}?(?:guidelines?|"
    r"recommendations?|criteria|mtus|odg|acoem)"
    r"|^(?:therefore|thus|hence|as such|given the above|in conclusion|based on the above|consequently|accordingly"
    r"|in summary|in light of|with this in mind)\b"
    r"|\b(?:not )?(?:a )?(?:reasonable|appropriate|necessary) (?:option|choice|request|treatment)\b",
    re.I,
)
# A criterion judged in the guideline's general terms is the reviewer's conclusion, not a finding, whichever way it
# goes: a verdict on a criterion ("this criterion is met", "the request fails criterion 3"), or a finding given as
# the criterion's own alternatives ("severe and/or progressive deficits", "deficits such as loss of sensation,
# reflexes or strength"), which names no finding a record holds. What an examination or a study showed is a finding
# however it is worded ("the exam revealed no evidence of red flags and/or nerve compromise").
_CRITERION_VERDICT = re.compile(
    r"\bcriteri(?:on|a)\b(?:\s+(?:#\s*)?\d+)?[^.;]{0,60}?\b(?:is|are|was|were|be|(?:has|have|had)(?:\s+not)?\s+been)\s+"
    r"(?:not\s+|now\s+|also\s+|all\s+|clearly\s+|fully\s+)*(?:met|satisfied|fulfilled)\b"
    r"|\b(?:meets?|fails?|failed|failing|satisf(?:y|ies|ied)|fulfil(?:l|ls|led))\s+(?:the\s+|this\s+|that\s+|each\s+)?"
    r"(?:\w+\s+)?criteri(?:on|a)\b",
    re.I,
)
_RESTATED_CRITERION = re.compile(
    r"\b(?:documentation|documented|evidence|evident|noted)\b(?=[^.;]*(?:(?<!,) \w+ and/or \w+|\bsuch as\b[^.;]{0,80}?\bor\b))",
    re.I,
)
_EXAMINED = re.compile(
    r"\b(?:exam(?:ination)?|MRI|CT|x-?rays?|radiographs?|imaging|EMG|NCS|stud(?:y|ies))\b[^.;]{0,60}?"
    r"\b(?:revealed|showed|demonstrated|found|noted|documented)\b",
    re.I,
)


def _criterion_judged(text: str) -> re.Match[str] | None:
    """Where a sentence judges a criterion in general terms (see _CRITERION_VERDICT), if it does."""
    verdict = _CRITERION_VERDICT.search(text)
    if verdict is not None:
        return verdict
    restated = _RESTATED_CRITERION.search(text)
    return restated if restated is not None and not _EXAMINED.search(text) else None


def _conclusion(text: str) -> re.Match[str] | None:
    """The first conclusion phrase of a sentence: a verdict on the request or on a criterion."""
    found = [m for m in (_CONCLUSION.search(text), _criterion_judged(text)) if m is not None]
    return min(found, key=lambda m: m.start()) if found else None


_UTILIZATION_REVIEW = re.compile(
    r"\butilization review\b|\bUR\b|\bclaims administrator\b|\bprevious(?:ly)? (?:review|reviewer|denied|modified"
    r"|non-?certified|certified|authorized|approved)|\bprior (?:review|determination|reviewer|UR)\b|\bpeer review"
    r"|\b(?:was|were|been) (?:denied|modified|non-?certified|authorized|approved|certified)\b|\bdenial\b"
    r"|\bcit(?:ing|ed) (?:the )?(?:MTUS|ODG|ACOEM|guidelines)",
    re.I,
)
# The utilization review named as the source of what follows: "Per the UR report,", "According to the prior
# reviewer,", "As noted in the UR determination,", "The UR summary states that", "UR summary:".
_UR_SOURCE = (
    r"(?:the )?(?:(?:prior|previous|initial|most recent|recent) )?(?:UR|utilization review|peer review)(?:'s)?"
    r"(?: (?:report|summary|review|determination|decision|letter|notes?|physician|reviewer|doctor|nurse|records?))?"
    r"|(?:the )?(?:prior|previous) (?:UR |utilization )?(?:reviewer|review|determination)(?:'s (?:report|summary|notes?))?")
_UR_DATED = r"(?:\s+(?:dated|of|on) \d{1,2}[/-]\d{1,2}[/-]\d{2,4})?"
_UR_ATTRIBUTION = re.compile(
    r"^(?:(?:also|additionally|further(?:more)?|of note|in addition|moreover)\s*,?\s+)?(?:"
    r"(?:as )?(?:per|according to)\s+(?:" + _UR_SOURCE + r")" + _UR_DATED + r"\s*,?"
    r"|as (?:noted|stated|documented|described|summarized|reported|indicated) (?:in|by)\s+(?:" + _UR_SOURCE + r")"
    + _UR_DATED + r"\s*,"
    r"|(?:" + _UR_SOURCE + r")" + _UR_DATED + r"\s+(?:also\s+)?(?:notes|noted|states|stated|indicates|indicated|documents"
    r"|documented|describes|described|reports|reported|mentions|mentioned|summarizes|summarized|recounts|recounted"
    r"|reflects|reflected|lists|listed)(?:\s+that)?\s*[:,]?"
    r"|(?:the )?(?:UR|utilization review) (?:summary|report|notes?|records?)\s*:"
    r")\s+", re.I)
# What, after a UR attribution, is UR's decision about the request rather than the record: a decision verb, or a
# verdict on medical necessity. "Modified duty" is the patient's work status, and "denies" the patient's denial.
_UR_DECISION = re.compile(
    r"\b(?:non-?certif\w*|certif(?:y|ies|ied|ication)|denial|modif(?:y|ies|ied|ication)(?!\s+(?:duty|duties|work|job"
    r"|activit\w*|restrictions?))|approv\w*|authoriz\w*|(?:was|were|is|are|be|been)\s+(?:not\s+)?(?:\w+ly\s+)?"
    r"(?:supported|necessary|indicated|warranted|recommended|appropriate|justified)|not (?:medically )?(?:supported"
    r"|necessary|indicated|warranted|appropriate|justified))\b", re.I)
_GUIDELINE_NAMED = re.compile(r"\b(?:guidelines?|MTUS|ODG|ACOEM|criteri(?:on|a))\b", re.I)


def record_per_utilization_review(sentence: Sentence) -> Sentence | None:
    """The clinical statement of a sentence that gives the utilization review as its source, without the attribution.

    None when the sentence is UR's decision or its reasons: after the attribution it decides, says the record lacks
    something, names a guideline, names UR again, or is anything but a statement of fact. The attribution says the
    statement is about this case, so a rationale's statement is read as the summary's would be.
    """
    frame = _UR_ATTRIBUTION.match(sentence.text)
    if frame is None:
        return None
    text = sentence.text[frame.end():]
    if len(text.split()) < 3 or _UR_DECISION.search(text) or names_record_lack(text) or _GUIDELINE_NAMED.search(text) \
            or _GENERIC_SUBJECT.search(text) or _LITERATURE.search(text):
        return None
    statement = Sentence(text, sentence.start + frame.end(), sentence.section)
    return statement if kind(statement, in_rationale=False) == FACT else None


_GUIDELINE_SUBJECT = re.compile(
    r"^(?:\(|(?:the |per |according to |as per |in |under |also |additionally,? |furthermore,? |moreover,? |"
    r"referring to |regarding |with regard to |20\d\d |california |ca |cal |/)*(?:mtus|acoem|odg|official "
    r"disability guidelines|(?:evidence[- ]based |the |these |current |above |\w+ )?guidelines?|chronic pain "
    r"(?:medical treatment )?guidelines|american college|aanem|cms)\b)",
    re.I,
)
_GUIDELINE_VERB = re.compile(
    r"\b(?:guidelines?|mtus|acoem|odg|criteria)\b[^.]{0,120}?\b(?:state|states|stated|recommend|recommends|note|notes"
    r"|indicate|indicates|support|supports|require|requires|allow|allows|suggest|suggests|specify|specifies"
    r"|consider|considers|address|addresses|define|defines|outline|outlines|describe|describes|list|lists"
    r"|advise|advises|limit|limits|do not|does not|mention|mentions|go on to|acknowledge|acknowledges|recognize"
    r"|recognizes|include|includes)\b",
    re.I,
)
_GENERIC_SUBJECT = re.compile(
    r"^(?:patients|in patients|for patients|most patients|individuals|an? (?:initial |short )?(?:trial|course|"
    r"set) of|time to produce|frequency:|optimum duration|treatment (?:may|should|is|can)|(?:\w+ )?(?:is|are) "
    r"(?:not )?recommended|(?:\w+ ){1,4}(?:is|are) (?:(?:widely|commonly|often|frequently|typically) used|used|an option|"
    r"the first|considered|generally)"
    # A therapy's stated aim is the guideline's ("The intended goal or effect of manual medicine is ..."),
    # whatever patient it speaks of.
    r"|(?:the )?(?:intended |primary |main |overall )?(?:goals?|aims?|purposes?|effects?|objectives?)"
    r"(?: (?:or|and) (?:intended )?(?:goals?|aims?|purposes?|effects?|objectives?))? of (?!(?:this|the|his|her|their) "
    r"(?:patient|claimant|worker|request|requested))(?:\w+[ -]){1,5}?(?:is|are|was|includes?)\b)",
    re.I,
)
_QUOTE_START = re.compile(r"^[\"']|^page\b|^pg\b|^p\.\s*\d", re.I)
_BOILERPLATE = re.compile(
    r"^(?:the expert reviewer|maximus|he/she|the final determination|this decision addresses|this medical "
    r"necessity decision|the treating physician and the patient are advised|regarding the most appropriate)",
    re.I,
)


# A rationale sentence about this patient or this record names them; one that names neither is the
# guideline speaking about patients in general ("Indiscriminate imaging will result in ...").
_ANCHOR = re.compile(
    r"\b(?:the|this|our) (?:patient|claimant|applicant|injured worker|employee|worker|individual)\b|\bpatient's\b"
    r"|\b(?:in this|in the present|in the current) case\b|\bthe (?:submitted |provided |available |clinical |medical )*"
    r"(?:records?|documentation|documents|notes?|reports?|file|exam(?:ination)?|findings|history)\b"
    r"|\b(?:he|she|his|her|hers|him)\b|\bthe (?:treating|requesting|primary|attending) \w+|\btreater|\btreatment plan"
    r"|\bprogress (?:note|report)|\b(?:was|were) noted\b|\bon \d|\bdated\b|\bthere (?:is|was|are|were|has been|have been) (?:no|a lack|lack"
    r"|not|little|an? )|\bnot (?:documented|provided|known|noted|specified|clear|indicated|quantified|recorded|submitted)|\bprior\b|\bprevious"
    r"|\bthe request(?:ed)?\b|\bcurrent(?:ly)?\b|\bto date\b|\bcontinues?\b|\b\d+/10\b|\bunclear\b|\bRFA\b"
    # The request under review is this case's ("this is a request for ...", "a repeat MRI was requested").
    r"|\bthis (?:is an? )?request\b|\b(?:is|are|was|were|being) requested\b"
    # A study's result that names a side or a spinal level is this patient's ("the MRI showing L5-S1 foraminal stenosis"),
    # and so is the latest of the record's notes ("the most recent note describes ...").
    r"|\b(?:MRI|CT|EMG|NCS|NCV|imaging|electrodiagnostic (?:study|studies|testing)|x-?rays?|radiographs?)\b[^.;]{0,30}?"
    r"\b(?:shows|showed|shown|demonstrates|demonstrated|reveals|revealed|documents|documented|showing|demonstrating"
    r"|revealing)\b[^.;]{0,60}?"
    r"\b(?:left|right|bilateral|[CTL]\d{1,2}(?:-[CTLS]?\d{1,2})?|S[12])\b"
    r"|\bthe (?:most recent|latest|last|recent) (?:progress )?(?:notes?|reports?|visits?|exam(?:ination)?|evaluation)\b"
    r"|\b(?:has|had|have) (?:been|had|not|undergone|completed|attended|received|tried|failed|reported|complained"
    r"|recommended|requested|proposed|scheduled|planned|offered|suggested|advised|referred)"
    # "There is documentation of ...", like "there is no documentation of ...", speaks of this record.
    r"|\bthere (?:is|was|are|were|has been) (?:\w+ ){0,2}?documentation (?:of|that|to)\b"
    # So does what an examination found, said the same way ("there is objective evidence of radiculopathy").
    r"|\bthere (?:is|was|are|were) (?:objective|clinical|physical|examination) (?:evidence|findings|signs) (?:of|on)\b"
    r"|\bon file\b|\bin place\b"
    # What the record holds or lacks, said of it ("the provider did not document", "no deficits were documented").
    r"|\b(?:(?:did|does|do|has|have|had) not|fail(?:s|ed)? to) (?:\w+ )?(?:document|record|indicate|describe|mention)\w*"
    r"|\bno\b[^.;]{0,60}?\b(?:was|were|is|are|has been|have been|had been) (?:\w+ )?(?:documented|recorded)\b"
    # A side of the body is this patient's ("heel walking is weak on the left"), and so is what the provider found or did.
    r"|\b(?:on|of|at|in|to) the (?:left|right)\b|\bthe (?:provider|physician|surgeon|clinician) (?:suspects|suspected"
    r"|notes|noted|reports|reported|documents|documented|describes|described|found|finds)\b"
    # A named clinician's own plan or opinion, in the present or the past ("the spine surgeon is planning a fusion",
    # "the orthopedist has recommended"); a guideline's clinician speaks in modals ("the physician should consider").
    r"|\b" + _CLINICIAN + r" (?:also )?"
    r"(?:(?:has|had|is|was) )?(?:recommend\w*|request\w*|plan\w*|propos\w*"
    r"|indicat\w*|stat\w*|opin\w*|felt|feels|believ\w*|want\w*|wish\w*|intend\w*|advis\w*|discuss\w*|referr\w*|ordered"
    r"|prescrib\w*|schedul\w*|consider\w*|suggest\w*|offer\w*|contemplat\w*)\b"
    # The record's entry named by its date ("per the 06/03/2019 report").
    r"|\b(?:the|a|an) (?:\w+ )?\d{1,2}/\d{1,2}/\d{2,4}\b"
    # A side of a joint or a limb, or a spinal level, is this patient's ("a right shoulder arthroscopy", "at L4-5").
    r"|\b(?:left|right)\s+(?:\w+\s+)?(?:shoulder|knee|hip|wrist|hand|elbow|ankle|foot|leg|arm|thumb|finger|upper extremity"
    r"|lower extremity)s?\b|\b[CTL][1-9]\s*-\s*[CTLS]?[1-9]\b"
    r"|\b(?:was|were) (?:performed|administered|obtained|done|completed|signed)\b"
    # The record's own entries, named by who wrote them or which report holds them ("the CURES report reviewed by
    # the provider", "per the PR-2").
    r"|\b(?:reviewed|documented|noted|reported|observed|described|ordered) by the (?:provider|physician|prescriber"
    r"|treating|requesting|primary|surgeon|clinician|therapist)\b|\bper the (?:PR-?\d|progress|treating|requesting"
    r"|primary|most recent|latest|last)\b"
    # What an examination or a test of this patient found, in the past tense ("a psychological evaluation found ...").
    r"|\b(?:evaluation|exam(?:ination)?|assessment|screening|testing|MRI|CT|EMG|NCS|x-?rays?|(?:plain )?films|radiographs?"
    r"|imaging|stud(?:y|ies)) (?:found|showed|revealed|documented|demonstrated|confirmed)\b"
    r"|\bdiagnos[ie]s (?:include|are|were)|\b(?:has|have) included\b|\bthere (?:are|were) (?:several|multiple)",
    re.I,
)


# Research findings speak of patients in general even when a word of them looks like the record ("have been", "previously
# used criteria"): "shown in a meta-analysis to beat placebo", "the diagnostic value of a positive test is low".
_LITERATURE = re.compile(
    r"\bmeta-?analys[ie]s\b|\bplacebo\b|\brandomi[sz]ed\b|\b(?:have|has) been (?:shown|found|proven|demonstrated) to\b"
    r"|\b(?:stud(?:y|ies)|trials?|research) (?:have|has) (?:shown|found|demonstrated|suggested)\b|\bdiagnostic value\b"
    r"|\bspecificity\b|\bthe (?:medical |scientific )?literature\b|\bresearch criteria\b", re.I)


# Guideline and criteria text, wherever it appears (a summary quotes the treating physician quoting a guideline):
# it speaks of patients in general, or of what a treatment is for, never of this patient's findings.
_GENERAL = re.compile(
    r"\bcriteria (?:for|include[sd]?|are|were|is|of)\b|^criteria\b|\b(?:the following|these|above) criteria\b"
    r"|\b(?:long[- ]term|prolonged|chronic|extended|continued) use(?: of [\w-]+(?: [\w-]+){0,2})? (?:can|may|could|will"
    r"|might|is known to|has been (?:shown|associated)) (?:lead|result|cause|contribute|increase|be associated)"
    r"|\b(?:can|may|could|might) (?:lead to|result in)\b"
    r"|\b(?:recommended|indicated|reserved|an option|suggested|considered) (?:for|in) (?:patients|individuals|those|people"
    r"|workers|cases|persons)\b|\b(?:in|for) (?:patients|individuals|people|persons) (?:with|who|that)\b"
    r"|\b(?:the )?(?:goals?|purpose|aim|intent) of (?:the |this |a |an )?(?:[\w-]+ ){0,3}?(?:therapy|treatment|program"
    r"|rehabilitation|care|intervention|modality|modalities|exercises?|medications?)s? (?:is|are|should|would|include[sd]?"
    r"|was|were)\b"
    # The guideline as the agent of a passive ("the visits espoused in the MTUS for home exercise instruction"): what
    # follows is the guideline's content, as with the guideline as subject (_GUIDELINE_VERB).
    r"|\b(?:espoused|endorsed|advocated|set forth|outlined|described|recommended|suggested|specified) (?:in|by|within)"
    r" (?:the )?(?:[\w-]+ ){0,4}?(?:MTUS|ODG|ACOEM|guidelines?)\b",
    re.I,
)
# Another person's history is no finding of the patient's (ConText's experiencer): a family history, or a relative or
# coworker whose own condition, treatment or work the sentence states ("her brother had a drug problem", "his coworker
# was placed on light duty"; not "her husband helps her dress").
_OTHER_PERSON = re.compile(
    r"\bfamily (?:medical )?history\b|\bhistory in the family\b"
    r"|^(?:(?:his|her|their|the patient's|the claimant's) )(?:mother|father|parents?|sisters?|brothers?|siblings?|sons?"
    r"|daughters?|grand(?:mother|father|parents?)|aunts?|uncles?|cousins?|husband|wife|spouse|co-?workers?|colleagues?)\b"
    # An aside about the relative may stand between ("his brother, who lives with him, has had a fusion").
    r"(?=(?:,[^,.;]{1,80},)?(?: (?:\w+ )?(?:has|had|have|was|were|is|suffers?|suffered|died|developed|takes|took|uses|used|underwent"
    # A relative's own reaction to a drug ("her father could not tolerate codeine") is the relative's history.
    r"|(?:could|can|did|does)(?: not|n't) tolerate|tolerated|reacted"
    # The relative's own injury or course of care ("her husband failed therapy for his back", "his son broke an ankle").
    r"|failed|broke|fractured|injured|sprained|tore|fell|sustained|completed|tried"
    # The relative's own abilities ("his wife cannot lift heavy objects"), not help given to the patient ("is unable"
    # is already the relative's by "is").
    r"|cannot|can't|can not)\b"
    # Or the relative's own condition or care, named as theirs ("her husband's home exercise routine has not helped").
    r"|'s (?:[\w-]+ ){0,3}?(?:program|routine|regimen|exercises?|surgery|operation|injury|pain|condition|illness|disease"
    r"|medications?|treatment|therapy|diagnosis|cancer|diabetes)\b))", re.I)
# A numbered or lettered item opening a rationale sentence is an item of a quoted list of criteria.
_LIST_ITEM = re.compile(r"^(?:\(?\d{1,2}\)|\d{1,2}\.\s|\(?[a-h]\)\s|[-*\u2022]\s)")


def kind(sentence: Sentence, in_rationale: bool) -> str:
    text = sentence.text
    if _conclusion(text):
        return CONCLUSION
    if _BOILERPLATE.search(text):
        return BOILERPLATE
    if _OTHER_PERSON.search(text):
        return OTHER_PERSON
    if _UTILIZATION_REVIEW.search(text):
        return UTILIZATION_REVIEW
    if _GUIDELINE_SUBJECT.search(text) or _GUIDELINE_VERB.search(text) or _QUOTE_START.search(text) \
            or _GENERAL.search(text) or in_rationale and _LIST_ITEM.search(text) and not _THIS_PATIENT.search(text):
        return GUIDELINE
    if in_rationale and (_GENERIC_SUBJECT.search(text) or not _ANCHOR.search(text)
                         or _LITERATURE.search(text) and not _THIS_PATIENT.search(text)):
        return GUIDELINE
    return FACT


_THIS_PATIENT = re.compile(
    r"\b(?:this|the) (?:patient|claimant|applicant|injured worker|employee|worker)\b|\bin this case\b"
    r"|\b(?:he|she) (?:has|had|is|was|reports?|reported)\b|\bthe (?:treating|requesting|attending) \w+", re.I)
_QUOTE_MARK = re.compile(r"[\"\u201c\u201d]")


# Where a statement ends and a conclusion drawn from it begins: "X has failed, which warrants ...", "...; therefore".
# A comma alone may end an opening phrase ("In the absence of such documentation, the request ..."), whose
# words are the conclusion's own: only a clause that a conclusion follows with "which", "and", "so" is kept, and an
# opening that names documentation the record lacks (_RECORD_LACK_OPENING).
_CLAUSE_BREAK = re.compile(r",\s+(?=(?:which|so|thus|therefore|hence|as such|making)\b)"
                           r"|,?\s+(?=and (?:therefore|thus|so|as such|the|this|these|further|additional|continued|a|an)\b)"
                           r"|;\s+|\s+-\s+", re.I)


# "Without documentation of functional improvement, further visits are not supported": an opening phrase that says
# the record lacks something is the reviewer's statement about this record, whichever way the conclusion after it goes.
# Only a lack of documentation that names what is lacking: "absent red flags, imaging is not recommended" is the
# guideline's general condition, and "in the absence of such documentation" names nothing.
_RECORD_LACK_OPENING = re.compile(
    r"^(?:without|absent|in the absence of|lacking)\s+(?:(?:any|a|an|the|clear|objective|such|sufficient|adequate)\s+)*"
    r"(?:documentation|documented|evidence|indication)(?:\s+[^\s,;]+)+?(?=,\s)", re.I)


def _record_lack_before_conclusion(sentence: Sentence, conclusion_start: int) -> Sentence | None:
    """The opening phrase of a concluding sentence that says the record lacks something (_RECORD_LACK_OPENING).

    Read as a summary's sentence would be (the conclusion after it says it is about this request), unless it is the
    guideline's or the utilization reviewer's.
    """
    opening = _RECORD_LACK_OPENING.match(sentence.text)
    if opening is None or opening.end() > conclusion_start:
        return None
    statement = Sentence(opening.group(), sentence.start, sentence.section)
    return statement if kind(statement, False) == FACT else None


def statement_before_conclusion(sentence: Sentence, in_rationale: bool) -> Sentence | None:
    """The statement of fact that opens a concluding sentence, without the conclusion.

    "Conservative care has failed, which warrants further evaluation" keeps "Conservative care has failed". Only
    the clauses before the first conclusion phrase are kept, and only when they read as a statement of fact by
    themselves; a conclusion's polarity moves no clause boundary, so the reader stays blind to it. Without such a
    clause, an opening phrase saying the record lacks something is kept ("Without documentation of X, ...").
    """
    text = sentence.text
    conclusion = _conclusion(text)
    if conclusion is None:
        return None
    cut = None
    for cut in _CLAUSE_BREAK.finditer(text, 0, conclusion.start()):
        pass
    if cut is None:
        return _record_lack_before_conclusion(sentence, conclusion.start())
    head = text[:cut.start()].rstrip()
    if len(head.split()) < 3:
        return None
    statement = Sentence(head, sentence.start, sentence.section)
    return statement if kind(statement, in_rationale) == FACT else None


def fact_sentences(sentences: list[Sentence], in_rationale: bool) -> list[Sentence]:
    """The sentences that may feed facts.

    In a rationale, a quotation opened by guideline text ("The MTUS states, "... ) runs on over
    several sentences; those inside it are the guideline's too, whatever they look like.
    """
    kept = []
    quoting_guideline = False
    for sentence in sentences:
        sentence_kind = kind(sentence, in_rationale)
        # Quote marks are often unbalanced (nested, curly, lost in the PDF): a sentence that names
        # this patient is the reviewer speaking again, whatever the count says.
        if quoting_guideline and not _THIS_PATIENT.search(sentence.text):
            sentence_kind = GUIDELINE
        if sentence_kind == FACT:
            kept.append(sentence)
        elif sentence_kind == UTILIZATION_REVIEW and not quoting_guideline:
            statement = record_per_utilization_review(sentence)
            if statement is not None:
                kept.append(statement)
        elif sentence_kind == CONCLUSION and not quoting_guideline:
            statement = statement_before_conclusion(sentence, in_rationale)
            if statement is not None:
                kept.append(statement)
        if in_rationale and len(_QUOTE_MARK.findall(sentence.text)) % 2 == 1:
            # An odd number of quote marks opens or closes a quotation that crosses sentences.
            quoting_guideline = not quoting_guideline and sentence_kind == GUIDELINE
    return kept
