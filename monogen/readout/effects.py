"""Effects of a treatment against the control over a whole window, with confidence
intervals and p-values; the sample-ratio test; the sample a margin needs.

- error rates: the difference of two proportions (Wald interval, pooled two-sided z-test)
  and their ratio (Katz' log interval);
- latency quantiles, read from histogram buckets as `histogram_quantile` reads them: the
  interval of each variant's quantile from the binomial ranks around n·q, and the
  difference tested with the standard errors those intervals imply;
- gauges (model quality): Welch's difference of means of the samples at each step,
  with a normal approximation.
Every interval is two-sided at the report's confidence."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from monogen.kinds.stats import chi2_survival, normal_quantile, normal_survival

POWER = 0.8  # the chance of detecting an effect the size of the margin


@dataclass(frozen=True)
class Effect:
    control: float
    treatment: float
    difference: float
    difference_ci: tuple[float, float]
    ratio: float | None
    ratio_ci: tuple[float, float] | None
    p_value: float
    standard_error: float  # of the difference

    @property
    def significant(self) -> bool:
        return self.difference_ci[0] > 0 or self.difference_ci[1] < 0


def _z(confidence: float) -> float:
    return normal_quantile(1 - (1 - confidence) / 2)


def _p(z: float) -> float:
    if math.isnan(z):
        return math.nan  # no test: not a p-value of 0 (or 1) that would be read as one
    return min(1.0, 2 * normal_survival(abs(z)))


def _finite(*xs: float) -> bool:
    return all(math.isfinite(x) for x in xs)


def two_proportions(
    errors_c: float, n_c: float, errors_t: float, n_t: float, confidence: float
) -> Effect | None:
    """The treatment's error rate against the control's; None without requests, or with
    counts that are no numbers (NaN or infinite, as a broken counter gives). Errors
    counted past the requests (a separate errors counter, extrapolated apart) are all of
    them: a rate is at most 1."""
    if not _finite(errors_c, n_c, errors_t, n_t) or n_c <= 0 or n_t <= 0:
        return None
    errors_c, errors_t = min(max(errors_c, 0.0), n_c), min(max(errors_t, 0.0), n_t)
    p_c, p_t = errors_c / n_c, errors_t / n_t
    diff = p_t - p_c
    se = math.sqrt(p_t * (1 - p_t) / n_t + p_c * (1 - p_c) / n_c)
    z = _z(confidence)
    pooled = (errors_c + errors_t) / (n_c + n_t)
    se0 = math.sqrt(pooled * (1 - pooled) * (1 / n_c + 1 / n_t))
    p_value = _p(diff / se0) if se0 > 0 else (1.0 if diff == 0 else 0.0)
    ratio = ratio_ci = None
    if errors_c > 0 and errors_t > 0:
        ratio = p_t / p_c
        se_log = math.sqrt((1 - p_t) / errors_t + (1 - p_c) / errors_c)
        ratio_ci = (ratio * math.exp(-z * se_log), ratio * math.exp(z * se_log))
    return Effect(p_c, p_t, diff, (diff - z * se, diff + z * se), ratio, ratio_ci, p_value, se)


def proportions_sample(p_c: float, margin: float, alpha: float, power: float = POWER) -> float:
    """Requests per variant a one-sided test at level `alpha` needs to detect an error
    rate `margin` above the control's `p_c` with `power`."""
    p_t = min(p_c + margin, 1.0)
    if not p_t > p_c:
        return math.inf  # no rate above the control's is left to detect
    mean = (p_c + p_t) / 2
    z_a, z_b = normal_quantile(1 - alpha), normal_quantile(power)
    top = z_a * math.sqrt(2 * mean * (1 - mean)) + z_b * math.sqrt(
        p_c * (1 - p_c) + p_t * (1 - p_t)
    )
    return (top / (p_t - p_c)) ** 2


def scaled_sample(n: float, se: float, margin: float, alpha: float, power: float = POWER) -> float:
    """The sample that shrinks a standard error `se` seen at sample `n` (as 1/√n) until
    a one-sided test at `alpha` detects `margin` with `power`."""
    need = (normal_quantile(1 - alpha) + normal_quantile(power)) * se / margin
    return n * need * need


@dataclass(frozen=True)
class Mismatch:
    counts: dict[str, float]
    expected: dict[str, float]
    chi_square: float
    dof: int
    p_value: float


def sample_ratio(counts: dict[str, float], shares: dict[str, float]) -> Mismatch | None:
    """Pearson's goodness of fit of the counts to the declared shares."""
    total = sum(counts.get(v, 0.0) for v in shares)
    weight = sum(shares.values())
    if not _finite(total) or total <= 0 or weight <= 0 or len(shares) < 2:
        return None
    expected = {v: total * s / weight for v, s in shares.items()}
    chi = sum((counts.get(v, 0.0) - e) ** 2 / e for v, e in expected.items() if e > 0)
    dof = len(shares) - 1
    return Mismatch(dict(counts), expected, chi, dof, chi2_survival(chi, dof))


