"""Issue 8, fix 6: the people list sorts by each column (links in the headers, aria-sort,
stable, keeping the filters), groups the Level filter by family in rank order, and
changes many people at once (level, manager, family, deactivate, invite) through the
people services: audited, all or nothing, tenant-fenced, refused to a read-only
organization, in a number of queries that does not grow with the list."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation
from organizations.models import AuditEntry
from organizations.scoping import scope
from people.models import LevelChange, Person
from people.services import create_person
from tests.factories import make_people
from tests.organizations.test_trial import expire
from tests.people.test_people import make_ladder

pytestmark = pytest.mark.django_db

LIST = reverse("people:list")
BULK = reverse("people:bulk")


def names(body: str) -> list[str]:
    return re.findall(r'class="people-table__name"[^>]*>([^<]+)<', body)


def add_people(world: Any, family: Any, levels: dict[str, Any], rows: list[tuple[str, str]]):
    """People (name, level code) on `family`'s ladder under Max, by name."""
    people = {}
    with scope(world.acme):
        for name, code in rows:
            people[name] = create_person(
                world.acme,
                actor=world.hr,
                name=name,
                email=f"{name.split()[0].lower()}@acme.test",
                manager=world.p_manager,
                job_family=family,
                level=levels[code],
            )
    return people


@pytest.fixture
def team(world):
    """Acme's PM ladder, and five more people on it under Max."""
    family, levels = make_ladder(world.acme, world.owner)
    rows = [("Zoe Zed", "P1"), ("Adam Apple", "P3"), ("Mia Mid", "P2"), ("Bea Bee", "P1")]
    return family, levels, add_people(world, family, levels, [*rows, ("Carl Cox", "M3")])


# --- sorting --------------------------------------------------------------------------


def test_each_column_sorts_both_ways_and_says_so(world, team):
    client = world.client_for(world.hr)
    by_level = names(client.get(LIST, {"sort": "level", "q": "@acme"}).text)
    # P1, P1 (by name), P2, P3 and M3 share rank 3 (by name), then the unplaced by name
    assert by_level[:5] == ["Bea Bee", "Zoe Zed", "Mia Mid", "Adam Apple", "Carl Cox"]
    assert set(by_level[5:]) == {"Emma Employee", "Hana Hr", "Max Manager", "Olivia Owner"}
    assert by_level[5:] == sorted(by_level[5:])
    down = names(client.get(LIST, {"sort": "-level"}).text)
    assert down[:3] == ["Adam Apple", "Carl Cox", "Mia Mid"]  # ties stay in name order
    assert down[-4:] == by_level[5:]  # the unplaced stay last either way
    assert names(client.get(LIST, {"sort": "-name"}).text)[0] == "Zoe Zed"
    by_manager = names(client.get(LIST, {"sort": "manager"}).text)
    assert by_manager[-3:] == ["Hana Hr", "Max Manager", "Olivia Owner"]  # no manager: last
    assert names(client.get(LIST, {"sort": "family"}).text)[0] == "Adam Apple"
    page = client.get(LIST, {"sort": "-level", "q": "a"}).text
    header = re.search(
        r'<th scope="col" aria-sort="descending"><a class="sort-link" href="([^"]+)">Level', page
    )
    assert header is not None, "the sorted column says so"
    assert "sort=level" in header.group(1) and "q=a" in header.group(1)  # filters kept
    assert page.count("aria-sort=") == 1
    name_link = re.search(r'href="([^"]+)">Name', page).group(1)
    assert "sort=name" in name_link and "q=a" in name_link and "page=" not in name_link
    # the filter form carries the sort, so filtering (with or without JS) keeps it
    assert re.search(r'<input type="hidden" name="sort" value="-level"', page)


def test_sorting_is_stable_across_pages(world, team, monkeypatch):
    import people.views

    monkeypatch.setattr(people.views, "PAGE_SIZE", 3)
    client = world.client_for(world.hr)
    seen = []
    for n in (1, 2, 3):
        body = client.get(LIST, {"sort": "manager", "page": n}).text
        seen += names(body)
        if n == 1:  # the pages link on with the sort
            assert re.search(r'href="\?sort=manager&amp;page=2"', body)
    assert len(seen) == len(set(seen)) == 9


def test_level_filter_is_grouped_by_family_in_rank_order(world, team):
    _family, levels, _ = team
    make_ladder(world.acme, world.owner, name="Design")
    body = world.client_for(world.hr).get(LIST).text
    select = re.search(r'<select name="level".*?</select>', body, re.S).group(0)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    assert [g for g, _ in groups] == ["Product Management", "Design"]  # the families' order
    codes = re.findall(r">(\w+) · ", groups[0][1])
    assert codes == ["P1", "P2", "P3", "M3"]
    emma = world.client_for(world.hr).get(LIST, {"level": levels["P3"].uid}).text
    assert names(emma) == ["Adam Apple"]


