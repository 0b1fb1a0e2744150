"""Matchers everywhere a selector is taken: `=~`, `!=` and `!~` in the experiment's
selector, a metric's own, an error selector, serverDown's and customMetrics' selectors.

Each place compiles to exact PromQL through the one matcher implementation; values that
cannot be compiled or proven, selectors that conflict and error selectors that pick every
request or none are refused at their line; promtool proves every alert on the oldest and
newest release, with decoy series the selectors leave out; and a rule that loses a
matcher fails its proof."""

from __future__ import annotations

import dataclasses
import json

import pytest

from monogen.compile.panels import PanelBuilder
from monogen.kinds.comparison_proof import ComparisonOptions
from monogen.pipeline import compile_specs, compile_targets, load
from monogen.prove import prove
from monogen.readout.verdicts import compare
from tests.conftest import MINIMAL_EXPERIMENT, RELEASE_ENDS, invoke, tool

SPEC = """\
apiVersion: monogen/v1
kind: Experiment
metadata: {name: api-ab, team: mlops}
spec:
  selector: {namespace: seldon, env: "!~dev|test"}
  variantLabel: model_name
  variants:
    - {name: baseline, role: control, traffic: 70}
    - {name: candidate, role: treatment, traffic: 30}
  metrics:
    requests:
      name: api_requests_total
      selector: {verb: "!=WATCH"}
      errorSelector: {outcome: "=~false_positive|false_negative"}
    latency:
      name: api_request_duration_seconds
      selector: {verb: "!=WATCH"}
      buckets: [0.1, 0.25, 0.5, 1]
    accuracy: {name: model_accuracy, scale: percent, selector: {source: "=~online|shadow"}}
  guardrails:
    accuracy: {}
    errorRate: {}
    latency: {}
    serverDown: {selector: {job: "=~seldon-.*"}}
    slos:
      - {name: availability, objective: 99.5%}
      - {name: fast, objective: 99%, latency: 500ms}
    comparisons:
      - {metric: errorRate, significance: {}}
      - {metric: accuracy, margin: {absolute: 2}}
    customMetrics:
      - alert: ModelConfidenceLow
        gauge: {name: model_confidence, selector: {stage: "!=warmup"}}
        unit: ratio
        warning: {below: 0.7, for: 10m}
      - alert: PriceFeedbackNegative
        ratio:
          numerator: {name: feedback_total, selector: {feedback_type: "=~too_high|too_low"}}
          denominator: {name: feedback_total, selector: {feedback_type: "!=rating"}}
        unit: ratio
        warning: {above: 30%, for: 30m}
  runbookUrl: https://runbooks.example.com/api
  grafanaUrl: https://grafana.example.com
"""

