"""Small helpers for rendering allauth's forms in our GOV.UK style."""

from __future__ import annotations

from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def plain(field: BoundField, label: str = "") -> BoundField:
    """The field without a placeholder (labels and hints do that job), a one-line password
    hint instead of a bulleted list, optionally our own label. Widgets are per form
    instance, so this changes only this form."""
    from accounts.forms import PASSWORD_HELP

    attrs = field.field.widget.attrs
    attrs.pop("placeholder", None)
    if attrs.get("autocomplete") == "one-time-code":  # six digits, or a recovery code
        attrs.setdefault("inputmode", "numeric")
        attrs["class"] = "input--short"
    if "<ul" in str(field.help_text or ""):  # Django's bulleted list of password rules
        field.help_text = PASSWORD_HELP
    if label:
        field.label = label
    return field
