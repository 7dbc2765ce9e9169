"""The ladder drawn as people picture it: the shared trunk at the bottom, splitting into the
IC track (left) and the Manager track (right), each level a box with its code, title and
scope; "you are here" and the next step(s) marked by outline weight, a patterned band and
a word, not by colour alone.

`build_diagram()` only places things (and is what the tests read); the template
`frameworks/partials/ladder_diagram.html` draws it as an inline SVG with presentation
attributes (no style attributes: the strict CSP allows them, and WeasyPrint draws the same
SVG in the PDF), with a <title>/<desc> and a visually-hidden list as its text alternative.
The ladder rules (tracks, ranks, the split, the next step) come from `frameworks.ladder`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from frameworks.ladder import IC, MANAGER, SHARED, TRACK_LABELS, Ladder, LevelLike, level_key

WIDTH = 660
BOX_W, BOX_H = 280, 70
PITCH = 96  # from one row of boxes to the next
TOP = 44  # room for the track headings
BOTTOM = 12
CENTRES = {SHARED: WIDTH // 2, IC: 25 + BOX_W // 2, MANAGER: WIDTH - 25 - BOX_W // 2}
TITLE_CHARS = 31  # what fits on a box's first line at 14 px

CURRENT, NEXT = "current", "next"


@dataclass(frozen=True)
class Box:
    key: str
    code: str
    title: str
    scope: str
    track: str
    x: int
    y: int
    state: str = ""  # CURRENT, NEXT or ""
    mark: str = ""  # the words that say it: "You are here", "Next step"
    w: int = BOX_W
    h: int = BOX_H

    @property
    def cx(self) -> int:
        return self.x + self.w // 2

    @property
    def heading(self) -> str:
        """The box's first line: the title, shortened to fit (the full text is in the
        box's <title> and the list)."""
        text = self.title or self.code
        return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1].rstrip() + "…"

    @property
    def detail(self) -> str:
        """The second line: the code and the scope."""
        return f"{self.code} · Scope: {self.scope}" if self.scope else self.code

    @property
    def full_name(self) -> str:
        return f"{self.code} {self.title}".strip()

    @property
    def track_name(self) -> str:
        return TRACK_LABELS[self.track] if self.track != SHARED else "Shared level"


@dataclass(frozen=True)
class Link:
    """A rung between two levels: `d` is the SVG path, bottom box to top box."""

    below: str
    above: str
    d: str
    highlighted: bool = False  # from "you are here" to a next step


@dataclass(frozen=True)
class Heading:
    x: int
    y: int
    text: str
    anchor: str = "middle"


@dataclass
class LadderDiagram:
    name: str
    width: int
    height: int
    boxes: list[Box]
    links: list[Link]
    headings: list[Heading]
    uid: str = "ladder"
    splits: bool = False
    tracks: list[tuple[str, list[Box]]] = field(default_factory=list)

    def box(self, code: str) -> Box:
        return next(b for b in self.boxes if b.code == code)

    @property
    def current(self) -> Box | None:
        return next((b for b in self.boxes if b.state == CURRENT), None)

    @property
    def next_steps(self) -> list[Box]:
        return [b for b in self.boxes if b.state == NEXT]

    @property
    def summary(self) -> str:
        """One paragraph for the SVG's <desc>."""
        parts = []
        trunk = [b.code for b in self.boxes if b.track == SHARED]
        ic = [b.code for b in self.boxes if b.track == IC]
        manager = [b.code for b in self.boxes if b.track == MANAGER]
        if trunk:
            parts.append(f"Shared levels, most junior first: {', '.join(trunk)}.")
        if ic and manager:
            parts.append(
                f"{'Then the ladder splits into' if trunk else 'Two tracks:'} the IC track "
                f"({', '.join(ic)}) and the Manager track ({', '.join(manager)})."
            )
        elif ic or manager:
            track, codes = (IC, ic) if ic else (MANAGER, manager)
            parts.append(f"Then the {TRACK_LABELS[track]}: {', '.join(codes)}.")
        if self.current:
            parts.append(f"{self.current.mark}: {self.current.full_name}.")
        if self.next_steps:
            steps = " or ".join(b.full_name for b in self.next_steps)
            parts.append(f"Next step: {steps}.")
        return " ".join(parts)


