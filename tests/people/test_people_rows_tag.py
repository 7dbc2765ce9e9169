"""The `people_rows` tag writes the people table's rows byte for byte as the template
loop of people/partials/people_table.html did: placed, pending, unplaced, deactivated,
invited, with and without a manager, family or title, in a read-only organization too."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from frameworks.models import Level
from people import selectors
from people.services import create_person, set_active
from tests.framework_fixtures import load, small_family

pytestmark = pytest.mark.django_db

# the loop before the tag, kept here as the reference
LOOP = Template(
    "{% for p in people %}"
    '\n    <tr{% if not p.is_active %} class="row-muted"{% endif %}>\n      '
    '{% if not org.is_read_only %}<td class="people-table__tick" data-label="Tick">'
    '<input type="checkbox" name="person" value="{{ p.public_id }}" form="bulk-form" '
    'aria-label="Tick {{ p.name }}" data-tick></td>{% endif %}\n      <td data-label="Name">'
    '<a class="people-table__name" href="{% url \'people:detail\' p.public_id %}">'
    '{{ p.name }}</a><span class="people-table__email">{{ p.email }}</span>{% if p.title %}'
    '<span class="people-table__email">{{ p.title }}</span>{% endif %}</td>\n      '
    '<td data-label="Job family">{{ p.job_family.name|default:"—" }}</td>\n      '
    '<td data-label="Level"><span>{% if p.level %}<span class="chip" '
    'title="{{ p.level.title }}">{{ p.level.code }}</span> <span class="badge '
    'badge--{{ p.level.track }}">{{ p.level.get_track_display }}</span>{% if '
    'p.placement.pending %} <span class="badge badge--warning" title="This level is in a '
    'draft: the placement takes effect when the draft is published">Pending</span>'
    '{% endif %}<span class="people-table__email">{{ p.level.title }}</span>{% else %}'
    '<span class="muted">Not placed</span>{% endif %}</span></td>\n      '
    '<td data-label="Manager">{% if p.manager %}{{ p.manager.name }}{% else %}'
    '<span class="muted">—</span>{% endif %}</td>\n      <td data-label="Status">'
    '<span class="cluster people-table__badges">{% if p.is_active %}<span class="badge '
    'badge--success">Active</span>{% else %}<span class="badge badge--danger">'
    'Deactivated</span>{% endif %}\n        {% if p.user_id %}<span class="badge '
    'badge--accent">Has a login</span>{% elif p.invited %}<span class="badge '
    'badge--warning">Invited</span>{% else %}<span class="badge">No login</span>'
    "{% endif %}</span></td>\n    </tr>\n  {% endfor %}"
)
TAG = Template("{% load people_tags %}{% people_rows people org.is_read_only %}")


def rendered(template: Template, read_only: bool) -> str:
    people = list(selectors.directory())
    for p in people:
        p.invited = p.name == "Ivy Invited"  # as accounts' annotation, for one person
    org = type("Org", (), {"is_read_only": read_only})()
    return template.render(Context({"people": people, "org": org}))


def test_the_rows_match_the_loop(acme_scope, world):
    published = load(acme_scope, small_family(), actor=world.hr, publish=True)
    draft = load(acme_scope, small_family(name="Design <&> “Ops”"), actor=world.hr)
    people = [
        ("Pat <b>Pending</b>", draft.family, Level.objects.get(version=draft, code="PM2")),
        ("Ann Placed", published.family, Level.objects.filter(version=published).first()),
        ("Gus Gone", None, None),
        ("Ivy Invited", published.family, None),
    ]
    for n, (name, family, level) in enumerate(people):
        person = create_person(
            acme_scope,
            actor=world.hr,
            name=name,
            email=f"p{n}@acme.test",
            job_family=family,
            level=level,
            title="Lead & co" if n == 0 else "",
            manager=world.p_employee if n == 1 else None,
        )
    set_active(person.__class__.objects.get(name="Gus Gone"), actor=world.hr, active=False)
    for read_only in (False, True):
        tag = rendered(TAG, read_only)
        assert tag == rendered(LOOP, read_only)
        for seen in ("Pending</span>", "row-muted", "Not placed", "Invited", "Lead &amp; co"):
            assert seen in tag
    assert TAG.render(Context({"people": [], "org": None})) == ""
