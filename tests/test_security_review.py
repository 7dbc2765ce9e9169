"""Security review: cross-organization object references, roles, read-only trials,
escaping of user text, and the web-security basics.

The outsider (Olga, owner of Globex) is a legitimate HR user of *her* organization. These
tests POST Acme's public ids and uids into Globex's own forms: every one must be refused
(form error or 404) and nothing of Acme's may change or be linked from Globex.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from frameworks.models import FrameworkVersion
from frameworks.services import start_draft
from organizations.models import AuditEntry, Membership, Organization, Role
from organizations.scoping import scope, unscoped
from people.models import Person
from tests import access_routes
from tests.framework_fixtures import load, small_family
from tests.test_access_matrix import _kwargs, acme_fingerprint

pytestmark = pytest.mark.django_db


class Ladders:
    def __init__(self, world: Any) -> None:
        with scope(world.acme):
            v1 = load(world.acme, small_family(), actor=world.hr, publish=True)
            self.acme_family = v1.family
            self.acme_v1 = v1
            self.acme_draft = start_draft(v1.family, actor=world.hr)
            self.acme_level = self.acme_draft.levels.get(code="PM2")
            self.acme_published_level = v1.levels.get(code="PM2")
            self.acme_competency = self.acme_draft.competencies.get(name="Prioritization")
            self.acme_category = self.acme_draft.categories.get(name="Leadership")
        with scope(world.globex):
            g1 = load(world.globex, small_family("Globex PM"), actor=world.outsider, publish=True)
            self.globex_family = g1.family
            self.globex_v1 = g1
            self.globex_draft = start_draft(g1.family, actor=world.outsider)


@pytest.fixture
def ladders(world: Any) -> Ladders:
    return Ladders(world)


def _globex_people() -> list[Person]:
    with unscoped():
        return list(Person._base_manager.filter(organization__slug="globex"))


def _no_cross_links() -> None:
    """No Globex row points at an Acme row (manager, family, level)."""
    with unscoped():
        for p in Person._base_manager.select_related("manager", "job_family", "level").all():
            for other in (p.manager, p.job_family, p.level):
                if other is not None:
                    assert other.organization_id == p.organization_id, (p, other)


# --- people: add / edit ------------------------------------------------------------------


def test_people_add_refuses_another_orgs_manager_family_and_level(world, ladders):
    olga = world.client_for(world.outsider)
    before = acme_fingerprint(world.acme)
    count = len(_globex_people())
    for field, value in (
        ("manager", world.p_manager.public_id),
        ("job_family", ladders.acme_family.public_id),
        ("level", ladders.acme_published_level.public_id),
    ):
        response = olga.post(
            reverse("people:add"),
            {"name": "Mallory Cross", "email": f"mallory-{field}@globex.test", field: value},
        )
        assert response.status_code == 200, field  # the form again, with an error
        assert response.context["form"].errors.get(field), field
    assert len(_globex_people()) == count
    assert acme_fingerprint(world.acme) == before
    _no_cross_links()


def test_people_edit_refuses_another_orgs_manager_family_and_level(world, ladders):
    olga = world.client_for(world.outsider)
    me = world.p_outsider
    url = reverse("people:edit", kwargs={"person_id": me.public_id})
    base = {
        "name": me.name,
        "email": me.email,
        "revision": me.revision,
        "level_effective_date": "2026-01-01",
        "level_reason": "Test",
    }
    before = acme_fingerprint(world.acme)
    for field, value in (
        ("manager", world.p_manager.public_id),
        ("job_family", ladders.acme_family.public_id),
        ("level", ladders.acme_published_level.public_id),
    ):
        response = olga.post(url, {**base, field: value})
        assert response.status_code == 200, field
        assert response.context["form"].errors.get(field), field
    with scope(world.globex):
        me.refresh_from_db()
    assert (me.manager_id, me.job_family_id, me.level_id) == (None, None, None)
    assert acme_fingerprint(world.acme) == before
    _no_cross_links()


def test_level_options_and_directory_filters_ignore_another_orgs_ids(world, ladders):
    olga = world.client_for(world.outsider)
    response = olga.get(
        reverse("people:level_options"), {"job_family": ladders.acme_family.public_id}
    )
    assert response.status_code == 200
    assert ladders.acme_published_level.public_id.encode() not in response.content
    response = olga.get(reverse("people:list"), {"manager": world.p_manager.public_id})
    assert b"Emma" not in response.content


def test_people_csv_import_does_not_link_to_another_org(world, ladders):
    olga = world.client_for(world.outsider)
    csv = (
        "Name,Email,Manager email,Job family,Level\r\n"
        f"Mallory Cross,mallory@globex.test,{world.p_manager.email},Product Management,PM2\r\n"
    ).encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = olga.post(
        reverse("people:import"), {"file": SimpleUploadedFile("p.csv", csv, "text/csv")}
    )
    assert response.status_code == 302
    preview = olga.get(response["Location"])
    plan = preview.context["plan"]
    assert plan.errors, "an Acme manager e-mail and an Acme family must not be found"
    before = acme_fingerprint(world.acme)
    olga.post(response["Location"], {"digest": plan.digest})
    assert acme_fingerprint(world.acme) == before
    assert "mallory@globex.test" not in {p.email for p in _globex_people()}
    _no_cross_links()


# --- frameworks ------------------------------------------------------------------------


def test_start_draft_from_another_orgs_version_is_404(world, ladders):
    olga = world.client_for(world.outsider)
    with scope(world.globex):
        from frameworks.services import discard_draft

        discard_draft(ladders.globex_draft, actor=world.outsider)
    before = acme_fingerprint(world.acme)
    response = olga.post(
        reverse("frameworks:start_draft", kwargs={"family_id": ladders.globex_family.public_id}),
        {"from": ladders.acme_v1.public_id},
    )
    assert response.status_code == 404
    assert acme_fingerprint(world.acme) == before
    with unscoped():
        assert not FrameworkVersion._base_manager.filter(
            family=ladders.globex_family, status="draft"
        ).exists()


def test_diff_with_another_orgs_versions_is_404(world, ladders):
    olga = world.client_for(world.outsider)
    url = reverse("frameworks:diff", kwargs={"family_id": ladders.globex_family.public_id})
    response = olga.get(url, {"a": ladders.acme_v1.public_id, "b": ladders.globex_v1.public_id})
    assert response.status_code == 404
    response = olga.get(url, {"a": ladders.globex_v1.public_id, "b": ladders.acme_draft.public_id})
    assert response.status_code == 404


def test_lint_with_another_orgs_version_is_404(world, ladders):
    olga = world.client_for(world.outsider)
    response = olga.post(
        reverse("frameworks:lint"),
        {
            "text": "Ranks the backlog of one feature with the team.",
            "version": ladders.acme_draft.public_id,
            "competency": ladders.acme_competency.uid,
            "level": ladders.acme_level.uid,
        },
    )
    assert response.status_code == 404


def test_editor_endpoints_refuse_another_orgs_uids(world, ladders):
    """Globex's own family in the URL, Acme's level / competency / category uids."""
    olga = world.client_for(world.outsider)
    fam = ladders.globex_family.public_id
    rev = ladders.globex_draft.revision
    lv, comp, cat = (
        ladders.acme_level.uid,
        ladders.acme_competency.uid,
        ladders.acme_category.uid,
    )
    before = acme_fingerprint(world.acme)
    posts = [
        (
            reverse("frameworks:cell", args=[fam, comp, lv]),
            {"text": "Hacked", "revision": rev},
        ),
        (
            reverse("frameworks:level_edit", args=[fam, lv]),
            {"code": "HX", "title": "Hacked", "track": "shared", "rank": 1, "revision": rev},
        ),
        (reverse("frameworks:level_move", args=[fam, lv]), {"direction": "1", "revision": rev}),
        (reverse("frameworks:level_remove", args=[fam, lv]), {"revision": rev}),
        (
            reverse("frameworks:category_edit", args=[fam, cat]),
            {"name": "Hacked", "revision": rev},
        ),
        (reverse("frameworks:category_move", args=[fam, cat]), {"direction": "1", "revision": rev}),
        (reverse("frameworks:category_remove", args=[fam, cat]), {"revision": rev}),
        (
            reverse("frameworks:competency_edit", args=[fam, comp]),
            {"name": "Hacked", "revision": rev},
        ),
        (
            reverse("frameworks:competency_move", args=[fam, comp]),
            {"direction": "1", "revision": rev},
        ),
        (reverse("frameworks:competency_remove", args=[fam, comp]), {"revision": rev}),
    ]
    for url, data in posts:
        assert olga.get(url).status_code == 404, url
        assert olga.post(url, data).status_code == 404, url
    # a category uid of Acme's in Globex's "add a competency" form
    response = olga.post(
        reverse("frameworks:competency_add", args=[fam]),
        {"name": "Cross", "category": cat, "revision": rev},
    )
    assert response.status_code == 200
    assert response.context["form"].errors.get("category")
    assert acme_fingerprint(world.acme) == before
    with scope(world.globex):
        ladders.globex_draft.refresh_from_db()
        assert ladders.globex_draft.revision == rev


def test_onet_add_refuses_another_orgs_family(world, ladders):
    olga = world.client_for(world.outsider)
    before = acme_fingerprint(world.acme)
    response = olga.post(
        reverse("onet:add", kwargs={"element_id": "2.A.1.c"}),
        {"family": ladders.acme_family.public_id, "occupation": "11-2021.00"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors.get("family")
    assert acme_fingerprint(world.acme) == before


# --- organizations and invitations -------------------------------------------------------


def test_switch_to_an_organization_one_is_not_in_is_ignored(world):
    olga = world.client_for(world.outsider)
    olga.post(reverse("organizations:switch"), {"organization": world.acme.public_id})
    assert olga.session.get("active_org") != world.acme.public_id
    response = olga.get(reverse("people:list"))
    assert b"Emma Employee" not in response.content
    assert b"Olga Outsider" in response.content


def test_revoke_next_parameter_cannot_leave_the_site(world):
    from accounts.services import invite_by_email

    with scope(world.acme):
        invitation = invite_by_email(
            world.acme, email="ivy@acme.test", name="Ivy", role="member", actor=world.hr
        )
    hr = world.client_for(world.hr)
    for evil in ("https://evil.test/", "//evil.test/", "/\\evil.test/", "javascript:alert(1)"):
        response = hr.post(
            reverse("accounts:revoke_invitation", kwargs={"invitation_id": invitation.public_id}),
            {"next": evil},
        )
        assert response.status_code == 302
        assert "evil" not in response["Location"] and "javascript" not in response["Location"]


def test_invitation_token_is_stored_only_as_a_hash(world):
    from django.core import mail

    from accounts.models import Invitation
    from accounts.services import invite_by_email

    with scope(world.acme):
        with_commit = invite_by_email
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr("django.db.transaction.on_commit", lambda fn, *a, **k: fn())
            invitation = with_commit(
                world.acme, email="ivy@acme.test", name="Ivy", role="member", actor=world.hr
            )
    token = re.search(r"/accounts/invite/([^/\s]+)/", mail.outbox[-1].body).group(1)
    with unscoped():
        row = Invitation._base_manager.get(pk=invitation.pk)
    assert token not in repr([getattr(row, f.attname) for f in Invitation._meta.concrete_fields])
    assert len(row.token_hash) == 64


# --- roles --------------------------------------------------------------------------------


def test_hr_admin_cannot_deactivate_an_owner(world):
    """Deactivating a person also closes their login. An HR admin must not be able to
    lock the owner out (only owners change owners), and nobody may remove the last owner."""
    hr = world.client_for(world.hr)
    url = reverse("people:deactivate", kwargs={"person_id": world.p_owner.public_id})
    response = hr.post(url)
    assert response.status_code == 400
    with scope(world.acme):
        assert Membership.objects.get(user=world.owner).is_active
        world.p_owner.refresh_from_db()
        assert world.p_owner.is_active
    # the last owner cannot deactivate themselves either
    response = world.client_for(world.owner).post(url)
    assert response.status_code == 400
    with scope(world.acme):
        assert Membership.objects.get(user=world.owner).is_active


def test_owner_can_deactivate_another_owner(world):
    with scope(world.acme):
        Membership.objects.filter(user=world.hr).update(role=Role.OWNER)
    url = reverse("people:deactivate", kwargs={"person_id": world.p_hr.public_id})
    response = world.client_for(world.owner).post(url)
    assert response.status_code == 302
    with scope(world.acme):
        assert not Membership.objects.get(user=world.hr).is_active


# --- every admin page refuses members; every write refuses a read-only organization -------


@pytest.fixture
def acme_objects(world: Any) -> dict[str, Any]:
    built: dict[str, Any] = {}
    with scope(world.acme):
        for name, fn in access_routes.BUILDERS.items():
            built[name] = fn(world)
    return built


def _view_role(name: str) -> str | None:
    from django.urls import resolve

    route = access_routes.ROUTES[name]
    dummy = {param: "234567892345" for param in route.kwargs}
    try:
        url = reverse(name, kwargs=dummy)
    except Exception:
        return None
    return getattr(resolve(url).func, "org_role", None)


ADMIN_ROUTES = sorted(
    n
    for n, r in access_routes.ROUTES.items()
    if r.kind in ("tenant", "catalog") and _view_role(n) in (Role.HR_ADMIN, Role.OWNER)
)
OWNER_ROUTES = sorted(n for n in ADMIN_ROUTES if _view_role(n) == Role.OWNER)


def test_admin_routes_were_found():
    assert len(ADMIN_ROUTES) > 30
    assert "people:edit" in ADMIN_ROUTES and "frameworks:cell" in ADMIN_ROUTES
    assert "organizations:change_role" in OWNER_ROUTES


@pytest.mark.parametrize("name", ADMIN_ROUTES)
def test_members_get_403_on_admin_routes(name: str, world: Any, acme_objects: dict[str, Any]):
    route = access_routes.ROUTES[name]
    url = reverse(name, kwargs=_kwargs(route, acme_objects))
    before = acme_fingerprint(world.acme)
    users = [world.employee, world.manager]
    if name in OWNER_ROUTES:
        users.append(world.hr)
    for user in users:
        client = world.client_for(user)
        assert client.get(url).status_code in (403, 405), f"GET {url} as {user}"
        response = client.post(url, {"name": "Hacked", "text": "Hacked", "note": "Hacked"})
        assert response.status_code in (403, 405), f"POST {url} as {user}"
    assert acme_fingerprint(world.acme) == before


# change nothing of Acme's; paying (checkout, the billing portal) is how a read-only
# organization gets its changes back
READ_ONLY_ALLOWED = {
    "organizations:switch",
    "frameworks:lint",
    "billing:checkout",
    "billing:portal",
}
# Revoking an API token only closes access, so a read-only organization may still do it
# (tests/api/test_token_pages.py checks it).
READ_ONLY_ALLOWED.add("api_tokens:revoke")


@pytest.mark.parametrize(
    "name",
    sorted(
        n
        for n, r in access_routes.ROUTES.items()
        if r.kind in ("tenant", "catalog") and n not in READ_ONLY_ALLOWED
    ),
)
def test_read_only_organization_refuses_every_post(
    name: str, world: Any, acme_objects: dict[str, Any]
):
    route = access_routes.ROUTES[name]
    url = reverse(name, kwargs=_kwargs(route, acme_objects))
    with unscoped():
        Organization.objects.filter(pk=world.acme.pk).update(
            trial_ends_at=timezone.now() - timedelta(days=1)
        )
    before = acme_fingerprint(world.acme)
    response = world.client_for(world.owner).post(
        url, {"name": "Hacked", "text": "Hacked", "note": "Hacked", "revision": 0}
    )
    assert response.status_code in (302, 403, 405), f"POST {url} → {response.status_code}"
    if response.status_code == 302:  # only a redirect to log in or to another page
        assert acme_fingerprint(world.acme) == before
    assert acme_fingerprint(world.acme) == before


# --- escaping of user text -----------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
RAW = [b"<script>alert(1)", b"<img src=x onerror"]


def test_user_text_is_escaped_everywhere(world):
    """Names and statements typed by HR (or imported) never become markup."""
    from frameworks.schema import CompetencyData, FamilyData, LevelData, StatementData
    from frameworks.services import apply_family_data, publish_draft
    from people.services import update_person

    with scope(world.acme):
        data = FamilyData(
            name=f"Fam {SCRIPT}{IMG}",
            description=f"Desc {SCRIPT}{IMG}",
            levels=[
                LevelData("L1", f"Lvl {SCRIPT}{IMG}", 1, summary=f"Sum {IMG}"),
                LevelData("L2", f"Two {IMG}", 2, key_question=f"Q {SCRIPT}"),
            ],
            competencies=[
                CompetencyData(
                    f"Comp {SCRIPT}{IMG}",
                    category=f"Cat {SCRIPT}{IMG}",
                    description=f"CD {IMG}",
                    statements={
                        "L1": [StatementData(f"Does {SCRIPT}{IMG}")],
                        "L2": [StatementData(f"Leads {IMG}{SCRIPT}")],
                    },
                )
            ],
        )
        v1 = publish_draft(
            apply_family_data(world.acme, data, actor=world.hr), actor=world.hr, note=IMG
        )
        draft = start_draft(v1.family, actor=world.hr)
        level = v1.levels.get(code="L1")
        for person in (world.p_employee, world.p_manager):
            person.refresh_from_db()
            update_person(
                person,
                actor=world.hr,
                expected_revision=None,
                name=f"{person.name} {SCRIPT}{IMG}",
                title=f"Title {IMG}",
                job_family=v1.family,
                level=level,
            )
        comp = draft.competencies.get().uid
        lv = draft.levels.get(code="L1").uid
    fam = v1.family.public_id
    emma = world.p_employee.public_id
    admin_pages = [
        reverse("dashboard"),
        reverse("people:list"),
        reverse("people:detail", args=[emma]),
        reverse("people:edit", args=[emma]),
        reverse("people:deactivate", args=[emma]),
        reverse("people:org_chart"),
        reverse("frameworks:index"),
        reverse("frameworks:family", args=[fam]),
        reverse("frameworks:version", args=[v1.public_id]),
        reverse("frameworks:editor", args=[fam]),
        reverse("frameworks:diff", args=[fam]) + f"?a={v1.public_id}&b={draft.public_id}",
        reverse("frameworks:publish", args=[fam]),
        reverse("frameworks:discard_draft", args=[fam]),
        reverse("frameworks:lint_report", args=[v1.public_id]),
        reverse("frameworks:cell", args=[fam, comp, lv]) + "?edit=1",
        reverse("frameworks:level_edit", args=[fam, lv]),
        reverse("frameworks:competency_edit", args=[fam, comp]),
        reverse("frameworks:person_ladder", args=[emma]),
        reverse("frameworks:library"),
        reverse("organizations:audit_log"),
        reverse("organizations:members"),
        reverse("accounts:invitations"),
        reverse("onet:add", args=["2.A.1.c"]),
    ]
    member_pages = [
        reverse("dashboard"),
        reverse("people:team"),
        reverse("people:me"),
        reverse("people:detail", args=[emma]),
        reverse("people:org_chart"),
        reverse("frameworks:my_ladder"),
        reverse("frameworks:person_ladder", args=[emma]),
    ]
    checked = 0
    for user, pages in ((world.hr, admin_pages), (world.manager, member_pages)):
        client = world.client_for(user)
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, f"GET {url} → {response.status_code}"
            for raw in RAW:
                assert raw not in response.content, f"{url} shows unescaped {raw!r}"
            checked += b"&lt;script&gt;alert(1)" in response.content
    assert checked >= len(admin_pages) + len(member_pages) - 6  # the payload really shows


def test_security_headers_on_every_page(world):
    response = world.client_for(world.hr).get(reverse("people:list"))
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    scripts = re.findall(rb"<script[^>]*>", response.content)
    assert scripts and all(f'nonce="{nonce}"'.encode() in s for s in scripts)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"onclick=" not in response.content and b' style="' not in response.content


def test_no_debug_pages_for_missing_urls(world, settings):
    settings.DEBUG = False
    response = world.client_for(world.hr).get("/people/zzzzzzzzzzzz/")
    assert response.status_code == 404
    assert b"Traceback" not in response.content and b"URLconf" not in response.content


def test_reinvited_former_owner_gets_the_invited_role_not_the_old_one(world):
    """A former owner whose login was closed, invited back as a member, is a member."""
    from accounts.services import accept_invitation, invite_person
    from people.services import create_person, set_active, update_person

    with scope(world.acme):
        Membership.objects.filter(user=world.hr).update(role=Role.OWNER)
        set_active(world.p_hr, actor=world.owner, active=False)
        assert not Membership.objects.get(user=world.hr).is_active
        world.p_hr.refresh_from_db()
        update_person(
            world.p_hr, actor=world.owner, expected_revision=None, email="old-hana@acme.test"
        )
        again = create_person(world.acme, actor=world.owner, name="Hana", email="hana@acme.test")
        with pytest.MonkeyPatch.context() as mp:
            tokens: list[str] = []
            mp.setattr(
                "accounts.models.Invitation.new_token",
                lambda: tokens.append("t" * 43) or tokens[-1],
            )
            invite_person(world.acme, again, role=Role.MEMBER, actor=world.owner)
    accept_invitation("t" * 43, user=world.hr)
    with scope(world.acme):
        membership = Membership.objects.get(user=world.hr)
        assert membership.is_active
        assert membership.role == Role.MEMBER
        assert AuditEntry.objects.filter(
            action__startswith="membership.", target_id=membership.public_id
        ).exists()


# --- concurrency --------------------------------------------------------------------------


def test_discarding_a_draft_someone_edited_since_is_refused(world, ladders):
    """The discard page names the draft revision it showed; edits made after it are not
    thrown away by a confirmation given before them."""
    from frameworks import services

    hr = world.client_for(world.hr)
    fid = ladders.acme_family.public_id
    page = hr.get(reverse("frameworks:discard_draft", args=[fid]))
    shown = re.search(rb'name="revision" value="(\d+)"', page.content)
    assert shown, "the discard form carries the draft revision"
    with scope(world.acme):
        services.edit_cell(
            ladders.acme_draft,
            competency_uid=ladders.acme_competency.uid,
            level_uid=ladders.acme_level.uid,
            text="Written by Olivia meanwhile.",
            evidence=[],
            actor=world.owner,
            expected_revision=None,
        )
    response = hr.post(
        reverse("frameworks:discard_draft", args=[fid]), {"revision": shown.group(1).decode()}
    )
    assert response.status_code == 302
    with scope(world.acme):
        assert services.current_draft(ladders.acme_family) is not None
    follow = hr.get(response["Location"])
    assert b"Someone else changed this draft" in follow.content
    # with the current revision it is discarded
    page = hr.get(reverse("frameworks:discard_draft", args=[fid]))
    current = re.search(rb'name="revision" value="(\d+)"', page.content).group(1).decode()
    hr.post(reverse("frameworks:discard_draft", args=[fid]), {"revision": current})
    with scope(world.acme):
        assert services.current_draft(ladders.acme_family) is None


def test_using_a_template_does_not_replace_a_draft_changed_since_the_confirmation(world):
    from frameworks import services
    from frameworks.library import start_from_template

    hr = world.client_for(world.hr)
    url = reverse("frameworks:template_use", args=["product-management"])
    page = hr.get(url)
    shown = re.search(rb'name="draft_state" value="([^"]*)"', page.content).group(1).decode()
    assert shown == "none"
    with scope(world.acme):  # meanwhile Olivia loads the template and writes in the draft
        draft = start_from_template(world.acme, "product-management", actor=world.owner)
        level = draft.levels.order_by("rank").first()
        comp = draft.competencies.order_by("position").first()
        services.edit_cell(
            draft,
            competency_uid=comp.uid,
            level_uid=level.uid,
            text="Olivia's own words.",
            evidence=[],
            actor=world.owner,
            expected_revision=None,
        )
    response = hr.post(url, {"draft_state": shown})
    assert response.status_code == 400
    assert b"Someone changed this job family" in response.content
    with scope(world.acme):
        texts = list(draft.statements.values_list("text", flat=True))
    assert "Olivia's own words." in texts
    # confirming the current state replaces it, as the page says
    page = hr.get(url)
    shown = re.search(rb'name="draft_state" value="([^"]*)"', page.content).group(1).decode()
    assert hr.post(url, {"draft_state": shown}).status_code == 302


# --- the isolation test with payloads that really write ------------------------------------


def _realistic_payloads(world: Any, objs: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per write route with an Acme object in the URL: form data that changes Acme's data
    when Acme's owner sends it. The outsider sends the very same data."""
    from people.imports import plan_import

    rev = objs["draft"].revision
    with scope(world.acme):
        emma = Person.objects.get(pk=world.p_employee.pk)
        staged = objs["people_import"]
        digest = plan_import(staged.header, staged.rows).digest
    level = {"code": "PM2", "title": "Changed", "track": "shared", "rank": 2, "revision": rev}
    return {
        "people:edit": {
            "name": "Emma Renamed",
            "email": emma.email,
            "manager": world.p_manager.public_id,
            "revision": emma.revision,
            "level_effective_date": "2026-01-01",
        },
        "people:deactivate": {},
        "people:import_preview": {"digest": digest},
        "accounts:revoke_invitation": {},
        "organizations:change_role": {"role": "member"},
        "frameworks:discard_draft": {"revision": rev},
        "frameworks:publish": {"note": "Second version", "revision": rev},
        "frameworks:level_add": {**level, "code": "PM9", "rank": 9, "track": "ic"},
        "frameworks:category_add": {"name": "New category", "revision": rev},
        "frameworks:competency_add": {"name": "New competency", "revision": rev},
        "frameworks:cell": {"text": "A new statement.", "revision": rev},
        "frameworks:level_edit": level,
        "frameworks:level_move": {"direction": "1", "revision": rev},
        "frameworks:level_remove": {"revision": rev},
        "frameworks:category_edit": {"name": "Renamed", "revision": rev},
        "frameworks:category_move": {"direction": "-1", "revision": rev},
        "frameworks:category_remove": {"revision": rev},
        "frameworks:competency_edit": {"name": "Renamed", "revision": rev},
        "frameworks:competency_move": {"direction": "1", "revision": rev},
        "frameworks:competency_remove": {"revision": rev},
    }