Buckets = Sequence[tuple[float, float]]  # (upper bound, cumulative count), +Inf last


def cumulative(buckets: Buckets) -> list[tuple[float, float]]:
    """Buckets as `histogram_quantile` reads them: by bound, those of one bound added up,
    and each count at least the one below (a scrape between two buckets' increments)."""
    merged: dict[float, float] = {}
    for bound, count in buckets:
        merged[bound] = merged.get(bound, 0.0) + count
    out, most = [], -math.inf
    for bound, count in sorted(merged.items()):
        most = max(most, count)
        out.append((bound, most))
    return out


def value_at_rank(buckets: Buckets, rank: float) -> float:
    """The value `histogram_quantile` gives the observation of `rank`: the first bucket
    holding that many, linear within it (from 0 for the first); in the +Inf bucket, the
    highest finite bound; NaN without a +Inf bucket or another to go with it."""
    ordered = cumulative(buckets)
    if len(ordered) < 2 or ordered[-1][0] != math.inf:
        return math.nan
    found = next((i for i, (_, c) in enumerate(ordered[:-1]) if c >= rank), len(ordered) - 1)
    if found == len(ordered) - 1:
        return ordered[-2][0] if len(ordered) > 1 else math.nan
    bound, count = ordered[found]
    if found == 0 and bound <= 0:
        return bound
    start, below = ordered[found - 1] if found > 0 else (0.0, 0.0)
    if count - below <= 0:
        return start
    return start + (bound - start) * (rank - below) / (count - below)


def quantile_interval(buckets: Buckets, q: float, confidence: float) -> tuple[float, float, float]:
    """(quantile, low, high) from cumulative bucket counts."""
    n = cumulative(buckets)[-1][1]
    z = _z(confidence)
    spread = z * math.sqrt(n * q * (1 - q))
    rank = q * n
    return (
        value_at_rank(buckets, rank),
        value_at_rank(buckets, max(rank - spread, 0.0)),
        value_at_rank(buckets, min(rank + spread, n)),
    )


def _from_intervals(
    c: tuple[float, float, float], t: tuple[float, float, float], confidence: float
) -> Effect:
    z = _z(confidence)
    se_c, se_t = (c[2] - c[1]) / (2 * z), (t[2] - t[1]) / (2 * z)
    se = math.sqrt(se_c**2 + se_t**2)
    diff = t[0] - c[0]
    p_value = _p(diff / se) if se > 0 else (1.0 if diff == 0 else 0.0)
    ratio = ratio_ci = None
    if c[0] > 0 and t[0] > 0:
        ratio = t[0] / c[0]
        se_log = math.sqrt((se_t / t[0]) ** 2 + (se_c / c[0]) ** 2)
        ratio_ci = (ratio * math.exp(-z * se_log), ratio * math.exp(z * se_log))
    return Effect(c[0], t[0], diff, (diff - z * se, diff + z * se), ratio, ratio_ci, p_value, se)


def quantiles(control: Buckets, treatment: Buckets, q: float, confidence: float) -> Effect | None:
    if not control or not treatment:
        return None
    if not _finite(*(x for _, x in [*control, *treatment])):
        return None
    if max(c for _, c in control) <= 0 or max(c for _, c in treatment) <= 0:
        return None
    c = quantile_interval(control, q, confidence)
    t = quantile_interval(treatment, q, confidence)
    if not _finite(*c, *t):
        return None  # no +Inf bucket, or no bound but it: no quantile to compare
    return _from_intervals(c, t, confidence)


def means(control: Sequence[float], treatment: Sequence[float], confidence: float) -> Effect | None:
    """Welch's difference of the means of two samples (e.g. a gauge at each step)."""
    if len(control) < 2 or len(treatment) < 2:
        return None
    m_c, m_t = sum(control) / len(control), sum(treatment) / len(treatment)
    v_c = sum((x - m_c) ** 2 for x in control) / (len(control) - 1)
    v_t = sum((x - m_t) ** 2 for x in treatment) / (len(treatment) - 1)
    se = math.sqrt(v_c / len(control) + v_t / len(treatment))
    z = _z(confidence)
    diff = m_t - m_c
    p_value = _p(diff / se) if se > 0 else (1.0 if diff == 0 else 0.0)
    ratio = m_t / m_c if m_c else None
    ratio_ci = None
    if ratio is not None and m_t:
        se_log = math.sqrt(v_t / len(treatment) / m_t**2 + v_c / len(control) / m_c**2)
        ratio_ci = (ratio * math.exp(-z * se_log), ratio * math.exp(z * se_log))
    return Effect(m_c, m_t, diff, (diff - z * se, diff + z * se), ratio, ratio_ci, p_value, se)
