"""The bad-spec suite: hostile or careless specs, built by the real CLI in a real process.

Every case holds one contract (`assert_contract`): either a positioned error, exit 2, no
traceback and nothing written anywhere; or exit 0, every file inside the output directory,
output that promtool, amtool, yaml and json accept, and `monogen test` proving every alert.
Some cases also demand the one outcome that is obviously right (`expect`)."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from tests.conftest import MINIMAL_EXPERIMENT, ROOT, SPECS, run_tool, tool

pytestmark = pytest.mark.tools

SEED = 20261201
ERROR = re.compile(r"\S+\.ya?ml:\d+:\d+: error:")
Docs = list[dict]


def base_docs() -> Docs:
    """The minimal experiment of the suite and the MLOps team's routing from specs/."""
    routing = yaml.safe_load((SPECS / "routing/mlops.yaml").read_text())
    return [yaml.safe_load(MINIMAL_EXPERIMENT), routing]


def write_docs(specs: Path, docs: Docs) -> None:
    specs.mkdir(parents=True)
    for i, doc in enumerate(docs):
        text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=1000)
        assert yaml.safe_load(text) == doc, "the suite wrote a spec that does not round-trip"
        (specs / f"{i:02d}-{doc['kind'].lower()}.yaml").write_text(text, encoding="utf-8")


