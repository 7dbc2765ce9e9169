"""Data rights pages: a person's export (HR, and the person from "Your data"), erasure,
and the organization's export and deletion (owner)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from datarights import erasure, services
from datarights.registry import Audience
from organizations.access import org_required
from organizations.models import Role
from people.models import Person
from people.selectors import person_for_user


def _download(content: bytes, fmt: str, stem: str) -> HttpResponse:
    content_type, ext = services.FORMATS[fmt]
    response = HttpResponse(content, content_type=content_type)
    filename = f"{slugify(stem) or 'person'}-data-{timezone.localdate():%Y-%m-%d}.{ext}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _format(fmt: str) -> str:
    if fmt not in services.FORMATS:
        raise Http404("Not found")
    return fmt


@org_required(Role.HR_ADMIN)
@require_GET
def person_export(request: HttpRequest, person_id: str, fmt: str) -> HttpResponse:
    fmt = _format(fmt)
    person = get_object_or_404(Person.objects.select_related("organization"), public_id=person_id)
    content = services.export_person(person, audience=Audience.HR, fmt=fmt, actor=request.user)
    return _download(content, fmt, person.name)


@org_required()
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "datarights/my_data.html",
        {"person": person_for_user(request.user), "org": request.organization},  # type: ignore[attr-defined]
    )


@org_required()
@require_GET
def my_export(request: HttpRequest, fmt: str) -> HttpResponse:
    fmt = _format(fmt)
    person = person_for_user(request.user)
    if person is None:
        raise Http404("Not found")
    content = services.export_person(person, audience=Audience.SELF, fmt=fmt, actor=request.user)
    return _download(content, fmt, person.name)


@org_required(Role.HR_ADMIN, allow_when_read_only=True)
@require_http_methods(["GET", "POST"])
def person_erase(request: HttpRequest, person_id: str) -> HttpResponse:
    """The confirmation page lists what will be deleted, kept and pseudonymised, and why;
    a POST with the box ticked erases."""
    person = get_object_or_404(
        Person.objects.select_related("organization", "user"), public_id=person_id
    )
    refused = erasure.refusal(person, request.user)
    error = ""
    if request.method == "POST" and not refused:
        if request.POST.get("confirm") != "yes":
            error = "Tick the box to confirm that you want to erase this person's data."
        else:
            try:
                done = erasure.erase_person(person, actor=request.user)
            except erasure.ErasureRefused as exc:
                refused = str(exc)
            else:
                messages.success(
                    request,
                    f"{person.name}'s personal data was erased. What had to be kept stays "
                    f"under the name “{done.pseudonym}”.",
                )
                return redirect("people:detail", person_id=person.public_id)
    plan = None if refused else erasure.plan_erasure(person)
    return render(
        request,
        "datarights/erase.html",
        {"person": person, "plan": plan, "refused": refused, "error": error},
        status=400 if error else 200,
    )
