from growth.models.conversation import CareerConversation
from growth.models.plan import ActionItem, ActionItemEvent
from growth.models.settings import DEFAULT_PERCENT, DEFAULT_SUGGESTIONS, GrowthSettings, Rater

__all__ = [
    "DEFAULT_PERCENT",
    "DEFAULT_SUGGESTIONS",
    "ActionItem",
    "ActionItemEvent",
    "CareerConversation",
    "GrowthSettings",
    "Rater",
]
