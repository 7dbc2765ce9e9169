"""Setting up and launching review cycles: settings, participants, reviewers, peers."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from organizations.actors import Actor, user_of
from organizations.audit import record
from organizations.models import Organization
from people.models import Person
from people.selectors import report_ids
from reviews import framework_adapter as fw
from reviews.errors import NotAllowed, ReviewError
from reviews.models import (
    MIN_PEER_THRESHOLD,
    Participant,
    PeerNomination,
    Phase,
    ReviewCycle,
    ReviewForm,
)
from reviews.services import generation
from reviews.services.common import (
    check_status,
    is_admin,
    lock_cycle,
    person_of,
    require_admin,
)
from reviews.services.scale import ensure_scale

MAX_PEERS = 10
RULE_KINDS = ("everyone", "families", "levels", "teams", "managers", "people")
Status = ReviewCycle.Status


# --- who takes part ------------------------------------------------------------------------


def people_for_rule(rule: dict[str, Any]) -> QuerySet[Person]:
    """Active people placed on a ladder, chosen by a rule: everyone, or by job family
    (public ids), level (uids), team (the direct reports of managers, by public id) or
    manager (everyone who reports to them, directly or not)."""
    kind, ids = rule.get("kind", "everyone"), list(rule.get("ids", []))
    qs = Person.objects.filter(is_active=True).exclude(level_uid="")
    if kind == "everyone":
        return qs
    if kind == "families":
        return qs.filter(Q(job_family__public_id__in=ids))
    if kind == "levels":
        return qs.filter(level_uid__in=ids)
    if kind == "teams":
        return qs.filter(manager__public_id__in=ids)
    if kind == "managers":
        under: set[int] = set()
        for manager in Person.objects.filter(public_id__in=ids):
            under |= report_ids(manager)
        return qs.filter(pk__in=under)
    if kind == "people":
        return qs.filter(public_id__in=ids)
    raise ReviewError("Choose who takes part.", [("participants", "Choose who takes part.")])


def _new_participants(cycle: ReviewCycle, people: Iterable[Person]) -> list[Participant]:
    people = [p for p in people if p.is_active]
    have = set(Participant.objects.filter(cycle=cycle).values_list("person_id", flat=True))
    fresh = [p for p in people if p.pk not in have]
    places = fw.placements(fresh)
    rows = [
        Participant(
            organization_id=cycle.organization_id,
            cycle=cycle,
            person=p,
            manager_id=p.manager_id,
            family_id=places[p.pk].family_id,
        )
        for p in fresh
    ]
    Participant.objects.bulk_create(rows, batch_size=500)
    return rows


# --- settings ------------------------------------------------------------------------------

INPUT_KEYS = {"self", "manager", "peers", "upward"}


def _apply_settings(cycle: ReviewCycle, changes: dict[str, Any]) -> list[tuple[str, str]]:
    """Copy `changes` onto the cycle, returning every problem (field, message)."""
    errors: list[tuple[str, str]] = []
    if "name" in changes:
        cycle.name = " ".join(str(changes["name"] or "").split())
        if not cycle.name:
            errors.append(("name", "Give the cycle a name, for example “2026 mid-year review”."))
        elif len(cycle.name) > 120:
            errors.append(("name", "Keep the name under 120 characters."))
    if "period" in changes:
        start, end = changes["period"] or (None, None)
        cycle.period_start, cycle.period_end = start, end
        if start and end and end < start:
            errors.append(("period_end", "The period must end after it starts."))
    if "inputs" in changes:
        inputs = dict(changes["inputs"] or {})
        unknown = set(inputs) - INPUT_KEYS
        if unknown:
            errors.append(("inputs", f"Unknown input: {', '.join(sorted(unknown))}."))
        cycle.self_review = bool(inputs.get("self", cycle.self_review))
        cycle.manager_review = bool(inputs.get("manager", cycle.manager_review))
        cycle.upward = bool(inputs.get("upward", cycle.upward))
        try:
            cycle.peer_min = int(inputs.get("peers", cycle.peer_min) or 0)
        except (TypeError, ValueError):
            errors.append(("peers", "Enter the number of peers as a whole number."))
        else:
            if cycle.peer_min and not MIN_PEER_THRESHOLD <= cycle.peer_min <= MAX_PEERS:
                errors.append(
                    (
                        "peers",
                        f"Ask for between {MIN_PEER_THRESHOLD} and {MAX_PEERS} peers, or none: "
                        f"peer feedback is only shown when at least {MIN_PEER_THRESHOLD} peers "
                        "have answered.",
                    )
                )
        if not (cycle.self_review or cycle.manager_review or cycle.peer_min or cycle.upward):
            errors.append(("inputs", "Choose at least one kind of review."))
    if "include_next_level" in changes:
        cycle.include_next_level = bool(changes["include_next_level"])
    if "peer_threshold" in changes:
        try:
            cycle.peer_threshold = int(changes["peer_threshold"])
        except (TypeError, ValueError):
            cycle.peer_threshold = 0
        if cycle.peer_threshold < MIN_PEER_THRESHOLD:
            errors.append(
                (
                    "peer_threshold",
                    f"Peer input is never shown for fewer than {MIN_PEER_THRESHOLD} peers.",
                )
            )
    if "manager_sees_self" in changes:
        if changes["manager_sees_self"] not in ReviewCycle.SelfVisibility.values:
            errors.append(("manager_sees_self", "Choose when managers see the self-review."))
        else:
            cycle.manager_sees_self = changes["manager_sees_self"]
    if "peer_competency_uids" in changes:
        cycle.peer_competency_uids = list(dict.fromkeys(changes["peer_competency_uids"] or []))
    if "deadlines" in changes:
        for phase, value in (changes["deadlines"] or {}).items():
            if phase not in Phase.values:
                errors.append(("deadlines", f"Unknown phase: {phase}."))
                continue
            if value is not None and not isinstance(value, dt.date):
                errors.append((f"{phase}_due", "Enter a real date."))
                continue
            setattr(cycle, ReviewCycle.DEADLINE_FIELDS[Phase(phase)], value)
    return errors


SETTINGS_AUDIT = [
    "name",
    "period_start",
    "period_end",
    "self_review",
    "manager_review",
    "peer_min",
    "upward",
    "include_next_level",
    "peer_threshold",
    "manager_sees_self",
    "peer_competency_uids",
    *ReviewCycle.DEADLINE_FIELDS.values(),
]
OPEN_EDITABLE = {"name", "deadlines"}


def create_cycle(
    org: Organization,
    *,
    name: str,
    actor: Actor,
    period: tuple[dt.date | None, dt.date | None] | None = None,
    participants: Iterable[Person] | None = None,
    rule: dict[str, Any] | None = None,
    inputs: dict[str, Any] | None = None,
    include_next_level: bool = False,
    deadlines: dict[str, dt.date | None] | None = None,
    **settings: Any,
) -> ReviewCycle:
    """A new cycle being set up. Participants are given as people, or as a rule
    (`people_for_rule`); the cycle is launched later with `launch_cycle`."""
    org.ensure_writable()
    cycle = ReviewCycle(
        organization=org,
        created_by=user_of(actor),
        scale=ensure_scale(org).snapshot(),
    )
    changes = {
        "name": name,
        "inputs": inputs or {},
        "include_next_level": include_next_level,
        **settings,
    }
    if period is not None:
        changes["period"] = period
    if deadlines is not None:
        changes["deadlines"] = deadlines
    errors = _apply_settings(cycle, changes)
    if errors:
        raise ReviewError("The review cycle could not be created.", errors)
    with transaction.atomic():
        cycle.save()
        people: list[Person] = list(participants or [])
        if rule is not None:
            cycle.participant_rule = rule
            cycle.save(update_fields=["participant_rule"])
            people += list(people_for_rule(rule))
        added = _new_participants(cycle, people)
        record(org, actor, "review_cycle.created", cycle, data={"participants": len(added)})
    return cycle


def update_cycle(
    cycle: ReviewCycle, *, expected_revision: int, actor: Actor, **changes: Any
) -> ReviewCycle:
    """Change a cycle's settings. Before launch everything can change; once open, only the
    name and the deadlines (forms already exist)."""
    org = cycle.organization
    org.ensure_writable()
    if cycle.status != Status.DRAFT and set(changes) - OPEN_EDITABLE:
        raise ReviewError(
            "Once a cycle is launched only its name and deadlines can change.",
            [(k, "This can no longer change.") for k in sorted(set(changes) - OPEN_EDITABLE)],
        )
    before = {f: getattr(cycle, f) for f in SETTINGS_AUDIT}
    errors = _apply_settings(cycle, changes)
    if errors:
        raise ReviewError("The review cycle could not be saved.", errors)
    with transaction.atomic():
        lock_cycle(cycle, expected_revision, Status.DRAFT, Status.OPEN)
        cycle.save(update_fields=SETTINGS_AUDIT)
        after = {f: getattr(cycle, f) for f in SETTINGS_AUDIT}
        diff = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if diff:
            record(org, actor, "review_cycle.updated", cycle, changes=diff)
    return cycle


def delete_cycle(cycle: ReviewCycle, *, expected_revision: int, actor: Actor) -> None:
    """Throw away a cycle that was never launched."""
    cycle.organization.ensure_writable()
    with transaction.atomic():
        lock_cycle(cycle, expected_revision, Status.DRAFT)
        record(cycle.organization, actor, "review_cycle.deleted", cycle)
        cycle.delete()


# --- participants and reviewers --------------------------------------------------------------


def add_participants(
    cycle: ReviewCycle,
    people: Iterable[Person],
    *,
    actor: Actor,
    expected_revision: int | None = None,
) -> list[Participant]:
    """Add people to a cycle. In an open cycle their forms are created at once, so each
    must be on a published ladder."""
    org = cycle.organization
    org.ensure_writable()
    with transaction.atomic():
        lock_cycle(cycle, expected_revision, Status.DRAFT, Status.OPEN)
        added = _new_participants(cycle, people)
        if cycle.status == Status.OPEN and added:
            for part in added:
                part.cycle = cycle
            problems = generation.pin_problems(cycle, added)
            if problems:
                raise ReviewError(
                    "Some people cannot be reviewed yet.",
                    [("participants", f"{p.person.name} {p.message}.") for p in problems],
                )
            generation.start_reviews(cycle, added)
        if added:
            record(
                org,
                actor,
                "review_cycle.participants_added",
                cycle,
                data={"participants": len(added), "names": [p.person.name for p in added][:20]},
            )
    return added


def remove_participant(participant: Participant, *, actor: Actor, expected_revision: int) -> None:
    """Take someone out of a cycle. Their unsubmitted forms go with them; someone with a
    submitted form stays (what was written is kept)."""
    cycle = participant.cycle
    cycle.organization.ensure_writable()
    with transaction.atomic():
        lock_cycle(cycle, expected_revision, Status.DRAFT, Status.OPEN)
        if ReviewForm.objects.filter(
            participant=participant, status=ReviewForm.Status.SUBMITTED
        ).exists():
            raise ReviewError(
                f"{participant.person.name} already has submitted reviews in this cycle, "
                "so they stay in it."
            )
        name = participant.person.name
        forms = ReviewForm.objects.filter(participant=participant).count()
        participant.delete()
        record(
            cycle.organization,
            actor,
            "review_cycle.participant_removed",
            cycle,
            data={"participants": name, "forms": forms},
        )


def reassign_reviewer(
    participant: Participant, *, reviewer: Person, actor: Actor, expected_revision: int
) -> Participant:
    """HR chooses who writes someone's manager review. An unsubmitted manager review moves
    to the new reviewer with what was written so far."""
    require_admin(actor)
    cycle = participant.cycle
    cycle.organization.ensure_writable()
    if reviewer.pk == participant.person_id or not reviewer.is_active:
        raise ReviewError(
            "Choose someone else.",
            [("reviewer", "Choose an active colleague other than the person reviewed.")],
        )
    with transaction.atomic():
        lock_cycle(cycle, expected_revision, Status.DRAFT, Status.OPEN)
        form = ReviewForm.objects.filter(
            participant=participant, kind=ReviewForm.Kind.MANAGER
        ).first()
        if form is not None and form.is_submitted:
            raise ReviewError("The manager review has been submitted; it cannot be reassigned.")
        before = participant.manager
        participant.manager = reviewer
        participant.manager_reassigned = True
        participant.save(update_fields=["manager", "manager_reassigned"])
        if form is not None:
            ReviewForm.objects.filter(pk=form.pk).update(reviewer=reviewer)
        elif cycle.status == Status.OPEN and cycle.manager_review:
            generation.create_forms(cycle, [(participant, reviewer.pk, ReviewForm.Kind.MANAGER)])
        PeerNomination.objects.filter(participant=participant, peer=reviewer).delete()
        record(
            cycle.organization,
            actor,
            "review_cycle.reviewer_reassigned",
            cycle,
            changes={"reviewer": [str(before or "—"), reviewer.name]},
            data={"participants": participant.person.name},
        )
    return participant


# --- peers ---------------------------------------------------------------------------------


def _may_approve(participant: Participant, actor: Actor) -> bool:
    me = person_of(actor)
    if me is not None and me.pk in (participant.manager_id, participant.person.manager_id):
        return True
    return is_admin(actor)


def nominate_peer(participant: Participant, peer: Person, *, actor: Actor) -> PeerNomination:
    """The reviewee, their manager or HR proposes a peer. A manager's or HR's nomination
    is approved at once; the reviewee's waits for the manager."""
    cycle = participant.cycle
    cycle.organization.ensure_writable()
    me = person_of(actor)
    approver = _may_approve(participant, actor)
    if not approver and (me is None or me.pk != participant.person_id):
        raise NotAllowed("Only the person reviewed, their manager or HR can nominate peers.")
    if not cycle.peers_on:
        raise ReviewError("This cycle does not ask for peer feedback.")
    problem = None
    if peer.pk == participant.person_id:
        problem = "Choose someone other than the person reviewed."
    elif peer.pk == participant.manager_id:
        problem = "The manager already writes the manager review; choose a peer."
    elif not peer.is_active:
        problem = f"{peer.name} is no longer active."
    if problem:
        raise ReviewError(problem, [("peer", problem)])
    with transaction.atomic():
        check_status(cycle, Status.DRAFT, Status.OPEN)
        nomination = PeerNomination.objects.filter(participant=participant, peer=peer).first()
        if nomination is not None and nomination.status != PeerNomination.Status.DECLINED:
            raise ReviewError(
                f"{peer.name} is already nominated.", [("peer", "Already nominated.")]
            )
        count = (
            PeerNomination.objects.filter(participant=participant)
            .exclude(status=PeerNomination.Status.DECLINED)
            .count()
        )
        if count >= MAX_PEERS:
            raise ReviewError(f"At most {MAX_PEERS} peers can be nominated.")
        nomination = nomination or PeerNomination(
            organization=cycle.organization, participant=participant, peer=peer
        )
        nomination.nominated_by = user_of(actor)
        nomination.status = PeerNomination.Status.PROPOSED
        nomination.decided_by, nomination.decided_at = None, None
        nomination.save()
        record(
            cycle.organization,
            actor,
            "peer.nominated",
            cycle,
            target_label=f"{participant.person.name} in {cycle.name}",
            data={"peer": peer.name},
        )
        if approver:
            _decide(nomination, approve=True, actor=actor)
    return nomination


