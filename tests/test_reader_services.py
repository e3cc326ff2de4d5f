"""The reader on services named in the guidelines' own lists (the CPMTG's table of contents, the ACOEM 2004
chapters' tables of physical methods, ODG's equipment): each is read under the topic whose clauses speak of it,
not left to `other`. Every request here was written for these tests."""

from __future__ import annotations

from typing import Any

import pytest

from imr_check.reader.classify import parse_request


@pytest.mark.parametrize("text, topic", [
    # An infusion (into a vein) is no fusion operation.
    ("Ketamine infusion, 5 sessions", "ketamine"),
    ("Lumbar fusion L4-5", "surgery"),
    # The CPMTG's Ketamine section; a ketamine cream stays a topical by its form, an IV lidocaine infusion is no patch.
    ("IV ketamine, 3 infusions", "ketamine"),
    ("Ketamine 10% cream, 120 grams", "topical_analgesic"),
    ("Lidocaine infusion x 3", "intravenous_infusion"),
    ("Lidocaine 5% patch #30", "topical_analgesic"),
    # ODG Pain's sympathetic and Scrambler therapies are electrotherapies; a sympathetic block is an injection.
    ("Sympathetic therapy unit rental", "tens"),
    ("Scrambler therapy, 10 sessions", "tens"),
    ("Calmare pain therapy x 10", "tens"),
    ("Lumbar sympathetic block", "injection"),
    # Electrodes named alone are a stimulator's supplies; an EMG or a stimulator's leads keep their topic.
    ("Electrodes, 8 packs", "tens"),
    ("Needle EMG with surface electrodes, both legs", "electrodiagnostic"),
    ("Spinal cord stimulator trial with two electrodes", "spinal_cord_stimulator"),
    # Kinesio tape alone is the modality; a course of therapy that uses it is the course.
    ("Kinesio tape for the right shoulder", "passive_modality"),
    ("Physical therapy 2x4 with kinesio taping", "physical_therapy"),
    # Dry needling inserts the filiform needles of the MTUS's acupuncture.
    ("Dry needling, 6 sessions", "acupuncture"),
    # Items of general use are equipment (ODG's DME definition); a pool membership is a membership; aquatic therapy
    # in a pool is therapy, and a whirlpool in the clinic the modality.
    ("Hot tub for home use", "durable_medical_equipment"),
    ("Sauna", "durable_medical_equipment"),
    ("Ergonomic office chair", "durable_medical_equipment"),
    ("Sit-stand desk", "durable_medical_equipment"),
    ("Pool membership for 6 months", "gym_membership"),
    ("Aquatic therapy in a pool 2x6", "physical_therapy"),
    ("Whirlpool 2 times a week for 4 weeks", "passive_modality"),
    # Home and aerobic exercise the patient carries out (CPMTG Exercise); a course that teaches it is therapy.
    ("Home exercise program", "exercise_program"),
    ("HEP instruction, 2 visits", "exercise_program"),
    ("Aerobic conditioning program, 12 weeks", "exercise_program"),
    ("Physical therapy 6 visits and home exercise program", "physical_therapy"),
    ("Work conditioning program, 10 sessions", "work_conditioning"),
    # Vestibular rehabilitation is physical therapy; vestibular tests are studies; speech therapy has its own topic.
    ("Vestibular rehabilitation therapy, 6 visits", "physical_therapy"),
    ("Balance and vestibular training, 8 sessions", "physical_therapy"),
    ("Vestibular function testing", "head_study"),
    ("Speech therapy 12 sessions", "speech_therapy"),
    ("Speech-language pathology evaluation", "speech_therapy"),
    # Hypnosis is a treatment of its own; a hypnotic is a sleep aid.
    ("Hypnotherapy, 6 sessions", "hypnosis"),
    ("Ambien 10 mg #30", "sleep_aid"),
    # Medical-legal evaluations are for the claim, whatever consultation words they carry.
    ("QME re-evaluation", "medico_legal_evaluation"),
    ("Referral to an orthopedic AME", "medico_legal_evaluation"),
    ("Independent medical examination", "medico_legal_evaluation"),
    ("Orthopedic consultation", "consultation"),
    # Intradiscal and vertebral procedures (ODG Low Back), not the surgeries or injections whose words they carry.
    ("IDET at L4-5", "intradiscal_procedure"),
    ("Nucleoplasty L5-S1", "intradiscal_procedure"),
    ("Percutaneous discectomy L4-5", "intradiscal_procedure"),
    ("Electrothermal capsulorrhaphy, right shoulder", "surgery"),
    ("Knee arthroscopy with coblation chondroplasty", "surgery"),
    ("Kyphoplasty T12", "vertebral_augmentation"),
    # A postoperative pain pump is equipment (ODG: not recommended); an implanted pump delivers drugs intrathecally.
    ("Pain pump rental, 7 days", "durable_medical_equipment"),
    ("Implantable pain pump trial", "implantable_drug_delivery"),
    ("Vertebroplasty L1", "vertebral_augmentation"),
    ("Lumbar discectomy L4-5", "surgery"),
    ("CT discogram L3-S1", "discography"),
    # Stimulator supplies named alone; a thumb spica is a splint; psychological tests are psychological evaluations;
    # water exercise is aquatic therapy.
    ("Lead wires, 2 sets", "tens"),
    ("Conductive garment", "tens"),
    ("Thumb spica, left", "durable_medical_equipment"),
    ("MMPI-2 testing", "psychological_treatment"),
    ("BHI 2", "psychological_treatment"),
    ("Water therapy 2x6", "physical_therapy"),
    # The CPMTG's Cannabinoids, by the drug or the plant.
    ("Medical marijuana", "cannabinoid"),
    ("Marinol 2.5 mg #60", "cannabinoid"),
    ("Nabilone 1 mg #30", "cannabinoid"),
    # Non-surgical spinal decompression is motorized traction, a passive modality; a decompression operation stays one.
    ("VAX-D 20 sessions", "passive_modality"),
    ("Spinal decompression therapy, lumbar, 12 sessions", "passive_modality"),
    ("DRX9000 treatments x 10", "passive_modality"),
    ("Lumbar decompression L4-5", "surgery"),
    ("Subacromial decompression, right shoulder", "surgery"),
    # The CPMTG's interferential current units, as requests often spell them.
    ("Inferential unit rental for 30 days", "tens"),
    # The CPMTG's other electrotherapies are stimulator units with clauses of their own, not clinic modalities.
    ("Microcurrent electrical stimulation unit", "tens"),
    ("MENS device, 30 day trial", "tens"),
    ("Galvanic stimulation unit", "tens"),
    ("Percutaneous electrical nerve stimulation x 4", "tens"),
    ("Percutaneous neuromodulation therapy", "tens"),
    # Equipment the ACOEM 2004 tables of physical methods and ODG's DME section name.
    ("Soft cervical collar", "durable_medical_equipment"),
    ("Knee immobilizer", "durable_medical_equipment"),
    ("CAM walking boot, right ankle", "durable_medical_equipment"),
    ("Shoe inserts", "durable_medical_equipment"),
    ("Heel cups for both feet", "durable_medical_equipment"),
    ("Compression stockings, thigh high", "durable_medical_equipment"),
    ("Intermittent pneumatic compression device", "durable_medical_equipment"),
    ("Treadmill for home use", "durable_medical_equipment"),
    ("Grab bars for the shower", "durable_medical_equipment"),
    # A bone growth stimulator is not a stimulator unit for pain nor the ultrasound modality.
    ("Bone growth stimulator", "durable_medical_equipment"),
    ("Ultrasound bone growth stimulator unit", "durable_medical_equipment"),
    # Superficial heat by other means is a passive modality, not therapy in water.
    ("Whirlpool 2 times a week for 4 weeks", "passive_modality"),
    ("Fluidotherapy to the right hand", "passive_modality"),
    # An intrathecal pump is the CPMTG's implantable drug-delivery system, not the drug it delivers nor an injection.
    ("Intrathecal morphine pump", "implantable_drug_delivery"),
    ("Intrathecal pump trial", "implantable_drug_delivery"),
    ("Implantable drug delivery system", "implantable_drug_delivery"),
    # Prolotherapy is an injection (the CPMTG's Prolotherapy), whether or not the request says so.
    ("Prolotherapy to the left knee", "injection"),
    # The CPMTG's Yoga and Detoxification sections, and ODG's genetic tests, have topics of their own.
    ("Yoga classes at the gym, 8 sessions", "yoga"),
    ("Outpatient detoxification program", "detoxification"),
    ("Opioid weaning program", "detoxification"),
    # A drug named for weaning is a prescription of that drug, judged by its own topic.
    ("Norco 10/325 #60 for weaning", "opioid"),
    ("Genetic opioid risk testing", "genetic_testing"),
    ("Pharmacogenetic testing", "genetic_testing"),
    # The drug a genetic test is about is not prescribed by it.
    ("CYP2D6 testing for tramadol metabolism", "genetic_testing"),
    # The CPMTG's "Chronic pain programs (functional restoration programs)" by their section's name.
    ("Chronic pain management program, 10 days", "functional_restoration"),
    # An evaluation by pain management is a specialist consultation; a follow-up with them stays an office visit.
    ("Pain management evaluation", "consultation"),
    ("Pain management follow-up visit", "office_visit"),
    ("Game Ready unit, 14 day rental", "durable_medical_equipment"),
    ("Rollator", "durable_medical_equipment"),
    # A massage chair is equipment, not massage therapy.
    ("Massage chair for home use", "durable_medical_equipment"),
    ("Massage units x 4", "massage"),
    ("Infrared heat lamp, 6 sessions", "passive_modality"),
    # The collar bone is a bone, not a collar.
    ("X-ray of the collar bone", "imaging"),
])
def test_topics(text: str, topic: str) -> None:
    assert parse_request(text).topic == topic


