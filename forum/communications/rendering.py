"""The sandbox organisers' words are rendered in: named placeholders only, nothing else.

A template is checked with string.Formatter's parser: every field must be one of the listed names,
with no attribute or index access ({a.b}, {a[0]}), no conversion (!r) and no format spec (:>10).
Rendering then looks each name up in a plain dict of strings; a missing or None value is empty.
Nothing in a template can reach an object, a method or the app.
"""
from __future__ import annotations

import re
from string import Formatter

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from ..errors import ValidationError

_PARSER = Formatter()
_LINK = re.compile(r"https?://[^\s<>\"]+")


def check(text: str, allowed: tuple[str, ...], field: str) -> None:
    """Refuse a malformed template or an unknown placeholder, naming the valid ones."""
    valid = ", ".join("{" + name + "}" for name in allowed)
    try:
        parts = list(_PARSER.parse(text or ""))
    except ValueError:
        raise ValidationError(_l("A brace is not closed or not opened: write placeholders as {name}. "
                                 "Valid placeholders: %(valid)s.", valid=valid), field=field)
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in allowed or spec or conversion:
            shown = "{" + (name or "") + ("!" + conversion if conversion else "") + (":" + spec if spec else "") + "}"
            raise ValidationError(_l("%(placeholder)s is not a placeholder this mail knows. "
                                     "Valid placeholders: %(valid)s.", placeholder=shown, valid=valid), field=field)


def fill(text: str, values: dict[str, object]) -> str:
    """The template with each {name} replaced by its value ("" when missing or None); check() it first."""
    out = []
    for literal, name, _spec, _conversion in _PARSER.parse(text or ""):
        out.append(literal)
        if name is not None:
            value = values.get(name)
            out.append("" if value is None else str(value))
    return "".join(out)


def as_html(text: str) -> Markup:
    """Plain text as HTML paragraphs, links clickable; everything escaped first."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        escaped = str(escape(block))
        linked = _LINK.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
        paragraphs.append("<p>" + linked.replace("\n", "<br>\n") + "</p>")
    return Markup("\n".join(paragraphs))
