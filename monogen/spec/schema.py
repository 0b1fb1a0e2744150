"""JSON Schema of the spec kinds, for editors (yaml-language-server) and CI."""

from __future__ import annotations

import json
from typing import Any

from monogen.spec.validate import DOCUMENT_KINDS as KINDS


def schema_dict(kind: str = "all") -> dict[str, Any]:
    if kind != "all":
        schema = KINDS[kind].model_json_schema(by_alias=True)
    else:
        # One schema for any document, the kind's schema selected by `kind`: an editor
        # then reports what is wrong for that kind, not the best match among all of them.
        defs: dict[str, Any] = {}
        selected = []
        for name, model in sorted(KINDS.items()):
            one = model.model_json_schema(by_alias=True, ref_template="#/$defs/{model}")
            defs.update(one.pop("$defs", {}))
            defs[name] = one
            selected.append(
                {
                    "if": {"properties": {"kind": {"const": name}}, "required": ["kind"]},
                    "then": {"$ref": f"#/$defs/{name}"},
                }
            )
        schema = {
            "type": "object",
            "required": ["apiVersion", "kind"],
            "properties": {
                "kind": {"enum": sorted(KINDS), "description": "What the document declares."}
            },
            "allOf": selected,
            "$defs": defs,
        }
    return _describe(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://monogen.dev/schema/v1/{kind.lower()}.json",
            "title": f"monogen spec ({kind})",
            **schema,
        }
    )


def _describe(schema: dict[str, Any]) -> dict[str, Any]:
    """Give every property the description its type carries (a referenced model's
    docstring, a branch of `X | None`), so editors show help on every key."""
    defs = schema.get("$defs", {})

    def described(node: Any) -> str | None:
        if not isinstance(node, dict):
            return None
        if node.get("description"):
            return node["description"]
        if "$ref" in node:
            return described(defs.get(node["$ref"].rsplit("/", 1)[-1]))
        for key in ("anyOf", "allOf", "oneOf"):
            for branch in node.get(key, []):
                found = described(branch)
                if found:
                    return found
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                found = described(node[key])
                if found:
                    return found
        return None

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for prop in (node.get("properties") or {}).values():
                if isinstance(prop, dict) and not prop.get("description"):
                    found = described(prop)
                    if found:
                        prop["description"] = found
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return schema


def json_schema(kind: str = "all") -> str:
    return json.dumps(schema_dict(kind), indent=2, sort_keys=True) + "\n"
