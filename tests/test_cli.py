"""The command line: exit codes, --check, atomic writes, and no tracebacks on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml

from monogen import __version__
from monogen.output import write
from monogen.spec.errors import SpecErrors
from monogen.spec.loader import discover
from tests.conftest import MINIMAL_EXPERIMENT, ROOT, SPECS, invoke


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_build_then_check_is_clean(write_spec, tmp_path: Path) -> None:
    specs = write_spec(MINIMAL_EXPERIMENT)
    out = tmp_path / "generated"
    result = invoke("build", str(specs), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "prometheus/rules/demo-ab.rules.yaml").is_file()
    assert (out / "kubernetes/prometheusrules/demo-ab.yaml").is_file()
    assert invoke("build", str(specs), "-o", str(out), "--check").exit_code == 0


def test_check_reports_drift_as_a_diff(write_spec, tmp_path: Path) -> None:
    specs = write_spec(MINIMAL_EXPERIMENT)
    out = tmp_path / "generated"
    invoke("build", str(specs), "-o", str(out))
    before = snapshot(out)
    rules = out / "prometheus/rules/demo-ab.rules.yaml"
    rules.write_text(rules.read_text().replace("< 75", "< 70"))
    (out / "stray.yaml").write_text("x: 1\n")
    result = invoke("build", str(specs), "-o", str(out), "--check")
    assert result.exit_code == 1
    assert "--- a/prometheus/rules/demo-ab.rules.yaml" in result.stdout
    assert "-        expr: min by (model_name)" in result.stdout and "< 70" in result.stdout
    assert "--- a/stray.yaml\n+++ /dev/null" in result.stdout
    assert "2 file(s) out of date" in result.stderr
    # --check wrote nothing
    assert (
        snapshot(out)["prometheus/rules/demo-ab.rules.yaml"]
        != before["prometheus/rules/demo-ab.rules.yaml"]
    )


def test_check_on_a_missing_tree_fails(write_spec, tmp_path: Path) -> None:
    specs = write_spec(MINIMAL_EXPERIMENT)
    result = invoke("build", str(specs), "-o", str(tmp_path / "nowhere"), "--check")
    assert result.exit_code == 1
    assert "+++ b/prometheus/rules/demo-ab.rules.yaml" in result.stdout


def test_bad_input_exits_2_and_keeps_the_old_tree(write_spec, tmp_path: Path) -> None:
    specs = write_spec(MINIMAL_EXPERIMENT)
    out = tmp_path / "generated"
    invoke("build", str(specs), "-o", str(out))
    before = snapshot(out)
    write_spec(MINIMAL_EXPERIMENT.replace("traffic: 30}", "traffic: 40}"))
    result = invoke("build", str(specs), "-o", str(out))
    assert result.exit_code == 2
    assert "spec.yaml:10:5: error: traffic shares sum to 110, not 100" in result.stderr
    assert "Traceback" not in result.output
    assert "nothing written" in result.stderr
    assert snapshot(out) == before


def test_failure_mid_write_leaves_the_old_tree(
    write_spec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    specs = write_spec(MINIMAL_EXPERIMENT)
    out = tmp_path / "generated"
    invoke("build", str(specs), "-o", str(out))
    before = snapshot(out)
    write_spec(MINIMAL_EXPERIMENT.replace("accuracy: {}", "accuracy: {warning: {below: 60}}"))
    real = write.write_file
    calls = {"n": 0}

    def flaky(path: str, data: bytes) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        real(path, data)

    monkeypatch.setattr(write, "write_file", flaky)
    with pytest.raises(SpecErrors, match="cannot write the output: No space left on device"):
        write.write_tree(out, {"a.yaml": "a\n", "b.yaml": "b\n", "c.yaml": "c\n"})
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generated", "specs"]


def _broken_render() -> None:  # module level: workers receive it by name
    raise RuntimeError("renderer fell over")


@pytest.mark.parametrize("parallel", [False, True], ids=["one-process", "workers"])
def test_failure_mid_render_leaves_the_old_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    """Parts are written as they render; one failing after others were staged leaves the
    old tree and no staging directory."""
    from monogen import build as tree

    out = tmp_path / "generated"
    assert invoke("build", str(SPECS), "-o", str(out)).exit_code == 0
    before = snapshot(out)

    monkeypatch.setattr(tree, "_shared", _broken_render)  # rendered last, after every experiment
    if parallel:
        monkeypatch.setattr(tree, "PARALLEL_FROM", 1)
    result = invoke("build", str(SPECS), "-o", str(out))
    assert result.exit_code == 70, result.output
    assert "renderer fell over" in result.stderr
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["generated"]


def test_refuses_to_replace_a_directory_it_did_not_write(write_spec, tmp_path: Path) -> None:
    specs = write_spec(MINIMAL_EXPERIMENT)
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    result = invoke("build", str(specs), "-o", str(precious))
    assert result.exit_code == 2
    assert "was not written by monogen" in result.stderr
    assert (precious / "notes.txt").read_text() == "keep me"


def test_empty_specs_directory(tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    result = invoke("build", str(tmp_path / "specs"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "no spec files found" in result.stderr
    assert not (tmp_path / "out").exists()


def test_usage_errors_exit_2() -> None:
    assert invoke("build").exit_code == 2
    assert invoke("frobnicate").exit_code == 2


def test_validate_command(write_spec) -> None:
    specs = write_spec(MINIMAL_EXPERIMENT)
    result = invoke("validate", str(specs))
    assert result.exit_code == 0
    assert "ok: 1 experiment(s)" in result.stderr
    write_spec("apiVersion: monogen/v1\nkind: Experiment\n", "bad.yaml")
    result = invoke("validate", str(specs))
    assert result.exit_code == 2
    assert "bad.yaml:1:1: error: missing required key 'metadata'" in result.stderr


def test_schema_accepts_every_example_and_rejects_typos() -> None:
    result = invoke("schema")
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    documents = [
        doc
        for path in discover(SPECS)  # the spec files (not specs/.monogen.yaml)
        for doc in yaml.safe_load_all(path.read_text())
        if doc
    ]
    assert len(documents) >= 5
    for doc in documents:
        assert not list(validator.iter_errors(doc)), doc["metadata"]["name"]
    typo = dict(documents[0], spec={**documents[0]["spec"], "variantLable": "x"})
    assert list(validator.iter_errors(typo))
    # the kind selects its schema: the error is about that kind's fields, nothing else
    experiment = next(d for d in documents if d["kind"] == "Experiment")
    (error,) = validator.iter_errors(
        dict(experiment, spec={**experiment["spec"], "variantLable": "x"})
    )
    assert "variantLable" in error.message and "Alerting" not in json.dumps(error.schema)[:2000]
    assert list(validator.iter_errors({"apiVersion": "monogen/v1", "kind": "Experimnt"}))


def schema_properties(node: object, path: str = "") -> list[tuple[str, dict]]:
    """(path, schema) of every property in a JSON schema."""
    found: list[tuple[str, dict]] = []
    if isinstance(node, dict):
        for key, value in (node.get("properties") or {}).items():
            found.append((f"{path}.{key}", value))
        for key, value in node.items():
            if key != "if":  # conditions select a kind's schema; they document nothing
                found += schema_properties(value, f"{path}/{key}")
    elif isinstance(node, list):
        for value in node:
            found += schema_properties(value, path)
    return found


def test_every_property_of_the_editor_schema_is_described() -> None:
    schema = json.loads(invoke("schema").stdout)
    properties = schema_properties(schema)
    assert len(properties) > 200
    missing = [path for path, value in properties if not value.get("description")]
    assert missing == []
    # receivers are typed by integration: an editor completes `apiUrlFile`, `channel`, `to`
    receiver = schema["$defs"]["Receiver"]["properties"]
    assert {"slack", "email", "pagerduty", "webhook"} <= set(receiver)
    slack = schema["$defs"]["SlackConfig"]["properties"]
    assert {"apiUrlFile", "channel"} <= set(slack)
    assert schema["$defs"]["Comparison"]["properties"]["metric"]["enum"]


def run_process(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "monogen", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
    )


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_python_dash_m_and_version(flag: str) -> None:
    result = run_process(flag)
    assert result.returncode == 0
    assert result.stdout == f"monogen, version {__version__}\n"


HEAVY = ("click", "yaml", "pydantic", "jinja2", "grafanalib", "monogen.cli")


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_the_entry_answers_the_version_without_importing_click(flag: str) -> None:
    """The installed command (pyproject's [project.scripts]) prints what click's
    version option prints, importing none of the command line's stack to do it."""
    probe = (
        "import sys; from monogen.entry import main; sys.argv = ['monogen', sys.argv[1]];"
        "main(); print(sorted(m for m in sys.modules if m.split('.')[0] in sys.argv[2:]"
        " or m in sys.argv[2:]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, flag, *HEAVY], capture_output=True, text=True, check=True
    )
    assert result.stdout == f"monogen, version {__version__}\n[]\n"
    clicks = invoke(flag)  # the long way, through click
    assert clicks.stdout == f"monogen, version {__version__}\n"
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"monogen": "monogen.entry:main"}


