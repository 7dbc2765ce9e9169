"""Promotion rounds: HR gathers open cases into a round and names its committee; the
committee reviews them side by side and decides each (`decide_case`); the round is
closed once every case in it is decided or withdrawn."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from organizations.actors import Actor, user_of
from organizations.audit import record
from people.models import Person
from promotions.errors import PromotionError
from promotions.models import PromotionCase, PromotionRound, RoundMember
from promotions.services.common import words
from reviews.services.common import claim_revision, require_admin


def _check(name: str, committee: list[Person], cases: list[PromotionCase]) -> None:
    errors = []
    if not name:
        errors.append(("name", "Give the round a name, for example “Spring 2026 promotions”."))
    if not committee:
        errors.append(("committee", "Choose at least one committee member."))
    for p in committee:
        if not p.is_active:
            errors.append(("committee", f"{p.name} is no longer active."))
    nominees = {c.person_id for c in cases}
    for p in committee:
        if p.pk in nominees:
            errors.append(("committee", f"{p.name} has a case in this round."))
    for c in cases:
        if not c.is_open:
            errors.append(("cases", f"The case of {c.person.name} is already closed."))
    if errors:
        raise PromotionError("The promotion round was not saved.", errors)


def _set_members(round: PromotionRound, committee: list[Person]) -> None:
    keep = {p.pk for p in committee}
    RoundMember.objects.filter(round=round).exclude(person_id__in=keep).delete()
    have = set(RoundMember.objects.filter(round=round).values_list("person_id", flat=True))
    RoundMember.objects.bulk_create(
        [
            RoundMember(organization_id=round.organization_id, round=round, person=p)
            for p in committee
            if p.pk not in have
        ]
    )


def _set_cases(round: PromotionRound, cases: list[PromotionCase]) -> None:
    ids = [c.pk for c in cases]
    PromotionCase.objects.filter(round=round, status__in=PromotionCase.OPEN).exclude(
        pk__in=ids
    ).update(round=None)
    PromotionCase.objects.filter(pk__in=ids, status__in=PromotionCase.OPEN).update(round=round)


def create_round(
    org: Any,
    *,
    actor: Actor,
    name: str,
    committee: Iterable[Person],
    cases: Iterable[PromotionCase] = (),
    decide_by: dt.date | None = None,
    notes: str = "",
) -> PromotionRound:
    org.ensure_writable()
    require_admin(actor)
    committee, cases = list(committee), list(cases)
    _check(words(name, 120), committee, cases)
    now = timezone.now()
    with transaction.atomic():
        round = PromotionRound.objects.create(
            organization=org,
            name=words(name, 120),
            decide_by=decide_by,
            notes=words(notes),
            created_by=user_of(actor),
            created_at=now,
            updated_at=now,
        )
        _set_people_and_cases(round, committee, cases, actor=actor, action="created")
    return round


def _set_people_and_cases(
    round: PromotionRound,
    committee: list[Person],
    cases: list[PromotionCase],
    *,
    actor: Actor,
    action: str,
) -> None:
    """The round's committee and cases, and the audit entry of its creation or change."""
    _set_members(round, committee)
    _set_cases(round, cases)
    record(
        round.organization,
        actor,
        f"promotion_round.{action}",
        round,
        data={
            "committee": [p.name for p in committee],
            "cases": [c.person.name for c in cases],
            "decide_by": round.decide_by,
        },
    )


def update_round(
    round: PromotionRound,
    *,
    actor: Actor,
    expected_revision: int,
    name: str,
    committee: Iterable[Person],
    cases: Iterable[PromotionCase],
    decide_by: dt.date | None = None,
    notes: str = "",
) -> PromotionRound:
    """Rename the round, change its committee and the open cases in it (decided cases
    stay where they were decided)."""
    org = round.organization
    org.ensure_writable()
    require_admin(actor)
    committee, cases = list(committee), list(cases)
    _check(words(name, 120), committee, cases)
    with transaction.atomic():
        claim_revision(
            PromotionRound, round, expected_revision, "this promotion round", status="open"
        )
        round.name, round.decide_by, round.notes = words(name, 120), decide_by, words(notes)
        round.save(update_fields=["name", "decide_by", "notes"])
        _set_people_and_cases(round, committee, cases, actor=actor, action="changed")
    return round


def close_round(round: PromotionRound, *, actor: Actor, expected_revision: int) -> PromotionRound:
    """Close a round once every case in it is decided (or withdrawn)."""
    org = round.organization
    org.ensure_writable()
    require_admin(actor)
    waiting = list(
        PromotionCase.objects.filter(round=round, status__in=PromotionCase.OPEN).select_related(
            "person"
        )
    )
    if waiting:
        names = ", ".join(c.person.name for c in waiting)
        raise PromotionError(f"Decide every case before closing the round (still open: {names}).")
    with transaction.atomic():
        claim_revision(
            PromotionRound, round, expected_revision, "this promotion round", status="open"
        )
        round.status = PromotionRound.Status.CLOSED
        round.closed_at = timezone.now()
        round.save(update_fields=["status", "closed_at"])
        record(org, actor, "promotion_round.closed", round)
    return round
