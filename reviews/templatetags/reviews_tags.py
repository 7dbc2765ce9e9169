"""Ratings on the page: a number with its colour step and the scale's words."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.forms import BoundField
from django.template.defaultfilters import truncatewords
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

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
    point = scale.point(value)  # once: its label and definition too (324 a calibration page)
    step = max(1, min(5, int(point["value"]) if point else round(float(value))))
    label = str(point["label"]) if point else ""
    return format_html(
        '<span class="rating rating--{}" title="{}">{}'
        '<span class="visually-hidden"> ({})</span></span>',
        step,
        f"{label}: {point['definition'] if point else ''}" if label else "",
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


RATING_OPTION = (
    '\n        <div class="rating-option rating-option--{value}">'
    '\n          <input type="radio" name="rating-{uid}" id="r-{uid}-{value}" value="{value}"'
    "{checked}>"
    '\n          <label for="r-{uid}-{value}"><span class="rating-option__value">{value}</span>'
    '<span class="rating-option__label">{label}{meets}</span>'
    '<span class="rating-option__def">{definition}</span></label>'
    "\n        </div>\n        "
)
MEETS = ' <span class="rating-option__meets">meets the level</span>'


@register.simple_tag
def rating_options(item: Any, scale: Scale) -> str:
    """The radio buttons of one statement on the review form, one per point of the scale
    (what a template loop wrote, in Python: a form has a few hundred of them)."""
    uid = conditional_escape(item.statement_uid)
    chosen = None if item.needs_new_rating else item.rating
    return mark_safe(  # every value is escaped above or here
        "".join(
            RATING_OPTION.format(
                value=conditional_escape(p["value"]),
                uid=uid,
                checked=" checked" if chosen == p["value"] else "",
                label=conditional_escape(p["label"]),
                meets=MEETS if p["value"] == scale.meets else "",
                definition=conditional_escape(p["definition"]),
            )
            for p in scale.points
        )
    )


CHECKBOX = (
    '\n  <div class="checkbox"><input type="checkbox" name="{name}" value="{value}" id="{id}"'
    '{checked}><label for="{id}">{label}</label></div>\n  '
)


@register.simple_tag
def checkboxes(field: BoundField) -> str:
    """The boxes of a multiple-choice field, as the loop over its subwidgets in
    reviews/partials/checkboxes.html wrote them (Django's ChoiceWidget.optgroups: the
    same values, ids and checks), in Python: a cycle's set-up lists every manager twice,
    hundreds of boxes that were each a widget option dict and a template loop."""
    widget = field.field.widget
    chosen = set(widget.format_value(field.value()))
    prefix = widget.attrs.get("id") or field.auto_id
    name = conditional_escape(field.html_name)
    boxes = []
    for index, (group_value, group_label) in enumerate(widget.choices):
        if isinstance(group_label, (list, tuple)):  # a group: its options are indexed i_j
            options = [(f"{index}_{sub}", v, lb) for sub, (v, lb) in enumerate(group_label)]
        else:
            options = [(str(index), "" if group_value is None else group_value, group_label)]
        for at, value, label in options:
            boxes.append(
                CHECKBOX.format(
                    name=name,
                    value=conditional_escape(value),
                    # no auto id: the loop wrote the None of an id-less box
                    id=conditional_escape(f"{prefix}_{at}" if prefix else "None"),
                    checked=" checked" if str(value) in chosen else "",
                    label=conditional_escape(label),
                )
            )
    return mark_safe("".join(boxes))  # every value is escaped


@register.simple_tag
def evidence_options(chosen: str, choices: Any) -> str:
    """The options of a statement's evidence-kind select (as the template loop wrote)."""
    return mark_safe(  # every value is escaped
        "".join(
            '<option value="{}"{}>{}</option>'.format(
                conditional_escape(value),
                " selected" if chosen == value else "",
                conditional_escape(label),
            )
            for value, label in choices
        )
    )


EVIDENCE_KINDS = {
    "written_artifact": "a written artifact",
    "decision_record": "a decision record",
    "360_input": "360 input",
    "metric": "a metric",
}


