"""Who is ready for a level one step up, by the organization's readiness rule.

The rule is growth's (`growth.selectors.rule_for` / `ReadinessRule.check`): never a
second copy. It is applied exactly as the gap report applies it — to the next level's
statements as the person's latest released review cycle rated them — so the readiness
list, the gap report and a promotion case show the same figure.

Targets, for someone on a ladder:
- the level(s) one step up on their track (`frameworks.ladder`): both the IC and the
  Manager level from the top of the trunk;
- above the split, moving between IC and Manager: the other track's first level above
  their rank. A cycle rates only the levels one step up on the person's own track, so a
  track change usually reads "Not rated in this cycle" until a cycle rates it.

A constant number of queries whatever the number of people (one more per distinct
review cycle in which the people were last reviewed).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from frameworks.ladder import IC, MANAGER, Ladder
from growth.selectors import RELEASED, Readiness, ReadinessRule, rule_for
from growth.selectors.rules import settings_row
from organizations.models import Organization
from people.models import Person
from promotions.models import PromotionCase
from reviews import framework_adapter as fw
from reviews.models import FormItem, Participant, ReviewCycle, ReviewForm, Scale
from reviews.selectors import StatementRatings, statement_ratings

OTHER_TRACK = {IC: MANAGER, MANAGER: IC}


@dataclass
class Note:
    """What a reviewer wrote beside a next-level statement."""

    kind: str  # "manager" or "self"
    rating: int | None
    comment: str
    evidence: str

    @property
    def who(self) -> str:
        return "Manager" if self.kind == ReviewForm.Kind.MANAGER else "Self-review"


@dataclass
class Target:
    level_uid: str
    level_code: str
    level_title: str
    track: str
    changes_track: bool
    readiness: Readiness

    @property
    def label(self) -> str:
        return f"{self.level_code} {self.level_title}".strip()

    @property
    def ready(self) -> bool:
        return self.readiness.ready


@dataclass
class Candidate:
    person: Person
    family_id: int
    family_name: str
    level_uid: str
    level_code: str
    level_title: str
    track: str
    cycle: ReviewCycle | None
    participant: Participant | None
    rule: ReadinessRule
    targets: list[Target] = field(default_factory=list)
    notes: dict[str, list[Note]] = field(default_factory=dict)  # statement uid -> notes
    open_case: PromotionCase | None = None

    @property
    def ready_targets(self) -> list[Target]:
        return [t for t in self.targets if t.ready]

    @property
    def ready(self) -> bool:
        return bool(self.ready_targets)

    @property
    def assessed(self) -> bool:
        return any(t.readiness.assessed for t in self.targets)

    @property
    def best(self) -> Target | None:
        ranked = sorted(
            self.targets,
            key=lambda t: (not t.ready, not t.readiness.assessed, -t.readiness.exact_percent),
        )
        return ranked[0] if ranked else None

    @property
    def level_label(self) -> str:
        return f"{self.level_code} {self.level_title}".strip()

    def target(self, level_uid: str) -> Target | None:
        return next((t for t in self.targets if t.level_uid == level_uid), None)


@dataclass
class Option:
    value: str
    label: str


@dataclass
class ReadinessList:
    candidates: list[Candidate]
    families: list[Option]
    levels: list[Option]
    managers: list[Option]
    rule_words: str
    shown_everyone: bool
    total_people: int

    @property
    def ready_count(self) -> int:
        return sum(1 for c in self.candidates if c.ready)


def _latest_participations(people: list[Person]) -> dict[int, Participant]:
    """Each person's participation in their latest released cycle (one query)."""
    found: dict[int, Participant] = {}
    rows = (
        Participant.objects.filter(person__in=people, cycle__status__in=RELEASED)
        .select_related("cycle")
        .order_by("-cycle__released_at", "-cycle__created_at", "-id")
    )
    for part in rows:
        found.setdefault(part.person_id, part)
    return found


def _notes(participants: Iterable[Participant]) -> dict[int, dict[str, list[Note]]]:
    """Comments and evidence beside next-level statements, per participant (one query)."""
    found: dict[int, dict[str, list[Note]]] = defaultdict(lambda: defaultdict(list))
    rows = (
        FormItem.objects.filter(
            form__participant__in=list(participants),
            form__status=ReviewForm.Status.SUBMITTED,
            form__kind__in=[ReviewForm.Kind.MANAGER, ReviewForm.Kind.SELF],
            section=FormItem.Section.NEXT,
            archived=False,
        )
        .order_by("form__kind", "position", "id")
        .values_list(
            "form__participant_id", "form__kind", "statement_uid", "rating", "comment", "evidence"
        )
    )
    for part_id, kind, uid, rating, comment, evidence in rows:
        if (comment or "").strip() or (evidence or "").strip():
            found[part_id][uid].append(Note(kind, rating, comment.strip(), evidence.strip()))
    return {pk: dict(v) for pk, v in found.items()}


