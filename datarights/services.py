"""Data rights, the write path: exports (audited), erasure of a person, and the
organization's export and scheduled deletion."""

from __future__ import annotations

from typing import Any

from datarights.export import person_export
from datarights.registry import Audience
from organizations import audit

FORMATS = {
    "json": ("application/json", "json"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def export_person(person: Any, *, audience: Audience, fmt: str, actor: Any) -> bytes:
    """Everything about `person` for `audience` as JSON or a workbook; the download is
    recorded in the audit log (the export itself is not stored)."""
    export = person_export(person, audience)
    content = export.to_json() if fmt == "json" else export.to_xlsx()
    audit.record(
        person.organization,
        actor,
        "person.data_exported",
        person,
        data={
            "format": fmt,
            "for": "the person" if audience == Audience.SELF else "HR",
            "sections": len(export.sections),
        },
    )
    return content
