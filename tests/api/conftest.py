"""API fixtures: a token per persona, and a client that sends it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

from organizations.scoping import scope
from tests.conftest import file_storages


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


@dataclass
class Built:
    """What the API walks need of Acme, built once per module (`built`)."""

    objects: dict[str, Any]  # tests/api/routes.py build_objects
    tokens: dict[str, str]  # Acme's write tokens, by role
    outsider: str  # Globex's owner's
    reader: str  # Acme's owner's read-only token


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory: Any) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media(settings: Any, media_dir: Path) -> None:
    """Uploaded workbooks go to a temporary folder, one per module, so what a module
    fixture uploaded (`built`) stays readable by each of its tests."""
    settings.STORAGES = file_storages(media_dir)


@pytest.fixture(scope="module")
def built(module_world: Any, module_db: Any, media_dir: Path) -> Built:
    """The objects the operations name and the callers' tokens, built once for the module
    (tests/conftest.py `module_db`); a module using it overrides `world` with `fresh_world`."""
    from tests.api import routes
    from tests.conftest import fast_settings

    w = module_world
    with module_db.unblock(), fast_settings(), override_settings(STORAGES=file_storages(media_dir)):
        with scope(w.acme):
            objects = routes.build_objects(w)
        return Built(
            objects,
            {role: make_token(w.acme, getattr(w, role)) for role in routes.ROLES},
            make_token(w.globex, w.outsider),
            make_token(w.acme, w.owner, write=False),
        )


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
