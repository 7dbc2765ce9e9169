from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

from organizations.scoping import (
    TenantManager,
    TenantModel,
    TenantQuerySet,
    optional_key,
    organization_key,
    user_link,
)

if TYPE_CHECKING:
    from frameworks.models import Level
    from people.placement import Placement


class PersonQuerySet(TenantQuerySet):
    """People fetched together resolve their placements together, on first use."""

    def _fetch_all(self) -> None:
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._result_cache:
            batch = [p for p in self._result_cache if isinstance(p, Person)]
            if len(batch) > 1:
                for p in batch:
                    p.__dict__["_placement_batch"] = batch


class PersonManager(TenantManager.from_queryset(PersonQuerySet)):  # type: ignore[misc]
    pass


class Person(TenantModel):
    """Someone in the people directory. May or may not have a login (`user`)."""

    organization = organization_key("people")
    user = optional_key(settings.AUTH_USER_MODEL, models.SET_NULL, related_name="people")
    name = models.CharField(max_length=150)
    email = models.EmailField(max_length=254)
    title = models.CharField(max_length=150, blank=True, help_text="Job title, if it differs")
    manager = optional_key("self", models.SET_NULL, related_name="reports")
    job_family = optional_key("frameworks.JobFamily", models.SET_NULL, related_name="people")
    # the place on the ladder: the family and the uid of a level, resolved against the
    # family's current version (see people/placement.py); never a key to one version's row
    level_uid = models.CharField(max_length=16, blank=True, default="")
    start_date = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(
        null=True, blank=True, help_text="Personal data erased: the entry is a pseudonym."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    revision = models.PositiveIntegerField(default=0, help_text="Guards concurrent edits.")

    objects = PersonManager()  # type: ignore[misc]

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
            models.Index(fields=["organization", "job_family", "level_uid"]),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def refresh_from_db(self, *args, **kwargs) -> None:
        self.__dict__.pop("_placement", None)  # a version may have been published since
        super().refresh_from_db(*args, **kwargs)

    # --- the place, resolved (people/placement.py) ---------------------------------------

    @property
    def placement(self) -> Placement:
        """Family + level uid resolved against the current version. People loaded by one
        query resolve together on first use (constant queries for a whole list)."""
        cached = self.__dict__.get("_placement")
        if cached is not None and cached.key == (self.job_family_id, self.level_uid):
            return cached
        from people import placement

        batch = self.__dict__.get("_placement_batch")
        if batch is not None:
            placement.attach(batch)
            self.__dict__.pop("_placement_batch", None)
            cached = self.__dict__.get("_placement")
            if cached is not None and cached.key == (self.job_family_id, self.level_uid):
                return cached
        placement.attach([self])
        return self.__dict__["_placement"]

    @property
    def level(self) -> Level | None:
        """The level the person is on: of the family's current version, or of its draft
        when the placement is pending. None when unplaced."""
        if not self.level_uid:
            return None
        return self.placement.level

    @level.setter
    def level(self, value: Level | None) -> None:
        """Place the person on `value`'s uid in its family (services check the version)."""
        self.__dict__.pop("_placement", None)
        if value is None:
            self.level_uid = ""
            return
        self.level_uid = value.uid
        self.job_family_id = value.version.family_id


class LevelChange(TenantModel):
    """A person's level history: every change of family or level, with the date it took
    effect. Codes and titles are copied so history reads right after ladders change."""

    organization = organization_key()
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="level_history")
    job_family = optional_key("frameworks.JobFamily", models.SET_NULL)
    level_uid = models.CharField(max_length=16, blank=True)
    # the version the change was made under (a draft's when the placement was pending)
    version = optional_key("frameworks.FrameworkVersion", models.SET_NULL)
    level_code = models.CharField(max_length=20, blank=True)
    level_title = models.CharField(max_length=120, blank=True)
    effective_date = models.DateField(default=timezone.localdate)
    reason = models.CharField(max_length=200, blank=True)
    changed_by = user_link()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-effective_date", "-id"]

    def __str__(self) -> str:
        return f"{self.person} → {self.level_code} on {self.effective_date}"


class PeopleImport(TenantModel):
    """An uploaded CSV of people waiting for confirmation. The rows are kept here, on the
    server, between the preview and the confirmation; they are validated again when the
    import is applied."""

    organization = organization_key()
    filename = models.CharField(max_length=200, blank=True)
    header = models.JSONField(default=list, blank=True)
    rows = models.JSONField(default=list, blank=True, help_text="Raw cells, one list a row")
    created_by = user_link()
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"People import {self.filename or self.public_id}"
