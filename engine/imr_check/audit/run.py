"""Running an audit: files in, audited files out in input order, on worker processes or a Dask cluster.

The parent lists the inputs lazily and keeps a bounded window of tasks in flight, so memory stays
flat however many letters there are; the workers read and evaluate (each loads the rules once:
durable-rules allows one host per process); the parent writes each result into the run folder's
parts as soon as every earlier one is in (`runfolder.py`), and assembles the output files and the
summary from the parts at the end.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional

from ..errors import InputError
from .inputs import SUFFIXES, Input, expand, listed
from .items import audit_file, init_worker, load_project_data
from .outputs import AuditOutputs
from .runfolder import RunFolder
from .tally import Tally

# Files per task and tasks in flight per worker: enough to keep workers busy, few enough that a
# slow letter holds back a handful of finished results, not thousands.
CHUNK_FILES = 2
TASKS_PER_WORKER = 4
# A file whose worker process died is audited again, alone, up to this many times in all; then it
# is reported as an error (a letter that crashes the reader must not stop or hang the run).
MAX_ATTEMPTS = 3
FORWARDED_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP, handled as Ctrl-C is: nothing half-written is published."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


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
    # fork: workers start in milliseconds. The executor forks all its workers at its first submit,
    # from the main thread, before its own thread starts.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


def _die_with_parent() -> None:
    """Linux: the kernel kills this worker when the parent dies (even by SIGKILL): no orphan keeps
    running, and none prints a BrokenPipeError traceback writing to a parent that is gone."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(1)


def _init_pool_worker() -> None:
    _die_with_parent()
    # The parent handles Ctrl-C and a hang-up, and ends the workers; SIGTERM (the parent's, or a
    # process group's) ends a worker quietly, as it would any process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, (signal.SIGINT, signal.SIGTERM, signal.SIGHUP))
    init_worker()


@dataclass
class _Task:
    chunk: list[Input]
    attempt: int
    future: Optional[Future] = None
    results: Optional[list[dict[str, Any]]] = None


class _Pool:
    """A process pool that survives a worker's death: the files in flight are retried, one a task."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.executor: Optional[ProcessPoolExecutor] = None

    def submit(self, task: _Task) -> None:
        if self.executor is None:
            self.executor = ProcessPoolExecutor(self.jobs, mp_context=_context(), initializer=_init_pool_worker)
            # The workers are forked inside this first submit: block the signals the parent handles
            # so a Ctrl-C in that instant reaches the parent (delivered after) and not a new worker.
            mask = (signal.pthread_sigmask(signal.SIG_BLOCK, (signal.SIGINT, signal.SIGTERM, signal.SIGHUP))
                    if threading.current_thread() is threading.main_thread() else None)
            try:
                task.future = self.executor.submit(_audit_chunk, task.chunk)
            finally:
                if mask is not None:
                    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            return
        task.future = self.executor.submit(_audit_chunk, task.chunk)

    def close(self, now: bool = False) -> None:
        if self.executor is None:
            return
        if now:
            # Interrupted: end the workers rather than wait for their letters (the executor has no
            # public way to do this).
            for process in list(getattr(self.executor, "_processes", {}).values()):
                process.terminate()
        self.executor.shutdown(wait=True, cancel_futures=True)
        self.executor = None


def _retried(pending: deque, pool: _Pool) -> deque:
    """After a worker died: finished tasks keep their results; each file that was in flight is
    audited again alone, so a file that kills its worker is told from those that were beside it."""
    pool.close()
    again: deque = deque()
    for task in pending:
        future = task.future
        if task.results is None and future is not None and future.done() and not future.cancelled() \
                and future.exception() is None:
            task.results = future.result()
        if task.results is None:
            task.results = [_alone(found, pool) for found in task.chunk]
        again.append(task)
    return again


def _alone(found: Input, pool: _Pool) -> dict[str, Any]:
    for attempt in range(2, MAX_ATTEMPTS + 1):  # the first attempt was the one its worker died in
        task = _Task([found], attempt)
        pool.submit(task)
        try:
            return task.future.result()[0]
        except BrokenProcessPool:
            pool.close()
    return {"path": found.path,
            "error": f"could not be audited: its worker process died {MAX_ATTEMPTS} times while reading it"}


def _pooled(inputs: Iterable[Input], jobs: int) -> Iterator[dict[str, Any]]:
    pool = _Pool(jobs)
    finished = False
    try:
        chunks = _chunks(inputs, CHUNK_FILES)
        pending: deque = deque()
        exhausted = False
        while True:
            while not exhausted and len(pending) < jobs * TASKS_PER_WORKER:
                chunk = next(chunks, None)
                if chunk is None:
                    exhausted = True
                    break
                task = _Task(chunk, 1)
                pool.submit(task)
                pending.append(task)
            if not pending:
                finished = True
                return
            task = pending[0]
            if task.results is None:
                try:
                    task.results = task.future.result()
                except BrokenProcessPool:
                    pending = _retried(pending, pool)
                    continue
            pending.popleft()
            yield from task.results
    finally:
        pool.close(now=not finished)


def init_in_process() -> None:
    from ..evaluate import engine_for
    from ..knowledge import load_knowledge

    engine_for(load_knowledge())


def audited_inputs(inputs: Iterable[Input], jobs: int, scheduler: Optional[str] = None) -> Iterator[dict[str, Any]]:
    """Each input's audit, in input order, on `jobs` processes or on the Dask cluster `scheduler`."""
    if scheduler is not None:
        from .cluster import audited_on_cluster

        yield from audited_on_cluster(inputs, scheduler, jobs)
    elif jobs <= 1:
        init_in_process()
        for found in inputs:
            yield audit_input(found)
    else:
        yield from _pooled(inputs, jobs)


