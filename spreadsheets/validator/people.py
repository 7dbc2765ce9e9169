"""The People sheet: who stands where, and who manages whom (no loops).

The same rules check a people CSV file (`spreadsheets.people_csv` reads it into a sheet
of these columns): there, as the CSV format has always promised, only Email and Name are
required and a blank cell keeps an existing person's detail as it is (`partial`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from spreadsheets.reader import CellValue, RawSheet, normalize_name
from spreadsheets.validator.base import SheetParser
from spreadsheets.validator.cells import Table, find_table, parse_date, shown, text, valid_email
from spreadsheets.validator.common import FAMILIES, LIMITS, KnownPerson, PersonRow

Report = Callable[[str, str], None]


@dataclass
class _Link:
    """A row's reporting line: `manager` as the import leaves it ("" for none), and
    whether the row names it (a kept manager was checked when it was set)."""

    row: int
    email: str
    name: str
    manager: str
    named: bool


class PeopleSheet(SheetParser):
    """The People sheet: who stands where, and who manages whom (no loops)."""

    partial = False  # a CSV file: blank cells keep what a person has
    where = "on this sheet"  # where the rows are, in messages ("in this file")

    def _people(self, sheet: RawSheet) -> None:
        required = ["Email", "Name"] if self.partial else ["Email", "Name", "Family", "Level"]
        table = find_table(
            sheet,
            required,
            ["Email", "Name", "Family", "Level", "Manager email", "Start date", "Job title"],
            self.result.problems,
        )
        if table is None:
            return
        self._note_extra(table)
        people: list[PersonRow] = []
        links: list[_Link] = []
        rows_by_email: dict[str, int] = {}
        for row, values in table.rows():
            person = self._person(table, row, values, rows_by_email, links)
            if person is not None:
                people.append(person)
        self._reporting_lines(table, links, set(rows_by_email))
        self.result.people = people

    def _person(
        self,
        table: Table,
        row: int,
        values: list[CellValue],
        rows_by_email: dict[str, int],
        links: list[_Link],
    ) -> PersonRow | None:
        """One row checked: the person to write, or None when the row has a problem."""
        problems = len(self.result.problems)

        def bad(col: str, message: str) -> None:
            self.problem(table.sheet.name, row, table.label(col), table.cell(row, col), message)

        get = table.get
        email = text(get(values, "email")).lower()
        name = " ".join(text(get(values, "name")).split())
        manager_cell = text(get(values, "manager email")).lower()
        title_cell = " ".join(text(get(values, "job title")).split())
        start_raw = get(values, "start date")
        known = self.context.people.get(email)
        if not email:
            bad("email", "The e-mail address is empty. Every person needs one.")
        elif not valid_email(email):
            bad("email", f"{shown(email)} is not an e-mail address, like name@company.com.")
        elif email in rows_by_email:
            bad(
                "email",
                f"{email} is listed twice (also on row {rows_by_email[email]}). Each person "
                "appears once.",
            )
        elif email in self.context.inactive_emails:
            who = f"{known.name} ({email})" if known else email
            bad(
                "email",
                f"{who} is deactivated in your people directory. Reactivate them first, or "
                "remove the row.",
            )
        if not name:
            bad("name", "The name is empty. Write the person's full name.")
        elif len(name) > LIMITS["name"]:
            bad("name", "The name is too long; use at most 150 characters.")
        if len(title_cell) > LIMITS["job title"]:
            bad("job title", "The job title is too long; use at most 150 characters.")
        # a blank manager cell of a CSV file keeps the person's manager
        keep_manager = self.partial and not manager_cell and known is not None
        manager = known.manager_email if known and keep_manager else manager_cell
        if manager_cell and not valid_email(manager_cell):
            bad(
                "manager email",
                f"{shown(manager_cell)} is not an e-mail address, like name@company.com.",
            )
        elif manager_cell and manager_cell == email:
            bad("manager email", "Someone cannot be their own manager.")
        start = parse_date(start_raw)
        if start_raw is not None and start is None:
            bad(
                "start date",
                f"{shown(start_raw)} is not a date. Write it like 2024-03-31 or 31/03/2024 "
                "(in a spreadsheet, a date cell works too).",
            )
        family, level = self._place(table, values, known, bad)
        if email and email not in rows_by_email:
            rows_by_email[email] = row
            manager_ok = not manager_cell or (valid_email(manager_cell) and manager_cell != email)
            if valid_email(email) and manager_ok:
                links.append(_Link(row, email, name, manager, named=bool(manager_cell)))
        if len(self.result.problems) > problems or family is None:
            return None
        return PersonRow(
            row,
            email,
            name,
            None if keep_manager else manager_cell,
            family,
            level,
            start,
            title_cell or None,
        )

    def _place(
        self, table: Table, values: list[CellValue], known: KnownPerson | None, report: Report
    ) -> tuple[str | None, str]:
        """(family name, level code) of a row; None for the family when it has a problem.
        In a CSV file both may be blank ("" keeps the person's place, or gives a new
        person none), and a level without its family is in the person's family."""
        family_name = text(table.get(values, "family"))
        level_ref = text(table.get(values, "level"))
        current = known.family if known else ""
        if self.partial and not family_name:
            if not level_ref:
                return "", ""
            family_name = current
        if not family_name:
            needed = f", so the level {shown(level_ref)} cannot be found" if level_ref else ""
            report(
                "family", f"The family is empty{needed}. Say which job family this person is in."
            )
            return None, ""
        norm = normalize_name(family_name)
        existing = {normalize_name(f.name): f for f in self.context.families}
        existing.update({normalize_name(f.key): f for f in self.context.families if f.key})
        codes: list[str]
        if norm in self.families:
            family_label = self.families[norm].name
            lookup = self._level_lookup(self.families[norm])
            codes = self.families[norm].level_codes()
        elif norm in existing:
            ex = existing[norm]
            family_label = ex.name
            lookup = {normalize_name(t): c for c, t in ex.levels.items()}
            lookup.update({normalize_name(c): c for c in ex.levels})
            codes = list(ex.levels)
        else:
            where = (
                "on the Families sheet or in your organization"
                if self.book.find(FAMILIES) is not None
                else "in your organization"
            )
            report(
                "family",
                f"{shown(family_name)} is not a family {where}. Check the spelling, or "
                "create the family first.",
            )
            return None, ""
        level_code = lookup.get(normalize_name(level_ref), "")
        if level_ref and not level_code and self.broken(family_label, level_ref):
            return None, ""  # the level itself has a problem, reported on the Levels sheet
        if not level_ref:
            if self.partial:
                return family_label, ""  # kept while the family stays, else none
            report("level", "The level is empty. Say which level this person is at.")
            return None, ""
        if not level_code:
            if codes:
                fix = f"Use one of its level codes ({', '.join(codes)}) or titles."
            else:
                fix = f"{family_label} has no levels yet: add them first" + (
                    ", or leave the level empty." if self.partial else "."
                )
            report("level", f"{shown(level_ref)} is not a level of {family_label}. {fix}")
            return None, ""
        return family_label, level_code

    def _reporting_lines(self, table: Table, links: list[_Link], in_sheet: set[str]) -> None:
        """Every named manager exists and is active, and no reporting line loops, through
        the rows or through the people the rows do not name."""
        known = in_sheet | self.context.people_emails
        manager_of = {e: p.manager_email for e, p in self.context.people.items() if p.manager_email}
        manager_of.update({p.email: p.manager for p in links})
        names = {e: p.name for e, p in self.context.people.items()}
        names.update({p.email: p.name for p in links})

        def manager_problem(p: _Link, message: str) -> None:
            column = "manager email"
            self.problem(
                table.sheet.name, p.row, table.label(column), table.cell(p.row, column), message
            )

        for p in links:  # reporting lines are checked even on rows with other problems
            if p.named and p.manager not in known:
                manager_problem(
                    p,
                    f"The manager {p.manager} is not {self.where} or in your people "
                    "directory. Add them as a row, or correct the address.",
                )
                continue
            if p.named and p.manager in self.context.inactive_emails:
                manager_problem(
                    p,
                    f"The manager {p.manager} is deactivated in your people directory and "
                    "cannot manage anyone. Choose another manager, or reactivate them first.",
                )
                continue
            chain = [p.email]
            current = manager_of.get(p.email)
            while current and current not in chain:
                chain.append(current)
                current = manager_of.get(current)
            if current == p.email:
                path = " → ".join(names.get(e, e) for e in [*chain, p.email])
                manager_problem(
                    p,
                    f"This would make a reporting loop ({path}): someone cannot, even "
                    "indirectly, manage their own manager. Correct one of these managers.",
                )