SCOPE = 'env!~"dev|test", namespace="seldon"'
VARIANTS = 'model_name=~"baseline|candidate"'
REQUESTS = f'api_requests_total{{{SCOPE}, verb!="WATCH", {VARIANTS}'
FAILED = f'{REQUESTS}, outcome=~"false_positive|false_negative"}}'
BUCKETS = f'api_request_duration_seconds_bucket{{{SCOPE}, verb!="WATCH", {VARIANTS}'


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    specs = tmp_path_factory.mktemp("matchers") / "specs"
    specs.mkdir()
    (specs / "api.yaml").write_text(SPEC)
    compiled = compile_targets(load([specs]))
    found = {}
    for group in compiled.rules["api-ab"].groups:
        for rule in group.rules:
            name = getattr(rule, "record", None) or rule.alert
            found.setdefault(name, rule.expr)
    return found


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # the experiment's selector, the metric's own, the variants
        (
            "experiment_variant:api_requests:rate5m",
            f"sum by (model_name) (rate({REQUESTS}}}[5m]))",
        ),
        # and the error selector's regex
        (
            "experiment_variant:api_requests_errors:rate5m",
            f"sum by (model_name) (rate({FAILED}[5m]))",
        ),
        (
            "experiment_variant_le:api_request_duration_seconds_bucket:rate5m",
            f"sum by (model_name, le) (rate({BUCKETS}}}[5m]))",
        ),
        (
            "ModelAccuracyDegraded",
            f'min by (model_name) (model_accuracy{{{SCOPE}, source=~"online|shadow", {VARIANTS}}})'
            " < 75",
        ),
        ("ModelServerDown", f'up{{{SCOPE}, job=~"seldon-.*"}} == 0'),
        (
            "ModelConfidenceLow",
            f'min by (model_name) (model_confidence{{{SCOPE}, stage!="warmup", {VARIANTS}}}) < 0.7',
        ),
        (
            "PriceFeedbackNegative",
            f"sum by (model_name) (rate(feedback_total{{{SCOPE}, "
            f'feedback_type=~"too_high|too_low", {VARIANTS}}}[5m])) / sum by (model_name) '
            f'(rate(feedback_total{{{SCOPE}, feedback_type!="rating", {VARIANTS}}}[5m])) > 0.3',
        ),
        (
            "experiment_variant:api_requests_errors:increase1h",
            f"sum by (model_name) (increase({FAILED}[1h]))",
        ),
        (
            "experiment_variant:api_requests_errors:slo_rate5m",
            f"sum by (model_name) (rate({FAILED}[5m])) or sum by (model_name) "
            f"(rate({REQUESTS}}}[5m])) * 0",
        ),
    ],
)
def test_every_place_compiles_its_matchers(rules: dict[str, str], name: str, expected) -> None:
    assert rules[name] == expected


def test_slo_records_keep_the_matchers(rules: dict[str, str]) -> None:
    fast = [e for n, e in rules.items() if "slo" in n and "duration" in n]
    assert fast and all('verb!="WATCH"' in e for e in fast if "bucket" in e)


