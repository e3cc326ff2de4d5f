"""The audit an auditor can act on: alike cases decided differently, overturn rates by group, letter
pages with the evidence highlighted, the undetermined items, provenance and reproducible outputs.

Every case and letter text here is our own, written for the test.
"""

from __future__ import annotations

import csv
import json
import random
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from imr_check import __version__
from imr_check.audit import CSV_NAME, HTML_NAME, JSON_NAME, PARQUET_NAME, Tally, run_audit
from imr_check.audit.consistency import QUANTITY_RATIO, alike_groups, alike_item, are_alike, kind_label
from imr_check.audit.items import audit_file
from imr_check.audit.letter_pages import FOLDER, highlighted, page_link, page_name, render
from imr_check.audit.provenance import SCHEMA_VERSION, rules_fingerprint
from imr_check.cli import app

from test_audit import acupuncture_case, write


def audited_item(path: Path, index: int = 0):
    result = audit_file(str(path))
    return alike_item(result["letter"], result["letter"]["items"][index])


# Alike cases ----------------------------------------------------------------------------------

def test_two_cases_with_the_same_deciding_facts_and_opposite_outcomes_form_a_pair(tmp_path: Path):
    upheld = write(tmp_path, "u.yaml", acupuncture_case("CM16-0000011", sessions=4, prior=False, outcome="upheld"))
    overturned = write(tmp_path, "o.yaml", acupuncture_case("CM16-0000012", sessions=5, prior=False,
                                                            outcome="overturned", specialty="Anesthesiology"))
    items = [audited_item(upheld), audited_item(overturned)]
    assert are_alike(*items)
    block = alike_groups(items)
    assert (block["groups_found"], block["pairs_found"], block["items_in_groups"]) == (1, 1, 2)
    group = block["groups"][0]
    assert group["topic"] == "acupuncture"
    assert group["deciding_facts"] == {"request.history.prior_treatment": False}
    assert group["quantity_facts"] == ["request.total_sessions"]
    pair = group["pairs"][0]
    assert (pair["upheld"]["case_id"], pair["overturned"]["case_id"]) == ("CM16-0000011", "CM16-0000012")
    assert pair["quantity_ratio"] == pytest.approx(5 / 4)
    assert pair["upheld"]["link"] == page_link("CM16-0000011", str(upheld), 0)


def test_a_difference_in_a_deciding_fact_separates_them(tmp_path: Path):
    first = write(tmp_path, "a.yaml", acupuncture_case("CM16-0000021", sessions=4, prior=False, outcome="upheld"))
    second = write(tmp_path, "b.yaml", acupuncture_case("CM16-0000022", sessions=4, prior=True, improved=True,
                                                        outcome="overturned"))
    items = [audited_item(first), audited_item(second)]
    assert not are_alike(*items)
    assert alike_groups(items)["groups_found"] == 0


def test_one_deciding_fact_apart_is_nearly_alike_and_named(tmp_path: Path):
    first = write(tmp_path, "a.yaml", acupuncture_case("CM16-0000023", sessions=8, prior=True, improved=False,
                                                       outcome="upheld"))
    second = write(tmp_path, "b.yaml", acupuncture_case("CM16-0000024", sessions=8, prior=True, improved=True,
                                                        outcome="overturned"))
    third = write(tmp_path, "c.yaml", acupuncture_case("CM16-0000025", sessions=4, prior=False, outcome="overturned"))
    block = alike_groups([audited_item(p) for p in (first, second, third)])
    assert block["groups_found"] == 0
    assert block["nearly_alike_pairs_found"] == 1
    pair = block["nearly_alike"][0]
    assert pair["differs_in"] == {"fact": "request.history.functional_improvement.demonstrated",
                                  "upheld": False, "overturned": True}
    assert (pair["upheld"]["case_id"], pair["overturned"]["case_id"]) == ("CM16-0000023", "CM16-0000024")
    assert pair["deciding_facts"] == {"request.history.prior_treatment": True}


