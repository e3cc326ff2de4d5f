"""Read the dev letters and the seeds, evaluate them, and print how well the reader and rules do.

    /tmp/venv/bin/python bench/reader.py [--shared ../shared] [--facts]

Prints: letters read, items found against 'Decision rationale:' blocks, outcomes read right
(against the header's own Upheld/Overturned words, counted independently of the parser), items with
a topic, items the rules decide, agreement with the reviewers, Cohen's kappa, recall on overturned
items beside the always-upheld baseline, and letters per second; then the same by topic, for the
dev letters alone and with the seeds. `--facts` also prints, for every
fact path, how many cases (clinical.*, patient.*) or requests (request.*) the reader filled, and the
true/false split of the boolean ones. The surgical items (every surgery and each item tied to one)
are also given per fold, and so is agreement by basis: what each determination rests on (documented
facts, documentation the letter states is absent, or silence; imr_check.results.Basis).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from imr_check import IncompleteLetter, evaluate_case, load_knowledge
from imr_check.reader import letter_text, read_letter_text
from imr_check.reader.text import normalise
from imr_check.folds import FOLDS, fold_of_path
from imr_check.stats import Confusion, summarize, wilson_interval

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


def print_by_topic(rows: list[tuple[str, bool, str | None, str | None]], scope: str) -> None:
    """Items, decided, agreement, kappa and recall on overturned per topic, then totals.

    Called with the tuning part's items only: validation is never broken down below its aggregate.
    """

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

    print(f"\nby topic, {scope} (agreement and kappa on decided items; kappa is undefined, '-', when")
    print("both sides used one label)")
    print(f"  {'topic':28} {'items':>5} {'decided':>7} {'agree':>6} {'always':>6} {'kappa':>6}   overturned")
    dev = [r for r in rows if r[1]]
    for topic in sorted({r[0] for r in dev}):
        print(line(topic, [(p, a) for t, _, p, a in dev if t == topic]))
    print(line(f"all ({scope})", [(p, a) for _, _, p, a in dev]))


def _interval(bounds: tuple[float, float] | None, percent: bool) -> str:
    if bounds is None:
        return "-"
    low, high = bounds
    return f"{low:.0%}-{high:.0%}" if percent else f"{low:.2f} to {high:.2f}"


def fold_lines(rows_by_fold: dict[str, list[tuple[str | None, str | None]]]) -> list[str]:
    """The two folds side by side: one line per figure, one column per fold (aggregate figures only)."""
    names = list(rows_by_fold)
    figures: dict[str, list[str]] = {name: [] for name in (
        "items", "decided", "agreement (decided)", "always upheld", "Cohen's kappa", "  95% interval",
        "overturned (all/decided)", "recall on overturned", "  95% interval ", "caught of all overturned",
        "precision on overturned")}
    for fold in names:
        rows = rows_by_fold[fold]
        s = summarize(rows)
        compared = [(p, a) for p, a in rows if p is not None and a is not None]
        confusion = Confusion.of(compared)
        overturned = confusion.overturned_overturned + confusion.upheld_overturned
        figures["items"].append(str(s.items))
        figures["decided"].append(f"{s.decided} ({s.coverage:.0%})" if s.coverage is not None else "0")
        figures["agreement (decided)"].append("-" if s.agreement is None else f"{s.agreement:.1%}")
        figures["always upheld"].append("-" if s.baseline_agreement is None else f"{s.baseline_agreement:.1%}")
        figures["Cohen's kappa"].append("-" if s.kappa is None else f"{s.kappa:.2f}")
        figures["  95% interval"].append(_interval(confusion.kappa_interval(), percent=False))
        figures["overturned (all/decided)"].append(f"{s.overturned}/{overturned}")
        figures["caught of all overturned"].append(
            "-" if not s.overturned else f"{confusion.overturned_overturned / s.overturned:.0%}")
        figures["recall on overturned"].append(
            "-" if s.recall_overturned is None else f"{confusion.overturned_overturned}/{overturned} "
                                                   f"({s.recall_overturned:.0%})")
        figures["  95% interval "].append(_interval(wilson_interval(confusion.overturned_overturned, overturned),
                                                    percent=True))
        figures["precision on overturned"].append("-" if s.precision_overturned is None
                                                  else f"{s.precision_overturned:.0%}")
    width = max(14, *(len(v) for values in figures.values() for v in values))
    lines = [f"  {'':26}" + "".join(f"{name:>{width + 2}}" for name in names)]
    for figure, values in figures.items():
        lines.append(f"  {figure:26}" + "".join(f"{value:>{width + 2}}" for value in values))
    return lines


NO_BASIS = "(none)"


def basis_lines(rows_by_fold: dict[str, dict[str, list[tuple[str | None, str | None]]]]) -> list[str]:
    """Per fold and basis: items, decided, agreement and kappa (aggregate figures only, as for the folds)."""
    from imr_check.results import BASES

    lines = [f"  {'fold':11} {'basis':22} {'items':>5} {'decided':>7} {'agree':>6} {'always':>6} {'kappa':>6} "
             f"{'overturned':>10} {'caught':>6}"]
    for fold, by_basis in rows_by_fold.items():
        for basis in [*BASES, NO_BASIS]:
            selected = by_basis.get(basis, [])
            s = summarize(selected)
            caught = sum(1 for p, a in selected if p == a == "overturned")
            agree = "-" if s.agreement is None else f"{s.agreement:.1%}"
            base = "-" if s.baseline_agreement is None else f"{s.baseline_agreement:.1%}"
            kappa = "-" if s.kappa is None else f"{s.kappa:.2f}"
            lines.append(f"  {fold:11} {basis:22} {len(selected):5} {s.decided:7} {agree:>6} {base:>6} {kappa:>6} "
                         f"{s.overturned:10} {caught:6}")
    return lines


SURGICAL_TOPICS = ("surgery", "surgical_associated_service")


def surgical_rows(case, result) -> list[tuple[str | None, str | None]]:
    """A surgical letter's surgeries and every item tied to one (associated with it, or filed as associated)."""
    surgeries = {r.id or case.request_id(i) for i, r in enumerate(case.requests) if r.topic == "surgery"}
    return [(got.predicted_outcome, got.actual_outcome) for request, got in zip(case.requests, result.requests)
            if request.topic in SURGICAL_TOPICS or request.associated_with in surgeries]


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
    cases = {}
    read_in_part = []
    for path, text in texts.items():
        try:
            cases[path] = read_letter_text(text, str(path))
        except IncompleteLetter as error:
            # A letter cut off after complete items: its complete items are scored, the rest reported.
            cases[path] = error.case
            read_in_part.append(str(error))
    read = time.perf_counter()
    results = {path: evaluate_case(case, knowledge) for path, case in cases.items()}
    evaluated = time.perf_counter()

    blocks = outcomes_expected = items = outcomes_right = with_topic = 0
    rows = []
    by_topic: list[tuple[str, bool, str | None, str | None]] = []
    by_fold: dict[str, list[tuple[str | None, str | None]]] = {fold: [] for fold in FOLDS}
    tuning_by_topic: list[tuple[str, bool, str | None, str | None]] = []
    surgical_by_fold: dict[str, list[tuple[str | None, str | None]]] = {fold: [] for fold in FOLDS}
    basis_by_fold: dict[str, dict[str, list[tuple[str | None, str | None]]]] = {fold: {} for fold in FOLDS}
    # Undetermined items: each one with its reason on the tuning part, counts by kind of reason on the validation part.
    undetermined_tuning: list[str] = []
    undetermined_validation: dict[tuple[str, str], int] = {}
    for path, case in cases.items():
        text = normalise(texts[path])
        blocks += len(re.findall(r"^Decision rationale:", text, re.M))
        expected = [m.group(1).lower() for m in _OUTCOME_LINE.finditer(text)]
        outcomes_expected += len(expected)
        got = [r.imr.outcome for r in case.requests if r.imr]
        items += len(case.requests)
        outcomes_right += sum(1 for a, b in zip(expected, got) if a == b) if len(expected) == len(got) else 0
        with_topic += sum(1 for r in case.requests if r.topic != "other")
        fold = fold_of_path(path) if path.suffix == ".pdf" else None
        if fold is not None:
            surgical_by_fold[fold].extend(surgical_rows(case, results[path]))
        for request in results[path].requests:
            rows.append((request.predicted_outcome, request.actual_outcome))
            by_topic.append((request.topic, path.suffix == ".pdf", request.predicted_outcome, request.actual_outcome))
            if fold is not None:
                by_fold[fold].append((request.predicted_outcome, request.actual_outcome))
                basis_by_fold[fold].setdefault(request.basis or NO_BASIS, []).append(
                    (request.predicted_outcome, request.actual_outcome))
                if fold == "tuning":
                    tuning_by_topic.append((request.topic, True, request.predicted_outcome, request.actual_outcome))
                if request.determination == "undetermined":
                    if fold == "tuning":
                        undetermined_tuning.append(f"  {path.stem} {request.request_id} ({request.topic}): "
                                                   f"{request.reason}")
                    else:
                        key = (reason_kind(request.reason), request.topic)
                        undetermined_validation[key] = undetermined_validation.get(key, 0) + 1
    summary = summarize(rows)
    total = evaluated - started

    def pct(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.1%}"

    def num(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    print(f"letters read                 {len(cases)} ({len(list(args.shared.glob('corpus/dev/*.pdf')))} dev PDFs + seeds)")
    print(f"letters read in part         {len(read_in_part)}")
    for message in read_in_part:
        print(f"  {message}")
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
    print(f"\ndev letters by fold (imr_check.folds; agreement and kappa on decided items, intervals 95%)")
    for text_line in fold_lines(by_fold):
        print(text_line)
    print("\ndev letters by fold and basis (what each determination rests on: documented facts, documentation the "
          "letter\nstates is absent, or silence; agreement and kappa on decided items)")
    for text_line in basis_lines(basis_by_fold):
        print(text_line)
    print("\nsurgical items by fold (the surgeries and every item tied to one; issue 11)")
    for text_line in fold_lines(surgical_by_fold):
        print(text_line)
    print_by_topic(tuning_by_topic, "tuning part only")
    print(f"\nundetermined items, tuning part ({len(undetermined_tuning)}), with the reason each gives")
    for text_line in sorted(undetermined_tuning):
        print(text_line)
    print(f"undetermined items, validation part ({sum(undetermined_validation.values())}), counted by kind of "
          "reason and topic")
    for (kind, topic), count in sorted(undetermined_validation.items()):
        print(f"  {count:3d}  {kind} ({topic})")
    if args.facts:
        print_fill_counts(list(cases.values()))
    return 0 if items == blocks and outcomes_right == outcomes_expected == items and not read_in_part else 1


def reason_kind(reason: str) -> str:
    """The kind of an undetermined item's reason, without what is particular to the item ("needs a judgement the
    facts do not settle", "none of the Antidepressants rules applies to this request" -> "no rule applies")."""
    if reason.startswith("none of the") and "applies" in reason:
        return "no rule applies to this request"
    return reason.split(":", 1)[0]


if __name__ == "__main__":
    raise SystemExit(main())
