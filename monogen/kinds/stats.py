"""Critical values computed at build time and written into rules as numbers, so any
Prometheus-compatible engine evaluates the tests: chi-square and standard normal.

Rounded to six significant digits: the same bytes on every machine, whatever its libm."""

from __future__ import annotations

import math
from collections.abc import Callable


def _upper_gamma_regularized(a: float, x: float) -> float:
    """Q(a, x) = Γ(a, x) / Γ(a): a series below a + 1, a continued fraction above."""
    if x <= 0:
        return 1.0
    log_front = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        n = a
        while abs(term) > abs(total) * 1e-17:
            n += 1
            term *= x / n
            total += term
        return max(0.0, 1.0 - total * math.exp(log_front))
    # Lentz's method for the continued fraction of Γ(a, x)
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
        step = d * c
        h *= step
        if abs(step - 1) < 1e-16:
            break
    return math.exp(log_front) * h


def chi2_survival(x: float, dof: int) -> float:
    """P(X > x) for a chi-square variable with `dof` degrees of freedom."""
    return _upper_gamma_regularized(dof / 2, x / 2)


def _bisect(f: Callable[[float], bool], low: float, high: float) -> float:
    """The boundary where `f` turns from True to False."""
    for _ in range(200):
        mid = (low + high) / 2
        if f(mid):
            low = mid
        else:
            high = mid
    return (low + high) / 2


def _six(x: float) -> float:
    return float(f"{x:.6g}")


def chi2_critical(p: float, dof: int) -> float:
    """The x with P(X > x) = p: a statistic above it is significant at level p."""
    if not (0 < p < 1 and dof >= 1):
        raise ValueError(f"need 0 < p < 1 and dof >= 1, got p={p}, dof={dof}")
    return _six(_bisect(lambda x: chi2_survival(x, dof) > p, 0.0, 1e4))


def normal_survival(z: float) -> float:
    """P(Z > z) for a standard normal Z."""
    return 0.5 * math.erfc(z / math.sqrt(2))


def normal_quantile(confidence: float) -> float:
    """The z with P(Z > z) = 1 - confidence, unrounded (0.5 < confidence < 1)."""
    if not 0.5 < confidence < 1:
        raise ValueError(f"need 0.5 < confidence < 1, got {confidence}")
    tail = 1 - confidence
    return _bisect(lambda z: normal_survival(z) > tail, 0.0, 40.0)


def normal_critical(confidence: float) -> float:
    """The one-sided z with P(Z > z) = 1 - confidence, as rules write it."""
    return _six(normal_quantile(confidence))
