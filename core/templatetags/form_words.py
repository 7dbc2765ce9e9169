"""Form error messages in words: Django's generic "This field is required." names the field."""

from __future__ import annotations

from django import template
from django.forms import BoundField

register = template.Library()

REQUIRED = "This field is required."
CHOICE_WIDGETS = {"select", "radioselect", "checkboxselectmultiple", "file", "clearablefile"}
# labels that already say what to do ("Choose a password"), or start with "your"
IMPERATIVES = ("choose ", "enter ", "pick ", "select ", "upload ", "add ", "give ", "your ")


@register.filter
def error_words(error: str, field: BoundField) -> str:
    """ "This field is required." → "Enter the job title." / "Choose the track." /
    "Choose a password." / "Enter your name."; any other error unchanged."""
    if str(error) != REQUIRED:
        return str(error)
    label = str(field.label or "").strip().rstrip(".?:")
    first = label.split(" ", 1)[0]
    acronym = len(first) > 1 and first.isupper()  # "CSV file" stays as it is
    lowered = label if acronym else label[:1].lower() + label[1:]
    if field.widget_type == "checkbox":
        return f"Tick “{label}” to continue."
    if lowered.lower().startswith(IMPERATIVES):
        if lowered.lower().startswith("your "):
            verb = "Choose" if field.widget_type in CHOICE_WIDGETS else "Enter"
            return f"{verb} {lowered}."
        return f"{label[:1].upper()}{label[1:]}."
    if field.widget_type in CHOICE_WIDGETS:
        return f"Choose the {lowered}."
    return f"Enter the {lowered}."
