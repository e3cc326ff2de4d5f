"""Drugs the lexicon grew to hold (issue 10): each class recognised by brand, generic and combination, its
products judged by their ingredients, and the facts their rules need read from letters written for these
tests (none is taken from a real letter)."""

from __future__ import annotations

import datetime as dt

import pytest

from imr_check import evaluate_case, load_case_text
from imr_check.facts import request_facts
from imr_check.reader.classify import parse_request
from imr_check.vocabulary import drug_class_topics, drug_lexicon, lookup_drug, topics

from reader_support import NOT_DOCUMENTED, fact, read_synthetic


@pytest.mark.parametrize("text, topic", [
    # butalbital combinations, with or without codeine
    ("Fioricet 50/325/40 #60", "barbiturate_analgesic"),
    ("Fioricet with codeine #30", "barbiturate_analgesic"),
    ("Butalbital/acetaminophen/caffeine 50/325/40mg #90", "barbiturate_analgesic"),
    ("Esgic 50/325/40mg, 1 tab every 6 hours", "barbiturate_analgesic"),
    # opioid combinations are opioids, whichever ingredient is named first
    ("Trezix capsule", "opioid"),
    ("One month supply of Trezix capsule 320.5/30/16mg", "opioid"),
    ("Dihydrocodeine/APAP/caffeine #60", "opioid"),
    ("APAP/codeine 300/30mg #60", "opioid"),
    ("Acetaminophen with codeine 300/30 #60", "opioid"),
    ("Tylenol No. 3 #60", "opioid"),
    ("Percodan #60", "opioid"),
    # laxatives and stool softeners; second-line drugs under the same topic
    ("Colace 100mg #60", "laxative"),
    ("Senokot-S", "laxative"),
    ("Senna 8.6mg #60", "laxative"),
    ("Stool softener #60", "laxative"),
    ("Miralax 17g daily", "laxative"),
    ("Relistor 150mg #30", "laxative"),
    ("Amitiza 24mcg #60", "laxative"),
    # PDE-5 inhibitors
    ("Cialis 5mg #30", "pde5_inhibitor"),
    ("Viagra 100mg #10", "pde5_inhibitor"),
    # triptans
    ("Sumatriptan 50mg #9", "triptan"),
    ("Maxalt MLT 10mg #12", "triptan"),
    ("Treximet 85/500mg #9", "triptan"),
    # oral corticosteroids; an injected or topical steroid keeps its form's topic
    ("Medrol dose pack", "oral_corticosteroid"),
    ("Methylprednisolone 4mg dose pack #21", "oral_corticosteroid"),
    ("Prednisone 10mg #21", "oral_corticosteroid"),
    ("Depo-Medrol 80mg injection to the knee", "injection"),
    ("Flurbiprofen 20%, Dexamethasone 2% cream", "topical_analgesic"),
    # anti-emetics
    ("Ondansetron ODT 8mg #30", "antiemetic"),
    ("Zofran 4mg #20", "antiemetic"),
    ("Promethazine 25mg #30", "antiemetic"),
    # medical foods, vitamins and supplements
    ("Theramine #120", "dietary_supplement"),
    ("Sentra PM #60", "dietary_supplement"),
    ("Gabadone #60", "dietary_supplement"),
    ("Vitamin D 50,000 IU weekly #12", "dietary_supplement"),
    ("Glucosamine/chondroitin #90", "dietary_supplement"),
    # hypnotics stay sleep aids, brands included
    ("Ambien CR 12.5mg #30", "sleep_aid"),
    ("Lunesta 3mg #30", "sleep_aid"),
    ("Silenor 6mg #30", "sleep_aid"),
])
def test_new_drug_classes_are_recognised(text: str, topic: str) -> None:
    parsed = parse_request(text)
    assert parsed.topic == topic
    if topic not in ("injection", "topical_analgesic"):
        assert parsed.drug is not None, "a drug topic reads the request as a prescription"


@pytest.mark.parametrize("text, topic", [
    ("Vitamin D level", "other"),                      # a test of the level, not the vitamin
    ("Serum vitamin D testing", "other"),
    ("Vitamin D 25-hydroxy level", "other"),
    ("Vitamin D 50,000 IU #12", "dietary_supplement"),
    ("Norco 10/325mg #60 for pain level reduction", "opioid"),  # a laboratory word elsewhere changes nothing
])
def test_a_drug_beside_a_laboratory_word_is_a_test_of_its_level(text: str, topic: str) -> None:
    assert parse_request(text).topic == topic


