"""bench/vocabulary.py and the request-line set: the tuning half is named right, and the benchmark's own behaviour.

The held-out half is measured by bench/vocabulary.py only, never tested here: a test on it would be a fix seen.
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import vocabulary as bench  # noqa: E402

from imr_check.reader.classify import classify_topic, parse_request  # noqa: E402
from imr_check.vocabulary import lookup_drug  # noqa: E402

TUNING = [entry for entry in bench.load_lines(bench.DEFAULT_LINES) if bench.half_of(entry["line"]) == "tuning"]


@pytest.mark.parametrize("entry", TUNING, ids=[entry["line"] for entry in TUNING])
def test_a_tuning_line_gets_its_labels(entry):
    got = bench.labels_read(entry["line"])
    expected = {label: entry[label] for label in ("topic", *bench.SUB_LABELS) if label in entry}
    assert {label: got[label] for label in expected} == expected


def test_the_halves_are_fixed_by_the_line_alone():
    assert bench.half_of("Norco 10/325 #90") == bench.half_of("  norco 10/325 #90 ")
    halves = {bench.half_of(entry["line"]) for entry in bench.load_lines(bench.DEFAULT_LINES)}
    assert halves == {"tuning", "held_out"}


def test_the_benchmark_prints_both_halves_and_lists_only_tuning_misses(tmp_path, capsys):
    lines = tmp_path / "lines.yaml"
    held_out, tuning = (next(f"{word} {count} visits" for count in range(1, 40) if bench.half_of(f"{word} {count} visits") == half)
                        for word, half in (("Frobnicator", "held_out"), ("Widget", "tuning")))
    lines.write_text(f"lines:\n  - {{line: '{held_out}', topic: acupuncture}}\n  - {{line: '{tuning}', topic: massage}}\n")
    assert bench.main(["--lines", str(lines), "--misses"]) == 0
    out = capsys.readouterr().out
    assert "to other" in out and "held_out" in out
    assert tuning in out and held_out not in out


@pytest.mark.parametrize("content", ["", "lines: []\n", "lines:\n  - {line: x}\n", "lines:\n  - {line: x, topic: opioid, dose: 1}\n",
                                     "lines: [\n"])
def test_a_bad_set_is_refused_with_exit_2(tmp_path, capsys, content):
    lines = tmp_path / "lines.yaml"
    lines.write_text(content)
    assert bench.main(["--lines", str(lines)]) == 2
    assert capsys.readouterr().err.startswith("error:")


@pytest.mark.parametrize("batch", ["0", "two", "true", "1.5"])
def test_a_batch_that_is_not_a_whole_number_from_1_is_refused(tmp_path, capsys, batch):
    lines = tmp_path / "lines.yaml"
    lines.write_text(f"lines:\n  - {{line: 'Widget 3 visits', topic: massage, batch: {batch}}}\n")
    assert bench.main(["--lines", str(lines)]) == 2
    assert "lines[1]: `batch` must be a whole number from 1" in capsys.readouterr().err


def test_each_batch_is_counted_apart_and_batch_limits_the_figures_to_one(tmp_path, capsys):
    lines = tmp_path / "lines.yaml"
    lines.write_text("lines:\n  - {line: 'Acupuncture x6', topic: acupuncture}\n"
                     "  - {line: 'Massage therapy x4', topic: massage, batch: 2}\n"
                     "  - {line: 'Chiropractic care x6', topic: chiropractic, batch: 2}\n")
    assert bench.main(["--lines", str(lines)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("all batches") and "\nbatch 1\n" in out and "\nbatch 2\n" in out
    assert bench.main(["--lines", str(lines), "--batch", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("batch 2") and "batch 1" not in out
    lines_row = next(row for row in out.splitlines() if row.startswith("lines "))
    assert sum(int(figure) for figure in lines_row.split()[1:]) == 2
    assert bench.main(["--lines", str(lines), "--batch", "3"]) == 2
    assert "no line of batch 3; the batches are [1, 2]" in capsys.readouterr().err


def test_a_missing_set_is_refused_with_exit_2(tmp_path, capsys):
    assert bench.main(["--lines", str(tmp_path / "none.yaml")]) == 2
    assert "cannot read" in capsys.readouterr().err


# --- misspelt drug names: only the opening word, only close to a name of the lexicon ---

@pytest.mark.parametrize("text, generic", [
    ("Hydrocodne 10/325 #120", "hydrocodone"),
    ("Retrospective request for Cyclobenzeprine 10mg #30", "cyclobenzaprine"),
    ("Gabapentine 300 mg #90", "gabapentin"),
])
def test_a_misspelt_drug_opening_the_request_is_that_drug(text, generic):
    assert lookup_drug(text).generic == generic


@pytest.mark.parametrize("text", ["Physical therapy 2x4", "Lumbar brace", "Traction unit", "Thermogram of the legs",
                                  "Massage therapy 6 sessions", "Referral to Hydrocodne weaning"])
def test_no_other_word_is_taken_for_a_misspelt_drug(text):
    assert lookup_drug(text) is None


def test_a_single_nerve_root_names_its_spine_in_a_request_only():
    assert parse_request("Selective nerve root block right L5").body_region == "lumbar_spine"
    assert parse_request("Right C6 transforaminal injection").body_region == "cervical_spine"
    assert parse_request("Right C6 transforaminal injection of the shoulder").body_region == "shoulder"


@pytest.mark.parametrize("text, topic", [
    # Laboratory tests of a hormone stay tests; its replacement is its own topic, whatever the form.
    ("Serum testosterone level", "laboratory_test"),
    ("Free and total testosterone", "laboratory_test"),
    ("Testosterone gel 1.62% two pumps daily", "testosterone_replacement"),
    ("Depo-Testosterone 200 mg IM every 14 days", "testosterone_replacement"),
    # A blood draw is no operation; a release of records is no operation either.
    ("Phlebotomy for a CBC", "laboratory_test"),
    # An occipital nerve block is an injection; a stimulator of the nerve is not.
    ("Left greater occipital nerve block", "injection"),
    ("Peripheral nerve field stimulation trial", "peripheral_nerve_stimulation"),
    # Infrared heat is a modality, infrared thermography a test.
    ("Infrared heat 6 sessions", "passive_modality"),
    # An interpreter heads its request; a visit that names one after stays the visit.
    ("Spanish interpreter for the follow-up visit", "interpreter"),
    # A radiofrequency neurotomy is an injection procedure, not an operation by its "-otomy"; a foraminotomy is one.
    ("Lumbar radiofrequency neurotomy L4-L5", "injection"),
    ("Left C6-7 foraminotomy", "surgery"),
    ("Excision of a dorsal wrist ganglion", "surgery"),
    # The H-wave unit however it is spaced.
    ("H wave device 30 day trial", "tens"),
])
def test_the_neighbours_of_the_new_phrases_keep_their_topics(text, topic):
    assert classify_topic(text) == topic


@pytest.mark.parametrize("text, kind", [
    ("Arthrocentesis of the left knee", "joint_aspiration"),
    ("Aspiration of the olecranon bursa", "joint_aspiration"),
    # With a corticosteroid the injection, whose criteria are written, decides.
    ("Aspiration and cortisone injection of the right knee", "corticosteroid_joint_or_soft_tissue"),
])
def test_an_aspiration_is_an_injection_of_its_own_kind(text, kind):
    parsed = parse_request(text)
    assert (parsed.topic, parsed.injection_type) == ("injection", kind)
