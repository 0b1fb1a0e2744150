"""A team's own dashboards: title, panels of its PromQL scoped to the experiment, every panel
type, thresholds from a guardrail, more than one dashboard per experiment, and each mistake
refused where it stands."""

from __future__ import annotations

import json

import promql_parser
import pytest
import yaml
from grafana_foundation_sdk.models.dashboard import Dashboard

from monogen.compile.promql_scope import ScopeError, scoped
from monogen.spec.errors import SpecErrors
from monogen.spec.loader import load_text
from monogen.spec.validate import validate
from tests.conftest import MINIMAL_EXPERIMENT, invoke

NS = (("namespace", "=", "seldon"),)
VARIANT = (("model_name", "=~", "${variant:regex}"),)
V = 'model_name=~"${variant:regex}"'

# (written, scoped): every selector gets the experiment's matchers and the variant's where
# it does not match the variant label itself; label lists, strings, ranges, functions and
# keywords are left alone.
SCOPED = [
    ("rate(x_total[5m])", f'rate(x_total{{namespace="seldon", {V}}}[5m])'),
    ("x{}", f'x{{namespace="seldon", {V}}}'),
    ('x{a="b",}', f'x{{namespace="seldon", {V}, a="b",}}'),
    ('{__name__="up"}', f'{{namespace="seldon", {V}, __name__="up"}}'),
    (
        'sum by (model_name, le) (rate(d_bucket{code=~"5.."}[5m]))',
        f'sum by (model_name, le) (rate(d_bucket{{namespace="seldon", {V}, code=~"5.."}}[5m]))',
    ),
    (
        "a / on(model_name) group_left(x) b offset 1w",
        f'a{{namespace="seldon", {V}}} / on(model_name) group_left(x) '
        f'b{{namespace="seldon", {V}}} offset 1w',
    ),
    (
        'topk(3, x{model_name="b"}) > bool 1',
        'topk(3, x{namespace="seldon", model_name="b"}) > bool 1',
    ),
    (
        "histogram_quantile(0.9, SUM without(pod)(rate(x:rec:rate5m[1h:5m])))",
        f'histogram_quantile(0.9, SUM without(pod)(rate(x:rec:rate5m{{namespace="seldon", {V}}}'
        "[1h:5m])))",
    ),
    (
        'label_replace(up, "a", "$1", "b", "(.*)") # up{x}',
        f'label_replace(up{{namespace="seldon", {V}}}, "a", "$1", "b", "(.*)") # up{{x}}',
    ),
    ("vector(1) + time()", "vector(1) + time()"),
    ("x @ start()", f'x{{namespace="seldon", {V}}} @ start()'),
]


@pytest.mark.parametrize(("written", "expected"), SCOPED)
def test_scoping_adds_the_matchers_to_every_selector(written: str, expected: str) -> None:
    assert scoped(written, NS, VARIANT) == expected
    promql_parser.parse(expected.replace("${variant:regex}", ".*"))


# Grafana's interval variables stand for durations in ranges, subqueries and offsets;
# label values may name the dashboard's variables (strings are left alone).
WITH_VARIABLES = [
    ("rate(x[$__rate_interval])", f'rate(x{{namespace="seldon", {V}}}[$__rate_interval])'),
    (
        'topk(3, x{pod=~"$pod"} offset ${__range})',
        f'topk(3, x{{namespace="seldon", {V}, pod=~"$pod"}} offset ${{__range}})',
    ),
    (
        "max_over_time(x[$__interval:$__interval])",
        f'max_over_time(x{{namespace="seldon", {V}}}[$__interval:$__interval])',
    ),
]


@pytest.mark.parametrize(("written", "expected"), WITH_VARIABLES)
def test_grafanas_interval_variables_are_read_as_durations(written: str, expected: str) -> None:
    assert scoped(written, NS, VARIANT) == expected


