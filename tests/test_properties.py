"""Properties of the engine over random cases (hypothesis).

Random *valid* cases are drawn from the case model itself (every fact field the model has, each
absent, true/false or a number in its allowed range), with 1-6 requests on random topics. Over
them: evaluation never crashes and is deterministic; it does not depend on the order of the
requests or of the keys in the file; documenting functional improvement never turns a certified
request into a non-certified one. Random *invalid* files always exit 2 with an error message.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
import re
import subprocess
import sys
import tempfile
import types
import typing
from pathlib import Path
from typing import Any, Literal

import annotated_types
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from typer.testing import CliRunner

from imr_check import evaluate_case, load_case_text, load_knowledge
from imr_check.case import Case, Clinical, Drug, OpioidMonitoring, Patient, Request, TreatmentHistory
from imr_check.cli import app
from imr_check.vocabulary import drug_lexicon, topics

EXAMPLES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TODAY = dt.date(2026, 1, 1)

# --- random valid cases, drawn from the case model --------------------------------------------

# Fields that are identity, free text or the decisions being predicted, drawn by hand below.
_BY_HAND = {"id", "text", "topic", "drug", "associated_with", "ur", "imr", "start_date"}
_STRENGTHS = ["5mg", "7.5mg", "10mg", "10/325mg", "500mg", "50mg"]


def _unwrap_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        return members[0] if len(members) == 1 else annotation
    return annotation


def _bounds(metadata: list) -> tuple[float | None, float | None, bool]:
    low = high = None
    exclusive_low = False
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            low = item.ge
        elif isinstance(item, annotated_types.Gt):
            low, exclusive_low = item.gt, True
        elif isinstance(item, annotated_types.Le):
            high = item.le
    return low, high, exclusive_low


def _number(kind: type, metadata: list) -> st.SearchStrategy:
    low, high, exclusive_low = _bounds(metadata)
    low = 0 if low is None else low
    high = 1000 if high is None else high
    # Mostly small, clinically plausible values, sometimes anywhere in the allowed range: rules'
    # thresholds are small numbers, and both sides of them matter.
    small_high = min(high, 30)
    start = low + 1 if exclusive_low else low
    if kind is int:
        return st.one_of(st.integers(start, small_high), st.integers(start, int(high)))
    halves = st.integers(int(start * 2), int(small_high * 2)).map(lambda n: n / 2)
    return st.one_of(halves.filter(lambda v: v > low if exclusive_low else v >= low),
                     st.floats(low, high, exclude_min=exclusive_low, allow_nan=False, allow_infinity=False))


def _value(annotation: Any, metadata: list) -> st.SearchStrategy | None:
    inner = _unwrap_optional(annotation)
    if inner is bool:
        return st.booleans()
    if inner in (int, float):
        return _number(inner, metadata)
    if typing.get_origin(inner) is Literal:
        return st.sampled_from(typing.get_args(inner))
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return facts_of_model(inner)
    return None  # free text, lists, dates: drawn by hand where they matter


def facts_of_model(model: type[BaseModel], skip: set[str] = frozenset(), sparse_only: bool = False
                   ) -> st.SearchStrategy[dict]:
    """A random subset of the model's fields, each with a valid value: absent means undocumented."""
    optional = {}
    for name, field in model.model_fields.items():
        if name in skip:
            continue
        strategy = _value(field.annotation, list(field.metadata))
        if strategy is not None:
            optional[name] = strategy
    # Either about half the fields, or a handful: sparse records are where requests get certified.
    dense = st.fixed_dictionaries({}, optional=optional)
    sparse = st.sets(st.sampled_from(sorted(optional)), max_size=4).flatmap(
        lambda names: st.fixed_dictionaries({name: optional[name] for name in sorted(names)}))
    if not optional:
        return st.just({})
    return sparse if sparse_only else st.one_of(sparse, dense)


_DRUG_NAMES = sorted(drug_lexicon()) + ["Compounded cream", "Unlisted tablet"]
_GENERICS = sorted({entry.generic for entry in drug_lexicon().values()}) + ["menthol", "camphor", "capsaicin"]


@st.composite
def drugs(draw) -> dict:
    drug = draw(facts_of_model(Drug, skip={"name", "strength", "ingredients"}))
    drug["name"] = draw(st.sampled_from(_DRUG_NAMES))
    if draw(st.booleans()):
        drug["strength"] = draw(st.sampled_from(_STRENGTHS))
    if draw(st.booleans()):
        drug["ingredients"] = draw(st.lists(st.sampled_from(_GENERICS), min_size=1, max_size=4))
    return drug


# Mostly dates inside the rules' versions (2009 to 2016 guidelines, the seeds' era), sometimes any.
dates = st.one_of(st.dates(min_value=dt.date(2009, 7, 18), max_value=dt.date(2016, 7, 28)),
                  st.dates(min_value=dt.date(2008, 1, 1), max_value=dt.date(2025, 12, 31)))
