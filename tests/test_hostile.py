"""Hostile but fair input (issue 13): each item found, as a test that failed before its fix.

Every command given input that is not what it expects exits 2 with a message that names the file
(and the line), never a traceback, never a hang; nothing is lost, nothing is overwritten.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from imr_check import evaluate_case, load_case_text
from imr_check.audit import audit_file
from imr_check.audit.inputs import expand
from imr_check.cli import app
from imr_check.reader import read_letters_text, split_letters
from imr_check.reader import clinical
from imr_check.reader.text import normalise
from imr_check.report import COMPACT_ABOVE, render_text

from reader_support import synthetic_letter
from test_reader_synthetic import HEADER, OLD_LAYOUT

SCRIPT = Path(sys.executable).with_name("imr-check")
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "prescreen-massage-ten-visits.yaml"
REQUEST = "requests:\n  - {text: Acupuncture x6, topic: acupuncture, sessions: 6}\n"
runner = CliRunner()
# Seconds any one command may take on bad input before it counts as a hang.
BOUND = 60


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def clean(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


def run(*args: str, timeout: float = BOUND, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=timeout, **kwargs)


# --- 1. rich markup in input is text ------------------------------------------------------------

@pytest.mark.parametrize("markup", ["[/]", "[bold]", "[/bold red]x[link=y]"])
def test_markup_in_a_path_a_key_a_value_and_a_request_is_printed_as_text(tmp_path, markup):
    case = tmp_path / f"case{markup}.yaml"  # a "/" in the markup makes a folder: the path still holds it
    case.parent.mkdir(parents=True, exist_ok=True)
    case.write_text(f"case: {{id: 'id{markup}'}}\nrequests:\n  - {{text: 'Acupuncture {markup} x6', "
                    f"topic: acupuncture, sessions: 6}}\n")
    result = invoke("check", str(case))
    clean(result)
    assert result.exit_code == 0
    assert f"Acupuncture {markup} x6" in result.stdout and f"id{markup}" in result.stdout

    bad = tmp_path / f"bad{markup}.yaml"
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_text(f"'key{markup}': 1\n" + REQUEST)
    result = invoke("check", str(bad))
    clean(result)
    assert result.exit_code == 2
    assert f"key{markup}" in result.stderr and str(bad) in result.stderr

    for args in (("explain", f"no.such{markup}"), ("rules", "--topic", f"x{markup}"),
                 ("extract", str(tmp_path / f"none{markup}.txt"))):
        result = invoke(*args)
        clean(result)
        assert result.exit_code == 2
        assert markup in result.stderr


def test_markup_in_an_audited_file_name_and_its_error(tmp_path):
    folder = tmp_path / "in[/]"
    folder.mkdir(parents=True)
    (folder / "bad[bold].yaml").write_text("requests: 3\n")
    (folder / "good[").mkdir()
    (folder / "good[" / "].yaml").write_text(EXAMPLE.read_text())
    result = invoke("audit", str(folder), "-j", "1")
    clean(result)
    assert result.exit_code == 0
    assert "bad[bold].yaml" in result.stdout


def test_a_facts_choices_are_printed_not_eaten_as_markup():
    result = invoke("facts")
    clean(result)
    assert "[female, male]" in result.stdout


# --- 2. only regular files, with a size limit -----------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "case.fifo"
    os.mkfifo(fifo)
    for args in (("check", str(fifo)), ("extract", str(fifo))):
        done = run(*args)
        assert done.returncode == 2, done.stderr
        assert "FIFO" in done.stderr and str(fifo) in done.stderr
    folder = tmp_path / "letters"
    folder.mkdir()
    os.mkfifo(folder / "x.txt")
    (folder / "case.yaml").write_text(EXAMPLE.read_text())
    done = run("audit", str(folder), "-j", "1", "-f", "json")
    assert done.returncode == 0, done.stderr
    errors = json.loads(done.stdout)["errors"]
    assert [os.path.basename(e["path"]) for e in errors] == ["x.txt"] and "FIFO" in json.dumps(errors)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_device_is_refused_not_read_without_end():
    for args in (("check", "/dev/zero"), ("extract", "/dev/zero")):
        done = run(*args)
        assert done.returncode == 2
        assert "/dev/zero" in done.stderr and "character device" in done.stderr


def test_a_file_over_the_size_limit_is_refused_with_the_limit(tmp_path):
    from imr_check._yaml import YAML_LIMIT
    from imr_check.reader.pdf import LETTER_LIMIT

    for name, limit in (("case.yaml", YAML_LIMIT), ("letter.txt", LETTER_LIMIT)):
        path = tmp_path / name
        with open(path, "wb") as stream:
            stream.truncate(limit + 1)  # sparse: no disk used
        result = invoke("check" if name.endswith("yaml") else "extract", str(path))
        clean(result)
        assert result.exit_code == 2
        assert f"{limit // (1024 * 1024)} MB limit" in result.stderr and name in result.stderr


# --- 4. extract -o writes only a regular file or a new path ---------------------------------------

def _letter(tmp_path: Path) -> Path:
    letter = tmp_path / "letter.txt"
    letter.write_text(HEADER)
    return letter


def test_extract_output_over_a_fifo_or_a_link_is_refused_and_left_alone(tmp_path):
    letter = _letter(tmp_path)
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    target = tmp_path / "target.yaml"
    target.write_text("kept\n")
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    for output, kind in ((fifo, "FIFO"), (link, "symbolic link")):
        result = invoke("extract", str(letter), "-o", str(output))
        clean(result)
        assert result.exit_code == 2
        assert kind in result.stderr and str(output) in result.stderr
    assert fifo.is_fifo() and link.is_symlink() and target.read_text() == "kept\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["letter.txt", "link.yaml", "out.fifo", "target.yaml"]


def test_extract_output_over_a_regular_file_or_to_a_new_path_is_written(tmp_path):
    letter = _letter(tmp_path)
    existing = tmp_path / "old.yaml"
    existing.write_text("old\n")
    for output in (existing, tmp_path / "new.yaml"):
        result = invoke("extract", str(letter), "-o", str(output))
        clean(result)
        assert result.exit_code == 0, result.output
        assert "CM99-0000001" in output.read_text()


def test_the_output_check_refuses_a_character_device(tmp_path):
    from imr_check.errors import InputError
    from imr_check.reader.export import write_atomically

    # Over /dev/null only if the check exists: os.replace would otherwise replace it (as root).
    with pytest.raises(InputError, match="character device"):
        write_atomically(Path(os.devnull), "x")
    assert Path(os.devnull).is_char_device()


# --- 8. invalid values refused --------------------------------------------------------------------

@pytest.mark.parametrize("text, line, message", [
    ("patient: {age: true}\n", 1, "expected a number"),
    ("clinical:\n  pain: {current: false}\n", 2, "expected a number"),
    ("case: {injury_date: 0}\n", 1, "YYYY-MM-DD"),
    ("case:\n  id: x\n  request_date: 1431000000\n", 3, "YYYY-MM-DD"),
    ("clinical: {red_flags: 1}\n", 1, "true or false"),
    ("case: {injury_date: 2016-05-01, ur_decision_date: 2016-04-01}\n", 1, "ur_decision_date (2016-04-01) is before injury_date"),
    ("case: {request_date: 2016-05-01, imr_decision_date: 2016-04-01}\n", 1, "imr_decision_date (2016-04-01) is before request_date"),
    ("case: {ur_decision_date: 2016-05-01, imr_decision_date: 2016-04-01}\n", 1, "is before ur_decision_date"),
    ("patient:\n  age: " + "9" * 5000 + "\n", 2, "too long"),
])
def test_invalid_values_are_refused_at_their_line(tmp_path, text, line, message):
    path = tmp_path / "case.yaml"
    path.write_text(text + REQUEST)
    result = invoke("check", str(path))
    clean(result)
    assert result.exit_code == 2, result.output
    assert f"case.yaml:{line}" in result.stderr and message in result.stderr


def test_a_merge_key_with_an_override_is_valid_yaml():
    case = load_case_text("base: &base {text: Acupuncture x3, topic: acupuncture, sessions: 3}\n"[:0] +
                          "requests:\n  - &first {id: a, text: Acupuncture x3, topic: acupuncture, sessions: 3}\n"
                          "  - <<: *first\n    id: b\n    sessions: 4\n")
    assert [(r.id, r.sessions, r.text) for r in case.requests] == [("a", 3, "Acupuncture x3"), ("b", 4, "Acupuncture x3")]
    with pytest.raises(Exception, match="duplicate key 'sessions'"):
        load_case_text("requests:\n  - {text: a, topic: acupuncture, sessions: 3, sessions: 4}\n")


# --- 9. output errors -----------------------------------------------------------------------------

@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("args", [["check", str(EXAMPLE)], ["check", "-f", "json", str(EXAMPLE)], ["rules"],
                                  ["rules", "-f", "yaml"], ["facts"], ["schema"], ["explain", "acupuncture.frequency"]])
def test_a_full_stdout_is_an_error_not_a_traceback(args):
    with open("/dev/full", "w") as full:
        done = subprocess.run([str(SCRIPT), *args], stdout=full, stderr=subprocess.PIPE, text=True, timeout=BOUND)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "cannot write the output to standard output (No space left on device)" in done.stderr


# --- 10. rules --coverage on malformed test files -------------------------------------------------

@pytest.mark.parametrize("text, line", [("{a: 1}\n", 1), ("- 3\n", 1), ("- name: x\n- expect: {rules: 5}\n", 2),
                                        ("- expect: {criteria: [x]}\n", 1), ("- [unclosed\n", 2),
                                        ("- expect:\n    rules: [a]\n  bad: \x01\n", 3)])
def test_coverage_names_a_malformed_test_file_and_its_line(tmp_path, text, line):
    (tmp_path / "t.yaml").write_text(text)
    result = invoke("rules", "--coverage", "--tests", str(tmp_path))
    clean(result)
    assert result.exit_code == 2, result.output
    assert f"t.yaml:{line}" in result.stderr


# --- 11. messages name the line and the encoding --------------------------------------------------

@pytest.mark.parametrize("text, line, message", [
    ("case:\n  id: x\n  priority: a\x00b\n", 3, "control character"),
    ("case:\n  id: x\n\n  priority: a\x07b\n", 4, "control character"),
    ("case:\n  id: x\nnull: 3\n", 3, "read by YAML as null"),
    ("case:\n  id: x\n  yes: 1\n", 3, "read by YAML as a boolean"),
])
def test_a_control_byte_or_a_non_string_key_is_reported_at_its_line(tmp_path, text, line, message):
    path = tmp_path / "case.yaml"
    path.write_text(text + REQUEST)
    result = invoke("check", str(path))
    clean(result)
    assert result.exit_code == 2
    assert f"case.yaml:{line}" in result.stderr and message in result.stderr


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_letter_is_read(tmp_path, encoding):
    path = tmp_path / "letter.txt"
    path.write_bytes(HEADER.encode(encoding))
    result = invoke("extract", str(path))
    clean(result)
    assert result.exit_code == 0, result.output
    assert "CM99-0000001" in result.stdout


def test_a_utf16_case_file_is_named_as_such(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_bytes(EXAMPLE.read_text().encode("utf-16"))
    result = invoke("check", str(path))
    clean(result)
    assert result.exit_code == 2 and "UTF-16" in result.stderr


# --- 12. the report is not slower than the evaluation ---------------------------------------------

def test_a_case_of_many_requests_is_printed_as_lines_with_every_request():
    count = COMPACT_ABOVE + 10
    case = load_case_text("case: {request_date: 2016-03-01}\nrequests:\n" + "".join(
        f"  - {{id: q{i}, text: 'Acupuncture x{i % 9 + 1} [/]', topic: acupuncture, sessions: {i % 9 + 1}}}\n"
        for i in range(count)))
    out = io.StringIO()
    render_text(evaluate_case(case), Console(file=out, width=120))
    text = out.getvalue()
    assert "╭" not in text  # no panels: rich lays each out in ~10 ms
    assert all(f"q{i}: Acupuncture x{i % 9 + 1} [/]" in text for i in range(count))
    assert text.count("NON-CERTIFY") + text.count("CERTIFY") + text.count("MODIFY") >= count


# --- 6. nothing lost in an audit's discovery; two letters in a file are two cases -----------------

def test_discovery_lists_every_file_considered(tmp_path):
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / ".hidden").mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for path in (root / "sub" / "a.yaml", root / ".b.yaml", root / ".hidden" / "c.yaml", elsewhere / "d.yaml"):
        path.write_text(EXAMPLE.read_text())
    (root / "link").symlink_to(elsewhere)
    (root / "sub" / "loop").symlink_to(root)
    found = {os.path.relpath(i.path, root): i.problem for i in expand([root])}
    assert found["sub/a.yaml"] is None and found["link/d.yaml"] is None
    assert "hidden" in found[".b.yaml"] and "hidden" in found[".hidden"]
    assert "already audited" in found["sub/loop"]
    assert len(found) == 5


def _two_letters() -> str:
    second = (HEADER.replace("CM99-0000001", "CM99-0000002").replace("Date of Injury: 05/04/2015",
                                                                      "Date of Injury: 06/07/2014"))
    return HEADER + second


def test_two_letters_in_one_text_are_two_cases_with_their_own_numbers_and_dates():
    assert len(split_letters(HEADER)) == 1 and len(split_letters(OLD_LAYOUT)) == 1
    first, second = read_letters_text(_two_letters(), "merged.txt")
    assert (first.case.id, str(first.case.injury_date)) == ("CM99-0000001", "2015-05-04")
    assert (second.case.id, str(second.case.injury_date)) == ("CM99-0000002", "2014-06-07")
    assert len(first.requests) == len(second.requests) == 4
    # A letter of the older layout (no header block) after one of the newer: split at its heading.
    newer, older = read_letters_text(HEADER + OLD_LAYOUT, "merged.txt")
    assert newer.case.id == "CM99-0000001" and older.case.id is None and len(older.requests) == 1


def _evidence_spans(case) -> list[tuple[int, str]]:
    return [(e.offset, e.sentence) for found in case.evidence.values() for e in found if e.offset is not None]


def test_each_letter_of_a_merged_text_has_its_evidence_offsets_in_its_own_part_of_the_text():
    text = _two_letters()
    whole = normalise(text)
    first, second = read_letters_text(text, "merged.txt")
    second_starts = whole.index("Case Number: CM99-0000002")
    for case, (low, high) in ((first, (0, second_starts)), (second, (second_starts, len(whole)))):
        spans = _evidence_spans(case)
        assert spans, case.case.id
        for offset, sentence in spans:
            # The letters are alike: only the position tells the second letter's sentence from the first's copy.
            assert low <= offset < high, (case.case.id, offset, sentence)
            assert whole[offset:offset + len(sentence)].replace("\n", " ") == sentence
    # Read alone, the second letter gives the same sentences, moved by where it starts in the merged text.
    alone = read_letters_text(whole[second_starts:], "second.txt")[0]
    assert sorted(_evidence_spans(second)) == sorted((o + second_starts, s) for o, s in _evidence_spans(alone))


def test_the_page_of_a_merged_files_second_letter_highlights_every_one_of_its_sentences(tmp_path):
    from imr_check.audit.letter_pages import _letter_text, _spans

    path = tmp_path / "merged.txt"
    path.write_text(_two_letters())
    audited = audit_file(str(path))
    text, problem = _letter_text(str(path))
    assert problem is None
    second = audited["letters"][1]
    sentences = {(e["offset"], e["sentence"]) for found in second["evidence"].values() for e in found}
    assert sentences and len(_spans(text, second["evidence"])) == len(sentences)


def test_an_audit_gives_each_letter_of_a_file_its_own_rows_and_extract_refuses_it(tmp_path):
    path = tmp_path / "merged.txt"
    path.write_text(_two_letters())
    audited = audit_file(str(path))
    assert [row["case_id"] for row in audited["rows"]] == ["CM99-0000001"] * 4 + ["CM99-0000002"] * 4
    result = invoke("extract", str(path))
    clean(result)
    assert result.exit_code == 2 and "holds 2 letters (CM99-0000001, CM99-0000002)" in result.stderr


# --- 3. reading is not quadratic; one slow file does not stall an audit ---------------------------

def test_the_readers_per_letter_caches_are_emptied_and_results_unchanged():
    from imr_check.reader import read_letter_text
    from imr_check.reader.classify import _body_regions

    first = read_letter_text(HEADER, "a.txt")
    assert clinical._mentions.cache_info().currsize == 0 and not clinical._SENTENCE_MENTIONS
    assert not clinical._SUMMARY_CHOICES and not clinical._FIRST_TREATMENT_LIST
    assert _body_regions.cache_info().currsize == 0
    assert read_letter_text(HEADER, "a.txt") == first


def _letter_of(summary: list[str], items: list[tuple[str, str]]) -> str:
    """A letter written here: a header, the summary's sentences, and (name, rationale) items."""
    return synthetic_letter("\n".join(summary), items, front=HEADER[:HEADER.index("CLINICAL CASE SUMMARY")] +
                            "CLINICAL CASE SUMMARY\n",
                            guideline="Decision based on MTUS Chronic Pain Medical Treatment Guidelines.",
                            closing="Therefore, the request is not medically necessary.")


