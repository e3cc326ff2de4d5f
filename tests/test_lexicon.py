"""The topic vocabulary and the reader lexicons are data: validated on load, with the line of each problem."""

from __future__ import annotations

import re

import pytest

from imr_check.errors import RuleLoadError
from imr_check.phrases import load_model
from imr_check.reader import lexicon
from imr_check.reader.classify import classify_topic
from imr_check.surgeries import surgery_table
from imr_check.vocabulary import TopicsFile, _topic_problems, fallback_topic, topics


def _load(tmp_path, text, model):
    path = tmp_path / "file.yaml"
    path.write_text(text)
    return load_model(path, model)


def test_unknown_topic_key_names_the_line_and_the_allowed_keys(tmp_path):
    text = "topics:\n  a:\n    title: A\n    fallback: true\n    recognize: []\n"
    with pytest.raises(RuleLoadError) as error:
        _load(tmp_path, text, TopicsFile)
    problem = error.value.problems[0]
    assert problem.line == 5
    assert "did you mean 'recognise'" in problem.message


def test_a_phrase_that_is_no_regular_expression_is_named(tmp_path):
    text = "topics:\n  a:\n    title: A\n    fallback: true\n    recognise:\n      - priority: 1\n        phrases: ['(unclosed']\n"
    with pytest.raises(RuleLoadError) as error:
        _load(tmp_path, text, TopicsFile)
    assert "'(unclosed' is not a valid regular expression" in error.value.problems[0].message
    assert error.value.problems[0].line in (6, 7)


def test_two_topics_with_one_priority_are_a_load_error_naming_both(tmp_path):
    text = ("topics:\n  a:\n    title: A\n    fallback: true\n    recognise:\n      - {priority: 5, phrases: [x]}\n"
            "  b:\n    title: B\n    recognise:\n      - {priority: 5, phrases: [y]}\n")
    parsed, data = _load(tmp_path, text, TopicsFile)
    problems = _topic_problems(parsed, data, "file.yaml")
    assert len(problems) == 1 and problems[0].line == 10 and "also given to a.recognise[0]" in problems[0].message


def test_exactly_one_fallback_topic(tmp_path):
    with pytest.raises(RuleLoadError, match="exactly one topic is the fallback"):
        _load(tmp_path, "topics:\n  a: {title: A}\n", TopicsFile)


def test_priority_not_file_order_decides_an_overlap():
    # "Acupuncture" and a follow-up visit both named: the higher priority (acupuncture) wins, wherever it is listed.
    spec = topics()
    acupuncture = max(e.priority for e in spec["acupuncture"].recognise)
    office = max(e.priority for e in spec["office_visit"].recognise)
    assert acupuncture > office
    assert classify_topic("Follow-up acupuncture x 6") == "acupuncture"
    assert classify_topic("A service nobody names") == fallback_topic()


def test_literal_phrase_is_the_text_between_word_boundaries(tmp_path):
    from imr_check.phrases import Literal_, joined

    pattern = re.compile(joined([Literal_(literal="a.b")]))
    assert pattern.search("x a.b y") and not pattern.search("axb") and not pattern.search("xa.b")


def _concepts_load_error(tmp_path, monkeypatch, text):
    """The load error of a concepts.yaml holding `text`, read in place of the shipped one."""
    folder = tmp_path / "lexicon"
    folder.mkdir()
    (folder / "concepts.yaml").write_text(text)
    monkeypatch.setattr(lexicon, "LEXICON_DIR", folder)
    lexicon.concept_groups.cache_clear()
    lexicon._concepts_file.cache_clear()
    try:
        with pytest.raises(RuleLoadError) as error:
            lexicon.concept_groups()
        return error.value.problems[0]
    finally:
        lexicon.concept_groups.cache_clear()
        lexicon._concepts_file.cache_clear()


