"""Agreement statistics between predicted and actual IMR outcomes.

Nearly nine IMR items in ten are upheld, so accuracy alone says little: a predictor that always
says "upheld" scores ~89%. We report Cohen's kappa and recall/precision on overturned items, with
the always-upheld baseline beside them, each with its 95% interval: Wilson's for proportions,
Fleiss, Cohen and Everitt's large-sample interval for kappa. A group with fewer than
`SMALL_GROUP` compared items is marked small: its figures are anecdotes, not rates.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Iterable, Mapping, Optional

OUTCOMES = ("upheld", "overturned")
Z_95 = 1.959963984540054
SMALL_GROUP = 10
Interval = Optional[tuple[float, float]]


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> Optional[tuple[float, float]]:
    """The Wilson score interval of a proportion (95% by default): sound at 0, at n and for small n."""
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError(f"successes must lie in 0..{trials}, got {successes}")
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    # At 0 and at n the bounds are exactly 0 and 1; rounding would otherwise leave p just outside.
    low = 0.0 if successes == 0 else max(0.0, min(p, centre - half))
    high = 1.0 if successes == trials else min(1.0, max(p, centre + half))
    return low, high


@dataclass(frozen=True)
class Confusion:
    """Counts of (predicted, actual) over items that have both."""

    upheld_upheld: int = 0  # predicted upheld, actually upheld
    upheld_overturned: int = 0  # predicted upheld, actually overturned
    overturned_upheld: int = 0
    overturned_overturned: int = 0

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> "Confusion":
        counts = {f"{p}_{a}": 0 for p in OUTCOMES for a in OUTCOMES}
        for predicted, actual in pairs:
            if predicted not in OUTCOMES or actual not in OUTCOMES:
                raise ValueError(f"outcomes must be upheld or overturned, got {predicted!r}, {actual!r}")
            counts[f"{predicted}_{actual}"] += 1
        return cls(**counts)

    @property
    def total(self) -> int:
        return self.upheld_upheld + self.upheld_overturned + self.overturned_upheld + self.overturned_overturned

    @property
    def agreement(self) -> Optional[float]:
        return (self.upheld_upheld + self.overturned_overturned) / self.total if self.total else None

    @property
    def kappa(self) -> Optional[float]:
        """Cohen's kappa: agreement beyond what the two marginal distributions give by chance."""
        n = self.total
        if not n:
            return None
        observed = (self.upheld_upheld + self.overturned_overturned) / n
        predicted_upheld = (self.upheld_upheld + self.upheld_overturned) / n
        actual_upheld = (self.upheld_upheld + self.overturned_upheld) / n
        expected = predicted_upheld * actual_upheld + (1 - predicted_upheld) * (1 - actual_upheld)
        if expected == 1:
            # Both raters used one label only: chance explains all the agreement there is, and kappa is
            # 0/0. It is undefined, not 1: a group where every item was upheld and predicted upheld says
            # nothing about agreement beyond chance.
            return None
        return (observed - expected) / (1 - expected)

    def kappa_interval(self, z: float = Z_95) -> Optional[tuple[float, float]]:
        """Kappa's 95% interval from its large-sample variance (Fleiss, Cohen and Everitt 1969).

        None when kappa has no variance to speak of: no items, or both raters used one label.
        """
        n = self.total
        if not n:
            return None
        cells = {(p, a): getattr(self, f"{p}_{a}") / n for p in OUTCOMES for a in OUTCOMES}
        predicted = {p: cells[(p, OUTCOMES[0])] + cells[(p, OUTCOMES[1])] for p in OUTCOMES}
        actual = {a: cells[(OUTCOMES[0], a)] + cells[(OUTCOMES[1], a)] for a in OUTCOMES}
        expected = sum(predicted[o] * actual[o] for o in OUTCOMES)
        if expected >= 1:
            return None
        kappa = (sum(cells[(o, o)] for o in OUTCOMES) - expected) / (1 - expected)
        on_diagonal = sum(cells[(o, o)] * (1 - (predicted[o] + actual[o]) * (1 - kappa)) ** 2 for o in OUTCOMES)
        off_diagonal = (1 - kappa) ** 2 * sum(cells[(p, a)] * (actual[p] + predicted[a]) ** 2
                                               for p in OUTCOMES for a in OUTCOMES if p != a)
        variance = (on_diagonal + off_diagonal - (kappa - expected * (1 - kappa)) ** 2) / (n * (1 - expected) ** 2)
        half = z * math.sqrt(max(variance, 0.0))
        return max(-1.0, kappa - half), min(1.0, kappa + half)

    @property
    def recall_overturned(self) -> Optional[float]:
        actual = self.overturned_overturned + self.upheld_overturned
        return self.overturned_overturned / actual if actual else None

    @property
    def precision_overturned(self) -> Optional[float]:
        predicted = self.overturned_overturned + self.overturned_upheld
        return self.overturned_overturned / predicted if predicted else None

    def matrix(self) -> dict[str, dict[str, int]]:
        return {
            "predicted_upheld": {"actual_upheld": self.upheld_upheld, "actual_overturned": self.upheld_overturned},
            "predicted_overturned": {"actual_upheld": self.overturned_upheld,
                                     "actual_overturned": self.overturned_overturned},
        }