def test_the_summary_is_read_once_per_kind_of_request_however_many_items_there_are(monkeypatch):
    """Per-request reading touches the summary once per kind of request: work on it does not grow with the items."""
    from imr_check.reader import read_letter_text

    summary = [f"She completed {n} sessions of physical therapy in 2016 with some benefit." for n in range(1, 9)]
    summary += ["She reports low back pain radiating to the left leg."] * 4
    calls = []
    original = clinical._prior_treatment
    monkeypatch.setattr(clinical, "_prior_treatment",
                        lambda treatment, tier, sentence, *rest: calls.append(tier) or original(treatment, tier, sentence,
                                                                                                *rest))
    counts = {}
    for items in (2, 12):
        calls.clear()
        case = read_letter_text(_letter_of(summary, [("Physical therapy 2 times a week for 4 weeks for the low back",
                                                      "The patient has low back pain.")] * items), f"{items}.txt")
        assert [r.history.prior_treatment for r in case.requests] == [True] * items
        counts[items] = calls.count(1)
    assert counts[2] == counts[12] == 8  # the eight summary sentences that name physical therapy, read once


def test_a_rationale_that_speaks_of_the_fact_outranks_the_summary_for_its_own_request_only():
    from imr_check.reader import read_letter_text

    summary = ["She completed 6 sessions of physical therapy with some benefit."]
    items = [("Physical therapy 2 times a week for 4 weeks for the low back", "The patient has low back pain."),
             ("Physical therapy 2 times a week for 3 weeks for the neck",
              "She has had no prior physical therapy for the neck.")]
    first, second = read_letter_text(_letter_of(summary, items), "two.txt").requests
    assert first.history.prior_treatment is True and second.history.prior_treatment is False


