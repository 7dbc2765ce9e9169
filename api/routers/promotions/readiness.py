"""/promotions/readiness: who is ready for a level up, by the organization's readiness
rule (`promotions.selectors.readiness_list`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router, Schema

from api.auth import ApiRequest
from api.common import Input, ListOut, Page, family_or_none, page_of
from api.routers.promotions.shapes import viewer_of
from promotions.selectors import readiness_list

router = Router()


class TargetOut(Schema):
    level: str = Field(description="A level one step up (code)")
    title: str
    track: str
    changes_track: bool
    ready: bool
    figure: str = Field(description="e.g. “5 of 5 statements, 100%”")
    assessed: bool = Field(description="False when no review cycle rated this level yet")


class CandidateOut(Schema):
    person: str
    name: str
    family: str | None = Field(description="The job family's key")
    level: str = Field(description="The person's level (code)")
    level_title: str
    cycle: str | None = Field(description="The released review cycle it was read from (id)")
    ready: bool = Field(description="Meets the readiness rule for a level one step up")
    targets: list[TargetOut]
    open_case: str | None = Field(description="Their open promotion case (id)")


class CandidateList(ListOut):
    items: list[CandidateOut]
    rule: str = Field(description="The organization's readiness rule, in words")


class ReadinessFilters(Input):
    family: str | None = Field(None, max_length=60, description="A job family's key")
    level: str | None = Field(None, max_length=20, description="A level code")
    manager: str | None = Field(None, max_length=16, description="Below this manager (id)")
    everyone: bool = Field(False, description="Also those not ready (default: only the ready)")


def candidate_out(c: Any) -> dict[str, Any]:
    return {
        "person": c.person.public_id,
        "name": c.person.name,
        "family": c.person.job_family.key if c.person.job_family else None,
        "level": c.level_code,
        "level_title": c.level_title,
        "cycle": c.cycle.public_id if c.cycle else None,
        "ready": c.ready,
        "targets": [
            {
                "level": t.level_code,
                "title": t.level_title,
                "track": t.track,
                "changes_track": t.changes_track,
                "ready": t.ready,
                "figure": t.readiness.figure,
                "assessed": t.readiness.assessed,
            }
            for t in c.targets
        ],
        "open_case": c.open_case.public_id if c.open_case else None,
    }


@router.get("/promotions/readiness", response=CandidateList, summary="Who is ready for a level up")
def promotion_readiness(
    request: ApiRequest, page: Query[Page], filters: Query[ReadinessFilters]
) -> dict[str, Any]:
    """By the organization's readiness rule, read from each person's latest released
    review (the figure their gap report shows): HR see everyone, a manager the people
    below them. Ready people first."""
    viewer = viewer_of(request)
    if not (viewer.is_admin or viewer.reports):
        raise PermissionDenied("The readiness list is for HR and for managers of a team.")
    family = family_or_none(filters.family) if filters.family else None
    found = readiness_list(
        request.organization,
        viewer,
        family=family.public_id if family else ("-" if filters.family else ""),
        level=filters.level or "",
        manager=filters.manager or "",
        everyone=filters.everyone,
    )
    return {**page_of(request, found.candidates, page, candidate_out), "rule": found.rule_words}
