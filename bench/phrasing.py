"""Reader recall and precision on our own paraphrases of the facts that certify requests.

    .venv/bin/python bench/phrasing.py            # recall and precision per fact, tuning half and held-out half
    .venv/bin/python bench/phrasing.py --split    # the halves' sizes only, without reading a sentence
    .venv/bin/python bench/phrasing.py --failures # also the tuning half's misses and false findings

bench/phrasing/<fact>.yaml holds, for one fact, sentences written for the project that state it as a treating
physician's report or a UR summary would (`states`), and near misses that must not give it (`near_misses`:
negated, hypothetical, guideline text, another body region, resolved, family history). Each sentence sits in a
synthetic letter (tests/reader_support.py) under the file's request (or its own), in the summary or, with
`where: rationale`, in the item's rationale; the fact is read as the rules see it for that request
(`facts.request_facts`: scoped to its body region). A sentence states the fact when the request sees the fact's
certifying value (`value`, default true). Where a rule's criterion is met by any of several facts (gastric
protection: GI risk factors, or dyspepsia from the NSAID), the file names the others in `or_facts`: a sentence states
the criterion when the request sees any of them at that value, and a near miss gives none of them.

Each sentence belongs to a half by a fixed hash of its text, so the held-out half measures whether a fix made on the
tuning half carries over. Only the tuning half's sentences are ever listed; the held-out half is counted.

A sentence carries the `batch` it was written in (default 1). A new batch is written and labelled before the reader
runs on it, so its held-out half, counted before any fix made from its tuning half, is a fresh measure of wording no
fix has seen; the figures are printed per batch and for all batches together.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

ROOT = Path(__file__).resolve().parents[1]
SET = ROOT / "bench" / "phrasing"
sys.path.insert(0, str(ROOT / "tests"))

Half = Literal["tuning", "held_out"]
HALVES: tuple[Half, ...] = ("tuning", "held_out")
_SALT = "imr-check phrasing split v1"
# What a letter holds where the sentence is not: neutral lines that give none of the facts measured.
NEUTRAL_SUMMARY = "The patient returned for a scheduled visit."
NEUTRAL_RATIONALE = "The medical records were reviewed."
_FILE_KEYS = {"fact", "or_facts", "value", "request", "states", "near_misses"}
_SENTENCE_KEYS = {"text", "request", "where", "batch"}


class PhrasingSetError(ValueError):
    """A phrasing file that does not have the shape described in this module's docstring."""


@dataclass(frozen=True)
class Sentence:
    fact: str
    value: Any
    text: str
    request: str
    where: Literal["summary", "rationale"]
    states_fact: bool  # a statement of the fact, else a near miss
    source: str
    batch: int = 1
    or_facts: tuple[str, ...] = ()  # facts any of which meets the same criterion (`or_facts` of the file)

    @property
    def half(self) -> Half:
        return half_of(self.text)

    @property
    def measure(self) -> str:
        """The row the sentence is counted in: its fact, apart for a value other than true (a fact stated not
        documented is measured apart from the fact documented)."""
        return self.fact if self.value is True else f"{self.fact} = {self.value}"


def half_of(text: str) -> Half:
    """The half a sentence belongs to: a fixed hash of its text alone, so a sentence keeps its half."""
    digest = hashlib.sha256(f"{_SALT}:{text.strip()}".encode()).digest()
    return "held_out" if digest[0] % 2 else "tuning"


