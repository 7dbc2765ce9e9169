"""What the calibration session shows: people grouped by job family and level,
competency by competency, each proposed rating beside the manager's evidence and
comments; and each manager's rating distribution against everyone's. Constant queries."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import Count

from frameworks.models import EvidenceKind
from reviews.models import FinalRating, FormItem, Participant, ReviewCycle, ReviewForm, Scale
from reviews.selectors.ratings import CompetencyRatings, as_rating, competency_ratings

KINDS = dict(EvidenceKind.choices)


@dataclass
class GroupKey:
    family_id: int | None
    family: str
    level_uid: str
    level_code: str
    level_title: str
    people: int = 0

    @property
    def key(self) -> str:
        return f"{self.family_id or 0}:{self.level_uid}"


@dataclass
class Evidence:
    statement: str
    rating: int | None
    comment: str
    evidence: str
    kind: str


@dataclass
class Row:
    part: Participant
    ratings: CompetencyRatings
    final: FinalRating | None
    evidence: list[Evidence] = field(default_factory=list)
    summary: str = ""

    @property
    def has_evidence(self) -> bool:
        return any(e.evidence.strip() for e in self.evidence)


@dataclass
class CompetencySession:
    uid: str
    name: str
    category: str
    rows: list[Row]


@dataclass
class Distribution:
    manager: str
    total: int
    mean: Decimal | None
    difference: Decimal | None  # mean minus everyone's mean
    values: Counter[Decimal] = field(repr=False, compare=False)  # rating -> how many
    scale: Scale = field(repr=False, compare=False)

    @cached_property
    def counts(self) -> list[tuple[int, int, int]]:
        """(point, count, percent) for each point of the scale: worked out when shown (a
        page shows 10 of the 234 managers at 2,000 people, sorted by `difference`)."""
        counts: Counter[int] = Counter()
        for value, n in self.values.items():
            point = self.scale.point(value)  # halves up (2.5 → 3), as every other page
            if point is not None:
                counts[int(point["value"])] += n
        total = self.total
        return [
            (p, counts[p], round(100 * counts[p] / total) if total else 0)
            for p in self.scale.values
        ]


def groups(cycle: ReviewCycle) -> list[GroupKey]:
    """The cycle's job families and levels, with how many people each: counted in the
    database (a row per family, level and label, not per person)."""
    found: dict[tuple[int | None, str], GroupKey] = {}
    for fam_id, fam, uid, code, title, n in (
        Participant.objects.filter(cycle=cycle)
        .values_list("family_id", "family__name", "level_uid", "level_code", "level_title")
        .annotate(n=Count("pk"))
        .order_by("family__name", "level_code", "level_title")
    ):
        key = (fam_id, uid)
        if key not in found:
            found[key] = GroupKey(fam_id, fam or "No job family", uid, code, title)
        found[key].people += n
    return list(found.values())


SORTS = {
    "name": lambda r: r.part.person.name.casefold(),
    "proposed": lambda r: (r.ratings.proposed is None, r.ratings.proposed or 0),
    "final": lambda r: (
        r.final is None or r.final.final is None,
        (r.final.final if r.final else 0) or 0,
    ),
    "manager": lambda r: (r.part.manager.name if r.part.manager else "~").casefold(),
}


def session(cycle: ReviewCycle, group: GroupKey, sort: str = "name") -> list[CompetencySession]:
    parts = list(
        Participant.objects.filter(
            cycle=cycle, family_id=group.family_id, level_uid=group.level_uid
        ).select_related("person", "manager")
    )
    ids = [p.pk for p in parts]
    ratings = competency_ratings(cycle, ids)
    finals = {
        (f.participant_id, f.competency_uid): f
        for f in FinalRating.objects.filter(participant_id__in=ids)
    }
    evidence: dict[tuple[int, str], list[Evidence]] = defaultdict(list)
    summaries: dict[tuple[int, str], str] = {}
    manager_forms = ReviewForm.objects.filter(
        participant_id__in=ids, kind=ReviewForm.Kind.MANAGER, status=ReviewForm.Status.SUBMITTED
    )
    for form in manager_forms:
        for uid, text in (form.summaries or {}).items():
            summaries[(form.participant_id, uid)] = text
    # as values, not models: each item with its form built a form and parsed its summaries
    for part_id, comp_uid, text, rating, comment, said, kind in (
        FormItem.objects.filter(form__in=manager_forms, section="level", archived=False)
        .order_by("position")
        .values_list(
            "form__participant_id",
            "competency_uid",
            "text",
            "rating",
            "comment",
            "evidence",
            "evidence_kind",
        )
    ):
        evidence[(part_id, comp_uid)].append(
            Evidence(text, rating, comment, said, KINDS.get(kind, ""))
        )
    by_comp: dict[str, CompetencySession] = {}
    order: dict[str, int] = {}
    for part in parts:
        for c in ratings.get(part.pk, []):
            comp = by_comp.get(c.uid)
            if comp is None:
                comp = by_comp[c.uid] = CompetencySession(c.uid, c.name, c.category, [])
                order[c.uid] = c.position
            comp.rows.append(
                Row(
                    part=part,
                    ratings=c,
                    final=finals.get((part.pk, c.uid)),
                    evidence=evidence.get((part.pk, c.uid), []),
                    summary=summaries.get((part.pk, c.uid), ""),
                )
            )
    key = SORTS.get(sort, SORTS["name"])
    for comp in by_comp.values():
        comp.rows.sort(key=key)
    return sorted(by_comp.values(), key=lambda c: order[c.uid])


def weighted_mean(counts: Counter[Decimal]) -> Decimal | None:
    """`mean` of values given as value → how many times."""
    total = counts.total()
    return as_rating(sum(v * n for v, n in counts.items()) / total) if total else None


def distributions(cycle: ReviewCycle) -> tuple[Distribution, list[Distribution]]:
    """Everyone's proposed ratings by scale point, then each manager's (who rates
    leniently or harshly), from the manager reviews' competency ratings."""
    scale = Scale(cycle.scale)
    # counted in the database: a row per manager and rating, not per rating (24,000 at
    # 2,000 people)
    rows = (
        FinalRating.objects.filter(participant__cycle=cycle, proposed__isnull=False)
        .values("participant__manager_id", "participant__manager__name", "proposed")
        .annotate(n=Count("pk"))
        .values_list("participant__manager_id", "participant__manager__name", "proposed", "n")
    )
    # by manager, not by name: two managers who share a name are two distributions
    per: dict[int | None, Counter[Decimal]] = defaultdict(Counter)
    names: dict[int | None, str] = {}
    everyone: Counter[Decimal] = Counter()
    for manager_id, name, proposed, n in rows:
        if proposed is None:
            continue
        names[manager_id] = name or "No manager"
        per[manager_id][proposed] += n
        everyone[proposed] += n

    def build(name: str, values: Counter[Decimal], overall: Decimal | None) -> Distribution:
        avg = weighted_mean(values)
        return Distribution(
            manager=name,
            total=values.total(),
            mean=avg,
            difference=(avg - overall) if avg is not None and overall is not None else None,
            values=values,
            scale=scale,
        )

    overall = weighted_mean(everyone)
    return build("Everyone", everyone, overall), [
        build(names[key], values, overall)
        for key, values in sorted(per.items(), key=lambda kv: (names[kv[0]].casefold(), kv[0] or 0))
    ]
