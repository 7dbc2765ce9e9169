"""The write path for fairness data: the questions HR asks, the answers people volunteer
(only about themselves; never written to the audit log), and uploads of past decisions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from fairness import tasks
from fairness.models import (
    PREFER_NOT,
    DemographicAnswer,
    DemographicAttribute,
    PastDecision,
    PastDecisionUpload,
    SignificanceResult,
    reading_demographics,
)
from fairness.pastfile import read_past_decisions
from fairness.significance import Comparison, Counts
from organizations.actors import Actor, user_of
from organizations.audit import record
from people.models import Person
from reviews.errors import NotAllowed, ReviewError, StaleError
from reviews.services.common import claim_revision, person_of, require_admin


class FairnessError(ReviewError):
    """A change that cannot be made; `errors` per field."""


def _options(lines: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for line in lines:
        text = " ".join(str(line).split())[:120]
        if text and text.lower() != PREFER_NOT.lower() and text.lower() not in seen:
            seen[text.lower()] = text
    return list(seen.values())


def _check_attribute(name: str, options: list[str], exclude: int | None = None) -> None:
    errors = []
    if not name:
        errors.append(("name", "Name the question, for example “Gender”."))
    elif DemographicAttribute.objects.filter(name__iexact=name).exclude(pk=exclude or 0).exists():
        errors.append(("name", f"There is already a question called “{name}”."))
    if len(options) < 2:
        errors.append(("options", "Offer at least two answers, one per line."))
    if errors:
        raise FairnessError("The question was not saved.", errors)


def create_attribute(
    org: Any, *, actor: Actor, name: str, options: Iterable[str]
) -> DemographicAttribute:
    org.ensure_writable()
    require_admin(actor)
    name, choices = " ".join(name.split())[:80], _options(options)
    _check_attribute(name, choices)
    with transaction.atomic():
        last = DemographicAttribute.objects.aggregate(m=Max("position"))["m"]
        attribute = DemographicAttribute.objects.create(
            organization=org, name=name, options=choices, position=(last or 0) + 1
        )
        record(org, actor, "demographics.attribute_created", attribute, data={"options": choices})
    return attribute


def update_attribute(
    attribute: DemographicAttribute,
    *,
    actor: Actor,
    expected_revision: int,
    name: str,
    options: Iterable[str],
    is_active: bool = True,
) -> DemographicAttribute:
    """Answers already given stay as they were (an answer no longer offered is still the
    person's group in the analysis until they change it)."""
    org = attribute.organization
    org.ensure_writable()
    require_admin(actor)
    name, choices = " ".join(name.split())[:80], _options(options)
    _check_attribute(name, choices, exclude=attribute.pk)
    with transaction.atomic():
        before = {
            "name": attribute.name,
            "options": attribute.options,
            "active": attribute.is_active,
        }
        claim_revision(DemographicAttribute, attribute, expected_revision, "this question")
        attribute.name, attribute.options, attribute.is_active = name, choices, is_active
        attribute.save(update_fields=["name", "options", "is_active"])
        after = {"name": name, "options": choices, "active": is_active}
        record(
            org,
            actor,
            "demographics.attribute_changed",
            attribute,
            changes={k: [before[k], after[k]] for k in before if before[k] != after[k]},
        )
    return attribute


def refresh_significance(org: Any) -> None:
    """What the analysis counts has changed (a decision, someone's answers, an upload):
    once the change commits, the worker works out the new figures
    (`tasks.work_out_significance`). Once a transaction: a demo seed or a bulk change
    queues one task, not one per person."""
    connection = transaction.get_connection()
    if any(getattr(f, "significance_of", None) == org.pk for _, f, _ in connection.run_on_commit):
        return

    def enqueue() -> None:
        tasks.work_out_significance.enqueue(org.pk)

    enqueue.significance_of = org.pk  # type: ignore[attr-defined]
    transaction.on_commit(enqueue)


def set_my_answers(person: Person, *, actor: Actor, answers: dict[str, str]) -> None:
    """Someone volunteers (or withdraws) answers about themselves: {question public id:
    answer, or "" to withdraw}. Only the person may do this; the audit log records that
    they changed their answers, never the answers."""
    org = person.organization
    org.ensure_writable()
    me = person_of(actor)
    if me is None or me.pk != person.pk:
        raise NotAllowed("Only the person themselves can give or change these answers.")
    questions = {q.public_id: q for q in DemographicAttribute.objects.filter(is_active=True)}
    errors = []
    for key, value in answers.items():
        q = questions.get(key)
        if q is None:
            errors.append((f"q-{key}", "That question is no longer asked."))
        elif value and value not in q.choices:
            errors.append((f"q-{key}", f"Choose one of the answers offered for {q.name}."))
    if errors:
        raise FairnessError("Your answers were not saved.", errors)
    with transaction.atomic(), reading_demographics("self"):
        mine = {a.attribute_id: a for a in DemographicAnswer.objects.filter(person=person)}
        changed = False
        for key, value in answers.items():
            q = questions[key]
            current = mine.get(q.pk)
            if not value:
                if current is not None:
                    current.delete()
                    changed = True
            elif current is None:
                DemographicAnswer.objects.create(
                    organization=org, person=person, attribute=q, value=value
                )
                changed = True
            elif current.value != value:
                current.value, current.updated_at = value, timezone.now()
                current.save(update_fields=["value", "updated_at"])
                changed = True
        if changed:
            record(org, actor, "demographics.answers_changed", person, target_label=person.name)
            refresh_significance(org)


def upload_past_decisions(
    org: Any, *, actor: Actor, filename: str, data: bytes, default_attribute: str
) -> PastDecisionUpload:
    """Keep a CSV of past promotion decisions for the analysis (all rows or none)."""
    org.ensure_writable()
    require_admin(actor)
    default_attribute = " ".join(default_attribute.split())[:80]
    if not default_attribute:
        raise FairnessError(
            "The file was not used.",
            [
                (
                    "attribute",
                    "Say which attribute the groups are (e.g. Gender) for rows without one.",
                )
            ],
        )
    parsed = read_past_decisions(data, default_attribute=default_attribute)
    if not parsed.ok:
        raise FairnessError(
            "The file was not used: correct these rows and upload it again.",
            [("file", p) for p in parsed.problems],
        )
    with transaction.atomic():
        upload = PastDecisionUpload.objects.create(
            organization=org,
            filename=filename[:200] or "decisions.csv",
            default_attribute=default_attribute,
            rows=len(parsed.rows),
            uploaded_by=user_of(actor),
        )
        PastDecision.objects.bulk_create(
            [
                PastDecision(
                    organization=org,
                    upload=upload,
                    email=r.email,
                    attribute=r.attribute,
                    group=r.group,
                    promoted=r.promoted,
                    decision_date=r.decision_date,
                )
                for r in parsed.rows
            ],
            batch_size=1000,
        )
        record(
            org,
            actor,
            "fairness.decisions_uploaded",
            upload,
            data={"file": upload.filename, "rows": upload.rows},
        )
        refresh_significance(org)
    return upload


def remove_upload(upload: PastDecisionUpload, *, actor: Actor) -> None:
    org = upload.organization
    org.ensure_writable()
    require_admin(actor)
    with transaction.atomic():
        record(
            org,
            actor,
            "fairness.decisions_removed",
            upload,
            data={"file": upload.filename, "rows": upload.rows},
        )
        upload.delete()
        refresh_significance(org)


__all__ = [
    "FairnessError",
    "NotAllowed",
    "StaleError",
    "create_attribute",
    "refresh_significance",
    "remove_upload",
    "set_my_answers",
    "update_attribute",
    "upload_past_decisions",
]


def store_significance(versions: str, figures: dict[Counts, Comparison]) -> None:
    """Keep figures a child process worked out, for every process (not tenant data: a
    table of counts and the libraries' answer; a second store of the same table is a no-op)."""
    SignificanceResult.objects.bulk_create(
        [
            SignificanceResult(
                promoted=a,
                considered=b,
                reference_promoted=c,
                reference_considered=d,
                libraries=versions,
                test=result.test,
                statistic=result.statistic,
                p_value=result.p_value,
            )
            for (a, b, c, d), result in figures.items()
        ],
        ignore_conflicts=True,  # another process stored the same table a moment ago
    )
