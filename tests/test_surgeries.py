"""The surgery vocabulary (rules/surgeries.yaml): one table for the case model, facts, reader and rules."""

from __future__ import annotations

import datetime as dt
import textwrap
import typing
from pathlib import Path

import pytest

from imr_check.case import Clinical, Request, load_case_text
from imr_check.errors import InputError, RuleLoadError
from imr_check.facts import postsurgical_periods, request_facts
from imr_check.knowledge import load_knowledge, load_knowledge_from
from imr_check.reader.classify import procedure
from imr_check.surgeries import expand_table_rules, load_surgery_table, surgery_table
from imr_check._yaml import load_yaml_text

TABLE = """\
schedule:
  trigger_finger:
    label: trigger finger release
    clause: postsurgical.trigger_finger_course
    general_course_visits: 9
    initial_course_visits: 4
    period_months: 4
procedures:
  trigger_finger_release:
    label: trigger finger release
    region: forearm_wrist_hand
    schedule: trigger_finger
    in_record:
      priority: 1
      phrases:
        - 'trigger finger release'
"""


def _table_problems(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "surgeries.yaml").write_text(textwrap.dedent(text))
    with pytest.raises(RuleLoadError) as caught:
        load_surgery_table(tmp_path / "surgeries.yaml")
    return [str(p) for p in caught.value.problems]


def test_a_valid_table_loads_and_gives_names_regions_and_periods(tmp_path):
    (tmp_path / "surgeries.yaml").write_text(TABLE)
    table = load_surgery_table(tmp_path / "surgeries.yaml")
    assert table.performed_names() == ("trigger_finger_release", "other")
    assert table.regions() == {"trigger_finger_release": "forearm_wrist_hand"}
    assert table.periods() == {"trigger_finger_release": 4}
    assert [name for name, _ in table.recognisers("in_record")] == ["trigger_finger_release"]


@pytest.mark.parametrize("change, expected", [
    (("    region: forearm_wrist_hand\n", "    region: wrist\n"), ":11 at procedures.trigger_finger_release.region"),
    (("    schedule: trigger_finger\n", "    schedule: trigger_thumb\n"), "unknown schedule row 'trigger_thumb'"),
    (("    label: trigger finger release\n    region", "    lable: x\n    region"), "unknown key 'lable'"),
    (("initial_course_visits: 4", "initial_course_visits: 5"), "half the general course of 9 visits in whole visits, 4"),
    (("'trigger finger release'", "'trigger (finger release'"), "is not a regular expression"),
])
def test_a_broken_table_names_the_line_and_what_is_allowed(tmp_path, change, expected):
    problems = _table_problems(tmp_path, TABLE.replace(*change))
    assert any(expected in p for p in problems), problems
    assert all("surgeries.yaml" in p for p in problems)


def test_two_procedures_may_not_share_a_priority(tmp_path):
    second = TABLE + """\
  trigger_thumb_release:
    label: trigger thumb release
    schedule: trigger_finger
    in_record: {priority: 1, phrases: ['trigger thumb']}
"""
    problems = _table_problems(tmp_path, second)
    assert any("share in_record priority 1" in p for p in problems), problems


def test_the_case_model_takes_its_procedure_names_from_the_table():
    table = surgery_table()
    performed = typing.get_args(typing.get_args(Clinical.model_fields["surgery_performed"].annotation)[0])
    requested = typing.get_args(typing.get_args(Request.model_fields["procedure"].annotation)[0])
    assert performed == table.performed_names()
    assert requested == table.requested_names()
    assert "epidural_adhesiolysis" in requested and "epidural_adhesiolysis" not in performed
    with pytest.raises(InputError, match="procedure"):
        load_case_text("requests:\n  - {text: Surgery, topic: surgery, procedure: appendectomy}\n", "case.yaml")


def test_periods_come_from_the_schedule_rows_and_a_procedure_can_leave_its_period_out():
    periods = postsurgical_periods()
    assert periods["knee_arthroplasty"] == 4 and periods["carpal_tunnel_release"] == 3
    assert periods["knee_meniscectomy"] == 6
    assert "knee_arthroscopy" not in periods  # shares the meniscectomy's row, not its period
    assert "hip_arthroplasty" not in periods  # no row encoded


