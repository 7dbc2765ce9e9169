"""Setting up and launching review cycles: settings, participants, peers, reviewers."""

from __future__ import annotations

import datetime as dt

import pytest

from frameworks.models import FrameworkVersion
from organizations.models import AuditEntry, Organization
from organizations.scoping import scope
from organizations.services import create_organization
from reviews import services
from reviews.models import (
    DEFAULT_POINTS,
    FormItem,
    Participant,
    PeerNomination,
    RatingScale,
    ReviewCycle,
    ReviewForm,
)
from reviews.services import NotAllowed, ReviewError, StaleError
from tests.conftest import make_user
from tests.reviews.factories import more_people, publish_fix

pytestmark = pytest.mark.django_db


def new_cycle(world, people, **kw):
    kw.setdefault("inputs", {"self": True, "manager": True, "peers": 3})
    return services.create_cycle(
        world.acme, name="2026 mid-year", actor=world.hr, participants=people, **kw
    )


def approve_peers(cycle, t, world, person=None):
    part = Participant.objects.get(cycle=cycle, person=person or t.emma)
    for peer in t.peers:
        services.nominate_peer(part, peer, actor=world.manager)
    return part


# --- the scale ---------------------------------------------------------------------------


def test_every_new_organization_has_the_default_scale(world):
    with scope(world.acme):
        scale = RatingScale.objects.get()
    assert [p["value"] for p in scale.points] == [1, 2, 3, 4, 5]
    assert scale.meets == 3
    assert scale.points[2]["label"] == "Consistently shows this"
    org = create_organization(name="Initech", owner=make_user("bill@initech.test"))
    with scope(org):
        assert RatingScale.objects.get().points == DEFAULT_POINTS


def test_scale_labels_and_meets_point_are_editable_with_a_revision(acme_scope, world):
    scale = services.ensure_scale(acme_scope)
    points = [dict(p) for p in scale.points]
    points[3]["label"] = "Beyond the level"
    services.update_scale(
        acme_scope, points=points, meets=4, expected_revision=scale.revision, actor=world.hr
    )
    scale.refresh_from_db()
    assert scale.points[3]["label"] == "Beyond the level" and scale.meets == 4
    with pytest.raises(StaleError):
        services.update_scale(
            acme_scope, points=points, meets=3, expected_revision=0, actor=world.hr
        )
    points[0]["label"] = " "
    with pytest.raises(ReviewError) as err:
        services.update_scale(
            acme_scope, points=points, meets=3, expected_revision=scale.revision, actor=world.hr
        )
    assert ("label_1", "Give point 1 a short label.") in err.value.errors
    assert AuditEntry.objects.filter(action="rating_scale.changed").count() == 1


# --- set-up --------------------------------------------------------------------------------


def test_create_cycle_checks_every_setting_at_once(acme_scope, world):
    with pytest.raises(ReviewError) as err:
        services.create_cycle(
            acme_scope,
            name=" ",
            actor=world.hr,
            period=(dt.date(2026, 6, 30), dt.date(2026, 1, 1)),
            inputs={"self": False, "manager": False, "peers": 2},
            peer_threshold=2,
        )
    fields = [f for f, _ in err.value.errors]
    assert fields == ["name", "period_end", "peers", "peer_threshold"]
    assert ReviewCycle.objects.count() == 0


def test_participants_by_rule(t, world, acme_scope):
    def chosen(kind, ids=()):
        return set(services.people_for_rule({"kind": kind, "ids": list(ids)}))

    everyone = chosen("everyone")
    assert {t.emma, t.max, *t.peers} == everyone  # Olivia and Hana have no level
    assert chosen("families", [t.family.public_id]) == everyone
    assert chosen("levels", [t.levels["PM3"].uid]) == {t.max}
    assert chosen("teams", [t.max.public_id]) == {t.emma, *t.peers}
    assert chosen("managers", [world.p_owner.public_id]) == {t.max, t.emma, *t.peers}


