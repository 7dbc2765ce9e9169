"""Review history for the demo and the benchmarks: K released review cycles, one about
every six months up to last month, with ratings that move over time, development plans
(some items done, some carried over, some overdue), and career conversations.

Deterministic for a seed (dates count back from today). Cycles are created, launched,
calibrated and released through the `reviews` services; the answers themselves are
written in bulk (the demo's reviewers mostly have no login, and a 2,000-person benchmark
must not take an hour), then dates are moved into the past."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F
from django.utils import timezone

from growth import services
from growth.models import ActionItem, ActionItemEvent, CareerConversation
from growth.selectors import gap_report
from organizations.actors import Actor
from organizations.models import Membership, Organization, Role
from organizations.scoping import scope
from people.models import Person
from reviews import services as rs
from reviews.models import FinalRating, FormItem, Participant, ReviewCycle, ReviewForm

SPACING_DAYS = 182
LOW = [
    "Not yet shown this period; we agreed on a project where it can be.",
    "Two deadlines slipped because the work was not broken down early enough.",
    "Happens with help, not yet on their own.",
    "Shown once, in the spring release; needs to become a habit.",
]
HIGH = [
    "The team now copies how this is done.",
    "Consistently ahead of what the level asks.",
    "Led this for the whole area in Q2.",
]
EVIDENCE = ["Q2 release retrospective", "Design review notes, March", "Incident write-up #41"]
CONVERSATION = [
    "Talked about the gap report. Agreed to focus on the largest gap first, with a "
    "stretch project this quarter.",
    "Reviewed the plan: one item done, one moved. Interested in the next level; we went "
    "through what it expects.",
]


@dataclass
class History:
    cycles: list[ReviewCycle] = field(default_factory=list)
    items: int = 0
    conversations: int = 0


def _clamp(value: float) -> int:
    return max(1, min(5, round(value)))


def _hr_user(org: Organization) -> Any:
    found = (
        Membership.objects.filter(organization=org, role=Role.HR_ADMIN, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    ) or Membership.objects.filter(organization=org, role=Role.OWNER).select_related("user").first()
    assert found is not None
    return found.user


def _release_dates(cycles: int, today: dt.date) -> list[dt.date]:
    last = today - dt.timedelta(days=25)
    return [last - dt.timedelta(days=SPACING_DAYS * (cycles - 1 - n)) for n in range(cycles)]


def _name(release: dt.date) -> str:
    end = release - dt.timedelta(days=20)
    return f"{end.year} {'mid-year' if end.month <= 8 else 'year-end'} review"


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class Skills:
    """Each person's true level per competency, which the ratings scatter around."""

    def __init__(self, rng: random.Random, stars: Iterable[int] = ()) -> None:
        self.rng = rng
        self.stars = set(stars)  # people already working at the next level: ready for it
        self.values: dict[tuple[int, str], float] = {}

    def get(self, person_id: int, uid: str) -> float:
        key = (person_id, uid)
        if key not in self.values:
            low, high = (3.9, 4.6) if person_id in self.stars else (1.9, 3.7)
            self.values[key] = self.rng.uniform(low, high)
        return self.values[key]

    def grow(self, boosts: dict[tuple[int, str], float]) -> None:
        for key in list(self.values):  # draw order, not uid order (uids are random)
            self.values[key] += 0.12 + self.rng.gauss(0, 0.15) + boosts.get(key, 0.0)


def _answer(cycle: ReviewCycle, skills: Skills, rng: random.Random, when: dt.date) -> None:
    """Rate every item of every form of a launched cycle, then submit the forms (bulk)."""
    person_of = dict(Participant.objects.filter(cycle=cycle).values_list("pk", "person_id"))
    items = list(
        FormItem.objects.filter(form__cycle=cycle, archived=False)
        .select_related("form")
        .order_by("form_id", "position", "id")
    )
    stamp = _at(when)
    for item in items:
        kind = item.form.kind
        skill = skills.get(person_of[item.form.participant_id], item.competency_uid)
        if item.section == FormItem.Section.NEXT:
            skill -= 0.8
        if kind == ReviewForm.Kind.SELF:
            item.rating = _clamp(skill + 0.3 + rng.gauss(0, 0.5))
        elif kind == ReviewForm.Kind.MANAGER:
            item.rating = _clamp(skill + rng.gauss(0, 0.45))
            if item.rating <= 2 and rng.random() < 0.6:
                item.comment = rng.choice(LOW)
            elif item.rating >= 4 and rng.random() < 0.4:
                item.comment = rng.choice(HIGH)
            if rng.random() < 0.25:
                item.evidence = rng.choice(EVIDENCE)
        else:
            item.rating = _clamp(skill + rng.gauss(0, 0.6))
        item.updated_at = stamp
    FormItem.objects.bulk_update(items, ["rating", "comment", "evidence", "updated_at"], 2000)
    ReviewForm.objects.filter(cycle=cycle).update(
        status=ReviewForm.Status.SUBMITTED,
        submitted_at=stamp,
        updated_at=stamp,
        revision=F("revision") + 1,
    )


