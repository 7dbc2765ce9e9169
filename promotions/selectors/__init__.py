"""Read helpers for promotions, shared by the pages, the packet PDF, the API and the
fairness analytics. Each is constant in queries whatever the number of people."""

from promotions.selectors.analytics import DecisionFact, decision_facts
from promotions.selectors.evidence import EvidenceOption, StatementOptions, evidence_options
from promotions.selectors.history import RatingHistory, rating_histories, rating_history
from promotions.selectors.readiness import (
    Candidate,
    ReadinessList,
    Target,
    candidate_for,
    candidates_for,
    readiness_list,
)

__all__ = [
    "Candidate",
    "DecisionFact",
    "EvidenceOption",
    "RatingHistory",
    "ReadinessList",
    "StatementOptions",
    "Target",
    "candidate_for",
    "candidates_for",
    "decision_facts",
    "evidence_options",
    "rating_histories",
    "rating_history",
    "readiness_list",
]
