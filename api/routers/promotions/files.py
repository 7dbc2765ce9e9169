"""/promotions/{id}/files: files attached to a case, cited as evidence."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, File, Form, Router, Status
from ninja.files import UploadedFile

from api.auth import ApiRequest
from api.common import Input, get_or_404
from api.errors import invalid
from api.routers.promotions.shapes import (
    FileOut,
    PromotionOut,
    Revision,
    file_out,
    full_cases,
    reread,
    to_write,
)
from api.routers.reviews import RevisionIn
from promotions import services
from promotions.models import PromotionCase
from promotions.services.artifacts import max_bytes

router = Router()


def _file(case: PromotionCase, file_id: str) -> Any:
    found = next((a for a in case.artifacts.all() if a.public_id == file_id), None)
    if found is None:
        raise Http404("Not found")
    return found


class FileForm(Input):
    revision: int = Revision
    description: str = Field("", max_length=300)


@router.post("/promotions/{id}/files", response={201: FileOut}, summary="Attach a file to a case")
def attach_file(
    request: ApiRequest, id: str, file: File[UploadedFile], data: Form[FileForm]
) -> Status:
    """Multipart `file` (PDF, Word, Excel, PowerPoint, PNG or JPEG images, plain text; at
    most 10 MB; its type is found from its bytes, not its name) with the case's
    `revision`. Cite it in `case.evidence` by its `ref`."""
    case = to_write(request, id)
    if file.size and file.size > max_bytes():
        mb = max_bytes() // (1024 * 1024)
        raise invalid("file", f"“{file.name}” is larger than {mb} MB. Attach a smaller file.")
    found = services.upload_artifact(
        case,
        actor=request.user,
        expected_revision=data.revision,
        name=file.name or "file",
        data=file.read(),
        description=data.description,
    )
    return Status(201, file_out(found))


@router.get(
    "/promotions/{id}/files/{file}",
    summary="Download a file of a case",
    response={200: None},
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file, as a download",
                "content": {"application/octet-stream": {"schema": {"type": "string"}}},
            }
        }
    },
)
def download_file(request: ApiRequest, id: str, file: str) -> HttpResponse:
    """Always as a download, with the type found from its bytes."""
    found = _file(get_or_404(full_cases(request), id), file)
    with found.file.open("rb") as stored:
        response = HttpResponse(stored.read(), content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, found.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.post(
    "/promotions/{id}/files/{file}/remove",
    response=PromotionOut,
    summary="Remove a file from a case",
)
def remove_file(request: ApiRequest, id: str, file: str, payload: RevisionIn) -> dict[str, Any]:
    """And the evidence that cited it; only while the case is open."""
    case = to_write(request, id)
    services.remove_artifact(
        _file(case, file), actor=request.user, expected_revision=payload.revision
    )
    return reread(request, case)