WRITE_ROUTES = [
    "people:edit",
    "people:deactivate",
    "people:import_preview",
    "accounts:revoke_invitation",
    "organizations:change_role",
    "frameworks:discard_draft",
    "frameworks:publish",
    "frameworks:level_add",
    "frameworks:category_add",
    "frameworks:competency_add",
    "frameworks:cell",
    "frameworks:level_edit",
    "frameworks:level_move",
    "frameworks:level_remove",
    "frameworks:category_edit",
    "frameworks:category_move",
    "frameworks:category_remove",
    "frameworks:competency_edit",
    # competency_move is left out: the builder's competency is alone in its category
    "frameworks:competency_remove",
]


@pytest.mark.parametrize("name", WRITE_ROUTES)
def test_outsider_payload_would_write_for_the_owner(
    name: str, world: Any, acme_objects: dict[str, Any]
):
    """The outsider's refused POST carries data that does change Acme when the owner
    sends it, so the 404 in the isolation test is what stops it."""
    route = access_routes.ROUTES[name]
    url = reverse(name, kwargs=_kwargs(route, acme_objects))
    payload = _realistic_payloads(world, acme_objects)[name]
    before = acme_fingerprint(world.acme)
    response = world.client_for(world.outsider).post(url, payload)
    assert response.status_code == 404, f"POST {url} → {response.status_code}"
    assert acme_fingerprint(world.acme) == before
    world.client_for(world.owner).post(url, payload)
    assert acme_fingerprint(world.acme) != before, f"the payload for {name} changes nothing"


