"""Functional improvement (MTUS 9792.20(f)) as the reader reads it: the treatment it follows from, less dependence on
treatment, and a summary line saying the record lacks it. Sentences written for these tests."""

from __future__ import annotations

import pytest

from imr_check.reader.context import NEGATED, assess
from reader_support import NOT_DOCUMENTED, fact, read_synthetic

ACUPUNCTURE = "Acupuncture 6 sessions"
NORCO = "Norco 10/325mg #60"
CHIROPRACTIC = "Chiropractic 2 times a week for 3 weeks"
NEUTRAL = "The medical records were reviewed."


def improvement(case, index: int, part: str = "demonstrated"):
    return fact(case, f"requests[{index}].history.functional_improvement.{part}")


@pytest.mark.parametrize("summary", [
    "Since the acupuncture she can now carry her groceries; she takes Norco as well.",
    "Since the acupuncture she can now carry her groceries, and she takes Norco as well.",
    # A clause naming no treatment follows the one named before it.
    "Norco is taken twice a day; since the acupuncture she has gone back to gardening, and she can now carry her groceries.",
])
def test_a_gain_is_the_treatment_its_clause_follows(summary: str) -> None:
    case = read_synthetic(summary, [(NORCO, NEUTRAL), (ACUPUNCTURE, NEUTRAL)])
    assert improvement(case, 1) is True
    assert improvement(case, 0) is None


@pytest.mark.parametrize("summary, expected", [
    # the drug cut is what the acupuncture let her cut, not the source of the gain: both parts of 9792.20(f)
    ("Since the acupuncture her chores are easier, and she takes half the naproxen she used to.", True),
    ("Since the acupuncture her chores are easier, and she has stopped naproxen.", True),
    # the drug named first, then its use cut or a passive cut
    ("Since the acupuncture her chores are easier, and her naproxen use dropped from 3 a day to 1.", True),
    ("Since the acupuncture her chores are easier, and the naproxen was tapered.", True),
    # a drug taken, not cut, is a treatment of its own: the measured gain in its clause is the naproxen's
    ("Since the acupuncture her chores are easier, and naproxen lets her walk 10 minutes longer.", None),
])
def test_a_drug_cut_is_the_object_not_the_source(summary: str, expected) -> None:
    from imr_check.facts import case_date, request_facts

    case = read_synthetic(summary, [(ACUPUNCTURE, NEUTRAL)])
    # `demonstrated` as rules see it: derived from the definition's parts when the letter does not state it whole
    seen = request_facts(case, 0, case_date(case))
    assert seen.get("request.history.functional_improvement.demonstrated") is expected


def test_a_clause_naming_both_treatments_is_read_for_both() -> None:
    case = read_synthetic("With Norco and the acupuncture she can now carry her groceries.",
                          [(NORCO, NEUTRAL), (ACUPUNCTURE, NEUTRAL)])
    assert (improvement(case, 0), improvement(case, 1)) == (True, True)


def test_a_rationale_sentence_about_another_treatment_only_is_not_the_items() -> None:
    other = read_synthetic("Low back pain.", [(ACUPUNCTURE, "Since the epidural injection she can now carry her groceries.")])
    own = read_synthetic("Low back pain.", [(ACUPUNCTURE, "Since the sessions she can now carry her groceries.")])
    assert improvement(other, 0) is None
    assert improvement(own, 0) is True


@pytest.mark.parametrize("summary, expected", [
    # the record as a whole lacks it, so it lacks it for the treatment requested
    ("No objective functional improvement is documented.", NOT_DOCUMENTED),
    ("Objective functional gains have not been documented.", NOT_DOCUMENTED),
    # a gain naming no treatment is no treatment's, and a plain denial with none named is left too
    ("She can now carry her groceries.", None),
    ("There has been no functional improvement.", None),
])
def test_a_summary_line_naming_no_treatment_is_read_for_its_stated_absence(summary: str, expected) -> None:
    case = read_synthetic(summary, [(CHIROPRACTIC, NEUTRAL)])
    assert improvement(case, 0) == expected


def test_the_treatments_own_sentence_outranks_a_bare_summary_line() -> None:
    case = read_synthetic("No objective functional improvement is documented. After the chiropractic visits she can "
                          "now carry her groceries.", [(CHIROPRACTIC, NEUTRAL)])
    assert improvement(case, 0) is True


@pytest.mark.parametrize("sentence, expected", [
    ("Since the acupuncture she has cut back on Norco from three tablets a day to one.", True),
    ("After the acupuncture she no longer takes ibuprofen.", True),
    ("Since the acupuncture she needs fewer office visits a month.", True),
    ("After the acupuncture she takes the same dose of Norco.", None),
    ("The plan is to reduce Norco if the acupuncture helps.", None),
])
def test_less_dependence_on_treatment_names_the_drug_cut_or_stopped(sentence: str, expected) -> None:
    case = read_synthetic(sentence, [(ACUPUNCTURE, NEUTRAL)])
    assert improvement(case, 0, "dependence_reduced") is expected


def test_restrictions_eased_by_a_measure_are_the_improvement() -> None:
    eased = read_synthetic("After the chiropractic visits her lifting restriction was raised from 15 to 35 pounds.",
                           [(CHIROPRACTIC, NEUTRAL)])
    hoped = read_synthetic("Her work restrictions may be relaxed to full duty after the chiropractic visits.",
                           [(CHIROPRACTIC, NEUTRAL)])
    assert improvement(eased, 0) is True
    assert improvement(hoped, 0) is None


@pytest.mark.parametrize("sentence, target, record", [
    ("No objective improvement in function was documented.", "improvement", True),
    ("No measurable gains were recorded after the visits.", "gains", True),
    ("No numbness was reported.", "numbness", False),
    ("No numbness in the hand.", "numbness", False),
])
def test_a_plain_no_with_a_record_verb_after_says_the_record_lacks_it(sentence: str, target: str, record: bool) -> None:
    start = sentence.index(target)
    mention = assess(sentence, start, start + len(target))
    assert mention.status == NEGATED
    assert mention.documentation_negated is record


def test_a_clause_read_alone_keeps_its_place_in_the_letter() -> None:
    from imr_check.reader import clinical
    from imr_check.reader.text import Sentence

    text = "She takes Norco at night; since the acupuncture she can now carry her groceries."
    others = clinical.treatments_pattern("acupuncture")
    treatment = clinical.treatment_pattern("acupuncture", ACUPUNCTURE)
    (part,) = clinical._attributed(Sentence(text, 100, "summary"), treatment, others)
    assert part.text == "since the acupuncture she can now carry her groceries."
    assert text[part.start - 100:].startswith(part.text)
    clinical.forget_sentences()
