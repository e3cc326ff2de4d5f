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


def test_every_version_of_a_rule_has_a_case_dated_in_it(knowledge):
    """A rule written once for several versions is exercised in each version that reads differently: a
    case dated within the version's dates (a case without a date is judged on rulecases.PRESCREEN_DAY)
    names the rule."""
    import datetime as dt

    from imr_check.rulecases import PRESCREEN_DAY

    days: dict[str, list[dt.date]] = {}
    for case in all_rule_cases():
        expect = case.get("expect") or {}
        day = case.get("date") or PRESCREEN_DAY
        day = dt.date.fromisoformat(day) if isinstance(day, str) else day
        for rule_id in set(expect.get("rules", [])) | set((expect.get("criteria") or {}).keys()):
            days.setdefault(rule_id, []).append(day)
    # Versions alike in everything but their dates (a file's other rule changed then) are one to test.
    alike: dict[tuple, list] = {}
    for rule in knowledge.rules:
        reading = (rule.id, rule.rule.model_dump_json(exclude={"effective"}),
                   tuple((name, repr(p.value)) for name, p in rule.parameters_used.items()))
        alike.setdefault(reading, []).append(rule)
    untested = [" / ".join(f"{r.id} ({r.effective.label()})" for r in versions) for versions in alike.values()
                if not any(r.effective.contains(day) for r in versions for day in days.get(r.id, []))]
    assert not untested, f"rule versions with no case dated in them: {untested}"
