"""What the readiness list writes for each statement, in Python: a page of 50 people
lists about a thousand statements, which a template loop made most of the page's time."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

MET = '<span class="badge badge--success">✓ Met</span>'
NOT_MET = '<span class="badge badge--warning">Not met</span>'
NOTE = '<br><span class="small">{}: “{}”</span>'


@register.simple_tag
def readiness_statements(statements: Any, notes: Any) -> str:
    """The `<li>` of each statement of a target, with the reviewers' notes beside it
    (`notes`: statement uid → notes), as the template loop wrote them."""
    out = []
    for s in statements:
        manager = s.ratings.get("manager")
        own = s.ratings.get("self")
        said = "".join(
            NOTE.format(conditional_escape(n.who), conditional_escape(n.comment or n.evidence))
            for n in (notes.get(s.uid) if notes else None) or []
        )
        out.append(
            '\n          <li>{} <span class="small">{}</span> <span class="small muted">— manager '
            "{}{}</span>\n            {}\n          </li>".format(
                MET if s.passed else NOT_MET,
                conditional_escape(s.text),
                conditional_escape(manager or "not rated"),
                f", self {conditional_escape(own)}" if own is not None else "",
                said,
            )
        )
    return mark_safe("".join(out))  # every value is escaped above
