"""/analytics/promotions: the promotion-fairness figures (`fairness.selectors`), HR only."""

from __future__ import annotations

import logging
from typing import Any, Literal

from ninja import Field, Query, Router, Schema

from api.auth import ApiRequest
from api.common import ListOut, Page, page_of, require_role
from api.errors import ApiError
from fairness.selectors import fairness_analysis
from fairness.significance import SignificanceUnavailable

router = Router()
logger = logging.getLogger(__name__)


class FairnessGroupOut(Schema):
    attribute: str = Field(description="The question, e.g. “Gender”")
    group: str = Field(description="The answer, e.g. “Woman”")
    n: int | None = Field(description="People considered (null when suppressed)")
    promoted: int | None
    rate: float | None = Field(description="promoted / n")
    impact_ratio: float | None = Field(description="rate / the highest rate; flagged < 0.80")
    test: Literal["fisher_exact", "two_proportion_z"] | None
    p_value: float | None
    flag: bool = Field(description="Flagged for review (impact ratio under 0.80)")
    suppressed: bool = Field(description="Fewer than 5 people (or hidden with such a group)")


class FairnessList(ListOut):
    items: list[FairnessGroupOut]


@router.get(
    "/analytics/promotions",
    response=FairnessList,
    summary="Promotion fairness by group (HR admins)",
)
def promotion_analytics(request: ApiRequest, page: Query[Page]) -> dict[str, Any]:
    """Per volunteered attribute and group: how many were considered and promoted, the
    rate, the impact ratio against the best-treated group (flagged under 0.80), and
    Fisher's exact test or the two-proportion z-test. Groups under 5 people are
    suppressed. A flag is a prompt to review, not a finding of discrimination."""
    require_role(request)
    try:
        analysis, _sources = fairness_analysis()
    except SignificanceUnavailable as error:
        logger.error("Fairness figures unavailable: %s", error)
        raise ApiError(
            503,
            "The significance tests behind these figures could not be run just now; "
            "nothing is lost. Try again in a minute.",
            headers={"Retry-After": "30"},
        ) from error
    return page_of(request, analysis.as_json()["groups"], page, lambda g: g)
