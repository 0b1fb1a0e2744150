"""The readout's statistics against scipy and textbook formulas computed here, apart from
monogen's code."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from monogen.readout import effects


def test_two_proportions_match_scipy() -> None:
    x_c, n_c, x_t, n_t = 120, 10_000, 165, 10_200
    got = effects.two_proportions(x_c, n_c, x_t, n_t, 0.95)
    assert got is not None
    p_c, p_t = x_c / n_c, x_t / n_t
    z = stats.norm.ppf(0.975)
    se = math.sqrt(p_c * (1 - p_c) / n_c + p_t * (1 - p_t) / n_t)
    assert got.difference == pytest.approx(p_t - p_c, rel=1e-12)
    assert got.difference_ci == pytest.approx((p_t - p_c - z * se, p_t - p_c + z * se), rel=1e-9)
    # the pooled two-sided z-test is the chi-square test of the 2x2 table without correction
    table = [[x_c, n_c - x_c], [x_t, n_t - x_t]]
    _, p, _, _ = stats.chi2_contingency(table, correction=False)
    assert got.p_value == pytest.approx(p, rel=1e-6)
    log_se = math.sqrt(1 / x_t - 1 / n_t + 1 / x_c - 1 / n_c)
    ratio = p_t / p_c
    assert got.ratio_ci == pytest.approx(
        (ratio * math.exp(-z * log_se), ratio * math.exp(z * log_se)), rel=1e-9
    )


def test_equal_rates_are_not_significant_and_a_large_gap_is() -> None:
    same = effects.two_proportions(100, 10_000, 101, 10_000, 0.95)
    assert same is not None and not same.significant and same.p_value > 0.9
    gap = effects.two_proportions(100, 10_000, 300, 10_000, 0.95)
    assert gap is not None and gap.significant and gap.p_value < 1e-10


def test_sample_ratio_matches_scipy_chisquare() -> None:
    counts = {"a": 50_800, "b": 49_200}
    got = effects.sample_ratio(counts, {"a": 50, "b": 50})
    assert got is not None
    expected = stats.chisquare([50_800, 49_200], [50_000, 50_000])
    assert got.chi_square == pytest.approx(expected.statistic, rel=1e-12)
    assert got.p_value == pytest.approx(expected.pvalue, rel=1e-6)
    three = effects.sample_ratio({"a": 700, "b": 200, "c": 100}, {"a": 60, "b": 30, "c": 10})
    assert three is not None and three.dof == 2
    ref = stats.chisquare([700, 200, 100], [600, 300, 100])
    assert three.p_value == pytest.approx(ref.pvalue, rel=1e-6)


def test_sample_size_matches_the_textbook_formula() -> None:
    p1, delta, alpha, power = 0.02, 0.005, 0.05, 0.8
    p2 = p1 + delta
    za, zb = stats.norm.ppf(1 - alpha), stats.norm.ppf(power)
    pbar = (p1 + p2) / 2
    n = (
        za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    ) ** 2 / delta**2
    assert effects.proportions_sample(p1, delta, alpha, power) == pytest.approx(n, rel=1e-9)
    # simulation: at that sample a one-sided test at alpha detects the margin about 80% of the time
    rng = np.random.default_rng(7)
    size = math.ceil(n)
    hits = 0
    for _ in range(2000):
        a, b = rng.binomial(size, p1), rng.binomial(size, p2)
        pooled = (a + b) / (2 * size)
        z = (b - a) / size / math.sqrt(pooled * (1 - pooled) * 2 / size)
        hits += z > za
    assert 0.76 < hits / 2000 < 0.84


def _prometheus_quantile(bounds: list[float], cumulative: list[float], q: float) -> float:
    """histogram_quantile as Prometheus' docs describe it, written out here."""
    rank = q * cumulative[-1]
    for i, count in enumerate(cumulative[:-1]):
        if count >= rank:
            start = bounds[i - 1] if i else 0.0
            below = cumulative[i - 1] if i else 0.0
            return start + (bounds[i] - start) * (rank - below) / (count - below)
    return bounds[-2]


def test_quantile_reads_buckets_as_prometheus_does() -> None:
    bounds = [0.1, 0.25, 0.5, 1.0, math.inf]
    cumulative = [300.0, 700.0, 900.0, 990.0, 1000.0]
    buckets = list(zip(bounds, cumulative, strict=True))
    for q in (0.1, 0.5, 0.9, 0.95, 0.995):
        assert effects.value_at_rank(buckets, q * 1000) == pytest.approx(
            _prometheus_quantile(bounds, cumulative, q)
        )
    value, low, high = effects.quantile_interval(buckets, 0.5, 0.95)
    spread = stats.norm.ppf(0.975) * math.sqrt(1000 * 0.25)
    assert (low, high) == pytest.approx(
        (
            _prometheus_quantile(bounds, cumulative, (500 - spread) / 1000),
            _prometheus_quantile(bounds, cumulative, (500 + spread) / 1000),
        )
    )
    assert low < value < high


def test_means_are_welch() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.normal(0.90, 0.01, 400), rng.normal(0.893, 0.02, 300)
    got = effects.means(list(a), list(b), 0.95)
    assert got is not None
    se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    assert got.standard_error == pytest.approx(se, rel=1e-9)
    assert got.p_value == pytest.approx(2 * stats.norm.sf(abs(b.mean() - a.mean()) / se), rel=1e-6)
    # at these sizes the normal approximation is close to Welch's t
    ref = stats.ttest_ind(b, a, equal_var=False)
    assert got.p_value == pytest.approx(ref.pvalue, rel=0.25)
    assert got.significant
