"""`{{ text|to_you }}`: ladder text addressed to the reader, for a person's own pages
(frameworks/addressing.py). Templates shared with others' pages wrap it in
`{% if own %}`; an optional argument that is false leaves the text as written."""

from __future__ import annotations

from typing import Any

from django import template

from frameworks.addressing import to_you as _to_you

register = template.Library()


@register.filter
def to_you(text: Any, own: Any = True) -> Any:
    if not own or not isinstance(text, str):
        return text
    return _to_you(text)
