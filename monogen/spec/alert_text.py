"""A team's own alert identity and text, as specs write them: an alert name, extra labels,
a category, and a summary and description with named placeholders (`{value}`,
`{variant}` ...). Guardrails, their levels, the experiment (`alertDefaults`) and the
project (`.monogen.yaml`'s `alertDefaults`) may each set them; docs/alert-text.md.

Spec text is parsed here into literal runs and placeholder names; it never reaches a
target as template text (the rule file's renderer escapes every literal run)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from monogen.spec.base import SpecModel
from monogen.spec.names import AlertLabelName, LabelValue, one_line

ALERT_NAME = r"^[A-Z][A-Za-z0-9]*$"
# monogen's own categories; a team may use others of the same shape.
CATEGORIES = (
    "model_performance", "latency", "reliability", "traffic", "data_quality",
    "business_impact", "infrastructure",
)  # fmt: skip
# Placeholders every alert can show, and those only some kinds have (see Kind.placeholders).
COMMON = ("experiment", "team", "alert", "severity", "category", "for")
PER_VARIANT = ("variant",)
OWN = ("value", "threshold")
PLACEHOLDERS = (*COMMON, *PER_VARIANT, *OWN)
SUMMARY_MAX, DESCRIPTION_MAX = 200, 1000

_NAME = re.compile(r"[a-z_][a-z0-9_]*")


@dataclass(frozen=True)
class Slot:
    """A placeholder in spec text: filled in per alert by the kind and the rule."""

    name: str


SpecText = tuple[str | Slot, ...]


def parse(text: str) -> SpecText:
    """`"{variant} at {value}"` → (Slot("variant"), " at ", Slot("value")); `{{` and `}}`
    are literal braces. ValueError names the place of anything else."""
    out: list[str | Slot] = []
    run: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "{}" and text[i + 1 : i + 2] == ch:
            run.append(ch)
            i += 2
            continue
        if ch == "}":
            raise ValueError(f"a lone '}}' at character {i + 1}: write '}}}}' for a brace")
        if ch == "{":
            end = text.find("}", i)
            name = text[i + 1 : end] if end > 0 else ""
            if end < 0 or not _NAME.fullmatch(name):
                raise ValueError(
                    f"a '{{' at character {i + 1} that starts no placeholder: write "
                    "'{{' for a brace, or a placeholder such as {value}"
                )
            if run:
                out.append("".join(run))
                run = []
            out.append(Slot(name))
            i = end + 1
            continue
        run.append(ch)
        i += 1
    if run:
        out.append("".join(run))
    return tuple(out)


def unknown_slots(text: SpecText, allowed: tuple[str, ...]) -> list[tuple[str, str]]:
    """(message, hint) for each placeholder not in `allowed` (of this alert)."""
    found = []
    known = ", ".join(f"{{{n}}}" for n in allowed)
    for part in text:
        if not isinstance(part, Slot) or part.name in allowed:
            continue
        if part.name in PLACEHOLDERS:
            message = f"placeholder {{{part.name}}} has no value in this alert"
            found.append((message, f"this alert's placeholders: {known}"))
            continue
        close = difflib.get_close_matches(part.name, PLACEHOLDERS, n=1)
        hint = f"did you mean {{{close[0]}}}? " if close else ""
        found.append((f"unknown placeholder {{{part.name}}}", f"{hint}placeholders: {known}"))
    return found


def _parsed(text: str) -> str:
    unknown = unknown_slots(parse(text), PLACEHOLDERS)
    if unknown:
        message, hint = unknown[0]
        raise ValueError(f"{message}; {hint}")
    return text


def _printable(text: str) -> str:
    for line in text.split("\n"):
        one_line(line.strip() or "x")
    return text.strip()


def _text(longest: int, check: Callable[[str], str], description: str) -> Any:
    return Annotated[
        str,
        Field(min_length=1, max_length=longest, description=description),
        AfterValidator(check),
        AfterValidator(_parsed),
    ]


Summary = _text(
    SUMMARY_MAX, one_line, "One line; placeholders such as {value} or {variant} are filled in."
)
Description = _text(
    DESCRIPTION_MAX, _printable, "Text with placeholders such as {value}, {threshold} or {variant}."
)
AlertName = Annotated[
    str,
    Field(
        pattern=ALERT_NAME,
        max_length=100,
        description="The alert's name (CamelCase): unique in the experiment.",
    ),
]
Category = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        max_length=63,
        description=f"The alert's category label; monogen's own: {', '.join(CATEGORIES)}.",
    ),
]
AlertLabels = Annotated[
    dict[AlertLabelName, Annotated[LabelValue, Field(max_length=200)]],
    Field(max_length=20, description="Extra labels on the alerts (routes can match them)."),
]


class Annotations(SpecModel):
    """The alert's own summary and description, in place of monogen's."""

    summary: Summary | None = None
    description: Description | None = None


class LevelAlertIdentity(SpecModel):
    """What one severity of a guardrail calls its alert and says (over the guardrail's)."""

    alert: AlertName | None = None
    labels: AlertLabels = Field(default_factory=dict)
    annotations: Annotations | None = None


class AlertIdentity(LevelAlertIdentity):
    """A guardrail's alert name, labels, category and text (each level may override)."""

    category: Category | None = None


class AlertDefaults(SpecModel):
    """Labels, category and text of every alert that does not set its own."""

    labels: AlertLabels = Field(default_factory=dict)
    category: Category | None = None
    annotations: Annotations | None = None
