"""Fairness data for the demo organization: two volunteered questions, answers from some
people (never the demo employee: answering is theirs to try), and a CSV of past
decisions in which one group's rate is under four-fifths of the best (flagged) and one
group is too small to show (suppressed). Deterministic for a given seed."""

from __future__ import annotations

import datetime as dt
import random

from fairness.models import DemographicAttribute
from fairness.services import create_attribute, set_my_answers, upload_past_decisions
from organizations.actors import Actor
from organizations.models import Organization
from people.models import Person

# attribute, group, considered, promoted: 48 of 80 against 21 of 50 (ratio 0.70), and a
# group of 4 (suppressed; "Prefer not to say", never compared, is hidden with it so the 4
# cannot be worked out from the totals)
PAST = [
    ("Gender", "Man", 80, 48),
    ("Gender", "Woman", 50, 21),
    ("Gender", "Non-binary", 4, 2),
    ("Gender", "Prefer not to say", 12, 6),
    ("Age band", "Under 30", 40, 20),
    ("Age band", "30–44", 60, 31),
    ("Age band", "45 and over", 34, 20),
]
QUESTIONS = [
    ("Gender", ["Woman", "Man", "Non-binary"]),
    ("Age band", ["Under 30", "30–44", "45 and over"]),
]


def past_decisions_csv(year: int) -> bytes:
    lines = ["email,attribute,group,promoted,decision_date"]
    n = 0
    for attribute, group, considered, promoted in PAST:
        for i in range(considered):
            n += 1
            day = dt.date(year - 1 - i % 3, 3 + 6 * (i % 2), 15)
            yes = "yes" if i < promoted else "no"
            lines.append(f"former{n}@example.com,{attribute},{group},{yes},{day.isoformat()}")
    return ("\n".join(lines) + "\n").encode()


def seed_fairness(org: Organization, actor: Actor, rng: random.Random, today: dt.date) -> None:
    """Call inside scope(org)."""
    asked = ask_questions(org, actor)
    people = Person.objects.filter(is_active=True, user__isnull=False).select_related("user")
    for person in people.order_by("name", "pk"):
        if person.email.startswith("employee@") or rng.random() < 0.3:
            continue
        volunteer_answers(person, asked, rng)
    upload_past(org, actor, today, filename="promotions-before-2026.csv")


def ask_questions(org: Organization, actor: Actor) -> list[DemographicAttribute]:
    """The demo's questions (`QUESTIONS`), asked by `actor`."""
    return [create_attribute(org, actor=actor, name=n, options=o) for n, o in QUESTIONS]


def volunteer_answers(
    person: Person, asked: list[DemographicAttribute], rng: random.Random
) -> None:
    """`person` answers each of the `asked` questions with a choice drawn from `rng`."""
    answers = {q.public_id: q.choices[rng.randrange(len(q.choices))] for q in asked}
    set_my_answers(person, actor=person.user, answers=answers)


def upload_past(org: Organization, actor: Actor, today: dt.date, *, filename: str) -> None:
    """The past decisions of `PAST` as an uploaded CSV named `filename`."""
    upload_past_decisions(
        org,
        actor=actor,
        filename=filename,
        data=past_decisions_csv(today.year),
        default_attribute="Gender",
    )
