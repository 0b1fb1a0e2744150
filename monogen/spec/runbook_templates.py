"""Runbook templates: monogen's own (package data under monogen/templates/runbooks) and a
project's overrides, read from `runbook-templates/` in a specs directory. A project file
replaces the built-in one of the same name (`runbook.md.j2`, `checks/latency.md.j2`); one
under a team's folder (`<team>/runbook.md.j2`) only for that team's alerts."""

from __future__ import annotations

from pathlib import Path

from monogen.spec.errors import Position, SpecError, SpecErrors

OVERRIDES = "runbook-templates"  # the folder in a specs directory
SUFFIX = ".md.j2"
MAX_TEMPLATE_BYTES = 1_000_000


def builtin_templates() -> dict[str, str]:
    from monogen.resources import package_texts

    return package_texts("runbooks")


def project_template_files(root: Path) -> list[tuple[str, Path]]:
    """(template name, file) for each override under `root`, in name order: every
    `*.md.j2` entry, links and other non-regular files included, so that reading refuses
    them by name rather than skipping them in silence."""
    from monogen.output.tree import walk

    folder = root / OVERRIDES
    if not root.is_dir() or not folder.is_dir() or folder.is_symlink():
        return []
    found = [
        (rel, p)
        for rel, p, _mode in walk(folder)
        if rel.endswith(SUFFIX) and not any(part.startswith(".") for part in rel.split("/"))
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

    from monogen.output.tree import read_regular

    errors: list[SpecError] = []
    env = Environment()

    for name, path in overrides:
        try:
            # a link (to a CI secret, /dev/zero) or a FIFO is never read: templates are
            # the project's own files
            data = read_regular(path)
            if data is None:
                errors.append(
                    SpecError(
                        Position(str(path)),
                        "not a regular file of the project (a link, FIFO or device): not read",
                        hint="copy the template into runbook-templates/ instead of linking it",
                    )
                )
                continue
            if len(data) > MAX_TEMPLATE_BYTES:
                errors.append(SpecError(Position(str(path)), f"{len(data):,} bytes: too long"))
                continue
            text = data.decode("utf-8")
            env.parse(text)
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