@dataclass(frozen=True)
class Summary:
    items: int
    decided: int
    compared: int
    coverage: Optional[float]
    agreement: Optional[float]
    kappa: Optional[float]
    recall_overturned: Optional[float]
    precision_overturned: Optional[float]
    confusion: dict[str, dict[str, int]]
    baseline_agreement: Optional[float]
    baseline_kappa: Optional[float]
    baseline_recall_overturned: Optional[float]
    # Over every item with an actual outcome, decided or not: how often reviewers overturn.
    outcomes: int = 0
    overturned: int = 0
    overturn_rate: Optional[float] = None
    predicted_overturn_rate: Optional[float] = None  # over decided items
    # 95% intervals (low, high) of the figures above; None where the figure is None or undefined.
    agreement_interval: Interval = None
    kappa_interval: Interval = None
    recall_overturned_interval: Interval = None
    precision_overturned_interval: Interval = None
    baseline_agreement_interval: Interval = None
    coverage_interval: Interval = None
    overturn_rate_interval: Interval = None
    is_small: bool = True  # fewer than SMALL_GROUP compared items

    def as_dict(self) -> dict:
        return asdict(self)


def summarize(rows: Iterable[tuple[Optional[str], Optional[str]]]) -> Summary:
    """Rows of (predicted outcome or None when undetermined, actual outcome or None)."""
    return summarize_counts(Counter(rows))


def summarize_counts(counts: Mapping[tuple[Optional[str], Optional[str]], int]) -> Summary:
    """The same from counts per (predicted, actual) pair: a stream keeps one counter, not its rows."""
    items = sum(counts.values())
    decided = sum(n for (p, _), n in counts.items() if p is not None)
    compared = {(p, a): n for (p, a), n in counts.items() if p is not None and a is not None}
    confusion = Confusion.of(pair for pair, n in compared.items() for _ in range(n))
    # The baseline is scored on the same items the predictor was scored on.
    baseline = Confusion.of(("upheld", a) for (_, a), n in compared.items() for _ in range(n))
    outcomes = sum(n for (_, a), n in counts.items() if a is not None)
    overturned = sum(n for (_, a), n in counts.items() if a == "overturned")
    predicted_overturned = sum(n for (p, _), n in counts.items() if p == "overturned")
    agreed = confusion.upheld_upheld + confusion.overturned_overturned
    actual_overturned = confusion.overturned_overturned + confusion.upheld_overturned
    predicted_overturned_compared = confusion.overturned_overturned + confusion.overturned_upheld
    return Summary(
        items=items,
        decided=decided,
        compared=sum(compared.values()),
        coverage=decided / items if items else None,
        agreement=confusion.agreement,
        kappa=confusion.kappa,
        recall_overturned=confusion.recall_overturned,
        precision_overturned=confusion.precision_overturned,
        confusion=confusion.matrix(),
        baseline_agreement=baseline.agreement,
        baseline_kappa=baseline.kappa,
        baseline_recall_overturned=baseline.recall_overturned,
        outcomes=outcomes,
        overturned=overturned,
        overturn_rate=overturned / outcomes if outcomes else None,
        predicted_overturn_rate=predicted_overturned / decided if decided else None,
        agreement_interval=wilson_interval(agreed, confusion.total),
        kappa_interval=confusion.kappa_interval(),
        recall_overturned_interval=wilson_interval(confusion.overturned_overturned, actual_overturned),
        precision_overturned_interval=wilson_interval(confusion.overturned_overturned, predicted_overturned_compared),
        baseline_agreement_interval=wilson_interval(baseline.upheld_upheld, baseline.total),
        coverage_interval=wilson_interval(decided, items),
        overturn_rate_interval=wilson_interval(overturned, outcomes),
        is_small=confusion.total < SMALL_GROUP,
    )


# Tests of a difference in proportions between groups (overturn rates by specialty, by guideline, ...).
# scipy is not a dependency and these tests are a few lines each: Pearson's chi-square test of
# homogeneity when every expected count is at least MIN_EXPECTED (Cochran's rule); else, for two
# groups, Fisher's exact test; else the chi-square statistic's exact distribution under the margins,
# by Monte Carlo with a fixed seed (as R's chisq.test(simulate.p.value = TRUE)): IMR overturns are
# rare (about one item in ten), so most groups' expected overturn counts are under 5.
MIN_EXPECTED = 5.0
MONTE_CARLO_TABLES = 9999
MONTE_CARLO_SEED = 20161101


