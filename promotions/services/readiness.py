"""Store each person's readiness (`promotions.models.ReadinessRecord`) when it can change.

The figure is `promotions.selectors.readiness.candidates_for`'s (`compute`) — the same as the gap
report's — computed here, not on each request: the readiness list and its API read a page
of the stored rows. It changes only when

- a review cycle is released (its participants: `reviews.signals.cycle_released`);
- the organization's readiness rule changes (everyone: `growth.signals.readiness_rule_changed`);
- a person is placed on a level, or their level or job family changes
  (`people.signals.placement_changed`).

`refresh_stale` is the safety net the list runs first (one query when nothing is stale):
it recomputes the people whose row is missing or was computed on another level, family or
ladder version (a bulk import, a published ladder), so the list never shows an old place.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from frameworks.models import FrameworkVersion
from organizations.models import Organization
from organizations.rows import Turns
from organizations.scoping import scope
from people.models import Person
from promotions.models import ReadinessRecord
from promotions.selectors.readiness import Candidate, Target, compute

BATCH = 200  # people computed at once: bounds the memory of a large organization


def _target_row(t: Target) -> dict[str, Any]:
    r = t.readiness
    return {
        "level_uid": t.level_uid,
        "level_code": t.level_code,
        "level_title": t.level_title,
        "track": t.track,
        "changes_track": t.changes_track,
        "met": r.met,
        "total": r.total,
        "percent": float(r.exact_percent),
        "ready": r.ready,
        "assessed": r.assessed,
        "statements": [
            {
                "uid": s.uid,
                "competency_uid": s.competency_uid,
                "competency_name": s.competency_name,
                "text": s.text,
                "ratings": dict(s.ratings),
                "passed": s.passed,
            }
            for s in r.statements
        ],
    }


def _row(
    org: Organization, person: Person, c: Candidate | None, version: FrameworkVersion | None
) -> Any:
    row = ReadinessRecord(
        organization=org,
        person=person,
        level_uid=person.level_uid,
        listed=c is not None,
        computed_at=timezone.now(),
    )
    # the loaded objects, not bare ids: the tenant fence then checks them without a query
    if version is not None:
        row.family = version.family
        row.version = version
    else:
        row.family_id = person.job_family_id
    if c is not None:
        best = c.best
        row.level_code = c.level_code
        row.level_title = c.level_title
        row.track = c.track
        row.cycle = c.cycle
        row.participant = c.participant
        row.ready = c.ready
        row.assessed = c.assessed
        row.best_percent = float(best.readiness.exact_percent) if best else 0.0
        row.targets = [_target_row(t) for t in c.targets]
    return row


def _store(org: Organization, people: list[Person], turns: Turns | None = None) -> int:
    """Recompute and replace the rows of `people`: a constant number of queries, and
    only what these people need (`compute`), so one person costs a handful."""
    computed = compute(org, people, details=False)
    found = {c.person.pk: c for c in computed.candidates}
    rows = [
        _row(org, p, found.get(p.pk), computed.versions.get(p.job_family_id or 0))
        for p in people
        if p.level_uid and p.job_family_id
    ]
    # computed first: the write transaction stays short. Inside the caller's transaction
    # (a create_person) no savepoint: an error here undoes the caller's change anyway.
    if turns is not None:
        turns.wait()
    with transaction.atomic(savepoint=False):
        ReadinessRecord.objects.filter(person__in=people).delete()
        # a concurrent request repairing the same stale rows writes the same figures
        ReadinessRecord.objects.bulk_create(rows, ignore_conflicts=True)
    if turns is not None:
        turns.done()
    return len(rows)


def refresh_person(person: Person) -> int:
    """Recompute one person's stored readiness, from the `person` given (as
    `create_person` and `update_person` just wrote it): that person alone, in a handful
    of queries whatever the size of the organization (none for the organization's
    other people)."""
    org = person.organization
    with scope(org):
        return _store(org, [person])


def refresh_readiness(org: Organization, person_ids: Iterable[int] | None = None) -> int:
    """Recompute the stored readiness of the people `person_ids` (default: everyone in
    `org`), in batches; returns the number of rows written. Outside a transaction (after
    a big import) each batch is a short transaction of its own, so other organizations'
    writes are not kept waiting on SQLite."""
    with scope(org):
        if person_ids is None:
            ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
        else:
            ids = sorted(set(person_ids))
        written = 0
        turns = Turns()  # on SQLite, a waiting writer gets in between two batches
        for start in range(0, len(ids), BATCH):
            batch = list(Person.objects.filter(pk__in=ids[start : start + BATCH]))
            written += _store(org, batch, turns)
        return written


def stale_people(people: QuerySet[Person]) -> QuerySet[Person]:
    """Those of `people` on a level whose stored row is missing or was computed for
    another level, job family or ladder version (one query to read)."""
    current = (
        FrameworkVersion.objects.filter(
            family_id=OuterRef("family_id"), status=FrameworkVersion.Status.PUBLISHED
        )
        .order_by("-number")
        .values("pk")[:1]
    )
    fresh = (
        ReadinessRecord.objects.filter(
            person_id=OuterRef("pk"),
            family_id=OuterRef("job_family_id"),
            level_uid=OuterRef("level_uid"),
        )
        .annotate(now=Coalesce(Subquery(current), Value(0)), was=Coalesce("version_id", Value(0)))
        .filter(now=F("was"))
    )
    return people.exclude(level_uid="").exclude(job_family=None).filter(~Exists(fresh))


def refresh_stale(org: Organization, people: QuerySet[Person]) -> int:
    """Recompute the stale rows among `people` (see `stale_people`)."""
    stale = list(stale_people(people).values_list("pk", flat=True))
    return refresh_readiness(org, stale) if stale else 0