def test_dashboards_and_the_readout_query_with_the_matchers(tmp_path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "api.yaml").write_text(SPEC)
    loaded = load([specs])
    files = compile_specs(loaded)
    dashboard = json.loads(files["grafana/dashboards/api-ab.json"])
    queries = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    assert any('verb!="WATCH"' in q and 'env!~"dev|test"' in q for q in queries)
    (exp,) = loaded.experiments
    builder = PanelBuilder(exp)
    assert builder.raw(exp.spec.spec.metrics.accuracy) == (
        f'model_accuracy{{{SCOPE}, source=~"online|shadow", model_name=~"${{variant:regex}}"}}'
    )

    class Api:  # the readout's questions, answered with nothing
        url = "http://prometheus.invalid"

        def __init__(self) -> None:
            self.asked: list[str] = []

        def query(self, promql: str, at: float) -> list:
            self.asked.append(promql)
            return []

        def query_range(self, promql: str, *args: float) -> list:
            self.asked.append(promql)
            return []

    api = Api()
    rail = next(
        r
        for r in exp.guardrails
        if isinstance(r.options, ComparisonOptions) and r.options.mode == "significance"
    )
    compare(rail, exp, builder.scope, api, 0.0, 3600.0, 60.0, 0.95)
    assert f"sum by (model_name) (increase({FAILED}[3600s]))" in api.asked


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "selector: {namespace: seldon}",
            'selector: {namespace: seldon, env: "=~(("}',
            "spec.yaml:7:38: error: invalid regular expression '((' (RE2): missing ): (( "
            "(at spec.selector.env)\n  hint: Prometheus reads label matchers as RE2 (Go) "
            "regexes: https://github.com/google/re2/wiki/Syntax",
        ),
        (
            "errorSelector: {status: error}",
            'errorSelector: {status: "=~a{,2}"}',
            "spec.yaml:13:70: error: '{,2}' in 'a{,2}' is the literal text '{,2}' to RE2 "
            "(Prometheus) but a repeat to Python's re (at spec.metrics.requests.errorSelector"
            ".status)\n  hint: write {0,2} for a repeat, or \\{,2} for the text",
        ),
        (
            "errorSelector: {status: error}",
            'selector: {namespace: "!=seldon"}, errorSelector: {status: error}',
            "spec.yaml:13:68: error: label 'namespace' is matched by '!=seldon' here but by "
            "'seldon' by an enclosing selector (monogen does not combine two matchers on one "
            "label) (at spec.metrics.requests.selector.namespace)\n  hint: set each label "
            "once: in the experiment's `selector` for every metric, or in one metric's "
            "`selector`",
        ),
        (  # the same matcher as the requests': every request
            "errorSelector: {status: error}",
            'selector: {status: "!=ok"}, errorSelector: {status: "!=ok"}',
            "spec.yaml:13:89: error: the error selector picks every request the metric counts "
            "(each of its matchers holds for every request the enclosing selectors pick): the "
            "error rate would be 100% for ever (at spec.metrics.requests.errorSelector)\n"
            "  hint: select what tells failed requests apart, e.g. {status: error}",
        ),
        (  # =x where the requests are !=x: no request
            "errorSelector: {status: error}",
            'selector: {status: "!=error"}, errorSelector: {status: error}',
            "spec.yaml:13:101: error: the error selector picks no request: 'error' holds for "
            "no value of label 'status' that the enclosing '!=error' selects; the error rate "
            "would be 0% for ever (at spec.metrics.requests.errorSelector.status)\n  hint: "
            "select what tells failed requests apart among the requests, e.g. {status: error}",
        ),
        (  # two regexes: undecided, and no failed request can be built
            "errorSelector: {status: error}",
            'selector: {code: "!~5.."}, errorSelector: {code: "=~5.."}',
            "spec.yaml:13:88: error: monogen finds no label values for a failed request that "
            "both the error selector and the enclosing selectors pick: it may pick none, and "
            "no proof could show the error-rate alerts fire (at spec.metrics.requests."
            "errorSelector)\n  hint: simplify the regexes, or match one label in one place",
        ),
        (
            "errorSelector: {status: error}",
            'selector: {code: "=~5.."}, errorSelector: {code: "!~2.."}',
            "spec.yaml:13:88: error: monogen finds no label values for a request the error "
            "selector leaves out: it may pick every request (at spec.metrics.requests."
            "errorSelector)\n  hint: simplify the regexes, or match one label in one place",
        ),
        (
            "trafficSplit: {tolerance: 5}",
            "trafficSplit: {tolerance: 5}\n    customMetrics: [{alert: X, ratio: {numerator: "
            '{name: f, selector: {namespace: "!=seldon"}}, denominator: {name: g}}, '
            "warning: {above: 1}}]",
            "spec.yaml:21:83: error: label 'namespace' is matched by '!=seldon' here but by "
            "'seldon' by an enclosing selector (monogen does not combine two matchers on one "
            "label) (at spec.guardrails.customMetrics[0].ratio.numerator.selector.namespace)",
        ),
        (
            "trafficSplit: {tolerance: 5}",
            'trafficSplit: {tolerance: 5}\n    serverDown: {selector: {namespace: "=~sel.*"}}',
            "spec.yaml:21:40: error: label 'namespace' is matched by '=~sel.*' here but by "
            "'seldon' by an enclosing selector (monogen does not combine two matchers on one "
            "label) (at spec.guardrails.serverDown.selector.namespace)",
        ),
        (
            "trafficSplit: {tolerance: 5}",
            'trafficSplit: {tolerance: 5}\n    serverDown: {selector: {job: "!~(?s).*"}}',
            "spec.yaml:21:34: error: '(?s).*' matches every value monogen tries: the selector "
            "would pick no series (at spec.guardrails.serverDown.selector.job)\n  hint: match "
            'what to leave out, e.g. "!~dev|test"',
        ),
        (
            "trafficSplit: {tolerance: 5}",
            "trafficSplit: {tolerance: 5}\n    customMetrics: [{alert: X, gauge: {name: g, "
            'selector: {a: [x, "=~y|z"]}}, warning: {above: 1}}]',
            "spec.yaml:21:67: error: '=~y|z': each value of a list is matched exactly (the "
            "list matches any of them) (at spec.guardrails.customMetrics[0].gauge.selector."
            'a[1])\n  hint: write one regex instead, e.g. "=~a|b", or the value as "==~y|z"',
        ),
        (
            "trafficSplit: {tolerance: 5}",
            "trafficSplit: {tolerance: 5}\n    customMetrics: [{alert: X, gauge: {name: g, "
            'selector: {a: "=~[^\\\\x00-\\\\x{10FFFF}]"}}, warning: {above: 1}}]',
            "spec.yaml:21:63: error: monogen cannot derive a label value that "
            "'[^\\\\x00-\\\\x{10FFFF}]' matches, so no proof could build a series this "
            "selector picks (at spec.guardrails.customMetrics[0].gauge.selector.a)\n  hint: "
            "simplify the regex to alternatives of literals, classes, groups and repeats",
        ),
    ],
)
def test_refused_at_the_matchers_position(write_spec, old: str, new: str, expected: str) -> None:
    assert old in MINIMAL_EXPERIMENT
    specs = write_spec(MINIMAL_EXPERIMENT.replace(old, new, 1))
    result = invoke("validate", str(specs))
    assert result.exit_code == 2, result.output
    assert expected in result.stderr.replace(str(specs) + "/", "")


