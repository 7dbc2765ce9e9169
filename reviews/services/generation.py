"""Pinning participants to their ladder and generating their forms.

Used by launch, by people added to an open cycle, by peers approved in an open cycle and
by framework fixes. Everything is done in bulk: the number of queries does not depend on
the number of people or forms."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from people.models import Person
from reviews import framework_adapter as fw
from reviews.models import FormItem, Participant, PeerNomination, ReviewCycle, ReviewForm

Section = FormItem.Section


@dataclass
class Problem:
    person: Person
    message: str


def pin_problems(cycle: ReviewCycle, participants: list[Participant]) -> list[Problem]:
    """Why some participants cannot be reviewed yet (no ladder, no published version, a
    level the published version does not have). Empty when all can be pinned."""
    found = placement_problems(
        (p.person_id, p.person.job_family_id, p.person.level_uid) for p in participants
    )
    return [
        Problem(part.person, found[part.person_id])
        for part in participants
        if part.person_id in found
    ]


def placement_problems(places: Iterable[tuple[int, int | None, str]]) -> dict[int, str]:
    """`pin_problems` for plain (person id, job family id, level uid) rows, by person id:
    two queries whatever the number of people, and no model built per person."""
    places = list(places)
    versions = fw.current_versions({family for _, family, _ in places if family})
    levels = fw.level_uids(versions.values())
    problems = {}
    for person_id, family_id, level_uid in places:
        if family_id is None:
            problems[person_id] = "has no job family"
            continue
        version = versions.get(family_id)
        if version is None:
            problems[person_id] = "is on a ladder that is not published yet"
        elif not level_uid:
            problems[person_id] = "has no level"
        elif (version.pk, level_uid) not in levels:
            problems[person_id] = f"is on a level that {version} does not have"
    return problems


def pin(participants: list[Participant]) -> dict[int, fw.VersionContent]:
    """Set each participant's family, published version, level and next level(s); the
    rows are saved by the caller (bulk_update). Returns the loaded version contents."""
    places = fw.placements([p.person for p in participants])
    versions = fw.current_versions({pl.family_id for pl in places.values() if pl.family_id})
    contents = fw.load_contents(versions.values())
    for part in participants:
        place = places[part.person_id]
        assert place.family_id is not None
        version = versions[place.family_id]
        content = contents[version.pk]
        level = content.level(place.level_uid)
        assert level is not None
        part.family_id = place.family_id
        part.version = version
        part.level_uid, part.level_code, part.level_title = level.uid, level.code, level.title
        part.next_levels = [
            {"uid": lv.uid, "code": lv.code, "title": lv.title}
            for lv in content.next_levels(level.uid)
        ]
        if not part.manager_reassigned:
            part.manager_id = part.person.manager_id
    return contents


PIN_FIELDS = [
    "family",
    "version",
    "level_uid",
    "level_code",
    "level_title",
    "next_levels",
    "manager",
]


def item_rows(
    cycle: ReviewCycle,
    content: fw.VersionContent,
    level_uid: str,
    kind: str,
) -> list[tuple[fw.StatementRow, str]]:
    """The statements a form asks about, with their section: the person's level (own or
    carried statements) and, for self and manager reviews when the cycle rates it, the
    new statements of the level(s) one step up. Peers and upward reviewers answer the
    competencies the cycle picked for them, at the person's level only — all of them when
    none of the picked ones is on the person's ladder (a cycle across job families)."""
    rows: list[tuple[fw.StatementRow, str]] = [
        (row, Section.LEVEL) for row in content.expected_statements(level_uid)
    ]
    if kind in (ReviewForm.Kind.PEER, ReviewForm.Kind.UPWARD):
        chosen = set(cycle.peer_competency_uids or [])
        picked = [(r, s) for r, s in rows if r.competency_uid in chosen]
        return picked or rows
    if cycle.include_next_level:
        for nxt in content.next_levels(level_uid):
            rows.extend((row, Section.NEXT) for row in content.own_statements(nxt.uid))
    return rows


