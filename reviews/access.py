"""Who may see and do what in review cycles — one set of rules for the pages and the API.

- HR admins (and owners) run cycles: every cycle page, every self and manager review
  (read-only), calibration. They never see a single peer's or upward reviewer's answers.
- A reviewer fills in their own form, and reads it afterwards.
- The manager reviewing someone reads their submitted self-review once they have
  submitted their own manager review (or as soon as it is submitted, if the cycle says so).
- Peer and upward answers are only ever shown aggregated (see `reviews.selectors`),
  after the forms are closed; no page or API response names who answered what.
- After release, the person reviewed, their manager(s) and HR see the results.

Objects a viewer may not see answer 404, exactly like objects that do not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from people.models import Person
from people.selectors import person_for_user, report_ids
from reviews.models import Participant, ReviewCycle, ReviewForm


@dataclass
class Viewer:
    user: Any
    person: Person | None
    is_admin: bool
    _reports: set[int] | None = field(default=None, repr=False)

    @property
    def reports(self) -> set[int]:
        """Everyone who reports to the viewer, directly or not (one query, once)."""
        if self._reports is None:
            self._reports = report_ids(self.person)
        return self._reports

    @property
    def pk(self) -> int | None:
        return self.person.pk if self.person else None


def viewer_for(user: Any, membership: Any) -> Viewer:
    return Viewer(user=user, person=person_for_user(user), is_admin=bool(membership.is_admin))


def oversees(viewer: Viewer, person_id: int) -> bool:
    """HR, or anyone the person reports to (directly or not); never the person themselves."""
    if viewer.pk is not None and viewer.pk == person_id:
        return False
    return viewer.is_admin or person_id in viewer.reports


def manages(viewer: Viewer, participant: Participant) -> bool:
    """The viewer writes this person's manager review or is above them."""
    if viewer.person is None:
        return False
    return participant.manager_id == viewer.pk or participant.person_id in viewer.reports


def _self_review_visible(form: ReviewForm, viewer: Viewer) -> bool:
    """May the manager read this submitted self-review yet?"""
    part = form.participant
    if not form.is_submitted or not manages(viewer, part):
        return False
    if form.cycle.manager_sees_self == ReviewCycle.SelfVisibility.WHEN_SUBMITTED:
        return True
    own = (
        ReviewForm.objects.filter(
            participant=part, kind=ReviewForm.Kind.MANAGER, reviewer_id=viewer.pk
        )
        .order_by("pk")
        .first()
    )
    # a manager above the reviewer (no form of their own) waits for the reviewer's one
    if own is None:
        own = (
            ReviewForm.objects.filter(participant=part, kind=ReviewForm.Kind.MANAGER)
            .order_by("pk")
            .first()
        )
    return own is None or own.is_submitted


def form_access(form: ReviewForm, viewer: Viewer) -> str | None:
    """'edit', 'view' or None (not found) for this viewer."""
    if viewer.pk is not None and form.reviewer_id == viewer.pk:
        editable = form.cycle.status == ReviewCycle.Status.OPEN and not form.is_submitted
        return "edit" if editable else "view"
    if form.is_anonymous:
        return None
    if viewer.is_admin:
        return "view"
    if form.kind == ReviewForm.Kind.SELF and _self_review_visible(form, viewer):
        return "view"
    return None


def results_visible(participant: Participant, viewer: Viewer) -> bool:
    """The results page: after release, for the person, their managers and HR."""
    if participant.cycle.status not in (ReviewCycle.Status.RELEASED, ReviewCycle.Status.CLOSED):
        return False
    return viewer.is_admin or participant.person_id == viewer.pk or manages(viewer, participant)


def peer_role(participant: Participant, viewer: Viewer) -> str | None:
    """'approve' (manager, HR), 'nominate' (the person reviewed) or None."""
    if viewer.is_admin or manages(viewer, participant):
        return "approve"
    if participant.person_id == viewer.pk:
        return "nominate"
    return None


def visible_forms(cycle: ReviewCycle, viewer: Viewer) -> QuerySet[ReviewForm]:
    """The forms of a cycle a viewer may list: HR every form (status only for peers);
    others the forms they write, and the self and manager reviews of people they manage."""
    forms = ReviewForm.objects.filter(cycle=cycle)
    if viewer.is_admin:
        return forms
    if viewer.person is None:
        return forms.none()
    mine = Q(reviewer_id=viewer.pk)
    team = Q(kind__in=[ReviewForm.Kind.SELF, ReviewForm.Kind.MANAGER]) & (
        Q(participant__manager_id=viewer.pk) | Q(participant__person_id__in=viewer.reports)
    )
    return forms.filter(mine | team)


def visible_participants(cycle: ReviewCycle, viewer: Viewer) -> QuerySet[Participant]:
    parts = Participant.objects.filter(cycle=cycle)
    if viewer.is_admin:
        return parts
    if viewer.person is None:
        return parts.none()
    return parts.filter(
        Q(person_id=viewer.pk) | Q(manager_id=viewer.pk) | Q(person_id__in=viewer.reports)
    )


def visible_cycles(viewer: Viewer) -> QuerySet[ReviewCycle]:
    """HR: every cycle. Others: launched cycles they take part in, write in or manage in."""
    cycles = ReviewCycle.objects.all()
    if viewer.is_admin:
        return cycles
    if viewer.person is None:
        return cycles.none()
    launched = cycles.exclude(status=ReviewCycle.Status.DRAFT)
    return launched.filter(
        Q(participants__person_id=viewer.pk)
        | Q(participants__manager_id=viewer.pk)
        | Q(forms__reviewer_id=viewer.pk)
        | Q(participants__person_id__in=viewer.reports)
    ).distinct()
