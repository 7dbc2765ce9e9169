"""What each role sees on the home page. A constant number of queries per role."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Invitation
from frameworks.models import FrameworkVersion, JobFamily, Level
from frameworks.selectors import next_levels
from growth.models import ActionItem
from organizations.access import OrgRequest
from organizations.models import AuditEntry
from people.models import Person
from people.selectors import person_for_user, report_ids
from promotions.models import PromotionCase, ReadinessRecord
from reviews.models import Participant, ReviewCycle, ReviewForm
from reviews.models.forms import by_deadline

FINISHED = [ReviewCycle.Status.RELEASED, ReviewCycle.Status.CLOSED]


def _under_way() -> dict[str, Any]:
    """The loop as it runs: cycles open or in calibration (forms submitted of all), promotion cases
    in flight, people ready for promotion, action items open and overdue. Four queries."""
    today = timezone.localdate()
    live = [ReviewCycle.Status.OPEN, ReviewCycle.Status.CALIBRATION]
    cycles = list(
        ReviewCycle.objects.filter(status__in=live)
        .annotate(
            forms_total=Count("forms"),
            forms_done=Count("forms", filter=Q(forms__status="submitted")),
        )
        .order_by("-launched_at", "-id")[:3]
    )
    for cycle in cycles:
        total, done = cycle.forms_total, cycle.forms_done
        cycle.percent = round(100 * done / total) if total else 0
        due = [d for d in cycle.deadlines.values() if d is not None and d >= today]
        cycle.next_due = min(due) if due else None
    Status = PromotionCase.Status
    cases = PromotionCase.objects.aggregate(
        writing=Count("pk", filter=Q(status=Status.DRAFT)),
        in_review=Count("pk", filter=Q(status=Status.IN_REVIEW)),
    )
    ready = ReadinessRecord.objects.filter(listed=True, ready=True).count()
    items = ActionItem.objects.filter(status__in=ActionItem.LIVE).aggregate(
        live=Count("pk"), overdue=Count("pk", filter=Q(due__lt=today))
    )
    return {"cycles": cycles, "cases": cases, "ready": ready, "items": items}


def _admin(request: HttpRequest) -> dict[str, Any]:
    people = Person.objects.filter(is_active=True)
    families = JobFamily.objects.count()
    published = FrameworkVersion.objects.filter(status=FrameworkVersion.Status.PUBLISHED).count()
    people_count = people.count()
    placed = people.exclude(level_uid="").count()
    unplaced = people.filter(job_family__isnull=False, level_uid="").count()
    logins = people.filter(user__isnull=False).count()
    pending = Invitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).count()
    steps = [
        {
            "title": "Create your first ladder",
            "done": families > 0,
            "text": "Start from a template, a spreadsheet, or a blank framework.",
            "url": "frameworks:library",
            "action": "Browse templates",
        },
        {
            "title": "Publish it",
            "done": published > 0,
            "text": "Publishing makes a version everyone on the ladder can see.",
            "url": "frameworks:index",
            "action": "Open frameworks",
        },
        {
            "title": "Add your people",
            "done": people_count > 1,
            "text": "One at a time, or many at once from a CSV file.",
            "url": "people:list",
            "action": "Open people",
        },
        {
            "title": "Place people on levels",
            "done": placed > 0 and unplaced == 0,
            "text": "Give everyone on a ladder a level so they can see their next step.",
            "url": "people:list",
            "action": "Open people",
        },
        {
            "title": "Invite colleagues to log in",
            "done": logins > 1,
            "text": "Each invitation lets a person set a password and see their ladder.",
            "url": "accounts:invitations",
            "action": "Invite people",
        },
    ]
    return {
        "template": "core/dashboard_admin.html",
        "steps": steps,
        "steps_done": sum(1 for s in steps if s["done"]),
        "stats": {
            "people": people_count,
            "placed": placed,
            "logins": logins,
            "families": families,
            "published": published,
            "pending": pending,
        },
        "recent": list(AuditEntry.objects.all()[:8]),
        "under_way": _under_way(),
    }


def _to_do(me: Person) -> dict[str, Any]:
    """What the person has to do: the reviews to write in open cycles (the first five, by
    deadline), their open action items and their latest gap report. Four queries."""
    today = timezone.localdate()
    forms = list(
        ReviewForm.objects.filter(reviewer_id=me.pk, cycle__status=ReviewCycle.Status.OPEN)
        .exclude(status=ReviewForm.Status.SUBMITTED)
        .select_related("cycle", "participant__person")
        .order_by("cycle__launched_at", "kind", "participant__person__name", "id")
    )
    forms = by_deadline(forms)
    items = ActionItem.objects.filter(person=me, status__in=ActionItem.LIVE).aggregate(
        live=Count("pk"), overdue=Count("pk", filter=Q(due__lt=today))
    )
    report = (
        Participant.objects.filter(person=me, cycle__status__in=FINISHED)
        .select_related("cycle")
        .order_by("-cycle__released_at", "-cycle__created_at", "-id")
        .first()
    )
    return {"forms": forms[:5], "more": max(0, len(forms) - 5), "items": items, "report": report}


def _member(request: HttpRequest) -> dict[str, Any]:
    me = person_for_user(request.user)
    team: list[Person] = []
    if me is not None:
        direct = report_ids(me, direct_only=True)
        team = list(
            Person.objects.filter(pk__in=direct, is_active=True)
            .select_related("job_family")
            .order_by("name")
        )
    upcoming: list[Level] = []
    if me is not None and me.level is not None and not me.placement.pending:
        upcoming = next_levels(me.level, list(Level.objects.filter(version=me.level.version_id)))
    return {
        "template": "core/dashboard_member.html",
        "me": me,
        "team": team,
        "upcoming": upcoming,
        "to_do": _to_do(me) if me is not None else None,
    }


def for_request(request: OrgRequest) -> dict[str, Any]:
    membership = request.membership
    context = _member(request)
    if membership.is_admin:
        context.update(_admin(request))
    return context
