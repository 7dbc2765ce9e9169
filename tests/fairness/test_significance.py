"""The significance tests run outside the web process (fairness/significance.py): a web
process never imports scipy, statsmodels or pandas, its figures come from a short-lived
child process or from the stored ones, and they are the library's own, float for float.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from fairness import selectors
from fairness.analysis import analyse
from fairness.models import SignificanceResult
from fairness.selectors import fairness_analysis, observations, significance_of
from fairness.significance import FISHER, Z_TEST, compare_all, in_child, libraries
from organizations.scoping import scope
from tests.fairness.test_pages import biased, upload_biased  # noqa: F401 (a fixture)

# Fisher's (an expected count under 5), the z-test, a reference nobody else matches,
# everyone promoted in the reference group, and the hand-computed case of test_analysis
TABLES = [(2, 10, 9, 10), (21, 50, 48, 80), (0, 7, 5, 6), (3, 9, 12, 12), (140, 400, 90, 150)]
LIBRARIES = ("scipy", "statsmodels", "pandas")


@contextmanager
def libraries_refused(names: tuple[str, ...] = LIBRARIES) -> Iterator[None]:
    """`import scipy…` (and statsmodels, pandas) raises ImportError in this process while
    inside, even when another test loaded them already; child processes are not affected."""
    hidden = {
        name: module
        for name, module in sys.modules.items()
        if name.split(".")[0] in names and module is not None
    }
    blocked = [*hidden, *(n for n in names if n not in hidden)]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        for name in blocked:
            if name in hidden:
                sys.modules[name] = hidden[name]
            else:
                sys.modules.pop(name, None)


def test_the_child_process_gives_the_library_s_figures_exactly():
    expected = compare_all(TABLES)
    assert {c.test for c in expected.values()} == {FISHER, Z_TEST}
    with libraries_refused():
        got = in_child(TABLES)
    assert got == expected  # the same floats, not approximately


def test_the_child_refuses_what_is_not_a_table_of_counts():
    from fairness.significance import SignificanceUnavailable

    with pytest.raises(SignificanceUnavailable, match="not a 2×2 table"):
        in_child([(5, 3, 1, 2)])  # more promoted than considered


@pytest.mark.django_db
def test_stored_figures_are_the_library_s_and_spare_the_child(django_capture_on_commit_callbacks):
    expected = compare_all(TABLES)
    selectors._worked_out.clear()
    with libraries_refused(), django_capture_on_commit_callbacks(execute=True):
        assert significance_of(TABLES) == expected
    stored = SignificanceResult.objects.filter(libraries=libraries())
    assert stored.count() == len(TABLES)
    selectors._worked_out.clear()
    with (
        libraries_refused(),
        mock.patch.object(selectors, "in_child", side_effect=AssertionError("child run")),
    ):
        assert significance_of(TABLES) == expected  # read back: the same floats
    # another version of the libraries does not use these figures
    other = SignificanceResult.objects.filter(libraries="scipy 0.1; statsmodels 0.1")
    assert not other.exists()


@pytest.mark.django_db
def test_a_page_view_runs_no_child_once_the_figures_are_known(world, biased):  # noqa: F811
    hr = world.client_for(world.hr)
    selectors._worked_out.clear()
    with mock.patch.object(selectors, "in_child", wraps=selectors.in_child) as child:
        assert hr.get(reverse("fairness:index")).status_code == 200
        assert hr.get(reverse("fairness:index")).status_code == 200
        assert hr.get(reverse("fairness:export")).status_code == 200
    assert child.call_count == 1  # the first view worked them out, the rest knew them


@pytest.mark.django_db
def test_serving_fairness_never_imports_the_statistics_libraries(world, biased):  # noqa: F811
    """The page, its CSV and the API answer with scipy, statsmodels and pandas refused in
    this process, and give the figures the libraries give in this process."""
    from tests.api.conftest import make_token

    selectors._worked_out.clear()
    hr = world.client_for(world.hr)
    token = {"Authorization": f"Bearer {make_token(world.acme, world.hr, write=False)}"}
    with libraries_refused():
        page = hr.get(reverse("fairness:index"))
        export = hr.get(reverse("fairness:export"))
        api = Client().get("/api/v1/analytics/promotions?limit=200", headers=token)
    assert page.status_code == export.status_code == api.status_code == 200
    with scope(world.acme):
        found, _sources = observations()
        expected = analyse(found)  # the libraries, here
        served, _ = fairness_analysis()
    assert [g.comparison for g in served.groups] == [g.comparison for g in expected.groups]
    assert any(g.comparison for g in expected.groups)
    assert api.json()["items"] == expected.as_json()["groups"]
    assert "Two-proportion z-test, p = 0.0" in page.content.decode()


@pytest.mark.django_db
def test_when_the_statistics_cannot_run_the_pages_say_so(world, biased):  # noqa: F811
    """A child process that fails (or takes too long) gives HR a "try again" page, the CSV
    the same, and the API a 503 problem: never a server error."""
    from fairness.significance import SignificanceUnavailable
    from tests.api.conftest import make_token

    selectors._worked_out.clear()
    hr = world.client_for(world.hr)
    token = {"Authorization": f"Bearer {make_token(world.acme, world.hr, write=False)}"}
    failing = mock.patch.object(
        selectors, "in_child", side_effect=SignificanceUnavailable("exit 1: out of memory")
    )
    with failing:
        page = hr.get(reverse("fairness:index"))
        export = hr.get(reverse("fairness:export"))
        api = Client().get("/api/v1/analytics/promotions", headers=token)
    assert page.status_code == export.status_code == api.status_code == 503
    assert page["Retry-After"] == api["Retry-After"] == "30"
    assert "could not be run just now" in page.content.decode()
    assert "out of memory" not in page.content.decode()
    assert api.json()["status"] == 503 and "Try again" in api.json()["detail"]
    # and once it can run again, the page is back
    assert hr.get(reverse("fairness:index")).status_code == 200


@pytest.mark.django_db
def test_new_data_has_its_figures_worked_out_before_hr_looks(
    world, django_capture_on_commit_callbacks
):
    """An upload of past decisions has the worker work the figures out once it commits
    (`fairness.tasks.work_out_significance`, run at once by the tests' task backend), so
    HR's first view of the page waits for no child process."""
    selectors._worked_out.clear()
    with django_capture_on_commit_callbacks(execute=True):
        upload_biased(world)
    assert SignificanceResult.objects.filter(libraries=libraries()).exists()
    selectors._worked_out.clear()
    with mock.patch.object(selectors, "in_child", side_effect=AssertionError("HR waited")):
        page = world.client_for(world.hr).get(reverse("fairness:index"))
    assert page.status_code == 200
    assert "Two-proportion z-test, p = 0.0" in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("asked", [True, False], ids=["a question asked", "none asked"])
def test_a_decision_is_worked_out_where_questions_are_asked(
    world, asked, django_capture_on_commit_callbacks
):
    """A decided promotion case is one more decision in the analysis: where Acme asks a
    demographic question, its figures are worked out once the decision commits; where it
    asks none, there is nothing to analyse and nothing is queued."""
    from fairness import services, tasks
    from tests.promotions.factories import NOT_READY, promotion_team, reviewed
    from tests.promotions.helpers import case_in_review, decide

    with scope(world.acme):
        if asked:
            services.create_attribute(
                world.acme, actor=world.hr, name="Gender", options=["Woman", "Man"]
            )
        team = promotion_team(world)
        reviewed(world, team, NOT_READY)
        case = case_in_review(world, team)
        with (
            mock.patch.object(tasks, "work_out_significance") as task,
            django_capture_on_commit_callbacks(execute=True),
        ):
            decide(case, world.hr, "not_yet", "Not yet: the search rewrite is still to ship.")
    assert case.status == "decided"
    assert task.enqueue.call_args_list == ([mock.call(world.acme.pk)] if asked else [])


@pytest.mark.django_db
def test_one_transaction_queues_the_work_once(world, django_capture_on_commit_callbacks):
    """Forty people's answers in one transaction (the demo seed) queue one task; a change
    rolled back queues nothing, and does not stop the next change from queueing."""
    from django.db import transaction

    from fairness import services, tasks

    with (
        mock.patch.object(tasks, "work_out_significance") as task,
        django_capture_on_commit_callbacks(execute=True),
        scope(world.acme),
    ):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.refresh_significance(world.acme)
            raise RuntimeError("rolled back")
        services.refresh_significance(world.acme)
        services.refresh_significance(world.acme)
    assert task.enqueue.call_args_list == [mock.call(world.acme.pk)]