@pytest.mark.parametrize(
    ("written", "message"),
    [
        # a variable the dashboard does not define, or standing for a series or number
        ("$metric", "Grafana variable $metric where PromQL needs"),
        ("$metric * 2", "Grafana variable $metric where PromQL needs"),
        ("topk($k, x)", "Grafana variable $k where PromQL needs"),
        ("x offset ${shift}", "Grafana variable ${shift} where PromQL needs"),
        ("vector($__rate_interval)", "Grafana variable $__rate_interval where PromQL needs"),
        ("rate(x[[[win]]])", "Grafana variable [[win]] where PromQL needs"),
        # Prometheus 3's quoted names: Prometheus 2 refuses them
        ('x{"namespace"="prod"}', 'the quoted name "namespace" is Prometheus 3 syntax'),
        ('x{a="b", "model_name"="a"}', 'the quoted name "model_name" is Prometheus 3 syntax'),
        ('{"x.y"}', 'the quoted name "x.y" is Prometheus 3 syntax'),
        # a chain too long to parse twice a build for hundreds of panels
        ("x" + "^x" * 201, "more than 200 operators in one panel query"),
    ],
)
def test_variables_and_quoted_names_that_cannot_load_are_refused(written, message) -> None:
    with pytest.raises(ScopeError) as caught:
        scoped(written, NS, VARIANT)
    assert message in str(caught.value), str(caught.value)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ('x{namespace="other"}', "a selector matches label 'namespace'"),
        ("sum(x", "not valid PromQL"),
        ("x > bool", "not valid PromQL"),
    ],
)
def test_what_cannot_be_scoped_is_refused(written: str, message: str) -> None:
    with pytest.raises(ScopeError) as caught:
        scoped(written, NS, VARIANT)
    assert str(caught.value).startswith(message)
    assert caught.value.hint


DASHBOARD = """\
  dashboard:
    title: "Fraud models: A/B"
    panels:
      - title: Accuracy now
        type: gauge
        unit: percent
        thresholdsFrom: accuracy
        queries:
          - {expr: "max by (model_name) (ab_test_model_accuracy)", legend: "{{model_name}}"}
      - title: Errors by type
        type: barGauge
        row: Errors in detail
        queries:
          - expr: sum by (error_type) (rate(ab_test_requests_total{status="error"}[5m]))
      - title: Raw
        type: timeSeries
        scope: false
        queries:
          - {expr: 'up{job="seldon"}'}
    extra:
      - name: business
        title: Fraud models, business view
        rows: [traffic]
        panels:
          - title: Precision against recall
            type: xy
            queries:
              - {expr: "avg by (model_name) (model_recall)"}
              - {expr: "avg by (model_name) (model_precision)"}
          - {title: Split, type: pieChart, queries: [{expr: "sum by (model_name) (ab_test_traffic)"}]}
          - {title: Share, type: stat, unit: percentunit, queries: [{expr: "avg(share)"}]}
          - {title: Table, type: table, queries: [{expr: "count by (model_name) (up)"}]}
          - {title: Heat, type: heatmap, queries: [{expr: "sum by (le) (rate(h_bucket[5m]))"}]}
"""
SPEC = MINIMAL_EXPERIMENT.replace("  runbookUrl:", DASHBOARD + "  runbookUrl:")


def _build(write_spec, tmp_path, text: str = SPEC):
    specs = write_spec(text)
    out = tmp_path / "generated"
    return invoke("build", str(specs), "-o", str(out)), out


def _panels(dashboard: dict) -> dict[str, dict]:
    return {p["title"]: p for p in dashboard["panels"] if p["type"] != "row"}


