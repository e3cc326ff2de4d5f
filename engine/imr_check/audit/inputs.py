"""Which files an audit reads: files, folders (searched recursively) and globs, in the order given."""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional

LETTER_SUFFIXES = (".pdf", ".txt")
CASE_SUFFIXES = (".yaml", ".yml")
SUFFIXES = LETTER_SUFFIXES + CASE_SUFFIXES
_GLOB_CHARACTERS = set("*?[")


@dataclass(frozen=True)
class Input:
    """One file to audit, or an argument that names nothing auditable (`problem` says why)."""

    path: str
    problem: Optional[str] = None


_HIDDEN = "hidden (its name starts with '.'): not audited; pass it by name to audit it"


def _walk(folder: Path) -> Iterator[Input]:
    """Every auditable file under a folder, sorted. Symbolic links to folders are followed (each real
    folder once, so a link loop ends); a hidden letter or folder is listed as skipped with its reason,
    never dropped without a word."""
    visited: set[str] = {os.path.realpath(folder)}
    for root, folders, files in os.walk(folder, followlinks=True):
        kept = []
        for name in sorted(folders):
            path = os.path.join(root, name)
            if name.startswith("."):
                yield Input(path, f"a folder {_HIDDEN}")
                continue
            real = os.path.realpath(path)
            if real in visited:
                yield Input(path, f"a link to {real}, a folder already audited here: not audited twice")
                continue
            visited.add(real)
            kept.append(name)
        folders[:] = kept
        for name in sorted(files):
            if name.lower().endswith(SUFFIXES):
                path = os.path.join(root, name)
                yield Input(path, f"a file {_HIDDEN}") if name.startswith(".") else Input(path)


def _one(argument: str) -> Iterator[Input]:
    path = Path(argument)
    if path.is_dir():
        yield from _walk(path)
    elif path.is_file():
        if argument.lower().endswith(SUFFIXES):
            yield Input(argument)
        else:
            yield Input(argument, f"not a letter or a case file: expected {', '.join(SUFFIXES)}")
    elif _GLOB_CHARACTERS & set(argument):
        matches = sorted(glob.glob(argument, recursive=True))
        if not matches:
            yield Input(argument, "no file matches this pattern")
        for match in matches:
            if os.path.isdir(match):
                yield from _walk(Path(match))
            elif match.lower().endswith(SUFFIXES):
                yield Input(match)
    elif path.exists():
        yield Input(argument, "not a regular file or folder")
    else:
        yield Input(argument, "no such file or folder")


def expand(arguments: Iterable[str | os.PathLike]) -> Iterator[Input]:
    """The inputs named by the arguments, each file once, lazily: a huge folder is never listed whole."""
    seen: set[str] = set()
    for argument in arguments:
        for found in _one(os.fspath(argument)):
            if found.problem is None:
                # By path, not by target: arguments that overlap list a file once (no syscall per file).
                key = os.path.abspath(found.path)
                if key in seen:
                    continue
                seen.add(key)
            yield found