def test_launch_pins_the_published_version_and_creates_the_forms(t, world):
    cycle = services.create_cycle(
        world.acme,
        name="H1",
        actor=world.hr,
        rule={"kind": "teams", "ids": [t.max.public_id]},
        inputs={"self": True, "manager": True, "peers": 3},
        include_next_level=True,
        deadlines={"self": dt.date(2026, 3, 1)},
    )
    assert cycle.participants.count() == 4 and cycle.self_due == dt.date(2026, 3, 1)
    approve_peers(cycle, t, world)
    assert PeerNomination.objects.filter(status="approved").count() == 3
    services.launch_cycle(cycle, expected_revision=cycle.revision, actor=world.hr)
    cycle.refresh_from_db()
    assert cycle.status == "open" and cycle.scale["meets"] == 3
    emma = Participant.objects.get(cycle=cycle, person=t.emma)
    assert emma.version == t.v1 and emma.level_code == "PM2"
    assert [lv["code"] for lv in emma.next_levels] == ["PM3"]
    kinds = sorted(ReviewForm.objects.filter(participant=emma).values_list("kind", flat=True))
    assert kinds == ["manager", "peer", "peer", "peer", "self"]
    self_form = ReviewForm.objects.get(participant=emma, kind="self")
    items = list(FormItem.objects.filter(form=self_form))
    # PM2: Prioritization carried from PM1, Communication's own; next level PM3: Prioritization
    assert [(i.competency_name, i.level_code, i.section) for i in items] == [
        ("Prioritization", "PM1", "level"),
        ("Communication", "PM2", "level"),
        ("Prioritization", "PM3", "next"),
    ]
    peer_items = FormItem.objects.filter(form__participant=emma, form__kind="peer")
    assert {i.section for i in peer_items} == {"level"}
    assert AuditEntry.objects.filter(action="review_cycle.launched").count() == 1
    # a published version a cycle pins cannot be deleted
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        FrameworkVersion.objects.filter(pk=t.v1.pk).delete()


def test_launch_writes_each_form_and_item_as_a_model_instance_would(t, world):
    """Forms and items are written as plain rows (`organizations.rows`): every field as
    `ReviewForm(...)`/`FormItem(...)` would have it, items in the ladder's order."""
    from frameworks.models import Statement

    cycle = new_cycle(world, [t.emma, t.max, *t.peers], include_next_level=True)
    approve_peers(cycle, t, world)
    services.launch_cycle(cycle, expected_revision=cycle.revision, actor=world.hr)
    forms = list(ReviewForm.objects.filter(cycle=cycle))
    entry = AuditEntry.objects.get(action="review_cycle.launched")
    assert entry.data == {"participants": 5, "forms": len(forms)}
    assert all(
        (f.status, f.revision, f.summaries, f.overall_comment, f.submitted_at)
        == ("not_started", 0, {}, "", None)
        and f.created_at
        and f.version_id == t.v1.pk
        for f in forms
    )
    items = list(FormItem.objects.filter(form__cycle=cycle).select_related("form"))
    statements = {s.uid: s for s in Statement.objects.filter(version=t.v1)}
    for item in items:
        statement = statements[item.statement_uid]
        assert item.text == statement.text
        assert item.evidence_kinds == list(statement.evidence or [])
        assert (item.rating, item.comment, item.needs_new_rating, item.archived) == (
            None,
            "",
            False,
            False,
        )
        assert item.organization_id == world.acme.pk and item.updated_at
    for form in forms:
        positions = [i.position for i in items if i.form_id == form.pk]
        assert sorted(positions) == list(range(len(positions))) and positions
    public_ids = [i.public_id for i in items] + [f.public_id for f in forms]
    assert len(set(public_ids)) == len(public_ids)


