"""Provisioning writes: SCIM users become people in the directory through
`people.services` (audited, tenant-scoped); `ScimLink` keeps what the identity provider
calls them. The actor in the audit log is "Company directory (SCIM)"."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from organizations.actors import SystemActor
from organizations.audit import record
from organizations.models import Organization
from people.models import Person
from people.services import PersonError, create_person, set_active, update_person
from sso.models import ScimLink
from sso.scim.errors import ScimError

# who the audit log names for changes made by the identity provider
ACTOR = SystemActor("Company directory (SCIM)")


def visible_people() -> Any:
    """Everyone the identity provider may see: the whole directory, less the people it
    deleted and the people whose personal data was erased (RFC 7644: a deleted resource
    answers 404). An erased entry is never read, written or linked again through SCIM;
    the same user provisioned again becomes a new person (`create_user`)."""
    return (
        Person.objects.select_related("scim_link", "manager")
        .exclude(scim_link__deleted_at__isnull=False)
        .filter(erased_at__isnull=True)
    )


def _display_name(changes: dict[str, Any], current: str = "") -> str:
    given, family = changes.get("given_name"), changes.get("family_name")
    parts = f"{given or ''} {family or ''}".strip()
    return (
        changes.get("display_name")
        or changes.get("formatted")
        or parts
        or current
        or str(changes.get("user_name", "")).partition("@")[0]
    )


def resolve_manager(ref: str) -> Person | None:
    if not ref:
        return None
    return (
        Person.objects.filter(erased_at__isnull=True)
        .filter(
            Q(public_id=ref)
            | Q(scim_link__external_id=ref, scim_link__deleted_at__isnull=True)
            | Q(scim_link__user_name__iexact=ref, scim_link__deleted_at__isnull=True)
            | Q(email__iexact=ref)
        )
        .order_by("pk")
        .first()
    )


def _wrap(error: PersonError) -> ScimError:
    return ScimError(400, str(error), "invalidValue")


def _set_manager(person: Person, link: ScimLink, ref: str) -> None:
    """Point `person` at the manager `ref` names, or remember `ref` until that person is
    provisioned (identity providers send people in any order)."""
    manager = resolve_manager(ref)
    link.pending_manager = "" if manager is not None or not ref else ref
    if person.manager_id != (manager.pk if manager else None):
        if manager is not None and not manager.is_active:
            manager = None
        update_person(person, actor=ACTOR, expected_revision=None, manager=manager)


def _resolve_waiting(person: Person, link: ScimLink) -> None:
    """People who named this person as their manager before it existed."""
    refs = {person.public_id, person.email, link.user_name.lower()}
    if link.external_id:
        refs.add(link.external_id)
    waiting = ScimLink.objects.select_related("person").filter(
        pending_manager__in=[r for r in refs if r], deleted_at__isnull=True
    )
    for other in waiting:
        if other.person_id == person.pk:
            continue
        try:
            update_person(other.person, actor=ACTOR, expected_revision=None, manager=person)
        except PersonError:
            continue
        other.pending_manager = ""
        other.save(update_fields=["pending_manager"])


def _deactivate(person: Person) -> None:
    """Deprovisioning is never blocked by reporting lines: the person's reports move up to
    their manager (or to nobody), each change audited, then the person is deactivated."""
    above = person.manager if person.manager and person.manager.is_active else None
    for report in person.reports.filter(is_active=True):
        update_person(report, actor=ACTOR, expected_revision=None, manager=above)
    set_active(person, actor=ACTOR, active=False)


def _apply(person: Person, link: ScimLink, changes: dict[str, Any]) -> Person:
    fields: dict[str, Any] = {}
    name_changed = any(
        k in changes for k in ("display_name", "formatted", "given_name", "family_name")
    )
    if "given_name" in changes or "family_name" in changes:
        current_given, current_family = link.given_name, link.family_name
        link.given_name = changes.get("given_name", current_given)
        link.family_name = changes.get("family_name", current_family)
        if "display_name" not in changes and "formatted" not in changes:
            changes = {**changes, "given_name": link.given_name, "family_name": link.family_name}
    if name_changed:
        name = _display_name(changes, person.name)
        if name and name != person.name:
            fields["name"] = name[:150]
    if changes.get("email") and changes["email"].lower() != person.email:
        fields["email"] = changes["email"]
    if "title" in changes and changes["title"] != person.title:
        fields["title"] = changes["title"][:150]
    if "active" in changes and changes["active"] and not person.is_active:
        set_active(person, actor=ACTOR, active=True)
        person.refresh_from_db()
    if fields:
        update_person(person, actor=ACTOR, expected_revision=None, **fields)
        person.refresh_from_db()
    if changes.get("user_name"):
        link.user_name = changes["user_name"]
    if "external_id" in changes:
        link.external_id = changes["external_id"]
    link.updated_at = timezone.now()
    link.save()
    if "manager" in changes:
        _set_manager(person, link, changes["manager"])
        link.save(update_fields=["pending_manager"])
    _resolve_waiting(person, link)
    if "active" in changes and not changes["active"] and person.is_active:
        _deactivate(person)
    person.refresh_from_db()
    return person


def _user_name_taken(user_name: str, exclude: Person | None = None) -> bool:
    from sso.scim.filters import to_q

    taken = visible_people().filter(to_q(f'userName eq "{_quote(user_name)}"'))
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    return taken.exists()


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def create_user(org: Organization, changes: dict[str, Any]) -> tuple[Person, bool]:
    """POST /Users. Returns (person, created). A directory entry with the same e-mail that
    the identity provider does not know yet (added by HR, or deleted through SCIM
    before) is linked rather than duplicated."""
    org.ensure_writable()
    user_name = changes.get("user_name") or ""
    if not user_name:
        raise ScimError(400, "userName is required.", "invalidValue")
    email = (changes.get("email") or (user_name if "@" in user_name else "")).strip().lower()
    if not email:
        raise ScimError(
            400,
            "A work e-mail address is required (emails, or a userName that is one).",
            "invalidValue",
        )
    with transaction.atomic():
        if _user_name_taken(user_name):
            raise ScimError(409, f"A user with userName {user_name} already exists.", "uniqueness")
        person = (  # an erased entry's address is a pseudonym; checked all the same
            Person.objects.select_related("manager")
            .filter(email=email, erased_at__isnull=True)
            .first()
        )
        link = ScimLink.objects.filter(person=person).first() if person else None
        if link is not None and link.deleted_at is None:
            raise ScimError(409, f"{email} belongs to another user.", "uniqueness")
        created = person is None
        try:
            if person is None:
                person = create_person(
                    org,
                    actor=ACTOR,
                    name=_display_name(changes)[:150],
                    email=email,
                    title=(changes.get("title") or "")[:150],
                )
            if link is None:
                link = ScimLink(organization=org, person=person, user_name=user_name)
            link.deleted_at = None
            link.user_name = user_name
            if not created:
                record(org, ACTOR, "scim.person_linked", person, data={"userName": user_name})
            person = _apply(person, link, {"active": True, **changes})
        except PersonError as error:
            raise _wrap(error) from error
    return person, created


def update_user(person: Person, changes: dict[str, Any]) -> Person:
    """PUT and PATCH /Users/{id}."""
    org = person.organization
    org.ensure_writable()
    with transaction.atomic():
        link = ScimLink.objects.filter(person=person).first() or ScimLink(
            organization=org, person=person, user_name=person.email
        )
        new_name = changes.get("user_name")
        if (
            new_name
            and new_name.lower() != link.user_name.lower()
            and _user_name_taken(new_name, exclude=person)
        ):
            raise ScimError(409, f"A user with userName {new_name} already exists.", "uniqueness")
        if changes.get("email") and (
            Person.objects.filter(email=changes["email"].strip().lower())
            .exclude(pk=person.pk)
            .exists()
        ):
            raise ScimError(409, f"{changes['email']} belongs to another user.", "uniqueness")
        try:
            return _apply(person, link, changes)
        except PersonError as error:
            raise _wrap(error) from error


def delete_user(person: Person) -> None:
    """DELETE /Users/{id}: the person is deactivated and kept (their history matters to
    HR); for SCIM they are gone and answer 404 from now on."""
    org = person.organization
    org.ensure_writable()
    with transaction.atomic():
        try:
            if person.is_active:
                _deactivate(person)
        except PersonError as error:
            raise _wrap(error) from error
        link, _ = ScimLink.objects.get_or_create(
            organization=org, person=person, defaults={"user_name": person.email}
        )
        link.deleted_at = timezone.now()
        link.save(update_fields=["deleted_at"])
        record(org, ACTOR, "scim.person_unlinked", person, data={"userName": link.user_name})
