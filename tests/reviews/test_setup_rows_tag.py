"""The `setup_rows` tag writes the check page's rows byte for byte as the template loop of
reviews/setup/preview.html did: with and without a problem, a level, a manager, peers to
approve, manager reviews and peers asked for, and the form's CSRF token."""

from __future__ import annotations

from types import SimpleNamespace as Obj

from django.template import Context, Template

# the loop before the tag, kept here as the reference
LOOP = Template(
    '{% for row in rows %}\n      <tr{% if row.problem %} class="row-problem"{% endif '
    '%}>\n        <td data-label="Person"><strong>{{ row.part.person.name }}</strong>{'
    '% if row.problem %}<span class="error-message small">{{ row.problem|capfirst }}<'
    '/span>{% endif %}</td>\n        <td data-label="Level">{% if row.part.person.leve'
    'l %}<span class="chip">{{ row.part.person.level.code }}</span> {{ row.part.perso'
    "n.job_family.name }}{% else %}—{% endif %}</td>\n        {% if cycle.manager_revi"
    'ew %}<td data-label="Manager review by">{{ row.part.manager.name|default:"No one'
    '" }} <a class="small" href="{% url \'reviews:reassign\' row.part.public_id %}">Cha'
    'nge<span class="visually-hidden"> who reviews {{ row.part.person.name }}</span><'
    '/a></td>{% endif %}\n        {% if cycle.peer_min %}<td data-label="Peers">{{ row'
    '.approved|length }} of {{ cycle.peer_min }}{% if row.proposed %} <span class="ba'
    'dge badge--warning">{{ row.proposed|length }} to approve</span>{% endif %} <a cl'
    'ass="small" href="{% url \'reviews:peers\' row.part.public_id %}">Choose<span clas'
    's="visually-hidden"> peers for {{ row.part.person.name }}</span></a></td>{% endi'
    'f %}\n        <td><form method="post" action="{% url \'reviews:remove_participant\''
    ' row.part.public_id %}">{% csrf_token %}<input type="hidden" name="revision" val'
    'ue="{{ cycle.revision }}"><button class="button button--ghost button--small">Rem'
    'ove<span class="visually-hidden"> {{ row.part.person.name }}</span></button></fo'
    "rm></td>\n      </tr>\n      {% endfor %}"
)
TAG = Template("{% load reviews_tags %}{% setup_rows rows cycle %}")


def person(name, level=None, family=None):
    return Obj(name=name, level=level, job_family=family)


ROWS = [
    Obj(
        part=Obj(
            public_id="abcdef1",
            person=person("Ann <b>", Obj(code="E3"), Obj(name="Eng & Co")),
            manager=Obj(name="Bo “M”"),
        ),
        problem="is not placed <here>",
        approved=[1, 2],
        proposed=[3],
    ),
    Obj(
        part=Obj(public_id="abcdef2", person=person("Cy"), manager=None),
        problem="",
        approved=[],
        proposed=[],
    ),
    Obj(
        part=Obj(public_id="abcdef3", person=person("Di", Obj(code="M1")), manager=Obj(name="")),
        problem="",
        approved=[1],
        proposed=[],
    ),
]


def test_the_rows_match_the_loop():
    for manager_review in (True, False):
        for peer_min in (0, 3):
            for token in ("tok&en", None):
                cycle = Obj(manager_review=manager_review, peer_min=peer_min, revision=1234)
                context = {"rows": ROWS, "cycle": cycle}
                if token:
                    context["csrf_token"] = token
                assert TAG.render(Context(context)) == LOOP.render(Context(context))
    assert TAG.render(Context({"rows": [], "cycle": cycle})) == ""
