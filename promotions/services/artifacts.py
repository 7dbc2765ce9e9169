"""Files attached to a promotion case.

An upload is refused unless it is small enough (`PROMOTION_FILE_MAX_BYTES`, 10 MB by
default; at most `PROMOTION_FILES_PER_CASE` files) and its content is one of a few
document and image types, checked from its bytes (not its name or the browser's word):
PDF, PNG, JPEG, plain text / Markdown / CSV (UTF-8, no NUL), and Word, Excel and
PowerPoint documents (.docx, .xlsx, .pptx: a zip with `[Content_Types].xml` and no
macros). It is stored under a random name (`promotions/<org>/<case>/<id>.<ext>`), and
served only to those who may see the case, always as a download with the type we
determined (`promotions.views.cases.artifact`)."""

from __future__ import annotations

import hashlib
import io
import zipfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from organizations.actors import Actor
from promotions.errors import PromotionError
from promotions.models import CaseArtifact, CaseEvidence, PromotionCase
from promotions.services.common import label, lock_case, record_case, require_writer, words

TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "txt": "text/plain",
    "md": "text/markdown",
    "csv": "text/csv",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
OFFICE = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
TEXT = {"txt", "md", "csv"}
ACCEPT = ",".join(f".{ext}" for ext in TYPES)
KINDS_IN_WORDS = "PDF, Word, Excel, PowerPoint, PNG or JPEG images, or plain text"


def max_bytes() -> int:
    return int(getattr(settings, "PROMOTION_FILE_MAX_BYTES", 10 * 1024 * 1024))


def max_files() -> int:
    return int(getattr(settings, "PROMOTION_FILES_PER_CASE", 20))


def _refuse(message: str) -> PromotionError:
    return PromotionError(message, [("file", message)])


def _office_ok(data: bytes, ext: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    if len(names) > 2000 or "[Content_Types].xml" not in names:
        return False
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        return False  # macros
    return any(n.startswith(OFFICE[ext]) for n in names)


def sniff(name: str, data: bytes) -> str:
    """The extension the file really is, or raise PromotionError."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in TYPES:
        raise _refuse(f"Attach a {KINDS_IN_WORDS} file.")
    ok = {
        "pdf": data.startswith(b"%PDF-"),
        "png": data.startswith(b"\x89PNG\r\n\x1a\n"),
        "jpg": data.startswith(b"\xff\xd8\xff"),
        "jpeg": data.startswith(b"\xff\xd8\xff"),
    }.get(ext)
    if ext in TEXT:
        try:
            data.decode("utf-8")
            ok = b"\x00" not in data
        except UnicodeDecodeError:
            ok = False
    elif ext in OFFICE:
        ok = data.startswith(b"PK\x03\x04") and _office_ok(data, ext)
    if not ok:
        raise _refuse(
            f"“{name}” is not a readable .{ext} file (or it contains macros). "
            f"Attach a {KINDS_IN_WORDS} file."
        )
    return "jpg" if ext == "jpeg" else ext


def upload_artifact(
    case: PromotionCase,
    *,
    actor: Actor,
    expected_revision: int,
    name: str,
    data: bytes,
    description: str = "",
) -> CaseArtifact:
    org = case.organization
    org.ensure_writable()
    require_writer(case, actor)
    name = words(name, 200).replace("/", "_").replace("\\", "_") or "file"
    if not data:
        raise _refuse("The file is empty.")
    if len(data) > max_bytes():
        mb = max_bytes() // (1024 * 1024)
        raise _refuse(f"“{name}” is larger than {mb} MB. Attach a smaller file.")
    ext = sniff(name, data)
    artifact = CaseArtifact(
        organization=org,
        case=case,
        name=name,
        extension=ext,
        content_type=TYPES[ext],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        description=words(description, 300),
        uploaded_by_label=label(actor),
    )
    try:
        with transaction.atomic():
            lock_case(case, expected_revision, PromotionCase.Status.DRAFT)
            case.save(update_fields=["updated_at"])
            if CaseArtifact.objects.filter(case=case).count() >= max_files():
                raise _refuse(f"A case can have at most {max_files()} files.")
            artifact.file.save("upload", ContentFile(data), save=True)
            record_case(
                case,
                actor,
                "promotion_case.file_added",
                data={"file": name, "size": len(data), "sha256": artifact.sha256},
            )
    except Exception:
        if artifact.file.name:
            artifact.file.delete(save=False)  # nothing stored for a refused upload
        raise
    return artifact


def remove_artifact(artifact: CaseArtifact, *, actor: Actor, expected_revision: int) -> None:
    """Remove a file (and the evidence that cited it) from a case being written."""
    case = artifact.case
    org = case.organization
    org.ensure_writable()
    require_writer(case, actor)
    with transaction.atomic():
        lock_case(case, expected_revision, PromotionCase.Status.DRAFT)
        case.save(update_fields=["updated_at"])
        CaseEvidence.objects.filter(artifact=artifact).delete()
        stored = str(artifact.file.name)
        artifact.delete()
        record_case(case, actor, "promotion_case.file_removed", data={"file": artifact.name})
        storage = artifact.file.storage
        transaction.on_commit(lambda: storage.delete(stored))
