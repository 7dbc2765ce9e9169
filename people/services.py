"""The write path for the people directory."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from frameworks.models import JobFamily, Level
from organizations.actors import Actor, user_id_of, user_of
from organizations.audit import changes_between, record, snapshot
from organizations.errors import FieldError, changed_meanwhile
from organizations.models import Organization
from people.models import LevelChange, PeopleImport, Person
from people.placement import attach, check_placeable
from people.signals import person_deactivated, send_placement_changed

AUDITED_FIELDS = ["name", "email", "title", "manager", "job_family", "level", "start_date"]


class PersonError(FieldError):
    """A change to the people directory that cannot be made (the message is for the user)."""


class StaleEditError(PersonError):
    def __init__(self) -> None:
        super().__init__(changed_meanwhile("this person"))


def check_manager(person: Person | None, manager: Person | None) -> None:
    """Refuse a reporting line that would loop (A manages B manages A)."""
    if manager is None:
        return
    if person is not None and manager.pk == person.pk:
        raise PersonError("Someone cannot be their own manager.", "manager")
    if not manager.is_active:
        raise PersonError(f"{manager.name} is deactivated and cannot manage anyone.", "manager")
    if person is None or person.pk is None:
        return
    managers = dict(Person.objects.values_list("pk", "manager_id"))
    seen: set[int] = set()
    current: int | None = manager.pk
    while current is not None and current not in seen:
        if current == person.pk:
            raise PersonError(
                f"{manager.name} reports to {person.name} (directly or through others), so "
                f"{person.name} cannot report to {manager.name}: that would make a loop.",
                "manager",
            )
        seen.add(current)
        current = managers.get(current)


def check_same_organization(org: Organization, **related: Any) -> None:
    """Refuse a manager, job family or level of another organization (defence in depth:
    the forms already offer only the organization's own)."""
    for field, obj in related.items():
        if obj is not None and obj.organization_id != org.pk:
            raise PersonError("Choose one from your own organization.", field)


def check_level(job_family: JobFamily | None, level: Level | None) -> None:
    """A place is a level of the family's current version, or one only its draft has
    (pending until published); never a level of an old version."""
    if problem := check_placeable(job_family, level):
        raise PersonError(problem, "level")


def _log_level(person: Person, actor: Actor, effective: dt.date | None, reason: str) -> None:
    placed = attach([person])[0].placement
    level = placed.level
    LevelChange.objects.create(
        organization=person.organization,
        person=person,
        job_family=person.job_family,
        version=level.version if level is not None else placed.version,
        level_uid=person.level_uid,
        level_code=level.code if level else "",
        level_title=level.title if level else "",
        effective_date=effective or timezone.localdate(),
        reason=reason,
        changed_by=user_of(actor),
    )


def create_person(
    org: Organization,
    *,
    actor: Actor,
    name: str,
    email: str,
    manager: Person | None = None,
    job_family: JobFamily | None = None,
    level: Level | None = None,
    start_date: dt.date | None = None,
    title: str = "",
    user: Any = None,
) -> Person:
    org.ensure_writable()
    email = email.strip().lower()
    with transaction.atomic():
        if Person.objects.filter(organization=org, email=email).exists():
            raise PersonError(f"{email} is already in the people directory.", "email")
        check_same_organization(org, manager=manager, job_family=job_family, level=level)
        check_manager(None, manager)
        check_level(job_family, level)
        person = Person.objects.create(
            organization=org,
            name=name.strip(),
            email=email,
            manager=manager,
            job_family=job_family,
            level_uid=level.uid if level is not None else "",
            start_date=start_date,
            title=title,
            user=user,
        )
        if level is not None or job_family is not None:
            _log_level(person, actor, start_date, "Added to the directory")
            send_placement_changed(person)
        record(
            org,
            actor,
            "person.created",
            person,
            changes={k: [None, v] for k, v in snapshot(person, AUDITED_FIELDS).items()},
        )
    return person


def _refuse_erased(person: Person) -> None:
    if person.erased_at is not None:
        raise PersonError(
            "This person's personal data was erased; the entry only keeps what had to be "
            "kept. Add them again as a new person if they come back."
        )


def update_person(
    person: Person,
    *,
    actor: Actor,
    expected_revision: int | None,
    level_effective_date: dt.date | None = None,
    level_reason: str = "",
    **fields: Any,
) -> Person:
    """Change a person's details. `expected_revision` is the revision the editor saw."""
    org = person.organization
    org.ensure_writable()
    _refuse_erased(person)
    unknown = set(fields) - set(AUDITED_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    with transaction.atomic():
        if "email" in fields:
            fields["email"] = fields["email"].strip().lower()
            if (
                Person.objects.filter(organization=org, email=fields["email"])
                .exclude(pk=person.pk)
                .exists()
            ):
                raise PersonError(f"{fields['email']} is already in the directory.", "email")
        check_same_organization(
            org, **{k: fields[k] for k in ("manager", "job_family", "level") if k in fields}
        )
        if "manager" in fields:
            check_manager(person, fields["manager"])
        if "job_family" in fields or "level" in fields:
            check_level(
                fields.get("job_family", person.job_family), fields.get("level", person.level)
            )
        before = snapshot(person, AUDITED_FIELDS)
        old_level = (person.job_family_id, person.level_uid)
        if "level" in fields:
            level = fields.pop("level")
            fields["level_uid"] = level.uid if level is not None else ""
        qs = Person.objects.filter(pk=person.pk)
        if expected_revision is not None:
            qs = qs.filter(revision=expected_revision)
        fields["revision"] = (
            person.revision + 1 if expected_revision is None else expected_revision + 1
        )
        fields["updated_at"] = timezone.now()
        if not qs.update(**fields):
            raise StaleEditError()
        person.refresh_from_db()
        after = snapshot(person, AUDITED_FIELDS)
        if (person.job_family_id, person.level_uid) != old_level:
            _log_level(person, actor, level_effective_date, level_reason or "Level changed")
            send_placement_changed(person)
        changes = changes_between(before, after)
        if changes:
            record(org, actor, "person.updated", person, changes=changes)
    return person


def _check_may_change_login(person: Person, actor: Actor, *, active: bool) -> None:
    """Deactivating someone closes their login and reactivating opens it again. Only an
    owner may close or reopen an owner's login, and the organization keeps at least one
    active owner."""
    from organizations.models import Membership, Role

    membership = Membership.objects.filter(user=person.user, is_active=not active).first()
    if membership is None or membership.role != Role.OWNER:
        return
    actor_pk = user_id_of(actor)
    if actor_pk and not (
        Membership.objects.filter(user_id=actor_pk, is_active=True, role=Role.OWNER).exists()
    ):
        verb = "reactivate" if active else "deactivate"
        raise PersonError(f"{person.name} is an owner. Only an owner can {verb} an owner.")
    others = Membership.objects.filter(role=Role.OWNER, is_active=True).exclude(pk=membership.pk)
    if not active and not others.exists():
        raise PersonError(
            f"{person.name} is the only owner. Make someone else an owner before deactivating them."
        )


def set_active(person: Person, *, actor: Actor, active: bool) -> Person:
    org = person.organization
    org.ensure_writable()
    _refuse_erased(person)
    with transaction.atomic():
        if person.is_active == active:
            return person
        if not active and person.user_id and person.user_id == user_id_of(actor):
            raise PersonError(
                "You cannot deactivate yourself: you would lose your login at once. "
                "Ask another HR admin or an owner."
            )
        if not active and person.reports.filter(is_active=True).exists():
            raise PersonError(f"{person.name} still manages people. Give them a new manager first.")
        if person.user_id:
            _check_may_change_login(person, actor, active=active)
        person.is_active = active
        person.deactivated_at = None if active else timezone.now()
        person.revision += 1
        person.updated_at = timezone.now()  # what previews compare (e.g. the xlsx import)
        person.save(update_fields=["is_active", "deactivated_at", "revision", "updated_at"])
        if person.user_id:
            from organizations.models import Membership

            Membership.objects.filter(user_id=person.user_id).update(is_active=active)
        if not active:
            # e.g. accounts revokes the person's open invitation links at once
            person_deactivated.send(sender=Person, person=person, actor=actor)
        record(org, actor, "person.reactivated" if active else "person.deactivated", person)
        if not active and person.user_id:
            # e.g. the API revokes the person's tokens (organizations/signals.py)
            from organizations.signals import send_login_closed

            send_login_closed(org, person.user, actor=actor)
    return person


def link_login(person: Person, user: Any, *, actor: Actor) -> Person:
    """Give a directory entry its login (an accepted invitation, a first sign-in by the
    same e-mail address). Audited; refused when the person already has another login."""
    org = person.organization
    org.ensure_writable()
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.user_id == user.pk:
            return locked
        if locked.user_id is not None:
            raise PersonError(f"{person.name} already has a login.")
        Person.objects.filter(pk=person.pk).update(user=user, updated_at=timezone.now())
        person.user = user
        record(
            org,
            actor,
            "person.login_linked",
            person,
            changes={"user": [None, user.email]},
        )
    return person


def ensure_person_for_user(org: Organization, user: Any, *, name: str = "", actor: Actor) -> Person:
    """The directory entry for a login: linked by user, else by e-mail, else created."""
    email = user.email.strip().lower()
    person = Person.objects.filter(organization=org, user=user).first()
    if person:
        return person
    person = Person.objects.filter(organization=org, email=email).first()
    if person:
        return link_login(person, user, actor=actor)
    display = name or f"{user.first_name} {user.last_name}".strip() or email.split("@")[0]
    return create_person(org, actor=actor, name=display, email=email, user=user)


# --- CSV import (read, checked and applied by `spreadsheets.people_csv`) ----------------


def stage_import(
    org: Organization, *, actor: Actor, filename: str, header: list[str], rows: list[list[str]]
) -> PeopleImport:
    """Keep an uploaded file's rows on the server until the import is confirmed."""
    org.ensure_writable()
    with transaction.atomic():
        PeopleImport.objects.filter(
            created_at__lt=timezone.now() - dt.timedelta(days=2), applied_at__isnull=True
        ).delete()
        return PeopleImport.objects.create(
            organization=org,
            filename=filename[:200],
            header=header,
            rows=rows,
            created_by=user_of(actor),
        )


def finish_import(people_import: PeopleImport, *, actor: Actor, added: int, updated: int) -> None:
    """Mark a staged file applied, once, and audit it: called inside the import's
    transaction (`spreadsheets.services.apply_import`'s `finish`), so a file applied
    twice at once rolls the second back."""
    marked = PeopleImport.objects.filter(pk=people_import.pk, applied_at=None)
    if not marked.update(applied_at=timezone.now()):
        raise PersonError("This file has already been imported.")
    record(
        people_import.organization,
        actor,
        "people.imported",
        people_import,
        data={"file": people_import.filename, "added": added, "updated": updated},
        target_label=people_import.filename or "CSV file",
    )
