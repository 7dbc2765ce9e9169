"""/frameworks: families, a version with its uids, the Master Template import and export.
Reads through `frameworks.selectors`; the import and export through `spreadsheets.services`
(the same checks, preview and errors as the web import)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpResponse
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from api.auth import ApiRequest
from api.common import (
    MAX_INT,
    Input,
    ListOut,
    Page,
    family_or_none,
    get_or_404,
    page_of,
    require_role,
)
from api.errors import ApiError, conflict
from frameworks import selectors
from frameworks.ladder import Ladder
from frameworks.models import (
    Competency,
    CompetencyCategory,
    FrameworkVersion,
    Level,
    Statement,
)
from frameworks.selectors import current_version
from frameworks.services import current_draft, publish_draft
from people.selectors import visible_people
from spreadsheets.forms import UploadForm
from spreadsheets.models import ImportJob
from spreadsheets.services import ImportError_, confirm_import, export_workbook, start_import

router = Router(tags=["frameworks"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class FamilyOut(Schema):
    id: str
    key: str
    name: str
    description: str
    published_version: int | None = Field(description="The latest published version's number")
    has_draft: bool
    people: int = Field(description="Active people placed in this family")


class FamilyList(ListOut):
    items: list[FamilyOut]


@router.get("/frameworks", response=FamilyList, summary="List job families (HR admins)")
def list_frameworks(request: ApiRequest, page: Query[Page]) -> dict[str, Any]:
    require_role(request)
    rows = selectors.families_with_status()
    return page_of(
        request,
        rows,
        page,
        lambda s: {
            "id": s.family.public_id,
            "key": s.family.key,
            "name": s.family.name,
            "description": s.family.description,
            "published_version": s.published.number if s.published else None,
            "has_draft": s.draft is not None,
            "people": s.people,
        },
    )


# --- one version ------------------------------------------------------------------------


class LevelOut(Schema):
    uid: str
    code: str
    title: str
    track: Literal["shared", "ic", "manager"]
    rank: int
    scope: str
    summary: str
    key_question: str
    next: list[str] = Field(description="Codes of the levels one step up")


class CompetencyOut(Schema):
    uid: str
    name: str
    category: str | None = Field(description="The category's name")
    description: str


class StatementOut(Schema):
    uid: str
    competency: str = Field(description="The competency's uid")
    level: str = Field(description="The level's code")
    text: str
    evidence: list[str]


class VersionOut(Schema):
    id: str
    family: str = Field(description="The job family's key")
    number: int
    status: Literal["draft", "published"]
    note: str
    revision: int
    published_at: dt.datetime | None
    levels: list[LevelOut]
    competencies: list[CompetencyOut]
    statements: list[StatementOut]


def _readable_families(request: ApiRequest) -> set[int] | None:
    """Families a member may read (their own and their reports', as their ladder pages
    show); None: every family (HR admins)."""
    if request.membership.is_admin:
        return None
    people = visible_people(request.user, request.membership)
    ids: set[int] = set()
    ids.update(x for x in people.values_list("job_family_id", flat=True) if x)
    return ids


def _version(request: ApiRequest, key: str, number: int) -> FrameworkVersion:
    family = family_or_none(key)
    readable = _readable_families(request)
    if family is None or (readable is not None and family.pk not in readable):
        raise Http404("Not found")
    if readable is not None:  # members read the published ladder, like their ladder page
        version = current_version(family)
        if version is None or version.number != number:
            raise Http404("Not found")
        return version
    versions = FrameworkVersion.objects.filter(family=family, number=number)
    version = next((v for v in versions if not v.is_draft), None) or next(iter(versions), None)
    if version is None:
        raise Http404("Not found")
    return version


def version_out(version: FrameworkVersion) -> dict[str, Any]:
    ladder = Ladder.from_levels(Level.objects.filter(version=version))
    levels = ladder.ordered()
    categories = dict(CompetencyCategory.objects.filter(version=version).values_list("pk", "name"))
    competencies = list(Competency.objects.filter(version=version).order_by("position", "id"))
    by_pk = {lv.pk: lv for lv in levels}
    comp_uid = {c.pk: c.uid for c in competencies}
    statements = Statement.objects.filter(version=version).order_by(
        "competency__position", "level__rank", "position", "id"
    )
    return {
        "id": version.public_id,
        "family": version.family.key,
        "number": version.number,
        "status": version.status,
        "note": version.note,
        "revision": version.revision,
        "published_at": version.published_at,
        "levels": [
            {
                "uid": lv.uid,
                "code": lv.code,
                "title": lv.title,
                "track": lv.track,
                "rank": lv.rank,
                "scope": lv.scope,
                "summary": lv.summary,
                "key_question": lv.key_question,
                "next": [n.code for n in ladder.next_levels(lv)],
            }
            for lv in levels
        ],
        "competencies": [
            {
                "uid": c.uid,
                "name": c.name,
                "category": categories.get(c.category_id) if c.category_id else None,
                "description": c.description,
            }
            for c in competencies
        ],
        "statements": [
            {
                "uid": s.uid,
                "competency": comp_uid[s.competency_id],
                "level": by_pk[s.level_id].code,
                "text": s.text,
                "evidence": list(s.evidence or []),
            }
            for s in statements
        ],
    }


@router.get("/frameworks/{key}/versions/{number}", response=VersionOut, summary="Read a version")
def get_version(request: ApiRequest, key: str, number: int) -> dict[str, Any]:
    """HR admins read any version (a draft carries the number it will get); others read
    the latest published version of their own family or their reports' families."""
    if not 0 < number <= MAX_INT:
        raise Http404("Not found")
    return version_out(_version(request, key, number))


