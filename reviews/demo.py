"""Review cycles for the demo organization (called by `core.demo.seed`): every demo person
gets a login with the demo password, a finished cycle shows results, and a cycle in
progress has forms in every state, late ones included. Deterministic for a seed."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from organizations.models import Organization, Role
from organizations.services import add_member, create_user
from people.models import Person
from people.services import ensure_person_for_user
from reviews import services
from reviews.models import FinalRating, FormItem, Participant, ReviewCycle, ReviewForm


def give_everyone_a_login(org: Organization, owner: Any, password: str) -> int:
    """Each person without a login gets one (role: member), so every role can be tried."""
    User = get_user_model()
    hashed = make_password(password)  # hashing once keeps the seed fast
    made = 0
    for person in Person.objects.filter(user__isnull=True, is_active=True).order_by("pk"):
        user = User.objects.filter(email=person.email).first()
        if user is None:
            user = create_user(person.email, password=None, name=person.name)
            user.password = hashed
            user.save(update_fields=["password"])
        add_member(org, user, role=Role.MEMBER, actor=owner)
        ensure_person_for_user(org, user, actor=owner)
        made += 1
    return made


def _rating(rng: random.Random, base: float) -> int:
    return max(1, min(5, round(base + rng.gauss(0, 0.7))))


def _fill(
    form: ReviewForm, rng: random.Random, base: float, *, submit: bool, share: float = 1.0
) -> None:
    reviewer = form.reviewer.user
    items = list(FormItem.objects.filter(form=form, archived=False).order_by("position"))
    items = items[: max(1, round(len(items) * share))]
    answers = []
    for n, it in enumerate(items):
        answer: dict[str, Any] = {"statement": it.statement_uid, "rating": _rating(rng, base)}
        if form.kind == ReviewForm.Kind.MANAGER and n % 3 == 0:
            answer["comment"] = rng.choice(COMMENTS)
            answer["evidence"] = rng.choice(EVIDENCE)
            answer["evidence_kind"] = rng.choice(["written_artifact", "decision_record", "metric"])
        elif n % 4 == 0:
            answer["comment"] = rng.choice(COMMENTS)
        answers.append(answer)
    summaries = None
    overall = None
    if form.kind in (ReviewForm.Kind.SELF, ReviewForm.Kind.MANAGER):
        overall = rng.choice(OVERALL)
    revision = services.save_answers(
        form,
        answers=answers,
        expected_revision=form.revision,
        actor=reviewer,
        overall_comment=overall,
        summaries=summaries,
    )
    if submit:
        services.submit_form(form, expected_revision=revision, actor=reviewer)


COMMENTS = [
    "Did this well on the onboarding redesign.",
    "Clear examples in the Q3 planning documents.",
    "Still relies on the team lead for this; next step is to own it.",
    "The customer interview synthesis was a good example.",
    "Consistent across the half, including under deadline pressure.",
    "Would like to see this in cross-team work too.",
]
EVIDENCE = [
    "https://wiki.example/prd-checkout-v2",
    "Decision log, pricing experiment, March",
    "Activation up from 31% to 36% after the change",
    "https://docs.example/q3-roadmap",
]
OVERALL = [
    "A strong half with clear growth in ownership.",
    "Good progress; the next step is leading work across teams.",
    "Solid delivery. Focus next on written communication.",
]


def _peers_for(part: Participant, pool: list[Person], rng: random.Random, n: int) -> list[Person]:
    choices = [p for p in pool if p.pk not in (part.person_id, part.manager_id)]
    rng.shuffle(choices)
    return choices[:n]


# Large demo organizations (benchmarks) get the same cycles, with answers for the first
# people only, so seeding stays quick.
PAST_PEOPLE = 25
ACTIVE_PEOPLE = 60


def _nominate(cycle: ReviewCycle, rng: random.Random, hr: Any, *, share: float = 1.0) -> None:
    parts = list(
        Participant.objects.filter(cycle=cycle)
        .select_related("person", "cycle")
        .order_by("person__name")[:ACTIVE_PEOPLE]
    )
    pool = [p.person for p in parts]
    for part in parts[: round(len(parts) * share)]:
        for peer in _peers_for(part, pool, rng, cycle.peer_min):
            services.nominate_peer(part, peer, actor=hr)


def seed_reviews(org: Organization, owner: Any, rng: random.Random, *, past: bool) -> None:
    """A cycle in progress; with `past`, first a finished one (released, calibrated with a
    reason, some conversations acknowledged) — without it, growth's history is the past
    and a few of its latest conversations get acknowledged. Call `give_everyone_a_login`
    first."""
    hr = Person.objects.filter(email=f"hr@{org.slug}.test").first()
    hr_user = hr.user if hr else owner
    today = timezone.localdate()
    if past:
        _past_cycle(org, hr_user, rng, today)
    else:
        _acknowledge_some(ReviewCycle.objects.filter(status="released").order_by("-released_at"))
    _current_cycle(org, hr_user, rng, today)


def _acknowledge_some(released: Any) -> None:
    """Half of the latest released cycle's recorded conversations are acknowledged (never
    the demo employee's: trying that is theirs)."""
    cycle = released.first()
    if cycle is None:
        return
    parts = (
        Participant.objects.filter(cycle=cycle, conversation_on__isnull=False)
        .select_related("person__user", "cycle")
        .order_by("person__name")
    )
    for n, part in enumerate(parts):
        user = part.person.user
        if n % 2 == 0 and user is not None and not part.person.email.startswith("employee@"):
            services.acknowledge(part, comment="", actor=user)