def _facts(request: str, clinical: str = "{}") -> dict:
    case = load_case_text(f"case: {{request_date: 2016-12-20}}\nclinical: {clinical}\nrequests:\n  - {request}\n", "c.yaml")
    return request_facts(case, 0, dt.date(2016, 12, 20))


def test_the_postsurgical_course_is_the_schedule_row_of_the_surgery():
    assert _facts("{text: PT, topic: surgical_associated_service, procedure: slap_repair}")[
        "request.postsurgical_course"] == "shoulder_repair"
    done = _facts("{text: PT, topic: physical_therapy, body_region: knee}",
                  "{surgery_performed: knee_arthroscopy}")
    assert done["request.postsurgical_course"] == "meniscectomy"
    assert "request.postsurgical_course" not in _facts(
        "{text: PT, topic: surgical_associated_service, procedure: hip_arthroplasty}")
    # therapy for another region does not follow the surgery: the region comes from the table
    assert "request.postsurgical_course" not in _facts(
        "{text: PT, topic: physical_therapy, body_region: shoulder}", "{surgery_performed: knee_arthroscopy}")


def test_the_reader_recognises_procedures_by_the_tables_phrases_in_priority_order():
    assert procedure("Lumbar fusion L4-5") == "lumbar_fusion"
    assert procedure("Right shoulder SLAP and rotator cuff repair") == "slap_repair"  # priority 2 before 3
    assert procedure("Appendectomy") == "other"


RULES = """\
topic: surgical_associated_service
guideline_version: Test
effective: {from: 2009-07-18}
rules:
  - for_each: postsurgical_schedule
    rule:
      id: surgical_associated_service.test_{row.key}
      title: At most {row.initial_course_visits} visits after {row.label}
      when: {fact: request.postsurgical_course, eq: '{row.name}'}
      require: {fact: request.sessions, lte: {param: initial_course_visits}}
      otherwise: {supports_up_to: initial_course_visits}
      cites: ['{row.clause}']
      explain: "{initial_course_visits} of {general_course_visits}"
"""


def _load_table_rules(tmp_path: Path, rules: str):
    """A rule file written here, loaded against the bundled guidelines (the schedule's clauses are there)."""
    (tmp_path / "r.yaml").write_text(rules)
    guidelines = sorted(Path(load_knowledge().clauses["postsurgical.initial_course_half"].file).parent.glob("*.yaml"))
    return load_knowledge_from(guidelines, [tmp_path / "r.yaml"])


def _table_rule_problems(tmp_path: Path, rules: str) -> list[str]:
    with pytest.raises(RuleLoadError) as caught:
        _load_table_rules(tmp_path, rules)
    return [str(p) for p in caught.value.problems]


def test_a_table_rule_is_one_rule_per_row_with_the_rows_figures_and_clause(tmp_path):
    knowledge = _load_table_rules(tmp_path, RULES)
    rules = {r.id: r for r in knowledge.rules}
    assert len(rules) == len(surgery_table().schedule)
    fusion = rules["surgical_associated_service.test_fusion"]  # the row's rule_key
    assert fusion.rule.title == "At most 17 visits after lumbar fusion"
    assert fusion.parameters["initial_course_visits"].value == 17
    assert fusion.parameters["initial_course_visits"].cites == ["postsurgical.initial_course_half",
                                                                "postsurgical.lumbar_fusion_course"]
    assert fusion.rule.cites == ["postsurgical.lumbar_fusion_course"]
    assert fusion.line == 6


def test_a_changed_row_changes_its_rule(tmp_path):
    (tmp_path / "surgeries.yaml").write_text(TABLE.replace("general_course_visits: 9\n    initial_course_visits: 4",
                                                           "general_course_visits: 12\n    initial_course_visits: 6"))
    table = load_surgery_table(tmp_path / "surgeries.yaml")
    data, parameters, problems = expand_table_rules(load_yaml_text(RULES, "r.yaml"), "r.yaml", table)
    assert problems == []
    assert [r["title"] for r in data["rules"]] == ["At most 6 visits after trigger finger release"]
    assert parameters[0]["general_course_visits"]["value"] == 12


