"""Erasing a person keeps only what must be kept — decided promotions, colleagues'
reviews, the audit trail — under a pseudonym, deletes the rest, says what and why, and
fails whole rather than leave anything behind."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from api.models import ApiToken
from datarights import erasure
from fairness.models import DemographicAnswer
from growth.models import ActionItem, CareerConversation
from organizations.models import AuditEntry, Membership, Role
from organizations.scoping import scope
from organizations.services import add_member
from people.models import LevelChange, Person
from people.services import set_active
from promotions.models import CaseStatement, PromotionCase
from reviews.models import FormItem, Participant, ReviewForm
from tests.datarights.factories import rich_emma

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich(acme_scope, world):
    return rich_emma(world)


def _leave(person, world):
    set_active(person, actor=world.hr, active=False)
    person.refresh_from_db()
    return person


def _mentions(text: str) -> int:
    return sum(
        text.lower() in (e.actor_label + e.target_label + str(e.changes) + str(e.data)).lower()
        for e in AuditEntry.objects.all()
    )


def test_an_active_person_or_oneself_is_not_erased(rich, world):
    assert "Deactivate Emma Employee first" in erasure.refusal(rich.team.emma, world.hr)
    with pytest.raises(erasure.ErasureRefused):
        erasure.erase_person(rich.team.emma, actor=world.hr)


def test_erasing_emma_deletes_her_data_and_keeps_the_decided_promotion_under_a_pseudonym(
    rich, world
):
    emma = _leave(rich.team.emma, world)
    user_id = emma.user_id
    plan = erasure.plan_erasure(emma)
    deleted = {line.label for line in plan.deleted}
    kept = {line.label for line in plan.kept}
    assert {"Review forms", "Action items", "Career conversations", "Level history",
            "Volunteered demographic answers", "API tokens", "Memberships"} <= deleted  # fmt: skip
    assert {"Promotion cases", "Promotion case statements"} <= kept
    assert all(line.reason for line in plan.lines)
    audit_before = AuditEntry.objects.count()

    erasure.erase_person(emma, actor=world.hr)

    emma.refresh_from_db()
    assert emma.name == plan.pseudonym and emma.name.startswith("Erased person ")
    assert emma.email.endswith("@erased.invalid") and emma.user_id is None and emma.erased_at
    assert not get_user_model().objects.filter(pk=user_id).exists()
    assert not Membership.objects.filter(user_id=user_id).exists()
    assert not Participant.objects.filter(person=emma).exists()
    assert not ReviewForm.objects.filter(participant__person=emma).exists()
    assert not FormItem.objects.filter(form__participant__person=emma).exists()
    assert not ActionItem.objects.filter(person=emma).exists()
    assert not CareerConversation.objects.filter(person=emma).exists()
    assert not LevelChange.objects.filter(person=emma).exists()
    assert not ApiToken.objects.filter(user_id=user_id).exists()
    assert not DemographicAnswer._base_manager.filter(person=emma).exists()
    case = PromotionCase.objects.get(pk=rich.case.pk)
    assert case.status == "decided" and case.person_id == emma.pk
    assert CaseStatement.objects.filter(case=case).exists()
    # the kept record of the decision names the pseudonym, not her
    kept_text = json.dumps(case.record) + case.rationale + case.summary
    kept_text += " ".join(
        CaseStatement.objects.filter(case=case).values_list("argument", flat=True)
    )
    assert "Emma" not in kept_text, re.findall(r".{80}Emma.{40}", kept_text)
    assert plan.pseudonym in json.dumps(case.record)
    # the audit trail: every entry is still there, none names her
    assert AuditEntry.objects.count() == audit_before + 1
    assert _mentions("Emma Employee") == 0 and _mentions("emma@acme.test") == 0
    assert AuditEntry.objects.filter(pseudonymised__gt=0).exists()
    entry = AuditEntry.objects.get(action="person.erased")
    assert entry.target_label == plan.pseudonym and entry.data["login"] == "deleted"
    assert any(k.startswith("Promotion cases: 1") for k in entry.data["kept"])
    # colleagues keep their data
    assert Person.objects.filter(pk=world.p_manager.pk, name="Max Manager").exists()


def test_erasing_the_manager_keeps_the_reviews_he_wrote_under_his_pseudonym(rich, world):
    emma = rich.team.emma
    max_ = world.p_manager
    # Emma moves to HR's team so that Max can leave
    from people.services import update_person

    update_person(emma, actor=world.hr, expected_revision=None, manager=world.p_hr)
    for peer in rich.team.peers:
        update_person(peer, actor=world.hr, expected_revision=None, manager=world.p_hr)
    max_ = _leave(max_, world)
    forms_before = ReviewForm.objects.filter(reviewer=max_).count()
    erasure.erase_person(max_, actor=world.hr)
    max_.refresh_from_db()
    assert ReviewForm.objects.filter(reviewer=max_).count() == forms_before > 0
    assert Participant.objects.filter(person=emma, manager=max_).exists()
    case = PromotionCase.objects.get(pk=rich.case.pk)
    assert case.manager_id is None  # cleared on a decided case: the database allows it
    assert ActionItem.objects.filter(person=emma).exists()  # her plan is hers
    assert _mentions("Max Manager") == 0


def test_a_login_used_in_another_organization_is_kept(rich, world):
    with scope(world.globex):  # a write for Globex happens in Globex's scope
        add_member(world.globex, world.employee, role=Role.MEMBER, actor=world.outsider)
    emma = _leave(rich.team.emma, world)
    plan = erasure.erase_person(emma, actor=world.hr)
    assert not plan.login_deleted and "1 other organization" in plan.login_kept_reason
    assert get_user_model().objects.filter(pk=world.employee.pk).exists()
    assert list(Membership._base_manager.filter(user=world.employee).values_list(
        "organization__slug", flat=True)) == ["globex"]  # fmt: skip


def test_a_forgotten_child_row_fails_the_whole_erasure(rich, world, monkeypatch):
    """If a declaration forgot rows that point at deleted ones, the database's key check
    refuses before commit and nothing is erased."""
    from datarights import registry

    emma = _leave(rich.team.emma, world)
    items = registry._registry["reviews.FormItem"]
    monkeypatch.setitem(
        registry._registry, "reviews.FormItem", registry.Declaration(items.label, items.model_label)
    )
    with pytest.raises((DatabaseError, Exception)), transaction.atomic():
        erasure.erase_person(emma, actor=world.hr)
    emma.refresh_from_db()
    assert emma.name == "Emma Employee" and emma.erased_at is None


def test_the_audit_log_still_refuses_other_changes(rich, world):
    entry = AuditEntry.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE organizations_auditentry SET action = 'x' WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE organizations_auditentry SET target_label = 'x' WHERE id = %s", [entry.pk]
        )


def test_the_confirmation_page_lists_deleted_and_kept_and_needs_the_box(rich, world):
    emma = _leave(rich.team.emma, world)
    client = world.client_for(world.hr)
    url = reverse("datarights:person_erase", args=[emma.public_id])
    page = client.get(url).content.decode()
    assert "Deleted" in page and "Kept, and why" in page and "decided promotion" in page
    refused = client.post(url, {})
    assert refused.status_code == 400 and "Tick the box" in refused.content.decode()
    emma.refresh_from_db()
    assert emma.erased_at is None
    done = client.post(url, {"confirm": "yes"})
    assert done.status_code == 302
    emma.refresh_from_db()
    assert emma.erased_at is not None
    again = client.get(url).content.decode()
    assert "already erased" in again
    assert world.client_for(world.manager).get(url).status_code in (403, 404)


def test_an_active_persons_page_says_deactivate_first(rich, world):
    client = world.client_for(world.hr)
    page = client.get(reverse("datarights:person_erase", args=[rich.team.emma.public_id]))
    assert "Deactivate Emma Employee first" in page.content.decode()
    assert client.post(reverse("datarights:person_erase", args=[rich.team.emma.public_id]),
                       {"confirm": "yes"}).status_code == 200  # fmt: skip
    rich.team.emma.refresh_from_db()
    assert rich.team.emma.erased_at is None


def test_the_plan_and_its_page_cost_the_same_queries_whatever_the_organizations_size(rich, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from people.services import create_person

    emma = _leave(rich.team.emma, world)
    client = world.client_for(world.hr)
    url = reverse("datarights:person_erase", args=[emma.public_id])

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as plan:
            erasure.plan_erasure(emma)
        with CaptureQueriesContext(connection) as page:
            assert client.get(url).status_code == 200
        return len(plan), len(page)

    before = count()
    for i in range(40):
        create_person(world.acme, actor=world.hr, name=f"Extra {i}", email=f"x{i}@acme.test")
    after = count()
    assert after[0] <= before[0] and after[1] <= before[1], (before, after)


def _read_only(world):
    import datetime as dt

    from django.utils import timezone

    from organizations.models import Organization

    Organization.objects.filter(pk=world.acme.pk).update(
        trial_ends_at=timezone.now() - dt.timedelta(days=1)
    )
    world.acme.refresh_from_db()
    assert world.acme.is_read_only


def test_a_read_only_organization_exports_and_erases_an_active_person(rich, world):
    """Data rights are legal duties: an expired trial cannot deactivate anyone, so erasing
    an active person there deactivates them first, in the same transaction, audited."""
    _read_only(world)
    emma = rich.team.emma
    assert emma.is_active and erasure.refusal(emma, world.hr) == ""
    client = world.client_for(world.hr)
    export = client.get(reverse("datarights:person_export", args=[emma.public_id, "json"]))
    assert export.status_code == 200
    url = reverse("datarights:person_erase", args=[emma.public_id])
    page = client.get(url).content.decode()
    assert "Deactivate Emma Employee first" not in page
    assert "read-only" in page and "deactivated first" in page
    assert 'name="confirm"' in page  # the read-only filter leaves the form in place
    done = client.post(url, {"confirm": "yes"})
    assert done.status_code == 302, done.content
    emma.refresh_from_db()
    assert emma.erased_at and not emma.is_active and emma.name.startswith("Erased person ")
    deactivated = AuditEntry.objects.get(action="person.deactivated", target_id=emma.public_id)
    assert deactivated.actor_id == world.hr.pk
    erased = AuditEntry.objects.get(action="person.erased")
    assert erased.data["deactivated"] == "while read-only, to erase"
    # the lock still holds for everything else
    other = world.client_for(world.hr).post(
        reverse("people:deactivate", args=[world.p_manager.public_id])
    )
    assert other.status_code == 403
    world.p_manager.refresh_from_db()
    assert world.p_manager.is_active


def test_erasing_an_active_manager_while_read_only_moves_their_reports_up(rich, world):
    _read_only(world)
    max_ = Person.objects.get(pk=world.p_manager.pk)
    reports = list(max_.reports.filter(is_active=True))
    assert reports
    plan = erasure.plan_erasure(max_)
    assert plan.deactivates and [p.pk for p in plan.reports_moved] == [p.pk for p in reports]
    above = max_.manager
    assert above is not None and plan.reports_to == above
    erasure.erase_person(max_, actor=world.owner)
    for report in reports:
        report.refresh_from_db()
        assert report.manager_id == above.pk  # up to Max's manager
    assert AuditEntry.objects.filter(
        action="person.updated", target_id=reports[0].public_id
    ).exists()


def test_the_only_owner_is_not_erased_while_read_only(rich, world):
    _read_only(world)
    owner = Person.objects.get(pk=world.p_owner.pk)
    assert "only owner" in erasure.refusal(owner, world.hr)
    with pytest.raises(erasure.ErasureRefused):
        erasure.erase_person(owner, actor=world.hr)
    owner.refresh_from_db()
    assert owner.is_active and owner.erased_at is None


def test_an_import_that_names_them_goes_with_its_undo_journal(rich, world):
    """A workbook that names Emma is deleted by erasure, and the journal of its steps with
    it (issue 9 #5's AppliedChunk rows point at the import)."""
    from spreadsheets.models import AppliedChunk, ImportJob

    emma = _leave(rich.team.emma, world)
    job = ImportJob.objects.create(
        organization=world.acme,
        original_name="people.xlsx",
        status="importing",
        payload={"people": [{"name": emma.name, "email": emma.email}]},
    )
    step = AppliedChunk.objects.create(
        organization=world.acme, job=job, number=1, undo={"people": [emma.pk]}
    )
    plan = erasure.plan_erasure(emma)
    assert "Steps of a running spreadsheet import" in {line.label for line in plan.deleted}
    erasure.erase_person(emma, actor=world.hr)
    assert not ImportJob.objects.filter(pk=job.pk).exists()
    assert not AppliedChunk.objects.filter(pk=step.pk).exists()
