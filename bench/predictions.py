"""Snapshot what the reader and rules make of every letter, and compare two snapshots.

    python bench/predictions.py --out /tmp/before.jsonl            # on the old code
    python bench/predictions.py --compare /tmp/before.jsonl        # on the new code: exit 1 if anything moved

A refactor that must not change a single determination (knowledge moved into data, rules merged
across versions) proves it with this: per file, a digest of the extracted case's facts, and per item
its topic, determination, predicted outcome, supported quantity, clauses and missing documentation.
Rule ids are recorded but compared only with --rules (a merge may rename a rule and keep its logic).
Snapshots hold the letters' item text: keep them outside the checkout, never commit them.
Differences in validation-fold letters are counted, never shown, so a comparison cannot be read item by
item on the fold that is kept unread (issue 12).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from imr_check.audit.items import audit_file, read
from imr_check.folds import fold_of_path

COMPARED = ("request_id", "item", "topic", "determination", "predicted_outcome", "supported_quantity",
            "clauses", "missing_documentation")


def inputs(shared: Path, project: Path) -> list[Path]:
    return (sorted((shared / "corpus" / "dev").glob("*.pdf")) + sorted((shared / "seeds").glob("*.txt"))
            + sorted((project / "examples").glob("*.yaml")))


def facts_digest(path: Path) -> str:
    """A digest of the case as read (facts and evidence): a reader refactor must leave it unchanged."""
    try:
        case = read(str(path))
    except Exception as error:  # noqa: BLE001 - the snapshot records the failure, it is compared too
        return f"error: {type(error).__name__}: {error}"
    document = case.model_dump(mode="json")
    # A fact the case does not have is left out, whether declared in rules/facts.yaml or a field of the case
    # model, so adding a fact does not move the digest of every case (a snapshot of older code has no such field).
    for name in [name for name, value in document["clinical"].items() if value is None]:
        document["clinical"].pop(name)
    for entry in document["requests"]:
        for name in [name for name, value in entry.items() if value is None]:
            entry.pop(name)
        # Likewise a request read whole (no parts, a field older snapshots do not have).
        if entry.get("parts") == []:
            entry.pop("parts")
    # Facts scoped to body regions are recorded only where the record scopes one; none leaves the digest as before.
    if not document.get("regional_facts"):
        document.pop("regional_facts", None)
    dumped = json.dumps(document, sort_keys=True)
    return hashlib.sha256(dumped.encode()).hexdigest()


def snapshot(paths: list[Path]) -> dict[str, dict]:
    out = {}
    for path in paths:
        audited = audit_file(str(path))
        out[path.name] = {
            "facts": facts_digest(path),
            "error": audited.get("error"),
            "items": [{**{key: row[key] for key in COMPARED}, "deciding_rules": row["deciding_rules"]}
                      for row in audited.get("rows", [])],
        }
    return out


def differences(before: dict[str, dict], after: dict[str, dict], rules: bool) -> list[str]:
    keys = COMPARED + (("deciding_rules",) if rules else ())
    found = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old is None or new is None:
            found.append(f"{name}: only in the {'new' if old is None else 'old'} snapshot")
            continue
        if old["facts"] != new["facts"]:
            found.append(f"{name}: the facts read differ")
        if old["error"] != new["error"]:
            found.append(f"{name}: error {old['error']!r} -> {new['error']!r}")
        if len(old["items"]) != len(new["items"]):
            found.append(f"{name}: {len(old['items'])} items -> {len(new['items'])}")
        for a, b in zip(old["items"], new["items"]):
            for key in keys:
                if a[key] != b[key]:
                    found.append(f"{name} {a['request_id']}: {key} {a[key]!r} -> {b[key]!r}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--out", type=Path, help="write a snapshot (JSON) here")
    group.add_argument("--compare", type=Path, help="compare the current code with this snapshot")
    parser.add_argument("--rules", action="store_true", help="compare the deciding rule ids too")
    args = parser.parse_args()
    project = Path(__file__).resolve().parents[1]
    current = snapshot(inputs(args.shared, project))
    items = sum(len(entry["items"]) for entry in current.values())
    if args.out:
        args.out.write_text(json.dumps(current, indent=1, sort_keys=True))
        print(f"{len(current)} files, {items} items -> {args.out}")
        return 0
    before = json.loads(args.compare.read_text())
    shown = {name for name in set(before) | set(current) if not is_validation(name)}
    found = differences({name: before[name] for name in before if name in shown},
                        {name: current[name] for name in current if name in shown}, args.rules)
    hidden = differences({name: before[name] for name in before if name not in shown},
                         {name: current[name] for name in current if name not in shown}, args.rules)
    for line in found:
        print(line)
    print(f"{len(current)} files, {items} items: {len(found)} differences shown, "
          f"{len(hidden)} in validation letters (counted, not shown)")
    return 1 if found or hidden else 0


def is_validation(name: str) -> bool:
    return name.endswith(".pdf") and fold_of_path(Path(name)) == "validation"


if __name__ == "__main__":
    sys.exit(main())