@pytest.mark.parametrize("sort", ["level", "-manager", "status", "family"])
def test_sorted_list_queries_do_not_grow(world, team, django_assert_max_num_queries, sort):
    family, levels, _ = team
    client = world.client_for(world.hr)
    client.get(LIST, {"sort": sort})
    with django_assert_max_num_queries(16) as small:
        client.get(LIST, {"sort": sort})
    with scope(world.acme):
        make_people(
            world,
            40,
            actor=world.hr,
            name="Extra {:02}",
            email="extra{}@acme.test",
            manager=world.p_manager,
            job_family=family,
            level=levels["P2"],
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert "Extra 39" in client.get(LIST, {"sort": sort}).text


# --- bulk changes -----------------------------------------------------------------------


def bulk(client: Any, action: str, people: list[Any], **data: Any) -> Any:
    return client.post(
        BULK,
        {
            "action": action,
            "person": [p.public_id for p in people],
            "confirm": "1",
            "next": f"{LIST}?sort=level",
            **data,
        },
    )


def test_the_list_offers_ticks_and_the_first_step_changes_nothing(world, team):
    _, levels, people = team
    client = world.client_for(world.hr)
    body = client.get(LIST).text
    assert 'id="bulk-form"' in body and 'form="bulk-form"' in body
    assert "Invite to log in" in body and "Change level" in body
    step = client.post(
        BULK, {"action": "level", "person": [people["Zoe Zed"].public_id], "next": LIST}
    )
    assert step.status_code == 200
    assert "Change level: 1 person" in step.text and 'name="level"' in step.text
    assert "error-summary" not in step.text
    with scope(world.acme):
        assert Person.objects.get(pk=people["Zoe Zed"].pk).level_uid == levels["P1"].uid


def test_bulk_level_change_is_audited_and_goes_back_to_the_list(world, team):
    _, levels, people = team
    chosen = [people["Zoe Zed"], people["Bea Bee"]]
    response = bulk(
        world.client_for(world.hr),
        "level",
        chosen,
        level=levels["P2"].public_id,
        effective_date=timezone.localdate().isoformat(),
        reason="Re-levelled",
    )
    assert response.status_code == 302 and response["Location"] == f"{LIST}?sort=level"
    with scope(world.acme):
        for p in chosen:
            p.refresh_from_db()
            assert p.level.code == "P2"
            change = LevelChange.objects.filter(person=p).first()
            assert change.level_code == "P2" and change.reason == "Re-levelled"
        assert AuditEntry.objects.filter(action="person.updated").count() >= 2
        summary = AuditEntry.objects.get(action="people.bulk_changed")
        assert summary.data == {"action": "level", "count": 2}


def test_bulk_change_is_all_or_nothing_with_each_problem_named(world, team):
    _, _, people = team
    client = world.client_for(world.hr)
    carl = people["Carl Cox"]
    # Carl cannot manage himself: nobody gets Carl as manager
    response = bulk(client, "manager", [people["Zoe Zed"], carl], manager=carl.public_id)
    assert response.status_code == 400
    assert "Nothing was changed" in response.text
    assert "Carl Cox: Someone cannot be their own manager." in response.text
    with scope(world.acme):
        assert Person.objects.get(pk=people["Zoe Zed"].pk).manager_id == world.p_manager.pk
        assert not AuditEntry.objects.filter(action="people.bulk_changed").exists()
    # a missing choice is asked for, not guessed
    missing = bulk(client, "level", [people["Zoe Zed"]])
    assert "Choose the level to move them to." in missing.text


def test_bulk_deactivate_takes_a_manager_with_their_team(world, team):
    _, _, _people = team
    client = world.client_for(world.hr)
    with scope(world.acme):
        team_of_max = list(Person.objects.filter(manager=world.p_manager))
    alone = bulk(client, "deactivate", [world.p_manager])
    assert alone.status_code == 400 and "still manages people" in alone.text
    together = bulk(client, "deactivate", [world.p_manager, *team_of_max])
    assert together.status_code == 302
    with scope(world.acme):
        assert not Person.objects.filter(pk__in=[p.pk for p in team_of_max], is_active=True)
        assert not Person.objects.get(pk=world.p_manager.pk).is_active
        assert AuditEntry.objects.filter(action="person.deactivated").count() == 7


def test_bulk_family_change_clears_the_level(world, team):
    _, _, people = team
    design, _ = make_ladder(world.acme, world.owner, name="Design")
    response = bulk(
        world.client_for(world.hr),
        "family",
        [people["Mia Mid"]],
        family=design.public_id,
        effective_date=timezone.localdate().isoformat(),
        reason="Team moved",
    )
    assert response.status_code == 302
    with scope(world.acme):
        mia = Person.objects.get(pk=people["Mia Mid"].pk)
        assert mia.job_family_id == design.pk and mia.level_uid == ""


def test_bulk_invite_sends_all_or_none(world, team, django_capture_on_commit_callbacks):
    _, _, people = team
    client = world.client_for(world.hr)
    with django_capture_on_commit_callbacks(execute=True):
        refused = bulk(client, "invite", [people["Zoe Zed"], world.p_employee], choice="member")
    assert refused.status_code == 400 and "Emma Employee: " in refused.text
    with scope(world.acme):
        assert not Invitation.objects.exists()
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        sent = bulk(client, "invite", [people["Zoe Zed"], people["Bea Bee"]], choice="member")
    assert sent.status_code == 302
    with scope(world.acme):
        assert Invitation.objects.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["bea@acme.test", "zoe@acme.test"]


def test_bulk_is_fenced_by_organization_role_and_read_only(world, team):
    _, _levels, people = team
    client = world.client_for(world.hr)
    # someone of Globex among the ticked: 404, and nobody changes
    response = bulk(client, "deactivate", [people["Zoe Zed"], world.p_outsider])
    assert response.status_code == 404
    with scope(world.acme):
        assert Person.objects.get(pk=people["Zoe Zed"].pk).is_active
    for user in (world.manager, world.employee):
        assert bulk(world.client_for(user), "deactivate", [people["Zoe Zed"]]).status_code == 403
    expire(world.acme)
    page = client.get(LIST).text
    assert 'id="bulk-form"' not in page and "data-tick" not in page
    assert bulk(client, "deactivate", [people["Zoe Zed"]]).status_code == 403
    with scope(world.acme):
        assert Person.objects.get(pk=people["Zoe Zed"].pk).is_active
