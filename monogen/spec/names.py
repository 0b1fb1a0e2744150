"""Names and text from specs as types: each is checked at load against every place it
lands (file names, Kubernetes names and labels, Prometheus label names, one-line text in
YAML, JSON and notifications), so no later stage meets a name it cannot use."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from monogen.compile.naming import OVERVIEW, secret_of

# Labels monogen sets on alerts (`slo`, `burn_window` and `metric` on those of analyses;
# `namespace`, its PrometheusRule's, for the operator's routing),
# and `le`/`quantile`, which histograms and summaries own: a spec may not use them as a
# variant, feature, type or `by` label.
RESERVED_LABELS = frozenset(
    {
        "experiment",
        "team",
        "severity",
        "category",
        "alertname",
        "le",
        "quantile",
        "slo",
        "burn_window",
        "metric",
        "namespace",
    }
)
# Experiment names that derived names use for monogen's own files and dashboards.
RESERVED_EXPERIMENTS = frozenset({OVERVIEW})
MANAGED_LABEL_PREFIXES = ("monogen.dev/", "app.kubernetes.io/managed-by")

_DNS_LABEL = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
_K8S_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
_SECRET_KEY = re.compile(r"^[-._a-zA-Z0-9]{1,253}$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


# Names that Windows keeps for devices, whatever the extension: `nul.rules.yaml` cannot be
# checked out there, and a tool writing it may write to the device instead.
WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul", "conin$", "conout$"}
    | {f"{d}{n}" for d in ("com", "lpt") for n in "0123456789¹²³"}
)


def _file_name(name: str) -> str:
    if name.split(".")[0].lower() in WINDOWS_DEVICES:
        raise ValueError(
            f"{name!r} names a file, and Windows reserves it for a device (con, prn, aux, "
            "nul, com0-9, lpt0-9); choose another name"
        )
    return name


def _not_reserved_experiment(name: str) -> str:
    _file_name(name)
    if name in RESERVED_EXPERIMENTS:
        raise ValueError(
            f"experiment name {name!r} is reserved: monogen names its overview dashboard "
            "and files after it; choose another name"
        )
    return name


def _usable_label(name: str) -> str:
    if name.startswith("__"):
        raise ValueError(f"label name {name!r} is reserved for Prometheus' internal use")
    if name in RESERVED_LABELS:
        raise ValueError(
            f"label name {name!r} is one monogen or Prometheus sets itself "
            f"({', '.join(sorted(RESERVED_LABELS))}); name the label your series carry, "
            "e.g. model_name"
        )
    return name


def one_line(text: str) -> str:
    """Text shown in dashboards, manifests and notifications: printable, on one line."""
    for ch in text:
        if ch in "\n\r\t" or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp", "Co"):
            raise ValueError(
                f"expected text on one line without control or format characters, "
                f"found U+{ord(ch):04X}"
            )
    if text != text.strip():
        raise ValueError("expected text without leading or trailing spaces")
    _composed(text)
    return text


def _label_value_text(text: str) -> str:
    """A label value from a spec (variants, selectors): any printable text, one line, with
    nothing invisible in it: a zero-width space or a right-to-left override, or the same
    letters composed another way (NFD), makes a value that looks like another and is not."""
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cs"):
            raise ValueError(f"expected printable text, found control character U+{ord(ch):04X}")
        if unicodedata.category(ch) in ("Cf", "Co"):
            raise ValueError(
                f"expected visible text, found invisible format character U+{ord(ch):04X}"
            )
    _composed(text)
    return text


def _composed(text: str) -> None:
    if not unicodedata.is_normalized("NFC", text):
        raise ValueError(
            f"{text!r} is not in composed form (Unicode NFC): it looks like "
            f"{unicodedata.normalize('NFC', text)!r} but is not the same text; write it composed"
        )


def look_alike(text: str) -> str:
    """What two names that a reader cannot tell apart have in common."""
    return unicodedata.normalize("NFKC", text).casefold()


def _secret_path(path: str) -> str:
    parts = path.split("/")
    if any(p in (".", "..") for p in parts) or "//" in path or path.endswith("/"):
        raise ValueError(
            "expected a plain absolute path to a file: `.`, `..` and empty segments are not allowed"
        )
    name, key = secret_of(path)
    if len(name) > 253 or not _DNS_SUBDOMAIN.match(name) or not _SECRET_KEY.match(key):
        raise ValueError(
            f"for the Prometheus Operator this file is key {key!r} of Secret {name!r}, which "
            "is not a Kubernetes name: write /etc/alertmanager/secrets/<secret>/<key> (the "
            "secret lower-case letters, digits, '-' and '.'), or name the file so"
        )
    return path


def _k8s_labels(labels: dict[str, str]) -> dict[str, str]:
    for key, value in labels.items():
        prefix, _, name = key.rpartition("/")
        if (prefix and (len(prefix) > 253 or not _DNS_SUBDOMAIN.match(prefix))) or not (
            len(name) <= 63 and _K8S_NAME.match(name)
        ):
            raise ValueError(
                f"{key!r} is not a Kubernetes label key: [prefix/]name, the name at most 63 "
                "letters, digits, '-', '_' or '.', starting and ending alphanumeric"
            )
        if key.startswith(MANAGED_LABEL_PREFIXES):
            raise ValueError(f"label {key!r} is set by monogen and cannot be overridden")
        if value and not (len(value) <= 63 and _K8S_NAME.match(value)):
            raise ValueError(
                f"{value!r} (label {key}) is not a Kubernetes label value: at most 63 "
                "letters, digits, '-', '_' or '.', starting and ending alphanumeric"
            )
    return labels


# A DNS-1123 label: file names, Kubernetes names and label values, dashboard uids.
Name = Annotated[
    str,
    StringConstraints(pattern=_DNS_LABEL, max_length=63),
    Field(description="Lower-case letters, digits and '-', starting and ending alphanumeric."),
]
ExperimentName = Annotated[Name, AfterValidator(_not_reserved_experiment)]
TeamName = Annotated[
    Name,
    AfterValidator(_file_name),
    Field(description="Owning team (a DNS label: it names files, Kubernetes objects, routes)."),
]
MetricName = Annotated[
    str,
    StringConstraints(pattern=r"^[a-zA-Z_:][a-zA-Z0-9_:]*$"),
    Field(description="A Prometheus metric name."),
]
LabelName = Annotated[
    str,
    StringConstraints(pattern=r"^[a-zA-Z_][a-zA-Z0-9_]*$"),
    AfterValidator(lambda n: _usable_label(n) if n.startswith("__") else n),
    Field(description="A Prometheus label name."),
]
# A label name that alerts will carry beside monogen's own labels.
AlertLabelName = Annotated[LabelName, AfterValidator(_usable_label)]
LabelValue = Annotated[str, AfterValidator(_label_value_text)]
# Label values may hold any printable text: the compilers escape them.
Labels = dict[LabelName, LabelValue]


def _matcher(text: str, *, in_list: bool = False) -> str:
    from monogen.compile.matchers import value_problem

    _label_value_text(text)
    problem = value_problem(text, in_list=in_list)
    if problem:
        message, hint = problem
        raise PydanticCustomError("matcher", "{message}", {"message": message, "hint": hint})
    return text


MATCHER_HELP = (
    'A value to match, or an operator first: "=~5..|429" (regex), "!=WATCH", '
    '"!~dev|test"; "==x" matches the text "=x".'
)
# A value of a selector: `value` (equality) or an operator and its operand (matchers.py).
MatcherValue = Annotated[str, AfterValidator(_matcher), Field(description=MATCHER_HELP)]
# One of a list's values, each matched exactly (`=x` is x; an operator is refused).
ListedValue = Annotated[str, AfterValidator(lambda text: _matcher(text, in_list=True))]
Selector = dict[LabelName, MatcherValue]
OneLine = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(one_line)]
EMAIL_PATTERN = (
    r"^[A-Za-z0-9_%+-]+(\.[A-Za-z0-9_%+-]+)*"
    r"@[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$"
)
Email = Annotated[str, StringConstraints(pattern=EMAIL_PATTERN, max_length=254)]
SecretPath = Annotated[
    str,
    Field(
        pattern=r"^/[^\s]*$",
        description="Absolute path of a file on the Alertmanager host holding the secret.",
    ),
    AfterValidator(_secret_path),
]
KubernetesLabels = Annotated[dict[str, str], AfterValidator(_k8s_labels)]


def _re2(pattern: str) -> str:
    from monogen.compile import re2

    found = re2.NOT_RE2.search(pattern)
    if found:
        raise ValueError(
            f"{found.group(0)!r} in {pattern!r} is not RE2 syntax (Prometheus and "
            "Alertmanager have no lookaround, backreferences or possessive repeats)"
        )
    refused = re2.problem(pattern)
    if refused:
        raise ValueError(f"invalid regular expression {pattern!r} (RE2): {refused}")
    return pattern


Re2Pattern = Annotated[str, AfterValidator(_re2)]