@pytest.mark.parametrize("text, field, expected", [
    ("Inferential unit rental for 30 days", "stimulator_types", ["interferential"]),
    ("Microcurrent electrical stimulation unit", "stimulator_types", ["microcurrent"]),
    ("TENS/MENS combination unit", "stimulator_types", ["tens", "microcurrent"]),
    ("Galvanic stimulation unit", "stimulator_types", ["galvanic"]),
    ("PENS, 4 treatments", "stimulator_types", ["percutaneous_electrical_nerve"]),
    ("Percutaneous neuromodulation therapy", "stimulator_types", ["percutaneous_neuromodulation"]),
    ("Paraffin bath for the hands, 6 sessions", "modality", "heat_cold"),
    ("Contrast baths for the left wrist", "modality", "heat_cold"),
    ("Whirlpool 2 times a week for 4 weeks", "modality", "heat_cold"),
    ("Intrathecal pump trial", "is_trial", True),
    ("Permanent intrathecal pump implantation", "is_trial", False),
    ("Prolotherapy to the left knee", "injection_type", "prolotherapy"),
    ("Stellate ganglion block, right", "injection_type", "sympathetic_block"),
    ("Lumbar sympathetic nerve block", "injection_type", "sympathetic_block"),
    ("Pain management evaluation", "consultant_specialty", "pain_management"),
    ("Power mobility device", "equipment", "mobility_scooter"),
    ("Tennis elbow strap", "equipment", "brace"),
    ("Soft cervical collar", "equipment", "brace"),
    ("CAM walker boot", "equipment", "brace"),
    ("Rollator walker", "equipment", "walking_aid"),
    ("Custom orthotics", "equipment", "foot_orthotic"),
    ("Heel cups for both feet", "equipment", "foot_orthotic"),
    ("Compression stockings, thigh high", "equipment", "compression_garment"),
    ("Sequential compression device", "equipment", "compression_garment"),
    # A unit combining cold and compression keeps its own kind.
    ("Cold compression unit", "equipment", "cold_compression_unit"),
    ("Treadmill for home use", "equipment", "exercise_equipment"),
    ("Wheelchair ramp", "equipment", "home_modification"),
    ("Ultrasound bone growth stimulator unit", "equipment", "bone_growth_stimulator"),
    ("Sympathetic therapy unit rental", "stimulator_types", ["sympathetic"]),
    ("Scrambler therapy, 10 sessions", "stimulator_types", ["scrambler"]),
    ("Kinesio tape for the right shoulder", "modality", "kinesio_tape"),
    ("Pain pump rental, 7 days", "equipment", "pain_pump"),
    ("Thumb spica, left", "equipment", "brace"),
    ("MMPI-2 testing", "is_evaluation", True),
    ("Battery for health improvement", "is_evaluation", True),
    ("Water therapy 2x6", "is_aquatic", True),
    ("VAX-D 20 sessions", "modality", "traction"),
    ("Spinal decompression therapy, lumbar, 12 sessions", "modality", "traction"),
    ("Hot tub for home use", "equipment", "general_use_item"),
    ("Ergonomic office chair", "equipment", "general_use_item"),
    # A walk-in tub is a modification of the home, not a hot tub.
    ("Walk-in tub", "equipment", "home_modification"),
])
def test_request_parts(text: str, field: str, expected: Any) -> None:
    assert getattr(parse_request(text), field) == expected


