"""Running an audit: files in, audited files out in input order, spread over worker processes.

The parent lists the inputs lazily and keeps a bounded window of chunks in flight, so memory stays
flat however many letters there are; the workers read and evaluate (each loads the rules once:
durable-rules allows one host per process); the parent streams each result into the tally and the
output files as soon as every earlier one is in.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections import deque
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional

from ..errors import InputError
from .inputs import SUFFIXES, Input, expand
from .items import audit_file, init_worker, load_project_data
from .outputs import AuditOutputs
from .tally import Tally

# Files per task and tasks in flight per worker: enough to keep workers busy, few enough that a
# slow letter holds back a handful of finished results, not thousands.
CHUNK_FILES = 2
TASKS_PER_WORKER = 4


# Seconds one file may take before it is reported as an error, so one huge or pathological file cannot
# stall an audit (the dev letters take well under a second each). IMR_CHECK_FILE_SECONDS overrides it.
FILE_SECONDS = 120.0


class _FileTooSlow(BaseException):
    """A BaseException, so that audit_file's `except Exception` (a file that breaks the reader) lets it through."""


def _too_slow(signum: int, frame: Any) -> None:
    raise _FileTooSlow()


def file_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get("IMR_CHECK_FILE_SECONDS", FILE_SECONDS)))
    except ValueError:
        return FILE_SECONDS


def audit_input(found: Input) -> dict[str, Any]:
    if found.problem:
        return {"path": found.path, "error": found.problem}
    limit = file_seconds()
    # SIGALRM is delivered to the main thread only; elsewhere (an embedding program's thread) no limit.
    if not limit or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return audit_file(found.path)
    previous = signal.signal(signal.SIGALRM, _too_slow)
    try:
        signal.setitimer(signal.ITIMER_REAL, limit)
        return audit_file(found.path)
    except _FileTooSlow:
        return {"path": found.path, "error": f"not read within {limit:g} s, the time limit for one file "
                                             "(IMR_CHECK_FILE_SECONDS); the rest of the audit went on"}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _audit_chunk(chunk: list[Input]) -> list[dict[str, Any]]:
    return [audit_input(found) for found in chunk]


def _chunks(inputs: Iterable[Input], size: int) -> Iterator[list[Input]]:
    iterator = iter(inputs)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _context() -> multiprocessing.context.BaseContext:
    # fork: workers start in milliseconds. The pool is created before any thread (the progress
    # bar's) starts, so no lock is copied mid-use.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


def _pool(jobs: int):
    """Worker processes that ignore Ctrl-C from birth: the parent alone handles it, and cleans up."""
    if threading.current_thread() is not threading.main_thread():
        return _context().Pool(jobs, initializer=init_worker)
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # inherited by the forked workers
    try:
        return _context().Pool(jobs, initializer=init_worker)
    finally:
        signal.signal(signal.SIGINT, previous)


def audited(arguments: Iterable[str | os.PathLike], jobs: int) -> Iterator[dict[str, Any]]:
    """Each input's audit, in input order: {'path', 'rows', 'details'} or {'path', 'error'}."""
    if jobs <= 1:
        init_in_process()
        for found in expand(arguments):
            yield audit_input(found)
        return
    with _pool(jobs) as pool:
        window: deque = deque()
        for chunk in _chunks(expand(arguments), CHUNK_FILES):
            window.append(pool.apply_async(_audit_chunk, (chunk,)))
            while len(window) >= jobs * TASKS_PER_WORKER:
                yield from window.popleft().get()
        while window:
            yield from window.popleft().get()


def init_in_process() -> None:
    from ..evaluate import engine_for
    from ..knowledge import load_knowledge

    engine_for(load_knowledge())


@dataclass
class AuditRun:
    summary: dict[str, Any]
    errors: list[dict[str, str]]
    outputs: AuditOutputs


def run_audit(arguments: list[str], jobs: Optional[int] = None, out_dir: Optional[Path] = None,
              keep_json: bool = False, title: str = "IMR audit",
              on_file: Optional[Callable[[dict[str, Any], int], None]] = None,
              used_to_build_rules: bool = False) -> AuditRun:
    """Audit the files the arguments name; write DIR's files (and the JSON document when asked).

    `on_file(result, total)` sees each file as it is done; it is first called once the worker
    processes exist (a progress bar's thread must not be running when they are forked).
    On any exception (Ctrl-C included) the temporary files are removed and nothing is published.
    The caller removes the JSON document's temporary file (`outputs.discard()`) once it is printed.
    `used_to_build_rules` says the letters were read while the rules were built (the dev corpus): the
    report warns that its figures are optimistic.
    """
    total = sum(1 for _ in expand(arguments))  # a listing pass: cheap, and it sizes the pool
    if total == 0:
        raise InputError.single(", ".join(map(str, arguments)) or "(no path)",
                                f"no letter or case file found ({', '.join(SUFFIXES)})")
    jobs = max(1, min(jobs or os.cpu_count() or 1, total))
    load_project_data()  # broken rules stop the run here, once; forked workers inherit what it loaded
    tally = Tally(inputs=[str(a) for a in arguments], used_to_build_rules=used_to_build_rules)
    outputs = AuditOutputs(out_dir, keep_json)  # removes what it made if interrupted while opening
    try:
        for result in audited(arguments, jobs):
            tally.add(result)
            outputs.add(result)
            if on_file is not None:
                on_file(result, total)
        summary = tally.summary()
        outputs.finish(summary, title)
    except BaseException:
        outputs.discard()
        raise
    return AuditRun(summary, outputs.errors, outputs)
