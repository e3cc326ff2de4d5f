"""The reader on letters written for these tests: structure, facts with negation, bad input, fuzzing."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from imr_check import InputError, evaluate_case, load_case
from imr_check.cli import app
from imr_check.reader import read_letter, read_letter_text

from reader_support import NOT_DOCUMENTED, front_matter
from reader_support import fact as fact_at
from imr_check.reader.classify import parse_request

HEADER = front_matter("CM99-0000001", reviewer=("California, Oregon", "Internal Medicine, Pain\nManagement")) + """\
The injured worker is a 44 year old female who sustained an industrial injury on 05-04-2015.
Diagnoses include lumbar strain and right knee sprain. She has completed 8 sessions of
physical therapy. She has been taking Norco since January 2016. She denies side effects. There
is no evidence of red flags. The neurological examination was intact. She is on modified duty.
Pain was rated 6/10 with medication and 9/10 without medication. A urine drug screen from
12/01/2016 was consistent. On 02-10-2017, utilization review denied the requests.
IMR ISSUES, DECISIONS AND RATIONALES
The Final Determination was based on decisions for the disputed items/services set forth below:
Physical therapy for the lumbar spine 2 times a week for 6 weeks: Upheld
Claims Administrator guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016,
Section(s): Physical medicine treatment.
MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s):
Physical medicine treatment.
Decision rationale: The MTUS guidelines recommend up to 10 visits for myalgia. The patient has
attended prior physical therapy. There is no documentation of measurable functional improvement
from the prior sessions. Therefore, the request is not medically necessary.
Norco 10/325mg #90 was the original request. Norco 10/325mg #60 was authorized by the Claims
Administrator. The remaining IMR eligible portion of the original request, Norco 10/325mg #30
is: Overturned
Claims Administrator guideline: The Claims Administrator did not cite any medical evidence
for its decision.
MAXIMUS guideline: The Expert Reviewer based their decision on recommendation(s) outside
of the MTUS Guidelines. Decision based on Non-MTUS Citation Official Disability Guidelines
(ODG) Pain Chapter, Opioids.
Decision rationale: The treating physician documents pain relief with Norco and improved
ability to do housework. There was no discussion of aberrant behavior. A signed opioid
agreement is on file. The request is medically necessary.
Right knee arthroscopy: Upheld
Claims Administrator guideline: Decision based on MTUS Knee Complaints 2004.
MAXIMUS guideline: Decision based on MTUS Knee Complaints 2004, Section(s): Surgical
Considerations.
Decision rationale: There is no evidence of mechanical symptoms. The request is not supported.
Associated surgical service: Knee brace: Upheld
Claims Administrator guideline: Decision based on MTUS Knee Complaints 2004.
MAXIMUS guideline: Decision based on MTUS Knee Complaints 2004, Section(s): Initial Care.
Decision rationale: As the surgery is not medically necessary, the brace is not either.
"""

OLD_LAYOUT = """ HOW THE IMR FINAL DETERMINATION WAS MADE

A reviewer with no tie to the parties reviewed the file. The expert

reviewer is Board Certified in Family Medicine and is licensed to practice in Nevada and

California. He/she has been in active clinical practice for more than five years.

CLINICAL CASE SUMMARY

The injured worker is a 60 year old male who was injured on 3/2/11. He has had

acupuncture in the past with no lasting benefit. On 4/1/14, Utilization Review non-certified the

request for 10 sessions of acupuncture.

IMR ISSUES, DECISIONS AND RATIONALES

The Final Determination was based on decisions for the disputed items/services set forth below:

10 sessions of acupuncture:  Upheld

Claims Administrator guideline: Decision based on MTUS Acupuncture Treatment Guidelines.

MAXIMUS guideline: Decision based on MTUS Chronic Pain Treatment Guidelines Acupuncture Medical

Treatment Guidelines Page(s): 8-9.

Decision rationale: The patient has had prior acupuncture without documented functional