def _targets(
    content: fw.VersionContent,
    level_uid: str,
    part: Participant | None,
    rated: list[StatementRatings],
    rule: ReadinessRule,
) -> list[Target]:
    level = content.level(level_uid)
    if level is None:
        return []
    ladder = Ladder.from_levels(content.levels)
    ups = list(ladder.next_levels(level))
    if level.track in OTHER_TRACK:
        ups += [lv for lv in ladder.track(OTHER_TRACK[level.track]) if lv.rank > level.rank][:1]
    pinned = {n["uid"] for n in (part.next_levels if part else []) or []}
    by_uid = {s.uid: s for s in rated}
    targets = []
    for up in ups:
        # exactly as the gap report: the next level's statements the cycle rated ...
        statements = [
            s for s in rated if s.section == FormItem.Section.NEXT and s.level_uid == up.uid
        ]
        if up.uid not in pinned or not statements:
            # ... or, for a level the cycle did not rate, its statements, unrated
            statements = [
                by_uid.get(row.uid)
                or StatementRatings(
                    uid=row.uid,
                    competency_uid=row.competency_uid,
                    competency_name=row.competency_name,
                    level_uid=up.uid,
                    level_code=up.code,
                    section=FormItem.Section.NEXT,
                    text=row.text,
                )
                for row in content.own_statements(up.uid)
            ]
        targets.append(
            Target(
                level_uid=up.uid,
                level_code=up.code,
                level_title=up.title,
                track=up.track,
                changes_track=level.track in OTHER_TRACK and up.track != level.track,
                readiness=rule.check(
                    statements, level_uid=up.uid, level_code=up.code, level_title=up.title
                ),
            )
        )
    return targets


def candidates_for(org: Organization, people: list[Person]) -> list[Candidate]:
    """Readiness of each of `people` who is on a ladder (a constant number of queries,
    plus one per distinct latest review cycle)."""
    places = fw.placements(people)
    versions = fw.current_versions({p.family_id for p in places.values() if p.family_id})
    contents = fw.load_contents(versions.values())
    latest = _latest_participations(people)
    row = settings_row(org)
    by_cycle: dict[int, list[Participant]] = defaultdict(list)
    for latest_part in latest.values():
        by_cycle[latest_part.cycle_id].append(latest_part)
    rated: dict[int, list[StatementRatings]] = {}
    for parts in by_cycle.values():
        rated.update(statement_ratings(parts[0].cycle, [p.pk for p in parts], section=None))
    rules: dict[int, ReadinessRule] = {}
    notes = _notes(latest.values())
    open_cases = {
        c.person_id: c
        for c in PromotionCase.objects.filter(person__in=people, status__in=PromotionCase.OPEN)
    }
    found = []
    for person in people:
        place = places[person.pk]
        version = versions.get(place.family_id or 0)
        if version is None or not place.level_uid:
            continue
        content = contents[version.pk]
        level = content.level(place.level_uid)
        if level is None:
            continue
        part: Participant | None = latest.get(person.pk)
        if part is not None and part.level_uid != place.level_uid:
            part = None  # reviewed on another level: that cycle says nothing about this one
        cycle = part.cycle if part else None
        key = cycle.pk if cycle else 0
        if key not in rules:
            rules[key] = rule_for(org, Scale(cycle.scale) if cycle else None, row=row)
        rule = rules[key]
        found.append(
            Candidate(
                person=person,
                family_id=version.family_id,
                family_name=version.family.name,
                level_uid=level.uid,
                level_code=level.code,
                level_title=level.title,
                track=level.track,
                cycle=cycle,
                participant=part,
                rule=rule,
                targets=_targets(
                    content, level.uid, part, rated.get(part.pk, []) if part else [], rule
                ),
                notes=notes.get(part.pk, {}) if part else {},
                open_case=open_cases.get(person.pk),
            )
        )
    return found


def candidate_for(person: Person) -> Candidate | None:
    found = candidates_for(person.organization, [person])
    return found[0] if found else None


def _visible_people(viewer: object) -> list[Person]:
    from promotions.access import Viewer

    assert isinstance(viewer, Viewer)
    people = Person.objects.filter(is_active=True).select_related("manager", "job_family")
    if not viewer.is_admin:
        people = people.filter(pk__in=viewer.reports)
    if viewer.pk is not None:
        people = people.exclude(pk=viewer.pk)
    return list(people.order_by("name", "id"))


def readiness_list(
    org: Organization,
    viewer: object,
    *,
    family: str = "",
    level: str = "",
    manager: str = "",
    everyone: bool = False,
) -> ReadinessList:
    """The readiness list a viewer sees (HR: everyone; a manager: the people below
    them), filtered by family (public id), level (code) and manager (public id); only
    the people who are ready unless `everyone`."""
    people = _visible_people(viewer)
    places = fw.placements(people)
    placed = [p for p in people if places[p.pk].level_uid]
    families = {p.job_family.public_id: p.job_family.name for p in placed if p.job_family}
    managers = {p.manager.public_id: p.manager.name for p in placed if p.manager}
    wanted = [
        p
        for p in placed
        if (not family or (p.job_family and p.job_family.public_id == family))
        and (not manager or (p.manager and p.manager.public_id == manager))
    ]
    candidates = candidates_for(org, wanted)
    codes = sorted({c.level_code for c in candidates})
    if level:
        candidates = [c for c in candidates if c.level_code == level]
    if not everyone:
        candidates = [c for c in candidates if c.ready]
    candidates.sort(
        key=lambda c: (
            not c.ready,
            not c.assessed,
            -(c.best.readiness.exact_percent if c.best else 0),
            c.person.name,
        )
    )
    rule = candidates[0].rule if candidates else rule_for(org, None)
    return ReadinessList(
        candidates=candidates,
        families=[Option(k, v) for k, v in sorted(families.items(), key=lambda kv: kv[1])],
        levels=[Option(c, c) for c in codes],
        managers=[Option(k, v) for k, v in sorted(managers.items(), key=lambda kv: kv[1])],
        rule_words=rule.describe(),
        shown_everyone=everyone,
        total_people=len(placed),
    )
