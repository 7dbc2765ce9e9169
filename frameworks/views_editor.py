"""The draft editor: the matrix an HR admin edits in place.

Every form carries the draft revision it was rendered from (`input.draft-revision`); a
successful htmx save answers with the new revision swapped into every such input, so
the next edit names it. A stale revision is refused with a message and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from frameworks import services
from frameworks.forms import CategoryForm, CellForm, CompetencyForm, LevelForm
from frameworks.guides import GUIDES
from frameworks.linter import flag_matrix
from frameworks.models import (
    SCOPE_SUGGESTIONS,
    Competency,
    CompetencyCategory,
    EvidenceKind,
    FrameworkVersion,
    JobFamily,
    Level,
    Statement,
)
from frameworks.selectors import build_matrix, people_in_family
from organizations.access import OrgRequest, org_required
from organizations.models import Role

EDITOR = "frameworks/editor.html"


def posted_statements(data: Any) -> list[tuple[str, list[str]]]:
    """The statements of a posted cell form: the i-th `text` with the kinds checked in
    `evidence-<i>`. A form that sends one `evidence` list (the API, older pages) gives it
    to every statement."""
    texts = data.getlist("text")
    shared = data.getlist("evidence")
    return [
        (text, data.getlist(f"evidence-{i}") if f"evidence-{i}" in data else shared)
        for i, text in enumerate(texts)
    ]


def family_and_draft(family_id: str) -> tuple[JobFamily, FrameworkVersion | None]:
    """The organization's family (404 when it has none by that id) and its draft, if any."""
    family = get_object_or_404(JobFamily, public_id=family_id)
    return family, services.current_draft(family)


