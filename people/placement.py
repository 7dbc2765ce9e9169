"""A person's place on a ladder: their job family and the uid of their level.

The place is resolved against the family's current version (its latest published one,
`frameworks.selectors.current_versions`), so publishing a version moves nobody's row:
the same uid simply names the new version's level. A uid that only the family's draft
has (a first import of a ladder with its people, a new level added in the draft) is a
*pending* placement: it resolves to the draft's level and says so until the draft is
published. A person never points at a level of an old version.

Everything here works in bulk, in a constant number of queries (three at most).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from frameworks.models import FrameworkVersion, JobFamily, Level
from frameworks.selectors import current_versions, drafts_of

if TYPE_CHECKING:
    from people.models import Person


@dataclass(frozen=True)
class Placement:
    """Where a person stands: family and level uid, and what they resolve to."""

    family_id: int | None
    level_uid: str
    level: Level | None = None  # of the current version, or of the draft when pending
    version: FrameworkVersion | None = None  # the family's current version
    pending: bool = False  # the level exists only in the family's draft

    @property
    def key(self) -> tuple[int | None, str]:
        return (self.family_id, self.level_uid)

    @property
    def placed(self) -> bool:
        return self.level is not None


def resolve(people: Iterable[Person]) -> dict[int, Placement]:
    """Each person's placement, by person pk (at most three queries for any number)."""
    people = [p for p in people if p.pk is not None]
    family_ids = {p.job_family_id for p in people if p.job_family_id}
    uids = {p.level_uid for p in people if p.level_uid}
    current = current_versions(family_ids) if family_ids else {}
    levels: dict[tuple[int, str], Level] = {}
    if uids and current:
        qs = Level.objects.filter(version__in=list(current.values()), uid__in=uids)
        for lv in qs:
            levels[(lv.version_id, lv.uid)] = lv
    waiting = {
        p.job_family_id
        for p in people
        if p.level_uid
        and p.job_family_id
        and (
            p.job_family_id not in current
            or (current[p.job_family_id].pk, p.level_uid) not in levels
        )
    }
    drafts = drafts_of(waiting) if waiting else {}
    if drafts:
        for lv in Level.objects.filter(version__in=list(drafts.values()), uid__in=uids):
            levels[(lv.version_id, lv.uid)] = lv
    out: dict[int, Placement] = {}
    for p in people:
        version = current.get(p.job_family_id or 0)
        draft = drafts.get(p.job_family_id or 0)
        level = levels.get((version.pk, p.level_uid)) if version and p.level_uid else None
        pending = False
        if level is None and p.level_uid and draft is not None:
            level = levels.get((draft.pk, p.level_uid))
            pending = level is not None
        if level is not None:
            level.version = draft if pending else version  # type: ignore[assignment]
        out[p.pk] = Placement(
            family_id=p.job_family_id,
            level_uid=p.level_uid,
            level=level,
            version=version,
            pending=pending,
        )
    return out


def attach(people: Iterable[Person]) -> list[Person]:
    """Resolve the placements of `people` at once and keep each on its person, so
    `person.level` and `person.placement` cost no further query."""
    people = list(people)
    for p, placed in zip(people, _in_order(people), strict=True):
        p.__dict__["_placement"] = placed
    return people


def _in_order(people: list[Person]) -> list[Placement]:
    found = resolve(people)
    return [found.get(p.pk) or Placement(p.job_family_id, p.level_uid) for p in people]


def placement_of(person: Person) -> Placement:
    """One person's placement (cached on the person; see `Person.placement`)."""
    return person.placement


def placeable_levels(family: JobFamily | None = None) -> list[Level]:
    """Levels people can be placed on: each family's current version's, or, for a family
    with no published version yet, its draft's (a pending placement). Ordered by family,
    then rank (three queries)."""
    if family is not None:
        ids = [family.pk]
    else:
        ids = list(JobFamily.objects.filter(archived_at=None).values_list("pk", flat=True))
    versions = current_versions(ids)
    drafts = drafts_of([pk for pk in ids if pk not in versions])
    chosen = [*versions.values(), *drafts.values()]
    return list(
        Level.objects.filter(version__in=chosen)
        .select_related("version__family")
        .order_by("version__family__position", "version__family__name", "rank", "position")
    )


def check_placeable(family: JobFamily | None, level: Level | None) -> str:
    """Why `level` cannot be a person's place in `family` ("" when it can): it must be a
    level of the family's current version, or a level only its draft has (pending).
    A level of an old version is refused, whatever its uid."""
    if level is None:
        return ""
    if family is None or level.version.family_id != family.pk:
        return "Choose a level from the person's job family."
    version = level.version
    if version.is_draft:
        return ""  # the current version's level of that uid, or pending until published
    current = current_versions([family.pk]).get(family.pk)
    if current is None or version.pk != current.pk:
        return (
            f"{level.code} belongs to {version.label} of the {family.name} ladder, which is no "
            f"longer current. Choose a level of {current.label if current else 'the ladder'}."
        )
    return ""
