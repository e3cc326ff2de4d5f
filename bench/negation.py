"""Negation and uncertainty: the reader's ConText rules against medspaCy's ConText, on a labelled sample.

    python bench/negation.py   # a Python with PyYAML and pydantic; with medspacy too, it is compared

The sample (tests/data/negation_sample.yaml) is letter-style sentences written for this project, each
with a target phrase and its label. medspaCy is given the same target span (as an entity) and its
default ConText rules; `is_negated` -> negated, `is_uncertain` or `is_hypothetical` -> uncertain.
medspaCy is not a dependency of imr-check: without it, only the reader's rules are scored.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "data" / "negation_sample.yaml"


def _reader_context():
    # context.py reads its triggers through the package (imr_check.phrases, lexicon/context.yaml), so it is imported
    # from the source tree; the environment needs imr-check's own dependencies (pydantic, PyYAML), not imr-check installed.
    sys.path.insert(0, str(ROOT / "engine"))
    from imr_check.reader import context

    return context


def score(name: str, answers: list[str], labels: list[str], seconds: float) -> None:
    right = sum(a == b for a, b in zip(answers, labels))
    negated = [i for i, label in enumerate(labels) if label == "negated"]
    caught = sum(answers[i] == "negated" for i in negated)
    flagged = [i for i, a in enumerate(answers) if a == "negated"]
    precise = sum(labels[i] == "negated" for i in flagged)
    print(f"{name:22} accuracy {right}/{len(labels)} ({right / len(labels):.1%})  negation recall "
          f"{caught}/{len(negated)}  precision {precise}/{len(flagged)}  {seconds * 1000 / len(labels):.2f} ms/sentence")


def main() -> int:
    rows = yaml.safe_load(SAMPLE.read_text())
    labels = [row[2] for row in rows]
    context = _reader_context()
    started = time.perf_counter()
    ours = []
    for sentence, target, _ in rows:
        start = sentence.index(target)
        ours.append(context.assess(sentence, start, start + len(target)).status)
    score("reader ConText rules", ours, labels, time.perf_counter() - started)
    try:
        import medspacy
        from loguru import logger
    except ImportError:
        print("medspacy is not installed here: only the reader's rules were scored", file=sys.stderr)
        return 0
    logger.remove()  # PyRuSH logs every token at DEBUG
    nlp = medspacy.load(enable=["medspacy_pyrush", "medspacy_context"])
    context_component = nlp.get_pipe("medspacy_context")
    theirs = []
    started = time.perf_counter()
    for sentence, target, _ in rows:
        doc = nlp.make_doc(sentence)
        for name, component in nlp.pipeline:
            if name != "medspacy_context":
                doc = component(doc)
        start = sentence.index(target)
        span = doc.char_span(start, start + len(target), label="TARGET", alignment_mode="expand")
        doc.ents = [span]
        doc = context_component(doc)
        entity = doc.ents[0]
        if entity._.is_negated:
            theirs.append("negated")
        elif entity._.is_uncertain or entity._.is_hypothetical:
            theirs.append("uncertain")
        else:
            theirs.append("affirmed")
    score("medspaCy ConText", theirs, labels, time.perf_counter() - started)
    for (sentence, target, label), a, b in zip(rows, ours, theirs):
        if a != label or b != label:
            print(f"  {label:9} reader={a:9} medspacy={b:9} {target!r} in {sentence!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