def decide_peer(nomination: PeerNomination, *, approve: bool, actor: Actor) -> PeerNomination:
    """The manager (or HR) approves or declines a proposed peer."""
    participant = nomination.participant
    participant.cycle.organization.ensure_writable()
    if not _may_approve(participant, actor):
        raise NotAllowed("Only the manager or HR can approve peers.")
    with transaction.atomic():
        check_status(participant.cycle, Status.DRAFT, Status.OPEN)
        _decide(nomination, approve=approve, actor=actor)
    return nomination


def _decide(nomination: PeerNomination, *, approve: bool, actor: Actor) -> None:
    participant, cycle = nomination.participant, nomination.participant.cycle
    form = ReviewForm.objects.filter(
        participant=participant, reviewer=nomination.peer, kind=ReviewForm.Kind.PEER
    ).first()
    if not approve and form is not None:
        if form.is_submitted:
            raise ReviewError(f"{nomination.peer.name} has already submitted their feedback.")
        form.delete()
    nomination.status = (
        PeerNomination.Status.APPROVED if approve else PeerNomination.Status.DECLINED
    )
    nomination.decided_by = user_of(actor)
    nomination.decided_at = timezone.now()
    nomination.save(update_fields=["status", "decided_by", "decided_at"])
    if approve and cycle.status == Status.OPEN and form is None:
        generation.create_forms(cycle, [(participant, nomination.peer_id, ReviewForm.Kind.PEER)])
    record(
        cycle.organization,
        actor,
        "peer.approved" if approve else "peer.declined",
        cycle,
        target_label=f"{participant.person.name} in {cycle.name}",
        data={"peer": nomination.peer.name},
    )