def _peers(person: Person, pool: list[Person], rng: random.Random) -> list[Person]:
    same_team = [p for p in pool if p.manager_id == person.manager_id and p.pk != person.pk]
    others = [p for p in pool if p.pk not in {person.pk, person.manager_id}]
    chosen = same_team[:3] if len(same_team) >= 3 else rng.sample(others, 3)
    return chosen


def _run_cycle(
    org: Organization,
    people: list[Person],
    peers_for: list[Person],
    actor: Actor,
    skills: Skills,
    rng: random.Random,
    release: dt.date,
) -> ReviewCycle:
    cycle = rs.create_cycle(
        org,
        name=_name(release),
        actor=actor,
        participants=people,
        period=(release - dt.timedelta(days=200), release - dt.timedelta(days=20)),
        inputs={"self": True, "manager": True, "peers": 3 if peers_for else 0},
        include_next_level=True,
    )
    parts = {p.person_id: p for p in Participant.objects.filter(cycle=cycle)}
    for person in peers_for:
        for peer in _peers(person, people, rng):
            rs.nominate_peer(parts[person.pk], peer, actor=actor)
    cycle.refresh_from_db()
    rs.launch_cycle(cycle, expected_revision=cycle.revision, actor=actor)
    _answer(cycle, skills, rng, release - dt.timedelta(days=15))
    cycle.refresh_from_db()
    rs.open_calibration(cycle, expected_revision=cycle.revision, actor=actor)
    release_in_the_past(
        cycle,
        release,
        actor=actor,
        self_due=release - dt.timedelta(days=25),
        peer_due=release - dt.timedelta(days=25),
        manager_due=release - dt.timedelta(days=18),
        calibration_due=release - dt.timedelta(days=6),
    )
    cycle.refresh_from_db()
    return cycle


def release_in_the_past(
    cycle: ReviewCycle, release: dt.date, *, actor: Actor, **dates: Any
) -> None:
    """Finalize and release a cycle in calibration, then date its steps as if it was
    released on `release` (`dates`: more of the cycle's dates to set, e.g. due dates)."""
    cycle.refresh_from_db()
    rs.finalize_calibration(cycle, expected_revision=cycle.revision, actor=actor)
    cycle.refresh_from_db()
    rs.release_cycle(cycle, expected_revision=cycle.revision, actor=actor)
    ReviewCycle.objects.filter(pk=cycle.pk).update(
        created_at=_at(release - dt.timedelta(days=45)),
        launched_at=_at(release - dt.timedelta(days=40)),
        calibration_at=_at(release - dt.timedelta(days=10)),
        finalized_at=_at(release - dt.timedelta(days=5)),
        released_at=_at(release),
        **dates,
    )


def _backdate(item: ActionItem, created: dt.date, due: dt.date) -> None:
    ActionItem.objects.filter(pk=item.pk).update(
        created_at=_at(created), updated_at=_at(created), due=due
    )
    ActionItemEvent.objects.filter(item=item).update(at=_at(created))
    item.refresh_from_db()


def _plans(cycle: ReviewCycle, actor: Actor, rng: random.Random, release: dt.date) -> list[Any]:
    """Suggested items for most people's largest gaps (one or two each)."""
    created = []
    parts = Participant.objects.filter(cycle=cycle).select_related("cycle", "person")
    for part in parts.order_by("pk"):
        if rng.random() > 0.75:
            continue
        report = gap_report(part)
        keys = [s.key for s in report.suggestions[: rng.choice((1, 2, 2))]]
        if not keys:
            continue
        for item in services.create_suggested_items(part, actor=actor, keys=keys):
            _backdate(item, release + dt.timedelta(days=3), release + dt.timedelta(days=90))
            created.append(item)
    return created