def test_membership_and_login_link_services_refuse_a_read_only_organization(world):
    from organizations.models import ReadOnlyOrganization
    from organizations.services import add_member, create_user
    from people.services import create_person, ensure_person_for_user

    newcomer = create_user("nico@acme.test", password=None, name="Nico New")
    with scope(world.acme):
        create_person(world.acme, actor=world.hr, name="Nico New", email="nico@acme.test")
        Organization.objects.filter(pk=world.acme.pk).update(
            trial_ends_at=timezone.now() - timedelta(days=1)
        )
        world.acme.refresh_from_db()
        before = acme_fingerprint(world.acme)
        with pytest.raises(ReadOnlyOrganization):
            add_member(world.acme, newcomer, role=Role.MEMBER, actor=world.owner)
        with pytest.raises(ReadOnlyOrganization):
            ensure_person_for_user(world.acme, newcomer, actor=world.owner)
    assert acme_fingerprint(world.acme) == before


# --- logging in -----------------------------------------------------------------------------


def test_login_rotates_the_session_and_ignores_offsite_next(world, client):
    from tests.conftest import PASSWORD

    client.get(reverse("account_login"))
    session = client.session
    session["planted"] = "x"
    session.save()
    planted_key = session.session_key
    for evil in ("https://evil.test/", "//evil.test/x", "/\\evil.test"):
        response = client.post(
            reverse("account_login") + f"?next={evil}",
            {"login": "hana@acme.test", "password": PASSWORD, "next": evil},
        )
        assert response.status_code == 302
        assert "evil" not in response["Location"], response["Location"]
        assert client.session.session_key != planted_key
        client.post(reverse("account_logout"))