def test_quantities_beyond_the_stated_ratio_separate_them(tmp_path: Path):
    assert QUANTITY_RATIO == 1.5
    base = write(tmp_path, "a.yaml", acupuncture_case("CM16-0000031", sessions=4, prior=False, outcome="upheld"))
    within = write(tmp_path, "b.yaml", acupuncture_case("CM16-0000032", sessions=6, prior=False, outcome="overturned"))
    beyond = write(tmp_path, "c.yaml", acupuncture_case("CM16-0000033", sessions=7, prior=False, outcome="overturned"))
    assert are_alike(audited_item(base), audited_item(within))  # 6 / 4 = 1.5
    assert not are_alike(audited_item(base), audited_item(beyond))  # 7 / 4 > 1.5


def test_the_same_outcome_or_a_missing_outcome_makes_no_pair(tmp_path: Path):
    a = write(tmp_path, "a.yaml", acupuncture_case("CM16-0000041", sessions=4, prior=False, outcome="upheld"))
    b = write(tmp_path, "b.yaml", acupuncture_case("CM16-0000042", sessions=4, prior=False, outcome="upheld"))
    c = write(tmp_path, "c.yaml", acupuncture_case("CM16-0000043", sessions=4, prior=False, outcome=None))
    assert alike_groups([audited_item(p) for p in (a, b, c)])["groups_found"] == 0


def test_the_ranking_is_deterministic_and_puts_the_closer_quantities_first(tmp_path: Path):
    paths = [
        # No prior acupuncture: quantities 4, 4 and 5.
        write(tmp_path, "a1.yaml", acupuncture_case("CM16-0000051", sessions=4, prior=False, outcome="upheld")),
        write(tmp_path, "a2.yaml", acupuncture_case("CM16-0000052", sessions=4, prior=False, outcome="overturned")),
        write(tmp_path, "a3.yaml", acupuncture_case("CM16-0000053", sessions=5, prior=False, outcome="overturned")),
        # Prior acupuncture with improvement: another group.
        write(tmp_path, "b1.yaml", acupuncture_case("CM16-0000054", sessions=8, prior=True, improved=True,
                                                    outcome="upheld")),
        write(tmp_path, "b2.yaml", acupuncture_case("CM16-0000055", sessions=8, prior=True, improved=True,
                                                    outcome="overturned")),
    ]
    items = [audited_item(p) for p in paths]
    first = alike_groups(items)
    for seed in range(5):
        shuffled = items[:]
        random.Random(seed).shuffle(shuffled)
        assert alike_groups(shuffled) == first
    assert (first["groups_found"], first["pairs_found"]) == (2, 3)
    no_prior, improved = first["groups"]
    # Equally alike groups (two facts each, a pair at ratio 1): by case number.
    assert no_prior["upheld"][0]["case_id"] == "CM16-0000051"
    assert improved["upheld"][0]["case_id"] == "CM16-0000054"
    # Within a group the closer quantities come first: 4 against 4 before 4 against 5.
    assert [p["overturned"]["case_id"] for p in no_prior["pairs"]] == ["CM16-0000052", "CM16-0000053"]


def test_groups_sharing_more_deciding_facts_rank_first():
    def letter(case_id):
        return {"case_id": case_id, "source": f"{case_id}.pdf", "reviewer_specialty": None}

    def item(facts, outcome):
        return {"index": 0, "item": "MRI of the knee", "topic": "imaging", "kind": {"study": "mri"},
                "guideline_versions": ["v"], "deciding_facts": facts, "actual_outcome": outcome,
                "determination": "non_certify"}

    few = {"clinical.red_flags": False}
    many = {"clinical.red_flags": True, "clinical.surgery_considered": True, "clinical.prior_imaging": False}
    items = [alike_item(letter("CM16-0000001"), item(few, "upheld")),
             alike_item(letter("CM16-0000002"), item(few, "overturned")),
             alike_item(letter("CM16-0000009"), item(many, "upheld")),
             alike_item(letter("CM16-0000008"), item(many, "overturned"))]
    groups = alike_groups(items)["groups"]
    assert [g["facts_shared"] for g in groups] == [4, 2]
    assert groups[0]["deciding_facts"] == dict(sorted(many.items()))


