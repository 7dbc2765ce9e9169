"""The people directory's table rows, written in Python: a page shows 100 people, and
the template loop looked up a dozen attributes of each (its level six times)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape as esc
from django.utils.safestring import mark_safe

register = template.Library()

# the loop body of people/partials/people_table.html as it was, one row
ROW = (
    "\n    <tr{muted}>\n      {tick}\n"
    '      <td data-label="Name"><a class="people-table__name" href="{url}">{name}</a>'
    '<span class="people-table__email">{email}</span>{title}</td>\n'
    '      <td data-label="Job family">{family}</td>\n'
    '      <td data-label="Level"><span>{level}</span></td>\n'
    '      <td data-label="Manager">{manager}</td>\n'
    '      <td data-label="Status"><span class="cluster people-table__badges">{active}\n'
    "        {login}</span></td>\n    </tr>\n  "
)
TICK = (
    '<td class="people-table__tick" data-label="Tick"><input type="checkbox" name="person" '
    'value="{id}" form="bulk-form" aria-label="Tick {name}" data-tick></td>'
)
LEVEL = (
    '<span class="chip" title="{title}">{code}</span> '
    '<span class="badge badge--{track}">{track_name}</span>{pending}'
    '<span class="people-table__email">{title}</span>'
)
PENDING = (
    ' <span class="badge badge--warning" title="This level is in a draft: the placement '
    'takes effect when the draft is published">Pending</span>'
)
ACTIVE = '<span class="badge badge--success">Active</span>'
DEACTIVATED = '<span class="badge badge--danger">Deactivated</span>'
HAS_LOGIN = '<span class="badge badge--accent">Has a login</span>'
INVITED = '<span class="badge badge--warning">Invited</span>'
NO_LOGIN = '<span class="badge">No login</span>'


@register.simple_tag
def people_rows(people: Iterable[Any], read_only: bool) -> str:
    """The rows of the people table (byte for byte what its template loop wrote)."""
    rows = []
    for p in people:
        level = p.level
        family = p.job_family.name if p.job_family is not None else ""
        rows.append(
            ROW.format(
                muted="" if p.is_active else ' class="row-muted"',
                tick="" if read_only else TICK.format(id=esc(p.public_id), name=esc(p.name)),
                url=esc(reverse("people:detail", args=[p.public_id])),
                name=esc(p.name),
                email=esc(p.email),
                title=f'<span class="people-table__email">{esc(p.title)}</span>' if p.title else "",
                family=esc(family) if family else "—",
                level=LEVEL.format(
                    title=esc(level.title),
                    code=esc(level.code),
                    track=esc(level.track),
                    track_name=esc(level.get_track_display()),
                    pending=PENDING if p.placement.pending else "",
                )
                if level
                else '<span class="muted">Not placed</span>',
                manager=esc(p.manager.name) if p.manager else '<span class="muted">—</span>',
                active=ACTIVE if p.is_active else DEACTIVATED,
                login=HAS_LOGIN
                if p.user_id
                else INVITED
                if getattr(p, "invited", False)
                else NO_LOGIN,
            )
        )
    return mark_safe("".join(rows))  # every value is escaped above
