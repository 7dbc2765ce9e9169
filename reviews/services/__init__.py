"""The write path of review cycles. Every function runs in one transaction, checks that
the organization is writable, names the revision it read where people edit concurrently,
writes an audit entry, and queues e-mails after commit. The pages and the API call these
functions; nothing else writes review rows.

Errors: `ReviewError` (message + per-field `errors`), `StaleError` (a revision check
failed: 409), `FormLocked` (a submitted form: 409), `NotAllowed` (403)."""

from reviews.errors import NotAllowed, ReviewError, StaleError
from reviews.models import FormLocked
from reviews.services.answers import missing_answers, reopen_form, save_answers, submit_form
from reviews.services.calibration import (
    acknowledge,
    close_cycle,
    finalize_calibration,
    open_calibration,
    record_conversation,
    release_cycle,
    set_final_rating,
)
from reviews.services.cycles import (
    add_participants,
    choose_participants,
    copy_cycle,
    create_cycle,
    decide_peer,
    delete_cycle,
    launch_cycle,
    nominate_peer,
    people_for_rule,
    reassign_reviewer,
    remove_participant,
    update_cycle,
)
from reviews.services.fixes import PendingFix, apply_framework_fix, pending_fixes
from reviews.services.reminders import (
    send_due_reminders,
    send_due_reminders_for,
    send_reminders,
)
from reviews.services.scale import ensure_scale, update_scale

__all__ = [
    "FormLocked",
    "NotAllowed",
    "PendingFix",
    "ReviewError",
    "StaleError",
    "acknowledge",
    "add_participants",
    "apply_framework_fix",
    "choose_participants",
    "close_cycle",
    "copy_cycle",
    "create_cycle",
    "decide_peer",
    "delete_cycle",
    "ensure_scale",
    "finalize_calibration",
    "launch_cycle",
    "missing_answers",
    "nominate_peer",
    "open_calibration",
    "pending_fixes",
    "people_for_rule",
    "reassign_reviewer",
    "record_conversation",
    "release_cycle",
    "remove_participant",
    "reopen_form",
    "save_answers",
    "send_due_reminders",
    "send_due_reminders_for",
    "send_reminders",
    "set_final_rating",
    "submit_form",
    "update_cycle",
    "update_scale",
]
