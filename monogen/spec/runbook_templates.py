"""Runbook templates: monogen's own (package data under monogen/templates/runbooks) and a
project's overrides, read from `runbook-templates/` in a specs directory. A project file
replaces the built-in one of the same name (`runbook.md.j2`, `checks/latency.md.j2`); one
under a team's folder (`<team>/runbook.md.j2`) only for that team's alerts."""

from __future__ import annotations

from pathlib import Path

from monogen.spec.errors import Position, SpecError, SpecErrors

OVERRIDES = "runbook-templates"  # the folder in a specs directory
SUFFIX = ".md.j2"


def builtin_templates() -> dict[str, str]:
    from monogen.resources import package_texts

    return package_texts("runbooks")


def project_template_files(root: Path) -> list[tuple[str, Path]]:
    """(template name, file) for each override under `root`, in name order."""
    folder = root / OVERRIDES
    if not root.is_dir() or not folder.is_dir():
        return []
    found = [
        (p.relative_to(folder).as_posix(), p)
        for p in folder.rglob(f"*{SUFFIX}")
        if not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]
    return sorted(found)


def load_templates(roots: list[Path]) -> dict[str, str]:
    """The built-in templates with the project's overrides laid over them; a template that
    cannot be read or parsed is a positioned error."""
    templates = builtin_templates()
    overrides = [found for root in roots for found in project_template_files(root)]
    if not overrides:
        return templates
    from jinja2 import Environment, TemplateSyntaxError

    errors: list[SpecError] = []
    env = Environment()
    for name, path in overrides:
        try:
            text = path.read_text(encoding="utf-8")
            env.parse(text)
        except OSError as exc:
            errors.append(SpecError(Position(str(path)), f"cannot read: {exc.strerror}"))
            continue
        except UnicodeDecodeError:
            errors.append(SpecError(Position(str(path)), "not UTF-8 text"))
            continue
        except TemplateSyntaxError as exc:
            errors.append(
                SpecError(
                    Position(str(path), exc.lineno, 1),
                    f"invalid runbook template: {exc.message}",
                    hint="runbook templates are Jinja2 (the README says more under Runbooks)",
                )
            )
            continue
        templates[name] = text
    if errors:
        raise SpecErrors(errors)
    return templates
