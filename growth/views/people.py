"""A manager's career-conversation page for one report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from frameworks.selectors import ladder_for
from growth import services
from growth.access import can_hold_conversations, report_visible
from growth.forms import ConversationForm, apply_errors
from growth.models import CareerConversation
from growth.selectors import gap_report, plan_for, released_participations
from growth.views.common import person_or_404, viewer
from organizations.access import OrgRequest, org_required
from reviews.errors import ReviewError


@org_required()
@require_http_methods(["GET", "POST"])
def conversation(request: OrgRequest, person_id: str) -> HttpResponse:
    person = person_or_404(request, person_id)
    me = viewer(request)
    if not can_hold_conversations(me, person):
        raise Http404("Not found")
    form = ConversationForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_career_conversation(person, actor=request.user, **form.cleaned_data)
        except ReviewError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"The conversation with {person.name} was saved.")
            return redirect("growth:conversation", person_id=person.public_id)
    participations = [p for p in released_participations(person) if report_visible(p, me)]
    latest = gap_report(participations[0]) if participations else None
    past: list[dict[str, Any]] = [
        {
            "on": c.held_on,
            "kind": "career conversation",
            "by": c.held_by.name if c.held_by else "",
            "notes": c.notes,
            "follow_up": c.next_follow_up,
        }
        for c in CareerConversation.objects.filter(person=person).select_related("held_by")
    ] + [
        {
            "on": p.conversation_on,
            "kind": f"results conversation, {p.cycle.name}",
            "by": p.manager.name if p.manager else "",
            "notes": p.conversation_notes,
            "follow_up": None,
        }
        for p in participations
        if p.conversation_on
    ]
    past.sort(key=lambda c: c["on"], reverse=True)
    return render(
        request,
        "growth/conversation.html",
        {
            "person": person,
            "form": form,
            "ladder": ladder_for(person),
            "report": latest,
            "plan": plan_for(person),
            "past": past,
            "own": False,
        },
    )
