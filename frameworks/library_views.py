"""The template library hub: browse, look at and compare ready-made ladders, and start
a job family from one. HR admins and owners only (the menu offers it to them alone)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Exists, Max, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods

from frameworks.library import (
    TemplateInfo,
    TemplateNotFound,
    get_template_info,
    list_templates,
    load_template,
    start_from_template,
)
from frameworks.library.matrix import build_matrix
from frameworks.models import FrameworkVersion, JobFamily
from frameworks.services import FrameworkError, current_draft
from organizations.access import OrgRequest, org_required
from organizations.models import Role


def _families_for(infos: list[TemplateInfo]) -> dict[str, JobFamily]:
    """The organization's job families that each template would load into (matched by
    key, then by name, as `apply_family_data` does), annotated with their state. One
    query whatever the number of families."""
    keys = [i.key for i in infos]
    name_q = Q()
    for info in infos:
        name_q |= Q(name__iexact=info.name)
    drafts = FrameworkVersion.objects.filter(family=OuterRef("pk"), status="draft")
    families = list(
        JobFamily.objects.filter(Q(key__in=keys) | name_q).annotate(
            has_draft=Exists(drafts),
            latest_number=Max("versions__number", filter=Q(versions__status="published")),
        )
    )
    found: dict[str, JobFamily] = {}
    for info in infos:
        match = next((f for f in families if f.key == info.key), None) or next(
            (f for f in families if f.name.casefold() == info.name.casefold()), None
        )
        if match is not None:
            found[info.key] = match
    return found


def _info_or_404(key: str) -> TemplateInfo:
    try:
        return get_template_info(key)
    except TemplateNotFound:
        raise Http404("No such template") from None


@org_required(Role.HR_ADMIN)
def library(request: OrgRequest) -> HttpResponse:
    templates = list_templates()
    families = _families_for(templates)
    cards = [{"info": t, "family": families.get(t.key)} for t in templates]
    return render(request, "frameworks/library/hub.html", {"cards": cards})


@org_required(Role.HR_ADMIN)
def template_detail(request: OrgRequest, key: str) -> HttpResponse:
    info = _info_or_404(key)
    data = load_template(key)
    return render(
        request,
        "frameworks/library/detail.html",
        {
            "info": info,
            "data": data,
            "matrix": build_matrix(data),
            "family": _families_for([info]).get(key),
        },
    )


class CompareForm(forms.Form):
    keys = forms.MultipleChoiceField(
        label="Templates to compare",
        help_text="Choose two or three.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose two or three templates to compare."},
    )

    def __init__(self, *args: Any, templates: list[TemplateInfo], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["keys"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(t.key, t.name) for t in templates]

    def clean_keys(self) -> list[str]:
        keys: list[str] = list(dict.fromkeys(self.cleaned_data["keys"]))
        if not 2 <= len(keys) <= 3:
            raise forms.ValidationError("Choose two or three templates to compare.")
        return keys


@org_required(Role.HR_ADMIN)
def template_compare(request: OrgRequest) -> HttpResponse:
    templates = list_templates()
    if "keys" in request.GET:
        form = CompareForm(request.GET, templates=templates)
    else:
        form = CompareForm(initial={"keys": request.GET.getlist("with")}, templates=templates)
    chosen: list[TemplateInfo] = []
    if form.is_valid():
        by_key = {t.key: t for t in templates}
        chosen = [by_key[k] for k in form.cleaned_data["keys"]]
    track_labels = [
        label for label in ("Shared", "IC", "Manager") if any(label in t.tracks for t in chosen)
    ]
    rows = [
        {
            "label": f"{label} levels",
            "cells": [dict(t.levels_by_track).get(label, ()) for t in chosen],
        }
        for label in track_labels
    ]
    return render(
        request,
        "frameworks/library/compare.html",
        {"form": form, "chosen": chosen, "track_rows": rows, "templates": templates},
    )


def _editor_url(family: JobFamily) -> str:
    for kwargs in ({"family_id": family.public_id}, {"pid": family.public_id}):
        try:
            return reverse("frameworks:editor", kwargs=kwargs)
        except NoReverseMatch:
            continue
    try:
        return reverse("frameworks:editor", args=[family.public_id])
    except NoReverseMatch:
        return reverse("frameworks:index")


@require_http_methods(["GET", "POST"])
@org_required(Role.HR_ADMIN)
def template_use(request: OrgRequest, key: str) -> HttpResponse:
    info = _info_or_404(key)
    family = _families_for([info]).get(key)
    draft = current_draft(family) if family is not None else None
    draft_state = str(draft.revision) if draft is not None else "none"
    error = ""
    shown = request.POST.get("draft_state")
    if request.method == "POST" and shown is not None and shown != draft_state:
        # the confirmation was given for another state of the draft: do not replace it
        error = (
            "Someone changed this job family's draft since you opened this page, so nothing "
            "was replaced. Check the draft, then confirm again if you still want to."
        )
    elif request.method == "POST":
        try:
            draft = start_from_template(
                request.organization,
                key,
                actor=request.user,
            )
        except FrameworkError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                f"{info.name} is now a draft in your organization. Change anything you "
                "like, then publish it when it is ready.",
            )
            return redirect(_editor_url(draft.family))
    return render(
        request,
        "frameworks/library/use.html",
        {"info": info, "family": family, "error": error, "draft_state": draft_state},
        status=400 if error else 200,
    )