def test_concept_group_for_an_unknown_topic_is_a_load_error(tmp_path, monkeypatch):
    problem = _concepts_load_error(tmp_path, monkeypatch, (
        "groups:\n  g:\n    description: d\n    scope: request\n    sentences: summary\n    topics: [acupunture]\n"
        "    concepts:\n      - {fact: x, phrases: [y]}\n"))
    assert problem.line == 6 and "unknown topic 'acupunture'" in problem.message


def test_a_term_built_from_the_shared_tables_given_in_concepts_yaml_is_a_load_error(tmp_path, monkeypatch):
    # {term:figure} is numbers.yaml's: a second spelling of it in concepts.yaml would drift from the table.
    problem = _concepts_load_error(tmp_path, monkeypatch, (
        "terms:\n  figure: '\\d+'\ngroups:\n  g:\n    description: d\n    scope: case\n    sentences: case\n"
        "    concepts:\n      - {fact: clinical.x, phrases: [y]}\n"))
    assert problem.line == 2 and "built from numbers.yaml" in problem.message


def test_concept_with_an_unknown_key_names_its_line(tmp_path):
    text = ("groups:\n  g:\n    description: d\n    scope: case\n    sentences: case\n    concepts:\n"
            "      - {fact: clinical.x, phrases: [y], exclude: [z]}\n")
    with pytest.raises(RuleLoadError) as error:
        _load(tmp_path, text, lexicon.ConceptsFile)
    assert error.value.problems[0].line == 7 and "did you mean 'excludes'" in error.value.problems[0].message


def test_a_case_fact_read_for_requests_in_the_sentences_about_one_treatment_is_a_load_error(tmp_path):
    text = ("groups:\n  g:\n    description: d\n    scope: case\n    sentences: treatment\n    topics: [acupuncture]\n"
            "    concepts:\n      - {fact: clinical.x, phrases: [y]}\n")
    with pytest.raises(RuleLoadError, match=r"read once, in their rationales and the whole summary"):
        _load(tmp_path, text, lexicon.ConceptsFile)


def test_shipped_lexicon_serves_only_known_topics_and_reads_the_case_once():
    groups = lexicon.concept_groups()
    assert lexicon.case_concepts(), "the case-wide concepts are in the lexicon"
    assert all(t in topics() for g in groups.values() for t in g.spec.topics or [])
    assert [g.name for g in lexicon.request_groups("acupuncture")] == ["improvement"]
    # A surgery's case facts are not a request's own: they are read once for the case.
    assert "surgical_findings" not in [g.name for g in lexicon.request_groups("surgery")]
    assert "surgical_findings" in [g.name for g in lexicon.case_groups_for_requests()]


def _examples():
    for group in lexicon.concept_groups().values():
        for spec, concept in zip(group.spec.concepts, group.concepts):
            for example in spec.examples:
                yield pytest.param(concept, example.text, example.value, id=f"{spec.fact}: {example.text[:40]}")


@pytest.mark.parametrize(("concept", "text", "expected"), list(_examples()))
def test_lexicon_example(concept, text, expected):
    """Each example a concept of reader/lexicon/concepts.yaml gives reads as the lexicon says."""
    from imr_check.reader.clinical import STATED_NOT_DOCUMENTED, Facts, read_concepts
    from imr_check.reader.text import Sentence

    facts = Facts()
    read_concepts([concept], [(1, Sentence(text, 0, "summary"))], "", facts)
    found = facts.values.get(concept.path)
    assert ("not_documented" if found is STATED_NOT_DOCUMENTED else found) == expected


def test_the_lexicon_carries_examples_on_both_sides():
    values = {example[2] for example in (p.values for p in _examples())}
    assert {True, False, None, "not_documented"} <= values


def test_a_declared_fact_that_is_already_a_case_field_names_its_line(tmp_path, monkeypatch):
    from imr_check import declared_facts as module

    (tmp_path / "facts.yaml").write_text("clinical:\n  red_flags: {description: again}\n")
    monkeypatch.setattr(module, "rules_dir", lambda: tmp_path)
    module._file.cache_clear()
    try:
        with pytest.raises(RuleLoadError) as error:
            module.declared_facts("clinical", {"red_flags"})
        assert error.value.problems[0].line == 2 and "already a field" in error.value.problems[0].message
    finally:
        module._file.cache_clear()


