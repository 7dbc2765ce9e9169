"""The audit log in words people use: "Person added", "Job title", "HR admin".

An `AuditEntry` stores machine keys ("person.created", {"job_family": [...]}) so that
filters and exports stay stable; these helpers turn them into labels for the screen.
Unknown keys fall back to a readable form of the key, so a new action never breaks
the page.

Every other app words its own actions in its `audit_words` module: `ACTIONS`
({action: (label, verb)}), `FIELDS` and `SOURCES` (each optional), read once at start
(`load`, from `OrganizationsConfig.ready`), so this module imports no domain app.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.utils.module_loading import module_has_submodule

ACTION_WORDS = {
    "family.created": "Job family created",
    "framework.category_added": "Category added",
    "framework.category_moved": "Category moved",
    "framework.category_removed": "Category removed",
    "framework.category_renamed": "Category renamed",
    "framework.competency_added": "Competency added",
    "framework.competency_added_from_onet": "Competency added from O*NET",
    "framework.competency_edited": "Competency changed",
    "framework.competency_moved": "Competency moved",
    "framework.competency_removed": "Competency removed",
    "framework.draft_discarded": "Draft discarded",
    "framework.family_archived": "Job family archived",
    "framework.family_deleted": "Job family deleted",
    "framework.family_restored": "Job family restored",
    "framework.draft_loaded": "Draft filled with a ladder",
    "framework.draft_started": "Draft started",
    "framework.edit_undone": "Draft edit undone",
    "framework.exported": "Ladders exported to a spreadsheet",
    "framework.level_added": "Level added",
    "framework.level_edited": "Level changed",
    "framework.level_moved": "Level moved",
    "framework.level_removed": "Level removed",
    "framework.published": "Version published",
    "framework.statement_edited": "Statements written",
    "import.applied": "Spreadsheet imported",
    "import.failed": "Spreadsheet import failed",
    "import.interrupted": "Spreadsheet import stopped by a server restart",
    "import.refused": "Spreadsheet refused",
    "invitation.accepted": "Invitation accepted",
    "invitation.resent": "Invitation sent again",
    "invitation.revoked": "Invitation withdrawn",
    "invitation.sent": "Invitation sent",
    "membership.created": "Login added",
    "membership.reactivated": "Login restored",
    "membership.role_changed": "Role changed",
    "organization.activated": "Subscription started",
    "organization.paid_until_changed": "End of the paid period changed",
    "organization.suspended": "Made read-only (subscription ended)",
    "billing.checkout_started": "Checkout opened",
    "billing.portal_opened": "Billing portal opened",
    "billing.subscription_changed": "Subscription updated",
    "billing.payment_failed": "Payment failed",
    "billing.payment_succeeded": "Payment received",
    "billing.notice_sent": "Billing e-mail sent",
    "organization.created": "Organization created",
    "organization.settings_changed": "Settings changed",
    "organization.trial_extended": "Trial extended",
    "people.imported": "People imported from CSV",
    "people.bulk_changed": "Several people changed at once",
    "person.created": "Person added",
    "person.deactivated": "Person deactivated",
    "person.login_linked": "Login linked to a person",
    "person.reactivated": "Person reactivated",
    "person.updated": "Person’s details changed",
}

# "<actor> <verb> <item>", as in the dashboard's recent changes.
VERB_WORDS = {
    "family.created": "created the job family",
    "framework.category_added": "added a category to",
    "framework.category_moved": "moved a category in",
    "framework.category_removed": "removed a category from",
    "framework.category_renamed": "renamed a category in",
    "framework.competency_added": "added a competency to",
    "framework.competency_added_from_onet": "added an O*NET skill as",
    "framework.competency_edited": "changed a competency in",
    "framework.competency_moved": "moved a competency in",
    "framework.competency_removed": "removed a competency from",
    "framework.draft_discarded": "discarded",
    "framework.family_archived": "archived",
    "framework.family_deleted": "deleted",
    "framework.family_restored": "restored",
    "framework.draft_loaded": "filled in",
    "framework.draft_started": "started",
    "framework.edit_undone": "undid an edit in",
    "framework.exported": "exported",
    "framework.level_added": "added a level to",
    "framework.level_edited": "changed a level in",
    "framework.level_moved": "moved a level in",
    "framework.level_removed": "removed a level from",
    "framework.published": "published",
    "framework.statement_edited": "wrote statements in",
    "import.applied": "applied a",
    "import.failed": "could not import",
    "import.interrupted": "could not finish importing",
    "import.refused": "uploaded a workbook with problems:",
    "invitation.accepted": "accepted the invitation for",
    "invitation.resent": "sent the invitation again to",
    "invitation.revoked": "withdrew the invitation for",
    "invitation.sent": "invited",
    "membership.created": "gave a login to",
    "membership.reactivated": "restored the login of",
    "membership.role_changed": "changed the role of",
    "organization.activated": "started the subscription of",
    "organization.paid_until_changed": "changed the end of the paid period of",
    "organization.suspended": "made read-only",
    "billing.checkout_started": "opened the checkout for",
    "billing.portal_opened": "opened the billing portal for",
    "billing.subscription_changed": "updated the subscription of",
    "billing.payment_failed": "reported a failed payment for",
    "billing.payment_succeeded": "received a payment for",
    "billing.notice_sent": "sent a billing e-mail to",
    "organization.created": "created",
    "organization.settings_changed": "changed the settings of",
    "organization.trial_extended": "extended the trial of",
    "people.imported": "imported people from",
    "people.bulk_changed": "changed, at once,",
    "person.created": "added",
    "person.deactivated": "deactivated",
    "person.login_linked": "linked a login to",
    "person.reactivated": "reactivated",
    "person.updated": "changed the details of",
}

FIELD_WORDS = {
    "category": "Category",
    "competencies": "Competencies",
    "competency": "Competency",
    "direction": "Moved",
    "draft": "Draft",
    "edit": "Undone",
    "email": "E-mail",
    "families": "Job families",
    "fields": "What changed",
    "file": "File",
    "from": "From",
    "is_active": "Active",
    "job_family": "Job family",
    "level": "Level",
    "levels": "Levels",
    "manager": "Manager",
    "name": "Name",
    "note": "Note",
    "occupation": "O*NET occupation",
    "people_created": "People added",
    "people_updated": "People updated",
    "paid_until": "Paid until",
    "plan": "Plan",
    "status": "Subscription status",
    "interval": "Billed",
    "current_period_end": "Current period ends",
    "cancel_at_period_end": "Cancels at period end",
    "kind": "E-mail",
    "reason": "Why",
    "event": "Stripe event",
    "position": "Place in order",
    "require_mfa_for_admins": "Two-step login for admins",
    "role": "Role",
    "source": "Started from",
    "start_date": "Start date",
    "statements": "Statements",
    "title": "Job title",
    "to": "To",
    "trial_days": "Trial length (days)",
    "trial_ends_at": "Trial ends",
    "versions": "Versions",
    "via": "Through",
}

# Keys that only mean something to the program (the other keys already say it in words).
HIDDEN_KEYS = {"element"}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


# "source" values "<kind>:<detail>" an app words itself ({"template": the template's name})
SOURCE_WORDS: dict[str, Callable[[str], str]] = {}


def register(
    actions: dict[str, tuple[str, str]],
    fields: dict[str, str],
    sources: dict[str, Callable[[str], str]] | None = None,
) -> None:
    """Words of another app's actions ({action: (label, verb)}), fields and kinds of
    source."""
    for action, (label, verb) in actions.items():
        ACTION_WORDS.setdefault(action, label)
        VERB_WORDS.setdefault(action, verb)
    for key, label in fields.items():
        FIELD_WORDS.setdefault(key, label)
    for kind, words in (sources or {}).items():
        SOURCE_WORDS.setdefault(kind, words)


def load() -> None:
    """Register the words of every installed app's `audit_words` module, in the order of
    `INSTALLED_APPS`."""
    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name == __package__ or not module_has_submodule(config.module, "audit_words"):
            continue
        words = import_module(f"{config.name}.audit_words")
        register(
            getattr(words, "ACTIONS", {}),
            getattr(words, "FIELDS", {}),
            getattr(words, "SOURCES", None),
        )


def action_words(action: str) -> str:
    """ "person.created" → "Person added"; an unknown key → "Thing verb"."""
    if action in ACTION_WORDS:
        return ACTION_WORDS[action]
    noun, _, what = action.partition(".")
    return f"{noun} {what}".replace("_", " ").strip().capitalize()


def verb_words(action: str) -> str | None:
    """ "person.created" → "added" (the actor comes before, the item after)."""
    return VERB_WORDS.get(action)


def field_words(key: str) -> str:
    return FIELD_WORDS.get(key, key.replace("_", " ").capitalize())


def value_words(key: str, value: Any) -> str:
    """One stored value in words."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if key == "role":
        from organizations.models import Role

        try:
            return str(Role(value).label)
        except ValueError:
            return str(value)
    if key == "source" and isinstance(value, str):
        kind, _, detail = value.partition(":")
        if kind in SOURCE_WORDS and detail:
            return SOURCE_WORDS[kind](detail)
        if kind == "import":
            return f"a spreadsheet import{f' ({detail})' if detail else ''}"
        if kind == "onet":
            return "O*NET"
        return "a blank ladder" if value == "blank" else value
    if key == "direction" and isinstance(value, int):
        return "earlier (up or to the left)" if value < 0 else "later (down or to the right)"
    if key == "fields" and isinstance(value, list):
        return ", ".join(field_words(str(v)).lower() for v in value)
    if key == "position" and isinstance(value, int):
        return str(value + 1)  # counted from 1, as people count
    if isinstance(value, list):
        return " · ".join(str(v) for v in value)
    if isinstance(value, str) and _DATE.match(value):
        return f"{dt.date.fromisoformat(value):%-d %b %Y}"
    if isinstance(value, str) and _DATETIME.match(value):
        try:
            return f"{dt.datetime.fromisoformat(value):%-d %b %Y}"
        except ValueError:
            return value
    return str(value)


def change_rows(changes: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(label, before, after) for each changed field."""
    rows = []
    for key, pair in (changes or {}).items():
        if key in HIDDEN_KEYS:
            continue
        before, after = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        shown = (value_words(key, before), value_words(key, after))
        if shown != ("—", "—"):
            rows.append((field_words(key), *shown))
    return rows


def data_rows(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) for each extra detail."""
    return [
        (field_words(key), value_words(key, value))
        for key, value in (data or {}).items()
        if key not in HIDDEN_KEYS
    ]