def test_a_psychological_clearance_for_an_intrathecal_pump_is_read() -> None:
    from reader_support import read_synthetic

    # The sentence names the pump only: no stimulator, implant or clearance word.
    case = read_synthetic("She has had low back pain since 2012. A psychological evaluation for the intrathecal pump "
                          "found realistic expectations.", [("Intrathecal pump trial", "The patient has chronic low back pain.")],
                          case_number="CM99-0000007", worker="50 year old female")
    assert case.requests[0].topic == "implantable_drug_delivery"
    assert case.clinical.psychological_clearance is True


def test_infrared_thermography_is_not_infrared_heat() -> None:
    parsed = parse_request("Infrared thermography of the legs")
    assert parsed.topic != "passive_modality" and parsed.modality is None


def test_a_treadmill_stress_test_is_not_exercise_equipment() -> None:
    parsed = parse_request("Treadmill stress test")
    assert parsed.topic != "durable_medical_equipment" and parsed.equipment is None


def test_a_medical_legal_evaluation_is_undetermined_as_no_treatment() -> None:
    from reader_support import read_synthetic

    from imr_check.evaluate import evaluate_case

    case = read_synthetic("He has had neck pain since a fall at work. Treatment has included physical therapy.",
                          [("Orthopedic QME re-evaluation", "The patient has chronic neck pain.")],
                          case_number="CM99-0000008")
    assert case.requests[0].topic == "medico_legal_evaluation"
    result = evaluate_case(case).requests[0]
    assert result.determination == "undetermined"


def test_a_ketamine_infusion_read_from_a_letter_is_not_certified() -> None:
    from reader_support import read_synthetic

    from imr_check.evaluate import evaluate_case

    case = read_synthetic("She has burning pain of the right foot after a crush injury. Medications include "
                          "gabapentin.", [("Outpatient ketamine infusions x 5", "The patient has chronic foot pain.")],
                          case_number="CM99-0000009", worker="44 year old female")
    assert case.requests[0].topic == "ketamine"
    assert evaluate_case(case).requests[0].determination == "non_certify"


def test_hepatitis_is_no_home_exercise_program() -> None:
    assert parse_request("Hep C antibody").topic != "exercise_program"
