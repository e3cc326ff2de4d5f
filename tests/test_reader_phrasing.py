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
    "The opioid causes nausea, which is managed with ondansetron.":
        "a rationale sentence naming neither the patient nor the record reads as the guideline's",
    "Drainage from the lumbar incision raises suspicion of a wound infection.":
        "a rationale sentence naming neither the patient nor the record reads as the guideline's",
    "Bilateral leg numbness and perineal numbness suggest cauda equina syndrome.":
        "a cauda equina sign takes the region of a leg named beside it, not the spine's (a leg's region would let a "
        "knee study see saddle anaesthesia)",
    "Dermatomal sensory loss at right S1 and an absent right Achilles reflex were found on examination.":
        "a sensory or reflex loss in a dermatome is read as a neurological deficit, not a radicular sign: the neck "
        "imaging rule tells a root sign from a deficit an entrapment may explain (the ESI rule accepts either)",
    # A sentence that gives UR as its source is read as the record (sentences.record_per_utilization_review), but
    # "has been recommended" reads as a conclusion, and a UR sentence with a conclusion stays UR's.
    "Per the UR summary, a right shoulder arthroscopy has been recommended.":
        "'has been recommended' is a conclusion, and a UR sentence with a conclusion is UR's (sentences.py)",
    # Batch 2 (drug2): labelled before reading; the tuning misses the drug2 fix left.
    "Given her ongoing use of Ultram, a random urine toxicology screen is appropriate.":
        "'is appropriate' makes the sentence a conclusion, and a conclusion's premise ('given ...') is not read "
        "(sentences.py)",
    # Batch 2 (recall-drugs): labelled before reading; the tuning misses and false findings recall-drugs-fix left,
    # each with what reading it would take. Each is a finding for the next round, not an accepted limit.
    'After acupuncture he reduced tramadol from 4 to 1 tablet daily and sleeps 6 hours.':
        "the dose cut is read as less dependence (recall-fi); 'sleeps 6 hours', with no figure before, is no ADL gain, "
        "and 9792.20(f) asks for both",
    'Objective functional gains with therapy: grip strength up 15 lbs and sitting tolerance doubled.':
        "would need a bare 'therapy' taken as the requested physical therapy; the reader asks a treatment sentence to name it",
    'Per the UR summary, prior chiropractic care improved her ability to perform household chores.':
        "read as the record now (UR as its source), but an ability improved with no figure or comparison is not read "
        "as functional improvement",
    'No objective functional gains were reported.':
        "a bare summary line is read for what the record lacks (recall-fi), but 'no X was reported' stays a plain "
        "negation: it is also how a patient's denial is written ('no numbness was reported')",
    # Batch 5 (recall-fi): labelled before reading; what the fix left, and what reading it would take.
    'The reports from the chiropractor do not quantify any functional change after the first six visits.':
        "would need 'functional change' read, which affirmed says neither a gain nor a loss",
    'It is not documented whether the prior acupuncture reduced her work restrictions or her reliance on medication.':
        "would need the definition's parts stated not documented to make the whole stated (the ADL part is silent)",
    'Age > 65, on ibuprofen.':
        "would need an age given as a comparison ('> 65') read as the age risk factor",
    # Batch 5 (recall-misc): labelled before reading; what the fix left.
    'Imaging demonstrates nerve root compression at the level of the radicular findings on exam.':
        "a rationale sentence naming neither the patient, the record, a side nor a spinal level reads as the guideline's",
    # FI batch 10, home exercise batch 7, monitoring batch 3 (recall-fi4): labelled before reading; what the fix left.
    'The regimen includes an opioid analgesic and a benzodiazepine that require ongoing monitoring.':
        "a rationale sentence naming neither the patient nor the record reads as the guideline's (read in the summary)",
    # FI batch 11 (fi11): labelled before reading; what the composed reading left.
    'He returned to his regular job as a warehouse loader after completing 8 therapy sessions.':
        "would need a bare 'therapy' taken as the requested physical therapy; the reader asks a treatment sentence to name it",
    'ER visits for back pain have stopped and he takes half the tramadol he did before acupuncture.':
        "the halved dose is read as less dependence, but no activity or work status is named, and 9792.20(f) asks for both",
    # Batch 1 of the stated absences (stated-absence): labelled before reading; what the fix left.
    'There is no evidence of radiculopathy documented by physical examination.':
        "'no evidence of' in a sentence about an examination is read as the exam's finding (documented false); the "
        "'documented' after the finding would have to outrank it",
    'No documentation of suspected fracture, malignancy or infection was found in the records.':
        "each mention is read as stated absent, but the fracture also feeds the acute-injury facts and the red flags "
        "fact comes out empty; not traced within this round",
    # Batch 2 of the stated absences, batch 6 of functional improvement (absence2): labelled before reading; what the
    # fix left.
    "Per UR, no objective neurologic deficit was documented.":
        "UR's 'not documented' is its reason for the denial, not this record's statement (sentences.py)",
    "Per UR, objective radiculopathy was not documented on exam.":
        "UR's 'not documented' is its reason for the denial, not this record's statement (sentences.py)",
    "Per the UR reviewer, the notes did not identify red flags.":
        "UR's 'not documented' is its reason for the denial, not this record's statement (sentences.py)",
    "Per the UR report, the notes did not mention any intent to proceed with surgery.":
        "UR's 'not documented' is its reason for the denial, not this record's statement (sentences.py)",
    "Absent: objective neurologic findings such as weakness, dermatomal numbness or reflex loss.":
        "a bare 'Absent:' label opens an examination's list of findings the patient lacks (documented false) as "
        "often as a reviewer's list of what the record lacks; only 'missing'/'lacking' labels are the record's",
    "Absent: objective radicular findings on exam.":
        "a bare 'Absent:' label opens an examination's list of findings the patient lacks (documented false) as "
        "often as a reviewer's list of what the record lacks; only 'missing'/'lacking' labels are the record's",
    "Radicular symptoms are reported, but corroborating examination findings have not been documented.":
        "would need 'examination findings' after 'but' taken as the radicular findings the first clause names",
    "Absent a documented surgical plan, imaging for preoperative planning is not indicated.":
        "the opening is read as what the record lacks, but 'surgical plan' is not in the vocabulary of a surgery in view",
    "The provider fails to document improved ADLs or reduced work restrictions after the first acupuncture series.":
        "the sentence is read for what the record lacks, but 'improved ADLs' and 'reduced work restrictions' with no "
        "figure are not in the functional-improvement vocabulary",
    "Absent from the records: range of motion, lifting tolerance or ADL comparisons before and after the prior visits.":
        "would need a list of the measures a comparison would use read as functional improvement itself",
    # Prior treatment batch 1 (prior-blind): labelled before reading; what the fix left.
    'Tx: PT x 18 visits (2014), home exercise, NSAIDs.':
        "would need a count of visits with a past year and no verb read as a course had; 'Tx:' heads a plan as often "
        "as a history",
    # Surgery considered batch 8, invasive procedure batch 7 (surg8): labelled before reading; what the fix left.
    'Tx plan: right SI joint injection under fluoroscopy.':
        "the SI joint is a region of its own (vocabulary.BodyRegion), not the lumbar spine's, so a lumbar MRI does not "
        "see it",
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
