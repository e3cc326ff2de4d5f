"""`imr-check audit` as a user runs it: exit codes, stdout, stderr, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

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


def test_ctrl_c_leaves_no_output_file(tmp_path: Path):
    folder = tmp_path / "many"
    case = yaml.safe_dump(acupuncture_case("CM16-0000099", sessions=4, prior=False))
    for number in range(600):
        write(folder, f"case-{number:04d}.yaml", case)
    out = tmp_path / "report"
    # Its own process group, signalled whole, as a terminal's Ctrl-C is; SIGINT at its default even
    # when the tests themselves run in the background (where shells ignore it).
    process = subprocess.Popen([*COMMAND, str(folder), "--out", str(out), "--jobs", "2"], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not (out.is_dir() and any(out.iterdir())) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert list(out.iterdir()) == []