def test_title_panels_and_an_extra_dashboard_are_built(write_spec, tmp_path) -> None:
    result, out = _build(write_spec, tmp_path)
    assert result.exit_code == 0, result.output + result.stderr
    main = json.loads((out / "grafana/dashboards/demo-ab.json").read_text())
    extra = json.loads((out / "grafana/dashboards/demo-ab.business.json").read_text())
    assert main["title"] == "Fraud models: A/B"
    assert extra["title"] == "Fraud models, business view"
    assert extra["uid"] == "monogen-demo-ab_business"
    # each links to the other
    assert {"title": "Fraud models, business view", "url": "/d/monogen-demo-ab_business"} in [
        {k: link[k] for k in ("title", "url")} for link in main["links"]
    ]
    assert "/d/monogen-demo-ab" in [link["url"] for link in extra["links"]]
    rows = [p["title"] for p in main["panels"] if p["type"] == "row"]
    assert rows[-2:] == ["Team panels", "Errors in detail"]
    # the extra dashboard has only the built-in row it asked for, then its panels
    assert [p["title"] for p in extra["panels"] if p["type"] == "row"] == [
        "Traffic",
        "Team panels",
    ]
    for d in (main, extra):
        assert len(Dashboard.from_json(d).panels) == len(d["panels"])
    configmap = yaml.safe_load(
        (out / "kubernetes/grafana-dashboards/demo-ab.business.yaml").read_text()
    )
    assert configmap["metadata"]["name"] == "monogen-dashboard-demo-ab.business"
    assert json.loads(configmap["data"]["demo-ab.business.json"]) == extra


def test_a_team_row_of_a_built_in_rows_title_joins_that_row(write_spec, tmp_path) -> None:
    """`row: Model quality` adds the panel to the built-in row, after its own panels, on
    the main dashboard and an extra one: one row of each title."""
    text = SPEC.replace("        row: Errors in detail\n", "        row: Model quality\n").replace(
        "          - {title: Split, type: pieChart,",
        "          - {title: Split, type: pieChart, row: Traffic,",
    )
    result, out = _build(write_spec, tmp_path, text)
    assert result.exit_code == 0, result.output + result.stderr
    for name, row, last in (
        ("demo-ab", "Model quality", "Errors by type"),
        ("demo-ab.business", "Traffic", "Split"),
    ):
        panels = json.loads((out / f"grafana/dashboards/{name}.json").read_text())["panels"]
        titles = [p["title"] for p in panels if p["type"] == "row"]
        assert titles.count(row) == 1, titles
        start = [p["title"] for p in panels].index(row)
        after = panels[start + 1 :]
        end = next((i for i, p in enumerate(after) if p["type"] == "row"), len(after))
        in_row = [p["title"] for p in after[:end]]
        assert in_row[-1] == last and len(in_row) > 1, in_row


def test_every_panel_type_is_the_grafana_type_asked_for(write_spec, tmp_path) -> None:
    result, out = _build(write_spec, tmp_path)
    assert result.exit_code == 0, result.output + result.stderr
    main = _panels(json.loads((out / "grafana/dashboards/demo-ab.json").read_text()))
    extra = _panels(json.loads((out / "grafana/dashboards/demo-ab.business.json").read_text()))
    types = {t: p["type"] for t, p in {**main, **extra}.items()}
    assert {t: types[t] for t in ("Accuracy now", "Errors by type", "Raw")} == {
        "Accuracy now": "gauge",
        "Errors by type": "bargauge",
        "Raw": "timeseries",
    }
    assert {
        t: types[t] for t in ("Precision against recall", "Split", "Share", "Table", "Heat")
    } == {
        "Precision against recall": "xychart",
        "Split": "piechart",
        "Share": "stat",
        "Table": "table",
        "Heat": "heatmap",
    }
    xy = extra["Precision against recall"]
    assert xy["options"]["dims"]["x"] == "Value #A"
    assert [t["refId"] for t in xy["targets"]] == ["A", "B"]
    assert all(t["instant"] and t["format"] == "table" for t in xy["targets"])
    assert xy["transformations"] == [{"id": "merge", "options": {}}]