_RULED_TOPICS = sorted({topic for rule in load_knowledge().rules for topic in rule.topics})
# Mostly topics that have rules, sometimes any topic (those come out undetermined).
random_topics = st.one_of(st.sampled_from(_RULED_TOPICS), st.sampled_from(sorted(topics())))


@st.composite
def requests(draw, index: int, day: dt.date) -> dict:
    request = draw(facts_of_model(Request, skip=_BY_HAND))
    topic = draw(random_topics)
    request = {"id": f"r{index + 1}", "text": f"request {index + 1} ({topic})", "topic": topic, **request}
    if draw(st.integers(0, 2)) == 0 or topic.endswith(("relaxant", "opioid", "benzodiazepine", "analgesic")):
        request["drug"] = draw(drugs())
    if draw(st.booleans()):
        history = dict(request.get("history") or {})
        history["start_date"] = draw(st.dates(min_value=dt.date(2000, 1, 1), max_value=day))
        request["history"] = history
    if draw(st.booleans()):
        request["ur"] = {"decision": draw(st.sampled_from(["non_certified", "modified", "certified"]))}
    if draw(st.booleans()):
        # The reviewer's outcome is compared, never an input: drawing it must change nothing.
        request["imr"] = {"outcome": draw(st.sampled_from(["upheld", "overturned"]))}
    return request


@st.composite
def cases(draw, max_requests: int = 6) -> dict:
    """A random valid case, as the dict a case file holds."""
    day = draw(dates)
    info: dict[str, Any] = {"id": "random case"}
    which = draw(st.sampled_from(["request_date", "ur_decision_date", "both", "none"]))
    if which in ("request_date", "both"):
        info["request_date"] = day
    if which in ("ur_decision_date", "both"):
        info["ur_decision_date"] = day if which == "ur_decision_date" else day + dt.timedelta(days=14)
    if draw(st.booleans()):
        info["injury_date"] = draw(st.dates(min_value=dt.date(1990, 1, 1), max_value=day))
    count = draw(st.integers(1, max_requests))
    document = {
        "case": info,
        "patient": draw(facts_of_model(Patient)),
        "clinical": draw(facts_of_model(Clinical)),
        "requests": [draw(requests(i, day if which != "none" else TODAY)) for i in range(count)],
    }
    return document


