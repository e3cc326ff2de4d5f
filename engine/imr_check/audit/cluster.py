"""The audit on a Dask cluster (`--scheduler tcp://host:8786`, or `local` for a LocalCluster).

Dask (`distributed`) is an optional extra, `pip install 'imr-check[dask]'`; it is imported only
here. A task is a few files: Dask's cost per task (client, scheduler and worker each handle it) is
several milliseconds on a busy machine, not small beside a letter's fifty. The scheduler retries a
task whose worker died (`distributed.scheduler.allowed-failures`, 3 by default) and then fails it
with KilledWorker; its files are then submitted one a task, so that a file that kills its worker
is told from those beside it, and such a file is reported as that file's error. Tasks are submitted in a bounded window and their results
handed on in input order, so the client's memory does not grow with the run.

The workers read the files at the paths the client sends (made absolute): they must see the same
file system (a shared or network folder, as on an HPC cluster). Each worker process compiles the
rules once, at its first file (`evaluate.engine_for` is cached per process), and the files of one
process are audited one at a time: durable-rules allows one engine host per process.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from itertools import islice
from typing import Any, Iterable, Iterator

from ..errors import InputError
from .inputs import Input

CHUNK_FILES = 4
TASKS_PER_THREAD = 4
_ONE_ENGINE_AT_A_TIME = threading.Lock()
_INSTALL = "pip install 'imr-check[dask]'"


class ClusterError(Exception):
    """The cluster was lost or refused the work: the run stops (and `--resume` continues it)."""


def require_dask() -> None:
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise InputError.single("--scheduler", f"needs Dask, which is not installed: {_INSTALL}") from None


def _audit_chunk_on_worker(chunk: list[tuple[Input, str]]) -> list[dict[str, Any]]:
    return [_audit_on_worker(found, absolute) for found, absolute in chunk]


def _audit_on_worker(found: Input, absolute: str) -> dict[str, Any]:
    """One file, on a worker: read at its absolute path, reported under the path the user gave."""
    from .run import audit_input

    with _ONE_ENGINE_AT_A_TIME:
        result = audit_input(Input(absolute, found.problem))
    result["path"] = found.path
    for row in result.get("rows", []):
        row["source"] = found.path
    for detail in result.get("details", []):
        detail["source"] = found.path
    if "error" in result and absolute != found.path:
        result["error"] = result["error"].replace(absolute, found.path)
    return result


def _connect(scheduler: str, jobs: int):
    from distributed import Client, LocalCluster

    if scheduler == "local":
        # Dask's own log lines (a worker stopped at the end, a heartbeat missed) are not the audit's.
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, dashboard_address=None,
                               silence_logs=logging.CRITICAL)
        return Client(cluster), cluster
    try:
        return Client(scheduler, timeout="20s"), None
    except (OSError, ValueError, TypeError) as error:
        raise InputError.single("--scheduler", f"cannot reach the Dask scheduler at {scheduler} ({error}); "
                                               "give tcp://HOST:PORT, or local") from None


def _threads(client) -> int:
    workers = client.scheduler_info().get("workers", {})
    return max(1, sum(worker.get("nthreads", 1) for worker in workers.values()))


def _allowed_failures() -> int:
    import dask

    return int(dask.config.get("distributed.scheduler.allowed-failures", 3)) + 1


def _killed(error: BaseException) -> bool:
    from distributed.scheduler import KilledWorker

    return isinstance(error, KilledWorker)


def _result(future, found: Input) -> dict[str, Any]:
    """A one-file task's result: its audit, or the file's error."""
    if future.status == "finished":
        return future.result()[0]
    if future.status == "error":
        error = future.exception()
        if _killed(error):
            return {"path": found.path, "error": f"could not be audited: its worker process died "
                                                 f"{_allowed_failures()} times while reading it"}
        return {"path": found.path, "error": f"could not be audited ({type(error).__name__}: {error})"}
    raise ClusterError(f"the cluster lost the task for {found.path} ({future.status})")


def audited_on_cluster(inputs: Iterable[Input], scheduler: str, jobs: int) -> Iterator[dict[str, Any]]:
    from distributed import as_completed

    client, cluster = _connect(scheduler, jobs)
    run = uuid.uuid4().hex[:12]
    tasks = 0

    def submit(chunk: list[tuple[int, Input]]):
        nonlocal tasks
        future = client.submit(_audit_chunk_on_worker, [(found, os.path.abspath(found.path)) for _, found in chunk],
                               key=f"imr-check-{run}-{tasks}", pure=False)
        tasks += 1
        in_flight[future.key] = chunk
        completed.add(future)

    try:
        window = max(8, TASKS_PER_THREAD * _threads(client)) * CHUNK_FILES
        in_flight: dict[str, list[tuple[int, Input]]] = {}
        finished: dict[int, dict[str, Any]] = {}  # out of order, waiting for an earlier file
        completed = as_completed()
        source = enumerate(inputs)
        submitted = emitted = 0
        exhausted = False
        while True:
            while not exhausted and submitted - emitted < window:
                chunk = list(islice(source, CHUNK_FILES))
                if not chunk:
                    exhausted = True
                    break
                submit(chunk)
                submitted += len(chunk)
            if emitted == submitted:
                return
            while emitted not in finished:
                future = next(completed)
                chunk = in_flight.pop(future.key)
                if len(chunk) > 1 and future.status == "error" and _killed(future.exception()):
                    for one in chunk:  # which of them kills its worker? each alone tells
                        submit([one])
                elif len(chunk) > 1 and future.status == "finished":
                    for (index, _), result in zip(chunk, future.result()):
                        finished[index] = result
                elif len(chunk) > 1:
                    for index, found in chunk:
                        finished[index] = _result(future, found)
                else:
                    finished[chunk[0][0]] = _result(future, chunk[0][1])
                future.release()
            while emitted in finished:
                yield finished.pop(emitted)
                emitted += 1
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
