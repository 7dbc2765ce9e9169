"""Reading the organization for an import: what it has (families, their levels, people), the
family a ladder will load into, and a fingerprint that changes with any of it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

from django.db.models import Count, Max, Sum

from frameworks.models import FrameworkVersion, JobFamily, Level
from frameworks.schema import FamilyData
from frameworks.selectors import current_version
from frameworks.services import current_draft
from people.models import Person
from spreadsheets.validator import ExistingFamily, KnownPerson, OrgContext, PersonOut


def people_version(family: JobFamily) -> FrameworkVersion | None:
    """The version whose levels people of this family are placed on."""
    return current_version(family) or current_draft(family)


def org_context() -> OrgContext:
    families = []
    for family in JobFamily.objects.all():
        version = people_version(family)
        levels = (
            dict(Level.objects.filter(version=version).values_list("code", "title"))
            if version
            else {}
        )
        families.append(ExistingFamily(family.name, family.key, levels))
    people = existing_people()
    return OrgContext(
        families=families,
        people_emails=set(people),
        inactive_emails={e for e, p in people.items() if not p.is_active},
        people=people,
    )


def person_out(p: Person) -> PersonOut:
    """A person as a row of the People sheet (select the manager and job family)."""
    return PersonOut(
        email=p.email,
        name=p.name,
        manager_email=p.manager.email if p.manager else "",
        family=p.job_family.name if p.job_family else "",
        level=p.level.code if p.level else "",
        start_date=p.start_date,
    )


def existing_people() -> dict[str, KnownPerson]:
    """Everyone, as an import compares them (their places resolved together)."""
    rows = Person.objects.select_related("manager", "job_family")
    return {
        p.email: KnownPerson(**asdict(person_out(p)), title=p.title, is_active=p.is_active)
        for p in rows
    }


def target_family(data: FamilyData) -> JobFamily | None:
    """The family `apply_family_data` will load `data` into (matched by key, then name)."""
    family = JobFamily.objects.filter(key=data.key).first() if data.key else None
    return family or JobFamily.objects.filter(name__iexact=data.name).first()


def fingerprint() -> str:
    """Changes whenever frameworks or people change; a stale preview is not applied."""
    parts = [
        list(JobFamily.objects.order_by("pk").values_list("pk", "name", "key", "description")),
        list(
            FrameworkVersion.objects.order_by("pk").values_list(
                "pk", "status", "revision", "number"
            )
        ),
        # every person's own revision: any edit, (de)activation or addition shows
        list(Person.objects.order_by("pk").values_list("pk", "revision", "updated_at")),
    ]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32]


def mark() -> str:
    """What changes whenever anyone changes the organization's frameworks or people, for
    less than `fingerprint` costs: the families and versions as there, and of the people
    only how many, their highest key, the sum of their revisions (every edit counts one
    up) and the latest change. A big import checks it between its steps."""
    people = Person.objects.aggregate(
        n=Count("pk"), top=Max("pk"), revisions=Sum("revision"), last=Max("updated_at")
    )
    parts = [
        list(JobFamily.objects.order_by("pk").values_list("pk", "name", "key", "description")),
        list(
            FrameworkVersion.objects.order_by("pk").values_list(
                "pk", "status", "revision", "number", "updated_at"
            )
        ),
        people,
    ]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32]