def test_a_drug_parsed_under_a_new_topic_keeps_its_quantity_and_strength() -> None:
    parsed = parse_request("Colace 100mg #60")
    assert (parsed.drug.name, parsed.drug.strength, parsed.drug.quantity) == ("Colace", "100mg", 60)


@pytest.mark.parametrize("text, generic", [
    ("APAP/codeine 300/30", "codeine"),                    # acetaminophen has no topic: codeine decides
    ("Acetaminophen 325mg/hydrocodone 10mg", "hydrocodone"),
    ("Hydrocodone/APAP 10/325", "hydrocodone"),
    ("Tylenol 500mg", "acetaminophen"),                    # alone, the drug is still found
    ("Caffeine 200mg", "caffeine"),
    ("Fioricet 50/325/40", "fioricet"),
])
def test_an_ingredient_without_a_topic_yields_to_one_with_a_topic(text: str, generic: str) -> None:
    assert lookup_drug(text).generic == generic


def test_every_new_class_names_a_known_topic_and_acetaminophen_none() -> None:
    classes = drug_class_topics()
    for drug_class in ("barbiturate_analgesic", "laxative", "second_line_laxative", "pde5_inhibitor", "triptan",
                       "antiemetic", "corticosteroid", "medical_food", "vitamin", "glucosamine"):
        assert classes[drug_class] in topics()
    assert classes["non_opioid_analgesic"] is None
    assert drug_lexicon()["tylenol"].generic == "acetaminophen"


def _facts(request_yaml: str, date: str = "2017-02-01") -> dict:
    case = load_case_text(f"case: {{id: t, request_date: {date}}}\nrequests:\n  - {request_yaml}\n", "<test>")
    return request_facts(case, 0, dt.date.fromisoformat(date))


@pytest.mark.parametrize("name, drug_class, ingredients", [
    ("Trezix capsule", "opioid", ["acetaminophen", "caffeine", "dihydrocodeine"]),
    ("Fioricet", "barbiturate_analgesic", ["butalbital", "acetaminophen", "caffeine"]),
    ("Fioricet with codeine", "barbiturate_analgesic", ["butalbital", "acetaminophen", "caffeine", "codeine"]),
    ("Senokot-S", "laxative", ["docusate", "sennosides"]),
    ("Treximet", "triptan", ["sumatriptan", "naproxen"]),
])
def test_a_branded_combination_is_judged_by_its_ingredients(name: str, drug_class: str, ingredients: list[str]) -> None:
    facts = _facts(f"{{text: '{name}', topic: {parse_request(name).topic}, drug: {{name: '{name}'}}}}")
    assert facts["request.drug.drug_class"] == drug_class
    assert facts["request.drug.ingredients"] == ingredients


def _read(summary: str, item: str):
    return read_synthetic(summary, [(item, "")], case_number="CM99-0000010", injured="05/04/2014")


@pytest.mark.parametrize("summary, migraine", [
    ("He has a history of migraine headaches since the injury.", True),
    ("She reports migraines twice a month.", True),
    ("He denies migraines.", False),
    ("He reports tension headaches.", None),
    ("Imaging was ordered to rule out migraine.", None),
])
def test_a_migraine_diagnosis_is_read(summary: str, migraine: bool | None) -> None:
    assert _read(summary, "Sumatriptan 50mg #9").clinical.migraine is migraine


@pytest.mark.parametrize("summary, deficient", [
    ("Labs showed vitamin D deficiency.", True),
    ("A low vitamin D level was found in December.", True),
    ("There is no documentation of vitamin D deficiency.", NOT_DOCUMENTED),
    ("Vitamin D levels were drawn.", None),
])
def test_a_vitamin_d_deficiency_is_read(summary: str, deficient: bool | None) -> None:
    assert fact(_read(summary, "Vitamin D 50,000 IU #12"), "clinical.vitamin_d_deficiency") is deficient


def test_a_letter_asking_for_a_stool_softener_with_opioids_is_certified() -> None:
    case = _read("Medications include Norco 10/325mg four times a day. He reports constipation.", "Colace 100mg #60")
    assert case.requests[0].topic == "laxative"
    assert case.clinical.opioid_use is True
    result = evaluate_case(case).requests[0]
    assert (result.determination, result.deciding_rules) == ("certify", ["laxative.with_opioid_therapy_odg"])


