"""Positioned documents → validated specs: pydantic per document, then the checks that
pydantic cannot express (traffic sums, references, units), then cross-document checks."""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError
from pydantic.alias_generators import to_camel

from monogen.compile.matchers import of_selector
from monogen.kinds.base import Guardrail, RailContext, written_once
from monogen.kinds.identity import check_alert_names
from monogen.kinds.registry import KINDS
from monogen.spec.alerting import Alerting
from monogen.spec.base import API_VERSION
from monogen.spec.dashboard_checks import check_dashboards, dashboard_titles
from monogen.spec.errors import SpecError, SpecErrors, dotted, unknown_names
from monogen.spec.experiment import Experiment
from monogen.spec.loader import Document, PathKey
from monogen.spec.names import look_alike
from monogen.spec.project import Project
from monogen.spec.pydantic_errors import convert
from monogen.spec.quantities import parse_duration
from monogen.spec.runbook_templates import builtin_templates
from monogen.spec.secrets import HINT, find_secrets, locatable
from monogen.spec.selectors import check_selectors

DOCUMENT_KINDS: dict[str, type[BaseModel]] = {"Experiment": Experiment, "Alerting": Alerting}


@dataclass(frozen=True)
class ExperimentDoc:
    spec: Experiment
    source: str  # display path stamped into generated headers
    doc: Document
    guardrails: tuple[Guardrail, ...]

    @property
    def name(self) -> str:
        return self.spec.metadata.name


@dataclass(frozen=True)
class AlertingDoc:
    spec: Alerting
    source: str
    doc: Document


@dataclass(frozen=True)
class Specs:
    experiments: tuple[ExperimentDoc, ...]
    alertings: tuple[AlertingDoc, ...]
    project: Project = dataclasses.field(default_factory=Project)  # the build's configuration
    # runbook template name → Jinja2 source: monogen's, with a project's overrides
    runbook_templates: dict[str, str] = dataclasses.field(
        default_factory=builtin_templates, compare=False
    )


Validated = tuple[list[SpecError], "ExperimentDoc | AlertingDoc | None"]


def validate(
    documents: list[Document],
    alert_defaults: tuple[Any, ...] = (),
    memo: dict[str, Validated] | None = None,
) -> Specs:
    """The documents validated, each on its own and then together; `alert_defaults`: the
    project's (AlertDefaults); `memo` (build --watch) keeps each document's own result
    while the document and the project's defaults are unchanged."""
    errors: list[SpecError] = []
    experiments: list[ExperimentDoc] = []
    alertings: list[AlertingDoc] = []
    for doc in documents:
        if memo is None:
            own, found = _validate_one(doc, alert_defaults)
        else:
            key = doc.digest() + _digest_of(alert_defaults)
            if key not in memo:
                memo[key] = _validate_one(doc, alert_defaults)
            own, found = memo[key]
        errors += own
        if isinstance(found, ExperimentDoc):
            experiments.append(found)
        elif isinstance(found, AlertingDoc):
            alertings.append(found)
    _check_unique(
        [(e.name, e.doc, ("metadata", "name")) for e in experiments], "experiment", errors
    )
    _check_unique(
        [(a.spec.metadata.team, a.doc, ("metadata", "team")) for a in alertings],
        "Alerting spec for team",
        errors,
    )
    _check_unique(dashboard_titles(experiments), "dashboard title", errors)
    _check_receivers_unique(alertings, errors)
    _check_smtp(alertings, errors)
    if errors:
        raise SpecErrors(errors)
    return Specs(
        tuple(sorted(experiments, key=lambda e: e.name)),
        tuple(sorted(alertings, key=lambda a: a.spec.metadata.team)),
    )


def _digest_of(defaults: tuple[Any, ...]) -> str:
    return "".join(d.model_dump_json() for d in defaults)


def _validate_one(doc: Document, alert_defaults: tuple[Any, ...]) -> Validated:
    """One document's own errors, and what it validated to."""
    errors: list[SpecError] = []
    model = _kind_model(doc, errors)
    if model is None or _refuse_secrets(doc, errors):
        return errors, None
    try:
        spec = model.model_validate(doc.data)
    except ValidationError as exc:
        return [*errors, *convert(exc, doc, model)], None
    if isinstance(spec, Experiment):
        guardrails = _check_experiment(spec, doc, errors, alert_defaults)
        return errors, ExperimentDoc(spec, doc.display, doc, guardrails)
    if isinstance(spec, Alerting):
        _check_alerting(spec, doc, errors)
        return errors, AlertingDoc(spec, doc.display, doc)
    return errors, None


