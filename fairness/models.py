"""Volunteered demographic data and past promotion decisions, for the fairness analytics.

Demographic answers are kept apart from everything else: their own table, never a
column or a relation on a person, and a manager (`SealedManager`) that refuses every
query unless the code says why it reads them — the person reading their own answers
(`reading_demographics("self")`) or the fairness analysis (`"analytics"`). Promotion,
review-cycle and calibration pages never do (tests/fairness/test_sealed.py proves it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from django.utils import timezone

from organizations.scoping import TenantManager, TenantModel, organization_key, user_link

PREFER_NOT = "Prefer not to say"
PURPOSES = ("self", "analytics")
_purpose: ContextVar[str] = ContextVar("demographics_purpose", default="")


class DemographicsSealed(RuntimeError):
    """Volunteered demographic data was read outside the person's own page and the
    fairness analytics."""


@contextmanager
def reading_demographics(purpose: str) -> Iterator[None]:
    """Say why the code reads volunteered answers: "self" (the person's own page) or
    "analytics" (the fairness analysis, in aggregate)."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    token = _purpose.set(purpose)
    try:
        yield
    finally:
        _purpose.reset(token)


class SealedManager(TenantManager):
    def get_queryset(self) -> models.QuerySet:
        if _purpose.get() not in PURPOSES:
            raise DemographicsSealed(
                "Volunteered demographic data is read only by the person themselves and the "
                "fairness analytics: wrap the code in fairness.models.reading_demographics()."
            )
        return super().get_queryset()


class DemographicAttribute(TenantModel):
    """A question the organization asks (gender, ethnicity, age band…) with the answers
    it offers; "Prefer not to say" is always offered too."""

    organization = organization_key("demographic_attributes")
    name = models.CharField(max_length=80)
    options = models.JSONField(default=list, help_text="The answers offered, in order")
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="uniq_demographic_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def choices(self) -> list[str]:
        return [*self.options, PREFER_NOT]


class DemographicAnswer(TenantModel):
    """One person's volunteered answer to one question. No row: not answered."""

    organization = organization_key()
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    attribute = models.ForeignKey(DemographicAttribute, on_delete=models.CASCADE, related_name="+")
    value = models.CharField(max_length=120)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = SealedManager()  # type: ignore[misc]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "attribute"], name="uniq_demographic_answer")
        ]

    def __str__(self) -> str:
        return f"Answer {self.pk}"


class PastDecisionUpload(TenantModel):
    """A CSV of promotion decisions from before the product (people who left included)."""

    organization = organization_key()
    filename = models.CharField(max_length=200)
    default_attribute = models.CharField(max_length=80)
    rows = models.PositiveIntegerField(default=0)
    uploaded_by = user_link()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.filename


class PastDecision(TenantModel):
    organization = organization_key()
    upload = models.ForeignKey(
        PastDecisionUpload, on_delete=models.CASCADE, related_name="decisions"
    )
    email = models.CharField(max_length=254)
    attribute = models.CharField(max_length=80)
    group = models.CharField(max_length=120)
    promoted = models.BooleanField()
    decision_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["upload", "id"]
        indexes = [models.Index(fields=["organization", "attribute"])]

    def __str__(self) -> str:
        return f"{self.attribute}: {self.group}"


class SignificanceResult(models.Model):
    """The library's figures for one 2×2 table of counts, worked out once
    (`fairness.significance`): a web process reads them here instead of importing scipy
    and statsmodels. Not tenant-owned and no personal data: four whole numbers, which
    test they were given and its result, with the libraries' versions (a new version
    works its figures out again). Shared by every organization whose tables have the
    same counts; rows can be deleted at any time (they are worked out again)."""

    promoted = models.PositiveIntegerField()
    considered = models.PositiveIntegerField()
    reference_promoted = models.PositiveIntegerField()
    reference_considered = models.PositiveIntegerField()
    libraries = models.CharField(max_length=100, help_text="e.g. scipy 1.16.1; statsmodels 0.14.5")
    test = models.CharField(max_length=20)
    statistic = models.FloatField(help_text="z for the z-test, the odds ratio for Fisher's")
    p_value = models.FloatField()
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "promoted",
                    "considered",
                    "reference_promoted",
                    "reference_considered",
                    "libraries",
                ],
                name="uniq_significance_table",
            )
        ]

    def __str__(self) -> str:
        reference = f"{self.reference_promoted}/{self.reference_considered}"
        return f"{self.test} {self.promoted}/{self.considered} v {reference}"
