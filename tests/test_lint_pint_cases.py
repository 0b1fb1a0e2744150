"""pint-style offline cases: a small rule file each and the exact findings (line, check id)
the semantic rule checks give on it. The rules are otherwise complete (severity, summary,
description, runbook), so any other finding would show here too."""

from __future__ import annotations

from pathlib import Path

import pytest

from monogen.lint.config import LintConfig
from monogen.lint.run import lint_text
from tests.conftest import invoke

HEAD = "groups:\n  - name: g\n    rules:\n"
ANNOTATIONS = "{summary: s, description: d, runbook_url: https://r.example.com}"


def alert(expr: str, summary: str = "s", extra: str = "") -> str:
    """One alerting rule (lines 4-8 of the file; its expr on line 5)."""
    return (
        f"      - alert: A\n        expr: '{expr}'\n{extra}"
        "        labels: {severity: warning}\n"
        f"        annotations: {{summary: '{summary}', description: d, "
        "runbook_url: https://r.example.com}\n"
    )


def record(name: str, expr: str) -> str:
    return f"      - record: {name}\n        expr: '{expr}'\n"


# (name, rules under the group, [(line, check id)])
CASES = [
    # alerts/template-label: the label a template reads and the query's result
    ("sum-by-drops-instance", alert("sum by (job) (rate(e_total[5m])) > 1", "{{ $labels.instance }}"),
     [(7, "alerts/template-label")]),
    ("sum-drops-all", alert("sum(rate(e_total[5m])) > 1", "{{ .Labels.job }}"),
     [(7, "alerts/template-label")]),
    ("absent-keeps-equality-matchers-only",
     alert('absent(up{job="api", instance=~"a.*"})', "{{ $labels.instance }}", "        for: 5m\n"),
     [(8, "alerts/template-label")]),
    ("absent-keeps-job", alert('absent(up{job="api"})', "{{ $labels.job }}", "        for: 5m\n"),
     []),
    ("label-replace-adds", alert(
        'label_replace(sum by (job) (up), "team", "$1", "job", "(.*)") < 1', "{{ $labels.team }}"),
     []),
    ("count-values-adds", alert('count_values("version", build_info) > 1', "{{ $labels.version }}"),
     []),
    ("group-left-brings", alert(
        "sum by (job) (up) * on (job) group_left (owner) owner_info < 1", "{{ $labels.owner }}"),
     []),
    ("on-keeps-only-its-labels", alert("errors_total / on (job) requests_total > 0.1",
                                       "{{ $labels.instance }}"),
     [(7, "alerts/template-label")]),
    ("histogram-quantile-drops-le", alert(
        "histogram_quantile(0.9, sum by (le, job) (rate(l_bucket[5m]))) > 1", "{{ $labels.le }}"),
     [(7, "alerts/template-label")]),
    ("selector-labels-unknown", alert("up == 0", "{{ $labels.instance }}"), []),
    # promql/fragile
    ("topk-picks-series", alert("topk(3, rate(e_total[5m])) > 1"), [(5, "promql/fragile")]),
    ("bottomk-counted", alert("count(bottomk(3, free_bytes)) < 3"), []),
    ("topk-dedupe", alert("topk by (job) (1, up) == 0"), []),
    # promql/nan-division
    ("lower-bound-ratio", alert("sum(rate(ok_total[5m])) / sum(rate(req_total[5m])) < 0.99"),
     [(5, "promql/nan-division")]),
    ("upper-bound-ratio", alert("sum(rate(err_total[5m])) / sum(rate(req_total[5m])) > 0.05"), []),
    # promql/impossible
    ("count-equals-zero", alert('count(up{job="api"}) == 0'), [(5, "promql/impossible")]),
    ("unless-itself", record("job:x:none", "x unless x"), [(5, "promql/impossible")]),
    ("unless-on-nothing-sum", record("job:x:none", "x unless on () sum(x)"),
     [(5, "promql/impossible")]),
    ("unless-sum-default-matching", record("job:x:kept", "x unless sum(x)"), []),
    ("and-absent", alert('up{job="a"} and on () absent(up{job="a"})', "s", "        for: 5m\n"),
     [(5, "promql/impossible")]),
    ("disjoint-band", alert("temperature > 50 and temperature < 10"), [(5, "promql/impossible")]),
    ("band-on-job-may-match", alert("temperature > 50 and on (job) temperature < 10"), []),
    ("negative-rate", alert("sum(rate(e_total[5m])) < 0"), [(5, "promql/impossible")]),
    ("absent-never-fires", alert("absent(sum(up) or vector(0))", "s", "        for: 5m\n"),
     [(5, "promql/impossible")]),
    # rules/record-comparison, alerts/constant
    ("record-filter", record("job:e:rate5m", "sum by (job) (rate(e_total[5m])) > 100"),
     [(5, "rules/record-comparison")]),
    ("constant-alert", alert("vector(1) > 0"), [(5, "alerts/constant")]),
    ("watchdog", "      - alert: Watchdog\n        expr: vector(1)\n"
     "        labels: {severity: none}\n"
     f"        annotations: {ANNOTATIONS}\n", []),
    # rules/recording-undefined: a typo of a rule the file records
    ("recording-typo", record("job:req:rate5m", "sum by (job) (rate(req_total[5m]))")
     + alert("job:reqs:rate5m < 1"), [(7, "rules/recording-undefined")]),
]  # fmt: skip


