"""Reading fairness data: a person's own volunteered answers, and the analysis of an
organization's promotion decisions (decided cases joined with volunteered answers, plus
uploaded past decisions). The only places volunteered answers are read."""

from __future__ import annotations

import functools
import operator
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from fairness import services
from fairness.analysis import NOT_ANSWERED, Analysis, Observation, analyse
from fairness.models import (
    DemographicAnswer,
    DemographicAttribute,
    PastDecision,
    PastDecisionUpload,
    SignificanceResult,
    reading_demographics,
)
from fairness.pastfile import PastRow
from fairness.significance import Comparison, Counts, in_child, libraries
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


# what this process has already had a child work out: saves a child when the stored rows
# are not there yet (still to be committed, or rolled back in a test); bounded
_worked_out: dict[tuple[str, Counts], Comparison] = {}
MAX_WORKED_OUT = 10_000


def significance_of(tables: Collection[Counts]) -> dict[Counts, Comparison]:
    """The library's figures for each table of counts, without loading the library into
    this process: the stored ones (one query), and the missing ones from a short-lived
    child process (`fairness.significance.in_child`), stored for every process once this
    request's transaction commits (a page's own queries do not change with what is stored
    already). The same floats as `fairness.significance.compare` gives."""
    if not tables:
        return {}
    versions = libraries()
    wanted = functools.reduce(
        operator.or_,
        (
            Q(promoted=a, considered=b, reference_promoted=c, reference_considered=d)
            for a, b, c, d in tables
        ),
    )
    rows = SignificanceResult.objects.filter(wanted, libraries=versions).values_list(
        "promoted",
        "considered",
        "reference_promoted",
        "reference_considered",
        "test",
        "statistic",
        "p_value",
    )
    found = {(a, b, c, d): Comparison(test, stat, p) for a, b, c, d, test, stat, p in rows}
    missing = [t for t in tables if t not in found]
    if not missing:
        return found
    known = {t: _worked_out[(versions, t)] for t in missing if (versions, t) in _worked_out}
    rest = [t for t in missing if t not in known]
    new = in_child(rest) if rest else {}
    if len(_worked_out) + len(new) > MAX_WORKED_OUT:
        _worked_out.clear()
    _worked_out.update({(versions, t): c for t, c in new.items()})
    known.update(new)
    transaction.on_commit(lambda: services.store_significance(versions, known))
    return found | known


def fairness_analysis(extra: Iterable[PastRow] = ()) -> tuple[Analysis, Sources]:
    """The analysis of the active organization (call inside its scope). The significance
    tests' figures come from `significance_of`: scipy and statsmodels never load here."""
    found, sources = observations(extra)
    return analyse(found, significance_of), sources


def uploads() -> list[PastDecisionUpload]:
    return list(PastDecisionUpload.objects.select_related("uploaded_by").order_by("-uploaded_at"))
