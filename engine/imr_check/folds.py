"""The dev corpus split once into a tuning part and a validation part, by a fixed hash of the case number.

Errors are fixed only from tuning letters; validation letters are looked at only through aggregate
figures (bench/reader.py prints both side by side). A change that raises tuning and not validation
is fitting. The split depends on the case number alone (not on the file name, the corpus, the date
or the order of reading), so a letter stays in its part however the corpus grows.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Literal, Optional

Fold = Literal["tuning", "validation"]
FOLDS: tuple[Fold, ...] = ("tuning", "validation")

# One case number in three goes to validation: about a third of the corpus, as planned.
VALIDATION_BUCKETS = 3
_SALT = "imr-check validation fold v1"
_CASE_NUMBER = re.compile(r"\b(?:CM|EN|RE)\d{2}-\d{7}\b", re.I)


def fold_of(case_number: str) -> Fold:
    """The part of the dev corpus a case number belongs to."""
    normalised = case_number.strip().upper()
    if not normalised:
        raise ValueError("a case number is needed to place a letter in a fold")
    digest = hashlib.sha256(f"{_SALT}:{normalised}".encode()).digest()
    return "validation" if int.from_bytes(digest[:8], "big") % VALIDATION_BUCKETS == 0 else "tuning"


def case_number_of(path: Path) -> Optional[str]:
    """The case number a letter's file name carries (the state names its PDFs by it), if any."""
    match = _CASE_NUMBER.search(path.name)
    return match.group(0).upper() if match else None


def fold_of_path(path: Path) -> Optional[Fold]:
    number = case_number_of(path)
    return fold_of(number) if number else None