def new_item(form: ReviewForm, row: fw.StatementRow, section: str, position: int) -> FormItem:
    return FormItem(
        organization_id=form.organization_id,
        form=form,
        statement_uid=row.uid,
        competency_uid=row.competency_uid,
        competency_name=row.competency_name,
        category_name=row.category_name,
        level_uid=row.level_uid,
        level_code=row.level_code,
        section=section,
        text=row.text,
        evidence_kinds=list(row.evidence),
        position=position,
    )


def wanted_forms(
    cycle: ReviewCycle,
    participants: list[Participant],
    approved_peers: dict[int, list[int]],
    reports: dict[int, list[int]],
) -> list[tuple[Participant, int, str]]:
    """(participant, reviewer person id, kind) for every form the cycle's inputs ask for."""
    wanted: list[tuple[Participant, int, str]] = []
    for part in participants:
        if cycle.self_review:
            wanted.append((part, part.person_id, ReviewForm.Kind.SELF))
        if cycle.manager_review and part.manager_id and part.manager_id != part.person_id:
            wanted.append((part, part.manager_id, ReviewForm.Kind.MANAGER))
        if cycle.peers_on:
            wanted.extend((part, pid, ReviewForm.Kind.PEER) for pid in approved_peers[part.pk])
        if cycle.upward:
            wanted.extend(
                (part, pid, ReviewForm.Kind.UPWARD)
                for pid in reports.get(part.person_id, [])
                if pid != part.person_id
            )
    return wanted


def create_forms(
    cycle: ReviewCycle,
    wanted: Iterable[tuple[Participant, int, str]],
    contents: dict[int, fw.VersionContent] | None = None,
) -> list[ReviewForm]:
    """Create the forms that do not exist yet, with their items (bulk)."""
    wanted = list(wanted)
    if not wanted:
        return []
    part_ids = {part.pk for part, _, _ in wanted}
    existing = set(
        ReviewForm.objects.filter(participant_id__in=part_ids).values_list(
            "participant_id", "reviewer_id", "kind"
        )
    )
    if contents is None:
        versions = {part.version_id: part.version for part, _, _ in wanted if part.version}
        contents = fw.load_contents(v for v in versions.values() if v is not None)
    forms = []
    seen = set(existing)
    for part, reviewer_id, kind in wanted:
        key = (part.pk, reviewer_id, kind)
        if key in seen:
            continue
        seen.add(key)
        forms.append(
            ReviewForm(
                organization_id=cycle.organization_id,
                cycle=cycle,
                participant=part,
                reviewer_id=reviewer_id,
                kind=kind,
                version_id=part.version_id or 0,
            )
        )
    ReviewForm.objects.bulk_create(forms, batch_size=500)
    items: list[FormItem] = []
    for form in forms:
        part = form.participant
        assert part.version_id is not None
        rows = item_rows(cycle, contents[part.version_id], part.level_uid, form.kind)
        items.extend(new_item(form, row, section, n) for n, (row, section) in enumerate(rows))
    FormItem.objects.bulk_create(items, batch_size=1000)
    return forms


def approved_peers(participants: list[Participant]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    for part_id, peer_id in PeerNomination.objects.filter(
        participant__in=[p.pk for p in participants], status=PeerNomination.Status.APPROVED
    ).values_list("participant_id", "peer_id"):
        found[part_id].append(peer_id)
    return found


def direct_reports(people_ids: Iterable[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    for pk, manager_id in Person.objects.filter(
        manager_id__in=list(people_ids), is_active=True
    ).values_list("pk", "manager_id"):
        found[manager_id].append(pk)
    return found


def start_reviews(cycle: ReviewCycle, participants: list[Participant]) -> list[ReviewForm]:
    """Pin `participants` and create all their forms (launch, or people added later)."""
    if not participants:
        return []
    contents = pin(participants)
    Participant.objects.bulk_update(participants, PIN_FIELDS, batch_size=500)
    wanted = wanted_forms(
        cycle,
        participants,
        approved_peers(participants),
        direct_reports(p.person_id for p in participants) if cycle.upward else {},
    )
    return create_forms(cycle, wanted, contents)
