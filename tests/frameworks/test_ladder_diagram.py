"""The ladder diagram: the shared trunk splitting into the IC and Manager tracks, each level
with its scope, "you are here" and the next step(s) marked in words and outline, drawn as
an inline SVG with a text alternative; shown on the family page, a person's ladder and its
PDF."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from defusedxml import ElementTree as ET
from django.template.loader import render_to_string
from django.urls import reverse

from frameworks.ladder_diagram import BOX_W, CENTRES, WIDTH, build_diagram
from frameworks.models import Level
from frameworks.schema import LevelData
from people.services import update_person
from tests.framework_fixtures import load, small_family

SVG = "{http://www.w3.org/2000/svg}"

LEVELS = [
    LevelData("PM1", "Associate PM", 1, "shared", "Feature", uid="l1"),
    LevelData("PM2", "Product Manager", 2, "shared", "Feature", uid="l2"),
    LevelData("PM3", "Senior PM", 3, "shared", "Product area", uid="l3"),
    LevelData("PM4", "Staff PM", 4, "ic", "Product line", uid="l4"),
    LevelData("PM5", "Principal PM", 5, "ic", "Portfolio", uid="l5"),
    LevelData("GPM", "Group PM", 4, "manager", "Product line", uid="l6"),
    LevelData("DIR", "Director of Product Management and Design", 5, "manager", "", uid="l7"),
    LevelData("VP", "VP of Product", 6, "manager", "Company", uid="l8"),
]


def test_the_trunk_splits_into_two_tracks():
    d = build_diagram(LEVELS, name="Product Management")
    by = {b.code: b for b in d.boxes}
    # the trunk in the middle, the IC track on the left, the Manager track on the right
    assert {by[c].cx for c in ("PM1", "PM2", "PM3")} == {CENTRES["shared"]} == {WIDTH // 2}
    assert {by[c].cx for c in ("PM4", "PM5")} == {CENTRES["ic"]}
    assert {by[c].cx for c in ("GPM", "DIR", "VP")} == {CENTRES["manager"]}
    assert by["PM4"].x + BOX_W < by["GPM"].x  # side by side, not overlapping
    # climbing goes up the page; an IC and a Manager level of the same rank share a row
    assert by["PM1"].y > by["PM2"].y > by["PM3"].y > by["PM4"].y > by["PM5"].y
    assert by["PM4"].y == by["GPM"].y and by["PM5"].y == by["DIR"].y
    assert by["VP"].y < by["DIR"].y and min(b.y for b in d.boxes) == by["VP"].y
    assert max(b.y + b.h for b in d.boxes) < d.height
    # rungs within each track, and the fork from the top of the trunk into both tracks
    pairs = {(link.below, link.above) for link in d.links}
    assert pairs == {
        ("l1", "l2"),
        ("l2", "l3"),
        ("l4", "l5"),
        ("l6", "l7"),
        ("l7", "l8"),
        ("l3", "l4"),
        ("l3", "l6"),
    }
    fork = next(link for link in d.links if link.above == "l4")
    assert fork.d.startswith(f"M{by['PM3'].cx} {by['PM3'].y} V") and f"H{by['PM4'].cx}" in fork.d
    assert [h.text for h in d.headings] == ["IC track", "Manager track", "Shared levels"]
    # each level with its scope; a long title is shortened on the box, whole elsewhere
    assert by["PM3"].detail == "PM3 · Scope: Product area"
    assert by["DIR"].detail == "DIR"
    assert by["DIR"].heading.endswith("…") and len(by["DIR"].heading) <= 31
    assert by["DIR"].full_name == "DIR Director of Product Management and Design"
    assert d.current is None and d.next_steps == [] and not any(x.highlighted for x in d.links)


def test_you_are_here_and_the_next_steps():
    d = build_diagram(LEVELS, name="PM", current=LEVELS[2])
    assert d.current is not None and d.current.code == "PM3"
    assert d.current.mark == "You are here"
    # at the top of the trunk the next step is on both tracks
    assert [(b.code, b.mark) for b in d.next_steps] == [
        ("PM4", "Next step"),
        ("GPM", "Next step"),
    ]
    assert {(x.below, x.above) for x in d.links if x.highlighted} == {("l3", "l4"), ("l3", "l6")}
    assert "You are here: PM3 Senior PM." in d.summary
    assert "Next step: PM4 Staff PM or GPM Group PM." in d.summary
    # on a track: one next step; at the top: none
    emma = build_diagram(LEVELS, current=LEVELS[5], here_label="Emma is here")
    assert emma.current is not None and emma.current.mark == "Emma is here"
    assert [b.code for b in emma.next_steps] == ["DIR"]
    assert build_diagram(LEVELS, current=LEVELS[7]).next_steps == []


def test_a_trunk_only_ladder_is_one_column():
    d = build_diagram(LEVELS[:3])
    assert {b.cx for b in d.boxes} == {WIDTH // 2}
    assert not d.splits and d.headings == []
    assert "split" not in d.summary


def render(d, **context):
    html = render_to_string("frameworks/partials/ladder_diagram.html", {"diagram": d, **context})
    start, end = html.index("<svg"), html.index("</svg>") + len("</svg>")
    return html, ET.fromstring(html[start:end])


def test_the_svg_has_a_text_alternative_and_no_style_attributes():
    d = build_diagram(LEVELS, name="Product Management", current=LEVELS[1], uid="dg")
    html, svg = render(d, own=True)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "dg-title dg-desc"
    assert svg.find(f"{SVG}title").get("id") == "dg-title"
    assert "split into the IC and Manager tracks" in svg.find(f"{SVG}title").text
    assert "You are here: PM2 Product Manager" in svg.find(f"{SVG}desc").text
    # the strict CSP refuses style attributes (they would draw a black box)
    assert not [el for el in svg.iter() if "style" in el.attrib]
    assert "<style" not in html
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Product Manager" in texts and "PM2 · Scope: Feature" in texts
    assert "● You are here" in texts and "↑ Next step" in texts
    here = next(g for g in svg.iter(f"{SVG}g") if g.get("data-level") == "PM2")
    rect = here.find(f"{SVG}rect")
    assert rect.get("stroke-width") == "4"  # the heavy outline, whatever the colours
    nxt = next(g for g in svg.iter(f"{SVG}g") if g.get("data-level") == "PM3")
    assert nxt.find(f"{SVG}rect").get("stroke-dasharray")
    # and a list a screen reader reads, level by level with its scope
    assert "Shared level: PM2 Product Manager, scope Feature (You are here)</li>" in html
    assert "Manager track: VP VP of Product, scope Company</li>" in html
    assert "Heavy outline</span>: you are here" in html


@pytest.mark.django_db
def test_pages_draw_the_ladder(world, acme_scope):
    v1 = load(world.acme, small_family(), actor=world.hr, publish=True)
    level = Level.objects.get(version=v1, code="PM3")
    update_person(
        world.p_employee, actor=world.hr, expected_revision=None, job_family=v1.family, level=level
    )
    own = world.client_for(world.employee).get(reverse("frameworks:my_ladder")).content.decode()
    assert '<figure class="ladder-diagram" id="ladder-diagram"' in own
    assert "● You are here" in own and own.count("↑ Next step") == 2
    assert "Senior PM, scope Product area (You are here)" in own

    theirs = (
        world.client_for(world.manager)
        .get(reverse("frameworks:person_ladder", args=[world.p_employee.public_id]))
        .content.decode()
    )
    assert "● Emma Employee is here" in theirs and "● You are here" not in theirs

    family = (
        world.client_for(world.hr)
        .get(reverse("frameworks:family", args=[v1.family.public_id]))
        .content.decode()
    )
    assert 'id="family-diagram"' in family and "The ladder at a glance" in family
    assert "Scope: Product line" in family and "You are here" not in family

    pdf = world.client_for(world.manager).get(
        reverse("frameworks:ladder_pdf", args=[world.p_employee.public_id])
    )
    assert pdf.status_code == 200
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
        ).stdout.decode()
        assert "ladder at a glance" in text
        assert "Emma Employee is here" in text and "Next step" in text
