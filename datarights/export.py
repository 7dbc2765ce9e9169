"""A person's data, read through the registry: one section per declared model with the
rows that belong to them, as plain values (JSON) or a workbook (one sheet a section).

The same reading serves the person's own download (`Audience.SELF`) and HR's export of
everything about them (`Audience.HR`); a link outside the audience is listed under "not
included" with its reason, without saying whether it has rows (a count would tell HR
whether someone volunteered demographic data)."""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import io
import json
import operator
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Q, Subquery
from django.utils import timezone

from datarights.registry import Audience, Declaration, declarations


@dataclass
class Section:
    label: str
    table: str
    columns: list[str]
    rows: list[dict[str, Any]]


@dataclass
class PersonExport:
    about: dict[str, Any]
    sections: list[Section] = field(default_factory=list)
    not_included: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "about": self.about,
            "sections": [
                {"label": s.label, "table": s.table, "rows": s.rows} for s in self.sections
            ],
            "not_included": self.not_included,
        }

    def to_json(self) -> bytes:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False).encode()

    def to_xlsx(self) -> bytes:
        from openpyxl import Workbook  # only when a workbook is written (~37 MB)

        from spreadsheets.writer import header, put

        wb = Workbook()
        ws = wb.active
        ws.title = "About"
        header(ws, ["What", "Value"], [28, 80])
        row = 2
        for key, value in self.about.items():
            put(ws, row, 1, key.replace("_", " ").capitalize())
            put(ws, row, 2, _cell(value), wrap=True)
            row += 1
        row += 1
        for item in self.not_included:
            put(ws, row, 1, f"Not included: {item['label']}")
            put(ws, row, 2, item["reason"], wrap=True)
            row += 1
        names: set[str] = set()
        for section in self.sections:
            title = _sheet_title(section.label, names)
            sheet = wb.create_sheet(title)
            header(sheet, section.columns, [18] * len(section.columns))
            for r, values in enumerate(section.rows, start=2):
                for c, column in enumerate(section.columns, start=1):
                    put(sheet, r, c, _cell(values.get(column)))
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()


def _sheet_title(label: str, taken: set[str]) -> str:
    base = "".join(ch for ch in label if ch not in "[]:*?/\\")[:28]
    title, n = base, 2
    while title.lower() in taken:
        title = f"{base[:25]} {n}"
        n += 1
    taken.add(title.lower())
    return title


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def related_label(obj: models.Model | None) -> Any:
    """A key as a reader knows it: a person's or a login's name, else a name, a title or
    the public id."""
    if obj is None:
        return None
    if hasattr(obj, "get_full_name"):
        return obj.get_full_name() or getattr(obj, "email", "") or str(obj.pk)
    for attribute in ("name", "title", "public_id"):
        if value := getattr(obj, attribute, None):
            return value
    return obj.pk


def plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    if isinstance(value, bytes | memoryview):
        return None
    return value


def serialize(declaration: Declaration, rows: list[models.Model]) -> list[dict[str, Any]]:
    fields = declaration.export_fields()
    out = []
    for obj in rows:
        values: dict[str, Any] = {}
        for f in fields:
            if f.is_relation:
                values[f.name] = related_label(getattr(obj, f.name))
            else:
                values[f.name] = plain(getattr(obj, f.attname))
        out.append(values)
    return out


def rows_for(declaration: Declaration, q: Q, organization: Any) -> models.QuerySet:
    """The declared model's rows matching `q`, in `organization` (or installation-wide
    for logins), each once, with their keys joined (constant queries)."""
    manager = declaration.manager()
    base = manager.all()
    if declaration.organization:
        base = base.filter(**{declaration.organization: organization.pk})
    fks = [f.name for f in declaration.export_fields() if f.is_relation and f.many_to_one]
    rows = manager.filter(pk__in=Subquery(base.filter(q).values("pk"))).order_by("pk")
    return rows.select_related(*fks) if fks else rows


def person_export(person: Any, audience: Audience) -> PersonExport:
    org = person.organization
    export = PersonExport(
        about={
            "name": person.name,
            "email": person.email,
            "organization": org.name,
            "exported_at": timezone.now().isoformat(timespec="seconds"),
            "exported_for": "the person themselves" if audience == Audience.SELF else "HR",
            "what_this_is": (
                "Everything Career Ladder Builder holds about this person in this "
                "organization, one section per kind of record. Keys to other records "
                "are shown by name or id."
            ),
        }
    )
    seen_withheld: set[tuple[str, str]] = set()
    for declaration in declarations():
        parts: list[Q] = []
        for link in declaration.links:
            if audience not in link.audience:
                key = (declaration.label, link.withheld or link.reason)
                if key not in seen_withheld:
                    seen_withheld.add(key)
                    export.not_included.append({"label": key[0], "reason": key[1]})
                continue
            if (link_q := link.q(person)) is not None:
                parts.append(link_q)
        if not parts:
            continue
        q = functools.reduce(operator.or_, parts)
        with declaration.reader():
            rows = list(rows_for(declaration, q, org))
        if rows:
            columns = [f.name for f in declaration.export_fields()]
            export.sections.append(
                Section(declaration.label, declaration.model_label, columns,
                        serialize(declaration, rows))
            )  # fmt: skip
    return export


# --- the organization's full export ---------------------------------------------------------

README = """Career Ladder Builder - the full export of {name}
Made {when}.

One JSON file per kind of record (a list of rows; keys to other records are their ids,
"id" is each row's own). Uploaded files (promotion case files, imported workbooks) are in
files/. Secrets (password and token digests) are not included, nor volunteered
demographic answers (sealed: only each person sees their own).

{contents}
"""


def write_organization_zip(org: Any, out: Any) -> int:
    """Everything `org` holds into the zip file object `out`, streamed table by table.
    Returns the number of rows."""
    import zipfile

    from django.core.files.storage import default_storage

    total = 0
    contents = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for declaration in declarations():
            if not declaration.in_organization_export or not declaration.organization:
                continue
            qs = declaration.manager().filter(**{declaration.organization: org.pk})
            if "__" in declaration.organization:  # through a many-valued key (logins)
                qs = qs.distinct()
            columns = [f.attname for f in declaration.export_fields()]
            names = ["id", *columns]
            count = 0
            with zf.open(f"{declaration.model_label}.json", "w") as fh:
                fh.write(b"[")
                with declaration.reader():
                    for values in qs.order_by("pk").values_list("pk", *columns).iterator(2000):
                        row = {n: plain(v) for n, v in zip(names, values, strict=True)}
                        fh.write((b",\n" if count else b"\n") + json.dumps(
                            row, ensure_ascii=False, default=str).encode())  # fmt: skip
                        count += 1
                fh.write(b"\n]\n")
            total += count
            contents.append(f"{declaration.model_label}.json  {declaration.label}: {count}")
            for column in declaration.files:
                for name in qs.values_list(column, flat=True):
                    if name and default_storage.exists(name):
                        with (
                            default_storage.open(name) as src,
                            zf.open(f"files/{name}", "w") as dst,
                        ):
                            dst.write(src.read())
        zf.writestr(
            "README.txt",
            README.format(
                name=org.name,
                when=timezone.now().isoformat(timespec="seconds"),
                contents="\n".join(contents),
            ),
        )
    return total
