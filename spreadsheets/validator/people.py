"""The People sheet: who stands where, and who manages whom (no loops)."""

from __future__ import annotations

from spreadsheets.reader import RawSheet, normalize_name
from spreadsheets.validator.base import SheetParser
from spreadsheets.validator.cells import find_table, parse_date, shown, text, valid_email
from spreadsheets.validator.common import LIMITS, PersonRow


class PeopleSheet(SheetParser):
    """The People sheet: who stands where, and who manages whom (no loops)."""

    def _people(self, sheet: RawSheet) -> None:
        required = ["Email", "Name", "Family", "Level"]
        table = find_table(
            sheet,
            required,
            [*required, "Manager email", "Start date"],
            self.result.problems,
        )
        if table is None:
            return
        self._note_extra(table)
        existing = {normalize_name(f.name): f for f in self.context.families}
        people: list[PersonRow] = []
        links: list[PersonRow] = []
        rows_by_email: dict[str, int] = {}
        for row, values in table.rows():

            def bad(col: str, message: str, row: int = row) -> None:
                self.problem(sheet.name, row, table.label(col), table.cell(row, col), message)

            email = text(table.get(values, "email")).lower()
            name = " ".join(text(table.get(values, "name")).split())
            manager = text(table.get(values, "manager email")).lower()
            family_name = text(table.get(values, "family"))
            level_ref = text(table.get(values, "level"))
            start_raw = table.get(values, "start date")
            ok = True
            if not email:
                bad("email", "The e-mail address is empty. Every person needs one.")
                ok = False
            elif not valid_email(email):
                bad("email", f"{shown(email)} is not an e-mail address, like name@company.com.")
                ok = False
            elif email in rows_by_email:
                bad(
                    "email",
                    f"{email} is listed twice (also on row {rows_by_email[email]}). Each person "
                    "appears once.",
                )
                ok = False
            if not name:
                bad("name", "The name is empty.")
                ok = False
            elif len(name) > LIMITS["name"]:
                bad("name", "The name is too long; use at most 150 characters.")
                ok = False
            if manager and not valid_email(manager):
                bad(
                    "manager email",
                    f"{shown(manager)} is not an e-mail address, like name@company.com.",
                )
                ok = False
            elif manager and manager == email:
                bad("manager email", "Someone cannot be their own manager.")
                ok = False
            start = parse_date(start_raw)
            if start_raw is not None and start is None:
                bad(
                    "start date",
                    f"{shown(start_raw)} is not a date. Write it like 2024-03-01, or use a "
                    "date cell.",
                )
                ok = False
            family_label, level_code = "", ""
            norm = normalize_name(family_name)
            if not family_name:
                bad("family", "The family is empty. Say which job family this person is in.")
                ok = False
            elif norm in self.families:
                family_label = self.families[norm].name
                level_code = self._level_lookup(self.families[norm]).get(
                    normalize_name(level_ref), ""
                )
                codes = self.families[norm].level_codes()
            elif norm in existing:
                family_label = existing[norm].name
                ex = existing[norm]
                lookup = {normalize_name(t): c for c, t in ex.levels.items()}
                lookup.update({normalize_name(c): c for c in ex.levels})
                level_code = lookup.get(normalize_name(level_ref), "")
                codes = list(ex.levels)
            else:
                bad(
                    "family",
                    f"{shown(family_name)} is not a family on the Families sheet or in your "
                    "organization.",
                )
                ok = False
            if (
                family_label
                and level_ref
                and not level_code
                and self.broken(family_label, level_ref)
            ):
                ok = False  # the level itself has a problem, reported on the Levels sheet
            elif family_label:
                if not level_ref:
                    bad("level", "The level is empty. Say which level this person is at.")
                    ok = False
                elif not level_code:
                    bad(
                        "level",
                        f"{shown(level_ref)} is not a level of {family_label}. Use one of its "
                        f"level codes ({', '.join(codes) or 'none yet'}) or titles.",
                    )
                    ok = False
            if email and email not in rows_by_email:
                rows_by_email[email] = row
                if valid_email(email) and (
                    not manager or (valid_email(manager) and manager != email)
                ):
                    links.append(PersonRow(row, email, name, manager, "", "", None))
            if ok:
                people.append(PersonRow(row, email, name, manager, family_label, level_code, start))
        in_sheet = set(rows_by_email)
        known = in_sheet | self.context.people_emails
        manager_of = {p.email: p.manager_email for p in links}

        def manager_problem(p: PersonRow, message: str) -> None:
            column = "manager email"
            self.problem(sheet.name, p.row, table.label(column), table.cell(p.row, column), message)

        for p in links:  # reporting lines are checked even on rows with other problems
            if p.manager_email and p.manager_email not in known:
                manager_problem(
                    p,
                    f"The manager {p.manager_email} is not on this sheet or in your people "
                    "directory. Add them as a row, or correct the address.",
                )
                continue
            if p.manager_email in self.context.inactive_emails and p.manager_email not in in_sheet:
                manager_problem(
                    p,
                    f"The manager {p.manager_email} is deactivated in your people directory and "
                    "cannot manage anyone. Choose another manager, or reactivate them first.",
                )
                continue
            seen = {p.email}
            current = p.manager_email
            while current and current in manager_of:
                if current in seen:
                    manager_problem(
                        p,
                        f"The reporting lines loop back to {p.email}: {p.email} cannot (even "
                        "indirectly) manage their own manager.",
                    )
                    break
                seen.add(current)
                current = manager_of[current]
        self.result.people = people
