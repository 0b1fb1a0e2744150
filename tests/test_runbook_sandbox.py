"""A project's runbook templates are untrusted: they render in a bounded sandbox, so no
template reaches Python's internals, runs a command, reads the environment, writes a file
or runs without end; and spec URLs land in runbooks percent-encoded, so they can neither
close their link nor open an HTML tag."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from monogen.targets.markdown import code_block, markdown_url
from tests.conftest import MINIMAL_EXPERIMENT, invoke
from tests.test_validate import ALERTING

HOSTILE = {
    "python internals": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "globals of a function": "{{ cycler.__init__.__globals__.os.environ }}",
    "a method of the context": "{{ self.__init__.__globals__ }}",
    "mutation of what it is given": "{{ alert.levels.append(1) }}",
    "nested loops without end": (
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    ),
    "a huge string": "{{ 'x' * 1000000000 }}",
    "a huge list": "{{ ([1] * 100000) * 100000 }}",
    "a huge power": "{{ 9 ** 999999999 }}",
    "a huge page": "{% for i in range(99999) %}{{ 'y' * 999 }}{% endfor %}",
    "endless recursion": "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "nested loops over a string": (
        '{% set s = "x" * 100000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}'
    ),
    "a huge centred string": '{{ "x" | center(300000000) }}',
    "a huge printf width": '{{ "%0300000000d" | format(1) }}',
    "a huge % width": '{{ "%0300000000d" % 1 }}',
    "a huge str.format width": '{{ "{:>300000000}".format(1) }}',
    "a chain of powers": "{{ 2**64**64**64**64**64**64 }}",
    "a division by zero": "{{ 1/0 }}",
    "adding text and a number": '{{ "a" + 1 }}',
    "an integer too long to print": "{{ 10**60 * 10**60 }}{{ (10**60)**60 }}",
}


@pytest.fixture
def project(write_spec) -> Path:
    specs = write_spec(MINIMAL_EXPERIMENT)
    write_spec(ALERTING, "routing.yaml")
    return specs


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_template_is_a_positioned_error(project: Path, tmp_path: Path, name: str) -> None:
    overrides = project / "runbook-templates"
    overrides.mkdir()
    (overrides / "runbook.md.j2").write_text(f"# {{{{ alert.name }}}}\n\n{HOSTILE[name]}\n")
    started = time.monotonic()
    result = invoke("build", str(project), "-o", str(tmp_path / "out"))
    assert time.monotonic() - started < 30  # bounded: seconds, not hours
    assert result.exit_code == 2, result.output
    assert "runbook-templates/runbook.md.j2:3:1: error: runbook template failed: " in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_template_cannot_write_a_file_or_read_the_environment(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI_SECRET_TOKEN", "s3cr3t-value")
    outside = tmp_path / "outside.txt"
    overrides = project / "runbook-templates"
    overrides.mkdir()
    (overrides / "runbook.md.j2").write_text(
        "{{ lipsum.__globals__['os'].environ }}\n"
        f"{{{{ joiner.__init__.__globals__['open']('{outside}', 'w').write('x') }}}}\n"
    )
    result = invoke("build", str(project), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "s3cr3t-value" not in result.output
    assert not outside.exists()
    assert not (tmp_path / "out").exists()  # nothing written, the environment included


def test_a_bounded_template_still_renders_loops_and_text(project: Path, tmp_path: Path) -> None:
    overrides = project / "runbook-templates"
    overrides.mkdir()
    (overrides / "runbook.md.j2").write_text(
        "# {{ alert.name }}\n{% for i in range(3) %}{{ i }}{% endfor %} {{ 'ab' * 2 }}\n"
    )
    result = invoke("build", str(project), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    page = tmp_path / "out/runbooks/demo-ab/model-accuracy-degraded.md"
    assert page.read_text() == "# ModelAccuracyDegraded\n012 abab\n"


def test_spec_urls_are_percent_encoded_in_runbooks(write_spec, tmp_path: Path) -> None:
    hostile = MINIMAL_EXPERIMENT.replace(
        "runbookUrl: https://runbooks.example.com/demo",
        'runbookUrl: "https://runbooks.example.com/d)<img/src=x/onerror=alert(1)>"',
    ).replace(
        "grafanaUrl: https://grafana.example.com",
        'grafanaUrl: "https://grafana.example.com/x)[a](javascript:alert(1))`*"',
    )
    specs = write_spec(hostile)
    write_spec(ALERTING, "routing.yaml")
    result = invoke("build", str(specs), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out/runbooks/demo-ab/model-accuracy-degraded.md").read_text()
    assert "<img" not in page and "](javascript" not in page
    assert (
        "- Dashboard: [demo-ab](https://grafana.example.com/x%29%5Ba%5D%28javascript:alert%281%29"
        "%29%60%2A/d/monogen-demo-ab/demo-ab)\n"
    ) in page
    assert (
        "- This page: https://runbooks.example.com/d%29%3Cimg/src=x/onerror=alert%281%29%3E/"
        "model-accuracy-degraded\n"
    ) in page


def test_markdown_url_keeps_what_urls_need_and_encodes_the_rest() -> None:
    plain = "https://grafana.example.com/d/x?orgId=1&var-a=b%20c#panel-2"
    assert markdown_url(plain) == plain
    assert markdown_url("https://h/ä (x)") == "https://h/%C3%A4%20%28x%29"
    assert markdown_url("https://h/<'\">") == "https://h/%3C%27%22%3E"


def test_a_code_block_fence_outlasts_the_backticks_it_holds() -> None:
    assert code_block("up", "promql") == "```promql\nup\n```"
    expr = 'label_replace(up, "a", "```\\n# injected", "b", "")'
    block = code_block(expr, "promql")
    assert block.startswith("````promql\n") and block.endswith("\n````")


def test_a_template_planted_as_a_link_is_refused_not_read(project: Path, tmp_path: Path) -> None:
    secret = tmp_path / "ci-secret.env"
    secret.write_text("SECRET=hunter2\n")
    overrides = project / "runbook-templates"
    overrides.mkdir()
    (overrides / "runbook.md.j2").symlink_to(secret)
    result = invoke("build", str(project), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "runbook.md.j2: error: not a regular file of the project" in result.stderr
    assert "hunter2" not in result.output
    assert not (tmp_path / "out").exists()


def test_digits_in_spec_data_are_not_a_format_width(write_spec, tmp_path: Path) -> None:
    """A bound on work reads numbers and format strings, never the data a page shows: a
    dated variant and a long selector value go through `code` and `codeblock`."""
    spec = MINIMAL_EXPERIMENT.replace("enhanced-predictor", "fraud-20240115").replace(
        "{namespace: seldon}", "{namespace: eu-1234567}"
    )
    specs = write_spec(spec)
    write_spec(ALERTING, "routing.yaml")
    result = invoke("build", str(specs), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out/runbooks/demo-ab/model-accuracy-degraded.md").read_text()
    assert "`fraud-20240115` (treatment, 30%)" in page
    assert 'namespace="eu-1234567"' in page


@pytest.mark.parametrize(
    "template",
    ['{{ "%.3000000f" | format(1) }}', '{{ "%(a)9999999s" % {"a": 1} }}', "{{ 'x'.ljust(10**6) }}"],
)
def test_a_format_width_or_count_is_still_bounded(
    project: Path, tmp_path: Path, template: str
) -> None:
    overrides = project / "runbook-templates"
    overrides.mkdir()
    (overrides / "runbook.md.j2").write_text(f"# {{{{ alert.name }}}}\n\n{template}\n")
    result = invoke("build", str(project), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2, result.output
    assert "runbook-templates/runbook.md.j2:3:1: error: runbook template failed: " in result.stderr


def test_only_monogens_own_templates_skip_the_sandbox() -> None:
    """Without overrides the built-in pages render as they are; any override, even of one
    check file, puts every page of the build in the bounded sandbox."""
    from monogen.spec.runbook_templates import builtin_templates
    from monogen.targets.runbooks import environment
    from monogen.targets.template_sandbox import BoundedSandbox, Trusted

    own = builtin_templates()
    assert type(environment(own)) is Trusted
    overridden = {**own, "checks/latency.md.j2": "{{ range(10) | list }}"}
    assert type(environment(overridden)) is BoundedSandbox
