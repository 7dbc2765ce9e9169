"""Calibration (HR), each person's results, the conversation and the
acknowledgement; and the organization's rating scale."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from organizations.access import OrgRequest, org_required
from organizations.models import Role
from reviews import access, services
from reviews.errors import ReviewError
from reviews.forms import AcknowledgeForm, ConversationForm, FinalRatingForm, ScaleForm, add_errors
from reviews.models import FinalRating, ReviewCycle, Scale
from reviews.selectors import calibration as cal
from reviews.selectors.results import results as results_of
from reviews.views.common import get_cycle, get_participant, post_only, run_form, viewer

Status = ReviewCycle.Status
admin = org_required(Role.HR_ADMIN)
MANAGERS_PAGE_SIZE = 10  # managers' distributions a page, beside the calibration session
SORT_OPTIONS = [
    ("name", "Name"),
    ("proposed", "Proposed rating"),
    ("final", "Final rating"),
    ("manager", "Manager"),
]


def _scale_choices(cycle: ReviewCycle) -> list[tuple[int, str]]:
    scale = Scale(cycle.scale)
    return [(p["value"], f"{p['value']} — {p['label']}") for p in scale.points]


@admin
@require_GET
def calibration(request: OrgRequest, cycle_id: str) -> HttpResponse:
    cycle = get_cycle(cycle_id, Status.CALIBRATION, Status.RELEASED, Status.CLOSED)
    all_groups = cal.groups(cycle)
    chosen = next((g for g in all_groups if g.key == request.GET.get("group")), None)
    chosen = chosen or (all_groups[0] if all_groups else None)
    sort = request.GET.get("sort", "name")
    everyone, managers = cal.distributions(cycle)
    # the managers whose average differs most from everyone's first (then by name), a page
    # at a time: 234 distributions at 2,000 people were most of the page's time
    managers.sort(key=lambda d: -abs(d.difference) if d.difference is not None else 1)
    page = Paginator(managers, MANAGERS_PAGE_SIZE).get_page(request.GET.get("managers"))
    others = request.GET.copy()
    others.pop("managers", None)
    context = {
        "cycle": cycle,
        "groups": all_groups,
        "group": chosen,
        "sort": sort if sort in cal.SORTS else "name",
        "sort_options": SORT_OPTIONS,
        "competencies": cal.session(cycle, chosen, sort) if chosen else [],
        "scale": Scale(cycle.scale),
        "scale_choices": _scale_choices(cycle),
        "everyone": everyone,
        "managers": page,
        "managers_query": others.urlencode(),
        "editable": cycle.status == Status.CALIBRATION and cycle.finalized_at is None,
        "unrated": FinalRating.objects.filter(participant__cycle=cycle, final__isnull=True).count(),
    }
    return render(request, "reviews/calibration.html", context)


@admin
@require_http_methods(["GET", "POST"])
def adjust(request: OrgRequest, participant_id: str, competency_uid: str) -> HttpResponse:
    part = get_participant(participant_id)
    cycle = part.cycle
    row = FinalRating.objects.filter(participant=part, competency_uid=competency_uid).first()
    if row is None or cycle.status != Status.CALIBRATION:
        raise Http404("Not found")
    initial = {
        "rating": round(row.final) if row.final is not None else "",
        "revision": row.revision,
    }
    form = FinalRatingForm(
        request.POST or None, initial=initial, scale_choices=_scale_choices(cycle)
    )
    back = (
        request.POST.get("next")
        or request.GET.get("next")
        or reverse("reviews:calibration", kwargs={"cycle_id": cycle.public_id})
    )
    if not back.startswith("/"):
        back = "/"
    if request.method == "POST" and form.is_valid():
        try:
            services.set_final_rating(
                part,
                competency_uid=competency_uid,
                rating=form.cleaned_data["rating"],
                reason=form.cleaned_data["reason"],
                expected_revision=form.cleaned_data.get("revision"),
                actor=request.user,
            )
        except ReviewError as err:
            add_errors(form, err, default_field="rating")
        else:
            messages.success(
                request,
                f"{part.person.name}: {row.competency_name} is now {form.cleaned_data['rating']}.",
            )
            return redirect(back)
    context = {
        "form": form,
        "part": part,
        "cycle": cycle,
        "row": row,
        "back": back,
        "scale": Scale(cycle.scale),
    }
    return render(request, "reviews/adjust.html", context)


def _visible(request: OrgRequest, participant_id: str):
    part = get_participant(participant_id)
    if not access.results_visible(part, viewer(request)):
        raise Http404("Not found")
    return part


@org_required()
@require_GET
def results(request: OrgRequest, participant_id: str) -> HttpResponse:
    part = _visible(request, participant_id)
    me = viewer(request)
    is_person = part.person_id == me.pk
    may_record = access.manages(me, part) or me.is_admin
    context = {
        "part": part,
        "cycle": part.cycle,
        "results": results_of(part),
        "is_person": is_person,
        "conversation_form": ConversationForm(initial={"held_on": part.conversation_on})
        if may_record and not is_person
        else None,
        "ack_form": AcknowledgeForm() if is_person and not part.acknowledged_at else None,
    }
    return render(request, "reviews/results.html", context)


def _results_form(
    form_class: type[forms.Form], service: Callable[..., Any], *, invalid: str, done: str
) -> Callable[..., HttpResponse]:
    """A small form on someone's results page (see `run_form`); back to the page."""

    @org_required()
    @post_only
    def view(request: OrgRequest, participant_id: str) -> HttpResponse:
        part = _visible(request, participant_id)
        run_form(request, form_class(request.POST), service, part, invalid=invalid, done=done)
        return redirect("reviews:results", participant_id=part.public_id)

    return view


conversation = _results_form(
    ConversationForm,
    services.record_conversation,
    invalid="Enter the date of the conversation.",
    done="The conversation is recorded.",
)
acknowledge = _results_form(
    AcknowledgeForm,
    services.acknowledge,
    invalid="Keep the comment under 5,000 characters.",
    done="Thank you. Your acknowledgement is recorded.",
)


@admin
@require_http_methods(["GET", "POST"])
def scale(request: OrgRequest) -> HttpResponse:
    current = services.ensure_scale(request.organization)
    form = ScaleForm(
        request.POST or None,
        initial={"revision": current.revision, "meets": current.meets},
        points=current.points,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_scale(
                request.organization,
                points=form.new_points,
                meets=form.cleaned_data["meets"],
                expected_revision=form.cleaned_data["revision"],
                actor=request.user,
            )
        except ReviewError as err:
            add_errors(form, err)
        else:
            messages.success(request, "The rating scale is saved. New cycles use it from launch.")
            return redirect("reviews:scale")
    return render(request, "reviews/scale.html", {"form": form, "scale": current})
