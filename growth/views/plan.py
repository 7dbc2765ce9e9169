"""The development plan: the plan page, adding an item, an item with its history, and a
quick status change (htmx)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from growth import services
from growth.access import can_hold_conversations, report_visible
from growth.forms import ActionItemForm, EditItemForm, StatusForm, apply_errors
from growth.models import ActionItem
from growth.selectors import item_history, plan_for, released_participations, targets_for
from growth.views.common import is_own, item_or_404, person_or_404, viewer
from organizations.access import OrgRequest, org_required
from people.models import Person
from people.selectors import person_for_user
from reviews.errors import ReviewError, StaleError


@org_required()
@require_GET
def index(request: OrgRequest) -> HttpResponse:
    """ "Development" in the navigation: my own plan."""
    me = person_for_user(request.user)
    if me is None:
        return render(request, "growth/not_in_directory.html")
    return redirect("growth:plan", person_id=me.public_id)


@org_required()
@require_GET
def plan(request: OrgRequest, person_id: str) -> HttpResponse:
    person = person_or_404(request, person_id)
    me = viewer(request)
    reports = [p for p in released_participations(person) if report_visible(p, me)]
    return render(
        request,
        "growth/plan.html",
        {
            "person": person,
            "plan": plan_for(person),
            "reports": reports,
            "own": is_own(request, person),
            "can_converse": can_hold_conversations(me, person),
        },
    )


def _save(
    request: HttpRequest,
    person: Person,
    form: ActionItemForm,
    save: Callable[..., ActionItem],
    done: str,
) -> HttpResponse | None:
    """A valid POST of an item's form: `save` it with the form's changes, then back to the
    plan saying `done` (which names the item as {title}); None for a GET, an invalid form
    or the service's refusal (then on the form). A stale revision is the caller's."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        item = save(**form.service_kwargs())
    except StaleError:
        raise
    except ReviewError as exc:
        apply_errors(form, exc)
        return None
    messages.success(request, done.format(title=item.title))
    return redirect("growth:plan", person_id=person.public_id)


@org_required()
@require_http_methods(["GET", "POST"])
def item_new(request: OrgRequest, person_id: str) -> HttpResponse:
    person = person_or_404(request, person_id)
    targets = targets_for(person)
    owners = services.owner_choices(person)
    initial = {
        "competency": request.GET.get("competency", ""),
        "statement": request.GET.get("statement", ""),
        "owner": person.public_id,
    }
    form = ActionItemForm(request.POST or None, targets=targets, owners=owners, initial=initial)
    saved = _save(
        request,
        person,
        form,
        partial(services.create_action_item, person, actor=request.user),
        "“{title}” was added to the plan.",
    )
    if saved is not None:
        return saved
    return render(
        request,
        "growth/item_form.html",
        {"form": form, "person": person, "item": None, "own": is_own(request, person)},
    )


@org_required()
@require_http_methods(["GET", "POST"])
def item(request: OrgRequest, item_id: str) -> HttpResponse:
    """An item: change it (revision-checked) and read its history."""
    item = item_or_404(request, item_id)
    person = item.person
    targets = targets_for(person)
    owners = services.owner_choices(person)
    form = EditItemForm(
        request.POST or None,
        targets=targets,
        owners=owners,
        initial=EditItemForm.initial_for(item),
    )
    stale = False
    try:
        saved = _save(
            request,
            person,
            form,
            lambda **changes: services.update_action_item(
                item,
                actor=request.user,
                expected_revision=form.cleaned_data["revision"],
                note=form.cleaned_data.get("note") or "",
                **changes,
            ),
            "“{title}” was saved.",
        )
    except StaleError:
        stale = True
        item.refresh_from_db()
        data = request.POST.copy()
        data["revision"] = str(item.revision)
        form = EditItemForm(data, targets=targets, owners=owners)
        form.is_valid()
        form.add_error(
            None,
            "Someone else changed this item while you were editing, so nothing was "
            "saved. Your changes are still in the form; the saved version is shown "
            "beside it. Save again to replace it with yours.",
        )
    else:
        if saved is not None:
            return saved
    return render(
        request,
        "growth/item.html",
        {
            "form": form,
            "item": item,
            "person": person,
            "history": item_history(item),
            "stale": stale,
            "own": is_own(request, person),
        },
    )


@org_required()
@require_http_methods(["GET", "POST"])
def item_status(request: OrgRequest, item_id: str) -> HttpResponse:
    """Change only the status, from the plan page (the row is swapped in with htmx; a GET
    shows the item)."""
    item = item_or_404(request, item_id)
    if request.method != "POST":
        return redirect("growth:item", item_id=item.public_id)
    form = StatusForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            item = services.set_item_status(
                item,
                status=form.cleaned_data["status"],
                actor=request.user,
                expected_revision=form.cleaned_data["revision"],
            )
        except StaleError as exc:
            item.refresh_from_db()
            error = exc.message
        except ReviewError as exc:
            error = exc.message
    else:
        error = "Choose a status."
    if request.htmx:
        from growth.selectors import plan_for

        plan = plan_for(item.person)
        return render(
            request,
            "growth/partials/plan_item.html",
            {
                "item": item,
                "plan": plan,
                "error": error,
                "saved": not error,
                "own": is_own(request, item.person),
                "oob": True,  # the plan's counts change with the status
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"“{item.title}” is now {item.get_status_display().lower()}.")
    return redirect("growth:plan", person_id=item.person.public_id)
