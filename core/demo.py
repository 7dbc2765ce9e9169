"""A deterministic demo organization: logins for each role, published ladders from the
template library, and a few dozen people in reporting lines. `manage.py seed_demo` and
`make run` use it; later features (review cycles, …) extend `seed()`."""

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
            seed_fairness(org, owner, rng, dt.date.today())
        for role, email in [
            ("owner", f"owner@{slug}.test"),
            ("HR admin", f"hr@{slug}.test"),
            ("manager", f"manager@{slug}.test"),
            ("employee", f"employee@{slug}.test"),
        ]:
            result.logins.append((role, email, DEMO_PASSWORD))
    return result


def _populate(org: Organization, owner: Any, rng: random.Random, count: int) -> None:
    from frameworks.library import load_template

    for key in FAMILIES:
        draft = apply_family_data(org, load_template(key), actor=owner, source=f"template:{key}")
        publish_draft(draft, actor=owner, note="First version, from the template library.")
    families = {f.key: f for f in JobFamily.objects.all()}
    pm_levels = _levels(families["product-management"])
    top = [lv for lv in pm_levels if lv.track == "manager"]
    trunk = [lv for lv in pm_levels if lv.track == "shared"]

    hr_user = _login(f"hr@{org.slug}.test", "Hana Hughes")
    manager_user = _login(f"manager@{org.slug}.test", "Marco Medina")
    employee_user = _login(f"employee@{org.slug}.test", "Emma Ellis")
    add_member(org, hr_user, role=Role.HR_ADMIN, actor=owner)
    add_member(org, manager_user, role=Role.MEMBER, actor=owner)
    add_member(org, employee_user, role=Role.MEMBER, actor=owner)

    start = dt.date(2024, 1, 8)
    p_owner = ensure_person_for_user(org, owner, actor=owner)
    update_person(p_owner, actor=owner, expected_revision=None, title="CEO", start_date=start)
    p_hr = ensure_person_for_user(org, hr_user, name="Hana Hughes", actor=owner)
    update_person(
        p_hr,
        actor=owner,
        expected_revision=None,
        title="Head of People",
        manager=p_owner,
        start_date=start,
    )
    cpo = create_person(
        org,
        actor=owner,
        name="Carmen Park",
        email=f"carmen@{org.slug}.test",
        manager=p_owner,
        job_family=families["product-management"],
        level=top[-1],
        start_date=start,
        title=top[-1].title,
    )
    p_manager = ensure_person_for_user(org, manager_user, name="Marco Medina", actor=owner)
    group_level = next(lv for lv in top if lv.rank == min(t.rank for t in top))
    update_person(
        p_manager,
        actor=owner,
        expected_revision=None,
        manager=cpo,
        job_family=families["product-management"],
        level=group_level,
        start_date=start + dt.timedelta(days=40),
        title=group_level.title,
    )
    p_employee = ensure_person_for_user(org, employee_user, name="Emma Ellis", actor=owner)
    update_person(
        p_employee,
        actor=owner,
        expected_revision=None,
        manager=p_manager,
        job_family=families["product-management"],
        level=trunk[1],
        start_date=dt.date(2025, 3, 3),
        title=trunk[1].title,
    )

    leads: dict[str, Person] = {"product-management": p_manager}
    for key in ("engineering", "design"):
        levels = _levels(families[key])
        lead_level = next(lv for lv in levels if lv.track == "manager")
        leads[key] = create_person(
            org,
            actor=owner,
            name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            email=f"lead.{key}@{org.slug}.test",
            manager=p_owner,
            job_family=families[key],
            level=lead_level,
            start_date=start + dt.timedelta(days=rng.randint(0, 300)),
            title=lead_level.title,
        )
    used = {p.email for p in Person.objects.all()}
    weights = [("engineering", 5), ("product-management", 3), ("design", 2)]
    keys = [k for k, w in weights for _ in range(w)]
    made = Person.objects.count()
    while made < count:
        key = rng.choice(keys)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"{first}.{last}@{org.slug}.test".lower()
        n = 2
        while email in used:  # 780 name pairs: larger demos number the repeats
            email = f"{first}.{last}{n}@{org.slug}.test".lower()
            n += 1
        used.add(email)
        levels = [lv for lv in _levels(families[key]) if lv.track != "manager"]
        level = rng.choice(levels[: max(2, len(levels) - 1)])
        create_person(
            org,
            actor=owner,
            name=f"{first} {last}",
            email=email,
            manager=leads[key],
            job_family=families[key],
            level=level,
            start_date=dt.date(2022, 1, 3) + dt.timedelta(days=rng.randint(0, 1200)),
            title=level.title,
        )
        made += 1
    assert FrameworkVersion.objects.filter(status="published").count() == len(FAMILIES)
