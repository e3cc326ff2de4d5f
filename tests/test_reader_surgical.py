"""The reader on the surgical facts and on the chain: a letter written for these tests (issue 11)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from imr_check.facts import request_facts
from imr_check.reader import read_letter_text
from imr_check.reader.classify import parse_request, preoperative_tests
from imr_check.reader.clinical import Facts
from imr_check.reader.surgical import (read_body_mass_index, read_comorbidities, read_dated_traumas,
                                       read_shoulder_abduction)
from imr_check.reader.text import Sentence

from reader_support import front_matter, read_synthetic

HEADER = front_matter("CM99-0000011", reviewer=("California", "Orthopedic Surgery")) + """\
The injured worker is a 58 year old male who hurt his right shoulder lifting a crate on 05-04-2015.
He has diabetes and hypertension, with no history of heart disease. His BMI is 31.5.
There was tenderness over the AC joint. Right shoulder abduction was limited to 100 degrees.
The MRI showed a partial-thickness tear of the supraspinatus and acromioclavicular joint arthrosis.
He has low back pain as well. On 02-10-2017, utilization review denied the requests.
IMR ISSUES, DECISIONS AND RATIONALES
The Final Determination was based on decisions for the disputed items/services set forth below:
Right shoulder arthroscopy with subacromial decompression and Mumford procedure: Upheld
Claims Administrator guideline: Decision based on MTUS Shoulder Complaints 2004.
MAXIMUS guideline: Decision based on MTUS Shoulder Complaints 2004, Section(s): Surgical
Considerations.
Decision rationale: He has had a cortisone injection. The request is not supported.
Chest x-ray: Upheld
Claims Administrator guideline: Decision based on Non-MTUS Official Disability Guidelines.
MAXIMUS guideline: Decision based on Non-MTUS Official Disability Guidelines, Low Back Chapter.
Decision rationale: The surgery is not supported, so neither is this.
CBC, BMP and PT/INR: Upheld
Claims Administrator guideline: Decision based on Non-MTUS Official Disability Guidelines.
MAXIMUS guideline: Decision based on Non-MTUS Official Disability Guidelines, Low Back Chapter.
Decision rationale: The surgery is not supported, so neither is this.
Ultrasling: Upheld
Claims Administrator guideline: Decision based on Non-MTUS Official Disability Guidelines.
MAXIMUS guideline: Decision based on Non-MTUS Official Disability Guidelines, Shoulder Chapter.
Decision rationale: The surgery is not supported, so neither is this.
Physical therapy 12 sessions for the right shoulder: Upheld
Claims Administrator guideline: Decision based on MTUS Postsurgical Treatment Guidelines.
MAXIMUS guideline: Decision based on MTUS Postsurgical Treatment Guidelines, Shoulder.
Decision rationale: Therapy is requested to begin after the surgery. The request is not supported.
Norco 10/325mg #40: Upheld
Claims Administrator guideline: Decision based on MTUS Opioids 2016.
MAXIMUS guideline: Decision based on MTUS Opioids 2016.
Decision rationale: The injured worker is to take Norco for pain after the shoulder surgery. The request is not
supported.
MRI of the lumbar spine: Upheld
Claims Administrator guideline: Decision based on MTUS Low Back Complaints 2004.
MAXIMUS guideline: Decision based on MTUS Low Back Complaints 2004.
Decision rationale: There are no red flags. The request is not supported.
Naproxen 550mg #60: Upheld
Claims Administrator guideline: Decision based on MTUS Chronic Pain 2016.
MAXIMUS guideline: Decision based on MTUS Chronic Pain 2016.
Decision rationale: He has taken naproxen for a year. The request is not supported.
"""


@pytest.fixture(scope="module")
def case():
    return read_letter_text(HEADER, "synthetic-surgery.txt")


def test_every_peri_operative_item_is_tied_to_the_surgery_though_none_says_pre_op(case):
    links = {r.text: r.associated_with for r in case.requests}
    surgery = case.requests[0]
    assert surgery.topic == "surgery" and surgery.procedure == "subacromial_decompression"
    for text in ("Chest x-ray", "CBC, BMP and PT/INR", "Ultrasling", "Physical therapy 12 sessions for the right shoulder",
                 "Norco 10/325mg #40"):
        assert links[text] == surgery.id, text


def test_unrelated_items_of_a_surgical_letter_stay_unlinked(case):
    links = {r.text: r.associated_with for r in case.requests}
    assert links["MRI of the lumbar spine"] is None
    assert links["Naproxen 550mg #60"] is None


def test_a_linked_item_is_read_as_the_service_it_is(case):
    by_text = {r.text: r for r in case.requests}
    assert by_text["CBC, BMP and PT/INR"].preoperative_tests == ["cbc", "metabolic_panel", "coagulation_studies"]
    assert by_text["Chest x-ray"].preoperative_tests == ["chest_x_ray"]
    assert by_text["Ultrasling"].associated_service == "post_operative_equipment"
    therapy = by_text["Physical therapy 12 sessions for the right shoulder"]
    assert therapy.topic == "surgical_associated_service" and therapy.associated_service == "post_operative_therapy"
    assert by_text["Norco 10/325mg #40"].associated_service == "post_operative_medication"


def test_the_surgical_findings_are_read_with_evidence(case):
    assert case.clinical.full_thickness_tear is False
    assert case.clinical.acromioclavicular_joint_pathology is True
    assert case.clinical.shoulder_abduction_degrees == 100
    assert case.patient.body_mass_index == 31.5
    assert case.patient.comorbidities == ["diabetes", "hypertension"]
    assert "patient.comorbidities" in case.evidence and "clinical.full_thickness_tear" in case.evidence


@pytest.mark.parametrize(("text", "expected"), [
    ("Right inguinal herniorrhaphy", "hernia_repair"),
    ("Left shoulder arthroscopic distal clavicle resection", "distal_clavicle_resection"),
    ("Right shoulder DCR", "distal_clavicle_resection"),
    ("Left shoulder arthroscopic Bankart repair", "shoulder_stabilization"),
    ("Right shoulder arthroscopic anterior labral repair", "shoulder_stabilization"),
    ("MUA of the left shoulder", "shoulder_manipulation_under_anesthesia"),
    ("Right shoulder manipulation under anesthesia", "shoulder_manipulation_under_anesthesia"),
    ("Right knee arthroscopic chondroplasty", "knee_chondroplasty"),
    ("Left wrist de Quervain release", "de_quervain_release"),
    ("Right first dorsal compartment release", "de_quervain_release"),
    ("Left hip arthroscopy with labral repair", "hip_arthroscopy"),
    ("Left knee arthroscopy with partial medial meniscectomy and chondroplasty", "knee_meniscectomy"),
    ("Right total knee arthroplasty", "knee_arthroplasty"),
    ("Left trigger thumb release", "trigger_finger_release"),
])
def test_the_procedures_are_named_by_their_synonyms_and_abbreviations(text, expected):
    parsed = parse_request(text)
    assert parsed.topic == "surgery" and parsed.procedure == expected


def test_a_surgery_naming_no_region_is_on_its_procedures():
    letter = HEADER.replace("Right shoulder arthroscopy with subacromial decompression and Mumford procedure",
                            "Right de Quervain release")
    surgery = read_letter_text(letter, "synthetic-de-quervain.txt").requests[0]
    assert surgery.procedure == "de_quervain_release" and surgery.body_region == "forearm_wrist_hand"


def test_therapy_on_the_hip_is_tied_to_a_hip_arthroscopy_and_shoulder_therapy_is_not():
    letter = HEADER.replace("Right shoulder arthroscopy with subacromial decompression and Mumford procedure",
                            "Left hip arthroscopy with femoroacetabular osteoplasty")
    hip = letter.replace("Physical therapy 12 sessions for the right shoulder", "Physical therapy 12 sessions for the left hip")
    links = {r.text: r.associated_with for r in read_letter_text(hip, "synthetic-hip.txt").requests}
    assert links["Physical therapy 12 sessions for the left hip"] == "item1"
    links = {r.text: r.associated_with for r in read_letter_text(letter, "synthetic-hip2.txt").requests}
    assert links["Physical therapy 12 sessions for the right shoulder"] is None


def test_a_spinal_manipulation_under_anesthesia_is_not_a_shoulder_operation():
    assert parse_request("Lumbar spine manipulation under anesthesia").procedure != \
        "shoulder_manipulation_under_anesthesia"


def _sentences(*texts):
    return [Sentence(text, 0, "summary") for text in texts]


def test_numbers_are_read_on_both_sides_and_out_of_range_values_are_not():
    facts = Facts()
    read_body_mass_index(_sentences("Her body mass index is 41.", "A BMI of 300 was typed."), facts)
    assert facts.values["patient.body_mass_index"] == 41
    facts = Facts()
    read_body_mass_index(_sentences("A BMI of 300 was typed."), facts)
    assert "patient.body_mass_index" not in facts.values
    facts = Facts()
    read_shoulder_abduction(_sentences("Left shoulder abduction to 170 degrees, right 85 degrees of abduction.",
                                       "Hip abduction 20 degrees."), facts)
    assert facts.values["clinical.shoulder_abduction_degrees"] == 85


@pytest.mark.parametrize("text, expected", [
    ("She slipped and twisted the left knee on 11/10/2016.", [(dt.date(2016, 11, 10), ["knee"])]),
    ("On 01/30/2017 he fell from the loading dock.", [(dt.date(2017, 1, 30), [])]),
    # The original injury of a chronic claim is recorded too: how old a trauma is, is the fact layer's to judge.
    ("He fell from a ladder at work on 03/14/2011.", [(dt.date(2011, 3, 14), [])]),
    ("He denies any fall since 01/30/2017.", None),
    ("The fracture of 01/02/2017 has healed.", None),
])
def test_a_trauma_the_record_dates_is_recorded_whatever_its_age(text, expected):
    facts = Facts()
    read_dated_traumas(_sentences(text), facts)
    found = facts.values.get("clinical.dated_traumas")
    assert (None if found is None else [(t["date"], t["body_regions"]) for t in found]) == expected
    assert "clinical.acute_injury" not in facts.values


def test_a_day_dated_twice_is_one_trauma_for_every_region_when_one_sentence_names_none():
    facts = Facts()
    read_dated_traumas(_sentences("He twisted his right shoulder on 01/30/2017.", "He fell on 01/30/2017.",
                                  "She hurt her left wrist in a fall on 12/02/2016."), facts)
    assert facts.values["clinical.dated_traumas"] == [{"date": dt.date(2016, 12, 2), "body_regions": ["forearm_wrist_hand"]},
                                                       {"date": dt.date(2017, 1, 30), "body_regions": []}]
    assert len(facts.evidence["clinical.dated_traumas"]) == 3


def test_comorbidities_negated_are_not_read_and_a_clear_history_is_none():
    facts = Facts()
    read_comorbidities(_sentences("He denies diabetes, asthma or heart disease."), facts)
    assert "patient.comorbidities" not in facts.values
    facts = Facts()
    read_comorbidities(_sentences("She has no significant past medical history."), facts)
    assert facts.values["patient.comorbidities"] == []
    facts = Facts()
    read_comorbidities(_sentences("He has COPD and takes insulin for type 2 diabetes."), facts)
    assert facts.values["patient.comorbidities"] == ["pulmonary", "diabetes"]


def test_preoperative_tests_generic_labs_and_a_clearance_name_none():
    # "pre-op labs" names no test the pre-operative rules can judge
    assert preoperative_tests("Pre-op labs") is None
    assert preoperative_tests("Pre-op labs: CBC and urinalysis") == ["cbc", "urinalysis"]
    assert preoperative_tests("EKG") == ["ekg"]
    assert preoperative_tests("Pre-operative medical clearance") is None


def test_the_chain_follows_a_surgery_not_supported_and_names_it(case):
    from imr_check import evaluate_case

    result = evaluate_case(case)
    surgery = result.requests[0]
    assert surgery.determination in ("non_certify", "undetermined")
    for got in result.requests[1:6]:
        assert got.determination == surgery.determination, got.text
        assert got.reason.startswith(f"follows the surgery it belongs to ({surgery.request_id}:"), got.text


def test_a_drug_tied_to_a_planned_surgery_is_for_after_it_and_one_not_tied_is_not(case):
    import datetime as dt

    from imr_check.facts import request_facts

    facts = {r.text: request_facts(case, i, dt.date(2017, 2, 1)) for i, r in enumerate(case.requests)}
    assert facts["Norco 10/325mg #40"]["request.for_planned_surgery"] is True
    assert facts["Ultrasling"]["request.for_planned_surgery"] is True
    assert facts["Naproxen 550mg #60"]["request.for_planned_surgery"] is False


def test_a_consultation_for_clearance_is_the_surgery_s_and_a_plain_consultation_is_not():
    clearance = HEADER.replace("MRI of the lumbar spine: Upheld", "Internal medicine consultation for surgical clearance: Upheld")
    links = {r.text: (r.associated_with, r.associated_service) for r in read_letter_text(clearance, "c1.txt").requests}
    assert links["Internal medicine consultation for surgical clearance"] == ("item1", "preoperative_clearance")
    plain = HEADER.replace("MRI of the lumbar spine: Upheld", "Internal medicine consultation: Upheld")
    links = {r.text: r.associated_with for r in read_letter_text(plain, "c2.txt").requests}
    assert links["Internal medicine consultation"] is None


def test_home_nursing_after_the_operation_is_home_health_tied_to_it_and_plain_home_help_is_not():
    nursing = HEADER.replace("MRI of the lumbar spine: Upheld", "Post-op home health nursing for dressing changes: Upheld")
    by_text = {r.text: r for r in read_letter_text(nursing, "h1.txt").requests}
    visit = by_text["Post-op home health nursing for dressing changes"]
    assert (visit.topic, visit.associated_with, visit.home_health_services) == ("home_health", "item1", ["medical"])
    assert visit.procedure == by_text["Right shoulder arthroscopy with subacromial decompression and Mumford procedure"].procedure
    help_at_home = HEADER.replace("MRI of the lumbar spine: Upheld", "Homemaker services for cleaning, 6 hours a week: Upheld")
    by_text = {r.text: r for r in read_letter_text(help_at_home, "h2.txt").requests}
    assert by_text["Homemaker services for cleaning, 6 hours a week"].associated_with is None


def test_a_hospital_stay_in_a_surgical_letter_is_the_operation_s():
    stay = HEADER.replace("MRI of the lumbar spine: Upheld", "Inpatient stay x 2 days: Upheld")
    by_text = {r.text: r for r in read_letter_text(stay, "s1.txt").requests}
    assert (by_text["Inpatient stay x 2 days"].topic, by_text["Inpatient stay x 2 days"].associated_with) == \
        ("level_of_care", "item1")
    rehab = HEADER.replace("MRI of the lumbar spine: Upheld", "Partial hospitalization program for depression: Upheld")
    by_text = {r.text: r for r in read_letter_text(rehab, "s2.txt").requests}
    assert by_text["Partial hospitalization program for depression"].associated_with is None


# Issue 12: an acute injury belongs to its body region. One letter per request, the same summary sentence in each.
_KNEE = "Right knee arthroscopy with partial medial meniscectomy"
_WRIST = "Open reduction internal fixation of the left wrist"


def _acute_injury_for(summary: str, header: str) -> object:
    case = read_synthetic(summary, [(header, "The request is reviewed against the guideline.")])
    return request_facts(case, 0, dt.date(2017, 2, 10)).get("clinical.acute_injury")


@pytest.mark.parametrize("summary, header, expected", [
    ("Last week she fractured her left wrist when she fell in the parking lot.", _KNEE, None),
    ("Last week she fractured her left wrist when she fell in the parking lot.", _WRIST, True),
    ("She fell two weeks ago.", _KNEE, True),
    ("She fell two weeks ago.", _WRIST, True),
    # A dated trauma (surgical.read_dated_traumas, made an acute injury by the fact layer) keeps its sentence's region.
    ("On 01/30/2017 she fell in the parking lot and hurt her left wrist.", _KNEE, None),
    ("On 01/30/2017 she fell in the parking lot and hurt her left wrist.", _WRIST, True),
    ("On 01/30/2017 she fell in the parking lot.", _KNEE, True),
])
def test_an_acute_injury_holds_for_the_region_its_sentence_names_and_a_regionless_one_for_every_region(
        summary, header, expected):
    assert _acute_injury_for(summary, header) is expected


# A case fact read for requests (surgical_findings) is read once over every surgery's rationale: two surgeries on two
# regions, each rationale stating its own finding, keep both, whichever item comes first.
_KNEE_SURGERY = (_KNEE, "The examination confirms an acute tear. The request is reviewed against the guideline.")
_WRIST_SURGERY = (_WRIST, "She has a displaced fracture. The request is reviewed against the guideline.")


@pytest.mark.parametrize("items", [[_KNEE_SURGERY, _WRIST_SURGERY], [_WRIST_SURGERY, _KNEE_SURGERY]])
def test_two_surgeries_each_keep_the_acute_injury_their_own_rationale_states(items):
    case = read_synthetic("She has pain in the right knee and the left wrist.", items)
    assert case.clinical.acute_injury is True
    # A rationale's finding naming no region is its own item's.
    assert case.regional_facts["clinical.acute_injury"] == ["forearm_wrist_hand", "knee"]
    for index in range(2):
        assert request_facts(case, index, dt.date(2017, 2, 10)).get("clinical.acute_injury") is True


@pytest.mark.parametrize("items", [
    [(_KNEE, "On 01/30/2017 she fell at work. The request is reviewed against the guideline."), _WRIST_SURGERY],
    [_WRIST_SURGERY, (_KNEE, "On 01/30/2017 she fell at work. The request is reviewed against the guideline.")],
])
def test_a_dated_trauma_in_one_surgery_s_rationale_is_that_item_s_and_the_other_keeps_its_own_finding(items):
    case = read_synthetic("She has pain in the right knee and the left wrist.", items)
    assert case.regional_facts["clinical.acute_injury"] == ["forearm_wrist_hand"]
    knee = next(t for t in case.clinical.dated_traumas if t.date == dt.date(2017, 1, 30))
    assert knee.body_regions == ["knee"]
    for index in range(2):
        assert request_facts(case, index, dt.date(2017, 2, 10)).get("clinical.acute_injury") is True


_SHOULDER_SURGERY = ("Right shoulder arthroscopic rotator cuff repair",
                     "She has a full-thickness tear. The request is reviewed against the guideline.")
_KNEE_SILENT = (_KNEE, "The request is reviewed against the guideline.")


@pytest.mark.parametrize("items", [[_SHOULDER_SURGERY, _KNEE_SILENT], [_KNEE_SILENT, _SHOULDER_SURGERY]])
def test_one_surgery_s_rationale_outranks_the_summary_another_surgery_would_fall_back_on(items):
    case = read_synthetic("An earlier MRI was read as a partial-thickness tear of the supraspinatus.", items)
    assert case.clinical.full_thickness_tear is True
    assert [e.sentence for e in case.evidence["clinical.full_thickness_tear"]] == ["She has a full-thickness tear."]


def test_two_groups_reading_one_fact_pool_their_findings_and_count_a_sentence_once():
    from imr_check.reader.clinical import read_concept_lists
    from imr_check.reader.lexicon import Concept

    loose = [Concept("clinical.joint_instability", re.compile(r"instability|gives way", re.I))]
    strict = [Concept("clinical.joint_instability", re.compile(r"instability", re.I))]
    shared, denied = _sentences("The knee instability persists.", "There is no instability now.")
    rationale = Sentence("The knee gives way on stairs.", 0, "item 1 rationale")
    # A rationale's finding for one group outranks the summary another group reads, in either order.
    for readings in ([(loose, [(2, rationale)]), (strict, [(1, denied)])],
                     [(strict, [(1, denied)]), (loose, [(2, rationale)])]):
        facts = Facts()
        read_concept_lists(readings, facts)
        assert facts.values["clinical.joint_instability"] is True
        assert facts.evidence["clinical.joint_instability"] == [rationale]
    # The sentence both groups find is one vote against one: a tie, so no value.
    facts = Facts()
    read_concept_lists([(loose, [(1, shared)]), (strict, [(1, shared), (1, denied)])], facts)
    assert "clinical.joint_instability" not in facts.values


# Equipment and drugs for after an operation take their own kind's topic (rules/topics.yaml `yields_to`), tied to the
# surgery; a drug whose class has no topic (an antibiotic) stays a surgical service.
@pytest.mark.parametrize("header, expected", [
    ("Post-op cryotherapy unit, 7 day rental", ("durable_medical_equipment", "cold_therapy_unit", "post_operative_equipment")),
    ("Post-operative shoulder immobilizer", ("durable_medical_equipment", "brace", "post_operative_equipment")),
    ("Post-operative interferential unit, 30 day rental", ("tens", None, "post_operative_equipment")),
    ("Post-op cephalexin 500 mg #20", ("surgical_associated_service", None, "post_operative_medication")),
    ("Post-op Xarelto 10 mg daily for 14 days", ("surgical_associated_service", None, "post_operative_medication")),
    ("Post-operative Percocet 5/325 #30", ("opioid", None, "post_operative_medication")),
])
def test_post_operative_equipment_and_drugs_are_read_as_their_own_kind_tied_to_the_surgery(header, expected):
    letter = HEADER.replace("MRI of the lumbar spine: Upheld", f"{header}: Upheld")
    by_text = {r.text: r for r in read_letter_text(letter, "p1.txt").requests}
    item = by_text[header]
    assert (item.topic, item.equipment, item.associated_service) == expected
    assert (item.associated_with, item.procedure) == ("item1", "subacromial_decompression")


def test_post_operative_equipment_without_a_surgery_item_is_judged_as_equipment_on_the_surgery_already_done():
    from imr_check import evaluate_case

    summary = "The patient underwent a right knee arthroscopy with partial medial meniscectomy on 01/10/2017."
    case = read_synthetic(summary, [("Post-op cryotherapy unit, 7 day rental", "It is for the weeks after the knee surgery."),
                                    ("Post-op hinged knee brace", "The knee is swollen after the operation.")])
    cold, brace = case.requests
    assert (cold.topic, cold.equipment, cold.associated_with) == ("durable_medical_equipment", "cold_therapy_unit", None)
    assert (brace.topic, brace.equipment, brace.body_region) == ("durable_medical_equipment", "brace", "knee")
    cold_result, brace_result = evaluate_case(case).requests
    assert cold_result.determination == "certify"
    assert {c.rule_id: c.status for c in cold_result.criteria}["dme.cold_therapy_after_surgery"] == "met"
    assert brace_result.determination == "undetermined"
    assert brace_result.reason.endswith("Braces after surgery, or for after a surgery requested with them")


def test_a_tens_unit_for_after_the_operation_is_tied_to_it_and_one_for_the_back_is_not():
    after = HEADER.replace("MRI of the lumbar spine: Upheld", "TENS unit, 30 day rental: Upheld").replace(
        "There are no red flags.", "He will use the unit at home in the weeks following the shoulder surgery.")
    unit = next(r for r in read_letter_text(after, "t1.txt").requests if r.text == "TENS unit, 30 day rental")
    assert (unit.topic, unit.associated_with, unit.associated_service) == ("tens", "item1", "post_operative_equipment")
    plain = HEADER.replace("MRI of the lumbar spine: Upheld", "TENS unit, 30 day rental: Upheld").replace(
        "There are no red flags.", "The unit is for his chronic low back pain.")
    unit = next(r for r in read_letter_text(plain, "t2.txt").requests if r.text == "TENS unit, 30 day rental")
    assert unit.associated_with is None
