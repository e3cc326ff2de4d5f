"""Loading guidelines/ and rules/: every broken reference is an error naming the file and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from imr_check.errors import RuleLoadError
from imr_check.knowledge import load_knowledge_from

GUIDELINE = """\
source:
  id: test_source
  title: Test guideline
  authority: nowhere
  effective: {from: 2009-01-01}
clauses:
  - id: test.clause
    title: A clause
    citation: p. 1
    summary: Says something.
"""

# The head of the one-topic rule file the loading, lint and remainder tests write: one version, one parameter.
RULES_HEAD = """\
topic: acupuncture
guideline_version: Test 2009
effective: {from: 2009-01-01}
parameters:
  max_sessions: {value: 6, cites: [test.clause]}
"""

RULES = RULES_HEAD + """\
rules:
  - id: acupuncture.test_rule
    title: A rule
    require: {fact: request.sessions, lte: {param: max_sessions}}
    cites: [test.clause]
    explain: "{max_sessions} at most; {request.sessions} asked"
"""


def _load(tmp_path: Path, rules: str, guideline: str = GUIDELINE):
    (tmp_path / "g.yaml").write_text(textwrap.dedent(guideline))
    (tmp_path / "r.yaml").write_text(textwrap.dedent(rules))
    return load_knowledge_from([tmp_path / "g.yaml"], [tmp_path / "r.yaml"])


def _problems(tmp_path: Path, rules: str, guideline: str = GUIDELINE) -> list[str]:
    with pytest.raises(RuleLoadError) as caught:
        _load(tmp_path, rules, guideline)
    return [str(p) for p in caught.value.problems]


def test_a_valid_rule_file_loads(tmp_path):
    knowledge = _load(tmp_path, RULES)
    assert [r.id for r in knowledge.rules] == ["acupuncture.test_rule"]
    assert knowledge.rules[0].line == 7


def test_an_unknown_clause_id_names_file_line_and_a_suggestion(tmp_path):
    problems = _problems(tmp_path, RULES.replace("cites: [test.clause]\n    explain", "cites: [test.clauze]\n    explain"))
    assert len(problems) == 1
    assert "r.yaml:10" in problems[0] and "unknown clause id 'test.clauze'" in problems[0]
    assert "did you mean 'test.clause'" in problems[0]


def test_an_unknown_fact_path_is_an_error_with_a_suggestion(tmp_path):
    problems = _problems(tmp_path, RULES.replace("request.sessions, lte", "request.sesions, lte"))
    assert any("r.yaml:9" in p and "unknown fact 'request.sesions'" in p and "did you mean 'request.sessions'" in p
               for p in problems), problems


def test_an_operator_that_does_not_fit_the_fact_kind_is_an_error(tmp_path):
    problems = _problems(tmp_path, RULES.replace("{fact: request.sessions, lte: {param: max_sessions}}",
                                                 "{fact: clinical.red_flags, lte: 3}"))
    assert any("operator 'lte' does not fit bool fact 'clinical.red_flags'" in p for p in problems), problems


def test_a_malformed_condition_is_an_error_naming_the_line(tmp_path):
    problems = _problems(tmp_path, RULES.replace("{fact: request.sessions, lte: {param: max_sessions}}",
                                                 "{every: [{fact: request.sessions, lte: 3}]}"))
    assert any("r.yaml:9" in p and "a condition is one of" in p for p in problems), problems


def test_a_comparison_with_two_operators_is_an_error(tmp_path):
    problems = _problems(tmp_path, RULES.replace("lte: {param: max_sessions}", "lte: 3, gte: 1"))
    assert any("exactly one operator" in p for p in problems), problems


def test_an_unknown_key_in_a_rule_gets_a_did_you_mean(tmp_path):
    problems = _problems(tmp_path, RULES.replace("    explain:", "    explian: x\n    explain:"))
    assert any("unknown key 'explian'" in p and "did you mean 'explain'" in p for p in problems), problems


def test_an_unknown_parameter_and_placeholder_are_errors(tmp_path):
    problems = _problems(tmp_path, RULES.replace("{param: max_sessions}}", "{param: max_session}}")
                         .replace("{request.sessions} asked", "{request.sesions} asked"))
    assert any("unknown parameter 'max_session'" in p for p in problems), problems
    assert any("explain uses {request.sesions}" in p for p in problems), problems


def test_a_duplicate_rule_id_is_an_error(tmp_path):
    rule = RULES.split("rules:\n")[1]
    problems = _problems(tmp_path, RULES + rule)
    assert any("already used" in p for p in problems), problems


def test_an_unknown_topic_is_an_error(tmp_path):
    problems = _problems(tmp_path, RULES.replace("topic: acupuncture", "topic: acupunture"))
    assert any("unknown topic 'acupunture'" in p and "did you mean 'acupuncture'" in p for p in problems), problems


def test_effective_windows_must_be_ordered(tmp_path):
    problems = _problems(tmp_path, RULES.replace("effective: {from: 2009-01-01}",
                                                 "effective: {from: 2009-01-01, to: 2008-01-01}"))
    assert any("'to' must be after 'from'" in p for p in problems), problems


def test_the_bundled_knowledge_loads(knowledge):
    assert knowledge.rules and knowledge.clauses
    for rule in knowledge.rules:
        for clause_id in rule.rule.cites:
            assert clause_id in knowledge.clauses


def test_a_remainder_counted_from_an_unknown_or_non_number_fact_is_an_error(tmp_path):
    capped = RULES.replace("    cites: [test.clause]\n    explain",
                           "    otherwise: {supports_up_to: max_sessions, less: request.sesions_given}\n"
                           "    cites: [test.clause]\n    explain")
    problems = _problems(tmp_path, capped)
    assert any("less needs a number fact" in p and "unknown" in p for p in problems), problems
    problems = _problems(tmp_path, capped.replace("request.sesions_given", "request.text"))
    assert any("less needs a number fact" in p for p in problems), problems
    problems = _problems(tmp_path, capped.replace("request.sesions_given", "clinical.red_flags"))
    assert any("'clinical.red_flags' is not a number" in p for p in problems), problems


DATED = """\
topic: acupuncture
guideline_version:
  2009-01-01: Test 2009
  2016-01-01: Test 2016
