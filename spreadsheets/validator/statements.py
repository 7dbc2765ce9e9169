"""What each level expects: a family's matrix sheet, or the long Statements sheet, or
both (which must agree)."""

from __future__ import annotations

import re

from frameworks import limits
from frameworks.models import EvidenceKind
from frameworks.schema import CompetencyData, FamilyData, StatementData
from spreadsheets.reader import CellValue, RawSheet, column_letter, normalize_name
from spreadsheets.validator.base import SheetParser
from spreadsheets.validator.cells import (
    Table,
    find_table,
    level_in_heading,
    shown,
    statement_lines,
    text,
)
from spreadsheets.validator.common import (
    EVIDENCE,
    LIMITS,
    MATRIX_META,
    RESERVED_SHEETS,
    STATEMENTS,
    sheet_owners,
)


class StatementsSheets(SheetParser):
    """What each level expects: a family's matrix sheet, or the long Statements sheet, or
    both (which must agree)."""

    def _match_sheets(self) -> None:
        keys = list(self.families)
        owners = sheet_owners(
            [f.name for f in self.families.values()], [f.key for f in self.families.values()]
        )
        for sheet in self.book.sheets:
            norm = normalize_name(sheet.name)
            if norm in RESERVED_SHEETS:
                continue
            owner = owners.get(norm)
            family_key = keys[owner] if owner is not None else None
            if family_key is None or family_key in self.sheet_for_family:
                self.note(
                    f"Ignored the sheet “{sheet.name}”: it is not a Master Template sheet "
                    "and not named like a job family."
                )
                continue
            self.sheet_for_family[family_key] = sheet

    def _matrix(self, family: FamilyData, sheet: RawSheet) -> list[CompetencyData] | None:
        problems = self.result.problems
        before = len(problems)
        table = find_table(sheet, ["Competency"], list(MATRIX_META), problems)
        if table is None:
            return None
        lookup = self._level_lookup(family)
        level_cols: dict[int, str] = {}
        for col, label in table.extra:
            code = lookup.get(normalize_name(label)) or level_in_heading(lookup, label)
            if code is None:
                if label and self.broken(family.name, label):
                    continue
                if label:
                    self.note(
                        f"Ignored column {column_letter(col)} “{label}” on the {sheet.name} "
                        f"sheet: it is not a level code or title of {family.name}."
                    )
                elif any(
                    len(values) >= col and values[col - 1] is not None for _, values in table.rows()
                ):
                    self.note(
                        f"Ignored column {column_letter(col)} on the {sheet.name} sheet: it "
                        "has no heading."
                    )
                continue
            if code in level_cols.values():
                self.problem(
                    sheet.name,
                    table.header_row,
                    label,
                    f"{column_letter(col)}{table.header_row}",
                    f"Level {code} has two columns. Keep one column per level.",
                )
                continue
            level_cols[col] = code
        comps: dict[str, CompetencyData] = {}
        comp_rows: dict[str, int] = {}
        order = {code: i for i, code in enumerate(family.level_codes())}
        for row, values in table.rows():
            name = " ".join(text(table.get(values, "competency")).split())
            has_content = any(
                values[col - 1] is not None for col in level_cols if col - 1 < len(values)
            )
            if not name:
                if has_content:
                    self.problem(
                        sheet.name,
                        row,
                        table.label("competency"),
                        table.cell(row, "competency"),
                        "This row has statements but no competency name. Name the competency "
                        "in the first column.",
                    )
                continue
            comp = self._competency(comps, comp_rows, name, table, values, row)
            if comp is None:
                continue
            for col, code in level_cols.items():
                lines = statement_lines(values[col - 1] if col - 1 < len(values) else None)
                if lines:
                    cell = comp.statements.setdefault(code, [])
                    cell.extend(StatementData(t) for t in lines)
                    message = limits.cell_problem([st.text for st in cell])
                    if message:
                        self.problem(sheet.name, row, code, f"{column_letter(col)}{row}", message)
        for comp in comps.values():
            comp.statements = dict(sorted(comp.statements.items(), key=lambda kv: order[kv[0]]))
        if len(problems) > before:
            return None
        return list(comps.values())

    def _competency(
        self,
        comps: dict[str, CompetencyData],
        comp_rows: dict[str, int],
        name: str,
        table: Table,
        values: list[CellValue],
        row: int,
    ) -> CompetencyData | None:
        sheet = table.sheet.name
        if len(name) > LIMITS["competency"]:
            self.problem(
                sheet,
                row,
                table.label("competency"),
                table.cell(row, "competency"),
                f"The competency name is {len(name)} characters long; at most 160 fit.",
            )
            return None
        category = self._limited(table, values, row, "category")
        description = self._long_text(
            table, values, row, "description", limits.COMPETENCY_DESCRIPTION
        )
        source = self._limited(table, values, row, "source")
        key = normalize_name(name)
        comp = comps.get(key)
        if comp is None:
            comp = comps[key] = CompetencyData(
                name=name, category=category, description=description, source=source
            )
            comp_rows[key] = row
            return comp
        for attr, value in (("category", category), ("description", description)):
            current = getattr(comp, attr)
            if value and current and value != current:
                self.problem(
                    sheet,
                    row,
                    table.label(attr),
                    table.cell(row, attr),
                    f"“{name}” has the {attr} {shown(value)} here but {shown(current)} on row "
                    f"{comp_rows[key]}. A competency has one {attr}.",
                )
            elif value and not current:
                setattr(comp, attr, value)
        comp.source = comp.source or source
        return comp

    def _long_statements(self) -> dict[str, list[CompetencyData]]:
        sheet = self.book.find(STATEMENTS)
        if sheet is None:
            return {}
        required = ["Family", "Competency", "Level", "Statement"]
        table = find_table(
            sheet,
            required,
            [*required, "Category", "Evidence", "Description", "Source"],
            self.result.problems,
        )
        if table is None:
            return {}
        self._note_extra(table)
        out: dict[str, dict[str, CompetencyData]] = {}
        comp_rows: dict[str, dict[str, int]] = {}
        lookups = {key: self._level_lookup(f) for key, f in self.families.items()}
        for row, values in table.rows():

            def bad(col: str, message: str, row: int = row) -> None:
                self.problem(sheet.name, row, table.label(col), table.cell(row, col), message)

            family_name = text(table.get(values, "family"))
            fam = normalize_name(family_name)
            name = " ".join(text(table.get(values, "competency")).split())
            level_ref = text(table.get(values, "level"))
            statement = text(table.get(values, "statement"))
            if fam not in self.families:
                bad(
                    "family",
                    f"{shown(family_name)} is not a family on the Families sheet."
                    if family_name
                    else "The family is empty. Say which job family this statement belongs to.",
                )
                continue
            family = self.families[fam]
            if not name:
                bad("competency", "The competency is empty. Say which competency this is for.")
                continue
            code = lookups[fam].get(normalize_name(level_ref))
            if level_ref and code is None and self.broken(family.name, level_ref):
                continue
            if level_ref and code is None:
                known = ", ".join(family.level_codes()) or "none yet"
                bad(
                    "level",
                    f"{shown(level_ref)} is not a level of {family.name}. Use one of its level "
                    f"codes ({known}) or titles.",
                )
                continue
            if level_ref and not statement:
                bad(
                    "statement", "The statement is empty. Write the expectation, or delete the row."
                )
                continue
            if statement and not level_ref:
                bad("level", "The level is empty. Say at which level this is expected.")
                continue
            evidence = self._evidence(table, values, row)
            comps = out.setdefault(fam, {})
            comp = self._competency(comps, comp_rows.setdefault(fam, {}), name, table, values, row)
            if comp is None or code is None or evidence is None:
                continue
            cell = comp.statements.setdefault(code, [])
            cell.append(StatementData(statement, evidence))
            message = limits.cell_problem([st.text for st in cell])
            if message:
                bad("statement", message)
                cell.pop()  # each row past the limit is refused on its own
        result = {}
        for fam, comps in out.items():
            order = {code: i for i, code in enumerate(self.families[fam].level_codes())}
            for comp in comps.values():
                comp.statements = dict(sorted(comp.statements.items(), key=lambda kv: order[kv[0]]))
            result[fam] = list(comps.values())
        return result

    def _evidence(self, table: Table, values: list[CellValue], row: int) -> list[str] | None:
        raw = text(table.get(values, "evidence"))
        kinds: list[str] = []
        for part in re.split(r"[;\n]", raw):
            part = part.strip()
            if not part:
                continue
            kind = EVIDENCE.get(normalize_name(part))
            if kind is None:
                allowed = "; ".join(label for _, label in EvidenceKind.choices)
                self.problem(
                    table.sheet.name,
                    row,
                    table.label("evidence"),
                    table.cell(row, "evidence"),
                    f"{shown(part)} is not a kind of evidence we know. Use any of: {allowed} "
                    "(separated by semicolons).",
                )
                return None
            kinds.append(str(kind))
        return kinds

    def _statements(self, key: str, family: FamilyData, long: list[CompetencyData] | None) -> None:
        sheet = self.sheet_for_family.get(key)
        matrix = self._matrix(family, sheet) if sheet is not None and family.levels else None
        if sheet is not None and long is not None:
            self.result.shapes[family.name] = "both"
            if matrix is not None:
                self._agree(family, sheet, matrix, long)
        elif sheet is not None:
            self.result.shapes[family.name] = "matrix"
        elif long is not None:
            self.result.shapes[family.name] = "long"
        family.competencies = long if long is not None else (matrix or [])

    def _agree(
        self,
        family: FamilyData,
        sheet: RawSheet,
        matrix: list[CompetencyData],
        long: list[CompetencyData],
    ) -> None:
        def texts(comps: list[CompetencyData]) -> dict[tuple[str, str], list[str]]:
            out: dict[tuple[str, str], list[str]] = {}
            for c in comps:
                out.setdefault((normalize_name(c.name), ""), [])
                for code, items in c.statements.items():
                    out[(normalize_name(c.name), code)] = sorted(s.text for s in items)
            return out

        a, b = texts(matrix), texts(long)
        names = {normalize_name(c.name): c.name for c in [*long, *matrix]}
        for k in sorted(set(a) | set(b)):
            if a.get(k) != b.get(k):
                comp, code = k
                where = f" at level {code}" if code else ""
                self.problem(
                    STATEMENTS,
                    None,
                    "",
                    "",
                    f"The {sheet.name} sheet and the Statements sheet disagree about "
                    f"“{names[comp]}”{where}. Give the statements in one of the two "
                    "sheets, or make them the same.",
                )
