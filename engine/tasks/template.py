"""Safe prompt templates: ``{var}`` and ``{steps.NAME.output}``, nothing else.

``str.format`` would allow attribute access and indexing (``{x.__class__}``)
and format specs; a template written by one person and filled with rows from a
file must not be able to do either. ``{{`` and ``}}`` give literal braces.
"""
from __future__ import annotations

import re

from engine.errors import UserError
from engine.i18n import tr

_VAR = re.compile(r"^[^\W\d][\w-]*$")
_STEP = re.compile(r"^steps\.([A-Za-z0-9][A-Za-z0-9_.-]*)\.output$")


def _tokens(template: str, where: str):
    """Yield ("text", s) and ("field", name) pieces; raise on unbalanced braces."""
    i, n, text = 0, len(template), []
    while i < n:
        ch = template[i]
        if ch == "{":
            if i + 1 < n and template[i + 1] == "{":
                text.append("{")
                i += 2
                continue
            end = template.find("}", i + 1)
            if end < 0:
                raise UserError(tr("{where}: the template has an unclosed '{{' at character {value}", where=where, value=i + 1),
                                hint=tr("write {{{{ for a literal brace"))
            inner = template[i + 1:end]
            if "{" in inner:
                raise UserError(tr("{where}: the template has a '{{' inside a field at character {value}", where=where, value=i + 1))
            if text:
                yield "text", "".join(text)
                text = []
            yield "field", inner
            i = end + 1
        elif ch == "}":
            if i + 1 < n and template[i + 1] == "}":
                text.append("}")
                i += 2
                continue
            raise UserError(tr("{where}: the template has a lone '}}' at character {value}", where=where, value=i + 1),
                            hint=tr("write }}}} for a literal brace"))
        else:
            text.append(ch)
            i += 1
    if text:
        yield "text", "".join(text)


def _classify(inner: str, where: str) -> tuple[str, str]:
    name = inner.strip()
    match = _STEP.match(name)
    if match:
        return "step", match.group(1)
    if name.startswith("steps.") or name == "steps":
        raise UserError(tr("{where}: '{{{inner}}}' is not a step reference", where=where, inner=inner), hint=tr("write {{steps.NAME.output}}"))
    if _VAR.match(name):
        return "var", name
    raise UserError(tr("{where}: '{{{inner}}}' is not allowed in a template", where=where, inner=inner),
                    hint=tr("only {{name}} and {{steps.NAME.output}}; no attributes, indexes or format specs"))


def parse_template(template: str, where: str = "template") -> list[tuple[str, str]]:
    """The fields of a template in order: ("var", name) or ("step", step_name)."""
    return [_classify(value, where) for kind, value in _tokens(template, where) if kind == "field"]


def render(template: str, variables: dict, step_outputs: dict | None = None, where: str = "template") -> str:
    """Fill a template; a missing variable or step output is an error naming it."""
    step_outputs = step_outputs or {}
    parts = []
    for kind, value in _tokens(template, where):
        if kind == "text":
            parts.append(value)
            continue
        field_kind, name = _classify(value, where)
        if field_kind == "step":
            if name not in step_outputs:
                raise UserError(tr("{where}: no output of step '{name}' for {{steps.{name}.output}}", where=where, name=name))
            parts.append(str(step_outputs[name]))
        else:
            if name not in variables or variables[name] is None:
                raise UserError(tr("{where}: missing variable '{name}'", where=where, name=name),
                                hint="add a column or field named " + name)
            parts.append(str(variables[name]))
    return "".join(parts)
