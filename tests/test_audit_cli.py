"""`imr-check audit` as a user runs it: exit codes, stdout, stderr, Ctrl-C."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from test_audit import acupuncture_case, write

COMMAND = [sys.executable, "-m", "imr_check.cli", "audit"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*COMMAND, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def small_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    write(folder, "one.yaml", acupuncture_case("CM16-0000011", sessions=4, prior=False, outcome="overturned"))
    write(folder, "two.yaml", acupuncture_case("CM16-0000012", sessions=3, prior=False, specialty="Anesthesiology"))
    (folder / "notes.txt").write_text("Dear diary, nothing about a review here.\n")
    return folder


def test_json_format_prints_one_document_with_items_errors_and_summary(tmp_path: Path):
    result = run(str(small_folder(tmp_path)), "--format", "json", "--jobs", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert [item["case_id"] for item in document["items"]] == ["CM16-0000011", "CM16-0000012"]
    assert [Path(e["path"]).name for e in document["errors"]] == ["notes.txt"]
    assert document["summary"]["letters"] == 2 and document["summary"]["errors"] == 1
    assert document["provenance"]["schema_version"] and document["provenance"]["rules_fingerprint"]
    assert "1 of 3 files could not be read" in result.stderr
    assert "Traceback" not in result.stderr


def test_text_format_prints_the_summary_tables_and_out_writes_the_four_files_and_the_letter_pages(tmp_path: Path):
    result = run(str(small_folder(tmp_path)), "--out", "report", "-j", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for heading in ("Agreement with the reviewers' outcomes", "Confusion matrix", "By topic",
                    "By reviewer specialty", "By guideline cited", "Files not read in full (1)"):
        assert heading in result.stdout
    assert "Anesthesiology" in result.stdout
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    assert sorted(p.name for p in (tmp_path / "report").iterdir()) == [
        "audit.json", "items.csv", "items.parquet", "letters", "report.html"]
    assert len(list((tmp_path / "report" / "letters").iterdir())) == 2
    assert "Wrote report/audit.json" in " ".join(result.stdout.split())


def test_nothing_readable_exits_2_with_a_message(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    result = run(str(tmp_path / "empty"), cwd=tmp_path)
    assert result.returncode == 2
    assert "no letter or case file found" in result.stderr and "Traceback" not in result.stderr
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "x.yaml").write_text("requests: [")
    result = run(str(tmp_path / "bad"), "--format", "json", cwd=tmp_path)
    assert result.returncode == 2
    assert json.loads(result.stdout)["summary"]["errors"] == 1
    assert "none of the 1 files could be read" in result.stderr


def one_case_folder(tmp_path: Path, case_id: str) -> Path:
    folder = tmp_path / "some"
    write(folder, "case.yaml", yaml.safe_dump(acupuncture_case(case_id, sessions=4, prior=False)))
    return folder


OUTPUTS = ["audit.json", "items.csv", "items.parquet", "letters", "report.html"]


def complete_or_none(out: Path, files: int) -> bool:
    """True when DIR holds all four files, complete, or none of them."""
    import pyarrow.parquet as pq

    present = sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) if out.is_dir() else []
    if not present:
        return True
    assert present == OUTPUTS
    document = json.loads((out / "audit.json").read_text())
    assert document["summary"]["files"] == files
    rows = (out / "items.csv").read_text().splitlines()
    assert len(rows) == 1 + len(document["items"]) == 1 + pq.read_metadata(out / "items.parquet").num_rows
    assert (out / "report.html").read_text().rstrip().endswith("</html>")
    return True


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGKILL],
                         ids=lambda s: signal.Signals(s).name)
def test_a_signal_at_a_random_moment_leaves_complete_outputs_or_none_and_the_next_run_no_debris(
        tmp_path: Path, signum: int):
    folder = tmp_path / "many"
    case = yaml.safe_dump(acupuncture_case("CM16-0000099", sessions=4, prior=False))
    for number in range(300):
        write(folder, f"case-{number:04d}.yaml", case)
    out, temp = tmp_path / "report", tmp_path / "tmp"
    temp.mkdir()
    environment = {**os.environ, "TMPDIR": str(temp)}
    # A moment anywhere from the audit's start (its folder made: Python's own start-up, before any
    # handler exists, is not the audit's) to its end, about 2 s later on an idle machine; the seed
    # is printed so a failure can be replayed.
    seed = random.randrange(1 << 30)
    delay = random.Random(seed).uniform(0.0, 2.5)
    print(f"signal {signal.Signals(signum).name} after {delay:.2f} s (seed {seed})")
    # Its own process group, signalled whole, as a terminal's Ctrl-C is; SIGINT at its default even
    # when the tests themselves run in the background (where shells ignore it).
    process = subprocess.Popen([*COMMAND, str(folder), "--out", str(out), "--jobs", "2"], cwd=tmp_path, env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not out.is_dir() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(delay)
    if process.poll() is None:
        os.killpg(process.pid, signum)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode in (0, -signal.SIGKILL if signum == signal.SIGKILL else 128 + signum), stderr
    assert "Traceback" not in stderr and "Error" not in stderr, stderr
    if process.returncode == 128 + signum:
        assert "interrupted" in stderr
    assert complete_or_none(out, 300)
    assert not any(Path(temp).iterdir()) or signum == signal.SIGKILL

    again = subprocess.run([*COMMAND, str(folder), "--out", str(out), "--jobs", "2"], cwd=tmp_path, env=environment,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in out.iterdir()) == OUTPUTS  # no hidden run folder, no staging folder
    assert complete_or_none(out, 300)
    assert list(temp.iterdir()) == []


def processes_running(argument: str) -> list[int]:
    """The processes whose command line holds `argument` (forked workers keep their parent's)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                    if argument.encode() in cmdline.read().split(b"\0"):
                        found.append(int(entry))
            except OSError:
                continue
    return found


def test_the_client_killed_half_way_resumes_where_its_parts_end(tmp_path: Path):
    folder = tmp_path / "many"
    case = yaml.safe_dump(acupuncture_case("CM16-0000098", sessions=4, prior=False))
    for number in range(400):
        write(folder, f"case-{number:04d}.yaml", case)
    out = tmp_path / "report"
    parts = out / ".imr-check-run" / "parts"
    process = subprocess.Popen([*COMMAND, str(folder), "--out", str(out), "--jobs", "2"], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (parts.is_dir() and list(parts.glob("part-*.jsonl"))) and time.monotonic() < deadline:
        time.sleep(0.02)
    process.kill()  # the client alone: its workers must not outlive it
    _, stderr = process.communicate(timeout=60)
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
    deadline = time.monotonic() + 10
    while processes_running(str(folder)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_running(str(folder)) == []
    written = sum(len(p.read_text().splitlines()) for p in parts.glob("part-*.jsonl"))
    assert 0 < written < 400
    resumed = run(str(folder), "--out", str(out), "--jobs", "2", "--resume", "--format", "json", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert f"resuming: {written} of 400 files" in resumed.stderr
    document = json.loads(resumed.stdout)
    assert document["summary"]["files"] == 400 and len(document["items"]) == 400
    assert [Path(item["source"]).name for item in document["items"]] == sorted(p.name for p in folder.iterdir())
    assert sorted(p.name for p in out.iterdir()) == OUTPUTS


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_while_the_summary_is_printed_is_an_interruption_and_the_outputs_stay(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, signum: int):
    # The window between the audit's end and its summary: the signal arrives while the summary is printed.
    from imr_check.audit import command

    folder, out = one_case_folder(tmp_path, "CM16-0000098"), tmp_path / "report"

    def signalled(*args: object, **kwargs: object) -> None:
        os.kill(os.getpid(), signum)
        time.sleep(5)  # the handler raises in this frame; without one the process would have ended

    monkeypatch.setattr(command, "render_summary", signalled)
    code = command.audit_command([str(folder)], 1, out, "text")
    assert code == 128 + signum
    assert "interrupted while printing the summary" in capsys.readouterr().err
    assert complete_or_none(out, 1) and out.is_dir()
    # the command's handlers are taken back when it ends
    assert getattr(signal.getsignal(signum), "__name__", "") != "_raise_interrupted"


# The command, then a signal as it returns (its own handlers taken back) or as the interpreter exits.
SIGNALLED_AT_THE_END = """
import atexit, os, sys
from imr_check.audit import command
from imr_check.cli import main

signum, moment = int(sys.argv[1]), sys.argv[2]
audit_command = command.audit_command

def signalled_as_it_returns(*args, **kwargs):
    code = audit_command(*args, **kwargs)
    os.kill(os.getpid(), signum)
    return code

if moment == "as_the_command_returns":
    command.audit_command = signalled_as_it_returns
else:
    atexit.register(os.kill, os.getpid(), signum)
sys.argv = ["imr-check", "audit", *sys.argv[3:]]
main()
"""


@pytest.mark.parametrize("moment", ["as_the_command_returns", "at_the_interpreters_exit"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=lambda s: signal.Signals(s).name)
def test_a_signal_after_the_audit_ended_is_an_interruption_or_ignored_never_the_default_action(
        tmp_path: Path, signum: int, moment: str):
    folder, out = one_case_folder(tmp_path, "CM16-0000097"), tmp_path / "report"
    result = subprocess.run([sys.executable, "-c", SIGNALLED_AT_THE_END, str(int(signum)), moment, str(folder),
                             "--out", str(out), "--jobs", "1"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert "Traceback" not in result.stderr and "Aborted" not in result.stderr, result.stderr
    if moment == "as_the_command_returns":
        assert result.returncode == 128 + signum, result.stderr
        assert "interrupted as the audit ended" in result.stderr
    else:  # nothing is left to interrupt: the command's own exit code
        assert result.returncode == 0, result.stderr
    assert "Wrote" in result.stdout and complete_or_none(out, 1) and out.is_dir()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_held_while_the_files_are_moved_says_they_are_complete_and_leaves_no_run_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, signum: int):
    from imr_check.audit import command, outputs

    folder, out = one_case_folder(tmp_path, "CM16-0000096"), tmp_path / "report"
    publish = outputs.AuditOutputs._publish_letter_pages

    def signalled_while_held(self: outputs.AuditOutputs) -> None:
        os.kill(os.getpid(), signum)  # held until the four files are moved
        publish(self)

    monkeypatch.setattr(outputs.AuditOutputs, "_publish_letter_pages", signalled_while_held)
    # Ctrl-C as a terminal gives it: a process started in the background (`cmd &`, nohup) has SIGINT ignored
    # from its start, and Python then installs no KeyboardInterrupt handler (the held signal is rightly ignored).
    previous_sigint = signal.signal(signal.SIGINT, signal.default_int_handler)
    # Another thread alive, as a Dask client's is: the kernel may give it the signal, which must wait all the same.
    idle = threading.Event()
    other = threading.Thread(target=idle.wait)
    other.start()
    try:
        code = command.audit_command([str(folder)], 1, out, "text")
    finally:
        idle.set()
        other.join()
        signal.signal(signal.SIGINT, previous_sigint)
    assert code == 128 + signum
    error = capsys.readouterr().err
    assert "as the outputs were published" in " ".join(error.split())
    assert "no output file was written" not in error and "--resume" not in error
    assert sorted(p.name for p in out.iterdir()) == OUTPUTS  # no run folder left to resume
    assert complete_or_none(out, 1)