def start(*args: str, tmp: Path | None = None) -> subprocess.Popen[str]:
    """The CLI in its own process, importing the monogen of this checkout."""
    return subprocess.Popen(
        [sys.executable, "-m", "monogen", *args],
        cwd=ROOT,
        env={**os.environ, **({"TMPDIR": str(tmp)} if tmp else {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
    )


def finish(proc: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
    stdout, stderr = proc.communicate(timeout=300)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def entries(root: Path, skip: set[Path]) -> set[Path]:
    """Every file and directory under root, except those in skip."""
    found = set()
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if here / d not in skip]
        found.update(here / name for name in [*dirnames, *filenames])
    return found


def clip(text: str, limit: int = 1500) -> str:
    return text if len(text) <= limit else text[:limit] + f"... ({len(text) - limit} more)"


def assert_contract(root: Path, docs: Docs, expect: str | None = None) -> Path | None:
    """Build `docs` under root. Returns the output directory if the build succeeded.
    `expect` ("error" or "build") demands the one outcome that is obviously right."""
    specs, out = root / "specs", root / "out" / "gen"
    write_docs(specs, docs)
    scratch = root / "tmp"  # `monogen test` stages its files in TMPDIR
    scratch.mkdir()
    skip = {specs, scratch}
    before = entries(root, skip)
    prove = ("test", str(specs), "--promtool", tool("promtool"))
    # `monogen test` does not read the build's output, so unless a refusal is expected
    # both run at once.
    proving = start(*prove, tmp=scratch) if expect != "error" else None
    try:
        built = finish(start("build", str(specs), "-o", str(out)))
        after = entries(root, skip)
        created = after - before
        said = clip(f"exit {built.returncode}\n{built.stdout}{built.stderr}")
        assert "Traceback" not in built.stdout + built.stderr, said
        assert built.returncode in (0, 2), said
        if built.returncode == 2:
            assert ERROR.search(built.stderr), f"no file:line:column: error: in\n{said}"
            # the position is in a spec, never in a file monogen generated
            in_spec = re.compile(re.escape(str(specs)) + r"/\S+\.ya?ml:\d+:\d+: error:")
            assert in_spec.search(built.stderr), f"no position in a spec in\n{said}"
            assert expect != "build", f"refused a spec it should build:\n{said}"
            assert not out.exists(), f"a failed build left {out}"
            assert not created, f"a failed build wrote {sorted(map(str, created))}"
            return None
        stray = [p for p in created if not (p == out or out in p.parents or p in out.parents)]
        stray = sorted(map(str, stray))
        outside = f" and wrote outside {out}: {stray}" if stray else ""
        assert expect != "error", f"built instead of refusing{outside}:\n{said}"
        assert not stray, f"wrote outside {out}: {stray}"
        proving = proving or start(*prove, tmp=scratch)
        rules = sorted(str(p) for p in (out / "prometheus/rules").glob("*.yaml"))
        if rules:
            checked = run_tool("promtool", "check", "rules", *rules)
            assert checked.returncode == 0, clip(checked.stdout + checked.stderr)
        config = out / "alertmanager/alertmanager.yaml"
        if config.exists():
            checked = run_tool("amtool", "check-config", str(config))
            assert checked.returncode == 0, clip(checked.stdout + checked.stderr)
        for path in sorted(p for p in out.rglob("*") if p.suffix in (".yaml", ".yml", ".json")):
            try:
                load = json.loads if path.suffix == ".json" else yaml.safe_load
                load(path.read_text(encoding="utf-8"))
            except (ValueError, yaml.YAMLError) as exc:
                raise AssertionError(f"{path.relative_to(out)} does not parse: {exc}") from None
        proof = finish(proving)
        proven = proof.returncode == 0 and "(100%)" in proof.stdout
        assert proven, clip(f"monogen test: exit {proof.returncode}\n{proof.stdout}{proof.stderr}")
        assert entries(root, skip) == after, "monogen test wrote outside its TMPDIR"
        return out
    finally:
        if proving is not None and proving.poll() is None:
            proving.kill()
            proving.wait()


# --- the reproductions ------------------------------------------------------------------

Mutation = Callable[[Docs], None]


def put(*path: str | int, **values: object) -> Mutation:
    """Set values in the mapping at path: a document index (0 experiment, 1 routing), keys."""

    def mutate(docs: Docs) -> None:
        node: object = docs
        for step in path:
            node = node[step]  # type: ignore[index]
        node.update(values)  # type: ignore[attr-defined]

    return mutate


def team(name: str) -> Mutation:
    def mutate(docs: Docs) -> None:
        docs[0]["metadata"]["team"] = docs[1]["metadata"]["team"] = name

    return mutate


def single_variant(name: str) -> Mutation:
    def mutate(docs: Docs) -> None:
        spec = docs[0]["spec"]
        del spec["variantLabel"], spec["guardrails"]["trafficSplit"]
        spec["variants"] = [{"name": name}]

    return mutate


def two_teams(first: str, second: str) -> Mutation:
    """Two experiments and two routing specs whose teams differ only in case."""

    def mutate(docs: Docs) -> None:
        team(first)(docs)
        other = copy.deepcopy(docs[0])
        other["metadata"].update(name="demo-ab-2", team=second)
        slack = {"apiUrlFile": "/etc/alertmanager/secrets/second/slack", "channel": "#second"}
        routing = {
            "apiVersion": "monogen/v1",
            "kind": "Alerting",
            "metadata": {"name": "second", "team": second},
            "spec": {
                "receivers": {"second-slack": {"slack": slack}},
                "routes": [{"receivers": ["second-slack"]}],
            },
        }
        docs += [other, routing]

    return mutate


def conflicting_selector(docs: Docs) -> None:
    docs[0]["spec"]["selector"] = {"job": "scorer"}
    docs[0]["spec"]["metrics"]["requests"]["selector"] = {"job": "scorer-canary"}


SHARES = {7: [14.3] * 6 + [14.2], 8: [12.4] * 4 + [12.6] * 4, 9: [11.1] * 8 + [11.2]}


def many_variants(n: int) -> Mutation:
    variants = [{"name": f"model-{i}", "traffic": share} for i, share in enumerate(SHARES[n], 1)]
    return put(
        0,
        "spec",
        variants=variants,
        metrics={
            "requests": {"name": "ab_test_requests_total"},
            "errors": {"name": "ab_test_errors_total"},
        },
        guardrails={"errorRate": {}, "trafficSplit": {"tolerance": 2}},
    )


def literal_in_labels(text: str) -> Callable[[Path], None]:
    """Prometheus templates alert labels; the rendered expectations of the promtool tests
    (proved by `monogen test`) must hold the spec's text literally."""

    def check(out: Path) -> None:
        values = set()
        for path in (out / "prometheus/tests").glob("*.yaml"):
            for case in yaml.safe_load(path.read_text())["tests"]:
                for rule_test in case.get("alert_rule_test", []):
                    for alert in rule_test["exp_alerts"]:
                        values.update(alert["exp_labels"].values())
        assert text in values, f"{text!r} not among the expected alert labels {sorted(values)}"

    return check


def recording_rules_tested(out: Path) -> None:
    tests = yaml.safe_load(next((out / "prometheus/tests").glob("*.yaml")).read_text())["tests"]
    assert any(case.get("promql_expr_test") for case in tests)


def case(
    mutate: Mutation, name: str, expect: str | None = None, check: Callable | None = None
) -> object:
    return pytest.param(mutate, expect, check, id=name)


def literal(make: Callable[[str], Mutation], text: str, name: str) -> object:
    """A Go template in a label value: it must reach the alert verbatim, not rendered."""
    return case(make(text), name, None, literal_in_labels(text))


RESERVED = ("experiment", "severity", "le", "__name__", "team", "category", "alertname", "quantile")
TRAVERSAL = "/etc/alertmanager/secrets/../../etc/passwd"
RECEIVERS = (1, "spec", "receivers")
LEAK = "https://runbooks.example.com/a\nhttps://evil.example.com/b"

CASES = [
    case(team("../../../escaped"), "1-team-path-traversal", "error"),
    literal(team, "ml{{ $labels.model_name }}", "2-team-go-template"),
    literal(single_variant, "{{ $value | humanize }}", "2-variant-value-template"),
    literal(single_variant, '{{ query "up" }}', "2-variant-query-template"),
    case(
        put(*RECEIVERS, "mlops-email", "email", to=["oncall{{@example.com"]),
        "3-email-template",
        "error",
    ),
    case(put(0, "spec", dashboard={"folder": "\n  Team A\nML"}), "4-folder-leading-newline"),
    case(put(0, "metadata", name="overview"), "5-experiment-overview", "error"),
    case(team("ml=~ops"), "6-team-regex-operator"),
    case(team('ml"ops'), "6-team-quote"),
    case(team("ml\\ops"), "6-team-backslash"),
    case(team("ML Ops!"), "6-team-space-bang", "error"),
    case(team("a/b"), "6-team-slash", "error"),
    case(two_teams("mlops", "MLOps"), "6-teams-differ-in-case", "error"),
    *[case(put(0, "spec", variantLabel=x), f"7-variantLabel-{x}", "error") for x in RESERVED],
    case(conflicting_selector, "8-selector-conflict", "error"),
    *[
        case(many_variants(n), f"9-{n}-variants", "build", recording_rules_tested)
        for n in (7, 8, 9)
    ],
    case(
        put(0, "metadata", labels={"monogen.dev/experiment": "x"}), "10-label-experiment", "error"
    ),
    case(
        put(0, "metadata", labels={"app.kubernetes.io/managed-by": "helm"}),
        "10-label-managed-by",
        "error",
    ),
    case(put(0, "metadata", labels={"not a key!": "x"}), "10-label-invalid-key", "error"),
    case(
        put(0, "metadata", labels={"release": "kube prometheus!"}),
        "10-label-invalid-value",
        "error",
    ),
    case(
        put(*RECEIVERS, "mlops-slack", "slack", apiUrlFile=TRAVERSAL),
        "11-apiUrlFile-dotdot",
        "error",
    ),
    case(
        put(*RECEIVERS, "mlops-pagerduty", "pagerduty", routingKeyFile=TRAVERSAL),
        "11-routingKeyFile-dotdot",
        "error",
    ),
    case(put(1, "spec", "smtp", authPasswordFile=TRAVERSAL), "11-authPasswordFile-dotdot", "error"),
    case(
        put(0, "spec", "guardrails", accuracy={"runbookUrl": "javascript:alert(1)"}),
        "12-runbook-javascript",
        "error",
    ),
    case(
        put(0, "spec", "guardrails", accuracy={"runbookUrl": LEAK}), "12-runbook-multiline", "error"
    ),
    case(
        put(0, "spec", runbookUrl="https://runbooks.example.com/demo\n"),
        "12-runbook-trailing-newline",
        "error",
    ),
]


@pytest.mark.parametrize(("mutate", "expect", "check"), CASES)
def test_hostile_spec(tmp_path: Path, mutate, expect, check) -> None:
    docs = base_docs()
    mutate(docs)
    out = assert_contract(tmp_path, docs, expect)
    if out is not None and check is not None:
        check(out)


def test_the_unmutated_spec_builds(tmp_path: Path) -> None:
    """The suite's base is valid: every refusal above is the mutation's doing."""
    assert assert_contract(tmp_path, base_docs(), "build")


# --- any text in any string field -------------------------------------------------------

# Mappings whose keys are names the spec chooses (receivers, intervals, label names).
NAMED = {"receivers", "timeIntervals", "selector", "errorSelector", "match", "matchRe", "labels"}


def string_fields(node: object, path: tuple = ()) -> list[tuple[tuple, bool]]:
    """(path, is_key) for every string leaf, and every key of a mapping of names."""
    if isinstance(node, str):
        return [(path, False)]
    if isinstance(node, list):
        return [f for i, item in enumerate(node) for f in string_fields(item, (*path, i))]
    if isinstance(node, dict):
        named = bool(path) and path[-1] in NAMED
        return [
            f
            for key, value in node.items()
            for f in [
                *([((*path, key), True)] if named else []),
                *string_fields(value, (*path, key)),
            ]
        ]
    return []


FIELDS = string_fields(base_docs())


def replace_field(docs: Docs, path: tuple, is_key: bool, text: str) -> Docs:
    docs = copy.deepcopy(docs)
    *parents, last = path
    node = docs
    for step in parents:
        node = node[step]
    if is_key:
        items = list(node.items())
        node.clear()
        node.update((text if key == last else key, value) for key, value in items)
    else:
        node[last] = text
    return docs


def test_fields_include_names_and_values() -> None:
    paths = {".".join(map(str, path)) + ("(key)" if key else "") for path, key in FIELDS}
    assert {
        "0.metadata.team",
        "0.spec.variants.1.name",
        "0.spec.selector.namespace(key)",
        "1.spec.receivers.mlops-email(key)",
        "1.spec.timeIntervals.outside-office-hours(key)",
        "1.spec.receivers.mlops-email.email.to.0",
    } <= paths
    assert len(FIELDS) > 40


@seed(SEED)
@settings(
    max_examples=10,  # each example builds, checks with promtool and amtool, and proves
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: each example costs a second
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(field=st.sampled_from(FIELDS), text=st.text())
def test_any_text_in_any_string_field(tmp_path: Path, field: tuple[tuple, bool], text: str) -> None:
    path, is_key = field
    root = Path(tempfile.mkdtemp(dir=tmp_path))
    assert_contract(root, replace_field(base_docs(), path, is_key, text))


# --- random mistakes in any field --------------------------------------------------------


def leaves(node: object, path: tuple = ()) -> list[tuple]:
    """The path of every value (scalars, lists, mappings) below the top level."""
    found = [path] if path else []
    if isinstance(node, dict):
        found += [p for key, value in node.items() for p in leaves(value, (*path, key))]
    elif isinstance(node, list):
        found += [p for i, value in enumerate(node) for p in leaves(value, (*path, i))]
    return found


LEAVES = [p for p in leaves(base_docs()) if len(p) > 1]  # not whole documents
DELETE = object()
# What people get wrong: signs, zeros, units, huge and tiny numbers, wrong types, nothing.
MISTAKES = st.one_of(
    st.sampled_from(
        [DELETE, None, 0, -1, 1.5, 100, 101, 10**30, 1e-300, True, "", "0s", "0", "-5m",
         "1y", "150%", "-3%", "5 m", "2ms", "1e999", ".inf", "NaN", [], {}, ["x"], {"a": 1}]
    ),
    st.integers(),
    st.floats(allow_nan=False),
)  # fmt: skip


@seed(SEED)
@settings(
    max_examples=12,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: each example costs seconds
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(where=st.sampled_from(LEAVES), value=MISTAKES)
def test_random_mistakes_end_in_a_position_or_proven_output(
    tmp_path: Path, where: tuple, value: object
) -> None:
    """Any value in any field, or a field left out: exit 2 with a position, or exit 0 with
    output that promtool and amtool accept and `monogen test` proves."""
    docs = copy.deepcopy(base_docs())
    *parents, last = where
    node: Any = docs
    for step in parents:
        node = node[step]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    assert_contract(Path(tempfile.mkdtemp(dir=tmp_path)), docs)
