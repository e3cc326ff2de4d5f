"""The audit at scale: on a Dask cluster, resumed after an interruption, from a list of paths,
with workers that die, on a full disk, and after a run that was killed."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from test_audit import acupuncture_case, write

from imr_check.audit import JSON_NAME, run_audit
from imr_check.audit import run as run_module
from imr_check.audit import runfolder
from imr_check.audit.command import audit_command
from imr_check.audit.outputs import CSV_NAME, HTML_NAME, PARQUET_NAME
from imr_check.audit.runfolder import RUN_FOLDER
from imr_check.errors import InputError

OUTPUTS = sorted((JSON_NAME, CSV_NAME, PARQUET_NAME, HTML_NAME, "letters"))


@pytest.fixture
def letters(tmp_path: Path) -> Path:
    """Twelve case files of our own, agreeing and disagreeing, and two files that cannot be read."""
    folder = tmp_path / "in"
    for number in range(12):
        outcome = ("upheld", "overturned", None)[number % 3]
        write(folder, f"{number // 5}/case-{number:02d}.yaml",
              acupuncture_case(f"CM16-00001{number:02d}", sessions=3 + number, prior=number % 2 == 0,
                               improved=number % 4 == 0, outcome=outcome,
                               specialty=("Family Medicine", "Anesthesiology")[number % 2]))
    (folder / "1" / "broken.yaml").write_text("requests: [\n")
    (folder / "2" / "notes.txt").write_text("Nothing about a review here.\n")
    return folder


def document(out: Path) -> dict:
    return json.loads((out / JSON_NAME).read_text())


# Dask --------------------------------------------------------------------------------------

def test_a_local_cluster_with_two_workers_gives_the_local_audit_item_for_item(letters: Path, tmp_path: Path,
                                                                               monkeypatch):
    from distributed import LocalCluster

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # the provenance's time: the same in both runs
    run_audit([str(letters)], jobs=1, out_dir=tmp_path / "local")
    # Two workers in this process (threads): quick to start, and the same scheduler protocol as a
    # remote cluster, reached by its tcp:// address.
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1",
                      dashboard_address=None) as cluster:
        assert len(cluster.workers) == 2
        run = run_audit([str(letters)], out_dir=tmp_path / "cluster", scheduler=cluster.scheduler_address)
    local, distributed = document(tmp_path / "local"), document(tmp_path / "cluster")
    assert len(local["items"]) == 12 and len(local["errors"]) == 2
    assert distributed["items"] == local["items"]
    assert distributed["errors"] == local["errors"]
    assert distributed["summary"] == local["summary"] == json.loads(json.dumps(run.summary))
    assert (tmp_path / "cluster" / CSV_NAME).read_bytes() == (tmp_path / "local" / CSV_NAME).read_bytes()


def test_a_scheduler_that_cannot_be_reached_is_an_input_error(letters: Path):
    with pytest.raises(InputError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        run_audit([str(letters)], scheduler="tcp://127.0.0.1:9")


def test_a_worker_the_cluster_lost_too_often_is_reported_as_that_files_error():
    from distributed.scheduler import KilledWorker

    from imr_check.audit.cluster import _result
    from imr_check.audit.inputs import Input

    class Lost:
        status = "error"
        key = "imr-check-x-3"

        def exception(self):
            return KilledWorker("imr-check-x-3", "tcp://10.0.0.7:4000", 3)

    assert _result(Lost(), Input("in/a.pdf")) == {
        "path": "in/a.pdf", "error": "could not be audited: its worker process died 4 times while reading it"}


# Resuming ----------------------------------------------------------------------------------

def interrupt_after(count: int):
    seen: list[str] = []

    def on_file(result, total):
        seen.append(result["path"])
        if len(seen) == count:
            raise KeyboardInterrupt

    return on_file, seen


@pytest.mark.parametrize("jobs", [1, 2])
def test_resume_continues_from_the_parts_without_redoing_or_duplicating_a_file(letters: Path, tmp_path: Path,
                                                                                monkeypatch, jobs: int):
    monkeypatch.setattr(runfolder, "PART_FILES", 3)
    run_audit([str(letters)], jobs=jobs, out_dir=tmp_path / "whole")
    out = tmp_path / "resumed"
    first, first_seen = interrupt_after(8)
    with pytest.raises(KeyboardInterrupt):
        run_audit([str(letters)], jobs=jobs, out_dir=out, on_file=first)
    assert [p.name for p in out.iterdir()] == [RUN_FOLDER]
    written = [r["path"] for r in runfolder.RunFolder(out / RUN_FOLDER, temporary=False).records()]
    assert written == first_seen  # 6 in parts of 3, and the 2 more flushed when interrupted

    starts, then = [], []
    run = run_audit([str(letters)], jobs=jobs, out_dir=out, resume=True, on_start=lambda d, t: starts.append((d, t)),
                    on_file=lambda result, total: then.append(result["path"]))
    assert starts == [(8, 14)] and run.resumed == 8
    assert not set(then) & set(written) and len(then) == 14 - 8
    assert sorted(p.name for p in out.iterdir()) == OUTPUTS
    assert document(out)["items"] == document(tmp_path / "whole")["items"]
    assert document(out)["summary"] == document(tmp_path / "whole")["summary"]
    assert document(out)["errors"] == document(tmp_path / "whole")["errors"]


def test_a_run_interrupted_while_assembling_its_files_resumes_without_auditing_again(letters: Path, tmp_path: Path,
                                                                                    monkeypatch):
    from imr_check.audit.outputs import AuditOutputs

    real_finish = AuditOutputs.finish

    def interrupted_finish(self, summary, title):
        raise KeyboardInterrupt

    monkeypatch.setattr(AuditOutputs, "finish", interrupted_finish)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_audit([str(letters)], jobs=1, out_dir=out)
    assert [p.name for p in out.iterdir()] == [RUN_FOLDER]
    assert not (out / RUN_FOLDER / runfolder.FINAL).exists()
    monkeypatch.setattr(AuditOutputs, "finish", real_finish)
    audited_again: list = []
    run = run_audit([str(letters)], jobs=1, out_dir=out, resume=True, on_file=lambda r, t: audited_again.append(r))
    assert run.resumed == 14 and audited_again == []
    assert sorted(p.name for p in out.iterdir()) == OUTPUTS and len(document(out)["items"]) == 12


def test_resume_refuses_other_inputs_and_a_run_without_out(letters: Path, tmp_path: Path):
    out = tmp_path / "out"
    on_file, _ = interrupt_after(3)
    with pytest.raises(KeyboardInterrupt):
        run_audit([str(letters)], jobs=1, out_dir=out, on_file=on_file)
    with pytest.raises(InputError, match="--resume needs the same paths"):
        run_audit([str(letters / "0")], jobs=1, out_dir=out, resume=True)
    (letters / "0" / "case-00.yaml").rename(letters / "0" / "case-00.yml")
    with pytest.raises(InputError, match="the inputs changed since the unfinished run"):
        run_audit([str(letters)], jobs=1, out_dir=out, resume=True)
    with pytest.raises(InputError, match="--resume.*needs --out"):
        run_audit([str(letters)], jobs=1, resume=True)


def test_resume_with_nothing_to_resume_runs_the_whole_audit(letters: Path, tmp_path: Path):
    run = run_audit([str(letters)], jobs=1, out_dir=tmp_path / "out", resume=True)
    assert run.resumed == 0 and run.summary["files"] == 14


def test_a_run_not_resuming_removes_what_a_killed_run_left(letters: Path, tmp_path: Path, monkeypatch):
    out = tmp_path / "out"
    on_file, _ = interrupt_after(5)
    with pytest.raises(KeyboardInterrupt):
        run_audit([str(letters)], jobs=1, out_dir=out, on_file=on_file)
    (out / RUN_FOLDER / "parts" / ".part-000009.jsonl.tmp").write_text('{"path": "trunc')  # killed mid-write
    (out / ".audit-x1y2.partial").mkdir()  # what an earlier version left
    (out / ".audit-x1y2.partial" / "items.csv").write_text("case_id,sour")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    temp = tmp_path / "tmp"
    stale = temp / f"imr-check-audit-{int(dead.stdout)}-abcd"
    (stale / "parts").mkdir(parents=True)
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(runfolder.tempfile, "tempdir", None)
    run = run_audit([str(letters)], jobs=1, out_dir=out)
    assert run.discarded_earlier == 5
    assert sorted(p.name for p in out.iterdir()) == OUTPUTS
    run_audit([str(letters)], jobs=1)  # a run without --out tidies $TMPDIR
    assert list(temp.iterdir()) == []


def test_two_runs_cannot_write_to_one_folder_at_once(letters: Path, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    holder = runfolder._lock(out)
    try:
        with pytest.raises(InputError, match="another imr-check audit is writing there"):
            run_audit([str(letters)], jobs=1, out_dir=out)
    finally:
        os.close(holder)


# Faults ------------------------------------------------------------------------------------

def test_a_file_whose_worker_dies_is_retried_then_reported_and_the_others_are_audited(letters: Path, monkeypatch):
    real = run_module.audit_file
    crash = letters / "1" / "case-06.yaml"

    def audit_file(path: str):
        if path == str(crash):
            os._exit(1)  # as a segfault or the OOM killer would end the worker
        return real(path)

    monkeypatch.setattr(run_module, "audit_file", audit_file)  # the forked workers inherit it
    results = list(run_module.audited([letters], 2))
    expected = [found.path for found in run_module.expand([letters])]
    assert [r["path"] for r in results] == expected
    errors = {r["path"]: r["error"] for r in results if "error" in r}
    assert errors[str(crash)] == "could not be audited: its worker process died 3 times while reading it"
    assert len(errors) == 3  # the crash, broken.yaml, notes.txt


def test_a_full_disk_publishes_nothing_names_the_file_and_keeps_what_was_written(letters: Path, tmp_path: Path,
                                                                                  monkeypatch, capsys):
    monkeypatch.setattr(runfolder, "PART_FILES", 4)
    real = runfolder._write_atomically
    calls = []

    def write_atomically(path: Path, text: str):
        calls.append(path)
        if len(calls) > 2:  # the manifest and one part fit
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, text)

    monkeypatch.setattr(runfolder, "_write_atomically", write_atomically)
    out = tmp_path / "out"
    code = audit_command([str(letters)], 1, out, "text")
    err = capsys.readouterr().err
    assert code == 2
    assert "No space left on device" in err and "part-000001.jsonl" in err and "Traceback" not in err
    assert [p.name for p in out.iterdir()] == [RUN_FOLDER]
    monkeypatch.setattr(runfolder, "_write_atomically", real)
    assert audit_command([str(letters)], 1, out, "text", resume=True) == 0
    assert "resuming: 4 of 14 files" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == OUTPUTS


# Inputs ------------------------------------------------------------------------------------

def test_from_list_audits_the_listed_files_folders_and_globs_with_the_same_discovery(letters: Path,
                                                                                      tmp_path: Path):
    listing = tmp_path / "list.txt"
    listing.write_text(f"# letters of 2016\n{letters / '0'}\n\n{letters / '1' / 'case-0[5-6].yaml'}\n"
                       f"{letters / 'missing.pdf'}\n")
    run = run_audit([str(letters / "2" / "case-10.yaml")], jobs=1, from_list=listing, keep_json=True)
    try:
        with open(run.outputs.staging / JSON_NAME) as stream:
            listed = json.load(stream)
    finally:
        run.discard()
    names = [Path(item["source"]).name for item in listed["items"]]
    assert names == ["case-10.yaml", "case-00.yaml", "case-01.yaml", "case-02.yaml", "case-03.yaml",
                     "case-04.yaml", "case-05.yaml", "case-06.yaml"]
    assert listed["errors"] == [{"path": str(letters / "missing.pdf"), "message": "no such file or folder"}]


def test_from_list_of_a_missing_file_exits_2_naming_it(tmp_path: Path, capsys):
    assert audit_command([], 1, None, "text", from_list=tmp_path / "nope.txt") == 2
    err = capsys.readouterr().err
    assert "nope.txt" in err and "cannot be read" in err
    assert audit_command([], 1, None, "text") == 2
    assert "--from-list" in capsys.readouterr().err


def test_the_command_runs_on_a_cluster_by_its_address_and_prints_the_local_audits_document(letters: Path,
                                                                                           tmp_path: Path,
                                                                                           monkeypatch):
    from distributed import LocalCluster

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # the provenance's time: the same in both runs
    command = [sys.executable, "-m", "imr_check.cli", "audit", str(letters), "--format", "json"]
    local = subprocess.run([*command, "--jobs", "1"], capture_output=True, text=True, timeout=120)
    # The cluster's workers are threads of this test process; the command is its client.
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1",
                      dashboard_address=None) as cluster:
        remote = subprocess.run([*command, "--scheduler", cluster.scheduler_address], capture_output=True, text=True,
                                timeout=120)
    assert remote.returncode == local.returncode == 0, remote.stderr
    assert json.loads(remote.stdout) == json.loads(local.stdout)
    assert "Traceback" not in remote.stderr


def test_without_dask_installed_the_scheduler_option_says_how_to_install_it(letters: Path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    assert audit_command([str(letters)], 1, None, "text", scheduler="local") == 2
    assert "pip install 'imr-check[dask]'" in capsys.readouterr().err
    run = run_audit([str(letters)], jobs=2)  # the process pool needs no Dask
    assert run.summary["files"] == 14
