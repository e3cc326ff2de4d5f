"""List the guideline clauses whose `confirmed_from` says the text was not confirmed, and how many rules cite each.

    .venv/bin/python bench/unconfirmed_clauses.py [--list] [--cited]

A clause is unconfirmed when its `confirmed_from` carries the project's marker of a figure written from
memory ("[R]", after reference/mtus-facts.md) or says "not confirmed", "not quoted" or "unconfirmed".
Such a clause may still be confirmed in part (a letter quotes one sentence of it): the note says which part,
and the marker stays until the whole is. The counts are by guideline file and by marker; `--list` prints
each clause (file, id, how many rules cite it, itself or through a parameter, the note), `--cited` only those a rule cites, which
are the ones whose errors reach a determination.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
from pathlib import Path

from imr_check.knowledge import load_knowledge

MARKERS = {
    "[R]": re.compile(r"\[R\]"),
    "not confirmed": re.compile(r"\bnot confirmed\b|\bunconfirmed\b", re.I),
    "not quoted": re.compile(r"\bnot quoted\b", re.I),
}


def markers_of(note: str | None) -> list[str]:
    return [name for name, pattern in MARKERS.items() if pattern.search(note or "")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="print every unconfirmed clause")
    parser.add_argument("--cited", action="store_true", help="only clauses some rule cites")
    args = parser.parse_args(argv)

    knowledge = load_knowledge()
    rules_citing: dict[str, set[str]] = collections.defaultdict(set)
    for rule in knowledge.rules:
        for clause_id in rule.clauses:
            rules_citing[clause_id].add(rule.id)
    citing = {clause_id: len(ids) for clause_id, ids in rules_citing.items()}
    unconfirmed = [
        (Path(loaded.file).name, clause_id, citing.get(clause_id, 0), " ".join((loaded.clause.confirmed_from or "").split()))
        for clause_id, loaded in sorted(knowledge.clauses.items())
        if markers_of(loaded.clause.confirmed_from) and (citing.get(clause_id, 0) or not args.cited)
    ]
    print(f"{len(unconfirmed)} of {len(knowledge.clauses)} clauses unconfirmed"
          f" ({sum(1 for row in unconfirmed if row[2])} cited by a rule)")
    by_marker = collections.Counter(m for row in unconfirmed for m in markers_of(row[3]))
    print("by marker: " + ", ".join(f"{name} {by_marker[name]}" for name in MARKERS))
    for file, count in sorted(collections.Counter(row[0] for row in unconfirmed).items()):
        print(f"  {count:4d}  {file}")
    if args.list:
        for file, clause_id, rules, note in unconfirmed:
            print(f"{file}\t{clause_id}\t{rules} rules\t{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
