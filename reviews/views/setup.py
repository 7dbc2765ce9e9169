"""Setting up a review cycle, one question per page: name and period, who takes part,
which reviews, deadlines, the next level, then a check of who reviews whom and launch."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from frameworks.models import Competency, JobFamily, Level
from organizations.access import OrgRequest, org_required
from organizations.models import Role
from people.models import Person
from people.placement import attach
from reviews import framework_adapter as fw
from reviews import services
from reviews.errors import ReviewError
from reviews.forms import (
    KEEP,
    AddPeopleForm,
    DeadlinesForm,
    InputsForm,
    NameForm,
    NextLevelForm,
    ParticipantsForm,
    ReassignForm,
    RevisionForm,
    add_errors,
)
from reviews.models import Participant, PeerNomination, Phase, ReviewCycle
from reviews.services import generation
from reviews.views.common import (
    error_list,
    get_cycle,
    get_participant,
    next_step,
    post_only,
    step_url,
    steps_context,
)

Status = ReviewCycle.Status
admin = org_required(Role.HR_ADMIN)


def _step(
    request: OrgRequest,
    cycle: ReviewCycle,
    step: str,
    form: Any,
    changes: Callable[[], dict[str, Any]],
    *,
    default_field: str | None = None,
) -> HttpResponse:
    """One page of the set-up: save the answer through `update_cycle` (naming the revision
    the page showed), then go on; a launched cycle goes back to its dashboard."""
    if request.method == "POST" and form.is_valid():
        try:
            services.update_cycle(
                cycle,
                expected_revision=int(request.POST.get("revision", -1)),
                actor=request.user,
                **changes(),
            )
        except ReviewError as err:
            add_errors(form, err, default_field=default_field)
        else:
            if not cycle.is_draft:
                messages.success(request, "Saved. Reminders follow the new dates.")
                return redirect("reviews:cycle", cycle_id=cycle.public_id)
            return redirect(next_step(request, cycle, step))
    return render(
        request, f"reviews/setup/{step}.html", {"form": form, **steps_context(cycle, step)}
    )


@admin
@require_http_methods(["GET", "POST"])
def new(request: OrgRequest) -> HttpResponse:
    form = NameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            cycle = services.create_cycle(
                request.organization,
                name=d["name"],
                period=(d["period_start"], d["period_end"]),
                inputs={"self": True, "manager": True, "peers": 3},
                actor=request.user,
            )
        except ReviewError as err:
            add_errors(form, err)
        else:
            return redirect(step_url(cycle, "people"))
    return render(
        request, "reviews/setup/name.html", {"form": form, "step_number": 1, "step_count": 6}
    )


@admin
@require_http_methods(["GET", "POST"])
def setup_name(request: OrgRequest, cycle_id: str) -> HttpResponse:
    cycle = get_cycle(cycle_id, Status.DRAFT, Status.OPEN)
    initial = {
        "name": cycle.name,
        "period_start": cycle.period_start,
        "period_end": cycle.period_end,
    }
    form = NameForm(request.POST or None, initial=initial)

    def changes() -> dict[str, Any]:
        d = form.cleaned_data
        if cycle.is_draft:
            return {"name": d["name"], "period": (d["period_start"], d["period_end"])}
        return {"name": d["name"]}

    return _step(request, cycle, "name", form, changes)


def _rule_choices() -> dict[str, list[tuple[str, str]]]:
    versions = fw.current_versions(JobFamily.objects.values_list("pk", flat=True))
    families = sorted(
        ((v.family.public_id, v.family.name) for v in versions.values()), key=lambda x: x[1]
    )
    levels = [
        (lv.uid, f"{lv.code} {lv.title} · {lv.version.family.name}")
        for lv in Level.objects.filter(version__in=list(versions.values()))
        .select_related("version__family")
        .order_by("version__family__name", "rank", "position")
    ]
    managers = list(
        Person.objects.filter(
            Exists(Person.objects.filter(manager=OuterRef("pk"), is_active=True)), is_active=True
        )
        .order_by("name")
        .values_list("public_id", "name")
    )
    return {"families": families, "levels": levels, "teams": managers, "managers": managers}


@admin
@require_http_methods(["GET", "POST"])
def setup_people(request: OrgRequest, cycle_id: str) -> HttpResponse:
    cycle = get_cycle(cycle_id, Status.DRAFT)
    rule = cycle.participant_rule or {"kind": "everyone"}
    initial = {
        "kind": rule.get("kind", "everyone"),
        rule.get("kind", "everyone"): rule.get("ids", []),
    }
    kept = 0
    if not cycle.participant_rule or rule.get("kind") == "people":  # chosen one by one
        kept = Participant.objects.filter(cycle=cycle).count()
        if kept:
            initial = {"kind": KEEP}
    form = ParticipantsForm(
        request.POST or None, initial=initial, choices=_rule_choices(), kept=kept
    )
    if request.method == "POST" and form.is_valid() and form.cleaned_data["kind"] == KEEP:
        return redirect(next_step(request, cycle, "people"))
    if request.method == "POST" and form.is_valid():
        try:
            services.choose_participants(
                cycle,
                rule=form.rule,
                expected_revision=int(request.POST.get("revision", -1)),
                actor=request.user,
            )
        except ReviewError as err:
            add_errors(form, err, default_field="kind")
        else:
            return redirect(next_step(request, cycle, "people"))
    unplaced = Person.objects.filter(is_active=True, level_uid="").count()
    context = {
        "form": form,
        "everyone": Person.objects.filter(is_active=True).exclude(level_uid="").count(),
        "unplaced": unplaced,
        **steps_context(cycle, "people"),
    }
    return render(request, "reviews/setup/people.html", context)


def _peer_competency_choices(cycle: ReviewCycle) -> list[tuple[str, str]]:
    family_ids = set(
        Participant.objects.filter(cycle=cycle)
        .exclude(family=None)
        .order_by()
        .values_list("family_id", flat=True)
        .distinct()  # the few families, not a row per participant
    )
    versions = fw.current_versions(family_ids)
    several = len(versions) > 1
    return [
        (c.uid, f"{c.name} ({c.version.family.name})" if several else c.name)
        for c in Competency.objects.filter(version__in=list(versions.values()))
        .select_related("version__family")
        .order_by("version__family__name", "position", "id")
    ]


@admin
@require_http_methods(["GET", "POST"])
def setup_inputs(request: OrgRequest, cycle_id: str) -> HttpResponse:
    cycle = get_cycle(cycle_id, Status.DRAFT)
    initial = {
        "self_review": cycle.self_review,
        "manager_review": cycle.manager_review,
        "peers": cycle.peer_min,
        "upward": cycle.upward,
        "peer_threshold": cycle.peer_threshold,
        "manager_sees_self": cycle.manager_sees_self,
        "peer_competencies": cycle.peer_competency_uids,
    }
    form = InputsForm(
        request.POST or None, initial=initial, competencies=_peer_competency_choices(cycle)
    )
    return _step(request, cycle, "inputs", form, lambda: form.changes, default_field="self_review")


def deadline_phases(cycle: ReviewCycle) -> list[str]:
    phases = []
    if cycle.peers_on:
        phases.append(Phase.NOMINATIONS)
    if cycle.self_review:
        phases.append(Phase.SELF)
    if cycle.peers_on or cycle.upward:
        phases.append(Phase.PEER)
    if cycle.manager_review:
        phases.append(Phase.MANAGER)
    phases.append(Phase.CALIBRATION)
    return [str(p) for p in phases]


@admin
@require_http_methods(["GET", "POST"])
def setup_deadlines(request: OrgRequest, cycle_id: str) -> HttpResponse:
    cycle = get_cycle(cycle_id, Status.DRAFT, Status.OPEN)
    phases = deadline_phases(cycle)
    form = DeadlinesForm(request.POST or None, initial=cycle.deadlines, phases=phases)
    return _step(request, cycle, "deadlines", form, lambda: {"deadlines": form.deadlines})


@admin
@require_http_methods(["GET", "POST"])
def setup_next_level(request: OrgRequest, cycle_id: str) -> HttpResponse:
    cycle = get_cycle(cycle_id, Status.DRAFT)
    initial = {"include_next_level": "yes" if cycle.include_next_level else "no"}
    form = NextLevelForm(request.POST or None, initial=initial)
    return _step(
        request,
        cycle,
        "next_level",
        form,
        lambda: {"include_next_level": form.cleaned_data["include_next_level"]},
    )


@dataclass
class PreviewRow:
    part: Participant
    problem: str
    approved: list[PeerNomination]
    proposed: list[PeerNomination]
    upward: int


PREVIEW_PAGE_SIZE = 50


class Listed(NamedTuple):
    """A participant as the check page's totals need them (no model built per person)."""

    pk: int
    person_id: int
    name: str
    manager_id: int | None
    family_id: int | None
    level_uid: str


