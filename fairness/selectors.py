"""Reading fairness data: a person's own volunteered answers, and the analysis of an
organization's promotion decisions (decided cases joined with volunteered answers, plus
uploaded past decisions). The only places volunteered answers are read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fairness.analysis import NOT_ANSWERED, Analysis, Observation, analyse
from fairness.models import (
    DemographicAnswer,
    DemographicAttribute,
    PastDecision,
    PastDecisionUpload,
    reading_demographics,
)
from fairness.pastfile import PastRow
from people.models import Person
from promotions.selectors import decision_facts


def attributes(*, active_only: bool = True) -> list[DemographicAttribute]:
    qs = DemographicAttribute.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    return list(qs.order_by("position", "id"))


@dataclass
class MyAnswer:
    attribute: DemographicAttribute
    value: str  # "" when not answered


def answers_for(person: Person) -> list[MyAnswer]:
    """The person's own answers to each active question (their page only)."""
    questions = attributes()
    with reading_demographics("self"):
        given = dict(
            DemographicAnswer.objects.filter(person=person).values_list("attribute_id", "value")
        )
    return [MyAnswer(q, given.get(q.pk, "")) for q in questions]


@dataclass
class Sources:
    cases: int
    past: int
    uploads: int
    attributes: int


def observations(extra: Iterable[PastRow] = ()) -> tuple[list[Observation], Sources]:
    """Every decision to analyse, once per attribute (five queries)."""
    facts = decision_facts()
    questions = attributes()
    with reading_demographics("analytics"):
        given = {
            (p, a): v
            for p, a, v in DemographicAnswer.objects.filter(
                person_id__in={f.person_id for f in facts}
            ).values_list("person_id", "attribute_id", "value")
        }
    found = [
        Observation(
            attribute=q.name,
            group=given.get((f.person_id, q.pk)) or NOT_ANSWERED,
            promoted=f.promoted,
            rating=f.rating,
            days_in_level=f.days_in_level,
        )
        for f in facts
        for q in questions
    ]
    past = list(PastDecision.objects.values_list("attribute", "group", "promoted"))
    extra = list(extra)
    found += [Observation(a, g, p) for a, g, p in past]
    found += [Observation(r.attribute, r.group, r.promoted) for r in extra]
    return found, Sources(
        cases=len(facts),
        past=len(past) + len(extra),
        uploads=PastDecisionUpload.objects.count(),
        attributes=len(questions),
    )


def fairness_analysis(extra: Iterable[PastRow] = ()) -> tuple[Analysis, Sources]:
    """The analysis of the active organization (call inside its scope)."""
    found, sources = observations(extra)
    return analyse(found), sources


def uploads() -> list[PastDecisionUpload]:
    return list(PastDecisionUpload.objects.select_related("uploaded_by").order_by("-uploaded_at"))
