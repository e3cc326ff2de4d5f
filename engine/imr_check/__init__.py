"""imr-check: re-check IMR determinations against the MTUS criteria, as declarative rules."""

from .case import Case, load_case, load_case_text
from .errors import EngineError, IncompleteLetter, InputError, Problem, RuleLoadError
from .evaluate import evaluate_case
from .knowledge import Knowledge, load_knowledge

__all__ = [
    "Case",
    "EngineError",
    "IncompleteLetter",
    "InputError",
    "Knowledge",
    "Problem",
    "RuleLoadError",
    "evaluate_case",
    "load_case",
    "load_case_text",
    "load_knowledge",
]

__version__ = "0.1.0"
