"""`imr-check rules --lint`: unused parameters, fact paths nothing reads, titles whose figures are not the rule's."""

from __future__ import annotations

import textwrap

from typer.testing import CliRunner

from imr_check.cli import app
from imr_check.knowledge import load_knowledge_from
from imr_check.lint import lint

# The one-clause test guideline and the head of the rule file the knowledge tests write.
from test_knowledge import GUIDELINE, RULES_HEAD


RULES = RULES_HEAD + """\
  max_weeks: {value: 1, unit: weeks, cites: [test.clause]}
rules:
  - id: acupuncture.sessions
    title: TITLE
    require: {fact: request.sessions, lte: {param: max_sessions}}
    cites: [test.clause]
    explain: "{request.sessions} asked"
  - id: acupuncture.weeks
    title: A course lasts up to 7 days
    require: {fact: request.duration_weeks, lte: {param: max_weeks}}
    cites: [test.clause]
    explain: at most a week
"""


def _findings(tmp_path, title="A trial is 3 to 6 sessions", rules=RULES):
    (tmp_path / "g.yaml").write_text(GUIDELINE)
    (tmp_path / "r.yaml").write_text(textwrap.dedent(rules).replace("TITLE", title))
    return [str(f) for f in lint(load_knowledge_from([tmp_path / "g.yaml"], [tmp_path / "r.yaml"]))]


def test_a_title_figure_the_rule_does_not_hold_is_found(tmp_path):
    found = [f for f in _findings(tmp_path, "A trial is at most 8 sessions") if "title figure" in f]
    assert len(found) == 1 and "acupuncture.sessions" in found[0] and "'8'" in found[0] and "6" in found[0]


def test_a_range_and_a_figure_in_other_units_of_time_match(tmp_path):
    # "3 to 6" holds 6; "7 days" is the parameter's 1 week
    assert not [f for f in _findings(tmp_path) if "title figure" in f]


def test_an_unused_parameter_is_found(tmp_path):
    rules = RULES.replace("  max_weeks:", "  max_visits: {value: 2, cites: [test.clause]}\n  max_weeks:")
    found = [f for f in _findings(tmp_path, rules=rules) if "unused parameter" in f]
    assert found == [f"{tmp_path / 'r.yaml'}: unused parameter: no rule reads parameter 'max_visits'"]


def test_a_parameter_only_a_not_encoded_when_reads_is_used(tmp_path):
    rules = RULES.replace("  max_weeks:", "  max_visits: {value: 2, cites: [test.clause]}\n  max_weeks:")
    rules += ("not_encoded:\n  - what: Long courses\n    why: No criterion.\n"
              "    when: {fact: request.sessions, gt: {param: max_visits}}\n")
    assert not [f for f in _findings(tmp_path, rules=rules) if "unused parameter" in f]


def test_a_fact_no_rule_reads_is_found(tmp_path):
    found = _findings(tmp_path)
    assert any("unread fact" in f and "'clinical.red_flags'" in f for f in found)
    assert not any("'request.sessions'" in f or "'request.duration_weeks'" in f for f in found)


def test_the_shipped_rules_are_clean():
    result = CliRunner().invoke(app, ["rules", "--lint"])
    assert result.exit_code == 0, result.output
    assert "the rules are clean" in result.stdout


def test_every_fact_path_has_a_label_and_missing_documentation_shows_it():
    from pathlib import Path

    from imr_check import evaluate_case, load_case
    from imr_check.facts import fact_labels, fact_specs

    labels = fact_labels()
    assert set(labels) == set(fact_specs())
    example = Path(__file__).resolve().parents[1] / "examples" / "prescreen-acupuncture-first-trial-and-missing-history.yaml"
    missing = [m for r in evaluate_case(load_case(example)).requests for m in r.missing_documentation]
    assert missing
    for item in missing:
        assert item.label == labels[item.fact] and item.label != item.fact
    result = CliRunner().invoke(app, ["check", str(example)], env={"COLUMNS": "250"})
    assert labels[missing[0].fact] in result.stdout