EXAMPLE_DOCUMENTS = [yaml.safe_load(path.read_text())
                     for path in sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.yaml"))]
_NESTED = {"history": TreatmentHistory, "opioid_monitoring": OpioidMonitoring}


def _perturb(draw, mapping: dict, model: type[BaseModel], skip: set[str] = frozenset()) -> dict:
    """Drop some of a record's facts and add a few random ones."""
    kept = {key: value for key, value in mapping.items()
            if key in skip or key in _NESTED or draw(st.integers(0, 3)) > 0}
    return {**kept, **draw(facts_of_model(model, skip=skip | set(_NESTED), sparse_only=True))}


@st.composite
def cases_near_examples(draw) -> dict:
    """An example case (seed or pre-screen) with a few facts dropped and a few added: near real
    records, where requests are certified as often as refused."""
    document = copy.deepcopy(draw(st.sampled_from(EXAMPLE_DOCUMENTS)))
    document["clinical"] = _perturb(draw, document.get("clinical") or {}, Clinical)
    document["patient"] = _perturb(draw, document.get("patient") or {}, Patient)
    for request in document["requests"]:
        facts = _perturb(draw, {k: v for k, v in request.items() if k not in _BY_HAND}, Request, skip=_BY_HAND)
        for key in [k for k in request if k not in _BY_HAND]:
            del request[key]
        request.update(facts)
        for name, model in _NESTED.items():
            request[name] = _perturb(draw, request.get(name) or {}, model,
                                     skip={"start_date", "functional_improvement"} & set(model.model_fields))
    return document


valid_cases = st.one_of(cases(), cases_near_examples())


def to_yaml(document: dict) -> str:
    return yaml.safe_dump(document, sort_keys=False)


def evaluate(document: dict):
    return evaluate_case(load_case_text(to_yaml(document), "<random case>"), today=TODAY)


def by_request(result) -> dict[str, dict]:
    return {r.request_id: r.model_dump() for r in result.requests}


# --- properties of valid cases ----------------------------------------------------------------


@EXAMPLES
@given(valid_cases)
def test_a_valid_case_never_crashes_and_results_are_consistent(document: dict):
    result = evaluate(document)
    assert len(result.requests) == len(document["requests"])
    for request in result.requests:
        assert request.determination in ("certify", "modify", "non_certify", "undetermined")
        if request.determination == "modify":
            assert request.deciding_rules
            # part of the request is supported: a smaller quantity, or some of its parts (a request in parts)
            assert request.supported_quantity is not None or \
                any(p.determination in ("certify", "modify") for p in request.parts)
        for part in request.parts:
            # a request in parts is supported only if every part is
            assert request.determination != "certify" or part.determination == "certify"
        if request.determination == "non_certify":
            assert request.deciding_rules, request.reason
        if request.determination == "certify":
            assert not request.missing_documentation
            assert all(c.status in ("met", "not_applicable") for c in request.criteria), request.criteria
            assert any(c.status == "met" for c in request.criteria)
        deciding = set(request.deciding_rules)
        assert deciding <= {c.rule_id for c in request.criteria}, "a deciding rule is one that was evaluated"


@EXAMPLES
@given(valid_cases)
def test_evaluation_is_deterministic(document: dict):
    assert evaluate(document).model_dump() == evaluate(document).model_dump()


@EXAMPLES
@given(valid_cases, st.randoms(use_true_random=False))
def test_results_do_not_depend_on_the_order_of_requests(document: dict, rng: random.Random):
    order = list(range(len(document["requests"])))
    rng.shuffle(order)
    shuffled = dict(document, requests=[document["requests"][i] for i in order])
    if "not_documented" in document:
        # a listed fact is named by its request's position, which moves with the request
        new_place = {old: new for new, old in enumerate(order)}
        shuffled["not_documented"] = [re.sub(r"^requests\[(\d+)\]", lambda m: f"requests[{new_place[int(m.group(1))]}]",
                                             path) for path in document["not_documented"]]
    assert by_request(evaluate(shuffled)) == by_request(evaluate(document))


def _shuffle_keys(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {key: _shuffle_keys(inner, rng) for key, inner in items}
    if isinstance(value, list):
        return [_shuffle_keys(inner, rng) for inner in value]
    return value


@EXAMPLES
@given(valid_cases, st.randoms(use_true_random=False))
def test_results_do_not_depend_on_the_order_of_keys(document: dict, rng: random.Random):
    shuffled = _shuffle_keys(document, rng)
    assert evaluate(shuffled).model_dump() == evaluate(document).model_dump()


def _with_improvement(document: dict, as_parts: bool) -> dict:
    changed = yaml.safe_load(to_yaml(document))  # a deep copy that keeps dates as dates
    for request in changed["requests"]:
        history = request.setdefault("history", {})
        improvement = history.setdefault("functional_improvement", {})
        if as_parts:
            improvement.pop("demonstrated", None)
            improvement.update(adl_improved=True, work_restrictions_reduced=True, dependence_reduced=True)
        else:
            improvement["demonstrated"] = True
    # documented now, so no longer stated not documented
    listed = [path for path in changed.get("not_documented", []) if ".functional_improvement." not in path]
    if "not_documented" in changed:
        changed["not_documented"] = listed
    return changed


@EXAMPLES
@given(valid_cases, st.booleans())
def test_documenting_functional_improvement_never_turns_certify_into_non_certify(document: dict, as_parts: bool):
    before = by_request(evaluate(document))
    after = by_request(evaluate(_with_improvement(document, as_parts)))
    for request_id, result in before.items():
        if result["determination"] == "certify":
            assert after[request_id]["determination"] != "non_certify", (request_id, after[request_id]["reason"])


@EXAMPLES
@given(valid_cases)
def test_the_reviewers_outcome_is_never_an_input(document: dict):
    blind = yaml.safe_load(to_yaml(document))
    for request in blind["requests"]:
        request.pop("imr", None)
        ur = request.pop("ur", None)
        # The visits UR authorized of the request are part of the course a cap counts (facts.py); nothing
        # else of UR's decision is an input.
        if ur and ur.get("decision") == "modified" and ur.get("modified_to") is not None:
            request["ur"] = {"decision": "modified", "modified_to": ur["modified_to"]}
    keep = ("determination", "reason", "deciding_rules", "supported_quantity", "criteria", "missing_documentation")
    with_outcome, without = by_request(evaluate(document)), by_request(evaluate(blind))
    for request_id in with_outcome:
        assert {k: with_outcome[request_id][k] for k in keep} == {k: without[request_id][k] for k in keep}


# --- random invalid files: exit 2, an error message, never a traceback ------------------------

runner = CliRunner()


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory(prefix="imr-check-properties-") as name:
        yield Path(name)


def assert_rejected(path: Path) -> None:
    result = runner.invoke(app, ["check", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 2, (path.read_bytes()[:300], result.output)
    assert "error" in result.stderr
    assert "Traceback" not in result.output


@EXAMPLES
@given(st.binary(max_size=400))
def test_random_bytes_are_rejected(workdir: Path, content: bytes):
    path = workdir / "bytes.yaml"
    path.write_bytes(content)
    assert_rejected(path)


_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20),
                     st.dates())
_structures = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12,
)


@EXAMPLES
@given(_structures)
def test_random_yaml_structures_are_rejected(workdir: Path, structure: Any):
    if isinstance(structure, dict):
        structure.pop("requests", None)  # without requests no document is a valid case
    path = workdir / "structure.yaml"
    path.write_text(yaml.safe_dump(structure))
    assert_rejected(path)


@EXAMPLES
@given(st.text(max_size=300))
def test_random_text_is_rejected(workdir: Path, text: str):
    assume("requests" not in text)
    path = workdir / "text.yaml"
    path.write_bytes(text.encode("utf-8", errors="replace"))  # lone surrogates cannot be encoded
    assert_rejected(path)


def _nodes(value: Any, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _nodes(inner, path + (key,))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _nodes(inner, path + (index,))
    return found


def _get(value: Any, path: tuple) -> Any:
    for part in path:
        value = value[part]
    return value


def _field_at(path: tuple) -> Any:
    """The pydantic field a path of a case document names (None for list items and the root)."""
    model: Any = Case
    field = None
    for part in path:
        if isinstance(part, int):
            continue
        inner = _unwrap_optional(model)
        if typing.get_origin(inner) is list:
            inner = typing.get_args(inner)[0]
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)) or part not in inner.model_fields:
            return None
        field = inner.model_fields[part]
        model = field.annotation
    return field


