"""Property-based tests: random valid specs build into output the real tools accept; random
damage to a spec is answered with a positioned error and exit 2, never a traceback.

Budgets are fixed and the seed recorded, so CI runs the same examples every time."""

from __future__ import annotations

import string
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from monogen.output.write import write_tree
from monogen.pipeline import compile_specs, load
from monogen.spec import loader
from monogen.spec.errors import SpecErrors
from tests.conftest import MINIMAL_EXPERIMENT, invoke, run_tool

SEED = 20261122
NAME = st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,6})?", fullmatch=True)
METRIC = st.from_regex(r"[a-z][a-z0-9_]{2,20}", fullmatch=True)
# Variant names are label values: anything goes, quotes and backslashes included.
VARIANT = st.text(
    alphabet=string.ascii_letters + string.digits + '-_."\\|*(){} ', min_size=1, max_size=12
)


@st.composite
def experiments(draw: st.DrawFn) -> tuple[dict, dict]:
    n = draw(st.integers(1, 4))
    names = draw(st.lists(VARIANT, min_size=n, max_size=n, unique=True))
    cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=n - 1, max_size=n - 1, unique=True)))
    shares = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    variants = [{"name": v, "traffic": s} for v, s in zip(names, shares, strict=True)]
    scale = draw(st.sampled_from(["percent", "ratio"]))
    metrics = {
        "requests": {"name": draw(METRIC) + "_total", "errorSelector": {"status": "error"}},
        "latency": {"name": draw(METRIC) + "_seconds"},
        "accuracy": {"name": draw(METRIC), "scale": scale},
        "cpu": {"name": draw(METRIC) + "_cpu"},
        "drift": {"name": draw(METRIC) + "_psi"},
    }
    top = 100 if scale == "percent" else 1
    warn = draw(st.floats(0.3, 0.95)) * top
    crit = warn * draw(st.floats(0.3, 0.9))
    guardrails = {
        "accuracy": {
            "warning": {"below": round(warn, 3), "for": draw(st.sampled_from(["1m", "5m"]))},
            "critical": {"below": round(crit, 3), "for": "2m"},
        },
        "errorRate": {"critical": {"above": f"{draw(st.integers(1, 30))}%", "for": "1m"}},
        "latency": {
            "quantile": draw(st.sampled_from([0.5, 0.9, 0.95, 0.99])),
            "warning": {"above": f"{draw(st.integers(50, 2000))}ms"},
        },
        "cpu": {},
        "drift": {"features": draw(st.lists(VARIANT, min_size=1, max_size=3, unique=True))},
    }
    if n > 1:
        guardrails["trafficSplit"] = {"tolerance": draw(st.integers(2, 10))}
    team = draw(NAME)
    exp = {
        "apiVersion": "monogen/v1",
        "kind": "Experiment",
        "metadata": {"name": draw(NAME), "team": team},
        "spec": {
            "selector": {"namespace": draw(VARIANT)},
            "variantLabel": "model_name" if n > 1 or draw(st.booleans()) else None,
            "variants": variants,
            "metrics": metrics,
            "guardrails": guardrails,
            "runbookUrl": "https://runbooks.example.com/x",
            "grafanaUrl": "https://grafana.example.com",
        },
    }
    if exp["spec"]["variantLabel"] is None:
        del exp["spec"]["variantLabel"]
    routing = {
        "apiVersion": "monogen/v1",
        "kind": "Alerting",
        "metadata": {"name": team, "team": team},
        "spec": {
            "receivers": {
                "r-page": {"pagerduty": {"routingKeyFile": "/etc/am/pd"}},
                "r-chat": {"slack": {"apiUrlFile": "/etc/am/slack", "channel": "#x"}},
            },
            "routes": [
                {"match": {"severity": "critical"}, "receivers": ["r-page", "r-chat"]},
                {"receivers": ["r-chat"]},
            ],
        },
    }
    return exp, routing


@seed(SEED)
@settings(
    max_examples=12,
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(experiments())
def test_random_valid_specs_pass_the_real_tools(tmp_path: Path, pair: tuple[dict, dict]) -> None:
    exp, routing = pair
    case = tmp_path / f"case-{abs(hash(yaml.safe_dump(exp)))}"
    specs = case / "specs"
    specs.mkdir(parents=True)
    (specs / "exp.yaml").write_text(yaml.safe_dump_all([exp, routing], allow_unicode=True))
    out = case / "generated"
    write_tree(out, compile_specs(load([specs])))
    rules = next((out / "prometheus/rules").glob("*.yaml"))
    checked = run_tool("promtool", "check", "rules", str(rules))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tests = next((out / "prometheus/tests").glob("*.yaml"))
    tested = run_tool("promtool", "test", "rules", tests.name, cwd=tests.parent)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    am = run_tool("amtool", "check-config", str(out / "alertmanager/alertmanager.yaml"))
    assert am.returncode == 0, am.stdout + am.stderr


@st.composite
def damaged(draw: st.DrawFn) -> str:
    text = MINIMAL_EXPERIMENT
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["delete", "insert", "replace-line"]))
        if action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 8)) :]
        elif action == "insert":
            text = (
                text[:at]
                + draw(st.text(alphabet=":{}[]-&*!#'\"\\ \n\tab1%", max_size=6))
                + text[at:]
            )
        else:
            lines = text.splitlines(keepends=True)
            i = draw(st.integers(0, len(lines) - 1))
            key = draw(
                st.sampled_from(["traffic", "below", "for", "name", "scale", "variantLable"])
            )
            value = draw(st.sampled_from(["-3", "abc", "[]", "{}", "1e999", "''", "true", "5 m"]))
            lines[i] = f"{lines[i][: len(lines[i]) - len(lines[i].lstrip())]}{key}: {value}\n"
            text = "".join(lines)
    return text


@seed(SEED)
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(damaged())
def test_damaged_specs_get_positioned_errors(tmp_path: Path, text: str) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(text)
    out = tmp_path / "out"
    result = invoke("build", str(spec), "-o", str(out))
    assert "Traceback" not in result.output and "internal error" not in result.stderr
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        first = result.stderr.splitlines()[0]
        assert first.startswith(f"{spec}:"), first
        assert ": error: " in first
        assert not out.exists() or (out / ".monogen-generated").exists()


def test_a_50_megabyte_spec_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:
        f.truncate(50 * 1024 * 1024)
    try:
        loader.load_paths([big])
    except SpecErrors as exc:
        message = exc.errors[0].render()
    assert "file is 52428800 bytes; specs are limited to" in message


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    levels = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(levels) + "\n")
    result = invoke("validate", str(bomb))
    assert result.exit_code == 2
    assert "anchors and aliases are not allowed" in result.stderr
