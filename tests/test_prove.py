"""Generated promtool tests prove every alert; a wrong threshold is caught."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from monogen.compile import gotemplate
from monogen.pipeline import compile_targets, load
from monogen.prove import find_promtool, prove, report
from tests.conftest import (
    GENERATED,
    MINIMAL_EXPERIMENT,
    PROMETHEUS,
    RELEASE_ENDS,
    SPECS,
    invoke,
    tool,
)


@pytest.mark.parametrize(
    ("value", "fn", "expected"),
    [
        (0.09090909090909091, gotemplate.humanize_percentage, "9.091%"),
        (0.48750000000000004, gotemplate.humanize_duration, "487.5ms"),
        (3725.0, gotemplate.humanize_duration, "1h 2m 5s"),
        (90061.0, gotemplate.humanize_duration, "1d 1h 1m 1s"),
        (2.5, gotemplate.humanize_duration, "2.5s"),
        (0.05, gotemplate.humanize, "50m"),
        (1234567.0, gotemplate.humanize, "1.235M"),
        (0.0, gotemplate.humanize, "0"),
        (-0.2, gotemplate.humanize, "-200m"),
    ],
)
def test_humanize_matches_prometheus(value: float, fn, expected: str) -> None:
    assert fn(value) == expected


def test_template_renderer_refuses_what_it_does_not_know() -> None:
    assert gotemplate.render('{{ "{{" }} {{ $labels.a }}', {"a": "x"}, 1) == "{{ x"
    with pytest.raises(ValueError, match="cannot render"):
        gotemplate.render("{{ $value | title }}", {}, 1)


@pytest.mark.parametrize("version", PROMETHEUS)
def test_monogen_test_proves_every_example_alert(version: str) -> None:
    """The same generated fixtures prove every alert on each release: 2.x reads a range
    as closed, 3.x as left-open."""
    promtool = tool("promtool", version)
    result = invoke("test", str(SPECS), "--promtool", promtool)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"promtool: {promtool} (promtool {version}.")
    # every alerting rule the committed rule files hold (counted from the files, not by
    # the code under test)
    alerts = sum(_alerts_in(p) for p in (GENERATED / "prometheus/rules").glob("*.rules.yaml"))
    assert f"total: {alerts}/{alerts} alerts proven by promtool" in result.stdout
    for name in sorted(
        p.name.removesuffix(".rules.yaml")
        for p in (GENERATED / "prometheus/rules").glob("*.rules.yaml")
    ):
        assert any(
            line.startswith(name) and "(100%)  ok" in line for line in result.stdout.splitlines()
        )


@pytest.mark.parametrize(
    ("alert", "right", "wrong"),
    [
        ("ModelAccuracyDegraded", "< 75", "< 70"),
        ("ModelAccuracyDegraded", "< 75", "< 77"),
        # the chi-square critical value of the sample-ratio test, moved 3% either way
        ("ExperimentSampleRatioMismatch", "> 10.8276", "> 10.5"),
        ("ExperimentSampleRatioMismatch", "> 10.8276", "> 11.15"),
        # the z-test's critical value, the latency ratio and the accuracy margin, moved
        ("TreatmentWorseThanControl", "> 2.32635", "> 2.25"),
        ("TreatmentWorseThanControl", "> 2.32635", "> 2.4"),
        ("TreatmentWorseThanControl", "> 1.2 and", "> 1.17 and"),
        ("TreatmentWorseThanControl", "> 1.2 and", "> 1.23 and"),
        ("TreatmentWorseThanControl", ") > 2", ") > 1.9"),
        ("TreatmentWorseThanControl", ") > 2", ") > 2.1"),
        # the burn factors of the SLO's window pairs, and its error budget, moved
        ("SLOErrorBudgetBurn", "> 14.4", "> 14"),
        ("SLOErrorBudgetBurn", "> 14.4", "> 14.8"),
        ("SLOErrorBudgetBurn", "> 6", "> 5.8"),
        ("SLOErrorBudgetBurn", "> 1 and", "> 1.03 and"),
        ("SLOErrorBudgetBurn", "/ 0.005 >", "/ 0.0052 >"),
        ("SLOErrorBudgetBurn", "/ 0.005 >", "/ 0.0048 >"),
    ],
)
@pytest.mark.parametrize("version", RELEASE_ENDS["prometheus"])
def test_a_deliberately_wrong_threshold_fails_the_proof(
    version: str, alert: str, right: str, wrong: str
) -> None:
    promtool = tool("promtool", version)
    compiled = compile_targets(load([SPECS]))
    rules = compiled.rules["fraud-detector-ab"]
    broken_groups = []
    for group in rules.groups:
        broken = [
            dataclasses.replace(r, expr=r.expr.replace(right, wrong))
            # `) > 2` is the accuracy margin, not the start of the z-test's `) > 2.32635`
            if getattr(r, "alert", None) == alert and right in r.expr and f"{right}." not in r.expr
            else r
            for r in group.rules
            # the mutated alert's proofs only: the others' do not read its rules
            if getattr(r, "alert", alert) == alert
        ]
        broken_groups.append(dataclasses.replace(group, rules=tuple(broken)))
    assert broken_groups != list(rules.groups), f"{right!r} is not in a {alert} rule"
    compiled.rules["fraud-detector-ab"] = dataclasses.replace(rules, groups=tuple(broken_groups))
    # prove the mutated experiment only (the others are proven by the test above)
    (exp,) = [e for e in compiled.specs.experiments if e.name == "fraud-detector-ab"]
    only = dataclasses.replace(
        compiled, specs=dataclasses.replace(compiled.specs, experiments=(exp,))
    )
    (proof,) = prove(only, promtool)
    assert not proof.ok
    assert alert in proof.output
    assert any(f.case.startswith(f"{alert}/") for f in proof.failures), proof.failures


def _alerts_in(path: Path) -> int:
    """The alerting rules of a committed rule file."""
    groups = yaml.safe_load(path.read_text())["groups"]
    return sum(1 for group in groups for rule in group["rules"] if "alert" in rule)


def _mutated(alert: str, right: str, wrong: str):
    """The examples, with `right` replaced by `wrong` in the rules of `alert` only."""
    compiled = compile_targets(load([SPECS]))
    rules = compiled.rules["fraud-detector-ab"]
    groups = []
    for group in rules.groups:
        broken = [
            dataclasses.replace(r, expr=r.expr.replace(right, wrong))
            if getattr(r, "alert", None) == alert
            else r
            for r in group.rules
        ]
        groups.append(dataclasses.replace(group, rules=tuple(broken)))
    compiled.rules["fraud-detector-ab"] = dataclasses.replace(rules, groups=tuple(groups))
    (exp,) = [e for e in compiled.specs.experiments if e.name == "fraud-detector-ab"]
    return dataclasses.replace(
        compiled, specs=dataclasses.replace(compiled.specs, experiments=(exp,))
    )


@pytest.mark.parametrize("version", RELEASE_ENDS["prometheus"])
def test_a_failing_case_marks_its_alert_not_its_experiment(version: str) -> None:
    """Every other alert of the experiment stays proven, and the report names the failed
    case: its alert, the case, its time, what was expected and what came."""
    promtool = find_promtool(tool("promtool", version))
    only = _mutated("ExperimentSampleRatioMismatch", "> 10.8276", "> 10.5")
    (proof,) = prove(only, promtool.path)
    assert [f.case for f in proof.failures] == ["ExperimentSampleRatioMismatch/warning"]
    # the experiment's alerting rules, counted from its committed rule file (a kind
    # added to the example must not need this test edited)
    n = _alerts_in(GENERATED / "prometheus/rules/fraud-detector-ab.rules.yaml")
    assert proof.generated == n and proof.proven == n - 1
    text = report([proof], promtool)
    assert f"promtool: {promtool.path} (promtool {version}." in text
    shown = f"{n - 1:>3}/{n:<3} alerts proven ({100 * (n - 1) / n:.0f}%)  FAILED"  # 20/21 95%
    assert f"fraud-detector-ab  {shown}" in text
    assert "    FAILED ExperimentSampleRatioMismatch/warning:" in text
    assert "stays just inside: silent" in text and "time: 1h" in text
    assert "exp:[]" in text.replace(" ", "") and "got:[" in text.replace(" ", "")
    assert "chi-square 10.61 is above" in text  # what came: the alert, with its value


def test_coverage_below_100_percent_exits_1(
    write_spec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tool("promtool")
    # Validation refuses thresholds nothing can cross; a kind that cannot find probe
    # values (a bug, or a kind of a new shape) must still show as unproven, not pass.
    from monogen.kinds.quality import Accuracy

    monkeypatch.setattr(Accuracy, "probes", lambda self, rail, threshold, ctx: (None, None))
    specs = write_spec(MINIMAL_EXPERIMENT)
    result = invoke("test", str(specs))
    assert result.exit_code == 1
    assert "no firing case could be derived for ModelAccuracyDegraded/warning" in result.stdout
    assert "no firing case could be derived for ModelHighErrorRate" not in result.stdout


def test_missing_promtool_is_bad_usage(write_spec) -> None:
    specs = write_spec(MINIMAL_EXPERIMENT)
    result = invoke("test", str(specs), "--promtool", "/nonexistent/promtool")
    assert result.exit_code == 2
    assert "promtool not found" in result.stderr
    assert "--promtool PATH" in result.stderr  # the hint


def test_a_promtool_that_is_not_promtool_is_bad_usage(write_spec, tmp_path: Path) -> None:
    """--promtool is taken exactly: a program that is not promtool is refused, never
    replaced by a promtool found elsewhere."""
    tool("promtool")  # one is on PATH: it must not be used instead
    impostor = tmp_path / "promtool"
    impostor.write_text("#!/bin/sh\necho 'amtool, version 0.28.1'\n")
    impostor.chmod(0o755)
    specs = write_spec(MINIMAL_EXPERIMENT)
    for given in (str(impostor), str(tmp_path / "absent/promtool"), str(tmp_path)):
        result = invoke("test", str(specs), "--promtool", given)
        assert result.exit_code == 2, (given, result.output)
        assert "error:" in result.stderr and "hint:" in result.stderr
        assert "alerts proven" not in result.stdout


def test_a_stopped_monogen_test_stops_its_promtool(write_spec, tmp_path: Path) -> None:
    """CI cancels a job with SIGTERM: the promtool monogen runs must not outlive it."""
    import os
    import signal
    import subprocess
    import sys
    import time

    pid_file = tmp_path / "promtool.pid"
    fake = tmp_path / "promtool"
    fake.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = --version ]; then echo "promtool, version 3.5.3"; exit 0; fi\n'
        f'echo $$ > "{pid_file}"\nexec sleep 120\n'
    )
    fake.chmod(0o755)
    specs = write_spec(MINIMAL_EXPERIMENT)
    run = subprocess.Popen(
        [sys.executable, "-m", "monogen", "test", str(specs), "--promtool", str(fake)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not pid_file.exists() or not pid_file.read_text().strip():
            assert time.monotonic() < deadline, "promtool never started"
            assert run.poll() is None, "monogen test ended before promtool started"
            time.sleep(0.1)
        promtool_pid = int(pid_file.read_text())
        run.send_signal(signal.SIGTERM)
        assert run.wait(timeout=30) == 128 + signal.SIGTERM
        time.sleep(0.5)
        try:
            os.kill(promtool_pid, 0)
            alive = Path(f"/proc/{promtool_pid}/stat").read_text().split()[2] != "Z"
        except (ProcessLookupError, FileNotFoundError):
            alive = False
        assert not alive, "promtool outlived monogen test"
    finally:
        run.kill()