class PublishIn(Input):
    note: str = Field(max_length=2000, description="What changed, in a sentence")
    revision: int | None = Field(None, ge=0, le=MAX_INT, description="The draft's revision")


@router.post(
    "/frameworks/{key}/publish", response=VersionOut, summary="Publish the draft (HR admins)"
)
def publish(request: ApiRequest, key: str, payload: PublishIn) -> dict[str, Any]:
    """Publishes the family's draft as the next version, with a note. Published versions
    never change. A stale `revision` answers 409."""
    require_role(request)
    family = family_or_none(key)
    if family is None:
        raise Http404("Not found")
    draft = current_draft(family)
    if draft is None:
        raise conflict(f"{family.name} has no draft to publish.")
    version = publish_draft(
        draft, actor=request.user, note=payload.note, expected_revision=payload.revision
    )
    return version_out(version)


# --- import and export --------------------------------------------------------------------


class ImportProblem(Schema):
    sheet: str
    row: int | None
    column: str
    cell: str
    message: str


class ImportOut(Schema):
    id: str
    file: str
    status: Literal["checking", "invalid", "ready", "applying", "done", "failed"]
    dry_run: bool
    progress: int
    stage: str
    preview: dict[str, Any] | None = Field(
        description="What the import would add and change (when the file is valid)"
    )
    errors: list[ImportProblem]
    result: dict[str, Any] | None = Field(description="What the import created, once done")
    created_at: dt.datetime
    finished_at: dt.datetime | None


