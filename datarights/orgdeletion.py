"""Deleting an organization through the registry: every declared model's rows of the
organization go with plain SQL (no cascade, no model guards: a decided promotion or a
published ladder is deleted with its organization), a nullable key to the organization
is cleared instead (Stripe's event ids, the deletion's own record), logins used only
there are deleted, and the database checks every key before the commit, so a table
nobody declared makes the deletion fail rather than leave rows behind."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection, models

from datarights.registry import declarations
from organizations.db_guards import purging
from organizations.models import Membership, Organization


def delete_everything(org: Organization) -> tuple[int, list[str]]:
    # published framework rows refuse deletes except inside purging() (frameworks/db_guards)
    with purging(connection.alias):
        return _delete_everything(org)


def _delete_everything(org: Organization) -> tuple[int, list[str]]:
    members = set(Membership._base_manager.filter(organization=org).values_list("user", flat=True))
    elsewhere = set(
        Membership._base_manager.filter(user__in=members)
        .exclude(organization=org)
        .values_list("user", flat=True)
    )
    rows = 0
    files: list[str] = []
    for declaration in declarations():
        if declaration.organization != "organization":
            continue  # logins (below), the organization itself (last)
        model = declaration.model
        qs: models.QuerySet = models.QuerySet(model).filter(organization=org.pk)
        if model._meta.get_field("organization").null:
            qs.update(organization=None)
            continue
        for column in declaration.files:
            files.extend(name for name in qs.values_list(column, flat=True) if name)
        rows += qs._raw_delete(connection.alias) or 0
    only_here = members - elsewhere
    if only_here:
        rows += get_user_model().objects.filter(pk__in=only_here).delete()[0]
    models.QuerySet(Organization).filter(pk=org.pk)._raw_delete(connection.alias)
    connection.check_constraints()  # an undeclared table still pointing here fails the commit
    return rows + 1, files
