"""The run folder: an audit's results as they arrive, in parts, until the run is complete.

With `--out DIR` the folder is `DIR/.imr-check-run/`; without it, a temporary folder named after
the process (`$TMPDIR/imr-check-audit-PID-*`). Each part holds the audited files of a stretch of
the input, in input order, one JSON line per file exactly as the worker returned it (JSON keeps
every value's type, so the final files are the same whether a part was written a second or a day
before). A part is written under a temporary name and renamed: it is complete or absent, whatever
kills the process. The parts are therefore always a prefix of the input, which is what `--resume`
continues from: no letter written is audited again, none is written twice.

The final files are assembled from the parts (the summary too, so it is the same however many
machines audited the letters) and moved into DIR; the run folder is then removed. A run that
finds an earlier run's folder continues it with `--resume`, or removes it and starts over.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

from ..errors import InputError
from .inputs import Input

RUN_FOLDER = ".imr-check-run"
_MANIFEST = "run.json"
_PARTS = "parts"
FINAL = "final"  # the final files are staged here before they are moved into DIR
_TEMP_PREFIX = "imr-check-audit-"
_LEGACY_STAGING = re.compile(r"^\.audit-.*\.partial$")  # what versions before the run folder left
# A part is written after this many files or seconds, whichever comes first: an interruption
# loses at most that much work, and a part costs one rename.
PART_FILES = 200
PART_SECONDS = 10.0
_FORMAT = 1


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporary_folders(temp_dir: Optional[str] = None) -> None:
    """Temporary run folders whose process is gone (it was killed): nothing else would remove them."""
    temp_dir = temp_dir or tempfile.gettempdir()
    try:
        names = os.listdir(temp_dir)
    except OSError:
        return
    for name in names:
        match = re.match(rf"^{_TEMP_PREFIX}(\d+)-", name)
        if match and int(match.group(1)) != os.getpid() and not _pid_alive(int(match.group(1))):
            shutil.rmtree(os.path.join(temp_dir, name), ignore_errors=True)


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        if error.filename is None:  # a full disk says so without naming the file
            raise OSError(error.errno, error.strerror, str(path)) from None
        raise


class RunFolder:
    """Where one audit's parts are written; see the module's docstring."""

    def __init__(self, path: Path, temporary: bool, lock_fd: Optional[int] = None) -> None:
        self.path = path
        self.temporary = temporary
        self.lock_fd = lock_fd
        self.done = 0  # files already in parts
        self.parts = 0
        self.discarded_earlier: Optional[int] = None  # files of an earlier unfinished run, removed
        self._buffer: list[str] = []
        self._last_write = time.monotonic()

    # Opening ---------------------------------------------------------------------------------

    @classmethod
    def open(cls, out_dir: Optional[Path], arguments: list[str], resume: bool,
             inputs: Iterable[Input]) -> "RunFolder":
        """The run folder, new or (with `resume`) the earlier run's, checked against `inputs`."""
        if out_dir is None:
            if resume:
                raise InputError.single("--resume", "needs --out DIR: an audit resumes from the parts in DIR")
            remove_stale_temporary_folders()
            folder = cls(Path(tempfile.mkdtemp(prefix=f"{_TEMP_PREFIX}{os.getpid()}-")), temporary=True)
            folder._start(arguments)
            return folder
        out_dir.mkdir(parents=True, exist_ok=True)
        lock_fd = _lock(out_dir)
        folder = cls(out_dir / RUN_FOLDER, temporary=False, lock_fd=lock_fd)
        try:
            for name in os.listdir(out_dir):
                if _LEGACY_STAGING.match(name):
                    shutil.rmtree(out_dir / name, ignore_errors=True)
            shutil.rmtree(folder.path / FINAL, ignore_errors=True)
            earlier = folder.path / _MANIFEST
            if resume and earlier.is_file():
                folder._resume(arguments, inputs)
            else:
                if folder.path.exists():
                    folder.discarded_earlier = sum(1 for _ in folder.records()) if earlier.is_file() else 0
                    shutil.rmtree(folder.path)
                folder._start(arguments)
        except BaseException:
            folder.release()
            raise
        return folder

    def _start(self, arguments: list[str]) -> None:
        (self.path / _PARTS).mkdir(parents=True, exist_ok=True)
        manifest = {"format": _FORMAT, "cwd": os.getcwd(), "arguments": _absolute(arguments)}
        _write_atomically(self.path / _MANIFEST, json.dumps(manifest, indent=2) + "\n")

    def _resume(self, arguments: list[str], inputs: Iterable[Input]) -> None:
        where = str(self.path)
        try:
            manifest = json.loads((self.path / _MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise InputError.single(where, f"the unfinished run cannot be resumed ({error}); run without --resume "
                                           "to start over") from None
        if manifest.get("format") != _FORMAT:
            raise InputError.single(where, "the unfinished run was written by another version of imr-check; "
                                           "run without --resume to start over")
        given = _absolute(arguments)
        if manifest.get("arguments") != given:
            raise InputError.single(where, "--resume needs the same paths as the unfinished run: it audited "
                                           + " ".join(manifest.get("arguments", [])))
        for leftover in (self.path / _PARTS).glob(".*.tmp"):
            leftover.unlink(missing_ok=True)
        expected = iter(inputs)
        cwd = manifest.get("cwd", os.getcwd())
        for number, record in enumerate(self.records(), start=1):
            current = next(expected, None)
            if current is None or os.path.abspath(os.path.join(cwd, record["path"])) != os.path.abspath(current.path):
                now = "nothing" if current is None else current.path
                raise InputError.single(where, f"the inputs changed since the unfinished run: its file {number} was "
                                               f"{record['path']}, it is now {now}; run without --resume to start over")
            self.done = number
        self.parts = len(self._part_paths())

    # Writing ---------------------------------------------------------------------------------

    def add(self, audited: dict[str, Any]) -> None:
        self._buffer.append(json.dumps(audited, ensure_ascii=False))
        if len(self._buffer) >= PART_FILES or time.monotonic() - self._last_write >= PART_SECONDS:
            self.flush()

    def flush(self) -> None:
        if self._buffer:
            _write_atomically(self.path / _PARTS / f"part-{self.parts:06d}.jsonl", "\n".join(self._buffer) + "\n")
            self.parts += 1
            self.done += len(self._buffer)
            self._buffer = []
        self._last_write = time.monotonic()

    # Reading ---------------------------------------------------------------------------------

    def _part_paths(self) -> list[Path]:
        parts = self.path / _PARTS
        return sorted(parts.glob("part-*.jsonl")) if parts.is_dir() else []

    def records(self) -> Iterator[dict[str, Any]]:
        """Every audited file written so far, in input order, one at a time."""
        for part in self._part_paths():
            with open(part, encoding="utf-8") as stream:
                for line in stream:
                    yield json.loads(line)

    # Ending ----------------------------------------------------------------------------------

    def staging(self) -> Path:
        staging = self.path / FINAL
        staging.mkdir(exist_ok=True)
        return staging

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        self.release()

    def release(self) -> None:
        if self.lock_fd is not None:
            os.close(self.lock_fd)  # closing the descriptor drops the lock
            self.lock_fd = None


def _absolute(arguments: list[str]) -> list[str]:
    return [a if a.startswith("--") else os.path.abspath(a) for a in arguments]


def _lock(out_dir: Path) -> int:
    """An exclusive lock on DIR for this run; the kernel drops it when the process ends, however."""
    fd = os.open(out_dir, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        os.close(fd)
        if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
            raise InputError.single(str(out_dir), "another imr-check audit is writing there; wait for it or "
                                                  "choose another --out") from None
        raise
    return fd