def import_out(job: ImportJob, *, dry_run: bool) -> dict[str, Any]:
    summary = job.summary or {}
    preview = None
    if job.status in (ImportJob.Status.READY, ImportJob.Status.APPLYING, ImportJob.Status.DONE):
        preview = {k: summary.get(k) for k in ("totals", "families", "people", "notes")}
    return {
        "id": job.public_id,
        "file": job.original_name,
        "status": job.status,
        "dry_run": dry_run,
        "progress": job.progress,
        "stage": job.stage,
        "preview": preview,
        "errors": job.errors or [],
        "result": job.result or None,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


def _where(p: dict[str, Any]) -> str:
    parts = [p.get("sheet") or "", f"row {p['row']}" if p.get("row") else "", p.get("column")]
    return ", ".join(x for x in parts if x) or "file"


def _answer(job: ImportJob, *, dry_run: bool) -> Status:
    if job.status in (ImportJob.Status.INVALID, ImportJob.Status.FAILED):
        errors = [{"field": _where(p), "message": p["message"]} for p in job.errors or []]
        raise ApiError(
            422,
            f"The workbook was not imported: {len(errors)} problem(s); see errors. "
            f"Import {job.public_id}.",
            errors=errors,
        )
    running = job.status in ImportJob.RUNNING
    return Status(202 if running else 200, import_out(job, dry_run=dry_run))


def _applied(job: ImportJob) -> ImportJob:
    """A confirmed import; one that failed while being applied answers 409."""
    if job.status == ImportJob.Status.FAILED:
        raise conflict((job.errors or [{"message": "The import failed."}])[0]["message"])
    return job


@router.post(
    "/frameworks/import",
    response={200: ImportOut, 202: ImportOut},
    summary="Import a Master Template (HR admins)",
)
def import_workbook(
    request: ApiRequest, file: File[UploadedFile], dry_run: Form[bool] = False
) -> Status:
    """Upload a Master Template (.xlsx) as `file`. The workbook is checked and compared
    with your ladders and people exactly as in the product. With `dry_run=true` nothing
    changes and you get the preview; otherwise a valid workbook is applied, all or
    nothing (each family becomes a draft). Every problem answers 422 with `errors`
    (sheet, row, column). A big workbook is handled in the background: 202, then read
    `/frameworks/imports/{id}` until it is done."""
    require_role(request)
    form = UploadForm(data={}, files={"file": file})
    if not form.is_valid():
        messages = [str(m) for m in form.errors.get("file", [])] or ["Choose the workbook."]
        raise ApiError(422, messages[0], errors=[{"field": "file", "message": m} for m in messages])
    upload = form.cleaned_data["file"]
    org = request.organization
    job = start_import(
        org, name=upload.name or "upload.xlsx", data=upload.read(), actor=request.user
    )
    if job.status == ImportJob.Status.READY and not dry_run:
        job = _applied(confirm_import(job, actor=request.user))
    return _answer(job, dry_run=dry_run)


def _import_job(request: ApiRequest, id: str) -> ImportJob:
    """One of the organization's imports, for HR admins."""
    require_role(request)
    return get_or_404(ImportJob.objects.all(), id)


@router.get(
    "/frameworks/imports/{id}",
    response={200: ImportOut, 202: ImportOut},
    summary="Follow an import (HR admins)",
)
def get_import(request: ApiRequest, id: str) -> Status:
    return _answer(_import_job(request, id), dry_run=False)


@router.post(
    "/frameworks/imports/{id}/confirm",
    response={200: ImportOut, 202: ImportOut},
    summary="Apply a checked import (HR admins)",
)
def confirm(request: ApiRequest, id: str) -> Status:
    """Applies an import that a dry run checked (status `ready`), exactly as previewed;
    if ladders or people changed since, nothing is applied (409)."""
    job = _import_job(request, id)
    try:
        job = confirm_import(job, actor=request.user)
    except ImportError_ as exc:
        raise conflict(str(exc)) from None
    return _answer(_applied(job), dry_run=False)


class ExportQuery(Input):
    family: str | None = Field(None, max_length=60, description="One family's key (default: all)")
    version: Literal["published", "draft"] = Field(
        "published", description="Which version of each family"
    )
    people: bool = Field(True, description="Include the people directory")


@router.get(
    "/frameworks/export",
    summary="Export the Master Template (HR admins)",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The Master Template workbook",
                "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def export(request: ApiRequest, query: Query[ExportQuery]) -> HttpResponse:
    require_role(request)
    org = request.organization
    family = None
    if query.family:
        family = family_or_none(query.family)
        if family is None:
            raise Http404("Not found")
    content = export_workbook(
        org, family=family, which=query.version, include_people=query.people, actor=request.user
    )
    response = HttpResponse(content, content_type=XLSX)
    name = family.key if family else org.slug
    filename = f"{name}-framework-{timezone.localdate():%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
