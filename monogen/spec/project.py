"""The project's configuration for a build: `rulers:` and `rollouts:` in .monogen.yaml
(or `[tool.monogen.rulers]` in pyproject.toml), found in the specs' directory or above it.

    rulers:                       # or a list: [thanos, mimir, victoriametrics]
      thanos: {partialResponseStrategy: abort}
      mimir: {sourceTenants: [ml-a, ml-b], queryOffset: 1m}
      victoriametrics: {concurrency: 2}
    rollouts:                     # or a list: [argo, flagger]
      argo: {interval: 1m}
      flagger: {interval: 1m, prometheusAddress: http://prometheus.monitoring:9090}

Without one, a build writes what it always did: the plain Prometheus output only. The
`lint:` section of the same file belongs to `monogen lint` (monogen/lint/config.py).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints, ValidationError

from monogen.spec.alert_text import AlertDefaults
from monogen.spec.base import Duration, SpecModel
from monogen.spec.errors import Position, SpecError, SpecErrors, dotted, fail, unknown_names
from monogen.spec.loader import Document, load_text
from monogen.spec.names import AlertLabelName, LabelValue, Name
from monogen.spec.pydantic_errors import convert
from monogen.spec.secrets import find_secrets, locatable


def _not_dots(tenant: str) -> str:
    if tenant in (".", ".."):
        raise ValueError("a tenant id may not be '.' or '..'")
    return tenant


# Mimir's tenant ids: at most 150 of these characters, and not '.' or '..'.
TenantId = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9!._*'()-]+$", max_length=150),
    AfterValidator(_not_dots),
    Field(description="A Mimir tenant id (letters, digits and !-_.*'())."),
]


HttpAddress = Annotated[
    str,
    StringConstraints(pattern=r"^https?://[^\s{}]+$", max_length=2048),
    Field(description="http(s)://host:port of a Prometheus API."),
]


class ThanosOptions(SpecModel):
    partial_response_strategy: Literal["abort", "warn"] = Field(
        "abort",
        description="abort: a rule whose query misses a store fails (Thanos' default, safe "
        "for alerts); warn: it is evaluated on what answered.",
    )


class MimirOptions(SpecModel):
    source_tenants: tuple[TenantId, ...] = Field(
        (), description="Federated rule groups: evaluate each group over these tenants' data."
    )
    query_offset: Duration | None = Field(
        None, description="Evaluate this far in the past (Mimir's `query_offset`)."
    )


def _no_template(value: str) -> str:
    if "{{" in value:
        raise ValueError("vmalert expands templates in labels: write the value without '{{'")
    return value


class VictoriaMetricsOptions(SpecModel):
    concurrency: int | None = Field(
        None, ge=1, le=64, description="Rules of a group evaluated at once."
    )
    labels: dict[AlertLabelName, Annotated[LabelValue, AfterValidator(_no_template)]] = Field(
        default_factory=dict, description="Labels vmalert adds to every generated series."
    )
    params: dict[
        Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_.]*$")],
        tuple[Annotated[str, StringConstraints(min_length=1)], ...],
    ] = Field(default_factory=dict, description="URL parameters of every query, e.g. nocache.")


class Rulers(SpecModel):
    thanos: ThanosOptions | None = None
    mimir: MimirOptions | None = None
    victoriametrics: VictoriaMetricsOptions | None = None


ENGINES: tuple[str, ...] = tuple(Rulers.model_fields)


# Measurement intervals both controllers read (Flagger's CRD: `^[0-9]+(m|s)`).
GateInterval = Annotated[
    str,
    StringConstraints(pattern=r"^[1-9][0-9]{0,5}[ms]$"),
    Field(description="Between two measurements of a gate: seconds or minutes, e.g. 1m."),
]
Severities = tuple[Literal["critical", "warning", "info"], ...]


class GateOptions(SpecModel):
    interval: GateInterval = "1m"
    severities: Severities = Field(
        ("critical", "warning", "info"), description="Alerts of these severities become gates."
    )


class ArgoOptions(GateOptions):
    prometheus_address: HttpAddress | None = Field(
        None,
        description="Default of the `prometheus-address` argument (else the Rollout gives it).",
    )


class FlaggerOptions(GateOptions):
    prometheus_address: HttpAddress = Field(
        "http://prometheus:9090", description="The MetricTemplates' provider address."
    )


class Rollouts(SpecModel):
    argo: ArgoOptions | None = None
    flagger: FlaggerOptions | None = None


CONTROLLERS: tuple[str, ...] = tuple(Rollouts.model_fields)


class OperatorOptions(SpecModel):
    """How the Prometheus Operator's Alertmanager resource reads AlertmanagerConfigs."""

    alertmanager_config_matcher_strategy: Literal[
        "OnNamespace", "OnNamespaceExceptForAlertmanagerNamespace", "None"
    ] = Field(
        "OnNamespace",
        description="The Alertmanager resource's `alertmanagerConfigMatcherStrategy.type` "
        "(the operator's default: OnNamespace, each config receives only alerts whose "
        "`namespace` label is its own namespace).",
    )
    alertmanager_namespace: Name | None = Field(
        None,
        description="The Alertmanager resource's namespace (for "
        "OnNamespaceExceptForAlertmanagerNamespace: configs there receive every alert).",
    )


