"""Numbers as the growth pages show them: "2.5", not "2.50"; gaps with a real minus."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone

from reviews.templatetags import reviews_tags

register = template.Library()


@register.filter
def num(value: Any) -> str:
    """2.50 → "2.5", 3.00 → "3", None → "—"."""
    if value is None or value == "":
        return "—"
    text = f"{Decimal(str(value)).quantize(Decimal('0.01'))}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace("-", "−")


@register.filter
def signed(value: Any) -> str:
    """A change: "+1", "−0.5", "0"."""
    if value is None:
        return "—"
    shown = num(value)
    return f"+{shown}" if Decimal(str(value)) > 0 else shown


@register.filter
def days_overdue(due: dt.date | None) -> int:
    if due is None:
        return 0
    return max((timezone.localdate() - due).days, 0)


# `mapping|get:key`, the same lookup as the review pages
register.filter("get", reviews_tags.get)


@register.filter
def percent_int(readiness: Any) -> int:
    """For <progress>: the readiness share as a whole number."""
    return int(readiness.exact_percent)


@register.filter
def field_label(key: str) -> str:
    from growth.audit_words import FIELDS

    return FIELDS.get(key, key.replace("_", " ").capitalize())