def audited(arguments: Iterable[str | os.PathLike], jobs: int, scheduler: Optional[str] = None
            ) -> Iterator[dict[str, Any]]:
    """Each input's audit, in input order: {'path', 'rows', 'details'} or {'path', 'error'}."""
    yield from audited_inputs(expand(arguments), jobs, scheduler)


@dataclass
class AuditRun:
    summary: dict[str, Any]
    errors: list[dict[str, str]]
    outputs: AuditOutputs
    resumed: int = 0  # files taken from an unfinished run's parts
    discarded_earlier: Optional[int] = None  # files of an unfinished run that was removed, not resumed
    run_folder: Optional[RunFolder] = None

    def discard(self) -> None:
        """Remove the JSON document's temporary file and the temporary run folder, once printed."""
        self.outputs.discard()
        if self.run_folder is not None and self.run_folder.temporary:
            self.run_folder.remove()


class signals_as_interrupts:
    """SIGTERM and SIGHUP raise `Interrupted` in the main thread, as Ctrl-C raises KeyboardInterrupt."""

    def __enter__(self) -> None:
        self.previous: dict[int, Any] = {}
        if threading.current_thread() is not threading.main_thread():
            return
        for signum in FORWARDED_SIGNALS:
            self.previous[signum] = signal.signal(signum, _raise_interrupted)

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)


def interrupt_on_signals_until_exit() -> None:
    """SIGTERM and SIGHUP raise `Interrupted` in the main thread from now on, not taken back: a process's own."""
    for signum in FORWARDED_SIGNALS:
        signal.signal(signum, _raise_interrupted)


def _raise_interrupted(signum: int, frame: object) -> None:
    raise Interrupted(signum)


