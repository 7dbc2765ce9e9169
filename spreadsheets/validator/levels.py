"""The Levels sheet: each family's levels, checked against the ladder rules."""

from __future__ import annotations

from frameworks import limits
from frameworks.ladder import validate as validate_ladder
from frameworks.models import Track
from frameworks.schema import LevelData
from spreadsheets.reader import RawSheet, normalize_name
from spreadsheets.validator.base import SheetParser
from spreadsheets.validator.cells import find_table, parse_int, shown, text
from spreadsheets.validator.common import LIMITS, RESERVED_LEVEL_WORDS, TRACKS


class LevelsSheet(SheetParser):
    """The Levels sheet: each family's levels, checked against the ladder rules."""

    def _levels(self, sheet: RawSheet) -> None:
        required = ["Family", "Code", "Title", "Track", "Rank"]
        table = find_table(
            sheet,
            required,
            [*required, "Scope", "Summary", "Key question"],
            self.result.problems,
        )
        if table is None:
            return
        self._note_extra(table)
        seen: dict[tuple[str, str], int] = {}
        rows_of: dict[str, dict[str, int]] = {}
        mentioned: set[str] = set()
        for row, values in table.rows():

            def bad(col: str, message: str, row: int = row) -> None:
                self.problem(sheet.name, row, table.label(col), table.cell(row, col), message)

            family_name = text(table.get(values, "family"))
            family = self.families.get(normalize_name(family_name))
            code = text(table.get(values, "code"))
            title = " ".join(text(table.get(values, "title")).split())
            track_raw = table.get(values, "track")
            rank_raw = table.get(values, "rank")
            ok = True
            if not family_name:
                bad("family", "The family is empty. Say which job family this level belongs to.")
                ok = False
            elif family is None:
                bad(
                    "family",
                    f"{shown(family_name)} is not a family on the Families sheet. Check the "
                    "spelling, or add the family there.",
                )
                ok = False
            if not code:
                bad("code", "The level code is empty. Give each level a short code, like PM3.")
                ok = False
            elif len(code) > LIMITS["code"]:
                bad("code", f"The code {shown(code)} is too long; use at most 20 characters.")
                ok = False
            elif "\n" in code:
                bad("code", "The code must be on one line.")
                ok = False
            if not title:
                bad("title", "The title is empty. Give the level a title, like Senior PM.")
                ok = False
            elif len(title) > LIMITS["title"]:
                bad("title", "The title is too long; use at most 120 characters.")
                ok = False
            track = TRACKS.get(normalize_name(text(track_raw)))
            if track is None:
                bad(
                    "track",
                    f"The track {shown(track_raw)} is not one we know. Use Shared, IC or Manager."
                    if text(track_raw)
                    else "The track is empty. Use Shared, IC or Manager.",
                )
                ok = False
            rank = parse_int(rank_raw)
            if rank is None:
                bad(
                    "rank",
                    f"The rank must be a whole number, like 3. Found {shown(rank_raw)}."
                    if text(rank_raw)
                    else "The rank is empty. Give a whole number; higher is more senior.",
                )
                ok = False
            for name in (code, title):
                if normalize_name(name) in RESERVED_LEVEL_WORDS:
                    bad(
                        "code" if name == code else "title",
                        f"“{name}” cannot be a level code or title: it is a column name in the "
                        "matrix sheets.",
                    )
                    ok = False
            if family is not None:
                mentioned.add(normalize_name(family.name))
                if not ok:  # already reported: references to it elsewhere stay quiet
                    broken = self.broken_refs.setdefault(normalize_name(family.name), set())
                    broken.update(normalize_name(r) for r in (code, title) if r)
            if not ok or family is None or track is None or rank is None:
                continue
            fam = normalize_name(family.name)
            refs = rows_of.setdefault(fam, {})
            c_norm, t_norm = normalize_name(code), normalize_name(title)
            clash = next(
                (
                    (what, ref, n)
                    for what, ref, n in (("code", code, c_norm), ("title", title, t_norm))
                    if n in refs
                ),
                None,
            )
            if clash is not None:
                what, ref, n = clash
                bad(
                    what,
                    f"{family.name} already has a level with the code or title “{ref}” (row "
                    f"{refs[n]}). Codes and titles must be different within a family, because "
                    "statements and people refer to levels by either.",
                )
                continue
            refs[c_norm] = refs[t_norm] = row
            seen[(fam, normalize_name(code))] = row
            family.levels.append(
                LevelData(
                    code=code,
                    title=title,
                    rank=rank,
                    track=track,
                    scope=self._limited(table, values, row, "scope"),
                    summary=self._long_text(table, values, row, "summary", limits.LEVEL_SUMMARY),
                    key_question=self._long_text(
                        table, values, row, "key question", limits.KEY_QUESTION
                    ),
                )
            )
        for norm, family in self.families.items():
            if not family.levels:
                if norm not in mentioned:
                    self.note(
                        f"{family.name} has no levels on the Levels sheet; it is imported "
                        "without levels."
                    )
                continue
            # the ladder rules are the editor's (frameworks.ladder)
            for problem in validate_ladder(family.levels):
                at = seen.get((norm, normalize_name(problem.level)))
                self.problem(
                    sheet.name,
                    at,
                    table.label("rank"),
                    table.cell(at or 0, "rank"),
                    f"{family.name} level {problem.level}: {problem.message}",
                )
            family.levels.sort(key=lambda lv: (lv.rank, lv.track != Track.SHARED))
