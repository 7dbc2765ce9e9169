"""How far a cycle has got: completion by phase, job family, team and manager, and the
late forms. Aggregated in the database: a constant number of queries whatever the
number of people (the dashboard is benchmarked at 2,000 people)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from frameworks.models import JobFamily
from people.models import Person
from reviews.models import Phase, ReviewCycle, ReviewForm

PHASE_OF_KIND = {
    "self": Phase.SELF,
    "manager": Phase.MANAGER,
    "peer": Phase.PEER,
    "upward": Phase.PEER,
}
KINDS_OF_PHASE: dict[str, list[str]] = defaultdict(list)
for _kind, _phase in PHASE_OF_KIND.items():
    KINDS_OF_PHASE[_phase].append(_kind)


@dataclass
class Counts:
    total: int = 0
    submitted: int = 0
    in_progress: int = 0
    not_started: int = 0
    late: int = 0

    def add(self, status: str, n: int, late: bool) -> None:
        self.total += n
        setattr(self, status, getattr(self, status) + n)
        if late and status != ReviewForm.Status.SUBMITTED:
            self.late += n

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.total) if self.total else 0

    @property
    def open(self) -> int:
        return self.total - self.submitted


@dataclass
class Group:
    key: Any
    label: str
    counts: Counts = field(default_factory=Counts)


@dataclass
class Completion:
    overall: Counts
    by_phase: list[Group]
    by_family: list[Group]
    by_team: list[Group]
    by_manager: list[Group]
    late_forms: list[ReviewForm]
    late_total: int


def late_filter(cycle: ReviewCycle, today: dt.date) -> Q:
    """Unsubmitted forms whose phase deadline has passed."""
    q = Q(pk__in=[])
    for phase, kinds in KINDS_OF_PHASE.items():
        due = cycle.deadline(phase)
        if due is not None and due < today:
            q |= Q(kind__in=kinds)
    return q & ~Q(status=ReviewForm.Status.SUBMITTED)


def _is_late(cycle: ReviewCycle, kind: str, today: dt.date) -> bool:
    due = cycle.deadline(PHASE_OF_KIND[kind])
    return due is not None and due < today


def _grouped(qs: QuerySet[ReviewForm], key: str) -> list[tuple[Any, str, str, int]]:
    return [
        (row[key], row["kind"], row["status"], row["n"])
        for row in qs.values(key, "kind", "status").annotate(n=Count("pk")).order_by()
    ]


def completion(
    cycle: ReviewCycle,
    *,
    participant_ids: Iterable[int] | None = None,
    today: dt.date | None = None,
    late_limit: int = 100,
) -> Completion:
    """Completion of `cycle` (or of some participants: a manager's team view)."""
    today = today or timezone.localdate()
    forms = ReviewForm.objects.filter(cycle=cycle)
    if participant_ids is not None:
        forms = forms.filter(participant_id__in=list(participant_ids))
    # one row per job family, team, kind and status: the overall figures, the phases, the
    # families and the teams are all sums of these (a few hundred rows at 2,000 people)
    family_key, team_key = "participant__family_id", "participant__person__manager_id"
    rows = [
        (row[family_key], row[team_key], row["kind"], row["status"], row["n"])
        for row in forms.values(family_key, team_key, "kind", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ]
    reviewer_rows = _grouped(forms.filter(kind=ReviewForm.Kind.MANAGER), "reviewer_id")
    late_kinds = {kind: _is_late(cycle, kind, today) for kind in PHASE_OF_KIND}
    overall = Counts()
    phases = {p: Group(p, str(Phase(p).label)) for p in (Phase.SELF, Phase.PEER, Phase.MANAGER)}
    for _family, _team, kind, status, n in rows:
        late = late_kinds[kind]
        overall.add(status, n, late)
        phases[PHASE_OF_KIND[kind]].counts.add(status, n, late)

    def groups(keyed: Iterable[tuple[Any, str, str, int]], names: dict[Any, str]) -> list[Group]:
        found: dict[Any, Group] = {}
        for value, kind, status, n in keyed:
            group = found.setdefault(value, Group(value, names.get(value, "No one")))
            group.counts.add(status, n, late_kinds[kind])
        return sorted(found.values(), key=lambda g: (-g.counts.late, g.label.casefold()))

    families = dict(
        JobFamily.objects.filter(pk__in={r[0] for r in rows if r[0]}).values_list("pk", "name")
    )
    by_family = groups(((r[0], r[2], r[3], r[4]) for r in rows), families)
    manager_ids = {r[1] for r in rows} | {r[0] for r in reviewer_rows}
    names = dict(Person.objects.filter(pk__in=manager_ids - {None}).values_list("pk", "name"))
    by_team = groups(
        ((r[1], r[2], r[3], r[4]) for r in rows), {k: f"{v}’s team" for k, v in names.items()}
    )
    by_manager = groups(reviewer_rows, names)
    late_qs = forms.filter(late_filter(cycle, today))
    late_forms = list(
        late_qs.select_related("reviewer", "participant__person").order_by(
            "kind", "reviewer__name"
        )[:late_limit]
    )
    return Completion(
        overall=overall,
        by_phase=[
            phases[p] for p in (Phase.SELF, Phase.PEER, Phase.MANAGER) if phases[p].counts.total
        ],
        by_family=by_family,
        by_team=by_team,
        by_manager=by_manager,
        late_forms=late_forms,
        late_total=overall.late,
    )
