"""Runbooks: one Markdown page per alert of each experiment, rendered with Jinja2 from the
runbook templates (monogen's, or a project's overrides, read at load into the specs): what
the alert means, the exact query, thresholds and `for` of each severity, the dashboard
link, first checks for its category and where Alertmanager routes it."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from functools import cache, partial
from hashlib import sha256
from typing import Any

from monogen.compile import naming
from monogen.compile.coverage import RouteRow
from monogen.compile.promql import number
from monogen.kinds.base import SEVERITIES
from monogen.model.build import Compiled
from monogen.model.rules import AlertingRule
from monogen.spec.errors import Position, fail
from monogen.spec.runbook_templates import OVERRIDES, builtin_templates
from monogen.spec.validate import ExperimentDoc
from monogen.targets.base import Artifact, Target
from monogen.targets.markdown import code_block, inline_code, markdown_text, markdown_url

PAGE = "runbook.md.j2"


class Runbooks(Target):
    name = "runbooks"

    def shared(self, compiled: Compiled) -> list[Artifact]:
        templates = compiled.specs.runbook_templates
        env = cache(partial(environment, templates))  # made only if a page is rendered
        routed = bool(compiled.specs.alertings)
        routes: dict[tuple[str, str], list[RouteRow]] = defaultdict(list)
        for row in compiled.routes:
            routes[(row.experiment, row.alert)].append(row)
        artifacts = []
        shape = templates_digest(templates)  # once: every experiment's key reads it
        for exp in compiled.specs.experiments:
            by_alert: dict[str, list[AlertingRule]] = defaultdict(list)
            for rule in compiled.rules[exp.name].alerts:
                by_alert[rule.alert].append(rule)
            team = exp.spec.metadata.team
            name = f"{team}/{PAGE}" if f"{team}/{PAGE}" in templates else PAGE
            about = experiment_context(exp)
            contexts = {
                alert: {
                    "experiment": about,
                    "alert": alert_context(exp, alert, rules),
                    "routes": route_context(routes[(exp.name, alert)]),
                    "routed": routed,
                }
                for alert, rules in sorted(by_alert.items())
            }
            pages = partial(render_all, env, name, list(contexts.values()))
            texts = compiled.memo(memo_key(name, shape, list(contexts.values())), pages)
            if len(texts) != len(contexts):
                texts = pages()
            artifacts += [
                Artifact(naming.runbook_path(exp.name, alert), text, "text")
                for alert, text in zip(contexts, texts, strict=True)
            ]
        return artifacts


def environment(templates: dict[str, str]) -> Any:
    from jinja2 import DictLoader, StrictUndefined

    from monogen.targets.template_sandbox import BoundedSandbox, Trusted

    options: dict[str, Any] = {
        "loader": DictLoader(templates),
        "undefined": StrictUndefined,  # a misspelt field is an error, not an empty line
        "autoescape": False,
        "keep_trailing_newline": True,
        "trim_blocks": True,
        "lstrip_blocks": True,
    }
    # a project's overrides are untrusted: sandboxed and bounded; monogen's own templates
    # alone render without the sandbox's checks on every call and attribute
    own = templates == builtin_templates()
    env = Trusted(**options) if own else BoundedSandbox(**options)
    env.filters["md"] = markdown_text
    env.filters["code"] = inline_code
    env.filters["codeblock"] = code_block
    if not own:
        env.guard_filters()
    return env


def templates_digest(templates: dict[str, str]) -> str:
    """Every template's name and text, as one digest."""
    data = json.dumps(sorted(templates.items()), ensure_ascii=False)
    return sha256(data.encode()).hexdigest()


def memo_key(name: str, templates: str, contexts: list[dict[str, Any]]) -> str:
    """Everything an experiment's pages are rendered from (the rest is monogen's code);
    `templates` is their digest."""
    data = [PAGE, name, templates, contexts]
    return sha256(json.dumps(data, default=repr, ensure_ascii=False).encode()).hexdigest()


def render_all(env: Callable[[], Any], name: str, contexts: list[dict[str, Any]]) -> list[str]:
    environment = env()
    page = environment.get_template(name)
    return [render(environment, page, context) for context in contexts]


