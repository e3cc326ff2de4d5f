"""The bad-input corpus (tests/hostile_corpus.py, written at test time) through every command.

Each run must exit 0 or 2, print no traceback, name the file (and its line where the corpus gives
one) when it refuses it, and finish within BOUND seconds; an audit of the whole corpus must list
every file, audited or with the reason it was not (nothing lost). Run with `-s` to see the totals.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from imr_check.cli import app

from hostile_corpus import case_files, letters, random_inputs, rule_test_files

# Seconds one command may take on one input before it counts as a hang (the slowest, 2000 requests or a
# 250 KB letter, take a few seconds on a loaded machine).
BOUND = 60
SCRIPT = Path(sys.executable).with_name("imr-check")
runner = CliRunner()
TOTALS: Counter = Counter()


def _write(folder: Path, inputs) -> list[tuple[Path, int | None]]:
    written = []
    for name, data, line in inputs:
        path = folder / name
        path.write_bytes(data)
        written.append((path, line))
    return written


def _check_run(args: list[str], path: Path, line: int | None, problems: list[str]) -> None:
    start = time.monotonic()
    result = runner.invoke(app, args, env={"COLUMNS": "400"})
    seconds = time.monotonic() - start
    TOTALS["runs"] += 1
    output = result.stdout + result.stderr
    label = f"{' '.join(args)}"
    crashed = not (result.exception is None or isinstance(result.exception, SystemExit)) or "Traceback" in output
    if crashed:
        TOTALS["tracebacks"] += 1
        problems.append(f"{label}: traceback {result.exception!r}")
    if result.exit_code not in (0, 2):
        TOTALS["wrong exit codes"] += 1
        problems.append(f"{label}: exit {result.exit_code}")
    else:
        TOTALS["clean exits"] += 1
    if seconds > BOUND:
        TOTALS["hangs"] += 1
        problems.append(f"{label}: {seconds:.0f} s, over the {BOUND} s bound")
    if result.exit_code == 2 and str(path) not in output:
        problems.append(f"{label}: exit 2 without naming {path}: {output[:300]!r}")
    if result.exit_code == 2 and line is not None and args[0] == "check" and f"{path}:{line}" not in result.stderr:
        problems.append(f"{label}: the message does not name line {line}: {result.stderr[:300]!r}")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, list[tuple[Path, int | None]]]:
    root = tmp_path_factory.mktemp("hostile")
    groups = {}
    for name, inputs in (("cases", case_files()), ("letters", letters()), ("random", random_inputs(80))):
        folder = root / name
        folder.mkdir()
        groups[name] = _write(folder, inputs)
    return groups


def test_every_command_on_every_bad_case_file(corpus, tmp_path):
    problems: list[str] = []
    for path, line in corpus["cases"]:
        TOTALS["inputs"] += 1
        for args in (["check", str(path)], ["check", "-f", "json", str(path)], ["check", "-f", "yaml", str(path)],
                     ["extract", str(path)], ["audit", "-j", "1", str(path)]):
            _check_run(args, path, line, problems)
    assert not problems, "\n".join(problems)


def test_every_command_on_every_bad_letter(corpus, tmp_path):
    problems: list[str] = []
    for path, line in corpus["letters"] + corpus["random"]:
        TOTALS["inputs"] += 1
        output = tmp_path / "out.yaml"
        for args in (["extract", str(path)], ["extract", str(path), "-o", str(output)], ["check", str(path)],
                     ["audit", "-j", "1", str(path)]):
            _check_run(args, path, line, problems)
    assert not problems, "\n".join(problems)


def test_coverage_on_every_malformed_rule_test_file(tmp_path):
    problems: list[str] = []
    for name, data, line in rule_test_files():
        TOTALS["inputs"] += 1
        folder = tmp_path / name.replace(".", "-")
        folder.mkdir()
        (folder / name).write_bytes(data)
        _check_run(["rules", "--coverage", "--tests", str(folder)], folder / name, None, problems)
        result = runner.invoke(app, ["rules", "--coverage", "--tests", str(folder)], env={"COLUMNS": "400"})
        if result.exit_code == 2 and line is not None and f"{folder / name}:{line}" not in result.stderr:
            problems.append(f"{name}: the message does not name line {line}: {result.stderr[:200]!r}")
    assert not problems, "\n".join(problems)


def test_bad_arguments_to_rules_and_explain():
    problems: list[str] = []
    for value in ("[/]", "[bold]x", "", " ", "\x00", "a" * 10_000, "acupuncture.frequency[/]"):
        TOTALS["inputs"] += 1
        for args in (["explain", value], ["rules", "--topic", value]):
            result = runner.invoke(app, args)
            TOTALS["runs"] += 1
            if result.exit_code != 2 or not (result.exception is None or isinstance(result.exception, SystemExit)):
                TOTALS["wrong exit codes"] += 1
                problems.append(f"{args[0]} {value[:20]!r}: exit {result.exit_code} {result.exception!r}")
            else:
                TOTALS["clean exits"] += 1
    assert not problems, "\n".join(problems)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_paths_that_are_not_regular_files(tmp_path):
    """As processes, with a timeout: a regression here would block, not fail."""
    fifo = tmp_path / "x.txt"
    os.mkfifo(fifo)
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    folder_named_yaml = tmp_path / "folder.yaml"
    folder_named_yaml.mkdir()
    paths = [fifo, loop, folder_named_yaml, tmp_path / "missing.yaml"] + [Path(p) for p in ("/dev/zero", "/dev/null")
                                                                            if os.path.exists(p)]
    problems = []
    for path in paths:
        TOTALS["inputs"] += 1
        for args in (["check", str(path)], ["extract", str(path)], ["audit", "-j", "1", str(path)]):
            TOTALS["runs"] += 1
            try:
                done = subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=BOUND)
            except subprocess.TimeoutExpired:
                TOTALS["hangs"] += 1
                problems.append(f"{' '.join(args)}: hung")
                continue
            if done.returncode != 2 or "Traceback" in done.stderr or str(path) not in done.stdout + done.stderr:
                TOTALS["wrong exit codes"] += 1
                problems.append(f"{' '.join(args)}: exit {done.returncode}: {done.stderr[-300:]!r}")
            else:
                TOTALS["clean exits"] += 1
    assert not problems, "\n".join(problems)


def test_an_audit_of_the_whole_corpus_loses_no_file(corpus, tmp_path):
    """Every file of the corpus folder is in the audit: its items, or an error saying why it was not read."""
    root = corpus["cases"][0][0].parent.parent
    hidden = root / "cases" / ".hidden.yaml"
    hidden.write_text("requests: [{text: a, topic: acupuncture}]\n")
    (root / "linked").symlink_to(root / "letters")
    considered = {str(p) for group in corpus.values() for p, _ in group
                  if p.suffix in (".txt", ".pdf", ".yaml")} | {str(hidden)}
    # The link leads to a folder audited already: listed once as such, its files audited once.
    considered.add(str(root / "linked"))
    result = runner.invoke(app, ["audit", "-j", "1", "-f", "json", str(root), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    reported = {e["path"] for e in report["errors"]}
    csv.field_size_limit(sys.maxsize)  # an item's text of 1 MB is in the corpus
    with open(tmp_path / "out" / "items.csv", encoding="utf-8", newline="") as stream:
        reported |= {row["source"] for row in csv.DictReader(stream)}
    lost = considered - reported
    TOTALS["items lost"] += len(lost)
    assert not lost, sorted(lost)[:20]


def test_zz_totals():
    """The totals for the closing note (printed with -s); runs only after the corpus tests above."""
    if not TOTALS["runs"]:
        pytest.skip("the corpus tests did not run")
    print("\nhostile corpus:", ", ".join(f"{key}: {value}" for key, value in sorted(TOTALS.items())))
    assert TOTALS["tracebacks"] == TOTALS["hangs"] == TOTALS["wrong exit codes"] == TOTALS["items lost"] == 0
