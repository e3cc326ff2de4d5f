"""Read the dev letters and the seeds, evaluate them, and print how well the reader and rules do.

    /tmp/venv/bin/python bench/reader.py [--shared ../shared] [--facts]

Prints: letters read, items found against 'Decision rationale:' blocks, outcomes read right
(against the header's own Upheld/Overturned words, counted independently of the parser), items with
a topic, items the rules decide, agreement with the reviewers, Cohen's kappa, recall on overturned
items beside the always-upheld baseline, and letters per second; then the same by topic, for the
dev letters alone and with the seeds. `--facts` also prints, for every
fact path, how many cases (clinical.*, patient.*) or requests (request.*) the reader filled, and the
true/false split of the boolean ones. Last, the surgical items (every surgery and each item tied to
one) per fold of the dev corpus.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from imr_check import evaluate_case, load_knowledge
from imr_check.folds import fold_of_path
from imr_check.reader import letter_text, read_letter_text
from imr_check.reader.text import normalise
from imr_check.stats import summarize

_OUTCOME_LINE = re.compile(r"(Upheld|Overturned)\s*\n\s*Claims Administrator guideline:", re.I)


def letters(shared: Path) -> list[Path]:
    return sorted((shared / "corpus" / "dev").glob("*.pdf")) + sorted((shared / "seeds").glob("*.txt"))


def _flat(value: object, prefix: str, into: dict[str, object]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flat(inner, f"{prefix}.{key}" if prefix else key, into)
    elif value is not None and value != []:
        into[prefix] = value


def print_fill_counts(cases: list) -> None:
    """Per fact path: in how many cases (or requests) the reader filled it, and booleans' true/false split."""
    from imr_check.facts import fact_specs

    filled: dict[str, list[object]] = {}
    for case in cases:
        data = case.model_dump(mode="json", exclude={"evidence"})
        found: dict[str, object] = {}
        for part in ("clinical", "patient"):
            _flat(data[part], part, found)
        for path, value in found.items():
            filled.setdefault(path, []).append(value)
        for request in data["requests"]:
            request.pop("imr", None)
            request.pop("ur", None)
            found = {}
            _flat(request, "request", found)
            for path, value in found.items():
                filled.setdefault(path, []).append(value)
    requests = sum(len(c.requests) for c in cases)
    print(f"\nfacts filled ({len(cases)} cases, {requests} requests; derived facts not counted)")
    for path in sorted(set(fact_specs()) | set(filled)):
        if path in ("request.id", "request.text", "request.topic") or path.startswith(("request.imr", "request.ur")):
            continue
        values = filled.get(path, [])
        split = ""
        if values and all(isinstance(v, bool) for v in values):
            split = f"  (true {sum(1 for v in values if v)}, false {sum(1 for v in values if not v)})"
        print(f"  {path:58} {len(values):4}{split}")


def print_by_topic(rows: list[tuple[str, bool, str | None, str | None]]) -> None:
    """Items, decided, agreement, kappa and recall on overturned per topic, dev letters only, then totals."""

    def line(name: str, selected: list[tuple[str | None, str | None]]) -> str:
        s = summarize(selected)
        overturned = sum(1 for _, actual in selected if actual == "overturned")
        decided_overturned = sum(1 for p, a in selected if a == "overturned" and p is not None)
        agree = "   -  " if s.agreement is None else f"{s.agreement:6.1%}"
        base = "   -  " if s.baseline_agreement is None else f"{s.baseline_agreement:6.1%}"
        kappa = "   -  " if s.kappa is None else f"{s.kappa:6.2f}"
        recall = "-" if s.recall_overturned is None else f"{s.recall_overturned:.0%}"
        return (f"  {name:28} {len(selected):5} {s.decided:7} {agree} {base} {kappa}   {overturned:3} "
                f"({decided_overturned} decided, recall {recall})")

    print("\nby topic, dev letters only (agreement and kappa on decided items; kappa is undefined, '-', when")
    print("both sides used one label)")
    print(f"  {'topic':28} {'items':>5} {'decided':>7} {'agree':>6} {'always':>6} {'kappa':>6}   overturned")
    dev = [r for r in rows if r[1]]
    for topic in sorted({r[0] for r in dev}):
        print(line(topic, [(p, a) for t, _, p, a in dev if t == topic]))
    print(line("all dev letters", [(p, a) for _, _, p, a in dev]))
    print(line("dev letters and seeds", [(p, a) for _, _, p, a in rows]))


SURGICAL_TOPICS = ("surgery", "surgical_associated_service")


def surgical_rows(case, result) -> list[tuple[str | None, str | None]]:
    """A surgical letter's surgeries and every item tied to one (associated with it, or filed as associated)."""
    surgeries = {r.id or case.request_id(i) for i, r in enumerate(case.requests) if r.topic == "surgery"}
    rows = []
    for request, got in zip(case.requests, result.requests):
        if request.topic in SURGICAL_TOPICS or request.associated_with in surgeries:
            rows.append((got.predicted_outcome, got.actual_outcome))
    return rows


