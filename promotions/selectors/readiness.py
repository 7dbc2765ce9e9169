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

`candidates_for` computes it: a constant number of queries whatever the number of
people (one more per distinct review cycle in which the people were last reviewed), but
time and memory grow with them. So `promotions.services.readiness` stores its result per
person when it can change (a release, the rule, a new level), and `readiness_list` — the
list page and its API — reads a page of the stored rows, sorted and filtered in SQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, cast, overload

from django.db.models import OuterRef, QuerySet, Subquery

from frameworks.ladder import IC, MANAGER, Ladder
from frameworks.models import FrameworkVersion, Level
from growth.models import GrowthSettings
from growth.selectors import RELEASED, Readiness, ReadinessRule, rule_for
from growth.selectors.rules import StatementCheck, settings_row
from organizations.models import Organization
from people.models import Person
from promotions.models import PromotionCase, ReadinessRecord
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
    candidates: Candidates
    families: list[Option]
    levels: list[Option]
    managers: list[Option]
    shown_everyone: bool
    total_people: int

    @property
    def ready_count(self) -> int:
        return self.candidates.ready_count

    @cached_property
    def rule_words(self) -> str:
        """The rule worded with the scale of the list's first row's cycle (read from the
        first page when it has been read: no query then)."""
        return self.candidates.rule(self.candidates.first_scale()).describe()


def _latest_participations(people: list[Person]) -> dict[int, Participant]:
    """Each person's participation in their latest released cycle (one query, one row a
    person however many cycles they were in)."""
    latest = (
        Participant.objects.filter(person_id=OuterRef("person_id"), cycle__status__in=RELEASED)
        .order_by("-cycle__released_at", "-cycle__created_at", "-id")
        .values("pk")[:1]
    )
    rows = Participant.objects.filter(person__in=people, pk=Subquery(latest)).select_related(
        "cycle"
    )
    return {part.person_id: part for part in rows}


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


def _ups(ladder: Ladder[Any], level: Level) -> list[Level]:
    """The levels one step up on the person's track and, above the split, the other
    track's first level above their rank."""
    ups: list[Level] = list(ladder.next_levels(cast(Any, level)))
    if level.track in OTHER_TRACK:
        ups += [lv for lv in ladder.track(OTHER_TRACK[level.track]) if lv.rank > level.rank][:1]
    return ups


def _targets(
    level: Level,
    ups: list[Level],
    own: dict[int, list[fw.StatementRow]],
    part: Participant | None,
    rated: list[StatementRatings],
    rule: ReadinessRule,
) -> list[Target]:
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
                for row in own[up.pk]
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


@dataclass
class Computed:
    """`compute`'s answer: the candidates, and the current version of each family they
    were computed on (the stored rows keep it)."""

    candidates: list[Candidate]
    versions: dict[int, FrameworkVersion]


