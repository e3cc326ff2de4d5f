"""Reading laboratory requests the guidelines judge by test: testosterone levels (with the signs of hypogonadism that
justify one in a man taking opioids) and genetic tests. Sentences written for the tests."""

from __future__ import annotations

import pytest

from imr_check.reader.classify import parse_request

from reader_support import fact, read_synthetic


@pytest.mark.parametrize("text, tests", [
    ("Serum testosterone level", ["testosterone"]),
    ("Free and total testosterone", ["testosterone"]),
    ("Labs: CBC, CMP and testosterone", ["cbc", "metabolic_panel", "testosterone"]),
    ("DNA testing", ["genetic"]),
    ("CBC, CMP", ["cbc", "metabolic_panel"]),
])
def test_testosterone_and_genetic_tests_are_laboratory_tests(text: str, tests: list[str]) -> None:
    parsed = parse_request(text)
    assert (parsed.topic, parsed.laboratory_tests) == ("laboratory_test", tests)


@pytest.mark.parametrize("text", ["Genetic testing for opioid risk", "Pharmacogenetic testing", "Cytokine DNA testing",
                                  "CBC and pharmacogenetic panel"])
def test_a_named_genetic_test_is_the_genetic_testing_topic_even_among_labs(text: str) -> None:
    # ODG's genetic testing entries have a topic of their own; the laboratory kind `genetic` is left for the
    # words that name no such test ("DNA testing"). Both cite the same clauses.
    assert parse_request(text).topic == "genetic_testing"


@pytest.mark.parametrize("summary, expected", [
    ("He has reported decreased libido and erectile dysfunction while on opioids.", True),
    ("Gynecomastia was noted on examination.", True),
    # One sign denied says nothing of the others.
    ("He denies gynecomastia.", None),
    ("He takes oxycodone three times a day for back pain.", None),
])
def test_signs_of_hypogonadism(summary: str, expected: bool | None) -> None:
    case = read_synthetic(summary, [("Testosterone level", "The patient is on long-term opioids.")])
    assert fact(case, "clinical.hypogonadism_signs") == expected
