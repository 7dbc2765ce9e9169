"""Deadline day, for locust (run by bench/load/run.py; `make load`).

Each simulated person takes one login of the plan bench/load/db.py wrote (LOAD_PLAN) and
logs in. Once everyone is in, the measured window of LOAD_DURATION seconds starts (the
statistics are reset, so logins are reported on their own: a login hashes a password,
about a second of a core by design). In the window each person arrives at a random
moment of its first LOAD_ARRIVAL seconds (10; 0: all at once) and opens Reviews (managers
their team page too), then each of their forms in turn: opens it, autosaves the whole
form every few seconds as the page's htmx does (a few more ratings and a comment each
time), rates what is left and submits. Done with their forms, they read: Reviews and a
submitted form now and then. At the end of the window nobody starts a new request; the
ones in flight finish, then the ledger (LOAD_LEDGER) is written: for every form whether
it was submitted and the answers of its last acknowledged save, with the window's
figures (exact percentiles of every response time in it).

The server runs the production settings behind a TLS proxy that isn't there: requests
say X-Forwarded-Proto: https, POSTs carry the Origin and Referer a browser sends, and the
cookies the server marks Secure are sent back over the plain loopback connection.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import gevent
from gevent.event import Event
from gevent.lock import Semaphore
from locust import FastHttpUser, events, task
from locust.exception import StopUser

PLAN: dict[str, Any] = (
    json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
    if os.environ.get("LOAD_PLAN")
    else {"users": [], "password": "", "cycle": ""}
)
DURATION = float(os.environ.get("LOAD_DURATION", "60"))
LEDGER = os.environ.get("LOAD_LEDGER", "")
SAVE_WAIT = (1.0, 3.0)  # seconds between autosaves ("every few seconds")
SAVES = (3, 6)  # autosaves per form before it is submitted
READ_WAIT = (3.0, 6.0)  # once done: seconds between reads
# people arrive over the window's first seconds (each at a random moment in them), not
# all in the same millisecond: 0 sends everyone's first request at once
ARRIVAL = float(os.environ.get("LOAD_ARRIVAL", "10"))
GRACE = 30.0  # seconds the requests in flight get at the end of the window
# logins at a time: one per gunicorn worker, so they queue here and not in the server's
# backlog, where they time out (a login hashes the password for about a second)
LOGINS_AT_ONCE = int(os.environ.get("LOAD_LOGINS_AT_ONCE", "4"))

RATING = re.compile(r'name="rating-([A-Za-z0-9]+)" id="r-[A-Za-z0-9]+-(\d+)"')
SUMMARY = re.compile(r'name="summary-([A-Za-z0-9]+)"')
REVISION = re.compile(r'id="form-revision" value="(\d+)"')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Run:
    """What the whole run shares (one locust process, gevent: no locks needed)."""

    logins = iter(PLAN["users"])
    ready = 0
    in_flight = 0
    go = Event()
    login_gate = Semaphore(LOGINS_AT_ONCE)
    stop = Event()
    started = 0.0
    ended = 0.0
    login_times: list[float] = []
    login_failures = 0
    times: dict[str, list[float]] = {}
    failures: dict[str, int] = {}
    forms: dict[str, dict[str, Any]] = {}
    environment: Any = None


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def summary() -> dict[str, Any]:
    window = max(Run.ended - Run.started, 1e-9)
    every = [t for ts in Run.times.values() for t in ts]
    by_name = {
        name: {
            "requests": len(ts),
            "errors": Run.failures.get(name, 0),
            "p50_ms": round(_percentile(ts, 0.50), 1),
            "p95_ms": round(_percentile(ts, 0.95), 1),
            "p99_ms": round(_percentile(ts, 0.99), 1),
        }
        for name, ts in sorted(Run.times.items())
    }
    return {
        "window_s": round(window, 1),
        "requests": len(every),
        "errors": sum(Run.failures.values()),
        "rps": round(len(every) / window, 1),
        "p50_ms": round(_percentile(every, 0.50), 1),
        "p95_ms": round(_percentile(every, 0.95), 1),
        "p99_ms": round(_percentile(every, 0.99), 1),
        "by_name": by_name,
        "logins": len(Run.login_times),
        "login_errors": Run.login_failures,
        "login_p50_ms": round(_percentile(Run.login_times, 0.50), 1),
        "login_p95_ms": round(_percentile(Run.login_times, 0.95), 1),
    }


@events.request.add_listener
def _count(name: str, response_time: float, exception: Any, **_kw: Any) -> None:
    if name == "login":
        Run.login_times.append(response_time)
        Run.login_failures += exception is not None
    if not Run.go.is_set() or Run.ended:
        return
    Run.times.setdefault(name, []).append(response_time)
    if exception is not None:
        Run.failures[name] = Run.failures.get(name, 0) + 1


@events.init.add_listener
def _init(environment: Any, **_kw: Any) -> None:
    Run.environment = environment


def _expected_users() -> int:
    options = getattr(Run.environment, "parsed_options", None)
    wanted = int(getattr(options, "num_users", 0) or 0) or len(PLAN["users"])
    return min(wanted, len(PLAN["users"]))


def _start_window() -> None:
    Run.environment.runner.stats.reset_all()
    Run.started = time.monotonic()
    if LEDGER:  # tells the driver to read the web workers' CPU time now
        Path(LEDGER + ".started").touch()
    Run.go.set()
    gevent.spawn_later(DURATION, _end_window)


def _end_window() -> None:
    Run.stop.set()
    deadline = time.monotonic() + GRACE
    while Run.in_flight and time.monotonic() < deadline:
        gevent.sleep(0.05)
    Run.ended = time.monotonic()
    if LEDGER:
        Path(LEDGER + ".ended").touch()
        Path(LEDGER).write_text(json.dumps({"stats": summary(), "forms": Run.forms}))
    Run.environment.runner.quit()


class Person(FastHttpUser):
    """One reviewer on deadline day."""

    network_timeout = 120.0
    connection_timeout = 30.0

    def on_start(self) -> None:
        try:
            self.login = next(Run.logins)
        except StopIteration:
            raise StopUser() from None
        self.email = self.login["email"]
        self.submitted: list[str] = []
        # each person from their own address, as behind the proxy (rate limits are per
        # address: 200 logins from one would be refused as an attack)
        n = PLAN["users"].index(self.login) + 1
        self.headers = {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
        }
        self.origin = "https://" + self.host.split("://", 1)[1].rstrip("/")
        ok = False
        try:
            with Run.login_gate:
                ok = self._log_in()
        finally:  # counted even when it failed, so the window always starts
            Run.ready += 1
            if Run.ready >= _expected_users() and not Run.go.is_set():
                _start_window()
        if not ok:
            raise StopUser()

    # --- requests ------------------------------------------------------------------------

    def _unsecure(self) -> None:
        """Send the Secure cookies over http://127.0.0.1 (the proxy would be https)."""
        for cookie in self.client.cookiejar:
            cookie.secure = False

    def _csrf(self) -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return str(cookie.value)
        return ""

    def _post_headers(self, referer: str, htmx: bool = False) -> dict[str, str]:
        headers = {
            **self.headers,
            "Origin": self.origin,
            "Referer": self.origin + referer,
            "X-CSRFToken": self._csrf(),
        }
        if htmx:
            headers |= {"HX-Request": "true", "HX-Current-URL": self.origin + referer}
        return headers

    @contextmanager
    def _post(
        self, path: str, data: dict[str, str], referer: str, name: str, htmx: bool = False
    ) -> Iterator[Any]:
        """A form's POST as the browser sends it (CSRF token, Origin and Referer); a redirect
        is answered, not followed, except to htmx. The caller judges the answer."""
        with self.client.post(
            path,
            data=data,
            headers=self._post_headers(referer, htmx=htmx),
            name=name,
            allow_redirects=htmx,
            catch_response=True,
        ) as r:
            self._unsecure()
            yield r

    def _log_in(self) -> bool:
        with self.client.get(
            "/accounts/login/", headers=self.headers, name="login page", catch_response=True
        ) as r:
            self._unsecure()
            found = CSRF_INPUT.search(r.text or "")
            if r.status_code != 200 or not found:
                r.failure(f"login page: {r.status_code}")
                return False
        data = {
            "login": self.email,
            "password": PLAN["password"],
            "csrfmiddlewaretoken": found.group(1),
        }
        with self._post("/accounts/login/", data, "/accounts/login/", "login") as r:
            where = (r.headers or {}).get("Location") or ""
            if r.status_code != 302 or "/accounts/" in where:
                r.failure(f"login refused: {r.status_code} {where}")
                return False
        return True

    def _get(self, path: str, name: str, must: str = "") -> str | None:
        if Run.stop.is_set():
            raise StopUser()
        Run.in_flight += 1
        try:
            with self.client.get(path, headers=self.headers, name=name, catch_response=True) as r:
                self._unsecure()
                if r.status_code != 200 or (must and must not in (r.text or "")):
                    r.failure(f"{r.status_code}, {len(r.text or '')} bytes")
                    return None
                return r.text or ""
        finally:
            Run.in_flight -= 1

    def _wait(self, span: tuple[float, float]) -> None:
        if Run.stop.wait(random.uniform(*span)):
            raise StopUser()

    # --- deadline day ----------------------------------------------------------------------

    @task
    def deadline_day(self) -> None:
        Run.go.wait()
        if ARRIVAL:
            self._wait((0.0, ARRIVAL))
        self._get("/reviews/", "my reviews", must="</html>")
        if self.login["role"] == "manager":
            self._get(f"/reviews/cycles/{PLAN['cycle']}/team/", "team", must="</html>")
        for form_id in self.login["forms"]:
            if form_id not in Run.forms:
                self._fill(form_id)
        while True:  # done: reads now and then
            self._wait(READ_WAIT)
            self._get("/reviews/", "my reviews", must="</html>")
            if self.submitted:
                self._wait(READ_WAIT)
                form_id = random.choice(self.submitted)
                self._get(f"/reviews/forms/{form_id}/", "read form", must="</html>")

    def _fill(self, form_id: str) -> None:
        path = f"/reviews/forms/{form_id}/"
        page = self._get(path, "open form", must='id="review-form"')
        if page is None:
            return
        scale: dict[str, list[int]] = {}
        for uid, value in RATING.findall(page):
            scale.setdefault(uid, []).append(int(value))
        uids = list(scale)
        found = REVISION.search(page)
        if not uids or found is None:
            return
        entry: dict[str, Any] = {"user": self.email, "submitted": False, "answers": None}
        Run.forms[form_id] = entry
        revision = int(found.group(1))
        ratings: dict[str, int] = {}
        comments: dict[str, str] = {}
        summaries = {uid: "" for uid in SUMMARY.findall(page)}
        overall: str | None = "" if 'name="overall_comment"' in page else None
        saves = random.randint(*SAVES)
        chunk = -(-len(uids) // (saves + 1))
        for n in range(saves):
            self._wait(SAVE_WAIT)
            for uid in uids[n * chunk : (n + 1) * chunk]:
                ratings[uid] = random.choice(scale[uid])
            comments[random.choice(uids)] = f"{self.email} on {form_id}, save {n + 1}"
            if overall is not None:
                overall = f"Overall, save {n + 1}"
            fields = self._fields(uids, ratings, comments, summaries, overall, revision)
            revision = self._autosave(form_id, fields, entry, ratings, comments, revision)
            if revision < 0:
                return
        self._wait(SAVE_WAIT)
        for uid in uids:
            ratings.setdefault(uid, random.choice(scale[uid]))
        self._submit(
            form_id, self._fields(uids, ratings, comments, summaries, overall, revision), entry
        )
        if entry["submitted"]:
            entry["answers"] = self._answers(uids, ratings, comments)
            self.submitted.append(form_id)

    @staticmethod
    def _answers(uids: list[str], ratings: dict, comments: dict) -> dict[str, list[Any]]:
        return {uid: [ratings.get(uid), comments.get(uid, "")] for uid in uids}

    def _fields(
        self,
        uids: list[str],
        ratings: dict[str, int],
        comments: dict[str, str],
        summaries: dict[str, str],
        overall: str | None,
        revision: int,
    ) -> dict[str, str]:
        """The whole form, as the browser posts it (unchosen radios are left out)."""
        fields = {"csrfmiddlewaretoken": self._csrf(), "revision": str(revision)}
        for uid in uids:
            if uid in ratings:
                fields[f"rating-{uid}"] = str(ratings[uid])
            fields[f"comment-{uid}"] = comments.get(uid, "")
            fields[f"evidence-{uid}"] = ""
            fields[f"evidence_kind-{uid}"] = ""
        for uid, text in summaries.items():
            fields[f"summary-{uid}"] = text
        if overall is not None:
            fields["overall_comment"] = overall
        return fields

    def _autosave(
        self,
        form_id: str,
        fields: dict[str, str],
        entry: dict[str, Any],
        ratings: dict[str, int],
        comments: dict[str, str],
        revision: int,
    ) -> int:
        """The form's new revision, or -1 when the save was refused or unanswered."""
        if Run.stop.is_set():
            raise StopUser()
        path = f"/reviews/forms/{form_id}/"
        entry["certain"] = False
        Run.in_flight += 1
        try:
            with self._post(path + "save/", fields, path, "autosave", htmx=True) as r:
                text = r.text or ""
                found = REVISION.search(text)
                if r.status_code != 200 or "save-status__ok" not in text or found is None:
                    if r.status_code:  # an answer: nothing was saved
                        entry["certain"] = True
                    r.failure(f"autosave: {r.status_code} {text[:200]!r}")
                    return -1
        finally:
            Run.in_flight -= 1
        entry["certain"] = True
        entry["answers"] = self._answers(list(fields_uids(fields)), ratings, comments)
        return int(found.group(1))

    def _submit(self, form_id: str, fields: dict[str, str], entry: dict[str, Any]) -> None:
        if Run.stop.is_set():
            raise StopUser()
        path = f"/reviews/forms/{form_id}/"
        entry["submitted"] = None  # until an answer says otherwise
        entry["certain"] = False
        Run.in_flight += 1
        try:
            with self._post(path + "submit/", fields, path, "submit") as r:
                where = (r.headers or {}).get("Location") or ""
                if r.status_code == 302 and where.rstrip("/").endswith("/reviews"):
                    entry["submitted"] = True
                    entry["certain"] = True
                elif r.status_code:  # refused; its answers may have been saved first
                    entry["submitted"] = False
                    r.failure(f"submit: {r.status_code} {where or (r.text or '')[:200]!r}")
                else:
                    r.failure("submit: no answer")
        finally:
            Run.in_flight -= 1


def fields_uids(fields: dict[str, str]) -> list[str]:
    return [key.removeprefix("comment-") for key in fields if key.startswith("comment-")]
