"""The gap report of one person in one released cycle.

- Each competency's **final** rating beside the **expected** one (the cycle's scale
  "meets" point), with the self, manager and aggregated peer ratings (peers only at or
  above the cycle's anonymity threshold: `reviews.selectors.competency_ratings` decides,
  never this module). **Gap** = expected − final; positive is a shortfall. Largest gaps
  first; strengths (final above expected) called out.
- The statements behind each competency: the self and manager ratings, comments and
  evidence (never a single peer's answer).
- **Readiness** for each level one step up (both tracks at the split), by the
  organization's rule, with the figure and what is missing.
- The **operating level**: the highest level rated whose statements meet the same rule.
- The **trend** across the person's released cycles, and what happened to the plan since
  the previous one: gaps closed, items completed, carried over, dropped.

A constant number of queries, whatever the number of cycles or competencies.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from growth.models import ActionItem
from growth.selectors.rules import (
    Readiness,
    ReadinessRule,
    rule_for,
    settings_row,
    suggestion_count,
)
from people.models import Person
from reviews.models import FinalRating, FormItem, Participant, ReviewCycle, ReviewForm, Scale
from reviews.selectors import competency_ratings, statement_ratings

RELEASED = (ReviewCycle.Status.RELEASED, ReviewCycle.Status.CLOSED)
SUGGESTED_DAYS = 90


@dataclass
class Answer:
    rating: int | None
    comment: str = ""
    evidence: str = ""
    evidence_kind: str = ""


@dataclass
class StatementEvidence:
    uid: str
    text: str
    level_code: str
    self: Answer | None = None
    manager: Answer | None = None

    @property
    def lowest(self) -> int:
        """For picking the statement a suggestion is about: the manager's rating first."""
        for answer in (self.manager, self.self):
            if answer is not None and answer.rating is not None:
                return answer.rating
        return 99


@dataclass
class CompetencyGap:
    uid: str
    name: str
    category: str
    position: int
    expected: Decimal
    final: Decimal | None = None
    self: Decimal | None = None
    manager: Decimal | None = None
    peers: Decimal | None = None  # None below the cycle's anonymity threshold
    peer_count: int = 0
    adjusted: bool = False
    final_reason: str = ""
    statements: list[StatementEvidence] = field(default_factory=list)
    summaries: dict[str, str] = field(default_factory=dict)  # kind -> summary
    items: list[ActionItem] = field(default_factory=list)

    @property
    def gap(self) -> Decimal | None:
        return None if self.final is None else self.expected - self.final

    @property
    def kind(self) -> str:
        gap = self.gap
        if gap is None:
            return "unrated"
        if gap > 0:
            return "gap"
        return "strength" if gap < 0 else "met"

    @property
    def live_items(self) -> list[ActionItem]:
        return [i for i in self.items if i.is_live]


@dataclass
class CyclePoint:
    cycle_id: int
    public_id: str
    name: str
    date: dt.date | None
    expected: Decimal
    final: Decimal | None = None
    released_at: dt.datetime | None = None

    @property
    def gap(self) -> Decimal | None:
        return None if self.final is None else self.expected - self.final


@dataclass
class CompetencyTrend:
    uid: str
    name: str
    points: list[CyclePoint]
    items: list[ActionItem] = field(default_factory=list)

    @property
    def rated(self) -> list[CyclePoint]:
        return [p for p in self.points if p.final is not None]

    @property
    def change(self) -> Decimal | None:
        """Latest final rating minus the one before it (None with fewer than two)."""
        current, previous = self.points[-1:], self.points[-2:-1]
        if not current or not previous or current[0].final is None:
            return None
        if previous[0].final is None:
            return None
        return current[0].final - previous[0].final

    @property
    def direction(self) -> str:
        """'improved', 'declined', 'steady', or 'new' (nothing to compare with)."""
        change = self.change
        if change is None:
            return "new"
        return "improved" if change > 0 else "declined" if change < 0 else "steady"

    @property
    def before(self) -> Decimal | None:
        return self.points[-2].final if len(self.points) > 1 else None

    @property
    def now(self) -> Decimal | None:
        return self.points[-1].final if self.points else None

    @property
    def closed(self) -> bool:
        """A gap in the previous cycle that is gone in this one."""
        if len(self.points) < 2:
            return False
        before, now = self.points[-2].gap, self.points[-1].gap
        return before is not None and now is not None and before > 0 and now <= 0

    @property
    def still_open(self) -> bool:
        if len(self.points) < 2:
            return False
        before, now = self.points[-2].gap, self.points[-1].gap
        return before is not None and now is not None and before > 0 and now > 0

    @property
    def done_items(self) -> list[ActionItem]:
        return [i for i in self.items if i.status == ActionItem.Status.DONE]