def test_queries_are_scoped_unless_asked_not_to(write_spec, tmp_path) -> None:
    result, out = _build(write_spec, tmp_path)
    assert result.exit_code == 0, result.output + result.stderr
    main = _panels(json.loads((out / "grafana/dashboards/demo-ab.json").read_text()))
    assert main["Accuracy now"]["targets"][0]["expr"] == (
        f'max by (model_name) (ab_test_model_accuracy{{namespace="seldon", {V}}})'
    )
    assert main["Accuracy now"]["targets"][0]["legendFormat"] == "{{model_name}}"
    assert main["Errors by type"]["targets"][0]["expr"] == (
        "sum by (error_type) (rate(ab_test_requests_total"
        f'{{namespace="seldon", {V}, status="error"}}[5m]))'
    )
    assert main["Raw"]["targets"][0]["expr"] == 'up{job="seldon"}'


def test_thresholds_are_the_named_guardrails_levels(write_spec, tmp_path) -> None:
    # accuracy's defaults on a percent gauge, written out by hand: warning below 80,
    # critical below 70 (see docs/guardrails): red under 70, orange to 80, green above
    spec = SPEC.replace(
        "    accuracy: {}\n",
        "    accuracy:\n      warning: {below: 80}\n      critical: {below: 70}\n",
    )
    result, out = _build(write_spec, tmp_path, spec)
    assert result.exit_code == 0, result.output + result.stderr
    gauge = _panels(json.loads((out / "grafana/dashboards/demo-ab.json").read_text()))[
        "Accuracy now"
    ]
    assert gauge["fieldConfig"]["defaults"]["thresholds"]["steps"] == [
        {"color": "red", "value": None},
        {"color": "orange", "value": 70},
        {"color": "green", "value": 80},
    ]
    assert gauge["description"].startswith("Thresholds of alert ")


OWN_STEPS = """\
        thresholds:
          - {color: red}
          - {color: yellow, value: 70}
          - {color: "#00ff00", value: 80}
"""


def test_a_panel_draws_the_teams_own_thresholds(write_spec, tmp_path) -> None:
    spec = SPEC.replace(
        "        row: Errors in detail\n", "        row: Errors in detail\n" + OWN_STEPS
    )
    result, out = _build(write_spec, tmp_path, spec)
    assert result.exit_code == 0, result.output + result.stderr
    panel = _panels(json.loads((out / "grafana/dashboards/demo-ab.json").read_text()))[
        "Errors by type"
    ]
    assert panel["fieldConfig"]["defaults"]["thresholds"]["steps"] == [
        {"color": "red", "value": None},
        {"color": "yellow", "value": 70},
        {"color": "#00ff00", "value": 80},
    ]


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ("[{color: red, value: 1}]", "the first threshold step has no value"),
        ("[{color: red}, {color: green}]", "every threshold step after the first needs a value"),
        (
            "[{color: red}, {color: green, value: 80}, {color: yellow, value: 70}]",
            "threshold values must rise from step to step",
        ),
        ("[{color: reed}]", "reed"),
        ("[]", "thresholds"),
    ],
)
def test_the_teams_own_thresholds_are_checked_where_they_stand(steps: str, message: str) -> None:
    text = SPEC.replace(
        "        row: Errors in detail\n",
        f"        row: Errors in detail\n        thresholds: {steps}\n",
    )
    found = _errors(text)
    line = _line_of(text, "thresholds: [")
    assert any(e.startswith(f"f.yaml:{line}:") and message in e for e in found), found


def test_own_thresholds_and_a_guardrails_are_not_both_drawn() -> None:
    text = SPEC.replace(
        "        thresholdsFrom: accuracy\n",
        "        thresholdsFrom: accuracy\n        thresholds: [{color: red}]\n",
    )
    found = _errors(text)
    assert any("give `thresholds` or `thresholdsFrom`, not both" in e for e in found), found


