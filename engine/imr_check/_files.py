"""Reading an input file safely: only a regular file, and only up to a stated size.

A FIFO, a socket or a terminal would block `read()` forever and a device such as /dev/zero never
ends, so a path is opened without blocking and checked with fstat (on the open file, so a path
swapped between a check and the open cannot slip through) before a byte is read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import InputError

MB = 1024 * 1024


def kind_of(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def read_regular(path: Path | str, limit: int, expected: str) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; anything else is an InputError that
    says what the path is and what is allowed."""
    source = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise InputError.single(source, f"no such file; {expected}") from None
    except IsADirectoryError:
        raise InputError.single(source, f"is a directory; {expected}") from None
    except OSError as error:
        raise InputError.single(source, f"cannot be read ({error.strerror or error}); {expected}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError.single(source, f"is {kind_of(info.st_mode)}; only regular files are read; {expected}")
        if info.st_size > limit:
            raise InputError.single(source, f"is {info.st_size / MB:.1f} MB, over the {limit // MB} MB limit "
                                            f"for this kind of file; {expected}")
        chunks = []
        remaining = limit + 1  # a file that grows while read is still cut off at the limit
        while remaining > 0:
            chunk = os.read(fd, min(remaining, MB))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as error:
        raise InputError.single(source, f"cannot be read ({error.strerror or error}); {expected}") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise InputError.single(source, f"is over the {limit // MB} MB limit for this kind of file; {expected}")
    return data


def utf16_encoding(data: bytes) -> str | None:
    """'utf-16' when the bytes are UTF-16 text (a byte-order mark, or ASCII text with every other byte NUL,
    as Windows tools write it), else None."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    sample = data[:4096]
    if len(sample) >= 8:
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
            return "utf-16-be"
    return None
