"""The `checkboxes` tag writes what the template loop over a field's subwidgets wrote
(reviews/partials/checkboxes.html before the tag): same values, ids, checks and escaping."""

from __future__ import annotations

from django import forms
from django.template import Context, Template

# the partial's loop before the tag, kept here as the reference
LOOP = Template(
    "{% for box in field %}\n"
    '  <div class="checkbox"><input type="checkbox" name="{{ field.html_name }}" '
    'value="{{ box.data.value }}" id="{{ box.id_for_label }}"'
    "{% if box.data.selected %} checked{% endif %}>"
    '<label for="{{ box.id_for_label }}">{{ box.choice_label }}</label></div>\n'
    '  {% empty %}<p class="muted small">Nothing to choose yet.</p>\n'
    "  {% endfor %}"
)
TAG = Template(
    "{% load reviews_tags %}{% checkboxes field as boxes %}{% if boxes %}{{ boxes }}"
    '{% else %}<p class="muted small">Nothing to choose yet.</p>\n  {% endif %}'
)


class Pick(forms.Form):
    people = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)


def both(choices, **kwargs):
    form = Pick(**kwargs)
    form.fields["people"].choices = choices
    context = Context({"field": form["people"]})
    return LOOP.render(context), TAG.render(context)


CHOICES = [("a1", "Ann <Lead> & co"), ("b2", "Bo “Quoted”"), ("c'3", 'Cy "x"')]


def test_unchosen_chosen_and_posted_boxes_match_the_loop():
    for kwargs in (
        {},
        {"initial": {"people": ["b2", "c'3"]}},
        {"data": {"people": ["a1"]}},
        {"data": {"people": ["nope"]}},
        {"auto_id": False},
        {"auto_id": "f-%s", "prefix": "p"},
    ):
        loop, tag = both(CHOICES, **kwargs)
        assert tag == loop, kwargs
    assert " checked" in both(CHOICES, initial={"people": ["b2"]})[1]


def test_grouped_and_empty_choices_match_the_loop():
    grouped = [("Team A", [("a1", "Ann"), ("b2", "Bo")]), ("c3", "Cy")]
    loop, tag = both(grouped, initial={"people": ["b2"]})
    assert tag == loop
    assert 'id="id_people_0_1" checked' in tag
    assert both([]) == (both([])[0], both([])[0])
    assert "Nothing to choose yet." in both([])[1]