def test_a_letter_asking_for_fioricet_is_not_certified_citing_the_bca_section() -> None:
    result = evaluate_case(_read("He reports daily headaches.", "Fioricet 50/325/40 #60")).requests[0]
    assert result.determination == "non_certify"
    assert [c.id for c in result.clauses] == ["cpmtg2016.barbiturate_analgesics.not_recommended"]


def test_a_pde5_inhibitor_is_undetermined_saying_the_guidelines_give_no_criterion() -> None:
    result = evaluate_case(_read("He reports erectile dysfunction.", "Cialis 5mg #30")).requests[0]
    assert result.topic == "pde5_inhibitor"
    assert result.determination == "undetermined"
    assert result.reason == "the guidelines give no criterion for PDE-5 inhibitors"
    assert any("No MTUS or ODG section" in note for note in result.not_encoded)


_GUIDELINE = """\
source: {id: test_source, title: Test guideline, authority: nowhere, effective: {from: 2009-01-01}}
clauses:
  - {id: test.clause, title: A clause, citation: p. 1, summary: Says something.}
"""


def _load_rules(tmp_path, rules: str):
    from imr_check.knowledge import load_knowledge_from

    (tmp_path / "g.yaml").write_text(_GUIDELINE)
    (tmp_path / "r.yaml").write_text(rules)
    return load_knowledge_from([tmp_path / "g.yaml"], [tmp_path / "r.yaml"])


def test_a_rule_file_without_rules_loads_when_it_says_why(tmp_path) -> None:
    knowledge = _load_rules(tmp_path, "topic: pde5_inhibitor\nguideline_version: none\neffective: {from: 2009-01-01}\n"
                                      "not_encoded:\n  - {what: Everything, why: No guideline gives a criterion.}\n")
    assert knowledge.rules == [] and knowledge.not_encoded["pde5_inhibitor"] == [
        ("Everything", "No guideline gives a criterion.")]


def test_a_rule_file_with_neither_rules_nor_a_reason_is_refused_naming_the_file(tmp_path) -> None:
    from imr_check.errors import RuleLoadError

    with pytest.raises(RuleLoadError) as caught:
        _load_rules(tmp_path, "topic: pde5_inhibitor\nguideline_version: none\neffective: {from: 2009-01-01}\n")
    message = "\n".join(str(p) for p in caught.value.problems)
    assert "r.yaml" in message and "not_encoded" in message


@pytest.mark.parametrize("text, topic", [
    # the form decides, whatever drug is named first
    ("Flurbiprofen 20% cream 120 grams", "topical_analgesic"),
    ("Naproxen 10% gel", "topical_analgesic"),
    ("Cyclobenzaprine 5% in cream base 240g", "topical_analgesic"),
    ("Diclofenac lotion", "topical_analgesic"),
    ("Gabapentin 10% ointment", "topical_analgesic"),
    ("Ibuprofen 10% spray", "topical_analgesic"),
    ("One container of baclofen 2%, ketoprofen 10%", "topical_analgesic"),
    ("Flurbiprofen 25%, 180 gm", "topical_analgesic"),
    ("Flurbiprofen/cyclobenzaprine 180", "topical_analgesic"),
    ("Tramadol 8%/gabapentin 10% cream", "topical_analgesic"),   # a compound, not an opioid
    ("Tramadol 10% cream", "topical_analgesic"),                  # a cream is never taken for a systemic effect
    ("Post-op flurbiprofen 20% cream", "topical_analgesic"),      # a topic that yields to drugs yields to the form
    # branded compounded kits
    ("Ketophene 20% cream, 150 grams", "topical_analgesic"),
    ("Ketophene", "topical_analgesic"),
    ("Cyclophene 5% cream", "topical_analgesic"),
    ("TGHot 180 g", "topical_analgesic"),
    ("Medrox ointment", "topical_analgesic"),
    # the same drugs taken by mouth keep their own topics
    ("Flurbiprofen 100mg #60", "nsaid"),
    ("Cyclobenzaprine 7.5mg #60", "muscle_relaxant"),
    ("Tramadol 50mg #60", "opioid"),
    ("Hydrocodone/ibuprofen 7.5/200mg #60", "opioid"),
    ("Norco/Soma", "opioid"),                                     # two brands taken by mouth, not a compound
    ("Gabapentin/cyclobenzaprine/tramadol 180 gm", "topical_analgesic"),
    ("Fanatrex 25mg/ml oral suspension 420ml", "anticonvulsant"),
    # a single transdermal opioid is taken for its systemic effect; a nasal spray is not applied to the skin
    ("Butrans 10mcg/hr patch #4", "opioid"),
    ("Fentanyl 25mcg patch #10", "opioid"),
    ("Sancuso patch #4", "antiemetic"),
    ("Sumatriptan nasal spray #6", "triptan"),
    ("Ketorolac nasal spray", "nsaid"),
    ("Miralax 17 g daily", "laxative"),
])
def test_a_products_form_decides_its_topic(text: str, topic: str) -> None:
    assert parse_request(text).topic == topic


