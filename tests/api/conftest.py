"""API fixtures: a token per persona, and a client that sends it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from organizations.scoping import scope


class ApiClient:
    """A test client that sends `Authorization: Bearer <token>` and JSON."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _call(self, method: str, path: str, json: Any = None, **kw: Any) -> Any:
        if path.startswith("http://testserver"):
            path = path.removeprefix("http://testserver")
        url = path if path.startswith("/") else f"/api/v1/{path}"
        fn = getattr(self.client, method)
        if json is not None:
            kw.update(data=json, content_type="application/json")
        return fn(url, headers=self.headers, **kw)

    def get(self, path: str, **kw: Any) -> Any:
        return self._call("get", path, **kw)

    def post(self, path: str, json: Any = None, **kw: Any) -> Any:
        return self._call("post", path, json, **kw)

    def patch(self, path: str, json: Any = None, **kw: Any) -> Any:
        return self._call("patch", path, json, **kw)

    def put(self, path: str, json: Any = None, **kw: Any) -> Any:
        return self._call("put", path, json, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self._call("delete", path, **kw)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    """Uploaded workbooks go to a temporary folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


def make_token(org: Any, user: Any, *, write: bool = True, days: int = 30) -> str:
    from api.tokens import create_token

    with scope(org):
        _token, raw = create_token(org, user=user, actor=user, name="Test", write=write, days=days)
    return raw


@pytest.fixture
def api_for(world: Any) -> Callable[..., ApiClient]:
    """api_for("hr") → a client with a write token of that persona (in their own org)."""

    def build(who: str, *, write: bool = True) -> ApiClient:
        user = getattr(world, who)
        org = world.globex if who == "outsider" else world.acme
        return ApiClient(make_token(org, user, write=write))

    return build
