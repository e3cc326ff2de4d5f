"""Which rationale sentences may feed facts: guideline text and conclusions never do."""

from __future__ import annotations

import pytest

from imr_check.reader.sentences import CONCLUSION, FACT, GUIDELINE, OTHER_PERSON, kind
from imr_check.reader.text import Sentence


@pytest.mark.parametrize("text, expected", [
    # The guideline's list of criteria, even when it mentions "prior to" or a procedure.
    ("Further criteria for imaging include a red flag and clarifying anatomy prior to an invasive procedure.",
     GUIDELINE),
    ("ODG criteria include documented failure of a home exercise program.", GUIDELINE),
    ("The patient had an MRI on 3/4/2016 showing a disc protrusion.", FACT),
    ("In this case, the claimant has completed 12 visits of therapy.", FACT),
    ("Therefore, the request is not medically necessary.", CONCLUSION),
    # the guideline describing a therapy in general, even where it names "the patient's" program
    ("Spinal manipulation is widely used for back pain with the aim of advancing the patient's exercise program.",
     GUIDELINE),
    # supporting a diagnosis is a clinical statement, not a conclusion on the request
    ("The treating physician did not record an exam to substantiate the diagnosis of carpal tunnel syndrome.", FACT),
    ("The records do not substantiate the request for a second MRI.", CONCLUSION),
    # research findings are about patients in general, whatever words of a record they use
    ("Topical anti-inflammatories have been shown in randomized trials to beat placebo for hand arthritis.", GUIDELINE),
    ("A three-phase scan has a low diagnostic value for this syndrome under the newer criteria than under previous "
     "ones.", GUIDELINE),
    ("In this case, the claimant's imaging studies demonstrated a disc protrusion at L4-5.", FACT),
])
def test_rationale_sentence_kind(text: str, expected: str) -> None:
    assert kind(Sentence(text, 0, "item 1 rationale"), in_rationale=True) == expected


def test_a_guideline_quotation_running_over_several_sentences_is_guideline_text() -> None:
    from imr_check.reader.sentences import fact_sentences

    texts = ['The guidelines state, "Imaging can mislead.', "Imaging is kept for cases where red flags are found.",
             'Most patients recover within a month."', "No red flags were identified in this patient."]
    kept = fact_sentences([Sentence(t, i * 100, "item 1 rationale") for i, t in enumerate(texts)], in_rationale=True)
    assert [s.text for s in kept] == ["No red flags were identified in this patient."]


def test_a_quotation_of_the_provider_in_a_fact_sentence_stays_a_fact() -> None:
    from imr_check.reader.sentences import fact_sentences

    texts = ['The treating physician wrote that the patient "cannot lift more than 10 pounds."',
             "He has completed 12 visits of physical therapy."]
    kept = fact_sentences([Sentence(t, i * 100, "item 1 rationale") for i, t in enumerate(texts)], in_rationale=True)
    assert len(kept) == 2


def test_a_sentence_about_this_patient_ends_an_unbalanced_quotation() -> None:
    from imr_check.reader.sentences import fact_sentences

    texts = ['ODG states "Patients are assessed after a "six-visit trial" before more visits.',
             "The medical records show this patient has attended 6 previous sessions of therapy."]
    kept = fact_sentences([Sentence(t, i * 100, "item 1 rationale") for i, t in enumerate(texts)], in_rationale=True)
    assert [s.text for s in kept] == [texts[1]]


def test_sentences_run_together_without_a_space_are_split() -> None:
    from imr_check.reader.text import sentences

    text = "The plan included an MRI of the hand.The x-ray of 11/04/2016 showed arthritis. Dr.Smith saw him vs.The rest."
    found = [s.text for s in sentences(text, 0, len(text), "summary")]
    assert found == ["The plan included an MRI of the hand.", "The x-ray of 11/04/2016 showed arthritis.",
                     "Dr.Smith saw him vs.The rest."]


@pytest.mark.parametrize("text, expected", [
    # A relative's own condition or care, named as theirs, is the relative's (ConText's experiencer)...
    ("His wife's knee surgery is set for next month.", OTHER_PERSON),
    ("Her father's diabetes was diagnosed last year.", OTHER_PERSON),
    # An aside about the relative between the relative and what the sentence says of them.
    ("His sister, who lives nearby, has had two back operations.", OTHER_PERSON),
    ("His sister, who lives nearby, helps him with the shopping.", FACT),
    # ...but a relative's help or presence is part of the patient's own history.
    ("Her husband's help is needed for bathing.", FACT),
    ("Her husband drives her to appointments.", FACT),
])
def test_a_relatives_own_condition_is_another_persons(text: str, expected: str) -> None:
    assert kind(Sentence(text, 0, "summary"), in_rationale=False) == expected