@dataclass
class Operating:
    """The highest level rated whose statements meet the readiness rule."""

    level_code: str
    level_title: str
    check: Readiness | None
    title_code: str
    title: str

    @property
    def below(self) -> bool:
        return not self.level_code

    @property
    def differs(self) -> bool:
        return self.level_code != self.title_code


@dataclass
class Suggestion:
    competency_uid: str
    competency_name: str
    statement_uid: str
    statement_text: str
    gap: Decimal
    title: str
    milestone: str
    resource_kind: str
    resource: str
    due: dt.date

    @property
    def key(self) -> str:
        return f"{self.competency_uid}:{self.statement_uid}"


@dataclass
class GapReport:
    participant: Participant
    cycle: ReviewCycle
    person: Person
    scale: Scale
    rule: ReadinessRule
    competencies: list[CompetencyGap]
    readiness: list[Readiness]
    operating: Operating
    history: list[CyclePoint]  # the person's released cycles up to this one, oldest first
    trends: list[CompetencyTrend]
    since_previous: list[ActionItem]  # the plan between the previous cycle and this one
    suggestions: list[Suggestion]

    @property
    def expected(self) -> Decimal:
        return Decimal(self.scale.meets)

    @property
    def meets_label(self) -> str:
        return self.scale.label(self.scale.meets)

    @property
    def gaps(self) -> list[CompetencyGap]:
        return [c for c in self.competencies if c.kind == "gap"]

    @property
    def strengths(self) -> list[CompetencyGap]:
        return [c for c in self.competencies if c.kind == "strength"]

    @property
    def previous(self) -> CyclePoint | None:
        return self.history[-2] if len(self.history) > 1 else None

    @property
    def closed_gaps(self) -> list[CompetencyTrend]:
        return [t for t in self.trends if t.closed]

    @property
    def open_gaps_still(self) -> list[CompetencyTrend]:
        return [t for t in self.trends if t.still_open]

    @property
    def items_completed(self) -> list[ActionItem]:
        return [i for i in self.since_previous if i.status == ActionItem.Status.DONE]

    @property
    def items_carried(self) -> list[ActionItem]:
        return [i for i in self.since_previous if i.is_live]

    @property
    def items_dropped(self) -> list[ActionItem]:
        return [i for i in self.since_previous if i.status == ActionItem.Status.DROPPED]

    @property
    def has_peers(self) -> bool:
        return any(c.peers is not None for c in self.competencies)


# --- building it -------------------------------------------------------------------------------


def released_participations(person: Person) -> QuerySet[Participant]:
    """The person's participations in released (or closed) cycles, newest first."""
    return (
        Participant.objects.filter(person=person, cycle__status__in=RELEASED)
        .select_related("cycle", "person", "manager")
        .order_by("-cycle__released_at", "-cycle__created_at", "-id")
    )


def _cycle_date(cycle: ReviewCycle) -> dt.date | None:
    if cycle.period_end:
        return cycle.period_end
    stamp = cycle.released_at or cycle.created_at
    return stamp.date() if stamp else None


def _cycle_order(cycle: ReviewCycle) -> tuple:
    return (cycle.released_at or cycle.created_at, cycle.pk)


