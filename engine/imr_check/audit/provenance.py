"""What made an audit's outputs: the imr-check version, the rules and guidelines, the output schema, when.

Every output file records it (the JSON document's `provenance`, constant CSV columns, the Parquet
file's key-value metadata, the HTML pages' header), so a figure quoted from any of them can be
traced to the code and the rules that produced it. Same inputs, version and rules give byte-identical
outputs except `generated_at`; set SOURCE_DATE_EPOCH (the reproducible-builds convention) to fix it too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from functools import cache
from pathlib import Path
from typing import Any

from .. import __version__
from .._data import guidelines_dir, rules_dir

# Bumped whenever a field of the item rows, the summary or the JSON document changes meaning or shape.
# 2: intervals and `is_small` in every summary; kappa None (undefined) for a one-class group; consistency
# groups, overturn-rate tests, undetermined items and top missing documentation; provenance.
# 3: each missing fact of a disagreement's details carries its `label` (rules/fact_labels.yaml).
# 4: each item row has `basis` (what its determination rests on: documented, stated_not_documented, silence);
# the summary has `by_basis`; a missing fact of a disagreement carries its `absence`.
# 5: a letter's item carries `parts` (each part's determination, reason, rules and clauses) for a request in parts.
SCHEMA_VERSION = "5"
# The CSV has no metadata of its own: provenance rides in constant columns, which survive any CSV reader
# and a concatenation of several audits' files.
CSV_COLUMNS = ("imr_check_version", "rules_fingerprint", "schema_version", "generated_at")


def _data_files() -> list[tuple[str, Path]]:
    files = []
    for label, folder in (("guidelines", guidelines_dir()), ("rules", rules_dir())):
        files += [(f"{label}/{path.relative_to(folder).as_posix()}", path) for path in sorted(folder.rglob("*.yaml"))]
    return files


@cache
def rules_fingerprint() -> str:
    """sha256 over every rule and guideline file, name and bytes: any edit to either changes it."""
    digest = hashlib.sha256()
    for name, path in _data_files():
        content = path.read_bytes()
        digest.update(f"{name}\0{len(content)}\0".encode())
        digest.update(content)
    return "sha256:" + digest.hexdigest()


def generated_at() -> str:
    """Now in UTC to the second, or SOURCE_DATE_EPOCH when set (reproducible outputs)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        moment = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    else:
        moment = dt.datetime.now(dt.timezone.utc)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def provenance() -> dict[str, Any]:
    return {
        "imr_check_version": __version__,
        "rules_fingerprint": rules_fingerprint(),
        "schema_version": SCHEMA_VERSION,
        "generated_at": generated_at(),
    }


def version_text() -> str:
    return f"imr-check {__version__}\nrules and guidelines {rules_fingerprint()}\naudit output schema {SCHEMA_VERSION}"


def parquet_metadata(record: dict[str, Any]) -> dict[bytes, bytes]:
    return {f"imr_check.{key}".encode(): str(value).encode() for key, value in record.items()}
