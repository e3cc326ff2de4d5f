"""`imr-check audit`: inputs, order, bad files, the summary, the output files, interruption."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from imr_check import evaluate_case, load_case
from imr_check.audit import CSV_NAME, HTML_NAME, JSON_NAME, PARQUET_NAME, Input, Tally, expand, run_audit
from imr_check.audit.run import audited
from imr_check.audit.tally import SECTIONS
from imr_check.errors import InputError
from imr_check.stats import summarize

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"


def acupuncture_case(case_id: str, *, sessions: int, prior: bool, improved: bool | None = None,
                     outcome: str | None = "upheld", specialty: str = "Family Medicine",
                     cited: str = "MTUS Acupuncture Medical Treatment Guidelines, p. 8", extra: list | None = None) -> dict:
    """A case file of our own: one acupuncture request, and optionally more requests."""
    history: dict = {"prior_treatment": prior}
    if improved is not None:
        history["functional_improvement"] = {"demonstrated": improved}
    request: dict = {"id": "acupuncture", "text": f"Acupuncture x{sessions}", "topic": "acupuncture",
                     "sessions": sessions, "history": history}
    if outcome:
        request["imr"] = {"outcome": outcome, "guideline_cited": cited}
    case = {
        "case": {"id": case_id, "request_date": "2016-11-01", "reviewer": {"specialty": specialty}},
        "requests": [request, *(extra or [])],
        "evidence": {"requests[0].history.prior_treatment": [{"sentence": evidence_sentence(prior), "offset": 120}]},
    }
    return case


def evidence_sentence(prior: bool) -> str:
    return "She had acupuncture last year." if prior else "She has not had acupuncture before."


def write(folder: Path, name: str, case: dict | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(case if isinstance(case, str) else yaml.safe_dump(case, sort_keys=False))
    return path


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    """Six case files in a folder and a subfolder, with agreements and disagreements both ways."""
    folder = tmp_path / "cases"
    write(folder, "a.yaml", acupuncture_case("CM16-0000001", sessions=4, prior=False, outcome="overturned"))
    write(folder, "b.yaml", acupuncture_case("CM16-0000002", sessions=12, prior=True, improved=False))
    write(folder, "c.yaml", acupuncture_case("CM16-0000003", sessions=6, prior=True, improved=False,
                                             outcome="overturned", specialty="Anesthesiology"))
    write(folder, "d.yaml", acupuncture_case("CM16-0000004", sessions=3, prior=False, specialty="Anesthesiology",
                                             extra=[{"text": "Massage x6", "topic": "massage", "sessions": 6,
                                                     "imr": {"outcome": "overturned"}}]))
    write(folder, "sub/e.yaml", acupuncture_case("CM16-0000005", sessions=8, prior=True, improved=True))
    write(folder, "sub/f.yml", acupuncture_case("CM16-0000006", sessions=4, prior=False, outcome=None))
    return folder


def expected_rows(paths: list[Path]) -> list[tuple]:
    """What the audit must say per item, computed by evaluating each case directly."""
    rows = []
    for path in paths:
        case = load_case(path)
        for request, result in zip(case.requests, evaluate_case(case).requests):
            rows.append((case.case.id, request.text, result.determination, result.predicted_outcome,
                         result.actual_outcome, result.agrees))
    return rows


def row_tuple(row: dict) -> tuple:
    return (row["case_id"], row["item"], row["determination"], row["predicted_outcome"], row["actual_outcome"],
            row["agrees"])


def sorted_case_files(folder: Path) -> list[Path]:
    return [Path(i.path) for i in expand([folder])]


# Inputs ----------------------------------------------------------------------------------------

def test_folders_are_searched_recursively_in_sorted_order_and_files_are_read_once(cases: Path):
    (cases / "notes.md").write_text("not a case")
    (cases / ".hidden.yaml").write_text("requests: []")
    inputs = list(expand([cases, cases / "a.yaml"]))
    found = [Path(i.path).relative_to(cases).as_posix() for i in inputs if i.problem is None]
    assert found == ["a.yaml", "b.yaml", "c.yaml", "d.yaml", "sub/e.yaml", "sub/f.yml"]
    # A hidden case file is not audited, but listed with the reason (issue 13: nothing dropped without a word).
    skipped = {Path(i.path).name: i.problem for i in inputs if i.problem is not None}
    assert list(skipped) == [".hidden.yaml"] and "hidden" in skipped[".hidden.yaml"]


def test_globs_and_missing_paths(cases: Path):
    found = list(expand([str(cases / "sub" / "*.y*ml"), cases / "nothing.yaml", str(cases / "*.pdf"),
                         cases / "a.yaml"]))
    assert [Path(i.path).name for i in found] == ["e.yaml", "f.yml", "nothing.yaml", "*.pdf", "a.yaml"]
    assert [i.problem for i in found] == [None, None, "no such file or folder", "no file matches this pattern",
                                          None]


def test_a_file_of_another_kind_named_directly_is_reported(tmp_path: Path):
    (tmp_path / "notes.md").write_text("x")
    assert list(expand([tmp_path / "notes.md"])) == [
        Input(str(tmp_path / "notes.md"), "not a letter or a case file: expected .pdf, .txt, .yaml, .yml")]


# Items and summary ---------------------------------------------------------------------------

def test_items_follow_the_engine_in_input_order_with_one_and_two_jobs(cases: Path):
    expected = expected_rows(sorted_case_files(cases))
    for jobs in (1, 2):
        results = list(audited([cases], jobs))
        assert [row_tuple(r) for result in results for r in result["rows"]] == expected


def test_the_summary_is_the_statistics_of_the_items(cases: Path):
    run = run_audit([str(cases)], jobs=1)
    rows = expected_rows(sorted_case_files(cases))
    assert run.summary["files"] == run.summary["letters"] == 6
    assert run.summary["errors"] == 0
    overall = {k: v for k, v in run.summary.items() if k not in ("files", "letters", "errors", *SECTIONS)
               and not k.startswith("by_")}
    assert overall == summarize((p, a) for *_, p, a, _ in rows).as_dict()
    # The breakdowns partition the items.
    for breakdown in ("by_topic", "by_reviewer_specialty", "by_guideline_cited"):
        groups = run.summary[breakdown]
        assert sum(g["items"] for g in groups.values()) == run.summary["items"]
        assert sum(g["compared"] for g in groups.values()) == run.summary["compared"]
    assert run.summary["by_reviewer_specialty"]["Anesthesiology"]["letters"] == 2
    assert run.summary["by_topic"]["massage"]["items"] == 1


def test_a_known_small_audit_gives_the_hand_computed_confusion_and_kappa():
    """Rows of our own through the tally: 3 agree upheld, 1 agrees overturned, 1 each way wrong."""
    def letter(case_id, specialty, *pairs):
        return {"path": case_id, "rows": [
            {"case_id": case_id, "topic": "acupuncture", "reviewer_specialty": specialty,
             "guideline_cited": "MTUS Acupuncture, p. 9", "guidelines": [], "predicted_outcome": p,
             "actual_outcome": a} for p, a in pairs], "details": []}

    tally = Tally()
    tally.add(letter("1", "Family Medicine", ("upheld", "upheld"), ("upheld", "upheld")))
    tally.add(letter("2", "Family Medicine", ("upheld", "upheld"), ("overturned", "overturned")))
    tally.add(letter("3", None, ("upheld", "overturned"), ("overturned", "upheld"), (None, "upheld")))
    tally.add({"path": "broken.pdf", "error": "not an IMR letter"})
    summary = tally.summary()
    assert (summary["files"], summary["letters"], summary["errors"]) == (4, 3, 1)
    assert summary["confusion"] == {"predicted_upheld": {"actual_upheld": 3, "actual_overturned": 1},
                                    "predicted_overturned": {"actual_upheld": 1, "actual_overturned": 1}}
    # observed 4/6; predicted upheld 4/6, actual upheld 4/6; chance (4/6)^2 + (2/6)^2 = 20/36;
    # kappa (24/36 - 20/36) / (16/36) = 0.25.
    assert summary["agreement"] == pytest.approx(4 / 6)
    assert summary["kappa"] == pytest.approx(0.25)
    assert summary["recall_overturned"] == pytest.approx(0.5)
    assert summary["precision_overturned"] == pytest.approx(0.5)
    assert summary["baseline_agreement"] == pytest.approx(4 / 6)
    assert summary["coverage"] == pytest.approx(6 / 7)
    family = summary["by_reviewer_specialty"]["Family Medicine"]
    # Family Medicine agreed on both labels: kappa 1. A group where every item is one class has none.
    assert (family["letters"], family["items"], family["kappa"]) == (2, 4, 1.0)
    assert summary["by_reviewer_specialty"]["(not stated)"]["kappa"] == pytest.approx(-1.0)
    assert list(summary["by_guideline_cited"]) == ["MTUS Acupuncture"]


letter_rows = st.lists(st.fixed_dictionaries({
    "topic": st.sampled_from(["acupuncture", "opioid", None]),
    "reviewer_specialty": st.sampled_from(["Family Medicine", "Anesthesiology", None]),
    "guideline_cited": st.sampled_from(["MTUS, p. 1", "ODG", None]),
    "guidelines": st.just([]),
    "predicted_outcome": st.sampled_from(["upheld", "overturned", None]),
    "actual_outcome": st.sampled_from(["upheld", "overturned", None]),
}), min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(letter_rows, st.none()), max_size=12))
def test_the_tally_counts_add_up(letters):
    tally = Tally()
    for number, rows in enumerate(letters):
        tally.add({"path": str(number), "error": "bad"} if rows is None else
                  {"path": str(number), "rows": rows, "details": []})
    summary = tally.summary()
    assert summary["files"] == len(letters) == summary["letters"] + summary["errors"]
    assert summary["items"] == sum(len(rows) for rows in letters if rows)
    for breakdown in ("by_topic", "by_reviewer_specialty", "by_guideline_cited"):
        groups = summary[breakdown].values()
        for key in ("items", "decided", "compared", "outcomes", "overturned"):
            assert sum(g[key] for g in groups) == summary[key]
        assert all(1 <= g["letters"] <= summary["letters"] for g in groups)
        assert all(g["agreement"] is None or 0 <= g["agreement"] <= 1 for g in groups)


# Bad files -----------------------------------------------------------------------------------

def test_bad_files_are_reported_and_the_rest_audited(cases: Path):
    (cases / "corrupt.pdf").write_bytes(b"%PDF-1.4\n\x00\x01 this is not a pdf \xff\xfe")
    (cases / "empty.txt").write_text("")
    (cases / "shopping.txt").write_text("Milk, eggs, bread.\nNothing to do with workers' compensation.\n")
    (cases / "empty.yaml").write_text("")
    (cases / "broken.yaml").write_text("requests: [\n")
    write(cases, "wrong.yaml", {"requests": [{"text": "Acupuncture", "topic": "acupunture"}]})
    run = run_audit([str(cases), str(cases / "missing.yaml")], jobs=2)
    by_name = {Path(e["path"]).name: e["message"] for e in run.errors}
    assert set(by_name) == {"broken.yaml", "corrupt.pdf", "empty.txt", "empty.yaml", "missing.yaml",
                            "shopping.txt", "wrong.yaml"}
    assert all(message and "Traceback" not in message for message in by_name.values())
    assert "did you mean 'acupuncture'" in by_name["wrong.yaml"]
    assert by_name["missing.yaml"] == "no such file or folder"
    assert (run.summary["files"], run.summary["letters"], run.summary["errors"]) == (13, 6, 7)
    good = [p for p in sorted_case_files(cases) if Path(p).name not in by_name]
    assert run.summary["items"] == len(expected_rows(good))


def test_an_unexpected_failure_on_one_file_is_reported_and_the_run_goes_on(cases: Path, monkeypatch):
    from imr_check.audit import items

    real_read = items.read

    def read(path: str):
        if path.endswith("b.yaml"):
            raise RuntimeError("a bug met on this letter")
        return real_read(path)

    monkeypatch.setattr(items, "read", read)
    run = run_audit([str(cases)], jobs=1)
    assert run.errors == [{"path": str(cases / "b.yaml"),
                           "message": "could not be audited (RuntimeError: a bug met on this letter)"}]
    assert run.summary["letters"] == 5


def test_broken_project_data_stops_the_run_before_any_file_is_written(cases: Path, tmp_path: Path, monkeypatch):
    from imr_check.audit import run as run_module

    def broken() -> None:
        raise InputError.single("rules/drugs.yaml", "not valid YAML", 37)

    monkeypatch.setattr(run_module, "load_project_data", broken)
    with pytest.raises(InputError, match="drugs.yaml:37"):
        run_audit([str(cases)], jobs=2, out_dir=tmp_path / "report")
    assert not (tmp_path / "report").exists()


def test_nothing_to_audit_is_an_input_error(tmp_path: Path):
    with pytest.raises(InputError, match="no letter or case file found"):
        run_audit([str(tmp_path)], jobs=1)


# Output files --------------------------------------------------------------------------------

def test_the_output_folder_gets_json_csv_parquet_and_html(cases: Path, tmp_path: Path):
    import pyarrow.parquet as pq

    out = tmp_path / "report"
    run = run_audit([str(cases)], jobs=2, out_dir=out)
    assert sorted(p.name for p in out.iterdir()) == sorted([JSON_NAME, CSV_NAME, PARQUET_NAME, HTML_NAME, "letters"])
    document = json.loads((out / JSON_NAME).read_text())
    assert set(document) == {"provenance", "items", "errors", "summary"}
    assert document["summary"] == json.loads(json.dumps(run.summary))
    items = document["items"]
    assert [row_tuple(r) for r in items] == expected_rows(sorted_case_files(cases))
    for key in ("case_id", "item", "topic", "determination", "predicted_outcome", "actual_outcome", "agrees",
                "clauses", "reviewer_specialty", "guideline_cited"):
        assert all(key in row for row in items)

    with open(out / CSV_NAME, newline="") as stream:
        csv_rows = list(csv.DictReader(stream))
    assert [r["case_id"] for r in csv_rows] == [r["case_id"] for r in items]
    assert [r["agrees"] for r in csv_rows] == [{True: "true", False: "false", None: ""}[r["agrees"]] for r in items]
    assert [r["clauses"] for r in csv_rows] == ["; ".join(r["clauses"]) for r in items]

    table = pq.read_table(out / PARQUET_NAME)
    assert table.num_rows == len(items)
    assert table.column("clauses").to_pylist() == [r["clauses"] for r in items]
    assert table.column("agrees").to_pylist() == [r["agrees"] for r in items]

    html = (out / HTML_NAME).read_text()
    # One inline script (sorting and filtering), nothing fetched: the report opens offline.
    assert html.count("<script>") == 1 and "<script src" not in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in html
    disagreements = [r for r in items if r["agrees"] is False]
    assert disagreements, "the fixture must hold a disagreement"
    assert f"Disagreements ({len(disagreements)})" in html
    assert html.count("<details") == len(disagreements)
    for row in disagreements:
        assert row["case_id"] in html
        prior = load_case(row["source"]).requests[0].history.prior_treatment
        assert evidence_sentence(prior) in html
    assert html.count("<svg") == 4


def test_an_interrupted_run_leaves_the_earlier_complete_files_and_no_partial_ones(cases: Path, tmp_path: Path):
    out = tmp_path / "report"
    run_audit([str(cases)], jobs=1, out_dir=out)
    before = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def interrupt_after_three(result, total, seen=[]):
        seen.append(result)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_audit([str(cases)], jobs=2, out_dir=out, on_file=interrupt_after_three)
    assert {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in out.iterdir()) == sorted([JSON_NAME, CSV_NAME, PARQUET_NAME, HTML_NAME, "letters"])

    fresh = tmp_path / "fresh"
    with pytest.raises(KeyboardInterrupt):
        run_audit([str(cases)], jobs=1, out_dir=fresh, on_file=lambda r, t: (_ for _ in ()).throw(KeyboardInterrupt))
    assert list(fresh.iterdir()) == []


# The seeds' examples and the dev corpus --------------------------------------------------------

def seed_letter_outcomes() -> Counter:
    """Each disputed item's outcome, counted from the seed letters' own decision lines."""
    outcomes: Counter = Counter()
    for letter in sorted((SHARED / "seeds").glob("*.txt")):
        for match in re.finditer(r":\s*(Upheld|Overturned)\s*$", letter.read_text(), re.MULTILINE):
            outcomes[match.group(1).lower()] += 1
    return outcomes


def test_the_audit_of_the_seeds_examples_gives_the_letters_counts():
    examples = sorted(EXAMPLES.glob("seed-*.yaml"))
    if not examples:
        pytest.skip("no examples/seed-*.yaml yet")
    if not (SHARED / "seeds").is_dir():
        pytest.skip(f"{SHARED / 'seeds'} is absent: the seed letters are read from ../shared")
    run = run_audit([str(p) for p in examples], jobs=1)
    outcomes = seed_letter_outcomes()
    assert run.errors == []
    assert run.summary["letters"] == len(list((SHARED / "seeds").glob("*.txt")))
    assert run.summary["items"] == run.summary["outcomes"] == sum(outcomes.values())
    assert run.summary["overturned"] == outcomes["overturned"]
    rows = expected_rows(examples)
    assert run.summary["decided"] == sum(1 for r in rows if r[2] != "undetermined")
    assert run.summary["agreement"] == summarize((r[3], r[4]) for r in rows).agreement


def test_the_dev_corpus_audits():
    corpus = SHARED / "corpus" / "dev"
    if not corpus.is_dir():
        pytest.skip(f"{corpus} is absent: the dev corpus is read from ../shared")
    try:
        from imr_check.reader import read_letter  # noqa: F401
    except ImportError:
        pytest.skip("the letter reader (imr_check.reader.read_letter) has not landed")
    letters = sorted(corpus.glob("*.pdf"))
    run = run_audit([str(corpus)], jobs=2)
    assert run.summary["files"] == len(letters)
    assert run.summary["letters"] + run.summary["errors"] == len(letters)
    assert run.summary["letters"] >= 0.9 * len(letters), run.errors
    assert run.summary["items"] >= run.summary["letters"]