def _evidence(participant: Participant) -> tuple[dict[str, list[StatementEvidence]], dict]:
    """Statements at the person's level with the self and manager answers (2 queries)."""
    rows = (
        FormItem.objects.filter(
            form__participant=participant,
            form__status=ReviewForm.Status.SUBMITTED,
            form__kind__in=[ReviewForm.Kind.SELF, ReviewForm.Kind.MANAGER],
            section=FormItem.Section.LEVEL,
            archived=False,
        )
        .order_by("position", "id")
        .values_list(
            "form__kind",
            "statement_uid",
            "competency_uid",
            "text",
            "level_code",
            "rating",
            "comment",
            "evidence",
            "evidence_kind",
        )
    )
    by_comp: dict[str, dict[str, StatementEvidence]] = defaultdict(dict)
    for kind, uid, comp, text, code, rating, comment, evidence, ev_kind in rows:
        row = by_comp[comp].get(uid)
        if row is None:
            row = by_comp[comp][uid] = StatementEvidence(uid=uid, text=text, level_code=code)
        setattr(row, kind, Answer(rating, comment, evidence, ev_kind))
    summaries: dict[str, dict[str, str]] = defaultdict(dict)
    for kind, texts in ReviewForm.objects.filter(
        participant=participant,
        status=ReviewForm.Status.SUBMITTED,
        kind__in=[ReviewForm.Kind.SELF, ReviewForm.Kind.MANAGER],
    ).values_list("kind", "summaries"):
        for uid, text in (texts or {}).items():
            if text and str(text).strip():
                summaries[uid][kind] = str(text).strip()
    return {c: list(rows.values()) for c, rows in by_comp.items()}, summaries


def _history(
    person: Person, cycle: ReviewCycle
) -> tuple[list[CyclePoint], dict[str, dict[int, Decimal | None]]]:
    """The person's released cycles up to `cycle` and each competency's final rating in
    each (2 queries)."""
    cycles = [
        c
        for c in ReviewCycle.objects.filter(
            participants__person=person, status__in=RELEASED
        ).distinct()
        if _cycle_order(c) <= _cycle_order(cycle)
    ]
    cycles.sort(key=_cycle_order)
    history = [
        CyclePoint(
            cycle_id=c.pk,
            public_id=c.public_id,
            name=c.name,
            date=_cycle_date(c),
            expected=Decimal(Scale(c.scale).meets),
            released_at=c.released_at,
        )
        for c in cycles
    ]
    finals: dict[str, dict[int, Decimal | None]] = defaultdict(dict)
    for cycle_id, uid, final in FinalRating.objects.filter(
        participant__person=person, participant__cycle_id__in=[c.pk for c in cycles]
    ).values_list("participant__cycle_id", "competency_uid", "final"):
        finals[uid][cycle_id] = final
    return history, finals


_NEW_CLAUSE = re.compile(r",\s+(?:and\s+)?(?=[a-z]+s\b)|;\s+")