def test_a_launch_makes_as_many_queries_for_many_people_as_for_a_few(t, world):
    """Forms and items are written in bulk: ten more people (each with peers) add rows,
    not queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def launched(people):
        cycle = new_cycle(world, people, include_next_level=True)
        for part in Participant.objects.filter(cycle=cycle).exclude(person=t.max):
            for peer in [p for p in [t.emma, *t.peers] if p != part.person][:3]:
                services.nominate_peer(part, peer, actor=world.manager)
        cycle.refresh_from_db()
        with CaptureQueriesContext(connection) as queries:
            services.launch_cycle(cycle, expected_revision=cycle.revision, actor=world.hr)
        return len(queries), ReviewForm.objects.filter(cycle=cycle).count()

    few = [t.emma, t.max, *t.peers]
    small, small_forms = launched(few)
    large, large_forms = launched(few + more_people(world, t, 10))
    assert large_forms > small_forms + 40
    assert large == small


def test_launch_refuses_people_who_are_not_on_a_published_ladder(t, world):
    cycle = new_cycle(world, [t.emma, world.p_hr])
    with pytest.raises(ReviewError) as err:
        services.launch_cycle(cycle, expected_revision=cycle.revision, actor=world.hr)
    assert err.value.errors == [("participants", "Hana Hr has no job family.")]
    cycle.refresh_from_db()
    assert cycle.status == "draft" and not ReviewForm.objects.exists()


def test_launch_needs_hr_and_the_revision_it_read(t, world):
    cycle = new_cycle(world, [t.emma])
    with pytest.raises(NotAllowed):
        services.launch_cycle(cycle, expected_revision=cycle.revision, actor=world.manager)
    services.update_cycle(cycle, expected_revision=cycle.revision, actor=world.hr, name="H1 2026")
    with pytest.raises(StaleError):
        services.launch_cycle(cycle, expected_revision=cycle.revision - 1, actor=world.hr)
    assert not ReviewForm.objects.exists()


def test_once_open_only_name_and_deadlines_change(t, world):
    cycle = new_cycle(world, [t.emma])
    services.launch_cycle(cycle, expected_revision=cycle.revision, actor=world.hr)
    with pytest.raises(ReviewError):
        services.update_cycle(
            cycle, expected_revision=cycle.revision, actor=world.hr, include_next_level=True
        )
    services.update_cycle(
        cycle,
        expected_revision=cycle.revision,
        actor=world.hr,
        deadlines={"manager": dt.date(2026, 4, 1)},
    )
    cycle.refresh_from_db()
    assert cycle.manager_due == dt.date(2026, 4, 1)


def test_people_added_to_an_open_cycle_get_their_forms(t, world):
    cycle = new_cycle(world, [t.emma], inputs={"self": True, "manager": True, "peers": 0})
    services.launch_cycle(cycle, expected_revision=cycle.revision, actor=world.hr)
    services.add_participants(cycle, [t.peers[0]], actor=world.hr)
    part = Participant.objects.get(cycle=cycle, person=t.peers[0])
    assert part.version == t.v1
    assert set(ReviewForm.objects.filter(participant=part).values_list("kind", flat=True)) == {
        "self",
        "manager",
    }


def test_removing_someone_keeps_what_was_submitted(t, world):
    cycle = new_cycle(
        world, [t.emma, t.peers[0]], inputs={"self": True, "manager": True, "peers": 0}
    )
    services.launch_cycle(cycle, expected_revision=cycle.revision, actor=world.hr)
    gone = Participant.objects.get(cycle=cycle, person=t.peers[0])
    cycle.refresh_from_db()
    services.remove_participant(gone, actor=world.hr, expected_revision=cycle.revision)
    assert not ReviewForm.objects.filter(participant_id=gone.pk).exists()


def test_peers_nominated_by_the_reviewee_wait_for_the_manager(t, world):
    cycle = new_cycle(world, [t.emma])
    services.launch_cycle(cycle, expected_revision=cycle.revision, actor=world.hr)
    part = Participant.objects.get(cycle=cycle, person=t.emma)
    nomination = services.nominate_peer(part, t.peers[0], actor=world.employee)
    assert nomination.status == "proposed"
    assert not ReviewForm.objects.filter(kind="peer").exists()
    with pytest.raises(NotAllowed):  # a peer cannot approve
        services.decide_peer(nomination, approve=True, actor=t.peer_users[1])
    with pytest.raises(NotAllowed):  # nor nominate for someone else
        services.nominate_peer(part, t.peers[2], actor=t.peer_users[1])
    services.decide_peer(nomination, approve=True, actor=world.manager)
    form = ReviewForm.objects.get(kind="peer")
    assert form.reviewer == t.peers[0] and form.items.count() == 2
    with pytest.raises(ReviewError):
        services.nominate_peer(part, t.max, actor=world.employee)  # the manager is no peer
    with pytest.raises(ReviewError):
        services.nominate_peer(part, t.emma, actor=world.employee)


def test_hr_reassigns_the_manager_review(t, world):
    cycle = new_cycle(world, [t.emma], inputs={"self": True, "manager": True, "peers": 0})
    services.launch_cycle(cycle, expected_revision=cycle.revision, actor=world.hr)
    part = Participant.objects.get(cycle=cycle, person=t.emma)
    cycle.refresh_from_db()
    services.reassign_reviewer(
        part, reviewer=world.p_owner, actor=world.hr, expected_revision=cycle.revision
    )
    assert ReviewForm.objects.get(participant=part, kind="manager").reviewer == world.p_owner
    with pytest.raises(NotAllowed):
        services.reassign_reviewer(
            part, reviewer=t.max, actor=world.manager, expected_revision=cycle.revision
        )


def test_a_finished_cycle_is_copied_as_the_next_one(t, world):
    cycle = new_cycle(
        world,
        [],
        rule={"kind": "teams", "ids": [t.max.public_id]},
        period=(dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
        deadlines={"self": dt.date(2026, 6, 15)},
        include_next_level=True,
    )
    with pytest.raises(ReviewError):
        services.copy_cycle(cycle, actor=world.hr)
    ReviewCycle.objects.filter(pk=cycle.pk).update(status="released")
    cycle.refresh_from_db()
    copy = services.copy_cycle(cycle, actor=world.hr, name="H2 2026")
    assert copy.status == "draft" and copy.include_next_level
    assert (copy.period_start, copy.period_end) == (dt.date(2026, 7, 1), dt.date(2026, 12, 31))
    assert copy.self_due == dt.date(2026, 12, 15)
    assert set(copy.participants.values_list("person", flat=True)) == {
        t.emma.pk,
        *[p.pk for p in t.peers],
    }


def test_outsiders_cannot_be_pulled_into_a_cycle(t, world):
    """Another organization's people are invisible inside Acme's scope."""
    from people.models import Person

    assert not Person.objects.filter(pk=world.p_outsider.pk).exists()
    with scope(world.globex):
        assert Organization.objects.count() == 2
        assert not ReviewCycle.objects.exists()


def test_a_fix_keeps_its_uids_for_untouched_statements(t, world):
    """The helper the fix tests rely on: untouched statements keep their uid in v2."""
    v2 = publish_fix(t.family, world.hr, cells={("Communication", "PM2"): ["New wording."]})
    from frameworks.models import Statement

    v1_uids = set(Statement.objects.filter(version=t.v1).values_list("uid", flat=True))
    v2_uids = set(Statement.objects.filter(version=v2).values_list("uid", flat=True))
    assert v1_uids == v2_uids


def _peer_competencies(cycle, person):
    items = FormItem.objects.filter(form__participant__person=person, form__kind="peer")
    return {i.competency_name for i in items}


def test_peers_answer_the_competencies_the_cycle_picked(t, world):
    from frameworks.models import Competency

    comms = Competency.objects.get(version=t.v1, name="Communication")
    cycle = new_cycle(world, [t.emma], peer_competency_uids=[comms.uid])
    approve_peers(cycle, t, world)
    services.launch_cycle(cycle, expected_revision=cycle.revision, actor=world.hr)
    assert _peer_competencies(cycle, t.emma) == {"Communication"}
    own = FormItem.objects.filter(form__participant__person=t.emma, form__kind="self")
    assert {i.competency_name for i in own} == {"Prioritization", "Communication"}


def test_a_ladder_without_the_picked_competencies_gets_a_full_peer_form(t, world):
    """In a cycle across job families, HR picks competencies of one ladder; the peers of
    someone on another ladder must not get an empty form."""
    cycle = new_cycle(world, [t.emma], peer_competency_uids=["c-other-ladder"])
    approve_peers(cycle, t, world)
    services.launch_cycle(cycle, expected_revision=cycle.revision, actor=world.hr)
    assert ReviewForm.objects.filter(cycle=cycle, kind="peer").count() == 3
    assert _peer_competencies(cycle, t.emma) == {"Prioritization", "Communication"}


def test_upward_feedback_is_asked_of_reports_and_shown_only_combined(t, world):
    from reviews import selectors
    from tests.reviews.helpers import fill

    cycle = new_cycle(world, [t.max], inputs={"self": False, "manager": False, "upward": True})
    services.launch_cycle(cycle, expected_revision=cycle.revision, actor=world.hr)
    forms = ReviewForm.objects.filter(cycle=cycle, kind="upward")
    assert {f.reviewer_id for f in forms} == {t.emma.pk, *(p.pk for p in t.peers)}
    part = Participant.objects.get(cycle=cycle, person=t.max)
    reviewers = [(t.emma, world.employee), *zip(t.peers, t.peer_users, strict=True)]
    for n, (person, user) in enumerate(reviewers[:2]):
        fill(forms.get(reviewer=person), user, 2 + n)
    assert all(c.upward is None for c in selectors.competency_ratings(cycle)[part.pk])
    fill(forms.get(reviewer=reviewers[2][0]), reviewers[2][1], 4)
    got = selectors.competency_ratings(cycle)[part.pk]
    assert got and all(c.upward == 3 for c in got)  # (2 + 3 + 4) / 3