improvement. The request is not medically necessary and appropriate.
"""


@pytest.fixture(scope="module")
def case():
    return read_letter_text(HEADER, "synthetic.txt")


def test_the_header_block_is_read(case):
    info = case.case
    assert info.id == "CM99-0000001"
    assert (str(info.injury_date), str(info.ur_decision_date), str(info.imr_decision_date)) == (
        "2015-05-04", "2017-02-10", "2017-03-20")
    assert str(info.imr_assigned_date) == "2017-03-01" and str(info.application_received_date) == "2017-02-20"
    assert info.priority == "Standard"
    assert info.reviewer.licensure_states == ["CA", "OR"]
    assert info.reviewer.specialty == "Internal Medicine, Pain Management"


def test_every_item_in_order_with_outcome_and_citations(case):
    assert [(r.topic, r.imr.outcome) for r in case.requests] == [
        ("physical_therapy", "upheld"), ("opioid", "overturned"), ("surgery", "upheld"),
        ("durable_medical_equipment", "upheld")]
    norco = case.requests[1]
    assert norco.text == "Norco 10/325mg #90"
    assert norco.ur.decision == "modified" and norco.ur.modified_to == 60
    assert norco.imr.claims_administrator_guideline.startswith("The Claims Administrator did not cite")
    assert [(c.source, c.is_mtus, c.topic) for c in norco.imr.citations] == [("ODG", False, "Pain Chapter, Opioids")]
    therapy = case.requests[0].imr.citations[0]
    assert (therapy.source, therapy.sections) == ("MTUS Chronic Pain Medical Treatment 2016", ["Physical medicine treatment"])
    assert case.requests[3].associated_with == case.requests[2].id


def test_request_parts(case):
    therapy = case.requests[0]
    assert (therapy.body_region, therapy.frequency_per_week, therapy.duration_weeks, therapy.sessions) == (
        "lumbar_spine", 2, 6, 12)
    assert (case.requests[1].drug.name, case.requests[1].drug.strength, case.requests[1].drug.quantity) == (
        "Norco", "10/325mg", 90)


def test_clinical_facts_with_negation_and_evidence(case):
    clinical = case.clinical
    # "There is no evidence of red flags": the letter says the record lacks them, which is not "no red flags"
    assert clinical.red_flags is None and "clinical.red_flags" in case.not_documented
    assert clinical.neurological_deficit is False
    assert clinical.work_status == "modified_duty"
    assert (clinical.pain.with_medication, clinical.pain.without_medication) == (6, 9)
    assert case.patient.age == 44 and case.patient.sex == "female"
    evidence = case.evidence["clinical.red_flags"][0]
    assert evidence.sentence == "There is no evidence of red flags."
    assert HEADER.replace("\n", " ").find("There is no evidence") > 0 and evidence.source == "synthetic.txt#summary"


def test_request_history_and_opioid_monitoring(case):
    therapy, norco = case.requests[0].history, case.requests[1]
    assert therapy.sessions_completed == 8 and therapy.prior_treatment is True
    assert therapy.functional_improvement.demonstrated is None
    assert "requests[0].history.functional_improvement.demonstrated" in case.not_documented
    assert str(norco.history.start_date) == "2016-01-01"
    monitoring = norco.opioid_monitoring
    assert monitoring.adverse_effects is True  # "denies side effects": assessed, and none
    # "no discussion of aberrant behavior": the letter says the assessment is not documented
    assert monitoring.aberrant_behavior is None and "requests[1].opioid_monitoring.aberrant_behavior" in case.not_documented
    assert monitoring.opioid_agreement is True and monitoring.analgesia is True
    assert monitoring.urine_drug_screen is True
    assert norco.history.functional_improvement.adl_improved is True
    assert "requests[1].opioid_monitoring.aberrant_behavior" in case.evidence


def test_conclusions_feed_no_fact(case):
    conclusions = ("medically necessary", "not supported", "is not either")
    for found in case.evidence.values():
        for evidence in found:
            assert not any(c in evidence.sentence for c in conclusions), evidence.sentence


def test_the_older_layout(tmp_path):
    path = tmp_path / "old.txt"
    path.write_text(OLD_LAYOUT)
    case = read_letter(path)
    assert case.case.reviewer.specialty == "Family Medicine"
    assert case.case.reviewer.licensure_states == ["NV", "CA"]
    assert str(case.case.injury_date) == "2011-03-02" and str(case.case.ur_decision_date) == "2014-04-01"
    (request,) = case.requests
    assert (request.topic, request.sessions, request.imr.outcome) == ("acupuncture", 10, "upheld")
    assert request.imr.citations[0].pages == "8-9"
    assert request.history.prior_treatment is True
    assert request.history.functional_improvement.demonstrated is False
    assert evaluate_case(case).requests[0].determination in ("modify", "non_certify")


@pytest.mark.parametrize("text, topic", [
    ("MRI of the left shoulder without contrast", "imaging"),
    ("EMG/NCV of the bilateral lower extremities", "electrodiagnostic"),
    ("Acupuncture 2 times a week for 3 weeks", "acupuncture"),
    ("Soma 350mg #60", "muscle_relaxant"),
    ("Lidoderm 5% patch #30", "topical_analgesic"),
    # a transdermal opioid acts systemically; branded oral suspensions are the drug they contain
    ("Butrans 10mcg/hr patch #4", "opioid"),
    ("Fentanyl 25mcg/hr transdermal patch #10", "opioid"),
    ("Terocin patch #30", "topical_analgesic"),
    ("Fanatrex 25mg/ml oral suspension 420ml", "anticonvulsant"),
    ("Dicopanol 5mg/ml oral suspension 150ml", "sleep_aid"),
    ("Deprizine 15mg/ml oral suspension 250ml", "gastrointestinal_protection"),
    ("Synapryn 10mg/ml oral suspension 500ml", "opioid"),
    ("Lumbar epidural steroid injection at L4-5", "injection"),
    ("Chiropractic manipulation 6 visits", "chiropractic"),
    ("Follow-up visit with the pain specialist", "office_visit"),
    ("Something nobody has heard of", "other"),
    ("Six-month membership at a local gym", "gym_membership"),
    ("Health club membership for pool exercise", "gym_membership"),
    ("Work hardening program 5 times a week for 4 weeks", "work_conditioning"),
    ("Work conditioning, 12 sessions, lumbar spine", "work_conditioning"),
    ("Aquatic therapy 2 times a week for 4 weeks", "physical_therapy"),
    ("Chiro therapy 2 x 3 for the low back", "chiropractic"),
    ("Chirophysio sessions for the neck, 6 visits", "chiropractic"),
    ("Skilled nursing visits twice a week for dressing changes", "home_health"),
    ("RN visits 3 times a week for 2 weeks", "home_health"),
    ("Registered nurse home visit for medication set-up", "home_health"),
])
def test_topics(text, topic):
    assert parse_request(text).topic == topic


# Services the guidelines name that had no topic of their own (issue 10): tests, measurements, transportation,
# levels of care. Each pair also guards a neighbour: a word inside another word, a service named inside another.
@pytest.mark.parametrize("text, topic", [
    # "appointments" holds "ointment": the ride is not a topical
    ("Transportation to/from all medical appointments", "transportation"),
    ("Non-emergency medical transportation to physical therapy", "transportation"),
    ("Ambulette to and from appointments x 12", "transportation"),
    ("Diclofenac 1% ointment 100 grams", "topical_analgesic"),
    ("Home health aide 4 hours a day and transportation", "home_health"),
    ("SSEP of the lumbar spine and lower extremities", "evoked_potential"),
    ("Somatosensory evoked potentials of the upper extremities", "evoked_potential"),
    ("EMG/NCV and SSEP of the bilateral lower extremities", "evoked_potential"),
    ("EMG/NCV of the bilateral upper extremities", "electrodiagnostic"),
    ("Follow-up visit in Sep 2016", "office_visit"),
    ("Lumbar discogram at L3-4, L4-5 and L5-S1", "discography"),
    ("CT discography of the lumbar spine", "discography"),
    ("CT scan of the lumbar spine", "imaging"),
    ("Jamar grip strength test", "examination_measurement"),
    ("Computerized range of motion testing of the lumbar spine", "examination_measurement"),
    ("Range of motion and muscle testing", "examination_measurement"),
    ("Physical therapy with range of motion testing, 6 visits", "physical_therapy"),
    ("Inpatient rehabilitation for 2 weeks", "level_of_care"),
    ("Skilled nursing facility stay x 10 days", "skilled_nursing_facility"),
    ("Inpatient hospital stay x 3 days", "level_of_care"),
    ("Length of stay 2 days", "level_of_care"),
    ("Partial hospitalization program, 5 days a week", "level_of_care"),
    ("Outpatient rehabilitation 2 times a week for 4 weeks", "physical_therapy"),
    ("Skilled nursing visits twice a week for dressing changes", "home_health"),
    # an ultrasound of a body part is a diagnostic study; a course of ultrasound is the therapeutic modality
    ("Ultrasound of the right shoulder", "imaging"),
    ("Ultrasound study of the left knee", "imaging"),
    ("Ultrasound of the lumbar spine 2 times a week for 4 weeks", "passive_modality"),
    ("Pulsed ultrasound 2 times a week for 4 weeks", "passive_modality"),
    ("Ultrasound therapy of the shoulder", "passive_modality"),
    ("Ultrasound-guided injection of the shoulder", "injection"),
    # a psychiatric evaluation is a specialist referral; a psychological evaluation has its own CPMTG criteria
    ("Psychiatric evaluation", "consultation"),
    ("Referral to a psychiatrist for depression", "consultation"),
    ("Psychiatric follow-up visit", "office_visit"),
    ("Psychological evaluation", "psychological_treatment"),
    ("Spanish interpreter for all medical visits", "interpreter"),
    ("Interpretation of the lumbar MRI", "imaging"),
    ("Weight loss program for 12 weeks", "weight_loss_program"),
    ("Nutritional counseling, 6 sessions", "weight_loss_program"),
    ("Gym membership for weight loss", "gym_membership"),
    # a request that opens with a consultation asks for the consultation, not the operation it names
    ("Consult with a knee replacement specialist for a total knee arthroplasty", "consultation"),
    ("Referral to a hand surgeon for carpal tunnel release", "consultation"),
    ("Total knee arthroplasty with a pre-operative consult", "surgical_associated_service"),
    ("Right knee arthroscopy with meniscectomy", "surgery"),
])
def test_topics_of_services_named_by_the_guidelines(text, topic):
    assert parse_request(text).topic == topic


@pytest.mark.parametrize("text, equipment", [
    ("Cervical pillow", "cervical_pillow"),
    ("Orthopedic neck support pillow", "cervical_pillow"),
    ("Wedge pillow", "other"),
    ("Bedside commode", "toilet_equipment"),
    ("Raised toilet seat with arms", "toilet_equipment"),
    ("Shower chair", "bathing_seat"),
    ("Tub transfer bench", "bathing_seat"),
    ("Front-wheeled walker", "walking_aid"),
    ("Right wrist splint", "brace"),
])
def test_home_equipment_is_read_by_family(text, equipment):
    request = parse_request(text)
    assert (request.topic, request.equipment) == ("durable_medical_equipment", equipment)


def _letter_with(summary_sentence: str, item: str) -> str:
    """HEADER with one sentence added to the summary and its first disputed item renamed."""
    text = HEADER.replace("She is on modified duty.", f"She is on modified duty. {summary_sentence}")
    return text.replace("Physical therapy for the lumbar spine 2 times a week for 6 weeks: Upheld", f"{item}: Upheld")


@pytest.mark.parametrize("sentence, item, fact, value", [
    ("She is unable to drive because of the knee.", "Transportation to medical appointments",
     "unable_to_self_transport", True),
    ("There is no documentation that she cannot drive.", "Transportation to medical appointments",
     "unable_to_self_transport", NOT_DOCUMENTED),
    ("The examination suggests cervical myelopathy with a positive Hoffman sign.", "SSEP of the upper extremities",
     "myelopathy", True),
    ("There are no signs of myelopathy.", "SSEP of the upper extremities", "myelopathy", False),
])
def test_the_criteria_of_transportation_and_evoked_potentials_are_read(sentence, item, fact, value):
    case = read_letter_text(_letter_with(sentence, item), "synthetic.txt")
    assert case.requests[0].text.startswith(item.split()[0])
    assert fact_at(case, f"clinical.{fact}") is value


def test_the_criteria_of_transportation_are_read_only_for_transportation():
    case = read_letter_text(_letter_with("She is unable to drive because of the knee.",
                                         "Physical therapy for the lumbar spine 2 times a week for 6 weeks"),
                            "synthetic.txt")
    assert case.clinical.unable_to_self_transport is None


def _pdf_bytes_without_text() -> bytes:
    import io

    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    document.new_page(200, 200)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("name, content, message", [
    ("empty.pdf", b"", "is empty"),
    ("random.bin", bytes(range(256)) * 8, "binary data"),
    ("broken.pdf", b"%PDF-1.7\n" + b"x" * 500, "not a readable PDF"),
    ("blank.pdf", None, "no text layer"),
    ("novel.txt", b"It was a dark and stormy night. " * 20, "not an IMR determination letter"),
    ("half.txt", HEADER[: HEADER.index("attended prior")].encode(), "cut off"),
    ("summary-only.txt", HEADER[: HEADER.index("IMR ISSUES")].encode(), "no disputed items"),
])
def test_what_is_not_a_letter_is_an_input_error_naming_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(_pdf_bytes_without_text() if content is None else content)
    with pytest.raises(InputError) as error:
        read_letter(path)
    assert str(path) in str(error.value) and message in str(error.value)
    result = CliRunner().invoke(app, ["extract", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_a_directory_or_missing_file_is_an_input_error(tmp_path):
    for path in (tmp_path, tmp_path / "missing.pdf"):
        with pytest.raises(InputError):
            read_letter(path)


def test_extract_writes_a_case_file_that_loads_and_evaluates(tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text(HEADER)
    out = tmp_path / "case.yaml"
    result = CliRunner().invoke(app, ["extract", str(letter), "-o", str(out)])
    assert result.exit_code == 0, result.output
    loaded = load_case(out)
    assert loaded == read_letter(letter)
    assert len(evaluate_case(loaded).requests) == 4
    printed = CliRunner().invoke(app, ["extract", str(letter)])
    assert printed.exit_code == 0 and printed.stdout == out.read_text()


def test_extract_as_a_process_exits_2_on_bad_input(tmp_path):
    path = tmp_path / "not-a-letter.pdf"
    path.write_bytes(b"\x00\x01\x02garbage")
    done = subprocess.run([sys.executable, "-m", "imr_check.cli", "extract", str(path)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr and str(path) in done.stderr.replace("\n", "")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000))
def test_arbitrary_text_never_crashes_the_reader(text):
    try:
        read_letter_text(text, "fuzz.txt")
    except InputError as error:
        assert "fuzz.txt" in str(error)


_LINES = HEADER.splitlines()


def _read_and_evaluate_or_name_the_file(text: str) -> None:
    """Bad text may be refused, but only with an error naming the file; anything read evaluates."""
    try:
        case = read_letter_text(text, "fuzz.txt")
    except InputError as error:
        assert "fuzz.txt" in str(error)
    else:
        evaluate_case(case)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_LINES), max_size=60), st.text(max_size=200))
def test_shuffled_or_mangled_letters_never_crash_the_reader(lines, noise):
    _read_and_evaluate_or_name_the_file("\n".join(lines) + noise)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=len(HEADER)), st.text(max_size=80))
def test_text_inserted_anywhere_never_crashes_the_reader(position, noise):
    _read_and_evaluate_or_name_the_file(HEADER[:position] + noise + HEADER[position:])


# Letters read whole ----------------------------------------------------------------------------

from imr_check import IncompleteLetter  # noqa: E402
from imr_check.reader.letter import finished  # noqa: E402

_BRACE_HEADER = "Associated surgical service: Knee brace: Upheld"
# The letter cut off in the middle of its fourth item's rationale, and between its fourth header and rationale.
CUT_IN_RATIONALE = HEADER[: HEADER.index("the brace is not either")]
CUT_AFTER_HEADER = HEADER[: HEADER.index("MAXIMUS guideline: Decision based on MTUS Knee Complaints 2004, Section(s): Initial")]


@pytest.mark.parametrize("rationale, complete", [
    ("There is no documentation of improvement. The request is not medically necessary.", True),
    ("There is no documentation of improvement. The request is not medically necessary", True),
    ("The patient improved. Therefore, the request is medically necessary", True),
    ("Therefore, MRI of the right knee is not supported by the guidelines", True),
    ("There is no documentation of improvement. The request is not medically necessary for the", False),
    ("There is no documentation of improvement. The request is not", False),
    ("There is no documentation of improvement. The patient has attended prior", False),
    ("There is no documentation of improvement, and the patient", False),
    ("The request is medically necessary,", False),
    ("Therefore, the request is considered not medically necessary", True),
    ("The MRI of the hip is deemed not medically necessary at this time", True),
    ("The request is medically necessary in the care of this patient", True),
    ("The reviewer advises a taper, regarding the safest method of weaning opioids for this injured worker", True),
    ("The request would be medically necessary if the patient", False),
    ("Epidural injections are recommended as an option for the treatment of radicular pain, to avoid", False),
    ("Guidelines recommend injections when radicular pain is documented, and the patient", False),
])
def test_a_final_rationale_is_finished_by_a_full_stop_or_a_closing_determination(rationale, complete):
    assert finished(rationale) is complete


def test_finishing_is_blind_to_which_way_the_determination_goes():
    from reader_support import swap_decision

    for rationale in ("The request is not medically necessary", "The request is medically necessary",
                      "The request is not medically necessary for the"):
        assert finished(swap_decision(rationale)) is finished(rationale)


def test_a_complete_letter_whose_last_rationale_has_no_full_stop_is_read():
    text = HEADER.rstrip().rstrip(".") + "\n"
    case = read_letter_text(text, "no-stop.txt")
    assert [r.imr.outcome for r in case.requests] == ["upheld", "overturned", "upheld", "upheld"]


@pytest.mark.parametrize("text, lost", [(CUT_IN_RATIONALE, "ends in the middle of item 4"),
                                        (CUT_AFTER_HEADER, "cut off after item 3")])
def test_a_letter_cut_off_yields_its_complete_items_and_an_error_for_the_rest(text, lost):
    with pytest.raises(IncompleteLetter) as error:
        read_letter_text(text, "cut.txt")
    assert "cut.txt" in str(error.value) and lost in str(error.value) and "items 1-3 were read" in str(error.value)
    case = error.value.case
    whole = read_letter_text(HEADER, "whole.txt")
    assert [r.text for r in case.requests] == [r.text for r in whole.requests[:3]]
    # The lost item's header is not read as part of the item before it.
    assert _BRACE_HEADER not in case.requests[2].imr.rationale and "Knee brace" not in case.requests[2].imr.rationale
    assert case.requests[2].imr.rationale == whole.requests[2].imr.rationale


def test_a_letter_cut_off_in_its_only_item_is_refused():
    assert len(read_letter_text(HEADER[: HEADER.index("Norco 10/325mg #90 was")], "one.txt").requests) == 1
    for cut in ("attended prior", "MAXIMUS guideline: Decision based on MTUS Chronic"):
        with pytest.raises(InputError) as error:
            read_letter_text(HEADER[: HEADER.index(cut)], "one.txt")
        assert "one.txt" in str(error.value) and not isinstance(error.value, IncompleteLetter)


def test_extract_writes_the_complete_items_of_a_cut_off_letter_and_exits_2(tmp_path):
    letter = tmp_path / "cut.txt"
    letter.write_text(CUT_IN_RATIONALE)
    out = tmp_path / "case.yaml"
    result = CliRunner().invoke(app, ["extract", str(letter), "-o", str(out)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "ends in the middle of item 4" in result.output.replace("\n", " ")
    assert len(load_case(out).requests) == 3


def test_an_audit_reads_the_complete_items_of_a_cut_off_letter_and_reports_the_rest(tmp_path):
    from imr_check.audit import run_audit

    letters = tmp_path / "letters"
    letters.mkdir()
    (letters / "cut.txt").write_text(CUT_AFTER_HEADER)
    (letters / "whole.txt").write_text(HEADER)
    out = tmp_path / "out"
    run = run_audit([str(letters)], jobs=1, out_dir=out)
    assert [(e["path"].endswith("cut.txt"), "cut off after item 3" in e["message"]) for e in run.errors] == [(True, True)]
    assert (run.summary["files"], run.summary["letters"], run.summary["errors"], run.summary["items"]) == (2, 2, 1, 7)
    report = (out / "report.html").read_text()
    assert "Files not read in full (1)" in report and "cut off after item 3" in report