# --- launch and copy -----------------------------------------------------------------------


def launch_cycle(cycle: ReviewCycle, *, expected_revision: int, actor: Actor) -> ReviewCycle:
    """Pin each participant's published ladder, create every form and open the cycle.
    Reviewers are e-mailed once the transaction has committed."""
    from reviews.tasks import send_cycle_emails

    org = cycle.organization
    org.ensure_writable()
    require_admin(actor)
    with transaction.atomic():
        lock_cycle(cycle, expected_revision, Status.DRAFT)
        participants = list(
            Participant.objects.filter(cycle=cycle).select_related("person", "cycle")
        )
        if not participants:
            raise ReviewError(
                "Add the people to review before launching.",
                [("participants", "Add at least one person.")],
            )
        problems = generation.pin_problems(cycle, participants)
        if problems:
            raise ReviewError(
                "Some people cannot be reviewed yet. Place them on a published ladder, or "
                "remove them from the cycle.",
                [("participants", f"{p.person.name} {p.message}.") for p in problems],
            )
        cycle.scale = ensure_scale(org).snapshot()
        forms = generation.start_reviews(cycle, participants)  # how many
        cycle.status = Status.OPEN
        cycle.launched_at = timezone.now()
        cycle.save(update_fields=["status", "launched_at", "scale"])
        record(
            org,
            actor,
            "review_cycle.launched",
            cycle,
            data={"participants": len(participants), "forms": forms},
        )
        transaction.on_commit(lambda: send_cycle_emails.enqueue(org.pk, cycle.pk, "launched"))
    return cycle


