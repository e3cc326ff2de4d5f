"""Agreement statistics against values computed by hand, and their invariants (hypothesis)."""

from __future__ import annotations

import math
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imr_check.stats import (Confusion, chi_square_sf, fisher_exact, rates_differ, summarize, summarize_counts,
                             wilson_interval)

U, O = "upheld", "overturned"


def pairs(uu: int, uo: int, ou: int, oo: int) -> list[tuple[str, str]]:
    """(predicted, actual) pairs: uu predicted upheld and upheld, uo predicted upheld but overturned..."""
    return [(U, U)] * uu + [(U, O)] * uo + [(O, U)] * ou + [(O, O)] * oo


def test_the_confusion_matrix_counts_each_pair_in_its_cell():
    confusion = Confusion.of(pairs(20, 5, 10, 15))
    assert confusion.matrix() == {
        "predicted_upheld": {"actual_upheld": 20, "actual_overturned": 5},
        "predicted_overturned": {"actual_upheld": 10, "actual_overturned": 15},
    }
    assert confusion.total == 50


def test_kappa_recall_and_precision_match_the_hand_computation():
    # observed 35/50 = 0.7; predicted upheld 25/50, actual upheld 30/50;
    # chance 0.5*0.6 + 0.5*0.4 = 0.5; kappa (0.7-0.5)/(1-0.5) = 0.4.
    confusion = Confusion.of(pairs(20, 5, 10, 15))
    assert confusion.agreement == pytest.approx(0.7)
    assert confusion.kappa == pytest.approx(0.4)
    assert confusion.recall_overturned == pytest.approx(15 / 20)
    assert confusion.precision_overturned == pytest.approx(15 / 25)


def test_kappa_of_a_weak_rater_is_small_though_agreement_is_60_percent():
    # observed 60/100; predicted upheld 0.6, actual upheld 0.7; chance 0.42 + 0.12 = 0.54;
    # kappa 0.06 / 0.46.
    confusion = Confusion.of(pairs(45, 15, 25, 15))
    assert confusion.agreement == pytest.approx(0.6)
    assert confusion.kappa == pytest.approx(0.06 / 0.46)


def test_kappa_below_chance_is_negative():
    # Always wrong: observed 0, predicted upheld 0.5, actual upheld 0.5, chance 0.5 -> kappa -1.
    assert Confusion.of(pairs(0, 5, 5, 0)).kappa == pytest.approx(-1.0)


def test_the_always_upheld_baseline_is_scored_on_the_compared_items_only():
    rows = pairs(20, 5, 10, 15) + [(None, O)] * 7 + [(U, None)] * 3 + [(None, None)] * 2
    summary = summarize(rows)
    assert (summary.items, summary.decided, summary.compared) == (62, 53, 50)
    assert summary.coverage == pytest.approx(53 / 62)
    # Baseline: predicts upheld for all 50 compared items; 30 of them were upheld.
    assert summary.baseline_agreement == pytest.approx(30 / 50)
    assert summary.baseline_kappa == 0.0
    assert summary.baseline_recall_overturned == 0.0
    # Overturn rates: reviewers over every item with an outcome, predictions over decided items.
    assert (summary.outcomes, summary.overturned) == (57, 27)
    assert summary.overturn_rate == pytest.approx(27 / 57)
    assert summary.predicted_overturn_rate == pytest.approx(25 / 53)


def test_nothing_compared_gives_no_figures_not_zeros():
    summary = summarize([(None, U), (None, O)])
    assert summary.compared == 0
    assert summary.agreement is None and summary.kappa is None and summary.baseline_agreement is None
    assert summary.coverage == 0.0
    assert summarize([]).coverage is None


def test_an_outcome_that_is_not_upheld_or_overturned_is_refused():
    with pytest.raises(ValueError, match="upheld or overturned"):
        Confusion.of([("upheld", "denied")])


outcome = st.sampled_from([U, O])
maybe_outcome = st.one_of(st.none(), outcome)
rows_strategy = st.lists(st.tuples(maybe_outcome, maybe_outcome), max_size=200)


@given(st.lists(outcome, min_size=1, max_size=200))
def test_kappa_of_identical_labels_is_one_when_both_labels_occur_and_undefined_otherwise(labels):
    kappa = Confusion.of(zip(labels, labels)).kappa
    if len(set(labels)) == 2:
        assert kappa == pytest.approx(1.0)
    else:
        assert kappa is None


