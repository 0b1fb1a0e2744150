"""The interface of a guardrail kind, and the values kinds hand to the compilers.

A kind is one module: its spec model, how a written guardrail becomes a `Guardrail`
(validation, defaults, thresholds in the metric's unit), the alerts it compiles to, the
synthetic series that prove them under promtool, the dashboard panel it draws its
thresholds on, and the labels that tell its alerts apart for inhibition. Compilers call
these methods and never branch on a kind's name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import Field

from monogen.compile.fixtures import STEP, Fixture, FixtureContext
from monogen.compile.grafana import Panel
from monogen.compile.promql import Matcher
from monogen.compile.scope import Records, RuleContext, Scope
from monogen.model.alertmanager import InhibitRule
from monogen.model.rules import AlertingRule, RecordingRule
from monogen.model.text import AlertText
from monogen.spec.loader import PathKey
from monogen.spec.metrics import Metrics, Variant, field_of

Severity = Annotated[
    Literal["critical", "warning", "info"],
    Field(description="critical, warning or info: routes and inhibition read it."),
]
Direction = Literal["below", "above"]
SEVERITIES: tuple[Severity, ...] = ("critical", "warning", "info")


@dataclass(frozen=True)
class AlertLevel:
    severity: str
    threshold: float  # in the unit of the compared series
    for_: str


@dataclass(frozen=True, kw_only=True)
class Options:
    """What a guardrail takes beyond its levels. A kind that takes more declares a frozen
    subclass (its `options_type`) and reads it with `TheOptions.of(rail)`, by attribute:
    no string keys to mistype, and the fields a kind reads are written down in one place.

    The fields here are the identity a custom guardrail sets itself (its own alert name,
    category, direction, unit and noun); None: the kind's."""

    alert: str | None = None
    category: str | None = None
    direction: Direction | None = None
    unit: str | None = None
    noun: str | None = None

    @classmethod
    def of(cls, rail: Guardrail) -> Self:
        """The options of `rail`, which its kind made of this class (else a TypeError,
        rather than an AttributeError far from the kind that passed the wrong ones)."""
        if not isinstance(rail.options, cls):
            raise TypeError(
                f"a {rail.kind.key!r} guardrail holds {type(rail.options).__name__}, "
                f"not {cls.__name__}"
            )
        return rail.options


NO_OPTIONS = Options()


@dataclass(frozen=True)
class Guardrail:
    """A guardrail with defaults applied and thresholds converted: what compilers read."""

    kind: Kind
    levels: tuple[AlertLevel, ...]
    variants: tuple[str, ...] = ()  # empty: every variant
    runbook_url: str | None = None
    scale: str = "ratio"  # the judged gauge's scale (percent or ratio), where it has one
    matchers: tuple[Matcher, ...] = ()  # extra matchers on the judged series
    instance_labels: tuple[str, ...] = ()  # labels beside the variant telling alerts apart
    quantile: float | None = None  # the latency quantile judged, where one is
    options: Options = field(default=NO_OPTIONS, compare=False)  # the kind's options_type
    # a team's own name, labels and text per severity (kinds/identity.py), and where the
    # guardrail is written
    text: Mapping[str, Any] = field(default_factory=dict, compare=False)
    at: PathKey = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.options, Options):  # a mapping of the old free-form kind
            raise TypeError(f"Guardrail.options takes an Options, not {type(self.options)}")

    # A kind's identity, unless the guardrail sets its own (custom guardrails do).
    @property
    def alert(self) -> str:
        return self.kind.alert if self.options.alert is None else self.options.alert

    def alert_of(self, severity: str) -> str:
        """The name of its alerts of `severity`: the team's (kinds/identity.py), or `alert`."""
        return getattr(self.text.get(severity), "alert", None) or self.alert

    @property
    def category(self) -> str:
        """The team's category (kinds/identity.py), a custom guardrail's, or the kind's."""
        own = next((t.category for t in self.text.values() if t.category), None)
        mine = self.options.category
        return own or (self.kind.category if mine is None else mine)

    @property
    def direction(self) -> str:
        return self.kind.direction if self.options.direction is None else self.options.direction

    @property
    def unit(self) -> str:
        mine = self.options.unit
        return getattr(self.kind, "unit", "number") if mine is None else mine

    @property
    def noun(self) -> str:
        return self.kind.noun if self.options.noun is None else self.options.noun