def _errors(text: str) -> list[str]:
    with pytest.raises(SpecErrors) as caught:
        validate(load_text(text, "f.yaml"))
    return [e.render() for e in caught.value.errors]


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        (
            'max by (model_name) (ab_test_model_accuracy)"',
            'max by (model_name) (ab_test_model_accuracy{namespace=\\"x\\"})"',
            "ab_test_model_accuracy{",
            "a selector matches label 'namespace', which the experiment's selector sets",
        ),
        (
            "- expr: sum by (error_type) (rate(",
            "- expr: sum by (error_type) (rate((",
            "rate((",
            "not valid PromQL",
        ),
        ("- {expr: 'up{job=\"seldon\"}'}", "- {expr: 'up{job=}'}", "up{job=}", "not valid PromQL"),
        (
            "thresholdsFrom: accuracy",
            "thresholdsFrom: acuracy",
            "acuracy",
            "no guardrail 'acuracy'",
        ),
        (
            '"avg by (model_name) (model_recall)"',
            '"avg by (model_name) (model_recall{namespace=\\"q\\"})"',
            "model_recall{",
            "a selector matches label 'namespace'",
        ),
    ],
)
def test_mistakes_are_refused_where_they_stand(old, new, needle, message) -> None:
    assert old in SPEC
    text = SPEC.replace(old, new)
    found = _errors(text)
    line = _line_of(text, needle)
    assert any(f"f.yaml:{line}:" in e and message in e for e in found), found


def test_a_wrong_guardrail_name_suggests_the_close_one() -> None:
    found = _errors(SPEC.replace("thresholdsFrom: accuracy", "thresholdsFrom: acuracy"))
    assert any("did you mean 'accuracy'?" in e for e in found), found


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("title: Raw\n        type: timeSeries", "title: Raw\n        type: pie", "pie"),
        ("unit: percentunit", 'unit: "percent<b>"', "percent<b>"),
        ("name: business", "name: Business", "Business"),
    ],
)
def test_schema_mistakes_are_positioned(old, new, message) -> None:
    text = SPEC.replace(old, new)
    found = _errors(text)
    assert any(message in e and "f.yaml:" in e for e in found), found


def test_an_xy_panel_needs_two_queries() -> None:
    text = SPEC.replace('              - {expr: "avg by (model_name) (model_precision)"}\n', "")
    found = _errors(text)
    assert any("an xy panel plots its first query (x) against the others (y)" in e for e in found)


def test_two_extra_dashboards_of_one_name_are_refused() -> None:
    twice = "    extra:\n      - {name: business, title: A}\n      - {name: business, title: B}\n"
    text = MINIMAL_EXPERIMENT.replace("  runbookUrl:", "  dashboard:\n" + twice + "  runbookUrl:")
    found = _errors(text)
    assert any("two extra dashboards are named 'business'" in e for e in found), found


def test_two_dashboards_of_one_title_in_a_folder_are_refused() -> None:
    text = SPEC.replace("title: Fraud models, business view", 'title: "fraud MODELS: a/b"')
    found = _errors(text)
    line = _line_of(text, "fraud MODELS: a/b")
    assert any(
        e.startswith(f"f.yaml:{line}:") and "duplicate dashboard title 'fraud models: a/b'" in e
        for e in found
    ), found


# -- any query of the grammar below scopes, and the parser finds every matcher ----------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_METRIC = st.sampled_from(["x", "up", "job:rate5m", "sum_total", "offset_x", "by_x", "bool_y"])
_LABEL = st.sampled_from(["a", "le", "pod", "code"])
_VALUE = st.sampled_from(["v", "5..", "a|b", "{x}", "by (y)", 'q"t'])
_OP = st.sampled_from(["=", "!=", "=~", "!~"])


_MODIFIER = st.sampled_from(["", " offset 5m", " @ 100", " offset -1h"])


