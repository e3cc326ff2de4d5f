"""Two kinds of absence, and the basis each determination states (issue 12).

A fact the letter states is not documented (the case's `not_documented`) and a fact the letter says
nothing about are both not documented for the rules; results, reports and audits tell them apart.
Every sentence here is written for the project.
"""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from imr_check import InputError, evaluate_case, load_case_text
from imr_check.audit import CSV_NAME, HTML_NAME, JSON_NAME, PARQUET_NAME, Tally, audit_file, run_audit
from imr_check.audit.items import COLUMNS
from imr_check.cli import app
from imr_check.reader import read_letter_text
from imr_check.results import BASES

from reader_support import NOT_DOCUMENTED, fact
from test_reader_facts import read

DAY = "2016-11-01"


def acupuncture_case(improvement: str, *, case_id: str = "CM99-0000101", outcome: str | None = None) -> dict:
    """More acupuncture after six sessions; `improvement` is 'documented' (false), 'stated' or 'silent'."""
    history: dict = {"prior_treatment": True, "sessions_completed": 6}
    if improvement == "documented":
        history["functional_improvement"] = {"demonstrated": False}
    request: dict = {"id": "r1", "text": "Acupuncture x6", "topic": "acupuncture", "sessions": 6,
                     "frequency_per_week": 2, "history": history}
    if outcome:
        request["imr"] = {"outcome": outcome}
    case: dict = {"case": {"id": case_id, "request_date": DAY}, "requests": [request]}
    if improvement == "stated":
        case["not_documented"] = ["requests[0].history.functional_improvement.demonstrated"]
    return case


def evaluated(case: dict):
    return evaluate_case(load_case_text(yaml.safe_dump(case))).requests[0]


# --- the case file ----------------------------------------------------------------------------

def test_a_fact_stated_not_documented_has_no_value_and_is_listed():
    case = load_case_text(yaml.safe_dump(acupuncture_case("stated")))
    assert case.requests[0].history.functional_improvement.demonstrated is None
    assert case.stated_not_documented(0) == {"request.history.functional_improvement.demonstrated"}
    assert load_case_text(yaml.safe_dump(acupuncture_case("silent"))).stated_not_documented(0) == frozenset()


def test_a_case_fact_stated_not_documented_belongs_to_every_request():
    case = acupuncture_case("silent")
    case["requests"].append({**case["requests"][0], "id": "r2"})
    case["not_documented"] = ["clinical.exercise_program"]
    loaded = load_case_text(yaml.safe_dump(case))
    assert loaded.stated_not_documented(0) == loaded.stated_not_documented(1) == {"clinical.exercise_program"}


@pytest.mark.parametrize("request_region, stated", [
    ("lumbar_spine", frozenset()),  # the absence was stated for the neck only: silent for the low back
    ("cervical_spine", {"clinical.red_flags"}),
    (None, {"clinical.red_flags"}),  # a request of no region sees the fact as the case states it
    ("multiple", {"clinical.red_flags"}),
])
def test_a_clinical_fact_stated_not_documented_for_a_region_is_silent_for_another(request_region, stated):
    case = {"case": {"id": "CM99-0000102", "request_date": DAY},
            "requests": [{"id": "r1", "text": "MRI", "topic": "imaging", **(
                {"body_region": request_region} if request_region else {})}],
            "not_documented": ["clinical.red_flags"], "regional_facts": {"clinical.red_flags": ["cervical_spine"]}}
    assert load_case_text(yaml.safe_dump(case)).stated_not_documented(0) == stated


@pytest.mark.parametrize("listed, message", [
    (["clinical.red_flag"], "unknown: clinical.red_flag"),
    (["requests[3].sessions"], "unknown: requests[3].sessions"),
    (["clinical.pain"], "unknown: clinical.pain"),  # a block of facts, not a fact
    (["requests[0].history.prior_treatment"], "remove the value or the listing of: requests[0].history.prior_treatment"),
    (["clinical.exercise_program", "clinical.exercise_program"], "repeated: clinical.exercise_program"),
])
def test_a_wrong_listing_is_an_input_error_naming_it(listed: list[str], message: str):
    case = acupuncture_case("silent")
    case["not_documented"] = listed
    with pytest.raises(InputError) as error:
        load_case_text(yaml.safe_dump(case), "case.yaml")
    assert message in str(error.value) and "case.yaml" in str(error.value)


def test_a_wrong_listing_exits_2_without_a_traceback(tmp_path: Path):
    case = acupuncture_case("documented")
    case["not_documented"] = ["requests[0].history.functional_improvement.demonstrated"]
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(case))
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert "not_documented" in result.output and "Traceback" not in result.output


def test_the_case_schema_describes_the_listing():
    result = CliRunner().invoke(app, ["schema"])
    schema = json.loads(result.stdout)
    assert schema["properties"]["not_documented"]["type"] == "array"
    assert "no documentation" in schema["properties"]["not_documented"]["description"]


# --- the engine and the result -----------------------------------------------------------------

