"""Where the bundled rules/ and guidelines/ live.

An installed wheel carries them as the data packages `imr_check.rules` and
`imr_check.guidelines`; an editable install of the checkout reads them from the top level.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[2]


def _data_dir(name: str) -> Path:
    try:
        return Path(str(resources.files(f"imr_check.{name}")))
    except ModuleNotFoundError:
        return _CHECKOUT / name


@cache
def rules_dir() -> Path:
    return _data_dir("rules")


@cache
def guidelines_dir() -> Path:
    return _data_dir("guidelines")
