"""Background work for fairness analytics."""

from __future__ import annotations

from django.db import transaction
from django.tasks import task

from organizations.models import Organization
from organizations.scoping import scope


@task()
def work_out_significance(organization_id: int) -> None:
    """Work out and store the significance figures the organization's analysis needs now
    (after a decision, an answer or an upload changed its counts), so that HR's next view
    of Fairness analytics reads them instead of waiting for the child process
    (`fairness.selectors.significance_of`). Safe to run twice: figures are kept by their
    counts, and a table already stored is not worked out again."""
    from fairness.selectors import fairness_analysis

    org = Organization.objects.filter(pk=organization_id).first()
    if org is None:  # deleted meanwhile
        return
    with scope(org), transaction.atomic():
        fairness_analysis()