def _sentence(entry: Any, where_in: str, defaults: dict[str, Any], states: bool) -> Sentence:
    if isinstance(entry, str):
        entry = {"text": entry}
    if not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
        raise PhrasingSetError(f"{where_in}: a sentence is a string or a mapping with `text` (got {entry!r})")
    unknown = set(entry) - _SENTENCE_KEYS
    if unknown:
        raise PhrasingSetError(f"{where_in}: unknown keys {sorted(unknown)}; allowed: {sorted(_SENTENCE_KEYS)}")
    where = entry.get("where", "summary")
    if where not in ("summary", "rationale"):
        raise PhrasingSetError(f"{where_in}: `where` is summary or rationale (got {where!r})")
    batch = entry.get("batch", 1)
    if not isinstance(batch, int) or isinstance(batch, bool) or batch < 1:
        raise PhrasingSetError(f"{where_in}: `batch` is a whole number from 1 (got {batch!r})")
    return Sentence(fact=defaults["fact"], or_facts=tuple(defaults.get("or_facts", ())),
                    value=defaults.get("value", True), text=entry["text"].strip(),
                    request=entry.get("request", defaults["request"]), where=where, states_fact=states,
                    source=where_in, batch=batch)


def load_file(path: Path) -> list[Sentence]:
    data = yaml.safe_load(path.read_text())
    if not isinstance(data, dict):
        raise PhrasingSetError(f"{path.name}: a mapping with {sorted(_FILE_KEYS)} is expected")
    unknown = set(data) - _FILE_KEYS
    missing = {"fact", "request", "states", "near_misses"} - set(data)
    if unknown or missing:
        raise PhrasingSetError(f"{path.name}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}")
    or_facts = data.get("or_facts", [])
    if not isinstance(or_facts, list) or not all(isinstance(f, str) and f.count(".") >= 1 for f in or_facts):
        raise PhrasingSetError(f"{path.name}: `or_facts` is a list of fact paths (got {or_facts!r})")
    sentences = [_sentence(entry, f"{path.name} states[{i}]", data, True) for i, entry in enumerate(data["states"])]
    sentences += [_sentence(entry, f"{path.name} near_misses[{i}]", data, False)
                  for i, entry in enumerate(data["near_misses"])]
    return sentences


def load_set(folder: Path = SET) -> list[Sentence]:
    sentences = [s for path in sorted(folder.glob("*.yaml")) for s in load_file(path)]
    texts = [s.text for s in sentences]
    repeated = sorted({t for t in texts if texts.count(t) > 1})
    if repeated:
        raise PhrasingSetError(f"a sentence appears twice in the set: {repeated[0]!r}")
    return sentences


def letter_parts(sentence: Sentence) -> tuple[str, list[tuple[str, str]]]:
    """The summary and the item of the synthetic letter that holds `sentence`."""
    in_summary = sentence.where == "summary"
    summary = sentence.text if in_summary else NEUTRAL_SUMMARY
    rationale = NEUTRAL_RATIONALE if in_summary else sentence.text
    return summary, [(sentence.request, rationale)]


def facts_read(facts: tuple[str, ...], summary: str, items: list[tuple[str, str]]) -> list[Any]:
    """The facts' values as the rules see them for the letter's first request (scoped to its body region)."""
    from imr_check.facts import case_date, request_facts
    from reader_support import read_synthetic

    case = read_synthetic(summary, items)
    seen = request_facts(case, 0, case_date(case))
    # The case lists a request's facts as `requests[0].…`; stated_not_documented names them as rules do.
    stated = case.stated_not_documented(0)
    return ["not_documented" if fact in stated else seen.get(fact) for fact in facts]


def fact_read(fact: str, summary: str, items: list[tuple[str, str]]) -> Any:
    return facts_read((fact,), summary, items)[0]


def gives_fact(sentence: Sentence) -> bool:
    return sentence.value in facts_read((sentence.fact, *sentence.or_facts), *letter_parts(sentence))


@dataclass
class Tally:
    found: int = 0  # statements read as the fact
    states: int = 0
    false_findings: int = 0  # near misses read as the fact
    near_misses: int = 0

    def add(self, sentence: Sentence, gives: bool) -> None:
        if sentence.states_fact:
            self.states += 1
            self.found += gives
        else:
            self.near_misses += 1
            self.false_findings += gives

    def recall(self) -> str:
        return f"{self.found}/{self.states} {self.found / self.states:6.1%}" if self.states else "-"

    def precision(self) -> str:
        given = self.found + self.false_findings
        return f"{self.found}/{given} {self.found / given:6.1%}" if given else "-"

    def near_misses_kept(self) -> str:
        return f"{self.near_misses - self.false_findings}/{self.near_misses}" if self.near_misses else "-"