def test_each_kind_of_absence_gives_its_basis_and_the_same_determination_as_silence():
    documented, stated, silent = (evaluated(acupuncture_case(kind)) for kind in ("documented", "stated", "silent"))
    assert (documented.basis, stated.basis, silent.basis) == ("documented", "stated_not_documented", "silence")
    assert documented.determination == stated.determination == silent.determination == "non_certify"
    assert stated.reason == silent.reason and stated.deciding_rules == silent.deciding_rules
    [missing] = stated.missing_documentation
    assert (missing.fact, missing.absence) == ("request.history.functional_improvement.demonstrated",
                                               "stated_not_documented")
    assert [m.absence for m in silent.missing_documentation] == ["silent"]
    assert documented.missing_documentation == []


def test_a_certified_request_rests_on_documented_facts():
    case = acupuncture_case("silent")
    case["requests"][0]["history"]["functional_improvement"] = {"demonstrated": True}
    result = evaluated(case)
    assert (result.determination, result.basis) == ("certify", "documented")


def test_a_request_no_rule_covers_states_no_basis():
    case = acupuncture_case("silent")
    case["requests"][0].update(topic="other", text="A service no guideline names")
    case["requests"][0].pop("frequency_per_week")
    case["requests"][0].pop("history")
    result = evaluated(case)
    assert (result.determination, result.basis) == ("undetermined", None)


# Facts the acupuncture rules read; a random subset is documented, the rest absent.
_FACTS = {
    "clinical.exercise_program": [True, False],
    "clinical.medication_not_tolerated": [True, False],
    "clinical.is_post_surgical": [True, False],
    "requests[0].history.prior_treatment": [True, False],
    "requests[0].history.functional_improvement.demonstrated": [True, False],
    "requests[0].history.sessions_completed": [0, 3, 6, 12],
    "requests[0].frequency_per_week": [1, 3, 4],
}


def _set(case: dict, path: str, value) -> None:
    node = case
    parts = path.replace("requests[0]", "requests.0").split(".")
    for part in parts[:-1]:
        node = node[int(part)] if part.isdigit() else node.setdefault(part, {})
    node[parts[-1]] = value


def _read_as_stated(condition) -> set[str]:
    """The facts a condition reads with `stated_not_documented`: a rule that tells the two kinds apart."""
    from imr_check.model import AllOf, AnyOf, Compare, Not

    if isinstance(condition, (AllOf, AnyOf)):
        return set().union(*(_read_as_stated(c) for c in (condition.all if isinstance(condition, AllOf) else condition.any)))
    if isinstance(condition, Not):
        return _read_as_stated(condition.not_)
    if isinstance(condition, Compare) and condition.operator == "stated_not_documented":
        return {condition.fact}
    return set()


def _told_apart(topic: str) -> set[str]:
    """Case paths of the facts the topic's rules tell apart by their kind of absence."""
    from imr_check import load_knowledge

    paths = set()
    for rule in load_knowledge().rules_for(topic):
        for part in (rule.rule.when, rule.rule.unless, rule.rule.require):
            if part is not None:
                paths |= _read_as_stated(part)
    return {path.replace("request.", "requests[0].", 1) for path in paths}


def test_the_acupuncture_indication_tells_the_two_kinds_apart():
    # the one rule that does (rules/acupuncture.yaml): a letter stating the record is silent speaks to it
    assert _told_apart("acupuncture") == {"clinical.exercise_program", "clinical.medication_not_tolerated"}
    case = acupuncture_case("silent")
    case["requests"][0]["history"] = {"prior_treatment": False}
    assert {c.rule_id: c.status for c in evaluated(case).criteria}["acupuncture.indication"] == "not_applicable"
    case["not_documented"] = ["clinical.exercise_program"]
    assert {c.rule_id: c.status for c in evaluated(case).criteria}["acupuncture.indication"] == "not_documented"


@settings(max_examples=40, deadline=None)
@given(values=st.fixed_dictionaries({path: st.sampled_from([None, *choices]) for path, choices in _FACTS.items()}),
       stated=st.sets(st.sampled_from(sorted(_FACTS))), sessions=st.integers(1, 12))
def test_the_kind_of_absence_never_changes_the_determination(values, stated, sessions):
    base = {"case": {"id": "CM99-0000102", "request_date": DAY},
            "requests": [{"id": "r1", "text": "Acupuncture", "topic": "acupuncture", "sessions": sessions}]}
    for path, value in values.items():
        if value is not None:
            _set(base, path, value)
    listed = copy.deepcopy(base)
    # Outside the rules that read the kind of absence itself, listing a fact changes only what is said of it.
    absent = sorted(path for path in stated if values[path] is None and path not in _told_apart("acupuncture"))
    if absent:
        listed["not_documented"] = absent
    silent_result, stated_result = evaluated(base), evaluated(listed)
    for field in ("determination", "reason", "deciding_rules", "supported_quantity", "predicted_outcome"):
        assert getattr(stated_result, field) == getattr(silent_result, field), field
    assert [c.status for c in stated_result.criteria] == [c.status for c in silent_result.criteria]
    # the basis moves only from silence towards firmer ground, and only when a listed fact decided it
    order = {basis: rank for rank, basis in enumerate(BASES)}
    if silent_result.basis is None:
        assert stated_result.basis is None
    else:
        assert order[stated_result.basis] <= order[silent_result.basis]
        if not absent:
            assert stated_result.basis == silent_result.basis


