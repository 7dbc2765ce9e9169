"""The load test's database side, run by bench/load/run.py with the environment of the
server it tests (DATABASE_URL and the production settings):

    python bench/load/db.py seed PLAN.json --people 200 --team 8 --peers 3
    python bench/load/db.py state STATE.json

`seed` builds the organization of deadline day: people on the Engineering ladder in teams
of `--team` under managers, every one with a login, and an open review cycle (self,
manager and `--peers` approved peers each) launched through the services in reviews/.
It writes the plan locust reads: each login, its password and the forms it writes.

`state` reads back what the verification needs: each form's status, how many times the
audit log says it was submitted, and every answer (rating, comment) by statement.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clb.settings")

SLUG = "deadline"


def seed(people: int, team: int, peers: int) -> dict[str, Any]:
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from bench._common import approve_peers
    from frameworks.library import start_from_template
    from frameworks.models import Level
    from frameworks.services import publish_draft
    from organizations.models import Membership, Role
    from organizations.scoping import scope, unscoped
    from organizations.services import add_member, create_organization, create_user
    from people.models import Person
    from reviews import services
    from reviews.models import ReviewForm

    User = get_user_model()
    password = secrets.token_urlsafe(12)
    hashed = make_password(password)  # once: hashing is what makes a login cost ~1 s
    owner = create_user(f"owner@{SLUG}.test", password=None, name="Olivia Owner")
    org = create_organization(name="Deadline Day Ltd", slug=SLUG, owner=owner)
    with scope(org):
        hr = create_user(f"hr@{SLUG}.test", password=None, name="Hana Hr")
        add_member(org, hr, role=Role.HR_ADMIN, actor=owner)
        version = publish_draft(
            start_from_template(org, "engineering", actor=owner), actor=owner, note="v1"
        )
        levels = [lv for lv in Level.objects.filter(version=version) if lv.track != "manager"]
        lead = Level.objects.filter(version=version, track="manager").first()
        assert lead is not None and levels
        n_managers = max(1, people // (team + 1))
        # logins in bulk (the services make one at a time, with an audit entry each)
        emails = [f"manager{m:03d}@{SLUG}.test" for m in range(n_managers)] + [
            f"employee{n:04d}@{SLUG}.test" for n in range(people - n_managers)
        ]
        with unscoped():
            users = User.objects.bulk_create(
                User(username=e, email=e, password=hashed, first_name=e.split("@")[0])
                for e in emails
            )
            EmailAddress.objects.bulk_create(
                EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
            )
        Membership.objects.bulk_create(
            Membership(organization=org, user=u, role=Role.MEMBER) for u in users
        )
        managers = Person.objects.bulk_create(
            Person(
                organization=org,
                user=users[m],
                name=f"Manager {m:03d}",
                email=emails[m],
                job_family=version.family,
                level_uid=lead.uid,
            )
            for m in range(n_managers)
        )
        staff = Person.objects.bulk_create(
            Person(
                organization=org,
                user=users[n_managers + n],
                name=f"Employee {n:04d}",
                email=emails[n_managers + n],
                job_family=version.family,
                level_uid=levels[n % min(4, len(levels))].uid,
                manager=managers[n % n_managers],
            )
            for n in range(people - n_managers)
        )
        cycle = services.create_cycle(
            org,
            name="Deadline day",
            actor=hr,
            rule={"kind": "people", "ids": [p.public_id for p in [*managers, *staff]]},
            inputs={"self": True, "manager": True, "peers": peers},
        )
        approve_peers(org, cycle, peers)  # colleagues in the same team
        cycle.refresh_from_db()
        services.launch_cycle(cycle, expected_revision=cycle.revision, actor=hr)
        forms: dict[int, list[str]] = {}
        for reviewer_id, public_id in (
            ReviewForm.objects.filter(cycle=cycle)
            .order_by("reviewer_id", "kind", "id")
            .values_list("reviewer_id", "public_id")
        ):
            forms.setdefault(reviewer_id, []).append(str(public_id))
        # managers spread through the list, so any first N logins hold the same mix
        ordered: list[Person] = []
        step = max(1, len(staff) // n_managers)
        for m, manager in enumerate(managers):
            ordered.append(manager)
            ordered.extend(staff[m * step : (m + 1) * step])
        ordered.extend(staff[n_managers * step :])
        users = [
            {
                "email": p.email,
                "role": "manager" if p in managers else "employee",
                "forms": forms.get(p.pk, []),
            }
            for p in ordered
        ]
    return {
        "organization": SLUG,
        "cycle": str(cycle.public_id),
        "password": password,
        "users": users,
        "forms": sum(len(u["forms"]) for u in users),
    }


def state() -> dict[str, Any]:
    from organizations.models import AuditEntry, Organization
    from organizations.scoping import scope, unscoped
    from reviews.models import FormItem, ReviewForm

    with unscoped():
        org = Organization.objects.get(slug=SLUG)
    with scope(org):
        forms = {
            str(pid): {"status": status, "submitted_at": bool(at)}
            for pid, status, at in ReviewForm.objects.values_list(
                "public_id", "status", "submitted_at"
            )
        }
        submitted: dict[str, int] = {}
        for target in AuditEntry.objects.filter(action="review_form.submitted").values_list(
            "target_id", flat=True
        ):
            submitted[target] = submitted.get(target, 0) + 1
        answers: dict[str, dict[str, list[Any]]] = {}
        for pid, uid, rating, comment in FormItem.objects.filter(archived=False).values_list(
            "form__public_id", "statement_uid", "rating", "comment"
        ):
            answers.setdefault(str(pid), {})[uid] = [rating, comment]
    return {"forms": forms, "submitted_events": submitted, "answers": answers}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["seed", "state"])
    parser.add_argument("out", type=Path)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--team", type=int, default=8)
    parser.add_argument("--peers", type=int, default=3)
    args = parser.parse_args()
    import django

    django.setup()
    data = seed(args.people, args.team, args.peers) if args.command == "seed" else state()
    args.out.write_text(json.dumps(data))


if __name__ == "__main__":
    main()