def run_audit(arguments: list[str], jobs: Optional[int] = None, out_dir: Optional[Path] = None,
              keep_json: bool = False, title: str = "IMR audit",
              on_file: Optional[Callable[[dict[str, Any], int], None]] = None, *, resume: bool = False,
              scheduler: Optional[str] = None, on_start: Optional[Callable[[int, int], None]] = None,
              keep_run_folder: Optional[Callable[[RunFolder], None]] = None,
              from_list: Optional[Path] = None, used_to_build_rules: bool = False) -> AuditRun:
    """Audit the files the arguments (and the lines of `from_list`) name; write DIR's files (and the JSON document when asked).

    `on_start(done, total)` is called once the run folder is open (`done` files come from an
    unfinished run with `resume`); `on_file(result, total)` sees each file as it is audited; it is
    first called once the worker processes exist (a progress bar's thread must not be running when
    they are forked). On any exception (Ctrl-C, SIGTERM and SIGHUP included) nothing is published:
    with DIR the parts written so far stay in DIR's run folder for `--resume`
    (`keep_run_folder(folder)` is told), without it the temporary run folder is removed. The one
    exception: a signal held while the files were moved into DIR is raised once they are, with
    `outputs_published` set on it; the run folder is then removed, as the run is complete.
    The caller removes the JSON document's temporary files (`run.discard()`) once it is printed.
    `used_to_build_rules` says the letters were read while the rules were built (the dev corpus): the
    report warns that its figures are optimistic.
    """
    with signals_as_interrupts():
        return _run_audit(arguments, jobs, out_dir, keep_json, title, on_file, resume, scheduler, on_start,
                          keep_run_folder, from_list, used_to_build_rules)


def _run_audit(arguments, jobs, out_dir, keep_json, title, on_file, resume, scheduler, on_start,
               keep_run_folder, from_list, used_to_build_rules) -> AuditRun:
    arguments = [os.fspath(a) for a in arguments]

    def inputs() -> Iterator[Input]:
        """Listed lazily each time: a list of half a million paths is never held whole."""
        if from_list is None:
            return expand(arguments)
        return expand(chain(arguments, listed(from_list)))

    total = sum(1 for _ in inputs())  # a listing pass: cheap, and it sizes the pool
    if total == 0:
        named = arguments + ([f"--from-list {from_list}"] if from_list is not None else [])
        raise InputError.single(", ".join(named) or "(no path)",
                                f"no letter or case file found ({', '.join(SUFFIXES)})")
    if scheduler is not None:
        from .cluster import require_dask

        require_dask()
    jobs = max(1, min(jobs or os.cpu_count() or 1, total))
    load_project_data()  # broken rules stop the run here, once; forked workers inherit what it loaded
    recorded = arguments + ([f"--from-list={os.path.abspath(from_list)}"] if from_list is not None else [])
    folder = RunFolder.open(out_dir, recorded, resume, inputs())
    outputs: Optional[AuditOutputs] = None
    try:
        resumed = folder.done
        if on_start is not None:
            on_start(resumed, total)
        if resumed < total:
            for result in audited_inputs(islice(inputs(), resumed, None), jobs, scheduler):
                folder.add(result)
                if on_file is not None:
                    on_file(result, total)
        folder.flush()
        # The summary and every output file come from what was written, read back in input order.
        tally = Tally(inputs=[str(a) for a in arguments], used_to_build_rules=used_to_build_rules)
        outputs = AuditOutputs(out_dir, keep_json, folder.staging())
        for record in folder.records():
            tally.add(record)
            outputs.add(record)
        summary = tally.summary()
        outputs.finish(summary, title)
    except BaseException as error:
        if outputs is not None:
            outputs.discard()
        if outputs is not None and outputs.published:
            # A signal held while the files were moved, delivered once they were: the run is complete,
            # nothing is left to resume.
            folder.remove()
            error.outputs_published = True
        elif folder.temporary:
            folder.remove()
        else:
            try:
                folder.flush()  # what was audited is kept for --resume; a full disk may refuse it
            except OSError:
                pass
            folder.release()
            if keep_run_folder is not None:
                keep_run_folder(folder)
        raise
    if not folder.temporary or not outputs.has_json:
        folder.remove()  # a temporary one holding the JSON document for stdout goes in run.discard()
    return AuditRun(summary, outputs.errors, outputs, resumed, folder.discarded_earlier, folder)
