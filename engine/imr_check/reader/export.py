"""A case as a YAML case file that `load_case` reads back."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import yaml

from .._files import kind_of
from ..case import Case
from ..errors import InputError

_HEADER = ("# Read from an IMR determination letter by `imr-check extract`. Each fact's evidence (the sentence\n"
           "# and its offset in the letter's normalised text) is under `evidence:`; facts the letter states are\n"
           "# not documented are under `not_documented:` (a fact in neither is one it says nothing about). The\n"
           "# `imr:` blocks are the reviewer's decisions: compared with the prediction, never an input to it.\n")


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def case_yaml(case: Case) -> str:
    data = case.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    data.setdefault("requests", [])
    return _HEADER + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to a new path or over a regular file, never over anything else: os.replace would
    otherwise put a regular file where a device, a FIFO or a symbolic link was (as root, /dev/null)."""
    path = Path(path)
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise InputError.single(str(path), f"cannot be written ({error.strerror or error})") from None
    if mode is not None and not stat.S_ISREG(mode):
        what = "a symbolic link" if stat.S_ISLNK(mode) else kind_of(mode)
        raise InputError.single(str(path), f"is {what}; the case file is written only to a new path or over a "
                                           "regular file")
    directory = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
