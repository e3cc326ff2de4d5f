"""The `imr-check` console script: the command line, and a clear error if the vocabularies do not load."""

from __future__ import annotations

import sys

from .errors import InputError


def main() -> None:
    try:
        from .cli import main as run
    except InputError as error:  # a vocabulary the modules are built from (rules/surgeries.yaml) is broken
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    run()