def controls(sentences: list[Sentence]) -> list[str]:
    """Each fact's requests must not see the fact in a letter without the sentence, or its figures say nothing."""
    problems = []
    for fact, request, value in sorted({(s.fact, s.request, s.value) for s in sentences}, key=repr):
        if fact_read(fact, NEUTRAL_SUMMARY, [(request, NEUTRAL_RATIONALE)]) == value:
            problems.append(f"{fact} under {request!r} is given by the letter without any sentence")
    return problems


def _table(title: str, tallies: dict[tuple[str, Half], Tally], facts: list[str]) -> None:
    print(f"{title:52} {'tuning recall':>15} {'precision':>14} {'near':>6}   "
          f"{'held-out recall':>15} {'precision':>14} {'near':>6}")
    for fact in [*facts, "overall"]:
        if fact != "overall" and not any((fact, half) in tallies for half in HALVES):
            continue
        cells = []
        for half in HALVES:
            tally = tallies.get((fact, half), Tally())
            cells.append(f"{tally.recall():>15} {tally.precision():>14} {tally.near_misses_kept():>6}")
        print(f"{fact:52} {cells[0]}   {cells[1]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", action="store_true", help="print the halves' sizes only, reading nothing")
    parser.add_argument("--failures", action="store_true", help="list the tuning half's misses and false findings")
    parser.add_argument("--batch", type=int, action="append",
                        help="only the sentences of this batch (repeatable); default: every batch")
    args = parser.parse_args(argv)
    try:
        sentences = load_set()
    except (PhrasingSetError, yaml.YAMLError) as error:
        print(f"bench/phrasing: {error}", file=sys.stderr)
        return 2
    if args.batch:
        sentences = [s for s in sentences if s.batch in args.batch]
        if not sentences:
            print(f"bench/phrasing: no sentence is in batch {args.batch}", file=sys.stderr)
            return 2
    facts = sorted({s.measure for s in sentences})
    batches = sorted({s.batch for s in sentences})
    if args.split:
        print(f"{'fact':58} {'batch':>5} {'tuning':>14} {'held out':>14}   (statements + near misses)")
        for fact in facts:
            for batch in batches:
                cells = []
                for half in HALVES:
                    own = [s for s in sentences if s.measure == fact and s.half == half and s.batch == batch]
                    cells.append(f"{sum(s.states_fact for s in own)} + {sum(not s.states_fact for s in own)}")
                if cells != ["0 + 0", "0 + 0"]:
                    print(f"{fact:58} {batch:>5} {cells[0]:>14} {cells[1]:>14}")
        return 0
    problems = controls(sentences)
    for problem in problems:
        print(f"control failed: {problem}", file=sys.stderr)
    by_batch: dict[int | str, dict[tuple[str, Half], Tally]] = {}
    failures: list[str] = []
    for sentence in sentences:
        gives = gives_fact(sentence)
        for group in (sentence.batch, "all"):
            tallies = by_batch.setdefault(group, {})
            for key in ((sentence.measure, sentence.half), ("overall", sentence.half)):
                tallies.setdefault(key, Tally()).add(sentence, gives)
        if sentence.half == "tuning" and gives != sentence.states_fact:
            kind = "missed" if sentence.states_fact else "false finding"
            failures.append(f"  {kind:13} {sentence.fact} [{sentence.request}; {sentence.where}; batch "
                            f"{sentence.batch}] {sentence.text}")
    groups: list[int | str] = [*batches, "all"] if len(batches) > 1 else batches
    for number, group in enumerate(groups):
        if number:
            print()
        _table(f"batch {group}" if group != "all" else "all batches", by_batch[group], facts)
    print("(recall: statements read as the fact; precision: of the sentences read as the fact, statements; "
          "near: near misses not read as the fact)")
    if args.failures:
        print(f"\ntuning half, {len(failures)} failures:")
        print("\n".join(failures))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