@pytest.mark.parametrize("change, expected", [
    (("for_each: postsurgical_schedule", "for_each: visit_caps"), "a table rule is {for_each: postsurgical_schedule"),
    (("{row.label}", "{row.lable}"), "unknown column {row.lable}"),
])
def test_a_broken_table_rule_is_an_error_naming_the_line(tmp_path, change, expected):
    data, _, problems = expand_table_rules(load_yaml_text(RULES.replace(*change), "r.yaml"), "r.yaml")
    assert [str(p) for p in problems if expected in str(p) and "r.yaml:" in str(p)], problems


def test_every_schedule_row_has_its_two_course_rules_and_its_clause():
    knowledge = load_knowledge()
    for key, row in surgery_table().schedule.items():
        assert row.clause in knowledge.clauses
        for part in ("initial", "total"):
            rule = knowledge.rule(f"surgical_associated_service.therapy_{row.rule_key or key}_{part}")
            assert rule is not None and row.clause in rule.rule.cites


def test_a_broken_vocabulary_reaches_the_command_line_as_an_error_naming_its_line(tmp_path):
    """The case model is built from the table on import: the console script reports, exit 2, no traceback."""
    import shutil
    import subprocess
    import sys

    from imr_check._data import rules_dir

    copied = tmp_path / "rules"
    shutil.copytree(rules_dir(), copied)
    table = copied / "surgeries.yaml"
    table.write_text(table.read_text().replace("    region: hip_pelvis\n", "    region: hip\n"))
    script = ("import sys, pathlib, imr_check._data as data\n"
              f"data.rules_dir = lambda: pathlib.Path({str(copied)!r})\n"
              "from imr_check._entry import main\n"
              "sys.argv = ['imr-check', 'rules']\n"
              "main()\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "surgeries.yaml:" in done.stderr and "procedures.hip_arthroplasty.region" in done.stderr


def test_the_case_models_descriptions_name_the_tables_procedures():
    description = Request.model_fields["procedure"].description
    for entry in surgery_table().procedures.values():
        assert entry.label in description
    assert "epidural adhesiolysis" not in Clinical.model_fields["surgery_performed"].description


def test_a_mistake_in_a_table_rule_is_reported_once_at_the_templates_line(tmp_path):
    problems = _table_rule_problems(tmp_path, RULES.replace("request.sessions, lte", "request.sesions, lte"))
    assert len(problems) == 1 and "r.yaml:10" in problems[0] and "request.sesions" in problems[0], problems


def test_an_unknown_key_in_a_table_rule_is_reported_once_where_the_template_is(tmp_path):
    problems = _table_rule_problems(tmp_path, RULES.replace("      cites: ['{row.clause}']", "      cite: ['{row.clause}']"))
    assert any("r.yaml:12 at rules[0].rule.cite: unknown key 'cite'" in p for p in problems), problems
    assert len(problems) == len(set(problems)) == 2, problems  # the stray key, and the missing cites


def test_the_shipped_rows_agree_with_their_clauses_titles():
    from imr_check.surgeries import schedule_clause_problems

    titles = {i: c.clause.title for i, c in load_knowledge().clauses.items()}
    assert schedule_clause_problems(titles) == []


def test_a_row_whose_figures_its_clause_title_does_not_state_is_a_load_error(tmp_path, monkeypatch):
    import imr_check.surgeries as surgeries

    (tmp_path / "surgeries.yaml").write_text(TABLE.replace("general_course_visits: 9\n    initial_course_visits: 4",
                                                           "general_course_visits: 10\n    initial_course_visits: 5"))
    monkeypatch.setattr(surgeries, "surgery_table", lambda: load_surgery_table(tmp_path / "surgeries.yaml"))
    titles = {i: c.clause.title for i, c in load_knowledge().clauses.items()}
    problems = [str(p) for p in surgeries.schedule_clause_problems(titles)]
    assert len(problems) == 1 and "at schedule.trigger_finger" in problems[0], problems
    assert "does not state 10 visits" in problems[0]
    assert "unknown clause id" in str(surgeries.schedule_clause_problems({})[0])