def _upper_regularized_gamma(a: float, x: float) -> float:
    """Q(a, x) = Γ(a, x) / Γ(a): a series below a + 1, a continued fraction above (Numerical Recipes 6.2)."""
    if x <= 0:
        return 1.0
    log_front = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        denominator = a
        for _ in range(10_000):
            denominator += 1
            term *= x / denominator
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return max(0.0, 1.0 - total * math.exp(log_front))
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            break
    return min(1.0, math.exp(log_front) * h)


def chi_square_sf(statistic: float, degrees_of_freedom: int) -> float:
    """P(X >= statistic) for X chi-square distributed with the given degrees of freedom."""
    if degrees_of_freedom < 1:
        raise ValueError("degrees of freedom must be at least 1")
    return _upper_regularized_gamma(degrees_of_freedom / 2, statistic / 2)


def fisher_exact(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p of Fisher's exact test on [[a, b], [c, d]]: the tables as or less likely than this one."""
    row1, column1, n = a + b, a + c, a + b + c + d

    def log_probability(x: int) -> float:
        return (math.lgamma(row1 + 1) - math.lgamma(x + 1) - math.lgamma(row1 - x + 1)
                + math.lgamma(n - row1 + 1) - math.lgamma(column1 - x + 1) - math.lgamma(n - row1 - column1 + x + 1)
                - math.lgamma(n + 1) + math.lgamma(column1 + 1) + math.lgamma(n - column1 + 1))

    observed = log_probability(a)
    low, high = max(0, column1 + row1 - n), min(row1, column1)
    total = sum(math.exp(p) for x in range(low, high + 1) if (p := log_probability(x)) <= observed + 1e-7)
    return min(1.0, total)


@dataclass(frozen=True)
class DifferenceTest:
    """Do the groups' rates differ? `test` is None when it could not be run, and `note` says why."""

    test: Optional[str]
    groups: list[str]
    statistic: Optional[float] = None
    degrees_of_freedom: Optional[int] = None
    p_value: Optional[float] = None
    note: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def rates_differ(groups: Mapping[str, tuple[int, int]], min_group: int = SMALL_GROUP) -> DifferenceTest:
    """Test whether the share of successes differs between groups: {name: (successes, trials)}.

    Only groups of at least `min_group` trials take part (smaller ones say nothing alone).
    """
    taking_part = {name: counts for name, counts in groups.items() if counts[1] >= min_group}
    names = list(taking_part)
    if len(names) < 2:
        return DifferenceTest(None, names, note=f"fewer than two groups of {min_group} or more")
    successes = sum(s for s, _ in taking_part.values())
    trials = sum(t for _, t in taking_part.values())
    if successes in (0, trials):
        return DifferenceTest(None, names, note="every group has the same outcome: nothing to test")
    share = successes / trials
    sizes = [t for _, t in taking_part.values()]
    expected = [(t * share, t * (1 - share)) for t in sizes]
    statistic = _chi_square([s for s, _ in taking_part.values()], sizes, share)
    df = len(names) - 1
    if min(min(cell) for cell in expected) >= MIN_EXPECTED:
        return DifferenceTest("chi-square", names, statistic, df, chi_square_sf(statistic, df))
    if len(names) == 2:
        (s1, t1), (s2, t2) = taking_part.values()
        return DifferenceTest("Fisher's exact", names, p_value=fisher_exact(s1, t1 - s1, s2, t2 - s2),
                              note=f"an expected count under {MIN_EXPECTED:g}: exact test")
    return DifferenceTest("chi-square, Monte Carlo", names, statistic, df,
                          monte_carlo_p(statistic, successes, sizes),
                          note=f"an expected count under {MIN_EXPECTED:g}: p from {MONTE_CARLO_TABLES} tables with "
                               f"the same margins (seed {MONTE_CARLO_SEED})")


def _chi_square(successes: list[int], sizes: list[int], share: float) -> float:
    return sum((s - t * share) ** 2 / (t * share) + (s - t * share) ** 2 / (t * (1 - share))
               for s, t in zip(successes, sizes))


def monte_carlo_p(statistic: float, successes: int, sizes: list[int], tables: int = MONTE_CARLO_TABLES,
                  seed: int = MONTE_CARLO_SEED) -> float:
    """P(chi-square >= statistic) over random tables with the same margins: the successes dealt to the items at random."""
    import bisect
    import random

    generator = random.Random(seed)
    bounds = [sum(sizes[:i + 1]) for i in range(len(sizes))]
    trials = bounds[-1]
    share = successes / trials
    as_large = 0
    for _ in range(tables):
        counts = [0] * len(sizes)
        for item in generator.sample(range(trials), successes):
            counts[bisect.bisect_right(bounds, item)] += 1
        if _chi_square(counts, sizes, share) >= statistic - 1e-9:
            as_large += 1
    return (as_large + 1) / (tables + 1)