def test_the_request_kind_separates_alike_facts_and_names_overturn_groups():
    def item(kind, outcome):
        return {"index": 0, "item": "x", "topic": "imaging", "kind": kind, "guideline_versions": ["v"],
                "deciding_facts": {"clinical.red_flags": False}, "actual_outcome": outcome, "determination": "non_certify"}

    letter = {"case_id": "CM16-0000061", "source": "a.pdf", "reviewer_specialty": None}
    mri = alike_item(letter, item({"study": "mri", "body_region": "knee"}, "upheld"))
    xray = alike_item(dict(letter, case_id="CM16-0000062"), item({"study": "xray", "body_region": "knee"}, "overturned"))
    assert not are_alike(mri, xray)
    assert kind_label(item({"study": "mri", "body_region": "knee"}, None)) == "imaging: mri"
    assert kind_label(dict(item({}, None), topic=None)) == "(no topic recognised)"


# Overturn rates, undetermined items, missing documentation ---------------------------------------

def test_the_summary_gives_overturn_rates_by_group_with_intervals_and_a_test(tmp_path: Path):
    for number in range(24):
        outcome = "overturned" if number % 3 == 0 else "upheld"
        specialty = "Anesthesiology" if number % 2 else "Family Medicine"
        write(tmp_path, f"c{number:02}.yaml", acupuncture_case(f"CM16-00001{number:02}", sessions=4, prior=False,
                                                                 outcome=outcome, specialty=specialty))
    summary = run_audit([str(tmp_path)], jobs=1).summary
    rates = summary["overturn_rates"]
    by_specialty = rates["by_reviewer_specialty"]["groups"]
    assert {name: (g["overturned"], g["outcomes"]) for name, g in by_specialty.items()} == {
        "Anesthesiology": (4, 12), "Family Medicine": (4, 12)}
    assert by_specialty["Anesthesiology"]["overturn_rate_interval"][0] < 4 / 12 < \
        by_specialty["Anesthesiology"]["overturn_rate_interval"][1]
    test = rates["by_reviewer_specialty"]["test"]
    assert test["test"] == "Fisher's exact" and test["p_value"] == pytest.approx(1.0)
    assert list(rates["by_request_kind"]["groups"]) == ["acupuncture"]
    # 24 alike cases: 8 overturned, 16 upheld, all in one group.
    assert summary["consistency"]["groups_found"] == 1
    assert summary["consistency"]["pairs_found"] == 8 * 16


def test_undetermined_items_are_listed_with_their_reason_and_the_rule_files_note(tmp_path: Path):
    case = acupuncture_case("CM16-0000071", sessions=4, prior=False, outcome="upheld",
                            extra=[{"text": "Psychotherapy x6", "topic": "psychological_treatment", "sessions": 6,
                                    "imr": {"outcome": "upheld"}}])
    write(tmp_path, "a.yaml", case)
    result = audit_file(str(tmp_path / "a.yaml"))
    undetermined = [i for i in result["letter"]["items"] if i["determination"] == "undetermined"]
    summary = run_audit([str(tmp_path)], jobs=1).summary["undetermined"]
    assert summary["items"] == len(undetermined)
    for item in undetermined:
        assert summary["by_reason"][item["reason"]] >= 1
        listed = [i for i in summary["listed"] if i["item"] == item["item"]]
        assert listed and listed[0]["link"] == page_link("CM16-0000071", str(tmp_path / "a.yaml"), item["index"])
        assert item["not_encoded"], "the fixture's undetermined item must have a topic with not_encoded notes"
        assert summary["not_encoded_by_topic"][item["topic"]] == list(dict.fromkeys(item["not_encoded"]))
    assert undetermined, "the fixture must hold an undetermined item"


