"""The review form's statements being filled in are written by `statement_editor`
(reviews/templatetags/reviews_tags.py): the same HTML, byte for byte, as the template
loop it replaced (kept as tests/data/statement_editor_reference.html), for statements
with and without answers, evidence kinds, a changed wording, and markup to escape."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.template import engines

from reviews.forms import EVIDENCE_CHOICES
from reviews.models import FormItem, Scale

REFERENCE = (Path(__file__).parent.parent / "data" / "statement_editor_reference.html").read_text()
TAG = "{% load reviews_tags %}{% statement_editor it page.scale evidence_choices %}"
LONG = 'A <long> statement with & many, many words that go on and on beyond "eight"'

ITEMS = {
    "blank": {},
    "rated": {"rating": 3, "evidence_kinds": ["metric"]},
    "all kinds": {"evidence_kinds": ["written_artifact", "decision_record", "360_input", "x"]},
    "comment": {"rating": 4, "comment": 'Did <b>well</b> & said "ok"\nsecond line'},
    "evidence": {"evidence": "https://x.test/?a=1&b=2 <more>", "evidence_kind": "metric"},
    "unknown kind": {"evidence": "notes", "evidence_kind": "bogus"},
    "changed": {"rating": 2, "needs_new_rating": True, "previous_text": 'Old <wording> & "q"'},
    "changed unrated": {"needs_new_rating": True, "previous_text": ""},
    "long text": {"text": LONG, "level_code": "L<3>"},
}


@pytest.mark.parametrize("name", list(ITEMS))
@pytest.mark.parametrize(
    "scale",
    [
        None,
        {
            "points": [
                {"value": 1, "label": "Not yet", "definition": "Rarely <shown>"},
                {"value": 2, "label": "Meets & more", "definition": "As expected"},
            ],
            "meets": 2,
        },
    ],
    ids=["default scale", "own scale"],
)
def test_a_statement_being_filled_in_is_the_templates_html(name: str, scale: dict | None) -> None:
    values = {"statement_uid": "st1ab", "text": "Writes clear designs", "level_code": "L3"}
    item = FormItem(**{**values, **ITEMS[name]})
    context = {
        "it": item,
        "page": {"scale": Scale(scale)},
        "evidence_choices": EVIDENCE_CHOICES,
        "mode": "edit",
    }
    engine = engines["django"]
    reference = engine.from_string(REFERENCE).render(context)
    assert engine.from_string(TAG).render(context) == reference
    assert reference.startswith("<fieldset") and reference.endswith("</fieldset>")