def written_once(guardrails: Iterable[Guardrail]) -> dict[str, Guardrail]:
    """Guardrails by kind key, for kinds that made exactly one: what a panel's
    `thresholdsFrom` may name without ambiguity."""
    found: dict[str, list[Guardrail]] = {}
    for rail in guardrails:
        found.setdefault(rail.kind.key, []).append(rail)
    return {key: rails[0] for key, rails in found.items() if len(rails) == 1}


Err = Callable[[PathKey, str, str], None]


@dataclass(frozen=True)
class RailContext:
    """What a kind sees of its experiment while validating one guardrail."""

    metrics: Metrics
    variants: tuple[Variant, ...]
    path: PathKey  # of the guardrail in the document
    err: Err  # records a positioned error: (path, message, hint)
    selector: dict[str, str] = field(default_factory=dict)  # the experiment's
    reserved_alerts: frozenset[str] = frozenset()  # the alert names of other kinds
    variant_label: str | None = None
    rate_window: str = "5m"  # of the recording rules' rate()
    # (where, AlertDefaults) of the experiment, then of the project (where: None)
    alert_defaults: tuple[tuple[PathKey | None, Any], ...] = ()

    @property
    def variant_names(self) -> list[str]:
        return [v.name for v in self.variants]

    @property
    def split_declared(self) -> bool:
        return all(v.traffic is not None for v in self.variants)


