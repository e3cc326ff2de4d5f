"""How well the reader's vocabulary names request lines we wrote ourselves (bench/vocabulary/request_lines.yaml).

    .venv/bin/python bench/vocabulary.py [--lines FILE] [--misses] [--batch N]

Prints, for each half of the set (split by a fixed hash of the line: `tuning`, from which vocabulary is fixed, and
`held_out`, looked at only through these counts): lines given the expected topic, lines that fall to the fallback
topic (`other`), lines given a wrong topic, and for each sub-label (drug generic and class, imaging study, body
region, injection type) how many of the lines labelled with one get it right. `--misses` lists the tuning half's
misses, one a line; the held-out half's are never listed, so that it stays a measure of lines no fix has seen.

A line carries the `batch` it was written in (default 1). A batch is written and labelled before the classifier runs
on it, so its held-out half, counted before any fix made from its tuning half, measures wording no fix has seen: the
figures are printed for all batches and, when there are several, for each batch; `--batch N` limits them to one.
Exits 2 with a message when the file is not a valid set.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections import Counter
from pathlib import Path
from typing import Literal, Optional

from imr_check.reader.classify import parse_request
from imr_check.vocabulary import drug_class_topics, drug_lexicon, fallback_topic, lookup_drug

Half = Literal["tuning", "held_out"]
HALVES: tuple[Half, ...] = ("tuning", "held_out")
SUB_LABELS = ("generic", "class", "study", "region", "injection")
_SALT = "imr-check vocabulary set v1"
DEFAULT_LINES = Path(__file__).resolve().parent / "vocabulary" / "request_lines.yaml"


class BadSet(Exception):
    """The set file cannot be read as a list of labelled lines."""


def half_of(line: str) -> Half:
    """The half a request line belongs to, by a fixed hash of its text alone (about one line in two each)."""
    digest = hashlib.sha256(f"{_SALT}:{line.strip().lower()}".encode()).digest()
    return "held_out" if digest[0] % 2 else "tuning"


def load_lines(path: Path) -> list[dict[str, str]]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as error:
        raise BadSet(f"{path}: cannot read the set: {error}") from None
    entries = data.get("lines") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise BadSet(f"{path}: expected a mapping with a non-empty list `lines:` of {{line: TEXT, topic: TOPIC, ...}}")
    # A label may name a topic the vocabulary does not have yet: it counts as a miss, not a bad set.
    allowed = {"line", "topic", "batch", *SUB_LABELS}
    problems, seen = [], set()
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("line"), str) or not entry.get("topic"):
            problems.append(f"lines[{number}]: needs `line` (text) and `topic`")
            continue
        if "batch" in entry and (not isinstance(entry["batch"], int) or isinstance(entry["batch"], bool)
                                 or entry["batch"] < 1):
            problems.append(f"lines[{number}]: `batch` must be a whole number from 1, not {entry['batch']!r}")
        if set(entry) - allowed:
            problems.append(f"lines[{number}]: unknown key(s) {sorted(set(entry) - allowed)}; allowed: {sorted(allowed)}")
        if entry["line"] in seen:
            problems.append(f"lines[{number}]: {entry['line']!r} is listed twice")
        seen.add(entry["line"])
    if problems:
        raise BadSet(f"{path}:\n  " + "\n  ".join(problems))
    return entries


def batch_of(entry: dict) -> int:
    return entry.get("batch", 1)


def labels_read(text: str) -> dict[str, Optional[str]]:
    """What the reader gives a request line: its topic and each sub-label."""
    parsed = parse_request(text)
    entry = lookup_drug(text)
    if entry is not None and len(entry.ingredients) > 1:
        # A branded combination's generic is the ingredient whose class gives it a topic (Vimovo's naproxen).
        classes = drug_class_topics()
        entry = next((lexicon_entry for lexicon_entry in map(drug_lexicon().get, entry.ingredients)
                      if lexicon_entry is not None and classes.get(lexicon_entry.drug_class)), entry)
    return {"topic": parsed.topic, "generic": entry.generic if entry else None,
            "class": entry.drug_class if entry else None, "study": parsed.study,
            "region": parsed.body_region, "injection": parsed.injection_type}


def measure(entries: list[dict[str, str]]) -> tuple[dict[Half, Counter], list[str]]:
    counts: dict[Half, Counter] = {half: Counter() for half in HALVES}
    misses: list[str] = []
    fallback = fallback_topic()
    for entry in entries:
        half, got = half_of(entry["line"]), labels_read(entry["line"])
        tally = counts[half]
        tally["lines"] += 1
        outcome = ("right" if got["topic"] == entry["topic"] else "fallback" if got["topic"] == fallback else "wrong")
        tally[outcome] += 1
        wrong = [] if outcome == "right" else [f"topic {got['topic']} (expected {entry['topic']})"]
        for label in SUB_LABELS:
            if label in entry:
                tally[f"{label}_labelled"] += 1
                if str(got[label]) == str(entry[label]):
                    tally[f"{label}_right"] += 1
                else:
                    wrong.append(f"{label} {got[label]} (expected {entry[label]})")
        if wrong and half == "tuning":
            misses.append(f"{entry['line']!r}: " + "; ".join(wrong))
    return counts, misses


def report(counts: dict[Half, Counter]) -> list[str]:
    rows = [f"{'':28}" + "".join(f"{half:>14}" for half in HALVES)]

    def row(name: str, value) -> None:
        rows.append(f"{name:28}" + "".join(f"{value(counts[half]):>14}" for half in HALVES))

    def share(part: str, whole: str):
        return lambda tally: (f"{tally[part]}/{tally[whole]} ({100 * tally[part] / tally[whole]:.0f}%)"
                              if tally[whole] else "-")

    row("lines", lambda tally: str(tally["lines"]))
    row("expected topic", share("right", "lines"))
    row(f"to {fallback_topic()}", share("fallback", "lines"))
    row("to a wrong topic", share("wrong", "lines"))
    for label in SUB_LABELS:
        row(f"{label} right", share(f"{label}_right", f"{label}_labelled"))
    return rows


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=Path, default=DEFAULT_LINES, help="the labelled set (YAML)")
    parser.add_argument("--misses", action="store_true", help="list the tuning half's misses")
    parser.add_argument("--batch", type=int, help="only the lines of this batch")
    args = parser.parse_args(argv)
    try:
        entries = load_lines(args.lines)
    except BadSet as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    batches = sorted({batch_of(entry) for entry in entries})
    if args.batch is not None:
        if args.batch not in batches:
            print(f"error: {args.lines}: no line of batch {args.batch}; the batches are {batches}", file=sys.stderr)
            return 2
        entries, batches = [entry for entry in entries if batch_of(entry) == args.batch], [args.batch]
    # Each line is read once: the figures of all batches are the sum of each batch's.
    by_batch = {batch: measure([entry for entry in entries if batch_of(entry) == batch]) for batch in batches}
    counts = {half: sum((batch_counts[half] for batch_counts, _ in by_batch.values()), Counter()) for half in HALVES}
    misses = [miss for _, batch_misses in by_batch.values() for miss in batch_misses]
    print(("all batches\n" if len(batches) > 1 else f"batch {batches[0]}\n") + "\n".join(report(counts)))
    if len(batches) > 1:
        for batch, (batch_counts, _) in by_batch.items():
            print(f"\nbatch {batch}\n" + "\n".join(report(batch_counts)))
    if args.misses:
        print(f"\ntuning misses ({len(misses)}):")
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
