"""Numbers as the growth pages show them: "2.5", not "2.50"; gaps with a real minus."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

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


NOT_RATED = '<span class="visually-hidden">not rated</span>·'


@register.simple_tag
def heat_cells(row: Any) -> str:
    """A heatmap row's cells (what a template loop wrote, in Python: a page of the team
    heatmap has 50 rows of up to 27 cells)."""
    return mark_safe(  # every value is escaped
        "".join(
            '<td class="heat heat--{} num"{}>{}</td>'.format(
                conditional_escape(cell.band),
                (
                    f' title="{int(cell.short)} of {int(cell.people)} below expected"'
                    if cell.people > 1
                    else ""
                ),
                conditional_escape(num(cell.gap)) if cell.gap is not None else NOT_RATED,
            )
            for cell in row.cells
        )
    )


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
