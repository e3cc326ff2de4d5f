"""The number words and the work statuses are each one table (lexicon/numbers.yaml, lexicon/work_status.yaml): every
reader of their words is built from it, so a word added there reaches them all, and none keeps a list of its own."""

from __future__ import annotations

import re
import typing

import pytest

from imr_check.case import Clinical
from imr_check.errors import RuleLoadError
from imr_check.phrases import load_model
from imr_check.reader import classify, clinical, duration, lexicon
from imr_check.reader.clinical import Facts, read_pain_and_work
from imr_check.reader.text import Sentence

_TABLE = load_model(lexicon.WORK_STATUS_FILE, lexicon.WorkStatusFile)[0]
_RANKED = {name: spec.rank for name, spec in _TABLE.statuses.items() if spec.rank is not None}


def _plain(qualifier: str) -> str:
    """A qualifier as it is written in a record ("part[- ]time" as "part-time")."""
    return qualifier.replace("[- ]", "-")


def _qualified_statuses():
    for name, spec in _TABLE.statuses.items():
        for qualifier in spec.qualifiers:
            for noun in _TABLE.work_words:
                yield pytest.param(name, f"{_plain(qualifier)} {noun}", id=f"{name}: {_plain(qualifier)} {noun}")


def _work_status_read(text: str) -> object:
    facts = Facts()
    read_pain_and_work([Sentence(text, 0, "summary")], facts)
    return facts.values.get("clinical.work_status")


# --- work statuses -------------------------------------------------------------------------------------------------

def test_the_table_names_every_work_status_the_case_allows_and_no_other():
    allowed = set(typing.get_args(typing.get_args(Clinical.model_fields["work_status"].annotation)[0]))
    assert set(_TABLE.statuses) == allowed - {"unknown"}
    assert [name for name, _ in lexicon.WORK_STATUSES] == list(_TABLE.statuses)


@pytest.mark.parametrize(("status", "text"), list(_qualified_statuses()))
def test_a_qualifier_before_a_word_of_work_is_its_status_for_every_reader(status, text):
    # The case's work status, the term a move between statuses is read with, and the move's rank: one table.
    assert _work_status_read(f"The patient is currently on {text}.") == status
    if status in _RANKED:
        assert lexicon.work_status_rank(text) == _RANKED[status]
        assert lexicon.term("work_status").fullmatch(text)


@pytest.mark.parametrize(("text", "status"), [
    ("TTD", "off_work"), ("temporarily totally disabled", "off_work"), ("off of work", "off_work"),
    ("not currently working", "off_work"), ("modified activities", "modified_duty"),
    ("work restrictions", "modified_duty"), ("without restrictions", "full_duty"), ("retired", "retired"),
])
def test_a_status_spelling_is_its_status_for_every_reader(text, status):
    assert _work_status_read(f"She remains {text}.") == status
    if status in _RANKED:
        assert lexicon.work_status_rank(text) == _RANKED[status]
        assert lexicon.term("work_status").fullmatch(text)


def test_in_a_move_a_qualifier_alone_or_before_a_word_of_a_move_ranks_but_names_no_status_elsewhere():
    assert lexicon.work_status_rank("light") == 1 and lexicon.work_status_rank("full capacity") == 2
    # "Limited capacity to sit" is a tolerance, not a work status.
    assert _work_status_read("She has limited capacity to sit.") is None


@pytest.mark.parametrize(("text", "status"), [
    # A course is told in the order it happened: the last status the sentence affirms is the status now.
    ("His work status went from TTD to light duty.", "modified_duty"),
    ("She was off work for a month after the surgery but is back at her regular job.", "full_duty"),
    # A status the clause follows ("after", "following") came before it.
    ("He returned to full duty after three months off work.", "full_duty"),
    # Work "with restrictions" is restricted work; "with no restrictions" is full duty.
    ("Return to work with restrictions: no lifting over 20 pounds.", "modified_duty"),
    ("He was released to full duty with no restrictions.", "full_duty"),
    # Each status is read in its own clause: a negation in the next clause does not reach back.
    ("She remains TTD, and a return to work is not documented.", "off_work"),
    # A planned or conditional status, and a job's demands, are no status now.
    ("The goal is a return to modified duty next month.", None),
    ("He will be released to full duty if the strength testing is normal.", None),
    ("Her job as a nurse requires full duty lifting of patients.", None),
])
def test_the_status_now_is_the_last_a_sentence_affirms_as_current(text, status):
    assert _work_status_read(text) == status