def test_the_top_missing_documentation_counts_the_facts_behind_non_certifications():
    def letter(case_id, *missing):
        return {"path": case_id, "details": [], "rows": [
            {"case_id": case_id, "topic": "imaging", "reviewer_specialty": None, "guideline_cited": None,
             "guidelines": [], "predicted_outcome": "upheld", "actual_outcome": "upheld",
             "determination": "non_certify", "missing_documentation": list(facts)} for facts in missing]}

    tally = Tally()
    tally.add(letter("1", ["clinical.red_flags"], ["clinical.red_flags", "clinical.prior_imaging"]))
    tally.add(letter("2", ["clinical.red_flags"]))
    top = tally.summary()["top_missing_documentation"]
    assert top["non_certified_items"] == 3
    assert top["facts"] == [{"fact": "clinical.red_flags", "non_certified_items": 3, "letters": 2},
                            {"fact": "clinical.prior_imaging", "non_certified_items": 1, "letters": 1}]


# Letter pages ----------------------------------------------------------------------------------

LETTER = ("Clinical case summary\nThe patient is a 50-year-old man with knee pain.\nHe has not had\n"
          "physical therapy. There are no red flags.\n")


def test_evidence_is_highlighted_and_anchored_where_its_offset_points():
    first = LETTER.index("He has not had")
    second = LETTER.index("There are no red flags.")
    spans = {(first, first + len("He has not had physical therapy.")): ["requests[0].history.prior_treatment"],
             (second, second + len("There are no red flags.")): ["clinical.red_flags"]}
    html = highlighted(LETTER, spans)
    assert html.count("<mark") == 2
    assert '<span class="anchor" id="ev-1"></span><mark title="requests[0].history.prior_treatment">He has not had' in html
    assert 'id="ev-2"></span><mark title="clinical.red_flags">There are no red flags.</mark>' in html
    assert re.sub(r"<[^>]+>", "", html) == LETTER  # nothing added, nothing lost


def test_a_letter_page_puts_the_reviewer_beside_the_rules_and_links_facts_to_their_sentences():
    sentence = "He has not had physical therapy."
    offset = LETTER.index("He has not had")
    letter = {"case_id": "CM16-0000081", "source": "letter.txt", "is_letter": True, "reviewer_specialty": "Orthopedics",
              "imr_decision_date": "2016-12-01",
              "evidence": {"requests[0].history.prior_treatment": [{"sentence": sentence, "offset": offset}],
                           "clinical.red_flags": [{"sentence": "a sentence elsewhere", "offset": 3}]},
              "items": [{"index": 0, "item": "Physical therapy x6", "topic": "physical_therapy",
                         "determination": "certify", "predicted_outcome": "overturned", "actual_outcome": "upheld",
                         "agrees": False, "reason": "the criteria are met", "guideline_versions": ["CPMTG 2016"],
                         "reviewer": {"outcome": "upheld", "item": None, "guideline_cited": "MTUS CPMTG, p. 99",
                                      "rationale": "Our own rationale for the test."},
                         "criteria": [{"rule_id": "pt.trial", "title": "A trial of therapy", "status": "met",
                                       "explanation": "x", "is_deciding": True, "missing": [],
                                       "facts": [{"path": "request.history.prior_treatment", "value": False,
                                                  "evidence": [sentence]}],
                                       "evidence_keys": {"request.history.prior_treatment":
                                                         "requests[0].history.prior_treatment"}}],
                         "clauses": [{"id": "pt.clause", "title": "Therapy", "source": "CPMTG", "citation": "p. 99"}],
                         "not_encoded": []}]}
    provenance = {"imr_check_version": "9.9", "rules_fingerprint": "sha256:" + "0" * 64, "schema_version": "2",
                  "generated_at": "2026-01-01T00:00:00Z"}
    page = render(letter, provenance, LETTER)
    assert 'id="item-0"' in page and "Our own rationale for the test." in page and "MTUS CPMTG, p. 99" in page
    assert '<a href="#ev-1">[read here]</a>' in page
    assert page.count("<mark") == 1  # the evidence whose offset does not hold is not highlighted
    assert "http" not in page and "<script" not in page
    assert page_name("CM16-0000081", "a/letter.txt") != page_name("CM16-0000081", "b/letter.txt")


