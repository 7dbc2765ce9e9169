"""The one ladder model: how the levels of a job family stand, and what one step up is.

A ladder is a **trunk** of shared levels that may **split** into two tracks, IC and
Manager. Higher rank is more senior. The rules, checked by `validate()` everywhere a
ladder is written (the editor, imports, templates, publishing):

- within a track, each level has its own rank (an IC and a Manager level may share one);
- the split comes after the trunk: every shared level ranks below every IC and Manager
  level.

Everything that reads a ladder goes through `Ladder`: the editor and version pages, the
template library, the linter, a person's ladder, review cycles and promotions.

    ladder = Ladder.from_levels(levels)    # Level rows, LevelData or any LevelLike
    ladder.ordered()                       # columns: trunk, then IC, then Manager
    ladder.trunk, ladder.ic, ladder.manager
    ladder.next_levels(level)              # one step up; both tracks at the split
    ladder.below(level)                    # the path up to `level`, most junior first
    validate(levels)                       # -> list[LadderProblem]

Levels are matched by `uid` when they have one, else by `code`, so the level passed to
`next_levels()` / `below()` may be another object for the same level.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

SHARED, IC, MANAGER = "shared", "ic", "manager"
TRACK_ORDER: list[str] = [SHARED, IC, MANAGER]
TRACK_LABELS: dict[str, str] = {SHARED: "Shared", IC: "IC track", MANAGER: "Manager track"}
TRACK_NAMES: dict[str, str] = {SHARED: "Shared", IC: "IC", MANAGER: "Manager"}


class LevelLike(Protocol):
    """What the ladder reads of a level (a `Level` row, `LevelData`, a template view)."""

    @property
    def code(self) -> str: ...
    @property
    def rank(self) -> int: ...
    @property
    def track(self) -> str: ...


def level_key(level: LevelLike) -> str:
    """What identifies a level within its ladder: its uid, else its code."""
    return str(getattr(level, "uid", "") or level.code)


def _position(level: LevelLike) -> int:
    return int(getattr(level, "position", 0) or 0)


def _climb(level: LevelLike) -> tuple[int, int]:
    """Sort key up a path: rank, then position (older data may repeat a rank)."""
    return (level.rank, _position(level))


@dataclass(frozen=True)
class LadderProblem:
    """A broken rule. `level` is the code of the level to correct (the later of two
    clashing ones); `kind` is "rank" or "split"; `message` is for an HR person."""

    kind: str
    level: str
    message: str


class Ladder[L: LevelLike]:
    """The levels of one version (or of plain data) as a ladder."""

    def __init__(self, levels: Iterable[L]) -> None:
        self.levels: list[L] = list(levels)
        by_track: dict[str, list[L]] = {t: [] for t in TRACK_ORDER}
        for lv in self.levels:
            by_track.setdefault(lv.track, []).append(lv)
        for items in by_track.values():
            items.sort(key=_climb)
        self.trunk: list[L] = by_track[SHARED]
        self.ic: list[L] = by_track[IC]
        self.manager: list[L] = by_track[MANAGER]

    @classmethod
    def from_levels(cls, levels: Iterable[L]) -> Ladder[L]:
        return cls(levels)

    def track(self, track: str) -> list[L]:
        return {SHARED: self.trunk, IC: self.ic, MANAGER: self.manager}.get(track, [])

    def ordered(self) -> list[L]:
        """The columns of the matrix: the trunk, then the IC track, then the Manager
        track, each from junior to senior."""
        return [*self.trunk, *self.ic, *self.manager]

    def tracks(self) -> list[tuple[str, list[L]]]:
        """(track, levels) for each track that has levels, in column order."""
        return [(t, self.track(t)) for t in TRACK_ORDER if self.track(t)]

    @property
    def splits(self) -> bool:
        return bool(self.ic or self.manager)

    def find(self, level: LevelLike) -> L | None:
        key = level_key(level)
        return next((lv for lv in self.levels if level_key(lv) == key), None)

    def below(self, level: LevelLike) -> list[L]:
        """The levels someone passes on the way to `level`, most junior first: the trunk
        and the earlier levels of the same track."""
        own = self.find(level) or level
        key, climb = level_key(own), _climb(own)
        return sorted(
            (
                lv
                for lv in self.levels
                if level_key(lv) != key and lv.track in (SHARED, own.track) and _climb(lv) < climb
            ),
            key=_climb,
        )

    def next_levels(self, level: LevelLike) -> list[L]:
        """One step up from `level`: the next level of its track; from the top of the
        trunk, the first IC level and the first Manager level (both, in that order);
        [] at the top of a track or for a level not in this ladder."""
        own = self.find(level)
        if own is None:
            return []
        climb = _climb(own)

        def first_above(track: str) -> list[L]:
            return [lv for lv in self.track(track) if _climb(lv) > climb][:1]

        if own.track != SHARED:
            return first_above(own.track)
        return first_above(SHARED) or [*first_above(IC), *first_above(MANAGER)]

    def lines(self) -> list[list[L]]:
        """The paths a person can climb: the trunk then the IC track, and the trunk then
        the Manager track (just the trunk when it does not split)."""
        found = [
            sorted([*self.trunk, *self.track(t)], key=_climb)
            for t in (IC, MANAGER)
            if self.track(t)
        ]
        return found or [list(self.trunk)]

    def problems(self) -> list[LadderProblem]:
        return validate(self.levels)


def validate(levels: Iterable[LevelLike]) -> list[LadderProblem]:
    """Every rule the ladder of `levels` breaks (empty when it is a valid ladder).
    Levels are taken in the order given: of two clashing levels the later is named."""
    levels = list(levels)
    problems: list[LadderProblem] = []
    seen: dict[tuple[str, int], LevelLike] = {}
    for lv in levels:
        if lv.track not in TRACK_ORDER:
            problems.append(
                LadderProblem("track", lv.code, "Choose Shared, IC or Manager as the track.")
            )
            continue
        other = seen.setdefault((lv.track, lv.rank), lv)
        if other is not lv:
            problems.append(
                LadderProblem(
                    "rank",
                    lv.code,
                    f"Rank {lv.rank} is already used by {TRACK_NAMES[lv.track]} level "
                    f"{other.code}. Within a track each level needs its own rank; only an "
                    "IC and a Manager level may share one.",
                )
            )
    shared = [lv for lv in levels if lv.track == SHARED]
    split = [lv for lv in levels if lv.track in (IC, MANAGER)]
    if shared and split:
        top = max(shared, key=lambda lv: lv.rank)
        lowest = min(lv.rank for lv in split)
        if top.rank >= lowest:
            problems.append(
                LadderProblem(
                    "split",
                    top.code,
                    f"Shared level {top.code} (rank {top.rank}) is not below the IC and "
                    f"Manager levels (the lowest of them has rank {lowest}). Shared levels "
                    "are the trunk below the split: give them lower ranks.",
                )
            )
    return problems