def compute(org: Organization, people: list[Person], *, details: bool = True) -> Computed:
    """Readiness of each of `people` who is on a ladder. Reads only what those people
    need: their families' current versions and levels, the statements of the levels one
    step up from theirs, their latest released participation and its ratings, the rule —
    a constant number of queries (plus one per distinct latest review cycle), none past
    the first two when nobody is on a level of a published version. `details` adds the
    reviewers' notes and open cases (two queries), which the stored rows do not keep."""
    placed = [p for p in people if p.pk is not None and p.job_family_id and p.level_uid]
    versions = fw.current_versions({p.job_family_id or 0 for p in placed}) if placed else {}
    levels = fw.levels_of(versions.values())
    ladders = {pk: Ladder[Any].from_levels(lvs) for pk, lvs in levels.items()}
    by_uid = {pk: {lv.uid: lv for lv in lvs} for pk, lvs in levels.items()}
    on_level: list[tuple[Person, FrameworkVersion, Level, list[Level]]] = []
    for person in placed:
        version = versions.get(person.job_family_id or 0)
        if version is None:
            continue
        ladder = ladders[version.pk]
        level = by_uid[version.pk].get(person.level_uid)
        if level is not None:
            on_level.append((person, version, level, _ups(ladder, level)))
    if not on_level:
        return Computed([], versions)
    own = fw.own_statements_of({up.pk: up for *_, ups in on_level for up in ups}.values())
    latest = _latest_participations([p for p, *_ in on_level])
    row = settings_row(org) or GrowthSettings()  # no row: the defaults, without asking again
    by_cycle: dict[int, list[Participant]] = defaultdict(list)
    for latest_part in latest.values():
        by_cycle[latest_part.cycle_id].append(latest_part)
    rated: dict[int, list[StatementRatings]] = {}
    for parts in by_cycle.values():
        rated.update(statement_ratings(parts[0].cycle, [p.pk for p in parts], section=None))
    rules: dict[int, ReadinessRule] = {}
    notes: dict[int, dict[str, list[Note]]] = {}
    open_cases: dict[int, PromotionCase] = {}
    if details:
        notes = _notes(latest.values())
        open_cases = {
            c.person_id: c
            for c in PromotionCase.objects.filter(
                person__in=[p for p, *_ in on_level], status__in=PromotionCase.OPEN
            )
        }
    found = []
    for person, version, level, ups in on_level:
        part: Participant | None = latest.get(person.pk)
        if part is not None and part.level_uid != level.uid:
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
                    level, ups, own, part, rated.get(part.pk, []) if part else [], rule
                ),
                notes=notes.get(part.pk, {}) if part else {},
                open_case=open_cases.get(person.pk),
            )
        )
    return Computed(found, versions)


def candidates_for(org: Organization, people: list[Person]) -> list[Candidate]:
    """Readiness of each of `people` who is on a ladder, with notes and open cases (see
    `compute`)."""
    return compute(org, people).candidates


def candidate_for(person: Person) -> Candidate | None:
    found = candidates_for(person.organization, [person])
    return found[0] if found else None


def _visible_people(viewer: object) -> QuerySet[Person]:
    """HR: everyone active; a manager: the people below them; never the viewer."""
    from promotions.access import Viewer

    assert isinstance(viewer, Viewer)
    people = Person.objects.filter(is_active=True)
    if not viewer.is_admin:
        people = people.filter(pk__in=viewer.reports)
    if viewer.pk is not None:
        people = people.exclude(pk=viewer.pk)
    return people


def _candidate(record: ReadinessRecord, rule: ReadinessRule) -> Candidate:
    """A stored row as the `Candidate` `candidates_for` computed (the same figures)."""
    return Candidate(
        person=record.person,
        family_id=record.family_id or 0,
        family_name=record.family.name if record.family else "",
        level_uid=record.level_uid,
        level_code=record.level_code,
        level_title=record.level_title,
        track=record.track,
        cycle=record.cycle,
        participant=record.participant,
        rule=rule,
        targets=[
            Target(
                level_uid=t["level_uid"],
                level_code=t["level_code"],
                level_title=t["level_title"],
                track=t["track"],
                changes_track=t["changes_track"],
                readiness=Readiness(
                    level_uid=t["level_uid"],
                    level_code=t["level_code"],
                    level_title=t["level_title"],
                    rule=rule,
                    statements=[StatementCheck(**s) for s in t["statements"]],
                ),
            )
            for t in record.targets
        ],
    )