@pytest.mark.parametrize("rules, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_pint_case(rules: str, expected: list[tuple[int, str]]) -> None:
    found = lint_text(HEAD + rules, "case.yaml", LintConfig(), {})
    assert [(f.line, f.check) for f in found] == expected, [str(f.message) for f in found]


def test_there_are_at_least_twenty_cases_and_each_check_fails_one() -> None:
    assert len(CASES) >= 20
    failing = {check for _, _, expected in CASES for _, check in expected}
    assert failing >= {
        "alerts/template-label",
        "promql/fragile",
        "promql/nan-division",
        "promql/impossible",
        "rules/record-comparison",
        "alerts/constant",
        "rules/recording-undefined",
    }


USES = (
    HEAD
    + record("job:req:rate5m", "sum by (job) (rate(req_total[5m]))")
    + alert("job:errors:rate5m / job:req:rate5m > 0.05")
)
DEFINES = HEAD + record("job:errors:rate5m", "sum by (job) (rate(errors_total[5m]))")


def test_a_recording_rule_defined_in_a_file_linted_later_is_found(tmp_path: Path) -> None:
    """Lint decides once every file is read: a rule recorded in a file after the one
    using it is defined; linted alone, the user is told (info: another file may define
    it), and a run without any job: rules says nothing."""
    (tmp_path / "a-uses.yaml").write_text(USES)
    (tmp_path / "b-defines.yaml").write_text(DEFINES)
    together = invoke("lint", str(tmp_path), "--format", "json")
    assert "rules/recording-undefined" not in together.stdout
    alone = invoke("lint", str(tmp_path / "a-uses.yaml"), "--format", "json")
    assert '"rules/recording-undefined"' in alone.stdout and '"info"' in alone.stdout
    (tmp_path / "b-defines.yaml").unlink()
    only_alerts = HEAD + alert("job:errors:rate5m / job:req:rate5m > 0.05")
    (tmp_path / "a-uses.yaml").write_text(only_alerts)
    assert "rules/recording-undefined" not in invoke("lint", str(tmp_path)).stdout


def test_long_operator_chains_are_not_followed_into_a_crash() -> None:
    """promtool accepts 2,000 chained operators; the recursive analyses stop short of
    them (and say nothing) rather than exhaust the stack."""
    chain = " + ".join(["up"] * 1900)
    text = HEAD + alert(f"sum(up) > 0 unless {chain} > 0", "{{ $labels.instance }}")
    found = lint_text(text, "case.yaml", LintConfig(), {})
    assert "alerts/template-label" not in [f.check for f in found]