@register.simple_tag
def statement_editor(item: Any, scale: Scale, evidence_choices: Any) -> str:
    """One statement of a review form being filled in: its text and level, the evidence
    that shows it, the earlier rating when the wording changed, the radio buttons, the
    comment and the evidence (what the form page's template loop wrote for each of the
    form's 30-60 statements, in Python; `tests/reviews/test_form_page_html.py`)."""
    e = conditional_escape
    uid = e(item.statement_uid)
    hint = ""
    if item.evidence_kinds:
        kinds = ", ".join(EVIDENCE_KINDS.get(k, "other evidence") for k in item.evidence_kinds)
        hint = f'<p class="hint">Evidence that shows it: {kinds}.</p>'
    before = ""
    if item.needs_new_rating:
        before = (
            '<p class="statement__before">The wording changed. Your earlier rating '
            f"{rating(item.rating, scale)} was for: “{e(item.previous_text)}”</p>"
        )
    opened = " open" if item.comment or item.evidence else ""
    return mark_safe(  # every value is escaped above or here
        f'<fieldset class="statement{" statement--changed" if item.needs_new_rating else ""}"'
        f' id="st-{uid}">\n'
        f'      <legend><span class="statement__text">{e(item.text)}</span> '
        f'<span class="chip" title="Written for level {e(item.level_code)}">'
        f"{e(item.level_code)}</span></legend>\n"
        f"      {hint}\n"
        f"      {before}\n"
        "      \n"
        '      <div class="rating-options">\n'
        f"        {rating_options(item, scale)}\n"
        "      </div>\n"
        f'      <details class="statement__more"{opened}>\n'
        "        <summary>Comment and evidence"
        f'<span class="visually-hidden"> for “{e(truncatewords(item.text, 8))}”</span></summary>\n'
        '        <div class="statement__fields">\n'
        f'          <div class="field"><label for="comment-{uid}">Comment '
        '<span class="muted">(optional)</span></label>'
        f'<textarea name="comment-{uid}" id="comment-{uid}" rows="2">{e(item.comment)}'
        "</textarea></div>\n"
        '          <div class="evidence-row">\n'
        f'            <div class="field"><label for="evidence-{uid}">Evidence '
        '<span class="muted">(a link or a few words)</span></label>'
        f'<input type="text" name="evidence-{uid}" id="evidence-{uid}" '
        f'value="{e(item.evidence)}" maxlength="2000"></div>\n'
        f'            <div class="field"><label for="evidence_kind-{uid}">Kind</label>'
        f'<select name="evidence_kind-{uid}" id="evidence_kind-{uid}">'
        f"{evidence_options(item.evidence_kind, evidence_choices)}</select></div>\n"
        "          </div>\n"
        "        </div>\n"
        "      </details>\n"
        "      \n"
        "    </fieldset>"
    )


# one row of the check page's "Who reviews whom" (reviews/setup/preview.html's loop)
SETUP_ROW = (
    '\n      <tr{problem_class}>\n        <td data-label="Person"><strong>{name}</strong>'
    '{problem}</td>\n        <td data-label="Level">{level}</td>\n        {manager}\n'
    '        {peers}\n        <td><form method="post" action="{remove}">{csrf}'
    '<input type="hidden" name="revision" value="{revision}"><button class="button '
    'button--ghost button--small">Remove<span class="visually-hidden"> {name}</span>'
    "</button></form></td>\n      </tr>\n      "
)
SETUP_MANAGER = (
    '<td data-label="Manager review by">{manager} <a class="small" href="{url}">Change'
    '<span class="visually-hidden"> who reviews {name}</span></a></td>'
)
SETUP_PEERS = (
    '<td data-label="Peers">{approved} of {peer_min}{proposed} <a class="small" '
    'href="{url}">Choose<span class="visually-hidden"> peers for {name}</span></a></td>'
)


@register.simple_tag(takes_context=True)
def setup_rows(context: Any, rows: Any, cycle: Any) -> str:
    """The check page's rows (50 a page), byte for byte what its template loop wrote: three
    links and a form each, reversed and escaped here rather than looked up in the loop."""
    csrf = CsrfTokenNode().render(context)  # what {% csrf_token %} writes, once for all rows
    revision = conditional_escape(cycle.revision)
    out = []
    for row in rows:
        part, person = row.part, row.part.person
        name = conditional_escape(person.name)
        level = person.level
        family = person.job_family.name if person.job_family is not None else ""
        manager = part.manager.name if part.manager is not None else ""
        out.append(
            SETUP_ROW.format(
                problem_class=' class="row-problem"' if row.problem else "",
                name=name,
                problem=format_html(
                    '<span class="error-message small">{}</span>', capfirst(row.problem)
                )
                if row.problem
                else "",
                level=format_html('<span class="chip">{}</span> {}', level.code, family)
                if level
                else "—",
                manager=SETUP_MANAGER.format(
                    manager=conditional_escape(manager) if manager else "No one",
                    url=conditional_escape(reverse("reviews:reassign", args=[part.public_id])),
                    name=name,
                )
                if cycle.manager_review
                else "",
                peers=SETUP_PEERS.format(
                    approved=len(row.approved),
                    peer_min=conditional_escape(cycle.peer_min),
                    proposed=f' <span class="badge badge--warning">{len(row.proposed)} to '
                    "approve</span>"
                    if row.proposed
                    else "",
                    url=conditional_escape(reverse("reviews:peers", args=[part.public_id])),
                    name=name,
                )
                if cycle.peer_min
                else "",
                remove=conditional_escape(
                    reverse("reviews:remove_participant", args=[part.public_id])
                ),
                csrf=csrf,
                revision=revision,
            )
        )
    return mark_safe("".join(out))  # every value is escaped above
