"""The scheduler (jobs/): one run per job and slot, claimed once, per organization in its
scope, failures isolated, retried with a backoff, visible to the operator; and the real
hooks — review reminders, overdue action items, trial notices — sent once."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from jobs import scheduler
from jobs.models import ScheduledRun
from jobs.schedule import DAY, HOUR, Job, jobs
from organizations.models import Organization
from organizations.scoping import active_organization, scope

pytestmark = pytest.mark.django_db
UTC = dt.UTC
NAMES = sorted(job.name for job in jobs())


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_slots_are_the_latest_period_started():
    daily = Job("d", "", "x", DAY, at=dt.timedelta(hours=6))
    assert daily.slot(at("2026-05-03 05:59")) == at("2026-05-02 06:00")
    assert daily.slot(at("2026-05-03 06:00")) == at("2026-05-03 06:00")
    assert daily.slot(at("2026-05-03 23:10")) == at("2026-05-03 06:00")
    hourly = Job("h", "", "x", HOUR)
    assert hourly.slot(at("2026-05-03 10:59:59")) == at("2026-05-03 10:00")


def test_a_tick_makes_each_due_run_once(world, django_capture_on_commit_callbacks):
    now = at("2026-05-03 07:30")
    with django_capture_on_commit_callbacks() as queued:
        made = scheduler.tick(now)
    assert sorted(r.job for r in made) == NAMES
    assert len(queued) == len(NAMES)  # queued after commit, one task each
    # the same minute on another worker, and a later minute of the same day
    assert scheduler.tick(now) == []
    hourly = ["billing", "organization-deletions"]
    assert [r.job for r in scheduler.tick(now + dt.timedelta(minutes=40))] == hourly
    assert sorted(r.job for r in scheduler.tick(now + DAY)) == NAMES
    assert ScheduledRun.objects.count() == 2 * len(NAMES) + len(hourly)


def test_runs_go_per_organization_in_its_scope_and_once(world, monkeypatch):
    seen: list[tuple[str, str]] = []

    def hook(org, now):
        assert active_organization() == org
        seen.append((org.slug, now.isoformat()))
        return "ok"

    monkeypatch.setattr("jobs.hooks.review_reminders", hook)
    run = ScheduledRun.objects.create(job="review-reminders", due_at=at("2026-05-03 06:00"))
    done = scheduler.execute(run.pk, at("2026-05-03 06:01"))
    assert done.status == "done" and done.attempts == 1
    assert sorted(s for s, _ in seen) == ["acme", "globex"]
    assert sorted(done.outcome["done"].values()) == ["acme: ok", "globex: ok"]
    # the task delivered twice (a re-queue, a second worker): nothing is claimed
    assert scheduler.execute(run.pk) is None
    assert len(seen) == 2


def test_read_only_organizations_are_skipped_by_product_jobs(world, monkeypatch):
    Organization.objects.filter(pk=world.globex.pk).update(
        trial_ends_at=timezone.now() - dt.timedelta(days=1)
    )
    seen = []
    monkeypatch.setattr("jobs.hooks.overdue_action_items", lambda org, now: seen.append(org.slug))
    monkeypatch.setattr("jobs.hooks.billing", lambda org, now: seen.append("bill " + org.slug))
    for name in ("overdue-action-items", "billing"):
        run = ScheduledRun.objects.create(job=name, due_at=at("2026-05-03 06:00"))
        scheduler.execute(run.pk)
    # a lapsed trial still gets its billing run ("trial ended" e-mail), nothing else
    assert seen == ["acme", "bill acme", "bill globex"]


def test_a_failing_organization_is_retried_alone_then_shown_to_the_operator(
    world, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.SCHEDULER_MAX_ATTEMPTS = 2
    calls: list[str] = []

    def hook(org, now):
        calls.append(org.slug)
        if org.slug == "globex":
            raise RuntimeError("SMTP server said no")
        return "sent"

    monkeypatch.setattr("jobs.hooks.review_reminders", hook)
    now = at("2026-05-03 06:00")
    run = ScheduledRun.objects.create(job="review-reminders", due_at=now)
    run = scheduler.execute(run.pk, now)
    assert run.status == "failed"
    assert "SMTP server said no" in run.error and "globex" in run.error
    assert list(run.outcome["done"]) == [str(world.acme.pk)]
    # not before the backoff; then only the organization that failed runs again
    with django_capture_on_commit_callbacks(execute=True):
        assert scheduler.retry_due(now + dt.timedelta(seconds=30)) == 0
        assert scheduler.retry_due(now + dt.timedelta(minutes=2)) == 1
    run.refresh_from_db()
    assert calls == ["acme", "globex", "globex"]
    assert run.status == "failed" and run.attempts == 2
    # no tries left: it stays failed, and the operator sees it
    assert scheduler.retry_due(now + DAY) == 0
    out = StringIO()
    call_command("jobs", stdout=out)
    assert f"FAILED run #{run.pk} review-reminders (2 of 2 tries)" in out.getvalue()
    assert "SMTP server said no" in out.getvalue()
    ScheduledRun.objects.filter(pk=run.pk).update(finished_at=timezone.now())
    with pytest.raises(CommandError, match="1 scheduled run"):
        call_command("jobs", "check", stdout=StringIO())
    # the operator fixes the mail server and retries by hand
    monkeypatch.setattr("jobs.hooks.review_reminders", lambda org, now: "sent")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("jobs", "retry", str(run.pk), stdout=StringIO())
    run.refresh_from_db()
    assert run.status == "done" and run.attempts == 3
    call_command("jobs", "check", stdout=StringIO())


def test_a_run_whose_worker_died_is_reaped_and_finished(
    world, monkeypatch, settings, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("jobs.hooks.billing", lambda org, now: "checked")
    now = at("2026-05-03 06:00")
    stale = now + dt.timedelta(seconds=settings.SCHEDULER_STALE_SECONDS + 1)
    run = ScheduledRun.objects.create(job="billing", due_at=now)
    assert scheduler.claim(run.pk, now)  # a worker took it, then was killed
    assert scheduler.reap(stale - dt.timedelta(seconds=2)) == 0
    with django_capture_on_commit_callbacks() as queued:
        assert scheduler.reap(stale) == 1
    run.refresh_from_db()
    assert run.status == "queued" and "Interrupted" in run.error and len(queued) == 1
    # the killed worker's try cannot mark the new one finished
    assert scheduler._mine(ScheduledRun(pk=run.pk, attempts=1)).update(status="done") == 0
    done = scheduler.execute(run.pk)
    assert done.status == "done" and done.attempts == 2
    assert scheduler._mine(ScheduledRun(pk=run.pk, attempts=1)).update(status="failed") == 0
    # out of tries: a lost run is failed and shown, not queued again
    settings.SCHEDULER_MAX_ATTEMPTS = 2
    ScheduledRun.objects.filter(pk=run.pk).update(status="running", heartbeat_at=now)
    assert scheduler.reap(stale) == 1
    assert ScheduledRun.objects.get(pk=run.pk).status == "failed"


def test_a_queued_run_whose_task_was_lost_is_queued_again(world, settings):
    now = at("2026-05-03 06:00")
    run = ScheduledRun.objects.create(job="prune", due_at=now, queued_at=now)
    later = now + dt.timedelta(seconds=settings.SCHEDULER_REQUEUE_SECONDS + 1)
    assert scheduler.requeue_lost(now) == 0
    assert scheduler.requeue_lost(later) == 1
    run.refresh_from_db()
    assert run.queued_at == later and run.status == "queued"


def test_the_operator_runs_a_job_now_and_lists_the_schedule(world):
    out = StringIO()
    call_command("jobs", "run", "billing", stdout=out)
    assert "billing: done" in out.getvalue()
    out = StringIO()
    call_command("jobs", stdout=out)
    assert "review-reminders" in out.getvalue() and "billing" in out.getvalue()
    with pytest.raises(CommandError, match="Name a job"):
        call_command("jobs", "run", "nonsense")


# --- the real hooks, through the scheduler ------------------------------------------------


def test_review_reminders_go_once_a_week_before_the_deadline(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.reviews.factories import team
    from tests.reviews.helpers import open_cycle

    today = timezone.localdate()
    with scope(world.acme):
        t = team(world)
        open_cycle(
            world,
            t,
            deadlines={"self": today + dt.timedelta(days=7), "manager": today + DAY * 60},
        )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        scheduler.tick()
    reminders = [m for m in mailoutbox if "Reminder" in m.subject or "due" in m.subject]
    assert [m.to for m in reminders] == [["emma@acme.test"]]
    run = ScheduledRun.objects.get(job="review-reminders")
    assert run.status == "done"
    # the same slot run again by hand (an operator, a retry): nothing new
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("jobs", "run", "review-reminders", stdout=StringIO())
        ScheduledRun.objects.filter(pk=run.pk).update(status="queued")
        scheduler.execute(run.pk)
    assert mailoutbox == []


def test_overdue_action_items_and_trial_notices_go_once(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    from growth import services as growth
    from growth.models import ActionItem
    from growth.selectors import targets_for
    from tests.growth.factories import growth_team

    today = timezone.localdate()
    with scope(world.acme):
        t = growth_team(world, peers=1)
        item = growth.create_action_item(
            t.emma,
            actor=world.employee,
            competency_uid=targets_for(t.emma)[0].uid,
            title="Write the design doc",
        )
        ActionItem.objects.filter(pk=item.pk).update(due=today - dt.timedelta(days=2))
    Organization.objects.filter(pk=world.globex.pk).update(
        trial_ends_at=timezone.now() + dt.timedelta(days=2)
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        scheduler.tick()
    subjects = sorted((m.to[0], m.subject) for m in mailoutbox)
    assert any(to == "emma@acme.test" and "past its due date" in s for to, s in subjects), subjects
    assert any(to == "olga@globex.test" and "trial" in s.lower() for to, s in subjects), subjects
    assert set(ScheduledRun.objects.values_list("status", flat=True)) == {"done"}
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for name in ("overdue-action-items", "billing"):
            ScheduledRun.objects.filter(job=name).update(status="queued")
            scheduler.execute(ScheduledRun.objects.get(job=name).pk)
    assert mailoutbox == []
