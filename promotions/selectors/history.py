"""A person's rating history: each competency's final rating in each of their released
review cycles (calibrated, as released). One query for any number of people."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from growth.selectors import RELEASED
from reviews.models import FinalRating


@dataclass(frozen=True)
class CycleColumn:
    public_id: str
    name: str
    released: dt.date | None


@dataclass
class HistoryRow:
    uid: str
    name: str
    finals: list[Decimal | None]

    @property
    def latest(self) -> Decimal | None:
        return next((f for f in reversed(self.finals) if f is not None), None)


@dataclass
class RatingHistory:
    cycles: list[CycleColumn] = field(default_factory=list)
    rows: list[HistoryRow] = field(default_factory=list)

    @property
    def latest_mean(self) -> Decimal | None:
        """The mean final rating of the latest cycle (two decimals)."""
        if not self.cycles:
            return None
        values = [r.finals[-1] for r in self.rows if r.finals[-1] is not None]
        if not values:
            return None
        return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"))

    def as_lines(self) -> list[str]:
        """One line per cycle, for the audit log: "2026 mid-year: Delivery 3.50 · …"."""
        lines = []
        for n, cycle in enumerate(self.cycles):
            parts = [f"{r.name} {r.finals[n]}" for r in self.rows if r.finals[n] is not None]
            lines.append(f"{cycle.name}: " + (" · ".join(parts) or "no final ratings"))
        return lines


def rating_histories(person_ids: Iterable[int]) -> dict[int, RatingHistory]:
    """Per person, their final ratings in their released cycles, oldest cycle first."""
    rows = (
        FinalRating.objects.filter(
            participant__person_id__in=list(person_ids), participant__cycle__status__in=RELEASED
        )
        .order_by("participant__cycle__released_at", "participant__cycle_id", "position", "id")
        .values_list(
            "participant__person_id",
            "participant__cycle__public_id",
            "participant__cycle__name",
            "participant__cycle__released_at",
            "competency_uid",
            "competency_name",
            "final",
        )
    )
    cycles: dict[int, dict[str, CycleColumn]] = defaultdict(dict)
    finals: dict[int, dict[str, dict[str, Decimal | None]]] = defaultdict(lambda: defaultdict(dict))
    names: dict[int, dict[str, str]] = defaultdict(dict)
    for person_id, cycle_id, cycle_name, released, uid, name, final in rows:
        cycles[person_id].setdefault(
            cycle_id, CycleColumn(cycle_id, cycle_name, released.date() if released else None)
        )
        finals[person_id][uid][cycle_id] = final
        names[person_id].setdefault(uid, name)
    out = {}
    for person_id, columns in cycles.items():
        order = list(columns.values())
        out[person_id] = RatingHistory(
            cycles=order,
            rows=[
                HistoryRow(uid, names[person_id][uid], [by.get(c.public_id) for c in order])
                for uid, by in finals[person_id].items()
            ],
        )
    return out


def rating_history(person_id: int) -> RatingHistory:
    return rating_histories([person_id]).get(person_id, RatingHistory())