def who_reviews_whom(cycle: ReviewCycle, page_number: Any = None) -> dict[str, Any]:
    """Everything the check page shows, in a constant number of queries: the totals and
    the problems over every participant (read lightly), the table one page at a time."""
    everyone = Participant.objects.filter(cycle=cycle)
    light = [
        Listed(*row)
        for row in everyone.order_by("person__name", "pk").values_list(
            "pk",
            "person_id",
            "person__name",
            "manager_id",
            "person__job_family_id",
            "person__level_uid",
        )
    ]
    problems = generation.placement_problems((p.person_id, p.family_id, p.level_uid) for p in light)
    approved: dict[int, int] = {}
    if cycle.peers_on:
        approved = dict(
            PeerNomination.objects.filter(
                participant__cycle=cycle, status=PeerNomination.Status.APPROVED
            )
            .values("participant_id")
            .annotate(n=Count("pk"))
            .values_list("participant_id", "n")
        )
    reports = generation.direct_reports(p.person_id for p in light) if cycle.upward else {}
    forms = sum(
        int(cycle.self_review)
        + int(cycle.manager_review and bool(p.manager_id))
        + approved.get(p.pk, 0)
        + len(reports.get(p.person_id, []))
        for p in light
        if p.person_id not in problems
    )
    reviewers = {p.person_id for p in light if cycle.self_review} | {
        p.manager_id for p in light if cycle.manager_review and p.manager_id
    }
    page = Paginator(
        everyone.select_related("person__job_family", "manager").order_by("person__name", "pk"),
        PREVIEW_PAGE_SIZE,
    ).get_page(page_number)
    shown = list(page.object_list)
    attach(p.person for p in shown)  # the page's levels in one go, not a query per person
    nominations: dict[int, list[PeerNomination]] = {}
    for n in PeerNomination.objects.filter(participant__in=[p.pk for p in shown]):
        nominations.setdefault(n.participant_id, []).append(n)
    rows = []
    for part in shown:
        noms = nominations.get(part.pk, [])
        rows.append(
            PreviewRow(
                part=part,
                problem=problems.get(part.person_id, ""),
                approved=[n for n in noms if n.status == PeerNomination.Status.APPROVED],
                proposed=[n for n in noms if n.status == PeerNomination.Status.PROPOSED],
                upward=len(reports.get(part.person_id, [])),
            )
        )
    return {
        "rows": rows,
        "page": page,
        "participant_count": len(light),
        "problems": [(p.name, problems[p.person_id]) for p in light if p.person_id in problems],
        "no_manager": [p.name for p in light if cycle.manager_review and not p.manager_id],
        "form_count": forms,
        "reviewer_count": len(reviewers),
    }


