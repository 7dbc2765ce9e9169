"""Finding 3 of the hardening review: rate limits hold across web processes (a shared
cache) and behind a reverse proxy (the client's forwarded address, believed only from a
trusted proxy); several workers refuse to start on a per-process cache."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from core.checks import check_shared_cache
from organizations.clientip import client_ip
from tests.conftest import PASSWORD
from tests.processes import ROOT, process_env, run_captured, run_python

TOO_MANY = "Too many failed login attempts"
FAIL_LOGINS = """
import json
from django.test import Client
client = Client(REMOTE_ADDR="{ip}")
out = []
for i in range({n}):
    data = {{"login": "victim@example.com", "password": f"wrong-{{i}}"}}
    r = client.post("/accounts/login/", data)
    out.append("{too_many}" in r.content.decode())
print(json.dumps(out))
"""


def _failures(db: Path, n: int, ip: str, **env: str) -> list[bool]:
    code = FAIL_LOGINS.format(n=n, ip=ip, too_many=TOO_MANY)
    return json.loads(run_python(db, code, **env).strip().splitlines()[-1])


@pytest.fixture(autouse=True)
def _clean_cache(db) -> None:
    cache.clear()


@pytest.mark.parametrize("backend", ["database", "locmem"])
def test_two_processes_share_the_failed_login_limit(file_db, backend):
    """5 failures per account in 5 minutes: two web processes together get 5, not 10, on
    the shared database cache. With a per-process cache (how it was) each got its own 5."""
    first = _failures(file_db, 3, "198.51.100.1", CACHE_BACKEND=backend)
    second = _failures(file_db, 3, "198.51.100.2", CACHE_BACKEND=backend)
    assert first == [False, False, False]
    if backend == "database":
        assert second == [False, False, True]  # the sixth failure in all is refused
    else:
        assert second == [False, False, False]  # the doubled limit the review found


def _request(remote: str, forwarded: str = "") -> object:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_forwarded_address_is_believed_only_from_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "127.0.0.1"]
    # through our proxy: the client is the address the proxy added
    assert client_ip(_request("127.0.0.1", "203.0.113.9")) == "203.0.113.9"
    # a client's own made-up entry on the left is not believed: the proxy appended the truth
    assert client_ip(_request("127.0.0.1", "1.2.3.4, 203.0.113.9")) == "203.0.113.9"
    # two proxies of ours in a row
    assert client_ip(_request("10.1.1.1", "203.0.113.9, 127.0.0.1")) == "203.0.113.9"
    # straight from the internet with a spoofed header: ignored
    assert client_ip(_request("198.51.100.7", "127.0.0.1")) == "198.51.100.7"
    # garbage stops the walk at the proxy
    assert client_ip(_request("127.0.0.1", "not-an-ip")) == "127.0.0.1"
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("127.0.0.1", "203.0.113.9")) == "127.0.0.1"


def _fail(client: Client, email: str, **extra: str) -> bool:
    response = client.post(
        reverse("account_login"), {"login": email, "password": "wrong-password"}, **extra
    )
    return TOO_MANY in response.content.decode()


def test_behind_the_proxy_each_client_has_its_own_limit(world, settings):
    """10 failures a minute per address: unknown e-mails from one client behind the proxy
    no longer lock out everyone else behind it."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    attacker = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66")
    results = [_fail(attacker, f"nobody{i}@example.com") for i in range(11)]
    assert results == [False] * 10 + [True]
    colleague = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    response = colleague.post(
        reverse("account_login"), {"login": "hana@acme.test", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_a_spoofed_forwarded_address_does_not_escape_the_limit(world, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    attacker = Client(REMOTE_ADDR="198.51.100.66")  # not our proxy
    results = [
        _fail(attacker, f"nobody{i}@example.com", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
        for i in range(11)
    ]
    assert results == [False] * 10 + [True]


def test_check_refuses_several_workers_on_a_per_process_cache(settings, monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    assert check_shared_cache() == []  # the database cache is shared
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    errors = check_shared_cache()
    assert [e.id for e in errors] == ["clb.E001"]
    assert "multiplied by 2" in errors[0].msg
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    assert check_shared_cache() == []


def test_gunicorn_refuses_two_workers_on_a_per_process_cache(tmp_path):
    env = process_env(tmp_path / "x.sqlite3", CACHE_BACKEND="locmem")
    del env["DJANGO_SETTINGS_MODULE"]  # as on a server: only clb/wsgi.py names it
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    done = run_captured(
        [gunicorn, "clb.wsgi:application", "--workers", "2", "--bind", "127.0.0.1:0"],
        env=env,
        timeout=60,
    )
    assert done.returncode != 0
    assert "2 web workers would each keep their own cache" in done.stderr


def test_gunicorn_starts_with_the_shared_cache(tmp_path):
    env = process_env(tmp_path / "x.sqlite3")
    del env["DJANGO_SETTINGS_MODULE"]
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    server = subprocess.Popen(
        [gunicorn, "clb.wsgi:application", "--workers", "2", "--bind", "127.0.0.1:0"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stderr is not None
        for line in server.stderr:  # gunicorn logs to stderr; stop at the first worker
            assert "Error" not in line, line
            if "Booting worker" in line:
                break
        assert server.poll() is None
    finally:
        server.terminate()
        server.wait(30)


def test_gunicorn_hook_lets_one_worker_or_a_shared_cache_start(settings):
    import importlib.util

    spec = importlib.util.spec_from_file_location("gconf", ROOT / "gunicorn.conf.py")
    assert spec and spec.loader
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    conf.on_starting(SimpleNamespace(cfg=SimpleNamespace(workers=4)))  # database cache
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    conf.on_starting(SimpleNamespace(cfg=SimpleNamespace(workers=1)))
    with pytest.raises(RuntimeError, match="multiplied by 4"):
        conf.on_starting(SimpleNamespace(cfg=SimpleNamespace(workers=4)))
