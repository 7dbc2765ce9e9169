"""A family's versions: which one is the draft (the current one, the latest published,
is `frameworks.selectors.current_version`), the next
version number, a draft's revision (claimed by every write), and creating a family."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify

from frameworks import limits, occupancy
from frameworks.errors import ConcurrentEditError, FrameworkError
from frameworks.ladder import LadderProblem
from frameworks.ladder import validate as validate_ladder
from frameworks.models import FrameworkVersion, JobFamily, Level
from frameworks.selectors import current_version
from organizations.actors import Actor
from organizations.audit import record
from organizations.models import Organization


def current_draft(family: JobFamily) -> FrameworkVersion | None:
    return FrameworkVersion.objects.filter(
        family=family, status=FrameworkVersion.Status.DRAFT
    ).first()


def next_number(family: JobFamily) -> int:
    """The number the family's next published version gets."""
    top = FrameworkVersion.objects.filter(
        family=family, status=FrameworkVersion.Status.PUBLISHED
    ).aggregate(m=Max("number"))["m"]
    return (top or 0) + 1


def ladder_problems(version: FrameworkVersion) -> list[LadderProblem]:
    """The ladder rules the levels of `version` break (`frameworks.ladder.validate`)."""
    return validate_ladder(Level.objects.filter(version=version).order_by("rank", "position"))


def bump_revision(draft: FrameworkVersion, expected_revision: int | None) -> int:
    """Claim the next revision of a draft, or raise if someone else got there first.

    Pass `expected_revision=None` only from code that owns the draft outright (imports,
    templates, seeding)."""
    if not draft.is_draft:
        raise FrameworkError("Published versions cannot be changed. Start a new draft.")
    qs = FrameworkVersion.objects.filter(pk=draft.pk, status=FrameworkVersion.Status.DRAFT)
    if expected_revision is not None:
        qs = qs.filter(revision=expected_revision)
    updated = qs.update(revision=F("revision") + 1, updated_at=timezone.now())
    if not updated:
        raise ConcurrentEditError()
    draft.refresh_from_db(fields=["revision", "updated_at"])
    return draft.revision


def _unique_key(org: Organization, name: str, key: str = "") -> str:
    base = slugify(key or name)[:50] or "family"
    candidate, n = base, 2
    while JobFamily.objects.filter(organization=org, key=candidate).exists():
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def create_family(
    org: Organization, *, name: str, actor: Actor, key: str = "", description: str = ""
) -> JobFamily:
    org.ensure_writable()
    name = name.strip()
    if not name:
        raise FrameworkError("Give the job family a name.")
    too_long = limits.too_long("The description", description, limits.FAMILY_DESCRIPTION)
    if too_long:
        raise FrameworkError(too_long)
    with transaction.atomic():
        if JobFamily.objects.filter(organization=org, name__iexact=name).exists():
            raise FrameworkError(f"There is already a job family called “{name}”.")
        position = JobFamily.objects.filter(organization=org).aggregate(m=Max("position"))["m"] or 0
        family = JobFamily.objects.create(
            organization=org,
            name=name,
            key=_unique_key(org, name, key),
            description=description,
            position=position + 1,
        )
        record(org, actor, "family.created", family)
    return family


def pending_uids(draft: FrameworkVersion) -> set[str]:
    """Uids of levels only this draft has that people are placed on: pending until it is
    published."""
    placed = occupancy.placed_uids(draft.family)
    if not placed:
        return set()
    current = current_version(draft.family)
    known = Level.objects.filter(version=current).values_list("uid", flat=True)
    only_here = Level.objects.filter(version=draft, uid__in=list(placed)).exclude(uid__in=known)
    return set(only_here.values_list("uid", flat=True))
