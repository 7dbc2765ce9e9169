"""What the promotion pages share: the viewer, and finding objects the viewer may see
(404 otherwise, exactly like something that does not exist)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods

from organizations.access import OrgRequest
from people.models import Person
from promotions import access
from promotions.models import CaseArtifact, CaseGap, PromotionCase, PromotionRound
from reviews.access import viewer_for
from reviews.errors import ReviewError


def viewer(request: OrgRequest) -> access.Viewer:
    found = getattr(request, "_promotion_viewer", None)
    if found is None:
        found = viewer_for(request.user, request.membership)
        request._promotion_viewer = found  # type: ignore[attr-defined]
    return found


def is_lead(request: OrgRequest) -> bool:
    """HR, or someone with people below them: who sees readiness and writes cases."""
    me = viewer(request)
    return me.is_admin or bool(me.reports)


CASE_RELATED = ("person__manager", "manager", "family", "version", "round", "organization")


def case_or_404(request: OrgRequest, case_id: str) -> tuple[PromotionCase, str]:
    """The case and how the viewer sees it: "full" (HR, managers above the person,
    reviewers, approvers, the committee) or "outcome" (the nominee, once decided)."""
    case = get_object_or_404(PromotionCase.objects.select_related(*CASE_RELATED), public_id=case_id)
    me = viewer(request)
    if access.can_see_case(case, me):
        return case, "full"
    if access.can_see_outcome(case, me):
        return case, "outcome"
    raise Http404("Not found")


def full_case_or_404(request: OrgRequest, case_id: str) -> PromotionCase:
    case, mode = case_or_404(request, case_id)
    if mode != "full":
        raise Http404("Not found")
    return case


def case_post(
    view: Callable[[OrgRequest, PromotionCase], HttpResponse],
) -> Callable[[OrgRequest, str], HttpResponse]:
    """A change to a case the viewer fully sees (404 otherwise, like `full_case_or_404`).
    The view gets the case; it is changed by POST, and a GET just goes to the case."""

    @require_http_methods(["GET", "POST"])
    @wraps(view)
    def wrapped(request: OrgRequest, case_id: str) -> HttpResponse:
        found = full_case_or_404(request, case_id)
        if request.method != "POST":
            return to_case(found)
        return view(request, found)

    return wrapped


def to_case(case: PromotionCase) -> HttpResponse:
    return redirect("promotions:case", case_id=case.public_id)


def artifact_or_404(request: OrgRequest, artifact_id: str) -> CaseArtifact:
    artifact = get_object_or_404(
        CaseArtifact.objects.select_related("case__person", "case__organization"),
        public_id=artifact_id,
    )
    if not access.can_see_case(artifact.case, viewer(request)):
        raise Http404("Not found")
    return artifact


def gap_or_404(request: OrgRequest, gap_id: str) -> CaseGap:
    gap = get_object_or_404(
        CaseGap.objects.select_related("case__person", "case__organization"), public_id=gap_id
    )
    me = viewer(request)
    if not (access.can_see_outcome(gap.case, me) or access.can_see_case(gap.case, me)):
        raise Http404("Not found")
    return gap


def round_or_404(request: OrgRequest, round_id: str) -> PromotionRound:
    found = get_object_or_404(PromotionRound, public_id=round_id)
    if not access.can_see_round(found, viewer(request)):
        raise Http404("Not found")
    return found


def person_or_404(request: OrgRequest, person_id: str) -> Person:
    """Someone the viewer may open a case for."""
    person = get_object_or_404(
        Person.objects.select_related("manager", "job_family"), public_id=person_id
    )
    if not access.can_open_for(viewer(request), person):
        raise Http404("Not found")
    return person


def revision(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return -1


def date_or_none(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        return None


def fail(request: HttpRequest, exc: ReviewError, to: str, **kwargs: Any) -> HttpResponse:
    """A refused change: its message (and each field's) at the top of the page."""
    text = exc.message
    details = [m for _f, m in exc.errors if m != text]
    if details:
        text += " " + " ".join(dict.fromkeys(details))
    messages.error(request, text)
    return redirect(to, **kwargs)


def people_choices() -> list[Person]:
    return list(Person.objects.filter(is_active=True).only("public_id", "name").order_by("name"))