def test_declared_facts_are_optional_booleans_of_the_case_model():
    from imr_check.case import Clinical, Request
    from imr_check.declared_facts import declared_facts

    for model, section in ((Clinical, "clinical"), (Request, "request")):
        for name, description in declared_facts(section, set()).items():
            field = model.model_fields[name]
            assert field.default is None and field.description == description


def _context_file(tmp_path, triggers):
    text = ("reach: {forward_words: 14, backward_words: 8, documentation_forward_words: 30}\n"
            "triggers:\n" + triggers +
            "terminators: {words: [but], marks: [';']}\n"
            "finding_not_record: {triggers: [evidence], looked_at: [MRI]}\n")
    path = tmp_path / "context.yaml"
    path.write_text(text)
    return path


def test_context_lexicon_needs_each_trigger_set_once(tmp_path):
    from imr_check.reader.context import ContextFile

    path = _context_file(tmp_path, "  - {category: negation, direction: forward, phrases: [{literal: 'no'}]}\n"
                                   "  - {category: negation, direction: forward, phrases: [{literal: 'not'}]}\n")
    with pytest.raises(RuleLoadError) as error:
        load_model(path, ContextFile)
    message = error.value.problems[0].message
    assert "given twice: negation/forward" in message and "missing: alternative/forward" in message


def test_context_trigger_with_an_unknown_category_names_its_line(tmp_path):
    from imr_check.reader.context import ContextFile

    path = _context_file(tmp_path, "  - {category: negation, direction: forward, phrases: [x]}\n"
                                   "  - {category: negaton, direction: forward, phrases: [x]}\n")
    with pytest.raises(RuleLoadError) as error:
        load_model(path, ContextFile)
    assert error.value.problems[0].line == 4 and "negaton" in error.value.problems[0].message


@pytest.mark.parametrize(("sentence", "target", "record_lacks"), [
    ("There is no documentation of muscle spasm.", "muscle spasm", True),
    ("There is no evidence of muscle spasm in the records.", "muscle spasm", True),
    ("Her examination showed no evidence of muscle spasm.", "muscle spasm", False),
    ("He denies muscle spasm.", "muscle spasm", False),
    # The record named as the subject of "lack": what it lacks is missing from it; a patient who lacks it has none.
    ("The submitted notes lack any mention of muscle spasm.", "muscle spasm", True),
    ("The progress reports lack a description of muscle spasm.", "muscle spasm", True),
    ("The patient lacks muscle spasm on palpation.", "muscle spasm", False),
    # What the record does not let the reviewer judge.
    ("Therapy notes were not submitted, so any muscle spasm cannot be assessed.", "muscle spasm", True),
    ("Absent a documented muscle spasm, the trigger point injection is not indicated.", "muscle spasm", True),
])
def test_a_finding_is_told_from_a_record_said_to_lack_it(sentence, target, record_lacks):
    from imr_check.reader.context import assess, says_record_lacks

    start = sentence.index(target)
    assert says_record_lacks(assess(sentence, start, start + len(target)), sentence) is record_lacks