def test_a_facts_evidence_is_its_first_sentences_up_to_the_bound():
    from imr_check.reader import read_letter_text

    bound = clinical.MAX_EVIDENCE_SENTENCES
    summary = [f"On visit {n} there were no red flags." for n in range(1, bound + 6)]
    case = read_letter_text(_letter_of(summary, [("Lumbar brace", "The patient has low back pain.")]), "flags.txt")
    assert case.clinical.red_flags is False
    found = [e.sentence for e in case.evidence["clinical.red_flags"]]
    assert found == summary[:bound]
    # the sentences left out are counted, not dropped unsaid
    assert case.evidence_omitted == {"clinical.red_flags": 5}


def test_a_facts_evidence_within_the_bound_omits_nothing():
    from imr_check.reader import read_letter_text

    summary = ["On the first visit there were no red flags.", "On the second visit there were no red flags."]
    case = read_letter_text(_letter_of(summary, [("Lumbar brace", "The patient has low back pain.")]), "flags.txt")
    assert len(case.evidence["clinical.red_flags"]) == 2
    assert case.evidence_omitted == {}


def test_a_file_over_the_audit_time_limit_is_an_error_and_the_audit_goes_on(tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from extract_scaling import letter

    (tmp_path / "huge.txt").write_text(letter(300_000))
    (tmp_path / "case.yaml").write_text(EXAMPLE.read_text())
    done = run("audit", str(tmp_path), "-j", "1", "-f", "json", env={**os.environ, "IMR_CHECK_FILE_SECONDS": "0.5"})
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    errors = {os.path.basename(e["path"]): e["message"] if "message" in e else e.get("error") for e in report["errors"]}
    assert "time limit" in errors["huge.txt"]
    assert report["summary"]["letters"] == 1
