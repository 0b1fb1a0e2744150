"""What promtool or amtool would reject is refused at load, with a position: time
intervals, RE2 syntax, duration ranges, rate windows, quantiles that would share a name."""

from __future__ import annotations

import pytest

from monogen.pipeline import compile_targets
from tests.conftest import MINIMAL_EXPERIMENT, invoke
from tests.test_validate import ALERTING, check, edit, errors

INTERVALS = ALERTING.replace(
    "  routes:\n",
    "  timeIntervals:\n    quiet: [{{ {interval} }}]\n  routes:\n",
).replace(
    "{match: {severity: warning}, receivers: [slack-mlops]}",
    "{match: {severity: warning}, receivers: [slack-mlops], muteTimeIntervals: [quiet]}",
)


def alerting_with(interval: str) -> str:
    return INTERVALS.replace("{{ {interval} }}", "{" + interval + "}")


def test_a_range_across_midnight_is_split_as_the_user_means(tmp_path) -> None:
    from monogen.output.render import to_yaml
    from tests.conftest import MINIMAL_EXPERIMENT, run_tool

    specs = check(MINIMAL_EXPERIMENT, alerting_with('times: [{start: "22:00", end: "07:00"}]'))
    config = compile_targets(specs).alertmanager.to_dict()
    (interval,) = config["time_intervals"]
    assert interval["time_intervals"][0]["times"] == [
        {"start_time": "22:00", "end_time": "24:00"},
        {"start_time": "00:00", "end_time": "07:00"},
    ]
    path = tmp_path / "alertmanager.yaml"
    path.write_text(to_yaml(config))
    (tmp_path / "templates").mkdir()
    checked = run_tool("amtool", "check-config", str(path))
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize(
    ("interval", "message"),
    [
        ('times: [{start: "08:00", end: "08:00"}]', "the range 08:00-08:00 is empty"),
        ("location: America/New_Yrok", "unknown time zone 'America/New_Yrok'; did you mean"),
        # the operator's AlertmanagerConfig has no time zone: it would read these in UTC
        ("location: Europe/Berlin", "cannot reach an operator-managed Alertmanager"),
        ("location: Asia/Kolkata", "write the times in UTC"),
        ('daysOfMonth: ["32"]', "days are 1 to 31"),
        ('daysOfMonth: ["0"]', "days are 1 to 31"),
        ('daysOfMonth: ["20:10"]', "runs backwards"),
        ("months: [januray]", "unknown month"),
        # after midnight is the next day: one interval cannot say which days it covers
        ('weekdays: [friday], times: [{start: "22:00", end: "06:00"}]', "crosses midnight"),
        ('months: ["13"]', "unknown month"),
        ('months: ["december:march"]', "runs backwards"),
    ],
)
def test_time_intervals_alertmanager_rejects_are_refused(interval: str, message: str) -> None:
    from tests.conftest import MINIMAL_EXPERIMENT

    (error,) = errors(MINIMAL_EXPERIMENT, alerting_with(interval))
    assert error.startswith("f1.yaml:")
    assert message in error


@pytest.mark.parametrize(
    ("pattern", "shown"),
    [("crit(?=ical)", "(?="), ("(a)\\\\1", "\\\\1"), ("a++", "++"), ("(", "invalid")],
)
def test_route_regexes_must_be_re2(pattern: str, shown: str) -> None:
    from tests.conftest import MINIMAL_EXPERIMENT

    routing = ALERTING.replace(
        "{match: {severity: warning}, receivers: [slack-mlops]}",
        f'{{matchRe: {{severity: "{pattern}"}}, receivers: [slack-mlops]}}',
    )
    (error,) = errors(MINIMAL_EXPERIMENT, routing)
    assert "f1.yaml:" in error and "matchRe.severity" in error
    assert shown.replace("\\\\", "\\") in error


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "accuracy: {}",
            "accuracy: {warning: {below: 75, for: 99999999999999999999y}}",
            "longer than Prometheus durations go",
        ),
        (
            "trafficSplit: {tolerance: 5}",
            "trafficSplit: {tolerance: 5}\n  rateWindow: 0s",
            "use 1m or more",
        ),
        (
            "trafficSplit: {tolerance: 5}",
            "trafficSplit: {tolerance: 5}\n  rateWindow: 30s",
            "use 1m or more",
        ),
        ("latency: {}", "latency: {quantile: 0.9500000001}", "at most four decimals"),
        ("latency: {}", "latency: {quantile: 0.999999999}", "at most four decimals"),
    ],
)
def test_ranges_and_names_promtool_would_trip_on(old: str, new: str, message: str) -> None:
    (error,) = errors(edit(old, new))
    assert error.startswith("f0.yaml:")
    assert message in error


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        # thresholds nothing can cross: refused, not left for `monogen test` to find
        ("accuracy: {}", "accuracy: {warning: {below: 0}}", "could never fire"),
        ("errorRate: {}", "errorRate: {critical: {above: 100%}}", "could never fire"),
        ("accuracy: {}", "accuracy: {warning: {below: .inf}}", "inf is outside 0-100"),
        ("latency: {}", "latency: {warning: {above: .inf}}", "not a finite number"),
        ("trafficSplit: {tolerance: 5}", "trafficSplit: {tolerance: 100}", "less than 100"),
        # units that read wrong: the mistake is named with what was probably meant
        ("errorRate: {}", "errorRate: {critical: {above: 3}}", "did you mean 3%?"),
        ("accuracy: {}", "accuracy: {warning: {below: 0.8}}", "did you mean 80 (or 80%)?"),
        ("latency: {}", "latency: {warning: {above: 300}}", "did you mean `300ms`?"),
    ],
)
def test_thresholds_that_cannot_mean_what_they_say(old: str, new: str, message: str) -> None:
    (error,) = errors(edit(old, new))
    assert error.startswith("f0.yaml:")
    assert message in error