def test_the_report_folder_has_a_page_per_letter_linked_from_each_disagreement(tmp_path: Path):
    cases = tmp_path / "cases"
    write(cases, "a.yaml", acupuncture_case("CM16-0000091", sessions=4, prior=False, outcome="upheld"))
    write(cases, "b.yaml", acupuncture_case("CM16-0000092", sessions=4, prior=False, outcome="overturned"))
    out = tmp_path / "report"
    run_audit([str(cases)], jobs=1, out_dir=out)
    pages = sorted(p.name for p in (out / FOLDER).iterdir())
    assert pages == sorted(page_name(c, str(cases / f)) for c, f in (("CM16-0000091", "a.yaml"),
                                                                   ("CM16-0000092", "b.yaml")))
    report = (out / HTML_NAME).read_text()
    assert f'href="{page_link("CM16-0000091", str(cases / "a.yaml"), 0)}"' in report
    page = (out / FOLDER / page_name("CM16-0000091", str(cases / "a.yaml"))).read_text()
    assert "She has not had acupuncture before." in page  # a case file's evidence, listed
    # The alike pair links both letters.
    assert "Alike cases decided differently" in report and "1 groups of alike items" in report
    # Re-running replaces the folder of pages.
    (cases / "b.yaml").unlink()
    run_audit([str(cases)], jobs=1, out_dir=out)
    assert len(list((out / FOLDER).iterdir())) == 1


# The report itself -----------------------------------------------------------------------------

def test_the_report_names_its_inputs_warns_on_a_dev_corpus_and_fetches_nothing(tmp_path: Path):
    cases = tmp_path / "cases"
    write(cases, "a.yaml", acupuncture_case("CM16-0000101", sessions=4, prior=False, outcome="upheld"))
    run_audit([str(cases)], jobs=1, out_dir=tmp_path / "dev", used_to_build_rules=True)
    run_audit([str(cases)], jobs=1, out_dir=tmp_path / "plain")
    dev, plain = ((tmp_path / name / HTML_NAME).read_text() for name in ("dev", "plain"))
    assert "These letters were used to build the rules" in dev and "used to build the rules" not in plain
    assert str(cases) in plain
    for html in (dev, plain):
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
        assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in html
        assert html.count("<script") == 1 and "<script src" not in html


def test_a_one_class_group_shows_kappa_undefined_and_small_groups_are_marked(tmp_path: Path):
    cases = tmp_path / "cases"
    # Both items upheld and predicted upheld (non-certified for missing documentation): one class.
    write(cases, "a.yaml", acupuncture_case("CM16-0000111", sessions=12, prior=True, improved=False))
    write(cases, "b.yaml", acupuncture_case("CM16-0000112", sessions=12, prior=True, improved=False))
    run = run_audit([str(cases)], jobs=1, out_dir=tmp_path / "out")
    assert run.summary["compared"] == 2 and run.summary["kappa"] is None and run.summary["is_small"]
    html = (tmp_path / "out" / HTML_NAME).read_text()
    assert "undefined" in html and 'class="small"' in html
    assert "<td>Cohen&#x27;s kappa</td><td>undefined</td>" in html


# Provenance ------------------------------------------------------------------------------------

