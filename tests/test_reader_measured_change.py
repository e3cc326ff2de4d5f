"""A measured function read by its direction: a disability score is better lower, a tolerance or a strength higher.

Functional improvement (9792.20(f)) is a measured gain; "ODI went from 30 to 48" is function reported worse, not a
gain, though it is worded like one. Sentences here are written for the tests.
"""

from __future__ import annotations

import pytest

from imr_check.reader.lexicon import Concept, ConceptSpec, measured_change
from reader_support import NOT_DOCUMENTED, fact, read_synthetic

PATH = "requests[0].history.functional_improvement.demonstrated"
PT = "Physical therapy 6 sessions for the low back"


def demonstrated(summary: str, header: str = PT) -> object:
    case = read_synthetic(summary, [(header, "The medical records were reviewed.")])
    return fact(case, PATH)


@pytest.mark.parametrize("summary, expected", [
    # disability scores: lower is better
    ("After the physical therapy her ODI went from 48 to 30.", True),
    ("After the physical therapy her ODI went from 30 to 48.", False),
    ("Oswestry 52% -> 34% with physical therapy.", True),
    ("Oswestry 34% -> 52% with physical therapy.", False),
    ("NDI 40 at intake, 22 at re-evaluation after 6 PT sessions.", True),
    ("NDI 22 at intake, 40 at re-evaluation after 6 PT sessions.", False),
    ("The QuickDASH fell from 61 to 34 over the physical therapy course.", True),
    ("The QuickDASH rose from 34 to 61 over the physical therapy course.", False),
    ("Since PT her Roland-Morris score is 8, down from 16.", True),
    ("Since PT her Roland-Morris score is 16, up from 8.", False),
    ("Pain disability index from 45 to 30 after the PT.", True),
    ("DASH 40 to 40 after the physical therapy.", None),
    # function scores, strength, motion and tolerances: higher is better
    ("LEFS 38 -> 55 after the physical therapy.", True),
    ("LEFS 55 -> 38 after the physical therapy.", False),
    ("Grip strength went from 20 to 35 kg with the PT.", True),
    ("Grip strength went from 35 to 20 kg with the PT.", False),
    ("After PT, shoulder flexion 90 -> 150 degrees.", True),
    ("After PT her sitting tolerance is 45 min (was 15 min).", True),
    ("After PT her sitting tolerance is 15 min (was 45 min).", False),
    ("Since PT she walks 30 minutes, up from 10.", True),
    ("Since PT she walks 10 minutes, down from 30.", False),
    ("With physical therapy her walking tolerance went from 10 to 30 minutes.", True),
    ("With physical therapy her walking tolerance went from 30 to 10 minutes.", False),
    # each figure with its own unit: compared in minutes, and units that cannot be compared say nothing
    ("After PT her sitting tolerance went from 15 min to 1 hour.", True),
    ("After PT her sitting tolerance went from 2 hours to 30 minutes.", False),
    ("After PT she walks 2 miles vs. 3 blocks before.", None),
    ("After PT she walks 8 blocks vs. 3 blocks before.", True),
    # figures written as words, a limit with its figure on each side, the later figure named first
    ("After the physical therapy she walks from two blocks to eight blocks.", True),
    ("After the physical therapy her lifting limit went from no lifting over 15 lbs to no lifting over 35 lbs.", True),
    ("After the physical therapy her lifting limit went from no lifting over 35 lbs to no lifting over 15 lbs.", False),
    ("The physical therapy raised her lifting to 40 lbs from 20 lbs.", True),
    ("Since PT she can stand 50 min, prev 20 min.", True),
    # a work status is ranked: off work, then restricted, then full duty
    ("After the physical therapy his work status went from TTD to light duty.", True),
    ("After the physical therapy his work status went from light duty to full duty.", True),
    ("Despite the physical therapy her work status went from regular duty to modified duty.", False),
    ("Since the physical therapy she is back at modified work from off work.", True),
    ("The plan is to move her from modified duty to full duty after the physical therapy.", None),
    # a measure and its direction in one clause, without figures
    ("Since the physical therapy her standing tolerance has gone up.", True),
    ("The physical therapy increased her tolerance for walking.", True),
    ("Since the physical therapy her sitting tolerance is worse.", False),
    ("Her sitting tolerance has not improved with the physical therapy.", None),
    ("The physical therapy eased her pain, but her walking tolerance is unchanged.", None),
    ("Physical therapy is requested to increase her walking tolerance.", None),
    # a pain score is no measure of function, and a hedged measurement is no measurement
    ("Walking raises her pain from 4 to 8/10 after physical therapy.", None),
    ("If the physical therapy lowers her ODI from 48 to 30, more visits may be asked for.", None),
])
def test_a_measured_change_is_read_by_its_direction(summary: str, expected: object) -> None:
    assert demonstrated(summary) == expected


def test_a_gain_beside_a_loss_in_the_record_leaves_the_improvement_unclear() -> None:
    summary = "After the physical therapy her ODI went from 48 to 30. After the physical therapy her LEFS fell from 50 to 40."
    assert demonstrated(summary) is None


def test_a_worse_disability_score_is_not_stated_not_documented() -> None:
    # function reported worse is documented false, not the record's silence
    assert demonstrated("After the physical therapy her ODI went from 30 to 48.") is not NOT_DOCUMENTED


def _concept(better: str) -> Concept:
    return ConceptSpec(fact="x.y", better=better,
                       phrases=[r"score (?P<before>\d+) to (?P<after>\d+)", r"(?P<after>\d+) now, was (?P<before>\d+)"]).concept()


@pytest.mark.parametrize("better, text, change", [
    ("lower", "score 40 to 20", 1),
    ("lower", "score 20 to 40", -1),
    ("higher", "score 20 to 40", 1),
    ("higher", "40 now, was 20", 1),
    ("higher", "20 now, was 40", -1),
    ("lower", "score 30 to 30", 0),
])
def test_measured_change_compares_the_figures_each_phrase_captures(better: str, text: str, change: int) -> None:
    concept = _concept(better)
    match = concept.pattern.search(text)
    assert match is not None
    assert measured_change(concept, match) == change


@pytest.mark.parametrize("phrases, mode", [
    ([r"score (?P<before>\d+) to \d+"], "presence"),           # no `after`
    ([r"score (\d+) to (\d+)"], "presence"),                   # unnamed figures
    ([r"score (?P<before>\d+) to (?P<after>\d+)"], "assessment"),
])
def test_a_measured_concept_must_capture_both_figures_of_a_presence_fact(phrases: list[str], mode: str) -> None:
    with pytest.raises(ValueError, match="measured concept"):
        ConceptSpec(fact="x.y", better="lower", phrases=phrases, mode=mode)


def test_an_unmeasured_concept_reads_no_direction() -> None:
    concept = ConceptSpec(fact="x.y", phrases=[r"score \d+ to \d+"]).concept()
    assert concept.better is None
    assert measured_change(concept, concept.pattern.search("score 40 to 20")) == 0