@pytest.mark.parametrize("text, expected", [
    # What a clinician recommended is the record's; what the guidelines recommend, or an unattributed verdict, is not.
    ("Cervical facet injections were recommended by the pain specialist in March.", FACT),
    ("A knee replacement was not recommended by Dr. Alvarez.", FACT),
    ("Cervical facet injections are not recommended by the guidelines for radicular pain.", CONCLUSION),
    ("The requested knee replacement is not recommended.", CONCLUSION),
])
def test_a_recommendation_by_a_clinician_is_not_a_conclusion(text: str, expected: str) -> None:
    assert kind(Sentence(text, 0, "summary"), in_rationale=False) == expected


@pytest.mark.parametrize("text, expected", [
    # A named clinician's plan, a dated entry of the record, a side of a joint or a spinal level: this patient.
    ("The hand surgeon is planning a trigger finger release.", FACT),
    ("Per the 2/9/2018 note, a cervical epidural is scheduled.", FACT),
    ("A left elbow arthroscopy is scheduled.", FACT),
    ("An epidural at C6-7 is pending.", FACT),
    # A guideline's clinician speaks in modals, and its procedures name no side.
    ("The surgeon should consider imaging before an elbow arthroscopy.", GUIDELINE),
    ("Elbow arthroscopy is an option for loose bodies.", GUIDELINE),
])
def test_a_rationale_sentence_about_this_patient_s_plan_is_a_fact(text: str, expected: str) -> None:
    assert kind(Sentence(text, 0, "item 1 rationale"), in_rationale=True) == expected


@pytest.mark.parametrize("text, expected", [
    # The request under review is this case's: "this is a request for", something "is requested".
    ("This is a request for a lumbar brace.", FACT),
    ("A repeat MRI of the knee was requested.", FACT),
    ("This request is for topical diclofenac.", FACT),
    # A guideline's request is general: no request of this case is named.
    ("Lumbar supports have no lasting benefit beyond the acute phase of symptom relief.", GUIDELINE),
    ("Repeat imaging adds little unless the symptoms have changed.", GUIDELINE),
])
def test_a_rationale_sentence_naming_this_case_s_request_is_a_fact(text: str, expected: str) -> None:
    assert kind(Sentence(text, 0, "item 1 rationale"), in_rationale=True) == expected


@pytest.mark.parametrize("text, kept", [
    # UR as the source of a statement of the record: the statement is read, without the attribution...
    ("Per the UR report, she has had 10 chiropractic visits for the neck.", "she has had 10 chiropractic visits for the neck."),
    ("According to the prior reviewer, he had a left knee arthroscopy in 2014.", "he had a left knee arthroscopy in 2014."),
    ("The utilization review summary states that the EMG of 05/2016 showed a left L5 radiculopathy.",
     "the EMG of 05/2016 showed a left L5 radiculopathy."),
    ("UR summary: the patient works modified duty with a 20 lb lifting limit.",
     "the patient works modified duty with a 20 lb lifting limit."),
    # ...but UR's decision, its reasons, its "not documented" and the guideline it quoted stay UR's.
    ("UR non-certified the cervical MRI because red flags were not documented.", None),
    ("Per UR, the request for 12 visits was modified to 6.", None),
    ("The prior reviewer noted no neurological deficit, so the EMG was not supported.", None),
    ("Per the UR report, there is no documentation of a home exercise program.", None),
    ("The UR physician states that the MTUS allows 6 visits of chiropractic care for a trial.", None),
    ("The UR reviewer authorized 4 sessions of acupuncture on 02/01/2016.", None),
    # A UR sentence without an attribution frame is UR's, whatever it recounts.
    ("UR reviewed the notes and spoke with the physician's assistant.", None),
])
def test_a_sentence_giving_ur_as_its_source_is_read_as_the_record(text: str, kept: str | None) -> None:
    from imr_check.reader.sentences import fact_sentences

    for section in ("summary", "item 1 rationale"):
        read = fact_sentences([Sentence(text, 40, section)], in_rationale=section != "summary")
        assert [s.text for s in read] == ([kept] if kept else [])
        # The statement's offset is where it sits in the letter, for its evidence.
        assert all(s.start == 40 + text.index(s.text) for s in read)
