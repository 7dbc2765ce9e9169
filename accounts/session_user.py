"""The signed-in user of a request, read with a prepared query (issue 15: CPU a request).

Every signed-in request loads its user: Django's `ModelBackend.get_user` builds and
compiles `User.objects.get(pk=…)` each time, about a third of a millisecond of CPU, more
than the database takes to answer. `AuthenticationMiddleware` here is Django's, with
`get_user` reading the row through a query compiled once per process
(`organizations/prepared.py`). Nothing is remembered between requests: the row is read
afresh each time, so a deactivated user, a changed password (the session's hash no
longer matches) or a deleted session signs the person out on their next request, as
before.

`get_user` follows `django.contrib.auth.get_user` step by step (the session's backend
must still be listed in AUTHENTICATION_BACKENDS, the session hash is verified, with the
fallback secrets); only a backend whose `get_user` is `ModelBackend`'s (Django's own and
allauth's) takes the prepared query, any other is asked as Django asks it.
`tests/accounts/test_session_user.py` holds it to Django's answer case by case.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from organizations.prepared import Prepared

USER = Prepared(
    lambda user_id: get_user_model()._default_manager.filter(pk=user_id).order_by()[:1],
    user_id=int,
)


def backend_user(backend: Any, user_id: Any) -> Any:
    """`backend.get_user(user_id)`, with the prepared query for ModelBackend's own."""
    if type(backend).get_user is not ModelBackend.get_user or type(user_id) is not int:
        return backend.get_user(user_id)
    user = USER.first(user_id=user_id)
    return user if user is not None and backend.user_can_authenticate(user) else None


def get_user(request: HttpRequest) -> Any:
    """`django.contrib.auth.get_user`, reading the user through `backend_user`."""
    user = None
    try:
        user_id = auth._get_user_session_key(request)  # type: ignore[attr-defined]
        backend_path = request.session[BACKEND_SESSION_KEY]
    except KeyError:
        pass
    else:
        if backend_path in settings.AUTHENTICATION_BACKENDS:
            user = backend_user(load_backend(backend_path), user_id)
            # Verify the session
            if hasattr(user, "get_session_auth_hash"):
                session_hash = request.session.get(HASH_SESSION_KEY)
                if not session_hash:
                    session_hash_verified = False
                else:
                    session_auth_hash = user.get_session_auth_hash()
                    session_hash_verified = constant_time_compare(session_hash, session_auth_hash)
                if not session_hash_verified:
                    # the session may have been signed with a fallback secret
                    if session_hash and any(
                        constant_time_compare(session_hash, fallback_auth_hash)
                        for fallback_auth_hash in user.get_session_auth_fallback_hash()
                    ):
                        request.session.cycle_key()
                        request.session[HASH_SESSION_KEY] = session_auth_hash
                    else:
                        request.session.flush()
                        user = None
    return user or AnonymousUser()


def _cached_user(request: HttpRequest) -> Any:
    if not hasattr(request, "_cached_user"):
        request._cached_user = get_user(request)  # type: ignore[attr-defined]
    return request._cached_user  # type: ignore[attr-defined]


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, with the user read through `get_user` above (the async path unchanged)."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _cached_user(request))  # type: ignore[assignment]
