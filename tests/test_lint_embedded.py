"""Every file a user points at: rule files named `*.rules`, and Alertmanager configs and
rule files held in Kubernetes ConfigMaps and Secrets (plain, base64, several keys), linted
as the text they hold, with positions in the file that holds it."""

from __future__ import annotations

import base64
from pathlib import Path

from monogen.lint.config import LintConfig
from monogen.lint.run import lint_paths
from tests.conftest import invoke, run_tool

RULES = """\
groups:
  - name: g
    rules:
      - alert: Down
        expr: up == 0 +
"""
ALERTMANAGER = "route:\n  receiver: r\nreceivers:\n  - name: x\n"


def indented(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line if line.strip() else line for line in text.splitlines(True))


def found(path: Path) -> list[tuple[int, int, str]]:
    result = lint_paths([path], LintConfig())
    return [(f.line, f.column, f.check) for f in result.findings if f.severity.name == "ERROR"]


def test_a_configmap_rule_file_is_linted_where_it_stands(tmp_path: Path) -> None:
    alone = tmp_path / "alone.yaml"
    alone.write_text(RULES)
    held = tmp_path / "cm.yaml"
    held.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: rules}\ndata:\n"
        "  app.rules.yaml: |\n" + indented(RULES, 4) + "  run.sh: |\n    echo hi\n"
    )
    # the same error, five lines down (the header) and four columns right (the indent)
    assert found(alone) == [(5, 15, "rules/promql-syntax")]
    assert found(held) == [(10, 19, "rules/promql-syntax")]


def test_a_secret_holds_configs_base64_and_plain(tmp_path: Path) -> None:
    encoded = base64.b64encode(ALERTMANAGER.encode()).decode()
    held = tmp_path / "secret.yaml"
    held.write_text(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: alertmanager-main}\n"
        f"data:\n  alertmanager.yaml: {encoded}\n"
        "stringData:\n  rules.yaml: |\n" + indented(RULES, 4)
    )
    assert found(held) == [
        (5, 22, "alertmanager/receiver-undefined"),  # base64: at its key's value
        (12, 19, "rules/promql-syntax"),
    ]
    result = invoke("lint", str(held))
    assert result.exit_code == 1
    assert encoded not in result.output  # the encoded config may hold secrets
    assert "(line not shown: base64 data, which may hold secrets)" in result.output


def test_a_configmap_holding_nothing_monogen_lints_is_an_unknown_kind(tmp_path: Path) -> None:
    held = tmp_path / "cm.yaml"
    held.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  a.sh: echo\n")
    assert found(held) == [(1, 1, "file/unknown-kind")]


def test_rules_files_in_a_directory_are_linted_and_agree_with_promtool(tmp_path: Path) -> None:
    (tmp_path / "app.rules").write_text(RULES)
    (tmp_path / "notes.txt").write_text(RULES)  # not a rule file's name: not read
    result = lint_paths([tmp_path], LintConfig())
    assert {Path(f.file).name for f in result.findings} == {"app.rules"}
    promtool = run_tool("promtool", "check", "rules", str(tmp_path / "app.rules"))
    assert promtool.returncode != 0
    assert any(f.severity.name == "ERROR" for f in result.findings)
