"""The reader's ConText rules on a hand-labelled sample of letter-style sentences."""

from __future__ import annotations

from pathlib import Path

import yaml

from imr_check.reader.context import assess

SAMPLE = Path(__file__).parent / "data" / "negation_sample.yaml"


def labelled() -> list[tuple[str, str, str]]:
    return [tuple(row) for row in yaml.safe_load(SAMPLE.read_text())]


def rules_answer(sentence: str, target: str) -> str:
    start = sentence.index(target)
    return assess(sentence, start, start + len(target)).status


def test_the_sample_is_well_formed():
    rows = labelled()
    assert len(rows) >= 60
    for sentence, target, label in rows:
        assert target in sentence and label in ("affirmed", "negated", "uncertain")
    assert {label for _, _, label in rows} == {"affirmed", "negated", "uncertain"}


def test_context_rules_are_accurate_on_the_sample():
    rows = labelled()
    wrong = [(s, t, label, rules_answer(s, t)) for s, t, label in rows if rules_answer(s, t) != label]
    accuracy = 1 - len(wrong) / len(rows)
    assert accuracy >= 0.9, "\n".join(f"{t!r} in {s!r}: {got}, labelled {label}" for s, t, label, got in wrong)


def test_negated_targets_are_never_read_as_affirmed():
    """The costly error: reading 'no red flags' as red flags."""
    rows = labelled()
    flipped = [(s, t) for s, t, label in rows if label == "negated" and rules_answer(s, t) == "affirmed"]
    assert len(flipped) <= 2, flipped
