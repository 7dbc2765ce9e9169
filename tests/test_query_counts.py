"""Query counts do not grow with the organization (issue 15): every main page and API
list makes the same number of queries at 20 and at 200 people, and at 1 and 6 released
review cycles of history.

The demo organization (`core.demo.seed`) is built once for the module at 20 people and
one released cycle, and every page is measured. Then it is topped up by copying rows in
bulk (tests/scale.py): 180 more people, each a copy of someone already there with all
their reviews, ratings, plans, cases and answers; measured again; then five more released
cycles, copies of the first one moved back in time; measured a third time. A page whose
count moves fails with the queries that changed."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.scale import add_cycles_of_history, add_people

# django_db makes pytest-django create the test database; the data lives in the module's
# fixture, built once and rolled back before the first test reads the figures. One xdist
# worker runs the module (`make test` uses --dist loadgroup), so it is built once.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("query_counts")]

SLUG = "qc"
SMALL, LARGE = 20, 200
SHORT, LONG = 1, 6

FAST = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "TASKS": {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}},
    # the API's rate-limit window and a token's "last used" write change with the clock,
    # not with the data: kept out of the counts (the cache in memory, the write once)
    "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
}


@dataclass
class Subjects:
    """The objects the URLs name, resolved once (public ids do not change as data grows)."""

    ids: dict[str, str] = field(default_factory=dict)

    def __getattr__(self, name: str) -> str:
        try:
            return self.ids[name]
        except KeyError:
            raise AttributeError(name) from None


def url(name: str, *args: str, query: str = "") -> Callable[[Subjects], str]:
    def build(s: Subjects) -> str:
        return reverse(name, args=[getattr(s, a) for a in args]) + query

    return build


def api(path: str) -> Callable[[Subjects], str]:
    def build(s: Subjects) -> str:
        return "/api/v1/" + path.format(**s.ids) + ("&" if "?" in path else "?") + "limit=200"

    return build


# (label, who looks, url). Personas: owner, hr (HR admin), manager (Marco, Emma's
# manager), employee (Emma). API rows use a read token of the persona.
PAGES: list[tuple[str, str, Callable[[Subjects], str]]] = [
    ("home (owner)", "owner", url("dashboard")),
    ("home (HR admin)", "hr", url("dashboard")),
    ("home (manager)", "manager", url("dashboard")),
    ("home (employee)", "employee", url("dashboard")),
    ("people list", "hr", url("people:list")),
    ("people list, search", "hr", url("people:list", query="?q=a")),
    ("person", "hr", url("people:detail", "emma")),
    ("org chart", "hr", url("people:org_chart")),
    ("my team (manager)", "manager", url("people:team")),
    ("frameworks", "hr", url("frameworks:index")),
    ("family page", "hr", url("frameworks:family", "family")),
    ("framework editor", "hr", url("frameworks:editor", "family")),
    ("my ladder (employee)", "employee", url("frameworks:my_ladder")),
    ("an employee's ladder (manager)", "manager", url("frameworks:person_ladder", "emma")),
    ("review cycles", "hr", url("reviews:cycles")),
    ("cycle set-up: name", "hr", url("reviews:setup_name", "draft_cycle")),
    ("cycle set-up: people", "hr", url("reviews:setup_people", "draft_cycle")),
    ("cycle set-up: inputs", "hr", url("reviews:setup_inputs", "draft_cycle")),
    ("cycle set-up: deadlines", "hr", url("reviews:setup_deadlines", "draft_cycle")),
    ("cycle set-up: next level", "hr", url("reviews:setup_next_level", "draft_cycle")),
    ("cycle set-up: check", "hr", url("reviews:setup_preview", "draft_cycle")),
    ("completion dashboard", "hr", url("reviews:cycle", "open_cycle")),
    ("completion, my team (manager)", "manager", url("reviews:team", "open_cycle")),
    ("my reviews (employee)", "employee", url("reviews:my_reviews")),
    ("my reviews (manager)", "manager", url("reviews:my_reviews")),
    ("review form (self)", "employee", url("reviews:form", "self_form")),
    ("review form (manager)", "manager", url("reviews:form", "manager_form")),
    ("calibration", "hr", url("reviews:calibration", "calibration_cycle")),
    ("calibration, released", "hr", url("reviews:calibration", "released_cycle")),
    ("results (employee)", "employee", url("reviews:results", "released_part")),
    ("gap report", "employee", url("growth:report", "released_part")),
    ("gap report (manager)", "manager", url("growth:report", "released_part")),
    ("team heatmap (manager)", "manager", url("growth:team")),
    ("team heatmap (HR admin)", "hr", url("growth:team")),
    ("development plan", "employee", url("growth:plan", "emma")),
    ("development plan (manager)", "manager", url("growth:plan", "emma")),
    ("promotion readiness", "hr", url("promotions:readiness", query="?show=everyone")),
    ("promotion cases", "hr", url("promotions:index")),
    ("promotion case", "hr", url("promotions:case", "case")),
    ("promotion rounds", "hr", url("promotions:rounds")),
    ("promotion round", "hr", url("promotions:round", "round")),
    ("fairness analytics", "hr", url("fairness:index")),
    ("audit log", "hr", url("organizations:audit_log")),
    ("members", "hr", url("organizations:members")),
    ("API /people", "hr", api("people")),
    ("API /people (manager)", "manager", api("people")),
    ("API /frameworks", "hr", api("frameworks")),
    ("API /cycles", "hr", api("cycles")),
    ("API /cycles/{id}", "hr", api("cycles/{open_cycle}")),
    ("API /cycles/{id}/forms", "hr", api("cycles/{open_cycle}/forms")),
    ("API /cycles/{id}/final-ratings", "hr", api("cycles/{calibration_cycle}/final-ratings")),
    ("API /action-items", "hr", api("action-items")),
    ("API /people/{id}/gap-report", "manager", api("people/{emma}/gap-report")),
    ("API /promotions", "hr", api("promotions")),
    ("API /promotions/readiness", "hr", api("promotions/readiness")),
    ("API /promotion-rounds", "hr", api("promotion-rounds")),
    ("API /analytics/promotions", "hr", api("analytics/promotions")),
]
LABELS = [label for label, _who, _url in PAGES]


@dataclass
class Measured:
    queries: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # stage → label → sql
    status: dict[str, dict[str, int]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)


def _subjects(org: Any) -> Subjects:
    from frameworks.models import JobFamily
    from people.models import Person
    from promotions.models import PromotionCase, PromotionRound
    from reviews.models import Participant, ReviewCycle, ReviewForm

    emma = Person.objects.get(email=f"employee@{SLUG}.test")
    cycles = ReviewCycle.objects.order_by("-created_at", "-pk")
    released = cycles.filter(status="released").first()
    open_cycle = cycles.filter(status="open").first()
    forms = ReviewForm.objects.filter(cycle=open_cycle, participant__person=emma)
    assert released and open_cycle
    return Subjects(
        {
            "emma": emma.public_id,
            "family": JobFamily.objects.get(key="product-management").public_id,
            "draft_cycle": cycles.filter(status="draft").get().public_id,
            "open_cycle": open_cycle.public_id,
            "calibration_cycle": cycles.filter(status="calibration").get().public_id,
            "released_cycle": released.public_id,
            "released_part": Participant.objects.get(cycle=released, person=emma).public_id,
            "self_form": forms.get(kind="self").public_id,
            "manager_form": forms.get(kind="manager").public_id,
            "case": PromotionCase.objects.filter(person__manager=emma.manager).first().public_id,
            "round": PromotionRound.objects.order_by("-pk").first().public_id,
        }
    )


def _prepare(org: Any) -> None:
    """What the demo lacks for some pages: a cycle being set up, one in calibration (a
    copy of the released one) and a draft ladder for the editor."""
    from frameworks.models import JobFamily
    from frameworks.services import start_draft
    from organizations.models import Membership, Role
    from reviews.models import ReviewCycle
    from reviews.services import create_cycle
    from tests.scale import copy_cycle

    hr = Membership.objects.get(organization=org, role=Role.HR_ADMIN).user
    create_cycle(org, name="Next half", actor=hr, rule={"kind": "everyone"})
    released = ReviewCycle.objects.filter(status="released").get()
    copy_cycle(
        released,
        apps={"reviews"},
        status="calibration",
        name="Calibration now",
        finalized_at=None,
        released_at=None,
    )
    start_draft(JobFamily.objects.get(key="product-management"), actor=hr)


def _clients(org: Any) -> dict[str, tuple[Client, dict[str, str]]]:
    """A logged-in client and API headers per persona."""
    from api.tokens import create_token

    User = get_user_model()
    out = {}
    for who, email in [
        ("owner", f"owner@{SLUG}.test"),
        ("hr", f"hr@{SLUG}.test"),
        ("manager", f"manager@{SLUG}.test"),
        ("employee", f"employee@{SLUG}.test"),
    ]:
        user = User.objects.get(email=email)
        client = Client()
        client.force_login(user)
        _token, raw = create_token(org, user=user, actor=user, name="qc", write=False, days=30)
        out[who] = (client, {"Authorization": f"Bearer {raw}"})
    return out


def _measure(clients: Any, subjects: Subjects, measured: Measured, stage: str) -> None:
    start, cpu = time.perf_counter(), time.process_time()
    queries, status = measured.queries.setdefault(stage, {}), measured.status.setdefault(stage, {})
    for label, who, build in PAGES:
        client, headers = clients[who]
        path = build(subjects)
        kw = {"headers": headers} if path.startswith("/api/") else {}
        if stage == STAGES[0][0]:
            client.get(path, **kw)  # warm: the session, caches filled on first use
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path, **kw)
        status[label] = response.status_code
        queries[label] = [q["sql"] for q in ctx.captured_queries]
    measured.seconds[stage] = time.perf_counter() - start
    measured.cpu[stage] = time.process_time() - cpu


@pytest.fixture(scope="module")
def measured(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Measured]:
    from core.demo import seed
    from organizations.scoping import scope
    from people.models import Person
    from reviews.models import ReviewCycle

    result = Measured()
    with (
        override_settings(**FAST),
        mock.patch("api.tokens.LAST_USED_EVERY", dt.timedelta(days=1)),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        start, cpu = time.perf_counter(), time.process_time()
        org = seed(SLUG, people=SMALL, cycles=SHORT).org
        with scope(org):
            _prepare(org)
            subjects = _subjects(org)
            clients = _clients(org)
        result.seconds["build"] = time.perf_counter() - start
        result.cpu["build"] = time.process_time() - cpu
        _measure(clients, subjects, result, "small")

        start, cpu = time.perf_counter(), time.process_time()
        with scope(org):
            add_people(org, LARGE - Person.objects.count())
            assert Person.objects.count() == LARGE
        result.seconds["grow people"] = time.perf_counter() - start
        result.cpu["grow people"] = time.process_time() - cpu
        _measure(clients, subjects, result, "people")

        start, cpu = time.perf_counter(), time.process_time()
        with scope(org):
            add_cycles_of_history(org, LONG - SHORT)
            assert ReviewCycle.objects.filter(status="released").count() == LONG
        result.seconds["grow history"] = time.perf_counter() - start
        result.cpu["grow history"] = time.process_time() - cpu
        _measure(clients, subjects, result, "history")
        transaction.set_rollback(True)
    print("\nseconds:", {k: round(v, 1) for k, v in result.seconds.items()})
    print("cpu seconds:", {k: round(v, 1) for k, v in result.cpu.items()})
    yield result


_LITERALS = re.compile(r"'(?:[^']|'')*'|\"s\d+_x\d+\"|\b\d+\b")  # strings, savepoints, numbers


def _shape(sql: str) -> str:
    return _LITERALS.sub("?", sql)


def _difference(small: list[str], large: list[str]) -> str:
    """The query shapes whose number changed, with one example of each."""
    a, b = Counter(map(_shape, small)), Counter(map(_shape, large))
    example = {_shape(q): q for q in [*small, *large]}
    lines = []
    for shape in sorted(set(a) | set(b), key=lambda s: (a[s] - b[s], s)):
        if a[shape] != b[shape]:
            lines.append(f"  {a[shape]:>4} → {b[shape]:<4} {example[shape][:600]}")
    return "\n".join(lines)


# stage, and what it adds to the one before
STAGES = [
    ("small", f"{SMALL} people, {SHORT} cycle"),
    ("people", f"{LARGE} people"),
    ("history", f"{LONG} cycles"),
]


@pytest.mark.parametrize("label", LABELS)
def test_queries_do_not_grow(measured: Measured, label: str) -> None:
    for stage, words in STAGES:
        assert measured.status[stage][label] == 200, f"{label} at {words}"
    problems = []
    for (before, words_before), (after, words_after) in itertools.pairwise(STAGES):
        small, large = measured.queries[before][label], measured.queries[after][label]
        if len(small) != len(large):
            problems.append(
                f"{label}: {len(small)} queries at {words_before}, {len(large)} at "
                f"{words_after}:\n{_difference(small, large)}"
            )
    assert not problems, "\n\n".join(problems)
