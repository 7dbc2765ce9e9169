"""What the operator commands share: the organization a command names by its slug."""

from __future__ import annotations

from django.core.management.base import CommandError

from organizations.models import Organization


def organization_or_error(slug: str) -> Organization:
    """The organization with this slug (organizations themselves are not scoped to one),
    or a CommandError naming the slug."""
    org = Organization.objects.filter(slug=slug).first()
    if org is None:
        raise CommandError(f"No organization with the slug {slug!r}.")
    return org
