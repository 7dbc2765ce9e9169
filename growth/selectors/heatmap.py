"""Team and organization views: a heatmap of gaps (competency × person, or × team, level
or job family) for one released cycle, and the organization's biggest gaps.

Gap = the cycle's expected rating ("meets") − the final rating; for a group, expected −
the mean of its people's final ratings. A constant number of queries whatever the number
of people (benchmarked at 2,000): the rows are sorted from sums done in SQL and paged in
memory, and a row's cells are built from its ratings only when a page shows it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, F, FloatField, Min, Q, Sum, Value
from django.db.models.functions import Round

from growth.selectors.report import RELEASED
from reviews.models import FinalRating, Participant, ReviewCycle, Scale
from reviews.selectors.ratings import as_rating, mean

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


WINDOW = 50  # rows whose cells are built together when one is first read (a page)


@dataclass
class HeatRow:
    key: str
    label: str
    detail: str  # family · level · manager, or how many people
    participant_public_id: str = ""
    participant_pk: int = field(default=0, repr=False, compare=False)
    index: int = field(default=0, repr=False, compare=False)
    built: list[Cell] | None = field(default=None, repr=False, compare=False)
    load: Callable[[HeatRow], None] | None = field(default=None, repr=False, compare=False)

    @property
    def cells(self) -> list[Cell]:
        """Built when first read, with the next rows of the page (`WINDOW`): a page shows
        50 rows of the thousands sorted, their ratings read in one query."""
        if self.built is None and self.load is not None:
            self.load(self)
        return self.built or []

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
    filler: Callable[[list[HeatRow]], None] | None = field(default=None, repr=False)

    def fill(self) -> None:
        """Build every row's cells at once (one query), for an export of every row."""
        if self.filler is not None:
            self.filler([r for r in self.rows if r.built is None])


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
    and `level_uid` filter, `group_by` is one of GROUPINGS. Three queries, and one more
    for the cells of a page of rows when they are first read: the final ratings are
    summed in SQL, not read one by one (8,000 at 2,000 people)."""
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
        key=lambda x: (x[1], x[0]),  # by code; two families' same code by uid, not by chance
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
    picked = parts
    if family_id is not None:
        picked = picked.filter(family_id=family_id)
    if level_uid:
        picked = picked.filter(level_uid=level_uid)
    if under_ids is not None:
        picked = picked.filter(person_id__in=list(under_ids))
    ratings = FinalRating.objects.filter(participant__in=picked.values("pk")).order_by()
    family_name = {f_id: name for f_id, name in families}

    def key_of(uid: str, name: str) -> str:
        return uid if by_uid else name.casefold()

    # one grouped query gives the columns (a competency's first position, and its name
    # there as the first participant rated on it names it) and the pooled figures of the
    # biggest gaps: a few rows per competency and job family, not one per rating
    cents = int(expected * 100)
    columns: dict[str, tuple[int, int, str, str]] = {}  # key -> (position, first, name, family)
    pooled: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    # one job family chosen: its name for every row, without joining each participant
    family_field = Value(family_id) if by_uid else F("participant__family_id")
    for uid, name, position, fam_id, first, total, rated, short in (
        ratings.annotate(family=family_field)
        .values_list("competency_uid", "competency_name", "position", "family")
        .annotate(
            first=Min("participant_id"),
            total=Sum(Round(F("final") * 100), output_field=FloatField()),
            rated=Count("final"),
            short=Count("final", filter=Q(final__lt=expected)),
        )
        .order_by()
    ):
        key = key_of(uid, name)
        family = family_name.get(fam_id, "") if fam_id else ""
        have = columns.get(key)
        if have is None or (position, first) < have[:2]:
            columns[key] = (position, first, name, family if by_uid else "")
        figures = pooled[(key, family)]
        figures[0] += round(total or 0)
        figures[1] += rated
        figures[2] += short
    cols = [
        Column(key=k, name=v[2], family=v[3])
        for k, v in sorted(columns.items(), key=lambda kv: (kv[1][0], kv[1][2].casefold()))
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

    def finals_of(part_ids: Iterable[int]) -> dict[int, dict[str, Decimal | None]]:
        found: dict[int, dict[str, Decimal | None]] = defaultdict(dict)
        ids = list(part_ids)
        for start in range(0, len(ids), 500):  # a page is one query (an export a few)
            for part_id, uid, name, final in (
                FinalRating.objects.filter(participant_id__in=ids[start : start + 500])
                .order_by("participant_id", "position", "id")
                .values_list("participant_id", "competency_uid", "competency_name", "final")
            ):
                found[part_id][key_of(uid, name)] = final
        return found

    def person_cells(rows: list[HeatRow]) -> None:
        finals = finals_of(r.participant_pk for r in rows)
        for r in rows:
            values = finals[r.participant_pk]
            r.built = [cell([values.get(c.key)]) for c in cols]

    def group_cells(rows: list[HeatRow]) -> None:
        finals = finals_of(m.pk for r in rows for m in members[r.key])
        for r in rows:
            r.built = [cell([finals[m.pk].get(c.key) for m in members[r.key]]) for c in cols]

    heat_rows: list[HeatRow] = []
    members: dict[str, list[Part]] = defaultdict(list)
    if group_by == "person":
        fill = person_cells
        # the sum of each person's shortfalls, in SQL (in hundredths: exact)
        shortfall = {
            part_id: Decimal(round(total)) / 100
            for part_id, total in ratings.filter(final__lt=expected)
            .values_list("participant_id")
            .annotate(total=Sum(Value(cents) - Round(F("final") * 100), output_field=FloatField()))
            .order_by()
        }
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
                    participant_public_id=p.public_id,
                    participant_pk=p.pk,
                )
            )
        heat_rows.sort(
            key=lambda r: (-shortfall.get(r.participant_pk, Decimal(0)), r.label.casefold())
        )
    else:
        fill = group_cells
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
            members[key].append(p)
        for key, group in members.items():
            n = len(group)
            heat_rows.append(
                HeatRow(
                    key=key,
                    label=labels[key],
                    detail=f"{n} {'person' if n == 1 else 'people'}",
                )
            )
        heat_rows.sort(key=lambda r: r.label.casefold())

    def load(row: HeatRow) -> None:
        fill([r for r in heat_rows[row.index : row.index + WINDOW] if r.built is None])

    for index, row in enumerate(heat_rows):
        row.index, row.load = index, load

    # the biggest gaps across everyone chosen, per competency (by family)
    by_name: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for (key, family), figures in pooled.items():
        merged = by_name[(columns[key][2], family)]
        for i, n in enumerate(figures):
            merged[i] += n
    big = []
    for (name, family), (total, rated, short) in by_name.items():
        if not rated:
            continue
        avg = as_rating(Decimal(total) / 100 / rated)
        big.append(
            BigGap(
                name=name,
                family=family,
                mean_final=avg,
                mean_gap=None if avg is None else expected - avg,
                rated=rated,
                short=short,
            )
        )
    big.sort(key=lambda b: (-(b.mean_gap or Decimal(-99)), -b.short, b.name, b.family))
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
        filler=fill,
    )
