"""Every rule is exercised by at least one data case in tests/rules/, or the suite fails."""

from conftest import all_rule_cases


def test_every_rule_has_a_case(knowledge):
    exercised = set()
    for case in all_rule_cases():
        expect = case.get("expect") or {}
        exercised.update(expect.get("rules", []))
        exercised.update((expect.get("criteria") or {}).keys())
    untested = sorted(r.id for r in knowledge.rules if r.id not in exercised)
    assert not untested, f"rules with no case in tests/rules/: {untested}"


def test_rule_cases_exist():
    assert len(all_rule_cases()) >= len({"acupuncture"}), "tests/rules/ holds no cases"