effective: {from: 2009-01-01, to: 2018-01-01}
parameters:
  max_sessions:
    values: {2009-01-01: 6, 2016-01-01: 4}
    cites: {2009-01-01: [test.clause], 2016-01-01: [test.clause_2016]}
rules:
  - id: acupuncture.test_rule
    title:
      2009-01-01: At most 6
      2016-01-01: At most 4
    require: {fact: request.sessions, lte: {param: max_sessions}}
    cites: {2009-01-01: [test.clause], 2016-01-01: [test.clause_2016]}
    explain: "{max_sessions} at most"
"""

DATED_GUIDELINE = GUIDELINE + """\
  - id: test.clause_2016
    title: The clause as updated
    citation: p. 2
    effective: {from: 2016-01-01}
    summary: Says something else.
"""


def test_a_rule_written_once_has_one_version_per_date_with_one_id(tmp_path):
    import datetime as dt

    knowledge = _load(tmp_path, DATED, DATED_GUIDELINE)
    old, new = knowledge.versions_of("acupuncture.test_rule")
    assert (old.guideline_version, old.rule.title, old.parameters["max_sessions"].value) == ("Test 2009", "At most 6", 6)
    assert (new.guideline_version, new.rule.title, new.parameters["max_sessions"].value) == ("Test 2016", "At most 4", 4)
    assert old.effective.to == new.effective.from_ == dt.date(2016, 1, 1)
    assert new.clauses == ["test.clause_2016"]
    assert knowledge.rule("acupuncture.test_rule", dt.date(2015, 12, 31)) is old


def test_a_dated_value_must_change_with_a_version(tmp_path):
    problems = _problems(tmp_path, DATED.replace("2016-01-01: 4}", "2015-06-01: 4}"), DATED_GUIDELINE)
    assert any("2015-06-01 is not the start of a version" in p and "r.yaml:8" in p for p in problems), problems


def test_a_rule_in_force_outside_a_cited_clause_is_an_error(tmp_path):
    # the 2016 clause cited from 2009 on
    problems = _problems(tmp_path, DATED.replace("{2009-01-01: [test.clause], 2016-01-01: [test.clause_2016]}\n    explain",
                                                 "[test.clause_2016]\n    explain"), DATED_GUIDELINE)
    assert any("is in force 2009-01-01 to 2016-01-01 but cites 'test.clause_2016', in force from 2016-01-01" in p
               for p in problems), problems


def test_one_id_twice_needs_disjoint_dates(tmp_path):
    second = """
  - id: acupuncture.test_rule
    title: Changed logic
    require: {fact: request.sessions, lte: 3}
    cites: [test.clause]
    explain: at most 3
    effective: {from: 2012-01-01, to: 2016-01-01}
