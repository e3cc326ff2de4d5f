"""The reader reads findings, not labels (issue 12): red flags, failed care and a suspected entrapment from what the
record describes; guideline text is no fact; negation stops where the clause does; a concluding sentence keeps its
statement of fact; a fact stated for one body region is not another region's.

Every sentence here is written for the project; each finding has its near misses beside it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from imr_check.case import Case
from imr_check.facts import request_facts
from imr_check.reader.context import assess
from imr_check.reader.sentences import CONCLUSION, FACT, GUIDELINE, fact_sentences, kind
from imr_check.reader.text import Sentence

from test_reader_facts import read  # the synthetic letter the reader's fact tests share

_ON = dt.date(2017, 2, 1)


def fact_for(case: Case, index: int, path: str) -> Any:
    """The fact as the rules see it for one request (None: not documented for that request)."""
    return request_facts(case, index, _ON).get(path)


# --- 1. red flags from the findings that make them, for their region --------------------------------------

@pytest.mark.parametrize("sentence, expected", [
    ("X-rays of the right wrist showed an acute displaced fracture of the distal radius.", True),
    ("The wrist MRI was ordered to rule out an occult scaphoid fracture.", True),
    ("She reports progressive weakness of the left leg.", True),
    ("He reports new saddle anesthesia and urinary retention.", True),
    ("After the fall she was unable to bear weight on the right knee.", True),
    ("The right knee was locked and could not be straightened.", True),
    ("Red flags were noted on examination.", True),
    # one finding absent is not every red flag absent; the label negated is
    ("X-rays of the wrist showed no fracture.", None),
    ("She denies bowel or bladder dysfunction.", None),
    ("There were no red flags on examination.", False),
    # a fracture that is history, or named without its acuity, is no red flag
    ("He had a healed fracture of the left tibia from 2009.", None),
    ("X-rays showed a nondisplaced fracture of the radial head.", None),
    ("He underwent repair of a displaced fracture of the fifth finger.", None),
    ("He reports episodes of locking and popping of the knee.", None),
    ("He was issued a fracture boot for comfort.", None),
])
def test_red_flags_from_findings(sentence: str, expected: bool | None) -> None:
    assert read(sentence).clinical.red_flags is expected


@pytest.mark.parametrize("sentence, region_seen, region_not_seen", [
    ("X-rays of the right wrist showed an acute displaced fracture.", "Right wrist MRI", "Lumbar spine MRI"),
    ("He reports new saddle anesthesia.", "Lumbar spine MRI", "Right knee MRI"),
    ("The right knee was locked and could not be straightened.", "Right knee MRI", "Lumbar spine MRI"),
])
def test_a_red_flag_belongs_to_its_region(sentence: str, region_seen: str, region_not_seen: str) -> None:
    case = read(sentence, [(region_seen, "The patient has pain."), (region_not_seen, "The patient has pain.")])
    assert fact_for(case, 0, "clinical.red_flags") is True
    assert fact_for(case, 1, "clinical.red_flags") is None


def test_a_red_flag_named_without_a_region_holds_for_every_region() -> None:
    case = read("Red flags were noted on examination.", [("Right knee MRI", "The patient has pain."),
                                                        ("Lumbar spine MRI", "The patient has pain.")])
    assert case.regional_facts == {}
    assert fact_for(case, 0, "clinical.red_flags") is True and fact_for(case, 1, "clinical.red_flags") is True


def test_in_a_list_of_diagnoses_a_finding_takes_its_own_clause_region() -> None:
    case = read("Diagnoses include a left shoulder labral tear; a left thumb acute displaced fracture.",
                [("Left shoulder MRI", "The patient has pain."), ("Left hand x-ray", "The patient has pain.")])
    assert case.regional_facts["clinical.red_flags"] == ["forearm_wrist_hand"]
    assert fact_for(case, 0, "clinical.red_flags") is None
    assert fact_for(case, 1, "clinical.red_flags") is True


# --- 2. failed conservative care: a course completed, symptoms persisting ------------------------------------

@pytest.mark.parametrize("sentence, expected", [
    ("She completed twelve sessions of physical therapy and continues to report neck pain.", True),
    ("He has had chiropractic care and epidural injections with only temporary relief.", True),
    ("The lumbar pain persists despite medications and physical therapy.", True),
    ("Conservative treatment has failed.", True),
    ("The neck pain is refractory to medications.", True),
    ("She completed twelve sessions of physical therapy with good relief.", None),
    ("She completed six sessions of physical therapy.", None),
    ("She continues to report neck pain.", None),
    ("She will complete physical therapy and continues to work.", None),
    ("The patient has not failed conservative treatment.", False),
])
def test_failed_conservative_care(sentence: str, expected: bool | None) -> None:
    assert read(sentence).clinical.failed_conservative_care is expected


# Care named with what it did not do: not relieved, not controlled, unresolved, exhausted, minimal or no relief.
@pytest.mark.parametrize("sentence, expected", [
    ("Bracing and oral NSAIDs for two months did not relieve the elbow pain.", True),
    ("Her knee pain is not adequately controlled with acetaminophen and ibuprofen.", True),
    ("Shoulder pain unresolved with PT x8 and a cortisone injection.", True),
    ("Non-operative management of the wrist has been exhausted.", True),
    ("Acupuncture and meds have given only minimal relief of the neck pain.", True),
    ("The ankle remains painful after a course of therapy and a walking boot.", True),
    ("He has had elbow symptoms for 3 years and has had therapy for them.", True),
    ("Per the requesting physician, chiropractic care did not help the low back pain.", True),
    ("He has tried and failed PT, NSAIDs and chiropractic care for the neck.", True),
    ("The lumbar pain has been resistant to conservative treatment.", True),
    ("She reports no significant relief from 8 sessions of PT.", True),
    ("Acupuncture x6 did not provide lasting relief of the knee pain.", True),
    # the record's failing is not the care's
    ("The provider failed to document the prior physical therapy.", None),
    # a benefit, a plan, care refused or not begun, a medication list unchanged
    ("Acupuncture gave good relief and the neck pain is no longer limiting.", None),
    ("Physical therapy was denied, and the knee pain is unchanged.", None),
    ("She has not yet started physical therapy; the back pain is no better.", None),
    ("Medications are unchanged.", None),
    ("If NSAIDs do not relieve the pain, an injection will be considered.", None),
    ("He has had therapy for the neck; the injury was 2 years ago.", None),
])
def test_failed_conservative_care_by_what_the_care_did_not_do(sentence: str, expected: bool | None) -> None:
    assert read(sentence).clinical.failed_conservative_care is expected


def test_failed_care_belongs_to_the_region_it_names() -> None:
    case = read("Right shoulder pain persists despite PT and NSAIDs.", [("MRI of the right shoulder", "Pain."),
                                                                        ("MRI of the lumbar spine", "Pain.")])
    assert case.regional_facts["clinical.failed_conservative_care"] == ["shoulder"]
    assert fact_for(case, 0, "clinical.failed_conservative_care") is True
    assert fact_for(case, 1, "clinical.failed_conservative_care") is None


def test_failed_care_for_a_whole_limb_is_also_the_spine_s_that_supplies_it() -> None:
    case = read("Radiating leg pain persists despite PT and NSAIDs.", [("MRI of the lumbar spine", "Pain."),
                                                                       ("MRI of the cervical spine", "Pain.")])
    assert fact_for(case, 0, "clinical.failed_conservative_care") is True
    assert fact_for(case, 1, "clinical.failed_conservative_care") is None
    # a joint named keeps the failed care to the joint
    case = read("Right knee pain persists despite PT.", [("MRI of the lumbar spine", "Pain.")])
    assert fact_for(case, 0, "clinical.failed_conservative_care") is None


def test_failed_care_named_without_a_region_holds_for_every_region() -> None:
    case = read("Conservative treatment has failed.", [("MRI of the right shoulder", "Pain."),
                                                       ("MRI of the lumbar spine", "Pain.")])
    assert "clinical.failed_conservative_care" not in case.regional_facts
    assert fact_for(case, 0, "clinical.failed_conservative_care") is True
    assert fact_for(case, 1, "clinical.failed_conservative_care") is True


# --- 3. a suspected entrapment from the nerve's territory and its signs --------------------------------------

@pytest.mark.parametrize("sentence, expected", [
    ("She reports numbness and tingling in the right thumb, index and middle fingers.", True),
    ("He describes paresthesias of the ring and little fingers at night.", True),
    ("Sensation is decreased in a median nerve distribution.", True),
    ("Tinel's sign at the wrist was positive.", True),
    ("Tinel's and Phalen's tests were positive on the right.", True),
    ("The carpal compression test was positive.", True),
    ("There was no thenar atrophy, positive Phalen's test on the right.", True),
    ("Suspected carpal tunnel syndrome was noted.", True),
    ("She has numbness in both hands.", None),
    ("She denies numbness or tingling in the fingers.", None),
    ("Tinel's and Phalen's tests were negative bilaterally.", False),
])
def test_nerve_entrapment_from_findings(sentence: str, expected: bool | None) -> None:
    assert read(sentence).clinical.nerve_entrapment_suspected is expected


# --- 4. guideline and criteria text is never a patient fact ---------------------------------------------------

@pytest.mark.parametrize("text", [
    "Criteria for the use of a TENS unit include a documented failure of other modalities.",
    "These criteria include a positive Tinel's sign and numbness of the thumb.",
    "Long-term use of opioids can lead to dependence and side effects.",
    "Prolonged use of muscle relaxants may lead to dependence.",
    "Electrodiagnostic testing is advised for patients with numbness in the thumb and index finger.",
    "In patients with persistent symptoms after physical therapy, imaging may be considered.",
    "The goal of physical therapy is to restore function and reduce pain.",
])
def test_guideline_text_is_never_a_fact(text: str) -> None:
    for in_rationale in (False, True):
        assert kind(Sentence(text, 0, "summary"), in_rationale) == GUIDELINE


def test_guideline_text_in_the_summary_feeds_no_fact() -> None:
    case = read("Electrodiagnostic testing is advised for patients with numbness in the thumb and index finger. "
                "The goal of physical therapy is to restore function after a course of therapy with persistent pain.")
    assert case.clinical.nerve_entrapment_suspected is None
    assert case.clinical.failed_conservative_care is None
    assert case.clinical.persistent_symptoms is None


def test_a_numbered_criterion_quoted_in_a_rationale_is_guideline_text() -> None:
    assert kind(Sentence("2) Documentation of a positive Phalen's sign.", 0, "item 1 rationale"), True) == GUIDELINE
    assert kind(Sentence("2) The patient has a positive Phalen's sign.", 0, "item 1 rationale"), True) != GUIDELINE


def test_the_patient_s_own_findings_stay_facts() -> None:
    text = "The patient reports numbness in the thumb and index finger of the right hand."
    assert kind(Sentence(text, 0, "summary"), False) == FACT


# --- 5. negation stops where the clinical meaning does ---------------------------------------------------------

def _status(sentence: str, target: str) -> str:
    start = sentence.index(target)
    return assess(sentence, start, start + len(target)).status


def test_a_clause_of_its_own_is_not_negated() -> None:
    assert _status("There was no relief, and symptoms continue after therapy.", "symptoms continue") == "affirmed"
    assert _status("She had no relief and her pain persists.", "pain persists") == "affirmed"
    case = read("There was no relief, and symptoms continue after therapy.")
    assert case.clinical.failed_conservative_care is True
    assert case.clinical.persistent_symptoms is True


def test_a_list_stays_under_its_negation() -> None:
    assert _status("She has no numbness and tingling in the feet.", "tingling") == "negated"
    assert _status("There is no documentation that pain decreased and function improved.", "function improved") \
        == "negated"


def test_a_finding_after_a_comma_has_its_own_polarity() -> None:
    assert _status("There was no weakness, negative straight leg raise, and intact sensation.",
                   "negative straight leg raise") == "affirmed"
    assert read("He had no weakness, negative straight leg raise bilaterally.").clinical.radiculopathy_on_exam is False


# --- 6. a concluding sentence keeps its statement of fact ------------------------------------------------------

@pytest.mark.parametrize("conclusion", ["which warrants further evaluation", "which does not warrant further evaluation",
                                        "and therefore the request is medically necessary",
                                        "and therefore the request is not medically necessary"])
def test_the_statement_before_a_conclusion_is_kept(conclusion: str) -> None:
    sentence = Sentence(f"The patient's conservative care has failed, {conclusion}.", 0, "item 1 rationale")
    assert kind(sentence, True) == CONCLUSION
    kept = fact_sentences([sentence], in_rationale=True)
    assert [s.text for s in kept] == ["The patient's conservative care has failed"]


def test_the_fact_of_a_concluding_sentence_is_read() -> None:
    case = read("The patient has neck pain.", [("MRI of the cervical spine",
                                                "The patient's conservative care has failed, which warrants further "
                                                "evaluation.")])
    assert case.clinical.failed_conservative_care is True


def test_an_opening_phrase_of_a_conclusion_is_no_statement() -> None:
    sentence = Sentence("In the absence of such documentation, the requested physical therapy is not medically "
                        "necessary.", 0, "item 1 rationale")
    assert fact_sentences([sentence], in_rationale=True) == []


@pytest.mark.parametrize("conclusion", ["further visits are not supported", "further visits are supported"])
def test_an_opening_that_says_the_record_lacks_something_is_kept(conclusion: str) -> None:
    sentence = Sentence(f"Without documentation of functional improvement from prior visits, {conclusion}.", 0,
                        "item 1 rationale")
    kept = fact_sentences([sentence], in_rationale=True)
    assert [s.text for s in kept] == ["Without documentation of functional improvement from prior visits"]


@pytest.mark.parametrize("text", ["Absent red flags, imaging of the low back is not recommended.",
                                  "Without further documentation, the request is not supported."])
def test_an_opening_that_names_no_missing_documentation_is_no_statement(text: str) -> None:
    assert fact_sentences([Sentence(text, 0, "item 1 rationale")], in_rationale=True) == []


def test_a_missing_record_before_a_conclusion_is_read_as_stated_not_documented() -> None:
    case = read("The patient has low back pain.", [("MRI of the lumbar spine",
                                                    "Without documentation of a focal neurologic deficit, repeat "
                                                    "imaging is not warranted.")])
    assert "clinical.neurological_deficit" in case.stated_not_documented(0)


# --- 6b. a criterion judged in general terms is a conclusion; a finding stated by the reviewer is a fact --------

@pytest.mark.parametrize("text", [
    "The request fails criterion 2 of the cited guideline.",
    "Guidelines support a neck MRI when a focal deficit persists; this criterion is met.",
    "This criterion has not been met in the records reviewed.",
    "This criterion has been met in the records reviewed.",
    "Evidence of severe and/or progressive neurologic deficits has been documented.",
    "Evidence of severe and/or progressive neurologic deficits has not been documented.",
    "There is now documentation of nerve dysfunction, such as loss of sensation, reflexes or strength.",
    "There is little documentation of nerve dysfunction, such as loss of sensation, reflexes or strength.",
])
def test_a_criterion_judged_in_the_guideline_s_terms_is_a_conclusion(text: str) -> None:
    sentence = Sentence(text, 0, "item 1 rationale")
    assert kind(sentence, True) == CONCLUSION
    assert fact_sentences([sentence], in_rationale=True) == []


def test_the_finding_before_a_criterion_verdict_is_kept() -> None:
    sentence = Sentence("The patient completed 12 sessions of therapy with no relief; this criterion is met.", 0,
                        "item 1 rationale")
    assert [s.text for s in fact_sentences([sentence], in_rationale=True)] == [
        "The patient completed 12 sessions of therapy with no relief"]


@pytest.mark.parametrize("text, expected", [
    # the reviewer's concrete finding, either way, is a fact
    ("There is documentation of decreased sensation over the left L5 dermatome.", True),
    ("The examination found no evidence of nerve root tension signs and/or focal deficits.", False),
    # the criterion restated in its own words is not
    ("There is currently objective documentation of nerve dysfunction, such as loss of sensation, reflexes or "
     "strength.", None),
])
def test_a_reviewer_s_finding_is_read_and_a_restated_criterion_is_not(text: str, expected: Any) -> None:
    case = read("The patient has low back pain.", [("MRI of the lumbar spine", text)])
    assert case.clinical.neurological_deficit is expected


def test_a_restated_criterion_does_not_outrank_the_summary_s_finding() -> None:
    case = read("On examination grip strength was 4 out of 5 on the right.",
                [("NCS of the right upper extremity", "There is no documentation of nerve dysfunction, such as loss "
                                                      "of sensation, reflexes or strength.")])
    assert case.clinical.neurological_deficit is True


# --- 7. a fact belongs to its body region and item --------------------------------------------------------------

def test_another_region_s_surgery_is_not_this_item_s_surgery_in_view() -> None:
    case = read("The patient has right knee and right shoulder pain.",
                [("Right knee arthroscopy", "The patient has knee pain."),
                 ("MRI of the right shoulder", "The patient has shoulder pain.")])
    assert case.clinical.surgery_considered is True
    assert case.regional_facts["clinical.surgery_considered"] == ["knee"]
    assert fact_for(case, 0, "clinical.surgery_considered") is True
    assert fact_for(case, 1, "clinical.surgery_considered") is None


@pytest.mark.parametrize("sentence, shoulder_sees", [
    ("The surgeon is considering left knee surgery.", None),
    ("The surgeon is considering surgery of the left shoulder.", True),
    ("The patient is a surgical candidate.", True),
])
def test_surgery_in_view_from_the_record_is_for_the_region_it_names(sentence: str, shoulder_sees: bool | None) -> None:
    case = read(sentence, [("MRI of the left shoulder", "The patient has shoulder pain.")])
    assert case.clinical.surgery_considered is True
    assert fact_for(case, 0, "clinical.surgery_considered") is shoulder_sees


def test_a_region_s_surgery_ruled_out_says_nothing_of_another_region() -> None:
    case = read("He is not a candidate for knee surgery.", [("MRI of the right knee", "The patient has knee pain."),
                                                            ("MRI of the right shoulder", "The patient has pain.")])
    assert fact_for(case, 0, "clinical.surgery_considered") is False
    assert fact_for(case, 1, "clinical.surgery_considered") is None


_KNEE_AND_SHOULDER = [("MRI of the right knee", "The patient has pain."), ("MRI of the right shoulder", "The patient has pain.")]


# One sentence affirming a regional fact and one denying it, each of its own region, tie in the vote: each region keeps
# what its own sentence settles as far as one value per fact allows (the affirmed one, for its region).
@pytest.mark.parametrize("summary, path, affirmed_for", [
    ("Her right knee became locked and could not be straightened. The shoulder examination showed no red flags.",
     "clinical.red_flags", 0),
    ("She is not a candidate for an operation on the knee. An orthopedist is considering surgery on the right "
     "shoulder.", "clinical.surgery_considered", 1),
])
def test_a_tie_between_two_regions_keeps_the_affirmed_region_s_value(summary: str, path: str, affirmed_for: int) -> None:
    case = read(summary, _KNEE_AND_SHOULDER)
    region = ["knee", "shoulder"][affirmed_for]
    assert case.regional_facts[path] == [region]
    assert [e.sentence for e in case.evidence[path]] == [s.rstrip(".") + "." for s in summary.split(". ") if region in s]
    assert fact_for(case, affirmed_for, path) is True
    # the denied region sees the fact not documented, not the other region's value
    assert fact_for(case, 1 - affirmed_for, path) is None


@pytest.mark.parametrize("summary, path", [
    # both sides of one region
    ("Her right knee became locked and could not be straightened. No red flags were found on examination of the "
     "knee.", "clinical.red_flags"),
    ("She is not a candidate for an operation on the knee. An orthopedist is considering knee surgery.",
     "clinical.surgery_considered"),
    # a region and the limb it is part of
    ("Her right knee became locked and could not be straightened. No red flags were found in the lower extremity.",
     "clinical.red_flags"),
    # a denial naming no region speaks of every region
    ("Her right knee became locked and could not be straightened. No red flags were found on examination.",
     "clinical.red_flags"),
])
def test_a_tie_within_one_region_or_with_no_region_stays_a_tie(summary: str, path: str) -> None:
    case = read(summary, _KNEE_AND_SHOULDER)
    assert case.value_at(path) is None and path not in case.regional_facts
    assert fact_for(case, 0, path) is None and fact_for(case, 1, path) is None


def test_a_rationale_s_region_less_statement_is_about_its_own_item() -> None:
    case = read("The patient has knee and shoulder pain.",
                [("MRI of the right knee", "The patient is now a surgical candidate."),
                 ("MRI of the right shoulder", "The patient has shoulder pain.")])
    assert fact_for(case, 0, "clinical.surgery_considered") is True
    assert fact_for(case, 1, "clinical.surgery_considered") is None


def test_a_surgery_named_without_a_region_is_the_one_requested_not_another_item_s() -> None:
    case = read("An operation has been advised and she would like to go ahead.",
                [("Left elbow arthroscopy", "The patient has elbow pain."),
                 ("MRI of the cervical spine", "The patient has neck pain.")])
    assert fact_for(case, 0, "clinical.surgery_considered") is True
    assert fact_for(case, 1, "clinical.surgery_considered") is None
    assert fact_for(case, 1, "clinical.invasive_procedure_planned") is None


def test_a_plan_list_item_s_procedure_is_for_the_region_of_its_own_item() -> None:
    case = read("Plan: 1) massage for the left elbow 2) a cervical epidural 3) recheck in a month.",
                [("MRI of the left elbow", "The patient has elbow pain."),
                 ("MRI of the cervical spine", "The patient has neck pain.")])
    assert fact_for(case, 0, "clinical.invasive_procedure_planned") is None
    assert fact_for(case, 1, "clinical.invasive_procedure_planned") is True


@pytest.mark.parametrize("sentence", [
    "A left elbow arthroscopy will be considered if therapy fails to help.",
    "Should the elbow pain persist, an arthroscopy may be offered.",
])
def test_an_operation_held_in_reserve_until_care_fails_is_not_in_view(sentence: str) -> None:
    case = read(sentence, [("MRI of the left elbow", "The patient has elbow pain.")])
    assert fact_for(case, 0, "clinical.surgery_considered") is not True


def test_an_injection_requested_is_an_invasive_procedure_for_its_region_only() -> None:
    case = read("The patient has neck and shoulder pain.",
                [("Cervical epidural steroid injection at C5-C6", "The patient has neck pain."),
                 ("MRI of the right shoulder", "The patient has shoulder pain.")])
    assert fact_for(case, 0, "clinical.invasive_procedure_planned") is True
    assert fact_for(case, 1, "clinical.invasive_procedure_planned") is None


def test_regional_facts_name_clinical_facts() -> None:
    base = {"requests": [{"id": "a", "text": "MRI", "topic": "imaging", "body_region": "knee"}],
            "clinical": {"red_flags": True}}
    case = Case.model_validate({**base, "regional_facts": {"clinical.red_flags": ["shoulder"]}})
    assert fact_for(case, 0, "clinical.red_flags") is None
    assert fact_for(Case.model_validate({**base, "regional_facts": {"clinical.red_flags": ["lower_extremity"]}}), 0,
                    "clinical.red_flags") is True
    with pytest.raises(ValueError, match="regional_facts is keyed by a clinical fact"):
        Case.model_validate({**base, "regional_facts": {"request.sessions": ["knee"]}})
