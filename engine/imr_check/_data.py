"""Where the bundled rules/ and guidelines/ live.

An installed wheel carries them inside the package (`imr_check/rules`, `imr_check/guidelines`,
see pyproject.toml); an editable install of the checkout reads them from the top level.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parents[1]


def _data_dir(name: str) -> Path:
    installed = _PACKAGE / name
    return installed if installed.is_dir() else _CHECKOUT / name


@cache
def rules_dir() -> Path:
    return _data_dir("rules")


@cache
def guidelines_dir() -> Path:
    return _data_dir("guidelines")
