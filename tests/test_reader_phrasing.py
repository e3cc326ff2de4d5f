"""The tuning half of bench/phrasing: each of our paraphrases of a certifying fact gives the fact, each near miss does not.

The held-out half is never tested here: it measures (bench/phrasing.py) whether what was fixed on this half carries
over, and a sentence of it added to the tests after it was seen to fail would stop it measuring that.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import phrasing  # noqa: E402

# Tuning sentences the reader still misses, and why they are left: fixing them would take more than a pattern.
KNOWN_MISSES = {
    # MTUS 9792.20(f) asks for a reduction in dependency on medical treatment besides the return to work.
    "Chiropractic care has allowed him to return to full duty.":
        "a return to work alone is not the MTUS definition's functional improvement",
    "The opioid causes nausea, which is managed with ondansetron.":
        "a rationale sentence naming neither the patient nor the record reads as the guideline's",
    "Drainage from the lumbar incision raises suspicion of a wound infection.":
        "a rationale sentence naming neither the patient nor the record reads as the guideline's",
    "Bilateral leg numbness and perineal numbness suggest cauda equina syndrome.":
        "a cauda equina sign takes the region of a leg named beside it, not the spine's (a leg's region would let a "
        "knee study see saddle anaesthesia)",
    "With Norco she rates her pain 3/10.": "a pain score with a drug named, not a medication word, is not read",
    # A sentence naming the utilization review is UR's side of the dispute (sentences.UTILIZATION_REVIEW), dropped before
    # any fact is read, even where it recounts the record; and "has been recommended" reads as a conclusion.
    "The UR summary states a lumbar discectomy is being contemplated.":
        "a sentence naming UR is not read as the record (sentences.py)",
    "Per the UR summary, a right shoulder arthroscopy has been recommended.":
        "a sentence naming UR is not read as the record, and 'has been recommended' is a conclusion (sentences.py)",
    # Batch 2 (recall-drugs): labelled before reading; its tuning misses and false findings, not yet worked on when
    # the round's time ran out. Each is a finding for the next round, not an accepted limit.
    'He does stretching and strengthening exercises at home most days.':
        'a batch-2 statement not read yet',
    'Walking 2 miles daily for exercise.':
        'a batch-2 statement not read yet',
    'Patient is doing a home program of McKenzie extension exercises.':
        'a batch-2 statement not read yet',
    'She participates in a Pilates class three times a week.':
        'a batch-2 statement not read yet',
    'The PT notes indicate he was instructed in and is performing a home program.':
        'a batch-2 statement not read yet',
    'Post acupuncture: able to walk 30 min, previously 10 min.':
        'a batch-2 statement not read yet',
    'Improved ADLs after the first 6 chiropractic treatments; now able to vacuum and do laundry.':
        'a batch-2 statement not read yet',
    'PT progress note: squat depth and stair climbing improved, LEFS 38 -> 55.':
        'a batch-2 statement not read yet',
    'After acupuncture he reduced tramadol from 4 to 1 tablet daily and sleeps 6 hours.':
        'a batch-2 statement not read yet',
    'Objective functional gains with therapy: grip strength up 15 lbs and sitting tolerance doubled.':
        'a batch-2 statement not read yet',
    'The prior PT sessions improved his lumbar flexion and he can now lift his toddler.':
        'a batch-2 statement not read yet',
    'Per the UR summary, prior chiropractic care improved her ability to perform household chores.':
        'a batch-2 statement not read yet',
    'Treating notes record that after physical therapy she was released to full duty.':
        'a batch-2 statement not read yet',
    'No objective functional improvement is documented.':
        'a batch-2 statement not read yet',
    'No objective functional gains were reported.':
        'a batch-2 statement not read yet',
    'Age > 65, on ibuprofen.':
        'a batch-2 statement not read yet',
    'Allergic reaction (hives) to ibuprofen.':
        'a batch-2 statement not read yet',
    'He has weaned off Norco over the past two months.':
        'a batch-2 statement not read yet',
    'She prefers to avoid medications because they make her drowsy at work.':
        'a batch-2 statement not read yet',
    'Meloxicam is contraindicated given her history of GI bleed.':
        'a batch-2 statement not read yet',
    'He could not continue Celebrex because of elevated blood pressure.':
        'a batch-2 statement not read yet',
    'Pain agreement on file; last urine drug screen appropriate.':
        'a batch-2 statement not read yet',
    'Urine toxicology positive for cocaine.':
        'a batch-2 statement not read yet',
    'Signed opioid contract; compliant with it.':
        'a batch-2 statement not read yet',
    'Urine drug test was inconsistent: no hydrocodone detected.':
        'a batch-2 statement not read yet',
    'The record documents a current narcotic agreement and consistent urine screens.':
        'a batch-2 statement not read yet',
    'CURES report reviewed by the provider showed no irregularities.':
        'a batch-2 statement not read yet',
    'The treating physician notes no evidence of diversion or dose escalation.':
        'a batch-2 statement not read yet',
    'Without medication she is bedbound; with medication she shops and cooks.':
        'a batch-2 statement not read yet',
    'Continues to work full time with the help of the pain medication.':
        'a batch-2 statement not read yet',
    'The medications allow him to sleep and to perform his home exercises.':
        'a batch-2 statement not read yet',
    'Per the PR-2, function with medications is improved, including walking and lifting light objects.':
        'a batch-2 statement not read yet',
    'Activities of daily living are limited by pain.':
        'a batch-2 near miss read as the fact, not fixed yet',
    'Constipation managed with stool softener.':
        'a batch-2 statement not read yet',
    'Pain decreased by 3 points after taking Norco.':
        'a batch-2 statement not read yet',
    'Ibuprofen lowers her pain from 6/10 to 4/10.':
        'a batch-2 near miss read as the fact, not fixed yet',
}

TUNING = [s for s in phrasing.load_set() if s.half == "tuning"]


def _case(sentence: phrasing.Sentence):
    # A known miss must still miss (strict): a fix that reads it moves it out of KNOWN_MISSES.
    marks = [pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[sentence.text])] if sentence.text in KNOWN_MISSES else []
    return pytest.param(sentence, marks=marks, id=f"{sentence.fact.rsplit('.', 1)[-1]}: {sentence.text[:50]}")


def test_the_halves_are_fixed_by_the_sentence_text() -> None:
    assert phrasing.half_of("Hx of PUD.") == phrasing.half_of("  Hx of PUD.  ")
    halves = {s.half for s in phrasing.load_set()}
    assert halves == {"tuning", "held_out"}


@pytest.mark.parametrize("sentence", [_case(s) for s in TUNING])
def test_a_tuning_sentence_reads_as_labelled(sentence: phrasing.Sentence) -> None:
    assert phrasing.gives_fact(sentence) is sentence.states_fact


def test_a_known_miss_is_still_a_tuning_sentence() -> None:
    assert set(KNOWN_MISSES) <= {s.text for s in TUNING}


def test_a_malformed_phrasing_file_is_refused_with_its_place(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("fact: clinical.red_flags\nrequest: MRI\nstates: [{txt: 'No.'}]\nnear_misses: []\n")
    with pytest.raises(phrasing.PhrasingSetError, match=r"broken.yaml states\[0\]"):
        phrasing.load_set(tmp_path)


def test_a_sentence_carries_its_batch_and_a_bad_batch_is_refused(tmp_path: Path) -> None:
    (tmp_path / "batches.yaml").write_text(
        "fact: clinical.red_flags\nrequest: MRI\nstates: ['One.', {text: 'Two.', batch: 2}]\nnear_misses: []\n")
    assert [s.batch for s in phrasing.load_set(tmp_path)] == [1, 2]
    (tmp_path / "batches.yaml").write_text(
        "fact: clinical.red_flags\nrequest: MRI\nstates: [{text: 'Two.', batch: second}]\nnear_misses: []\n")
    with pytest.raises(phrasing.PhrasingSetError, match=r"batches.yaml states\[0\]: `batch`"):
        phrasing.load_set(tmp_path)
