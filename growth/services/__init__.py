"""The write path of growth: development plans, career conversations, the organization's
growth settings and overdue reminders. Every function runs in one transaction, checks
that the organization is writable and who is acting, names the revision it read where
people edit concurrently, and writes an audit entry.

Errors are those of `reviews` (one mapping for the pages and the API): `ReviewError`
(message + per-field `errors`), `StaleError` (409), `NotAllowed` (403)."""

from growth.services.conversations import record_career_conversation
from growth.services.plan import (
    create_action_item,
    create_suggested_items,
    owner_choices,
    set_item_status,
    update_action_item,
)
from growth.services.reminders import (
    REMIND_EVERY_DAYS,
    claim_overdue,
    remind_overdue_action_items,
    send_overdue_reminders,
)
from growth.services.settings import update_settings
from reviews.errors import NotAllowed, ReviewError, StaleError

__all__ = [
    "REMIND_EVERY_DAYS",
    "NotAllowed",
    "ReviewError",
    "StaleError",
    "claim_overdue",
    "create_action_item",
    "create_suggested_items",
    "owner_choices",
    "record_career_conversation",
    "remind_overdue_action_items",
    "send_overdue_reminders",
    "set_item_status",
    "update_action_item",
    "update_settings",
]
