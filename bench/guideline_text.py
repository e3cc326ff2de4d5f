"""Guideline text is never a fact about the patient: quoted criteria, goals and warnings read as no fact.

    .venv/bin/python bench/guideline_text.py             # per half: sentences that give no fact, and facts given
    .venv/bin/python bench/guideline_text.py --failures  # also the tuning half's sentences that give one

bench/guideline_text.yaml holds sentences of guideline and criteria text in the manner reviewers quote it, each
under a request of its topic, written for the project and labelled before the reader ran on them. Each sits in the
item's rationale of a synthetic letter (tests/reader_support.py); a fact it gives is a patient fact the request
sees (clinical.*, patient.*, request.history.*, or a fact stated not documented) whose value differs from the same
letter with a neutral rationale. The halves are bench/phrasing.py's fixed hash of the text: only the tuning half's
failures are ever listed (tests/test_reader_guideline_text.py holds it to that), the held-out half is counted.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from phrasing import HALVES, NEUTRAL_RATIONALE, NEUTRAL_SUMMARY, Half, half_of  # noqa: E402

SET = ROOT / "bench" / "guideline_text.yaml"
_PATIENT = ("clinical.", "patient.", "request.history.")


@dataclass(frozen=True)
class GuidelineSentence:
    text: str
    request: str

    @property
    def half(self) -> Half:
        return half_of(self.text)


def load_set(path: Path = SET) -> list[GuidelineSentence]:
    data = yaml.safe_load(path.read_text())
    if not isinstance(data, dict) or not isinstance(data.get("sentences"), list):
        raise ValueError(f"{path.name}: a mapping with a list `sentences` of {{text, request}} is expected")
    sentences = []
    for i, entry in enumerate(data["sentences"]):
        if not isinstance(entry, dict) or set(entry) != {"text", "request"}:
            raise ValueError(f"{path.name} sentences[{i}]: a mapping of `text` and `request` is expected")
        sentences.append(GuidelineSentence(str(entry["text"]).strip(), str(entry["request"])))
    return sentences


def _patient_facts(rationale: str, request: str) -> dict[str, Any]:
    from imr_check.facts import case_date, request_facts
    from reader_support import read_synthetic

    case = read_synthetic(NEUTRAL_SUMMARY, [(request, rationale)])
    seen = {k: v for k, v in request_facts(case, 0, case_date(case)).items() if k.startswith(_PATIENT)}
    seen.update({fact: "stated not documented" for fact in case.stated_not_documented(0) if fact.startswith(_PATIENT)})
    return seen


def facts_given(sentence: GuidelineSentence) -> dict[str, Any]:
    """The patient facts the sentence gives its request: those a neutral rationale does not."""
    baseline = _patient_facts(NEUTRAL_RATIONALE, sentence.request)
    read = _patient_facts(f"{NEUTRAL_RATIONALE} {sentence.text}", sentence.request)
    return {fact: value for fact, value in read.items() if baseline.get(fact) != value}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--failures", action="store_true", help="list the tuning half's sentences that give a fact")
    args = parser.parse_args(argv)
    sentences = load_set()
    failures: list[str] = []
    print(f"{'half':10} {'no fact':>12} {'facts given':>12}")
    for half in HALVES:
        own = [s for s in sentences if s.half == half]
        given = [facts_given(s) for s in own]
        clean = sum(not g for g in given)
        print(f"{half:10} {clean:>4}/{len(own):<3} {clean / len(own):5.1%} {sum(map(len, given)):>8}")
        if half == "tuning":
            failures += [f"  {s.request}: {s.text}\n    -> {g}" for s, g in zip(own, given) if g]
    if args.failures and failures:
        print("tuning half, sentences read as a patient fact:")
        print("\n".join(failures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
