"""What fairness does when the apps below it change something it counts. Connected from
`FairnessConfig.ready`."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from fairness.models import DemographicAttribute
from fairness.services import refresh_significance
from organizations.scoping import scope
from promotions.models import PromotionCase


@receiver(post_save, sender=PromotionCase, dispatch_uid="fairness.promotion_case_saved")
def promotion_case_saved(
    sender: type[PromotionCase], instance: PromotionCase, **kwargs: Any
) -> None:
    """A decided case is one more decision in the analysis: have its figures worked out
    (where the organization asks a demographic question; otherwise there is none)."""
    if instance.status != PromotionCase.Status.DECIDED:
        return
    with scope(instance.organization):
        if DemographicAttribute.objects.exists():
            refresh_significance(instance.organization)
