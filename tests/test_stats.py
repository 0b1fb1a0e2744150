"""Critical values written into rules, against published tables (NIST/SEMATECH e-Handbook,
chi-square and normal distribution tables), not against the code that computes them."""

from __future__ import annotations

import pytest

from monogen.kinds.stats import chi2_critical, chi2_survival, normal_critical


@pytest.mark.parametrize(
    ("p", "dof", "table"),
    [
        (0.001, 1, 10.828),
        (0.001, 2, 13.816),
        (0.001, 3, 16.266),
        (0.001, 9, 27.877),
        (0.01, 1, 6.635),
        (0.05, 1, 3.841),
        (0.05, 10, 18.307),
        (0.01, 30, 50.892),
    ],
)
def test_chi_square_critical_values_match_the_table(p: float, dof: int, table: float) -> None:
    assert round(chi2_critical(p, dof), 3) == table


@pytest.mark.parametrize(
    ("confidence", "table"), [(0.95, 1.645), (0.99, 2.326), (0.999, 3.090), (0.975, 1.960)]
)
def test_normal_critical_values_match_the_table(confidence: float, table: float) -> None:
    assert round(normal_critical(confidence), 3) == table


def test_survival_is_the_tail_probability() -> None:
    # exact for 2 degrees of freedom: P(X > x) = exp(-x / 2)
    assert chi2_survival(4.0, 2) == pytest.approx(0.1353352832366127, rel=1e-12)
    assert chi2_survival(0.0, 3) == 1.0


def test_critical_values_have_six_significant_digits() -> None:
    assert chi2_critical(0.001, 1) == 10.8276
    assert len(repr(normal_critical(0.99)).replace(".", "")) <= 6


@pytest.mark.parametrize(("p", "dof"), [(0.0, 1), (1.0, 1), (0.01, 0)])
def test_refuses_impossible_levels(p: float, dof: int) -> None:
    with pytest.raises(ValueError):
        chi2_critical(p, dof)
