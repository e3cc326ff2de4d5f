"""The audit's summary, kept as counts while items stream past.

Overall, and broken down by topic, by reviewer specialty and by guideline cited. Each breakdown
gives the same figures as the whole (stats.Summary, intervals included) plus how many letters the
group touches. Beside them: overturn rates by specialty, guideline and request kind with a test of
difference; the alike items decided differently (consistency.py); the undetermined items with their
reasons; the documentation most often missing from a non-certified item; and the corpus audited.

The counts do not grow with the run. What does: one small record per item for the consistency
groups (they compare items with each other), the undetermined items and the report's item table,
the last two capped.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any, Optional

from ..stats import summarize_counts
from .consistency import alike_groups, alike_item, kind_label, overturn_rates
from .letter_pages import page_link

BREAKDOWNS = {
    "by_topic": "topic",
    "by_reviewer_specialty": "reviewer_specialty",
    "by_guideline_cited": "guideline_cited",
    # What each determination rests on (results.Basis): which agreements and disagreements stand on firm ground.
    "by_basis": "basis",
}
NOT_STATED = "(not stated)"
NOT_RECOGNISED = "(no topic recognised)"
NO_BASIS = "(no deciding criterion)"
# The report's table of items and its list of undetermined items stop here; the CSV has them all.
# The summary's sections beside the overall figures and the breakdowns.
SECTIONS = ("corpus", "overturn_rates", "consistency", "undetermined", "top_missing_documentation", "item_table")
ITEM_TABLE_ROWS = 5000
UNDETERMINED_LISTED = 2000
TOP_MISSING = 15

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
    # A row written by hand (tests) or by an older schema may lack the basis.
    value = row.get(BREAKDOWNS[breakdown]) if breakdown == "by_basis" else row[BREAKDOWNS[breakdown]]
    if breakdown == "by_guideline_cited":
        # The parsed sources when the letter reader gave them, else the citation without its pages.
        return "; ".join(row["guidelines"]) if row["guidelines"] else guideline_group(value)
    if breakdown == "by_basis":
        return value or NO_BASIS
    if not value:
        return NOT_RECOGNISED if breakdown == "by_topic" else NOT_STATED
    return " ".join(value.split())


def _basis_order(key: str) -> int:
    from ..results import BASES

    return BASES.index(key) if key in BASES else len(BASES)  # type: ignore[arg-type]


class Tally:
    def __init__(self, inputs: Optional[list[str]] = None, used_to_build_rules: bool = False) -> None:
        self.corpus = {"inputs": [str(i) for i in inputs or []], "used_to_build_rules": used_to_build_rules}
        self.alike: list = []
        self.kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        self.undetermined: list[dict[str, Any]] = []
        self.undetermined_count = 0
        self.undetermined_reasons: Counter = Counter()
        self.not_encoded: dict[str, list[str]] = {}
        self.missing: Counter = Counter()
        self.missing_letters: dict[str, set] = defaultdict(set)
        self.non_certified = 0
        self.table: list[dict[str, Any]] = []
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
        if "rows" not in audited:
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
        for rows in by_case.values():
            for index, row in enumerate(rows):  # a letter's rows are its items in order
                self.pairs[(row["predicted_outcome"], row["actual_outcome"])] += 1
                self._add_row(row, audited["path"], index)
        for letter in audited.get("letters") or ([audited["letter"]] if "letter" in audited else []):
            for item in letter["items"]:
                self._add_item(letter, item)

    def _add_row(self, row: dict[str, Any], path: str, index: int) -> None:
        if row.get("determination") == "non_certify":
            self.non_certified += 1
            for fact in row.get("missing_documentation") or []:
                self.missing[fact] += 1
                self.missing_letters[fact].add(path)
        if len(self.table) < ITEM_TABLE_ROWS and "item" in row:
            self.table.append({
                "case_id": row["case_id"], "item": row["item"], "topic": group_key("by_topic", row),
                "reviewer_specialty": group_key("by_reviewer_specialty", row),
                "guideline_cited": group_key("by_guideline_cited", row),
                "actual_outcome": row["actual_outcome"], "determination": row["determination"],
                "deciding_rules": row.get("deciding_rules") or [], "agrees": row["agrees"],
                "basis": group_key("by_basis", row),
                "link": page_link(row["case_id"], row["source"], index),
            })

    def _add_item(self, letter: dict[str, Any], item: dict[str, Any]) -> None:
        self.alike.append(alike_item(letter, item))
        if item["actual_outcome"] is not None:
            counts = self.kinds[kind_label(item)]
            counts[0] += item["actual_outcome"] == "overturned"
            counts[1] += 1
        if item["determination"] != "undetermined":
            return
        self.undetermined_count += 1
        self.undetermined_reasons[item["reason"]] += 1
        topic = item["topic"] or NOT_RECOGNISED
        if item["not_encoded"]:
            # Several rule files of one topic (one per guideline version) may repeat a note.
            self.not_encoded.setdefault(topic, list(dict.fromkeys(item["not_encoded"])))
        if len(self.undetermined) < UNDETERMINED_LISTED:
            self.undetermined.append({"case_id": letter["case_id"], "item": item["item"], "topic": topic,
                                      "reason": item["reason"], "actual_outcome": item["actual_outcome"],
                                      "link": page_link(letter["case_id"], letter["source"], item["index"])})

    def summary(self) -> dict[str, Any]:
        data: dict[str, Any] = {"files": self.files, "letters": self.letters, "errors": self.errors}
        data.update(summarize_counts(self.pairs).as_dict())
        for name in BREAKDOWNS:
            groups = self.groups[name]
            # Largest groups first; ties by name, so the order is stable run to run.
            order = sorted(groups, key=lambda key: (-sum(groups[key].values()), key))
            if name == "by_basis":
                # From the firmest ground to the least firm, so the table reads the same in every audit.
                order = sorted(groups, key=_basis_order)
            data[name] = {key: {"letters": self.group_letters[name][key], **summarize_counts(groups[key]).as_dict()}
                          for key in order}
        data["corpus"] = self.corpus
        rates = {name: overturn_rates({key: (g["overturned"], g["outcomes"]) for key, g in data[name].items()})
                 for name in ("by_reviewer_specialty", "by_guideline_cited")}
        rates["by_request_kind"] = overturn_rates({key: (o, n) for key, (o, n) in self.kinds.items()})
        data["overturn_rates"] = rates
        data["consistency"] = alike_groups(self.alike)
        data["undetermined"] = {
            "items": self.undetermined_count,
            "by_reason": dict(sorted(self.undetermined_reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
            "not_encoded_by_topic": dict(sorted(self.not_encoded.items())),
            "listed": self.undetermined,
        }
        top = sorted(self.missing.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_MISSING]
        data["top_missing_documentation"] = {
            "non_certified_items": self.non_certified,
            "facts": [{"fact": fact, "non_certified_items": n, "letters": len(self.missing_letters[fact])}
                      for fact, n in top],
        }
        data["item_table"] = self.table
        return data
