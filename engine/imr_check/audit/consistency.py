"""Do reviewers decide alike cases alike? Alike items decided differently, and overturn rates by group.

**Alike**, as this module means it: two items with a reviewer's outcome are alike when
1. they have the same topic and the same request kind (the same drug, study, injection, equipment,
   procedure, modality, on the same body part: `items.KIND_FACTS`);
2. the same guideline versions were in force for them;
3. the topic's rules in force read the same facts for both (the deciding facts: the facts that
   decided whether each rule applies and whether it is met), each documented alike or undocumented
   in both, with the same value; and
4. every number among those facts (sessions, quantities, weeks, doses) is within `QUANTITY_RATIO`
   of the other's (the larger at most 1.5 times the smaller; zero matches only zero).
An item with no topic, or with neither a request kind nor any deciding fact, is alike to nothing:
there is nothing to say it is like another. Items the rules did not decide take part (the facts
read still describe them), so alike means alike to the rules, whatever the rules concluded.

Alike items decided differently are pairs, one upheld and one overturned. A *group* is the items
sharing conditions 1-3 (all but the quantities) among which at least one such pair exists. Pairs rank
by how alike they are: more deciding facts shared first, then the closer quantities, then by topic,
case number and item, so the order is the same run to run.

Beside them, *nearly alike* pairs: alike but for one deciding fact, which is named: its value differs,
or the rules read it for one item only (they took a different path for the other). They
are not alike (the fact may be why the outcomes differ) but they show the auditor where the corpus
comes closest, and whether the one difference is one a reviewer could rest a decision on.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from itertools import product
from typing import Any, Iterable, Optional

from ..stats import SMALL_GROUP, rates_differ, wilson_interval
from .letter_pages import page_link

QUANTITY_RATIO = 1.5
PAIRS_SHOWN_PER_GROUP = 5
GROUPS_SHOWN = 50
NEARLY_ALIKE_SHOWN = 30
NOT_READ = "not read by the rules"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True)
class AlikeItem:
    """What consistency needs of one item: where it is, its outcome, and what makes it alike another."""

    case_id: str
    source: str
    index: int
    item: str
    topic: Optional[str]
    kind: tuple[tuple[str, str], ...]
    guideline_versions: tuple[str, ...]
    facts: tuple[tuple[str, str], ...]  # the deciding facts but the numbers, as JSON text
    numbers: tuple[tuple[str, float], ...]
    outcome: Optional[str]
    determination: str
    reviewer_specialty: Optional[str]

    @property
    def key(self) -> tuple:
        """Conditions 1-3 and the names of the numeric facts: items alike but for quantities share it."""
        return (self.topic or "", self.kind, self.guideline_versions, self.facts, tuple(p for p, _ in self.numbers))

    @property
    def paths_key(self) -> tuple:
        """Conditions 1-2 and the names of the numeric facts: nearly alike items share it."""
        return (self.topic or "", self.kind, self.guideline_versions, tuple(p for p, _ in self.numbers))

    @property
    def can_be_alike(self) -> bool:
        return bool(self.topic) and bool(self.kind or self.facts or self.numbers)

    @property
    def link(self) -> str:
        return page_link(self.case_id, self.source, self.index)

    def sort_key(self) -> tuple:
        return (self.case_id, self.source, self.index)


def alike_item(letter: dict[str, Any], item: dict[str, Any]) -> AlikeItem:
    """An audited letter's item (`items.audit_file`'s `letter`) as consistency sees it."""
    facts, numbers = [], []
    for path, value in sorted(item["deciding_facts"].items()):
        if _is_number(value):
            numbers.append((path, float(value)))
        else:
            facts.append((path, json.dumps(value, sort_keys=True)))
    return AlikeItem(
        case_id=letter["case_id"], source=letter["source"], index=item["index"], item=item["item"],
        topic=item["topic"],
        kind=tuple(sorted((k, json.dumps(v, sort_keys=True)) for k, v in item["kind"].items())),
        guideline_versions=tuple(sorted(item["guideline_versions"])), facts=tuple(facts), numbers=tuple(numbers),
        outcome=item["actual_outcome"], determination=item["determination"],
        reviewer_specialty=letter["reviewer_specialty"],
    )


def quantity_ratio(a: AlikeItem, b: AlikeItem) -> Optional[float]:
    """The largest ratio between their numeric facts (1.0 with none); None when one is zero, the other not."""
    worst = 1.0
    for (path, x), (other, y) in zip(a.numbers, b.numbers):
        if path != other:
            return None
        if x == y:
            continue
        low, high = sorted((abs(x), abs(y)))
        if low == 0 or (x < 0) != (y < 0):
            return None
        worst = max(worst, high / low)
    return worst


def are_alike(a: AlikeItem, b: AlikeItem) -> bool:
    if not (a.can_be_alike and b.can_be_alike) or a.key != b.key:
        return False
    ratio = quantity_ratio(a, b)
    return ratio is not None and ratio <= QUANTITY_RATIO


def _shared_facts(item: AlikeItem) -> int:
    return len(item.kind) + len(item.facts) + len(item.numbers)


def _pair_rank(upheld: AlikeItem, overturned: AlikeItem) -> tuple:
    ratio = quantity_ratio(upheld, overturned) or 1.0
    return (-_shared_facts(upheld), ratio, upheld.topic or "", upheld.sort_key(), overturned.sort_key())


def _described(item: AlikeItem) -> dict[str, Any]:
    return {"case_id": item.case_id, "source": item.source, "index": item.index, "item": item.item,
            "outcome": item.outcome, "determination": item.determination,
            "reviewer_specialty": item.reviewer_specialty, "link": item.link,
            "quantities": {path: value for path, value in item.numbers}}


def alike_groups(items: Iterable[AlikeItem]) -> dict[str, Any]:
    """The groups of alike items decided differently, ranked, with their pairs."""
    buckets: dict[tuple, list[AlikeItem]] = defaultdict(list)
    considered = 0
    for item in items:
        if item.outcome in ("upheld", "overturned") and item.can_be_alike:
            buckets[item.key].append(item)
            considered += 1
    groups = []
    for members in buckets.values():
        upheld = sorted((m for m in members if m.outcome == "upheld"), key=AlikeItem.sort_key)
        overturned = sorted((m for m in members if m.outcome == "overturned"), key=AlikeItem.sort_key)
        pairs = sorted(((u, o) for u, o in product(upheld, overturned) if are_alike(u, o)),
                       key=lambda pair: _pair_rank(*pair))
        if not pairs:
            continue
        in_pairs = {m for pair in pairs for m in pair}
        first = pairs[0][0]
        groups.append({
            "rank_key": _pair_rank(*pairs[0]),
            "topic": first.topic,
            "kind": {k: json.loads(v) for k, v in first.kind},
            "guideline_versions": list(first.guideline_versions),
            "deciding_facts": {path: json.loads(v) for path, v in first.facts},
            "quantity_facts": [path for path, _ in first.numbers],
            "facts_shared": _shared_facts(first),
            "upheld": [_described(m) for m in upheld if m in in_pairs],
            "overturned": [_described(m) for m in overturned if m in in_pairs],
            "pair_count": len(pairs),
            "pairs": [{"upheld": _described(u), "overturned": _described(o),
                       "quantity_ratio": round(quantity_ratio(u, o) or 1.0, 4)}
                      for u, o in pairs[:PAIRS_SHOWN_PER_GROUP]],
        })
    groups.sort(key=lambda g: (g["rank_key"], -g["pair_count"]))
    for group in groups:
        del group["rank_key"]
    nearly = nearly_alike_pairs([m for members in buckets.values() for m in members])
    return {
        "definition": (f"same topic and request kind, same guideline versions, the same values of every fact the "
                       f"topic's rules read (documented or not), numbers within a ratio of {QUANTITY_RATIO:g}"),
        "quantity_ratio": QUANTITY_RATIO,
        "items_considered": considered,
        "groups_found": len(groups),
        "pairs_found": sum(g["pair_count"] for g in groups),
        "items_in_groups": sum(len(g["upheld"]) + len(g["overturned"]) for g in groups),
        "groups": groups[:GROUPS_SHOWN],
        "nearly_alike_pairs_found": len(nearly),
        "nearly_alike": nearly[:NEARLY_ALIKE_SHOWN],
    }


def one_difference(a: AlikeItem, b: AlikeItem) -> Optional[str]:
    """The one deciding fact whose value differs, when all else makes them alike; else None."""
    if not (a.can_be_alike and b.can_be_alike) or a.paths_key != b.paths_key:
        return None
    mine, theirs = dict(a.facts), dict(b.facts)
    differing = [path for path in sorted(set(mine) | set(theirs)) if mine.get(path) != theirs.get(path)]
    ratio = quantity_ratio(a, b)
    if len(differing) != 1 or ratio is None or ratio > QUANTITY_RATIO:
        return None
    return differing[0]


def _read(item: AlikeItem, path: str) -> Any:
    value = dict(item.facts).get(path)
    return NOT_READ if value is None else json.loads(value)


def nearly_alike_pairs(items: list[AlikeItem]) -> list[dict[str, Any]]:
    """Upheld-overturned pairs alike but for one deciding fact's value, ranked as alike pairs are."""
    buckets: dict[tuple, list[AlikeItem]] = defaultdict(list)
    for item in items:
        buckets[item.paths_key].append(item)
    found = []
    for members in buckets.values():
        upheld = [m for m in members if m.outcome == "upheld"]
        overturned = [m for m in members if m.outcome == "overturned"]
        for u, o in product(upheld, overturned):
            path = one_difference(u, o)
            if path is not None:
                found.append((_pair_rank(u, o), path, u, o))
    found.sort(key=lambda entry: (entry[0], entry[1]))
    return [{"topic": u.topic, "kind": {k: json.loads(v) for k, v in u.kind},
             "differs_in": {"fact": path, "upheld": _read(u, path), "overturned": _read(o, path)},
             "facts_shared": len(u.kind) + len(u.numbers) + sum(1 for p, _ in u.facts if p != path),
             "deciding_facts": {p: json.loads(v) for p, v in u.facts if p != path},
             "upheld": _described(u), "overturned": _described(o),
             "quantity_ratio": round(quantity_ratio(u, o) or 1.0, 4)}
            for _, path, u, o in found]


def kind_label(item: dict[str, Any]) -> str:
    """A request kind coarse enough to count overturn rates on: the topic and what is asked for."""
    topic = item["topic"] or "(no topic recognised)"
    kind = item["kind"]
    for field in ("drug.generic", "study", "injection_type", "modality", "equipment", "procedure",
                  "associated_service"):
        if kind.get(field):
            value = kind[field]
            return f"{topic}: {', '.join(map(str, value)) if isinstance(value, list) else value}"
    return topic


def overturn_rates(counts: dict[str, tuple[int, int]]) -> dict[str, Any]:
    """Per group (overturned, with an outcome): the rate, its interval, and a test of difference."""
    order = sorted(counts, key=lambda name: (-counts[name][1], name))
    groups = {name: {"overturned": counts[name][0], "outcomes": counts[name][1],
                     "overturn_rate": counts[name][0] / counts[name][1] if counts[name][1] else None,
                     "overturn_rate_interval": wilson_interval(*counts[name]),
                     "is_small": counts[name][1] < SMALL_GROUP}
              for name in order}
    return {"groups": groups, "test": rates_differ({name: counts[name] for name in order}).as_dict()}
