"""Ratings, calibration, release and what follows: the arithmetic on hand-computed cases,
peer anonymity in the selectors, and query counts that do not grow with people."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from organizations.models import AuditEntry
from reviews import selectors, services
from reviews.models import FinalRating, Participant, ReviewCycle
from reviews.services import NotAllowed, ReviewError, StaleError
from tests.reviews.factories import more_people
from tests.reviews.helpers import fill, form_of, open_cycle

pytestmark = pytest.mark.django_db


def two_statement_family_ratings(cycle, t, world, *, peers=3):
    """Emma's forms: items in order are Prioritization (PM1, carried), Communication
    (PM2), Prioritization (PM3, next level)."""
    fill(form_of(cycle, "self"), world.employee, [4, 3, 5])
    fill(form_of(cycle, "manager"), world.manager, [2, 3, 1])
    for n, (peer, user) in enumerate(zip(t.peers, t.peer_users, strict=True)):
        if n < peers:
            fill(form_of(cycle, "peer", reviewer=peer), user, [3 + (n % 2), 2 + n])


def ratings_of(cycle, t):
    part = Participant.objects.get(cycle=cycle, person=t.emma)
    return {c.name: c for c in selectors.competency_ratings(cycle)[part.pk]}


def test_competency_rating_is_the_mean_at_the_persons_level(t, world):
    cycle = open_cycle(world, t, include_next_level=True)
    two_statement_family_ratings(cycle, t, world)
    got = ratings_of(cycle, t)
    # the next-level statement (5 in the self-review, 1 from the manager) does not count
    assert got["Prioritization"].self == Decimal("4.00")
    assert got["Prioritization"].manager == Decimal("2.00")
    assert got["Communication"].self == Decimal("3.00")
    # peers: Prioritization 3, 4, 3 → 3.33; Communication 2, 3, 4 → 3.00
    assert got["Prioritization"].peers == Decimal("3.33")
    assert got["Communication"].peers == Decimal("3.00")
    assert got["Prioritization"].peer_count == 3
    # the manager's rating is the proposed final rating
    assert got["Prioritization"].proposed == Decimal("2.00")
    readiness = selectors.statement_ratings(cycle)[got and cycle.participants.get().pk]
    assert [(r.level_code, r.ratings) for r in readiness] == [("PM3", {"self": 5, "manager": 1})]


def test_peer_input_is_hidden_below_the_threshold(t, world):
    cycle = open_cycle(world, t)
    two_statement_family_ratings(cycle, t, world, peers=2)
    got = ratings_of(cycle, t)
    assert got["Prioritization"].peers is None and got["Communication"].peers is None
    assert got["Prioritization"].self == Decimal("4.00")


def test_the_threshold_is_configurable_but_never_below_three(t, world):
    cycle = open_cycle(world, t, peer_threshold=4)
    two_statement_family_ratings(cycle, t, world)
    assert ratings_of(cycle, t)["Prioritization"].peers is None  # 3 peers < 4
    with pytest.raises(ReviewError):
        services.update_cycle(
            cycle, expected_revision=cycle.revision, actor=world.hr, name="x", peer_threshold=2
        )
    ReviewCycle.objects.filter(pk=cycle.pk).update(peer_threshold=3)
    # the database refuses a threshold below 3 too
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewCycle.objects.filter(pk=cycle.pk).update(peer_threshold=2)


def test_selectors_never_expose_a_single_peer(t, world):
    cycle = open_cycle(world, t)
    two_statement_family_ratings(cycle, t, world)
    readiness = selectors.statement_ratings(cycle, section=None, kinds=("peer", "self"))
    kinds = {k for rows in readiness.values() for r in rows for k in r.ratings}
    assert kinds == {"self"}


def test_calibration_adjusts_with_a_reason_then_finalize_and_release(
    t, world, mailoutbox, django_capture_on_commit_callbacks
):
    cycle = open_cycle(world, t, include_next_level=True)
    two_statement_family_ratings(cycle, t, world)
    services.open_calibration(cycle, expected_revision=cycle.revision, actor=world.hr)
    cycle.refresh_from_db()
    part = Participant.objects.get(cycle=cycle, person=t.emma)
    rows = {r.competency_name: r for r in FinalRating.objects.filter(participant=part)}
    assert {k: (r.proposed, r.final) for k, r in rows.items()} == {
        "Prioritization": (Decimal("2.00"), Decimal("2.00")),
        "Communication": (Decimal("3.00"), Decimal("3.00")),
    }
    prio = rows["Prioritization"].competency_uid
    with pytest.raises(ReviewError) as err:
        services.set_final_rating(part, competency_uid=prio, rating=3, reason=" ", actor=world.hr)
    assert err.value.errors == [("reason", "Say why the rating changes.")]
    with pytest.raises(ReviewError):
        services.set_final_rating(part, competency_uid=prio, rating=7, reason="x", actor=world.hr)
    with pytest.raises(NotAllowed):
        services.set_final_rating(
            part, competency_uid=prio, rating=3, reason="x", actor=world.manager
        )
    row = services.set_final_rating(
        part,
        competency_uid=prio,
        rating=3,
        reason="Shipped the roadmap method the team now uses.",
        actor=world.hr,
        expected_revision=0,
    )
    assert row.final == Decimal("3") and row.proposed == Decimal("2.00") and row.adjusted
    with pytest.raises(StaleError):
        services.set_final_rating(
            part, competency_uid=prio, rating=4, reason="again", actor=world.hr, expected_revision=0
        )
    entry = AuditEntry.objects.get(action="final_rating.adjusted")
    assert entry.changes == {"final": ["2.00", "3.00"]}
    assert entry.data["reason"] == "Shipped the roadmap method the team now uses."

    with pytest.raises(ReviewError):
        services.release_cycle(cycle, expected_revision=cycle.revision, actor=world.hr)
    services.finalize_calibration(cycle, expected_revision=cycle.revision, actor=world.hr)
    with pytest.raises(ReviewError):
        services.set_final_rating(
            part, competency_uid=prio, rating=4, reason="late", actor=world.hr
        )
    mailoutbox.clear()
    with pytest.raises(NotAllowed):  # only the employee acknowledges, and only after release
        services.acknowledge(part, comment="", actor=world.manager)
    with pytest.raises(ReviewError):
        services.acknowledge(part, comment="", actor=world.employee)
    with django_capture_on_commit_callbacks(execute=True):
        services.release_cycle(cycle, expected_revision=cycle.revision, actor=world.hr)
    assert [m.to for m in mailoutbox] == [["emma@acme.test"]]
    assert "/reviews/" in mailoutbox[0].body

    services.record_conversation(
        part, held_on=dt.date.today(), notes="Talked through the roadmap work.", actor=world.manager
    )
    with pytest.raises(NotAllowed):
        services.record_conversation(part, held_on=dt.date.today(), notes="", actor=t.peer_users[0])
    services.acknowledge(part, comment="Thanks, fair.", actor=world.employee)
    part.refresh_from_db()
    assert part.acknowledged_at and part.acknowledgement == "Thanks, fair."
    with pytest.raises(ReviewError):
        services.acknowledge(part, comment="twice", actor=world.employee)
    got = ratings_of(cycle, t)
    assert got["Prioritization"].final == Decimal("3.00") and got["Prioritization"].adjusted


def test_unsubmitted_forms_stay_as_they_are_at_calibration(t, world):
    cycle = open_cycle(world, t)
    fill(form_of(cycle, "self"), world.employee, 3, submit=False)
    services.open_calibration(cycle, expected_revision=cycle.revision, actor=world.hr)
    form = form_of(cycle, "self")
    assert form.status == "in_progress"
    part = Participant.objects.get(cycle=cycle, person=t.emma)
    assert [r.final for r in FinalRating.objects.filter(participant=part)] == [None, None]
    assert ratings_of(cycle, t)["Communication"].self is None  # drafts do not count


def test_ratings_and_completion_take_constant_queries(t, world, django_assert_max_num_queries):
    def measure():
        cycle = ReviewCycle.objects.get()
        with django_assert_max_num_queries(4) as ctx:
            selectors.competency_ratings(cycle)
        rating_queries = len(ctx.captured_queries)
        # one grouped count, the manager reviews by reviewer, the families' and the
        # managers' names, the late forms (10 before session 22)
        with django_assert_max_num_queries(5) as ctx:
            done = selectors.completion(cycle, today=dt.date(2026, 12, 31))
        return rating_queries, len(ctx.captured_queries), done

    open_cycle(world, t, people=[t.emma, *t.peers], deadlines={"self": dt.date(2026, 1, 1)})
    cycle = ReviewCycle.objects.get()
    fill(form_of(cycle, "self", person=t.emma), world.employee, 3)
    small = measure()
    extra = more_people(world, t, 12)
    services.add_participants(cycle, extra, actor=world.hr)
    fill(form_of(cycle, "manager", person=t.emma), world.manager, 3, submit=False)
    big = measure()
    assert small[:2] == big[:2]
    done = big[2]
    assert done.overall.total == 2 * 16 + 3  # self + manager each, Emma's three peers
    assert done.overall.submitted == 1
    [self_phase] = [g for g in done.by_phase if g.key == "self"]
    assert (self_phase.counts.total, self_phase.counts.late) == (16, 15)
    assert done.late_total == 15
    assert [g.label for g in done.by_manager] == ["Max Manager"]


def test_upward_comments_reach_the_manager_only_combined(t, world):
    from reviews.selectors.results import results

    cycle = services.create_cycle(
        world.acme,
        name="Upward",
        actor=world.hr,
        participants=[t.max],
        inputs={"self": False, "manager": False, "upward": True},
    )
    services.launch_cycle(cycle, expected_revision=cycle.revision, actor=world.hr)
    part = Participant.objects.get(cycle=cycle, person=t.max)
    reviewers = [(t.emma, world.employee), *zip(t.peers, t.peer_users, strict=True)]
    for n, (person, user) in enumerate(reviewers[:2]):
        fill(form_of(cycle, "upward", reviewer=person), user, 3, comment=f"Upward note {n}")
    assert not any(row.upward_comments for row in results(part).rows)  # 2 < 3
    person, user = reviewers[2]
    fill(form_of(cycle, "upward", reviewer=person), user, 3, comment="Upward note 2")
    rows = results(part).rows
    notes = {"Upward note 0", "Upward note 1", "Upward note 2"}
    assert rows and all(set(row.upward_comments) == notes for row in rows)
    assert not any(row.peer_comments for row in rows)


def test_calibration_sorts_people_and_compares_each_managers_ratings(t, world):
    from reviews.selectors import calibration as cal

    cycle = open_cycle(
        world, t, people=[t.emma, *t.peers], inputs={"self": False, "manager": True, "peers": 0}
    )
    given = {t.emma: 2, t.peers[0]: 4, t.peers[1]: 1, t.peers[2]: 3}  # Pia, Paul, Petra
    for person, rating in given.items():
        fill(form_of(cycle, "manager", person=person), world.manager, rating)
    services.open_calibration(cycle, expected_revision=cycle.revision, actor=world.hr)
    [group] = cal.groups(cycle)
    assert group.people == 4

    def order(sort):
        comp = cal.session(cycle, group, sort)[0]
        return [row.part.person.name.split()[0] for row in comp.rows]

    assert order("name") == ["Emma", "Paul", "Petra", "Pia"]
    assert order("proposed") == ["Paul", "Emma", "Petra", "Pia"]  # lowest first
    everyone, managers = cal.distributions(cycle)
    assert [m.manager for m in managers] == ["Max Manager"]
    # two competencies each: 8 proposed ratings, 2 on each of 1–4, mean 2.5
    assert everyone.total == 8 and everyone.mean == Decimal("2.50")
    assert [(p, n) for p, n, _ in everyone.counts] == [(1, 2), (2, 2), (3, 2), (4, 2), (5, 0)]
    assert managers[0].difference == 0


def test_manager_distributions_round_halves_up_and_keep_namesakes_apart(t, world):
    """A proposed 2.50 is a 3 in the distribution, as on every other page; two managers
    who share a name are two distributions, not one."""
    from reviews.selectors import calibration as cal

    cycle = open_cycle(
        world, t, people=[t.emma, *t.peers], inputs={"self": False, "manager": True, "peers": 0}
    )
    for person in [t.emma, *t.peers]:
        fill(form_of(cycle, "manager", person=person), world.manager, 2)
    services.open_calibration(cycle, expected_revision=cycle.revision, actor=world.hr)
    emma = Participant.objects.get(cycle=cycle, person=t.emma)
    FinalRating.objects.filter(participant=emma).update(proposed=Decimal("2.50"))
    # a second "Max Manager": Pia stands in as the manager of record of two people
    namesake = t.peers[0]
    type(namesake).objects.filter(pk=namesake.pk).update(name="Max Manager")
    Participant.objects.filter(cycle=cycle, person__in=t.peers[1:]).update(manager=namesake)

    everyone, managers = cal.distributions(cycle)
    assert [m.manager for m in managers] == ["Max Manager", "Max Manager"]
    assert sorted(m.total for m in managers) == [4, 4]
    assert [(p, n) for p, n, _ in everyone.counts] == [(1, 0), (2, 6), (3, 2), (4, 0), (5, 0)]


def test_calibration_page_shows_the_managers_who_differ_most_first_a_page_at_a_time(
    t, world, monkeypatch
):
    """At 2,000 people the page drew 234 managers' distributions beside the session: the
    managers come a page at a time, those whose average differs most from everyone's
    first, and everyone's distribution is always there."""
    import re

    from reviews.views import results

    monkeypatch.setattr(results, "MANAGERS_PAGE_SIZE", 1)
    cycle = open_cycle(
        world, t, people=[t.emma, t.max, *t.peers], inputs={"self": False, "manager": True}
    )
    for person in [t.emma, *t.peers]:
        fill(form_of(cycle, "manager", person=person), world.manager, 3)
    fill(form_of(cycle, "manager", person=t.max), world.owner, 5)  # Olivia rates higher
    services.open_calibration(cycle, expected_revision=cycle.revision, actor=world.hr)
    hr = world.client_for(world.hr)
    page = f"/reviews/cycles/{cycle.public_id}/calibration/"

    def shown(query=""):
        text = hr.get(page + query).content.decode()
        return text, re.findall(r'class="distribution__name">([^<]+?) <span', text)

    text, names = shown()
    assert names == ["Olivia Owner", "Everyone"]  # 5 against everyone's 3.4
    assert "Page 1 of 2" in text and 'href="?managers=2#dist-heading"' in text
    text, names = shown("?managers=2")
    assert names == ["Max Manager", "Everyone"]
    _text, names = shown(f"?group={cal_group_key(cycle, t.max)}&managers=2")
    assert names == ["Max Manager", "Everyone"]  # the group chosen stays as it is


def cal_group_key(cycle, person):
    part = Participant.objects.get(cycle=cycle, person=person)
    return f"{part.family_id or 0}:{part.level_uid}"


def test_calibration_groups_count_people_by_family_and_level(t, world):
    from reviews.selectors import calibration as cal

    cycle = open_cycle(
        world, t, people=[t.emma, t.max, *t.peers], inputs={"self": False, "manager": True}
    )
    services.open_calibration(cycle, expected_revision=cycle.revision, actor=world.hr)
    groups = cal.groups(cycle)
    assert [(g.family, g.level_code, g.people) for g in groups] == [
        (t.family.name, "PM2", 4),
        (t.family.name, "PM3", 1),
    ]
    assert groups[0].key == cal_group_key(cycle, t.emma)