@pytest.mark.parametrize("text, topic", [
    ("Transportation to and from medical appointments", "transportation"),   # "ointment" inside "appointments"
    ("Follow-up visit with Dr. Angel", "office_visit"),                     # "gel" inside "Angel"
    ("Dispatch of a cane", "durable_medical_equipment"),                     # "patch" inside "Dispatch"
    ("Cold therapy gel pack", "durable_medical_equipment"),                  # a gel pack is equipment
    ("Knee brace with gel pads", "durable_medical_equipment"),
    ("Hydrocortisone 1% cream", "topical_analgesic"),                        # "cortisone" inside "hydrocortisone"
    ("Cortisone cream", "topical_analgesic"),                                # the form decides, not the drug word
    ("Cortisone injection to the right shoulder", "injection"),
])
def test_a_word_inside_another_word_or_naming_equipment_does_not_decide_the_topic(text: str, topic: str) -> None:
    assert parse_request(text).topic == topic


def test_a_compound_in_a_container_lists_each_ingredient_without_the_container() -> None:
    drug = parse_request("One container of Flurbiprofen 10%, Cyclobenzaprine 3%, Lidocaine 5%").drug
    assert drug.is_compounded is True
    assert drug.ingredients == ["Flurbiprofen", "Cyclobenzaprine", "Lidocaine"]


@pytest.mark.parametrize("name, ingredients", [
    ("Ketophene", ["ketoprofen"]),
    ("Cyclophene", ["cyclobenzaprine"]),
    ("TGHot", ["tramadol", "gabapentin", "menthol", "camphor", "capsaicin"]),
    ("Medrox patch", ["methyl salicylate", "menthol", "capsaicin"]),
])
def test_a_branded_compound_is_judged_by_its_ingredients(name: str, ingredients: list[str]) -> None:
    facts = _facts(f"{{text: '{name}', topic: topical_analgesic, drug: {{name: '{name}'}}}}")
    assert facts["request.drug.ingredients"] == ingredients


def test_a_letter_asking_for_a_flurbiprofen_compound_is_judged_by_the_topical_rules_not_the_nsaid_rules() -> None:
    case = _read("He has knee osteoarthritis. He uses ibuprofen.", "One container of Flurbiprofen 20%, Baclofen 5%")
    result = evaluate_case(case).requests[0]
    assert result.topic == "topical_analgesic"
    assert result.determination == "non_certify"
    assert "topical_analgesic.no_not_recommended_ingredient" in result.deciding_rules
    assert all(rule.startswith("topical_analgesic.") for rule in result.deciding_rules)


def test_every_muscle_relaxant_and_anti_epilepsy_drug_of_the_lexicon_is_not_recommended_topically() -> None:
    from imr_check.knowledge import load_knowledge

    rule = next(r for r in load_knowledge().rules if r.id == "topical_analgesic.no_not_recommended_ingredient")
    listed = set(rule.parameters["not_recommended_ingredients"].value)
    classes = {"muscle_relaxant", "anticonvulsant"}
    lexicon = {entry.generic for entry in drug_lexicon().values() if entry.drug_class in classes and not entry.ingredients}
    assert lexicon and lexicon <= listed, sorted(lexicon - listed)


