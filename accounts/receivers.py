"""What accounts does when other apps report something (organizations/signals.py)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from organizations.signals import login_closed


@receiver(login_closed, dispatch_uid="accounts.end_sessions")
def end_sessions(sender: Any, organization: Any, user: Any, **kwargs: Any) -> None:
    """A closed login is logged out everywhere at once (allauth's user sessions know
    every session a user has; they end on every web process, as sessions live in the
    database)."""
    from allauth.usersessions.models import UserSession

    for session in UserSession.objects.filter(user=user):
        session.end()
