"""Data rights pages: a person's export (HR, and the person from "Your data"), erasure,
and the organization's export and deletion (owner)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from datarights import erasure, services
from datarights.models import OrganizationExport
from datarights.registry import Audience
from organizations import audit
from organizations.access import OrgRequest, org_required
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
def person_export(request: OrgRequest, person_id: str, fmt: str) -> HttpResponse:
    fmt = _format(fmt)
    person = get_object_or_404(Person.objects.select_related("organization"), public_id=person_id)
    content = services.export_person(person, audience=Audience.HR, fmt=fmt, actor=request.user)
    return _download(content, fmt, person.name)


@org_required()
@require_GET
def my_data(request: OrgRequest) -> HttpResponse:
    return render(
        request,
        "datarights/my_data.html",
        {"person": person_for_user(request.user), "org": request.organization},
    )


@org_required()
@require_GET
def my_export(request: OrgRequest, fmt: str) -> HttpResponse:
    fmt = _format(fmt)
    person = person_for_user(request.user)
    if person is None:
        raise Http404("Not found")
    content = services.export_person(person, audience=Audience.SELF, fmt=fmt, actor=request.user)
    return _download(content, fmt, person.name)


@org_required(Role.HR_ADMIN, allow_when_read_only=True)
@require_http_methods(["GET", "POST"])
def person_erase(request: OrgRequest, person_id: str) -> HttpResponse:
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


# --- the organization (owners) ----------------------------------------------------------


def _organization_page(request: OrgRequest, error: str = "", status: int = 200) -> HttpResponse:
    org = request.organization
    exports = list(OrganizationExport.objects.select_related("requested_by")[:5])
    context = {
        "org": org,
        "exports": exports,
        "building": any(e.status in ("queued", "running") for e in exports),
        "deletion": services.pending_deletion(org),
        "grace_days": settings.ORGANIZATION_DELETION_GRACE_DAYS,
        "keep_days": settings.EXPORT_KEEP_DAYS,
        "error": error,
    }
    template = "datarights/organization.html"
    if request.htmx:
        template += "#exports"
    return render(request, template, context, status=status)


@org_required(Role.OWNER, allow_when_read_only=True)
@require_GET
def organization(request: OrgRequest) -> HttpResponse:
    return _organization_page(request)


@org_required(Role.OWNER, allow_when_read_only=True)
@require_POST
def organization_export(request: OrgRequest) -> HttpResponse:
    services.start_organization_export(request.organization, actor=request.user)
    messages.success(request, "The export is being built. It appears below when it is ready.")
    return redirect("datarights:organization")


@org_required(Role.OWNER, allow_when_read_only=True)
@require_GET
def organization_export_download(request: OrgRequest, export_id: str) -> HttpResponse:
    export = get_object_or_404(OrganizationExport, public_id=export_id, status="done")
    org = request.organization
    audit.record(org, request.user, "organization.export_downloaded", org)
    name = f"{org.slug}-export-{export.created_at:%Y-%m-%d}.zip"
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=name)  # type: ignore[return-value]


@org_required(Role.OWNER, allow_when_read_only=True)
@require_POST
def organization_delete(request: OrgRequest) -> HttpResponse:
    org = request.organization
    try:
        deletion = services.schedule_deletion(
            org, actor=request.user, confirm=request.POST.get("confirm_name", "")
        )
    except services.DataRightsError as exc:
        return _organization_page(request, error=str(exc), status=400)
    messages.success(
        request,
        f"{org.name} will be deleted on {deletion.due_at:%-d %B %Y}. The owners were told by "
        "e-mail; any owner can cancel it until then.",
    )
    return redirect("datarights:organization")


@org_required(Role.OWNER, allow_when_read_only=True)
@require_POST
def organization_delete_cancel(request: OrgRequest) -> HttpResponse:
    try:
        services.cancel_deletion(request.organization, actor=request.user)
    except services.DataRightsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The deletion was cancelled. Nothing was deleted.")
    return redirect("datarights:organization")
