"""Import & export pages: download the Master Template, export frameworks, upload a
workbook, see its problems or a preview, confirm, follow the progress."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from organizations.access import OrgRequest, org_required
from organizations.actions import act_on
from organizations.models import Role
from spreadsheets.forms import ExportForm, UploadForm
from spreadsheets.leases import reap_stale_jobs
from spreadsheets.models import ImportJob
from spreadsheets.services import (
    ImportError_,
    confirm_import,
    export_workbook,
    retry_import,
    start_import,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _index_context(request: OrgRequest, upload_form: UploadForm | None = None) -> dict[str, Any]:
    return {
        "upload_form": upload_form or UploadForm(),
        "export_form": ExportForm(),
        "jobs": ImportJob.objects.select_related("created_by")[:10],
        "read_only": request.organization.is_read_only,
    }


@org_required(Role.HR_ADMIN)
@require_GET
def index(request: OrgRequest) -> HttpResponse:
    reap_stale_jobs()
    return render(request, "spreadsheets/index.html", _index_context(request))


@org_required(Role.HR_ADMIN)
@require_GET
def template(request: OrgRequest) -> HttpResponse:
    from spreadsheets.writer import blank_template  # openpyxl: only for a workbook

    return _xlsx(blank_template(), "master-template.xlsx")


@org_required(Role.HR_ADMIN)
@require_GET
def export(request: OrgRequest) -> HttpResponse:
    form = ExportForm(request.GET)
    if not form.is_valid():
        messages.error(request, "Choose a job family and a version to export.")
        return redirect("spreadsheets:index")
    org = request.organization
    family = form.chosen_family()
    content = export_workbook(
        org,
        family=family,
        which=form.cleaned_data["version"],
        include_people=form.cleaned_data["people"],
        actor=request.user,
    )
    name = family.key if family else org.slug
    return _xlsx(content, f"{name}-framework-{timezone.localdate():%Y-%m-%d}.xlsx")


@org_required(Role.HR_ADMIN)
@require_POST
def upload(request: OrgRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "spreadsheets/index.html", _index_context(request, form), status=400)
    upload = form.cleaned_data["file"]
    job = start_import(
        request.organization,
        name=upload.name,
        data=upload.read(),
        actor=request.user,
    )
    return redirect("spreadsheets:job", job_id=job.public_id)


def _grouped(errors: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for e in errors:
        groups.setdefault(e["sheet"] or "", []).append(e)
    return list(groups.items())


def _draft_links(result: dict[str, Any]) -> list[dict[str, Any]]:
    links = []
    for d in result.get("drafts", []):
        try:
            url = reverse("frameworks:family", kwargs={"family_id": d["family_id"]})
        except NoReverseMatch:
            url = reverse("frameworks:index")
        links.append({**d, "url": url})
    return links


@org_required(Role.HR_ADMIN)
@require_GET
def job(request: OrgRequest, job_id: str) -> HttpResponse:
    reap_stale_jobs()  # a job whose process died says so instead of "Importing" forever
    item = get_object_or_404(ImportJob.objects.select_related("created_by"), public_id=job_id)
    context = {
        "job": item,
        "groups": _grouped(item.errors),
        "summary": item.summary,
        "drafts": _draft_links(item.result),
        "upload_form": UploadForm(),
        "read_only": request.organization.is_read_only,
    }
    if request.htmx:
        return render(request, "spreadsheets/job.html#job_body", context)
    return render(request, "spreadsheets/job.html", context)


def _act_on_job(request: HttpRequest, job_id: str, action: Callable[..., object]) -> HttpResponse:
    """POST only: `action` on one of the organization's import jobs (another
    organization's is a 404); a refusal becomes a message on the job page."""
    item = get_object_or_404(ImportJob, public_id=job_id)
    to = reverse("spreadsheets:job", kwargs={"job_id": item.public_id})
    return act_on(request, item, action, ImportError_, to)


@org_required(Role.HR_ADMIN)
def confirm(request: OrgRequest, job_id: str) -> HttpResponse:
    return _act_on_job(request, job_id, confirm_import)


@org_required(Role.HR_ADMIN)
def retry(request: OrgRequest, job_id: str) -> HttpResponse:
    return _act_on_job(request, job_id, retry_import)
