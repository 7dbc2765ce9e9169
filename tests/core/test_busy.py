"""Finding 5 (its floor): a write that cannot get SQLite's lock, because another
organization's long import holds it, answers a clear "busy, try again" (503) instead of
a server error, after SQLITE_TIMEOUT; nothing of it is saved."""

from __future__ import annotations

import json

from django.db import OperationalError
from django.urls import reverse

from tests.processes import run_python

LOCKED_WRITE = """
import json, sqlite3, time
from django.conf import settings
from django.test import Client
from organizations.services import create_organization, create_user
from organizations.scoping import scope
from people.models import Person

user = create_user("hr@small.test", password="a-long-password-1", name="Hana")
org = create_organization(name="Small", slug="small", owner=user, owner_name="Hana")
client = Client()
client.force_login(user)
client.get("/people/add/")  # the session and the organization are settled first

other = sqlite3.connect(settings.DATABASES["default"]["NAME"], isolation_level=None)
other.execute("BEGIN IMMEDIATE")  # another organization's import holds the write lock
started = time.monotonic()
response = client.post("/people/add/", {"name": "Ann Lee", "email": "ann@small.test"})
elapsed = time.monotonic() - started
other.execute("ROLLBACK")
with scope(org):
    saved = Person.objects.filter(email="ann@small.test").exists()
print(json.dumps({
    "status": response.status_code,
    "retry": response.get("Retry-After"),
    "busy": "We are busy for a moment" in response.content.decode(),
    "elapsed": elapsed,
    "saved": saved,
}))
"""


def test_a_write_blocked_by_another_import_says_busy_not_500(file_db):
    out = json.loads(run_python(file_db, LOCKED_WRITE, SQLITE_TIMEOUT="0.5").splitlines()[-1])
    assert out["status"] == 503 and out["busy"] and out["retry"] == "5", out
    assert not out["saved"]
    assert out["elapsed"] < 5


def test_the_busy_page_is_shown_for_any_locked_write(world, monkeypatch):
    from people import views

    def locked(*args: object, **kwargs: object) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr(views, "create_person", locked)
    client = world.client_for(world.hr)
    response = client.post(reverse("people:add"), {"name": "Ann Lee", "email": "ann@acme.test"})
    assert response.status_code == 503
    assert "We are busy for a moment" in response.content.decode()
    assert "Nothing was saved" in response.content.decode()


def test_other_database_errors_are_not_hidden(world, monkeypatch):
    import pytest

    from people import views

    def broken(*args: object, **kwargs: object) -> None:
        raise OperationalError("no such table: people_person")

    monkeypatch.setattr(views, "create_person", broken)
    client = world.client_for(world.hr)
    with pytest.raises(OperationalError):
        client.post(reverse("people:add"), {"name": "Ann Lee", "email": "ann@acme.test"})