def test_retired_is_a_status_without_a_rank():
    # Retirement is no degree of work restriction: a move to or from it is no 9792.20(f) reduction in restrictions.
    assert lexicon.work_status_rank("retired") is None
    assert not lexicon.term("work_status").search("retired")


def test_ranks_follow_fewer_restrictions():
    assert _RANKED["off_work"] < _RANKED["modified_duty"] < _RANKED["full_duty"]


def test_two_statuses_with_one_rank_are_a_load_error(tmp_path):
    path = tmp_path / "work_status.yaml"
    path.write_text("work_words: [duty]\nstatuses:\n  a: {rank: 1, spellings: [x]}\n  b: {rank: 1, spellings: [y]}\n")
    with pytest.raises(RuleLoadError, match="two work statuses have one rank"):
        load_model(path, lexicon.WorkStatusFile)


def test_a_status_must_say_its_rank_even_when_it_has_none(tmp_path):
    path = tmp_path / "work_status.yaml"
    path.write_text("work_words: [duty]\nstatuses:\n  retired: {spellings: [retired]}\n")
    with pytest.raises(RuleLoadError) as error:
        load_model(path, lexicon.WorkStatusFile)
    assert error.value.problems[0].line == 3


# --- number words --------------------------------------------------------------------------------------------------

_COUNTS = sorted(lexicon.COUNT_WORDS.items())
_TIMES = sorted(set(lexicon.WORD_NUMBERS) - set(lexicon.COUNT_WORDS))


@pytest.mark.parametrize(("word", "value"), _COUNTS)
def test_every_count_word_reads_as_its_value_in_every_reader(word, value):
    assert lexicon.number(word) == value and lexicon.figure(word) == value
    assert re.fullmatch(lexicon.term("figure"), word) and re.fullmatch(lexicon.term("count_word"), word)
    assert lexicon.term("recent_time").search(f"the pain began {word} weeks ago")
    assert re.fullmatch(clinical._NUMBER, word, re.I) and clinical._int(word) == value
    assert clinical._RELIEF_FOR.search(f"relief lasting {word} weeks").group(1) == word
    assert clinical._FOR_DURATION.search(f"taken for {word} months").group(1) == word
    assert duration._weeks(re.fullmatch(duration._COUNT, word).group(1), "weeks") == value
    assert re.fullmatch(classify._NUM, word).group(1) == word


@pytest.mark.parametrize("word", _TIMES)
def test_a_word_of_times_is_a_request_figure_but_no_count(word):
    assert re.fullmatch(classify._NUM, word) and lexicon.number(word) == lexicon.WORD_NUMBERS[word]
    assert not re.fullmatch(clinical._NUMBER, word) and not re.fullmatch(lexicon.term("figure"), word)


def test_a_hyphenated_number_is_read_with_a_space_too():
    assert lexicon.number("forty five") == lexicon.number("forty-five") == 45
    assert clinical._RELIEF_FOR.search("relief lasting twenty four weeks").group(1) == "twenty four"


def test_the_longer_number_word_is_read_where_a_shorter_one_begins_it():
    # "x sixteen" with no unit after: an alternation trying "six" first would read 6.
    assert re.match(clinical._NUMBER, "sixteen").group(1) == "sixteen"
    assert re.match(lexicon.words_pattern(lexicon.WORD_NUMBERS), "twenty-four").group() == "twenty-four"


def test_a_word_both_a_count_and_a_number_of_times_is_a_load_error(tmp_path):
    path = tmp_path / "numbers.yaml"
    path.write_text("counts: {one: 1}\ntimes: {one: 1}\n")
    with pytest.raises(RuleLoadError, match="a count or a number of times, not both: one"):
        load_model(path, lexicon.NumbersFile)



@pytest.mark.parametrize("word, value", [("seventeen", 17), ("nineteen", 19), ("fifty", 50), ("twenty-one", 21),
                                         ("thirty six", 36), ("ninety-nine", 99)])
def test_a_ten_makes_its_compounds_without_the_table_listing_them(word, value):
    assert lexicon.number(word) == value
    assert re.fullmatch(clinical._NUMBER, word) and clinical._int(word) == value


def test_a_compound_is_read_whole_not_as_its_ten():
    assert re.match(lexicon.words_pattern(lexicon.WORD_NUMBERS), "sixty-five").group() == "sixty-five"
    assert "ten-four" not in lexicon.WORD_NUMBERS and "twenty-twelve" not in lexicon.WORD_NUMBERS
