"""Calibration, release, and what happens after: the conversation and acknowledgement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from organizations.actors import Actor, user_of
from organizations.audit import record
from organizations.models import Organization
from reviews.errors import NotAllowed, ReviewError, StaleError
from reviews.models import FinalRating, FormItem, Participant, ReviewCycle, Scale
from reviews.selectors.ratings import as_rating, competency_ratings
from reviews.services.common import check_status, is_admin, lock_cycle, person_of, require_admin
from reviews.signals import cycle_released

Status = ReviewCycle.Status


def _writable_by_admin(cycle: ReviewCycle, actor: Actor) -> Organization:
    """The cycle's organization, once it may be written and `actor` is an HR admin."""
    org = cycle.organization
    org.ensure_writable()
    require_admin(actor)
    return org


def _move(cycle: ReviewCycle, status: str, stamp: str) -> None:
    """Put the cycle in `status`, noting when in its `stamp` field."""
    cycle.status = status
    setattr(cycle, stamp, timezone.now())
    cycle.save(update_fields=["status", stamp])


def open_calibration(cycle: ReviewCycle, *, expected_revision: int, actor: Actor) -> ReviewCycle:
    """Close the forms (unsubmitted ones stay as they are, and no longer count) and open
    calibration: each participant gets a proposed rating per competency — their manager's
    — which starts as the final rating."""
    org = _writable_by_admin(cycle, actor)
    with transaction.atomic():
        lock_cycle(cycle, expected_revision, Status.OPEN)
        participants = list(Participant.objects.filter(cycle=cycle))
        ratings = competency_ratings(cycle, [p.pk for p in participants])
        # competencies nobody has submitted anything on still get a row, from the forms
        known = {(p, c.uid) for p, comps in ratings.items() for c in comps}
        extra = (
            FormItem.objects.filter(
                form__cycle=cycle, section=FormItem.Section.LEVEL, archived=False
            )
            .exclude(form__kind__in=["peer", "upward"])
            .values_list(
                "form__participant_id",
                "competency_uid",
                "competency_name",
                "category_name",
                "position",
            )
            .order_by("position")
        )
        rows: dict[tuple[int, str], FinalRating] = {}
        for part_id, comps in ratings.items():
            for c in comps:
                rows[(part_id, c.uid)] = FinalRating(
                    organization=org,
                    participant_id=part_id,
                    competency_uid=c.uid,
                    competency_name=c.name,
                    category_name=c.category,
                    position=c.position,
                    proposed=c.manager,
                    final=c.manager,
                )
        for part_id, uid, name, category, position in extra:
            if (part_id, uid) not in known and (part_id, uid) not in rows:
                rows[(part_id, uid)] = FinalRating(
                    organization=org,
                    participant_id=part_id,
                    competency_uid=uid,
                    competency_name=name,
                    category_name=category,
                    position=position,
                )
        FinalRating.objects.filter(participant__cycle=cycle).delete()
        FinalRating.objects.bulk_create(rows.values(), batch_size=1000)
        _move(cycle, Status.CALIBRATION, "calibration_at")
        record(
            org,
            actor,
            "review_cycle.calibration_opened",
            cycle,
            data={"participants": len(participants)},
        )
    return cycle


def set_final_rating(
    participant: Participant,
    *,
    competency_uid: str,
    rating: Any,
    reason: str,
    actor: Actor,
    expected_revision: int | None = None,
) -> FinalRating:
    """Adjust a final rating in calibration. The reason is required and kept."""
    cycle = participant.cycle
    org = cycle.organization
    org.ensure_writable()
    require_admin(actor)
    scale = Scale(cycle.scale)
    reason = " ".join((reason or "").split())
    errors = []
    try:
        value = Decimal(str(rating))
    except (ArithmeticError, ValueError, TypeError):
        value = Decimal(-1)
    if value not in [Decimal(v) for v in scale.values]:
        errors.append(("rating", f"Choose a rating from {scale.lowest} to {scale.highest}."))
    if not reason:
        errors.append(("reason", "Say why the rating changes."))
    if errors:
        raise ReviewError("The final rating was not changed.", errors)
    with transaction.atomic():
        check_status(cycle, Status.CALIBRATION)
        if ReviewCycle.objects.filter(pk=cycle.pk, finalized_at__isnull=False).exists():
            raise ReviewError("Calibration is finalized; final ratings can no longer change.")
        row = FinalRating.objects.filter(
            participant=participant, competency_uid=competency_uid
        ).first()
        if row is None:
            raise ReviewError(
                "This competency is not rated for this person.",
                [("competency", "Unknown competency.")],
            )
        qs = FinalRating.objects.filter(pk=row.pk)
        if expected_revision is not None:
            qs = qs.filter(revision=expected_revision)
        before = row.final
        now = timezone.now()
        user = user_of(actor)
        if not qs.update(
            final=value,
            reason=reason,
            adjusted_by=user,
            adjusted_at=now,
            revision=F("revision") + 1,
        ):
            raise StaleError("this rating")
        row.refresh_from_db()
        record(
            org,
            actor,
            "final_rating.adjusted",
            participant,
            target_label=f"{participant.person.name} in {cycle.name}",
            changes={"final": [str(before) if before is not None else None, str(row.final)]},
            data={"competency": row.competency_name, "reason": reason},
        )
    return row


