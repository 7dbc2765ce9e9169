"""Exporting versions and the people directory to a Master Template workbook."""

from __future__ import annotations

from django.utils import timezone

from frameworks.models import FrameworkVersion, JobFamily
from frameworks.selectors import current_version
from frameworks.services import current_draft, version_to_data
from organizations.actors import Actor
from organizations.audit import record
from organizations.models import Organization
from people.models import Person
from spreadsheets.services.selectors import person_out
from spreadsheets.validator import PersonOut


def export_versions(
    *, family: JobFamily | None = None, which: str = "published"
) -> list[FrameworkVersion]:
    """The version to export per family: the latest published (or, with
    which="draft", the draft), falling back to the other when there is none."""
    families = [family] if family is not None else list(JobFamily.objects.all())
    out = []
    for f in families:
        first, second = (
            (current_draft, current_version)
            if which == "draft"
            else (current_version, current_draft)
        )
        version = first(f) or second(f)
        if version is not None:
            out.append(version)
    return out


def people_rows(family: JobFamily | None = None) -> list[PersonOut]:
    """Active people placed on a level: everyone's, or only `family`'s."""
    people = Person.objects.filter(is_active=True)
    if family is not None:
        people = people.filter(job_family=family)
    return [
        person_out(p)
        for p in people.select_related("manager", "job_family").order_by("name", "email")
        if p.job_family and p.level
    ]


def export_workbook(
    org: Organization,
    *,
    family: JobFamily | None = None,
    which: str = "published",
    include_people: bool = True,
    actor: Actor = None,
) -> bytes:
    """The Master Template of one family (its people only) or of every family (everyone
    placed on a level)."""
    versions = export_versions(family=family, which=which)
    data = [version_to_data(v) for v in versions]
    labels = ", ".join(f"{v.family.name} {v.label}" for v in versions) or "no families yet"
    heading = f"Exported from {org.name} on {timezone.localdate():%d %B %Y}: {labels}."
    people = people_rows(family) if include_people else None
    if people is not None and family is not None:
        heading += f" People: those in {family.name} only."
    elif people is not None:
        unplaced = Person.objects.filter(is_active=True).count() - len(people)
        if unplaced == 1:
            heading += " 1 active person has no job family and level yet, so is not listed."
        elif unplaced:
            heading += (
                f" {unplaced} active people have no job family and level yet, so are not listed."
            )
    from spreadsheets.writer import build_workbook  # openpyxl: only when a workbook is written

    content = build_workbook(data, people, heading=heading)
    if actor is not None:
        record(
            org,
            actor,
            "framework.exported",
            None,
            target_label="Master Template export",
            data={"versions": [f"{v.family.name} {v.label}" for v in versions]},
        )
    return content
