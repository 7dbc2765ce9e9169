"""Helpers shared by the review-cycle pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from organizations.access import OrgRequest
from organizations.prepared import Prepared
from people.selectors import person_for_request
from reviews import access
from reviews.errors import ReviewError
from reviews.models import Participant, PeerNomination, ReviewCycle, ReviewForm

STEPS = [
    ("name", "Name and period"),
    ("people", "Who takes part"),
    ("inputs", "Which reviews"),
    ("deadlines", "Deadlines"),
    ("next_level", "Next level"),
    ("preview", "Check and launch"),
]


def viewer(request: OrgRequest) -> access.Viewer:
    found = getattr(request, "_review_viewer", None)
    if found is None:
        found = access.Viewer(
            user=request.user,
            person=person_for_request(request),
            is_admin=bool(request.membership.is_admin),
        )
        request._review_viewer = found  # type: ignore[attr-defined]
    return found


def get_cycle(cycle_id: str, *statuses: str) -> ReviewCycle:
    """A cycle of the active organization (404 otherwise, or in another status)."""
    cycle = get_object_or_404(ReviewCycle, public_id=cycle_id)
    if statuses and cycle.status not in statuses:
        raise Http404("Not found")
    return cycle


def get_participant(participant_id: str) -> Participant:
    return get_object_or_404(
        Participant.objects.select_related("cycle", "person", "manager", "family", "version"),
        public_id=participant_id,
    )


# every form page, autosave and submit: compiled once (organizations/prepared.py)
FORM = Prepared(
    lambda form_id: (
        ReviewForm.objects.select_related(
            "cycle", "participant__person", "participant__manager", "reviewer", "version__family"
        )
        .filter(public_id=form_id)
        .order_by()[:1]
    ),  # one at most (a unique public id)
    form_id=str,
)


def get_form(request: OrgRequest, form_id: str) -> tuple[ReviewForm, str]:
    """The form and 'edit'/'view' for this viewer; 404 for anyone else."""
    form = FORM.first(form_id=form_id)
    if form is None:
        raise Http404("Not found")
    form.organization = request.organization  # (the scope's)
    mode = access.form_access(form, viewer(request))
    if mode is None:
        raise Http404("Not found")
    return form, mode


def get_editable_form(request: OrgRequest, form_id: str) -> ReviewForm:
    """The form, when this viewer may write it (404 otherwise, even for its readers)."""
    form, mode = get_form(request, form_id)
    if mode != "edit":
        raise Http404("Not found")
    return form


def step_url(cycle: ReviewCycle, step: str) -> str:
    return reverse(f"reviews:setup_{step}", kwargs={"cycle_id": cycle.public_id})


def next_step(request: HttpRequest, cycle: ReviewCycle, step: str) -> str:
    """Where "Continue" goes: back to the check page when the step was opened from it."""
    if request.GET.get("from") == "preview" or step == "preview":
        return step_url(cycle, "preview")
    keys = [k for k, _ in STEPS]
    return step_url(cycle, keys[keys.index(step) + 1])


def steps_context(cycle: ReviewCycle, current: str) -> dict[str, Any]:
    keys = [k for k, _ in STEPS]
    previous = keys[keys.index(current) - 1] if keys.index(current) else None
    return {
        "cycle": cycle,
        "back_url": step_url(cycle, previous) if previous else "",
        "step": current,
        "step_number": keys.index(current) + 1,
        "step_count": len(STEPS),
        "step_title": dict(STEPS)[current],
        "steps": [
            {"key": k, "title": t, "url": step_url(cycle, k), "current": k == current}
            for k, t in STEPS
        ],
    }


def error_list(error: ReviewError) -> list[str]:
    return [message for _field, message in error.errors] or [error.message]


def page(
    request: OrgRequest, template: str, context: dict[str, Any], partial: str = ""
) -> HttpResponse:
    if partial and request.htmx:
        template = f"{template}#{partial}"
    return render(request, template, context)


LOOKUPS: dict[str, type[models.Model]] = {
    "cycle_id": ReviewCycle,
    "participant_id": Participant,
    "nomination_id": PeerNomination,
}


def post_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Like require_POST, but a URL naming something the viewer cannot see answers 404 for
    every method (another organization's ids are never confirmed by a 405)."""

    @wraps(view)
    def wrapped(request: OrgRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            if "form_id" in kwargs:
                get_form(request, kwargs["form_id"])
            for key, model in LOOKUPS.items():
                if key in kwargs:
                    get_object_or_404(model, public_id=kwargs[key])
            return HttpResponseNotAllowed(["POST"])
        return view(request, *args, **kwargs)

    return wrapped


def run_form(
    request: HttpRequest,
    form: forms.Form,
    service: Callable[..., Any],
    subject: Any,
    *,
    invalid: str,
    done: str,
) -> None:
    """A small form posted from a page (a reason, a date, a comment): the service gets the
    `subject`, the viewer and the form's fields; say how that went, `invalid` when the form
    is not valid."""
    try:
        if not form.is_valid():
            raise ReviewError(invalid)
        service(subject, actor=request.user, **form.cleaned_data)
    except ReviewError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, done)
