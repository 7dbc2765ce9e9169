"""The people CSV import's pages (upload → preview → confirm), under the people directory's
paths and URL names (`spreadsheets/people_urls.py`). The file goes through the Master
Template's people pipeline (`spreadsheets.people_csv`)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from organizations.access import OrgRequest, org_required
from organizations.models import Role
from people.models import PeopleImport
from people.services import stage_import
from spreadsheets import people_csv
from spreadsheets.forms import ImportUploadForm
from spreadsheets.services import ImportError_


@org_required(Role.HR_ADMIN)
@require_http_methods(["GET", "POST"])
def import_upload(request: OrgRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > people_csv.MAX_BYTES:
                raise people_csv.ImportFileError(
                    "The file is larger than 2 MB. Split it into smaller files."
                )
            header, rows = people_csv.read_csv(upload.read())
        except people_csv.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            staged = stage_import(
                request.organization,
                actor=request.user,
                filename=upload.name or "",
                header=header,
                rows=rows,
            )
            return redirect("people:import_preview", import_id=staged.public_id)
    return render(request, "spreadsheets/people_import.html", {"form": form})


@org_required(Role.HR_ADMIN)
@require_GET
def import_example(request: OrgRequest) -> HttpResponse:
    response = HttpResponse(people_csv.example_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="people-example.csv"'
    return response


@org_required(Role.HR_ADMIN)
@require_http_methods(["GET", "POST"])
def import_preview(request: OrgRequest, import_id: str) -> HttpResponse:
    staged = get_object_or_404(PeopleImport, public_id=import_id)
    if staged.applied_at is not None:
        messages.info(request, "This file has already been imported.")
        return redirect("people:list")
    if request.method == "POST":
        try:
            counts = people_csv.apply(
                request.organization,
                staged,
                actor=request.user,
                fingerprint=request.POST.get("digest", ""),
            )
        except people_csv.ImportChangedError as exc:
            messages.error(request, str(exc))
        except ImportError_ as exc:
            messages.error(request, f"Nothing was imported: {exc}")
        else:
            messages.success(
                request,
                f"Import finished: {counts['added']} added, {counts['updated']} updated.",
            )
            return redirect("people:list")
    plan = people_csv.preview(staged)
    return render(
        request,
        "spreadsheets/people_import_preview.html",
        {
            "staged": staged,
            "plan": plan,
            "upload_form": ImportUploadForm(),
            "added": plan.count("add"),
            "updated": plan.count("update"),
            "unchanged": plan.count("unchanged"),
            "failed": plan.count("error"),
            "upload_url": reverse("people:import"),
        },
    )