@pytest.mark.tools
@pytest.mark.parametrize("version", RELEASE_ENDS["prometheus"])
def test_monogen_test_proves_every_alert_with_matchers(write_spec, version: str) -> None:
    specs = write_spec(SPEC)
    result = invoke("test", str(specs), "--promtool", tool("promtool", version))
    assert result.exit_code == 0, result.output
    assert "api-ab   17/17  alerts proven (100%)  ok" in result.stdout


def _without(rules, alert_or_record: str | None, matcher: str):
    """The rule file with `matcher` taken out of one rule (or of every rule: None)."""
    groups = []
    for group in rules.groups:
        kept = []
        for r in group.rules:
            name = getattr(r, "record", None) or getattr(r, "alert", None)
            if alert_or_record in (None, name) and matcher in r.expr:
                expr = r.expr.replace(f", {matcher}", "").replace(f"{matcher}, ", "")
                r = dataclasses.replace(r, expr=expr)
            kept.append(r)
        groups.append(dataclasses.replace(group, rules=tuple(kept)))
    assert groups != list(rules.groups), matcher
    return dataclasses.replace(rules, groups=tuple(groups))


def _proof_without(write_spec, rule: str | None, matcher: str, version: str):
    specs = write_spec(SPEC)
    compiled = compile_targets(load([specs]))
    compiled.rules["api-ab"] = _without(compiled.rules["api-ab"], rule, matcher)
    (proof,) = prove(compiled, tool("promtool", version))
    assert not proof.passed
    return {f.case: f.detail for f in proof.failures}


@pytest.mark.tools
@pytest.mark.parametrize("version", RELEASE_ENDS["prometheus"])
def test_a_latency_rule_without_not_watch_fails_the_proof(write_spec, version: str) -> None:
    """The WATCH decoy: requests that are always slow beside a variant just inside its
    latency threshold. Recorded without `verb!="WATCH"`, the buckets count them: the alert
    fires where it must stay silent, and the recorded buckets are not the healthy ones."""
    record = "experiment_variant_le:api_request_duration_seconds_bucket:rate5m"
    failed = _proof_without(write_spec, record, 'verb!="WATCH"', version)
    assert {"ModelHighLatency/warning", "recording rules"} <= set(failed), failed
    assert (
        "ModelHighLatency (warning): stays just inside: silent"
        in failed["ModelHighLatency/warning"]
    )


