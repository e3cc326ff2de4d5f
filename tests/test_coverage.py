"""`imr-check rules --coverage`: clauses with rules, rules with test cases, corpus topics without rules."""

import json
from pathlib import Path

from typer.testing import CliRunner

from imr_check.cli import app
from imr_check.coverage import measure

ROOT = Path(__file__).resolve().parents[1]


def test_every_bundled_rule_is_counted_with_its_test_cases(knowledge):
    coverage = measure(knowledge, ROOT / "tests" / "rules", None)
    assert set(coverage.cases_by_rule) == {rule.id for rule in knowledge.rules}
    assert coverage.rules_without_cases == []
    cited = {c for rules in coverage.rules_by_clause.values() for c in rules}
    assert cited == {rule.id for rule in knowledge.rules}


def test_corpus_topics_count_items_and_flag_topics_without_rules(knowledge, tmp_path):
    (tmp_path / "case.yaml").write_text(
        "case: {id: c1, request_date: 2015-01-20}\n"
        "requests:\n"
        "  - {text: Acupuncture x3, topic: acupuncture, sessions: 3, history: {prior_treatment: false}}\n"
        "  - {text: Something new, topic: other}\n"
    )
    (tmp_path / "broken.yaml").write_text("requests: [")
    coverage = measure(knowledge, None, [tmp_path])
    by_topic = {t.topic: t for t in coverage.corpus_topics}
    assert (by_topic["acupuncture"].items, by_topic["acupuncture"].decided, by_topic["acupuncture"].has_rules) == (1, 1, True)
    assert (by_topic["other"].items, by_topic["other"].decided, by_topic["other"].has_rules) == (1, 0, False)
    assert len(coverage.corpus_errors) == 1 and "broken.yaml" in coverage.corpus_errors[0]


def test_the_coverage_command_prints_json(tmp_path):
    result = CliRunner().invoke(app, ["rules", "--coverage", "--tests", str(ROOT / "tests" / "rules"),
                                      "--corpus", str(ROOT / "examples"), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["rules"]["without_cases"] == []
    assert sum(t["items"] for t in data["corpus_topics"]) >= 13
    assert data["clauses"]["total"] >= data["clauses"]["with_rules"] > 0
