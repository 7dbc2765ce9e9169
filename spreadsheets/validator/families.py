"""The Families sheet: one row per job family (name, key, description)."""

from __future__ import annotations

from django.utils.text import slugify

from frameworks import limits
from frameworks.schema import FamilyData
from spreadsheets.reader import RawSheet, normalize_name
from spreadsheets.validator.base import SheetParser
from spreadsheets.validator.cells import find_table, shown, text
from spreadsheets.validator.common import LIMITS


class FamiliesSheet(SheetParser):
    """The Families sheet: one row per job family (name, key, description)."""

    def _families(self, sheet: RawSheet) -> None:
        table = find_table(
            sheet, ["Family"], ["Family", "Key", "Description"], self.result.problems
        )
        if table is None:
            return
        self._note_extra(table)
        keys: dict[str, int] = {}
        for row, values in table.rows():
            name = " ".join(text(table.get(values, "family")).split())
            key_text = text(table.get(values, "key"))
            if not name:
                self.problem(
                    sheet.name,
                    row,
                    table.label("family"),
                    table.cell(row, "family"),
                    "The family name is empty. Give the job family a name, or delete the row.",
                )
                continue
            norm = normalize_name(name)
            if norm in self.families:
                self.problem(
                    sheet.name,
                    row,
                    table.label("family"),
                    table.cell(row, "family"),
                    f"“{name}” is listed twice (also on row {self.family_rows[norm]}). Each "
                    "job family appears once.",
                )
                continue
            if len(name) > LIMITS["family"]:
                self.problem(
                    sheet.name,
                    row,
                    table.label("family"),
                    table.cell(row, "family"),
                    f"The family name is {len(name)} characters long; at most "
                    f"{LIMITS['family']} fit.",
                )
            key = slugify(key_text or name)[: LIMITS["key"]].strip("-")
            if key_text and not key:
                self.problem(
                    sheet.name,
                    row,
                    table.label("key"),
                    table.cell(row, "key"),
                    f"The key {shown(key_text)} has no letters or digits. Use a short code "
                    "like “product-management”, or leave it empty.",
                )
            elif key in keys:
                self.problem(
                    sheet.name,
                    row,
                    table.label("key"),
                    table.cell(row, "key"),
                    f"The key “{key}” is already used by the family on row {keys[key]}. "
                    "Keys must be different (leave it empty to derive it from the name).",
                )
            keys[key] = row
            self.families[norm] = FamilyData(
                name=name,
                key=key,
                description=self._long_text(
                    table, values, row, "description", limits.FAMILY_DESCRIPTION
                ),
            )
            self.family_rows[norm] = row
