"""A deterministic demo organization: logins for each role, published ladders from the
template library, and a few dozen people in reporting lines that follow the ladder (see
"the organization's shape" below). `manage.py seed_demo` and `make run` use it; later
features (review cycles, …) extend `seed()`."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from frameworks.models import FrameworkVersion, JobFamily, Level
from frameworks.selectors import current_version
from frameworks.services import apply_family_data, publish_draft
from organizations.models import Membership, Organization, Role
from organizations.scoping import scope, unscoped
from organizations.services import add_member, create_organization, create_user
from people.models import Person
from people.services import create_person, ensure_person_for_user, update_person

DEMO_PASSWORD = "ladder-demo-2026"  # noqa: S105 - printed for the demo on purpose
FAMILIES = ["product-management", "engineering", "design"]

FIRST = [
    "Ava",
    "Ben",
    "Chloe",
    "Dev",
    "Elif",
    "Felix",
    "Grace",
    "Hugo",
    "Ines",
    "Jonas",
    "Kara",
    "Leo",
    "Maya",
    "Nils",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tess",
    "Uma",
    "Victor",
    "Wen",
    "Yusuf",
    "Zoe",
    "Aarav",
    "Bea",
    "Carlos",
    "Dana",
    "Emil",
]
LAST = [
    "Adams",
    "Berg",
    "Costa",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Hansen",
    "Ito",
    "Jensen",
    "Khan",
    "Lopez",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quinn",
    "Rossi",
    "Singh",
    "Tanaka",
    "Usman",
    "Varga",
    "Weber",
    "Xu",
    "Young",
    "Zhang",
]


@dataclass
class DemoResult:
    org: Organization
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # role, email, password
    created: bool = True


def _login(email: str, name: str) -> Any:
    User = get_user_model()
    with unscoped():
        user = User.objects.filter(email=email).first()
    return user or create_user(email, password=DEMO_PASSWORD, name=name)


def _levels(family: JobFamily) -> list[Level]:
    version = current_version(family)
    assert version is not None
    return list(Level.objects.filter(version=version).order_by("rank", "position"))


def seed(
    slug: str = "demo",
    *,
    people: int = 40,
    seed: int = 7,
    name: str = "Northwind Labs",
    cycles: int = 0,
) -> DemoResult:
    """The demo organization; `cycles` released review cycles of history (gap reports,
    development plans, conversations: `growth.demo`) when it is created."""
    rng = random.Random(seed)
    with unscoped():
        org = Organization.objects.filter(slug=slug).first()
    if org is None:
        owner = _login(f"owner@{slug}.test", "Olivia Owens")
        org = create_organization(name=name, slug=slug, owner=owner, owner_name="Olivia Owens")
    else:
        # an organization made by create_organization: its own owner does the seeding
        with scope(org):
            membership = (
                Membership.objects.filter(role=Role.OWNER, is_active=True)
                .select_related("user")
                .order_by("pk")
                .first()
            )
        owner = membership.user if membership else _login(f"owner@{slug}.test", "Olivia Owens")
    result = DemoResult(org=org)
    with scope(org), transaction.atomic():
        if Person.objects.filter(organization=org).count() > 1:
            result.created = False
        else:
            _populate(org, owner, rng, people)
            from reviews.demo import give_everyone_a_login, seed_reviews

            give_everyone_a_login(org, owner, DEMO_PASSWORD)
            if cycles:
                from growth.demo import seed_history

                emma = Person.objects.get(email=f"employee@{slug}.test")
                seed_history(org, cycles=cycles, seed=seed, peers_for=[emma])
            seed_reviews(org, owner, rng, past=not cycles)
            from fairness.demo import seed_fairness
            from promotions.demo import seed_promotions

            seed_promotions(org, rng)
            _promoted_report_higher(owner)
            seed_fairness(org, owner, rng, dt.date.today())
            from promotions.services.readiness import refresh_stale

            refresh_stale(org, Person.objects.all())  # the readiness of anyone no cycle had
        for role, email in [
            ("owner", f"owner@{slug}.test"),
            ("HR admin", f"hr@{slug}.test"),
            ("manager", f"manager@{slug}.test"),
            ("employee", f"employee@{slug}.test"),
        ]:
            result.logins.append((role, email, DEMO_PASSWORD))
    return result


# --- the organization's shape ---------------------------------------------------------
#
# Reporting lines follow the ladder: everyone reports to someone on a Manager-track level
# of higher rank (or to the CEO, who stands on no ladder); first-line managers (GPM, EM,
# DM) lead the trunk's ICs, directors lead first-line managers, VPs lead directors, and a
# family's C-level leads its VPs. Senior ICs (Staff, Principal) report a level or two up.
# Spans: a first-line manager leads at most SPAN_FIRST_LINE people, a director at most
# SPAN_DIRECTOR first-line managers, a VP at most SPAN_VP directors. At FULL_DEMO people
# (the default) every level of every family has someone and every manager at least two
# reports; a smaller demo drops people from the bottom and the middle of that shape,
# their reports moving up to their manager, so the rules above still hold.

FULL_DEMO = 40
SPAN_FIRST_LINE = 6
SPAN_DIRECTOR = 4
SPAN_VP = 5
WEIGHTS = {"engineering": 5, "product-management": 3, "design": 2}


@dataclass
class Seat:
    """A place in the demo's org chart, before anyone is created for it."""

    key: str  # "" for the CEO and HR, else the family key
    level: Level | None
    manager: Seat | None
    keep: int  # lower is kept first when a demo is smaller than its full shape
    email: str = ""
    name: str = ""
    title: str = ""
    person: Person | None = None
    order: int = 0