def finalize_calibration(
    cycle: ReviewCycle, *, expected_revision: int, actor: Actor
) -> ReviewCycle:
    """Fix the final ratings. Results can then be released."""
    org = _writable_by_admin(cycle, actor)
    with transaction.atomic():
        lock_cycle(cycle, expected_revision, Status.CALIBRATION)
        cycle.finalized_at = timezone.now()
        cycle.save(update_fields=["finalized_at"])
        missing = FinalRating.objects.filter(participant__cycle=cycle, final__isnull=True).count()
        record(org, actor, "review_cycle.finalized", cycle, data={"unrated": missing})
    return cycle


def release_cycle(cycle: ReviewCycle, *, expected_revision: int, actor: Actor) -> ReviewCycle:
    """Show each employee their results; they are e-mailed once this has committed."""
    from reviews.tasks import send_cycle_emails

    org = _writable_by_admin(cycle, actor)
    with transaction.atomic():
        if not ReviewCycle.objects.filter(pk=cycle.pk, finalized_at__isnull=False).exists():
            raise ReviewError("Finalize calibration before releasing the results.")
        lock_cycle(cycle, expected_revision, Status.CALIBRATION)
        _move(cycle, Status.RELEASED, "released_at")
        record(org, actor, "review_cycle.released", cycle)
        cycle_released.send(sender=ReviewCycle, cycle=cycle)
        transaction.on_commit(lambda: send_cycle_emails.enqueue(org.pk, cycle.pk, "released"))
    return cycle


def close_cycle(cycle: ReviewCycle, *, expected_revision: int, actor: Actor) -> ReviewCycle:
    org = _writable_by_admin(cycle, actor)
    with transaction.atomic():
        lock_cycle(cycle, expected_revision, Status.RELEASED)
        _move(cycle, Status.CLOSED, "closed_at")
        record(org, actor, "review_cycle.closed", cycle)
    return cycle


def _released(participant: Participant) -> None:
    check_status(participant.cycle, Status.RELEASED, Status.CLOSED)


def record_conversation(
    participant: Participant, *, held_on: dt.date, notes: str, actor: Actor
) -> Participant:
    """The manager records the results conversation (HR may too)."""
    org = participant.cycle.organization
    org.ensure_writable()
    me = person_of(actor)
    if not (
        (me and me.pk in (participant.manager_id, participant.person.manager_id)) or is_admin(actor)
    ):
        raise NotAllowed("Only the manager or HR can record the conversation.")
    notes = (notes or "").strip()
    if held_on is None:
        raise ReviewError("Enter the date of the conversation.", [("held_on", "Enter a date.")])
    if held_on > timezone.localdate():
        raise ReviewError(
            "The conversation cannot be in the future.",
            [("held_on", "Enter the date it took place.")],
        )
    with transaction.atomic():
        _released(participant)
        Participant.objects.filter(pk=participant.pk).update(
            conversation_on=held_on,
            conversation_notes=notes,
            conversation_by=user_of(actor),
            revision=F("revision") + 1,
        )
        participant.refresh_from_db()
        record(
            org,
            actor,
            "participant.conversation_recorded",
            participant,
            target_label=f"{participant.person.name} in {participant.cycle.name}",
            data={"held_on": held_on},
        )
    return participant


def acknowledge(participant: Participant, *, comment: str, actor: Actor) -> Participant:
    """The employee acknowledges their results, with an optional comment. Once."""
    org = participant.cycle.organization
    org.ensure_writable()
    me = person_of(actor)
    if me is None or me.pk != participant.person_id:
        raise NotAllowed("Only the person reviewed can acknowledge their results.")
    comment = (comment or "").strip()
    if len(comment) > 5000:
        raise ReviewError("Keep the comment under 5,000 characters.", [("comment", "Too long.")])
    with transaction.atomic():
        _released(participant)
        updated = Participant.objects.filter(
            pk=participant.pk, acknowledged_at__isnull=True
        ).update(
            acknowledged_at=timezone.now(), acknowledgement=comment, revision=F("revision") + 1
        )
        if not updated:
            raise ReviewError("You have already acknowledged these results.")
        participant.refresh_from_db()
        record(
            org,
            actor,
            "participant.acknowledged",
            participant,
            target_label=f"{participant.person.name} in {participant.cycle.name}",
        )
    return participant


__all__ = [
    "acknowledge",
    "as_rating",
    "close_cycle",
    "finalize_calibration",
    "open_calibration",
    "record_conversation",
    "release_cycle",
    "set_final_rating",
]