@pytest.mark.parametrize(("sentence", "target", "status", "documentation"), [
    ("There is no documentation of muscle spasm.", "muscle spasm", "negated", True),
    ("He denies muscle spasm.", "muscle spasm", "negated", False),
    ("Rule out muscle spasm.", "muscle spasm", "uncertain", False),
    ("No weakness, negative straight leg raise, and intact muscle spasm.", "muscle spasm", "affirmed", False),
    ("A lack of documentation of less pain as well as better function.", "better function", "negated", True),
    ("No pain, but muscle spasm.", "muscle spasm", "affirmed", False),
    # "May" the month is no hedge; the modal is.
    ("She left her job in May and has muscle spasm.", "muscle spasm", "affirmed", False),
    ("Since May 2015 she has had muscle spasm.", "muscle spasm", "affirmed", False),
    ("She may have muscle spasm.", "muscle spasm", "uncertain", False),
    # A second predicate of the same subject has its own polarity.
    ("He has no numbness and remains in muscle spasm.", "muscle spasm", "affirmed", False),
    ("He has no numbness or muscle spasm.", "muscle spasm", "negated", False),
])
def test_the_shipped_context_lexicon_governs_scope(sentence, target, status, documentation):
    """The triggers and terminators of lexicon/context.yaml, applied: a trigger, its reach, what ends it."""
    from imr_check.reader.context import assess

    start = sentence.index(target)
    mention = assess(sentence, start, start + len(target))
    assert (mention.status, mention.documentation_negated) == (status, documentation)


def test_request_lists_are_the_ones_the_reader_applies(tmp_path, monkeypatch):
    folder = tmp_path / "lexicon"
    folder.mkdir()
    (folder / "requests.yaml").write_text("lists:\n  studies:\n    - {kind: mri, phrases: ['\\bmri\\b']}\n")
    monkeypatch.setattr(lexicon, "LEXICON_DIR", folder)
    lexicon._request_lists.cache_clear()
    try:
        with pytest.raises(RuleLoadError, match="missing: body_regions"):
            list(lexicon.NamedKinds("studies"))
    finally:
        lexicon._request_lists.cache_clear()


def test_shipped_request_lists_read_a_request():
    from imr_check.reader.classify import parse_request

    parsed = parse_request("Lumbar epidural steroid injection, transforaminal, L4-L5")
    assert (parsed.topic, parsed.body_region, parsed.injection_approach) == ("injection", "lumbar_spine", "transforaminal")
    assert parse_request("MRI of the left knee").study == "mri"


def test_given_with_must_name_a_topic(tmp_path):
    text = "topics:\n  a: {title: A, fallback: true}\n  b: {title: B, given_with: nsaids}\n"
    with pytest.raises(RuleLoadError, match=r"given_with names 'nsaids', which is not a topic \(known: a, b\)"):
        _load(tmp_path, text, TopicsFile)


def test_yields_to_must_name_another_topic(tmp_path):
    text = "topics:\n  a: {title: A, fallback: true}\n  b: {title: B, yields_to: [equipment]}\n"
    with pytest.raises(RuleLoadError, match=r"yields_to names 'equipment', which is not another topic \(known: a, b\)"):
        _load(tmp_path, text, TopicsFile)
    with pytest.raises(RuleLoadError, match=r"b: yields_to names 'b'"):
        _load(tmp_path, text.replace("[equipment]", "[b]"), TopicsFile)


def test_a_peri_operative_request_yields_to_the_equipment_it_names_and_not_otherwise():
    from imr_check.reader.classify import classify_topic

    # The equipment's own phrases decide (a cold unit, a walker); a request naming none stays the operation's.
    assert classify_topic("Post-operative cold therapy unit for 10 days") == "durable_medical_equipment"
    assert classify_topic("Post-op rolling walker") == "durable_medical_equipment"
    assert classify_topic("Post-op H-wave unit") == "tens"
    assert classify_topic("Post-op physical therapy 8 visits") == "surgical_associated_service"
    assert classify_topic("Pre-op chest x-ray and EKG") == "surgical_associated_service"
    # Without a peri-operative word the equipment is equipment anyway.
    assert classify_topic("Rolling walker") == "durable_medical_equipment"


def test_a_drug_class_placeholder_stands_for_every_name_of_the_class_in_the_drug_lexicon():
    pattern = re.compile(lexicon.with_drug_names(r"\b(?:{drugs:nsaid})\b"), re.I)
    # Brand and generic names alike, including drugs no concept listed by hand (sulindac, Daypro).
    assert all(pattern.search(text) for text in ("takes Sulindac", "Daypro daily", "ibuprofen 800mg", "Mobic"))
    assert not pattern.search("takes Norco")


