"""Demo organizations at any size, quickly (`manage.py seed_demo --orgs N`, `make bench`).

`core.demo.seed` builds the hand-made demo of `make run` through the services, one person
and one answer at a time. That is too slow for thousands of people, so this module
builds the same kinds of data in bulk, deterministically for a seed:

- ladders: the Engineering, Product Management and Design templates, published;
- people in reporting lines that follow the ladders: the owner (CEO) leads each family's
  VP, who leads directors, who lead managers (manager track), who lead about eight people
  on the shared and IC levels of their family; everyone has a login (member role), and
  `hr@`, `manager@` and `employee@` log in as HR admin, a manager with reports and one of
  their reports;
- `cycles` review cycles of history, launched, answered, calibrated and released through
  the services (answers are written in bulk), then a current cycle in calibration with
  all forms submitted;
- action items for about a third of the people (their largest gap in the last released
  cycle), promotion cases for the readiest, fairness questions and answers.

`seed_small` makes a quick tenant with a handful of people on one ladder (no cycles), for
the hundreds of "other organizations" a benchmark database holds."""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.demo import FIRST, LAST
from organizations.models import Membership, Organization, Role
from organizations.scoping import scope, unscoped
from organizations.services import create_organization, create_user
from people.models import Person

PASSWORD = "ladder-demo-2026"  # noqa: S105 - the demo password, printed on purpose
FAMILY_WEIGHTS = [("engineering", 5), ("product-management", 3), ("design", 2)]
TEAM = 8  # people per manager
SPAN = 6  # managers per director


@dataclass
class ScaleResult:
    org: Organization
    people: int = 0
    cycles: int = 0
    forms: int = 0
    action_items: int = 0
    promotion_cases: int = 0
    logins: list[tuple[str, str]] = field(default_factory=list)  # role, email


@functools.cache
def _hashed() -> str:
    return make_password(PASSWORD)


def _user(email: str, name: str) -> Any:
    with unscoped():
        user = get_user_model().objects.filter(email=email).first()
    if user is None:
        user = create_user(email, password=None, name=name)
        user.password = _hashed()
        user.save(update_fields=["password"])
    return user


def _publish(org: Organization, owner: Any, keys: Iterable[str]) -> dict[str, Any]:
    """The families' published versions, from the template library."""
    from frameworks.library import load_template
    from frameworks.services import apply_family_data, publish_draft

    versions = {}
    for key in keys:
        draft = apply_family_data(org, load_template(key), actor=owner, source=f"template:{key}")
        versions[key] = publish_draft(draft, actor=owner, note="First version, from a template.")
    return versions


def _levels(version: Any) -> dict[str, list[Any]]:
    """A version's levels by role in the reporting lines."""
    from frameworks.models import Level

    levels = list(Level.objects.filter(version=version).order_by("rank", "position"))
    managers = [lv for lv in levels if lv.track == "manager"]
    return {
        "head": managers[-2:-1] or managers[-1:],  # VP (CTO/CPO above it is left out)
        "director": [lv for lv in managers if lv.code == "DIR"] or managers[-1:],
        "manager": managers[:1],
        "ic": [lv for lv in levels if lv.track != "manager"],
    }