# --- the reader ----------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, expected", [
    ("There is no documentation of a home exercise program.", NOT_DOCUMENTED),
    ("The records do not describe any home exercise program.", NOT_DOCUMENTED),
    ("She does not do a home exercise program.", False),
    ("She walks her dog every evening.", None),
])
def test_the_reader_keeps_a_record_said_to_lack_a_fact_apart_from_silence(sentence: str, expected):
    case = read(sentence, [("Acupuncture x6", "The patient has low back pain.")])
    assert fact(case, "clinical.exercise_program") is expected
    # a fact stated not documented keeps the sentence that says so as its evidence
    assert ("clinical.exercise_program" in case.evidence) is (expected is not None)


def test_a_plain_negation_beside_a_missing_record_negation_is_documented_false():
    case = read("She does not do a home exercise program. There is no documentation of a home exercise program.",
                [("Acupuncture x6", "The patient has low back pain.")])
    assert fact(case, "clinical.exercise_program") is False


def test_an_extracted_case_with_a_fact_stated_not_documented_reads_back(tmp_path: Path):
    case = read("There is no documentation of a home exercise program.", [("Acupuncture x6", "Low back pain.")])
    from imr_check.reader.export import case_yaml

    text = case_yaml(case)
    assert "not_documented:\n- clinical.exercise_program" in text
    again = load_case_text(text)
    assert again.not_documented == case.not_documented == ["clinical.exercise_program"]


# --- reports and audits ----------------------------------------------------------------------

def test_the_reports_state_the_basis_and_the_kind_of_each_absence(tmp_path: Path):
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(acupuncture_case("stated")))
    runner = CliRunner()
    text = runner.invoke(app, ["check", str(path)], env={"COLUMNS": "200"})
    assert text.exit_code == 0, text.output
    assert "Basis: rests on documentation stated to be absent" in text.output
    assert "stated not documented" in text.output
    data = json.loads(runner.invoke(app, ["check", str(path), "--format", "json"]).stdout)
    [request] = data["requests"]
    assert request["basis"] == "stated_not_documented"
    assert request["missing_documentation"][0]["absence"] == "stated_not_documented"
    assert yaml.safe_load(runner.invoke(app, ["check", str(path), "-f", "yaml"]).stdout)["requests"][0]["basis"] \
        == "stated_not_documented"


def _write_cases(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    # documented: non-certified on improvement documented absent, the reviewer upheld it (agree)
    # stated: non-certified on improvement stated not documented, the reviewer overturned it (disagree)
    # silent: non-certified on silence, upheld (agree), twice
    for name, kind, outcome in (("a", "documented", "upheld"), ("b", "stated", "overturned"),
                                ("c", "silent", "upheld"), ("d", "silent", "upheld")):
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(acupuncture_case(kind, case_id=f"CM99-000020{name}",
                                                                             outcome=outcome)))
    return folder


def test_an_audit_row_carries_the_basis_and_the_summary_counts_by_basis(tmp_path: Path):
    folder = _write_cases(tmp_path / "cases")
    audited = audit_file(str(folder / "b.yaml"))
    assert audited["rows"][0]["basis"] == "stated_not_documented"
    assert "basis" in COLUMNS
    [detail] = audited["details"]
    assert detail["missing_documentation"][0]["absence"] == "stated_not_documented"
    assert detail["criteria"][0]["stated_not_documented"] == detail["criteria"][0]["missing"]
    tally = Tally()
    for name in "abcd":
        tally.add(audit_file(str(folder / f"{name}.yaml")))
    by_basis = tally.summary()["by_basis"]
    assert list(by_basis) == ["documented", "stated_not_documented", "silence"]
    assert {key: (group["items"], group["agreement"]) for key, group in by_basis.items()} == {
        "documented": (1, 1.0), "stated_not_documented": (1, 0.0), "silence": (2, 1.0)}


def test_the_audit_outputs_give_the_basis_in_every_format(tmp_path: Path):
    import pyarrow.parquet as pq

    out = tmp_path / "out"
    run_audit([str(_write_cases(tmp_path / "cases"))], jobs=1, out_dir=out)
    with open(out / CSV_NAME, newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert sorted(row["basis"] for row in rows) == ["documented", "silence", "silence", "stated_not_documented"]
    assert sorted(pq.read_table(out / PARQUET_NAME).column("basis").to_pylist()) == sorted(row["basis"] for row in rows)
    document = json.loads((out / JSON_NAME).read_text())
    assert document["summary"]["by_basis"]["silence"]["items"] == 2
    html = (out / HTML_NAME).read_text()
    assert '<h2 id="by_basis">By basis</h2>' in html and "stated not documented" in html
