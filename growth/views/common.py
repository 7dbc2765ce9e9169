"""What the growth pages share: finding objects the viewer may see (404 otherwise)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from growth.access import Viewer, can_see_plan, report_visible, viewer_for
from growth.models import ActionItem
from organizations.access import OrgRequest
from people.models import Person
from reviews.models import Participant


def viewer(request: OrgRequest) -> Viewer:
    cached = getattr(request, "_growth_viewer", None)
    if cached is None:
        cached = viewer_for(request.user, request.membership)
        request._growth_viewer = cached  # type: ignore[attr-defined]
    return cached


def person_or_404(request: OrgRequest, person_id: str) -> Person:
    """A person whose plan the viewer may see."""
    person = get_object_or_404(
        Person.objects.select_related("manager", "job_family"), public_id=person_id
    )
    if not can_see_plan(viewer(request), person):
        raise Http404("Not found")
    return person


def participant_or_404(request: OrgRequest, participant_id: str) -> Participant:
    """A participation whose gap report the viewer may see (released cycles only)."""
    participant = get_object_or_404(
        Participant.objects.select_related("cycle__organization", "person", "manager"),
        public_id=participant_id,
    )
    if not report_visible(participant, viewer(request)):
        raise Http404("Not found")
    return participant


def item_or_404(request: OrgRequest, item_id: str) -> ActionItem:
    item = get_object_or_404(
        ActionItem.objects.select_related("person", "owner", "organization", "cycle"),
        public_id=item_id,
    )
    if not can_see_plan(viewer(request), item.person):
        raise Http404("Not found")
    return item


def is_own(request: OrgRequest, person: Person) -> bool:
    return viewer(request).pk == person.pk
