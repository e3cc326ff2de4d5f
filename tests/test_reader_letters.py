"""The reader on the real letters in ../shared: every item and outcome, the structure, blindness."""

from __future__ import annotations

import re

import pytest

from imr_check import evaluate_case, load_case, load_case_text
from imr_check.reader.export import case_yaml
from imr_check.reader.text import normalise
from imr_check.vocabulary import topics

from reader_support import EXAMPLES, SEEDS, cases, facts_only, letter_paths, require_shared, swap_decision, texts

pytestmark = pytest.mark.usefixtures("shared_letters")


@pytest.fixture(scope="module")
def shared_letters():
    require_shared()
    return cases()


def _blocks(text: str) -> int:
    return len(re.findall(r"^Decision rationale:", normalise(text), re.M))


def _outcomes(text: str) -> list[str]:
    """The outcome words as the letter prints them, counted without the reader's parser."""
    return [m.group(1).lower() for m in
            re.finditer(r"(Upheld|Overturned)\s*\n\s*Claims Administrator guideline:", normalise(text), re.I)]


def test_the_dev_set_and_seeds_are_all_read():
    assert len(letter_paths()) == len(cases()) >= 64


def test_every_item_is_found_in_letter_order_with_its_outcome():
    problems = []
    for path, case in cases().items():
        text = texts()[path]
        found = [r.imr.outcome for r in case.requests]
        if len(found) != _blocks(text):
            problems.append(f"{path.name}: {len(found)} items, {_blocks(text)} rationale blocks")
        elif found != _outcomes(text):
            problems.append(f"{path.name}: outcomes {found} != {_outcomes(text)}")
    assert not problems, "\n".join(problems)


def test_the_dev_letters_header_and_reviewer_are_read():
    for path, case in cases().items():
        info = case.case
        assert info.reviewer and info.reviewer.licensure_states and info.reviewer.specialty, path.name
        assert info.injury_date is not None and info.ur_decision_date is not None, path.name
        if path.suffix == ".pdf":
            assert info.id == path.stem
            assert info.imr_decision_date >= info.imr_assigned_date >= info.ur_decision_date >= info.injury_date
            assert info.application_received_date and info.priority == "Standard"


def test_each_item_carries_the_guidelines_and_rationale():
    for path, case in cases().items():
        for request in case.requests:
            imr = request.imr
            assert imr.item and imr.rationale and len(imr.rationale) > 40, (path.name, request.text)
            assert imr.claims_administrator_guideline and imr.guideline_cited, (path.name, request.text)
            if "did not cite" not in imr.guideline_cited:
                assert imr.citations, (path.name, imr.guideline_cited)


def test_non_mtus_citations_are_marked():
    non_mtus = [c for case in cases().values() for r in case.requests for c in r.imr.citations if not c.is_mtus]
    assert len(non_mtus) >= 20
    assert {c.source for c in non_mtus} >= {"ODG"}


def test_most_items_have_a_topic_and_all_topics_are_known():
    requests = [r for case in cases().values() for r in case.requests]
    assert all(r.topic in topics() for r in requests)
    classified = [r for r in requests if r.topic != "other"]
    assert len(classified) / len(requests) >= 0.95


def test_original_request_items_keep_the_original_and_what_ur_authorized():
    modified = [r for case in cases().values() for r in case.requests if r.imr and "original request" in r.imr.item]
    assert len(modified) >= 10
    for request in modified:
        assert request.ur is not None and request.ur.decision == "modified"


def test_ur_decisions_from_the_summary_have_evidence():
    """Other UR decisions come from the summary's own statement, kept as the evidence."""
    placed = [(case, i) for case in cases().values() for i, r in enumerate(case.requests)
              if r.ur is not None and "original request" not in r.imr.item]
    assert len(placed) >= 15
    for case, index in placed:
        evidence = case.evidence[f"requests[{index}].ur"]
        assert any(word in evidence[0].sentence.lower() for word in ("denied", "certif", "modified", "approved"))


def test_ur_decisions_ignore_the_imr_outcome():
    """Swapping only the items' Upheld/Overturned labels changes no UR decision read."""
    from imr_check.reader import read_letter_text

    for path, text in texts().items():
        swapped = re.sub(r"\b(Upheld|Overturned)\s*\n(?=\s*Claims Administrator guideline:)",
                         lambda m: ("Overturned" if m.group(1) == "Upheld" else "Upheld") + "\n", text)
        before = [r.ur for r in cases()[path].requests]
        after = [r.ur for r in read_letter_text(swapped, str(path)).requests]
        assert before == after, path.name


def test_associated_services_point_to_their_surgery():
    associated = [(case, r) for case in cases().values() for r in case.requests if r.associated_with]
    assert len(associated) >= 15
    for case, request in associated:
        parent = next(r for r in case.requests if r.id == request.associated_with)
        assert parent.topic == "surgery"


def test_every_fact_has_evidence_at_its_offset():
    for path, case in cases().items():
        text = normalise(texts()[path])
        assert case.evidence, path.name
        for fact, evidence in case.evidence.items():
            for item in evidence:
                assert item.source.startswith(str(path))
                assert text[item.offset:item.offset + len(item.sentence)].replace("\n", " ") == item.sentence, \
                    (path.name, fact)


def test_extracted_cases_load_back_and_evaluate():
    for path, case in list(cases().items())[::6]:
        loaded = load_case_text(case_yaml(case), f"{path.name}.yaml")
        assert loaded == case
        evaluate_case(loaded)


def test_facts_are_blind_to_the_decision():
    """Swap Upheld and Overturned and every conclusion's polarity: the facts and predictions stay the same."""
    from imr_check.reader import read_letter_text

    problems = []
    for path, text in texts().items():
        original = cases()[path]
        swapped = read_letter_text(swap_decision(text), str(path))
        assert [r.imr.outcome for r in swapped.requests] != [r.imr.outcome for r in original.requests]
        if facts_only(swapped) != facts_only(original):
            problems.append(path.name)
            continue
        before = [r.determination for r in evaluate_case(original).requests]
        after = [r.determination for r in evaluate_case(swapped).requests]
        if before != after:
            problems.append(f"{path.name}: {before} -> {after}")
    assert not problems, problems


def _example_for(seed) -> object | None:
    for example in sorted(EXAMPLES.glob("seed-*.yaml")):
        if seed.name in example.read_text(encoding="utf-8").split("\n", 3)[0] + example.read_text().split(
                "source:", 1)[-1].split("\n", 1)[0]:
            return example
    return None


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")) or ["none"])
def test_extracted_seed_cases_give_the_hand_written_examples_determinations(seed):
    path = SEEDS / seed
    example = _example_for(path)
    if example is None:
        pytest.skip(f"no hand-written example for {seed} in {EXAMPLES}")
    expected = evaluate_case(load_case(example))
    extracted = evaluate_case(cases()[path])
    assert [r.text for r in cases()[path].requests] and len(extracted.requests) == len(expected.requests)
    got = [(r.topic, r.determination) for r in extracted.requests]
    want = [(r.topic, r.determination) for r in expected.requests]
    assert got == want, "\n".join(
        f"{a.request_id}: extracted {a.topic}/{a.determination} ({a.reason}); example {b.topic}/{b.determination} "
        f"({b.reason})" for a, b in zip(extracted.requests, expected.requests) if a.determination != b.determination)
