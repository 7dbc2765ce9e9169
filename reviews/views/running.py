"""Running a cycle: the list of cycles, HR's completion dashboard, reminders, framework
fixes reaching open forms, and a manager's team view."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from frameworks.models import FrameworkVersion
from organizations.access import OrgRequest, org_required
from organizations.models import Role
from reviews import access, selectors, services
from reviews.errors import ReviewError
from reviews.forms import AddPeopleForm, ReminderForm
from reviews.models import FixApplication, Participant, PeerNomination, ReviewCycle, ReviewForm
from reviews.views.common import get_cycle, post_only, viewer
from reviews.views.setup import _addable

Status = ReviewCycle.Status
admin = org_required(Role.HR_ADMIN)
COMPLETION_PAGE_SIZE = 25  # teams, and managers, a page of the completion dashboard
PEOPLE_PAGE_SIZE = 50  # people a page of a released cycle's page


@admin
@require_GET
def cycles(request: OrgRequest) -> HttpResponse:
    rows = list(
        ReviewCycle.objects.annotate(
            people=Count("participants", distinct=True),
        ).order_by("-created_at")
    )
    counts = {
        row["cycle_id"]: row
        for row in ReviewForm.objects.values("cycle_id")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(status="submitted")))
        .order_by()
    }
    for c in rows:
        got = counts.get(c.pk, {"total": 0, "done": 0})
        c.forms_total, c.forms_done = got["total"], got["done"]
        c.percent = round(100 * got["done"] / got["total"]) if got["total"] else 0
    return render(request, "reviews/cycles.html", {"cycles": rows})


@admin
@require_GET
def cycle(request: OrgRequest, cycle_id: str) -> HttpResponse:
    cycle = get_cycle(cycle_id)
    if cycle.is_draft:
        return redirect("reviews:setup_preview", cycle_id=cycle.public_id)
    completion = selectors.completion(cycle)
    context: dict = {
        "cycle": cycle,
        "completion": completion,
        # a table each, paged on its own: 234 teams and 234 managers at 2,000 people
        "teams": _paged(request, completion.by_team, "teams"),
        "managers": _paged(request, completion.by_manager, "managers"),
    }
    if cycle.is_open:
        context["fixes"] = services.pending_fixes(cycle)
        context["remind_form"] = ReminderForm()
        context["add_form"] = AddPeopleForm(
            initial={"revision": cycle.revision}, people=_addable(cycle)
        )
    if cycle.status in (Status.RELEASED, Status.CLOSED):
        parts = Participant.objects.filter(cycle=cycle)
        # counted over everyone, in the database; the table shows a page of them
        context.update(
            parts.aggregate(
                reviewed=Count("pk"),
                talked=Count("pk", filter=Q(conversation_on__isnull=False)),
                acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
            )
        )
        context["page"] = Paginator(
            parts.select_related("person", "manager").order_by("person__name", "pk"),
            PEOPLE_PAGE_SIZE,
        ).get_page(request.GET.get("page"))
    return render(request, "reviews/cycle.html", context)


def _paged(request: HttpRequest, groups: list, param: str) -> dict:
    """One page of a completion table: its rows, and the query its pager links keep (the
    other table's page)."""
    page: Page = Paginator(groups, COMPLETION_PAGE_SIZE).get_page(request.GET.get(param))
    others = request.GET.copy()
    others.pop(param, None)
    return {"page": page, "query": others.urlencode(), "param": param}


@admin
@post_only
def remind(request: OrgRequest, cycle_id: str) -> HttpResponse:
    cycle = get_cycle(cycle_id, Status.OPEN)
    form = ReminderForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose who to remind.")
        return redirect("reviews:cycle", cycle_id=cycle.public_id)
    try:
        sent = services.send_reminders(cycle, form.cleaned_data["phase"], actor=request.user)
    except ReviewError as err:
        messages.error(request, err.message)
    else:
        if sent:
            messages.success(request, f"{sent} reminder{'s' if sent != 1 else ''} on the way.")
        else:
            messages.info(
                request,
                "Nobody was reminded: everyone has finished, or has already been reminded today.",
            )
    return redirect("reviews:cycle", cycle_id=cycle.public_id)


@admin
@require_http_methods(["GET", "POST"])
def fixes(request: OrgRequest, cycle_id: str) -> HttpResponse:
    cycle = get_cycle(cycle_id, Status.OPEN, Status.CALIBRATION, Status.RELEASED, Status.CLOSED)
    if request.method == "POST":
        version = get_object_or_404(FrameworkVersion, public_id=request.POST.get("version", ""))
        try:
            done = services.apply_framework_fix(
                cycle,
                version=version,
                expected_revision=int(request.POST.get("revision", -1)),
                actor=request.user,
            )
        except ReviewError as err:
            messages.error(request, err.message)
        else:
            messages.success(
                request,
                f"{version} now reaches {done.forms} open review "
                f"form{'s' if done.forms != 1 else ''}.",
            )
        return redirect("reviews:fixes", cycle_id=cycle.public_id)
    context = {
        "cycle": cycle,
        "fixes": services.pending_fixes(cycle),
        "history": list(
            FixApplication.objects.filter(cycle=cycle).select_related("version", "applied_by")
        ),
    }
    return render(request, "reviews/fixes.html", context)


@org_required()
@require_GET
def team(request: OrgRequest, cycle_id: str) -> HttpResponse:
    """A manager's view of their people in a cycle: who has done what, peers to approve."""
    cycle = get_cycle(cycle_id, Status.OPEN, Status.CALIBRATION, Status.RELEASED, Status.CLOSED)
    me = viewer(request)
    if me.pk is None and not me.is_admin:
        raise Http404("Not found")
    mine = Participant.objects.filter(cycle=cycle)
    if not me.is_admin:
        mine = mine.filter(Q(manager_id=me.pk) | Q(person_id__in=me.reports))
    parts = list(
        mine.exclude(person_id=me.pk or 0)
        .select_related("person", "manager")
        .order_by("person__name")
    )
    if not parts:
        raise Http404("Not found")
    ids = [p.pk for p in parts]
    forms: dict[int, dict[str, list[ReviewForm]]] = defaultdict(lambda: defaultdict(list))
    for f in ReviewForm.objects.filter(participant_id__in=ids).select_related("reviewer"):
        forms[f.participant_id][f.kind].append(f)
    waiting: dict[int, int] = defaultdict(int)
    for part_id in PeerNomination.objects.filter(
        participant_id__in=ids, status=PeerNomination.Status.PROPOSED
    ).values_list("participant_id", flat=True):
        waiting[part_id] += 1
    today = timezone.localdate()
    late = {
        kind: bool(cycle.deadline(phase) and cycle.deadline(phase) < today)  # type: ignore[operator]
        for kind, phase in (("self", "self"), ("manager", "manager"))
    }
    rows = []
    for p in parts:
        p.cycle = cycle  # the same object, not a query per row
        own = forms[p.pk]
        peers = own.get("peer", [])
        rows.append(
            {
                "part": p,
                "self": next(iter(own.get("self", [])), None),
                "manager": next(iter(own.get("manager", [])), None),
                "late": late,
                "peers_total": len(peers),
                "peers_done": sum(1 for f in peers if f.is_submitted),
                "waiting": waiting[p.pk],
                "results": access.results_visible(p, me),
            }
        )
    context = {
        "cycle": cycle,
        "rows": rows,
        "me_pk": me.pk,
        "completion": selectors.completion(cycle, participant_ids=ids),
    }
    return render(request, "reviews/team.html", context)