def short_title(text: str, limit: int = 90) -> str:
    """A statement's first clause, as an action item's title: "Ranks the backlog with a
    written method (RICE, …), shares the list, and explains the cut line" → "Ranks the
    backlog with a written method". Cut at a word boundary when still too long."""
    text = re.sub(r"\s*\([^)]*\)", "", " ".join(text.split())).strip()
    first = _NEW_CLAUSE.split(text, maxsplit=1)[0].rstrip(" .,;")
    if len(first) <= limit:
        return first
    cut = first[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;")
    return cut + "…"


def _suggest(competencies: list[CompetencyGap], how_many: int, today: dt.date) -> list[Suggestion]:
    """One suggested action item for each of the largest gaps that has no live item yet,
    worded from the statement behind the gap (the one rated lowest)."""
    found: list[Suggestion] = []
    for comp in competencies:
        if len(found) >= how_many:
            break
        if comp.kind != "gap" or comp.live_items:
            continue
        statement = min(comp.statements, key=lambda s: s.lowest, default=None)
        text = statement.text.strip() if statement else ""
        title = short_title(text) if text else f"Close the gap in {comp.name}"
        found.append(
            Suggestion(
                competency_uid=comp.uid,
                competency_name=comp.name,
                statement_uid=statement.uid if statement else "",
                statement_text=text,
                gap=comp.gap or Decimal(0),
                title=title[:200],
                milestone=(
                    "Two pieces of work your manager agrees show this consistently"
                    if text
                    else f"Your manager agrees {comp.name} meets the level"
                ),
                resource_kind=ActionItem.ResourceKind.STRETCH,
                resource="A piece of work, agreed with your manager, where you can show this",
                due=today + dt.timedelta(days=SUGGESTED_DAYS),
            )
        )
    return found


def gap_report(participant: Participant, *, today: dt.date | None = None) -> GapReport:
    """The gap report of `participant` (a released cycle). About ten queries, whatever
    the number of cycles, competencies or action items."""
    from django.utils import timezone

    cycle, person = participant.cycle, participant.person
    scale = Scale(cycle.scale)
    expected = Decimal(scale.meets)
    row = settings_row(cycle.organization)
    rule = rule_for(cycle.organization, scale, row=row)

    ratings = competency_ratings(cycle, [participant.pk]).get(participant.pk, [])
    evidence, summaries = _evidence(participant)
    items = list(
        ActionItem.objects.filter(person=person).select_related("owner").order_by("due", "id")
    )
    items_by_comp: dict[str, list[ActionItem]] = defaultdict(list)
    for item in items:
        items_by_comp[item.competency_uid].append(item)

    competencies = [
        CompetencyGap(
            uid=c.uid,
            name=c.name,
            category=c.category,
            position=c.position,
            expected=expected,
            final=c.final,
            self=c.self,
            manager=c.manager,
            peers=c.peers,
            peer_count=c.peer_count,
            adjusted=c.adjusted,
            final_reason=c.final_reason,
            statements=evidence.get(c.uid, []),
            summaries=summaries.get(c.uid, {}),
            items=items_by_comp.get(c.uid, []),
        )
        for c in ratings
    ]
    competencies.sort(key=lambda c: (c.gap is None, -(c.gap or Decimal(0)), c.position, c.name))

    # readiness and the operating level, from the statement ratings (self and manager)
    rated = statement_ratings(cycle, [participant.pk], section=None).get(participant.pk, [])
    readiness = [
        rule.check(
            [s for s in rated if s.section == FormItem.Section.NEXT and s.level_uid == nxt["uid"]],
            level_uid=nxt["uid"],
            level_code=nxt["code"],
            level_title=nxt["title"],
        )
        for nxt in participant.next_levels or []
    ]
    own = rule.check(
        [s for s in rated if s.section == FormItem.Section.LEVEL],
        level_uid=participant.level_uid,
        level_code=participant.level_code,
        level_title=participant.level_title,
    )
    ready = [r for r in readiness if r.ready]
    best = ready[0] if ready else (own if own.ready else None)
    operating = Operating(
        level_code=best.level_code if best else "",
        level_title=best.level_title if best else "",
        check=best or own,
        title_code=participant.level_code,
        title=participant.level_title,
    )

    history, finals = _history(person, cycle)
    trends = [
        CompetencyTrend(
            uid=c.uid,
            name=c.name,
            points=[
                CyclePoint(
                    cycle_id=h.cycle_id,
                    public_id=h.public_id,
                    name=h.name,
                    date=h.date,
                    expected=h.expected,
                    final=finals.get(c.uid, {}).get(h.cycle_id),
                )
                for h in history
            ],
            items=[
                i
                for i in items_by_comp.get(c.uid, [])
                if cycle.released_at is None or i.created_at <= cycle.released_at
            ],
        )
        for c in sorted(competencies, key=lambda c: (c.position, c.name))
    ]
    since_previous: list[ActionItem] = []
    if len(history) > 1:
        prev = history[-2]
        start, end = prev.released_at, cycle.released_at
        since_previous = [
            i
            for i in items
            if i.cycle_id == prev.cycle_id
            or (
                start is not None
                and i.created_at >= start
                and (end is None or i.created_at <= end)
                and i.cycle_id != cycle.pk
            )
        ]
    return GapReport(
        participant=participant,
        cycle=cycle,
        person=person,
        scale=scale,
        rule=rule,
        competencies=competencies,
        readiness=readiness,
        operating=operating,
        history=history,
        trends=trends,
        since_previous=since_previous,
        suggestions=_suggest(competencies, suggestion_count(row), today or timezone.localdate()),
    )