def _shares(total: int) -> dict[str, int]:
    """`total` people split between the families by WEIGHTS (largest remainder)."""
    weight = sum(WEIGHTS.values())
    exact = {k: total * w / weight for k, w in WEIGHTS.items()}
    share = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: share[k] - exact[k])[: total - sum(share.values())]:
        share[k] += 1
    return share


def _family_shape(key: str, levels: list[Level], size: int, ceo: Seat) -> list[Seat]:
    """The roles of one family of `size` people (at least 8), top down."""
    trunk = [lv for lv in levels if lv.track == "shared"]
    senior = [lv for lv in levels if lv.track == "ic"]  # Staff, then Principal
    mgr = sorted((lv for lv in levels if lv.track == "manager"), key=lambda lv: lv.rank)
    first_line, director, vp = mgr[0], mgr[1], mgr[2]
    chief = mgr[3] if len(mgr) > 3 else None
    staff_n = max(1, round(size * 0.08))
    principal_n = max(1, round(size * 0.04))
    # under a chief, the director leads first-line managers only: at least two of them
    min_lines = 2 if chief else 1
    trunk_n = size
    while True:
        lines = max(min_lines, -(-trunk_n // SPAN_FIRST_LINE))
        directors = max(1, -(-lines // SPAN_DIRECTOR))
        vps = max(1, -(-directors // SPAN_VP))
        managers = (1 if chief else 0) + vps + directors + lines
        if managers + staff_n + principal_n + trunk_n <= size:
            break
        trunk_n -= 1
    roles: list[Seat] = []
    top = ceo
    if chief is not None:
        top = Seat(key, chief, ceo, keep=1)
        roles.append(top)
    vp_roles = [Seat(key, vp, top, keep=1 if chief is None and i == 0 else 5) for i in range(vps)]
    dir_roles = [Seat(key, director, vp_roles[i % vps], keep=5) for i in range(directors)]
    line_roles = [
        Seat(key, first_line, dir_roles[i % directors], keep=2 if i == 0 else 4)
        for i in range(lines)
    ]
    roles += vp_roles + dir_roles + line_roles
    # Principals report to the family's head (then to its VPs), Staff to a VP or director
    for i in range(principal_n):
        boss = (top if chief else vp_roles[0]) if i == 0 else vp_roles[i % vps]
        roles.append(Seat(key, senior[-1], boss, keep=6))
    for i in range(staff_n):
        boss = vp_roles[0] if chief and i == 0 else dir_roles[i % directors]
        roles.append(Seat(key, senior[0], boss, keep=6))
    # trunk ICs: one on every trunk level first, then mostly the middle of the trunk
    for i in range(trunk_n):
        level = trunk[i] if i < len(trunk) else trunk[[1, 0, 2, 1, 1, 2][i % 6]]
        roles.append(Seat(key, level, line_roles[i % lines], keep=3 if i < lines else 4))
    return roles


def _shape(org: Organization, families: dict[str, JobFamily], count: int) -> list[Seat]:
    """Everyone's role in a demo of `count` people, managers before their reports. The CEO,
    the Head of People, the demo's CPO, manager (a Group PM) and employee (a PM) always."""
    slug = org.slug
    ceo = Seat("", None, None, keep=0, email=f"owner@{slug}.test", title="CEO")
    hr = Seat("", None, ceo, keep=0, email=f"hr@{slug}.test", title="Head of People")
    roles = [ceo, hr]
    for key, size in _shares(max(count, FULL_DEMO) - 2).items():
        roles += _family_shape(key, _levels(families[key]), size, ceo)
    pm = [r for r in roles if r.key == "product-management"]
    chief = pm[0]
    line = next(
        r for r in pm if r.level is not None and r.level.rank == 4 and r.manager is not chief
    )
    # the demo employee is a PM in the demo manager's team (a teammate swaps places)
    emma = next(r for r in pm if r.level == _levels(families[r.key])[1])
    if emma.manager is not line:
        mate = next(
            r for r in reversed(pm) if r.manager is line and r.level and r.level.track == "shared"
        )
        mate.manager, emma.manager = emma.manager, line
    for role, email, name in (
        (chief, "carmen", "Carmen Park"),
        (line, "manager", "Marco Medina"),
        (emma, "employee", "Emma Ellis"),
    ):
        role.email, role.name, role.keep = f"{email}@{slug}.test", name, 0
    for n, role in enumerate(roles):
        role.order = n
    kept = {id(r) for r in sorted(roles, key=lambda r: (r.keep, r.order))[:count]}
    for role in roles:  # someone dropped: their reports move up to their manager
        while role.manager is not None and id(role.manager) not in kept:
            role.manager = role.manager.manager
    return [r for r in roles if id(r) in kept]


def _promoted_report_higher(owner: Any) -> None:
    """Someone the demo's promotions moved up to their manager's rank (an SPM made Staff
    under a Group PM) reports to the next manager above, as the ladder wants."""
    people = {p.pk: p for p in Person.objects.filter(is_active=True)}
    for person in people.values():
        boss = people.get(person.manager_id or 0)
        if person.level is None or boss is None or boss.level is None:
            continue
        new = boss
        while new is not None and new.level is not None and new.level.rank <= person.level.rank:
            new = people.get(new.manager_id or 0)
        if new is not boss:
            update_person(person, actor=owner, expected_revision=None, manager=new)


def _populate(org: Organization, owner: Any, rng: random.Random, count: int) -> None:
    from frameworks.library import load_template

    for key in FAMILIES:
        draft = apply_family_data(org, load_template(key), actor=owner, source=f"template:{key}")
        publish_draft(draft, actor=owner, note="First version, from the template library.")
    families = {f.key: f for f in JobFamily.objects.all()}
    seats = _shape(org, families, count)

    slug = org.slug
    logins = {
        f"hr@{slug}.test": ("Hana Hughes", Role.HR_ADMIN),
        f"manager@{slug}.test": ("Marco Medina", Role.MEMBER),
        f"employee@{slug}.test": ("Emma Ellis", Role.MEMBER),
    }
    users = {}
    for email, (name, role) in logins.items():
        users[email] = _login(email, name)
        add_member(org, users[email], role=role, actor=owner)

    start = dt.date(2024, 1, 8)
    used = {s.email for s in seats if s.email}
    for seat in seats:
        family = families[seat.key] if seat.key else None
        manager = seat.manager.person if seat.manager is not None else None
        level = seat.level
        title = seat.title or (level.title if level else "")
        if seat.manager is None or seat.email.split("@")[0] in ("hr", "carmen"):
            started = start
        elif level is not None and level.track == "manager":
            started = start + dt.timedelta(days=rng.randint(0, 300))
        else:
            started = dt.date(2022, 1, 3) + dt.timedelta(days=rng.randint(0, 1200))
        if seat.email == f"employee@{slug}.test":
            started = dt.date(2025, 3, 3)
        if seat.manager is None or seat.email in users:
            user = owner if seat.manager is None else users[seat.email]
            person = ensure_person_for_user(
                org, user, name=logins.get(seat.email, ("",))[0], actor=owner
            )
            update_person(
                person,
                actor=owner,
                expected_revision=None,
                title=title,
                manager=manager,
                job_family=family,
                level=level,
                start_date=started,
            )
        else:
            if not seat.email:
                first, last = rng.choice(FIRST), rng.choice(LAST)
                for _ in range(20):  # two people of one name confuse a demo: draw again
                    if f"{first}.{last}@{slug}.test".lower() not in used:
                        break
                    first, last = rng.choice(FIRST), rng.choice(LAST)
                seat.name = f"{first} {last}"
                seat.email = f"{first}.{last}@{slug}.test".lower()
                n = 2
                while seat.email in used:  # 780 name pairs: larger demos number the repeats
                    seat.email = f"{first}.{last}{n}@{slug}.test".lower()
                    n += 1
                used.add(seat.email)
            person = create_person(
                org,
                actor=owner,
                name=seat.name,
                email=seat.email,
                manager=manager,
                job_family=family,
                level=level,
                start_date=started,
                title=title,
            )
        seat.person = person
    assert Person.objects.count() == count
    assert FrameworkVersion.objects.filter(status="published").count() == len(FAMILIES)
