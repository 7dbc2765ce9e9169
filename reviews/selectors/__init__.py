"""Read helpers for review cycles, shared by the pages, the API, gap reports and
promotions. Each is constant in queries whatever the number of people."""

from reviews.selectors.completion import Completion, Counts, completion
from reviews.selectors.ratings import (
    CompetencyRatings,
    StatementRatings,
    as_rating,
    competency_ratings,
    form_competency_means,
    participants_of,
    statement_ratings,
)

__all__ = [
    "CompetencyRatings",
    "Completion",
    "Counts",
    "StatementRatings",
    "as_rating",
    "competency_ratings",
    "completion",
    "form_competency_means",
    "participants_of",
    "statement_ratings",
]