def open_calibration_with_a_raise(cycle: ReviewCycle, hr: Any, *, reason: str) -> None:
    """Open calibration of `cycle` (answered) and raise its first final rating by one, with
    `reason`: a calibrated rating for the demo to show."""
    cycle.refresh_from_db()
    services.open_calibration(cycle, expected_revision=cycle.revision, actor=hr)
    row = FinalRating.objects.filter(participant__cycle=cycle, final__isnull=False).first()
    if row is not None and row.final is not None:
        services.set_final_rating(
            row.participant,
            competency_uid=row.competency_uid,
            rating=min(5, round(row.final) + 1),
            reason=reason,
            actor=hr,
        )


def _past_cycle(org: Organization, hr: Any, rng: random.Random, today: dt.date) -> None:
    year = today.year - 1
    cycle = services.create_cycle(
        org,
        name=f"{year} year-end review",
        actor=hr,
        period=(dt.date(year, 7, 1), dt.date(year, 12, 31)),
        rule={"kind": "people", "ids": _past_people(org)},
        inputs={"self": True, "manager": True, "peers": 3},
        include_next_level=True,
        deadlines={"self": dt.date(year + 1, 1, 16), "peer": dt.date(year + 1, 1, 23)},
    )
    _nominate(cycle, rng, hr)
    cycle.refresh_from_db()
    services.launch_cycle(cycle, expected_revision=cycle.revision, actor=hr)
    base = {p.person_id: rng.uniform(2.4, 3.8) for p in Participant.objects.filter(cycle=cycle)}
    for form in ReviewForm.objects.filter(cycle=cycle).select_related("reviewer__user", "cycle"):
        if form.reviewer.user is not None:
            _fill(form, rng, base[form.participant.person_id], submit=True)
    open_calibration_with_a_raise(
        cycle, hr, reason="Led the pricing experiment end to end; the manager's review missed it."
    )
    cycle.refresh_from_db()
    services.finalize_calibration(cycle, expected_revision=cycle.revision, actor=hr)
    cycle.refresh_from_db()
    services.release_cycle(cycle, expected_revision=cycle.revision, actor=hr)
    for n, part in enumerate(
        Participant.objects.filter(cycle=cycle).select_related(
            "person__user", "manager__user", "person"
        )
    ):
        if n % 3 == 2 or part.manager is None or part.manager.user is None:
            continue
        services.record_conversation(
            part,
            held_on=today - dt.timedelta(days=20 + n),
            notes="Went through each competency; agreed to focus on discovery next.",
            actor=part.manager.user,
        )
        if n % 2 == 0 and part.person.user is not None and "employee@" not in part.person.email:
            services.acknowledge(part, comment="", actor=part.person.user)


def _past_people(org: Organization) -> list[str]:
    """The product team (the demo employee and manager among them), at most PAST_PEOPLE."""
    people = Person.objects.filter(job_family__key="product-management").exclude(level_uid="")
    demo = [f"employee@{org.slug}.test", f"manager@{org.slug}.test"]
    first = list(people.filter(email__in=demo))
    rest = people.exclude(email__in=demo).order_by("name")[: PAST_PEOPLE - len(first)]
    return [p.public_id for p in [*first, *rest]]


def _current_cycle(org: Organization, hr: Any, rng: random.Random, today: dt.date) -> None:
    quarter = (today.month - 1) // 3
    start = dt.date(today.year, 3 * quarter + 1, 1)
    end = dt.date(today.year + (quarter == 3), (3 * quarter + 3) % 12 + 1, 1) - dt.timedelta(1)
    cycle = services.create_cycle(
        org,
        name=f"Q{quarter + 1} {today.year} review",
        actor=hr,
        period=(start, end),
        rule={"kind": "everyone"},
        inputs={"self": True, "manager": True, "peers": 3},
        include_next_level=True,
        deadlines={
            "nominations": today - dt.timedelta(days=6),
            "self": today - dt.timedelta(days=1),
            "peer": today + dt.timedelta(days=6),
            "manager": today + dt.timedelta(days=13),
            "calibration": today + dt.timedelta(days=24),
        },
    )
    _nominate(cycle, rng, hr, share=0.8)
    cycle.refresh_from_db()
    services.launch_cycle(cycle, expected_revision=cycle.revision, actor=hr)
    base = {p.person_id: rng.uniform(2.4, 3.9) for p in Participant.objects.filter(cycle=cycle)}
    active = list(
        Participant.objects.filter(cycle=cycle)
        .order_by("person__name")
        .values_list("pk", flat=True)[:ACTIVE_PEOPLE]
    )
    forms = ReviewForm.objects.filter(cycle=cycle, participant_id__in=active).select_related(
        "reviewer__user", "cycle", "participant"
    )
    for form in forms.order_by("pk"):
        user = form.reviewer.user
        if user is None or form.reviewer.email.startswith(("employee@", "manager@")):
            continue  # the demo employee and manager find their reviews to do
        roll = rng.random()
        level = base[form.participant.person_id]
        if form.kind == ReviewForm.Kind.SELF:
            if roll < 0.55:
                _fill(form, rng, level + 0.2, submit=True)
            elif roll < 0.8:
                _fill(form, rng, level + 0.2, submit=False, share=0.5)
        elif form.kind == ReviewForm.Kind.PEER:
            if roll < 0.45:
                _fill(form, rng, level, submit=True)
            elif roll < 0.6:
                _fill(form, rng, level, submit=False, share=0.4)
        elif form.kind == ReviewForm.Kind.MANAGER and roll < 0.25:
            _fill(form, rng, level, submit=False, share=0.6)