def _with_logins(org: Organization, people: list[Person]) -> list[Person]:
    """Give unsaved people a login (member) each, in a few queries; returns them."""
    User = get_user_model()
    from allauth.account.models import EmailAddress

    todo = [p for p in people if p.user_id is None]
    if not todo:
        return people
    hashed = _hashed()
    with unscoped():
        users = User.objects.bulk_create(
            [
                User(
                    username=p.email[:150],
                    email=p.email,
                    password=hashed,
                    first_name=p.name.partition(" ")[0],
                    last_name=p.name.partition(" ")[2],
                )
                for p in todo
            ],
            batch_size=500,
        )
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
            batch_size=500,
        )
    Membership.objects.bulk_create(
        [Membership(organization=org, user=u, role=Role.MEMBER) for u in users], batch_size=500
    )
    for person, user in zip(todo, users, strict=True):
        person.user = user
    return people


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _people(
    org: Organization, owner: Any, versions: dict[str, Any], count: int, rng: random.Random
) -> dict[str, Person]:
    """`count` people (the owner and the demo logins included) in ladder-shaped lines.
    Returns the demo people by role."""
    from organizations.services import add_member
    from people.services import ensure_person_for_user, update_person

    slug = org.slug
    start = dt.date(2023, 1, 9)
    p_owner = ensure_person_for_user(org, owner, actor=owner)
    update_person(p_owner, actor=owner, expected_revision=None, title="CEO", start_date=start)
    demo: dict[str, Person] = {"owner": p_owner}
    for role, who, name in [
        (Role.HR_ADMIN, "hr", "Hana Hughes"),
        (Role.MEMBER, "manager", "Marco Medina"),
        (Role.MEMBER, "employee", "Emma Ellis"),
    ]:
        user = _user(f"{who}@{slug}.test", name)
        add_member(org, user, role=role, actor=owner)
        demo[who] = ensure_person_for_user(org, user, name=name, actor=owner)
    update_person(
        demo["hr"], actor=owner, expected_revision=None, manager=p_owner, title="Head of People"
    )
    left = max(0, count - 2)  # the owner and HR; the demo manager and employee are in PM
    keys = [k for k, _ in FAMILY_WEIGHTS if k in versions]
    total = sum(w for k, w in FAMILY_WEIGHTS if k in versions)
    sizes = {k: left * w // total for k, w in FAMILY_WEIGHTS if k in versions}
    sizes[keys[0]] += left - sum(sizes.values())
    serial = 0

    def new(level: Any, manager: Person | None, version: Any) -> Person:
        nonlocal serial
        serial += 1
        name = _name(rng)
        return Person(
            organization=org,
            name=name,
            email=f"{name.replace(' ', '.').lower()}.{serial}@{slug}.test",
            title=level.title,
            job_family_id=version.family_id,
            level_uid=level.uid,
            manager=manager,
            start_date=dt.date(2019, 1, 7) + dt.timedelta(days=rng.randint(0, 2200)),
        )

    for key in keys:
        version, n = versions[key], sizes[key]
        lv = _levels(version)
        is_pm = key == "product-management"
        n = max(n, 4) if is_pm else n
        if n <= 0:
            continue
        managers_n = max(1, -(-n // (TEAM + 1)))
        directors_n = -(-managers_n // SPAN) if managers_n > SPAN else 0
        head = Person.objects.bulk_create(
            _with_logins(org, [new(lv["head"][0], p_owner, version)])
        )[0]
        directors = Person.objects.bulk_create(
            _with_logins(org, [new(lv["director"][0], head, version) for _ in range(directors_n)])
        )
        bosses = directors or [head]
        extra = managers_n - (1 if is_pm else 0)
        managers = Person.objects.bulk_create(
            _with_logins(
                org, [new(lv["manager"][0], bosses[m % len(bosses)], version) for m in range(extra)]
            )
        )
        if is_pm:
            manager = update_person(
                demo["manager"],
                actor=owner,
                expected_revision=None,
                manager=bosses[0],
                job_family=version.family,
                level=lv["manager"][0],
                title=lv["manager"][0].title,
                start_date=start,
            )
            demo["manager"] = manager
            managers.insert(0, manager)
        ics = lv["ic"]
        weights = [6, 8, 7, 3, 1][: len(ics)] + [1] * max(0, len(ics) - 5)
        count_ics = n - 1 - directors_n - managers_n - (1 if is_pm else 0)
        # each report sits under the first tier above their level: managers lead the
        # shared levels, directors (or the head) Staff, the head Principal
        tiers = [(lv["manager"][0].rank, managers), (lv["director"][0].rank, directors)]
        tiers.append((lv["head"][0].rank, [head]))

        rest = []
        for i in range(max(0, count_ics)):
            level = rng.choices(ics, weights)[0]
            rest.append(new(level, _boss(tiers, level, i + 1), version))
        Person.objects.bulk_create(_with_logins(org, rest), batch_size=500)
        if is_pm:
            demo["employee"] = update_person(
                demo["employee"],
                actor=owner,
                expected_revision=None,
                manager=demo["manager"],
                job_family=version.family,
                level=ics[1],
                title=ics[1].title,
                start_date=dt.date(2025, 3, 3),
            )
    return demo


def _boss(tiers: list[tuple[int, list[Person]]], level: Any, i: int) -> Person:
    """The `i`-th person (round robin) of the first tier ranked above `level`."""
    for rank, group in tiers:
        if group and rank > level.rank:
            return group[i % len(group)]
    return tiers[-1][1][0]


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def _answer(cycle: Any, rng: random.Random, skill: dict[int, float], when: dt.date) -> None:
    """Rate every item of every form and submit the forms: one UPDATE per rating value
    (bulk_update's CASE is slow at 100,000 rows)."""
    from reviews.models import FormItem, ReviewForm

    rows = FormItem.objects.filter(form__cycle=cycle, archived=False).values_list(
        "pk", "form__participant__person_id", "form__kind", "section"
    )
    by_rating: dict[int, list[int]] = defaultdict(list)
    commented: list[int] = []
    for pk, person_id, kind, section in rows.order_by("pk"):
        base = skill.setdefault(person_id, rng.uniform(2.2, 3.8))
        if section == FormItem.Section.NEXT:
            base -= 0.8
        if kind == ReviewForm.Kind.SELF:
            base += 0.3
        rating = max(1, min(5, round(base + rng.gauss(0, 0.5))))
        by_rating[rating].append(pk)
        if kind == ReviewForm.Kind.MANAGER and rng.random() < 0.2:
            commented.append(pk)
    stamp = _at(when)
    for rating, pks in sorted(by_rating.items()):
        for n in range(0, len(pks), 900):
            FormItem.objects.filter(pk__in=pks[n : n + 900]).update(rating=rating, updated_at=stamp)
    for n in range(0, len(commented), 900):
        FormItem.objects.filter(pk__in=commented[n : n + 900]).update(
            comment="Shown in the last release; the team now copies how it is done."
        )
    ReviewForm.objects.filter(cycle=cycle).update(
        status=ReviewForm.Status.SUBMITTED,
        submitted_at=stamp,
        updated_at=stamp,
        revision=F("revision") + 1,
    )


def _cycle(
    org: Organization,
    hr: Any,
    people: list[Person],
    rng: random.Random,
    skill: dict[int, float],
    release: dt.date,
    *,
    name: str,
    finish: bool,
) -> Any:
    """A cycle for `people`: created, launched, answered and calibrated; released when
    `finish` (then dated in the past)."""
    from growth.demo import release_in_the_past
    from reviews import services as rs
    from reviews.demo import open_calibration_with_a_raise

    cycle = rs.create_cycle(
        org,
        name=name,
        actor=hr,
        participants=people,
        period=(release - dt.timedelta(days=200), release - dt.timedelta(days=20)),
        inputs={"self": True, "manager": True, "peers": 0},
        include_next_level=True,
    )
    cycle.refresh_from_db()
    rs.launch_cycle(cycle, expected_revision=cycle.revision, actor=hr)
    _answer(cycle, rng, skill, release - dt.timedelta(days=15))
    open_calibration_with_a_raise(
        cycle, hr, reason="Led the migration end to end; the manager's review missed it."
    )
    if not finish:
        return cycle
    release_in_the_past(cycle, release, actor=hr)
    for person_id in list(skill):  # people grow between cycles
        skill[person_id] += 0.15 + rng.gauss(0, 0.1)
    cycle.refresh_from_db()
    return cycle


def _action_items(cycle: Any, hr: Any, rng: random.Random, today: dt.date) -> int:
    """An item for about a third of the participants, on their lowest final rating."""
    from growth.models import ActionItem, ActionItemEvent
    from reviews.models import FinalRating

    lowest: dict[int, Any] = {}
    rows = FinalRating.objects.filter(participant__cycle=cycle, final__isnull=False).values_list(
        "participant__person_id", "competency_uid", "competency_name", "final"
    )
    for person_id, uid, name, final in rows.order_by("participant__person_id", "position"):
        if person_id not in lowest or final < lowest[person_id][2]:
            lowest[person_id] = (uid, name, final)
    now = timezone.now()
    items = []
    for person_id, (uid, name, _final) in sorted(lowest.items()):
        if rng.random() > 0.35:
            continue
        status = rng.choice(["open", "open", "in_progress", "done"])
        items.append(
            ActionItem(
                organization_id=cycle.organization_id,
                person_id=person_id,
                competency_uid=uid,
                competency_name=name,
                title=f"Practise {name.lower()} on a stretch project",
                milestone="Share the result in the team review",
                due=today + dt.timedelta(days=rng.randint(-20, 90)),
                status=status,
                cycle=cycle,
                created_by=hr,
                created_at=now,
                updated_at=now,
                completed_at=now if status == "done" else None,
            )
        )
    ActionItem.objects.bulk_create(items, batch_size=500)
    ActionItemEvent.objects.bulk_create(
        [
            ActionItemEvent(
                organization_id=cycle.organization_id,
                item=item,
                kind=ActionItemEvent.Kind.CREATED,
                actor=hr,
                changes={"title": [None, item.title]},
                at=now,
            )
            for item in items
        ],
        batch_size=500,
    )
    return len(items)


def _promotions(org: Organization, hr: Any, cycle: Any, want: int) -> int:
    """Cases for the `want` people with the highest final ratings who have a level to go to."""
    from promotions.selectors import candidates_for
    from promotions.services import open_case
    from reviews.models import FinalRating

    averages: dict[int, list[Decimal]] = defaultdict(list)
    rows = FinalRating.objects.filter(participant__cycle=cycle, final__isnull=False)
    for person_id, final in rows.values_list("participant__person_id", "final"):
        averages[person_id].append(final)
    ranked = sorted(averages, key=lambda pk: (-sum(averages[pk]) / len(averages[pk]), pk))
    people = Person.objects.in_bulk(ranked[: want * 3])
    chosen = [
        people[pk]
        for pk in ranked[: want * 3]
        if not people[pk].email.startswith(("employee@", "manager@", "hr@", "owner@"))
    ]
    opened = 0
    for candidate in candidates_for(org, chosen):
        if not candidate.targets or candidate.open_case is not None:
            continue
        open_case(candidate.person, actor=hr, target_level_uid=candidate.targets[0].level_uid)
        opened += 1
        if opened >= want:
            break
    return opened


def _fairness(org: Organization, hr: Any, rng: random.Random, today: dt.date) -> None:
    from fairness.demo import ask_questions, upload_past, volunteer_answers

    asked = ask_questions(org, hr)
    people = Person.objects.filter(user__isnull=False).select_related("user").order_by("pk")
    for person in people[:40]:
        if person.email.startswith("employee@"):
            continue
        volunteer_answers(person, asked, rng)
    upload_past(org, hr, today, filename="promotions-before.csv")


def seed_scale(
    slug: str, *, people: int = 200, cycles: int = 1, seed: int = 7, name: str = ""
) -> ScaleResult:
    """A demo organization of `people` people with `cycles` released review cycles and a
    current cycle in calibration (see the module's doc). Does nothing to an existing one."""
    rng = random.Random(f"{slug}:{seed}")
    today = timezone.localdate()
    with unscoped():
        org = Organization.objects.filter(slug=slug).first()
    if org is not None:
        return ScaleResult(org=org)
    owner = _user(f"owner@{slug}.test", "Olivia Owens")
    org = create_organization(
        name=name or f"Scale {slug}", slug=slug, owner=owner, owner_name="Olivia Owens"
    )
    result = ScaleResult(org=org)
    with scope(org), transaction.atomic():
        versions = _publish(org, owner, [k for k, _ in FAMILY_WEIGHTS])
        demo = _people(org, owner, versions, max(people, 8), rng)
        hr = demo["hr"].user
        everyone = list(Person.objects.exclude(level_uid="").order_by("pk"))
        skill: dict[int, float] = {}
        last = None
        for n in range(cycles):
            release = today - dt.timedelta(days=25 + 182 * (cycles - 1 - n))
            end = release - dt.timedelta(days=20)
            label = f"{end.year} {'mid-year' if end.month <= 8 else 'year-end'} review"
            last = _cycle(org, hr, everyone, rng, skill, release, name=label, finish=True)
        if last is not None:
            result.action_items = _action_items(last, hr, rng, today)
            result.promotion_cases = _promotions(org, hr, last, max(3, len(everyone) // 50))
        _cycle(
            org, hr, everyone, rng, skill, today, name=f"{today.year} current review", finish=False
        )
        _fairness(org, hr, rng, today)
        from promotions.services.readiness import refresh_stale

        # people are written in bulk: those no released cycle had get their readiness here
        refresh_stale(org, Person.objects.all())
        from reviews.models import ReviewForm

        result.people = Person.objects.count()
        result.cycles = cycles + 1
        result.forms = ReviewForm.objects.count()
    result.logins = [
        (role, f"{who}@{slug}.test")
        for role, who in [
            ("owner", "owner"),
            ("HR admin", "hr"),
            ("manager", "manager"),
            ("employee", "employee"),
        ]
    ]
    return result


def add_history(
    org: Organization, hr: Any, people: list[Person], *, cycles: int, before: dt.date, seed: int = 7
) -> None:
    """`cycles` more released cycles for `people` alone, half a year apart, the last one
    half a year before `before`: a few people's trend history (a gap report of 6 cycles)
    without a cycle of the whole organization for each."""
    rng = random.Random(f"{org.slug}:history:{seed}")
    skill: dict[int, float] = {}
    with scope(org), transaction.atomic():
        for n in range(cycles, 0, -1):
            release = before - dt.timedelta(days=182 * n)
            end = release - dt.timedelta(days=20)
            label = f"{end.year} {'mid-year' if end.month <= 8 else 'year-end'} review (history)"
            _cycle(org, hr, people, rng, skill, release, name=label, finish=True)


def seed_small(prefix: str, count: int, *, people: int = 5) -> list[Organization]:
    """`count` quick tenants (`{prefix}-1` …), each an owner and `people - 1` more people
    who report to them, written in bulk (a few queries per 500 organizations): the other
    tenants of a benchmark database. No ladders or cycles: use `seed_scale` for those."""
    from allauth.account.models import EmailAddress

    User = get_user_model()
    slugs = [f"{prefix}-{n}" for n in range(1, count + 1)]
    trial_ends = timezone.now() + dt.timedelta(days=365)
    with unscoped(), transaction.atomic():
        taken = set(Organization.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        slugs = [s for s in slugs if s not in taken]
        owners = User.objects.bulk_create(
            [
                User(username=f"owner@{s}.test", email=f"owner@{s}.test", password=_hashed())
                for s in slugs
            ],
            batch_size=500,
        )
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in owners],
            batch_size=500,
        )
        orgs = Organization.objects.bulk_create(
            [Organization(name=f"Tenant {s}", slug=s, trial_ends_at=trial_ends) for s in slugs],
            batch_size=500,
        )
        Membership.objects.bulk_create(
            [
                Membership(organization=o, user=u, role=Role.OWNER)
                for o, u in zip(orgs, owners, strict=True)
            ],
            batch_size=500,
        )
        heads = Person.objects.bulk_create(
            [
                Person(organization=o, user=u, name="Olivia Owens", email=u.email)
                for o, u in zip(orgs, owners, strict=True)
            ],
            batch_size=500,
        )
        Person.objects.bulk_create(
            [
                Person(
                    organization=o,
                    manager=head,
                    name=f"Person {n}",
                    email=f"p{n}@{o.slug}.test",
                    start_date=dt.date(2022, 1, 3) + dt.timedelta(days=n),
                )
                for o, head in zip(orgs, heads, strict=True)
                for n in range(1, people)
            ],
            batch_size=500,
        )
    return orgs
