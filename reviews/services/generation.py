"""Pinning participants to their ladder and generating their forms.

Used by launch, by people added to an open cycle, by peers approved in an open cycle and
by framework fixes. Everything is done in bulk: the number of queries does not depend on
the number of people or forms."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from organizations.rows import check_rows, insert_rows, owners, update_rows
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
    rows are saved by the caller (`save_pins`). Returns the loaded version contents."""
    places = fw.placements([p.person for p in participants])
    versions = fw.current_versions({pl.family_id for pl in places.values() if pl.family_id})
    contents = fw.load_contents(versions.values())
    steps: dict[tuple[int, str], list[dict[str, str]]] = {}  # the next levels, per level
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
        key = (version.pk, level.uid)
        if key not in steps:
            steps[key] = [
                {"uid": lv.uid, "code": lv.code, "title": lv.title}
                for lv in content.next_levels(level.uid)
            ]
        part.next_levels = [dict(step) for step in steps[key]]
        if not part.manager_reassigned:
            part.manager_id = part.person.manager_id
    return contents


PIN_ATTNAMES = [
    "family_id",
    "version_id",
    "level_uid",
    "level_code",
    "level_title",
    "next_levels",
    "manager_id",
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
        form=form, **item_values(row, section, position, form.organization_id, timezone.now())
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


def save_pins(participants: list[Participant]) -> None:
    """Write what `pin` set (one UPDATE statement for all), behind the tenant fence."""
    rows = [
        {
            "pk": part.pk,
            "organization_id": part.organization_id,
            "family_id": part.family_id,
            "version_id": part.version_id,
            "level_uid": part.level_uid,
            "level_code": part.level_code,
            "level_title": part.level_title,
            "next_levels": part.next_levels,
            "manager_id": part.manager_id,
        }
        for part in participants
    ]
    versions = {part.version_id: part.version for part in participants if part.version}
    check_rows(Participant, rows, owners(*versions.values(), *_people(participants)))
    update_rows(Participant, PIN_ATTNAMES, rows)


def _people(participants: Iterable[Participant]) -> list[Person]:
    """The participants' people already loaded (their organization needs no query)."""
    field = Participant._meta.get_field("person")
    return [p.person for p in participants if field.is_cached(p)]


def create_forms(
    cycle: ReviewCycle,
    wanted: Iterable[tuple[Participant, int, str]],
    contents: dict[int, fw.VersionContent] | None = None,
) -> int:
    """Create the forms that do not exist yet, with their items; returns how many forms.

    Rows are written as plain values (`organizations.rows`): one INSERT statement for
    the forms and one for their items, a form's items built once per version, level and
    kind of form and copied for every form that asks the same — no model instance per
    row (a launch for 2,000 people writes ~10,000 forms and ~125,000 items)."""
    wanted = list(wanted)
    if not wanted:
        return 0
    part_ids = {part.pk for part, _, _ in wanted}
    existing = set(
        ReviewForm.objects.filter(participant_id__in=part_ids).values_list(
            "participant_id", "reviewer_id", "kind"
        )
    )
    if contents is None:
        versions = {part.version_id: part.version for part, _, _ in wanted if part.version}
        contents = fw.load_contents(v for v in versions.values() if v is not None)
    now = timezone.now()
    parts: dict[int, Participant] = {}
    rows: list[dict[str, Any]] = []
    seen = set(existing)
    for part, reviewer_id, kind in wanted:
        key = (part.pk, reviewer_id, kind)
        if key in seen:
            continue
        seen.add(key)
        parts[part.pk] = part
        rows.append(
            {
                "organization_id": cycle.organization_id,
                "cycle_id": cycle.pk,
                "participant_id": part.pk,
                "reviewer_id": reviewer_id,
                "kind": kind,
                "version_id": part.version_id or 0,
                "created_at": now,
                "updated_at": now,
            }
        )
    if not rows:
        return 0
    known = owners(
        cycle,
        *parts.values(),
        *(c.version for c in contents.values()),
        *_people(parts.values()),
    )
    check_rows(ReviewForm, rows, known)
    insert_rows(ReviewForm, rows)
    made = ReviewForm.objects.filter(cycle=cycle, participant_id__in=list(parts)).values_list(
        "pk", "organization_id", "participant_id", "reviewer_id", "kind"
    )
    new = {
        (part_id, reviewer_id, kind): (pk, org_id)
        for pk, org_id, part_id, reviewer_id, kind in made
    }
    templates: dict[tuple[int, str, bool], list[dict[str, Any]]] = {}
    items: list[dict[str, Any]] = []
    forms: dict[Any, int] = {}
    for row in rows:
        part = parts[row["participant_id"]]
        assert part.version_id is not None
        form_id, org_id = new[(part.pk, row["reviewer_id"], row["kind"])]
        forms[form_id] = org_id
        kind = row["kind"]
        shape = (
            part.version_id,
            part.level_uid,
            kind in (ReviewForm.Kind.PEER, ReviewForm.Kind.UPWARD),
        )
        if shape not in templates:
            found = item_rows(cycle, contents[part.version_id], part.level_uid, kind)
            templates[shape] = [
                item_values(statement, section, n, cycle.organization_id, now)
                for n, (statement, section) in enumerate(found)
            ]
        items.extend({**values, "form_id": form_id} for values in templates[shape])
    check_rows(FormItem, items, {ReviewForm: forms})
    insert_rows(FormItem, items)
    return len(rows)


def item_values(
    row: fw.StatementRow, section: str, position: int, org_id: int, now: dt.datetime
) -> dict[str, Any]:
    """A new item's values, but its form: what `insert_rows` writes (and `new_item` builds)."""
    return {
        "organization_id": org_id,
        "statement_uid": row.uid,
        "competency_uid": row.competency_uid,
        "competency_name": row.competency_name,
        "category_name": row.category_name,
        "level_uid": row.level_uid,
        "level_code": row.level_code,
        "section": section,
        "text": row.text,
        "evidence_kinds": list(row.evidence),
        "position": position,
        "updated_at": now,
    }


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


def start_reviews(cycle: ReviewCycle, participants: list[Participant]) -> int:
    """Pin `participants` and create all their forms (launch, or people added later);
    returns how many forms."""
    if not participants:
        return 0
    contents = pin(participants)
    save_pins(participants)
    wanted = wanted_forms(
        cycle,
        participants,
        approved_peers(participants),
        direct_reports(p.person_id for p in participants) if cycle.upward else {},
    )
    return create_forms(cycle, wanted, contents)