class Candidates(Sequence[Candidate]):
    """The readiness list's people, read from the stored rows a page at a time: its length
    and each slice are one SQL query (and a slice two more: notes and open cases), whatever
    the number of people. Slice it (a paginator, the API's `page_of`), or iterate it all."""

    def __init__(
        self, org: Organization, rows: QuerySet[ReadinessRecord], *, only_ready: bool = False
    ) -> None:
        self.org = org
        self.rows = rows
        self.only_ready = only_ready  # the rows are already the ready ones
        self._count: int | None = None
        self._settings: GrowthSettings | None = None
        self._first: tuple[ReadinessRecord | None] | None = None  # the first row, once read

    def __len__(self) -> int:
        if self._count is None:
            self._count = self.rows.count()
        return self._count

    def __bool__(self) -> bool:
        return len(self) > 0

    @overload
    def __getitem__(self, index: int) -> Candidate: ...

    @overload
    def __getitem__(self, index: slice) -> list[Candidate]: ...

    def __getitem__(self, index: int | slice) -> Candidate | list[Candidate]:
        if isinstance(index, slice):
            records = list(self.rows[index])
            if not index.start and (records or index.stop is None or index.stop > 0):
                self._first = (records[0] if records else None,)
            return self._hydrate(records)
        return self._hydrate([self.rows[index]])[0]

    def __iter__(self) -> Iterator[Candidate]:
        return iter(self._hydrate(list(self.rows)))

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, list | Candidates) else False

    __hash__ = None  # type: ignore[assignment]

    @property
    def ready_count(self) -> int:
        if self.only_ready:
            return len(self)  # counted once, not again with the same filter
        return self.rows.filter(ready=True).count()

    def first_scale(self) -> Scale | None:
        """The scale of the first row's cycle (none without a first row or a cycle)."""
        if self._first is None:
            record = self.rows.select_related(None).only("cycle").select_related("cycle")
            self._first = (record.first(),)
        first = self._first[0]
        return Scale(first.cycle.scale) if first is not None and first.cycle else None

    def rule(self, scale: Scale | None) -> ReadinessRule:
        """The rule worded with `scale` (one query the first time, none after)."""
        if self._settings is None:
            # no row: the defaults (an unsaved row has them), without asking again
            self._settings = settings_row(self.org) or GrowthSettings()
        return rule_for(self.org, scale, row=self._settings)

    def _hydrate(self, records: list[ReadinessRecord]) -> list[Candidate]:
        rules: dict[int, ReadinessRule] = {}
        found = []
        for record in records:
            key = record.cycle_id or 0
            if key not in rules:
                rules[key] = self.rule(Scale(record.cycle.scale) if record.cycle else None)
            found.append(_candidate(record, rules[key]))
        notes = _notes([r.participant for r in records if r.participant is not None])
        open_cases = {
            c.person_id: c
            for c in PromotionCase.objects.filter(
                person__in=[r.person_id for r in records], status__in=PromotionCase.OPEN
            )
        }
        for c in found:
            c.notes = notes.get(c.participant.pk, {}) if c.participant else {}
            c.open_case = open_cases.get(c.person.pk)
        return found


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
    the people who are ready unless `everyone`. Read from the stored rows
    (`promotions.services.readiness`): `candidates` is paged in SQL, so the list costs
    the same number of queries, and about the same time, at any size."""
    from promotions.access import Viewer
    from promotions.services.readiness import refresh_stale

    assert isinstance(viewer, Viewer)
    people = _visible_people(viewer)
    refresh_stale(org, people)
    placed = people.exclude(level_uid="")
    families = dict(
        placed.filter(job_family__isnull=False)
        .values_list("job_family__public_id", "job_family__name")
        .distinct()
    )
    managers = dict(
        placed.filter(manager__isnull=False)
        .values_list("manager__public_id", "manager__name")
        .distinct()
    )
    # the people by a join, not `IN (visible people)`: the database then starts from the
    # stored rows' (listed, ready) index and looks each person up by key
    rows = ReadinessRecord.objects.filter(listed=True, person__is_active=True)
    if not viewer.is_admin:
        rows = rows.filter(person_id__in=viewer.reports)
    if viewer.pk is not None:
        rows = rows.exclude(person_id=viewer.pk)
    if family:
        rows = rows.filter(person__job_family__public_id=family)
    if manager:
        rows = rows.filter(person__manager__public_id=manager)
    codes = sorted(rows.order_by().values_list("level_code", flat=True).distinct())
    if level:
        rows = rows.filter(level_code=level)
    if not everyone:
        rows = rows.filter(ready=True)
    rows = rows.select_related(
        "person__manager", "person__job_family", "family", "cycle", "participant"
    ).order_by("-ready", "-assessed", "-best_percent", "person__name", "person_id")
    candidates = Candidates(org, rows, only_ready=not everyone)
    return ReadinessList(
        candidates=candidates,
        families=[Option(k, v) for k, v in sorted(families.items(), key=lambda kv: kv[1])],
        levels=[Option(c, c) for c in codes],
        managers=[Option(k, v) for k, v in sorted(managers.items(), key=lambda kv: kv[1])],
        shown_everyone=everyone,
        total_people=placed.count(),
    )
