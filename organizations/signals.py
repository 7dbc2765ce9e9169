"""Signals other apps listen to, so that no app imports another's internals.

`login_closed` is sent when a user's login to an organization closes (their person is
deactivated in the directory, or a provisioning system such as SCIM deactivates them).
Receivers end whatever that login still holds open, e.g. the API app revokes the user's
API tokens in that organization. Keyword arguments: `organization`, `user`, `actor`.
"""

from django.dispatch import Signal

login_closed = Signal()


def send_login_closed(organization, user, *, actor=None) -> None:  # type: ignore[no-untyped-def]
    login_closed.send(sender=type(organization), organization=organization, user=user, actor=actor)