@st.composite
def _selector(draw, modifier: bool = True) -> str:
    metric = draw(_METRIC)
    matchers = draw(st.lists(st.tuples(_LABEL, _OP, _VALUE), max_size=2, unique_by=lambda m: m[0]))
    inner = ", ".join(f"{k}{op}{json.dumps(v)}" for k, op, v in matchers)
    text = f"{metric}{{{inner}}}" if matchers or draw(st.booleans()) else metric
    return text + (draw(_MODIFIER) if modifier else "")


def _grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    ranged = st.builds(lambda s, m: f"rate({s}[5m]{m})", _selector(modifier=False), _MODIFIER)
    return st.one_of(
        ranged,
        st.builds(lambda e, b: f"sum by ({b}) ({e})", inner, _LABEL),
        st.builds(lambda e, b: f"max without({b})({e})", inner, _LABEL),
        st.builds(lambda e: f"histogram_quantile(0.9, {e})", inner),
        st.builds(
            lambda e, f: f"{f}(({e})[1h:5m])",
            inner,
            st.sampled_from(["max_over_time", "avg_over_time"]),
        ),
        st.builds(
            lambda a, b, op: f"{a} {op} {b}",
            inner,
            inner,
            st.sampled_from(
                ["/", "+", "and", "or", "unless", "> bool", "/ on(pod) group_left(le)"]
            ),
        ),
        st.builds(lambda e: f'label_replace({e}, "d", "$1", "s", "(.*)")', inner),
        st.builds(lambda e: f"topk(3, {e})", inner),
        st.builds(lambda e: f"-({e})", inner),
    )


_QUERY = st.recursive(_selector(), _grow, max_leaves=6)


@settings(max_examples=150, derandomize=True, deadline=None)
@given(_QUERY)
def test_any_query_scopes_with_every_matcher_on_every_selector(query: str) -> None:
    parsed = promql_parser.parse(query)  # the grammar makes PromQL only
    out = scoped(query, NS, ())
    tree = promql_parser.parse(out)

    def selectors(node) -> list:
        found, stack = [], [node]
        while stack:
            n = stack.pop()
            name = type(n).__name__
            if name == "VectorSelector":
                found.append(n)
            for attr in ("lhs", "rhs", "expr", "vector_selector", "param"):
                child = getattr(n, attr, None)
                if child is not None and not isinstance(child, (str, int, float)):
                    stack.append(child)
            stack.extend(getattr(n, "args", None) or [])
        return found

    before, after = selectors(parsed), selectors(tree)
    assert len(after) == len(before) > 0
    for s in after:
        assert ("namespace", "seldon") in {(m.name, m.value) for m in s.matchers.matchers}
    assert [s.name for s in after] == [s.name for s in before]


def test_one_title_in_two_folders_is_refused_as_file_provisioning_merges_them() -> None:
    text = SPEC.replace(
        '    title: "Fraud models: A/B"\n',
        '    title: "Fraud models: A/B"\n    folder: Other\n',
    ).replace("title: Fraud models, business view", "title: Elsewhere")
    other = text.replace("name: demo-ab", "name: other-ab").replace("    folder: Other\n", "")
    other = other.replace("title: Elsewhere", "title: Elsewhere too")
    with pytest.raises(SpecErrors) as caught:
        validate(load_text(text, "a.yaml") + load_text(other, "b.yaml"))
    found = [e.render() for e in caught.value.errors]
    assert any(
        e.startswith("b.yaml:") and "duplicate dashboard title 'fraud models: a/b'" in e
        for e in found
    ), found


def test_the_overviews_title_is_refused() -> None:
    text = SPEC.replace('title: "Fraud models: A/B"', "title: ML Experiments OVERVIEW")
    found = _errors(text)
    line = _line_of(text, "ML Experiments OVERVIEW")
    assert any(
        e.startswith(f"f.yaml:{line}:")
        and "'ML Experiments OVERVIEW' is the title of the generated overview dashboard" in e
        for e in found
    ), found
