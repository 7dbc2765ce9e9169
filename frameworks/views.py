"""Job families, versions, publishing, the diff and the guidance pages."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from frameworks import services
from frameworks.diff import diff_versions
from frameworks.forms import FamilyForm, PublishForm
from frameworks.guides import GUIDES, GUIDES_BY_SLUG
from frameworks.ladder_diagram import build_diagram
from frameworks.linter import lint_version
from frameworks.models import FrameworkVersion, JobFamily, Level
from frameworks.selectors import (
    build_matrix,
    current_version,
    families_with_status,
    people_in_family,
    people_moving,
)
from frameworks.views_editor import family_and_draft
from organizations.access import OrgRequest, org_required
from organizations.models import Role


@org_required(Role.HR_ADMIN)
def index(request: OrgRequest) -> HttpResponse:
    rows = families_with_status()
    return render(
        request,
        "frameworks/index.html",
        {
            "families": [r for r in rows if not r.family.is_archived],
            "archived": [r for r in rows if r.family.is_archived],
        },
    )


@org_required(Role.HR_ADMIN)
def family_new(request: OrgRequest) -> HttpResponse:
    form = FamilyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.create_blank_family(
                request.organization,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                actor=request.user,
            )
        except services.FrameworkError as error:
            form.add_error("name", str(error))
        else:
            messages.success(
                request,
                f"{draft.family.name} created. Add its levels and competencies, then publish.",
            )
            return redirect("frameworks:editor", draft.family.public_id)
    return render(request, "frameworks/family_new.html", {"form": form})


@org_required(Role.HR_ADMIN)
def family(request: OrgRequest, family_id: str) -> HttpResponse:
    family = get_object_or_404(JobFamily, public_id=family_id)
    versions = list(
        FrameworkVersion.objects.filter(family=family)
        .select_related("created_by", "published_by", "based_on")
        .order_by("status", "-number")
    )
    published = [v for v in versions if not v.is_draft]
    draft = next((v for v in versions if v.is_draft), None)
    drawn = published[0] if published else draft
    levels = list(Level.objects.filter(version=drawn)) if drawn else []
    return render(
        request,
        "frameworks/family.html",
        {
            "family": family,
            "draft": draft,
            "published": published,
            "latest": published[0] if published else None,
            "people": people_in_family(family),
            "drawn": drawn,
            "diagram": build_diagram(levels, name=family.name, uid="family-diagram")
            if levels
            else None,
        },
    )


@org_required(Role.HR_ADMIN)
def version(request: OrgRequest, version_id: str) -> HttpResponse:
    version = get_object_or_404(
        FrameworkVersion.objects.select_related("family", "published_by"), public_id=version_id
    )
    if version.is_draft:
        return redirect("frameworks:editor", version.family.public_id)
    previous = (
        FrameworkVersion.objects.filter(
            family=version.family,
            status=FrameworkVersion.Status.PUBLISHED,
            number__lt=version.number,
        )
        .order_by("-number")
        .first()
    )
    return render(
        request,
        "frameworks/version.html",
        {
            "family": version.family,
            "version": version,
            "previous": previous,
            "latest": current_version(version.family),
            "draft": services.current_draft(version.family),
            "matrix": build_matrix(version),
        },
    )


@org_required(Role.HR_ADMIN)
def diff(request: OrgRequest, family_id: str) -> HttpResponse:
    family = get_object_or_404(JobFamily, public_id=family_id)
    versions = list(FrameworkVersion.objects.filter(family=family).order_by("status", "-number"))
    by_pid = {v.public_id: v for v in versions}
    a, b = by_pid.get(request.GET.get("a", "")), by_pid.get(request.GET.get("b", ""))
    if (request.GET.get("a") and a is None) or (request.GET.get("b") and b is None):
        raise Http404("No such version")
    result = diff_versions(a, b) if a and b else None
    return render(
        request,
        "frameworks/diff.html",
        {"family": family, "versions": versions, "a": a, "b": b, "diff": result},
    )


@org_required(Role.HR_ADMIN)
def start_draft(request: OrgRequest, family_id: str) -> HttpResponse:
    family = get_object_or_404(JobFamily, public_id=family_id)
    if request.method != "POST":
        return redirect("frameworks:family", family.public_id)
    source = None
    if request.POST.get("from"):
        source = get_object_or_404(
            FrameworkVersion,
            family=family,
            public_id=request.POST["from"],
            status=FrameworkVersion.Status.PUBLISHED,
        )
    try:
        draft = services.start_draft(family, actor=request.user, from_version=source)
    except services.FrameworkError as error:
        messages.error(request, str(error))
        return redirect("frameworks:family", family.public_id)
    if source is not None:
        messages.success(request, f"Draft started from {source.label}. Publish it to roll back.")
    elif draft.based_on:
        messages.success(request, f"Draft started from {draft.based_on.label}.")
    return redirect("frameworks:editor", family.public_id)


def _no_draft(request: HttpRequest, family: JobFamily, doing: str) -> HttpResponse:
    messages.info(request, f"{family.name} has no draft to {doing}.")
    return redirect("frameworks:family", family.public_id)


@org_required(Role.HR_ADMIN)
def discard_draft(request: OrgRequest, family_id: str) -> HttpResponse:
    family, draft = family_and_draft(family_id)
    if draft is None:
        return _no_draft(request, family, "discard")
    if request.method == "POST":
        revision = request.POST.get("revision", "")
        try:
            services.discard_draft(
                draft,
                actor=request.user,
                expected_revision=int(revision) if revision.isdigit() else None,
            )
        except services.FrameworkError as error:
            messages.error(request, str(error))
            return redirect("frameworks:editor", family.public_id)
        messages.success(request, "Draft discarded. Nothing people see has changed.")
        return redirect("frameworks:family", family.public_id)
    return render(
        request,
        "frameworks/discard.html",
        {"family": family, "draft": draft, "latest": current_version(family)},
    )


@org_required(Role.HR_ADMIN)
def publish(request: OrgRequest, family_id: str) -> HttpResponse:
    family, draft = family_and_draft(family_id)
    if draft is None:
        return _no_draft(request, family, "publish")
    flagged = lint_version(draft).flagged
    form = PublishForm(
        request.POST or None, initial={"revision": draft.revision}, open_flags=len(flagged)
    )
    if request.method == "POST" and form.is_valid():
        try:
            published = services.publish_draft(
                draft,
                actor=request.user,
                note=form.cleaned_data["note"],
                expected_revision=form.cleaned_data["revision"],
                open_flags=len(flagged),
                reason=form.cleaned_data.get("reason", ""),
            )
        except services.FrameworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{published.label} of {family.name} is published.")
            return redirect("frameworks:family", family.public_id)
    latest = current_version(family)
    return render(
        request,
        "frameworks/publish.html",
        {
            "family": family,
            "draft": draft,
            "form": form,
            "latest": latest,
            "number": services.next_number(family),
            "moving": people_moving(draft),
            "diff": diff_versions(latest, draft) if latest else None,
            "flagged": flagged,
        },
    )


def guide(request: HttpRequest, slug: str) -> HttpResponse:
    """Guidance pages: product content, readable by anyone (linked from the editor)."""
    found = GUIDES_BY_SLUG.get(slug)
    if found is None:
        raise Http404("No such guide")
    family = None
    membership = getattr(request, "membership", None)
    if request.GET.get("family") and membership is not None and membership.is_admin:
        family = JobFamily.objects.filter(public_id=request.GET["family"]).first()
    return render(request, found.template, {"guide": found, "guides": GUIDES, "family": family})


def _family_action(request: OrgRequest, family_id: str, verb: str) -> HttpResponse:
    """Archive (a family with a published version) or delete (one never published),
    after a confirmation page; both refuse while people are placed in the family."""
    family = get_object_or_404(JobFamily, public_id=family_id)
    if request.method == "POST":
        action = services.archive_family if verb == "archive" else services.delete_family
        try:
            action(family, actor=request.user)
        except services.FrameworkError as error:
            messages.error(request, str(error))
            return redirect("frameworks:family", family.public_id)
        if verb == "archive":
            messages.success(request, f"{family.name} archived. Its versions are kept.")
            return redirect("frameworks:family", family.public_id)
        messages.success(request, f"{family.name} deleted.")
        return redirect("frameworks:index")
    return render(
        request,
        "frameworks/family_remove.html",
        {
            "family": family,
            "verb": verb,
            "people": people_in_family(family),
            "latest": current_version(family),
        },
    )


@org_required(Role.HR_ADMIN)
def family_archive(request: OrgRequest, family_id: str) -> HttpResponse:
    return _family_action(request, family_id, "archive")


@org_required(Role.HR_ADMIN)
def family_delete(request: OrgRequest, family_id: str) -> HttpResponse:
    return _family_action(request, family_id, "delete")


@org_required(Role.HR_ADMIN)
def family_restore(request: OrgRequest, family_id: str) -> HttpResponse:
    family = get_object_or_404(JobFamily, public_id=family_id)
    if request.method == "POST":
        services.restore_family(family, actor=request.user)
        messages.success(request, f"{family.name} is back in the list of job families.")
    return redirect("frameworks:family", family.public_id)