def test_password_reset_answers_alike_for_known_and_unknown_addresses(world, client):
    known = client.post(reverse("account_reset_password"), {"email": "emma@acme.test"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@acme.test"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])


def test_lint_endpoint_work_is_bounded(world, ladders, django_assert_max_num_queries):
    """Anyone can sign up and be an HR admin; a huge POST must not cost a query per line."""
    hr = world.client_for(world.hr)
    text = "\n".join(f"Writes update number {i} for the team." for i in range(3000))
    with django_assert_max_num_queries(40):
        response = hr.post(
            reverse("frameworks:lint"),
            {
                "text": text,
                "version": ladders.acme_draft.public_id,
                "competency": ladders.acme_competency.uid,
                "level": ladders.acme_level.uid,
            },
        )
    assert response.status_code == 200


def test_invitation_mail_subject_is_one_line_whatever_the_names(
    world, django_capture_on_commit_callbacks
):
    from django.core import mail

    from accounts.services import invite_by_email
    from organizations.services import update_settings

    with scope(world.acme):
        update_settings(
            world.acme,
            actor=world.owner,
            name="Acme\r\nBcc: victim@example.test",
            require_mfa_for_admins=False,
        )
        with django_capture_on_commit_callbacks(execute=True):
            invite_by_email(
                world.acme, email="ivy@acme.test", name="Ivy", role="member", actor=world.hr
            )
    message = mail.outbox[-1]
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.to == ["ivy@acme.test"] and not message.bcc
    with scope(world.acme):
        world.acme.refresh_from_db()
    assert world.acme.name == "Acme Bcc: victim@example.test"


def test_a_person_with_a_login_is_not_invited_again_under_another_address(world):
    """Otherwise whoever accepts takes over the directory entry (and ladder, and team)
    of the person who already logs in."""
    from accounts.services import InvitationError, invite_person
    from people.services import update_person

    with scope(world.acme):
        update_person(
            world.p_manager,
            actor=world.hr,
            expected_revision=None,
            email="max.private@elsewhere.test",
        )
        world.p_manager.refresh_from_db()
        with pytest.raises(InvitationError):
            invite_person(world.acme, world.p_manager, role=Role.MEMBER, actor=world.hr)


def test_deactivating_someone_makes_an_import_preview_stale(world):
    """The xlsx import applies only what its preview showed; the preview's fingerprint
    must notice a deactivation made in between."""
    from people.services import set_active, update_person
    from spreadsheets.services import fingerprint

    with scope(world.acme):
        for title in ("CEO", "Chief executive"):  # Olivia's revision is now the highest
            update_person(world.p_owner, actor=world.owner, expected_revision=None, title=title)
        before = fingerprint()
        set_active(Person.objects.get(pk=world.p_hr.pk), actor=world.owner, active=False)
        assert fingerprint() != before


# --- audit ------------------------------------------------------------------------------


def test_editor_audit_entries_keep_before_and_after(world, ladders):
    from frameworks import services

    draft = ladders.acme_draft
    with scope(world.acme):
        services.edit_cell(
            draft,
            competency_uid=ladders.acme_competency.uid,
            level_uid=ladders.acme_level.uid,
            text="Ranks a feature backlog alone.",
            evidence=[],
            actor=world.hr,
            expected_revision=None,
        )
        entry = AuditEntry.objects.filter(action="framework.statement_edited").first()
        assert entry.changes == {"statements": [[], ["Ranks a feature backlog alone."]]}
        services.update_level(
            draft, ladders.acme_level.uid, actor=world.hr, expected_revision=None, title="PM"
        )
        entry = AuditEntry.objects.filter(action="framework.level_edited").first()
        assert entry.changes == {"title": ["Product Manager", "PM"]}
        services.update_competency(
            draft,
            ladders.acme_competency.uid,
            actor=world.hr,
            expected_revision=None,
            name="Ranking",
        )
        entry = AuditEntry.objects.filter(action="framework.competency_edited").first()
        assert entry.changes == {"name": ["Prioritization", "Ranking"]}


# --- CSRF -------------------------------------------------------------------------------


def test_no_view_is_exempt_from_csrf():
    """Except machine endpoints that authenticate only by an Authorization header (SCIM's
    bearer token, kind "bearer" in access_routes): a browser's cookies give no access
    there (tests/sso/test_scim.py::test_a_browser_session_is_not_a_scim_login); and
    allauth's SAML endpoints, which identity providers post to from another site: the
    signed SAML message is their protection (tests/sso/test_sign_in.py::test_saml_*)."""
    from tests.access_routes import ROUTES
    from tests.test_access_matrix import all_patterns

    # Stripe's webhook cannot carry a CSRF token: its signature (checked with the endpoint's
    # secret, tests/billing/test_billing.py) is what makes a POST to it trusted.
    signed_instead = {"billing:webhook"}
    exempt = [
        name
        for name, cb, _p in all_patterns()
        if getattr(cb, "csrf_exempt", False)
        and getattr(ROUTES.get(name), "kind", "") != "bearer"
        and name not in {"saml_acs", "saml_sls"}
        and name not in signed_instead
        and not name.startswith("api:")  # the API: bearer tokens only, never the session
    ]
    assert not exempt


def test_posts_without_the_csrf_token_are_refused(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.hr)
    before = acme_fingerprint(world.acme)
    for url, data in (
        (reverse("people:add"), {"name": "Csrf Victim", "email": "csrf@acme.test"}),
        (
            reverse("people:deactivate", args=[world.p_employee.public_id]),
            {},
        ),
        (reverse("frameworks:family_new"), {"name": "Csrf family"}),
        (reverse("accounts:invitations"), {"email": "x@acme.test", "name": "X", "role": "member"}),
    ):
        assert client.post(url, data).status_code == 403, url
    assert acme_fingerprint(world.acme) == before


def test_hr_admin_cannot_reactivate_an_owner_an_owner_removed(world):
    from people.services import set_active

    with scope(world.acme):
        Membership.objects.filter(user=world.manager).update(role=Role.OWNER)
        set_active(Person.objects.get(pk=world.p_employee.pk), actor=world.owner, active=False)
        set_active(Person.objects.get(pk=world.p_manager.pk), actor=world.owner, active=False)
    url = reverse("people:reactivate", kwargs={"person_id": world.p_manager.public_id})
    assert world.client_for(world.hr).post(url).status_code == 400
    with scope(world.acme):
        assert not Membership.objects.get(user=world.manager).is_active
    assert world.client_for(world.owner).post(url).status_code == 302
    with scope(world.acme):
        assert Membership.objects.get(user=world.manager).is_active


def test_loading_a_draft_that_renames_the_family_is_audited(world, ladders):
    from frameworks.services import apply_family_data

    data = small_family("Product Management")
    data.description = "Changed by an import."
    with scope(world.acme):
        apply_family_data(world.acme, data, actor=world.hr, family=ladders.acme_family)
        entry = AuditEntry.objects.filter(action="framework.draft_loaded").first()
    assert entry.changes == {"family_description": ["", "Changed by an import."]}


# --- uploads ----------------------------------------------------------------------------


def test_an_oversized_upload_is_refused_before_it_is_stored(world, settings, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.files.uploadhandler import (
        MemoryFileUploadHandler,
        TemporaryFileUploadHandler,
    )

    settings.MAX_UPLOAD_REQUEST_BYTES = 64 * 1024
    stored: list[int] = []
    originals = {
        MemoryFileUploadHandler: MemoryFileUploadHandler.new_file,
        TemporaryFileUploadHandler: TemporaryFileUploadHandler.new_file,
    }

    def spy(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        stored.append(1)
        return originals[type(self)](self, *args, **kwargs)

    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", spy)
    monkeypatch.setattr(MemoryFileUploadHandler, "new_file", spy)
    hr = world.client_for(world.hr)
    big = SimpleUploadedFile("p.csv", b"Name,Email\r\n" + b"x" * (200 * 1024), "text/csv")
    response = hr.post(reverse("people:import"), {"file": big})
    assert response.status_code == 400
    assert not stored
    assert b"Nothing was saved" in response.content
    small = SimpleUploadedFile("p.csv", b"Name,Email\r\nNina,nina@acme.test\r\n", "text/csv")
    assert hr.post(reverse("people:import"), {"file": small}).status_code == 302


def test_people_services_refuse_objects_of_another_organization(world, ladders):
    """Defence in depth: even a caller that skips the scoped forms cannot link Acme's
    people to Globex's people, families or levels."""
    from people.services import PersonError, create_person, update_person

    with scope(world.globex):
        g_level = ladders.globex_v1.levels.get(code="PM2")
    with scope(world.acme):
        emma = Person.objects.get(pk=world.p_employee.pk)
        for fields in (
            {"manager": world.p_outsider},
            {"job_family": ladders.globex_family},
            {"job_family": ladders.globex_family, "level": g_level},
        ):
            with pytest.raises(PersonError):
                create_person(
                    world.acme, actor=world.hr, name="Cross", email="cross@acme.test", **fields
                )
            with pytest.raises(PersonError):
                update_person(emma, actor=world.hr, expected_revision=None, **fields)
    _no_cross_links()


def test_services_refuse_a_person_or_version_of_another_organization(world, ladders):
    from accounts.services import InvitationError, invite_person
    from frameworks.services import FrameworkError, discard_draft

    with scope(world.globex):
        discard_draft(ladders.globex_draft, actor=world.outsider)
        with pytest.raises(FrameworkError):
            start_draft(ladders.globex_family, actor=world.outsider, from_version=ladders.acme_v1)
        with pytest.raises(InvitationError):
            invite_person(world.globex, world.p_employee, role=Role.MEMBER, actor=world.outsider)
    with unscoped():
        assert not FrameworkVersion._base_manager.filter(
            family=ladders.globex_family, status="draft"
        ).exists()


def test_invitation_mail_is_capped_per_organization_and_hour(world, settings):
    from accounts.services import InvitationError, invite_by_email

    settings.INVITATIONS_PER_HOUR = 3
    with scope(world.acme):
        for n in range(3):
            invite_by_email(
                world.acme,
                email=f"ivy{n}@elsewhere.test",
                name="Ivy",
                role="member",
                actor=world.hr,
            )
        with pytest.raises(InvitationError, match="invitations in the last hour"):
            invite_by_email(
                world.acme, email="ivy9@elsewhere.test", name="Ivy", role="member", actor=world.hr
            )
    with scope(world.globex):  # another organization is not affected
        invite_by_email(
            world.globex,
            email="ivy@elsewhere.test",
            name="Ivy",
            role="member",
            actor=world.outsider,
        )


def test_publishing_a_renamed_level_adds_to_the_level_history_of_its_people(world, ladders):
    from frameworks import services
    from people.models import LevelChange
    from people.services import update_person

    with scope(world.acme):
        emma = Person.objects.get(pk=world.p_employee.pk)
        update_person(
            emma,
            actor=world.hr,
            expected_revision=None,
            job_family=ladders.acme_family,
            level=ladders.acme_published_level,
            level_effective_date=None,
        )
        max_ = Person.objects.get(pk=world.p_manager.pk)
        update_person(
            max_,
            actor=world.hr,
            expected_revision=None,
            job_family=ladders.acme_family,
            level=ladders.acme_v1.levels.get(code="PM1"),
        )
        before = LevelChange.objects.count()
        services.update_level(
            ladders.acme_draft,
            ladders.acme_level.uid,
            actor=world.hr,
            expected_revision=None,
            title="Product Manager II",
        )
        services.publish_draft(ladders.acme_draft, actor=world.hr, note="Renamed PM2")
        emma.refresh_from_db()
        assert emma.level.title == "Product Manager II"
        added = list(LevelChange.objects.order_by("-id")[: LevelChange.objects.count() - before])
    assert [(c.person_id, c.level_code, c.level_title) for c in added] == [
        (emma.pk, "PM2", "Product Manager II")
    ]
    assert "renamed" in added[0].reason
