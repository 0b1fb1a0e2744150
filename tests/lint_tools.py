"""The differential harness of the lint tests: each release's own tool (promtool, amtool,
vmalert of the matrix) judges a file, and `monogen lint` judges it with its target-versions
set to that release. A tool's verdict is asked once per (release, file) in a test run."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from monogen.lint import versions
from monogen.lint.config import LintConfig
from monogen.lint.finding import Severity
from monogen.lint.run import lint_paths
from tests.conftest import ALERTMANAGER, PROMETHEUS, VICTORIA_METRICS, run_tool

# product → (its tool, the releases of the matrix, the target-versions key, lint --kind)
PRODUCTS = {
    "prometheus": ("promtool", PROMETHEUS, "prometheus", "rules"),
    "alertmanager": ("amtool", ALERTMANAGER, "alertmanager", "alertmanager"),
    "victoria-metrics": ("vmalert", VICTORIA_METRICS, "victoriametrics", None),
}


@cache
def tool_verdict(product: str, release: str, path: Path) -> tuple[bool, str]:
    """(refused, what the tool said) from `release`'s own tool."""
    name = PRODUCTS[product][0]
    args = {
        "promtool": ("promtool", "check", "rules", str(path)),
        "amtool": ("amtool", "check-config", str(path)),
        "vmalert": ("vmalert", "-dryRun", f"-rule={path}", "-loggerLevel=ERROR"),
    }[name]
    done = run_tool(*args, version=release, timeout=30)
    return done.returncode != 0, (done.stdout + done.stderr).strip()


def monogen_errors(product: str, release: str, path: Path) -> list[str]:
    """monogen's errors on `path`, linting for `release`."""
    _, _, key, kind = PRODUCTS[product]
    config = LintConfig(settings={"target_versions": {key: versions.parse(release)}})
    findings = lint_paths([path], config, kind=kind).findings
    return [f"{f.line}: {f.check}: {f.message}" for f in findings if f.severity >= Severity.ERROR]


def assert_agrees(product: str, release: str, path: Path) -> bool:
    """monogen's verdict for `release` is its tool's; returns the verdict (refused)."""
    refused, said = tool_verdict(product, release, path)
    errors = monogen_errors(product, release, path)
    assert bool(errors) == refused, (
        f"{PRODUCTS[product][0]} {release}: {'refused' if refused else 'accepted'}: "
        f"{said[-600:]}\nmonogen: {errors}"
    )
    return refused


def folder_claim(product: str, path: Path) -> None:
    """A corpus file's folder says how the releases judge it: good/ (all accept), bad/ (all
    refuse) or versioned/ (some accept, some refuse)."""
    releases = PRODUCTS[product][1]
    refused = {r: tool_verdict(product, r, path)[0] for r in releases}
    found = "bad" if all(refused.values()) else "good" if not any(refused.values()) else "versioned"
    assert path.parent.name == found, f"the tools say {found}: {refused}"
