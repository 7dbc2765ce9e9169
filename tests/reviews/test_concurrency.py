"""Many reviewers autosaving and submitting at once all land; two saves of one form from
the same revision never both land. Real threads and connections, on PostgreSQL (SQLite
serialises writers, and the in-memory test database is one connection)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from organizations.scoping import scope
from reviews import services
from reviews.models import FormItem, ReviewForm
from reviews.services import StaleError
from tests.reviews.factories import team
from tests.reviews.helpers import open_cycle

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a server database"),
]


def run_threads(org: Any, jobs: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def work(n: int, job: Callable[[], Any]) -> None:
        from django.db import connections

        try:
            with scope(org):
                barrier.wait(timeout=10)
                results[n] = job()
        except Exception as exc:  # collected for the assertion
            results[n] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n, job)) for n, job in enumerate(jobs)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    return results


def answer_all(form: ReviewForm, user: Any, rating: int) -> ReviewForm:
    form = ReviewForm.objects.select_related("cycle", "participant__person", "organization").get(
        pk=form.pk
    )
    for item in FormItem.objects.filter(form=form):
        form.revision = services.save_answers(
            form,
            answers=[{"statement": item.statement_uid, "rating": rating, "comment": "ok"}],
            expected_revision=form.revision,
            actor=user,
        )
    return services.submit_form(form, expected_revision=form.revision, actor=user)


def test_many_reviewers_autosave_and_submit_at_once(world):
    with scope(world.acme):
        t = team(world)
        cycle = open_cycle(world, t, people=[t.emma, *t.peers, t.max])
        forms = list(ReviewForm.objects.filter(cycle=cycle).select_related("reviewer__user"))
    assert len(forms) == 13  # 5 self, 5 manager (Max by Olivia), Emma's 3 peers
    jobs = [
        (lambda f=f: answer_all(f, f.reviewer.user, 3))
        for f in forms
        if f.reviewer.user is not None
    ]
    results = run_threads(world.acme, jobs)
    assert not [r for r in results if isinstance(r, Exception)], results
    with scope(world.acme):
        assert ReviewForm.objects.filter(cycle=cycle, status="submitted").count() == len(jobs)
        assert (
            not FormItem.objects.filter(form__cycle=cycle, rating__isnull=True)
            .filter(form__status="submitted")
            .exists()
        )


def test_two_saves_from_one_revision_never_both_land(world):
    with scope(world.acme):
        t = team(world)
        cycle = open_cycle(world, t, inputs={"self": True, "manager": False, "peers": 0})
        form = ReviewForm.objects.get(cycle=cycle)
        item = FormItem.objects.filter(form=form).first()

    def save(rating: int) -> int:
        fresh = ReviewForm.objects.select_related("cycle", "participant__person").get(pk=form.pk)
        return services.save_answers(
            fresh,
            answers=[{"statement": item.statement_uid, "rating": rating}],
            expected_revision=0,
            actor=world.employee,
        )

    results = run_threads(world.acme, [lambda: save(2), lambda: save(5)])
    won = [r for r in results if r == 1]
    lost = [r for r in results if isinstance(r, StaleError)]
    assert len(won) == 1 and len(lost) == 1, results
    with scope(world.acme):
        item.refresh_from_db()
        form.refresh_from_db()
    assert form.revision == 1 and item.rating in (2, 5)
