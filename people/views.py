"""The people directory: list, team, profiles, add/edit, deactivate, org chart (the CSV
import's pages are `spreadsheets.views_people`, under the same paths and URL names)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from frameworks.models import JobFamily
from organizations.access import OrgRequest, org_required
from organizations.models import Membership, Role
from people import selectors
from people.bulk import ACTIONS, BulkError, action_choices, apply_bulk
from people.forms import BulkForm, DirectoryFilterForm, EditPersonForm, PersonForm
from people.models import LevelChange, Person
from people.panels import panels_for, profile_context
from people.placement import placeable_levels
from people.services import (
    PersonError,
    StaleEditError,
    create_person,
    set_active,
    update_person,
)

ROLE_CHOICES = [(Role.MEMBER, "Member"), (Role.HR_ADMIN, "HR admin")]


def _page(
    request: OrgRequest, template: str, partial: str, context: dict[str, Any]
) -> HttpResponse:
    if request.htmx:
        template = f"{template}#{partial}"
    return render(request, template, context)


# --- lists ----------------------------------------------------------------------------------


PAGE_SIZE = 100


@org_required(Role.HR_ADMIN)
@require_GET
def directory(request: OrgRequest) -> HttpResponse:
    families = list(JobFamily.objects.order_by("position", "name"))
    # the people someone active reports to: one pass over the reporting lines, not a
    # lookup per person; the filter shows only their id and name
    managers = list(
        Person.objects.filter(pk__in=Person.objects.filter(is_active=True).values("manager_id"))
        .only("public_id", "name")
        .order_by("name", "pk")
    )
    form = DirectoryFilterForm(
        request.GET or None,
        families=families,
        levels=placeable_levels(),
        managers=managers,
    )
    page = Paginator(form.apply(selectors.directory()), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    total = Person.objects.count()
    context = {
        "form": form,
        "people": list(page.object_list),
        "page": page,
        "matches": page.paginator.count,
        "query": query.urlencode(),
        "total": total,
        "filtered": form.is_filtered,
        "columns": _sort_columns(request),
        "bulk_actions": action_choices(),
        "here": request.get_full_path(),
    }
    return _page(request, "people/list.html", "results", context)


COLUMNS = [
    ("name", "Name"),
    ("family", "Job family"),
    ("level", "Level"),
    ("manager", "Manager"),
    ("status", "Status"),
]


def _sort_columns(request: HttpRequest) -> list[dict[str, Any]]:
    """The table's headers: each a link that sorts by it (again: the other way round),
    keeping the filters; `aria_sort` on the sorted one."""
    current = request.GET.get("sort") or "name"
    query = request.GET.copy()
    query.pop("page", None)
    columns = []
    for key, label in COLUMNS:
        aria = {key: "ascending", f"-{key}": "descending"}.get(current, "")
        query["sort"] = f"-{key}" if current == key else key
        columns.append(
            {"key": key, "label": label, "aria_sort": aria, "url": "?" + query.urlencode()}
        )
    return columns


def _list_url(request: HttpRequest) -> str:
    """Where to go back to: the directory with the filters, sort and page it was on."""
    back = request.POST.get("next", "")
    base = reverse("people:list")
    return back if back.startswith(base) and "//" not in back else base


@org_required(Role.HR_ADMIN)
@require_http_methods(["GET", "POST"])
def bulk(request: OrgRequest) -> HttpResponse:
    """Change the people ticked in the directory: first say how, then confirm."""
    if request.method != "POST":
        return redirect("people:list")
    back = _list_url(request)
    ids = list(dict.fromkeys(request.POST.getlist("person")))
    people = list(Person.objects.filter(public_id__in=ids).select_related("manager", "job_family"))
    if len(people) != len(ids):
        raise Http404("Not found")  # someone of another organization, or no one
    action = request.POST.get("action", "")
    if action not in dict(action_choices()):
        messages.error(request, "Choose what to do with the people you ticked.")
        return redirect(back)
    if not people:
        messages.error(request, "Tick at least one person first, then choose what to do.")
        return redirect(back)
    people.sort(key=lambda p: (p.name.casefold(), p.pk))
    confirming = "confirm" in request.POST
    form = BulkForm(request.POST if confirming else None, initial={"action": action})
    problems: list[tuple[Person, str]] = []
    if confirming and form.is_valid():
        data = form.cleaned_data
        try:
            count = apply_bulk(
                request.organization,
                people,
                action=action,
                actor=request.user,
                level=data.get("level"),
                manager=data.get("manager"),
                family=data.get("family"),
                effective_date=data.get("effective_date"),
                reason=(data.get("reason") or "").strip(),
                choice=data.get("choice") or "",
            )
        except BulkError as error:
            problems = error.problems
        except PersonError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            label = dict(action_choices())[action]
            messages.success(
                request,
                f"{label}: done for {count} {'person' if count == 1 else 'people'}.",
            )
            return redirect(back)
    context = {
        "people": people,
        "form": form,
        "action": action,
        "action_label": dict(action_choices())[action],
        "problems": problems,
        "back": back,
        "is_custom": action not in ACTIONS,
    }
    return render(request, "people/bulk.html", context, status=400 if problems else 200)


@org_required()
@require_GET
def team(request: OrgRequest) -> HttpResponse:
    me = selectors.person_for_user(request.user)
    direct = selectors.report_ids(me, direct_only=True)
    people = list(selectors.directory().filter(pk__in=selectors.report_ids(me), is_active=True))
    return render(request, "people/team.html", {"me": me, "people": people, "direct": direct})


@org_required()
@require_GET
def org_chart(request: OrgRequest) -> HttpResponse:
    membership = request.membership
    people = selectors.visible_people(request.user, membership).filter(is_active=True)
    people = people.select_related("job_family")
    tree = selectors.org_chart(people)
    return render(request, "people/org_chart.html", {"tree": tree, "count": len(people)})


# --- one person -----------------------------------------------------------------------------


def _visible_or_404(request: OrgRequest, person_id: str) -> tuple[Person, set[int] | None]:
    """The person, if the viewer may see them, and the ids the viewer may see (None:
    everyone). Others get 404, exactly as for someone who does not exist."""
    person = get_object_or_404(
        Person.objects.select_related("manager", "job_family", "user"),
        public_id=person_id,
    )
    membership = request.membership
    if membership.is_admin:
        return person, None
    me = selectors.person_for_user(request.user)
    if me is None:
        raise Http404("Not found")
    visible = {me.pk, *selectors.report_ids(me)}
    if person.pk not in visible:
        raise Http404("Not found")
    return person, visible


def _profile(request: OrgRequest, person: Person, visible: set[int] | None) -> HttpResponse:
    reports = list(person.reports.filter(is_active=True).select_related("job_family"))
    history = list(LevelChange.objects.filter(person=person).select_related("job_family"))
    login_role = None
    if person.user_id:
        member = Membership.objects.filter(user_id=person.user_id).first()
        login_role = member.get_role_display() if member else None
    manager_visible = person.manager is not None and (
        visible is None or person.manager_id in visible
    )
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "reports": reports,
            "history": history,
            "login_role": login_role,
            **profile_context(request, person),  # e.g. the pending `invitation` (accounts)
            "role_choices": ROLE_CHOICES,
            "manager_visible": manager_visible,
            "is_self": person.user_id == request.user.pk,
            "panels": panels_for(request, person),
        },
    )


@org_required()
@require_GET
def detail(request: OrgRequest, person_id: str) -> HttpResponse:
    person, visible = _visible_or_404(request, person_id)
    return _profile(request, person, visible)


@org_required()
@require_GET
def me(request: OrgRequest) -> HttpResponse:
    person = selectors.person_for_user(request.user)
    if person is None:
        return render(request, "people/not_in_directory.html")
    person, visible = _visible_or_404(request, person.public_id)
    return _profile(request, person, visible)


# --- writing --------------------------------------------------------------------------------


def _apply_error(form: PersonForm, exc: PersonError) -> None:
    if exc.field and exc.field in form.fields:
        form.add_error(exc.field, str(exc))
    else:
        form.add_error(None, str(exc))


@org_required(Role.HR_ADMIN)
@require_http_methods(["GET", "POST"])
def add(request: OrgRequest) -> HttpResponse:
    org = request.organization
    initial = {}
    manager_id = request.GET.get("manager")
    if manager_id:
        initial["manager"] = manager_id
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            person = create_person(org, actor=request.user, **form.cleaned_data)
        except PersonError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, f"{person.name} was added to the people directory.")
            if "add_another" in request.POST:
                return redirect("people:add")
            return redirect("people:detail", person_id=person.public_id)
    return render(request, "people/form.html", {"form": form, "person": None})


@org_required(Role.HR_ADMIN)
@require_http_methods(["GET", "POST"])
def edit(request: OrgRequest, person_id: str) -> HttpResponse:
    person = get_object_or_404(
        Person.objects.select_related("manager", "job_family"), public_id=person_id
    )
    form = EditPersonForm(
        request.POST or None, person=person, initial=EditPersonForm.initial_for(person)
    )
    stale = False
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        revision = data.pop("revision")
        effective = data.pop("level_effective_date")
        reason = data.pop("level_reason")
        try:
            update_person(
                person,
                actor=request.user,
                expected_revision=revision,
                level_effective_date=effective,
                level_reason=reason.strip(),
                **data,
            )
        except StaleEditError:
            stale = True
            person.refresh_from_db()
            form = _rebind_on_stale(request, person)
        except PersonError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, f"{person.name}'s details were saved.")
            return redirect("people:detail", person_id=person.public_id)
    return render(request, "people/form.html", {"form": form, "person": person, "stale": stale})


def _rebind_on_stale(request: HttpRequest, person: Person) -> EditPersonForm:
    """Keep what the user typed, move the form onto the latest revision, and say so.
    Saving again then applies their version on purpose, not by accident."""
    data = request.POST.copy()
    data["revision"] = str(person.revision)
    form = EditPersonForm(data, person=person, initial=EditPersonForm.initial_for(person))
    form.is_valid()
    form.add_error(
        None,
        f"Someone else changed {person.name} while you were editing, so nothing was saved. "
        "Your changes are still in the form; their version is shown beside it. Save again "
        "to replace it with yours.",
    )
    return form


def _toggle(request: OrgRequest, person_id: str, *, active: bool) -> HttpResponse:
    person = get_object_or_404(Person.objects.select_related("manager"), public_id=person_id)
    error = None
    if request.method == "POST":
        try:
            set_active(person, actor=request.user, active=active)
        except PersonError as exc:
            error = str(exc)
        else:
            verb = "reactivated" if active else "deactivated"
            messages.success(request, f"{person.name} was {verb}.")
            return redirect("people:detail", person_id=person.public_id)
    reports = [] if active else list(person.reports.filter(is_active=True))
    return render(
        request,
        "people/confirm_active.html",
        {"person": person, "active": active, "reports": reports, "error": error},
        status=400 if error else 200,
    )


@org_required(Role.HR_ADMIN)
@require_http_methods(["GET", "POST"])
def deactivate(request: OrgRequest, person_id: str) -> HttpResponse:
    return _toggle(request, person_id, active=False)


@org_required(Role.HR_ADMIN)
@require_http_methods(["GET", "POST"])
def reactivate(request: OrgRequest, person_id: str) -> HttpResponse:
    return _toggle(request, person_id, active=True)


@org_required(Role.HR_ADMIN)
@require_GET
def level_options(request: OrgRequest) -> HttpResponse:
    """The level select for the job family chosen in the add/edit form (htmx)."""
    form = PersonForm(initial={"job_family": request.GET.get("job_family", "")})
    return render(request, "people/partials/level_field.html", {"field": form["level"]})