def _refuse_secrets(doc: Document, errors: list[SpecError]) -> bool:
    """A secret anywhere in a spec is an error at its position, never quoted back; the
    document is not validated further (pydantic's messages would quote it)."""
    found = find_secrets(doc.data)
    for path, what in found:
        errors.append(
            SpecError(
                doc.where(locatable(path)), f"{what}: secrets never go in specs", dotted(path), HINT
            )
        )
    return bool(found)


def _kind_model(doc: Document, errors: list[SpecError]) -> type[BaseModel] | None:
    version = doc.data.get("apiVersion")
    if version != API_VERSION:
        errors.append(
            SpecError(
                doc.where(("apiVersion",)),
                f"expected apiVersion {API_VERSION!r}, got {version!r}",
                "apiVersion",
                f"start each document with `apiVersion: {API_VERSION}`",
            )
        )
        return None
    kind = doc.data.get("kind")
    if kind in DOCUMENT_KINDS:
        return DOCUMENT_KINDS[kind]
    close = difflib.get_close_matches(str(kind), list(DOCUMENT_KINDS), n=1)
    errors.append(
        SpecError(
            doc.where(("kind",)),
            f"unknown kind {kind!r}" if kind is not None else "missing required key 'kind'",
            "kind",
            f"did you mean {close[0]!r}?"
            if close
            else f"kinds: {', '.join(sorted(DOCUMENT_KINDS))}",
        )
    )
    return None


def _check_unique(
    items: list[tuple[str, Document, PathKey]],
    what: str,
    errors: list[SpecError],
    *,
    at_key: bool = False,
) -> None:
    first: dict[str, Document] = {}
    for name, doc, path in items:
        if name in first:
            errors.append(
                SpecError(
                    doc.where(path, key=at_key),
                    f"duplicate {what} {name!r}",
                    ".".join(map(str, path)),
                    f"first defined at {first[name].where(path, key=at_key)}; names must be unique",
                )
            )
        else:
            first[name] = doc


def _check_experiment(
    exp: Experiment, doc: Document, errors: list[SpecError], project_defaults: tuple[Any, ...]
) -> tuple[Guardrail, ...]:
    spec = exp.spec

    def err(path: PathKey, message: str, hint: str = "") -> None:
        errors.append(SpecError(doc.where(path), message, dotted(path), hint))

    names = [v.name for v in spec.variants]
    alike = [look_alike(n) for n in names]
    for i, name in enumerate(names):
        if name in names[:i]:
            err(("spec", "variants", i, "name"), f"duplicate variant {name!r}")
        elif alike[i] in alike[:i]:
            other = names[alike.index(alike[i])]
            err(
                ("spec", "variants", i, "name"),
                f"variant {name!r} cannot be told apart from {other!r} (they differ only in "
                "case or in how their characters are written)",
                "name variants so that a reader of a dashboard or a page sees the difference",
            )
    if len(names) > 1 and spec.variant_label is None:
        err(
            ("spec", "variants"),
            "several variants need `variantLabel`, the label that tells them apart",
            "add e.g. `variantLabel: model_name` to spec",
        )
    controls = [i for i, v in enumerate(spec.variants) if v.role == "control"]
    for i in controls[1:]:
        err(("spec", "variants", i, "role"), "only one variant can be the control")
    shares = [v.traffic for v in spec.variants]
    declared = [s for s in shares if s is not None]
    if declared and len(declared) != len(shares):
        i = shares.index(None)
        err(
            ("spec", "variants", i),
            f"variant {names[i]!r} has no `traffic` while others do",
            "declare the traffic share of every variant, or of none",
        )
    elif declared and abs(sum(declared) - 100) > 1e-6:
        err(
            ("spec", "variants"),
            f"traffic shares sum to {sum(declared):g}, not 100",
            " + ".join(f"{n} {s:g}" for n, s in zip(names, declared, strict=True)),
        )
    metrics = spec.metrics
    if metrics.requests is None and metrics.errors is not None:
        err(("spec", "metrics", "errors"), "`errors` needs `requests` to compute an error rate")
    if metrics.requests and metrics.requests.error_selector and metrics.errors:
        err(
            ("spec", "metrics", "errors"),
            "errors are given twice: by `requests.errorSelector` and by `errors`",
            "keep one of them",
        )
    check_selectors(spec, err)

    guardrails: list[Guardrail] = []
    defaults: tuple[tuple[PathKey | None, Any], ...] = (
        *((("spec", "alertDefaults"), spec.alert_defaults),) * bool(spec.alert_defaults),
        *((None, d) for d in project_defaults),
    )
    for kind in KINDS:
        written = getattr(spec.guardrails, kind.field)
        if written is None:
            continue
        path = ("spec", "guardrails", kind.key)
        reserved = frozenset(a for k in KINDS if k is not kind for a in (k.alert, *k.other_alerts))
        ctx = RailContext(
            metrics, tuple(spec.variants), path, err, tuple(of_selector(spec.selector)), reserved,
            spec.variant_label, spec.rate_window, defaults,
        )  # fmt: skip
        resolved = kind.resolve(written, ctx)
        if isinstance(resolved, list):  # a kind written as a list of guardrails
            guardrails.extend(resolved)
        elif resolved is not None:
            guardrails.append(resolved)
    check_dashboards(spec, list(written_once(guardrails)), err)
    check_alert_names(guardrails, doc, err)
    return tuple(guardrails)


