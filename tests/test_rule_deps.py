"""The rules one alert's proof reads (compile/rule_deps.py): its own levels and the
recording rules they read, transitively; everything when it reads ALERTS. `monogen test`
proves each alert over just these (tests/test_prove.py and the mutant tests run on them)."""

from __future__ import annotations

import dataclasses

from monogen.compile.rule_deps import needed
from monogen.compile.rules import compile_rules
from monogen.model.rules import AlertingRule, RecordingRule, RuleGroup
from monogen.model.text import AlertText, Query
from monogen.spec.loader import load_text
from monogen.spec.validate import validate
from tests.conftest import MINIMAL_EXPERIMENT

REQ = "experiment_variant:ab_test_requests:rate5m"


def _rules():
    return compile_rules(validate(load_text(MINIMAL_EXPERIMENT, "s.yaml")).experiments[0])


def _kept(alert: str) -> tuple[list[str], list[tuple[str, str]]]:
    found = needed(_rules(), alert)
    return [r.record for r in found.records], [
        (r.alert, r.labels["severity"]) for r in found.alerts
    ]


# written out from the generated rule file by hand: the error ratio reads the error and
# request rates; the split reads its share, which reads the request rate
def test_an_alert_keeps_its_levels_and_the_records_it_reads_transitively() -> None:
    assert _kept("ModelHighErrorRate") == (
        [REQ, "experiment_variant:ab_test_requests_errors:rate5m",
         "experiment_variant:ab_test_requests_errors:ratio_rate5m"],
        [("ModelHighErrorRate", "critical")],
    )  # fmt: skip
    assert _kept("ExperimentTrafficImbalance") == (
        [REQ, "experiment_variant:ab_test_requests:traffic_percent_rate5m"],
        [("ExperimentTrafficImbalance", "warning")],
    )
    assert _kept("ModelAccuracyDegraded") == (
        [],
        [("ModelAccuracyDegraded", "warning"), ("ModelAccuracyDegraded", "critical")],
    )


def test_groups_and_their_order_are_kept() -> None:
    rules = _rules()
    assert [g.name for g in needed(rules, "ModelHighLatency").groups] == [
        g.name for g in rules.groups
    ]


def _with(*extra: AlertingRule | RecordingRule):
    rules = _rules()
    first = rules.groups[-1]
    grown = dataclasses.replace(first, rules=(*first.rules, *extra))
    return dataclasses.replace(rules, groups=(*rules.groups[:-1], grown))


def test_a_record_read_only_by_an_alerts_text_is_kept() -> None:
    rules = _with(
        RecordingRule("x:extra:rate5m", "sum(rate(x_total[5m]))"),
        AlertingRule(
            "Quiet",
            "vector(1)",
            "0s",
            {"severity": "warning"},
            {"summary": AlertText.of("x is ", Query("x:extra:rate5m", "humanize"))},
        ),
    )
    assert [r.record for r in needed(rules, "Quiet").records] == ["x:extra:rate5m"]


def test_an_alert_reading_alerts_keeps_the_whole_file() -> None:
    rules = _with(AlertingRule("Meta", 'count(ALERTS{alertstate="firing"}) > 3', "0s", {}, {}))
    assert needed(rules, "Meta") == rules


def test_an_unknown_alert_keeps_nothing() -> None:
    found = needed(_rules(), "NoSuchAlert")
    assert found.records == [] and found.alerts == []
    assert isinstance(found.groups[0], RuleGroup)