def print_surgical(folded: dict[str, list[tuple[str | None, str | None]]]) -> None:
    """Surgical items (surgeries and the items tied to them) per fold: validation only as an aggregate."""
    print("\nsurgical items (surgeries and the items tied to them), dev letters by fold")
    print(f"  {'fold':12} {'items':>5} {'decided':>7} {'agree':>6} {'always':>6} {'kappa':>6}   overturned")
    for fold in ("tuning", "validation"):
        selected = folded.get(fold, [])
        s = summarize(selected)
        overturned = sum(1 for _, a in selected if a == "overturned")
        decided_overturned = sum(1 for p, a in selected if a == "overturned" and p is not None)
        agree = "   -  " if s.agreement is None else f"{s.agreement:6.1%}"
        base = "   -  " if s.baseline_agreement is None else f"{s.baseline_agreement:6.1%}"
        kappa = "   -  " if s.kappa is None else f"{s.kappa:6.2f}"
        recall = "-" if s.recall_overturned is None else f"{s.recall_overturned:.0%}"
        print(f"  {fold:12} {len(selected):5} {s.decided:7} {agree} {base} {kappa}   {overturned:3} "
              f"({decided_overturned} decided, recall {recall})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    parser.add_argument("--facts", action="store_true", help="print how often the reader fills each fact")
    args = parser.parse_args(argv)
    paths = letters(args.shared)
    if not paths:
        print(f"no letters under {args.shared}", file=sys.stderr)
        return 2
    knowledge = load_knowledge()
    started = time.perf_counter()
    texts = {path: letter_text(path) for path in paths}
    extracted = time.perf_counter()
    cases = {path: read_letter_text(text, str(path)) for path, text in texts.items()}
    read = time.perf_counter()
    results = {path: evaluate_case(case, knowledge) for path, case in cases.items()}
    evaluated = time.perf_counter()

    blocks = outcomes_expected = items = outcomes_right = with_topic = 0
    rows = []
    by_topic: list[tuple[str, bool, str | None, str | None]] = []
    surgical: dict[str, list[tuple[str | None, str | None]]] = {}
    for path, case in cases.items():
        text = normalise(texts[path])
        blocks += len(re.findall(r"^Decision rationale:", text, re.M))
        expected = [m.group(1).lower() for m in _OUTCOME_LINE.finditer(text)]
        outcomes_expected += len(expected)
        got = [r.imr.outcome for r in case.requests if r.imr]
        items += len(case.requests)
        outcomes_right += sum(1 for a, b in zip(expected, got) if a == b) if len(expected) == len(got) else 0
        with_topic += sum(1 for r in case.requests if r.topic != "other")
        for request in results[path].requests:
            rows.append((request.predicted_outcome, request.actual_outcome))
            by_topic.append((request.topic, path.suffix == ".pdf", request.predicted_outcome, request.actual_outcome))
        fold = fold_of_path(path) if path.suffix == ".pdf" else None
        if fold is not None:
            surgical.setdefault(fold, []).extend(surgical_rows(case, results[path]))
    summary = summarize(rows)
    total = evaluated - started

    def pct(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.1%}"

    def num(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    print(f"letters read                 {len(cases)} ({len(list(args.shared.glob('corpus/dev/*.pdf')))} dev PDFs + seeds)")
    print(f"items found / rationale blocks  {items} / {blocks}")
    print(f"outcomes read right          {outcomes_right} / {outcomes_expected}")
    print(f"items with a topic           {with_topic} / {items} ({pct(with_topic / items)})")
    print(f"items the rules decide       {summary.decided} / {items} ({pct(summary.coverage)})")
    print(f"agreement with reviewers     {pct(summary.agreement)}   (always upheld: {pct(summary.baseline_agreement)})")
    print(f"Cohen's kappa                {num(summary.kappa)}   (always upheld: {num(summary.baseline_kappa)})")
    print(f"recall on overturned         {pct(summary.recall_overturned)}   "
          f"(always upheld: {pct(summary.baseline_recall_overturned)})")
    print(f"precision on overturned      {pct(summary.precision_overturned)}")
    print(f"confusion (predicted x actual) {summary.confusion}")
    print(f"time: text {extracted - started:.2f} s, read {read - extracted:.2f} s, evaluate {evaluated - read:.2f} s; "
          f"{len(cases) / total:.1f} letters/s end to end")
    print_by_topic(by_topic)
    print_surgical(surgical)
    if args.facts:
        print_fill_counts(list(cases.values()))
    return 0 if items == blocks and outcomes_right == outcomes_expected == items else 1


if __name__ == "__main__":
    raise SystemExit(main())
