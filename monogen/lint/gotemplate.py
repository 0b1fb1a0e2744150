"""A parser for Go's text/template syntax, as far as deciding whether Prometheus or
Alertmanager would accept a template: balanced blocks, well-formed pipelines, known
functions and declared variables. It reports the first error, like Go's parser."""

from __future__ import annotations

import re

# Go's builtins, plus what Prometheus (rule templates) and Alertmanager add.
BUILTINS = {
    "and",
    "call",
    "html",
    "index",
    "slice",
    "js",
    "len",
    "not",
    "or",
    "print",
    "printf",
    "println",
    "urlquery",
    "eq",
    "ge",
    "gt",
    "le",
    "lt",
    "ne",
}
PROMETHEUS = BUILTINS | {
    "query",
    "first",
    "label",
    "value",
    "strvalue",
    "args",
    "reReplaceAll",
    "safeHtml",
    "match",
    "title",
    "toUpper",
    "toLower",
    "graphLink",
    "tableLink",
    "sortByLabel",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "toTime",
    "pathPrefix",
    "externalURL",
    "parseDuration",
    "tmpl",
    "stripPort",
    "stripDomain",
}
ALERTMANAGER = BUILTINS | {
    "toUpper",
    "toLower",
    "title",
    "join",
    "match",
    "safeHtml",
    "reReplaceAll",
    "stringSlice",
    "date",
    "tz",
    "since",
    "humanizeDuration",
    "trimSpace",
    "toJson",
}

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>"(?:[^"\\\n]|\\.)*")
    | (?P<raw>`[^`]*`)
    | (?P<char>'(?:[^'\\\n]|\\.)+')
    | (?P<number>[-+]?(?:0[xX][0-9a-fA-F_]+|\d[\d_]*\.?\d*(?:[eE][-+]?\d+)?
                 |\.\d+(?:[eE][-+]?\d+)?)(?![\w.]))
    | (?P<declare>:=|=)
    | (?P<var>\$\w*(?:\.\w+)*)
    | (?P<field>(?:\.\w+)+|\.)
    | (?P<ident>[A-Za-z_]\w*(?:\.\w+)*)
    | (?P<punct>[|(),])
    )""",
    re.VERBOSE,
)


class TemplateError(ValueError):
    pass


def check_template(text: str, functions: set[str], variables: set[str] = frozenset()) -> None:
    """Raise TemplateError with Go-like wording if `text` would not parse."""
    stack: list[str] = []
    scopes: list[set[str]] = [{"$", *variables}]
    pos = 0
    while True:
        start = text.find("{{", pos)
        if start < 0:
            break
        inner_start = start + 2
        if text.startswith("-", inner_start) and text[inner_start + 1 : inner_start + 2] in (
            " ",
            "\t",
            "\n",
            "\r",
        ):
            inner_start += 2
        if text.startswith("/*", inner_start):
            close = text.find("*/", inner_start)
            if close < 0:
                raise TemplateError("unclosed comment")
            end = text.find("}}", close)
            if end < 0 or text[close + 2 : end].strip(" -") != "":
                raise TemplateError("comment ends before closing delimiter")
            pos = end + 2
            continue
        end = _action_end(text, inner_start)
        body = text[inner_start:end]
        if body.endswith((" -", "\t-", "\n-")):
            body = body[:-2]
        pos = end + 2
        _action(body.strip(), stack, scopes, functions)
    if stack:
        raise TemplateError(f"unexpected EOF: unclosed {{{{{stack[-1]}}}}}")


_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`|\'(?:[^\'\\]|\\.)*\'')


def action_bodies(text: str) -> list[str]:
    """What each action of `text` says outside its quoted strings (text between actions is
    printed as is); the whole text when it does not parse, so a check stays on the safe
    side."""
    found, pos = [], 0
    try:
        while (start := text.find("{{", pos)) >= 0:
            end = _action_end(text, start + 2)
            found.append(_QUOTED.sub('""', text[start + 2 : end]))
            pos = end + 2
    except TemplateError:
        return [text]
    return found


def _action_end(text: str, i: int) -> int:
    """Index of the `}}` closing the action at `i`, skipping quoted text."""
    quote = ""
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\" and quote != "`":
                i += 2
                continue
            if ch == quote:
                quote = ""
            elif ch == "\n" and quote != "`":
                raise TemplateError("unterminated quoted string")
        elif ch in "\"`'":
            quote = ch
        elif text.startswith("}}", i):
            return i
        i += 1
    raise TemplateError("unclosed action")


