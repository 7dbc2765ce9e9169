from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone

from organizations.scoping import PublicIdField, TenantManager, TenantQuerySet, user_link

_LEGAL_DUTY: ContextVar[bool] = ContextVar("legal_duty", default=False)


@contextmanager
def legal_duty() -> Iterator[None]:
    """The writes inside pass `ensure_writable` in a read-only organization: what the law
    still asks of it when its trial or subscription has ended (erasing a person who asked,
    which deactivates them first — `datarights.erasure.erase_person`). Only for that."""
    token = _LEGAL_DUTY.set(True)
    try:
        yield
    finally:
        _LEGAL_DUTY.reset(token)


class Organization(models.Model):
    """The tenant. Everything a customer owns hangs off one of these."""

    class Plan(models.TextChoices):
        TRIAL = "trial", "Free trial"
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"

    public_id = PublicIdField()
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    plan = models.CharField(max_length=16, choices=Plan.choices, default=Plan.TRIAL)
    trial_ends_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    paid_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text=(
            "End of the paid period of a subscription that will not renew (a failed payment "
            "or a cancellation): read-only from then. Empty while it renews."
        ),
    )
    require_mfa_for_admins = models.BooleanField(
        default=False, help_text="Owners and HR admins must set up an authenticator app."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def on_trial(self) -> bool:
        return self.plan == self.Plan.TRIAL

    @property
    def trial_days_left(self) -> int:
        if not self.on_trial or self.trial_ends_at is None:
            return 0
        remaining = self.trial_ends_at - timezone.now()
        if remaining <= timedelta(0):
            return 0
        return remaining.days + (1 if remaining.seconds or remaining.microseconds else 0)

    @property
    def trial_expired(self) -> bool:
        return (
            self.on_trial
            and self.trial_ends_at is not None
            and self.trial_ends_at <= timezone.now()
        )

    @property
    def subscription_lapsed(self) -> bool:
        """A paying organization whose last paid period has ended without renewal."""
        return (
            self.plan == self.Plan.ACTIVE
            and self.paid_until is not None
            and self.paid_until <= timezone.now()
        )

    @property
    def is_read_only(self) -> bool:
        return self.trial_expired or self.plan == self.Plan.SUSPENDED or self.subscription_lapsed

    def ensure_writable(self) -> None:
        if self.is_read_only and not _LEGAL_DUTY.get():
            raise ReadOnlyOrganization(self)


class ReadOnlyOrganization(PermissionDenied):
    def __init__(self, organization: Organization) -> None:
        why = "the free trial has ended" if organization.on_trial else "the subscription has ended"
        super().__init__(
            f"{organization.name} is read-only: {why}. You can still log in, view and export."
        )


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    HR_ADMIN = "hr_admin", "HR admin"
    MEMBER = "member", "Member"


ROLE_RANK = {Role.MEMBER: 0, Role.HR_ADMIN: 1, Role.OWNER: 2}


class Membership(models.Model):
    """A user's account in one organization, with a role. Managers are not a role:
    they follow from reporting lines in the people directory."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    public_id = PublicIdField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="uniq_membership")
        ]
        indexes = [models.Index(fields=["organization", "role"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} ({self.get_role_display()})"

    def has_role(self, role: str) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(role)]

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.HR_ADMIN)

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER


class AuditQuerySet(TenantQuerySet):
    def update(self, **kwargs: Any) -> int:
        raise PermissionDenied("The audit log is append-only.")

    def delete(self) -> Any:
        raise PermissionDenied("The audit log is append-only.")


class AuditManager(TenantManager.from_queryset(AuditQuerySet)):  # type: ignore[misc]
    pass


class AuditEntry(models.Model):
    """Append-only: who did what, when, to which object, with before and after."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="audit_entries"
    )
    public_id = PublicIdField()
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = user_link()
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=32, blank=True)
    target_label = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    data = models.JSONField(default=dict, blank=True)
    pseudonymised = models.PositiveSmallIntegerField(
        default=0, help_text="How many erasures replaced a person's name in this entry."
    )

    objects = AuditManager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-at"]),
            models.Index(fields=["organization", "action"]),
            models.Index(fields=["organization", "target_type", "target_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionDenied("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionDenied("The audit log is append-only.")

    @property
    def actor_name(self) -> str:
        return self.actor_label.split(" <")[0] if self.actor_label else "System"

    @property
    def verb(self) -> str:
        """The action as a verb between the actor and the item: "person.created" → "added"
        ("Olivia Owens added Maya Dubois"); an unknown action → "created person"."""

        from organizations.audit_words import verb_words

        if known := verb_words(self.action):
            return known
        noun, _, what = self.action.partition(".")
        noun, what = noun.replace("_", " "), what.replace("_", " ")
        return f"{what} {noun}" if what and " " not in what else f"{noun} {what}".strip()

    @property
    def what(self) -> str:
        """The action as a short label: "person.created" → "Person added"."""
        from organizations.audit_words import action_words

        return action_words(self.action)

    @property
    def change_rows(self) -> list[tuple[str, str, str]]:
        from organizations.audit_words import change_rows

        return change_rows(self.changes)

    @property
    def data_rows(self) -> list[tuple[str, str]]:
        from organizations.audit_words import data_rows

        return data_rows(self.data)