"""
    problems = _problems(tmp_path, DATED + second, DATED_GUIDELINE)
    assert any("rule id 'acupuncture.test_rule' already used" in p for p in problems), problems
    first_until_2012 = DATED.replace('    explain: "{max_sessions} at most"\n',
                                     '    explain: "{max_sessions} at most"\n    effective: {from: 2009-01-01, to: 2012-01-01}\n')
    knowledge = _load(tmp_path, first_until_2012 + second, DATED_GUIDELINE)
    assert [r.rule.title for r in knowledge.versions_of("acupuncture.test_rule")] == ["At most 6", "Changed logic"]


def test_a_parameter_has_value_or_values_not_both(tmp_path):
    problems = _problems(tmp_path, RULES.replace("{value: 6,", "{value: 6, values: {2009-01-01: 6},"))
    assert any("either 'value'" in p for p in problems), problems


def test_a_malformed_dated_value_names_its_date_and_line(tmp_path):
    problems = _problems(tmp_path, DATED.replace("values: {2009-01-01: 6, 2016-01-01: 4}",
                                                 "values: {2009-01-01: 6, 2016-01-01: [4, {x: 1}]}")
                         .replace("      2016-01-01: At most 4", "      2016-01-01: [At most 4]"), DATED_GUIDELINE)
    assert any(p.startswith(f"{tmp_path / 'r.yaml'}:8 at parameters.max_sessions.values.2016-01-01[1]: ")
               for p in problems), problems
    assert any("r.yaml:14 at rules[0].title.2016-01-01: Input should be a valid string" in p for p in problems), problems
    assert not any("datetime.date" in p or "dict[" in p for p in problems), problems


TABLE = """\
topic: physical_therapy
guideline_version: {2009-01-01: Test 2009, 2016-01-01: Test 2016}
effective: {from: 2009-01-01, to: 2018-01-01}
parameters:
  max_visits: {value: 10, cites: [test.clause]}
tables:
  visits_by_condition:
    key: clinical.pain_condition
    unit: visits
    rows:
      crps: {label: CRPS, values: {2009-01-01: 24, 2016-01-01: 26}, cites: [test.clause]}
      arthritis: {label: arthritis, values: {2016-01-01: 9}, cites: [test.clause_2016]}
rules:
  - id: physical_therapy.visits
    title: At most 10 visits
    unless: {fact: clinical.pain_condition, in: {table_keys: visits_by_condition}}
    require: {fact: request.total_sessions, lte: {param: max_visits}}
    cites: [test.clause]
    explain: "{max_visits} visits"
  - id: physical_therapy.visits_{row}
    for_each_row: visits_by_condition
    title: For {row.label}, at most {row.value} visits
    when: {fact: clinical.pain_condition, eq: {row: key}}
    require: {fact: request.total_sessions, lte: {row: value}}
    cites: [row.cites]
    explain: "{row.value} visits for {row.label}"
"""


def test_a_table_stands_for_one_rule_per_row_each_in_force_from_its_first_value(tmp_path):
    import datetime as dt

    knowledge = _load(tmp_path, TABLE, DATED_GUIDELINE)
    crps = knowledge.versions_of("physical_therapy.visits_crps")
    assert [(r.rule.title, r.rule.cites) for r in crps] == [("For CRPS, at most 24 visits", ["test.clause"]),
                                                           ("For CRPS, at most 26 visits", ["test.clause"])]
    (arthritis,) = knowledge.versions_of("physical_therapy.visits_arthritis")
    assert arthritis.effective.from_ == dt.date(2016, 1, 1) and arthritis.rule.title == "For arthritis, at most 9 visits"
    assert arthritis.rule.explain == "{visits_by_condition__arthritis} visits for arthritis"
    general = {r.effective.from_.year: r.parameters_used["visits_by_condition__keys"].value
               for r in knowledge.versions_of("physical_therapy.visits")}
    assert general == {2009: ["crps"], 2016: ["crps", "arthritis"]}


def test_a_rule_per_row_of_an_unknown_table_is_an_error(tmp_path):
    problems = _problems(tmp_path, TABLE.replace("for_each_row: visits_by_condition", "for_each_row: visits_by_conditon"),
                         DATED_GUIDELINE)
    assert any("r.yaml:21" in p and "unknown table 'visits_by_conditon'" in p and "did you mean" in p
               for p in problems), problems


def test_the_chronic_pain_course_steps_aside_for_every_region_odg_counts_a_sprain_for(knowledge):
    # One list, kept in the ODG file: the CPMTG course rule reads the regions ODG's acute sprain table has rows for.
    import yaml

    rules = Path(__file__).resolve().parents[1] / "rules"
    odg = yaml.safe_load((rules / "physical_therapy_acute_odg.yaml").read_text())
    cpmtg = yaml.safe_load((rules / "physical_therapy.yaml").read_text())
    assert cpmtg["parameters"]["acute_sprain_regions"]["value"] == {"table_keys": "acute_sprain_visits_by_region"}
    versions = knowledge.versions_of("physical_therapy.course_visits")
    assert versions and all(r.parameters["acute_sprain_regions"].value == list(odg["tables"]["acute_sprain_visits_by_region"]
                                                                               ["rows"]) for r in versions)
    assert odg["parameters"]["acute_phase_weeks"] == cpmtg["parameters"]["acute_phase_weeks"]


REGION_TABLE = """\
tables:
  visits_by_region:
    key: request.body_region
    unit: visits
    rows:
      knee: {label: a knee, value: 12, cites: [test.clause]}
      shoulder: {label: a shoulder, value: 10, cites: [test.clause]}
