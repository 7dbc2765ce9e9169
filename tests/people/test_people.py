"""The people directory: who sees what, adding, editing, deactivating, the org chart."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from frameworks.schema import FamilyData, LevelData
from frameworks.services import apply_family_data, publish_draft
from organizations.models import AuditEntry, Membership
from organizations.scoping import scope
from people.models import LevelChange, Person
from people.services import create_person, set_active, update_person
from tests.factories import place

pytestmark = pytest.mark.django_db


def make_ladder(org: Any, actor: Any, name: str = "Product Management", publish: bool = True):
    with scope(org):
        data = FamilyData(
            name=name,
            levels=[
                LevelData("P1", "Associate Product Manager", 1, "ic", scope="Feature"),
                LevelData("P2", "Product Manager", 2, "ic", scope="Product area"),
                LevelData("P3", "Senior Product Manager", 3, "ic", scope="Product line"),
                LevelData("M3", "Group Product Manager", 3, "manager", scope="Portfolio"),
            ],
        )
        draft = apply_family_data(org, data, actor=actor)
        if publish:
            publish_draft(draft, actor=actor, note="First version")
        return draft.family, {lv.code: lv for lv in draft.levels.all()}


@pytest.fixture
def ladder(world):
    return make_ladder(world.acme, world.owner)


def url(name: str, person: Any = None) -> str:
    return reverse(name, kwargs={"person_id": person.public_id} if person else None)


# --- who sees what ----------------------------------------------------------------------


def test_directory_is_for_hr_admins(world):
    for user in (world.owner, world.hr):
        response = world.client_for(user).get(url("people:list"))
        assert response.status_code == 200
        assert b"Emma Employee" in response.content
        assert b"Max Manager" in response.content
    for user in (world.manager, world.employee):
        assert world.client_for(user).get(url("people:list")).status_code == 403
    outsider = world.client_for(world.outsider).get(url("people:list"))
    assert outsider.status_code == 200
    assert b"Emma Employee" not in outsider.content


def test_profile_visibility_per_persona(world):
    with scope(world.acme):
        grand = create_person(
            world.acme,
            actor=world.hr,
            name="Gina Grandreport",
            email="gina@acme.test",
            manager=world.p_employee,
        )
    emma, maxm = world.p_employee, world.p_manager
    cases = {
        world.owner: {emma: 200, maxm: 200, grand: 200, world.p_hr: 200},
        world.hr: {emma: 200, maxm: 200, grand: 200, world.p_owner: 200},
        # Max manages Emma, who manages Gina: he sees both, and himself, not HR.
        world.manager: {emma: 200, maxm: 200, grand: 200, world.p_hr: 404},
        # Emma sees herself and her own report, never her manager's page.
        world.employee: {emma: 200, grand: 200, maxm: 404, world.p_owner: 404},
        world.outsider: {emma: 404, maxm: 404, grand: 404},
    }
    for user, expected in cases.items():
        client = world.client_for(user)
        for person, status in expected.items():
            response = client.get(url("people:detail", person))
            assert response.status_code == status, (user.email, person.name)


def test_profile_shows_ladder_history_and_login(world, ladder):
    _family, levels = ladder
    with scope(world.acme):
        place(
            world.p_employee,
            levels["P2"],
            actor=world.hr,
            level_reason="Promotion",
            level_effective_date=None,
        )
    body = world.client_for(world.hr).get(url("people:detail", world.p_employee)).text
    assert "Product Manager" in body and "P2" in body
    assert "badge--ic" in body and "Product area" in body  # track badge and scope
    assert "Promotion" in body  # level history
    assert "Has a login" in body
    assert "Max Manager" in body
    # Emma sees her manager's name but no link to a page she cannot open.
    own = world.client_for(world.employee).get(url("people:me")).text
    assert "Max Manager" in own
    assert url("people:detail", world.p_manager) not in own
    assert "Edit details" not in own


def test_invite_form_posts_role_to_accounts(world):
    with scope(world.acme):
        nina = create_person(world.acme, actor=world.hr, name="Nina New", email="nina@acme.test")
    body = world.client_for(world.hr).get(url("people:detail", nina)).text
    action = reverse("accounts:invite_person", kwargs={"person_id": nina.public_id})
    assert f'action="{action}"' in body
    assert 'name="role"' in body and "Invite to log in" in body
    assert "Not invited yet" in body


def test_me_without_directory_entry(world):
    with scope(world.acme):
        Person.objects.filter(pk=world.p_employee.pk).update(user=None)
    response = world.client_for(world.employee).get(url("people:me"))
    assert response.status_code == 200
    assert "not in the people directory yet" in response.text


def test_team_shows_direct_and_indirect_reports(world):
    with scope(world.acme):
        create_person(
            world.acme,
            actor=world.hr,
            name="Gina Grandreport",
            email="gina@acme.test",
            manager=world.p_employee,
        )
    body = world.client_for(world.manager).get(url("people:team")).text
    assert "Emma Employee" in body and "Gina Grandreport" in body
    assert "1 direct report" in body
    emma = world.client_for(world.employee).get(url("people:team")).text
    assert "Gina Grandreport" in emma and "Max Manager" not in emma.split("<main")[1]
    hr = world.client_for(world.hr).get(url("people:team")).text
    assert "No one reports to you" in hr


# --- filters and query counts -----------------------------------------------------------


def test_filters(world, ladder):
    family, levels = ladder
    with scope(world.acme):
        place(world.p_employee, levels["P3"], actor=world.hr)
        gone = create_person(world.acme, actor=world.hr, name="Gone Person", email="g@acme.test")
        set_active(gone, actor=world.hr, active=False)
        nologin = create_person(world.acme, actor=world.hr, name="Nolo Gin", email="n@acme.test")
    client = world.client_for(world.hr)

    def names(**params: str) -> set[str]:
        body = client.get(url("people:list"), params).text
        return set(re.findall(r'class="people-table__name"[^>]*>([^<]+)<', body))

    assert names() == {"Olivia Owner", "Hana Hr", "Max Manager", "Emma Employee", "Nolo Gin"}
    assert names(q="emma") == {"Emma Employee"}
    assert names(q="hana@acme") == {"Hana Hr"}
    assert names(family=family.public_id) == {"Emma Employee"}
    assert names(level=levels["P3"].uid) == {"Emma Employee"}
    assert names(manager=world.p_manager.public_id) == {"Emma Employee"}
    assert names(status="deactivated") == {"Gone Person"}
    assert "Gone Person" in names(status="all")
    assert names(login="none") == {"Nolo Gin"}
    assert names(login="uninvited") == {"Nolo Gin"}
    assert names(login="invited") == set()
    assert "Nolo Gin" not in names(login="has")
    assert nologin.user_id is None
    # htmx gets just the table.
    partial = client.get(url("people:list"), {"q": "emma"}, headers={"HX-Request": "true"}).text
    assert partial.lstrip().startswith('<div id="results"')
    assert "<html" not in partial


def test_new_organization_empty_state(world):
    body = world.client_for(world.outsider).get(url("people:list")).text
    assert "No people yet" in body and "Import a CSV" in body
    acme = world.client_for(world.hr).get(url("people:list")).text
    assert "No people yet" not in acme


def _add_people(world: Any, family: Any, levels: dict[str, Any], count: int) -> None:
    with scope(world.acme):
        boss = world.p_manager
        for i in range(count):
            p = create_person(
                world.acme,
                actor=world.hr,
                name=f"Person {i:03}",
                email=f"p{i}@acme.test",
                manager=boss,
                job_family=family,
                level=levels["P2"],
            )
            if i % 5 == 0:
                boss = p


@pytest.mark.parametrize("page", ["people:list", "people:org_chart", "people:team", "people:add"])
def test_query_count_does_not_grow(world, ladder, django_assert_max_num_queries, page):
    family, levels = ladder
    user = world.manager if page == "people:team" else world.hr
    client = world.client_for(user)
    _add_people(world, family, levels, 5)
    client.get(url(page))  # warm caches (sessions, content types)
    with django_assert_max_num_queries(16) as small:
        assert client.get(url(page)).status_code == 200
    _add_people_more = 50
    with scope(world.acme):
        Person.objects.filter(email__startswith="p").delete()
    _add_people(world, family, levels, _add_people_more)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url(page))
    assert response.status_code == 200
    if page != "people:add":
        assert "Person 049" in response.text


def test_detail_query_count_is_constant(world, ladder, django_assert_max_num_queries):
    family, levels = ladder
    _add_people(world, family, levels, 5)
    client = world.client_for(world.hr)
    target = url("people:detail", world.p_manager)
    client.get(target)
    with django_assert_max_num_queries(20) as small:
        client.get(target)
    with scope(world.acme):
        Person.objects.filter(email__startswith="p").delete()
    _add_people(world, family, levels, 50)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(target).status_code == 200


# --- adding and editing -----------------------------------------------------------------


def test_add_person(world, ladder):
    family, levels = ladder
    client = world.client_for(world.hr)
    response = client.post(
        url("people:add"),
        {
            "name": "  Nina   New ",
            "email": "Nina@Acme.test",
            "title": "Product Manager",
            "manager": world.p_manager.public_id,
            "job_family": family.public_id,
            "level": levels["P2"].public_id,
            "start_date": "2025-02-03",
        },
    )
    with scope(world.acme):
        nina = Person.objects.get(email="nina@acme.test")
        assert response.status_code == 302
        assert response["Location"] == url("people:detail", nina)
        assert nina.name == "Nina New"
        assert nina.manager == world.p_manager
        assert nina.level == levels["P2"]
        assert nina.start_date.isoformat() == "2025-02-03"
        assert LevelChange.objects.filter(person=nina, level_code="P2").exists()
        assert AuditEntry.objects.filter(action="person.created", target_id=nina.public_id).exists()


def test_add_person_errors_are_shown(world, ladder):
    family, _levels = ladder
    _other_family, other_levels = make_ladder(world.acme, world.owner, name="Engineering")
    client = world.client_for(world.hr)
    response = client.post(url("people:add"), {"name": "", "email": "not-an-email"})
    assert response.status_code == 200
    assert "error-summary" in response.text
    assert "Enter the person&#x27;s full name." in response.text
    dup = client.post(url("people:add"), {"name": "Again", "email": "emma@acme.test"})
    assert "emma@acme.test is already in the people directory" in dup.text
    mixed = client.post(
        url("people:add"),
        {
            "name": "Mix",
            "email": "mix@acme.test",
            "job_family": family.public_id,
            "level": other_levels["P1"].public_id,
        },
    )
    assert "error-summary" in mixed.text
    with scope(world.acme):
        assert not Person.objects.filter(email="mix@acme.test").exists()


def test_level_without_family_takes_the_levels_family(world, ladder):
    family, levels = ladder
    client = world.client_for(world.hr)
    client.post(
        url("people:add"),
        {"name": "Lev", "email": "lev@acme.test", "level": levels["P1"].public_id},
    )
    with scope(world.acme):
        assert Person.objects.get(email="lev@acme.test").job_family == family


def test_level_options_follow_the_family(world, ladder):
    family, levels = ladder
    make_ladder(world.acme, world.owner, name="Engineering", publish=False)
    client = world.client_for(world.hr)
    body = client.get(reverse("people:level_options"), {"job_family": family.public_id}).text
    assert 'id="id_level-field"' in body
    assert levels["P3"].public_id in body
    assert "<optgroup" not in body
    everything = client.get(reverse("people:level_options")).text
    assert "<optgroup" in everything and "Engineering" in everything
    form = client.get(url("people:add")).text
    assert 'hx-get="/people/level-options/"' in form


def test_levels_of_the_current_version_only(world, ladder):
    family, levels = ladder
    from frameworks.services import start_draft

    with scope(world.acme):
        draft = start_draft(family, actor=world.owner)
        draft_level = draft.levels.get(code="P1")
    body = (
        world.client_for(world.hr)
        .get(reverse("people:level_options"), {"job_family": family.public_id})
        .text
    )
    assert levels["P1"].public_id in body
    assert draft_level.public_id not in body  # latest published wins over the draft


def test_members_cannot_write(world):
    for user in (world.manager, world.employee):
        client = world.client_for(user)
        assert client.get(url("people:add")).status_code == 403
        assert (
            client.post(url("people:add"), {"name": "X", "email": "x@acme.test"}).status_code == 403
        )
        assert client.get(url("people:edit", world.p_employee)).status_code == 403
        assert client.post(url("people:deactivate", world.p_employee)).status_code == 403
        assert client.get(url("people:import")).status_code == 403
    with scope(world.acme):
        assert not Person.objects.filter(email="x@acme.test").exists()
        assert Person.objects.get(pk=world.p_employee.pk).is_active


def _edit_data(person: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "name": person.name,
        "email": person.email,
        "title": person.title,
        "manager": person.manager.public_id if person.manager else "",
        "job_family": person.job_family.public_id if person.job_family else "",
        "level": person.level.public_id if person.level else "",
        "start_date": "",
        "revision": person.revision,
        "level_effective_date": "",
        "level_reason": "",
    }
    data.update(overrides)
    return data


def test_edit_with_level_change_records_history(world, ladder):
    family, levels = ladder
    emma = world.p_employee
    client = world.client_for(world.hr)
    with scope(world.acme):
        update_person(emma, actor=world.hr, expected_revision=None, start_date=date(2023, 5, 2))
        emma.refresh_from_db()
    page = client.get(url("people:edit", emma)).text
    assert f'name="revision" value="{emma.revision}"' in page
    assert 'name="start_date" value="2023-05-02"' in page  # what a date input can show
    assert f'name="level_effective_date" value="{date.today().isoformat()}"' in page
    missing = client.post(
        url("people:edit", emma),
        _edit_data(
            emma,
            job_family=family.public_id,
            level=levels["P3"].public_id,
            level_effective_date="",
        ),
    )
    assert "Enter the date the new level takes effect" in missing.text
    assert "Say why the level changes" in missing.text
    response = client.post(
        url("people:edit", emma),
        _edit_data(
            emma,
            title="Senior PM",
            job_family=family.public_id,
            level=levels["P3"].public_id,
            level_effective_date="2025-04-01",
            level_reason="Promotion after the spring review",
        ),
    )
    assert response.status_code == 302
    with scope(world.acme):
        emma.refresh_from_db()
        assert emma.level == levels["P3"] and emma.title == "Senior PM"
        change = LevelChange.objects.filter(person=emma).first()
        assert change.level_code == "P3"
        assert change.effective_date.isoformat() == "2025-04-01"
        assert change.reason == "Promotion after the spring review"
        changes = AuditEntry.objects.filter(action="person.updated").first().changes
        assert "level" in changes and "title" in changes


def test_stale_edit_is_refused_and_typed_text_kept(world):
    emma = world.p_employee
    client = world.client_for(world.hr)
    stale_form = _edit_data(emma, title="Typed by Hana")
    with scope(world.acme):
        update_person(emma, actor=world.owner, expected_revision=emma.revision, title="By Olivia")
    response = client.post(url("people:edit", emma), stale_form)
    assert response.status_code == 200
    assert "Someone else changed Emma Employee while you were editing" in response.text
    assert 'value="Typed by Hana"' in response.text
    assert "By Olivia" in response.text  # the current details are shown beside the form
    with scope(world.acme):
        emma.refresh_from_db()
        assert emma.title == "By Olivia"
    # Saving again, on purpose, applies Hana's version.
    again = re.search(r'name="revision" value="(\d+)"', response.text)
    assert again and int(again.group(1)) == emma.revision
    resubmit = client.post(url("people:edit", emma), {**stale_form, "revision": emma.revision})
    assert resubmit.status_code == 302
    with scope(world.acme):
        emma.refresh_from_db()
        assert emma.title == "Typed by Hana"


def test_manager_loop_is_refused_with_message(world):
    maxm, emma = world.p_manager, world.p_employee
    client = world.client_for(world.hr)
    response = client.post(url("people:edit", maxm), _edit_data(maxm, manager=emma.public_id))
    assert response.status_code == 200
    assert "that would make a loop" in response.text
    assert "Emma Employee reports to Max Manager" in response.text
    with scope(world.acme):
        maxm.refresh_from_db()
        assert maxm.manager is None


def test_deactivate_and_reactivate(world):
    emma = world.p_employee
    client = world.client_for(world.hr)
    confirm = client.get(url("people:deactivate", emma)).text
    assert "can no longer log in" in confirm
    assert client.post(url("people:deactivate", emma)).status_code == 302
    with scope(world.acme):
        emma.refresh_from_db()
        assert not emma.is_active and emma.deactivated_at is not None
        assert not Membership.objects.get(user=world.employee).is_active
    assert world.client_for(world.employee).get(url("people:me")).status_code == 302
    assert "Deactivated" in client.get(url("people:detail", emma)).text
    assert "Emma Employee" not in client.get(url("people:org_chart")).text
    assert client.post(url("people:reactivate", emma)).status_code == 302
    with scope(world.acme):
        emma.refresh_from_db()
        assert emma.is_active
        assert Membership.objects.get(user=world.employee).is_active
        actions = list(
            AuditEntry.objects.filter(target_id=emma.public_id).values_list("action", flat=True)
        )
        assert "person.deactivated" in actions and "person.reactivated" in actions


def test_manager_with_reports_cannot_be_deactivated(world):
    client = world.client_for(world.hr)
    page = client.get(url("people:deactivate", world.p_manager)).text
    assert "Give each of them a new manager first" in page
    assert "Change Emma Employee's manager" in page
    response = client.post(url("people:deactivate", world.p_manager))
    assert response.status_code == 400
    assert "still manages people. Give them a new manager first" in response.text
    with scope(world.acme):
        world.p_manager.refresh_from_db()
        assert world.p_manager.is_active


# --- the org chart ----------------------------------------------------------------------


def test_org_chart_nests_reports(world):
    body = world.client_for(world.hr).get(url("people:org_chart")).text
    assert 'class="tree"' in body
    top = body.split('class="tree"')[1]
    # Max is at the top level with Emma nested under him.
    max_at = top.index("Max Manager")
    emma_at = top.index("Emma Employee")
    assert max_at < emma_at
    assert "<ul>" in top[max_at:emma_at]
    employee = world.client_for(world.employee).get(url("people:org_chart")).text
    assert "Emma Employee" in employee and "Olivia Owner" not in employee


def test_deactivating_withdraws_open_invitations(world):
    from accounts.models import Invitation
    from accounts.services import invite_person
    from organizations.scoping import scope
    from people.services import set_active

    with scope(world.acme):
        person = create_person_for_invite(world)
        invitation = invite_person(world.acme, person, role="member", actor=world.hr)
        set_active(person, actor=world.hr, active=False)
        invitation = Invitation.objects.get(pk=invitation.pk)
    assert invitation.revoked_at is not None and not invitation.is_pending


def create_person_for_invite(world):
    from people.services import create_person

    return create_person(world.acme, actor=world.hr, name="Ivy Invitee", email="ivy@acme.test")


def test_the_directory_pages_large_organizations(world, django_assert_max_num_queries):
    from organizations.scoping import scope
    from people.models import Person

    with scope(world.acme):
        Person.objects.bulk_create(
            Person(organization=world.acme, name=f"Zed {i:03}", email=f"zed{i}@acme.test")
            for i in range(120)
        )
    client = world.client_for(world.hr)
    with django_assert_max_num_queries(12):
        first = client.get("/people/?q=Zed").content.decode()
    assert "120 matches" in first and "Zed 099" in first and "Zed 100" not in first
    second = client.get("/people/?q=Zed&page=2").content.decode()
    assert "Zed 100" in second and "Zed 119" in second and "Page 2 of 2" in second


def test_linking_a_login_to_a_person_is_audited(acme_scope, world):
    from organizations.models import AuditEntry
    from organizations.services import create_user
    from people.services import create_person, ensure_person_for_user

    person = create_person(acme_scope, actor=world.hr, name="Lee Login", email="lee@acme.test")
    user = create_user("lee@acme.test", password=None, name="Lee Login")
    linked = ensure_person_for_user(acme_scope, user, actor=world.hr)
    assert linked.pk == person.pk and linked.user_id == user.pk
    entry = AuditEntry.objects.filter(action="person.login_linked").latest("id")
    assert entry.changes == {"user": [None, "lee@acme.test"]}
