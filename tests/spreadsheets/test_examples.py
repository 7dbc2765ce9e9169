"""The product's own examples fit the templates they name (issue 8, fixes 5 and 9).

Every example file the product offers — the people CSV and the blank Master Template —
imports cleanly into an organization that started from the built-in template it names;
the Master Template's example ladder *is* that template's ladder; and exporting one
family holds that family's people only."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from frameworks.library import load_template, start_from_template
from frameworks.services import publish_draft
from organizations.scoping import scope
from people.models import Person
from people.services import create_person, stage_import
from spreadsheets import people_csv, services
from spreadsheets.writer import EXAMPLE_TEMPLATE, blank_template, example_family, example_people
from tests.framework_fixtures import PM_TEMPLATE_CODES

pytestmark = pytest.mark.django_db


def _org_from_template(world: Any, key: str) -> None:
    with scope(world.acme):
        draft = start_from_template(world.acme, key, actor=world.hr)
        publish_draft(draft, actor=world.hr, note="From the template")


def _people_csv_example(world: Any) -> None:
    response = world.client_for(world.hr).get(reverse("people:import_example"))
    header, rows = people_csv.read_csv(response.content)
    with scope(world.acme):
        stored = stage_import(
            world.acme, actor=world.hr, filename="people-example.csv", header=header, rows=rows
        )
        plan = people_csv.preview(stored)
        assert plan.errors == [], plan.errors
        assert plan.count("add") == len(rows) == 3
        people_csv.apply(world.acme, stored, actor=world.hr, fingerprint=plan.fingerprint)
        placed = {
            p.email: p.level.code for p in Person.objects.filter(email__endswith="@example.com")
        }
    assert placed == {
        "priya@example.com": "DIR",
        "tom@example.com": "SPM",
        "lena@example.com": "PM",
    }


def _master_template_example(world: Any) -> None:
    with scope(world.acme):
        result = services.check_workbook(blank_template(), name="master-template.xlsx")
        assert result.ok, [p.message for p in result.problems]
        families, people = result.parsed.families, result.parsed.people  # type: ignore[union-attr]
        services.apply_import(world.acme, families, people, actor=world.hr)
        placed = {
            p.email: p.level.code for p in Person.objects.filter(email__endswith="@example.com")
        }
    assert placed == {p.email: p.level for p in example_people()}


EXAMPLES = {
    "people CSV": (people_csv.EXAMPLE_TEMPLATE, _people_csv_example),
    "Master Template": (EXAMPLE_TEMPLATE, _master_template_example),
}


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_every_example_imports_cleanly_into_the_template_it_names(world, name):
    template, check = EXAMPLES[name]
    _org_from_template(world, template)
    check(world)


def _ladder(data: Any) -> list[tuple[Any, ...]]:
    return [
        (lv.code, lv.title, lv.rank, lv.track, lv.scope, lv.summary, lv.key_question)
        for lv in data.levels
    ]


def test_the_master_template_example_is_the_product_management_template():
    template = load_template("product-management")
    example = example_family()
    assert example.name == template.name
    assert _ladder(example) == _ladder(template)
    # the seed article's ladder: APM → PM → Senior PM, then IC and Manager up to CPO
    codes = [lv.code for lv in example.levels]
    assert codes[:3] == ["APM", "PM", "SPM"] and set(PM_TEMPLATE_CODES[3:]) <= set(codes)
    by_name = {c.name: c for c in template.competencies}
    for comp in example.competencies:
        texts = {code: [s.text for s in items] for code, items in comp.statements.items()}
        same = by_name[comp.name].statements
        assert texts == {code: [s.text for s in items] for code, items in same.items()}


def test_the_blank_template_workbook_shows_the_template_ladder():
    book = openpyxl.load_workbook(io.BytesIO(blank_template()), read_only=True)
    rows = list(book["Levels"].iter_rows(min_row=2, values_only=True))
    codes = [r[1] for r in rows if r[1]]
    assert codes == [lv.code for lv in load_template("product-management").levels]
    key_questions = [r[7] for r in rows if r[1]]
    assert all(q and not q.startswith(("Can I", "Do I")) for q in key_questions)


def test_a_family_export_holds_only_that_familys_people(world):
    _org_from_template(world, "product-management")
    _org_from_template(world, "engineering")
    with scope(world.acme):
        from frameworks.models import JobFamily

        # one person on the first level of each family
        for name, email, key in (
            ("Pat Product", "pat@acme.test", "product-management"),
            ("Eli Engineer", "eli@acme.test", "engineering"),
        ):
            family = JobFamily.objects.get(key=key)
            level = family.versions.get(number=1).levels.order_by("rank").first()
            create_person(
                world.acme, actor=world.hr, name=name, email=email, job_family=family, level=level
            )
        pm = JobFamily.objects.get(key="product-management")
        one = services.export_workbook(world.acme, family=pm)
        every = services.export_workbook(world.acme)

    def people(content: bytes) -> dict[str, str]:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return {r[0]: r[3] for r in book["People"].iter_rows(min_row=2, values_only=True) if r[0]}

    assert people(one) == {"pat@acme.test": "Product Management"}
    assert people(every) == {"pat@acme.test": "Product Management", "eli@acme.test": "Engineering"}
