"""The peer benchmark's privacy rules, on plain numbers (reports/benchmarks.py): the k threshold,
the rounding, and differencing: two pools that differ by one state never show that state's figure.

The differencing checks are written against any "view" (values -> shown figures), and are shown
to catch the naive views (exact quartiles, a mean), so that they cannot pass by being toothless.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable, Sequence

import pytest

from reports import benchmarks
from reports.benchmarks import BAND, K, coarsen, distribution, quartiles

View = Callable[[Sequence[int]], tuple[float | None, ...]]


def shown(values: Sequence[int]) -> tuple[float | None, ...]:
    """What the dashboard shows of one figure: the three rounded quartiles, None where withheld
    (all three below K)."""
    return distribution(values).figures


def naive_quartiles(values: Sequence[int]) -> tuple[float | None, ...]:
    return quartiles(values) if len(values) >= K else (None, None, None)


def naive_rounded_quartiles(values: Sequence[int]) -> tuple[float | None, ...]:
    """Rounded like ours, but without the stability rule."""
    return tuple(coarsen(q) for q in quartiles(values)) if len(values) >= K else (None, None, None)


def naive_mean(values: Sequence[int]) -> tuple[float | None, ...]:
    return (statistics.mean(values),) if len(values) >= K else (None,)


def revealing_pairs(view: View, pools: list[tuple[list[int], int]]) -> list[tuple[list[int], int]]:
    """The (pool, x) pairs where the views of the pool and of the pool with x differ in a figure
    shown in both: what a viewer who subtracts the two views learns about x."""
    found = []
    for pool, x in pools:
        before, after = view(pool), view([*pool, x])
        if any(b is not None and a is not None and a != b for a, b in zip(after, before, strict=True)):
            found.append((pool, x))
    return found


def random_pools(seed: int, count: int = 1500) -> list[tuple[list[int], int]]:
    """Pools of 4 to 30 states with values from 0 to 100 (spread wide or clustered), each with
    one more state's value x."""
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    pools = []
    for _ in range(count):
        size = rng.randint(K - 1, 30)
        low = rng.randint(0, 70)
        spread = rng.choice([10, 30, 100])
        pools.append(([min(100, low + rng.randint(0, spread)) for _ in range(size)], rng.randint(0, 100)))
    return pools


# --- The threshold --------------------------------------------------------------------------------


def test_four_contributors_show_nothing() -> None:
    four = distribution([40, 41, 42, 43])
    assert four.contributors == 4
    assert not four.is_shown
    assert four.figures == (None, None, None)


def test_five_contributors_show_the_quartiles() -> None:
    five = distribution([38, 40, 41, 43, 44])
    assert five.is_shown
    assert five.figures == (40, 40, 40)


def test_quartiles_interpolate_and_round_to_the_nearest_ten() -> None:
    assert quartiles([10, 20, 30, 40, 50]) == (20, 30, 40)
    assert quartiles([1, 2, 3, 4]) == (1.75, 2.5, 3.25)
    assert [coarsen(v) for v in (0, 4.9, 5, 34.75, 35, 95, 100)] == [0, 0, 10, 30, 40, 100, 100]


# --- Differencing ---------------------------------------------------------------------------------


def test_two_pools_that_differ_by_one_state_show_the_same_figures() -> None:
    """Whether x joined or left the pool, every figure shown in both views is the same."""
    pools = random_pools(seed=12)
    assert revealing_pairs(shown, pools) == []


def test_the_naive_views_do_reveal_the_state_that_joined() -> None:
    """The check above has teeth: exact quartiles, rounded quartiles without the stability rule
    and a mean all let a viewer learn something of x by subtracting two views."""
    pools = random_pools(seed=12)
    for naive in (naive_quartiles, naive_rounded_quartiles, naive_mean):
        assert len(revealing_pairs(naive, pools)) > len(pools) // 10, naive.__name__


def test_a_state_that_changes_its_figure_changes_no_figure_shown() -> None:
    """The same pool before and after one state moved (an update), at two moments."""
    rng = random.Random(7)  # noqa: S311 (test data, not secrets)
    for _ in range(1500):
        others = [rng.randint(0, 100) for _ in range(rng.randint(K - 1, 25))]
        before, after = shown([*others, rng.randint(0, 100)]), shown([*others, rng.randint(0, 100)])
        assert all(b is None or a is None or a == b for a, b in zip(after, before, strict=True))


def test_the_value_of_the_state_that_joined_cannot_be_worked_out() -> None:
    """Five states at 10, 20, 30, 40 and 50 % done, and a sixth joins. With exact quartiles its
    value comes straight back (the median of six is the mean of the third and fourth values);
    what we show is, for every value it could have, either the same as before it joined or
    withheld, so every x in a whole band of values shows the same page."""
    pool = [10, 20, 30, 40, 50]
    x = 33
    exact_median = quartiles([*pool, x])[1]
    assert 2 * exact_median - 30 == x  # what a naive page gives away

    before = shown(pool)
    views: dict[tuple[float | None, ...], list[int]] = {}
    for value in range(101):
        after = shown([*pool, value])
        assert all(a is None or b is None or a == b for a, b in zip(after, before, strict=True))
        views.setdefault(after, []).append(value)
    # Each view the viewer might see is shared by many values of x: at least a band's worth.
    assert all(len(values) >= BAND for values in views.values()), views


def test_a_group_pooling_their_own_figures_learn_nothing_from_a_shown_figure() -> None:
    """Four states who know their own exact values compute, without the fifth, the same figure
    that is shown: a shown figure equals the one left out any single state."""
    rng = random.Random(3)  # noqa: S311 (test data, not secrets)
    for _ in range(1000):
        values = [rng.randint(0, 100) for _ in range(rng.randint(K, 20))]
        full = distribution(values)
        for i in range(len(values)):
            without = [coarsen(q) for q in quartiles(values[:i] + values[i + 1 :])]
            for position, figure in enumerate(full.figures):
                if figure is not None:
                    assert without[position] == figure


def test_nothing_about_one_state_is_shown_but_quartiles() -> None:
    """No mean, minimum or maximum: a Distribution holds a count and three rounded quartiles."""
    fields = set(benchmarks.Distribution.__dataclass_fields__)
    assert fields == {"contributors", "lower", "median", "upper"}


@pytest.mark.parametrize("size", [K, K + 1, 12, 56])
def test_identical_states_always_show_their_band(size: int) -> None:
    assert distribution([47] * size).figures == (50, 50, 50)
