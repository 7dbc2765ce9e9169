"""Shared steps of the review-cycle tests: an open cycle for Emma with self, manager and
three peers, and filling in forms through the services."""

from __future__ import annotations

from typing import Any

from reviews import services
from reviews.models import FormItem, Participant, ReviewCycle, ReviewForm


def open_cycle(world: Any, t: Any, *, people: list[Any] | None = None, **kw: Any) -> ReviewCycle:
    kw.setdefault("inputs", {"self": True, "manager": True, "peers": 3})
    cycle = services.create_cycle(
        world.acme,
        name="2026 mid-year",
        actor=world.hr,
        participants=people if people is not None else [t.emma],
        **kw,
    )
    if cycle.peer_min:
        part = Participant.objects.get(cycle=cycle, person=t.emma)
        for peer in t.peers:
            services.nominate_peer(part, peer, actor=world.manager)
    cycle.refresh_from_db()
    services.launch_cycle(cycle, expected_revision=cycle.revision, actor=world.hr)
    cycle.refresh_from_db()
    return cycle


def form_of(cycle: ReviewCycle, kind: str, reviewer: Any = None, person: Any = None) -> ReviewForm:
    qs = ReviewForm.objects.filter(cycle=cycle, kind=kind)
    if reviewer is not None:
        qs = qs.filter(reviewer=reviewer)
    if person is not None:
        qs = qs.filter(participant__person=person)
    return qs.get()


def fill(
    form: ReviewForm,
    user: Any,
    ratings: dict[str, int] | list[int] | int,
    *,
    submit: bool = True,
    comment: str = "",
) -> ReviewForm:
    """Rate every live item (a dict by competency name, a list in order, or one value)."""
    form.refresh_from_db()
    items = list(FormItem.objects.filter(form=form, archived=False).order_by("position", "id"))
    answers = []
    for n, item in enumerate(items):
        if isinstance(ratings, dict):
            value = ratings[item.competency_name]
        elif isinstance(ratings, list):
            value = ratings[n]
        else:
            value = ratings
        answers.append(
            {"statement": item.statement_uid, "rating": value, "comment": comment, "evidence": ""}
        )
    revision = services.save_answers(
        form, answers=answers, expected_revision=form.revision, actor=user
    )
    if submit:
        services.submit_form(form, expected_revision=revision, actor=user)
    form.refresh_from_db()
    return form
