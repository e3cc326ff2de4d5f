"""imr-check: re-check IMR determinations against the MTUS criteria, as declarative rules."""

from __future__ import annotations

import importlib
from typing import Any

# The names below are imported on first use, not with the package: the case model is built from the
# surgery vocabulary (rules/surgeries.yaml), and a broken vocabulary must reach the command line as
# an error naming its line (imr_check._entry), not break `import imr_check._data`.
_EXPORTS = {
    "Case": ".case",
    "load_case": ".case",
    "load_case_text": ".case",
    "EngineError": ".errors",
    "IncompleteLetter": ".errors",
    "InputError": ".errors",
    "Problem": ".errors",
    "RuleLoadError": ".errors",
    "evaluate_case": ".evaluate",
    "Knowledge": ".knowledge",
    "load_knowledge": ".knowledge",
}

__all__ = sorted(_EXPORTS)

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