def test_the_entry_hands_everything_else_to_the_command_line() -> None:
    result = run_process("build", "--version")  # not the version alone: click says no
    assert result.returncode == 2 and "No such option '--version'" in result.stderr
    assert "Usage: python -m monogen" in run_process("--help").stdout


def test_shell_completion_as_the_readme_documents() -> None:
    monogen = Path(sys.executable).parent / "monogen"

    def complete(mode: str, words: str = "") -> str:
        env = {**os.environ, "_MONOGEN_COMPLETE": mode, "COMP_WORDS": words}
        env["COMP_CWORD"] = str(len(words.split(" ")) - 1)
        done = subprocess.run([monogen], env=env, capture_output=True, text=True, check=True)
        return done.stdout

    assert "complete -o nosort -F _monogen_completion monogen" in complete("bash_source")
    assert complete("bash_complete", "monogen in") == "plain,init\n"
    assert "plain,github\n" in complete("bash_complete", "monogen lint --format ")
    assert "compdef _monogen_completion monogen" in complete("zsh_source")


def test_same_bytes_under_any_hash_seed(tmp_path: Path) -> None:
    outputs = []
    for seed in ("0", "1", "12345"):
        out = tmp_path / f"out-{seed}"
        result = run_process("build", "specs", "-o", str(out), env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        outputs.append(snapshot(out))
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(outputs[0]) > 5


def test_bad_input_in_a_real_process_has_no_traceback(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("apiVersion: monogen/v1\nkind: Experiment\nmetadata: [oops\n")
    result = run_process("build", str(spec), "-o", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{spec}:4:1: error: invalid YAML" in result.stderr


def test_check_trusts_an_untouched_tree_without_compiling(write_spec, tmp_path: Path) -> None:
    specs = write_spec(MINIMAL_EXPERIMENT)
    out = tmp_path / "generated"
    invoke("build", str(specs), "-o", str(out))
    marker = (out / ".monogen-generated").read_text()
    assert "monogen-inputs: " in marker and "monogen-outputs: " in marker
    fast = invoke("build", str(specs), "-o", str(out), "--check")
    assert fast.exit_code == 0 and "unchanged since a build" in fast.stderr
    # a hand edit defeats the digest: the full comparison runs and finds it
    rules = out / "prometheus/rules/demo-ab.rules.yaml"
    rules.write_text(rules.read_text() + "# edited\n")
    edited = invoke("build", str(specs), "-o", str(out), "--check")
    assert (
        edited.exit_code == 1 and "+# edited" not in edited.stdout and "-# edited" in edited.stdout
    )
    # so does a changed spec, even when the tree is untouched
    invoke("build", str(specs), "-o", str(out))
    write_spec(
        MINIMAL_EXPERIMENT.replace("traffic: 70}", "traffic: 60}").replace(
            "traffic: 30}", "traffic: 40}"
        )
    )
    changed = invoke("build", str(specs), "-o", str(out), "--check")
    assert changed.exit_code == 1
    assert "up to date" not in changed.stderr


def test_stale_stamps_alone_are_not_drift(write_spec, tmp_path: Path) -> None:
    """A new monogen or library version changes the stamps, not the output: no diff."""
    specs = write_spec(MINIMAL_EXPERIMENT)
    out = tmp_path / "generated"
    invoke("build", str(specs), "-o", str(out))
    marker = out / ".monogen-generated"
    marker.write_text(marker.read_text().replace("monogen-inputs: ", "monogen-inputs: 00"))
    result = invoke("build", str(specs), "-o", str(out), "--check")
    assert result.exit_code == 0, result.stdout
    assert "up to date (" in result.stderr and "unchanged since" not in result.stderr


def test_validate_and_lint_do_not_say_nothing_written(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: monogen/v1\nkind: Experimnt\n")
    result = invoke("validate", str(bad))
    assert result.exit_code == 2
    assert result.stderr.rstrip().endswith("1 error.")
    assert "nothing written" not in result.stderr


def test_lint_piped_into_head_stops_quietly(tmp_path: Path) -> None:
    """`monogen lint ... | head -1`: a closed pipe is no traceback."""
    import subprocess
    import sys

    rules = "\n".join(
        f"      - alert: a{i}\n        expr: up\n" for i in range(3000)
    )  # thousands of findings: far more than a pipe buffer
    (tmp_path / "r.yaml").write_text(f"groups:\n  - name: g\n    rules:\n{rules}")
    command = f"{sys.executable} -m monogen lint {tmp_path} --format json | head -c 20"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, timeout=120
    )
    assert done.stdout.startswith("[")
    assert "Traceback" not in done.stderr and "Error" not in done.stderr, done.stderr
    assert done.returncode == 141, done.stderr  # as if killed by SIGPIPE


def test_bad_input_exits_2_with_standard_error_closed(tmp_path: Path) -> None:
    """`2>&-`: the messages have nowhere to go (click.echo drops them), the exit code stays."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: monogen/v1\nkind: Experimnt\n")
    done = subprocess.run(
        ["sh", "-c", 'exec "$0" -m monogen validate "$1" 2>&-', sys.executable, bad],
        cwd=ROOT,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 2


def test_check_of_an_up_to_date_tree_reads_no_spec_model(write_spec, tmp_path: Path) -> None:
    """`build --check` of a tree built from the same inputs answers from the inputs'
    digest: it imports no pydantic, grafanalib or Jinja2 (a pre-commit hook's cost)."""
    specs = write_spec(MINIMAL_EXPERIMENT)
    out = tmp_path / "generated"
    assert invoke("build", str(specs), "-o", str(out)).exit_code == 0
    probe = (
        "import atexit, sys; from monogen.entry import main;"
        "atexit.register(lambda: print(sorted(m for m in sys.modules"
        " if m.split('.')[0] in ('pydantic', 'grafanalib', 'jinja2'))));"
        "sys.argv = ['monogen', 'build', sys.argv[1], '-o', sys.argv[2], '--check']; main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(specs), str(out)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "up to date (unchanged since a build from these specs)" in result.stderr
    assert result.stdout == "[]\n"
    # a stale tree still gets the whole comparison
    (specs / "spec.yaml").write_text(MINIMAL_EXPERIMENT.replace("tolerance: 5", "tolerance: 6"))
    stale = subprocess.run(
        [sys.executable, "-c", probe, str(specs), str(out)], capture_output=True, text=True
    )
    assert stale.returncode == 1 and "pydantic" in stale.stdout


def test_a_fifo_or_a_broken_link_among_the_specs_is_reported_not_waited_on(
    write_spec, tmp_path: Path
) -> None:
    """The inputs' digest is taken before the specs load: it must not read a FIFO (which
    waits for a writer forever) nor fall over a link to nothing; the loader says what
    each is, at its path."""
    specs = write_spec(MINIMAL_EXPERIMENT)
    os.mkfifo(specs / "pipe.yaml")
    (specs / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    for flags in ([], ["--check"]):
        result = subprocess.run(
            [sys.executable, "-m", "monogen", "build", str(specs), "-o", str(tmp_path / "out"),
             *flags],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert result.returncode == 2, result.stderr
        assert "pipe.yaml: error: not a regular file (a FIFO, socket or device)" in result.stderr
        assert "gone.yaml: error: cannot read: a broken symbolic link" in result.stderr