@st.composite
def corrupted(draw) -> dict:
    """A valid case with one thing made invalid."""
    document = yaml.safe_load(to_yaml(draw(cases(max_requests=3))))
    kind = draw(st.sampled_from(["unknown_key", "wrong_type", "out_of_range", "missing_required", "unknown_topic"]))
    nodes = _nodes(document)
    if kind == "unknown_key":
        mappings = [p for p in nodes if isinstance(_get(document, p), dict)]
        target = _get(document, draw(st.sampled_from(mappings)))
        target[draw(st.sampled_from(["zz_unknown", "sesions", "acute_flareup", "notes"]))] = True
    elif kind == "wrong_type":
        leaves = [p for p in nodes if p and not isinstance(p[-1], int)]
        path = draw(st.sampled_from(leaves))
        parent, key = _get(document, path[:-1]), path[-1]
        current = parent[key]
        if isinstance(current, list):
            parent[key] = {"not": "a list"}
        elif isinstance(current, dict):
            parent[key] = "not a mapping"
        else:
            parent[key] = [[1, 2]]  # no scalar field takes a list
    elif kind == "out_of_range":
        numbers = [p for p in nodes if p and isinstance(_get(document, p), (int, float))
                   and not isinstance(_get(document, p), bool) and _field_at(p) is not None
                   and _bounds(list(_field_at(p).metadata))[0] is not None]
        if numbers:
            path = draw(st.sampled_from(numbers))
            _get(document, path[:-1])[path[-1]] = -1
        else:
            document["patient"] = {"age": 500}
    elif kind == "missing_required":
        index = draw(st.integers(0, len(document["requests"]) - 1))
        field = draw(st.sampled_from(["text", "topic", "requests"]))
        if field == "requests":
            del document["requests"]
        else:
            del document["requests"][index][field]
    else:
        index = draw(st.integers(0, len(document["requests"]) - 1))
        document["requests"][index]["topic"] = draw(st.sampled_from(["acupunture", "opiods", "masage", "x"]))
    return document


@EXAMPLES
@given(corrupted())
def test_a_valid_case_with_one_field_corrupted_is_rejected(workdir: Path, document: dict):
    path = workdir / "corrupted.yaml"
    path.write_text(to_yaml(document))
    assert_rejected(path)


@pytest.mark.parametrize("value", ["0.00001", "5e-324", "1.0e-300"])
def test_a_tiny_float_does_not_crash_the_rule_engine(value: str, workdir: Path):
    """durable-rules segfaulted on numbers Python writes in exponent notation (1e-05): a found case,
    run in its own process so that a regression fails this test instead of killing the run."""
    path = workdir / "tiny.yaml"
    path.write_text("case: {request_date: 2015-01-20}\nrequests:\n"
                    f"  - {{text: Acupuncture, topic: acupuncture, frequency_per_week: {value}, duration_weeks: {value}}}\n"
                    f"  - {{text: Valium, topic: benzodiazepine, drug: {{name: Valium}}, history: {{weeks_on_treatment: {value}}}}}\n")
    process = subprocess.run([sys.executable, "-m", "imr_check.cli", "check", str(path), "--format", "json"],
                             capture_output=True, text=True, timeout=120)
    assert process.returncode == 0, (process.returncode, process.stderr[-2000:])
    assert len(json.loads(process.stdout)["requests"]) == 2
