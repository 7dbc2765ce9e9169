"""What promotions does when the apps below it report a change that can move someone's
readiness: it recomputes the stored rows (`promotions.services.readiness`). Connected from
`PromotionsConfig.ready`; each runs inside the sender's transaction."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from growth.signals import readiness_rule_changed
from people.signals import placement_changed, placements_changed
from promotions.services.readiness import refresh_person, refresh_readiness
from reviews.models import Participant
from reviews.signals import cycle_released


@receiver(cycle_released, dispatch_uid="promotions.readiness_on_release")
def readiness_on_release(sender: Any, cycle: Any, **kwargs: Any) -> None:
    """Its participants' latest released review is now this one."""
    people = Participant.objects.filter(cycle=cycle).values_list("person_id", flat=True)
    refresh_readiness(cycle.organization, list(people))


@receiver(readiness_rule_changed, dispatch_uid="promotions.readiness_on_rule")
def readiness_on_rule(sender: Any, organization: Any, **kwargs: Any) -> None:
    refresh_readiness(organization)


@receiver(placement_changed, dispatch_uid="promotions.readiness_on_placement")
def readiness_on_placement(sender: Any, person: Any, **kwargs: Any) -> None:
    """That person alone, from the row the sender just wrote (a handful of queries)."""
    refresh_person(person)


@receiver(placements_changed, dispatch_uid="promotions.readiness_on_placements")
def readiness_on_placements(sender: Any, organization: Any, person_ids: Any, **kwargs: Any) -> None:
    """A bulk import's people, recomputed together (in batches) once it is written."""
    refresh_readiness(organization, person_ids)
