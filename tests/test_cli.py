"""The `imr-check` command, invoked as a user would: every example file, every subcommand, and
every kind of bad input (exit 2, a message naming the file and line, never a traceback)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from imr_check import evaluate_case, load_case, load_knowledge
from imr_check.cli import app
from imr_check.facts import fact_specs
from imr_check.report import to_data

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "examples"
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.yaml"))
# Wide enough that rich never truncates an id or a request's text.
WIDE = {"COLUMNS": "250"}
LABELS = {"certify": "CERTIFY", "modify": "MODIFY", "non_certify": "NON-CERTIFY", "undetermined": "UNDETERMINED"}
SCRIPT = Path(sys.executable).with_name("imr-check")

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), env=WIDE)


def expected(path: Path) -> dict:
    return to_data(evaluate_case(load_case(path)))


def assert_no_traceback(result) -> None:
    # CliRunner stores an uncaught exception instead of printing it; SystemExit is the clean path.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


def test_there_are_examples():
    assert len(EXAMPLES) >= 8, f"expected the 5 seed and 3+ pre-screen examples in {EXAMPLES_DIR}"


# --- check, on every example ------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_check_text_names_each_request_and_its_determination(path: Path):
    result = invoke("check", str(path))
    assert result.exit_code == 0, result.output
    assert_no_traceback(result)
    out = result.stdout
    requests = expected(path)["requests"]
    titles = [f"{r['request_id']}: {r['text']}" for r in requests]
    starts = [out.index(title) for title in titles]
    assert starts == sorted(starts), "requests are reported in the order of the case file"
    for i, request in enumerate(requests):
        panel = out[starts[i]: starts[i + 1] if i + 1 < len(starts) else len(out)]
        first_line = panel.splitlines()[1]
        assert re.search(rf"\b{LABELS[request['determination']]}\b", first_line), (titles[i], first_line)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_check_json_is_the_engines_result(path: Path):
    result = invoke("check", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == expected(path)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_check_yaml_parses_to_the_engines_result(path: Path):
    result = invoke("check", str(path), "-f", "yaml")
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.stdout) == expected(path)


def test_bare_case_file_argument_means_check():
    """`imr-check CASE.yaml` (no subcommand) goes through main(), which inserts `check`."""
    path = EXAMPLES[0]
    process = subprocess.run([str(SCRIPT), str(path), "--format", "json"], capture_output=True, text=True,
                             timeout=120, env={**os.environ, **WIDE})
    assert process.returncode == 0, process.stderr
    assert json.loads(process.stdout) == expected(path)


def test_bare_invalid_case_file_exits_2_without_traceback(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("requests:\n  - text: x\n    topic: acupuncture\n    sesions: 3\n")
    process = subprocess.run([str(SCRIPT), str(bad)], capture_output=True, text=True, timeout=120)
    assert process.returncode == 2
    assert f"{bad}:4" in process.stderr and "did you mean 'sessions'" in process.stderr
    assert "Traceback" not in process.stderr + process.stdout


# --- invalid input ----------------------------------------------------------------------------

VALID_REQUEST = "requests:\n  - text: Acupuncture x6\n    topic: acupuncture\n    sessions: 6\n"

INVALID = {
    # name: (file content, line expected in the message, text expected in the message)
    "unknown key": ("requests:\n  - text: x\n    topic: acupuncture\n    sesions: 6\n", 4, "did you mean 'sessions'"),
    "unknown nested key": ("clinical:\n  acute_flareup: true\n" + VALID_REQUEST, 2, "did you mean 'acute_flare_up'"),
    "unknown topic": ("requests:\n  - text: x\n    topic: acupunture\n", 3, "did you mean 'acupuncture'"),
    "wrong type": ("requests:\n  - text: x\n    topic: acupuncture\n    sessions: many\n", 4, "valid integer"),
    "wrong boolean": ("clinical:\n  red_flags: perhaps\n" + VALID_REQUEST, 2, "expected true or false"),
    "out of range": ("patient:\n  age: 300\n" + VALID_REQUEST, 2, "less than or equal to 120"),
    "negative sessions": ("requests:\n  - text: x\n    topic: acupuncture\n    sessions: -1\n", 4, "greater than or equal to 0"),
    "pain above 10": ("clinical:\n  pain: {current: 11}\n" + VALID_REQUEST, 2, "less than or equal to 10"),
    "impossible date": ("case:\n  injury_date: 2015-02-30\n" + VALID_REQUEST, 2, "not a valid date"),
    "impossible trauma date": ("clinical:\n  dated_traumas:\n    - {date: 2017-02-30}\n" + VALID_REQUEST, 3,
                               "not a valid date"),
    "trauma date as a number": ("clinical:\n  dated_traumas:\n    - {date: 20170130}\n" + VALID_REQUEST, 3,
                                "expected a date written as YYYY-MM-DD"),
    "trauma without its mapping": ("clinical:\n  dated_traumas: [2017-01-30]\n" + VALID_REQUEST, 2,
                                   "a dated trauma is written {date: YYYY-MM-DD"),
    "bad YAML": ("requests:\n  - text: [unclosed\n    topic: acupuncture\n", None, "not valid YAML"),
    "tab indentation": ("requests:\n\t- text: x\n", 2, "not valid YAML"),
    "no requests": ("case:\n  id: x\nrequests: []\n", 3, "at least 1 item"),
    "top-level list": ("- requests\n", 1, "expected a mapping"),
    "empty file": ("", None, "is empty"),
    "only a comment": ("# nothing here\n", None, "is empty"),
}


@pytest.mark.parametrize("name", list(INVALID))
def test_invalid_case_exits_2_with_file_line_and_message(name: str, tmp_path: Path):
    text, line, message = INVALID[name]
    path = tmp_path / "case.yaml"
    path.write_text(text)
    result = invoke("check", str(path))
    assert result.exit_code == 2, result.output
    assert_no_traceback(result)
    assert result.stdout == ""
    assert "error" in result.stderr
    assert message in result.stderr
    if line is not None:
        assert f"{path}:{line}" in result.stderr
    else:
        assert str(path) in result.stderr


def test_missing_file_exits_2(tmp_path: Path):
    result = invoke("check", str(tmp_path / "nowhere.yaml"))
    assert result.exit_code == 2
    assert_no_traceback(result)
    assert "nowhere.yaml" in result.stderr and "no such file" in result.stderr


def test_directory_exits_2(tmp_path: Path):
    result = invoke("check", str(tmp_path))
    assert result.exit_code == 2
    assert_no_traceback(result)
    assert "is a directory" in result.stderr


@pytest.mark.parametrize("content", [b"\x00\x01\xff\xfe binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"req\x00uests: []"],
                         ids=["bytes", "png", "nul"])
def test_binary_file_exits_2(content: bytes, tmp_path: Path):
    path = tmp_path / "case.yaml"
    path.write_bytes(content)
    result = invoke("check", str(path))
    assert result.exit_code == 2, result.output
    assert_no_traceback(result)
    assert str(path) in result.stderr and "error" in result.stderr


def test_unknown_format_is_a_usage_error():
    result = invoke("check", str(EXAMPLES[0]), "--format", "xml")
    assert result.exit_code == 2
    assert_no_traceback(result)


# --- schema, rules, explain, facts ------------------------------------------------------------


def _as_json(value):
    """A YAML document as JSON would carry it (dates as ISO strings), for the JSON Schema."""
    return json.loads(json.dumps(value, default=lambda v: v.isoformat() if isinstance(v, dt.date) else str(v)))


@pytest.fixture(scope="module")
def case_schema() -> dict:
    result = invoke("schema")
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_schema_validates_the_example(case_schema: dict, path: Path):
    jsonschema.validate(_as_json(yaml.safe_load(path.read_text())), case_schema)


def test_schema_rejects_what_the_loader_rejects(case_schema: dict):
    document = _as_json(yaml.safe_load(EXAMPLES[0].read_text()))
    document["requests"][0]["sesions"] = 3
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, case_schema)
    del document["requests"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, case_schema)


def test_rules_lists_every_rule():
    result = invoke("rules")
    assert result.exit_code == 0, result.output
    rules = load_knowledge().rules
    assert rules
    for rule in rules:
        assert rule.id in result.stdout
    assert f"{len(rules)} rules" in result.stdout


def test_rules_for_one_topic_lists_only_its_rules():
    result = invoke("rules", "--topic", "acupuncture")
    assert result.exit_code == 0, result.output
    for rule in load_knowledge().rules:
        assert (rule.id in result.stdout) == ("acupuncture" in rule.topics), rule.id


@pytest.mark.parametrize("output_format, parse", [("json", json.loads), ("yaml", yaml.safe_load)])
def test_rules_as_data(output_format, parse):
    result = invoke("rules", "--topic", "massage", "--format", output_format)
    assert result.exit_code == 0, result.output
    rows = parse(result.stdout)["rules"]
    expected = {rule.id for rule in load_knowledge().rules if "massage" in rule.topics}
    assert {row["id"] for row in rows} == expected
    assert all(row["in_force"]["from"] and row["cites"] and row["guideline_version"] for row in rows)


def test_rules_for_an_unknown_topic_exit_2_naming_the_allowed_ones():
    result = invoke("rules", "--topic", "acupunture")
    assert result.exit_code == 2
    assert "unknown topic 'acupunture'" in result.output and "acupuncture" in result.output
    assert "Traceback" not in result.output


def test_explain_shows_each_rule_with_its_clauses():
    knowledge = load_knowledge()
    for rule in knowledge.rules:
        result = invoke("explain", rule.id)
        assert result.exit_code == 0, (rule.id, result.output)
        flat = " ".join(result.stdout.split())
        assert rule.rule.title in flat
        for clause_id in rule.rule.cites:
            clause = knowledge.clauses[clause_id]
            assert clause_id in result.stdout
            assert " ".join(clause.clause.summary.split()) in flat, clause_id


def test_explain_unknown_rule_exits_2_with_a_suggestion():
    result = invoke("explain", "acupuncture.initial_trial_sise")
    assert result.exit_code == 2
    assert_no_traceback(result)
    assert "did you mean 'acupuncture.initial_trial_size'" in result.stderr


def test_facts_lists_every_fact_path():
    result = invoke("facts")
    assert result.exit_code == 0, result.output
    for path in fact_specs():
        assert path in result.stdout
    assert "request.imr" not in result.stdout, "the reviewer's outcome is never a fact rules may see"


def test_no_arguments_shows_help():
    result = invoke()
    assert "check" in result.output and "schema" in result.output


_CASE = """\
- name: A first trial of 6 sessions is within the trial
  date: 2015-01-20
  request: {{text: Acupuncture x6, topic: acupuncture, sessions: 6, history: {{sessions_completed: 0}}}}
  expect:
    determination: {determination}
    criteria: {{acupuncture.initial_trial_size: met}}