def _addable(cycle: ReviewCycle) -> list[tuple[str, str]]:
    taken = Participant.objects.filter(cycle=cycle).values("person_id")
    return [
        (p.public_id, p.name)
        for p in Person.objects.filter(is_active=True)
        .exclude(level_uid="")
        .exclude(pk__in=taken)
        .order_by("name")
    ]


@admin
@require_http_methods(["GET"])
def setup_preview(request: OrgRequest, cycle_id: str) -> HttpResponse:
    cycle = get_cycle(cycle_id, Status.DRAFT)
    context = {
        **steps_context(cycle, "preview"),
        **who_reviews_whom(cycle, request.GET.get("page")),
        "add_form": AddPeopleForm(initial={"revision": cycle.revision}, people=_addable(cycle)),
        "deadline_phases": deadline_phases(cycle),
        "peer_names": dict(_peer_competency_choices(cycle)),
    }
    return render(request, "reviews/setup/preview.html", context)


@admin
@post_only
def launch(request: OrgRequest, cycle_id: str) -> HttpResponse:
    cycle = get_cycle(cycle_id, Status.DRAFT)
    form = RevisionForm(request.POST)
    try:
        if not form.is_valid():
            raise ReviewError("Reload the page and try again.")
        services.launch_cycle(
            cycle, expected_revision=form.cleaned_data["revision"], actor=request.user
        )
    except ReviewError as err:
        for message in error_list(err):
            messages.error(request, message)
        return redirect(step_url(cycle, "preview"))
    messages.success(request, f"“{cycle.name}” is open. Every reviewer has been e-mailed.")
    return redirect("reviews:cycle", cycle_id=cycle.public_id)


