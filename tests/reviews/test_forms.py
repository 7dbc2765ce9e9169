"""Filling in review forms: autosave by statement uid, revisions, submitting, the lock
below the services, and HR reopening."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from organizations.models import AuditEntry
from reviews import services
from reviews.models import FormItem, FormLocked, ReviewForm
from reviews.services import NotAllowed, ReviewError, StaleError
from tests.reviews.helpers import fill, form_of, open_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(t, world):
    return open_cycle(world, t)


def items(form):
    return list(FormItem.objects.filter(form=form).order_by("position", "id"))


def test_answers_are_saved_by_statement_uid_and_only_what_is_given_changes(cycle, world):
    form = form_of(cycle, "self")
    first, _second = items(form)
    rev = services.save_answers(
        form,
        answers=[{"statement": first.statement_uid, "rating": 4, "comment": "Ran the review."}],
        expected_revision=form.revision,
        actor=world.employee,
    )
    services.save_answers(
        form,
        answers=[
            {
                "statement": first.statement_uid,
                "evidence": "https://wiki/q3",
                "evidence_kind": "metric",
            }
        ],
        overall_comment="A good half.",
        summaries={first.competency_uid: "Getting there."},
        expected_revision=rev,
        actor=world.employee,
    )
    first.refresh_from_db()
    form.refresh_from_db()
    assert (first.rating, first.comment, first.evidence, first.evidence_kind) == (
        4,
        "Ran the review.",
        "https://wiki/q3",
        "metric",
    )
    assert form.status == "in_progress" and form.revision == 2
    assert form.overall_comment == "A good half."
    assert form.summaries == {first.competency_uid: "Getting there."}
    # audit entries never carry answers
    entry = AuditEntry.objects.filter(action="review_form.saved").first()
    assert entry.data == {"answers": 1} and "Ran the review" not in str(entry.changes)


def test_a_stale_revision_changes_nothing(cycle, world):
    form = form_of(cycle, "self")
    first = items(form)[0]
    services.save_answers(
        form,
        answers=[{"statement": first.statement_uid, "rating": 2}],
        expected_revision=0,
        actor=world.employee,
    )
    with pytest.raises(StaleError):
        services.save_answers(
            form,
            answers=[{"statement": first.statement_uid, "rating": 5}],
            expected_revision=0,
            actor=world.employee,
        )
    first.refresh_from_db()
    assert first.rating == 2


def test_bad_answers_are_refused_all_together(cycle, world):
    form = form_of(cycle, "self")
    first = items(form)[0]
    with pytest.raises(ReviewError) as err:
        services.save_answers(
            form,
            answers=[
                {"statement": first.statement_uid, "rating": 9},
                {"statement": "nope", "rating": 3},
            ],
            expected_revision=form.revision,
            actor=world.employee,
        )
    assert [f for f, _ in err.value.errors] == [
        f"statement-{first.statement_uid}",
        "statement-nope",
    ]
    first.refresh_from_db()
    form.refresh_from_db()
    assert first.rating is None and form.revision == 0


def test_only_the_reviewer_fills_in_a_form(cycle, world, t):
    form = form_of(cycle, "self")
    for user in (world.manager, world.hr, world.owner, t.peer_users[0]):
        with pytest.raises(NotAllowed):
            services.save_answers(form, answers=[], expected_revision=0, actor=user)


def test_submit_needs_every_statement_rated(cycle, world):
    form = form_of(cycle, "self")
    first, second = items(form)
    services.save_answers(
        form,
        answers=[{"statement": first.statement_uid, "rating": 3}],
        expected_revision=0,
        actor=world.employee,
    )
    with pytest.raises(ReviewError) as err:
        services.submit_form(form, expected_revision=1, actor=world.employee)
    assert err.value.errors == [
        (f"statement-{second.statement_uid}", "Communication: choose a rating")
    ]
    form.refresh_from_db()
    assert form.status == "in_progress"


def test_the_error_summary_tells_apart_statements_of_one_competency(cycle, world):
    """A competency with several statements, or one at the next level too, gets one line
    per statement that says which one (not the same words twice)."""
    form = form_of(cycle, "self")
    first, second = items(form)
    FormItem.objects.filter(pk=second.pk).update(
        competency_uid=first.competency_uid, competency_name=first.competency_name
    )
    with pytest.raises(ReviewError) as err:
        services.submit_form(form, expected_revision=0, actor=world.employee)
    name = first.competency_name
    assert [msg for _field, msg in err.value.errors] == [
        f"{name}, statement 1 of 2: choose a rating",
        f"{name}, statement 2 of 2: choose a rating",
    ]
    FormItem.objects.filter(pk=second.pk).update(section=FormItem.Section.NEXT)
    with pytest.raises(ReviewError) as err:
        services.submit_form(form, expected_revision=0, actor=world.employee)
    assert [msg for _field, msg in err.value.errors] == [
        f"{name}: choose a rating",
        f"{name} (next level): choose a rating",
    ]


def test_a_submitted_form_is_immutable_below_the_services(cycle, world):
    form = fill(form_of(cycle, "self"), world.employee, 3)
    assert form.status == "submitted" and form.submitted_at
    item = items(form)[0]
    with pytest.raises(FormLocked):  # the service
        services.save_answers(
            form,
            answers=[{"statement": item.statement_uid, "rating": 5}],
            expected_revision=form.revision,
            actor=world.employee,
        )
    with pytest.raises(FormLocked):  # the model
        form.overall_comment = "changed"
        form.save()
    with pytest.raises(FormLocked):
        item.rating = 5
        item.save()
    # the database, for code that goes around the models
    for sql in (
        "UPDATE reviews_formitem SET rating = 5 WHERE id = %s",
        "UPDATE reviews_reviewform SET overall_comment = 'x' WHERE id = %s",
    ):
        target = item.pk if "formitem" in sql else form.pk
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [target])
    item.refresh_from_db()
    assert item.rating == 3


def test_hr_reopens_a_submitted_form_with_a_reason(cycle, world):
    form = fill(form_of(cycle, "self"), world.employee, 3)
    with pytest.raises(NotAllowed):
        services.reopen_form(form, reason="typo", actor=world.manager)
    with pytest.raises(ReviewError):
        services.reopen_form(form, reason="  ", actor=world.hr)
    services.reopen_form(form, reason="Emma rated the wrong statement.", actor=world.hr)
    form.refresh_from_db()
    assert form.status == "in_progress" and form.reopen_reason == "Emma rated the wrong statement."
    entry = AuditEntry.objects.get(action="review_form.reopened")
    assert entry.data == {"reason": "Emma rated the wrong statement."}
    fill(form, world.employee, 4)
    assert ReviewForm.objects.get(pk=form.pk).status == "submitted"


def test_forms_are_only_written_while_the_cycle_is_open(cycle, world):
    form = form_of(cycle, "self")
    services.open_calibration(cycle, expected_revision=cycle.revision, actor=world.hr)
    with pytest.raises(ReviewError):
        services.save_answers(
            form, answers=[], expected_revision=form.revision, actor=world.employee
        )
