"""One reporter per output format; each writes to the stream it is given."""

from __future__ import annotations

import json
import re
from typing import TextIO

from monogen import __version__
from monogen.lint.finding import Finding, Severity
from monogen.lint.registry import Check
from monogen.spec.secrets import redacted_line, withholds_secret

FORMATS = ("text", "json", "github", "sarif")
BASE64_VALUE = re.compile(r"^\s*[\w.-]+:\s*[A-Za-z0-9+/]{16,}={0,2}\s*$")


def text(findings: list[Finding], out: TextIO, sources: dict[str, list[str]]) -> None:
    for f in findings:
        out.write(f"{f.location()}: {f.severity}: {f.message} [{f.check}]\n")
        lines = sources.get(f.file) or []
        if 0 < f.line <= len(lines):
            source = lines[f.line - 1].rstrip("\n").expandtabs(1)
            shown = redacted_line(source)
            secret = f.check == "alertmanager/inline-secret" or withholds_secret(f.message)
            if secret and shown == source:
                shown = "(line not shown: it holds a secret)"
            elif BASE64_VALUE.match(source):  # a Secret's data: the config it encodes
                shown = "(line not shown: base64 data, which may hold secrets)"
            if shown != source:
                out.write(f"    {shown}\n")
                continue
            out.write(f"    {source}\n    {' ' * max(f.column - 1, 0)}^\n")


def as_json(findings: list[Finding], out: TextIO, sources: dict[str, list[str]]) -> None:
    data = [
        {
            "file": f.file,
            "line": f.line,
            "column": f.column,
            "check": f.check,
            "severity": str(f.severity),
            "message": f.message,
        }
        for f in findings
    ]
    json.dump(data, out, indent=2)
    out.write("\n")


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(findings: list[Finding], out: TextIO, sources: dict[str, list[str]]) -> None:
    """GitHub Actions workflow commands: annotations on the pull request's files."""
    command = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    for f in findings:
        props = f"file={_escape_property(f.file)},line={max(f.line, 1)},col={max(f.column, 1)}"
        out.write(
            f"::{command[f.severity]} {props},title={_escape_property(f.check)}::"
            f"{_escape_data(f.message)}\n"
        )


def sarif(findings: list[Finding], out: TextIO, checks: dict[str, Check]) -> None:
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    ids = sorted(checks)
    rules = [
        {
            "id": cid,
            "name": cid.replace("/", "-"),
            "shortDescription": {"text": checks[cid].summary},
            "defaultConfiguration": {"level": level[checks[cid].severity]},
        }
        for cid in ids
    ]
    results = [
        {
            "ruleId": f.check,
            "ruleIndex": ids.index(f.check),
            "level": level[f.severity],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.file},
                        "region": {"startLine": max(f.line, 1), "startColumn": max(f.column, 1)},
                    }
                }
            ],
        }
        for f in findings
    ]
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "monogen",
                        "version": __version__,
                        "informationUri": "https://github.com/monogen/monogen",
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    json.dump(document, out, indent=2)
    out.write("\n")