def _revision(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        raise services.ConcurrentEditError() from None


def _checked_matrix(draft: FrameworkVersion) -> Any:
    """The draft's matrix with the checker's flags on each statement (`statement.lint`)."""
    matrix = build_matrix(draft)
    matrix.flagged = flag_matrix(matrix)
    return matrix


def _editor_context(request: OrgRequest, family: JobFamily, draft: FrameworkVersion) -> dict:
    return {
        "family": family,
        "draft": draft,
        "matrix": _checked_matrix(draft),
        "undo": services.last_edit(draft),
        "editable": not request.organization.is_read_only,
        "cell_base": reverse("frameworks:editor", args=[family.public_id]) + "cells/",
        "guides": GUIDES,
    }


def _editor_fragment(
    request: OrgRequest, family: JobFamily, draft: FrameworkVersion, **extra: Any
) -> HttpResponse:
    draft.refresh_from_db()
    context = {**_editor_context(request, family, draft), **extra}
    response = render(request, EDITOR + "#editor", context)
    # clear an earlier refusal message
    response.content += render_to_string(
        EDITOR + "#alert", {"oob": True, "family": family}
    ).encode()
    # the level and competency counts beside the editor follow the edit
    response.content += render_to_string(
        EDITOR + "#draft_counts", {"oob": True, "matrix": context["matrix"]}
    ).encode()
    response["X-Draft-Revision"] = str(draft.revision)
    return response


def _refused(request: OrgRequest, family: JobFamily, error: Exception) -> HttpResponse:
    """An edit was refused: htmx gets the message in the editor's alert area and nothing
    else on the page changes (typed text stays); a plain POST goes back to the editor."""
    stale = isinstance(error, services.ConcurrentEditError)
    if request.htmx:
        response = render(
            request,
            EDITOR + "#alert",
            {"family": family, "alert": str(error), "stale": stale, "oob": True},
        )
        response["HX-Reswap"] = "none"
        return response
    messages.error(request, str(error))
    return redirect("frameworks:editor", family.public_id)


@org_required(Role.HR_ADMIN)
def editor(request: OrgRequest, family_id: str) -> HttpResponse:
    family, draft = family_and_draft(family_id)
    if draft is None:
        messages.info(request, f"{family.name} has no draft. Start one to make changes.")
        return redirect("frameworks:family", family.public_id)
    context = _editor_context(request, family, draft)
    context["people"] = people_in_family(family)
    return render(request, EDITOR, context)


@org_required(Role.HR_ADMIN)
def undo(request: OrgRequest, family_id: str) -> HttpResponse:
    family, draft = family_and_draft(family_id)
    if draft is None or request.method != "POST":
        return redirect("frameworks:editor", family.public_id)
    try:
        label = services.undo_last_edit(
            draft, actor=request.user, expected_revision=_revision(request)
        )
    except services.FrameworkError as error:
        return _refused(request, family, error)
    if request.htmx:
        return _editor_fragment(request, family, draft, status=f"Undone: {label}")
    messages.success(request, f"Undone: {label}.")
    return redirect("frameworks:editor", family.public_id)


# --- statements ------------------------------------------------------------------------


def _cell_context(
    request: OrgRequest, family: JobFamily, draft: FrameworkVersion, comp_uid: str
) -> dict:
    matrix = _checked_matrix(draft)
    row = matrix.row_for(comp_uid)
    if row is None:
        raise services.EditError("That competency is no longer in this draft. Reload the page.")
    return {
        "family": family,
        "draft": draft,
        "matrix": matrix,
        "row": row,
        "editable": not request.organization.is_read_only,
        "cell_base": reverse("frameworks:editor", args=[family.public_id]) + "cells/",
    }


@org_required(Role.HR_ADMIN)
def cell(request: OrgRequest, family_id: str, competency_uid: str, level_uid: str) -> HttpResponse:
    """GET: the cell (with `?edit=1`, its editor); POST: save the cell, answer the row."""
    family, draft = family_and_draft(family_id)
    if draft is None:
        return redirect("frameworks:family", family.public_id)
    get_object_or_404(Level, version=draft, uid=level_uid)
    get_object_or_404(Competency, version=draft, uid=competency_uid)
    if request.method == "POST":
        form = CellForm(request.POST)
        if not form.is_valid():
            return _refused(request, family, services.ConcurrentEditError())
        posted = posted_statements(request.POST)
        try:
            services.edit_cell_statements(
                draft,
                competency_uid=competency_uid,
                level_uid=level_uid,
                statements=posted,
                actor=request.user,
                expected_revision=form.cleaned_data["revision"],
            )
        except services.FrameworkError as error:
            if not request.htmx:
                return _refused(request, family, error)
            draft.refresh_from_db()  # the refused edit's revision bump was rolled back
            context = _cell_context(request, family, draft, competency_uid)
            cell_ = next(c for c in context["row"].cells if c.level.uid == level_uid)
            response = render(
                request,
                "frameworks/partials/cell_form.html",
                {
                    **context,
                    "cell": cell_,
                    "form": form,
                    "error": str(error),
                    "stale": isinstance(error, services.ConcurrentEditError),
                    "evidence_kinds": EvidenceKind.choices,
                    "rows": [{"text": t, "evidence": e} for t, e in posted if t.strip()]
                    + [{"text": "", "evidence": []}],
                },
            )
            # the form posts to its row; a refusal puts the editor back in its own cell
            response["HX-Retarget"] = f"#cell-{competency_uid}-{level_uid}"
            response["HX-Reswap"] = "outerHTML"
            return response
        if not request.htmx:
            messages.success(request, "Saved.")
            return redirect("frameworks:editor", family.public_id)
        draft.refresh_from_db()
        context = _cell_context(request, family, draft, competency_uid)
        context.update(undo=services.last_edit(draft), saved=True, focus_cell=level_uid, oob=True)
        response = render(request, "frameworks/partials/row_saved.html", context)
        response["X-Draft-Revision"] = str(draft.revision)
        return response
    context = _cell_context(request, family, draft, competency_uid)
    cell_ = next(c for c in context["row"].cells if c.level.uid == level_uid)
    if request.GET.get("edit"):
        return render(
            request,
            "frameworks/partials/cell_form.html",
            {
                **context,
                "cell": cell_,
                "evidence_kinds": EvidenceKind.choices,
                # each statement with its own evidence, and a blank one to add
                "rows": [{"text": st.text, "evidence": st.evidence} for st in cell_.statements]
                + [{"text": "", "evidence": []}],
            },
        )
    # the cell without its editor (Cancel): keyboard focus goes back to its Edit button
    return render(
        request,
        "frameworks/partials/matrix.html#cell",
        {**context, "cell": cell_, "focus_cell": level_uid},
    )


@org_required(Role.HR_ADMIN)
def statement_accept(request: OrgRequest, family_id: str, statement_uid: str) -> HttpResponse:
    """POST: keep a machine-drafted statement as written (it is no longer flagged)."""
    family, draft = family_and_draft(family_id)
    if draft is None:
        return redirect("frameworks:family", family.public_id)
    get_object_or_404(Statement, version=draft, uid=statement_uid)
    if request.method != "POST":
        return redirect("frameworks:editor", family.public_id)
    try:
        services.accept_statement(
            draft, statement_uid, actor=request.user, expected_revision=_revision(request)
        )
    except services.FrameworkError as error:
        return _refused(request, family, error)
    status = "Accepted the drafted statement"
    if request.htmx:
        return _editor_fragment(request, family, draft, status=status)
    messages.success(request, status + ".")
    return redirect("frameworks:editor", family.public_id)


# --- levels, categories, competencies ------------------------------------------------------


def _item_page(
    request: OrgRequest,
    family: JobFamily,
    draft: FrameworkVersion,
    form: Any,
    *,
    title: str,
    intro: str,
    submit: str,
    item: Any = None,
    kind: str,
) -> HttpResponse:
    htmx = bool(request.htmx)
    response = render(
        request,
        "frameworks/item_form.html#form" if htmx else "frameworks/item_form.html",
        {
            "panel": htmx,
            "family": family,
            "draft": draft,
            "form": form,
            "title": title,
            "intro": intro,
            "submit": submit,
            "item": item,
            "kind": kind,
            "scope_suggestions": SCOPE_SUGGESTIONS,
            "guides": GUIDES,
        },
    )
    if htmx:  # the form opens in the editor's panel, and stays there with its errors
        response["HX-Retarget"] = "#editor-panel"
        response["HX-Reswap"] = "innerHTML"
    return response


def _save_item(
    request: OrgRequest,
    family: JobFamily,
    draft: FrameworkVersion,
    form: Any,
    action: Any,
    success: str,
) -> HttpResponse | None:
    """Run `action()`; on success redirect to the editor, on a refused edit put the
    message on the form and return None."""
    try:
        action()
    except services.EditError as error:
        form.add_error(error.field if error.field in form.fields else None, str(error))
        return None
    except services.FrameworkError as error:
        form.add_error(None, str(error))
        return None
    if request.htmx:
        return _editor_fragment(request, family, draft, status=success)
    messages.success(request, success)
    return redirect("frameworks:editor", family.public_id)


@dataclass(frozen=True)
class ItemPage:
    """How the editor adds and edits one kind of item (the kinds of
    `frameworks.services.ITEM_KINDS`): one row here, the same two views for every kind."""

    kind: str  # "level"
    model: Any
    form_class: Any
    add_intro: str
    edit_intro: str
    initial: Callable[[HttpRequest, FrameworkVersion, Any], dict]  # (…, item or None)
    add: Callable[..., Any]  # add(draft, actor=, expected_revision=, **fields)
    update: Callable[..., Any]  # update(draft, uid, actor=, expected_revision=, **fields)
    edit_verb: str = "Edit"

    def label(self, item_or_data: Any) -> str:
        return services.ITEM_KINDS[self.kind].label(item_or_data)

    def form(self, request: HttpRequest, draft: FrameworkVersion, item: Any) -> Any:
        initial = {**self.initial(request, draft, item), "revision": draft.revision}
        extra = {}
        if self.kind == "competency":
            extra["categories"] = list(
                CompetencyCategory.objects.filter(version=draft).order_by("position")
            )
        return self.form_class(request.POST or None, initial=initial, **extra)


def _fields(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "revision"}


def _level_initial(request: HttpRequest, draft: FrameworkVersion, level: Any) -> dict:
    if level is not None:
        return {name: getattr(level, name) for name in LevelForm.base_fields if name != "revision"}
    top = Level.objects.filter(version=draft).order_by("-rank").first()
    return {"track": request.GET.get("track") or "shared", "rank": (top.rank + 1) if top else 1}


def _competency_initial(request: HttpRequest, draft: FrameworkVersion, comp: Any) -> dict:
    if comp is None:
        return {"category": request.GET.get("category", "")}
    return {
        "name": comp.name,
        "description": comp.description,
        "category": comp.category.uid if comp.category else "",
    }


def _add_competency(draft: FrameworkVersion, *, category: str, **fields: Any) -> Any:
    return services.add_competency(draft, category_uid=category, **fields)


PAGES = {
    page.kind: page
    for page in (
        ItemPage(
            "level",
            Level,
            LevelForm,
            add_intro="A level is one step of the ladder. Its statements say what it expects.",
            edit_intro="Changes show in the draft; people see them when you publish.",
            initial=_level_initial,
            add=services.add_level,
            update=services.update_level,
        ),
        ItemPage(
            "category",
            CompetencyCategory,
            CategoryForm,
            add_intro="Categories group related competencies in the ladder, e.g. Product craft.",
            edit_intro="The competencies in this category stay where they are.",
            initial=lambda request, draft, cat: {"name": cat.name} if cat else {},
            add=services.add_category,
            update=services.rename_category,
            edit_verb="Rename",
        ),
        ItemPage(
            "competency",
            Competency,
            CompetencyForm,
            add_intro="A competency is a row of the ladder: a skill or behaviour that grows "
            "level by level. You write what each level expects in the matrix.",
            edit_intro="Its statements stay as they are.",
            initial=_competency_initial,
            add=_add_competency,
            update=services.update_competency,
        ),
    )
}


def _item_form(request: OrgRequest, family_id: str, kind: str, uid: str = "") -> HttpResponse:
    """Add (no `uid`) or edit a level, category or competency of the draft."""
    page = PAGES[kind]
    family, draft = family_and_draft(family_id)
    if draft is None:
        return redirect("frameworks:family", family.public_id)
    item = get_object_or_404(page.model, version=draft, uid=uid) if uid else None
    form = page.form(request, draft, item)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        edit = {"actor": request.user, "expected_revision": data["revision"], **_fields(data)}
        if item is None:
            done = _save_item(
                request,
                family,
                draft,
                form,
                lambda: page.add(draft, **edit),
                f"{kind.capitalize()} {page.label(data)} added.",
            )
        else:
            done = _save_item(
                request,
                family,
                draft,
                form,
                lambda: page.update(draft, item.uid, **edit),
                f"{kind.capitalize()} {page.label(data)} saved.",
            )
        if done:
            return done
    return _item_page(
        request,
        family,
        draft,
        form,
        title=f"{page.edit_verb} {kind} {page.label(item)}" if item else f"Add a {kind}",
        intro=page.edit_intro if item else page.add_intro,
        submit=f"Save {kind}" if item else f"Add {kind}",
        item=item,
        kind=kind,
    )


@org_required(Role.HR_ADMIN)
def item_add(request: OrgRequest, family_id: str, kind: str) -> HttpResponse:
    return _item_form(request, family_id, kind)


@org_required(Role.HR_ADMIN)
def item_edit(request: OrgRequest, family_id: str, kind: str, **uid: str) -> HttpResponse:
    return _item_form(request, family_id, kind, uid[f"{kind}_uid"])


@org_required(Role.HR_ADMIN)
def item_action(request: OrgRequest, family_id: str, verb: str, **uid: str) -> HttpResponse:
    """Move (POST direction -1 / 1) or remove a level, category or competency of the
    draft, through its service; answers the editor (fragment for htmx)."""
    ((key, value),) = uid.items()  # level_uid=…, category_uid=… or competency_uid=…
    kind = key.removesuffix("_uid")
    page = PAGES[kind]
    family, draft = family_and_draft(family_id)
    if draft is None:
        return redirect("frameworks:family", family.public_id)
    item = get_object_or_404(page.model, version=draft, uid=value)
    if request.method != "POST":
        return redirect("frameworks:editor", family.public_id)
    label = page.label(item)
    try:
        revision = _revision(request)
        if verb == "move":
            direction = 1 if request.POST.get("direction") == "1" else -1
            move = getattr(services, f"move_{kind}")
            move(
                draft, item.uid, direction=direction, actor=request.user, expected_revision=revision
            )
            status = f"Moved {label}"
        else:
            remove = getattr(services, f"remove_{kind}")
            remove(draft, item.uid, actor=request.user, expected_revision=revision)
            status = f"Removed {'category ' if kind == 'category' else ''}{label}"
    except services.FrameworkError as error:
        return _refused(request, family, error)
    if request.htmx:
        return _editor_fragment(request, family, draft, status=status)
    messages.success(request, status + ".")
    return redirect("frameworks:editor", family.public_id)