class Kind:
    """One guardrail kind. Subclasses set the class attributes and implement `resolve`,
    `alerts` and `fixture`; the rest has defaults for a threshold on one judged value."""

    key: ClassVar[str]  # as written in specs (camelCase)
    model: ClassVar[Any]  # the spec model (a SpecModel, or a list of them)
    alert: ClassVar[str]
    other_alerts: ClassVar[tuple[str, ...]] = ()  # names of its own beside `alert` (a surge)
    category: ClassVar[str]
    direction: ClassVar[Direction]
    noun: ClassVar[str]
    panel: ClassVar[str | None] = None  # dashboard panel that draws its thresholds
    row: ClassVar[str] = "traffic"  # dashboard row of the panels it adds itself
    rate_based: ClassVar[bool] = False  # judges a rate: its first sample is a step late
    per_variant: ClassVar[bool] = True  # its alerts carry the variant label
    placeholders: ClassVar[tuple[str, ...]] = ()  # of its own in alert text (`text_values`)
    options_type: ClassVar[type[Options]] = Options  # what its guardrails' `options` hold

    @property
    def field(self) -> str:
        """The spec key in snake case (the field of the spec model)."""
        return field_of(self.key)

    def resolve(self, spec: Any, ctx: RailContext) -> Guardrail | list[Guardrail] | None:
        raise NotImplementedError

    def quantiles(self, rail: Guardrail) -> tuple[float, ...]:
        """Latency quantiles the recording rules must provide for this guardrail."""
        return ()

    def records(self, rail: Guardrail, records: Records, metrics: Metrics) -> None:
        """Add the recording rules this guardrail needs (most read the shared ones)."""

    def alerts(self, rail: Guardrail, ctx: RuleContext) -> list[AlertingRule]:
        raise NotImplementedError

    def text_values(self, rail: Guardrail, rule: AlertingRule) -> dict[str, AlertText]:
        """What each of `placeholders` shows in the text of `rule`, one of its alerts."""
        return {}

    def inhibitions(self, rail: Guardrail, variant_label: str) -> list[InhibitRule]:
        """Inhibit rules its alerts need in the team's Alertmanager subtree."""
        return []

    def gates(self, rail: Guardrail) -> bool:
        """Whether its alerts become rollout gates (Argo Rollouts, Flagger): a gate asks
        the alert's question of the variant under analysis, reading `intent.series`."""
        return True

    # -- proof under promtool ---------------------------------------------------------

    def warmup(self, rail: Guardrail) -> float:
        """Seconds of input before the judged value is complete (a rate needs a step)."""
        return STEP if self.rate_based else 0

    def expected_record(
        self, rail: Guardrail, rule: RecordingRule, ctx: FixtureContext, healthy: Healthy
    ) -> list[tuple[dict[str, str], float]] | None:
        """The value of each series a recording rule this kind added holds on the healthy
        traffic, computed in Python (None: not one of this kind's rules)."""
        return None

    def probes(
        self, rail: Guardrail, threshold: float, ctx: FixtureContext
    ) -> tuple[float | None, float | None]:
        """A judged value just past the threshold, and one just inside it."""
        raise NotImplementedError

    def fixture(
        self, rail: Guardrail, ctx: FixtureContext, variant: str, value: float
    ) -> Fixture | None:
        """Input series under which `variant`'s judged value is `value`."""
        raise NotImplementedError

    def crossed(
        self, rail: Guardrail, threshold: float, ctx: FixtureContext, variant: str, value: float
    ) -> bool:
        if rail.direction == "below":
            return value < threshold
        return value > threshold

    def proof_rewrites(self, rail: Guardrail) -> dict[str, str]:
        """Text the proof's copy of the rules replaces (old → new) in this kind's rules:
        an `offset 1w` the proof reads as a shorter offset of the same expression, where
        proving the real one would cost promtool a week of evaluations."""
        return {}

    def floor_cases(
        self, rail: Guardrail, ctx: FixtureContext, variant: str, for_: float
    ) -> list[tuple[str, Fixture, bool, float, float]]:
        """Cases beside the threshold's for a condition the alert also needs (a minimum
        volume), on an alert holding `for_` seconds: (name, input series past the
        threshold, whether the alert fires on them, when to look, seconds the condition
        has held by then). A mutant of the condition fails one of them."""
        return []

    def decoy(self, rail: Guardrail, matcher: Matcher) -> str | None:
        """Which case a decoy belongs to: series that violate `matcher` (and only it) and
        that would flip the alert's verdict were the rule to lose it. "inside": beside the
        value just inside the threshold, at the value past it (a min, a max or a per-series
        comparison picks it; counters weigh more than the proof's, so a rate or a ratio
        is pulled past too); "fires": beside the value past it, at the value inside (a
        sum that grows back inside, a series that is there after all); None: no decoy."""
        return "inside"

    def own_matchers(self, rail: Guardrail) -> list[Matcher]:
        """Matchers of selectors the guardrail writes itself (beside its metrics')."""
        return []

    # -- dashboards -------------------------------------------------------------------

    def panel_note(self, rail: Guardrail) -> str:
        """A sentence for the description of the panel that draws this guardrail."""
        return ""

    def panels(self, rail: Guardrail, scope: Scope, metrics: Metrics) -> list[Panel]:
        """Panels of its own, for the dashboard row `row_of(rail)`."""
        return []

    def row_of(self, rail: Guardrail) -> str:
        return self.row


class PresenceKind(Kind):
    """A kind that judges whether something is there: its fixtures take 0 for absent (or
    down) and 1 for present, and 0 is what fires."""

    def probes(
        self, rail: Guardrail, threshold: float, ctx: FixtureContext
    ) -> tuple[float | None, float | None]:
        return 0.0, 1.0

    def crossed(
        self, rail: Guardrail, threshold: float, ctx: FixtureContext, variant: str, value: float
    ) -> bool:
        return value == 0


@dataclass(frozen=True)
class Healthy:
    """The healthy traffic of the recording-rule tests: counters a step per variant."""

    requests: dict[str, float]  # variant → requests a step
    errors: dict[str, float]  # variant → failed requests a step
    buckets: tuple[tuple[float, float], ...] = ()  # latency: (upper bound, observations a step)
    at: float = 0.0  # seconds into the test when the recorded values are checked