def test_a_group_with_one_class_has_no_kappa_not_one():
    # Every item upheld and predicted upheld: agreement 100%, but nothing beyond chance to measure.
    confusion = Confusion.of(pairs(12, 0, 0, 0))
    assert confusion.agreement == 1.0
    assert confusion.kappa is None and confusion.kappa_interval() is None
    # One rater using one label while the other uses both is defined: kappa 0.
    assert Confusion.of(pairs(12, 3, 0, 0)).kappa == 0.0


@given(st.lists(st.tuples(outcome, outcome), max_size=200))
def test_agreement_is_within_0_and_1_and_kappa_at_most_1(compared):
    confusion = Confusion.of(compared)
    if not compared:
        assert confusion.agreement is None and confusion.kappa is None
        return
    assert 0.0 <= confusion.agreement <= 1.0
    assert confusion.kappa is None or -1.0 <= confusion.kappa <= 1.0 + 1e-12


@given(rows_strategy)
def test_the_counts_add_up(rows):
    summary = summarize(rows)
    cells = [count for row in summary.confusion.values() for count in row.values()]
    assert sum(cells) == summary.compared <= summary.decided <= summary.items == len(rows)
    assert summary.decided == sum(1 for p, _ in rows if p is not None)
    assert summary.compared == sum(1 for p, a in rows if p is not None and a is not None)
    assert summary.overturned <= summary.outcomes == sum(1 for _, a in rows if a is not None)
    for share in (summary.coverage, summary.agreement, summary.baseline_agreement, summary.recall_overturned,
                  summary.precision_overturned, summary.overturn_rate, summary.predicted_overturn_rate):
        assert share is None or 0.0 <= share <= 1.0


@given(rows_strategy)
def test_summarizing_counts_is_summarizing_the_rows(rows):
    assert summarize_counts(Counter(rows)) == summarize(rows)


@given(st.lists(st.tuples(outcome, outcome), min_size=1, max_size=200))
def test_kappa_is_symmetric_in_the_two_raters(compared):
    forward = Confusion.of(compared).kappa
    backward = Confusion.of((a, p) for p, a in compared).kappa
    assert forward == pytest.approx(backward) if forward is not None else backward is None


def test_the_wilson_interval_matches_published_values():
    # Newcombe (1998), table I: 81 of 263 gives 0.2553 to 0.3662; 0 of 10 gives 0 to 0.2775.
    low, high = wilson_interval(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)
    low, high = wilson_interval(0, 10)
    assert low == 0.0 and round(high, 4) == 0.2775
    assert wilson_interval(0, 0) is None


@given(st.integers(0, 500), st.integers(1, 500))
def test_a_wilson_interval_holds_its_proportion(successes, trials):
    successes = min(successes, trials)
    low, high = wilson_interval(successes, trials)
    assert 0.0 <= low <= successes / trials <= high <= 1.0


def test_kappas_interval_matches_the_hand_computation():
    # Fleiss, Cohen and Everitt's variance worked by hand for 20/5/10/15 (kappa 0.4, p_e 0.5):
    # diagonal 0.10972, off-diagonal 0.10188, less 0.01, over 50 * 0.25: 0.016128, SE 0.12700.
    confusion = Confusion.of(pairs(20, 5, 10, 15))
    assert confusion.kappa == pytest.approx(0.4)
    low, high = confusion.kappa_interval()
    assert low == pytest.approx(0.4 - 1.959964 * 0.12700, abs=1e-3)
    assert high == pytest.approx(0.4 + 1.959964 * 0.12700, abs=1e-3)


def test_kappa_has_no_interval_when_both_raters_use_one_label():
    assert Confusion.of(pairs(30, 0, 0, 0)).kappa_interval() is None
    assert Confusion.of([]).kappa_interval() is None


def test_the_summary_gives_each_figure_its_interval_and_marks_small_groups():
    rows = pairs(20, 5, 10, 15) + [(None, O)] * 7
    summary = summarize(rows)
    assert summary.agreement_interval == wilson_interval(35, 50)
    assert summary.kappa_interval == Confusion.of(pairs(20, 5, 10, 15)).kappa_interval()
    assert summary.recall_overturned_interval == wilson_interval(15, 20)
    assert summary.precision_overturned_interval == wilson_interval(15, 25)
    assert summary.baseline_agreement_interval == wilson_interval(30, 50)
    assert summary.coverage_interval == wilson_interval(50, 57)
    assert summary.overturn_rate_interval == wilson_interval(27, 57)
    assert summary.is_small is False
    small = summarize(pairs(5, 1, 1, 2))
    assert small.is_small is True and small.agreement_interval is not None