def _add_months(day: dt.date, months: int, *, month_end: bool = False) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, last if month_end else min(day.day, last))


def _mover(start: dt.date | None, end: dt.date | None) -> Callable[[dt.date], dt.date]:
    """How dates move on by one period: by whole months when the period is whole months
    (1 Jan – 30 Jun → 1 Jul – 31 Dec), otherwise by its length in days."""
    if not (start and end):
        return lambda day: day
    next_day = end + dt.timedelta(days=1)
    if start.day == 1 and next_day.day == 1:
        months = (next_day.year - start.year) * 12 + next_day.month - start.month

        def by_months(day: dt.date) -> dt.date:
            is_end = (day + dt.timedelta(days=1)).day == 1
            return _add_months(day, months, month_end=is_end)

        return by_months
    length = next_day - start
    return lambda day: day + length


def copy_cycle(source: ReviewCycle, *, actor: Actor, name: str = "") -> ReviewCycle:
    """Start the next cycle from a finished one: the same inputs and rules, the period and
    deadlines moved on by one period, the same people (re-chosen by the same rule)."""
    if not source.is_finished:
        raise ReviewError("Only a cycle whose results are released can be copied.")
    period, move = None, _mover(source.period_start, source.period_end)
    if source.period_start and source.period_end:
        period = (move(source.period_start), move(source.period_end))
    deadlines = {
        phase: (move(value) if value else None) for phase, value in source.deadlines.items()
    }
    rule = source.participant_rule or None
    people = None
    if not rule:
        people = Person.objects.filter(
            pk__in=Participant.objects.filter(cycle=source).values("person_id"), is_active=True
        )
    with transaction.atomic():
        cycle = create_cycle(
            source.organization,
            name=name or f"{source.name} (next)",
            actor=actor,
            period=period,
            participants=people,
            rule=rule,
            inputs={
                "self": source.self_review,
                "manager": source.manager_review,
                "peers": source.peer_min,
                "upward": source.upward,
            },
            include_next_level=source.include_next_level,
            deadlines=deadlines,
            peer_threshold=source.peer_threshold,
            manager_sees_self=source.manager_sees_self,
            peer_competency_uids=source.peer_competency_uids,
        )
        cycle.copied_from = source
        cycle.save(update_fields=["copied_from"])
        record(cycle.organization, actor, "review_cycle.copied", cycle, data={"from": source.name})
    return cycle


def choose_participants(
    cycle: ReviewCycle, *, rule: dict[str, Any], expected_revision: int, actor: Actor
) -> int:
    """Set who takes part in a cycle being set up by a rule (see `people_for_rule`):
    people the rule no longer picks leave, new ones join. Returns how many take part."""
    org = cycle.organization
    org.ensure_writable()
    if rule.get("kind") not in RULE_KINDS:
        raise ReviewError("Choose who takes part.", [("kind", "Choose who takes part.")])
    if rule["kind"] != "everyone" and not rule.get("ids"):
        raise ReviewError("Choose at least one.", [(rule["kind"], "Choose at least one.")])
    with transaction.atomic():
        lock_cycle(cycle, expected_revision, Status.DRAFT)
        people = list(people_for_rule(rule))
        keep = {p.pk for p in people}
        Participant.objects.filter(cycle=cycle).exclude(person_id__in=keep).delete()
        _new_participants(cycle, people)
        cycle.participant_rule = rule
        cycle.save(update_fields=["participant_rule"])
        count = Participant.objects.filter(cycle=cycle).count()
        record(
            org,
            actor,
            "review_cycle.updated",
            cycle,
            data={"participants": count, "rule": rule.get("kind")},
        )
    return count
