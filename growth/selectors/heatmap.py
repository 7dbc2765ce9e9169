"""Team and organization views: a heatmap of gaps (competency × person, or × team, level
or job family) for one released cycle, and the organization's biggest gaps.

Gap = the cycle's expected rating ("meets") − the final rating; for a group, expected −
the mean of its people's final ratings. Built from two queries whatever the number of
people (benchmarked at 2,000), then paged in memory."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, partial
from typing import NamedTuple

from growth.selectors.report import RELEASED
from reviews.models import FinalRating, Participant, ReviewCycle, Scale
from reviews.selectors.ratings import mean

GROUPINGS = {
    "person": "Person",
    "team": "Team",
    "level": "Level",
    "family": "Job family",
}


def gap_band(gap: Decimal | None) -> str:
    """A band for colouring a cell (the number is always printed too)."""
    if gap is None:
        return "none"
    if gap >= 2:
        return "large"
    if gap >= 1:
        return "gap"
    if gap > 0:
        return "small"
    if gap <= Decimal("-0.5"):
        return "strength"
    return "met"


BANDS = [
    ("large", "Gap of 2 or more"),
    ("gap", "Gap of 1 to 2"),
    ("small", "Gap under 1"),
    ("met", "Meets the level"),
    ("strength", "Above the level by ½ or more"),
    ("none", "Not rated"),
]


@dataclass(frozen=True)
class Column:
    key: str  # the competency uid, or its name across families
    name: str
    family: str = ""


@dataclass
class Cell:
    gap: Decimal | None
    final: Decimal | None = None
    people: int = 0  # rated people behind a group's cell
    short: int = 0  # of whom below the expectation

    @property
    def band(self) -> str:
        return gap_band(self.gap)


@dataclass
class HeatRow:
    key: str
    label: str
    detail: str  # family · level · manager, or how many people
    build: Callable[[], list[Cell]] = field(repr=False, compare=False)
    participant_public_id: str = ""

    @cached_property
    def cells(self) -> list[Cell]:
        """Built when first read: a page shows 50 rows of the thousands sorted."""
        return self.build()

    @property
    def total_gap(self) -> Decimal:
        return sum((c.gap for c in self.cells if c.gap is not None and c.gap > 0), Decimal(0))

    @property
    def gap_count(self) -> int:
        return sum(1 for c in self.cells if c.gap is not None and c.gap > 0)


class Part(NamedTuple):
    """A participant as the heatmap needs them: read as plain values, not models."""

    pk: int
    public_id: str
    person_id: int
    name: str
    manager_id: int | None
    manager_name: str | None
    family_id: int | None
    family_name: str | None
    level_uid: str
    level_code: str
    level_title: str


@dataclass
class BigGap:
    name: str
    family: str
    mean_final: Decimal | None
    mean_gap: Decimal | None
    rated: int
    short: int

    @property
    def share_short(self) -> int:
        return round(100 * self.short / self.rated) if self.rated else 0


@dataclass
class Heatmap:
    cycle: ReviewCycle
    expected: Decimal
    group_by: str
    columns: list[Column]
    rows: list[HeatRow]
    biggest: list[BigGap]
    people: int
    families: list[tuple[int, str]] = field(default_factory=list)
    levels: list[tuple[str, str]] = field(default_factory=list)  # (uid, code)
    managers: list[tuple[int, str]] = field(default_factory=list)


def released_cycles() -> list[ReviewCycle]:
    return list(
        ReviewCycle.objects.filter(status__in=RELEASED).order_by("-released_at", "-created_at")
    )


def heatmap(
    cycle: ReviewCycle,
    *,
    visible: Iterable[int] | None = None,
    family_id: int | None = None,
    level_uid: str = "",
    under: Iterable[int] | None = None,
    group_by: str = "person",
    biggest: int = 10,
) -> Heatmap:
    """The gaps of a released cycle's participants. `visible` limits it to those person
    ids (a manager's reports; None for HR), `under` to a manager's people, `family_id`
    and `level_uid` filter, `group_by` is one of GROUPINGS. Three queries."""
    group_by = group_by if group_by in GROUPINGS else "person"
    scale = Scale(cycle.scale)
    expected = Decimal(scale.meets)
    parts = Participant.objects.filter(cycle=cycle)
    if visible is not None:
        parts = parts.filter(person_id__in=list(visible))
    all_parts = [
        Part(*row)
        for row in parts.order_by("person__name", "id").values_list(
            "pk",
            "public_id",
            "person_id",
            "person__name",
            "manager_id",
            "manager__name",
            "family_id",
            "family__name",
            "level_uid",
            "level_code",
            "level_title",
        )
    ]
    # the filter choices come from everyone visible, before filtering
    families = sorted(
        {(p.family_id, p.family_name or "") for p in all_parts if p.family_id},
        key=lambda f: f[1].casefold(),
    )
    levels = sorted(
        {
            (p.level_uid, p.level_code)
            for p in all_parts
            if p.level_uid and (family_id is None or p.family_id == family_id)
        },
        key=lambda x: x[1],
    )
    managers = sorted(
        {(p.manager_id, p.manager_name or "") for p in all_parts if p.manager_id},
        key=lambda m: m[1].casefold(),
    )
    under_ids = set(under) if under is not None else None
    chosen = [
        p
        for p in all_parts
        if (family_id is None or p.family_id == family_id)
        and (not level_uid or p.level_uid == level_uid)
        and (under_ids is None or p.person_id in under_ids)
    ]
    by_uid = family_id is not None
    finals: dict[int, dict[str, Decimal | None]] = defaultdict(dict)
    columns: dict[str, tuple[int, str, str]] = {}
    rows = FinalRating.objects.filter(participant__in=parts)
    if family_id is not None:
        rows = rows.filter(participant__family_id=family_id)
    if level_uid:
        rows = rows.filter(participant__level_uid=level_uid)
    family_of = {p.pk: p.family_name or "" for p in chosen}
    for part_id, uid, name, position, final in rows.values_list(
        "participant_id", "competency_uid", "competency_name", "position", "final"
    ):
        if part_id not in family_of:
            continue
        key = uid if by_uid else name.casefold()
        finals[part_id][key] = final
        have = columns.get(key)
        if have is None or position < have[0]:
            columns[key] = (position, name, family_of[part_id] if by_uid else "")
    cols = [
        Column(key=k, name=v[1], family=v[2])
        for k, v in sorted(columns.items(), key=lambda kv: (kv[1][0], kv[1][1].casefold()))
    ]

    def cell(values: list[Decimal | None]) -> Cell:
        rated = [v for v in values if v is not None]
        avg = mean(rated)
        return Cell(
            gap=None if avg is None else expected - avg,
            final=avg,
            people=len(rated),
            short=sum(1 for v in rated if v < expected),
        )

    def person_cells(values: dict[str, Decimal | None]) -> list[Cell]:
        return [cell([values.get(c.key)]) for c in cols]

    def group_cells(members: list[Part]) -> list[Cell]:
        return [cell([finals[m.pk].get(c.key) for m in members]) for c in cols]

    heat_rows: list[HeatRow] = []
    if group_by == "person":
        for p in chosen:
            heat_rows.append(
                HeatRow(
                    key=p.public_id,
                    label=p.name,
                    detail=" · ".join(
                        x
                        for x in (
                            p.family_name or "",
                            p.level_code,
                            p.manager_name or "",
                        )
                        if x
                    ),
                    build=partial(person_cells, finals[p.pk]),
                    participant_public_id=p.public_id,
                )
            )
        # the sum of a person's shortfalls, read from the ratings (not from built cells)
        shortfall = {
            p.public_id: sum(
                (
                    expected - v
                    for c in cols
                    if (v := finals[p.pk].get(c.key)) is not None and v < expected
                ),
                Decimal(0),
            )
            for p in chosen
        }
        heat_rows.sort(key=lambda r: (-shortfall[r.key], r.label.casefold()))
    else:
        groups: dict[str, list[Part]] = defaultdict(list)
        labels: dict[str, str] = {}
        for p in chosen:
            if group_by == "team":
                key = str(p.manager_id or 0)
                labels[key] = f"{p.manager_name}’s team" if p.manager_id else "No manager"
            elif group_by == "level":
                key = f"{p.family_id}:{p.level_code}"
                labels[key] = f"{p.level_code} {p.level_title}".strip()
                if not by_uid and p.family_id:
                    labels[key] += f" ({p.family_name})"
            else:
                key = str(p.family_id or 0)
                labels[key] = (p.family_name or "") if p.family_id else "No job family"
            groups[key].append(p)
        for key, members in groups.items():
            n = len(members)
            heat_rows.append(
                HeatRow(
                    key=key,
                    label=labels[key],
                    detail=f"{n} {'person' if n == 1 else 'people'}",
                    build=partial(group_cells, members),
                )
            )
        heat_rows.sort(key=lambda r: r.label.casefold())

    # the biggest gaps across everyone chosen, per competency (by family)
    pooled: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    for p in chosen:
        for key, final in finals[p.pk].items():
            col_name = columns[key][1]
            if final is not None:
                pooled[(col_name, family_of[p.pk])].append(final)
    big = []
    for (name, family), values in pooled.items():
        avg = mean(values)
        big.append(
            BigGap(
                name=name,
                family=family,
                mean_final=avg,
                mean_gap=None if avg is None else expected - avg,
                rated=len(values),
                short=sum(1 for v in values if v < expected),
            )
        )
    big.sort(key=lambda b: (-(b.mean_gap or Decimal(-99)), -b.short, b.name))
    return Heatmap(
        cycle=cycle,
        expected=expected,
        group_by=group_by,
        columns=cols,
        rows=heat_rows,
        biggest=[b for b in big if (b.mean_gap or 0) > 0 or b.short][:biggest],
        people=len(chosen),
        families=families,
        levels=levels,
        managers=managers,
    )