@pytest.mark.tools
@pytest.mark.parametrize(
    ("rule", "matcher", "caught"),
    [
        ("ModelServerDown", 'job=~"seldon-.*"', {"ModelServerDown/critical"}),
        ("ModelConfidenceLow", 'stage!="warmup"', {"ModelConfidenceLow/warning"}),
        # a rating counted among the price judgements pulls the share under 30%
        ("PriceFeedbackNegative", 'feedback_type!="rating"', {"PriceFeedbackNegative/warning"}),
        (None, 'env!~"dev|test"', {"ModelAccuracyDegraded/warning", "recording rules"}),
    ],
)
def test_a_rule_without_its_matcher_fails_the_proof(
    write_spec, rule: str | None, matcher: str, caught: set[str]
) -> None:
    failed = _proof_without(write_spec, rule, matcher, RELEASE_ENDS["prometheus"][-1])
    assert caught <= set(failed), failed


def test_a_selector_on_instance_or_job_keeps_its_value_in_the_proofs(write_spec) -> None:
    """The proofs' gauges and `up` series carry an instance (and job) as scrapes add
    them, unless a selector matches that label: then its value satisfies the matcher."""
    text = SPEC.replace(
        'selector: {source: "=~online|shadow"}', 'selector: {instance: "=~pod-.+"}'
    ).replace('{job: "=~seldon-.*"}', '{job: "=~seldon-.*", instance: "!~.*:8080"}')
    files = compile_specs(load([write_spec(text)]))
    tests = files["prometheus/tests/api-ab.test.yaml"]
    assert 'model_accuracy{env="other", instance="pod-0", model_name="baseline"' in tests
    assert 'up{env="other", instance="other", job="seldon-", namespace="seldon"}' in tests
    assert 'instance="model-server-0:8080"' not in tests


PLACES = {
    # place: (old, new with {v}, the rule judged, the selector it must hold with {m})
    "experiment": (
        "selector: {namespace: seldon}",
        "selector: {namespace: seldon, env: {v}}",
        "experiment_variant:ab_test_requests:rate5m",
        'ab_test_requests_total{{{m}, namespace="seldon", model_name=~"{variants}"}}',
    ),
    "metric": (
        "requests: {name: ab_test_requests_total,",
        "requests: {name: ab_test_requests_total, selector: {env: {v}},",
        "experiment_variant:ab_test_requests:rate5m",
        'ab_test_requests_total{{namespace="seldon", {m}, model_name=~"{variants}"}}',
    ),
    "errorSelector": (
        "errorSelector: {status: error}",
        "errorSelector: {env: {v}}",
        "experiment_variant:ab_test_requests_errors:rate5m",
        'ab_test_requests_total{{namespace="seldon", model_name=~"{variants}", {m}}}',
    ),
    "serverDown": (
        "trafficSplit: {tolerance: 5}",
        "trafficSplit: {tolerance: 5}\n    serverDown: {selector: {env: {v}}}",
        "ModelServerDown",
        'up{{namespace="seldon", {m}}}',
    ),
    "customMetrics": (
        "trafficSplit: {tolerance: 5}",
        "trafficSplit: {tolerance: 5}\n    customMetrics: [{alert: X, gauge: {name: g, "
        "selector: {env: {v}}}, warning: {above: 1}}]",
        "X",
        'g{{namespace="seldon", {m}, model_name=~"{variants}"}}',
    ),
}


@pytest.mark.parametrize("place", sorted(PLACES))
@pytest.mark.parametrize(
    ("written", "matcher"),
    [('"=~a|b"', 'env=~"a|b"'), ('"!=a"', 'env!="a"'), ('"!~a|b"', 'env!~"a|b"')],
)
def test_each_operator_in_each_place(write_spec, place: str, written: str, matcher: str) -> None:
    old, new, rule, expected = PLACES[place]
    assert old in MINIMAL_EXPERIMENT
    specs = write_spec(MINIMAL_EXPERIMENT.replace(old, new.replace("{v}", written), 1))
    rules = compile_targets(load([specs])).rules["demo-ab"]
    (expr,) = {
        r.expr
        for g in rules.groups
        for r in g.rules
        if (getattr(r, "record", None) or getattr(r, "alert", None)) == rule
    }
    variants = "baseline-predictor|enhanced-predictor"
    assert expected.format(m=matcher, variants=variants) in expr
