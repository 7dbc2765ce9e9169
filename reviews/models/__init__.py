from reviews.models.cycle import (
    MIN_PEER_THRESHOLD,
    Participant,
    PeerNomination,
    Phase,
    ReviewCycle,
)
from reviews.models.forms import FormItem, FormLocked, ReviewForm
from reviews.models.results import FinalRating, FixApplication, Reminder
from reviews.models.scale import DEFAULT_MEETS, DEFAULT_POINTS, RatingScale, Scale

__all__ = [
    "DEFAULT_MEETS",
    "DEFAULT_POINTS",
    "MIN_PEER_THRESHOLD",
    "FinalRating",
    "FixApplication",
    "FormItem",
    "FormLocked",
    "Participant",
    "PeerNomination",
    "Phase",
    "RatingScale",
    "Reminder",
    "ReviewCycle",
    "ReviewForm",
    "Scale",
]
