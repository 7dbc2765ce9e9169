"""The request's user read with a prepared query (accounts/session_user.py) gives what
Django's `django.contrib.auth.get_user` gives, case by case, and leaves the session as
Django leaves it (flushed when the hash no longer matches, re-keyed on a fallback secret).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from accounts import session_user
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

DJANGO = "django.contrib.auth.backends.ModelBackend"
ALLAUTH = "allauth.account.auth_backends.AuthenticationBackend"


def sessions_of(user: Any, backend: str) -> tuple[str, str]:
    """Two sessions of the user, alike but for their keys: one for us, one for Django."""
    keys = []
    for _ in range(2):
        client = Client()
        client.force_login(user, backend=backend)
        keys.append(client.session.session_key)
    return keys[0], keys[1]


def request_with(session_key: str) -> Any:
    request = RequestFactory().get("/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return request


def edit(keys: tuple[str, str], **values: Any) -> None:
    for key in keys:
        store = request_with(key).session
        for name, value in values.items():
            if value is None:
                del store[name]
            else:
                store[name] = value
        store.save()


def both(keys: tuple[str, str]) -> tuple[Any, Any, dict[str, Any]]:
    """Our user, Django's, and the session ours left (the same as Django's, but its key)."""
    ours_request, django_request = request_with(keys[0]), request_with(keys[1])
    ours = session_user.get_user(ours_request)
    theirs = auth.get_user(django_request)
    ours_session = dict(ours_request.session.items())
    assert ours_session == dict(django_request.session.items())
    assert (ours_request.session.session_key is None) == (
        django_request.session.session_key is None
    )
    return ours, theirs, ours_session


@pytest.mark.parametrize("backend", [DJANGO, ALLAUTH])
def test_a_signed_in_session_gives_the_same_user(backend: str) -> None:
    user = make_user("kim@example.com", "Kim Lee")
    ours, theirs, _ = both(sessions_of(user, backend))
    assert ours.is_authenticated and theirs.is_authenticated
    assert ours.pk == theirs.pk == user.pk
    assert {f.attname: getattr(ours, f.attname) for f in ours._meta.concrete_fields} == {
        f.attname: getattr(theirs, f.attname) for f in theirs._meta.concrete_fields
    }
    assert ours._state.db == theirs._state.db and not ours._state.adding


def test_one_query_read_afresh_every_time() -> None:
    user = make_user("kim@example.com")
    key = sessions_of(user, DJANGO)[0]
    with CaptureQueriesContext(connection) as first:
        assert session_user.get_user(request_with(key)).first_name == ""
    user.first_name = "Changed"
    user.save(update_fields=["first_name"])
    with CaptureQueriesContext(connection) as second:
        assert session_user.get_user(request_with(key)).first_name == "Changed"
    queries = first.captured_queries + second.captured_queries
    assert len([q for q in queries if "auth_user" in q["sql"]]) == 2


@pytest.mark.parametrize("change", ["inactive", "password", "deleted", "no hash"])
def test_a_session_that_no_longer_holds_signs_out_as_django_does(change: str) -> None:
    user = make_user("kim@example.com")
    keys = sessions_of(user, DJANGO)
    if change == "inactive":
        user.is_active = False
        user.save(update_fields=["is_active"])
    elif change == "password":
        user.set_password("another-long-password")
        user.save(update_fields=["password"])
    elif change == "deleted":
        user.delete()
    else:
        edit(keys, **{HASH_SESSION_KEY: None})
    ours, theirs, ours_session = both(keys)
    assert not ours.is_authenticated and not theirs.is_authenticated
    if change in ("password", "no hash"):
        assert SESSION_KEY not in ours_session  # flushed


def test_a_backend_no_longer_listed_is_refused() -> None:
    user = make_user("kim@example.com")
    keys = sessions_of(user, DJANGO)
    edit(keys, **{BACKEND_SESSION_KEY: "django.contrib.auth.backends.RemoteUserBackend"})
    ours, theirs, _ = both(keys)
    assert not ours.is_authenticated and not theirs.is_authenticated


def test_a_session_hashed_with_a_fallback_secret_is_kept_and_rehashed() -> None:
    user = make_user("kim@example.com")
    with override_settings(SECRET_KEY="an-old-secret-key-" * 3):
        keys = sessions_of(user, DJANGO)
    with override_settings(
        SECRET_KEY="a-new-secret-key-" * 3, SECRET_KEY_FALLBACKS=["an-old-secret-key-" * 3]
    ):
        ours, theirs, ours_session = both(keys)
        assert ours.pk == theirs.pk == user.pk
        assert ours_session[HASH_SESSION_KEY] == user.get_session_auth_hash()


def test_another_backend_is_asked_as_django_asks_it() -> None:
    class Other(ModelBackend):
        def get_user(self, user_id: Any) -> Any:
            return None

    user = make_user("kim@example.com")
    assert session_user.backend_user(Other(), user.pk) is None
    assert session_user.backend_user(ModelBackend(), user.pk).pk == user.pk
    assert session_user.backend_user(ModelBackend(), 10**9) is None


def test_the_middleware_is_in_the_stack() -> None:
    assert "accounts.session_user.AuthenticationMiddleware" in settings.MIDDLEWARE
    assert "django.contrib.auth.middleware.AuthenticationMiddleware" not in settings.MIDDLEWARE
