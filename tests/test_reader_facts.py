"""The reader's clinical facts, one synthetic sentence per phrasing: present, negated, and absent.

Each pattern the reader uses for these facts has a sentence here written for the project (not taken
from any letter), so a pattern that stops matching, or matches too much, fails a test.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from imr_check.reader.classify import dosage_form, parse_request, passive_modality

from reader_support import NOT_DOCUMENTED, fact, read_synthetic, synthetic_letter

def letter(summary: str, items: list[tuple[str, str]]) -> str:
    return synthetic_letter(summary, items)


def read(summary: str, items: list[tuple[str, str]] | None = None):
    return read_synthetic(summary, items or [("Physical therapy 2 times a week for 3 weeks",
                                              "The patient has low back pain.")])


def clinical(summary: str, name: str, items: list[tuple[str, str]] | None = None) -> Any:
    """A case-wide fact as read: its value, or NOT_DOCUMENTED when the sentence says the record lacks it."""
    return fact(read(summary, items), f"clinical.{name}")


@pytest.mark.parametrize("name, sentence, expected", [
    # severe acute injury
    ("severe_acute_injury", "An x-ray showed a displaced fracture of the distal radius.", True),
    ("severe_acute_injury", "She sustained a crush injury to the left hand.", True),
    ("severe_acute_injury", "X-rays of the wrist showed no fracture.", False),
    ("severe_acute_injury", "He was issued a fracture boot for comfort.", None),
    # post-surgical
    ("is_post_surgical", "He underwent a right shoulder arthroscopic rotator cuff repair on 10/01/2016.", True),
    ("is_post_surgical", "The patient is status post lumbar fusion.", True),
    ("is_post_surgical", "She continues postoperative rehabilitation of the knee.", True),
    ("is_post_surgical", "An x-ray showed postoperative changes at L5-S1.", None),
    ("is_post_surgical", "The physician requested authorization for postoperative physical therapy.", None),
    ("is_post_surgical", "Records describe an open reduction and internal fixation of the ankle on 3/2/2016.", True),
    ("is_post_surgical", "The surgeon noted a closed reduction and pinning of the wrist fracture dated 10-4-2016.", True),
    ("is_post_surgical", "She was released to modified duty on 11/02/2016.", None),
    ("is_post_surgical", "The physician requested a carpal tunnel release on 12/01/2016.", None),
    # an invasive procedure in view
    ("invasive_procedure_planned", "The physician is considering a cervical epidural steroid injection.", True),
    ("invasive_procedure_planned", "A subacromial injection is planned after the imaging.", True),
    ("invasive_procedure_planned", "There is no indication in the notes that she would be a surgical candidate.", NOT_DOCUMENTED),
    ("invasive_procedure_planned", "At this visit there were no plans for an injection.", False),
    # agreed to, listed as requested, or on the plan line; a plan line of other care is no procedure in view
    ("invasive_procedure_planned", "He has agreed to go ahead with a cervical fusion at C5-6.", True),
    ("invasive_procedure_planned", "Right L5 transforaminal ESI requested.", True),
    ("invasive_procedure_planned", "Plan: right C6-7 epidural injection.", True),
    ("invasive_procedure_planned", "Plan: home exercises; no injections are planned.", False),
    # a dose cut on a named drug is medication reduced; a drug's effect on the pain is not; a relative's intolerance is
    # the relative's
    ("medication_not_tolerated", "She has lowered her Norco to two tablets a day.", True),
    ("medication_not_tolerated", "The tramadol dose was decreased to 50 mg twice daily.", True),
    ("medication_not_tolerated", "Ibuprofen reduces his pain to 4/10.", None),
    ("medication_not_tolerated", "His mother could not tolerate tramadol.", None),
    # a relative's own inability is the relative's; help given to the patient is the patient's need
    ("activity_limitation", "Her husband cannot lift heavy boxes anymore.", None),
    ("activity_limitation", "She can only walk for ten minutes before resting.", True),
    ("activity_limitation", "He has had to give up golfing because of the back pain.", True),
    # depression scores: the Beck inventory at 20 or more, or named in the moderate range; a low score is none
    ("depression", "Beck Depression Inventory score of 31.", True),
    ("depression", "The BDI-II score was 12.", None),
    ("depression", "PHQ-9 of 4 with moderate pain.", None),
    # a sign graded + after its name
    ("nerve_entrapment_suspected", "Phalen's test is + on the left.", True),
    # the operation on the plan line, or booked in the operating room
    ("surgery_considered", "Plan: arthroscopic repair of the left rotator cuff.", True),
    ("surgery_considered", "The orthopedist will take her to the OR for a knee scope next week.", True),
    # neurological findings: strength held back by a tendon or by pain is not a nerve sign
    ("neurological_deficit", "Ankle dorsiflexion strength was 4/5 on the left.", True),
    ("neurological_deficit", "Rotator cuff strength was 4/5 on the right.", None),
    ("neurological_deficit", "Grip strength was 4/5, limited by pain.", None),
    # graded strength: a minus or plus below full strength is a weakness; full strength throughout is none
    ("neurological_deficit", "Her left great toe extensor strength was 5-/5.", True),
    ("neurological_deficit", "Hip flexor strength on the right graded 4+/5.", True),
    ("neurological_deficit", "Motor testing found strength of 5/5 throughout both legs.", False),
    ("neurological_deficit", "Muscle strength graded 5 of 5 in both legs.", False),
    ("neurological_deficit", "Strength is 5/5 except for the left ankle dorsiflexors at 4/5.", True),
    ("neurological_deficit", "Strength was 5/5 in the arms and 5-/5 in the left extensor hallucis longus.", True),
    ("neurological_deficit", "He had no weakness of the legs, negative straight leg raise, and intact sensation in both "
                             "feet.", False),
    ("radiculopathy_on_exam", "Straight leg raise was negative on both sides.", False),
    ("radiculopathy_on_exam", "The exam showed a negative Spurling's test.", False),
    ("radiculopathy_on_exam", "She had a positive straight leg raise on the left.", True),
    # corroboration is a study's finding, not a study planned to look for one
    ("radiculopathy_corroborated", "An EMG dated 05/01/2016 showed a left L5 radiculopathy.", True),
    ("radiculopathy_corroborated", "The plan includes an EMG to confirm or rule out the possibility of radiculopathy.",
     None),
    ("persistent_symptoms", "She reports ongoing problems with right wrist pain.", True),
    ("persistent_symptoms", "He continues to be treated for neck pain by his physician.", True),
    # a plan of continued treatment says nothing of the symptoms
    ("persistent_symptoms", "The physician plans continued treatment with medications.", None),
    # a suspected nerve entrapment: suspicion counts
    ("nerve_entrapment_suspected", "The diagnoses include rule out carpal tunnel syndrome.", True),
    ("nerve_entrapment_suspected", "Examination showed a positive Tinel's sign at the elbow.", True),
    ("nerve_entrapment_suspected", "Phalen's test was negative bilaterally.", False),
    ("nerve_entrapment_suspected", "There was tenderness over the carpal tunnel region.", None),
    # cognitive behavioral therapy under way or given
    ("cognitive_behavioral_therapy", "She has attended six sessions of cognitive behavioral therapy.", True),
    ("cognitive_behavioral_therapy", "He has not had cognitive behavioral therapy.", False),
    ("cognitive_behavioral_therapy", "The physician recommended cognitive behavioral therapy.", None),
    # medication needing monitoring
    ("medications_need_monitoring", "Current medications include Norco and naproxen.", True),
    ("medications_need_monitoring", "She has been taking Xanax at night.", True),
    ("medications_need_monitoring", "Current medications include naproxen.", None),
    ("medications_need_monitoring", "He is not currently taking any medications.", False),
    ("medications_need_monitoring", "On 01/05/2017 the physician requested Norco 10/325 #60.", None),
    # the letter saying the drugs are not named is the record's silence stated, not a finding that none is taken
    ("medications_need_monitoring", "Her current medications were not listed in the progress note.", NOT_DOCUMENTED),
    ("medications_need_monitoring", "The notes do not indicate which medications he is taking.", NOT_DOCUMENTED),
    ("medications_need_monitoring", "The physician did not specify which medications had helped her.", None),
    # a monitored class taken, however worded, is medication to monitor; a drug named as taken outweighs a missing list
    ("medications_need_monitoring", "He has been on chronic opioid treatment for two years.", True),
    ("medications_need_monitoring", "He takes Norco twice a day. A medication list was not included with the notes.",
     True),
    ("medications_need_monitoring", "A medication list was not included with the notes.", NOT_DOCUMENTED),
    # a list labelled as the drugs taken now names them as taken; a list of past drugs does not
    ("medications_need_monitoring", "Meds: Lyrica 75 mg bid, Ativan 0.5 mg hs.", True),
    ("medications_need_monitoring", "Current meds: baclofen, morphine ER 15 mg q12h.", True),
    ("medications_need_monitoring", "Medication list reviewed today: Cymbalta, oxycodone 5 mg prn.", True),
    ("medications_need_monitoring", "Prior medications: Vicodin, Motrin.", None),
    ("medications_need_monitoring", "Meds: Celebrex and a lidocaine patch.", None),
    # any drug whose monitoring the sentence states (labs, a level, drug testing, titration) is medication to monitor;
    # an anticoagulant is a monitored class; a drug stopped or only planned is none
    ("medications_need_monitoring", "She takes ibuprofen 800 mg, with liver function tests every three months.", True),
    ("medications_need_monitoring", "Nortriptyline is being titrated at bedtime.", True),
    ("medications_need_monitoring", "The dose of Neurontin was adjusted last month.", True),
    ("medications_need_monitoring", "He has been on Eliquis since the pulmonary embolism.", True),
    ("medications_need_monitoring", "The provider prescribes Percocet for breakthrough pain.", True),
    ("medications_need_monitoring", "Celebrex was stopped after the labs showed a rise in creatinine.", None),
    ("medications_need_monitoring", "The plan is to titrate Cymbalta if it is tolerated.", None),
    ("medications_need_monitoring", "Her labs were normal and she uses ice for the pain.", None),
    # the symptom and its persistence read as one mention, in either order; a hedge, a plan or a gain is none
    ("persistent_symptoms", "Right elbow soreness lingers after the brace and stretching.", True),
    ("persistent_symptoms", "Residual numbness in the left foot since the fusion.", True),
    ("persistent_symptoms", "Cervical pain has not gone away with the chiropractic visits.", True),
    ("persistent_symptoms", "The back pain remains manageable with ibuprofen.", None),
    ("persistent_symptoms", "He is to call if the numbness continues.", None),
    ("persistent_symptoms", "Neck pain 3/10, plan to continue acupuncture.", None),
    # a guideline's narrower condition, negated, is not the condition negated
    ("osteoarthritis", "There is no documentation of advanced osteoarthritis of the hip.", None),
    ("osteoarthritis", "X-rays of the hip showed no osteoarthritis.", False),
    ("neuropathic_pain", "The records do not show that she has diabetic painful neuropathy.", None),
    ("neuropathic_pain", "The records do not show that she has post-herpetic neuralgia.", None),
    ("neuropathic_pain", "There is no evidence of neuropathic pain in this claimant.", NOT_DOCUMENTED),
    # "no evidence" of what an examination or a study looked at is a finding: documented false
    ("neuropathic_pain", "Her examination showed no evidence of neuropathic pain.", False),
    # and so is what the provider observed: "the physician notes no evidence of" is a finding, not the record's silence
    ("neuropathic_pain", "The treating physician notes no evidence of neuropathic pain.", False),
    ("neuropathic_pain", "The treating physician did not document neuropathic pain.", NOT_DOCUMENTED),
    # a risk, or a diagnosis to be ruled out, is not the condition
    ("persistent_symptoms", "His heavy smoking raises the risk of developing chronic pain.", None),
    ("neuropathic_pain", "The physician ordered a bone scan for ruling out CRPS of the foot.", None),
    # an alternative the reviewer weighs is not a program the patient follows
    ("exercise_program", "There was no rationale for supervised visits over the claimant being proficient in a home "
                         "exercise program.", None),
    ("exercise_program", "The physician explained why a home exercise program is not enough for her.", None),
    ("exercise_program", "She performs a home exercise program daily.", True),
])
def test_case_fact_phrasings(name: str, sentence: str, expected: Any) -> None:
    assert clinical(sentence, name) is expected


@pytest.mark.parametrize("rationale, expected", [
    # what the provider observed absent is the assessment made (an assessment fact), not the record lacking it
    ("The treating physician notes no evidence of diversion or early refills.", True),
    ("The provider documented no evidence of misuse of the medication.", True),
    # the record lacking it stays the record's silence, stated
    ("There is no evidence of aberrant behavior monitoring in the records.", NOT_DOCUMENTED),
])
def test_what_the_provider_observed_absent_is_an_assessment(rationale: str, expected: object) -> None:
    case = read_synthetic("The patient returned for a scheduled visit.", [("Norco 10/325mg #90", rationale)])
    assert fact(case, "requests[0].opioid_monitoring.aberrant_behavior") == expected


@pytest.mark.parametrize("diagnoses, expected", [
    ("Diagnoses include lumbar strain and cervical sprain.", "myalgia_myositis"),
    ("Diagnoses include lumbar radiculopathy.", "neuralgia_neuritis_radiculitis"),
    ("Diagnoses include complex regional pain syndrome of the right arm and wrist sprain.", "crps"),
    ("Diagnoses include osteoarthritis of the right knee.", "arthritis"),
    ("Diagnoses include fracture of the left fifth metatarsal.", "other"),
    # two groups that disagree leave the condition undocumented
    ("Diagnoses include lumbar strain and osteoarthritis of the knee.", None),
])
def test_pain_condition_from_diagnoses(diagnoses: str, expected: str | None) -> None:
    assert clinical(diagnoses, "pain_condition") == expected


def test_invasive_procedure_planned_from_an_injection_request() -> None:
    case = read("She has neck pain.", [("Cervical epidural steroid injection at C5-C6", "She has neck pain.")])
    assert case.clinical.invasive_procedure_planned is True
    assert "clinical.invasive_procedure_planned" in case.evidence


OPIOID_ITEM = "Tramadol 50mg #60"


@pytest.mark.parametrize("sentence, name, expected", [
    ("She failed a trial of NSAIDs and acetaminophen.", "non_opioid_analgesics_failed", True),
    ("Naproxen and other anti-inflammatory medications provided no relief.", "non_opioid_analgesics_failed", True),
    ("Anti-inflammatory medications were not tolerated due to gastritis.", "non_opioid_analgesics_failed", True),
    ("There is no documentation that the patient failed non-opioid analgesics.", "non_opioid_analgesics_failed",
     NOT_DOCUMENTED),
    ("The Opioid Risk Tool was administered and showed low risk.", "misuse_risk_screening", True),
    ("The patient was screened for the risk of addiction.", "misuse_risk_screening", True),
    ("There is no documentation of a screening for risk of opioid misuse.", "misuse_risk_screening", NOT_DOCUMENTED),
    # aberrant behavior is the drug's: a nicotine addiction, or the risk screened before, is not it
    ("No aberrant behaviors were noted at the last visit.", "aberrant_behavior", True),
    ("There was no discussion of drug misuse or diversion.", "aberrant_behavior", NOT_DOCUMENTED),
    ("He smokes daily and has a nicotine addiction.", "aberrant_behavior", None),
    ("There was a brief review of the risks for misuse with him.", "aberrant_behavior", None),
    # "analgesics" are drugs; the analgesia an opioid gives is assessed in words of relief or effect
    ("There is no documentation that the patient failed non-opioid analgesics.", "analgesia", None),
    ("The tramadol gives analgesia lasting about four hours.", "analgesia", True),
    ("There was no discussion of the analgesic effect of the tramadol.", "analgesia", NOT_DOCUMENTED),
])
def test_opioid_initiation_facts(sentence: str, name: str, expected: bool | None) -> None:
    case = read(sentence, [(OPIOID_ITEM, "The patient has knee pain.")])
    assert fact(case, f"requests[0].opioid_monitoring.{name}") is expected


@pytest.mark.parametrize("summary, expected", [
    ("An MRI of the lumbar spine dated 06/01/2016 showed a disc protrusion at L4-L5.", True),
    ("A prior MRI of the lumbar spine was normal.", True),
    ("He has not had an MRI of the lumbar spine.", False),
    # another region, another study, or the request itself are not the same study done before
    ("An MRI of the cervical spine dated 06/01/2016 showed a disc protrusion.", None),
    ("X-rays of the lumbar spine dated 06/01/2016 were normal.", None),
    ("The Request for Authorization dated 01/02/2017 included requests for an MRI of the cervical spine and an MRI of "
     "the lumbar spine.", None),
    ("The lumbar spine MRI in question was ordered to look for a disc herniation.", None),
    # a negated reason for the study is not a study never done
    ("There is no specific rationale for an MRI of the lumbar spine.", None),
    ("The diagnosis of lumbar strain is not an indication for an MRI of the lumbar spine.", None),
    ("The physician requested an MRI of the lumbar spine.", None),
    # no earlier study of any kind, in general words
    ("There are no prior diagnostic studies in the records.", False),
    ("No previous imaging of the lumbar spine was found in the records.", False),
    ("There were no prior imaging studies of the left knee.", None),
])
def test_prior_study_of_the_same_region(summary: str, expected: bool | None) -> None:
    case = read(summary, [("MRI of the lumbar spine without contrast", "The patient has low back pain.")])
    assert case.requests[0].history.prior_treatment is expected


@pytest.mark.parametrize("summary, expected", [
    ("There are no prior electrodiagnostic studies in the file.", False),
    ("There is no prior imaging in the records.", None),  # imaging is not an electrodiagnostic study
])
def test_no_earlier_study_of_the_kind(summary: str, expected: bool | None) -> None:
    case = read(summary, [("EMG/NCS of the bilateral lower extremities", "The patient has low back pain.")])
    assert case.requests[0].history.prior_treatment is expected


def test_manipulative_therapy_is_chiropractic_care() -> None:
    case = read("He has had 6 prior visits of manipulative therapy for the neck.",
                [("Spinal manipulation 2 times a week for 3 weeks", "The patient has neck pain.")])
    assert case.requests[0].history.prior_treatment is True


@pytest.mark.parametrize("summary, percent, weeks", [
    ("A prior lumbar epidural steroid injection gave 60% pain relief for 8 weeks.", 60, 8),
    ("After the previous epidural injection her pain improved by 50-70 percent.", 50, None),
    ("She had an epidural injection with relief of 40% lasting 3 months.", 40, 13),
    ("An epidural injection is requested to obtain 50% relief.", None, None),
])
def test_relief_from_a_prior_injection(summary: str, percent: float | None, weeks: float | None) -> None:
    case = read(summary, [("Lumbar epidural steroid injection at L4-L5", "The patient has low back pain.")])
    history = case.requests[0].history
    assert history.pain_relief_percent == percent
    assert history.relief_weeks == weeks


@pytest.mark.parametrize("summary, expected", [
    ("He has completed 12 sessions of physical therapy for the low back.", 12),
    ("She has attended physical therapy x 8 visits to date.", 8),
    ("Physical therapy 2 times a week for 3 weeks was requested.", None),
])
def test_sessions_completed(summary: str, expected: int | None) -> None:
    assert read(summary).requests[0].history.sessions_completed == expected


@pytest.mark.parametrize("text, expected", [
    ("Infrared heat to the low back 2 times a week", "heat_cold"),
    ("Hot/cold packs x6", "heat_cold"),
    ("Infrared laser therapy x12", "laser"),
    ("Pulsed ultrasound 2 times a week for 4 weeks", "ultrasound"),
    ("Electrical muscle stimulation x6", "electrical_stimulation"),
    ("Mechanical traction for the neck x8", "traction"),
    ("Biofeedback 6 sessions", "biofeedback"),
    ("Ultrasound and electrical stimulation x6", None),  # two modalities: not one to judge
    # Paraffin is superficial heat; diathermy (deep heat) is a modality no group of the guidelines names.
    ("Paraffin bath x6", "heat_cold"),
    ("Diathermy x6", None),
])
def test_modality(text: str, expected: str | None) -> None:
    parsed = parse_request(text)
    assert parsed.topic == "passive_modality"
    assert parsed.modality == expected
    assert passive_modality(text, "imaging") is None


@pytest.mark.parametrize("text, expected", [
    ("Lidocaine 5% patch #30", "patch"),
    ("Lidoderm #30", "patch"),
    ("Diclofenac 1% gel 100 g", "gel"),
    ("Ketoprofen 10%, lidocaine 5% in cream base 120 g", "cream"),
    ("Cyclobenzaprine 7.5mg tablets #60", "tablet"),
    ("Gabapentin 300mg capsules #90", "capsule"),
    ("Tramadol 50mg #60", None),
])
def test_dosage_form(text: str, expected: str | None) -> None:
    assert dosage_form(text) == expected


@pytest.mark.parametrize("sentence, items, expected", [
    ("On 02/10/2017 utilization review non-certified the request for the MRI of the lumbar spine.",
     [("MRI of the lumbar spine", "Low back pain."), ("Norco 10/325mg #60", "Knee pain.")],
     [{"decision": "non_certified"}, None]),
    # the item is the whole original request: the authorized visits are inside its count, not added to it
    ("On review, utilization review modified the request for physical therapy to 6 visits.",
     [("Physical therapy for 12 sessions", "Low back pain."), ("Norco 10/325mg #60", "Knee pain.")],
     [{"decision": "modified"}, None]),
    # the item is what remains of 12 after 6 authorized: the course total counts both
    ("The utilization review modified the request for 12 sessions of physical therapy to 6 sessions.",
     [("Physical therapy for 6 sessions", "Low back pain."), ("Norco 10/325mg #60", "Knee pain.")],
     [{"decision": "modified", "modified_to": 6}, None]),
    ("Utilization review denied the request.", [("Norco 10/325mg #60", "Knee pain.")],
     [{"decision": "non_certified"}]),
    # two items of the topic named: not safe to place
    ("Utilization review denied the request for an injection.",
     [("Lumbar epidural steroid injection", "Low back pain."), ("Knee cortisone injection", "Knee pain.")],
     [None, None]),
    # one sentence, two decisions: not safe to place
    ("Utilization review modified the request for physical therapy and denied the request for Norco.",
     [("Physical therapy for 12 sessions", "Low back pain."), ("Norco 10/325mg #60", "Knee pain.")],
     [None, None]),
])
def test_ur_decision_from_the_summary(sentence: str, items: list[tuple[str, str]],
                                      expected: list[dict[str, Any] | None]) -> None:
    case = read(sentence, items)
    for request, want in zip(case.requests, expected):
        got = None if request.ur is None else request.ur.model_dump(exclude_none=True, exclude={"date"})
        assert got == want


@pytest.mark.parametrize("name, sentence, expected", [
    ("trigger_points_on_exam", "Palpation revealed trigger points with a twitch response in the trapezius.", True),
    ("trigger_points_on_exam", "There were no trigger points on examination.", False),
    ("trigger_points_on_exam", "Trigger point injections were requested.", None),
    ("failed_corticosteroid_injection", "A cortisone injection to the knee provided only temporary relief.", True),
    ("failed_corticosteroid_injection", "She failed a prior corticosteroid injection of the shoulder.", True),
    ("failed_corticosteroid_injection", "A steroid injection to the shoulder is recommended.", None),
    ("chronic_tendinopathy", "An MRI showed patellar tendinosis.", True),
    ("reduced_weight_bearing_desirable", "She is morbidly obese, with a BMI of 45.", True),
    ("reduced_weight_bearing_desirable", "He remains non-weight bearing on the left leg.", True),
    ("reduced_weight_bearing_desirable", "She is mildly overweight.", None),
    ("therapy_plateau", "Her progress in physical therapy has plateaued.", True),
    ("therapy_plateau", "He reached a plateau with the home exercise program.", True),
    ("therapy_plateau", "His weight has plateaued this year.", None),
    ("return_to_work_goal", "The employer has a modified job available and a return-to-work plan was agreed.", True),
    ("return_to_work_goal", "There is no return-to-work plan in the records.", False),
    ("return_to_work_goal", "She hopes to go back to work some day.", None),
])
def test_more_case_facts(name: str, sentence: str, expected: Any) -> None:
    assert clinical(sentence, name) is expected


@pytest.mark.parametrize("text, field, expected", [
    ("Right L5-S1 epidural steroid injection", "injection_type", "epidural_steroid"),
    ("Right L5-S1 epidural steroid injection", "spinal_levels", 1),
    ("Bilateral L4-L5, L5-S1 transforaminal epidural steroid injection", "spinal_levels", 2),
    ("Bilateral L4-L5, L5-S1 transforaminal epidural steroid injection", "injection_approach", "transforaminal"),
    ("Lumbar facet injection L3-S1", "injection_type", "facet_joint"),
    ("Lumbar facet injection L3-S1", "spinal_levels", 3),
    ("Lumbar medial branch block L4-L5", "injection_type", "medial_branch_block"),
    ("Trigger point injections x4 to the trapezius", "injection_type", "trigger_point"),
    ("Platelet-rich plasma injection to the knee", "injection_type", "platelet_rich_plasma"),
    ("Cortisone injection to the right shoulder", "injection_type", "corticosteroid_joint_or_soft_tissue"),
    ("Right shoulder arthroscopy with rotator cuff repair", "procedure", "rotator_cuff_repair"),
    ("L4-L5 laminectomy and discectomy", "procedure", "lumbar_decompression"),
    ("Right knee arthroscopy with partial meniscectomy", "procedure", "knee_meniscectomy"),
    ("Right ankle arthrodesis", "procedure", "other"),
    ("TENS unit purchase", "is_purchase", True),
    ("Interferential unit 30 day rental", "is_purchase", False),
    ("Interferential unit 30 day rental", "stimulator_types", ["interferential"]),
    ("EMS/TENS combination unit", "stimulator_types", ["tens", "neuromuscular"]),
    ("Work hardening screening evaluation", "is_evaluation", True),
    ("Aquatic therapy 2 times a week for 4 weeks", "is_aquatic", True),
    ("Pool therapy for the lumbar spine, 6 sessions", "is_aquatic", True),
    ("Physical therapy 2 times a week for 4 weeks", "is_aquatic", None),
    ("Work hardening 5 times a week for 4 weeks", "is_evaluation", False),
])
def test_request_parts(text: str, field: str, expected: Any) -> None:
    assert getattr(parse_request(text), field) == expected


@pytest.mark.parametrize("text, strength, compounded", [
    ("Ketoprofen 10%, Lidocaine 5%, Menthol 2% in a cream base 120g", None, True),  # each ingredient has its own
    ("Lidocaine 5% patch #30", "5%", None),
])
def test_a_compound_has_no_one_strength(text: str, strength: str | None, compounded: bool | None) -> None:
    from imr_check.reader.classify import parse_drug

    drug = parse_drug(text, "topical_analgesic")
    assert (drug.strength, drug.is_compounded) == (strength, compounded)


_REMAINING = ("Physical therapy for the lumbar spine 2 times a week for 6 weeks (12 sessions) was the original request. "
              "Physical therapy for 6 sessions was authorized by the Claims Administrator. The remaining IMR eligible "
              "portion of the original request, physical therapy for 6 sessions")


def test_remaining_portion_counts_the_authorized_visits_in_the_course() -> None:
    from imr_check.facts import request_facts

    case = read("She has completed 8 sessions of physical therapy.", [(_REMAINING, "Low back pain.")])
    request = case.requests[0]
    assert request.sessions == 6 and request.ur.decision == "modified" and request.ur.modified_to == 6
    assert request.duration_weeks is None  # the original's six weeks describe the whole, not the remainder
    facts = request_facts(case, 0, case.case.ur_decision_date)
    assert facts["request.total_sessions"] == 8 + 6 + 6


def test_course_total_without_a_ur_modification() -> None:
    from imr_check.facts import request_facts

    case = read("She has completed 8 sessions of physical therapy.",
                [("Physical therapy for 6 sessions", "Low back pain.")])
    assert request_facts(case, 0, case.case.ur_decision_date)["request.total_sessions"] == 14


@pytest.mark.parametrize("text, expected", [
    ("Game Ready cold compression unit, 14 day rental", "cold_compression_unit"),
    ("Continuous-flow cryotherapy unit for 7 days", "cold_therapy_unit"),
    ("Hospital bed, rental", "hospital_bed"),
    ("Abduction sling for the right shoulder", "sling"),
    ("Wrist splint", "brace"),
    ("Front-wheeled walker", "walking_aid"),
    ("Knee scooter", "walking_aid"),
    ("Power scooter", "mobility_scooter"),
    ("Box of disposable gloves", "disposable_supply"),
    ("Shower chair", "bathing_seat"),
    ("Seat cushion", "other"),
])
def test_equipment_kind(text: str, expected: str) -> None:
    assert parse_request(text, "durable_medical_equipment").equipment == expected


_SURGERY = ("Left knee arthroscopic partial meniscectomy", "The patient has a torn meniscus.")


@pytest.mark.parametrize("header, service, topic", [
    ("Pre-operative medical clearance", "preoperative_clearance", "surgical_associated_service"),
    ("Assistant surgeon", "assistant_surgeon", "surgical_associated_service"),
    ("Post-operative physical therapy 12 sessions", "post_operative_therapy", "surgical_associated_service"),
    ("Associated surgical service: Pre-operative labs - PT/PTT", "preoperative_test", "surgical_associated_service"),
    ("Associated surgical service: Physical therapy 2 times a week for 6 weeks", "post_operative_therapy",
     "surgical_associated_service"),
    ("Associated surgical service: Cold therapy unit, 7 day rental", "post_operative_equipment",
     "durable_medical_equipment"),
])
def test_associated_service_follows_the_surgery(header: str, service: str, topic: str) -> None:
    case = read("Knee pain.", [_SURGERY, (header, "The request is for care around the surgery.")])
    request = case.requests[1]
    assert (request.associated_service, request.topic, request.associated_with, request.procedure) == (
        service, topic, "item1", "knee_meniscectomy")


@pytest.mark.parametrize("text, topic, tests", [
    ("Labs", "laboratory_test", None),
    ("CBC and CMP", "laboratory_test", ["cbc", "metabolic_panel"]),
    ("Lab work: CBC, liver function tests and a TSH", "laboratory_test", ["cbc", "liver_function", "other"]),
    ("Renal function panel for ibuprofen use", "laboratory_test", ["renal_function"]),
    ("EKG", "laboratory_test", ["ekg"]),
    ("Hemoglobin A1c", "laboratory_test", ["other"]),
    ("Pre-op labs", "surgical_associated_service", None),
    ("Pre-operative EKG", "surgical_associated_service", None),
    ("Urine drug screen", "urine_drug_test", None),
    ("MRI of the right shoulder labrum", "imaging", None),
])
def test_laboratory_tests_outside_a_surgery(text: str, topic: str, tests: list[str] | None) -> None:
    parsed = parse_request(text)
    assert (parsed.topic, parsed.laboratory_tests) == (topic, tests)


@pytest.mark.parametrize("header", ["Associated surgical service: CBC", "Associated surgical service: EKG"])
def test_a_test_filed_with_a_surgery_is_pre_operative(header: str) -> None:
    case = read("Knee pain.", [_SURGERY, (header, "The request is for care around the surgery.")])
    request = case.requests[1]
    assert (request.topic, request.associated_service, request.associated_with) == (
        "surgical_associated_service", "preoperative_test", "item1")


@pytest.mark.parametrize("header, tests", [
    ("Associated surgical service: Pre-operative labs - CBC, CMP, PT/PTT", ["cbc", "metabolic_panel", "coagulation_studies"]),
    ("Associated surgical service: Pre-op EKG and chest x-ray", ["chest_x_ray", "ekg"]),
    ("Associated surgical service: Pre-operative labs", None),
    ("Associated surgical service: Pre-operative CBC and liver function tests", None),
])
def test_the_tests_of_a_pre_operative_request_are_read(header: str, tests: list[str] | None) -> None:
    case = read("Knee pain.", [_SURGERY, (header, "The request is for care around the surgery.")])
    assert case.requests[1].preoperative_tests == tests


def test_a_test_in_a_letter_without_a_surgery_is_not_pre_operative() -> None:
    case = read("Knee pain.", [("CBC and CMP", "The patient takes naproxen daily.")])
    request = case.requests[0]
    assert (request.topic, request.associated_service, request.laboratory_tests) == (
        "laboratory_test", None, ["cbc", "metabolic_panel"])


@pytest.mark.parametrize("text, topic, study, region", [
    ("MR arthrogram of the right shoulder", "imaging", "mr_arthrogram", "shoulder"),
    ("MRA left hip", "imaging", "mr_arthrogram", "hip_pelvis"),
    ("MRI arthrogram of the right wrist", "imaging", "mr_arthrogram", "forearm_wrist_hand"),
    ("MRI of the right shoulder", "imaging", "mri", "shoulder"),
    ("CT of the abdomen and pelvis", "imaging", "ct", "abdomen"),
    ("CT scan abdomen/pelvis", "imaging", "ct", "abdomen"),
    ("X-ray of the hip and pelvis", "imaging", "x_ray", "hip_pelvis"),
    ("MRI of the pelvis", "imaging", "mri", "hip_pelvis"),
    ("EEG", "head_study", "eeg", None),
    ("Videonystagmography (VNG)", "head_study", "vestibular_test", None),
    ("Vestibular function testing", "head_study", "vestibular_test", None),
])
def test_arthrograms_abdomen_and_head_studies(text: str, topic: str, study: str, region: str | None) -> None:
    parsed = parse_request(text)
    assert (parsed.topic, parsed.study, parsed.body_region) == (topic, study, region)


def test_hearing_aids_are_equipment() -> None:
    parsed = parse_request("Bilateral hearing aids")
    assert (parsed.topic, parsed.equipment) == ("durable_medical_equipment", "hearing_aid")


def test_therapy_without_a_surgery_is_not_an_associated_service() -> None:
    case = read("Knee pain.", [("Physical therapy 2 times a week for 6 weeks", "Knee pain.")])
    assert case.requests[0].associated_with is None and case.requests[0].associated_service is None


@pytest.mark.parametrize("name, sentence, expected", [
    ("insomnia", "She reports difficulty falling asleep because of the pain.", True),
    ("insomnia", "He denies sleep disturbance.", False),
    ("insomnia", "Sleep hygiene was discussed.", None),
    ("depression", "He was diagnosed with major depressive disorder.", True),
    ("depression", "She denies depression.", False),
    ("depression", "Shoulder depression test was positive.", None),
    ("depression", "She takes an antidepressant for pain.", None),
    ("calcifying_tendinitis", "An x-ray showed calcific tendinitis of the supraspinatus.", True),
    ("calcifying_tendinitis", "Radiographs showed no calcium deposits in the rotator cuff.", False),
    ("activity_limitation", "The pain limits her ability to perform household chores.", True),
    ("activity_limitation", "He has difficulty with activities of daily living.", True),
    ("activity_limitation", "There is limited range of motion of the knee.", None),
    ("surgical_lesion_on_imaging", "An MRI of the right shoulder showed a full-thickness rotator cuff tear.", True),
    ("surgical_lesion_on_imaging", "The lumbar MRI revealed a disc herniation at L5-S1 compressing the S1 root.", True),
    ("surgical_lesion_on_imaging", "The MRI revealed no evidence of a labral tear.", False),
    ("surgical_lesion_on_imaging", "The cervical MRI showed an annular tear at C5-C6.", None),
    ("surgical_lesion_on_imaging", "An MRI is requested to rule out a meniscal tear.", None),
    ("nsaid_use", "Current medications include naproxen and omeprazole.", True),
    ("nsaid_use", "She is not taking any NSAIDs.", False),
    ("nsaid_use", "He uses a topical diclofenac gel.", None),
    ("nsaid_use", "She stopped taking ibuprofen last year.", False),
    # a list of current medications that names its drugs and holds no NSAID: none is taken
    ("nsaid_use", "Current medications include Norco and Soma.", False),
    ("nsaid_use", "Current medications include Norco and other medications.", None),
    # so is the inventory of care naming its drugs, unless it leaves them as "medications"
    ("nsaid_use", "Treatment to date has included Norco and a home exercise program.", False),
    ("nsaid_use", "Treatment to date has included medications and a home exercise program.", None),
    # a sentence with a list of medications and an inventory reads the list of medications
    ("nsaid_use", "Treatment has included rest and medications including Norco and Soma.", False),
    ("nsaid_dyspepsia", "She reports dyspepsia with naproxen.", True),
    ("nsaid_dyspepsia", "He denies gastrointestinal upset with ibuprofen.", False),
    ("nsaid_dyspepsia", "She has heartburn.", None),
    # "on" ties the symptom to the NSAID only when the drug follows it closely
    ("nsaid_dyspepsia", "She developed stomach upset on meloxicam.", True),
    ("nsaid_dyspepsia", "Heartburn is aggravated by ibuprofen.", True),
    ("nsaid_dyspepsia", "Reflux is controlled on omeprazole; he has been taking naproxen for a year.", None),
    # the guideline's GI risk factors are an ulcer, bleeding or perforation, aspirin, steroids or anticoagulants with
    # the NSAID, age and high doses; a symptom history is not one of them (it counts as dyspepsia from the NSAID)
    ("gi_risk_factors", "Past medical history of GERD.", None),
    ("gi_risk_factors", "She has chronic gastritis and takes naproxen.", None),
    ("gi_risk_factors", "History of a bleeding duodenal ulcer.", True),
    ("opioid_use", "Her current medications included Norco.", True),
    ("opioid_use", "There is no documentation that the patient is taking opioid medications.", False),
    ("opioid_misuse_risk", "The patient was assessed as low risk for opioid misuse.", "low"),
    ("opioid_misuse_risk", "The opioid risk tool placed him at high risk.", "high"),
    ("opioid_misuse_risk", "She is at high risk of falls.", None),
    ("first_line_neuropathic_trial", "She has tried gabapentin and amitriptyline without relief.", True),
    ("first_line_neuropathic_trial", "There is no documentation of a trial of first-line therapy.", False),
    ("first_line_neuropathic_trial", "He uses a cream with gabapentin 10%.", None),
])
def test_medication_and_condition_phrasings(name: str, sentence: str, expected: Any) -> None:
    assert clinical(sentence, name) == expected


def test_an_opioid_requested_is_opioid_use() -> None:
    case = read("Low back pain.", [("Urine drug screen", "Low back pain."), ("Norco 10/325mg #60", "Back pain.")])
    assert case.clinical.opioid_use is True


@pytest.mark.parametrize("summary, expected", [
    ("He has been taking cyclobenzaprine since March 2016.", True),
    ("She is currently taking cyclobenzaprine at night.", True),
    ("Cyclobenzaprine was prescribed on 10/01/2016 for spasm.", True),
    ("Cyclobenzaprine was first prescribed at this visit.", False),
    ("The note framed cyclobenzaprine as a first-time prescription.", False),
    ("The physician recommended cyclobenzaprine.", None),
])
def test_first_prescription_or_continuing_use(summary: str, expected: bool | None) -> None:
    case = read(summary, [("Cyclobenzaprine 7.5mg #60", "The patient has neck spasm.")])
    assert case.requests[0].history.prior_treatment is expected


@pytest.mark.parametrize("sentence, expected", [
    ("The treatment plan set short- and long-term goals for the TENS unit.", True),
    ("There is no treatment plan with specific short and long-term goals for the TENS unit.", False),
    ("The patient has used a TENS unit at home.", None),
])
def test_treatment_plan_with_goals(sentence: str, expected: bool | None) -> None:
    case = read("Low back pain.", [("TENS unit, one month trial", sentence)])
    assert case.requests[0].treatment_plan_with_goals is expected


@pytest.mark.parametrize("summary, request_header, expected", [
    # The summary's inventory of care leaves the requested therapy out: it has not been given.
    ("Treatment to date has included medications, a back brace and chiropractic care.",
     "Physical therapy 2 times a week for 3 weeks", False),
    ("Treatments to date include medications and activity modification.", "Acupuncture 6 sessions", False),
    # The inventory names it, or names care that could include it.
    ("Treatment to date has included physical therapy, rest and medications.",
     "Physical therapy 2 times a week for 3 weeks", True),
    ("Treatment to date has included medications and therapy.", "Physical therapy 2 times a week for 3 weeks", None),
    ("Treatment to date has included conservative care.", "Acupuncture 6 sessions", None),
    # Drugs hide behind "medications": a list cannot rule one out.
    ("Treatment to date has included chiropractic care and medications.", "Cyclobenzaprine 7.5mg #60", None),
    # A therapy is named by its kind even when the request also names a drug.
    ("Treatment to date has included acupuncture and medications.", "Acupuncture 6 visits with capsaicin patch",
     True),
])
def test_a_therapy_left_out_of_the_treatment_inventory(summary: str, request_header: str,
                                                       expected: bool | None) -> None:
    case = read(summary, [(request_header, "Low back pain.")])
    assert case.requests[0].history.prior_treatment is expected


def test_a_missing_response_to_a_treatment_is_not_a_missing_treatment() -> None:
    case = read("Low back pain.", [("Acupuncture 6 sessions", "There is no documentation of the patient's "
                                    "response to the prior course of acupuncture.")])
    assert case.requests[0].history.prior_treatment is not False


@pytest.mark.parametrize("header, expected", [
    ("Diazepam 5mg take 1 tab 1 hour before the exam, may repeat dose once", None),
    ("Tramadol 50mg every 6 hours as needed, 1 tab after the first dose wears off", None),
    ("Initial trial of cyclobenzaprine 7.5mg #30", False),
    ("Repeat cyclobenzaprine 7.5mg #60", True),
    # the refills a prescription allows are not a course continued
    ("Diclofenac gel 1% apply four times a day, #100 grams with 2 refills", None),
    ("Lidocaine 5% patch #30, refills: 1", None),
    ("Refill of cyclobenzaprine 7.5mg #60", True),
])
def test_repeat_in_a_dosing_instruction_is_not_a_repeated_course(header: str, expected: bool | None) -> None:
    case = read("Low back pain.", [(header, "The patient has low back pain.")])
    assert case.requests[0].history.prior_treatment is expected


@pytest.mark.parametrize("sentence, expected", [
    ("There is no review of the CURES database in the records.", NOT_DOCUMENTED),
    ("A CURES report dated 01/02/2017 was consistent.", True),
])
def test_a_missing_review_is_a_missing_assessment(sentence: str, expected: bool) -> None:
    case = read("Low back pain.", [("Norco 10/325mg #60", sentence)])
    assert fact(case, "requests[0].opioid_monitoring.cures_report") is expected


def test_the_remaining_part_of_a_combined_study_is_the_study_under_review() -> None:
    header = ("EMG/NCS of the left upper extremity was the original request. NCS of the left upper extremity was "
              "authorized by the Claims Administrator. The remaining IMR eligible portion of the original request, "
              "EMG of the left upper extremity is")
    case = read("Numbness in the left hand.", [(header, "Left hand numbness.")])
    assert case.requests[0].study == "emg" and case.requests[0].body_region == "upper_extremity"

@pytest.mark.parametrize("sentence, expected", [
    ("She is to remain non-weight bearing on the left foot for six weeks.", True),
    ("The patient is bed bound and at risk of pressure sores.", True),
    ("The records give no medical reason for the hospital bed.", False),
    ("The patient lives in a two-story house.", None),
])
def test_equipment_medical_need(sentence: str, expected: bool | None) -> None:
    case = read("Left ankle fracture.", [("Hospital bed rental", sentence)])
    assert case.requests[0].equipment_medical_need is expected


@pytest.mark.parametrize("sentence, facts", [
    ("His home exercise program has not been effective despite two revisions.", {"home_exercise_failed": True}),
    ("The notes do not describe a home program that was tried and failed.", {"home_exercise_failed": NOT_DOCUMENTED}),
    # the result as a record gives it, the program's other names, and the program still helping
    ("Per the notes, HEP: minimal benefit.", {"home_exercise_failed": True}),
    ("Her home-based exercise program does not help the knee pain.", {"home_exercise_failed": True}),
    ("Progress with her independent program has stopped.", {"home_exercise_failed": True}),
    ("The home exercise program still helps her pain.", {"home_exercise_failed": None}),
    ("The exercises need weight equipment he does not own.", {"exercise_equipment_needed": True}),
    ("The treating physician does not explain why any equipment is needed.", {"exercise_equipment_needed": False}),
    ("His workouts are monitored by a physical therapist.", {"medically_supervised": True}),
])
def test_gym_membership_facts(sentence: str, facts: dict[str, bool]) -> None:
    case = read("Knee pain.", [("Gym membership for six months", sentence)])
    request = case.requests[0]
    assert request.topic == "gym_membership"
    for name, value in facts.items():
        found = fact(case, "clinical.home_exercise_failed" if name == "home_exercise_failed" else f"requests[0].{name}")
        assert found is value, (name, found)


def test_a_goal_is_not_a_result() -> None:
    case = read("Low back pain.", [(OPIOID_ITEM, "The treating physician set goals aimed at a decreased use of opioids.")])
    assert case.requests[0].history.functional_improvement.dependence_reduced is None


def test_a_list_of_what_the_record_lacks_runs_past_as_well_as() -> None:
    case = read("Low back pain.", [("Acupuncture 6 sessions", "There is a lack of documentation of a decrease in pain "
                                    "as well as an increase in function from the prior acupuncture.")])
    assert fact(case, "requests[0].history.functional_improvement.demonstrated") is NOT_DOCUMENTED


@pytest.mark.parametrize("rationale, expected", [
    # the requested injections are the request, not an earlier course
    ("There is no documentation that the patient failed physical therapy prior to the requested injection.", None),
    ("The patient had a prior epidural injection with good relief.", True),
])
def test_the_requested_treatment_is_not_its_history(rationale: str, expected: bool | None) -> None:
    case = read("Low back pain.", [("Lumbar epidural steroid injection at L4-L5", rationale)])
    assert case.requests[0].history.prior_treatment is expected


@pytest.mark.parametrize("summary, expected", [
    # "continuation" carries to its own item of a plan's list, not to the new items after it
    ("The plan included continuation of medications, acupuncture and a TENS trial.", None),
    ("The treatment plan included continuation of acupuncture at the same frequency.", True),
])
def test_a_plan_to_continue_one_item(summary: str, expected: bool | None) -> None:
    case = read(summary, [("Acupuncture 6 sessions", "The patient has low back pain.")])
    assert case.requests[0].history.prior_treatment is expected


@pytest.mark.parametrize("summary, surgery, day", [
    ("The patient is status post left carpal tunnel release on 09/14/2016.", "carpal_tunnel_release", dt.date(2016, 9, 14)),
    ("She underwent an ORIF of the left distal radius on 8-3-2016 and has wrist stiffness.", "wrist_fracture_fixation",
     dt.date(2016, 8, 3)),
    ("On 07/22/2016, he underwent a right knee arthroscopy with partial medial meniscectomy.", "knee_meniscectomy",
     dt.date(2016, 7, 22)),
    ("He is s/p L4-L5 posterior interbody fusion and reports ongoing back pain.", "lumbar_fusion", None),
    ("The worker had undergone a right total knee arthroplasty.", "knee_arthroplasty", None),
    ("Records note an open reduction and internal fixation of the right ankle on 5/10/2016.", "ankle_fracture_fixation",
     dt.date(2016, 5, 10)),
    ("She is status post right shoulder arthroscopic rotator cuff repair on 06/01/2016.", "rotator_cuff_repair",
     dt.date(2016, 6, 1)),
    # a later dated surgery is the one therapy now follows
    ("He underwent a left trigger finger release on 01/04/2016. He is status post left carpal tunnel release on "
     "10/20/2016.", "carpal_tunnel_release", dt.date(2016, 10, 20)),
    # a surgery requested, or denied, has not been done
    ("The physician requested authorization for a right carpal tunnel release on 12/01/2016.", None, None),
    ("There is no history of knee arthroscopy.", None, None),
    # two different undated surgeries leave it undocumented
    ("He is status post lumbar discectomy. He also underwent a right carpal tunnel release.", None, None),
])
def test_surgery_already_done(summary: str, surgery: str | None, day: dt.date | None) -> None:
    facts = read(summary).clinical
    assert facts.surgery_performed == surgery
    assert facts.surgery_date == day


@pytest.mark.parametrize("name, sentence, expected", [
    ("cervical_dystonia", "She was diagnosed with cervical dystonia with sustained head turning to the left.", True),
    ("cervical_dystonia", "He has spasmodic torticollis.", True),
    ("cervical_dystonia", "There is no evidence of cervical dystonia on examination.", False),
    ("cervical_dystonia", "He reports chronic neck pain and stiffness.", None),
    ("vitamin_b12_deficiency", "Laboratory testing showed a low vitamin B12 level.", True),
    ("vitamin_b12_deficiency", "She has a documented B12 deficiency from gastric bypass.", True),
    ("vitamin_b12_deficiency", "There is no documentation of a vitamin B12 deficiency.", NOT_DOCUMENTED),
    ("vitamin_b12_deficiency", "She receives vitamin injections for energy.", None),
    ("sleep_disorder_signs", "His wife reports loud snoring with witnessed apneas at night.", True),
    ("sleep_disorder_signs", "The physician suspects obstructive sleep apnea.", True),
    ("sleep_disorder_signs", "She describes excessive daytime sleepiness.", True),
    ("sleep_disorder_signs", "There was no report of daytime somnolence, cataplexy or sleep apnea.", NOT_DOCUMENTED),
    ("sleep_disorder_signs", "He has difficulty falling asleep because of pain.", None),
])
def test_botulinum_vitamin_and_sleep_study_facts(name: str, sentence: str, expected: Any) -> None:
    assert clinical(sentence, name) == expected


@pytest.mark.parametrize("text, topic, injection_type, is_evaluation", [
    ("Botox injection 200 units to the cervical paraspinal muscles", "injection", "botulinum_toxin", None),
    ("Botulinum toxin trigger point injections", "injection", "botulinum_toxin", None),
    ("Toradol 60 mg IM", "injection", "ketorolac", None),
    ("Ketorolac injection", "injection", "ketorolac", None),
    ("Toradol 10 mg #20", "nsaid", None, None),
    ("Vitamin B12 injection", "injection", "vitamin_b12", None),
    ("Polysomnography", "sleep_study", None, None),
    ("Sleep study", "sleep_study", None, None),
    ("Psychological evaluation", "psychological_treatment", None, True),
    ("Psych consultation and testing", "psychological_treatment", None, True),
    ("Psychotherapy 6 sessions", "psychological_treatment", None, False),
    ("Psychological evaluation and treatment", "psychological_treatment", None, None),
])
def test_botox_ketorolac_b12_sleep_study_and_psychological_evaluation_requests(
        text: str, topic: str, injection_type: str | None, is_evaluation: bool | None) -> None:
    parsed = parse_request(text)
    assert (parsed.topic, parsed.injection_type, parsed.is_evaluation) == (topic, injection_type, is_evaluation)


@pytest.mark.parametrize("header, topic", [
    ("Chiro 2 times a week for 4 weeks for the lumbar spine", "chiropractic"),
    ("Chirophysio therapy 2 times a week for 4 weeks", "chiropractic"),
    ("Chiropractic physiotherapy twice weekly for 5 weeks", "chiropractic"),
    ("Manipulation with modalities 2 times a week for 3 weeks for the neck", "chiropractic"),
    ("Manual therapy 6 sessions", "chiropractic"),
    ("CMT 6 visits", "chiropractic"),
    ("Spinal adjustment 6 visits", "chiropractic"),
    ("Osteopathic manipulative treatment 4 visits", "chiropractic"),
    ("PT/OT 2 times a week for 6 weeks for the right hand", "physical_therapy"),
    ("Occupational therapy 8 visits", "physical_therapy"),
    ("Physio 2 times a week for 3 weeks", "physical_therapy"),
    ("Aquatic therapy 2 times a week for 6 weeks", "physical_therapy"),
    ("Work hardening 10 sessions", "work_conditioning"),
    # chiropractic care with modalities or massage is chiropractic care; massage alone is massage
    ("Chiropractic treatment with EMS and massage 2 times a week for 3 weeks", "chiropractic"),
    ("Massage therapy 6 sessions", "massage"),
])
def test_physical_medicine_under_every_name(header: str, topic: str) -> None:
    assert read("Low back pain.", [(header, "The patient has low back pain.")]).requests[0].topic == topic


@pytest.mark.parametrize("summary, header, given, completed", [
    # the inventory and the count of visits name the therapy as the request does, or by another of its names
    ("Treatment to date has included medications and chiro.", "Chiropractic 2 times a week for 3 weeks", True, None),
    ("Treatment to date has included medications and spinal adjustments.", "Chiropractic 2 times a week for 3 weeks",
     True, None),
    ("Treatment to date has included medications and manual therapy.", "Manual therapy 2 times a week for 3 weeks",
     True, None),
    ("She has completed 12 sessions of chirophysio to date.", "Chirophysio 2 times a week for 3 weeks", True, 12),
    ("Treatment to date has included medications and aquatic therapy.", "Aquatic therapy 2 times a week for 3 weeks",
     True, None),
    # another therapy is not this one
    ("Treatment to date has included medications and acupuncture.", "Chiropractic 2 times a week for 3 weeks",
     False, None),
])
def test_a_physical_medicine_history_under_its_other_names(summary: str, header: str, given: bool,
                                                           completed: int | None) -> None:
    history = read(summary, [(header, "The patient has low back pain.")]).requests[0].history
    assert (history.prior_treatment, history.sessions_completed) == (given, completed)


@pytest.mark.parametrize("summary, rationale, expected", [
    # "functional objective improvement" is the same as "objective functional improvement"
    ("Treatment to date has included medications and 8 chiropractic treatments (without documentation of "
     "functional objective improvement).", "The patient has low back pain.", "not_documented"),
    ("After 8 chiropractic visits she showed objective functional improvement and now sits through her shift.",
     "The patient has low back pain.", True),
    # improvement the record does not measure is not the MTUS's functional improvement
    ("He has had 8 chiropractic visits.", "Functional improvement from the chiropractic care was not quantified.",
     "not_documented"),
    ("He has had 8 chiropractic visits.", "The prior chiropractic visits gave only subjective improvement.", False),
    # a therapy's stated aim is the guideline's, not a result in this patient
    ("He has had 8 chiropractic visits.", "The intended goal or effect of manual medicine is measurable gains in "
     "functional improvement that let the patient's exercise program progress.", None),
])
def test_functional_improvement_from_manipulation(summary: str, rationale: str, expected: bool | str | None) -> None:
    case = read(summary, [("Additional chiropractic 2 times a week for 3 weeks for the low back", rationale)])
    path = "requests[0].history.functional_improvement.demonstrated"
    if expected == "not_documented":
        # the letter says the record lacks it: no value, listed apart from silence
        assert case.requests[0].history.functional_improvement.demonstrated is None
        assert path in case.not_documented
        return
    assert case.requests[0].history.functional_improvement.demonstrated is expected
    assert case.clinical.exercise_program is None


@pytest.mark.parametrize("summary, expected", [
    # a red flag is read from the finding that makes it, not only from the label
    ("Two days after the fall he could not bear weight on the left leg.", True),
    # episodes of locking are a mechanical symptom, and one finding denied is not every red flag denied
    ("The left knee has been locking and giving way since the injury.", None),
    ("The surgeon suspected a septic joint.", True),
    ("She denies locking or giving way of the knee.", None),
    ("The tibial fracture was fixed with a locking plate in 2015.", None),
])
def test_red_flags_from_the_findings(summary: str, expected: bool | None) -> None:
    case = read(summary, [("MRI of the left knee without contrast", "The patient has knee pain.")])
    assert case.clinical.red_flags is expected


# --- a drug started now or continued, read as a reviewer reads it (issue 12) ---------------------------------
@pytest.mark.parametrize("summary, request_text, expected", [
    # on the current medication list, or refilled, or taken now: continued
    ("Current medications include gabapentin 300 mg and Norco.", "Gabapentin 300mg #90", True),
    ("She asked for a refill of gabapentin at the visit.", "Gabapentin 300mg #90", True),
    ("The patient is on gabapentin three times a day.", "Gabapentin 300mg #90", True),
    # absent from a list of current medications that names its drugs: a new start
    ("Current medications include Norco and Soma.", "Gabapentin 300mg #90", False),
    # another drug of the class on the list: a switch or an addition within the class, not a first course
    ("Current medications include Norco and Lyrica.", "Gabapentin 300mg #90", None),
    # ... and for a class whose criteria are for the class taken (rules/topics.yaml in_use_words), the class continued
    ("Current medications include Mobic and Ambien.", "Diclofenac sodium 75mg #60", True),
    ("He is taking Norco twice a day.", "Tramadol 50mg #60", True),
    ("Treatment has included baclofen and ibuprofen.", "Tizanidine 4mg #30", True),
    ("Prior medications: baclofen and ibuprofen.", "Tizanidine 4mg #30", None),
    # a drug in the request only is no evidence of use, whatever the list's words
    ("The requested medications include Norco and Soma.", "Norco 10/325mg #60", None),
    ("The requested medications include Norco and Soma.", "Tramadol 50mg #60", None),
    # a list left open, or of kinds of product, rules nothing out
    ("Current medications include Norco, Soma and other medications.", "Gabapentin 300mg #90", None),
    ("Current medications include Norco and topical creams.", "Lidoderm 5% patch #30", None),
    # a list that names no drug of the lexicon is not a medication list
    ("Current medications include pain pills.", "Gabapentin 300mg #90", None),
    # a trial or a start: new
    ("The physician prescribed a trial of gabapentin for the burning leg pain.", "Gabapentin 300mg #90", False),
    ("The plan was to start gabapentin for the radicular pain.", "Gabapentin 300mg #90", False),
    # uncertain: neither
    ("It is unclear whether gabapentin was started before this visit.", "Gabapentin 300mg #90", None),
    # the words of continued use belong to the item they stand before
    ("The plan consisted of continued use of medication, gabapentin and a home exercise program.",
     "Gabapentin 300mg #90", None),
    # continued use denied by the record's silence is not a new start
    ("There is no documentation of benefit to support the ongoing use of gabapentin.", "Gabapentin 300mg #90", None),
    # a drug relied on, under a brand name of the requested generic: continued
    ("After the fall he was depending on Percocet to get through the day.", "Oxycodone 10mg #60", True),
    # a trial with the drug is a trial of it; none documented says neither
    ("This is a request for a trial with Lidoderm on the left thigh.", "Lidoderm 5% patch #30", False),
    ("There is no documentation of a trial with Lidoderm.", "Lidoderm 5% patch #30", None),
    # the record says no medications are taken, none excepted: whatever is requested starts now
    ("At this visit, she was noted to not be utilizing any medications.", "Gabapentin 300mg #90", False),
    ("She is not taking any medications other than Norco.", "Gabapentin 300mg #90", None),
    ("He is not taking any medications.", "Gabapentin 300mg #90", False),
    # taken now, or the relief it gives: continued; a relief hoped for, or another drug's use, says nothing
    ("He takes gabapentin at bedtime for the burning pain.", "Gabapentin 300mg #90", True),
    ("She was still using gabapentin at night.", "Gabapentin 300mg #90", True),
    ("Gabapentin provides 40% relief of the leg pain.", "Gabapentin 300mg #90", True),
    ("He notes some relief with gabapentin.", "Gabapentin 300mg #90", True),
    ("Gabapentin would be helpful for the burning pain.", "Gabapentin 300mg #90", None),
    ("He takes Norco and gabapentin was discussed.", "Gabapentin 300mg #90", None),
    # a list "Medications: A, B" is a medication list, one of past drugs is not
    ("Medications: Norco, gabapentin.", "Gabapentin 300mg #90", True),
    ("Medications: Norco, Soma.", "Gabapentin 300mg #90", False),
    ("Prior medications: Norco, Soma.", "Gabapentin 300mg #90", None),
    # a start recommended is a new start
    ("The physician recommended starting gabapentin.", "Gabapentin 300mg #90", False),
    # the inventory of care naming its drugs one by one is a list of the drugs taken
    ("Treatment to date has included Norco and physical therapy.", "Gabapentin 300mg #90", False),
    ("Treatment to date has included Norco, gabapentin and physical therapy.", "Gabapentin 300mg #90", True),
    ("So far her treatment has included medications and therapy.", "Gabapentin 300mg #90", None),
])
def test_new_start_or_continuation_of_a_drug(summary: str, request_text: str, expected: bool | None) -> None:
    case = read(summary, [(request_text, "The patient has radiating leg pain.")])
    assert case.requests[0].history.prior_treatment is expected


@pytest.mark.parametrize("summary, request_text, prior, weeks", [
    # the classes the guideline limits to a short course: the class taken before is the drug continued
    ("She has been taking muscle relaxants for 2 months.", "Cyclobenzaprine 7.5mg #60", True, 8.7),
    ("He has been using sleeping pills for 6 months.", "Ambien 10mg #30", True, 26.0),
    ("He remains on hypnotics, for at least three weeks so far.", "Ambien 10mg #30", True, 3.0),
    ("She has been taking benzodiazepines for 5 months.", "Diazepam 5mg #30", True, 21.7),
    ("She has been taking Xanax for 5 months.", "Diazepam 5mg #30", True, 21.7),
    # the class named without its use says nothing
    ("Muscle relaxants were discussed at the visit.", "Cyclobenzaprine 7.5mg #60", None, None),
])
def test_short_course_class_taken_before(summary: str, request_text: str, prior: bool | None,
                                         weeks: float | None) -> None:
    case = read(summary, [(request_text, "The patient has low back pain.")])
    history = case.requests[0].history
    assert history.prior_treatment is prior
    assert history.weeks_on_treatment == weeks


@pytest.mark.parametrize("summary, start", [
    # the inventory of care dates the drug it names, "since at least" as "since"
    ("Her treatment has included Norco since at least 03-02-2016.", dt.date(2016, 3, 2)),
    ("She has been taking Norco since 03/2016.", dt.date(2016, 3, 1)),
    # a date given to another drug of the sentence is not this drug's
    ("He has been taking ibuprofen since 2015 and was given Norco on 11/20/2016.", None),
    # another drug of the class dates the class taken
    ("He has been taking Percocet since 03/2016.", dt.date(2016, 3, 1)),
])
def test_drug_start_date_is_the_named_drug_s(summary: str, start: dt.date | None) -> None:
    case = read(summary, [("Norco 10/325mg #60", "The patient has low back pain.")])
    assert case.requests[0].history.start_date == start


@pytest.mark.parametrize("summary, prior, weeks", [
    # the class taken as chronic treatment is the requested opioid continued, with its duration
    ("He remains on chronic opioid treatment, for at least six months so far.", True, 26.0),
    ("He has been taking opioids for 2 years for the back pain.", True, 104.0),
    # a non-opioid is not the class
    ("He has been taking non-opioid analgesics for 2 months.", None, None),
])
def test_opioid_class_use_is_continued_treatment(summary: str, prior: bool | None, weeks: float | None) -> None:
    case = read(summary, [("Tramadol 50mg #60", "The patient has low back pain.")])
    history = case.requests[0].history
    assert history.prior_treatment is prior
    assert history.weeks_on_treatment == weeks


@pytest.mark.parametrize("text, expected", [
    ("Oxycodone HCL ER 20mg #60", True),
    ("OxyContin 20mg #60", True),
    ("Tramadol extended-release 100mg #30", True),
    ("Butrans 10mcg/hr patch #4", True),
    ("Norco 10/325mg #60", False),
    ("Percocet 5/325mg #20", False),
])
def test_extended_release_read_from_the_product_name(text: str, expected: bool) -> None:
    assert parse_request(text).drug.is_extended_release is expected


@pytest.mark.parametrize("words, study", [("CAT scan of the lumbar spine", "ct"), ("MR imaging of the knee", "mri"),
                                          ("radiographic series of the hip", "x_ray")])
def test_an_earlier_imaging_study_is_named_as_a_request_names_it(words: str, study: str) -> None:
    from imr_check.reader import clinical
    from imr_check.reader.classify import parse_request

    assert parse_request(words).study == study
    assert clinical._study_pattern(study).search(words)
    assert clinical._study_pattern("eeg") is None  # no earlier study is read for a study outside the list