CUSTOM = "accuracy: {}\n    customMetrics: [{alert: ConfidenceLow, %s, warning: {below: 0.7}}]"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        # found by attacking the analysis kinds
        ("accuracy: {}", CUSTOM % "gauge: {name: c}, by: [model_name]", "the variant label"),
        # namespace is the alert's own (its PrometheusRule's), as the operator routes by it
        (
            "accuracy: {}",
            CUSTOM % "gauge: {name: c}, by: [namespace]",
            "one monogen or Prometheus sets itself",
        ),
        # `metric` names what missing-data and comparison alerts are about
        ("accuracy: {}", CUSTOM % "gauge: {name: c}, by: [metric]", "sets itself"),
        ("accuracy: {}", "accuracy: {}\n    missingData: {metrics: []}", "watches no metric"),
        ("accuracy: {}", CUSTOM % "gauge: {name: c, selector: {k: []}}", "gauge.selector.k"),
        (
            "accuracy: {}",
            CUSTOM % "ratio: {numerator: {name: f}, denominator: {name: f}}",
            "always 1 or more",
        ),
        (
            "errorRate: {}",
            "errorRate: {}\n    lowTraffic: {warning: {below: 0.1, for: 1m}}",
            "at least the rate window",
        ),
        (
            "errorRate: {}",
            "errorRate: {}\n    lowTraffic: {warning: {below: 0, for: 10m}}",
            "could never fire",
        ),
    ],
)
def test_analysis_specs_that_cannot_work(old: str, new: str, message: str) -> None:
    found = errors(edit(old, new))
    assert any(e.startswith("f0.yaml:") and message in e for e in found), found


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("sampleRatioMismatch: {window: 7d}", "from 2m to 1d"),
        ("sampleRatioMismatch: {minRequests: 1000000000000000000000}", "less than or equal"),
        (
            "comparisons: [{metric: errorRate, significance: {window: 2d}}]",
            "from 2m to 1d",
        ),
    ],
)
def test_analysis_windows_and_minimums_are_bounded(new: str, message: str) -> None:
    spec = edit("trafficSplit: {tolerance: 5}", "trafficSplit: {tolerance: 5}\n    " + new)
    found = errors(spec)
    assert any(e.startswith("f0.yaml:") and message in e for e in found), found


def test_variants_past_the_documented_limit_are_refused_at_their_list(write_spec) -> None:
    from monogen.spec.experiment import MAX_VARIANTS

    variants = "".join(f"    - {{name: v{i}}}\n" for i in range(MAX_VARIANTS + 1))
    text = MINIMAL_EXPERIMENT.replace(
        "    - {name: baseline-predictor, role: control, traffic: 70}\n"
        "    - {name: enhanced-predictor, role: treatment, traffic: 30}\n",
        variants,
    )
    result = invoke("validate", str(write_spec(text)))
    assert result.exit_code == 2
    assert (
        f"spec.yaml:10:5: error: at most 50 items, got {MAX_VARIANTS + 1} (at spec.variants)"
        in (result.stderr)
    )


@pytest.mark.parametrize(
    ("comparison", "message"),
    [
        (
            "{metric: accuracy, margin: {absolute: 100}}",
            "a margin of 100 can never be exceeded: the metric reads 0 to 100",
        ),
        (
            "{metric: errorRate, margin: {absolute: 100%}}",
            "a margin of 1 can never be exceeded: the metric reads 0 to 1",
        ),
    ],
)
def test_a_comparison_margin_no_difference_can_reach_is_refused(
    write_spec, comparison: str, message: str
) -> None:
    text = MINIMAL_EXPERIMENT.replace(
        "    trafficSplit: {tolerance: 5}\n",
        f"    trafficSplit: {{tolerance: 5}}\n    comparisons: [{comparison}]\n",
    )
    result = invoke("validate", str(write_spec(text)))
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_a_comparison_margin_within_the_range_builds(write_spec) -> None:
    text = MINIMAL_EXPERIMENT.replace(
        "    trafficSplit: {tolerance: 5}\n",
        "    trafficSplit: {tolerance: 5}\n    comparisons: [{metric: accuracy, margin: {absolute: 99}}]\n",
    )
    assert invoke("validate", str(write_spec(text))).exit_code == 0


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "latency: {name: ab_test_response_time_seconds,",
            "latency: {name: ab_test_response_time_seconds_bucket,",
            "'ab_test_response_time_seconds_bucket' is one series of a histogram: name the "
            "histogram, did you mean 'ab_test_response_time_seconds'?",
        ),
        (
            "latency: {name: ab_test_response_time_seconds,",
            "latency: {name: ab_test_response_time_seconds_count,",
            "did you mean 'ab_test_response_time_seconds'?",
        ),
        (
            "trafficSplit: {tolerance: 5}",
            "trafficSplit: {tolerance: 5}\n    cpu: {warning: {above: 0.85}}",
            "0.85 on a gauge that reads 0-100 is 0.85%; did you mean 85 (or 85%)?",
        ),
    ],
)
def test_implausible_metrics_and_thresholds_say_what_was_meant(
    write_spec, old: str, new: str, message: str
) -> None:
    text = MINIMAL_EXPERIMENT.replace(old, new).replace(
        "    accuracy: {name: ab_test_model_accuracy, scale: percent}\n",
        "    accuracy: {name: ab_test_model_accuracy, scale: percent}\n    cpu: {name: cpu_percent}\n",
    )
    result = invoke("validate", str(write_spec(text)))
    assert result.exit_code == 2, result.output
    assert message in result.stderr
