"""Ratings on the page: a number with its colour step and the scale's words."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html

from reviews.models import Scale

register = template.Library()


@register.filter
def rating_num(value: Any) -> str:
    """3 → "3", Decimal("3.33") → "3.3", None → "—"."""
    if value is None or value == "":
        return "—"
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return str(int(number))
    return f"{number:.1f}"


@register.simple_tag
def rating(value: Any, scale: Scale, empty: str = "—") -> str:
    """A coloured chip with the number; the scale's label follows for screen readers and
    shows on hover (the pages also print the definitions in words)."""
    if value is None or value == "":
        return format_html('<span class="rating rating--none">{}</span>', empty)
    point = scale.point(value)
    step = max(1, min(5, int(point["value"]) if point else round(float(value))))
    label = scale.label(value)
    return format_html(
        '<span class="rating rating--{}" title="{}">{}'
        '<span class="visually-hidden"> ({})</span></span>',
        step,
        f"{label}: {scale.definition(value)}" if label else "",
        rating_num(value),
        label,
    )


@register.filter
def get(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def signed(value: Any) -> str:
    if value is None:
        return "—"
    number = Decimal(str(value))
    text = rating_num(abs(number))
    return f"+{text}" if number > 0 else (f"−{text}" if number < 0 else "0")


@register.filter
def evidence_label(kind: str) -> str:
    from frameworks.models import EvidenceKind

    return str(dict(EvidenceKind.choices).get(kind, kind))
