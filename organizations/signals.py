"""Signals other apps listen to, so that no app imports another's internals.

`login_closed` is sent when a user's login to an organization closes (their person is
deactivated in the directory, or a provisioning system such as SCIM deactivates them).
Receivers end whatever that login still holds open, e.g. the API app revokes the user's
API tokens in that organization. Keyword arguments: `organization`, `user`, `actor`.

This module imports no app: the apps above `organizations` send and receive here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.dispatch import Signal

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from organizations.actors import Actor
    from organizations.models import Organization

login_closed = Signal()

# sent inside `organizations.services.create_organization`'s transaction, in the new
# organization's scope, once its owner's membership exists (people makes the owner the
# first person of the directory). Keyword arguments: `organization`, `owner`, `owner_name`.
organization_created = Signal()

# sent by `manage.py db_worker` as it starts, before it takes any task (e.g. to clean
# up jobs a killed worker left behind)
worker_started = Signal()


def send_login_closed(organization: Organization, user: User, *, actor: Actor = None) -> None:
    login_closed.send(sender=type(organization), organization=organization, user=user, actor=actor)
