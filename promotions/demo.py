"""Promotions in the demo organization: cases in every state, two rounds, and the data
the promotion-fairness page analyses. Deterministic: people are chosen in name order
and the words come from fixed lists, so the same seed gives the same demo.

- A round decided and closed: one promotion approved (the person moved through the
  people service), one declined.
- The demo employee's case decided "not yet", with the gaps they can accept.
- An open round with two cases in review (approvers and reviewers named, one verdict).
- A case the demo manager is still writing, and a withdrawn one.
- Fairness: two volunteered questions, answers from some people, and a CSV of past
  decisions with a flagged group and a group small enough to be suppressed."""

from __future__ import annotations

import random
from typing import Any

from django.utils import timezone

from organizations.actors import Actor
from organizations.models import Organization
from people.models import Person
from promotions import services
from promotions.models import CaseStatement, PromotionCase
from promotions.selectors import Candidate, candidates_for

WORDS = [
    "Led the pricing experiment from the first interview to the launch review.",
    "Set the quarter's plan for the team and kept it when priorities moved.",
    "Mentors two newer colleagues; both now run their own discovery work.",
    "Wrote the decision record the whole area now uses for trade-offs.",
    "Took over the onboarding flow mid-project and shipped it on the agreed date.",
    "Brings data to every roadmap discussion and changes minds with it.",
]


def _user(person: Person | None) -> Any:
    return person.user if person is not None else None


