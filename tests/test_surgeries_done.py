"""Two operations on two regions (clinical.surgeries_performed): therapy for a region follows the latest surgery on
that region, not the latest of the whole case. Letters and cases written here."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from imr_check import evaluate_case, load_case_text
from imr_check.errors import InputError
from imr_check.facts import request_facts

from reader_support import read_synthetic

UR_DAY = dt.date(2017, 2, 10)
REVIEWED = "The medical records were reviewed."
WRIST_PT = ("Physical therapy 6 sessions right wrist", REVIEWED)
KNEE_PT = ("Physical therapy 12 sessions left knee", REVIEWED)
LUMBAR_PT = ("Physical therapy 8 sessions lumbar spine", REVIEWED)
# A knee operation five months before the UR day (within its six months), and a newer wrist one.
TWO_DATED = ("She underwent a left knee meniscectomy on 09/02/2016. "
             "A right carpal tunnel release was then performed on 12/19/2016.")


def facts_of(summary: str, items: list[tuple[str, str]]) -> tuple:
    case = read_synthetic(summary, items)
    return case, [request_facts(case, index, UR_DAY) for index in range(len(items))]


def test_each_surgery_done_is_listed_with_its_region_day_and_sentence():
    case = read_synthetic(TWO_DATED, [WRIST_PT, KNEE_PT])
    done = case.clinical.surgeries_performed
    assert [(s.surgery, s.body_region, s.date) for s in done] == [
        ("knee_meniscectomy", "knee", dt.date(2016, 9, 2)),
        ("carpal_tunnel_release", "forearm_wrist_hand", dt.date(2016, 12, 19))]
    # The one surgery of the case is still the latest, for the rules that read one.
    assert (case.clinical.surgery_performed, case.clinical.surgery_date) == ("carpal_tunnel_release", dt.date(2016, 12, 19))
    assert "meniscectomy" in case.evidence["clinical.surgeries_performed[0]"][0].sentence
    assert "carpal tunnel" in case.evidence["clinical.surgeries_performed[1]"][0].sentence


def test_the_knee_follows_its_own_operation_when_a_newer_one_is_on_the_wrist():
    _, (wrist, knee, lumbar) = facts_of(TWO_DATED, [WRIST_PT, KNEE_PT, LUMBAR_PT])
    assert knee["request.postsurgical_procedure"] == "knee_meniscectomy"
    assert knee["request.postsurgical_course"] == "meniscectomy"
    assert knee["request.in_postsurgical_period"] is True
    assert wrist["request.postsurgical_procedure"] == "carpal_tunnel_release"
    assert wrist["request.in_postsurgical_period"] is True
    assert "request.postsurgical_procedure" not in lumbar
    assert lumbar["request.in_postsurgical_period"] is False


def test_a_region_s_period_is_counted_from_its_own_operation():
    # The knee arthroplasty (four months) is eight months old; the wrist release a month and a half.
    summary = ("He is status post left total knee arthroplasty on 06/06/2016. "
               "He also underwent a right carpal tunnel release on 12/28/2016.")
    _, (wrist, knee) = facts_of(summary, [WRIST_PT, KNEE_PT])
    assert knee["request.postsurgical_procedure"] == "knee_arthroplasty"
    assert knee["request.in_postsurgical_period"] is False
    assert wrist["request.in_postsurgical_period"] is True


def test_an_undated_operation_on_the_request_s_region_is_the_one_it_follows():
    summary = ("The patient is status post left knee arthroscopy. "
               "She underwent a right carpal tunnel release on 12/19/2016.")
    case, (wrist, knee) = facts_of(summary, [WRIST_PT, KNEE_PT])
    assert [(s.surgery, s.date) for s in case.clinical.surgeries_performed] == [
        ("carpal_tunnel_release", dt.date(2016, 12, 19)), ("knee_arthroscopy", None)]
    assert case.clinical.surgery_performed == "carpal_tunnel_release"
    assert knee["request.postsurgical_procedure"] == "knee_arthroscopy"
    # Its day not documented: a post-surgical request counts as within the period.
    assert knee["request.in_postsurgical_period"] is True
    assert wrist["request.postsurgical_procedure"] == "carpal_tunnel_release"


def test_one_operation_named_twice_is_one_surgery_and_on_two_days_two():
    summary = ("She is status post right carpal tunnel release. "
               "The right carpal tunnel release was done on 10/04/2016.")
    case = read_synthetic(summary, [WRIST_PT])
    assert [(s.surgery, s.date) for s in case.clinical.surgeries_performed] == [
        ("carpal_tunnel_release", dt.date(2016, 10, 4))]
    assert len(case.evidence["clinical.surgeries_performed[0]"]) == 2
    summary = ("She underwent a right carpal tunnel release on 03/01/2016. "
               "A left carpal tunnel release was performed on 12/19/2016.")
    case = read_synthetic(summary, [WRIST_PT])
    assert [s.date for s in case.clinical.surgeries_performed] == [dt.date(2016, 3, 1), dt.date(2016, 12, 19)]
    # Therapy for the wrists follows the latest of them.
    assert request_facts(case, 0, UR_DAY)["request.in_postsurgical_period"] is True


def _case(clinical: dict, region: str | None) -> dict:
    request = {"id": "r1", "text": "Physical therapy 12 sessions", "topic": "physical_therapy", "sessions": 12}
    if region is not None:
        request["body_region"] = region
    return {"case": {"id": "CM99-0000131", "request_date": "2017-02-10", "injury_date": "2015-05-04"},
            "clinical": clinical, "requests": [request]}


TWO_SURGERIES = {"is_post_surgical": True, "surgeries_performed": [
    {"surgery": "knee_meniscectomy", "date": "2016-09-02"},
    {"surgery": "carpal_tunnel_release", "date": "2016-12-19"}]}


@pytest.mark.parametrize("region, procedure", [
    ("knee", "knee_meniscectomy"),
    ("forearm_wrist_hand", "carpal_tunnel_release"),
    # A request naming no region (or several) follows the latest of all.
    (None, "carpal_tunnel_release"),
    ("multiple", None),
])
def test_a_written_case_may_list_the_surgeries(region, procedure):
    case = load_case_text(yaml.safe_dump(_case(TWO_SURGERIES, region)))
    assert case.clinical.surgery_performed == "carpal_tunnel_release"
    assert case.clinical.surgery_date == dt.date(2016, 12, 19)
    assert case.clinical.surgeries_performed[0].body_region == "knee"
    facts = request_facts(case, 0, UR_DAY)
    assert facts.get("request.postsurgical_procedure") == procedure
    assert facts["request.in_postsurgical_period"] is True


def test_knee_therapy_after_a_knee_operation_is_judged_by_the_post_surgical_schedule():
    result = evaluate_case(load_case_text(yaml.safe_dump(_case(TWO_SURGERIES, "knee")))).requests[0]
    ids = {c.rule_id for c in result.criteria if c.status != "not_applicable"}
    assert any("meniscectomy" in rule_id for rule_id in ids), ids


@pytest.mark.parametrize("clinical, expected", [
    ({**TWO_SURGERIES, "surgery_performed": "knee_meniscectomy", "surgery_date": "2016-09-02"}, "are the latest"),
    ({"surgeries_performed": [{"surgery": "carpal_tunnel_release", "body_region": "knee"}]}, "forearm_wrist_hand"),
    ({"surgeries_performed": [{"surgery": "knee_meniscectomy", "date": 20160902}]}, "date"),
])
def test_a_written_list_must_agree_with_the_one_surgery_and_the_table(clinical, expected):
    with pytest.raises(InputError, match=expected):
        load_case_text(yaml.safe_dump(_case(clinical, "knee")))


def test_undated_operations_on_one_region_cannot_be_put_in_order():
    clinical = {"is_post_surgical": True, "surgeries_performed": [
        {"surgery": "knee_arthroscopy"}, {"surgery": "knee_arthroplasty"},
        {"surgery": "carpal_tunnel_release", "date": "2016-12-19"}]}
    case = load_case_text(yaml.safe_dump(_case(clinical, "knee")))
    assert case.clinical.surgery_performed == "carpal_tunnel_release"
    facts = request_facts(case, 0, UR_DAY)
    assert "request.postsurgical_procedure" not in facts
    assert facts["request.in_postsurgical_period"] is True


def test_a_post_surgical_fact_is_shown_with_the_sentence_of_the_surgery_it_follows():
    from imr_check.audit.items import evidence_key

    case = read_synthetic(TWO_DATED, [WRIST_PT, KNEE_PT, LUMBAR_PT])
    assert evidence_key(case, 1, "request.in_postsurgical_period") == "clinical.surgeries_performed[0]"
    assert evidence_key(case, 0, "request.postsurgical_procedure") == "clinical.surgeries_performed[1]"
    # The lumbar request follows the latest of all, another region's: its sentence is why it is not after surgery.
    assert evidence_key(case, 2, "request.in_postsurgical_period") == "clinical.surgeries_performed[1]"


@pytest.mark.parametrize("summary, expected", [
    # One mention of surgery done, two operations listed after it: each takes the day written after it.
    # A year alone dates the operation by its span, first of the two here.
    ("He is s/p left CTR in 2015; right knee arthroscopy on 10/03/2016.",
     [("carpal_tunnel_release", None), ("knee_arthroscopy", dt.date(2016, 10, 3))]),
    ("She is status post a left knee meniscectomy on 09/02/2016 and a right carpal tunnel release on 12/19/2016.",
     [("knee_meniscectomy", dt.date(2016, 9, 2)), ("carpal_tunnel_release", dt.date(2016, 12, 19))]),
    ("Her surgical history includes a right carpal tunnel release (12/19/2016) and a left knee meniscectomy "
     "(09/02/2016).",
     [("knee_meniscectomy", dt.date(2016, 9, 2)), ("carpal_tunnel_release", dt.date(2016, 12, 19))]),
    # The operation planned in the next clause is not one done.
    ("Status post right carpal tunnel release on 12/19/2016; a left knee arthroscopy is scheduled.",
     [("carpal_tunnel_release", dt.date(2016, 12, 19))]),
])
def test_operations_listed_after_one_mention_are_each_a_surgery_done(summary, expected):
    case = read_synthetic(summary, [WRIST_PT, KNEE_PT])
    assert [(s.surgery, s.date) for s in case.clinical.surgeries_performed] == expected
    # Each operation's region is after surgery, so a knee listed second is the knee request's.
    regions = {s.body_region for s in case.clinical.surgeries_performed}
    assert regions <= set(case.regional_facts["clinical.is_post_surgical"])
    wrist, knee = (request_facts(case, index, UR_DAY) for index in range(2))
    assert wrist["request.postsurgical_procedure"] == "carpal_tunnel_release"
    assert knee.get("request.postsurgical_procedure") == next(
        (s.surgery for s in case.clinical.surgeries_performed if s.body_region == "knee"), None)


def test_names_of_one_operation_are_one_surgery_and_a_region_s_two_days_two():
    summary = "He is status post left shoulder arthroscopy with a rotator cuff repair and acromioplasty on 01/12/2016."
    case = read_synthetic(summary, [("Physical therapy 12 sessions left shoulder", REVIEWED)])
    assert [(s.surgery, s.date) for s in case.clinical.surgeries_performed] == [
        ("rotator_cuff_repair", dt.date(2016, 1, 12))]
    summary = "She underwent a left knee arthroscopy on 01/05/2015 and a left total knee arthroplasty on 11/03/2016."
    case, (knee,) = facts_of(summary, [KNEE_PT])
    assert [s.surgery for s in case.clinical.surgeries_performed] == ["knee_arthroscopy", "knee_arthroplasty"]
    # The knee follows its latest operation: the arthroplasty, three months before (within its four).
    assert knee["request.postsurgical_procedure"] == "knee_arthroplasty"
    assert knee["request.in_postsurgical_period"] is True