"""

ROWS_FILE = """\
topic: physical_therapy
guideline_version: Test 2009
effective: {from: 2009-01-01}
""" + REGION_TABLE + """\
rules:
  - id: physical_therapy.region_{row}
    for_each_row: visits_by_region
    title: For {row.label}, at most {row.value} visits
    when: {fact: request.body_region, eq: {row: key}}
    require: {fact: request.total_sessions, lte: {row: value}}
    cites: [row.cites]
    explain: "{row.value} visits for {row.label}"
"""

KEYS_FILE = """\
topic: physical_therapy
guideline_version: Test 2009
effective: {from: 2009-01-01}
parameters:
  regions_counted_elsewhere: {value: {table_keys: visits_by_region}, cites: [test.clause]}
rules:
  - id: physical_therapy.general
    title: A rule
    unless: {fact: request.body_region, in: {param: regions_counted_elsewhere}}
    require: {fact: request.total_sessions, lte: 10}
    cites: [test.clause]
    explain: "at most 10 visits"
"""


def _load_two(tmp_path: Path, first: str, second: str):
    (tmp_path / "g.yaml").write_text(GUIDELINE)
    (tmp_path / "a.yaml").write_text(first)
    (tmp_path / "b.yaml").write_text(second)
    return load_knowledge_from([tmp_path / "g.yaml"], [tmp_path / "a.yaml", tmp_path / "b.yaml"])


def _problems_of_two(tmp_path: Path, first: str, second: str) -> list[str]:
    with pytest.raises(RuleLoadError) as caught:
        _load_two(tmp_path, first, second)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("order", ["keys file first", "table file first"])
def test_a_parameter_lists_the_keys_of_a_table_in_another_file(tmp_path, order):
    files = (KEYS_FILE, ROWS_FILE) if order == "keys file first" else (ROWS_FILE, KEYS_FILE)
    (general,) = _load_two(tmp_path, *files).versions_of("physical_therapy.general")
    assert general.parameters["regions_counted_elsewhere"].value == ["knee", "shoulder"]
    assert general.parameters["regions_counted_elsewhere"].cites == ["test.clause"]


def test_a_parameter_listing_an_unknown_table_is_an_error_naming_the_line(tmp_path):
    problems = _problems_of_two(tmp_path, ROWS_FILE, KEYS_FILE.replace("{table_keys: visits_by_region}",
                                                                       "{table_keys: visits_by_regoin}"))
    assert any("b.yaml:5" in p and "unknown table 'visits_by_regoin'" in p and "did you mean 'visits_by_region'" in p
               for p in problems), problems


def test_a_parameter_listing_a_table_two_files_hold_is_an_error(tmp_path):
    problems = _problems_of_two(tmp_path, ROWS_FILE, KEYS_FILE + REGION_TABLE)
    assert any("'visits_by_region' is in several files (a.yaml, b.yaml)" in p for p in problems), problems


def test_a_parameter_does_not_list_a_table_whose_rows_are_dated(tmp_path):
    dated = ROWS_FILE.replace("value: 12,", "values: {2009-01-01: 12},")
    problems = _problems_of_two(tmp_path, dated, KEYS_FILE)
    assert any("b.yaml:5" in p and "rows with dated values" in p for p in problems), problems