def _action(body: str, stack: list[str], scopes: list[set[str]], functions: set[str]) -> None:
    word = body.split(None, 1)[0] if body else ""
    rest = body[len(word) :].strip()
    if word in ("if", "range", "with"):
        stack.append(word)
        scopes.append(set())
        _pipeline(rest, scopes, functions, allow_declare=True, keyword=word)
    elif word == "else":
        if not stack or stack[-1] not in ("if", "range", "with"):
            raise TemplateError("unexpected {{else}}")
        if rest:
            nested = rest.split(None, 1)[0]
            if nested not in ("if", "with"):
                raise TemplateError(f"unexpected {nested!r} after else")
            _pipeline(
                rest[len(nested) :].strip(), scopes, functions, allow_declare=True, keyword=nested
            )
    elif word == "end":
        if not stack:
            raise TemplateError("unexpected {{end}}")
        if rest:
            raise TemplateError("unexpected text after end")
        stack.pop()
        scopes.pop()
    elif word in ("define", "block"):
        match = re.match(r'("(?:[^"\\]|\\.)*"|`[^`]*`)\s*(.*)$', rest, re.S)
        if not match:
            raise TemplateError(f"{word} needs a quoted template name")
        stack.append(word)
        scopes.append(set())
        if word == "block" and match.group(2):
            _pipeline(match.group(2), scopes, functions, keyword=word)
    elif word == "template":
        match = re.match(r'("(?:[^"\\]|\\.)*"|`[^`]*`)\s*(.*)$', rest, re.S)
        if not match:
            raise TemplateError("template needs a quoted template name")
        if match.group(2):
            _pipeline(match.group(2), scopes, functions, keyword=word)
    elif word in ("break", "continue"):
        if "range" not in stack:
            raise TemplateError(f"{{{{{word}}}}} outside {{{{range}}}}")
    else:
        _pipeline(body, scopes, functions, allow_declare=True, keyword="")


def _pipeline(
    text: str,
    scopes: list[set[str]],
    functions: set[str],
    *,
    allow_declare: bool = False,
    keyword: str = "",
) -> None:
    if not text:
        raise TemplateError(f"missing value for {keyword or 'command'}")
    tokens = _tokens(text)
    declared: list[str] = []
    if allow_declare:
        # `$x := pipeline`, `$i, $x := range ...`, `$x = pipeline`
        head = []
        for kind, value in tokens:
            head.append((kind, value))
            if kind == "declare":
                break
        if head and head[-1][0] == "declare":
            names = [v for k, v in head[:-1] if k == "var"]
            if not names or any(k not in ("var", "punct") for k, _ in head[:-1]):
                raise TemplateError("bad variable declaration")
            if head[-1][1] == "=":
                for name in names:
                    _require_var(name, scopes)
            declared = names
            tokens = tokens[len(head) :]
    if not tokens:
        raise TemplateError("missing value for command")
    depth = 0
    expect_operand = True
    for kind, value in tokens:
        if kind == "punct" and value == "(":
            depth += 1
            expect_operand = True
            continue
        if kind == "punct" and value == ")":
            depth -= 1
            if depth < 0:
                raise TemplateError("unexpected right paren")
            expect_operand = False
            continue
        if kind == "punct" and value == "|":
            if expect_operand:
                raise TemplateError("missing command before |")
            expect_operand = True
            continue
        if kind == "punct" and value == ",":
            raise TemplateError("unexpected , in command")
        if kind == "declare":
            raise TemplateError(f"unexpected {value!r} in operand")
        if kind == "ident" and value not in ("true", "false", "nil"):
            name = value.split(".")[0]
            if name not in functions:
                raise TemplateError(f'function "{name}" not defined')
        if kind == "var":
            _require_var(value.split(".")[0], scopes)
        expect_operand = False
    if depth:
        raise TemplateError("unclosed left paren")
    if expect_operand:
        raise TemplateError("missing command after |")
    scopes[-1].update(declared)


def _require_var(name: str, scopes: list[set[str]]) -> None:
    if not any(name in scope for scope in scopes):
        raise TemplateError(f"undefined variable {name!r}")


def _tokens(text: str) -> list[tuple[str, str]]:
    out = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            bad = text[pos:].strip()[:10]
            raise TemplateError(f"unexpected {bad!r} in command")
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind in ("string", "raw", "char"):
            kind = "literal"
        out.append((kind, value))
        pos = match.end()
    return out


def prometheus_variables() -> set[str]:
    """Rule templates run after Prometheus defines these."""
    return {"$labels", "$value", "$externalLabels", "$externalURL"}
