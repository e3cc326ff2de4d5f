"""The audit's summary, kept as counts while items stream past: memory does not grow with the run.

Overall, and broken down by topic, by reviewer specialty and by guideline cited. Each breakdown
gives the same figures as the whole (stats.Summary) plus how many letters the group touches.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any, Optional

from ..stats import summarize_counts

BREAKDOWNS = {
    "by_topic": "topic",
    "by_reviewer_specialty": "reviewer_specialty",
    "by_guideline_cited": "guideline_cited",
}
NOT_STATED = "(not stated)"
NOT_RECOGNISED = "(no topic recognised)"

_PAGES = re.compile(r"[\s,;:.(]*\b(?:pages?\s*(?:\(s\))?\s*:?|pp?\.)\s*\d.*$", re.IGNORECASE)
_DECISION_BASED_ON = re.compile(r"^\s*decision\s+based\s+on\s+", re.IGNORECASE)


def guideline_group(cited: Optional[str]) -> str:
    """The guideline a reviewer cited, without its pages: 'MTUS ..., Opioids, pp. 76-78' -> 'MTUS ..., Opioids'.

    Page references vary letter by letter; grouping on them would give one group per letter.
    """
    if not cited:
        return NOT_STATED
    text = _PAGES.sub("", _DECISION_BASED_ON.sub("", cited))
    text = " ".join(text.split()).strip(" .,;:")
    return text or NOT_STATED


def group_key(breakdown: str, row: dict[str, Any]) -> str:
    value = row[BREAKDOWNS[breakdown]]
    if breakdown == "by_guideline_cited":
        # The parsed sources when the letter reader gave them, else the citation without its pages.
        return "; ".join(row["guidelines"]) if row["guidelines"] else guideline_group(value)
    if not value:
        return NOT_RECOGNISED if breakdown == "by_topic" else NOT_STATED
    return " ".join(value.split())


class Tally:
    def __init__(self) -> None:
        self.files = 0
        self.letters = 0
        self.errors = 0
        self.pairs: Counter = Counter()
        self.groups: dict[str, dict[str, Counter]] = {name: defaultdict(Counter) for name in BREAKDOWNS}
        self.group_letters: dict[str, Counter] = {name: Counter() for name in BREAKDOWNS}

    def add(self, audited: dict[str, Any]) -> None:
        self.files += 1
        if "error" in audited:
            self.errors += 1
            return
        # A file may hold several letters (a merged PDF), each its own case: letters are counted by case.
        by_case: dict[Any, list[dict[str, Any]]] = {}
        for row in audited["rows"]:
            by_case.setdefault(row.get("case_id"), []).append(row)
        self.letters += max(1, len(by_case))
        for name in BREAKDOWNS:
            for rows in by_case.values():
                touched = set()
                for row in rows:
                    key = group_key(name, row)
                    self.groups[name][key][(row["predicted_outcome"], row["actual_outcome"])] += 1
                    touched.add(key)
                self.group_letters[name].update(touched)
        for row in audited["rows"]:
            self.pairs[(row["predicted_outcome"], row["actual_outcome"])] += 1

    def summary(self) -> dict[str, Any]:
        data: dict[str, Any] = {"files": self.files, "letters": self.letters, "errors": self.errors}
        data.update(summarize_counts(self.pairs).as_dict())
        for name in BREAKDOWNS:
            groups = self.groups[name]
            # Largest groups first; ties by name, so the order is stable run to run.
            order = sorted(groups, key=lambda key: (-sum(groups[key].values()), key))
            data[name] = {key: {"letters": self.group_letters[name][key], **summarize_counts(groups[key]).as_dict()}
                          for key in order}
        return data
