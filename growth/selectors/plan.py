"""Reading development plans: a person's items, their history, what a review form shows
per competency, and the competencies and statements an item can target."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from growth.models import ActionItem, ActionItemEvent, CareerConversation
from people.models import Person
from reviews import framework_adapter as fw
from reviews.models import FinalRating

LIVE = ActionItem.LIVE


@dataclass
class Plan:
    person: Person
    items: list[ActionItem]
    today: dt.date
    next_follow_up: dt.date | None = None
    statuses = ActionItem.Status.choices

    @property
    def live(self) -> list[ActionItem]:
        """Overdue first, then by due date (undated last)."""
        return sorted(
            (i for i in self.items if i.is_live),
            key=lambda i: (not i.is_overdue(self.today), i.due is None, i.due or self.today),
        )

    @property
    def done(self) -> list[ActionItem]:
        return sorted(
            (i for i in self.items if i.status == ActionItem.Status.DONE),
            key=lambda i: i.completed_at or i.updated_at,
            reverse=True,
        )

    @property
    def dropped(self) -> list[ActionItem]:
        return [i for i in self.items if i.status == ActionItem.Status.DROPPED]

    @property
    def overdue(self) -> list[ActionItem]:
        return [i for i in self.items if i.is_overdue(self.today)]


def plan_for(person: Person, *, today: dt.date | None = None) -> Plan:
    """The person's development plan (2 queries)."""
    items = list(
        ActionItem.objects.filter(person=person).select_related("owner").order_by("due", "id")
    )
    follow_up = (
        CareerConversation.objects.filter(person=person, next_follow_up__isnull=False)
        .order_by("-held_on", "-id")
        .values_list("next_follow_up", flat=True)
        .first()
    )
    return Plan(
        person=person, items=items, today=today or timezone.localdate(), next_follow_up=follow_up
    )


def item_history(item: ActionItem) -> list[ActionItemEvent]:
    return list(ActionItemEvent.objects.filter(item=item).order_by("at", "id"))


@dataclass
class CompetencyItems:
    live: list[ActionItem] = field(default_factory=list)
    done: list[ActionItem] = field(default_factory=list)


def items_by_competency(person_ids: Iterable[int]) -> dict[int, dict[str, CompetencyItems]]:
    """Per person, per competency uid: the open and the completed action items (what a
    review form shows beside each competency). One query."""
    found: dict[int, dict[str, CompetencyItems]] = defaultdict(lambda: defaultdict(CompetencyItems))
    for item in ActionItem.objects.filter(
        person_id__in=list(person_ids),
        status__in=[*LIVE, ActionItem.Status.DONE],
    ).order_by("due", "id"):
        bucket = found[item.person_id][item.competency_uid]
        (bucket.live if item.is_live else bucket.done).append(item)
    return {pk: dict(v) for pk, v in found.items()}


# --- what an item can target -------------------------------------------------------------------


@dataclass
class StatementChoice:
    uid: str
    text: str
    level_code: str


@dataclass
class CompetencyChoice:
    uid: str
    name: str
    statements: list[StatementChoice] = field(default_factory=list)


def targets_for(person: Person) -> list[CompetencyChoice]:
    """The competencies of the person's ladder (its latest published version) with the
    statements of their level and of the level(s) one step up; competencies they were
    rated on in earlier cycles are kept too. A constant number of queries."""
    choices: dict[str, CompetencyChoice] = {}
    place = fw.level_of(person)
    versions = fw.current_versions([place.family_id] if place.family_id else [])
    version = versions.get(place.family_id) if place.family_id else None
    if version is not None:
        content = fw.load_contents([version])[version.pk]
        rows = content.expected_statements(place.level_uid) if place.level_uid else []
        for nxt in content.next_levels(place.level_uid) if place.level_uid else []:
            rows += content.own_statements(nxt.uid)
        for comp in content.competencies:
            choices[comp.uid] = CompetencyChoice(comp.uid, comp.name)
        for row in rows:
            choices[row.competency_uid].statements.append(
                StatementChoice(row.uid, row.text, row.level_code)
            )
    for uid, name in (
        FinalRating.objects.filter(participant__person=person)
        .values_list("competency_uid", "competency_name")
        .distinct()
    ):
        choices.setdefault(uid, CompetencyChoice(uid, name))
    return list(choices.values())
