"""Validate Kubernetes manifests against the CustomResourceDefinitions in ../shared/schemas
offline, as the API server would with strict field validation: the version's
openAPIV3Schema, Go regular expressions, and unknown fields refused (the API server would
otherwise prune them without a word, dropping what monogen meant to say)."""

from __future__ import annotations

import copy
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from tests.conftest import ROOT

SCHEMAS = ROOT.parent / "shared" / "schemas"


class _CrdLoader(yaml.SafeLoader):
    """CRDs hold `=` as an enum value, which YAML 1.1 tags as a 'value' node."""


_CrdLoader.add_constructor(
    "tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node)
)


def go_regex(pattern: str) -> str:
    """A Go (RE2) pattern for Python's re: an inline `(?i)` inside a group scopes to the
    rest of that group, which Python writes `(?i:...)`."""
    out = pattern
    while True:
        at = out.find("(?i)", 1)
        if at < 0:
            return out
        opening = at - 1
        if out[opening] != "(":
            raise ValueError(f"cannot translate {pattern!r}")
        depth, i, in_class = 0, opening, False
        while i < len(out):
            ch = out[i]
            if ch == "\\":
                i += 2
                continue
            if in_class:
                in_class = ch != "]"
            elif ch == "[":
                in_class = True
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        out = out[:at] + "(?i:" + out[at + 4 : i] + ")" + out[i:]


def _pattern(validator: Any, pattern: str, instance: Any, schema: dict) -> Any:
    if isinstance(instance, str) and not re.search(go_regex(pattern), instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


Validator = jsonschema.validators.extend(jsonschema.Draft7Validator, {"pattern": _pattern})


def _strict(schema: Any) -> Any:
    """Refuse fields the schema does not name, where the API server would prune them."""
    if isinstance(schema, dict):
        schema = {k: _strict(v) for k, v in schema.items()}
        if (
            "properties" in schema
            and "additionalProperties" not in schema
            and not schema.get("x-kubernetes-preserve-unknown-fields")
        ):
            schema["additionalProperties"] = False
        return schema
    if isinstance(schema, list):
        return [_strict(v) for v in schema]
    return schema


@cache
def _schemas(path: Path) -> dict[tuple[str, str], dict]:
    """(apiVersion, kind) → the strict openAPIV3Schema of each version in a CRD file."""
    found = {}
    for doc in yaml.load_all(path.read_text(), _CrdLoader):
        if not doc or doc.get("kind") != "CustomResourceDefinition":
            continue
        spec = doc["spec"]
        for version in spec["versions"]:
            api = f"{spec['group']}/{version['name']}"
            schema = copy.deepcopy(version["schema"]["openAPIV3Schema"])
            found[(api, spec["names"]["kind"])] = _strict(schema)
    return found


def crd_errors(manifest: dict, crd_file: str) -> list[str]:
    """Why the API server would refuse `manifest` (empty: it would take it as written)."""
    schemas = _schemas(SCHEMAS / crd_file)
    key = (manifest.get("apiVersion"), manifest.get("kind"))
    if key not in schemas:
        return [f"{key} is not served by {crd_file} (it serves {sorted(schemas)})"]
    body = {k: v for k, v in manifest.items() if k not in ("apiVersion", "kind", "metadata")}
    validator = Validator(schemas[key])
    errors = [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)
    ]
    name = manifest.get("metadata", {}).get("name", "")
    if not re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*", name):
        errors.append(f"metadata.name {name!r} is not a DNS subdomain")
    return errors
