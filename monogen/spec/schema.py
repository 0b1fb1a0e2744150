"""JSON Schema of the spec kinds, for editors (yaml-language-server) and CI."""

from __future__ import annotations

import json
from typing import Any

from monogen.spec.validate import DOCUMENT_KINDS as KINDS


def schema_dict(kind: str = "all") -> dict[str, Any]:
    if kind != "all":
        schema = KINDS[kind].model_json_schema(by_alias=True)
    else:
        # One schema for any document: a oneOf keyed by `kind`.
        defs: dict[str, Any] = {}
        variants = []
        for name, model in sorted(KINDS.items()):
            one = model.model_json_schema(by_alias=True, ref_template="#/$defs/{model}")
            defs.update(one.pop("$defs", {}))
            defs[name] = one
            variants.append({"$ref": f"#/$defs/{name}"})
        schema = {"oneOf": variants, "$defs": defs}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://monogen.dev/schema/v1/{kind.lower()}.json",
        "title": f"monogen spec ({kind})",
        **schema,
    }


def json_schema(kind: str = "all") -> str:
    return json.dumps(schema_dict(kind), indent=2, sort_keys=True) + "\n"