def build_diagram(
    levels: Iterable[LevelLike],
    *,
    name: str = "",
    current: LevelLike | None = None,
    uid: str = "ladder",
    here_label: str = "You are here",
) -> LadderDiagram:
    """Place every level of a ladder. Rows go by rank, the most senior at the top: the
    trunk's levels one row each, then the IC and Manager tracks side by side (an IC and a
    Manager level of the same rank share a row). `current` marks "you are here" and, by
    the ladder's own rule, its next step(s); `here_label` says it ("Emma is here" on
    someone else's ladder). `uid` prefixes the SVG's ids (unique on the page)."""
    ladder = Ladder(levels)
    here = ladder.find(current) if current is not None else None
    upcoming = {level_key(lv) for lv in ladder.next_levels(here)} if here is not None else set()
    here_key = level_key(here) if here is not None else ""

    rows: dict[str, int] = {}
    for n, lv in enumerate(ladder.trunk):
        rows[level_key(lv)] = n
    split_ranks = sorted({lv.rank for lv in [*ladder.ic, *ladder.manager]})
    for track in (IC, MANAGER):
        last = -1
        for lv in ladder.track(track):
            row = max(len(ladder.trunk) + split_ranks.index(lv.rank), last + 1)
            rows[level_key(lv)] = last = row
    count = max(rows.values(), default=-1) + 1
    splits = ladder.splits
    top = TOP if splits else 12

    def y_of(row: int) -> int:
        return top + (count - 1 - row) * PITCH

    boxes: dict[str, Box] = {}
    for lv in ladder.levels:
        key = level_key(lv)
        centre = CENTRES[lv.track] if splits or lv.track != SHARED else WIDTH // 2
        state = CURRENT if key == here_key else NEXT if key in upcoming else ""
        mark = {CURRENT: here_label, NEXT: "Next step"}.get(state, "")
        boxes[key] = Box(
            key=key,
            code=lv.code,
            title=str(getattr(lv, "title", "") or ""),
            scope=str(getattr(lv, "scope", "") or ""),
            track=lv.track,
            x=centre - BOX_W // 2,
            y=y_of(rows[key]),
            state=state,
            mark=mark,
        )

    links: list[Link] = []

    def link(lower: LevelLike, upper: LevelLike) -> None:
        a, b = boxes[level_key(lower)], boxes[level_key(upper)]
        start, end = a.y, b.y + b.h
        if a.cx == b.cx:
            d = f"M{a.cx} {start} V{end}"
        else:  # the fork: up from the trunk, across, and up into the track
            middle = end + (start - end) // 2
            d = f"M{a.cx} {start} V{middle} H{b.cx} V{end}"
        links.append(Link(a.key, b.key, d, a.key == here_key and b.key in upcoming))

    for track_levels in (ladder.trunk, ladder.ic, ladder.manager):
        for lower, upper in pairwise(track_levels):
            link(lower, upper)
    if ladder.trunk:
        for track_levels in (ladder.ic, ladder.manager):
            if track_levels:
                link(ladder.trunk[-1], track_levels[0])

    headings = []
    if splits:
        for track in (IC, MANAGER):
            if ladder.track(track):
                headings.append(Heading(CENTRES[track], 24, TRACK_LABELS[track]))
        if ladder.trunk:
            first_split = min(rows[level_key(lv)] for lv in [*ladder.ic, *ladder.manager])
            headings.append(
                Heading(
                    CENTRES[SHARED] - BOX_W // 2 - 12,
                    y_of(first_split - 1) + BOX_H // 2 + 5,
                    "Shared levels",
                    anchor="end",
                )
            )
    ordered = [boxes[level_key(lv)] for lv in ladder.ordered()]
    return LadderDiagram(
        name=name,
        width=WIDTH,
        height=top + max(count - 1, 0) * PITCH + BOX_H + BOTTOM,
        boxes=ordered,
        links=links,
        headings=headings,
        uid=uid,
        splits=splits,
        tracks=[(t, [boxes[level_key(lv)] for lv in lvs]) for t, lvs in ladder.tracks()],
    )
