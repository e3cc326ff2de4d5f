"""Requests naming two or more regions or studies (issue 10): each part is judged by its own rules, and the
request as written is supported only if every part is. Case files and letters are written for these tests."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from imr_check import evaluate_case, load_case_text
from imr_check.case import Case
from imr_check.cli import app
from imr_check.errors import InputError

from test_reader_facts import read  # the synthetic letter the reader's fact tests share

# Nerve compromise after failed care: the low back chapter's MRI criteria hold only if surgery is considered;
# the hand chapter's hold either way (a neurological deficit); the knee's MRI needs surgery considered.
_CASE = """\
case: {{id: parts, injury_date: 2016-06-01, request_date: 2017-02-01}}
clinical: {{red_flags: false, neurological_deficit: true, radiculopathy_on_exam: true, failed_conservative_care: true,
           surgery_considered: {surgery}, invasive_procedure_planned: false}}
requests:
  - text: MRI of two regions
    topic: imaging
    study: mri
    parts:
{parts}
"""


def _case(regions: list[str], surgery: bool) -> Case:
    parts = "\n".join(f"      - {{text: MRI of the {r}, body_region: {r}}}" for r in regions)
    return load_case_text(_CASE.format(parts=parts, surgery=str(surgery).lower()), "<test>")


@pytest.mark.parametrize("regions, surgery, whole, each", [
    (["lumbar_spine", "forearm_wrist_hand"], True, "certify", ["certify", "certify"]),
    (["lumbar_spine", "forearm_wrist_hand"], False, "modify", ["non_certify", "certify"]),
    (["lumbar_spine", "knee"], False, "non_certify", ["non_certify", "non_certify"]),
    (["lumbar_spine", "chest"], True, "undetermined", ["certify", "undetermined"]),
    (["lumbar_spine", "chest"], False, "non_certify", ["non_certify", "undetermined"]),
])
def test_a_request_is_supported_only_if_every_part_is(regions, surgery, whole, each) -> None:
    result = evaluate_case(_case(regions, surgery)).requests[0]
    assert [p.determination for p in result.parts] == each
    assert result.determination == whole
    assert [p.request_id for p in result.parts] == ["r1.1", "r1.2"]
    # the predicted outcome is the whole request's: IMR decides the request as written
    assert result.predicted_outcome == {"certify": "overturned", "undetermined": None}.get(whole, "upheld")


def test_each_part_is_judged_by_its_own_regions_rules_and_the_whole_names_the_refused_parts_rules() -> None:
    result = evaluate_case(_case(["lumbar_spine", "forearm_wrist_hand"], False)).requests[0]
    lumbar, wrist = result.parts
    assert all(r.startswith("imaging.low_back.") for r in lumbar.deciding_rules)
    assert all(r.startswith("imaging.hand.") for r in wrist.deciding_rules)
    # a modify from parts is the refused parts' rules and clauses, not the supported part's
    assert result.deciding_rules == lumbar.deciding_rules
    assert {c.id for c in result.clauses} == {c.id for c in lumbar.clauses}
    assert result.supported_quantity is None
    assert "MRI of the lumbar_spine: non-certify" in result.reason


def test_a_part_without_its_own_study_takes_the_requests() -> None:
    result = evaluate_case(_case(["lumbar_spine", "knee"], True)).requests[0]
    assert [p.determination for p in result.parts] == ["certify", "certify"]
    assert all(c.facts_used.get("request.study") in (None, "mri") for p in result.parts for c in p.criteria)


@pytest.mark.parametrize("parts, message", [
    ("      - {body_region: knee}", "two or more"),
    ("      - {body_region: knee}\n      - {text: the other one}", "neither a body_region nor a study"),
    ("      - {body_region: knees}\n      - {body_region: lumbar_spine}", "knee"),
])
def test_bad_parts_are_refused_with_a_message_naming_the_place(parts: str, message: str) -> None:
    with pytest.raises(InputError) as raised:
        load_case_text(_CASE.format(parts=parts, surgery="true"), "<test>")
    assert message in str(raised.value)
    assert "requests" in str(raised.value) and "parts" in str(raised.value)


def test_the_cli_shows_each_part_and_exits_2_on_bad_parts(tmp_path) -> None:
    runner = CliRunner()
    good = tmp_path / "parts.yaml"
    good.write_text(_CASE.format(parts="      - {text: MRI of the low back, body_region: lumbar_spine}\n"
                                       "      - {text: MRI of the left wrist, body_region: forearm_wrist_hand}",
                                 surgery="false"))
    shown = runner.invoke(app, ["check", str(good)], env={"COLUMNS": "250"})
    assert shown.exit_code == 0, shown.output
    assert "Each part, judged by its own rules" in shown.output
    assert "MRI of the low back" in shown.output and "MRI of the left wrist" in shown.output
    assert "MODIFY (some parts supported, not all)" in shown.output
    data = json.loads(runner.invoke(app, ["check", str(good), "--format", "json"]).output)
    assert [p["determination"] for p in data["requests"][0]["parts"]] == ["non_certify", "certify"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(_CASE.format(parts="      - {body_region: knee}", surgery="true"))
    refused = runner.invoke(app, ["check", str(bad)])
    assert refused.exit_code == 2
    assert "Traceback" not in refused.output and "parts" in refused.output


def test_the_schema_describes_parts() -> None:
    schema = json.loads(CliRunner().invoke(app, ["schema"]).output)
    part = schema["$defs"]["RequestPart"]
    assert set(part["properties"]) == {"text", "body_region", "study"}
    assert part["additionalProperties"] is False


def _read(summary: str, item: str) -> Case:
    return read(summary, [(item, "The patient was seen on 02/01/2017.")])


@pytest.mark.parametrize("item, regions", [
    ("MRI of the lumbar spine and left wrist", ["lumbar_spine", "forearm_wrist_hand"]),
    ("X-rays of the cervical and lumbar spine", ["cervical_spine", "lumbar_spine"]),
    ("EMG/NCV of the bilateral upper and lower extremities", ["upper_extremity", "lower_extremity"]),
])
def test_the_reader_splits_a_request_naming_two_regions(item: str, regions: list[str]) -> None:
    request = _read("She reports pain in several places.", item).requests[0]
    assert [p.body_region for p in request.parts] == regions


def test_the_reader_splits_an_imaging_request_naming_two_studies_of_one_region() -> None:
    request = _read("She reports right knee pain.", "MRI and x-rays of the right knee").requests[0]
    assert [p.study for p in request.parts] == ["mri", "x_ray"]


def test_studies_written_as_alternatives_are_one_study() -> None:
    request = _read("She reports right knee pain.", "MRI/CT of the right knee").requests[0]
    assert (request.parts, request.study) == ([], "mri")


def test_the_reader_leaves_two_studies_of_two_regions_whole() -> None:
    request = _read("She reports neck and knee pain.", "MRI and x-rays of the neck and knee").requests[0]
    assert request.parts == []


def test_a_therapy_for_two_regions_stays_one_course() -> None:
    request = _read("She reports neck and back pain.", "Physical therapy 2 times a week for 3 weeks for the cervical "
                                                     "and lumbar spine").requests[0]
    assert request.parts == []


@pytest.mark.parametrize("summary, region", [
    ("Diagnoses include left knee internal derangement.", "knee"),
    ("Diagnoses include left knee internal derangement and left ankle sprain.", "lower_extremity"),
    ("She reports leg pain.", "lower_extremity"),
])
def test_a_generic_limb_is_the_one_joint_of_it_the_case_names(summary: str, region: str) -> None:
    case = _read(summary, "MRI of the left lower extremity")
    assert case.requests[0].body_region == region


def test_an_electrodiagnostic_study_of_a_limb_stays_the_limb() -> None:
    case = _read("Diagnoses include left knee internal derangement.", "EMG of the left lower extremity")
    assert case.requests[0].body_region == "lower_extremity"


def test_a_letter_with_an_mri_of_two_regions_is_judged_part_by_part() -> None:
    case = _read("She has low back pain radiating to the leg and left wrist pain.", "MRI of the lumbar spine and left wrist")
    result = evaluate_case(case).requests[0]
    assert len(result.parts) == 2
    assert {p.topic for p in result.parts} == {"imaging"}
    if all(p.determination == "certify" for p in result.parts):
        assert result.determination == "certify"
    else:
        assert result.determination != "certify"


def test_the_audit_keeps_each_part_and_its_letter_page_shows_them() -> None:
    from pathlib import Path

    from imr_check.audit.items import audit_file
    from imr_check.audit.letter_pages import render

    example = Path(__file__).resolve().parents[1] / "examples" / "prescreen-mri-of-two-regions.yaml"
    audited = audit_file(str(example))
    item = audited["letter"]["items"][0]
    assert [(p["text"], p["determination"]) for p in item["parts"]] == [
        ("MRI of the lumbar spine", "non_certify"), ("MRI of the left wrist", "certify")]
    assert item["determination"] == "modify"
    page = render(audited["letter"], {"schema_version": "4", "imr_check_version": "0", "rules_fingerprint": "x",
                                      "generated_at": "2026-01-01T00:00:00Z"})
    assert "Each part, judged by its own rules" in page and "MRI of the left wrist" in page


# A request in parts, as a case file's `requests:` entry (the gastric protection tests put it before their drugs).
TWO_REGION_MRI = """\
  - text: MRI of two regions
    topic: imaging
    study: mri
    parts:
      - {text: MRI of the lumbar spine, body_region: lumbar_spine}
      - {text: MRI of the left wrist, body_region: forearm_wrist_hand}