def _check_known(
    values: list[str] | None, known: list[str], path: PathKey, what: str, err: Any
) -> None:
    for i, message, hint in unknown_names(values, known, what):
        err((*path, i), message, hint)


def _check_alerting(spec: Alerting, doc: Document, errors: list[SpecError]) -> None:
    def err(path: PathKey, message: str, hint: str = "") -> None:
        errors.append(SpecError(doc.where(path), message, dotted(path), hint))

    s = spec.spec
    receivers = list(s.receivers)
    intervals = list(s.time_intervals)
    for name, receiver in s.receivers.items():
        path = ("spec", "receivers", name)
        if not (receiver.slack or receiver.email or receiver.pagerduty or receiver.webhook):
            err(
                path,
                f"receiver {name!r} has no integration",
                "add slack, email, pagerduty or webhook",
            )
        for i, pd in enumerate(receiver.pagerduty):
            if (pd.routing_key_file is None) == (pd.service_key_file is None):
                err(
                    (*path, "pagerduty", i),
                    "PagerDuty needs exactly one of "
                    "`routingKeyFile` (Events API v2) or `serviceKeyFile` (v1)",
                )
        for i, hook in enumerate(receiver.webhook):
            parts = urlsplit(hook.url)
            if parts.username or parts.password or parts.query:
                err(
                    (*path, "webhook", i, "url"),
                    "webhook URL carries credentials or a query string",
                    "secrets never go in specs: put the token in a header on a proxy, "
                    "or point at an endpoint that needs none",
                )
    for i, route in enumerate(s.routes):
        at: PathKey = ("spec", "routes", i)
        _check_known(route.receivers, receivers, (*at, "receivers"), "receiver", err)
        for key, names in (
            ("muteTimeIntervals", route.mute_time_intervals),
            ("activeTimeIntervals", route.active_time_intervals),
        ):
            _check_known(names, intervals, (*at, key), "time interval", err)
        _check_interval_use(s, route, at, err)
        for key in ("group_wait", "group_interval", "repeat_interval"):
            value = getattr(route, key)
            if value is not None and parse_duration(value) <= 0:
                err((*at, to_camel(key)), f"{to_camel(key)} must be positive")


def _check_interval_use(s: Any, route: Any, at: PathKey, err: Any) -> None:
    """A mute interval that always holds silences the route for ever; an active one that
    never holds (31 February) keeps it from ever delivering."""
    from monogen.spec.time_intervals import always_holds, never_holds

    for key, names, judge, says in (
        (
            "muteTimeIntervals",
            route.mute_time_intervals,
            always_holds,
            "always holds: it mutes every alert routed here, for ever",
        ),
        (
            "activeTimeIntervals",
            route.active_time_intervals,
            never_holds,
            "never holds: no alert routed here is ever delivered",
        ),
    ):
        for j, name in enumerate(names):
            if name in s.time_intervals and judge(s.time_intervals[name]):
                err(
                    (*at, key, j),
                    f"time interval {name!r} {says}",
                    "an empty interval ({}) or sunday:saturday holds at every moment; "
                    "a day that no month has (31 february) at none",
                )


def _check_smtp(alertings: list[AlertingDoc], errors: list[SpecError]) -> None:
    """Email needs SMTP settings, which live in the one merged config: some team must set
    them."""
    if any(a.spec.spec.smtp for a in alertings):
        return
    for a in alertings:
        for name, receiver in a.spec.spec.receivers.items():
            if receiver.email:
                errors.append(
                    SpecError(
                        a.doc.where(("spec", "receivers", name, "email")),
                        f"receiver {name!r} sends email, but no Alerting spec sets `smtp`",
                        dotted(("spec", "receivers", name, "email")),
                        "add `smtp: {smarthost: host:587, from: alertmanager@...}` to one "
                        "Alerting spec",
                    )
                )


def _check_receivers_unique(alertings: list[AlertingDoc], errors: list[SpecError]) -> None:
    _check_unique(
        [
            (name, a.doc, ("spec", "receivers", name))
            for a in alertings
            for name in a.spec.spec.receivers
        ],
        "receiver",
        errors,
        at_key=True,
    )
