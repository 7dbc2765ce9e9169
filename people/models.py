from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from organizations.scoping import TenantModel


class Person(TenantModel):
    """Someone in the people directory. May or may not have a login (`user`)."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="people"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    name = models.CharField(max_length=150)
    email = models.EmailField(max_length=254)
    title = models.CharField(max_length=150, blank=True, help_text="Job title, if it differs")
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    job_family = models.ForeignKey(
        "frameworks.JobFamily",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    level = models.ForeignKey(
        "frameworks.Level",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    start_date = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(
        null=True, blank=True, help_text="Personal data erased: the entry is a pseudonym."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    revision = models.PositiveIntegerField(default=0, help_text="Guards concurrent edits.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(fields=["organization", "email"], name="uniq_person_email"),
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=models.Q(user__isnull=False),
                name="uniq_person_user",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "is_active", "name"]),
            models.Index(fields=["organization", "manager"]),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class LevelChange(TenantModel):
    """A person's level history: every change of family or level, with the date it took
    effect. Codes and titles are copied so history reads right after ladders change."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="level_history")
    job_family = models.ForeignKey(
        "frameworks.JobFamily", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    level_uid = models.CharField(max_length=16, blank=True)
    level_code = models.CharField(max_length=20, blank=True)
    level_title = models.CharField(max_length=120, blank=True)
    effective_date = models.DateField(default=timezone.localdate)
    reason = models.CharField(max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-effective_date", "-id"]

    def __str__(self) -> str:
        return f"{self.person} → {self.level_code} on {self.effective_date}"


class PeopleImport(TenantModel):
    """An uploaded CSV of people waiting for confirmation. The rows are kept here, on the
    server, between the preview and the confirmation; they are validated again when the
    import is applied."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(max_length=200, blank=True)
    header = models.JSONField(default=list, blank=True)
    rows = models.JSONField(default=list, blank=True, help_text="Raw cells, one list a row")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"People import {self.filename or self.public_id}"