"""


_STATED_CASE = """\
case: {id: parts-stated, injury_date: 2016-06-01, request_date: 2017-02-01}
clinical: {red_flags: false, neurological_deficit: true, radiculopathy_on_exam: true, invasive_procedure_planned: false,
           surgery_considered: true}
not_documented: [clinical.failed_conservative_care, "requests[1].history.prior_treatment"]
requests:
  - text: x-ray of the knee
    topic: imaging
    study: x_ray
    body_region: knee
""" + TWO_REGION_MRI


def test_what_the_letter_states_is_not_documented_for_a_request_holds_for_each_of_its_parts() -> None:
    from imr_check.evaluate import _with_parts_as_requests

    case = load_case_text(_STATED_CASE, "<test>")
    judged, owners = _with_parts_as_requests(case)
    assert owners == [0, 1, 1]
    for position in (1, 2):
        assert "request.history.prior_treatment" in judged.stated_not_documented(position)
        assert "clinical.failed_conservative_care" in judged.stated_not_documented(position)
    assert "request.history.prior_treatment" not in judged.stated_not_documented(0)


def test_a_request_in_parts_rests_on_the_least_firm_ground_of_the_parts_that_decided_it() -> None:
    result = evaluate_case(load_case_text(_STATED_CASE, "<test>")).requests[1]
    order = ("documented", "stated_not_documented", "silence")
    deciding = [p.basis for p in result.parts if p.determination == result.determination or result.determination
                in ("modify", "non_certify") and p.determination in ("modify", "non_certify")]
    assert result.basis is not None
    assert result.basis == max((b for b in deciding if b), key=order.index)