def test_figures_that_are_undefined_have_no_interval():
    summary = summarize([(None, U), (U, None)])
    assert summary.agreement_interval is None and summary.kappa_interval is None
    assert summary.recall_overturned_interval is None and summary.precision_overturned_interval is None


@given(rows_strategy)
def test_every_interval_holds_its_figure(rows):
    summary = summarize(rows)
    for name in ("agreement", "kappa", "recall_overturned", "precision_overturned", "baseline_agreement",
                 "coverage", "overturn_rate"):
        value, interval = getattr(summary, name), getattr(summary, f"{name}_interval")
        if value is None:
            assert interval is None
        elif interval is not None:
            assert interval[0] - 1e-9 <= value <= interval[1] + 1e-9


def test_the_chi_square_tail_matches_published_critical_values():
    # The 5% and 1% critical values of the chi-square table.
    assert chi_square_sf(3.841459, 1) == pytest.approx(0.05, abs=1e-6)
    assert chi_square_sf(5.991465, 2) == pytest.approx(0.05, abs=1e-6)
    assert chi_square_sf(11.344867, 3) == pytest.approx(0.01, abs=1e-6)
    assert chi_square_sf(0.0, 4) == 1.0
    assert chi_square_sf(100.0, 2) == pytest.approx(math.exp(-50), rel=1e-6)


def test_fishers_exact_test_matches_the_tea_tasting_example():
    # Fisher's lady tasting tea, 3 of 4 right each way: two-sided p = 34/70.
    assert fisher_exact(3, 1, 1, 3) == pytest.approx(34 / 70)
    assert fisher_exact(4, 0, 0, 4) == pytest.approx(2 / 70)
    assert fisher_exact(2, 2, 2, 2) == pytest.approx(1.0)


def test_rates_differ_uses_chi_square_fisher_or_says_why_not():
    # 30/100 against 60/100: chi-square 18.18 on 1 df.
    result = rates_differ({"a": (30, 100), "b": (60, 100), "tiny": (5, 5)})
    assert result.test == "chi-square" and result.groups == ["a", "b"] and result.degrees_of_freedom == 1
    assert result.statistic == pytest.approx(200 * (30 * 40 - 60 * 70) ** 2 / (100 * 100 * 90 * 110))
    assert result.p_value < 0.001
    small = rates_differ({"a": (1, 12), "b": (6, 12)})
    assert small.test == "Fisher's exact" and small.p_value == pytest.approx(fisher_exact(1, 11, 6, 6))
    assert rates_differ({"a": (1, 12), "b": (2, 3)}).test is None  # "b" is under 10: one group left
    assert rates_differ({"a": (0, 12), "b": (0, 20)}).note.startswith("every group")


@given(st.integers(0, 15), st.integers(0, 15), st.integers(0, 15), st.integers(0, 15))
def test_fishers_p_is_a_probability_and_symmetric(a, b, c, d):
    p = fisher_exact(a, b, c, d)
    assert 0.0 < p <= 1.0
    assert fisher_exact(c, d, a, b) == pytest.approx(p)


def test_sparse_groups_get_a_monte_carlo_p_that_is_fixed_and_near_the_exact_one():
    groups = {"a": (1, 20), "b": (2, 20), "c": (6, 20)}
    result = rates_differ(groups)
    assert result.test == "chi-square, Monte Carlo" and result.degrees_of_freedom == 2
    assert rates_differ(groups) == result  # a fixed seed: the same p every run
    # The exact p by enumerating every table with these margins (9 overturned among 60, 20 per group).
    def probability(counts):
        return math.prod(math.comb(20, k) for k in counts) / math.comb(60, 9)
    share = 9 / 60
    def chi(counts):
        return sum((k - 20 * share) ** 2 / (20 * share) + (k - 20 * share) ** 2 / (20 * (1 - share)) for k in counts)
    exact = sum(probability((x, y, 9 - x - y)) for x in range(10) for y in range(10 - x)
                if chi((x, y, 9 - x - y)) >= result.statistic - 1e-9)
    assert result.p_value == pytest.approx(exact, abs=0.01)
