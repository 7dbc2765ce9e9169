"""Everyone's side of a cycle: the reviews I write, the review form itself (autosaved),
submitting, HR reopening, and nominating or approving peers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from organizations.access import OrgRequest, org_required
from organizations.models import Role
from organizations.prepared import Prepared
from people.models import Person
from reviews import access, services
from reviews.errors import ReviewError, StaleError
from reviews.forms import EVIDENCE_CHOICES, NominateForm, ReasonForm, add_errors
from reviews.models import (
    FormLocked,
    Participant,
    PeerNomination,
    ReviewCycle,
    ReviewForm,
)
from reviews.models.forms import by_deadline
from reviews.selectors.form_page import form_page, with_notes
from reviews.views.common import (
    get_editable_form,
    get_form,
    get_participant,
    post_only,
    run_form,
    viewer,
)

Status = ReviewCycle.Status
ANSWER_FIELDS = ["status", "revision", "overall_comment", "summaries", "updated_at"]


# Reviews is every signed-in person's page on deadline day: its queries are compiled once
# (organizations/prepared.py), each with the viewer's person as its only value
MY_FORMS = Prepared(
    lambda person_id: (
        ReviewForm.objects.filter(reviewer_id=person_id)
        .exclude(cycle__status=Status.DRAFT)
        .select_related("cycle", "participant__person")
        .order_by("-cycle__created_at", "status", "kind")
    ),
    person_id=int,
)
MY_PARTS = Prepared(
    lambda person_id: (
        Participant.objects.filter(person_id=person_id)
        .exclude(cycle__status=Status.DRAFT)
        .select_related("cycle")
    ),
    person_id=int,
)
PEERS_TO_APPROVE = Prepared(
    lambda person_id: PeerNomination.objects.filter(
        Q(participant__manager_id=person_id) | Q(participant__person__manager_id=person_id),
        status=PeerNomination.Status.PROPOSED,
        participant__cycle__status=Status.OPEN,
    ).values_list("participant_id", flat=True),
    person_id=int,
)
MY_TEAMS = Prepared(
    lambda person_id: (
        ReviewCycle.objects.exclude(status=Status.DRAFT)
        .filter(
            Q(participants__manager_id=person_id) | Q(participants__person__manager_id=person_id)
        )
        .distinct()
        .order_by("-created_at")
    ),
    person_id=int,
)


def _nominated(**where: Any) -> Any:
    """The participant of each nomination (but declined ones) `where` says: one row per
    nomination, unordered (PeerNomination's default ordering joins two tables)."""
    return (
        PeerNomination.objects.filter(**where)
        .exclude(status=PeerNomination.Status.DECLINED)
        .values_list("participant_id", flat=True)
        .order_by()
    )


NOMINATED = Prepared(
    lambda participant_id: _nominated(participant_id=participant_id), participant_id=int
)


@org_required()
@require_GET
def my_reviews(request: OrgRequest) -> HttpResponse:
    me = viewer(request)
    forms: list[ReviewForm] = []
    nominate: list[Participant] = []
    approve: list[tuple[Participant, int]] = []
    results: list[Participant] = []
    teams: list[ReviewCycle] = []
    if me.person is not None:
        forms = MY_FORMS.all(person_id=me.person.pk)
        mine = MY_PARTS.all(person_id=me.person.pk)
        open_peer_cycles = [p for p in mine if p.cycle.is_open and p.cycle.peers_on]
        counts = {row: 0 for row in (p.pk for p in open_peer_cycles)}
        if len(open_peer_cycles) == 1:  # the usual case: one open cycle, one prepared query
            nominated = NOMINATED.all(participant_id=open_peer_cycles[0].pk)
        else:
            nominated = _nominated(participant__in=open_peer_cycles)
        for part_id in nominated:
            counts[part_id] += 1
        nominate = [p for p in open_peer_cycles if counts[p.pk] < p.cycle.peer_min]
        for p in nominate:
            p.nominated = counts[p.pk]  # type: ignore[attr-defined]
        results = [p for p in mine if p.cycle.is_finished]
        waiting: dict[int, int] = {}
        for part_id in PEERS_TO_APPROVE.all(person_id=me.person.pk):
            waiting[part_id] = waiting.get(part_id, 0) + 1
        approve = [
            (p, waiting[p.pk])
            for p in Participant.objects.filter(pk__in=list(waiting)).select_related(
                "person", "cycle"
            )
        ]
        teams = MY_TEAMS.all(person_id=me.person.pk)
    cycles = []
    if me.is_admin:
        cycles = list(ReviewCycle.objects.exclude(status=Status.CLOSED).order_by("-created_at")[:6])
    context = {
        "me": me.person,
        "cycles": cycles,
        "todo": by_deadline([f for f in forms if f.cycle.is_open and not f.is_submitted]),
        "done": [f for f in forms if f.is_submitted or not f.cycle.is_open],
        "nominate": nominate,
        "approve": approve,
        "results": results,
        "teams": teams,
        "today": timezone.localdate(),
    }
    return render(request, "reviews/my_reviews.html", context)


# a manager's form page: the person's self-review beside it, compiled once
SELF_REVIEW = Prepared(
    lambda participant_id: (
        ReviewForm.objects.filter(participant_id=participant_id, kind=ReviewForm.Kind.SELF)
        .select_related("cycle", "participant")
        .order_by("pk")[:1]
    ),  # one per participant; the default ordering joins two tables
    participant_id=int,
)


def _self_review_for_manager(form: ReviewForm, request: OrgRequest) -> ReviewForm | None:
    """On a manager review: the person's self-review, when the manager may read it."""
    if form.kind != ReviewForm.Kind.MANAGER:
        return None
    own = SELF_REVIEW.first(participant_id=form.participant_id)
    if own is None:
        return None
    return own if access.form_access(own, viewer(request)) == "view" else None


def _context(request: OrgRequest, form: ReviewForm, mode: str, **extra: Any) -> dict[str, Any]:
    page = with_notes(form_page(form))
    return {
        "form": form,
        "mode": mode,
        "page": page,
        "cycle": form.cycle,
        "part": form.participant,
        "due": form.due,
        "late": form.is_late,
        "evidence_choices": EVIDENCE_CHOICES,
        "self_review": _self_review_for_manager(form, request),
        "reopen_form": ReasonForm() if viewer(request).is_admin and form.is_submitted else None,
        **extra,
    }


@org_required()
@require_GET
def form(request: OrgRequest, form_id: str) -> HttpResponse:
    review, mode = get_form(request, form_id)
    return render(request, "reviews/form.html", _context(request, review, mode))


ANSWER_KEYS = ("rating", "comment", "evidence", "evidence_kind")


def _answers(request: HttpRequest) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The answers in a posted form, field by field (a rating only when one is chosen), in
    the page's order. Statements and competencies no longer on the form (a page from
    before a ladder fix) are left out by save_answers(skip_unknown=True)."""
    answers: dict[str, dict[str, Any]] = {}
    summaries: dict[str, str] = {}
    for name, value in request.POST.items():
        key, _dash, uid = name.partition("-")
        if not uid:
            continue
        if key in ANSWER_KEYS:
            answers.setdefault(uid, {"statement": uid})[key] = value
        elif key == "summary":
            summaries[uid] = str(value)
    return list(answers.values()), summaries


def _save(request: OrgRequest, review: ReviewForm) -> int:
    answers, summaries = _answers(request)
    return services.save_answers(
        review,
        answers=answers,
        summaries=summaries,
        overall_comment=request.POST.get("overall_comment"),
        expected_revision=int(request.POST.get("revision", -1)),
        actor=request.user,
        skip_unknown=True,
    )


@org_required()
@post_only
def save(request: OrgRequest, form_id: str) -> HttpResponse:
    """Autosave (htmx) — or "Save and come back later" without JavaScript."""
    review = get_editable_form(request, form_id)
    status: dict[str, Any] = {}
    try:
        _save(request, review)
    except StaleError as err:
        status = {"error": err.message, "stale": True}
    except ReviewError as err:
        status = {"error": err.message, "problems": [m for _f, m in err.errors]}
    else:
        status = {"saved_at": timezone.localtime()}
    if not request.htmx:
        if "error" in status:
            messages.error(request, status["error"])
        else:
            messages.success(request, "Saved. You can come back and finish later.")
        return redirect("reviews:form", form_id=review.public_id)
    if "error" in status:
        # a refused save shows the form as stored; a saved one is what this request wrote
        # (save_answers keeps `review` up to date). The cycle, participant and person
        # get_form loaded stay, so the answer is cheaper on deadline day
        review.refresh_from_db(fields=ANSWER_FIELDS)
    saved = None if "error" in status else review.saved_items  # type: ignore[attr-defined]
    page = form_page(review, saved)
    context = {"form": review, "page": page, "status": status}
    # the status partial uses nothing of the app shell: no context processors
    return HttpResponse(render_to_string("reviews/form.html#save_status", context))


@org_required()
@post_only
def submit(request: OrgRequest, form_id: str) -> HttpResponse:
    review = get_editable_form(request, form_id)
    problems: list[tuple[str, str]] = []
    try:
        revision = _save(request, review)
        services.submit_form(review, expected_revision=revision, actor=request.user)
    except (StaleError, FormLocked) as err:
        messages.error(request, err.message)
        return redirect("reviews:form", form_id=review.public_id)
    except ReviewError as err:
        problems = err.errors or [("", err.message)]
        review.refresh_from_db()
        context = _context(request, review, "edit", problems=problems, problem_title=err.message)
        return render(request, "reviews/form.html", context, status=400)
    who = review.participant.person.name
    messages.success(
        request,
        "Your self-review is submitted."
        if review.kind == ReviewForm.Kind.SELF
        else f"Your {review.get_kind_display().lower()} for {who} is submitted. Thank you.",
    )
    return redirect("reviews:my_reviews")


@org_required(Role.HR_ADMIN)
@post_only
def reopen(request: OrgRequest, form_id: str) -> HttpResponse:
    review, _mode = get_form(request, form_id)
    run_form(
        request,
        ReasonForm(request.POST),
        services.reopen_form,
        review,
        invalid="Say why the review is reopened.",
        done="The review is open again. Its reviewer can change it and submit it.",
    )
    return redirect("reviews:form", form_id=review.public_id)


# --- peers ---------------------------------------------------------------------------------


def _peer_page(request: OrgRequest, part: Participant) -> tuple[str, dict[str, Any]]:
    role = access.peer_role(part, viewer(request))
    if role is None or part.cycle.status not in (Status.DRAFT, Status.OPEN, Status.CALIBRATION):
        raise Http404("Not found")
    if part.cycle.is_draft and not viewer(request).is_admin:
        raise Http404("Not found")
    noms = list(
        PeerNomination.objects.filter(participant=part)
        .select_related("peer")
        .order_by("status", "peer__name")
    )
    taken = {n.peer_id for n in noms if n.status != PeerNomination.Status.DECLINED}
    people = [
        (p.public_id, p.name + (f" — {p.title}" if p.title else ""))
        for p in Person.objects.filter(is_active=True)
        .exclude(pk__in=taken | {part.person_id, part.manager_id or 0})
        .order_by("name")
    ]
    return role, {
        "part": part,
        "cycle": part.cycle,
        "role": role,
        "nominations": noms,
        "people": people,
    }


@org_required()
@require_http_methods(["GET", "POST"])
def peers(request: OrgRequest, participant_id: str) -> HttpResponse:
    part = get_participant(participant_id)
    _role, context = _peer_page(request, part)
    form = NominateForm(request.POST or None, people=context["people"])
    if request.method == "POST" and form.is_valid():
        peer = get_object_or_404(Person, public_id=form.cleaned_data["peer"])
        try:
            nomination = services.nominate_peer(part, peer, actor=request.user)
        except ReviewError as err:
            add_errors(form, err, default_field="peer")
        else:
            if nomination.status == PeerNomination.Status.APPROVED:
                messages.success(request, f"{peer.name} will be asked for feedback.")
            else:
                messages.success(request, f"{peer.name} is nominated. Your manager approves peers.")
            return redirect("reviews:peers", participant_id=part.public_id)
    context["form"] = form
    approved = sum(1 for n in context["nominations"] if n.status == PeerNomination.Status.APPROVED)
    context["approved"] = approved
    return render(request, "reviews/peers.html", context)


@org_required()
@post_only
def peer_decide(request: OrgRequest, nomination_id: str) -> HttpResponse:
    nomination = get_object_or_404(
        PeerNomination.objects.select_related("participant__cycle", "participant__person", "peer"),
        public_id=nomination_id,
    )
    part = nomination.participant
    role = access.peer_role(part, viewer(request))
    if role is None:
        raise Http404("Not found")
    approve = request.POST.get("decision") == "approve"
    was_approved = nomination.status == PeerNomination.Status.APPROVED
    name = nomination.peer.name
    try:
        services.decide_peer(nomination, approve=approve, actor=request.user)
    except ReviewError as err:
        messages.error(request, err.message)
    else:
        if approve:
            done = f"{name} will be asked for feedback."
        elif was_approved:
            done = f"{name} was removed and will not be asked for feedback."
        else:
            done = f"{name} was declined."
        messages.success(request, done)
    return redirect("reviews:peers", participant_id=part.public_id)
