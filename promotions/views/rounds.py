"""Promotion rounds: HR gathers cases and names a committee; the committee reviews the
cases side by side (like calibration) and records each decision."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from organizations.access import OrgRequest, org_required
from people.models import Person
from promotions import access, services
from promotions.models import (
    CaseReviewer,
    CaseStatement,
    PromotionCase,
    PromotionRound,
    RoundMember,
)
from promotions.selectors import rating_histories
from promotions.views.common import (
    date_or_none,
    fail,
    people_choices,
    revision,
    round_or_404,
    viewer,
)
from reviews.errors import ReviewError


@org_required()
@require_GET
def rounds(request: OrgRequest) -> HttpResponse:
    me = viewer(request)
    found = list(
        access.visible_rounds(me)
        .annotate(n=Count("cases", distinct=True))
        .order_by("status", "-created_at")
    )
    return render(
        request,
        "promotions/rounds.html",
        {"rounds": found, "is_admin": me.is_admin, "lead": me.is_admin or bool(me.reports)},
    )


def _choosable_cases(round: PromotionRound | None) -> list[PromotionCase]:
    qs = PromotionCase.objects.filter(status__in=PromotionCase.OPEN).select_related(
        "person", "round"
    )
    return list(qs.order_by("person__name"))


def _form(request: OrgRequest, round: PromotionRound | None) -> HttpResponse:
    if not viewer(request).is_admin:
        raise PermissionDenied("Only HR can set up promotion rounds.")
    post = request.POST if request.method == "POST" else None
    errors: dict[str, list[str]] = {}
    if post is not None:
        committee = list(Person.objects.filter(public_id__in=post.getlist("committee")[:50]))
        cases = list(
            PromotionCase.objects.filter(public_id__in=post.getlist("cases")[:500]).select_related(
                "person"
            )
        )
        kwargs: dict[str, Any] = {
            "name": post.get("name", ""),
            "committee": committee,
            "cases": cases,
            "decide_by": date_or_none(post.get("decide_by", "")),
            "notes": post.get("notes", ""),
        }
        try:
            if round is None:
                round = services.create_round(
                    request.organization,
                    actor=request.user,
                    **kwargs,
                )
            else:
                services.update_round(
                    round, actor=request.user, expected_revision=revision(request), **kwargs
                )
        except ReviewError as exc:
            for field, message in exc.errors or [("__all__", exc.message)]:
                errors.setdefault(field, []).append(message)
            if post.get("decide_by") and kwargs["decide_by"] is None:
                errors.setdefault("decide_by", []).append("Enter a real date.")
        else:
            messages.success(request, f"The promotion round “{round.name}” was saved.")
            return redirect("promotions:round", round_id=round.public_id)
    members = (
        set(RoundMember.objects.filter(round=round).values_list("person__public_id", flat=True))
        if round
        else set()
    )
    in_round = {c.public_id for c in PromotionCase.objects.filter(round=round)} if round else set()
    return render(
        request,
        "promotions/round_form.html",
        {
            "round": round,
            "errors": errors,
            "name": post.get("name", "") if post else (round.name if round else ""),
            "decide_by": post.get("decide_by", "")
            if post
            else (round.decide_by.isoformat() if round and round.decide_by else ""),
            "notes": post.get("notes", "") if post else (round.notes if round else ""),
            "committee": set(post.getlist("committee")) if post else members,
            "chosen": set(post.getlist("cases")) if post else in_round,
            "people": people_choices(),
            "cases": _choosable_cases(round),
        },
    )


@org_required()
@require_http_methods(["GET", "POST"])
def new(request: OrgRequest) -> HttpResponse:
    return _form(request, None)


@org_required()
@require_http_methods(["GET", "POST"])
def edit(request: OrgRequest, round_id: str) -> HttpResponse:
    found = round_or_404(request, round_id)
    if not found.is_open:
        messages.error(request, "This round is closed and can no longer change.")
        return redirect("promotions:round", round_id=found.public_id)
    return _form(request, found)


@org_required()
@require_GET
def round_page(request: OrgRequest, round_id: str) -> HttpResponse:
    """The committee's view: every case of the round side by side."""
    found = round_or_404(request, round_id)
    me = viewer(request)
    cases = list(
        PromotionCase.objects.filter(round=found)
        .select_related("person", "manager")
        .prefetch_related(
            Prefetch("statements", queryset=CaseStatement.objects.order_by("position", "id")),
            Prefetch("reviewers", queryset=CaseReviewer.objects.select_related("person")),
        )
        .order_by("person__name", "id")
    )
    histories = rating_histories([c.person_id for c in cases])
    committee = list(RoundMember.objects.filter(round=found).select_related("person"))
    on_committee = me.pk is not None and any(m.person_id == me.pk for m in committee)
    writable = not request.organization.is_read_only
    rows = []
    for c in cases:
        argued = sum(1 for s in c.statements.all() if s.argument.strip())
        rows.append(
            {
                "c": c,
                "history": histories.get(c.person_id),
                "argued": argued,
                "statements": len(c.statements.all()),
                "reviewers": list(c.reviewers.all()),
                "decidable": writable
                and c.status == PromotionCase.Status.IN_REVIEW
                and found.is_open
                and (me.is_admin or on_committee),
            }
        )
    waiting = sum(1 for c in cases if c.is_open)
    return render(
        request,
        "promotions/round.html",
        {
            "round": found,
            "rows": rows,
            "committee": committee,
            "is_admin": me.is_admin,
            "waiting": waiting,
            "decided": sum(1 for c in cases if c.is_decided),
            "today": timezone.localdate(),
        },
    )


@org_required()
@require_http_methods(["GET", "POST"])
def close(request: OrgRequest, round_id: str) -> HttpResponse:
    found = round_or_404(request, round_id)
    if request.method != "POST":
        return redirect("promotions:round", round_id=found.public_id)
    try:
        services.close_round(found, actor=request.user, expected_revision=revision(request))
    except ReviewError as exc:
        return fail(request, exc, "promotions:round", round_id=found.public_id)
    messages.success(request, f"“{found.name}” was closed.")
    return redirect("promotions:round", round_id=found.public_id)