def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_output_records_its_provenance(tmp_path: Path):
    import pyarrow.parquet as pq

    cases = tmp_path / "cases"
    write(cases, "a.yaml", acupuncture_case("CM16-0000121", sessions=4, prior=False, outcome="upheld"))
    out = tmp_path / "out"
    run_audit([str(cases)], jobs=1, out_dir=out)
    record = json.loads((out / JSON_NAME).read_text())["provenance"]
    assert record["imr_check_version"] == __version__
    assert record["rules_fingerprint"] == rules_fingerprint() and record["rules_fingerprint"].startswith("sha256:")
    assert record["schema_version"] == SCHEMA_VERSION
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", record["generated_at"])
    with open(out / CSV_NAME, newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert rows and all(row[key] == record[key] for row in rows for key in record)
    metadata = pq.read_schema(out / PARQUET_NAME).metadata
    assert {key.decode(): value.decode() for key, value in metadata.items() if key.startswith(b"imr_check.")} == {
        f"imr_check.{key}": value for key, value in record.items()}
    for page in [out / HTML_NAME, *(out / FOLDER).iterdir()]:
        text = page.read_text()
        assert record["generated_at"] in text and record["rules_fingerprint"][:19] in text


def test_the_same_inputs_give_the_same_outputs_byte_for_byte_but_the_timestamp(tmp_path: Path, monkeypatch):
    cases = tmp_path / "cases"
    write(cases, "a.yaml", acupuncture_case("CM16-0000131", sessions=4, prior=False, outcome="overturned"))
    write(cases, "b.yaml", acupuncture_case("CM16-0000132", sessions=12, prior=True, improved=False))
    write(cases, "c.yaml", acupuncture_case("CM16-0000133", sessions=5, prior=False, outcome="upheld"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    run_audit([str(cases)], jobs=1, out_dir=tmp_path / "one")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767312000")  # a day later
    run_audit([str(cases)], jobs=2, out_dir=tmp_path / "two")
    one, two = _outputs(tmp_path / "one"), _outputs(tmp_path / "two")
    assert sorted(one) == sorted(two) and len(one) == 4 + 3
    for name in one:
        first = one[name].replace(b"2026-01-01T00:00:00Z", b"TIME")
        second = two[name].replace(b"2026-01-02T00:00:00Z", b"TIME")
        if name.endswith(".parquet"):
            assert b"TIME" in first
        assert first == second, name
        assert one[name] != two[name], f"{name} does not record when it was made"


def test_version_prints_the_version_and_the_fingerprint():
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.splitlines()[:2] == [f"imr-check {__version__}", f"rules and guidelines {rules_fingerprint()}"]


def test_the_fingerprint_changes_with_any_rule_file(monkeypatch, tmp_path: Path):
    from imr_check.audit import provenance

    rules, guidelines = tmp_path / "rules", tmp_path / "guidelines"
    rules.mkdir()
    guidelines.mkdir()
    (rules / "a.yaml").write_text("rules: []\n")
    (guidelines / "g.yaml").write_text("clauses: []\n")
    monkeypatch.setattr(provenance, "rules_dir", lambda: rules)
    monkeypatch.setattr(provenance, "guidelines_dir", lambda: guidelines)
    provenance.rules_fingerprint.cache_clear()
    try:
        before = provenance.rules_fingerprint()
        provenance.rules_fingerprint.cache_clear()
        (rules / "a.yaml").write_text("rules: [] \n")
        assert provenance.rules_fingerprint() != before
    finally:
        provenance.rules_fingerprint.cache_clear()


def test_the_dev_corpus_letter_pages_highlight_the_evidence_where_the_reader_found_it(tmp_path: Path):
    from imr_check.audit.letter_pages import _letter_text, _spans

    corpus = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dev"
    if not corpus.is_dir():
        pytest.skip(f"{corpus} is absent: the dev corpus is read from ../shared")
    out = tmp_path / "out"
    run = run_audit([str(corpus)], jobs=2, out_dir=out)
    pages = list((out / FOLDER).iterdir())
    assert len(pages) == run.summary["letters"]
    evidence = held = 0
    for letter in sorted(corpus.glob("*.pdf")):
        result = audit_file(str(letter))
        if "letter" not in result:
            continue
        text, problem = _letter_text(str(letter))
        assert problem is None, problem
        found = result["letter"]["evidence"]
        evidence += sum(1 for entries in found.values() for e in entries if e["offset"] is not None)
        held += sum(len(keys) for keys in _spans(text, found).values())
    # Every fact's evidence the reader found is highlighted where its offset points.
    assert evidence > 0 and held == evidence
    assert all('<pre class="letter">' in page.read_text() for page in pages)