@admin
@require_http_methods(["GET", "POST"])
def delete(request: OrgRequest, cycle_id: str) -> HttpResponse:
    cycle = get_cycle(cycle_id, Status.DRAFT)
    if request.method == "POST":
        try:
            services.delete_cycle(
                cycle, expected_revision=int(request.POST.get("revision", -1)), actor=request.user
            )
        except ReviewError as err:
            messages.error(request, err.message)
            return redirect(step_url(cycle, "preview"))
        messages.success(request, f"“{cycle.name}” was deleted.")
        return redirect("reviews:cycles")
    return render(request, "reviews/setup/delete.html", {"cycle": cycle})


def _back(request: HttpRequest, cycle: ReviewCycle) -> HttpResponse:
    if cycle.is_draft:
        return redirect(step_url(cycle, "preview"))
    return redirect("reviews:cycle", cycle_id=cycle.public_id)


@admin
@post_only
def add_people(request: OrgRequest, cycle_id: str) -> HttpResponse:
    cycle = get_cycle(cycle_id, Status.DRAFT, Status.OPEN)
    form = AddPeopleForm(request.POST, people=_addable(cycle))
    if not form.is_valid():
        messages.error(request, "Choose the people to add.")
        return _back(request, cycle)
    people = list(Person.objects.filter(public_id__in=form.cleaned_data["people"]))
    try:
        added = services.add_participants(
            cycle, people, actor=request.user, expected_revision=form.cleaned_data["revision"]
        )
    except ReviewError as err:
        for message in error_list(err):
            messages.error(request, message)
    else:
        messages.success(
            request, f"Added {len(added)} {'person' if len(added) == 1 else 'people'}."
        )
    return _back(request, cycle)


@admin
@post_only
def remove_participant(request: OrgRequest, participant_id: str) -> HttpResponse:
    part = get_participant(participant_id)
    try:
        services.remove_participant(
            part, actor=request.user, expected_revision=int(request.POST.get("revision", -1))
        )
    except ReviewError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, f"{part.person.name} was taken out of the cycle.")
    return _back(request, part.cycle)


@admin
@require_http_methods(["GET", "POST"])
def reassign(request: OrgRequest, participant_id: str) -> HttpResponse:
    part = get_participant(participant_id)
    cycle = part.cycle
    if cycle.status not in (Status.DRAFT, Status.OPEN):
        return _back(request, cycle)
    people = [
        (p.public_id, p.name)
        for p in Person.objects.filter(is_active=True).exclude(pk=part.person_id).order_by("name")
    ]
    initial = {
        "revision": cycle.revision,
        "reviewer": part.manager.public_id if part.manager else "",
    }
    form = ReassignForm(request.POST or None, initial=initial, people=people)
    if request.method == "POST" and form.is_valid():
        reviewer = Person.objects.get(public_id=form.cleaned_data["reviewer"])
        try:
            services.reassign_reviewer(
                part,
                reviewer=reviewer,
                actor=request.user,
                expected_revision=form.cleaned_data["revision"],
            )
        except ReviewError as err:
            add_errors(form, err, default_field="reviewer")
        else:
            messages.success(
                request, f"{reviewer.name} now writes {part.person.name}’s manager review."
            )
            return _back(request, cycle)
    return render(
        request, "reviews/setup/reassign.html", {"form": form, "part": part, "cycle": cycle}
    )


@admin
@post_only
def copy(request: OrgRequest, cycle_id: str) -> HttpResponse:
    source = get_cycle(cycle_id, Status.RELEASED, Status.CLOSED)
    try:
        cycle = services.copy_cycle(source, actor=request.user)
    except ReviewError as err:
        messages.error(request, err.message)
        return redirect("reviews:cycle", cycle_id=source.public_id)
    messages.success(
        request, f"A new cycle starts from “{source.name}”. Check each step, then launch."
    )
    return redirect(reverse("reviews:setup_name", kwargs={"cycle_id": cycle.public_id}))
