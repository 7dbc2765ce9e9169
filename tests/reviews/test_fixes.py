"""A published fix reaches open forms: preview, then apply by statement uid."""

from __future__ import annotations

import pytest

from organizations.models import AuditEntry
from reviews import services
from reviews.models import FixApplication, FormItem
from reviews.services import NotAllowed, ReviewError, StaleError
from tests.reviews.factories import publish_fix
from tests.reviews.helpers import fill, form_of, open_cycle

pytestmark = pytest.mark.django_db

PM1_PRIORITIZATION = "Ranks the backlog of one feature with the team."
PM2_COMMUNICATION = "Writes a weekly update for the team."


@pytest.fixture
def cycle(t, world):
    return open_cycle(world, t, include_next_level=True)


def live(form):
    return {
        it.text: it
        for it in FormItem.objects.filter(form=form).order_by("position")
        if not it.archived
    }


def reword_and_extend(t, world):
    """v2: Communication at PM2 reworded and a second statement added; Prioritization at
    PM3 (the next level) removed."""
    return publish_fix(
        t.family,
        world.hr,
        cells={
            ("Communication", "PM2"): [
                "Writes a weekly update that the whole team reads.",
                "Answers questions from other teams within a day.",
            ],
            ("Prioritization", "PM3"): [],
        },
    )


def test_nothing_to_apply_until_a_new_version_is_published(cycle):
    assert services.pending_fixes(cycle) == []


def test_preview_then_apply_a_fix_to_open_forms(cycle, t, world):
    self_form = form_of(cycle, "self")
    answered = live(self_form)
    services.save_answers(
        self_form,
        answers=[
            {
                "statement": answered[PM1_PRIORITIZATION].statement_uid,
                "rating": 4,
                "comment": "Kept",
            },
            {"statement": answered[PM2_COMMUNICATION].statement_uid, "rating": 2, "comment": "Old"},
            {
                "statement": next(
                    it for it in answered.values() if it.section == "next"
                ).statement_uid,
                "rating": 3,
                "comment": "Next level",
            },
        ],
        expected_revision=0,
        actor=world.employee,
    )
    manager_form = fill(form_of(cycle, "manager"), world.manager, 3)  # submitted: stays on v1
    v2 = reword_and_extend(t, world)

    [fix] = services.pending_fixes(cycle)
    assert fix.version == v2 and [v.number for v in fix.from_versions] == [1]
    assert fix.submitted_stay == 1
    # self + 3 peer forms are open; the peer forms do not carry next-level statements
    assert fix.forms == 4 and fix.people == 1
    assert [(c.before, c.after) for c in fix.changed] == [
        (PM2_COMMUNICATION, "Writes a weekly update that the whole team reads.")
    ]
    assert [c.after for c in fix.added] == ["Answers questions from other teams within a day."]
    assert [c.before for c in fix.removed] == [
        "Ranks the product area roadmap with a documented method."
    ]
    assert fix.answers_to_redo == 1

    cycle.refresh_from_db()
    with pytest.raises(NotAllowed):
        services.apply_framework_fix(
            cycle, version=v2, expected_revision=cycle.revision, actor=world.manager
        )
    with pytest.raises(StaleError):
        services.apply_framework_fix(
            cycle, version=v2, expected_revision=cycle.revision - 1, actor=world.hr
        )
    services.apply_framework_fix(
        cycle, version=v2, expected_revision=cycle.revision, actor=world.hr
    )

    self_form.refresh_from_db()
    assert self_form.version == v2 and self_form.revision == 2
    after = {it.statement_uid: it for it in FormItem.objects.filter(form=self_form)}
    kept = after[answered[PM1_PRIORITIZATION].statement_uid]
    assert (kept.rating, kept.comment, kept.needs_new_rating) == (4, "Kept", False)
    changed = after[answered[PM2_COMMUNICATION].statement_uid]
    assert changed.text == "Writes a weekly update that the whole team reads."
    assert (changed.rating, changed.comment, changed.previous_text) == (2, "Old", PM2_COMMUNICATION)
    assert changed.needs_new_rating
    removed = next(it for it in after.values() if it.archived)
    assert (removed.rating, removed.comment) == (3, "Next level")
    added = next(it for it in after.values() if it.text.startswith("Answers questions"))
    assert added.rating is None and not added.archived and added.section == "level"

    manager_form.refresh_from_db()
    assert manager_form.version == t.v1  # submitted forms stay on their version
    assert services.pending_fixes(cycle) == []
    application = FixApplication.objects.get()
    assert application.forms == 4 and application.summary["answers_to_redo"] == 1
    entry = AuditEntry.objects.get(action="review_cycle.fix_applied")
    assert entry.data["statements_changed"] == 1 and entry.data["version"].endswith("v2")


def test_a_changed_statement_must_be_rated_again_before_submitting(cycle, t, world):
    form = fill(form_of(cycle, "self"), world.employee, 3, submit=False)
    v2 = reword_and_extend(t, world)
    cycle.refresh_from_db()
    services.apply_framework_fix(
        cycle, version=v2, expected_revision=cycle.revision, actor=world.hr
    )
    form.refresh_from_db()
    missing = services.missing_answers(form)
    assert sorted(it.text for it in missing) == [
        "Answers questions from other teams within a day.",
        "Writes a weekly update that the whole team reads.",
    ]
    with pytest.raises(ReviewError):
        services.submit_form(form, expected_revision=form.revision, actor=world.employee)
    fill(form, world.employee, 3)
    form.refresh_from_db()
    assert form.status == "submitted"


def test_the_reviewers_open_page_is_stale_after_a_fix(cycle, t, world):
    """Someone autosaving from a page loaded before the fix is told to reload."""
    form = form_of(cycle, "self")
    seen_revision = form.revision
    v2 = reword_and_extend(t, world)
    cycle.refresh_from_db()
    services.apply_framework_fix(
        cycle, version=v2, expected_revision=cycle.revision, actor=world.hr
    )
    item = FormItem.objects.filter(form=form).first()
    with pytest.raises(StaleError):
        services.save_answers(
            form,
            answers=[{"statement": item.statement_uid, "rating": 3}],
            expected_revision=seen_revision,
            actor=world.employee,
        )