"""


def test_test_runs_rule_cases_outside_the_checkout(tmp_path):
    (tmp_path / "pass.yaml").write_text(_CASE.format(determination="certify"))
    result = invoke("test", str(tmp_path / "pass.yaml"))
    assert result.exit_code == 0, result.output
    assert "1 of 1 rule cases pass" in result.stdout


def test_test_names_a_failing_case_and_exits_1(tmp_path):
    (tmp_path / "fail.yaml").write_text(_CASE.format(determination="non_certify"))
    result = invoke("test", str(tmp_path))
    assert result.exit_code == 1, result.output
    flat = " ".join(result.stdout.split())
    assert "FAIL" in flat and "fail.yaml:1" in flat and "expected 'non_certify'" in flat


def test_test_refuses_a_malformed_case_file_with_its_line(tmp_path):
    (tmp_path / "bad.yaml").write_text(_CASE.format(determination="certify") + "- name: no request\n  expect: {}\n")
    result = invoke("test", str(tmp_path / "bad.yaml"))
    assert result.exit_code == 2
    assert "bad.yaml:7" in result.stderr and "needs `request`" in result.stderr
    assert "Traceback" not in result.output


def test_test_refuses_a_case_with_an_unknown_fact_naming_its_file_and_line(tmp_path):
    # An unquoted comma in a flow mapping makes a key of the text after it: the case's facts are invalid.
    (tmp_path / "bad.yaml").write_text(
        "- name: a program with an unquoted comma\n  date: 2016-03-01\n"
        "  request: {text: Day program, 5 days a week, topic: level_of_care}\n  expect: {determination: undetermined}\n")
    result = invoke("test", str(tmp_path / "bad.yaml"))
    assert result.exit_code == 2, result.output
    flat = " ".join(result.stderr.split())
    assert "bad.yaml" in flat and "unknown key '5 days a week'" in flat and "Allowed here" in flat
    assert "Traceback" not in result.output


def test_explain_shows_every_version_and_only_the_parameters_used():
    result = invoke("explain", "chiropractic.course_visits")
    assert result.exit_code == 0, result.output
    flat = " ".join(result.stdout.split())
    assert "max_course_visits = 18" in flat and "max_course_visits = 16" in flat
    assert "(2009)" in flat and "(2016)" in flat
    # the file's other parameters (the trial's 6 visits, the flare-up's 2) are not this rule's
    assert "max_trial_visits" not in flat and "max_flare_up_visits" not in flat
    one = " ".join(invoke("explain", "chiropractic.course_visits", "--on", "2017-01-01").stdout.split())
    assert "max_course_visits = 16" in one and "= 18" not in one
