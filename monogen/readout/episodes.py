"""When an alert would have fired: its expression's range result read as Prometheus' rule
evaluator reads it, one evaluation a step.

An alert turns pending at the first evaluation its expression returns a series, fires at
the first later evaluation at least `for` after that (at once when `for` is 0), and
resolves at the first evaluation that returns no series: a missing step ends a run."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from monogen.readout.prometheus_api import Labels, Series


@dataclass(frozen=True)
class Episode:
    labels: Labels  # the alert's: the expression's series labels and the rule's labels
    start: float  # the first evaluation it fired at
    end: float  # the last evaluation it was firing at (resolved one step later)
    step: float

    @property
    def seconds(self) -> float:
        """Time firing: from the first firing evaluation to the one that resolved it."""
        return self.end - self.start + self.step


def runs(times: Iterable[float], step: float) -> list[tuple[float, float]]:
    """Consecutive evaluations (no step missing) as (first, last)."""
    found: list[tuple[float, float]] = []
    for t in times:
        if found and t - found[-1][1] <= step * 1.5:
            found[-1] = (found[-1][0], t)
        else:
            found.append((t, t))
    return found


def episodes(
    series: Iterable[Series], rule_labels: dict[str, str], hold: float, step: float
) -> list[Episode]:
    """Firing episodes of an alert whose expression returned `series` at `step`, held
    `hold` seconds (the rule's `for`) before firing."""
    found = []
    for s in series:
        labels = {k: v for k, v in s.labels if k != "__name__"}
        labels.update(rule_labels)
        key = tuple(sorted(labels.items()))
        times = [t for t, _ in s.points]  # any value, NaN too: a returned series fires
        for first, last in runs(times, step):
            # the first evaluation at least `hold` after the first: Prometheus compares
            # the time since the alert turned pending with `for`
            fires = [t for t in _between(first, last, step) if t - first >= hold - 1e-9]
            if fires:
                found.append(Episode(key, fires[0], last, step))
    return sorted(found, key=lambda e: (e.start, e.labels))


def _between(first: float, last: float, step: float) -> list[float]:
    count = round((last - first) / step)
    return [first + i * step for i in range(count + 1)]