class Project(SpecModel):
    operator: OperatorOptions = Field(default_factory=OperatorOptions)
    rulers: Rulers = Field(default_factory=Rulers)
    rollouts: Rollouts = Field(default_factory=Rollouts)
    alert_defaults: AlertDefaults | None = Field(
        None,
        description="Labels, category and text of every alert that neither its guardrail "
        "nor its experiment sets (docs/alert-text.md).",
    )
    lint: Any = None  # `monogen lint`'s section, validated there


def load(path: Path | None) -> Project:
    """The validated configuration (the default when there is none); SpecErrors with
    file:line:column positions otherwise."""
    if path is None:
        return Project()
    shown = _shown(path)
    doc = _document(path, shown)
    data = dict(doc.data)
    errors: list[SpecError] = []
    # addresses land in committed manifests: no credentials in them, and none echoed
    for found_path, what in find_secrets({k: v for k, v in data.items() if k != "lint"}):
        errors.append(
            SpecError(
                doc.where(locatable(found_path)),
                f"{what}: secrets never go in the configuration",
                dotted(found_path),
                "give the address without credentials; Argo Rollouts and Flagger take "
                "credentials from a Secret of their own",
            )
        )
    if errors:
        raise SpecErrors(errors)
    if "rulers" in data:
        data["rulers"] = _named_mapping(data["rulers"], doc, errors, "rulers", ENGINES, "ruler")
    if "rollouts" in data:
        data["rollouts"] = _named_mapping(
            data["rollouts"], doc, errors, "rollouts", CONTROLLERS, "rollout controller"
        )
    try:
        project = Project.model_validate(data)
    except ValidationError as exc:
        errors.extend(
            convert(exc, Document(shown, shown, 0, data, doc.key_marks, doc.value_marks), Project)
        )
    if errors:
        raise SpecErrors(errors)
    return project


def labels_in_use(path: Path | None, config: Project, used: dict[str, str]) -> list[SpecError]:
    """Ruler labels that would overwrite a label experiments select or tell variants
    apart by (`used`: label → what uses it): vmalert's group labels win over the series'
    own, so recorded series and alerts would lose their variant."""
    vm = config.rulers.victoriametrics
    clashes = sorted(set(vm.labels) & set(used)) if vm is not None and path else []
    if not clashes:
        return []
    doc = _document(path, _shown(path))  # type: ignore[arg-type]
    return [
        SpecError(
            doc.where(("rulers", "victoriametrics", "labels", label), key=True),
            f"ruler label {label!r} would overwrite the label {used[label]}",
            f"rulers.victoriametrics.labels.{label}",
            "vmalert's group labels replace the series' own: choose a label no experiment uses",
        )
        for label in clashes
    ]


def _named_mapping(
    value: Any,
    doc: Document,
    errors: list[SpecError],
    key: str,
    known: tuple[str, ...],
    noun: str,
) -> Any:
    """`[thanos, mimir]` → `{thanos: {}, mimir: {}}`; `thanos:` with no options → `{}`."""
    if isinstance(value, list):
        names = [str(v) for v in value]
        for index, message, hint in unknown_names(names, list(known), noun):
            errors.append(SpecError(doc.where((key, index)), message, key, hint))
        return {name: {} for name in names if name in known}
    if isinstance(value, dict):
        return {k: ({} if v is None else v) for k, v in value.items()}
    return value


def _document(path: Path, shown: str) -> Document:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeError) as exc:
        raise fail(Position(shown), f"cannot read the project configuration: {exc}") from None
    if path.suffix == ".toml":
        return _toml_document(text, shown)
    docs = load_text(text, shown)
    if not docs:
        return Document(shown, shown, 0, {})
    if len(docs) > 1:
        raise fail(docs[1].where(()), "the project configuration is one YAML document")
    return docs[0]


def _toml_document(text: str, shown: str) -> Document:
    """TOML carries no positions: errors point at the `[tool.monogen...]` table."""
    try:
        data = tomllib.loads(text).get("tool", {}).get("monogen", {})
    except tomllib.TOMLDecodeError as exc:
        # 3.11's error carries its place only in its text: "... (at line 3, column 5)"
        at = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        where = Position(shown, int(at[1]), int(at[2])) if at else Position(shown)
        message = str(exc)[: at.start()].strip() if at else str(exc)
        raise fail(
            where,
            f"invalid TOML: {message}",
            hint="monogen reads its settings from this file's [tool.monogen] table; "
            "fix the file (another tool's table included) so that it parses",
        ) from None
    line = next(
        (n for n, t in enumerate(text.splitlines(), 1) if t.strip().startswith("[tool.monogen")),
        1,
    )
    return Document(shown, shown, 0, data, {}, {(): (line, 1)})


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