def render(env: Any, page: Any, context: dict[str, Any]) -> str:
    """A page's text; a project template that fails (a misspelt field, a missing include,
    a sandbox refusal, a bound passed) is the project's error, at the template's line."""
    from jinja2 import TemplateError

    try:
        return env.render_bounded(page, context).rstrip("\n") + "\n"
    except (TemplateError, RecursionError, ArithmeticError, LookupError, TypeError,
            ValueError, MemoryError) as exc:  # fmt: skip
        name, line = template_line(exc, page.name)
        where = Position(f"{OVERRIDES}/{name}", line or 0, 1 if line else 0)
        message = getattr(exc, "message", None) or str(exc)
        if isinstance(exc, RecursionError):
            message = "templates call each other without end"
        elif isinstance(exc, MemoryError):
            message = "the page needed more memory than there is"
        elif not isinstance(exc, TemplateError):
            message = f"{type(exc).__name__}: {str(exc)[:200]}"
        raise fail(where, f"runbook template failed: {message}") from None


def template_line(exc: BaseException, default: str) -> tuple[str, int | None]:
    """The template and line a render error arose at: Jinja2 rewrites its traceback so
    that template code shows as frames of the template's own name and line."""
    import traceback

    found: tuple[str, int | None] = (default, getattr(exc, "lineno", None))
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith(".md.j2") or frame.filename == "<template>":
            name = default if frame.filename == "<template>" else frame.filename
            found = (name, frame.lineno)
    return found


def experiment_context(exp: ExperimentDoc) -> dict[str, Any]:
    spec = exp.spec.spec
    return {
        "name": exp.name,
        "team": exp.spec.metadata.team,
        "description": spec.description,
        "source": exp.source,
        "variant_label": spec.variant_label or "",
        "variants": [
            {
                "name": v.name,
                "role": v.role,
                "traffic": None if v.traffic is None else number(v.traffic),
            }
            for v in spec.variants
        ],
        "dashboard_url": markdown_url(naming.dashboard_url(spec.grafana_url, exp.name)),
    }


def alert_context(exp: ExperimentDoc, alert: str, rules: list[AlertingRule]) -> dict[str, Any]:
    first = rules[0]
    rail = first.intent.rail if first.intent else None
    base = exp.spec.spec.runbook_url.rstrip("/")
    url = (rail.runbook_url if rail else None) or f"{base}/{naming.runbook_anchor(alert)}"
    levels = [
        {
            "severity": rule.labels.get("severity", ""),
            "noun": rule.intent.rail.noun if rule.intent else alert,
            "expr": rule.expr,
            "for": rule.for_ or "0s",
            # what the query compares: `series` `direction` `threshold`
            "direction": rule.intent.direction if rule.intent else "",
            "threshold": number(rule.intent.threshold) if rule.intent else "",
            "series": rule.intent.series if rule.intent else "",
        }
        for rule in rules
    ]
    rank = {severity: i for i, severity in enumerate(SEVERITIES)}
    levels.sort(key=lambda level: rank.get(level["severity"], len(rank)))  # critical first
    # a team's own category (`performance`) keeps the checks of what its guardrail judges
    kinds = {r.labels.get("category", ""): r.intent.rail.kind.category if r.intent else ""
             for r in reversed(rules)}  # fmt: skip
    categories = list(dict.fromkeys(r.labels.get("category", "") for r in rules))
    return {
        "name": alert,
        "categories": categories,
        "kind_categories": [kinds[c] or "default" for c in categories],
        "nouns": list(dict.fromkeys(level["noun"] for level in levels)),
        "per_variant": first.intent.per_variant if first.intent else True,
        "variants": list(rail.variants) if rail else [],
        "levels": levels,
        "runbook_url": markdown_url(url),
    }


def route_context(rows: list[RouteRow]) -> list[dict[str, Any]]:
    """Where each (severity, receivers) goes, with the variants that take that way."""
    ways: dict[tuple[str, tuple[str, ...], str], list[str]] = defaultdict(list)
    for row in rows:
        variants = ways[(row.severity, row.receivers, row.problem)]
        if row.variant and row.variant not in variants:
            variants.append(row.variant)
    return [
        {"severity": sev, "receivers": list(receivers), "problem": problem, "variants": variants}
        for (sev, receivers, problem), variants in sorted(ways.items())
    ]