def _settle(
    items: list[ActionItem],
    actor: Actor,
    rng: random.Random,
    next_release: dt.date | None,
    today: dt.date,
) -> dict[tuple[int, str], float]:
    """What became of the items before the next cycle (or by today, for the last one).
    Returns the skill boosts of completed items."""
    boosts: dict[tuple[int, str], float] = defaultdict(float)
    for item in items:
        roll = rng.random()
        if next_release is not None:
            status = "done" if roll < 0.65 else "dropped" if roll < 0.75 else "in_progress"
        else:
            status = "in_progress" if roll < 0.35 else "done" if roll < 0.5 else "open"
        if status != "open":
            item = services.set_item_status(
                item, status=status, actor=actor, expected_revision=item.revision
            )
        latest = (next_release or today) - dt.timedelta(days=5)
        day = min(item.created_at.date() + dt.timedelta(days=rng.randint(20, 150)), latest)
        ActionItem.objects.filter(pk=item.pk).update(
            updated_at=_at(day), completed_at=_at(day) if status == "done" else None
        )
        ActionItemEvent.objects.filter(item=item, kind="status").update(at=_at(day))
        if status == "done":
            boosts[(item.person_id, item.competency_uid)] += 0.6
        if next_release is None and status != "done" and rng.random() < 0.4:
            ActionItem.objects.filter(pk=item.pk).update(
                due=today - dt.timedelta(days=rng.randint(3, 20))
            )
    return boosts


def _conversations(
    cycle: ReviewCycle, release: dt.date, last: bool, rng: random.Random, today: dt.date
) -> int:
    """Managers with a login record the results conversation and a career conversation."""
    count = 0
    managers = {
        p.pk: p.user for p in Person.objects.filter(user__isnull=False).select_related("user")
    }
    for part in Participant.objects.filter(cycle=cycle).select_related("person", "cycle"):
        user = managers.get(part.manager_id or 0)
        if user is None or part.person_id == part.manager_id:
            continue
        held = release + dt.timedelta(days=7)
        rs.record_conversation(part, held_on=held, notes=rng.choice(CONVERSATION), actor=user)
        services.record_career_conversation(
            part.person,
            actor=user,
            held_on=held + dt.timedelta(days=1),
            notes=rng.choice(CONVERSATION),
            next_follow_up=today + dt.timedelta(days=21) if last else None,
        )
        count += 1
    CareerConversation.objects.filter(held_on__gt=today).update(held_on=today)
    return count


def seed_history(
    org: Organization,
    *,
    cycles: int,
    seed: int = 7,
    people: Iterable[Person] | None = None,
    peers_for: Iterable[Person] = (),
    plans: bool = True,
    conversations: bool = True,
    today: dt.date | None = None,
) -> History:
    """Add `cycles` released review cycles of history to `org` (see the module's doc)."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    history = History()
    if cycles <= 0:
        return history
    with scope(org):
        actor = _hr_user(org)
        chosen = (
            list(people)
            if people is not None
            else list(rs.people_for_rule({"kind": "everyone"}).order_by("pk"))
        )
        chosen = [p for p in chosen if p.level_uid]
        # about one in six is ready for the next level by the last cycle, so the readiness
        # list and promotion cases have someone to show (drawn apart: the rest stays as it was)
        stars = random.Random(seed * 31 + 5).sample(chosen, k=len(chosen) // 6)
        skills = Skills(rng, stars=[p.pk for p in stars])
        releases = _release_dates(cycles, today)
        open_items: list[ActionItem] = []
        for n, release in enumerate(releases):
            if open_items:
                skills.grow(_settle(open_items, actor, rng, release, today))
            elif n:
                skills.grow({})
            cycle = _run_cycle(org, chosen, list(peers_for), actor, skills, rng, release)
            history.cycles.append(cycle)
            open_items = _plans(cycle, actor, rng, release) if plans else []
            history.items += len(open_items)
            if conversations:
                history.conversations += _conversations(
                    cycle, release, n == len(releases) - 1, rng, today
                )
        if open_items:
            _settle(open_items, actor, rng, None, today)
        assert FinalRating.objects.filter(participant__cycle__in=history.cycles).exists()
    return history
