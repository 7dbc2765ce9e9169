"""Team and organization views: a heatmap of gaps (competency × person, or × team, level
or job family) for one released cycle, and the organization's biggest gaps.

Gap = the cycle's expected rating ("meets") − the final rating; for a group, expected −
the mean of its people's final ratings. Built from two queries whatever the number of
people (benchmarked at 2,000), then paged in memory."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from growth.selectors.report import RELEASED
from people.models import Person
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
    cells: list[Cell]
    person: Person | None = None
    participant_public_id: str = ""

    @property
    def total_gap(self) -> Decimal:
        return sum((c.gap for c in self.cells if c.gap is not None and c.gap > 0), Decimal(0))

    @property
    def gap_count(self) -> int:
        return sum(1 for c in self.cells if c.gap is not None and c.gap > 0)


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
    all_parts = list(
        parts.select_related("person", "manager", "family").order_by("person__name", "id")
    )
    # the filter choices come from everyone visible, before filtering
    families = sorted(
        {(p.family_id, p.family.name) for p in all_parts if p.family_id and p.family},
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
        {(p.manager_id, p.manager.name) for p in all_parts if p.manager_id and p.manager},
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
    family_of = {p.pk: (p.family.name if p.family else "") for p in chosen}
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

    heat_rows: list[HeatRow] = []
    if group_by == "person":
        for p in chosen:
            heat_rows.append(
                HeatRow(
                    key=p.public_id,
                    label=p.person.name,
                    detail=" · ".join(
                        x
                        for x in (
                            p.family.name if p.family else "",
                            p.level_code,
                            p.manager.name if p.manager else "",
                        )
                        if x
                    ),
                    cells=[cell([finals[p.pk].get(c.key)]) for c in cols],
                    person=p.person,
                    participant_public_id=p.public_id,
                )
            )
        heat_rows.sort(key=lambda r: (-r.total_gap, r.label.casefold()))
    else:
        groups: dict[str, list[Participant]] = defaultdict(list)
        labels: dict[str, str] = {}
        for p in chosen:
            if group_by == "team":
                key = str(p.manager_id or 0)
                labels[key] = f"{p.manager.name}’s team" if p.manager else "No manager"
            elif group_by == "level":
                key = f"{p.family_id}:{p.level_code}"
                labels[key] = f"{p.level_code} {p.level_title}".strip()
                if not by_uid and p.family:
                    labels[key] += f" ({p.family.name})"
            else:
                key = str(p.family_id or 0)
                labels[key] = p.family.name if p.family else "No job family"
            groups[key].append(p)
        for key, members in groups.items():
            n = len(members)
            heat_rows.append(
                HeatRow(
                    key=key,
                    label=labels[key],
                    detail=f"{n} {'person' if n == 1 else 'people'}",
                    cells=[cell([finals[m.pk].get(c.key) for m in members]) for c in cols],
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
