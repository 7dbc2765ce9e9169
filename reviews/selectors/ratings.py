"""Ratings a cycle produced, in bulk (a constant number of queries in the number of
people). Used by calibration, the results page, gap reports, readiness and the API.

- A competency's rating on a form is the mean of that form's statement ratings at the
  person's level (the "level" section; next-level statements do not count), over the
  statements rated, archived ones excluded.
- Only submitted forms count.
- The manager's rating is the proposed final rating.
- Peer (and upward) ratings are only ever given aggregated — the mean of each peer's
  competency rating — and only when at least the cycle's threshold of peers (never fewer
  than 3) rated the competency; otherwise `None`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Min

from reviews.models import FinalRating, FormItem, Participant, ReviewCycle, ReviewForm

TWO = Decimal("0.01")


def as_rating(value: float | Decimal | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(TWO, rounding=ROUND_HALF_UP)


def mean(values: Iterable[Decimal]) -> Decimal | None:
    values = list(values)
    if not values:
        return None
    return as_rating(sum(values) / len(values))


@dataclass
class CompetencyRatings:
    uid: str
    name: str
    category: str = ""
    position: int = 0
    self: Decimal | None = None
    manager: Decimal | None = None
    peers: Decimal | None = None  # None below the anonymity threshold
    peer_count: int = 0  # how many peers rated it (shown only as a count)
    upward: Decimal | None = None
    proposed: Decimal | None = None
    final: Decimal | None = None
    final_reason: str = ""

    @property
    def adjusted(self) -> bool:
        return self.final is not None and self.final != self.proposed


def form_competency_means(form_ids: Iterable[int]) -> dict[int, dict[str, dict]]:
    """{form id: {competency uid: {mean, rated, name, category, position}}} — one query."""
    out: dict[int, dict[str, dict]] = defaultdict(dict)
    rows = (
        FormItem.objects.filter(
            form_id__in=list(form_ids), section=FormItem.Section.LEVEL, archived=False
        )
        .values("form_id", "competency_uid", "competency_name", "category_name")
        .annotate(avg=Avg("rating"), rated=Count("rating"), pos=Min("position"))
    )
    for row in rows:
        out[row["form_id"]][row["competency_uid"]] = {
            "mean": as_rating(row["avg"]),
            "rated": row["rated"],
            "name": row["competency_name"],
            "category": row["category_name"],
            "position": row["pos"],
        }
    return out


def competency_ratings(
    cycle: ReviewCycle, participant_ids: Iterable[int] | None = None
) -> dict[int, list[CompetencyRatings]]:
    """Per participant, each competency's self, manager, aggregated peer, upward, proposed
    and final rating, in the ladder's order. Three queries."""
    forms = ReviewForm.objects.filter(cycle=cycle, status=ReviewForm.Status.SUBMITTED)
    finals = FinalRating.objects.filter(participant__cycle=cycle)
    if participant_ids is not None:
        ids = list(participant_ids)
        forms = forms.filter(participant_id__in=ids)
        finals = finals.filter(participant_id__in=ids)
    form_rows = list(forms.values_list("pk", "participant_id", "kind"))
    means = form_competency_means(pk for pk, _, _ in form_rows)
    threshold = max(cycle.peer_threshold, 3)
    result: dict[int, dict[str, CompetencyRatings]] = defaultdict(dict)
    anonymous: dict[tuple[int, str, str], list[Decimal]] = defaultdict(list)

    def entry(part_id: int, uid: str, info: dict) -> CompetencyRatings:
        found = result[part_id].get(uid)
        if found is None:
            found = result[part_id][uid] = CompetencyRatings(
                uid=uid, name=info["name"], category=info["category"], position=info["position"]
            )
        return found

    # self and manager forms first: they set the competency order of the person's level
    for pk, part_id, kind in sorted(form_rows, key=lambda r: r[2] not in ("self", "manager")):
        for uid, info in means.get(pk, {}).items():
            item = entry(part_id, uid, info)
            if info["mean"] is None:
                continue
            if kind == ReviewForm.Kind.SELF:
                item.self = info["mean"]
            elif kind == ReviewForm.Kind.MANAGER:
                item.manager = item.proposed = info["mean"]
            else:
                anonymous[(part_id, uid, kind)].append(info["mean"])
    for (part_id, uid, kind), values in anonymous.items():
        item = result[part_id][uid]
        shown = mean(values) if len(values) >= threshold else None
        if kind == ReviewForm.Kind.PEER:
            item.peers, item.peer_count = shown, len(values)
        else:
            item.upward = shown
    for fr in finals:
        found = result[fr.participant_id].get(fr.competency_uid)
        if found is None:
            found = result[fr.participant_id][fr.competency_uid] = CompetencyRatings(
                uid=fr.competency_uid,
                name=fr.competency_name,
                category=fr.category_name,
                position=fr.position,
            )
        found.proposed, found.final, found.final_reason = fr.proposed, fr.final, fr.reason
    return {
        part_id: sorted(by_uid.values(), key=lambda c: (c.position, c.name))
        for part_id, by_uid in result.items()
    }


@dataclass
class StatementRatings:
    uid: str
    competency_uid: str
    competency_name: str
    level_uid: str
    level_code: str
    section: str
    text: str
    ratings: dict[str, int | None] = field(default_factory=dict)  # kind -> rating


def statement_ratings(
    cycle: ReviewCycle,
    participant_ids: Iterable[int] | None = None,
    *,
    section: str | None = FormItem.Section.NEXT,
    kinds: tuple[str, ...] = (ReviewForm.Kind.MANAGER, ReviewForm.Kind.SELF),
) -> dict[int, list[StatementRatings]]:
    """Per participant, each statement's rating on their submitted self and manager
    forms (by default the next level's statements: readiness). Never peers'. One query."""
    kinds = tuple(k for k in kinds if k in (ReviewForm.Kind.MANAGER, ReviewForm.Kind.SELF))
    items = FormItem.objects.filter(
        form__cycle=cycle,
        form__status=ReviewForm.Status.SUBMITTED,
        form__kind__in=kinds,
        archived=False,
    )
    if section is not None:
        items = items.filter(section=section)
    if participant_ids is not None:
        items = items.filter(form__participant_id__in=list(participant_ids))
    out: dict[int, dict[str, StatementRatings]] = defaultdict(dict)
    for it, part_id, kind in (
        (it, it.form.participant_id, it.form.kind)
        for it in items.select_related("form").order_by("position", "id")
    ):
        row = out[part_id].get(it.statement_uid)
        if row is None:
            row = out[part_id][it.statement_uid] = StatementRatings(
                uid=it.statement_uid,
                competency_uid=it.competency_uid,
                competency_name=it.competency_name,
                level_uid=it.level_uid,
                level_code=it.level_code,
                section=it.section,
                text=it.text,
            )
        row.ratings[kind] = it.rating
    return {pid: list(rows.values()) for pid, rows in out.items()}


def participants_of(cycle: ReviewCycle) -> list[Participant]:
    return list(
        Participant.objects.filter(cycle=cycle)
        .select_related("person", "manager", "family")
        .order_by("person__name")
    )