def test_a_term_placeholder_stands_for_the_files_alternation():
    pattern = re.compile(lexicon.with_terms(r"\b{term:home} failed", {"home": r"home exercises?|\bHEP\b"}), re.I)
    assert pattern.search("The HEP failed.") and pattern.search("Home exercise failed.")
    assert not pattern.search("Physical therapy failed.")


def test_a_term_placeholder_naming_no_term_is_a_load_error():
    with pytest.raises(RuleLoadError, match=r"\{term:hep\} names no entry of terms \(known: home\)"):
        lexicon.with_terms(r"{term:hep} failed", {"home": "home"})


def test_a_term_that_is_no_regular_expression_is_a_load_error(tmp_path):
    text = "terms:\n  home: 'home (exercise'\ngroups: {}\n"
    with pytest.raises(RuleLoadError, match=r"terms.home is not a regular expression"):
        _load(tmp_path, text, lexicon.ConceptsFile)


def test_a_term_written_as_a_list_is_the_alternation_of_its_entries(tmp_path):
    text = "terms:\n  chores:\n    - 'laundry'\n    - 'cook(?:s|ing)?'\ngroups: {}\n"
    parsed, _ = _load(tmp_path, text, lexicon.ConceptsFile)
    pattern = re.compile(lexicon.with_terms(r"back to {term:chores}\b", parsed.terms), re.I)
    assert pattern.search("She is back to cooking.") and pattern.search("Back to laundry.")
    assert not pattern.search("She is back to work.")


def test_a_list_term_entry_that_is_no_regular_expression_is_named_in_the_load_error(tmp_path):
    text = "terms:\n  chores:\n    - 'laundry'\n    - 'cook(ing'\ngroups: {}\n"
    with pytest.raises(RuleLoadError, match=r"terms.chores is not a regular expression: .*'cook\(ing'"):
        _load(tmp_path, text, lexicon.ConceptsFile)


def test_every_daily_activity_of_the_functional_improvement_vocabulary_is_one_the_composition_reads():
    # The composed concept reads any entry of the list after a word of return: a word added there reaches it.
    activities = lexicon.term("daily_activity")
    regained = lexicon.concept_groups()["improvement"].concepts
    composed = next(c for c in regained if c.sentence_needs is not None and "regain" in c.sentence_needs.pattern)
    for activity in ("grocery shopping", "yard work", "caring for her grandchildren", "typing", "golf"):
        assert activities.fullmatch(activity)
        assert composed.pattern.search(f"Since the therapy she is back to {activity}.")
    assert not activities.fullmatch("walking")


def test_the_home_program_term_reaches_every_phrase_that_names_it():
    # The concepts' patterns hold the expanded alternation, never the placeholder.
    patterns = [c.pattern.pattern for g in lexicon.concept_groups().values() for c in g.concepts]
    assert not any("{term:" in p for p in patterns)
    assert sum("home[- ]based" in p for p in patterns) >= 3


def test_a_drug_class_placeholder_naming_no_class_is_a_load_error():
    with pytest.raises(RuleLoadError, match=r"\{drugs:nsaids\} names no drug class"):
        lexicon.with_drug_names(r"\b{drugs:nsaids}\b")


@pytest.mark.parametrize("procedure", sorted(surgery_table().procedures))
def test_every_surgery_of_the_surgery_table_is_an_operation_to_the_reader(procedure):
    # rules/surgeries.yaml is where a surgery is added; a surgery the reader's {term:operation} does not name could be
    # requested, yet never be read as planned (surgery considered) or done (post-surgical) in a record.
    operation = re.compile(lexicon.with_terms("{term:operation}", lexicon._terms()), re.I)
    label = surgery_table().procedures[procedure].label
    assert operation.search(label), f"{procedure}: {{term:operation}} does not name {label!r}"
