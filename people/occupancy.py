"""The people directory's answers to `frameworks.occupancy`: who stands on a family's
levels, and the level history a published version writes. Registered in `PeopleConfig.ready`.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Count
from django.utils import timezone

from frameworks.models import FrameworkVersion, JobFamily
from frameworks.occupancy import ByUid, Occupancy
from organizations.actors import Actor, user_of
from people.models import LevelChange, Person


class PeopleOccupancy(Occupancy):
    def placed_uids(self, family: JobFamily) -> Counter[str]:
        rows = (
            Person.objects.filter(job_family=family)
            .exclude(level_uid="")
            .values("level_uid")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return Counter({row["level_uid"]: row["n"] for row in rows})

    def active_count(self, family: JobFamily) -> int:
        return Person.objects.filter(job_family=family, is_active=True).count()

    def published(self, draft: FrameworkVersion, before: ByUid, after: ByUid, actor: Actor) -> int:
        """People are placed by uid, so nobody's row changes. Their history notes a pending
        placement taking effect, and a level renamed by this version (a person's level
        history shows the name their level had at each time)."""
        placed = (
            Person.objects.filter(job_family=draft.family)
            .exclude(level_uid="")
            .only("pk", "organization_id", "job_family_id", "level_uid")
        )
        history = []
        for person in placed:
            new, old = after[person.level_uid], before.get(person.level_uid)
            if old is None:
                reason = f"{draft.label} published: the placement took effect"
            elif (old.code, old.title) != (new.code, new.title):
                reason = f"{draft.label} published: the level was renamed"
            else:
                continue
            history.append(
                LevelChange(
                    organization=draft.organization,
                    person=person,
                    job_family=draft.family,
                    version=draft,
                    level_uid=new.uid,
                    level_code=new.code,
                    level_title=new.title,
                    effective_date=timezone.localdate(),
                    reason=reason,
                    changed_by=user_of(actor),
                )
            )
        LevelChange.objects.bulk_create(history)
        return len(history)
