"""The layout's promises, checked on the source: no import cycles (counting imports inside
functions and TYPE_CHECKING blocks), small modules, guardrail kinds that live in their own
module, compile stages that never touch files, and guardrail options read by attribute."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from monogen.kinds.registry import KINDS

ROOT = Path(__file__).resolve().parent.parent / "monogen"
MODULES = {
    ".".join(p.relative_to(ROOT.parent).with_suffix("").parts).removesuffix(".__init__"): p
    for p in sorted(ROOT.rglob("*.py"))
}
MAX_LINES = 410  # "about 400": a module past it probably holds two ideas


def imports(path: Path) -> set[str]:
    """Every monogen module `path` imports, wherever the import statement stands."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            # `from monogen.compile import naming` imports the module monogen.compile.naming
            names = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
        else:
            continue
        found |= {n for n in names if n in MODULES and MODULES[n].name != "__init__.py"}
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module, or a self-import."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1 or node in graph[node]:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles() -> None:
    graph = {name: imports(path) for name, path in MODULES.items()}
    assert cycles(graph) == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_are_small(module: str) -> None:
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines; split it by idea"


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.key)
def test_a_kind_is_named_in_its_module_and_the_registry_only(kind) -> None:
    """Compilers iterate kinds: a kind's spec key and alert name appear in its own module
    (and its module's name in the registry), nowhere else in monogen/."""
    for name in (kind.key, kind.field, kind.alert, *kind.other_alerts):
        pattern = re.compile(rf"\b{re.escape(name)}\b")
        files = sorted(
            str(p.relative_to(ROOT))
            for p in MODULES.values()
            if pattern.search(p.read_text(encoding="utf-8")) and not _is_metric_field(name)
        )
        assert len(files) <= 2, f"{name!r} appears in {files}"


def _is_metric_field(name: str) -> bool:
    """Quality and resource kinds share their name with the metric they judge: the metric
    (declared in spec/metrics.py, drawn by dashboards) is another thing."""
    from monogen.spec.metrics import Metrics

    return name in Metrics.model_fields


def test_compile_stages_do_not_touch_files() -> None:
    pure = ("monogen.compile", "monogen.kinds", "monogen.model", "monogen.targets")
    io = re.compile(r"\bopen\(|\.write_text\(|\.write_bytes\(|\.read_text\(|\bos\.|shutil")
    offenders = [
        name
        for name, path in MODULES.items()
        if name.startswith(pure) and io.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def options_read_by_key(source: str) -> list[int]:
    """Lines that read a guardrail's options by string key: `x.options[...]`,
    `x.options.get(...)`, or either through a name bound to `x.options` (`o = rail.options`,
    then `o["window"]`). Options are typed (kinds/base.py `Options`): read by attribute."""
    tree = ast.parse(source)
    aliases = {
        t.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "options"
        for t in node.targets
        if isinstance(t, ast.Name)
    }

    def is_options(node: ast.expr) -> bool:
        return (isinstance(node, ast.Attribute) and node.attr == "options") or (
            isinstance(node, ast.Name) and node.id in aliases
        )

    found = set()
    for node in ast.walk(tree):
        keyed = isinstance(node, ast.Subscript) or (
            isinstance(node, ast.Attribute) and node.attr == "get"
        )
        if keyed and is_options(node.value):
            found.add(node.lineno)
    return sorted(found)


def test_the_options_scanner_finds_reads_by_key() -> None:
    source = (
        "a = rail.options['offset']\n"  # 1
        "b = rail.options.get('alert', 'X')\n"  # 2
        "o = rail.options\n"
        "c = o['window']\n"  # 4
        "d = RequestRateOptions.of(rail).offset\n"
        "e = self.options.severities\n"
        "f = spec.dashboard.title\n"
    )
    assert options_read_by_key(source) == [1, 2, 4]


def test_guardrail_options_are_read_by_attribute() -> None:
    offenders = {
        name: lines
        for name, path in MODULES.items()
        if (lines := options_read_by_key(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_targets_read_guardrails_through_the_model_only() -> None:
    """A target reads guardrails through the build model (rules and their intents, the
    generic fields of `Guardrail`), never a kind's module or its typed options: adding a
    kind touches no target (docs/adding-an-output-target.md)."""
    own = lambda m: m.startswith("monogen.kinds.") and m != "monogen.kinds.base"  # noqa: E731
    offenders = {
        name: sorted(filter(own, imports(path)))
        for name, path in MODULES.items()
        if name.startswith("monogen.targets") and any(map(own, imports(path)))
    }
    assert offenders == {}