# The letter saying the drug history is missing from the record is a stated absence of the earlier use (issue 12, "Two
# kinds of absence"), not silence and not a finding that the drug was never taken.
@pytest.mark.parametrize("summary, rationale, prior", [
    ("She reports neck pain.", "The current medication regimen was not provided for this review.", NOT_DOCUMENTED),
    ("No medication list was submitted with the request.", "The patient has neck pain.", NOT_DOCUMENTED),
    ("She reports neck pain.", "Her medication history is not documented in the notes.", NOT_DOCUMENTED),
    ("The progress notes do not list the medications she takes.", "The patient has neck pain.", NOT_DOCUMENTED),
    # a record of the drug, or a list without it, says more than the missing history
    ("She has taken gabapentin since 2015.", "The current medication regimen was not provided for this review.", True),
    ("Current medications include tramadol and baclofen.", "The patient has neck pain.", False),
    # the list present, or a drug's effect unrecorded, is no missing history
    ("Her medication list was reviewed on 01/10/2017.", "The patient has neck pain.", None),
    ("She reports neck pain.", "There is no documentation of the medication's benefit.", None),
])
def test_a_medication_history_stated_missing_is_a_stated_absence(summary: str, rationale: str, prior) -> None:
    case = read_synthetic(summary, [("Gabapentin 300mg #90", rationale)])
    assert fact(case, "requests[0].history.prior_treatment") == prior


# A drug the prescriber continues or refills is a course under way, even in a plan: a patient cannot continue a drug
# not yet taken. The verb binds to the drug just after it, so another drug started in the same sentence stays new, and a
# reviewer unsure of the course, or refusing to continue, says nothing of it.
@pytest.mark.parametrize("summary, rationale, prior", [
    ("The plan is to continue duloxetine.", "The patient has back pain.", True),
    ("He will continue with his duloxetine.", "The patient has back pain.", True),
    ("Recommend continuing the same dose of duloxetine.", "The patient has back pain.", True),
    ("Continue duloxetine and start a trial of gabapentin.", "The patient has back pain.", True),
    ("Continue physical therapy and start a trial of duloxetine.", "The patient has back pain.", False),
    ("The prescriber refilled duloxetine last month.", "The patient has back pain.", True),
    ("Renew duloxetine for another month.", "The patient has back pain.", True),
    ("The physician requested a refill of duloxetine.", "The patient has back pain.", True),
    ("Duloxetine was started at this visit.", "The patient has back pain.", False),
    ("This is the first prescription of duloxetine.", "The patient has back pain.", False),
    ("Current medications include duloxetine and baclofen.", "The patient has back pain.", True),
    ("Current medications include tramadol and baclofen.", "The patient has back pain.", False),
    ("He reports low back pain.", "There is no rationale to continue duloxetine.", None),
    ("He reports low back pain.", "It is unclear whether he should continue duloxetine or start it.", None),
    ("He reports low back pain.", "It is not clear whether this is a new prescription or an ongoing one.", None),
    ("The physician will discontinue duloxetine.", "The patient has back pain.", None),
])
def test_whether_a_drug_starts_or_continues_a_course_is_read_from_its_own_words(summary: str, rationale: str,
                                                                                 prior) -> None:
    case = read_synthetic(summary, [("Duloxetine 30mg #30", rationale)])
    assert fact(case, "requests[0].history.prior_treatment") == prior


# A note's own order opening its fragment, a "will begin", a "new medication", a trial of a counted span start a drug;
# a list headed "meds" or reviewed at the visit, the pain a drug lowers, its last refill continue one. A start the
# fragment dates in the past, no new medication, a benefit only hoped for say neither.
@pytest.mark.parametrize("summary, rationale, prior", [
    ("Start duloxetine 20 mg daily.", "The patient has back pain.", False),
    ("Plan: started on duloxetine at this visit.", "The patient has back pain.", False),
    ("He will begin duloxetine next week.", "The patient has back pain.", False),
    ("Duloxetine 30 mg qd, a new medication for him.", "The patient has back pain.", False),
    ("A 4-week trial of duloxetine is planned.", "The patient has back pain.", False),
    ("He reports low back pain.", "This is a request for a first trial of duloxetine.", False),
    ("Meds: duloxetine 30 mg, baclofen 10 mg.", "The patient has back pain.", True),
    ("Medications reviewed: duloxetine, meloxicam.", "The patient has back pain.", True),
    ("Duloxetine lowers her pain to 5/10.", "The patient has back pain.", True),
    ("Duloxetine was last refilled in December.", "The patient has back pain.", True),
    ("Started on duloxetine in 2014.", "The patient has back pain.", None),
    ("No new medications; he has back pain.", "The patient has back pain.", None),
    ("Duloxetine would lower his pain.", "The patient has back pain.", None),
])
def test_a_drug_s_start_or_continuation_in_a_note_s_fragments(summary: str, rationale: str, prior) -> None:
    case = read_synthetic(summary, [("Duloxetine 30mg #30", rationale)])
    assert fact(case, "requests[0].history.prior_treatment") == prior