def _write(case: PromotionCase, actor: Actor, rng: random.Random, *, all_of_them: bool) -> None:
    uids = list(
        CaseStatement.objects.filter(case=case)
        .order_by("position")
        .values_list("statement_uid", flat=True)
    )
    if not all_of_them:
        uids = uids[: max(1, len(uids) // 2)]
    services.save_case(
        case,
        actor=actor,
        expected_revision=case.revision,
        summary=rng.choice(WORDS) + " " + rng.choice(WORDS),
        arguments={u: rng.choice(WORDS) for u in uids},
    )
    case.refresh_from_db()


def _open(
    c: Candidate, actor: Actor, rng: random.Random, *, ready_first: bool = True
) -> PromotionCase:
    target = c.best if ready_first and c.best else c.targets[0]
    return services.open_case(c.person, actor=actor, target_level_uid=target.level_uid)


def _in_review(
    c: Candidate, actor: Actor, rng: random.Random, approvers: list[Person], reviewers: list[Person]
) -> PromotionCase:
    case = _open(c, actor, rng)
    _write(case, actor, rng, all_of_them=True)
    services.set_case_people(
        case,
        actor=actor,
        expected_revision=case.revision,
        approvers=[p for p in approvers if p.pk != c.person.pk],
        reviewers=[p for p in reviewers if p.pk != c.person.pk],
    )
    case.refresh_from_db()
    services.submit_case(case, actor=actor, expected_revision=case.revision)
    case.refresh_from_db()
    return case


def seed_promotions(org: Organization, rng: random.Random) -> None:
    """Call inside scope(org), after the review history (cases need released reviews)."""
    slug = org.slug
    people = {p.email: p for p in Person.objects.filter(is_active=True).select_related("user")}
    hr = people.get(f"hr@{slug}.test")
    owner = people.get(f"owner@{slug}.test")
    manager = people.get(f"manager@{slug}.test")
    employee = people.get(f"employee@{slug}.test")
    carmen = people.get(f"carmen@{slug}.test")
    hr_user = _user(hr)
    if hr is None or owner is None or hr_user is None:
        return
    everyone = sorted(people.values(), key=lambda p: (p.name, p.pk))
    found = [c for c in candidates_for(org, everyone) if c.targets and c.cycle is not None]
    leaders = {p.pk for p in (hr, owner, manager, carmen) if p is not None}
    pool = [c for c in found if c.person.pk not in leaders and c.person != employee]
    # the readiest first (the figure of their best target), then by name
    ordered = sorted(
        pool,
        key=lambda c: (
            not c.ready,
            -(c.best.readiness.exact_percent if c.best else 0),
            c.person.name,
        ),
    )
    if len(ordered) < 5:
        return
    directors = [p for p in (carmen, owner) if p is not None]
    today = timezone.localdate()

    # a closed round: one approved, one declined
    closed = services.create_round(
        org, actor=hr_user, name=f"{today.year - 1} year-end promotions", committee=[hr, owner]
    )
    approved = _in_review(ordered[0], hr_user, rng, approvers=directors[:1], reviewers=[hr])
    declined = _in_review(ordered[-1], hr_user, rng, approvers=[], reviewers=[hr])
    closed.refresh_from_db()
    services.update_round(
        closed,
        actor=hr_user,
        expected_revision=closed.revision,
        name=closed.name,
        committee=[hr, owner],
        cases=[approved, declined],
    )
    for case in (approved, declined):
        case.refresh_from_db()
    if directors:
        services.record_verdict(
            approved,
            actor=_user(directors[0]),
            verdict="approve",
            comment="The evidence matches every statement; the pricing work alone shows it.",
        )
        approved.refresh_from_db()
    services.decide_case(
        approved,
        actor=_user(owner),
        expected_revision=approved.revision,
        decision="approve",
        rationale=f"The latest review put {approved.person.name} at "
        f"{approved.readiness.get('figure', 'the readiness figure')}; the case brings evidence "
        "for the remaining statements from the platform migration and two design reviews. "
        "The committee agreed unanimously.",
        effective_date=today.replace(day=1),
    )
    services.decide_case(
        declined,
        actor=_user(owner),
        expected_revision=declined.revision,
        decision="decline",
        rationale="The latest review rates most of the level's statements below the bar, "
        "and the case does not yet bring other evidence for them.",
    )
    closed.refresh_from_db()
    services.close_round(closed, actor=hr_user, expected_revision=closed.revision)

    # the demo employee: "not yet", with gaps to accept
    mine = next((c for c in found if c.person == employee), None)
    if mine is not None and manager is not None and _user(manager) is not None:
        case = _in_review(mine, _user(manager), rng, approvers=[], reviewers=[hr])
        missing = case.readiness.get("missing") or []
        uids = list(CaseStatement.objects.filter(case=case).values_list("statement_uid", flat=True))
        services.decide_case(
            case,
            actor=hr_user,
            expected_revision=case.revision,
            decision="not_yet",
            rationale="Strong delivery, but the level's strategy statements are not shown yet. "
            "Take the two gaps below into your plan; we look again after the next review.",
            gaps=(missing or uids)[:2],
        )

    # an open round: two cases in review
    spring = [
        _in_review(c, hr_user, rng, approvers=directors[:1], reviewers=[hr]) for c in ordered[1:3]
    ]
    committee = [p for p in (hr, owner, carmen) if p is not None]
    services.create_round(
        org,
        actor=hr_user,
        name=f"Spring {today.year} promotions",
        committee=committee,
        cases=spring,
        notes="Read each case before the meeting; we decide them side by side.",
    )
    if directors and _user(directors[0]) is not None:
        spring[0].refresh_from_db()
        services.record_verdict(
            spring[0], actor=_user(directors[0]), verdict="approve", comment="Ready."
        )

    # being written by the demo manager (one of their reports), and a withdrawn case
    theirs = [c for c in ordered[3:] if manager is not None and c.person.manager_id == manager.pk]
    writer = _user(manager) if theirs else hr_user
    draft = _open((theirs or ordered[3:])[0], writer, rng)
    _write(draft, writer, rng, all_of_them=False)
    rest = [c for c in ordered[3:-1] if c.person != draft.person]
    if rest:
        gone = _open(rest[0], hr_user, rng)
        services.withdraw_case(
            gone,
            actor=hr_user,
            expected_revision=gone.revision,
            reason="Moved to the data team; a new case will follow their first review there.",
        )
