"""Series that must not count: decoys beside a proof's own series.

Where a selector leaves something out (`verb!="WATCH"`, `env!~"dev|test"`, a regex
narrower than any value), a proof that only holds series the selector picks would pass as
well with the matcher dropped. So each such matcher gets decoys: series that violate it,
and only it, carrying values that would flip the verdict were they counted — a WATCH
series with a huge latency beside a variant just inside its threshold. With the matcher
the alert stays as expected; a rule without it fails the proof. The healthy traffic of
the recording-rule tests gets decoys too: a recorded series that counted them would hold
another value than the one expected (which is computed from the proof's own series)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from monogen.compile.fixtures import Fixture, FixtureContext, Unsatisfiable
from monogen.compile.matchers import Matcher, excludes, of_selector
from monogen.spec.validate import ExperimentDoc

WEIGHT = 10  # a decoy's counters grow this many times as fast as the proof's own
HEALTHY_WEIGHT = 3  # and on healthy traffic: any other share changes every recorded sum


def excluding(exp: ExperimentDoc) -> list[Matcher]:
    """Every matcher of the experiment's selectors that leaves some value out beyond the
    one it names (equality matchers pick one value: the proofs show them as before)."""
    spec = exp.spec.spec
    found = of_selector(spec.selector)
    for _field, metric in spec.metrics:
        if metric is not None:
            found += metric.matchers()
    for rail in exp.guardrails:
        found += rail.kind.own_matchers(rail)
    return sorted({m for m in found if m[1] != "=" and excludes(m)})


def decoy_series(
    make: Callable[[FixtureContext], Fixture | None],
    fx: FixtureContext,
    matchers: list[Matcher],
    weight: int,
    keep: Callable[[Matcher], bool] = lambda m: True,
    interval: int | None = None,
    among: Sequence[dict[str, str]] = (),
) -> list[dict[str, str]]:
    """The series `make` builds with each matcher violated that a series built without
    violating it lacks (the others are the proof's own, or select nothing new) and that
    `among` lacks; only matchers `keep` keeps, and fixtures on the slots of `interval`."""
    found: list[dict[str, str]] = []
    seen = {s["series"] for s in among}
    for m in matchers:
        if not keep(m):
            continue
        try:
            plain = make(dataclasses.replace(fx, weight=weight))
            decoyed = make(dataclasses.replace(fx, weight=weight, decoy=m))
        except Unsatisfiable:
            continue  # no value violates it alone: no decoy for this matcher
        if plain is None or decoyed is None or interval not in (None, decoyed.interval):
            continue
        own = {s["series"] for s in plain.series}
        for s in decoyed.series:
            if s["series"] not in own and s["series"] not in seen:
                seen.add(s["series"])
                found.append(s)
    return found
